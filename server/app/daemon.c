/*
 * The daemon's life: start-up (database checks and migrations, sessions
 * loaded, TLS context, threads, listener), the loop, and an orderly stop.
 *
 * Stop (SIGTERM/SIGINT): close the listener, stop reading on every
 * connection, let calls in flight finish (their writes commit and their
 * replies are flushed), then free connections, drain the workers and the
 * writer (which commits whatever is queued), flush session activity, close
 * the database and exit 0. A stop that takes longer than
 * shutdown-timeout gives up waiting for slow peers, never for the writer.
 */
#include "daemon.h"

#include "server.h"

#include <errno.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "config.h"
#include "audit.h"
#include "clock.h"
#include "concern_system.h"
#include "conn.h"
#include "crypto.h"
#include "db.h"
#include "job.h"
#include "log.h"
#include "rpc.h"
#include "password.h"
#include "peers.h"
#include "sessions.h"
#include "settings.h"
#include "throttle.h"
#include "store.h"
#include "store_throttle.h"
#include "throttle_jobs.h"
#include "timeutil.h"
#include "tls.h"
#include "version.h"
#include "xmalloc.h"

#define HOUSEKEEPING_INTERVAL_S 30

/* --- session activity persistence ----------------------------------------- */

struct touch_item {
	int64_t id;
	int64_t last_seen;
};

struct touch_job {
	struct job job;
	struct touch_item *items;
	size_t n;
};

static void touch_collect(struct session *s, void *arg)
{
	struct touch_job *tj = arg;
	if (s->revoked || s->last_seen_at == s->persisted_last_seen_at)
		return;
	tj->items = xrealloc(tj->items, (tj->n + 1) * sizeof *tj->items);
	tj->items[tj->n].id = s->id;
	tj->items[tj->n].last_seen = s->last_seen_at;
	tj->n++;
	s->persisted_last_seen_at = s->last_seen_at;
}

static void touch_run(struct job *job, struct db *db)
{
	struct touch_job *tj = (struct touch_job *)job;
	for (size_t i = 0; i < tj->n; i++) {
		char *cause = NULL;
		int st = store_session_touch(db, tj->items[i].id, tj->items[i].last_seen, &cause);
		if (st != 0) {
			log_warn("sessions: cannot record activity: %s", cause ? cause : "?");
			free(cause);
			job->status = st;
			return;
		}
	}
}

static void touch_done(struct job *job)
{
	struct touch_job *tj = (struct touch_job *)job;
	free(tj->items);
	free(tj);
}

/* Idle expiry must survive a restart, so last-seen times are written back
 * in one batch per housekeeping round rather than on every request. */
static void persist_session_activity(struct server *srv)
{
	struct touch_job *tj = xcalloc(1, sizeof *tj);
	session_table_foreach(srv->sessions, touch_collect, tj);
	if (tj->n == 0) {
		free(tj);
		return;
	}
	tj->job.run = touch_run;
	tj->job.done = touch_done;
	writer_submit(srv->writer, &tj->job);
}

/* A checkpoint at least every checkpoint-interval while records arrive. */
static void checkpoint_run(struct job *job, struct db *db)
{
	struct server *srv = job->arg;
	char *cause = NULL;
	job->status = audit_log_checkpoint(srv->audit, db, &cause);
	if (job->status != 0) {
		log_error("audit: checkpoint failed: %s", cause ? cause : "?");
		free(cause);
	}
}

static void checkpoint_done(struct job *job)
{
	free(job);
}

static void checkpoint_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct server *srv = arg;
	struct job *job = xcalloc(1, sizeof *job);
	job->run = checkpoint_run;
	job->done = checkpoint_done;
	job->arg = srv;
	writer_submit(srv->writer, job);
}

static void concern_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	concern_system_tick(arg);
}

static void housekeeping_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct server *srv = arg;
	persist_session_activity(srv);
	int64_t now = clock_now_ms();
	size_t n = session_table_prune(srv->sessions, now, srv->session_idle_ms);
	throttle_prune(srv->throttle, now);
	throttle_jobs_prune(srv->writer, now);
	if (n)
		log_debug("sessions: %zu ended or expired sessions dropped from memory", n);
	conn_prune_peers(srv, time_mono_ms());
}

/* The writer rolled a transaction back: numbers it handed out to audit
 * records in it are free again. Writer thread. */
static void writer_aborted(void *arg, struct db *db)
{
	struct server *srv = arg;
	audit_log_resync(srv->audit, db);
	/* A snapshot read inside the lost work may have been cached. */
	settings_cache_forget(srv->settings);
}

/* Loop thread, after finished jobs were handed back: once the writer has
 * caught up, connections paused for it read again. */
