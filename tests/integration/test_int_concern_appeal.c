/*
 * The end of a concern's panel route against a real assured whose clock is
 * a file (DOMAIN.md "Concerns": "notice-issued, hearing-scheduled ->
 * decided ... not before the 28 days end or representations are in" and
 * "under-appeal -> monitoring or closed: tribunal outcome; it may reverse
 * the list change"; docs/CONCERNS.md "Appeals"):
 *
 *   1. an early decision: refused before the 28-day representations window
 *      ends, naming the rule; allowed with representations received
 *      (ConcernDecide.representations_received, and the CLI's
 *      --representations-received);
 *   2. a removal appealed and allowed by the tribunal: the performer goes
 *      back to the status before the decision, with a list-history row;
 *      the bad requests on the way name their fields;
 *   3. conditions appealed and the appeal dismissed: the decision stands,
 *      with no list-history row;
 *   4. conditions, a breach, a removal, an appeal allowed: the performer
 *      goes back to included-with-conditions with the conditions it had.
 *
 * The expected answers come from DOMAIN.md and docs/CONCERNS.md, never from
 * the server. The clock walks forward only; 2026-11-02 is a Monday.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#define PW "concern appeal passphrase 7"
#define SITE "HQ"

#define OK ASSURE__CODE__OK
#define FP ASSURE__CODE__FAILED_PRECONDITION
#define PD ASSURE__CODE__PERMISSION_DENIED
#define IA ASSURE__CODE__INVALID_ARGUMENT

#define D0 "2026-11-02"
#define DAY10 "2026-11-12"
#define DAY28 "2026-11-30"

enum { U_CM, U_PAG, U_PANEL1, U_PANEL2, U_PANEL3, NUSERS };

static const struct {
	const char *name, *roles;
} users[NUSERS] = {
    [U_CM] = {"cm", "case-manager"},	     [U_PAG] = {"pag", "pag-member"},
    [U_PANEL1] = {"panel1", "panel-member"}, [U_PANEL2] = {"panel2", "panel-member"},
    [U_PANEL3] = {"panel3", "panel-member"},
};

static struct harness_server server;
static struct harness_clock clk;
static struct client *cl[NUSERS];

#define CM (cl[U_CM])
#define PAG (cl[U_PAG])
#define PANEL1 (cl[U_PANEL1])

static const char *const panel123[] = {"panel1", "panel2", "panel3", NULL};

#define CONDITIONS "supervised practice for 12 months"

/* Performers: one per story. */
static int64_t gp_early, gp_allowed, gp_dismissed, gp_breach, gp_moved, gp_recond;
/* Their concerns, all given notice on day 0. */
static char ref_early[16], ref_allowed[16], ref_dismissed[16], ref_breach[16];
static char ref_moved_a[16], ref_moved_b[16], ref_recond_a[16], ref_recond_b[16];

/* ---- the clock ------------------------------------------------------------ */

static time_t ymd_time(const char *ymd)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (sscanf(ymd, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		fail_msg("bad date %s", ymd);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 10;
	return timegm(&tm);
}

static void login_all(void)
{
	for (int i = 0; i < NUSERS; i++) {
		if (cl[i] != NULL)
			client_free(cl[i]);
		cl[i] = harness_connect_login(&server, users[i].name, PW, NULL, NULL);
	}
}

/* 10:00 UTC on ymd (GMT in November: the same civil date in London), and
 * everyone logged in again. */
static void set_day(const char *ymd)
{
	harness_clock_set(&clk, (int64_t)ymd_time(ymd) * 1000);
	login_all();
}

/* ---- concern helpers ------------------------------------------------------ */

static Assure__Response *show(const char *ref)
{
	struct harness_ireq r;
	harness_ireq_concern_show(&r, ref);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "ConcernShow");
	assert_non_null(resp->concern_show);
	assert_non_null(resp->concern_show->concern);
	return resp;
}

static uint64_t version_of(const char *ref)
{
	Assure__Response *resp = show(ref);
	uint64_t v = resp->concern_show->concern->version;
	assure__response__free_unpacked(resp, NULL);
	return v;
}

