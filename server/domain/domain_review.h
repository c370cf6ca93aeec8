/*
 * The rules of an annual contract review (DOMAIN.md "Annual contract
 * review", "Scorecard report"): the review year and its dates, the review's
 * states and what moves them, QOF points against the year's maxima, the
 * contractual checklist and the Standards for Better Health answers, the
 * Balanced Scorecard (indicator definitions, per-indicator RAG, the set's
 * overall rule and how a result was derived), the next visit type, the
 * action plan, and the list of everything a review still lacks before it
 * may be finalised.
 *
 * Everything here is pure: the storage layer loads a review's content into
 * struct review_content (borrowing its strings), the RPC layer fills the
 * smaller structs from requests, and these functions answer with a verdict
 * and a sentence naming the rule.
 *
 * Numbers. Indicator values, thresholds, weights, QOF points and the
 * overall rule's means are decimals held as int64_t scaled by
 * REVIEW_DECIMAL_ONE (4 decimal places): 72.5 is 725000. They arrive as
 * decimal text and are parsed exactly (domain_review_decimal_parse), so a
 * value typed as "80" compares equal to a threshold typed as "80.0" and
 * "at the threshold counts as meeting it" holds to the last digit; binary
 * doubles cannot promise that (0.1 + 0.2 != 0.3), and a RAG that flips on
 * a rounding error is worse than one refused for a fifth decimal place.
 * The storage layer keeps them as SQLite INTEGERs.
 *
 * Errors: 0 / -1 with *cause for checks of one thing (INVALID_ARGUMENT to
 * the RPC layer); enum review_check where a check can also fail on a rule
 * (FAILED_PRECONDITION). *cause is a sentence allocated with xasprintf for
 * the caller to free, set only on failure; cause may be NULL. Values that
 * arrive from clients are never echoed back in causes; codes that come
 * from the catalogue or the indicator set (already checked) are.
 */
#ifndef ASSURE_DOMAIN_REVIEW_H
#define ASSURE_DOMAIN_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "domain_dates.h"

enum review_check {
	REVIEW_OK,
	REVIEW_INVALID_ARGUMENT,   /* something given is missing or malformed */
	REVIEW_FAILED_PRECONDITION /* a rule forbids it now */
};

/* "OK", "INVALID_ARGUMENT", "FAILED_PRECONDITION"; "?" otherwise. */
const char *domain_review_check_name(enum review_check c);

/* ---- decimals ---------------------------------------------------------------- */

#define REVIEW_DECIMAL_PLACES 4
#define REVIEW_DECIMAL_ONE INT64_C(10000)
/* Largest magnitude accepted: 1,000,000,000 (scaled 10^13). Sums of a few
 * thousand such products stay far inside int64_t. */
#define REVIEW_DECIMAL_MAX (INT64_C(1000000000) * REVIEW_DECIMAL_ONE)
/* "-1000000000.0000" plus NUL, with room to spare. */
#define REVIEW_DECIMAL_BUFSZ 24

/*
 * A decimal as typed: an optional '-', one or more digits, then optionally
 * '.' and 1 to REVIEW_DECIMAL_PLACES digits. No '+', spaces, exponents,
 * thousands separators, "nan" or "inf"; ".5" and "5." are refused (write
 * 0.5 and 5). More decimal places are refused rather than rounded. *out gets
 * the value scaled by REVIEW_DECIMAL_ONE. 0, or -1 with *cause naming
 * field.
 */
int domain_review_decimal_parse(const char *field, const char *s, int64_t *out, char **cause)
    __attribute__((warn_unused_result));
/* The shortest exact text of a scaled decimal: 725000 -> "72.5", 800000 ->
 * "80", -5 -> "-0.0005". Returns buf. */
char *domain_review_decimal_format(int64_t v, char buf[REVIEW_DECIMAL_BUFSZ]);

/* ---- review year --------------------------------------------------------------- */

/* A review year is the NHS financial year, 1 April to 31 March, written
 * "2009/10" and held as its first calendar year (2009). */
#define REVIEW_YEAR_MIN 2000
#define REVIEW_YEAR_MAX 2099
/* "2009/10" plus NUL. */
#define REVIEW_YEAR_BUFSZ 8

