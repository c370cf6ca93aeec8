/*
 * AuditSubscribe streams; see audit_stream.h.
 *
 * Ownership: the stream belongs to its connection (conn->attached, with conn->detach) and is freed
 * by detach_cb when the connection is freed, or by end_stream. A
 * fetch in flight on a worker holds it too: if the connection is freed
 * meanwhile the stream is marked dead and the fetch's done() frees it; if
 * the connection is only closing, done() leaves it to the connection.
 */
#include "audit_stream.h"

#include <event2/event.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "audit_msg.h"
#include "clock.h"
#include "conn.h"
#include "db.h"
#include "job.h"
#include "log.h"
#include "rpc.h"
#include "server.h"
#include "sessions.h"
#include "store.h"
#include "xmalloc.h"

#define SUB_BATCH 500
#define SUB_IDLE_MS 100
#define SUB_OUTPUT_HIGH (1024 * 1024)

struct audit_sub {
	struct server *srv;
	uint64_t conn_id;
	uint64_t req_id;
	uint64_t next_seq;
	uint64_t ckpt_sent;
	struct event *timer;
	bool fetching;
	bool dead;
	char username[65];
};

struct sub_fetch {
	struct job job;
	struct audit_sub *sub;
	struct arena *arena;
	Assure__AuditBatch *batch;
	const char *origin;
	char *cause;
};

static void sub_free(struct audit_sub *sub)
{
	if (sub->timer)
		event_free(sub->timer);
	free(sub);
}

static void collect(void *arg, uint64_t seq, const void *record, size_t len)
{
	struct sub_fetch *f = arg;
	Assure__AuditEntry *m = arena_alloc(f->arena, sizeof *m);
	assure__audit_entry__init(m);
	m->seq = seq;
	m->record.data = arena_memdup(f->arena, record, len);
	m->record.len = len;
	f->batch->entries[f->batch->n_entries++] = m;
}

/* Worker: the next committed records, and the checkpoints they complete. */
static void fetch_run(struct job *job, struct db *db)
{
	struct sub_fetch *f = (struct sub_fetch *)job;
	struct audit_sub *sub = f->sub;
	f->batch->entries = arena_alloc(f->arena, SUB_BATCH * sizeof *f->batch->entries);
	struct audit_filter filter = {.from_seq = sub->next_seq, .outcome = -1, .limit = SUB_BATCH};
	job->status = store_audit_query(db, &filter, collect, f, &f->cause);
	if (job->status != ASSURE__CODE__OK)
		return;
	uint64_t have = f->batch->n_entries ? f->batch->entries[f->batch->n_entries - 1]->seq
					    : sub->next_seq - 1;
	struct audit_checkpoint_row *rows = NULL;
	size_t n = 0;
	job->status = store_audit_checkpoints_after(db, sub->ckpt_sent, 100, &rows, &n, &f->cause);
	if (job->status != ASSURE__CODE__OK)
		return;
	f->batch->checkpoints = arena_alloc(f->arena, (n ? n : 1) * sizeof *f->batch->checkpoints);
	for (size_t i = 0; i < n && rows[i].tree_size <= have; i++)
		f->batch->checkpoints[f->batch->n_checkpoints++] =
		    audit_checkpoint_msg(f->arena, &rows[i], f->origin);
	audit_checkpoint_rows_free(rows, n);
}

static void schedule(struct audit_sub *sub, int64_t ms)
{
	struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)(ms % 1000) * 1000};
	evtimer_add(sub->timer, &tv);
}

static void end_stream(struct audit_sub *sub, struct conn *c, int code, const char *msg)
{
	if (c != NULL) {
		Assure__Status st = ASSURE__STATUS__INIT;
		st.code = code;
		st.message = (char *)msg;
		Assure__Response resp = ASSURE__RESPONSE__INIT;
		resp.id = sub->req_id;
		resp.status = &st;
		conn_send_response(c, &resp);
		c->attached = NULL;
		c->detach = NULL;
	}
	log_info("audit stream for %s ended: %s", sub->username, msg);
	sub_free(sub);
}

