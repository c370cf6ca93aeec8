/*
 * The rules of a GP practice's contract (DOMAIN.md "Contracts"): the
 * practice's ODS code, the contract type, its dates and list size, and the
 * contract notices an annual review may give rise to (remedial or breach,
 * with the period a remedial notice allows and its deadline).
 *
 * Pure functions: the storage layer keeps contracts and notices, the RPC
 * layer fills the structs below from the request, and these say yes or no
 * with a sentence naming the rule. Configuration comes in as struct
 * contract_config; NULL means CONTRACT_CONFIG_DEFAULT.
 *
 * Errors: 0 / -1 with *cause, a sentence naming the field, allocated with
 * xasprintf for the caller to free, set only on failure (cause may be
 * NULL). Every failure here is INVALID_ARGUMENT to the RPC layer. Values
 * are never echoed back: they arrive from clients and may hold anything.
 */
#ifndef ASSURE_DOMAIN_CONTRACT_H
#define ASSURE_DOMAIN_CONTRACT_H

#include <stdint.h>

#include "domain_dates.h"

/* ---- the practice ---------------------------------------------------------- */

/* An ODS code is 6 characters; with NUL. */
#define CONTRACT_ODS_CODE_BUFSZ 7

/*
 * The practice's ODS (Organisation Data Service) code, exactly as stored:
 * ^[A-Z][0-9]{5}$, e.g. E84001. No trimming and no case folding here (the
 * CLI may upper-case what it is given before sending it). 0, or -1 with
 * *cause naming the first character that is wrong ("ODS code: character 3
 * must be a digit; an ODS code is a capital letter then 5 digits, e.g.
 * E84001").
 */
int domain_contract_check_ods_code(const char *code, char **cause)
    __attribute__((warn_unused_result));

enum contract_type {
	CONTRACT_TYPE_GMS,   /* General Medical Services */
	CONTRACT_TYPE_PMS,   /* Personal Medical Services */
	CONTRACT_TYPE_APMS,  /* Alternative Provider Medical Services: fixed term */
	CONTRACT_TYPE_PCTMS, /* PCT Medical Services: the PCT's salaried practices */
	CONTRACT_TYPE__COUNT
};

/* "gms", "pms", "apms", "pctms"; "?" otherwise. */
const char *domain_contract_type_name(enum contract_type t);
/* "General Medical Services", ..., "PCT Medical Services"; "?" otherwise. */
const char *domain_contract_type_title(enum contract_type t);
/* The type with this name (case-insensitive), or -1 with *cause ("contract
 * type: must be one of gms, pms, apms, pctms"). */
int domain_contract_type_parse(const char *s, char **cause);

/*
 * A contract's dates. Only an APMS contract is let for a fixed term, so an
 * APMS contract must have a start and an end date after it, and the others
 * (GMS, PMS and PCTMS run until they are terminated or varied) must have
 * no end: end must be DOMAIN_DATE_NONE. Their start may be
 * DOMAIN_DATE_NONE when it is not recorded (most GMS contracts date from
 * the 2004 contract, and the PCT's records may not say the day).
 * Termination is a recorded event, not an end date. 0, or -1 with *cause.
 */
int domain_contract_check_dates(enum contract_type t, int32_t start, int32_t end, char **cause)
    __attribute__((warn_unused_result));

/* ---- configuration ---------------------------------------------------------- */

struct contract_config {
	/* Fewest days a remedial notice may give to put a breach right unless
	 * patient safety requires less (28). */
	int remedial_min_days;
	/* Largest list size accepted (200,000: ten times the largest practices
	 * of 2009, so only a typing slip exceeds it). */
	int list_size_max;
};

#define CONTRACT_CONFIG_DEFAULT                                                                    \
	{                                                                                          \
		.remedial_min_days = 28, .list_size_max = 200000                                   \
	}

/* Longest period any notice may give, in days (a year: anything longer is
 * not a notice but a slip). */
#define CONTRACT_NOTICE_PERIOD_MAX 365
/* The configuration may not set list_size_max above this. */
#define CONTRACT_LIST_SIZE_LIMIT 1000000