static void expect_state(const char *ref, const char *state)
{
	Assure__Response *resp = show(ref);
	char got[64];
	snprintf(got, sizeof got, "%s", resp->concern_show->concern->state);
	assure__response__free_unpacked(resp, NULL);
	if (strcmp(got, state) != 0)
		fail_msg("%s: state '%s', expected '%s'", ref, got, state);
}

/* The move (or grade, assign) response's concern in state; its version. */
static uint64_t moved(Assure__Response *resp, const char *state)
{
	const Assure__ConcernMoveResponse *m = NULL;
	if (resp->result_case == ASSURE__RESPONSE__RESULT_CONCERN_MOVE)
		m = resp->concern_move;
	else if (resp->result_case == ASSURE__RESPONSE__RESULT_CONCERN_GRADE)
		m = resp->concern_grade;
	else if (resp->result_case == ASSURE__RESPONSE__RESULT_CONCERN_ASSIGN)
		m = resp->concern_assign;
	assert_non_null(m);
	assert_non_null(m->concern);
	if (state != NULL)
		assert_string_equal(m->concern->state, state);
	uint64_t v = m->concern->version;
	assure__response__free_unpacked(resp, NULL);
	return v;
}

/* Opens a concern about performer, grades it, names cm, triages it, refers
 * it to the panel and issues notice on D0 (representations due in 28
 * days). Returns the version. */
static uint64_t to_notice(int64_t performer, char ref[16])
{
	struct harness_ireq r;
	harness_ireq_concern_open(&r, performer, "colleague", "conduct",
				  "repeated failure to refer suspected cancer", D0, "", NULL);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "ConcernOpen");
	snprintf(ref, 16, "%s", resp->concern_open->concern->ref);
	uint64_t v = resp->concern_open->concern->version;
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_concern_grade(&r, ref, 4, 3, "major, possible", v);
	v = moved(harness_iexpect(CM, &r, OK, "ConcernGrade"), NULL);
	harness_ireq_concern_assign(&r, ref, "cm", NULL, v);
	v = moved(harness_iexpect(CM, &r, OK, "ConcernAssign"), NULL);
	(void)harness_ireq_concern_move(&r, ref, "triaged", "triaged", NULL, v);
	v = moved(harness_iexpect(CM, &r, OK, "move triaged"), "triaged");
	Assure__ConcernMoveRequest *m =
	    harness_ireq_concern_move(&r, ref, "panel-referred", "for the panel", NULL, v);
	m->grounds = (char *)"efficiency";
	v = moved(harness_iexpect(PAG, &r, OK, "move panel-referred"), "panel-referred");
	m = harness_ireq_concern_move(&r, ref, "notice-issued", "notice to the performer", NULL, v);
	m->allegation = (char *)"repeated failure to refer suspected cancer";
	m->proposed_action = (char *)"removal from the list";
	m->grounds = (char *)"efficiency";
	m->notice_sent = (char *)D0;
	return moved(harness_iexpect(CM, &r, OK, "move notice-issued"), "notice-issued");
}

static Assure__ConcernDecideRequest *decide_req(struct harness_ireq *r, const char *ref,
						const char *outcome, uint64_t v)
{
	Assure__ConcernDecideRequest *d = harness_ireq_concern_decide(
	    r, ref, outcome, "the panel found it proved", panel123, NULL, v);
	d->representations_considered = (char *)"the performer's written representations";
	d->facts_relied_on = (char *)"the investigation report";
	if (strcmp(outcome, "removal") == 0) {
		static char *grounds[] = {(char *)"efficiency"};
		d->grounds = grounds;
		d->n_grounds = 1;
	}
	if (strcmp(outcome, "conditions") == 0)
		d->conditions = (char *)CONDITIONS;
	return d;
}

/* Decides as panel1 (OK), sends the decision notice today and records the
 * appeal: the concern is under-appeal. Returns the version. */
