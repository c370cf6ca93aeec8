/*
 * Sessions in SQLite. Only the SHA-256 of a token is stored: a copy of the
 * database does not let anyone resume a session.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "store.h"
#include "xmalloc.h"

static const char sql_session_insert[] =
    "INSERT INTO sessions (token_hash, user_id, role, created_at, last_seen_at, expires_at,"
    " client_addr, cert_subject) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

int store_session_insert(struct db *db, const struct session_record *s, int64_t *id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_session_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_blob(st, 1, s->token_hash, sizeof s->token_hash, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s->user_id);
	sqlite3_bind_text(st, 3, s->role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, s->created_at);
	sqlite3_bind_int64(st, 5, s->last_seen_at);
	sqlite3_bind_int64(st, 6, s->expires_at);
	sqlite3_bind_text(st, 7, s->client_addr ? s->client_addr : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, s->cert_subject ? s->cert_subject : "", -1, SQLITE_STATIC);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK)
		*id = db_last_insert_id(db);
	return status;
}

static const char sql_session_revoke[] =
    "UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL";

int store_session_revoke(struct db *db, int64_t id, int64_t now_ms, const char *reason,
			 char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_session_revoke, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

static const char sql_session_revoke_user[] =
    "UPDATE sessions SET revoked_at = ?, revoked_reason = ?"
    " WHERE user_id = ? AND id != ? AND revoked_at IS NULL";

int store_session_revoke_user(struct db *db, int64_t user_id, int64_t keep_id, int64_t now_ms,
			      const char *reason, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_session_revoke_user, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_text(st, 2, reason, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, user_id);
	sqlite3_bind_int64(st, 4, keep_id);
	return db_step_done(db, st, cause);
}

static const char sql_session_touch[] =
    "UPDATE sessions SET last_seen_at = max(last_seen_at, ?) WHERE id = ?";

int store_session_touch(struct db *db, int64_t id, int64_t last_seen_ms, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_session_touch, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, last_seen_ms);
	sqlite3_bind_int64(st, 2, id);
	return db_step_done(db, st, cause);
}

static const char sql_session_live[] =
    "SELECT id, token_hash, user_id, role, created_at, last_seen_at, expires_at, client_addr,"
    " cert_subject FROM sessions WHERE revoked_at IS NULL AND expires_at > ?";

int store_session_each_live(struct db *db, int64_t now_ms, store_session_fn fn, void *arg,
			    char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_session_live, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, now_ms);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct session_record s;
		memset(&s, 0, sizeof s);
		s.id = sqlite3_column_int64(st, 0);
		if (sqlite3_column_bytes(st, 1) != (int)sizeof s.token_hash)
			continue;
		memcpy(s.token_hash, sqlite3_column_blob(st, 1), sizeof s.token_hash);
		s.user_id = sqlite3_column_int64(st, 2);
		s.role = (const char *)sqlite3_column_text(st, 3);
		s.created_at = sqlite3_column_int64(st, 4);
		s.last_seen_at = sqlite3_column_int64(st, 5);
		s.expires_at = sqlite3_column_int64(st, 6);
		s.client_addr = (const char *)sqlite3_column_text(st, 7);
		s.cert_subject = (const char *)sqlite3_column_text(st, 8);
		fn(arg, &s);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		return db_status_from_sqlite(rc);
	}
	return ASSURE__CODE__OK;
}
