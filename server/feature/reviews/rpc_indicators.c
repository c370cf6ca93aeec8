/*
 * Indicator set and requirements catalogue RPCs: IndicatorsCreate, Add,
 * Remove, Rule, Publish, Show, List; RequirementsList, Add, Retire
 * (DOMAIN.md "Annual contract review" items 2, 4 and 5; docs/REVIEWS.md).
 *
 * The rules are domain_review.c's: indicator definitions and thresholds
 * against their direction, the overall rule, the set's moves (draft ->
 * consultation -> published, back to draft, or straight to published) and
 * whether a set is complete enough to publish. What depends on stored
 * data is checked in the writer's transaction: a published set is frozen
 * (every change refused, naming the set; the schema's triggers stand
 * behind this), one set is published per review year, and a stale version
 * is ABORTED "changed by NAME at TIME". Each change to the requirements
 * catalogue is a new catalogue version, so a review keeps the checklist of
 * the version current when it was scheduled.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "domain_review.h"
#include "rpc.h"
#include "store.h"
#include "store_indicators.h"
#include "timeutil.h"
#include "validate.h"
#include "xmalloc.h"

#define SET_NAME_MAX 64
#define INDICATOR_NAME_MAX 200
#define INDICATOR_UNIT_MAX 32
#define REQUIREMENT_TITLE_MAX 200
#define TEXT_MAX 4000

static int64_t now_s(void)
{
	return clock_now_ms() / 1000;
}

static enum rpc_result cause_error(struct rpc_call *call, int code, char *cause)
{
	enum rpc_result r = rpc_error(call, code, "%s", cause ? cause : "invalid request");
	free(cause);
	return r;
}

static char *decimal_text(struct arena *a, int64_t v)
{
	char buf[REVIEW_DECIMAL_BUFSZ];
	return arena_strdup(a, domain_review_decimal_format(v, buf));
}

static Assure__Indicator *indicator_msg(struct rpc_call *call, const struct indicator_record *i,
					uint32_t position)
{
	struct arena *a = call->arena;
	Assure__Indicator *m = arena_alloc(a, sizeof *m);
	assure__indicator__init(m);
	m->code = arena_strdup(a, i->code);
	m->name = arena_strdup(a, i->name);
	m->domain = arena_strdup(a, i->domain);
	m->unit = arena_strdup(a, i->unit);
	m->direction = arena_strdup(a, i->direction);
	m->green = decimal_text(a, i->green);
	m->amber = decimal_text(a, i->amber);
	m->weight = decimal_text(a, i->weight);
	m->critical = i->critical != 0;
	m->position = position;
	return m;
}

/* The set's message; with its n indicators ind when with_indicators. */
static Assure__IndicatorSet *set_msg(struct rpc_call *call, const struct indicator_set_record *s,
				     int with_indicators, const struct indicator_record *ind,
				     size_t n)
{
	struct arena *a = call->arena;
	Assure__IndicatorSet *m = arena_alloc(a, sizeof *m);
	assure__indicator_set__init(m);
	m->name = arena_strdup(a, s->name);
	m->year = arena_strdup(a, s->year);
	m->state = arena_strdup(a, s->state);
	m->green_mean = decimal_text(a, s->green_mean);
	m->red_mean = decimal_text(a, s->red_mean);
	m->from_set = arena_strdup(a, s->from_set);
	m->created_at = s->created_at;
	m->created_by = arena_strdup(a, s->created_by);
	m->published_at = s->published_at;
	m->published_by = arena_strdup(a, s->published_by);
	m->version = (uint64_t)s->version;
	m->indicator_count = s->indicator_count;
	if (with_indicators) {
		m->n_indicators = n;
		m->indicators = arena_alloc(a, (n ? n : 1) * sizeof *m->indicators);
		/* Positions as the scorecard's columns: 1, 2, ... in order. */
		for (size_t i = 0; i < n; i++)
			m->indicators[i] = indicator_msg(call, &ind[i], (uint32_t)(i + 1));
	}
	return m;
}

