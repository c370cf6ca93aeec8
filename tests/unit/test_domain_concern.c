/*
 * The concern rules against DOMAIN.md, with the expected machine written
 * out again here from the document (not read from the module's table), so
 * a slip in either shows up as a disagreement:
 *   - every (from, to) pair of the 17 states is legal or not as expected,
 *     and an illegal one names the moves allowed from its state;
 *   - every legal move, by every role: allowed roles pass the role check,
 *     others get PERMISSION_DENIED;
 *   - every legal move succeeds with a complete input, and blanking each
 *     field in turn refuses it exactly when the field is one the move must
 *     record;
 *   - a pharmacist's concern may take exactly the expected moves;
 *   - the rules with arithmetic (decision timing, hearing window, appeal
 *     deadline, quorum and conflicts, contingent removal, suspension
 *     notice and period) at and either side of their boundaries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain_concern.h"

#define S_NEW CONCERN_STATE_NEW
#define S_REC CONCERN_STATE_RECEIVED
#define S_TRI CONCERN_STATE_TRIAGED
#define S_CLO CONCERN_STATE_CLOSED
#define S_INF CONCERN_STATE_INFORMAL
#define S_EXT CONCERN_STATE_EXTERNAL_ONLY
#define S_INV CONCERN_STATE_INVESTIGATING
#define S_REP CONCERN_STATE_REPORTED
#define S_PAG CONCERN_STATE_PAG_REVIEW
#define S_REM CONCERN_STATE_REMEDIATION
#define S_PRF CONCERN_STATE_PANEL_REFERRED
#define S_NOT CONCERN_STATE_NOTICE_ISSUED
#define S_HEA CONCERN_STATE_HEARING_SCHEDULED
#define S_DEC CONCERN_STATE_DECIDED
#define S_APW CONCERN_STATE_APPEAL_WINDOW
#define S_UAP CONCERN_STATE_UNDER_APPEAL
#define S_MON CONCERN_STATE_MONITORING

#define CM CONCERN_ROLE_BIT(CONCERN_ROLE_CASE_MANAGER)
#define PAG CONCERN_ROLE_BIT(CONCERN_ROLE_PAG_MEMBER)
#define PNL CONCERN_ROLE_BIT(CONCERN_ROLE_PANEL_MEMBER)
#define INV CONCERN_ROLE_BIT(CONCERN_ROLE_INVESTIGATOR)
#define SYS CONCERN_ROLE_BIT(CONCERN_ROLE_SYSTEM)

#define F(x) CONCERN_FIELD_BIT(CONCERN_FIELD_##x)

/* Users in the fixtures. */
#define U_CASE_MANAGER 10
#define U_INVESTIGATOR 20
#define U_NEW_INVESTIGATOR 21
#define U_PAG 30
#define U_PANEL 40

/* DOMAIN.md "States and who moves them", typed in again. `withdrawal`
 * marks the "any open state -> closed" row, expanded below for every open
 * state. */
struct expected_move {
	enum concern_state from, to;
	uint32_t roles;
	uint64_t required;
	int withdrawal;
	int pharmacist_ok;
};

static const struct expected_move moves[] = {
    {S_NEW, S_REC, CM | PAG, F(SOURCE) | F(CATEGORY) | F(SUMMARY) | F(SUBJECT), 0, 1},
    {S_REC, S_TRI, CM,
     F(RISK_CONSEQUENCE) | F(RISK_LIKELIHOOD) | F(GRADE_REASONS) | F(CASE_MANAGER), 0, 1},
    {S_TRI, S_CLO, PAG, F(RATIONALE), 0, 1},
    {S_TRI, S_INF, PAG, F(AGREED_ACTION) | F(REVIEW_DATE), 0, 0},
    {S_TRI, S_EXT, PAG, F(REFERRAL_BODY) | F(REFERRAL_DATE) | F(REFERRAL_REF), 0, 1},
    {S_TRI, S_INV, PAG, F(TERMS_OF_REFERENCE) | F(INVESTIGATOR), 0, 0},
    {S_PAG, S_INV, PAG, F(TERMS_OF_REFERENCE) | F(INVESTIGATOR), 0, 0},
    {S_INF, S_INV, PAG, F(TERMS_OF_REFERENCE) | F(INVESTIGATOR), 0, 0},
    {S_INV, S_REP, INV, F(REPORT_REF), 0, 0},
    {S_REP, S_PAG, CM, 0, 0, 0},
    {S_PAG, S_CLO, PAG, F(RATIONALE), 0, 0},
    {S_PAG, S_INF, PAG, F(RATIONALE) | F(AGREED_ACTION) | F(REVIEW_DATE), 0, 0},
    {S_PAG, S_REM, PAG, F(RATIONALE) | F(ACTION_PLAN), 0, 0},
    {S_TRI, S_PRF, PAG, F(RATIONALE) | F(GROUNDS), 0, 0},
    {S_PAG, S_PRF, PAG, F(RATIONALE) | F(GROUNDS), 0, 0},
    {S_REM, S_PRF, PAG, F(RATIONALE) | F(GROUNDS), 0, 0},
    {S_MON, S_PRF, PAG, F(RATIONALE) | F(GROUNDS) | F(BREACH), 0, 0},
    {S_PRF, S_NOT, CM,
     F(NOTICE_ALLEGATION) | F(NOTICE_PROPOSED_ACTION) | F(NOTICE_GROUNDS) | F(NOTICE_SENT), 0, 0},
    {S_NOT, S_HEA, CM, F(HEARING_REQUESTED) | F(HEARING_DATE), 0, 0},
    {S_NOT, S_DEC, PNL,
     F(OUTCOME) | F(DECISION_REASONS) | F(FACTS_RELIED_ON) | F(REPRESENTATIONS_CONSIDERED) |
	 F(PANEL_MEMBERS),
     0, 0},
    {S_HEA, S_DEC, PNL,
     F(OUTCOME) | F(DECISION_REASONS) | F(FACTS_RELIED_ON) | F(REPRESENTATIONS_CONSIDERED) |
	 F(PANEL_MEMBERS),
     0, 0},
    {S_DEC, S_APW, CM, F(DECISION_NOTICE_SENT), 0, 0},
    {S_APW, S_UAP, CM, F(APPEAL_REF), 0, 0},
    {S_APW, S_MON, SYS, 0, 0, 0},
    {S_APW, S_CLO, SYS, 0, 0, 0},
    {S_UAP, S_MON, CM, F(TRIBUNAL_OUTCOME), 0, 0},
    {S_UAP, S_CLO, CM, F(TRIBUNAL_OUTCOME), 0, 0},
    {S_MON, S_CLO, PNL, F(REVIEW_OUTCOME) | F(PANEL_MEMBERS), 0, 0},
};
#define N_MOVES (sizeof moves / sizeof moves[0])

static const enum concern_state open_states[] = {S_REC, S_TRI, S_INF, S_EXT, S_INV,
						 S_REP, S_PAG, S_REM, S_PRF, S_NOT,
						 S_HEA, S_DEC, S_APW, S_UAP, S_MON};
#define N_OPEN (sizeof open_states / sizeof open_states[0])

static const struct expected_move withdrawal_row = {0, S_CLO, PAG, F(CLOSURE_REASON) | F(RATIONALE),
						    1, 1};

static int is_open(enum concern_state s)
{
	for (size_t i = 0; i < N_OPEN; i++)
		if (open_states[i] == s)
			return 1;
	return 0;
}

static int expected_legal(enum concern_state from, enum concern_state to)
{
	if (to == S_CLO && is_open(from))
		return 1;
	for (size_t i = 0; i < N_MOVES; i++)
		if (moves[i].from == from && moves[i].to == to)
			return 1;
	return 0;
}

static uint32_t expected_roles(enum concern_state from, enum concern_state to)
{
	uint32_t r = 0;
	if (to == S_CLO && is_open(from))
		r |= PAG;
	for (size_t i = 0; i < N_MOVES; i++)
		if (moves[i].from == from && moves[i].to == to)
			r |= moves[i].roles;
	return r;
}

/* ---- fixtures ---------------------------------------------------------- */

static int32_t D(const char *s)
{
	int32_t d;
	if (domain_date_parse("test", s, &d, NULL) != 0)
		fail_msg("bad test date %s", s);
	return d;
}

static const int64_t panel3[] = {U_PANEL, U_PANEL + 1, U_PANEL + 2};
static const struct concern_action plan[] = {{"audit of 50 records", 0}, {"CPD course", 0}};
static struct concern_action plan_now[2];

static int64_t actor_for(enum concern_role r)
{
	switch (r) {
	case CONCERN_ROLE_CASE_MANAGER:
		return U_CASE_MANAGER;
	case CONCERN_ROLE_PAG_MEMBER:
		return U_PAG;
	case CONCERN_ROLE_PANEL_MEMBER:
		return U_PANEL;
	case CONCERN_ROLE_INVESTIGATOR:
		return U_INVESTIGATOR;
	default:
		return 0;
	}
}

/* Facts under which the move from `from` to `to` is allowed, today being
 * Monday 23 November 2026. */
static void good_facts(struct concern_facts *f, enum concern_state from, enum concern_state to,
		       enum concern_role role)
{
	int32_t today = D("2026-11-23");
	domain_concern_facts_init(f, from, today);
	f->list_status = LIST_STATUS_INCLUDED;
	f->actor_id = actor_for(role);
	f->case_manager_id = U_CASE_MANAGER;
	f->investigator_id = U_INVESTIGATOR;
	f->was_panel_referred = 1;
	/* Day 28 after the notice: the window has just ended. */
	f->notice_sent = today - 28;
	if (from == S_HEA) {
		f->hearing_requested = 1;
		f->hearing_date = today - 1;
	}
	/* Sent 29 days ago: the 28-day appeal deadline was yesterday. */
	f->decision_notice_sent = today - 29;
	f->outcome = to == S_MON ? CONCERN_OUTCOME_CONDITIONS : CONCERN_OUTCOME_NO_ACTION;
}

/* An input with every field filled and valid for any move. */
static void full_input(struct concern_move_input *in, const struct concern_facts *f)
{
	domain_concern_input_init(in);
	in->source = "patient-complaint";
	in->category = "clinical-competence";
	in->summary = "prescribing errors reported by the practice pharmacist";
	in->subject_id = 99;
	in->risk_consequence = 3;
	in->risk_likelihood = 4;
	in->grade_reasons = "pattern across three patients";
	in->case_manager_id = U_CASE_MANAGER;
	in->rationale = "as minuted";
	in->agreed_action = "undertaking not to prescribe opioids";
	in->review_date = f->today + 30;
	in->referral_body = "gmc";
	in->referral_date = f->today;
	in->referral_ref = "GMC/123";
	in->terms_of_reference = "the prescribing of controlled drugs in 2026";
	in->investigator_id = U_NEW_INVESTIGATOR;
	in->report_ref = "REP-1";
	plan_now[0] = plan[0];
	plan_now[1] = plan[1];
	plan_now[0].due = f->today + 14;
	plan_now[1].due = f->today + 60;
	in->actions = plan_now;
	in->n_actions = 2;
	in->grounds = "efficiency";
	in->breach = "prescribed outside the conditions";
	in->notice_allegation = "unsafe prescribing";
	in->notice_proposed_action = "conditions";
	in->notice_grounds = "efficiency";
	in->notice_sent = f->today;
	in->hearing_requested = f->today - 1;
	in->hearing_date = f->today + 7;
	in->decision.outcome = CONCERN_OUTCOME_CONDITIONS;
	in->decision.reasons = "reasons";
	in->decision.facts_relied_on = "facts";
	in->decision.representations_considered = "written representations of 1 Nov";
	in->decision.conditions = "no controlled drugs";
	in->members = panel3;
	in->n_members = 3;
	in->decision_notice_sent = f->today;
	in->appeal_ref = "FHSAA/1";
	in->tribunal_outcome = "dismissed";
	in->review_outcome = "audit satisfactory";
}