static uint64_t decide_and_appeal(const char *ref, const char *outcome, uint64_t v,
				  const char *status_after)
{
	struct harness_ireq r;
	(void)decide_req(&r, ref, outcome, v);
	Assure__Response *resp = harness_iexpect(PANEL1, &r, OK, "ConcernDecide");
	assert_string_equal(resp->concern_decide->concern->state, "decided");
	assert_non_null(resp->concern_decide->performer);
	assert_string_equal(resp->concern_decide->performer->list_status, status_after);
	v = resp->concern_decide->concern->version;
	assure__response__free_unpacked(resp, NULL);
	Assure__ConcernMoveRequest *m =
	    harness_ireq_concern_move(&r, ref, "appeal-window", "decision notice sent", NULL, v);
	m->decision_notice_sent = (char *)DAY28;
	v = moved(harness_iexpect(CM, &r, OK, "move appeal-window"), "appeal-window");
	/* The appeal's reference is required, and named. */
	(void)harness_ireq_concern_move(&r, ref, "under-appeal", "appeal lodged", NULL, v);
	harness_iexpect_msg(CM, &r, IA, "appeal reference", "under-appeal without appeal_ref");
	m = harness_ireq_concern_move(&r, ref, "under-appeal", "appeal lodged", NULL, v);
	m->appeal_ref = (char *)"FHSAA-2026-0042";
	return moved(harness_iexpect(CM, &r, OK, "move under-appeal"), "under-appeal");
}

/* ---- the performer -------------------------------------------------------- */

static Assure__Response *performer_show(int64_t id)
{
	struct harness_ireq r;
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)id);
	harness_ireq_performer_show(&r, key);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "PerformerShow");
	assert_non_null(resp->performer_show);
	assert_non_null(resp->performer_show->performer);
	return resp;
}

static void expect_performer(int64_t id, const char *status, const char *conditions)
{
	Assure__Response *resp = performer_show(id);
	const Assure__Performer *p = resp->performer_show->performer;
	char got_status[64], got_conditions[128];
	snprintf(got_status, sizeof got_status, "%s", p->list_status);
	snprintf(got_conditions, sizeof got_conditions, "%s", p->conditions);
	assure__response__free_unpacked(resp, NULL);
	if (strcmp(got_status, status) != 0 || strcmp(got_conditions, conditions) != 0)
		fail_msg("performer %lld: '%s' with conditions '%s', expected '%s' with '%s'",
			 (long long)id, got_status, got_conditions, status, conditions);
}

static size_t history_count(int64_t id)
{
	Assure__Response *resp = performer_show(id);
	size_t n = resp->performer_show->n_history;
	assure__response__free_unpacked(resp, NULL);
	return n;
}

/* The newest list-history row must go from -> to and name text. */
static void expect_last_history(int64_t id, const char *from, const char *to, const char *text)
{
	Assure__Response *resp = performer_show(id);
	const Assure__PerformerShowResponse *ps = resp->performer_show;
	assert_true(ps->n_history > 0);
	const Assure__ListStatusChange *h = ps->history[ps->n_history - 1];
	int ok = strcmp(h->from_status, from) == 0 && strcmp(h->to_status, to) == 0 &&
		 strstr(h->decision, text) != NULL && strcmp(h->by, "cm") == 0 &&
		 strcmp(h->date, DAY28) == 0;
	char got[512];
	snprintf(got, sizeof got, "%s -> %s, \"%s\" by %s on %s", h->from_status, h->to_status,
		 h->decision, h->by, h->date);
	assure__response__free_unpacked(resp, NULL);
	if (!ok)
		fail_msg("performer %lld's last history row is %s; expected %s -> %s naming "
			 "\"%s\" by cm on %s",
			 (long long)id, got, from, to, text, DAY28);
}

/* ---- setup ---------------------------------------------------------------- */

static int64_t add_performer(const char *reg, const char *name)
{
	struct harness_ireq r;
	harness_ireq_performer_add(&r, "gp", reg, name, NULL);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "PerformerAdd");
	int64_t id = resp->performer_add->performer->id;
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_performer_admit(&r, id, "included", "meets the requirements", NULL, panel123,
				     NULL, 0);
	harness_iexpect_code(CM, &r, OK, "PerformerAdmit included");
	return id;
}

