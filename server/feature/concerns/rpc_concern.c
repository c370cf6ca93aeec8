/*
 * The concern lifecycle RPCs (DOMAIN.md "Concerns"): ConcernOpen,
 * ConcernGrade, ConcernAssign, ConcernMove, ConcernDecide, ConcernSuspend,
 * ConcernReinstate.
 *
 * Shape of each: the request is validated on the loop thread (formats,
 * dates, the version the user saw); the rules are checked inside the
 * writer's transaction against the concern as it is then (loaded with
 * concern_load, which also applies the data-level access rule), using the
 * pure rules of domain_concern.c; the change, its timeline event, its
 * deadlines, any list-status change with list_history and the one version
 * bump (store_concern_update with the user's version: ABORTED "changed by
 * NAME at TIME" when stale) commit together with the audit record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "clock.h"
#include "concern_common.h"
#include "db.h"
#include "domain_concern.h"
#include "domain_dates.h"
#include "domain_grade.h"
#include "rpc.h"
#include "server.h"
#include "store.h"
#include "store_concern.h"
#include "store_performer.h"
#include "validate.h"
#include "xmalloc.h"

#define TEXT_MAX 4000
#define PANEL_MAX 32
#define ACTIONS_MAX 100

static enum rpc_result bad(struct rpc_call *call, const char *why)
{
	return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
}

/* validate_text into the call's arena (NULL when fine). */
static const char *text_arg(struct rpc_call *call, const char *field, const char *s, int required,
			    int multiline)
{
	char buf[256];
	const char *why = validate_text(field, s, TEXT_MAX, required, multiline, buf, sizeof buf);
	return why ? arena_strdup(call->arena, why) : NULL;
}

static const char *usernames_arg(struct rpc_call *call, const char *field, char **names, size_t n)
{
	char buf[256];
	if (n > PANEL_MAX)
		return arena_printf(call->arena, "%s: at most %d names", field, PANEL_MAX);
	for (size_t i = 0; i < n; i++) {
		const char *why = validate_username(field, names[i], buf, sizeof buf);
		if (why)
			return arena_strdup(call->arena, why);
	}
	return NULL;
}

static int fail(char **message, int status, char *cause)
{
	*message = cause;
	return status;
}

/* Panel usernames to user ids: each an enabled panel member. */
static int panel_ids(struct rpc_call *call, struct db *db, char **names, size_t n, int64_t **ids,
		     char **message)
{
	*ids = arena_alloc(call->arena, (n ? n : 1) * sizeof **ids);
	for (size_t i = 0; i < n; i++) {
		int st = concern_user_with_role(db, "panel", names[i], "panel-member", &(*ids)[i],
						message);
		if (st != ASSURE__CODE__OK)
			return st;
	}
	return ASSURE__CODE__OK;
}

static char *join_names(struct rpc_call *call, char **names, size_t n)
{
	char *s = arena_strdup(call->arena, "");
	for (size_t i = 0; i < n; i++)
		s = arena_printf(call->arena, "%s%s%s", s, i ? ", " : "", names[i]);
	return s;
}

/* The subject as a Performer message. */
static Assure__Performer *performer_msg(struct rpc_call *call, const struct performer_record *p)
{
	struct arena *a = call->arena;
	Assure__Performer *m = arena_alloc(a, sizeof *m);
	assure__performer__init(m);
	m->id = p->id;
	m->profession = arena_strdup(a, p->profession);
	m->reg = arena_strdup(a, p->reg);
	m->name = arena_strdup(a, p->name);
	m->national_code = arena_strdup(a, p->national_code);
	m->list_status = arena_strdup(a, strcmp(p->list_status, "none") == 0 ? "" : p->list_status);
	m->suspended = p->suspended;
	m->conditions = arena_strdup(a, p->conditions);
	m->created_at = p->created_at / 1000;
	m->version = (uint64_t)p->version;
	m->regulator = arena_strdup(a, "");
	if (p->suspended) {
		Assure__Suspension *su = arena_alloc(a, sizeof *su);
		assure__suspension__init(su);
		su->basis = arena_strdup(a, p->susp_basis);
		su->reason = arena_strdup(a, p->susp_reason);
		su->start = arena_strdup(a, p->susp_start);
		su->period_end = arena_strdup(a, p->susp_end);
		su->review_date = arena_strdup(a, p->susp_review);
		su->concern_ref = arena_strdup(a, p->susp_concern_ref);
		su->hearing_offered = arena_strdup(a, p->susp_hearing_offered);
		su->notice_sent = arena_strdup(a, p->susp_notice_sent);
		su->extension = p->susp_extension;
		m->suspension = su;
	}
	return m;
}

static int performer_reply(struct rpc_call *call, struct db *db, int64_t id,
			   Assure__Performer **out, char **message)
{
	struct performer_record *p = NULL;
	int st = store_performer_get(db, id, &p, message);
	if (st != ASSURE__CODE__OK)
		return st;
	*out = performer_msg(call, p);
	performer_record_free(p);
	return ASSURE__CODE__OK;
}

/* An interim review ("consider interim suspension / referral") is answered
 * by a considered step: a move out of the state it was raised in, a
 * referral, or a suspension. */
static int answer_interim(struct db *db, const struct concern_record *c, const char *date,
			  struct concern_update *u, char **message)
{
	int has = 0;
	int st = concern_has_open_deadline(
	    db, c->id, domain_concern_clock_name(CONCERN_CLOCK_INTERIM_REVIEW), &has, message);
	if (st != ASSURE__CODE__OK || !has)
		return st;
	if (u)
		u->interim_answered = 1;
	return store_concern_deadlines_close(
	    db, c->id, domain_concern_clock_name(CONCERN_CLOCK_INTERIM_REVIEW), date, 0, NULL,
	    message);
}

/* --- ConcernOpen --------------------------------------------------------- */

struct open_state {
	int32_t received;
};

static int concern_open_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernOpenRequest *req = call->req->concern_open;
	struct open_state *os = call->state;
	struct performer_record *p = NULL;
	int st = store_performer_get(db, req->performer_id, &p, message);
	if (st == ASSURE__CODE__NOT_FOUND)
		return fail(message, st,
			    xasprintf("no performer %lld", (long long)req->performer_id));
	if (st != ASSURE__CODE__OK)
		return st;
	int pharmacist = strcmp(p->list_status, "none") == 0;
	performer_record_free(p);
	const struct concern_config *cfg = NULL;
	const struct domain_holidays *hol = NULL;
	if ((st = concern_settings(call, db, &cfg, &hol, message)) != ASSURE__CODE__OK)
		return st;

	struct concern_facts f;
	domain_concern_facts_init(&f, CONCERN_STATE_NEW, os->received);
	f.today = clock_today();
	f.subject_is_pharmacist = pharmacist;
	f.actor_id = call->actor.user_id;
	struct concern_move_input in;
	domain_concern_input_init(&in);
	in.source = req->source;
	in.category = req->category;
	in.summary = req->summary;
	in.subject_id = req->performer_id;
	char *cause = NULL;
	enum concern_check ck = domain_concern_check_move(cfg, &f, CONCERN_STATE_RECEIVED,
							  concern_role_of(call), &in, &cause);
	if (ck != CONCERN_OK)
		return fail(message, concern_status_of(ck), cause);

	int64_t linked = 0;
	if (req->linked_ref[0]) {
		struct concern_record *l = NULL;
		st = store_concern_get_by_ref(db, req->linked_ref, &l, message);
		if (st == ASSURE__CODE__NOT_FOUND)
			return fail(message, ASSURE__CODE__FAILED_PRECONDITION,
				    xasprintf("linked_ref: no concern %s", req->linked_ref));
		if (st != ASSURE__CODE__OK)
			return st;
		int closed = strcmp(l->state, "closed") == 0;
		int same = l->performer_id == req->performer_id;
		linked = l->id;
		concern_record_free(l);
		if (!closed)
			return fail(
			    message, ASSURE__CODE__FAILED_PRECONDITION,
			    xasprintf("linked_ref: %s is still open; a new concern links only "
				      "to a closed one (a closed concern is never reopened)",
				      req->linked_ref));
		if (!same)
			return fail(
			    message, ASSURE__CODE__FAILED_PRECONDITION,
			    xasprintf("linked_ref: %s is about another performer; a new "
				      "concern links to a closed concern about the same subject",
				      req->linked_ref));
	}
	char received[DOMAIN_DATE_BUFSZ];
	domain_date_format(os->received, received);
	const char *source = domain_concern_source_name(domain_concern_source_parse(req->source));
	const char *category =
	    domain_concern_category_name(domain_concern_category_parse(req->category));
	struct concern_new cn = {req->performer_id, source,   category, req->summary,
				 req->reporter,	    received, linked};
	int64_t now = clock_now_ms(), id = 0;
	char *ref = NULL;
	st = store_concern_insert(db, &cn, now, call->actor.username, &id, &ref, message);
	if (st != ASSURE__CODE__OK)
		return st;
	rpc_audit_object(call, "concern", arena_strdup(call->arena, ref));
	free(ref);
	struct concern_record *c = NULL;
	st = store_concern_get(db, id, &c, message);
	if (st != ASSURE__CODE__OK)
		return st;
	/* The triage target runs from receipt. */
	f.today = os->received;
	struct concern_deadline d[4];
	size_t n = domain_concern_move_deadlines(cfg, &f, CONCERN_STATE_RECEIVED, &in, hol, d, 4);
	char *detail = concern_detail_add(call, NULL, "source", source);
	detail = concern_detail_add(call, detail, "category", category);
	detail = concern_detail_add(call, detail, "linked", req->linked_ref);
	st = concern_add_deadlines(call, db, c, d, n > 4 ? 4 : n, NULL, NULL, message);
	if (st == ASSURE__CODE__OK)
		st = concern_event(call, db, id, "opened", "(new)", "received", req->summary,
				   received, detail, message);
	if (st == ASSURE__CODE__OK) {
		Assure__ConcernOpenResponse *r = arena_alloc(call->arena, sizeof *r);
		assure__concern_open_response__init(r);
		r->concern = concern_msg(call, c);
		RPC_RESULT(call, concern_open, CONCERN_OPEN, r);
	}
	concern_record_free(c);
	return st;
}

