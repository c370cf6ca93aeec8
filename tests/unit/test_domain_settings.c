/*
 * Admin-changeable settings: every key's parser with good and bad values
 * and the edges (domain_settings.c), canonical spellings round-tripping,
 * the effective bank-holiday table and the checks on an added day, the
 * default holidays' names (domain_dates.c), and the snapshot cache against
 * a real migrated database (settings.c, store_settings.c): a change seen in
 * its own transaction, a rolled-back change never served again, stale
 * versions refused, a hand-edited bad row falling back to the default.
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
#include "domain_settings.h"
#include "permissions.h"
#include "settings.h"
#include "store.h"
#include "store_settings.h"
#include "xmalloc.h"

static const struct settings_values defaults = SETTINGS_VALUES_DEFAULT;

/* Sets key to text on the defaults: 0 or -1; *why (may be NULL) gets the
 * cause, *out (may be NULL) the values. */
static int try_set(const char *key, const char *text, char **why, struct settings_values *out)
{
	struct settings_values v = defaults;
	char *cause = NULL;
	int rc = settings_set(&v, key, text, &cause);
	if (rc == 0)
		assert_null(cause);
	else
		assert_non_null(cause);
	if (why)
		*why = cause;
	else
		free(cause);
	if (out)
		*out = v;
	return rc;
}

/* The canonical value of key in v. */
static const char *value_of(const struct settings_values *v, const char *key)
{
	static char buf[SETTINGS_VALUE_BUFSZ];
	const struct settings_key *k = settings_key_find(key);
	assert_non_null(k);
	k->format(k, v, buf);
	return buf;
}

static void expect_ok(const char *key, const char *text, const char *canonical)
{
	struct settings_values v;
	char *why = NULL;
	if (try_set(key, text, &why, &v) != 0)
		fail_msg("%s = '%s' refused: %s", key, text, why);
	assert_string_equal(value_of(&v, key), canonical);
}

/* Refused, and the message contains every one of the NULL-terminated
 * fragments. */
static void expect_bad(const char *key, const char *text, ...)
{
	char *why = NULL;
	if (try_set(key, text, &why, NULL) == 0)
		fail_msg("%s = '%s' accepted", key, text);
	va_list ap;
	va_start(ap, text);
	for (const char *frag; (frag = va_arg(ap, const char *)) != NULL;)
		if (strstr(why, frag) == NULL)
			fail_msg("%s = '%s': message \"%s\" lacks \"%s\"", key, text, why, frag);
	va_end(ap);
	free(why);
}

/* ---- the table ------------------------------------------------------------ */

static void test_keys_table(void **state)
{
	(void)state;
	size_t n = 0;
	const struct settings_key *k = settings_keys(&n);
	static const char *const want[] = {
	    "concern.panel-quorum",	 "concern.triage",	    "concern.investigation",
	    "concern.representations",	 "concern.decision-notice", "concern.appeal",
	    "concern.review-first",	 "concern.review-every",    "concern.suspension-max",
	    "concern.suspension-notice", "concern.bands",	    "review.qof-maxima",
	};
	assert_int_equal(n, sizeof want / sizeof want[0]);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(k[i].name, want[i]);
		assert_true(strlen(k[i].meaning) > 10);
		assert_true(strlen(k[i].applies) > 10);
		assert_ptr_equal(settings_key_find(want[i]), &k[i]);
		/* The default's spelling parses back to the default. */
		char buf[SETTINGS_VALUE_BUFSZ];
		k[i].format(&k[i], &defaults, buf);
		struct settings_values v;
		assert_int_equal(try_set(k[i].name, buf, NULL, &v), 0);
		assert_memory_equal(&v, &defaults, sizeof v);
	}
	assert_null(settings_key_find("concern.nope"));
	assert_null(settings_key_find(NULL));
	char *names = settings_key_names();
	assert_non_null(strstr(names, "concern.panel-quorum, concern.triage"));
	assert_non_null(strstr(names, "concern.bands, review.qof-maxima"));
	free(names);
}

static void test_defaults_spelt(void **state)
{
	(void)state;
	static const struct {
		const char *key, *value;
	} d[] = {
	    {"concern.panel-quorum", "3"},
	    {"concern.triage", "5wd"},
	    {"concern.investigation", "12w"},
	    {"concern.representations", "28d"},
	    {"concern.decision-notice", "7d"},
	    {"concern.appeal", "28d"},
	    {"concern.review-first", "3m"},
	    {"concern.review-every", "6m"},
	    {"concern.suspension-max", "6m"},
	    {"concern.suspension-notice", "2wd"},
	    {"concern.bands", "low:1-3,moderate:4-6,high:8-12,extreme:15-25"},
	    {"review.qof-maxima",
	     "clinical:697,organisational:167.5,patient-experience:91.5,additional-services:44"},
	};
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++)
		assert_string_equal(value_of(&defaults, d[i].key), d[i].value);
}

