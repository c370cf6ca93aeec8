/*
 * The authorisation matrix: every operation of the Request oneof against
 * every built-in role on a live server, with the expected answer written
 * down here, copied by hand from docs/ROLES.md, never derived from the
 * server. A user holding exactly one built-in role is made for each role
 * (by the first admin, with an initial password so no change is pending),
 * logs in once, and calls every operation with a harmless request on its
 * one connection.
 *
 *   'A' admitted: any status except PERMISSION_DENIED and UNAUTHENTICATED
 *       (NOT_FOUND, ALREADY_EXISTS, INVALID_ARGUMENT ... mean the request
 *       got past the permission check);
 *   'D' PERMISSION_DENIED.
 *
 * Also: every operation that needs a session answers UNAUTHENTICATED
 * without one, and every field of the Request oneof must have a row here,
 * so a new operation cannot be added without deciding who may call it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define AUTHZ_PASSWORD "authz matrix passphrase 7"
#define AUTHZ_SITE "AUTHZ"
#define AUTHZ_VICTIM "authz-victim"
#define NO_SUCH_USER "authz-nosuchuser"
#define NO_SUCH_ROLE "authz-nosuchrole"

/* ---- docs/ROLES.md, "Built-in roles" ---------------------------------- */

enum {
	R_ADMIN,
	R_CASE_MANAGER,
	R_INVESTIGATOR,
	R_PAG_MEMBER,
	R_PANEL_MEMBER,
	R_CONTRACT_MANAGER,
	R_REVIEWER,
	R_AUDITOR,
	R_VIEWER,
	NROLES
};

static const char *const role_names[NROLES] = {
    "admin",	"case-manager", "investigator", "pag-member", "panel-member", "contract-manager",
    "reviewer", "auditor",	"viewer",
};

/* Each role's permissions, space-separated, as the table in ROLES.md. */
static const char *const role_perms[NROLES] = {
    [R_ADMIN] = "user.read user.manage role.manage site.manage session.manage config.manage",
    [R_CASE_MANAGER] = "performer.read performer.write concern.read concern.write",
    [R_INVESTIGATOR] = "performer.read concern.read concern.investigate",
    [R_PAG_MEMBER] = "performer.read concern.read concern.write concern.pag",
    [R_PANEL_MEMBER] = "performer.read concern.read concern.decide",
    [R_CONTRACT_MANAGER] =
	"contract.read contract.write indicators.manage review.read review.write",
    [R_REVIEWER] = "contract.read review.read review.write",
    [R_AUDITOR] = "audit.read",
    [R_VIEWER] = "performer.read contract.read review.read",
};

/* ROLES.md, "Permissions". */
static const char *const all_permissions[] = {
    "user.read",      "user.manage",   "role.manage",	 "site.manage",
    "session.manage", "audit.read",    "performer.read", "performer.write",
    "concern.read",   "concern.write", "concern.pag",	 "concern.investigate",
    "concern.decide", "contract.read", "contract.write", "indicators.manage",
    "review.read",    "review.write",  "config.manage",	 NULL,
};

/* ---- one role's user and connection ----------------------------------- */

struct role_ctx {
	const char *role;
	char user[64];
	struct client *c;
	uint8_t token[HARNESS_TOKEN_LEN];
	int64_t spare_session; /* a second session of the same user */
};

/* ---- the harmless requests --------------------------------------------- */

static const char *const viewer_only[] = {"viewer", NULL};
static const char *const one_perm[] = {"performer.read", NULL};

static void b_hello(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	memset(r, 0, sizeof *r);
	r->req = (Assure__Request)ASSURE__REQUEST__INIT;
	r->hello = (Assure__HelloRequest)ASSURE__HELLO_REQUEST__INIT;
	r->hello.protocol_version = 1;
	r->hello.client_name = (char *)"assure-authz-test";
	r->req.op_case = ASSURE__REQUEST__OP_HELLO;
	r->req.hello = &r->hello;
}

static void b_status(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	memset(r, 0, sizeof *r);
	r->req = (Assure__Request)ASSURE__REQUEST__INIT;
	r->status = (Assure__StatusRequest)ASSURE__STATUS_REQUEST__INIT;
	r->req.op_case = ASSURE__REQUEST__OP_STATUS;
	r->req.status = &r->status;
}

/* Logs in again as the same user: the connection then carries the new
 * session, which is just as good. */
static void b_login(struct harness_ireq *r, struct role_ctx *x)
{
	harness_ireq_login(r, x->user, AUTHZ_PASSWORD, NULL);
}

static void b_resume(struct harness_ireq *r, struct role_ctx *x)
{
	memset(r, 0, sizeof *r);
	r->req = (Assure__Request)ASSURE__REQUEST__INIT;
	r->resume = (Assure__ResumeRequest)ASSURE__RESUME_REQUEST__INIT;
	r->resume.token.data = x->token;
	r->resume.token.len = sizeof x->token;
	r->req.op_case = ASSURE__REQUEST__OP_RESUME;
	r->req.resume = &r->resume;
}

static void b_whoami(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_whoami(r);
}

static void b_logout(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_logout(r);
}

/* The right old password and a too-short new one: INVALID_ARGUMENT. */
static void b_password_change(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_password_change(r, AUTHZ_PASSWORD, "short");
}

/* An existing user: ALREADY_EXISTS when admitted. */
static void b_user_add(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_user_add(r, HARNESS_ADMIN, "Probe", AUTHZ_SITE, viewer_only, AUTHZ_PASSWORD);
}

