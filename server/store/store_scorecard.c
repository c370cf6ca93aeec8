/*
 * The scorecard report's reads in SQLite (store_scorecard.h).
 *
 * A page is three statements inside one savepoint (a read transaction on
 * the worker's read-only handle): the count (first page only), the rows,
 * and the scores of the rows' reviews. Each statement is fetched from
 * db_stmt's cache, run to the end and reset before the next is fetched (the
 * cache may finalize its oldest entry when a new one is prepared).
 *
 * Query plans (EXPLAIN QUERY PLAN, checked on a 7,000-contract database;
 * docs/BENCHMARKS.md "Scorecard at national scale"):
 *   rows, no filter  SEARCH c USING INDEX sqlite_autoindex_contracts_1 (ods>?)
 *   rows, --site     SEARCH c USING INDEX contracts_site (site_id=? AND ods>?)
 *   rows, --type     SEARCH c USING INDEX contracts_type (type=? AND ods>?)
 *     each then      SEARCH s USING INTEGER PRIMARY KEY (rowid=?)
 *                    SEARCH r USING INDEX reviews_one_per_year
 *                      (contract_id=? AND year=? AND kind=?)
 *     so rows come in ODS order with no sort step, and LIMIT stops the walk.
 *   count            SCAN c, or SEARCH c USING INDEX contracts_site or
 *                    contracts_type, then reviews_one_per_year (covering)
 *   scores           SCAN j VIRTUAL TABLE INDEX 1: (json_each, the page's review ids)
 *                    SEARCH sc USING PRIMARY KEY (review_id=?)
 * The scores are fetched by the page's review ids, not by an id range:
 * review ids follow the order reviews were scheduled in, not ODS order, so
 * the range of one page's ids can span the whole year's reviews.
 */
#include "store_scorecard.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "xmalloc.h"

/* ---- the set -------------------------------------------------------------- */

void scorecard_set_free(struct scorecard_set *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n_indicators; i++) {
		struct scorecard_indicator *ind = &s->indicators[i];
		free(ind->code);
		free(ind->name);
		free(ind->domain);
		free(ind->unit);
		free(ind->direction);
	}
	free(s->indicators);
	free(s->name);
	free(s->year);
	free(s->state);
	free(s->from_set);
	free(s->created_by);
	free(s->published_by);
	free(s);
}

/* The partial unique index indicator_sets_published (year) WHERE state =
 * 'published' answers this. */
static const char sql_set[] =
    "SELECT s.id, s.name, s.year, s.state, s.green_mean, s.red_mean,"
    " COALESCE((SELECT f.name FROM indicator_sets f WHERE f.id = s.from_set_id), ''),"
    " s.created_at, s.created_by, s.published_at, s.published_by, s.version"
    " FROM indicator_sets s WHERE s.year = ?1 AND s.state = 'published'";

static const char sql_indicators[] =
    "SELECT id, position, code, name, domain, unit, direction, green, amber, weight, critical"
    " FROM indicators WHERE set_id = ?1 ORDER BY position";

