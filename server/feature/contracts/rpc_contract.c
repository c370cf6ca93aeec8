/*
 * Contract RPCs: ContractAdd, ContractList, ContractShow, ContractSet,
 * ContractNoticeAdd, ContractNoticeOutcome (DOMAIN.md "Contracts";
 * docs/REVIEWS.md).
 *
 * The rules (ODS code, contract type, the APMS fixed term, list size,
 * remedial and breach notices and their outcomes) are the pure functions
 * of domain_contract.c; this file checks what a request gives before it
 * goes to the writer, and what depends on stored data (the contract, its
 * version, the site, the notice, the review) inside the writer's
 * transaction. Every change bumps the contract's version; ContractSet also
 * writes "field: old -> new" lines with its reason to contract_history in
 * the same transaction. Reads go to a worker and are audited by ODS code
 * like any other call.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "domain_contract.h"
#include "domain_dates.h"
#include "rpc.h"
#include "store.h"
#include "store_contract.h"
#include "timeutil.h"
#include "validate.h"
#include "xmalloc.h"

#define CONTRACT_PAGE_DEFAULT 100
#define CONTRACT_PAGE_MAX 1000
#define CONTRACT_NAME_MAX 200
#define CONTRACT_TEXT_MAX 4000
#define CONTRACT_REF_MAX 32

static const struct contract_config contract_defaults = CONTRACT_CONFIG_DEFAULT;

static int64_t now_s(void)
{
	return clock_now_ms() / 1000;
}

/* A domain_* cause as the call's INVALID_ARGUMENT reply. */
static enum rpc_result cause_error(struct rpc_call *call, int code, char *cause)
{
	enum rpc_result r = rpc_error(call, code, "%s", cause ? cause : "invalid request");
	free(cause);
	return r;
}

/* Parses an optional "YYYY-MM-DD" into *out (DOMAIN_DATE_NONE for ""). */
static int parse_date_opt(const char *field, const char *s, int32_t *out, char **cause)
{
	*out = DOMAIN_DATE_NONE;
	if (s == NULL || s[0] == '\0')
		return 0;
	return domain_date_parse(field, s, out, cause);
}

static char *date_text(struct arena *a, int32_t d)
{
	char buf[DOMAIN_DATE_BUFSZ];
	return arena_strdup(a, d == DOMAIN_DATE_NONE ? "" : domain_date_format(d, buf));
}

static Assure__Contract *contract_msg(struct rpc_call *call, const struct contract_record *c)
{
	struct arena *a = call->arena;
	Assure__Contract *m = arena_alloc(a, sizeof *m);
	assure__contract__init(m);
	m->ods = arena_strdup(a, c->ods);
	m->name = arena_strdup(a, c->name);
	m->type = arena_strdup(a, c->type);
	m->list_size = (uint32_t)c->list_size;
	m->site = arena_strdup(a, c->site);
	m->start = arena_strdup(a, c->start);
	m->end = arena_strdup(a, c->end);
	m->version = (uint64_t)c->version;
	m->created_at = c->created_at;
	m->updated_at = c->updated_at;
	m->updated_by = arena_strdup(a, c->updated_by);
	m->last_year = arena_strdup(a, c->last_year);
	m->last_rag = arena_strdup(a, c->last_rag);
	m->next_visit_type = arena_strdup(a, c->next_visit_type);
	return m;
}

static Assure__ContractNotice *notice_msg(struct rpc_call *call,
					  const struct contract_notice_record *n, int32_t today)
{
	struct arena *a = call->arena;
	Assure__ContractNotice *m = arena_alloc(a, sizeof *m);
	assure__contract_notice__init(m);
	m->number = n->number;
	m->kind = arena_strdup(a, n->kind);
	m->text = arena_strdup(a, n->text);
	m->steps = arena_strdup(a, n->steps);
	m->date = arena_strdup(a, n->date);
	m->period_days = (uint32_t)n->period_days;
	m->reason = arena_strdup(a, n->reason);
	m->deadline = arena_strdup(a, n->deadline);
	m->outcome = arena_strdup(a, n->outcome);
	m->outcome_date = arena_strdup(a, n->outcome_date);
	m->outcome_rationale = arena_strdup(a, n->outcome_rationale);
	m->outcome_at = n->outcome_at;
	m->outcome_by = arena_strdup(a, n->outcome_by);
	m->review_ref = arena_strdup(a, n->review_ref);
	m->at = n->at;
	m->by = arena_strdup(a, n->by);
	char buf[DOMAIN_DATE_BUFSZ];
	/* Open with a deadline that has passed: the last day to put the
	 * breach right was before today. */
	m->overdue = n->outcome[0] == '\0' && n->deadline[0] != '\0' &&
		     strcmp(n->deadline, domain_date_format(today, buf)) < 0;
	return m;
}

