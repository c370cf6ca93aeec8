/*
 * Annual contract review rules. Indicator RAG at, above and below both
 * thresholds in each direction; the overall rule on crafted sets (weights,
 * not-available exclusion, critical red, the contractual cap, the exact
 * 1.5 and 0.75 boundaries, override); rule, set, QOF and code checks; the
 * review year; states; the action plan; and the finalise list on complete
 * content and on content with every kind of gap at once.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain_review.h"

#define ONE REVIEW_DECIMAL_ONE

static int32_t date(const char *s)
{
	int32_t d;
	assert_int_equal(domain_date_parse("test", s, &d, NULL), 0);
	return d;
}

static int64_t dec(const char *s)
{
	int64_t v;
	assert_int_equal(domain_review_decimal_parse("test", s, &v, NULL), 0);
	return v;
}

/* Fails when cause is not set or does not contain want; frees cause. */
static void assert_cause(char *cause, const char *want)
{
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("cause \"%s\" does not contain \"%s\"", cause, want);
	free(cause);
}

/* ---- decimals ---------------------------------------------------------------- */

static void test_decimal(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int64_t v;
		const char *back; /* the shortest form */
	} good[] = {
	    {"0", 0, "0"},
	    {"-0", 0, "0"},
	    {"80", 800000, "80"},
	    {"80.0", 800000, "80"},
	    {"72.5", 725000, "72.5"},
	    {"0.1", 1000, "0.1"},
	    {"0.0001", 1, "0.0001"},
	    {"-0.0005", -5, "-0.0005"},
	    {"-3", -30000, "-3"},
	    {"007.50", 75000, "7.5"},
	    {"1000000000", REVIEW_DECIMAL_MAX, "1000000000"},
	    {"-1000000000.0000", -REVIEW_DECIMAL_MAX, "-1000000000"},
	    {"123.4567", 1234567, "123.4567"},
	};
	char buf[REVIEW_DECIMAL_BUFSZ];
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int64_t v = -1;
		assert_int_equal(domain_review_decimal_parse("value", good[i].s, &v, NULL), 0);
		assert_true(v == good[i].v);
		assert_string_equal(domain_review_decimal_format(v, buf), good[i].back);
	}
	/* 0.1 + 0.2 == 0.3 here, unlike in binary floating point. */
	assert_true(dec("0.1") + dec("0.2") == dec("0.3"));

	static const struct {
		const char *s;
		const char *cause;
	} bad[] = {
	    {"", "value: required"},
	    {"-", "not a number"},
	    {"+5", "not a number"},
	    {".5", "not a number"},
	    {"5.", "not a number"},
	    {"5.5.5", "not a number"},
	    {" 5", "not a number"},
	    {"5 ", "not a number"},
	    {"1e3", "not a number"},
	    {"1,000", "not a number"},
	    {"nan", "not a number"},
	    {"inf", "not a number"},
	    {"--5", "not a number"},
	    {"0.12345", "at most 4 decimal places"},
	    {"1000000000.0001", "must be between -1000000000 and 1000000000"},
	    {"99999999999999999999999", "must be between"},
	    {"-1000000001", "must be between"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int64_t v = 42;
		char *cause = NULL;
		assert_int_equal(domain_review_decimal_parse("value", bad[i].s, &v, &cause), -1);
		assert_true(v == 42);
		assert_cause(cause, bad[i].cause);
	}
	int64_t v;
	assert_int_equal(domain_review_decimal_parse("value", NULL, &v, NULL), -1);
	assert_string_equal(domain_review_decimal_format(INT64_MIN, buf), "-922337203685477.5808");
}

/* ---- review year --------------------------------------------------------------- */

