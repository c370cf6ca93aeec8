/*
 * Shared parts of the review RPCs (rpc_review.c, rpc_review_read.c):
 * loading a review with its content and turning that content into the
 * pure rules' struct review_content, the overall result, the finalise
 * list, versions, history events, the QOF maxima and the reply messages.
 * Contracts in review_common.h.
 *
 * Threads: loaders run on the thread running the call's database work;
 * nothing here keeps state between calls.
 */
#include "review_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "domain_dates.h"
#include "settings.h"
#include "timeutil.h"
#include "validate.h"
#include "xmalloc.h"

#define TEXT_MAX 4000

/* ---- loading ------------------------------------------------------------------ */

void review_ctx_clear(struct review_ctx *ctx)
{
	review_record_free(ctx->r);
	review_set_record_free(ctx->set);
	review_checks_free(ctx->checks, ctx->n_checks);
	review_sfbh_free(ctx->sfbh, ctx->n_sfbh);
	review_scores_free(ctx->scores, ctx->n_scores);
	review_actions_free(ctx->actions, ctx->n_actions);
	free(ctx->req);
	free(ctx->ind);
	free(ctx->ent);
	free(ctx->act);
	memset(ctx, 0, sizeof *ctx);
}

static int32_t date_or_none(const char *s)
{
	int32_t d;
	if (s == NULL || s[0] == '\0' || domain_date_parse("date", s, &d, NULL) < 0)
		return DOMAIN_DATE_NONE;
	return d;
}

static enum review_rag rag_of(const char *s)
{
	if (s == NULL || s[0] == '\0')
		return REVIEW_RAG_NONE;
	int r = domain_review_rag_parse(s, NULL);
	return r < 0 ? REVIEW_RAG_NONE : (enum review_rag)r;
}

/* The domain's view of the loaded records. */
static void content_fill(struct review_ctx *ctx)
{
	struct review_content *c = &ctx->c;
	domain_review_content_init(c);
	size_t n;

	n = ctx->n_checks;
	ctx->req = xcalloc(n ? n : 1, sizeof *ctx->req);
	for (size_t i = 0; i < n; i++) {
		int r = ctx->checks[i].result[0]
			    ? domain_review_requirement_result_parse(ctx->checks[i].result, NULL)
			    : -1;
		ctx->req[i].code = ctx->checks[i].code;
		ctx->req[i].result = r < 0 ? REQUIREMENT_UNANSWERED : (enum requirement_result)r;
	}
	c->requirements = ctx->req;
	c->n_requirements = n;

	for (size_t i = 0; i < ctx->n_sfbh; i++) {
		int d = domain_review_sfbh_domain_parse(ctx->sfbh[i].domain, NULL);
		int r = ctx->sfbh[i].result[0]
			    ? domain_review_sfbh_result_parse(ctx->sfbh[i].result, NULL)
			    : -1;
		if (d >= 0)
			c->sfbh[d] = r < 0 ? SFBH_UNANSWERED : (enum sfbh_result)r;
	}

	n = ctx->n_scores;
	ctx->ind = xcalloc(n ? n : 1, sizeof *ctx->ind);
	ctx->ent = xcalloc(n ? n : 1, sizeof *ctx->ent);
	for (size_t i = 0; i < n; i++) {
		const struct review_score_record *s = &ctx->scores[i];
		int dom = domain_review_indicator_domain_parse(s->domain, NULL);
		int dir = domain_review_direction_parse(s->direction, NULL);
		ctx->ind[i] = (struct review_indicator){
		    .code = s->code,
		    .domain = dom < 0 ? INDICATOR_DOMAIN_QOF : (enum indicator_domain)dom,
		    .direction =
			dir < 0 ? INDICATOR_HIGHER_IS_BETTER : (enum indicator_direction)dir,
		    .green = s->green,
		    .amber = s->amber,
		    .weight = s->weight,
		    .critical = s->critical,
		};
		ctx->ent[i].ind = &ctx->ind[i];
		ctx->ent[i].state = !s->recorded   ? REVIEW_VALUE_MISSING
				    : s->has_value ? REVIEW_VALUE_GIVEN
						   : REVIEW_VALUE_NOT_AVAILABLE;
		ctx->ent[i].value = s->value;
		ctx->ent[i].not_available_reason = s->not_available;
	}
	c->indicators = ctx->ent;
	c->n_indicators = n;

	n = ctx->n_actions;
	ctx->act = xcalloc(n ? n : 1, sizeof *ctx->act);
	for (size_t i = 0; i < n; i++) {
		const struct review_action_record *a = &ctx->actions[i];
		ctx->act[i] = (struct review_action){
		    .id = a->number,
		    .for_item = a->for_item,
		    .owner = a->owner,
		    .due = date_or_none(a->due),
		    .status = a->done[0] ? ACTION_DONE : ACTION_OPEN,
		};
	}
	c->actions = ctx->act;
	c->n_actions = n;

	c->achievements = ctx->r->achievements;
	c->developments = ctx->r->developments;
	c->challenges = ctx->r->challenges;
	if (ctx->set) {
		ctx->rule.green_mean = ctx->set->green_mean;
		ctx->rule.red_mean = ctx->set->red_mean;
	} else {
		ctx->rule = (struct review_rule)REVIEW_RULE_DEFAULT;
	}
	c->rule = &ctx->rule;
	c->override = rag_of(ctx->r->override_rag);
	c->override_reason = ctx->r->override_reason;
}

