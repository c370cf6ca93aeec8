/*
 * Admin-changeable configuration against a real assured (DOMAIN.md:
 * "Periods and thresholds below are defaults that an admin can change in
 * configuration (each change audited); the rules themselves are code"),
 * through the client library and the real assure CLI, on a server whose
 * clock is a file:
 *
 *   1. everyone logged in sees the defaults and the bank-holiday table;
 *   2. only config.manage (the admin role) changes anything;
 *   3. bad values are INVALID_ARGUMENT naming the key or field, and
 *      change nothing;
 *   4. a change takes effect for the next clock: concern.triage 10wd moves
 *      the next concern's triage deadline, an added bank holiday moves it
 *      again, a removed one moves it back; deadlines already set keep
 *      their dates; the quorum and the bands reach admissions and grades;
 *   5. a stale version is ABORTED naming who changed it and when;
 *   6. every change is in the audit trail with old and new values and the
 *      reason, and refusals are audited too;
 *   7. a restart keeps the settings and the table;
 *   8. the CLI: show, set, holiday list/add/remove, exit codes;
 *   9. a window already running keeps the date the parties were told: a
 *      shorter representations window does not let the panel decide early.
 *
 * Monday 2026-06-01 is day 0: no bank holiday until 31 August, so 5
 * working days from it is Monday 8 June and 10 is Monday 15 June.
 * Expected answers come from DOMAIN.md, docs/CONFIG.md and the proto.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#define PW "config test passphrase 4"
#define SITE "HQ"
#define PYTHON3 "/usr/bin/python3"
#define D0 "2026-06-01"

#define OK ASSURE__CODE__OK
#define PD ASSURE__CODE__PERMISSION_DENIED
#define IA ASSURE__CODE__INVALID_ARGUMENT
#define AB ASSURE__CODE__ABORTED
#define FP ASSURE__CODE__FAILED_PRECONDITION
#define NF ASSURE__CODE__NOT_FOUND
#define AE ASSURE__CODE__ALREADY_EXISTS

enum { U_ADMIN, U_CM, U_VIEWER, U_AUD, U_PANEL1, U_PANEL2, U_PANEL3, U_PAG, NUSERS };

static const struct {
	const char *name, *roles;
} users[NUSERS] = {
    [U_ADMIN] = {"cfgadmin", "admin"},	     [U_CM] = {"cm", "case-manager"},
    [U_VIEWER] = {"viewer", "viewer"},	     [U_AUD] = {"aud", "auditor"},
    [U_PANEL1] = {"panel1", "panel-member"}, [U_PANEL2] = {"panel2", "panel-member"},
    [U_PANEL3] = {"panel3", "panel-member"}, [U_PAG] = {"pag", "pag-member"},
};

static struct harness_server server;
static struct harness_clock clk;
static struct client *cl[NUSERS];
static int64_t gp;

#define ADMIN (cl[U_ADMIN])
#define CM (cl[U_CM])
#define VIEWER (cl[U_VIEWER])
#define AUD (cl[U_AUD])

static const char *const panel123[] = {"panel1", "panel2", "panel3", NULL};

static time_t ymd_time(const char *ymd)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (sscanf(ymd, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		fail_msg("bad date %s", ymd);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 10;
	return timegm(&tm);
}

static void login_all(void)
{
	for (int i = 0; i < NUSERS; i++) {
		if (cl[i] != NULL)
			client_free(cl[i]);
		cl[i] = harness_connect_login(&server, users[i].name, PW, NULL, NULL);
	}
}

/* ---- the configuration requests (their messages live here) ------------- */

static struct {
	Assure__ConfigShowRequest show;
	Assure__ConfigSetRequest set;
	Assure__HolidayListRequest list;
	Assure__HolidayAddRequest add;
	Assure__HolidayRemoveRequest remove;
} m;

static void req_show(struct harness_ireq *r)
{
	memset(r, 0, sizeof *r);
	r->req = (Assure__Request)ASSURE__REQUEST__INIT;
	m.show = (Assure__ConfigShowRequest)ASSURE__CONFIG_SHOW_REQUEST__INIT;
	r->req.op_case = ASSURE__REQUEST__OP_CONFIG_SHOW;
	r->req.config_show = &m.show;
}

static void req_set(struct harness_ireq *r, const char *key, const char *value, const char *reason,
		    uint64_t version)
{
	memset(r, 0, sizeof *r);
	r->req = (Assure__Request)ASSURE__REQUEST__INIT;
	m.set = (Assure__ConfigSetRequest)ASSURE__CONFIG_SET_REQUEST__INIT;
	m.set.key = (char *)key;
	m.set.value = (char *)value;
	m.set.reason = (char *)reason;
	m.set.version = version;
	r->req.op_case = ASSURE__REQUEST__OP_CONFIG_SET;
	r->req.config_set = &m.set;
}

static void req_list(struct harness_ireq *r, int first, int last)
{
	memset(r, 0, sizeof *r);
	r->req = (Assure__Request)ASSURE__REQUEST__INIT;
	m.list = (Assure__HolidayListRequest)ASSURE__HOLIDAY_LIST_REQUEST__INIT;
	m.list.first_year = first;
	m.list.last_year = last;
	r->req.op_case = ASSURE__REQUEST__OP_HOLIDAY_LIST;
	r->req.holiday_list = &m.list;
}

static void req_add(struct harness_ireq *r, const char *date, const char *name, const char *reason)
{
	memset(r, 0, sizeof *r);
	r->req = (Assure__Request)ASSURE__REQUEST__INIT;
	m.add = (Assure__HolidayAddRequest)ASSURE__HOLIDAY_ADD_REQUEST__INIT;
	m.add.date = (char *)date;
	m.add.name = (char *)name;
	m.add.reason = (char *)reason;
	r->req.op_case = ASSURE__REQUEST__OP_HOLIDAY_ADD;
	r->req.holiday_add = &m.add;
}