/* Blanks one field of the input as a client that left it out would. */
static void clear_field(struct concern_move_input *in, enum concern_field field)
{
	switch (field) {
	case CONCERN_FIELD_SOURCE:
		in->source = NULL;
		break;
	case CONCERN_FIELD_CATEGORY:
		in->category = "";
		break;
	case CONCERN_FIELD_SUMMARY:
		in->summary = "  \t";
		break; /* white space only */
	case CONCERN_FIELD_SUBJECT:
		in->subject_id = 0;
		break;
	case CONCERN_FIELD_RISK_CONSEQUENCE:
		in->risk_consequence = 0;
		break;
	case CONCERN_FIELD_RISK_LIKELIHOOD:
		in->risk_likelihood = 0;
		break;
	case CONCERN_FIELD_GRADE_REASONS:
		in->grade_reasons = NULL;
		break;
	case CONCERN_FIELD_CASE_MANAGER:
		in->case_manager_id = 0;
		break;
	case CONCERN_FIELD_RATIONALE:
		in->rationale = NULL;
		break;
	case CONCERN_FIELD_AGREED_ACTION:
		in->agreed_action = NULL;
		break;
	case CONCERN_FIELD_REVIEW_DATE:
		in->review_date = DOMAIN_DATE_NONE;
		break;
	case CONCERN_FIELD_REFERRAL_BODY:
		in->referral_body = NULL;
		break;
	case CONCERN_FIELD_REFERRAL_DATE:
		in->referral_date = DOMAIN_DATE_NONE;
		break;
	case CONCERN_FIELD_REFERRAL_REF:
		in->referral_ref = NULL;
		break;
	case CONCERN_FIELD_TERMS_OF_REFERENCE:
		in->terms_of_reference = NULL;
		break;
	case CONCERN_FIELD_INVESTIGATOR:
		in->investigator_id = 0;
		break;
	case CONCERN_FIELD_REPORT_REF:
		in->report_ref = NULL;
		break;
	case CONCERN_FIELD_ACTION_PLAN:
		in->n_actions = 0;
		break;
	case CONCERN_FIELD_GROUNDS:
		in->grounds = NULL;
		break;
	case CONCERN_FIELD_BREACH:
		in->breach = NULL;
		break;
	case CONCERN_FIELD_NOTICE_ALLEGATION:
		in->notice_allegation = NULL;
		break;
	case CONCERN_FIELD_NOTICE_PROPOSED_ACTION:
		in->notice_proposed_action = NULL;
		break;
	case CONCERN_FIELD_NOTICE_GROUNDS:
		in->notice_grounds = NULL;
		break;
	case CONCERN_FIELD_NOTICE_SENT:
		in->notice_sent = DOMAIN_DATE_NONE;
		break;
	case CONCERN_FIELD_HEARING_REQUESTED:
		in->hearing_requested = DOMAIN_DATE_NONE;
		break;
	case CONCERN_FIELD_HEARING_DATE:
		in->hearing_date = DOMAIN_DATE_NONE;
		break;
	case CONCERN_FIELD_OUTCOME:
		in->decision.outcome = CONCERN_OUTCOME_NONE;
		break;
	case CONCERN_FIELD_DECISION_REASONS:
		in->decision.reasons = NULL;
		break;
	case CONCERN_FIELD_FACTS_RELIED_ON:
		in->decision.facts_relied_on = NULL;
		break;
	case CONCERN_FIELD_REPRESENTATIONS_CONSIDERED:
		in->decision.representations_considered = NULL;
		break;
	case CONCERN_FIELD_PANEL_MEMBERS:
		in->n_members = 0;
		break;
	case CONCERN_FIELD_DECISION_NOTICE_SENT:
		in->decision_notice_sent = DOMAIN_DATE_NONE;
		break;
	case CONCERN_FIELD_APPEAL_REF:
		in->appeal_ref = NULL;
		break;
	case CONCERN_FIELD_TRIBUNAL_OUTCOME:
		in->tribunal_outcome = NULL;
		break;
	case CONCERN_FIELD_REVIEW_OUTCOME:
		in->review_outcome = NULL;
		break;
	case CONCERN_FIELD_CLOSURE_REASON:
		in->closure = CONCERN_CLOSURE_NONE;
		break;
	default:
		fail_msg("unknown field %d", field);
	}
}

static enum concern_role first_role(uint32_t roles)
{
	for (int r = 0; r < CONCERN_ROLE__COUNT; r++)
		if (roles & CONCERN_ROLE_BIT(r))
			return (enum concern_role)r;
	fail_msg("no role");
	return CONCERN_ROLE_OTHER;
}

static enum concern_check check(const struct concern_facts *f, enum concern_state to,
				enum concern_role role, const struct concern_move_input *in,
				char **cause)
{
	return domain_concern_check_move(NULL, f, to, role, in, cause);
}

/* Asserts a refusal with the status and a message containing `part`. */
/* causep, not the cause itself: arguments are evaluated in no set order,
 * so only a pointer read here is sure to see what the check wrote. */
static void expect(enum concern_check got, enum concern_check want, char **causep, const char *part)
{
	char *cause = *causep;
	if (got != want || (want != CONCERN_OK && (cause == NULL || strstr(cause, part) == NULL)))
		fail_msg("got %s (%s), want %s containing \"%s\"", domain_concern_check_name(got),
			 cause != NULL ? cause : "no message", domain_concern_check_name(want),
			 part);
	if (want == CONCERN_OK)
		assert_null(cause);
	free(cause);
	*causep = NULL;
}

/* ---- the table ------------------------------------------------------------- */

static void test_every_pair(void **state)
{
	(void)state;
	int legal = 0;
	for (int from = 0; from < CONCERN_STATE__COUNT; from++) {
		uint32_t targets = domain_concern_targets(from, 0);
		for (int to = 0; to < CONCERN_STATE__COUNT; to++) {
			int want = expected_legal(from, to);
			int got = (targets & CONCERN_STATE_BIT(to)) != 0;
			if (want != got)
				fail_msg("%s -> %s: legal %d, want %d",
					 domain_concern_state_name(from),
					 domain_concern_state_name(to), got, want);
			legal += want;
			if (want)
				continue;
			/* Illegal: every role, even with a complete input, is
			 * refused with FAILED_PRECONDITION naming the allowed moves. */
			for (int role = 0; role < CONCERN_ROLE__COUNT; role++) {
				struct concern_facts f;
				struct concern_move_input in;
				good_facts(&f, from, to, role);
				full_input(&in, &f);
				char *cause = NULL;
				enum concern_check rc = check(&f, to, role, &in, &cause);
				assert_int_equal(rc, CONCERN_FAILED_PRECONDITION);
				if (from == S_CLO) {
					assert_non_null(strstr(cause, "never reopened"));
				} else {
					char want_text[96];
					snprintf(want_text, sizeof want_text,
						 "no move from %s to %s",
						 domain_concern_state_name(from),
						 domain_concern_state_name(to));
					assert_non_null(strstr(cause, want_text));
					/* ... and lists each allowed target. */
					for (int t = 0; t < CONCERN_STATE__COUNT; t++)
						if (expected_legal(from, t))
							assert_non_null(strstr(
							    cause, domain_concern_state_name(t)));
				}
				free(cause);
			}
		}
	}
	/* 28 rows of the table plus closed from 15 open states, of which 5
	 * (triaged, pag-review, appeal-window, under-appeal, monitoring)
	 * already have a row to closed. */
	assert_int_equal(legal, 28 + 15 - 5);
	/* Nothing enters (new); nothing leaves closed. */
	for (int from = 0; from < CONCERN_STATE__COUNT; from++)
		assert_false(domain_concern_targets(from, 0) & CONCERN_STATE_BIT(S_NEW));
	assert_int_equal(domain_concern_targets(S_CLO, 0), 0);
	assert_int_equal(domain_concern_targets(CONCERN_STATE__COUNT, 0), 0);
}

static void test_illegal_message(void **state)
{
	(void)state;
	struct concern_facts f;
	struct concern_move_input in;
	good_facts(&f, S_TRI, S_REP, CONCERN_ROLE_PAG_MEMBER);
	full_input(&in, &f);
	char *cause = NULL;
	assert_int_equal(check(&f, S_REP, CONCERN_ROLE_PAG_MEMBER, &in, &cause),
			 CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause, "no move from triaged to reported (DOMAIN.md \"States and who "
				   "moves them\"); from triaged a concern may move to closed, "
				   "informal, external-only, investigating or panel-referred");
	free(cause);
	good_facts(&f, S_CLO, S_REC, CONCERN_ROLE_CASE_MANAGER);
	assert_int_equal(check(&f, S_REC, CONCERN_ROLE_CASE_MANAGER, &in, &cause),
			 CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause, "a closed concern is never reopened (DOMAIN.md \"Concerns\"); "
				   "open a new concern that links to it");
	free(cause);
}

/* Every legal move by every role: the allowed roles get past the role
 * check, the rest are PERMISSION_DENIED. */
static void test_roles_per_move(void **state)
{
	(void)state;
	for (int from = 0; from < CONCERN_STATE__COUNT; from++) {
		for (int to = 0; to < CONCERN_STATE__COUNT; to++) {
			if (!expected_legal(from, to))
				continue;
			uint32_t roles = expected_roles(from, to);
			for (int role = 0; role < CONCERN_ROLE__COUNT; role++) {
				struct concern_facts f;
				struct concern_move_input in;
				good_facts(&f, from, to, role);
				full_input(&in, &f); /* closure NONE: the move's own row */
				char *cause = NULL;
				enum concern_check rc = check(&f, to, role, &in, &cause);
				int allowed = (roles & CONCERN_ROLE_BIT(role)) != 0;
				if (allowed && rc == CONCERN_PERMISSION_DENIED)
					fail_msg("%s -> %s by %s: denied: %s",
						 domain_concern_state_name(from),
						 domain_concern_state_name(to),
						 domain_concern_role_name(role), cause);
				if (!allowed && rc != CONCERN_PERMISSION_DENIED)
					fail_msg("%s -> %s by %s: %s, want PERMISSION_DENIED",
						 domain_concern_state_name(from),
						 domain_concern_state_name(to),
						 domain_concern_role_name(role),
						 domain_concern_check_name(rc));
				assert_int_equal(domain_concern_find_rule(
						     from, to, role, CONCERN_CLOSURE_NONE) != NULL,
						 allowed);
				free(cause);
			}
		}
	}
	/* The message names who may. */
	struct concern_facts f;
	struct concern_move_input in;
	good_facts(&f, S_TRI, S_INF, CONCERN_ROLE_CASE_MANAGER);
	full_input(&in, &f);
	char *cause = NULL;
	assert_int_equal(check(&f, S_INF, CONCERN_ROLE_CASE_MANAGER, &in, &cause),
			 CONCERN_PERMISSION_DENIED);
	assert_string_equal(cause, "triaged -> informal: only a pag-member may move a concern "
				   "from triaged to informal, not a case-manager");
	free(cause);
	good_facts(&f, S_NEW, S_REC, CONCERN_ROLE_INVESTIGATOR);
	assert_int_equal(check(&f, S_REC, CONCERN_ROLE_INVESTIGATOR, &in, &cause),
			 CONCERN_PERMISSION_DENIED);
	assert_string_equal(cause, "(new) -> received: only a case-manager or pag-member may move "
				   "a concern from (new) to received, not a investigator");
	free(cause);
}

