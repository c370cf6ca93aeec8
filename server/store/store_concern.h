/*
 * Concerns in SQLite (migration 7): the concern itself, its reference,
 * grade and people history, timeline, deadlines, referrals, notes,
 * evidence, action plan and decisions. Status codes and ownership as in
 * store.h: each function returns a protocol status code (0 OK) and sets
 * *cause on an error other than NOT_FOUND; records returned through
 * out-pointers belong to the caller and are freed with their _free
 * function (which accepts NULL).
 *
 * Conventions the RPC layer relies on:
 *  - Dates are civil dates "YYYY-MM-DD" ("" for none), as stored and as the
 *    proto carries them; convert with domain_date_parse for the rules. The
 *    schema refuses anything else (INVALID_ARGUMENT).
 *  - Times are Unix milliseconds; `by` is the acting username ("system" for
 *    the server's own moves).
 *  - Only store_concern_update changes the concern's version, updated_at
 *    and updated_by. Every other writer (grade, assign, deadlines, side
 *    records) leaves them alone, so an RPC that changes a concern calls
 *    store_concern_update exactly once, with the version the user sent (an
 *    empty update just checks and bumps).
 *  - Writers run on the writer thread, inside its transaction; several
 *    calls make one RPC's change atomic. Nothing here begins or commits.
 *  - Statements come from db_stmt's cache and are finished before the next
 *    is fetched, so no function holds one across another store call.
 */
#ifndef ASSURE_STORE_CONCERN_H
#define ASSURE_STORE_CONCERN_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "domain_concern.h"

struct db;

/* ---- the concern ----------------------------------------------------------- */

struct concern_record {
	int64_t id;
	char *ref; /* CON-YYYY-NNNN */
	int year, seq;
	int64_t performer_id;
	/* The subject, from performers: name, profession, list status
	 * ("none" for a pharmacist) and suspension flag. */
	char *performer_name, *profession, *list_status;
	int suspended;
	char *source, *category, *summary, *reporter, *received, *state;
	/* The current grade: 0, 0, 0, "" until graded. */
	int consequence, likelihood, score;
	char *band;
	/* 0 and "" for nobody. */
	int64_t case_manager_id, investigator_id;
	char *case_manager, *investigator; /* usernames */
	int64_t linked_id;
	char *linked_ref;
	int was_panel_referred;
	char *notice_sent, *notice_allegation, *notice_proposed_action, *notice_grounds;
	int representations_received;
	char *hearing_requested, *hearing_date;
	char *outcome; /* domain_concern_outcome_name; "" before a decision */
	char *decision_notice_sent;
	int interim_answered;
	/* The soonest due date of an open deadline ("" for none): the
	 * summary's next_due; overdue when before today. */
	char *next_due;
	int64_t created_at, updated_at, version;
	char *updated_by;
};

void concern_record_free(struct concern_record *c);
void concern_records_free(struct concern_record **v, size_t n);

struct concern_new {
	int64_t performer_id;
	const char *source, *category, *summary;
	const char *reporter; /* NULL: "" */
	const char *received; /* YYYY-MM-DD: its year is the reference's */
	int64_t linked_id;    /* 0: none */
};

/*
 * A new concern in state "received" at version 1. The reference is the
 * received year's next sequence number (max + 1; 1 in a year's first),
 * allocated by the same statement that inserts, so two inserts in one
 * transaction get consecutive numbers. *id (may be NULL) and *ref (may be
 * NULL; caller frees) get the new concern's. INVALID_ARGUMENT for a
 * malformed received date, RESOURCE_EXHAUSTED when the year's 9999
 * references are used, FAILED_PRECONDITION for an unknown performer or
 * linked concern. The linked concern's rules (closed, same subject) are the
 * caller's.
 */
int store_concern_insert(struct db *db, const struct concern_new *in, int64_t now_ms,
			 const char *by, int64_t *id, char **ref, char **cause)
    __attribute__((warn_unused_result));

