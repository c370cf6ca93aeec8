/*
 * The Performers List register against a real assured (DOMAIN.md
 * "Performers"; PerformerAdd, PerformerList, PerformerShow, PerformerAdmit):
 * registration numbers and national codes per profession, duplicates,
 * the initial list status, list filters and paging, show by id and by
 * registration number, admission decisions by a quorate decision panel
 * with their history, stale versions, who may look and who may change;
 * then the real assure CLI's performer commands with their exit codes and
 * --json output (checked with python3's json module).
 *
 * The expected answers come from DOMAIN.md and docs/ROLES.md, never from
 * the server: where the server disagrees, the test fails.
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

#define PW "performer test passphrase 5"
#define SITE "HQ"
#define CASE "pf-case"
#define PANEL1 "pf-panel1"
#define PANEL2 "pf-panel2"
#define PANEL3 "pf-panel3"
#define PANEL4 "pf-panel4"
#define PANEL_OFF "pf-panel-off" /* a panel member, disabled */
#define VIEWER "pf-viewer"
#define INVESTIGATOR "pf-investigator"
#define PYTHON3 "/usr/bin/python3"

static struct harness_server server;
static struct client *cm; /* the case manager: performer.write */

static const char *const panel3[] = {PANEL1, PANEL2, PANEL3, NULL};

/* ---- helpers ------------------------------------------------------------- */

/* The civil date (UTC, as the server counts days) days from now. */
static void date_from_today(int days, char *buf, size_t size)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
}

/* The check digit of a dental performer code for six digits (DOMAIN.md:
 * units digit of d1 + 3*d2 + 7*d3 + d4 + 3*d5 + 7*d6), computed here,
 * not taken from the server. */
static char dental_check(const char *six)
{
	static const int w[6] = {1, 3, 7, 1, 3, 7};
	int sum = 0;
	for (int i = 0; i < 6; i++)
		sum += w[i] * (six[i] - '0');
	return (char)('0' + sum % 10);
}

/* Adds a performer as the case manager, asserting OK; returns it (the
 * caller frees the response in *resp). */
static const Assure__Performer *add_ok(const char *profession, const char *reg, const char *name,
				       const char *code, Assure__Response **resp)
{
	struct harness_ireq r;
	char what[160];
	snprintf(what, sizeof what, "PerformerAdd %s %s", profession, reg);
	harness_ireq_performer_add(&r, profession, reg, name, code);
	*resp = harness_iexpect(cm, &r, ASSURE__CODE__OK, what);
	assert_non_null((*resp)->performer_add);
	const Assure__Performer *p = (*resp)->performer_add->performer;
	assert_non_null(p);
	assert_true(p->id > 0);
	assert_string_equal(p->profession, profession);
	assert_string_equal(p->reg, reg);
	assert_string_equal(p->name, name);
	assert_string_equal(p->national_code, code != NULL ? code : "");
	assert_false(p->suspended);
	assert_null(p->suspension);
	assert_string_equal(p->conditions, "");
	assert_int_equal(p->version, 1);
	assert_true(p->created_at > 1600000000);
	return p;
}

/* Adds a performer and returns its id. */
static int64_t add_id(const char *profession, const char *reg, const char *name, const char *code)
{
	Assure__Response *resp = NULL;
	int64_t id = add_ok(profession, reg, name, code, &resp)->id;
	assure__response__free_unpacked(resp, NULL);
	return id;
}

static void add_refused(const char *profession, const char *reg, const char *code, int want,
			const char *text)
{
	struct harness_ireq r;
	char what[200];
	snprintf(what, sizeof what, "PerformerAdd %s reg '%s' code '%s'", profession, reg,
		 code != NULL ? code : "");
	harness_ireq_performer_add(&r, profession, reg, "Refused Person", code);
	harness_iexpect_msg(cm, &r, want, text, what);
}

/* PerformerShow as the case manager, asserting OK; caller frees. */
static Assure__Response *show_ok(const char *key)
{
	struct harness_ireq r;
	char what[128];
	snprintf(what, sizeof what, "PerformerShow %s", key);
	harness_ireq_performer_show(&r, key);
	Assure__Response *resp = harness_iexpect(cm, &r, ASSURE__CODE__OK, what);
	assert_non_null(resp->performer_show);
	assert_non_null(resp->performer_show->performer);
	return resp;
}

static Assure__Response *show_id(int64_t id)
{
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)id);
	return show_ok(key);
}

/* The performer's current list status and version. */
static void status_of(int64_t id, char *status, size_t size, uint64_t *version)
{
	Assure__Response *resp = show_id(id);
	snprintf(status, size, "%s", resp->performer_show->performer->list_status);
	if (version != NULL)
		*version = resp->performer_show->performer->version;
	assure__response__free_unpacked(resp, NULL);
}

static void expect_status(int64_t id, const char *want, uint64_t want_version)
{
	char status[64];
	uint64_t version = 0;
	status_of(id, status, sizeof status, &version);
	if (strcmp(status, want) != 0 || version != want_version)
		fail_msg("performer %lld: status '%s' version %llu, expected '%s' version %llu",
			 (long long)id, status, (unsigned long long)version, want,
			 (unsigned long long)want_version);
}

static void admit_expect(int64_t id, const char *decision, const char *conditions,
			 const char *const *panel, const char *date, uint64_t version, int want,
			 const char *text, const char *what)
{
	struct harness_ireq r;
	harness_ireq_performer_admit(&r, id, decision, "the panel's reasons", conditions, panel,
				     date, version);
	if (text != NULL)
		harness_iexpect_msg(cm, &r, want, text, what);
	else
		harness_iexpect_code(cm, &r, want, what);
}

/* Every performer of a list query, following page tokens with page_size;
 * ids into ids[] (at most max); returns the count. Every item is checked
 * with check (may be NULL). */
static size_t list_all(struct client *c, const char *profession, const char *status, int suspended,
		       const char *name, uint32_t page_size, int64_t *ids, size_t max,
		       void (*check)(const Assure__Performer *))
{
	char token[64] = "";
	size_t n = 0;
	for (int pages = 0;; pages++) {
		assert_true(pages < 1000);
		struct harness_ireq r;
		harness_ireq_performer_list(&r, profession, status, suspended, name, page_size,
					    token);
		Assure__Response *resp = harness_iexpect(c, &r, ASSURE__CODE__OK, "PerformerList");
		const Assure__PerformerListResponse *l = resp->performer_list;
		assert_non_null(l);
		if (page_size != 0)
			assert_true(l->n_performers <= page_size);
		for (size_t i = 0; i < l->n_performers; i++) {
			if (check != NULL)
				check(l->performers[i]);
			assert_true(n < max);
			ids[n++] = l->performers[i]->id;
		}
		snprintf(token, sizeof token, "%s", l->next_page_token);
		if (token[0] != '\0')
			/* a full page precedes a token */
			assert_int_equal(l->n_performers, page_size ? page_size : l->n_performers);
		assure__response__free_unpacked(resp, NULL);
		if (token[0] == '\0')
			break;
	}
	return n;
}

static int has_id(const int64_t *ids, size_t n, int64_t id)
{
	for (size_t i = 0; i < n; i++)
		if (ids[i] == id)
			return 1;
	return 0;
}

/* ---- group ------------------------------------------------------------------ */

