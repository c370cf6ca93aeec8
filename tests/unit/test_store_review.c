/*
 * The review store and review_common against a real SQLite file in a
 * temporary directory, migrated to the latest schema: reference
 * allocation and the checklist and SfBH rows made at scheduling, one
 * review per contract, year and kind, the version-checked update, answers
 * and scores (an upsert the no-delete trigger allows), the content as the
 * rules see it with the overall result and its derivation, the finalise
 * list (led by the missing set), the previous year's visit type, list
 * filters, and the due list's order and paging.
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

#include "arena.h"
#include "assure.pb-c.h"
#include "db.h"
#include "domain_review.h"
#include "review_common.h"
#include "rpc.h"
#include "store_contract.h"
#include "store_review.h"
#include "xmalloc.h"

#define T0 1275386400 /* 2010-06-01T10:00:00Z, in seconds */

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
	int64_t c1, c2, set;
};

static void exec(struct db *db, const char *sql)
{
	char *cause = NULL;
	if (db_exec(db, sql, &cause) < 0)
		fail_msg("%s: %s", sql, cause);
}

static void insert_set(struct db *db, const char *name, const char *year)
{
	char *sql = xasprintf("INSERT INTO indicator_sets (name, year, created_at, created_by,"
			      " updated_at, updated_by) VALUES ('%s', '%s', 0, 'x', 0, 'x')",
			      name, year);
	exec(db, sql);
	free(sql);
}