int store_scorecard_published_set(struct db *db, const char *year, struct scorecard_set **out,
				  char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_set, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, year, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ASSURE__CODE__NOT_FOUND;
	}
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	struct scorecard_set *s = xcalloc(1, sizeof *s);
	int i = 0;
	s->id = sqlite3_column_int64(st, i++);
	s->name = db_column_strdup(st, i++);
	s->year = db_column_strdup(st, i++);
	s->state = db_column_strdup(st, i++);
	s->green_mean = sqlite3_column_int64(st, i++);
	s->red_mean = sqlite3_column_int64(st, i++);
	s->from_set = db_column_strdup(st, i++);
	s->created_at = sqlite3_column_int64(st, i++);
	s->created_by = db_column_strdup(st, i++);
	s->published_at = sqlite3_column_int64(st, i++);
	s->published_by = db_column_strdup(st, i++);
	s->version = sqlite3_column_int64(st, i++);
	sqlite3_reset(st);

	st = db_stmt(db, sql_indicators, cause);
	if (st == NULL) {
		scorecard_set_free(s);
		return ASSURE__CODE__INTERNAL;
	}
	sqlite3_bind_int64(st, 1, s->id);
	size_t cap = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (s->n_indicators == cap) {
			cap = cap ? cap * 2 : 32;
			s->indicators = xrealloc(s->indicators, cap * sizeof *s->indicators);
		}
		struct scorecard_indicator *ind = &s->indicators[s->n_indicators++];
		i = 0;
		ind->id = sqlite3_column_int64(st, i++);
		ind->position = (unsigned)sqlite3_column_int64(st, i++);
		ind->code = db_column_strdup(st, i++);
		ind->name = db_column_strdup(st, i++);
		ind->domain = db_column_strdup(st, i++);
		ind->unit = db_column_strdup(st, i++);
		ind->direction = db_column_strdup(st, i++);
		ind->green = sqlite3_column_int64(st, i++);
		ind->amber = sqlite3_column_int64(st, i++);
		ind->weight = sqlite3_column_int64(st, i++);
		ind->critical = sqlite3_column_int(st, i++);
	}
	if (rc != SQLITE_DONE) {
		scorecard_set_free(s);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = s;
	return ASSURE__CODE__OK;
}

/* ---- rows --------------------------------------------------------------------- */

void scorecard_rows_free(struct scorecard_row *v, size_t n, size_t n_cells)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		struct scorecard_row *r = &v[i];
		free(r->ods);
		free(r->practice);
		free(r->type);
		free(r->site);
		free(r->review_ref);
		free(r->state);
		free(r->computed_rag);
		free(r->override_rag);
		free(r->final_rag);
		free(r->next_visit_type);
		if (r->cells != NULL)
			for (size_t k = 0; k < n_cells; k++)
				free(r->cells[k].not_available);
		free(r->cells);
	}
	free(v);
}

/* The annual review of the year, if any, by the unique index
 * reviews_one_per_year (contract_id, year, kind). ?1 is the year. */
#define SCORECARD_REVIEW                                                                           \
	" LEFT JOIN reviews r ON r.contract_id = c.id AND r.year = ?1 AND r.kind = 'annual'"
#define SCORECARD_FROM " FROM contracts c JOIN sites s ON s.id = c.site_id" SCORECARD_REVIEW

/* ?3 site id (0 any), ?4 type ('' any), ?5/?6 the year's first and last
 * days: a contract in force on some day of the year, or reviewed for it. */
#define SCORECARD_FILTERS                                                                          \
	" (?3 = 0 OR c.site_id = ?3) AND (?4 = '' OR c.type = ?4)"                                 \
	" AND (((c.start_date = '' OR c.start_date <= ?6)"                                         \
	"     AND (c.end_date = '' OR c.end_date >= ?5))"                                          \
	"   OR r.id IS NOT NULL)"

#define SCORECARD_COLUMNS                                                                          \
	"SELECT c.id, c.ods, c.name, c.type, s.code, COALESCE(r.id, 0), COALESCE(r.ref, ''),"      \
	" COALESCE(r.state, ''), COALESCE(r.computed_rag, ''), COALESCE(r.override_rag, ''),"      \
	" COALESCE(r.final_rag, ''), COALESCE(r.next_visit_type, ''),"                             \
	" COALESCE(r.follow_up, 0)" SCORECARD_FROM

/* ?2 the last ODS code of the previous page, ?7 the limit. */
#define SCORECARD_PAGE " c.ods > ?2 AND" SCORECARD_FILTERS " ORDER BY c.ods LIMIT ?7"

/* The same query led by the filter given, so SQLite walks that filter's
 * index in ODS order (the generic form alone would walk every contract). */
