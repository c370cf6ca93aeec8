/*
 * Performers and list history in SQLite.
 */
#include "store_performer.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "store.h"
#include "xmalloc.h"

void performer_record_free(struct performer_record *p)
{
	if (p == NULL)
		return;
	free(p->profession);
	free(p->reg);
	free(p->name);
	free(p->national_code);
	free(p->list_status);
	free(p->conditions);
	free(p->susp_basis);
	free(p->susp_reason);
	free(p->susp_start);
	free(p->susp_end);
	free(p->susp_review);
	free(p->susp_concern_ref);
	free(p->susp_hearing_offered);
	free(p->susp_notice_sent);
	free(p->updated_by);
	free(p);
}

void performer_records_free(struct performer_record **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		performer_record_free(v[i]);
	free(v);
}

void list_history_free(struct list_history_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].from_status);
		free(v[i].to_status);
		free(v[i].by);
		free(v[i].decision);
		free(v[i].rationale);
		free(v[i].date);
	}
	free(v);
}

/* Lower-cased for case-insensitive search (ASCII; names in other scripts
 * still match exactly). */
static char *fold(const char *s)
{
	char *f = xstrdup(s);
	for (char *p = f; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return f;
}

static const char sql_insert[] =
    "INSERT INTO performers (profession, reg, name, name_fold, national_code, list_status,"
    " created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

int store_performer_insert(struct db *db, const char *profession, const char *reg, const char *name,
			   const char *national_code, const char *list_status, int64_t now_ms,
			   const char *by, int64_t *id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	char *f = fold(name);
	sqlite3_bind_text(st, 1, profession, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, reg, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, national_code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, list_status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now_ms);
	sqlite3_bind_int64(st, 8, now_ms);
	sqlite3_bind_text(st, 9, by, -1, SQLITE_STATIC);
	int status = db_step_done(db, st, cause);
	free(f);
	if (status == ASSURE__CODE__OK)
		*id = db_last_insert_id(db);
	return status;
}

#define PERFORMER_COLUMNS                                                                          \
	"id, profession, reg, name, national_code, list_status, conditions, suspended, "           \
	"susp_basis,"                                                                              \
	" susp_reason, susp_start, susp_end, susp_review, susp_concern_ref, susp_hearing_offered," \
	" susp_notice_sent, susp_extension, created_at, updated_at, version, updated_by"

static struct performer_record *from_row(sqlite3_stmt *st)
{
	struct performer_record *p = xcalloc(1, sizeof *p);
	p->id = sqlite3_column_int64(st, 0);
	p->profession = db_column_strdup(st, 1);
	p->reg = db_column_strdup(st, 2);
	p->name = db_column_strdup(st, 3);
	p->national_code = db_column_strdup(st, 4);
	p->list_status = db_column_strdup(st, 5);
	p->conditions = db_column_strdup(st, 6);
	p->suspended = sqlite3_column_int(st, 7);
	p->susp_basis = db_column_strdup(st, 8);
	p->susp_reason = db_column_strdup(st, 9);
	p->susp_start = db_column_strdup(st, 10);
	p->susp_end = db_column_strdup(st, 11);
	p->susp_review = db_column_strdup(st, 12);
	p->susp_concern_ref = db_column_strdup(st, 13);
	p->susp_hearing_offered = db_column_strdup(st, 14);
	p->susp_notice_sent = db_column_strdup(st, 15);
	p->susp_extension = sqlite3_column_int(st, 16);
	p->created_at = sqlite3_column_int64(st, 17);
	p->updated_at = sqlite3_column_int64(st, 18);
	p->version = sqlite3_column_int64(st, 19);
	p->updated_by = db_column_strdup(st, 20);
	return p;
}

static int rows(struct db *db, sqlite3_stmt *st, struct performer_record ***out, size_t *n,
		char **cause)
{
	struct performer_record **v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count++] = from_row(st);
	}
	if (rc != SQLITE_DONE) {
		performer_records_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static const char sql_get[] = "SELECT " PERFORMER_COLUMNS " FROM performers WHERE id = ?";

int store_performer_get(struct db *db, int64_t id, struct performer_record **out, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_get, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	struct performer_record **v = NULL;
	size_t n = 0;
	int status = rows(db, st, &v, &n, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	if (n == 0) {
		free(v);
		return ASSURE__CODE__NOT_FOUND;
	}
	*out = v[0];
	free(v);
	return ASSURE__CODE__OK;
}

static const char sql_by_reg[] =
    "SELECT " PERFORMER_COLUMNS " FROM performers WHERE reg = ? ORDER BY id LIMIT 8";

int store_performer_by_reg(struct db *db, const char *reg, struct performer_record ***out,
			   size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_by_reg, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, reg, -1, SQLITE_STATIC);
	return rows(db, st, out, n, cause);
}

/* The name filter is a LIKE pattern with % and _ escaped, so a name
 * containing them matches literally. */
static const char sql_list[] =
    "SELECT " PERFORMER_COLUMNS " FROM performers"
    " WHERE id > ?1 AND (?2 = '' OR profession = ?2) AND (?3 = '' OR list_status = ?3)"
    " AND (?4 = 0 OR suspended = 1) AND (?5 = '' OR name_fold LIKE ?5 ESCAPE '\\')"
    " ORDER BY id LIMIT ?6";

int store_performer_list(struct db *db, const struct performer_filter *f,
			 struct performer_record ***out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_list, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	char *pattern = NULL;
	if (f->name && f->name[0]) {
		char *folded = fold(f->name);
		size_t len = strlen(folded);
		pattern = xmalloc(2 * len + 3);
		char *q = pattern;
		*q++ = '%';
		for (const char *p = folded; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				*q++ = '\\';
			*q++ = *p;
		}
		*q++ = '%';
		*q = '\0';
		free(folded);
	}
	sqlite3_bind_int64(st, 1, f->after_id);
	sqlite3_bind_text(st, 2, f->profession ? f->profession : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->status ? f->status : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, f->suspended_only ? 1 : 0);
	sqlite3_bind_text(st, 5, pattern ? pattern : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 6, f->limit);
	int status = rows(db, st, out, n, cause);
	free(pattern);
	return status;
}

static const char sql_set_status[] =
    "UPDATE performers SET list_status = ?, conditions = ?, updated_at = ?, updated_by = ?,"
    " version = version + 1 WHERE id = ?";

int store_performer_set_status(struct db *db, int64_t id, const char *status,
			       const char *conditions, int64_t now_ms, const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_set_status, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, conditions ? conditions : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms);
	sqlite3_bind_text(st, 4, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, id);
	int rc = db_step_done(db, st, cause);
	if (rc == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return rc;
}

static const char sql_set_susp[] =
    "UPDATE performers SET suspended = ?, susp_basis = ?, susp_reason = ?, susp_start = ?,"
    " susp_end = ?, susp_review = ?, susp_concern_ref = ?, susp_hearing_offered = ?,"
    " susp_notice_sent = ?, susp_extension = ?, updated_at = ?, updated_by = ?,"
    " version = version + 1 WHERE id = ?";

int store_performer_set_suspension(struct db *db, int64_t id, const struct performer_suspension *s,
				   int64_t now_ms, const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_set_susp, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	const struct performer_suspension none = {"", "", "", "", "", "", "", "", 0};
	const struct performer_suspension *v = s ? s : &none;
#define TXT(i, f) sqlite3_bind_text(st, i, v->f ? v->f : "", -1, SQLITE_STATIC)
	sqlite3_bind_int(st, 1, s != NULL);
	TXT(2, basis);
	TXT(3, reason);
	TXT(4, start);
	TXT(5, end);
	TXT(6, review);
	TXT(7, concern_ref);
	TXT(8, hearing_offered);
	TXT(9, notice_sent);
#undef TXT
	sqlite3_bind_int(st, 10, v->extension ? 1 : 0);
	sqlite3_bind_int64(st, 11, now_ms);
	sqlite3_bind_text(st, 12, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 13, id);
	int rc = db_step_done(db, st, cause);
	if (rc == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return rc;
}

static const char sql_history_add[] =
    "INSERT INTO list_history (performer_id, from_status, to_status, suspended_before,"
    " suspended_after, at, by_user, decision, rationale, date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?)";

int store_list_history_add(struct db *db, int64_t performer_id, const struct list_history_record *h,
			   char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_history_add, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, performer_id);
	sqlite3_bind_text(st, 2, h->from_status, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, h->to_status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, h->suspended_before);
	sqlite3_bind_int(st, 5, h->suspended_after);
	sqlite3_bind_int64(st, 6, h->at);
	sqlite3_bind_text(st, 7, h->by, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, h->decision, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, h->rationale, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 10, h->date, -1, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

static const char sql_history[] =
    "SELECT from_status, to_status, suspended_before, suspended_after, at, by_user, decision,"
    " rationale, date FROM list_history WHERE performer_id = ? ORDER BY id";

int store_list_history(struct db *db, int64_t performer_id, struct list_history_record **out,
		       size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_history, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, performer_id);
	struct list_history_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct list_history_record *h = &v[count++];
		h->from_status = db_column_strdup(st, 0);
		h->to_status = db_column_strdup(st, 1);
		h->suspended_before = sqlite3_column_int(st, 2);
		h->suspended_after = sqlite3_column_int(st, 3);
		h->at = sqlite3_column_int64(st, 4);
		h->by = db_column_strdup(st, 5);
		h->decision = db_column_strdup(st, 6);
		h->rationale = db_column_strdup(st, 7);
		h->date = db_column_strdup(st, 8);
	}
	if (rc != SQLITE_DONE) {
		list_history_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}