static int group_setup(void **state)
{
	(void)state;
	harness_server_start(&server, NULL);
	struct client *admin = harness_connect_admin(&server);
	struct harness_ireq r;
	harness_ireq_site_add(&r, SITE, "Headquarters");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "SiteAdd " SITE);
	harness_add_user(admin, CASE, "case-manager", SITE, PW, NULL);
	harness_add_user(admin, PANEL1, "panel-member", SITE, PW, NULL);
	harness_add_user(admin, PANEL2, "panel-member", SITE, PW, NULL);
	harness_add_user(admin, PANEL3, "panel-member", SITE, PW, NULL);
	harness_add_user(admin, PANEL4, "panel-member", SITE, PW, NULL);
	harness_add_user(admin, PANEL_OFF, "panel-member", SITE, PW, NULL);
	harness_add_user(admin, VIEWER, "viewer", SITE, PW, NULL);
	harness_add_user(admin, INVESTIGATOR, "investigator", SITE, PW, NULL);
	harness_ireq_user_disable(&r, PANEL_OFF, "left the panel");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserDisable " PANEL_OFF);
	client_free(admin);
	cm = harness_connect_login(&server, CASE, PW, NULL, NULL);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	client_free(cm);
	cm = NULL;
	harness_server_destroy(&server);
	return 0;
}

/* ---- adding: formats, duplicates, initial status ----------------------------- */

static void test_add_valid(void **state)
{
	(void)state;
	Assure__Response *resp = NULL;
	const Assure__Performer *p;

	/* GP: GMC number 7 digits; national code G + 7 digits. */
	p = add_ok("gp", "1234567", "Dr Alice Able", "G1234567", &resp);
	assert_string_equal(p->list_status, "applied");
	assert_string_equal(p->regulator, "GMC");
	assure__response__free_unpacked(resp, NULL);
	p = add_ok("gp", "0000001", "Dr Zero Lead", NULL, &resp);
	assert_string_equal(p->list_status, "applied");
	assure__response__free_unpacked(resp, NULL);

	/* Dentist: GDC 1-6 digits, not starting with 0; dental performer
	 * code D + 6 digits + check digit. */
	char code[16];
	snprintf(code, sizeof code, "D482915%c", dental_check("482915"));
	p = add_ok("dentist", "654321", "Mr Bernard Bite", code, &resp);
	assert_string_equal(p->list_status, "applied");
	assert_string_equal(p->regulator, "GDC");
	assure__response__free_unpacked(resp, NULL);
	p = add_ok("dentist", "1", "Ms One Digit", NULL, &resp);
	assert_string_equal(p->list_status, "applied");
	assure__response__free_unpacked(resp, NULL);
	snprintf(code, sizeof code, "D000000%c", dental_check("000000"));
	p = add_ok("dentist", "90210", "Dr Check Zero", code, &resp);
	assure__response__free_unpacked(resp, NULL);

	/* Optometrist: GOC 01- or 10- and 5 digits. */
	p = add_ok("optometrist", "01-12345", "Ms Clara Clear", NULL, &resp);
	assert_string_equal(p->list_status, "applied");
	assert_string_equal(p->regulator, "GOC");
	assure__response__free_unpacked(resp, NULL);
	p = add_ok("optometrist", "10-12345", "Mr Ten Twelve", NULL, &resp);
	assure__response__free_unpacked(resp, NULL);

	/* Pharmacist: 2 + 6 digits; not on the Performers List, so no list
	 * status at all. */
	p = add_ok("pharmacist", "2012345", "Mr Peter Pill", NULL, &resp);
	assert_string_equal(p->list_status, "");
	assert_true(strstr(p->regulator, "GPhC") != NULL);
	assure__response__free_unpacked(resp, NULL);
}

static void test_add_invalid(void **state)
{
	(void)state;
	int IA = ASSURE__CODE__INVALID_ARGUMENT;
	/* GMC: exactly 7 digits. */
	add_refused("gp", "123456", NULL, IA, "GMC");
	add_refused("gp", "12345678", NULL, IA, "7 digits");
	add_refused("gp", "123456a", NULL, IA, "GMC");
	add_refused("gp", "", NULL, IA, "GMC");
	/* GDC: 1 to 6 digits, no leading zero. */
	add_refused("dentist", "1234567", NULL, IA, "GDC");
	add_refused("dentist", "012345", NULL, IA, "GDC");
	add_refused("dentist", "12-345", NULL, IA, "GDC");
	/* GOC: 01- or 10- then 5 digits. */
	add_refused("optometrist", "02-12345", NULL, IA, "GOC");
	add_refused("optometrist", "01-1234", NULL, IA, "GOC");
	add_refused("optometrist", "0112345", NULL, IA, "GOC");
	/* RPSGB/GPhC: 2 then 6 digits. */
	add_refused("pharmacist", "1234567", NULL, IA, "GPhC");
	add_refused("pharmacist", "20123456", NULL, IA, "GPhC");
	/* National codes. */
	add_refused("gp", "7000001", "G123", IA, "G then 7 digits");
	add_refused("gp", "7000001", "g1234567", IA, "national code");
	add_refused("gp", "7000001", "D1234569", IA, "national code");
	char code[16];
	char right = dental_check("482915");
	snprintf(code, sizeof code, "D482915%c", right == '9' ? '0' : (char)(right + 1));
	add_refused("dentist", "70001", code, IA, "check digit");
	add_refused("dentist", "70001", "D12345", IA, "dental performer code");
	add_refused("optometrist", "01-70001", "G1234567", IA, "national code");
	add_refused("pharmacist", "2700001", "G1234567", IA, "national code");
	/* Profession and name. */
	add_refused("nurse", "1234567", NULL, IA, "profession");
	add_refused("", "1234567", NULL, IA, "profession");
	struct harness_ireq r;
	harness_ireq_performer_add(&r, "gp", "7000002", "", NULL);
	harness_iexpect_msg(cm, &r, IA, "name", "PerformerAdd with no name");

	/* Nothing refused was stored. */
	int64_t ids[256];
	size_t n = list_all(cm, NULL, NULL, 0, "Refused Person", 0, ids, 256, NULL);
	assert_int_equal(n, 0);
}

static void test_add_duplicate(void **state)
{
	(void)state;
	add_id("gp", "3141592", "Dr Pi First", NULL);
	/* Same profession and number: refused, whatever the name. */
	add_refused("gp", "3141592", NULL, ASSURE__CODE__ALREADY_EXISTS, "3141592");
	add_id("dentist", "27182", "Dr E Dent", NULL);
	add_refused("dentist", "27182", NULL, ASSURE__CODE__ALREADY_EXISTS, "already");
	/* Profession plus number is the key: a GMC number may equal a GPhC
	 * number. */
	int64_t gp = add_id("gp", "2999999", "Dr Shared Number", NULL);
	int64_t ph = add_id("pharmacist", "2999999", "Mr Shared Number", NULL);
	assert_true(gp != ph);
	/* ... and then the number alone does not say which one. */
	struct harness_ireq r;
	harness_ireq_performer_show(&r, "2999999");
	harness_iexpect_msg(cm, &r, ASSURE__CODE__INVALID_ARGUMENT, "id",
			    "PerformerShow by a number two performers share");
}

/* ---- list ------------------------------------------------------------------- */

static void check_gp(const Assure__Performer *p)
{
	assert_string_equal(p->profession, "gp");
}

static void check_pharmacist(const Assure__Performer *p)
{
	assert_string_equal(p->profession, "pharmacist");
	assert_string_equal(p->list_status, "");
}

static void check_applied(const Assure__Performer *p)
{
	assert_string_equal(p->list_status, "applied");
}

static void check_suspended(const Assure__Performer *p)
{
	assert_true(p->suspended);
}

