/*
 * Configuration RPCs (DOMAIN.md: "Periods and thresholds below are defaults
 * that an admin can change in configuration (each change audited); the
 * rules themselves are code"): ConfigShow, ConfigSet, HolidayList,
 * HolidayAdd, HolidayRemove.
 *
 * Reads answer from the call's configuration snapshot (settings.h), so a
 * listing is one consistent view. Changes run on the writer: the check
 * against the configuration in force, the change, the counter bump and the
 * audit record (old and new values, and the reason) commit in one
 * transaction. A change applies to every clock started after it commits;
 * deadlines already recorded keep the due dates the parties were given.
 * review.qof-maxima applies to QOF recorded after it; each review keeps
 * the maxima its QOF was checked against.
 *
 * Formats are checked on the loop thread (each key's parser, dates,
 * reasons), and again on the writer against the values in force.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "domain_dates.h"
#include "domain_settings.h"
#include "rpc.h"
#include "settings.h"
#include "store_settings.h"
#include "timeutil.h"
#include "validate.h"
#include "xmalloc.h"

#define REASON_MAX 1000
#define HOLIDAY_NAME_MAX 100

static const struct settings_values defaults = SETTINGS_VALUES_DEFAULT;

static char *dup(struct rpc_call *call, const char *s)
{
	return arena_strdup(call->arena, s ? s : "");
}

static Assure__Setting *setting_msg(struct rpc_call *call, const struct settings_key *k,
				    const struct settings_values *v,
				    const struct setting_record *row)
{
	char value[SETTINGS_VALUE_BUFSZ], dflt[SETTINGS_VALUE_BUFSZ];
	k->format(k, v, value);
	k->format(k, &defaults, dflt);
	Assure__Setting *m = arena_alloc(call->arena, sizeof *m);
	assure__setting__init(m);
	m->key = dup(call, k->name);
	m->value = dup(call, value);
	m->default_value = dup(call, dflt);
	m->meaning = dup(call, k->meaning);
	m->version = row ? (uint64_t)row->version : 1;
	m->changed_by = dup(call, row ? row->changed_by : "");
	m->changed_at = row ? row->changed_at / 1000 : 0;
	m->reason = dup(call, row ? row->reason : "");
	return m;
}

/* --- ConfigShow ----------------------------------------------------------- */