static void b_user_list(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_user_list(r, NULL, NULL, ASSURE__USER_STATE_FILTER__USERS_ENABLED, 2, NULL);
}

static void b_user_show(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_user_show(r, HARNESS_ADMIN);
}

static void b_user_set(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_user_set(r, NO_SUCH_USER, "Nobody", NULL, NULL, NULL, 0);
}

static void b_user_disable(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_user_disable(r, NO_SUCH_USER, "authz probe");
}

static void b_user_enable(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_user_enable(r, NO_SUCH_USER);
}

static void b_user_reset_password(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_user_reset_password(r, NO_SUCH_USER);
}

static void b_role_list(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_role_list(r);
}

static void b_role_show(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_role_show(r, "viewer");
}

/* An existing role: ALREADY_EXISTS when admitted. */
static void b_role_add(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_role_add(r, "viewer", "probe", one_perm);
}

static void b_role_set(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_role_set(r, NO_SUCH_ROLE, "probe", NULL, NULL);
}

static void b_role_remove(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_role_remove(r, NO_SUCH_ROLE);
}

static void b_permission_list(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_permission_list(r);
}

/* An existing site: ALREADY_EXISTS when admitted. */
static void b_site_add(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_site_add(r, AUTHZ_SITE, "Authz probe site");
}

static void b_site_list(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_site_list(r);
}

static void b_session_list_own(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_session_list(r, NULL);
}

static void b_session_list_self_by_name(struct harness_ireq *r, struct role_ctx *x)
{
	harness_ireq_session_list(r, x->user);
}

static void b_session_list_other(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_session_list(r, AUTHZ_VICTIM);
}

/* The user's own second session (not the one in use). */
static void b_session_revoke_own(struct harness_ireq *r, struct role_ctx *x)
{
	harness_ireq_session_revoke(r, x->spare_session, NULL);
}

static void b_session_revoke_other(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_session_revoke(r, 0, AUTHZ_VICTIM);
}

/* The audit trail: audit.read ("query, export, follow and verify"). */
#define AUDIT_BUILD(fn, field, CASE, TYPE, INIT)                                                   \
	static void fn(struct harness_ireq *r, struct role_ctx *x)                                 \
	{                                                                                          \
		static TYPE m;                                                                     \
		(void)x;                                                                           \
		memset(r, 0, sizeof *r);                                                           \
		r->req = (Assure__Request)ASSURE__REQUEST__INIT;                                   \
		m = (TYPE)INIT;                                                                    \
		r->req.op_case = ASSURE__REQUEST__OP_##CASE;                                       \
		r->req.field = &m;                                                                 \
		audit_tweak_##field(&m);                                                           \
	}

static void audit_tweak_audit_query(Assure__AuditQueryRequest *m)
{
	m->outcome = -1;
	m->page_size = 1;
}

static void audit_tweak_audit_subscribe(Assure__AuditSubscribeRequest *m)
{
	m->from_seq = 1;
}

static void audit_tweak_audit_checkpoint(Assure__AuditCheckpointRequest *m)
{
	(void)m;
}

static void audit_tweak_audit_proof(Assure__AuditProofRequest *m)
{
	m->tree_size = 1;
}

static void audit_tweak_audit_verify(Assure__AuditVerifyRequest *m)
{
	(void)m;
}

AUDIT_BUILD(b_audit_query, audit_query, AUDIT_QUERY, Assure__AuditQueryRequest,
	    ASSURE__AUDIT_QUERY_REQUEST__INIT)
AUDIT_BUILD(b_audit_subscribe, audit_subscribe, AUDIT_SUBSCRIBE, Assure__AuditSubscribeRequest,
	    ASSURE__AUDIT_SUBSCRIBE_REQUEST__INIT)
AUDIT_BUILD(b_audit_checkpoint, audit_checkpoint, AUDIT_CHECKPOINT, Assure__AuditCheckpointRequest,
	    ASSURE__AUDIT_CHECKPOINT_REQUEST__INIT)
AUDIT_BUILD(b_audit_proof, audit_proof, AUDIT_PROOF, Assure__AuditProofRequest,
	    ASSURE__AUDIT_PROOF_REQUEST__INIT)
AUDIT_BUILD(b_audit_verify, audit_verify, AUDIT_VERIFY, Assure__AuditVerifyRequest,
	    ASSURE__AUDIT_VERIFY_REQUEST__INIT)

/* Performers: requests that change nothing. An unknown profession is
 * INVALID_ARGUMENT and an unknown performer NOT_FOUND when admitted. */
#define NO_SUCH_PERFORMER 987654321

static void b_performer_add(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_performer_add(r, "authz-nosuchprofession", "1234567", "Authz Probe", NULL);
}

static void b_performer_list(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_performer_list(r, NULL, NULL, 0, NULL, 1, NULL);
}

static void b_performer_show(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_performer_show(r, "987654321");
}

static void b_performer_admit(struct harness_ireq *r, struct role_ctx *x)
{
	static const char *const panel[] = {"authz-panel-member", NULL};
	(void)x;
	harness_ireq_performer_admit(r, NO_SUCH_PERFORMER, "included", "authz probe", NULL, panel,
				     NULL, 0);
}

/* Concerns: requests that change nothing. A malformed reference is
 * INVALID_ARGUMENT in the handler once the dispatch table has admitted the
 * caller (so the data-level rules never come into it); an unknown source
 * likewise for ConcernOpen; List and Due read only. */
#define BAD_REF "authz-not-a-reference"
static const char *const authz_panel[] = {"authz-panel-member", NULL};