static enum rpc_result rpc_concern_open(struct rpc_call *call)
{
	const Assure__ConcernOpenRequest *req = call->req->concern_open;
	call->audit_object_type = "concern";
	const char *why = NULL;
	if (req->performer_id <= 0)
		why = "performer_id: required";
	else if (domain_concern_source_parse(req->source) < 0)
		why = "source: one of patient-complaint, colleague, serious-incident, "
		      "clinical-audit, "
		      "prescribing-data, regulator, police, coroner, ncas, other";
	else if (domain_concern_category_parse(req->category) < 0)
		why = "category: one of clinical-competence, conduct, health, probity";
	if (!why)
		why = text_arg(call, "summary", req->summary, 1, 1);
	if (!why)
		why = text_arg(call, "reporter", req->reporter, 0, 1);
	if (!why && req->linked_ref[0])
		why = concern_check_ref(call, req->linked_ref);
	struct open_state *os = arena_alloc(call->arena, sizeof *os);
	if (!why)
		why = concern_date_arg(call, "received", req->received, clock_today(), 0,
				       &os->received);
	if (why)
		return bad(call, why);
	call->state = os;
	return rpc_write(call, concern_open_db, NULL);
}

/* --- ConcernGrade --------------------------------------------------------- */

static Assure__ConcernMoveResponse *move_response(struct rpc_call *call)
{
	Assure__ConcernMoveResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__concern_move_response__init(r);
	r->deadlines = arena_alloc(call->arena, sizeof *r->deadlines);
	return r;
}

static int concern_grade_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernGradeRequest *req = call->req->concern_grade;
	struct concern_ctx ctx;
	int st = concern_load(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	const struct concern_config *cfg = NULL;
	if ((st = concern_settings(call, db, &cfg, NULL, message)) != ASSURE__CODE__OK)
		goto out;
	enum concern_role role = concern_role_of(call);
	if (role != CONCERN_ROLE_CASE_MANAGER && role != CONCERN_ROLE_PAG_MEMBER) {
		st =
		    fail(message, ASSURE__CODE__PERMISSION_DENIED,
			 xasprintf("grading: a concern is graded at triage by its case manager and "
				   "re-graded at PAG review by a PAG member"));
		goto out;
	}
	enum concern_state s = ctx.f.state;
	if (s != CONCERN_STATE_RECEIVED && s != CONCERN_STATE_TRIAGED &&
	    s != CONCERN_STATE_PAG_REVIEW) {
		st = fail(message, ASSURE__CODE__FAILED_PRECONDITION,
			  xasprintf("grading: a concern is graded at triage and re-graded at each "
				    "PAG review (received, triaged, pag-review); %s is %s",
				    req->ref, ctx.c->state));
		goto out;
	}
	if ((st = concern_check_version(ctx.c, req->version, message)) != ASSURE__CODE__OK)
		goto out;
	int64_t now = clock_now_ms();
	struct concern_grade_record *g = NULL;
	st = store_concern_grade_add(db, ctx.c->id, req->consequence, req->likelihood, req->reason,
				     &cfg->bands, now, call->actor.username, &g, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	int band = domain_grade_band_parse(g->band);
	struct concern_update u;
	concern_update_init(&u);
	Assure__ConcernMoveResponse *r = move_response(call);
	char today[DOMAIN_DATE_BUFSZ];
	concern_today(today);
	if (band >= 0 && domain_grade_band_needs_interim_consideration((enum grade_band)band)) {
		/* Due at once; stays on the due list until answered. */
		struct concern_deadline d = {CONCERN_CLOCK_INTERIM_REVIEW,
					     clock_today(),
					     clock_today(),
					     {DOMAIN_PERIOD_DAYS, 0}};
		int has = 0;
		st = concern_has_open_deadline(
		    db, ctx.c->id, domain_concern_clock_name(CONCERN_CLOCK_INTERIM_REVIEW), &has,
		    message);
		if (st == ASSURE__CODE__OK && !has) {
			u.interim_answered = 0;
			st = concern_add_deadlines(call, db, ctx.c, &d, 1, &r->deadlines,
						   &r->n_deadlines, message);
		}
	}
	char *detail =
	    arena_printf(call->arena, "consequence: %d\nlikelihood: %d\nscore: %d\nband: %s\n",
			 g->consequence, g->likelihood, g->score, g->band);
	concern_grades_free(g, 1);
	if (st == ASSURE__CODE__OK)
		st = concern_event(call, db, ctx.c->id, "grade", "", "", req->reason, today, detail,
				   message);
	if (st == ASSURE__CODE__OK)
		st = concern_update(call, db, ctx.c, req->version, &u, now, message);
	if (st == ASSURE__CODE__OK)
		st = concern_reload_msg(call, db, ctx.c->id, &r->concern, message);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, concern_grade, CONCERN_GRADE, r);
out:
	concern_ctx_clear(&ctx);
	return st;
}

static enum rpc_result rpc_concern_grade(struct rpc_call *call)
{
	const Assure__ConcernGradeRequest *req = call->req->concern_grade;
	call->audit_object_type = "concern";
	const char *why = concern_check_ref(call, req->ref);
	if (!why && (req->consequence < DOMAIN_GRADE_MIN || req->consequence > DOMAIN_GRADE_MAX))
		why = "consequence: 1..5 (negligible, minor, moderate, major, catastrophic)";
	if (!why && (req->likelihood < DOMAIN_GRADE_MIN || req->likelihood > DOMAIN_GRADE_MAX))
		why = "likelihood: 1..5 (rare, unlikely, possible, likely, almost certain)";
	if (!why)
		why = text_arg(call, "reason", req->reason, 1, 1);
	if (!why)
		why = concern_check_version_given(req->version);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "concern", req->ref);
	return rpc_write(call, concern_grade_db, NULL);
}

/* --- ConcernAssign -------------------------------------------------------- */

static int in_list(const int64_t *v, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == id)
			return 1;
	return 0;
}

