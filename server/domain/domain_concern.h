/*
 * The rules of a concern's life (DOMAIN.md "Concerns"): the state machine
 * of "States and who moves them" as a table, the checks each move needs
 * (who, what must be recorded, the assigned-investigator, pharmacist,
 * conflict, quorum and timing rules), the outcomes of a panel decision and
 * the list status each leaves, admission decisions, suspension, who may read
 * concern content, and the clocks each move starts.
 *
 * Everything here is pure: the storage layer loads what the rules need into
 * struct concern_facts, the RPC layer fills struct concern_move_input from
 * the request, and these functions say yes or no with a sentence naming the
 * rule. Configuration (quorum, periods, risk bands) comes in as struct
 * concern_config; NULL means CONCERN_CONFIG_DEFAULT.
 *
 * Errors: checks with more than two outcomes return enum concern_check
 * (OK, INVALID_ARGUMENT, PERMISSION_DENIED, FAILED_PRECONDITION, which the
 * RPC layer maps onto the status codes of the same names) with *cause; the
 * rest return 0 / -1 with *cause. *cause is a sentence allocated with
 * xasprintf for the caller to free, set only on failure; cause may be NULL.
 */
#ifndef ASSURE_DOMAIN_CONCERN_H
#define ASSURE_DOMAIN_CONCERN_H

#include <stddef.h>
#include <stdint.h>

#include "domain_dates.h"
#include "domain_grade.h"

/* ---- states, roles, fields ---------------------------------------------- */

enum concern_state {
	/* Not a stored state: a concern being created. Only "(new) ->
	 * received" leaves it and nothing enters it. */
	CONCERN_STATE_NEW,
	CONCERN_STATE_RECEIVED,
	CONCERN_STATE_TRIAGED,
	CONCERN_STATE_CLOSED,
	CONCERN_STATE_INFORMAL,
	CONCERN_STATE_EXTERNAL_ONLY,
	CONCERN_STATE_INVESTIGATING,
	CONCERN_STATE_REPORTED,
	CONCERN_STATE_PAG_REVIEW,
	CONCERN_STATE_REMEDIATION,
	CONCERN_STATE_PANEL_REFERRED,
	CONCERN_STATE_NOTICE_ISSUED,
	CONCERN_STATE_HEARING_SCHEDULED,
	CONCERN_STATE_DECIDED,
	CONCERN_STATE_APPEAL_WINDOW,
	CONCERN_STATE_UNDER_APPEAL,
	CONCERN_STATE_MONITORING,
	CONCERN_STATE__COUNT
};

#define CONCERN_STATE_BIT(s) ((uint32_t)1 << (s))

/* "received", "pag-review", ...; "(new)" for CONCERN_STATE_NEW; "?" otherwise. */
const char *domain_concern_state_name(enum concern_state s);
/* A stored state by name, or -1 ("(new)" is not one). */
int domain_concern_state_parse(const char *s);
/* 1 for every stored state except closed. external-only is open: the
 * regulator's response is still recorded against it, and it is left only
 * by "any open state -> closed". */
int domain_concern_state_is_open(enum concern_state s);

/* The roles DOMAIN.md's table names. The RPC layer maps the session's
 * acting role onto one of these (built-in role names match); any other role
 * is CONCERN_ROLE_OTHER and moves nothing. */
enum concern_role {
	CONCERN_ROLE_CASE_MANAGER,
	CONCERN_ROLE_PAG_MEMBER,
	CONCERN_ROLE_PANEL_MEMBER,
	CONCERN_ROLE_INVESTIGATOR,
	CONCERN_ROLE_SYSTEM, /* the server itself, e.g. when a deadline passes */
	CONCERN_ROLE_OTHER,
	CONCERN_ROLE__COUNT
};

#define CONCERN_ROLE_BIT(r) ((uint32_t)1 << (r))

/* "case-manager", "pag-member", "panel-member", "investigator", "system",
 * "other"; "?" otherwise. */
const char *domain_concern_role_name(enum concern_role r);
/* The role with this name, or -1 ("other" is not parsed). */
int domain_concern_role_parse(const char *s);

/* What a move must record ("must record" column). One bit each, so a row
 * says what it needs as a set and a refusal can list everything missing. */
