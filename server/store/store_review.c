/*
 * Annual contract reviews in SQLite: the review row and its reference,
 * reads with the contract, site and indicator set joined, the
 * version-checked update, the list with filters and keyset paging, the
 * checklist and SfBH answers, indicator scores, the action plan, the
 * history and the due list. Contracts in store_review.h.
 *
 * Runs on whichever thread owns the struct db: writers on the writer
 * thread inside its transaction, readers anywhere. Each function fetches a
 * statement from db_stmt, finishes with it, and only then fetches the next
 * (the cache may finalize its oldest entry when a new one is prepared).
 */
#include "store_review.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "xmalloc.h"

/* References are REV-YYYY-NNNN: four digits a year. */
#define REVIEW_SEQ_MAX 9999

static void bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

/* Binds a named parameter (":today") when the statement has it. */
static void bind_named_text(sqlite3_stmt *st, const char *name, const char *s)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i > 0)
		sqlite3_bind_text(st, i, or_empty(s), -1, SQLITE_STATIC);
}

static void bind_named_int64(sqlite3_stmt *st, const char *name, int64_t v)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i > 0)
		sqlite3_bind_int64(st, i, v);
}

/* ---- indicator sets ----------------------------------------------------- */

void review_set_record_free(struct review_set_record *s)
{
	if (s == NULL)
		return;
	free(s->name);
	free(s);
}

static const char sql_published_set[] = "SELECT id, name, green_mean, red_mean FROM indicator_sets"
					" WHERE year = ? AND state = 'published'";

int store_review_published_set(struct db *db, const char *year, struct review_set_record **out,
			       char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_published_set, cause);
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
	struct review_set_record *s = xcalloc(1, sizeof *s);
	s->id = sqlite3_column_int64(st, 0);
	s->name = db_column_strdup(st, 1);
	s->green_mean = sqlite3_column_int64(st, 2);
	s->red_mean = sqlite3_column_int64(st, 3);
	sqlite3_reset(st);
	*out = s;
	return ASSURE__CODE__OK;
}

/* ---- records ---------------------------------------------------------------- */

void review_record_free(struct review_record *r)
{
	if (r == NULL)
		return;
	free(r->ref);
	free(r->ods);
	free(r->practice);
	free(r->contract_type);
	free(r->site);
	free(r->year);
	free(r->kind);
	free(r->state);
	free(r->visit_type);
	free(r->scheduled_date);
	free(r->visited_date);
	free(r->set_name);
	free(r->achievements);
	free(r->developments);
	free(r->challenges);
	free(r->computed_rag);
	free(r->derivation);
	free(r->override_rag);
	free(r->override_reason);
	free(r->final_rag);
	free(r->next_visit_type);
	free(r->finalised_by);
	free(r->created_by);
	free(r->updated_by);
	free(r);
}

void review_records_free(struct review_record **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		review_record_free(v[i]);
	free(v);
}

void review_update_init(struct review_update *u)
{
	memset(u, 0, sizeof *u);
	u->follow_up = -1;
}

/* The review with its contract, site and set; counts of open and overdue
 * actions against :today. The rule defaults (1.5, 0.75 as scaled
 * integers) stand until a set is bound. */
#define REVIEW_COLUMNS                                                                             \
	"r.id, r.ref, r.contract_id, c.ods, c.name, c.type, COALESCE(s.code, ''), r.year, r.kind," \
	" r.state, r.visit_type, r.scheduled_date, r.visited_date, COALESCE(r.set_id, 0),"         \
	" COALESCE(ist.name, ''), COALESCE(ist.green_mean, 15000), COALESCE(ist.red_mean, 7500),"  \
	" r.catalogue_version, r.qof_recorded, r.qof_clinical, r.qof_organisational,"              \
	" r.qof_patient_experience, r.qof_additional, r.qof_exception_rate IS NOT NULL,"           \
	" COALESCE(r.qof_exception_rate, 0), r.qof_max_clinical, r.qof_max_organisational,"        \
	" r.qof_max_patient_experience, r.qof_max_additional,"                                     \
	" r.achievements, r.developments, r.challenges,"                                           \
	" r.computed_rag, r.derivation, r.override_rag, r.override_reason, r.final_rag,"           \
	" r.next_visit_type, r.follow_up, r.finalised_at, r.finalised_by, r.created_at,"           \
	" r.created_by, r.updated_at, r.updated_by, r.version,"                                    \
	" (SELECT COUNT(*) FROM review_actions a WHERE a.review_id = r.id AND a.done = ''),"       \
	" (SELECT COUNT(*) FROM review_actions a WHERE a.review_id = r.id AND a.done = ''"         \
	"   AND a.due < :today)"                                                                   \
	" FROM reviews r JOIN contracts c ON c.id = r.contract_id"                                 \
	" LEFT JOIN sites s ON s.id = c.site_id"                                                   \
	" LEFT JOIN indicator_sets ist ON ist.id = r.set_id"