static int load_set(struct db *db, const char *name, struct indicator_set_record **out,
		    char **message)
{
	int st = store_indicator_set_get(db, name, out, message);
	if (st == ASSURE__CODE__NOT_FOUND)
		*message = xasprintf("no indicator set named '%s'", name);
	return st;
}

/*
 * May the set change? Not once published (FAILED_PRECONDITION naming the
 * set: domain_review_set_check_edit's rule), and only at the version the
 * caller saw (0: unchecked; ABORTED otherwise).
 */
static int check_editable(const struct indicator_set_record *s, uint64_t version, char **message)
{
	int state = domain_review_set_state_parse(s->state, NULL);
	if (state < 0 || domain_review_set_check_edit(state, NULL) != 0) {
		*message = xasprintf("indicator set %s is published and frozen: its indicators and "
				     "rule no longer change (create a new set with --from %s)",
				     s->name, s->name);
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	if (version == 0 || (uint64_t)s->version == version)
		return ASSURE__CODE__OK;
	char when[32];
	time_format_rfc3339(s->updated_at, when, sizeof when);
	*message = xasprintf("indicator set %s was changed by %s at %s (now version %lld; you "
			     "sent %llu): show it again and retry",
			     s->name, s->updated_by[0] ? s->updated_by : "someone", when,
			     (long long)s->version, (unsigned long long)version);
	return ASSURE__CODE__ABORTED;
}

/* Reloads the set by name with its indicators and makes it the reply of
 * a call whose response carries an IndicatorSetResponse. */
static int reply_set(struct rpc_call *call, struct db *db, const char *name,
		     Assure__IndicatorSetResponse **out, char **message)
{
	struct indicator_set_record *s = NULL;
	struct indicator_record *ind = NULL;
	size_t n = 0;
	int st = load_set(db, name, &s, message);
	if (st == ASSURE__CODE__OK)
		st = store_indicators(db, s->id, &ind, &n, message);
	if (st == ASSURE__CODE__OK) {
		Assure__IndicatorSetResponse *r = arena_alloc(call->arena, sizeof *r);
		assure__indicator_set_response__init(r);
		r->set = set_msg(call, s, 1, ind, n);
		*out = r;
	}
	indicator_records_free(ind, n);
	indicator_set_record_free(s);
	return st;
}

/* Checks a set's name: NULL when fine (and the set is then the audit
 * record's object), else the sentence. Only a well-formed name is copied
 * into the audit trail. */
static const char *check_set_name(struct rpc_call *call, const char *name, char *buf, size_t size)
{
	call->audit_object_type = "indicator_set";
	const char *why = validate_text("set", name, SET_NAME_MAX, 1, 0, buf, size);
	if (why == NULL)
		rpc_audit_object(call, "indicator_set", name);
	return why;
}

/* --- IndicatorsCreate ----------------------------------------------------------- */

static int indicators_create_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__IndicatorsCreateRequest *req = call->req->indicators_create;
	const char *year = call->state;
	struct indicator_set_record *from = NULL;
	struct review_rule rule = REVIEW_RULE_DEFAULT;
	if (req->from_set[0] != '\0') {
		int st = load_set(db, req->from_set, &from, message);
		if (st != ASSURE__CODE__OK)
			return st;
		rule.green_mean = from->green_mean;
		rule.red_mean = from->red_mean;
	}
	int64_t id = 0;
	int st = store_indicator_set_insert(db, req->name, year, rule.green_mean, rule.red_mean,
					    from ? from->id : 0, now_s(), call->actor.username, &id,
					    message);
	if (st == ASSURE__CODE__ALREADY_EXISTS) {
		free(*message);
		*message = xasprintf("an indicator set named '%s' already exists", req->name);
	}
	if (st == ASSURE__CODE__OK && from != NULL)
		st = store_indicators_copy(db, from->id, id, message);
	indicator_set_record_free(from);
	Assure__IndicatorSetResponse *r = NULL;
	if (st == ASSURE__CODE__OK)
		st = reply_set(call, db, req->name, &r, message);
	if (st != ASSURE__CODE__OK)
		return st;
	if (req->from_set[0] != '\0')
		call->audit_reason =
		    arena_printf(call->arena, "created for %s from %s", year, req->from_set);
	RPC_RESULT(call, indicators_create, INDICATORS_CREATE, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_indicators_create(struct rpc_call *call)
{
	const Assure__IndicatorsCreateRequest *req = call->req->indicators_create;
	char buf[256];
	const char *why = check_set_name(call, req->name, buf, sizeof buf);
	if (!why && req->from_set[0] != '\0')
		why = validate_text("from", req->from_set, SET_NAME_MAX, 1, 0, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	char *cause = NULL;
	int year = 0;
	if (domain_review_year_parse(req->year, &year, &cause) != 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	char ybuf[REVIEW_YEAR_BUFSZ];
	call->state = arena_strdup(call->arena, domain_review_year_format(year, ybuf));
	return rpc_write(call, indicators_create_db, NULL);
}

/* --- IndicatorsAdd -------------------------------------------------------------- */

static int indicators_add_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__IndicatorsAddRequest *req = call->req->indicators_add;
	const struct indicator_fields *f = call->state;
	struct indicator_set_record *s = NULL;
	int st = load_set(db, req->set, &s, message);
	if (st != ASSURE__CODE__OK)
		return st;
	st = check_editable(s, req->version, message);
	if (st == ASSURE__CODE__OK && req->replace) {
		st = store_indicator_update(db, s->id, f, message);
		if (st == ASSURE__CODE__NOT_FOUND)
			*message = xasprintf("indicator set %s has no indicator %s to replace",
					     s->name, f->code);
	} else if (st == ASSURE__CODE__OK) {
		if (s->indicator_count >= REVIEW_SET_INDICATORS_MAX) {
			*message = xasprintf("indicator set %s: at most %d indicators", s->name,
					     REVIEW_SET_INDICATORS_MAX);
			st = ASSURE__CODE__FAILED_PRECONDITION;
		} else {
			st = store_indicator_insert(db, s->id, f, message);
			if (st == ASSURE__CODE__ALREADY_EXISTS) {
				free(*message);
				*message = xasprintf("indicator %s is already in set %s; replace "
						     "it to change it",
						     f->code, s->name);
			}
		}
	}
	if (st == ASSURE__CODE__OK)
		st = store_indicator_set_touch(db, s->id, now_s(), call->actor.username, message);
	Assure__IndicatorSetResponse *r = NULL;
	if (st == ASSURE__CODE__OK)
		st = reply_set(call, db, s->name, &r, message);
	if (st == ASSURE__CODE__OK) {
		call->audit_reason = arena_printf(call->arena, "indicator %s %s", f->code,
						  req->replace ? "replaced" : "added");
		RPC_RESULT(call, indicators_add, INDICATORS_ADD, r);
	}
	indicator_set_record_free(s);
	return st;
}

static enum rpc_result rpc_indicators_add(struct rpc_call *call)
{
	const Assure__IndicatorsAddRequest *req = call->req->indicators_add;
	char buf[256];
	const char *why = check_set_name(call, req->set, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	const Assure__Indicator *in = req->indicator;
	if (in == NULL)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "indicator: required");
	char *cause = NULL;
	if (domain_review_check_indicator_code(in->code, &cause) != 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	if ((why = validate_text("indicator name", in->name, INDICATOR_NAME_MAX, 1, 0, buf,
				 sizeof buf)) ||
	    (why = validate_text("unit", in->unit, INDICATOR_UNIT_MAX, 0, 0, buf, sizeof buf)))
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	struct review_indicator ind = {.code = in->code, .critical = in->critical};
	int domain = domain_review_indicator_domain_parse(in->domain, &cause);
	if (domain < 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	int direction = domain_review_direction_parse(in->direction, &cause);
	if (direction < 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	ind.domain = domain;
	ind.direction = direction;
	ind.weight = REVIEW_WEIGHT_DEFAULT;
	if (domain_review_decimal_parse("green threshold", in->green, &ind.green, &cause) != 0 ||
	    domain_review_decimal_parse("amber threshold", in->amber, &ind.amber, &cause) != 0 ||
	    (in->weight[0] != '\0' &&
	     domain_review_decimal_parse("weight", in->weight, &ind.weight, &cause) != 0) ||
	    domain_review_indicator_check(&ind, &cause) != 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	struct indicator_fields *f = arena_alloc(call->arena, sizeof *f);
	*f = (struct indicator_fields){
	    .code = in->code,
	    .name = in->name,
	    .domain = domain_review_indicator_domain_name(domain),
	    .unit = in->unit,
	    .direction = domain_review_direction_name(direction),
	    .green = ind.green,
	    .amber = ind.amber,
	    .weight = ind.weight,
	    .critical = in->critical,
	};
	call->state = f;
	return rpc_write(call, indicators_add_db, NULL);
}

/* --- IndicatorsRemove ------------------------------------------------------------ */

static int indicators_remove_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__IndicatorsRemoveRequest *req = call->req->indicators_remove;
	struct indicator_set_record *s = NULL;
	int st = load_set(db, req->set, &s, message);
	if (st != ASSURE__CODE__OK)
		return st;
	st = check_editable(s, req->version, message);
	if (st == ASSURE__CODE__OK) {
		st = store_indicator_delete(db, s->id, req->code, message);
		if (st == ASSURE__CODE__NOT_FOUND)
			*message =
			    xasprintf("indicator set %s has no indicator %s", s->name, req->code);
	}
	if (st == ASSURE__CODE__OK)
		st = store_indicator_set_touch(db, s->id, now_s(), call->actor.username, message);
	Assure__IndicatorSetResponse *r = NULL;
	if (st == ASSURE__CODE__OK)
		st = reply_set(call, db, s->name, &r, message);
	if (st == ASSURE__CODE__OK) {
		call->audit_reason = arena_printf(call->arena, "indicator %s removed", req->code);
		RPC_RESULT(call, indicators_remove, INDICATORS_REMOVE, r);
	}
	indicator_set_record_free(s);
	return st;
}

static enum rpc_result rpc_indicators_remove(struct rpc_call *call)
{
	const Assure__IndicatorsRemoveRequest *req = call->req->indicators_remove;
	char buf[256];
	const char *why = check_set_name(call, req->set, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	char *cause = NULL;
	if (domain_review_check_indicator_code(req->code, &cause) != 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	return rpc_write(call, indicators_remove_db, NULL);
}

/* --- IndicatorsRule ---------------------------------------------------------------- */

struct rule_state {
	int has_green, has_red;
	int64_t green, red;
};

static int indicators_rule_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__IndicatorsRuleRequest *req = call->req->indicators_rule;
	const struct rule_state *rs = call->state;
	struct indicator_set_record *s = NULL;
	int st = load_set(db, req->set, &s, message);
	if (st != ASSURE__CODE__OK)
		return st;
	st = check_editable(s, req->version, message);
	struct review_rule rule = {
	    .green_mean = rs->has_green ? rs->green : s->green_mean,
	    .red_mean = rs->has_red ? rs->red : s->red_mean,
	};
	char *cause = NULL;
	if (st == ASSURE__CODE__OK && domain_review_rule_check(&rule, &cause) != 0) {
		*message = cause;
		st = ASSURE__CODE__INVALID_ARGUMENT;
	}
	if (st == ASSURE__CODE__OK)
		st = store_indicator_set_rule(db, s->id, rule.green_mean, rule.red_mean, now_s(),
					      call->actor.username, message);
	Assure__IndicatorSetResponse *r = NULL;
	if (st == ASSURE__CODE__OK)
		st = reply_set(call, db, s->name, &r, message);
	if (st == ASSURE__CODE__OK) {
		char g[REVIEW_DECIMAL_BUFSZ], red[REVIEW_DECIMAL_BUFSZ];
		call->audit_reason = arena_printf(call->arena, "rule: green mean %s, red mean %s",
						  domain_review_decimal_format(rule.green_mean, g),
						  domain_review_decimal_format(rule.red_mean, red));
		RPC_RESULT(call, indicators_rule, INDICATORS_RULE, r);
	}
	indicator_set_record_free(s);
	return st;
}

static enum rpc_result rpc_indicators_rule(struct rpc_call *call)
{
	const Assure__IndicatorsRuleRequest *req = call->req->indicators_rule;
	char buf[256];
	const char *why = check_set_name(call, req->set, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	struct rule_state *rs = arena_alloc(call->arena, sizeof *rs);
	char *cause = NULL;
	rs->has_green = req->green_mean[0] != '\0';
	rs->has_red = req->red_mean[0] != '\0';
	if (!rs->has_green && !rs->has_red)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "nothing to change: give the green mean, the red mean or both");
	if ((rs->has_green &&
	     domain_review_decimal_parse("green mean", req->green_mean, &rs->green, &cause) != 0) ||
	    (rs->has_red &&
	     domain_review_decimal_parse("red mean", req->red_mean, &rs->red, &cause) != 0))
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	call->state = rs;
	return rpc_write(call, indicators_rule_db, NULL);
}

/* --- IndicatorsPublish --------------------------------------------------------------- */

/* Is the set complete (domain_review_set_check_complete)? 0, or
 * FAILED_PRECONDITION naming the set and the first problem. */
static int check_complete(struct db *db, const struct indicator_set_record *s, const char *what,
			  char **message)
{
	struct indicator_record *v = NULL;
	size_t n = 0;
	int st = store_indicators(db, s->id, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	struct review_indicator *ind = xcalloc(n ? n : 1, sizeof *ind);
	for (size_t i = 0; i < n; i++) {
		ind[i] = (struct review_indicator){
		    .code = v[i].code,
		    .domain = domain_review_indicator_domain_parse(v[i].domain, NULL),
		    .direction = domain_review_direction_parse(v[i].direction, NULL),
		    .green = v[i].green,
		    .amber = v[i].amber,
		    .weight = v[i].weight,
		    .critical = v[i].critical,
		};
	}
	struct review_rule rule = {.green_mean = s->green_mean, .red_mean = s->red_mean};
	char *cause = NULL;
	if (domain_review_set_check_complete(&rule, ind, n, &cause) != 0) {
		*message = xasprintf("indicator set %s cannot be %s: %s", s->name, what,
				     cause ? cause : "incomplete");
		free(cause);
		st = ASSURE__CODE__FAILED_PRECONDITION;
	}
	free(ind);
	indicator_records_free(v, n);
	return st;
}

static int indicators_publish_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__IndicatorsPublishRequest *req = call->req->indicators_publish;
	const enum indicator_set_state *to = call->state;
	struct indicator_set_record *s = NULL;
	char *other = NULL;
	int st = load_set(db, req->set, &s, message);
	if (st != ASSURE__CODE__OK)
		return st;
	st = check_editable(s, req->version, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	int from = domain_review_set_state_parse(s->state, NULL);
	char *cause = NULL;
	if (domain_review_set_check_move(from, *to, &cause) != 0) {
		*message = xasprintf("indicator set %s: %s", s->name, cause ? cause : "refused");
		free(cause);
		st = ASSURE__CODE__FAILED_PRECONDITION;
		goto out;
	}
	if (*to == INDICATOR_SET_CONSULTATION)
		st = check_complete(db, s, "put out to consultation", message);
	else if (*to == INDICATOR_SET_PUBLISHED)
		st = check_complete(db, s, "published", message);
	if (st != ASSURE__CODE__OK)
		goto out;
	if (*to == INDICATOR_SET_PUBLISHED) {
		st = store_indicator_set_published_name(db, s->year, &other, message);
		if (st == ASSURE__CODE__OK) {
			*message = xasprintf("indicator set %s is already published for %s; only "
					     "one set is published for a review year",
					     other, s->year);
			st = ASSURE__CODE__FAILED_PRECONDITION;
			goto out;
		}
		if (st != ASSURE__CODE__NOT_FOUND)
			goto out;
	}
	const char *state = domain_review_set_state_name(*to);
	st = store_indicator_set_move(db, s->id, state, now_s(), call->actor.username, message);
	Assure__IndicatorSetResponse *r = NULL;
	if (st == ASSURE__CODE__OK)
		st = reply_set(call, db, s->name, &r, message);
	if (st == ASSURE__CODE__OK) {
		call->audit_reason = arena_printf(call->arena, "%s -> %s", s->state, state);
		RPC_RESULT(call, indicators_publish, INDICATORS_PUBLISH, r);
	}
out:
	free(other);
	indicator_set_record_free(s);
	return st;
}

static enum rpc_result rpc_indicators_publish(struct rpc_call *call)
{
	const Assure__IndicatorsPublishRequest *req = call->req->indicators_publish;
	char buf[256];
	const char *why = check_set_name(call, req->set, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	enum indicator_set_state *to = arena_alloc(call->arena, sizeof *to);
	*to = INDICATOR_SET_PUBLISHED;
	if (req->to[0] != '\0') {
		char *cause = NULL;
		int s = domain_review_set_state_parse(req->to, &cause);
		if (s < 0)
			return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
		*to = s;
	}
	call->state = to;
	return rpc_write(call, indicators_publish_db, NULL);
}

/* --- IndicatorsShow, IndicatorsList ---------------------------------------------------- */

static int indicators_show_db(struct rpc_call *call, struct db *db, char **message)
{
	Assure__IndicatorSetResponse *r = NULL;
	int st = reply_set(call, db, call->req->indicators_show->set, &r, message);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, indicators_show, INDICATORS_SHOW, r);
	return st;
}

static enum rpc_result rpc_indicators_show(struct rpc_call *call)
{
	const char *set = call->req->indicators_show->set;
	char buf[256];
	const char *why = check_set_name(call, set, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	return rpc_read(call, indicators_show_db, NULL);
}

static int indicators_list_db(struct rpc_call *call, struct db *db, char **message)
{
	const char *year = call->state;
	struct indicator_set_record **v = NULL;
	size_t n = 0;
	int st = store_indicator_sets_list(db, year, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__IndicatorsListResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__indicators_list_response__init(r);
	r->n_sets = n;
	r->sets = arena_alloc(call->arena, (n ? n : 1) * sizeof *r->sets);
	for (size_t i = 0; i < n; i++)
		r->sets[i] = set_msg(call, v[i], 0, NULL, 0);
	indicator_set_records_free(v, n);
	RPC_RESULT(call, indicators_list, INDICATORS_LIST, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_indicators_list(struct rpc_call *call)
{
	const char *year = call->req->indicators_list->year;
	call->audit_query = arena_printf(call->arena, "year=%s", year);
	call->state = (void *)"";
	if (year[0] != '\0') {
		char *cause = NULL;
		int y = 0;
		if (domain_review_year_parse(year, &y, &cause) != 0)
			return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
		char ybuf[REVIEW_YEAR_BUFSZ];
		call->state = arena_strdup(call->arena, domain_review_year_format(y, ybuf));
	}
	return rpc_read(call, indicators_list_db, NULL);
}

/* --- requirements ----------------------------------------------------------------------- */

static Assure__Requirement *requirement_msg(struct rpc_call *call,
					    const struct requirement_record *q)
{
	struct arena *a = call->arena;
	Assure__Requirement *m = arena_alloc(a, sizeof *m);
	assure__requirement__init(m);
	m->code = arena_strdup(a, q->code);
	m->title = arena_strdup(a, q->title);
	m->description = arena_strdup(a, q->description);
	m->since_version = q->since_version;
	m->retired_version = q->retired_version;
	m->retired_reason = arena_strdup(a, q->retired_reason);
	return m;
}

static int requirements_list_db(struct rpc_call *call, struct db *db, char **message)
{
	struct requirement_record **v = NULL;
	size_t n = 0;
	struct sfbh_domain_record *d = NULL;
	size_t nd = 0;
	uint32_t version = 0;
	int st = store_requirements_list(db, call->req->requirements_list->include_retired, &v, &n,
					 message);
	if (st == ASSURE__CODE__OK)
		st = store_sfbh_domains(db, &d, &nd, message);
	if (st == ASSURE__CODE__OK)
		st = store_requirements_version(db, &version, message);
	if (st == ASSURE__CODE__OK) {
		struct arena *a = call->arena;
		Assure__RequirementsListResponse *r = arena_alloc(a, sizeof *r);
		assure__requirements_list_response__init(r);
		r->catalogue_version = version;
		r->n_requirements = n;
		r->requirements = arena_alloc(a, (n ? n : 1) * sizeof *r->requirements);
		for (size_t i = 0; i < n; i++)
			r->requirements[i] = requirement_msg(call, v[i]);
		r->n_sfbh_domains = nd;
		r->sfbh_domains = arena_alloc(a, (nd ? nd : 1) * sizeof *r->sfbh_domains);
		for (size_t i = 0; i < nd; i++) {
			Assure__SfbhDomain *m = arena_alloc(a, sizeof *m);
			assure__sfbh_domain__init(m);
			m->code = arena_strdup(a, d[i].code);
			m->title = arena_strdup(a, d[i].title);
			r->sfbh_domains[i] = m;
		}
		RPC_RESULT(call, requirements_list, REQUIREMENTS_LIST, r);
	}
	sfbh_domain_records_free(d, nd);
	requirement_records_free(v, n);
	return st;
}

static enum rpc_result rpc_requirements_list(struct rpc_call *call)
{
	call->audit_query = arena_printf(call->arena, "include_retired=%d",
					 call->req->requirements_list->include_retired ? 1 : 0);
	return rpc_read(call, requirements_list_db, NULL);
}

/* The reply of RequirementsAdd and RequirementsRetire: the item as it now
 * is and the catalogue version the change made. */
static int requirement_reply(struct rpc_call *call, struct db *db, const char *code,
			     uint32_t version, Assure__RequirementsResponse **out, char **message)
{
	struct requirement_record *q = NULL;
	int st = store_requirement_get(db, code, &q, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__RequirementsResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__requirements_response__init(r);
	r->requirement = requirement_msg(call, q);
	r->catalogue_version = version;
	requirement_record_free(q);
	*out = r;
	return ASSURE__CODE__OK;
}

static int requirements_add_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__RequirementsAddRequest *req = call->req->requirements_add;
	struct requirement_record *q = NULL;
	int st = store_requirement_get(db, req->code, &q, message);
	if (st == ASSURE__CODE__OK) {
		if (q->retired_version)
			*message = xasprintf("requirement %s already exists (retired in catalogue "
					     "version %u); codes are not reused",
					     q->code, q->retired_version);
		else
			*message = xasprintf("requirement %s already exists", q->code);
		requirement_record_free(q);
		return ASSURE__CODE__ALREADY_EXISTS;
	}
	if (st != ASSURE__CODE__NOT_FOUND)
		return st;
	uint32_t version = 0;
	char *change = xasprintf("added %s", req->code);
	st = store_requirements_new_version(db, change, now_s(), call->actor.username, &version,
					    message);
	free(change);
	if (st == ASSURE__CODE__OK)
		st = store_requirement_insert(db, req->code, req->title, req->description, version,
					      message);
	Assure__RequirementsResponse *r = NULL;
	if (st == ASSURE__CODE__OK)
		st = requirement_reply(call, db, req->code, version, &r, message);
	if (st != ASSURE__CODE__OK)
		return st;
	call->audit_reason = arena_printf(call->arena, "added in catalogue version %u", version);
	RPC_RESULT(call, requirements_add, REQUIREMENTS_ADD, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_requirements_add(struct rpc_call *call)
{
	const Assure__RequirementsAddRequest *req = call->req->requirements_add;
	call->audit_object_type = "requirement";
	char *cause = NULL;
	if (domain_review_check_requirement_code(req->code, &cause) != 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	rpc_audit_object(call, "requirement", req->code);
	char buf[256];
	const char *why =
	    validate_text("title", req->title, REQUIREMENT_TITLE_MAX, 1, 0, buf, sizeof buf);
	if (!why)
		why =
		    validate_text("description", req->description, TEXT_MAX, 0, 1, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	return rpc_write(call, requirements_add_db, NULL);
}

static int requirements_retire_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__RequirementsRetireRequest *req = call->req->requirements_retire;
	struct requirement_record *q = NULL;
	int st = store_requirement_get(db, req->code, &q, message);
	if (st == ASSURE__CODE__NOT_FOUND)
		*message = xasprintf("no requirement %s in the catalogue", req->code);
	if (st != ASSURE__CODE__OK)
		return st;
	uint32_t retired = q->retired_version;
	requirement_record_free(q);
	if (retired) {
		*message = xasprintf("requirement %s was retired in catalogue version %u",
				     req->code, retired);
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	uint32_t version = 0;
	char *change = xasprintf("retired %s: %s", req->code, req->reason);
	st = store_requirements_new_version(db, change, now_s(), call->actor.username, &version,
					    message);
	free(change);
	if (st == ASSURE__CODE__OK)
		st = store_requirement_retire(db, req->code, version, req->reason, message);
	Assure__RequirementsResponse *r = NULL;
	if (st == ASSURE__CODE__OK)
		st = requirement_reply(call, db, req->code, version, &r, message);
	if (st != ASSURE__CODE__OK)
		return st;
	call->audit_reason =
	    arena_printf(call->arena, "retired in catalogue version %u: %s", version, req->reason);
	RPC_RESULT(call, requirements_retire, REQUIREMENTS_RETIRE, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_requirements_retire(struct rpc_call *call)
{
	const Assure__RequirementsRetireRequest *req = call->req->requirements_retire;
	call->audit_object_type = "requirement";
	char *cause = NULL;
	if (domain_review_check_requirement_code(req->code, &cause) != 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	rpc_audit_object(call, "requirement", req->code);
	char buf[256];
	const char *why = validate_text("reason", req->reason, TEXT_MAX, 1, 1, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	return rpc_write(call, requirements_retire_db, NULL);
}

const struct rpc_entry rpc_indicators_table[] = {
    {ASSURE__REQUEST__OP_INDICATORS_CREATE, "IndicatorsCreate", PERM_INDICATORS_MANAGE, RPC_WRITE,
     rpc_indicators_create, 'C'},
    {ASSURE__REQUEST__OP_INDICATORS_ADD, "IndicatorsAdd", PERM_INDICATORS_MANAGE, RPC_WRITE,
     rpc_indicators_add, 'U'},
    {ASSURE__REQUEST__OP_INDICATORS_REMOVE, "IndicatorsRemove", PERM_INDICATORS_MANAGE, RPC_WRITE,
     rpc_indicators_remove, 'U'},
    {ASSURE__REQUEST__OP_INDICATORS_RULE, "IndicatorsRule", PERM_INDICATORS_MANAGE, RPC_WRITE,
     rpc_indicators_rule, 'U'},
    {ASSURE__REQUEST__OP_INDICATORS_PUBLISH, "IndicatorsPublish", PERM_INDICATORS_MANAGE, RPC_WRITE,
     rpc_indicators_publish, 'U'},
    {ASSURE__REQUEST__OP_INDICATORS_SHOW, "IndicatorsShow", PERM_CONTRACT_READ, 0,
     rpc_indicators_show, 'R'},
    {ASSURE__REQUEST__OP_INDICATORS_LIST, "IndicatorsList", PERM_CONTRACT_READ, 0,
     rpc_indicators_list, 'R'},
    {ASSURE__REQUEST__OP_REQUIREMENTS_LIST, "RequirementsList", PERM_CONTRACT_READ, 0,
     rpc_requirements_list, 'R'},
    {ASSURE__REQUEST__OP_REQUIREMENTS_ADD, "RequirementsAdd", PERM_INDICATORS_MANAGE, RPC_WRITE,
     rpc_requirements_add, 'C'},
    {ASSURE__REQUEST__OP_REQUIREMENTS_RETIRE, "RequirementsRetire", PERM_INDICATORS_MANAGE,
     RPC_WRITE, rpc_requirements_retire, 'U'},
};

const size_t rpc_indicators_count = sizeof rpc_indicators_table / sizeof rpc_indicators_table[0];
