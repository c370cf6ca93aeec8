/*
 * A concern's side records in SQLite: the timeline, deadlines (and the due
 * list across concerns), referrals, notes, evidence, the action plan and
 * decisions. The concern row itself is in store_concern.c; contracts in
 * store_concern.h. None of these writers touch the concern's version.
 *
 * Same threading and statement rules as store_concern.c: writers on the
 * writer thread inside its transaction; one cached statement at a time.
 */
#include "store_concern.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "domain_dates.h"
#include "xmalloc.h"

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
	sqlite3_bind_text(st, i, or_empty(s), -1, SQLITE_STATIC);
}

/* Runs an INSERT and gives its row id. */
static int insert_done(struct db *db, sqlite3_stmt *st, int64_t *id, char **cause)
{
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && id)
		*id = db_last_insert_id(db);
	return status;
}

/*
 * Collects every row of st into an array of elem_size structs filled by
 * fill; on failure frees what was filled with free_rows. Finishes st.
 */
typedef void (*fill_fn)(sqlite3_stmt *st, void *row);
typedef void (*free_rows_fn)(void *v, size_t n);

static int collect(struct db *db, sqlite3_stmt *st, size_t elem_size, fill_fn fill,
		   free_rows_fn free_rows, void **out, size_t *n, char **cause)
{
	char *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * elem_size);
		memset(v + count * elem_size, 0, elem_size);
		fill(st, v + count * elem_size);
		count++;
	}
	if (rc != SQLITE_DONE) {
		free_rows(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

/* ---- timeline --------------------------------------------------------------------- */

void concern_events_free(struct concern_event_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].by);
		free(v[i].kind);
		free(v[i].from_state);
		free(v[i].to_state);
		free(v[i].text);
		free(v[i].date);
		free(v[i].detail);
	}
	free(v);
}

static const char sql_event_add[] =
    "INSERT INTO concern_events (concern_id, at, by_user, kind, from_state, to_state, text,"
    " date, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";

int store_concern_event_add(struct db *db, int64_t concern_id, const struct concern_event_record *e,
			    int64_t *id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_event_add, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	sqlite3_bind_int64(st, 2, e->at);
	bind_text(st, 3, e->by);
	bind_text(st, 4, e->kind);
	bind_text(st, 5, e->from_state);
	bind_text(st, 6, e->to_state);
	bind_text(st, 7, e->text);
	bind_text(st, 8, e->date);
	bind_text(st, 9, e->detail);
	return insert_done(db, st, id, cause);
}

static const char sql_events[] =
    "SELECT id, at, by_user, kind, from_state, to_state, text, date, detail FROM concern_events"
    " WHERE concern_id = ? ORDER BY id";

static void event_fill(sqlite3_stmt *st, void *row)
{
	struct concern_event_record *e = row;
	e->id = sqlite3_column_int64(st, 0);
	e->at = sqlite3_column_int64(st, 1);
	e->by = db_column_strdup(st, 2);
	e->kind = db_column_strdup(st, 3);
	e->from_state = db_column_strdup(st, 4);
	e->to_state = db_column_strdup(st, 5);
	e->text = db_column_strdup(st, 6);
	e->date = db_column_strdup(st, 7);
	e->detail = db_column_strdup(st, 8);
}

static void events_free_any(void *v, size_t n)
{
	concern_events_free(v, n);
}

int store_concern_events(struct db *db, int64_t concern_id, struct concern_event_record **out,
			 size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_events, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	void *v = NULL;
	int status = collect(db, st, sizeof **out, event_fill, events_free_any, &v, n, cause);
	if (status == ASSURE__CODE__OK)
		*out = v;
	return status;
}

/* ---- deadlines ------------------------------------------------------------------- */

void concern_deadlines_free(struct concern_deadline_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].concern_ref);
		free(v[i].kind);
		free(v[i].start);
		free(v[i].due);
		free(v[i].basis);
		free(v[i].met);
		free(v[i].performer_name);
		free(v[i].state);
	}
	free(v);
}

static const char sql_deadline_add[] =
    "INSERT INTO concern_deadlines (concern_id, kind, start, due, basis, action_number)"
    " VALUES (?, ?, ?, ?, ?, NULLIF(?, 0))";

