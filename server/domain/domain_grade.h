/*
 * Risk grading of a concern on the NPSA 5×5 matrix ("A risk matrix for risk
 * managers", National Patient Safety Agency, 2008; DOMAIN.md "Risk
 * grading"): consequence 1–5 × likelihood 1–5 = score 1–25, and the score's
 * band under a configurable set of thresholds.
 *
 * Pure functions. Errors: 0 / -1 with *cause, a sentence naming the field,
 * allocated with xasprintf for the caller to free (cause may be NULL).
 */
#ifndef ASSURE_DOMAIN_GRADE_H
#define ASSURE_DOMAIN_GRADE_H

#define DOMAIN_GRADE_MIN 1
#define DOMAIN_GRADE_MAX 5
#define DOMAIN_GRADE_SCORE_MAX (DOMAIN_GRADE_MAX * DOMAIN_GRADE_MAX)

enum grade_band {
	GRADE_BAND_LOW,
	GRADE_BAND_MODERATE,
	GRADE_BAND_HIGH,
	GRADE_BAND_EXTREME,
	GRADE_BAND__COUNT
};

/*
 * Upper bounds of the bands, inclusive; extreme runs from high_max + 1 to
 * 25. The defaults are the NPSA's: 1–3 low, 4–6 moderate, 8–12 high, 15–25
 * extreme (7, 13 and 14 are not products of two grades, so the gaps in the
 * published table are not gaps in the bands).
 */
struct grade_bands {
	int low_max;
	int moderate_max;
	int high_max;
};

#define GRADE_BANDS_DEFAULT                                                                        \
	{                                                                                          \
		.low_max = 3, .moderate_max = 6, .high_max = 12                                    \
	}

/* 0 when the bands are sensible: 1 <= low_max < moderate_max < high_max <
 * 25 and every band holds at least one score the matrix can produce (a band
 * 7–7 could never be reached). -1 with *cause naming the bound otherwise.
 * Configuration loading calls this before the bands are used. */
int domain_grade_bands_check(const struct grade_bands *b, char **cause)
    __attribute__((warn_unused_result));

/* "negligible", "minor", "moderate", "major", "catastrophic"; "?" outside 1..5. */
const char *domain_grade_consequence_name(int consequence);
/* "rare", "unlikely", "possible", "likely", "almost certain"; "?" outside 1..5. */
const char *domain_grade_likelihood_name(int likelihood);
/* Accepts "1".."5" or the name (case-insensitive; "almost-certain" and
 * "almost_certain" too). The grade, or -1. */
int domain_grade_consequence_parse(const char *s);
int domain_grade_likelihood_parse(const char *s);

/* consequence × likelihood into *score. 0, or -1 with *cause naming the
 * grade outside 1..5. */
int domain_grade_score(int consequence, int likelihood, int *score, char **cause)
    __attribute__((warn_unused_result));
/* The band of a score 1..25 under b (NULL: the defaults). Scores below 1
 * count as low and above 25 as extreme; domain_grade_score never yields them. */
enum grade_band domain_grade_band(const struct grade_bands *b, int score);
/* "low", "moderate", "high", "extreme"; "?" otherwise. */
const char *domain_grade_band_name(enum grade_band band);
/* The band with this name, or -1. */
int domain_grade_band_parse(const char *s);
/* 1 when the band puts "consider interim suspension / referral" on the due
 * list until the case manager records a considered answer: high and
 * extreme (DOMAIN.md "Risk grading"). */
int domain_grade_band_needs_interim_consideration(enum grade_band band);

#endif