static struct review_record *review_from_row(sqlite3_stmt *st)
{
	struct review_record *r = xcalloc(1, sizeof *r);
	int i = 0;
	r->id = sqlite3_column_int64(st, i++);
	r->ref = db_column_strdup(st, i++);
	r->contract_id = sqlite3_column_int64(st, i++);
	r->ods = db_column_strdup(st, i++);
	r->practice = db_column_strdup(st, i++);
	r->contract_type = db_column_strdup(st, i++);
	r->site = db_column_strdup(st, i++);
	r->year = db_column_strdup(st, i++);
	r->kind = db_column_strdup(st, i++);
	r->state = db_column_strdup(st, i++);
	r->visit_type = db_column_strdup(st, i++);
	r->scheduled_date = db_column_strdup(st, i++);
	r->visited_date = db_column_strdup(st, i++);
	r->set_id = sqlite3_column_int64(st, i++);
	r->set_name = db_column_strdup(st, i++);
	r->green_mean = sqlite3_column_int64(st, i++);
	r->red_mean = sqlite3_column_int64(st, i++);
	r->catalogue_version = sqlite3_column_int(st, i++);
	r->qof_recorded = sqlite3_column_int(st, i++);
	r->qof_clinical = sqlite3_column_int64(st, i++);
	r->qof_organisational = sqlite3_column_int64(st, i++);
	r->qof_patient_experience = sqlite3_column_int64(st, i++);
	r->qof_additional = sqlite3_column_int64(st, i++);
	r->has_exception_rate = sqlite3_column_int(st, i++);
	r->qof_exception_rate = sqlite3_column_int64(st, i++);
	r->qof_max_clinical = sqlite3_column_int64(st, i++);
	r->qof_max_organisational = sqlite3_column_int64(st, i++);
	r->qof_max_patient_experience = sqlite3_column_int64(st, i++);
	r->qof_max_additional = sqlite3_column_int64(st, i++);
	r->achievements = db_column_strdup(st, i++);
	r->developments = db_column_strdup(st, i++);
	r->challenges = db_column_strdup(st, i++);
	r->computed_rag = db_column_strdup(st, i++);
	r->derivation = db_column_strdup(st, i++);
	r->override_rag = db_column_strdup(st, i++);
	r->override_reason = db_column_strdup(st, i++);
	r->final_rag = db_column_strdup(st, i++);
	r->next_visit_type = db_column_strdup(st, i++);
	r->follow_up = sqlite3_column_int(st, i++);
	r->finalised_at = sqlite3_column_int64(st, i++);
	r->finalised_by = db_column_strdup(st, i++);
	r->created_at = sqlite3_column_int64(st, i++);
	r->created_by = db_column_strdup(st, i++);
	r->updated_at = sqlite3_column_int64(st, i++);
	r->updated_by = db_column_strdup(st, i++);
	r->version = sqlite3_column_int64(st, i++);
	r->open_actions = (unsigned)sqlite3_column_int(st, i++);
	r->overdue_actions = (unsigned)sqlite3_column_int(st, i++);
	return r;
}