static void test_list_filters(void **state)
{
	(void)state;
	int64_t a = add_id("gp", "5550001", "Dr Lister Quince", NULL);
	int64_t b = add_id("dentist", "555002", "Ms Lister Quince-Smith", NULL);
	int64_t c = add_id("optometrist", "01-55503", "Mr QUINCE Lister", NULL);
	int64_t d = add_id("pharmacist", "2555004", "Mrs Quince Pharm", NULL);
	/* % and _ in a name are matched literally, not as LIKE wildcards. */
	int64_t e = add_id("dentist", "555005", "Dr 100%_Sure", NULL);
	int64_t f = add_id("dentist", "555006", "Dr 100xySure", NULL);
	int64_t g = add_id("dentist", "555007", "Dr 100%Sure", NULL);

	int64_t ids[512];
	size_t n;

	/* By profession. */
	n = list_all(cm, "gp", NULL, 0, NULL, 0, ids, 512, check_gp);
	assert_true(has_id(ids, n, a));
	assert_false(has_id(ids, n, b));
	n = list_all(cm, "pharmacist", NULL, 0, NULL, 0, ids, 512, check_pharmacist);
	assert_true(has_id(ids, n, d));
	assert_false(has_id(ids, n, a));

	/* By status: a pharmacist has none, so never matches one. */
	n = list_all(cm, NULL, "applied", 0, NULL, 0, ids, 512, check_applied);
	assert_true(has_id(ids, n, a) && has_id(ids, n, b) && has_id(ids, n, c));
	assert_false(has_id(ids, n, d));
	n = list_all(cm, NULL, "included", 0, "quince", 0, ids, 512, NULL);
	assert_int_equal(n, 0);

	/* Suspended: nobody is (only a panel decision on a concern suspends). */
	n = list_all(cm, NULL, NULL, 1, NULL, 0, ids, 512, check_suspended);
	assert_int_equal(n, 0);

	/* Name: a case-insensitive substring. */
	n = list_all(cm, NULL, NULL, 0, "QUINCE", 0, ids, 512, NULL);
	assert_int_equal(n, 4);
	assert_true(has_id(ids, n, a) && has_id(ids, n, b) && has_id(ids, n, c) &&
		    has_id(ids, n, d));
	n = list_all(cm, NULL, NULL, 0, "lister quince", 0, ids, 512, NULL);
	assert_int_equal(n, 2);
	assert_true(has_id(ids, n, a) && has_id(ids, n, b));
	n = list_all(cm, "dentist", NULL, 0, "quince", 0, ids, 512, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], b);
	n = list_all(cm, NULL, NULL, 0, "100%_", 0, ids, 512, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], e);
	n = list_all(cm, NULL, NULL, 0, "100%", 0, ids, 512, NULL);
	assert_int_equal(n, 2);
	assert_true(has_id(ids, n, e) && has_id(ids, n, g));
	n = list_all(cm, NULL, NULL, 0, "0_s", 0, ids, 512, NULL);
	assert_int_equal(n, 0);
	n = list_all(cm, NULL, NULL, 0, "100xy", 0, ids, 512, NULL);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], f);
	n = list_all(cm, NULL, NULL, 0, "no such name anywhere", 0, ids, 512, NULL);
	assert_int_equal(n, 0);

	/* Bad filters. */
	struct harness_ireq r;
	harness_ireq_performer_list(&r, "nurse", NULL, 0, NULL, 0, NULL);
	harness_iexpect_msg(cm, &r, ASSURE__CODE__INVALID_ARGUMENT, "profession",
			    "PerformerList --profession nurse");
	harness_ireq_performer_list(&r, NULL, "struck-off", 0, NULL, 0, NULL);
	harness_iexpect_msg(cm, &r, ASSURE__CODE__INVALID_ARGUMENT, "status",
			    "PerformerList --status struck-off");
	harness_ireq_performer_list(&r, NULL, NULL, 0, NULL, 2, "not-a-token");
	harness_iexpect_code(cm, &r, ASSURE__CODE__INVALID_ARGUMENT, "PerformerList bad token");
}

static void test_list_paging(void **state)
{
	(void)state;
	int64_t all[512], paged[512], small[512];
	size_t n = list_all(cm, NULL, NULL, 0, NULL, 0, all, 512, NULL);
	assert_true(n >= 10);
	/* Ordered by id, each once. */
	for (size_t i = 1; i < n; i++)
		assert_true(all[i] > all[i - 1]);
	size_t m = list_all(cm, NULL, NULL, 0, NULL, 3, paged, 512, NULL);
	assert_int_equal(m, n);
	assert_memory_equal(all, paged, n * sizeof all[0]);
	m = list_all(cm, NULL, NULL, 0, NULL, 1, small, 512, NULL);
	assert_int_equal(m, n);
	assert_memory_equal(all, small, n * sizeof all[0]);
	/* A filter pages too. */
	int64_t f1[512], f2[512];
	size_t k1 = list_all(cm, "dentist", NULL, 0, NULL, 0, f1, 512, NULL);
	size_t k2 = list_all(cm, "dentist", NULL, 0, NULL, 2, f2, 512, NULL);
	assert_true(k1 >= 4);
	assert_int_equal(k1, k2);
	assert_memory_equal(f1, f2, k1 * sizeof f1[0]);
}

/* ---- show ------------------------------------------------------------------- */

static void test_show(void **state)
{
	(void)state;
	int64_t id = add_id("gp", "8675309", "Dr Jenny Show", "G8675309");
	int64_t ph = add_id("pharmacist", "2867530", "Mr Phil Show", NULL);

	Assure__Response *resp = show_id(id);
	const Assure__PerformerShowResponse *s = resp->performer_show;
	assert_int_equal(s->performer->id, id);
	assert_string_equal(s->performer->reg, "8675309");
	assert_string_equal(s->performer->name, "Dr Jenny Show");
	assert_string_equal(s->performer->national_code, "G8675309");
	assert_string_equal(s->performer->list_status, "applied");
	assert_string_equal(s->performer->regulator, "GMC");
	/* The application is the first history row. */
	assert_int_equal(s->n_history, 1);
	assert_string_equal(s->history[0]->from_status, "");
	assert_string_equal(s->history[0]->to_status, "applied");
	assert_string_equal(s->history[0]->by, CASE);
	assert_true(s->history[0]->at > 1600000000);
	char today[16];
	date_from_today(0, today, sizeof today);
	assert_string_equal(s->history[0]->date, today);
	assert_int_equal(s->n_concerns, 0);
	assure__response__free_unpacked(resp, NULL);

	/* By registration number: the same performer. */
	resp = show_ok("8675309");
	assert_int_equal(resp->performer_show->performer->id, id);
	assure__response__free_unpacked(resp, NULL);
	resp = show_ok("01-12345");
	assert_string_equal(resp->performer_show->performer->name, "Ms Clara Clear");
	assure__response__free_unpacked(resp, NULL);

	/* A pharmacist: no list status, so no list history. */
	resp = show_id(ph);
	assert_string_equal(resp->performer_show->performer->list_status, "");
	assert_int_equal(resp->performer_show->n_history, 0);
	assure__response__free_unpacked(resp, NULL);

	struct harness_ireq r;
	harness_ireq_performer_show(&r, "987654321");
	harness_iexpect_code(cm, &r, ASSURE__CODE__NOT_FOUND, "PerformerShow unknown id");
	harness_ireq_performer_show(&r, "7777777");
	harness_iexpect_code(cm, &r, ASSURE__CODE__NOT_FOUND, "PerformerShow unknown GMC number");
	harness_ireq_performer_show(&r, "nobody");
	harness_iexpect_code(cm, &r, ASSURE__CODE__NOT_FOUND, "PerformerShow nobody");
	harness_ireq_performer_show(&r, "");
	harness_iexpect_code(cm, &r, ASSURE__CODE__INVALID_ARGUMENT, "PerformerShow ''");
}

