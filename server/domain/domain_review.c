/*
 * Annual contract review rules: names as tables, the review and indicator
 * set state machines, decimals parsed exactly into scaled integers, the
 * per-indicator and overall RAG, QOF bounds, the action plan and the
 * finalise check. Nothing here touches the database, the clock or the
 * network; the caller supplies content and "today", so every rule can be
 * tested on crafted content. Pure; no state; safe from any thread.
 *
 * The overall rule compares sum(score x weight) x ONE with threshold x
 * sum(weight) in 64-bit integers rather than dividing, so a mean of
 * exactly 1.5 is green and exactly 0.75 amber with no rounding anywhere.
 *
 * Messages name the item and the rule in words a contract manager can act
 * on; the finalise list names every gap at once, because a reviewer fixing
 * one gap per attempt would need thirty attempts.
 */
#include "domain_review.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

/* A growing sentence, for messages that list things. */
struct text {
	char *s;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *more = xvasprintf(fmt, ap);
	va_end(ap);
	char *joined = xasprintf("%s%s", t->s != NULL ? t->s : "", more);
	free(more);
	free(t->s);
	t->s = joined;
}

static int text_given(const char *s)
{
	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 1;
	return 0;
}

/*
 * A name as people write it, reduced to the form of the tables: lower
 * case, spaces and underscores as hyphens, one hyphen between words, and
 * "and" left out, so "Clinical and cost effectiveness", "partly met" and
 * "mid year" find clinical-cost-effectiveness, partly-met and mid-year.
 * 0, or -1 when s does not fit in out.
 */
static int norm_name(const char *s, char *out, size_t size)
{
	size_t n = 0;
	const char *p = s;
	while (*p != '\0') {
		while (*p == ' ' || *p == '_' || *p == '-' || *p == '\t')
			p++;
		const char *w = p;
		while (*p != '\0' && *p != ' ' && *p != '_' && *p != '-' && *p != '\t')
			p++;
		size_t len = (size_t)(p - w);
		if (len == 0 || (len == 3 && strncasecmp(w, "and", 3) == 0))
			continue;
		if (n + (n > 0) + len + 1 > size)
			return -1;
		if (n > 0)
			out[n++] = '-';
		for (size_t i = 0; i < len; i++)
			out[n++] = (char)tolower((unsigned char)w[i]);
	}
	out[n] = '\0';
	return 0;
}

/* 1 when a and b are the same name once normalised (norm_name). */
static int same_name(const char *a, const char *b)
{
	char na[80], nb[80];
	if (a == NULL || b == NULL || norm_name(a, na, sizeof na) < 0 ||
	    norm_name(b, nb, sizeof nb) < 0)
		return 0;
	return na[0] != '\0' && strcmp(na, nb) == 0;
}

/* The index of s in names (case-insensitive, spelling as norm_name allows;
 * NULL and "" entries never match), or -1. */
static int lookup(const char *s, const char *const names[], int n)
{
	if (s == NULL)
		return -1;
	for (int i = 0; i < n; i++)
		if (names[i] != NULL && names[i][0] != '\0' && same_name(s, names[i]))
			return i;
	return -1;
}

/* lookup, or -1 with "<field>: must be one of a, b, c" (or "a or b"). */
static int parse_name(const char *field, const char *s, const char *const names[], int n,
		      char **cause)
{
	int i = lookup(s, names, n);
	if (i >= 0 || cause == NULL)
		return i;
	int total = 0;
	for (int k = 0; k < n; k++)
		total += names[k] != NULL && names[k][0] != '\0';
	struct text t = {NULL};
	for (int k = 0, seen = 0; k < n; k++) {
		if (names[k] == NULL || names[k][0] == '\0')
			continue;
		seen++;
		text_add(&t, "%s%s", seen == 1 ? "" : (total == 2 ? " or " : ", "), names[k]);
	}
	set_cause(cause, "%s: must be %s%s", field, total == 2 ? "" : "one of ", t.s);
	free(t.s);
	return -1;
}

static const char *table_name(const char *const names[], int n, int i)
{
	return i >= 0 && i < n ? names[i] : "?";
}

#define NAME(table, i) table_name(table, (int)(sizeof table / sizeof table[0]), (int)(i))
#define PARSE(field, s, table, cause)                                                              \
	parse_name(field, s, table, (int)(sizeof table / sizeof table[0]), cause)

static const char *const check_names[] = {"OK", "INVALID_ARGUMENT", "FAILED_PRECONDITION"};

const char *domain_review_check_name(enum review_check c)
{
	return NAME(check_names, c);
}

/* ---- decimals ---------------------------------------------------------------- */

int domain_review_decimal_parse(const char *field, const char *s, int64_t *out, char **cause)
{
	if (s == NULL || s[0] == '\0') {
		set_cause(cause, "%s: required (a number such as 72.5)", field);
		return -1;
	}
	const char *p = s;
	int negative = *p == '-';
	if (negative)
		p++;
	const int64_t whole_max = REVIEW_DECIMAL_MAX / REVIEW_DECIMAL_ONE;
	int64_t whole = 0;
	int digits = 0, too_big = 0;
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (whole <= whole_max)
			whole = whole * 10 + (*p - '0');
		if (whole > whole_max)
			too_big = 1;
	}
	int64_t frac = 0;
	int places = 0;
	if (digits > 0 && *p == '.') {
		p++;
		for (; *p >= '0' && *p <= '9'; p++, places++)
			if (places < REVIEW_DECIMAL_PLACES)
				frac = frac * 10 + (*p - '0');
		if (places == 0)
			digits = 0; /* "5." */
	}
	if (digits == 0 || *p != '\0') {
		set_cause(cause,
			  "%s: not a number; write digits with an optional minus sign and "
			  "decimal point, e.g. 72.5 or -3",
			  field);
		return -1;
	}
	if (places > REVIEW_DECIMAL_PLACES) {
		set_cause(cause, "%s: at most %d decimal places", field, REVIEW_DECIMAL_PLACES);
		return -1;
	}
	for (int i = places; i < REVIEW_DECIMAL_PLACES; i++)
		frac *= 10;
	int64_t v = too_big ? REVIEW_DECIMAL_MAX + 1 : whole * REVIEW_DECIMAL_ONE + frac;
	if (v > REVIEW_DECIMAL_MAX) {
		set_cause(cause, "%s: must be between -%lld and %lld", field, (long long)whole_max,
			  (long long)whole_max);
		return -1;
	}
	*out = negative ? -v : v;
	return 0;
}

