/*
 * The concern store against a real SQLite file in a temporary directory,
 * migrated to the latest schema: reference allocation, each function's
 * round trip, version semantics, filters and paging, the due list, the
 * appeal-window job's query, and the schema's refusals (append-only
 * tables, CHECKs, fixed identity).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assure.pb-c.h"
#include "db.h"
#include "domain_concern.h"
#include "domain_dates.h"
#include "store.h"
#include "store_concern.h"
#include "store_performer.h"
#include "xmalloc.h"

#define T0 1767225600000LL /* 2026-01-01T00:00:00Z */

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
	int64_t cm1, cm2, inv1, inv2, pan1, pan2, pan3;
	int64_t gp, pharmacist;
};

static int64_t add_user(struct db *db, const char *name)
{
	int64_t id = 0;
	char *cause = NULL;
	if (store_user_insert(db, name, name, "x", 0, T0, "admin", &id, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		abort();
	}
	return id;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/assure-test-concern-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/a.db", f->dir);
	char *cause = NULL;
	int v = 0;
	if (db_open(f->path, DB_CREATE, &f->db, &cause) < 0 || db_migrate(f->db, &v, &cause) < 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	f->cm1 = add_user(f->db, "cm1");
	f->cm2 = add_user(f->db, "cm2");
	f->inv1 = add_user(f->db, "inv1");
	f->inv2 = add_user(f->db, "inv2");
	f->pan1 = add_user(f->db, "pan1");
	f->pan2 = add_user(f->db, "pan2");
	f->pan3 = add_user(f->db, "pan3");
	if (store_performer_insert(f->db, "gp", "1234567", "Dr Ann Smith", "", "included", T0,
				   "admin", &f->gp, &cause) != 0 ||
	    store_performer_insert(f->db, "pharmacist", "2123456", "Bob Jones", "", "none", T0,
				   "admin", &f->pharmacist, &cause) != 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Opens a concern and returns its id; the reference into ref if given. */
static int64_t open_concern(struct fixture *f, int64_t performer, const char *received, char **ref)
{
	struct concern_new in = {
	    .performer_id = performer,
	    .source = "patient-complaint",
	    .category = "clinical-competence",
	    .summary = "missed diagnosis",
	    .reporter = "Mrs X",
	    .received = received,
	};
	int64_t id = 0;
	char *cause = NULL;
	int st = store_concern_insert(f->db, &in, T0, "cm1", &id, ref, &cause);
	if (st != 0)
		fprintf(stderr, "insert: %s\n", cause ? cause : "?");
	assert_int_equal(st, 0);
	return id;
}

static void set_state(struct fixture *f, int64_t id, const char *state)
{
	struct concern_update u;
	concern_update_init(&u);
	u.state = state;
	char *cause = NULL;
	assert_int_equal(store_concern_update(f->db, id, 0, &u, T0, "cm1", NULL, &cause), 0);
}

static int32_t day(const char *s)
{
	int32_t d;
	char *cause = NULL;
	assert_int_equal(domain_date_parse("test", s, &d, &cause), 0);
	return d;
}

static int64_t add_deadline(struct fixture *f, int64_t concern, enum concern_clock kind,
			    const char *start, const char *due, int action)
{
	struct concern_deadline d = {
	    .kind = kind,
	    .start = day(start),
	    .due = day(due),
	    .basis = {DOMAIN_PERIOD_DAYS, 28},
	};
	int64_t id = 0;
	char *cause = NULL;
	assert_int_equal(store_concern_deadline_add(f->db, concern, &d, action, &id, &cause), 0);
	return id;
}

/* Runs SQL expected to be refused; returns the status db_exec gave. */
static int exec_refused(struct db *db, const char *sql)
{
	char *cause = NULL;
	int r = db_exec(db, sql, &cause);
	free(cause);
	return r;
}

static int exec_ok(struct db *db, const char *sql)
{
	char *cause = NULL;
	int r = db_exec(db, sql, &cause);
	if (r != 0)
		fprintf(stderr, "%s: %s\n", sql, cause);
	free(cause);
	return r;
}

/* ---- references --------------------------------------------------------------- */

static void test_reference_allocation(void **state)
{
	struct fixture *f = *state;
	char *r1 = NULL, *r2 = NULL, *r3 = NULL, *r4 = NULL;
	open_concern(f, f->gp, "2026-01-05", &r1);
	open_concern(f, f->gp, "2026-03-01", &r2);
	open_concern(f, f->gp, "2027-01-02", &r3); /* a new year restarts */
	open_concern(f, f->pharmacist, "2026-12-31", &r4);
	assert_string_equal(r1, "CON-2026-0001");
	assert_string_equal(r2, "CON-2026-0002");
	assert_string_equal(r3, "CON-2027-0001");
	assert_string_equal(r4, "CON-2026-0003");
	free(r1);
	free(r2);
	free(r3);
	free(r4);

	/* Several inside one writer transaction: consecutive, and a rollback
	 * gives the numbers back. */
	char *cause = NULL;
	assert_int_equal(db_begin(f->db, &cause), 0);
	char *a = NULL, *b = NULL;
	open_concern(f, f->gp, "2027-02-01", &a);
	open_concern(f, f->gp, "2027-02-01", &b);
	assert_string_equal(a, "CON-2027-0002");
	assert_string_equal(b, "CON-2027-0003");
	free(a);
	free(b);
	db_rollback(f->db);
	open_concern(f, f->gp, "2027-02-01", &a);
	assert_string_equal(a, "CON-2027-0002");
	free(a);

	/* The year is the received date's; a reference is parseable. */
	struct concern_record *c = NULL;
	assert_int_equal(store_concern_get_by_ref(f->db, "CON-2026-0003", &c, &cause), 0);
	assert_int_equal(c->year, 2026);
	assert_int_equal(c->seq, 3);
	int y, s;
	assert_int_equal(domain_concern_reference_parse(c->ref, &y, &s, NULL), 0);
	assert_int_equal(y, 2026);
	assert_int_equal(s, 3);
	concern_record_free(c);
}

static void test_reference_refusals(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	struct concern_new in = {
	    .performer_id = f->gp,
	    .source = "other",
	    .category = "conduct",
	    .summary = "s",
	    .received = "2026-02-30",
	};
	assert_int_equal(store_concern_insert(f->db, &in, T0, "cm1", NULL, NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	assert_non_null(cause);
	free(cause);
	cause = NULL;

	in.received = "2026-02-01";
	in.performer_id = 9999;
	assert_int_equal(store_concern_insert(f->db, &in, T0, "cm1", NULL, NULL, &cause),
			 ASSURE__CODE__FAILED_PRECONDITION);
	free(cause);
	cause = NULL;

	in.performer_id = f->gp;
	in.linked_id = 9999;
	assert_int_equal(store_concern_insert(f->db, &in, T0, "cm1", NULL, NULL, &cause),
			 ASSURE__CODE__FAILED_PRECONDITION);
	free(cause);
	cause = NULL;

	/* A year whose 9999 references are used. */
	in.linked_id = 0;
	assert_int_equal(exec_ok(f->db,
				 "INSERT INTO concerns (ref, year, seq, performer_id,"
				 " source, category, summary, received, state, created_at,"
				 " updated_at) VALUES ('CON-2030-9999', 2030, 9999, 1, 'other',"
				 " 'conduct', 's', '2030-01-01', 'received', 0, 0)"),
			 0);
	in.received = "2030-06-01";
	assert_int_equal(store_concern_insert(f->db, &in, T0, "cm1", NULL, NULL, &cause),
			 ASSURE__CODE__RESOURCE_EXHAUSTED);
	assert_non_null(strstr(cause, "2030"));
	free(cause);
	cause = NULL;

	/* The schema keeps ref, year and seq in step. */
	assert_int_not_equal(exec_refused(f->db,
					  "INSERT INTO concerns (ref, year, seq,"
					  " performer_id, source, category, summary, received,"
					  " state, created_at, updated_at) VALUES"
					  " ('CON-2031-0002', 2031, 1, 1, 'other', 'conduct',"
					  " 's', '2031-01-01', 'received', 0, 0)"),
			     0);
}

/* ---- get and update --------------------------------------------------------------- */

static void test_get_roundtrip(void **state)
{
	struct fixture *f = *state;
	char *ref = NULL;
	int64_t first = open_concern(f, f->gp, "2026-01-05", &ref);
	set_state(f, first, "closed");
	struct concern_new in = {
	    .performer_id = f->gp,
	    .source = "colleague",
	    .category = "probity",
	    .summary = "claims for work not done",
	    .received = "2026-02-10",
	    .linked_id = first,
	};
	int64_t id = 0;
	char *cause = NULL;
	assert_int_equal(store_concern_insert(f->db, &in, T0 + 5, "cm2", &id, NULL, &cause), 0);

	struct concern_record *c = NULL;
	assert_int_equal(store_concern_get(f->db, id, &c, &cause), 0);
	assert_int_equal(c->id, id);
	assert_string_equal(c->ref, "CON-2026-0002");
	assert_int_equal(c->performer_id, f->gp);
	assert_string_equal(c->performer_name, "Dr Ann Smith");
	assert_string_equal(c->profession, "gp");
	assert_string_equal(c->list_status, "included");
	assert_int_equal(c->suspended, 0);
	assert_string_equal(c->source, "colleague");
	assert_string_equal(c->category, "probity");
	assert_string_equal(c->summary, "claims for work not done");
	assert_string_equal(c->reporter, "");
	assert_string_equal(c->received, "2026-02-10");
	assert_string_equal(c->state, "received");
	assert_int_equal(c->consequence, 0);
	assert_int_equal(c->score, 0);
	assert_string_equal(c->band, "");
	assert_int_equal(c->case_manager_id, 0);
	assert_string_equal(c->case_manager, "");
	assert_string_equal(c->investigator, "");
	assert_int_equal(c->linked_id, first);
	assert_string_equal(c->linked_ref, ref);
	assert_int_equal(c->was_panel_referred, 0);
	assert_string_equal(c->notice_sent, "");
	assert_string_equal(c->outcome, "");
	assert_string_equal(c->next_due, "");
	assert_int_equal(c->created_at, T0 + 5);
	assert_int_equal(c->updated_at, T0 + 5);
	assert_string_equal(c->updated_by, "cm2");
	assert_int_equal(c->version, 1);

	struct concern_record *same = NULL;
	assert_int_equal(store_concern_get_by_ref(f->db, "CON-2026-0002", &same, &cause), 0);
	assert_int_equal(same->id, id);
	concern_record_free(same);
	concern_record_free(c);
	free(ref);

	c = NULL;
	assert_int_equal(store_concern_get_by_ref(f->db, "CON-2026-0099", &c, &cause),
			 ASSURE__CODE__NOT_FOUND);
	assert_null(c);
	assert_int_equal(store_concern_get(f->db, 4242, &c, &cause), ASSURE__CODE__NOT_FOUND);
	concern_record_free(NULL);
	concern_records_free(NULL, 0);
}

static void test_update_version(void **state)
{
	struct fixture *f = *state;
	int64_t id = open_concern(f, f->gp, "2026-01-05", NULL);
	char *cause = NULL;
	struct db_stamp s = {0};

	/* An empty update checks and bumps. */
	assert_int_equal(store_concern_update(f->db, id, 1, NULL, T0 + 100, "cm2", &s, &cause), 0);
	assert_int_equal(s.version, 2);
	assert_int_equal(s.updated_at, T0 + 100);
	assert_string_equal(s.updated_by, "cm2");
	db_stamp_clear(&s);

	/* A stale version: ABORTED with who changed it and when. */
	struct concern_update u;
	concern_update_init(&u);
	u.state = "triaged";
	assert_int_equal(store_concern_update(f->db, id, 1, &u, T0 + 200, "cm1", &s, &cause),
			 ASSURE__CODE__ABORTED);
	assert_int_equal(s.version, 2);
	assert_int_equal(s.updated_at, T0 + 100);
	assert_string_equal(s.updated_by, "cm2");
	assert_non_null(strstr(cause, "cm2"));
	db_stamp_clear(&s);
	free(cause);
	cause = NULL;
	struct concern_record *c = NULL;
	assert_int_equal(store_concern_get(f->db, id, &c, &cause), 0);
	assert_string_equal(c->state, "received");
	assert_int_equal(c->version, 2);
	concern_record_free(c);

	/* The right version; fields given change, the rest stay. */
	u.notice_sent = "2026-03-01";
	u.notice_allegation = "allegation";
	u.notice_proposed_action = "removal";
	u.notice_grounds = "efficiency";
	u.representations_received = 1;
	u.hearing_requested = "2026-03-10";
	u.hearing_date = "2026-04-01";
	u.outcome = "conditions";
	u.decision_notice_sent = "2026-04-05";
	u.interim_answered = 5; /* any true value is 1 */
	u.mark_panel_referred = 1;
	assert_int_equal(store_concern_update(f->db, id, 2, &u, T0 + 300, "cm1", &s, &cause), 0);
	assert_int_equal(s.version, 3);
	db_stamp_clear(&s);
	assert_int_equal(store_concern_get(f->db, id, &c, &cause), 0);
	assert_string_equal(c->state, "triaged");
	assert_string_equal(c->notice_sent, "2026-03-01");
	assert_string_equal(c->notice_allegation, "allegation");
	assert_string_equal(c->notice_proposed_action, "removal");
	assert_string_equal(c->notice_grounds, "efficiency");
	assert_int_equal(c->representations_received, 1);
	assert_string_equal(c->hearing_requested, "2026-03-10");
	assert_string_equal(c->hearing_date, "2026-04-01");
	assert_string_equal(c->outcome, "conditions");
	assert_string_equal(c->decision_notice_sent, "2026-04-05");
	assert_int_equal(c->interim_answered, 1);
	assert_int_equal(c->was_panel_referred, 1);
	assert_string_equal(c->updated_by, "cm1");
	assert_int_equal(c->updated_at, T0 + 300);
	concern_record_free(c);

	/* Unchanged means unchanged; "" clears; panel-referred is sticky. */
	concern_update_init(&u);
	u.hearing_date = "";
	u.representations_received = 0;
	assert_int_equal(store_concern_update(f->db, id, 0, &u, T0 + 400, "system", NULL, &cause),
			 0);
	assert_int_equal(store_concern_get(f->db, id, &c, &cause), 0);
	assert_string_equal(c->hearing_date, "");
	assert_string_equal(c->hearing_requested, "2026-03-10");
	assert_int_equal(c->representations_received, 0);
	assert_int_equal(c->interim_answered, 1);
	assert_int_equal(c->was_panel_referred, 1);
	assert_string_equal(c->state, "triaged");
	assert_int_equal(c->version, 4);
	assert_string_equal(c->updated_by, "system");
	concern_record_free(c);

	/* Refusals change nothing. */
	concern_update_init(&u);
	u.state = "reopened";
	assert_int_equal(store_concern_update(f->db, id, 4, &u, T0, "cm1", NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	concern_update_init(&u);
	u.hearing_date = "1 April";
	assert_int_equal(store_concern_update(f->db, id, 4, &u, T0, "cm1", NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	assert_int_equal(store_concern_update(f->db, 4242, 0, NULL, T0, "cm1", &s, &cause),
			 ASSURE__CODE__NOT_FOUND);
	assert_int_equal(store_concern_update(f->db, 4242, 3, NULL, T0, "cm1", NULL, &cause),
			 ASSURE__CODE__NOT_FOUND);
	assert_int_equal(store_concern_get(f->db, id, &c, &cause), 0);
	assert_int_equal(c->version, 4);
	concern_record_free(c);

	/* The other writers leave the version alone. */
	assert_int_equal(
	    store_concern_grade_add(f->db, id, 2, 2, "r", NULL, T0, "cm1", NULL, &cause), 0);
	assert_int_equal(
	    store_concern_assign(f->db, id, CONCERN_PERSON_CASE_MANAGER, f->cm1, T0, "cm1", &cause),
	    0);
	assert_int_equal(store_concern_note_add(f->db, id, "n", T0, "cm1", NULL, &cause), 0);
	add_deadline(f, id, CONCERN_CLOCK_TRIAGE, "2026-01-05", "2026-01-12", 0);
	assert_int_equal(store_concern_get(f->db, id, &c, &cause), 0);
	assert_int_equal(c->version, 4);
	concern_record_free(c);
}

/* ---- grades and people ------------------------------------------------------------ */

static void test_grades(void **state)
{
	struct fixture *f = *state;
	int64_t id = open_concern(f, f->gp, "2026-01-05", NULL);
	char *cause = NULL;
	struct concern_grade_record *g = NULL;
	assert_int_equal(store_concern_grade_add(f->db, id, 4, 4, "serious harm likely", NULL,
						 T0 + 1, "cm1", &g, &cause),
			 0);
	assert_int_equal(g->score, 16);
	assert_string_equal(g->band, "extreme");
	assert_string_equal(g->reason, "serious harm likely");
	assert_string_equal(g->by, "cm1");
	concern_grades_free(g, 1);

	/* Configured bands are used: 2 x 3 = 6 is high when moderate ends at 5. */
	struct grade_bands b = {.low_max = 3, .moderate_max = 5, .high_max = 12};
	assert_int_equal(store_concern_grade_add(f->db, id, 2, 3, "re-graded at PAG", &b, T0 + 2,
						 "pag1", NULL, &cause),
			 0);
	struct concern_record *c = NULL;
	assert_int_equal(store_concern_get(f->db, id, &c, &cause), 0);
	assert_int_equal(c->consequence, 2);
	assert_int_equal(c->likelihood, 3);
	assert_int_equal(c->score, 6);
	assert_string_equal(c->band, "high");
	concern_record_free(c);

	struct concern_grade_record *v = NULL;
	size_t n = 0;
	assert_int_equal(store_concern_grades(f->db, id, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].score, 16);
	assert_int_equal(v[0].at, T0 + 1);
	assert_string_equal(v[1].band, "high");
	assert_string_equal(v[1].by, "pag1");
	concern_grades_free(v, n);

	assert_int_equal(
	    store_concern_grade_add(f->db, id, 6, 1, "r", NULL, T0, "cm1", NULL, &cause),
	    ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	assert_int_equal(
	    store_concern_grade_add(f->db, 4242, 1, 1, "r", NULL, T0, "cm1", NULL, &cause),
	    ASSURE__CODE__NOT_FOUND);
	assert_int_equal(store_concern_grades(f->db, id, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	concern_grades_free(v, n);
}

static void test_people(void **state)
{
	struct fixture *f = *state;
	int64_t id = open_concern(f, f->gp, "2026-01-05", NULL);
	char *cause = NULL;
	assert_int_equal(store_concern_assign(f->db, id, CONCERN_PERSON_CASE_MANAGER, f->cm1,
					      T0 + 1, "pag1", &cause),
			 0);
	/* Naming the current holder again changes nothing. */
	assert_int_equal(store_concern_assign(f->db, id, CONCERN_PERSON_CASE_MANAGER, f->cm1,
					      T0 + 2, "pag1", &cause),
			 0);
	assert_int_equal(store_concern_assign(f->db, id, CONCERN_PERSON_CASE_MANAGER, f->cm2,
					      T0 + 3, "pag1", &cause),
			 0);
	assert_int_equal(store_concern_assign(f->db, id, CONCERN_PERSON_INVESTIGATOR, f->inv1,
					      T0 + 4, "pag1", &cause),
			 0);
	assert_int_equal(
	    store_concern_assign(f->db, id, CONCERN_PERSON_INVESTIGATOR, 0, T0 + 5, "pag1", &cause),
	    0);
	assert_int_equal(store_concern_assign(f->db, id, CONCERN_PERSON_INVESTIGATOR, f->inv2,
					      T0 + 6, "pag1", &cause),
			 0);
	int64_t panel[] = {f->pan1, f->pan2, f->pan3};
	assert_int_equal(store_concern_panel_add(f->db, id, panel, 3, T0 + 7, "pan1", &cause), 0);
	assert_int_equal(store_concern_panel_add(f->db, id, panel, 1, T0 + 8, "pan1", &cause), 0);

	struct concern_record *c = NULL;
	assert_int_equal(store_concern_get(f->db, id, &c, &cause), 0);
	assert_int_equal(c->case_manager_id, f->cm2);
	assert_string_equal(c->case_manager, "cm2");
	assert_int_equal(c->investigator_id, f->inv2);
	assert_string_equal(c->investigator, "inv2");
	concern_record_free(c);

	int64_t *former = NULL, *pan = NULL;
	size_t nf = 0, np = 0;
	assert_int_equal(store_concern_people(f->db, id, &former, &nf, &pan, &np, &cause), 0);
	assert_int_equal(nf, 4);
	assert_int_equal(former[0], f->cm1);
	assert_int_equal(former[1], f->cm2);
	assert_int_equal(former[2], f->inv1);
	assert_int_equal(former[3], f->inv2);
	assert_int_equal(np, 3);
	assert_int_equal(pan[0], f->pan1);
	assert_int_equal(pan[2], f->pan3);
	free(former);
	free(pan);

	/* The facts the panel rule reads refuse a former case manager. */
	assert_int_equal(store_concern_people(f->db, id, &former, &nf, &pan, &np, &cause), 0);
	struct concern_facts facts;
	domain_concern_facts_init(&facts, CONCERN_STATE_NOTICE_ISSUED, day("2026-05-01"));
	facts.case_manager_id = f->cm2;
	facts.investigator_id = f->inv2;
	facts.former_ids = former;
	facts.n_former = nf;
	facts.panel_ids = pan;
	facts.n_panel = np;
	int64_t members[] = {f->pan1, f->pan2, f->cm1};
	char *why = NULL;
	assert_int_equal(domain_concern_check_panel(NULL, &facts, members, 3, &why),
			 CONCERN_FAILED_PRECONDITION);
	free(why);
	free(former);
	free(pan);

	struct concern_person_record *h = NULL;
	size_t n = 0;
	assert_int_equal(store_concern_people_history(f->db, id, &h, &n, &cause), 0);
	assert_int_equal(n, 8);
	assert_string_equal(h[0].username, "cm1");
	assert_string_equal(h[0].role, "case-manager");
	assert_int_equal(h[0].from_at, T0 + 1);
	assert_int_equal(h[0].to_at, T0 + 3);
	assert_string_equal(h[1].username, "cm2");
	assert_int_equal(h[1].to_at, 0);
	assert_string_equal(h[2].username, "inv1");
	assert_int_equal(h[2].to_at, T0 + 5);
	assert_string_equal(h[3].username, "inv2");
	assert_int_equal(h[3].to_at, 0);
	assert_string_equal(h[4].role, "panel");
	assert_int_equal(h[4].from_at, T0 + 7);
	assert_int_equal(h[4].to_at, T0 + 7);
	assert_string_equal(h[4].by, "pan1");
	concern_people_free(h, n);

	assert_int_equal(
	    store_concern_assign(f->db, id, CONCERN_PERSON_CASE_MANAGER, 4242, T0, "pag1", &cause),
	    ASSURE__CODE__FAILED_PRECONDITION);
	free(cause);
	cause = NULL;
	assert_int_equal(
	    store_concern_assign(f->db, id, CONCERN_PERSON_PANEL, f->pan1, T0, "pag1", &cause),
	    ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	assert_int_equal(store_concern_assign(f->db, 4242, CONCERN_PERSON_CASE_MANAGER, f->cm1, T0,
					      "pag1", &cause),
			 ASSURE__CODE__NOT_FOUND);
	assert_string_equal(store_concern_person_role_name(CONCERN_PERSON_PANEL), "panel");
}

/* ---- timeline and side records ------------------------------------------------------ */

static void test_events(void **state)
{
	struct fixture *f = *state;
	int64_t id = open_concern(f, f->gp, "2026-01-05", NULL);
	char *cause = NULL;
	struct concern_event_record e = {
	    .at = T0 + 1,
	    .by = "cm1",
	    .kind = "opened",
	    .to_state = "received",
	    .text = "missed diagnosis",
	    .date = "2026-01-05",
	};
	int64_t eid = 0;
	assert_int_equal(store_concern_event_add(f->db, id, &e, &eid, &cause), 0);
	assert_true(eid > 0);
	struct concern_event_record t = {
	    .at = T0 + 2,
	    .by = "cm1",
	    .kind = "transition",
	    .from_state = "received",
	    .to_state = "triaged",
	    .detail = "grade: 16 (extreme)\ncase manager: cm1",
	};
	assert_int_equal(store_concern_event_add(f->db, id, &t, NULL, &cause), 0);
	struct concern_event_record *v = NULL;
	size_t n = 0;
	assert_int_equal(store_concern_events(f->db, id, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, eid);
	assert_string_equal(v[0].kind, "opened");
	assert_string_equal(v[0].from_state, "");
	assert_string_equal(v[0].date, "2026-01-05");
	assert_string_equal(v[0].detail, "");
	assert_string_equal(v[1].from_state, "received");
	assert_string_equal(v[1].to_state, "triaged");
	assert_string_equal(v[1].detail, "grade: 16 (extreme)\ncase manager: cm1");
	assert_int_equal(v[1].at, T0 + 2);
	concern_events_free(v, n);

	struct concern_event_record bad = {.at = T0, .by = "cm1", .kind = ""};
	assert_int_equal(store_concern_event_add(f->db, id, &bad, NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	bad.kind = "note";
	assert_int_equal(store_concern_event_add(f->db, 4242, &bad, NULL, &cause),
			 ASSURE__CODE__FAILED_PRECONDITION);
	free(cause);
}

static void test_referrals_notes_evidence(void **state)
{
	struct fixture *f = *state;
	int64_t id = open_concern(f, f->gp, "2026-01-05", NULL);
	char *cause = NULL;
	struct concern_referral_record r = {
	    .body = "gmc",
	    .date = "2026-01-20",
	    .rationale = "fitness to practise",
	};
	int64_t rid = 0;
	assert_int_equal(store_concern_referral_add(f->db, id, &r, T0 + 1, "cm1", &rid, &cause), 0);
	assert_int_equal(
	    store_concern_referral_update(f->db, id, rid, "FTP/123", NULL, T0 + 2, "cm2", &cause),
	    0);
	assert_int_equal(store_concern_referral_update(f->db, id, rid, NULL, "investigating",
						       T0 + 3, "cm1", &cause),
			 0);
	assert_int_equal(
	    store_concern_referral_update(f->db, id, 4242, NULL, "x", T0, "cm1", &cause),
	    ASSURE__CODE__NOT_FOUND);
	r.date = "";
	assert_int_equal(store_concern_referral_add(f->db, id, &r, T0, "cm1", NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	struct concern_referral_record *rv = NULL;
	size_t n = 0;
	assert_int_equal(store_concern_referrals(f->db, id, &rv, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(rv[0].id, rid);
	assert_string_equal(rv[0].body, "gmc");
	assert_string_equal(rv[0].date, "2026-01-20");
	assert_string_equal(rv[0].rationale, "fitness to practise");
	assert_string_equal(rv[0].their_ref, "FTP/123");
	assert_string_equal(rv[0].response, "investigating");
	assert_int_equal(rv[0].at, T0 + 1);
	assert_string_equal(rv[0].by, "cm1");
	assert_int_equal(rv[0].updated_at, T0 + 3);
	assert_string_equal(rv[0].updated_by, "cm1");
	concern_referrals_free(rv, n);

	int64_t nid = 0;
	assert_int_equal(
	    store_concern_note_add(f->db, id, "phoned the practice", T0 + 4, "cm1", &nid, &cause),
	    0);
	assert_int_equal(store_concern_note_add(f->db, id, "correction: it was the PM", T0 + 5,
						"cm1", NULL, &cause),
			 0);
	struct concern_note_record *nv = NULL;
	assert_int_equal(store_concern_notes(f->db, id, &nv, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(nv[0].id, nid);
	assert_string_equal(nv[0].text, "phoned the practice");
	assert_int_equal(nv[1].at, T0 + 5);
	assert_string_equal(nv[1].by, "cm1");
	concern_notes_free(nv, n);

	const char *hash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	assert_int_equal(store_concern_evidence_add(f->db, id, "audit report", "S:/audit.pdf", hash,
						    T0 + 6, "inv1", NULL, &cause),
			 0);
	assert_int_equal(store_concern_evidence_add(f->db, id, "letter", NULL, NULL, T0 + 7, "cm1",
						    NULL, &cause),
			 0);
	assert_int_equal(
	    store_concern_evidence_add(f->db, id, "bad", "", "E3B0C442", T0, "cm1", NULL, &cause),
	    ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	char upper[65];
	for (int i = 0; i < 64; i++)
		upper[i] = (char)(hash[i] >= 'a' ? hash[i] - 32 : hash[i]);
	upper[64] = '\0';
	assert_int_equal(
	    store_concern_evidence_add(f->db, id, "bad", "", upper, T0, "cm1", NULL, &cause),
	    ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	struct concern_evidence_record *ev = NULL;
	assert_int_equal(store_concern_evidence(f->db, id, &ev, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].title, "audit report");
	assert_string_equal(ev[0].location, "S:/audit.pdf");
	assert_string_equal(ev[0].sha256, hash);
	assert_string_equal(ev[0].by, "inv1");
	assert_string_equal(ev[1].location, "");
	assert_string_equal(ev[1].sha256, "");
	concern_evidence_free(ev, n);
}

static void test_actions(void **state)
{
	struct fixture *f = *state;
	int64_t id = open_concern(f, f->gp, "2026-01-05", NULL);
	int64_t other = open_concern(f, f->gp, "2026-01-06", NULL);
	char *cause = NULL;
	int num = 0;
	assert_int_equal(store_concern_action_add(f->db, id, "audit 20 records", "cm1",
						  "2026-03-01", T0 + 1, "pag1", &num, &cause),
			 0);
	assert_int_equal(num, 1);
	add_deadline(f, id, CONCERN_CLOCK_ACTION_DUE, "2026-02-01", "2026-03-01", 1);
	assert_int_equal(store_concern_action_add(f->db, id, "attend course", NULL, NULL, T0 + 2,
						  "pag1", &num, &cause),
			 0);
	assert_int_equal(num, 2);
	assert_int_equal(store_concern_action_add(f->db, other, "first of another", "", "", T0 + 3,
						  "pag1", &num, &cause),
			 0);
	assert_int_equal(num, 1);
	assert_int_equal(
	    store_concern_action_add(f->db, 4242, "x", "", "", T0, "pag1", &num, &cause),
	    ASSURE__CODE__FAILED_PRECONDITION);
	free(cause);
	cause = NULL;

	assert_int_equal(
	    store_concern_action_done(f->db, id, 1, "2026-02-20", T0 + 4, "cm1", &cause), 0);
	assert_int_equal(
	    store_concern_action_done(f->db, id, 1, "2026-02-21", T0 + 5, "cm1", &cause),
	    ASSURE__CODE__FAILED_PRECONDITION);
	assert_non_null(strstr(cause, "2026-02-20"));
	free(cause);
	cause = NULL;
	assert_int_equal(store_concern_action_done(f->db, id, 9, "2026-02-21", T0, "cm1", &cause),
			 ASSURE__CODE__NOT_FOUND);
	assert_int_equal(store_concern_action_done(f->db, id, 2, "", T0, "cm1", &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;

	struct concern_action_record *v = NULL;
	size_t n = 0;
	assert_int_equal(store_concern_actions(f->db, id, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].number, 1);
	assert_string_equal(v[0].text, "audit 20 records");
	assert_string_equal(v[0].owner, "cm1");
	assert_string_equal(v[0].due, "2026-03-01");
	assert_string_equal(v[0].done, "2026-02-20");
	assert_int_equal(v[0].done_at, T0 + 4);
	assert_string_equal(v[0].done_by, "cm1");
	assert_int_equal(v[1].number, 2);
	assert_string_equal(v[1].owner, "");
	assert_string_equal(v[1].due, "");
	assert_string_equal(v[1].done, "");
	assert_string_equal(v[1].by, "pag1");
	concern_actions_free(v, n);

	/* Its deadline was met with it. */
	struct concern_deadline_record *d = NULL;
	assert_int_equal(store_concern_deadlines(f->db, id, 0, &d, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(d[0].action_number, 1);
	assert_string_equal(d[0].kind, "action-due");
	assert_string_equal(d[0].met, "2026-02-20");
	assert_int_equal(d[0].cancelled, 0);
	concern_deadlines_free(d, n);
}

static void test_decisions(void **state)
{
	struct fixture *f = *state;
	int64_t id = open_concern(f, f->gp, "2026-01-05", NULL);
	char *cause = NULL;
	char *grounds[] = {"efficiency", "fraud"};
	char *panel[] = {"pan1", "pan2", "pan3"};
	struct concern_decision_record d = {
	    .kind = "decision",
	    .outcome = "contingent-removal",
	    .rationale = "repeated failures",
	    .grounds = grounds,
	    .n_grounds = 2,
	    .conditions = "supervised practice",
	    .representations_considered = "letter of 3 March",
	    .facts_relied_on = "audit findings",
	    .panel = panel,
	    .n_panel = 3,
	    .date = "2026-04-10",
	    .status_before = "included-with-conditions",
	    .status_after = "contingently-removed",
	    .conditions_before = "no out-of-hours work",
	};
	int64_t did = 0;
	assert_int_equal(store_concern_decision_add(f->db, id, &d, T0 + 1, "pan1", &did, &cause),
			 0);
	struct concern_decision_record s = {
	    .kind = "suspension",
	    .outcome = "suspended",
	    .rationale = "public protection",
	    .panel = panel,
	    .n_panel = 3,
	    .date = "2026-02-01",
	    .detail = "basis: pct-decision\nperiod end: 2026-08-01",
	    .status_before = "included",
	    .status_after = "included",
	};
	assert_int_equal(store_concern_decision_add(f->db, id, &s, T0 + 2, "pan2", NULL, &cause),
			 0);

	struct concern_decision_record *v = NULL;
	size_t n = 0;
	assert_int_equal(store_concern_decisions(f->db, id, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, did);
	assert_string_equal(v[0].kind, "decision");
	assert_string_equal(v[0].outcome, "contingent-removal");
	assert_int_equal(v[0].n_grounds, 2);
	assert_string_equal(v[0].grounds[0], "efficiency");
	assert_string_equal(v[0].grounds[1], "fraud");
	assert_int_equal(v[0].n_panel, 3);
	assert_string_equal(v[0].panel[2], "pan3");
	assert_string_equal(v[0].conditions, "supervised practice");
	assert_string_equal(v[0].representations_considered, "letter of 3 March");
	assert_string_equal(v[0].facts_relied_on, "audit findings");
	assert_string_equal(v[0].date, "2026-04-10");
	assert_string_equal(v[0].status_before, "included-with-conditions");
	assert_string_equal(v[0].status_after, "contingently-removed");
	assert_string_equal(v[0].conditions_before, "no out-of-hours work");
	assert_string_equal(v[1].conditions_before, "");
	assert_int_equal(v[0].at, T0 + 1);
	assert_string_equal(v[0].by, "pan1");
	assert_string_equal(v[1].kind, "suspension");
	assert_int_equal(v[1].n_grounds, 0);
	assert_string_equal(v[1].detail, "basis: pct-decision\nperiod end: 2026-08-01");
	concern_decisions_free(v, n);

	char *bad[] = {"pan1\npan4"};
	d.panel = bad;
	d.n_panel = 1;
	assert_int_equal(store_concern_decision_add(f->db, id, &d, T0, "pan1", NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	char *empty[] = {""};
	d.panel = panel;
	d.n_panel = 3;
	d.grounds = empty;
	d.n_grounds = 1;
	assert_int_equal(store_concern_decision_add(f->db, id, &d, T0, "pan1", NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	d.n_grounds = 0;
	d.kind = "verdict";
	assert_int_equal(store_concern_decision_add(f->db, id, &d, T0, "pan1", NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
}

/* ---- deadlines -------------------------------------------------------------------- */

static void test_deadlines(void **state)
{
	struct fixture *f = *state;
	int64_t a = open_concern(f, f->gp, "2026-01-05", NULL);
	int64_t b = open_concern(f, f->pharmacist, "2026-01-06", NULL);
	int64_t c = open_concern(f, f->gp, "2026-01-07", NULL);
	char *cause = NULL;
	assert_int_equal(
	    store_concern_assign(f->db, b, CONCERN_PERSON_CASE_MANAGER, f->cm2, T0, "pag1", &cause),
	    0);
	/* Working-day clock from the rules, as the RPC will store it. */
	struct concern_deadline tri = {
	    .kind = CONCERN_CLOCK_TRIAGE,
	    .start = day("2026-01-05"),
	    .due = day("2026-01-12"),
	    .basis = {DOMAIN_PERIOD_WORKING_DAYS, 5},
	};
	int64_t a_tri = 0;
	assert_int_equal(store_concern_deadline_add(f->db, a, &tri, 0, &a_tri, &cause), 0);
	int64_t a_inv =
	    add_deadline(f, a, CONCERN_CLOCK_INVESTIGATION, "2026-01-05", "2026-03-30", 0);
	int64_t b_tri = add_deadline(f, b, CONCERN_CLOCK_TRIAGE, "2026-01-06", "2026-01-13", 0);
	int64_t b_rep =
	    add_deadline(f, b, CONCERN_CLOCK_REPRESENTATIONS, "2026-01-06", "2026-01-10", 0);
	int64_t c_tri = add_deadline(f, c, CONCERN_CLOCK_TRIAGE, "2026-01-07", "2026-01-09", 0);
	/* A given due date has no basis. */
	struct concern_deadline hearing = {
	    .kind = CONCERN_CLOCK_HEARING,
	    .start = day("2026-01-07"),
	    .due = day("2026-02-01"),
	    .basis = {DOMAIN_PERIOD_DAYS, 0},
	};
	assert_int_equal(store_concern_deadline_add(f->db, c, &hearing, 0, NULL, &cause), 0);
	struct concern_deadline none = {
	    .kind = CONCERN_CLOCK_NONE, .start = day("2026-01-07"), .due = day("2026-01-08")};
	assert_int_equal(store_concern_deadline_add(f->db, c, &none, 0, NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	none.kind = CONCERN_CLOCK_TRIAGE;
	none.due = DOMAIN_DATE_NONE;
	assert_int_equal(store_concern_deadline_add(f->db, c, &none, 0, NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;

	/* One concern's: by due date; basis described by the rules' words. */
	struct concern_deadline_record *v = NULL;
	size_t n = 0;
	assert_int_equal(store_concern_deadlines(f->db, a, 1, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, a_tri);
	assert_string_equal(v[0].kind, "triage");
	assert_string_equal(v[0].start, "2026-01-05");
	assert_string_equal(v[0].due, "2026-01-12");
	assert_string_equal(v[0].basis, "5 working days");
	assert_string_equal(v[0].met, "");
	assert_string_equal(v[0].concern_ref, "CON-2026-0001");
	assert_string_equal(v[0].performer_name, "Dr Ann Smith");
	assert_string_equal(v[0].state, "received");
	assert_int_equal(v[1].id, a_inv);
	assert_string_equal(v[1].basis, "28 days");
	concern_deadlines_free(v, n);

	/* The soonest open one is the concern's next_due. */
	struct concern_record *cr = NULL;
	assert_int_equal(store_concern_get(f->db, c, &cr, &cause), 0);
	assert_string_equal(cr->next_due, "2026-01-09");
	concern_record_free(cr);

	/* The due list: soonest first across concerns, on or before the date. */
	struct concern_due_filter df = {.due_by = "2026-01-12", .limit = 100};
	assert_int_equal(store_concern_deadlines_due(f->db, &df, &v, &n, &cause), 0);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].id, c_tri);
	assert_int_equal(v[1].id, b_rep);
	assert_string_equal(v[1].performer_name, "Bob Jones");
	assert_string_equal(v[1].concern_ref, "CON-2026-0002");
	assert_string_equal(v[1].kind, "representations");
	assert_int_equal(v[2].id, a_tri);
	concern_deadlines_free(v, n);
	df.limit = 2;
	assert_int_equal(store_concern_deadlines_due(f->db, &df, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	concern_deadlines_free(v, n);
	df.limit = 100;
	df.user_id = f->cm2; /* "mine" */
	assert_int_equal(store_concern_deadlines_due(f->db, &df, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].id, b_rep);
	concern_deadlines_free(v, n);
	df.user_id = 0;
	df.investigator_id = f->inv1;
	assert_int_equal(store_concern_deadlines_due(f->db, &df, &v, &n, &cause), 0);
	assert_int_equal(n, 0);
	concern_deadlines_free(v, n);
	df.investigator_id = 0;
	df.panel_referred_only = 1;
	assert_int_equal(store_concern_deadlines_due(f->db, &df, &v, &n, &cause), 0);
	assert_int_equal(n, 0);
	concern_deadlines_free(v, n);
	df.panel_referred_only = 0;

	/* Met ones leave the due list; a second marking finds nothing. */
	assert_int_equal(store_concern_deadline_met(f->db, c, c_tri, "2026-01-08", &cause), 0);
	assert_int_equal(store_concern_deadline_met(f->db, c, c_tri, "2026-01-08", &cause),
			 ASSURE__CODE__NOT_FOUND);
	assert_int_equal(store_concern_deadline_met(f->db, a, b_tri, "2026-01-08", &cause),
			 ASSURE__CODE__NOT_FOUND);
	assert_int_equal(store_concern_deadline_met(f->db, c, c_tri, NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	/* Closing by kind, and cancelling the rest when a concern closes. */
	int count = -1;
	assert_int_equal(
	    store_concern_deadlines_close(f->db, b, "triage", "2026-01-09", 0, &count, &cause), 0);
	assert_int_equal(count, 1);
	set_state(f, a, "closed");
	assert_int_equal(
	    store_concern_deadlines_close(f->db, a, NULL, "2026-01-09", 1, &count, &cause), 0);
	assert_int_equal(count, 2);
	assert_int_equal(store_concern_deadlines(f->db, a, 0, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].met, "2026-01-09");
	assert_int_equal(v[0].cancelled, 1);
	concern_deadlines_free(v, n);
	assert_int_equal(store_concern_deadlines(f->db, a, 1, &v, &n, &cause), 0);
	assert_int_equal(n, 0);
	concern_deadlines_free(v, n);

	df.due_by = "2026-12-31";
	assert_int_equal(store_concern_deadlines_due(f->db, &df, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].id, b_rep);
	assert_string_equal(v[1].kind, "hearing");
	assert_string_equal(v[1].basis, "");
	concern_deadlines_free(v, n);

	/* A closed concern's forgotten open deadline stays off the list. */
	add_deadline(f, a, CONCERN_CLOCK_APPEAL, "2026-01-05", "2026-01-06", 0);
	assert_int_equal(store_concern_deadlines_due(f->db, &df, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	concern_deadlines_free(v, n);
}

/* ---- lists ------------------------------------------------------------------------- */

static void test_list_filters_and_paging(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t id[6];
	for (int i = 0; i < 6; i++)
		id[i] = open_concern(f, i == 5 ? f->pharmacist : f->gp, "2026-02-01", NULL);
	set_state(f, id[1], "triaged");
	set_state(f, id[2], "triaged");
	set_state(f, id[3], "investigating");
	assert_int_equal(
	    store_concern_grade_add(f->db, id[1], 5, 5, "r", NULL, T0, "cm1", NULL, &cause), 0);
	assert_int_equal(
	    store_concern_grade_add(f->db, id[2], 1, 2, "r", NULL, T0, "cm1", NULL, &cause), 0);
	assert_int_equal(store_concern_assign(f->db, id[2], CONCERN_PERSON_CASE_MANAGER, f->cm1, T0,
					      "pag1", &cause),
			 0);
	assert_int_equal(store_concern_assign(f->db, id[3], CONCERN_PERSON_INVESTIGATOR, f->cm1, T0,
					      "pag1", &cause),
			 0);
	assert_int_equal(store_concern_assign(f->db, id[4], CONCERN_PERSON_INVESTIGATOR, f->inv1,
					      T0, "pag1", &cause),
			 0);
	struct concern_update u;
	concern_update_init(&u);
	u.mark_panel_referred = 1;
	assert_int_equal(store_concern_update(f->db, id[4], 0, &u, T0, "pag1", NULL, &cause), 0);
	add_deadline(f, id[0], CONCERN_CLOCK_TRIAGE, "2026-02-01", "2026-02-06", 0);
	int64_t met = add_deadline(f, id[5], CONCERN_CLOCK_TRIAGE, "2026-02-01", "2026-02-03", 0);
	assert_int_equal(store_concern_deadline_met(f->db, id[5], met, "2026-02-02", &cause), 0);
	add_deadline(f, id[5], CONCERN_CLOCK_INVESTIGATION, "2026-02-01", "2026-02-20", 0);

	struct concern_record **v = NULL;
	size_t n = 0;
	struct concern_filter fl = {.limit = 100};
	assert_int_equal(store_concern_list(f->db, &fl, &v, &n, &cause), 0);
	assert_int_equal(n, 6);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(v[i]->id, id[i]);
	concern_records_free(v, n);

	/* Keyset paging: 2 + 2 + 2, then nothing. */
	fl.limit = 2;
	int64_t after = 0;
	size_t seen = 0;
	for (int page = 0; page < 4; page++) {
		fl.after_id = after;
		assert_int_equal(store_concern_list(f->db, &fl, &v, &n, &cause), 0);
		if (page == 3) {
			assert_int_equal(n, 0);
		} else {
			assert_int_equal(n, 2);
			assert_int_equal(v[0]->id, id[seen]);
			after = v[n - 1]->id;
		}
		seen += n;
		concern_records_free(v, n);
	}
	assert_int_equal(seen, 6);

	struct {
		struct concern_filter f;
		size_t n;
		int64_t first;
	} cases[] = {
	    {{.state = "triaged", .limit = 100}, 2, id[1]},
	    {{.state = "triaged", .band = "extreme", .limit = 100}, 1, id[1]},
	    {{.band = "low", .limit = 100}, 1, id[2]},
	    {{.performer_id = f->pharmacist, .limit = 100}, 1, id[5]},
	    {{.performer_id = f->gp, .state = "investigating", .limit = 100}, 1, id[3]},
	    {{.user_id = f->cm1, .limit = 100}, 2, id[2]},
	    {{.user_id = f->inv1, .limit = 100}, 1, id[4]},
	    {{.investigator_id = f->cm1, .limit = 100}, 1, id[3]},
	    {{.panel_referred_only = 1, .limit = 100}, 1, id[4]},
	    {{.overdue_before = "2026-02-07", .limit = 100}, 1, id[0]},
	    {{.overdue_before = "2026-02-06", .limit = 100}, 0, 0},
	    {{.overdue_before = "2026-02-21", .limit = 100}, 2, id[0]},
	    {{.overdue_before = "2026-02-21", .performer_id = f->pharmacist, .limit = 100},
	     1,
	     id[5]},
	    {{.state = "closed", .limit = 100}, 0, 0},
	    {{.limit = 0}, 0, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(store_concern_list(f->db, &cases[i].f, &v, &n, &cause), 0);
		if (n != cases[i].n)
			fprintf(stderr, "case %zu: %zu rows\n", i, n);
		assert_int_equal(n, cases[i].n);
		if (n)
			assert_int_equal(v[0]->id, cases[i].first);
		concern_records_free(v, n);
	}

	/* Paging under a filter stays within it. */
	struct concern_filter tf = {.state = "triaged", .limit = 1};
	assert_int_equal(store_concern_list(f->db, &tf, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	tf.after_id = v[0]->id;
	concern_records_free(v, n);
	assert_int_equal(store_concern_list(f->db, &tf, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0]->id, id[2]);
	assert_string_equal(v[0]->case_manager, "cm1");
	assert_string_equal(v[0]->band, "low");
	concern_records_free(v, n);
}

/* Ids of every page of fl at page size `page`, joined, into out (at most
 * max); returns how many. */
static size_t list_all_pages(struct fixture *f, struct concern_filter fl, unsigned page,
			     int64_t *out, size_t max)
{
	char *cause = NULL;
	size_t total = 0;
	fl.after_id = 0;
	fl.limit = page;
	for (;;) {
		struct concern_record **v = NULL;
		size_t n = 0;
		assert_int_equal(store_concern_list(f->db, &fl, &v, &n, &cause), 0);
		for (size_t i = 0; i < n; i++) {
			assert_true(total < max);
			out[total++] = v[i]->id;
		}
		if (n)
			fl.after_id = v[n - 1]->id;
		concern_records_free(v, n);
		if (n < page)
			return total;
	}
}

static void expect_ids(const int64_t *got, size_t n, const int64_t *want, size_t nwant,
		       const char *what)
{
	if (n != nwant)
		fail_msg("%s: %zu rows, expected %zu", what, n, nwant);
	for (size_t i = 0; i < n; i++)
		if (got[i] != want[i])
			fail_msg("%s: row %zu is id %lld, expected %lld", what, i,
				 (long long)got[i], (long long)want[i]);
}

/* "mine" (case manager or investigator) and "overdue" are led by their own
 * indexes (a UNION of two index walks; the open deadlines by concern):
 * the same rows in the same order as the filters define, one row per
 * concern, whatever the page size. */
static void test_list_mine_overdue(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t id[8];
	for (int i = 0; i < 8; i++)
		id[i] = open_concern(f, f->gp, "2026-02-01", NULL);
	const struct {
		int i;
		enum concern_person_role role;
		int64_t user;
	} people[] = {
	    {0, CONCERN_PERSON_CASE_MANAGER, f->cm1},
	    {2, CONCERN_PERSON_CASE_MANAGER, f->cm1},
	    {3, CONCERN_PERSON_INVESTIGATOR, f->cm1},
	    {3, CONCERN_PERSON_CASE_MANAGER, f->cm2},
	    {4, CONCERN_PERSON_CASE_MANAGER, f->cm2},
	    {5, CONCERN_PERSON_CASE_MANAGER, f->cm1},
	    {6, CONCERN_PERSON_INVESTIGATOR, f->cm1},
	    /* Both roles on one concern (the domain forbids it; the store
	     * must still give one row). */
	    {7, CONCERN_PERSON_CASE_MANAGER, f->cm1},
	    {7, CONCERN_PERSON_INVESTIGATOR, f->cm1},
	};
	for (size_t k = 0; k < sizeof people / sizeof people[0]; k++)
		assert_int_equal(store_concern_assign(f->db, id[people[k].i], people[k].role,
						      people[k].user, T0, "pag1", &cause),
				 0);
	set_state(f, id[2], "triaged");
	set_state(f, id[6], "triaged");
	/* Overdue before 15 February: 0 and 6 (one open deadline each), 1 (two:
	 * one row); not 4 (met), not 5 (due later). */
	add_deadline(f, id[0], CONCERN_CLOCK_TRIAGE, "2026-02-01", "2026-02-06", 0);
	add_deadline(f, id[1], CONCERN_CLOCK_TRIAGE, "2026-02-01", "2026-02-06", 0);
	add_deadline(f, id[1], CONCERN_CLOCK_INVESTIGATION, "2026-02-01", "2026-02-10", 0);
	int64_t met = add_deadline(f, id[4], CONCERN_CLOCK_TRIAGE, "2026-02-01", "2026-02-06", 0);
	assert_int_equal(store_concern_deadline_met(f->db, id[4], met, "2026-02-05", &cause), 0);
	add_deadline(f, id[5], CONCERN_CLOCK_TRIAGE, "2026-02-01", "2026-03-01", 0);
	add_deadline(f, id[6], CONCERN_CLOCK_TRIAGE, "2026-02-01", "2026-02-14", 0);

	const int64_t mine[] = {id[0], id[2], id[3], id[5], id[6], id[7]};
	const int64_t mine_triaged[] = {id[2], id[6]};
	const int64_t overdue[] = {id[0], id[1], id[6]};
	const int64_t overdue_mine[] = {id[0], id[6]};
	const int64_t overdue_triaged[] = {id[6]};
	const int64_t cm2[] = {id[3], id[4]};
	const struct {
		struct concern_filter f;
		const int64_t *want;
		size_t n;
		const char *what;
	} cases[] = {
	    {{.user_id = f->cm1}, mine, 6, "mine"},
	    {{.user_id = f->cm1, .state = "triaged"}, mine_triaged, 2, "mine, triaged"},
	    {{.user_id = f->cm2}, cm2, 2, "mine as cm2"},
	    {{.overdue_before = "2026-02-15"}, overdue, 3, "overdue"},
	    {{.overdue_before = "2026-02-15", .user_id = f->cm1}, overdue_mine, 2, "overdue, mine"},
	    {{.overdue_before = "2026-02-15", .state = "triaged"},
	     overdue_triaged,
	     1,
	     "overdue, triaged"},
	    {{.overdue_before = "2026-02-06"}, NULL, 0, "overdue before 6 February"},
	};
	static const unsigned pages[] = {1, 2, 4, 100};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
		for (size_t p = 0; p < sizeof pages / sizeof pages[0]; p++) {
			int64_t got[16];
			size_t n = list_all_pages(f, cases[c].f, pages[p], got, 16);
			char what[64];
			snprintf(what, sizeof what, "%s, pages of %u", cases[c].what, pages[p]);
			expect_ids(got, n, cases[c].want, cases[c].n, what);
		}
	/* The summary fields come through the UNION and the grouping intact. */
	struct concern_filter fl = {.user_id = f->cm1, .after_id = id[6], .limit = 10};
	struct concern_record **v = NULL;
	size_t n = 0;
	assert_int_equal(store_concern_list(f->db, &fl, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->case_manager, "cm1");
	assert_string_equal(v[0]->investigator, "cm1");
	assert_string_equal(v[0]->performer_name, "Dr Ann Smith");
	concern_records_free(v, n);
	fl = (struct concern_filter){.overdue_before = "2026-02-15", .after_id = id[0], .limit = 1};
	assert_int_equal(store_concern_list(f->db, &fl, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0]->id, id[1]);
	assert_string_equal(v[0]->next_due, "2026-02-06");
	concern_records_free(v, n);
}

/* The plans behind the lists and the due list (docs/BENCHMARKS.md
 * "Concerns at scale"): each walks an index in the order it returns and
 * stops at the page, so none sorts its matches in a temporary B-tree. */
static void test_list_plans(void **state)
{
	struct fixture *f = *state;
	const struct {
		struct concern_filter f;
		const char *index; /* the plan names it */
	} cases[] = {
	    {{.state = ""}, "SEARCH c USING INTEGER PRIMARY KEY (rowid>?)"},
	    {{.performer_id = 1}, "concerns_performer"},
	    {{.investigator_id = 1, .user_id = 1}, "concerns_investigator"},
	    {{.user_id = 1}, "MERGE (UNION)"},
	    {{.user_id = 1, .overdue_before = "2026-01-01"}, "concerns_case_manager"},
	    {{.overdue_before = "2026-01-01"}, "concern_deadlines_open_concern"},
	    {{.overdue_before = "2026-01-01", .state = "received"},
	     "concern_deadlines_open_concern"},
	    {{.state = "received"}, "concerns_state"},
	    {{.band = "high"}, "concerns_band"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *plan = NULL, *cause = NULL;
		if (db_explain(f->db, store_concern_list_sql(&cases[i].f), &plan, &cause) < 0)
			fail_msg("explain: %s", cause);
		if (strstr(plan, cases[i].index) == NULL || strstr(plan, "TEMP B-TREE") != NULL)
			fail_msg("case %zu: plan lacks %s or sorts:\n%s", i, cases[i].index, plan);
		free(plan);
	}
	char *plan = NULL, *cause = NULL;
	if (db_explain(f->db, store_concern_deadlines_due_sql(), &plan, &cause) < 0)
		fail_msg("explain: %s", cause);
	if (strstr(plan, "USING INDEX concern_deadlines_open (") == NULL ||
	    strstr(plan, "TEMP B-TREE") != NULL)
		fail_msg("due plan does not walk concern_deadlines_open:\n%s", plan);
	free(plan);
}

/* The due list pages on (due, id): deadlines sharing a due date are
 * neither lost nor repeated at a page boundary. */
static void test_due_paging(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t c[3];
	for (int i = 0; i < 3; i++)
		c[i] = open_concern(f, f->gp, "2026-02-01", NULL);
	static const char *const dues[] = {"2026-02-10", "2026-02-03", "2026-02-10", "2026-02-03",
					   "2026-02-10", "2026-03-30", "2026-02-07"};
	for (size_t i = 0; i < sizeof dues / sizeof dues[0]; i++)
		add_deadline(f, c[i % 3], CONCERN_CLOCK_TRIAGE, "2026-02-01", dues[i], 0);
	struct concern_due_filter df = {.due_by = "2026-02-28", .limit = 100};
	struct concern_deadline_record *all = NULL, *v = NULL;
	size_t nall = 0, n = 0;
	assert_int_equal(store_concern_deadlines_due(f->db, &df, &all, &nall, &cause), 0);
	assert_int_equal(nall, 6);
	for (unsigned page = 1; page <= 7; page++) {
		char after[DOMAIN_DATE_BUFSZ] = "";
		df.after_due = after;
		df.after_id = 0;
		df.limit = page;
		size_t seen = 0;
		for (;;) {
			assert_int_equal(store_concern_deadlines_due(f->db, &df, &v, &n, &cause),
					 0);
			for (size_t i = 0; i < n; i++, seen++) {
				assert_true(seen < nall);
				assert_int_equal(v[i].id, all[seen].id);
			}
			if (n) {
				snprintf(after, sizeof after, "%s", v[n - 1].due);
				df.after_id = v[n - 1].id;
			}
			concern_deadlines_free(v, n);
			if (n < page)
				break;
		}
		assert_int_equal(seen, nall);
	}
	concern_deadlines_free(all, nall);
}

static void test_appeal_window_expired(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t passed = open_concern(f, f->gp, "2026-01-05", NULL);
	int64_t running = open_concern(f, f->gp, "2026-01-05", NULL);
	int64_t today_due = open_concern(f, f->gp, "2026-01-05", NULL);
	int64_t missing = open_concern(f, f->gp, "2026-01-05", NULL);
	int64_t appealed = open_concern(f, f->gp, "2026-01-05", NULL);
	set_state(f, passed, "appeal-window");
	set_state(f, running, "appeal-window");
	set_state(f, today_due, "appeal-window");
	set_state(f, missing, "appeal-window");
	set_state(f, appealed, "under-appeal");
	add_deadline(f, passed, CONCERN_CLOCK_APPEAL, "2026-05-01", "2026-05-29", 0);
	add_deadline(f, passed, CONCERN_CLOCK_HEARING, "2026-05-01", "2026-07-01", 0);
	add_deadline(f, running, CONCERN_CLOCK_APPEAL, "2026-05-10", "2026-06-07", 0);
	add_deadline(f, today_due, CONCERN_CLOCK_APPEAL, "2026-05-04", "2026-06-01", 0);
	add_deadline(f, appealed, CONCERN_CLOCK_APPEAL, "2026-04-01", "2026-04-29", 0);

	struct concern_record **v = NULL;
	size_t n = 0;
	assert_int_equal(
	    store_concern_appeal_window_expired(f->db, "2026-06-01", 100, &v, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_int_equal(v[0]->id, passed);
	assert_int_equal(v[1]->id, missing);
	concern_records_free(v, n);
	assert_int_equal(
	    store_concern_appeal_window_expired(f->db, "2026-06-02", 100, &v, &n, &cause), 0);
	assert_int_equal(n, 3);
	concern_records_free(v, n);
	assert_int_equal(
	    store_concern_appeal_window_expired(f->db, "2026-06-02", 1, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	concern_records_free(v, n);
}

/* ---- the schema's refusals --------------------------------------------------------- */

static void test_append_only(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t id = open_concern(f, f->gp, "2026-01-05", NULL);
	assert_int_equal(
	    store_concern_grade_add(f->db, id, 3, 3, "r", NULL, T0, "cm1", NULL, &cause), 0);
	struct concern_event_record e = {.at = T0, .by = "cm1", .kind = "opened"};
	assert_int_equal(store_concern_event_add(f->db, id, &e, NULL, &cause), 0);
	assert_int_equal(store_concern_event_add(f->db, id, &e, NULL, &cause), 0);
	assert_int_equal(store_concern_note_add(f->db, id, "n", T0, "cm1", NULL, &cause), 0);
	assert_int_equal(
	    store_concern_evidence_add(f->db, id, "t", "", "", T0, "cm1", NULL, &cause), 0);
	struct concern_decision_record d = {.kind = "decision", .date = "2026-04-01"};
	assert_int_equal(store_concern_decision_add(f->db, id, &d, T0, "pan1", NULL, &cause), 0);
	add_deadline(f, id, CONCERN_CLOCK_TRIAGE, "2026-01-05", "2026-01-12", 0);
	struct concern_referral_record r = {.body = "ncas", .date = "2026-01-06"};
	assert_int_equal(store_concern_referral_add(f->db, id, &r, T0, "cm1", NULL, &cause), 0);
	assert_int_equal(store_concern_action_add(f->db, id, "a", "", "", T0, "cm1", NULL, &cause),
			 0);
	assert_int_equal(store_concern_assign(f->db, id, CONCERN_PERSON_CASE_MANAGER, f->cm1, T0,
					      "pag1", &cause),
			 0);
	open_concern(f, f->gp, "2026-01-06", NULL);

	static const struct {
		const char *sql, *why; /* why: a word of the refusal */
	} refused[] = {
	    {"UPDATE concern_grades SET score = 25", "append-only"},
	    {"DELETE FROM concern_grades", "append-only"},
	    {"INSERT OR REPLACE INTO concern_grades (id, concern_id, consequence, likelihood,"
	     " score, band, reason, at, by_user) SELECT id, concern_id, 5, 5, 25, 'extreme', '',"
	     " 0, '' FROM concern_grades",
	     "replaced"},
	    {"UPDATE concern_events SET text = 'rewritten'", "append-only"},
	    {"DELETE FROM concern_events WHERE id = 1", "append-only"},
	    {"REPLACE INTO concern_events (id, concern_id, at, by_user, kind)"
	     " VALUES (1, 1, 0, 'x', 'forged')",
	     "replaced"},
	    {"UPDATE concern_notes SET text = 'x'", "append-only"},
	    {"DELETE FROM concern_notes", "append-only"},
	    {"REPLACE INTO concern_notes (id, concern_id, text, at, by_user)"
	     " VALUES (1, 1, 'forged', 0, 'x')",
	     "replaced"},
	    {"UPDATE concern_evidence SET sha256 = ''", "append-only"},
	    {"DELETE FROM concern_evidence", "append-only"},
	    {"REPLACE INTO concern_evidence (id, concern_id, title, at, by_user)"
	     " VALUES (1, 1, 'forged', 0, 'x')",
	     "replaced"},
	    {"UPDATE concern_decisions SET outcome = 'removal'", "append-only"},
	    {"DELETE FROM concern_decisions", "append-only"},
	    {"REPLACE INTO concern_decisions (id, concern_id, kind, date, at, by_user)"
	     " VALUES (1, 1, 'decision', '2026-01-01', 0, 'x')",
	     "replaced"},
	    /* Never deleted, identity fixed, values checked. */
	    {"DELETE FROM concerns", "never deleted"},
	    {"UPDATE concerns SET performer_id = 2", "never change"},
	    {"UPDATE concerns SET ref = 'CON-2026-0009', seq = 9", "never change"},
	    {"UPDATE concerns SET state = 'reopened'", "CHECK"},
	    {"UPDATE concerns SET received = '5 Jan 2026'", "CHECK"},
	    {"UPDATE concerns SET band = 'severe'", "CHECK"},
	    {"UPDATE concerns SET score = 7", "CHECK"},
	    {"UPDATE concerns SET linked_id = id", "CHECK"},
	    {"INSERT OR REPLACE INTO concerns (ref, year, seq, performer_id, source, category,"
	     " summary, received, state, created_at, updated_at) VALUES ('CON-2026-0001', 2026,"
	     " 1, 2, 'other', 'conduct', 'forged', '2026-01-01', 'received', 0, 0)",
	     "replaced"},
	    {"UPDATE concern_deadlines SET concern_id = 2", "never move"},
	    {"UPDATE concern_referrals SET id = 99", "never move"},
	    {"UPDATE concern_actions SET number = 2", "keeps its number"},
	    {"INSERT OR REPLACE INTO concern_actions (concern_id, number, text, at, by_user)"
	     " VALUES (1, 1, 'forged', 0, 'x')",
	     "replaced"},
	    {"DELETE FROM concern_deadlines", "never deleted"},
	    {"DELETE FROM concern_referrals", "never deleted"},
	    {"DELETE FROM concern_actions", "never deleted"},
	    {"DELETE FROM concern_people", "never deleted"},
	};
	for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
		char *why = NULL;
		if (db_exec(f->db, refused[i].sql, &why) == 0)
			fail_msg("not refused: %s", refused[i].sql);
		if (strstr(why, refused[i].why) == NULL)
			fail_msg("%s: refused for another reason: %s", refused[i].sql, why);
		free(why);
	}

	/* Nothing changed. */
	struct concern_event_record *ev = NULL;
	size_t n = 0;
	assert_int_equal(store_concern_events(f->db, id, &ev, &n, &cause), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ev[0].kind, "opened");
	concern_events_free(ev, n);
	struct concern_grade_record *g = NULL;
	assert_int_equal(store_concern_grades(f->db, id, &g, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(g[0].score, 9);
	concern_grades_free(g, n);

	/* Through the store the same refusal reads as INVALID_ARGUMENT, and
	 * appending still works after a refused REPLACE. */
	assert_int_equal(store_concern_note_add(f->db, id, "m", T0, "cm1", NULL, &cause), 0);

	/* People history: only ending a current row. */
	assert_int_not_equal(exec_refused(f->db, "UPDATE concern_people SET user_id = 2"), 0);
	assert_int_equal(exec_ok(f->db, "UPDATE concern_people SET to_at = from_at + 1"), 0);
	assert_int_not_equal(exec_refused(f->db, "UPDATE concern_people SET to_at = to_at + 1"), 0);
	/* Mutable fields of a concern do change. */
	assert_int_equal(exec_ok(f->db, "UPDATE concerns SET summary = summary || '.'"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_reference_allocation, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reference_refusals, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_get_roundtrip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_version, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_grades, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_people, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_referrals_notes_evidence, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_actions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_decisions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_deadlines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_filters_and_paging, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_mine_overdue, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_list_plans, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_due_paging, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_appeal_window_expired, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_append_only, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