static void test_year(void **state)
{
	(void)state;
	int y = 0;
	char buf[REVIEW_YEAR_BUFSZ];
	assert_int_equal(domain_review_year_parse("2009/10", &y, NULL), 0);
	assert_int_equal(y, 2009);
	assert_string_equal(domain_review_year_format(y, buf), "2009/10");
	assert_int_equal(domain_review_year_parse("2000/01", &y, NULL), 0);
	assert_int_equal(y, 2000);
	assert_int_equal(domain_review_year_parse("2099/00", &y, NULL), 0);
	assert_int_equal(y, 2099);
	assert_string_equal(domain_review_year_format(2099, buf), "2099/00");
	assert_string_equal(domain_review_year_format(1999, buf), "?");
	assert_string_equal(domain_review_year_format(2100, buf), "?");

	static const struct {
		const char *s;
		const char *cause;
	} bad[] = {
	    {"2009/11", "2009 is written 2009/10"},
	    {"2009/09", "2009 is written 2009/10"},
	    {"2009/2010", "not of the form YYYY/YY"},
	    {"2009-10", "not of the form YYYY/YY"},
	    {"09/10", "not of the form"},
	    {"2009/1", "not of the form"},
	    {" 2009/10", "not of the form"},
	    {"2009/10 ", "not of the form"},
	    {"2009/1x", "not of the form"},
	    {"1999/00", "must start in 2000 to 2099, got 1999"},
	    {"2100/01", "must start in 2000 to 2099, got 2100"},
	    {"", "required"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *cause = NULL;
		y = 7;
		assert_int_equal(domain_review_year_parse(bad[i].s, &y, &cause), -1);
		assert_int_equal(y, 7);
		assert_cause(cause, bad[i].cause);
	}
	assert_int_equal(domain_review_year_parse(NULL, &y, NULL), -1);

	assert_int_equal(domain_review_year_start(2009), date("2009-04-01"));
	assert_int_equal(domain_review_year_end(2009), date("2010-03-31"));
	assert_int_equal(domain_review_year_end(2099), date("2100-03-31"));
	assert_int_equal(domain_review_year_start(1999), DOMAIN_DATE_NONE);
	assert_int_equal(domain_review_year_end(2100), DOMAIN_DATE_NONE);
	assert_int_equal(domain_review_year_of(date("2010-03-31")), 2009);
	assert_int_equal(domain_review_year_of(date("2010-04-01")), 2010);
	assert_int_equal(domain_review_year_of(date("2010-01-01")), 2009);
	assert_int_equal(domain_review_year_of(date("2009-12-31")), 2009);
	/* A year is exactly its days: end - start + 1 is 365 or 366. */
	assert_int_equal(domain_review_year_end(2011) - domain_review_year_start(2011) + 1, 366);
	assert_int_equal(domain_review_year_end(2009) - domain_review_year_start(2009) + 1, 365);
}

/* ---- names --------------------------------------------------------------------- */

/* Every name of a table parses back to its index, "?" lies beyond, and
 * nonsense does not parse. */
#define NAMES(name, parse, n, first)                                                               \
	do {                                                                                       \
		for (int i_ = (first); i_ < (n); i_++) {                                           \
			const char *s_ = name(i_);                                                 \
			assert_string_not_equal(s_, "?");                                          \
			assert_int_equal(parse(s_, NULL), i_);                                     \
		}                                                                                  \
		assert_string_equal(name(n), "?");                                                 \
		assert_string_equal(name(-1), "?");                                                \
		assert_int_equal(parse("no-such-name", NULL), -1);                                 \
		assert_int_equal(parse(NULL, NULL), -1);                                           \
		assert_int_equal(parse("", NULL), -1);                                             \
	} while (0)

static void test_names(void **state)
{
	(void)state;
	NAMES(domain_review_kind_name, domain_review_kind_parse, REVIEW_KIND__COUNT, 0);
	NAMES(domain_review_visit_name, domain_review_visit_parse, REVIEW_VISIT__COUNT, 0);
	NAMES(domain_review_state_name, domain_review_state_parse, REVIEW_STATE__COUNT, 0);
	NAMES(domain_review_rag_name, domain_review_rag_parse, REVIEW_RAG__COUNT, 1);
	NAMES(domain_review_direction_name, domain_review_direction_parse,
	      INDICATOR_DIRECTION__COUNT, 0);
	NAMES(domain_review_indicator_domain_name, domain_review_indicator_domain_parse,
	      INDICATOR_DOMAIN__COUNT, 0);
	NAMES(domain_review_requirement_result_name, domain_review_requirement_result_parse,
	      REQUIREMENT__COUNT, 1);
	NAMES(domain_review_sfbh_domain_name, domain_review_sfbh_domain_parse, SFBH_DOMAIN__COUNT,
	      0);
	NAMES(domain_review_sfbh_result_name, domain_review_sfbh_result_parse, SFBH_RESULT__COUNT,
	      1);
	NAMES(domain_review_qof_domain_name, domain_review_qof_domain_parse, QOF_DOMAIN__COUNT, 0);
	NAMES(domain_review_action_status_name, domain_review_action_status_parse,
	      ACTION_STATUS__COUNT, 0);
	NAMES(domain_review_set_state_name, domain_review_set_state_parse, INDICATOR_SET__COUNT, 0);

	assert_string_equal(domain_review_rag_name(REVIEW_RAG_NONE), "");
	assert_string_equal(domain_review_requirement_result_name(REQUIREMENT_UNANSWERED), "");
	assert_string_equal(domain_review_visit_name(REVIEW_VISIT_DESKTOP), "desktop");
	assert_string_equal(domain_review_kind_name(REVIEW_KIND_MID_YEAR), "mid-year");
	assert_string_equal(domain_review_visit_title(REVIEW_VISIT_FULL), "full contract visit");
	assert_string_equal(domain_review_indicator_domain_title(INDICATOR_DOMAIN_QOF), "QOF");
	assert_string_equal(domain_review_sfbh_domain_title(SFBH_CARE_ENVIRONMENT_AMENITIES),
			    "Care environment and amenities");
	assert_string_equal(domain_review_check_name(REVIEW_FAILED_PRECONDITION),
			    "FAILED_PRECONDITION");
	assert_int_equal(domain_review_rag_parse("GREEN", NULL), REVIEW_RAG_GREEN);
	assert_int_equal(domain_review_indicator_domain_parse("QOF", NULL), INDICATOR_DOMAIN_QOF);
	assert_int_equal(domain_review_requirement_result_parse("partly-met", NULL),
			 REQUIREMENT_PARTLY);
	assert_int_equal(domain_review_requirement_result_parse("not-applicable", NULL),
			 REQUIREMENT_NOT_APPLICABLE);
	assert_int_equal(domain_review_sfbh_result_parse("partly-compliant", NULL), SFBH_PARTLY);

	/* Names as people write them: DOMAIN.md's words, spaces, capitals,
	 * "and" and underscores all find the table's name. */
	assert_int_equal(domain_review_sfbh_domain_parse("Clinical and cost effectiveness", NULL),
			 SFBH_CLINICAL_COST_EFFECTIVENESS);
	assert_int_equal(domain_review_sfbh_domain_parse("clinical-and-cost-effectiveness", NULL),
			 SFBH_CLINICAL_COST_EFFECTIVENESS);
	assert_int_equal(domain_review_sfbh_domain_parse("Accessible and responsive care", NULL),
			 SFBH_ACCESSIBLE_RESPONSIVE_CARE);
	assert_int_equal(domain_review_sfbh_domain_parse("care_environment_and_amenities", NULL),
			 SFBH_CARE_ENVIRONMENT_AMENITIES);
	assert_int_equal(domain_review_sfbh_domain_parse(" public  health ", NULL),
			 SFBH_PUBLIC_HEALTH);
	assert_int_equal(domain_review_requirement_result_parse("not met", NULL),
			 REQUIREMENT_NOT_MET);
	assert_int_equal(domain_review_requirement_result_parse("Partly met", NULL),
			 REQUIREMENT_PARTLY);
	assert_int_equal(domain_review_requirement_result_parse("N/A", NULL),
			 REQUIREMENT_NOT_APPLICABLE);
	assert_int_equal(domain_review_sfbh_result_parse("not compliant", NULL),
			 SFBH_NOT_COMPLIANT);
	assert_int_equal(domain_review_kind_parse("mid year", NULL), REVIEW_KIND_MID_YEAR);
	assert_int_equal(domain_review_indicator_domain_parse("Patient experience", NULL),
			 INDICATOR_DOMAIN_PATIENT_EXPERIENCE);
	/* Nothing else: "and" alone, empty, a word too many, too long. */
	assert_int_equal(domain_review_sfbh_domain_parse("and", NULL), -1);
	assert_int_equal(domain_review_sfbh_domain_parse("", NULL), -1);
	assert_int_equal(domain_review_sfbh_domain_parse("public health care", NULL), -1);
	assert_int_equal(
	    domain_review_sfbh_domain_parse(
		"safety safety safety safety safety safety safety safety safety safety "
		"safety safety",
		NULL),
	    -1);

	static const char *sfbh[] = {
	    "safety",	     "clinical-cost-effectiveness", "governance",
	    "patient-focus", "accessible-responsive-care",  "care-environment-amenities",
	    "public-health"};
	assert_int_equal(SFBH_DOMAIN__COUNT, 7);
	for (int d = 0; d < SFBH_DOMAIN__COUNT; d++)
		assert_string_equal(domain_review_sfbh_domain_name(d), sfbh[d]);

	/* Unknown names are refused with the whole list. */
	char *cause = NULL;
	assert_int_equal(domain_review_indicator_domain_parse("finance", &cause), -1);
	assert_string_equal(cause, "indicator domain: must be one of qof, access, "
				   "patient-experience, prescribing, public-health, contractual, "
				   "referrals, workforce");
	free(cause);
	assert_int_equal(domain_review_direction_parse("up", &cause), -1);
	assert_string_equal(cause, "direction: must be higher or lower");
	free(cause);
	assert_int_equal(domain_review_rag_parse("", &cause), -1);
	assert_string_equal(cause, "RAG: must be one of red, amber, green");
	free(cause);
	assert_int_equal(domain_review_requirement_result_parse("yes", &cause), -1);
	assert_string_equal(cause, "requirement result: must be one of met, partly, not-met, n/a");
	free(cause);
}

/* ---- states -------------------------------------------------------------------- */

static void test_states(void **state)
{
	(void)state;
	for (int from = 0; from < REVIEW_STATE__COUNT; from++)
		for (int to = 0; to < REVIEW_STATE__COUNT; to++)
			assert_int_equal(
			    domain_review_state_can_move(from, to),
			    (from == REVIEW_STATE_SCHEDULED && to == REVIEW_STATE_VISITED) ||
				(from == REVIEW_STATE_VISITED && to == REVIEW_STATE_DRAFT) ||
				(from == REVIEW_STATE_VISITED && to == REVIEW_STATE_FINALISED) ||
				(from == REVIEW_STATE_DRAFT && to == REVIEW_STATE_FINALISED));

	int32_t today = date("2010-06-15");
	char *cause = NULL;
	assert_int_equal(domain_review_check_visit(REVIEW_STATE_SCHEDULED, today, today, NULL),
			 REVIEW_OK);
	assert_int_equal(
	    domain_review_check_visit(REVIEW_STATE_SCHEDULED, date("2010-05-01"), today, NULL),
	    REVIEW_OK);
	assert_int_equal(
	    domain_review_check_visit(REVIEW_STATE_SCHEDULED, today + 1, today, &cause),
	    REVIEW_INVALID_ARGUMENT);
	assert_cause(cause, "visit date: 2010-06-16 is after today (2010-06-15)");
	assert_int_equal(
	    domain_review_check_visit(REVIEW_STATE_SCHEDULED, DOMAIN_DATE_NONE, today, &cause),
	    REVIEW_INVALID_ARGUMENT);
	assert_cause(cause, "visit date: required");
	for (int s = REVIEW_STATE_VISITED; s < REVIEW_STATE__COUNT; s++) {
		assert_int_equal(domain_review_check_visit(s, today, today, &cause),
				 REVIEW_FAILED_PRECONDITION);
		assert_cause(cause, domain_review_state_name(s));
	}

	enum review_state next = REVIEW_STATE__COUNT;
	assert_int_equal(domain_review_check_edit(REVIEW_STATE_SCHEDULED, NULL, &next, NULL),
			 REVIEW_OK);
	assert_int_equal(next, REVIEW_STATE_SCHEDULED);
	assert_int_equal(domain_review_check_edit(REVIEW_STATE_VISITED, NULL, &next, NULL),
			 REVIEW_OK);
	assert_int_equal(next, REVIEW_STATE_DRAFT);
	assert_int_equal(domain_review_check_edit(REVIEW_STATE_DRAFT, "", &next, NULL), REVIEW_OK);
	assert_int_equal(next, REVIEW_STATE_DRAFT);
	assert_int_equal(domain_review_check_edit(REVIEW_STATE_DRAFT, "typo", &next, &cause),
			 REVIEW_INVALID_ARGUMENT);
	assert_cause(cause, "only a finalised review is amended");

	/* Finalised: read-only unless an amendment with a reason. */
	next = REVIEW_STATE__COUNT;
	assert_int_equal(domain_review_check_edit(REVIEW_STATE_FINALISED, NULL, &next, &cause),
			 REVIEW_FAILED_PRECONDITION);
	assert_int_equal(next, REVIEW_STATE__COUNT);
	assert_cause(cause, "finalised and read-only; a correction is a recorded amendment with "
			    "a reason");
	assert_int_equal(domain_review_check_edit(REVIEW_STATE_FINALISED, " \n", &next, &cause),
			 REVIEW_FAILED_PRECONDITION);
	free(cause);
	assert_int_equal(domain_review_check_edit(REVIEW_STATE_FINALISED,
						  "QOF figures revised by QMAS", &next, NULL),
			 REVIEW_OK);
	assert_int_equal(next, REVIEW_STATE_FINALISED);
}

/* ---- indicators ------------------------------------------------------------------ */

static struct review_indicator higher(const char *code, const char *green, const char *amber)
{
	return (struct review_indicator){.code = code,
					 .domain = INDICATOR_DOMAIN_QOF,
					 .direction = INDICATOR_HIGHER_IS_BETTER,
					 .green = dec(green),
					 .amber = dec(amber),
					 .weight = REVIEW_WEIGHT_DEFAULT};
}

static struct review_indicator lower(const char *code, const char *green, const char *amber)
{
	struct review_indicator i = higher(code, green, amber);
	i.direction = INDICATOR_LOWER_IS_BETTER;
	i.domain = INDICATOR_DOMAIN_PRESCRIBING;
	return i;
}

static void test_indicator_rag(void **state)
{
	(void)state;
	/* Higher is better: green 80, amber 70. */
	struct review_indicator h = higher("QOF01", "80", "70");
	assert_int_equal(domain_review_indicator_check(&h, NULL), 0);
	static const struct {
		const char *value;
		enum review_rag rag;
	} hv[] = {
	    {"100", REVIEW_RAG_GREEN},	   {"80.0001", REVIEW_RAG_GREEN},
	    {"80", REVIEW_RAG_GREEN},	   {"80.0", REVIEW_RAG_GREEN},
	    {"79.9999", REVIEW_RAG_AMBER}, {"70.0001", REVIEW_RAG_AMBER},
	    {"70", REVIEW_RAG_AMBER},	   {"69.9999", REVIEW_RAG_RED},
	    {"0", REVIEW_RAG_RED},	   {"-5", REVIEW_RAG_RED},
	};
	for (size_t i = 0; i < sizeof hv / sizeof hv[0]; i++)
		assert_int_equal(domain_review_indicator_rag(&h, dec(hv[i].value)), hv[i].rag);

	/* Lower is better: green 5, amber 10 (e.g. a prescribing ratio). */
	struct review_indicator l = lower("PRX02", "5", "10");
	assert_int_equal(domain_review_indicator_check(&l, NULL), 0);
	static const struct {
		const char *value;
		enum review_rag rag;
	} lv[] = {
	    {"0", REVIEW_RAG_GREEN},	  {"4.9999", REVIEW_RAG_GREEN}, {"5", REVIEW_RAG_GREEN},
	    {"5.0001", REVIEW_RAG_AMBER}, {"9.9999", REVIEW_RAG_AMBER}, {"10", REVIEW_RAG_AMBER},
	    {"10.0001", REVIEW_RAG_RED},  {"250", REVIEW_RAG_RED},	{"-1", REVIEW_RAG_GREEN},
	};
	for (size_t i = 0; i < sizeof lv / sizeof lv[0]; i++)
		assert_int_equal(domain_review_indicator_rag(&l, dec(lv[i].value)), lv[i].rag);

	/* Decimal thresholds compare exactly: 0.3 meets 0.3 however it was typed. */
	struct review_indicator d = higher("ACC01", "0.3", "0.1");
	assert_int_equal(domain_review_indicator_rag(&d, dec("0.1") + dec("0.2")),
			 REVIEW_RAG_GREEN);
	assert_int_equal(domain_review_indicator_rag(&d, dec("0.30")), REVIEW_RAG_GREEN);
	assert_int_equal(domain_review_indicator_rag(&d, dec("0.2999")), REVIEW_RAG_AMBER);

	/* Equal thresholds: no amber band. */
	struct review_indicator e = higher("ACC02", "50", "50");
	assert_int_equal(domain_review_indicator_check(&e, NULL), 0);
	assert_int_equal(domain_review_indicator_rag(&e, dec("50")), REVIEW_RAG_GREEN);
	assert_int_equal(domain_review_indicator_rag(&e, dec("49.9999")), REVIEW_RAG_RED);
	struct review_indicator le = lower("PRX03", "2", "2");
	assert_int_equal(domain_review_indicator_rag(&le, dec("2")), REVIEW_RAG_GREEN);
	assert_int_equal(domain_review_indicator_rag(&le, dec("2.0001")), REVIEW_RAG_RED);

	char buf[REVIEW_BANDS_BUFSZ];
	assert_string_equal(domain_review_indicator_bands(&h, buf, sizeof buf),
			    "green 80 or more, amber 70 or more, otherwise red");
	assert_string_equal(domain_review_indicator_bands(&l, buf, sizeof buf),
			    "green 5 or less, amber 10 or less, otherwise red");
	assert_string_equal(domain_review_indicator_bands(&e, buf, sizeof buf),
			    "green 50 or more, otherwise red (no amber band)");
	struct review_indicator wide = higher("X", "-999999999.9999", "-1000000000");
	domain_review_indicator_bands(&wide, buf, sizeof buf);
	assert_true(strlen(buf) < sizeof buf - 1);

	/* Entries: only a given value has a RAG. */
	struct review_indicator_entry en = {
	    .ind = &h, .state = REVIEW_VALUE_GIVEN, .value = dec("75")};
	assert_int_equal(domain_review_entry_rag(&en), REVIEW_RAG_AMBER);
	en.state = REVIEW_VALUE_NOT_AVAILABLE;
	assert_int_equal(domain_review_entry_rag(&en), REVIEW_RAG_NONE);
	en.state = REVIEW_VALUE_MISSING;
	assert_int_equal(domain_review_entry_rag(&en), REVIEW_RAG_NONE);
}

static void test_indicator_check(void **state)
{
	(void)state;
	char *cause = NULL;
	static const char *good_codes[] = {"A", "QOF01", "ACC.2", "PE-7_B", "ABCDEFGHIJKLMNOP"};
	for (size_t i = 0; i < sizeof good_codes / sizeof good_codes[0]; i++)
		assert_int_equal(domain_review_check_indicator_code(good_codes[i], NULL), 0);
	static const struct {
		const char *code;
		const char *cause;
	} bad_codes[] = {
	    {"", "indicator code: required"},
	    {"ABCDEFGHIJKLMNOPQ", "at most 16 characters, got 17"},
	    {"qof01", "must start with a capital letter A-Z (codes are upper case)"},
	    {"1QOF", "must start with a capital letter A-Z"},
	    {"_QOF", "must start with a capital letter"},
	    {"QOf01", "character 3 may only be a capital letter, a digit, '_', '.' or '-' (codes "
		      "are upper case)"},
	    {"QOF 01", "character 4"},
	    {"QOF/01", "character 4"},
	    {"QOF:01", "character 4"},
	};
	for (size_t i = 0; i < sizeof bad_codes / sizeof bad_codes[0]; i++) {
		assert_int_equal(domain_review_check_indicator_code(bad_codes[i].code, &cause), -1);
		assert_cause(cause, bad_codes[i].cause);
	}
	assert_int_equal(domain_review_check_indicator_code(NULL, NULL), -1);
	assert_int_equal(domain_review_check_requirement_code("EQUIPMENT_CALIBRATION", NULL), 0);
	assert_int_equal(
	    domain_review_check_requirement_code("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", NULL), 0);
	assert_int_equal(
	    domain_review_check_requirement_code("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456", &cause), -1);
	assert_cause(cause, "requirement code: at most 32 characters");

	struct review_indicator i = higher("QOF01", "70", "80");
	assert_int_equal(domain_review_indicator_check(&i, &cause), -1);
	assert_string_equal(cause, "indicator QOF01: higher is better, so the green threshold (70) "
				   "must be at or above the amber threshold (80)");
	free(cause);
	i = lower("PRX01", "10.5", "5");
	assert_int_equal(domain_review_indicator_check(&i, &cause), -1);
	assert_cause(cause, "lower is better, so the green threshold (10.5) must be at or below "
			    "the amber threshold (5)");

	i = higher("QOF01", "80", "70");
	i.weight = 0;
	assert_int_equal(domain_review_indicator_check(&i, &cause), -1);
	assert_cause(cause, "indicator QOF01: weight must be above 0 and at most 100");
	i.weight = -ONE;
	assert_int_equal(domain_review_indicator_check(&i, NULL), -1);
	i.weight = REVIEW_WEIGHT_MAX + 1;
	assert_int_equal(domain_review_indicator_check(&i, NULL), -1);
	i.weight = REVIEW_WEIGHT_MAX;
	assert_int_equal(domain_review_indicator_check(&i, NULL), 0);
	i.weight = 1; /* 0.0001 */
	assert_int_equal(domain_review_indicator_check(&i, NULL), 0);

	i = higher("QOF01", "80", "70");
	i.domain = INDICATOR_DOMAIN__COUNT;
	assert_int_equal(domain_review_indicator_check(&i, &cause), -1);
	assert_cause(cause, "domain");
	i = higher("QOF01", "80", "70");
	i.direction = INDICATOR_DIRECTION__COUNT;
	assert_int_equal(domain_review_indicator_check(&i, &cause), -1);
	assert_cause(cause, "direction must be higher or lower");
	i = higher("QOF01", "80", "70");
	i.green = REVIEW_DECIMAL_MAX + 1;
	assert_int_equal(domain_review_indicator_check(&i, &cause), -1);
	assert_cause(cause, "thresholds must be between");
	i = higher("qof01", "80", "70");
	assert_int_equal(domain_review_indicator_check(&i, &cause), -1);
	assert_cause(cause, "indicator code:");
}

static void test_rule_and_sets(void **state)
{
	(void)state;
	char *cause = NULL;
	struct review_rule r = REVIEW_RULE_DEFAULT;
	assert_int_equal(domain_review_rule_check(&r, NULL), 0);
	assert_true(r.green_mean == dec("1.5") && r.red_mean == dec("0.75"));

	static const struct {
		const char *green, *red;
		const char *cause; /* NULL: accepted */
	} rules[] = {
	    {"2", "0", NULL},
	    {"0.01", "0", NULL},
	    {"1.8", "1.79", NULL},
	    {"2.01", "0.75", "green mean must be at most 2"},
	    {"1.5", "-0.01", "red mean must be 0 or more"},
	    {"1.5", "1.5", "the red mean (1.5) must be below the green mean (1.5)"},
	    {"1", "1.2", "the red mean (1.2) must be below the green mean (1)"},
	    {"0", "0", "must be below"},
	    {"1.505", "0.75", "at most 2 decimal places"},
	    {"1.5", "0.7501", "at most 2 decimal places"},
	};
	for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		r.green_mean = dec(rules[i].green);
		r.red_mean = dec(rules[i].red);
		if (rules[i].cause == NULL) {
			assert_int_equal(domain_review_rule_check(&r, NULL), 0);
		} else {
			assert_int_equal(domain_review_rule_check(&r, &cause), -1);
			assert_cause(cause, rules[i].cause);
		}
	}

	/* Set states. */
	for (int from = 0; from < INDICATOR_SET__COUNT; from++) {
		for (int to = 0; to < INDICATOR_SET__COUNT; to++) {
			int ok = (from == INDICATOR_SET_DRAFT && to != from) ||
				 (from == INDICATOR_SET_CONSULTATION && to != from);
			assert_int_equal(domain_review_set_check_move(from, to, &cause),
					 ok ? 0 : -1);
			if (!ok)
				assert_cause(cause, "indicator set:");
		}
	}
	/* A set may be published without a recorded consultation. */
	assert_int_equal(
	    domain_review_set_check_move(INDICATOR_SET_DRAFT, INDICATOR_SET_PUBLISHED, NULL), 0);
	assert_int_equal(
	    domain_review_set_check_move(INDICATOR_SET_DRAFT, INDICATOR_SET_DRAFT, &cause), -1);
	assert_cause(cause, "cannot move from draft to draft");
	assert_int_equal(
	    domain_review_set_check_move(INDICATOR_SET_PUBLISHED, INDICATOR_SET_DRAFT, &cause), -1);
	assert_cause(cause, "published and frozen");
	assert_int_equal(domain_review_set_check_edit(INDICATOR_SET_DRAFT, NULL), 0);
	assert_int_equal(domain_review_set_check_edit(INDICATOR_SET_CONSULTATION, NULL), 0);
	assert_int_equal(domain_review_set_check_edit(INDICATOR_SET_PUBLISHED, &cause), -1);
	assert_cause(cause, "published and frozen");

	struct review_rule dr = REVIEW_RULE_DEFAULT;
	struct review_indicator set[3] = {higher("QOF01", "80", "70"), lower("PRX01", "5", "10"),
					  higher("ACC01", "90", "75")};
	assert_int_equal(domain_review_set_check_complete(&dr, set, 3, NULL), 0);
	assert_int_equal(domain_review_set_check_complete(&dr, set, 0, &cause), -1);
	assert_cause(cause, "has no indicators");
	set[2].code = "QOF01";
	assert_int_equal(domain_review_set_check_complete(&dr, set, 3, &cause), -1);
	assert_cause(cause, "code QOF01 is used twice");
	set[2] = higher("ACC01", "70", "75");
	assert_int_equal(domain_review_set_check_complete(&dr, set, 3, &cause), -1);
	assert_cause(cause, "indicator ACC01: higher is better");
	set[2] = higher("ACC01", "90", "75");
	dr.red_mean = dr.green_mean;
	assert_int_equal(domain_review_set_check_complete(&dr, set, 3, &cause), -1);
	assert_cause(cause, "overall rule:");
}

