/*
 * Annual contract reviews against a real assured (DOMAIN.md "Annual
 * contract review", docs/REVIEWS.md), driven through the client library on
 * a server whose clock is a file, and the real assure CLI at the end:
 *
 *   1. scheduling: one annual review per contract and year (and one
 *      mid-year), references, the year's published set bound;
 *   2. finalise refused with everything that is missing, listed whole;
 *   3. a stale version between two users, ABORTED naming the first;
 *   4. a viewer reads but does not write, and reads are audited;
 *   5. three full cycles ending green (with an override shown beside the
 *      computed result, then removed), amber (capped by a requirement not
 *      met) and red (a critical indicator red), each derivation checked,
 *      the action plan rule enforced (a partly met requirement, a partly
 *      compliant SfBH domain and a red indicator each need an action);
 *   6. a finalised review is read-only; an amendment needs a reason, must
 *      leave the review complete, is recorded with its reason and
 *      recomputes the final RAG and next visit type;
 *   7. next year's schedule takes the visit type (green -> desktop, red ->
 *      full, none finalised -> standard);
 *   8. overdue actions in ReviewList and ReviewDue with a contract notice
 *      and a scheduled visit, paged; an action done on a finalised review;
 *   9. the CLI: a short cycle with --json parsed by python3, the finalise
 *      refusal's whole list and exit 7.
 *  10. the QOF maxima changed by an admin (review.qof-maxima): new QOF is
 *      checked against them (over the new clinical maximum refused naming
 *      it, within accepted), the change is in the audit trail, and a review
 *      recorded before keeps showing the maxima it was checked against.
 *
 * The clock walks forward only, from 1 June 2010 (review year 2009/10 has
 * ended, so its visits are in the past). The expected answers come from
 * DOMAIN.md, docs/REVIEWS.md and the proto, never from the server.
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

#define PW "annual visit passphrase 4"
#define SITE "HQ"
#define PYTHON3 "/usr/bin/python3"
#define YEAR "2009/10"
#define SET "BSC 2009/10"

#define OK ASSURE__CODE__OK
#define FP ASSURE__CODE__FAILED_PRECONDITION
#define PD ASSURE__CODE__PERMISSION_DENIED
#define IA ASSURE__CODE__INVALID_ARGUMENT
#define AB ASSURE__CODE__ABORTED
#define AE ASSURE__CODE__ALREADY_EXISTS
#define NF ASSURE__CODE__NOT_FOUND

enum { U_CM, U_REV, U_VIEWER, U_AUDITOR, NUSERS };

static const struct {
	const char *name, *roles;
} users[NUSERS] = {
    [U_CM] = {"cm", "contract-manager"},
    [U_REV] = {"rev", "reviewer"},
    [U_VIEWER] = {"viewer", "viewer"},
    [U_AUDITOR] = {"aud", "auditor"},
};

static struct harness_server server;
static struct harness_clock clk;
static struct client *cl[NUSERS];

#define CM (cl[U_CM])
#define REV (cl[U_REV])
#define VIEWER (cl[U_VIEWER])
#define AUDITOR (cl[U_AUDITOR])

/* The practices: green, amber, red, the incomplete one, the CLI's. */
static const char *const ods[] = {"E84001", "E84002", "E84003", "E84004", "E84005"};
static char ref[5][16];

static const char *const requirements[] = {
    "PRACTICE_LEAFLET",	  "COMPLAINTS",	   "OPENING_HOURS",    "REGISTRATION", "RECORDS",
    "INFECTION_CONTROL",  "HEALTH_SAFETY", "PREMISES",	       "EMPLOYMENT",   "PERFORMERS_LIST",
    "SIGNIFICANT_EVENTS", "SAFEGUARDING",  "CONTROLLED_DRUGS", "EQUIPMENT",
};
#define NREQ (sizeof requirements / sizeof requirements[0])

static const char *const sfbh_domains[] = {
    "safety",	     "clinical-cost-effectiveness", "governance",
    "patient-focus", "accessible-responsive-care",  "care-environment-amenities",
    "public-health",
};
#define NSFBH (sizeof sfbh_domains / sizeof sfbh_domains[0])

/* ---- dates and the clock ------------------------------------------------- */

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

/* 10:00 UTC on ymd (11:00 BST: the same civil date), everyone logged in
 * again. */
static void set_day(const char *ymd)
{
	harness_clock_set(&clk, (int64_t)ymd_time(ymd) * 1000);
	login_all();
}

/* ---- review helpers ----------------------------------------------------------- */

/* The write response of any review write. */
static const Assure__ReviewWriteResponse *write_of(const Assure__Response *resp)
{
	switch (resp->result_case) {
	case ASSURE__RESPONSE__RESULT_REVIEW_SCHEDULE:
		return resp->review_schedule;
	case ASSURE__RESPONSE__RESULT_REVIEW_VISIT:
		return resp->review_visit;
	case ASSURE__RESPONSE__RESULT_REVIEW_QOF:
		return resp->review_qof;
	case ASSURE__RESPONSE__RESULT_REVIEW_CHECK:
		return resp->review_check;
	case ASSURE__RESPONSE__RESULT_REVIEW_SFBH:
		return resp->review_sfbh;
	case ASSURE__RESPONSE__RESULT_REVIEW_SCORE:
		return resp->review_score;
	case ASSURE__RESPONSE__RESULT_REVIEW_NARRATIVE:
		return resp->review_narrative;
	case ASSURE__RESPONSE__RESULT_REVIEW_ACTION_ADD:
		return resp->review_action_add;
	case ASSURE__RESPONSE__RESULT_REVIEW_ACTION_DONE:
		return resp->review_action_done;
	case ASSURE__RESPONSE__RESULT_REVIEW_OVERRIDE:
		return resp->review_override;
	case ASSURE__RESPONSE__RESULT_REVIEW_FINALISE:
		return resp->review_finalise;
	default:
		return NULL;
	}
}

/* A write as c that must succeed: the review's new version. */
static uint64_t wr(struct client *c, struct harness_ireq *r, const char *what)
{
	Assure__Response *resp = harness_iexpect(c, r, OK, what);
	const Assure__ReviewWriteResponse *w = write_of(resp);
	if (w == NULL || w->review == NULL)
		fail_msg("%s: no write response", what);
	uint64_t v = w->review->version;
	assert_true(v > 0);
	assure__response__free_unpacked(resp, NULL);
	return v;
}

/* ReviewShow as c, asserting OK; caller frees. */
static Assure__Response *show(struct client *c, const char *r_ref)
{
	struct harness_ireq r;
	char what[64];
	snprintf(what, sizeof what, "ReviewShow %s", r_ref);
	harness_ireq_review_show(&r, r_ref);
	Assure__Response *resp = harness_iexpect(c, &r, OK, what);
	assert_non_null(resp->review_show);
	assert_non_null(resp->review_show->review);
	assert_non_null(resp->review_show->review->summary);
	return resp;
}

static uint64_t version_of(const char *r_ref)
{
	Assure__Response *resp = show(CM, r_ref);
	uint64_t v = resp->review_show->review->summary->version;
	assure__response__free_unpacked(resp, NULL);
	return v;
}

static void expect_contains(const char *text, const char *want, const char *what)
{
	if (text == NULL || strstr(text, want) == NULL)
		fail_msg("%s: \"%s\" does not contain \"%s\"", what, text ? text : "(null)", want);
}

/* The message of a refused call, expecting code; caller frees. */
static char *refused(struct client *c, struct harness_ireq *r, int code, const char *what)
{
	Assure__Response *resp = harness_iexpect(c, r, code, what);
	char *msg = strdup(client_status_message(resp));
	assure__response__free_unpacked(resp, NULL);
	return msg;
}