/* The contract by ODS code; NOT_FOUND with a sentence when there is none. */
static int load_contract(struct db *db, const char *ods, struct contract_record **out,
			 char **message)
{
	int st = store_contract_get(db, ods, out, message);
	if (st == ASSURE__CODE__NOT_FOUND)
		*message = xasprintf("no contract with ODS code %s", ods);
	return st;
}

/* ABORTED "changed by NAME at TIME" when version (0: unchecked) is not the
 * contract's. */
static int check_version(const struct contract_record *c, uint64_t version, char **message)
{
	if (version == 0 || (uint64_t)c->version == version)
		return ASSURE__CODE__OK;
	char when[32];
	time_format_rfc3339(c->updated_at, when, sizeof when);
	*message = xasprintf("contract %s was changed by %s at %s (now version %lld; you sent "
			     "%llu): show it again and retry",
			     c->ods, c->updated_by[0] ? c->updated_by : "someone", when,
			     (long long)c->version, (unsigned long long)version);
	return ASSURE__CODE__ABORTED;
}

/* The site's id; NOT_FOUND naming the field when there is no such site. */
static int site_id(struct db *db, const char *code, int64_t *id, char **message)
{
	struct site_record *s = NULL;
	int st = store_site_find(db, code, &s, message);
	if (st == ASSURE__CODE__NOT_FOUND)
		*message = xasprintf("site: no site '%s' (add it with assure site add)", code);
	if (st == ASSURE__CODE__OK)
		*id = s->id;
	site_record_free(s);
	return st;
}

/* Checks an ODS code given in a request: 0 when fine (and the code is
 * then the audit record's object), else -1 with the reply in *r. Only a
 * well-formed code is copied into the audit trail. */
static int check_ods(struct rpc_call *call, const char *ods, enum rpc_result *r)
{
	char *cause = NULL;
	call->audit_object_type = "contract";
	if (domain_contract_check_ods_code(ods, &cause) == 0) {
		rpc_audit_object(call, "contract", ods);
		return 0;
	}
	*r = cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	return -1;
}

/* --- ContractAdd ------------------------------------------------------------ */

struct add_state {
	const char *type; /* the canonical name */
	char *site;	  /* upper-cased */
	char *start, *end;
};