static int review_rows(struct db *db, sqlite3_stmt *st, struct review_record ***out, size_t *n,
		       char **cause)
{
	struct review_record **v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count++] = review_from_row(st);
	}
	if (rc != SQLITE_DONE) {
		review_records_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static int review_one(struct db *db, sqlite3_stmt *st, struct review_record **out, char **cause)
{
	struct review_record **v = NULL;
	size_t n = 0;
	int status = review_rows(db, st, &v, &n, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	if (n == 0) {
		free(v);
		return ASSURE__CODE__NOT_FOUND;
	}
	*out = v[0];
	for (size_t i = 1; i < n; i++)
		review_record_free(v[i]);
	free(v);
	return ASSURE__CODE__OK;
}

/* ---- insert, find, get, update ------------------------------------------------ */

static const char sql_max_seq[] =
    "SELECT COALESCE(MAX(ref_seq), 0) FROM reviews WHERE ref_year = ?";

/* One statement reads the year's highest sequence and inserts the next;
 * UNIQUE (ref_year, ref_seq) is the backstop. */
static const char sql_insert[] =
    "INSERT INTO reviews (ref, ref_year, ref_seq, contract_id, year, kind, state, visit_type,"
    " scheduled_date, set_id, catalogue_version, created_at, created_by, updated_at,"
    " updated_by)"
    " SELECT printf('REV-%04d-%04d', ?1, n.s), ?1, n.s, ?2, ?3, ?4, 'scheduled', ?5, ?6,"
    " NULLIF(?7, 0), (SELECT COALESCE(MAX(version), 1) FROM requirements_catalogue),"
    " ?8, ?9, ?8, ?9"
    " FROM (SELECT COALESCE(MAX(ref_seq), 0) + 1 AS s FROM reviews WHERE ref_year = ?1) AS n"
    " RETURNING id, ref";

/* The checklist is the catalogue as it stands: every requirement not
 * retired. */
static const char sql_insert_checks[] =
    "INSERT INTO review_checks (review_id, requirement_id)"
    " SELECT ?, id FROM requirements WHERE retired_version IS NULL ORDER BY position, id";
static const char sql_insert_sfbh[] =
    "INSERT INTO review_sfbh (review_id, domain) SELECT ?, code FROM sfbh_domains"
    " ORDER BY position";

int store_review_insert(struct db *db, const struct review_new *in, int64_t now, const char *by,
			int64_t *id, char **ref, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_max_seq, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int(st, 1, in->ref_year);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	int64_t max = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (max >= REVIEW_SEQ_MAX) {
		*cause = xasprintf("all %d review references for %d are taken", REVIEW_SEQ_MAX,
				   in->ref_year);
		return ASSURE__CODE__RESOURCE_EXHAUSTED;
	}

	st = db_stmt(db, sql_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int(st, 1, in->ref_year);
	sqlite3_bind_int64(st, 2, in->contract_id);
	sqlite3_bind_text(st, 3, or_empty(in->year), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, or_empty(in->kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, or_empty(in->visit_type), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, or_empty(in->scheduled_date), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, in->set_id);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_text(st, 9, or_empty(by), -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	int64_t new_id = sqlite3_column_int64(st, 0);
	char *new_ref = db_column_strdup(st, 1);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		free(new_ref);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);

	int status = ASSURE__CODE__OK;
	st = db_stmt(db, sql_insert_checks, cause);
	if (st == NULL)
		status = ASSURE__CODE__INTERNAL;
	if (status == ASSURE__CODE__OK) {
		sqlite3_bind_int64(st, 1, new_id);
		status = db_step_done(db, st, cause);
	}
	if (status == ASSURE__CODE__OK && (st = db_stmt(db, sql_insert_sfbh, cause)) == NULL)
		status = ASSURE__CODE__INTERNAL;
	if (status == ASSURE__CODE__OK) {
		sqlite3_bind_int64(st, 1, new_id);
		status = db_step_done(db, st, cause);
	}
	if (status != ASSURE__CODE__OK) {
		free(new_ref);
		return status;
	}
	if (id)
		*id = new_id;
	if (ref)
		*ref = new_ref;
	else
		free(new_ref);
	return ASSURE__CODE__OK;
}

/* One text column of at most one row; NOT_FOUND for none. */
static int one_text(struct db *db, sqlite3_stmt *st, char **out, char **cause)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ASSURE__CODE__NOT_FOUND;
	}
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	*out = db_column_strdup(st, 0);
	sqlite3_reset(st);
	return ASSURE__CODE__OK;
}

static const char sql_find[] =
    "SELECT ref FROM reviews WHERE contract_id = ? AND year = ? AND kind = ?";

int store_review_find(struct db *db, int64_t contract_id, const char *year, const char *kind,
		      char **ref, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_find, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, contract_id);
	sqlite3_bind_text(st, 2, year, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	return one_text(db, st, ref, cause);
}

/* "2009/10" < "2010/11": the text sorts as the years do. */
static const char sql_last_next_visit[] =
    "SELECT next_visit_type FROM reviews WHERE contract_id = ? AND kind = 'annual'"
    " AND state = 'finalised' AND year < ? AND next_visit_type <> ''"
    " ORDER BY year DESC LIMIT 1";

int store_review_last_next_visit(struct db *db, int64_t contract_id, const char *year,
				 char **visit_type, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_last_next_visit, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, contract_id);
	sqlite3_bind_text(st, 2, year, -1, SQLITE_STATIC);
	return one_text(db, st, visit_type, cause);
}

static const char sql_get_by_ref[] = "SELECT " REVIEW_COLUMNS " WHERE r.ref = :ref";
static const char sql_get[] = "SELECT " REVIEW_COLUMNS " WHERE r.id = :id";

int store_review_get_by_ref(struct db *db, const char *ref, const char *today,
			    struct review_record **out, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_get_by_ref, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_named_text(st, ":ref", ref);
	bind_named_text(st, ":today", today);
	return review_one(db, st, out, cause);
}

int store_review_get(struct db *db, int64_t id, const char *today, struct review_record **out,
		     char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_get, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_named_int64(st, ":id", id);
	bind_named_text(st, ":today", today);
	return review_one(db, st, out, cause);
}

static const char sql_bind_set[] = "UPDATE reviews SET set_id = ? WHERE id = ?";

int store_review_bind_set(struct db *db, int64_t review_id, int64_t set_id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_bind_set, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_int64(st, 2, review_id);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

/* NULL text parameters, negative flags and 0 times leave a column as it
 * is. ?3 writes the QOF columns (and ?8, NULL for no exception rate; ?25 to
 * ?28 the maxima). */
static const char sql_update[] =
    "UPDATE reviews SET state = COALESCE(?1, state),"
    " visited_date = COALESCE(?2, visited_date),"
    " qof_recorded = CASE WHEN ?3 THEN 1 ELSE qof_recorded END,"
    " qof_clinical = CASE WHEN ?3 THEN ?4 ELSE qof_clinical END,"
    " qof_organisational = CASE WHEN ?3 THEN ?5 ELSE qof_organisational END,"
    " qof_patient_experience = CASE WHEN ?3 THEN ?6 ELSE qof_patient_experience END,"
    " qof_additional = CASE WHEN ?3 THEN ?7 ELSE qof_additional END,"
    " qof_exception_rate = CASE WHEN ?3 THEN ?8 ELSE qof_exception_rate END,"
    " qof_max_clinical = CASE WHEN ?3 THEN ?25 ELSE qof_max_clinical END,"
    " qof_max_organisational = CASE WHEN ?3 THEN ?26 ELSE qof_max_organisational END,"
    " qof_max_patient_experience = CASE WHEN ?3 THEN ?27 ELSE qof_max_patient_experience END,"
    " qof_max_additional = CASE WHEN ?3 THEN ?28 ELSE qof_max_additional END,"
    " achievements = COALESCE(?9, achievements),"
    " developments = COALESCE(?10, developments),"
    " challenges = COALESCE(?11, challenges),"
    " computed_rag = COALESCE(?12, computed_rag),"
    " derivation = COALESCE(?13, derivation),"
    " override_rag = COALESCE(?14, override_rag),"
    " override_reason = COALESCE(?15, override_reason),"
    " final_rag = COALESCE(?16, final_rag),"
    " next_visit_type = COALESCE(?17, next_visit_type),"
    " follow_up = CASE WHEN ?18 < 0 THEN follow_up ELSE ?18 END,"
    " finalised_at = CASE WHEN ?19 = 0 THEN finalised_at ELSE ?19 END,"
    " finalised_by = COALESCE(?20, finalised_by),"
    " updated_at = ?21, updated_by = ?22, version = version + 1"
    " WHERE id = ?23 AND (?24 = 0 OR version = ?24)"
    " RETURNING version, updated_at, updated_by";

static const char sql_stamp[] = "SELECT version, updated_at, updated_by FROM reviews WHERE id = ?";

int store_review_update(struct db *db, int64_t id, int64_t expected_version,
			const struct review_update *u, int64_t now, const char *by,
			struct db_stamp *stamp, char **cause)
{
	struct review_update none;
	if (u == NULL) {
		review_update_init(&none);
		u = &none;
	}
	sqlite3_stmt *st = db_stmt(db, sql_update, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_opt_text(st, 1, u->state);
	bind_opt_text(st, 2, u->visited_date);
	sqlite3_bind_int(st, 3, u->set_qof != 0);
	sqlite3_bind_int64(st, 4, u->qof_clinical);
	sqlite3_bind_int64(st, 5, u->qof_organisational);
	sqlite3_bind_int64(st, 6, u->qof_patient_experience);
	sqlite3_bind_int64(st, 7, u->qof_additional);
	if (u->has_exception_rate)
		sqlite3_bind_int64(st, 8, u->qof_exception_rate);
	else
		sqlite3_bind_null(st, 8);
	bind_opt_text(st, 9, u->achievements);
	bind_opt_text(st, 10, u->developments);
	bind_opt_text(st, 11, u->challenges);
	bind_opt_text(st, 12, u->computed_rag);
	bind_opt_text(st, 13, u->derivation);
	bind_opt_text(st, 14, u->override_rag);
	bind_opt_text(st, 15, u->override_reason);
	bind_opt_text(st, 16, u->final_rag);
	bind_opt_text(st, 17, u->next_visit_type);
	sqlite3_bind_int(st, 18, u->follow_up < 0 ? -1 : u->follow_up != 0);
	sqlite3_bind_int64(st, 19, u->finalised_at);
	bind_opt_text(st, 20, u->finalised_by);
	sqlite3_bind_int64(st, 21, now);
	sqlite3_bind_text(st, 22, or_empty(by), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 23, id);
	sqlite3_bind_int64(st, 24, expected_version);
	sqlite3_bind_int64(st, 25, u->qof_max_clinical);
	sqlite3_bind_int64(st, 26, u->qof_max_organisational);
	sqlite3_bind_int64(st, 27, u->qof_max_patient_experience);
	sqlite3_bind_int64(st, 28, u->qof_max_additional);
	struct db_stamp s = {0};
	int status = db_read_stamp(db, st, &s, cause);
	if (status == ASSURE__CODE__OK) {
		if (stamp)
			*stamp = s;
		else
			db_stamp_clear(&s);
		return ASSURE__CODE__OK;
	}
	if (status != ASSURE__CODE__NOT_FOUND)
		return status;

	/* Nothing updated: no such review, or a stale version. */
	st = db_stmt(db, sql_stamp, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	status = db_read_stamp(db, st, &s, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	*cause = xasprintf("the review was changed by %s (now version %lld; expected %lld)",
			   s.updated_by[0] ? s.updated_by : "someone", (long long)s.version,
			   (long long)expected_version);
	if (stamp)
		*stamp = s;
	else
		db_stamp_clear(&s);
	return ASSURE__CODE__ABORTED;
}

static const char sql_set_result[] =
    "UPDATE reviews SET computed_rag = ?1, derivation = ?2,"
    " final_rag = COALESCE(?3, final_rag), next_visit_type = COALESCE(?4, next_visit_type),"
    " follow_up = CASE WHEN ?3 IS NULL THEN follow_up ELSE ?5 END WHERE id = ?6";

int store_review_set_result(struct db *db, int64_t id, const char *computed_rag,
			    const char *derivation, const char *final_rag,
			    const char *next_visit_type, int follow_up, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_set_result, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, or_empty(computed_rag), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, or_empty(derivation), -1, SQLITE_STATIC);
	bind_opt_text(st, 3, final_rag);
	bind_opt_text(st, 4, final_rag ? next_visit_type : NULL);
	sqlite3_bind_int(st, 5, follow_up != 0);
	sqlite3_bind_int64(st, 6, id);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

/* ---- list ----------------------------------------------------------------------- */

/* The result in force: the final RAG once finalised, else the override,
 * else the computed one. */
#define REVIEW_RAG_IN_FORCE                                                                        \
	"(CASE WHEN r.state = 'finalised' THEN r.final_rag WHEN r.override_rag <> ''"              \
	" THEN r.override_rag ELSE r.computed_rag END)"

#define REVIEW_FILTERS                                                                             \
	" r.id > :after AND (:year = '' OR r.year = :year) AND (:state = '' OR r.state = :state)"  \
	" AND (:ods = '' OR c.ods = :ods) AND (:site = '' OR s.code = :site)"                      \
	" AND (:rag = '' OR " REVIEW_RAG_IN_FORCE " = :rag)"                                       \
	" AND (:overdue = 0 OR EXISTS (SELECT 1 FROM review_actions a2"                            \
	"   WHERE a2.review_id = r.id AND a2.done = '' AND a2.due < :today))"                      \
	" ORDER BY r.id LIMIT :limit"

/* Led by the most selective filter given, so SQLite walks its index
 * (reviews_year, reviews_state, the contract's ODS) rather than every
 * review. */
static const char sql_list_any[] = "SELECT " REVIEW_COLUMNS " WHERE" REVIEW_FILTERS;
static const char sql_list_ods[] =
    "SELECT " REVIEW_COLUMNS " WHERE c.ods = :ods AND" REVIEW_FILTERS;
static const char sql_list_year[] =
    "SELECT " REVIEW_COLUMNS " WHERE r.year = :year AND" REVIEW_FILTERS;
static const char sql_list_state[] =
    "SELECT " REVIEW_COLUMNS " WHERE r.state = :state AND" REVIEW_FILTERS;

int store_review_list(struct db *db, const struct review_filter *f, struct review_record ***out,
		      size_t *n, char **cause)
{
	const char *sql = sql_list_any;
	if (f->ods && f->ods[0])
		sql = sql_list_ods;
	else if (f->year && f->year[0])
		sql = sql_list_year;
	else if (f->state && f->state[0])
		sql = sql_list_state;
	sqlite3_stmt *st = db_stmt(db, sql, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_named_int64(st, ":after", f->after_id);
	bind_named_text(st, ":year", f->year);
	bind_named_text(st, ":state", f->state);
	bind_named_text(st, ":ods", f->ods);
	bind_named_text(st, ":site", f->site);
	bind_named_text(st, ":rag", f->rag);
	bind_named_int64(st, ":overdue", f->overdue_actions != 0);
	bind_named_text(st, ":today", f->today);
	bind_named_int64(st, ":limit", f->limit);
	return review_rows(db, st, out, n, cause);
}

/* ---- checklist and SfBH ------------------------------------------------------- */

void review_checks_free(struct review_check_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].code);
		free(v[i].title);
		free(v[i].result);
		free(v[i].evidence);
		free(v[i].by);
	}
	free(v);
}

static const char sql_checks[] =
    "SELECT q.code, q.title, rc.result, rc.evidence, rc.at, rc.by_user FROM review_checks rc"
    " JOIN requirements q ON q.id = rc.requirement_id WHERE rc.review_id = ?"
    " ORDER BY q.position, q.id";

int store_review_checks(struct db *db, int64_t review_id, struct review_check_record **out,
			size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_checks, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, review_id);
	struct review_check_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct review_check_record *c = &v[count++];
		c->code = db_column_strdup(st, 0);
		c->title = db_column_strdup(st, 1);
		c->result = db_column_strdup(st, 2);
		c->evidence = db_column_strdup(st, 3);
		c->at = sqlite3_column_int64(st, 4);
		c->by = db_column_strdup(st, 5);
	}
	if (rc != SQLITE_DONE) {
		review_checks_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static const char sql_check_set[] =
    "UPDATE review_checks SET result = ?1, evidence = ?2, at = ?3, by_user = ?4"
    " WHERE review_id = ?5 AND requirement_id = (SELECT id FROM requirements WHERE code = ?6)";

int store_review_check_set(struct db *db, int64_t review_id, const char *code, const char *result,
			   const char *evidence, int64_t now, const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_check_set, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, or_empty(result), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, or_empty(evidence), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, or_empty(by), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, review_id);
	sqlite3_bind_text(st, 6, or_empty(code), -1, SQLITE_STATIC);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

void review_sfbh_free(struct review_sfbh_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].domain);
		free(v[i].title);
		free(v[i].result);
		free(v[i].evidence);
		free(v[i].by);
	}
	free(v);
}