static void b_concern_open(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_concern_open(r, NO_SUCH_PERFORMER, "authz-nosuchsource", "conduct",
				  "authz probe", NULL, NULL, NULL);
}

static void b_concern_grade(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_concern_grade(r, BAD_REF, 1, 1, "authz probe", 1);
}

static void b_concern_assign(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_concern_assign(r, BAD_REF, NULL, NO_SUCH_USER, 1);
}

static void b_concern_move(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_concern_move(r, BAD_REF, "triaged", "authz probe", NULL, 1);
}

static void b_concern_decide(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_concern_decide(r, BAD_REF, "no-action", "authz probe", authz_panel, NULL,
					  1);
}

static void b_concern_suspend(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_concern_suspend(r, BAD_REF, "pct-decision", "authz probe", authz_panel,
					   NULL, NULL, NULL, 1);
}

static void b_concern_reinstate(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_concern_reinstate(r, BAD_REF, "authz probe", authz_panel, NULL, 1);
}

static void b_concern_refer(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_concern_refer(r, BAD_REF, "ncas", "authz probe", NULL, NULL);
}

static void b_concern_note(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_concern_note(r, BAD_REF, "authz probe");
}

static void b_concern_evidence(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_concern_evidence(r, BAD_REF, "authz probe", "nowhere", NULL);
}

static void b_concern_action_add(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_concern_action_add(r, BAD_REF, "authz probe", NULL, NULL);
}

static void b_concern_action_done(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_concern_action_done(r, BAD_REF, 1, NULL);
}

static void b_concern_show(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_concern_show(r, BAD_REF);
}

static void b_concern_list(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_concern_list(r, NULL, 0, NULL, 0, 0, 1, NULL);
}

static void b_concern_due(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_concern_due(r, "14d", 0);
}

/* Configuration: reading needs a session, changing config.manage. An
 * unknown key and malformed dates are INVALID_ARGUMENT when admitted, so
 * nothing changes. */
#define CONFIG_BUILD(fn, field, CASE, TYPE, INIT, ...)                                             \
	static void fn(struct harness_ireq *r, struct role_ctx *x)                                 \
	{                                                                                          \
		static TYPE m;                                                                     \
		(void)x;                                                                           \
		memset(r, 0, sizeof *r);                                                           \
		r->req = (Assure__Request)ASSURE__REQUEST__INIT;                                   \
		m = (TYPE)INIT;                                                                    \
		__VA_ARGS__;                                                                       \
		r->req.op_case = ASSURE__REQUEST__OP_##CASE;                                       \
		r->req.field = &m;                                                                 \
	}

CONFIG_BUILD(b_config_show, config_show, CONFIG_SHOW, Assure__ConfigShowRequest,
	     ASSURE__CONFIG_SHOW_REQUEST__INIT, (void)0)
CONFIG_BUILD(b_config_set, config_set, CONFIG_SET, Assure__ConfigSetRequest,
	     ASSURE__CONFIG_SET_REQUEST__INIT, m.key = (char *)"authz.no-such-key",
	     m.value = (char *)"1", m.reason = (char *)"authz probe", m.version = 1)
CONFIG_BUILD(b_holiday_list, holiday_list, HOLIDAY_LIST, Assure__HolidayListRequest,
	     ASSURE__HOLIDAY_LIST_REQUEST__INIT, m.first_year = 2026)
CONFIG_BUILD(b_holiday_add, holiday_add, HOLIDAY_ADD, Assure__HolidayAddRequest,
	     ASSURE__HOLIDAY_ADD_REQUEST__INIT, m.date = (char *)"authz-not-a-date",
	     m.name = (char *)"authz probe", m.reason = (char *)"authz probe")
CONFIG_BUILD(b_holiday_remove, holiday_remove, HOLIDAY_REMOVE, Assure__HolidayRemoveRequest,
	     ASSURE__HOLIDAY_REMOVE_REQUEST__INIT, m.date = (char *)"authz-not-a-date",
	     m.reason = (char *)"authz probe")
/* config */

/* contracts, indicator sets, requirements */

#define NO_SUCH_ODS "Z99999"
#define NO_SUCH_SET "authz-nosuchset"

static void b_contract_add(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	/* List size 0: refused as INVALID_ARGUMENT once past the permission. */
	harness_ireq_contract_add(r, NO_SUCH_ODS, "Authz probe", "gms", 0, AUTHZ_SITE, NULL, NULL);
}

static void b_contract_list(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_contract_list(r, NULL, NULL, NULL, 1, NULL);
}

static void b_contract_show(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_contract_show(r, NO_SUCH_ODS);
}

static void b_contract_set(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_contract_set(r, NO_SUCH_ODS, "authz probe", 1)->name = (char *)"Authz";
}

static void b_contract_notice_add(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_contract_notice_add(r, NO_SUCH_ODS, "breach", "authz probe", NULL, 1);
}

static void b_contract_notice_outcome(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_contract_notice_outcome(r, NO_SUCH_ODS, 1, "withdrawn", NULL, NULL, 1);
}

static void b_indicators_create(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	/* 2009/11 is no review year: INVALID_ARGUMENT past the permission. */
	harness_ireq_indicators_create(r, NO_SUCH_SET, "2009/11", NULL);
}

static void b_indicators_add(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_indicators_add(r, NO_SUCH_SET, "AUTHZ", "higher", "2", "1", 0, 1);
}

static void b_indicators_remove(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_indicators_remove(r, NO_SUCH_SET, "AUTHZ", 1);
}

static void b_indicators_rule(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_indicators_rule(r, NO_SUCH_SET, "1.5", "0.75", 1);
}

