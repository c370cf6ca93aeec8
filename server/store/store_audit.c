/*
 * The audit_log table. Rows are only ever inserted (triggers refuse UPDATE
 * and DELETE); the indexed columns repeat fields of the stored record.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "store.h"
#include "xmalloc.h"

static const char sql_audit_insert[] =
    "INSERT INTO audit_log (seq, uuid, time_ms, action, event, outcome, user_id, username,"
    " object_type, object_id, record, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

int store_audit_insert(struct db *db, const Assure__AuditRecord *r, const uint8_t *bytes,
		       size_t len, const uint8_t leaf[HASH_SHA256_LEN], char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_audit_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)r->seq);
	sqlite3_bind_text(st, 2, r->uuid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->time_ms);
	sqlite3_bind_text(st, 4, r->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->event, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, (int)r->outcome);
	sqlite3_bind_int64(st, 7, r->user_id);
	sqlite3_bind_text(st, 8, r->username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->object_type, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, r->object_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 11, bytes, (int)len, SQLITE_STATIC);
	sqlite3_bind_blob(st, 12, leaf, HASH_SHA256_LEN, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

static const char sql_audit_last[] = "SELECT coalesce(max(seq), 0) FROM audit_log";

int store_audit_last_seq(struct db *db, uint64_t *last, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_audit_last, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		sqlite3_reset(st);
		return db_status_from_sqlite(rc);
	}
	*last = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ASSURE__CODE__OK;
}

static const char sql_tree_insert[] = "INSERT INTO audit_tree (level, idx, hash) VALUES (?, ?, ?)";

int store_audit_tree_insert(struct db *db, unsigned level, uint64_t idx, const uint8_t hash[32],
			    char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_tree_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int(st, 1, (int)level);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
	sqlite3_bind_blob(st, 3, hash, 32, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

static const char sql_tree_get[] = "SELECT hash FROM audit_tree WHERE level = ? AND idx = ?";
static const char sql_leaf_get[] = "SELECT leaf_hash FROM audit_log WHERE seq = ?";

int store_audit_node(struct db *db, unsigned level, uint64_t idx, uint8_t out[32], char **cause)
{
	sqlite3_stmt *st = db_stmt(db, level == 0 ? sql_leaf_get : sql_tree_get, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	if (level == 0) {
		sqlite3_bind_int64(st, 1, (sqlite3_int64)idx + 1);
	} else {
		sqlite3_bind_int(st, 1, (int)level);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)idx);
	}
	int rc = sqlite3_step(st);
	int status = ASSURE__CODE__OK;
	if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 0) == 32)
		memcpy(out, sqlite3_column_blob(st, 0), 32);
	else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		status = ASSURE__CODE__NOT_FOUND;
	else {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		status = db_status_from_sqlite(rc);
	}
	sqlite3_reset(st);
	return status;
}

static const char sql_ckpt_insert[] =
    "INSERT INTO audit_checkpoints (tree_size, root_hash, time_ms, note, signature, signed_note)"
    " VALUES (?, ?, ?, ?, ?, ?)";

int store_audit_checkpoint_insert(struct db *db, const struct audit_checkpoint_row *c, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_ckpt_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)c->tree_size);
	sqlite3_bind_blob(st, 2, c->root_hash, 32, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, c->time_ms);
	sqlite3_bind_text(st, 4, c->note, -1, SQLITE_STATIC);
	sqlite3_bind_blob(st, 5, c->signature, (int)c->signature_len, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, c->signed_note, -1, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

void audit_checkpoint_rows_free(struct audit_checkpoint_row *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].note);
		free(v[i].signed_note);
	}
	free(v);
}

static const char sql_ckpt_after[] =
    "SELECT tree_size, root_hash, time_ms, note, signature, signed_note FROM audit_checkpoints"
    " WHERE tree_size > ? ORDER BY tree_size LIMIT ?";
static const char sql_ckpt_latest[] =
    "SELECT tree_size, root_hash, time_ms, note, signature, signed_note FROM audit_checkpoints"
    " ORDER BY tree_size DESC LIMIT 1";
static const char sql_ckpt_at[] =
    "SELECT tree_size, root_hash, time_ms, note, signature, signed_note FROM audit_checkpoints"
    " WHERE tree_size = ?";

static int ckpt_rows(struct db *db, sqlite3_stmt *st, struct audit_checkpoint_row **out, size_t *n,
		     char **cause)
{
	struct audit_checkpoint_row *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct audit_checkpoint_row *c = &v[count++];
		memset(c, 0, sizeof *c);
		c->tree_size = (uint64_t)sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) == 32)
			memcpy(c->root_hash, sqlite3_column_blob(st, 1), 32);
		c->time_ms = sqlite3_column_int64(st, 2);
		c->note = xstrdup((const char *)sqlite3_column_text(st, 3));
		int sl = sqlite3_column_bytes(st, 4);
		c->signature_len = sl > 64 ? 64 : (size_t)sl;
		if (sl > 0)
			memcpy(c->signature, sqlite3_column_blob(st, 4), c->signature_len);
		c->signed_note = xstrdup((const char *)sqlite3_column_text(st, 5));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		audit_checkpoint_rows_free(v, count);
		return db_status_from_sqlite(rc);
	}
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

int store_audit_checkpoints_after(struct db *db, uint64_t after_size, unsigned limit,
				  struct audit_checkpoint_row **out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_ckpt_after, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)after_size);
	sqlite3_bind_int64(st, 2, limit);
	return ckpt_rows(db, st, out, n, cause);
}

int store_audit_checkpoint_get(struct db *db, uint64_t size, struct audit_checkpoint_row **out,
			       char **cause)
{
	sqlite3_stmt *st = db_stmt(db, size ? sql_ckpt_at : sql_ckpt_latest, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	if (size)
		sqlite3_bind_int64(st, 1, (sqlite3_int64)size);
	size_t n = 0;
	int status = ckpt_rows(db, st, out, &n, cause);
	if (status == ASSURE__CODE__OK && n == 0) {
		free(*out);
		*out = NULL;
		return ASSURE__CODE__NOT_FOUND;
	}
	return status;
}

static const char sql_meta_get[] = "SELECT value FROM audit_meta WHERE name = ?";
static const char sql_meta_put[] = "INSERT INTO audit_meta (name, value) VALUES (?, ?)";

int store_audit_meta_get(struct db *db, const char *name, char **value, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_meta_get, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	int status = ASSURE__CODE__OK;
	if (rc == SQLITE_ROW)
		*value = xstrdup((const char *)sqlite3_column_text(st, 0));
	else if (rc == SQLITE_DONE)
		status = ASSURE__CODE__NOT_FOUND;
	else {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		status = db_status_from_sqlite(rc);
	}
	sqlite3_reset(st);
	return status;
}

int store_audit_meta_put(struct db *db, const char *name, const char *value, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_meta_put, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

/* Filters are all optional; each ?N = '' (or -1) means "any". */
static const char sql_audit_query[] =
    "SELECT seq, record FROM audit_log WHERE seq >= ?1"
    " AND (?2 = 0 OR time_ms >= ?2) AND (?3 = 0 OR time_ms < ?3)"
    " AND (?4 = '' OR username = ?4) AND (?5 = '' OR action = ?5) AND (?6 = '' OR event = ?6)"
    " AND (?7 = '' OR object_type = ?7) AND (?8 = '' OR object_id = ?8)"
    " AND (?9 < 0 OR outcome = ?9)"
    " ORDER BY seq LIMIT ?10";