static void req_remove(struct harness_ireq *r, const char *date, const char *reason)
{
	memset(r, 0, sizeof *r);
	r->req = (Assure__Request)ASSURE__REQUEST__INIT;
	m.remove = (Assure__HolidayRemoveRequest)ASSURE__HOLIDAY_REMOVE_REQUEST__INIT;
	m.remove.date = (char *)date;
	m.remove.reason = (char *)reason;
	r->req.op_case = ASSURE__REQUEST__OP_HOLIDAY_REMOVE;
	r->req.holiday_remove = &m.remove;
}

/* ---- helpers ---------------------------------------------------------------- */

/* ConfigShow as c; caller frees. */
static Assure__Response *config_show(struct client *c)
{
	struct harness_ireq r;
	req_show(&r);
	Assure__Response *resp = harness_iexpect(c, &r, OK, "ConfigShow");
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_CONFIG_SHOW);
	assert_non_null(resp->config_show);
	return resp;
}

static const Assure__Setting *find_setting(const Assure__ConfigShowResponse *r, const char *key)
{
	for (size_t i = 0; i < r->n_settings; i++)
		if (strcmp(r->settings[i]->key, key) == 0)
			return r->settings[i];
	fail_msg("ConfigShow has no %s", key);
	return NULL;
}

/* The value and version of key now, as the viewer sees it. */
static uint64_t setting(const char *key, char *value, size_t size)
{
	Assure__Response *resp = config_show(VIEWER);
	const Assure__Setting *s = find_setting(resp->config_show, key);
	uint64_t v = s->version;
	if (value)
		snprintf(value, size, "%s", s->value);
	assure__response__free_unpacked(resp, NULL);
	return v;
}

static uint64_t config_version(void)
{
	Assure__Response *resp = config_show(VIEWER);
	uint64_t v = resp->config_show->config_version;
	assure__response__free_unpacked(resp, NULL);
	return v;
}

/* ConfigSet as admin, asserting OK and changed; returns the new version. */
static uint64_t set_ok(const char *key, const char *value, uint64_t version, const char *old)
{
	struct harness_ireq r;
	char what[128];
	snprintf(what, sizeof what, "ConfigSet %s %s", key, value);
	req_set(&r, key, value, "policy review 2026", version);
	Assure__Response *resp = harness_iexpect(ADMIN, &r, OK, what);
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_CONFIG_SET);
	const Assure__ConfigSetResponse *s = resp->config_set;
	assert_non_null(s);
	assert_non_null(s->setting);
	assert_true(s->changed);
	assert_string_equal(s->setting->key, key);
	assert_string_equal(s->setting->value, value);
	assert_string_equal(s->setting->changed_by, "cfgadmin");
	assert_int_equal(s->setting->version, version + 1);
	if (old)
		assert_string_equal(s->old_value, old);
	uint64_t v = s->setting->version;
	assure__response__free_unpacked(resp, NULL);
	return v;
}

/* Opens a concern received on D0; its triage deadline's due date into due. */
static void open_triage_due(char due[16])
{
	struct harness_ireq r;
	harness_ireq_concern_open(&r, gp, "patient-complaint", "conduct", "rude to a patient", D0,
				  NULL, NULL);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "ConcernOpen");
	char ref[16];
	snprintf(ref, sizeof ref, "%s", resp->concern_open->concern->ref);
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_concern_show(&r, ref);
	resp = harness_iexpect(CM, &r, OK, "ConcernShow");
	const Assure__ConcernShowResponse *s = resp->concern_show;
	due[0] = '\0';
	for (size_t i = 0; i < s->n_deadlines; i++)
		if (strcmp(s->deadlines[i]->kind, "triage") == 0)
			snprintf(due, 16, "%s", s->deadlines[i]->due);
	assure__response__free_unpacked(resp, NULL);
	if (due[0] == '\0')
		fail_msg("%s has no triage deadline", ref);
}

/* The triage deadline of ref. */
static void triage_due_of(const char *ref, char due[16])
{
	struct harness_ireq r;
	harness_ireq_concern_show(&r, ref);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "ConcernShow");
	due[0] = '\0';
	for (size_t i = 0; i < resp->concern_show->n_deadlines; i++)
		if (strcmp(resp->concern_show->deadlines[i]->kind, "triage") == 0)
			snprintf(due, 16, "%s", resp->concern_show->deadlines[i]->due);
	assure__response__free_unpacked(resp, NULL);
}

/* The holiday on date in HolidayList for its year, or fails. Caller frees
 * the response; *out points into it. */
static Assure__Response *holiday_on(const char *date, const Assure__Holiday **out)
{
	struct harness_ireq r;
	int year = atoi(date);
	req_list(&r, year, year);
	Assure__Response *resp = harness_iexpect(VIEWER, &r, OK, "HolidayList");
	*out = NULL;
	for (size_t i = 0; i < resp->holiday_list->n_holidays; i++)
		if (strcmp(resp->holiday_list->holidays[i]->date, date) == 0)
			*out = resp->holiday_list->holidays[i];
	return resp;
}

/* Audit records for object type:id and event, as the auditor: how many,
 * and the reason of the last successful one into reason. */
static size_t audit_records(const char *type, const char *id, const char *event,
			    uint32_t outcome_status, char *reason, size_t size)
{
	struct harness_ireq r;
	harness_ireq_audit_query_object(&r, type, id, NULL, event);
	Assure__Response *resp = harness_iexpect(AUD, &r, OK, "AuditQuery");
	size_t n = 0;
	if (reason)
		reason[0] = '\0';
	for (size_t i = 0; i < resp->audit_query->n_entries; i++) {
		const Assure__AuditEntry *e = resp->audit_query->entries[i];
		Assure__AuditRecord *rec =
		    assure__audit_record__unpack(NULL, e->record.len, e->record.data);
		assert_non_null(rec);
		int status_ok = outcome_status == OK ? strcmp(rec->status, "OK") == 0
						     : strcmp(rec->status, "OK") != 0;
		if (strcmp(rec->object_id, id) == 0 && status_ok) {
			n++;
			if (reason)
				snprintf(reason, size, "%s", rec->reason);
		}
		assure__audit_record__free_unpacked(rec, NULL);
	}
	assure__response__free_unpacked(resp, NULL);
	return n;
}