char *domain_review_decimal_format(int64_t v, char buf[REVIEW_DECIMAL_BUFSZ])
{
	uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
	uint64_t whole = a / (uint64_t)REVIEW_DECIMAL_ONE;
	unsigned frac = (unsigned)(a % (uint64_t)REVIEW_DECIMAL_ONE);
	if (frac == 0) {
		snprintf(buf, REVIEW_DECIMAL_BUFSZ, "%s%llu", v < 0 ? "-" : "",
			 (unsigned long long)whole);
		return buf;
	}
	int places = REVIEW_DECIMAL_PLACES;
	while (frac % 10 == 0) {
		frac /= 10;
		places--;
	}
	snprintf(buf, REVIEW_DECIMAL_BUFSZ, "%s%llu.%0*u", v < 0 ? "-" : "",
		 (unsigned long long)whole, places, frac);
	return buf;
}

/* Two places, rounded down, for means on the 0..2 scale (never negative). */
static char *format_mean(int64_t v, char buf[REVIEW_DECIMAL_BUFSZ])
{
	int64_t hundredths = v / (REVIEW_DECIMAL_ONE / 100);
	snprintf(buf, REVIEW_DECIMAL_BUFSZ, "%lld.%02lld", (long long)(hundredths / 100),
		 (long long)(hundredths % 100));
	return buf;
}

/* ---- review year --------------------------------------------------------------- */

int domain_review_year_parse(const char *s, int *year, char **cause)
{
	if (s == NULL || s[0] == '\0') {
		set_cause(cause, "review year: required, e.g. 2009/10");
		return -1;
	}
	int ok = strlen(s) == 7 && s[4] == '/';
	for (int i = 0; ok && i < 7; i++)
		if (i != 4 && (s[i] < '0' || s[i] > '9'))
			ok = 0;
	if (!ok) {
		set_cause(cause, "review year: not of the form YYYY/YY, e.g. 2009/10");
		return -1;
	}
	int first = atoi(s), second = atoi(s + 5);
	if (first < REVIEW_YEAR_MIN || first > REVIEW_YEAR_MAX) {
		set_cause(cause, "review year: must start in %d to %d, got %d", REVIEW_YEAR_MIN,
			  REVIEW_YEAR_MAX, first);
		return -1;
	}
	if (second != (first + 1) % 100) {
		set_cause(cause,
			  "review year: a review year runs 1 April to 31 March, so %d is "
			  "written %d/%02d",
			  first, first, (first + 1) % 100);
		return -1;
	}
	*year = first;
	return 0;
}

static int year_valid(int year)
{
	return year >= REVIEW_YEAR_MIN && year <= REVIEW_YEAR_MAX;
}

char *domain_review_year_format(int year, char buf[REVIEW_YEAR_BUFSZ])
{
	if (!year_valid(year))
		snprintf(buf, REVIEW_YEAR_BUFSZ, "?");
	else
		snprintf(buf, REVIEW_YEAR_BUFSZ, "%04u/%02u", (unsigned)year % 10000u,
			 (unsigned)(year + 1) % 100u);
	return buf;
}

int32_t domain_review_year_start(int year)
{
	int32_t d;
	if (!year_valid(year) || domain_date_from_ymd("review year", year, 4, 1, &d, NULL) != 0)
		return DOMAIN_DATE_NONE;
	return d;
}

int32_t domain_review_year_end(int year)
{
	int32_t d;
	if (!year_valid(year) ||
	    domain_date_from_ymd("review year", year + 1, 3, 31, &d, NULL) != 0)
		return DOMAIN_DATE_NONE;
	return d;
}

int domain_review_year_of(int32_t day)
{
	int y, m;
	domain_date_to_ymd(day, &y, &m, NULL);
	return m >= 4 ? y : y - 1;
}

/* ---- kinds, visits, states --------------------------------------------------- */

static const char *const kind_names[REVIEW_KIND__COUNT] = {
    [REVIEW_KIND_ANNUAL] = "annual",
    [REVIEW_KIND_MID_YEAR] = "mid-year",
};

const char *domain_review_kind_name(enum review_kind k)
{
	return NAME(kind_names, k);
}

int domain_review_kind_parse(const char *s, char **cause)
{
	return PARSE("review kind", s, kind_names, cause);
}

static const char *const visit_names[REVIEW_VISIT__COUNT] = {
    [REVIEW_VISIT_DESKTOP] = "desktop",
    [REVIEW_VISIT_STANDARD] = "standard",
    [REVIEW_VISIT_FULL] = "full",
};

static const char *const visit_titles[REVIEW_VISIT__COUNT] = {
    [REVIEW_VISIT_DESKTOP] = "desktop review with a light-touch visit",
    [REVIEW_VISIT_STANDARD] = "standard annual visit",
    [REVIEW_VISIT_FULL] = "full contract visit",
};

const char *domain_review_visit_name(enum review_visit v)
{
	return NAME(visit_names, v);
}

const char *domain_review_visit_title(enum review_visit v)
{
	return NAME(visit_titles, v);
}

int domain_review_visit_parse(const char *s, char **cause)
{
	return PARSE("visit type", s, visit_names, cause);
}

static const char *const state_names[REVIEW_STATE__COUNT] = {
    [REVIEW_STATE_SCHEDULED] = "scheduled",
    [REVIEW_STATE_VISITED] = "visited",
    [REVIEW_STATE_DRAFT] = "draft",
    [REVIEW_STATE_FINALISED] = "finalised",
};

const char *domain_review_state_name(enum review_state s)
{
	return NAME(state_names, s);
}

int domain_review_state_parse(const char *s, char **cause)
{
	return PARSE("review state", s, state_names, cause);
}

int domain_review_state_can_move(enum review_state from, enum review_state to)
{
	return (from == REVIEW_STATE_SCHEDULED && to == REVIEW_STATE_VISITED) ||
	       (from == REVIEW_STATE_VISITED && to == REVIEW_STATE_DRAFT) ||
	       (from == REVIEW_STATE_VISITED && to == REVIEW_STATE_FINALISED) ||
	       (from == REVIEW_STATE_DRAFT && to == REVIEW_STATE_FINALISED);
}

enum review_check domain_review_check_visit(enum review_state state, int32_t visit_date,
					    int32_t today, char **cause)
{
	if (state != REVIEW_STATE_SCHEDULED) {
		set_cause(cause,
			  "visit: the review is %s and its visit is already recorded; only a "
			  "scheduled review's visit is recorded",
			  domain_review_state_name(state));
		return REVIEW_FAILED_PRECONDITION;
	}
	if (visit_date == DOMAIN_DATE_NONE) {
		set_cause(cause, "visit date: required");
		return REVIEW_INVALID_ARGUMENT;
	}
	if (visit_date > today) {
		char a[DOMAIN_DATE_BUFSZ], b[DOMAIN_DATE_BUFSZ];
		set_cause(cause,
			  "visit date: %s is after today (%s); a visit is recorded once it has "
			  "taken place",
			  domain_date_format(visit_date, a), domain_date_format(today, b));
		return REVIEW_INVALID_ARGUMENT;
	}
	return REVIEW_OK;
}