/* ---- admission ---------------------------------------------------------------- */

static void test_admit_with_conditions(void **state)
{
	(void)state;
	int64_t id = add_id("gp", "4000001", "Dr Connie Ditions", NULL);
	struct harness_ireq r;
	harness_ireq_performer_admit(&r, id, "included-with-conditions",
				     "satisfactory references; supervision agreed",
				     "prescribing supervised for 6 months", panel3, NULL, 1);
	Assure__Response *resp =
	    harness_iexpect(cm, &r, ASSURE__CODE__OK, "PerformerAdmit included-with-conditions");
	const Assure__Performer *p = resp->performer_admit->performer;
	assert_non_null(p);
	assert_string_equal(p->list_status, "included-with-conditions");
	assert_string_equal(p->conditions, "prescribing supervised for 6 months");
	assert_int_equal(p->version, 2);
	assure__response__free_unpacked(resp, NULL);

	resp = show_id(id);
	const Assure__PerformerShowResponse *s = resp->performer_show;
	assert_int_equal(s->n_history, 2);
	const Assure__ListStatusChange *h = s->history[1];
	assert_string_equal(h->from_status, "applied");
	assert_string_equal(h->to_status, "included-with-conditions");
	assert_false(h->suspended_before);
	assert_false(h->suspended_after);
	assert_string_equal(h->by, CASE);
	assert_string_equal(h->rationale, "satisfactory references; supervision agreed");
	assert_true(strstr(h->decision, PANEL1) != NULL);
	assert_true(strstr(h->decision, PANEL2) != NULL);
	assert_true(strstr(h->decision, PANEL3) != NULL);
	assert_true(harness_contains_ci(h->decision, "admission"));
	char today[16];
	date_from_today(0, today, sizeof today);
	assert_string_equal(h->date, today);
	assert_true(h->at >= s->history[0]->at);
	assure__response__free_unpacked(resp, NULL);

	/* Already on the list: no admission decision any more. */
	admit_expect(id, "included", NULL, panel3, NULL, 0, ASSURE__CODE__FAILED_PRECONDITION,
		     "applicant", "PerformerAdmit on an included performer");
	admit_expect(id, "refused", NULL, panel3, NULL, 0, ASSURE__CODE__FAILED_PRECONDITION, NULL,
		     "PerformerAdmit refused on an included performer");
	expect_status(id, "included-with-conditions", 2);
}

static void test_admit_refusals(void **state)
{
	(void)state;
	int64_t id = add_id("dentist", "400002", "Mr Rufus Fused", NULL);
	int IA = ASSURE__CODE__INVALID_ARGUMENT, FP = ASSURE__CODE__FAILED_PRECONDITION;

	/* Conditions go with included-with-conditions, and only there. */
	admit_expect(id, "included-with-conditions", NULL, panel3, NULL, 0, IA, "conditions",
		     "included-with-conditions without conditions");
	admit_expect(id, "included", "some conditions", panel3, NULL, 0, IA, "conditions",
		     "included with conditions given");
	/* Only the four admission decisions. */
	admit_expect(id, "removed", NULL, panel3, NULL, 0, IA, "decision", "decision removed");
	admit_expect(id, "", NULL, panel3, NULL, 0, IA, "decision", "no decision");
	/* A rationale is needed. */
	struct harness_ireq r;
	harness_ireq_performer_admit(&r, id, "included", "", NULL, panel3, NULL, 0);
	harness_iexpect_msg(cm, &r, IA, "rationale", "no rationale");

	/* The panel: a quorum of 3 ... */
	static const char *const two[] = {PANEL1, PANEL2, NULL};
	admit_expect(id, "included", NULL, two, NULL, 0, FP, "quorum", "a panel of 2");
	admit_expect(id, "included", NULL, NULL, NULL, 0, FP, "quorum", "no panel");
	/* ... of users holding panel-member ... */
	static const char *const viewer[] = {PANEL1, PANEL2, VIEWER, NULL};
	admit_expect(id, "included", NULL, viewer, NULL, 0, FP, VIEWER, "a viewer on the panel");
	static const char *const cm_panel[] = {PANEL1, PANEL2, CASE, NULL};
	admit_expect(id, "included", NULL, cm_panel, NULL, 0, FP, "panel",
		     "the case manager on the panel");
	static const char *const inv[] = {INVESTIGATOR, PANEL1, PANEL2, NULL};
	admit_expect(id, "included", NULL, inv, NULL, 0, FP, "panel",
		     "an investigator on the panel");
	/* ... enabled ... */
	static const char *const off[] = {PANEL1, PANEL2, PANEL_OFF, NULL};
	admit_expect(id, "included", NULL, off, NULL, 0, FP, PANEL_OFF,
		     "a disabled panel member on the panel");
	/* ... distinct (one person twice is not two members) ... */
	static const char *const twice[] = {PANEL1, PANEL2, PANEL2, NULL};
	r = (struct harness_ireq){0};
	harness_ireq_performer_admit(&r, id, "included", "reasons", NULL, twice, NULL, 0);
	Assure__Response *resp = harness_icall(cm, &r);
	int got = client_status_code(resp);
	if (got != IA && got != FP)
		fail_msg("a panel naming %s twice: expected INVALID_ARGUMENT or "
			 "FAILED_PRECONDITION, got %s: %s",
			 PANEL2, harness_code_name(got), client_status_message(resp));
	assure__response__free_unpacked(resp, NULL);
	/* ... and existing. */
	static const char *const ghost[] = {PANEL1, PANEL2, "pf-nobody", NULL};
	admit_expect(id, "included", NULL, ghost, NULL, 0, ASSURE__CODE__NOT_FOUND, "pf-nobody",
		     "an unknown user on the panel");

	/* The date: a real date, not in the future. */
	char tomorrow[16];
	date_from_today(1, tomorrow, sizeof tomorrow);
	admit_expect(id, "included", NULL, panel3, tomorrow, 0, IA, "future", "a future date");
	admit_expect(id, "included", NULL, panel3, "2020-13-01", 0, IA, "date", "month 13");
	admit_expect(id, "included", NULL, panel3, "01/02/2020", 0, IA, "date", "not ISO");

	/* Unknown performer. */
	admit_expect(987654321, "included", NULL, panel3, NULL, 0, ASSURE__CODE__NOT_FOUND, NULL,
		     "an unknown performer");

	/* None of that changed anything. */
	expect_status(id, "applied", 1);
	resp = show_id(id);
	assert_int_equal(resp->performer_show->n_history, 1);
	assure__response__free_unpacked(resp, NULL);

	/* A pharmacist is not on the Performers List. */
	int64_t ph = add_id("pharmacist", "2400003", "Ms Phoebe Pharma", NULL);
	admit_expect(ph, "included", NULL, panel3, NULL, 0, FP, "pharmacist",
		     "admitting a pharmacist");
	admit_expect(ph, "refused", NULL, panel3, NULL, 0, FP, "pharmacist",
		     "refusing a pharmacist");
	expect_status(ph, "", 1);
}

