/*
 * Fuzz target for request handling: every request of the input goes through
 * rpc_dispatch (server/rpc/rpc.c: the table, the admission checks, the handler)
 * on a logged-in connection, against a migrated database,
 * with the daemon's own worker pool, writer thread (group commit and the
 * audit record in the same transaction) and completion queue. So the
 * handlers' validation, the domain rules and the store run as they do in
 * assured, reads on a worker and writes through the writer.
 *
 * Input: up to FUZZ_MAX_REQUESTS frames as on the wire (4-byte length, then
 * a Request). Each is unpacked into its own arena as conn.c does and
 * dispatched once the one before it has finished, so an input can create
 * something and then act on it (and one actor can act on what another
 * made). A frame that does not decode is skipped.
 *
 * Every input starts from the same database: a user for each built-in
 * role with a live session (the request id chooses who is logged in for
 * it, see actor_defs), made once. The threads and their handles live across inputs (opening
 * them, schema and all, costs more than most requests); after an input,
 * once a job queued behind everything on the worker and on the writer has
 * come back (both idle, every result handed back), the pristine database
 * is copied over the live one through the writer's own handle with
 * SQLite's backup API, and the audit log and the settings cache re-read it,
 * as after a rollback. So a crash reproduces from its input alone. What the
 * loop owns per connection (session table, throttles, peers) is made per
 * input.
 *
 * Password hashing is the one thing made cheaper (-Wl,--wrap): argon2id
 * with the smallest cost instead of 19 MiB, so a Login or UserAdd takes
 * microseconds, not 50 ms. Every password rule still runs.
 *
 * What must hold (abort otherwise): every call finishes (10 s); every frame
 * the server writes is a Response; every call but AuditSubscribe is
 * answered under its id; an operation this server does not know is
 * answered UNIMPLEMENTED; nothing is answered INTERNAL (a request that the
 * handlers let through to a database error is a missing check); no
 * allocation outlives the input (LeakSanitizer). With FUZZ_REQUEST_VERBOSE
 * in the environment every answer is printed, which helps write seeds.
 */
#include <argon2.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "assure.pb-c.h"
#include "audit.h"
#include "clock.h"
#include "conn.h"
#include "crypto.h"
#include "db.h"
#include "frame.h"
#include "job.h"
#include "log.h"
#include "password.h"
#include "peers.h"
#include "rpc.h"
#include "server.h"
#include "server_config.h"
#include "sessions.h"
#include "status.h"
#include "settings.h"
#include "store.h"
#include "throttle_jobs.h"
#include "throttle.h"
#include "timeutil.h"
#include "xmalloc.h"

#include <sqlite3.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t fuzz_replay_reached(void);

#define FUZZ_MAX_REQUESTS 8
#define FUZZ_CALL_TIMEOUT_S 10
#define FUZZ_PASSWORD "correct horse battery staple"

/* Who is logged in on the connection for a request: actors[id % 8]. Each
 * is a user holding one built-in role, with a live session, so every
 * handler is reached by someone its permission admits (and refused to
 * the rest). The ids of the seeds are chosen accordingly. */
#define FUZZ_NACTORS 8
static const struct actor_def {
	const char *username, *display_name, *role;
} actor_defs[FUZZ_NACTORS + 2] = {
    {"admin", "Ada Admin", "admin"},
    {"cm", "Casey Manager", "case-manager"},
    {"pag", "Pat Adviser", "pag-member"},
    {"inv", "Ivo Investigator", "investigator"},
    {"p1", "Panel One", "panel-member"},
    {"cmgr", "Connie Contracts", "contract-manager"},
    {"rev", "Rowan Reviewer", "reviewer"},
    {"aud", "Audrey Auditor", "auditor"},
    /* Two more panel members, without sessions, for a quorum. */
    {"p2", "Panel Two", "panel-member"},
    {"p3", "Panel Three", "panel-member"},
};