enum review_check domain_review_check_edit(enum review_state state, const char *amendment_reason,
					   enum review_state *next, char **cause)
{
	int amending = text_given(amendment_reason);
	switch (state) {
	case REVIEW_STATE_SCHEDULED:
	case REVIEW_STATE_VISITED:
	case REVIEW_STATE_DRAFT:
		if (amending) {
			set_cause(cause,
				  "amendment reason: only a finalised review is amended; this "
				  "review is %s, so edit it without one",
				  domain_review_state_name(state));
			return REVIEW_INVALID_ARGUMENT;
		}
		*next = state == REVIEW_STATE_VISITED ? REVIEW_STATE_DRAFT : state;
		return REVIEW_OK;
	case REVIEW_STATE_FINALISED:
		if (!amending) {
			set_cause(cause, "the review is finalised and read-only; a correction is a "
					 "recorded amendment with a reason");
			return REVIEW_FAILED_PRECONDITION;
		}
		*next = REVIEW_STATE_FINALISED;
		return REVIEW_OK;
	default:
		set_cause(cause, "review state: not a state a review can be in");
		return REVIEW_FAILED_PRECONDITION;
	}
}

/* ---- RAG ----------------------------------------------------------------------- */

static const char *const rag_names[REVIEW_RAG__COUNT] = {
    [REVIEW_RAG_NONE] = "",
    [REVIEW_RAG_RED] = "red",
    [REVIEW_RAG_AMBER] = "amber",
    [REVIEW_RAG_GREEN] = "green",
};

const char *domain_review_rag_name(enum review_rag r)
{
	return NAME(rag_names, r);
}

int domain_review_rag_parse(const char *s, char **cause)
{
	return PARSE("RAG", s, rag_names, cause);
}

int domain_review_rag_score(enum review_rag r)
{
	switch (r) {
	case REVIEW_RAG_GREEN:
		return 2;
	case REVIEW_RAG_AMBER:
		return 1;
	default:
		return 0;
	}
}

/* ---- indicators and sets -------------------------------------------------------- */

static int check_code(const char *field, const char *code, size_t max, char **cause)
{
	if (code == NULL || code[0] == '\0') {
		set_cause(cause, "%s: required", field);
		return -1;
	}
	size_t n = strlen(code);
	if (n > max) {
		set_cause(cause, "%s: at most %zu characters, got %zu", field, max, n);
		return -1;
	}
	if (code[0] < 'A' || code[0] > 'Z') {
		set_cause(cause, "%s: must start with a capital letter A-Z%s", field,
			  code[0] >= 'a' && code[0] <= 'z' ? " (codes are upper case)" : "");
		return -1;
	}
	for (size_t i = 1; i < n; i++) {
		char c = code[i];
		if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
		    c == '-')
			continue;
		set_cause(cause,
			  "%s: character %zu may only be a capital letter, a digit, '_', '.' or "
			  "'-'%s",
			  field, i + 1, c >= 'a' && c <= 'z' ? " (codes are upper case)" : "");
		return -1;
	}
	return 0;
}

int domain_review_check_indicator_code(const char *code, char **cause)
{
	return check_code("indicator code", code, REVIEW_INDICATOR_CODE_MAX, cause);
}

int domain_review_check_requirement_code(const char *code, char **cause)
{
	return check_code("requirement code", code, REVIEW_REQUIREMENT_CODE_MAX, cause);
}

static const char *const direction_names[INDICATOR_DIRECTION__COUNT] = {
    [INDICATOR_HIGHER_IS_BETTER] = "higher",
    [INDICATOR_LOWER_IS_BETTER] = "lower",
};

const char *domain_review_direction_name(enum indicator_direction d)
{
	return NAME(direction_names, d);
}

int domain_review_direction_parse(const char *s, char **cause)
{
	return PARSE("direction", s, direction_names, cause);
}

static const char *const indicator_domain_names[INDICATOR_DOMAIN__COUNT] = {
    [INDICATOR_DOMAIN_QOF] = "qof",
    [INDICATOR_DOMAIN_ACCESS] = "access",
    [INDICATOR_DOMAIN_PATIENT_EXPERIENCE] = "patient-experience",
    [INDICATOR_DOMAIN_PRESCRIBING] = "prescribing",
    [INDICATOR_DOMAIN_PUBLIC_HEALTH] = "public-health",
    [INDICATOR_DOMAIN_CONTRACTUAL] = "contractual",
    [INDICATOR_DOMAIN_REFERRALS] = "referrals",
    [INDICATOR_DOMAIN_WORKFORCE] = "workforce",
};

static const char *const indicator_domain_titles[INDICATOR_DOMAIN__COUNT] = {
    [INDICATOR_DOMAIN_QOF] = "QOF",
    [INDICATOR_DOMAIN_ACCESS] = "Access",
    [INDICATOR_DOMAIN_PATIENT_EXPERIENCE] = "Patient experience",
    [INDICATOR_DOMAIN_PRESCRIBING] = "Prescribing",
    [INDICATOR_DOMAIN_PUBLIC_HEALTH] = "Public health",
    [INDICATOR_DOMAIN_CONTRACTUAL] = "Contractual",
    [INDICATOR_DOMAIN_REFERRALS] = "Referrals and use of secondary care",
    [INDICATOR_DOMAIN_WORKFORCE] = "Workforce",
};

const char *domain_review_indicator_domain_name(enum indicator_domain d)
{
	return NAME(indicator_domain_names, d);
}

const char *domain_review_indicator_domain_title(enum indicator_domain d)
{
	return NAME(indicator_domain_titles, d);
}

int domain_review_indicator_domain_parse(const char *s, char **cause)
{
	return PARSE("indicator domain", s, indicator_domain_names, cause);
}