static int group_setup(void **state)
{
	(void)state;
	harness_server_start_clock(&server, &clk, NULL);
	harness_clock_set(&clk, (int64_t)ymd_time(D0) * 1000);
	struct client *admin = harness_connect_admin(&server);
	struct harness_ireq r;
	harness_ireq_site_add(&r, SITE, "Headquarters");
	harness_iexpect_code(admin, &r, OK, "SiteAdd HQ");
	for (int i = 0; i < NUSERS; i++)
		harness_add_user(admin, users[i].name, users[i].roles, SITE, PW, NULL);
	client_free(admin);
	login_all();
	gp_early = add_performer("7200001", "Dr Early Decision");
	gp_allowed = add_performer("7200002", "Dr Appeal Allowed");
	gp_dismissed = add_performer("7200003", "Dr Appeal Dismissed");
	gp_breach = add_performer("7200004", "Dr Conditions Breached");
	(void)to_notice(gp_early, ref_early);
	(void)to_notice(gp_allowed, ref_allowed);
	(void)to_notice(gp_dismissed, ref_dismissed);
	(void)to_notice(gp_breach, ref_breach);
	gp_moved = add_performer("7200005", "Dr Two Concerns");
	(void)to_notice(gp_moved, ref_moved_a);
	(void)to_notice(gp_moved, ref_moved_b);
	gp_recond = add_performer("7200006", "Dr New Conditions");
	(void)to_notice(gp_recond, ref_recond_a);
	(void)to_notice(gp_recond, ref_recond_b);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NUSERS; i++)
		if (cl[i] != NULL) {
			client_free(cl[i]);
			cl[i] = NULL;
		}
	harness_server_destroy(&server);
	return 0;
}

/* ---- 1. the early decision (day 10) ------------------------------------------ */

static void test_early_decision(void **state)
{
	(void)state;
	set_day(DAY10);
	struct harness_ireq r;
	uint64_t v = version_of(ref_early);
	/* Day 10, no representations recorded: refused, naming the rule. */
	(void)decide_req(&r, ref_early, "no-action", v);
	Assure__Response *resp = harness_iexpect(PANEL1, &r, FP, "decision on day 10");
	const char *msg = client_status_message(resp);
	if (!harness_contains_ci(msg, "representations") || !harness_contains_ci(msg, "28 days") ||
	    !harness_contains_ci(msg, "2026-11-30"))
		fail_msg("early decision refused with \"%s\": expected the representations "
			 "window (28 days, ending 2026-11-30) to be named",
			 msg);
	assure__response__free_unpacked(resp, NULL);
	expect_state(ref_early, "notice-issued");
	expect_performer(gp_early, "included", "");

	/* The same with the representations in, through the CLI's
	 * --representations-received: decided, with the decision notice due
	 * 7 days from today. */
	char *dir = harness_tempdir("appeal-panel1");
	struct harness_run run;
	char stdin_text[64];
	snprintf(stdin_text, sizeof stdin_text, "%s\n", PW);
	harness_cli(server.addr, dir, stdin_text, &run, "login", "--user", "panel1",
		    "--password-stdin", NULL);
	if (run.status != 0)
		fail_msg("assure login panel1: exit %d\n%s%s", run.status, run.out, run.err);
	harness_run_free(&run);
	harness_cli(server.addr, dir, NULL, &run, "concern", "show", ref_early, NULL);
	if (run.status != 0)
		fail_msg("assure concern show: exit %d\n%s%s", run.status, run.out, run.err);
	harness_run_free(&run);
	harness_cli(server.addr, dir, NULL, &run, "concern", "decide", ref_early, "--outcome",
		    "conditions", "--conditions", CONDITIONS, "--rationale",
		    "the panel found it proved", "--panel", "panel1,panel2,panel3",
		    "--representations-considered", "the performer's written representations",
		    "--facts", "the investigation report", "--representations-received", NULL);
	if (run.status != 0)
		fail_msg(
		    "assure concern decide --representations-received on day 10: exit %d\n%s%s",
		    run.status, run.out, run.err);
	harness_run_free(&run);
	free(dir);

	resp = show(ref_early);
	const Assure__ConcernShowResponse *s = resp->concern_show;
	assert_string_equal(s->concern->state, "decided");
	int notice = 0;
	for (size_t i = 0; i < s->n_deadlines; i++)
		if (strcmp(s->deadlines[i]->kind, "decision-notice") == 0 &&
		    strcmp(s->deadlines[i]->due, "2026-11-19") == 0 && s->deadlines[i]->met[0] == 0)
			notice = 1;
	assert_int_equal(s->n_decisions, 1);
	assert_string_equal(s->decisions[0]->outcome, "conditions");
	assert_string_equal(s->decisions[0]->date, DAY10);
	assure__response__free_unpacked(resp, NULL);
	if (!notice)
		fail_msg("%s decided on day 10: no open decision-notice deadline due 2026-11-19",
			 ref_early);
	expect_performer(gp_early, "included-with-conditions", CONDITIONS);
}