/* One legal move, allowed with a complete input; then each field blanked
 * in turn, refused exactly when the move must record it. */
static void check_move_fields(const struct expected_move *m, enum concern_state from,
			      enum concern_role role)
{
	struct concern_facts f;
	struct concern_move_input in;
	char *cause = NULL;
	good_facts(&f, from, m->to, role);
	full_input(&in, &f);
	if (m->withdrawal)
		in.closure = CONCERN_CLOSURE_WITHDRAWAL;
	enum concern_check rc = check(&f, m->to, role, &in, &cause);
	if (rc != CONCERN_OK)
		fail_msg("%s -> %s by %s%s: %s: %s", domain_concern_state_name(from),
			 domain_concern_state_name(m->to), domain_concern_role_name(role),
			 m->withdrawal ? " (withdrawal)" : "", domain_concern_check_name(rc),
			 cause);

	for (int field = 0; field < CONCERN_FIELD__COUNT; field++) {
		struct concern_move_input blank = in;
		clear_field(&blank, field);
		cause = NULL;
		rc = check(&f, m->to, role, &blank, &cause);
		int needed = (m->required & CONCERN_FIELD_BIT(field)) != 0;
		/* Without the withdrawal, a pag-member's close from triaged or
		 * pag-review is the ordinary "no further action" close. */
		if (m->withdrawal && field == CONCERN_FIELD_CLOSURE_REASON &&
		    (from == S_TRI || from == S_PAG))
			needed = 0;
		if (needed) {
			if (rc != CONCERN_INVALID_ARGUMENT || cause == NULL ||
			    strstr(cause, domain_concern_field_name(field)) == NULL)
				fail_msg("%s -> %s without %s: %s (%s)",
					 domain_concern_state_name(from),
					 domain_concern_state_name(m->to),
					 domain_concern_field_name(field),
					 domain_concern_check_name(rc), cause ? cause : "");
		} else if (rc != CONCERN_OK) {
			fail_msg("%s -> %s without %s (not needed): %s (%s)",
				 domain_concern_state_name(from), domain_concern_state_name(m->to),
				 domain_concern_field_name(field), domain_concern_check_name(rc),
				 cause ? cause : "");
		}
		free(cause);
	}
}

static void test_every_move_and_its_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_MOVES; i++)
		for (int role = 0; role < CONCERN_ROLE__COUNT; role++)
			if (moves[i].roles & CONCERN_ROLE_BIT(role))
				check_move_fields(&moves[i], moves[i].from, role);
	for (size_t i = 0; i < N_OPEN; i++)
		check_move_fields(&withdrawal_row, open_states[i], CONCERN_ROLE_PAG_MEMBER);
}

static void test_missing_message(void **state)
{
	(void)state;
	struct concern_facts f;
	struct concern_move_input in;
	char *cause = NULL;
	good_facts(&f, S_NEW, S_REC, CONCERN_ROLE_CASE_MANAGER);
	domain_concern_input_init(&in);
	assert_int_equal(check(&f, S_REC, CONCERN_ROLE_CASE_MANAGER, &in, &cause),
			 CONCERN_INVALID_ARGUMENT);
	assert_string_equal(cause,
			    "(new) -> received: must record source, category, summary and subject");
	free(cause);
	/* A pag-member closing an investigation is told about the
	 * withdrawal row, the only one open to them. */
	good_facts(&f, S_INV, S_CLO, CONCERN_ROLE_PAG_MEMBER);
	assert_int_equal(check(&f, S_CLO, CONCERN_ROLE_PAG_MEMBER, &in, &cause),
			 CONCERN_INVALID_ARGUMENT);
	assert_string_equal(cause, "any open state -> closed (withdrawal or death): must record "
				   "rationale and withdrawal or death of the subject");
	free(cause);
	/* Unknown names and impossible grades. */
	full_input(&in, &f);
	in.source = "gossip";
	good_facts(&f, S_NEW, S_REC, CONCERN_ROLE_CASE_MANAGER);
	assert_int_equal(check(&f, S_REC, CONCERN_ROLE_CASE_MANAGER, &in, &cause),
			 CONCERN_INVALID_ARGUMENT);
	assert_string_equal(cause, "source: must be one of patient-complaint, colleague, "
				   "serious-incident, clinical-audit, prescribing-data, regulator, "
				   "police, coroner, ncas, other");
	free(cause);
	full_input(&in, &f);
	in.risk_likelihood = 6;
	good_facts(&f, S_REC, S_TRI, CONCERN_ROLE_CASE_MANAGER);
	assert_int_equal(check(&f, S_TRI, CONCERN_ROLE_CASE_MANAGER, &in, &cause),
			 CONCERN_INVALID_ARGUMENT);
	assert_string_equal(cause, "likelihood: must be 1 (rare) to 5 (almost certain), got 6");
	free(cause);
	full_input(&in, &f);
	in.referral_body = "the press";
	good_facts(&f, S_TRI, S_EXT, CONCERN_ROLE_PAG_MEMBER);
	assert_int_equal(check(&f, S_EXT, CONCERN_ROLE_PAG_MEMBER, &in, &cause),
			 CONCERN_INVALID_ARGUMENT);
	assert_non_null(strstr(cause, "referral body: must be one of ncas, gmc"));
	free(cause);
	/* Dates: past events may not be in the future, due dates not past. */
	full_input(&in, &f);
	in.referral_date = f.today + 1;
	assert_int_equal(check(&f, S_EXT, CONCERN_ROLE_PAG_MEMBER, &in, &cause),
			 CONCERN_INVALID_ARGUMENT);
	assert_string_equal(cause, "referral date: 2026-11-24 is after today (2026-11-23)");
	free(cause);
	good_facts(&f, S_TRI, S_INF, CONCERN_ROLE_PAG_MEMBER);
	full_input(&in, &f);
	in.review_date = f.today - 1;
	assert_int_equal(check(&f, S_INF, CONCERN_ROLE_PAG_MEMBER, &in, &cause),
			 CONCERN_INVALID_ARGUMENT);
	assert_string_equal(cause, "review date: 2026-11-22 is before today (2026-11-23)");
	free(cause);
	in.review_date = f.today; /* today is fine */
	assert_int_equal(check(&f, S_INF, CONCERN_ROLE_PAG_MEMBER, &in, NULL), CONCERN_OK);
	/* Action plan items need text and a due date. */
	good_facts(&f, S_PAG, S_REM, CONCERN_ROLE_PAG_MEMBER);
	full_input(&in, &f);
	struct concern_action bad[2] = {{"audit", f.today + 1}, {"course", DOMAIN_DATE_NONE}};
	in.actions = bad;
	assert_int_equal(check(&f, S_REM, CONCERN_ROLE_PAG_MEMBER, &in, &cause),
			 CONCERN_INVALID_ARGUMENT);
	assert_string_equal(cause, "action plan item 2: due date is missing (DOMAIN.md: an action "
				   "plan with due dates)");
	free(cause);
	bad[1] = (struct concern_action){" ", f.today + 1};
	assert_int_equal(check(&f, S_REM, CONCERN_ROLE_PAG_MEMBER, &in, &cause),
			 CONCERN_INVALID_ARGUMENT);
	assert_string_equal(cause, "action plan item 2: what is to be done is missing");
	free(cause);
	bad[1] = (struct concern_action){"course", f.today - 3};
	assert_int_equal(check(&f, S_REM, CONCERN_ROLE_PAG_MEMBER, &in, &cause),
			 CONCERN_INVALID_ARGUMENT);
	assert_string_equal(cause, "action plan item 2 due date: 2026-11-20 is before today "
				   "(2026-11-23)");
	free(cause);
}

/* ---- pharmacists ------------------------------------------------------------ */

static void test_pharmacist_moves(void **state)
{
	(void)state;
	/* Exactly: creation, triage, triaged -> external-only or closed, and
	 * the withdrawal close from any open state. */
	for (int from = 0; from < CONCERN_STATE__COUNT; from++) {
		uint32_t got = domain_concern_targets(from, 1);
		uint32_t want = 0;
		if (from == S_NEW)
			want = CONCERN_STATE_BIT(S_REC);
		if (from == S_REC)
			want = CONCERN_STATE_BIT(S_TRI);
		if (from == S_TRI)
			want |= CONCERN_STATE_BIT(S_EXT);
		if (is_open(from))
			want |= CONCERN_STATE_BIT(S_CLO);
		assert_int_equal(got, want);
	}
	for (size_t i = 0; i < N_MOVES; i++) {
		enum concern_role role = first_role(moves[i].roles);
		struct concern_facts f;
		struct concern_move_input in;
		good_facts(&f, moves[i].from, moves[i].to, role);
		f.subject_is_pharmacist = 1;
		f.list_status = LIST_STATUS_NONE;
		full_input(&in, &f);
		char *cause = NULL;
		enum concern_check rc = check(&f, moves[i].to, role, &in, &cause);
		if (moves[i].pharmacist_ok)
			expect(rc, CONCERN_OK, &cause, "");
		else if (moves[i].to == S_CLO && role == CONCERN_ROLE_PAG_MEMBER)
			/* Their own closing row is not open to a pharmacist's
			 * concern, but the withdrawal row is: told what it needs. */
			expect(rc, CONCERN_INVALID_ARGUMENT, &cause, "withdrawal or death");
		else
			expect(rc, CONCERN_FAILED_PRECONDITION, &cause, "pharmacist rule");
	}
	/* The refusal names the rule and the routes. */
	struct concern_facts f;
	struct concern_move_input in;
	good_facts(&f, S_TRI, S_INV, CONCERN_ROLE_PAG_MEMBER);
	f.subject_is_pharmacist = 1;
	full_input(&in, &f);
	char *cause = NULL;
	assert_int_equal(check(&f, S_INV, CONCERN_ROLE_PAG_MEMBER, &in, &cause),
			 CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause,
			    "pharmacist rule: a concern about a pharmacist is referred to "
			    "their regulator (RPSGB/GPhC) and never handled with list "
			    "actions; from triaged it may only go to external-only or closed, "
			    "so triaged -> investigating is not open to it");
	free(cause);
	/* The withdrawal close works for a pharmacist's external-only concern. */
	good_facts(&f, S_EXT, S_CLO, CONCERN_ROLE_PAG_MEMBER);
	f.subject_is_pharmacist = 1;
	full_input(&in, &f);
	in.closure = CONCERN_CLOSURE_DEATH;
	assert_int_equal(check(&f, S_CLO, CONCERN_ROLE_PAG_MEMBER, &in, NULL), CONCERN_OK);
}

/* ---- particular rules ----------------------------------------------------- */