int domain_review_indicator_check(const struct review_indicator *ind, char **cause)
{
	if (domain_review_check_indicator_code(ind->code, cause) != 0)
		return -1;
	const char *code = ind->code;
	if ((int)ind->domain < 0 || ind->domain >= INDICATOR_DOMAIN__COUNT) {
		set_cause(cause, "indicator %s: not in a known domain", code);
		return -1;
	}
	if ((int)ind->direction < 0 || ind->direction >= INDICATOR_DIRECTION__COUNT) {
		set_cause(cause, "indicator %s: direction must be higher or lower", code);
		return -1;
	}
	if (ind->green < -REVIEW_DECIMAL_MAX || ind->green > REVIEW_DECIMAL_MAX ||
	    ind->amber < -REVIEW_DECIMAL_MAX || ind->amber > REVIEW_DECIMAL_MAX) {
		set_cause(cause, "indicator %s: thresholds must be between -%lld and %lld", code,
			  (long long)(REVIEW_DECIMAL_MAX / REVIEW_DECIMAL_ONE),
			  (long long)(REVIEW_DECIMAL_MAX / REVIEW_DECIMAL_ONE));
		return -1;
	}
	char g[REVIEW_DECIMAL_BUFSZ], a[REVIEW_DECIMAL_BUFSZ];
	if (ind->direction == INDICATOR_HIGHER_IS_BETTER && ind->green < ind->amber) {
		set_cause(cause,
			  "indicator %s: higher is better, so the green threshold (%s) must be at "
			  "or above the amber threshold (%s)",
			  code, domain_review_decimal_format(ind->green, g),
			  domain_review_decimal_format(ind->amber, a));
		return -1;
	}
	if (ind->direction == INDICATOR_LOWER_IS_BETTER && ind->green > ind->amber) {
		set_cause(cause,
			  "indicator %s: lower is better, so the green threshold (%s) must be at "
			  "or below the amber threshold (%s)",
			  code, domain_review_decimal_format(ind->green, g),
			  domain_review_decimal_format(ind->amber, a));
		return -1;
	}
	if (ind->weight <= 0 || ind->weight > REVIEW_WEIGHT_MAX) {
		set_cause(cause, "indicator %s: weight must be above 0 and at most %lld", code,
			  (long long)(REVIEW_WEIGHT_MAX / REVIEW_DECIMAL_ONE));
		return -1;
	}
	return 0;
}

enum review_rag domain_review_indicator_rag(const struct review_indicator *ind, int64_t value)
{
	if (ind->direction == INDICATOR_LOWER_IS_BETTER) {
		if (value <= ind->green)
			return REVIEW_RAG_GREEN;
		if (value <= ind->amber)
			return REVIEW_RAG_AMBER;
		return REVIEW_RAG_RED;
	}
	if (value >= ind->green)
		return REVIEW_RAG_GREEN;
	if (value >= ind->amber)
		return REVIEW_RAG_AMBER;
	return REVIEW_RAG_RED;
}

char *domain_review_indicator_bands(const struct review_indicator *ind, char *buf, size_t size)
{
	char g[REVIEW_DECIMAL_BUFSZ], a[REVIEW_DECIMAL_BUFSZ];
	const char *side = ind->direction == INDICATOR_LOWER_IS_BETTER ? "or less" : "or more";
	domain_review_decimal_format(ind->green, g);
	domain_review_decimal_format(ind->amber, a);
	if (ind->green == ind->amber)
		snprintf(buf, size, "green %s %s, otherwise red (no amber band)", g, side);
	else
		snprintf(buf, size, "green %s %s, amber %s %s, otherwise red", g, side, a, side);
	return buf;
}

int domain_review_rule_check(const struct review_rule *rule, char **cause)
{
	const int64_t two = 2 * REVIEW_DECIMAL_ONE, place = REVIEW_DECIMAL_ONE / 100;
	char g[REVIEW_DECIMAL_BUFSZ], r[REVIEW_DECIMAL_BUFSZ];
	if (rule->red_mean < 0) {
		set_cause(cause, "overall rule: the red mean must be 0 or more");
		return -1;
	}
	if (rule->green_mean > two) {
		set_cause(cause, "overall rule: the green mean must be at most 2 (every indicator "
				 "green)");
		return -1;
	}
	if (rule->red_mean % place != 0 || rule->green_mean % place != 0) {
		set_cause(cause, "overall rule: the means have at most 2 decimal places");
		return -1;
	}
	if (rule->red_mean >= rule->green_mean) {
		set_cause(cause,
			  "overall rule: the red mean (%s) must be below the green mean (%s)",
			  domain_review_decimal_format(rule->red_mean, r),
			  domain_review_decimal_format(rule->green_mean, g));
		return -1;
	}
	return 0;
}

static const char *const set_state_names[INDICATOR_SET__COUNT] = {
    [INDICATOR_SET_DRAFT] = "draft",
    [INDICATOR_SET_CONSULTATION] = "consultation",
    [INDICATOR_SET_PUBLISHED] = "published",
};

const char *domain_review_set_state_name(enum indicator_set_state s)
{
	return NAME(set_state_names, s);
}

int domain_review_set_state_parse(const char *s, char **cause)
{
	return PARSE("indicator set state", s, set_state_names, cause);
}

int domain_review_set_check_move(enum indicator_set_state from, enum indicator_set_state to,
				 char **cause)
{
	if ((from == INDICATOR_SET_DRAFT &&
	     (to == INDICATOR_SET_CONSULTATION || to == INDICATOR_SET_PUBLISHED)) ||
	    (from == INDICATOR_SET_CONSULTATION &&
	     (to == INDICATOR_SET_DRAFT || to == INDICATOR_SET_PUBLISHED)))
		return 0;
	if (from == INDICATOR_SET_PUBLISHED) {
		set_cause(cause, "indicator set: published and frozen; publish a new set instead");
		return -1;
	}
	set_cause(cause,
		  "indicator set: cannot move from %s to %s (draft -> consultation -> "
		  "published, draft -> published without a consultation, or back to draft "
		  "from consultation)",
		  domain_review_set_state_name(from), domain_review_set_state_name(to));
	return -1;
}

int domain_review_set_check_edit(enum indicator_set_state state, char **cause)
{
	if (state == INDICATOR_SET_DRAFT || state == INDICATOR_SET_CONSULTATION)
		return 0;
	set_cause(cause, "indicator set: published and frozen; its indicators and rule no longer "
			 "change");
	return -1;
}

int domain_review_set_check_complete(const struct review_rule *rule,
				     const struct review_indicator *ind, size_t n, char **cause)
{
	if (n == 0) {
		set_cause(cause, "indicator set: has no indicators");
		return -1;
	}
	if (n > REVIEW_SET_INDICATORS_MAX) {
		set_cause(cause, "indicator set: at most %d indicators, has %zu",
			  REVIEW_SET_INDICATORS_MAX, n);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (domain_review_indicator_check(&ind[i], cause) != 0)
			return -1;
		for (size_t j = 0; j < i; j++) {
			if (strcmp(ind[i].code, ind[j].code) == 0) {
				set_cause(cause, "indicator set: code %s is used twice",
					  ind[i].code);
				return -1;
			}
		}
	}
	return domain_review_rule_check(rule, cause);
}

enum review_rag domain_review_entry_rag(const struct review_indicator_entry *e)
{
	if (e->ind == NULL || e->state != REVIEW_VALUE_GIVEN)
		return REVIEW_RAG_NONE;
	return domain_review_indicator_rag(e->ind, e->value);
}

/* ---- contractual requirements and Standards for Better Health ------------------ */

