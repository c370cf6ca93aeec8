/*
 * The dispatcher. One index from operation to table entry, built from the
 * group tables on first use; one function that checks everything a request
 * must satisfy before its handler runs.
 *
 * Ownership: a call owns its arena, and the arena owns the request, the
 * response and the strings in both. The loop thread owns the call except
 * while a job holds it on a worker or the writer. rpc_complete frees it.
 */
#include "rpc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "audit.h"
#include "conn.h"
#include "db.h"
#include "log.h"
#include "server.h"
#include "sessions.h"
#include "settings.h"
#include "status.h"
#include "timeutil.h"
#include "version.h"
#include "xmalloc.h"

#define RPC_MAX_OP 1024

static const struct rpc_entry *rpc_index[RPC_MAX_OP];
static const struct rpc_entry **rpc_all;
static size_t rpc_nall;

static void add_table(const struct rpc_entry *table, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct rpc_entry *e = &table[i];
		if (e->op <= 0 || e->op >= RPC_MAX_OP || rpc_index[e->op] != NULL) {
			log_error("rpc: bad or duplicate table entry %s (op %d)", e->name, e->op);
			abort();
		}
		rpc_index[e->op] = e;
		rpc_all = xrealloc(rpc_all, (rpc_nall + 1) * sizeof *rpc_all);
		rpc_all[rpc_nall++] = e;
	}
}

static void build_index(void)
{
	if (rpc_all != NULL)
		return;
	add_table(rpc_system_table, rpc_system_count);
	add_table(rpc_session_table, rpc_session_count);
	add_table(rpc_user_table, rpc_user_count);
	add_table(rpc_role_table, rpc_role_count);
	add_table(rpc_site_table, rpc_site_count);
	add_table(rpc_audit_table, rpc_audit_count);
	add_table(rpc_performer_table, rpc_performer_count);
	add_table(rpc_concern_table, rpc_concern_count);
	add_table(rpc_concern_side_table, rpc_concern_side_count);
	add_table(rpc_concern_read_table, rpc_concern_read_count);
	add_table(rpc_config_table, rpc_config_count);
	/* contracts, indicator sets, requirements */
	add_table(rpc_contract_table, rpc_contract_count);
	add_table(rpc_indicators_table, rpc_indicators_count);

	/* reviews */
	add_table(rpc_review_table, rpc_review_count);
	add_table(rpc_review_read_table, rpc_review_read_count);

	/* scorecard */
	add_table(rpc_scorecard_table, rpc_scorecard_count);
}

const struct rpc_entry *rpc_lookup(int op)
{
	build_index();
	if (op <= 0 || op >= RPC_MAX_OP)
		return NULL;
	return rpc_index[op];
}

size_t rpc_entries(const struct rpc_entry ***out)
{
	build_index();
	*out = rpc_all;
	return rpc_nall;
}

struct rpc_call *rpc_call_of(struct job *job)
{
	return (struct rpc_call *)((char *)job - offsetof(struct rpc_call, job));
}

/* Longest error message sent: room for a whole list of what a rule found
 * missing (a review's finalise list runs to a few kilobytes), far below
 * the frame limit. */
#define RPC_MESSAGE_MAX 65536

enum rpc_result rpc_error(struct rpc_call *call, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	Assure__Status *st = call->resp->status;
	st->code = code;
	st->message = arena_strndup(call->arena, msg, RPC_MESSAGE_MAX);
	free(msg);
	/* An error carries no result. */
	call->resp->result_case = ASSURE__RESPONSE__RESULT__NOT_SET;
	return RPC_DONE;
}

static void call_free(struct rpc_call *call)
{
	if (call->cleanup_fn)
		call->cleanup_fn(call);
	settings_release(call->settings);
	free(call->db_message);
	/* The arena is wiped on free, so no call leaves a password or token
	 * behind. */
	struct arena *a = call->arena;
	arena_free(a);
}