static void after_completions(void *arg)
{
	struct server *srv = arg;
	if (srv->write_paused && writer_relieved(srv->writer))
		conn_resume_all(srv);
}

/* --- loading sessions at start ------------------------------------------- */

struct load_ctx {
	struct server *srv;
	struct db *db;
	size_t loaded;
};

static void load_session(void *arg, const struct session_record *rec)
{
	struct load_ctx *lc = arg;
	struct user_record *u = NULL;
	char *cause = NULL;
	perm_mask perms = 0;
	if (store_user_find_by_id(lc->db, rec->user_id, &u, &cause) != 0 || u->disabled ||
	    store_role_permissions(lc->db, rec->role, &perms, &cause) != 0) {
		free(cause);
		user_record_free(u);
		return;
	}
	bool holds = false;
	for (size_t i = 0; i < u->nroles; i++)
		holds |= strcmp(u->roles[i], rec->role) == 0;
	if (!holds) {
		user_record_free(u);
		return;
	}
	struct session *s = xcalloc(1, sizeof *s);
	s->id = rec->id;
	memcpy(s->token_hash, rec->token_hash, sizeof s->token_hash);
	s->user_id = u->id;
	s->username = xstrdup(u->username);
	s->display_name = xstrdup(u->display_name);
	s->role = xstrdup(rec->role);
	s->site = xstrdup(u->site_code);
	s->client_addr = xstrdup(rec->client_addr ? rec->client_addr : "");
	s->cert_subject = xstrdup(rec->cert_subject ? rec->cert_subject : "");
	s->roles = u->roles;
	s->nroles = u->nroles;
	u->roles = NULL;
	u->nroles = 0;
	s->perms = perms;
	s->created_at = rec->created_at;
	s->last_seen_at = rec->last_seen_at;
	s->persisted_last_seen_at = rec->last_seen_at;
	s->expires_at = rec->expires_at;
	s->must_change_password = u->must_change_password;
	user_record_free(u);
	session_table_add(lc->srv->sessions, s);
	lc->loaded++;
}

static int prepare_database(struct server *srv, char **cause)
{
	struct db *db = NULL;
	if (db_open(srv->cfg->db_path, DB_READ_WRITE, &db, cause) < 0)
		return -1;
	int version = 0;
	if (db_migrate(db, &version, cause) < 0) {
		db_close(db);
		return -1;
	}
	int64_t users = 0;
	if (store_user_count(db, &users, cause) != 0) {
		db_close(db);
		return -1;
	}
	if (users == 0)
		log_warn("db: no users yet; create the first admin with 'assured init'");
	srv->schema_version = version;
	char *key = srv->cfg->audit_key_file ? xstrdup(srv->cfg->audit_key_file)
					     : audit_default_key_path(srv->cfg->db_path);
	int rc = audit_log_open(db, key, srv->cfg->checkpoint_every, &srv->audit, cause);
	free(key);
	if (rc < 0) {
		db_close(db);
		return -1;
	}
	struct load_ctx lc = {srv, db, 0};
	if (store_session_each_live(db, clock_now_ms(), load_session, &lc, cause) != 0) {
		db_close(db);
		return -1;
	}
	size_t throttled = 0;
	if (store_throttle_load(db, srv->throttle, clock_now_ms(), &throttled, cause) != 0) {
		db_close(db);
		return -1;
	}
	log_info("db: %s schema version %d, %zu live sessions, %zu throttle keys",
		 srv->cfg->db_path, version, lc.loaded, throttled);
	db_close(db);
	return 0;
}

/* --- signals and stop ------------------------------------------------------ */

static void stop_check_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct server *srv = arg;
	bool timed_out = time_mono_ms() >= srv->stop_deadline_ms;
	if ((srv->inflight == 0 && srv->nconns == 0) || timed_out) {
		if (timed_out && srv->inflight)
			log_warn("shutdown: %llu calls still in flight after the timeout",
				 (unsigned long long)srv->inflight);
		event_base_loopbreak(srv->base);
		return;
	}
	struct timeval tv = {0, 20 * 1000};
	evtimer_add(srv->stop_check, &tv);
}

