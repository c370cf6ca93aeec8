/*
 * Contracts, contract history and contract notices in SQLite, and the
 * read-only queries of reviews that a contract's page shows. Every
 * statement is a static string prepared once per handle (db_stmt's cache)
 * with bound parameters.
 */
#include "store_contract.h"

#include <ctype.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "store.h"
#include "xmalloc.h"

void contract_record_free(struct contract_record *c)
{
	if (c == NULL)
		return;
	free(c->ods);
	free(c->name);
	free(c->type);
	free(c->site);
	free(c->start);
	free(c->end);
	free(c->created_by);
	free(c->updated_by);
	free(c->last_year);
	free(c->last_rag);
	free(c->next_visit_type);
	free(c);
}

void contract_records_free(struct contract_record **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		contract_record_free(v[i]);
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

/* "%s%" for LIKE with % _ and \ escaped, folded; NULL for no filter. */
static char *like_pattern(const char *s)
{
	if (s == NULL || s[0] == '\0')
		return NULL;
	char *folded = fold(s);
	char *pattern = xmalloc(2 * strlen(folded) + 3);
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
	return pattern;
}

/* ---- contracts ---------------------------------------------------------------- */

static const char sql_insert[] =
    "INSERT INTO contracts (ods, name, name_fold, type, list_size, site_id, start_date,"
    " end_date, created_at, created_by, updated_at, updated_by)"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?9, ?10)";

int store_contract_insert(struct db *db, const struct contract_fields *f, int64_t now_s,
			  const char *by, int64_t *id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	char *folded = fold(f->name);
	sqlite3_bind_text(st, 1, f->ods, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, folded, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, f->list_size);
	sqlite3_bind_int64(st, 6, f->site_id);
	sqlite3_bind_text(st, 7, f->start ? f->start : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, f->end ? f->end : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, now_s);
	sqlite3_bind_text(st, 10, by, -1, SQLITE_STATIC);
	int status = db_step_done(db, st, cause);
	free(folded);
	if (status == ASSURE__CODE__OK)
		*id = db_last_insert_id(db);
	return status;
}

/* The latest finalised annual review gives last_year, last_rag and
 * next_visit_type (reviews_one_per_year indexes the lookup). */
#define CONTRACT_SELECT                                                                            \
	"SELECT c.id, c.ods, c.name, c.type, c.list_size, c.site_id, s.code, c.start_date,"        \
	" c.end_date, c.created_at, c.created_by, c.updated_at, c.updated_by, c.version,"          \
	" coalesce(r.year, ''), coalesce(r.final_rag, ''), coalesce(r.next_visit_type, '')"        \
	" FROM contracts c JOIN sites s ON s.id = c.site_id"                                       \
	" LEFT JOIN reviews r ON r.id = (SELECT r2.id FROM reviews r2 WHERE r2.contract_id = c.id" \
	"   AND r2.kind = 'annual' AND r2.state = 'finalised' ORDER BY r2.year DESC LIMIT 1)"

static struct contract_record *contract_from_row(sqlite3_stmt *st)
{
	struct contract_record *c = xcalloc(1, sizeof *c);
	c->id = sqlite3_column_int64(st, 0);
	c->ods = db_column_strdup(st, 1);
	c->name = db_column_strdup(st, 2);
	c->type = db_column_strdup(st, 3);
	c->list_size = sqlite3_column_int64(st, 4);
	c->site_id = sqlite3_column_int64(st, 5);
	c->site = db_column_strdup(st, 6);
	c->start = db_column_strdup(st, 7);
	c->end = db_column_strdup(st, 8);
	c->created_at = sqlite3_column_int64(st, 9);
	c->created_by = db_column_strdup(st, 10);
	c->updated_at = sqlite3_column_int64(st, 11);
	c->updated_by = db_column_strdup(st, 12);
	c->version = sqlite3_column_int64(st, 13);
	c->last_year = db_column_strdup(st, 14);
	c->last_rag = db_column_strdup(st, 15);
	c->next_visit_type = db_column_strdup(st, 16);
	return c;
}