/* ---- the overall result ----------------------------------------------------------- */

/* A crafted indicator with a given RAG: higher is better, green 2, amber 1,
 * so value 2 is green, 1 amber, 0 red. */
struct crafted {
	struct review_indicator ind[12];
	struct review_indicator_entry e[12];
	size_t n;
};

static void add(struct crafted *c, const char *code, enum review_rag rag, const char *weight,
		int critical)
{
	size_t i = c->n++;
	c->ind[i] = higher(code, "2", "1");
	c->ind[i].weight = dec(weight);
	c->ind[i].critical = critical;
	assert_int_equal(domain_review_indicator_check(&c->ind[i], NULL), 0);
	c->e[i].ind = &c->ind[i];
	c->e[i].state = REVIEW_VALUE_GIVEN;
	c->e[i].value = rag == REVIEW_RAG_GREEN ? 2 * ONE : (rag == REVIEW_RAG_AMBER ? ONE : 0);
	assert_int_equal(domain_review_entry_rag(&c->e[i]), rag);
}

static void add_without(struct crafted *c, const char *code, enum review_value_state st)
{
	add(c, code, REVIEW_RAG_RED, "1", 1); /* would be a critical red if it counted */
	c->e[c->n - 1].state = st;
	c->e[c->n - 1].not_available_reason = "practice system changed in year";
}