static void begin_stop(struct server *srv, const char *why)
{
	if (srv->stopping)
		return;
	srv->stopping = true;
	log_info("shutdown: %s; finishing %llu calls in flight", why,
		 (unsigned long long)srv->inflight);
	if (srv->listener) {
		evconnlistener_free(srv->listener);
		srv->listener = NULL;
	}
	conn_stop_all(srv);
	srv->stop_deadline_ms = time_mono_ms() + (int64_t)srv->cfg->shutdown_timeout_s * 1000;
	struct timeval tv = {0, 0};
	evtimer_add(srv->stop_check, &tv);
}

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	struct server *srv = arg;
	if (sig == SIGHUP) {
		char *cause = NULL;
		if (tls_server_reload(srv->tls, &cause) < 0) {
			log_error("SIGHUP: certificates not reloaded, keeping the old ones: %s",
				  cause);
			free(cause);
		} else {
			log_info("SIGHUP: certificate and key reloaded");
		}
		return;
	}
	begin_stop(srv, sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

static void accept_cb(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa,
		      int socklen, void *arg)
{
	(void)l;
	conn_accept(arg, fd, sa, socklen);
}

static void accept_error_cb(struct evconnlistener *l, void *arg)
{
	(void)l;
	(void)arg;
	int err = EVUTIL_SOCKET_ERROR();
	/* EMFILE and friends pass; the listener keeps going. */
	log_error("listener: accept failed: %s", evutil_socket_error_to_string(err));
}

static int write_ready_file(const char *path, const char *addr, char **cause)
{
	char *tmp = xasprintf("%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (f == NULL || fprintf(f, "%s\n", addr) < 0 || fclose(f) != 0) {
		*cause = xasprintf("cannot write %s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		*cause = xasprintf("cannot rename %s to %s: %s", tmp, path, strerror(errno));
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

static int start_listener(struct server *srv, char **cause)
{
	char *host = NULL, *port = NULL;
	if (config_parse_hostport(srv->cfg->listen, &host, &port, cause) < 0)
		return -1;
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	int sslen;
	/* evutil_parse_sockaddr_port refuses port 0, which tests use to get
	 * an ephemeral port, so build the address ourselves. */
	unsigned long pnum = strtoul(port, NULL, 10);
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)pnum);
		sslen = sizeof *in4;
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)pnum);
		sslen = sizeof *in6;
	} else {
		*cause = xasprintf(
		    "listen: '%s' is not an IP address and port (for example 127.0.0.1:7443)",
		    srv->cfg->listen);
		free(host);
		free(port);
		return -1;
	}
	srv->listener = evconnlistener_new_bind(srv->base, accept_cb, srv,
						LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE |
						    LEV_OPT_CLOSE_ON_EXEC,
						512, (struct sockaddr *)&ss, sslen);
	if (srv->listener == NULL) {
		*cause = xasprintf("cannot listen on %s: %s", srv->cfg->listen,
				   evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
		free(host);
		free(port);
		return -1;
	}
	evconnlistener_set_error_cb(srv->listener, accept_error_cb);
	struct sockaddr_storage bound;
	socklen_t blen = sizeof bound;
	getsockname(evconnlistener_get_fd(srv->listener), (struct sockaddr *)&bound, &blen);
	unsigned bport = bound.ss_family == AF_INET6
			     ? ntohs(((struct sockaddr_in6 *)&bound)->sin6_port)
			     : ntohs(((struct sockaddr_in *)&bound)->sin_port);
	if (strchr(host, ':'))
		snprintf(srv->listen_addr, sizeof srv->listen_addr, "[%s]:%u", host, bport);
	else
		snprintf(srv->listen_addr, sizeof srv->listen_addr, "%s:%u", host, bport);
	free(host);
	free(port);
	return 0;
}