/* Records of event refused with status (its name), by anyone, on any
 * object: a refusal by the dispatcher comes before the handler names one. */
static size_t audit_refusals(const char *event, const char *status)
{
	struct harness_ireq r;
	harness_ireq_audit_query_object(&r, NULL, NULL, NULL, event);
	Assure__Response *resp = harness_iexpect(AUD, &r, OK, "AuditQuery refusals");
	size_t n = 0;
	for (size_t i = 0; i < resp->audit_query->n_entries; i++) {
		const Assure__AuditEntry *e = resp->audit_query->entries[i];
		Assure__AuditRecord *rec =
		    assure__audit_record__unpack(NULL, e->record.len, e->record.data);
		assert_non_null(rec);
		n += strcmp(rec->status, status) == 0;
		assure__audit_record__free_unpacked(rec, NULL);
	}
	assure__response__free_unpacked(resp, NULL);
	return n;
}

/* ---- setup -------------------------------------------------------------------- */

static int group_setup(void **state)
{
	(void)state;
	harness_server_start_clock(&server, &clk, NULL);
	harness_clock_set(&clk, (int64_t)ymd_time(D0) * 1000);
	struct client *admin = harness_connect_admin(&server);
	struct harness_ireq r;
	harness_ireq_site_add(&r, SITE, "Headquarters");
	harness_iexpect_code(admin, &r, OK, "SiteAdd HQ");
	for (int i = 0; i < NUSERS; i++)
		harness_add_user(admin, users[i].name, users[i].roles, SITE, PW, NULL);
	client_free(admin);
	login_all();
	harness_ireq_performer_add(&r, "gp", "7300001", "Dr Config Test", NULL);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "PerformerAdd");
	gp = resp->performer_add->performer->id;
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_performer_admit(&r, gp, "included", "meets the requirements", NULL, panel123,
				     NULL, 0);
	harness_iexpect_code(CM, &r, OK, "PerformerAdmit included");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NUSERS; i++)
		if (cl[i] != NULL) {
			client_free(cl[i]);
			cl[i] = NULL;
		}
	harness_server_destroy(&server);
	return 0;
}

/* ---- 1. defaults, for everyone -------------------------------------------------- */

static void test_defaults_for_everyone(void **state)
{
	(void)state;
	static const struct {
		const char *key, *value;
	} want[] = {
	    {"concern.panel-quorum", "3"},
	    {"concern.triage", "5wd"},
	    {"concern.investigation", "12w"},
	    {"concern.representations", "28d"},
	    {"concern.decision-notice", "7d"},
	    {"concern.appeal", "28d"},
	    {"concern.review-first", "3m"},
	    {"concern.review-every", "6m"},
	    {"concern.suspension-max", "6m"},
	    {"concern.suspension-notice", "2wd"},
	    {"concern.bands", "low:1-3,moderate:4-6,high:8-12,extreme:15-25"},
	    {"review.qof-maxima",
	     "clinical:697,organisational:167.5,patient-experience:91.5,additional-services:44"},
	};
	for (int u = 0; u < NUSERS; u++) {
		Assure__Response *resp = config_show(cl[u]);
		const Assure__ConfigShowResponse *r = resp->config_show;
		assert_int_equal(r->n_settings, sizeof want / sizeof want[0]);
		assert_int_equal(r->config_version, 1);
		for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
			const Assure__Setting *s = find_setting(r, want[i].key);
			assert_string_equal(s->value, want[i].value);
			assert_string_equal(s->default_value, want[i].value);
			assert_int_equal(s->version, 1);
			assert_string_equal(s->changed_by, "");
			assert_true(strlen(s->meaning) > 0);
		}
		assure__response__free_unpacked(resp, NULL);
	}
	const Assure__Holiday *h = NULL;
	Assure__Response *resp = holiday_on("2026-12-25", &h);
	assert_non_null(h);
	assert_string_equal(h->name, "Christmas Day");
	assert_string_equal(h->source, "default");
	assert_true(h->in_force);
	/* 2026: New Year, Good Friday, Easter Monday, early May, spring,
	 * summer, Christmas, Boxing Day (substitute). */
	assert_int_equal(resp->holiday_list->n_holidays, 8);
	assert_int_equal(resp->holiday_list->first_table_year, 1990);
	assert_int_equal(resp->holiday_list->last_table_year, 2100);
	assure__response__free_unpacked(resp, NULL);
	struct harness_ireq r;
	req_list(&r, 1989, 1989);
	harness_iexpect_msg(VIEWER, &r, IA, "first_year: 1989", "HolidayList 1989");
	req_list(&r, 2027, 2026);
	harness_iexpect_msg(VIEWER, &r, IA, "last_year", "HolidayList backwards");
	req_list(&r, 2020, 2023);
	resp = harness_iexpect(VIEWER, &r, OK, "HolidayList 2020-2023");
	assert_true(resp->holiday_list->n_holidays >= 33);
	assure__response__free_unpacked(resp, NULL);
}

/* ---- 2. only config.manage changes anything ------------------------------------- */

static void test_permission_denied(void **state)
{
	(void)state;
	struct harness_ireq r;
	static const int who[] = {U_CM, U_VIEWER, U_AUD, U_PANEL1};
	for (size_t i = 0; i < sizeof who / sizeof who[0]; i++) {
		struct client *c = cl[who[i]];
		req_set(&r, "concern.triage", "10wd", "attempt", 1);
		harness_iexpect_msg(c, &r, PD, "config.manage", "ConfigSet without config.manage");
		req_add(&r, "2026-06-10", "Attempt", "attempt");
		harness_iexpect_code(c, &r, PD, "HolidayAdd without config.manage");
		req_remove(&r, "2026-12-25", "attempt");
		harness_iexpect_code(c, &r, PD, "HolidayRemove without config.manage");
	}
	assert_int_equal(config_version(), 1);
	assert_int_equal(setting("concern.triage", NULL, 0), 1);
	/* The refusals are in the audit trail. A refusal's record is queued
	 * to the writer as the reply goes out, so the last may commit a moment
	 * after it: wait for it (2 s at most). */
	static const char *const events[] = {"ConfigSet", "HolidayAdd", "HolidayRemove"};
	for (size_t i = 0; i < 3; i++) {
		size_t n = 0;
		for (int tries = 0;
		     tries < 40 && (n = audit_refusals(events[i], "PERMISSION_DENIED")) < 4;
		     tries++)
			harness_sleep_ms(50);
		if (n != 4)
			fail_msg("%zu %s refusals in the audit trail, expected 4", n, events[i]);
	}
}