static int contract_rows(struct db *db, sqlite3_stmt *st, struct contract_record ***out, size_t *n,
			 char **cause)
{
	struct contract_record **v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count++] = contract_from_row(st);
	}
	if (rc != SQLITE_DONE) {
		contract_records_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static const char sql_get[] = CONTRACT_SELECT " WHERE c.ods = ?";

int store_contract_get(struct db *db, const char *ods, struct contract_record **out, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_get, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, ods, -1, SQLITE_STATIC);
	struct contract_record **v = NULL;
	size_t n = 0;
	int status = contract_rows(db, st, &v, &n, cause);
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

static const char sql_list[] =
    CONTRACT_SELECT " WHERE c.ods > ?1 AND (?2 = '' OR c.type = ?2) AND (?3 = 0 OR c.site_id = ?3)"
		    " AND (?4 = '' OR c.name_fold LIKE ?4 ESCAPE '\\') ORDER BY c.ods LIMIT ?5";

int store_contract_list(struct db *db, const struct contract_filter *f,
			struct contract_record ***out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_list, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	char *pattern = like_pattern(f->name);
	sqlite3_bind_text(st, 1, f->after ? f->after : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->type ? f->type : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, f->site_id);
	sqlite3_bind_text(st, 4, pattern ? pattern : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 5, f->limit);
	int status = contract_rows(db, st, out, n, cause);
	free(pattern);
	return status;
}

static const char sql_update[] =
    "UPDATE contracts SET name = ?1, name_fold = ?2, type = ?3, list_size = ?4, site_id = ?5,"
    " start_date = ?6, end_date = ?7, updated_at = ?8, updated_by = ?9, version = version + 1"
    " WHERE id = ?10";

int store_contract_update(struct db *db, int64_t id, const struct contract_fields *f, int64_t now_s,
			  const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_update, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	char *folded = fold(f->name);
	sqlite3_bind_text(st, 1, f->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, folded, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->type, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, f->list_size);
	sqlite3_bind_int64(st, 5, f->site_id);
	sqlite3_bind_text(st, 6, f->start ? f->start : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, f->end ? f->end : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, now_s);
	sqlite3_bind_text(st, 9, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, id);
	int rc = db_step_done(db, st, cause);
	free(folded);
	if (rc == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return rc;
}

static const char sql_touch[] =
    "UPDATE contracts SET updated_at = ?1, updated_by = ?2, version = version + 1 WHERE id = ?3";

int store_contract_touch(struct db *db, int64_t id, int64_t now_s, const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_touch, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, now_s);
	sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	int rc = db_step_done(db, st, cause);
	if (rc == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return rc;
}

/* ---- history ------------------------------------------------------------------ */

void contract_changes_free(struct contract_change_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].by);
		free(v[i].detail);
		free(v[i].reason);
	}
	free(v);
}

static const char sql_history_add[] =
    "INSERT INTO contract_history (contract_id, detail, reason, at, by_user)"
    " VALUES (?, ?, ?, ?, ?)";

