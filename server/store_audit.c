/*
 * The audit_log table. Rows are only ever inserted (triggers refuse UPDATE
 * and DELETE); the indexed columns repeat fields of the stored record.
 */
#include <sqlite3.h>
#include <stdlib.h>

#include "assure.pb-c.h"
#include "db.h"
#include "store.h"
#include "xmalloc.h"

static const char sql_audit_insert[] =
	"INSERT INTO audit_log (seq, uuid, time_ms, action, event, outcome, user_id, username,"
	" object_type, object_id, record, leaf_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

int store_audit_insert(struct db *db, const Assure__AuditRecord *r, const uint8_t *bytes,
		       size_t len, const uint8_t leaf[CRYPTO_SHA256_LEN], char **cause)
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
	sqlite3_bind_blob(st, 12, leaf, CRYPTO_SHA256_LEN, SQLITE_STATIC);
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