static void expect_ref_format(const char *r_ref, const char *year)
{
	char want[16];
	snprintf(want, sizeof want, "REV-%s-", year);
	if (strlen(r_ref) != 13 || strncmp(r_ref, want, 9) != 0)
		fail_msg("reference '%s' is not REV-%s-NNNN", r_ref, year);
	for (int i = 9; i < 13; i++)
		if (r_ref[i] < '0' || r_ref[i] > '9')
			fail_msg("reference '%s' is not REV-%s-NNNN", r_ref, year);
}

/* Schedules an annual review as cm: its ref into out; checks the visit
 * type. */
static void schedule(const char *o, const char *year, const char *date, const char *want_visit,
		     char out[16])
{
	struct harness_ireq r;
	(void)harness_ireq_review_schedule(&r, o, year, NULL, NULL, date);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "ReviewSchedule");
	const Assure__ReviewSummary *s = resp->review_schedule->review;
	assert_non_null(s);
	char y4[8];
	snprintf(y4, sizeof y4, "%.4s", year);
	expect_ref_format(s->ref, y4);
	snprintf(out, 16, "%s", s->ref);
	assert_string_equal(s->ods, o);
	assert_string_equal(s->year, year);
	assert_string_equal(s->kind, "annual");
	assert_string_equal(s->state, "scheduled");
	if (want_visit != NULL)
		assert_string_equal(s->visit_type, want_visit);
	assert_int_equal(s->version, 1);
	assure__response__free_unpacked(resp, NULL);
}

/* Answers every checklist item met and every SfBH domain compliant,
 * except those named in `but` ("CODE=result" or "domain=result", NULL
 * terminated). Returns the version. */
static uint64_t answer_all(struct client *c, const char *r_ref, uint64_t v, const char *const *but)
{
	struct harness_ireq r;
	for (size_t i = 0; i < NREQ; i++) {
		const char *result = "met";
		for (size_t k = 0; but && but[k]; k++) {
			size_t n = strlen(requirements[i]);
			if (strncmp(but[k], requirements[i], n) == 0 && but[k][n] == '=')
				result = but[k] + n + 1;
		}
		(void)harness_ireq_review_check(&r, r_ref, requirements[i], result,
						"seen at the visit", v);
		v = wr(c, &r, requirements[i]);
	}
	for (size_t i = 0; i < NSFBH; i++) {
		const char *result = "compliant";
		for (size_t k = 0; but && but[k]; k++) {
			size_t n = strlen(sfbh_domains[i]);
			if (strncmp(but[k], sfbh_domains[i], n) == 0 && but[k][n] == '=')
				result = but[k] + n + 1;
		}
		(void)harness_ireq_review_sfbh(&r, r_ref, sfbh_domains[i], result,
					       "policies and records seen", v);
		v = wr(c, &r, sfbh_domains[i]);
	}
	return v;
}

/* Scores the four indicators (NULL value: not available). */
static uint64_t score_all(struct client *c, const char *r_ref, uint64_t v, const char *qof01,
			  const char *acc01, const char *pre01, const char *pat01)
{
	static const char *const codes[] = {"QOF01", "ACC01", "PRE01", "PAT01"};
	const char *values[] = {qof01, acc01, pre01, pat01};
	struct harness_ireq r;
	for (int i = 0; i < 4; i++) {
		(void)harness_ireq_review_score(&r, r_ref, codes[i], values[i],
						values[i] ? NULL : "survey not run this year", v);
		v = wr(c, &r, codes[i]);
	}
	return v;
}

static uint64_t narrative(struct client *c, const char *r_ref, uint64_t v)
{
	struct harness_ireq r;
	(void)harness_ireq_review_narrative(&r, r_ref, "new diabetes clinic",
					    "merge with the branch surgery",
					    "two partners retiring", v);
	return wr(c, &r, "ReviewNarrative");
}

static uint64_t visit(struct client *c, const char *r_ref, const char *date, uint64_t v)
{
	struct harness_ireq r;
	(void)harness_ireq_review_visit(&r, r_ref, date, v);
	return wr(c, &r, "ReviewVisit");
}

static uint64_t action_add(struct client *c, const char *r_ref, const char *for_item,
			   const char *due, uint64_t v)
{
	struct harness_ireq r;
	(void)harness_ireq_review_action_add(&r, r_ref, "put it right", "practice manager", due,
					     for_item, v);
	Assure__Response *resp = harness_iexpect(c, &r, OK, "ReviewActionAdd");
	const Assure__ReviewWriteResponse *w = resp->review_action_add;
	assert_non_null(w->action);
	assert_string_equal(w->action->for_item, for_item);
	assert_string_equal(w->action->due, due);
	uint64_t nv = w->review->version;
	assure__response__free_unpacked(resp, NULL);
	return nv;
}

/* Finalises as c, expecting OK: checks the result, its derivation and
 * the next visit. Returns the version. */
static uint64_t finalise_ok(struct client *c, const char *r_ref, uint64_t v, const char *rag,
			    const char *derivation, const char *next_visit, int follow_up)
{
	struct harness_ireq r;
	harness_ireq_review_finalise(&r, r_ref, v);
	Assure__Response *resp = harness_iexpect(c, &r, OK, "ReviewFinalise");
	const Assure__ReviewWriteResponse *w = resp->review_finalise;
	const Assure__ReviewSummary *s = w->review;
	assert_string_equal(s->state, "finalised");
	assert_string_equal(s->rag, rag);
	assert_string_equal(w->derivation, derivation);
	assert_string_equal(s->next_visit_type, next_visit);
	assert_int_equal(s->mid_year_follow_up, follow_up);
	assert_int_equal(w->n_missing, 0);
	uint64_t nv = s->version;
	assure__response__free_unpacked(resp, NULL);
	return nv;
}

/* Audit records of object review:r_ref by username with event (NULL:
 * any); the reason of the last one into reason (may be NULL). */
static size_t audit_count(const char *r_ref, const char *username, const char *event, char *reason,
			  size_t reason_size)
{
	struct harness_ireq r;
	harness_ireq_audit_query_object(&r, "review", r_ref, username, event);
	Assure__Response *resp = harness_iexpect(AUDITOR, &r, OK, "AuditQuery review");
	size_t n = 0;
	for (size_t i = 0; i < resp->audit_query->n_entries; i++) {
		const Assure__AuditEntry *e = resp->audit_query->entries[i];
		Assure__AuditRecord *rec =
		    assure__audit_record__unpack(NULL, e->record.len, e->record.data);
		assert_non_null(rec);
		if (strcmp(rec->object_id, r_ref) == 0 &&
		    (username == NULL || strcmp(rec->username, username) == 0) &&
		    (event == NULL || strcmp(rec->event, event) == 0)) {
			n++;
			if (reason)
				snprintf(reason, reason_size, "%s", rec->reason);
		}
		assure__audit_record__free_unpacked(rec, NULL);
	}
	assure__response__free_unpacked(resp, NULL);
	return n;
}

/* ---- setup ------------------------------------------------------------------ */

static uint64_t set_version(Assure__Response *resp)
{
	const Assure__IndicatorSetResponse *s = NULL;
	if (resp->result_case == ASSURE__RESPONSE__RESULT_INDICATORS_CREATE)
		s = resp->indicators_create;
	else if (resp->result_case == ASSURE__RESPONSE__RESULT_INDICATORS_ADD)
		s = resp->indicators_add;
	else if (resp->result_case == ASSURE__RESPONSE__RESULT_INDICATORS_PUBLISH)
		s = resp->indicators_publish;
	assert_non_null(s);
	assert_non_null(s->set);
	uint64_t v = s->set->version;
	assure__response__free_unpacked(resp, NULL);
	return v;
}