static int concern_assign_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernAssignRequest *req = call->req->concern_assign;
	struct concern_ctx ctx;
	int st = concern_load(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	enum concern_role role = concern_role_of(call);
	if (role != CONCERN_ROLE_CASE_MANAGER && role != CONCERN_ROLE_PAG_MEMBER) {
		st =
		    fail(message, ASSURE__CODE__PERMISSION_DENIED,
			 xasprintf("assigning: case managers and PAG members name a concern's case "
				   "manager and investigator"));
		goto out;
	}
	if (!domain_concern_state_is_open(ctx.f.state)) {
		st = fail(message, ASSURE__CODE__FAILED_PRECONDITION,
			  xasprintf("%s is closed; a closed concern is never reopened", req->ref));
		goto out;
	}
	if ((st = concern_check_version(ctx.c, req->version, message)) != ASSURE__CODE__OK)
		goto out;
	int64_t cm = ctx.c->case_manager_id, inv = ctx.c->investigator_id;
	if (req->case_manager[0] &&
	    (st = concern_user_with_role(db, "case_manager", req->case_manager, "case-manager", &cm,
					 message)) != ASSURE__CODE__OK)
		goto out;
	if (req->investigator[0] &&
	    (st = concern_user_with_role(db, "investigator", req->investigator, "investigator",
					 &inv, message)) != ASSURE__CODE__OK)
		goto out;
	if (cm > 0 && cm == inv) {
		st = fail(message, ASSURE__CODE__FAILED_PRECONDITION,
			  xasprintf("investigator: the investigator is not the case manager "
				    "(DOMAIN.md: investigator, not the case manager)"));
		goto out;
	}
	if ((req->case_manager[0] && in_list(ctx.panel, ctx.n_panel, cm)) ||
	    (req->investigator[0] && in_list(ctx.panel, ctx.n_panel, inv))) {
		st = fail(
		    message, ASSURE__CODE__FAILED_PRECONDITION,
		    xasprintf("conflict: nobody may be both investigator (or case manager) and "
			      "deciding panel member on one concern; this user sat on its panel"));
		goto out;
	}
	int64_t now = clock_now_ms();
	char *detail = NULL;
	if (req->case_manager[0]) {
		st = store_concern_assign(db, ctx.c->id, CONCERN_PERSON_CASE_MANAGER, cm, now,
					  call->actor.username, message);
		detail = concern_detail_add(call, detail, "case manager", req->case_manager);
	}
	if (st == ASSURE__CODE__OK && req->investigator[0]) {
		st = store_concern_assign(db, ctx.c->id, CONCERN_PERSON_INVESTIGATOR, inv, now,
					  call->actor.username, message);
		detail = concern_detail_add(call, detail, "investigator", req->investigator);
	}
	char today[DOMAIN_DATE_BUFSZ];
	if (st == ASSURE__CODE__OK)
		st = concern_event(call, db, ctx.c->id, "assign", "", "", "", concern_today(today),
				   detail, message);
	if (st == ASSURE__CODE__OK)
		st = concern_update(call, db, ctx.c, req->version, NULL, now, message);
	Assure__ConcernMoveResponse *r = move_response(call);
	if (st == ASSURE__CODE__OK)
		st = concern_reload_msg(call, db, ctx.c->id, &r->concern, message);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, concern_assign, CONCERN_ASSIGN, r);
out:
	concern_ctx_clear(&ctx);
	return st;
}

static enum rpc_result rpc_concern_assign(struct rpc_call *call)
{
	const Assure__ConcernAssignRequest *req = call->req->concern_assign;
	call->audit_object_type = "concern";
	char buf[256];
	const char *why = concern_check_ref(call, req->ref);
	if (!why && !req->case_manager[0] && !req->investigator[0])
		why = "name a case_manager or an investigator (or both)";
	if (!why && req->case_manager[0])
		why = validate_username("case_manager", req->case_manager, buf, sizeof buf);
	if (!why && req->investigator[0])
		why = validate_username("investigator", req->investigator, buf, sizeof buf);
	if (!why)
		why = concern_check_version_given(req->version);
	if (why)
		return bad(call, arena_strdup(call->arena, why));
	rpc_audit_object(call, "concern", req->ref);
	return rpc_write(call, concern_assign_db, NULL);
}

/* --- ConcernMove ------------------------------------------------------------- */

struct move_state {
	enum concern_state to;
	int32_t date, notice_sent, hearing, hearing_requested, review_date, decision_notice_sent;
	enum concern_closure closure;
	struct concern_action *actions;
	size_t n_actions;
};