int server_run(struct server_config *cfg)
{
	struct server srvs;
	struct server *srv = &srvs;
	memset(srv, 0, sizeof *srv);
	srv->cfg = cfg;
	srv->max_frame = (uint32_t)cfg->max_frame;
	srv->session_idle_ms = (int64_t)cfg->session_idle_s * 1000;
	srv->session_absolute_ms = (int64_t)cfg->session_absolute_s * 1000;
	srv->started_ms = time_mono_ms();
	srv->on_request = rpc_dispatch;
	srv->on_close = rpc_conn_closed;
	srv->peers = peers_new();
	uint8_t rnd[16];
	crypto_random(rnd, sizeof rnd);
	crypto_hex(rnd, sizeof rnd, srv->instance);
	int rc = 1;
	char *cause = NULL;

	/* A peer that vanishes must not kill the daemon with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);

	password_prepare();
	srv->sessions = session_table_new();
	srv->settings = settings_cache_new();
	srv->throttle = throttle_new(&throttle_server_rules);
	if (prepare_database(srv, &cause) < 0)
		goto out;
	srv->tls = tls_server_new(cfg->cert_file, cfg->key_file, cfg->client_ca_file, &cause);
	if (srv->tls == NULL)
		goto out;
	srv->base = event_base_new();
	if (srv->base == NULL) {
		cause = xstrdup("cannot create the event loop");
		goto out;
	}
	srv->completion = completion_new(srv->base);
	srv->workers =
	    worker_pool_new((unsigned)cfg->workers, cfg->db_path, srv->completion, &cause);
	if (srv->workers == NULL)
		goto out;
	srv->writer = writer_new(cfg->db_path, (unsigned)cfg->write_batch, srv->completion,
				 writer_aborted, srv, &cause);
	if (srv->writer == NULL)
		goto out;
	writer_set_limit(srv->writer, (unsigned)cfg->max_write_queue);
	throttle_set_journal(srv->throttle, throttle_jobs_journal, srv->writer);
	completion_set_after(srv->completion, after_completions, srv);
	srv->nslots = (uint32_t)cfg->max_connections + CONN_REFUSAL_SLOTS;
	srv->slots = xcalloc(srv->nslots, sizeof *srv->slots);

	srv->sig_term = evsignal_new(srv->base, SIGTERM, signal_cb, srv);
	srv->sig_int = evsignal_new(srv->base, SIGINT, signal_cb, srv);
	srv->sig_hup = evsignal_new(srv->base, SIGHUP, signal_cb, srv);
	evsignal_add(srv->sig_term, NULL);
	evsignal_add(srv->sig_int, NULL);
	evsignal_add(srv->sig_hup, NULL);
	srv->stop_check = evtimer_new(srv->base, stop_check_cb, srv);
	server_trim_start(srv);
	srv->housekeeping = event_new(srv->base, -1, EV_PERSIST, housekeeping_cb, srv);
	struct timeval hk = {HOUSEKEEPING_INTERVAL_S, 0};
	event_add(srv->housekeeping, &hk);
	srv->checkpoint_timer = event_new(srv->base, -1, EV_PERSIST, checkpoint_cb, srv);
	struct timeval ck = {(time_t)cfg->checkpoint_interval_s, 0};
	event_add(srv->checkpoint_timer, &ck);
	srv->concern_timer = event_new(srv->base, -1, EV_PERSIST, concern_timer_cb, srv);
	struct timeval ct = {CONCERN_SYSTEM_INTERVAL_S, 0};
	event_add(srv->concern_timer, &ct);
	concern_system_tick(srv); /* once at start: deadlines that passed while we were down */

	if (start_listener(srv, &cause) < 0)
		goto out;
	log_info("assured %s (protocol %d) listening on %s over TLS%s; instance %s", ASSURE_VERSION,
		 ASSURE_PROTOCOL_VERSION, srv->listen_addr,
		 cfg->client_ca_file ? " with client certificates required" : "", srv->instance);
	if (cfg->ready_file && write_ready_file(cfg->ready_file, srv->listen_addr, &cause) < 0)
		goto out;

	event_base_dispatch(srv->base);
	rc = 0;

out:
	if (cause) {
		log_error("assured: %s", cause);
		free(cause);
	}
	if (srv->listener)
		evconnlistener_free(srv->listener);
	if (srv->slots)
		conn_free_all(srv);
	/* Workers first (their results may queue writes), then the writer,
	 * which commits everything still queued. */
	if (srv->workers)
		worker_pool_free(srv->workers);
	if (srv->completion)
		completion_drain(srv->completion);
	if (srv->writer) {
		persist_session_activity(srv);
		if (srv->audit)
			checkpoint_cb(-1, 0, srv); /* sign what this run wrote */
		/* Completions drained after this (a password reset's clear)
		 * must not queue on a writer that is gone; the reset's own
		 * transaction already cleared the stored rows. */
		throttle_set_journal(srv->throttle, NULL, NULL);
		writer_free(srv->writer);
	}
	if (srv->completion) {
		completion_drain(srv->completion);
		completion_free(srv->completion);
	}
	if (rc == 0)
		log_info("shutdown: complete");
	if (srv->sig_term)
		event_free(srv->sig_term);
	if (srv->sig_int)
		event_free(srv->sig_int);
	if (srv->sig_hup)
		event_free(srv->sig_hup);
	if (srv->stop_check)
		event_free(srv->stop_check);
	if (srv->housekeeping)
		event_free(srv->housekeeping);
	if (srv->trim_timer)
		event_free(srv->trim_timer);
	srv->trim_timer = NULL;
	if (srv->checkpoint_timer)
		event_free(srv->checkpoint_timer);
	if (srv->concern_timer)
		event_free(srv->concern_timer);
	free(srv->slots);
	session_table_free(srv->sessions);
	settings_cache_free(srv->settings);
	audit_log_free(srv->audit);
	throttle_free(srv->throttle);
	tls_server_free(srv->tls);
	peers_free(srv->peers);
	if (srv->base)
		event_base_free(srv->base);
	return rc;
}
