/*
 * Shared parts of the concern RPCs (rpc_concern.c, rpc_concern_side.c,
 * rpc_concern_read.c, concern_system.c): loading a concern with the facts
 * its rules read, the access check, request dates, the stale-version
 * sentence, deadline bookkeeping and the reply messages. Contracts in
 * concern_common.h.
 *
 * Threads: the loaders and bookkeeping run on the thread running the
 * call's database work. The configuration (periods, quorum, bands, bank
 * holidays) is the call's snapshot (settings.h), read in the call's own
 * transaction.
 */
#include "concern_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "domain_dates.h"
#include "settings.h"
#include "store.h"
#include "timeutil.h"
#include "validate.h"
#include "xmalloc.h"

int concern_settings(struct rpc_call *call, struct db *db, const struct concern_config **cfg,
		     const struct domain_holidays **h, char **message)
{
	const struct settings_snapshot *s = NULL;
	int st = rpc_settings(call, db, &s, message);
	if (st != ASSURE__CODE__OK)
		return st;
	if (cfg)
		*cfg = settings_concern(s);
	if (h)
		*h = settings_holidays(s);
	return ASSURE__CODE__OK;
}

enum concern_role concern_role_of(const struct rpc_call *call)
{
	const char *r = call->actor.role ? call->actor.role : "";
	if (strcmp(r, "case-manager") == 0)
		return CONCERN_ROLE_CASE_MANAGER;
	if (strcmp(r, "pag-member") == 0)
		return CONCERN_ROLE_PAG_MEMBER;
	if (strcmp(r, "panel-member") == 0)
		return CONCERN_ROLE_PANEL_MEMBER;
	if (strcmp(r, "investigator") == 0)
		return CONCERN_ROLE_INVESTIGATOR;
	return CONCERN_ROLE_OTHER;
}

static int32_t date_or_none(const char *s)
{
	int32_t d;
	if (s == NULL || s[0] == '\0' || domain_date_parse("date", s, &d, NULL) < 0)
		return DOMAIN_DATE_NONE;
	return d;
}

void concern_facts_fill(struct concern_facts *f, const struct concern_record *c, int64_t actor_id,
			const int64_t *former, size_t n_former, const int64_t *panel,
			size_t n_panel)
{
	int st = domain_concern_state_parse(c->state);
	domain_concern_facts_init(f, st < 0 ? CONCERN_STATE_CLOSED : (enum concern_state)st,
				  clock_today());
	f->subject_is_pharmacist = strcmp(c->list_status, "none") == 0;
	int ls = domain_list_status_parse(c->list_status);
	f->list_status = ls < 0 ? LIST_STATUS_NONE : (enum list_status)ls;
	f->suspended = c->suspended;
	f->actor_id = actor_id;
	f->case_manager_id = c->case_manager_id;
	f->investigator_id = c->investigator_id;
	f->former_ids = former;
	f->n_former = n_former;
	f->panel_ids = panel;
	f->n_panel = n_panel;
	f->was_panel_referred = c->was_panel_referred;
	f->notice_sent = date_or_none(c->notice_sent);
	f->representations_received = c->representations_received;
	f->hearing_requested = c->hearing_requested[0] != '\0';
	f->hearing_date = date_or_none(c->hearing_date);
	int o = c->outcome[0] ? domain_concern_outcome_parse(c->outcome) : -1;
	f->outcome = o < 0 ? CONCERN_OUTCOME_NONE : (enum concern_outcome)o;
	f->decision_notice_sent = date_or_none(c->decision_notice_sent);
}

void concern_ctx_clear(struct concern_ctx *ctx)
{
	concern_record_free(ctx->c);
	free(ctx->former);
	free(ctx->panel);
	memset(ctx, 0, sizeof *ctx);
}

static int restricted(enum concern_role r)
{
	return r != CONCERN_ROLE_CASE_MANAGER && r != CONCERN_ROLE_PAG_MEMBER;
}

