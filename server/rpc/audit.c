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
#include <errno.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "checkpoint.h"
#include "merkle.h"
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
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		 b[13], b[14], b[15]);
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
	char action[2] = {call->entry->action ? call->entry->action : 'E', '\0'};
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
	struct merkle_frontier frontier;
	uint64_t every;
	uint64_t last_checkpoint;
	char *origin;
	struct crypto_sign_key *key;
	uint8_t pub[32];
};

char *audit_public_key_path(const char *key_path)
{
	size_t n = strlen(key_path);
	if (n > 4 && strcmp(key_path + n - 4, ".pem") == 0)
		return xasprintf("%.*s.pub.pem", (int)(n - 4), key_path);
	return xasprintf("%s.pub", key_path);
}

char *audit_default_key_path(const char *db_path)
{
	char *copy = xstrdup(db_path);
	char *path = xasprintf("%s/audit-key.pem", dirname(copy));
	free(copy);
	return path;
}

/* The frontier of the first n leaves, from the stored nodes: one per set
 * bit of n, largest first. */
static int load_frontier(struct audit_log *log, struct db *db, uint64_t n, char **cause)
{
	merkle_frontier_init(&log->frontier);
	uint64_t offset = 0;
	for (int level = MERKLE_MAX_LEVELS - 1; level >= 0; level--) {
		uint64_t width = (uint64_t)1 << level;
		if (!(n & width))
			continue;
		int st = store_audit_node(db, (unsigned)level, offset >> level,
					  log->frontier.nodes[log->frontier.count], cause);
		if (st != ASSURE__CODE__OK) {
			if (st == ASSURE__CODE__NOT_FOUND)
				*cause = xasprintf("audit tree node %d/%llu is missing", level,
						   (unsigned long long)(offset >> level));
			return -1;
		}
		log->frontier.count++;
		offset += width;
	}
	log->frontier.size = n;
	return 0;
}

static int load_state(struct audit_log *log, struct db *db, char **cause)
{
	uint64_t last = 0;
	if (store_audit_last_seq(db, &last, cause) != ASSURE__CODE__OK)
		return -1;
	if (load_frontier(log, db, last, cause) < 0)
		return -1;
	log->next_seq = last + 1;
	struct audit_checkpoint_row *c = NULL;
	int st = store_audit_checkpoint_get(db, 0, &c, cause);
	if (st == ASSURE__CODE__OK)
		log->last_checkpoint = c->tree_size;
	else if (st == ASSURE__CODE__NOT_FOUND)
		log->last_checkpoint = 0;
	else
		return -1;
	audit_checkpoint_rows_free(c, c ? 1 : 0);
	return 0;
}

int audit_log_open(struct db *db, const char *key_path, uint64_t every, struct audit_log **out,
		   char **cause)
{
	struct audit_log *log = xcalloc(1, sizeof *log);
	log->every = every;
	char *origin = NULL;
	int st = store_audit_meta_get(db, "origin", &origin, cause);
	if (st == ASSURE__CODE__NOT_FOUND) {
		/* A log's name for ever: checkpoints of two databases must never
		 * be confused with each other. */
		uint8_t rnd[8];
		char hex[17];
		crypto_random(rnd, sizeof rnd);
		crypto_hex(rnd, sizeof rnd, hex);
		origin = xasprintf("assure.local/audit/%s", hex);
		st = store_audit_meta_put(db, "origin", origin, cause);
	}
	if (st != ASSURE__CODE__OK) {
		free(origin);
		free(log);
		return -1;
	}
	log->origin = origin;
	struct stat sb;
	if (stat(key_path, &sb) != 0 && errno == ENOENT) {
		char *pub = audit_public_key_path(key_path);
		log_warn("audit: no signing key at %s; making a new one (public key: %s)", key_path,
			 pub);
		int rc = crypto_sign_key_generate(key_path, pub, cause);
		free(pub);
		if (rc < 0) {
			audit_log_free(log);
			return -1;
		}
	}
	log->key = crypto_sign_key_load(key_path, cause);
	if (log->key == NULL || load_state(log, db, cause) < 0) {
		audit_log_free(log);
		return -1;
	}
	crypto_sign_key_public(log->key, log->pub);
	*out = log;
	return 0;
}