int store_concern_deadline_add(struct db *db, int64_t concern_id, const struct concern_deadline *d,
			       int action_number, int64_t *id, char **cause)
{
	if (d->kind == CONCERN_CLOCK_NONE || d->kind >= CONCERN_CLOCK__COUNT ||
	    d->start == DOMAIN_DATE_NONE || d->due == DOMAIN_DATE_NONE) {
		*cause = xasprintf("a deadline needs a kind, a start and a due date");
		return ASSURE__CODE__INVALID_ARGUMENT;
	}
	char start[DOMAIN_DATE_BUFSZ], due[DOMAIN_DATE_BUFSZ], basis[32] = "";
	domain_date_format(d->start, start);
	domain_date_format(d->due, due);
	if (d->basis.count > 0)
		domain_period_describe(d->basis, basis, sizeof basis);
	sqlite3_stmt *st = db_stmt(db, sql_deadline_add, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	bind_text(st, 2, domain_concern_clock_name(d->kind));
	bind_text(st, 3, start);
	bind_text(st, 4, due);
	bind_text(st, 5, basis);
	sqlite3_bind_int(st, 6, action_number > 0 ? action_number : 0);
	/* The buffers are on this stack frame: step before returning. */
	return insert_done(db, st, id, cause);
}

#define DEADLINE_COLUMNS                                                                           \
	"d.id, d.concern_id, c.ref, d.kind, d.start, d.due, d.basis, d.met, d.cancelled,"          \
	" COALESCE(d.action_number, 0), p.name, c.state"                                           \
	" FROM concern_deadlines d JOIN concerns c ON c.id = d.concern_id"                         \
	" JOIN performers p ON p.id = c.performer_id"

static void deadline_fill(sqlite3_stmt *st, void *row)
{
	struct concern_deadline_record *d = row;
	d->id = sqlite3_column_int64(st, 0);
	d->concern_id = sqlite3_column_int64(st, 1);
	d->concern_ref = db_column_strdup(st, 2);
	d->kind = db_column_strdup(st, 3);
	d->start = db_column_strdup(st, 4);
	d->due = db_column_strdup(st, 5);
	d->basis = db_column_strdup(st, 6);
	d->met = db_column_strdup(st, 7);
	d->cancelled = sqlite3_column_int(st, 8);
	d->action_number = sqlite3_column_int(st, 9);
	d->performer_name = db_column_strdup(st, 10);
	d->state = db_column_strdup(st, 11);
}

static void deadlines_free_any(void *v, size_t n)
{
	concern_deadlines_free(v, n);
}

static const char sql_deadlines[] =
    "SELECT " DEADLINE_COLUMNS " WHERE d.concern_id = ?1 AND (?2 = 0 OR d.met = '')"
    " ORDER BY d.due, d.id";

int store_concern_deadlines(struct db *db, int64_t concern_id, int open_only,
			    struct concern_deadline_record **out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_deadlines, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	sqlite3_bind_int(st, 2, open_only != 0);
	void *v = NULL;
	int status = collect(db, st, sizeof **out, deadline_fill, deadlines_free_any, &v, n, cause);
	if (status == ASSURE__CODE__OK)
		*out = v;
	return status;
}

/* Walks the partial index of open deadlines, concern_deadlines_open (due,
 * id), from the keyset (?6, ?7): "SEARCH d USING INDEX
 * concern_deadlines_open", no sort, so a page costs its rows (and any it
 * passes over for the caller's scope), not every deadline due. */
static const char sql_deadlines_due[] =
    "SELECT " DEADLINE_COLUMNS " WHERE d.met = '' AND d.due <= ?1 AND (d.due, d.id) > (?6, ?7)"
    " AND c.state <> 'closed'"
    " AND (?2 = 0 OR c.case_manager_id = ?2 OR c.investigator_id = ?2)"
    " AND (?3 = 0 OR c.investigator_id = ?3) AND (?4 = 0 OR c.was_panel_referred = 1)"
    " ORDER BY d.due, d.id LIMIT ?5";

const char *store_concern_deadlines_due_sql(void)
{
	return sql_deadlines_due;
}

int store_concern_deadlines_due(struct db *db, const struct concern_due_filter *f,
				struct concern_deadline_record **out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_deadlines_due, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_text(st, 1, f->due_by);
	sqlite3_bind_int64(st, 2, f->user_id);
	sqlite3_bind_int64(st, 3, f->investigator_id);
	sqlite3_bind_int(st, 4, f->panel_referred_only != 0);
	sqlite3_bind_int64(st, 5, f->limit);
	bind_text(st, 6, f->after_due);
	sqlite3_bind_int64(st, 7, f->after_id);
	void *v = NULL;
	int status = collect(db, st, sizeof **out, deadline_fill, deadlines_free_any, &v, n, cause);
	if (status == ASSURE__CODE__OK)
		*out = v;
	return status;
}

static int need_date(const char *date, char **cause)
{
	if (date == NULL || date[0] == '\0') {
		*cause = xasprintf("a date is required");
		return ASSURE__CODE__INVALID_ARGUMENT;
	}
	return ASSURE__CODE__OK;
}

static const char sql_deadline_met[] =
    "UPDATE concern_deadlines SET met = ? WHERE id = ? AND concern_id = ? AND met = ''";

int store_concern_deadline_met(struct db *db, int64_t concern_id, int64_t deadline_id,
			       const char *date, char **cause)
{
	int status = need_date(date, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	sqlite3_stmt *st = db_stmt(db, sql_deadline_met, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_text(st, 1, date);
	sqlite3_bind_int64(st, 2, deadline_id);
	sqlite3_bind_int64(st, 3, concern_id);
	status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

static const char sql_deadlines_close[] =
    "UPDATE concern_deadlines SET met = ?1, cancelled = ?2"
    " WHERE concern_id = ?3 AND met = '' AND (?4 IS NULL OR kind = ?4)";

int store_concern_deadlines_close(struct db *db, int64_t concern_id, const char *kind,
				  const char *date, int cancelled, int *count, char **cause)
{
	int status = need_date(date, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	sqlite3_stmt *st = db_stmt(db, sql_deadlines_close, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_text(st, 1, date);
	sqlite3_bind_int(st, 2, cancelled != 0);
	sqlite3_bind_int64(st, 3, concern_id);
	if (kind)
		sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && count)
		*count = db_changes(db);
	return status;
}

/* ---- referrals ------------------------------------------------------------------- */

void concern_referrals_free(struct concern_referral_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].body);
		free(v[i].date);
		free(v[i].rationale);
		free(v[i].their_ref);
		free(v[i].response);
		free(v[i].by);
		free(v[i].updated_by);
	}
	free(v);
}

static const char sql_referral_add[] =
    "INSERT INTO concern_referrals (concern_id, body, date, rationale, their_ref, response, at,"
    " by_user, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?7, ?8)";

int store_concern_referral_add(struct db *db, int64_t concern_id,
			       const struct concern_referral_record *r, int64_t now_ms,
			       const char *by, int64_t *id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_referral_add, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	bind_text(st, 2, r->body);
	bind_text(st, 3, r->date);
	bind_text(st, 4, r->rationale);
	bind_text(st, 5, r->their_ref);
	bind_text(st, 6, r->response);
	sqlite3_bind_int64(st, 7, now_ms);
	bind_text(st, 8, by);
	return insert_done(db, st, id, cause);
}

static const char sql_referral_update[] =
    "UPDATE concern_referrals SET their_ref = COALESCE(?1, their_ref),"
    " response = COALESCE(?2, response), updated_at = ?3, updated_by = ?4"
    " WHERE id = ?5 AND concern_id = ?6";

int store_concern_referral_update(struct db *db, int64_t concern_id, int64_t referral_id,
				  const char *their_ref, const char *response, int64_t now_ms,
				  const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_referral_update, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	if (their_ref)
		sqlite3_bind_text(st, 1, their_ref, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 1);
	if (response)
		sqlite3_bind_text(st, 2, response, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_int64(st, 3, now_ms);
	bind_text(st, 4, by);
	sqlite3_bind_int64(st, 5, referral_id);
	sqlite3_bind_int64(st, 6, concern_id);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

static const char sql_referrals[] =
    "SELECT id, body, date, rationale, their_ref, response, at, by_user, updated_at,"
    " updated_by FROM concern_referrals WHERE concern_id = ? ORDER BY id";

static void referral_fill(sqlite3_stmt *st, void *row)
{
	struct concern_referral_record *r = row;
	r->id = sqlite3_column_int64(st, 0);
	r->body = db_column_strdup(st, 1);
	r->date = db_column_strdup(st, 2);
	r->rationale = db_column_strdup(st, 3);
	r->their_ref = db_column_strdup(st, 4);
	r->response = db_column_strdup(st, 5);
	r->at = sqlite3_column_int64(st, 6);
	r->by = db_column_strdup(st, 7);
	r->updated_at = sqlite3_column_int64(st, 8);
	r->updated_by = db_column_strdup(st, 9);
}

static void referrals_free_any(void *v, size_t n)
{
	concern_referrals_free(v, n);
}

int store_concern_referrals(struct db *db, int64_t concern_id, struct concern_referral_record **out,
			    size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_referrals, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	void *v = NULL;
	int status = collect(db, st, sizeof **out, referral_fill, referrals_free_any, &v, n, cause);
	if (status == ASSURE__CODE__OK)
		*out = v;
	return status;
}

/* ---- notes ------------------------------------------------------------------------ */

void concern_notes_free(struct concern_note_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].text);
		free(v[i].by);
	}
	free(v);
}

static const char sql_note_add[] =
    "INSERT INTO concern_notes (concern_id, text, at, by_user) VALUES (?, ?, ?, ?)";

int store_concern_note_add(struct db *db, int64_t concern_id, const char *text, int64_t now_ms,
			   const char *by, int64_t *id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_note_add, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	bind_text(st, 2, text);
	sqlite3_bind_int64(st, 3, now_ms);
	bind_text(st, 4, by);
	return insert_done(db, st, id, cause);
}

static const char sql_notes[] =
    "SELECT id, text, at, by_user FROM concern_notes WHERE concern_id = ? ORDER BY id";

static void note_fill(sqlite3_stmt *st, void *row)
{
	struct concern_note_record *r = row;
	r->id = sqlite3_column_int64(st, 0);
	r->text = db_column_strdup(st, 1);
	r->at = sqlite3_column_int64(st, 2);
	r->by = db_column_strdup(st, 3);
}

static void notes_free_any(void *v, size_t n)
{
	concern_notes_free(v, n);
}

int store_concern_notes(struct db *db, int64_t concern_id, struct concern_note_record **out,
			size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_notes, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	void *v = NULL;
	int status = collect(db, st, sizeof **out, note_fill, notes_free_any, &v, n, cause);
	if (status == ASSURE__CODE__OK)
		*out = v;
	return status;
}

/* ---- evidence --------------------------------------------------------------------- */

void concern_evidence_free(struct concern_evidence_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].title);
		free(v[i].location);
		free(v[i].sha256);
		free(v[i].by);
	}
	free(v);
}