enum concern_field {
	CONCERN_FIELD_SOURCE,
	CONCERN_FIELD_CATEGORY,
	CONCERN_FIELD_SUMMARY,
	CONCERN_FIELD_SUBJECT,
	CONCERN_FIELD_RISK_CONSEQUENCE,
	CONCERN_FIELD_RISK_LIKELIHOOD,
	CONCERN_FIELD_GRADE_REASONS,
	CONCERN_FIELD_CASE_MANAGER,
	CONCERN_FIELD_RATIONALE,
	CONCERN_FIELD_AGREED_ACTION,
	CONCERN_FIELD_REVIEW_DATE,
	CONCERN_FIELD_REFERRAL_BODY,
	CONCERN_FIELD_REFERRAL_DATE,
	CONCERN_FIELD_REFERRAL_REF,
	CONCERN_FIELD_TERMS_OF_REFERENCE,
	CONCERN_FIELD_INVESTIGATOR,
	CONCERN_FIELD_REPORT_REF,
	CONCERN_FIELD_ACTION_PLAN,
	CONCERN_FIELD_GROUNDS,
	CONCERN_FIELD_BREACH,
	CONCERN_FIELD_NOTICE_ALLEGATION,
	CONCERN_FIELD_NOTICE_PROPOSED_ACTION,
	CONCERN_FIELD_NOTICE_GROUNDS,
	CONCERN_FIELD_NOTICE_SENT,
	CONCERN_FIELD_HEARING_REQUESTED,
	CONCERN_FIELD_HEARING_DATE,
	CONCERN_FIELD_OUTCOME,
	CONCERN_FIELD_DECISION_REASONS,
	CONCERN_FIELD_FACTS_RELIED_ON,
	CONCERN_FIELD_REPRESENTATIONS_CONSIDERED,
	CONCERN_FIELD_PANEL_MEMBERS,
	CONCERN_FIELD_DECISION_NOTICE_SENT,
	CONCERN_FIELD_APPEAL_REF,
	CONCERN_FIELD_TRIBUNAL_OUTCOME,
	CONCERN_FIELD_REVIEW_OUTCOME,
	CONCERN_FIELD_CLOSURE_REASON,
	CONCERN_FIELD__COUNT
};

#define CONCERN_FIELD_BIT(f) ((uint64_t)1 << (f))

/* "source", "risk consequence", "date the notice was sent", ... */
const char *domain_concern_field_name(enum concern_field f);

/* ---- list status, grounds, outcomes ------------------------------------- */

enum list_status {
	LIST_STATUS_NONE, /* pharmacists: no list status */
	LIST_STATUS_APPLIED,
	LIST_STATUS_DEFERRED,
	LIST_STATUS_REFUSED,
	LIST_STATUS_INCLUDED,
	LIST_STATUS_INCLUDED_WITH_CONDITIONS,
	LIST_STATUS_CONTINGENTLY_REMOVED,
	LIST_STATUS_REMOVED,
	LIST_STATUS_WITHDRAWN,
	LIST_STATUS_NATIONALLY_DISQUALIFIED,
	LIST_STATUS__COUNT
};

/* "applied", "included-with-conditions", ...; "none" for LIST_STATUS_NONE. */
const char *domain_list_status_name(enum list_status s);
/* The status with this name, or -1 ("none" is not parsed). */
int domain_list_status_parse(const char *s);

enum removal_ground {
	/* mandatory */
	REMOVAL_GROUND_MURDER,
	REMOVAL_GROUND_CUSTODIAL_SENTENCE, /* over 6 months */
	REMOVAL_GROUND_NATIONAL_DISQUALIFICATION,
	REMOVAL_GROUND_DEATH,
	REMOVAL_GROUND_NOT_REGISTERED,
	/* discretionary */
	REMOVAL_GROUND_EFFICIENCY,
	REMOVAL_GROUND_FRAUD,
	REMOVAL_GROUND_UNSUITABILITY,
	REMOVAL_GROUND__COUNT
};