/* Everything but the record, which ctx->r already holds. */
static int load_content(struct db *db, struct review_ctx *ctx, char **message)
{
	struct review_record *r = ctx->r;
	int st = domain_review_state_parse(r->state, NULL);
	ctx->state = st < 0 ? REVIEW_STATE_FINALISED : (enum review_state)st;
	if (r->set_id != 0) {
		ctx->set = xcalloc(1, sizeof *ctx->set);
		ctx->set->id = r->set_id;
		ctx->set->name = xstrdup(r->set_name);
		ctx->set->green_mean = r->green_mean;
		ctx->set->red_mean = r->red_mean;
	} else {
		st = store_review_published_set(db, r->year, &ctx->set, message);
		if (st == ASSURE__CODE__OK)
			ctx->set_unbound = 1;
		else if (st != ASSURE__CODE__NOT_FOUND)
			return st;
	}
	if ((st = store_review_checks(db, r->id, &ctx->checks, &ctx->n_checks, message)) !=
	    ASSURE__CODE__OK)
		return st;
	if ((st = store_review_sfbh(db, r->id, &ctx->sfbh, &ctx->n_sfbh, message)) !=
	    ASSURE__CODE__OK)
		return st;
	if (ctx->set && (st = store_review_scores(db, r->id, ctx->set->id, &ctx->scores,
						  &ctx->n_scores, message)) != ASSURE__CODE__OK)
		return st;
	if ((st = store_review_actions(db, r->id, &ctx->actions, &ctx->n_actions, message)) !=
	    ASSURE__CODE__OK)
		return st;
	content_fill(ctx);
	return ASSURE__CODE__OK;
}

int review_load(struct rpc_call *call, struct db *db, const char *ref, struct review_ctx *ctx,
		char **message)
{
	memset(ctx, 0, sizeof *ctx);
	rpc_audit_object(call, "review", arena_strdup(call->arena, ref));
	char today[DOMAIN_DATE_BUFSZ];
	char *cause = NULL;
	int st = store_review_get_by_ref(db, ref, review_today(today), &ctx->r, &cause);
	if (st == ASSURE__CODE__NOT_FOUND) {
		free(cause);
		*message = xasprintf("no review %s", ref);
		return st;
	}
	if (st != ASSURE__CODE__OK) {
		*message = cause;
		return st;
	}
	return load_content(db, ctx, message);
}

int review_load_id(struct db *db, int64_t id, struct review_ctx *ctx, char **message)
{
	memset(ctx, 0, sizeof *ctx);
	char today[DOMAIN_DATE_BUFSZ];
	int st = store_review_get(db, id, review_today(today), &ctx->r, message);
	if (st != ASSURE__CODE__OK)
		return st;
	return load_content(db, ctx, message);
}

int review_bind_set(struct db *db, struct review_ctx *ctx, char **message)
{
	if (!ctx->set_unbound)
		return ASSURE__CODE__OK;
	int st = store_review_bind_set(db, ctx->r->id, ctx->set->id, message);
	if (st == ASSURE__CODE__OK)
		ctx->set_unbound = 0;
	return st;
}

/* ---- results -------------------------------------------------------------------- */

enum review_rag review_overall(const struct review_ctx *ctx, char **derivation)
{
	if (ctx->set == NULL) {
		/* Say why there is nothing to score, rather than "the set has
		 * no indicators". */
		if (derivation)
			*derivation = xasprintf("no indicator set is published for %s yet, so "
						"nothing is scored and there is no computed "
						"result",
						ctx->r->year);
		return REVIEW_RAG_NONE;
	}
	return domain_review_overall(&ctx->rule, ctx->c.indicators, ctx->c.n_indicators,
				     ctx->c.requirements, ctx->c.n_requirements, NULL, derivation);
}

enum review_rag review_rag_in_force(const struct review_ctx *ctx)
{
	if (ctx->state == REVIEW_STATE_FINALISED)
		return rag_of(ctx->r->final_rag);
	return domain_review_rag_effective(review_overall(ctx, NULL), ctx->c.override);
}