static void fetch_done(struct job *job)
{
	struct sub_fetch *f = (struct sub_fetch *)job;
	struct audit_sub *sub = f->sub;
	sub->fetching = false;
	if (sub->dead) {
		/* The connection was freed while this fetch ran. */
		sub_free(sub);
		goto out;
	}
	struct conn *c = conn_find(sub->srv, sub->conn_id);
	if (c == NULL) {
		/* Closing but not yet freed: the connection still holds the
		 * stream and frees it through detach_cb. Freeing it here
		 * too was a double free. */
		goto out;
	}
	/* The session may have ended or lost audit.read since the stream
	 * began: checked before every batch. */
	struct session *s =
	    c->has_session ? session_table_find(sub->srv->sessions, c->token_hash) : NULL;
	enum session_state state = session_state(s, clock_now_ms(), sub->srv->session_idle_ms);
	if (state != SESSION_VALID) {
		end_stream(sub, c, ASSURE__CODE__UNAUTHENTICATED, session_state_message(state));
		goto out;
	}
	s->last_seen_at = clock_now_ms(); /* following the log is activity */
	if (!(s->perms & PERM_BIT(PERM_AUDIT_READ))) {
		end_stream(sub, c, ASSURE__CODE__PERMISSION_DENIED,
			   "permission 'audit.read' was withdrawn; the stream ends");
		goto out;
	}
	if (job->status != ASSURE__CODE__OK) {
		log_error("audit stream: %s", f->cause ? f->cause : "read failed");
		end_stream(sub, c, ASSURE__CODE__INTERNAL, "the audit log could not be read");
		goto out;
	}
	Assure__AuditBatch *b = f->batch;
	if (b->n_entries || b->n_checkpoints) {
		Assure__Status st = ASSURE__STATUS__INIT;
		Assure__Response resp = ASSURE__RESPONSE__INIT;
		resp.id = sub->req_id;
		resp.status = &st;
		resp.result_case = ASSURE__RESPONSE__RESULT_AUDIT_BATCH;
		resp.audit_batch = b;
		conn_send_response(c, &resp);
		if (b->n_entries)
			sub->next_seq = b->entries[b->n_entries - 1]->seq + 1;
		if (b->n_checkpoints)
			sub->ckpt_sent = b->checkpoints[b->n_checkpoints - 1]->tree_size;
	}
	/* A full batch means more is waiting: go on at once unless the peer
	 * is not keeping up. */
	if (b->n_entries == SUB_BATCH)
		schedule(sub, conn_output_pending(c) > SUB_OUTPUT_HIGH ? 20 : 0);
	else
		schedule(sub, SUB_IDLE_MS);
out:
	arena_free(f->arena);
	free(f->cause);
	free(f);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct audit_sub *sub = arg;
	if (sub->fetching || sub->dead)
		return;
	struct sub_fetch *f = xcalloc(1, sizeof *f);
	f->sub = sub;
	f->arena = arena_new();
	f->batch = arena_alloc(f->arena, sizeof *f->batch);
	assure__audit_batch__init(f->batch);
	f->origin = audit_log_origin(sub->srv->audit);
	f->job.run = fetch_run;
	f->job.done = fetch_done;
	sub->fetching = true;
	worker_pool_submit(sub->srv->workers, &f->job);
}

/* The connection is going away. */
static void detach_cb(void *attached)
{
	struct audit_sub *sub = attached;
	if (sub->fetching) {
		sub->dead = true; /* fetch_done frees it */
		evtimer_del(sub->timer);
		return;
	}
	sub_free(sub);
}

void audit_sub_start(struct rpc_call *call, struct conn *c, uint64_t from_seq)
{
	struct audit_sub *sub = xcalloc(1, sizeof *sub);
	sub->srv = call->srv;
	sub->conn_id = c->id;
	sub->req_id = call->req->id;
	sub->next_seq = from_seq;
	sub->ckpt_sent = from_seq - 1;
	snprintf(sub->username, sizeof sub->username, "%s",
		 call->actor.username ? call->actor.username : "");
	sub->timer = evtimer_new(call->srv->base, timer_cb, sub);
	c->attached = sub;
	c->detach = detach_cb;
	log_info("audit stream for %s from %s starts at record %llu", sub->username, call->peer,
		 (unsigned long long)from_seq);
	schedule(sub, 0);
}