static const char sql_sfbh[] =
    "SELECT d.code, d.title, rs.result, rs.evidence, rs.at, rs.by_user FROM review_sfbh rs"
    " JOIN sfbh_domains d ON d.code = rs.domain WHERE rs.review_id = ? ORDER BY d.position";

int store_review_sfbh(struct db *db, int64_t review_id, struct review_sfbh_record **out, size_t *n,
		      char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_sfbh, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, review_id);
	struct review_sfbh_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct review_sfbh_record *s = &v[count++];
		s->domain = db_column_strdup(st, 0);
		s->title = db_column_strdup(st, 1);
		s->result = db_column_strdup(st, 2);
		s->evidence = db_column_strdup(st, 3);
		s->at = sqlite3_column_int64(st, 4);
		s->by = db_column_strdup(st, 5);
	}
	if (rc != SQLITE_DONE) {
		review_sfbh_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static const char sql_sfbh_set[] =
    "UPDATE review_sfbh SET result = ?1, evidence = ?2, at = ?3, by_user = ?4"
    " WHERE review_id = ?5 AND domain = ?6";

int store_review_sfbh_set(struct db *db, int64_t review_id, const char *domain, const char *result,
			  const char *evidence, int64_t now, const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_sfbh_set, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, or_empty(result), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, or_empty(evidence), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, or_empty(by), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, review_id);
	sqlite3_bind_text(st, 6, or_empty(domain), -1, SQLITE_STATIC);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

/* ---- scores ----------------------------------------------------------------------- */

void review_scores_free(struct review_score_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].code);
		free(v[i].name);
		free(v[i].domain);
		free(v[i].unit);
		free(v[i].direction);
		free(v[i].not_available);
		free(v[i].rag);
		free(v[i].by);
	}
	free(v);
}

