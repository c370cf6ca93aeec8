/*
 * Reading concerns: ConcernShow (everything about one concern), ConcernList
 * (filtered, paged summaries) and ConcernDue (open deadlines due within a
 * period, overdue ones included, soonest first, paged).
 *
 * Every read of concern content is audited: the dispatcher records each
 * call; ConcernShow names the concern as the audit object, List and Due
 * put their filters in the query and the references returned in the
 * reason. Rows are limited to the caller's scope (DOMAIN.md "Access to
 * concern content") in the store's query, before paging: investigators see
 * the concerns they are assigned to, panel members those panel-referred at
 * some time, case managers and PAG members all; any other acting role is
 * refused. "Overdue" is computed at read time: an open deadline due before
 * today (Europe/London).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "concern_common.h"
#include "db.h"
#include "domain_concern.h"
#include "domain_dates.h"
#include "domain_grade.h"
#include "rpc.h"
#include "server.h"
#include "store_concern.h"
#include "xmalloc.h"

#define LIST_PAGE_DEFAULT 100
#define LIST_PAGE_MAX 1000
#define DUE_DEFAULT_DAYS 14
#define REASON_REFS_MAX 50

/* --- ConcernShow ------------------------------------------------------------------ */

static int concern_show_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernShowRequest *req = call->req->concern_show;
	struct arena *a = call->arena;
	struct concern_ctx ctx;
	int st = concern_load(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK) {
		concern_ctx_clear(&ctx);
		return st;
	}
	int64_t id = ctx.c->id;
	Assure__ConcernShowResponse *r = arena_alloc(a, sizeof *r);
	assure__concern_show_response__init(r);
	r->concern = concern_msg(call, ctx.c);
	concern_ctx_clear(&ctx);
	char today[DOMAIN_DATE_BUFSZ];
	concern_today(today);

	struct concern_grade_record *g = NULL;
	size_t ng = 0;
	if ((st = store_concern_grades(db, id, &g, &ng, message)) != ASSURE__CODE__OK)
		return st;
	r->n_grades = ng;
	r->grades = arena_alloc(a, (ng ? ng : 1) * sizeof *r->grades);
	for (size_t i = 0; i < ng; i++) {
		Assure__Grade *m = arena_alloc(a, sizeof *m);
		assure__grade__init(m);
		m->consequence = g[i].consequence;
		m->likelihood = g[i].likelihood;
		m->score = g[i].score;
		m->band = arena_strdup(a, g[i].band);
		m->reason = arena_strdup(a, g[i].reason);
		m->at = g[i].at / 1000;
		m->by = arena_strdup(a, g[i].by);
		r->grades[i] = m;
	}
	concern_grades_free(g, ng);
	if (r->concern->grade && ng)
		r->concern->grade->reason = r->grades[ng - 1]->reason;

	struct concern_event_record *e = NULL;
	size_t ne = 0;
	if ((st = store_concern_events(db, id, &e, &ne, message)) != ASSURE__CODE__OK)
		return st;
	r->n_timeline = ne;
	r->timeline = arena_alloc(a, (ne ? ne : 1) * sizeof *r->timeline);
	for (size_t i = 0; i < ne; i++) {
		Assure__TimelineEntry *m = arena_alloc(a, sizeof *m);
		assure__timeline_entry__init(m);
		m->at = e[i].at / 1000;
		m->by = arena_strdup(a, e[i].by);
		m->kind = arena_strdup(a, e[i].kind);
		m->from_state = arena_strdup(a, e[i].from_state);
		m->to_state = arena_strdup(a, e[i].to_state);
		m->text = arena_strdup(a, e[i].text);
		m->date = arena_strdup(a, e[i].date);
		m->detail = arena_strdup(a, e[i].detail);
		r->timeline[i] = m;
	}
	concern_events_free(e, ne);

	struct concern_deadline_record *d = NULL;
	size_t nd = 0;
	if ((st = store_concern_deadlines(db, id, 0, &d, &nd, message)) != ASSURE__CODE__OK)
		return st;
	r->n_deadlines = nd;
	r->deadlines = arena_alloc(a, (nd ? nd : 1) * sizeof *r->deadlines);
	for (size_t i = 0; i < nd; i++)
		r->deadlines[i] = concern_deadline_msg(call, &d[i]);
	concern_deadlines_free(d, nd);

	struct concern_referral_record *rf = NULL;
	size_t nr = 0;
	if ((st = store_concern_referrals(db, id, &rf, &nr, message)) != ASSURE__CODE__OK)
		return st;
	r->n_referrals = nr;
	r->referrals = arena_alloc(a, (nr ? nr : 1) * sizeof *r->referrals);
	for (size_t i = 0; i < nr; i++) {
		Assure__Referral *m = arena_alloc(a, sizeof *m);
		assure__referral__init(m);
		m->id = rf[i].id;
		m->body = arena_strdup(a, rf[i].body);
		m->date = arena_strdup(a, rf[i].date);
		m->rationale = arena_strdup(a, rf[i].rationale);
		m->their_ref = arena_strdup(a, rf[i].their_ref);
		m->response = arena_strdup(a, rf[i].response);
		m->at = rf[i].at / 1000;
		m->by = arena_strdup(a, rf[i].by);
		r->referrals[i] = m;
	}
	concern_referrals_free(rf, nr);

	struct concern_note_record *no = NULL;
	size_t nn = 0;
	if ((st = store_concern_notes(db, id, &no, &nn, message)) != ASSURE__CODE__OK)
		return st;
	r->n_notes = nn;
	r->notes = arena_alloc(a, (nn ? nn : 1) * sizeof *r->notes);
	for (size_t i = 0; i < nn; i++) {
		Assure__Note *m = arena_alloc(a, sizeof *m);
		assure__note__init(m);
		m->id = no[i].id;
		m->text = arena_strdup(a, no[i].text);
		m->at = no[i].at / 1000;
		m->by = arena_strdup(a, no[i].by);
		r->notes[i] = m;
	}
	concern_notes_free(no, nn);

	struct concern_evidence_record *ev = NULL;
	size_t nv = 0;
	if ((st = store_concern_evidence(db, id, &ev, &nv, message)) != ASSURE__CODE__OK)
		return st;
	r->n_evidence = nv;
	r->evidence = arena_alloc(a, (nv ? nv : 1) * sizeof *r->evidence);
	for (size_t i = 0; i < nv; i++) {
		Assure__Evidence *m = arena_alloc(a, sizeof *m);
		assure__evidence__init(m);
		m->id = ev[i].id;
		m->title = arena_strdup(a, ev[i].title);
		m->location = arena_strdup(a, ev[i].location);
		m->sha256 = arena_strdup(a, ev[i].sha256);
		m->at = ev[i].at / 1000;
		m->by = arena_strdup(a, ev[i].by);
		r->evidence[i] = m;
	}
	concern_evidence_free(ev, nv);

	struct concern_action_record *ac = NULL;
	size_t na = 0;
	if ((st = store_concern_actions(db, id, &ac, &na, message)) != ASSURE__CODE__OK)
		return st;
	r->n_actions = na;
	r->actions = arena_alloc(a, (na ? na : 1) * sizeof *r->actions);
	for (size_t i = 0; i < na; i++) {
		Assure__ActionItem *m = arena_alloc(a, sizeof *m);
		assure__action_item__init(m);
		m->number = (uint32_t)ac[i].number;
		m->text = arena_strdup(a, ac[i].text);
		m->owner = arena_strdup(a, ac[i].owner);
		m->due = arena_strdup(a, ac[i].due);
		m->done = arena_strdup(a, ac[i].done);
		m->overdue = ac[i].done[0] == '\0' && ac[i].due[0] && strcmp(ac[i].due, today) < 0;
		r->actions[i] = m;
	}
	concern_actions_free(ac, na);

	struct concern_decision_record *dc = NULL;
	size_t ndc = 0;
	if ((st = store_concern_decisions(db, id, &dc, &ndc, message)) != ASSURE__CODE__OK)
		return st;
	r->n_decisions = ndc;
	r->decisions = arena_alloc(a, (ndc ? ndc : 1) * sizeof *r->decisions);
	for (size_t i = 0; i < ndc; i++) {
		Assure__Decision *m = arena_alloc(a, sizeof *m);
		assure__decision__init(m);
		m->outcome = strcmp(dc[i].kind, "decision") == 0
				 ? arena_strdup(a, dc[i].outcome)
				 : arena_printf(a, "%s%s%s", dc[i].kind,
						dc[i].outcome[0] ? ": " : "", dc[i].outcome);
		m->rationale = arena_strdup(a, dc[i].rationale);
		m->n_grounds = dc[i].n_grounds;
		m->grounds =
		    arena_alloc(a, (dc[i].n_grounds ? dc[i].n_grounds : 1) * sizeof *m->grounds);
		for (size_t k = 0; k < dc[i].n_grounds; k++)
			m->grounds[k] = arena_strdup(a, dc[i].grounds[k]);
		m->conditions = arena_strdup(a, dc[i].conditions);
		m->representations_considered = arena_strdup(a, dc[i].representations_considered);
		m->facts_relied_on = arena_strdup(a, dc[i].facts_relied_on);
		m->n_panel = dc[i].n_panel;
		m->panel = arena_alloc(a, (dc[i].n_panel ? dc[i].n_panel : 1) * sizeof *m->panel);
		for (size_t k = 0; k < dc[i].n_panel; k++)
			m->panel[k] = arena_strdup(a, dc[i].panel[k]);
		m->date = arena_strdup(a, dc[i].date);
		m->at = dc[i].at / 1000;
		m->by = arena_strdup(a, dc[i].by);
		m->status_before = arena_strdup(a, dc[i].status_before);
		m->status_after = arena_strdup(a, dc[i].status_after);
		r->decisions[i] = m;
	}
	concern_decisions_free(dc, ndc);
	RPC_RESULT(call, concern_show, CONCERN_SHOW, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_concern_show(struct rpc_call *call)
{
	const Assure__ConcernShowRequest *req = call->req->concern_show;
	call->audit_object_type = "concern";
	const char *why = concern_check_ref(call, req->ref);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	rpc_audit_object(call, "concern", req->ref);
	return rpc_read(call, concern_show_db, NULL);
}

/* --- scope ------------------------------------------------------------------------- */

/* The restriction of the caller's acting role; -1 for a role that sees no
 * concern content. */
static int scope(struct rpc_call *call, int64_t *investigator_id, int *panel_referred_only)
{
	*investigator_id = 0;
	*panel_referred_only = 0;
	switch (concern_role_of(call)) {
	case CONCERN_ROLE_CASE_MANAGER:
	case CONCERN_ROLE_PAG_MEMBER:
		return 0;
	case CONCERN_ROLE_INVESTIGATOR:
		*investigator_id = call->actor.user_id;
		return 0;
	case CONCERN_ROLE_PANEL_MEMBER:
		*panel_referred_only = 1;
		return 0;
	default:
		return -1;
	}
}

static enum rpc_result no_scope(struct rpc_call *call)
{
	return rpc_error(call, ASSURE__CODE__PERMISSION_DENIED,
			 "access: the role %s sees list status but no concern content",
			 call->actor.role ? call->actor.role : "(none)");
}

/* "refs: A, B, ..." for the audit reason. */
static const char *refs_reason(struct rpc_call *call, const char *what, char **refs, size_t n)
{
	char *s = arena_printf(call->arena, "%s %zu", what, n);
	for (size_t i = 0; i < n && i < REASON_REFS_MAX; i++)
		s = arena_printf(call->arena, "%s%s%s", s, i ? ", " : ": ", refs[i]);
	if (n > REASON_REFS_MAX)
		s = arena_printf(call->arena, "%s, ...", s);
	return s;
}

/* --- ConcernList ------------------------------------------------------------------ */

static int concern_list_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernListRequest *req = call->req->concern_list;
	unsigned limit = req->page_size ? req->page_size : LIST_PAGE_DEFAULT;
	if (limit > LIST_PAGE_MAX)
		limit = LIST_PAGE_MAX;
	int64_t after = 0;
	if (req->page_token[0]) {
		char *end;
		long long v = strtoll(req->page_token, &end, 10);
		if (*end != '\0' || v <= 0) {
			*message = xstrdup("page_token: not a token this server issued");
			return ASSURE__CODE__INVALID_ARGUMENT;
		}
		after = v;
	}
	char today[DOMAIN_DATE_BUFSZ];
	concern_today(today);
	struct concern_filter f = {
	    .state = req->state,
	    .performer_id = req->performer_id,
	    .band = req->band,
	    .user_id = req->mine ? call->actor.user_id : 0,
	    .overdue_before = req->overdue ? today : "",
	    .after_id = after,
	    .limit = limit + 1,
	};
	(void)scope(call, &f.investigator_id, &f.panel_referred_only);
	struct concern_record **v = NULL;
	size_t n = 0;
	int st = store_concern_list(db, &f, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__ConcernListResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__concern_list_response__init(r);
	size_t shown = n > limit ? limit : n;
	r->n_concerns = shown;
	r->concerns = arena_alloc(call->arena, (shown ? shown : 1) * sizeof *r->concerns);
	char **refs = arena_alloc(call->arena, (shown ? shown : 1) * sizeof *refs);
	for (size_t i = 0; i < shown; i++) {
		r->concerns[i] = concern_summary_msg(call, v[i]);
		refs[i] = r->concerns[i]->ref;
	}
	if (n > limit)
		r->next_page_token = arena_printf(call->arena, "%lld", (long long)v[limit - 1]->id);
	concern_records_free(v, n);
	call->audit_reason = refs_reason(call, "concerns", refs, shown);
	RPC_RESULT(call, concern_list, CONCERN_LIST, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_concern_list(struct rpc_call *call)
{
	const Assure__ConcernListRequest *req = call->req->concern_list;
	call->audit_object_type = "concern";
	call->audit_query = arena_printf(
	    call->arena, "state=%s performer=%lld band=%s mine=%d overdue=%d", req->state,
	    (long long)req->performer_id, req->band, req->mine, req->overdue);
	int64_t inv;
	int panel;
	if (scope(call, &inv, &panel) < 0)
		return no_scope(call);
	if (req->state[0] && domain_concern_state_parse(req->state) < 0)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "state: '%s' is not a concern state", req->state);
	if (req->band[0] && domain_grade_band_parse(req->band) < 0)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "band: one of low, moderate, high, extreme");
	if (req->performer_id < 0)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "performer_id: not an id");
	return rpc_read(call, concern_list_db, NULL);
}

