/*
 * The settings an admin may change (DOMAIN.md: "Periods and thresholds
 * below are defaults that an admin can change in configuration (each change
 * audited); the rules themselves are code"), as a table of key descriptors
 * over struct settings_values: each key has a name ("concern.triage"), a
 * meaning, and its parse, format and check functions. A group of keys
 * (concern.*, review.*) adds its struct to settings_values and its rows
 * to the table in the .c; nothing else changes.
 *
 * Also the effective England and Wales bank-holiday table: the computed
 * default (domain_bank_holidays_england_wales) less the default days an
 * admin removed, plus the days an admin added.
 *
 * Pure: no state, no I/O, safe from any thread. Errors: 0 / -1 with *cause,
 * a sentence naming the key or field, allocated with xasprintf for the
 * caller to free (cause may be NULL).
 */
#ifndef ASSURE_DOMAIN_SETTINGS_H
#define ASSURE_DOMAIN_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "domain_concern.h"
#include "domain_dates.h"
#include "domain_grade.h"
#include "domain_review.h"

/* The review.* keys. */
struct review_settings {
	/* review.qof-maxima: the QOF maxima checked when QOF is recorded (one
	 * set for every review year; each review keeps the set its QOF was
	 * checked against). */
	struct qof_maxima qof_maxima;
};

#define REVIEW_SETTINGS_DEFAULT                                                                    \
	{                                                                                          \
		.qof_maxima = QOF_MAXIMA_DEFAULT                                                   \
	}

/* Every configurable value, one struct per group of keys. */
struct settings_values {
	struct concern_config concern;
	struct review_settings review;
};

#define SETTINGS_VALUES_DEFAULT                                                                    \
	{                                                                                          \
		.concern = CONCERN_CONFIG_DEFAULT, .review = REVIEW_SETTINGS_DEFAULT               \
	}

/* Longest canonical value, plus its NUL (review.qof-maxima with four
 * decimal places in every domain is 96 characters). */
#define SETTINGS_VALUE_BUFSZ 128

struct settings_key {
	const char *name;    /* "concern.triage" */
	const char *meaning; /* one line */
	/* What a change applies to, for the audit record: "for clocks started
	 * from now on; ...". */
	const char *applies;
	/* Parses text into this key's field of *v (nothing else changes).
	 * 0, or -1 with *cause naming the key. */
	int (*parse)(const struct settings_key *k, const char *text, struct settings_values *v,
		     char **cause);
	/* This key's field of *v in its canonical spelling (what parse reads
	 * back to the same value) into buf (SETTINGS_VALUE_BUFSZ bytes). */
	void (*format)(const struct settings_key *k, const struct settings_values *v, char *buf);
	/* The rules of the key's group as a whole, after a change: 0, or -1
	 * with *cause. */
	int (*check)(const struct settings_values *v, char **cause);
	/* For period keys: where the period lives, its unit (part of the rule:
	 * only the count may change) and the smallest count allowed. */
	size_t offset;
	enum domain_period_unit unit;
	int min;
};

/* The table, in the order ConfigShow lists it; *n gets its length. Static. */
const struct settings_key *settings_keys(size_t *n);
/* The key with this name, or NULL. */
const struct settings_key *settings_key_find(const char *name);
/* "concern.panel-quorum, concern.triage, ...": every key, comma-separated,
 * for "unknown key" messages. Heap; the caller frees. */
char *settings_key_names(void);

/*
 * Sets key `name` to text in *v: the key must exist (else *cause lists the
 * known keys), text must parse, and the key's group must pass its check.
 * On failure *v is unchanged. 0 or -1 with *cause ("concern.triage: ...").
 */
int settings_set(struct settings_values *v, const char *name, const char *text, char **cause)
    __attribute__((warn_unused_result));

/*
 * Periods: a count and a unit, "5wd" (working days), "28d" (days), "12w"
 * (weeks), "6m" (months); digits then the unit, nothing else. The count
 * may be at most about ten years' worth (3660 d, 2610 wd, 522 w, 120 m).
 * field names the value in messages. 0 or -1 with *cause.
 */
int settings_period_parse(const char *field, const char *s, struct domain_period *p, char **cause)
    __attribute__((warn_unused_result));
/* "5wd", "28d", "12w", "6m" into buf; returns buf. */
char *settings_period_format(struct domain_period p, char *buf, size_t size);

/*
 * NPSA bands: "low:1-3,moderate:4-6,high:8-12,extreme:15-25" (spaces after
 * the commas allowed). All four bands, in that order; low starts at 1,
 * extreme ends at 25; each starts after the one before ends, leaving no
 * score the matrix can produce (a product of two grades 1-5) outside every
 * band, and each holds at least one such score. The maxima are stored as
 * the highest producible score in each band. 0 or -1 with *cause.
 */
int settings_bands_parse(const char *field, const char *s, struct grade_bands *b, char **cause)
    __attribute__((warn_unused_result));
/* The canonical spelling (each band from its lowest to its highest
 * producible score: the defaults read low:1-3,moderate:4-6,high:8-12,
 * extreme:15-25) into buf; returns buf. */
char *settings_bands_format(const struct grade_bands *b, char *buf, size_t size);
/* 1 when score is consequence × likelihood for some grades 1-5. */
int settings_score_possible(int score);

/*
 * QOF maxima: "clinical:697,organisational:167.5,patient-experience:91.5,
 * additional-services:44" (spaces after the commas allowed). Every domain
 * exactly once, in any order; domain names as domain_review_qof_domain_parse
 * (case-insensitive); points as domain_review_decimal_parse (exact, at most
 * four decimal places); then domain_review_qof_maxima_check (each above 0,
 * summing to exactly 1,000). 0 or -1 with *cause naming field.
 */
int settings_qof_maxima_parse(const char *field, const char *s, struct qof_maxima *m, char **cause)
    __attribute__((warn_unused_result));
/* The canonical spelling (the domains in the order above, each value the
 * shortest exact decimal) into buf; returns buf. */
char *settings_qof_maxima_format(const struct qof_maxima *m, char *buf, size_t size);

/* ---- bank holidays --------------------------------------------------------- */

/* The years the effective table covers: any received date and every clock
 * started from it. */
#define SETTINGS_HOLIDAY_FIRST_YEAR 1990
#define SETTINGS_HOLIDAY_LAST_YEAR 2100

/* An admin's change to the default table. */
struct settings_holiday_change {
	int32_t day;
	int removed; /* 1: a default day taken out; 0: a day added */
};

/*
 * The effective table for the years above: the default days not removed,
 * plus the days added, strictly ascending (a day added twice, or added on a
 * default day, appears once). Returns an xmalloc'd array (never NULL) the
 * caller frees; *n gets its length.
 */
int32_t *settings_holidays_effective(const struct settings_holiday_change *ch, size_t n_ch,
				     size_t *n);

/* A day an admin may add: within the table's years and a weekday (a
 * weekend is never a working day, so a holiday on one would change
 * nothing). Whether it is already a holiday is the caller's check against
 * the effective table. field names it in messages. 0 or -1 with *cause. */
int settings_holiday_check_day(const char *field, int32_t day, char **cause)
    __attribute__((warn_unused_result));

#endif