int store_contract_history_add(struct db *db, int64_t contract_id, const char *detail,
			       const char *reason, int64_t at_s, const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_history_add, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, contract_id);
	sqlite3_bind_text(st, 2, detail, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, reason ? reason : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, at_s);
	sqlite3_bind_text(st, 5, by, -1, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

static const char sql_history[] = "SELECT at, by_user, detail, reason FROM contract_history"
				  " WHERE contract_id = ? ORDER BY id";

int store_contract_history(struct db *db, int64_t contract_id, struct contract_change_record **out,
			   size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_history, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, contract_id);
	struct contract_change_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct contract_change_record *h = &v[count++];
		h->at = sqlite3_column_int64(st, 0);
		h->by = db_column_strdup(st, 1);
		h->detail = db_column_strdup(st, 2);
		h->reason = db_column_strdup(st, 3);
	}
	if (rc != SQLITE_DONE) {
		contract_changes_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

/* ---- notices ------------------------------------------------------------------ */

void contract_notice_record_free(struct contract_notice_record *n)
{
	if (n == NULL)
		return;
	free(n->kind);
	free(n->text);
	free(n->steps);
	free(n->date);
	free(n->reason);
	free(n->deadline);
	free(n->review_ref);
	free(n->outcome);
	free(n->outcome_date);
	free(n->outcome_rationale);
	free(n->by);
	free(n->outcome_by);
	free(n);
}

void contract_notice_records_free(struct contract_notice_record **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		contract_notice_record_free(v[i]);
	free(v);
}

static const char sql_notice_next[] =
    "SELECT coalesce(max(number), 0) + 1 FROM contract_notices WHERE contract_id = ?";
static const char sql_notice_insert[] =
    "INSERT INTO contract_notices (contract_id, number, kind, text, steps, date, period_days,"
    " reason, deadline, review_id, at, by_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

int store_contract_notice_insert(struct db *db, int64_t contract_id,
				 const struct contract_notice_new *in, int64_t now_s,
				 const char *by, uint32_t *number, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_notice_next, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, contract_id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	int64_t next = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (next < 1 || next > UINT32_MAX) {
		*cause =
		    xasprintf("contract %lld: notice numbers exhausted", (long long)contract_id);
		return ASSURE__CODE__INTERNAL;
	}
	st = db_stmt(db, sql_notice_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, contract_id);
	sqlite3_bind_int64(st, 2, next);
	sqlite3_bind_text(st, 3, in->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, in->text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, in->steps ? in->steps : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, in->date, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 7, in->period_days);
	sqlite3_bind_text(st, 8, in->reason ? in->reason : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, in->deadline ? in->deadline : "", -1, SQLITE_STATIC);
	if (in->review_id > 0)
		sqlite3_bind_int64(st, 10, in->review_id);
	else
		sqlite3_bind_null(st, 10);
	sqlite3_bind_int64(st, 11, now_s);
	sqlite3_bind_text(st, 12, by, -1, SQLITE_STATIC);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK)
		*number = (uint32_t)next;
	return status;
}

#define NOTICE_SELECT                                                                              \
	"SELECT n.number, n.kind, n.text, n.steps, n.date, n.period_days, n.reason, n.deadline,"   \
	" coalesce(r.ref, ''), n.outcome, n.outcome_date, n.outcome_rationale, n.at, n.by_user,"   \
	" n.outcome_at, n.outcome_by FROM contract_notices n LEFT JOIN reviews r ON r.id = "       \
	"n.review_id"

static struct contract_notice_record *notice_from_row(sqlite3_stmt *st)
{
	struct contract_notice_record *n = xcalloc(1, sizeof *n);
	n->number = (uint32_t)sqlite3_column_int64(st, 0);
	n->kind = db_column_strdup(st, 1);
	n->text = db_column_strdup(st, 2);
	n->steps = db_column_strdup(st, 3);
	n->date = db_column_strdup(st, 4);
	n->period_days = sqlite3_column_int(st, 5);
	n->reason = db_column_strdup(st, 6);
	n->deadline = db_column_strdup(st, 7);
	n->review_ref = db_column_strdup(st, 8);
	n->outcome = db_column_strdup(st, 9);
	n->outcome_date = db_column_strdup(st, 10);
	n->outcome_rationale = db_column_strdup(st, 11);
	n->at = sqlite3_column_int64(st, 12);
	n->by = db_column_strdup(st, 13);
	n->outcome_at = sqlite3_column_int64(st, 14);
	n->outcome_by = db_column_strdup(st, 15);
	return n;
}

static int notice_rows(struct db *db, sqlite3_stmt *st, struct contract_notice_record ***out,
		       size_t *n, char **cause)
{
	struct contract_notice_record **v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count++] = notice_from_row(st);
	}
	if (rc != SQLITE_DONE) {
		contract_notice_records_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static const char sql_notice_get[] = NOTICE_SELECT " WHERE n.contract_id = ? AND n.number = ?";

int store_contract_notice_get(struct db *db, int64_t contract_id, uint32_t number,
			      struct contract_notice_record **out, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_notice_get, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, contract_id);
	sqlite3_bind_int64(st, 2, number);
	struct contract_notice_record **v = NULL;
	size_t n = 0;
	int status = notice_rows(db, st, &v, &n, cause);
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

static const char sql_notices[] = NOTICE_SELECT " WHERE n.contract_id = ? ORDER BY n.number";

int store_contract_notices(struct db *db, int64_t contract_id, struct contract_notice_record ***out,
			   size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_notices, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, contract_id);
	return notice_rows(db, st, out, n, cause);
}