static int contract_add_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ContractAddRequest *req = call->req->contract_add;
	const struct add_state *as = call->state;
	struct contract_fields f = {
	    .ods = req->ods,
	    .name = req->name,
	    .type = as->type,
	    .list_size = req->list_size,
	    .start = as->start,
	    .end = as->end,
	};
	int st = site_id(db, as->site, &f.site_id, message);
	if (st != ASSURE__CODE__OK)
		return st;
	int64_t now = now_s(), id = 0;
	st = store_contract_insert(db, &f, now, call->actor.username, &id, message);
	if (st == ASSURE__CODE__ALREADY_EXISTS) {
		free(*message);
		*message = xasprintf("a contract with ODS code %s already exists; an ODS code is "
				     "unique",
				     req->ods);
	}
	if (st != ASSURE__CODE__OK)
		return st;
	char *detail =
	    xasprintf("added: name %s; type %s; list size %u; site %s%s%s%s%s", req->name, as->type,
		      req->list_size, as->site, as->start[0] ? "; start " : "", as->start,
		      as->end[0] ? "; end " : "", as->end);
	st = store_contract_history_add(db, id, detail, "", now, call->actor.username, message);
	free(detail);
	if (st != ASSURE__CODE__OK)
		return st;
	struct contract_record *c = NULL;
	st = store_contract_get(db, req->ods, &c, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__ContractResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__contract_response__init(r);
	r->contract = contract_msg(call, c);
	contract_record_free(c);
	RPC_RESULT(call, contract_add, CONTRACT_ADD, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_contract_add(struct rpc_call *call)
{
	const Assure__ContractAddRequest *req = call->req->contract_add;
	enum rpc_result r;
	if (check_ods(call, req->ods, &r) != 0)
		return r;
	char buf[256];
	const char *why =
	    validate_text("name", req->name, CONTRACT_NAME_MAX, 1, 0, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	char *cause = NULL;
	int type = domain_contract_type_parse(req->type, &cause);
	if (type < 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	if (domain_contract_check_list_size(&contract_defaults, req->list_size, &cause) != 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	struct add_state *as = arena_alloc(call->arena, sizeof *as);
	as->type = domain_contract_type_name(type);
	as->site = arena_strdup(call->arena, req->site);
	if (as->site[0] == '\0')
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "site: required (the PCT site that manages the contract)");
	if ((why = validate_site_code("site", as->site, buf, sizeof buf)) != NULL)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	int32_t start, end;
	if (parse_date_opt("start date", req->start, &start, &cause) != 0 ||
	    parse_date_opt("end date", req->end, &end, &cause) != 0 ||
	    domain_contract_check_dates(type, start, end, &cause) != 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	as->start = date_text(call->arena, start);
	as->end = date_text(call->arena, end);
	call->state = as;
	return rpc_write(call, contract_add_db, NULL);
}

/* --- ContractList ------------------------------------------------------------ */

struct list_state {
	const char *type;
	char *site;
};

static int contract_list_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ContractListRequest *req = call->req->contract_list;
	const struct list_state *ls = call->state;
	unsigned limit = req->page_size ? req->page_size : CONTRACT_PAGE_DEFAULT;
	if (limit > CONTRACT_PAGE_MAX)
		limit = CONTRACT_PAGE_MAX;
	struct contract_filter f = {
	    .type = ls->type,
	    .name = req->name,
	    .after = req->page_token,
	    .limit = limit + 1,
	};
	if (ls->site[0] != '\0') {
		int st = site_id(db, ls->site, &f.site_id, message);
		if (st != ASSURE__CODE__OK)
			return st;
	}
	struct contract_record **v = NULL;
	size_t n = 0;
	int st = store_contract_list(db, &f, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__ContractListResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__contract_list_response__init(r);
	size_t shown = n > limit ? limit : n;
	r->n_contracts = shown;
	r->contracts = arena_alloc(call->arena, (shown ? shown : 1) * sizeof *r->contracts);
	for (size_t i = 0; i < shown; i++)
		r->contracts[i] = contract_msg(call, v[i]);
	if (n > limit)
		r->next_page_token = arena_strdup(call->arena, v[limit - 1]->ods);
	contract_records_free(v, n);
	RPC_RESULT(call, contract_list, CONTRACT_LIST, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_contract_list(struct rpc_call *call)
{
	const Assure__ContractListRequest *req = call->req->contract_list;
	call->audit_query =
	    arena_printf(call->arena, "type=%s site=%s name=%s", req->type, req->site, req->name);
	struct list_state *ls = arena_alloc(call->arena, sizeof *ls);
	ls->type = "";
	char *cause = NULL;
	if (req->type[0] != '\0') {
		int type = domain_contract_type_parse(req->type, &cause);
		if (type < 0)
			return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
		ls->type = domain_contract_type_name(type);
	}
	char buf[256];
	const char *why = NULL;
	ls->site = arena_strdup(call->arena, req->site);
	if (ls->site[0] != '\0' && (why = validate_site_code("site", ls->site, buf, sizeof buf)))
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	if ((why = validate_text("name", req->name, CONTRACT_NAME_MAX, 0, 0, buf, sizeof buf)))
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	if (req->page_token[0] != '\0' &&
	    domain_contract_check_ods_code(req->page_token, NULL) != 0)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "page_token: not a token this server issued");
	call->state = ls;
	return rpc_read(call, contract_list_db, NULL);
}

/* --- ContractShow ------------------------------------------------------------ */

static Assure__ReviewSummary *review_msg(struct rpc_call *call, const struct contract_record *c,
					 const struct contract_review_record *v)
{
	struct arena *a = call->arena;
	Assure__ReviewSummary *m = arena_alloc(a, sizeof *m);
	assure__review_summary__init(m);
	m->ref = arena_strdup(a, v->ref);
	m->ods = arena_strdup(a, c->ods);
	m->practice = arena_strdup(a, c->name);
	m->contract_type = arena_strdup(a, c->type);
	m->site = arena_strdup(a, c->site);
	m->year = arena_strdup(a, v->year);
	m->kind = arena_strdup(a, v->kind);
	m->state = arena_strdup(a, v->state);
	m->visit_type = arena_strdup(a, v->visit_type);
	m->scheduled = arena_strdup(a, v->scheduled);
	m->visited = arena_strdup(a, v->visited);
	/* The result in force: fixed when finalised, else the override if
	 * any, else the computed one. */
	const char *rag = v->final_rag[0]      ? v->final_rag
			  : v->override_rag[0] ? v->override_rag
					       : v->computed_rag;
	m->rag = arena_strdup(a, rag);
	m->computed_rag = arena_strdup(a, v->computed_rag);
	m->overridden = v->override_rag[0] != '\0';
	m->next_visit_type = arena_strdup(a, v->next_visit_type);
	m->mid_year_follow_up = v->follow_up != 0;
	m->open_actions = v->open_actions;
	m->overdue_actions = v->overdue_actions;
	m->version = (uint64_t)v->version;
	m->indicator_set = arena_strdup(a, v->set_name);
	return m;
}

static int contract_show_db(struct rpc_call *call, struct db *db, char **message)
{
	struct contract_record *c = NULL;
	int st = load_contract(db, call->req->contract_show->ods, &c, message);
	if (st != ASSURE__CODE__OK)
		return st;
	struct contract_change_record *h = NULL;
	size_t nh = 0;
	struct contract_notice_record **nv = NULL;
	size_t nn = 0;
	struct contract_review_record *rv = NULL;
	size_t nr = 0;
	int32_t today = clock_today();
	char today_text[DOMAIN_DATE_BUFSZ];
	domain_date_format(today, today_text);
	st = store_contract_history(db, c->id, &h, &nh, message);
	if (st == ASSURE__CODE__OK)
		st = store_contract_notices(db, c->id, &nv, &nn, message);
	if (st == ASSURE__CODE__OK)
		st = store_contract_reviews(db, c->id, today_text, &rv, &nr, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	struct arena *a = call->arena;
	Assure__ContractShowResponse *r = arena_alloc(a, sizeof *r);
	assure__contract_show_response__init(r);
	r->contract = contract_msg(call, c);
	r->n_reviews = nr;
	r->reviews = arena_alloc(a, (nr ? nr : 1) * sizeof *r->reviews);
	for (size_t i = 0; i < nr; i++)
		r->reviews[i] = review_msg(call, c, &rv[i]);
	r->n_notices = nn;
	r->notices = arena_alloc(a, (nn ? nn : 1) * sizeof *r->notices);
	for (size_t i = 0; i < nn; i++)
		r->notices[i] = notice_msg(call, nv[i], today);
	r->n_history = nh;
	r->history = arena_alloc(a, (nh ? nh : 1) * sizeof *r->history);
	for (size_t i = 0; i < nh; i++) {
		Assure__ContractChange *m = arena_alloc(a, sizeof *m);
		assure__contract_change__init(m);
		m->at = h[i].at;
		m->by = arena_strdup(a, h[i].by);
		m->detail = arena_strdup(a, h[i].detail);
		m->reason = arena_strdup(a, h[i].reason);
		r->history[i] = m;
	}
	RPC_RESULT(call, contract_show, CONTRACT_SHOW, r);
out:
	contract_review_records_free(rv, nr);
	contract_notice_records_free(nv, nn);
	contract_changes_free(h, nh);
	contract_record_free(c);
	return st;
}

static enum rpc_result rpc_contract_show(struct rpc_call *call)
{
	const char *ods = call->req->contract_show->ods;
	enum rpc_result r;
	if (check_ods(call, ods, &r) != 0)
		return r;
	return rpc_read(call, contract_show_db, NULL);
}

/* --- ContractSet ------------------------------------------------------------- */

struct set_state {
	int type;	    /* -1: unchanged */
	char *site;	    /* "": unchanged */
	int32_t start, end; /* DOMAIN_DATE_NONE: unchanged (end: unless clear_end) */
};

/* Appends "field: old -> new" to *lines when they differ. */
static void diff_line(char **lines, const char *field, const char *old, const char *new)
{
	if (strcmp(old, new) == 0)
		return;
	char *prev = *lines;
	*lines = xasprintf("%s%s%s: %s -> %s", prev ? prev : "", prev ? "\n" : "", field,
			   old[0] ? old : "(none)", new[0] ? new : "(none)");
	free(prev);
}

static int contract_set_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ContractSetRequest *req = call->req->contract_set;
	const struct set_state *ss = call->state;
	struct contract_record *c = NULL;
	int st = load_contract(db, req->ods, &c, message);
	if (st != ASSURE__CODE__OK)
		return st;
	char *lines = NULL;
	st = check_version(c, req->version, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	struct arena *a = call->arena;
	struct contract_fields f = {
	    .name = req->name[0] ? req->name : c->name,
	    .type = ss->type >= 0 ? domain_contract_type_name(ss->type) : c->type,
	    .list_size = req->list_size ? req->list_size : c->list_size,
	    .site_id = c->site_id,
	    .start = ss->start != DOMAIN_DATE_NONE ? date_text(a, ss->start) : c->start,
	    .end = req->clear_end		 ? ""
		   : ss->end != DOMAIN_DATE_NONE ? date_text(a, ss->end)
						 : c->end,
	};
	const char *site = c->site;
	if (ss->site[0] != '\0' && strcmp(ss->site, c->site) != 0) {
		st = site_id(db, ss->site, &f.site_id, message);
		if (st != ASSURE__CODE__OK)
			goto out;
		site = ss->site;
	}
	/* The dates are checked as they will be, against the type they will
	 * have: an APMS contract turned GMS must lose its end date. */
	int32_t start = DOMAIN_DATE_NONE, end = DOMAIN_DATE_NONE;
	char *cause = NULL;
	int type = domain_contract_type_parse(f.type, NULL);
	if (parse_date_opt("start date", f.start, &start, &cause) != 0 ||
	    parse_date_opt("end date", f.end, &end, &cause) != 0 ||
	    domain_contract_check_dates(type, start, end, &cause) != 0) {
		if (type != CONTRACT_TYPE_APMS && end != DOMAIN_DATE_NONE && req->end[0] == '\0') {
			free(cause);
			cause =
			    xasprintf("end date: a %s contract has no end date; give --clear-end "
				      "to remove the APMS end date %s",
				      f.type, c->end);
		}
		*message = cause;
		st = ASSURE__CODE__INVALID_ARGUMENT;
		goto out;
	}
	char old_size[24], new_size[24];
	snprintf(old_size, sizeof old_size, "%lld", (long long)c->list_size);
	snprintf(new_size, sizeof new_size, "%lld", (long long)f.list_size);
	diff_line(&lines, "name", c->name, f.name);
	diff_line(&lines, "type", c->type, f.type);
	diff_line(&lines, "list size", old_size, new_size);
	diff_line(&lines, "site", c->site, site);
	diff_line(&lines, "start", c->start, f.start);
	diff_line(&lines, "end", c->end, f.end);
	if (lines == NULL) {
		*message = xasprintf("nothing to change: the values given are contract %s's "
				     "current ones",
				     c->ods);
		st = ASSURE__CODE__INVALID_ARGUMENT;
		goto out;
	}
	int64_t now = now_s();
	st = store_contract_update(db, c->id, &f, now, call->actor.username, message);
	if (st == ASSURE__CODE__OK)
		st = store_contract_history_add(db, c->id, lines, req->reason, now,
						call->actor.username, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	char *changed = arena_printf(a, "contract changed: %s", lines);
	for (char *p = changed; *p; p++)
		if (*p == '\n')
			*p = ';';
	call->audit_reason = changed;
	contract_record_free(c);
	c = NULL;
	st = store_contract_get(db, req->ods, &c, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	Assure__ContractResponse *r = arena_alloc(a, sizeof *r);
	assure__contract_response__init(r);
	r->contract = contract_msg(call, c);
	RPC_RESULT(call, contract_set, CONTRACT_SET, r);
out:
	free(lines);
	contract_record_free(c);
	return st;
}

static enum rpc_result rpc_contract_set(struct rpc_call *call)
{
	const Assure__ContractSetRequest *req = call->req->contract_set;
	enum rpc_result r;
	if (check_ods(call, req->ods, &r) != 0)
		return r;
	char buf[256];
	const char *why =
	    validate_text("reason", req->reason, CONTRACT_TEXT_MAX, 1, 1, buf, sizeof buf);
	if (!why)
		why = validate_text("name", req->name, CONTRACT_NAME_MAX, 0, 0, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	struct set_state *ss = arena_alloc(call->arena, sizeof *ss);
	ss->type = -1;
	char *cause = NULL;
	if (req->type[0] != '\0' && (ss->type = domain_contract_type_parse(req->type, &cause)) < 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	if (req->list_size != 0 &&
	    domain_contract_check_list_size(&contract_defaults, req->list_size, &cause) != 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	ss->site = arena_strdup(call->arena, req->site);
	if (ss->site[0] != '\0' && (why = validate_site_code("site", ss->site, buf, sizeof buf)))
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	if (parse_date_opt("start date", req->start, &ss->start, &cause) != 0 ||
	    parse_date_opt("end date", req->end, &ss->end, &cause) != 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	if (req->clear_end && req->end[0] != '\0')
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "end date: give a new end date or clear it, not both");
	if (req->name[0] == '\0' && ss->type < 0 && req->list_size == 0 && ss->site[0] == '\0' &&
	    req->start[0] == '\0' && req->end[0] == '\0' && !req->clear_end)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "nothing to change: give a name, type, list size, site, start or "
				 "end date, or clear the end date");
	call->state = ss;
	return rpc_write(call, contract_set_db, NULL);
}

/* --- ContractNoticeAdd ---------------------------------------------------------- */

struct notice_state {
	const char *kind;
	int period_days;
	char *date, *deadline;
};

static int contract_notice_add_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ContractNoticeAddRequest *req = call->req->contract_notice_add;
	const struct notice_state *ns = call->state;
	struct contract_record *c = NULL;
	struct contract_notice_record *n = NULL;
	int st = load_contract(db, req->ods, &c, message);
	if (st != ASSURE__CODE__OK)
		return st;
	st = check_version(c, req->version, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	int64_t review_id = 0;
	if (req->review_ref[0] != '\0') {
		int64_t of = 0;
		st = store_contract_review_by_ref(db, req->review_ref, &review_id, &of, message);
		if (st == ASSURE__CODE__NOT_FOUND)
			*message = xasprintf("review: no review %s", req->review_ref);
		if (st != ASSURE__CODE__OK)
			goto out;
		if (of != c->id) {
			*message = xasprintf("review: %s is not a review of contract %s",
					     req->review_ref, c->ods);
			st = ASSURE__CODE__FAILED_PRECONDITION;
			goto out;
		}
	}
	struct contract_notice_new in = {
	    .kind = ns->kind,
	    .text = req->text,
	    .steps = req->steps,
	    .date = ns->date,
	    .reason = req->reason,
	    .deadline = ns->deadline,
	    .period_days = ns->period_days,
	    .review_id = review_id,
	};
	int64_t now = now_s();
	uint32_t number = 0;
	st = store_contract_notice_insert(db, c->id, &in, now, call->actor.username, &number,
					  message);
	if (st == ASSURE__CODE__OK)
		st = store_contract_touch(db, c->id, now, call->actor.username, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	contract_record_free(c);
	c = NULL;
	st = store_contract_get(db, req->ods, &c, message);
	if (st == ASSURE__CODE__OK)
		st = store_contract_notice_get(db, c->id, number, &n, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	call->audit_reason = arena_printf(call->arena, "%s notice %u issued%s%s", ns->kind, number,
					  ns->deadline[0] ? ", deadline " : "", ns->deadline);
	Assure__ContractNoticeResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__contract_notice_response__init(r);
	r->contract = contract_msg(call, c);
	r->notice = notice_msg(call, n, clock_today());
	RPC_RESULT(call, contract_notice_add, CONTRACT_NOTICE_ADD, r);
out:
	contract_notice_record_free(n);
	contract_record_free(c);
	return st;
}

static enum rpc_result rpc_contract_notice_add(struct rpc_call *call)
{
	const Assure__ContractNoticeAddRequest *req = call->req->contract_notice_add;
	enum rpc_result r;
	if (check_ods(call, req->ods, &r) != 0)
		return r;
	char *cause = NULL;
	int kind = domain_contract_notice_kind_parse(req->kind, &cause);
	if (kind < 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	char buf[256];
	const char *why =
	    validate_text("text", req->text, CONTRACT_TEXT_MAX, 1, 1, buf, sizeof buf);
	if (!why)
		why = validate_text("steps", req->steps, CONTRACT_TEXT_MAX, 0, 1, buf, sizeof buf);
	if (!why)
		why =
		    validate_text("reason", req->reason, CONTRACT_TEXT_MAX, 0, 1, buf, sizeof buf);
	if (!why)
		why = validate_text("review", req->review_ref, CONTRACT_REF_MAX, 0, 0, buf,
				    sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	if (req->period_days > CONTRACT_NOTICE_PERIOD_MAX)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "period: at most %d days, got %u", CONTRACT_NOTICE_PERIOD_MAX,
				 req->period_days);
	int32_t today = clock_today(), date = today;
	if (req->date[0] != '\0') {
		if (domain_date_parse("notice date", req->date, &date, &cause) != 0)
			return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
		if (date > today)
			return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
					 "notice date: %s is in the future; record a notice on or "
					 "after the day it is issued",
					 req->date);
	}
	/* A remedial notice's period defaults to the minimum (28 days). */
	int period = (int)req->period_days;
	if (kind == CONTRACT_NOTICE_REMEDIAL && period == 0)
		period = contract_defaults.remedial_min_days;
	struct contract_notice_input in = {
	    .kind = kind,
	    .issued = date,
	    .breach = req->text,
	    .steps = req->steps,
	    .period_days = period,
	    .patient_safety_reason = req->reason,
	};
	int32_t deadline = DOMAIN_DATE_NONE;
	if (domain_contract_notice_check(&contract_defaults, &in, &deadline, &cause) != 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	struct notice_state *ns = arena_alloc(call->arena, sizeof *ns);
	ns->kind = domain_contract_notice_kind_name(kind);
	ns->period_days = period;
	ns->date = date_text(call->arena, date);
	ns->deadline = date_text(call->arena, deadline);
	call->state = ns;
	return rpc_write(call, contract_notice_add_db, NULL);
}

/* --- ContractNoticeOutcome ------------------------------------------------------- */

struct outcome_state {
	int outcome;
	int32_t date;
};

static int contract_notice_outcome_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ContractNoticeOutcomeRequest *req = call->req->contract_notice_outcome;
	const struct outcome_state *os = call->state;
	struct contract_record *c = NULL;
	struct contract_notice_record *n = NULL;
	int st = load_contract(db, req->ods, &c, message);
	if (st != ASSURE__CODE__OK)
		return st;
	st = check_version(c, req->version, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	st = store_contract_notice_get(db, c->id, req->number, &n, message);
	if (st == ASSURE__CODE__NOT_FOUND)
		*message = xasprintf("contract %s has no notice %u", c->ods, req->number);
	if (st != ASSURE__CODE__OK)
		goto out;
	int kind = domain_contract_notice_kind_parse(n->kind, NULL);
	int32_t issued = DOMAIN_DATE_NONE;
	if (domain_date_parse("notice date", n->date, &issued, NULL) != 0)
		issued = DOMAIN_DATE_NONE;
	char *cause = NULL;
	enum contract_check verdict = domain_contract_notice_check_outcome(
	    kind, issued, n->outcome[0] != '\0', os->outcome, os->date, clock_today(), &cause);
	if (verdict != CONTRACT_OK) {
		*message = xasprintf("notice %u: %s", n->number, cause ? cause : "refused");
		free(cause);
		st = verdict == CONTRACT_FAILED_PRECONDITION ? ASSURE__CODE__FAILED_PRECONDITION
							     : ASSURE__CODE__INVALID_ARGUMENT;
		goto out;
	}
	const char *outcome = domain_contract_notice_outcome_name(os->outcome);
	char date[DOMAIN_DATE_BUFSZ];
	domain_date_format(os->date, date);
	int64_t now = now_s();
	st = store_contract_notice_set_outcome(db, c->id, n->number, outcome, date, req->rationale,
					       now, call->actor.username, message);
	if (st == ASSURE__CODE__OK)
		st = store_contract_touch(db, c->id, now, call->actor.username, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	uint32_t number = n->number;
	contract_notice_record_free(n);
	n = NULL;
	contract_record_free(c);
	c = NULL;
	st = store_contract_get(db, req->ods, &c, message);
	if (st == ASSURE__CODE__OK)
		st = store_contract_notice_get(db, c->id, number, &n, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	call->audit_reason = arena_printf(call->arena, "notice %u: %s", number, outcome);
	Assure__ContractNoticeResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__contract_notice_response__init(r);
	r->contract = contract_msg(call, c);
	r->notice = notice_msg(call, n, clock_today());
	RPC_RESULT(call, contract_notice_outcome, CONTRACT_NOTICE_OUTCOME, r);
out:
	contract_notice_record_free(n);
	contract_record_free(c);
	return st;
}

static enum rpc_result rpc_contract_notice_outcome(struct rpc_call *call)
{
	const Assure__ContractNoticeOutcomeRequest *req = call->req->contract_notice_outcome;
	enum rpc_result r;
	if (check_ods(call, req->ods, &r) != 0)
		return r;
	if (req->number == 0)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "number: the notice's number (1, 2, ...) is required");
	char *cause = NULL;
	struct outcome_state *os = arena_alloc(call->arena, sizeof *os);
	os->outcome = domain_contract_notice_outcome_parse(req->outcome, &cause);
	if (os->outcome < 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	char buf[256];
	const char *why =
	    validate_text("rationale", req->rationale, CONTRACT_TEXT_MAX, 0, 1, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	os->date = clock_today();
	if (req->date[0] != '\0' &&
	    domain_date_parse("outcome date", req->date, &os->date, &cause) != 0)
		return cause_error(call, ASSURE__CODE__INVALID_ARGUMENT, cause);
	call->state = os;
	return rpc_write(call, contract_notice_outcome_db, NULL);
}

const struct rpc_entry rpc_contract_table[] = {
    {ASSURE__REQUEST__OP_CONTRACT_ADD, "ContractAdd", PERM_CONTRACT_WRITE, RPC_WRITE,
     rpc_contract_add, 'C'},
    {ASSURE__REQUEST__OP_CONTRACT_LIST, "ContractList", PERM_CONTRACT_READ, 0, rpc_contract_list,
     'R'},
    {ASSURE__REQUEST__OP_CONTRACT_SHOW, "ContractShow", PERM_CONTRACT_READ, 0, rpc_contract_show,
     'R'},
    {ASSURE__REQUEST__OP_CONTRACT_SET, "ContractSet", PERM_CONTRACT_WRITE, RPC_WRITE,
     rpc_contract_set, 'U'},
    {ASSURE__REQUEST__OP_CONTRACT_NOTICE_ADD, "ContractNoticeAdd", PERM_CONTRACT_WRITE, RPC_WRITE,
     rpc_contract_notice_add, 'C'},
    {ASSURE__REQUEST__OP_CONTRACT_NOTICE_OUTCOME, "ContractNoticeOutcome", PERM_CONTRACT_WRITE,
     RPC_WRITE, rpc_contract_notice_outcome, 'U'},
};

const size_t rpc_contract_count = sizeof rpc_contract_table / sizeof rpc_contract_table[0];