static void test_assigned_investigator(void **state)
{
	(void)state;
	struct concern_facts f;
	struct concern_move_input in;
	char *cause = NULL;
	good_facts(&f, S_INV, S_REP, CONCERN_ROLE_INVESTIGATOR);
	full_input(&in, &f);
	assert_int_equal(check(&f, S_REP, CONCERN_ROLE_INVESTIGATOR, &in, NULL), CONCERN_OK);
	f.actor_id = U_NEW_INVESTIGATOR; /* an investigator, not this one */
	assert_int_equal(check(&f, S_REP, CONCERN_ROLE_INVESTIGATOR, &in, &cause),
			 CONCERN_PERMISSION_DENIED);
	assert_string_equal(cause, "investigating -> reported: only the assigned investigator may "
				   "record the report");
	free(cause);
	f.actor_id = 0;
	f.investigator_id = 0; /* nobody assigned: nobody matches */
	expect(check(&f, S_REP, CONCERN_ROLE_INVESTIGATOR, &in, &cause), CONCERN_PERMISSION_DENIED,
	       &cause, "assigned investigator");
	/* The case manager cannot record it either. */
	good_facts(&f, S_INV, S_REP, CONCERN_ROLE_CASE_MANAGER);
	expect(check(&f, S_REP, CONCERN_ROLE_CASE_MANAGER, &in, &cause), CONCERN_PERMISSION_DENIED,
	       &cause, "only a investigator");
}

static void test_investigator_not_case_manager(void **state)
{
	(void)state;
	static const enum concern_state froms[] = {S_TRI, S_PAG, S_INF};
	for (size_t i = 0; i < 3; i++) {
		struct concern_facts f;
		struct concern_move_input in;
		char *cause = NULL;
		good_facts(&f, froms[i], S_INV, CONCERN_ROLE_PAG_MEMBER);
		full_input(&in, &f);
		in.investigator_id = U_CASE_MANAGER;
		assert_int_equal(check(&f, S_INV, CONCERN_ROLE_PAG_MEMBER, &in, &cause),
				 CONCERN_FAILED_PRECONDITION);
		assert_string_equal(cause, "triaged, pag-review, informal -> investigating: the "
					   "investigator must not be the case manager");
		free(cause);
		/* Nor someone who sat on this concern's deciding panel. */
		int64_t sat[] = {U_PANEL + 7};
		f.panel_ids = sat;
		f.n_panel = 1;
		in.investigator_id = U_PANEL + 7;
		expect(check(&f, S_INV, CONCERN_ROLE_PAG_MEMBER, &in, &cause),
		       CONCERN_FAILED_PRECONDITION, &cause, "sat on this concern's deciding panel");
	}
	/* Triage names the case manager: not the investigator. */
	struct concern_facts f;
	struct concern_move_input in;
	char *cause = NULL;
	good_facts(&f, S_REC, S_TRI, CONCERN_ROLE_CASE_MANAGER);
	full_input(&in, &f);
	in.case_manager_id = U_INVESTIGATOR;
	expect(check(&f, S_TRI, CONCERN_ROLE_CASE_MANAGER, &in, &cause),
	       CONCERN_FAILED_PRECONDITION, &cause,
	       "received -> triaged: the case manager must not be the investigator");
	f.investigator_id = 0; /* usual at triage */
	assert_int_equal(check(&f, S_TRI, CONCERN_ROLE_CASE_MANAGER, &in, NULL), CONCERN_OK);
}

static void test_decision_timing(void **state)
{
	(void)state;
	struct concern_facts f;
	struct concern_move_input in;
	char *cause = NULL;
	int32_t sent = D("2026-11-02");

	good_facts(&f, S_NOT, S_DEC, CONCERN_ROLE_PANEL_MEMBER);
	full_input(&in, &f);
	f.notice_sent = sent;
	/* Day 27 after the notice: refused. */
	f.today = sent + 27;
	assert_int_equal(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
			 CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause, "notice-issued, hearing-scheduled -> decided: not before the "
				   "28 days for representations end (2026-11-30) unless "
				   "representations are in; none are recorded");
	free(cause);
	/* Day 28: allowed. */
	f.today = sent + 28;
	assert_int_equal(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, NULL), CONCERN_OK);
	/* Representations in: allowed on day 1. */
	f.today = sent + 1;
	f.representations_received = 1;
	assert_int_equal(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, NULL), CONCERN_OK);
	/* A hearing requested and none scheduled: refused even after day 28. */
	f.today = sent + 40;
	f.hearing_requested = 1;
	expect(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
	       CONCERN_FAILED_PRECONDITION, &cause,
	       "a hearing was requested and none is scheduled");
	/* Scheduled for tomorrow: not yet held. */
	good_facts(&f, S_HEA, S_DEC, CONCERN_ROLE_PANEL_MEMBER);
	f.notice_sent = sent;
	f.today = sent + 30;
	f.hearing_date = f.today + 1;
	assert_int_equal(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
			 CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause, "notice-issued, hearing-scheduled -> decided: not before the "
				   "requested hearing is held (2026-12-03)");
	free(cause);
	/* Held today: allowed. */
	f.hearing_date = f.today;
	assert_int_equal(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, NULL), CONCERN_OK);
	/* Held, representations in, before day 28: allowed. */
	f.today = sent + 10;
	f.hearing_date = sent + 9;
	f.representations_received = 1;
	assert_int_equal(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, NULL), CONCERN_OK);
	/* ... but not without the representations. */
	f.representations_received = 0;
	assert_int_equal(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, NULL),
			 CONCERN_FAILED_PRECONDITION);
	/* No notice recorded at all. */
	f.notice_sent = DOMAIN_DATE_NONE;
	expect(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
	       CONCERN_FAILED_PRECONDITION, &cause, "no notice date is recorded");
	/* A configured 21-day window: day 21 allowed. */
	struct concern_config cfg = CONCERN_CONFIG_DEFAULT;
	cfg.representations.count = 21;
	good_facts(&f, S_NOT, S_DEC, CONCERN_ROLE_PANEL_MEMBER);
	f.notice_sent = sent;
	f.today = sent + 21;
	assert_int_equal(
	    domain_concern_check_move(&cfg, &f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, NULL),
	    CONCERN_OK);
	f.today = sent + 20;
	assert_int_equal(
	    domain_concern_check_move(&cfg, &f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, NULL),
	    CONCERN_FAILED_PRECONDITION);
}

static void test_hearing_window(void **state)
{
	(void)state;
	struct concern_facts f;
	struct concern_move_input in;
	char *cause = NULL;
	good_facts(&f, S_NOT, S_HEA, CONCERN_ROLE_CASE_MANAGER);
	f.notice_sent = D("2026-11-02");
	f.today = D("2026-12-10");
	full_input(&in, &f);
	/* Received on day 28 (30 November): within the window. */
	in.hearing_requested = D("2026-11-30");
	assert_int_equal(check(&f, S_HEA, CONCERN_ROLE_CASE_MANAGER, &in, NULL), CONCERN_OK);
	/* Day 29: too late. */
	in.hearing_requested = D("2026-12-01");
	assert_int_equal(check(&f, S_HEA, CONCERN_ROLE_CASE_MANAGER, &in, &cause),
			 CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause, "notice-issued -> hearing-scheduled: the hearing request must "
				   "be received within the window from the notice (2026-11-02) to "
				   "2026-11-30; it was received 2026-12-01");
	free(cause);
	/* Before the notice went out: not a response to it. */
	in.hearing_requested = D("2026-11-01");
	assert_int_equal(check(&f, S_HEA, CONCERN_ROLE_CASE_MANAGER, &in, NULL),
			 CONCERN_FAILED_PRECONDITION);
	in.hearing_requested = D("2026-11-02");
	assert_int_equal(check(&f, S_HEA, CONCERN_ROLE_CASE_MANAGER, &in, NULL), CONCERN_OK);
	/* The hearing date is a due date: not in the past. */
	in.hearing_date = f.today - 1;
	assert_int_equal(check(&f, S_HEA, CONCERN_ROLE_CASE_MANAGER, &in, NULL),
			 CONCERN_INVALID_ARGUMENT);
	in.hearing_date = f.today + 1;
	f.notice_sent = DOMAIN_DATE_NONE;
	expect(check(&f, S_HEA, CONCERN_ROLE_CASE_MANAGER, &in, &cause),
	       CONCERN_FAILED_PRECONDITION, &cause, "no notice date is recorded");
}