static void log_call(const struct rpc_call *call)
{
	int code = call->resp->status->code;
	long long us = (time_mono_ns() - call->started_ns) / 1000;
	if (code == ASSURE__CODE__OK)
		log_debug("rpc %s %s id=%llu user=%s ok %lldus", call->peer, call->entry->name,
			  (unsigned long long)call->resp->id,
			  call->actor.username ? call->actor.username : "-", us);
	else
		log_info("rpc %s %s id=%llu user=%s %s: %s (%lldus)", call->peer, call->entry->name,
			 (unsigned long long)call->resp->id,
			 call->actor.username ? call->actor.username : "-", status_code_name(code),
			 call->resp->status->message, us);
}

void rpc_audit_object(struct rpc_call *call, const char *type, const char *id)
{
	call->audit_object_type = type;
	call->audit_object_id = arena_strdup(call->arena, id ? id : "");
}

/* Counts a pre-login Hello or Status on its connection (RPC_TALLY). */
static void tally(struct conn *c, const struct rpc_call *call)
{
	struct conn_tally *t = &c->tally;
	int64_t now = clock_now_ms();
	if (t->hello + t->status == 0)
		t->first_ms = now;
	t->last_ms = now;
	if (call->entry->op == ASSURE__REQUEST__OP_HELLO)
		t->hello++;
	else
		t->status++;
	if (call->resp->status->code != ASSURE__CODE__OK)
		t->refused++;
}

/* One record for a connection's calls before login: who (address,
 * certificate), how many of each, and when. Written when the connection
 * logs in or closes, whichever is first, and the tally starts again. */
static void flush_tally(struct conn *c, const char *then)
{
	struct conn_tally *t = &c->tally;
	if (t->hello + t->status == 0 || c->srv->writer == NULL)
		return;
	static const struct rpc_entry entry = {0, "PreLoginCalls", PERM_NONE, 0, NULL, 'E'};
	struct rpc_call call;
	memset(&call, 0, sizeof call);
	call.srv = c->srv;
	call.entry = &entry;
	snprintf(call.peer, sizeof call.peer, "%s", c->peer);
	snprintf(call.cert_fingerprint, sizeof call.cert_fingerprint, "%s", c->cert_fingerprint);
	call.audit_object_type = "connection";
	char first[40], last[40];
	time_format_rfc3339_ms(t->first_ms, first, sizeof first);
	time_format_rfc3339_ms(t->last_ms, last, sizeof last);
	char reason[256];
	snprintf(reason, sizeof reason,
		 "before login: %u Hello, %u Status (%u refused) from %s to %s; then %s", t->hello,
		 t->status, t->refused, first, last, then);
	audit_submit(c->srv, &call, ASSURE__CODE__OK, reason);
	memset(t, 0, sizeof *t);
}

void rpc_conn_closed(struct conn *c)
{
	char then[96];
	snprintf(then, sizeof then, "connection %s", c->close_reason ? c->close_reason : "closed");
	flush_tally(c, then);
}

static void finish(struct rpc_call *call, struct conn *c, bool async)
{
	if (call->streaming) {
		/* The stream answers by itself; this call only leaves its
		 * log line and audit record. */
		log_call(call);
		if (!call->audited && call->srv->writer != NULL)
			audit_submit(call->srv, call, ASSURE__CODE__OK, "stream started");
		call_free(call);
		return;
	}
	struct server *srv = call->srv;
	/* The other half of RPC_WRITE: a row that claims to change the
	 * database and answered OK without the writer changed nothing, or
	 * changed it some other way. Logged as the bug it is (the integration
	 * harness fails a test whose server logs it). */
	if ((call->entry->flags & RPC_WRITE) && !call->wrote &&
	    call->resp->status->code == ASSURE__CODE__OK)
		log_error("rpc %s: an RPC_WRITE row answered OK without the writer",
			  call->entry->name);
	log_call(call);
	if (c != NULL && !call->audited && (call->entry->flags & RPC_TALLY) &&
	    !call->actor.has_session) {
		tally(c, call);
		call->audited = true;
	}
	/* Every call leaves one record. A write's is already in its own
	 * transaction; the rest go to the writer now, before the reply. */
	if (!call->audited && srv->writer != NULL)
		audit_submit(srv, call, call->resp->status->code,
			     call->audit_reason && call->resp->status->code == ASSURE__CODE__OK
				 ? call->audit_reason
				 : call->resp->status->message);
	/* A login ends the pre-login phase: its tally is written now, after
	 * the Login record, so the trail reads in order. */
	if (c != NULL && c->has_session)
		flush_tally(c, "logged in");
	bool barrier = async && (call->entry->flags & RPC_BARRIER);
	if (c != NULL) {
		conn_send_response(c, call->resp);
		if (async)
			conn_call_finished(c, barrier);
	}
	if (async && srv->inflight > 0)
		srv->inflight--;
	call_free(call);
}