static int concern_move_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernMoveRequest *req = call->req->concern_move;
	struct move_state *ms = call->state;
	struct concern_ctx ctx;
	int st = concern_load(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	const struct concern_config *cfg = NULL;
	const struct domain_holidays *hol = NULL;
	if ((st = concern_settings(call, db, &cfg, &hol, message)) != ASSURE__CODE__OK)
		goto out;
	if ((st = concern_recorded_windows(db, ctx.c->id, &ctx.f, message)) != ASSURE__CODE__OK)
		goto out;
	struct concern_record *c = ctx.c;
	enum concern_state from = ctx.f.state;
	enum concern_role role = concern_role_of(call);
	if ((st = concern_check_version(c, req->version, message)) != ASSURE__CODE__OK)
		goto out;

	struct concern_move_input in;
	domain_concern_input_init(&in);
	in.rationale = req->rationale;
	in.agreed_action = req->agreed_action;
	in.review_date = ms->review_date;
	in.referral_body = req->body;
	in.referral_date = ms->date;
	in.referral_ref = req->their_ref;
	in.terms_of_reference = req->terms_of_reference;
	in.report_ref = req->report_ref;
	in.actions = ms->actions;
	in.n_actions = ms->n_actions;
	in.grounds = req->grounds;
	in.breach = req->breach;
	in.notice_allegation = req->allegation;
	in.notice_proposed_action = req->proposed_action;
	in.notice_grounds = req->grounds;
	in.notice_sent = ms->notice_sent;
	in.hearing_requested = ms->hearing_requested;
	in.hearing_date = ms->hearing;
	in.decision_notice_sent = ms->decision_notice_sent;
	in.appeal_ref = req->appeal_ref;
	in.tribunal_outcome = req->outcome;
	in.review_outcome = req->outcome;
	in.closure = ms->closure;
	if (req->investigator[0] &&
	    (st = concern_user_with_role(db, "investigator", req->investigator, "investigator",
					 &in.investigator_id, message)) != ASSURE__CODE__OK)
		goto out;
	/* received -> triaged records the grade given with ConcernGrade and the
	 * case manager named with ConcernAssign (the case manager triaging
	 * when nobody has been named). */
	int name_actor_cm = 0;
	char *grade_reason = NULL;
	if (ms->to == CONCERN_STATE_TRIAGED && from == CONCERN_STATE_RECEIVED) {
		in.risk_consequence = c->consequence;
		in.risk_likelihood = c->likelihood;
		struct concern_grade_record *g = NULL;
		size_t ng = 0;
		if ((st = store_concern_grades(db, c->id, &g, &ng, message)) != ASSURE__CODE__OK)
			goto out;
		if (ng)
			grade_reason = arena_strdup(call->arena, g[ng - 1].reason);
		concern_grades_free(g, ng);
		in.grade_reasons = grade_reason;
		in.case_manager_id = c->case_manager_id;
		if (in.case_manager_id <= 0 && role == CONCERN_ROLE_CASE_MANAGER) {
			in.case_manager_id = call->actor.user_id;
			name_actor_cm = 1;
		}
	}
	struct concern_facts f = ctx.f;
	f.today = clock_today();
	char *cause = NULL;
	enum concern_check ck = domain_concern_check_move(cfg, &f, ms->to, role, &in, &cause);
	if (ck != CONCERN_OK) {
		st = fail(message, concern_status_of(ck), cause);
		goto out;
	}
	if (in.investigator_id > 0 && in_list(ctx.panel, ctx.n_panel, in.investigator_id)) {
		st = fail(message, ASSURE__CODE__FAILED_PRECONDITION,
			  xasprintf("conflict: nobody may be both investigator and deciding panel "
				    "member on one concern; %s sat on its panel",
				    req->investigator));
		goto out;
	}

	int64_t now = clock_now_ms();
	char date[DOMAIN_DATE_BUFSZ], buf[DOMAIN_DATE_BUFSZ];
	domain_date_format(ms->date, date);
	const char *to_name = domain_concern_state_name(ms->to);
	struct concern_update u;
	concern_update_init(&u);
	u.state = to_name;
	char *detail = NULL;
	if (ms->closure != CONCERN_CLOSURE_NONE)
		detail = concern_detail_add(call, detail, "closure",
					    ms->closure == CONCERN_CLOSURE_DEATH ? "death"
										 : "withdrawal");
	switch (ms->to) {
	case CONCERN_STATE_TRIAGED:
		if (name_actor_cm)
			st = store_concern_assign(db, c->id, CONCERN_PERSON_CASE_MANAGER,
						  call->actor.user_id, now, call->actor.username,
						  message);
		detail = concern_detail_add(call, detail, "grade",
					    arena_printf(call->arena, "%d x %d = %d (%s)",
							 c->consequence, c->likelihood, c->score,
							 c->band));
		detail = concern_detail_add(call, detail, "case manager",
					    name_actor_cm ? call->actor.username : c->case_manager);
		break;
	case CONCERN_STATE_INFORMAL:
		detail = concern_detail_add(call, detail, "agreed action", req->agreed_action);
		detail = concern_detail_add(call, detail, "review date",
					    domain_date_format(ms->review_date, buf));
		break;
	case CONCERN_STATE_EXTERNAL_ONLY: {
		int b = domain_referral_body_parse(req->body);
		struct concern_referral_record rr = {
		    .body = (char *)domain_referral_body_name((enum referral_body)b),
		    .date = date,
		    .rationale = (char *)req->rationale,
		    .their_ref = (char *)req->their_ref,
		};
		st = store_concern_referral_add(db, c->id, &rr, now, call->actor.username, NULL,
						message);
		detail = concern_detail_add(call, detail, "referred to", rr.body);
		detail = concern_detail_add(call, detail, "their reference", req->their_ref);
		break;
	}
	case CONCERN_STATE_INVESTIGATING:
		if (ms->to == CONCERN_STATE_INVESTIGATING && in.investigator_id > 0)
			st = store_concern_assign(db, c->id, CONCERN_PERSON_INVESTIGATOR,
						  in.investigator_id, now, call->actor.username,
						  message);
		detail =
		    concern_detail_add(call, detail, "terms of reference", req->terms_of_reference);
		detail = concern_detail_add(call, detail, "investigator", req->investigator);
		break;
	case CONCERN_STATE_REPORTED:
		detail = concern_detail_add(call, detail, "report", req->report_ref);
		break;
	case CONCERN_STATE_PANEL_REFERRED:
		u.mark_panel_referred = 1;
		detail = concern_detail_add(call, detail, "grounds", req->grounds);
		detail = concern_detail_add(call, detail, "breach", req->breach);
		break;
	case CONCERN_STATE_NOTICE_ISSUED:
		u.notice_sent = arena_strdup(call->arena, domain_date_format(ms->notice_sent, buf));
		u.notice_allegation = req->allegation;
		u.notice_proposed_action = req->proposed_action;
		u.notice_grounds = req->grounds;
		u.representations_received = 0;
		u.hearing_requested = "";
		u.hearing_date = "";
		detail = concern_detail_add(call, detail, "allegation", req->allegation);
		detail = concern_detail_add(call, detail, "proposed action", req->proposed_action);
		detail = concern_detail_add(call, detail, "grounds", req->grounds);
		detail = concern_detail_add(call, detail, "notice sent", u.notice_sent);
		break;
	case CONCERN_STATE_HEARING_SCHEDULED:
		u.hearing_requested =
		    arena_strdup(call->arena, domain_date_format(ms->hearing_requested, buf));
		u.hearing_date = arena_strdup(call->arena, domain_date_format(ms->hearing, buf));
		if (req->representations_received)
			u.representations_received = 1;
		detail = concern_detail_add(call, detail, "hearing requested", u.hearing_requested);
		detail = concern_detail_add(call, detail, "hearing", u.hearing_date);
		break;
	case CONCERN_STATE_APPEAL_WINDOW:
		u.decision_notice_sent =
		    arena_strdup(call->arena, domain_date_format(ms->decision_notice_sent, buf));
		detail = concern_detail_add(call, detail, "decision notice sent",
					    u.decision_notice_sent);
		break;
	case CONCERN_STATE_UNDER_APPEAL:
		detail = concern_detail_add(call, detail, "appeal", req->appeal_ref);
		break;
	case CONCERN_STATE_REMEDIATION:
		for (size_t i = 0; i < ms->n_actions; i++)
			detail = concern_detail_add(
			    call, detail, "action",
			    arena_printf(call->arena, "%s%s%s", ms->actions[i].what,
					 req->actions[i]->due[0] ? "; due " : "",
					 req->actions[i]->due));
		break;
	default:
		break;
	}
	if (from == CONCERN_STATE_UNDER_APPEAL)
		detail = concern_detail_add(call, detail, "tribunal outcome", req->outcome);
	if (from == CONCERN_STATE_MONITORING && ms->to == CONCERN_STATE_CLOSED &&
	    ms->closure == CONCERN_CLOSURE_NONE)
		detail = concern_detail_add(call, detail, "review outcome", req->outcome);
	if (st != ASSURE__CODE__OK)
		goto out;

	/* Conditions lifted on review: the subject goes back to included. */
	if (from == CONCERN_STATE_MONITORING && ms->to == CONCERN_STATE_CLOSED &&
	    ms->closure == CONCERN_CLOSURE_NONE &&
	    (ctx.f.list_status == LIST_STATUS_INCLUDED_WITH_CONDITIONS ||
	     ctx.f.list_status == LIST_STATUS_CONTINGENTLY_REMOVED)) {
		if (domain_list_check_panel_move(ctx.f.list_status, LIST_STATUS_INCLUDED, &cause) <
		    0) {
			st = fail(message, ASSURE__CODE__FAILED_PRECONDITION, cause);
			goto out;
		}
		st = store_performer_set_status(db, c->performer_id, "included", "", now,
						call->actor.username, message);
		struct list_history_record h = {
		    c->list_status,
		    (char *)"included",
		    c->suspended,
		    c->suspended,
		    now,
		    (char *)call->actor.username,
		    arena_printf(call->arena, "%s conditions lifted on review", c->ref),
		    (char *)req->rationale,
		    date};
		if (st == ASSURE__CODE__OK)
			st = store_list_history_add(db, c->performer_id, &h, message);
		if (st != ASSURE__CODE__OK)
			goto out;
	}
	/* The tribunal allowed the appeal: the list change is reversed (DOMAIN.md
	 * "under-appeal -> monitoring or closed: tribunal outcome; it may reverse
	 * the list change"). The performer goes back to the status recorded
	 * before the panel's decision, and the conditions that went with it,
	 * with history; any other outcome ("dismissed", "varied: ...") is
	 * recorded and leaves the status. */
	if (from == CONCERN_STATE_UNDER_APPEAL &&
	    domain_concern_tribunal_outcome_parse(req->outcome, NULL) == TRIBUNAL_ALLOWED) {
		struct concern_decision_record *dv = NULL;
		size_t nd = 0;
		st = store_concern_decisions(db, c->id, &dv, &nd, message);
		const struct concern_decision_record *last = NULL;
		for (size_t i = 0; st == ASSURE__CODE__OK && i < nd; i++)
			if (strcmp(dv[i].kind, "decision") == 0 && dv[i].status_before[0])
				last = &dv[i];
		/* Another decision (on another concern, say) may have moved the
		 * performer since this one: restoring this decision's "before"
		 * would silently undo that one. Refused, naming both; the case
		 * manager records the outcome as "varied" once the panel has
		 * settled the status. */
		if (st == ASSURE__CODE__OK && last && last->status_after[0] &&
		    strcmp(last->status_after, c->list_status) != 0) {
			st = fail(
			    message, ASSURE__CODE__FAILED_PRECONDITION,
			    xasprintf("appeal allowed: this concern's decision left the "
				      "performer %s, but the list status is now %s (changed "
				      "since by another decision), so it cannot simply be put "
				      "back to %s; the panel settles the status, then record "
				      "the outcome as varied",
				      last->status_after, c->list_status, last->status_before));
		}
		if (st == ASSURE__CODE__OK && last &&
		    strcmp(last->status_before, c->list_status) != 0) {
			const char *restored = arena_strdup(call->arena, last->status_before);
			int with_conditions = strcmp(restored, "included-with-conditions") == 0 ||
					      strcmp(restored, "contingently-removed") == 0;
			st = store_performer_set_status(db, c->performer_id, restored,
							with_conditions ? last->conditions_before
									: "",
							now, call->actor.username, message);
			struct list_history_record h = {
			    c->list_status,
			    (char *)restored,
			    c->suspended,
			    c->suspended,
			    now,
			    (char *)call->actor.username,
			    arena_printf(call->arena, "%s appeal allowed by the tribunal", c->ref),
			    (char *)req->rationale,
			    date};
			if (st == ASSURE__CODE__OK)
				st = store_list_history_add(db, c->performer_id, &h, message);
		}
		concern_decisions_free(dv, nd);
		if (st != ASSURE__CODE__OK)
			goto out;
	}
	/* Leaving the state an interim review was raised in answers it; the
	 * flag goes in with the one version bump. */
	if (from != CONCERN_STATE_RECEIVED &&
	    (st = answer_interim(db, c, date, &u, message)) != ASSURE__CODE__OK)
		goto out;
	if ((st = concern_update(call, db, c, req->version, &u, now, message)) != ASSURE__CODE__OK)
		goto out;
	if ((st = concern_close_deadlines(db, c, from, ms->to, date, message)) != ASSURE__CODE__OK)
		goto out;
	if (ms->to == CONCERN_STATE_REMEDIATION) {
		for (size_t i = 0; i < ms->n_actions; i++) {
			int number = 0;
			char due[DOMAIN_DATE_BUFSZ] = "";
			if (ms->actions[i].due != DOMAIN_DATE_NONE)
				domain_date_format(ms->actions[i].due, due);
			st = store_concern_action_add(db, c->id, ms->actions[i].what,
						      req->actions[i]->owner, due, now,
						      call->actor.username, &number, message);
			if (st == ASSURE__CODE__OK && due[0]) {
				struct concern_deadline d = {CONCERN_CLOCK_ACTION_DUE,
							     ms->date,
							     ms->actions[i].due,
							     {DOMAIN_PERIOD_DAYS, 0}};
				st = store_concern_deadline_add(db, c->id, &d, number, NULL,
								message);
			}
			if (st != ASSURE__CODE__OK)
				goto out;
		}
	}
	Assure__ConcernMoveResponse *r = move_response(call);
	f.today = ms->date;
	struct concern_deadline d[8];
	size_t nd = domain_concern_move_deadlines(cfg, &f, ms->to, &in, hol, d, 8);
	if (nd > 8)
		nd = 8;
	size_t keep = 0;
	for (size_t i = 0; i < nd; i++)
		if (d[i].kind != CONCERN_CLOCK_ACTION_DUE)
			d[keep++] = d[i];
	if ((st = concern_add_deadlines(call, db, c, d, keep, &r->deadlines, &r->n_deadlines,
					message)) != ASSURE__CODE__OK)
		goto out;
	st = concern_event(call, db, c->id, "transition", c->state, to_name, req->rationale, date,
			   detail, message);
	if (st == ASSURE__CODE__OK)
		st = concern_reload_msg(call, db, c->id, &r->concern, message);
	if (st == ASSURE__CODE__OK) {
		call->audit_reason = arena_printf(call->arena, "%s -> %s", c->state, to_name);
		RPC_RESULT(call, concern_move, CONCERN_MOVE, r);
	}
out:
	concern_ctx_clear(&ctx);
	return st;
}