/* ---- 3. bad values ---------------------------------------------------------------- */

static void expect_ia(struct harness_ireq *r, const char *text, const char *what)
{
	harness_iexpect_msg(ADMIN, r, IA, text, what);
}

static void test_bad_values(void **state)
{
	(void)state;
	struct harness_ireq r;
	req_set(&r, "concern.triag", "10wd", "typo", 1);
	expect_ia(&r, "known keys: concern.panel-quorum", "unknown key");
	req_set(&r, "concern.triag", "10wd", "typo", 1);
	expect_ia(&r, "'concern.triag' is not a setting", "unknown key named");
	req_set(&r, "concern.triage", "10d", "wrong unit", 1);
	expect_ia(&r, "concern.triage: is counted in working days", "triage in days");
	req_set(&r, "concern.triage", "ten", "not a number", 1);
	expect_ia(&r, "concern.triage: 'ten' is not a period", "triage ten");
	req_set(&r, "concern.triage", "0wd", "zero", 1);
	expect_ia(&r, "concern.triage: at least 1wd", "triage 0wd");
	req_set(&r, "concern.investigation", "600w", "long", 1);
	expect_ia(&r, "concern.investigation: at most 522w", "investigation 600w");
	req_set(&r, "concern.panel-quorum", "0", "none", 1);
	expect_ia(&r, "concern.panel-quorum: must be a whole number of panel members from 1 to 15",
		  "quorum 0");
	req_set(&r, "concern.panel-quorum", "16", "many", 1);
	expect_ia(&r, "from 1 to 15", "quorum 16");
	req_set(&r, "concern.bands", "low:1-3,moderate:5-6,high:8-12,extreme:15-25", "gap", 1);
	expect_ia(&r, "score 4 falls between low (1-3) and moderate (5-6)", "bands with a gap");
	req_set(&r, "concern.bands", "low:1-3,high:4-12,moderate:13-14,extreme:15-25", "order", 1);
	expect_ia(&r, "in the order low, moderate, high, extreme", "bands out of order");
	req_set(&r, "concern.bands", "low:1-3,moderate:4-6,high:8-12,extreme:15-20", "short", 1);
	expect_ia(&r, "extreme must end at 25", "bands short of 25");
	req_set(&r, "concern.triage", "10wd", "", 1);
	expect_ia(&r, "reason", "no reason");
	req_set(&r, "concern.triage", "10wd", "a reason", 0);
	expect_ia(&r, "version: required", "no version");

	req_add(&r, "2026-06-06", "Saturday", "weekend");
	expect_ia(&r, "date: 2026-06-06 is a Saturday", "holiday on a Saturday");
	req_add(&r, "2026-02-30", "No such day", "invalid");
	expect_ia(&r, "date: 30 February 2026 does not exist", "holiday on 30 February");
	req_add(&r, "10/06/2026", "Wrong form", "invalid");
	expect_ia(&r, "YYYY-MM-DD", "holiday not ISO");
	req_add(&r, "2101-06-10", "Far", "too far");
	expect_ia(&r, "outside the bank-holiday table's years 1990 to 2100", "holiday in 2101");
	req_add(&r, "2026-06-10", "", "nameless");
	expect_ia(&r, "name", "holiday without a name");
	req_add(&r, "2026-06-10", "No reason", "");
	expect_ia(&r, "reason", "holiday without a reason");
	req_add(&r, "2026-12-25", "Christmas again", "duplicate");
	harness_iexpect_msg(ADMIN, &r, AE, "2026-12-25 is already a bank holiday (Christmas Day)",
			    "duplicate holiday");
	req_remove(&r, "2026-06-10", "not one");
	harness_iexpect_msg(ADMIN, &r, NF, "2026-06-10 is not a bank holiday",
			    "remove non-holiday");
	req_remove(&r, "2026-13-01", "bad");
	expect_ia(&r, "date", "remove a bad date");
	req_remove(&r, "2026-12-25", "");
	expect_ia(&r, "reason", "remove without a reason");

	/* Nothing changed. */
	Assure__Response *resp = config_show(VIEWER);
	assert_int_equal(resp->config_show->config_version, 1);
	for (size_t i = 0; i < resp->config_show->n_settings; i++) {
		const Assure__Setting *s = resp->config_show->settings[i];
		assert_string_equal(s->value, s->default_value);
		assert_int_equal(s->version, 1);
	}
	assert_int_equal(resp->config_show->holidays_added, 0);
	assert_int_equal(resp->config_show->holidays_removed, 0);
	assure__response__free_unpacked(resp, NULL);
}

/* ---- 4. a change takes effect for the next clock ---------------------------------- */

static char ref_before[16];