static void test_quorum_and_conflicts(void **state)
{
	(void)state;
	struct concern_facts f;
	struct concern_move_input in;
	char *cause = NULL;
	good_facts(&f, S_NOT, S_DEC, CONCERN_ROLE_PANEL_MEMBER);
	full_input(&in, &f);

	/* Two members: below the default quorum of 3. */
	in.n_members = 2;
	assert_int_equal(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
			 CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause, "panel quorum: a panel decision needs at least 3 members, none "
				   "of whom investigated or case-managed this concern; 2 were "
				   "recorded");
	free(cause);
	/* A configured quorum of 2 accepts them; of 4 refuses 3. */
	struct concern_config cfg = CONCERN_CONFIG_DEFAULT;
	cfg.panel_quorum = 2;
	assert_int_equal(
	    domain_concern_check_move(&cfg, &f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, NULL),
	    CONCERN_OK);
	in.n_members = 3;
	cfg.panel_quorum = 4;
	assert_int_equal(
	    domain_concern_check_move(&cfg, &f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, NULL),
	    CONCERN_FAILED_PRECONDITION);

	/* Conflicts: the case manager, the investigator, a former one. */
	int64_t with_cm[] = {U_PANEL, U_PANEL + 1, U_CASE_MANAGER};
	in.members = with_cm;
	assert_int_equal(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
			 CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause, "panel conflict: user 10 is the case manager of this concern "
				   "and may not sit on its deciding panel");
	free(cause);
	int64_t with_inv[] = {U_INVESTIGATOR, U_PANEL, U_PANEL + 1};
	in.members = with_inv;
	expect(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
	       CONCERN_FAILED_PRECONDITION, &cause, "user 20 is the investigator");
	int64_t former[] = {U_PANEL + 1};
	f.former_ids = former;
	f.n_former = 1;
	in.members = panel3;
	expect(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
	       CONCERN_FAILED_PRECONDITION, &cause,
	       "user 41 is a former case manager or investigator");
	f.n_former = 0;
	/* The member recording it is one of the deciders too. */
	f.actor_id = U_INVESTIGATOR;
	expect(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
	       CONCERN_FAILED_PRECONDITION, &cause, "you (user 20) are the investigator");
	f.actor_id = U_PANEL;
	/* Listed twice, or not a user id: the input is wrong. */
	int64_t twice[] = {U_PANEL, U_PANEL + 1, U_PANEL};
	in.members = twice;
	expect(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause), CONCERN_INVALID_ARGUMENT,
	       &cause, "panel members: user 40 is listed twice");
	int64_t zero[] = {U_PANEL, 0, U_PANEL + 1};
	in.members = zero;
	expect(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause), CONCERN_INVALID_ARGUMENT,
	       &cause, "panel members: entry 2 is not a user id");
	/* The same rule when lifting conditions from monitoring. */
	good_facts(&f, S_MON, S_CLO, CONCERN_ROLE_PANEL_MEMBER);
	full_input(&in, &f);
	in.members = with_cm;
	expect(check(&f, S_CLO, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
	       CONCERN_FAILED_PRECONDITION, &cause, "panel conflict");
	in.members = panel3;
	in.n_members = 1;
	expect(check(&f, S_CLO, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
	       CONCERN_FAILED_PRECONDITION, &cause, "panel quorum");
	/* Directly. */
	expect(domain_concern_check_panel(NULL, &f, NULL, 0, &cause), CONCERN_INVALID_ARGUMENT,
	       &cause, "panel members: required (at least 3)");
}

static void test_outcomes_and_list_status(void **state)
{
	(void)state;
	const unsigned EFF = REMOVAL_GROUND_BIT(REMOVAL_GROUND_EFFICIENCY);
	const unsigned FRA = REMOVAL_GROUND_BIT(REMOVAL_GROUND_FRAUD);
	const unsigned UNS = REMOVAL_GROUND_BIT(REMOVAL_GROUND_UNSUITABILITY);
	const unsigned MUR = REMOVAL_GROUND_BIT(REMOVAL_GROUND_MURDER);
	const unsigned NDQ = REMOVAL_GROUND_BIT(REMOVAL_GROUND_NATIONAL_DISQUALIFICATION);
	const unsigned REG = REMOVAL_GROUND_BIT(REMOVAL_GROUND_NOT_REGISTERED);
	static const struct {
		enum concern_outcome outcome;
		int conditions;
		unsigned grounds;
		enum concern_check want;
		enum list_status to; /* from included */
	} cases[] = {
	    {CONCERN_OUTCOME_NO_ACTION, 0, 0, CONCERN_OK, LIST_STATUS_INCLUDED},
	    {CONCERN_OUTCOME_NO_ACTION, 1, 0, CONCERN_INVALID_ARGUMENT, 0},
	    {CONCERN_OUTCOME_NO_ACTION, 0, EFF, CONCERN_INVALID_ARGUMENT, 0},
	    {CONCERN_OUTCOME_CONDITIONS, 1, 0, CONCERN_OK, LIST_STATUS_INCLUDED_WITH_CONDITIONS},
	    {CONCERN_OUTCOME_CONDITIONS, 0, 0, CONCERN_INVALID_ARGUMENT, 0},
	    {CONCERN_OUTCOME_CONDITIONS, 1, EFF, CONCERN_INVALID_ARGUMENT, 0},
	    /* Contingent removal: efficiency and fraud cases only. */
	    {CONCERN_OUTCOME_CONTINGENT_REMOVAL, 1, EFF, CONCERN_OK,
	     LIST_STATUS_CONTINGENTLY_REMOVED},
	    {CONCERN_OUTCOME_CONTINGENT_REMOVAL, 1, FRA, CONCERN_OK,
	     LIST_STATUS_CONTINGENTLY_REMOVED},
	    {CONCERN_OUTCOME_CONTINGENT_REMOVAL, 1, EFF | FRA, CONCERN_OK,
	     LIST_STATUS_CONTINGENTLY_REMOVED},
	    {CONCERN_OUTCOME_CONTINGENT_REMOVAL, 1, UNS, CONCERN_FAILED_PRECONDITION, 0},
	    {CONCERN_OUTCOME_CONTINGENT_REMOVAL, 1, EFF | UNS, CONCERN_FAILED_PRECONDITION, 0},
	    {CONCERN_OUTCOME_CONTINGENT_REMOVAL, 1, MUR, CONCERN_FAILED_PRECONDITION, 0},
	    {CONCERN_OUTCOME_CONTINGENT_REMOVAL, 1, 0, CONCERN_INVALID_ARGUMENT, 0},
	    {CONCERN_OUTCOME_CONTINGENT_REMOVAL, 0, EFF, CONCERN_INVALID_ARGUMENT, 0},
	    /* Removal: grounds, several allowed, mandatory or discretionary. */
	    {CONCERN_OUTCOME_REMOVAL, 0, UNS, CONCERN_OK, LIST_STATUS_REMOVED},
	    {CONCERN_OUTCOME_REMOVAL, 0, EFF | FRA | UNS, CONCERN_OK, LIST_STATUS_REMOVED},
	    {CONCERN_OUTCOME_REMOVAL, 0, MUR, CONCERN_OK, LIST_STATUS_REMOVED},
	    {CONCERN_OUTCOME_REMOVAL, 0, REG | FRA, CONCERN_OK, LIST_STATUS_REMOVED},
	    {CONCERN_OUTCOME_REMOVAL, 0, NDQ, CONCERN_OK, LIST_STATUS_NATIONALLY_DISQUALIFIED},
	    {CONCERN_OUTCOME_REMOVAL, 0, 0, CONCERN_INVALID_ARGUMENT, 0},
	    {CONCERN_OUTCOME_REMOVAL, 1, EFF, CONCERN_INVALID_ARGUMENT, 0},
	    {CONCERN_OUTCOME_REMOVAL, 0, 1u << REMOVAL_GROUND__COUNT, CONCERN_INVALID_ARGUMENT, 0},
	    {CONCERN_OUTCOME_NATIONAL_DISQUALIFICATION_REFERRAL, 0, 0, CONCERN_OK,
	     LIST_STATUS_INCLUDED},
	    {CONCERN_OUTCOME_NONE, 0, 0, CONCERN_INVALID_ARGUMENT, 0},
	    {CONCERN_OUTCOME__COUNT, 0, 0, CONCERN_INVALID_ARGUMENT, 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct concern_decision d = {
		    cases[i].outcome, "r", "f", "rep", cases[i].conditions ? "no night work" : NULL,
		    cases[i].grounds};
		enum list_status to = LIST_STATUS__COUNT;
		char *cause = NULL;
		enum concern_check rc =
		    domain_concern_decision_status(&d, LIST_STATUS_INCLUDED, &to, &cause);
		if (rc != cases[i].want)
			fail_msg("case %zu: %s (%s)", i, domain_concern_check_name(rc),
				 cause ? cause : "");
		if (rc == CONCERN_OK)
			assert_int_equal(to, cases[i].to);
		else
			assert_non_null(cause);
		free(cause);

		/* Through the move check as well. */
		struct concern_facts f;
		struct concern_move_input in;
		good_facts(&f, S_NOT, S_DEC, CONCERN_ROLE_PANEL_MEMBER);
		full_input(&in, &f);
		in.decision = d;
		rc = check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, NULL);
		assert_int_equal(rc, cases[i].outcome == CONCERN_OUTCOME_NONE
					 ? CONCERN_INVALID_ARGUMENT
					 : cases[i].want);
	}
	char *cause = NULL;
	struct concern_decision d = {CONCERN_OUTCOME_CONTINGENT_REMOVAL, "r", "f", "rep", "c", UNS};
	enum list_status to;
	assert_int_equal(domain_concern_decision_status(&d, LIST_STATUS_INCLUDED, &to, &cause),
			 CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause, "contingent removal: available in efficiency and fraud cases "
				   "only (DOMAIN.md \"Performers\"); remove the other grounds or "
				   "decide removal");
	free(cause);

	/* A panel acts on performers on the list, from any of the three. */
	d = (struct concern_decision){CONCERN_OUTCOME_CONDITIONS, "r", "f", "rep", "c", 0};
	for (int from = 0; from < LIST_STATUS__COUNT; from++) {
		int on = from == LIST_STATUS_INCLUDED ||
			 from == LIST_STATUS_INCLUDED_WITH_CONDITIONS ||
			 from == LIST_STATUS_CONTINGENTLY_REMOVED;
		cause = NULL;
		enum concern_check rc = domain_concern_decision_status(&d, from, &to, &cause);
		assert_int_equal(rc, on ? CONCERN_OK : CONCERN_FAILED_PRECONDITION);
		free(cause);
	}
	/* ... so a decision on an applicant is refused through the move too. */
	struct concern_facts f;
	struct concern_move_input in;
	good_facts(&f, S_NOT, S_DEC, CONCERN_ROLE_PANEL_MEMBER);
	f.list_status = LIST_STATUS_APPLIED;
	full_input(&in, &f);
	expect(check(&f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
	       CONCERN_FAILED_PRECONDITION, &cause, "list status is applied");
}

static void test_list_machines(void **state)
{
	(void)state;
	for (int from = 0; from < LIST_STATUS__COUNT; from++) {
		for (int to = 0; to < LIST_STATUS__COUNT; to++) {
			int on = from == LIST_STATUS_INCLUDED ||
				 from == LIST_STATUS_INCLUDED_WITH_CONDITIONS ||
				 from == LIST_STATUS_CONTINGENTLY_REMOVED;
			int target = to == LIST_STATUS_INCLUDED ||
				     to == LIST_STATUS_INCLUDED_WITH_CONDITIONS ||
				     to == LIST_STATUS_CONTINGENTLY_REMOVED ||
				     to == LIST_STATUS_REMOVED ||
				     to == LIST_STATUS_NATIONALLY_DISQUALIFIED;
			char *cause = NULL;
			int rc = domain_list_check_panel_move(from, to, &cause);
			assert_int_equal(rc, on && target ? 0 : -1);
			free(cause);

			int admit = (from == LIST_STATUS_APPLIED &&
				     (to == LIST_STATUS_INCLUDED ||
				      to == LIST_STATUS_INCLUDED_WITH_CONDITIONS ||
				      to == LIST_STATUS_DEFERRED || to == LIST_STATUS_REFUSED)) ||
				    (from == LIST_STATUS_DEFERRED &&
				     (to == LIST_STATUS_INCLUDED ||
				      to == LIST_STATUS_INCLUDED_WITH_CONDITIONS ||
				      to == LIST_STATUS_REFUSED));
			cause = NULL;
			rc = domain_list_check_admission(from, to, &cause);
			assert_int_equal(rc, admit ? 0 : -1);
			if (rc != 0)
				assert_non_null(cause);
			free(cause);
		}
	}
	char *cause = NULL;
	assert_int_equal(
	    domain_list_check_admission(LIST_STATUS_INCLUDED, LIST_STATUS_REFUSED, &cause), -1);
	assert_string_equal(cause, "admission decision: only an applicant (applied or deferred) "
				   "can be admitted, deferred or refused; the status is included");
	free(cause);
	assert_int_equal(
	    domain_list_check_admission(LIST_STATUS_DEFERRED, LIST_STATUS_DEFERRED, &cause), -1);
	assert_string_equal(cause, "admission decision: from deferred the decision may be "
				   "included, included-with-conditions or refused, not deferred");
	free(cause);
	assert_int_equal(
	    domain_list_check_panel_move(LIST_STATUS_INCLUDED, LIST_STATUS_WITHDRAWN, &cause), -1);
	assert_string_equal(cause, "list status: a panel decision cannot move a performer to "
				   "withdrawn (withdrawn is for the performer's own withdrawal)");
	free(cause);
}

/* A window already running is judged by the due date recorded when it
 * started, not by the configuration in force now (which may have changed):
 * the parties keep the dates they were told. */
/* Only a plain "allowed" reverses a list change; the other words are
 * recorded; anything else is refused with the list of words. */
static void test_tribunal_outcome(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int want;
	} cases[] = {
	    {"allowed", TRIBUNAL_ALLOWED},
	    {"Allowed", TRIBUNAL_ALLOWED},
	    {"allowed: the notice was defective", TRIBUNAL_ALLOWED},
	    {" allowed : spaced", TRIBUNAL_ALLOWED},
	    {"allowed in part", TRIBUNAL_ALLOWED_IN_PART},
	    {"allowed-in-part: condition 2 struck out", TRIBUNAL_ALLOWED_IN_PART},
	    {"dismissed", TRIBUNAL_DISMISSED},
	    {"varied: conditions reduced", TRIBUNAL_VARIED},
	    {"withdrawn", TRIBUNAL_WITHDRAWN},
	    {"", -1},
	    {"allowedx", -1},
	    {"mostly allowed", -1},
	    {"allowed in full", -1},
	    {"dismissed on every ground", -1},
	    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", -1},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *cause = NULL;
		int got = domain_concern_tribunal_outcome_parse(cases[i].text, &cause);
		if (got != cases[i].want)
			fail_msg("\"%s\": got %d, want %d", cases[i].text, got, cases[i].want);
		if (got < 0) {
			assert_non_null(cause);
			assert_non_null(strstr(cause, "allowed-in-part"));
			free(cause);
		} else {
			assert_null(cause);
		}
	}
	assert_int_equal(domain_concern_tribunal_outcome_parse(NULL, NULL), -1);
}

static void test_recorded_windows(void **state)
{
	(void)state;
	struct concern_facts f;
	struct concern_move_input in;
	char *cause = NULL;
	struct concern_config cfg = CONCERN_CONFIG_DEFAULT;
	cfg.representations.count = 7;
	cfg.appeal.count = 60;
	int32_t sent = D("2026-11-02");

	good_facts(&f, S_NOT, S_DEC, CONCERN_ROLE_PANEL_MEMBER);
	full_input(&in, &f);
	f.notice_sent = sent;
	f.today = sent + 10;
	/* Computed from the 7 days now configured: day 10 is after the end. */
	assert_int_equal(
	    domain_concern_check_move(&cfg, &f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, NULL),
	    CONCERN_OK);
	/* Recorded as 28 days when the notice went: still running. */
	f.representations_due = sent + 28;
	assert_int_equal(
	    domain_concern_check_move(&cfg, &f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, &cause),
	    CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause, "notice-issued, hearing-scheduled -> decided: not before the "
				   "28 days for representations end (2026-11-30) unless "
				   "representations are in; none are recorded");
	free(cause);
	f.today = sent + 28;
	assert_int_equal(
	    domain_concern_check_move(&cfg, &f, S_DEC, CONCERN_ROLE_PANEL_MEMBER, &in, NULL),
	    CONCERN_OK);

	/* The appeal deadline: 28 days recorded, 60 configured now. */
	good_facts(&f, S_APW, S_MON, CONCERN_ROLE_SYSTEM);
	full_input(&in, &f);
	f.decision_notice_sent = f.today - 29;
	assert_int_equal(domain_concern_check_move(&cfg, &f, S_MON, CONCERN_ROLE_SYSTEM, &in, NULL),
			 CONCERN_FAILED_PRECONDITION);
	f.appeal_due = f.decision_notice_sent + 28;
	assert_int_equal(domain_concern_check_move(&cfg, &f, S_MON, CONCERN_ROLE_SYSTEM, &in, NULL),
			 CONCERN_OK);
}

static void test_appeal_deadline(void **state)
{
	(void)state;
	struct concern_facts f;
	struct concern_move_input in;
	char *cause = NULL;
	good_facts(&f, S_APW, S_MON, CONCERN_ROLE_SYSTEM);
	full_input(&in, &f);
	/* Sent 28 days ago: the deadline is today, not yet passed. */
	f.decision_notice_sent = f.today - 28;
	assert_int_equal(check(&f, S_MON, CONCERN_ROLE_SYSTEM, &in, &cause),
			 CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause, "appeal-window -> monitoring (appeal deadline passed): the "
				   "appeal deadline (2026-11-23) has not passed");
	free(cause);
	f.decision_notice_sent = f.today - 29;
	assert_int_equal(check(&f, S_MON, CONCERN_ROLE_SYSTEM, &in, NULL), CONCERN_OK);
	/* Monitoring only while conditions stand. */
	for (int o = CONCERN_OUTCOME_NO_ACTION; o < CONCERN_OUTCOME__COUNT; o++) {
		f.outcome = o;
		int conditions =
		    o == CONCERN_OUTCOME_CONDITIONS || o == CONCERN_OUTCOME_CONTINGENT_REMOVAL;
		assert_int_equal(domain_concern_after_appeal_window(o), conditions ? S_MON : S_CLO);
		assert_int_equal(check(&f, S_MON, CONCERN_ROLE_SYSTEM, &in, NULL),
				 conditions ? CONCERN_OK : CONCERN_FAILED_PRECONDITION);
		assert_int_equal(check(&f, S_CLO, CONCERN_ROLE_SYSTEM, &in, NULL),
				 conditions ? CONCERN_FAILED_PRECONDITION : CONCERN_OK);
	}
	f.decision_notice_sent = DOMAIN_DATE_NONE;
	expect(check(&f, S_CLO, CONCERN_ROLE_SYSTEM, &in, &cause), CONCERN_FAILED_PRECONDITION,
	       &cause, "no decision notice date is recorded");
}

static void test_withdrawal_close(void **state)
{
	(void)state;
	struct concern_facts f;
	struct concern_move_input in;
	char *cause = NULL;
	good_facts(&f, S_REC, S_CLO, CONCERN_ROLE_PAG_MEMBER);
	domain_concern_input_init(&in);
	in.rationale = "performer died on 1 November";
	in.closure = CONCERN_CLOSURE_DEATH;
	assert_int_equal(check(&f, S_CLO, CONCERN_ROLE_PAG_MEMBER, &in, NULL), CONCERN_OK);
	in.closure = CONCERN_CLOSURE_WITHDRAWAL;
	assert_int_equal(check(&f, S_CLO, CONCERN_ROLE_PAG_MEMBER, &in, NULL), CONCERN_OK);
	in.rationale = NULL;
	expect(check(&f, S_CLO, CONCERN_ROLE_PAG_MEMBER, &in, &cause), CONCERN_INVALID_ARGUMENT,
	       &cause, "must record rationale");
	in.rationale = "x";
	expect(check(&f, S_CLO, CONCERN_ROLE_CASE_MANAGER, &in, &cause), CONCERN_PERMISSION_DENIED,
	       &cause, "only a pag-member");
	/* Under appeal: the case manager's tribunal close, or a pag-member's
	 * withdrawal close; the closure picks the row. */
	good_facts(&f, S_UAP, S_CLO, CONCERN_ROLE_PAG_MEMBER);
	assert_int_equal(check(&f, S_CLO, CONCERN_ROLE_PAG_MEMBER, &in, NULL), CONCERN_OK);
	const struct concern_move_rule *r = domain_concern_find_rule(
	    S_UAP, S_CLO, CONCERN_ROLE_CASE_MANAGER, CONCERN_CLOSURE_DEATH);
	assert_non_null(r);
	assert_false(r->flags & CONCERN_RULE_WITHDRAWAL);
	r = domain_concern_find_rule(S_TRI, S_CLO, CONCERN_ROLE_PAG_MEMBER, CONCERN_CLOSURE_DEATH);
	assert_true(r->flags & CONCERN_RULE_WITHDRAWAL);
	r = domain_concern_find_rule(S_TRI, S_CLO, CONCERN_ROLE_PAG_MEMBER, CONCERN_CLOSURE_NONE);
	assert_false(r->flags & CONCERN_RULE_WITHDRAWAL);
	assert_null(
	    domain_concern_find_rule(S_CLO, S_CLO, CONCERN_ROLE_PAG_MEMBER, CONCERN_CLOSURE_DEATH));
	assert_null(domain_concern_find_rule(CONCERN_STATE__COUNT, S_CLO, CONCERN_ROLE_PAG_MEMBER,
					     CONCERN_CLOSURE_DEATH));
}

/* The module's table agrees with the expected one row for row in its
 * roles and fields, and no two rows for the same move share a role
 * unless one is the withdrawal row. */
static void test_table_shape(void **state)
{
	(void)state;
	size_t n;
	const struct concern_move_rule *rules = domain_concern_move_rules(&n);
	assert_int_equal(n, 24);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(rules[i].row);
		for (size_t k = i + 1; k < n; k++) {
			if (rules[i].to != rules[k].to || !(rules[i].from & rules[k].from))
				continue;
			if (rules[i].roles & rules[k].roles)
				assert_true((rules[i].flags | rules[k].flags) &
					    CONCERN_RULE_WITHDRAWAL);
		}
	}
}