static void b_indicators_publish(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_indicators_publish(r, NO_SUCH_SET, NULL, 1);
}

static void b_indicators_show(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_indicators_show(r, NO_SUCH_SET);
}

static void b_indicators_list(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_indicators_list(r, NULL);
}

static void b_requirements_list(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_requirements_list(r, 1);
}

static void b_requirements_add(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	/* A lower-case code: INVALID_ARGUMENT past the permission. */
	harness_ireq_requirements_add(r, "authz", "Authz probe", NULL);
}

static void b_requirements_retire(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_requirements_retire(r, "AUTHZ_NOSUCH", "authz probe");
}

/* reviews */

/* Reviews: a reference and a practice that do not exist, so an admitted
 * write changes nothing (NOT_FOUND). */
#define NO_SUCH_REVIEW "REV-2000-9999"

static void b_review_schedule(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_review_schedule(r, "Z99999", "2009/10", NULL, NULL, NULL);
}

static void b_review_visit(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_review_visit(r, NO_SUCH_REVIEW, "2001-01-01", 1);
}

static void b_review_qof(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_review_qof(r, NO_SUCH_REVIEW, "1", "1", "1", "1", NULL, 1);
}

static void b_review_check(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_review_check(r, NO_SUCH_REVIEW, "PREMISES", "met", "authz probe", 1);
}

static void b_review_sfbh(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_review_sfbh(r, NO_SUCH_REVIEW, "safety", "compliant", "authz probe", 1);
}

static void b_review_score(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_review_score(r, NO_SUCH_REVIEW, "AUTHZ01", "1", NULL, 1);
}

static void b_review_narrative(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_review_narrative(r, NO_SUCH_REVIEW, "authz probe", NULL, NULL, 1);
}

static void b_review_action_add(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_review_action_add(r, NO_SUCH_REVIEW, "authz probe", "nobody",
					     "2001-01-01", NULL, 1);
}

static void b_review_action_done(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_review_action_done(r, NO_SUCH_REVIEW, 1, NULL, 1);
}

static void b_review_override(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_review_override(r, NO_SUCH_REVIEW, "amber", "authz probe", 1);
}

static void b_review_finalise(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_review_finalise(r, NO_SUCH_REVIEW, 1);
}

static void b_review_show(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_review_show(r, NO_SUCH_REVIEW);
}

static void b_review_list(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	(void)harness_ireq_review_list(r, NULL, NULL, NULL, NULL, NULL, 0, 1, NULL);
}

static void b_review_due(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_review_due(r, "14d", 1, NULL);
}

/* scorecard */

static void b_scorecard(struct harness_ireq *r, struct role_ctx *x)
{
	(void)x;
	harness_ireq_scorecard(r, "2009/10", NULL, NULL, 1, NULL);
}

/* ---- docs/ROLES.md, "What each RPC needs", as a matrix ----------------- */

struct row {
	int op;		    /* the Request oneof case */
	const char *name;   /* as ROLES.md names it, with the data-level case */
	const char *needs;  /* "-" before login, "session", or a permission */
	const char *expect; /* one letter per role, in role_names order */
	void (*build)(struct harness_ireq *, struct role_ctx *);
};

/* Streams answer with many responses: they are called on a connection of
 * their own, which is closed after the first answer. */
static int is_stream(int op)
{
	return op == ASSURE__REQUEST__OP_AUDIT_SUBSCRIBE;
}

/* The letters, one per role in role_names order:
 *   admin, case-manager, investigator, pag-member, panel-member,
 *   contract-manager, reviewer, auditor, viewer.
 * E.g. "ADDDDDDDD": admitted for admin only. */
