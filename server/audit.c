/*
 * Audit records: built from a call on any thread, appended by the writer.
 * See audit.h. The stored bytes are protobuf-c's packing of the record,
 * which is deterministic (fields in number order, nothing unknown), so a
 * verifier can decode them, re-encode and compare, and recompute the leaf
 * hash SHA-256(0x00 || bytes) of RFC 6962.
 */
#include "audit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "clock.h"
#include "db.h"
#include "job.h"
#include "log.h"
#include "rpc.h"
#include "server.h"
#include "status.h"
#include "store.h"
#include "timeutil.h"
#include "xmalloc.h"

#define AUDIT_REASON_MAX 500

enum audit_outcome audit_outcome_of(int status)
{
	switch (status) {
	case ASSURE__CODE__OK:
		return AUDIT_SUCCESS;
	case ASSURE__CODE__PERMISSION_DENIED:
	case ASSURE__CODE__UNAUTHENTICATED:
	case ASSURE__CODE__RESOURCE_EXHAUSTED:
		return AUDIT_SERIOUS;
	case ASSURE__CODE__INTERNAL:
	case ASSURE__CODE__UNKNOWN:
	case ASSURE__CODE__UNAVAILABLE:
	case ASSURE__CODE__DATA_LOSS:
		return AUDIT_MAJOR;
	default:
		return AUDIT_MINOR;
	}
}

static char *dup_or_empty(struct arena *a, const char *s)
{
	return arena_strdup(a, s ? s : "");
}

/* Cuts at a character boundary so a long reason stays valid UTF-8. */
static char *dup_reason(struct arena *a, const char *s)
{
	if (s == NULL)
		return arena_strdup(a, "");
	size_t n = strlen(s);
	if (n <= AUDIT_REASON_MAX)
		return arena_strdup(a, s);
	n = AUDIT_REASON_MAX;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return arena_strndup(a, s, n);
}

static void uuid4(char out[37])
{
	uint8_t b[16];
	crypto_random(b, sizeof b);
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
		 b[15]);
}

Assure__AuditRecord *audit_record_from_call(struct arena *a, const struct rpc_call *call,
					    int status, const char *reason)
{
	Assure__AuditRecord *r = arena_alloc(a, sizeof *r);
	assure__audit_record__init(r);
	char uuid[37];
	uuid4(uuid);
	r->uuid = arena_strdup(a, uuid);
	r->time_ms = clock_now_ms();
	char t[40];
	time_format_rfc3339_ms(r->time_ms, t, sizeof t);
	r->time = arena_strdup(a, t);
	char action[2] = { call->entry->action ? call->entry->action : 'E', '\0' };
	r->action = arena_strdup(a, action);
	r->event = arena_strdup(a, call->entry->name);
	r->outcome = audit_outcome_of(status);
	r->status = arena_strdup(a, status_code_name(status));
	const struct rpc_actor *act = &call->actor;
	r->user_id = act->has_session || act->user_id ? act->user_id : 0;
	r->username = dup_or_empty(a, act->username ? act->username : call->audit_claimed_user);
	r->role = dup_or_empty(a, act->role);
	r->site = dup_or_empty(a, act->site);
	r->client_addr = arena_strdup(a, call->peer);
	r->cert_fingerprint = arena_strdup(a, call->cert_fingerprint);
	if (act->has_session || act->session_id) {
		uint8_t h[CRYPTO_SHA256_LEN];
		crypto_sha256(act->token_hash, sizeof act->token_hash, h);
		char hex[2 * CRYPTO_SHA256_LEN + 1];
		crypto_hex(h, 16, hex); /* 128 bits identify a session well enough */
		r->session_hash = arena_strdup(a, hex);
	} else {
		r->session_hash = arena_strdup(a, "");
	}
	r->instance = arena_strdup(a, call->srv->instance);
	r->object_type = dup_or_empty(a, call->audit_object_type);
	r->object_id = dup_or_empty(a, call->audit_object_id);
	r->query = dup_or_empty(a, call->audit_query);
	r->reason = dup_reason(a, reason);
	return r;
}

/* --- the log (writer thread) --------------------------------------------- */

struct audit_log {
	uint64_t next_seq;
};

int audit_log_open(struct db *db, struct audit_log **out, char **cause)
{
	uint64_t last = 0;
	if (store_audit_last_seq(db, &last, cause) != ASSURE__CODE__OK)
		return -1;
	struct audit_log *log = xcalloc(1, sizeof *log);
	log->next_seq = last + 1;
	*out = log;
	return 0;
}

void audit_log_free(struct audit_log *log)
{
	free(log);
}

uint64_t audit_log_next_seq(const struct audit_log *log)
{
	return log->next_seq;
}

void audit_log_resync(struct audit_log *log, struct db *db)
{
	uint64_t last = 0;
	char *cause = NULL;
	if (store_audit_last_seq(db, &last, &cause) != ASSURE__CODE__OK) {
		log_error("audit: cannot read the end of the log: %s", cause ? cause : "?");
		free(cause);
		return;
	}
	log->next_seq = last + 1;
}

int audit_log_append(struct audit_log *log, struct db *db, Assure__AuditRecord *rec, char **cause)
{
	rec->seq = log->next_seq;
	size_t len = protobuf_c_message_get_packed_size(&rec->base);
	uint8_t *buf = xmalloc(len + 1);
	buf[0] = 0x00; /* RFC 6962 leaf prefix, hashed but not stored */
	protobuf_c_message_pack(&rec->base, buf + 1);
	uint8_t leaf[CRYPTO_SHA256_LEN];
	crypto_sha256(buf, len + 1, leaf);
	int st = store_audit_insert(db, rec, buf + 1, len, leaf, cause);
	free(buf);
	if (st == ASSURE__CODE__OK)
		log->next_seq++;
	return st;
}

/* --- audit-only jobs --------------------------------------------------------- */

struct audit_job {
	struct job job;
	struct arena *arena;
	Assure__AuditRecord *rec;
	struct audit_log *log;
};

static void audit_job_run(struct job *job, struct db *db)
{
	struct audit_job *aj = (struct audit_job *)job;
	char *cause = NULL;
	job->status = audit_log_append(aj->log, db, aj->rec, &cause);
	if (job->status != ASSURE__CODE__OK) {
		log_error("audit: record for %s could not be written: %s", aj->rec->event,
			  cause ? cause : "?");
		free(cause);
	}
}

static void audit_job_done(struct job *job)
{
	struct audit_job *aj = (struct audit_job *)job;
	if (job->status != ASSURE__CODE__OK)
		log_error("audit: record of %s by %s at %s lost", aj->rec->event, aj->rec->username,
			  aj->rec->time);
	arena_free(aj->arena);
	free(aj);
}

void audit_submit(struct server *srv, const struct rpc_call *call, int status, const char *reason)
{
	struct audit_job *aj = xcalloc(1, sizeof *aj);
	aj->arena = arena_new();
	aj->rec = audit_record_from_call(aj->arena, call, status, reason);
	aj->log = srv->audit;
	aj->job.run = audit_job_run;
	aj->job.done = audit_job_done;
	writer_submit(srv->writer, &aj->job);
}