void rpc_complete(struct rpc_call *call)
{
	if (call->job.lost)
		call->audited = false; /* its transaction, record included, was lost */
	struct conn *c = conn_find(call->srv, call->conn_id);
	if (c == NULL)
		log_info("rpc %s %s: connection gone; result dropped", call->peer,
			 call->entry->name);
	finish(call, c, true);
}

static enum rpc_result submit(struct rpc_call *call, void (*run)(struct job *, struct db *),
			      void (*done)(struct job *), bool writer)
{
	call->job.run = run;
	call->job.done = done;
	call->job.status = ASSURE__CODE__OK;
	if (writer)
		writer_submit(call->srv->writer, &call->job);
	else
		worker_pool_submit(call->srv->workers, &call->job);
	return RPC_ASYNC;
}

enum rpc_result rpc_submit_worker(struct rpc_call *call, void (*run)(struct job *, struct db *),
				  void (*done)(struct job *))
{
	return submit(call, run, done, false);
}

/*
 * Every write of a call runs through here on the writer thread: the call's
 * own work inside an inner savepoint, undone if it failed; then the call's
 * audit record, in the same transaction, whatever the outcome. If the
 * record cannot be written the whole job is rolled back and answered
 * INTERNAL: no change commits without its record (fail closed).
 */
static void writer_trampoline(struct job *job, struct db *db)
{
	struct rpc_call *call = rpc_call_of(job);
	char *cause = NULL;
	if (db_savepoint_inner(db, &cause) < 0) {
		log_error("rpc %s: SAVEPOINT: %s", call->entry->name, cause);
		free(cause);
		job->status = ASSURE__CODE__INTERNAL;
		return;
	}
	call->writer_run(job, db);
	if (!db_in_transaction(db))
		return; /* the database ended the transaction; the writer copes */
	if (job->status != ASSURE__CODE__OK) {
		db_rollback_to_inner(db);
	} else if (db_release_inner(db, &cause) < 0) {
		log_error("rpc %s: RELEASE: %s", call->entry->name, cause);
		free(cause);
		job->status = ASSURE__CODE__INTERNAL;
		return;
	}
	const char *reason = call->audit_reason ? call->audit_reason
			     : call->db_message ? call->db_message
						: "";
	Assure__AuditRecord *rec = audit_record_from_call(call->arena, call, job->status, reason);
	if (audit_log_append(call->srv->audit, db, rec, &cause) != ASSURE__CODE__OK) {
		log_error("audit: record for %s could not be written, so the request fails: %s",
			  call->entry->name, cause ? cause : "?");
		free(cause);
		job->status = ASSURE__CODE__INTERNAL;
		job->commit_on_error = 0;
		return;
	}
	call->audited = true;
	job->commit_on_error = job->status != ASSURE__CODE__OK;
}

enum rpc_result rpc_submit_writer(struct rpc_call *call, void (*run)(struct job *, struct db *),
				  void (*done)(struct job *))
{
	/* The table says which calls change the database; a handler that
	 * writes under a read row is a bug, refused rather than committed. */
	if (!(call->entry->flags & RPC_WRITE)) {
		log_error("rpc %s: a write from a row without RPC_WRITE; refused",
			  call->entry->name);
		rpc_error(
		    call, ASSURE__CODE__INTERNAL,
		    "%s failed on an internal error (logged on the server); nothing was changed",
		    call->entry->name);
		return RPC_DONE;
	}
	call->wrote = true;
	call->writer_run = run;
	return submit(call, writer_trampoline, done, true);
}