size_t review_missing(const struct review_ctx *ctx, char **missing)
{
	char *list = NULL;
	size_t n = domain_review_finalise_missing(&ctx->c, missing ? &list : NULL);
	if (ctx->set != NULL) {
		if (missing && n > 0)
			*missing = list;
		return n;
	}
	if (missing)
		*missing = xasprintf("indicator set: none is published for %s, so the scorecard "
				     "cannot be completed%s%s",
				     ctx->r->year, n > 0 ? "\n" : "", n > 0 ? list : "");
	free(list);
	return n + 1;
}

/* ---- versions and events -------------------------------------------------------- */

static char *stale_sentence(const char *ref, int64_t version, int64_t updated_at,
			    const char *updated_by, uint64_t sent)
{
	char when[32];
	time_format_rfc3339(updated_at, when, sizeof when);
	return xasprintf("review %s was changed by %s at %s (now version %lld; you sent %llu): "
			 "show it again and retry",
			 ref, updated_by && updated_by[0] ? updated_by : "someone", when,
			 (long long)version, (unsigned long long)sent);
}

int review_check_version(const struct review_record *r, uint64_t version, char **message)
{
	if (version == 0 || (uint64_t)r->version == version)
		return ASSURE__CODE__OK;
	*message = stale_sentence(r->ref, r->version, r->updated_at, r->updated_by, version);
	return ASSURE__CODE__ABORTED;
}

int review_update(struct rpc_call *call, struct db *db, const struct review_record *r,
		  uint64_t version, const struct review_update *u, char **message)
{
	struct db_stamp stamp = {0, 0, NULL};
	char *cause = NULL;
	int st = store_review_update(db, r->id, (int64_t)version, u, review_now(),
				     call->actor.username, &stamp, &cause);
	if (st == ASSURE__CODE__ABORTED) {
		free(cause);
		*message = stale_sentence(r->ref, stamp.version, stamp.updated_at, stamp.updated_by,
					  version);
	} else if (st != ASSURE__CODE__OK) {
		*message = cause;
	}
	db_stamp_clear(&stamp);
	return st;
}

