/*
 * Reading annual contract reviews: ReviewShow (one review in full: QOF,
 * checklist, SfBH, every indicator's value and RAG, the overall RAG and
 * how it was derived, the override beside it, the next visit type, what
 * finalising still needs, the action plan and the history), ReviewList
 * (filtered, paged summaries) and ReviewDue (open actions, open contract
 * notices with deadlines and scheduled visits due within a period or
 * overdue, soonest first, paged).
 *
 * Every read of review content is audited: the dispatcher records each
 * call; ReviewShow names the review as the audit object, List and Due put
 * their filters in the query and the references returned in the reason.
 * "Overdue" is computed at read time: due before today (Europe/London).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "domain_contract.h"
#include "domain_dates.h"
#include "domain_review.h"
#include "review_common.h"
#include "rpc.h"
#include "server.h"
#include "store_review.h"
#include "validate.h"
#include "xmalloc.h"

#define LIST_PAGE_DEFAULT 100
#define LIST_PAGE_MAX 1000
#define DUE_DEFAULT_DAYS 14
#define REASON_REFS_MAX 50

static char *dup(struct rpc_call *call, const char *s)
{
	return arena_strdup(call->arena, s ? s : "");
}

static char *dec(struct rpc_call *call, int64_t v)
{
	char buf[REVIEW_DECIMAL_BUFSZ];
	return arena_strdup(call->arena, domain_review_decimal_format(v, buf));
}

/* "what N: A, B, ..." for the audit reason. */
static const char *refs_reason(struct rpc_call *call, const char *what, char **refs, size_t n)
{
	char *s = arena_printf(call->arena, "%s %zu", what, n);
	for (size_t i = 0; i < n && i < REASON_REFS_MAX; i++)
		s = arena_printf(call->arena, "%s%s%s", s, i ? ", " : ": ", refs[i]);
	if (n > REASON_REFS_MAX)
		s = arena_printf(call->arena, "%s, ...", s);
	return s;
}

/* --- ReviewShow ------------------------------------------------------------------------ */

static Assure__QofResult *qof_msg(struct rpc_call *call, const struct review_record *r,
				  const struct qof_maxima *max)
{
	Assure__QofResult *m = arena_alloc(call->arena, sizeof *m);
	assure__qof_result__init(m);
	m->recorded = r->qof_recorded;
	if (r->qof_recorded) {
		struct qof_achievement a = {
		    .points = {
			[QOF_DOMAIN_CLINICAL] = r->qof_clinical,
			[QOF_DOMAIN_ORGANISATIONAL] = r->qof_organisational,
			[QOF_DOMAIN_PATIENT_EXPERIENCE] = r->qof_patient_experience,
			[QOF_DOMAIN_ADDITIONAL_SERVICES] = r->qof_additional,
		    }};
		m->clinical = dec(call, r->qof_clinical);
		m->organisational = dec(call, r->qof_organisational);
		m->patient_experience = dec(call, r->qof_patient_experience);
		m->additional = dec(call, r->qof_additional);
		m->total = dec(call, domain_review_qof_total(&a));
		m->exception_rate =
		    r->has_exception_rate ? dec(call, r->qof_exception_rate) : dup(call, "");
	} else {
		m->clinical = m->organisational = m->patient_experience = m->additional = m->total =
		    m->exception_rate = dup(call, "");
	}
	m->max_clinical = dec(call, max->points[QOF_DOMAIN_CLINICAL]);
	m->max_organisational = dec(call, max->points[QOF_DOMAIN_ORGANISATIONAL]);
	m->max_patient_experience = dec(call, max->points[QOF_DOMAIN_PATIENT_EXPERIENCE]);
	m->max_additional = dec(call, max->points[QOF_DOMAIN_ADDITIONAL_SERVICES]);
	return m;
}

static Assure__Score *score_msg(struct rpc_call *call, const struct review_score_record *s)
{
	struct arena *a = call->arena;
	Assure__Indicator *i = arena_alloc(a, sizeof *i);
	assure__indicator__init(i);
	i->code = dup(call, s->code);
	i->name = dup(call, s->name);
	i->domain = dup(call, s->domain);
	i->unit = dup(call, s->unit);
	i->direction = dup(call, s->direction);
	i->green = dec(call, s->green);
	i->amber = dec(call, s->amber);
	i->weight = dec(call, s->weight);
	i->critical = s->critical;
	i->position = (uint32_t)s->position;
	Assure__Score *m = arena_alloc(a, sizeof *m);
	assure__score__init(m);
	m->indicator = i;
	m->value = s->has_value ? dec(call, s->value) : dup(call, "");
	m->not_available = dup(call, s->recorded && !s->has_value ? s->not_available : "");
	m->rag = dup(call, s->has_value ? s->rag : "");
	m->at = s->at;
	m->by = dup(call, s->by);
	return m;
}