/* Strict "YYYY/YY": four digits, '/', two digits that are the next year's
 * last two (2009/10, 2099/00; 2009/11 is refused), first year REVIEW_YEAR_MIN
 * ..REVIEW_YEAR_MAX. *year gets the first year. 0, or -1 with *cause. */
int domain_review_year_parse(const char *s, int *year, char **cause)
    __attribute__((warn_unused_result));
/* Writes "2009/10" into buf; returns buf. Years outside REVIEW_YEAR_MIN..
 * REVIEW_YEAR_MAX are written as "?". */
char *domain_review_year_format(int year, char buf[REVIEW_YEAR_BUFSZ]);
/* Day numbers (domain_dates.h) of 1 April `year` and 31 March `year`+1;
 * DOMAIN_DATE_NONE for a year outside REVIEW_YEAR_MIN..REVIEW_YEAR_MAX. */
int32_t domain_review_year_start(int year);
int32_t domain_review_year_end(int year);
/* The review year a date falls in (1 April starts one): 2010-03-31 is in
 * 2009, 2010-04-01 in 2010. Not range-checked. */
int domain_review_year_of(int32_t day);

/* ---- kinds, visits, states --------------------------------------------------- */

/* One annual review per contract per review year, and optionally one
 * mid-year review (the storage layer keeps (contract, year, kind) unique). */
enum review_kind { REVIEW_KIND_ANNUAL, REVIEW_KIND_MID_YEAR, REVIEW_KIND__COUNT };
/* "annual", "mid-year"; "?" otherwise. */
const char *domain_review_kind_name(enum review_kind k);
/* The kind with this name (case-insensitive), or -1 with *cause. */
int domain_review_kind_parse(const char *s, char **cause);

/* What a visit is (DOMAIN.md "Next visit type"). */
enum review_visit {
	REVIEW_VISIT_DESKTOP,  /* desktop review with a light-touch visit */
	REVIEW_VISIT_STANDARD, /* standard annual visit */
	REVIEW_VISIT_FULL,     /* full contract visit */
	REVIEW_VISIT__COUNT
};
/* "desktop", "standard", "full"; "?" otherwise. */
const char *domain_review_visit_name(enum review_visit v);
/* "desktop review with a light-touch visit", "standard annual visit", "full
 * contract visit"; "?" otherwise. */
const char *domain_review_visit_title(enum review_visit v);
/* The visit type with this name (case-insensitive), or -1 with *cause. */
int domain_review_visit_parse(const char *s, char **cause);

/*
 * scheduled -> visited -> draft -> finalised, and visited -> finalised:
 *   scheduled  created for a year; content may already be recorded (QOF
 *              figures and indicator values often come before the visit;
 *              the whole write-up may) and the review stays scheduled;
 *   visited    the visit is recorded (domain_review_check_visit);
 *   draft      content has been recorded since the visit: the first edit
 *              of a visited review moves it here (domain_review_check_edit);
 *   finalised  domain_review_check_finalise allowed it, from visited (the
 *              visit was the last step) or draft; read-only except for
 *              recorded amendments, each with a reason.
 * No state is left backwards: a finalised review is corrected by
 * amendment, never reopened.
 */
enum review_state {
	REVIEW_STATE_SCHEDULED,
	REVIEW_STATE_VISITED,
	REVIEW_STATE_DRAFT,
	REVIEW_STATE_FINALISED,
	REVIEW_STATE__COUNT
};
/* "scheduled", "visited", "draft", "finalised"; "?" otherwise. */
const char *domain_review_state_name(enum review_state s);
/* The state with this name (case-insensitive), or -1 with *cause. */
int domain_review_state_parse(const char *s, char **cause);
/* 1 when from -> to is one of the three moves above. */
int domain_review_state_can_move(enum review_state from, enum review_state to);

/* May the visit be recorded? Only on a scheduled review
 * (FAILED_PRECONDITION otherwise, naming the state); the date given
 * (INVALID_ARGUMENT) and not after today (INVALID_ARGUMENT: a visit not yet
 * made cannot be recorded). The review moves to visited. */