void audit_log_free(struct audit_log *log)
{
	if (log == NULL)
		return;
	crypto_sign_key_free(log->key);
	free(log->origin);
	free(log);
}

uint64_t audit_log_next_seq(const struct audit_log *log)
{
	return log->next_seq;
}

uint64_t audit_log_unsigned(const struct audit_log *log)
{
	return log->frontier.size - log->last_checkpoint;
}

const char *audit_log_origin(const struct audit_log *log)
{
	return log->origin;
}

void audit_log_public_key(const struct audit_log *log, uint8_t pub[32])
{
	memcpy(pub, log->pub, 32);
}

void audit_log_resync(struct audit_log *log, struct db *db)
{
	char *cause = NULL;
	if (load_state(log, db, &cause) < 0) {
		log_error("audit: cannot reload the state of the log: %s", cause ? cause : "?");
		free(cause);
	}
}

struct node_sink {
	struct db *db;
	int status;
	char *cause;
};

static void store_node(void *arg, unsigned level, uint64_t index, const merkle_hash hash)
{
	struct node_sink *ns = arg;
	if (ns->status == ASSURE__CODE__OK)
		ns->status = store_audit_tree_insert(ns->db, level, index, hash, &ns->cause);
}

int audit_log_checkpoint(struct audit_log *log, struct db *db, char **cause)
{
	uint64_t size = log->frontier.size;
	if (size == 0 || size == log->last_checkpoint)
		return ASSURE__CODE__OK;
	struct audit_checkpoint_row c;
	memset(&c, 0, sizeof c);
	c.tree_size = size;
	merkle_frontier_root(&log->frontier, c.root_hash);
	c.time_ms = clock_now_ms();
	c.note = checkpoint_body(log->origin, size, c.root_hash);
	if (crypto_sign(log->key, c.note, strlen(c.note), c.signature) < 0) {
		free(c.note);
		*cause = xstrdup("cannot sign the audit checkpoint");
		return ASSURE__CODE__INTERNAL;
	}
	c.signature_len = 64;
	c.signed_note = checkpoint_signed_note(c.note, log->origin, log->pub, c.signature);
	int st = store_audit_checkpoint_insert(db, &c, cause);
	free(c.note);
	free(c.signed_note);
	if (st == ASSURE__CODE__OK)
		log->last_checkpoint = size;
	return st;
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
	if (st != ASSURE__CODE__OK)
		return st;
	/* The frontier moves only with the rows; a failure here is followed
	 * by a rollback and audit_log_resync, which rebuilds it. */
	struct node_sink ns = {db, ASSURE__CODE__OK, NULL};
	merkle_frontier_append(&log->frontier, leaf, store_node, &ns);
	log->next_seq++;
	if (ns.status != ASSURE__CODE__OK) {
		*cause = ns.cause;
		return ns.status;
	}
	if (log->every && log->frontier.size % log->every == 0)
		return audit_log_checkpoint(log, db, cause);
	return ASSURE__CODE__OK;
}

int audit_subtree_hash(void *arg, uint64_t start, uint64_t end, uint8_t out[32])
{
	struct db *db = arg;
	uint64_t n = end - start;
	char *cause = NULL;
	if (n == 0)
		return -1;
	if ((n & (n - 1)) == 0 && start % n == 0) {
		unsigned level = 0;
		while (((uint64_t)1 << level) < n)
			level++;
		int st = store_audit_node(db, level, start >> level, out, &cause);
		free(cause);
		return st == ASSURE__CODE__OK ? 0 : -1;
	}
	uint64_t k = merkle_split(n);
	merkle_hash l, r;
	if (audit_subtree_hash(db, start, start + k, l) < 0 ||
	    audit_subtree_hash(db, start + k, end, r) < 0)
		return -1;
	merkle_node_hash(l, r, out);
	return 0;
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