static int config_show_db(struct rpc_call *call, struct db *db, char **message)
{
	const struct settings_snapshot *s = NULL;
	int st = rpc_settings(call, db, &s, message);
	if (st != ASSURE__CODE__OK)
		return st;
	size_t n = 0;
	const struct settings_key *keys = settings_keys(&n);
	Assure__ConfigShowResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__config_show_response__init(r);
	r->settings = arena_alloc(call->arena, (n ? n : 1) * sizeof *r->settings);
	for (size_t i = 0; i < n; i++)
		r->settings[r->n_settings++] = setting_msg(call, &keys[i], settings_values_of(s),
							   settings_row(s, keys[i].name));
	size_t nh = 0;
	const struct holiday_override_record *h = settings_holiday_changes(s, &nh);
	for (size_t i = 0; i < nh; i++) {
		if (h[i].removed)
			r->holidays_removed++;
		else
			r->holidays_added++;
	}
	r->config_version = (uint64_t)settings_config_version(s);
	RPC_RESULT(call, config_show, CONFIG_SHOW, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_config_show(struct rpc_call *call)
{
	return rpc_read(call, config_show_db, NULL);
}

/* --- ConfigSet ------------------------------------------------------------- */

static int config_set_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConfigSetRequest *req = call->req->config_set;
	const struct settings_snapshot *s = NULL;
	int st = rpc_settings(call, db, &s, message);
	if (st != ASSURE__CODE__OK)
		return st;
	const struct settings_key *k = settings_key_find(req->key);
	const struct setting_record *row = settings_row(s, k->name);
	int64_t version = row ? row->version : 1;
	if ((uint64_t)version != req->version) {
		if (row == NULL) {
			*message =
			    xasprintf("setting %s is at version 1 (its default, never changed; "
				      "you sent %llu): show it again and retry",
				      k->name, (unsigned long long)req->version);
		} else {
			char when[32];
			time_format_rfc3339(row->changed_at / 1000, when, sizeof when);
			*message =
			    xasprintf("setting %s was changed by %s at %s (now version %lld; "
				      "you sent %llu): show it again and retry",
				      k->name, row->changed_by, when, (long long)version,
				      (unsigned long long)req->version);
		}
		return ASSURE__CODE__ABORTED;
	}
	struct settings_values v = *settings_values_of(s);
	char old_value[SETTINGS_VALUE_BUFSZ], new_value[SETTINGS_VALUE_BUFSZ];
	k->format(k, &v, old_value);
	if (settings_set(&v, k->name, req->value, message) < 0)
		return ASSURE__CODE__INVALID_ARGUMENT;
	k->format(k, &v, new_value);

	Assure__ConfigSetResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__config_set_response__init(r);
	r->old_value = dup(call, old_value);
	if (strcmp(old_value, new_value) == 0) {
		/* Nothing to change: no new version, nothing for anyone to
		 * retry against; the refusal-free answer says so. */
		r->changed = 0;
		r->setting = setting_msg(call, k, &v, row);
		r->config_version = (uint64_t)settings_config_version(s);
		call->audit_reason =
		    arena_printf(call->arena, "%s unchanged: %s is already in force; reason: %s",
				 k->name, new_value, req->reason);
		RPC_RESULT(call, config_set, CONFIG_SET, r);
		return ASSURE__CODE__OK;
	}
	int64_t now = clock_now_ms(), new_version = 0, config_version = 0;
	struct setting_record stale = {0};
	st = store_setting_put(db, k->name, new_value, version, now, call->actor.username,
			       req->reason, &new_version, &stale, message);
	setting_record_clear(&stale); /* the snapshot said otherwise: cannot happen */
	if (st == ASSURE__CODE__OK)
		st = store_settings_bump(db, now, call->actor.username, &config_version, message);
	if (st != ASSURE__CODE__OK)
		return st;
	struct setting_record now_row = {
	    .key = (char *)k->name,
	    .value = new_value,
	    .version = new_version,
	    .changed_by = (char *)call->actor.username,
	    .changed_at = now,
	    .reason = (char *)req->reason,
	};
	r->changed = 1;
	r->setting = setting_msg(call, k, &v, &now_row);
	r->config_version = (uint64_t)config_version;
	call->audit_reason = arena_printf(call->arena, "%s: %s -> %s (%s); reason: %s", k->name,
					  old_value, new_value, k->applies, req->reason);
	RPC_RESULT(call, config_set, CONFIG_SET, r);
	return ASSURE__CODE__OK;
}

static const char *check_reason(struct rpc_call *call, const char *reason)
{
	char buf[256];
	const char *why = validate_text("reason", reason, REASON_MAX, 1, 0, buf, sizeof buf);
	return why ? arena_strdup(call->arena, why) : NULL;
}

static enum rpc_result rpc_config_set(struct rpc_call *call)
{
	const Assure__ConfigSetRequest *req = call->req->config_set;
	rpc_audit_object(call, "setting", req->key);
	/* The value against the defaults now, so a malformed one costs no
	 * trip to the writer; the writer checks it again against the values
	 * then in force. */
	struct settings_values v = defaults;
	char *cause = NULL;
	if (settings_set(&v, req->key, req->value, &cause) < 0) {
		enum rpc_result res = rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", cause);
		free(cause);
		return res;
	}
	const char *why = check_reason(call, req->reason);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	if (req->version == 0)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "version: required (the setting's version you saw; assure config "
				 "show lists it, 1 for a default never changed)");
	return rpc_write(call, config_set_db, NULL);
}

/* --- holidays ------------------------------------------------------------------- */

static Assure__Holiday *holiday_msg(struct rpc_call *call, int32_t day, const char *name,
				    const char *source, const struct holiday_override_record *h)
{
	char date[DOMAIN_DATE_BUFSZ];
	Assure__Holiday *m = arena_alloc(call->arena, sizeof *m);
	assure__holiday__init(m);
	m->date = dup(call, domain_date_format(day, date));
	m->name = dup(call, name);
	m->source = dup(call, source);
	m->in_force = strcmp(source, "removed") != 0;
	m->changed_by = dup(call, h ? h->changed_by : "");
	m->changed_at = h ? h->changed_at / 1000 : 0;
	m->reason = dup(call, h ? h->reason : "");
	return m;
}