/* ---- 2. removal, appeal allowed (day 28) --------------------------------------- */

static void test_appeal_allowed(void **state)
{
	(void)state;
	set_day(DAY28);
	struct harness_ireq r;
	uint64_t v = decide_and_appeal(ref_allowed, "removal", version_of(ref_allowed), "removed");
	expect_performer(gp_allowed, "removed", "");
	size_t rows = history_count(gp_allowed);

	/* Leaving under-appeal needs the tribunal's outcome, named; the PAG
	 * does not make this move (its only way to closed is a withdrawal);
	 * decided is not a way out. */
	(void)harness_ireq_concern_move(&r, ref_allowed, "closed", "tribunal decided", NULL, v);
	harness_iexpect_msg(CM, &r, IA, "tribunal outcome", "under-appeal -> closed, no outcome");
	(void)harness_ireq_concern_move(&r, ref_allowed, "monitoring", "tribunal decided", NULL, v);
	harness_iexpect_msg(CM, &r, IA, "tribunal outcome",
			    "under-appeal -> monitoring, no outcome");
	Assure__ConcernMoveRequest *m =
	    harness_ireq_concern_move(&r, ref_allowed, "monitoring", "tribunal decided", NULL, v);
	m->outcome = (char *)"allowed";
	harness_iexpect_code(PAG, &r, PD, "the PAG moves under-appeal -> monitoring");
	m = harness_ireq_concern_move(&r, ref_allowed, "decided", "tribunal decided", NULL, v);
	m->outcome = (char *)"allowed";
	harness_iexpect_msg(CM, &r, IA, "to:", "under-appeal -> decided");
	/* An outcome that is not one of the words is refused, naming them:
	 * free text could hide a partial result that must not reverse it all. */
	m = harness_ireq_concern_move(&r, ref_allowed, "closed", "tribunal decided", NULL, v);
	m->outcome = (char *)"mostly allowed";
	harness_iexpect_msg(CM, &r, IA, "allowed-in-part", "under-appeal -> closed, vague outcome");
	/* Nothing changed by the refusals. */
	expect_state(ref_allowed, "under-appeal");
	expect_performer(gp_allowed, "removed", "");
	assert_int_equal(history_count(gp_allowed), rows);

	/* Allowed: closed, and the performer back on the list as before the
	 * decision, with a history row. */
	m = harness_ireq_concern_move(&r, ref_allowed, "closed", "the tribunal allowed the appeal",
				      NULL, v);
	m->outcome = (char *)"allowed: the panel did not consider the representations";
	(void)moved(harness_iexpect(CM, &r, OK, "under-appeal -> closed, allowed"), "closed");
	expect_performer(gp_allowed, "included", "");
	assert_int_equal(history_count(gp_allowed), rows + 1);
	char text[64];
	snprintf(text, sizeof text, "%s appeal allowed", ref_allowed);
	expect_last_history(gp_allowed, "removed", "included", text);

	/* The outcome is on the timeline. */
	Assure__Response *resp = show(ref_allowed);
	const Assure__ConcernShowResponse *s = resp->concern_show;
	int seen = 0;
	for (size_t i = 0; i < s->n_timeline; i++)
		if (strcmp(s->timeline[i]->from_state, "under-appeal") == 0 &&
		    strcmp(s->timeline[i]->to_state, "closed") == 0 &&
		    strstr(s->timeline[i]->detail, "did not consider") != NULL)
			seen = 1;
	assure__response__free_unpacked(resp, NULL);
	if (!seen)
		fail_msg("%s: no timeline entry under-appeal -> closed with the tribunal outcome",
			 ref_allowed);
}