enum review_check domain_review_check_visit(enum review_state state, int32_t visit_date,
					    int32_t today, char **cause)
    __attribute__((warn_unused_result));

/*
 * May content (QOF, checklist answers, SfBH answers, indicator values,
 * narrative, actions, the override) be recorded on a review in `state`?
 * *next gets the state afterwards:
 *   scheduled -> scheduled, visited -> draft, draft -> draft;
 *   finalised -> finalised only as an amendment: amendment_reason given
 *   (else FAILED_PRECONDITION: "finalised and read-only; a correction is a
 *   recorded amendment with a reason").
 * An amendment reason on a review that is not finalised is
 * INVALID_ARGUMENT (there is nothing to amend; edit it). After an
 * amendment the caller re-runs domain_review_finalise_missing on the
 * amended content and refuses the amendment unless it is still complete,
 * then recomputes the overall RAG and next visit type.
 */
enum review_check domain_review_check_edit(enum review_state state, const char *amendment_reason,
					   enum review_state *next, char **cause)
    __attribute__((warn_unused_result));

/* ---- RAG ----------------------------------------------------------------------- */

enum review_rag {
	REVIEW_RAG_NONE, /* no value (not available, missing), or nothing to score */
	REVIEW_RAG_RED,
	REVIEW_RAG_AMBER,
	REVIEW_RAG_GREEN,
	REVIEW_RAG__COUNT
};
/* "red", "amber", "green"; "" for NONE; "?" otherwise. */
const char *domain_review_rag_name(enum review_rag r);
/* red, amber or green (case-insensitive), or -1 with *cause. */
int domain_review_rag_parse(const char *s, char **cause);
/* The overall-rule score: green 2, amber 1, red 0 (NONE 0; never scored). */
int domain_review_rag_score(enum review_rag r);

/* ---- indicators and sets -------------------------------------------------------- */

/* Indicator codes: ^[A-Z][A-Z0-9_.-]{0,15}$ (short: they head report columns). */
#define REVIEW_INDICATOR_CODE_MAX 16
/* Requirement (checklist) codes: ^[A-Z][A-Z0-9_.-]{0,31}$. */
#define REVIEW_REQUIREMENT_CODE_MAX 32
/* Most indicators one set may hold. */
#define REVIEW_SET_INDICATORS_MAX 200
/* Weights: > 0 and at most 100; 1 when not given. */
#define REVIEW_WEIGHT_DEFAULT REVIEW_DECIMAL_ONE
#define REVIEW_WEIGHT_MAX (100 * REVIEW_DECIMAL_ONE)

/* 0, or -1 with *cause naming the character that is wrong. */
int domain_review_check_indicator_code(const char *code, char **cause)
    __attribute__((warn_unused_result));
int domain_review_check_requirement_code(const char *code, char **cause)
    __attribute__((warn_unused_result));

enum indicator_direction {
	INDICATOR_HIGHER_IS_BETTER,
	INDICATOR_LOWER_IS_BETTER,
	INDICATOR_DIRECTION__COUNT
};
/* "higher", "lower"; "?" otherwise. */
const char *domain_review_direction_name(enum indicator_direction d);
/* "higher" or "lower" (case-insensitive), or -1 with *cause. */
int domain_review_direction_parse(const char *s, char **cause);

/* Scorecard domains. The table in the .c holds name and title; add a row
 * to add a domain. */
enum indicator_domain {
	INDICATOR_DOMAIN_QOF,
	INDICATOR_DOMAIN_ACCESS,
	INDICATOR_DOMAIN_PATIENT_EXPERIENCE,
	INDICATOR_DOMAIN_PRESCRIBING,
	INDICATOR_DOMAIN_PUBLIC_HEALTH,
	INDICATOR_DOMAIN_CONTRACTUAL,
	INDICATOR_DOMAIN_REFERRALS,
	INDICATOR_DOMAIN_WORKFORCE,
	INDICATOR_DOMAIN__COUNT
};
/* "qof", "access", "patient-experience", "prescribing", "public-health",
 * "contractual", "referrals", "workforce"; "?" otherwise. */