struct actor {
	int64_t user_id;
	int64_t session_id;
	uint8_t token_hash[CRYPTO_SHA256_LEN];
	perm_mask perms;
};

/* --- password hashing at the smallest cost ------------------------------- */

char *__wrap_password_hash(const char *pw, char **cause);
void __wrap_password_verify_dummy(const char *pw);

/* argon2id, t=1, m=8 KiB (its minimum), p=1: the same encoded form, so the
 * real password_verify reads the cost from it and checks it as usual. */
char *__wrap_password_hash(const char *pw, char **cause)
{
	uint8_t salt[16];
	crypto_random(salt, sizeof salt);
	size_t len = argon2_encodedlen(1, 8, 1, sizeof salt, 32, Argon2_id);
	char *out = xmalloc(len);
	int rc = argon2id_hash_encoded(1, 8, 1, pw, strlen(pw), salt, sizeof salt, 32, out, len);
	if (rc != ARGON2_OK) {
		free(out);
		*cause = xasprintf("argon2id: %s", argon2_error_message(rc));
		return NULL;
	}
	return out;
}

static char *cheap_dummy;

void __wrap_password_verify_dummy(const char *pw)
{
	(void)password_verify(cheap_dummy, pw);
}

/* --- the database every input starts from -------------------------------- */

static struct {
	struct event_base *base;
	char dir[256];
	char pristine[320]; /* made once, never written again */
	char db[320];	    /* the live one */
	char key[320];
	struct db *restorer;	     /* on the live database, pristine attached */
	sqlite3_stmt **wipe, **fill; /* per table: empty it, copy it back */
	size_t ntables;
	struct actor actors[FUZZ_NACTORS];
	struct event *watchdog;
} fz;

static size_t dispatched;
/* FUZZ_REQUEST_VERBOSE set: every answer is printed, for writing seeds. */
static bool verbose;

size_t fuzz_replay_reached(void)
{
	return dispatched;
}

static void die(const char *what, const char *cause)
{
	fprintf(stderr, "fuzz_request: %s: %s\n", what, cause ? cause : "?");
	abort();
}

static void remove_dir(void)
{
	const char *dbs[] = {fz.pristine, fz.db};
	for (int i = 0; i < 2; i++) {
		char path[400];
		unlink(dbs[i]);
		snprintf(path, sizeof path, "%s-wal", dbs[i]);
		unlink(path);
		snprintf(path, sizeof path, "%s-shm", dbs[i]);
		unlink(path);
	}
	unlink(fz.key);
	char *pub = audit_public_key_path(fz.key);
	unlink(pub);
	free(pub);
	rmdir(fz.dir);
}

/* A directory in memory if there is one (the writer fsyncs every batch),
 * removed at exit, and also when a sanitizer ends the process. */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void make_dir(void)
{
	const char *tmp = getenv("TMPDIR");
	const char *parent = access("/dev/shm", W_OK) == 0 ? "/dev/shm"
			     : tmp != NULL		   ? tmp
							   : "/tmp";
	snprintf(fz.dir, sizeof fz.dir, "%s/assure-fuzz-request-XXXXXX", parent);
	if (mkdtemp(fz.dir) == NULL)
		die("mkdtemp", strerror(errno));
	snprintf(fz.pristine, sizeof fz.pristine, "%s/pristine.db", fz.dir);
	snprintf(fz.db, sizeof fz.db, "%s/assure.db", fz.dir);
	snprintf(fz.key, sizeof fz.key, "%s/audit-key.pem", fz.dir);
	atexit(remove_dir);
	if (__sanitizer_set_death_callback != NULL)
		__sanitizer_set_death_callback(remove_dir);
}

/* As `assured init` and UserAdd do, for every actor, plus each one's
 * session as Login stores it. */