static int load(struct rpc_call *call, struct db *db, const char *ref, struct concern_ctx *ctx,
		int panel_decides, char **message)
{
	memset(ctx, 0, sizeof *ctx);
	enum concern_role role = concern_role_of(call);
	rpc_audit_object(call, "concern", arena_strdup(call->arena, ref));
	char *cause = NULL;
	int st = store_concern_get_by_ref(db, ref, &ctx->c, &cause);
	if (st == ASSURE__CODE__NOT_FOUND) {
		free(cause);
		if (!restricted(role)) {
			*message = xasprintf("no concern %s", ref);
			return st;
		}
		/* Say exactly what an existing concern outside the caller's
		 * scope would: nothing about whether it exists. */
		struct concern_facts f;
		domain_concern_facts_init(&f, CONCERN_STATE_RECEIVED, clock_today());
		f.actor_id = call->actor.user_id;
		cause = NULL;
		if (domain_concern_check_read(&f, role, &cause) == 0)
			cause = xstrdup("access denied");
		*message = xasprintf("concern %s: %s", ref, cause);
		free(cause);
		return ASSURE__CODE__PERMISSION_DENIED;
	}
	if (st != ASSURE__CODE__OK) {
		*message = cause;
		return st;
	}
	st = store_concern_people(db, ctx->c->id, &ctx->former, &ctx->n_former, &ctx->panel,
				  &ctx->n_panel, message);
	if (st != ASSURE__CODE__OK)
		return st;
	concern_facts_fill(&ctx->f, ctx->c, call->actor.user_id, ctx->former, ctx->n_former,
			   ctx->panel, ctx->n_panel);
	struct concern_facts rf = ctx->f;
	if (panel_decides && role == CONCERN_ROLE_PANEL_MEMBER)
		rf.was_panel_referred = 1;
	if (domain_concern_check_read(&rf, role, &cause) < 0) {
		*message = xasprintf("concern %s: %s", ref, cause);
		free(cause);
		return ASSURE__CODE__PERMISSION_DENIED;
	}
	return ASSURE__CODE__OK;
}

int concern_load(struct rpc_call *call, struct db *db, const char *ref, struct concern_ctx *ctx,
		 char **message)
{
	return load(call, db, ref, ctx, 0, message);
}

int concern_load_for_suspension(struct rpc_call *call, struct db *db, const char *ref,
				struct concern_ctx *ctx, char **message)
{
	return load(call, db, ref, ctx, 1, message);
}

static char *stale_sentence(const char *ref, int64_t version, int64_t updated_at,
			    const char *updated_by, uint64_t sent)
{
	char when[32];
	time_format_rfc3339(updated_at / 1000, when, sizeof when);
	return xasprintf("concern %s was changed by %s at %s (now version %lld; you sent %llu): "
			 "show it again and retry",
			 ref, updated_by && updated_by[0] ? updated_by : "someone", when,
			 (long long)version, (unsigned long long)sent);
}

int concern_check_version(const struct concern_record *c, uint64_t version, char **message)
{
	if ((uint64_t)c->version == version)
		return ASSURE__CODE__OK;
	*message = stale_sentence(c->ref, c->version, c->updated_at, c->updated_by, version);
	return ASSURE__CODE__ABORTED;
}

int concern_update(struct rpc_call *call, struct db *db, const struct concern_record *c,
		   uint64_t version, const struct concern_update *u, int64_t now, char **message)
{
	struct db_stamp stamp = {0, 0, NULL};
	char *cause = NULL;
	int st = store_concern_update(db, c->id, (int64_t)version, u, now, call->actor.username,
				      &stamp, &cause);
	if (st == ASSURE__CODE__ABORTED) {
		free(cause);
		*message = stale_sentence(c->ref, stamp.version, stamp.updated_at, stamp.updated_by,
					  version);
	} else if (st != ASSURE__CODE__OK) {
		*message = cause;
	}
	db_stamp_clear(&stamp);
	return st;
}