static void test_change_takes_effect(void **state)
{
	(void)state;
	struct harness_ireq r;
	char due[16];

	/* The default: 5 working days from Monday 1 June. */
	harness_ireq_concern_open(&r, gp, "patient-complaint", "conduct", "before the change", D0,
				  NULL, NULL);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "ConcernOpen before");
	snprintf(ref_before, sizeof ref_before, "%s", resp->concern_open->concern->ref);
	assure__response__free_unpacked(resp, NULL);
	triage_due_of(ref_before, due);
	assert_string_equal(due, "2026-06-08");

	assert_int_equal(set_ok("concern.triage", "10wd", 1, "5wd"), 2);
	assert_int_equal(config_version(), 2);
	open_triage_due(due);
	assert_string_equal(due, "2026-06-15");
	/* The concern opened before keeps the date it was given. */
	triage_due_of(ref_before, due);
	assert_string_equal(due, "2026-06-08");

	/* A bank holiday inside the window moves the next deadline a day. */
	req_add(&r, "2026-06-10", "Test proclamation day", "royal proclamation 2026/1");
	resp = harness_iexpect(ADMIN, &r, OK, "HolidayAdd 2026-06-10");
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_HOLIDAY_ADD);
	assert_string_equal(resp->holiday_add->holiday->source, "added");
	assert_string_equal(resp->holiday_add->holiday->name, "Test proclamation day");
	assert_int_equal(resp->holiday_add->config_version, 3);
	assure__response__free_unpacked(resp, NULL);
	open_triage_due(due);
	assert_string_equal(due, "2026-06-16");
	const Assure__Holiday *h = NULL;
	resp = holiday_on("2026-06-10", &h);
	assert_non_null(h);
	assert_string_equal(h->source, "added");
	assert_string_equal(h->changed_by, "cfgadmin");
	assert_string_equal(h->reason, "royal proclamation 2026/1");
	assure__response__free_unpacked(resp, NULL);

	/* Removed again: back to 15 June. */
	req_remove(&r, "2026-06-10", "proclamation withdrawn");
	harness_iexpect_code(ADMIN, &r, OK, "HolidayRemove 2026-06-10");
	open_triage_due(due);
	assert_string_equal(due, "2026-06-15");
	resp = holiday_on("2026-06-10", &h);
	assert_null(h);
	assure__response__free_unpacked(resp, NULL);

	/* A default day removed is listed as removed, and can be restored. */
	req_remove(&r, "2026-08-31", "moved by proclamation");
	resp = harness_iexpect(ADMIN, &r, OK, "HolidayRemove 2026-08-31");
	assert_string_equal(resp->holiday_remove->holiday->source, "removed");
	assert_false(resp->holiday_remove->holiday->in_force);
	assert_string_equal(resp->holiday_remove->holiday->name, "Summer bank holiday");
	assure__response__free_unpacked(resp, NULL);
	resp = holiday_on("2026-08-31", &h);
	assert_non_null(h);
	assert_string_equal(h->source, "removed");
	assert_false(h->in_force);
	assure__response__free_unpacked(resp, NULL);
	req_add(&r, "2026-08-31", "Summer", "proclamation withdrawn");
	resp = harness_iexpect(ADMIN, &r, OK, "HolidayAdd 2026-08-31 (restore)");
	assert_string_equal(resp->holiday_add->holiday->source, "default");
	assert_string_equal(resp->holiday_add->holiday->name, "Summer bank holiday");
	assure__response__free_unpacked(resp, NULL);
	resp = holiday_on("2026-08-31", &h);
	assert_string_equal(h->source, "default");
	assert_true(h->in_force);
	assure__response__free_unpacked(resp, NULL);

	/* The quorum reaches admission decisions. */
	harness_ireq_performer_add(&r, "gp", "7300002", "Dr Quorum Test", NULL);
	resp = harness_iexpect(CM, &r, OK, "PerformerAdd");
	int64_t id = resp->performer_add->performer->id;
	assure__response__free_unpacked(resp, NULL);
	uint64_t qv = set_ok("concern.panel-quorum", "4", 1, "3");
	harness_ireq_performer_admit(&r, id, "included", "fine", NULL, panel123, NULL, 0);
	harness_iexpect_msg(CM, &r, FP, "at least 4", "PerformerAdmit with 3 under quorum 4");
	set_ok("concern.panel-quorum", "3", qv, "4");
	harness_ireq_performer_admit(&r, id, "included", "fine", NULL, panel123, NULL, 0);
	harness_iexpect_code(CM, &r, OK, "PerformerAdmit with 3 under quorum 3");

	/* The bands reach grading: 1 x 3 = 3 is moderate under low:1-2. */
	set_ok("concern.bands", "low:1-2,moderate:3-6,high:8-12,extreme:15-25", 1,
	       "low:1-3,moderate:4-6,high:8-12,extreme:15-25");
	harness_ireq_concern_grade(&r, ref_before, 1, 3, "minor but possible", 1);
	resp = harness_iexpect(CM, &r, OK, "ConcernGrade 1x3");
	assert_int_equal(resp->concern_grade->concern->grade->score, 3);
	assert_string_equal(resp->concern_grade->concern->grade->band, "moderate");
	assure__response__free_unpacked(resp, NULL);

	/* Setting what is in force already changes nothing. */
	req_set(&r, "concern.triage", "010wd", "no-op", 2);
	resp = harness_iexpect(ADMIN, &r, OK, "ConfigSet same value");
	assert_false(resp->config_set->changed);
	assert_int_equal(resp->config_set->setting->version, 2);
	assure__response__free_unpacked(resp, NULL);
}

/* ---- 5. a stale version ---------------------------------------------------------- */

static void test_stale_version(void **state)
{
	(void)state;
	struct harness_ireq r;
	char value[64];
	assert_int_equal(set_ok("concern.appeal", "21d", 1, "28d"), 2);
	req_set(&r, "concern.appeal", "35d", "from an old screen", 1);
	Assure__Response *resp = harness_iexpect(ADMIN, &r, AB, "ConfigSet with version 1");
	const char *msg = client_status_message(resp);
	if (!harness_contains_ci(msg,
				 "setting concern.appeal was changed by cfgadmin at 2026-06-01T") ||
	    !harness_contains_ci(msg, "now version 2; you sent 1"))
		fail_msg("stale message: %s", msg);
	assure__response__free_unpacked(resp, NULL);
	assert_int_equal(setting("concern.appeal", value, sizeof value), 2);
	assert_string_equal(value, "21d");
	/* A version ahead of the key's is stale too. */
	req_set(&r, "concern.decision-notice", "14d", "guess", 5);
	harness_iexpect_msg(ADMIN, &r, AB, "at version 1", "ConfigSet with version 5");
}

/* ---- 6. the audit trail ------------------------------------------------------------ */

