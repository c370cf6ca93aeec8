/*
 * NPSA 5×5 risk grading. The names are the NPSA's descriptors; the band
 * thresholds come from configuration (checked by domain_grade_bands_check)
 * because a PCT may adopt a local variant of the matrix, but the matrix
 * itself, and the rule that high and extreme grades demand a considered
 * answer on interim suspension or referral, are code. Pure; no state.
 */
#include "domain_grade.h"

#include <ctype.h>
#include <stdarg.h>
#include <stddef.h>
#include <strings.h>

#include "xmalloc.h"

static const char *const consequence_names[] = {"negligible", "minor", "moderate", "major",
						"catastrophic"};
static const char *const likelihood_names[] = {"rare", "unlikely", "possible", "likely",
					       "almost certain"};
static const char *const band_names[] = {"low", "moderate", "high", "extreme"};

/* 1 when some consequence × likelihood equals score. */
static int reachable(int score)
{
	for (int c = DOMAIN_GRADE_MIN; c <= DOMAIN_GRADE_MAX; c++)
		if (score % c == 0 && score / c >= DOMAIN_GRADE_MIN &&
		    score / c <= DOMAIN_GRADE_MAX)
			return 1;
	return 0;
}

static int band_reachable(int lo, int hi)
{
	for (int s = lo; s <= hi; s++)
		if (reachable(s))
			return 1;
	return 0;
}

int domain_grade_bands_check(const struct grade_bands *b, char **cause)
{
	if (b->low_max < 1 || b->low_max >= DOMAIN_GRADE_SCORE_MAX) {
		set_cause(cause, "risk bands: low must end between 1 and 24 (got %d)", b->low_max);
		return -1;
	}
	if (b->moderate_max <= b->low_max) {
		set_cause(cause, "risk bands: moderate must end above low's end %d (got %d)",
			  b->low_max, b->moderate_max);
		return -1;
	}
	if (b->high_max <= b->moderate_max) {
		set_cause(cause, "risk bands: high must end above moderate's end %d (got %d)",
			  b->moderate_max, b->high_max);
		return -1;
	}
	if (b->high_max >= DOMAIN_GRADE_SCORE_MAX) {
		set_cause(cause,
			  "risk bands: high must end below 25 so that extreme is not empty "
			  "(got %d)",
			  b->high_max);
		return -1;
	}
	const struct {
		const char *name;
		int lo, hi;
	} bands[] = {{"low", 1, b->low_max},
		     {"moderate", b->low_max + 1, b->moderate_max},
		     {"high", b->moderate_max + 1, b->high_max},
		     {"extreme", b->high_max + 1, DOMAIN_GRADE_SCORE_MAX}};
	for (size_t i = 0; i < sizeof bands / sizeof bands[0]; i++) {
		if (!band_reachable(bands[i].lo, bands[i].hi)) {
			set_cause(cause,
				  "risk bands: %s (%d to %d) holds no score the 5x5 matrix can "
				  "produce, so no concern could ever be graded %s",
				  bands[i].name, bands[i].lo, bands[i].hi, bands[i].name);
			return -1;
		}
	}
	return 0;
}

const char *domain_grade_consequence_name(int consequence)
{
	if (consequence < DOMAIN_GRADE_MIN || consequence > DOMAIN_GRADE_MAX)
		return "?";
	return consequence_names[consequence - 1];
}

const char *domain_grade_likelihood_name(int likelihood)
{
	if (likelihood < DOMAIN_GRADE_MIN || likelihood > DOMAIN_GRADE_MAX)
		return "?";
	return likelihood_names[likelihood - 1];
}

/* Case-insensitive, treating '-' and '_' in s as the names' spaces, so
 * "almost-certain" works on a command line without quoting. */
static int name_equal(const char *s, const char *name)
{
	for (; *s != '\0' && *name != '\0'; s++, name++) {
		int c = (*s == '-' || *s == '_') ? ' ' : tolower((unsigned char)*s);
		if (c != *name)
			return 0;
	}
	return *s == '\0' && *name == '\0';
}

static int parse_grade(const char *s, const char *const names[])
{
	if (s == NULL)
		return -1;
	if (s[0] >= '1' && s[0] <= '5' && s[1] == '\0')
		return s[0] - '0';
	for (int i = 0; i < DOMAIN_GRADE_MAX; i++)
		if (name_equal(s, names[i]))
			return i + 1;
	return -1;
}

int domain_grade_consequence_parse(const char *s)
{
	return parse_grade(s, consequence_names);
}

int domain_grade_likelihood_parse(const char *s)
{
	return parse_grade(s, likelihood_names);
}

int domain_grade_score(int consequence, int likelihood, int *score, char **cause)
{
	if (consequence < DOMAIN_GRADE_MIN || consequence > DOMAIN_GRADE_MAX) {
		set_cause(cause, "consequence: must be 1 (negligible) to 5 (catastrophic), got %d",
			  consequence);
		return -1;
	}
	if (likelihood < DOMAIN_GRADE_MIN || likelihood > DOMAIN_GRADE_MAX) {
		set_cause(cause, "likelihood: must be 1 (rare) to 5 (almost certain), got %d",
			  likelihood);
		return -1;
	}
	*score = consequence * likelihood;
	return 0;
}

enum grade_band domain_grade_band(const struct grade_bands *b, int score)
{
	static const struct grade_bands defaults = GRADE_BANDS_DEFAULT;
	if (b == NULL)
		b = &defaults;
	if (score <= b->low_max)
		return GRADE_BAND_LOW;
	if (score <= b->moderate_max)
		return GRADE_BAND_MODERATE;
	if (score <= b->high_max)
		return GRADE_BAND_HIGH;
	return GRADE_BAND_EXTREME;
}

const char *domain_grade_band_name(enum grade_band band)
{
	if ((int)band < 0 || band >= GRADE_BAND__COUNT)
		return "?";
	return band_names[band];
}

int domain_grade_band_parse(const char *s)
{
	if (s == NULL)
		return -1;
	for (int i = 0; i < GRADE_BAND__COUNT; i++)
		if (strcasecmp(s, band_names[i]) == 0)
			return i;
	return -1;
}

int domain_grade_band_needs_interim_consideration(enum grade_band band)
{
	return band == GRADE_BAND_HIGH || band == GRADE_BAND_EXTREME;
}