/* Splits a '\n'-joined list into a repeated string field. */
static void lines(struct rpc_call *call, const char *list, char ***out, size_t *n)
{
	size_t count = 0;
	for (const char *p = list; p && *p; p++)
		count += *p == '\n';
	count += list && *list ? 1 : 0;
	*out = arena_alloc(call->arena, (count ? count : 1) * sizeof **out);
	*n = 0;
	for (const char *p = list; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		(*out)[(*n)++] = arena_strndup(call->arena, p, len);
		p += len + (nl ? 1 : 0);
	}
}

static int review_show_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewShowRequest *req = call->req->review_show;
	struct arena *a = call->arena;
	struct review_ctx ctx;
	int st = review_load(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	const struct review_record *rec = ctx.r;
	int finalised = ctx.state == REVIEW_STATE_FINALISED;
	char today[DOMAIN_DATE_BUFSZ];
	review_today(today);

	Assure__Review *m = arena_alloc(a, sizeof *m);
	assure__review__init(m);
	m->summary = review_summary_msg(call, rec);
	/* The result as the content stands now (the stored one was computed
	 * at the last write; a set published since may have been found). */
	char *derivation = NULL;
	enum review_rag computed = review_overall(&ctx, &derivation);
	m->derivation = dup(call, finalised ? rec->derivation : derivation);
	free(derivation);
	if (!finalised) {
		m->summary->computed_rag = dup(call, domain_review_rag_name(computed));
		m->summary->rag = dup(call, domain_review_rag_name(review_rag_in_force(&ctx)));
		int follow_up = 0;
		m->projected_next_visit_type =
		    dup(call, domain_review_visit_name(
				  domain_review_next_visit(review_rag_in_force(&ctx), &follow_up)));
		m->projected_follow_up = follow_up;
	} else {
		m->projected_next_visit_type = dup(call, "");
	}
	if (ctx.set)
		m->summary->indicator_set = dup(call, ctx.set->name);

	struct qof_maxima max;
	if ((st = review_qof_maxima_of(call, db, rec, &max, message)) != ASSURE__CODE__OK)
		goto out;
	m->qof = qof_msg(call, rec, &max);

	m->n_checks = ctx.n_checks;
	m->checks = arena_alloc(a, (ctx.n_checks ? ctx.n_checks : 1) * sizeof *m->checks);
	for (size_t i = 0; i < ctx.n_checks; i++) {
		Assure__CheckItem *c = arena_alloc(a, sizeof *c);
		assure__check_item__init(c);
		c->code = dup(call, ctx.checks[i].code);
		c->title = dup(call, ctx.checks[i].title);
		c->result = dup(call, ctx.checks[i].result);
		c->evidence = dup(call, ctx.checks[i].evidence);
		c->at = ctx.checks[i].at;
		c->by = dup(call, ctx.checks[i].by);
		m->checks[i] = c;
	}
	m->n_sfbh = ctx.n_sfbh;
	m->sfbh = arena_alloc(a, (ctx.n_sfbh ? ctx.n_sfbh : 1) * sizeof *m->sfbh);
	for (size_t i = 0; i < ctx.n_sfbh; i++) {
		Assure__SfbhItem *s = arena_alloc(a, sizeof *s);
		assure__sfbh_item__init(s);
		s->domain = dup(call, ctx.sfbh[i].domain);
		s->title = dup(call, ctx.sfbh[i].title);
		s->result = dup(call, ctx.sfbh[i].result);
		s->evidence = dup(call, ctx.sfbh[i].evidence);
		s->at = ctx.sfbh[i].at;
		s->by = dup(call, ctx.sfbh[i].by);
		m->sfbh[i] = s;
	}
	m->n_scores = ctx.n_scores;
	m->scores = arena_alloc(a, (ctx.n_scores ? ctx.n_scores : 1) * sizeof *m->scores);
	for (size_t i = 0; i < ctx.n_scores; i++)
		m->scores[i] = score_msg(call, &ctx.scores[i]);
	m->achievements = dup(call, rec->achievements);
	m->developments = dup(call, rec->developments);
	m->challenges = dup(call, rec->challenges);
	m->n_actions = ctx.n_actions;
	m->actions = arena_alloc(a, (ctx.n_actions ? ctx.n_actions : 1) * sizeof *m->actions);
	for (size_t i = 0; i < ctx.n_actions; i++)
		m->actions[i] = review_action_msg(call, &ctx.actions[i], today);
	m->override_rag = dup(call, rec->override_rag);
	m->override_reason = dup(call, rec->override_reason);
	char *list = NULL;
	if (!finalised)
		(void)review_missing(&ctx, &list);
	lines(call, list, &m->missing, &m->n_missing);
	free(list);
	m->catalogue_version = (uint32_t)rec->catalogue_version;
	m->green_mean = dec(call, ctx.rule.green_mean);
	m->red_mean = dec(call, ctx.rule.red_mean);
	m->finalised_by = dup(call, rec->finalised_by);
	m->finalised_at = rec->finalised_at;

	struct review_event_record *e = NULL;
	size_t ne = 0;
	if ((st = store_review_events(db, rec->id, &e, &ne, message)) != ASSURE__CODE__OK)
		goto out;
	m->n_history = ne;
	m->history = arena_alloc(a, (ne ? ne : 1) * sizeof *m->history);
	for (size_t i = 0; i < ne; i++) {
		Assure__ReviewEvent *h = arena_alloc(a, sizeof *h);
		assure__review_event__init(h);
		h->at = e[i].at;
		h->by = dup(call, e[i].by);
		h->kind = dup(call, e[i].kind);
		h->text = dup(call, e[i].text);
		h->detail = dup(call, e[i].detail);
		m->history[i] = h;
	}
	review_events_free(e, ne);

	Assure__ReviewShowResponse *r = arena_alloc(a, sizeof *r);
	assure__review_show_response__init(r);
	r->review = m;
	RPC_RESULT(call, review_show, REVIEW_SHOW, r);
out:
	review_ctx_clear(&ctx);
	return st;
}