/* ---- 3. conditions, appeal dismissed (day 28) ---------------------------------- */

/* ---- 3b. allowed, but another decision has moved the performer since --------- */

/* Concern A imposes conditions and is appealed; meanwhile concern B about
 * the same performer ends in removal. The tribunal allowing A's appeal may
 * not put the performer back to A's "before" (included): that would undo
 * B's removal without a decision. Refused, naming both statuses; recorded
 * as "varied" it closes with the status left as B set it. */
static void test_appeal_allowed_after_another_decision(void **state)
{
	(void)state;
	set_day(DAY28);
	struct harness_ireq r;
	uint64_t va = decide_and_appeal(ref_moved_a, "conditions", version_of(ref_moved_a),
					"included-with-conditions");
	(void)decide_req(&r, ref_moved_b, "removal", version_of(ref_moved_b));
	Assure__Response *resp = harness_iexpect(PANEL1, &r, OK, "ConcernDecide B removal");
	assure__response__free_unpacked(resp, NULL);
	expect_performer(gp_moved, "removed", "");
	size_t rows = history_count(gp_moved);

	Assure__ConcernMoveRequest *m = harness_ireq_concern_move(
	    &r, ref_moved_a, "closed", "the tribunal allowed the appeal", NULL, va);
	m->outcome = (char *)"allowed";
	harness_iexpect_msg(CM, &r, ASSURE__CODE__FAILED_PRECONDITION, "changed since",
			    "allowed after another decision moved the performer");
	expect_state(ref_moved_a, "under-appeal");
	expect_performer(gp_moved, "removed", "");
	assert_int_equal(history_count(gp_moved), rows);

	m = harness_ireq_concern_move(&r, ref_moved_a, "closed", "the tribunal varied it", NULL,
				      va);
	m->outcome = (char *)"varied: conditions quashed; removal under CON-B stands";
	(void)moved(harness_iexpect(CM, &r, OK, "under-appeal -> closed, varied"), "closed");
	expect_performer(gp_moved, "removed", "");
	assert_int_equal(history_count(gp_moved), rows);
}

/* ---- 3c. conditions on a performer already under conditions ------------------- */

/* The second panel's conditions replace the first's on the performer's
 * record, with a list-history row, though the status stays the same. */
static void test_conditions_replace_conditions(void **state)
{
	(void)state;
	set_day(DAY28);
	struct harness_ireq r;
	(void)decide_req(&r, ref_recond_a, "conditions", version_of(ref_recond_a));
	Assure__Response *resp = harness_iexpect(PANEL1, &r, OK, "ConcernDecide A conditions");
	assure__response__free_unpacked(resp, NULL);
	expect_performer(gp_recond, "included-with-conditions", CONDITIONS);
	size_t rows = history_count(gp_recond);

	Assure__ConcernDecideRequest *d =
	    decide_req(&r, ref_recond_b, "conditions", version_of(ref_recond_b));
	d->conditions = (char *)"no out-of-hours work";
	resp = harness_iexpect(PANEL1, &r, OK, "ConcernDecide B new conditions");
	assure__response__free_unpacked(resp, NULL);
	expect_performer(gp_recond, "included-with-conditions", "no out-of-hours work");
	assert_int_equal(history_count(gp_recond), rows + 1);
}

static void test_appeal_dismissed(void **state)
{
	(void)state;
	struct harness_ireq r;
	uint64_t v = decide_and_appeal(ref_dismissed, "conditions", version_of(ref_dismissed),
				       "included-with-conditions");
	size_t rows = history_count(gp_dismissed);
	Assure__ConcernMoveRequest *m = harness_ireq_concern_move(
	    &r, ref_dismissed, "monitoring", "the tribunal dismissed the appeal", NULL, v);
	m->outcome = (char *)"dismissed";
	(void)moved(harness_iexpect(CM, &r, OK, "under-appeal -> monitoring, dismissed"),
		    "monitoring");
	/* The decision stands: same status and conditions, no history row. */
	expect_performer(gp_dismissed, "included-with-conditions", CONDITIONS);
	assert_int_equal(history_count(gp_dismissed), rows);
}