static void test_admit_moves(void **state)
{
	(void)state;
	int FP = ASSURE__CODE__FAILED_PRECONDITION;
	/* applied -> deferred -> included. */
	int64_t d = add_id("optometrist", "10-40004", "Ms Dee Ferred", NULL);
	admit_expect(d, "deferred", NULL, panel3, NULL, 1, ASSURE__CODE__OK, NULL, "defer");
	expect_status(d, "deferred", 2);
	admit_expect(d, "deferred", NULL, panel3, NULL, 0, FP, NULL, "defer again");
	admit_expect(d, "included", NULL, panel3, NULL, 2, ASSURE__CODE__OK, NULL,
		     "deferred -> included");
	expect_status(d, "included", 3);
	Assure__Response *resp = show_id(d);
	assert_int_equal(resp->performer_show->n_history, 3);
	assert_string_equal(resp->performer_show->history[2]->from_status, "deferred");
	assert_string_equal(resp->performer_show->history[2]->to_status, "included");
	assure__response__free_unpacked(resp, NULL);

	/* applied -> refused; a refusal is final for the application. */
	int64_t x = add_id("gp", "4000005", "Dr Ree Fused", NULL);
	admit_expect(x, "refused", NULL, panel3, "2020-01-15", 0, ASSURE__CODE__OK, NULL,
		     "refuse, dated in the past");
	admit_expect(x, "included", NULL, panel3, NULL, 0, FP, NULL, "refused -> included");
	expect_status(x, "refused", 2);
	resp = show_id(x);
	assert_int_equal(resp->performer_show->n_history, 2);
	assert_string_equal(resp->performer_show->history[1]->to_status, "refused");
	assert_string_equal(resp->performer_show->history[1]->date, "2020-01-15");
	assure__response__free_unpacked(resp, NULL);

	/* deferred -> refused, and a panel of more than 3. */
	int64_t y = add_id("dentist", "400006", "Dr Late Refusal", NULL);
	admit_expect(y, "deferred", NULL, panel3, NULL, 0, ASSURE__CODE__OK, NULL, "defer y");
	static const char *const four[] = {PANEL4, PANEL3, PANEL2, PANEL1, NULL};
	admit_expect(y, "refused", NULL, four, NULL, 0, ASSURE__CODE__OK, NULL,
		     "deferred -> refused by a panel of 4");
	expect_status(y, "refused", 3);
	resp = show_id(y);
	assert_int_equal(resp->performer_show->n_history, 3);
	assert_true(strstr(resp->performer_show->history[2]->decision, PANEL4) != NULL);
	assure__response__free_unpacked(resp, NULL);
}

static void test_admit_stale_version(void **state)
{
	(void)state;
	int64_t id = add_id("gp", "4000007", "Dr Stale Version", NULL);
	/* Someone else defers it while we look at version 1. */
	admit_expect(id, "deferred", NULL, panel3, NULL, 1, ASSURE__CODE__OK, NULL,
		     "defer at version 1");
	admit_expect(id, "included", NULL, panel3, NULL, 1, ASSURE__CODE__ABORTED, "changed by",
		     "include at stale version 1");
	struct harness_ireq r;
	harness_ireq_performer_admit(&r, id, "included", "reasons", NULL, panel3, NULL, 1);
	harness_iexpect_msg(cm, &r, ASSURE__CODE__ABORTED, CASE,
			    "the stale-version message names who changed it");
	expect_status(id, "deferred", 2);
	admit_expect(id, "included", NULL, panel3, NULL, 2, ASSURE__CODE__OK, NULL,
		     "include at the current version 2");
	expect_status(id, "included", 3);
}

/* ---- names in another case ---------------------------------------------------- */

/* The server reads professions, statuses and decisions without regard to
 * case. Whatever it accepts must be stored under the canonical lower-case
 * name DOMAIN.md gives (or be refused cleanly): a stored "GP" or
 * "INCLUDED" would escape every filter and rule keyed on the real names. */
static void test_names_in_other_case(void **state)
{
	(void)state;
	int bad = 0;
	struct harness_ireq r;
	harness_ireq_performer_add(&r, "GP", "4100001", "Dr Upper Case", NULL);
	Assure__Response *resp = harness_icall(cm, &r);
	int got = client_status_code(resp);
	const char *msg = client_status_message(resp);
	if (got == ASSURE__CODE__OK) {
		const char *stored = resp->performer_add->performer->profession;
		if (strcmp(stored, "gp") != 0) {
			print_error("PerformerAdd --profession GP stored profession '%s'\n",
				    stored);
			bad++;
		}
	} else if (got != ASSURE__CODE__INVALID_ARGUMENT || harness_contains_ci(msg, "database") ||
		   harness_contains_ci(msg, "constraint")) {
		print_error("PerformerAdd --profession GP: expected OK (stored as gp) or a clean "
			    "INVALID_ARGUMENT, got %s: \"%s\"\n",
			    harness_code_name(got), msg);
		bad++;
	}
	assure__response__free_unpacked(resp, NULL);

	int64_t id = add_id("gp", "4100002", "Dr Case Decision", NULL);
	harness_ireq_performer_admit(&r, id, "INCLUDED", "reasons", NULL, panel3, NULL, 0);
	resp = harness_icall(cm, &r);
	got = client_status_code(resp);
	if (got == ASSURE__CODE__OK) {
		const char *stored = resp->performer_admit->performer->list_status;
		if (strcmp(stored, "included") != 0) {
			print_error("PerformerAdmit --decision INCLUDED stored list status '%s', "
				    "not a DOMAIN.md list status\n",
				    stored);
			bad++;
		}
	} else if (got != ASSURE__CODE__INVALID_ARGUMENT) {
		print_error("PerformerAdmit --decision INCLUDED: expected OK (stored as included) "
			    "or INVALID_ARGUMENT, got %s: \"%s\"\n",
			    harness_code_name(got), client_status_message(resp));
		bad++;
	}
	assure__response__free_unpacked(resp, NULL);

	/* A filter the server accepts finds what it names. */
	static const char *const filters[][3] = {
	    {"DENTIST", NULL, "dentist"},
	    {NULL, "APPLIED", "applied"},
	};
	for (size_t k = 0; k < sizeof filters / sizeof filters[0]; k++) {
		int64_t ids[512];
		const char *prof = filters[k][0], *st = filters[k][1], *canon = filters[k][2];
		size_t want = list_all(cm, prof != NULL ? canon : NULL, st != NULL ? canon : NULL,
				       0, NULL, 0, ids, 512, NULL);
		harness_ireq_performer_list(&r, prof, st, 0, NULL, 0, NULL);
		resp = harness_icall(cm, &r);
		got = client_status_code(resp);
		if (got == ASSURE__CODE__OK && want > 0 &&
		    resp->performer_list->n_performers == 0) {
			print_error("PerformerList %s was accepted but found none of the %zu "
				    "performers it names\n",
				    prof != NULL ? prof : st, want);
			bad++;
		}
		assure__response__free_unpacked(resp, NULL);
	}
	assert_int_equal(bad, 0);
}

/* ---- who may ------------------------------------------------------------------ */