/* --- ConcernDue -------------------------------------------------------------------- */

/* Due pages like the lists: keyset on (due, id), the token "DUE:ID" of the
 * last deadline sent (opaque to clients). */
struct due_state {
	int days;
	unsigned limit;
	int32_t after_due;
	int64_t after_id;
};

/* Reads a page token into ds; -1 when it is not one this server issued. */
static int due_token_parse(const char *token, struct due_state *ds)
{
	ds->after_due = DOMAIN_DATE_NONE;
	ds->after_id = 0;
	if (token[0] == '\0')
		return 0;
	const char *colon = strchr(token, ':');
	if (colon == NULL || colon - token != DOMAIN_DATE_BUFSZ - 1)
		return -1;
	char date[DOMAIN_DATE_BUFSZ];
	memcpy(date, token, DOMAIN_DATE_BUFSZ - 1);
	date[DOMAIN_DATE_BUFSZ - 1] = '\0';
	int32_t day;
	if (domain_date_parse("page_token", date, &day, NULL) < 0)
		return -1;
	if (colon[1] < '1' || colon[1] > '9')
		return -1;
	char *end;
	errno = 0;
	long long id = strtoll(colon + 1, &end, 10);
	if (*end != '\0' || id <= 0 || errno != 0)
		return -1;
	ds->after_due = day;
	ds->after_id = id;
	return 0;
}