static const char sql_evidence_add[] =
    "INSERT INTO concern_evidence (concern_id, title, location, sha256, at, by_user)"
    " VALUES (?, ?, ?, ?, ?, ?)";

int store_concern_evidence_add(struct db *db, int64_t concern_id, const char *title,
			       const char *location, const char *sha256, int64_t now_ms,
			       const char *by, int64_t *id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_evidence_add, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	bind_text(st, 2, title);
	bind_text(st, 3, location);
	bind_text(st, 4, sha256);
	sqlite3_bind_int64(st, 5, now_ms);
	bind_text(st, 6, by);
	return insert_done(db, st, id, cause);
}

static const char sql_evidence[] =
    "SELECT id, title, location, sha256, at, by_user FROM concern_evidence"
    " WHERE concern_id = ? ORDER BY id";

static void evidence_fill(sqlite3_stmt *st, void *row)
{
	struct concern_evidence_record *r = row;
	r->id = sqlite3_column_int64(st, 0);
	r->title = db_column_strdup(st, 1);
	r->location = db_column_strdup(st, 2);
	r->sha256 = db_column_strdup(st, 3);
	r->at = sqlite3_column_int64(st, 4);
	r->by = db_column_strdup(st, 5);
}

static void evidence_free_any(void *v, size_t n)
{
	concern_evidence_free(v, n);
}