static const struct holiday_override_record *change_on(const struct settings_snapshot *s,
						       const char *date)
{
	size_t n = 0;
	const struct holiday_override_record *h = settings_holiday_changes(s, &n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(h[i].day, date) == 0)
			return &h[i];
	return NULL;
}

/* The name the day goes by in the table: an added day's own, else the
 * default's. */
static const char *holiday_name(const struct settings_snapshot *s, int32_t day)
{
	char date[DOMAIN_DATE_BUFSZ];
	const struct holiday_override_record *h = change_on(s, domain_date_format(day, date));
	if (h != NULL && !h->removed)
		return h->name;
	const char *name = domain_bank_holiday_name(day);
	return name ? name : "bank holiday";
}

struct holiday_list_state {
	int first, last;
};

static int cmp_holiday(const void *a, const void *b)
{
	const Assure__Holiday *x = *(Assure__Holiday *const *)a;
	const Assure__Holiday *y = *(Assure__Holiday *const *)b;
	return strcmp(x->date, y->date);
}

static int holiday_list_db(struct rpc_call *call, struct db *db, char **message)
{
	struct holiday_list_state *ls = call->state;
	const struct settings_snapshot *s = NULL;
	int st = rpc_settings(call, db, &s, message);
	if (st != ASSURE__CODE__OK)
		return st;
	size_t cap = (size_t)(ls->last - ls->first + 1) * DOMAIN_BANK_HOLIDAYS_PER_YEAR_MAX;
	struct domain_bank_holiday *def = xmalloc((cap ? cap : 1) * sizeof *def);
	size_t nd = domain_bank_holidays_england_wales_named(ls->first, ls->last, def, cap);
	if (nd > cap)
		nd = cap;
	size_t nh = 0;
	const struct holiday_override_record *h = settings_holiday_changes(s, &nh);
	Assure__HolidayListResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__holiday_list_response__init(r);
	r->holidays = arena_alloc(call->arena, (nd + nh + 1) * sizeof *r->holidays);
	for (size_t i = 0; i < nd; i++) {
		char date[DOMAIN_DATE_BUFSZ];
		const struct holiday_override_record *c =
		    change_on(s, domain_date_format(def[i].day, date));
		int removed = c != NULL && c->removed;
		r->holidays[r->n_holidays++] =
		    holiday_msg(call, def[i].day, def[i].name, removed ? "removed" : "default",
				removed ? c : NULL);
	}
	free(def);
	for (size_t i = 0; i < nh; i++) {
		int32_t day;
		int year;
		if (h[i].removed || domain_date_parse("day", h[i].day, &day, NULL) < 0)
			continue;
		domain_date_to_ymd(day, &year, NULL, NULL);
		if (year < ls->first || year > ls->last)
			continue;
		r->holidays[r->n_holidays++] = holiday_msg(call, day, h[i].name, "added", &h[i]);
	}
	qsort(r->holidays, r->n_holidays, sizeof *r->holidays, cmp_holiday);
	r->first_table_year = SETTINGS_HOLIDAY_FIRST_YEAR;
	r->last_table_year = SETTINGS_HOLIDAY_LAST_YEAR;
	RPC_RESULT(call, holiday_list, HOLIDAY_LIST, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_holiday_list(struct rpc_call *call)
{
	const Assure__HolidayListRequest *req = call->req->holiday_list;
	int year;
	domain_date_to_ymd(clock_today(), &year, NULL, NULL);
	struct holiday_list_state *ls = arena_alloc(call->arena, sizeof *ls);
	ls->first = req->first_year ? req->first_year : year;
	ls->last = req->last_year ? req->last_year : ls->first;
	call->audit_query = arena_printf(call->arena, "years=%d-%d", ls->first, ls->last);
	if (ls->first < SETTINGS_HOLIDAY_FIRST_YEAR || ls->first > SETTINGS_HOLIDAY_LAST_YEAR)
		return rpc_error(
		    call, ASSURE__CODE__INVALID_ARGUMENT,
		    "first_year: %d is outside the bank-holiday table's years %d to %d", ls->first,
		    SETTINGS_HOLIDAY_FIRST_YEAR, SETTINGS_HOLIDAY_LAST_YEAR);
	if (ls->last < SETTINGS_HOLIDAY_FIRST_YEAR || ls->last > SETTINGS_HOLIDAY_LAST_YEAR)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "last_year: %d is outside the bank-holiday table's years %d to %d",
				 ls->last, SETTINGS_HOLIDAY_FIRST_YEAR, SETTINGS_HOLIDAY_LAST_YEAR);
	if (ls->last < ls->first)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "last_year: %d is before first_year %d", ls->last, ls->first);
	call->state = ls;
	return rpc_read(call, holiday_list_db, NULL);
}