static void test_unknown_key(void **state)
{
	(void)state;
	expect_bad("concern.triagee", "5wd", "key: 'concern.triagee' is not a setting",
		   "known keys: concern.panel-quorum", "concern.bands", NULL);
	expect_bad("", "5wd", "key: required", "concern.triage", NULL);
	expect_bad(NULL, "5wd", "key: required", NULL);
	expect_bad("review.cycle", "1y", "not a setting", NULL);
	/* One set for every year: no per-year keys. */
	expect_bad(
	    "review.qof-maxima.2010/11",
	    "clinical:697,organisational:167.5,patient-experience:91.5,additional-services:44",
	    "not a setting", "review.qof-maxima", NULL);
}

/* ---- periods ---------------------------------------------------------------- */

static void test_period_syntax(void **state)
{
	(void)state;
	struct domain_period p;
	char *why = NULL;
	static const struct {
		const char *s;
		enum domain_period_unit unit;
		int count;
	} good[] = {
	    {"5wd", DOMAIN_PERIOD_WORKING_DAYS, 5}, {"28d", DOMAIN_PERIOD_DAYS, 28},
	    {"12w", DOMAIN_PERIOD_WEEKS, 12},	    {"6m", DOMAIN_PERIOD_MONTHS, 6},
	    {"0wd", DOMAIN_PERIOD_WORKING_DAYS, 0}, {"05wd", DOMAIN_PERIOD_WORKING_DAYS, 5},
	    {"3660d", DOMAIN_PERIOD_DAYS, 3660},    {"2610wd", DOMAIN_PERIOD_WORKING_DAYS, 2610},
	    {"522w", DOMAIN_PERIOD_WEEKS, 522},	    {"120m", DOMAIN_PERIOD_MONTHS, 120},
	};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (settings_period_parse("p", good[i].s, &p, &why) != 0)
			fail_msg("'%s' refused: %s", good[i].s, why);
		assert_int_equal(p.unit, good[i].unit);
		assert_int_equal(p.count, good[i].count);
	}
	static const char *const bad[] = {
	    "",
	    "5",
	    "wd",
	    "5x",
	    "5 wd",
	    " 5wd",
	    "5wd ",
	    "-1d",
	    "+5d",
	    "5WD",
	    "5.5d",
	    "5dw",
	    "d5",
	    "3661d",
	    "2611wd",
	    "523w",
	    "121m",
	    "99999d",
	    "1000000000000d",
	    "5y",
	    "5days",
	    "0x10d",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		why = NULL;
		if (settings_period_parse("p", bad[i], &p, &why) == 0)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(why);
		assert_true(strncmp(why, "p: ", 3) == 0);
		free(why);
	}
	assert_int_equal(settings_period_parse("p", NULL, &p, NULL), -1);
	char buf[16];
	assert_string_equal(settings_period_format((struct domain_period){DOMAIN_PERIOD_MONTHS, 6},
						   buf, sizeof buf),
			    "6m");
	assert_string_equal(
	    settings_period_format((struct domain_period){DOMAIN_PERIOD_WORKING_DAYS, 10}, buf,
				   sizeof buf),
	    "10wd");
}

static void test_period_keys(void **state)
{
	(void)state;
	expect_ok("concern.triage", "10wd", "10wd");
	expect_ok("concern.triage", "1wd", "1wd");
	expect_ok("concern.triage", "010wd", "10wd");
	expect_bad("concern.triage", "0wd", "concern.triage: at least 1wd", NULL);
	expect_bad("concern.triage", "10d", "concern.triage", "working days", "only the number",
		   NULL);
	expect_bad("concern.triage", "2w", "working days", NULL);
	expect_bad("concern.triage", "", "concern.triage: a period is required", NULL);
	expect_bad("concern.triage", "ten", "concern.triage: 'ten' is not a period", NULL);
	expect_bad("concern.triage", "2611wd", "concern.triage: at most 2610wd", NULL);

	expect_ok("concern.investigation", "26w", "26w");
	expect_bad("concern.investigation", "90d", "concern.investigation", "weeks", "12w", NULL);
	expect_ok("concern.representations", "21d", "21d");
	expect_bad("concern.representations", "4w", "days", NULL);
	expect_ok("concern.decision-notice", "14d", "14d");
	expect_bad("concern.decision-notice", "0d", "at least 1d", NULL);
	expect_ok("concern.appeal", "28d", "28d");
	expect_bad("concern.appeal", "1m", "concern.appeal", NULL);
	expect_ok("concern.review-first", "1m", "1m");
	expect_bad("concern.review-first", "90d", "months", NULL);
	expect_ok("concern.review-every", "12m", "12m");
	expect_bad("concern.review-every", "0m", "at least 1m", NULL);
	expect_bad("concern.review-every", "121m", "at most 120m", NULL);
	expect_ok("concern.suspension-max", "3m", "3m");
	expect_bad("concern.suspension-max", "26w", "months", NULL);
	/* Notice of a hearing may be nil (a performer who declines). */
	expect_ok("concern.suspension-notice", "0wd", "0wd");
	expect_ok("concern.suspension-notice", "5wd", "5wd");
	expect_bad("concern.suspension-notice", "2d", "working days", NULL);

	/* The value lands in the right field and nowhere else. */
	struct settings_values v;
	assert_int_equal(try_set("concern.appeal", "42d", NULL, &v), 0);
	assert_int_equal(v.concern.appeal.count, 42);
	assert_int_equal(v.concern.appeal.unit, DOMAIN_PERIOD_DAYS);
	v.concern.appeal = defaults.concern.appeal;
	assert_memory_equal(&v, &defaults, sizeof v);
}