const char *domain_review_indicator_domain_name(enum indicator_domain d);
/* "QOF", "Access", "Patient experience", ...; "?" otherwise. */
const char *domain_review_indicator_domain_title(enum indicator_domain d);
/* The domain with this name (case-insensitive), or -1 with *cause listing
 * every domain ("indicator domain: must be one of qof, access, ..."). */
int domain_review_indicator_domain_parse(const char *s, char **cause);

/* An indicator as its set defines it. Name and unit are free text the
 * caller checks (validate_text); they play no part in the rules. */
struct review_indicator {
	const char *code;
	enum indicator_domain domain;
	enum indicator_direction direction;
	int64_t green;	/* decimal: the value that meets green */
	int64_t amber;	/* decimal: the value that meets amber */
	int64_t weight; /* decimal, > 0; REVIEW_WEIGHT_DEFAULT when not given */
	int critical;	/* red here makes the overall result red */
};

/*
 * 0 when the definition is usable: code well formed; domain and direction
 * valid; thresholds within +-REVIEW_DECIMAL_MAX and consistent with the
 * direction (higher is better: green >= amber; lower is better: green <=
 * amber; equal thresholds leave no amber band, which is allowed); weight
 * > 0 and <= REVIEW_WEIGHT_MAX. -1 with *cause naming the field.
 */
int domain_review_indicator_check(const struct review_indicator *ind, char **cause)
    __attribute__((warn_unused_result));

/*
 * The RAG of a value. Meeting a threshold means reaching it exactly or
 * doing better ("at the threshold counts as meeting it"):
 *   higher is better  value >= green: green; value >= amber: amber; else red
 *   lower is better   value <= green: green; value <= amber: amber; else red
 * Exact integer comparisons of scaled decimals.
 */
enum review_rag domain_review_indicator_rag(const struct review_indicator *ind, int64_t value);

/* The bands in words, for legends and `review show`: "green 80 or more,
 * amber 70 or more, otherwise red" or "green 5 or less, amber 10 or less,
 * otherwise red". Returns buf; REVIEW_BANDS_BUFSZ bytes are always enough. */
#define REVIEW_BANDS_BUFSZ 112
char *domain_review_indicator_bands(const struct review_indicator *ind, char *buf, size_t size);

/*
 * The overall rule of an indicator set, frozen with it. Means are decimals
 * on the 0..2 score scale with at most 2 decimal places, so the mean shown
 * to 2 places (rounded down) is on the same side of each threshold as the
 * exact mean.
 */
struct review_rule {
	int64_t green_mean; /* weighted mean >= this: green (1.5) */
	int64_t red_mean;   /* weighted mean < this: red (0.75) */
};

#define REVIEW_RULE_DEFAULT                                                                        \
	{                                                                                          \
		.green_mean = 15000, .red_mean = 7500                                              \
	}

/* 0 when 0 <= red_mean < green_mean <= 2, each with at most 2 decimal
 * places; -1 with *cause naming the parameter. */
int domain_review_rule_check(const struct review_rule *rule, char **cause)
    __attribute__((warn_unused_result));

/* Sets are drafted, put out to consultation, then published; a published
 * set is frozen (its indicators, thresholds, weights and rule). A
 * consultation may send a set back to draft for revision; a set may also
 * be published straight from draft when no consultation was recorded. */
enum indicator_set_state {
	INDICATOR_SET_DRAFT,
	INDICATOR_SET_CONSULTATION,
	INDICATOR_SET_PUBLISHED,
	INDICATOR_SET__COUNT
};
/* "draft", "consultation", "published"; "?" otherwise. */
const char *domain_review_set_state_name(enum indicator_set_state s);
/* The state with this name (case-insensitive), or -1 with *cause. */
int domain_review_set_state_parse(const char *s, char **cause);
/* May a set in `from` move to `to`? draft -> consultation, consultation
 * -> draft, consultation -> published, and draft -> published (a set
 * published without a recorded consultation). 0, or -1 with *cause
 * (FAILED_PRECONDITION). */
int domain_review_set_check_move(enum indicator_set_state from, enum indicator_set_state to,
				 char **cause) __attribute__((warn_unused_result));