static const char *const requirement_names[REQUIREMENT__COUNT] = {
    [REQUIREMENT_UNANSWERED] = "",	  [REQUIREMENT_MET] = "met",
    [REQUIREMENT_PARTLY] = "partly",	  [REQUIREMENT_NOT_MET] = "not-met",
    [REQUIREMENT_NOT_APPLICABLE] = "n/a",
};

static const char *const requirement_words[REQUIREMENT__COUNT] = {
    [REQUIREMENT_UNANSWERED] = "not answered",
    [REQUIREMENT_MET] = "met",
    [REQUIREMENT_PARTLY] = "partly met",
    [REQUIREMENT_NOT_MET] = "not met",
    [REQUIREMENT_NOT_APPLICABLE] = "not applicable",
};

const char *domain_review_requirement_result_name(enum requirement_result r)
{
	return NAME(requirement_names, r);
}

const char *domain_review_requirement_result_words(enum requirement_result r)
{
	return NAME(requirement_words, r);
}

int domain_review_requirement_result_parse(const char *s, char **cause)
{
	if (same_name(s, "partly-met"))
		return REQUIREMENT_PARTLY;
	if (same_name(s, "not-applicable"))
		return REQUIREMENT_NOT_APPLICABLE;
	return PARSE("requirement result", s, requirement_names, cause);
}

static const char *const sfbh_names[SFBH_DOMAIN__COUNT] = {
    [SFBH_SAFETY] = "safety",
    [SFBH_CLINICAL_COST_EFFECTIVENESS] = "clinical-cost-effectiveness",
    [SFBH_GOVERNANCE] = "governance",
    [SFBH_PATIENT_FOCUS] = "patient-focus",
    [SFBH_ACCESSIBLE_RESPONSIVE_CARE] = "accessible-responsive-care",
    [SFBH_CARE_ENVIRONMENT_AMENITIES] = "care-environment-amenities",
    [SFBH_PUBLIC_HEALTH] = "public-health",
};

static const char *const sfbh_titles[SFBH_DOMAIN__COUNT] = {
    [SFBH_SAFETY] = "Safety",
    [SFBH_CLINICAL_COST_EFFECTIVENESS] = "Clinical and cost effectiveness",
    [SFBH_GOVERNANCE] = "Governance",
    [SFBH_PATIENT_FOCUS] = "Patient focus",
    [SFBH_ACCESSIBLE_RESPONSIVE_CARE] = "Accessible and responsive care",
    [SFBH_CARE_ENVIRONMENT_AMENITIES] = "Care environment and amenities",
    [SFBH_PUBLIC_HEALTH] = "Public health",
};

const char *domain_review_sfbh_domain_name(enum sfbh_domain d)
{
	return NAME(sfbh_names, d);
}

const char *domain_review_sfbh_domain_title(enum sfbh_domain d)
{
	return NAME(sfbh_titles, d);
}

int domain_review_sfbh_domain_parse(const char *s, char **cause)
{
	return PARSE("SfBH domain", s, sfbh_names, cause);
}

static const char *const sfbh_result_names[SFBH_RESULT__COUNT] = {
    [SFBH_UNANSWERED] = "",
    [SFBH_COMPLIANT] = "compliant",
    [SFBH_PARTLY] = "partly",
    [SFBH_NOT_COMPLIANT] = "not-compliant",
};

static const char *const sfbh_result_words[SFBH_RESULT__COUNT] = {
    [SFBH_UNANSWERED] = "not answered",
    [SFBH_COMPLIANT] = "compliant",
    [SFBH_PARTLY] = "partly compliant",
    [SFBH_NOT_COMPLIANT] = "not compliant",
};

const char *domain_review_sfbh_result_name(enum sfbh_result r)
{
	return NAME(sfbh_result_names, r);
}

const char *domain_review_sfbh_result_words(enum sfbh_result r)
{
	return NAME(sfbh_result_words, r);
}

int domain_review_sfbh_result_parse(const char *s, char **cause)
{
	if (same_name(s, "partly-compliant"))
		return SFBH_PARTLY;
	return PARSE("SfBH result", s, sfbh_result_names, cause);
}

int domain_review_check_requirement_answer(enum requirement_result r, const char *evidence,
					   char **cause)
{
	if ((int)r <= REQUIREMENT_UNANSWERED || r >= REQUIREMENT__COUNT) {
		set_cause(cause, "requirement result: required (met, partly, not-met or n/a)");
		return -1;
	}
	if (r != REQUIREMENT_NOT_APPLICABLE && !text_given(evidence)) {
		set_cause(cause, "evidence: required for a requirement %s (what was seen or shown)",
			  requirement_words[r]);
		return -1;
	}
	return 0;
}

int domain_review_check_sfbh_answer(enum sfbh_result r, const char *evidence, char **cause)
{
	if ((int)r <= SFBH_UNANSWERED || r >= SFBH_RESULT__COUNT) {
		set_cause(cause, "SfBH result: required (compliant, partly or not-compliant)");
		return -1;
	}
	if (!text_given(evidence)) {
		set_cause(cause, "evidence: required for a domain %s (what was seen or shown)",
			  sfbh_result_words[r]);
		return -1;
	}
	return 0;
}

/* ---- the overall result ----------------------------------------------------------- */

static const struct review_rule rule_default = REVIEW_RULE_DEFAULT;

/* "A", "A, B" ... from the codes of entries the filter picks. */
static char *code_list(const char *const *codes, size_t n)
{
	struct text t = {NULL};
	for (size_t i = 0; i < n; i++)
		text_add(&t, "%s%s", i == 0 ? "" : ", ", codes[i]);
	return t.s != NULL ? t.s : xstrdup("");
}

static char *explain(const struct review_rule *rule, const struct review_overall *o,
		     const char *const *critical, const char *const *not_met)
{
	struct text t = {NULL};
	char m[REVIEW_DECIMAL_BUFSZ], g[REVIEW_DECIMAL_BUFSZ], r[REVIEW_DECIMAL_BUFSZ];
	if (o->n_scored == 0) {
		if (o->n_indicators == 0)
			text_add(&t, "the indicator set has no indicators");
		else
			text_add(&t,
				 "no indicator has a value (%zu not available, %zu without a "
				 "value)",
				 o->n_not_available, o->n_missing);
		text_add(&t, ", so there is no weighted mean and no computed result; a reviewer "
			     "may give one by override with a reason");
		return t.s;
	}
	text_add(&t, "weighted mean %s over %zu of %zu indicators", format_mean(o->mean, m),
		 o->n_scored, o->n_indicators);
	if (o->n_not_available > 0 && o->n_missing > 0)
		text_add(&t, " (%zu not available, %zu without a value)", o->n_not_available,
			 o->n_missing);
	else if (o->n_not_available > 0)
		text_add(&t, " (%zu not available)", o->n_not_available);
	else if (o->n_missing > 0)
		text_add(&t, " (%zu without a value)", o->n_missing);
	text_add(&t, ": %s (green at %s or more, red below %s)", domain_review_rag_name(o->by_mean),
		 format_mean(rule->green_mean, g), format_mean(rule->red_mean, r));
	if (o->n_critical_red > 0) {
		char *list = code_list(critical, o->n_critical_red);
		text_add(&t, "; %s: critical indicator%s %s %s red",
			 o->by_mean == REVIEW_RAG_RED ? "red as well" : "red",
			 o->n_critical_red == 1 ? "" : "s", list,
			 o->n_critical_red == 1 ? "is" : "are");
		free(list);
	} else if (o->by_mean == REVIEW_RAG_GREEN && o->n_requirements_not_met > 0) {
		char *list = code_list(not_met, o->n_requirements_not_met);
		text_add(&t, "; capped at amber: requirement%s %s not met",
			 o->n_requirements_not_met == 1 ? "" : "s", list);
		free(list);
	}
	return t.s;
}

