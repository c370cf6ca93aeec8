/*
 * Annual contract reviews in SQLite (migration 10): the review row
 * (reference allocation, reads with its contract and indicator set joined,
 * the version-checked update, lists with filters and keyset paging), its
 * checklist and Standards for Better Health rows, indicator scores, action
 * plan and history, and the due list (open actions, open contract notices
 * with deadlines, scheduled visits). Status codes and ownership as in
 * store.h: each function returns a protocol status code (0 OK) and sets
 * *cause on an error other than NOT_FOUND; records returned through
 * out-pointers belong to the caller and are freed with their _free
 * function (which accepts NULL).
 *
 * Conventions the RPC layer relies on:
 *  - Review years are "2009/10" text; civil dates "YYYY-MM-DD" ("" for
 *    none); times Unix seconds (migration 10's convention); `by` is the
 *    acting username.
 *  - Decimals (values, thresholds, weights, QOF points, means) are int64_t
 *    scaled by REVIEW_DECIMAL_ONE, as stored.
 *  - Only store_review_update changes the review's version, updated_at and
 *    updated_by. Every other writer (answers, scores, actions, events, the
 *    set binding) leaves them alone, so an RPC that changes a review calls
 *    store_review_update exactly once, with the version the user sent.
 *  - Writers run on the writer thread inside its transaction; nothing here
 *    begins or commits. Statements come from db_stmt's cache and are
 *    finished before the next is fetched.
 *  - `today` arguments ("YYYY-MM-DD") decide what is overdue: an open
 *    action due before today.
 */
#ifndef ASSURE_STORE_REVIEW_H
#define ASSURE_STORE_REVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"

struct db;

/* ---- the indicator set a review is scored against ------------------------- */

struct review_set_record {
	int64_t id;
	char *name;
	int64_t green_mean, red_mean; /* the set's frozen overall rule */
};

void review_set_record_free(struct review_set_record *s);

/* The indicator set published for year ("2009/10"); NOT_FOUND when none
 * is. */
int store_review_published_set(struct db *db, const char *year, struct review_set_record **out,
			       char **cause) __attribute__((warn_unused_result));

/* ---- the review --------------------------------------------------------------- */

struct review_record {
	int64_t id;
	char *ref; /* REV-YYYY-NNNN */
	int64_t contract_id;
	/* The contract, joined: ODS code, practice name, type, site code. */
	char *ods, *practice, *contract_type, *site;
	char *year; /* "2009/10" */
	char *kind, *state, *visit_type;
	char *scheduled_date, *visited_date;
	/* The bound indicator set: 0, "" and the default rule until bound. */
	int64_t set_id;
	char *set_name;
	int64_t green_mean, red_mean;
	int catalogue_version;
	int qof_recorded;
	int64_t qof_clinical, qof_organisational, qof_patient_experience, qof_additional;
	int has_exception_rate;
	int64_t qof_exception_rate;
	/* The maxima the points were checked against when recorded (0 while
	 * none is recorded). */
	int64_t qof_max_clinical, qof_max_organisational, qof_max_patient_experience,
	    qof_max_additional;
	char *achievements, *developments, *challenges;
	char *computed_rag, *derivation, *override_rag, *override_reason;
	char *final_rag, *next_visit_type;
	int follow_up;
	int64_t finalised_at;
	char *finalised_by;
	int64_t created_at, updated_at, version;
	char *created_by, *updated_by;
	/* Counted at read time against `today`. */
	unsigned open_actions, overdue_actions;
};

void review_record_free(struct review_record *r);
void review_records_free(struct review_record **v, size_t n);

struct review_new {
	int64_t contract_id;
	int ref_year;		    /* the review year's first year: REV-<ref_year>-NNNN */
	const char *year;	    /* "2009/10" */
	const char *kind;	    /* annual, mid-year */
	const char *visit_type;	    /* desktop, standard, full */
	const char *scheduled_date; /* "" for none */
	int64_t set_id;		    /* the year's published set; 0 for none yet */
};

/*
 * A new review in state scheduled at version 1, with a checklist row
 * (unanswered) for every current requirement of the catalogue and a row
 * for each of the seven SfBH domains; catalogue_version is the
 * catalogue's current version. The reference is the ref_year's next
 * sequence number, allocated by the statement that inserts. *id and *ref
 * (caller frees) may be NULL. ALREADY_EXISTS when the contract already has
 * a review of that kind for the year, RESOURCE_EXHAUSTED when the year's
 * 9999 references are used.
 */
int store_review_insert(struct db *db, const struct review_new *in, int64_t now, const char *by,
			int64_t *id, char **ref, char **cause) __attribute__((warn_unused_result));

