/*
 * Concerns in SQLite: the concern row (reference allocation, reads with the
 * subject and people joined, the version-checked update, lists with
 * filters and keyset paging, the appeal-window job's query), the grade
 * history and the people history. Side records (timeline, deadlines,
 * referrals, notes, evidence, actions, decisions) are in
 * store_concern_side.c. Contracts in store_concern.h.
 *
 * Runs on whichever thread owns the struct db: writers on the writer
 * thread inside its transaction, readers anywhere. Each function fetches a
 * statement from db_stmt, finishes with it, and only then fetches the next
 * (the cache may finalize its oldest entry when a new one is prepared).
 */
#include "store_concern.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "domain_dates.h"
#include "domain_grade.h"
#include "xmalloc.h"

/* ---- records -------------------------------------------------------------- */

void concern_record_free(struct concern_record *c)
{
	if (c == NULL)
		return;
	free(c->ref);
	free(c->performer_name);
	free(c->profession);
	free(c->list_status);
	free(c->source);
	free(c->category);
	free(c->summary);
	free(c->reporter);
	free(c->received);
	free(c->state);
	free(c->band);
	free(c->case_manager);
	free(c->investigator);
	free(c->linked_ref);
	free(c->notice_sent);
	free(c->notice_allegation);
	free(c->notice_proposed_action);
	free(c->notice_grounds);
	free(c->hearing_requested);
	free(c->hearing_date);
	free(c->outcome);
	free(c->decision_notice_sent);
	free(c->next_due);
	free(c->updated_by);
	free(c);
}

void concern_records_free(struct concern_record **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		concern_record_free(v[i]);
	free(v);
}

void concern_update_init(struct concern_update *u)
{
	memset(u, 0, sizeof *u);
	u->representations_received = -1;
	u->interim_answered = -1;
}

/* The concern with its subject, people, linked reference and soonest open
 * deadline: the columns, the joins after "FROM concerns c", and both. */
#define CONCERN_FIELDS                                                                             \
	"c.id, c.ref, c.year, c.seq, c.performer_id, p.name, p.profession, p.list_status,"         \
	" p.suspended, c.source, c.category, c.summary, c.reporter, c.received, c.state,"          \
	" c.consequence, c.likelihood, c.score, c.band, COALESCE(c.case_manager_id, 0),"           \
	" COALESCE(cm.username, ''), COALESCE(c.investigator_id, 0), COALESCE(inv.username, ''),"  \
	" COALESCE(c.linked_id, 0), COALESCE(l.ref, ''), c.was_panel_referred, c.notice_sent,"     \
	" c.notice_allegation, c.notice_proposed_action, c.notice_grounds,"                        \
	" c.representations_received, c.hearing_requested, c.hearing_date, c.outcome,"             \
	" c.decision_notice_sent, c.interim_answered,"                                             \
	" COALESCE((SELECT MIN(d.due) FROM concern_deadlines d"                                    \
	"   WHERE d.concern_id = c.id AND d.met = ''), ''),"                                       \
	" c.created_at, c.updated_at, c.version, c.updated_by"
#define CONCERN_JOINS                                                                              \
	" JOIN performers p ON p.id = c.performer_id"                                              \
	" LEFT JOIN users cm ON cm.id = c.case_manager_id"                                         \
	" LEFT JOIN users inv ON inv.id = c.investigator_id"                                       \
	" LEFT JOIN concerns l ON l.id = c.linked_id"
#define CONCERN_COLUMNS CONCERN_FIELDS " FROM concerns c" CONCERN_JOINS