int store_concern_evidence(struct db *db, int64_t concern_id, struct concern_evidence_record **out,
			   size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_evidence, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	void *v = NULL;
	int status = collect(db, st, sizeof **out, evidence_fill, evidence_free_any, &v, n, cause);
	if (status == ASSURE__CODE__OK)
		*out = v;
	return status;
}

/* ---- action plan ------------------------------------------------------------------ */

void concern_actions_free(struct concern_action_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].text);
		free(v[i].owner);
		free(v[i].due);
		free(v[i].done);
		free(v[i].by);
		free(v[i].done_by);
	}
	free(v);
}

/* The number is the concern's next, taken in the inserting statement. */
static const char sql_action_add[] =
    "INSERT INTO concern_actions (concern_id, number, text, owner, due, at, by_user)"
    " SELECT ?1, COALESCE(MAX(number), 0) + 1, ?2, ?3, ?4, ?5, ?6 FROM concern_actions"
    " WHERE concern_id = ?1 RETURNING number";

int store_concern_action_add(struct db *db, int64_t concern_id, const char *text, const char *owner,
			     const char *due, int64_t now_ms, const char *by, int *number,
			     char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_action_add, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	bind_text(st, 2, text);
	bind_text(st, 3, owner);
	bind_text(st, 4, due);
	sqlite3_bind_int64(st, 5, now_ms);
	bind_text(st, 6, by);
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

static const char sql_action_state[] =
    "SELECT done FROM concern_actions WHERE concern_id = ? AND number = ?";
static const char sql_action_done[] =
    "UPDATE concern_actions SET done = ?, done_at = ?, done_by = ?"
    " WHERE concern_id = ? AND number = ? AND done = ''";
static const char sql_action_deadline_met[] =
    "UPDATE concern_deadlines SET met = ? WHERE concern_id = ? AND action_number = ?"
    " AND met = ''";

int store_concern_action_done(struct db *db, int64_t concern_id, int number, const char *date,
			      int64_t now_ms, const char *by, char **cause)
{
	int status = need_date(date, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	sqlite3_stmt *st = db_stmt(db, sql_action_state, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	sqlite3_bind_int(st, 2, number);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ASSURE__CODE__NOT_FOUND;
	}
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	char *done = db_column_strdup(st, 0);
	sqlite3_reset(st);
	if (done[0]) {
		*cause = xasprintf("action %d was already done on %s", number, done);
		free(done);
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	free(done);

	st = db_stmt(db, sql_action_done, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_text(st, 1, date);
	sqlite3_bind_int64(st, 2, now_ms);
	bind_text(st, 3, by);
	sqlite3_bind_int64(st, 4, concern_id);
	sqlite3_bind_int(st, 5, number);
	status = db_step_done(db, st, cause);
	if (status != ASSURE__CODE__OK)
		return status;

	st = db_stmt(db, sql_action_deadline_met, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_text(st, 1, date);
	sqlite3_bind_int64(st, 2, concern_id);
	sqlite3_bind_int(st, 3, number);
	return db_step_done(db, st, cause);
}

static const char sql_actions[] =
    "SELECT number, text, owner, due, done, at, by_user, done_at, done_by FROM concern_actions"
    " WHERE concern_id = ? ORDER BY number";

static void action_fill(sqlite3_stmt *st, void *row)
{
	struct concern_action_record *a = row;
	a->number = sqlite3_column_int(st, 0);
	a->text = db_column_strdup(st, 1);
	a->owner = db_column_strdup(st, 2);
	a->due = db_column_strdup(st, 3);
	a->done = db_column_strdup(st, 4);
	a->at = sqlite3_column_int64(st, 5);
	a->by = db_column_strdup(st, 6);
	a->done_at = sqlite3_column_int64(st, 7);
	a->done_by = db_column_strdup(st, 8);
}

static void actions_free_any(void *v, size_t n)
{
	concern_actions_free(v, n);
}

int store_concern_actions(struct db *db, int64_t concern_id, struct concern_action_record **out,
			  size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_actions, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	void *v = NULL;
	int status = collect(db, st, sizeof **out, action_fill, actions_free_any, &v, n, cause);
	if (status == ASSURE__CODE__OK)
		*out = v;
	return status;
}

/* ---- decisions -------------------------------------------------------------------- */

void concern_decisions_free(struct concern_decision_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		struct concern_decision_record *d = &v[i];
		free(d->kind);
		free(d->outcome);
		free(d->rationale);
		for (size_t j = 0; j < d->n_grounds; j++)
			free(d->grounds[j]);
		free(d->grounds);
		free(d->conditions);
		free(d->representations_considered);
		free(d->facts_relied_on);
		for (size_t j = 0; j < d->n_panel; j++)
			free(d->panel[j]);
		free(d->panel);
		free(d->date);
		free(d->detail);
		free(d->status_before);
		free(d->conditions_before);
		free(d->status_after);
		free(d->by);
	}
	free(v);
}

/* Joins items one per line; NULL with *cause when an item is empty or
 * holds a newline (it could not be split again). */
static char *join_lines(const char *what, char *const *items, size_t n, char **cause)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++) {
		if (items[i] == NULL || items[i][0] == '\0' || strchr(items[i], '\n')) {
			*cause = xasprintf("%s: an entry is empty or holds a line break", what);
			return NULL;
		}
		len += strlen(items[i]) + 1;
	}
	char *s = xmalloc(len), *p = s;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			*p++ = '\n';
		size_t l = strlen(items[i]);
		memcpy(p, items[i], l);
		p += l;
	}
	*p = '\0';
	return s;
}

static char **split_lines(const char *s, size_t *n)
{
	char **v = NULL;
	size_t count = 0;
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t l = nl ? (size_t)(nl - s) : strlen(s);
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count] = xmalloc(l + 1);
		memcpy(v[count], s, l);
		v[count][l] = '\0';
		count++;
		s += l;
		if (*s == '\n')
			s++;
	}
	*n = count;
	return v;
}