/* The scorecard for 2009/10: four indicators, ACC01 critical; the default
 * rule (green at a mean of 1.5, red below 0.75). */
static void publish_set(void)
{
	struct harness_ireq r;
	harness_ireq_indicators_create(&r, SET, YEAR, NULL);
	uint64_t v = set_version(harness_iexpect(CM, &r, OK, "IndicatorsCreate"));
	static const struct {
		const char *code, *direction, *green, *amber;
		int critical;
	} ind[] = {
	    {"QOF01", "higher", "900", "800", 0},
	    {"ACC01", "higher", "90", "80", 1},
	    {"PRE01", "lower", "5", "6", 0},
	    {"PAT01", "higher", "85", "75", 0},
	};
	for (size_t i = 0; i < sizeof ind / sizeof ind[0]; i++) {
		Assure__Indicator *x = harness_ireq_indicators_add(
		    &r, SET, ind[i].code, ind[i].direction, ind[i].green, ind[i].amber, 0, v);
		x->critical = ind[i].critical;
		v = set_version(harness_iexpect(CM, &r, OK, ind[i].code));
	}
	harness_ireq_indicators_publish(&r, SET, NULL, v);
	(void)set_version(harness_iexpect(CM, &r, OK, "IndicatorsPublish"));
}

static int group_setup(void **state)
{
	(void)state;
	harness_server_start_clock(&server, &clk, NULL);
	harness_clock_set(&clk, (int64_t)ymd_time("2010-06-01") * 1000);
	struct client *admin = harness_connect_admin(&server);
	struct harness_ireq r;
	harness_ireq_site_add(&r, SITE, "Headquarters");
	harness_iexpect_code(admin, &r, OK, "SiteAdd HQ");
	for (int i = 0; i < NUSERS; i++)
		harness_add_user(admin, users[i].name, users[i].roles, SITE, PW, NULL);
	client_free(admin);
	login_all();
	static const char *const names[] = {"Park Surgery", "Mill Lane Practice",
					    "Brook House Surgery", "Station Road Surgery",
					    "Church Street Practice"};
	for (int i = 0; i < 5; i++) {
		harness_ireq_contract_add(&r, ods[i], names[i], "gms", 6000, SITE, "2004-04-01",
					  NULL);
		harness_iexpect_code(CM, &r, OK, "ContractAdd");
	}
	publish_set();
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

/* ---- 1. scheduling ----------------------------------------------------------- */

static void test_schedule(void **state)
{
	(void)state;
	struct harness_ireq r;
	schedule(ods[0], YEAR, "2010-06-10", "standard", ref[0]);
	assert_string_equal(ref[0], "REV-2009-0001");
	Assure__Response *resp = show(CM, ref[0]);
	const Assure__Review *rv = resp->review_show->review;
	assert_string_equal(rv->summary->indicator_set, SET);
	assert_string_equal(rv->summary->scheduled, "2010-06-10");
	assert_int_equal(rv->n_checks, NREQ);
	assert_int_equal(rv->n_sfbh, NSFBH);
	assert_int_equal(rv->n_scores, 4);
	assert_string_equal(rv->green_mean, "1.5");
	assert_string_equal(rv->red_mean, "0.75");
	assert_int_equal(rv->n_history, 1);
	assert_string_equal(rv->history[0]->kind, "scheduled");
	assure__response__free_unpacked(resp, NULL);

	/* One annual review per contract per year, naming the one there is. */
	(void)harness_ireq_review_schedule(&r, ods[0], YEAR, "annual", "full", NULL);
	char *msg = refused(CM, &r, AE, "second annual review");
	expect_contains(msg, ref[0], "second annual review");
	free(msg);
	/* ... and at most one mid-year review. */
	(void)harness_ireq_review_schedule(&r, ods[0], YEAR, "mid-year", NULL, NULL);
	resp = harness_iexpect(CM, &r, OK, "mid-year review");
	assert_string_equal(resp->review_schedule->review->kind, "mid-year");
	expect_ref_format(resp->review_schedule->review->ref, "2009");
	assure__response__free_unpacked(resp, NULL);
	(void)harness_ireq_review_schedule(&r, ods[0], YEAR, "mid-year", NULL, NULL);
	harness_iexpect_code(CM, &r, AE, "second mid-year review");

	(void)harness_ireq_review_schedule(&r, "Z99999", YEAR, NULL, NULL, NULL);
	harness_iexpect_code(CM, &r, NF, "no such contract");
	(void)harness_ireq_review_schedule(&r, ods[1], "2009/11", NULL, NULL, NULL);
	harness_iexpect_code(CM, &r, IA, "bad year");
	(void)harness_ireq_review_schedule(&r, ods[1], YEAR, "quarterly", NULL, NULL);
	harness_iexpect_code(CM, &r, IA, "bad kind");

	schedule(ods[1], YEAR, NULL, "standard", ref[1]);
	schedule(ods[2], YEAR, NULL, "standard", ref[2]);
	schedule(ods[3], YEAR, NULL, "standard", ref[3]);
	/* Reviewers schedule too. */
	(void)harness_ireq_review_schedule(&r, ods[4], YEAR, NULL, NULL, NULL);
	resp = harness_iexpect(REV, &r, OK, "ReviewSchedule by a reviewer");
	snprintf(ref[4], sizeof ref[4], "%s", resp->review_schedule->review->ref);
	assure__response__free_unpacked(resp, NULL);
}

/* ---- 2. finalise refused, listing everything ---------------------------------- */

static void test_finalise_lists_everything(void **state)
{
	(void)state;
	struct harness_ireq r;
	uint64_t v = version_of(ref[3]);
	harness_ireq_review_finalise(&r, ref[3], v);
	char *msg = refused(CM, &r, FP, "finalise a scheduled review");
	expect_contains(msg, "record the visit first", "finalise scheduled");
	free(msg);

	(void)harness_ireq_review_visit(&r, ref[3], "2010-06-02", v);
	harness_iexpect_code(CM, &r, IA, "a visit tomorrow");
	v = visit(CM, ref[3], "2010-05-28", v);
	Assure__Response *resp = show(CM, ref[3]);
	assert_string_equal(resp->review_show->review->summary->state, "visited");
	assert_string_equal(resp->review_show->review->summary->visited, "2010-05-28");
	assure__response__free_unpacked(resp, NULL);

	/* 14 requirements + 7 SfBH domains + 4 indicators + 3 narrative parts
	 * + no overall result = 29, every one named. */
	harness_ireq_review_finalise(&r, ref[3], v);
	msg = refused(CM, &r, FP, "finalise an empty review");
	expect_contains(msg, "cannot finalise: 29 things are missing:\n", "finalise empty");
	for (size_t i = 0; i < NREQ; i++) {
		char line[96];
		snprintf(line, sizeof line, "requirement %s not answered", requirements[i]);
		expect_contains(msg, line, "finalise empty");
	}
	for (size_t i = 0; i < NSFBH; i++) {
		char line[96];
		snprintf(line, sizeof line, "SfBH domain %s not answered", sfbh_domains[i]);
		expect_contains(msg, line, "finalise empty");
	}
	expect_contains(msg, "indicator QOF01 has no value", "finalise empty");
	expect_contains(msg, "indicator PAT01 has no value", "finalise empty");
	expect_contains(msg, "narrative: achievements missing", "finalise empty");
	expect_contains(msg, "narrative: developments missing", "finalise empty");
	expect_contains(msg, "narrative: challenges missing", "finalise empty");
	expect_contains(msg, "overall RAG: no indicator has a value", "finalise empty");
	free(msg);
	resp = show(CM, ref[3]);
	assert_int_equal(resp->review_show->review->n_missing, 29);
	assert_string_equal(resp->review_show->review->summary->state, "visited");
	assert_int_equal(resp->review_show->review->summary->version, v);
	assure__response__free_unpacked(resp, NULL);
}

/* ---- 3. stale version ------------------------------------------------------------ */

static void test_stale_version(void **state)
{
	(void)state;
	struct harness_ireq r;
	uint64_t v = version_of(ref[3]);
	(void)harness_ireq_review_narrative(&r, ref[3], "first go", NULL, NULL, v);
	uint64_t v2 = wr(REV, &r, "narrative by rev");
	assert_int_equal(v2, v + 1);
	(void)harness_ireq_review_narrative(&r, ref[3], "second go", NULL, NULL, v);
	char *msg = refused(CM, &r, AB, "narrative by cm on the old version");
	expect_contains(msg, "changed by rev", "stale version");
	expect_contains(msg, ref[3], "stale version");
	free(msg);
	Assure__Response *resp = show(CM, ref[3]);
	assert_string_equal(resp->review_show->review->achievements, "first go");
	/* The first content since the visit made it a draft. */
	assert_string_equal(resp->review_show->review->summary->state, "draft");
	assure__response__free_unpacked(resp, NULL);
}

/* ---- 4. viewers read, reads are audited -------------------------------------------- */

static void test_viewer(void **state)
{
	(void)state;
	struct harness_ireq r;
	size_t before = audit_count(ref[3], "viewer", "ReviewShow", NULL, 0);
	Assure__Response *resp = show(VIEWER, ref[3]);
	assert_string_equal(resp->review_show->review->summary->ref, ref[3]);
	assure__response__free_unpacked(resp, NULL);
	/* A read's record is queued before the reply and committed by the
	 * writer a moment later. */
	size_t after = before;
	for (int i = 0; i < 50 && after == before; i++) {
		after = audit_count(ref[3], "viewer", "ReviewShow", NULL, 0);
		if (after == before)
			harness_sleep_ms(50);
	}
	assert_int_equal(after, before + 1);

	(void)harness_ireq_review_list(&r, YEAR, NULL, NULL, NULL, NULL, 0, 0, NULL);
	resp = harness_iexpect(VIEWER, &r, OK, "ReviewList by a viewer");
	assert_true(resp->review_list->n_reviews >= 5);
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_review_due(&r, NULL, 0, NULL);
	harness_iexpect_code(VIEWER, &r, OK, "ReviewDue by a viewer");

	uint64_t v = version_of(ref[3]);
	(void)harness_ireq_review_check(&r, ref[3], "PREMISES", "met", "ramp", v);
	harness_iexpect_code(VIEWER, &r, PD, "ReviewCheck by a viewer");
	(void)harness_ireq_review_schedule(&r, ods[3], "2010/11", NULL, NULL, NULL);
	harness_iexpect_code(VIEWER, &r, PD, "ReviewSchedule by a viewer");
	harness_ireq_review_finalise(&r, ref[3], v);
	harness_iexpect_code(VIEWER, &r, PD, "ReviewFinalise by a viewer");
	assert_int_equal(version_of(ref[3]), v);
}

/* ---- 5. three cycles: green, amber, red ------------------------------------------- */

static void test_green_with_override(void **state)
{
	(void)state;
	struct harness_ireq r;
	const char *rf = ref[0];
	uint64_t v = version_of(rf);
	(void)harness_ireq_review_qof(&r, rf, "690", "160", "90.5", "44", "4.8", v);
	v = wr(REV, &r, "ReviewQof");
	(void)harness_ireq_review_qof(&r, rf, "698", "160", "90.5", "44", NULL, v);
	harness_iexpect_code(REV, &r, IA, "clinical points over the year's maximum of 697");
	v = answer_all(REV, rf, v, NULL);
	v = score_all(REV, rf, v, "950", "92", "4.5", "80");
	v = narrative(REV, rf, v);
	/* Everything before the visit: still scheduled, not yet finalised. */
	harness_ireq_review_finalise(&r, rf, v);
	harness_iexpect_code(REV, &r, FP, "finalise before the visit");

	/* An override is kept beside the computed result, with its reason. */
	(void)harness_ireq_review_override(&r, rf, "amber", NULL, v);
	harness_iexpect_code(REV, &r, IA, "override without a reason");
	(void)harness_ireq_review_override(&r, rf, "amber", "practice manager vacancy", v);
	v = wr(REV, &r, "ReviewOverride amber");
	Assure__Response *resp = show(VIEWER, rf);
	const Assure__Review *rv = resp->review_show->review;
	assert_string_equal(rv->summary->rag, "amber");
	assert_string_equal(rv->summary->computed_rag, "green");
	assert_true(rv->summary->overridden);
	assert_string_equal(rv->override_rag, "amber");
	assert_string_equal(rv->override_reason, "practice manager vacancy");
	assert_string_equal(rv->derivation, "weighted mean 1.75 over 4 of 4 indicators: green "
					    "(green at 1.50 or more, red below 0.75)");
	assert_string_equal(rv->projected_next_visit_type, "standard");
	assert_string_equal(rv->qof->total, "984.5");
	assert_string_equal(rv->qof->exception_rate, "4.8");
	assert_string_equal(rv->qof->max_clinical, "697");
	/* Every indicator's value and RAG. */
	static const char *const want[][3] = {
	    {"QOF01", "950", "green"},
	    {"ACC01", "92", "green"},
	    {"PRE01", "4.5", "green"},
	    {"PAT01", "80", "amber"},
	};
	assert_int_equal(rv->n_scores, 4);
	for (int i = 0; i < 4; i++) {
		assert_string_equal(rv->scores[i]->indicator->code, want[i][0]);
		assert_string_equal(rv->scores[i]->value, want[i][1]);
		assert_string_equal(rv->scores[i]->rag, want[i][2]);
	}
	assure__response__free_unpacked(resp, NULL);
	char reason[256] = "";
	assert_int_equal(audit_count(rf, "rev", "ReviewOverride", reason, sizeof reason), 1);
	expect_contains(reason, "practice manager vacancy", "override audit reason");

	/* Removing it needs a reason as well. */
	(void)harness_ireq_review_override(&r, rf, NULL, "post filled at the visit", v);
	v = wr(REV, &r, "ReviewOverride removed");
	(void)harness_ireq_review_override(&r, rf, NULL, "again", v);
	harness_iexpect_code(REV, &r, FP, "no override to remove");

	v = visit(REV, rf, "2010-05-20", v);
	v = finalise_ok(REV, rf, v, "green",
			"weighted mean 1.75 over 4 of 4 indicators: green (green at 1.50 or more, "
			"red below 0.75)",
			"desktop", 0);
	resp = show(CM, rf);
	rv = resp->review_show->review;
	assert_string_equal(rv->summary->state, "finalised");
	assert_string_equal(rv->summary->rag, "green");
	assert_false(rv->summary->overridden);
	assert_string_equal(rv->finalised_by, "rev");
	assert_int_equal(rv->n_missing, 0);
	int overrides = 0;
	for (size_t i = 0; i < rv->n_history; i++)
		overrides += strcmp(rv->history[i]->kind, "override") == 0;
	assert_int_equal(overrides, 2);
	assert_string_equal(rv->history[rv->n_history - 1]->kind, "finalised");
	assure__response__free_unpacked(resp, NULL);
}

static void test_amber_action_plan(void **state)
{
	(void)state;
	struct harness_ireq r;
	const char *rf = ref[1];
	uint64_t v = version_of(rf);
	v = visit(CM, rf, "2010-05-25", v);
	static const char *const but[] = {"COMPLAINTS=not-met", "PREMISES=partly",
					  "governance=partly", NULL};
	v = answer_all(CM, rf, v, but);
	/* PRE01 exactly at its green threshold (lower is better) is green. */
	v = score_all(CM, rf, v, "950", "95", "5", "90");
	v = narrative(CM, rf, v);

	/* The action plan rule: everything not fully met needs an action. */
	harness_ireq_review_finalise(&r, rf, v);
	char *msg = refused(CM, &r, FP, "finalise without the action plan");
	expect_contains(msg, "cannot finalise: 3 things are missing:\n", "action plan");
	expect_contains(msg, "action plan: requirement COMPLAINTS not met has no action",
			"action plan");
	expect_contains(msg, "action plan: requirement PREMISES partly met has no action",
			"action plan");
	expect_contains(msg, "action plan: SfBH domain governance partly compliant has no action",
			"action plan");
	free(msg);

	/* An action is for an item of this review. */
	(void)harness_ireq_review_action_add(&r, rf, "x", "y", "2010-12-31", "NOSUCH", v);
	harness_iexpect_code(CM, &r, FP, "action for no item of the review");
	(void)harness_ireq_review_action_add(&r, rf, "x", "y", "2010-12-31", "sfbh:nosuch", v);
	harness_iexpect_code(CM, &r, IA, "action for no SfBH domain");
	(void)harness_ireq_review_action_add(&r, rf, "x", NULL, "2010-12-31", "PREMISES", v);
	harness_iexpect_code(CM, &r, IA, "action without an owner");

	v = action_add(CM, rf, "COMPLAINTS", "2010-12-31", v);
	v = action_add(CM, rf, "PREMISES", "2010-12-31", v);
	v = action_add(CM, rf, "sfbh:governance", "2010-12-31", v);
	v = finalise_ok(CM, rf, v, "amber",
			"weighted mean 2.00 over 4 of 4 indicators: green (green at 1.50 or more, "
			"red below 0.75); capped at amber: requirement COMPLAINTS not met",
			"standard", 0);
}

static void test_red_critical(void **state)
{
	(void)state;
	struct harness_ireq r;
	const char *rf = ref[2];
	uint64_t v = version_of(rf);
	v = answer_all(REV, rf, v, NULL);
	v = score_all(REV, rf, v, "950", "70", "4", NULL);
	v = narrative(REV, rf, v);
	v = visit(REV, rf, "2010-05-26", v);
	harness_ireq_review_finalise(&r, rf, v);
	char *msg = refused(REV, &r, FP, "finalise with a red indicator and no action");
	char want[160];
	snprintf(want, sizeof want,
		 "%s: cannot finalise: 1 thing is missing:\n"
		 "action plan: indicator ACC01 is red and has no action",
		 rf);
	assert_string_equal(msg, want);
	free(msg);
	v = action_add(REV, rf, "ACC01", "2010-07-31", v);
	v = finalise_ok(REV, rf, v, "red",
			"weighted mean 1.33 over 3 of 4 indicators (1 not available): amber "
			"(green at 1.50 or more, red below 0.75); red: critical indicator ACC01 "
			"is red",
			"full", 1);
	Assure__Response *resp = show(CM, rf);
	const Assure__Review *rv = resp->review_show->review;
	assert_string_equal(rv->scores[3]->not_available, "survey not run this year");
	assert_string_equal(rv->scores[3]->rag, "");
	assert_string_equal(rv->scores[1]->rag, "red");
	assure__response__free_unpacked(resp, NULL);
}

/* ---- 5b. the scorecard of the three cycles, in every format ------------------------- */

static void test_scorecard_of_cycles(void **state)
{
	(void)state;
	char *dir = harness_tempdir("cli-scorecard");
	struct harness_run run;
	char stdin_text[128];
	snprintf(stdin_text, sizeof stdin_text, "%s\n", PW);
	harness_cli(server.addr, dir, stdin_text, &run, "login", "--user", "viewer",
		    "--password-stdin", NULL);
	assert_int_equal(run.status, 0);
	harness_run_free(&run);

	/* JSON: the three practices reviewed through the RPCs, with the RAG
	 * each cycle ended in and the visit it decided. */
	harness_cli(server.addr, dir, NULL, &run, "scorecard", "--year", YEAR, "--format", "json",
		    NULL);
	if (run.status != 0)
		fail_msg("scorecard --format json: exit %d\n%s%s", run.status, run.out, run.err);
	const char *argv[] = {
	    PYTHON3, "-c",
	    "import json,sys\n"
	    "d=json.load(sys.stdin)\n"
	    "rows={r['ods']:r for r in d['rows']}\n"
	    "print(' '.join(rows[o]['rag']+'/'+rows[o]['next_visit_type'] for o in "
	    "('E84001','E84002','E84003')))\n",
	    NULL};
	struct harness_run py;
	assert_int_equal(harness_run_argv(argv, NULL, run.out, 10000, &py), 0);
	if (py.status != 0)
		fail_msg("scorecard JSON: %s\n%s", py.err, run.out);
	assert_string_equal(py.out, "green/desktop amber/standard red/full\n");
	harness_run_free(&py);
	harness_run_free(&run);

	/* CSV: a header and one line per contract of the year. */
	harness_cli(server.addr, dir, NULL, &run, "scorecard", "--year", YEAR, "--format", "csv",
		    NULL);
	assert_int_equal(run.status, 0);
	size_t lines = 0;
	for (const char *p = run.out; *p; p++)
		lines += *p == '\n';
	assert_true(lines >= 4);
	assert_non_null(strstr(run.out, "E84001,"));
	assert_non_null(strstr(run.out, ",red,"));
	harness_run_free(&run);

	/* Table and HTML. */
	harness_cli(server.addr, dir, NULL, &run, "scorecard", "--year", YEAR, NULL);
	assert_int_equal(run.status, 0);
	assert_non_null(strstr(run.out, "E84003"));
	assert_non_null(strstr(run.out, "full"));
	harness_run_free(&run);
	char html[512];
	snprintf(html, sizeof html, "%s/scorecard.html", dir);
	harness_cli(server.addr, dir, NULL, &run, "scorecard", "--year", YEAR, "--format", "html",
		    "--output", html, NULL);
	assert_int_equal(run.status, 0);
	harness_run_free(&run);
	FILE *f = fopen(html, "r");
	assert_non_null(f);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	assert_non_null(strstr(buf, "<html"));
	assert_non_null(strstr(buf, "E84002"));
	assert_null(strstr(buf, "http://"));
	assert_null(strstr(buf, "https://"));
	free(dir);
}

/* ---- 6. read-only and amendments ---------------------------------------------------- */

static void test_read_only_and_amendments(void **state)
{
	(void)state;
	struct harness_ireq r;
	uint64_t v = version_of(ref[0]);
	Assure__ReviewCheckRequest *c;

	(void)harness_ireq_review_check(&r, ref[0], "PREMISES", "met", "ramp", v);
	char *msg = refused(CM, &r, FP, "a write on a finalised review");
	expect_contains(msg, "finalised and read-only", "read-only");
	free(msg);
	(void)harness_ireq_review_narrative(&r, ref[0], "more", NULL, NULL, v);
	harness_iexpect_code(CM, &r, FP, "narrative on a finalised review");
	(void)harness_ireq_review_visit(&r, ref[0], "2010-05-21", v);
	harness_iexpect_code(CM, &r, FP, "visit on a finalised review");
	harness_ireq_review_finalise(&r, ref[0], v);
	harness_iexpect_code(CM, &r, FP, "finalise twice");
	/* An amendment reason on a review not finalised: nothing to amend. */
	c = harness_ireq_review_check(&r, ref[3], "PREMISES", "met", "ramp", 0);
	c->amend_reason = (char *)"no reason to amend";
	harness_iexpect_code(CM, &r, IA, "amendment of a draft");

	/* An amendment that would leave the review incomplete changes nothing. */
	c = harness_ireq_review_check(&r, ref[0], "PREMISES", "partly", "no ramp after all", v);
	c->amend_reason = (char *)"visit notes re-read";
	msg = refused(CM, &r, FP, "amendment leaving the review incomplete");
	expect_contains(msg, "amendment refused", "amendment refused");
	expect_contains(msg, "action plan: requirement PREMISES partly met has no action",
			"amendment refused");
	free(msg);
	Assure__Response *resp = show(CM, ref[0]);
	const Assure__Review *rv = resp->review_show->review;
	assert_int_equal(rv->summary->version, v);
	for (size_t i = 0; i < rv->n_checks; i++)
		if (strcmp(rv->checks[i]->code, "PREMISES") == 0)
			assert_string_equal(rv->checks[i]->result, "met");
	assure__response__free_unpacked(resp, NULL);

	/* An amendment that keeps it complete is recorded with its reason and
	 * recomputes the final result: the amber review's requirement found
	 * met makes it green, and its next visit a desktop review. */
	v = version_of(ref[1]);
	c = harness_ireq_review_check(&r, ref[1], "COMPLAINTS", "met", "procedure on file", v);
	c->amend_reason = (char *)"complaints procedure found on file";
	resp = harness_iexpect(CM, &r, OK, "amendment");
	const Assure__ReviewWriteResponse *w = resp->review_check;
	assert_string_equal(w->review->state, "finalised");
	assert_string_equal(w->review->rag, "green");
	assert_string_equal(w->review->next_visit_type, "desktop");
	assert_string_equal(w->derivation, "weighted mean 2.00 over 4 of 4 indicators: green "
					   "(green at 1.50 or more, red below 0.75)");
	assure__response__free_unpacked(resp, NULL);
	resp = show(VIEWER, ref[1]);
	rv = resp->review_show->review;
	const Assure__ReviewEvent *last = rv->history[rv->n_history - 1];
	assert_string_equal(last->kind, "amendment");
	assert_string_equal(last->text, "complaints procedure found on file");
	expect_contains(last->detail, "check: COMPLAINTS met", "amendment detail");
	assert_string_equal(last->by, "cm");
	assure__response__free_unpacked(resp, NULL);
	/* Its audit record (the last of cm's checks on it) says so. */
	char reason[256] = "";
	assert_true(audit_count(ref[1], "cm", "ReviewCheck", reason, sizeof reason) >= 1);
	expect_contains(reason, "complaints procedure found on file", "amendment audit");
}

/* ---- 7. next year's visit type ---------------------------------------------------------- */

static void test_next_year(void **state)
{
	(void)state;
	char next[16];
	schedule(ods[0], "2010/11", NULL, "desktop", next); /* green */
	expect_ref_format(next, "2010");
	schedule(ods[1], "2010/11", NULL, "desktop", next);	     /* amber amended to green */
	schedule(ods[2], "2010/11", NULL, "full", next);	     /* red */
	schedule(ods[3], "2010/11", "2010-08-20", "standard", next); /* none finalised */
	/* No set is published for 2010/11 yet: nothing can be scored. */
	struct harness_ireq r;
	(void)harness_ireq_review_score(&r, next, "QOF01", "900", NULL, 0);
	char *msg = refused(CM, &r, FP, "score without a published set");
	expect_contains(msg, "no indicator set is published for 2010/11", "no set");
	free(msg);
}

/* ---- 8. overdue actions and the due list ---------------------------------------------- */

static void test_overdue_and_due(void **state)
{
	(void)state;
	struct harness_ireq r;
	set_day("2010-08-15");
	/* A remedial notice from 1 August: 28 days to put it right. */
	harness_ireq_contract_show(&r, ods[2]);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "ContractShow");
	uint64_t cv = resp->contract_show->contract->version;
	assure__response__free_unpacked(resp, NULL);
	Assure__ContractNoticeAddRequest *n = harness_ireq_contract_notice_add(
	    &r, ods[2], "remedial", "access targets missed", "publish extended hours", cv);
	n->date = (char *)"2010-08-01";
	n->review_ref = ref[2];
	harness_iexpect_code(CM, &r, OK, "ContractNoticeAdd");

	(void)harness_ireq_review_list(&r, NULL, NULL, NULL, NULL, NULL, 1, 0, NULL);
	resp = harness_iexpect(VIEWER, &r, OK, "ReviewList --overdue-actions");
	assert_int_equal(resp->review_list->n_reviews, 1);
	assert_string_equal(resp->review_list->reviews[0]->ref, ref[2]);
	assert_int_equal(resp->review_list->reviews[0]->overdue_actions, 1);
	assure__response__free_unpacked(resp, NULL);

	(void)harness_ireq_review_list(&r, YEAR, "red", "finalised", NULL, SITE, 0, 0, NULL);
	resp = harness_iexpect(CM, &r, OK, "ReviewList red");
	assert_int_equal(resp->review_list->n_reviews, 1);
	assert_string_equal(resp->review_list->reviews[0]->ref, ref[2]);
	assure__response__free_unpacked(resp, NULL);

	/* Soonest first, one per page: the overdue action (31 July), the
	 * planned visit (20 August), the notice's deadline (29 August). */
	static const char *const want[][3] = {
	    {"action", "2010-07-31", "1"},
	    {"visit", "2010-08-20", "0"},
	    {"notice", "2010-08-29", "0"},
	};
	char token[128] = "";
	for (int i = 0; i < 3; i++) {
		harness_ireq_review_due(&r, "14d", 1, token);
		resp = harness_iexpect(CM, &r, OK, "ReviewDue");
		assert_int_equal(resp->review_due->n_items, 1);
		const Assure__ReviewDueItem *d = resp->review_due->items[0];
		assert_string_equal(d->kind, want[i][0]);
		assert_string_equal(d->due, want[i][1]);
		assert_int_equal(d->overdue, want[i][2][0] == '1');
		if (i == 0) {
			assert_string_equal(d->review_ref, ref[2]);
			assert_int_equal(d->number, 1);
			assert_string_equal(d->owner, "practice manager");
		}
		if (i == 2)
			assert_string_equal(d->ods, ods[2]);
		snprintf(token, sizeof token, "%s", resp->review_due->next_page_token);
		/* The last page says there is no other. */
		assert_int_equal(token[0] == '\0', i == 2);
		assure__response__free_unpacked(resp, NULL);
	}

	/* Done on a finalised review is progress, not an amendment. */
	uint64_t v = version_of(ref[2]);
	(void)harness_ireq_review_action_done(&r, ref[2], 1, "2010-08-16", v);
	harness_iexpect_code(CM, &r, IA, "done tomorrow");
	(void)harness_ireq_review_action_done(&r, ref[2], 1, "2010-08-14", v);
	resp = harness_iexpect(CM, &r, OK, "ReviewActionDone");
	assert_string_equal(resp->review_action_done->action->done, "2010-08-14");
	assert_string_equal(resp->review_action_done->review->state, "finalised");
	v = resp->review_action_done->review->version;
	assure__response__free_unpacked(resp, NULL);
	(void)harness_ireq_review_action_done(&r, ref[2], 1, NULL, v);
	harness_iexpect_code(CM, &r, FP, "done twice");
	(void)harness_ireq_review_list(&r, NULL, NULL, NULL, NULL, NULL, 1, 0, NULL);
	resp = harness_iexpect(CM, &r, OK, "ReviewList --overdue-actions after");
	assert_int_equal(resp->review_list->n_reviews, 0);
	assure__response__free_unpacked(resp, NULL);
	resp = show(CM, ref[2]);
	assert_string_equal(
	    resp->review_show->review->history[resp->review_show->review->n_history - 1]->kind,
	    "action");
	assure__response__free_unpacked(resp, NULL);
}