static struct concern_record *concern_from_row(sqlite3_stmt *st)
{
	struct concern_record *c = xcalloc(1, sizeof *c);
	int i = 0;
	c->id = sqlite3_column_int64(st, i++);
	c->ref = db_column_strdup(st, i++);
	c->year = sqlite3_column_int(st, i++);
	c->seq = sqlite3_column_int(st, i++);
	c->performer_id = sqlite3_column_int64(st, i++);
	c->performer_name = db_column_strdup(st, i++);
	c->profession = db_column_strdup(st, i++);
	c->list_status = db_column_strdup(st, i++);
	c->suspended = sqlite3_column_int(st, i++);
	c->source = db_column_strdup(st, i++);
	c->category = db_column_strdup(st, i++);
	c->summary = db_column_strdup(st, i++);
	c->reporter = db_column_strdup(st, i++);
	c->received = db_column_strdup(st, i++);
	c->state = db_column_strdup(st, i++);
	c->consequence = sqlite3_column_int(st, i++);
	c->likelihood = sqlite3_column_int(st, i++);
	c->score = sqlite3_column_int(st, i++);
	c->band = db_column_strdup(st, i++);
	c->case_manager_id = sqlite3_column_int64(st, i++);
	c->case_manager = db_column_strdup(st, i++);
	c->investigator_id = sqlite3_column_int64(st, i++);
	c->investigator = db_column_strdup(st, i++);
	c->linked_id = sqlite3_column_int64(st, i++);
	c->linked_ref = db_column_strdup(st, i++);
	c->was_panel_referred = sqlite3_column_int(st, i++);
	c->notice_sent = db_column_strdup(st, i++);
	c->notice_allegation = db_column_strdup(st, i++);
	c->notice_proposed_action = db_column_strdup(st, i++);
	c->notice_grounds = db_column_strdup(st, i++);
	c->representations_received = sqlite3_column_int(st, i++);
	c->hearing_requested = db_column_strdup(st, i++);
	c->hearing_date = db_column_strdup(st, i++);
	c->outcome = db_column_strdup(st, i++);
	c->decision_notice_sent = db_column_strdup(st, i++);
	c->interim_answered = sqlite3_column_int(st, i++);
	c->next_due = db_column_strdup(st, i++);
	c->created_at = sqlite3_column_int64(st, i++);
	c->updated_at = sqlite3_column_int64(st, i++);
	c->version = sqlite3_column_int64(st, i++);
	c->updated_by = db_column_strdup(st, i++);
	return c;
}