/* May the set's indicators or rule change? Not once published (frozen).
 * 0, or -1 with *cause (FAILED_PRECONDITION). */
int domain_review_set_check_edit(enum indicator_set_state state, char **cause)
    __attribute__((warn_unused_result));
/* Is the set fit to publish (or to put out to consultation)? 1 to
 * REVIEW_SET_INDICATORS_MAX indicators, each passing
 * domain_review_indicator_check, codes unique; the rule passing
 * domain_review_rule_check. 0, or -1 with *cause naming the first problem
 * (FAILED_PRECONDITION). */
int domain_review_set_check_complete(const struct review_rule *rule,
				     const struct review_indicator *ind, size_t n, char **cause)
    __attribute__((warn_unused_result));

/* ---- a review's indicator values and the overall result ------------------------ */

enum review_value_state {
	REVIEW_VALUE_MISSING,	   /* nothing recorded yet */
	REVIEW_VALUE_GIVEN,	   /* a value */
	REVIEW_VALUE_NOT_AVAILABLE /* marked not available, with a reason */
};

/* One indicator of the review's (frozen) set and what the review records
 * for it. ind and the reason are borrowed. */
struct review_indicator_entry {
	const struct review_indicator *ind;
	enum review_value_state state;
	int64_t value;			  /* decimal; when GIVEN */
	const char *not_available_reason; /* when NOT_AVAILABLE */
};

/* The entry's RAG: domain_review_indicator_rag when a value is given,
 * REVIEW_RAG_NONE otherwise. */
enum review_rag domain_review_entry_rag(const struct review_indicator_entry *e);

/* ---- contractual requirements and Standards for Better Health ------------------ */

enum requirement_result {
	REQUIREMENT_UNANSWERED,
	REQUIREMENT_MET,
	REQUIREMENT_PARTLY,
	REQUIREMENT_NOT_MET,
	REQUIREMENT_NOT_APPLICABLE,
	REQUIREMENT__COUNT
};
/* "met", "partly", "not-met", "n/a"; "" for UNANSWERED; "?" otherwise. */
const char *domain_review_requirement_result_name(enum requirement_result r);
/* "met", "partly met", "not met", "not applicable"; "not answered". */
const char *domain_review_requirement_result_words(enum requirement_result r);
/* A result by name (case-insensitive; "partly-met" and "not-applicable"
 * are accepted too), or -1 with *cause. "" is not a result. */
int domain_review_requirement_result_parse(const char *s, char **cause);

/* One checklist item of the review: the catalogue's code and the answer. */
struct review_requirement_entry {
	const char *code;
	enum requirement_result result;
};

enum sfbh_domain {
	SFBH_SAFETY,
	SFBH_CLINICAL_COST_EFFECTIVENESS,
	SFBH_GOVERNANCE,
	SFBH_PATIENT_FOCUS,
	SFBH_ACCESSIBLE_RESPONSIVE_CARE,
	SFBH_CARE_ENVIRONMENT_AMENITIES,
	SFBH_PUBLIC_HEALTH,
	SFBH_DOMAIN__COUNT
};
/* "safety", "clinical-cost-effectiveness", "governance", "patient-focus",
 * "accessible-responsive-care", "care-environment-amenities",
 * "public-health"; "?" otherwise. */
const char *domain_review_sfbh_domain_name(enum sfbh_domain d);
/* "Safety", "Clinical and cost effectiveness", ..., "Public health". */
const char *domain_review_sfbh_domain_title(enum sfbh_domain d);
/* The domain with this name (case-insensitive), or -1 with *cause listing
 * the seven. */
int domain_review_sfbh_domain_parse(const char *s, char **cause);

enum sfbh_result {
	SFBH_UNANSWERED,
	SFBH_COMPLIANT,
	SFBH_PARTLY,
	SFBH_NOT_COMPLIANT,
	SFBH_RESULT__COUNT
};
/* "compliant", "partly", "not-compliant"; "" for UNANSWERED; "?" otherwise. */
const char *domain_review_sfbh_result_name(enum sfbh_result r);
/* "compliant", "partly compliant", "not compliant"; "not answered". */
const char *domain_review_sfbh_result_words(enum sfbh_result r);
/* A result by name (case-insensitive; "partly-compliant" too), or -1 with
 * *cause. */
