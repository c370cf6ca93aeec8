/*
 * Civil-date arithmetic for deadlines. Day numbers count from 1970-01-01
 * with Howard Hinnant's days_from_civil / civil_from_days, which are exact
 * for the whole proleptic Gregorian calendar without tables or time zones
 * (mktime would drag in the process's TZ and DST). The bank-holiday
 * generator follows gov.uk's published rules plus the one-off changes by
 * royal proclamation, listed below so a reader can check them against
 * https://www.gov.uk/bank-holidays. Pure: no state, no I/O; safe from any
 * thread.
 */
#include "domain_dates.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static const char *const month_names[] = {"",	     "January",	 "February", "March",  "April",
					  "May",     "June",	 "July",     "August", "September",
					  "October", "November", "December"};

int domain_date_is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int domain_date_days_in_month(int year, int month)
{
	static const int days[] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && domain_date_is_leap_year(year))
		return 29;
	return days[month];
}

/* Hinnant's days_from_civil: eras of 400 years (146097 days) starting on
 * 1 March, so the leap day is the last day of the computational year. No
 * validation: callers check the date first. */
static int32_t days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + doe - 719468);
}

void domain_date_to_ymd(int32_t day, int *year, int *month, int *mday)
{
	int64_t z = (int64_t)day + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t d = doy - (153 * mp + 2) / 5 + 1;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	if (year != NULL)
		*year = (int)y;
	if (month != NULL)
		*month = (int)m;
	if (mday != NULL)
		*mday = (int)d;
}

int domain_date_from_ymd(const char *field, int year, int month, int day, int32_t *out,
			 char **cause)
{
	if (year < DOMAIN_DATE_YEAR_MIN || year > DOMAIN_DATE_YEAR_MAX) {
		set_cause(cause, "%s: year %d is outside %d to %d", field, year,
			  DOMAIN_DATE_YEAR_MIN, DOMAIN_DATE_YEAR_MAX);
		return -1;
	}
	if (month < 1 || month > 12) {
		set_cause(cause, "%s: month %d does not exist (01 to 12)", field, month);
		return -1;
	}
	if (day < 1 || day > domain_date_days_in_month(year, month)) {
		set_cause(cause, "%s: %d %s %d does not exist (%s %d has %d days)", field, day,
			  month_names[month], year, month_names[month], year,
			  domain_date_days_in_month(year, month));
		return -1;
	}
	*out = days_from_civil(year, month, day);
	return 0;
}

static int digits(const char *s, size_t n, int *value)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*value = v;
	return 0;
}

int domain_date_parse(const char *field, const char *s, int32_t *out, char **cause)
{
	int y, m, d;
	/* Exactly YYYY-MM-DD: "2026-2-3", " 2026-02-03" and "2026-02-03T00:00"
	 * are refused rather than guessed at, since a deadline is only as good
	 * as the date it starts from. */
	if (s == NULL || s[0] == '\0') {
		set_cause(cause, "%s: required (YYYY-MM-DD)", field);
		return -1;
	}
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || digits(s, 4, &y) != 0 ||
	    digits(s + 5, 2, &m) != 0 || digits(s + 8, 2, &d) != 0) {
		set_cause(cause, "%s: not a date of the form YYYY-MM-DD", field);
		return -1;
	}
	return domain_date_from_ymd(field, y, m, d, out, cause);
}

char *domain_date_format(int32_t day, char buf[DOMAIN_DATE_BUFSZ])
{
	int y, m, d;
	domain_date_to_ymd(day, &y, &m, &d);
	/* Years outside 0..9999 do not fit; they only arise from arithmetic far
	 * beyond any deadline, so clip rather than overflow the buffer. */
	if (y < 0 || y > 9999)
		snprintf(buf, DOMAIN_DATE_BUFSZ, "%s", y < 0 ? "0000-01-01" : "9999-12-31");
	else
		snprintf(buf, DOMAIN_DATE_BUFSZ, "%04d-%02d-%02d", y, m, d);
	return buf;
}

enum domain_weekday domain_date_weekday(int32_t day)
{
	/* Day 0 was a Thursday (ISO 4). */
	int64_t w = ((int64_t)day + 3) % 7;
	if (w < 0)
		w += 7;
	return (enum domain_weekday)(w + 1);
}

int32_t domain_date_add_days(int32_t day, int32_t n)
{
	return day + n;
}

int32_t domain_date_add_months(int32_t day, int n)
{
	int y, m, d;
	domain_date_to_ymd(day, &y, &m, &d);
	int total = y * 12 + (m - 1) + n;
	int ny = total >= 0 ? total / 12 : -((-total + 11) / 12);
	int nm = total - ny * 12 + 1;
	int last = domain_date_days_in_month(ny, nm);
	return days_from_civil(ny, nm, d < last ? d : last);
}