static int concern_rows(struct db *db, sqlite3_stmt *st, struct concern_record ***out, size_t *n,
			char **cause)
{
	struct concern_record **v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count++] = concern_from_row(st);
	}
	if (rc != SQLITE_DONE) {
		concern_records_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static int concern_one(struct db *db, sqlite3_stmt *st, struct concern_record **out, char **cause)
{
	struct concern_record **v = NULL;
	size_t n = 0;
	int status = concern_rows(db, st, &v, &n, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	if (n == 0) {
		free(v);
		return ASSURE__CODE__NOT_FOUND;
	}
	*out = v[0];
	for (size_t i = 1; i < n; i++)
		concern_record_free(v[i]);
	free(v);
	return ASSURE__CODE__OK;
}

/* ---- insert, get, update ------------------------------------------------------ */

static const char sql_max_seq[] = "SELECT COALESCE(MAX(seq), 0) FROM concerns WHERE year = ?";

/* One statement reads the year's highest sequence and inserts the next, so
 * the number cannot be taken between the two; UNIQUE (year, seq) is the
 * backstop. */
static const char sql_insert[] =
    "INSERT INTO concerns (ref, year, seq, performer_id, source, category, summary, reporter,"
    " received, state, linked_id, created_at, updated_at, updated_by)"
    " SELECT printf('CON-%04d-%04d', ?1, n.s), ?1, n.s, ?2, ?3, ?4, ?5, ?6, ?7, 'received',"
    " NULLIF(?8, 0), ?9, ?9, ?10"
    " FROM (SELECT COALESCE(MAX(seq), 0) + 1 AS s FROM concerns WHERE year = ?1) AS n"
    " RETURNING id, ref";

int store_concern_insert(struct db *db, const struct concern_new *in, int64_t now_ms,
			 const char *by, int64_t *id, char **ref, char **cause)
{
	int32_t day;
	char *why = NULL;
	if (domain_date_parse("received", in->received, &day, &why) < 0) {
		*cause = why;
		return ASSURE__CODE__INVALID_ARGUMENT;
	}
	int year;
	domain_date_to_ymd(day, &year, NULL, NULL);

	sqlite3_stmt *st = db_stmt(db, sql_max_seq, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int(st, 1, year);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	int64_t max = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (max >= 9999) {
		*cause = xasprintf("all 9999 concern references for %d are taken", year);
		return ASSURE__CODE__RESOURCE_EXHAUSTED;
	}

	st = db_stmt(db, sql_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int(st, 1, year);
	sqlite3_bind_int64(st, 2, in->performer_id);
	sqlite3_bind_text(st, 3, or_empty(in->source), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, or_empty(in->category), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, or_empty(in->summary), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, or_empty(in->reporter), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, in->received, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 8, in->linked_id);
	sqlite3_bind_int64(st, 9, now_ms);
	sqlite3_bind_text(st, 10, or_empty(by), -1, SQLITE_STATIC);
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
	if (id)
		*id = new_id;
	if (ref)
		*ref = new_ref;
	else
		free(new_ref);
	return ASSURE__CODE__OK;
}

static const char sql_get_by_ref[] = "SELECT " CONCERN_COLUMNS " WHERE c.ref = ?";

int store_concern_get_by_ref(struct db *db, const char *ref, struct concern_record **out,
			     char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_get_by_ref, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	return concern_one(db, st, out, cause);
}

static const char sql_get[] = "SELECT " CONCERN_COLUMNS " WHERE c.id = ?";

int store_concern_get(struct db *db, int64_t id, struct concern_record **out, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_get, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return concern_one(db, st, out, cause);
}

/* NULL (text) and negative (flags) parameters leave a column as it is. */
static const char sql_update[] =
    "UPDATE concerns SET state = COALESCE(?1, state),"
    " was_panel_referred = MAX(was_panel_referred, ?2),"
    " notice_sent = COALESCE(?3, notice_sent),"
    " notice_allegation = COALESCE(?4, notice_allegation),"
    " notice_proposed_action = COALESCE(?5, notice_proposed_action),"
    " notice_grounds = COALESCE(?6, notice_grounds),"
    " representations_received = CASE WHEN ?7 < 0 THEN representations_received ELSE ?7 END,"
    " hearing_requested = COALESCE(?8, hearing_requested),"
    " hearing_date = COALESCE(?9, hearing_date),"
    " outcome = COALESCE(?10, outcome),"
    " decision_notice_sent = COALESCE(?11, decision_notice_sent),"
    " interim_answered = CASE WHEN ?12 < 0 THEN interim_answered ELSE ?12 END,"
    " updated_at = ?13, updated_by = ?14, version = version + 1"
    " WHERE id = ?15 AND (?16 = 0 OR version = ?16)"
    " RETURNING version, updated_at, updated_by";

static const char sql_stamp[] = "SELECT version, updated_at, updated_by FROM concerns WHERE id = ?";

static void bind_opt_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

static int flag_param(int v)
{
	return v < 0 ? -1 : v != 0;
}

int store_concern_update(struct db *db, int64_t id, int64_t expected_version,
			 const struct concern_update *u, int64_t now_ms, const char *by,
			 struct db_stamp *stamp, char **cause)
{
	struct concern_update none;
	if (u == NULL) {
		concern_update_init(&none);
		u = &none;
	}
	sqlite3_stmt *st = db_stmt(db, sql_update, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_opt_text(st, 1, u->state);
	sqlite3_bind_int(st, 2, u->mark_panel_referred > 0);
	bind_opt_text(st, 3, u->notice_sent);
	bind_opt_text(st, 4, u->notice_allegation);
	bind_opt_text(st, 5, u->notice_proposed_action);
	bind_opt_text(st, 6, u->notice_grounds);
	sqlite3_bind_int(st, 7, flag_param(u->representations_received));
	bind_opt_text(st, 8, u->hearing_requested);
	bind_opt_text(st, 9, u->hearing_date);
	bind_opt_text(st, 10, u->outcome);
	bind_opt_text(st, 11, u->decision_notice_sent);
	sqlite3_bind_int(st, 12, flag_param(u->interim_answered));
	sqlite3_bind_int64(st, 13, now_ms);
	sqlite3_bind_text(st, 14, or_empty(by), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 15, id);
	sqlite3_bind_int64(st, 16, expected_version);
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

	/* Nothing updated: no such concern, or a stale version. */
	st = db_stmt(db, sql_stamp, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	status = db_read_stamp(db, st, &s, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	*cause = xasprintf("the concern was changed by %s (now version %lld; expected %lld)",
			   s.updated_by[0] ? s.updated_by : "someone", (long long)s.version,
			   (long long)expected_version);
	if (stamp)
		*stamp = s;
	else
		db_stamp_clear(&s);
	return ASSURE__CODE__ABORTED;
}

/* ---- lists ------------------------------------------------------------------------ */

/* The filters every list variant applies; ?1 after_id ... ?8 overdue_before,
 * ?9 the limit. */
#define CONCERN_WHERE                                                                              \
	" c.id > ?1 AND (?2 = '' OR c.state = ?2) AND (?3 = 0 OR c.performer_id = ?3)"             \
	" AND (?4 = '' OR c.band = ?4)"                                                            \
	" AND (?5 = 0 OR c.case_manager_id = ?5 OR c.investigator_id = ?5)"                        \
	" AND (?6 = 0 OR c.investigator_id = ?6) AND (?7 = 0 OR c.was_panel_referred = 1)"         \
	" AND (?8 = '' OR EXISTS (SELECT 1 FROM concern_deadlines d2 WHERE d2.concern_id = c.id"   \
	"   AND d2.met = '' AND d2.due < ?8))"
#define CONCERN_FILTERS CONCERN_WHERE " ORDER BY c.id LIMIT ?9"

/*
 * The same query led by the most selective filter given, so SQLite walks
 * that filter's index in id order and stops at the limit, instead of
 * walking every concern or sorting every match (the generic form alone
 * would defeat the indexes). Each plan is checked by test_store_concern
 * (store_concern_list_sql and db_explain):
 *
 * - performer, investigator, state, band: "SEARCH c USING INDEX
 *   concerns_<filter> (<filter>=? AND id>?)".
 * - user ("mine": case manager or investigator): an OR of two columns
 *   would be a MULTI-INDEX OR, then a sort of the user's whole caseload
 *   before the limit. As a UNION of the two index walks with ORDER BY it
 *   is a MERGE of two id-ordered co-routines, which stops at the limit; a
 *   concern with the user in both roles is one row, as before.
 * - overdue: led by the open deadlines in concern order
 *   (concern_deadlines_open_concern, migration 8), grouped by concern, so
 *   a page costs the open deadlines it passes rather than a probe of
 *   every older concern.
 */
static const char sql_list_any[] = "SELECT " CONCERN_COLUMNS " WHERE" CONCERN_FILTERS;
static const char sql_list_performer[] =
    "SELECT " CONCERN_COLUMNS " WHERE c.performer_id = ?3 AND" CONCERN_FILTERS;
static const char sql_list_investigator[] =
    "SELECT " CONCERN_COLUMNS " WHERE c.investigator_id = ?6 AND" CONCERN_FILTERS;
static const char sql_list_user[] =
    "SELECT " CONCERN_COLUMNS " WHERE c.case_manager_id = ?5 AND" CONCERN_WHERE
    " UNION SELECT " CONCERN_COLUMNS " WHERE c.investigator_id = ?5 AND" CONCERN_WHERE
    " ORDER BY 1 LIMIT ?9";
static const char sql_list_overdue[] =
    "SELECT " CONCERN_FIELDS
    " FROM concern_deadlines o JOIN concerns c ON c.id = o.concern_id" CONCERN_JOINS
    " WHERE o.met = '' AND o.due < ?8 AND o.concern_id > ?1 AND" CONCERN_WHERE
    " GROUP BY o.concern_id ORDER BY o.concern_id LIMIT ?9";
static const char sql_list_state[] =
    "SELECT " CONCERN_COLUMNS " WHERE c.state = ?2 AND" CONCERN_FILTERS;
static const char sql_list_band[] =
    "SELECT " CONCERN_COLUMNS " WHERE c.band = ?4 AND" CONCERN_FILTERS;

const char *store_concern_list_sql(const struct concern_filter *f)
{
	if (f->performer_id)
		return sql_list_performer;
	if (f->investigator_id)
		return sql_list_investigator;
	if (f->user_id)
		return sql_list_user;
	if (f->overdue_before && f->overdue_before[0])
		return sql_list_overdue;
	if (f->state && f->state[0])
		return sql_list_state;
	if (f->band && f->band[0])
		return sql_list_band;
	return sql_list_any;
}

int store_concern_list(struct db *db, const struct concern_filter *f, struct concern_record ***out,
		       size_t *n, char **cause)
{
	const char *state = or_empty(f->state), *band = or_empty(f->band);
	sqlite3_stmt *st = db_stmt(db, store_concern_list_sql(f), cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, f->after_id);
	sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, f->performer_id);
	sqlite3_bind_text(st, 4, band, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, f->user_id);
	sqlite3_bind_int64(st, 6, f->investigator_id);
	sqlite3_bind_int(st, 7, f->panel_referred_only != 0);
	sqlite3_bind_text(st, 8, or_empty(f->overdue_before), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 9, f->limit);
	return concern_rows(db, st, out, n, cause);
}

static const char sql_appeal_expired[] =
    "SELECT " CONCERN_COLUMNS " WHERE c.state = 'appeal-window'"
    " AND NOT EXISTS (SELECT 1 FROM concern_deadlines d2 WHERE d2.concern_id = c.id"
    "   AND d2.kind = 'appeal' AND d2.met = '' AND d2.due >= ?1)"
    " AND c.id > ?3 ORDER BY c.id LIMIT ?2";

int store_concern_appeal_window_expired_after(struct db *db, const char *today, int64_t after_id,
					      unsigned limit, struct concern_record ***out,
					      size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_appeal_expired, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, today, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, limit);
	sqlite3_bind_int64(st, 3, after_id);
	return concern_rows(db, st, out, n, cause);
}

int store_concern_appeal_window_expired(struct db *db, const char *today, unsigned limit,
					struct concern_record ***out, size_t *n, char **cause)
{
	return store_concern_appeal_window_expired_after(db, today, 0, limit, out, n, cause);
}

/* ---- grades ------------------------------------------------------------------------ */

void concern_grades_free(struct concern_grade_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].band);
		free(v[i].reason);
		free(v[i].by);
	}
	free(v);
}

static const char sql_grade_current[] =
    "UPDATE concerns SET consequence = ?, likelihood = ?, score = ?, band = ? WHERE id = ?";
static const char sql_grade_add[] =
    "INSERT INTO concern_grades (concern_id, consequence, likelihood, score, band, reason, at,"
    " by_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";

int store_concern_grade_add(struct db *db, int64_t concern_id, int consequence, int likelihood,
			    const char *reason, const struct grade_bands *bands, int64_t now_ms,
			    const char *by, struct concern_grade_record **out, char **cause)
{
	int score;
	char *why = NULL;
	if (domain_grade_score(consequence, likelihood, &score, &why) < 0) {
		*cause = why;
		return ASSURE__CODE__INVALID_ARGUMENT;
	}
	const char *band = domain_grade_band_name(domain_grade_band(bands, score));

	sqlite3_stmt *st = db_stmt(db, sql_grade_current, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int(st, 1, consequence);
	sqlite3_bind_int(st, 2, likelihood);
	sqlite3_bind_int(st, 3, score);
	sqlite3_bind_text(st, 4, band, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, concern_id);
	int status = db_step_done(db, st, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	if (db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;

	st = db_stmt(db, sql_grade_add, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	sqlite3_bind_int(st, 2, consequence);
	sqlite3_bind_int(st, 3, likelihood);
	sqlite3_bind_int(st, 4, score);
	sqlite3_bind_text(st, 5, band, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, or_empty(reason), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, now_ms);
	sqlite3_bind_text(st, 8, or_empty(by), -1, SQLITE_STATIC);
	status = db_step_done(db, st, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	if (out) {
		struct concern_grade_record *g = xcalloc(1, sizeof *g);
		g->id = db_last_insert_id(db);
		g->consequence = consequence;
		g->likelihood = likelihood;
		g->score = score;
		g->band = xstrdup(band);
		g->reason = xstrdup(or_empty(reason));
		g->at = now_ms;
		g->by = xstrdup(or_empty(by));
		*out = g;
	}
	return ASSURE__CODE__OK;
}

static const char sql_grades[] =
    "SELECT id, consequence, likelihood, score, band, reason, at, by_user FROM concern_grades"
    " WHERE concern_id = ? ORDER BY id";

int store_concern_grades(struct db *db, int64_t concern_id, struct concern_grade_record **out,
			 size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_grades, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	struct concern_grade_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct concern_grade_record *g = &v[count++];
		g->id = sqlite3_column_int64(st, 0);
		g->consequence = sqlite3_column_int(st, 1);
		g->likelihood = sqlite3_column_int(st, 2);
		g->score = sqlite3_column_int(st, 3);
		g->band = db_column_strdup(st, 4);
		g->reason = db_column_strdup(st, 5);
		g->at = sqlite3_column_int64(st, 6);
		g->by = db_column_strdup(st, 7);
	}
	if (rc != SQLITE_DONE) {
		concern_grades_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

/* ---- people ------------------------------------------------------------------------ */

const char *store_concern_person_role_name(enum concern_person_role r)
{
	switch (r) {
	case CONCERN_PERSON_CASE_MANAGER:
		return "case-manager";
	case CONCERN_PERSON_INVESTIGATOR:
		return "investigator";
	case CONCERN_PERSON_PANEL:
		return "panel";
	}
	return "?";
}

static const char sql_current_case_manager[] =
    "SELECT COALESCE(case_manager_id, 0) FROM concerns WHERE id = ?";
static const char sql_current_investigator[] =
    "SELECT COALESCE(investigator_id, 0) FROM concerns WHERE id = ?";
static const char sql_set_case_manager[] =
    "UPDATE concerns SET case_manager_id = NULLIF(?, 0) WHERE id = ?";
static const char sql_set_investigator[] =
    "UPDATE concerns SET investigator_id = NULLIF(?, 0) WHERE id = ?";
static const char sql_person_end[] =
    "UPDATE concern_people SET to_at = ?1 WHERE concern_id = ?2 AND role = ?3 AND to_at IS NULL";
static const char sql_person_add[] =
    "INSERT INTO concern_people (concern_id, user_id, role, from_at, to_at, by_user)"
    " VALUES (?, ?, ?, ?, ?, ?)";

static int person_add(struct db *db, int64_t concern_id, int64_t user_id, const char *role,
		      int64_t now_ms, int ended, const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_person_add, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	sqlite3_bind_int64(st, 2, user_id);
	sqlite3_bind_text(st, 3, role, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now_ms);
	if (ended)
		sqlite3_bind_int64(st, 5, now_ms);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_text(st, 6, or_empty(by), -1, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

int store_concern_assign(struct db *db, int64_t concern_id, enum concern_person_role role,
			 int64_t user_id, int64_t now_ms, const char *by, char **cause)
{
	if (role != CONCERN_PERSON_CASE_MANAGER && role != CONCERN_PERSON_INVESTIGATOR) {
		*cause = xasprintf("only a case manager or investigator is assigned");
		return ASSURE__CODE__INVALID_ARGUMENT;
	}
	if (user_id < 0)
		user_id = 0;
	int cm = role == CONCERN_PERSON_CASE_MANAGER;
	sqlite3_stmt *st =
	    db_stmt(db, cm ? sql_current_case_manager : sql_current_investigator, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ASSURE__CODE__NOT_FOUND;
	}
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	int64_t current = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (current == user_id)
		return ASSURE__CODE__OK;

	st = db_stmt(db, cm ? sql_set_case_manager : sql_set_investigator, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_int64(st, 2, concern_id);
	int status = db_step_done(db, st, cause);
	if (status != ASSURE__CODE__OK)
		return status;

	const char *name = store_concern_person_role_name(role);
	st = db_stmt(db, sql_person_end, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int64(st, 2, concern_id);
	sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
	status = db_step_done(db, st, cause);
	if (status != ASSURE__CODE__OK || user_id == 0)
		return status;
	return person_add(db, concern_id, user_id, name, now_ms, 0, by, cause);
}

int store_concern_panel_add(struct db *db, int64_t concern_id, const int64_t *user_ids, size_t n,
			    int64_t now_ms, const char *by, char **cause)
{
	for (size_t i = 0; i < n; i++) {
		int status = person_add(db, concern_id, user_ids[i], "panel", now_ms, 1, by, cause);
		if (status != ASSURE__CODE__OK)
			return status;
	}
	return ASSURE__CODE__OK;
}

/* The current columns too, in case a row predates its history. */
static const char sql_people_former[] =
    "SELECT user_id FROM concern_people WHERE concern_id = ?1 AND role <> 'panel'"
    " UNION SELECT case_manager_id FROM concerns WHERE id = ?1 AND case_manager_id IS NOT NULL"
    " UNION SELECT investigator_id FROM concerns WHERE id = ?1 AND investigator_id IS NOT NULL"
    " ORDER BY 1";
static const char sql_people_panel[] =
    "SELECT DISTINCT user_id FROM concern_people WHERE concern_id = ? AND role = 'panel'"
    " ORDER BY 1";

static int id_column(struct db *db, sqlite3_stmt *st, int64_t **out, size_t *n, char **cause)
{
	int64_t *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count++] = sqlite3_column_int64(st, 0);
	}
	if (rc != SQLITE_DONE) {
		free(v);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

int store_concern_people(struct db *db, int64_t concern_id, int64_t **former, size_t *n_former,
			 int64_t **panel, size_t *n_panel, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_people_former, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	int64_t *f = NULL;
	size_t nf = 0;
	int status = id_column(db, st, &f, &nf, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	st = db_stmt(db, sql_people_panel, cause);
	if (st == NULL) {
		free(f);
		return ASSURE__CODE__INTERNAL;
	}
	sqlite3_bind_int64(st, 1, concern_id);
	int64_t *p = NULL;
	size_t np = 0;
	status = id_column(db, st, &p, &np, cause);
	if (status != ASSURE__CODE__OK) {
		free(f);
		return status;
	}
	*former = f;
	*n_former = nf;
	*panel = p;
	*n_panel = np;
	return ASSURE__CODE__OK;
}

void concern_people_free(struct concern_person_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].username);
		free(v[i].role);
		free(v[i].by);
	}
	free(v);
}

static const char sql_people_history[] =
    "SELECT cp.user_id, COALESCE(u.username, ''), cp.role, cp.from_at, COALESCE(cp.to_at, 0),"
    " cp.by_user FROM concern_people cp LEFT JOIN users u ON u.id = cp.user_id"
    " WHERE cp.concern_id = ? ORDER BY cp.id";

int store_concern_people_history(struct db *db, int64_t concern_id,
				 struct concern_person_record **out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_people_history, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	struct concern_person_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct concern_person_record *p = &v[count++];
		p->user_id = sqlite3_column_int64(st, 0);
		p->username = db_column_strdup(st, 1);
		p->role = db_column_strdup(st, 2);
		p->from_at = sqlite3_column_int64(st, 3);
		p->to_at = sqlite3_column_int64(st, 4);
		p->by = db_column_strdup(st, 5);
	}
	if (rc != SQLITE_DONE) {
		concern_people_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}