static enum rpc_result rpc_concern_move(struct rpc_call *call)
{
	const Assure__ConcernMoveRequest *req = call->req->concern_move;
	call->audit_object_type = "concern";
	const char *why = concern_check_ref(call, req->ref);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "concern", req->ref);
	struct move_state *ms = arena_alloc(call->arena, sizeof *ms);
	memset(ms, 0, sizeof *ms);
	int to = domain_concern_state_parse(req->to);
	if (to < 0)
		return bad(call,
			   arena_printf(call->arena, "to: '%s' is not a concern state", req->to));
	if (to == CONCERN_STATE_DECIDED)
		return bad(call, "to: a decision is recorded with ConcernDecide (assure concern "
				 "decide), which names the panel and the outcome");
	ms->to = (enum concern_state)to;
	if ((why = concern_check_version_given(req->version)) != NULL)
		return bad(call, why);
	const struct {
		const char *field, *value;
		int multiline;
	} texts[] = {
	    {"rationale", req->rationale, 1},
	    {"terms_of_reference", req->terms_of_reference, 1},
	    {"report_ref", req->report_ref, 0},
	    {"grounds", req->grounds, 1},
	    {"breach", req->breach, 1},
	    {"allegation", req->allegation, 1},
	    {"proposed_action", req->proposed_action, 1},
	    {"body", req->body, 0},
	    {"their_ref", req->their_ref, 0},
	    {"appeal_ref", req->appeal_ref, 0},
	    {"outcome", req->outcome, 1},
	    {"agreed_action", req->agreed_action, 1},
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if ((why = text_arg(call, texts[i].field, texts[i].value, 0, texts[i].multiline)))
			return bad(call, why);
	char buf[256];
	if (req->investigator[0] &&
	    (why = validate_username("investigator", req->investigator, buf, sizeof buf)))
		return bad(call, arena_strdup(call->arena, why));
	int32_t today = clock_today();
	if ((why = concern_date_arg(call, "date", req->date, today, 0, &ms->date)) ||
	    (why = concern_date_arg(call, "notice_sent", req->notice_sent, ms->date, 0,
				    &ms->notice_sent)) ||
	    (why = concern_date_arg(call, "hearing_requested", req->hearing_requested, ms->date, 0,
				    &ms->hearing_requested)) ||
	    (why = concern_date_arg(call, "hearing", req->hearing, DOMAIN_DATE_NONE, 1,
				    &ms->hearing)) ||
	    (why = concern_date_arg(call, "review_date", req->review_date, DOMAIN_DATE_NONE, 1,
				    &ms->review_date)) ||
	    (why = concern_date_arg(call, "decision_notice_sent", req->decision_notice_sent,
				    ms->date, 0, &ms->decision_notice_sent)))
		return bad(call, why);
	if (req->closure[0] == '\0')
		ms->closure = CONCERN_CLOSURE_NONE;
	else if (strcmp(req->closure, "withdrawal") == 0)
		ms->closure = CONCERN_CLOSURE_WITHDRAWAL;
	else if (strcmp(req->closure, "death") == 0)
		ms->closure = CONCERN_CLOSURE_DEATH;
	else
		return bad(call, "closure: withdrawal or death (of the subject)");
	if (req->n_actions > ACTIONS_MAX)
		return bad(call, "actions: at most 100 items");
	ms->n_actions = req->n_actions;
	ms->actions =
	    arena_alloc(call->arena, (req->n_actions ? req->n_actions : 1) * sizeof *ms->actions);
	for (size_t i = 0; i < req->n_actions; i++) {
		const Assure__ActionItem *a = req->actions[i];
		if ((why = text_arg(call, "actions.text", a->text, 1, 1)) ||
		    (why = text_arg(call, "actions.owner", a->owner, 0, 0)) ||
		    (why = concern_date_arg(call, "actions.due", a->due, DOMAIN_DATE_NONE, 1,
					    &ms->actions[i].due)))
			return bad(call, why);
		ms->actions[i].what = a->text;
	}
	call->state = ms;
	return rpc_write(call, concern_move_db, NULL);
}

/* --- ConcernDecide ------------------------------------------------------------ */

struct decide_state {
	int32_t date;
	enum concern_outcome outcome;
	unsigned grounds;
	const char **ground_names;
};