static enum review_rag overall(const struct crafted *c, const struct review_requirement_entry *req,
			       size_t n_req, struct review_overall *o, char **why)
{
	return domain_review_overall(NULL, c->e, c->n, req, n_req, o, why);
}

static void test_overall_mean(void **state)
{
	(void)state;
	struct review_overall o;
	char *why = NULL;

	/* All green: 2.00. */
	struct crafted c = {.n = 0};
	add(&c, "G1", REVIEW_RAG_GREEN, "1", 0);
	add(&c, "G2", REVIEW_RAG_GREEN, "1", 0);
	assert_int_equal(overall(&c, NULL, 0, &o, &why), REVIEW_RAG_GREEN);
	assert_true(o.mean == 2 * ONE);
	assert_string_equal(why, "weighted mean 2.00 over 2 of 2 indicators: green (green at 1.50 "
				 "or more, red below 0.75)");
	free(why);

	/* Exactly 1.5 is green: (2 + 1) / 2. */
	c = (struct crafted){.n = 0};
	add(&c, "G1", REVIEW_RAG_GREEN, "1", 0);
	add(&c, "A1", REVIEW_RAG_AMBER, "1", 0);
	assert_int_equal(overall(&c, NULL, 0, &o, NULL), REVIEW_RAG_GREEN);
	assert_true(o.mean == dec("1.5"));
	assert_int_equal(o.by_mean, REVIEW_RAG_GREEN);

	/* A hair below 1.5 is amber, and the mean shown rounds down to 1.49. */
	c = (struct crafted){.n = 0};
	add(&c, "G1", REVIEW_RAG_GREEN, "1", 0);
	add(&c, "A1", REVIEW_RAG_AMBER, "1.0001", 0);
	assert_int_equal(overall(&c, NULL, 0, &o, &why), REVIEW_RAG_AMBER);
	assert_cause(why, "weighted mean 1.49 over 2 of 2 indicators: amber");

	/* Exactly 0.75 is amber: amber weight 3, red weight 1 -> 3/4. */
	c = (struct crafted){.n = 0};
	add(&c, "A1", REVIEW_RAG_AMBER, "3", 0);
	add(&c, "R1", REVIEW_RAG_RED, "1", 0);
	assert_int_equal(overall(&c, NULL, 0, &o, &why), REVIEW_RAG_AMBER);
	assert_true(o.mean == dec("0.75"));
	assert_cause(why, "weighted mean 0.75 over 2 of 2 indicators: amber");

	/* Just below 0.75 is red: 74 / 100. */
	c = (struct crafted){.n = 0};
	add(&c, "A1", REVIEW_RAG_AMBER, "74", 0);
	add(&c, "R1", REVIEW_RAG_RED, "26", 0);
	assert_int_equal(overall(&c, NULL, 0, &o, &why), REVIEW_RAG_RED);
	assert_true(o.mean == dec("0.74"));
	assert_cause(why, "weighted mean 0.74 over 2 of 2 indicators: red");
	/* 0.7499...: red, shown as 0.74 rather than a misleading 0.75. */
	c = (struct crafted){.n = 0};
	add(&c, "A1", REVIEW_RAG_AMBER, "3", 0);
	add(&c, "R1", REVIEW_RAG_RED, "1.0001", 0);
	assert_int_equal(overall(&c, NULL, 0, &o, &why), REVIEW_RAG_RED);
	assert_cause(why, "weighted mean 0.74 ");

	/* Weights move the result: green and red, equal weights -> 1.00 amber;
	 * green weighted 3 -> 1.50 green; red weighted 3 -> 0.50 red. */
	c = (struct crafted){.n = 0};
	add(&c, "G1", REVIEW_RAG_GREEN, "1", 0);
	add(&c, "R1", REVIEW_RAG_RED, "1", 0);
	assert_int_equal(overall(&c, NULL, 0, &o, NULL), REVIEW_RAG_AMBER);
	assert_true(o.mean == ONE);
	c.ind[0].weight = dec("3");
	assert_int_equal(overall(&c, NULL, 0, &o, NULL), REVIEW_RAG_GREEN);
	c.ind[0].weight = dec("1");
	c.ind[1].weight = dec("3");
	assert_int_equal(overall(&c, NULL, 0, &o, NULL), REVIEW_RAG_RED);
	assert_true(o.mean == dec("0.5"));

	/* A set's own rule. */
	struct review_rule strict = {.green_mean = dec("1.8"), .red_mean = dec("1")};
	c = (struct crafted){.n = 0};
	add(&c, "G1", REVIEW_RAG_GREEN, "1", 0);
	add(&c, "A1", REVIEW_RAG_AMBER, "1", 0);
	assert_int_equal(domain_review_overall(&strict, c.e, c.n, NULL, 0, NULL, &why),
			 REVIEW_RAG_AMBER);
	assert_cause(why, ": amber (green at 1.80 or more, red below 1.00)");
}