/* ---- deadlines ---------------------------------------------------------------- */

static void test_deadlines(void **state)
{
	(void)state;
	int32_t hol[64];
	struct domain_holidays h = {hol, domain_bank_holidays_england_wales(2026, 2028, hol, 64)};
	struct concern_facts f;
	struct concern_move_input in;
	struct concern_deadline out[4];
	char a[DOMAIN_DATE_BUFSZ];

	/* Received Wed 23 Dec 2026: triage due 5 working days later, Mon 4 Jan. */
	good_facts(&f, S_NEW, S_REC, CONCERN_ROLE_CASE_MANAGER);
	f.today = D("2026-12-23");
	full_input(&in, &f);
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_REC, &in, &h, out, 4), 1);
	assert_int_equal(out[0].kind, CONCERN_CLOCK_TRIAGE);
	assert_int_equal(out[0].start, f.today);
	assert_string_equal(domain_date_format(out[0].due, a), "2027-01-04");
	assert_int_equal(out[0].basis.unit, DOMAIN_PERIOD_WORKING_DAYS);
	assert_int_equal(out[0].basis.count, 5);

	/* Triage at 3 x 4 = 12 (high): consider interim suspension today. */
	good_facts(&f, S_REC, S_TRI, CONCERN_ROLE_CASE_MANAGER);
	full_input(&in, &f);
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_TRI, &in, &h, out, 4), 1);
	assert_int_equal(out[0].kind, CONCERN_CLOCK_INTERIM_REVIEW);
	assert_int_equal(out[0].due, f.today);
	/* 2 x 3 = 6 (moderate): nothing. */
	in.risk_consequence = 2;
	in.risk_likelihood = 3;
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_TRI, &in, &h, out, 4), 0);
	/* ... unless the bands are configured lower. */
	struct concern_config cfg = CONCERN_CONFIG_DEFAULT;
	cfg.bands = (struct grade_bands){2, 4, 9};
	assert_int_equal(domain_concern_move_deadlines(&cfg, &f, S_TRI, &in, &h, out, 4), 1);

	/* Investigation: 12 weeks from Mon 23 Nov 2026 = Mon 15 Feb 2027. */
	good_facts(&f, S_TRI, S_INV, CONCERN_ROLE_PAG_MEMBER);
	full_input(&in, &f);
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_INV, &in, &h, out, 4), 1);
	assert_int_equal(out[0].kind, CONCERN_CLOCK_INVESTIGATION);
	assert_string_equal(domain_date_format(out[0].due, a), "2027-02-15");

	/* Remediation: one per action, on their dates. */
	good_facts(&f, S_PAG, S_REM, CONCERN_ROLE_PAG_MEMBER);
	full_input(&in, &f);
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_REM, &in, &h, out, 4), 2);
	assert_int_equal(out[0].kind, CONCERN_CLOCK_ACTION_DUE);
	assert_int_equal(out[0].due, f.today + 14);
	assert_int_equal(out[1].due, f.today + 60);
	assert_int_equal(out[1].basis.count, 0); /* given, not computed */
	/* cap 1: counts both, writes one. */
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_REM, &in, &h, out, 1), 2);

	/* Informal review on the agreed date. */
	good_facts(&f, S_TRI, S_INF, CONCERN_ROLE_PAG_MEMBER);
	full_input(&in, &f);
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_INF, &in, &h, out, 4), 1);
	assert_int_equal(out[0].kind, CONCERN_CLOCK_INFORMAL_REVIEW);
	assert_int_equal(out[0].due, in.review_date);

	/* Notice sent Mon 2 Nov: representations due 28 days from it. */
	good_facts(&f, S_PRF, S_NOT, CONCERN_ROLE_CASE_MANAGER);
	full_input(&in, &f);
	in.notice_sent = D("2026-11-02");
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_NOT, &in, &h, out, 4), 1);
	assert_int_equal(out[0].kind, CONCERN_CLOCK_REPRESENTATIONS);
	assert_int_equal(out[0].start, D("2026-11-02"));
	assert_string_equal(domain_date_format(out[0].due, a), "2026-11-30");

	/* Hearing on its date. */
	good_facts(&f, S_NOT, S_HEA, CONCERN_ROLE_CASE_MANAGER);
	full_input(&in, &f);
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_HEA, &in, &h, out, 4), 1);
	assert_int_equal(out[0].kind, CONCERN_CLOCK_HEARING);
	assert_int_equal(out[0].due, in.hearing_date);

	/* Decision: notice due in 7 days. */
	good_facts(&f, S_HEA, S_DEC, CONCERN_ROLE_PANEL_MEMBER);
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_DEC, &in, &h, out, 4), 1);
	assert_int_equal(out[0].kind, CONCERN_CLOCK_DECISION_NOTICE);
	assert_string_equal(domain_date_format(out[0].due, a), "2026-11-30");

	/* Appeal: 28 days from the decision notice's date. */
	good_facts(&f, S_DEC, S_APW, CONCERN_ROLE_CASE_MANAGER);
	full_input(&in, &f);
	in.decision_notice_sent = D("2026-11-20");
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_APW, &in, &h, out, 4), 1);
	assert_int_equal(out[0].kind, CONCERN_CLOCK_APPEAL);
	assert_string_equal(domain_date_format(out[0].due, a), "2026-12-18");

	/* Monitoring: review eligibility 3 months on, then every 6. Entered
	 * 31 Aug 2026: 30 Nov 2026, then 30 May 2027 (clamped each time). */
	good_facts(&f, S_APW, S_MON, CONCERN_ROLE_SYSTEM);
	f.today = D("2026-08-31");
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_MON, &in, &h, out, 4), 1);
	assert_int_equal(out[0].kind, CONCERN_CLOCK_REVIEW_ELIGIBILITY);
	assert_string_equal(domain_date_format(out[0].due, a), "2026-11-30");
	assert_string_equal(domain_date_format(domain_concern_next_review(NULL, out[0].due), a),
			    "2027-05-30");
	good_facts(&f, S_UAP, S_MON, CONCERN_ROLE_CASE_MANAGER);
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_MON, &in, &h, out, 4), 1);

	/* Moves that start nothing. */
	good_facts(&f, S_REP, S_PAG, CONCERN_ROLE_CASE_MANAGER);
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_PAG, &in, &h, out, 4), 0);
	good_facts(&f, S_TRI, S_REP, CONCERN_ROLE_CASE_MANAGER); /* illegal */
	assert_int_equal(domain_concern_move_deadlines(NULL, &f, S_REP, &in, &h, out, 4), 0);
	for (int c = 0; c < CONCERN_CLOCK__COUNT; c++)
		assert_string_not_equal(domain_concern_clock_name(c), "?");
}