/* ---- 9. the CLI --------------------------------------------------------------------------- */

static void cli_login(const char *dir, const char *user)
{
	struct harness_run run;
	char stdin_text[128];
	snprintf(stdin_text, sizeof stdin_text, "%s\n", PW);
	harness_cli(server.addr, dir, stdin_text, &run, "login", "--user", user, "--password-stdin",
		    NULL);
	if (run.status != 0)
		fail_msg("assure login %s: exit %d\n%s%s", user, run.status, run.out, run.err);
	harness_run_free(&run);
}

#define CLI_OK(dir, run, ...)                                                                      \
	do {                                                                                       \
		harness_cli(server.addr, dir, NULL, run, __VA_ARGS__, NULL);                       \
		if ((run)->status != 0)                                                            \
			fail_msg("assure %s: exit %d\n%s%s", #__VA_ARGS__, (run)->status,          \
				 (run)->out, (run)->err);                                          \
	} while (0)

static char *py_json(const char *json, const char *prog)
{
	const char *argv[] = {PYTHON3, "-c", prog, NULL};
	struct harness_run run;
	assert_int_equal(harness_run_argv(argv, NULL, json, 10000, &run), 0);
	if (run.status != 0)
		fail_msg("python3 over\n%s\nfailed: %s", json, run.err);
	char *out = strdup(run.out);
	harness_run_free(&run);
	size_t n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return out;
}