static void test_overall_exclusions(void **state)
{
	(void)state;
	struct review_overall o;
	char *why = NULL;

	/* Not available and missing are left out of the mean altogether:
	 * two greens stay 2.00 (as zeros they would give 1.00), and a critical
	 * indicator without a value cannot make the result red. */
	struct crafted c = {.n = 0};
	add(&c, "G1", REVIEW_RAG_GREEN, "1", 0);
	add(&c, "G2", REVIEW_RAG_GREEN, "1", 0);
	add_without(&c, "NA1", REVIEW_VALUE_NOT_AVAILABLE);
	add_without(&c, "NA2", REVIEW_VALUE_NOT_AVAILABLE);
	assert_int_equal(overall(&c, NULL, 0, &o, &why), REVIEW_RAG_GREEN);
	assert_true(o.mean == 2 * ONE);
	assert_int_equal(o.n_indicators, 4);
	assert_int_equal(o.n_scored, 2);
	assert_int_equal(o.n_not_available, 2);
	assert_int_equal(o.n_missing, 0);
	assert_int_equal(o.n_critical_red, 0);
	assert_string_equal(why, "weighted mean 2.00 over 2 of 4 indicators (2 not available): "
				 "green (green at 1.50 or more, red below 0.75)");
	free(why);
	add_without(&c, "M1", REVIEW_VALUE_MISSING);
	assert_int_equal(overall(&c, NULL, 0, &o, &why), REVIEW_RAG_GREEN);
	assert_int_equal(o.n_missing, 1);
	assert_cause(why, "over 2 of 5 indicators (2 not available, 1 without a value)");
	c.e[2].state = REVIEW_VALUE_MISSING;
	c.e[3].state = REVIEW_VALUE_MISSING;
	assert_int_equal(overall(&c, NULL, 0, &o, &why), REVIEW_RAG_GREEN);
	assert_cause(why, "over 2 of 5 indicators (3 without a value)");

	/* Nothing with a value: no computed result. */
	c = (struct crafted){.n = 0};
	add_without(&c, "NA1", REVIEW_VALUE_NOT_AVAILABLE);
	add_without(&c, "M1", REVIEW_VALUE_MISSING);
	struct review_requirement_entry nm = {"PREMISES", REQUIREMENT_NOT_MET};
	assert_int_equal(overall(&c, &nm, 1, &o, &why), REVIEW_RAG_NONE);
	assert_int_equal(o.by_mean, REVIEW_RAG_NONE);
	assert_true(o.mean == -1);
	assert_int_equal(o.n_scored, 0);
	assert_string_equal(why, "no indicator has a value (1 not available, 1 without a value), "
				 "so there is no weighted mean and no computed result; a reviewer "
				 "may give one by override with a reason");
	free(why);
	assert_int_equal(domain_review_overall(NULL, NULL, 0, NULL, 0, &o, &why), REVIEW_RAG_NONE);
	assert_cause(why, "the indicator set has no indicators, so there is no weighted mean");
	assert_int_equal(domain_review_overall(NULL, NULL, 0, NULL, 0, NULL, NULL),
			 REVIEW_RAG_NONE);
}

