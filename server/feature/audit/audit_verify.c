/*
 * See audit_verify.h. Memory is O(log n) for the tree plus the checkpoint
 * list; the records are streamed.
 */
#include "audit_verify.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "checkpoint.h"
#include "db.h"
#include "merkle.h"
#include "store.h"
#include "xmalloc.h"

struct verify {
	struct db *db;
	const uint8_t *pub;
	const char *origin;
	struct audit_verify_result *res;
	struct merkle_frontier f;
	struct audit_checkpoint_row *ckpts;
	size_t nckpts;
	size_t next_ckpt;
	int64_t last_ckpt_time;
	const struct checkpoint *trusted;
	int trusted_checked;
	int failed;
	int node_error;
};

static void fail(struct verify *v, uint64_t seq, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct verify *v, uint64_t seq, const char *fmt, ...)
{
	if (v->failed)
		return;
	v->failed = 1;
	v->res->ok = 0;
	v->res->first_bad_seq = seq;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(v->res->message, sizeof v->res->message, fmt, ap);
	va_end(ap);
}

static int str_eq(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

/* Compares each completed subtree with the stored node. */
static void check_node(void *arg, unsigned level, uint64_t index, const merkle_hash hash)
{
	struct verify *v = arg;
	uint8_t stored[32];
	char *cause = NULL;
	int st = store_audit_node(v->db, level, index, stored, &cause);
	free(cause);
	if (st != ASSURE__CODE__OK || memcmp(stored, hash, 32) != 0) {
		uint64_t first = (index << level) + 1;
		fail(v, first, "Merkle tree node %u/%llu (records %llu-%llu) is %s", level,
		     (unsigned long long)index, (unsigned long long)first,
		     (unsigned long long)(first + ((uint64_t)1 << level) - 1),
		     st == ASSURE__CODE__OK ? "altered" : "missing");
	}
}

/* Checks every checkpoint whose size the tree has now reached. */
static void check_checkpoints(struct verify *v)
{
	while (!v->failed && v->next_ckpt < v->nckpts &&
	       v->ckpts[v->next_ckpt].tree_size == v->f.size) {
		const struct audit_checkpoint_row *c = &v->ckpts[v->next_ckpt++];
		merkle_hash root;
		merkle_frontier_root(&v->f, root);
		struct checkpoint cp;
		char *cause = NULL;
		if (checkpoint_parse(c->signed_note, &cp, &cause) < 0) {
			fail(v, c->tree_size, "checkpoint at size %llu is malformed: %s",
			     (unsigned long long)c->tree_size, cause);
			free(cause);
			return;
		}
		if (cp.size != c->tree_size || strcmp(cp.origin, v->origin) != 0 ||
		    memcmp(cp.root, c->root_hash, 32) != 0 || strcmp(cp.body, c->note) != 0) {
			fail(v, c->tree_size,
			     "checkpoint at size %llu: its note does not match its row",
			     (unsigned long long)c->tree_size);
		} else if (memcmp(root, c->root_hash, 32) != 0) {
			fail(v, c->tree_size,
			     "checkpoint at size %llu: the records do not hash to its root",
			     (unsigned long long)c->tree_size);
		} else if (c->signature_len != 64 || memcmp(cp.signature, c->signature, 64) != 0 ||
			   checkpoint_verify(&cp, v->origin, v->pub, &cause) < 0) {
			fail(v, c->tree_size, "checkpoint at size %llu: %s",
			     (unsigned long long)c->tree_size,
			     cause ? cause : "its signature does not verify");
		} else if (c->time_ms < v->last_ckpt_time) {
			fail(v, c->tree_size,
			     "checkpoint at size %llu is dated before the one before it",
			     (unsigned long long)c->tree_size);
		} else {
			v->res->checkpoints++;
			v->res->latest_checkpoint = c->tree_size;
			v->last_ckpt_time = c->time_ms;
		}
		free(cause);
		checkpoint_clear(&cp);
	}
	if (!v->failed && v->trusted && !v->trusted_checked && v->trusted->size == v->f.size) {
		merkle_hash root;
		merkle_frontier_root(&v->f, root);
		v->trusted_checked = 1;
		if (memcmp(root, v->trusted->root, 32) != 0)
			fail(v, v->f.size,
			     "the log is not consistent with the trusted checkpoint at size "
			     "%llu: the first %llu records were changed",
			     (unsigned long long)v->trusted->size,
			     (unsigned long long)v->trusted->size);
	}
}

static int verify_row(void *arg, const struct audit_row *r)
{
	struct verify *v = arg;
	uint64_t expect = v->f.size + 1;
	if (r->seq != expect) {
		fail(v, expect,
		     r->seq > expect ? "record %llu is missing (the next stored is %llu)"
				     : "record %llu is out of order (found %llu)",
		     (unsigned long long)expect, (unsigned long long)r->seq);
		return 1;
	}
	merkle_hash leaf;
	merkle_leaf_hash(r->record, r->record_len, leaf);
	if (r->leaf_len != 32 || memcmp(leaf, r->leaf, 32) != 0) {
		fail(v, r->seq, "record %llu: its bytes do not match its leaf hash",
		     (unsigned long long)r->seq);
		return 1;
	}
	Assure__AuditRecord *rec = assure__audit_record__unpack(NULL, r->record_len, r->record);
	if (rec == NULL) {
		fail(v, r->seq, "record %llu: its bytes are not an audit record",
		     (unsigned long long)r->seq);
		return 1;
	}
	int same = rec->seq == r->seq && str_eq(rec->uuid, r->uuid) && rec->time_ms == r->time_ms &&
		   str_eq(rec->action, r->action) && str_eq(rec->event, r->event) &&
		   (int)rec->outcome == r->outcome && rec->user_id == r->user_id &&
		   str_eq(rec->username, r->username) && str_eq(rec->object_type, r->object_type) &&
		   str_eq(rec->object_id, r->object_id);
	size_t len = protobuf_c_message_get_packed_size(&rec->base);
	int canonical = 0;
	if (len == r->record_len) {
		uint8_t *buf = xmalloc(len ? len : 1);
		protobuf_c_message_pack(&rec->base, buf);
		canonical = memcmp(buf, r->record, len) == 0;
		free(buf);
	}
	assure__audit_record__free_unpacked(rec, NULL);
	if (!same) {
		fail(v, r->seq, "record %llu: its indexed columns differ from its signed content",
		     (unsigned long long)r->seq);
		return 1;
	}
	if (!canonical) {
		fail(v, r->seq, "record %llu: its bytes are not in canonical form",
		     (unsigned long long)r->seq);
		return 1;
	}
	merkle_frontier_append(&v->f, leaf, check_node, v);
	v->res->records++;
	check_checkpoints(v);
	return v->failed;
}

int audit_verify_db(struct db *db, const uint8_t pub[32], const struct checkpoint *trusted,
		    struct audit_verify_result *res, char **cause)
{
	memset(res, 0, sizeof *res);
	res->ok = 1;
	struct verify v;
	memset(&v, 0, sizeof v);
	v.db = db;
	v.pub = pub;
	v.res = res;
	v.trusted = trusted;
	merkle_frontier_init(&v.f);
	char *origin = NULL;
	int st = store_audit_meta_get(db, "origin", &origin, cause);
	if (st == ASSURE__CODE__NOT_FOUND) {
		origin = xstrdup("");
		st = ASSURE__CODE__OK;
	}
	if (st != ASSURE__CODE__OK)
		return -1;
	v.origin = origin;
	if (store_audit_checkpoints_after(db, 0, 0x7fffffff, &v.ckpts, &v.nckpts, cause) !=
	    ASSURE__CODE__OK) {
		free(origin);
		return -1;
	}
	if (trusted && trusted->has_signature) {
		char *why = NULL;
		if (checkpoint_verify(trusted, origin, pub, &why) < 0) {
			fail(&v, 0, "the trusted checkpoint is not valid for this log: %s", why);
			free(why);
		}
	}
	if (trusted && !v.failed && strcmp(trusted->origin, origin) != 0)
		fail(&v, 0, "the trusted checkpoint is of another log (%s, not %s)",
		     trusted->origin, origin);
	check_checkpoints(&v); /* a checkpoint of size 0 is not made, but be safe */
	if (!v.failed && store_audit_each_row(db, verify_row, &v, cause) != ASSURE__CODE__OK) {
		free(origin);
		audit_checkpoint_rows_free(v.ckpts, v.nckpts);
		return -1;
	}
	if (!v.failed && v.next_ckpt < v.nckpts)
		fail(&v, v.f.size + 1,
		     "checkpoint at size %llu is beyond the log's %llu records: "
		     "records were removed",
		     (unsigned long long)v.ckpts[v.next_ckpt].tree_size,
		     (unsigned long long)v.f.size);
	if (!v.failed && trusted && !v.trusted_checked)
		fail(&v, v.f.size + 1,
		     "the log has %llu records, fewer than the trusted checkpoint's "
		     "%llu: it was truncated or rolled back",
		     (unsigned long long)v.f.size, (unsigned long long)trusted->size);
	if (!v.failed)
		snprintf(res->message, sizeof res->message,
			 "intact: %llu records, %llu signed checkpoints",
			 (unsigned long long)res->records, (unsigned long long)res->checkpoints);
	free(origin);
	audit_checkpoint_rows_free(v.ckpts, v.nckpts);
	return 0;
}