/* The concern by reference or id; NOT_FOUND when there is none. */
int store_concern_get_by_ref(struct db *db, const char *ref, struct concern_record **out,
			     char **cause) __attribute__((warn_unused_result));
int store_concern_get(struct db *db, int64_t id, struct concern_record **out, char **cause)
    __attribute__((warn_unused_result));

/* Who changed a concern last, and to which version. */

/* Fields store_concern_update may change. NULL strings and negative
 * numbers leave a field as it is; "" clears a text or date field. */
struct concern_update {
	const char *state;
	int mark_panel_referred; /* 1: set was_panel_referred (never cleared); 0: unchanged */
	const char *notice_sent, *notice_allegation, *notice_proposed_action, *notice_grounds;
	int representations_received; /* -1 */
	const char *hearing_requested, *hearing_date;
	const char *outcome;
	const char *decision_notice_sent;
	int interim_answered; /* -1 */
};

/* Everything unchanged. */
void concern_update_init(struct concern_update *u);

/*
 * Applies u (may be NULL: nothing but the bump) to concern id and bumps its
 * version, setting updated_at = now_ms and updated_by = by, but only if its
 * version is still expected_version (0: whatever it is; for the server's
 * own moves). *stamp (may be NULL; clear it afterwards) gets the new
 * version and stamp on OK, and on ABORTED (a stale version) the current
 * ones, so the caller can say "changed by NAME at TIME"; *cause then says
 * the same in plain words. NOT_FOUND when there is no such concern;
 * INVALID_ARGUMENT when the schema refuses a value (an unknown state, a
 * malformed date).
 */
int store_concern_update(struct db *db, int64_t id, int64_t expected_version,
			 const struct concern_update *u, int64_t now_ms, const char *by,
			 struct db_stamp *stamp, char **cause) __attribute__((warn_unused_result));

struct concern_filter {
	const char *state;    /* NULL/"": any */
	int64_t performer_id; /* 0: any */
	const char *band;     /* NULL/"": any */
	int64_t user_id;      /* 0: any; else case manager or investigator */
	/* Access restrictions (DOMAIN.md "Access to concern content"), applied
	 * before paging so pages stay full: */
	int64_t investigator_id;    /* 0: any; else only concerns this user investigates */
	int panel_referred_only;    /* only concerns panel-referred at some time */
	const char *overdue_before; /* NULL/"": any; else an open deadline due before it */
	int64_t after_id;	    /* paging: ids greater than this; 0 from the start */
	unsigned limit;
};

/* Concerns matching f, by id, at most f->limit (0: none). The next page
 * starts after the last id returned. */
int store_concern_list(struct db *db, const struct concern_filter *f, struct concern_record ***out,
		       size_t *n, char **cause) __attribute__((warn_unused_result));
/* The SQL store_concern_list runs for f (static text): the query led by
 * the index of f's most selective filter. For tests of its plan
 * (db_explain). */
const char *store_concern_list_sql(const struct concern_filter *f);

/*
 * The server's appeal-window job: concerns in appeal-window with no open
 * "appeal" deadline due today or later, i.e. whose appeal deadline has
 * passed (due before today) or was never recorded, by id, at most limit.
 * domain_concern_check_move (role system) remains the judge for each.
 */
int store_concern_appeal_window_expired(struct db *db, const char *today, unsigned limit,
					struct concern_record ***out, size_t *n, char **cause)
    __attribute__((warn_unused_result));
/* The same, for ids greater than after_id (so concerns the job cannot move
 * never keep it from reaching the ones after them). */
int store_concern_appeal_window_expired_after(struct db *db, const char *today, int64_t after_id,
					      unsigned limit, struct concern_record ***out,
					      size_t *n, char **cause)
    __attribute__((warn_unused_result));

/* ---- grades ------------------------------------------------------------------- */

struct concern_grade_record {
	int64_t id;
	int consequence, likelihood, score;
	char *band;
	char *reason;
	int64_t at;
	char *by;
};

void concern_grades_free(struct concern_grade_record *v, size_t n);