enum review_rag domain_review_overall(const struct review_rule *rule,
				      const struct review_indicator_entry *ind, size_t n_ind,
				      const struct review_requirement_entry *req, size_t n_req,
				      struct review_overall *out, char **explanation)
{
	if (rule == NULL)
		rule = &rule_default;
	struct review_overall o = {.rag = REVIEW_RAG_NONE, .by_mean = REVIEW_RAG_NONE, .mean = -1};
	const char **critical = xcalloc(n_ind + 1, sizeof *critical);
	const char **not_met = xcalloc(n_req + 1, sizeof *not_met);
	int64_t sum = 0, weights = 0; /* sum of score x weight; sum of weights */

	o.n_indicators = n_ind;
	for (size_t i = 0; i < n_ind; i++) {
		const struct review_indicator_entry *e = &ind[i];
		if (e->ind == NULL || e->state == REVIEW_VALUE_MISSING) {
			o.n_missing++;
			continue;
		}
		if (e->state == REVIEW_VALUE_NOT_AVAILABLE) {
			o.n_not_available++;
			continue;
		}
		enum review_rag rag = domain_review_indicator_rag(e->ind, e->value);
		sum += domain_review_rag_score(rag) * e->ind->weight;
		weights += e->ind->weight;
		o.n_scored++;
		if (e->ind->critical && rag == REVIEW_RAG_RED)
			critical[o.n_critical_red++] = e->ind->code;
	}
	for (size_t i = 0; i < n_req; i++)
		if (req[i].result == REQUIREMENT_NOT_MET)
			not_met[o.n_requirements_not_met++] = req[i].code;

	if (o.n_scored > 0 && weights > 0) {
		/* mean >= threshold  <=>  sum / weights >= t / ONE  <=>
		 * sum x ONE >= t x weights, all exact in int64_t. */
		o.mean = sum * REVIEW_DECIMAL_ONE / weights;
		if (sum * REVIEW_DECIMAL_ONE >= rule->green_mean * weights)
			o.by_mean = REVIEW_RAG_GREEN;
		else if (sum * REVIEW_DECIMAL_ONE < rule->red_mean * weights)
			o.by_mean = REVIEW_RAG_RED;
		else
			o.by_mean = REVIEW_RAG_AMBER;
		o.rag = o.by_mean;
		if (o.n_critical_red > 0)
			o.rag = REVIEW_RAG_RED;
		else if (o.n_requirements_not_met > 0 && o.rag == REVIEW_RAG_GREEN)
			o.rag = REVIEW_RAG_AMBER;
	} else {
		o.n_scored = 0;
	}
	if (explanation != NULL)
		*explanation = explain(rule, &o, critical, not_met);
	free(critical);
	free(not_met);
	if (out != NULL)
		*out = o;
	return o.rag;
}

int domain_review_check_override(enum review_rag rag, const char *reason, char **cause)
{
	if (rag != REVIEW_RAG_RED && rag != REVIEW_RAG_AMBER && rag != REVIEW_RAG_GREEN) {
		set_cause(cause, "override: must be red, amber or green");
		return -1;
	}
	if (!text_given(reason)) {
		set_cause(cause, "override reason: required; an override of the overall result is "
				 "recorded with its reason");
		return -1;
	}
	return 0;
}

enum review_rag domain_review_rag_effective(enum review_rag computed, enum review_rag override)
{
	if (override == REVIEW_RAG_RED || override == REVIEW_RAG_AMBER ||
	    override == REVIEW_RAG_GREEN)
		return override;
	return computed;
}

enum review_visit domain_review_next_visit(enum review_rag final_rag, int *mid_year_follow_up)
{
	if (mid_year_follow_up != NULL)
		*mid_year_follow_up = final_rag == REVIEW_RAG_RED;
	switch (final_rag) {
	case REVIEW_RAG_GREEN:
		return REVIEW_VISIT_DESKTOP;
	case REVIEW_RAG_RED:
		return REVIEW_VISIT_FULL;
	default:
		return REVIEW_VISIT_STANDARD;
	}
}

/* ---- QOF -------------------------------------------------------------------------- */

static const char *const qof_names[QOF_DOMAIN__COUNT] = {
    [QOF_DOMAIN_CLINICAL] = "clinical",
    [QOF_DOMAIN_ORGANISATIONAL] = "organisational",
    [QOF_DOMAIN_PATIENT_EXPERIENCE] = "patient-experience",
    [QOF_DOMAIN_ADDITIONAL_SERVICES] = "additional-services",
};

static const char *const qof_words[QOF_DOMAIN__COUNT] = {
    [QOF_DOMAIN_CLINICAL] = "clinical",
    [QOF_DOMAIN_ORGANISATIONAL] = "organisational",
    [QOF_DOMAIN_PATIENT_EXPERIENCE] = "patient experience",
    [QOF_DOMAIN_ADDITIONAL_SERVICES] = "additional services",
};

const char *domain_review_qof_domain_name(enum qof_domain d)
{
	return NAME(qof_names, d);
}

int domain_review_qof_domain_parse(const char *s, char **cause)
{
	return PARSE("QOF domain", s, qof_names, cause);
}

int domain_review_qof_maxima_check(const struct qof_maxima *max, char **cause)
{
	char a[REVIEW_DECIMAL_BUFSZ], b[REVIEW_DECIMAL_BUFSZ];
	int64_t total = 0;
	for (int d = 0; d < QOF_DOMAIN__COUNT; d++) {
		if (max->points[d] <= 0 || max->points[d] > QOF_TOTAL_POINTS) {
			set_cause(cause, "QOF maxima: %s must be above 0 and at most %s points",
				  qof_words[d], domain_review_decimal_format(QOF_TOTAL_POINTS, a));
			return -1;
		}
		total += max->points[d];
	}
	if (total != QOF_TOTAL_POINTS) {
		set_cause(cause, "QOF maxima: the domains sum to %s points where the QOF has %s",
			  domain_review_decimal_format(total, a),
			  domain_review_decimal_format(QOF_TOTAL_POINTS, b));
		return -1;
	}
	return 0;
}