/* ---- 4. conditions, breach, removal, appeal allowed (day 28) ------------------- */

static void test_appeal_allowed_restores_conditions(void **state)
{
	(void)state;
	struct harness_ireq r;
	/* Conditions, appealed, dismissed: monitoring. */
	uint64_t v = decide_and_appeal(ref_breach, "conditions", version_of(ref_breach),
				       "included-with-conditions");
	Assure__ConcernMoveRequest *m = harness_ireq_concern_move(
	    &r, ref_breach, "monitoring", "the tribunal dismissed the appeal", NULL, v);
	m->outcome = (char *)"dismissed";
	v = moved(harness_iexpect(CM, &r, OK, "under-appeal -> monitoring"), "monitoring");
	expect_performer(gp_breach, "included-with-conditions", CONDITIONS);

	/* A breach of the conditions: back to the panel, a new notice today. */
	m = harness_ireq_concern_move(&r, ref_breach, "panel-referred", "conditions breached", NULL,
				      v);
	m->grounds = (char *)"efficiency";
	m->breach = (char *)"practised unsupervised";
	v = moved(harness_iexpect(PAG, &r, OK, "monitoring -> panel-referred"), "panel-referred");
	m = harness_ireq_concern_move(&r, ref_breach, "notice-issued", "notice of the breach", NULL,
				      v);
	m->allegation = (char *)"breach of the conditions of inclusion";
	m->proposed_action = (char *)"removal from the list";
	m->grounds = (char *)"efficiency";
	m->notice_sent = (char *)DAY28;
	v = moved(harness_iexpect(CM, &r, OK, "monitoring -> notice-issued"), "notice-issued");

	/* The removal, the same day: the representations are in. */
	Assure__ConcernDecideRequest *d = decide_req(&r, ref_breach, "removal", v);
	harness_iexpect_msg(PANEL1, &r, FP, "representations",
			    "removal the day the notice went, no representations");
	d = decide_req(&r, ref_breach, "removal", v);
	d->representations_received = 1;
	Assure__Response *resp = harness_iexpect(PANEL1, &r, OK, "removal, representations in");
	assert_string_equal(resp->concern_decide->performer->list_status, "removed");
	v = resp->concern_decide->concern->version;
	assure__response__free_unpacked(resp, NULL);
	m = harness_ireq_concern_move(&r, ref_breach, "appeal-window", "decision notice sent", NULL,
				      v);
	m->decision_notice_sent = (char *)DAY28;
	v = moved(harness_iexpect(CM, &r, OK, "move appeal-window"), "appeal-window");
	m = harness_ireq_concern_move(&r, ref_breach, "under-appeal", "appeal lodged", NULL, v);
	m->appeal_ref = (char *)"FHSAA-2026-0043";
	v = moved(harness_iexpect(CM, &r, OK, "move under-appeal"), "under-appeal");

	/* Allowed: the status before the removal, with its conditions. */
	m = harness_ireq_concern_move(&r, ref_breach, "monitoring", "the tribunal allowed it", NULL,
				      v);
	m->outcome = (char *)"Allowed";
	(void)moved(harness_iexpect(CM, &r, OK, "under-appeal -> monitoring, allowed"),
		    "monitoring");
	char text[64];
	snprintf(text, sizeof text, "%s appeal allowed", ref_breach);
	expect_last_history(gp_breach, "removed", "included-with-conditions", text);
	expect_performer(gp_breach, "included-with-conditions", CONDITIONS);
}

int main(void)
{
	harness_guard(170);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_early_decision),
	    cmocka_unit_test(test_appeal_allowed),
	    cmocka_unit_test(test_appeal_dismissed),
	    cmocka_unit_test(test_appeal_allowed_after_another_decision),
	    cmocka_unit_test(test_conditions_replace_conditions),
	    cmocka_unit_test(test_appeal_allowed_restores_conditions),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