static void test_audit_trail(void **state)
{
	(void)state;
	char reason[1024];
	assert_int_equal(
	    audit_records("setting", "concern.triage", "ConfigSet", OK, reason, sizeof reason),
	    2); /* the change and the no-op */
	size_t n = audit_records("setting", "concern.triage", "ConfigSet", OK, NULL, 0);
	assert_int_equal(n, 2);
	/* The first successful record: 5wd -> 10wd. */
	struct harness_ireq r;
	harness_ireq_audit_query_object(&r, "setting", "concern.triage", "cfgadmin", "ConfigSet");
	Assure__Response *resp = harness_iexpect(AUD, &r, OK, "AuditQuery setting");
	int found = 0;
	for (size_t i = 0; i < resp->audit_query->n_entries; i++) {
		const Assure__AuditEntry *e = resp->audit_query->entries[i];
		Assure__AuditRecord *rec =
		    assure__audit_record__unpack(NULL, e->record.len, e->record.data);
		if (strcmp(rec->status, "OK") == 0 && strstr(rec->reason, "5wd -> 10wd") &&
		    strstr(rec->reason, "reason: policy review 2026")) {
			found = 1;
			assert_string_equal(rec->action, "U");
			assert_string_equal(rec->role, "admin");
		}
		assure__audit_record__free_unpacked(rec, NULL);
	}
	assure__response__free_unpacked(resp, NULL);
	if (!found)
		fail_msg("no ConfigSet record with \"5wd -> 10wd\" and the reason");
	assert_int_equal(
	    audit_records("setting", "concern.bands", "ConfigSet", OK, reason, sizeof reason), 1);
	assert_non_null(strstr(reason, "low:1-3,moderate:4-6,high:8-12,extreme:15-25 -> "
				       "low:1-2,moderate:3-6,high:8-12,extreme:15-25"));
	assert_int_equal(
	    audit_records("holiday", "2026-06-10", "HolidayAdd", OK, reason, sizeof reason), 1);
	assert_non_null(strstr(reason, "Test proclamation day"));
	assert_non_null(strstr(reason, "royal proclamation 2026/1"));
	assert_int_equal(
	    audit_records("holiday", "2026-06-10", "HolidayRemove", OK, reason, sizeof reason), 1);
	assert_non_null(strstr(reason, "proclamation withdrawn"));
	/* Refused changes are recorded too. */
	assert_true(audit_records("setting", "concern.triage", "ConfigSet", IA, NULL, 0) >= 4);
	assert_true(audit_records("setting", "concern.appeal", "ConfigSet", AB, NULL, 0) >= 1);
}

/* ---- 7. a restart keeps everything ------------------------------------------------ */

static void test_restart_keeps_settings(void **state)
{
	(void)state;
	uint64_t cv = config_version();
	struct harness_ireq r;
	req_add(&r, "2026-06-12", "Kept across restarts", "restart test");
	harness_iexpect_code(ADMIN, &r, OK, "HolidayAdd 2026-06-12");
	for (int i = 0; i < NUSERS; i++) {
		client_free(cl[i]);
		cl[i] = NULL;
	}
	assert_int_equal(harness_server_stop(&server), 0);
	harness_server_launch(&server);
	login_all();
	char value[64];
	assert_int_equal(setting("concern.triage", value, sizeof value), 2);
	assert_string_equal(value, "10wd");
	assert_int_equal(setting("concern.appeal", value, sizeof value), 2);
	assert_string_equal(value, "21d");
	assert_int_equal(config_version(), cv + 1);
	const Assure__Holiday *h = NULL;
	Assure__Response *resp = holiday_on("2026-06-12", &h);
	assert_non_null(h);
	assert_string_equal(h->source, "added");
	assure__response__free_unpacked(resp, NULL);
	/* And the rules use them: 10 working days from 1 June skipping Friday
	 * 12 June is Tuesday 16 June. */
	char due[16];
	open_triage_due(due);
	assert_string_equal(due, "2026-06-16");
	req_remove(&r, "2026-06-12", "restart test done");
	harness_iexpect_code(ADMIN, &r, OK, "HolidayRemove 2026-06-12");
}

/* ---- config.manage and separation of duties ---------------------------------------- */

/* Configuration is neither identity administration nor content: a custom
 * role may hold it with either, but not with audit.read (the auditor
 * changes nothing). */
static void test_role_rule(void **state)
{
	(void)state;
	struct harness_ireq r;
	static const char *const with_admin[] = {"user.read", "user.manage", "config.manage", NULL};
	static const char *const with_content[] = {"concern.read", "config.manage", NULL};
	static const char *const with_audit[] = {"audit.read", "config.manage", NULL};
	harness_ireq_role_add(&r, "cfg-and-users", "identity and configuration", with_admin);
	harness_iexpect_code(ADMIN, &r, OK, "RoleAdd user.manage + config.manage");
	harness_ireq_role_add(&r, "cfg-and-concerns", "governance lead", with_content);
	harness_iexpect_code(ADMIN, &r, OK, "RoleAdd concern.read + config.manage");
	harness_ireq_role_add(&r, "cfg-and-audit", "no", with_audit);
	harness_iexpect_msg(ADMIN, &r, FP, "audit.read may be combined only with user.read",
			    "RoleAdd audit.read + config.manage");
}

/* ---- 8. the CLI -------------------------------------------------------------------- */

static void cli_login(const char *dir, const char *user)
{
	struct harness_run run;
	char stdin_text[128];
	snprintf(stdin_text, sizeof stdin_text, "%s\n", PW);
	harness_cli(server.addr, dir, stdin_text, &run, "login", "--user", user, "--password-stdin",
		    NULL);
	if (run.status != 0)
		fail_msg("assure login %s: exit %d\n%s%s", user, run.status, run.out, run.err);
	harness_run_free(&run);
}

#define CLI_EXIT(want, dir, run, ...)                                                              \
	do {                                                                                       \
		harness_cli(server.addr, dir, NULL, run, __VA_ARGS__, NULL);                       \
		if ((run)->status != (want))                                                       \
			fail_msg("assure %s: exit %d, expected %d\n%s%s", #__VA_ARGS__,            \
				 (run)->status, want, (run)->out, (run)->err);                     \
	} while (0)