int domain_holidays_check(const struct domain_holidays *h, char **cause)
{
	char a[DOMAIN_DATE_BUFSZ], b[DOMAIN_DATE_BUFSZ];
	if (h == NULL || h->n == 0)
		return 0;
	if (h->days == NULL) {
		set_cause(cause, "bank holidays: %zu entries but no table", h->n);
		return -1;
	}
	for (size_t i = 1; i < h->n; i++) {
		if (h->days[i] <= h->days[i - 1]) {
			set_cause(cause,
				  "bank holidays: entry %zu (%s) is not after the one before it "
				  "(%s); the table must be in ascending order without repeats",
				  i + 1, domain_date_format(h->days[i], a),
				  domain_date_format(h->days[i - 1], b));
			return -1;
		}
	}
	return 0;
}

int domain_holidays_contains(const struct domain_holidays *h, int32_t day)
{
	if (h == NULL || h->n == 0)
		return 0;
	size_t lo = 0, hi = h->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (h->days[mid] < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < h->n && h->days[lo] == day;
}

int domain_date_is_working_day(int32_t day, const struct domain_holidays *h)
{
	return domain_date_weekday(day) <= DOMAIN_FRIDAY && !domain_holidays_contains(h, day);
}

int32_t domain_date_add_working_days(int32_t day, int n, const struct domain_holidays *h)
{
	int step = n < 0 ? -1 : 1;
	int left = n < 0 ? -n : n;
	while (left > 0) {
		day += step;
		if (domain_date_is_working_day(day, h))
			left--;
	}
	return day;
}

int domain_date_working_days_between(int32_t from, int32_t to, const struct domain_holidays *h)
{
	int n = 0;
	for (int32_t d = from + 1; d <= to; d++)
		n += domain_date_is_working_day(d, h);
	return n;
}

int32_t domain_date_easter_sunday(int year)
{
	int a = year % 19;
	int b = year / 100, c = year % 100;
	int d = b / 4, e = b % 4;
	int f = (b + 8) / 25;
	int g = (b - f + 1) / 3;
	int h = (19 * a + b - d - g + 15) % 30;
	int i = c / 4, k = c % 4;
	int l = (32 + 2 * e + 2 * i - h - k) % 7;
	int m = (a + 11 * h + 22 * l) / 451;
	int month = (h + l - 7 * m + 114) / 31;
	int day = (h + l - 7 * m + 114) % 31 + 1;
	return days_from_civil(year, month, day);
}

/* One-off changes by royal proclamation. A "moved" entry replaces the
 * regular holiday of that kind in that year; an "extra" entry is added. */
enum holiday_kind {
	HOLIDAY_EARLY_MAY,
	HOLIDAY_SPRING,
	HOLIDAY_EXTRA,
};

static const struct {
	int year, month, day;
	enum holiday_kind kind;
	const char *why;
	const char *name; /* as gov.uk names the day */
} one_offs[] = {
    {1981, 7, 29, HOLIDAY_EXTRA, "wedding of the Prince of Wales",
     "Royal wedding of the Prince of Wales"},
    {1995, 5, 8, HOLIDAY_EARLY_MAY, "moved from 1 May for the 50th anniversary of VE day",
     "Early May bank holiday (VE day)"},
    {1999, 12, 31, HOLIDAY_EXTRA, "millennium", "Millennium Eve"},
    {2002, 6, 3, HOLIDAY_EXTRA, "Golden Jubilee", "Golden Jubilee bank holiday"},
    {2002, 6, 4, HOLIDAY_SPRING, "moved from 27 May for the Golden Jubilee", "Spring bank holiday"},
    {2011, 4, 29, HOLIDAY_EXTRA, "royal wedding", "Royal wedding"},
    {2012, 6, 4, HOLIDAY_SPRING, "moved from 28 May for the Diamond Jubilee",
     "Spring bank holiday"},
    {2012, 6, 5, HOLIDAY_EXTRA, "Diamond Jubilee", "Queen's Diamond Jubilee"},
    {2020, 5, 8, HOLIDAY_EARLY_MAY, "moved from 4 May for the 75th anniversary of VE day",
     "Early May bank holiday (VE day)"},
    {2022, 6, 2, HOLIDAY_SPRING, "moved from 30 May for the Platinum Jubilee",
     "Spring bank holiday"},
    {2022, 6, 3, HOLIDAY_EXTRA, "Platinum Jubilee", "Platinum Jubilee bank holiday"},
    {2022, 9, 19, HOLIDAY_EXTRA, "state funeral of Queen Elizabeth II",
     "Bank Holiday for the State Funeral of Queen Elizabeth II"},
    {2023, 5, 8, HOLIDAY_EXTRA, "coronation of King Charles III",
     "Bank holiday for the coronation of King Charles III"},
};

/* The day of the one-off of kind in year (regular when there is none);
 * *name gets the one-off's name, or keeps the regular one. */
static int32_t one_off_or(int year, enum holiday_kind kind, int32_t regular, const char **name)
{
	for (size_t i = 0; i < sizeof one_offs / sizeof one_offs[0]; i++)
		if (one_offs[i].year == year && one_offs[i].kind == kind) {
			*name = one_offs[i].name;
			return days_from_civil(year, one_offs[i].month, one_offs[i].day);
		}
	return regular;
}

/* The first given weekday on or after day. */
static int32_t on_or_after(int32_t day, enum domain_weekday wd)
{
	return day + ((int)wd - (int)domain_date_weekday(day) + 7) % 7;
}

/* The last given weekday on or before day. */
static int32_t on_or_before(int32_t day, enum domain_weekday wd)
{
	return day - ((int)domain_date_weekday(day) - (int)wd + 7) % 7;
}

static int cmp_holiday(const void *a, const void *b)
{
	int32_t x = ((const struct domain_bank_holiday *)a)->day;
	int32_t y = ((const struct domain_bank_holiday *)b)->day;
	return (x > y) - (x < y);
}

/* One year's holidays with their names, ascending; returns the count. */
static size_t year_holidays(int year,
			    struct domain_bank_holiday out[DOMAIN_BANK_HOLIDAYS_PER_YEAR_MAX])
{
	size_t n = 0;
#define ADD(d, nm) (out[n].day = (d), out[n].name = (nm), n++)

	/* New Year's Day; a Saturday or Sunday gives the following Monday. */
	int32_t new_year = days_from_civil(year, 1, 1);
	if (domain_date_weekday(new_year) >= DOMAIN_SATURDAY)
		ADD(on_or_after(new_year, DOMAIN_MONDAY), "New Year's Day (substitute day)");
	else
		ADD(new_year, "New Year's Day");

	int32_t easter = domain_date_easter_sunday(year);
	ADD(easter - 2, "Good Friday");
	ADD(easter + 1, "Easter Monday");

	const char *name = "Early May bank holiday";
	int32_t d = one_off_or(year, HOLIDAY_EARLY_MAY,
			       on_or_after(days_from_civil(year, 5, 1), DOMAIN_MONDAY), &name);
	ADD(d, name);
	name = "Spring bank holiday";
	d = one_off_or(year, HOLIDAY_SPRING,
		       on_or_before(days_from_civil(year, 5, 31), DOMAIN_MONDAY), &name);
	ADD(d, name);
	ADD(on_or_before(days_from_civil(year, 8, 31), DOMAIN_MONDAY), "Summer bank holiday");

	/* Christmas and Boxing Day: each weekend day is made up by the next
	 * weekday not already a holiday (gov.uk's substitute days). */
	int32_t christmas = days_from_civil(year, 12, 25);
	switch (domain_date_weekday(christmas)) {
	case DOMAIN_FRIDAY: /* Boxing Day on Saturday → Monday 28 */
		ADD(christmas, "Christmas Day");
		ADD(christmas + 3, "Boxing Day (substitute day)");
		break;
	case DOMAIN_SATURDAY: /* → Monday 27 and Tuesday 28 */
		ADD(christmas + 2, "Christmas Day (substitute day)");
		ADD(christmas + 3, "Boxing Day (substitute day)");
		break;
	case DOMAIN_SUNDAY: /* Boxing Day Monday 26, Christmas substitute Tuesday 27 */
		ADD(christmas + 1, "Boxing Day");
		ADD(christmas + 2, "Christmas Day (substitute day)");
		break;
	default:
		ADD(christmas, "Christmas Day");
		ADD(christmas + 1, "Boxing Day");
		break;
	}

	for (size_t i = 0; i < sizeof one_offs / sizeof one_offs[0]; i++)
		if (one_offs[i].year == year && one_offs[i].kind == HOLIDAY_EXTRA)
			ADD(days_from_civil(year, one_offs[i].month, one_offs[i].day),
			    one_offs[i].name);
#undef ADD

	qsort(out, n, sizeof out[0], cmp_holiday);
	return n;
}

size_t domain_bank_holidays_england_wales_named(int first_year, int last_year,
						struct domain_bank_holiday *out, size_t cap)
{
	size_t total = 0;
	if (first_year < DOMAIN_BANK_HOLIDAYS_YEAR_MIN)
		first_year = DOMAIN_BANK_HOLIDAYS_YEAR_MIN;
	if (last_year > DOMAIN_BANK_HOLIDAYS_YEAR_MAX)
		last_year = DOMAIN_BANK_HOLIDAYS_YEAR_MAX;
	for (int y = first_year; y <= last_year; y++) {
		struct domain_bank_holiday one[DOMAIN_BANK_HOLIDAYS_PER_YEAR_MAX];
		size_t n = year_holidays(y, one);
		for (size_t i = 0; i < n; i++, total++)
			if (total < cap)
				out[total] = one[i];
	}
	return total;
}

const char *domain_bank_holiday_name(int32_t day)
{
	int year;
	domain_date_to_ymd(day, &year, NULL, NULL);
	if (year < DOMAIN_BANK_HOLIDAYS_YEAR_MIN || year > DOMAIN_BANK_HOLIDAYS_YEAR_MAX)
		return NULL;
	struct domain_bank_holiday one[DOMAIN_BANK_HOLIDAYS_PER_YEAR_MAX];
	size_t n = year_holidays(year, one);
	for (size_t i = 0; i < n; i++)
		if (one[i].day == day)
			return one[i].name;
	return NULL;
}

size_t domain_bank_holidays_england_wales(int first_year, int last_year, int32_t *out, size_t cap)
{
	size_t total = 0;
	if (first_year < DOMAIN_BANK_HOLIDAYS_YEAR_MIN)
		first_year = DOMAIN_BANK_HOLIDAYS_YEAR_MIN;
	if (last_year > DOMAIN_BANK_HOLIDAYS_YEAR_MAX)
		last_year = DOMAIN_BANK_HOLIDAYS_YEAR_MAX;
	for (int y = first_year; y <= last_year; y++) {
		struct domain_bank_holiday one[DOMAIN_BANK_HOLIDAYS_PER_YEAR_MAX];
		size_t n = year_holidays(y, one);
		for (size_t i = 0; i < n; i++, total++)
			if (total < cap)
				out[total] = one[i].day;
	}
	return total;
}

int32_t domain_period_add(int32_t start, struct domain_period p, const struct domain_holidays *h)
{
	switch (p.unit) {
	case DOMAIN_PERIOD_WORKING_DAYS:
		return domain_date_add_working_days(start, p.count, h);
	case DOMAIN_PERIOD_WEEKS:
		return start + 7 * p.count;
	case DOMAIN_PERIOD_MONTHS:
		return domain_date_add_months(start, p.count);
	case DOMAIN_PERIOD_DAYS:
	default:
		return start + p.count;
	}
}

const char *domain_period_unit_name(enum domain_period_unit unit)
{
	switch (unit) {
	case DOMAIN_PERIOD_WORKING_DAYS:
		return "working days";
	case DOMAIN_PERIOD_WEEKS:
		return "weeks";
	case DOMAIN_PERIOD_MONTHS:
		return "months";
	case DOMAIN_PERIOD_DAYS:
	default:
		return "days";
	}
}

char *domain_period_describe(struct domain_period p, char *buf, size_t size)
{
	const char *unit = domain_period_unit_name(p.unit);
	/* "1 working day": the plural minus its final 's'. */
	int len = (int)strlen(unit) - (p.count == 1 ? 1 : 0);
	snprintf(buf, size, "%d %.*s", p.count, len, unit);
	return buf;
}

int domain_duration_parse(const char *field, const char *s, int *days, char **cause)
{
	if (s == NULL || s[0] == '\0') {
		set_cause(cause, "%s: required (a number of days or weeks, e.g. 14d or 2w)", field);
		return -1;
	}
	size_t n = strspn(s, "0123456789");
	/* Five digits are more than the maximum allows; checking the length
	 * first keeps the arithmetic below from overflowing. */
	if (n == 0 || n > 5 || (s[n] != 'd' && s[n] != 'w') || s[n + 1] != '\0') {
		set_cause(cause, "%s: not a duration (a number then d or w, e.g. 14d or 2w)",
			  field);
		return -1;
	}
	int v = 0;
	(void)digits(s, n, &v);
	if (s[n] == 'w')
		v *= 7;
	if (v > DOMAIN_DURATION_MAX_DAYS) {
		set_cause(cause, "%s: at most %d days", field, DOMAIN_DURATION_MAX_DAYS);
		return -1;
	}
	*days = v;
	return 0;
}