int domain_review_sfbh_result_parse(const char *s, char **cause);

/* Answers carry evidence text (DOMAIN.md: "with evidence text"): required
 * for every answer except "not applicable", where it is optional. The
 * result must be an answer (not UNANSWERED). 0, or -1 with *cause. */
int domain_review_check_requirement_answer(enum requirement_result r, const char *evidence,
					   char **cause) __attribute__((warn_unused_result));
int domain_review_check_sfbh_answer(enum sfbh_result r, const char *evidence, char **cause)
    __attribute__((warn_unused_result));

/* ---- the overall result ----------------------------------------------------------- */

/* How the overall result came about. Counts are over the entries given. */
struct review_overall {
	enum review_rag rag;	 /* the computed result; NONE when nothing was scored */
	enum review_rag by_mean; /* from the weighted mean alone */
	/* The weighted mean, scaled by REVIEW_DECIMAL_ONE and rounded down;
	 * -1 when nothing was scored. */
	int64_t mean;
	size_t n_indicators;	       /* entries */
	size_t n_scored;	       /* with a value */
	size_t n_not_available;	       /* marked not available */
	size_t n_missing;	       /* nothing recorded */
	size_t n_critical_red;	       /* critical indicators that are red */
	size_t n_requirements_not_met; /* checklist items not met */
};

/*
 * The overall RAG by the set's rule (NULL: REVIEW_RULE_DEFAULT), which the
 * caller has checked with domain_review_rule_check, over entries whose
 * indicators passed domain_review_indicator_check:
 *   1. score each indicator with a value: green 2, amber 1, red 0;
 *      indicators not available or without a value are left out of the
 *      mean altogether (neither 0 nor counted in the weights);
 *   2. weighted mean = sum(score x weight) / sum(weight), compared exactly
 *      (integers, no division): >= green_mean green, < red_mean red,
 *      otherwise amber;
 *   3. any critical indicator red: red;
 *   4. any checklist requirement not met: at most amber (green becomes
 *      amber). Every checklist item is a contractual or statutory
 *      requirement; "partly" and "n/a" do not cap.
 * When no indicator has a value there is no mean and the result is
 * REVIEW_RAG_NONE: only a reviewer's override can give one.
 *
 * out (may be NULL) gets the workings. *explanation (may be NULL) gets, in
 * every case, a sentence for `review show` that the caller frees, e.g.
 * "weighted mean 1.62 over 28 of 30 indicators (2 not available): green
 * (green at 1.50 or more, red below 0.75); capped at amber: requirement
 * PRACTICE_LEAFLET not met". The mean is shown to 2 places rounded down.
 */
enum review_rag domain_review_overall(const struct review_rule *rule,
				      const struct review_indicator_entry *ind, size_t n_ind,
				      const struct review_requirement_entry *req, size_t n_req,
				      struct review_overall *out, char **explanation);

/* A reviewer's override of the overall result: red, amber or green, with a
 * reason (recorded and audited by the caller). 0, or -1 with *cause. */
int domain_review_check_override(enum review_rag rag, const char *reason, char **cause)
    __attribute__((warn_unused_result));
/* The result that counts: the override when there is one (not NONE),
 * otherwise the computed one. `review show` prints both. */
enum review_rag domain_review_rag_effective(enum review_rag computed, enum review_rag override);

/* The next visit from the final (effective) RAG: green -> desktop, amber ->
 * standard, red -> full with a mid-year follow-up (*mid_year_follow_up,
 * may be NULL, gets 1; 0 otherwise). NONE gives standard: without a
 * result there are no grounds for a lighter touch. Stored on the review;
 * next year's scheduled review takes it as its default. */
enum review_visit domain_review_next_visit(enum review_rag final_rag, int *mid_year_follow_up);

/* ---- QOF -------------------------------------------------------------------------- */