static const struct row matrix[] = {
    {ASSURE__REQUEST__OP_HELLO, "Hello", "-", "AAAAAAAAA", b_hello},
    {ASSURE__REQUEST__OP_STATUS, "Status", "-", "AAAAAAAAA", b_status},
    {ASSURE__REQUEST__OP_RESUME, "Resume", "-", "AAAAAAAAA", b_resume},
    {ASSURE__REQUEST__OP_WHOAMI, "Whoami", "session", "AAAAAAAAA", b_whoami},
    {ASSURE__REQUEST__OP_PASSWORD_CHANGE, "PasswordChange", "session", "AAAAAAAAA",
     b_password_change},
    {ASSURE__REQUEST__OP_USER_LIST, "UserList", "user.read", "ADDDDDDDD", b_user_list},
    {ASSURE__REQUEST__OP_USER_SHOW, "UserShow", "user.read", "ADDDDDDDD", b_user_show},
    {ASSURE__REQUEST__OP_ROLE_LIST, "RoleList", "user.read", "ADDDDDDDD", b_role_list},
    {ASSURE__REQUEST__OP_ROLE_SHOW, "RoleShow", "user.read", "ADDDDDDDD", b_role_show},
    {ASSURE__REQUEST__OP_PERMISSION_LIST, "PermissionList", "user.read", "ADDDDDDDD",
     b_permission_list},
    {ASSURE__REQUEST__OP_USER_ADD, "UserAdd", "user.manage", "ADDDDDDDD", b_user_add},
    {ASSURE__REQUEST__OP_USER_SET, "UserSet", "user.manage", "ADDDDDDDD", b_user_set},
    {ASSURE__REQUEST__OP_USER_DISABLE, "UserDisable", "user.manage", "ADDDDDDDD", b_user_disable},
    {ASSURE__REQUEST__OP_USER_ENABLE, "UserEnable", "user.manage", "ADDDDDDDD", b_user_enable},
    {ASSURE__REQUEST__OP_USER_RESET_PASSWORD, "UserResetPassword", "user.manage", "ADDDDDDDD",
     b_user_reset_password},
    {ASSURE__REQUEST__OP_ROLE_ADD, "RoleAdd", "role.manage", "ADDDDDDDD", b_role_add},
    {ASSURE__REQUEST__OP_ROLE_SET, "RoleSet", "role.manage", "ADDDDDDDD", b_role_set},
    {ASSURE__REQUEST__OP_ROLE_REMOVE, "RoleRemove", "role.manage", "ADDDDDDDD", b_role_remove},
    {ASSURE__REQUEST__OP_SITE_ADD, "SiteAdd", "site.manage", "ADDDDDDDD", b_site_add},
    {ASSURE__REQUEST__OP_SITE_LIST, "SiteList", "session", "AAAAAAAAA", b_site_list},
    {ASSURE__REQUEST__OP_SESSION_LIST, "SessionList (own)", "session", "AAAAAAAAA",
     b_session_list_own},
    {ASSURE__REQUEST__OP_SESSION_LIST, "SessionList (own, by name)", "session", "AAAAAAAAA",
     b_session_list_self_by_name},
    {ASSURE__REQUEST__OP_SESSION_LIST, "SessionList (another user's)", "session.manage",
     "ADDDDDDDD", b_session_list_other},
    {ASSURE__REQUEST__OP_SESSION_REVOKE, "SessionRevoke (own other session)", "session",
     "AAAAAAAAA", b_session_revoke_own},
    {ASSURE__REQUEST__OP_SESSION_REVOKE, "SessionRevoke (another user's)", "session.manage",
     "ADDDDDDDD", b_session_revoke_other},
    /* The audit trail: "audit.read: query, export, follow and verify the
     * audit trail" (ROLES.md, Permissions; its RPC table has no audit row
     * yet). */
    {ASSURE__REQUEST__OP_AUDIT_QUERY, "AuditQuery", "audit.read", "DDDDDDDAD", b_audit_query},
    {ASSURE__REQUEST__OP_AUDIT_SUBSCRIBE, "AuditSubscribe", "audit.read", "DDDDDDDAD",
     b_audit_subscribe},
    {ASSURE__REQUEST__OP_AUDIT_CHECKPOINT, "AuditCheckpoint", "audit.read", "DDDDDDDAD",
     b_audit_checkpoint},
    {ASSURE__REQUEST__OP_AUDIT_PROOF, "AuditProof", "audit.read", "DDDDDDDAD", b_audit_proof},
    {ASSURE__REQUEST__OP_AUDIT_VERIFY, "AuditVerify", "audit.read", "DDDDDDDAD", b_audit_verify},
    /* The Performers List register (DOMAIN.md "Performers"). */
    {ASSURE__REQUEST__OP_PERFORMER_ADD, "PerformerAdd", "performer.write", "DADDDDDDD",
     b_performer_add},
    {ASSURE__REQUEST__OP_PERFORMER_LIST, "PerformerList", "performer.read", "DAAAADDDA",
     b_performer_list},
    {ASSURE__REQUEST__OP_PERFORMER_SHOW, "PerformerShow", "performer.read", "DAAAADDDA",
     b_performer_show},
    {ASSURE__REQUEST__OP_PERFORMER_ADMIT, "PerformerAdmit", "performer.write", "DADDDDDDD",
     b_performer_admit},
    /* Concerns (DOMAIN.md "Concerns"): the dispatch table's permission;
     * the data-level rules are test_int_concern's. */
    {ASSURE__REQUEST__OP_CONCERN_OPEN, "ConcernOpen", "concern.write", "DADADDDDD", b_concern_open},
    {ASSURE__REQUEST__OP_CONCERN_GRADE, "ConcernGrade", "concern.write", "DADADDDDD",
     b_concern_grade},
    {ASSURE__REQUEST__OP_CONCERN_ASSIGN, "ConcernAssign", "concern.write", "DADADDDDD",
     b_concern_assign},
    {ASSURE__REQUEST__OP_CONCERN_MOVE, "ConcernMove", "concern.read", "DAAAADDDD", b_concern_move},
    {ASSURE__REQUEST__OP_CONCERN_DECIDE, "ConcernDecide", "concern.decide", "DDDDADDDD",
     b_concern_decide},
    {ASSURE__REQUEST__OP_CONCERN_SUSPEND, "ConcernSuspend", "concern.decide", "DDDDADDDD",
     b_concern_suspend},
    {ASSURE__REQUEST__OP_CONCERN_REINSTATE, "ConcernReinstate", "concern.decide", "DDDDADDDD",
     b_concern_reinstate},
    {ASSURE__REQUEST__OP_CONCERN_REFER, "ConcernRefer", "concern.write", "DADADDDDD",
     b_concern_refer},
    {ASSURE__REQUEST__OP_CONCERN_NOTE, "ConcernNote", "concern.read", "DAAAADDDD", b_concern_note},
    {ASSURE__REQUEST__OP_CONCERN_EVIDENCE, "ConcernEvidence", "concern.read", "DAAAADDDD",
     b_concern_evidence},
    {ASSURE__REQUEST__OP_CONCERN_ACTION_ADD, "ConcernActionAdd", "concern.write", "DADADDDDD",
     b_concern_action_add},
    {ASSURE__REQUEST__OP_CONCERN_ACTION_DONE, "ConcernActionDone", "concern.write", "DADADDDDD",
     b_concern_action_done},
    {ASSURE__REQUEST__OP_CONCERN_SHOW, "ConcernShow", "concern.read", "DAAAADDDD", b_concern_show},
    {ASSURE__REQUEST__OP_CONCERN_LIST, "ConcernList", "concern.read", "DAAAADDDD", b_concern_list},
    {ASSURE__REQUEST__OP_CONCERN_DUE, "ConcernDue", "concern.read", "DAAAADDDD", b_concern_due},
    /* Configuration (DOMAIN.md: periods and thresholds an admin may
     * change): anyone logged in reads it; config.manage changes it. */
    {ASSURE__REQUEST__OP_CONFIG_SHOW, "ConfigShow", "session", "AAAAAAAAA", b_config_show},
    {ASSURE__REQUEST__OP_CONFIG_SET, "ConfigSet", "config.manage", "ADDDDDDDD", b_config_set},
    {ASSURE__REQUEST__OP_HOLIDAY_LIST, "HolidayList", "session", "AAAAAAAAA", b_holiday_list},
    {ASSURE__REQUEST__OP_HOLIDAY_ADD, "HolidayAdd", "config.manage", "ADDDDDDDD", b_holiday_add},
    {ASSURE__REQUEST__OP_HOLIDAY_REMOVE, "HolidayRemove", "config.manage", "ADDDDDDDD",
     b_holiday_remove},
    /* config */

    /* contracts, indicator sets, requirements */
    /* Contracts, indicator sets and the requirements catalogue (DOMAIN.md
     * "Contracts", "Annual contract review"; docs/REVIEWS.md). */
    {ASSURE__REQUEST__OP_CONTRACT_ADD, "ContractAdd", "contract.write", "DDDDDADDD",
     b_contract_add},
    {ASSURE__REQUEST__OP_CONTRACT_LIST, "ContractList", "contract.read", "DDDDDAADA",
     b_contract_list},
    {ASSURE__REQUEST__OP_CONTRACT_SHOW, "ContractShow", "contract.read", "DDDDDAADA",
     b_contract_show},
    {ASSURE__REQUEST__OP_CONTRACT_SET, "ContractSet", "contract.write", "DDDDDADDD",
     b_contract_set},
    {ASSURE__REQUEST__OP_CONTRACT_NOTICE_ADD, "ContractNoticeAdd", "contract.write", "DDDDDADDD",
     b_contract_notice_add},
    {ASSURE__REQUEST__OP_CONTRACT_NOTICE_OUTCOME, "ContractNoticeOutcome", "contract.write",
     "DDDDDADDD", b_contract_notice_outcome},
    {ASSURE__REQUEST__OP_INDICATORS_CREATE, "IndicatorsCreate", "indicators.manage", "DDDDDADDD",
     b_indicators_create},
    {ASSURE__REQUEST__OP_INDICATORS_ADD, "IndicatorsAdd", "indicators.manage", "DDDDDADDD",
     b_indicators_add},
    {ASSURE__REQUEST__OP_INDICATORS_REMOVE, "IndicatorsRemove", "indicators.manage", "DDDDDADDD",
     b_indicators_remove},
    {ASSURE__REQUEST__OP_INDICATORS_RULE, "IndicatorsRule", "indicators.manage", "DDDDDADDD",
     b_indicators_rule},
    {ASSURE__REQUEST__OP_INDICATORS_PUBLISH, "IndicatorsPublish", "indicators.manage", "DDDDDADDD",
     b_indicators_publish},
    {ASSURE__REQUEST__OP_INDICATORS_SHOW, "IndicatorsShow", "contract.read", "DDDDDAADA",
     b_indicators_show},
    {ASSURE__REQUEST__OP_INDICATORS_LIST, "IndicatorsList", "contract.read", "DDDDDAADA",
     b_indicators_list},
    {ASSURE__REQUEST__OP_REQUIREMENTS_LIST, "RequirementsList", "contract.read", "DDDDDAADA",
     b_requirements_list},
    {ASSURE__REQUEST__OP_REQUIREMENTS_ADD, "RequirementsAdd", "indicators.manage", "DDDDDADDD",
     b_requirements_add},
    {ASSURE__REQUEST__OP_REQUIREMENTS_RETIRE, "RequirementsRetire", "indicators.manage",
     "DDDDDADDD", b_requirements_retire},

    /* reviews */
    /* Annual contract reviews (docs/REVIEWS.md): contract managers and
     * reviewers write; they and viewers read. */
    {ASSURE__REQUEST__OP_REVIEW_SCHEDULE, "ReviewSchedule", "review.write", "DDDDDAADD",
     b_review_schedule},
    {ASSURE__REQUEST__OP_REVIEW_VISIT, "ReviewVisit", "review.write", "DDDDDAADD", b_review_visit},
    {ASSURE__REQUEST__OP_REVIEW_QOF, "ReviewQof", "review.write", "DDDDDAADD", b_review_qof},
    {ASSURE__REQUEST__OP_REVIEW_CHECK, "ReviewCheck", "review.write", "DDDDDAADD", b_review_check},
    {ASSURE__REQUEST__OP_REVIEW_SFBH, "ReviewSfbh", "review.write", "DDDDDAADD", b_review_sfbh},
    {ASSURE__REQUEST__OP_REVIEW_SCORE, "ReviewScore", "review.write", "DDDDDAADD", b_review_score},
    {ASSURE__REQUEST__OP_REVIEW_NARRATIVE, "ReviewNarrative", "review.write", "DDDDDAADD",
     b_review_narrative},
    {ASSURE__REQUEST__OP_REVIEW_ACTION_ADD, "ReviewActionAdd", "review.write", "DDDDDAADD",
     b_review_action_add},
    {ASSURE__REQUEST__OP_REVIEW_ACTION_DONE, "ReviewActionDone", "review.write", "DDDDDAADD",
     b_review_action_done},
    {ASSURE__REQUEST__OP_REVIEW_OVERRIDE, "ReviewOverride", "review.write", "DDDDDAADD",
     b_review_override},
    {ASSURE__REQUEST__OP_REVIEW_FINALISE, "ReviewFinalise", "review.write", "DDDDDAADD",
     b_review_finalise},
    {ASSURE__REQUEST__OP_REVIEW_SHOW, "ReviewShow", "review.read", "DDDDDAADA", b_review_show},
    {ASSURE__REQUEST__OP_REVIEW_LIST, "ReviewList", "review.read", "DDDDDAADA", b_review_list},
    {ASSURE__REQUEST__OP_REVIEW_DUE, "ReviewDue", "review.read", "DDDDDAADA", b_review_due},

    /* scorecard */
    /* The Scorecard report (DOMAIN.md "Scorecard report"): with no set
     * published the admitted get FAILED_PRECONDITION. */
    {ASSURE__REQUEST__OP_SCORECARD, "Scorecard", "review.read", "DDDDDAADA", b_scorecard},

    /* Last: Login replaces the connection's session, Logout ends it. */
    {ASSURE__REQUEST__OP_LOGIN, "Login", "-", "AAAAAAAAA", b_login},
    {ASSURE__REQUEST__OP_LOGOUT, "Logout", "session", "AAAAAAAAA", b_logout},
};