static const char sql_decision_add[] =
    "INSERT INTO concern_decisions (concern_id, kind, outcome, rationale, grounds, conditions,"
    " representations_considered, facts_relied_on, panel, date, detail, status_before,"
    " status_after, at, by_user, conditions_before)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

int store_concern_decision_add(struct db *db, int64_t concern_id,
			       const struct concern_decision_record *d, int64_t now_ms,
			       const char *by, int64_t *id, char **cause)
{
	char *grounds = join_lines("grounds", d->grounds, d->n_grounds, cause);
	if (grounds == NULL)
		return ASSURE__CODE__INVALID_ARGUMENT;
	char *panel = join_lines("panel", d->panel, d->n_panel, cause);
	if (panel == NULL) {
		free(grounds);
		return ASSURE__CODE__INVALID_ARGUMENT;
	}
	int status = ASSURE__CODE__INTERNAL;
	sqlite3_stmt *st = db_stmt(db, sql_decision_add, cause);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, concern_id);
		bind_text(st, 2, d->kind);
		bind_text(st, 3, d->outcome);
		bind_text(st, 4, d->rationale);
		bind_text(st, 5, grounds);
		bind_text(st, 6, d->conditions);
		bind_text(st, 7, d->representations_considered);
		bind_text(st, 8, d->facts_relied_on);
		bind_text(st, 9, panel);
		bind_text(st, 10, d->date);
		bind_text(st, 11, d->detail);
		bind_text(st, 12, d->status_before);
		bind_text(st, 13, d->status_after);
		sqlite3_bind_int64(st, 14, now_ms);
		bind_text(st, 15, by);
		bind_text(st, 16, d->conditions_before);
		status = insert_done(db, st, id, cause);
	}
	free(grounds);
	free(panel);
	return status;
}

