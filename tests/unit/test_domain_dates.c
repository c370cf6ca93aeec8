/*
 * Deadline arithmetic is where a wrong answer is silent: a representations
 * window a day short lets a panel decide too early. So the calendar is
 * checked against a naive day-by-day counter over two centuries, the
 * bank-holiday generator against gov.uk's published lists typed in by hand
 * (not computed), and the working-day cases the brief names are worked out
 * in comments before the assertion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain_dates.h"

static int32_t D(const char *s)
{
	int32_t d;
	char *cause = NULL;
	if (domain_date_parse("test", s, &d, &cause) != 0) {
		print_error("bad test date %s: %s\n", s, cause);
		free(cause);
		fail();
	}
	return d;
}

static void assert_date(int32_t day, const char *want)
{
	char buf[DOMAIN_DATE_BUFSZ];
	assert_string_equal(domain_date_format(day, buf), want);
}

static void test_epoch_and_known_days(void **state)
{
	(void)state;
	assert_int_equal(D("1970-01-01"), 0);
	assert_int_equal(D("1970-01-02"), 1);
	assert_int_equal(D("1969-12-31"), -1);
	/* Values from Python's datetime, typed in. */
	assert_int_equal(D("2000-01-01"), 10957);
	assert_int_equal(D("2026-11-23"), 20780);
	assert_int_equal(D("2027-12-25"), 21177);
	assert_int_equal(domain_date_weekday(D("1970-01-01")), DOMAIN_THURSDAY);
	assert_int_equal(domain_date_weekday(D("2000-01-01")), DOMAIN_SATURDAY);
	assert_int_equal(domain_date_weekday(D("2026-11-23")), DOMAIN_MONDAY);
	assert_int_equal(domain_date_weekday(D("2026-12-23")), DOMAIN_WEDNESDAY);
	assert_int_equal(domain_date_weekday(D("2027-12-25")), DOMAIN_SATURDAY);
	assert_int_equal(domain_date_weekday(D("1969-12-28")), DOMAIN_SUNDAY);
	assert_int_equal(domain_date_weekday(D("1900-01-01")), DOMAIN_MONDAY);
}

/* Walk 1900-01-01 .. 2199-12-31 one day at a time with a naive calendar
 * and check that day numbers, formatting, parsing and weekdays agree. */
static void test_calendar_walk(void **state)
{
	(void)state;
	int y = 1900, m = 1, d = 1;
	int32_t day = D("1900-01-01");
	enum domain_weekday wd = DOMAIN_MONDAY;
	static const int mdays[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	while (y < 2200) {
		char want[32], buf[DOMAIN_DATE_BUFSZ];
		snprintf(want, sizeof want, "%04d-%02d-%02d", y, m, d);
		assert_string_equal(domain_date_format(day, buf), want);
		int32_t back;
		assert_int_equal(domain_date_parse("d", want, &back, NULL), 0);
		assert_int_equal(back, day);
		int yy, mm, dd;
		domain_date_to_ymd(day, &yy, &mm, &dd);
		assert_true(yy == y && mm == m && dd == d);
		assert_int_equal(domain_date_weekday(day), wd);

		int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		int len = mdays[m] + (m == 2 && leap);
		assert_int_equal(domain_date_days_in_month(y, m), len);
		if (++d > len) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
		day = domain_date_add_days(day, 1);
		wd = wd == DOMAIN_SUNDAY ? DOMAIN_MONDAY : wd + 1;
	}
}

static void test_parse_strict(void **state)
{
	(void)state;
	static const char *bad[] = {
	    "2026-02-29", /* 2026 is not a leap year */
	    "2025-13-01",  "2025-00-10",  "2025-01-00", "2025-04-31",	    "2025-06-31",
	    "1900-02-29",  "2100-02-29",  "2025-1-01",	"2025-01-1",	    "25-01-01",
	    " 2025-01-01", "2025-01-01 ", "2025/01/01", "2025-01-01T00:00", "20250101",
	    "2025-0a-01",  "+025-01-01",  "",		"1899-12-31", /* before the supported years
								       */
	    "10000-01-01", "2025-01-32",  "2025--1-01",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int32_t d = 12345;
		char *cause = NULL;
		assert_int_equal(domain_date_parse("received date", bad[i], &d, &cause), -1);
		assert_non_null(cause);
		assert_non_null(strstr(cause, "received date"));
		assert_int_equal(d, 12345); /* untouched on failure */
		free(cause);
	}
	char *cause = NULL;
	int32_t d;
	assert_int_equal(domain_date_parse("received date", NULL, &d, &cause), -1);
	free(cause);
	/* The message says why the day does not exist. */
	assert_int_equal(domain_date_parse("received date", "2026-02-29", &d, &cause), -1);
	assert_string_equal(cause, "received date: 29 February 2026 does not exist (February "
				   "2026 has 28 days)");
	free(cause);
	/* cause may be NULL. */
	assert_int_equal(domain_date_parse("x", "2025-13-01", &d, NULL), -1);

	static const char *good[] = {"2024-02-29", "2000-02-29", "1900-01-01",
				     "9999-12-31", "2026-12-31", "2027-01-01"};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		char buf[DOMAIN_DATE_BUFSZ];
		assert_int_equal(domain_date_parse("x", good[i], &d, NULL), 0);
		assert_string_equal(domain_date_format(d, buf), good[i]);
	}
	assert_int_equal(domain_date_from_ymd("x", 2026, 2, 29, &d, NULL), -1);
	assert_int_equal(domain_date_from_ymd("x", 2028, 2, 29, &d, NULL), 0);
	assert_date(d, "2028-02-29");
}