int review_status_of(enum review_check c)
{
	switch (c) {
	case REVIEW_OK:
		return ASSURE__CODE__OK;
	case REVIEW_INVALID_ARGUMENT:
		return ASSURE__CODE__INVALID_ARGUMENT;
	case REVIEW_FAILED_PRECONDITION:
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	return ASSURE__CODE__INTERNAL;
}

int review_event(struct rpc_call *call, struct db *db, int64_t review_id, const char *kind,
		 const char *text, const char *detail, char **message)
{
	return store_review_event_add(db, review_id, kind, text, detail, review_now(),
				      call->actor.username, message);
}

/* ---- QOF ---------------------------------------------------------------------------- */

int review_qof_maxima(struct rpc_call *call, struct db *db, struct qof_maxima *out, char **message)
{
	const struct settings_snapshot *s = NULL;
	int st = rpc_settings(call, db, &s, message);
	if (st != ASSURE__CODE__OK)
		return st;
	const struct qof_maxima *m = &settings_values_of(s)->review.qof_maxima;
	char *cause = NULL;
	/* Every value in a snapshot passed its key's check; this is the
	 * belt to that brace. */
	if (domain_review_qof_maxima_check(m, &cause) < 0) {
		*message = cause;
		return ASSURE__CODE__INTERNAL;
	}
	*out = *m;
	return ASSURE__CODE__OK;
}

int review_qof_maxima_of(struct rpc_call *call, struct db *db, const struct review_record *r,
			 struct qof_maxima *out, char **message)
{
	if (!r->qof_recorded)
		return review_qof_maxima(call, db, out, message);
	out->points[QOF_DOMAIN_CLINICAL] = r->qof_max_clinical;
	out->points[QOF_DOMAIN_ORGANISATIONAL] = r->qof_max_organisational;
	out->points[QOF_DOMAIN_PATIENT_EXPERIENCE] = r->qof_max_patient_experience;
	out->points[QOF_DOMAIN_ADDITIONAL_SERVICES] = r->qof_max_additional;
	return ASSURE__CODE__OK;
}

/* ---- request checks --------------------------------------------------------------- */

const char *review_check_ref(struct rpc_call *call, const char *ref)
{
	if (ref[0] == '\0')
		return "ref: required (REV-YYYY-NNNN)";
	int ok = strlen(ref) == 13 && strncmp(ref, "REV-", 4) == 0 && ref[8] == '-';
	for (int i = 4; ok && i < 13; i++)
		if (i != 8 && (ref[i] < '0' || ref[i] > '9'))
			ok = 0;
	if (!ok)
		return arena_printf(call->arena, "ref: not a review reference (REV-YYYY-NNNN)");
	return NULL;
}

const char *review_date_arg(struct rpc_call *call, const char *field, const char *s, int32_t dflt,
			    int allow_future, int32_t *out)
{
	if (s == NULL || s[0] == '\0') {
		*out = dflt;
		return NULL;
	}
	char *cause = NULL;
	if (domain_date_parse(field, s, out, &cause) < 0) {
		const char *m = arena_strdup(call->arena, cause);
		free(cause);
		return m;
	}
	if (!allow_future && *out > clock_today())
		return arena_printf(call->arena,
				    "%s: %s is in the future; record what happened on or after the "
				    "day it happened",
				    field, s);
	return NULL;
}

const char *review_text_arg(struct rpc_call *call, const char *field, const char *s, int required,
			    int multiline)
{
	char buf[256];
	const char *why = validate_text(field, s, TEXT_MAX, required, multiline, buf, sizeof buf);
	return why ? arena_strdup(call->arena, why) : NULL;
}

char *review_today(char buf[DOMAIN_DATE_BUFSZ])
{
	return domain_date_format(clock_today(), buf);
}

int64_t review_now(void)
{
	return clock_now_ms() / 1000;
}

char *review_detail_add(struct rpc_call *call, char *detail, const char *name, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return detail;
	return arena_printf(call->arena, "%s%s: %s\n", detail ? detail : "", name, value);
}

/* ---- messages ------------------------------------------------------------------------ */

static char *dup(struct rpc_call *call, const char *s)
{
	return arena_strdup(call->arena, s ? s : "");
}

Assure__ReviewSummary *review_summary_msg(struct rpc_call *call, const struct review_record *r)
{
	Assure__ReviewSummary *m = arena_alloc(call->arena, sizeof *m);
	assure__review_summary__init(m);
	m->ref = dup(call, r->ref);
	m->ods = dup(call, r->ods);
	m->practice = dup(call, r->practice);
	m->contract_type = dup(call, r->contract_type);
	m->site = dup(call, r->site);
	m->year = dup(call, r->year);
	m->kind = dup(call, r->kind);
	m->state = dup(call, r->state);
	m->visit_type = dup(call, r->visit_type);
	m->scheduled = dup(call, r->scheduled_date);
	m->visited = dup(call, r->visited_date);
	int finalised = strcmp(r->state, "finalised") == 0;
	enum review_rag in_force = finalised ? rag_of(r->final_rag)
					     : domain_review_rag_effective(rag_of(r->computed_rag),
									   rag_of(r->override_rag));
	m->rag = dup(call, domain_review_rag_name(in_force));
	m->computed_rag = dup(call, r->computed_rag);
	m->overridden = r->override_rag[0] != '\0';
	m->next_visit_type = dup(call, finalised ? r->next_visit_type : "");
	m->mid_year_follow_up = finalised && r->follow_up;
	m->open_actions = r->open_actions;
	m->overdue_actions = r->overdue_actions;
	m->version = (uint64_t)r->version;
	m->indicator_set = dup(call, r->set_name);
	return m;
}

Assure__ReviewAction *review_action_msg(struct rpc_call *call, const struct review_action_record *a,
					const char *today)
{
	Assure__ReviewAction *m = arena_alloc(call->arena, sizeof *m);
	assure__review_action__init(m);
	m->number = (uint32_t)a->number;
	m->text = dup(call, a->text);
	m->owner = dup(call, a->owner);
	m->due = dup(call, a->due);
	m->for_item = dup(call, a->for_item);
	m->done = dup(call, a->done);
	m->overdue = a->done[0] == '\0' && a->due[0] && strcmp(a->due, today) < 0;
	m->review_ref = dup(call, "");
	m->ods = dup(call, "");
	return m;
}

/* Splits a '\n'-joined list into a repeated string field in the arena. */
static void lines_msg(struct rpc_call *call, const char *list, char ***out, size_t *n)
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

int review_write_reply(struct rpc_call *call, struct db *db, int64_t id, int action_number,
		       Assure__ReviewWriteResponse **out, char **message)
{
	struct review_ctx ctx;
	int st = review_load_id(db, id, &ctx, message);
	if (st != ASSURE__CODE__OK) {
		review_ctx_clear(&ctx);
		return st;
	}
	Assure__ReviewWriteResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__review_write_response__init(r);
	r->review = review_summary_msg(call, ctx.r);
	char *list = NULL;
	if (ctx.state != REVIEW_STATE_FINALISED)
		(void)review_missing(&ctx, &list);
	lines_msg(call, list, &r->missing, &r->n_missing);
	free(list);
	r->derivation = dup(call, ctx.r->derivation);
	if (action_number > 0) {
		char today[DOMAIN_DATE_BUFSZ];
		review_today(today);
		for (size_t i = 0; i < ctx.n_actions; i++)
			if (ctx.actions[i].number == action_number)
				r->action = review_action_msg(call, &ctx.actions[i], today);
	}
	review_ctx_clear(&ctx);
	*out = r;
	return ASSURE__CODE__OK;
}