/*
 * Grades concern_id: score and band computed by domain_grade_score and
 * domain_grade_band under bands (NULL: the defaults), appended to the grade
 * history and made the concern's current grade (no version bump). *out
 * (may be NULL; free with concern_grades_free(out, 1)) gets the row.
 * INVALID_ARGUMENT for a grade outside 1..5, NOT_FOUND for no such concern.
 */
int store_concern_grade_add(struct db *db, int64_t concern_id, int consequence, int likelihood,
			    const char *reason, const struct grade_bands *bands, int64_t now_ms,
			    const char *by, struct concern_grade_record **out, char **cause)
    __attribute__((warn_unused_result));
/* The grade history, oldest first. */
int store_concern_grades(struct db *db, int64_t concern_id, struct concern_grade_record **out,
			 size_t *n, char **cause) __attribute__((warn_unused_result));

/* ---- people ------------------------------------------------------------------- */

enum concern_person_role {
	CONCERN_PERSON_CASE_MANAGER,
	CONCERN_PERSON_INVESTIGATOR,
	CONCERN_PERSON_PANEL,
};

/* "case-manager", "investigator", "panel". */
const char *store_concern_person_role_name(enum concern_person_role r);

/*
 * Makes user_id (0: nobody) the concern's case manager or investigator
 * (role PANEL is refused: INVALID_ARGUMENT). History: the current holder's
 * concern_people row is ended at now_ms and a new one begun. Naming the
 * current holder again changes nothing. No version bump. NOT_FOUND for no
 * such concern, FAILED_PRECONDITION for no such user.
 */
int store_concern_assign(struct db *db, int64_t concern_id, enum concern_person_role role,
			 int64_t user_id, int64_t now_ms, const char *by, char **cause)
    __attribute__((warn_unused_result));

/* Records that users sat on a deciding panel (decision, suspension,
 * reinstatement) of the concern at now_ms. */
int store_concern_panel_add(struct db *db, int64_t concern_id, const int64_t *user_ids, size_t n,
			    int64_t now_ms, const char *by, char **cause)
    __attribute__((warn_unused_result));

/*
 * For the conflict rules (struct concern_facts former_ids and panel_ids):
 * the distinct user ids who have ever been case manager or investigator of
 * the concern, current ones included, and those who have sat on a deciding
 * panel for it, each ascending. Free both arrays with free().
 */
int store_concern_people(struct db *db, int64_t concern_id, int64_t **former, size_t *n_former,
			 int64_t **panel, size_t *n_panel, char **cause)
    __attribute__((warn_unused_result));

struct concern_person_record {
	int64_t user_id;
	char *username;
	char *role;
	int64_t from_at, to_at; /* to_at 0 while current */
	char *by;
};

void concern_people_free(struct concern_person_record *v, size_t n);
/* The people history, oldest first. */
int store_concern_people_history(struct db *db, int64_t concern_id,
				 struct concern_person_record **out, size_t *n, char **cause)
    __attribute__((warn_unused_result));

/* ---- timeline ----------------------------------------------------------------- */

struct concern_event_record {
	int64_t id;
	int64_t at;
	char *by;
	char *kind; /* opened, transition, grade, assign, note, referral, ... */
	char *from_state, *to_state;
	char *text;
	char *date;   /* as the user gave it; "" for none */
	char *detail; /* "name: value" lines */
};

void concern_events_free(struct concern_event_record *v, size_t n);

/* Appends to the timeline. e->id is ignored; NULL strings are "". *id may
 * be NULL. */
int store_concern_event_add(struct db *db, int64_t concern_id, const struct concern_event_record *e,
			    int64_t *id, char **cause) __attribute__((warn_unused_result));
/* The timeline, oldest first. */
int store_concern_events(struct db *db, int64_t concern_id, struct concern_event_record **out,
			 size_t *n, char **cause) __attribute__((warn_unused_result));

/* ---- deadlines ---------------------------------------------------------------- */