static void test_overall_critical_and_cap(void **state)
{
	(void)state;
	struct review_overall o;
	char *why = NULL;
	struct review_requirement_entry req[4] = {{"PRACTICE_LEAFLET", REQUIREMENT_NOT_MET},
						  {"COMPLAINTS", REQUIREMENT_PARTLY},
						  {"PREMISES", REQUIREMENT_NOT_APPLICABLE},
						  {"SAFEGUARDING", REQUIREMENT_MET}};

	/* Critical red: red whatever the mean. */
	struct crafted c = {.n = 0};
	add(&c, "G1", REVIEW_RAG_GREEN, "10", 0);
	add(&c, "G2", REVIEW_RAG_GREEN, "10", 0);
	add(&c, "SAF01", REVIEW_RAG_RED, "1", 1);
	assert_int_equal(overall(&c, NULL, 0, &o, &why), REVIEW_RAG_RED);
	assert_int_equal(o.by_mean, REVIEW_RAG_GREEN);
	assert_int_equal(o.n_critical_red, 1);
	assert_cause(why, "weighted mean 1.90 over 3 of 3 indicators: green (green at 1.50 or "
			  "more, red below 0.75); red: critical indicator SAF01 is red");
	/* A critical indicator that is amber does not. */
	c.e[2].value = ONE;
	assert_int_equal(overall(&c, NULL, 0, &o, NULL), REVIEW_RAG_GREEN);
	/* Two critical reds, listed. */
	c.e[2].value = 0;
	add(&c, "SAF02", REVIEW_RAG_RED, "1", 1);
	assert_int_equal(overall(&c, NULL, 0, &o, &why), REVIEW_RAG_RED);
	assert_cause(why, "red: critical indicators SAF01, SAF02 are red");
	/* Red by the mean as well. */
	c = (struct crafted){.n = 0};
	add(&c, "R1", REVIEW_RAG_RED, "1", 1);
	assert_int_equal(overall(&c, NULL, 0, &o, &why), REVIEW_RAG_RED);
	assert_cause(why, ": red (green at 1.50 or more, red below 0.75); red as well: critical "
			  "indicator R1 is red");

	/* A requirement not met caps green at amber; partly and n/a do not. */
	c = (struct crafted){.n = 0};
	add(&c, "G1", REVIEW_RAG_GREEN, "1", 0);
	assert_int_equal(overall(&c, req, 4, &o, &why), REVIEW_RAG_AMBER);
	assert_int_equal(o.by_mean, REVIEW_RAG_GREEN);
	assert_int_equal(o.n_requirements_not_met, 1);
	assert_string_equal(why, "weighted mean 2.00 over 1 of 1 indicators: green (green at 1.50 "
				 "or more, red below 0.75); capped at amber: requirement "
				 "PRACTICE_LEAFLET not met");
	free(why);
	assert_int_equal(overall(&c, req + 1, 3, &o, NULL), REVIEW_RAG_GREEN);
	req[2].result = REQUIREMENT_NOT_MET;
	assert_int_equal(overall(&c, req, 4, &o, &why), REVIEW_RAG_AMBER);
	assert_cause(why, "capped at amber: requirements PRACTICE_LEAFLET, PREMISES not met");
	/* At most amber: amber and red are left alone, and the cap is not
	 * mentioned where it changed nothing. */
	c = (struct crafted){.n = 0};
	add(&c, "A1", REVIEW_RAG_AMBER, "1", 0);
	assert_int_equal(overall(&c, req, 4, &o, &why), REVIEW_RAG_AMBER);
	assert_null(strstr(why, "capped"));
	free(why);
	c = (struct crafted){.n = 0};
	add(&c, "R1", REVIEW_RAG_RED, "1", 0);
	assert_int_equal(overall(&c, req, 4, &o, NULL), REVIEW_RAG_RED);
	/* Critical red and the cap together: red. */
	c = (struct crafted){.n = 0};
	add(&c, "G1", REVIEW_RAG_GREEN, "5", 0);
	add(&c, "R1", REVIEW_RAG_RED, "1", 1);
	assert_int_equal(overall(&c, req, 4, &o, NULL), REVIEW_RAG_RED);
}

static void test_override_and_next_visit(void **state)
{
	(void)state;
	char *cause = NULL;
	assert_int_equal(domain_review_check_override(REVIEW_RAG_AMBER, "new partners", NULL), 0);
	assert_int_equal(domain_review_check_override(REVIEW_RAG_NONE, "x", &cause), -1);
	assert_cause(cause, "override: must be red, amber or green");
	assert_int_equal(domain_review_check_override(REVIEW_RAG__COUNT, "x", NULL), -1);
	assert_int_equal(domain_review_check_override(REVIEW_RAG_GREEN, " ", &cause), -1);
	assert_cause(cause, "override reason: required");
	assert_int_equal(domain_review_check_override(REVIEW_RAG_GREEN, NULL, NULL), -1);

	assert_int_equal(domain_review_rag_effective(REVIEW_RAG_GREEN, REVIEW_RAG_NONE),
			 REVIEW_RAG_GREEN);
	assert_int_equal(domain_review_rag_effective(REVIEW_RAG_GREEN, REVIEW_RAG_RED),
			 REVIEW_RAG_RED);
	assert_int_equal(domain_review_rag_effective(REVIEW_RAG_RED, REVIEW_RAG_AMBER),
			 REVIEW_RAG_AMBER);
	assert_int_equal(domain_review_rag_effective(REVIEW_RAG_NONE, REVIEW_RAG_GREEN),
			 REVIEW_RAG_GREEN);
	assert_int_equal(domain_review_rag_effective(REVIEW_RAG_AMBER, REVIEW_RAG__COUNT),
			 REVIEW_RAG_AMBER);

	int follow = -1;
	assert_int_equal(domain_review_next_visit(REVIEW_RAG_GREEN, &follow), REVIEW_VISIT_DESKTOP);
	assert_int_equal(follow, 0);
	assert_int_equal(domain_review_next_visit(REVIEW_RAG_AMBER, &follow),
			 REVIEW_VISIT_STANDARD);
	assert_int_equal(follow, 0);
	assert_int_equal(domain_review_next_visit(REVIEW_RAG_RED, &follow), REVIEW_VISIT_FULL);
	assert_int_equal(follow, 1);
	assert_int_equal(domain_review_next_visit(REVIEW_RAG_NONE, &follow), REVIEW_VISIT_STANDARD);
	assert_int_equal(follow, 0);
	assert_int_equal(domain_review_next_visit(REVIEW_RAG_RED, NULL), REVIEW_VISIT_FULL);
	assert_string_equal(
	    domain_review_visit_title(domain_review_next_visit(REVIEW_RAG_GREEN, NULL)),
	    "desktop review with a light-touch visit");
}

/* ---- QOF -------------------------------------------------------------------------- */

static void test_qof(void **state)
{
	(void)state;
	char *cause = NULL;
	const struct qof_maxima def = QOF_MAXIMA_DEFAULT;
	assert_int_equal(domain_review_qof_maxima_check(&def, NULL), 0);
	int64_t sum = 0;
	for (int d = 0; d < QOF_DOMAIN__COUNT; d++)
		sum += def.points[d];
	assert_true(sum == dec("1000"));
	assert_true(def.points[QOF_DOMAIN_ORGANISATIONAL] == dec("167.5"));

	struct qof_maxima m = def;
	m.points[QOF_DOMAIN_CLINICAL] += ONE / 2;
	assert_int_equal(domain_review_qof_maxima_check(&m, &cause), -1);
	assert_cause(cause, "QOF maxima: the domains sum to 1000.5 points where the QOF has 1000");
	m = def;
	m.points[QOF_DOMAIN_ADDITIONAL_SERVICES] = 0;
	m.points[QOF_DOMAIN_CLINICAL] += def.points[QOF_DOMAIN_ADDITIONAL_SERVICES];
	assert_int_equal(domain_review_qof_maxima_check(&m, &cause), -1);
	assert_cause(cause, "additional services must be above 0");

	/* Achievement: each domain 0..max, boundaries included. */
	struct qof_achievement a = {.points = {0, 0, 0, 0}, .exception_rate = 0};
	assert_int_equal(domain_review_qof_check(NULL, &a, NULL), 0);
	for (int d = 0; d < QOF_DOMAIN__COUNT; d++)
		a.points[d] = def.points[d];
	a.exception_rate = 100 * ONE;
	assert_int_equal(domain_review_qof_check(NULL, &a, NULL), 0);
	assert_true(domain_review_qof_total(&a) == 1000 * ONE);
	assert_int_equal(domain_review_qof_check(&def, &a, NULL), 0);

	a.points[QOF_DOMAIN_ORGANISATIONAL] = dec("167.5001");
	assert_int_equal(domain_review_qof_check(NULL, &a, &cause), -1);
	assert_string_equal(cause, "QOF organisational points: must be 0 to 167.5 (the year's "
				   "maximum)");
	free(cause);
	a.points[QOF_DOMAIN_ORGANISATIONAL] = dec("160.25");
	a.points[QOF_DOMAIN_PATIENT_EXPERIENCE] = -1;
	assert_int_equal(domain_review_qof_check(NULL, &a, &cause), -1);
	assert_cause(cause, "QOF patient experience points: must be 0 to 91.5");
	a.points[QOF_DOMAIN_PATIENT_EXPERIENCE] = dec("80");
	assert_true(domain_review_qof_total(&a) == dec("981.25")); /* 697 + 160.25 + 80 + 44 */
	a.exception_rate = dec("100.0001");
	assert_int_equal(domain_review_qof_check(NULL, &a, &cause), -1);
	assert_cause(cause, "QOF exception reporting rate: must be 0 to 100 percent");
	a.exception_rate = -1;
	assert_int_equal(domain_review_qof_check(NULL, &a, NULL), -1);
	a.exception_rate = dec("5.3");
	assert_int_equal(domain_review_qof_check(NULL, &a, NULL), 0);

	/* Configured maxima for another year. */
	struct qof_maxima other = {.points = {6550000, 1810000, 1080000, 560000}};
	assert_int_equal(domain_review_qof_maxima_check(&other, NULL), 0);
	a.points[QOF_DOMAIN_CLINICAL] = dec("690");
	assert_int_equal(domain_review_qof_check(&other, &a, &cause), -1);
	assert_cause(cause, "QOF clinical points: must be 0 to 655");
}