struct holiday_change_state {
	int32_t day;
	char date[DOMAIN_DATE_BUFSZ];
};

static Assure__HolidayChangeResponse *
change_response(struct rpc_call *call, Assure__Holiday *holiday, int64_t config_version)
{
	Assure__HolidayChangeResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__holiday_change_response__init(r);
	r->holiday = holiday;
	r->config_version = (uint64_t)config_version;
	return r;
}

static int holiday_add_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__HolidayAddRequest *req = call->req->holiday_add;
	struct holiday_change_state *hs = call->state;
	const struct settings_snapshot *s = NULL;
	int st = rpc_settings(call, db, &s, message);
	if (st != ASSURE__CODE__OK)
		return st;
	if (domain_holidays_contains(settings_holidays(s), hs->day)) {
		*message = xasprintf("date: %s is already a bank holiday (%s)", hs->date,
				     holiday_name(s, hs->day));
		return ASSURE__CODE__ALREADY_EXISTS;
	}
	int64_t now = clock_now_ms(), config_version = 0;
	const struct holiday_override_record *c = change_on(s, hs->date);
	struct holiday_override_record rec = {
	    .day = hs->date,
	    .removed = 0,
	    .name = (char *)req->name,
	    .changed_by = (char *)call->actor.username,
	    .changed_at = now,
	    .reason = (char *)req->reason,
	};
	Assure__Holiday *m;
	const char *what;
	if (c != NULL && c->removed) {
		/* A default day taken out earlier: putting it back is undoing
		 * that, and the day keeps its own name. */
		const char *name = domain_bank_holiday_name(hs->day);
		st = store_holiday_override_delete(db, hs->date, message);
		m = holiday_msg(call, hs->day, name ? name : req->name, "default", NULL);
		what = "restored (a default day removed earlier): ";
	} else {
		st = store_holiday_override_add(db, &rec, message);
		m = holiday_msg(call, hs->day, req->name, "added", &rec);
		what = "added: ";
	}
	if (st == ASSURE__CODE__OK)
		st = store_settings_bump(db, now, call->actor.username, &config_version, message);
	if (st != ASSURE__CODE__OK)
		return st;
	call->audit_reason = arena_printf(call->arena,
					  "bank holiday %s %s%s; for clocks started from now on; "
					  "reason: %s",
					  hs->date, what, m->name, req->reason);
	RPC_RESULT(call, holiday_add, HOLIDAY_ADD, change_response(call, m, config_version));
	return ASSURE__CODE__OK;
}

/* The date of a holiday request on the loop thread; NULL or the error. */
static const char *holiday_date_arg(struct rpc_call *call, const char *date,
				    struct holiday_change_state **out)
{
	struct holiday_change_state *hs = arena_alloc(call->arena, sizeof *hs);
	char *cause = NULL;
	if (domain_date_parse("date", date, &hs->day, &cause) < 0) {
		const char *m = arena_strdup(call->arena, cause);
		free(cause);
		return m;
	}
	domain_date_format(hs->day, hs->date);
	*out = hs;
	return NULL;
}

