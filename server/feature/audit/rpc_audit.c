/*
 * Audit RPCs: AuditQuery, AuditSubscribe, AuditCheckpoint, AuditProof,
 * AuditVerify. All need audit.read (the auditor role). Records are served
 * as the exact stored bytes so a client can recompute every leaf hash and
 * check the signed checkpoints itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_msg.h"
#include "audit_stream.h"
#include "audit_verify.h"
#include "conn.h"
#include "db.h"
#include "log.h"
#include "merkle.h"
#include "rpc.h"
#include "server.h"
#include "store.h"
#include "xmalloc.h"

#define AUDIT_PAGE_DEFAULT 500
#define AUDIT_PAGE_MAX 5000

Assure__Checkpoint *audit_checkpoint_msg(struct arena *a, const struct audit_checkpoint_row *c,
					 const char *origin)
{
	Assure__Checkpoint *m = arena_alloc(a, sizeof *m);
	assure__checkpoint__init(m);
	m->origin = arena_strdup(a, origin);
	m->tree_size = c->tree_size;
	m->root_hash.data = arena_memdup(a, c->root_hash, 32);
	m->root_hash.len = 32;
	m->time_ms = c->time_ms;
	m->note = arena_strdup(a, c->note);
	m->signature.data = arena_memdup(a, c->signature, c->signature_len);
	m->signature.len = c->signature_len;
	m->signed_note = arena_strdup(a, c->signed_note);
	m->key_name = arena_strdup(a, origin);
	return m;
}

/* --- AuditQuery ---------------------------------------------------------- */

struct entries {
	struct arena *arena;
	Assure__AuditEntry **v;
	size_t n;
};

static void collect_entry(void *arg, uint64_t seq, const void *record, size_t len)
{
	struct entries *e = arg;
	Assure__AuditEntry *m = arena_alloc(e->arena, sizeof *m);
	assure__audit_entry__init(m);
	m->seq = seq;
	m->record.data = arena_memdup(e->arena, record, len);
	m->record.len = len;
	e->v[e->n++] = m;
}

static int audit_query_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__AuditQueryRequest *req = call->req->audit_query;
	unsigned limit = req->page_size ? req->page_size : AUDIT_PAGE_DEFAULT;
	if (limit > AUDIT_PAGE_MAX)
		limit = AUDIT_PAGE_MAX;
	uint64_t from = req->from_seq;
	if (req->page_token[0]) {
		char *end;
		unsigned long long v = strtoull(req->page_token, &end, 16);
		if (*end != '\0' || v == 0) {
			*message = xstrdup("page_token: not a token this server issued");
			return ASSURE__CODE__INVALID_ARGUMENT;
		}
		from = v;
	}
	struct audit_filter f = {
	    .from_seq = from,
	    .since_ms = req->since_ms,
	    .until_ms = req->until_ms,
	    .username = req->username,
	    .action = req->action,
	    .event = req->event,
	    .object_type = req->object_type,
	    .object_id = req->object_id,
	    .outcome = req->outcome,
	    .limit = limit,
	};
	struct entries e = {call->arena,
			    arena_alloc(call->arena, limit * sizeof(Assure__AuditEntry *)), 0};
	int st = store_audit_query(db, &f, collect_entry, &e, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__AuditQueryResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__audit_query_response__init(r);
	r->entries = e.v;
	r->n_entries = e.n;
	if (e.n == limit)
		r->next_page_token =
		    arena_printf(call->arena, "%llx", (unsigned long long)e.v[e.n - 1]->seq + 1);
	RPC_RESULT(call, audit_query, AUDIT_QUERY, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_audit_query(struct rpc_call *call)
{
	const Assure__AuditQueryRequest *req = call->req->audit_query;
	if (req->action[0] && (strlen(req->action) != 1 || !strchr("CRUDE", req->action[0])))
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "action: '%s' is not one of C, R, U, D, E", req->action);
	if (req->outcome != -1 && req->outcome != 0 && req->outcome != 4 && req->outcome != 8 &&
	    req->outcome != 12)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "outcome: %d is not one of 0, 4, 8, 12 (or -1 for any)",
				 req->outcome);
	if (req->until_ms && req->since_ms && req->until_ms <= req->since_ms)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "until must be after since");
	/* The predicate, never the results, goes into the record. */
	call->audit_query = arena_printf(
	    call->arena,
	    "since=%lld until=%lld user=%s action=%s event=%s object=%s:%s outcome=%d from=%llu",
	    (long long)req->since_ms, (long long)req->until_ms, req->username, req->action,
	    req->event, req->object_type, req->object_id, req->outcome,
	    (unsigned long long)req->from_seq);
	return rpc_read(call, audit_query_db, NULL);
}