static void test_who_may(void **state)
{
	(void)state;
	int64_t id = add_id("gp", "4000008", "Dr Who May", NULL);
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)id);
	struct harness_ireq r;
	const char *readers[] = {VIEWER, PANEL1, INVESTIGATOR};
	for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
		char what[128];
		struct client *c = harness_connect_login(&server, readers[i], PW, NULL, NULL);
		snprintf(what, sizeof what, "PerformerList as %s", readers[i]);
		harness_ireq_performer_list(&r, NULL, NULL, 0, "who may", 0, NULL);
		Assure__Response *resp = harness_iexpect(c, &r, ASSURE__CODE__OK, what);
		assert_int_equal(resp->performer_list->n_performers, 1);
		assure__response__free_unpacked(resp, NULL);
		snprintf(what, sizeof what, "PerformerShow as %s", readers[i]);
		harness_ireq_performer_show(&r, key);
		harness_iexpect_code(c, &r, ASSURE__CODE__OK, what);
		snprintf(what, sizeof what, "PerformerAdd as %s", readers[i]);
		harness_ireq_performer_add(&r, "gp", "4000009", "Dr Not Allowed", NULL);
		harness_iexpect_code(c, &r, ASSURE__CODE__PERMISSION_DENIED, what);
		snprintf(what, sizeof what, "PerformerAdmit as %s", readers[i]);
		harness_ireq_performer_admit(&r, id, "included", "reasons", NULL, panel3, NULL, 0);
		harness_iexpect_code(c, &r, ASSURE__CODE__PERMISSION_DENIED, what);
		client_free(c);
	}
	/* The admin administers identity, not the register. */
	struct client *admin = harness_connect_admin(&server);
	harness_ireq_performer_list(&r, NULL, NULL, 0, NULL, 0, NULL);
	harness_iexpect_code(admin, &r, ASSURE__CODE__PERMISSION_DENIED, "PerformerList as admin");
	client_free(admin);
	/* Nothing was added or changed by the refused calls. */
	harness_ireq_performer_show(&r, "4000009");
	harness_iexpect_code(cm, &r, ASSURE__CODE__NOT_FOUND, "the refused add left nothing");
	expect_status(id, "applied", 1);
}

/* ---- the assure CLI ------------------------------------------------------------ */

static void expect_exit(const char *what, const struct harness_run *r, int code)
{
	if (r->status == 2 && code != 2 && harness_contains_ci(r->err, "unknown command")) {
		harness_show_run(what, r);
		fail_msg("%s: the assure CLI has no performer commands: client/cli.c's command "
			 "table (and cli.h) must list cli_cmd_performer_add/list/show/admit",
			 what);
	}
	if (r->status != code) {
		harness_show_run(what, r);
		fail_msg("%s: exit %d, expected %d", what, r->status, code);
	}
	if (code != 0 && strncmp(r->err, "assure: ", 8) != 0) {
		harness_show_run(what, r);
		fail_msg("%s: exit %d without an 'assure: ...' line on stderr", what, code);
	}
}

static void expect_err(const char *what, const struct harness_run *r, const char *text)
{
	if (!harness_contains_ci(r->err, text)) {
		harness_show_run(what, r);
		fail_msg("%s: stderr does not mention '%s'", what, text);
	}
}

static void expect_out(const char *what, const struct harness_run *r, const char *text)
{
	if (strstr(r->out, text) == NULL) {
		harness_show_run(what, r);
		fail_msg("%s: stdout does not contain '%s'", what, text);
	}
}

/* The value of a Python expression over d, as text (caller's buffer). */
static void json_get(const char *what, const struct harness_run *r, const char *expr, char *out,
		     size_t size)
{
	char prog[1024];
	snprintf(prog, sizeof prog,
		 "import json, sys\nd = json.loads(sys.stdin.read())\nsys.stdout.write(str(%s))\n",
		 expr);
	const char *argv[] = {PYTHON3, "-S", "-E", "-c", prog, NULL};
	struct harness_run p;
	assert_int_equal(harness_run_argv(argv, NULL, r->out, 20000, &p), 0);
	if (p.status != 0) {
		harness_show_run(what, r);
		fprintf(stderr, "python3 says: %s\n", p.err);
		harness_run_free(&p);
		fail_msg("%s: cannot read %s from the --json output", what, expr);
	}
	snprintf(out, size, "%s", p.out);
	harness_run_free(&p);
}

/* A config directory of its own, logged in as user. Caller frees. */
static char *cli_login_new(const char *user)
{
	char *tmp = harness_tempdir("cliperf");
	char *dir = NULL;
	if (asprintf(&dir, "%s/config", tmp) < 0)
		abort();
	free(tmp);
	struct harness_run r;
	harness_cli(server.addr, dir, PW "\n", &r, "login", "--user", user, "--password-stdin",
		    NULL);
	char what[128];
	snprintf(what, sizeof what, "assure login --user %s", user);
	expect_exit(what, &r, 0);
	harness_run_free(&r);
	return dir;
}

#define CM(r, ...) harness_cli(server.addr, cm_cfg, NULL, r, __VA_ARGS__, NULL)

/* The CLI knows the performer commands (else every usage check below
 * would pass for the wrong reason: an unknown command is exit 2 too). */
static void require_performer_cli(void)
{
	static const char *const verbs[] = {"add", "list", "show", "admit"};
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		struct harness_run r;
		harness_cli(server.addr, NULL, NULL, &r, "performer", verbs[i], "--help", NULL);
		char what[64];
		snprintf(what, sizeof what, "assure performer %s --help", verbs[i]);
		expect_exit(what, &r, 0);
		expect_out(what, &r, "usage: assure performer");
		harness_run_free(&r);
	}
}

static void test_cli_add(void **state)
{
	(void)state;
	require_performer_cli();
	char *cm_cfg = cli_login_new(CASE);
	struct harness_run r;

	CM(&r, "performer", "add", "--profession", "gp", "--reg", "6000001", "--name",
	   "Dr Cli Table", "--national-code", "G6000001");
	expect_exit("assure performer add (gp)", &r, 0);
	expect_out("assure performer add (gp)", &r, "applied");
	/* The new id is printed: the one show by registration number finds. */
	Assure__Response *resp = show_ok("6000001");
	char id[32];
	snprintf(id, sizeof id, " %lld ", (long long)resp->performer_show->performer->id);
	assure__response__free_unpacked(resp, NULL);
	expect_out("assure performer add prints the id", &r, id);
	harness_run_free(&r);

	CM(&r, "performer", "add", "--profession", "optometrist", "--reg", "10-60002", "--name",
	   "Ms Cli \"Json\" Opto", "--json");
	expect_exit("assure performer add --json", &r, 0);
	harness_json_expect(
	    "assure performer add --json", &r,
	    "d['profession'] == 'optometrist' and d['reg'] == '10-60002' and "
	    "d['name'] == 'Ms Cli \"Json\" Opto' and d['list_status'] == 'applied' and "
	    "d['regulator'] == 'GOC' and d['version'] == 1 and d['suspended'] is False and "
	    "d['suspension'] is None and d['national_code'] == '' and "
	    "isinstance(d['id'], int) and d['id'] > 0 and d['created_at'].endswith('Z')");
	char new_id[32];
	json_get("assure performer add --json", &r, "d['id']", new_id, sizeof new_id);
	harness_run_free(&r);
	CM(&r, "performer", "show", new_id, "--json");
	expect_exit("assure performer show of the id add printed", &r, 0);
	harness_json_expect("assure performer show of the id add printed", &r,
			    "d['performer']['reg'] == '10-60002'");
	harness_run_free(&r);

	CM(&r, "performer", "add", "--profession", "pharmacist", "--reg", "2600003", "--name",
	   "Mr Cli Pharm", "--json");
	expect_exit("assure performer add pharmacist --json", &r, 0);
	harness_json_expect("assure performer add pharmacist --json", &r,
			    "d['profession'] == 'pharmacist' and d['list_status'] == ''");
	harness_run_free(&r);
	CM(&r, "performer", "add", "--profession", "pharmacist", "--reg", "2600004", "--name",
	   "Mr Cli Pharm Two");
	expect_exit("assure performer add pharmacist", &r, 0);
	expect_out("assure performer add pharmacist", &r, "not on the Performers List");
	harness_run_free(&r);

	/* Refusals and their exit codes. */
	CM(&r, "performer", "add", "--profession", "gp", "--reg", "600000", "--name", "Dr Short");
	expect_exit("assure performer add, GMC number of 6 digits", &r, 8);
	expect_err("assure performer add, GMC number of 6 digits", &r, "GMC");
	harness_run_free(&r);
	CM(&r, "performer", "add", "--profession", "dentist", "--reg", "60005", "--name",
	   "Dr Bad Code", "--national-code", "D1234560");
	expect_exit("assure performer add, bad check digit", &r, 8);
	expect_err("assure performer add, bad check digit", &r, "check digit");
	harness_run_free(&r);
	CM(&r, "performer", "add", "--profession", "gp", "--reg", "6000001", "--name", "Dr Again");
	expect_exit("assure performer add, duplicate", &r, 6);
	harness_run_free(&r);
	CM(&r, "performer", "add", "--profession", "gp", "--reg", "6000009");
	expect_exit("assure performer add without --name", &r, 2);
	harness_run_free(&r);

	/* A viewer may not add. */
	char *v_cfg = cli_login_new(VIEWER);
	harness_cli(server.addr, v_cfg, NULL, &r, "performer", "add", "--profession", "gp", "--reg",
		    "6000010", "--name", "Dr Viewer Add", NULL);
	expect_exit("assure performer add as a viewer", &r, 4);
	harness_run_free(&r);
	free(v_cfg);
	free(cm_cfg);
}