/* ---- suspension ------------------------------------------------------------- */

static void good_suspension(struct concern_facts *f, struct suspension_input *in)
{
	good_facts(f, S_INV, S_INV, CONCERN_ROLE_PANEL_MEMBER);
	domain_suspension_input_init(in);
	in->basis = SUSPENSION_BASIS_PCT_DECISION;
	in->reason = SUSPENSION_REASON_PUBLIC_PROTECTION;
	in->reason_text = "risk to patients from unsafe prescribing";
	/* Notice and offer Mon 23 Nov; effect Wed 25 Nov: Tue (1), Wed (2). */
	in->notice_sent = f->today;
	in->hearing_offered = f->today;
	in->start = f->today + 2;
	in->period_end = D("2027-05-23"); /* within 6 months of any start from today */
	in->payments_recorded = 1;
	in->members = panel3;
	in->n_members = 3;
}

static void test_suspension(void **state)
{
	(void)state;
	int32_t hol[64];
	struct domain_holidays h = {hol, domain_bank_holidays_england_wales(2026, 2028, hol, 64)};
	struct concern_facts f;
	struct suspension_input in;
	char *cause = NULL;
	int32_t start = 0;

	good_suspension(&f, &in);
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, NULL),
	    CONCERN_OK);
	assert_int_equal(start, f.today + 2);

	/* One working day's notice is not enough. */
	in.start = f.today + 1;
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, &cause),
	    CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause,
			    "suspension notice: the performer must have notice of the "
			    "allegation and proposed action and the offer of an oral hearing "
			    "at least 2 working days before the suspension takes effect; "
			    "given 2026-11-23, it may start on 2026-11-25 at the earliest");
	free(cause);
	/* No start given: today, which is too soon after today's notice. */
	in.start = DOMAIN_DATE_NONE;
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, NULL),
	    CONCERN_FAILED_PRECONDITION);
	/* Notice on Fri 20 Nov, starting today (Mon 23): one working day. */
	in.notice_sent = in.hearing_offered = f.today - 3;
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, NULL),
	    CONCERN_FAILED_PRECONDITION);
	in.notice_sent = in.hearing_offered = f.today - 4; /* Thu 19: Fri (1), Mon (2) */
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, NULL),
	    CONCERN_OK);
	assert_int_equal(start, f.today);
	/* The later of notice and offer counts. */
	in.hearing_offered = f.today - 1;
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, NULL),
	    CONCERN_FAILED_PRECONDITION);

	/* Across Christmas: offered Wed 23 Dec 2026; Thu 24 (1), then 25, 28
	 * are bank holidays, Tue 29 (2). */
	good_suspension(&f, &in);
	f.today = D("2026-12-23");
	in.notice_sent = in.hearing_offered = f.today;
	in.start = D("2026-12-28");
	in.period_end = D("2027-06-01");
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, NULL),
	    CONCERN_FAILED_PRECONDITION);
	in.start = D("2026-12-29");
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, NULL),
	    CONCERN_OK);
	/* A start in the past. */
	in.start = f.today - 1;
	expect(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, &cause),
	    CONCERN_INVALID_ARGUMENT, &cause, "suspension start: 2026-12-22 is before today");

	/* Period: at most 6 months from the start, pending the PCT's decision.
	 * Start 31 Aug 2027: limit 29 Feb 2028 (clamped, leap year). */
	good_suspension(&f, &in);
	f.today = D("2027-08-20");
	in.notice_sent = in.hearing_offered = f.today;
	in.start = D("2027-08-31");
	in.period_end = D("2028-02-29");
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, NULL),
	    CONCERN_OK);
	in.period_end = D("2028-03-01");
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, &cause),
	    CONCERN_FAILED_PRECONDITION);
	assert_string_equal(cause, "suspension period: pending the PCT's decision it runs at most "
				   "6 months from the start, to 2028-02-29, unless an extension is "
				   "recorded");
	free(cause);
	in.extension_recorded = 1;
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, NULL),
	    CONCERN_OK);
	/* Pending a court: no 6-month limit and no end needed. */
	in.extension_recorded = 0;
	in.basis = SUSPENSION_BASIS_COURT_OR_REGULATOR;
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, NULL),
	    CONCERN_OK);
	in.period_end = DOMAIN_DATE_NONE;
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, NULL),
	    CONCERN_OK);
	in.basis = SUSPENSION_BASIS_PCT_DECISION;
	expect(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, &cause),
	    CONCERN_INVALID_ARGUMENT, &cause, "suspension: must record period end");
	in.period_end = in.start;
	expect(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, &cause),
	    CONCERN_INVALID_ARGUMENT, &cause, "is not after the start");

	/* Who and when. */
	good_suspension(&f, &in);
	for (int role = 0; role < CONCERN_ROLE__COUNT; role++) {
		if (role == CONCERN_ROLE_PANEL_MEMBER)
			continue;
		expect(domain_suspension_check(NULL, &f, role, &in, &h, &start, &cause),
		       CONCERN_PERMISSION_DENIED, &cause, "only the panel");
	}
	static const enum concern_state not_yet[] = {S_NEW, S_REC, S_CLO};
	for (size_t i = 0; i < 3; i++) {
		f.state = not_yet[i];
		expect(domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start,
					       &cause),
		       CONCERN_FAILED_PRECONDITION, &cause,
		       "only on an open concern that has reached triage");
	}
	for (size_t i = 0; i < N_OPEN; i++) {
		if (open_states[i] == S_REC)
			continue;
		f.state = open_states[i];
		assert_int_equal(domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in,
							 &h, &start, NULL),
				 CONCERN_OK);
	}
	good_suspension(&f, &in);
	f.subject_is_pharmacist = 1;
	f.list_status = LIST_STATUS_NONE;
	expect(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, &cause),
	    CONCERN_FAILED_PRECONDITION, &cause, "pharmacist rule");
	good_suspension(&f, &in);
	f.list_status = LIST_STATUS_REMOVED;
	expect(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, &cause),
	    CONCERN_FAILED_PRECONDITION, &cause, "only a performer on the list");
	good_suspension(&f, &in);
	f.suspended = 1;
	expect(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, &cause),
	    CONCERN_FAILED_PRECONDITION, &cause, "already suspended");
	/* Quorum and conflicts, as for a decision. */
	good_suspension(&f, &in);
	in.n_members = 2;
	expect(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, &cause),
	    CONCERN_FAILED_PRECONDITION, &cause, "panel quorum");
	int64_t with_cm[] = {U_PANEL, U_PANEL + 1, U_CASE_MANAGER};
	in.members = with_cm;
	in.n_members = 3;
	expect(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, &cause),
	    CONCERN_FAILED_PRECONDITION, &cause, "panel conflict");
	/* Everything missing, listed at once. */
	domain_suspension_input_init(&in);
	assert_int_equal(
	    domain_suspension_check(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, &in, &h, &start, &cause),
	    CONCERN_INVALID_ARGUMENT);
	assert_string_equal(cause,
			    "suspension: must record basis (pct-decision, "
			    "court-or-regulator or appeal), public-protection or "
			    "public-interest reason, the reason in words, date notice of the "
			    "allegation and proposed action was sent, date the oral hearing "
			    "was offered, payments flag, panel members");
	free(cause);

	/* Lifting. */
	good_facts(&f, S_MON, S_MON, CONCERN_ROLE_PANEL_MEMBER);
	f.suspended = 1;
	assert_int_equal(
	    domain_suspension_check_clear(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, panel3, 3, NULL),
	    CONCERN_OK);
	expect(
	    domain_suspension_check_clear(NULL, &f, CONCERN_ROLE_CASE_MANAGER, panel3, 3, &cause),
	    CONCERN_PERMISSION_DENIED, &cause, "only the panel");
	expect(
	    domain_suspension_check_clear(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, panel3, 2, &cause),
	    CONCERN_FAILED_PRECONDITION, &cause, "panel quorum");
	f.suspended = 0;
	expect(
	    domain_suspension_check_clear(NULL, &f, CONCERN_ROLE_PANEL_MEMBER, panel3, 3, &cause),
	    CONCERN_FAILED_PRECONDITION, &cause, "not suspended");
}