int store_audit_query(struct db *db, const struct audit_filter *f, store_audit_fn fn, void *arg,
		      char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_audit_query, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, (sqlite3_int64)f->from_seq);
	sqlite3_bind_int64(st, 2, f->since_ms);
	sqlite3_bind_int64(st, 3, f->until_ms);
	sqlite3_bind_text(st, 4, f->username ? f->username : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->action ? f->action : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f->event ? f->event : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, f->object_type ? f->object_type : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, f->object_id ? f->object_id : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 9, f->outcome);
	sqlite3_bind_int64(st, 10, f->limit);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		fn(arg, (uint64_t)sqlite3_column_int64(st, 0), sqlite3_column_blob(st, 1),
		   (size_t)sqlite3_column_bytes(st, 1));
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		return db_status_from_sqlite(rc);
	}
	return ASSURE__CODE__OK;
}

static const char sql_audit_all[] =
    "SELECT seq, uuid, time_ms, action, event, outcome, user_id, username, object_type,"
    " object_id, record, leaf_hash FROM audit_log ORDER BY seq";

int store_audit_each_row(struct db *db, store_audit_row_fn fn, void *arg, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_audit_all, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct audit_row r;
		r.seq = (uint64_t)sqlite3_column_int64(st, 0);
		r.uuid = (const char *)sqlite3_column_text(st, 1);
		r.time_ms = sqlite3_column_int64(st, 2);
		r.action = (const char *)sqlite3_column_text(st, 3);
		r.event = (const char *)sqlite3_column_text(st, 4);
		r.outcome = sqlite3_column_int(st, 5);
		r.user_id = sqlite3_column_int64(st, 6);
		r.username = (const char *)sqlite3_column_text(st, 7);
		r.object_type = (const char *)sqlite3_column_text(st, 8);
		r.object_id = (const char *)sqlite3_column_text(st, 9);
		r.record = sqlite3_column_blob(st, 10);
		r.record_len = (size_t)sqlite3_column_bytes(st, 10);
		r.leaf = sqlite3_column_blob(st, 11);
		r.leaf_len = (size_t)sqlite3_column_bytes(st, 11);
		if (fn(arg, &r) != 0)
			break;
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		return db_status_from_sqlite(rc);
	}
	return ASSURE__CODE__OK;
}