static enum rpc_result rpc_holiday_add(struct rpc_call *call)
{
	const Assure__HolidayAddRequest *req = call->req->holiday_add;
	rpc_audit_object(call, "holiday", req->date);
	struct holiday_change_state *hs = NULL;
	const char *why = holiday_date_arg(call, req->date, &hs);
	char *cause = NULL;
	if (!why && settings_holiday_check_day("date", hs->day, &cause) < 0) {
		why = arena_strdup(call->arena, cause);
		free(cause);
	}
	char buf[256];
	if (!why)
		why = validate_text("name", req->name, HOLIDAY_NAME_MAX, 1, 0, buf, sizeof buf);
	if (!why)
		why = check_reason(call, req->reason);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	call->state = hs;
	return rpc_write(call, holiday_add_db, NULL);
}

static int holiday_remove_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__HolidayRemoveRequest *req = call->req->holiday_remove;
	struct holiday_change_state *hs = call->state;
	const struct settings_snapshot *s = NULL;
	int st = rpc_settings(call, db, &s, message);
	if (st != ASSURE__CODE__OK)
		return st;
	if (!domain_holidays_contains(settings_holidays(s), hs->day)) {
		*message = xasprintf("date: %s is not a bank holiday in the table", hs->date);
		return ASSURE__CODE__NOT_FOUND;
	}
	const char *name = arena_strdup(call->arena, holiday_name(s, hs->day));
	int64_t now = clock_now_ms(), config_version = 0;
	const struct holiday_override_record *c = change_on(s, hs->date);
	struct holiday_override_record rec = {
	    .day = hs->date,
	    .removed = 1,
	    .name = (char *)name,
	    .changed_by = (char *)call->actor.username,
	    .changed_at = now,
	    .reason = (char *)req->reason,
	};
	Assure__Holiday *m;
	if (c != NULL && !c->removed) {
		/* A day an admin added: taking it out undoes the addition. */
		st = store_holiday_override_delete(db, hs->date, message);
		m = holiday_msg(call, hs->day, name, "added", NULL);
		m->in_force = 0;
	} else {
		st = store_holiday_override_add(db, &rec, message);
		m = holiday_msg(call, hs->day, name, "removed", &rec);
	}
	if (st == ASSURE__CODE__OK)
		st = store_settings_bump(db, now, call->actor.username, &config_version, message);
	if (st != ASSURE__CODE__OK)
		return st;
	call->audit_reason = arena_printf(
	    call->arena,
	    "bank holiday %s removed (%s, %s); for clocks started from "
	    "now on; reason: %s",
	    hs->date, name, c != NULL ? "added earlier" : "a default day", req->reason);
	RPC_RESULT(call, holiday_remove, HOLIDAY_REMOVE, change_response(call, m, config_version));
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_holiday_remove(struct rpc_call *call)
{
	const Assure__HolidayRemoveRequest *req = call->req->holiday_remove;
	rpc_audit_object(call, "holiday", req->date);
	struct holiday_change_state *hs = NULL;
	const char *why = holiday_date_arg(call, req->date, &hs);
	if (!why)
		why = check_reason(call, req->reason);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	call->state = hs;
	return rpc_write(call, holiday_remove_db, NULL);
}

/* Reading the configuration needs only a session: the periods decide the
 * deadlines everyone sees. Changing it needs config.manage. */
const struct rpc_entry rpc_config_table[] = {
    {ASSURE__REQUEST__OP_CONFIG_SHOW, "ConfigShow", PERM_NONE, 0, rpc_config_show, 'R'},
    {ASSURE__REQUEST__OP_CONFIG_SET, "ConfigSet", PERM_CONFIG_MANAGE, RPC_WRITE, rpc_config_set,
     'U'},
    {ASSURE__REQUEST__OP_HOLIDAY_LIST, "HolidayList", PERM_NONE, 0, rpc_holiday_list, 'R'},
    {ASSURE__REQUEST__OP_HOLIDAY_ADD, "HolidayAdd", PERM_CONFIG_MANAGE, RPC_WRITE, rpc_holiday_add,
     'C'},
    {ASSURE__REQUEST__OP_HOLIDAY_REMOVE, "HolidayRemove", PERM_CONFIG_MANAGE, RPC_WRITE,
     rpc_holiday_remove, 'D'},
};

const size_t rpc_config_count = sizeof rpc_config_table / sizeof rpc_config_table[0];