#define NROWS (sizeof matrix / sizeof matrix[0])

/* ---- the group: one server, a user and a connection per role ---------- */

static struct harness_server server;
static struct role_ctx roles[NROLES];

static int group_setup(void **state)
{
	(void)state;
	/* The no-session test sends every operation before login, faster
	 * than the pre-login rate limit allows (test_int_hostile tests it). */
	static const char *const args[] = {"--preauth-rate", "1000", NULL};
	struct harness_server_opts opts = {.extra_args = args};
	harness_server_start(&server, &opts);
	struct client *admin = harness_connect_admin(&server);
	struct harness_ireq r;
	harness_ireq_site_add(&r, AUTHZ_SITE, "Authz probe site");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "SiteAdd " AUTHZ_SITE);
	harness_add_user(admin, AUTHZ_VICTIM, "viewer", AUTHZ_SITE, AUTHZ_PASSWORD, NULL);
	for (int i = 0; i < NROLES; i++) {
		struct role_ctx *x = &roles[i];
		x->role = role_names[i];
		snprintf(x->user, sizeof x->user, "authz-%s", role_names[i]);
		harness_add_user(admin, x->user, x->role, AUTHZ_SITE, AUTHZ_PASSWORD, NULL);
	}
	client_free(admin);

	/* The victim has a live session for the "another user's" rows. */
	struct client *v = harness_connect_login(&server, AUTHZ_VICTIM, AUTHZ_PASSWORD, NULL, NULL);
	client_free(v);

	for (int i = 0; i < NROLES; i++) {
		struct role_ctx *x = &roles[i];
		/* A spare session of the same user, for SessionRevoke (own). */
		struct client *spare =
		    harness_connect_login(&server, x->user, AUTHZ_PASSWORD, NULL, NULL);
		x->spare_session = harness_current_session_id(spare);
		client_free(spare);
		/* One role held: login without naming it selects it. */
		x->c = harness_connect_login(&server, x->user, AUTHZ_PASSWORD, NULL, x->token);
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NROLES; i++) {
		client_free(roles[i].c);
		roles[i].c = NULL;
	}
	harness_server_destroy(&server);
	return 0;
}