static void test_leap_years(void **state)
{
	(void)state;
	assert_true(domain_date_is_leap_year(2024));
	assert_true(domain_date_is_leap_year(2000));
	assert_true(domain_date_is_leap_year(2400));
	assert_false(domain_date_is_leap_year(1900));
	assert_false(domain_date_is_leap_year(2100));
	assert_false(domain_date_is_leap_year(2026));
	assert_int_equal(domain_date_days_in_month(2024, 2), 29);
	assert_int_equal(domain_date_days_in_month(2026, 2), 28);
	assert_int_equal(domain_date_days_in_month(2026, 0), 0);
	assert_int_equal(domain_date_days_in_month(2026, 13), 0);
}

static void test_add_months_clamps(void **state)
{
	(void)state;
	static const struct {
		const char *from;
		int months;
		const char *want;
	} cases[] = {
	    {"2026-08-31", 6, "2027-02-28"}, /* 31 Aug + 6 months: February's end */
	    {"2027-08-31", 6, "2028-02-29"}, /* ... in a leap year */
	    {"2024-02-29", 12, "2025-02-28"},  {"2024-02-29", 48, "2028-02-29"},
	    {"2026-01-31", 1, "2026-02-28"},   {"2026-03-31", 1, "2026-04-30"},
	    {"2026-03-31", -1, "2026-02-28"},  {"2026-11-30", 3, "2027-02-28"},
	    {"2026-12-15", 1, "2027-01-15"},   {"2027-01-15", -2, "2026-11-15"},
	    {"2026-05-10", 0, "2026-05-10"},   {"2026-05-10", 3, "2026-08-10"},
	    {"2026-10-31", 6, "2027-04-30"},   {"1999-12-31", 2, "2000-02-29"},
	    {"2026-01-01", -13, "2024-12-01"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_date(domain_date_add_months(D(cases[i].from), cases[i].months),
			    cases[i].want);
}

static void test_easter(void **state)
{
	(void)state;
	/* Published Easter Sundays, including the earliest (22 March) and
	 * latest (25 April) possible dates. */
	static const char *easters[] = {
	    "1818-03-22", "1943-04-25", "1981-04-19", "2000-04-23", "2008-03-23",
	    "2011-04-24", "2019-04-21", "2022-04-17", "2024-03-31", "2025-04-20",
	    "2026-04-05", "2027-03-28", "2038-04-25", "2285-03-22",
	};
	for (size_t i = 0; i < sizeof easters / sizeof easters[0]; i++) {
		int y = atoi(easters[i]);
		int32_t e = domain_date_easter_sunday(y);
		char buf[DOMAIN_DATE_BUFSZ];
		/* 1818 and 2285 are outside the parse range; compare text. */
		assert_string_equal(domain_date_format(e, buf), easters[i]);
		assert_int_equal(domain_date_weekday(e), DOMAIN_SUNDAY);
	}
}

/* gov.uk's England and Wales lists, typed in. */
static const struct {
	int year;
	const char *days[12];
} govuk[] = {
    {1995,
     {"1995-01-02", "1995-04-14", "1995-04-17", "1995-05-08", "1995-05-29", "1995-08-28",
      "1995-12-25", "1995-12-26"}},
    {1999,
     {"1999-01-01", "1999-04-02", "1999-04-05", "1999-05-03", "1999-05-31", "1999-08-30",
      "1999-12-27", "1999-12-28", "1999-12-31"}},
    {2002,
     {"2002-01-01", "2002-03-29", "2002-04-01", "2002-05-06", "2002-06-03", "2002-06-04",
      "2002-08-26", "2002-12-25", "2002-12-26"}},
    {2004,
     {"2004-01-01", "2004-04-09", "2004-04-12", "2004-05-03", "2004-05-31", "2004-08-30",
      "2004-12-27", "2004-12-28"}},
    {2009,
     {"2009-01-01", "2009-04-10", "2009-04-13", "2009-05-04", "2009-05-25", "2009-08-31",
      "2009-12-25", "2009-12-28"}},
    {2010,
     {"2010-01-01", "2010-04-02", "2010-04-05", "2010-05-03", "2010-05-31", "2010-08-30",
      "2010-12-27", "2010-12-28"}},
    {2011,
     {"2011-01-03", "2011-04-22", "2011-04-25", "2011-04-29", "2011-05-02", "2011-05-30",
      "2011-08-29", "2011-12-26", "2011-12-27"}},
    {2012,
     {"2012-01-02", "2012-04-06", "2012-04-09", "2012-05-07", "2012-06-04", "2012-06-05",
      "2012-08-27", "2012-12-25", "2012-12-26"}},
    {2016,
     {"2016-01-01", "2016-03-25", "2016-03-28", "2016-05-02", "2016-05-30", "2016-08-29",
      "2016-12-26", "2016-12-27"}},
    {2019,
     {"2019-01-01", "2019-04-19", "2019-04-22", "2019-05-06", "2019-05-27", "2019-08-26",
      "2019-12-25", "2019-12-26"}},
    {2020,
     {"2020-01-01", "2020-04-10", "2020-04-13", "2020-05-08", "2020-05-25", "2020-08-31",
      "2020-12-25", "2020-12-28"}},
    {2021,
     {"2021-01-01", "2021-04-02", "2021-04-05", "2021-05-03", "2021-05-31", "2021-08-30",
      "2021-12-27", "2021-12-28"}},
    {2022,
     {"2022-01-03", "2022-04-15", "2022-04-18", "2022-05-02", "2022-06-02", "2022-06-03",
      "2022-08-29", "2022-09-19", "2022-12-26", "2022-12-27"}},
    {2023,
     {"2023-01-02", "2023-04-07", "2023-04-10", "2023-05-01", "2023-05-08", "2023-05-29",
      "2023-08-28", "2023-12-25", "2023-12-26"}},
    {2024,
     {"2024-01-01", "2024-03-29", "2024-04-01", "2024-05-06", "2024-05-27", "2024-08-26",
      "2024-12-25", "2024-12-26"}},
    {2025,
     {"2025-01-01", "2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25",
      "2025-12-25", "2025-12-26"}},
    {2026,
     {"2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04", "2026-05-25", "2026-08-31",
      "2026-12-25", "2026-12-28"}},
    {2027,
     {"2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03", "2027-05-31", "2027-08-30",
      "2027-12-27", "2027-12-28"}},
};

static void test_bank_holidays_match_govuk(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof govuk / sizeof govuk[0]; i++) {
		int32_t got[DOMAIN_BANK_HOLIDAYS_PER_YEAR_MAX];
		size_t n = domain_bank_holidays_england_wales(govuk[i].year, govuk[i].year, got,
							      DOMAIN_BANK_HOLIDAYS_PER_YEAR_MAX);
		size_t want = 0;
		while (want < 12 && govuk[i].days[want] != NULL)
			want++;
		if (n != want)
			print_error("%d: %zu holidays, want %zu\n", govuk[i].year, n, want);
		assert_int_equal(n, want);
		for (size_t k = 0; k < n; k++)
			assert_date(got[k], govuk[i].days[k]);
	}
}

static void test_bank_holidays_properties(void **state)
{
	(void)state;
	size_t n = domain_bank_holidays_england_wales(1978, 2200, NULL, 0);
	int32_t *all = malloc(n * sizeof *all);
	assert_non_null(all);
	assert_int_equal(domain_bank_holidays_england_wales(1978, 2200, all, n), n);
	struct domain_holidays h = {all, n};
	assert_int_equal(domain_holidays_check(&h, NULL), 0);
	for (size_t i = 0; i < n; i++)
		assert_true(domain_date_weekday(all[i]) <= DOMAIN_FRIDAY);
	/* Every ordinary year has eight; the table's years have more. */
	for (int y = 1978; y <= 2200; y++) {
		size_t k = domain_bank_holidays_england_wales(y, y, NULL, 0);
		int special = y == 1981 || y == 1999 || y == 2002 || y == 2011 || y == 2012 ||
			      y == 2022 || y == 2023;
		assert_int_equal(k, special ? (y == 2022 ? 10 : 9) : 8);
	}
	/* Cut short: reports the full count, writes only cap. */
	int32_t few[3] = {0, 0, 0};
	assert_int_equal(domain_bank_holidays_england_wales(2026, 2027, few, 2), 16);
	assert_date(few[0], "2026-01-01");
	assert_date(few[1], "2026-04-03");
	assert_int_equal(few[2], 0);
	/* Outside the known years, or an empty range: nothing. */
	assert_int_equal(domain_bank_holidays_england_wales(1900, 1977, NULL, 0), 0);
	assert_int_equal(domain_bank_holidays_england_wales(2027, 2026, NULL, 0), 0);
	free(all);
}

static struct domain_holidays table_2020s(int32_t *buf, size_t cap)
{
	struct domain_holidays h = {buf, domain_bank_holidays_england_wales(2020, 2030, buf, cap)};
	assert_true(h.n <= cap);
	return h;
}

static void test_working_days(void **state)
{
	(void)state;
	int32_t buf[128];
	struct domain_holidays h = table_2020s(buf, 128);

	/* 5 working days from Wed 23 Dec 2026: Thu 24 (1); Fri 25 Christmas;
	 * Sat 26 Boxing Day, substitute Mon 28; Tue 29 (2), Wed 30 (3), Thu 31
	 * (4); Fri 1 Jan New Year; Mon 4 Jan 2027 (5). */
	assert_date(domain_date_add_working_days(D("2026-12-23"), 5, &h), "2027-01-04");
	/* ... and back again. */
	assert_date(domain_date_add_working_days(D("2027-01-04"), -5, &h), "2026-12-23");
	/* Without the table only weekends are skipped: Thu 24, Fri 25, Mon 28,
	 * Tue 29, Wed 30. */
	assert_date(domain_date_add_working_days(D("2026-12-23"), 5, NULL), "2026-12-30");

	/* Easter 2027: Good Friday 26 March, Easter Monday 29 March. One
	 * working day after Thu 25 March is Tue 30 March. */
	assert_date(domain_date_add_working_days(D("2027-03-25"), 1, &h), "2027-03-30");
	assert_false(domain_date_is_working_day(D("2027-03-26"), &h));
	assert_false(domain_date_is_working_day(D("2027-03-29"), &h));
	assert_true(domain_date_is_working_day(D("2027-03-30"), &h));

	/* The 2022 Platinum Jubilee: Spring bank holiday moved to Thu 2 June,
	 * jubilee holiday Fri 3 June, so Wed 1 June + 1 = Mon 6 June; Mon 30
	 * May was an ordinary working day. */
	assert_date(domain_date_add_working_days(D("2022-06-01"), 1, &h), "2022-06-06");
	assert_true(domain_date_is_working_day(D("2022-05-30"), &h));
	/* The state funeral, Mon 19 September 2022. */
	assert_date(domain_date_add_working_days(D("2022-09-16"), 1, &h), "2022-09-20");
	/* 2020: VE day Fri 8 May; Mon 4 May was worked. */
	assert_true(domain_date_is_working_day(D("2020-05-04"), &h));
	assert_false(domain_date_is_working_day(D("2020-05-08"), &h));
	/* 2023: coronation Mon 8 May as well as Early May Mon 1 May. */
	assert_false(domain_date_is_working_day(D("2023-05-01"), &h));
	assert_false(domain_date_is_working_day(D("2023-05-08"), &h));

	/* Christmas on a Saturday, 2027: Mon 27 and Tue 28 are the bank
	 * holidays, so Fri 24 Dec + 1 working day = Wed 29 Dec. */
	assert_false(domain_date_is_working_day(D("2027-12-27"), &h));
	assert_false(domain_date_is_working_day(D("2027-12-28"), &h));
	assert_date(domain_date_add_working_days(D("2027-12-24"), 1, &h), "2027-12-29");
	/* Christmas on a Sunday, 2022: Mon 26 Boxing Day, Tue 27 substitute. */
	assert_date(domain_date_add_working_days(D("2022-12-23"), 1, &h), "2022-12-28");
	/* New Year on a Saturday, 2022: Mon 3 Jan. */
	assert_date(domain_date_add_working_days(D("2021-12-31"), 1, &h), "2022-01-04");

	/* A weekend start: Sat + 1 = Mon; Sun - 1 = Fri. */
	assert_date(domain_date_add_working_days(D("2026-11-28"), 1, &h), "2026-11-30");
	assert_date(domain_date_add_working_days(D("2026-11-29"), -1, &h), "2026-11-27");
	/* n == 0 leaves the day alone, even a holiday. */
	assert_date(domain_date_add_working_days(D("2026-12-25"), 0, &h), "2026-12-25");

	/* Working days between: Wed 23 Dec 2026 .. Mon 4 Jan 2027 is 5. */
	assert_int_equal(domain_date_working_days_between(D("2026-12-23"), D("2027-01-04"), &h), 5);
	assert_int_equal(domain_date_working_days_between(D("2027-01-04"), D("2026-12-23"), &h), 0);
	assert_int_equal(domain_date_working_days_between(D("2026-11-23"), D("2026-11-23"), &h), 0);
	assert_int_equal(domain_date_working_days_between(D("2026-11-23"), D("2026-11-30"), &h), 5);

	/* Every n agrees with working_days_between over a year. */
	for (int n = 1; n < 260; n++) {
		int32_t to = domain_date_add_working_days(D("2026-01-05"), n, &h);
		assert_int_equal(domain_date_working_days_between(D("2026-01-05"), to, &h), n);
		assert_true(domain_date_is_working_day(to, &h));
	}
}

static void test_holiday_table_checks(void **state)
{
	(void)state;
	int32_t unsorted[] = {D("2026-12-28"), D("2026-12-25")};
	int32_t repeated[] = {D("2026-12-25"), D("2026-12-25")};
	struct domain_holidays h = {unsorted, 2};
	char *cause = NULL;
	assert_int_equal(domain_holidays_check(&h, &cause), -1);
	assert_string_equal(cause, "bank holidays: entry 2 (2026-12-25) is not after the one "
				   "before it (2026-12-28); the table must be in ascending order "
				   "without repeats");
	free(cause);
	h.days = repeated;
	assert_int_equal(domain_holidays_check(&h, NULL), -1);
	struct domain_holidays empty = {NULL, 0};
	assert_int_equal(domain_holidays_check(&empty, NULL), 0);
	assert_int_equal(domain_holidays_check(NULL, NULL), 0);
	assert_false(domain_holidays_contains(&empty, 0));
	assert_false(domain_holidays_contains(NULL, 0));
	struct domain_holidays broken = {NULL, 3};
	assert_int_equal(domain_holidays_check(&broken, NULL), -1);
	/* Weekends are never working days, listed or not. */
	assert_false(domain_date_is_working_day(D("2026-11-28"), NULL));
	assert_false(domain_date_is_working_day(D("2026-11-29"), &empty));
}

static void test_periods(void **state)
{
	(void)state;
	int32_t buf[128];
	struct domain_holidays h = table_2020s(buf, 128);
	char text[32];
	struct domain_period p;

	p = (struct domain_period){DOMAIN_PERIOD_DAYS, 28};
	assert_date(domain_period_add(D("2026-11-23"), p, &h), "2026-12-21");
	assert_string_equal(domain_period_describe(p, text, sizeof text), "28 days");
	p = (struct domain_period){DOMAIN_PERIOD_WEEKS, 12};
	assert_date(domain_period_add(D("2026-11-23"), p, &h), "2027-02-15");
	assert_string_equal(domain_period_describe(p, text, sizeof text), "12 weeks");
	p = (struct domain_period){DOMAIN_PERIOD_MONTHS, 6};
	assert_date(domain_period_add(D("2026-08-31"), p, &h), "2027-02-28");
	assert_string_equal(domain_period_describe(p, text, sizeof text), "6 months");
	p = (struct domain_period){DOMAIN_PERIOD_WORKING_DAYS, 5};
	assert_date(domain_period_add(D("2026-12-23"), p, &h), "2027-01-04");
	assert_string_equal(domain_period_describe(p, text, sizeof text), "5 working days");
	p = (struct domain_period){DOMAIN_PERIOD_DAYS, 1};
	assert_string_equal(domain_period_describe(p, text, sizeof text), "1 day");
	p = (struct domain_period){DOMAIN_PERIOD_WORKING_DAYS, 1};
	assert_string_equal(domain_period_describe(p, text, sizeof text), "1 working day");
	p = (struct domain_period){DOMAIN_PERIOD_MONTHS, 1};
	assert_string_equal(domain_period_describe(p, text, sizeof text), "1 month");
}

static void test_duration_parse(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		int days;
	} good[] = {{"14d", 14},  {"2w", 14},	   {"0d", 0},	   {"1d", 1},  {"0w", 0},
		    {"52w", 364}, {"3660d", 3660}, {"522w", 3654}, {"007d", 7}};
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		int days = -1;
		assert_int_equal(domain_duration_parse("--within", good[i].s, &days, NULL), 0);
		assert_int_equal(days, good[i].days);
	}
	static const char *bad[] = {"",	       "d",    "14",   "14D",  "2W",	"-1d",	" 14d",
				    "14d ",    "14dd", "1.5w", "14h",  "3661d", "523w", "99999w",
				    "100000d", "1e3d", "+14d", "14 d", "w2",	"0x10d"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int days = -1;
		char *cause = NULL;
		assert_int_equal(domain_duration_parse("--within", bad[i], &days, &cause), -1);
		assert_non_null(strstr(cause, "--within"));
		assert_int_equal(days, -1);
		free(cause);
	}
	char *cause = NULL;
	int days;
	assert_int_equal(domain_duration_parse("--within", NULL, &days, &cause), -1);
	free(cause);
	assert_int_equal(domain_duration_parse("--within", "3661d", &days, &cause), -1);
	assert_string_equal(cause, "--within: at most 3660 days");
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_epoch_and_known_days),
	    cmocka_unit_test(test_calendar_walk),
	    cmocka_unit_test(test_parse_strict),
	    cmocka_unit_test(test_leap_years),
	    cmocka_unit_test(test_add_months_clamps),
	    cmocka_unit_test(test_easter),
	    cmocka_unit_test(test_bank_holidays_match_govuk),
	    cmocka_unit_test(test_bank_holidays_properties),
	    cmocka_unit_test(test_working_days),
	    cmocka_unit_test(test_holiday_table_checks),
	    cmocka_unit_test(test_periods),
	    cmocka_unit_test(test_duration_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