#define REMOVAL_GROUND_BIT(g) ((unsigned)1 << (g))
#define REMOVAL_GROUNDS_MANDATORY                                                                  \
	(REMOVAL_GROUND_BIT(REMOVAL_GROUND_MURDER) |                                               \
	 REMOVAL_GROUND_BIT(REMOVAL_GROUND_CUSTODIAL_SENTENCE) |                                   \
	 REMOVAL_GROUND_BIT(REMOVAL_GROUND_NATIONAL_DISQUALIFICATION) |                            \
	 REMOVAL_GROUND_BIT(REMOVAL_GROUND_DEATH) |                                                \
	 REMOVAL_GROUND_BIT(REMOVAL_GROUND_NOT_REGISTERED))
#define REMOVAL_GROUNDS_DISCRETIONARY                                                              \
	(REMOVAL_GROUND_BIT(REMOVAL_GROUND_EFFICIENCY) |                                           \
	 REMOVAL_GROUND_BIT(REMOVAL_GROUND_FRAUD) |                                                \
	 REMOVAL_GROUND_BIT(REMOVAL_GROUND_UNSUITABILITY))
/* Contingent removal is available in efficiency and fraud cases only. */
#define REMOVAL_GROUNDS_CONTINGENT                                                                 \
	(REMOVAL_GROUND_BIT(REMOVAL_GROUND_EFFICIENCY) | REMOVAL_GROUND_BIT(REMOVAL_GROUND_FRAUD))

/* "murder", "custodial-sentence", "national-disqualification", "death",
 * "not-registered", "efficiency", "fraud", "unsuitability"; "?" otherwise. */
const char *domain_removal_ground_name(enum removal_ground g);
int domain_removal_ground_parse(const char *s);
int domain_removal_ground_is_mandatory(enum removal_ground g);

enum concern_outcome {
	CONCERN_OUTCOME_NONE, /* not given */
	CONCERN_OUTCOME_NO_ACTION,
	CONCERN_OUTCOME_CONDITIONS,	    /* included-with-conditions */
	CONCERN_OUTCOME_CONTINGENT_REMOVAL, /* conditions; efficiency or fraud only */
	CONCERN_OUTCOME_REMOVAL,
	CONCERN_OUTCOME_NATIONAL_DISQUALIFICATION_REFERRAL,
	CONCERN_OUTCOME__COUNT
};

/* "no-action", "conditions", "contingent-removal", "removal",
 * "national-disqualification-referral"; "" for NONE; "?" otherwise. */
const char *domain_concern_outcome_name(enum concern_outcome o);
int domain_concern_outcome_parse(const char *s);

/* ---- configuration -------------------------------------------------------- */

/* Periods and thresholds an admin may change (DOMAIN.md: "the rules
 * themselves are code"). A period's unit is part of the rule; only its
 * count is configurable. */
struct concern_config {
	int panel_quorum;			/* 3 members */
	struct domain_period triage;		/* 5 working days from receipt */
	struct domain_period investigation;	/* 12 weeks */
	struct domain_period representations;	/* 28 days from the notice */
	struct domain_period decision_notice;	/* 7 days from the decision */
	struct domain_period appeal;		/* 28 days from the decision notice */
	struct domain_period review_first;	/* 3 months */
	struct domain_period review_every;	/* then every 6 months */
	struct domain_period suspension_max;	/* 6 months, pending the PCT's decision */
	struct domain_period suspension_notice; /* 2 working days' notice of a hearing */
	struct grade_bands bands;
};

#define CONCERN_CONFIG_DEFAULT                                                                     \
	{                                                                                          \
		.panel_quorum = 3, .triage = {DOMAIN_PERIOD_WORKING_DAYS, 5},                      \
		.investigation = {DOMAIN_PERIOD_WEEKS, 12},                                        \
		.representations = {DOMAIN_PERIOD_DAYS, 28},                                       \
		.decision_notice = {DOMAIN_PERIOD_DAYS, 7}, .appeal = {DOMAIN_PERIOD_DAYS, 28},    \
		.review_first = {DOMAIN_PERIOD_MONTHS, 3},                                         \
		.review_every = {DOMAIN_PERIOD_MONTHS, 6},                                         \
		.suspension_max = {DOMAIN_PERIOD_MONTHS, 6},                                       \
		.suspension_notice = {DOMAIN_PERIOD_WORKING_DAYS, 2}, .bands = GRADE_BANDS_DEFAULT \
	}