static int concern_due_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernDueRequest *req = call->req->concern_due;
	struct due_state *ds = call->state;
	char by[DOMAIN_DATE_BUFSZ], after[DOMAIN_DATE_BUFSZ] = "";
	domain_date_format(domain_date_add_days(clock_today(), ds->days), by);
	if (ds->after_due != DOMAIN_DATE_NONE)
		domain_date_format(ds->after_due, after);
	struct concern_due_filter f = {
	    .due_by = by,
	    .user_id = req->mine ? call->actor.user_id : 0,
	    .after_due = after,
	    .after_id = ds->after_id,
	    .limit = ds->limit + 1,
	};
	(void)scope(call, &f.investigator_id, &f.panel_referred_only);
	struct concern_deadline_record *v = NULL;
	size_t n = 0;
	int st = store_concern_deadlines_due(db, &f, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__ConcernDueResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__concern_due_response__init(r);
	size_t shown = n > ds->limit ? ds->limit : n;
	r->n_deadlines = shown;
	r->deadlines = arena_alloc(call->arena, (shown ? shown : 1) * sizeof *r->deadlines);
	char **refs = arena_alloc(call->arena, (shown ? shown : 1) * sizeof *refs);
	for (size_t i = 0; i < shown; i++) {
		r->deadlines[i] = concern_deadline_msg(call, &v[i]);
		refs[i] = r->deadlines[i]->concern_ref;
	}
	if (n > ds->limit)
		r->next_page_token = arena_printf(call->arena, "%s:%lld", v[shown - 1].due,
						  (long long)v[shown - 1].id);
	concern_deadlines_free(v, n);
	call->audit_reason = refs_reason(call, "deadlines", refs, shown);
	RPC_RESULT(call, concern_due, CONCERN_DUE, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_concern_due(struct rpc_call *call)
{
	const Assure__ConcernDueRequest *req = call->req->concern_due;
	call->audit_object_type = "concern";
	call->audit_query = arena_printf(call->arena, "within=%s mine=%d", req->within, req->mine);
	int64_t inv;
	int panel;
	if (scope(call, &inv, &panel) < 0)
		return no_scope(call);
	struct due_state *ds = arena_alloc(call->arena, sizeof *ds);
	ds->days = DUE_DEFAULT_DAYS;
	ds->limit = req->page_size ? req->page_size : LIST_PAGE_DEFAULT;
	if (ds->limit > LIST_PAGE_MAX)
		ds->limit = LIST_PAGE_MAX;
	if (due_token_parse(req->page_token, ds) < 0)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "page_token: not a token this server issued");
	if (req->within[0]) {
		char *cause = NULL;
		if (domain_duration_parse("within", req->within, &ds->days, &cause) < 0) {
			enum rpc_result r =
			    rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", cause);
			free(cause);
			return r;
		}
	}
	call->state = ds;
	return rpc_read(call, concern_due_db, NULL);
}

const struct rpc_entry rpc_concern_read_table[] = {
    {ASSURE__REQUEST__OP_CONCERN_SHOW, "ConcernShow", PERM_CONCERN_READ, 0, rpc_concern_show, 'R'},
    {ASSURE__REQUEST__OP_CONCERN_LIST, "ConcernList", PERM_CONCERN_READ, 0, rpc_concern_list, 'R'},
    {ASSURE__REQUEST__OP_CONCERN_DUE, "ConcernDue", PERM_CONCERN_READ, 0, rpc_concern_due, 'R'},
};

const size_t rpc_concern_read_count =
    sizeof rpc_concern_read_table / sizeof rpc_concern_read_table[0];