static char *py_json(const char *json, const char *prog)
{
	const char *argv[] = {PYTHON3, "-c", prog, NULL};
	struct harness_run run;
	assert_int_equal(harness_run_argv(argv, NULL, json, 10000, &run), 0);
	if (run.status != 0)
		fail_msg("python3 over\n%s\nfailed: %s", json, run.err);
	char *out = strdup(run.out);
	harness_run_free(&run);
	size_t n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return out;
}

static void test_cli(void **state)
{
	(void)state;
	char *adm = harness_tempdir("cli-cfgadmin");
	char *view = harness_tempdir("cli-viewer");
	cli_login(adm, "cfgadmin");
	cli_login(view, "viewer");
	struct harness_run run;

	CLI_EXIT(0, view, &run, "config", "show");
	assert_non_null(strstr(run.out, "concern.triage"));
	assert_non_null(strstr(run.out, "10wd"));
	assert_non_null(strstr(run.out, "by cfgadmin"));
	harness_run_free(&run);
	CLI_EXIT(0, view, &run, "config", "show", "--json");
	char *got = py_json(run.out, "import json,sys; d=json.load(sys.stdin); "
				     "s={x['key']: x for x in d['settings']}; "
				     "t=s['concern.triage']; print(t['value'], t['default_value'], "
				     "t['version'], t['changed_by'], len(d['settings']))");
	harness_run_free(&run);
	assert_string_equal(got, "10wd 5wd 2 cfgadmin 12");
	free(got);

	/* Without --version the CLI sends the version in force. */
	CLI_EXIT(0, adm, &run, "config", "set", "concern.investigation", "14w", "--reason",
		 "workload review");
	assert_non_null(strstr(run.out, "concern.investigation: 12w -> 14w (version 2)"));
	harness_run_free(&run);
	CLI_EXIT(0, adm, &run, "config", "set", "concern.investigation", "16w", "--reason", "again",
		 "--version", "2", "--json");
	got = py_json(run.out, "import json,sys; d=json.load(sys.stdin); "
			       "print(d['setting']['value'], d['old_value'], d['changed'], "
			       "d['setting']['version'])");
	harness_run_free(&run);
	assert_string_equal(got, "16w 14w True 3");
	free(got);
	CLI_EXIT(6, adm, &run, "config", "set", "concern.investigation", "18w", "--reason", "stale",
		 "--version", "2");
	assert_non_null(strstr(run.err, "changed by cfgadmin"));
	harness_run_free(&run);
	CLI_EXIT(8, adm, &run, "config", "set", "concern.investigation", "14x", "--reason", "bad");
	assert_non_null(strstr(run.err, "concern.investigation: '14x' is not a period"));
	harness_run_free(&run);
	/* The QOF maxima: one key, all four domains at once. */
	CLI_EXIT(0, view, &run, "config", "show");
	assert_non_null(strstr(run.out, "review.qof-maxima"));
	harness_run_free(&run);
	CLI_EXIT(0, adm, &run, "config", "set", "review.qof-maxima",
		 "clinical:600, organisational:264.5, patient-experience:91.5, "
		 "additional-services:44",
		 "--reason", "2010/11 QOF guidance");
	assert_non_null(strstr(run.out, "review.qof-maxima: clinical:697,organisational:167.5,"
					"patient-experience:91.5,additional-services:44 -> "
					"clinical:600,organisational:264.5,patient-experience:91.5,"
					"additional-services:44 (version 2)"));
	assert_non_null(strstr(run.out, "reviews already recorded keep the maxima"));
	harness_run_free(&run);
	CLI_EXIT(8, adm, &run, "config", "set", "review.qof-maxima",
		 "clinical:601,organisational:264.5,patient-experience:91.5,additional-services:44",
		 "--reason", "typo");
	assert_non_null(strstr(run.err, "review.qof-maxima"));
	assert_non_null(strstr(run.err, "sum to 1001 points where the QOF has 1000"));
	harness_run_free(&run);
	CLI_EXIT(0, view, &run, "config", "show", "--json");
	got = py_json(run.out, "import json,sys; d=json.load(sys.stdin); "
			       "s={x['key']: x for x in d['settings']}; "
			       "q=s['review.qof-maxima']; print(q['value'], q['version'], "
			       "q['reason'])");
	harness_run_free(&run);
	assert_string_equal(got, "clinical:600,organisational:264.5,patient-experience:91.5,"
				 "additional-services:44 2 2010/11 QOF guidance");
	free(got);
	char reason[1024];
	assert_int_equal(
	    audit_records("setting", "review.qof-maxima", "ConfigSet", OK, reason, sizeof reason),
	    1);
	assert_non_null(strstr(reason, "-> clinical:600,organisational:264.5"));
	assert_non_null(strstr(reason, "for QOF recorded from now on"));
	assert_non_null(strstr(reason, "reason: 2010/11 QOF guidance"));

	CLI_EXIT(8, adm, &run, "config", "set", "concern.nothing", "1", "--reason", "bad");
	assert_non_null(strstr(run.err, "known keys"));
	harness_run_free(&run);
	CLI_EXIT(4, view, &run, "config", "set", "concern.investigation", "12w", "--reason",
		 "viewer tries");
	harness_run_free(&run);
	CLI_EXIT(2, adm, &run, "config", "set", "concern.investigation", "12w");
	harness_run_free(&run);
	CLI_EXIT(2, adm, &run, "config", "set", "concern.investigation", "12w", "--reason", "x",
		 "--version", "zero");
	harness_run_free(&run);

	CLI_EXIT(0, adm, &run, "config", "holiday", "add", "2026-07-01", "--name", "CLI test day",
		 "--reason", "cli test");
	assert_non_null(strstr(run.out, "Bank holiday 2026-07-01 (Wed, CLI test day) added"));
	harness_run_free(&run);
	CLI_EXIT(6, adm, &run, "config", "holiday", "add", "2026-07-01", "--name", "Again",
		 "--reason", "dup");
	harness_run_free(&run);
	CLI_EXIT(8, adm, &run, "config", "holiday", "add", "2026-07-04", "--name", "Saturday",
		 "--reason", "weekend");
	assert_non_null(strstr(run.err, "Saturday"));
	harness_run_free(&run);
	CLI_EXIT(0, view, &run, "config", "holiday", "list", "--year", "2026", "--json");
	got = py_json(run.out,
		      "import json,sys; d=json.load(sys.stdin); "
		      "print(len(d), [h['source'] for h in d if h['date']=='2026-07-01'][0])");
	harness_run_free(&run);
	assert_string_equal(got, "9 added");
	free(got);
	CLI_EXIT(0, view, &run, "config", "holiday", "list", "--year", "2026");
	assert_non_null(strstr(run.out, "2026-07-01"));
	assert_non_null(strstr(run.out, "Christmas Day"));
	harness_run_free(&run);
	CLI_EXIT(4, view, &run, "config", "holiday", "remove", "2026-07-01", "--reason", "no");
	harness_run_free(&run);
	CLI_EXIT(0, adm, &run, "config", "holiday", "remove", "2026-07-01", "--reason",
		 "cli test done", "--json");
	got = py_json(run.out, "import json,sys; d=json.load(sys.stdin); "
			       "print(d['date'], d['in_force'], d['config_version'] > 0)");
	harness_run_free(&run);
	assert_string_equal(got, "2026-07-01 False True");
	free(got);
	CLI_EXIT(5, adm, &run, "config", "holiday", "remove", "2026-07-01", "--reason", "again");
	harness_run_free(&run);
	CLI_EXIT(2, view, &run, "config", "holiday", "list", "--to", "2027");
	harness_run_free(&run);
	free(adm);
	free(view);
}