/* Most panel members a quorum may demand; a larger number is a typing slip. */
#define CONCERN_QUORUM_MAX 15

/* 0 when the configuration is usable: quorum 1..CONCERN_QUORUM_MAX, each
 * period's unit the default one and its count 1..3660 (suspension_notice
 * may be 0), the bands sensible. -1 with *cause naming the setting. */
int domain_concern_config_check(const struct concern_config *cfg, char **cause)
    __attribute__((warn_unused_result));

/* ---- facts and input ----------------------------------------------------- */

/* What the rules need to know about the concern and the world, loaded by
 * the caller. Ids are user ids, 0 for "nobody"; dates are day numbers or
 * DOMAIN_DATE_NONE. The arrays are borrowed. */
struct concern_facts {
	enum concern_state state;
	int32_t today; /* the server's civil date */
	int subject_is_pharmacist;
	enum list_status list_status; /* the subject's, LIST_STATUS_NONE for a pharmacist */
	int suspended;		      /* the subject's suspension flag */
	int64_t actor_id;	      /* the user asking */
	int64_t case_manager_id;
	int64_t investigator_id; /* the assigned investigator */
	/* Everyone who has ever been case manager or investigator of this
	 * concern (history), besides the current two. */
	const int64_t *former_ids;
	size_t n_former;
	/* Everyone who has sat on a deciding panel for this concern. */
	const int64_t *panel_ids;
	size_t n_panel;
	int was_panel_referred; /* has been panel-referred at some time */
	/* From the notice and hearing (notice-issued, hearing-scheduled). */
	int32_t notice_sent;
	int representations_received;
	int hearing_requested;
	int32_t hearing_date;
	/* From the decision (decided and after). */
	enum concern_outcome outcome;
	int32_t decision_notice_sent;
	/* The due dates recorded when the representations window and the
	 * appeal deadline started, or DOMAIN_DATE_NONE. When given, the rules
	 * use them rather than computing them from cfg: a change of
	 * configuration never moves a date the parties were told. */
	int32_t representations_due;
	int32_t appeal_due;
};

/* Facts with every date DOMAIN_DATE_NONE and everything else zero. */
void domain_concern_facts_init(struct concern_facts *f, enum concern_state state, int32_t today);

/* One item of a remediation action plan. */
struct concern_action {
	const char *what;
	int32_t due;
};

/* The panel's decision (notice-issued, hearing-scheduled -> decided). */
struct concern_decision {
	enum concern_outcome outcome;
	const char *reasons;
	const char *facts_relied_on;
	const char *representations_considered;
	const char *conditions; /* conditions and contingent removal */
	unsigned grounds;	/* REMOVAL_GROUND_BIT set */
};

enum concern_closure {
	CONCERN_CLOSURE_NONE,
	CONCERN_CLOSURE_WITHDRAWAL,
	CONCERN_CLOSURE_DEATH,
};

/* What a move records, from the request. Text counts as given when it has
 * a character other than white space; ids when positive; dates when not
 * DOMAIN_DATE_NONE. A move reads only the fields its row needs. */
struct concern_move_input {
	/* (new) -> received */
	const char *source, *category, *summary;
	int64_t subject_id;
	/* received -> triaged */
	int risk_consequence, risk_likelihood; /* 1..5; 0 = not given */
	const char *grade_reasons;
	int64_t case_manager_id;
	/* many */
	const char *rationale;
	/* -> informal */
	const char *agreed_action;
	int32_t review_date;
	/* -> external-only */
	const char *referral_body; /* domain_concern_referral_body_parse */
	int32_t referral_date;
	const char *referral_ref;
	/* -> investigating, -> reported */
	const char *terms_of_reference;
	int64_t investigator_id;
	const char *report_ref;
	/* -> remediation */
	const struct concern_action *actions;
	size_t n_actions;
	/* -> panel-referred */
	const char *grounds;
	const char *breach;
	/* -> notice-issued */
	const char *notice_allegation, *notice_proposed_action, *notice_grounds;
	int32_t notice_sent;
	/* -> hearing-scheduled */
	int32_t hearing_requested; /* date the request was received */
	int32_t hearing_date;
	/* -> decided */
	struct concern_decision decision;
	const int64_t *members; /* the deciding panel: user ids */
	size_t n_members;
	/* -> appeal-window, -> under-appeal, from under-appeal */
	int32_t decision_notice_sent;
	const char *appeal_ref;
	const char *tribunal_outcome;
	/* monitoring -> closed */
	const char *review_outcome;
	/* any open state -> closed */
	enum concern_closure closure;
};