static void test_cli_list_show(void **state)
{
	(void)state;
	require_performer_cli();
	char *cm_cfg = cli_login_new(CASE);
	struct harness_run r;
	int64_t a = add_id("gp", "6100001", "Dr Cli Listed", NULL);
	add_id("dentist", "610002", "Dr Cli Listed Dent", NULL);
	add_id("pharmacist", "2610003", "Mr Cli Listed Pharm", NULL);
	add_id("dentist", "610004", "Dr 50%_Cli", NULL);
	add_id("dentist", "610005", "Dr 50xyCli", NULL);

	CM(&r, "performer", "list", "--name", "cli listed");
	expect_exit("assure performer list --name", &r, 0);
	expect_out("assure performer list", &r, "ID");
	expect_out("assure performer list", &r, "PROFESSION");
	expect_out("assure performer list", &r, "REG");
	expect_out("assure performer list", &r, "NAME");
	expect_out("assure performer list", &r, "STATUS");
	expect_out("assure performer list", &r, "SUSPENDED");
	expect_out("assure performer list", &r, "Dr Cli Listed Dent");
	expect_out("assure performer list", &r, "6100001");
	harness_run_free(&r);

	CM(&r, "performer", "list", "--name", "CLI LISTED", "--json");
	expect_exit("assure performer list --name --json", &r, 0);
	harness_json_expect(
	    "assure performer list --name --json", &r,
	    "isinstance(d, list) and len(d) == 3 and "
	    "sorted(p['profession'] for p in d) == ['dentist', 'gp', 'pharmacist'] and "
	    "all(p['suspended'] is False for p in d) and "
	    "[p['list_status'] for p in d if p['profession'] == 'pharmacist'] == ['']");
	harness_run_free(&r);

	CM(&r, "performer", "list", "--profession", "gp", "--status", "applied", "--json");
	expect_exit("assure performer list --profession gp --status applied --json", &r, 0);
	harness_json_expect("assure performer list --profession gp --status applied --json", &r,
			    "len(d) >= 1 and all(p['profession'] == 'gp' and p['list_status'] == "
			    "'applied' for p in d) and any(p['reg'] == '6100001' for p in d)");
	harness_run_free(&r);

	CM(&r, "performer", "list", "--name", "50%_", "--json");
	expect_exit("assure performer list --name 50%_ --json", &r, 0);
	harness_json_expect("assure performer list --name 50%_ --json", &r,
			    "[p['name'] for p in d] == ['Dr 50%_Cli']");
	harness_run_free(&r);

	CM(&r, "performer", "list", "--suspended", "--json");
	expect_exit("assure performer list --suspended --json", &r, 0);
	harness_json_expect("assure performer list --suspended --json", &r, "d == []");
	harness_run_free(&r);

	/* All pages: more than the server's default page of 100. */
	int64_t ids[1024];
	size_t total = list_all(cm, NULL, NULL, 0, NULL, 0, ids, 1024, NULL);
	for (size_t i = total; i <= 100; i++) {
		char reg[16], name[64];
		snprintf(reg, sizeof reg, "%d", 620000 + (int)i);
		snprintf(name, sizeof name, "Dr Bulk %zu", i);
		add_id("dentist", reg, name, NULL);
	}
	total = list_all(cm, NULL, NULL, 0, NULL, 0, ids, 1024, NULL);
	assert_true(total > 100);
	CM(&r, "performer", "list", "--json");
	expect_exit("assure performer list --json (all pages)", &r, 0);
	char expr[128];
	snprintf(expr, sizeof expr, "len(d) == %zu and len(set(p['id'] for p in d)) == %zu", total,
		 total);
	harness_json_expect("assure performer list --json (all pages)", &r, expr);
	harness_run_free(&r);

	CM(&r, "performer", "list", "--status", "struck-off");
	expect_exit("assure performer list --status struck-off", &r, 8);
	harness_run_free(&r);

	/* show, by id and by registration number. */
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)a);
	CM(&r, "performer", "show", key, "--json");
	expect_exit("assure performer show ID --json", &r, 0);
	snprintf(expr, sizeof expr,
		 "set(d) == {'performer', 'history', 'concerns'} and d['performer']['id'] == %lld",
		 (long long)a);
	harness_json_expect("assure performer show ID --json", &r, expr);
	harness_json_expect(
	    "assure performer show ID --json", &r,
	    "d['performer']['reg'] == '6100001' and d['concerns'] == [] and "
	    "len(d['history']) == 1 and d['history'][0]['to_status'] == 'applied' and "
	    "d['history'][0]['from_status'] == '' and d['history'][0]['by'] == '" CASE
	    "' and d['history'][0]['at'].endswith('Z')");
	harness_run_free(&r);

	CM(&r, "performer", "show", "6100001");
	expect_exit("assure performer show REG", &r, 0);
	expect_out("assure performer show REG", &r, "Dr Cli Listed");
	expect_out("assure performer show REG", &r, "GMC 6100001");
	expect_out("assure performer show REG", &r, "applied");
	expect_out("assure performer show REG", &r, "FROM");
	expect_out("assure performer show REG", &r, "RATIONALE");
	harness_run_free(&r);

	CM(&r, "performer", "show", "987654321");
	expect_exit("assure performer show unknown", &r, 5);
	harness_run_free(&r);
	CM(&r, "performer", "show");
	expect_exit("assure performer show without an argument", &r, 2);
	harness_run_free(&r);

	/* A viewer may look. */
	char *v_cfg = cli_login_new(VIEWER);
	harness_cli(server.addr, v_cfg, NULL, &r, "performer", "show", "6100001", "--json", NULL);
	expect_exit("assure performer show as a viewer", &r, 0);
	harness_json_expect("assure performer show as a viewer", &r,
			    "d['performer']['reg'] == '6100001'");
	harness_run_free(&r);
	harness_cli(server.addr, v_cfg, NULL, &r, "performer", "list", "--name", "cli listed",
		    NULL);
	expect_exit("assure performer list as a viewer", &r, 0);
	harness_run_free(&r);
	free(v_cfg);
	free(cm_cfg);
}

