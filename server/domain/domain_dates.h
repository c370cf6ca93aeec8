/*
 * Civil dates and deadline arithmetic for the concern clocks (DOMAIN.md,
 * "Deadlines"): calendar days, working days over an England and Wales
 * bank-holiday table, "months later" with month-end clamping, and the
 * "14d"/"2w" durations of `assure concern due --within`.
 *
 * A date is an int32_t day number: days since 1970-01-01 in the proleptic
 * Gregorian calendar (0 = Thursday 1 January 1970, 1 = 2 January 1970, -1 =
 * 31 December 1969). Day numbers make "add n days" an addition and
 * comparisons plain integer comparisons; convert at the edges with
 * domain_date_parse / domain_date_format. There is no time of day and no
 * time zone: a deadline falls due on a civil date in England.
 *
 * Pure functions, no state, no I/O. Errors: 0 / -1 with *cause, a sentence
 * naming the field, allocated with xasprintf for the caller to free (cause
 * may be NULL when the caller only wants the verdict).
 */
#ifndef ASSURE_DOMAIN_DATES_H
#define ASSURE_DOMAIN_DATES_H

#include <stddef.h>
#include <stdint.h>

/* "No date" in structs that carry optional dates. Never a valid day. */
#define DOMAIN_DATE_NONE INT32_MIN

/* Years domain_date_parse and domain_date_from_ymd accept. */
#define DOMAIN_DATE_YEAR_MIN 1900
#define DOMAIN_DATE_YEAR_MAX 9999

/* "YYYY-MM-DD" plus NUL. */
#define DOMAIN_DATE_BUFSZ 11

/* ISO 8601 numbering. */
enum domain_weekday {
	DOMAIN_MONDAY = 1,
	DOMAIN_TUESDAY,
	DOMAIN_WEDNESDAY,
	DOMAIN_THURSDAY,
	DOMAIN_FRIDAY,
	DOMAIN_SATURDAY,
	DOMAIN_SUNDAY,
};

/* 1 for a Gregorian leap year. */
int domain_date_is_leap_year(int year);
/* 28..31; 0 for a month outside 1..12. */
int domain_date_days_in_month(int year, int month);

/* The day number of year-month-day. 0, or -1 with *cause ("<field>: 29
 * February 2026 does not exist") when the date is not a real one or the year
 * is outside DOMAIN_DATE_YEAR_MIN..MAX. */
int domain_date_from_ymd(const char *field, int year, int month, int day, int32_t *out,
			 char **cause) __attribute__((warn_unused_result));
/* The civil date of a day number. Any of the out pointers may be NULL. */
void domain_date_to_ymd(int32_t day, int *year, int *month, int *mday);

/* Strict "YYYY-MM-DD": exactly ten characters, zero-padded, a real date in
 * the supported years. 0, or -1 with *cause naming field. */
int domain_date_parse(const char *field, const char *s, int32_t *out, char **cause)
    __attribute__((warn_unused_result));
/* Writes "YYYY-MM-DD" into buf (DOMAIN_DATE_BUFSZ bytes); returns buf. A
 * day outside years 0..9999 (only reachable by arithmetic far past any
 * deadline) is written as 0000-01-01 or 9999-12-31 rather than overflow. */
char *domain_date_format(int32_t day, char buf[DOMAIN_DATE_BUFSZ]);

enum domain_weekday domain_date_weekday(int32_t day);
/* day + n calendar days (n may be negative). */
int32_t domain_date_add_days(int32_t day, int32_t n);
/* The same day of the month n months later (n may be negative), clamped to
 * the last day of a shorter month: 31 August + 6 months = 28 or 29 February;
 * 31 March + 1 month = 30 April. Statutory "within 6 months" periods read
 * this way (the corresponding date, or the month's end if there is none). */
int32_t domain_date_add_months(int32_t day, int n);

/*
 * A bank-holiday table: day numbers, strictly ascending, owned by the caller
 * (configuration or domain_bank_holidays_england_wales). Weekends are never
 * working days whether or not they are listed. An empty table (n == 0, days
 * may be NULL) means "weekends only".
 */
struct domain_holidays {
	const int32_t *days;
	size_t n;
};

/* 0 when the table is strictly ascending; -1 with *cause naming the first
 * entry out of order. Configuration loading calls this once so the
 * arithmetic below may binary-search. */
int domain_holidays_check(const struct domain_holidays *h, char **cause)
    __attribute__((warn_unused_result));
