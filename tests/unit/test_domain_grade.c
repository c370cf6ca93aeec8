/*
 * The NPSA matrix is small enough to check whole: all 25 cells against the
 * published grid (typed in below, not computed from the code's rule), band
 * names and the interim-suspension trigger, then the configuration check
 * with the ways a local variant of the bands can be nonsense.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain_grade.h"

/* The NPSA 2008 grid: rows consequence 1..5, columns likelihood 1..5. */
static const int scores[5][5] = {
    {1, 2, 3, 4, 5}, {2, 4, 6, 8, 10}, {3, 6, 9, 12, 15}, {4, 8, 12, 16, 20}, {5, 10, 15, 20, 25},
};
#define L GRADE_BAND_LOW
#define M GRADE_BAND_MODERATE
#define H GRADE_BAND_HIGH
#define X GRADE_BAND_EXTREME
static const enum grade_band bands[5][5] = {
    {L, L, L, M, M}, {L, M, M, H, H}, {L, M, H, H, X}, {M, H, H, X, X}, {M, H, X, X, X},
};

static void test_all_25_cells(void **state)
{
	(void)state;
	int counts[GRADE_BAND__COUNT] = {0};
	for (int c = 1; c <= 5; c++) {
		for (int l = 1; l <= 5; l++) {
			int score = -1;
			assert_int_equal(domain_grade_score(c, l, &score, NULL), 0);
			assert_int_equal(score, scores[c - 1][l - 1]);
			enum grade_band b = domain_grade_band(NULL, score);
			assert_int_equal(b, bands[c - 1][l - 1]);
			const struct grade_bands defaults = GRADE_BANDS_DEFAULT;
			assert_int_equal(domain_grade_band(&defaults, score), b);
			assert_int_equal(domain_grade_band_needs_interim_consideration(b),
					 b == H || b == X);
			counts[b]++;
		}
	}
	/* Low: scores 1, 2, 2, 3, 3. Moderate: 4, 4, 4, 5, 5, 6, 6. High: 8,
	 * 8, 9, 10, 10, 12, 12. Extreme: 15, 15, 16, 20, 20, 25. */
	assert_int_equal(counts[L], 5);
	assert_int_equal(counts[M], 7);
	assert_int_equal(counts[H], 7);
	assert_int_equal(counts[X], 6);
}

static void test_band_edges(void **state)
{
	(void)state;
	/* 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme; the unreachable
	 * 7, 13 and 14 fall in with the band below their bound. */
	static const struct {
		int score;
		enum grade_band band;
	} edges[] = {{1, L},  {3, L},  {4, M},	{6, M},	 {7, H}, {8, H}, {12, H},
		     {13, X}, {14, X}, {15, X}, {25, X}, {0, L}, {26, X}};
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		assert_int_equal(domain_grade_band(NULL, edges[i].score), edges[i].band);
}

static void test_score_rejects(void **state)
{
	(void)state;
	static const int bad[][2] = {{0, 1}, {6, 1}, {1, 0}, {1, 6}, {-1, 3}, {3, 100}};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int score = -7;
		char *cause = NULL;
		assert_int_equal(domain_grade_score(bad[i][0], bad[i][1], &score, &cause), -1);
		assert_int_equal(score, -7);
		assert_non_null(cause);
		assert_true(strstr(cause, bad[i][0] < 1 || bad[i][0] > 5 ? "consequence"
									 : "likelihood") == cause);
		free(cause);
	}
	char *cause = NULL;
	int score;
	assert_int_equal(domain_grade_score(6, 2, &score, &cause), -1);
	assert_string_equal(cause,
			    "consequence: must be 1 (negligible) to 5 (catastrophic), got 6");
	free(cause);
}