static int concern_decide_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernDecideRequest *req = call->req->concern_decide;
	struct decide_state *ds = call->state;
	struct concern_ctx ctx;
	int st = concern_load(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	const struct concern_config *cfg = NULL;
	const struct domain_holidays *hol = NULL;
	if ((st = concern_settings(call, db, &cfg, &hol, message)) != ASSURE__CODE__OK)
		goto out;
	if ((st = concern_recorded_windows(db, ctx.c->id, &ctx.f, message)) != ASSURE__CODE__OK)
		goto out;
	struct concern_record *c = ctx.c;
	enum concern_role role = concern_role_of(call);
	if ((st = concern_check_version(c, req->version, message)) != ASSURE__CODE__OK)
		goto out;
	int64_t *members = NULL;
	if ((st = panel_ids(call, db, req->panel, req->n_panel, &members, message)) !=
	    ASSURE__CODE__OK)
		goto out;
	struct concern_move_input in;
	domain_concern_input_init(&in);
	in.rationale = req->rationale;
	in.decision.outcome = ds->outcome;
	in.decision.reasons = req->rationale;
	in.decision.facts_relied_on = req->facts_relied_on;
	in.decision.representations_considered = req->representations_considered;
	in.decision.conditions = req->conditions;
	in.decision.grounds = ds->grounds;
	in.members = members;
	in.n_members = req->n_panel;
	struct concern_facts f = ctx.f;
	f.today = ds->date;
	/* Written representations recorded as received with the decision end
	 * the wait for them (DOMAIN.md: "not before the 28 days end or
	 * representations are in"); a requested hearing must still be held. */
	if (req->representations_received)
		f.representations_received = 1;
	char *cause = NULL;
	enum concern_check ck =
	    domain_concern_check_move(cfg, &f, CONCERN_STATE_DECIDED, role, &in, &cause);
	if (ck == CONCERN_OK)
		ck = domain_concern_check_panel(cfg, &f, members, req->n_panel, &cause);
	if (ck == CONCERN_OK && (in_list(ctx.former, ctx.n_former, call->actor.user_id) ||
				 call->actor.user_id == c->case_manager_id ||
				 call->actor.user_id == c->investigator_id)) {
		ck = CONCERN_FAILED_PRECONDITION;
		cause = xasprintf("conflict: you were investigator or case manager of %s, so you "
				  "may not record its panel decision",
				  c->ref);
	}
	enum list_status to_status = f.list_status;
	if (ck == CONCERN_OK)
		ck =
		    domain_concern_decision_status(&in.decision, f.list_status, &to_status, &cause);
	if (ck == CONCERN_OK && to_status != f.list_status &&
	    domain_list_check_panel_move(f.list_status, to_status, &cause) < 0)
		ck = CONCERN_FAILED_PRECONDITION;
	if (ck != CONCERN_OK) {
		st = fail(message, concern_status_of(ck), cause);
		goto out;
	}
	int64_t now = clock_now_ms();
	char date[DOMAIN_DATE_BUFSZ];
	domain_date_format(ds->date, date);
	const char *outcome = domain_concern_outcome_name(ds->outcome);
	const char *status_after = domain_list_status_name(to_status);
	char *panel = join_names(call, req->panel, req->n_panel);
	struct concern_update u;
	concern_update_init(&u);
	u.state = "decided";
	u.outcome = outcome;
	/* Representations that let the decision come before the window ended
	 * are a fact of the case, kept with it (ConcernShow, later rules). */
	if (req->representations_received)
		u.representations_received = 1;
	if ((st = concern_update(call, db, c, req->version, &u, now, message)) != ASSURE__CODE__OK)
		goto out;
	/* The conditions in force before the decision go on its record, so an
	 * appeal the tribunal allows can restore them with the status. */
	char *conditions_before = NULL;
	{
		struct performer_record *p = NULL;
		if ((st = store_performer_get(db, c->performer_id, &p, message)) !=
		    ASSURE__CODE__OK)
			goto out;
		conditions_before = arena_strdup(call->arena, p->conditions ? p->conditions : "");
		performer_record_free(p);
	}
	/* A new set of conditions replaces the old even when the status stays
	 * (conditions on a performer already under conditions): the record
	 * must show the conditions the panel has just imposed. */
	int conditions_change = (to_status == LIST_STATUS_INCLUDED_WITH_CONDITIONS ||
				 to_status == LIST_STATUS_CONTINGENTLY_REMOVED) &&
				strcmp(req->conditions, conditions_before) != 0;
	if (to_status != f.list_status || conditions_change) {
		const char *conditions = (to_status == LIST_STATUS_INCLUDED_WITH_CONDITIONS ||
					  to_status == LIST_STATUS_CONTINGENTLY_REMOVED)
					     ? req->conditions
					     : "";
		st = store_performer_set_status(db, c->performer_id, status_after, conditions, now,
						call->actor.username, message);
		struct list_history_record h = {
		    c->list_status,
		    (char *)status_after,
		    c->suspended,
		    c->suspended,
		    now,
		    (char *)call->actor.username,
		    arena_printf(call->arena, "%s %s by %s", c->ref, outcome, panel),
		    (char *)req->rationale,
		    date};
		if (st == ASSURE__CODE__OK)
			st = store_list_history_add(db, c->performer_id, &h, message);
		if (st != ASSURE__CODE__OK)
			goto out;
	}
	struct concern_decision_record dr = {
	    .kind = (char *)"decision",
	    .outcome = (char *)outcome,
	    .rationale = (char *)req->rationale,
	    .grounds = (char **)ds->ground_names,
	    .n_grounds = req->n_grounds,
	    .conditions = (char *)req->conditions,
	    .representations_considered = (char *)req->representations_considered,
	    .facts_relied_on = (char *)req->facts_relied_on,
	    .panel = req->panel,
	    .n_panel = req->n_panel,
	    .date = date,
	    .detail = (char *)"",
	    .status_before = c->list_status,
	    .status_after = (char *)status_after,
	    .conditions_before = conditions_before,
	};
	if ((st = store_concern_decision_add(db, c->id, &dr, now, call->actor.username, NULL,
					     message)) != ASSURE__CODE__OK ||
	    (st = store_concern_panel_add(db, c->id, members, req->n_panel, now,
					  call->actor.username, message)) != ASSURE__CODE__OK ||
	    (st = concern_close_deadlines(db, c, ctx.f.state, CONCERN_STATE_DECIDED, date,
					  message)) != ASSURE__CODE__OK)
		goto out;
	Assure__ConcernDecideResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__concern_decide_response__init(r);
	struct concern_deadline d[4];
	size_t nd = domain_concern_move_deadlines(cfg, &f, CONCERN_STATE_DECIDED, &in, hol, d, 4);
	if ((st = concern_add_deadlines(call, db, c, d, nd > 4 ? 4 : nd, &r->deadlines,
					&r->n_deadlines, message)) != ASSURE__CODE__OK)
		goto out;
	char *detail = concern_detail_add(call, NULL, "outcome", outcome);
	detail = concern_detail_add(call, detail, "panel", panel);
	detail =
	    concern_detail_add(call, detail, "list status",
			       arena_printf(call->arena, "%s -> %s", c->list_status, status_after));
	detail = concern_detail_add(call, detail, "conditions", req->conditions);
	st = concern_event(call, db, c->id, "decision", c->state, "decided", req->rationale, date,
			   detail, message);
	if (st == ASSURE__CODE__OK)
		st = concern_reload_msg(call, db, c->id, &r->concern, message);
	if (st == ASSURE__CODE__OK)
		st = performer_reply(call, db, c->performer_id, &r->performer, message);
	if (st == ASSURE__CODE__OK) {
		call->audit_reason = arena_printf(call->arena, "decision: %s; list status %s -> %s",
						  outcome, c->list_status, status_after);
		RPC_RESULT(call, concern_decide, CONCERN_DECIDE, r);
	}
out:
	concern_ctx_clear(&ctx);
	return st;
}