int domain_review_qof_check(const struct qof_maxima *max, const struct qof_achievement *a,
			    char **cause)
{
	static const struct qof_maxima defaults = QOF_MAXIMA_DEFAULT;
	if (max == NULL)
		max = &defaults;
	char m[REVIEW_DECIMAL_BUFSZ];
	for (int d = 0; d < QOF_DOMAIN__COUNT; d++) {
		if (a->points[d] < 0 || a->points[d] > max->points[d]) {
			set_cause(cause, "QOF %s points: must be 0 to %s (the year's maximum)",
				  qof_words[d], domain_review_decimal_format(max->points[d], m));
			return -1;
		}
	}
	if (a->exception_rate < 0 || a->exception_rate > 100 * REVIEW_DECIMAL_ONE) {
		set_cause(cause, "QOF exception reporting rate: must be 0 to 100 percent");
		return -1;
	}
	return 0;
}

int64_t domain_review_qof_total(const struct qof_achievement *a)
{
	int64_t total = 0;
	for (int d = 0; d < QOF_DOMAIN__COUNT; d++)
		total += a->points[d];
	return total;
}

/* ---- the action plan ------------------------------------------------------------- */

static const char *const action_status_names[ACTION_STATUS__COUNT] = {
    [ACTION_OPEN] = "open",
    [ACTION_DONE] = "done",
};

const char *domain_review_action_status_name(enum action_status s)
{
	return NAME(action_status_names, s);
}

int domain_review_action_status_parse(const char *s, char **cause)
{
	return PARSE("action status", s, action_status_names, cause);
}

#define SFBH_PREFIX "sfbh:"

int domain_review_action_for_parse(const char *s, struct review_item_ref *out, char **cause)
{
	struct review_item_ref ref = {.kind = REVIEW_ITEM_NONE};
	if (s == NULL || s[0] == '\0') {
		*out = ref;
		return 0;
	}
	if (strncasecmp(s, SFBH_PREFIX, strlen(SFBH_PREFIX)) == 0) {
		char *inner = NULL;
		int d = domain_review_sfbh_domain_parse(s + strlen(SFBH_PREFIX),
							cause != NULL ? &inner : NULL);
		if (d < 0) {
			set_cause(cause,
				  "for: sfbh:DOMAIN names a Standards for Better Health "
				  "domain; %s",
				  inner);
			free(inner);
			return -1;
		}
		ref.kind = REVIEW_ITEM_SFBH;
		ref.sfbh = (enum sfbh_domain)d;
		*out = ref;
		return 0;
	}
	char *inner = NULL;
	if (check_code("for", s, REVIEW_REQUIREMENT_CODE_MAX, cause != NULL ? &inner : NULL) != 0) {
		set_cause(cause,
			  "%s; an action is for a requirement or indicator code, or for "
			  "sfbh:DOMAIN",
			  inner);
		free(inner);
		return -1;
	}
	ref.kind = REVIEW_ITEM_CODE;
	ref.code = s;
	*out = ref;
	return 0;
}

int domain_review_action_check(const struct review_action *a, char **cause)
{
	struct review_item_ref ref;
	if (domain_review_action_for_parse(a->for_item, &ref, cause) != 0)
		return -1;
	if (!text_given(a->owner)) {
		set_cause(cause, "owner: required (who will carry the action out)");
		return -1;
	}
	if (a->due == DOMAIN_DATE_NONE) {
		set_cause(cause, "due date: required");
		return -1;
	}
	if ((int)a->status < 0 || a->status >= ACTION_STATUS__COUNT) {
		set_cause(cause, "action status: must be open or done");
		return -1;
	}
	return 0;
}

int domain_review_action_is_overdue(const struct review_action *a, int32_t today)
{
	return a->status == ACTION_OPEN && a->due != DOMAIN_DATE_NONE && a->due < today;
}

/* ---- the whole review and finalising ----------------------------------------------- */

void domain_review_content_init(struct review_content *c)
{
	memset(c, 0, sizeof *c);
	for (int d = 0; d < SFBH_DOMAIN__COUNT; d++)
		c->sfbh[d] = SFBH_UNANSWERED;
	c->rule = NULL;
	c->override = REVIEW_RAG_NONE;
}

static int has_code(const struct review_content *c, const char *code)
{
	for (size_t i = 0; i < c->n_requirements; i++)
		if (c->requirements[i].code != NULL && strcmp(c->requirements[i].code, code) == 0)
			return 1;
	for (size_t i = 0; i < c->n_indicators; i++)
		if (c->indicators[i].ind != NULL && c->indicators[i].ind->code != NULL &&
		    strcmp(c->indicators[i].ind->code, code) == 0)
			return 1;
	return 0;
}

int domain_review_content_has_item(const struct review_content *c,
				   const struct review_item_ref *ref)
{
	switch (ref->kind) {
	case REVIEW_ITEM_NONE:
		return 1;
	case REVIEW_ITEM_SFBH:
		return (int)ref->sfbh >= 0 && ref->sfbh < SFBH_DOMAIN__COUNT;
	case REVIEW_ITEM_CODE:
		return ref->code != NULL && has_code(c, ref->code);
	default:
		return 0;
	}
}

/* 1 when some action is for the item `want` (its owner and due date are
 * checked per action, so one action missing them is reported once). */
static int has_action(const struct review_content *c, const struct review_item_ref *want)
{
	for (size_t i = 0; i < c->n_actions; i++) {
		struct review_item_ref ref;
		if (domain_review_action_for_parse(c->actions[i].for_item, &ref, NULL) != 0 ||
		    ref.kind != want->kind)
			continue;
		if (ref.kind == REVIEW_ITEM_SFBH && ref.sfbh == want->sfbh)
			return 1;
		if (ref.kind == REVIEW_ITEM_CODE && strcmp(ref.code, want->code) == 0)
			return 1;
	}
	return 0;
}

/* The missing list: lines joined by '\n', and how many. */
struct missing {
	struct text t;
	size_t n;
};

