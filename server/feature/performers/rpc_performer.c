/*
 * Performers List RPCs: PerformerAdd, PerformerList, PerformerShow,
 * PerformerAdmit (DOMAIN.md "Performers").
 *
 * Registration numbers and national codes are checked by the pure rules in
 * domain_registration.c; admission moves by domain_list_check_admission.
 * A list status changes only through a recorded decision, and every change
 * is written to list_history in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "domain_concern.h"
#include "domain_dates.h"
#include "domain_registration.h"
#include "log.h"
#include "rpc.h"
#include "server.h"
#include "store.h"
#include "store_performer.h"
#include "store_concern.h"
#include "concern_common.h"
#include "timeutil.h"
#include "validate.h"
#include "xmalloc.h"

#define PERFORMER_PAGE_DEFAULT 100
#define PERFORMER_PAGE_MAX 1000
#define PANEL_ROLE "panel-member"

static int32_t today(void)
{
	return clock_today();
}

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
	int prof = domain_profession_parse(p->profession);
	m->regulator = arena_strdup(a, prof >= 0 ? domain_profession_regulator(prof) : "");
	if (p->suspended) {
		Assure__Suspension *s = arena_alloc(a, sizeof *s);
		assure__suspension__init(s);
		s->basis = arena_strdup(a, p->susp_basis);
		s->reason = arena_strdup(a, p->susp_reason);
		s->start = arena_strdup(a, p->susp_start);
		s->period_end = arena_strdup(a, p->susp_end);
		s->review_date = arena_strdup(a, p->susp_review);
		s->concern_ref = arena_strdup(a, p->susp_concern_ref);
		s->hearing_offered = arena_strdup(a, p->susp_hearing_offered);
		s->notice_sent = arena_strdup(a, p->susp_notice_sent);
		s->extension = p->susp_extension;
		m->suspension = s;
	}
	return m;
}

/* --- PerformerAdd -------------------------------------------------------- */