enum qof_domain {
	QOF_DOMAIN_CLINICAL,
	QOF_DOMAIN_ORGANISATIONAL,
	QOF_DOMAIN_PATIENT_EXPERIENCE,
	QOF_DOMAIN_ADDITIONAL_SERVICES,
	QOF_DOMAIN__COUNT
};
/* "clinical", "organisational", "patient-experience",
 * "additional-services"; "?" otherwise. */
const char *domain_review_qof_domain_name(enum qof_domain d);
/* The domain with this name (case-insensitive), or -1 with *cause. */
int domain_review_qof_domain_parse(const char *s, char **cause);

/* The year's QOF maxima by domain, decimals (half points occur). */
struct qof_maxima {
	int64_t points[QOF_DOMAIN__COUNT];
};

/* The QOF is worth 1,000 points in all (DOMAIN.md). */
#define QOF_TOTAL_POINTS (1000 * REVIEW_DECIMAL_ONE)

/*
 * Defaults for 2009/10, summing to 1,000: clinical 697, organisational
 * 167.5, patient experience 91.5 (2008/09's 146.5 less PE2 and PE6, the 55
 * points reallocated in 2009/10), additional services 44. This is our
 * reading of that year's GMS QOF changes, not a copy of the guidance's
 * table: the maxima are configuration (the setting review.qof-maxima, one
 * set for every year, each review keeping the set its QOF was checked
 * against), and whoever sets them checks them against the published
 * guidance.
 */
#define QOF_MAXIMA_DEFAULT                                                                         \
	{                                                                                          \
		.points = {                                                                        \
			[QOF_DOMAIN_CLINICAL] = 6970000,                                           \
			[QOF_DOMAIN_ORGANISATIONAL] = 1675000,                                     \
			[QOF_DOMAIN_PATIENT_EXPERIENCE] = 915000,                                  \
			[QOF_DOMAIN_ADDITIONAL_SERVICES] = 440000                                  \
		}                                                                                  \
	}

/* 0 when every maximum is > 0 and they sum to exactly QOF_TOTAL_POINTS;
 * -1 with *cause naming the domain or the total. */
int domain_review_qof_maxima_check(const struct qof_maxima *max, char **cause)
    __attribute__((warn_unused_result));

/* A practice's QOF achievement for the year. */
struct qof_achievement {
	int64_t points[QOF_DOMAIN__COUNT]; /* decimals */
	int64_t exception_rate;		   /* decimal percent */
};

/* 0 when each domain's points are 0..that domain's maximum (max NULL: the
 * defaults) and the exception reporting rate is 0..100 percent; -1 with
 * *cause naming the domain and its maximum. */
int domain_review_qof_check(const struct qof_maxima *max, const struct qof_achievement *a,
			    char **cause) __attribute__((warn_unused_result));
/* Sum of the domains' points (decimal). */
int64_t domain_review_qof_total(const struct qof_achievement *a);

/* ---- the action plan ------------------------------------------------------------- */

enum action_status { ACTION_OPEN, ACTION_DONE, ACTION_STATUS__COUNT };
/* "open", "done"; "?" otherwise. */
const char *domain_review_action_status_name(enum action_status s);
/* "open" or "done" (case-insensitive), or -1 with *cause. */
int domain_review_action_status_parse(const char *s, char **cause);

/*
 * What an action is for (its `for` text):
 *   NULL or ""     nothing in particular (REVIEW_ITEM_NONE)
 *   "sfbh:DOMAIN"  a Standards for Better Health domain, e.g. sfbh:safety
 *   CODE           a checklist requirement or a scorecard indicator by its
 *                  code (both ^[A-Z][A-Z0-9_.-]*$; a code that names both a
 *                  requirement and an indicator of the review covers both)
 */
enum review_item_kind { REVIEW_ITEM_NONE, REVIEW_ITEM_CODE, REVIEW_ITEM_SFBH };

struct review_item_ref {
	enum review_item_kind kind;
	const char *code;      /* REVIEW_ITEM_CODE: points into the parsed text */
	enum sfbh_domain sfbh; /* REVIEW_ITEM_SFBH */
};

/* Parses an action's `for` text into *out (its code borrows from s). 0, or
 * -1 with *cause. Whether the item exists in the review is
 * domain_review_content_has_item's question. */