/* ---- quorum ----------------------------------------------------------------- */

static void test_quorum(void **state)
{
	(void)state;
	expect_ok("concern.panel-quorum", "1", "1");
	expect_ok("concern.panel-quorum", "5", "5");
	expect_ok("concern.panel-quorum", "15", "15");
	expect_ok("concern.panel-quorum", "03", "3");
	static const char *const bad[] = {"0",	"16", "99", "",	  "three", "3.0",
					  "-3", "+3", " 3", "3 ", "007",   "100"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		expect_bad("concern.panel-quorum", bad[i], "concern.panel-quorum", "from 1 to 15",
			   NULL);
	struct settings_values v;
	assert_int_equal(try_set("concern.panel-quorum", "7", NULL, &v), 0);
	assert_int_equal(v.concern.panel_quorum, 7);
}

/* ---- bands ------------------------------------------------------------------ */

static void test_score_possible(void **state)
{
	(void)state;
	static const int possible[] = {1, 2, 3, 4, 5, 6, 8, 9, 10, 12, 15, 16, 20, 25};
	int n = 0;
	for (int s = -1; s <= 27; s++)
		n += settings_score_possible(s);
	assert_int_equal(n, (int)(sizeof possible / sizeof possible[0]));
	for (size_t i = 0; i < sizeof possible / sizeof possible[0]; i++)
		assert_true(settings_score_possible(possible[i]));
	assert_false(settings_score_possible(7));
	assert_false(settings_score_possible(13));
	assert_false(settings_score_possible(24));
}

static void test_bands_good(void **state)
{
	(void)state;
	const char *k = "concern.bands";
	expect_ok(k, "low:1-3,moderate:4-6,high:8-12,extreme:15-25",
		  "low:1-3,moderate:4-6,high:8-12,extreme:15-25");
	/* Bounds that are not producible scores are the same bands. */
	expect_ok(k, "low:1-3,moderate:4-7,high:8-14,extreme:15-25",
		  "low:1-3,moderate:4-6,high:8-12,extreme:15-25");
	expect_ok(k, "low:1-3,moderate:4-6,high:7-12,extreme:13-25",
		  "low:1-3,moderate:4-6,high:8-12,extreme:15-25");
	expect_ok(k, "low:1-2,moderate:3-6,high:8-15,extreme:16-25",
		  "low:1-2,moderate:3-6,high:8-15,extreme:16-25");
	expect_ok(k, "low:1-1,moderate:2-2,high:3-3,extreme:4-25",
		  "low:1-1,moderate:2-2,high:3-3,extreme:4-25");
	expect_ok(k, "low:1-15,moderate:16-16,high:17-20,extreme:21-25",
		  "low:1-15,moderate:16-16,high:20-20,extreme:25-25");
	/* Spaces after the commas. */
	expect_ok(k, "low:1-4, moderate:5-9,  high:10-16, extreme:20-25",
		  "low:1-4,moderate:5-9,high:10-16,extreme:20-25");
	struct settings_values v;
	assert_int_equal(try_set(k, "low:1-4,moderate:5-9,high:10-16,extreme:20-25", NULL, &v), 0);
	assert_int_equal(v.concern.bands.low_max, 4);
	assert_int_equal(v.concern.bands.moderate_max, 9);
	assert_int_equal(v.concern.bands.high_max, 16);
	assert_int_equal(domain_grade_band(&v.concern.bands, 10), GRADE_BAND_HIGH);
	assert_int_equal(domain_grade_band(&v.concern.bands, 4), GRADE_BAND_LOW);
}

static void test_bands_bad(void **state)
{
	(void)state;
	const char *k = "concern.bands";
	expect_bad(k, "", "concern.bands: a value is required", NULL);
	expect_bad(k, "low:1-3,moderate:4-6,high:8-12", "four bands are needed", "3 given", NULL);
	expect_bad(k, "low:1-3,moderate:4-6,high:8-12,extreme:15-25,severe:26-30", "not more",
		   NULL);
	expect_bad(k, "low:1-3,high:8-12,moderate:4-6,extreme:15-25", "band 2 is 'high'",
		   "should be 'moderate'", "in the order low, moderate, high, extreme", NULL);
	expect_bad(k, "low:1-3,medium:4-6,high:8-12,extreme:15-25", "'medium' is not a band name",
		   NULL);
	expect_bad(k, "low:2-3,moderate:4-6,high:8-12,extreme:15-25", "low must start at 1", NULL);
	expect_bad(k, "low:1-3,moderate:4-6,high:8-12,extreme:15-24", "extreme must end at 25",
		   NULL);
	expect_bad(k, "low:1-3,moderate:5-6,high:8-12,extreme:15-25", "score 4 falls between low",
		   "no gap", NULL);
	expect_bad(k, "low:1-3,moderate:4-6,high:9-12,extreme:15-25", "score 8 falls between",
		   NULL);
	expect_bad(k, "low:1-3,moderate:4-6,high:8-12,extreme:16-25", "score 15 falls between",
		   NULL);
	expect_bad(k, "low:1-4,moderate:4-6,high:8-12,extreme:15-25",
		   "moderate (4-6) overlaps low (1-4)", NULL);
	expect_bad(k, "low:1-3,moderate:6-4,high:8-12,extreme:15-25", "runs backwards", NULL);
	expect_bad(k, "low:1-3,moderate:4-6,high:7-7,extreme:8-25", "high (7-7) holds no score",
		   NULL);
	expect_bad(k, "low:1-3,moderate:4-6,high:8-12,extreme:15-26", "scores from 1 to 25", NULL);
	expect_bad(k, "low:0-3,moderate:4-6,high:8-12,extreme:15-25", "scores from 1 to 25", NULL);
	expect_bad(k, "low:a-3,moderate:4-6,high:8-12,extreme:15-25", "scores from 1 to 25", NULL);
	expect_bad(k, "low:1-3,moderate:4-6,high:8-12,extreme", "'extreme' is not a band", NULL);
	expect_bad(k, "low:1-3,moderate:4-6,high:8-12,extreme:15", "is not a band", NULL);
	expect_bad(k, "low:1-3,,high:8-12,extreme:15-25", "is not a band", NULL);
	expect_bad(k, "low:1-3,moderate:4-6,high:8-12,extreme:15-25,", "not more", NULL);
	expect_bad(k, "LOW:1-3,moderate:4-6,high:8-12,extreme:15-25", "'LOW' is not a band name",
		   NULL);
	/* A failed set leaves the values as they were. */
	struct settings_values v = defaults;
	char *why = NULL;
	assert_int_equal(settings_set(&v, k, "low:1-3", &why), -1);
	free(why);
	assert_memory_equal(&v, &defaults, sizeof v);
}

static void test_bands_format(void **state)
{
	(void)state;
	char buf[SETTINGS_VALUE_BUFSZ];
	struct grade_bands b = GRADE_BANDS_DEFAULT;
	assert_string_equal(settings_bands_format(&b, buf, sizeof buf),
			    "low:1-3,moderate:4-6,high:8-12,extreme:15-25");
	struct grade_bands odd = {.low_max = 4, .moderate_max = 7, .high_max = 14};
	assert_string_equal(settings_bands_format(&odd, buf, sizeof buf),
			    "low:1-4,moderate:5-6,high:8-12,extreme:15-25");
}

/* ---- QOF maxima --------------------------------------------------------------- */

static void test_qof_maxima_good(void **state)
{
	(void)state;
	const char *k = "review.qof-maxima";
	const char *dflt =
	    "clinical:697,organisational:167.5,patient-experience:91.5,additional-services:44";
	expect_ok(k, dflt, dflt);
	/* Any order, spaces after commas, any case, trailing zeros: one spelling. */
	expect_ok(k,
		  "additional-services:44.0000, Patient-Experience:91.50,ORGANISATIONAL:167.5, "
		  "clinical:697.0",
		  dflt);
	expect_ok(
	    k, "clinical:600,organisational:264.5,patient-experience:91.5,additional-services:44",
	    "clinical:600,organisational:264.5,patient-experience:91.5,additional-services:44");
	/* Four decimal places in every domain: the longest spelling fits. */
	const char *longest =
	    "clinical:697.1234,organisational:167.4321,patient-experience:91.4321,"
	    "additional-services:44.0124";
	assert_int_equal(strlen(longest), 96);
	expect_ok(k, longest, longest);
	struct settings_values v;
	assert_int_equal(try_set(k, longest, NULL, &v), 0);
	assert_int_equal(v.review.qof_maxima.points[QOF_DOMAIN_CLINICAL], 6971234);
	assert_int_equal(v.review.qof_maxima.points[QOF_DOMAIN_ADDITIONAL_SERVICES], 440124);
	/* Only this key's field changed. */
	assert_memory_equal(&v.concern, &defaults.concern, sizeof v.concern);
	/* The smallest positive maximum. */
	expect_ok(k,
		  "clinical:999.9997,organisational:0.0001,patient-experience:0.0001,"
		  "additional-services:0.0001",
		  "clinical:999.9997,organisational:0.0001,patient-experience:0.0001,"
		  "additional-services:0.0001");
}

static void test_qof_maxima_bad(void **state)
{
	(void)state;
	const char *k = "review.qof-maxima";
	/* Not summing to 1,000, either way. */
	expect_bad(
	    k, "clinical:698,organisational:167.5,patient-experience:91.5,additional-services:44",
	    "review.qof-maxima", "sum to 1001 points where the QOF has 1000", NULL);
	expect_bad(k,
		   "clinical:697,organisational:167.5,patient-experience:91.4999,"
		   "additional-services:44",
		   "sum to 999.9999 points", NULL);
	/* Negative, and zero (the sum still 1,000). */
	expect_bad(
	    k, "clinical:741,organisational:167.5,patient-experience:91.5,additional-services:-0",
	    "additional services must be above 0", NULL);
	expect_bad(k,
		   "clinical:741,organisational:167.5,patient-experience:135.5,"
		   "additional-services:-44",
		   "review.qof-maxima", "additional services must be above 0", NULL);
	expect_bad(k, "clinical:1000,organisational:0,patient-experience:0,additional-services:0",
		   "organisational must be above 0", NULL);
	/* Unknown domain, missing domain, a domain twice. */
	expect_bad(k, "clinical:697,organisational:167.5,patient-experience:91.5,additional:44",
		   "review.qof-maxima: 'additional' is not a QOF domain", "additional-services",
		   NULL);
	expect_bad(k, "clinical:697,organisational:167.5,patient-experience:135.5",
		   "additional-services is missing", NULL);
	expect_bad(k, "clinical:697,organisational:167.5,Clinical:91.5,additional-services:44",
		   "clinical is given twice", NULL);
	/* Five decimal places: refused, not rounded. */
	expect_bad(k,
		   "clinical:697.00001,organisational:167.49999,patient-experience:91.5,"
		   "additional-services:44",
		   "review.qof-maxima: clinical: at most 4 decimal places", NULL);
	/* Not numbers, not items. */
	expect_bad(k,
		   "clinical:697,organisational:1.675e2,patient-experience:91.5,"
		   "additional-services:44",
		   "organisational: not a number", NULL);
	expect_bad(k,
		   "clinical:,organisational:167.5,patient-experience:91.5,additional-services:44",
		   "clinical: required", NULL);
	expect_bad(k, "clinical 697,organisational:167.5", "'clinical 697' is not DOMAIN:POINTS",
		   NULL);
	expect_bad(k, "clinical:697,,organisational:167.5", "'' is not DOMAIN:POINTS", NULL);
	expect_bad(k,
		   "clinical:697,organisational:167.5,patient-experience:91.5,"
		   "additional-services:44,",
		   "is not DOMAIN:POINTS", NULL);
	expect_bad(k, "", "a value is required", "clinical:697", NULL);
	expect_bad(k,
		   "clinical:697 ,organisational:167.5,patient-experience:91.5,"
		   "additional-services:44",
		   "clinical: not a number", NULL);
	char big[300];
	memset(big, '9', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	memcpy(big, "clinical:", 9);
	expect_bad(k, big, "is not DOMAIN:POINTS", NULL);
	/* A failed set leaves the values as they were. */
	struct settings_values v = defaults;
	char *why = NULL;
	assert_int_equal(settings_set(&v, k, "clinical:1000", &why), -1);
	free(why);
	assert_memory_equal(&v, &defaults, sizeof v);
}

static void test_qof_maxima_format(void **state)
{
	(void)state;
	char buf[SETTINGS_VALUE_BUFSZ];
	struct qof_maxima m = QOF_MAXIMA_DEFAULT;
	assert_string_equal(
	    settings_qof_maxima_format(&m, buf, sizeof buf),
	    "clinical:697,organisational:167.5,patient-experience:91.5,additional-services:44");
	struct qof_maxima out;
	char *why = NULL;
	assert_int_equal(settings_qof_maxima_parse("f", buf, &out, &why), 0);
	assert_memory_equal(&out, &m, sizeof m);
	assert_int_equal(settings_qof_maxima_parse("f", "clinical:1", &out, &why), -1);
	assert_non_null(strstr(why, "f: organisational is missing"));
	free(why);
	assert_memory_equal(&out, &m, sizeof m); /* untouched */
}

/* ---- holidays --------------------------------------------------------------- */

static int32_t day(const char *s)
{
	int32_t d;
	assert_int_equal(domain_date_parse("d", s, &d, NULL), 0);
	return d;
}

static void test_holiday_names(void **state)
{
	(void)state;
	static const struct {
		const char *date, *name;
	} named[] = {
	    {"2026-01-01", "New Year's Day"},
	    {"2022-01-03", "New Year's Day (substitute day)"},
	    {"2026-04-03", "Good Friday"},
	    {"2026-04-06", "Easter Monday"},
	    {"2026-05-04", "Early May bank holiday"},
	    {"2020-05-08", "Early May bank holiday (VE day)"},
	    {"2026-05-25", "Spring bank holiday"},
	    {"2022-06-02", "Spring bank holiday"},
	    {"2022-06-03", "Platinum Jubilee bank holiday"},
	    {"2026-08-31", "Summer bank holiday"},
	    {"2022-09-19", "Bank Holiday for the State Funeral of Queen Elizabeth II"},
	    {"2023-05-08", "Bank holiday for the coronation of King Charles III"},
	    {"2026-12-25", "Christmas Day"},
	    {"2026-12-28", "Boxing Day (substitute day)"},
	    {"2021-12-27", "Christmas Day (substitute day)"},
	    {"2021-12-28", "Boxing Day (substitute day)"},
	    {"2022-12-26", "Boxing Day"},
	    {"2022-12-27", "Christmas Day (substitute day)"},
	};
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++) {
		const char *got = domain_bank_holiday_name(day(named[i].date));
		if (got == NULL || strcmp(got, named[i].name) != 0)
			fail_msg("%s: expected \"%s\", got \"%s\"", named[i].date, named[i].name,
				 got ? got : "(none)");
	}
	assert_null(domain_bank_holiday_name(day("2026-06-10")));
	assert_null(domain_bank_holiday_name(day("2026-12-26"))); /* a Saturday */
	assert_null(domain_bank_holiday_name(day("1900-01-01")));

	/* The named table is the plain table. */
	int32_t plain[64];
	struct domain_bank_holiday named_tab[64];
	size_t n1 = domain_bank_holidays_england_wales(2020, 2023, plain, 64);
	size_t n2 = domain_bank_holidays_england_wales_named(2020, 2023, named_tab, 64);
	assert_int_equal(n1, n2);
	for (size_t i = 0; i < n1; i++) {
		assert_int_equal(plain[i], named_tab[i].day);
		assert_non_null(named_tab[i].name);
	}
}

static int contains(const int32_t *days, size_t n, int32_t d)
{
	for (size_t i = 0; i < n; i++)
		if (days[i] == d)
			return 1;
	return 0;
}

static void test_holidays_effective(void **state)
{
	(void)state;
	size_t n0 = 0;
	int32_t *base = settings_holidays_effective(NULL, 0, &n0);
	size_t cap = 200 * DOMAIN_BANK_HOLIDAYS_PER_YEAR_MAX;
	int32_t *all = xmalloc(cap * sizeof *all);
	size_t nall = domain_bank_holidays_england_wales(1990, 2100, all, cap);
	assert_int_equal(n0, nall);
	assert_memory_equal(base, all, n0 * sizeof *base);
	free(all);

	struct settings_holiday_change ch[] = {
	    {day("2026-12-25"), 1}, /* Christmas removed */
	    {day("2026-06-10"), 0}, /* a Wednesday added */
	    {day("2026-06-10"), 0}, /* twice: once in the table */
	    {day("2026-04-06"), 0}, /* added on a default day: once */
	    {day("2027-03-01"), 0},
	};
	size_t n = 0;
	int32_t *eff = settings_holidays_effective(ch, sizeof ch / sizeof ch[0], &n);
	assert_int_equal(n, n0 - 1 + 2);
	assert_false(contains(eff, n, day("2026-12-25")));
	assert_true(contains(eff, n, day("2026-06-10")));
	assert_true(contains(eff, n, day("2026-04-06")));
	assert_true(contains(eff, n, day("2027-03-01")));
	for (size_t i = 1; i < n; i++)
		assert_true(eff[i - 1] < eff[i]);
	struct domain_holidays h = {eff, n};
	char *why = NULL;
	assert_int_equal(domain_holidays_check(&h, &why), 0);
	/* Working-day arithmetic sees the change: 5 working days from Friday
	 * 2026-06-05 is Friday 2026-06-12 normally, Monday 2026-06-15 with
	 * Wednesday 10 June a holiday. */
	struct domain_holidays hb = {base, n0};
	assert_int_equal(domain_date_add_working_days(day("2026-06-05"), 5, &hb),
			 day("2026-06-12"));
	assert_int_equal(domain_date_add_working_days(day("2026-06-05"), 5, &h), day("2026-06-15"));
	free(eff);
	free(base);
}

static void test_holiday_check_day(void **state)
{
	(void)state;
	char *why = NULL;
	assert_int_equal(settings_holiday_check_day("date", day("2026-06-10"), &why), 0);
	assert_int_equal(settings_holiday_check_day("date", day("1990-01-02"), &why), 0);
	assert_int_equal(settings_holiday_check_day("date", day("2100-12-31"), &why), 0);
	assert_int_equal(settings_holiday_check_day("date", day("2026-06-06"), &why), -1);
	assert_non_null(strstr(why, "date: 2026-06-06 is a Saturday"));
	free(why);
	assert_int_equal(settings_holiday_check_day("date", day("2026-06-07"), &why), -1);
	assert_non_null(strstr(why, "Sunday"));
	free(why);
	assert_int_equal(settings_holiday_check_day("date", day("1989-12-29"), &why), -1);
	assert_non_null(strstr(why, "outside the bank-holiday table's years 1990 to 2100"));
	free(why);
	assert_int_equal(settings_holiday_check_day("date", day("2101-01-03"), &why), -1);
	free(why);
}

/* ---- the snapshot cache against a real database ------------------------------ */

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
	struct settings_cache *cache;
};

