/*
 * Scorecard indicator sets and the requirements catalogue against a real
 * assured (DOMAIN.md "Annual contract review" items 2, 4 and 5;
 * IndicatorsCreate ... IndicatorsList, RequirementsList, Add, Retire;
 * docs/REVIEWS.md): creating sets (and copying one with --from), adding,
 * replacing and removing indicators, thresholds that contradict their
 * direction refused naming the threshold, the overall rule, the moves
 * draft -> consultation -> published (or straight to published, or back
 * to draft), a published set refusing every change, one published set per
 * review year, stale versions, who may manage and who may read; each
 * requirements change a new catalogue version; then the real assure CLI
 * with exit codes and --json (checked with python3's json module).
 *
 * The expected answers come from DOMAIN.md and docs/REVIEWS.md, never from
 * the server.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define PW "indicator test passphrase 8"
#define SITE "HQ"
#define CMGR "in-manager"
#define VIEWER "in-viewer"
#define REVIEWER "in-reviewer"
#define PYTHON3 "/usr/bin/python3"

#define OK ASSURE__CODE__OK
#define INVALID ASSURE__CODE__INVALID_ARGUMENT
#define NOT_FOUND ASSURE__CODE__NOT_FOUND
#define EXISTS ASSURE__CODE__ALREADY_EXISTS
#define DENIED ASSURE__CODE__PERMISSION_DENIED
#define PRECONDITION ASSURE__CODE__FAILED_PRECONDITION
#define ABORTED ASSURE__CODE__ABORTED

static struct harness_server server;
static struct client *cm; /* the contract manager: indicators.manage */

/* ---- helpers ------------------------------------------------------------- */

static void create_ok(const char *name, const char *year, const char *from)
{
	struct harness_ireq r;
	char what[160];
	snprintf(what, sizeof what, "IndicatorsCreate %s %s from '%s'", name, year,
		 from ? from : "");
	harness_ireq_indicators_create(&r, name, year, from);
	harness_iexpect_code(cm, &r, OK, what);
}

/* IndicatorsAdd of a plain indicator, expecting want (and text when given). */
static void add_expect(const char *set, const char *code, const char *direction, const char *green,
		       const char *amber, int want, const char *text)
{
	struct harness_ireq r;
	char what[160];
	snprintf(what, sizeof what, "IndicatorsAdd %s %s %s %s/%s", set, code, direction, green,
		 amber);
	(void)harness_ireq_indicators_add(&r, set, code, direction, green, amber, 0, 0);
	if (text != NULL)
		harness_iexpect_msg(cm, &r, want, text, what);
	else
		harness_iexpect_code(cm, &r, want, what);
}

static void add_ok(const char *set, const char *code, const char *direction, const char *green,
		   const char *amber)
{
	add_expect(set, code, direction, green, amber, OK, NULL);
}

/* IndicatorsShow as c, asserting OK; caller frees. */
static Assure__Response *show_as(struct client *c, const char *set)
{
	struct harness_ireq r;
	char what[96];
	snprintf(what, sizeof what, "IndicatorsShow %s", set);
	harness_ireq_indicators_show(&r, set);
	Assure__Response *resp = harness_iexpect(c, &r, OK, what);
	assert_non_null(resp->indicators_show);
	assert_non_null(resp->indicators_show->set);
	return resp;
}

static const Assure__IndicatorSet *show_set(const char *set, Assure__Response **resp)
{
	*resp = show_as(cm, set);
	return (*resp)->indicators_show->set;
}

static void publish_expect(const char *set, const char *to, uint64_t version, int want,
			   const char *text)
{
	struct harness_ireq r;
	char what[128];
	snprintf(what, sizeof what, "IndicatorsPublish %s to '%s'", set, to ? to : "");
	harness_ireq_indicators_publish(&r, set, to, version);
	if (text != NULL)
		harness_iexpect_msg(cm, &r, want, text, what);
	else
		harness_iexpect_code(cm, &r, want, what);
}

static void expect_state(const char *set, const char *state)
{
	Assure__Response *resp = NULL;
	const Assure__IndicatorSet *s = show_set(set, &resp);
	if (strcmp(s->state, state) != 0)
		fail_msg("set %s is %s, expected %s", set, s->state, state);
	assure__response__free_unpacked(resp, NULL);
}

/* ---- group ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	(void)state;
	harness_server_start(&server, NULL);
	struct client *admin = harness_connect_admin(&server);
	struct harness_ireq r;
	harness_ireq_site_add(&r, SITE, "Headquarters");
	harness_iexpect_code(admin, &r, OK, "SiteAdd " SITE);
	harness_add_user(admin, CMGR, "contract-manager", SITE, PW, NULL);
	harness_add_user(admin, VIEWER, "viewer", SITE, PW, NULL);
	harness_add_user(admin, REVIEWER, "reviewer", SITE, PW, NULL);
	client_free(admin);
	cm = harness_connect_login(&server, CMGR, PW, NULL, NULL);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	client_free(cm);
	cm = NULL;
	harness_server_destroy(&server);
	return 0;
}

/* ---- creating and editing ----------------------------------------------------- */