static const char sql_notice_outcome[] =
    "UPDATE contract_notices SET outcome = ?1, outcome_date = ?2, outcome_rationale = ?3,"
    " outcome_at = ?4, outcome_by = ?5 WHERE contract_id = ?6 AND number = ?7 AND outcome = ''";

int store_contract_notice_set_outcome(struct db *db, int64_t contract_id, uint32_t number,
				      const char *outcome, const char *date, const char *rationale,
				      int64_t now_s, const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_notice_outcome, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, outcome, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, date, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, rationale ? rationale : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now_s);
	sqlite3_bind_text(st, 5, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, contract_id);
	sqlite3_bind_int64(st, 7, number);
	int rc = db_step_done(db, st, cause);
	if (rc == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return rc;
}

/* ---- reviews (read-only) ------------------------------------------------------ */

void contract_review_records_free(struct contract_review_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		struct contract_review_record *r = &v[i];
		free(r->ref);
		free(r->year);
		free(r->kind);
		free(r->state);
		free(r->visit_type);
		free(r->scheduled);
		free(r->visited);
		free(r->computed_rag);
		free(r->override_rag);
		free(r->final_rag);
		free(r->next_visit_type);
		free(r->set_name);
	}
	free(v);
}

static const char sql_reviews[] =
    "SELECT r.ref, r.year, r.kind, r.state, r.visit_type, r.scheduled_date, r.visited_date,"
    " r.computed_rag, r.override_rag, r.final_rag, r.next_visit_type, coalesce(s.name, ''),"
    " r.follow_up, r.version,"
    " (SELECT count(*) FROM review_actions a WHERE a.review_id = r.id AND a.done = ''),"
    " (SELECT count(*) FROM review_actions a WHERE a.review_id = r.id AND a.done = ''"
    "   AND a.due < ?2)"
    " FROM reviews r LEFT JOIN indicator_sets s ON s.id = r.set_id"
    " WHERE r.contract_id = ?1 ORDER BY r.year DESC, r.id DESC";

int store_contract_reviews(struct db *db, int64_t contract_id, const char *today,
			   struct contract_review_record **out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_reviews, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, contract_id);
	sqlite3_bind_text(st, 2, today, -1, SQLITE_STATIC);
	struct contract_review_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct contract_review_record *r = &v[count++];
		r->ref = db_column_strdup(st, 0);
		r->year = db_column_strdup(st, 1);
		r->kind = db_column_strdup(st, 2);
		r->state = db_column_strdup(st, 3);
		r->visit_type = db_column_strdup(st, 4);
		r->scheduled = db_column_strdup(st, 5);
		r->visited = db_column_strdup(st, 6);
		r->computed_rag = db_column_strdup(st, 7);
		r->override_rag = db_column_strdup(st, 8);
		r->final_rag = db_column_strdup(st, 9);
		r->next_visit_type = db_column_strdup(st, 10);
		r->set_name = db_column_strdup(st, 11);
		r->follow_up = sqlite3_column_int(st, 12);
		r->version = sqlite3_column_int64(st, 13);
		r->open_actions = (unsigned)sqlite3_column_int64(st, 14);
		r->overdue_actions = (unsigned)sqlite3_column_int64(st, 15);
	}
	if (rc != SQLITE_DONE) {
		contract_review_records_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static const char sql_review_by_ref[] = "SELECT id, contract_id FROM reviews WHERE ref = ?";

int store_contract_review_by_ref(struct db *db, const char *ref, int64_t *review_id,
				 int64_t *contract_id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_review_by_ref, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*review_id = sqlite3_column_int64(st, 0);
		*contract_id = sqlite3_column_int64(st, 1);
		sqlite3_reset(st);
		return ASSURE__CODE__OK;
	}
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ASSURE__CODE__NOT_FOUND;
	}
	return db_fail(db, st, rc, cause);
}