/* ---- answers and actions ------------------------------------------------------------ */

static void test_answers(void **state)
{
	(void)state;
	char *cause = NULL;
	assert_int_equal(
	    domain_review_check_requirement_answer(REQUIREMENT_MET, "leaflet seen", NULL), 0);
	assert_int_equal(
	    domain_review_check_requirement_answer(REQUIREMENT_NOT_APPLICABLE, NULL, NULL), 0);
	assert_int_equal(domain_review_check_requirement_answer(REQUIREMENT_PARTLY, " ", &cause),
			 -1);
	assert_cause(cause, "evidence: required for a requirement partly met");
	assert_int_equal(
	    domain_review_check_requirement_answer(REQUIREMENT_UNANSWERED, "x", &cause), -1);
	assert_cause(cause, "requirement result: required");
	assert_int_equal(domain_review_check_requirement_answer(REQUIREMENT__COUNT, "x", NULL), -1);
	assert_int_equal(domain_review_check_sfbh_answer(SFBH_COMPLIANT, "policies seen", NULL), 0);
	assert_int_equal(domain_review_check_sfbh_answer(SFBH_NOT_COMPLIANT, NULL, &cause), -1);
	assert_cause(cause, "evidence: required for a domain not compliant");
	assert_int_equal(domain_review_check_sfbh_answer(SFBH_UNANSWERED, "x", &cause), -1);
	assert_cause(cause, "SfBH result: required");
}

static void test_actions(void **state)
{
	(void)state;
	char *cause = NULL;
	struct review_item_ref ref;
	assert_int_equal(domain_review_action_for_parse(NULL, &ref, NULL), 0);
	assert_int_equal(ref.kind, REVIEW_ITEM_NONE);
	assert_int_equal(domain_review_action_for_parse("", &ref, NULL), 0);
	assert_int_equal(ref.kind, REVIEW_ITEM_NONE);
	assert_int_equal(domain_review_action_for_parse("PREMISES", &ref, NULL), 0);
	assert_int_equal(ref.kind, REVIEW_ITEM_CODE);
	assert_string_equal(ref.code, "PREMISES");
	assert_int_equal(domain_review_action_for_parse("sfbh:governance", &ref, NULL), 0);
	assert_int_equal(ref.kind, REVIEW_ITEM_SFBH);
	assert_int_equal(ref.sfbh, SFBH_GOVERNANCE);
	assert_int_equal(domain_review_action_for_parse("SfBH:Public-Health", &ref, NULL), 0);
	assert_int_equal(ref.sfbh, SFBH_PUBLIC_HEALTH);
	assert_int_equal(domain_review_action_for_parse("sfbh:finance", &ref, &cause), -1);
	assert_cause(cause, "for: sfbh:DOMAIN names a Standards for Better Health domain; SfBH "
			    "domain: must be one of safety, clinical-cost-effectiveness");
	assert_int_equal(domain_review_action_for_parse("sfbh:", &ref, NULL), -1);
	assert_int_equal(domain_review_action_for_parse("premises", &ref, &cause), -1);
	assert_cause(cause, "for: must start with a capital letter A-Z (codes are upper case); an "
			    "action is for a requirement or indicator code, or for sfbh:DOMAIN");
	assert_int_equal(domain_review_action_for_parse("req:PREMISES", &ref, NULL), -1);

	int32_t today = date("2010-09-01");
	struct review_action a = {.for_item = "PREMISES",
				  .owner = "practice manager",
				  .due = date("2010-08-31"),
				  .status = ACTION_OPEN};
	assert_int_equal(domain_review_action_check(&a, NULL), 0);
	assert_int_equal(domain_review_action_is_overdue(&a, today), 1);
	a.due = today;
	assert_int_equal(domain_review_action_is_overdue(&a, today), 0);
	a.due = date("2010-08-31");
	a.status = ACTION_DONE;
	assert_int_equal(domain_review_action_is_overdue(&a, today), 0);
	a.status = ACTION_OPEN;
	a.due = DOMAIN_DATE_NONE;
	assert_int_equal(domain_review_action_is_overdue(&a, today), 0);
	assert_int_equal(domain_review_action_check(&a, &cause), -1);
	assert_cause(cause, "due date: required");
	a.due = today;
	a.owner = "";
	assert_int_equal(domain_review_action_check(&a, &cause), -1);
	assert_cause(cause, "owner: required");
	a.owner = "GP lead";
	a.status = ACTION_STATUS__COUNT;
	assert_int_equal(domain_review_action_check(&a, &cause), -1);
	assert_cause(cause, "action status");
	a.status = ACTION_DONE;
	a.for_item = "bad code";
	assert_int_equal(domain_review_action_check(&a, &cause), -1);
	assert_cause(cause, "for:");
}

/* ---- finalising ----------------------------------------------------------------- */

/* A review with everything recorded and an action for every gap. */
struct fixture {
	struct review_indicator ind[4];
	struct review_indicator_entry e[4];
	struct review_requirement_entry req[4];
	struct review_action act[4];
	struct review_content c;
};

static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof *f);
	f->ind[0] = higher("QOF01", "80", "70");
	f->ind[1] = higher("ACC02", "90", "75");
	f->ind[2] = lower("PRX01", "5", "10");
	f->ind[3] = higher("PE07", "80", "60");
	f->e[0] = (struct review_indicator_entry){&f->ind[0], REVIEW_VALUE_GIVEN, dec("85"), NULL};
	f->e[1] = (struct review_indicator_entry){&f->ind[1], REVIEW_VALUE_GIVEN, dec("60"), NULL};
	f->e[2] = (struct review_indicator_entry){&f->ind[2], REVIEW_VALUE_GIVEN, dec("4"), NULL};
	f->e[3] = (struct review_indicator_entry){&f->ind[3], REVIEW_VALUE_NOT_AVAILABLE, 0,
						  "survey not run in 2009/10"};
	f->req[0] = (struct review_requirement_entry){"PRACTICE_LEAFLET", REQUIREMENT_MET};
	f->req[1] = (struct review_requirement_entry){"COMPLAINTS", REQUIREMENT_MET};
	f->req[2] = (struct review_requirement_entry){"PREMISES", REQUIREMENT_PARTLY};
	f->req[3] =
	    (struct review_requirement_entry){"CONTROLLED_DRUGS", REQUIREMENT_NOT_APPLICABLE};
	int32_t due = date("2010-12-31");
	f->act[0] = (struct review_action){1, "PREMISES", "practice manager", due, ACTION_OPEN};
	f->act[1] = (struct review_action){2, "ACC02", "practice manager", due, ACTION_OPEN};
	f->act[2] = (struct review_action){3, "sfbh:governance", "GP lead", due, ACTION_DONE};
	f->act[3] = (struct review_action){4, NULL, "GP lead", due, ACTION_OPEN};

	struct review_content *c = &f->c;
	domain_review_content_init(c);
	c->requirements = f->req;
	c->n_requirements = 4;
	for (int d = 0; d < SFBH_DOMAIN__COUNT; d++)
		c->sfbh[d] = SFBH_COMPLIANT;
	c->sfbh[SFBH_GOVERNANCE] = SFBH_PARTLY;
	c->indicators = f->e;
	c->n_indicators = 4;
	c->achievements = "new diabetes clinic";
	c->developments = "branch surgery";
	c->challenges = "a partner retiring";
	c->actions = f->act;
	c->n_actions = 4;
}