static void test_cli_admit(void **state)
{
	(void)state;
	require_performer_cli();
	char *cm_cfg = cli_login_new(CASE);
	struct harness_run r;
	int64_t a = add_id("gp", "6300001", "Dr Cli Admit", NULL);
	int64_t b = add_id("dentist", "630002", "Dr Cli Stale", NULL);
	int64_t ph = add_id("pharmacist", "2630003", "Mr Cli Admit Pharm", NULL);
	char ka[32], kb[32], kph[32];
	snprintf(ka, sizeof ka, "%lld", (long long)a);
	snprintf(kb, sizeof kb, "%lld", (long long)b);
	snprintf(kph, sizeof kph, "%lld", (long long)ph);

	/* Usage errors, before connecting. */
	CM(&r, "performer", "admit", "abc", "--decision", "included", "--rationale", "x", "--panel",
	   PANEL1 "," PANEL2 "," PANEL3);
	expect_exit("assure performer admit abc", &r, 2);
	harness_run_free(&r);
	CM(&r, "performer", "admit", ka, "--decision", "included", "--rationale", "x", "--panel",
	   PANEL1 ",," PANEL3);
	expect_exit("assure performer admit --panel a,,b", &r, 2);
	harness_run_free(&r);
	CM(&r, "performer", "admit", ka, "--decision", "included", "--rationale", "x");
	expect_exit("assure performer admit without --panel", &r, 2);
	harness_run_free(&r);

	/* Server refusals. */
	CM(&r, "performer", "admit", ka, "--decision", "included", "--rationale", "x", "--panel",
	   PANEL1 "," PANEL2);
	expect_exit("assure performer admit, panel of 2", &r, 7);
	expect_err("assure performer admit, panel of 2", &r, "quorum");
	harness_run_free(&r);
	CM(&r, "performer", "admit", ka, "--decision", "included-with-conditions", "--rationale",
	   "x", "--panel", PANEL1 "," PANEL2 "," PANEL3);
	expect_exit("assure performer admit, conditions missing", &r, 8);
	harness_run_free(&r);
	char tomorrow[16];
	date_from_today(1, tomorrow, sizeof tomorrow);
	CM(&r, "performer", "admit", ka, "--decision", "included", "--rationale", "x", "--panel",
	   PANEL1 "," PANEL2 "," PANEL3, "--date", tomorrow);
	expect_exit("assure performer admit, future date", &r, 8);
	harness_run_free(&r);
	CM(&r, "performer", "admit", kph, "--decision", "included", "--rationale", "x", "--panel",
	   PANEL1 "," PANEL2 "," PANEL3);
	expect_exit("assure performer admit, pharmacist", &r, 7);
	expect_err("assure performer admit, pharmacist", &r, "pharmacist");
	harness_run_free(&r);
	CM(&r, "performer", "admit", "987654321", "--decision", "included", "--rationale", "x",
	   "--panel", PANEL1 "," PANEL2 "," PANEL3);
	expect_exit("assure performer admit, unknown performer", &r, 5);
	harness_run_free(&r);

	/* The decision: comma-separated and repeated --panel mix. */
	CM(&r, "performer", "admit", ka, "--decision", "included-with-conditions", "--rationale",
	   "references checked", "--conditions", "no out-of-hours work for 12 months", "--panel",
	   PANEL1 "," PANEL2, "--panel", PANEL3, "--date", "2021-03-04", "--version", "1",
	   "--json");
	expect_exit("assure performer admit --json", &r, 0);
	harness_json_expect(
	    "assure performer admit --json", &r,
	    "d['list_status'] == 'included-with-conditions' and "
	    "d['conditions'] == 'no out-of-hours work for 12 months' and d['version'] == 2");
	harness_run_free(&r);
	CM(&r, "performer", "show", ka, "--json");
	expect_exit("assure performer show after admit", &r, 0);
	harness_json_expect(
	    "assure performer show after admit", &r,
	    "len(d['history']) == 2 and d['history'][1]['from_status'] == 'applied' and "
	    "d['history'][1]['to_status'] == 'included-with-conditions' and "
	    "d['history'][1]['date'] == '2021-03-04' and "
	    "d['history'][1]['rationale'] == 'references checked' and "
	    "all(u in d['history'][1]['decision'] for u in ['" PANEL1 "', '" PANEL2 "', '" PANEL3
	    "'])");
	harness_run_free(&r);
	CM(&r, "performer", "show", ka);
	expect_exit("assure performer show (table) after admit", &r, 0);
	expect_out("assure performer show (table) after admit", &r,
		   "no out-of-hours work for 12 months");
	expect_out("assure performer show (table) after admit", &r, PANEL3);
	expect_out("assure performer show (table) after admit", &r, "2021-03-04");
	harness_run_free(&r);

	/* Stale --version: exit 6, naming who changed it. */
	CM(&r, "performer", "admit", kb, "--decision", "deferred", "--rationale", "more references",
	   "--panel", PANEL1 "," PANEL2 "," PANEL3, "--version", "1");
	expect_exit("assure performer admit deferred", &r, 0);
	expect_out("assure performer admit deferred", &r, "deferred");
	harness_run_free(&r);
	CM(&r, "performer", "admit", kb, "--decision", "included", "--rationale", "fine now",
	   "--panel", PANEL1 "," PANEL2 "," PANEL3, "--version", "1");
	expect_exit("assure performer admit at a stale version", &r, 6);
	expect_err("assure performer admit at a stale version", &r, "changed by");
	harness_run_free(&r);
	CM(&r, "performer", "admit", kb, "--decision", "included", "--rationale", "fine now",
	   "--panel", PANEL1 "," PANEL2 "," PANEL3, "--version", "2", "--json");
	expect_exit("assure performer admit at the current version", &r, 0);
	harness_json_expect("assure performer admit at the current version", &r,
			    "d['list_status'] == 'included' and d['conditions'] == '' and "
			    "d['version'] == 3");
	harness_run_free(&r);
	CM(&r, "performer", "admit", kb, "--decision", "refused", "--rationale", "no", "--panel",
	   PANEL1 "," PANEL2 "," PANEL3);
	expect_exit("assure performer admit on an included performer", &r, 7);
	harness_run_free(&r);

	/* A panel member may read but not record decisions through this. */
	char *p_cfg = cli_login_new(PANEL1);
	harness_cli(server.addr, p_cfg, NULL, &r, "performer", "admit", kph, "--decision",
		    "included", "--rationale", "x", "--panel", PANEL1 "," PANEL2 "," PANEL3, NULL);
	expect_exit("assure performer admit as a panel member", &r, 4);
	harness_run_free(&r);
	free(p_cfg);
	free(cm_cfg);
}

int main(void)
{
	harness_guard(280);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_valid),
	    cmocka_unit_test(test_add_invalid),
	    cmocka_unit_test(test_add_duplicate),
	    cmocka_unit_test(test_list_filters),
	    cmocka_unit_test(test_list_paging),
	    cmocka_unit_test(test_show),
	    cmocka_unit_test(test_admit_with_conditions),
	    cmocka_unit_test(test_admit_refusals),
	    cmocka_unit_test(test_admit_moves),
	    cmocka_unit_test(test_admit_stale_version),
	    cmocka_unit_test(test_who_may),
	    cmocka_unit_test(test_names_in_other_case),
	    cmocka_unit_test(test_cli_add),
	    cmocka_unit_test(test_cli_list_show),
	    cmocka_unit_test(test_cli_admit),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