/* An input with every date DOMAIN_DATE_NONE and everything else zero. */
void domain_concern_input_init(struct concern_move_input *in);

/* ---- the table ------------------------------------------------------------ */

/* Clocks a move starts ("starts" column) and other due-list items. */
enum concern_clock {
	CONCERN_CLOCK_NONE,
	CONCERN_CLOCK_TRIAGE,		  /* triage target */
	CONCERN_CLOCK_INTERIM_REVIEW,	  /* consider interim suspension / referral */
	CONCERN_CLOCK_INFORMAL_REVIEW,	  /* the agreed review date */
	CONCERN_CLOCK_INVESTIGATION,	  /* investigation target */
	CONCERN_CLOCK_ACTION_DUE,	  /* each action plan item */
	CONCERN_CLOCK_REPRESENTATIONS,	  /* representations and hearing request due */
	CONCERN_CLOCK_HEARING,		  /* the hearing */
	CONCERN_CLOCK_DECISION_NOTICE,	  /* decision notice due */
	CONCERN_CLOCK_APPEAL,		  /* appeal deadline */
	CONCERN_CLOCK_REVIEW_ELIGIBILITY, /* review eligibility */
	CONCERN_CLOCK_SUSPENSION_END,	  /* suspension period end */
	CONCERN_CLOCK_SUSPENSION_REVIEW,  /* suspension review date */
	CONCERN_CLOCK__COUNT
};

/* "triage", "interim-review", ...; "" for NONE; "?" otherwise. */
const char *domain_concern_clock_name(enum concern_clock c);

/* Row flags: the rules a row carries beyond role and fields. */
#define CONCERN_RULE_PHARMACIST_OK (1u << 0)   /* open to a pharmacist's concern */
#define CONCERN_RULE_ASSIGNED (1u << 1)	       /* only the assigned investigator */
#define CONCERN_RULE_PANEL (1u << 2)	       /* quorum, no investigator or case manager */
#define CONCERN_RULE_WITHDRAWAL (1u << 3)      /* the "any open state -> closed" row */
#define CONCERN_RULE_HEARING_WINDOW (1u << 4)  /* request received within the window */
#define CONCERN_RULE_DECISION_TIMING (1u << 5) /* 28 days or representations; hearing held */
#define CONCERN_RULE_DEADLINE_PASSED (1u << 6) /* the appeal deadline has passed */

struct concern_move_rule {
	uint32_t from; /* CONCERN_STATE_BIT set */
	enum concern_state to;
	uint32_t roles;		   /* CONCERN_ROLE_BIT set */
	uint64_t required;	   /* CONCERN_FIELD_BIT set */
	enum concern_clock starts; /* CONCERN_CLOCK_NONE for "—" */
	unsigned flags;		   /* CONCERN_RULE_* */
	const char *row;	   /* the DOMAIN.md row, quoted in messages */
};

/* The table, in DOMAIN.md's order; *n gets its length. Static, never freed. */
const struct concern_move_rule *domain_concern_move_rules(size_t *n);

/* The states a concern in `from` may move to (a CONCERN_STATE_BIT set),
 * whoever asks; for a pharmacist's concern only the moves open to it. */
uint32_t domain_concern_targets(enum concern_state from, int pharmacist);

enum concern_check {
	CONCERN_OK,
	CONCERN_INVALID_ARGUMENT,   /* something the move must record is missing or malformed */
	CONCERN_PERMISSION_DENIED,  /* the actor may not make this move */
	CONCERN_FAILED_PRECONDITION /* a rule forbids the move now */
};

/* "OK", "INVALID_ARGUMENT", "PERMISSION_DENIED", "FAILED_PRECONDITION". */
const char *domain_concern_check_name(enum concern_check c);