static const char sql_scores[] =
    "SELECT i.id, i.code, i.name, i.domain, i.unit, i.direction, i.green, i.amber, i.weight,"
    " i.critical, i.position, sc.review_id IS NOT NULL, sc.value IS NOT NULL,"
    " COALESCE(sc.value, 0), COALESCE(sc.not_available, ''), COALESCE(sc.rag, ''),"
    " COALESCE(sc.at, 0), COALESCE(sc.by_user, '')"
    " FROM indicators i LEFT JOIN review_scores sc ON sc.indicator_id = i.id"
    "   AND sc.review_id = ?1"
    " WHERE i.set_id = ?2 ORDER BY i.position, i.id";

int store_review_scores(struct db *db, int64_t review_id, int64_t set_id,
			struct review_score_record **out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_scores, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, review_id);
	sqlite3_bind_int64(st, 2, set_id);
	struct review_score_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct review_score_record *s = &v[count++];
		int i = 0;
		s->indicator_id = sqlite3_column_int64(st, i++);
		s->code = db_column_strdup(st, i++);
		s->name = db_column_strdup(st, i++);
		s->domain = db_column_strdup(st, i++);
		s->unit = db_column_strdup(st, i++);
		s->direction = db_column_strdup(st, i++);
		s->green = sqlite3_column_int64(st, i++);
		s->amber = sqlite3_column_int64(st, i++);
		s->weight = sqlite3_column_int64(st, i++);
		s->critical = sqlite3_column_int(st, i++);
		s->position = sqlite3_column_int(st, i++);
		s->recorded = sqlite3_column_int(st, i++);
		s->has_value = sqlite3_column_int(st, i++);
		s->value = sqlite3_column_int64(st, i++);
		s->not_available = db_column_strdup(st, i++);
		s->rag = db_column_strdup(st, i++);
		s->at = sqlite3_column_int64(st, i++);
		s->by = db_column_strdup(st, i++);
	}
	if (rc != SQLITE_DONE) {
		review_scores_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

/* An upsert rather than INSERT OR REPLACE: REPLACE deletes the old row,
 * which the no-delete trigger refuses. */
static const char sql_score_set[] =
    "INSERT INTO review_scores (review_id, indicator_id, value, not_available, rag, at,"
    " by_user) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    " ON CONFLICT (review_id, indicator_id) DO UPDATE SET value = excluded.value,"
    " not_available = excluded.not_available, rag = excluded.rag, at = excluded.at,"
    " by_user = excluded.by_user";

int store_review_score_set(struct db *db, int64_t review_id, int64_t indicator_id, int has_value,
			   int64_t value, const char *rag, const char *not_available, int64_t now,
			   const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_score_set, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, review_id);
	sqlite3_bind_int64(st, 2, indicator_id);
	if (has_value)
		sqlite3_bind_int64(st, 3, value);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, has_value ? "" : or_empty(not_available), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, has_value ? or_empty(rag) : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_text(st, 7, or_empty(by), -1, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

/* ---- actions ------------------------------------------------------------------------- */

void review_actions_free(struct review_action_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].text);
		free(v[i].owner);
		free(v[i].due);
		free(v[i].for_item);
		free(v[i].done);
		free(v[i].by);
		free(v[i].done_by);
	}
	free(v);
}