static void missing_add(struct missing *m, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void missing_add(struct missing *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *line = xvasprintf(fmt, ap);
	va_end(ap);
	text_add(&m->t, "%s%s", m->n == 0 ? "" : "\n", line);
	free(line);
	m->n++;
}

static void missing_answers(const struct review_content *c, struct missing *m)
{
	for (size_t i = 0; i < c->n_requirements; i++) {
		enum requirement_result r = c->requirements[i].result;
		if ((int)r <= REQUIREMENT_UNANSWERED || r >= REQUIREMENT__COUNT)
			missing_add(m, "requirement %s not answered", c->requirements[i].code);
	}
	for (int d = 0; d < SFBH_DOMAIN__COUNT; d++)
		if ((int)c->sfbh[d] <= SFBH_UNANSWERED || c->sfbh[d] >= SFBH_RESULT__COUNT)
			missing_add(m, "SfBH domain %s not answered", sfbh_names[d]);
	for (size_t i = 0; i < c->n_indicators; i++) {
		const struct review_indicator_entry *e = &c->indicators[i];
		if (e->ind == NULL)
			continue;
		if (e->state == REVIEW_VALUE_NOT_AVAILABLE && !text_given(e->not_available_reason))
			missing_add(m, "indicator %s is marked not available without a reason",
				    e->ind->code);
		else if (e->state != REVIEW_VALUE_GIVEN && e->state != REVIEW_VALUE_NOT_AVAILABLE)
			missing_add(m,
				    "indicator %s has no value (give a value, or mark it not "
				    "available with a reason)",
				    e->ind->code);
	}
}

static void missing_narrative_and_result(const struct review_content *c, struct missing *m)
{
	if (!text_given(c->achievements))
		missing_add(m, "narrative: achievements missing");
	if (!text_given(c->developments))
		missing_add(m, "narrative: developments missing");
	if (!text_given(c->challenges))
		missing_add(m, "narrative: challenges missing");

	if (c->override != REVIEW_RAG_NONE) {
		if (c->override != REVIEW_RAG_RED && c->override != REVIEW_RAG_AMBER &&
		    c->override != REVIEW_RAG_GREEN)
			missing_add(m, "overall RAG: the override is not red, amber or green");
		else if (!text_given(c->override_reason))
			missing_add(m, "overall RAG: the override has no reason");
		return;
	}
	enum review_rag computed =
	    domain_review_overall(c->rule, c->indicators, c->n_indicators, c->requirements,
				  c->n_requirements, NULL, NULL);
	if (computed == REVIEW_RAG_NONE)
		missing_add(m, "overall RAG: no indicator has a value, so none can be computed; "
			       "record an override with a reason");
}

static void missing_actions(const struct review_content *c, struct missing *m)
{
	for (size_t i = 0; i < c->n_requirements; i++) {
		enum requirement_result r = c->requirements[i].result;
		if (r != REQUIREMENT_PARTLY && r != REQUIREMENT_NOT_MET)
			continue;
		struct review_item_ref want = {.kind = REVIEW_ITEM_CODE,
					       .code = c->requirements[i].code};
		if (want.code != NULL && !has_action(c, &want))
			missing_add(m, "action plan: requirement %s %s has no action", want.code,
				    requirement_words[r]);
	}
	for (int d = 0; d < SFBH_DOMAIN__COUNT; d++) {
		enum sfbh_result r = c->sfbh[d];
		if (r != SFBH_PARTLY && r != SFBH_NOT_COMPLIANT)
			continue;
		struct review_item_ref want = {.kind = REVIEW_ITEM_SFBH, .sfbh = d};
		if (!has_action(c, &want))
			missing_add(m, "action plan: SfBH domain %s %s has no action",
				    sfbh_names[d], sfbh_result_words[r]);
	}
	for (size_t i = 0; i < c->n_indicators; i++) {
		const struct review_indicator_entry *e = &c->indicators[i];
		if (domain_review_entry_rag(e) != REVIEW_RAG_RED)
			continue;
		struct review_item_ref want = {.kind = REVIEW_ITEM_CODE, .code = e->ind->code};
		if (!has_action(c, &want))
			missing_add(m, "action plan: indicator %s is red and has no action",
				    e->ind->code);
	}
	for (size_t i = 0; i < c->n_actions; i++) {
		const struct review_action *a = &c->actions[i];
		char label[48];
		if (a->id > 0)
			snprintf(label, sizeof label, "action %lld", (long long)a->id);
		else
			snprintf(label, sizeof label, "action %zu", i + 1);
		struct review_item_ref ref;
		if (domain_review_action_for_parse(a->for_item, &ref, NULL) != 0) {
			missing_add(m,
				    "action plan: %s is for something that is neither a "
				    "requirement or indicator code nor sfbh:DOMAIN",
				    label);
			continue;
		}
		if (!domain_review_content_has_item(c, &ref))
			missing_add(m,
				    "action plan: %s is for %s, which is no requirement or "
				    "indicator of this review",
				    label, ref.code);
		int owner = text_given(a->owner), due = a->due != DOMAIN_DATE_NONE;
		if (owner && due)
			continue;
		char what[64] = "";
		if (ref.kind == REVIEW_ITEM_CODE)
			snprintf(what, sizeof what, " (for %s)", ref.code);
		else if (ref.kind == REVIEW_ITEM_SFBH)
			snprintf(what, sizeof what, " (for sfbh:%s)", sfbh_names[ref.sfbh]);
		missing_add(m, "action plan: %s%s has %s", label, what,
			    !owner && !due ? "no owner and no due date"
					   : (!owner ? "no owner" : "no due date"));
	}
}

size_t domain_review_finalise_missing(const struct review_content *c, char **missing)
{
	struct missing m = {{NULL}, 0};
	missing_answers(c, &m);
	missing_narrative_and_result(c, &m);
	missing_actions(c, &m);
	if (m.n > 0 && missing != NULL)
		*missing = m.t.s;
	else
		free(m.t.s);
	return m.n;
}

enum review_check domain_review_check_finalise(enum review_state state,
					       const struct review_content *c, char **cause)
{
	switch (state) {
	case REVIEW_STATE_VISITED:
	case REVIEW_STATE_DRAFT:
		break;
	case REVIEW_STATE_SCHEDULED:
		set_cause(cause, "cannot finalise: the review is scheduled; record the visit "
				 "first (review visit)");
		return REVIEW_FAILED_PRECONDITION;
	case REVIEW_STATE_FINALISED:
		set_cause(cause, "cannot finalise: the review is already finalised");
		return REVIEW_FAILED_PRECONDITION;
	default:
		set_cause(cause, "cannot finalise: not a state a review can be in");
		return REVIEW_FAILED_PRECONDITION;
	}
	char *list = NULL;
	size_t n = domain_review_finalise_missing(c, cause != NULL ? &list : NULL);
	if (n == 0)
		return REVIEW_OK;
	set_cause(cause, "cannot finalise: %zu thing%s %s missing:\n%s", n, n == 1 ? "" : "s",
		  n == 1 ? "is" : "are", list);
	free(list);
	return REVIEW_FAILED_PRECONDITION;
}
