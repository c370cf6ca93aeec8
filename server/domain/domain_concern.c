/*
 * The concern state machine and the rules around it, as data where it can
 * be (the move table below is DOMAIN.md's "States and who moves them" row
 * for row) and as small functions where a rule needs arithmetic: dates,
 * quorum, conflicts, outcomes. Nothing here touches the database, the clock
 * or the network; the caller supplies facts and "today", so every rule can
 * be tested at any date. Pure; no state; safe from any thread.
 *
 * A refusal names the row or rule it comes from, in words a case manager
 * can act on, because the CLI prints it as it stands.
 */
#include "domain_concern.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

/* A growing sentence, for messages that list things. */
struct text {
	char *s;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *more = xvasprintf(fmt, ap);
	va_end(ap);
	char *joined = xasprintf("%s%s", t->s != NULL ? t->s : "", more);
	free(more);
	free(t->s);
	t->s = joined;
}

static int lookup(const char *s, const char *const names[], int n)
{
	if (s == NULL)
		return -1;
	for (int i = 0; i < n; i++)
		if (names[i] != NULL && names[i][0] != '\0' && strcasecmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* ---- names ------------------------------------------------------------- */

static const char *const state_names[CONCERN_STATE__COUNT] = {
    [CONCERN_STATE_NEW] = "(new)",
    [CONCERN_STATE_RECEIVED] = "received",
    [CONCERN_STATE_TRIAGED] = "triaged",
    [CONCERN_STATE_CLOSED] = "closed",
    [CONCERN_STATE_INFORMAL] = "informal",
    [CONCERN_STATE_EXTERNAL_ONLY] = "external-only",
    [CONCERN_STATE_INVESTIGATING] = "investigating",
    [CONCERN_STATE_REPORTED] = "reported",
    [CONCERN_STATE_PAG_REVIEW] = "pag-review",
    [CONCERN_STATE_REMEDIATION] = "remediation",
    [CONCERN_STATE_PANEL_REFERRED] = "panel-referred",
    [CONCERN_STATE_NOTICE_ISSUED] = "notice-issued",
    [CONCERN_STATE_HEARING_SCHEDULED] = "hearing-scheduled",
    [CONCERN_STATE_DECIDED] = "decided",
    [CONCERN_STATE_APPEAL_WINDOW] = "appeal-window",
    [CONCERN_STATE_UNDER_APPEAL] = "under-appeal",
    [CONCERN_STATE_MONITORING] = "monitoring",
};

static int state_valid(enum concern_state s)
{
	return (int)s >= 0 && s < CONCERN_STATE__COUNT;
}

const char *domain_concern_state_name(enum concern_state s)
{
	return state_valid(s) ? state_names[s] : "?";
}

int domain_concern_state_parse(const char *s)
{
	int i = lookup(s, state_names, CONCERN_STATE__COUNT);
	return i == CONCERN_STATE_NEW ? -1 : i;
}

int domain_concern_state_is_open(enum concern_state s)
{
	return state_valid(s) && s != CONCERN_STATE_NEW && s != CONCERN_STATE_CLOSED;
}

static const char *const role_names[CONCERN_ROLE__COUNT] = {
    [CONCERN_ROLE_CASE_MANAGER] = "case-manager",
    [CONCERN_ROLE_PAG_MEMBER] = "pag-member",
    [CONCERN_ROLE_PANEL_MEMBER] = "panel-member",
    [CONCERN_ROLE_INVESTIGATOR] = "investigator",
    [CONCERN_ROLE_SYSTEM] = "system",
    [CONCERN_ROLE_OTHER] = "other",
};

const char *domain_concern_role_name(enum concern_role r)
{
	return (int)r >= 0 && r < CONCERN_ROLE__COUNT ? role_names[r] : "?";
}

int domain_concern_role_parse(const char *s)
{
	int i = lookup(s, role_names, CONCERN_ROLE__COUNT);
	return i == CONCERN_ROLE_OTHER ? -1 : i;
}

static const char *const field_names[CONCERN_FIELD__COUNT] = {
    [CONCERN_FIELD_SOURCE] = "source",
    [CONCERN_FIELD_CATEGORY] = "category",
    [CONCERN_FIELD_SUMMARY] = "summary",
    [CONCERN_FIELD_SUBJECT] = "subject",
    [CONCERN_FIELD_RISK_CONSEQUENCE] = "risk consequence",
    [CONCERN_FIELD_RISK_LIKELIHOOD] = "risk likelihood",
    [CONCERN_FIELD_GRADE_REASONS] = "reasons for the grade",
    [CONCERN_FIELD_CASE_MANAGER] = "case manager",
    [CONCERN_FIELD_RATIONALE] = "rationale",
    [CONCERN_FIELD_AGREED_ACTION] = "agreed action or undertaking",
    [CONCERN_FIELD_REVIEW_DATE] = "review date",
    [CONCERN_FIELD_REFERRAL_BODY] = "referral body",
    [CONCERN_FIELD_REFERRAL_DATE] = "referral date",
    [CONCERN_FIELD_REFERRAL_REF] = "referral reference",
    [CONCERN_FIELD_TERMS_OF_REFERENCE] = "terms of reference",
    [CONCERN_FIELD_INVESTIGATOR] = "investigator",
    [CONCERN_FIELD_REPORT_REF] = "report reference",
    [CONCERN_FIELD_ACTION_PLAN] = "action plan",
    [CONCERN_FIELD_GROUNDS] = "grounds",
    [CONCERN_FIELD_BREACH] = "breach of conditions",
    [CONCERN_FIELD_NOTICE_ALLEGATION] = "notice allegation",
    [CONCERN_FIELD_NOTICE_PROPOSED_ACTION] = "notice proposed action",
    [CONCERN_FIELD_NOTICE_GROUNDS] = "notice grounds",
    [CONCERN_FIELD_NOTICE_SENT] = "date the notice was sent",
    [CONCERN_FIELD_HEARING_REQUESTED] = "date the hearing request was received",
    [CONCERN_FIELD_HEARING_DATE] = "hearing date",
    [CONCERN_FIELD_OUTCOME] = "outcome",
    [CONCERN_FIELD_DECISION_REASONS] = "reasons for the decision",
    [CONCERN_FIELD_FACTS_RELIED_ON] = "facts relied on",
    [CONCERN_FIELD_REPRESENTATIONS_CONSIDERED] = "representations considered",
    [CONCERN_FIELD_PANEL_MEMBERS] = "panel members",
    [CONCERN_FIELD_DECISION_NOTICE_SENT] = "date the decision notice was sent",
    [CONCERN_FIELD_APPEAL_REF] = "appeal reference",
    [CONCERN_FIELD_TRIBUNAL_OUTCOME] = "tribunal outcome",
    [CONCERN_FIELD_REVIEW_OUTCOME] = "why the conditions are lifted on review",
    [CONCERN_FIELD_CLOSURE_REASON] = "withdrawal or death of the subject",
};

const char *domain_concern_field_name(enum concern_field f)
{
	return (int)f >= 0 && f < CONCERN_FIELD__COUNT ? field_names[f] : "?";
}

static const char *const list_status_names[LIST_STATUS__COUNT] = {
    [LIST_STATUS_NONE] = "none",
    [LIST_STATUS_APPLIED] = "applied",
    [LIST_STATUS_DEFERRED] = "deferred",
    [LIST_STATUS_REFUSED] = "refused",
    [LIST_STATUS_INCLUDED] = "included",
    [LIST_STATUS_INCLUDED_WITH_CONDITIONS] = "included-with-conditions",
    [LIST_STATUS_CONTINGENTLY_REMOVED] = "contingently-removed",
    [LIST_STATUS_REMOVED] = "removed",
    [LIST_STATUS_WITHDRAWN] = "withdrawn",
    [LIST_STATUS_NATIONALLY_DISQUALIFIED] = "nationally-disqualified",
};

const char *domain_list_status_name(enum list_status s)
{
	return (int)s >= 0 && s < LIST_STATUS__COUNT ? list_status_names[s] : "?";
}

int domain_list_status_parse(const char *s)
{
	int i = lookup(s, list_status_names, LIST_STATUS__COUNT);
	return i == LIST_STATUS_NONE ? -1 : i;
}

static const char *const ground_names[REMOVAL_GROUND__COUNT] = {
    [REMOVAL_GROUND_MURDER] = "murder",
    [REMOVAL_GROUND_CUSTODIAL_SENTENCE] = "custodial-sentence",
    [REMOVAL_GROUND_NATIONAL_DISQUALIFICATION] = "national-disqualification",
    [REMOVAL_GROUND_DEATH] = "death",
    [REMOVAL_GROUND_NOT_REGISTERED] = "not-registered",
    [REMOVAL_GROUND_EFFICIENCY] = "efficiency",
    [REMOVAL_GROUND_FRAUD] = "fraud",
    [REMOVAL_GROUND_UNSUITABILITY] = "unsuitability",
};

const char *domain_removal_ground_name(enum removal_ground g)
{
	return (int)g >= 0 && g < REMOVAL_GROUND__COUNT ? ground_names[g] : "?";
}

int domain_removal_ground_parse(const char *s)
{
	return lookup(s, ground_names, REMOVAL_GROUND__COUNT);
}

int domain_removal_ground_is_mandatory(enum removal_ground g)
{
	return (int)g >= 0 && g < REMOVAL_GROUND__COUNT &&
	       (REMOVAL_GROUNDS_MANDATORY & REMOVAL_GROUND_BIT(g)) != 0;
}

static const char *const outcome_names[CONCERN_OUTCOME__COUNT] = {
    [CONCERN_OUTCOME_NONE] = "",
    [CONCERN_OUTCOME_NO_ACTION] = "no-action",
    [CONCERN_OUTCOME_CONDITIONS] = "conditions",
    [CONCERN_OUTCOME_CONTINGENT_REMOVAL] = "contingent-removal",
    [CONCERN_OUTCOME_REMOVAL] = "removal",
    [CONCERN_OUTCOME_NATIONAL_DISQUALIFICATION_REFERRAL] = "national-disqualification",
};

const char *domain_concern_outcome_name(enum concern_outcome o)
{
	return (int)o >= 0 && o < CONCERN_OUTCOME__COUNT ? outcome_names[o] : "?";
}

int domain_concern_outcome_parse(const char *s)
{
	/* The outcome is a referral for national disqualification; both
	 * spellings mean it (the CLI's contract uses the short one). */
	if (s != NULL && strcasecmp(s, "national-disqualification-referral") == 0)
		return CONCERN_OUTCOME_NATIONAL_DISQUALIFICATION_REFERRAL;
	return lookup(s, outcome_names, CONCERN_OUTCOME__COUNT);
}

static const char *const clock_names[CONCERN_CLOCK__COUNT] = {
    [CONCERN_CLOCK_NONE] = "",
    [CONCERN_CLOCK_TRIAGE] = "triage",
    [CONCERN_CLOCK_INTERIM_REVIEW] = "interim-review",
    [CONCERN_CLOCK_INFORMAL_REVIEW] = "informal-review",
    [CONCERN_CLOCK_INVESTIGATION] = "investigation",
    [CONCERN_CLOCK_ACTION_DUE] = "action-due",
    [CONCERN_CLOCK_REPRESENTATIONS] = "representations",
    [CONCERN_CLOCK_HEARING] = "hearing",
    [CONCERN_CLOCK_DECISION_NOTICE] = "decision-notice",
    [CONCERN_CLOCK_APPEAL] = "appeal",
    [CONCERN_CLOCK_REVIEW_ELIGIBILITY] = "review-eligibility",
    [CONCERN_CLOCK_SUSPENSION_END] = "suspension-end",
    [CONCERN_CLOCK_SUSPENSION_REVIEW] = "suspension-review",
};

const char *domain_concern_clock_name(enum concern_clock c)
{
	return (int)c >= 0 && c < CONCERN_CLOCK__COUNT ? clock_names[c] : "?";
}

static const char *const check_names[] = {"OK", "INVALID_ARGUMENT", "PERMISSION_DENIED",
					  "FAILED_PRECONDITION"};

const char *domain_concern_check_name(enum concern_check c)
{
	return (int)c >= 0 && (size_t)c < sizeof check_names / sizeof check_names[0]
		   ? check_names[c]
		   : "?";
}

static const char *const suspension_basis_names[SUSPENSION_BASIS__COUNT] = {
    [SUSPENSION_BASIS_NONE] = "",
    [SUSPENSION_BASIS_PCT_DECISION] = "pct-decision",
    [SUSPENSION_BASIS_COURT_OR_REGULATOR] = "court-or-regulator",
    [SUSPENSION_BASIS_APPEAL] = "appeal",
};

const char *domain_suspension_basis_name(enum suspension_basis b)
{
	return (int)b >= 0 && b < SUSPENSION_BASIS__COUNT ? suspension_basis_names[b] : "?";
}

int domain_suspension_basis_parse(const char *s)
{
	return lookup(s, suspension_basis_names, SUSPENSION_BASIS__COUNT);
}

static const char *const referral_body_names[REFERRAL_BODY__COUNT] = {
    [REFERRAL_BODY_NCAS] = "ncas",
    [REFERRAL_BODY_GMC] = "gmc",
    [REFERRAL_BODY_GDC] = "gdc",
    [REFERRAL_BODY_GOC] = "goc",
    [REFERRAL_BODY_GPHC] = "gphc",
    [REFERRAL_BODY_POLICE] = "police",
    [REFERRAL_BODY_COUNTER_FRAUD] = "counter-fraud",
    [REFERRAL_BODY_PCT] = "other-pct",
};

const char *domain_referral_body_name(enum referral_body b)
{
	return (int)b >= 0 && b < REFERRAL_BODY__COUNT ? referral_body_names[b] : "?";
}

int domain_referral_body_parse(const char *s)
{
	/* The RPSGB's register passed to the GPhC in 2010; either name means
	 * the pharmacists' regulator. */
	if (s != NULL && (strcasecmp(s, "rpsgb") == 0 || strcasecmp(s, "rpsgb/gphc") == 0))
		return REFERRAL_BODY_GPHC;
	if (s != NULL && strcasecmp(s, "pct") == 0)
		return REFERRAL_BODY_PCT;
	return lookup(s, referral_body_names, REFERRAL_BODY__COUNT);
}

static const char *const source_names[CONCERN_SOURCE__COUNT] = {
    [CONCERN_SOURCE_PATIENT_COMPLAINT] = "patient-complaint",
    [CONCERN_SOURCE_COLLEAGUE] = "colleague",
    [CONCERN_SOURCE_SERIOUS_INCIDENT] = "serious-incident",
    [CONCERN_SOURCE_CLINICAL_AUDIT] = "clinical-audit",
    [CONCERN_SOURCE_PRESCRIBING_DATA] = "prescribing-data",
    [CONCERN_SOURCE_REGULATOR] = "regulator",
    [CONCERN_SOURCE_POLICE] = "police",
    [CONCERN_SOURCE_CORONER] = "coroner",
    [CONCERN_SOURCE_NCAS] = "ncas",
    [CONCERN_SOURCE_OTHER] = "other",
};

const char *domain_concern_source_name(enum concern_source s)
{
	return (int)s >= 0 && s < CONCERN_SOURCE__COUNT ? source_names[s] : "?";
}

int domain_concern_source_parse(const char *s)
{
	if (s != NULL && strcasecmp(s, "whistleblower") == 0)
		return CONCERN_SOURCE_COLLEAGUE;
	return lookup(s, source_names, CONCERN_SOURCE__COUNT);
}

static const char *const category_names[CONCERN_CATEGORY__COUNT] = {
    [CONCERN_CATEGORY_CLINICAL_COMPETENCE] = "clinical-competence",
    [CONCERN_CATEGORY_CONDUCT] = "conduct",
    [CONCERN_CATEGORY_HEALTH] = "health",
    [CONCERN_CATEGORY_PROBITY] = "probity",
};

const char *domain_concern_category_name(enum concern_category c)
{
	return (int)c >= 0 && c < CONCERN_CATEGORY__COUNT ? category_names[c] : "?";
}

int domain_concern_category_parse(const char *s)
{
	return lookup(s, category_names, CONCERN_CATEGORY__COUNT);
}

/* ---- configuration ------------------------------------------------------ */

static const struct concern_config default_config = CONCERN_CONFIG_DEFAULT;

static const struct concern_config *config_or_default(const struct concern_config *cfg)
{
	return cfg != NULL ? cfg : &default_config;
}

int domain_concern_config_check(const struct concern_config *cfg, char **cause)
{
	if (cfg->panel_quorum < 1 || cfg->panel_quorum > CONCERN_QUORUM_MAX) {
		set_cause(cause,
			  "panel quorum: must be 1 to %d members (DOMAIN.md: at least 3 by "
			  "default), got %d",
			  CONCERN_QUORUM_MAX, cfg->panel_quorum);
		return -1;
	}
	const struct {
		const char *name;
		struct domain_period is, want;
		int min;
	} periods[] = {
	    {"triage target", cfg->triage, default_config.triage, 1},
	    {"investigation target", cfg->investigation, default_config.investigation, 1},
	    {"representations window", cfg->representations, default_config.representations, 1},
	    {"decision notice", cfg->decision_notice, default_config.decision_notice, 1},
	    {"appeal window", cfg->appeal, default_config.appeal, 1},
	    {"first review", cfg->review_first, default_config.review_first, 1},
	    {"later reviews", cfg->review_every, default_config.review_every, 1},
	    {"suspension period", cfg->suspension_max, default_config.suspension_max, 1},
	    {"suspension hearing notice", cfg->suspension_notice, default_config.suspension_notice,
	     0},
	};
	for (size_t i = 0; i < sizeof periods / sizeof periods[0]; i++) {
		if (periods[i].is.unit != periods[i].want.unit) {
			set_cause(cause, "%s: is counted in %s (only the number may change)",
				  periods[i].name, domain_period_unit_name(periods[i].want.unit));
			return -1;
		}
		if (periods[i].is.count < periods[i].min ||
		    periods[i].is.count > DOMAIN_DURATION_MAX_DAYS) {
			set_cause(cause, "%s: must be %d to %d, got %d", periods[i].name,
				  periods[i].min, DOMAIN_DURATION_MAX_DAYS, periods[i].is.count);
			return -1;
		}
	}
	return domain_grade_bands_check(&cfg->bands, cause);
}

/* ---- facts and input ----------------------------------------------------- */

void domain_concern_facts_init(struct concern_facts *f, enum concern_state state, int32_t today)
{
	memset(f, 0, sizeof *f);
	f->state = state;
	f->today = today;
	f->notice_sent = DOMAIN_DATE_NONE;
	f->hearing_date = DOMAIN_DATE_NONE;
	f->decision_notice_sent = DOMAIN_DATE_NONE;
	f->representations_due = DOMAIN_DATE_NONE;
	f->appeal_due = DOMAIN_DATE_NONE;
}

void domain_concern_input_init(struct concern_move_input *in)
{
	memset(in, 0, sizeof *in);
	in->review_date = DOMAIN_DATE_NONE;
	in->referral_date = DOMAIN_DATE_NONE;
	in->notice_sent = DOMAIN_DATE_NONE;
	in->hearing_requested = DOMAIN_DATE_NONE;
	in->hearing_date = DOMAIN_DATE_NONE;
	in->decision_notice_sent = DOMAIN_DATE_NONE;
}

void domain_suspension_input_init(struct suspension_input *in)
{
	memset(in, 0, sizeof *in);
	in->notice_sent = DOMAIN_DATE_NONE;
	in->hearing_offered = DOMAIN_DATE_NONE;
	in->start = DOMAIN_DATE_NONE;
	in->period_end = DOMAIN_DATE_NONE;
	in->review_date = DOMAIN_DATE_NONE;
}

/* ---- the table ------------------------------------------------------------ */

#define ST(x) CONCERN_STATE_BIT(CONCERN_STATE_##x)
#define RO(x) CONCERN_ROLE_BIT(CONCERN_ROLE_##x)
#define FI(x) CONCERN_FIELD_BIT(CONCERN_FIELD_##x)

/* Every state but (new) and closed. */
#define OPEN_STATES                                                                                \
	(ST(RECEIVED) | ST(TRIAGED) | ST(INFORMAL) | ST(EXTERNAL_ONLY) | ST(INVESTIGATING) |       \
	 ST(REPORTED) | ST(PAG_REVIEW) | ST(REMEDIATION) | ST(PANEL_REFERRED) |                    \
	 ST(NOTICE_ISSUED) | ST(HEARING_SCHEDULED) | ST(DECIDED) | ST(APPEAL_WINDOW) |             \
	 ST(UNDER_APPEAL) | ST(MONITORING))

#define NEED_REFERRAL (FI(REFERRAL_BODY) | FI(REFERRAL_DATE) | FI(REFERRAL_REF))
#define NEED_NOTICE                                                                                \
	(FI(NOTICE_ALLEGATION) | FI(NOTICE_PROPOSED_ACTION) | FI(NOTICE_GROUNDS) | FI(NOTICE_SENT))
#define NEED_DECISION                                                                              \
	(FI(OUTCOME) | FI(DECISION_REASONS) | FI(FACTS_RELIED_ON) |                                \
	 FI(REPRESENTATIONS_CONSIDERED) | FI(PANEL_MEMBERS))

/*
 * DOMAIN.md "States and who moves them", one row per (from set, to). Two
 * rows of the document are split or joined here, and the reasons are part
 * of the rule:
 *  - "pag-review -> closed, informal, remediation" is three rows: only
 *    remediation needs an action plan. Informal also needs the agreed
 *    action and review date that define the informal state on the
 *    triaged route; without them nothing would ever review it.
 *  - monitoring appears in "... -> panel-referred" (rationale, grounds)
 *    and in "monitoring -> panel-referred" (breach of conditions); from
 *    monitoring all three are required.
 *  - "appeal-window -> monitoring or closed" and "under-appeal ->
 *    monitoring or closed" are two rows each; entering monitoring starts
 *    review eligibility whichever way it is entered.
 *  - "monitoring -> closed" lifts conditions, which is a list decision, so
 *    it carries the panel rule (quorum, no conflicts) like decided.
 */
static const struct concern_move_rule move_rules[] = {
    {ST(NEW), CONCERN_STATE_RECEIVED, RO(CASE_MANAGER) | RO(PAG_MEMBER),
     FI(SOURCE) | FI(CATEGORY) | FI(SUMMARY) | FI(SUBJECT), CONCERN_CLOCK_TRIAGE,
     CONCERN_RULE_PHARMACIST_OK, "(new) -> received"},
    {ST(RECEIVED), CONCERN_STATE_TRIAGED, RO(CASE_MANAGER),
     FI(RISK_CONSEQUENCE) | FI(RISK_LIKELIHOOD) | FI(GRADE_REASONS) | FI(CASE_MANAGER),
     CONCERN_CLOCK_NONE, CONCERN_RULE_PHARMACIST_OK, "received -> triaged"},
    {ST(TRIAGED), CONCERN_STATE_CLOSED, RO(PAG_MEMBER), FI(RATIONALE), CONCERN_CLOCK_NONE,
     CONCERN_RULE_PHARMACIST_OK, "triaged -> closed"},
    {ST(TRIAGED), CONCERN_STATE_INFORMAL, RO(PAG_MEMBER), FI(AGREED_ACTION) | FI(REVIEW_DATE),
     CONCERN_CLOCK_INFORMAL_REVIEW, 0, "triaged -> informal"},
    {ST(TRIAGED), CONCERN_STATE_EXTERNAL_ONLY, RO(PAG_MEMBER), NEED_REFERRAL, CONCERN_CLOCK_NONE,
     CONCERN_RULE_PHARMACIST_OK, "triaged -> external-only"},
    {ST(TRIAGED) | ST(PAG_REVIEW) | ST(INFORMAL), CONCERN_STATE_INVESTIGATING, RO(PAG_MEMBER),
     FI(TERMS_OF_REFERENCE) | FI(INVESTIGATOR), CONCERN_CLOCK_INVESTIGATION, 0,
     "triaged, pag-review, informal -> investigating"},
    {ST(INVESTIGATING), CONCERN_STATE_REPORTED, RO(INVESTIGATOR), FI(REPORT_REF),
     CONCERN_CLOCK_NONE, CONCERN_RULE_ASSIGNED, "investigating -> reported"},
    {ST(REPORTED), CONCERN_STATE_PAG_REVIEW, RO(CASE_MANAGER), 0, CONCERN_CLOCK_NONE, 0,
     "reported -> pag-review"},
    {ST(PAG_REVIEW), CONCERN_STATE_CLOSED, RO(PAG_MEMBER), FI(RATIONALE), CONCERN_CLOCK_NONE, 0,
     "pag-review -> closed"},
    {ST(PAG_REVIEW), CONCERN_STATE_INFORMAL, RO(PAG_MEMBER),
     FI(RATIONALE) | FI(AGREED_ACTION) | FI(REVIEW_DATE), CONCERN_CLOCK_INFORMAL_REVIEW, 0,
     "pag-review -> informal"},
    {ST(PAG_REVIEW), CONCERN_STATE_REMEDIATION, RO(PAG_MEMBER), FI(RATIONALE) | FI(ACTION_PLAN),
     CONCERN_CLOCK_ACTION_DUE, 0, "pag-review -> remediation"},
    {ST(TRIAGED) | ST(PAG_REVIEW) | ST(REMEDIATION), CONCERN_STATE_PANEL_REFERRED, RO(PAG_MEMBER),
     FI(RATIONALE) | FI(GROUNDS), CONCERN_CLOCK_NONE, 0,
     "triaged, pag-review, remediation -> panel-referred"},
    {ST(MONITORING), CONCERN_STATE_PANEL_REFERRED, RO(PAG_MEMBER),
     FI(RATIONALE) | FI(GROUNDS) | FI(BREACH), CONCERN_CLOCK_NONE, 0,
     "monitoring -> panel-referred (breach of conditions)"},
    {ST(PANEL_REFERRED), CONCERN_STATE_NOTICE_ISSUED, RO(CASE_MANAGER), NEED_NOTICE,
     CONCERN_CLOCK_REPRESENTATIONS, 0, "panel-referred -> notice-issued"},
    {ST(NOTICE_ISSUED), CONCERN_STATE_HEARING_SCHEDULED, RO(CASE_MANAGER),
     FI(HEARING_REQUESTED) | FI(HEARING_DATE), CONCERN_CLOCK_HEARING, CONCERN_RULE_HEARING_WINDOW,
     "notice-issued -> hearing-scheduled"},
    {ST(NOTICE_ISSUED) | ST(HEARING_SCHEDULED), CONCERN_STATE_DECIDED, RO(PANEL_MEMBER),
     NEED_DECISION, CONCERN_CLOCK_DECISION_NOTICE,
     CONCERN_RULE_PANEL | CONCERN_RULE_DECISION_TIMING,
     "notice-issued, hearing-scheduled -> decided"},
    {ST(DECIDED), CONCERN_STATE_APPEAL_WINDOW, RO(CASE_MANAGER), FI(DECISION_NOTICE_SENT),
     CONCERN_CLOCK_APPEAL, 0, "decided -> appeal-window"},
    {ST(APPEAL_WINDOW), CONCERN_STATE_UNDER_APPEAL, RO(CASE_MANAGER), FI(APPEAL_REF),
     CONCERN_CLOCK_NONE, 0, "appeal-window -> under-appeal"},
    {ST(APPEAL_WINDOW), CONCERN_STATE_MONITORING, RO(SYSTEM), 0, CONCERN_CLOCK_REVIEW_ELIGIBILITY,
     CONCERN_RULE_DEADLINE_PASSED, "appeal-window -> monitoring (appeal deadline passed)"},
    {ST(APPEAL_WINDOW), CONCERN_STATE_CLOSED, RO(SYSTEM), 0, CONCERN_CLOCK_NONE,
     CONCERN_RULE_DEADLINE_PASSED, "appeal-window -> closed (appeal deadline passed)"},
    {ST(UNDER_APPEAL), CONCERN_STATE_MONITORING, RO(CASE_MANAGER), FI(TRIBUNAL_OUTCOME),
     CONCERN_CLOCK_REVIEW_ELIGIBILITY, 0, "under-appeal -> monitoring"},
    {ST(UNDER_APPEAL), CONCERN_STATE_CLOSED, RO(CASE_MANAGER), FI(TRIBUNAL_OUTCOME),
     CONCERN_CLOCK_NONE, 0, "under-appeal -> closed"},
    {ST(MONITORING), CONCERN_STATE_CLOSED, RO(PANEL_MEMBER), FI(REVIEW_OUTCOME) | FI(PANEL_MEMBERS),
     CONCERN_CLOCK_NONE, CONCERN_RULE_PANEL, "monitoring -> closed (conditions lifted on review)"},
    {OPEN_STATES, CONCERN_STATE_CLOSED, RO(PAG_MEMBER), FI(CLOSURE_REASON) | FI(RATIONALE),
     CONCERN_CLOCK_NONE, CONCERN_RULE_WITHDRAWAL | CONCERN_RULE_PHARMACIST_OK,
     "any open state -> closed (withdrawal or death)"},
};

#define N_RULES (sizeof move_rules / sizeof move_rules[0])

const struct concern_move_rule *domain_concern_move_rules(size_t *n)
{
	*n = N_RULES;
	return move_rules;
}

static int rule_matches(const struct concern_move_rule *r, enum concern_state from,
			enum concern_state to)
{
	return (r->from & CONCERN_STATE_BIT(from)) != 0 && r->to == to;
}

uint32_t domain_concern_targets(enum concern_state from, int pharmacist)
{
	uint32_t to = 0;
	if (!state_valid(from))
		return 0;
	for (size_t i = 0; i < N_RULES; i++) {
		if (!(move_rules[i].from & CONCERN_STATE_BIT(from)))
			continue;
		if (pharmacist && !(move_rules[i].flags & CONCERN_RULE_PHARMACIST_OK))
			continue;
		to |= CONCERN_STATE_BIT(move_rules[i].to);
	}
	return to;
}

const struct concern_move_rule *domain_concern_find_rule(enum concern_state from,
							 enum concern_state to,
							 enum concern_role role,
							 enum concern_closure closure)
{
	const struct concern_move_rule *specific = NULL, *withdrawal = NULL;
	if (!state_valid(from) || !state_valid(to) || (int)role < 0 || role >= CONCERN_ROLE__COUNT)
		return NULL;
	for (size_t i = 0; i < N_RULES; i++) {
		const struct concern_move_rule *r = &move_rules[i];
		if (!rule_matches(r, from, to) || !(r->roles & CONCERN_ROLE_BIT(role)))
			continue;
		if (r->flags & CONCERN_RULE_WITHDRAWAL) {
			if (withdrawal == NULL)
				withdrawal = r;
		} else if (specific == NULL) {
			specific = r;
		}
	}
	/* A stated withdrawal or death picks the withdrawal row; otherwise the
	 * move's own row, falling back on the withdrawal row so that a
	 * pag-member closing, say, an investigation is told what that row
	 * needs rather than that they may not close it. */
	if (closure != CONCERN_CLOSURE_NONE && withdrawal != NULL)
		return withdrawal;
	return specific != NULL ? specific : withdrawal;
}

/* "closed, informal and external-only" from a state bit set. */
static char *state_list(uint32_t set)
{
	struct text t = {NULL};
	int n = 0, total = 0;
	for (int s = 0; s < CONCERN_STATE__COUNT; s++)
		total += (set & CONCERN_STATE_BIT(s)) != 0;
	for (int s = 0; s < CONCERN_STATE__COUNT; s++) {
		if (!(set & CONCERN_STATE_BIT(s)))
			continue;
		n++;
		text_add(&t, "%s%s", n == 1 ? "" : (n == total ? " or " : ", "), state_names[s]);
	}
	if (t.s == NULL)
		t.s = xstrdup("nothing");
	return t.s;
}

static char *role_list(uint32_t set)
{
	struct text t = {NULL};
	int n = 0, total = 0;
	for (int r = 0; r < CONCERN_ROLE__COUNT; r++)
		total += (set & CONCERN_ROLE_BIT(r)) != 0;
	for (int r = 0; r < CONCERN_ROLE__COUNT; r++) {
		if (!(set & CONCERN_ROLE_BIT(r)))
			continue;
		n++;
		text_add(&t, "%s%s", n == 1 ? "" : (n == total ? " or " : ", "), role_names[r]);
	}
	if (t.s == NULL)
		t.s = xstrdup("nobody");
	return t.s;
}

/* ---- fields ------------------------------------------------------------------ */

static int text_given(const char *s)
{
	if (s == NULL)
		return 0;
	for (; *s != '\0'; s++)
		if (!isspace((unsigned char)*s))
			return 1;
	return 0;
}

static int date_given(int32_t d)
{
	return d != DOMAIN_DATE_NONE;
}

static uint64_t fields_present(const struct concern_move_input *in)
{
	uint64_t f = 0;
#define PRESENT(field, cond)                                                                       \
	do {                                                                                       \
		if (cond)                                                                          \
			f |= FI(field);                                                            \
	} while (0)
	PRESENT(SOURCE, text_given(in->source));
	PRESENT(CATEGORY, text_given(in->category));
	PRESENT(SUMMARY, text_given(in->summary));
	PRESENT(SUBJECT, in->subject_id > 0);
	PRESENT(RISK_CONSEQUENCE, in->risk_consequence != 0);
	PRESENT(RISK_LIKELIHOOD, in->risk_likelihood != 0);
	PRESENT(GRADE_REASONS, text_given(in->grade_reasons));
	PRESENT(CASE_MANAGER, in->case_manager_id > 0);
	PRESENT(RATIONALE, text_given(in->rationale));
	PRESENT(AGREED_ACTION, text_given(in->agreed_action));
	PRESENT(REVIEW_DATE, date_given(in->review_date));
	PRESENT(REFERRAL_BODY, text_given(in->referral_body));
	PRESENT(REFERRAL_DATE, date_given(in->referral_date));
	PRESENT(REFERRAL_REF, text_given(in->referral_ref));
	PRESENT(TERMS_OF_REFERENCE, text_given(in->terms_of_reference));
	PRESENT(INVESTIGATOR, in->investigator_id > 0);
	PRESENT(REPORT_REF, text_given(in->report_ref));
	PRESENT(ACTION_PLAN, in->n_actions > 0 && in->actions != NULL);
	PRESENT(GROUNDS, text_given(in->grounds));
	PRESENT(BREACH, text_given(in->breach));
	PRESENT(NOTICE_ALLEGATION, text_given(in->notice_allegation));
	PRESENT(NOTICE_PROPOSED_ACTION, text_given(in->notice_proposed_action));
	PRESENT(NOTICE_GROUNDS, text_given(in->notice_grounds));
	PRESENT(NOTICE_SENT, date_given(in->notice_sent));
	PRESENT(HEARING_REQUESTED, date_given(in->hearing_requested));
	PRESENT(HEARING_DATE, date_given(in->hearing_date));
	PRESENT(OUTCOME, in->decision.outcome != CONCERN_OUTCOME_NONE);
	PRESENT(DECISION_REASONS, text_given(in->decision.reasons));
	PRESENT(FACTS_RELIED_ON, text_given(in->decision.facts_relied_on));
	PRESENT(REPRESENTATIONS_CONSIDERED, text_given(in->decision.representations_considered));
	PRESENT(PANEL_MEMBERS, in->n_members > 0 && in->members != NULL);
	PRESENT(DECISION_NOTICE_SENT, date_given(in->decision_notice_sent));
	PRESENT(APPEAL_REF, text_given(in->appeal_ref));
	PRESENT(TRIBUNAL_OUTCOME, text_given(in->tribunal_outcome));
	PRESENT(REVIEW_OUTCOME, text_given(in->review_outcome));
	PRESENT(CLOSURE_REASON,
		in->closure == CONCERN_CLOSURE_WITHDRAWAL || in->closure == CONCERN_CLOSURE_DEATH);
#undef PRESENT
	return f;
}

/* "a rationale and a referral reference are required" style list. */
static char *field_list(uint64_t set)
{
	struct text t = {NULL};
	int n = 0, total = 0;
	for (int f = 0; f < CONCERN_FIELD__COUNT; f++)
		total += (set & CONCERN_FIELD_BIT(f)) != 0;
	for (int f = 0; f < CONCERN_FIELD__COUNT; f++) {
		if (!(set & CONCERN_FIELD_BIT(f)))
			continue;
		n++;
		text_add(&t, "%s%s", n == 1 ? "" : (n == total ? " and " : ", "), field_names[f]);
	}
	return t.s;
}

/* "a, b or c" from a name table, for "must be one of" messages. */
static char *name_list(const char *const names[], int n)
{
	struct text t = {NULL};
	for (int i = 0, k = 0; i < n; i++) {
		if (names[i] == NULL || names[i][0] == '\0')
			continue;
		text_add(&t, "%s%s", k++ == 0 ? "" : ", ", names[i]);
	}
	return t.s;
}

static enum concern_check invalid_name(const char *field, const char *const names[], int n,
				       char **cause)
{
	char *all = name_list(names, n);
	set_cause(cause, "%s: must be one of %s", field, all);
	free(all);
	return CONCERN_INVALID_ARGUMENT;
}

/* Dates of things that have happened may not be after today; dates things
 * fall due may not be before it. Either would be a typing slip that sets a
 * clock wrongly, and a wrong clock is worse than a refused request. */
static enum concern_check date_not_future(const char *field, int32_t d, int32_t today, char **cause)
{
	char a[DOMAIN_DATE_BUFSZ], b[DOMAIN_DATE_BUFSZ];
	if (d > today) {
		set_cause(cause, "%s: %s is after today (%s)", field, domain_date_format(d, a),
			  domain_date_format(today, b));
		return CONCERN_INVALID_ARGUMENT;
	}
	return CONCERN_OK;
}

static enum concern_check date_not_past(const char *field, int32_t d, int32_t today, char **cause)
{
	char a[DOMAIN_DATE_BUFSZ], b[DOMAIN_DATE_BUFSZ];
	if (d < today) {
		set_cause(cause, "%s: %s is before today (%s)", field, domain_date_format(d, a),
			  domain_date_format(today, b));
		return CONCERN_INVALID_ARGUMENT;
	}
	return CONCERN_OK;
}

static enum concern_check check_values(const struct concern_move_rule *r,
				       const struct concern_facts *facts,
				       const struct concern_move_input *in, char **cause)
{
	uint64_t need = r->required;
	int32_t today = facts->today;
	enum concern_check rc = CONCERN_OK;

	if ((need & FI(SOURCE)) && domain_concern_source_parse(in->source) < 0)
		return invalid_name("source", source_names, CONCERN_SOURCE__COUNT, cause);
	if ((need & FI(CATEGORY)) && domain_concern_category_parse(in->category) < 0)
		return invalid_name("category", category_names, CONCERN_CATEGORY__COUNT, cause);
	if (need & FI(RISK_CONSEQUENCE)) {
		int score;
		if (domain_grade_score(in->risk_consequence, in->risk_likelihood, &score, cause) !=
		    0)
			return CONCERN_INVALID_ARGUMENT;
	}
	if ((need & FI(REVIEW_DATE)) &&
	    (rc = date_not_past("review date", in->review_date, today, cause)) != CONCERN_OK)
		return rc;
	if ((need & FI(REFERRAL_BODY)) && domain_referral_body_parse(in->referral_body) < 0)
		return invalid_name("referral body", referral_body_names, REFERRAL_BODY__COUNT,
				    cause);
	if ((need & FI(REFERRAL_DATE)) &&
	    (rc = date_not_future("referral date", in->referral_date, today, cause)) != CONCERN_OK)
		return rc;
	if (need & FI(ACTION_PLAN)) {
		for (size_t i = 0; i < in->n_actions; i++) {
			const struct concern_action *a = &in->actions[i];
			if (!text_given(a->what)) {
				set_cause(cause,
					  "action plan item %zu: what is to be done is missing",
					  i + 1);
				return CONCERN_INVALID_ARGUMENT;
			}
			if (!date_given(a->due)) {
				set_cause(cause,
					  "action plan item %zu: due date is missing "
					  "(DOMAIN.md: an action plan with due dates)",
					  i + 1);
				return CONCERN_INVALID_ARGUMENT;
			}
			char field[48];
			snprintf(field, sizeof field, "action plan item %zu due date", i + 1);
			if ((rc = date_not_past(field, a->due, today, cause)) != CONCERN_OK)
				return rc;
		}
	}
	if ((need & FI(NOTICE_SENT)) &&
	    (rc = date_not_future("date the notice was sent", in->notice_sent, today, cause)) !=
		CONCERN_OK)
		return rc;
	if ((need & FI(HEARING_REQUESTED)) &&
	    (rc = date_not_future("date the hearing request was received", in->hearing_requested,
				  today, cause)) != CONCERN_OK)
		return rc;
	if ((need & FI(HEARING_DATE)) &&
	    (rc = date_not_past("hearing date", in->hearing_date, today, cause)) != CONCERN_OK)
		return rc;
	if ((need & FI(DECISION_NOTICE_SENT)) &&
	    (rc = date_not_future("date the decision notice was sent", in->decision_notice_sent,
				  today, cause)) != CONCERN_OK)
		return rc;
	return CONCERN_OK;
}

/* ---- panels ------------------------------------------------------------------ */

static int in_list(int64_t id, const int64_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* "the case manager", "the investigator", "a former case manager or
 * investigator", or NULL when id has no conflicting part in the concern. */
static const char *conflict_of(const struct concern_facts *f, int64_t id)
{
	if (id <= 0)
		return NULL;
	if (id == f->case_manager_id)
		return "the case manager";
	if (id == f->investigator_id)
		return "the investigator";
	if (in_list(id, f->former_ids, f->n_former))
		return "a former case manager or investigator";
	return NULL;
}

enum concern_check domain_concern_check_panel(const struct concern_config *cfg,
					      const struct concern_facts *facts,
					      const int64_t *members, size_t n_members,
					      char **cause)
{
	cfg = config_or_default(cfg);
	if (n_members == 0 || members == NULL) {
		set_cause(cause, "panel members: required (at least %d)", cfg->panel_quorum);
		return CONCERN_INVALID_ARGUMENT;
	}
	for (size_t i = 0; i < n_members; i++) {
		if (members[i] <= 0) {
			set_cause(cause, "panel members: entry %zu is not a user id", i + 1);
			return CONCERN_INVALID_ARGUMENT;
		}
		if (in_list(members[i], members, i)) {
			set_cause(cause, "panel members: user %lld is listed twice",
				  (long long)members[i]);
			return CONCERN_INVALID_ARGUMENT;
		}
	}
	if (n_members < (size_t)cfg->panel_quorum) {
		set_cause(cause,
			  "panel quorum: a panel decision needs at least %d members, none of whom "
			  "investigated or case-managed this concern; %zu %s recorded",
			  cfg->panel_quorum, n_members, n_members == 1 ? "was" : "were");
		return CONCERN_FAILED_PRECONDITION;
	}
	for (size_t i = 0; i < n_members; i++) {
		const char *why = conflict_of(facts, members[i]);
		if (why != NULL) {
			set_cause(cause,
				  "panel conflict: user %lld is %s of this concern and may not sit "
				  "on its deciding panel",
				  (long long)members[i], why);
			return CONCERN_FAILED_PRECONDITION;
		}
	}
	/* Whoever records the decision takes part in it. */
	const char *why = conflict_of(facts, facts->actor_id);
	if (why != NULL) {
		set_cause(cause,
			  "panel conflict: you (user %lld) are %s of this concern and may not "
			  "record its panel decision",
			  (long long)facts->actor_id, why);
		return CONCERN_FAILED_PRECONDITION;
	}
	return CONCERN_OK;
}

/* ---- decisions and list status ------------------------------------------ */

/* Statuses a panel may act on: performers on the list. */
static int on_list(enum list_status s)
{
	return s == LIST_STATUS_INCLUDED || s == LIST_STATUS_INCLUDED_WITH_CONDITIONS ||
	       s == LIST_STATUS_CONTINGENTLY_REMOVED;
}

enum concern_check domain_concern_decision_status(const struct concern_decision *d,
						  enum list_status from, enum list_status *to,
						  char **cause)
{
	int has_conditions = text_given(d->conditions);
	unsigned all_grounds = (1u << REMOVAL_GROUND__COUNT) - 1;

	if ((int)d->outcome <= CONCERN_OUTCOME_NONE || d->outcome >= CONCERN_OUTCOME__COUNT) {
		char *all = name_list(outcome_names, CONCERN_OUTCOME__COUNT);
		set_cause(cause, "outcome: must be one of %s", all);
		free(all);
		return CONCERN_INVALID_ARGUMENT;
	}
	if (d->grounds & ~all_grounds) {
		set_cause(cause, "grounds: unknown removal ground");
		return CONCERN_INVALID_ARGUMENT;
	}
	if (!on_list(from)) {
		set_cause(cause,
			  "panel decision: the performer's list status is %s; a panel decision "
			  "applies only to a performer on the list (included, "
			  "included-with-conditions or contingently-removed)",
			  domain_list_status_name(from));
		return CONCERN_FAILED_PRECONDITION;
	}
	switch (d->outcome) {
	case CONCERN_OUTCOME_NO_ACTION:
	case CONCERN_OUTCOME_NATIONAL_DISQUALIFICATION_REFERRAL:
		if (has_conditions || d->grounds != 0) {
			set_cause(cause, "outcome %s: takes no conditions and no removal grounds",
				  outcome_names[d->outcome]);
			return CONCERN_INVALID_ARGUMENT;
		}
		/* A referral changes nothing by itself: the tribunal decides,
		 * and its national disqualification is then recorded as a
		 * removal on that mandatory ground. */
		*to = from;
		return CONCERN_OK;
	case CONCERN_OUTCOME_CONDITIONS:
		if (!has_conditions) {
			set_cause(cause, "outcome conditions: the conditions are required");
			return CONCERN_INVALID_ARGUMENT;
		}
		if (d->grounds != 0) {
			set_cause(cause, "outcome conditions: removal grounds belong to removal or "
					 "contingent removal");
			return CONCERN_INVALID_ARGUMENT;
		}
		*to = LIST_STATUS_INCLUDED_WITH_CONDITIONS;
		return CONCERN_OK;
	case CONCERN_OUTCOME_CONTINGENT_REMOVAL:
		if (!has_conditions) {
			set_cause(cause, "outcome contingent-removal: the conditions are required");
			return CONCERN_INVALID_ARGUMENT;
		}
		if (d->grounds == 0) {
			set_cause(cause, "outcome contingent-removal: grounds are required "
					 "(efficiency and/or fraud)");
			return CONCERN_INVALID_ARGUMENT;
		}
		if (d->grounds & ~REMOVAL_GROUNDS_CONTINGENT) {
			set_cause(cause, "contingent removal: available in efficiency and fraud "
					 "cases only (DOMAIN.md \"Performers\"); remove the other "
					 "grounds or decide removal");
			return CONCERN_FAILED_PRECONDITION;
		}
		*to = LIST_STATUS_CONTINGENTLY_REMOVED;
		return CONCERN_OK;
	case CONCERN_OUTCOME_REMOVAL:
		if (d->grounds == 0) {
			set_cause(cause,
				  "outcome removal: grounds are required (mandatory: murder, "
				  "custodial-sentence, national-disqualification, death, "
				  "not-registered; discretionary: efficiency, fraud, "
				  "unsuitability)");
			return CONCERN_INVALID_ARGUMENT;
		}
		if (has_conditions) {
			set_cause(cause, "outcome removal: takes no conditions (contingent removal "
					 "does)");
			return CONCERN_INVALID_ARGUMENT;
		}
		*to = (d->grounds & REMOVAL_GROUND_BIT(REMOVAL_GROUND_NATIONAL_DISQUALIFICATION))
			  ? LIST_STATUS_NATIONALLY_DISQUALIFIED
			  : LIST_STATUS_REMOVED;
		return CONCERN_OK;
	default:
		break;
	}
	set_cause(cause, "outcome: unknown");
	return CONCERN_INVALID_ARGUMENT;
}

int domain_list_check_panel_move(enum list_status from, enum list_status to, char **cause)
{
	if (!on_list(from)) {
		set_cause(cause,
			  "list status: a panel decision applies only to a performer on the list "
			  "(included, included-with-conditions or contingently-removed), not %s",
			  domain_list_status_name(from));
		return -1;
	}
	switch (to) {
	case LIST_STATUS_INCLUDED: /* no action, or conditions lifted on review */
	case LIST_STATUS_INCLUDED_WITH_CONDITIONS:
	case LIST_STATUS_CONTINGENTLY_REMOVED:
	case LIST_STATUS_REMOVED:
	case LIST_STATUS_NATIONALLY_DISQUALIFIED:
		return 0;
	default:
		set_cause(cause,
			  "list status: a panel decision cannot move a performer to %s (%s is "
			  "for %s)",
			  domain_list_status_name(to), domain_list_status_name(to),
			  to == LIST_STATUS_WITHDRAWN ? "the performer's own withdrawal"
						      : "an admission decision");
		return -1;
	}
}

int domain_list_check_admission(enum list_status from, enum list_status to, char **cause)
{
	int ok = 0;
	if (from == LIST_STATUS_APPLIED)
		ok = to == LIST_STATUS_INCLUDED || to == LIST_STATUS_INCLUDED_WITH_CONDITIONS ||
		     to == LIST_STATUS_DEFERRED || to == LIST_STATUS_REFUSED;
	else if (from == LIST_STATUS_DEFERRED)
		/* A deferral postpones the decision; it ends in one. */
		ok = to == LIST_STATUS_INCLUDED || to == LIST_STATUS_INCLUDED_WITH_CONDITIONS ||
		     to == LIST_STATUS_REFUSED;
	if (!ok) {
		if (from != LIST_STATUS_APPLIED && from != LIST_STATUS_DEFERRED)
			set_cause(cause,
				  "admission decision: only an applicant (applied or deferred) "
				  "can be admitted, deferred or refused; the status is %s",
				  domain_list_status_name(from));
		else
			set_cause(cause,
				  "admission decision: from %s the decision may be included, "
				  "included-with-conditions%s or refused, not %s",
				  domain_list_status_name(from),
				  from == LIST_STATUS_APPLIED ? ", deferred" : "",
				  domain_list_status_name(to));
		return -1;
	}
	return 0;
}

/* ---- the move check -------------------------------------------------------- */

enum concern_state domain_concern_after_appeal_window(enum concern_outcome outcome)
{
	return outcome == CONCERN_OUTCOME_CONDITIONS ||
		       outcome == CONCERN_OUTCOME_CONTINGENT_REMOVAL
		   ? CONCERN_STATE_MONITORING
		   : CONCERN_STATE_CLOSED;
}

static enum concern_check illegal_move(const struct concern_facts *facts, enum concern_state to,
				       char **cause)
{
	enum concern_state from = facts->state;
	if (from == CONCERN_STATE_CLOSED) {
		set_cause(cause, "a closed concern is never reopened (DOMAIN.md \"Concerns\"); "
				 "open a new concern that links to it");
		return CONCERN_FAILED_PRECONDITION;
	}
	char *allowed = state_list(domain_concern_targets(from, facts->subject_is_pharmacist));
	set_cause(cause,
		  "no move from %s to %s (DOMAIN.md \"States and who moves them\"); from %s a "
		  "concern may move to %s",
		  domain_concern_state_name(from), domain_concern_state_name(to),
		  domain_concern_state_name(from), allowed);
	free(allowed);
	return CONCERN_FAILED_PRECONDITION;
}

static const char *const tribunal_names[TRIBUNAL__COUNT] = {
    [TRIBUNAL_ALLOWED] = "allowed",	[TRIBUNAL_ALLOWED_IN_PART] = "allowed-in-part",
    [TRIBUNAL_DISMISSED] = "dismissed", [TRIBUNAL_VARIED] = "varied",
    [TRIBUNAL_WITHDRAWN] = "withdrawn",
};

int domain_concern_tribunal_outcome_parse(const char *text, char **cause)
{
	char word[32];
	size_t n = 0;
	const char *p = text ? text : "";
	while (*p == ' ')
		p++;
	for (; *p != '\0' && *p != ':' && n + 1 < sizeof word; p++)
		word[n++] = *p == ' ' ? '-' : *p;
	while (n > 0 && word[n - 1] == '-')
		n--;
	word[n] = '\0';
	int k = (*p == '\0' || *p == ':') ? lookup(word, tribunal_names, TRIBUNAL__COUNT) : -1;
	if (k < 0) {
		char *all = name_list(tribunal_names, TRIBUNAL__COUNT);
		set_cause(cause,
			  "tribunal outcome: must start with one of %s (then \": details\" "
			  "if wanted)",
			  all);
		free(all);
	}
	return k;
}

static enum concern_check check_rules(const struct concern_config *cfg,
				      const struct concern_move_rule *r,
				      const struct concern_facts *facts, enum concern_state to,
				      const struct concern_move_input *in, char **cause)
{
	char a[DOMAIN_DATE_BUFSZ], b[DOMAIN_DATE_BUFSZ], c[DOMAIN_DATE_BUFSZ];
	int32_t today = facts->today;
	enum concern_check rc;

	if ((r->required & FI(TRIBUNAL_OUTCOME)) &&
	    domain_concern_tribunal_outcome_parse(in->tribunal_outcome, cause) < 0)
		return CONCERN_INVALID_ARGUMENT;

	/* Nobody investigates a concern they case-manage (DOMAIN.md "Who is
	 * who": the investigator "never decides"; "Access": nobody is both). */
	if ((r->required & FI(INVESTIGATOR)) && in->investigator_id == facts->case_manager_id) {
		set_cause(cause, "%s: the investigator must not be the case manager", r->row);
		return CONCERN_FAILED_PRECONDITION;
	}
	if ((r->required & FI(INVESTIGATOR)) &&
	    in_list(in->investigator_id, facts->panel_ids, facts->n_panel)) {
		set_cause(cause,
			  "%s: user %lld sat on this concern's deciding panel and may not "
			  "investigate it",
			  r->row, (long long)in->investigator_id);
		return CONCERN_FAILED_PRECONDITION;
	}
	if ((r->required & FI(CASE_MANAGER)) && facts->investigator_id > 0 &&
	    in->case_manager_id == facts->investigator_id) {
		set_cause(cause, "%s: the case manager must not be the investigator", r->row);
		return CONCERN_FAILED_PRECONDITION;
	}

	if (r->flags & CONCERN_RULE_HEARING_WINDOW) {
		if (!date_given(facts->notice_sent)) {
			set_cause(cause,
				  "%s: no notice date is recorded, so the 28-day window "
				  "cannot be checked",
				  r->row);
			return CONCERN_FAILED_PRECONDITION;
		}
		int32_t end =
		    date_given(facts->representations_due)
			? facts->representations_due
			: domain_period_add(facts->notice_sent, cfg->representations, NULL);
		if (in->hearing_requested < facts->notice_sent || in->hearing_requested > end) {
			set_cause(cause,
				  "%s: the hearing request must be received within the window "
				  "from the notice (%s) to %s; it was received %s",
				  r->row, domain_date_format(facts->notice_sent, a),
				  domain_date_format(end, b),
				  domain_date_format(in->hearing_requested, c));
			return CONCERN_FAILED_PRECONDITION;
		}
	}

	if (r->flags & CONCERN_RULE_DECISION_TIMING) {
		if (!date_given(facts->notice_sent)) {
			set_cause(cause, "%s: no notice date is recorded", r->row);
			return CONCERN_FAILED_PRECONDITION;
		}
		int recorded = date_given(facts->representations_due);
		int32_t end =
		    recorded ? facts->representations_due
			     : domain_period_add(facts->notice_sent, cfg->representations, NULL);
		char period[32];
		if (today < end && !facts->representations_received) {
			if (recorded) /* the notice's own window, in the days it gave */
				snprintf(period, sizeof period, "%d days",
					 (int)(end - facts->notice_sent));
			else
				domain_period_describe(cfg->representations, period, sizeof period);
			set_cause(cause,
				  "%s: not before the %s for representations end (%s) unless "
				  "representations are in; none are recorded",
				  r->row, period, domain_date_format(end, a));
			return CONCERN_FAILED_PRECONDITION;
		}
		int hearing =
		    facts->hearing_requested || facts->state == CONCERN_STATE_HEARING_SCHEDULED;
		if (hearing && !date_given(facts->hearing_date)) {
			set_cause(cause,
				  "%s: a hearing was requested and none is scheduled; the "
				  "decision waits until it is held",
				  r->row);
			return CONCERN_FAILED_PRECONDITION;
		}
		if (hearing && facts->hearing_date > today) {
			set_cause(cause, "%s: not before the requested hearing is held (%s)",
				  r->row, domain_date_format(facts->hearing_date, a));
			return CONCERN_FAILED_PRECONDITION;
		}
	}

	if (r->flags & CONCERN_RULE_PANEL) {
		if ((rc = domain_concern_check_panel(cfg, facts, in->members, in->n_members,
						     cause)) != CONCERN_OK)
			return rc;
	}

	if (to == CONCERN_STATE_DECIDED) {
		enum list_status after;
		if ((rc = domain_concern_decision_status(&in->decision, facts->list_status, &after,
							 cause)) != CONCERN_OK)
			return rc;
	}

	if (r->flags & CONCERN_RULE_DEADLINE_PASSED) {
		if (!date_given(facts->decision_notice_sent)) {
			set_cause(cause, "%s: no decision notice date is recorded", r->row);
			return CONCERN_FAILED_PRECONDITION;
		}
		int32_t due =
		    date_given(facts->appeal_due)
			? facts->appeal_due
			: domain_period_add(facts->decision_notice_sent, cfg->appeal, NULL);
		if (today <= due) {
			set_cause(cause, "%s: the appeal deadline (%s) has not passed", r->row,
				  domain_date_format(due, a));
			return CONCERN_FAILED_PRECONDITION;
		}
		enum concern_state want = domain_concern_after_appeal_window(facts->outcome);
		if (to != want) {
			set_cause(cause,
				  "%s: after a decision of %s the concern goes to %s (monitoring "
				  "only while conditions stand)",
				  r->row,
				  facts->outcome == CONCERN_OUTCOME_NONE
				      ? "(none recorded)"
				      : domain_concern_outcome_name(facts->outcome),
				  domain_concern_state_name(want));
			return CONCERN_FAILED_PRECONDITION;
		}
	}
	return CONCERN_OK;
}

enum concern_check domain_concern_check_move(const struct concern_config *cfg,
					     const struct concern_facts *facts,
					     enum concern_state to, enum concern_role actor_role,
					     const struct concern_move_input *in, char **cause)
{
	cfg = config_or_default(cfg);
	enum concern_state from = facts->state;

	if (!state_valid(from) || !state_valid(to)) {
		set_cause(cause, "state: unknown");
		return CONCERN_INVALID_ARGUMENT;
	}
	/* 1. In the table at all, and open to a pharmacist's concern. */
	if (!(domain_concern_targets(from, 0) & CONCERN_STATE_BIT(to)))
		return illegal_move(facts, to, cause);
	if (facts->subject_is_pharmacist &&
	    !(domain_concern_targets(from, 1) & CONCERN_STATE_BIT(to))) {
		set_cause(cause,
			  "pharmacist rule: a concern about a pharmacist is referred to their "
			  "regulator (RPSGB/GPhC) and never handled with list actions; from "
			  "triaged it may only go to external-only or closed, so %s -> %s is not "
			  "open to it",
			  domain_concern_state_name(from), domain_concern_state_name(to));
		return CONCERN_FAILED_PRECONDITION;
	}

	/* 2. Who. */
	const struct concern_move_rule *r =
	    domain_concern_find_rule(from, to, actor_role, in->closure);
	if (r == NULL) {
		uint32_t roles = 0;
		const char *row = NULL;
		for (size_t i = 0; i < N_RULES; i++) {
			if (rule_matches(&move_rules[i], from, to)) {
				roles |= move_rules[i].roles;
				if (row == NULL)
					row = move_rules[i].row;
			}
		}
		char *who = role_list(roles);
		set_cause(cause, "%s: only a %s may move a concern from %s to %s, not a %s", row,
			  who, domain_concern_state_name(from), domain_concern_state_name(to),
			  domain_concern_role_name(actor_role));
		free(who);
		return CONCERN_PERMISSION_DENIED;
	}
	if ((r->flags & CONCERN_RULE_ASSIGNED) &&
	    (facts->investigator_id <= 0 || facts->actor_id != facts->investigator_id)) {
		set_cause(cause, "%s: only the assigned investigator may record the report",
			  r->row);
		return CONCERN_PERMISSION_DENIED;
	}
	if (facts->subject_is_pharmacist && !(r->flags & CONCERN_RULE_PHARMACIST_OK)) {
		/* Closing from a state a pharmacist's concern never reaches
		 * (pag-review, say): only the withdrawal row is open to it. */
		const struct concern_move_rule *w =
		    domain_concern_find_rule(from, to, actor_role, CONCERN_CLOSURE_WITHDRAWAL);
		if (w == NULL || !(w->flags & CONCERN_RULE_PHARMACIST_OK)) {
			set_cause(cause,
				  "pharmacist rule: %s is not open to a pharmacist's concern",
				  r->row);
			return CONCERN_FAILED_PRECONDITION;
		}
		r = w;
	}

	/* 3. What must be recorded. */
	uint64_t missing = r->required & ~fields_present(in);
	if (missing != 0) {
		char *list = field_list(missing);
		set_cause(cause, "%s: must record %s", r->row, list);
		free(list);
		return CONCERN_INVALID_ARGUMENT;
	}
	enum concern_check rc = check_values(r, facts, in, cause);
	if (rc != CONCERN_OK)
		return rc;

	/* 4. The row's rules. */
	return check_rules(cfg, r, facts, to, in, cause);
}

/* ---- deadlines -------------------------------------------------------------- */

static size_t put(struct concern_deadline *out, size_t cap, size_t n, enum concern_clock kind,
		  int32_t start, int32_t due, struct domain_period basis)
{
	if (n < cap)
		out[n] = (struct concern_deadline){kind, start, due, basis};
	return n + 1;
}

size_t domain_concern_move_deadlines(const struct concern_config *cfg,
				     const struct concern_facts *facts, enum concern_state to,
				     const struct concern_move_input *in,
				     const struct domain_holidays *h, struct concern_deadline *out,
				     size_t cap)
{
	cfg = config_or_default(cfg);
	const struct concern_move_rule *r = NULL;
	size_t n = 0;
	int32_t today = facts->today;
	const struct domain_period given = {DOMAIN_PERIOD_DAYS, 0};

	/* Any row for the move will do: rows with the same (from, to) start
	 * the same clock. */
	for (size_t i = 0; i < N_RULES && r == NULL; i++)
		if (rule_matches(&move_rules[i], facts->state, to) &&
		    (in->closure != CONCERN_CLOSURE_NONE ||
		     !(move_rules[i].flags & CONCERN_RULE_WITHDRAWAL)))
			r = &move_rules[i];
	if (r == NULL)
		return 0;

	switch (r->starts) {
	case CONCERN_CLOCK_TRIAGE:
		n = put(out, cap, n, r->starts, today, domain_period_add(today, cfg->triage, h),
			cfg->triage);
		break;
	case CONCERN_CLOCK_INFORMAL_REVIEW:
		n = put(out, cap, n, r->starts, today, in->review_date, given);
		break;
	case CONCERN_CLOCK_INVESTIGATION:
		n = put(out, cap, n, r->starts, today,
			domain_period_add(today, cfg->investigation, h), cfg->investigation);
		break;
	case CONCERN_CLOCK_ACTION_DUE:
		for (size_t i = 0; i < in->n_actions; i++)
			n = put(out, cap, n, r->starts, today, in->actions[i].due, given);
		break;
	case CONCERN_CLOCK_REPRESENTATIONS:
		n = put(out, cap, n, r->starts, in->notice_sent,
			domain_period_add(in->notice_sent, cfg->representations, h),
			cfg->representations);
		break;
	case CONCERN_CLOCK_HEARING:
		n = put(out, cap, n, r->starts, today, in->hearing_date, given);
		break;
	case CONCERN_CLOCK_DECISION_NOTICE:
		n = put(out, cap, n, r->starts, today,
			domain_period_add(today, cfg->decision_notice, h), cfg->decision_notice);
		break;
	case CONCERN_CLOCK_APPEAL:
		n = put(out, cap, n, r->starts, in->decision_notice_sent,
			domain_period_add(in->decision_notice_sent, cfg->appeal, h), cfg->appeal);
		break;
	case CONCERN_CLOCK_REVIEW_ELIGIBILITY:
		n = put(out, cap, n, r->starts, today,
			domain_period_add(today, cfg->review_first, h), cfg->review_first);
		break;
	default:
		break;
	}

	/* A high or extreme grade at triage: "consider interim suspension /
	 * referral" is due at once and stays until answered. */
	if (to == CONCERN_STATE_TRIAGED) {
		int score;
		if (domain_grade_score(in->risk_consequence, in->risk_likelihood, &score, NULL) ==
			0 &&
		    domain_grade_band_needs_interim_consideration(
			domain_grade_band(&cfg->bands, score)))
			n = put(out, cap, n, CONCERN_CLOCK_INTERIM_REVIEW, today, today, given);
	}
	return n;
}

int32_t domain_concern_next_review(const struct concern_config *cfg, int32_t previous)
{
	cfg = config_or_default(cfg);
	return domain_period_add(previous, cfg->review_every, NULL);
}

/* ---- suspension -------------------------------------------------------------- */

/* Suspension is a panel decision on an open concern that has reached
 * triage, about a performer on the list. */
static enum concern_check suspension_common(const struct concern_facts *facts,
					    enum concern_role actor_role, const char *what,
					    char **cause)
{
	if (actor_role != CONCERN_ROLE_PANEL_MEMBER) {
		set_cause(cause,
			  "suspension: only the panel (panel-member) may %s a suspension, "
			  "not a %s",
			  what, domain_concern_role_name(actor_role));
		return CONCERN_PERMISSION_DENIED;
	}
	if (!domain_concern_state_is_open(facts->state) || facts->state == CONCERN_STATE_RECEIVED) {
		set_cause(cause,
			  "suspension: only on an open concern that has reached triage; this one "
			  "is %s",
			  domain_concern_state_name(facts->state));
		return CONCERN_FAILED_PRECONDITION;
	}
	if (facts->subject_is_pharmacist) {
		set_cause(cause, "pharmacist rule: pharmacists are not on the Performers List and "
				 "cannot be suspended from it; refer to the RPSGB/GPhC");
		return CONCERN_FAILED_PRECONDITION;
	}
	if (!on_list(facts->list_status)) {
		set_cause(cause,
			  "suspension: the performer's list status is %s; only a performer on "
			  "the list can be suspended",
			  domain_list_status_name(facts->list_status));
		return CONCERN_FAILED_PRECONDITION;
	}
	return CONCERN_OK;
}

enum concern_check
domain_suspension_check(const struct concern_config *cfg, const struct concern_facts *facts,
			enum concern_role actor_role, const struct suspension_input *in,
			const struct domain_holidays *h, int32_t *start, char **cause)
{
	char a[DOMAIN_DATE_BUFSZ], b[DOMAIN_DATE_BUFSZ], period[32];
	cfg = config_or_default(cfg);
	enum concern_check rc = suspension_common(facts, actor_role, "impose", cause);
	if (rc != CONCERN_OK)
		return rc;
	if (facts->suspended) {
		set_cause(cause, "suspension: the performer is already suspended");
		return CONCERN_FAILED_PRECONDITION;
	}

	struct text missing = {NULL};
#define MISSING(cond, name)                                                                        \
	do {                                                                                       \
		if (cond)                                                                          \
			text_add(&missing, "%s%s", missing.s != NULL ? ", " : "", name);           \
	} while (0)
	MISSING((int)in->basis <= SUSPENSION_BASIS_NONE || in->basis >= SUSPENSION_BASIS__COUNT,
		"basis (pct-decision, court-or-regulator or appeal)");
	MISSING(in->reason != SUSPENSION_REASON_PUBLIC_PROTECTION &&
		    in->reason != SUSPENSION_REASON_PUBLIC_INTEREST,
		"public-protection or public-interest reason");
	MISSING(!text_given(in->reason_text), "the reason in words");
	MISSING(!date_given(in->notice_sent), "date notice of the allegation and proposed action "
					      "was sent");
	MISSING(!date_given(in->hearing_offered), "date the oral hearing was offered");
	MISSING(in->basis == SUSPENSION_BASIS_PCT_DECISION && !date_given(in->period_end),
		"period end");
	MISSING(!in->payments_recorded, "payments flag");
	MISSING(in->n_members == 0 || in->members == NULL, "panel members");
#undef MISSING
	if (missing.s != NULL) {
		set_cause(cause, "suspension: must record %s", missing.s);
		free(missing.s);
		return CONCERN_INVALID_ARGUMENT;
	}

	int32_t begins = date_given(in->start) ? in->start : facts->today;
	if ((rc = date_not_past("suspension start", begins, facts->today, cause)) != CONCERN_OK ||
	    (rc = date_not_future("date the notice was sent", in->notice_sent, facts->today,
				  cause)) != CONCERN_OK ||
	    (rc = date_not_future("date the oral hearing was offered", in->hearing_offered,
				  facts->today, cause)) != CONCERN_OK)
		return rc;
	if (date_given(in->period_end) && in->period_end <= begins) {
		set_cause(cause, "suspension period end: %s is not after the start %s",
			  domain_date_format(in->period_end, a), domain_date_format(begins, b));
		return CONCERN_INVALID_ARGUMENT;
	}
	if (date_given(in->review_date) &&
	    (rc = date_not_past("suspension review date", in->review_date, facts->today, cause)) !=
		CONCERN_OK)
		return rc;

	/* Notice and the hearing offer both precede the suspension by the
	 * notice period; the later of the two is the one that counts. */
	int32_t told =
	    in->notice_sent > in->hearing_offered ? in->notice_sent : in->hearing_offered;
	int32_t earliest = domain_period_add(told, cfg->suspension_notice, h);
	if (begins < earliest) {
		set_cause(cause,
			  "suspension notice: the performer must have notice of the allegation and "
			  "proposed action and the offer of an oral hearing at least %s before the "
			  "suspension takes effect; given %s, it may start on %s at the earliest",
			  domain_period_describe(cfg->suspension_notice, period, sizeof period),
			  domain_date_format(told, a), domain_date_format(earliest, b));
		return CONCERN_FAILED_PRECONDITION;
	}

	if (in->basis == SUSPENSION_BASIS_PCT_DECISION && !in->extension_recorded) {
		int32_t limit = domain_period_add(begins, cfg->suspension_max, h);
		if (in->period_end > limit) {
			set_cause(
			    cause,
			    "suspension period: pending the PCT's decision it runs at most "
			    "%s from the start, to %s, unless an extension is recorded",
			    domain_period_describe(cfg->suspension_max, period, sizeof period),
			    domain_date_format(limit, a));
			return CONCERN_FAILED_PRECONDITION;
		}
	}

	if ((rc = domain_concern_check_panel(cfg, facts, in->members, in->n_members, cause)) !=
	    CONCERN_OK)
		return rc;
	if (start != NULL)
		*start = begins;
	return CONCERN_OK;
}

enum concern_check domain_suspension_check_clear(const struct concern_config *cfg,
						 const struct concern_facts *facts,
						 enum concern_role actor_role,
						 const int64_t *members, size_t n_members,
						 char **cause)
{
	enum concern_check rc = suspension_common(facts, actor_role, "lift", cause);
	if (rc != CONCERN_OK)
		return rc;
	if (!facts->suspended) {
		set_cause(cause, "suspension: the performer is not suspended");
		return CONCERN_FAILED_PRECONDITION;
	}
	return domain_concern_check_panel(cfg, facts, members, n_members, cause);
}

/* ---- access and side records ---------------------------------------------- */

int domain_concern_check_read(const struct concern_facts *facts, enum concern_role role,
			      char **cause)
{
	switch (role) {
	case CONCERN_ROLE_CASE_MANAGER:
	case CONCERN_ROLE_PAG_MEMBER:
		return 0;
	case CONCERN_ROLE_INVESTIGATOR:
		if (facts->investigator_id > 0 && facts->actor_id == facts->investigator_id)
			return 0;
		set_cause(cause,
			  "access: investigators see only the concerns they are assigned to");
		return -1;
	case CONCERN_ROLE_PANEL_MEMBER:
		if (facts->was_panel_referred)
			return 0;
		set_cause(cause, "access: panel members see a concern only once it has been "
				 "referred to the panel");
		return -1;
	default:
		set_cause(cause, "access: this role sees list status but no concern content");
		return -1;
	}
}

int domain_concern_check_side_record(const struct concern_facts *facts, char **cause)
{
	if (!domain_concern_state_is_open(facts->state)) {
		set_cause(cause,
			  "referrals, notes and evidence are added to an open concern; a "
			  "closed concern is never reopened (open a new concern that links to "
			  "it)");
		return -1;
	}
	return 0;
}

/* ---- references and hashes -------------------------------------------------- */

int domain_concern_reference_parse(const char *s, int *year, int *seq, char **cause)
{
	int ok = s != NULL && strlen(s) == 13 && strncmp(s, "CON-", 4) == 0 && s[8] == '-';
	int y = 0, q = 0;
	for (int i = 4; ok && i < 13; i++) {
		if (i == 8)
			continue;
		if (s[i] < '0' || s[i] > '9')
			ok = 0;
		else if (i < 8)
			y = y * 10 + (s[i] - '0');
		else
			q = q * 10 + (s[i] - '0');
	}
	if (!ok || y < DOMAIN_DATE_YEAR_MIN || q == 0) {
		set_cause(cause, "reference: a concern reference is CON-YYYY-NNNN (e.g. "
				 "CON-2009-0042), sequence from 0001");
		return -1;
	}
	if (year != NULL)
		*year = y;
	if (seq != NULL)
		*seq = q;
	return 0;
}

char *domain_concern_reference_format(int year, int seq, char buf[CONCERN_REFERENCE_BUFSZ])
{
	if (year < 0 || year > 9999)
		year = 0;
	if (seq < 0 || seq > 9999)
		seq = 0;
	snprintf(buf, CONCERN_REFERENCE_BUFSZ, "CON-%04d-%04d", year, seq);
	return buf;
}

int domain_concern_check_sha256(const char *hex, char **cause)
{
	int ok = hex != NULL && strlen(hex) == 64;
	for (int i = 0; ok && i < 64; i++)
		ok = (hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f');
	if (!ok) {
		set_cause(cause, "sha256: must be 64 lowercase hexadecimal digits, as sha256sum "
				 "prints them");
		return -1;
	}
	return 0;
}