static void test_create(void **state)
{
	(void)state;
	struct harness_ireq r;
	harness_ireq_indicators_create(&r, "sc-2009", "2009/10", NULL);
	Assure__Response *resp = harness_iexpect(cm, &r, OK, "IndicatorsCreate sc-2009");
	const Assure__IndicatorSet *s = resp->indicators_create->set;
	assert_non_null(s);
	assert_string_equal(s->name, "sc-2009");
	assert_string_equal(s->year, "2009/10");
	assert_string_equal(s->state, "draft");
	/* DOMAIN.md: weighted mean >= 1.5 green, < 0.75 red. */
	assert_string_equal(s->green_mean, "1.5");
	assert_string_equal(s->red_mean, "0.75");
	assert_string_equal(s->from_set, "");
	assert_string_equal(s->created_by, CMGR);
	assert_int_equal(s->published_at, 0);
	assert_int_equal(s->version, 1);
	assert_int_equal(s->indicator_count, 0);
	assert_int_equal(s->n_indicators, 0);
	assure__response__free_unpacked(resp, NULL);

	harness_ireq_indicators_create(&r, "sc-2009", "2010/11", NULL);
	harness_iexpect_msg(cm, &r, EXISTS, "sc-2009", "IndicatorsCreate duplicate name");
	harness_ireq_indicators_create(&r, "sc-bad-year", "2009/11", NULL);
	harness_iexpect_code(cm, &r, INVALID, "IndicatorsCreate year 2009/11");
	harness_ireq_indicators_create(&r, "sc-bad-year", "2009", NULL);
	harness_iexpect_code(cm, &r, INVALID, "IndicatorsCreate year 2009");
	harness_ireq_indicators_create(&r, "", "2009/10", NULL);
	harness_iexpect_code(cm, &r, INVALID, "IndicatorsCreate without a name");
	harness_ireq_indicators_create(&r, "sc-from-nothing", "2009/10", "no-such-set");
	harness_iexpect_msg(cm, &r, NOT_FOUND, "no-such-set", "IndicatorsCreate --from unknown");
	harness_ireq_indicators_show(&r, "sc-from-nothing");
	harness_iexpect_code(cm, &r, NOT_FOUND, "the refused create left nothing");
}

static void test_add_replace_remove(void **state)
{
	(void)state;
	add_ok("sc-2009", "QOF01", "higher", "900", "800");
	struct harness_ireq r;
	Assure__Indicator *in =
	    harness_ireq_indicators_add(&r, "sc-2009", "PRX01", "lower", "5.5", "10", 0, 0);
	in->name = (char *)"Broad-spectrum antibiotics";
	in->domain = (char *)"prescribing";
	in->unit = (char *)"% of items";
	in->weight = (char *)"2.25";
	in->critical = 1;
	harness_iexpect_code(cm, &r, OK, "IndicatorsAdd PRX01");
	add_ok("sc-2009", "ACC01", "higher", "80", "80"); /* no amber band: allowed */

	Assure__Response *resp = NULL;
	const Assure__IndicatorSet *s = show_set("sc-2009", &resp);
	assert_int_equal(s->n_indicators, 3);
	assert_int_equal(s->indicator_count, 3);
	assert_int_equal(s->version, 4);
	assert_string_equal(s->indicators[0]->code, "QOF01");
	assert_int_equal(s->indicators[0]->position, 1);
	assert_string_equal(s->indicators[0]->weight, "1"); /* the default */
	assert_false(s->indicators[0]->critical);
	const Assure__Indicator *p = s->indicators[1];
	assert_string_equal(p->code, "PRX01");
	assert_string_equal(p->name, "Broad-spectrum antibiotics");
	assert_string_equal(p->domain, "prescribing");
	assert_string_equal(p->unit, "% of items");
	assert_string_equal(p->direction, "lower");
	assert_string_equal(p->green, "5.5");
	assert_string_equal(p->amber, "10");
	assert_string_equal(p->weight, "2.25");
	assert_true(p->critical);
	assert_int_equal(p->position, 2);
	assert_string_equal(s->indicators[2]->code, "ACC01");
	assure__response__free_unpacked(resp, NULL);

	/* A code once per set; --replace changes it in place. */
	add_expect("sc-2009", "QOF01", "higher", "950", "850", EXISTS, "QOF01");
	in = harness_ireq_indicators_add(&r, "sc-2009", "QOF01", "higher", "950.25", "850", 1, 4);
	in->name = (char *)"QOF points achieved";
	harness_iexpect_code(cm, &r, OK, "IndicatorsAdd --replace QOF01");
	(void)harness_ireq_indicators_add(&r, "sc-2009", "QOF99", "higher", "9", "8", 1, 0);
	harness_iexpect_msg(cm, &r, NOT_FOUND, "QOF99", "IndicatorsAdd --replace of no indicator");
	s = show_set("sc-2009", &resp);
	assert_int_equal(s->n_indicators, 3);
	assert_string_equal(s->indicators[0]->code, "QOF01"); /* kept its column */
	assert_string_equal(s->indicators[0]->green, "950.25");
	assert_string_equal(s->indicators[0]->name, "QOF points achieved");
	assert_int_equal(s->version, 5);
	assure__response__free_unpacked(resp, NULL);

	/* Remove; then a new indicator goes after the last. */
	harness_ireq_indicators_remove(&r, "sc-2009", "PRX01", 5);
	harness_iexpect_code(cm, &r, OK, "IndicatorsRemove PRX01");
	harness_ireq_indicators_remove(&r, "sc-2009", "PRX01", 0);
	harness_iexpect_msg(cm, &r, NOT_FOUND, "PRX01", "IndicatorsRemove PRX01 again");
	harness_ireq_indicators_remove(&r, "no-such-set", "PRX01", 0);
	harness_iexpect_code(cm, &r, NOT_FOUND, "IndicatorsRemove from no set");
	add_ok("sc-2009", "PRX02", "lower", "5", "10");
	s = show_set("sc-2009", &resp);
	assert_int_equal(s->n_indicators, 3);
	assert_string_equal(s->indicators[0]->code, "QOF01");
	assert_string_equal(s->indicators[1]->code, "ACC01");
	assert_string_equal(s->indicators[2]->code, "PRX02");
	assert_int_equal(s->indicators[2]->position, 3);
	assure__response__free_unpacked(resp, NULL);
}