static const char sql_rows_any[] = SCORECARD_COLUMNS " WHERE" SCORECARD_PAGE;
static const char sql_rows_site[] = SCORECARD_COLUMNS " WHERE c.site_id = ?3 AND" SCORECARD_PAGE;
static const char sql_rows_type[] = SCORECARD_COLUMNS " WHERE c.type = ?4 AND" SCORECARD_PAGE;

/* The count has no ?2 and ?7: binding them fails harmlessly (SQLITE_RANGE
 * for ?7, an unused number for ?2), so one binder serves both. */
#define SCORECARD_COUNT "SELECT count(*) FROM contracts c" SCORECARD_REVIEW " WHERE"
static const char sql_count_any[] = SCORECARD_COUNT SCORECARD_FILTERS;
static const char sql_count_site[] = SCORECARD_COUNT " c.site_id = ?3 AND" SCORECARD_FILTERS;
static const char sql_count_type[] = SCORECARD_COUNT " c.type = ?4 AND" SCORECARD_FILTERS;

/* The scores of the page's reviews: ?1 is a JSON array of review ids. */
static const char sql_scores[] =
    "SELECT sc.review_id, sc.indicator_id, sc.value, sc.not_available, sc.rag"
    " FROM json_each(?1) AS j JOIN review_scores sc ON sc.review_id = j.value";