static void test_cli(void **state)
{
	(void)state;
	char *dir = harness_tempdir("cli-review");
	cli_login(dir, "cm");
	struct harness_run run;

	/* A new practice's review for 2010/11 has no set; use ref[4], the
	 * 2009/10 one a reviewer scheduled, for a short cycle. */
	const char *rf = ref[4];
	CLI_OK(dir, &run, "review", "schedule", "--contract", ods[4], "--year", "2009/10", "--kind",
	       "mid-year", "--visit-type", "full", "--date", "2010-09-01");
	char *mid = strdup(run.out);
	harness_run_free(&run);
	mid[strcspn(mid, "\n")] = '\0';
	expect_ref_format(mid, "2009");

	/* The bulk through the API, the rest through the CLI. */
	uint64_t v = version_of(rf);
	static const char *const but[] = {"EQUIPMENT=n/a", NULL};
	v = answer_all(CM, rf, v, but);
	v = score_all(CM, rf, v, "820", "85", "5.5", "70");

	CLI_OK(dir, &run, "review", "visit", rf, "--date", "2010-08-10");
	harness_run_free(&run);
	CLI_OK(dir, &run, "review", "qof", rf, "--clinical", "600", "--organisational", "150.5",
	       "--patient-experience", "80", "--additional", "40", "--exception-rate", "6.1");
	harness_run_free(&run);
	CLI_OK(dir, &run, "review", "score", rf, "--indicator", "PAT01", "--value", "76", "--json");
	char *s =
	    py_json(run.out, "import json,sys; d=json.load(sys.stdin); "
			     "print(d['review']['state'], d['review']['rag'], len(d['missing']))");
	harness_run_free(&run);
	/* (1 + 1 + 1 + 1) / 4 = 1.00 amber; the narrative's three parts missing. */
	assert_string_equal(s, "draft amber 3");
	free(s);

	/* Finalise refused: the whole list on stderr, exit 7. */
	harness_cli(server.addr, dir, NULL, &run, "review", "finalise", rf, NULL);
	if (run.status != 7)
		fail_msg("finalise: exit %d, expected 7\n%s%s", run.status, run.out, run.err);
	expect_contains(run.err, "cannot finalise: 3 things are missing:", "CLI finalise");
	expect_contains(run.err, "\n  narrative: achievements missing\n", "CLI finalise");
	expect_contains(run.err, "\n  narrative: challenges missing\n", "CLI finalise");
	harness_run_free(&run);

	CLI_OK(dir, &run, "review", "narrative", rf, "--achievements", "cervical screening up",
	       "--developments", "new premises", "--challenges", "recruitment");
	harness_run_free(&run);
	CLI_OK(dir, &run, "review", "action", "add", rf, "--text", "review prescribing", "--owner",
	       "lead GP", "--due", "2010-11-30", "--for", "PRE01", "--json");
	s = py_json(run.out, "import json,sys; d=json.load(sys.stdin); "
			     "print(d['action']['number'], d['action']['for_item'])");
	harness_run_free(&run);
	assert_string_equal(s, "1 PRE01");
	free(s);
	CLI_OK(dir, &run, "review", "override", rf, "--rag", "red", "--reason",
	       "serious untoward incident in July");
	harness_run_free(&run);

	CLI_OK(dir, &run, "review", "show", rf, "--json");
	s = py_json(run.out, "import json,sys; r=json.load(sys.stdin)['review']; s=r['summary']; "
			     "sc={x['indicator']['code']: x['rag'] for x in r['scores']}; "
			     "print(s['state'], s['rag'], s['computed_rag'], r['override_rag'], "
			     "r['override_reason'].split()[0], len(r['missing']), sc['QOF01'], "
			     "sc['PRE01'], r['projected_next_visit_type'], r['qof']['total'])");
	harness_run_free(&run);
	assert_string_equal(s, "draft red amber red serious 0 amber amber full 870.5");
	free(s);

	CLI_OK(dir, &run, "review", "show", rf);
	expect_contains(run.out, "red (override) beside the computed amber", "CLI show");
	expect_contains(run.out, "serious untoward incident in July", "CLI show");
	expect_contains(run.out, "nothing: ready to finalise", "CLI show");
	harness_run_free(&run);

	CLI_OK(dir, &run, "review", "finalise", rf, "--json");
	s = py_json(run.out, "import json,sys; d=json.load(sys.stdin)['review']; "
			     "print(d['state'], d['rag'], d['next_visit_type'], "
			     "d['mid_year_follow_up'])");
	harness_run_free(&run);
	assert_string_equal(s, "finalised red full True");
	free(s);

	/* Read-only now; a stale --version is exit 6. */
	harness_cli(server.addr, dir, NULL, &run, "review", "check", rf, "--item", "PREMISES",
		    "--result", "partly", "--evidence", "x", NULL);
	assert_int_equal(run.status, 7);
	expect_contains(run.err, "finalised and read-only", "CLI read-only");
	harness_run_free(&run);
	harness_cli(server.addr, dir, NULL, &run, "review", "narrative", rf, "--challenges", "x",
		    "--version", "1", "--amend", "typo", NULL);
	assert_int_equal(run.status, 6);
	expect_contains(run.err, "changed by cm", "CLI stale");
	harness_run_free(&run);
	CLI_OK(dir, &run, "review", "narrative", rf, "--challenges", "recruitment and retention",
	       "--amend", "fuller wording");
	harness_run_free(&run);

	CLI_OK(dir, &run, "review", "list", "--contract", ods[4], "--json");
	s = py_json(run.out, "import json,sys; d=json.load(sys.stdin); "
			     "print(len(d), ' '.join(sorted(x['kind'] + ':' + x['state'] "
			     "for x in d)))");
	harness_run_free(&run);
	assert_string_equal(s, "2 annual:finalised mid-year:scheduled");
	free(s);

	CLI_OK(dir, &run, "review", "due", "--within", "30d", "--json");
	s = py_json(run.out, "import json,sys; d=json.load(sys.stdin); "
			     "print(' '.join(x['kind'] + '@' + x['due'] for x in d))");
	harness_run_free(&run);
	/* The visits planned for 20 August and 1 September and the notice of
	 * 29 August; the 2009/10 actions are done or due later. */
	assert_string_equal(s, "visit@2010-08-20 notice@2010-08-29 visit@2010-09-01");
	free(s);
	free(mid);
	free(dir);
}