static void test_bad_indicators(void **state)
{
	(void)state;
	create_ok("sc-bad", "2009/10", NULL);
	/* Thresholds against the direction, naming the threshold. */
	add_expect("sc-bad", "QOF01", "higher", "70", "80", INVALID, "green threshold");
	add_expect("sc-bad", "PRX01", "lower", "10", "5", INVALID, "green threshold");
	/* Numbers: exact decimals with at most 4 places. */
	add_expect("sc-bad", "QOF01", "higher", "80.12345", "70", INVALID, "green threshold");
	add_expect("sc-bad", "QOF01", "higher", "80", "seventy", INVALID, "amber threshold");
	add_expect("sc-bad", "QOF01", "higher", "", "70", INVALID, "green threshold");
	add_expect("sc-bad", "QOF01", "higher", "1e3", "70", INVALID, "green threshold");
	/* Codes, directions, domains. */
	add_expect("sc-bad", "qof01", "higher", "80", "70", INVALID, "indicator code");
	add_expect("sc-bad", "", "higher", "80", "70", INVALID, "indicator code");
	add_expect("sc-bad", "QOF01", "up", "80", "70", INVALID, "direction");
	struct harness_ireq r;
	Assure__Indicator *in =
	    harness_ireq_indicators_add(&r, "sc-bad", "QOF01", "higher", "80", "70", 0, 0);
	in->domain = (char *)"finance";
	harness_iexpect_msg(cm, &r, INVALID, "indicator domain", "IndicatorsAdd domain finance");
	in = harness_ireq_indicators_add(&r, "sc-bad", "QOF01", "higher", "80", "70", 0, 0);
	in->weight = (char *)"0";
	harness_iexpect_msg(cm, &r, INVALID, "weight", "IndicatorsAdd weight 0");
	in = harness_ireq_indicators_add(&r, "sc-bad", "QOF01", "higher", "80", "70", 0, 0);
	in->name = (char *)"";
	harness_iexpect_msg(cm, &r, INVALID, "name", "IndicatorsAdd without a name");
	add_expect("no-such-set", "QOF01", "higher", "80", "70", NOT_FOUND, "no-such-set");
	/* None of it landed. */
	Assure__Response *resp = NULL;
	const Assure__IndicatorSet *s = show_set("sc-bad", &resp);
	assert_int_equal(s->n_indicators, 0);
	assert_int_equal(s->version, 1);
	assure__response__free_unpacked(resp, NULL);
}

static void test_rule(void **state)
{
	(void)state;
	struct harness_ireq r;
	harness_ireq_indicators_rule(&r, "sc-2009", "1.6", NULL, 0);
	Assure__Response *resp = harness_iexpect(cm, &r, OK, "IndicatorsRule green 1.6");
	assert_string_equal(resp->indicators_rule->set->green_mean, "1.6");
	assert_string_equal(resp->indicators_rule->set->red_mean, "0.75");
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_indicators_rule(&r, "sc-2009", "1.5", "0.8", 0);
	harness_iexpect_code(cm, &r, OK, "IndicatorsRule 1.5/0.8");
	/* 0 <= red < green <= 2, two decimal places. */
	harness_ireq_indicators_rule(&r, "sc-2009", "0.7", NULL, 0);
	harness_iexpect_msg(cm, &r, INVALID, "red mean", "IndicatorsRule green below red");
	harness_ireq_indicators_rule(&r, "sc-2009", "2.5", NULL, 0);
	harness_iexpect_msg(cm, &r, INVALID, "green mean", "IndicatorsRule green 2.5");
	harness_ireq_indicators_rule(&r, "sc-2009", "1.555", NULL, 0);
	harness_iexpect_msg(cm, &r, INVALID, "decimal places", "IndicatorsRule 1.555");
	harness_ireq_indicators_rule(&r, "sc-2009", NULL, "-0.5", 0);
	harness_iexpect_msg(cm, &r, INVALID, "red mean", "IndicatorsRule red -0.5");
	harness_ireq_indicators_rule(&r, "sc-2009", NULL, NULL, 0);
	harness_iexpect_msg(cm, &r, INVALID, "nothing to change", "IndicatorsRule with nothing");
	Assure__Response *sresp = NULL;
	const Assure__IndicatorSet *s = show_set("sc-2009", &sresp);
	assert_string_equal(s->green_mean, "1.5");
	assert_string_equal(s->red_mean, "0.8");
	assure__response__free_unpacked(sresp, NULL);
}