struct concern_deadline_record {
	int64_t id;
	int64_t concern_id;
	char *concern_ref;
	char *kind; /* domain_concern_clock_name */
	char *start, *due;
	char *basis; /* "28 days"; "" when the due date was given */
	char *met;   /* the date it stopped being open; "" while open */
	int cancelled;
	int action_number; /* 0 unless an action-due clock */
	/* Joined, for the due list: */
	char *performer_name;
	char *state;
};

void concern_deadlines_free(struct concern_deadline_record *v, size_t n);

/* Adds a deadline from the rules (domain_concern_move_deadlines): kind,
 * start, due and basis formatted here. action_number ties an action-due
 * clock to its item (0: none). *id may be NULL. */
int store_concern_deadline_add(struct db *db, int64_t concern_id, const struct concern_deadline *d,
			       int action_number, int64_t *id, char **cause)
    __attribute__((warn_unused_result));
/* The concern's deadlines, by due date then id: only the open ones when
 * open_only, else all. */
int store_concern_deadlines(struct db *db, int64_t concern_id, int open_only,
			    struct concern_deadline_record **out, size_t *n, char **cause)
    __attribute__((warn_unused_result));

struct concern_due_filter {
	const char *due_by;	 /* open deadlines due on or before this date (overdue included) */
	int64_t user_id;	 /* 0: any; else case manager or investigator ("mine") */
	int64_t investigator_id; /* 0: any; else only concerns this user investigates */
	int panel_referred_only;
	/* Keyset paging: deadlines after (after_due, after_id) in (due, id)
	 * order; NULL/"" and 0 from the start. */
	const char *after_due;
	int64_t after_id;
	unsigned limit;
};

/* Open deadlines of open concerns across all concerns, soonest first (then
 * by id), with reference, performer name and state, at most f->limit. The
 * next page starts after the last (due, id) returned. */
int store_concern_deadlines_due(struct db *db, const struct concern_due_filter *f,
				struct concern_deadline_record **out, size_t *n, char **cause)
    __attribute__((warn_unused_result));
/* Its SQL (static text), for tests of its plan (db_explain). */
const char *store_concern_deadlines_due_sql(void);

/* Marks one open deadline of the concern met on date. NOT_FOUND when the
 * concern has no such open deadline. */
int store_concern_deadline_met(struct db *db, int64_t concern_id, int64_t deadline_id,
			       const char *date, char **cause) __attribute__((warn_unused_result));
/* Ends the concern's open deadlines of kind (NULL: every kind) on date:
 * met, or cancelled when the concern moved on without them (closure).
 * *count (may be NULL) gets how many. */
int store_concern_deadlines_close(struct db *db, int64_t concern_id, const char *kind,
				  const char *date, int cancelled, int *count, char **cause)
    __attribute__((warn_unused_result));

/* ---- referrals ---------------------------------------------------------------- */

struct concern_referral_record {
	int64_t id;
	char *body; /* domain_referral_body_name */
	char *date;
	char *rationale, *their_ref, *response;
	int64_t at;
	char *by;
	int64_t updated_at;
	char *updated_by;
};

void concern_referrals_free(struct concern_referral_record *v, size_t n);

/* Adds a referral (r->id, at, by, updated_* ignored; NULL strings are "").
 * *id may be NULL. */
int store_concern_referral_add(struct db *db, int64_t concern_id,
			       const struct concern_referral_record *r, int64_t now_ms,
			       const char *by, int64_t *id, char **cause)
    __attribute__((warn_unused_result));
/* Records the body's reference and/or response (NULL: unchanged).
 * NOT_FOUND when the concern has no such referral. */
int store_concern_referral_update(struct db *db, int64_t concern_id, int64_t referral_id,
				  const char *their_ref, const char *response, int64_t now_ms,
				  const char *by, char **cause) __attribute__((warn_unused_result));
/* Oldest first. */
int store_concern_referrals(struct db *db, int64_t concern_id, struct concern_referral_record **out,
			    size_t *n, char **cause) __attribute__((warn_unused_result));

/* ---- notes and evidence (append-only) ----------------------------------------- */

struct concern_note_record {
	int64_t id;
	char *text;
	int64_t at;
	char *by;
};

