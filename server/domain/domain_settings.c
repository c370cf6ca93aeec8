/*
 * Configurable settings: the key table and each key's parse, format and
 * check; the effective bank-holiday table. Contracts in domain_settings.h.
 *
 * Values are spelt one way when stored and shown (format), so the audit
 * trail's "old -> new" compares like with like. Parsing is strict and its
 * messages name the key and say what would have been accepted. Pure.
 */
#include "domain_settings.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* ---- periods ---------------------------------------------------------------- */

static const struct {
	const char *suffix;
	enum domain_period_unit unit;
	int max; /* about ten years */
} period_units[] = {
    {"wd", DOMAIN_PERIOD_WORKING_DAYS, 2610},
    {"d", DOMAIN_PERIOD_DAYS, 3660},
    {"w", DOMAIN_PERIOD_WEEKS, 522},
    {"m", DOMAIN_PERIOD_MONTHS, 120},
};

#define N_UNITS (sizeof period_units / sizeof period_units[0])

static const char *unit_suffix(enum domain_period_unit u)
{
	for (size_t i = 0; i < N_UNITS; i++)
		if (period_units[i].unit == u)
			return period_units[i].suffix;
	return "?";
}

int settings_period_parse(const char *field, const char *s, struct domain_period *p, char **cause)
{
	if (s == NULL || s[0] == '\0') {
		set_cause(cause,
			  "%s: a period is required: a number and a unit, wd (working days), d "
			  "(days), w (weeks) or m (months), e.g. 5wd or 28d",
			  field);
		return -1;
	}
	size_t nd = strspn(s, "0123456789");
	const char *unit = s + nd;
	size_t u;
	for (u = 0; u < N_UNITS; u++)
		if (strcmp(unit, period_units[u].suffix) == 0)
			break;
	if (nd == 0 || u == N_UNITS) {
		set_cause(cause,
			  "%s: '%s' is not a period: a number and a unit, wd (working days), d "
			  "(days), w (weeks) or m (months), e.g. 5wd or 28d",
			  field, s);
		return -1;
	}
	/* Five digits are already past every maximum; counting more would
	 * only risk overflow. */
	int count = 0;
	if (nd > 5) {
		count = -1;
	} else {
		for (size_t i = 0; i < nd; i++)
			count = count * 10 + (s[i] - '0');
	}
	if (count < 0 || count > period_units[u].max) {
		set_cause(cause, "%s: at most %d%s (about ten years), got %s", field,
			  period_units[u].max, period_units[u].suffix, s);
		return -1;
	}
	p->unit = period_units[u].unit;
	p->count = count;
	return 0;
}

char *settings_period_format(struct domain_period p, char *buf, size_t size)
{
	snprintf(buf, size, "%d%s", p.count, unit_suffix(p.unit));
	return buf;
}

static const struct settings_values defaults = SETTINGS_VALUES_DEFAULT;

static struct domain_period *period_at(struct settings_values *v, size_t offset)
{
	return (struct domain_period *)((char *)v + offset);
}

static struct domain_period period_of(const struct settings_values *v, size_t offset)
{
	return *(const struct domain_period *)((const char *)v + offset);
}

static int parse_period_key(const struct settings_key *k, const char *text,
			    struct settings_values *v, char **cause)
{
	struct domain_period p;
	if (settings_period_parse(k->name, text, &p, cause) < 0)
		return -1;
	if (p.unit != k->unit) {
		char want[16];
		struct domain_period dflt = period_of(&defaults, k->offset);
		set_cause(cause,
			  "%s: is counted in %s (%s, e.g. %s): the unit is part of the rule and "
			  "only the number may change; got %s",
			  k->name, domain_period_unit_name(k->unit), unit_suffix(k->unit),
			  settings_period_format(dflt, want, sizeof want), text);
		return -1;
	}
	if (p.count < k->min) {
		set_cause(cause, "%s: at least %d%s, got %s", k->name, k->min, unit_suffix(k->unit),
			  text);
		return -1;
	}
	*period_at(v, k->offset) = p;
	return 0;
}