/* ---- 9. running windows keep their dates -------------------------------------------- */

static uint64_t moved(Assure__Response *resp, const char *state)
{
	const Assure__ConcernMoveResponse *mv =
	    resp->result_case == ASSURE__RESPONSE__RESULT_CONCERN_MOVE	  ? resp->concern_move
	    : resp->result_case == ASSURE__RESPONSE__RESULT_CONCERN_GRADE ? resp->concern_grade
									  : resp->concern_assign;
	assert_non_null(mv);
	assert_non_null(mv->concern);
	if (state)
		assert_string_equal(mv->concern->state, state);
	uint64_t v = mv->concern->version;
	assure__response__free_unpacked(resp, NULL);
	return v;
}

static void test_running_window_keeps_its_date(void **state)
{
	(void)state;
	struct harness_ireq r;
	harness_ireq_concern_open(&r, gp, "colleague", "conduct", "notice before the change", D0,
				  NULL, NULL);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "ConcernOpen");
	char ref[16];
	snprintf(ref, sizeof ref, "%s", resp->concern_open->concern->ref);
	uint64_t v = resp->concern_open->concern->version;
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_concern_grade(&r, ref, 4, 4, "serious", v);
	v = moved(harness_iexpect(CM, &r, OK, "ConcernGrade"), NULL);
	harness_ireq_concern_assign(&r, ref, "cm", NULL, v);
	v = moved(harness_iexpect(CM, &r, OK, "ConcernAssign"), NULL);
	(void)harness_ireq_concern_move(&r, ref, "triaged", "triaged", NULL, v);
	v = moved(harness_iexpect(CM, &r, OK, "move triaged"), "triaged");
	Assure__ConcernMoveRequest *mv =
	    harness_ireq_concern_move(&r, ref, "panel-referred", "for the panel", NULL, v);
	mv->grounds = (char *)"efficiency";
	v = moved(harness_iexpect(cl[U_PAG], &r, OK, "move panel-referred"), "panel-referred");
	mv = harness_ireq_concern_move(&r, ref, "notice-issued", "notice", NULL, v);
	mv->allegation = (char *)"conduct towards colleagues";
	mv->proposed_action = (char *)"conditions";
	mv->grounds = (char *)"efficiency";
	mv->notice_sent = (char *)D0;
	resp = harness_iexpect(CM, &r, OK, "move notice-issued");
	int found = 0;
	for (size_t i = 0; i < resp->concern_move->n_deadlines; i++)
		if (strcmp(resp->concern_move->deadlines[i]->kind, "representations") == 0) {
			assert_string_equal(resp->concern_move->deadlines[i]->due, "2026-06-29");
			found = 1;
		}
	assert_true(found);
	v = moved(resp, "notice-issued");

	/* The window is shortened to 7 days; ten days on, the panel may still
	 * not decide before the 28 days the performer was given. */
	set_ok("concern.representations", "7d", 1, "28d");
	harness_clock_set(&clk, (int64_t)ymd_time("2026-06-11") * 1000);
	login_all();
	Assure__ConcernDecideRequest *d =
	    harness_ireq_concern_decide(&r, ref, "no-action", "not proved", panel123, NULL, v);
	d->representations_considered = (char *)"none received yet";
	d->facts_relied_on = (char *)"the notice";
	harness_iexpect_msg(cl[U_PANEL1], &r, FP, "representations end (2026-06-29)",
			    "decision before the recorded window ends");
	/* With representations in, the panel need not wait. */
	d = harness_ireq_concern_decide(&r, ref, "no-action", "not proved", panel123, NULL, v);
	d->representations_considered = (char *)"the performer's letter";
	d->facts_relied_on = (char *)"the notice";
	d->representations_received = 1;
	harness_iexpect_code(cl[U_PANEL1], &r, OK, "decision with representations in");
}

int main(void)
{
	harness_guard(170);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults_for_everyone),
	    cmocka_unit_test(test_permission_denied),
	    cmocka_unit_test(test_bad_values),
	    cmocka_unit_test(test_change_takes_effect),
	    cmocka_unit_test(test_stale_version),
	    cmocka_unit_test(test_audit_trail),
	    cmocka_unit_test(test_restart_keeps_settings),
	    cmocka_unit_test(test_role_rule),
	    cmocka_unit_test(test_cli),
	    cmocka_unit_test(test_running_window_keeps_its_date),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