static enum rpc_result rpc_review_show(struct rpc_call *call)
{
	const Assure__ReviewShowRequest *req = call->req->review_show;
	call->audit_object_type = "review";
	const char *why = review_check_ref(call, req->ref);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	rpc_audit_object(call, "review", req->ref);
	return rpc_read(call, review_show_db, NULL);
}

/* --- ReviewList ------------------------------------------------------------------------- */

static int review_list_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewListRequest *req = call->req->review_list;
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
	struct review_filter f = {
	    .year = req->year,
	    .rag = req->rag,
	    .state = req->state,
	    .ods = req->ods,
	    .site = req->site,
	    .overdue_actions = req->overdue_actions,
	    .today = review_today(today),
	    .after_id = after,
	    .limit = limit + 1,
	};
	struct review_record **v = NULL;
	size_t n = 0;
	int st = store_review_list(db, &f, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__ReviewListResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__review_list_response__init(r);
	size_t shown = n > limit ? limit : n;
	r->n_reviews = shown;
	r->reviews = arena_alloc(call->arena, (shown ? shown : 1) * sizeof *r->reviews);
	char **refs = arena_alloc(call->arena, (shown ? shown : 1) * sizeof *refs);
	for (size_t i = 0; i < shown; i++) {
		r->reviews[i] = review_summary_msg(call, v[i]);
		refs[i] = r->reviews[i]->ref;
	}
	if (n > limit)
		r->next_page_token = arena_printf(call->arena, "%lld", (long long)v[limit - 1]->id);
	review_records_free(v, n);
	call->audit_reason = refs_reason(call, "reviews", refs, shown);
	RPC_RESULT(call, review_list, REVIEW_LIST, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_review_list(struct rpc_call *call)
{
	Assure__ReviewListRequest *req = call->req->review_list;
	call->audit_object_type = "review";
	call->audit_query = arena_printf(
	    call->arena, "year=%s rag=%s state=%s ods=%s site=%s overdue_actions=%d", req->year,
	    req->rag, req->state, req->ods, req->site, req->overdue_actions);
	char *cause = NULL;
	const char *why = NULL;
	int year;
	if (req->year[0] && domain_review_year_parse(req->year, &year, &cause) < 0)
		why = arena_strdup(call->arena, cause);
	free(cause);
	cause = NULL;
	if (!why && req->rag[0] && domain_review_rag_parse(req->rag, &cause) < 0)
		why = arena_printf(call->arena, "rag: %s", cause);
	free(cause);
	cause = NULL;
	if (!why && req->state[0] && domain_review_state_parse(req->state, &cause) < 0)
		why = arena_strdup(call->arena, cause);
	free(cause);
	cause = NULL;
	if (!why && req->ods[0] && domain_contract_check_ods_code(req->ods, &cause) < 0)
		why = arena_strdup(call->arena, cause);
	free(cause);
	char buf[256];
	if (!why && req->site[0]) {
		const char *w = validate_site_code("site", req->site, buf, sizeof buf);
		if (w)
			why = arena_strdup(call->arena, w);
	}
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	/* Stored lower case, as the rules spell them. */
	for (char *p = req->rag; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	for (char *p = req->state; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	return rpc_read(call, review_list_db, NULL);
}

/* --- ReviewDue ---------------------------------------------------------------------------- */

struct due_state {
	int days;
	const char *after_due;
	int after_kind;
	int64_t after_id;
};

static int review_due_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewDueRequest *req = call->req->review_due;
	struct due_state *ds = call->state;
	unsigned limit = req->page_size ? req->page_size : LIST_PAGE_DEFAULT;
	if (limit > LIST_PAGE_MAX)
		limit = LIST_PAGE_MAX;
	char by[DOMAIN_DATE_BUFSZ], today[DOMAIN_DATE_BUFSZ];
	domain_date_format(domain_date_add_days(clock_today(), ds->days), by);
	review_today(today);
	struct review_due_filter f = {
	    .due_by = by,
	    .after_due = ds->after_due,
	    .after_kind = ds->after_kind,
	    .after_id = ds->after_id,
	    .limit = limit + 1,
	};
	struct review_due_record *v = NULL;
	size_t n = 0;
	int st = store_review_due(db, &f, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__ReviewDueResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__review_due_response__init(r);
	size_t shown = n > limit ? limit : n;
	r->n_items = shown;
	r->items = arena_alloc(call->arena, (shown ? shown : 1) * sizeof *r->items);
	char **refs = arena_alloc(call->arena, (shown ? shown : 1) * sizeof *refs);
	for (size_t i = 0; i < shown; i++) {
		Assure__ReviewDueItem *m = arena_alloc(call->arena, sizeof *m);
		assure__review_due_item__init(m);
		m->kind = dup(call, v[i].kind);
		m->due = dup(call, v[i].due);
		m->overdue = strcmp(v[i].due, today) < 0;
		m->ods = dup(call, v[i].ods);
		m->practice = dup(call, v[i].practice);
		m->review_ref = dup(call, v[i].review_ref);
		m->number = (uint32_t)v[i].number;
		m->text = dup(call, v[i].text);
		m->owner = dup(call, v[i].owner);
		r->items[i] = m;
		refs[i] = m->review_ref[0] ? m->review_ref : m->ods;
	}
	if (n > limit)
		r->next_page_token =
		    arena_printf(call->arena, "%s.%d.%lld", v[limit - 1].due,
				 v[limit - 1].kind_order, (long long)v[limit - 1].id);
	review_due_free(v, n);
	call->audit_reason = refs_reason(call, "items", refs, shown);
	RPC_RESULT(call, review_due, REVIEW_DUE, r);
	return ASSURE__CODE__OK;
}

/* "YYYY-MM-DD.K.ID", as review_due_db issues them. */
static int parse_due_token(struct rpc_call *call, const char *s, struct due_state *ds)
{
	int32_t day;
	if (strlen(s) < 14 || s[10] != '.' ||
	    domain_date_parse("page_token", arena_strndup(call->arena, s, 10), &day, NULL) < 0)
		return -1;
	char *end;
	long k = strtol(s + 11, &end, 10);
	if (end == s + 11 || *end != '.' || k < 1 || k > 3)
		return -1;
	const char *id = end + 1;
	long long v = strtoll(id, &end, 10);
	if (end == id || *end != '\0' || v <= 0)
		return -1;
	ds->after_due = arena_strndup(call->arena, s, 10);
	ds->after_kind = (int)k;
	ds->after_id = v;
	return 0;
}

static enum rpc_result rpc_review_due(struct rpc_call *call)
{
	const Assure__ReviewDueRequest *req = call->req->review_due;
	call->audit_object_type = "review";
	call->audit_query =
	    arena_printf(call->arena, "within=%s within_days=%u", req->within, req->within_days);
	struct due_state *ds = arena_alloc(call->arena, sizeof *ds);
	ds->days = req->within_days ? (int)req->within_days : DUE_DEFAULT_DAYS;
	if (req->within_days > DOMAIN_DURATION_MAX_DAYS)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "within_days: at most %d days", DOMAIN_DURATION_MAX_DAYS);
	if (req->within[0]) {
		char *cause = NULL;
		if (domain_duration_parse("within", req->within, &ds->days, &cause) < 0) {
			enum rpc_result r =
			    rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", cause);
			free(cause);
			return r;
		}
	}
	if (req->page_token[0] && parse_due_token(call, req->page_token, ds) < 0)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "page_token: not a token this server issued");
	call->state = ds;
	return rpc_read(call, review_due_db, NULL);
}

const struct rpc_entry rpc_review_read_table[] = {
    {ASSURE__REQUEST__OP_REVIEW_SHOW, "ReviewShow", PERM_REVIEW_READ, 0, rpc_review_show, 'R'},
    {ASSURE__REQUEST__OP_REVIEW_LIST, "ReviewList", PERM_REVIEW_READ, 0, rpc_review_list, 'R'},
    {ASSURE__REQUEST__OP_REVIEW_DUE, "ReviewDue", PERM_REVIEW_READ, 0, rpc_review_due, 'R'},
};

const size_t rpc_review_read_count = sizeof rpc_review_read_table / sizeof rpc_review_read_table[0];
