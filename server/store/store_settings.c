/*
 * Settings and bank-holiday changes in SQLite (migration 9); contracts in
 * store_settings.h. Runs on whichever thread owns the handle: the writer
 * for changes, any thread for reads.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "store_settings.h"
#include "xmalloc.h"

static int fail(struct db *db, sqlite3_stmt *st, int rc, char **cause)
{
	sqlite3_reset(st);
	*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
	return db_status_from_sqlite(rc);
}

void setting_record_clear(struct setting_record *r)
{
	if (r == NULL)
		return;
	free(r->key);
	free(r->value);
	free(r->changed_by);
	free(r->reason);
	memset(r, 0, sizeof *r);
}

static void holiday_clear(struct holiday_override_record *h)
{
	free(h->day);
	free(h->name);
	free(h->changed_by);
	free(h->reason);
}

void settings_rows_clear(struct settings_rows *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_settings; i++)
		setting_record_clear(&r->settings[i]);
	free(r->settings);
	for (size_t i = 0; i < r->n_holidays; i++)
		holiday_clear(&r->holidays[i]);
	free(r->holidays);
	memset(r, 0, sizeof *r);
}

static const char sql_stamp[] = "SELECT version, stamp FROM settings_version WHERE id = 1";

int store_settings_stamp(struct db *db, int64_t *version, char stamp[SETTINGS_STAMP_BUFSZ],
			 char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_stamp, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		if (rc == SQLITE_DONE) {
			sqlite3_reset(st);
			*cause = xstrdup("settings_version has no row (migration 9 not applied?)");
			return ASSURE__CODE__INTERNAL;
		}
		return fail(db, st, rc, cause);
	}
	*version = sqlite3_column_int64(st, 0);
	const char *s = (const char *)sqlite3_column_text(st, 1);
	snprintf(stamp, SETTINGS_STAMP_BUFSZ, "%s", s ? s : "");
	sqlite3_reset(st);
	return ASSURE__CODE__OK;
}

static const char sql_settings[] =
    "SELECT key, value, version, changed_by, changed_at, reason FROM settings ORDER BY key";
static const char sql_holidays[] = "SELECT day, change, name, changed_by, changed_at, reason"
				   " FROM holiday_overrides ORDER BY day";

static void setting_from_row(sqlite3_stmt *st, struct setting_record *r)
{
	r->key = db_column_strdup(st, 0);
	r->value = db_column_strdup(st, 1);
	r->version = sqlite3_column_int64(st, 2);
	r->changed_by = db_column_strdup(st, 3);
	r->changed_at = sqlite3_column_int64(st, 4);
	r->reason = db_column_strdup(st, 5);
}

static int load_rows(struct db *db, struct settings_rows *out, char **cause)
{
	int status = store_settings_stamp(db, &out->version, out->stamp, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	sqlite3_stmt *st = db_stmt(db, sql_settings, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->settings =
		    xrealloc(out->settings, (out->n_settings + 1) * sizeof *out->settings);
		setting_from_row(st, &out->settings[out->n_settings++]);
	}
	if (rc != SQLITE_DONE)
		return fail(db, st, rc, cause);
	sqlite3_reset(st);
	st = db_stmt(db, sql_holidays, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		out->holidays =
		    xrealloc(out->holidays, (out->n_holidays + 1) * sizeof *out->holidays);
		struct holiday_override_record *h = &out->holidays[out->n_holidays++];
		h->day = db_column_strdup(st, 0);
		const char *change = (const char *)sqlite3_column_text(st, 1);
		h->removed = change != NULL && strcmp(change, "removed") == 0;
		h->name = db_column_strdup(st, 2);
		h->changed_by = db_column_strdup(st, 3);
		h->changed_at = sqlite3_column_int64(st, 4);
		h->reason = db_column_strdup(st, 5);
	}
	if (rc != SQLITE_DONE)
		return fail(db, st, rc, cause);
	sqlite3_reset(st);
	return ASSURE__CODE__OK;
}

int store_settings_load(struct db *db, struct settings_rows *out, char **cause)
{
	memset(out, 0, sizeof *out);
	/* A worker's handle runs each statement in its own transaction unless
	 * told otherwise; the counter and the rows must come from one view. */
	int own = !db_in_transaction(db);
	if (own && db_exec(db, "BEGIN", cause) < 0)
		return ASSURE__CODE__INTERNAL;
	int status = load_rows(db, out, cause);
	if (own) {
		if (status == ASSURE__CODE__OK && db_exec(db, "COMMIT", cause) < 0)
			status = ASSURE__CODE__INTERNAL;
		db_rollback(db); /* no-op after a COMMIT */
	}
	if (status != ASSURE__CODE__OK)
		settings_rows_clear(out);
	return status;
}