static enum rpc_result rpc_concern_decide(struct rpc_call *call)
{
	const Assure__ConcernDecideRequest *req = call->req->concern_decide;
	call->audit_object_type = "concern";
	const char *why = concern_check_ref(call, req->ref);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "concern", req->ref);
	struct decide_state *ds = arena_alloc(call->arena, sizeof *ds);
	memset(ds, 0, sizeof *ds);
	int o = strcmp(req->outcome, "national-disqualification") == 0
		    ? CONCERN_OUTCOME_NATIONAL_DISQUALIFICATION_REFERRAL
		    : domain_concern_outcome_parse(req->outcome);
	if (o <= 0)
		return bad(call,
			   "outcome: one of no-action, conditions, contingent-removal, removal, "
			   "national-disqualification");
	ds->outcome = (enum concern_outcome)o;
	if ((why = concern_check_version_given(req->version)) ||
	    (why = text_arg(call, "rationale", req->rationale, 0, 1)) ||
	    (why = text_arg(call, "conditions", req->conditions, 0, 1)) ||
	    (why = text_arg(call, "representations_considered", req->representations_considered, 0,
			    1)) ||
	    (why = text_arg(call, "facts_relied_on", req->facts_relied_on, 0, 1)) ||
	    (why = usernames_arg(call, "panel", req->panel, req->n_panel)) ||
	    (why = concern_date_arg(call, "date", req->date, clock_today(), 0, &ds->date)))
		return bad(call, why);
	if (req->n_grounds > REMOVAL_GROUND__COUNT * 2)
		return bad(call, "grounds: too many");
	ds->ground_names = arena_alloc(call->arena, (req->n_grounds + 1) * sizeof(char *));
	for (size_t i = 0; i < req->n_grounds; i++) {
		const char *g = req->grounds[i];
		if (strncmp(g, "mandatory:", 10) == 0)
			g += 10;
		int gi = domain_removal_ground_parse(g);
		if (gi < 0)
			return bad(call,
				   arena_printf(call->arena,
						"grounds: '%s' is not one of murder, "
						"custodial-sentence, national-disqualification, "
						"death, not-registered, efficiency, fraud, "
						"unsuitability",
						req->grounds[i]));
		ds->grounds |= REMOVAL_GROUND_BIT(gi);
		ds->ground_names[i] = domain_removal_ground_name((enum removal_ground)gi);
	}
	call->state = ds;
	return rpc_write(call, concern_decide_db, NULL);
}

/* --- ConcernSuspend / ConcernReinstate ------------------------------------------ */

struct suspend_state {
	enum suspension_basis basis;
	int32_t hearing_offered, notice_sent, until, start, review;
	int32_t date;
};

static char *date_or_empty(struct rpc_call *call, int32_t d)
{
	char buf[DOMAIN_DATE_BUFSZ];
	return arena_strdup(call->arena, d == DOMAIN_DATE_NONE ? "" : domain_date_format(d, buf));
}

static int concern_suspend_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernSuspendRequest *req = call->req->concern_suspend;
	struct suspend_state *ss = call->state;
	struct concern_ctx ctx;
	int st = concern_load_for_suspension(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	const struct concern_config *cfg = NULL;
	const struct domain_holidays *hol = NULL;
	if ((st = concern_settings(call, db, &cfg, &hol, message)) != ASSURE__CODE__OK)
		goto out;
	if ((st = concern_check_version(ctx.c, req->version, message)) != ASSURE__CODE__OK)
		goto out;
	int64_t *members = NULL;
	if ((st = panel_ids(call, db, req->panel, req->n_panel, &members, message)) !=
	    ASSURE__CODE__OK)
		goto out;
	struct suspension_input in;
	domain_suspension_input_init(&in);
	in.basis = ss->basis;
	in.reason = SUSPENSION_REASON_PUBLIC_PROTECTION;
	if (strstr(req->reason, "interest"))
		in.reason = SUSPENSION_REASON_PUBLIC_INTEREST;
	in.reason_text = req->reason;
	in.notice_sent = ss->notice_sent;
	in.hearing_offered = ss->hearing_offered;
	in.start = ss->start;
	in.period_end = ss->until;
	in.extension_recorded = req->extension;
	in.review_date = ss->review;
	in.payments_recorded = 1;
	in.members = members;
	in.n_members = req->n_panel;
	int32_t start = DOMAIN_DATE_NONE;
	char *cause = NULL;
	enum concern_check ck =
	    domain_suspension_check(cfg, &ctx.f, concern_role_of(call), &in, hol, &start, &cause);
	if (ck != CONCERN_OK) {
		st = fail(message, concern_status_of(ck), cause);
		goto out;
	}
	struct concern_record *c = ctx.c;
	int64_t now = clock_now_ms();
	char *start_s = date_or_empty(call, start);
	char *end_s = date_or_empty(call, ss->until);
	char *review_s = date_or_empty(call, ss->review);
	char *offered_s = date_or_empty(call, ss->hearing_offered);
	char *notice_s = date_or_empty(call, ss->notice_sent);
	const char *basis = domain_suspension_basis_name(ss->basis);
	char *panel = join_names(call, req->panel, req->n_panel);
	struct performer_suspension ps = {basis,  req->reason, start_s,	 end_s,		review_s,
					  c->ref, offered_s,   notice_s, req->extension};
	if ((st = store_performer_set_suspension(
		 db, c->performer_id, &ps, now, call->actor.username, message)) != ASSURE__CODE__OK)
		goto out;
	struct list_history_record h = {
	    c->list_status,
	    c->list_status,
	    0,
	    1,
	    now,
	    (char *)call->actor.username,
	    arena_printf(call->arena, "%s suspension by %s", c->ref, panel),
	    (char *)req->reason,
	    start_s};
	if ((st = store_list_history_add(db, c->performer_id, &h, message)) != ASSURE__CODE__OK)
		goto out;
	char *detail = concern_detail_add(call, NULL, "basis", basis);
	detail = concern_detail_add(call, detail, "start", start_s);
	detail = concern_detail_add(call, detail, "period end", end_s);
	detail = concern_detail_add(call, detail, "review date", review_s);
	detail = concern_detail_add(call, detail, "hearing offered", offered_s);
	detail = concern_detail_add(call, detail, "notice sent", notice_s);
	detail = concern_detail_add(call, detail, "extension", req->extension ? "recorded" : "");
	detail = concern_detail_add(call, detail, "panel", panel);
	struct concern_decision_record dr = {
	    .kind = (char *)"suspension",
	    .outcome = (char *)basis,
	    .rationale = (char *)req->reason,
	    .panel = req->panel,
	    .n_panel = req->n_panel,
	    .date = start_s,
	    .detail = detail,
	    .status_before = c->list_status,
	    .status_after = c->list_status,
	};
	if ((st = store_concern_decision_add(db, c->id, &dr, now, call->actor.username, NULL,
					     message)) != ASSURE__CODE__OK ||
	    (st = store_concern_panel_add(db, c->id, members, req->n_panel, now,
					  call->actor.username, message)) != ASSURE__CODE__OK)
		goto out;
	struct concern_deadline d[2];
	size_t nd = 0;
	const struct domain_period given = {DOMAIN_PERIOD_DAYS, 0};
	if (ss->until != DOMAIN_DATE_NONE)
		d[nd++] = (struct concern_deadline){CONCERN_CLOCK_SUSPENSION_END, start, ss->until,
						    given};
	if (ss->review != DOMAIN_DATE_NONE)
		d[nd++] = (struct concern_deadline){CONCERN_CLOCK_SUSPENSION_REVIEW, start,
						    ss->review, given};
	if ((st = concern_add_deadlines(call, db, c, d, nd, NULL, NULL, message)) !=
	    ASSURE__CODE__OK)
		goto out;
	/* A suspension answers "consider interim suspension / referral". */
	struct concern_update u;
	concern_update_init(&u);
	char today[DOMAIN_DATE_BUFSZ];
	concern_today(today);
	if ((st = answer_interim(db, c, today, &u, message)) != ASSURE__CODE__OK ||
	    (st = concern_event(call, db, c->id, "suspension", "", "", req->reason, start_s, detail,
				message)) != ASSURE__CODE__OK ||
	    (st = concern_update(call, db, c, req->version, &u, now, message)) != ASSURE__CODE__OK)
		goto out;
	Assure__ConcernSuspendResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__concern_suspend_response__init(r);
	if ((st = concern_reload_msg(call, db, c->id, &r->concern, message)) != ASSURE__CODE__OK ||
	    (st = performer_reply(call, db, c->performer_id, &r->performer, message)) !=
		ASSURE__CODE__OK)
		goto out;
	call->audit_reason = arena_printf(call->arena, "suspension (%s) from %s", basis, start_s);
	RPC_RESULT(call, concern_suspend, CONCERN_SUSPEND, r);
out:
	concern_ctx_clear(&ctx);
	return st;
}