/* 0 when the configuration is usable: remedial_min_days 1..
 * CONTRACT_NOTICE_PERIOD_MAX, list_size_max 1..CONTRACT_LIST_SIZE_LIMIT.
 * -1 with *cause naming the setting. */
int domain_contract_config_check(const struct contract_config *cfg, char **cause)
    __attribute__((warn_unused_result));

/* The registered list size: 1..cfg->list_size_max patients. 0, or -1 with
 * *cause. */
int domain_contract_check_list_size(const struct contract_config *cfg, int64_t list_size,
				    char **cause) __attribute__((warn_unused_result));

/* ---- contract notices ------------------------------------------------------- */

enum contract_notice_kind {
	/* A breach that can be put right: names the breach and the steps, and
	 * gives a period to take them. */
	CONTRACT_NOTICE_REMEDIAL,
	/* A breach that cannot be put right: no steps, no period. */
	CONTRACT_NOTICE_BREACH,
	CONTRACT_NOTICE__COUNT
};

/* "remedial", "breach"; "?" otherwise. */
const char *domain_contract_notice_kind_name(enum contract_notice_kind k);
/* The kind with this name (case-insensitive), or -1 with *cause. */
int domain_contract_notice_kind_parse(const char *s, char **cause);

/* A notice as the request gives it. Text counts as given when it has a
 * character other than white space. Borrowed strings. */
struct contract_notice_input {
	enum contract_notice_kind kind;
	int32_t issued;	    /* the notice's date; required */
	const char *breach; /* what the contractor failed to do; required */
	const char *steps;  /* remedial: what must be done; breach: none */
	int period_days;    /* remedial: days to take the steps; breach: 0 */
	/* remedial: why patient safety requires a period shorter than
	 * remedial_min_days. Required exactly when the period is shorter;
	 * recorded with the notice. */
	const char *patient_safety_reason;
};

/*
 * Checks a notice and gives its deadline in *deadline (may be NULL):
 *   remedial  breach given (the steps with it, or apart); period_days at least
 *             cfg->remedial_min_days, or at least 1 when a patient-safety
 *             reason is recorded, and at most CONTRACT_NOTICE_PERIOD_MAX;
 *             deadline = issued + period_days calendar days (the last day
 *             on which the steps may be taken).
 *   breach    breach given; no steps, no period, no patient-safety reason
 *             (there is nothing to put right); deadline DOMAIN_DATE_NONE.
 * A patient-safety reason on a remedial notice with a full period is kept
 * (harmless). 0, or -1 with *cause naming the field.
 */
int domain_contract_notice_check(const struct contract_config *cfg,
				 const struct contract_notice_input *in, int32_t *deadline,
				 char **cause) __attribute__((warn_unused_result));

enum contract_notice_outcome {
	CONTRACT_OUTCOME_REMEDIED,     /* the breach was put right in time */
	CONTRACT_OUTCOME_NOT_REMEDIED, /* it was not, or it could not be */
	CONTRACT_OUTCOME_WITHDRAWN,    /* the PCT withdrew the notice */
	CONTRACT_OUTCOME__COUNT
};

/* "remedied", "not-remedied", "withdrawn"; "?" otherwise. */
const char *domain_contract_notice_outcome_name(enum contract_notice_outcome o);
/* The outcome with this name (case-insensitive), or -1 with *cause. */
int domain_contract_notice_outcome_parse(const char *s, char **cause);

/*
 * May a notice of kind `kind`, issued on `issued`, be given this outcome
 * on `date`? The notice must still be open (has_outcome 0; a notice's
 * outcome is recorded once: FAILED_PRECONDITION); a breach notice is for a
 * breach that cannot be put right, so it is never "remedied"
 * (FAILED_PRECONDITION); the date is given, not before the notice's date
 * and not after today (INVALID_ARGUMENT). Returns the verdict; *cause as
 * usual.
 */
enum contract_check { CONTRACT_OK, CONTRACT_INVALID_ARGUMENT, CONTRACT_FAILED_PRECONDITION };
enum contract_check domain_contract_notice_check_outcome(enum contract_notice_kind kind,
							 int32_t issued, int has_outcome,
							 enum contract_notice_outcome outcome,
							 int32_t date, int32_t today, char **cause)
    __attribute__((warn_unused_result));

#endif