static void test_stale_version(void **state)
{
	(void)state;
	Assure__Response *resp = NULL;
	const Assure__IndicatorSet *s = show_set("sc-2009", &resp);
	uint64_t v = s->version;
	assure__response__free_unpacked(resp, NULL);
	struct harness_ireq r;
	harness_ireq_indicators_rule(&r, "sc-2009", NULL, "0.75", v);
	harness_iexpect_code(cm, &r, OK, "IndicatorsRule at the current version");
	harness_ireq_indicators_rule(&r, "sc-2009", NULL, "0.7", v);
	harness_iexpect_msg(cm, &r, ABORTED, "changed by " CMGR " at", "IndicatorsRule stale");
	(void)harness_ireq_indicators_add(&r, "sc-2009", "ACC02", "higher", "9", "8", 0, v);
	harness_iexpect_msg(cm, &r, ABORTED, "changed by", "IndicatorsAdd stale");
	harness_ireq_indicators_remove(&r, "sc-2009", "ACC01", v);
	harness_iexpect_msg(cm, &r, ABORTED, "changed by", "IndicatorsRemove stale");
	publish_expect("sc-2009", "consultation", v, ABORTED, "changed by");
	expect_state("sc-2009", "draft");
}

/* ---- moving and publishing ------------------------------------------------------ */

static void test_publish_and_freeze(void **state)
{
	(void)state;
	/* An empty set cannot go out to consultation or be published. */
	create_ok("sc-empty", "2009/10", NULL);
	publish_expect("sc-empty", "consultation", 0, PRECONDITION, "no indicators");
	publish_expect("sc-empty", NULL, 0, PRECONDITION, "no indicators");
	publish_expect("sc-empty", "draft", 0, PRECONDITION, "cannot move from draft to draft");
	publish_expect("sc-empty", "frozen", 0, INVALID, "state");
	publish_expect("no-such-set", NULL, 0, NOT_FOUND, "no-such-set");

	/* draft -> consultation -> draft -> consultation -> published. */
	publish_expect("sc-2009", "consultation", 0, OK, NULL);
	expect_state("sc-2009", "consultation");
	add_ok("sc-2009", "ACC02", "higher", "95", "90"); /* consultation still edits */
	publish_expect("sc-2009", "draft", 0, OK, NULL);
	expect_state("sc-2009", "draft");
	publish_expect("sc-2009", "consultation", 0, OK, NULL);
	struct harness_ireq r;
	harness_ireq_indicators_publish(&r, "sc-2009", NULL, 0);
	Assure__Response *resp = harness_iexpect(cm, &r, OK, "IndicatorsPublish sc-2009");
	const Assure__IndicatorSet *s = resp->indicators_publish->set;
	assert_string_equal(s->state, "published");
	assert_string_equal(s->published_by, CMGR);
	assert_true(s->published_at > 1600000000);
	assert_int_equal(s->n_indicators, 4);
	uint64_t v = s->version;
	assure__response__free_unpacked(resp, NULL);

	/* A published set refuses every change, naming the set. */
	const char *frozen = "indicator set sc-2009 is published and frozen";
	add_expect("sc-2009", "NEW01", "higher", "2", "1", PRECONDITION, frozen);
	Assure__Indicator *in =
	    harness_ireq_indicators_add(&r, "sc-2009", "QOF01", "higher", "1", "0", 1, v);
	(void)in;
	harness_iexpect_msg(cm, &r, PRECONDITION, frozen, "IndicatorsAdd --replace on published");
	harness_ireq_indicators_remove(&r, "sc-2009", "QOF01", v);
	harness_iexpect_msg(cm, &r, PRECONDITION, frozen, "IndicatorsRemove on published");
	harness_ireq_indicators_rule(&r, "sc-2009", "1.9", "0.1", v);
	harness_iexpect_msg(cm, &r, PRECONDITION, frozen, "IndicatorsRule on published");
	publish_expect("sc-2009", "draft", v, PRECONDITION, frozen);
	publish_expect("sc-2009", "consultation", v, PRECONDITION, frozen);
	publish_expect("sc-2009", NULL, v, PRECONDITION, frozen);
	/* Frozen means unchanged. */
	Assure__Response *sresp = NULL;
	s = show_set("sc-2009", &sresp);
	assert_string_equal(s->state, "published");
	assert_int_equal(s->version, v);
	assert_int_equal(s->n_indicators, 4);
	assert_string_equal(s->indicators[0]->green, "950.25");
	assert_string_equal(s->green_mean, "1.5");
	assure__response__free_unpacked(sresp, NULL);

	/* --from copies indicators and rule into a new draft. */
	harness_ireq_indicators_create(&r, "sc-2009-rev", "2009/10", "sc-2009");
	resp = harness_iexpect(cm, &r, OK, "IndicatorsCreate --from sc-2009");
	s = resp->indicators_create->set;
	assert_string_equal(s->state, "draft");
	assert_string_equal(s->from_set, "sc-2009");
	assert_string_equal(s->red_mean, "0.75");
	assert_int_equal(s->n_indicators, 4);
	assert_string_equal(s->indicators[0]->code, "QOF01");
	assert_string_equal(s->indicators[0]->green, "950.25");
	assert_string_equal(s->indicators[3]->code, "ACC02");
	assure__response__free_unpacked(resp, NULL);
	/* The copy is the copy's: changing it leaves the original. */
	harness_ireq_indicators_remove(&r, "sc-2009-rev", "QOF01", 0);
	harness_iexpect_code(cm, &r, OK, "IndicatorsRemove from the copy");
	s = show_set("sc-2009", &sresp);
	assert_int_equal(s->n_indicators, 4);
	assure__response__free_unpacked(sresp, NULL);

	/* One published set a year: the second is refused, naming the first. */
	publish_expect("sc-2009-rev", NULL, 0, PRECONDITION, "sc-2009 is already published");
	expect_state("sc-2009-rev", "draft");
	/* Another year is another matter; draft -> published without a
	 * consultation is allowed. */
	create_ok("sc-2010", "2010/11", "sc-2009");
	publish_expect("sc-2010", NULL, 0, OK, NULL);
	expect_state("sc-2010", "published");
}