static enum rpc_result rpc_concern_suspend(struct rpc_call *call)
{
	const Assure__ConcernSuspendRequest *req = call->req->concern_suspend;
	call->audit_object_type = "concern";
	const char *why = concern_check_ref(call, req->ref);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "concern", req->ref);
	struct suspend_state *ss = arena_alloc(call->arena, sizeof *ss);
	int b = domain_suspension_basis_parse(req->basis);
	if (b <= 0)
		return bad(call, "basis: one of pct-decision, court-or-regulator, appeal");
	ss->basis = (enum suspension_basis)b;
	if ((why = concern_check_version_given(req->version)) ||
	    (why = text_arg(call, "reason", req->reason, 1, 1)) ||
	    (why = usernames_arg(call, "panel", req->panel, req->n_panel)) ||
	    (why = concern_date_arg(call, "hearing_offered", req->hearing_offered, DOMAIN_DATE_NONE,
				    0, &ss->hearing_offered)) ||
	    (why = concern_date_arg(call, "notice_sent", req->notice_sent, ss->hearing_offered, 0,
				    &ss->notice_sent)) ||
	    (why = concern_date_arg(call, "until", req->until, DOMAIN_DATE_NONE, 1, &ss->until)) ||
	    (why = concern_date_arg(call, "start", req->start, DOMAIN_DATE_NONE, 1, &ss->start)) ||
	    (why = concern_date_arg(call, "review_date", req->review_date, DOMAIN_DATE_NONE, 1,
				    &ss->review)))
		return bad(call, why);
	call->state = ss;
	return rpc_write(call, concern_suspend_db, NULL);
}

struct reinstate_state {
	int32_t date;
};

static int concern_reinstate_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernReinstateRequest *req = call->req->concern_reinstate;
	struct concern_ctx ctx;
	int st = concern_load_for_suspension(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	const struct concern_config *cfg = NULL;
	if ((st = concern_settings(call, db, &cfg, NULL, message)) != ASSURE__CODE__OK)
		goto out;
	if ((st = concern_check_version(ctx.c, req->version, message)) != ASSURE__CODE__OK)
		goto out;
	int64_t *members = NULL;
	if ((st = panel_ids(call, db, req->panel, req->n_panel, &members, message)) !=
	    ASSURE__CODE__OK)
		goto out;
	char *cause = NULL;
	enum concern_check ck = domain_suspension_check_clear(cfg, &ctx.f, concern_role_of(call),
							      members, req->n_panel, &cause);
	if (ck != CONCERN_OK) {
		st = fail(message, concern_status_of(ck), cause);
		goto out;
	}
	struct concern_record *c = ctx.c;
	struct reinstate_state *rs = call->state;
	int64_t now = clock_now_ms();
	char *date_s = date_or_empty(call, rs->date);
	char *panel = join_names(call, req->panel, req->n_panel);
	if ((st = store_performer_set_suspension(db, c->performer_id, NULL, now,
						 call->actor.username, message)) !=
	    ASSURE__CODE__OK)
		goto out;
	struct list_history_record h = {
	    c->list_status,
	    c->list_status,
	    1,
	    0,
	    now,
	    (char *)call->actor.username,
	    arena_printf(call->arena, "%s reinstatement by %s", c->ref, panel),
	    (char *)req->rationale,
	    date_s};
	if ((st = store_list_history_add(db, c->performer_id, &h, message)) != ASSURE__CODE__OK)
		goto out;
	char *detail = concern_detail_add(call, NULL, "panel", panel);
	struct concern_decision_record dr = {
	    .kind = (char *)"reinstatement",
	    .outcome = (char *)"",
	    .rationale = (char *)req->rationale,
	    .panel = req->panel,
	    .n_panel = req->n_panel,
	    .date = date_s,
	    .detail = detail,
	    .status_before = c->list_status,
	    .status_after = c->list_status,
	};
	if ((st = store_concern_decision_add(db, c->id, &dr, now, call->actor.username, NULL,
					     message)) != ASSURE__CODE__OK ||
	    (st = store_concern_panel_add(db, c->id, members, req->n_panel, now,
					  call->actor.username, message)) != ASSURE__CODE__OK ||
	    (st = store_concern_deadlines_close(
		 db, c->id, domain_concern_clock_name(CONCERN_CLOCK_SUSPENSION_END), date_s, 0,
		 NULL, message)) != ASSURE__CODE__OK ||
	    (st = store_concern_deadlines_close(
		 db, c->id, domain_concern_clock_name(CONCERN_CLOCK_SUSPENSION_REVIEW), date_s, 0,
		 NULL, message)) != ASSURE__CODE__OK ||
	    (st = concern_event(call, db, c->id, "reinstatement", "", "", req->rationale, date_s,
				detail, message)) != ASSURE__CODE__OK ||
	    (st = concern_update(call, db, c, req->version, NULL, now, message)) !=
		ASSURE__CODE__OK)
		goto out;
	Assure__ConcernReinstateResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__concern_reinstate_response__init(r);
	if ((st = concern_reload_msg(call, db, c->id, &r->concern, message)) != ASSURE__CODE__OK ||
	    (st = performer_reply(call, db, c->performer_id, &r->performer, message)) !=
		ASSURE__CODE__OK)
		goto out;
	call->audit_reason = "suspension lifted";
	RPC_RESULT(call, concern_reinstate, CONCERN_REINSTATE, r);
out:
	concern_ctx_clear(&ctx);
	return st;
}

static enum rpc_result rpc_concern_reinstate(struct rpc_call *call)
{
	const Assure__ConcernReinstateRequest *req = call->req->concern_reinstate;
	call->audit_object_type = "concern";
	const char *why = concern_check_ref(call, req->ref);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "concern", req->ref);
	struct reinstate_state *rs = arena_alloc(call->arena, sizeof *rs);
	if ((why = concern_check_version_given(req->version)) ||
	    (why = text_arg(call, "rationale", req->rationale, 1, 1)) ||
	    (why = usernames_arg(call, "panel", req->panel, req->n_panel)) ||
	    (why = concern_date_arg(call, "date", req->date, clock_today(), 0, &rs->date)))
		return bad(call, why);
	call->state = rs;
	return rpc_write(call, concern_reinstate_db, NULL);
}

const struct rpc_entry rpc_concern_table[] = {
    {ASSURE__REQUEST__OP_CONCERN_OPEN, "ConcernOpen", PERM_CONCERN_WRITE, RPC_WRITE,
     rpc_concern_open, 'C'},
    {ASSURE__REQUEST__OP_CONCERN_GRADE, "ConcernGrade", PERM_CONCERN_WRITE, RPC_WRITE,
     rpc_concern_grade, 'U'},
    {ASSURE__REQUEST__OP_CONCERN_ASSIGN, "ConcernAssign", PERM_CONCERN_WRITE, RPC_WRITE,
     rpc_concern_assign, 'U'},
    {ASSURE__REQUEST__OP_CONCERN_MOVE, "ConcernMove", PERM_CONCERN_READ, RPC_WRITE,
     rpc_concern_move, 'U'},
    {ASSURE__REQUEST__OP_CONCERN_DECIDE, "ConcernDecide", PERM_CONCERN_DECIDE, RPC_WRITE,
     rpc_concern_decide, 'U'},
    {ASSURE__REQUEST__OP_CONCERN_SUSPEND, "ConcernSuspend", PERM_CONCERN_DECIDE, RPC_WRITE,
     rpc_concern_suspend, 'U'},
    {ASSURE__REQUEST__OP_CONCERN_REINSTATE, "ConcernReinstate", PERM_CONCERN_DECIDE, RPC_WRITE,
     rpc_concern_reinstate, 'U'},
};

const size_t rpc_concern_count = sizeof rpc_concern_table / sizeof rpc_concern_table[0];