static void make_database(const char *path)
{
	char *cause = NULL;
	struct db *db = NULL;
	int version = 0;
	if (db_open(path, DB_CREATE, &db, &cause) < 0 || db_migrate(db, &version, &cause) < 0 ||
	    db_begin(db, &cause) < 0)
		die("database", cause);
	char *hash = __wrap_password_hash(FUZZ_PASSWORD, &cause);
	if (hash == NULL)
		die("hash", cause);
	int64_t now = clock_now_ms();
	for (size_t i = 0; i < sizeof actor_defs / sizeof actor_defs[0]; i++) {
		const struct actor_def *d = &actor_defs[i];
		int64_t id = 0;
		if (store_user_insert(db, d->username, d->display_name, hash, 0, now,
				      "assured init", &id, &cause) != 0 ||
		    store_user_add_role(db, id, d->role, &cause) != 0)
			die(d->username, cause);
		if (i >= FUZZ_NACTORS)
			continue;
		struct actor *a = &fz.actors[i];
		uint8_t token[32];
		memset(token, 0x50 + (int)i, sizeof token);
		crypto_sha256(token, sizeof token, a->token_hash);
		struct session_record rec = {
		    .user_id = id,
		    .role = d->role,
		    .created_at = now,
		    .last_seen_at = now,
		    .expires_at = now + 12 * 3600 * 1000LL,
		    .client_addr = "127.0.0.1",
		    .cert_subject = "",
		};
		memcpy(rec.token_hash, a->token_hash, sizeof rec.token_hash);
		a->user_id = id;
		if (store_session_insert(db, &rec, &a->session_id, &cause) != 0 ||
		    store_role_permissions(db, d->role, &a->perms, &cause) != 0)
			die(d->username, cause);
	}
	if (db_commit(db, &cause) < 0)
		die("commit", cause);
	free(hash);
	db_close(db);
}

/* A closed database file (no -wal left: the last close checkpointed it). */
static void copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	if (in == NULL || out == NULL)
		die("copy database", strerror(errno));
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			die("copy database", strerror(errno));
	fclose(in);
	if (fclose(out) != 0)
		die("copy database", strerror(errno));
}

/* The restorer: a handle of its own on the live database with the
 * pristine one attached, triggers off (the audit tables refuse DELETE) and
 * foreign keys off (tables are emptied in any order). Copying rows rather
 * than pages (the backup API) leaves the schema cookie alone, so the
 * server's handles keep their parsed schema and prepared statements. */
static void restorer_open(void)
{
	char *cause = NULL;
	if (db_open(fz.db, DB_READ_WRITE, &fz.restorer, &cause) < 0)
		die("restorer", cause);
	sqlite3 *h = db_handle(fz.restorer);
	char *attach = sqlite3_mprintf("ATTACH %Q AS pristine", fz.pristine);
	if (sqlite3_db_config(h, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL) != SQLITE_OK ||
	    db_exec(fz.restorer, "PRAGMA foreign_keys=OFF", &cause) < 0 ||
	    db_exec(fz.restorer, attach, &cause) < 0)
		die("restorer", cause);
	sqlite3_free(attach);
	sqlite3_stmt *list;
	if (sqlite3_prepare_v2(h,
			       "SELECT name FROM pristine.sqlite_master WHERE type = 'table' "
			       "AND (name NOT LIKE 'sqlite%' OR name = 'sqlite_sequence') "
			       "ORDER BY name",
			       -1, &list, NULL) != SQLITE_OK)
		die("restorer", sqlite3_errmsg(h));
	while (sqlite3_step(list) == SQLITE_ROW) {
		const char *t = (const char *)sqlite3_column_text(list, 0);
		char *wipe = sqlite3_mprintf("DELETE FROM main.\"%w\"", t);
		char *fill =
		    sqlite3_mprintf("INSERT INTO main.\"%w\" SELECT * FROM pristine.\"%w\"", t, t);
		fz.wipe = xrealloc(fz.wipe, (fz.ntables + 1) * sizeof *fz.wipe);
		fz.fill = xrealloc(fz.fill, (fz.ntables + 1) * sizeof *fz.fill);
		if (sqlite3_prepare_v2(h, wipe, -1, &fz.wipe[fz.ntables], NULL) != SQLITE_OK ||
		    sqlite3_prepare_v2(h, fill, -1, &fz.fill[fz.ntables], NULL) != SQLITE_OK)
			die(t, sqlite3_errmsg(h));
		fz.ntables++;
		sqlite3_free(wipe);
		sqlite3_free(fill);
	}
	sqlite3_finalize(list);
}