static void format_period_key(const struct settings_key *k, const struct settings_values *v,
			      char *buf)
{
	settings_period_format(period_of(v, k->offset), buf, SETTINGS_VALUE_BUFSZ);
}

/* ---- quorum ----------------------------------------------------------------- */

static int parse_quorum(const struct settings_key *k, const char *text, struct settings_values *v,
			char **cause)
{
	size_t len = text ? strlen(text) : 0;
	int q = 0;
	if (len == 0 || len > 2 || strspn(text, "0123456789") != len) {
		set_cause(cause,
			  "%s: must be a whole number of panel members from 1 to %d, got '%s'",
			  k->name, CONCERN_QUORUM_MAX, text ? text : "");
		return -1;
	}
	for (size_t i = 0; i < len; i++)
		q = q * 10 + (text[i] - '0');
	if (q < 1 || q > CONCERN_QUORUM_MAX) {
		set_cause(cause, "%s: must be a whole number of panel members from 1 to %d, got %d",
			  k->name, CONCERN_QUORUM_MAX, q);
		return -1;
	}
	v->concern.panel_quorum = q;
	return 0;
}

static void format_quorum(const struct settings_key *k, const struct settings_values *v, char *buf)
{
	(void)k;
	snprintf(buf, SETTINGS_VALUE_BUFSZ, "%d", v->concern.panel_quorum);
}

/* ---- bands ------------------------------------------------------------------ */

int settings_score_possible(int score)
{
	for (int c = DOMAIN_GRADE_MIN; c <= DOMAIN_GRADE_MAX; c++)
		if (score % c == 0 && score / c >= DOMAIN_GRADE_MIN &&
		    score / c <= DOMAIN_GRADE_MAX)
			return 1;
	return 0;
}

/* The highest producible score <= s (0 if none), the lowest >= s (26 if none). */
static int possible_at_most(int s)
{
	while (s >= 1 && !settings_score_possible(s))
		s--;
	return s < 1 ? 0 : s;
}

static int possible_at_least(int s)
{
	while (s <= DOMAIN_GRADE_SCORE_MAX && !settings_score_possible(s))
		s++;
	return s;
}