static const char sql_actions[] =
    "SELECT number, text, owner, due, for_item, done, at, by_user, done_at, done_by"
    " FROM review_actions WHERE review_id = ? ORDER BY number";

int store_review_actions(struct db *db, int64_t review_id, struct review_action_record **out,
			 size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_actions, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, review_id);
	struct review_action_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct review_action_record *a = &v[count++];
		a->number = sqlite3_column_int(st, 0);
		a->text = db_column_strdup(st, 1);
		a->owner = db_column_strdup(st, 2);
		a->due = db_column_strdup(st, 3);
		a->for_item = db_column_strdup(st, 4);
		a->done = db_column_strdup(st, 5);
		a->at = sqlite3_column_int64(st, 6);
		a->by = db_column_strdup(st, 7);
		a->done_at = sqlite3_column_int64(st, 8);
		a->done_by = db_column_strdup(st, 9);
	}
	if (rc != SQLITE_DONE) {
		review_actions_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static const char sql_action_add[] =
    "INSERT INTO review_actions (review_id, number, text, owner, due, for_item, at, by_user)"
    " SELECT ?1, COALESCE(MAX(number), 0) + 1, ?2, ?3, ?4, ?5, ?6, ?7 FROM review_actions"
    " WHERE review_id = ?1 RETURNING number";

int store_review_action_add(struct db *db, int64_t review_id, const char *text, const char *owner,
			    const char *due, const char *for_item, int64_t now, const char *by,
			    int *number, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_action_add, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, review_id);
	sqlite3_bind_text(st, 2, or_empty(text), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, or_empty(owner), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, or_empty(due), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, or_empty(for_item), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now);
	sqlite3_bind_text(st, 7, or_empty(by), -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	int num = sqlite3_column_int(st, 0);
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, st, rc, cause);
	sqlite3_reset(st);
	if (number)
		*number = num;
	return ASSURE__CODE__OK;
}