static void test_finalise_complete(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	char *missing = NULL;
	assert_int_equal(domain_review_finalise_missing(&f.c, &missing), 0);
	assert_null(missing);
	assert_int_equal(domain_review_check_finalise(REVIEW_STATE_DRAFT, &f.c, NULL), REVIEW_OK);

	/* Its overall result: (2 + 0 + 2) / 3 = 1.33 amber. */
	char *why = NULL;
	assert_int_equal(domain_review_overall(f.c.rule, f.e, 4, f.req, 4, NULL, &why),
			 REVIEW_RAG_AMBER);
	assert_cause(why, "weighted mean 1.33 over 3 of 4 indicators (1 not available): amber");

	/* A visited review is finalised too: the write-up may all come before
	 * the visit, which is then the last step. A scheduled one is not. */
	char *cause = NULL;
	assert_int_equal(domain_review_check_finalise(REVIEW_STATE_VISITED, &f.c, NULL), REVIEW_OK);
	assert_int_equal(domain_review_check_finalise(REVIEW_STATE_SCHEDULED, &f.c, &cause),
			 REVIEW_FAILED_PRECONDITION);
	assert_cause(cause, "the review is scheduled; record the visit first");
	assert_int_equal(domain_review_check_finalise(REVIEW_STATE_FINALISED, &f.c, &cause),
			 REVIEW_FAILED_PRECONDITION);
	assert_cause(cause, "already finalised");

	/* Nothing to score, but an override with a reason: complete. */
	f.e[0].state = f.e[1].state = f.e[2].state = REVIEW_VALUE_NOT_AVAILABLE;
	f.e[0].not_available_reason = f.e[1].not_available_reason = f.e[2].not_available_reason =
	    "practice system migration";
	f.c.override = REVIEW_RAG_AMBER;
	f.c.override_reason = "no data this year; visit findings";
	assert_int_equal(domain_review_finalise_missing(&f.c, NULL), 0);
	f.c.override = REVIEW_RAG_NONE;
	assert_int_equal(domain_review_finalise_missing(&f.c, &missing), 1);
	assert_string_equal(missing, "overall RAG: no indicator has a value, so none can be "
				     "computed; record an override with a reason");
	free(missing);
	f.c.override = REVIEW_RAG_GREEN;
	f.c.override_reason = NULL;
	assert_int_equal(domain_review_finalise_missing(&f.c, &missing), 1);
	assert_string_equal(missing, "overall RAG: the override has no reason");
	free(missing);
}

static void test_finalise_every_gap(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	/* Unanswered items, a missing value, a reasonless n/a, a missing
	 * narrative part, gaps without actions, and broken actions. */
	f.req[1].result = REQUIREMENT_UNANSWERED;
	f.req[0].result = REQUIREMENT_NOT_MET; /* PRACTICE_LEAFLET, no action */
	f.c.sfbh[SFBH_SAFETY] = SFBH_UNANSWERED;
	f.c.sfbh[SFBH_PUBLIC_HEALTH] = SFBH_NOT_COMPLIANT;
	f.e[0].state = REVIEW_VALUE_MISSING;
	f.e[3].not_available_reason = "  ";
	f.e[2].value = dec("10.5"); /* PRX01 red, no action */
	f.c.challenges = "";
	f.c.developments = NULL;
	f.act[0].owner = NULL; /* PREMISES: has an action, but no owner */
	f.act[1].due = DOMAIN_DATE_NONE;
	f.act[1].owner = " ";
	f.act[3].for_item = "NOSUCH";
	f.act[3].id = 0;

	char *missing = NULL;
	size_t n = domain_review_finalise_missing(&f.c, &missing);
	const char *want = "requirement COMPLAINTS not answered\n"
			   "SfBH domain safety not answered\n"
			   "indicator QOF01 has no value (give a value, or mark it not available "
			   "with a reason)\n"
			   "indicator PE07 is marked not available without a reason\n"
			   "narrative: developments missing\n"
			   "narrative: challenges missing\n"
			   "action plan: requirement PRACTICE_LEAFLET not met has no action\n"
			   "action plan: SfBH domain public-health not compliant has no action\n"
			   "action plan: indicator PRX01 is red and has no action\n"
			   "action plan: action 1 (for PREMISES) has no owner\n"
			   "action plan: action 2 (for ACC02) has no owner and no due date\n"
			   "action plan: action 4 is for NOSUCH, which is no requirement or "
			   "indicator of this review";
	assert_string_equal(missing, want);
	assert_int_equal(n, 12);
	free(missing);

	char *cause = NULL;
	assert_int_equal(domain_review_check_finalise(REVIEW_STATE_DRAFT, &f.c, &cause),
			 REVIEW_FAILED_PRECONDITION);
	assert_true(strncmp(cause, "cannot finalise: 12 things are missing:\n", 40) == 0);
	assert_string_equal(cause + 40, want);
	free(cause);
	assert_int_equal(domain_review_check_finalise(REVIEW_STATE_DRAFT, &f.c, NULL),
			 REVIEW_FAILED_PRECONDITION);

	/* One gap: singular. */
	fixture_init(&f);
	f.c.achievements = "\t";
	assert_int_equal(domain_review_check_finalise(REVIEW_STATE_DRAFT, &f.c, &cause),
			 REVIEW_FAILED_PRECONDITION);
	assert_string_equal(
	    cause, "cannot finalise: 1 thing is missing:\nnarrative: achievements missing");
	free(cause);

	/* An action for an item that needs none still counts as an action; a
	 * general action has no `for`; an unparsable `for` is named. */
	fixture_init(&f);
	f.act[3].for_item = "bad for";
	assert_int_equal(domain_review_finalise_missing(&f.c, &missing), 1);
	assert_string_equal(missing, "action plan: action 4 is for something that is neither a "
				     "requirement or indicator code nor sfbh:DOMAIN");
	free(missing);

	/* Partly met, partly compliant and red each need an action. */
	fixture_init(&f);
	f.c.n_actions = 0;
	assert_int_equal(domain_review_finalise_missing(&f.c, &missing), 3);
	assert_string_equal(missing,
			    "action plan: requirement PREMISES partly met has no action\n"
			    "action plan: SfBH domain governance partly compliant has no action\n"
			    "action plan: indicator ACC02 is red and has no action");
	free(missing);

	/* An amber indicator and a met requirement need no action. */
	fixture_init(&f);
	f.e[1].value = dec("80"); /* ACC02 amber */
	f.req[2].result = REQUIREMENT_MET;
	f.c.sfbh[SFBH_GOVERNANCE] = SFBH_COMPLIANT;
	f.c.n_actions = 0;
	assert_int_equal(domain_review_finalise_missing(&f.c, NULL), 0);
	/* The same item red again: its action is required. */
	f.e[1].value = dec("74.9999");
	assert_int_equal(domain_review_finalise_missing(&f.c, &missing), 1);
	assert_string_equal(missing, "action plan: indicator ACC02 is red and has no action");
	free(missing);
}

static void test_content_items(void **state)
{
	(void)state;
	struct fixture f;
	fixture_init(&f);
	struct review_item_ref ref;
	assert_int_equal(domain_review_action_for_parse("PREMISES", &ref, NULL), 0);
	assert_int_equal(domain_review_content_has_item(&f.c, &ref), 1);
	assert_int_equal(domain_review_action_for_parse("PRX01", &ref, NULL), 0);
	assert_int_equal(domain_review_content_has_item(&f.c, &ref), 1);
	assert_int_equal(domain_review_action_for_parse("PRX99", &ref, NULL), 0);
	assert_int_equal(domain_review_content_has_item(&f.c, &ref), 0);
	assert_int_equal(domain_review_action_for_parse("sfbh:safety", &ref, NULL), 0);
	assert_int_equal(domain_review_content_has_item(&f.c, &ref), 1);
	assert_int_equal(domain_review_action_for_parse(NULL, &ref, NULL), 0);
	assert_int_equal(domain_review_content_has_item(&f.c, &ref), 1);

	/* Fresh content: every SfBH domain unanswered, and the narrative. */
	struct review_content c;
	domain_review_content_init(&c);
	assert_null(c.rule);
	assert_int_equal(c.override, REVIEW_RAG_NONE);
	char *missing = NULL;
	assert_int_equal(domain_review_finalise_missing(&c, &missing), 7 + 3 + 1);
	assert_non_null(strstr(missing, "SfBH domain care-environment-amenities not answered"));
	free(missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_decimal),
	    cmocka_unit_test(test_year),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_states),
	    cmocka_unit_test(test_indicator_rag),
	    cmocka_unit_test(test_indicator_check),
	    cmocka_unit_test(test_rule_and_sets),
	    cmocka_unit_test(test_overall_mean),
	    cmocka_unit_test(test_overall_exclusions),
	    cmocka_unit_test(test_overall_critical_and_cap),
	    cmocka_unit_test(test_override_and_next_visit),
	    cmocka_unit_test(test_qof),
	    cmocka_unit_test(test_answers),
	    cmocka_unit_test(test_actions),
	    cmocka_unit_test(test_finalise_complete),
	    cmocka_unit_test(test_finalise_every_gap),
	    cmocka_unit_test(test_content_items),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