/* A score 1..25 of one or two digits; -1 otherwise. */
static int score_number(const char *s, size_t n)
{
	if (n == 0 || n > 2)
		return -1;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static const char *const band_order = "low, moderate, high, extreme";

int settings_bands_parse(const char *field, const char *s, struct grade_bands *b, char **cause)
{
	static const char example[] = "low:1-3,moderate:4-6,high:8-12,extreme:15-25";
	int lo[GRADE_BAND__COUNT], hi[GRADE_BAND__COUNT];
	const char *p = s ? s : "";
	size_t band = 0;
	if (p[0] == '\0') {
		set_cause(cause, "%s: a value is required: the four bands %s, e.g. %s", field,
			  band_order, example);
		return -1;
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		if (band == GRADE_BAND__COUNT) {
			set_cause(cause, "%s: four bands are needed (%s), not more: e.g. %s", field,
				  band_order, example);
			return -1;
		}
		const char *colon = memchr(p, ':', len);
		const char *dash = colon ? memchr(colon, '-', len - (size_t)(colon - p)) : NULL;
		if (colon == NULL || dash == NULL) {
			set_cause(cause,
				  "%s: '%.*s' is not a band: NAME:FROM-TO, e.g. %s (the whole "
				  "value: %s)",
				  field, (int)len, p, example, example);
			return -1;
		}
		size_t nlen = (size_t)(colon - p);
		const char *want = domain_grade_band_name((enum grade_band)band);
		if (strlen(want) != nlen || strncmp(p, want, nlen) != 0) {
			int known = 0;
			for (int k = 0; k < GRADE_BAND__COUNT; k++) {
				const char *nm = domain_grade_band_name((enum grade_band)k);
				known |= strlen(nm) == nlen && strncmp(p, nm, nlen) == 0;
			}
			if (known)
				set_cause(cause,
					  "%s: band %zu is '%.*s' but should be '%s': the bands go "
					  "in the order %s",
					  field, band + 1, (int)nlen, p, want, band_order);
			else
				set_cause(cause, "%s: '%.*s' is not a band name (%s)", field,
					  (int)nlen, p, band_order);
			return -1;
		}
		int a = score_number(colon + 1, (size_t)(dash - colon - 1));
		int z = score_number(dash + 1, len - (size_t)(dash + 1 - p));
		if (a < 1 || z < 1 || a > DOMAIN_GRADE_SCORE_MAX || z > DOMAIN_GRADE_SCORE_MAX) {
			set_cause(cause, "%s: %.*s: FROM and TO must be scores from 1 to %d", field,
				  (int)len, p, DOMAIN_GRADE_SCORE_MAX);
			return -1;
		}
		if (a > z) {
			set_cause(cause, "%s: %.*s runs backwards (%d is above %d)", field,
				  (int)len, p, a, z);
			return -1;
		}
		lo[band] = a;
		hi[band] = z;
		band++;
		p += len;
		if (*p == '\0')
			break;
		p++; /* the comma */
		while (*p == ' ')
			p++;
	}
	if (band < GRADE_BAND__COUNT) {
		set_cause(cause, "%s: four bands are needed (%s), %zu given: e.g. %s", field,
			  band_order, band, example);
		return -1;
	}
	if (lo[0] != 1) {
		set_cause(cause, "%s: low must start at 1, the lowest score; it starts at %d",
			  field, lo[0]);
		return -1;
	}
	if (hi[GRADE_BAND__COUNT - 1] != DOMAIN_GRADE_SCORE_MAX) {
		set_cause(cause, "%s: extreme must end at %d, the highest score; it ends at %d",
			  field, DOMAIN_GRADE_SCORE_MAX, hi[GRADE_BAND__COUNT - 1]);
		return -1;
	}
	for (int i = 0; i < GRADE_BAND__COUNT; i++) {
		const char *nm = domain_grade_band_name((enum grade_band)i);
		if (possible_at_least(lo[i]) > hi[i]) {
			set_cause(cause,
				  "%s: %s (%d-%d) holds no score the matrix can produce (a "
				  "consequence times a likelihood: 1-6, 8-10, 12, 15, 16, 20, 25)",
				  field, nm, lo[i], hi[i]);
			return -1;
		}
		if (i == 0)
			continue;
		const char *prev = domain_grade_band_name((enum grade_band)(i - 1));
		if (lo[i] <= hi[i - 1]) {
			set_cause(cause, "%s: %s (%d-%d) overlaps %s (%d-%d)", field, nm, lo[i],
				  hi[i], prev, lo[i - 1], hi[i - 1]);
			return -1;
		}
		int gap = possible_at_least(hi[i - 1] + 1);
		if (gap < lo[i]) {
			set_cause(cause,
				  "%s: score %d falls between %s (%d-%d) and %s (%d-%d): the bands "
				  "must leave no gap",
				  field, gap, prev, lo[i - 1], hi[i - 1], nm, lo[i], hi[i]);
			return -1;
		}
	}
	struct grade_bands out = {
	    .low_max = possible_at_most(hi[GRADE_BAND_LOW]),
	    .moderate_max = possible_at_most(hi[GRADE_BAND_MODERATE]),
	    .high_max = possible_at_most(hi[GRADE_BAND_HIGH]),
	};
	char *why = NULL;
	if (domain_grade_bands_check(&out, &why) < 0) {
		set_cause(cause, "%s: %s", field, why);
		free(why);
		return -1;
	}
	*b = out;
	return 0;
}

char *settings_bands_format(const struct grade_bands *b, char *buf, size_t size)
{
	int max[GRADE_BAND__COUNT] = {b->low_max, b->moderate_max, b->high_max,
				      DOMAIN_GRADE_SCORE_MAX};
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < GRADE_BAND__COUNT; i++) {
		int from = i == 0 ? 1 : possible_at_least(max[i - 1] + 1);
		int to = possible_at_most(max[i]);
		int w = snprintf(buf + used, size - used, "%s%s:%d-%d", i ? "," : "",
				 domain_grade_band_name((enum grade_band)i), from, to);
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
	return buf;
}

static int parse_bands(const struct settings_key *k, const char *text, struct settings_values *v,
		       char **cause)
{
	return settings_bands_parse(k->name, text, &v->concern.bands, cause);
}

static void format_bands(const struct settings_key *k, const struct settings_values *v, char *buf)
{
	(void)k;
	settings_bands_format(&v->concern.bands, buf, SETTINGS_VALUE_BUFSZ);
}

/* ---- QOF maxima ---------------------------------------------------------------- */

static const char qof_example[] =
    "clinical:697,organisational:167.5,patient-experience:91.5,additional-services:44";

/* Longest "DOMAIN:POINTS" item worth reading; anything longer is not one. */
#define QOF_ITEM_MAX 64

int settings_qof_maxima_parse(const char *field, const char *s, struct qof_maxima *m, char **cause)
{
	const char *p = s ? s : "";
	int seen[QOF_DOMAIN__COUNT] = {0};
	struct qof_maxima out = {{0}};
	if (p[0] == '\0') {
		set_cause(cause,
			  "%s: a value is required: every QOF domain and its maximum, e.g. %s",
			  field, qof_example);
		return -1;
	}
	for (;;) {
		size_t len = strcspn(p, ",");
		const char *colon = memchr(p, ':', len);
		if (colon == NULL || len >= QOF_ITEM_MAX) {
			set_cause(cause, "%s: '%.*s' is not DOMAIN:POINTS; e.g. %s", field,
				  (int)(len < QOF_ITEM_MAX ? len : QOF_ITEM_MAX), p, qof_example);
			return -1;
		}
		char name[QOF_ITEM_MAX], num[QOF_ITEM_MAX];
		size_t nlen = (size_t)(colon - p);
		memcpy(name, p, nlen);
		name[nlen] = '\0';
		memcpy(num, colon + 1, len - nlen - 1);
		num[len - nlen - 1] = '\0';
		int d = domain_review_qof_domain_parse(name, NULL);
		if (d < 0) {
			set_cause(cause,
				  "%s: '%s' is not a QOF domain (clinical, organisational, "
				  "patient-experience, additional-services)",
				  field, name);
			return -1;
		}
		const char *dn = domain_review_qof_domain_name((enum qof_domain)d);
		if (seen[d]) {
			set_cause(cause, "%s: %s is given twice", field, dn);
			return -1;
		}
		seen[d] = 1;
		char *why = NULL;
		char *what = xasprintf("%s: %s", field, dn);
		int rc = domain_review_decimal_parse(what, num, &out.points[d], &why);
		free(what);
		if (rc < 0) {
			set_cause(cause, "%s", why);
			free(why);
			return -1;
		}
		p += len;
		if (*p == '\0')
			break;
		p++; /* the comma */
		while (*p == ' ')
			p++;
	}
	for (int d = 0; d < QOF_DOMAIN__COUNT; d++) {
		if (!seen[d]) {
			set_cause(
			    cause, "%s: %s is missing: every QOF domain needs its maximum, e.g. %s",
			    field, domain_review_qof_domain_name((enum qof_domain)d), qof_example);
			return -1;
		}
	}
	char *why = NULL;
	if (domain_review_qof_maxima_check(&out, &why) < 0) {
		set_cause(cause, "%s: %s", field, why);
		free(why);
		return -1;
	}
	*m = out;
	return 0;
}

char *settings_qof_maxima_format(const struct qof_maxima *m, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	for (int d = 0; d < QOF_DOMAIN__COUNT; d++) {
		char v[REVIEW_DECIMAL_BUFSZ];
		int w = snprintf(buf + used, size - used, "%s%s:%s", d ? "," : "",
				 domain_review_qof_domain_name((enum qof_domain)d),
				 domain_review_decimal_format(m->points[d], v));
		if (w < 0 || (size_t)w >= size - used)
			break;
		used += (size_t)w;
	}
	return buf;
}

static int parse_qof_maxima(const struct settings_key *k, const char *text,
			    struct settings_values *v, char **cause)
{
	return settings_qof_maxima_parse(k->name, text, &v->review.qof_maxima, cause);
}

static void format_qof_maxima(const struct settings_key *k, const struct settings_values *v,
			      char *buf)
{
	(void)k;
	settings_qof_maxima_format(&v->review.qof_maxima, buf, SETTINGS_VALUE_BUFSZ);
}

static int check_review(const struct settings_values *v, char **cause)
{
	return domain_review_qof_maxima_check(&v->review.qof_maxima, cause);
}

/* ---- the table -------------------------------------------------------------- */

static int check_concern(const struct settings_values *v, char **cause)
{
	return domain_concern_config_check(&v->concern, cause);
}

static const char concern_applies[] =
    "for clocks started from now on; deadlines already set keep their dates";

#define PERIOD_KEY(key, field, u, m, what)                                                         \
	{                                                                                          \
		key, what, concern_applies, parse_period_key, format_period_key, check_concern,    \
		    offsetof(struct settings_values, concern.field), u, m                          \
	}

static const struct settings_key keys[] = {
    {"concern.panel-quorum",
     "panel members a list or admission decision needs at least (DOMAIN.md: 3)", concern_applies,
     parse_quorum, format_quorum, check_concern, 0, DOMAIN_PERIOD_DAYS, 0},
    PERIOD_KEY("concern.triage", triage, DOMAIN_PERIOD_WORKING_DAYS, 1,
	       "triage target, from the date the concern was received"),
    PERIOD_KEY("concern.investigation", investigation, DOMAIN_PERIOD_WEEKS, 1,
	       "investigation target, from the move to investigating"),
    PERIOD_KEY("concern.representations", representations, DOMAIN_PERIOD_DAYS, 1,
	       "representations and hearing request due, from the date the notice was sent"),
    PERIOD_KEY("concern.decision-notice", decision_notice, DOMAIN_PERIOD_DAYS, 1,
	       "decision notice due, from the panel's decision"),
    PERIOD_KEY("concern.appeal", appeal, DOMAIN_PERIOD_DAYS, 1,
	       "appeal deadline, from the date the decision notice was sent"),
    PERIOD_KEY("concern.review-first", review_first, DOMAIN_PERIOD_MONTHS, 1,
	       "first review eligibility, from the move to monitoring"),
    PERIOD_KEY("concern.review-every", review_every, DOMAIN_PERIOD_MONTHS, 1,
	       "each later review eligibility, from the one before"),
    PERIOD_KEY("concern.suspension-max", suspension_max, DOMAIN_PERIOD_MONTHS, 1,
	       "longest suspension pending the PCT's decision without a recorded extension"),
    PERIOD_KEY("concern.suspension-notice", suspension_notice, DOMAIN_PERIOD_WORKING_DAYS, 0,
	       "notice of an oral hearing before a suspension takes effect"),
    {"concern.bands", "NPSA risk bands over the score 1-25 (consequence x likelihood)",
     "for grades given from now on; grades already given keep their band", parse_bands,
     format_bands, check_concern, 0, DOMAIN_PERIOD_DAYS, 0},
    {"review.qof-maxima",
     "QOF maxima by domain, summing to 1,000 points, that recorded QOF points are checked "
     "against (every review year)",
     "for QOF recorded from now on; reviews already recorded keep the maxima their QOF was "
     "checked against",
     parse_qof_maxima, format_qof_maxima, check_review, 0, DOMAIN_PERIOD_DAYS, 0},
};

#define N_KEYS (sizeof keys / sizeof keys[0])

const struct settings_key *settings_keys(size_t *n)
{
	*n = N_KEYS;
	return keys;
}

const struct settings_key *settings_key_find(const char *name)
{
	if (name == NULL)
		return NULL;
	for (size_t i = 0; i < N_KEYS; i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

char *settings_key_names(void)
{
	size_t len = 1;
	for (size_t i = 0; i < N_KEYS; i++)
		len += strlen(keys[i].name) + 2;
	char *s = xmalloc(len);
	s[0] = '\0';
	for (size_t i = 0; i < N_KEYS; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, keys[i].name);
	}
	return s;
}

int settings_set(struct settings_values *v, const char *name, const char *text, char **cause)
{
	const struct settings_key *k = settings_key_find(name);
	if (k == NULL) {
		char *names = settings_key_names();
		if (name == NULL || name[0] == '\0')
			set_cause(cause, "key: required; known keys: %s", names);
		else
			set_cause(cause, "key: '%s' is not a setting; known keys: %s", name, names);
		free(names);
		return -1;
	}
	struct settings_values copy = *v;
	if (k->parse(k, text ? text : "", &copy, cause) < 0)
		return -1;
	char *why = NULL;
	if (k->check(&copy, &why) < 0) {
		set_cause(cause, "%s: %s", k->name, why);
		free(why);
		return -1;
	}
	*v = copy;
	return 0;
}

/* ---- bank holidays ------------------------------------------------------------ */

static int cmp_i32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
	return (x > y) - (x < y);
}

int32_t *settings_holidays_effective(const struct settings_holiday_change *ch, size_t n_ch,
				     size_t *n)
{
	size_t cap = (size_t)(SETTINGS_HOLIDAY_LAST_YEAR - SETTINGS_HOLIDAY_FIRST_YEAR + 1) *
		     DOMAIN_BANK_HOLIDAYS_PER_YEAR_MAX;
	int32_t *days = xmalloc((cap + n_ch + 1) * sizeof *days);
	size_t nd = domain_bank_holidays_england_wales(SETTINGS_HOLIDAY_FIRST_YEAR,
						       SETTINGS_HOLIDAY_LAST_YEAR, days, cap);
	if (nd > cap)
		nd = cap;
	/* Take the removed days out (the default table is ascending). */
	size_t keep = 0;
	for (size_t i = 0; i < nd; i++) {
		int removed = 0;
		for (size_t k = 0; k < n_ch && !removed; k++)
			removed = ch[k].removed && ch[k].day == days[i];
		if (!removed)
			days[keep++] = days[i];
	}
	for (size_t k = 0; k < n_ch; k++)
		if (!ch[k].removed)
			days[keep++] = ch[k].day;
	qsort(days, keep, sizeof *days, cmp_i32);
	size_t out = 0;
	for (size_t i = 0; i < keep; i++)
		if (out == 0 || days[out - 1] != days[i])
			days[out++] = days[i];
	*n = out;
	return days;
}

int settings_holiday_check_day(const char *field, int32_t day, char **cause)
{
	int year;
	char buf[DOMAIN_DATE_BUFSZ];
	domain_date_to_ymd(day, &year, NULL, NULL);
	if (year < SETTINGS_HOLIDAY_FIRST_YEAR || year > SETTINGS_HOLIDAY_LAST_YEAR) {
		set_cause(cause, "%s: %s is outside the bank-holiday table's years %d to %d", field,
			  domain_date_format(day, buf), SETTINGS_HOLIDAY_FIRST_YEAR,
			  SETTINGS_HOLIDAY_LAST_YEAR);
		return -1;
	}
	enum domain_weekday wd = domain_date_weekday(day);
	if (wd >= DOMAIN_SATURDAY) {
		set_cause(cause,
			  "%s: %s is a %s; weekends are never working days, so a bank holiday "
			  "on one would change nothing",
			  field, domain_date_format(day, buf),
			  wd == DOMAIN_SATURDAY ? "Saturday" : "Sunday");
		return -1;
	}
	return 0;
}