/* --- AuditSubscribe ----------------------------------------------------------- */

static enum rpc_result rpc_audit_subscribe(struct rpc_call *call)
{
	struct conn *c = conn_find(call->srv, call->conn_id);
	if (c == NULL)
		return rpc_error(call, ASSURE__CODE__UNAVAILABLE, "connection gone");
	if (c->attached != NULL)
		return rpc_error(call, ASSURE__CODE__FAILED_PRECONDITION,
				 "this connection already follows the audit log");
	uint64_t from = call->req->audit_subscribe->from_seq;
	call->audit_query = arena_printf(call->arena, "from=%llu", (unsigned long long)from);
	audit_sub_start(call, c, from ? from : 1);
	return RPC_STREAM;
}

/* --- AuditCheckpoint ----------------------------------------------------------- */

static int audit_checkpoint_db(struct rpc_call *call, struct db *db, char **message)
{
	uint64_t size = call->req->audit_checkpoint->tree_size;
	struct audit_checkpoint_row *c = NULL;
	int st = store_audit_checkpoint_get(db, size, &c, message);
	if (st == ASSURE__CODE__NOT_FOUND) {
		*message =
		    size ? xasprintf("no checkpoint at tree size %llu", (unsigned long long)size)
			 : xstrdup("no checkpoint has been signed yet");
		return st;
	}
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__AuditCheckpointResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__audit_checkpoint_response__init(r);
	r->checkpoint = audit_checkpoint_msg(call->arena, c, audit_log_origin(call->srv->audit));
	uint8_t pub[32];
	audit_log_public_key(call->srv->audit, pub);
	r->public_key.data = arena_memdup(call->arena, pub, 32);
	r->public_key.len = 32;
	audit_checkpoint_rows_free(c, 1);
	RPC_RESULT(call, audit_checkpoint, AUDIT_CHECKPOINT, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_audit_checkpoint(struct rpc_call *call)
{
	return rpc_read(call, audit_checkpoint_db, NULL);
}

/* --- AuditProof --------------------------------------------------------------- */

static int audit_proof_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__AuditProofRequest *req = call->req->audit_proof;
	uint64_t last = 0;
	int st = store_audit_last_seq(db, &last, message);
	if (st != ASSURE__CODE__OK)
		return st;
	if (req->tree_size == 0 || req->tree_size > last) {
		*message = xasprintf("tree_size: %llu is not between 1 and the log's %llu records",
				     (unsigned long long)req->tree_size, (unsigned long long)last);
		return ASSURE__CODE__OUT_OF_RANGE;
	}
	merkle_hash *proof = NULL;
	size_t n = 0;
	int rc;
	if (req->consistency) {
		if (req->old_size == 0 || req->old_size > req->tree_size) {
			*message = xasprintf("old_size: %llu is not between 1 and tree_size %llu",
					     (unsigned long long)req->old_size,
					     (unsigned long long)req->tree_size);
			return ASSURE__CODE__OUT_OF_RANGE;
		}
		rc = merkle_consistency_proof(req->old_size, req->tree_size, audit_subtree_hash, db,
					      &proof, &n);
	} else {
		if (req->leaf_index >= req->tree_size) {
			*message = xasprintf("leaf_index: %llu is not below tree_size %llu",
					     (unsigned long long)req->leaf_index,
					     (unsigned long long)req->tree_size);
			return ASSURE__CODE__OUT_OF_RANGE;
		}
		rc = merkle_inclusion_proof(req->leaf_index, req->tree_size, audit_subtree_hash, db,
					    &proof, &n);
	}
	merkle_hash root;
	if (rc < 0 || audit_subtree_hash(db, 0, req->tree_size, root) < 0) {
		free(proof);
		*message =
		    xstrdup("the stored Merkle tree is incomplete (run assure audit verify)");
		return ASSURE__CODE__DATA_LOSS;
	}
	Assure__AuditProofResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__audit_proof_response__init(r);
	r->n_hashes = n;
	r->hashes = arena_alloc(call->arena, (n ? n : 1) * sizeof *r->hashes);
	for (size_t i = 0; i < n; i++) {
		r->hashes[i].data = arena_memdup(call->arena, proof[i], MERKLE_HASH_LEN);
		r->hashes[i].len = MERKLE_HASH_LEN;
	}
	r->root_hash.data = arena_memdup(call->arena, root, MERKLE_HASH_LEN);
	r->root_hash.len = MERKLE_HASH_LEN;
	free(proof);
	RPC_RESULT(call, audit_proof, AUDIT_PROOF, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_audit_proof(struct rpc_call *call)
{
	return rpc_read(call, audit_proof_db, NULL);
}

/* --- AuditVerify ----------------------------------------------------------------- */

static int audit_verify_rpc_db(struct rpc_call *call, struct db *db, char **message)
{
	uint8_t pub[32];
	audit_log_public_key(call->srv->audit, pub);
	struct audit_verify_result res;
	if (audit_verify_db(db, pub, NULL, &res, message) < 0)
		return ASSURE__CODE__INTERNAL;
	Assure__AuditVerifyResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__audit_verify_response__init(r);
	r->ok = res.ok;
	r->records = res.records;
	r->checkpoints = res.checkpoints;
	r->first_bad_seq = res.first_bad_seq;
	r->message = arena_strdup(call->arena, res.message);
	struct audit_checkpoint_row *c = NULL;
	char *why = NULL;
	if (res.latest_checkpoint &&
	    store_audit_checkpoint_get(db, res.latest_checkpoint, &c, &why) == ASSURE__CODE__OK) {
		r->latest =
		    audit_checkpoint_msg(call->arena, c, audit_log_origin(call->srv->audit));
		audit_checkpoint_rows_free(c, 1);
	}
	free(why);
	if (!res.ok)
		log_error("audit verify: NOT INTACT: %s", res.message);
	RPC_RESULT(call, audit_verify, AUDIT_VERIFY, r);
	call->audit_reason = r->message;
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_audit_verify(struct rpc_call *call)
{
	return rpc_read(call, audit_verify_rpc_db, NULL);
}

const struct rpc_entry rpc_audit_table[] = {
    {ASSURE__REQUEST__OP_AUDIT_QUERY, "AuditQuery", PERM_AUDIT_READ, 0, rpc_audit_query, 'R'},
    {ASSURE__REQUEST__OP_AUDIT_SUBSCRIBE, "AuditSubscribe", PERM_AUDIT_READ, 0, rpc_audit_subscribe,
     'R'},
    {ASSURE__REQUEST__OP_AUDIT_CHECKPOINT, "AuditCheckpoint", PERM_AUDIT_READ, 0,
     rpc_audit_checkpoint, 'R'},
    {ASSURE__REQUEST__OP_AUDIT_PROOF, "AuditProof", PERM_AUDIT_READ, 0, rpc_audit_proof, 'R'},
    {ASSURE__REQUEST__OP_AUDIT_VERIFY, "AuditVerify", PERM_AUDIT_READ, 0, rpc_audit_verify, 'E'},
};

const size_t rpc_audit_count = sizeof rpc_audit_table / sizeof rpc_audit_table[0];