/*
 * May `actor_role` (the user facts->actor_id) move the concern described by
 * facts to `to`, recording `in`? Checks, in this order, each failure
 * naming the DOMAIN.md row or rule:
 *   1. the move is in the table (else FAILED_PRECONDITION listing the moves
 *      allowed from the current state) and open to a pharmacist's concern
 *      when the subject is one (FAILED_PRECONDITION);
 *   2. the role is one the row allows, and for investigating -> reported the
 *      actor is the assigned investigator (PERMISSION_DENIED);
 *   3. everything the row must record is given and well formed
 *      (INVALID_ARGUMENT listing every missing field);
 *   4. the row's rules: investigator not the case manager; hearing request
 *      within the window; decision timing; quorum and conflicts; outcome
 *      and grounds; list status; appeal deadline passed
 *      (FAILED_PRECONDITION).
 * When two rows allow the move (e.g. triaged -> closed by a pag-member, for
 * no further action or for withdrawal), in->closure picks the withdrawal
 * row. cfg NULL means the defaults.
 */
enum concern_check domain_concern_check_move(const struct concern_config *cfg,
					     const struct concern_facts *facts,
					     enum concern_state to, enum concern_role actor_role,
					     const struct concern_move_input *in, char **cause)
    __attribute__((warn_unused_result));

/* The row domain_concern_check_move would apply, or NULL when none does
 * (the move is not in the table or the role has no row for it). */
const struct concern_move_rule *domain_concern_find_rule(enum concern_state from,
							 enum concern_state to,
							 enum concern_role role,
							 enum concern_closure closure);

/* A due-list row: kind, start, due and the basis it was computed on. */
struct concern_deadline {
	enum concern_clock kind;
	int32_t start;
	int32_t due;
	/* The period added to start, or count 0 when the due date was given
	 * (review date, action due date, hearing date). */
	struct domain_period basis;
};

/*
 * The clocks an allowed move (domain_concern_check_move said OK) starts:
 * writes at most cap rows to out and returns how many there are (like
 * snprintf). A triage at a high or extreme grade also puts
 * CONCERN_CLOCK_INTERIM_REVIEW on the due list, due the same day. Entering
 * monitoring starts review eligibility (the first review; later ones with
 * domain_concern_next_review). Starts are the move's date except for the
 * representations window (from the notice's date sent) and the appeal
 * deadline (from the decision notice's date sent).
 */
size_t domain_concern_move_deadlines(const struct concern_config *cfg,
				     const struct concern_facts *facts, enum concern_state to,
				     const struct concern_move_input *in,
				     const struct domain_holidays *h, struct concern_deadline *out,
				     size_t cap);

/* The review eligibility date after `previous` (every review_every). */
int32_t domain_concern_next_review(const struct concern_config *cfg, int32_t previous);

/* Where the server moves a concern when its appeal deadline passes with no
 * appeal: monitoring while conditions stand (conditions or contingent
 * removal), closed otherwise. */
enum concern_state domain_concern_after_appeal_window(enum concern_outcome outcome);

/* The tribunal's outcome when an appeal ends (under-appeal -> monitoring
 * or closed), given as one of these words, optionally followed by ':' and
 * details ("varied: conditions 2 and 3 struck out"). Only ALLOWED reverses
 * the list change by itself: a partial or varied outcome is recorded and
 * the panel records what follows from it, since software cannot read which
 * part of a decision stands. */
enum tribunal_outcome {
	TRIBUNAL_ALLOWED,
	TRIBUNAL_ALLOWED_IN_PART,
	TRIBUNAL_DISMISSED,
	TRIBUNAL_VARIED,
	TRIBUNAL_WITHDRAWN,
	TRIBUNAL__COUNT
};
/* The outcome the text starts with (case-insensitive; "allowed in part"
 * and "allowed-in-part" alike), or -1 with *cause listing the words. */
int domain_concern_tribunal_outcome_parse(const char *text, char **cause);

/* ---- decisions and list status ------------------------------------------ */

/*
 * Checks a panel decision's outcome against its content and the subject's
 * list status, and gives the status it leaves in *to:
 *   no action                  from unchanged; no conditions or grounds
 *   conditions                 included-with-conditions; conditions text
 *   contingent removal         contingently-removed; conditions text;
 *                              grounds efficiency and/or fraud only
 *   removal                    removed (nationally-disqualified when the
 *                              grounds include national disqualification);
 *                              one or more grounds, several allowed
 *   national disq. referral    from unchanged (the tribunal decides)
 * A panel acts only on included, included-with-conditions or
 * contingently-removed performers. CONCERN_OK, or INVALID_ARGUMENT
 * (content missing or out of place) / FAILED_PRECONDITION (a rule) with
 * *cause.
 */