/* ---- the checks -------------------------------------------------------- */

static int perm_known(const char *p)
{
	for (size_t i = 0; all_permissions[i] != NULL; i++)
		if (strcmp(all_permissions[i], p) == 0)
			return 1;
	return 0;
}

static int role_has(int role, const char *perm)
{
	char buf[256];
	snprintf(buf, sizeof buf, "%s", role_perms[role]);
	for (char *save = NULL, *t = strtok_r(buf, " ", &save); t != NULL;
	     t = strtok_r(NULL, " ", &save))
		if (strcmp(t, perm) == 0)
			return 1;
	return 0;
}

/* The matrix agrees with the two tables it was copied from (a typo in one
 * letter would otherwise test the wrong thing). No server involved. */
static void test_matrix_consistent(void **state)
{
	(void)state;
	int bad = 0;
	for (size_t i = 0; i < NROWS; i++) {
		const struct row *w = &matrix[i];
		if (strlen(w->expect) != NROLES) {
			print_error("row %s: %zu letters for %d roles\n", w->name,
				    strlen(w->expect), NROLES);
			bad++;
			continue;
		}
		int is_perm = strcmp(w->needs, "-") != 0 && strcmp(w->needs, "session") != 0;
		if (is_perm && !perm_known(w->needs)) {
			print_error("row %s needs unknown permission %s\n", w->name, w->needs);
			bad++;
		}
		for (int r = 0; r < NROLES; r++) {
			char want = is_perm ? (role_has(r, w->needs) ? 'A' : 'D') : 'A';
			if (w->expect[r] != want) {
				print_error(
				    "row %s, role %s: matrix says %c, ROLES.md tables say %c\n",
				    w->name, role_names[r], w->expect[r], want);
				bad++;
			}
		}
	}
	for (int r = 0; r < NROLES; r++) {
		char buf[256];
		snprintf(buf, sizeof buf, "%s", role_perms[r]);
		for (char *save = NULL, *t = strtok_r(buf, " ", &save); t != NULL;
		     t = strtok_r(NULL, " ", &save))
			if (!perm_known(t)) {
				print_error("role %s: unknown permission %s\n", role_names[r], t);
				bad++;
			}
	}
	assert_int_equal(bad, 0);
}