int concern_status_of(enum concern_check c)
{
	switch (c) {
	case CONCERN_OK:
		return ASSURE__CODE__OK;
	case CONCERN_INVALID_ARGUMENT:
		return ASSURE__CODE__INVALID_ARGUMENT;
	case CONCERN_PERMISSION_DENIED:
		return ASSURE__CODE__PERMISSION_DENIED;
	case CONCERN_FAILED_PRECONDITION:
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	return ASSURE__CODE__INTERNAL;
}

const char *concern_check_ref(struct rpc_call *call, const char *ref)
{
	char *cause = NULL;
	if (ref[0] == '\0')
		return "ref: required (CON-YYYY-NNNN)";
	if (domain_concern_reference_parse(ref, NULL, NULL, &cause) < 0) {
		const char *m = arena_printf(call->arena, "ref: %s", cause);
		free(cause);
		return m;
	}
	return NULL;
}

const char *concern_date_arg(struct rpc_call *call, const char *field, const char *s, int32_t dflt,
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

const char *concern_check_version_given(uint64_t version)
{
	return version == 0 ? "version: required (the version you saw)" : NULL;
}

int concern_user_with_role(struct db *db, const char *field, const char *username,
			   const char *role_name, int64_t *id, char **message)
{
	struct user_record *u = NULL;
	char *cause = NULL;
	int st = store_user_find_by_name(db, username, &u, &cause);
	if (st == ASSURE__CODE__NOT_FOUND) {
		free(cause);
		*message = xasprintf("%s: no user '%s'", field, username);
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	if (st != ASSURE__CODE__OK) {
		*message = cause;
		return st;
	}
	int holds = 0;
	for (size_t k = 0; k < u->nroles; k++)
		holds |= strcmp(u->roles[k], role_name) == 0;
	int disabled = u->disabled;
	*id = u->id;
	user_record_free(u);
	if (!holds || disabled) {
		*message = xasprintf("%s: '%s' is not an enabled user holding the %s role", field,
				     username, role_name);
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	return ASSURE__CODE__OK;
}

int concern_recorded_windows(struct db *db, int64_t concern_id, struct concern_facts *f,
			     char **message)
{
	struct concern_deadline_record *v = NULL;
	size_t n = 0;
	int st = store_concern_deadlines(db, concern_id, 0, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	const char *reps = domain_concern_clock_name(CONCERN_CLOCK_REPRESENTATIONS);
	const char *appeal = domain_concern_clock_name(CONCERN_CLOCK_APPEAL);
	int64_t reps_id = 0, appeal_id = 0;
	for (size_t i = 0; i < n; i++) {
		int32_t due;
		if (v[i].cancelled || domain_date_parse("due", v[i].due, &due, NULL) < 0)
			continue;
		if (strcmp(v[i].kind, reps) == 0 && v[i].id > reps_id) {
			reps_id = v[i].id;
			f->representations_due = due;
		} else if (strcmp(v[i].kind, appeal) == 0 && v[i].id > appeal_id) {
			appeal_id = v[i].id;
			f->appeal_due = due;
		}
	}
	concern_deadlines_free(v, n);
	return ASSURE__CODE__OK;
}

int concern_has_open_deadline(struct db *db, int64_t concern_id, const char *kind, int *has,
			      char **message)
{
	struct concern_deadline_record *v = NULL;
	size_t n = 0;
	int st = store_concern_deadlines(db, concern_id, 1, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	*has = 0;
	for (size_t i = 0; i < n; i++)
		*has |= strcmp(v[i].kind, kind) == 0;
	concern_deadlines_free(v, n);
	return ASSURE__CODE__OK;
}

int concern_add_deadlines(struct rpc_call *call, struct db *db, const struct concern_record *c,
			  const struct concern_deadline *d, size_t n, Assure__Deadline ***out,
			  size_t *n_out, char **message)
{
	if (out) {
		*out = arena_alloc(call->arena, (n ? n : 1) * sizeof **out);
		*n_out = 0;
	}
	for (size_t i = 0; i < n; i++) {
		const char *kind = domain_concern_clock_name(d[i].kind);
		if (d[i].kind == CONCERN_CLOCK_INTERIM_REVIEW) {
			int has = 0;
			int st = concern_has_open_deadline(db, c->id, kind, &has, message);
			if (st != ASSURE__CODE__OK)
				return st;
			if (has)
				continue;
		}
		int64_t id = 0;
		int st = store_concern_deadline_add(db, c->id, &d[i], 0, &id, message);
		if (st != ASSURE__CODE__OK)
			return st;
		if (out) {
			char s[DOMAIN_DATE_BUFSZ], due[DOMAIN_DATE_BUFSZ], basis[32] = "";
			if (d[i].basis.count)
				domain_period_describe(d[i].basis, basis, sizeof basis);
			struct concern_deadline_record r = {
			    .id = id,
			    .concern_id = c->id,
			    .concern_ref = c->ref,
			    .kind = (char *)kind,
			    .start = domain_date_format(d[i].start, s),
			    .due = domain_date_format(d[i].due, due),
			    .basis = basis,
			    .met = (char *)"",
			    .performer_name = c->performer_name,
			    .state = c->state,
			};
			(*out)[(*n_out)++] = concern_deadline_msg(call, &r);
		}
	}
	return ASSURE__CODE__OK;
}

int concern_close_deadlines(struct db *db, const struct concern_record *c, enum concern_state from,
			    enum concern_state to, const char *date, char **message)
{
	enum concern_clock met = CONCERN_CLOCK_NONE;
	switch (from) {
	case CONCERN_STATE_RECEIVED:
		met = CONCERN_CLOCK_TRIAGE;
		break;
	case CONCERN_STATE_INFORMAL:
		met = CONCERN_CLOCK_INFORMAL_REVIEW;
		break;
	case CONCERN_STATE_INVESTIGATING:
		met = CONCERN_CLOCK_INVESTIGATION;
		break;
	case CONCERN_STATE_NOTICE_ISSUED:
		met = CONCERN_CLOCK_REPRESENTATIONS;
		break;
	case CONCERN_STATE_HEARING_SCHEDULED:
		met = CONCERN_CLOCK_HEARING;
		break;
	case CONCERN_STATE_DECIDED:
		met = CONCERN_CLOCK_DECISION_NOTICE;
		break;
	case CONCERN_STATE_APPEAL_WINDOW:
		met = CONCERN_CLOCK_APPEAL;
		break;
	case CONCERN_STATE_MONITORING:
		met = CONCERN_CLOCK_REVIEW_ELIGIBILITY;
		break;
	default:
		break;
	}
	int st;
	if (met != CONCERN_CLOCK_NONE) {
		st = store_concern_deadlines_close(db, c->id, domain_concern_clock_name(met), date,
						   0, NULL, message);
		if (st != ASSURE__CODE__OK)
			return st;
	}
	/* Leaving notice-issued for a decision also settles the hearing
	 * request window; a decision after a hearing settles both. */
	if (from == CONCERN_STATE_HEARING_SCHEDULED) {
		st = store_concern_deadlines_close(
		    db, c->id, domain_concern_clock_name(CONCERN_CLOCK_REPRESENTATIONS), date, 0,
		    NULL, message);
		if (st != ASSURE__CODE__OK)
			return st;
	}
	if (to == CONCERN_STATE_CLOSED)
		return store_concern_deadlines_close(db, c->id, NULL, date, 1, NULL, message);
	return ASSURE__CODE__OK;
}

int concern_event(struct rpc_call *call, struct db *db, int64_t concern_id, const char *kind,
		  const char *from, const char *to, const char *text, const char *date,
		  const char *detail, char **message)
{
	struct concern_event_record e = {
	    .at = clock_now_ms(),
	    .by = (char *)call->actor.username,
	    .kind = (char *)kind,
	    .from_state = (char *)from,
	    .to_state = (char *)to,
	    .text = (char *)text,
	    .date = (char *)date,
	    .detail = (char *)detail,
	};
	return store_concern_event_add(db, concern_id, &e, NULL, message);
}

static char *dup(struct rpc_call *call, const char *s)
{
	return arena_strdup(call->arena, s ? s : "");
}

Assure__Concern *concern_msg(struct rpc_call *call, const struct concern_record *c)
{
	Assure__Concern *m = arena_alloc(call->arena, sizeof *m);
	assure__concern__init(m);
	enum concern_role role = concern_role_of(call);
	m->ref = dup(call, c->ref);
	m->performer_id = c->performer_id;
	m->performer_name = dup(call, c->performer_name);
	m->profession = dup(call, c->profession);
	m->source = dup(call, c->source);
	m->category = dup(call, c->category);
	m->summary = dup(call, c->summary);
	m->reporter = role == CONCERN_ROLE_CASE_MANAGER || role == CONCERN_ROLE_PAG_MEMBER
			  ? dup(call, c->reporter)
			  : dup(call, "");
	m->received = dup(call, c->received);
	m->state = dup(call, c->state);
	if (c->score > 0) {
		Assure__Grade *g = arena_alloc(call->arena, sizeof *g);
		assure__grade__init(g);
		g->consequence = c->consequence;
		g->likelihood = c->likelihood;
		g->score = c->score;
		g->band = dup(call, c->band);
		m->grade = g;
	}
	m->case_manager = dup(call, c->case_manager);
	m->investigator = dup(call, c->investigator);
	m->linked_ref = dup(call, c->linked_ref);
	m->version = (uint64_t)c->version;
	m->created_at = c->created_at / 1000;
	m->updated_at = c->updated_at / 1000;
	m->updated_by = dup(call, c->updated_by);
	m->interim_answered = c->interim_answered;
	return m;
}

char *concern_today(char buf[DOMAIN_DATE_BUFSZ])
{
	return domain_date_format(clock_today(), buf);
}

Assure__ConcernSummary *concern_summary_msg(struct rpc_call *call, const struct concern_record *c)
{
	Assure__ConcernSummary *m = arena_alloc(call->arena, sizeof *m);
	assure__concern_summary__init(m);
	char today[DOMAIN_DATE_BUFSZ];
	concern_today(today);
	m->ref = dup(call, c->ref);
	m->performer_id = c->performer_id;
	m->performer_name = dup(call, c->performer_name);
	m->profession = dup(call, c->profession);
	m->state = dup(call, c->state);
	m->category = dup(call, c->category);
	m->band = dup(call, c->band);
	m->score = c->score;
	m->received = dup(call, c->received);
	m->case_manager = dup(call, c->case_manager);
	m->investigator = dup(call, c->investigator);
	m->next_due = dup(call, c->next_due);
	m->overdue = c->next_due[0] && strcmp(c->next_due, today) < 0;
	m->version = (uint64_t)c->version;
	return m;
}

Assure__Deadline *concern_deadline_msg(struct rpc_call *call,
				       const struct concern_deadline_record *d)
{
	Assure__Deadline *m = arena_alloc(call->arena, sizeof *m);
	assure__deadline__init(m);
	char today[DOMAIN_DATE_BUFSZ];
	concern_today(today);
	m->id = d->id;
	m->concern_ref = dup(call, d->concern_ref);
	m->kind = dup(call, d->kind);
	m->start = dup(call, d->start);
	m->due = dup(call, d->due);
	m->basis = dup(call, d->basis);
	m->met = dup(call, d->met);
	/* The server marks overdue ones: due before today and still open. */
	m->overdue = d->met[0] == '\0' && !d->cancelled && strcmp(d->due, today) < 0;
	m->performer_name = dup(call, d->performer_name);
	m->state = dup(call, d->state);
	return m;
}

int concern_reload_msg(struct rpc_call *call, struct db *db, int64_t id, Assure__Concern **out,
		       char **message)
{
	struct concern_record *c = NULL;
	int st = store_concern_get(db, id, &c, message);
	if (st != ASSURE__CODE__OK)
		return st;
	*out = concern_msg(call, c);
	concern_record_free(c);
	return ASSURE__CODE__OK;
}

char *concern_detail_add(struct rpc_call *call, char *detail, const char *name, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return detail;
	return arena_printf(call->arena, "%s%s: %s\n", detail ? detail : "", name, value);
}