static const char sql_setting_get[] =
    "SELECT key, value, version, changed_by, changed_at, reason FROM settings WHERE key = ?";
static const char sql_setting_update[] =
    "UPDATE settings SET value = ?2, version = version + 1, changed_by = ?3, changed_at = ?4,"
    " reason = ?5 WHERE key = ?1 AND version = ?6";
static const char sql_setting_insert[] =
    "INSERT INTO settings (key, value, version, changed_by, changed_at, reason)"
    " VALUES (?1, ?2, 2, ?3, ?4, ?5)";

/* The key's row, or version 1 with empty names when it has none. */
static int setting_get(struct db *db, const char *key, struct setting_record *r, char **cause)
{
	memset(r, 0, sizeof *r);
	sqlite3_stmt *st = db_stmt(db, sql_setting_get, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		setting_from_row(st, r);
		sqlite3_reset(st);
		return ASSURE__CODE__OK;
	}
	if (rc != SQLITE_DONE)
		return fail(db, st, rc, cause);
	sqlite3_reset(st);
	r->key = xstrdup(key);
	r->value = xstrdup("");
	r->version = 1;
	r->changed_by = xstrdup("");
	r->reason = xstrdup("");
	return ASSURE__CODE__OK;
}

int store_setting_put(struct db *db, const char *key, const char *value, int64_t expected,
		      int64_t now_ms, const char *by, const char *reason, int64_t *version,
		      struct setting_record *stale, char **cause)
{
	struct setting_record cur;
	int status = setting_get(db, key, &cur, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	if (cur.version != expected) {
		if (stale)
			*stale = cur;
		else
			setting_record_clear(&cur);
		return ASSURE__CODE__ABORTED;
	}
	int had_row = cur.version > 1; /* rows start at version 2 */
	setting_record_clear(&cur);
	sqlite3_stmt *st = db_stmt(db, had_row ? sql_setting_update : sql_setting_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now_ms);
	sqlite3_bind_text(st, 5, reason, -1, SQLITE_STATIC);
	if (had_row)
		sqlite3_bind_int64(st, 6, expected);
	status = db_step_done(db, st, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	if (db_changes(db) != 1) {
		*cause =
		    xasprintf("setting %s: expected one row changed, %d were", key, db_changes(db));
		return ASSURE__CODE__INTERNAL;
	}
	*version = expected + 1;
	return ASSURE__CODE__OK;
}

static const char sql_holiday_insert[] =
    "INSERT INTO holiday_overrides (day, change, name, changed_by, changed_at, reason)"
    " VALUES (?, ?, ?, ?, ?, ?)";

int store_holiday_override_add(struct db *db, const struct holiday_override_record *h, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_holiday_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, h->day, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, h->removed ? "removed" : "added", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, h->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, h->changed_by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, h->changed_at);
	sqlite3_bind_text(st, 6, h->reason, -1, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

static const char sql_holiday_delete[] = "DELETE FROM holiday_overrides WHERE day = ?";

int store_holiday_override_delete(struct db *db, const char *day, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_holiday_delete, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, day, -1, SQLITE_STATIC);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

static const char sql_bump[] =
    "UPDATE settings_version SET version = version + 1, stamp = lower(hex(randomblob(16))),"
    " changed_by = ?, changed_at = ? WHERE id = 1 RETURNING version";

int store_settings_bump(struct db *db, int64_t now_ms, const char *by, int64_t *version,
			char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_bump, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_ms);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return fail(db, st, rc == SQLITE_DONE ? SQLITE_ERROR : rc, cause);
	*version = sqlite3_column_int64(st, 0);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		return db_status_from_sqlite(rc);
	}
	return ASSURE__CODE__OK;
}