static void test_names(void **state)
{
	(void)state;
	static const char *cons[] = {"negligible", "minor", "moderate", "major", "catastrophic"};
	static const char *like[] = {"rare", "unlikely", "possible", "likely", "almost certain"};
	for (int i = 1; i <= 5; i++) {
		char digit[2] = {(char)('0' + i), '\0'};
		assert_string_equal(domain_grade_consequence_name(i), cons[i - 1]);
		assert_string_equal(domain_grade_likelihood_name(i), like[i - 1]);
		assert_int_equal(domain_grade_consequence_parse(cons[i - 1]), i);
		assert_int_equal(domain_grade_likelihood_parse(like[i - 1]), i);
		assert_int_equal(domain_grade_consequence_parse(digit), i);
		assert_int_equal(domain_grade_likelihood_parse(digit), i);
	}
	assert_int_equal(domain_grade_likelihood_parse("almost-certain"), 5);
	assert_int_equal(domain_grade_likelihood_parse("Almost_Certain"), 5);
	assert_int_equal(domain_grade_consequence_parse("MAJOR"), 4);
	static const char *bad[] = {"",	       "0",	"6", "55", "almost", "almost certainly",
				    "likely ", "rare-", "-1"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(domain_grade_likelihood_parse(bad[i]), -1);
		assert_int_equal(domain_grade_consequence_parse(bad[i]), -1);
	}
	assert_int_equal(domain_grade_likelihood_parse(NULL), -1);
	assert_int_equal(domain_grade_consequence_parse("rare"), -1); /* a likelihood */
	assert_string_equal(domain_grade_consequence_name(0), "?");
	assert_string_equal(domain_grade_likelihood_name(6), "?");

	static const char *band_names[] = {"low", "moderate", "high", "extreme"};
	for (int b = 0; b < GRADE_BAND__COUNT; b++) {
		assert_string_equal(domain_grade_band_name(b), band_names[b]);
		assert_int_equal(domain_grade_band_parse(band_names[b]), b);
	}
	assert_int_equal(domain_grade_band_parse("severe"), -1);
	assert_int_equal(domain_grade_band_parse(NULL), -1);
	assert_string_equal(domain_grade_band_name(GRADE_BAND__COUNT), "?");
	assert_false(domain_grade_band_needs_interim_consideration(GRADE_BAND_LOW));
	assert_false(domain_grade_band_needs_interim_consideration(GRADE_BAND_MODERATE));
	assert_true(domain_grade_band_needs_interim_consideration(GRADE_BAND_HIGH));
	assert_true(domain_grade_band_needs_interim_consideration(GRADE_BAND_EXTREME));
}

static void test_bands_check(void **state)
{
	(void)state;
	const struct grade_bands defaults = GRADE_BANDS_DEFAULT;
	assert_int_equal(domain_grade_bands_check(&defaults, NULL), 0);
	/* A stricter local variant: 1-2 low, 3-4 moderate, 5-9 high. */
	const struct grade_bands strict = {2, 4, 9};
	assert_int_equal(domain_grade_bands_check(&strict, NULL), 0);
	assert_int_equal(domain_grade_band(&strict, 10), GRADE_BAND_EXTREME);
	assert_int_equal(domain_grade_band(&strict, 5), GRADE_BAND_HIGH);
	/* The widest allowed: extreme only 25; and the narrowest low. */
	const struct grade_bands wide = {1, 2, 24};
	assert_int_equal(domain_grade_bands_check(&wide, NULL), 0);

	static const struct {
		struct grade_bands b;
		const char *cause;
	} bad[] = {
	    {{0, 6, 12}, "risk bands: low must end between 1 and 24 (got 0)"},
	    {{25, 26, 27}, "risk bands: low must end between 1 and 24 (got 25)"},
	    {{3, 3, 12}, "risk bands: moderate must end above low's end 3 (got 3)"},
	    {{6, 4, 12}, "risk bands: moderate must end above low's end 6 (got 4)"},
	    {{3, 6, 6}, "risk bands: high must end above moderate's end 6 (got 6)"},
	    {{3, 6, 25},
	     "risk bands: high must end below 25 so that extreme is not empty (got 25)"},
	    /* 7 alone is no product of two grades: nothing could be moderate. */
	    {{6, 7, 12},
	     "risk bands: moderate (7 to 7) holds no score the 5x5 matrix can "
	     "produce, so no concern could ever be graded moderate"},
	    {{3, 6, 7},
	     "risk bands: high (7 to 7) holds no score the 5x5 matrix can produce, "
	     "so no concern could ever be graded high"},
	    {{3, 12, 14},
	     "risk bands: high (13 to 14) holds no score the 5x5 matrix can "
	     "produce, so no concern could ever be graded high"},
	    /* 21..25 holds 25 only; 24 is not a product either, but 25 is. */
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *cause = NULL;
		assert_int_equal(domain_grade_bands_check(&bad[i].b, &cause), -1);
		assert_string_equal(cause, bad[i].cause);
		free(cause);
	}
	const struct grade_bands top = {3, 6, 20};
	assert_int_equal(domain_grade_bands_check(&top, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_all_25_cells),  cmocka_unit_test(test_band_edges),
	    cmocka_unit_test(test_score_rejects), cmocka_unit_test(test_names),
	    cmocka_unit_test(test_bands_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
