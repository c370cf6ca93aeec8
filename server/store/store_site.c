/*
 * PCT sites in SQLite.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "store.h"
#include "xmalloc.h"

void site_record_free(struct site_record *s)
{
	if (s == NULL)
		return;
	free(s->code);
	free(s->name);
	free(s);
}

void site_records_free(struct site_record **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		site_record_free(v[i]);
	free(v);
}

static const char sql_site_insert[] = "INSERT INTO sites (code, name, created_at) VALUES (?, ?, ?)";

int store_site_insert(struct db *db, const char *code, const char *name, int64_t now_ms,
		      int64_t *id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_site_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__ALREADY_EXISTS) {
		free(*cause);
		*cause = xasprintf("site '%s' already exists", code);
	}
	if (status == ASSURE__CODE__OK)
		*id = db_last_insert_id(db);
	return status;
}

#define SITE_COLUMNS                                                                               \
	"s.id, s.code, s.name, s.created_at,"                                                      \
	" (SELECT count(*) FROM users u WHERE u.site_id = s.id AND u.disabled = 0)"

static const char sql_site_find[] = "SELECT " SITE_COLUMNS " FROM sites s WHERE s.code = ?";
static const char sql_site_list[] = "SELECT " SITE_COLUMNS " FROM sites s ORDER BY s.code";

static struct site_record *site_from_row(sqlite3_stmt *st)
{
	struct site_record *s = xcalloc(1, sizeof *s);
	s->id = sqlite3_column_int64(st, 0);
	s->code = xstrdup((const char *)sqlite3_column_text(st, 1));
	s->name = xstrdup((const char *)sqlite3_column_text(st, 2));
	s->created_at = sqlite3_column_int64(st, 3);
	s->users = (unsigned)sqlite3_column_int64(st, 4);
	return s;
}

int store_site_find(struct db *db, const char *code, struct site_record **out, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_site_find, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*out = site_from_row(st);
		sqlite3_reset(st);
		return ASSURE__CODE__OK;
	}
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return ASSURE__CODE__NOT_FOUND;
	*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
	return db_status_from_sqlite(rc);
}

int store_site_list(struct db *db, struct site_record ***out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_site_list, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	struct site_record **v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count++] = site_from_row(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		site_records_free(v, count);
		return db_status_from_sqlite(rc);
	}
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}