/* The reference of the contract's review of kind for year; NOT_FOUND when
 * there is none. Caller frees *ref. */
int store_review_find(struct db *db, int64_t contract_id, const char *year, const char *kind,
		      char **ref, char **cause) __attribute__((warn_unused_result));

/* The next visit type recorded by the contract's latest finalised annual
 * review of a year before `year`; NOT_FOUND when there is none. Caller
 * frees *visit_type. */
int store_review_last_next_visit(struct db *db, int64_t contract_id, const char *year,
				 char **visit_type, char **cause)
    __attribute__((warn_unused_result));

/* The review by reference or id; NOT_FOUND when there is none. */
int store_review_get_by_ref(struct db *db, const char *ref, const char *today,
			    struct review_record **out, char **cause)
    __attribute__((warn_unused_result));
int store_review_get(struct db *db, int64_t id, const char *today, struct review_record **out,
		     char **cause) __attribute__((warn_unused_result));

/* Binds the review to indicator set set_id (no version bump). */
int store_review_bind_set(struct db *db, int64_t review_id, int64_t set_id, char **cause)
    __attribute__((warn_unused_result));

/* Who changed a review last, and to which version. */

/* Fields store_review_update may change: NULL strings, negative flags and
 * 0 times leave a field as it is; "" clears a text field. */
struct review_update {
	const char *state;
	const char *visited_date;
	int set_qof; /* 1: write the QOF fields below (points, rate, maxima) */
	int64_t qof_clinical, qof_organisational, qof_patient_experience, qof_additional;
	int has_exception_rate; /* with set_qof: 0 stores none */
	int64_t qof_exception_rate;
	/* with set_qof: the maxima the points were checked against */
	int64_t qof_max_clinical, qof_max_organisational, qof_max_patient_experience,
	    qof_max_additional;
	const char *achievements, *developments, *challenges;
	const char *computed_rag, *derivation;
	const char *override_rag, *override_reason;
	const char *final_rag, *next_visit_type;
	int follow_up; /* -1 */
	int64_t finalised_at;
	const char *finalised_by;
};

/* Everything unchanged. */
void review_update_init(struct review_update *u);

/*
 * Applies u to review id and bumps its version, setting updated_at = now
 * and updated_by = by, but only if its version is still expected_version
 * (0: whatever it is). *stamp (may be NULL; clear it afterwards) gets the
 * new version and stamp on OK, and on ABORTED (a stale version) the
 * current ones, for "changed by NAME at TIME". NOT_FOUND when there is no
 * such review.
 */
int store_review_update(struct db *db, int64_t id, int64_t expected_version,
			const struct review_update *u, int64_t now, const char *by,
			struct db_stamp *stamp, char **cause) __attribute__((warn_unused_result));

/* Stores the overall result as recomputed after a change (no version
 * bump): the computed RAG and its derivation, and for a finalised review
 * (final_rag not NULL) the final RAG, next visit type and follow-up. */
int store_review_set_result(struct db *db, int64_t id, const char *computed_rag,
			    const char *derivation, const char *final_rag,
			    const char *next_visit_type, int follow_up, char **cause)
    __attribute__((warn_unused_result));

struct review_filter {
	const char *year;    /* NULL/"": any */
	const char *rag;     /* the result in force: final, else override, else computed */
	const char *state;   /* NULL/"": any */
	const char *ods;     /* NULL/"": any */
	const char *site;    /* site code; NULL/"": any */
	int overdue_actions; /* only reviews with an open action due before today */
	const char *today;
	int64_t after_id; /* paging: ids greater than this; 0 from the start */
	unsigned limit;
};

/* Reviews matching f, by id, at most f->limit. */
int store_review_list(struct db *db, const struct review_filter *f, struct review_record ***out,
		      size_t *n, char **cause) __attribute__((warn_unused_result));

/* ---- checklist and SfBH answers ---------------------------------------------- */

struct review_check_record {
	char *code, *title;
	char *result; /* met, partly, not-met, n/a; "" unanswered */
	char *evidence;
	int64_t at;
	char *by;
};

void review_checks_free(struct review_check_record *v, size_t n);
/* The review's checklist in catalogue order. */
int store_review_checks(struct db *db, int64_t review_id, struct review_check_record **out,
			size_t *n, char **cause) __attribute__((warn_unused_result));
/* Answers checklist item `code`. NOT_FOUND when the review's checklist has
 * no such item. */
int store_review_check_set(struct db *db, int64_t review_id, const char *code, const char *result,
			   const char *evidence, int64_t now, const char *by, char **cause)
    __attribute__((warn_unused_result));

struct review_sfbh_record {
	char *domain, *title;
	char *result; /* compliant, partly, not-compliant; "" unanswered */
	char *evidence;
	int64_t at;
	char *by;
};