int rpc_settings(struct rpc_call *call, struct db *db, const struct settings_snapshot **out,
		 char **message)
{
	if (call->settings == NULL) {
		int st = settings_acquire(call->srv->settings, db, &call->settings, message);
		if (st != ASSURE__CODE__OK)
			return st;
	}
	*out = call->settings;
	return ASSURE__CODE__OK;
}

static void db_job_run(struct job *job, struct db *db)
{
	struct rpc_call *call = rpc_call_of(job);
	job->status = call->db_fn(call, db, &call->db_message);
}

static void db_job_done(struct job *job)
{
	struct rpc_call *call = rpc_call_of(job);
	int st = job->status;
	if (st == ASSURE__CODE__OK) {
		if (call->after_fn)
			call->after_fn(call);
	} else if (st == ASSURE__CODE__INTERNAL || st == ASSURE__CODE__UNKNOWN) {
		log_error("rpc %s %s: %s", call->peer, call->entry->name,
			  call->db_message ? call->db_message : "internal error");
		rpc_error(
		    call, ASSURE__CODE__INTERNAL,
		    "%s failed on an internal error (logged on the server); nothing was changed",
		    call->entry->name);
	} else if (st == ASSURE__CODE__UNAVAILABLE) {
		rpc_error(call, st, "the database is busy; try again");
	} else {
		rpc_error(call, st, "%s",
			  call->db_message ? call->db_message : status_code_name(st));
	}
	rpc_complete(call);
}

enum rpc_result rpc_read(struct rpc_call *call, rpc_db_fn fn, rpc_after_fn after)
{
	call->db_fn = fn;
	call->after_fn = after;
	return rpc_submit_worker(call, db_job_run, db_job_done);
}

enum rpc_result rpc_write(struct rpc_call *call, rpc_db_fn fn, rpc_after_fn after)
{
	call->db_fn = fn;
	call->after_fn = after;
	return rpc_submit_writer(call, db_job_run, db_job_done);
}

/* The operation's own sub-message, for the validity check. */
static const ProtobufCMessage *op_message(const Assure__Request *req)
{
	const ProtobufCFieldDescriptor *f =
	    protobuf_c_message_descriptor_get_field(req->base.descriptor, (unsigned)req->op_case);
	if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE)
		return NULL;
	return *(const ProtobufCMessage *const *)((const char *)req + f->offset);
}

void rpc_fill_actor(struct rpc_call *call, const struct session *s)
{
	struct rpc_actor *a = &call->actor;
	a->has_session = true;
	a->session_id = s->id;
	a->user_id = s->user_id;
	a->username = arena_strdup(call->arena, s->username);
	a->display_name = arena_strdup(call->arena, s->display_name);
	a->role = arena_strdup(call->arena, s->role);
	a->site = arena_strdup(call->arena, s->site);
	a->perms = s->perms;
	memcpy(a->token_hash, s->token_hash, sizeof a->token_hash);
}

/* Every check before the handler. Returns true when the handler may run;
 * otherwise the response carries the refusal. */