static void test_list(void **state)
{
	(void)state;
	struct harness_ireq r;
	harness_ireq_indicators_list(&r, "2009/10");
	Assure__Response *resp = harness_iexpect(cm, &r, OK, "IndicatorsList 2009/10");
	const Assure__IndicatorsListResponse *l = resp->indicators_list;
	int published = 0, found_rev = 0;
	for (size_t i = 0; i < l->n_sets; i++) {
		const Assure__IndicatorSet *s = l->sets[i];
		assert_string_equal(s->year, "2009/10");
		assert_int_equal(s->n_indicators, 0); /* lists carry counts, not indicators */
		published += strcmp(s->state, "published") == 0;
		if (strcmp(s->name, "sc-2009-rev") == 0) {
			found_rev = 1;
			assert_int_equal(s->indicator_count, 3);
		}
	}
	assert_int_equal(published, 1);
	assert_true(found_rev);
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_indicators_list(&r, NULL);
	resp = harness_iexpect(cm, &r, OK, "IndicatorsList");
	assert_true(resp->indicators_list->n_sets >= 5);
	assert_string_equal(resp->indicators_list->sets[0]->year, "2010/11"); /* newest first */
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_indicators_list(&r, "2009-10");
	harness_iexpect_code(cm, &r, INVALID, "IndicatorsList bad year");
}

/* ---- the requirements catalogue ---------------------------------------------------- */

static uint32_t catalogue(int include_retired, Assure__Response **resp)
{
	struct harness_ireq r;
	harness_ireq_requirements_list(&r, include_retired);
	*resp = harness_iexpect(cm, &r, OK, "RequirementsList");
	assert_non_null((*resp)->requirements_list);
	return (*resp)->requirements_list->catalogue_version;
}

static const Assure__Requirement *find_req(const Assure__RequirementsListResponse *l,
					   const char *code)
{
	for (size_t i = 0; i < l->n_requirements; i++)
		if (strcmp(l->requirements[i]->code, code) == 0)
			return l->requirements[i];
	return NULL;
}