void concern_notes_free(struct concern_note_record *v, size_t n);
int store_concern_note_add(struct db *db, int64_t concern_id, const char *text, int64_t now_ms,
			   const char *by, int64_t *id, char **cause)
    __attribute__((warn_unused_result));
/* Oldest first. */
int store_concern_notes(struct db *db, int64_t concern_id, struct concern_note_record **out,
			size_t *n, char **cause) __attribute__((warn_unused_result));

struct concern_evidence_record {
	int64_t id;
	char *title, *location;
	char *sha256; /* 64 lowercase hex digits, or "" */
	int64_t at;
	char *by;
};

void concern_evidence_free(struct concern_evidence_record *v, size_t n);
/* location and sha256 may be NULL (""); a sha256 not in
 * domain_concern_check_sha256's spelling is INVALID_ARGUMENT. */
int store_concern_evidence_add(struct db *db, int64_t concern_id, const char *title,
			       const char *location, const char *sha256, int64_t now_ms,
			       const char *by, int64_t *id, char **cause)
    __attribute__((warn_unused_result));
/* Oldest first. */
int store_concern_evidence(struct db *db, int64_t concern_id, struct concern_evidence_record **out,
			   size_t *n, char **cause) __attribute__((warn_unused_result));

/* ---- action plan -------------------------------------------------------------- */

struct concern_action_record {
	int number; /* 1, 2, ... within the concern */
	char *text, *owner;
	char *due;  /* "" when none */
	char *done; /* the date done; "" while open */
	int64_t at;
	char *by;
	int64_t done_at;
	char *done_by;
};

void concern_actions_free(struct concern_action_record *v, size_t n);

/* Adds an action with the concern's next number (max + 1), returned in
 * *number (may be NULL). owner and due may be NULL (""). The caller adds its
 * action-due deadline with that number. */
int store_concern_action_add(struct db *db, int64_t concern_id, const char *text, const char *owner,
			     const char *due, int64_t now_ms, const char *by, int *number,
			     char **cause) __attribute__((warn_unused_result));
/* Marks action `number` done on date, and its open action-due deadlines met
 * on that date. NOT_FOUND for no such action, FAILED_PRECONDITION when it is
 * already done. */
int store_concern_action_done(struct db *db, int64_t concern_id, int number, const char *date,
			      int64_t now_ms, const char *by, char **cause)
    __attribute__((warn_unused_result));
/* By number. */
int store_concern_actions(struct db *db, int64_t concern_id, struct concern_action_record **out,
			  size_t *n, char **cause) __attribute__((warn_unused_result));

/* ---- decisions (append-only) ------------------------------------------------------ */

struct concern_decision_record {
	int64_t id;
	char *kind; /* decision, suspension, reinstatement */
	char *outcome, *rationale;
	char **grounds; /* removal ground names */
	size_t n_grounds;
	char *conditions, *representations_considered, *facts_relied_on;
	char **panel; /* usernames of the deciding panel */
	size_t n_panel;
	char *date;
	char *detail; /* kind-specific "name: value" lines (suspension basis, end, ...) */
	char *status_before, *status_after; /* the subject's list status */
	char *conditions_before;	    /* the subject's conditions before (migration 8) */
	int64_t at;
	char *by;
};

void concern_decisions_free(struct concern_decision_record *v, size_t n);

/* Appends a decision (d->id, at, by ignored; NULL strings are ""). Grounds
 * and panel entries must be non-empty and hold no newline
 * (INVALID_ARGUMENT). The panel's user ids go to store_concern_panel_add
 * separately. *id may be NULL. */
int store_concern_decision_add(struct db *db, int64_t concern_id,
			       const struct concern_decision_record *d, int64_t now_ms,
			       const char *by, int64_t *id, char **cause)
    __attribute__((warn_unused_result));
/* Oldest first. */
int store_concern_decisions(struct db *db, int64_t concern_id, struct concern_decision_record **out,
			    size_t *n, char **cause) __attribute__((warn_unused_result));

#endif