enum concern_check domain_concern_decision_status(const struct concern_decision *d,
						  enum list_status from, enum list_status *to,
						  char **cause) __attribute__((warn_unused_result));

/* 0 when a panel decision may move a performer from `from` to `to`
 * (to == from is "no change"); -1 with *cause otherwise. Lifting
 * conditions on review is included-with-conditions or contingently-removed
 * -> included. */
int domain_list_check_panel_move(enum list_status from, enum list_status to, char **cause)
    __attribute__((warn_unused_result));

/* 0 when an admission decision may move an applicant from `from` to `to`:
 * applied -> included, included-with-conditions, deferred or refused;
 * deferred -> included, included-with-conditions or refused. -1 with
 * *cause otherwise. */
int domain_list_check_admission(enum list_status from, enum list_status to, char **cause)
    __attribute__((warn_unused_result));

/*
 * The panel rule for any decision: at least cfg->panel_quorum distinct
 * members, none of them (nor the actor recording the decision) the case
 * manager or investigator of this concern, now or before. CONCERN_OK,
 * INVALID_ARGUMENT (no members, a member listed twice) or
 * FAILED_PRECONDITION with *cause.
 */
enum concern_check domain_concern_check_panel(const struct concern_config *cfg,
					      const struct concern_facts *facts,
					      const int64_t *members, size_t n_members,
					      char **cause) __attribute__((warn_unused_result));

/* ---- suspension ----------------------------------------------------------- */

enum suspension_basis {
	SUSPENSION_BASIS_NONE,
	SUSPENSION_BASIS_PCT_DECISION,	     /* pending the PCT's own decision */
	SUSPENSION_BASIS_COURT_OR_REGULATOR, /* pending a court or regulator */
	SUSPENSION_BASIS_APPEAL,	     /* pending an appeal */
	SUSPENSION_BASIS__COUNT
};

/* "pct-decision", "court-or-regulator", "appeal"; "" for NONE. */
const char *domain_suspension_basis_name(enum suspension_basis b);
int domain_suspension_basis_parse(const char *s);

enum suspension_reason {
	SUSPENSION_REASON_NONE,
	SUSPENSION_REASON_PUBLIC_PROTECTION,
	SUSPENSION_REASON_PUBLIC_INTEREST,
};

struct suspension_input {
	enum suspension_basis basis;
	enum suspension_reason reason;
	const char *reason_text;
	int32_t notice_sent;	 /* notice of the allegation and proposed action */
	int32_t hearing_offered; /* the offer of an oral hearing was made */
	int32_t start;		 /* DOMAIN_DATE_NONE: takes effect today */
	int32_t period_end;	 /* required for basis pct-decision */
	int extension_recorded;	 /* a recorded extension beyond suspension_max */
	int32_t review_date;	 /* optional; goes on the due list */
	int payments_recorded;	 /* the payments flag has been recorded */
	const int64_t *members;
	size_t n_members;
};

void domain_suspension_input_init(struct suspension_input *in);

/*
 * May a panel member suspend the subject of this concern? (DOMAIN.md
 * "Suspension".) Panel members only (PERMISSION_DENIED); the concern open
 * and triaged or beyond, the subject on the list and not a pharmacist,
 * not already suspended; notice and the hearing offer at least
 * cfg->suspension_notice working days before the suspension takes effect;
 * no start in the past; basis pct-decision: period end at most
 * cfg->suspension_max after the start unless an extension is recorded;
 * quorum and conflicts as for any decision (FAILED_PRECONDITION); fields
 * missing (INVALID_ARGUMENT). *start gets the date it takes effect.
 */
enum concern_check
domain_suspension_check(const struct concern_config *cfg, const struct concern_facts *facts,
			enum concern_role actor_role, const struct suspension_input *in,
			const struct domain_holidays *h, int32_t *start, char **cause)
    __attribute__((warn_unused_result));

/* May a panel lift the subject's suspension? Panel members, an open
 * concern triaged or beyond, the subject suspended, quorum and conflicts. */