void review_sfbh_free(struct review_sfbh_record *v, size_t n);
/* The review's seven SfBH rows in their order. */
int store_review_sfbh(struct db *db, int64_t review_id, struct review_sfbh_record **out, size_t *n,
		      char **cause) __attribute__((warn_unused_result));
/* Answers SfBH domain `domain`. NOT_FOUND when the review has no such row. */
int store_review_sfbh_set(struct db *db, int64_t review_id, const char *domain, const char *result,
			  const char *evidence, int64_t now, const char *by, char **cause)
    __attribute__((warn_unused_result));

/* ---- the scorecard ------------------------------------------------------------- */

/* One indicator of a set and what a review records for it. */
struct review_score_record {
	int64_t indicator_id;
	char *code, *name, *domain, *unit, *direction;
	int64_t green, amber, weight;
	int critical;
	int position;
	int recorded;  /* a score row exists */
	int has_value; /* ... with a value */
	int64_t value;
	char *not_available; /* the reason, when recorded without a value */
	char *rag;	     /* as stored with the score */
	int64_t at;
	char *by;
};

void review_scores_free(struct review_score_record *v, size_t n);
/* Every indicator of set_id in set order, with review_id's scores. */
int store_review_scores(struct db *db, int64_t review_id, int64_t set_id,
			struct review_score_record **out, size_t *n, char **cause)
    __attribute__((warn_unused_result));
/* Records (or replaces) the review's score for indicator_id: a value with
 * its RAG (has_value), or not available with a reason. */
int store_review_score_set(struct db *db, int64_t review_id, int64_t indicator_id, int has_value,
			   int64_t value, const char *rag, const char *not_available, int64_t now,
			   const char *by, char **cause) __attribute__((warn_unused_result));

/* ---- the action plan ----------------------------------------------------------- */

struct review_action_record {
	int number; /* 1, 2, ... within the review */
	char *text, *owner, *due, *for_item;
	char *done; /* the date done; "" while open */
	int64_t at;
	char *by;
	int64_t done_at;
	char *done_by;
};

void review_actions_free(struct review_action_record *v, size_t n);
/* By number. */
int store_review_actions(struct db *db, int64_t review_id, struct review_action_record **out,
			 size_t *n, char **cause) __attribute__((warn_unused_result));
/* Adds an action with the review's next number (max + 1) into *number
 * (may be NULL). */
int store_review_action_add(struct db *db, int64_t review_id, const char *text, const char *owner,
			    const char *due, const char *for_item, int64_t now, const char *by,
			    int *number, char **cause) __attribute__((warn_unused_result));
/* Marks action `number` done on date. NOT_FOUND for no such action,
 * FAILED_PRECONDITION when it is already done. */
int store_review_action_done(struct db *db, int64_t review_id, int number, const char *date,
			     int64_t now, const char *by, char **cause)
    __attribute__((warn_unused_result));

/* ---- history ------------------------------------------------------------------- */

struct review_event_record {
	int64_t id;
	int64_t at;
	char *by;
	char *kind; /* scheduled, visited, qof, check, ..., finalised, amendment */
	char *text; /* reason or summary */
	char *detail;
};

void review_events_free(struct review_event_record *v, size_t n);
/* Appends to the review's history (NULL strings are ""). */
int store_review_event_add(struct db *db, int64_t review_id, const char *kind, const char *text,
			   const char *detail, int64_t now, const char *by, char **cause)
    __attribute__((warn_unused_result));
/* Oldest first. */
int store_review_events(struct db *db, int64_t review_id, struct review_event_record **out,
			size_t *n, char **cause) __attribute__((warn_unused_result));

/* ---- the due list ------------------------------------------------------------------ */

struct review_due_record {
	char *kind; /* action, notice, visit */
	char *due;
	char *ods, *practice, *review_ref;
	int number; /* action or notice number; 0 for a visit */
	char *text, *owner;
	int64_t id; /* the row's id within its kind, for paging */
	int kind_order;
};

void review_due_free(struct review_due_record *v, size_t n);

struct review_due_filter {
	const char *due_by; /* due on or before this date (overdue included) */
	/* Paging: items after (after_due, after_kind, after_id) in the list's
	 * order; after_due NULL from the start. */
	const char *after_due;
	int after_kind;
	int64_t after_id;
	unsigned limit;
};

/* Open review actions, open contract notices with a deadline and visits of
 * reviews still scheduled, due by f->due_by, soonest first (then actions,
 * notices, visits; then by id), at most f->limit. */
int store_review_due(struct db *db, const struct review_due_filter *f,
		     struct review_due_record **out, size_t *n, char **cause)
    __attribute__((warn_unused_result));

#endif