/* Puts every table back as it is in the pristine database, in one
 * transaction. Only while the writer and the worker are idle. */
static void restore(void)
{
	char *cause = NULL;
	if (db_exec(fz.restorer, "BEGIN IMMEDIATE", &cause) < 0)
		die("restore", cause);
	for (size_t i = 0; i < fz.ntables; i++) {
		if (sqlite3_step(fz.wipe[i]) != SQLITE_DONE ||
		    sqlite3_step(fz.fill[i]) != SQLITE_DONE)
			die("restore", sqlite3_errmsg(db_handle(fz.restorer)));
		sqlite3_reset(fz.wipe[i]);
		sqlite3_reset(fz.fill[i]);
	}
	if (db_exec(fz.restorer, "COMMIT", &cause) < 0)
		die("restore", cause);
}

/* --- the server ----------------------------------------------------------- */

static struct server srv;
static struct server_config cfg;

/* As server.c's writer_aborted: numbers and snapshots of lost work are
 * forgotten. Writer thread. */
static void writer_aborted(void *arg, struct db *db)
{
	struct server *s = arg;
	audit_log_resync(s->audit, db);
	settings_cache_forget(s->settings);
}

static void after_completions(void *arg)
{
	struct server *s = arg;
	if (s->write_paused && writer_relieved(s->writer))
		conn_resume_all(s);
}

static void call_timeout(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	fprintf(stderr, "fuzz_request: %s did not finish within %ds\n", (const char *)arg,
		FUZZ_CALL_TIMEOUT_S);
	abort();
}

/* Runs the loop until *flag is set, at most FUZZ_CALL_TIMEOUT_S. */
static void wait_for(const bool *flag, const char *what)
{
	struct timeval tv = {FUZZ_CALL_TIMEOUT_S, 0};
	event_assign(fz.watchdog, fz.base, -1, 0, call_timeout, (void *)what);
	evtimer_add(fz.watchdog, &tv);
	while (!*flag)
		event_base_loop(fz.base, EVLOOP_ONCE);
	evtimer_del(fz.watchdog);
}

/* A job behind everything queued: when its done() has run, every job
 * queued before it has run and been handed back (one worker; the writer
 * takes its queue in order), and the thread is idle. */
struct barrier {
	struct job job;
	bool done;
	bool resync; /* the database was put back: re-read what mirrors it */
};

static void barrier_run(struct job *job, struct db *db)
{
	struct barrier *b = (struct barrier *)job;
	if (b->resync)
		writer_aborted(&srv, db);
}

static void barrier_done(struct job *job)
{
	((struct barrier *)job)->done = true;
}

static void quiesce(void)
{
	struct barrier w = {.job = {.run = barrier_run, .done = barrier_done}};
	worker_pool_submit(srv.workers, &w.job);
	wait_for(&w.done, "the worker pool");
	struct barrier b = {.job = {.run = barrier_run, .done = barrier_done}};
	writer_submit(srv.writer, &b.job);
	wait_for(&b.done, "the writer");
}

/* On the writer thread, as after its own rollbacks. */
static void resync(void)
{
	struct barrier b = {.job = {.run = barrier_run, .done = barrier_done}, .resync = true};
	writer_submit(srv.writer, &b.job);
	wait_for(&b.done, "the writer");
}