/* ---- access, side records, names ---------------------------------------------- */

static void test_read_access(void **state)
{
	(void)state;
	for (int s = 0; s < CONCERN_STATE__COUNT; s++) {
		for (int referred = 0; referred <= 1; referred++) {
			struct concern_facts f;
			domain_concern_facts_init(&f, s, 0);
			f.case_manager_id = U_CASE_MANAGER;
			f.investigator_id = U_INVESTIGATOR;
			f.was_panel_referred = referred;
			for (int role = 0; role < CONCERN_ROLE__COUNT; role++) {
				f.actor_id = actor_for(role);
				int want = role == CONCERN_ROLE_CASE_MANAGER ||
					   role == CONCERN_ROLE_PAG_MEMBER ||
					   role == CONCERN_ROLE_INVESTIGATOR ||
					   (role == CONCERN_ROLE_PANEL_MEMBER && referred);
				char *cause = NULL;
				assert_int_equal(domain_concern_check_read(&f, role, &cause),
						 want ? 0 : -1);
				assert_true(want ? cause == NULL : cause != NULL);
				free(cause);
			}
			/* Another investigator sees nothing. */
			f.actor_id = U_NEW_INVESTIGATOR;
			assert_int_equal(
			    domain_concern_check_read(&f, CONCERN_ROLE_INVESTIGATOR, NULL), -1);
		}
	}
}

static void test_side_records(void **state)
{
	(void)state;
	for (int s = 0; s < CONCERN_STATE__COUNT; s++) {
		struct concern_facts f;
		domain_concern_facts_init(&f, s, 0);
		char *cause = NULL;
		int rc = domain_concern_check_side_record(&f, &cause);
		assert_int_equal(rc, is_open(s) ? 0 : -1);
		if (s == S_CLO)
			assert_non_null(strstr(cause, "never reopened"));
		free(cause);
		assert_int_equal(domain_concern_state_is_open(s), is_open(s));
	}
}

static void test_names(void **state)
{
	(void)state;
	static const char *states[] = {
	    "(new)",	      "received",      "triaged",	    "closed",	  "informal",
	    "external-only",  "investigating", "reported",	    "pag-review", "remediation",
	    "panel-referred", "notice-issued", "hearing-scheduled", "decided",	  "appeal-window",
	    "under-appeal",   "monitoring"};
	assert_int_equal(sizeof states / sizeof states[0], CONCERN_STATE__COUNT);
	for (int s = 0; s < CONCERN_STATE__COUNT; s++) {
		assert_string_equal(domain_concern_state_name(s), states[s]);
		assert_int_equal(domain_concern_state_parse(states[s]), s == S_NEW ? -1 : s);
	}
	assert_int_equal(domain_concern_state_parse("open"), -1);
	assert_int_equal(domain_concern_state_parse(NULL), -1);
	assert_string_equal(domain_concern_state_name(CONCERN_STATE__COUNT), "?");

	static const char *roles[] = {"case-manager", "pag-member", "panel-member", "investigator",
				      "system"};
	for (int r = 0; r < 5; r++) {
		assert_string_equal(domain_concern_role_name(r), roles[r]);
		assert_int_equal(domain_concern_role_parse(roles[r]), r);
	}
	assert_int_equal(domain_concern_role_parse("viewer"), -1);
	assert_int_equal(domain_concern_role_parse("other"), -1);

	static const char *statuses[] = {"applied",
					 "deferred",
					 "refused",
					 "included",
					 "included-with-conditions",
					 "contingently-removed",
					 "removed",
					 "withdrawn",
					 "nationally-disqualified"};
	for (int s = 1; s < LIST_STATUS__COUNT; s++) {
		assert_string_equal(domain_list_status_name(s), statuses[s - 1]);
		assert_int_equal(domain_list_status_parse(statuses[s - 1]), s);
	}
	assert_int_equal(domain_list_status_parse("none"), -1);

	for (int g = 0; g < REMOVAL_GROUND__COUNT; g++) {
		assert_int_equal(domain_removal_ground_parse(domain_removal_ground_name(g)), g);
		assert_int_equal(domain_removal_ground_is_mandatory(g),
				 g < REMOVAL_GROUND_EFFICIENCY);
	}
	assert_int_equal(domain_removal_ground_parse("incompetence"), -1);
	for (int o = 1; o < CONCERN_OUTCOME__COUNT; o++)
		assert_int_equal(domain_concern_outcome_parse(domain_concern_outcome_name(o)), o);
	assert_int_equal(domain_concern_outcome_parse(""), -1);
	for (int b = 1; b < SUSPENSION_BASIS__COUNT; b++)
		assert_int_equal(domain_suspension_basis_parse(domain_suspension_basis_name(b)), b);
	for (int b = 0; b < REFERRAL_BODY__COUNT; b++)
		assert_int_equal(domain_referral_body_parse(domain_referral_body_name(b)), b);
	assert_int_equal(domain_referral_body_parse("RPSGB"), REFERRAL_BODY_GPHC);
	assert_int_equal(domain_referral_body_parse("rpsgb/gphc"), REFERRAL_BODY_GPHC);
	for (int s = 0; s < CONCERN_SOURCE__COUNT; s++)
		assert_int_equal(domain_concern_source_parse(domain_concern_source_name(s)), s);
	assert_int_equal(domain_concern_source_parse("whistleblower"), CONCERN_SOURCE_COLLEAGUE);
	for (int c = 0; c < CONCERN_CATEGORY__COUNT; c++)
		assert_int_equal(domain_concern_category_parse(domain_concern_category_name(c)), c);
	assert_int_equal(domain_concern_category_parse("rudeness"), -1);
	for (int f = 0; f < CONCERN_FIELD__COUNT; f++)
		assert_string_not_equal(domain_concern_field_name(f), "?");
	assert_string_equal(domain_concern_check_name(CONCERN_FAILED_PRECONDITION),
			    "FAILED_PRECONDITION");
	assert_string_equal(domain_concern_check_name(CONCERN_OK), "OK");
}

static void test_reference_and_hash(void **state)
{
	(void)state;
	char buf[CONCERN_REFERENCE_BUFSZ];
	int y, q;
	assert_string_equal(domain_concern_reference_format(2009, 42, buf), "CON-2009-0042");
	assert_int_equal(domain_concern_reference_parse("CON-2009-0042", &y, &q, NULL), 0);
	assert_int_equal(y, 2009);
	assert_int_equal(q, 42);
	assert_int_equal(domain_concern_reference_parse("CON-2026-9999", NULL, NULL, NULL), 0);
	static const char *bad[] = {
	    "CON-2009-0000",  "CON-2009-42",   "con-2009-0042", "CON-09-0042",
	    "CON-2009-00042", "CON-2009_0042", "CON-20a9-0042", "",
	    "CON-1899-0001"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *cause = NULL;
		assert_int_equal(domain_concern_reference_parse(bad[i], &y, &q, &cause), -1);
		assert_non_null(strstr(cause, "CON-YYYY-NNNN"));
		free(cause);
	}
	assert_int_equal(domain_concern_reference_parse(NULL, NULL, NULL, NULL), -1);

	const char *empty = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
	assert_int_equal(domain_concern_check_sha256(empty, NULL), 0);
	char upper[65];
	strcpy(upper, empty);
	upper[0] = 'E';
	assert_int_equal(domain_concern_check_sha256(upper, NULL), -1);
	upper[0] = 'g';
	assert_int_equal(domain_concern_check_sha256(upper, NULL), -1);
	char *cause = NULL;
	assert_int_equal(domain_concern_check_sha256("abc", &cause), -1);
	assert_string_equal(cause, "sha256: must be 64 lowercase hexadecimal digits, as sha256sum "
				   "prints them");
	free(cause);
	assert_int_equal(domain_concern_check_sha256(NULL, NULL), -1);
}

static void test_config_check(void **state)
{
	(void)state;
	struct concern_config cfg = CONCERN_CONFIG_DEFAULT;
	assert_int_equal(domain_concern_config_check(&cfg, NULL), 0);
	char *cause = NULL;
	cfg.panel_quorum = 0;
	assert_int_equal(domain_concern_config_check(&cfg, &cause), -1);
	assert_non_null(strstr(cause, "panel quorum"));
	free(cause);
	cfg.panel_quorum = CONCERN_QUORUM_MAX + 1;
	assert_int_equal(domain_concern_config_check(&cfg, NULL), -1);
	cfg.panel_quorum = 5;
	assert_int_equal(domain_concern_config_check(&cfg, NULL), 0);
	cfg.triage.unit = DOMAIN_PERIOD_DAYS;
	assert_int_equal(domain_concern_config_check(&cfg, &cause), -1);
	assert_string_equal(cause, "triage target: is counted in working days (only the number may "
				   "change)");
	free(cause);
	cfg = (struct concern_config)CONCERN_CONFIG_DEFAULT;
	cfg.appeal.count = 0;
	assert_int_equal(domain_concern_config_check(&cfg, &cause), -1);
	assert_string_equal(cause, "appeal window: must be 1 to 3660, got 0");
	free(cause);
	cfg = (struct concern_config)CONCERN_CONFIG_DEFAULT;
	cfg.suspension_notice.count = 0; /* allowed: no notice period */
	assert_int_equal(domain_concern_config_check(&cfg, NULL), 0);
	cfg.bands.high_max = 25;
	assert_int_equal(domain_concern_config_check(&cfg, &cause), -1);
	assert_non_null(strstr(cause, "risk bands"));
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_pair),
	    cmocka_unit_test(test_illegal_message),
	    cmocka_unit_test(test_roles_per_move),
	    cmocka_unit_test(test_every_move_and_its_fields),
	    cmocka_unit_test(test_missing_message),
	    cmocka_unit_test(test_pharmacist_moves),
	    cmocka_unit_test(test_assigned_investigator),
	    cmocka_unit_test(test_investigator_not_case_manager),
	    cmocka_unit_test(test_decision_timing),
	    cmocka_unit_test(test_hearing_window),
	    cmocka_unit_test(test_quorum_and_conflicts),
	    cmocka_unit_test(test_outcomes_and_list_status),
	    cmocka_unit_test(test_list_machines),
	    cmocka_unit_test(test_appeal_deadline),
	    cmocka_unit_test(test_recorded_windows),
	    cmocka_unit_test(test_tribunal_outcome),
	    cmocka_unit_test(test_withdrawal_close),
	    cmocka_unit_test(test_table_shape),
	    cmocka_unit_test(test_deadlines),
	    cmocka_unit_test(test_suspension),
	    cmocka_unit_test(test_read_access),
	    cmocka_unit_test(test_side_records),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_reference_and_hash),
	    cmocka_unit_test(test_config_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