static int db_setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/assure-test-settings-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/a.db", f->dir);
	char *cause = NULL;
	int v = 0;
	if (db_open(f->path, DB_CREATE, &f->db, &cause) < 0 || db_migrate(f->db, &v, &cause) < 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	f->cache = settings_cache_new();
	*state = f;
	return 0;
}

static int db_teardown(void **state)
{
	struct fixture *f = *state;
	settings_cache_free(f->cache);
	db_close(f->db);
	char p[200];
	static const char *const files[] = {"a.db", "a.db-wal", "a.db-shm"};
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof p, "%s/%s", f->dir, files[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static const struct settings_snapshot *acquire(struct fixture *f, struct db *db)
{
	const struct settings_snapshot *s = NULL;
	char *cause = NULL;
	if (settings_acquire(f->cache, db, &s, &cause) != ASSURE__CODE__OK)
		fail_msg("settings_acquire: %s", cause);
	return s;
}

static void put(struct db *db, const char *key, const char *value, int64_t expected)
{
	char *cause = NULL;
	int64_t v = 0, cv = 0;
	struct setting_record stale = {0};
	int st =
	    store_setting_put(db, key, value, expected, 1000, "admin", "test", &v, &stale, &cause);
	if (st != ASSURE__CODE__OK)
		fail_msg("store_setting_put %s: %d %s", key, st, cause ? cause : "");
	assert_int_equal(v, expected + 1);
	assert_int_equal(store_settings_bump(db, 1000, "admin", &cv, &cause), ASSURE__CODE__OK);
}

static void test_cache_defaults_and_sharing(void **state)
{
	struct fixture *f = *state;
	const struct settings_snapshot *a = acquire(f, f->db);
	const struct settings_snapshot *b = acquire(f, f->db);
	assert_ptr_equal(a, b); /* cached */
	assert_int_equal(settings_config_version(a), 1);
	assert_memory_equal(settings_values_of(a), &defaults, sizeof defaults);
	assert_int_equal(settings_concern(a)->panel_quorum, 3);
	assert_int_equal(settings_holidays(a)->n,
			 domain_bank_holidays_england_wales(1990, 2100, NULL, 0));
	assert_null(settings_row(a, "concern.triage"));
	settings_release(a);
	settings_release(b);
}

static void test_cache_change_and_rollback(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	const struct settings_snapshot *before = acquire(f, f->db);

	/* A change seen inside its own transaction, then rolled back: the
	 * snapshot cached meanwhile is never served again. */
	assert_int_equal(db_begin(f->db, &cause), 0);
	put(f->db, "concern.triage", "10wd", 1);
	const struct settings_snapshot *inside = acquire(f, f->db);
	assert_int_equal(settings_concern(inside)->triage.count, 10);
	assert_int_equal(settings_config_version(inside), settings_config_version(before) + 1);
	db_rollback(f->db);
	const struct settings_snapshot *after = acquire(f, f->db);
	assert_int_equal(settings_concern(after)->triage.count, 5);
	assert_int_equal(settings_config_version(after), settings_config_version(before));

	/* The same version number again, with other contents: a new stamp. */
	assert_int_equal(db_begin(f->db, &cause), 0);
	put(f->db, "concern.triage", "7wd", 1);
	assert_int_equal(db_commit(f->db, &cause), 0);
	const struct settings_snapshot *again = acquire(f, f->db);
	assert_int_equal(settings_config_version(again), settings_config_version(inside));
	assert_int_equal(settings_concern(again)->triage.count, 7);
	const struct setting_record *row = settings_row(again, "concern.triage");
	assert_non_null(row);
	assert_int_equal(row->version, 2);
	assert_string_equal(row->changed_by, "admin");
	/* Old snapshots stay valid while held. */
	assert_int_equal(settings_concern(inside)->triage.count, 10);
	assert_int_equal(settings_concern(before)->triage.count, 5);
	settings_release(before);
	settings_release(inside);
	settings_release(after);
	settings_release(again);

	/* A stale version is refused, naming who changed it. */
	struct setting_record stale = {0};
	int64_t v = 0;
	assert_int_equal(db_begin(f->db, &cause), 0);
	assert_int_equal(store_setting_put(f->db, "concern.triage", "8wd", 1, 2000, "bob", "x", &v,
					   &stale, &cause),
			 ASSURE__CODE__ABORTED);
	assert_int_equal(stale.version, 2);
	assert_string_equal(stale.changed_by, "admin");
	setting_record_clear(&stale);
	/* A key never changed is at version 1. */
	assert_int_equal(store_setting_put(f->db, "concern.appeal", "21d", 3, 2000, "bob", "x", &v,
					   &stale, &cause),
			 ASSURE__CODE__ABORTED);
	assert_int_equal(stale.version, 1);
	setting_record_clear(&stale);
	db_rollback(f->db);

	/* settings_cache_forget drops the cached one; the next acquire reads. */
	settings_cache_forget(f->cache);
	const struct settings_snapshot *fresh = acquire(f, f->db);
	assert_int_equal(settings_concern(fresh)->triage.count, 7);
	settings_release(fresh);
}

static void test_cache_holidays_and_bad_row(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	assert_int_equal(db_begin(f->db, &cause), 0);
	struct holiday_override_record add = {(char *)"2026-06-10", 0,	  (char *)"Test day",
					      (char *)"admin",	    1000, (char *)"proclamation"};
	struct holiday_override_record rm = {(char *)"2026-12-25", 1,	 (char *)"Christmas Day",
					     (char *)"admin",	   1000, (char *)"test"};
	assert_int_equal(store_holiday_override_add(f->db, &add, &cause), ASSURE__CODE__OK);
	assert_int_equal(store_holiday_override_add(f->db, &rm, &cause), ASSURE__CODE__OK);
	assert_int_equal(store_holiday_override_add(f->db, &add, &cause),
			 ASSURE__CODE__ALREADY_EXISTS);
	free(cause);
	cause = NULL;
	int64_t cv = 0;
	assert_int_equal(store_settings_bump(f->db, 1000, "admin", &cv, &cause), ASSURE__CODE__OK);
	/* A row edited by hand into something unusable. */
	assert_int_equal(
	    db_exec(f->db,
		    "INSERT INTO settings VALUES ('concern.appeal', 'soon', 2, 'x', 1, "
		    "'by hand')",
		    &cause),
	    0);
	assert_int_equal(db_exec(f->db,
				 "INSERT INTO settings VALUES ('concern.gone', '1', 2, 'x', 1, "
				 "'a key this build does not know')",
				 &cause),
			 0);
	assert_int_equal(store_settings_bump(f->db, 1000, "admin", &cv, &cause), ASSURE__CODE__OK);
	assert_int_equal(db_commit(f->db, &cause), 0);
	const struct settings_snapshot *s = acquire(f, f->db);
	const struct domain_holidays *h = settings_holidays(s);
	assert_true(domain_holidays_contains(h, day("2026-06-10")));
	assert_false(domain_holidays_contains(h, day("2026-12-25")));
	assert_true(domain_holidays_contains(h, day("2026-12-28")));
	size_t n = 0;
	const struct holiday_override_record *ch = settings_holiday_changes(s, &n);
	assert_int_equal(n, 2);
	assert_string_equal(ch[0].day, "2026-06-10");
	assert_false(ch[0].removed);
	assert_true(ch[1].removed);
	/* The default is in force for the bad row; its version is kept. */
	assert_int_equal(settings_concern(s)->appeal.count, 28);
	assert_int_equal(settings_row(s, "concern.appeal")->version, 2);
	settings_release(s);
	assert_int_equal(store_holiday_override_delete(f->db, "2026-06-10", &cause),
			 ASSURE__CODE__OK);
	assert_int_equal(store_holiday_override_delete(f->db, "2026-06-10", &cause),
			 ASSURE__CODE__NOT_FOUND);
}

/* The admin role holds config.manage after migration 9. */
static void test_admin_role_has_config_manage(void **state)
{
	struct fixture *f = *state;
	perm_mask m = 0;
	char *cause = NULL;
	assert_int_equal(store_role_permissions(f->db, "admin", &m, &cause), ASSURE__CODE__OK);
	assert_true(m & PERM_BIT(PERM_CONFIG_MANAGE));
	assert_true(m & PERM_BIT(PERM_USER_MANAGE));
	assert_int_equal(store_role_permissions(f->db, "auditor", &m, &cause), ASSURE__CODE__OK);
	assert_false(m & PERM_BIT(PERM_CONFIG_MANAGE));
}

int main(void)
{
	const struct CMUnitTest pure[] = {
	    cmocka_unit_test(test_keys_table),	      cmocka_unit_test(test_defaults_spelt),
	    cmocka_unit_test(test_unknown_key),	      cmocka_unit_test(test_period_syntax),
	    cmocka_unit_test(test_period_keys),	      cmocka_unit_test(test_quorum),
	    cmocka_unit_test(test_score_possible),    cmocka_unit_test(test_bands_good),
	    cmocka_unit_test(test_bands_bad),	      cmocka_unit_test(test_bands_format),
	    cmocka_unit_test(test_holiday_names),     cmocka_unit_test(test_holidays_effective),
	    cmocka_unit_test(test_holiday_check_day), cmocka_unit_test(test_qof_maxima_good),
	    cmocka_unit_test(test_qof_maxima_bad),    cmocka_unit_test(test_qof_maxima_format),
	};
	const struct CMUnitTest with_db[] = {
	    cmocka_unit_test_setup_teardown(test_cache_defaults_and_sharing, db_setup, db_teardown),
	    cmocka_unit_test_setup_teardown(test_cache_change_and_rollback, db_setup, db_teardown),
	    cmocka_unit_test_setup_teardown(test_cache_holidays_and_bad_row, db_setup, db_teardown),
	    cmocka_unit_test_setup_teardown(test_admin_role_has_config_manage, db_setup,
					    db_teardown),
	};
	int failed = cmocka_run_group_tests_name("pure", pure, NULL, NULL);
	failed += cmocka_run_group_tests_name("database", with_db, NULL, NULL);
	return failed != 0;
}