/* The parts of server_run that requests touch, from the same
 * constructors, made once. */
static void server_start(void)
{
	char *argv[] = {(char *)"assured",
			(char *)"--db",
			fz.db,
			(char *)"--audit-key",
			fz.key,
			(char *)"--workers",
			(char *)"1",
			(char *)"--session-rate",
			(char *)"1000000"};
	char *cause = NULL;
	if (server_config_load(&cfg, (int)(sizeof argv / sizeof argv[0]), argv, stderr, &cause) !=
	    0)
		die("config", cause);
	memset(&srv, 0, sizeof srv);
	srv.cfg = &cfg;
	srv.base = fz.base;
	srv.max_frame = (uint32_t)cfg.max_frame;
	srv.session_idle_ms = (int64_t)cfg.session_idle_s * 1000;
	srv.session_absolute_ms = (int64_t)cfg.session_absolute_s * 1000;
	srv.started_ms = time_mono_ms();
	srv.on_request = rpc_dispatch;
	srv.on_close = rpc_conn_closed;
	snprintf(srv.instance, sizeof srv.instance, "%032x", 0);
	srv.settings = settings_cache_new();
	struct db *db = NULL;
	if (db_open(fz.db, DB_READ_WRITE, &db, &cause) < 0 ||
	    audit_log_open(db, fz.key, cfg.checkpoint_every, &srv.audit, &cause) < 0)
		die("audit log", cause);
	db_close(db);
	srv.schema_version = db_latest_version();
	srv.completion = completion_new(srv.base);
	srv.workers = worker_pool_new(1, fz.db, srv.completion, &cause);
	if (srv.workers == NULL)
		die("workers", cause);
	srv.writer = writer_new(fz.db, (unsigned)cfg.write_batch, srv.completion, writer_aborted,
				&srv, &cause);
	if (srv.writer == NULL)
		die("writer", cause);
	writer_set_limit(srv.writer, (unsigned)cfg.max_write_queue);
	completion_set_after(srv.completion, after_completions, &srv);
	srv.nslots = 2;
	srv.slots = xcalloc(srv.nslots, sizeof *srv.slots);
}

static struct session *actor_session(size_t i)
{
	const struct actor_def *d = &actor_defs[i];
	const struct actor *a = &fz.actors[i];
	int64_t now = clock_now_ms();
	struct session *s = xcalloc(1, sizeof *s);
	s->id = a->session_id;
	memcpy(s->token_hash, a->token_hash, sizeof s->token_hash);
	s->user_id = a->user_id;
	s->username = xstrdup(d->username);
	s->display_name = xstrdup(d->display_name);
	s->role = xstrdup(d->role);
	s->site = xstrdup("");
	s->client_addr = xstrdup("127.0.0.1");
	s->cert_subject = xstrdup("");
	s->roles = xcalloc(1, sizeof *s->roles);
	s->roles[0] = xstrdup(d->role);
	s->nroles = 1;
	s->perms = a->perms;
	s->created_at = now;
	s->last_seen_at = now;
	s->persisted_last_seen_at = now;
	s->expires_at = now + 12 * 3600 * 1000LL;
	return s;
}

/* What the loop keeps about connections and logins, fresh per input. */
static void input_begin(void)
{
	srv.peers = peers_new();
	srv.sessions = session_table_new();
	for (size_t i = 0; i < FUZZ_NACTORS; i++)
		session_table_add(srv.sessions, actor_session(i));
	srv.throttle = throttle_new(&throttle_server_rules);
	/* Failed logins are journalled through the writer as in assured. */
	throttle_set_journal(srv.throttle, throttle_jobs_journal, srv.writer);
}

/* The connection goes as at shutdown; once both threads are idle the
 * database is put back and what mirrors it re-read. */