static const char sql_action_done[] =
    "UPDATE review_actions SET done = ?1, done_at = ?2, done_by = ?3"
    " WHERE review_id = ?4 AND number = ?5 AND done = ''";
static const char sql_action_get_done[] =
    "SELECT done FROM review_actions WHERE review_id = ? AND number = ?";

int store_review_action_done(struct db *db, int64_t review_id, int number, const char *date,
			     int64_t now, const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_action_done, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, or_empty(date), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, or_empty(by), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, review_id);
	sqlite3_bind_int(st, 5, number);
	int status = db_step_done(db, st, cause);
	if (status != ASSURE__CODE__OK || db_changes(db) > 0)
		return status;
	st = db_stmt(db, sql_action_get_done, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, review_id);
	sqlite3_bind_int(st, 2, number);
	char *done = NULL;
	status = one_text(db, st, &done, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	*cause = xasprintf("action %d is already done (%s)", number, done);
	free(done);
	return ASSURE__CODE__FAILED_PRECONDITION;
}

/* ---- events ---------------------------------------------------------------------------- */

void review_events_free(struct review_event_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].by);
		free(v[i].kind);
		free(v[i].text);
		free(v[i].detail);
	}
	free(v);
}

static const char sql_event_add[] =
    "INSERT INTO review_events (review_id, kind, text, detail, at, by_user)"
    " VALUES (?, ?, ?, ?, ?, ?)";