enum concern_check domain_suspension_check_clear(const struct concern_config *cfg,
						 const struct concern_facts *facts,
						 enum concern_role actor_role,
						 const int64_t *members, size_t n_members,
						 char **cause) __attribute__((warn_unused_result));

/* ---- access and side records -------------------------------------------- */

/*
 * May this role read the concern's content? (DOMAIN.md "Access to concern
 * content".) Case managers and PAG members: yes; investigators: only the
 * assigned one (facts->actor_id == facts->investigator_id); panel members:
 * once the concern is or has been panel-referred; everyone else (viewers
 * included): no. 0, or -1 with *cause for PERMISSION_DENIED.
 */
int domain_concern_check_read(const struct concern_facts *facts, enum concern_role role,
			      char **cause) __attribute__((warn_unused_result));

/* Referrals, notes and evidence are added in any open state; a closed
 * concern is never reopened (a new concern links to it). 0, or -1 with
 * *cause (FAILED_PRECONDITION). */
int domain_concern_check_side_record(const struct concern_facts *facts, char **cause)
    __attribute__((warn_unused_result));

/* Referral bodies: "ncas", "gmc", "gdc", "goc", "gphc" (RPSGB/GPhC),
 * "police", "counter-fraud" (NHS counter-fraud), "pct" (another PCT). */
enum referral_body {
	REFERRAL_BODY_NCAS,
	REFERRAL_BODY_GMC,
	REFERRAL_BODY_GDC,
	REFERRAL_BODY_GOC,
	REFERRAL_BODY_GPHC,
	REFERRAL_BODY_POLICE,
	REFERRAL_BODY_COUNTER_FRAUD,
	REFERRAL_BODY_PCT,
	REFERRAL_BODY__COUNT
};
const char *domain_referral_body_name(enum referral_body b);
int domain_referral_body_parse(const char *s);

/* Where a concern came from. */
enum concern_source {
	CONCERN_SOURCE_PATIENT_COMPLAINT,
	CONCERN_SOURCE_COLLEAGUE, /* colleague or whistleblower */
	CONCERN_SOURCE_SERIOUS_INCIDENT,
	CONCERN_SOURCE_CLINICAL_AUDIT,
	CONCERN_SOURCE_PRESCRIBING_DATA,
	CONCERN_SOURCE_REGULATOR,
	CONCERN_SOURCE_POLICE,
	CONCERN_SOURCE_CORONER,
	CONCERN_SOURCE_NCAS,
	CONCERN_SOURCE_OTHER,
	CONCERN_SOURCE__COUNT
};
/* "patient-complaint", "colleague", "serious-incident", "clinical-audit",
 * "prescribing-data", "regulator", "police", "coroner", "ncas", "other". */
const char *domain_concern_source_name(enum concern_source s);
int domain_concern_source_parse(const char *s);

enum concern_category {
	CONCERN_CATEGORY_CLINICAL_COMPETENCE,
	CONCERN_CATEGORY_CONDUCT,
	CONCERN_CATEGORY_HEALTH,
	CONCERN_CATEGORY_PROBITY,
	CONCERN_CATEGORY__COUNT
};
/* "clinical-competence", "conduct", "health", "probity". */
const char *domain_concern_category_name(enum concern_category c);
int domain_concern_category_parse(const char *s);

/* Concern references: CON-YYYY-NNNN, the year received and a sequence
 * 0001..9999 within it. */
#define CONCERN_REFERENCE_BUFSZ 14
/* 0, or -1 with *cause; *year and *seq (either may be NULL) get the parts. */
int domain_concern_reference_parse(const char *s, int *year, int *seq, char **cause)
    __attribute__((warn_unused_result));
/* Writes CON-YYYY-NNNN; returns buf. year 1900..9999, seq 1..9999. */
char *domain_concern_reference_format(int year, int seq, char buf[CONCERN_REFERENCE_BUFSZ]);

/* An evidence document's SHA-256: 64 lowercase hex digits, as sha256sum
 * prints it (one spelling, so equal documents compare equal). 0, or -1
 * with *cause. */
int domain_concern_check_sha256(const char *hex, char **cause) __attribute__((warn_unused_result));

#endif