static void input_end(void)
{
	conn_free_all(&srv);
	quiesce();
	if (srv.inflight != 0 || srv.nconns != 0 || writer_queued(srv.writer) != 0) {
		fprintf(stderr, "fuzz_request: %llu calls in flight after the input\n",
			(unsigned long long)srv.inflight);
		abort();
	}
	restore();
	resync();
	session_table_free(srv.sessions);
	throttle_free(srv.throttle);
	peers_free(srv.peers);
	srv.sessions = NULL;
	srv.throttle = NULL;
	srv.peers = NULL;
}

static void setup_once(void)
{
	if (fz.base != NULL)
		return;
	if (evthread_use_pthreads() != 0)
		abort();
	signal(SIGPIPE, SIG_IGN);
	verbose = getenv("FUZZ_REQUEST_VERBOSE") != NULL;
	log_set_level(LOG_LEVEL_ERROR);
	clock_use_zone("Europe/London");
	char *cause = NULL;
	cheap_dummy = __wrap_password_hash("no such user's password", &cause);
	if (cheap_dummy == NULL)
		die("dummy hash", cause);
	make_dir();
	make_database(fz.pristine);
	/* The log's origin and the signing key, as the daemon's first start
	 * makes them; then the live database starts as a copy. */
	struct db *db = NULL;
	struct audit_log *log = NULL;
	if (db_open(fz.pristine, DB_READ_WRITE, &db, &cause) < 0 ||
	    audit_log_open(db, fz.key, 1000, &log, &cause) < 0)
		die("audit log", cause);
	audit_log_free(log);
	db_close(db);
	copy_file(fz.pristine, fz.db);
	restorer_open();
	fz.base = event_base_new();
	if (fz.base == NULL)
		abort();
	fz.watchdog = evtimer_new(fz.base, call_timeout, NULL);
	server_start();
}

/* --- one request ---------------------------------------------------------- */

/* What a request must be answered with, judged before dispatch (the
 * dispatcher owns the request from then on). */
struct expect {
	uint64_t id;
	const char *name;
	bool answered; /* every call but a stream answers under its id */
	bool unknown;  /* an operation this server does not know */
};

static struct expect judge(const Assure__Request *req)
{
	struct expect e = {req->id, "a request with no operation", true, false};
	const struct rpc_entry *entry = rpc_lookup((int)req->op_case);
	if (req->op_case != ASSURE__REQUEST__OP__NOT_SET) {
		e.name = entry != NULL ? entry->name : "an unknown operation";
		e.unknown = entry == NULL;
	} else if (req->base.n_unknown_fields > 0) {
		/* A newer client's operation: a field number this build's
		 * Request does not have. */
		e.name = "an operation unknown to this server";
		e.unknown = true;
	}
	e.answered = req->op_case != ASSURE__REQUEST__OP_AUDIT_SUBSCRIBE;
	return e;
}

/* Reads every whole frame the server sent; checks each is a Response and
 * whether one answers e. */