static void bind_filter(sqlite3_stmt *st, const struct scorecard_filter *f)
{
	sqlite3_bind_text(st, 1, f->year, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, or_empty(f->after_ods), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, f->site_id);
	sqlite3_bind_text(st, 4, or_empty(f->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->year_start, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f->year_end, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, f->limit);
}

static int count_rows(struct db *db, const struct scorecard_filter *f, uint64_t *total,
		      char **cause)
{
	const char *sql = f->site_id	       ? sql_count_site
			  : *or_empty(f->type) ? sql_count_type
					       : sql_count_any;
	sqlite3_stmt *st = db_stmt(db, sql, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_filter(st, f);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	*total = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ASSURE__CODE__OK;
}

static int read_rows(struct db *db, const struct scorecard_filter *f, size_t n_cells,
		     struct scorecard_row **out, size_t *n, char **cause)
{
	const char *sql = f->site_id	       ? sql_rows_site
			  : *or_empty(f->type) ? sql_rows_type
					       : sql_rows_any;
	sqlite3_stmt *st = db_stmt(db, sql, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_filter(st, f);
	struct scorecard_row *v = NULL;
	size_t count = 0, cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (count == cap) {
			cap = cap ? cap * 2 : 64;
			v = xrealloc(v, cap * sizeof *v);
		}
		struct scorecard_row *r = &v[count++];
		int i = 0;
		r->contract_id = sqlite3_column_int64(st, i++);
		r->ods = db_column_strdup(st, i++);
		r->practice = db_column_strdup(st, i++);
		r->type = db_column_strdup(st, i++);
		r->site = db_column_strdup(st, i++);
		r->review_id = sqlite3_column_int64(st, i++);
		r->review_ref = db_column_strdup(st, i++);
		r->state = db_column_strdup(st, i++);
		r->computed_rag = db_column_strdup(st, i++);
		r->override_rag = db_column_strdup(st, i++);
		r->final_rag = db_column_strdup(st, i++);
		r->next_visit_type = db_column_strdup(st, i++);
		r->follow_up = sqlite3_column_int(st, i++);
		r->cells = xcalloc(n_cells ? n_cells : 1, sizeof *r->cells);
	}
	if (rc != SQLITE_DONE) {
		scorecard_rows_free(v, count, n_cells);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

/* id -> index, sorted by id, for bsearch. */
struct id_index {
	int64_t id;
	size_t index;
};

static int id_index_cmp(const void *a, const void *b)
{
	int64_t x = ((const struct id_index *)a)->id, y = ((const struct id_index *)b)->id;
	return (x > y) - (x < y);
}

static const struct id_index *id_find(const struct id_index *v, size_t n, int64_t id)
{
	struct id_index key = {id, 0};
	return bsearch(&key, v, n, sizeof *v, id_index_cmp);
}

/* Fills the cells of the rows that have a review. */
static int read_scores(struct db *db, const struct scorecard_set *set, struct scorecard_row *rows,
		       size_t n, char **cause)
{
	struct id_index *reviews = xcalloc(n ? n : 1, sizeof *reviews);
	size_t nr = 0;
	/* "[12,40,41]": at most 20 digits and a comma per id. */
	char *json = xmalloc(2 + 21 * (n ? n : 1) + 1);
	size_t len = 0;
	json[len++] = '[';
	for (size_t i = 0; i < n; i++) {
		if (rows[i].review_id == 0)
			continue;
		reviews[nr].id = rows[i].review_id;
		reviews[nr].index = i;
		len += (size_t)sprintf(json + len, "%s%lld", nr ? "," : "",
				       (long long)rows[i].review_id);
		nr++;
	}
	json[len++] = ']';
	json[len] = '\0';
	if (nr == 0) {
		free(json);
		free(reviews);
		return ASSURE__CODE__OK;
	}
	qsort(reviews, nr, sizeof *reviews, id_index_cmp);
	struct id_index *inds = xcalloc(set->n_indicators ? set->n_indicators : 1, sizeof *inds);
	for (size_t k = 0; k < set->n_indicators; k++) {
		inds[k].id = set->indicators[k].id;
		inds[k].index = k;
	}
	qsort(inds, set->n_indicators, sizeof *inds, id_index_cmp);

	int status = ASSURE__CODE__OK;
	sqlite3_stmt *st = db_stmt(db, sql_scores, cause);
	if (st == NULL) {
		status = ASSURE__CODE__INTERNAL;
		goto out;
	}
	sqlite3_bind_text(st, 1, json, (int)len, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const struct id_index *r = id_find(reviews, nr, sqlite3_column_int64(st, 0));
		const struct id_index *ind =
		    id_find(inds, set->n_indicators, sqlite3_column_int64(st, 1));
		if (r == NULL || ind == NULL)
			continue; /* a score for an indicator of another set */
		struct scorecard_cell *c = &rows[r->index].cells[ind->index];
		if (sqlite3_column_type(st, 2) != SQLITE_NULL) {
			c->state = SCORECARD_CELL_VALUE;
			c->value = sqlite3_column_int64(st, 2);
			snprintf(c->rag, sizeof c->rag, "%s",
				 (const char *)sqlite3_column_text(st, 4));
		} else {
			free(c->not_available);
			c->state = SCORECARD_CELL_NOT_AVAILABLE;
			c->not_available = db_column_strdup(st, 3);
		}
	}
	if (rc != SQLITE_DONE)
		status = db_fail(db, st, rc, cause);
	else
		sqlite3_reset(st);
out:
	free(inds);
	free(json);
	free(reviews);
	return status;
}

int store_scorecard_page(struct db *db, const struct scorecard_filter *f,
			 const struct scorecard_set *set, struct scorecard_row **out, size_t *n,
			 uint64_t *total, char **cause)
{
	/* One snapshot for the count, the rows and their scores. */
	if (db_savepoint(db, cause) < 0)
		return ASSURE__CODE__INTERNAL;
	struct scorecard_row *rows = NULL;
	size_t count = 0;
	int status = ASSURE__CODE__OK;
	if (total != NULL)
		status = count_rows(db, f, total, cause);
	if (status == ASSURE__CODE__OK)
		status = read_rows(db, f, set->n_indicators, &rows, &count, cause);
	if (status == ASSURE__CODE__OK)
		status = read_scores(db, set, rows, count, cause);
	if (status == ASSURE__CODE__OK && db_release(db, cause) < 0)
		status = ASSURE__CODE__INTERNAL;
	if (status != ASSURE__CODE__OK) {
		db_rollback_to(db);
		scorecard_rows_free(rows, count, set->n_indicators);
		return status;
	}
	*out = rows;
	*n = count;
	return ASSURE__CODE__OK;
}