int domain_review_action_for_parse(const char *s, struct review_item_ref *out, char **cause)
    __attribute__((warn_unused_result));

/* One action plan item. Strings borrowed. */
struct review_action {
	int64_t id;	      /* for messages; 0 to number actions by position */
	const char *for_item; /* see struct review_item_ref */
	const char *owner;    /* who will do it */
	int32_t due;	      /* DOMAIN_DATE_NONE when not given */
	enum action_status status;
};

/* An action as recorded: owner and due date given, status valid, `for`
 * well formed. 0, or -1 with *cause. */
int domain_review_action_check(const struct review_action *a, char **cause)
    __attribute__((warn_unused_result));
/* 1 when the action is open and its due date is before today. */
int domain_review_action_is_overdue(const struct review_action *a, int32_t today);

/* ---- the whole review and finalising ----------------------------------------------- */

/* Everything finalising looks at, loaded by the caller. Arrays and strings
 * are borrowed. Narrative text counts as present when it has a character
 * other than white space. */
struct review_content {
	const struct review_requirement_entry *requirements; /* the catalogue's items */
	size_t n_requirements;
	enum sfbh_result sfbh[SFBH_DOMAIN__COUNT];
	const struct review_indicator_entry *indicators; /* every indicator of the set */
	size_t n_indicators;
	const char *achievements; /* narrative: achievements to celebrate */
	const char *developments; /* developments over the next one to two years */
	const char *challenges;	  /* challenges foreseen */
	const struct review_action *actions;
	size_t n_actions;
	const struct review_rule *rule; /* the set's frozen rule; NULL: defaults */
	enum review_rag override;	/* REVIEW_RAG_NONE: no override */
	const char *override_reason;
};

/* Content with nothing recorded: no items, every SfBH domain unanswered,
 * no narrative, no actions, default rule, no override. */
void domain_review_content_init(struct review_content *c);

/* 1 when ref names something in the review: a requirement or indicator
 * with that code, or (always) an SfBH domain. REVIEW_ITEM_NONE gives 1. */
int domain_review_content_has_item(const struct review_content *c,
				   const struct review_item_ref *ref);

/*
 * What stops the review being finalised, all of it, in this order:
 *   every checklist item answered   "requirement COMPLAINTS not answered"
 *   every SfBH domain answered      "SfBH domain safety not answered"
 *   every indicator with a value or marked not available with a reason
 *       "indicator QOF01 has no value (give a value, or mark it not
 *        available with a reason)"
 *       "indicator ACC03 is marked not available without a reason"
 *   the narrative present           "narrative: achievements missing"
 *   an overall result               "overall RAG: no indicator has a value,
 *                                    so none can be computed; record an
 *                                    override with a reason"
 *                                   "overall RAG: the override has no reason"
 *   the action plan rule: every requirement partly or not met, every SfBH
 *   domain partly or not compliant and every red indicator has an action,
 *   and every action has an owner and a due date and names something in
 *   the review:
 *       "action plan: requirement PREMISES partly met has no action"
 *       "action plan: SfBH domain governance not compliant has no action"
 *       "action plan: indicator ACC02 is red and has no action"
 *       "action plan: action 3 (for PREMISES) has no owner and no due date"
 *       "action plan: action 4 is for NOSUCH, which is no requirement or
 *        indicator of this review"
 * Returns how many items are missing (0: ready). When there are some and
 * missing is not NULL, *missing gets them one per line ('\n' between, none
 * at the end) for the caller to free; otherwise *missing is untouched.
 */
size_t domain_review_finalise_missing(const struct review_content *c, char **missing);

/* May the review be finalised? The visit must be recorded: the state
 * visited or draft (FAILED_PRECONDITION naming the state otherwise), since
 * everything else may be recorded before the visit; and nothing missing
 * (FAILED_PRECONDITION: "cannot finalise: 3 things are missing:\n" and
 * the list above). */
enum review_check domain_review_check_finalise(enum review_state state,
					       const struct review_content *c, char **cause)
    __attribute__((warn_unused_result));

#endif