/* Every field of the Request oneof has a row; every row is a field. */
static void test_matrix_covers_every_rpc(void **state)
{
	(void)state;
	const ProtobufCMessageDescriptor *d = &assure__request__descriptor;
	int missing = 0, oneofs = 0;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			continue;
		oneofs++;
		int found = 0;
		for (size_t k = 0; k < NROWS; k++)
			if (matrix[k].op == (int)f->id)
				found = 1;
		if (!found) {
			print_error(
			    "Request.%s (field %u) has no row in the authorisation matrix "
			    "(tests/integration/test_int_authz.c): add it, with the permission "
			    "docs/ROLES.md gives it\n",
			    f->name, f->id);
			missing++;
		}
	}
	for (size_t k = 0; k < NROWS; k++) {
		const ProtobufCFieldDescriptor *f =
		    protobuf_c_message_descriptor_get_field(d, (unsigned)matrix[k].op);
		if (f == NULL || !(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)) {
			print_error("matrix row %s: op %d is not a Request oneof field\n",
				    matrix[k].name, matrix[k].op);
			missing++;
		}
	}
	assert_true(oneofs >= 24);
	assert_int_equal(missing, 0);
}

/* Before login, only Hello, Status, Login and Resume are admitted. */
static void test_no_session_unauthenticated(void **state)
{
	(void)state;
	struct client *c = harness_connect_hello(&server);
	struct role_ctx dummy;
	memset(&dummy, 0, sizeof dummy);
	snprintf(dummy.user, sizeof dummy.user, "%s", NO_SUCH_USER);
	dummy.spare_session = 1;
	int bad = 0;
	for (size_t k = 0; k < NROWS; k++) {
		const struct row *w = &matrix[k];
		if (strcmp(w->needs, "-") == 0)
			continue;
		struct harness_ireq r;
		w->build(&r, &dummy);
		Assure__Response *resp = harness_icall(c, &r);
		int got = client_status_code(resp);
		if (got != ASSURE__CODE__UNAUTHENTICATED) {
			print_error(
			    "%s without a session: expected UNAUTHENTICATED, got %s: \"%s\"\n",
			    w->name, harness_code_name(got), client_status_message(resp));
			bad++;
		}
		assure__response__free_unpacked(resp, NULL);
	}
	/* Still fine afterwards: an application error never disconnects. */
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	client_free(c);
	assert_int_equal(bad, 0);
}

/* Every row against every role. All mismatches are listed before failing. */
static void test_matrix(void **state)
{
	(void)state;
	int bad = 0, checked = 0;
	int unimplemented[NROWS] = {0};
	for (int i = 0; i < NROLES; i++) {
		struct role_ctx *x = &roles[i];
		for (size_t k = 0; k < NROWS; k++) {
			const struct row *w = &matrix[k];
			struct harness_ireq r;
			w->build(&r, x);
			Assure__Response *resp = NULL;
			char *cause = NULL;
			r.req.id = 0;
			struct client *on = x->c;
			if (is_stream(w->op)) {
				/* A stream's first answer, on a connection resumed in the
				 * same session, closed afterwards. */
				on = harness_connect_hello(&server);
				assert_int_equal(harness_resume_code(on, x->token, sizeof x->token),
						 ASSURE__CODE__OK);
			}
			int rc = client_call(on, &r.req, &resp, &cause);
			if (is_stream(w->op))
				client_free(on);
			if (rc != 0) {
				print_error("role %s, %s: transport error: %s\n", x->role, w->name,
					    cause ? cause : "(no cause)");
				free(cause);
				bad++;
				if (is_stream(w->op))
					continue;
				break; /* this role's connection is gone */
			}
			int got = client_status_code(resp);
			char want = w->expect[i];
			int ok = want == 'D' ? got == ASSURE__CODE__PERMISSION_DENIED
					     : got != ASSURE__CODE__PERMISSION_DENIED &&
						   got != ASSURE__CODE__UNAUTHENTICATED;
			checked++;
			if (got == ASSURE__CODE__UNIMPLEMENTED) {
				/* Reported once per row below. */
				unimplemented[k]++;
				bad++;
			} else if (!ok) {
				print_error(
				    "role %-16s %-36s expected %s, got %s: \"%s\"\n", x->role,
				    w->name,
				    want == 'D'
					? "PERMISSION_DENIED"
					: "admitted (not PERMISSION_DENIED/UNAUTHENTICATED)",
				    harness_code_name(got), client_status_message(resp));
				bad++;
			}
			assure__response__free_unpacked(resp, NULL);
		}
	}
	for (size_t k = 0; k < NROWS; k++)
		if (unimplemented[k] > 0)
			print_error(
			    "%-36s UNIMPLEMENTED for %d of %d roles: the server does not serve "
			    "this operation yet, so its authorisation cannot be checked\n",
			    matrix[k].name, unimplemented[k], NROLES);
	print_message("authorisation matrix: %d calls, %d mismatches\n", checked, bad);
	assert_int_equal(bad, 0);
}

int main(void)
{
	harness_guard(240);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_matrix_consistent),
	    cmocka_unit_test(test_matrix_covers_every_rpc),
	    cmocka_unit_test(test_no_session_unauthenticated),
	    cmocka_unit_test(test_matrix),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