static void test_requirements(void **state)
{
	(void)state;
	Assure__Response *resp = NULL;
	uint32_t v0 = catalogue(0, &resp);
	const Assure__RequirementsListResponse *l = resp->requirements_list;
	/* DOMAIN.md's checklist and the seven SfBH domains are there from the start. */
	assert_true(v0 >= 1);
	assert_true(l->n_requirements >= 14);
	assert_non_null(find_req(l, "PRACTICE_LEAFLET"));
	assert_non_null(find_req(l, "CONTROLLED_DRUGS"));
	assert_int_equal(l->n_sfbh_domains, 7);
	assert_string_equal(l->sfbh_domains[0]->code, "safety");
	assert_string_equal(l->sfbh_domains[6]->code, "public-health");
	size_t n0 = l->n_requirements;
	assure__response__free_unpacked(resp, NULL);

	/* Each change is a new catalogue version. */
	struct harness_ireq r;
	harness_ireq_requirements_add(&r, "CHAPERONE", "Chaperone policy",
				      "a written policy, offered to patients");
	resp = harness_iexpect(cm, &r, OK, "RequirementsAdd CHAPERONE");
	const Assure__RequirementsResponse *a = resp->requirements_add;
	assert_int_equal(a->catalogue_version, v0 + 1);
	assert_string_equal(a->requirement->code, "CHAPERONE");
	assert_string_equal(a->requirement->title, "Chaperone policy");
	assert_string_equal(a->requirement->description, "a written policy, offered to patients");
	assert_int_equal(a->requirement->since_version, v0 + 1);
	assert_int_equal(a->requirement->retired_version, 0);
	assure__response__free_unpacked(resp, NULL);
	assert_int_equal(catalogue(0, &resp), v0 + 1);
	assert_int_equal(resp->requirements_list->n_requirements, n0 + 1);
	assure__response__free_unpacked(resp, NULL);

	harness_ireq_requirements_retire(&r, "EQUIPMENT", "merged into health and safety");
	resp = harness_iexpect(cm, &r, OK, "RequirementsRetire EQUIPMENT");
	assert_int_equal(resp->requirements_retire->catalogue_version, v0 + 2);
	assert_int_equal(resp->requirements_retire->requirement->retired_version, v0 + 2);
	assert_int_equal(resp->requirements_retire->requirement->since_version, 1);
	assure__response__free_unpacked(resp, NULL);
	assert_int_equal(catalogue(0, &resp), v0 + 2);
	assert_null(find_req(resp->requirements_list, "EQUIPMENT"));
	assert_int_equal(resp->requirements_list->n_requirements, n0);
	assure__response__free_unpacked(resp, NULL);
	assert_int_equal(catalogue(1, &resp), v0 + 2);
	const Assure__Requirement *q = find_req(resp->requirements_list, "EQUIPMENT");
	assert_non_null(q);
	assert_int_equal(q->retired_version, v0 + 2);
	assert_string_equal(q->retired_reason, "merged into health and safety");
	assure__response__free_unpacked(resp, NULL);

	/* Refusals change nothing, not even the version. */
	harness_ireq_requirements_retire(&r, "EQUIPMENT", "again");
	harness_iexpect_msg(cm, &r, PRECONDITION, "retired", "RequirementsRetire twice");
	harness_ireq_requirements_add(&r, "EQUIPMENT", "Equipment again", NULL);
	harness_iexpect_msg(cm, &r, EXISTS, "EQUIPMENT", "RequirementsAdd of a retired code");
	harness_ireq_requirements_add(&r, "CHAPERONE", "Twice", NULL);
	harness_iexpect_code(cm, &r, EXISTS, "RequirementsAdd CHAPERONE twice");
	harness_ireq_requirements_add(&r, "chaperone", "Lower case", NULL);
	harness_iexpect_msg(cm, &r, INVALID, "requirement code", "RequirementsAdd lower case");
	harness_ireq_requirements_add(&r, "NO_TITLE", "", NULL);
	harness_iexpect_msg(cm, &r, INVALID, "title", "RequirementsAdd without a title");
	harness_ireq_requirements_retire(&r, "NO_SUCH", "why");
	harness_iexpect_code(cm, &r, NOT_FOUND, "RequirementsRetire unknown");
	harness_ireq_requirements_retire(&r, "COMPLAINTS", "");
	harness_iexpect_msg(cm, &r, INVALID, "reason", "RequirementsRetire without a reason");
	assert_int_equal(catalogue(0, &resp), v0 + 2);
	assure__response__free_unpacked(resp, NULL);
}

/* ---- who may ------------------------------------------------------------------------ */

static void test_who_may(void **state)
{
	(void)state;
	const char *readers[] = {VIEWER, REVIEWER};
	for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
		struct client *c = harness_connect_login(&server, readers[i], PW, NULL, NULL);
		struct harness_ireq r;
		char what[128];
		Assure__Response *resp = show_as(c, "sc-2009");
		assure__response__free_unpacked(resp, NULL);
		snprintf(what, sizeof what, "IndicatorsList as %s", readers[i]);
		harness_ireq_indicators_list(&r, NULL);
		harness_iexpect_code(c, &r, OK, what);
		snprintf(what, sizeof what, "RequirementsList as %s", readers[i]);
		harness_ireq_requirements_list(&r, 0);
		harness_iexpect_code(c, &r, OK, what);
		snprintf(what, sizeof what, "IndicatorsCreate as %s", readers[i]);
		harness_ireq_indicators_create(&r, "sc-not-allowed", "2011/12", NULL);
		harness_iexpect_code(c, &r, DENIED, what);
		snprintf(what, sizeof what, "IndicatorsAdd as %s", readers[i]);
		(void)harness_ireq_indicators_add(&r, "sc-2009-rev", "X1", "higher", "2", "1", 0,
						  0);
		harness_iexpect_code(c, &r, DENIED, what);
		snprintf(what, sizeof what, "IndicatorsPublish as %s", readers[i]);
		harness_ireq_indicators_publish(&r, "sc-2009-rev", "consultation", 0);
		harness_iexpect_code(c, &r, DENIED, what);
		snprintf(what, sizeof what, "RequirementsAdd as %s", readers[i]);
		harness_ireq_requirements_add(&r, "NOT_ALLOWED", "No", NULL);
		harness_iexpect_code(c, &r, DENIED, what);
		client_free(c);
	}
	expect_state("sc-2009-rev", "draft");
	struct harness_ireq r;
	harness_ireq_indicators_show(&r, "sc-not-allowed");
	harness_iexpect_code(cm, &r, NOT_FOUND, "the refused create left nothing");
}