/* ---- 10. the QOF maxima change --------------------------------------------------------- */

#define QOF_DEFAULT                                                                                \
	"clinical:697,organisational:167.5,patient-experience:91.5,additional-services:44"
#define QOF_NEW "clinical:600,organisational:264.5,patient-experience:91.5,additional-services:44"

static Assure__ConfigSetRequest config_set_req;

static void req_config_set(struct harness_ireq *r, const char *key, const char *value,
			   const char *reason, uint64_t version)
{
	memset(r, 0, sizeof *r);
	r->req = (Assure__Request)ASSURE__REQUEST__INIT;
	config_set_req = (Assure__ConfigSetRequest)ASSURE__CONFIG_SET_REQUEST__INIT;
	config_set_req.key = (char *)key;
	config_set_req.value = (char *)value;
	config_set_req.reason = (char *)reason;
	config_set_req.version = version;
	r->req.op_case = ASSURE__REQUEST__OP_CONFIG_SET;
	r->req.config_set = &config_set_req;
}

static void expect_maxima(const Assure__QofResult *q, const char *clinical, const char *org,
			  const char *pe, const char *add, const char *what)
{
	char got[256];
	snprintf(got, sizeof got, "%s %s %s %s", q->max_clinical, q->max_organisational,
		 q->max_patient_experience, q->max_additional);
	char want[256];
	snprintf(want, sizeof want, "%s %s %s %s", clinical, org, pe, add);
	if (strcmp(got, want) != 0)
		fail_msg("%s: maxima %s, expected %s", what, got, want);
}