static bool admit(struct rpc_call *call, struct conn *c)
{
	const Assure__Request *req = call->req;
	const struct rpc_entry *e = call->entry;
	struct server *srv = call->srv;

	if (!c->hello_done && !(e->flags & RPC_NO_HELLO)) {
		rpc_error(call, ASSURE__CODE__FAILED_PRECONDITION,
			  "send Hello first: the protocol version must be agreed before %s",
			  e->name);
		return false;
	}
	const ProtobufCMessage *m = op_message(req);
	if (m == NULL || !protobuf_c_message_check(m)) {
		rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
			  "%s: the request message is incomplete", e->name);
		return false;
	}
	if (c->has_session) {
		int64_t now = clock_now_ms();
		struct session *s = session_table_find(srv->sessions, c->token_hash);
		enum session_state st = session_state(s, now, srv->session_idle_ms);
		if (st == SESSION_VALID) {
			s->last_seen_at = now;
			rpc_fill_actor(call, s);
			uint64_t rate = srv->cfg->session_rate;
			if (!rate_take(&s->rate, (uint32_t)rate, (uint32_t)(rate * 2),
				       time_mono_ms())) {
				rpc_error(call, ASSURE__CODE__RESOURCE_EXHAUSTED,
					  "rate limited: more than %llu requests/s in this session "
					  "(session-rate); slow down and try again",
					  (unsigned long long)rate);
				return false;
			}
		} else if (!(e->flags & RPC_PREAUTH)) {
			c->has_session = false;
			rpc_error(call, ASSURE__CODE__UNAUTHENTICATED, "%s",
				  session_state_message(st));
			return false;
		} else {
			c->has_session = false;
		}
	}
	if (e->flags & RPC_PREAUTH)
		return true;
	if (!call->actor.has_session) {
		rpc_error(call, ASSURE__CODE__UNAUTHENTICATED,
			  "not logged in: %s needs a session (assure login)", e->name);
		return false;
	}
	struct session *s = session_table_find(srv->sessions, c->token_hash);
	if (s->must_change_password && !(e->flags & RPC_PWCHANGE_OK)) {
		rpc_error(call, ASSURE__CODE__FAILED_PRECONDITION,
			  "password change required: set a new password (assure passwd) before %s",
			  e->name);
		return false;
	}
	if (e->perm != PERM_NONE && !(call->actor.perms & PERM_BIT(e->perm))) {
		rpc_error(
		    call, ASSURE__CODE__PERMISSION_DENIED,
		    "permission denied: %s needs permission '%s', which role '%s' does not have",
		    e->name, perm_name(e->perm), call->actor.role);
		return false;
	}
	return true;
}

void rpc_dispatch(struct conn *c, struct arena *arena, Assure__Request *req)
{
	struct server *srv = c->srv;
	struct rpc_call *call = arena_alloc(arena, sizeof *call);
	call->srv = srv;
	call->conn_id = c->id;
	call->arena = arena;
	call->req = req;
	call->started_ns = time_mono_ns();
	snprintf(call->peer, sizeof call->peer, "%s", c->peer);
	snprintf(call->cert_fingerprint, sizeof call->cert_fingerprint, "%s", c->cert_fingerprint);
	call->resp = arena_alloc(arena, sizeof *call->resp);
	assure__response__init(call->resp);
	call->resp->id = req->id;
	call->resp->status = arena_alloc(arena, sizeof *call->resp->status);
	assure__status__init(call->resp->status);

	static const struct rpc_entry unknown = {
	    0, "Unknown", PERM_NONE, RPC_PREAUTH | RPC_NO_HELLO, NULL, 'E'};
	call->entry = rpc_lookup((int)req->op_case);
	/* A newer client's operation is a field number this build's Request
	 * does not have: it decodes as an unknown field with no operation set,
	 * and is unimplemented here rather than malformed (found by
	 * fuzz_request). */
	if (req->op_case == ASSURE__REQUEST__OP__NOT_SET && req->base.n_unknown_fields == 0) {
		call->entry = &unknown;
		rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "request %llu has no operation set",
			  (unsigned long long)req->id);
		finish(call, c, false);
		return;
	}
	if (call->entry == NULL) {
		call->entry = &unknown;
		rpc_error(call, ASSURE__CODE__UNIMPLEMENTED,
			  "operation %d is not known to this server (protocol %d)",
			  req->op_case != ASSURE__REQUEST__OP__NOT_SET
			      ? (int)req->op_case
			      : (int)req->base.unknown_fields[0].tag,
			  ASSURE_PROTOCOL_VERSION);
		finish(call, c, false);
		return;
	}
	if (!admit(call, c)) {
		finish(call, c, false);
		return;
	}
	enum rpc_result r = call->entry->handler(call);
	if (r == RPC_STREAM) {
		call->streaming = true;
		finish(call, c, false);
		return;
	}
	if (r == RPC_DONE) {
		finish(call, c, false);
		return;
	}
	c->inflight++;
	srv->inflight++;
	if (call->entry->flags & RPC_BARRIER)
		c->barrier = true;
}