/* ---- the assure CLI ------------------------------------------------------------ */

static void expect_exit(const char *what, const struct harness_run *r, int code)
{
	if (r->status != code) {
		harness_show_run(what, r);
		fail_msg("%s: exit %d, expected %d", what, r->status, code);
	}
}

static void expect_err(const char *what, const struct harness_run *r, const char *text)
{
	if (!harness_contains_ci(r->err, text)) {
		harness_show_run(what, r);
		fail_msg("%s: stderr does not mention '%s'", what, text);
	}
}

static void expect_out(const char *what, const struct harness_run *r, const char *text)
{
	if (strstr(r->out, text) == NULL) {
		harness_show_run(what, r);
		fail_msg("%s: stdout does not contain '%s'", what, text);
	}
}

static char *cli_login_new(const char *user)
{
	char *tmp = harness_tempdir("cliindicators");
	char *dir = NULL;
	if (asprintf(&dir, "%s/config", tmp) < 0)
		abort();
	free(tmp);
	struct harness_run r;
	harness_cli(server.addr, dir, PW "\n", &r, "login", "--user", user, "--password-stdin",
		    NULL);
	expect_exit("assure login", &r, 0);
	harness_run_free(&r);
	return dir;
}

#define CM(r, ...) harness_cli(server.addr, cm_cfg, NULL, r, __VA_ARGS__, NULL)