static void test_qof_maxima_change(void **state)
{
	(void)state;
	struct harness_ireq r;
	/* ref[0]: QOF recorded (clinical 690) against the defaults, finalised. */
	Assure__Response *resp = show(VIEWER, ref[0]);
	expect_maxima(resp->review_show->review->qof, "697", "167.5", "91.5", "44", "before");
	assure__response__free_unpacked(resp, NULL);

	/* Only config.manage changes it; a bad value is refused naming the key. */
	req_config_set(&r, "review.qof-maxima", QOF_NEW, "2010/11 QOF guidance", 1);
	harness_iexpect_code(CM, &r, PD, "ConfigSet as a contract manager");
	struct client *admin = harness_connect_admin(&server);
	req_config_set(&r, "review.qof-maxima",
		       "clinical:600,organisational:264.5,patient-experience:91.5", "short", 1);
	char *msg = refused(admin, &r, IA, "ConfigSet without additional-services");
	expect_contains(msg, "review.qof-maxima: additional-services is missing", "missing");
	free(msg);
	req_config_set(&r, "review.qof-maxima", QOF_NEW, "2010/11 QOF guidance", 1);
	resp = harness_iexpect(admin, &r, OK, "ConfigSet review.qof-maxima");
	assert_true(resp->config_set->changed);
	assert_string_equal(resp->config_set->old_value, QOF_DEFAULT);
	assert_string_equal(resp->config_set->setting->value, QOF_NEW);
	assert_string_equal(resp->config_set->setting->default_value, QOF_DEFAULT);
	assert_int_equal(resp->config_set->setting->version, 2);
	assure__response__free_unpacked(resp, NULL);
	client_free(admin);

	/* In the audit trail: old and new values and the reason. */
	harness_ireq_audit_query_object(&r, "setting", "review.qof-maxima", NULL, "ConfigSet");
	resp = harness_iexpect(AUDITOR, &r, OK, "AuditQuery setting");
	size_t found = 0;
	for (size_t i = 0; i < resp->audit_query->n_entries; i++) {
		const Assure__AuditEntry *e = resp->audit_query->entries[i];
		Assure__AuditRecord *rec =
		    assure__audit_record__unpack(NULL, e->record.len, e->record.data);
		assert_non_null(rec);
		if (strcmp(rec->status, "OK") == 0) {
			found++;
			expect_contains(rec->reason, QOF_DEFAULT " -> " QOF_NEW, "audit reason");
			expect_contains(rec->reason, "reason: 2010/11 QOF guidance",
					"audit reason");
			assert_string_equal(rec->username, HARNESS_ADMIN);
		}
		assure__audit_record__free_unpacked(rec, NULL);
	}
	assure__response__free_unpacked(resp, NULL);
	assert_int_equal(found, 1);

	/* The review recorded before keeps its maxima. */
	resp = show(VIEWER, ref[0]);
	const Assure__QofResult *q = resp->review_show->review->qof;
	expect_maxima(q, "697", "167.5", "91.5", "44", "recorded before the change");
	assert_string_equal(q->clinical, "690");
	assert_string_equal(q->total, "984.5");
	assure__response__free_unpacked(resp, NULL);

	/* A review with no QOF yet shows the maxima in force; new QOF is
	 * checked against them. */
	char next[16];
	schedule(ods[4], "2010/11", NULL, NULL, next);
	resp = show(VIEWER, next);
	assert_false(resp->review_show->review->qof->recorded);
	expect_maxima(resp->review_show->review->qof, "600", "264.5", "91.5", "44", "not recorded");
	assure__response__free_unpacked(resp, NULL);
	uint64_t v = version_of(next);
	(void)harness_ireq_review_qof(&r, next, "600.5", "150", "90", "40", NULL, v);
	msg = refused(REV, &r, IA, "clinical over the new maximum");
	expect_contains(msg, "QOF clinical points: must be 0 to 600", "new maximum");
	free(msg);
	/* 690 was within the old maximum, 200 organisational was not: now the
	 * other way round. */
	(void)harness_ireq_review_qof(&r, next, "690", "150", "90", "40", NULL, v);
	harness_iexpect_code(REV, &r, IA, "clinical 690 over the new maximum");
	(void)harness_ireq_review_qof(&r, next, "600", "200", "91.5", "44", "3.5", v);
	v = wr(REV, &r, "ReviewQof within the new maxima");
	resp = show(VIEWER, next);
	const Assure__Review *rv = resp->review_show->review;
	assert_true(rv->qof->recorded);
	assert_string_equal(rv->qof->clinical, "600");
	assert_string_equal(rv->qof->organisational, "200");
	assert_string_equal(rv->qof->total, "935.5");
	expect_maxima(rv->qof, "600", "264.5", "91.5", "44", "recorded after the change");
	const Assure__ReviewEvent *last = rv->history[rv->n_history - 1];
	assert_string_equal(last->kind, "qof");
	expect_contains(last->detail, "maxima: " QOF_NEW, "qof event detail");
	assure__response__free_unpacked(resp, NULL);
}

int main(void)
{
	harness_guard(280);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_schedule),
	    cmocka_unit_test(test_finalise_lists_everything),
	    cmocka_unit_test(test_stale_version),
	    cmocka_unit_test(test_viewer),
	    cmocka_unit_test(test_green_with_override),
	    cmocka_unit_test(test_amber_action_plan),
	    cmocka_unit_test(test_red_critical),
	    cmocka_unit_test(test_scorecard_of_cycles),
	    cmocka_unit_test(test_read_only_and_amendments),
	    cmocka_unit_test(test_next_year),
	    cmocka_unit_test(test_overdue_and_due),
	    cmocka_unit_test(test_cli),
	    cmocka_unit_test(test_qof_maxima_change),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