static int64_t contract_id(struct db *db, const char *ods)
{
	struct contract_record *c = NULL;
	char *cause = NULL;
	assert_int_equal(store_contract_get(db, ods, &c, &cause), 0);
	int64_t id = c->id;
	contract_record_free(c);
	return id;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/assure-test-review-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/a.db", f->dir);
	char *cause = NULL;
	int v = 0;
	if (db_open(f->path, DB_CREATE, &f->db, &cause) < 0 || db_migrate(f->db, &v, &cause) < 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	exec(f->db, "INSERT INTO sites (code, name, created_at) VALUES ('HQ', 'Headquarters', 0)");
	exec(f->db, "INSERT INTO contracts (ods, name, name_fold, type, list_size, site_id,"
		    " created_at, created_by, updated_at, updated_by) VALUES"
		    " ('E84001', 'Park Surgery', 'park surgery', 'gms', 6000, 1, 0, 'x', 0, 'x'),"
		    " ('E84002', 'Mill Lane', 'mill lane', 'pms', 4000, 1, 0, 'x', 0, 'x')");
	insert_set(f->db, "BSC 2009/10", "2009/10");
	exec(f->db, "INSERT INTO indicators (set_id, position, code, name, domain, unit, direction,"
		    " green, amber, weight, critical) VALUES"
		    " (1, 1, 'QOF01', 'QOF points', 'qof', 'points', 'higher', 9000000, 8000000,"
		    "  10000, 0),"
		    " (1, 2, 'ACC01', 'Access', 'access', '%', 'higher', 900000, 800000, 20000, 1),"
		    " (1, 3, 'PRE01', 'Antibiotics', 'prescribing', 'items', 'lower', 50000, 60000,"
		    "  10000, 0)");
	exec(f->db, "UPDATE indicator_sets SET state = 'published' WHERE id = 1");
	f->c1 = contract_id(f->db, "E84001");
	f->c2 = contract_id(f->db, "E84002");
	f->set = 1;
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

static int64_t insert(struct fixture *f, int64_t contract, const char *year, const char *kind,
		      const char *date, int64_t set, char **ref)
{
	int y = 0;
	char *cause = NULL;
	assert_int_equal(domain_review_year_parse(year, &y, &cause), 0);
	struct review_new in = {contract, y, year, kind, "standard", date ? date : "", set};
	int64_t id = 0;
	int st = store_review_insert(f->db, &in, T0, "cm", &id, ref, &cause);
	if (st != 0)
		fail_msg("insert: %s", cause ? cause : "?");
	return id;
}

static void test_insert_and_load(void **state)
{
	struct fixture *f = *state;
	char *ref = NULL, *cause = NULL;
	int64_t id = insert(f, f->c1, "2009/10", "annual", "2010-06-10", f->set, &ref);
	assert_string_equal(ref, "REV-2009-0001");
	free(ref);
	ref = NULL;
	(void)insert(f, f->c2, "2009/10", "annual", NULL, 0, &ref);
	assert_string_equal(ref, "REV-2009-0002");
	free(ref);
	ref = NULL;
	(void)insert(f, f->c1, "2010/11", "annual", NULL, 0, &ref);
	assert_string_equal(ref, "REV-2010-0001");
	free(ref);

	/* One per contract, year and kind. */
	struct review_new dup = {f->c1, 2009, "2009/10", "annual", "full", "", 0};
	assert_int_equal(store_review_insert(f->db, &dup, T0, "cm", NULL, NULL, &cause),
			 ASSURE__CODE__ALREADY_EXISTS);
	free(cause);
	cause = NULL;
	char *found = NULL;
	assert_int_equal(store_review_find(f->db, f->c1, "2009/10", "annual", &found, &cause), 0);
	assert_string_equal(found, "REV-2009-0001");
	free(found);
	assert_int_equal(store_review_find(f->db, f->c1, "2009/10", "mid-year", &found, &cause),
			 ASSURE__CODE__NOT_FOUND);

	struct review_ctx ctx;
	assert_int_equal(review_load_id(f->db, id, &ctx, &cause), 0);
	assert_string_equal(ctx.r->ods, "E84001");
	assert_string_equal(ctx.r->practice, "Park Surgery");
	assert_string_equal(ctx.r->site, "HQ");
	assert_string_equal(ctx.r->state, "scheduled");
	assert_string_equal(ctx.r->scheduled_date, "2010-06-10");
	assert_int_equal(ctx.r->catalogue_version, 1);
	assert_int_equal(ctx.r->version, 1);
	assert_int_equal(ctx.state, REVIEW_STATE_SCHEDULED);
	assert_non_null(ctx.set);
	assert_false(ctx.set_unbound);
	assert_int_equal(ctx.n_checks, 14);
	assert_int_equal(ctx.n_sfbh, 7);
	assert_int_equal(ctx.n_scores, 3);
	assert_int_equal(ctx.c.n_requirements, 14);
	assert_int_equal(ctx.c.n_indicators, 3);
	assert_int_equal(ctx.c.requirements[0].result, REQUIREMENT_UNANSWERED);
	assert_int_equal(ctx.c.sfbh[SFBH_SAFETY], SFBH_UNANSWERED);
	assert_int_equal(ctx.rule.green_mean, 15000);
	assert_true(ctx.ind[1].critical);
	/* 14 + 7 + 3 + 3 narrative + no result. */
	assert_int_equal(review_missing(&ctx, NULL), 28);
	review_ctx_clear(&ctx);
}

static void test_answers_scores_result(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t id = insert(f, f->c1, "2009/10", "annual", NULL, f->set, NULL);
	assert_int_equal(
	    store_review_check_set(f->db, id, "PREMISES", "partly", "no ramp", T0, "rev", &cause),
	    0);
	assert_int_equal(
	    store_review_check_set(f->db, id, "COMPLAINTS", "not-met", "none", T0, "rev", &cause),
	    0);
	assert_int_equal(store_review_check_set(f->db, id, "NOSUCH", "met", "x", T0, "rev", &cause),
			 ASSURE__CODE__NOT_FOUND);
	assert_int_equal(
	    store_review_sfbh_set(f->db, id, "governance", "partly", "minutes", T0, "rev", &cause),
	    0);
	/* Scores: a value, then not available, then a value again (an upsert:
	 * the no-delete trigger would refuse a REPLACE). */
	assert_int_equal(
	    store_review_score_set(f->db, id, 1, 1, 9500000, "green", NULL, T0, "rev", &cause), 0);
	assert_int_equal(
	    store_review_score_set(f->db, id, 2, 0, 0, NULL, "no data", T0, "rev", &cause), 0);
	assert_int_equal(
	    store_review_score_set(f->db, id, 2, 1, 950000, "green", NULL, T0, "rev", &cause), 0);
	assert_int_equal(store_review_score_set(f->db, id, 3, 0, 0, NULL, "practice system change",
						T0, "rev", &cause),
			 0);

	struct review_ctx ctx;
	assert_int_equal(review_load_id(f->db, id, &ctx, &cause), 0);
	assert_int_equal(ctx.c.sfbh[SFBH_GOVERNANCE], SFBH_PARTLY);
	assert_int_equal(ctx.ent[0].state, REVIEW_VALUE_GIVEN);
	assert_int_equal(ctx.ent[1].state, REVIEW_VALUE_GIVEN);
	assert_int_equal(ctx.ent[1].value, 950000);
	assert_int_equal(ctx.ent[2].state, REVIEW_VALUE_NOT_AVAILABLE);
	assert_string_equal(ctx.scores[2].not_available, "practice system change");
	char *why = NULL;
	assert_int_equal(review_overall(&ctx, &why), REVIEW_RAG_AMBER);
	assert_string_equal(why, "weighted mean 2.00 over 2 of 3 indicators (1 not available): "
				 "green (green at 1.50 or more, red below 0.75); capped at amber: "
				 "requirement COMPLAINTS not met");
	free(why);
	assert_int_equal(review_rag_in_force(&ctx), REVIEW_RAG_AMBER);
	char *missing = NULL;
	size_t n = review_missing(&ctx, &missing);
	assert_true(n > 3);
	assert_non_null(
	    strstr(missing, "action plan: requirement PREMISES partly met has no action"));
	assert_non_null(
	    strstr(missing, "action plan: SfBH domain governance partly compliant has no action"));
	free(missing);
	review_ctx_clear(&ctx);

	/* An action for PREMISES, numbered within the review. */
	int number = 0;
	assert_int_equal(store_review_action_add(f->db, id, "fit a ramp", "manager", "2010-09-30",
						 "PREMISES", T0, "rev", &number, &cause),
			 0);
	assert_int_equal(number, 1);
	assert_int_equal(store_review_action_add(f->db, id, "write it", "manager", "2010-07-01",
						 "COMPLAINTS", T0, "rev", &number, &cause),
			 0);
	assert_int_equal(number, 2);
	assert_int_equal(store_review_action_done(f->db, id, 2, "2010-06-20", T0, "rev", &cause),
			 0);
	assert_int_equal(store_review_action_done(f->db, id, 2, "2010-06-21", T0, "rev", &cause),
			 ASSURE__CODE__FAILED_PRECONDITION);
	free(cause);
	cause = NULL;
	assert_int_equal(store_review_action_done(f->db, id, 9, "2010-06-21", T0, "rev", &cause),
			 ASSURE__CODE__NOT_FOUND);
	assert_int_equal(review_load_id(f->db, id, &ctx, &cause), 0);
	assert_int_equal(ctx.c.n_actions, 2);
	assert_int_equal(ctx.act[1].status, ACTION_DONE);
	assert_string_equal(ctx.act[0].for_item, "PREMISES");
	review_ctx_clear(&ctx);
}

static void test_update_versions(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t id = insert(f, f->c2, "2009/10", "annual", NULL, f->set, NULL);
	struct review_update u;
	review_update_init(&u);
	u.state = "visited";
	u.visited_date = "2010-05-20";
	struct db_stamp stamp = {0};
	assert_int_equal(store_review_update(f->db, id, 1, &u, T0 + 5, "rev", &stamp, &cause), 0);
	assert_int_equal(stamp.version, 2);
	assert_string_equal(stamp.updated_by, "rev");
	db_stamp_clear(&stamp);

	/* Stale: ABORTED with who changed it. */
	review_update_init(&u);
	u.achievements = "new clinic";
	assert_int_equal(store_review_update(f->db, id, 1, &u, T0 + 9, "cm", &stamp, &cause),
			 ASSURE__CODE__ABORTED);
	assert_int_equal(stamp.version, 2);
	assert_int_equal(stamp.updated_at, T0 + 5);
	assert_string_equal(stamp.updated_by, "rev");
	db_stamp_clear(&stamp);
	free(cause);
	cause = NULL;
	/* 0: whatever it is. */
	assert_int_equal(store_review_update(f->db, id, 0, &u, T0 + 9, "cm", NULL, &cause), 0);

	/* QOF, with and without an exception rate. */
	review_update_init(&u);
	u.set_qof = 1;
	u.qof_clinical = 6500000;
	u.qof_organisational = 1605000;
	u.has_exception_rate = 1;
	u.qof_exception_rate = 48000;
	/* Recorded QOF carries its maxima: none, or not 1,000 in all, is
	 * refused by the schema. */
	assert_int_equal(store_review_update(f->db, id, 3, &u, T0, "cm", NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	u.qof_max_clinical = 6000000;
	u.qof_max_organisational = 2645000;
	u.qof_max_patient_experience = 915000;
	u.qof_max_additional = 440001;
	assert_int_equal(store_review_update(f->db, id, 3, &u, T0, "cm", NULL, &cause),
			 ASSURE__CODE__INVALID_ARGUMENT);
	free(cause);
	cause = NULL;
	u.qof_max_additional = 440000;
	assert_int_equal(store_review_update(f->db, id, 3, &u, T0, "cm", NULL, &cause), 0);
	struct review_record *r = NULL;
	assert_int_equal(store_review_get(f->db, id, "2010-06-01", &r, &cause), 0);
	assert_int_equal(r->version, 4);
	assert_string_equal(r->state, "visited");
	assert_string_equal(r->visited_date, "2010-05-20");
	assert_string_equal(r->achievements, "new clinic");
	assert_true(r->qof_recorded);
	assert_int_equal(r->qof_organisational, 1605000);
	assert_true(r->has_exception_rate);
	assert_int_equal(r->qof_exception_rate, 48000);
	assert_int_equal(r->qof_max_clinical, 6000000);
	assert_int_equal(r->qof_max_organisational, 2645000);
	assert_int_equal(r->qof_max_patient_experience, 915000);
	assert_int_equal(r->qof_max_additional, 440000);
	review_record_free(r);

	/* The schema keeps a finalised review's final RAG and next visit. */
	review_update_init(&u);
	u.state = "finalised";
	assert_int_not_equal(store_review_update(f->db, id, 0, &u, T0, "cm", NULL, &cause), 0);
	free(cause);
	cause = NULL;
	u.final_rag = "red";
	u.next_visit_type = "full";
	u.follow_up = 1;
	u.finalised_at = T0;
	u.finalised_by = "cm";
	assert_int_equal(store_review_update(f->db, id, 0, &u, T0, "cm", NULL, &cause), 0);
	/* Stored results without a bump. */
	assert_int_equal(
	    store_review_set_result(f->db, id, "amber", "why", "amber", "standard", 0, &cause), 0);
	assert_int_equal(store_review_get(f->db, id, "2010-06-01", &r, &cause), 0);
	assert_int_equal(r->version, 5);
	assert_string_equal(r->final_rag, "amber");
	assert_string_equal(r->next_visit_type, "standard");
	assert_false(r->follow_up);
	assert_string_equal(r->derivation, "why");
	review_record_free(r);

	/* Next year's default visit type is this one's next visit type. */
	char *visit = NULL;
	assert_int_equal(store_review_last_next_visit(f->db, f->c2, "2010/11", &visit, &cause), 0);
	assert_string_equal(visit, "standard");
	free(visit);
	assert_int_equal(store_review_last_next_visit(f->db, f->c2, "2009/10", &visit, &cause),
			 ASSURE__CODE__NOT_FOUND);
	assert_int_equal(store_review_last_next_visit(f->db, f->c1, "2010/11", &visit, &cause),
			 ASSURE__CODE__NOT_FOUND);

	/* The list's filters: the RAG in force, the state, the year. */
	struct review_filter lf = {.rag = "amber", .today = "2010-06-01", .limit = 10};
	struct review_record **v = NULL;
	size_t n = 0;
	assert_int_equal(store_review_list(f->db, &lf, &v, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0]->ref, "REV-2009-0001");
	review_records_free(v, n);
	lf = (struct review_filter){
	    .state = "scheduled", .year = "2009/10", .today = "2010-06-01", .limit = 10};
	assert_int_equal(store_review_list(f->db, &lf, &v, &n, &cause), 0);
	assert_int_equal(n, 0);
	review_records_free(v, n);
}

static void test_no_set_and_binding(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t id = insert(f, f->c2, "2010/11", "annual", NULL, 0, NULL);
	struct review_ctx ctx;
	assert_int_equal(review_load_id(f->db, id, &ctx, &cause), 0);
	assert_null(ctx.set);
	char *missing = NULL, *why = NULL;
	/* The missing set, 14 + 7 answers, 3 narrative parts, no result. */
	assert_int_equal(review_missing(&ctx, &missing), 26);
	assert_true(strncmp(missing,
			    "indicator set: none is published for 2010/11, so the scorecard cannot "
			    "be completed\nrequirement PRACTICE_LEAFLET not answered",
			    120) == 0);
	free(missing);
	assert_int_equal(review_overall(&ctx, &why), REVIEW_RAG_NONE);
	assert_non_null(strstr(why, "no indicator set is published for 2010/11"));
	free(why);
	review_ctx_clear(&ctx);

	/* Published later: found, and bound by the writer. */
	insert_set(f->db, "BSC 2010/11", "2010/11");
	exec(f->db,
	     "INSERT INTO indicators (set_id, position, code, name, domain, direction, green,"
	     " amber) VALUES (2, 1, 'QOF01', 'QOF', 'qof', 'higher', 9000000, 8000000)");
	exec(f->db, "UPDATE indicator_sets SET state = 'published' WHERE id = 2");
	assert_int_equal(review_load_id(f->db, id, &ctx, &cause), 0);
	assert_non_null(ctx.set);
	assert_true(ctx.set_unbound);
	assert_int_equal(ctx.n_scores, 1);
	assert_int_equal(review_bind_set(f->db, &ctx, &cause), 0);
	review_ctx_clear(&ctx);
	assert_int_equal(review_load_id(f->db, id, &ctx, &cause), 0);
	assert_false(ctx.set_unbound);
	assert_string_equal(ctx.r->set_name, "BSC 2010/11");
	review_ctx_clear(&ctx);
}

static void test_due_order_and_paging(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t a = insert(f, f->c1, "2009/10", "annual", NULL, f->set, NULL);
	(void)insert(f, f->c2, "2009/10", "annual", "2010-06-05", f->set, NULL);
	(void)insert(f, f->c1, "2009/10", "mid-year", "2010-07-20", f->set, NULL);
	int number;
	assert_int_equal(store_review_action_add(f->db, a, "one", "o", "2010-05-01", "", T0, "cm",
						 &number, &cause),
			 0);
	assert_int_equal(store_review_action_add(f->db, a, "two", "o", "2010-06-05", "", T0, "cm",
						 &number, &cause),
			 0);
	assert_int_equal(store_review_action_add(f->db, a, "three", "o", "2010-09-01", "", T0, "cm",
						 &number, &cause),
			 0);
	exec(f->db, "INSERT INTO contract_notices (contract_id, number, kind, text, date,"
		    " period_days, deadline, at, by_user) VALUES"
		    " (1, 1, 'remedial', 'access', '2010-05-10', 28, '2010-06-07', 0, 'cm'),"
		    " (1, 2, 'breach', 'fraud', '2010-05-10', 0, '', 0, 'cm')");

	/* Due by 2010-06-15: action 1 (1 May), action 2 and the visit (5
	 * June: action first), the notice (7 June); not the mid-year visit,
	 * action 3 or the breach notice (no deadline). */
	static const char *const want[][2] = {
	    {"action", "2010-05-01"},
	    {"action", "2010-06-05"},
	    {"visit", "2010-06-05"},
	    {"notice", "2010-06-07"},
	};
	struct review_due_filter df = {.due_by = "2010-06-15", .limit = 10};
	struct review_due_record *v = NULL;
	size_t n = 0;
	assert_int_equal(store_review_due(f->db, &df, &v, &n, &cause), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v[i].kind, want[i][0]);
		assert_string_equal(v[i].due, want[i][1]);
	}
	assert_string_equal(v[0].review_ref, "REV-2009-0001");
	assert_string_equal(v[0].ods, "E84001");
	assert_int_equal(v[0].number, 1);
	assert_string_equal(v[3].text, "remedial notice: access");
	review_due_free(v, n);

	/* Page by page, after the last item seen. */
	char *after = NULL;
	int kind = 0;
	int64_t id = 0;
	for (size_t i = 0; i < 4; i++) {
		df = (struct review_due_filter){.due_by = "2010-06-15",
						.after_due = after,
						.after_kind = kind,
						.after_id = id,
						.limit = 1};
		assert_int_equal(store_review_due(f->db, &df, &v, &n, &cause), 0);
		assert_int_equal(n, 1);
		assert_string_equal(v[0].kind, want[i][0]);
		assert_string_equal(v[0].due, want[i][1]);
		free(after);
		after = xstrdup(v[0].due);
		kind = v[0].kind_order;
		id = v[0].id;
		review_due_free(v, n);
	}
	df = (struct review_due_filter){.due_by = "2010-06-15",
					.after_due = after,
					.after_kind = kind,
					.after_id = id,
					.limit = 1};
	assert_int_equal(store_review_due(f->db, &df, &v, &n, &cause), 0);
	assert_int_equal(n, 0);
	free(v);
	free(after);

	/* Overdue actions in the list and the counts. */
	struct review_filter lf = {.overdue_actions = 1, .today = "2010-06-01", .limit = 10};
	struct review_record **r = NULL;
	assert_int_equal(store_review_list(f->db, &lf, &r, &n, &cause), 0);
	assert_int_equal(n, 1);
	assert_int_equal(r[0]->id, a);
	assert_int_equal(r[0]->open_actions, 3);
	assert_int_equal(r[0]->overdue_actions, 1);
	review_records_free(r, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_insert_and_load, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_answers_scores_result, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update_versions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_set_and_binding, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_due_order_and_paging, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