int store_review_event_add(struct db *db, int64_t review_id, const char *kind, const char *text,
			   const char *detail, int64_t now, const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_event_add, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, review_id);
	sqlite3_bind_text(st, 2, or_empty(kind), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, or_empty(text), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, or_empty(detail), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	sqlite3_bind_text(st, 6, or_empty(by), -1, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

static const char sql_events[] =
    "SELECT id, at, by_user, kind, text, detail FROM review_events WHERE review_id = ?"
    " ORDER BY id";

int store_review_events(struct db *db, int64_t review_id, struct review_event_record **out,
			size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_events, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, review_id);
	struct review_event_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct review_event_record *e = &v[count++];
		e->id = sqlite3_column_int64(st, 0);
		e->at = sqlite3_column_int64(st, 1);
		e->by = db_column_strdup(st, 2);
		e->kind = db_column_strdup(st, 3);
		e->text = db_column_strdup(st, 4);
		e->detail = db_column_strdup(st, 5);
	}
	if (rc != SQLITE_DONE) {
		review_events_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

/* ---- the due list ------------------------------------------------------------------------ */

void review_due_free(struct review_due_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].kind);
		free(v[i].due);
		free(v[i].ods);
		free(v[i].practice);
		free(v[i].review_ref);
		free(v[i].text);
		free(v[i].owner);
	}
	free(v);
}

/* Three kinds in one order: due date, then action (1), notice (2), visit
 * (3), then id within the kind; the page token is that triple. Open
 * actions walk review_actions_open, open notices contract_notices_open. */
static const char sql_due[] =
    "SELECT kind, due, ods, practice, review_ref, number, text, owner, id, k FROM ("
    " SELECT 'action' AS kind, 1 AS k, a.due AS due, c.ods AS ods, c.name AS practice,"
    "  r.ref AS review_ref, a.number AS number, a.text AS text, a.owner AS owner, a.id AS id"
    "  FROM review_actions a JOIN reviews r ON r.id = a.review_id"
    "  JOIN contracts c ON c.id = r.contract_id WHERE a.done = '' AND a.due <= :by"
    " UNION ALL"
    " SELECT 'notice', 2, n.deadline, c.ods, c.name, COALESCE(r.ref, ''), n.number,"
    "  n.kind || ' notice: ' || n.text, '', n.id"
    "  FROM contract_notices n JOIN contracts c ON c.id = n.contract_id"
    "  LEFT JOIN reviews r ON r.id = n.review_id"
    "  WHERE n.outcome = '' AND n.deadline <> '' AND n.deadline <= :by"
    " UNION ALL"
    " SELECT 'visit', 3, r.scheduled_date, c.ods, c.name, r.ref, 0,"
    "  r.kind || ' review ' || r.year || ': ' || r.visit_type || ' visit', '', r.id"
    "  FROM reviews r JOIN contracts c ON c.id = r.contract_id"
    "  WHERE r.state = 'scheduled' AND r.scheduled_date <> '' AND r.scheduled_date <= :by"
    ") WHERE :adue IS NULL OR (due, k, id) > (:adue, :ak, :aid)"
    " ORDER BY due, k, id LIMIT :limit";

int store_review_due(struct db *db, const struct review_due_filter *f,
		     struct review_due_record **out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_due, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_named_text(st, ":by", f->due_by);
	int i = sqlite3_bind_parameter_index(st, ":adue");
	if (i > 0)
		bind_opt_text(st, i, f->after_due);
	bind_named_int64(st, ":ak", f->after_kind);
	bind_named_int64(st, ":aid", f->after_id);
	bind_named_int64(st, ":limit", f->limit);
	struct review_due_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct review_due_record *d = &v[count++];
		d->kind = db_column_strdup(st, 0);
		d->due = db_column_strdup(st, 1);
		d->ods = db_column_strdup(st, 2);
		d->practice = db_column_strdup(st, 3);
		d->review_ref = db_column_strdup(st, 4);
		d->number = sqlite3_column_int(st, 5);
		d->text = db_column_strdup(st, 6);
		d->owner = db_column_strdup(st, 7);
		d->id = sqlite3_column_int64(st, 8);
		d->kind_order = sqlite3_column_int(st, 9);
	}
	if (rc != SQLITE_DONE) {
		review_due_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}