static const char sql_decisions[] =
    "SELECT id, kind, outcome, rationale, grounds, conditions, representations_considered,"
    " facts_relied_on, panel, date, detail, status_before, status_after, at, by_user,"
    " conditions_before FROM concern_decisions WHERE concern_id = ? ORDER BY id";

static void decision_fill(sqlite3_stmt *st, void *row)
{
	struct concern_decision_record *d = row;
	d->id = sqlite3_column_int64(st, 0);
	d->kind = db_column_strdup(st, 1);
	d->outcome = db_column_strdup(st, 2);
	d->rationale = db_column_strdup(st, 3);
	const unsigned char *g = sqlite3_column_text(st, 4);
	d->grounds = split_lines(g ? (const char *)g : "", &d->n_grounds);
	d->conditions = db_column_strdup(st, 5);
	d->representations_considered = db_column_strdup(st, 6);
	d->facts_relied_on = db_column_strdup(st, 7);
	const unsigned char *p = sqlite3_column_text(st, 8);
	d->panel = split_lines(p ? (const char *)p : "", &d->n_panel);
	d->date = db_column_strdup(st, 9);
	d->detail = db_column_strdup(st, 10);
	d->status_before = db_column_strdup(st, 11);
	d->status_after = db_column_strdup(st, 12);
	d->at = sqlite3_column_int64(st, 13);
	d->by = db_column_strdup(st, 14);
	d->conditions_before = db_column_strdup(st, 15);
}

static void decisions_free_any(void *v, size_t n)
{
	concern_decisions_free(v, n);
}

int store_concern_decisions(struct db *db, int64_t concern_id, struct concern_decision_record **out,
			    size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_decisions, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, concern_id);
	void *v = NULL;
	int status = collect(db, st, sizeof **out, decision_fill, decisions_free_any, &v, n, cause);
	if (status == ASSURE__CODE__OK)
		*out = v;
	return status;
}