static void check_replies(struct bufferevent *peer, const struct expect *e)
{
	struct evbuffer *in = bufferevent_get_input(peer);
	bool found = false;
	for (;;) {
		size_t avail = evbuffer_get_length(in);
		uint8_t hdr[FRAME_HEADER_SIZE];
		if (avail < FRAME_HEADER_SIZE)
			break;
		evbuffer_copyout(in, hdr, sizeof hdr);
		uint32_t len;
		enum frame_result r = frame_peek(hdr, sizeof hdr, srv.max_frame, &len);
		if (r == FRAME_EMPTY || r == FRAME_TOO_LARGE) {
			fprintf(stderr, "fuzz_request: bad frame header from the server\n");
			abort();
		}
		if (avail - FRAME_HEADER_SIZE < len)
			break;
		uint8_t *body = xmalloc(len);
		evbuffer_drain(in, FRAME_HEADER_SIZE);
		evbuffer_remove(in, body, len);
		Assure__Response *resp = assure__response__unpack(NULL, len, body);
		free(body);
		if (resp == NULL) {
			fprintf(stderr, "fuzz_request: the server sent a frame that is not a "
					"Response\n");
			abort();
		}
		int code = resp->status != NULL ? (int)resp->status->code : ASSURE__CODE__OK;
		const char *msg = resp->status != NULL && resp->status->message != NULL
				      ? resp->status->message
				      : "";
		if (verbose)
			fprintf(stderr, "fuzz_request: %s (id %llu) -> %s%s%s\n", e->name,
				(unsigned long long)resp->id, status_code_name(code),
				*msg ? ": " : "", msg);
		if (resp->id == e->id && e->answered) {
			found = true;
			if (e->unknown && code != ASSURE__CODE__UNIMPLEMENTED) {
				fprintf(stderr,
					"fuzz_request: %s was answered %d (%s), not "
					"UNIMPLEMENTED\n",
					e->name, code, msg);
				abort();
			}
		}
		if (code == ASSURE__CODE__INTERNAL) {
			fprintf(stderr, "fuzz_request: %s answered INTERNAL: %s\n", e->name, msg);
			abort();
		}
		assure__response__free_unpacked(resp, NULL);
	}
	if (e->answered && !found) {
		fprintf(stderr, "fuzz_request: %s (id %llu) got no answer\n", e->name,
			(unsigned long long)e->id);
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup_once();
	/* Nothing to dispatch: spare the set-up. */
	uint32_t first;
	if (frame_peek(data, size, FRAME_DEFAULT_MAX, &first) != FRAME_OK)
		return 0;
	input_begin();

	struct bufferevent *pair[2];
	if (bufferevent_pair_new(srv.base, 0, pair) != 0)
		abort();
	bufferevent_enable(pair[1], EV_READ);
	struct conn *c = conn_attach(&srv, pair[0], "127.0.0.1:1", true);
	uint64_t conn_id = c->id;
	/* Hello done, as Hello leaves a connection (fuzz_conn covers getting
	 * there). */
	c->hello_done = true;

	size_t off = 0;
	for (int n = 0; n < FUZZ_MAX_REQUESTS; n++) {
		uint32_t len;
		if (frame_peek(data + off, size - off, srv.max_frame, &len) != FRAME_OK)
			break;
		const uint8_t *frame = data + off + FRAME_HEADER_SIZE;
		off += FRAME_HEADER_SIZE + len;
		c = conn_find(&srv, conn_id);
		if (c == NULL)
			break;
		struct arena *arena = arena_new();
		uint8_t *body = arena_alloc(arena, len);
		memcpy(body, frame, len);
		Assure__Request *req = assure__request__unpack(arena_allocator(arena), len, body);
		if (req == NULL) {
			arena_free(arena);
			continue;
		}
		struct expect e = judge(req);
		/* Logged in as the request's actor, as Login or Resume leaves
		 * a connection (the session may since have been revoked). */
		c->has_session = true;
		memcpy(c->token_hash, fz.actors[req->id % FUZZ_NACTORS].token_hash,
		       sizeof c->token_hash);
		dispatched++;
		rpc_dispatch(c, arena, req);
		/* Wait for it: the worker or writer wakes the loop. */
		struct timeval tv = {FUZZ_CALL_TIMEOUT_S, 0};
		event_assign(fz.watchdog, fz.base, -1, 0, call_timeout, (void *)e.name);
		evtimer_add(fz.watchdog, &tv);
		while ((c = conn_find(&srv, conn_id)) != NULL && c->inflight > 0)
			event_base_loop(fz.base, EVLOOP_ONCE);
		evtimer_del(fz.watchdog);
		/* Deliver what the pair holds. */
		event_base_loop(fz.base, EVLOOP_NONBLOCK);
		check_replies(pair[1], &e);
	}
	input_end();
	bufferevent_free(pair[1]);
	return 0;
}