static void test_cli(void **state)
{
	(void)state;
	char *cm_cfg = cli_login_new(CMGR);
	struct harness_run r;

	CM(&r, "indicators", "create", "cli-2011", "--year", "2011/12", "--json");
	expect_exit("assure indicators create --json", &r, 0);
	harness_json_expect(
	    "assure indicators create --json", &r,
	    "d['name'] == 'cli-2011' and d['year'] == '2011/12' and d['state'] == 'draft' "
	    "and d['green_mean'] == '1.5' and d['red_mean'] == '0.75' and "
	    "d['indicators'] == [] and d['version'] == 1 and d['published_at'] is None");
	harness_run_free(&r);
	CM(&r, "indicators", "add", "cli-2011", "--code", "QOF01", "--name", "QOF points",
	   "--domain", "qof", "--unit", "points", "--direction", "higher", "--green", "900",
	   "--amber", "800.5", "--json");
	expect_exit("assure indicators add --json", &r, 0);
	harness_json_expect(
	    "assure indicators add --json", &r,
	    "[i['code'] for i in d['indicators']] == ['QOF01'] and "
	    "d['indicators'][0]['amber'] == '800.5' and d['indicators'][0]['weight'] == '1' "
	    "and d['indicators'][0]['critical'] is False and d['version'] == 2");
	harness_run_free(&r);
	CM(&r, "indicators", "add", "cli-2011", "--code", "PRX01", "--name", "Antibiotics",
	   "--domain", "prescribing", "--unit", "%", "--direction", "lower", "--green", "12",
	   "--amber", "8");
	expect_exit("assure indicators add, thresholds against the direction", &r, 8);
	expect_err("assure indicators add, thresholds against the direction", &r,
		   "green threshold");
	harness_run_free(&r);
	CM(&r, "indicators", "add", "cli-2011", "--code", "PRX01", "--name", "Antibiotics",
	   "--domain", "prescribing", "--unit", "%", "--direction", "lower", "--green", "8",
	   "--amber", "12", "--weight", "2", "--critical");
	expect_exit("assure indicators add PRX01", &r, 0);
	expect_out("assure indicators add PRX01", &r, "cli-2011");
	harness_run_free(&r);
	CM(&r, "indicators", "add", "cli-2011", "--code", "PRX01", "--name", "Antibiotics",
	   "--domain", "prescribing", "--unit", "%", "--direction", "lower", "--green", "8",
	   "--amber", "12");
	expect_exit("assure indicators add PRX01 again", &r, 6);
	harness_run_free(&r);
	CM(&r, "indicators", "add", "cli-2011", "--code", "PRX01", "--name", "Antibiotics",
	   "--domain", "prescribing", "--unit", "%", "--direction", "lower", "--green", "7",
	   "--amber", "12", "--replace", "--version", "3");
	expect_exit("assure indicators add --replace", &r, 0);
	harness_run_free(&r);
	CM(&r, "indicators", "rule", "cli-2011");
	expect_exit("assure indicators rule with nothing", &r, 2);
	harness_run_free(&r);
	CM(&r, "indicators", "rule", "cli-2011", "--green-mean", "1.4", "--red-mean", "0.6",
	   "--json");
	expect_exit("assure indicators rule --json", &r, 0);
	harness_json_expect("assure indicators rule --json", &r,
			    "d['green_mean'] == '1.4' and d['red_mean'] == '0.6'");
	harness_run_free(&r);
	CM(&r, "indicators", "remove", "cli-2011", "QOF01");
	expect_exit("assure indicators remove", &r, 0);
	harness_run_free(&r);
	CM(&r, "indicators", "remove", "cli-2011");
	expect_exit("assure indicators remove without CODE", &r, 2);
	harness_run_free(&r);
	CM(&r, "indicators", "publish", "cli-2011", "--to", "consultation");
	expect_exit("assure indicators publish --to consultation", &r, 0);
	expect_out("assure indicators publish --to consultation", &r, "consultation");
	harness_run_free(&r);
	CM(&r, "indicators", "publish", "cli-2011", "--json");
	expect_exit("assure indicators publish --json", &r, 0);
	harness_json_expect("assure indicators publish --json", &r,
			    "d['state'] == 'published' and d['published_by'] == 'in-manager' and "
			    "d['published_at'].endswith('Z') and len(d['indicators']) == 1");
	harness_run_free(&r);
	CM(&r, "indicators", "remove", "cli-2011", "PRX01");
	expect_exit("assure indicators remove on a published set", &r, 7);
	expect_err("assure indicators remove on a published set", &r, "published and frozen");
	harness_run_free(&r);
	CM(&r, "indicators", "show", "cli-2011");
	expect_exit("assure indicators show", &r, 0);
	expect_out("assure indicators show", &r, "PRX01");
	expect_out("assure indicators show", &r, "published");
	harness_run_free(&r);
	CM(&r, "indicators", "show", "no-such-set");
	expect_exit("assure indicators show unknown", &r, 5);
	harness_run_free(&r);
	CM(&r, "indicators", "list", "--year", "2011/12", "--json");
	expect_exit("assure indicators list --json", &r, 0);
	harness_json_expect(
	    "assure indicators list --json", &r,
	    "[s['name'] for s in d] == ['cli-2011'] and d[0]['indicator_count'] == 1 and "
	    "'indicators' not in d[0]");
	harness_run_free(&r);

	CM(&r, "requirements", "add", "--code", "CLI_REQ", "--title", "A requirement from the CLI",
	   "--json");
	expect_exit("assure requirements add --json", &r, 0);
	harness_json_expect(
	    "assure requirements add --json", &r,
	    "d['requirement']['code'] == 'CLI_REQ' and d['requirement']['retired_version'] "
	    "== 0 and d['catalogue_version'] == d['requirement']['since_version']");
	harness_run_free(&r);
	CM(&r, "requirements", "retire", "CLI_REQ", "--reason", "tried it out", "--json");
	expect_exit("assure requirements retire --json", &r, 0);
	harness_json_expect("assure requirements retire --json", &r,
			    "d['requirement']['retired_version'] == d['catalogue_version'] and "
			    "d['requirement']['retired_reason'] == 'tried it out'");
	harness_run_free(&r);
	CM(&r, "requirements", "retire", "CLI_REQ", "--reason", "again");
	expect_exit("assure requirements retire twice", &r, 7);
	harness_run_free(&r);
	CM(&r, "requirements", "list", "--json");
	expect_exit("assure requirements list --json", &r, 0);
	harness_json_expect("assure requirements list --json", &r,
			    "'CLI_REQ' not in [q['code'] for q in d['requirements']] and "
			    "len(d['sfbh_domains']) == 7 and d['catalogue_version'] >= 2");
	harness_run_free(&r);
	CM(&r, "requirements", "list", "--all");
	expect_exit("assure requirements list --all", &r, 0);
	expect_out("assure requirements list --all", &r, "CLI_REQ");
	expect_out("assure requirements list --all", &r, "tried it out");
	harness_run_free(&r);

	char *v_cfg = cli_login_new(VIEWER);
	harness_cli(server.addr, v_cfg, NULL, &r, "indicators", "create", "cli-viewer", "--year",
		    "2011/12", NULL);
	expect_exit("assure indicators create as a viewer", &r, 4);
	harness_run_free(&r);
	harness_cli(server.addr, v_cfg, NULL, &r, "requirements", "list", NULL);
	expect_exit("assure requirements list as a viewer", &r, 0);
	expect_out("assure requirements list as a viewer", &r, "PRACTICE_LEAFLET");
	harness_run_free(&r);
	free(v_cfg);
	free(cm_cfg);
}

int main(void)
{
	harness_guard(280);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_create),	   cmocka_unit_test(test_add_replace_remove),
	    cmocka_unit_test(test_bad_indicators), cmocka_unit_test(test_rule),
	    cmocka_unit_test(test_stale_version),  cmocka_unit_test(test_publish_and_freeze),
	    cmocka_unit_test(test_list),	   cmocka_unit_test(test_requirements),
	    cmocka_unit_test(test_who_may),	   cmocka_unit_test(test_cli),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