static int performer_add_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__PerformerAddRequest *req = call->req->performer_add;
	int prof = domain_profession_parse(req->profession);
	const char *status = domain_profession_on_performers_list(prof) ? "applied" : "none";
	int64_t now = clock_now_ms(), id = 0;
	const char *profession = domain_profession_name(prof); /* "GP" is stored as "gp" */
	int st = store_performer_insert(db, profession, req->reg, req->name, req->national_code,
					status, now, call->actor.username, &id, message);
	if (st == ASSURE__CODE__ALREADY_EXISTS) {
		free(*message);
		*message = xasprintf(
		    "a %s with %s number %s is already registered; duplicates are refused",
		    profession, domain_profession_regulator(prof), req->reg);
	}
	if (st != ASSURE__CODE__OK)
		return st;
	if (strcmp(status, "none") != 0) {
		char date[DOMAIN_DATE_BUFSZ];
		domain_date_format(today(), date);
		struct list_history_record h = {(char *)"",
						(char *)status,
						0,
						0,
						now,
						(char *)call->actor.username,
						(char *)"application recorded",
						(char *)"",
						date};
		st = store_list_history_add(db, id, &h, message);
		if (st != ASSURE__CODE__OK)
			return st;
	}
	struct performer_record *p = NULL;
	st = store_performer_get(db, id, &p, message);
	if (st != ASSURE__CODE__OK)
		return st;
	call->audit_object_id = arena_printf(call->arena, "%lld", (long long)id);
	Assure__PerformerAddResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__performer_add_response__init(r);
	r->performer = performer_msg(call, p);
	performer_record_free(p);
	RPC_RESULT(call, performer_add, PERFORMER_ADD, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_performer_add(struct rpc_call *call)
{
	const Assure__PerformerAddRequest *req = call->req->performer_add;
	call->audit_object_type = "performer";
	int prof = domain_profession_parse(req->profession);
	if (prof < 0)
		return rpc_error(
		    call, ASSURE__CODE__INVALID_ARGUMENT,
		    "profession: '%s' is not one of gp, dentist, optometrist, pharmacist",
		    req->profession);
	char *cause = NULL;
	char buf[256];
	const char *why = validate_text("name", req->name, 200, 1, 0, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	if (domain_registration_check_number(prof, req->reg, &cause) < 0 ||
	    (req->national_code[0] &&
	     domain_registration_check_national_code(prof, req->national_code, &cause) < 0)) {
		enum rpc_result r = rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", cause);
		free(cause);
		return r;
	}
	return rpc_write(call, performer_add_db, NULL);
}

/* --- PerformerList ---------------------------------------------------------- */

static int performer_list_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__PerformerListRequest *req = call->req->performer_list;
	unsigned limit = req->page_size ? req->page_size : PERFORMER_PAGE_DEFAULT;
	if (limit > PERFORMER_PAGE_MAX)
		limit = PERFORMER_PAGE_MAX;
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
	int prof = req->profession[0] ? domain_profession_parse(req->profession) : -1;
	int status = req->status[0] ? domain_list_status_parse(req->status) : -1;
	struct performer_filter f = {
	    .profession = prof >= 0 ? domain_profession_name(prof) : "",
	    .status = status >= 0 ? domain_list_status_name(status) : "",
	    .name = req->name,
	    .suspended_only = req->suspended,
	    .after_id = after,
	    .limit = limit + 1,
	};
	struct performer_record **v = NULL;
	size_t n = 0;
	int st = store_performer_list(db, &f, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__PerformerListResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__performer_list_response__init(r);
	size_t shown = n > limit ? limit : n;
	r->n_performers = shown;
	r->performers = arena_alloc(call->arena, (shown ? shown : 1) * sizeof *r->performers);
	for (size_t i = 0; i < shown; i++)
		r->performers[i] = performer_msg(call, v[i]);
	if (n > limit)
		r->next_page_token = arena_printf(call->arena, "%lld", (long long)v[limit - 1]->id);
	performer_records_free(v, n);
	RPC_RESULT(call, performer_list, PERFORMER_LIST, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_performer_list(struct rpc_call *call)
{
	const Assure__PerformerListRequest *req = call->req->performer_list;
	call->audit_query =
	    arena_printf(call->arena, "profession=%s status=%s suspended=%d name=%s",
			 req->profession, req->status, req->suspended, req->name);
	if (req->profession[0] && domain_profession_parse(req->profession) < 0)
		return rpc_error(
		    call, ASSURE__CODE__INVALID_ARGUMENT,
		    "profession: '%s' is not one of gp, dentist, optometrist, pharmacist",
		    req->profession);
	if (req->status[0] && domain_list_status_parse(req->status) < 0)
		return rpc_error(
		    call, ASSURE__CODE__INVALID_ARGUMENT,
		    "status: '%s' is not a list status (applied, deferred, refused, included, "
		    "included-with-conditions, contingently-removed, removed, withdrawn, "
		    "nationally-disqualified)",
		    req->status);
	char buf[256];
	const char *why = validate_text("name", req->name, 200, 0, 0, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	return rpc_read(call, performer_list_db, NULL);
}

/* --- PerformerShow ----------------------------------------------------------- */

/* The performer named by KEY: "id:N", "PROFESSION:REG" (gp:1234567), a
 * registration number, or an id. A bare number that is both someone's id and
 * someone else's registration number (GDC numbers are short) is refused as
 * ambiguous rather than guessed. */
static int find_performer(struct db *db, const char *key, struct performer_record **out,
			  char **message)
{
	const char *colon = strchr(key, ':');
	char *end;
	if (colon) {
		char *prefix = xstrndup(key, (size_t)(colon - key));
		const char *rest = colon + 1;
		int prof = domain_profession_parse(prefix);
		int is_id = strcmp(prefix, "id") == 0;
		free(prefix);
		if (is_id) {
			long long id = strtoll(rest, &end, 10);
			int st = *end == '\0' && id > 0 ? store_performer_get(db, id, out, message)
							: ASSURE__CODE__NOT_FOUND;
			if (st == ASSURE__CODE__NOT_FOUND)
				*message = xasprintf("no performer with id '%s'", rest);
			return st;
		}
		if (prof < 0) {
			*message = xasprintf(
			    "performer: '%s' is not ID, REG, id:ID or PROFESSION:REG", key);
			return ASSURE__CODE__INVALID_ARGUMENT;
		}
		struct performer_record **v = NULL;
		size_t n = 0;
		int st = store_performer_by_reg(db, rest, &v, &n, message);
		if (st != ASSURE__CODE__OK)
			return st;
		for (size_t i = 0; i < n; i++) {
			if (*out == NULL &&
			    strcmp(v[i]->profession, domain_profession_name(prof)) == 0) {
				*out = v[i];
				v[i] = NULL;
			}
		}
		performer_records_free(v, n);
		if (*out == NULL) {
			*message = xasprintf("no %s with registration number '%s'",
					     domain_profession_name(prof), rest);
			return ASSURE__CODE__NOT_FOUND;
		}
		return ASSURE__CODE__OK;
	}
	struct performer_record **v = NULL;
	size_t n = 0;
	int st = store_performer_by_reg(db, key, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	struct performer_record *by_id = NULL;
	long long id = strtoll(key, &end, 10);
	if (*end == '\0' && id > 0) {
		st = store_performer_get(db, id, &by_id, message);
		if (st != ASSURE__CODE__OK && st != ASSURE__CODE__NOT_FOUND) {
			performer_records_free(v, n);
			return st;
		}
	}
	size_t total = n + (by_id && !(n == 1 && v[0]->id == by_id->id) ? 1 : 0);
	if (total > 1) {
		*message = xasprintf("'%s' names more than one performer (an id and a registration "
				     "number, or numbers in different professions); write id:%s or "
				     "PROFESSION:%s",
				     key, key, key);
		performer_records_free(v, n);
		performer_record_free(by_id);
		return ASSURE__CODE__INVALID_ARGUMENT;
	}
	if (n == 1) {
		*out = v[0];
		free(v);
		performer_record_free(by_id);
		return ASSURE__CODE__OK;
	}
	free(v);
	if (by_id) {
		*out = by_id;
		return ASSURE__CODE__OK;
	}
	*message = xasprintf("no performer with id or registration number '%s'", key);
	return ASSURE__CODE__NOT_FOUND;
}

static int performer_show_db(struct rpc_call *call, struct db *db, char **message)
{
	struct performer_record *p = NULL;
	int st = find_performer(db, call->req->performer_show->performer, &p, message);
	if (st != ASSURE__CODE__OK)
		performer_record_free(p);
	if (st != ASSURE__CODE__OK)
		return st;
	struct list_history_record *h = NULL;
	size_t n = 0;
	st = store_list_history(db, p->id, &h, &n, message);
	if (st != ASSURE__CODE__OK) {
		performer_record_free(p);
		return st;
	}
	struct arena *a = call->arena;
	call->audit_object_id = arena_printf(a, "%lld", (long long)p->id);
	Assure__PerformerShowResponse *r = arena_alloc(a, sizeof *r);
	assure__performer_show_response__init(r);
	r->performer = performer_msg(call, p);
	r->n_history = n;
	r->history = arena_alloc(a, (n ? n : 1) * sizeof *r->history);
	for (size_t i = 0; i < n; i++) {
		Assure__ListStatusChange *c = arena_alloc(a, sizeof *c);
		assure__list_status_change__init(c);
		c->from_status = arena_strdup(a, h[i].from_status);
		c->to_status = arena_strdup(a, h[i].to_status);
		c->suspended_before = h[i].suspended_before;
		c->suspended_after = h[i].suspended_after;
		c->at = h[i].at / 1000;
		c->by = arena_strdup(a, h[i].by);
		c->decision = arena_strdup(a, h[i].decision);
		c->rationale = arena_strdup(a, h[i].rationale);
		c->date = arena_strdup(a, h[i].date);
		r->history[i] = c;
	}
	/* The concerns about this performer that the caller may see: all for
	 * case managers and PAG members, assigned ones for an investigator,
	 * panel-referred ones for a panel member, none for anyone else
	 * (viewers see list status only). Their references go in the audit
	 * record, as for any read of concern content. */
	r->concerns = arena_alloc(a, sizeof *r->concerns);
	enum concern_role role = concern_role_of(call);
	if (role == CONCERN_ROLE_CASE_MANAGER || role == CONCERN_ROLE_PAG_MEMBER ||
	    role == CONCERN_ROLE_INVESTIGATOR || role == CONCERN_ROLE_PANEL_MEMBER) {
		struct concern_filter cf = {
		    .performer_id = p->id,
		    .investigator_id = role == CONCERN_ROLE_INVESTIGATOR ? call->actor.user_id : 0,
		    .panel_referred_only = role == CONCERN_ROLE_PANEL_MEMBER,
		    .limit = 200,
		};
		struct concern_record **cv = NULL;
		size_t cn = 0;
		st = store_concern_list(db, &cf, &cv, &cn, message);
		if (st != ASSURE__CODE__OK) {
			list_history_free(h, n);
			performer_record_free(p);
			return st;
		}
		r->concerns = arena_alloc(a, (cn ? cn : 1) * sizeof *r->concerns);
		r->n_concerns = cn;
		char *refs = arena_strdup(a, "");
		for (size_t i = 0; i < cn; i++) {
			r->concerns[i] = concern_summary_msg(call, cv[i]);
			refs = arena_printf(a, "%s%s%s", refs, i ? "," : "", r->concerns[i]->ref);
		}
		if (cn)
			call->audit_reason = arena_printf(a, "concerns shown: %s", refs);
		concern_records_free(cv, cn);
	}
	list_history_free(h, n);
	performer_record_free(p);
	RPC_RESULT(call, performer_show, PERFORMER_SHOW, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_performer_show(struct rpc_call *call)
{
	call->audit_object_type = "performer";
	const char *key = call->req->performer_show->performer;
	char buf[256];
	const char *why = validate_text("performer", key, 32, 1, 0, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	call->audit_object_id = arena_strdup(call->arena, key);
	return rpc_read(call, performer_show_db, NULL);
}

/* --- PerformerAdmit ------------------------------------------------------------- */

/* The deciding panel: distinct, enabled users holding panel-member, at
 * least the quorum. */
static int check_panel(struct db *db, char **names, size_t n, int quorum, char **message)
{
	if ((int)n < quorum) {
		*message =
		    xasprintf("panel quorum: a decision needs at least %d panel members; %zu named",
			      quorum, n);
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0) {
				*message = xasprintf("panel: '%s' is named twice", names[i]);
				return ASSURE__CODE__INVALID_ARGUMENT;
			}
		struct user_record *u = NULL;
		int st = store_user_find_by_name(db, names[i], &u, message);
		if (st == ASSURE__CODE__NOT_FOUND) {
			*message = xasprintf("panel: no user '%s'", names[i]);
			return st;
		}
		if (st != ASSURE__CODE__OK)
			return st;
		int holds = 0;
		for (size_t k = 0; k < u->nroles; k++)
			holds |= strcmp(u->roles[k], PANEL_ROLE) == 0;
		int disabled = u->disabled;
		user_record_free(u);
		if (!holds || disabled) {
			*message = xasprintf(
			    "panel: '%s' is not an enabled panel member; only the decision "
			    "panel takes list decisions",
			    names[i]);
			return ASSURE__CODE__FAILED_PRECONDITION;
		}
	}
	return ASSURE__CODE__OK;
}

struct admit_state {
	int32_t date;
};

static int performer_admit_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__PerformerAdmitRequest *req = call->req->performer_admit;
	struct admit_state *as = call->state;
	struct performer_record *p = NULL;
	int st = store_performer_get(db, req->performer_id, &p, message);
	if (st == ASSURE__CODE__NOT_FOUND)
		*message = xasprintf("no performer %lld", (long long)req->performer_id);
	if (st != ASSURE__CODE__OK)
		return st;
	if (req->version && (uint64_t)p->version != req->version) {
		char when[32];
		time_format_rfc3339(p->updated_at / 1000, when, sizeof when);
		*message =
		    xasprintf("performer %lld was changed by %s at %s (now version %lld; you sent "
			      "%llu): show it again and retry",
			      (long long)p->id, p->updated_by[0] ? p->updated_by : "someone", when,
			      (long long)p->version, (unsigned long long)req->version);
		performer_record_free(p);
		return ASSURE__CODE__ABORTED;
	}
	if (strcmp(p->list_status, "none") == 0) {
		*message = xasprintf("a pharmacist is not on the Performers List: concerns about "
				     "pharmacists are referred to their regulator");
		performer_record_free(p);
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	int from = domain_list_status_parse(p->list_status);
	int to = domain_list_status_parse(req->decision);
	char *cause = NULL;
	if (domain_list_check_admission(from, to, &cause) < 0) {
		*message = cause;
		performer_record_free(p);
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	const struct concern_config *cfg = NULL;
	st = concern_settings(call, db, &cfg, NULL, message);
	if (st == ASSURE__CODE__OK)
		st = check_panel(db, req->panel, req->n_panel, cfg->panel_quorum, message);
	if (st != ASSURE__CODE__OK) {
		performer_record_free(p);
		return st;
	}
	int64_t now = clock_now_ms();
	const char *conditions = to == LIST_STATUS_INCLUDED_WITH_CONDITIONS ? req->conditions : "";
	const char *decision = domain_list_status_name(to); /* "INCLUDED" is stored as "included" */
	st = store_performer_set_status(db, p->id, decision, conditions, now, call->actor.username,
					message);
	if (st == ASSURE__CODE__OK) {
		size_t len = 16;
		for (size_t i = 0; i < req->n_panel; i++)
			len += strlen(req->panel[i]) + 2;
		char *panel = arena_alloc(call->arena, len);
		strcpy(panel, "admission by ");
		for (size_t i = 0; i < req->n_panel; i++) {
			if (i)
				strcat(panel, ", ");
			strcat(panel, req->panel[i]);
		}
		char date[DOMAIN_DATE_BUFSZ];
		domain_date_format(as->date, date);
		struct list_history_record h = {p->list_status,
						(char *)decision,
						p->suspended,
						p->suspended,
						now,
						(char *)call->actor.username,
						panel,
						(char *)req->rationale,
						date};
		st = store_list_history_add(db, p->id, &h, message);
	}
	int64_t id = p->id;
	performer_record_free(p);
	p = NULL;
	if (st == ASSURE__CODE__OK)
		st = store_performer_get(db, id, &p, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__PerformerAdmitResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__performer_admit_response__init(r);
	r->performer = performer_msg(call, p);
	performer_record_free(p);
	call->audit_reason = arena_printf(call->arena, "admission decision: %s", decision);
	RPC_RESULT(call, performer_admit, PERFORMER_ADMIT, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_performer_admit(struct rpc_call *call)
{
	const Assure__PerformerAdmitRequest *req = call->req->performer_admit;
	call->audit_object_type = "performer";
	call->audit_object_id = arena_printf(call->arena, "%lld", (long long)req->performer_id);
	int to = domain_list_status_parse(req->decision);
	if (to != LIST_STATUS_INCLUDED && to != LIST_STATUS_INCLUDED_WITH_CONDITIONS &&
	    to != LIST_STATUS_DEFERRED && to != LIST_STATUS_REFUSED)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "decision: '%s' is not one of included, included-with-conditions, "
				 "deferred, refused",
				 req->decision);
	char buf[256];
	const char *why = validate_text("rationale", req->rationale, 4000, 1, 1, buf, sizeof buf);
	if (!why)
		why = validate_text("conditions", req->conditions, 4000,
				    to == LIST_STATUS_INCLUDED_WITH_CONDITIONS, 1, buf, sizeof buf);
	if (!why && req->conditions[0] && to != LIST_STATUS_INCLUDED_WITH_CONDITIONS)
		why = "conditions: only an included-with-conditions decision has conditions";
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	struct admit_state *as = arena_alloc(call->arena, sizeof *as);
	as->date = today();
	if (req->date[0]) {
		char *cause = NULL;
		if (domain_date_parse("date", req->date, &as->date, &cause) < 0) {
			enum rpc_result r =
			    rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", cause);
			free(cause);
			return r;
		}
		if (as->date > today())
			return rpc_error(
			    call, ASSURE__CODE__INVALID_ARGUMENT,
			    "date: %s is in the future; record decisions on or after the day "
			    "they are taken",
			    req->date);
	}
	for (size_t i = 0; i < req->n_panel; i++)
		if ((why = validate_username("panel", req->panel[i], buf, sizeof buf)) != NULL)
			return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	call->state = as;
	return rpc_write(call, performer_admit_db, NULL);
}

const struct rpc_entry rpc_performer_table[] = {
    {ASSURE__REQUEST__OP_PERFORMER_ADD, "PerformerAdd", PERM_PERFORMER_WRITE, RPC_WRITE,
     rpc_performer_add, 'C'},
    {ASSURE__REQUEST__OP_PERFORMER_LIST, "PerformerList", PERM_PERFORMER_READ, 0,
     rpc_performer_list, 'R'},
    {ASSURE__REQUEST__OP_PERFORMER_SHOW, "PerformerShow", PERM_PERFORMER_READ, 0,
     rpc_performer_show, 'R'},
    {ASSURE__REQUEST__OP_PERFORMER_ADMIT, "PerformerAdmit", PERM_PERFORMER_WRITE, RPC_WRITE,
     rpc_performer_admit, 'U'},
};

const size_t rpc_performer_count = sizeof rpc_performer_table / sizeof rpc_performer_table[0];