/* 1 when day is in the table. h may be NULL. */
int domain_holidays_contains(const struct domain_holidays *h, int32_t day);
/* 1 for Monday..Friday that is not a listed bank holiday. h may be NULL. */
int domain_date_is_working_day(int32_t day, const struct domain_holidays *h);
/* The n-th working day after day (n > 0), or before it (n < 0); day itself
 * is never counted, so "5 working days from Wednesday" is the next
 * Wednesday when no holiday intervenes. n == 0 returns day unchanged. */
int32_t domain_date_add_working_days(int32_t day, int n, const struct domain_holidays *h);
/* Working days d with from < d <= to (0 when to <= from): how many working
 * days of notice a step taken on `from` gives for `to`. */
int domain_date_working_days_between(int32_t from, int32_t to, const struct domain_holidays *h);

/* Easter Sunday of a Gregorian year (the anonymous Gregorian computus of
 * Meeus/Jones/Butcher), for year >= 1583. */
int32_t domain_date_easter_sunday(int year);

/* Most bank holidays England and Wales has had in one year (2022 had 10). */
#define DOMAIN_BANK_HOLIDAYS_PER_YEAR_MAX 12
/* Years the generator below knows the rules and one-off changes for. */
#define DOMAIN_BANK_HOLIDAYS_YEAR_MIN 1978
#define DOMAIN_BANK_HOLIDAYS_YEAR_MAX 9999

/*
 * The default England and Wales bank-holiday table for first_year..
 * last_year inclusive, ascending, as gov.uk lists it: only weekdays appear
 * (a New Year's Day or Christmas Day on a weekend is replaced by its
 * substitute day). Rules: New Year's Day (substitute Monday); Good Friday
 * and Easter Monday; Early May (first Monday of May); Spring (last Monday of
 * May); Summer (last Monday of August); Christmas and Boxing Day with
 * substitutes (25 Dec Saturday → Mon 27 and Tue 28; Sunday → Mon 26 and Tue
 * 27; Friday → Boxing Day substitute Mon 28). One-off changes since 1978 are
 * applied from a table in the .c (1981, 1995, 1999, 2002, 2011, 2012, 2020,
 * 2022, 2023); future proclamations go into the configured table by hand.
 *
 * Writes at most cap entries to out (out may be NULL when cap is 0) and
 * returns how many the range has, like snprintf: a return above cap means
 * the table was cut short. Years outside DOMAIN_BANK_HOLIDAYS_YEAR_MIN..MAX
 * and an empty range give 0.
 */
size_t domain_bank_holidays_england_wales(int first_year, int last_year, int32_t *out, size_t cap);

/* A default bank holiday with its name as gov.uk gives it ("Easter Monday",
 * "Christmas Day (substitute day)"); the name is a static string. */
struct domain_bank_holiday {
	int32_t day;
	const char *name;
};

/* The same table with names, written and counted as above. */
size_t domain_bank_holidays_england_wales_named(int first_year, int last_year,
						struct domain_bank_holiday *out, size_t cap);
/* The name of the default bank holiday on day, or NULL when the default
 * table has none that day. */
const char *domain_bank_holiday_name(int32_t day);

/*
 * A deadline period: a count of calendar days, working days, weeks or
 * months. The concern clocks (DOMAIN.md "starts" column) are periods; the
 * configuration may change the count, never the unit.
 */
enum domain_period_unit {
	DOMAIN_PERIOD_DAYS,
	DOMAIN_PERIOD_WORKING_DAYS,
	DOMAIN_PERIOD_WEEKS,
	DOMAIN_PERIOD_MONTHS,
};

struct domain_period {
	enum domain_period_unit unit;
	int count;
};

/* start + period: weeks are 7 calendar days, months clamp at month end,
 * working days skip weekends and h. */
int32_t domain_period_add(int32_t start, struct domain_period p, const struct domain_holidays *h);
/* "days", "working days", "weeks", "months". */
const char *domain_period_unit_name(enum domain_period_unit unit);
/* "28 days", "5 working days", "12 weeks", "6 months" (singular for 1) into
 * buf; returns buf. 32 bytes are always enough. */
char *domain_period_describe(struct domain_period p, char *buf, size_t size);

/* Longest duration domain_duration_parse accepts, in days (about ten years). */
#define DOMAIN_DURATION_MAX_DAYS 3660

/* "14d" (days) or "2w" (weeks) into a number of calendar days: one or more
 * decimal digits, then 'd' or 'w', nothing else; 0 .. DOMAIN_DURATION_MAX_DAYS
 * days. 0, or -1 with *cause naming field. */
int domain_duration_parse(const char *field, const char *s, int *days, char **cause)
    __attribute__((warn_unused_result));

#endif
