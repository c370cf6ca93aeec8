/*
 * GP practices' contracts against a real assured (DOMAIN.md "Contracts";
 * ContractAdd, ContractList, ContractShow, ContractSet, ContractNoticeAdd,
 * ContractNoticeOutcome; docs/REVIEWS.md): ODS codes, types, the APMS
 * fixed term, list sizes and sites, each refusal naming its field;
 * duplicates; list filters and paging; changes with a reason kept as
 * "field: old -> new" history; remedial notices (28 days by default,
 * shorter only with a patient-safety reason) and breach notices (no
 * period), their outcomes; stale versions; who may read and write; reads
 * audited; reviews and the latest finalised result on show; then the real
 * assure CLI's contract commands with exit codes and --json (checked with
 * python3's json module).
 *
 * The expected answers come from DOMAIN.md and docs/REVIEWS.md, never from
 * the server.
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

#define PW "contract test passphrase 6"
#define SITE "HQ"
#define SITE2 "NORTH"
#define CMGR "ct-manager"
#define VIEWER "ct-viewer"
#define REVIEWER "ct-reviewer"
#define CASE "ct-case"
#define AUDITOR_USER "ct-auditor"
#define PYTHON3 "/usr/bin/python3"

#define OK ASSURE__CODE__OK
#define INVALID ASSURE__CODE__INVALID_ARGUMENT
#define NOT_FOUND ASSURE__CODE__NOT_FOUND
#define EXISTS ASSURE__CODE__ALREADY_EXISTS
#define DENIED ASSURE__CODE__PERMISSION_DENIED
#define PRECONDITION ASSURE__CODE__FAILED_PRECONDITION
#define ABORTED ASSURE__CODE__ABORTED

static struct harness_server server;
static struct client *cm; /* the contract manager: contract.write */

/* ---- helpers ------------------------------------------------------------- */

/* The civil date (UTC) days from now. */
static void date_from_today(int days, char *buf, size_t size)
{
	time_t t = time(NULL) + (time_t)days * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%d", &tm);
}

static void add_expect(const char *ods, const char *name, const char *type, uint32_t size,
		       const char *site, const char *start, const char *end, int want,
		       const char *text)
{
	struct harness_ireq r;
	char what[200];
	snprintf(what, sizeof what, "ContractAdd %s %s size %u site %s start '%s' end '%s'", ods,
		 type, size, site, start ? start : "", end ? end : "");
	harness_ireq_contract_add(&r, ods, name, type, size, site, start, end);
	if (text != NULL)
		harness_iexpect_msg(cm, &r, want, text, what);
	else
		harness_iexpect_code(cm, &r, want, what);
}

static void add_ok(const char *ods, const char *name, const char *type, uint32_t size,
		   const char *site, const char *start, const char *end)
{
	add_expect(ods, name, type, size, site, start, end, OK, NULL);
}

/* ContractShow as c, asserting OK; caller frees. */
static Assure__Response *show_as(struct client *c, const char *ods)
{
	struct harness_ireq r;
	char what[64];
	snprintf(what, sizeof what, "ContractShow %s", ods);
	harness_ireq_contract_show(&r, ods);
	Assure__Response *resp = harness_iexpect(c, &r, OK, what);
	assert_non_null(resp->contract_show);
	assert_non_null(resp->contract_show->contract);
	return resp;
}

static Assure__Response *show_ok(const char *ods)
{
	return show_as(cm, ods);
}

static uint64_t version_of(const char *ods)
{
	Assure__Response *resp = show_ok(ods);
	uint64_t v = resp->contract_show->contract->version;
	assure__response__free_unpacked(resp, NULL);
	return v;
}

/* Every ODS code a list query returns, following page tokens; into
 * out[] (at most max), in order. */
static size_t list_all(struct client *c, const char *type, const char *site, const char *name,
		       uint32_t page_size, char out[][8], size_t max)
{
	char token[64] = "";
	size_t n = 0;
	for (int pages = 0;; pages++) {
		assert_true(pages < 1000);
		struct harness_ireq r;
		harness_ireq_contract_list(&r, type, site, name, page_size, token);
		Assure__Response *resp = harness_iexpect(c, &r, OK, "ContractList");
		const Assure__ContractListResponse *l = resp->contract_list;
		assert_non_null(l);
		if (page_size != 0)
			assert_true(l->n_contracts <= page_size);
		for (size_t i = 0; i < l->n_contracts; i++) {
			assert_true(n < max);
			snprintf(out[n++], 8, "%s", l->contracts[i]->ods);
		}
		snprintf(token, sizeof token, "%s", l->next_page_token);
		assure__response__free_unpacked(resp, NULL);
		if (token[0] == '\0')
			break;
	}
	return n;
}

static int listed(char v[][8], size_t n, const char *ods)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], ods) == 0)
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
	harness_iexpect_code(admin, &r, OK, "SiteAdd " SITE);
	harness_ireq_site_add(&r, SITE2, "North locality");
	harness_iexpect_code(admin, &r, OK, "SiteAdd " SITE2);
	harness_add_user(admin, CMGR, "contract-manager", SITE, PW, NULL);
	harness_add_user(admin, VIEWER, "viewer", SITE, PW, NULL);
	harness_add_user(admin, REVIEWER, "reviewer", SITE, PW, NULL);
	harness_add_user(admin, CASE, "case-manager", SITE, PW, NULL);
	harness_add_user(admin, AUDITOR_USER, "auditor", SITE, PW, NULL);
	client_free(admin);
	cm = harness_connect_login(&server, CMGR, PW, NULL, NULL);
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

/* ---- adding ----------------------------------------------------------------- */

static void test_add_and_show(void **state)
{
	(void)state;
	struct harness_ireq r;
	harness_ireq_contract_add(&r, "E84001", "Abbey Surgery", "gms", 6500, SITE, NULL, NULL);
	Assure__Response *resp = harness_iexpect(cm, &r, OK, "ContractAdd E84001");
	const Assure__Contract *c = resp->contract_add->contract;
	assert_non_null(c);
	assert_string_equal(c->ods, "E84001");
	assert_string_equal(c->name, "Abbey Surgery");
	assert_string_equal(c->type, "gms");
	assert_int_equal(c->list_size, 6500);
	assert_string_equal(c->site, SITE);
	assert_string_equal(c->start, "");
	assert_string_equal(c->end, "");
	assert_int_equal(c->version, 1);
	assert_true(c->created_at > 1600000000);
	assert_string_equal(c->updated_by, CMGR);
	assert_string_equal(c->last_year, "");
	assert_string_equal(c->last_rag, "");
	assure__response__free_unpacked(resp, NULL);

	/* APMS: a fixed term with both dates; the type is case-insensitive and
	 * stored by its name; the site code is upper-cased. */
	add_ok("E84002", "Bridge Medical Centre", "APMS", 3200, "hq", "2008-04-01", "2013-03-31");
	add_ok("E84003", "Canal PCT Practice", "pctms", 2100, SITE, "2005-10-01", NULL);

	resp = show_ok("E84002");
	const Assure__ContractShowResponse *s = resp->contract_show;
	assert_string_equal(s->contract->type, "apms");
	assert_string_equal(s->contract->site, SITE);
	assert_string_equal(s->contract->start, "2008-04-01");
	assert_string_equal(s->contract->end, "2013-03-31");
	assert_int_equal(s->n_reviews, 0);
	assert_int_equal(s->n_notices, 0);
	/* Creation is the first line of the history. */
	assert_int_equal(s->n_history, 1);
	assert_string_equal(s->history[0]->by, CMGR);
	assert_true(strstr(s->history[0]->detail, "apms") != NULL);
	assure__response__free_unpacked(resp, NULL);

	harness_ireq_contract_show(&r, "E99999");
	harness_iexpect_msg(cm, &r, NOT_FOUND, "E99999", "ContractShow of an unknown contract");
}

static void test_add_invalid(void **state)
{
	(void)state;
	/* ODS code: a capital letter and 5 digits. */
	const char *bad_ods[] = {"", "E8400", "E840011", "e84009", "884009", "EE4009", "E8400X"};
	for (size_t i = 0; i < sizeof bad_ods / sizeof bad_ods[0]; i++)
		add_expect(bad_ods[i], "Bad Code", "gms", 1000, SITE, NULL, NULL, INVALID,
			   "ODS code");
	/* Type. */
	add_expect("E84010", "Bad Type", "gp", 1000, SITE, NULL, NULL, INVALID, "contract type");
	add_expect("E84010", "Bad Type", "", 1000, SITE, NULL, NULL, INVALID, "contract type");
	/* Dates: only APMS has an end, after its start; an APMS needs both. */
	add_expect("E84010", "Bad Dates", "gms", 1000, SITE, "2004-04-01", "2009-03-31", INVALID,
		   "end date");
	add_expect("E84010", "Bad Dates", "apms", 1000, SITE, "2008-04-01", NULL, INVALID,
		   "end date");
	add_expect("E84010", "Bad Dates", "apms", 1000, SITE, NULL, "2013-03-31", INVALID,
		   "start date");
	add_expect("E84010", "Bad Dates", "apms", 1000, SITE, "2013-03-31", "2008-04-01", INVALID,
		   "end date");
	add_expect("E84010", "Bad Dates", "gms", 1000, SITE, "2004-13-01", NULL, INVALID,
		   "start date");
	add_expect("E84010", "Bad Dates", "gms", 1000, SITE, "1/4/2004", NULL, INVALID,
		   "start date");
	/* List size: 1 to 200,000. */
	add_expect("E84010", "Bad Size", "gms", 0, SITE, NULL, NULL, INVALID, "list size");
	add_expect("E84010", "Bad Size", "gms", 200001, SITE, NULL, NULL, INVALID, "list size");
	/* Name and site. */
	add_expect("E84010", "", "gms", 1000, SITE, NULL, NULL, INVALID, "name");
	add_expect("E84010", "No Site", "gms", 1000, "", NULL, NULL, INVALID, "site");
	add_expect("E84010", "Bad Site", "gms", 1000, "NOWHERE", NULL, NULL, NOT_FOUND, "site");
	/* Nothing was added. */
	struct harness_ireq r;
	harness_ireq_contract_show(&r, "E84010");
	harness_iexpect_code(cm, &r, NOT_FOUND, "the refused adds left nothing");
}

static void test_add_duplicate(void **state)
{
	(void)state;
	add_ok("E84020", "First Surgery", "pms", 4000, SITE, NULL, NULL);
	add_expect("E84020", "Second Surgery", "gms", 5000, SITE2, NULL, NULL, EXISTS, "E84020");
	Assure__Response *resp = show_ok("E84020");
	assert_string_equal(resp->contract_show->contract->name, "First Surgery");
	assure__response__free_unpacked(resp, NULL);
}

/* ---- listing ---------------------------------------------------------------- */

static void test_list(void **state)
{
	(void)state;
	add_ok("F81001", "North Gate Practice", "gms", 7000, SITE2, NULL, NULL);
	add_ok("F81002", "North Road Surgery", "pms", 5200, SITE2, NULL, NULL);
	add_ok("F81003", "Riverside 100% Health", "apms", 2000, SITE2, "2009-04-01", "2014-03-31");
	char v[64][8];
	size_t n = list_all(cm, NULL, SITE2, NULL, 0, v, 64);
	assert_int_equal(n, 3);
	assert_string_equal(v[0], "F81001"); /* by ODS code */
	assert_string_equal(v[2], "F81003");
	n = list_all(cm, "pms", SITE2, NULL, 0, v, 64);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "F81002");
	n = list_all(cm, "APMS", NULL, NULL, 0, v, 64);
	assert_true(listed(v, n, "F81003") && listed(v, n, "E84002") && !listed(v, n, "F81001"));
	/* Name: a case-insensitive part, % taken literally. */
	n = list_all(cm, NULL, NULL, "north", 0, v, 64);
	assert_int_equal(n, 2);
	n = list_all(cm, NULL, NULL, "100%", 0, v, 64);
	assert_int_equal(n, 1);
	assert_string_equal(v[0], "F81003");
	n = list_all(cm, NULL, NULL, "0% h", 0, v, 64);
	assert_int_equal(n, 1);
	n = list_all(cm, NULL, NULL, "%", 0, v, 64);
	assert_int_equal(n, 1);

	/* Paging: pages of 2 give every contract once, in order. */
	char all[64][8], paged[64][8];
	size_t na = list_all(cm, NULL, NULL, NULL, 0, all, 64);
	size_t np = list_all(cm, NULL, NULL, NULL, 2, paged, 64);
	assert_true(na >= 7);
	assert_int_equal(na, np);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(all[i], paged[i]);
		if (i > 0)
			assert_true(strcmp(all[i - 1], all[i]) < 0);
	}

	struct harness_ireq r;
	harness_ireq_contract_list(&r, "xms", NULL, NULL, 0, NULL);
	harness_iexpect_msg(cm, &r, INVALID, "contract type", "ContractList --type xms");
	harness_ireq_contract_list(&r, NULL, "NOWHERE", NULL, 0, NULL);
	harness_iexpect_msg(cm, &r, NOT_FOUND, "site", "ContractList --site NOWHERE");
	harness_ireq_contract_list(&r, NULL, NULL, NULL, 0, "garbage");
	harness_iexpect_msg(cm, &r, INVALID, "page_token", "ContractList with a bad token");
}

/* ---- changes and history -------------------------------------------------------- */

static const Assure__Contract *set_expect(Assure__ContractSetRequest *s, struct harness_ireq *r,
					  int want, const char *text, const char *what,
					  Assure__Response **resp)
{
	(void)s;
	if (want != OK) {
		if (text != NULL)
			harness_iexpect_msg(cm, r, want, text, what);
		else
			harness_iexpect_code(cm, r, want, what);
		*resp = NULL;
		return NULL;
	}
	*resp = harness_iexpect(cm, r, OK, what);
	assert_non_null((*resp)->contract_set);
	assert_non_null((*resp)->contract_set->contract);
	return (*resp)->contract_set->contract;
}

static void test_set_with_history(void **state)
{
	(void)state;
	add_ok("G82001", "Market Street Surgery", "gms", 8000, SITE, NULL, NULL);
	struct harness_ireq r;
	Assure__Response *resp = NULL;

	Assure__ContractSetRequest *s = harness_ireq_contract_set(&r, "G82001", "merger", 1);
	s->name = (char *)"Market Street Health Centre";
	s->list_size = 9100;
	const Assure__Contract *c = set_expect(s, &r, OK, NULL, "ContractSet name+size", &resp);
	assert_string_equal(c->name, "Market Street Health Centre");
	assert_int_equal(c->list_size, 9100);
	assert_string_equal(c->type, "gms");
	assert_int_equal(c->version, 2);
	assure__response__free_unpacked(resp, NULL);

	/* A reason is required; something must change. */
	s = harness_ireq_contract_set(&r, "G82001", "", 0);
	s->list_size = 9200;
	set_expect(s, &r, INVALID, "reason", "ContractSet without a reason", &resp);
	s = harness_ireq_contract_set(&r, "G82001", "nothing", 0);
	set_expect(s, &r, INVALID, "nothing to change", "ContractSet with nothing", &resp);
	s = harness_ireq_contract_set(&r, "G82001", "same again", 0);
	s->list_size = 9100;
	set_expect(s, &r, INVALID, "nothing to change", "ContractSet to the same values", &resp);
	s = harness_ireq_contract_set(&r, "G82001", "bad", 0);
	s->list_size = 300000;
	set_expect(s, &r, INVALID, "list size", "ContractSet list size too big", &resp);
	s = harness_ireq_contract_set(&r, "G82001", "bad", 0);
	s->type = (char *)"xms";
	set_expect(s, &r, INVALID, "contract type", "ContractSet bad type", &resp);
	s = harness_ireq_contract_set(&r, "G82001", "move", 0);
	s->site = (char *)"NOWHERE";
	set_expect(s, &r, NOT_FOUND, "site", "ContractSet to an unknown site", &resp);
	s = harness_ireq_contract_set(&r, "G82009", "who", 0);
	s->name = (char *)"Nobody";
	set_expect(s, &r, NOT_FOUND, "G82009", "ContractSet of an unknown contract", &resp);

	/* The dates follow the type the contract will have. */
	s = harness_ireq_contract_set(&r, "G82001", "to APMS", 0);
	s->type = (char *)"apms";
	set_expect(s, &r, INVALID, "date", "ContractSet gms -> apms without dates", &resp);
	s = harness_ireq_contract_set(&r, "G82001", "re-let as APMS after the merger", 0);
	s->type = (char *)"apms";
	s->start = (char *)"2010-04-01";
	s->end = (char *)"2015-03-31";
	s->site = (char *)SITE2;
	c = set_expect(s, &r, OK, NULL, "ContractSet gms -> apms", &resp);
	assert_string_equal(c->type, "apms");
	assert_string_equal(c->site, SITE2);
	assert_string_equal(c->end, "2015-03-31");
	assert_int_equal(c->version, 3);
	assure__response__free_unpacked(resp, NULL);
	s = harness_ireq_contract_set(&r, "G82001", "back to GMS", 0);
	s->type = (char *)"gms";
	set_expect(s, &r, INVALID, "end date", "ContractSet apms -> gms keeping the end", &resp);
	s = harness_ireq_contract_set(&r, "G82001", "back to GMS", 0);
	s->type = (char *)"gms";
	s->clear_end = 1;
	s->end = (char *)"2016-03-31";
	set_expect(s, &r, INVALID, "end date", "ContractSet with an end and clear_end", &resp);
	s = harness_ireq_contract_set(&r, "G82001", "back to GMS", 0);
	s->type = (char *)"gms";
	s->clear_end = 1;
	c = set_expect(s, &r, OK, NULL, "ContractSet apms -> gms clearing the end", &resp);
	assert_string_equal(c->end, "");
	assert_int_equal(c->version, 4);
	assure__response__free_unpacked(resp, NULL);

	/* The history: added, then one entry per change with its lines and reason. */
	resp = show_ok("G82001");
	const Assure__ContractShowResponse *sh = resp->contract_show;
	assert_int_equal(sh->n_history, 4);
	const Assure__ContractChange *h = sh->history[1];
	assert_string_equal(h->reason, "merger");
	assert_string_equal(h->by, CMGR);
	assert_true(h->at > 1600000000);
	assert_string_equal(h->detail,
			    "name: Market Street Surgery -> Market Street Health Centre\n"
			    "list size: 8000 -> 9100");
	h = sh->history[2];
	assert_string_equal(h->reason, "re-let as APMS after the merger");
	assert_true(strstr(h->detail, "type: gms -> apms") != NULL);
	assert_true(strstr(h->detail, "site: " SITE " -> " SITE2) != NULL);
	assert_true(strstr(h->detail, "start: (none) -> 2010-04-01") != NULL);
	assert_true(strstr(h->detail, "end: (none) -> 2015-03-31") != NULL);
	h = sh->history[3];
	assert_true(strstr(h->detail, "type: apms -> gms") != NULL);
	assert_true(strstr(h->detail, "end: 2015-03-31 -> (none)") != NULL);
	assert_true(strstr(h->detail, "start") == NULL);
	assure__response__free_unpacked(resp, NULL);
}

static void test_stale_version(void **state)
{
	(void)state;
	add_ok("G82002", "Stale Lane Surgery", "gms", 3000, SITE, NULL, NULL);
	struct harness_ireq r;
	Assure__ContractSetRequest *s = harness_ireq_contract_set(&r, "G82002", "first", 1);
	s->list_size = 3100;
	harness_iexpect_code(cm, &r, OK, "ContractSet at version 1");
	/* Someone working from version 1 is refused, told who changed it. */
	s = harness_ireq_contract_set(&r, "G82002", "second", 1);
	s->list_size = 3200;
	harness_iexpect_msg(cm, &r, ABORTED, "changed by " CMGR " at",
			    "ContractSet at version 1 again");
	Assure__ContractNoticeAddRequest *n = harness_ireq_contract_notice_add(
	    &r, "G82002", "breach", "closed without notice", NULL, 1);
	(void)n;
	harness_iexpect_msg(cm, &r, ABORTED, "changed by", "ContractNoticeAdd at version 1");
	(void)harness_ireq_contract_notice_add(&r, "G82002", "breach", "closed without notice",
					       NULL, 2);
	harness_iexpect_code(cm, &r, OK, "ContractNoticeAdd at version 2");
	harness_ireq_contract_notice_outcome(&r, "G82002", 1, "withdrawn", NULL, NULL, 2);
	harness_iexpect_msg(cm, &r, ABORTED, "changed by", "ContractNoticeOutcome at version 2");
	harness_ireq_contract_notice_outcome(&r, "G82002", 1, "withdrawn", NULL, NULL, 3);
	harness_iexpect_code(cm, &r, OK, "ContractNoticeOutcome at version 3");
	assert_int_equal(version_of("G82002"), 4);
	/* Nothing of the refused change landed. */
	Assure__Response *resp = show_ok("G82002");
	assert_int_equal(resp->contract_show->contract->list_size, 3100);
	assert_int_equal(resp->contract_show->n_history, 2);
	assure__response__free_unpacked(resp, NULL);
}

/* ---- notices ---------------------------------------------------------------- */

static const Assure__ContractNotice *notice_ok(struct harness_ireq *r, const char *what,
					       Assure__Response **resp)
{
	*resp = harness_iexpect(cm, r, OK, what);
	assert_non_null((*resp)->contract_notice_add);
	assert_non_null((*resp)->contract_notice_add->notice);
	assert_non_null((*resp)->contract_notice_add->contract);
	return (*resp)->contract_notice_add->notice;
}

static void test_notices(void **state)
{
	(void)state;
	add_ok("H83001", "Notice Street Surgery", "gms", 5000, SITE, NULL, NULL);
	struct harness_ireq r;
	Assure__Response *resp = NULL;

	/* Remedial: 28 days by default; the deadline is the date plus the period. */
	Assure__ContractNoticeAddRequest *a = harness_ireq_contract_notice_add(
	    &r, "H83001", "remedial", "no cold-chain log for the vaccine fridge",
	    "keep a twice-daily temperature log", 0);
	a->date = (char *)"2010-05-10";
	const Assure__ContractNotice *n = notice_ok(&r, "remedial notice, default period", &resp);
	assert_int_equal(n->number, 1);
	assert_string_equal(n->kind, "remedial");
	assert_int_equal(n->period_days, 28);
	assert_string_equal(n->date, "2010-05-10");
	assert_string_equal(n->deadline, "2010-06-07");
	assert_string_equal(n->steps, "keep a twice-daily temperature log");
	assert_string_equal(n->outcome, "");
	assert_string_equal(n->by, CMGR);
	assert_true(n->overdue); /* open, and 2010-06-07 has long passed */
	assert_int_equal(resp->contract_notice_add->contract->version, 2);
	assure__response__free_unpacked(resp, NULL);

	/* A longer period is fine; a shorter one needs the patient-safety reason. */
	a = harness_ireq_contract_notice_add(&r, "H83001", "remedial", "leaflet out of date",
					     "reprint the leaflet", 0);
	a->period_days = 60;
	n = notice_ok(&r, "remedial notice, 60 days", &resp);
	assert_int_equal(n->number, 2);
	assert_int_equal(n->period_days, 60);
	char today[16], deadline[16];
	date_from_today(0, today, sizeof today);
	date_from_today(60, deadline, sizeof deadline);
	assert_string_equal(n->date, today);
	assert_string_equal(n->deadline, deadline);
	assert_false(n->overdue);
	assure__response__free_unpacked(resp, NULL);

	a = harness_ireq_contract_notice_add(&r, "H83001", "remedial", "fridge failed",
					     "replace the fridge", 0);
	a->period_days = 7;
	harness_iexpect_msg(cm, &r, INVALID, "period", "remedial notice of 7 days, no reason");
	a = harness_ireq_contract_notice_add(&r, "H83001", "remedial", "fridge failed",
					     "replace the fridge", 0);
	a->period_days = 27;
	harness_iexpect_msg(cm, &r, INVALID, "28", "remedial notice of 27 days, no reason");
	a = harness_ireq_contract_notice_add(&r, "H83001", "remedial", "fridge failed",
					     "replace the fridge", 0);
	a->period_days = 7;
	a->reason = (char *)"vaccines at risk: patient safety";
	a->date = (char *)"2010-05-10";
	n = notice_ok(&r, "remedial notice of 7 days with a reason", &resp);
	assert_int_equal(n->number, 3);
	assert_int_equal(n->period_days, 7);
	assert_string_equal(n->deadline, "2010-05-17");
	assert_string_equal(n->reason, "vaccines at risk: patient safety");
	assure__response__free_unpacked(resp, NULL);
	/* The steps may be in the text itself (the command as the issue gives
	 * it: --kind remedial --text TEXT). */
	a = harness_ireq_contract_notice_add(&r, "H83001", "remedial",
					     "no fridge log: keep one twice daily", NULL, 0);
	n = notice_ok(&r, "remedial notice with the steps in its text", &resp);
	assert_int_equal(n->period_days, 28);
	assert_string_equal(n->steps, "");
	assure__response__free_unpacked(resp, NULL);
	a = harness_ireq_contract_notice_add(&r, "H83001", "remedial", "too long", "steps", 0);
	a->period_days = 400;
	harness_iexpect_msg(cm, &r, INVALID, "period", "remedial notice over a year");

	/* Breach: no period, no deadline, no steps. */
	a = harness_ireq_contract_notice_add(&r, "H83001", "breach",
					     "surgery closed without notice", NULL, 0);
	n = notice_ok(&r, "breach notice", &resp);
	assert_int_equal(n->number, 5);
	assert_string_equal(n->kind, "breach");
	assert_int_equal(n->period_days, 0);
	assert_string_equal(n->deadline, "");
	assert_false(n->overdue);
	assure__response__free_unpacked(resp, NULL);
	a = harness_ireq_contract_notice_add(&r, "H83001", "breach", "closed", NULL, 0);
	a->period_days = 28;
	harness_iexpect_msg(cm, &r, INVALID, "period", "breach notice with a period");
	(void)harness_ireq_contract_notice_add(&r, "H83001", "breach", "closed", "reopen", 0);
	harness_iexpect_msg(cm, &r, INVALID, "steps", "breach notice with steps");

	/* Other refusals. */
	(void)harness_ireq_contract_notice_add(&r, "H83001", "warning", "x", NULL, 0);
	harness_iexpect_msg(cm, &r, INVALID, "notice kind", "notice of an unknown kind");
	(void)harness_ireq_contract_notice_add(&r, "H83001", "breach", "", NULL, 0);
	harness_iexpect_msg(cm, &r, INVALID, "text", "notice without text");
	char tomorrow[16];
	date_from_today(2, tomorrow, sizeof tomorrow);
	a = harness_ireq_contract_notice_add(&r, "H83001", "breach", "closed", NULL, 0);
	a->date = tomorrow;
	harness_iexpect_msg(cm, &r, INVALID, "future", "notice dated in the future");
	a = harness_ireq_contract_notice_add(&r, "H83001", "breach", "closed", NULL, 0);
	a->review_ref = (char *)"REV-2009-0001";
	harness_iexpect_msg(cm, &r, NOT_FOUND, "REV-2009-0001", "notice for an unknown review");
	(void)harness_ireq_contract_notice_add(&r, "H83999", "breach", "closed", NULL, 0);
	harness_iexpect_code(cm, &r, NOT_FOUND, "notice on an unknown contract");

	/* Outcomes: once each; a breach is never remedied; dates checked. */
	harness_ireq_contract_notice_outcome(&r, "H83001", 5, "remedied", NULL, NULL, 0);
	harness_iexpect_msg(cm, &r, PRECONDITION, "cannot be remedied", "breach notice remedied");
	harness_ireq_contract_notice_outcome(&r, "H83001", 1, "remedied", "2010-05-01", NULL, 0);
	harness_iexpect_msg(cm, &r, INVALID, "before the notice", "outcome before the notice");
	harness_ireq_contract_notice_outcome(&r, "H83001", 1, "fixed", NULL, NULL, 0);
	harness_iexpect_msg(cm, &r, INVALID, "outcome", "unknown outcome");
	harness_ireq_contract_notice_outcome(&r, "H83001", 9, "remedied", NULL, NULL, 0);
	harness_iexpect_msg(cm, &r, NOT_FOUND, "notice 9", "outcome of an unknown notice");
	harness_ireq_contract_notice_outcome(&r, "H83001", 1, "remedied", "2010-06-01",
					     "log kept since 20 May", 0);
	resp = harness_iexpect(cm, &r, OK, "notice 1 remedied");
	n = resp->contract_notice_outcome->notice;
	assert_string_equal(n->outcome, "remedied");
	assert_string_equal(n->outcome_date, "2010-06-01");
	assert_string_equal(n->outcome_rationale, "log kept since 20 May");
	assert_string_equal(n->outcome_by, CMGR);
	assert_false(n->overdue); /* closed */
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_contract_notice_outcome(&r, "H83001", 1, "withdrawn", NULL, NULL, 0);
	harness_iexpect_msg(cm, &r, PRECONDITION, "already recorded", "a second outcome");
	harness_ireq_contract_notice_outcome(&r, "H83001", 5, "not-remedied", NULL, NULL, 0);
	harness_iexpect_code(cm, &r, OK, "breach notice not remedied");

	/* Show lists them by number with the overdue flag. */
	resp = show_ok("H83001");
	const Assure__ContractShowResponse *s = resp->contract_show;
	assert_int_equal(s->n_notices, 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(s->notices[i]->number, i + 1);
	assert_false(s->notices[0]->overdue);
	assert_false(s->notices[1]->overdue);
	assert_true(s->notices[2]->overdue);
	assert_string_equal(s->notices[4]->outcome, "not-remedied");
	assert_int_equal(s->contract->version, 8); /* 1 + 5 notices + 2 outcomes */
	assure__response__free_unpacked(resp, NULL);
}

/* ---- who may ------------------------------------------------------------------ */

static void test_who_may(void **state)
{
	(void)state;
	add_ok("J84001", "Who May Surgery", "gms", 1234, SITE, NULL, NULL);
	struct harness_ireq r;
	const char *readers[] = {VIEWER, REVIEWER};
	for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
		char what[128];
		struct client *c = harness_connect_login(&server, readers[i], PW, NULL, NULL);
		snprintf(what, sizeof what, "ContractList as %s", readers[i]);
		harness_ireq_contract_list(&r, NULL, NULL, "who may", 0, NULL);
		Assure__Response *resp = harness_iexpect(c, &r, OK, what);
		assert_int_equal(resp->contract_list->n_contracts, 1);
		assure__response__free_unpacked(resp, NULL);
		resp = show_as(c, "J84001");
		assure__response__free_unpacked(resp, NULL);

		snprintf(what, sizeof what, "ContractAdd as %s", readers[i]);
		harness_ireq_contract_add(&r, "J84002", "Not Allowed", "gms", 100, SITE, NULL,
					  NULL);
		harness_iexpect_code(c, &r, DENIED, what);
		snprintf(what, sizeof what, "ContractSet as %s", readers[i]);
		harness_ireq_contract_set(&r, "J84001", "no", 0)->list_size = 99;
		harness_iexpect_code(c, &r, DENIED, what);
		snprintf(what, sizeof what, "ContractNoticeAdd as %s", readers[i]);
		(void)harness_ireq_contract_notice_add(&r, "J84001", "breach", "no", NULL, 0);
		harness_iexpect_code(c, &r, DENIED, what);
		snprintf(what, sizeof what, "ContractNoticeOutcome as %s", readers[i]);
		harness_ireq_contract_notice_outcome(&r, "J84001", 1, "withdrawn", NULL, NULL, 0);
		harness_iexpect_code(c, &r, DENIED, what);
		client_free(c);
	}
	/* A case manager works on concerns, not contracts. */
	struct client *c = harness_connect_login(&server, CASE, PW, NULL, NULL);
	harness_ireq_contract_show(&r, "J84001");
	harness_iexpect_code(c, &r, DENIED, "ContractShow as a case manager");
	client_free(c);
	/* Nothing changed. */
	Assure__Response *resp = show_ok("J84001");
	assert_int_equal(resp->contract_show->contract->version, 1);
	assert_int_equal(resp->contract_show->n_notices, 0);
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_contract_show(&r, "J84002");
	harness_iexpect_code(cm, &r, NOT_FOUND, "the refused add left nothing");
}

/* Reads are audited like any other call: who looked at which contract. */
static void test_reads_audited(void **state)
{
	(void)state;
	struct client *v = harness_connect_login(&server, VIEWER, PW, NULL, NULL);
	Assure__Response *resp = show_as(v, "J84001");
	assure__response__free_unpacked(resp, NULL);
	client_free(v);
	struct client *aud = harness_connect_login(&server, AUDITOR_USER, PW, NULL, NULL);
	struct harness_ireq r;
	harness_ireq_audit_query_object(&r, "contract", "J84001", VIEWER, "ContractShow");
	resp = harness_iexpect(aud, &r, OK, "AuditQuery contract J84001");
	size_t n = 0;
	for (size_t i = 0; i < resp->audit_query->n_entries; i++) {
		const Assure__AuditEntry *e = resp->audit_query->entries[i];
		Assure__AuditRecord *rec =
		    assure__audit_record__unpack(NULL, e->record.len, e->record.data);
		assert_non_null(rec);
		if (strcmp(rec->object_type, "contract") == 0 &&
		    strcmp(rec->object_id, "J84001") == 0 && strcmp(rec->username, VIEWER) == 0 &&
		    strcmp(rec->event, "ContractShow") == 0 && strcmp(rec->action, "R") == 0)
			n++;
		assure__audit_record__free_unpacked(rec, NULL);
	}
	assure__response__free_unpacked(resp, NULL);
	client_free(aud);
	assert_true(n >= 2); /* test_who_may's and this one */
}

/* ---- reviews on show (the reviews table is written by the review RPCs;
 * here rows are put in directly while the server is stopped) --------------- */

static void sqlite_exec(const char *db, const char *sql)
{
	const char *argv[] = {PYTHON3,
			      "-S",
			      "-E",
			      "-c",
			      "import sqlite3, sys\n"
			      "c = sqlite3.connect(sys.argv[1])\n"
			      "c.executescript(sys.argv[2])\n"
			      "c.commit()\n",
			      db,
			      sql,
			      NULL};
	struct harness_run p;
	assert_int_equal(harness_run_argv(argv, NULL, NULL, 20000, &p), 0);
	if (p.status != 0)
		fail_msg("sqlite: %s", p.err);
	harness_run_free(&p);
}

static void test_show_reviews(void **state)
{
	(void)state;
	add_ok("K85001", "Review Row Surgery", "gms", 4321, SITE, NULL, NULL);
	client_free(cm);
	cm = NULL;
	assert_int_equal(harness_server_stop(&server), 0);
	sqlite_exec(
	    server.db,
	    "INSERT INTO reviews (ref, ref_year, ref_seq, contract_id, year, kind, state,"
	    " visit_type, catalogue_version, computed_rag, final_rag, next_visit_type,"
	    " finalised_at, finalised_by, created_at, created_by, updated_at, updated_by)"
	    " SELECT 'REV-2008-0001', 2008, 1, id, '2008/09', 'annual', 'finalised',"
	    " 'standard', 1, 'red', 'red', 'full', 1, 'x', 1, 'x', 1, 'x'"
	    " FROM contracts WHERE ods = 'K85001';"
	    "INSERT INTO reviews (ref, ref_year, ref_seq, contract_id, year, kind, state,"
	    " visit_type, catalogue_version, computed_rag, override_rag, override_reason,"
	    " final_rag, next_visit_type, finalised_at, finalised_by, created_at,"
	    " created_by, updated_at, updated_by)"
	    " SELECT 'REV-2009-0001', 2009, 1, id, '2009/10', 'annual', 'finalised',"
	    " 'full', 1, 'amber', 'green', 'much improved', 'green', 'desktop', 1, 'x', 2,"
	    " 'x', 2, 'x' FROM contracts WHERE ods = 'K85001';"
	    "INSERT INTO reviews (ref, ref_year, ref_seq, contract_id, year, kind, state,"
	    " visit_type, catalogue_version, created_at, created_by, updated_at,"
	    " updated_by) SELECT 'REV-2010-0001', 2010, 1, id, '2010/11', 'annual',"
	    " 'scheduled', 'desktop', 1, 3, 'x', 3, 'x' FROM contracts WHERE ods = 'K85001';"
	    "INSERT INTO review_actions (review_id, number, text, owner, due, at, by_user)"
	    " SELECT id, 1, 'fix the fridge', 'practice manager', '2010-01-31', 1, 'x'"
	    " FROM reviews WHERE ref = 'REV-2009-0001';"
	    "INSERT INTO review_actions (review_id, number, text, owner, due, at, by_user)"
	    " SELECT id, 2, 'new leaflet', 'practice manager', '2099-01-31', 1, 'x'"
	    " FROM reviews WHERE ref = 'REV-2009-0001';");
	harness_server_launch(&server);
	cm = harness_connect_login(&server, CMGR, PW, NULL, NULL);

	Assure__Response *resp = show_ok("K85001");
	const Assure__ContractShowResponse *s = resp->contract_show;
	/* The latest finalised annual review gives the contract's last result. */
	assert_string_equal(s->contract->last_year, "2009/10");
	assert_string_equal(s->contract->last_rag, "green");
	assert_string_equal(s->contract->next_visit_type, "desktop");
	assert_int_equal(s->n_reviews, 3);
	assert_string_equal(s->reviews[0]->ref, "REV-2010-0001"); /* newest year first */
	assert_string_equal(s->reviews[0]->state, "scheduled");
	assert_string_equal(s->reviews[0]->rag, "");
	const Assure__ReviewSummary *v = s->reviews[1];
	assert_string_equal(v->ref, "REV-2009-0001");
	assert_string_equal(v->ods, "K85001");
	assert_string_equal(v->practice, "Review Row Surgery");
	assert_string_equal(v->rag, "green");
	assert_string_equal(v->computed_rag, "amber");
	assert_true(v->overridden);
	assert_int_equal(v->open_actions, 2);
	assert_int_equal(v->overdue_actions, 1);
	assert_string_equal(s->reviews[2]->rag, "red");
	assure__response__free_unpacked(resp, NULL);

	/* The list shows it too. */
	struct harness_ireq r;
	harness_ireq_contract_list(&r, NULL, NULL, "review row", 0, NULL);
	resp = harness_iexpect(cm, &r, OK, "ContractList review row");
	assert_int_equal(resp->contract_list->n_contracts, 1);
	assert_string_equal(resp->contract_list->contracts[0]->last_rag, "green");
	assure__response__free_unpacked(resp, NULL);

	/* A notice may name a review of the contract, and only of it. */
	Assure__ContractNoticeAddRequest *a =
	    harness_ireq_contract_notice_add(&r, "K85001", "breach", "records lost", NULL, 0);
	a->review_ref = (char *)"REV-2009-0001";
	resp = harness_iexpect(cm, &r, OK, "notice from review REV-2009-0001");
	assert_string_equal(resp->contract_notice_add->notice->review_ref, "REV-2009-0001");
	assure__response__free_unpacked(resp, NULL);
	a = harness_ireq_contract_notice_add(&r, "J84001", "breach", "records lost", NULL, 0);
	a->review_ref = (char *)"REV-2009-0001";
	harness_iexpect_msg(cm, &r, PRECONDITION, "not a review of contract J84001",
			    "notice naming another contract's review");
}

/* ---- the assure CLI ------------------------------------------------------------ */

static void expect_exit(const char *what, const struct harness_run *r, int code)
{
	if (r->status != code) {
		harness_show_run(what, r);
		fail_msg("%s: exit %d, expected %d", what, r->status, code);
	}
	if (code != 0 && strncmp(r->err, "assure: ", 8) != 0 && code != 2) {
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

/* A config directory of its own, logged in as user. Caller frees. */
static char *cli_login_new(const char *user)
{
	char *tmp = harness_tempdir("clicontract");
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

static void test_cli(void **state)
{
	(void)state;
	char *cm_cfg = cli_login_new(CMGR);
	struct harness_run r;

	/* add: the ODS code is upper-cased; --json is the contract object. */
	CM(&r, "contract", "add", "--ods", "l86001", "--name", "Cli \"Quoted\" Surgery", "--type",
	   "apms", "--list-size", "4100", "--site", SITE, "--start", "2009-04-01", "--end",
	   "2014-03-31", "--json");
	expect_exit("assure contract add --json", &r, 0);
	harness_json_expect(
	    "assure contract add --json", &r,
	    "d['ods'] == 'L86001' and d['name'] == 'Cli \"Quoted\" Surgery' and "
	    "d['type'] == 'apms' and d['list_size'] == 4100 and d['site'] == 'HQ' and "
	    "d['start'] == '2009-04-01' and d['end'] == '2014-03-31' and d['version'] == 1 "
	    "and d['created_at'].endswith('Z') and d['last_rag'] == ''");
	harness_run_free(&r);
	CM(&r, "contract", "add", "--ods", "L86002", "--name", "Cli Table Surgery", "--type", "gms",
	   "--list-size", "5000", "--site", SITE);
	expect_exit("assure contract add", &r, 0);
	expect_out("assure contract add", &r, "L86002");
	harness_run_free(&r);

	/* Refusals and their exit codes. */
	CM(&r, "contract", "add", "--ods", "L8600", "--name", "X", "--type", "gms", "--list-size",
	   "5", "--site", SITE);
	expect_exit("assure contract add, short ODS code", &r, 8);
	expect_err("assure contract add, short ODS code", &r, "ODS code");
	harness_run_free(&r);
	CM(&r, "contract", "add", "--ods", "L86002", "--name", "X", "--type", "gms", "--list-size",
	   "5", "--site", SITE);
	expect_exit("assure contract add, duplicate", &r, 6);
	harness_run_free(&r);
	CM(&r, "contract", "add", "--ods", "L86003", "--name", "X", "--type", "gms", "--list-size",
	   "5", "--site", "NOWHERE");
	expect_exit("assure contract add, unknown site", &r, 5);
	expect_err("assure contract add, unknown site", &r, "site");
	harness_run_free(&r);
	CM(&r, "contract", "add", "--ods", "L86003", "--name", "X", "--type", "gms", "--list-size",
	   "many", "--site", SITE);
	expect_exit("assure contract add, --list-size many", &r, 2);
	harness_run_free(&r);
	CM(&r, "contract", "add", "--ods", "L86003", "--type", "gms", "--list-size", "5", "--site",
	   SITE);
	expect_exit("assure contract add without --name", &r, 2);
	harness_run_free(&r);

	/* list --json, filtered. */
	CM(&r, "contract", "list", "--name", "cli ", "--json");
	expect_exit("assure contract list --json", &r, 0);
	harness_json_expect("assure contract list --json", &r,
			    "[c['ods'] for c in d] == ['L86001', 'L86002']");
	harness_run_free(&r);
	CM(&r, "contract", "list", "--type", "apms", "--name", "cli");
	expect_exit("assure contract list --type apms", &r, 0);
	expect_out("assure contract list --type apms", &r, "L86001");
	if (strstr(r.out, "L86002") != NULL)
		fail_msg("contract list --type apms shows a gms contract");
	harness_run_free(&r);

	/* set: a reason is required; --version checked; history on show. */
	CM(&r, "contract", "set", "L86002", "--list-size", "5100");
	expect_exit("assure contract set without --reason", &r, 2);
	harness_run_free(&r);
	CM(&r, "contract", "set", "L86002", "--reason", "nothing");
	expect_exit("assure contract set with nothing to change", &r, 2);
	harness_run_free(&r);
	CM(&r, "contract", "set", "l86002", "--list-size", "5100", "--name", "Cli Table Practice",
	   "--reason", "annual list cleaning", "--version", "1", "--json");
	expect_exit("assure contract set --json", &r, 0);
	harness_json_expect("assure contract set --json", &r,
			    "d['list_size'] == 5100 and d['name'] == 'Cli Table Practice' and "
			    "d['version'] == 2");
	harness_run_free(&r);
	CM(&r, "contract", "set", "L86002", "--list-size", "5200", "--reason", "again", "--version",
	   "1");
	expect_exit("assure contract set, stale --version", &r, 6);
	expect_err("assure contract set, stale --version", &r, "changed by " CMGR);
	harness_run_free(&r);
	CM(&r, "contract", "set", "L86001", "--type", "gms", "--reason", "no longer APMS");
	expect_exit("assure contract set apms -> gms without --clear-end", &r, 8);
	expect_err("assure contract set apms -> gms without --clear-end", &r, "end date");
	harness_run_free(&r);
	CM(&r, "contract", "set", "L86001", "--end", "2015-03-31", "--clear-end", "--reason", "x");
	expect_exit("assure contract set --end --clear-end", &r, 2);
	harness_run_free(&r);

	/* notices */
	CM(&r, "contract", "notice", "add", "L86002", "--kind", "remedial", "--text",
	   "no infection control lead", "--steps", "name a lead", "--date", "2010-05-10", "--json");
	expect_exit("assure contract notice add --json", &r, 0);
	harness_json_expect(
	    "assure contract notice add --json", &r,
	    "d['notice']['number'] == 1 and d['notice']['period_days'] == 28 and "
	    "d['notice']['deadline'] == '2010-06-07' and d['notice']['overdue'] is True "
	    "and d['contract']['version'] == 3");
	harness_run_free(&r);
	CM(&r, "contract", "notice", "add", "L86002", "--kind", "remedial", "--text", "fridge",
	   "--steps", "replace it", "--period-days", "7");
	expect_exit("assure contract notice add, 7 days without a reason", &r, 8);
	expect_err("assure contract notice add, 7 days without a reason", &r, "period");
	harness_run_free(&r);
	CM(&r, "contract", "notice", "add", "L86002", "--kind", "breach", "--text",
	   "closed without notice");
	expect_exit("assure contract notice add breach", &r, 0);
	expect_out("assure contract notice add breach", &r, "breach notice 2 on L86002");
	harness_run_free(&r);
	CM(&r, "contract", "notice", "outcome", "L86002", "2", "--outcome", "remedied");
	expect_exit("assure contract notice outcome remedied on a breach", &r, 7);
	harness_run_free(&r);
	CM(&r, "contract", "notice", "outcome", "L86002", "1", "--outcome", "remedied", "--date",
	   "2010-06-01", "--rationale", "lead named", "--json");
	expect_exit("assure contract notice outcome --json", &r, 0);
	harness_json_expect("assure contract notice outcome --json", &r,
			    "d['notice']['outcome'] == 'remedied' and "
			    "d['notice']['outcome_date'] == '2010-06-01' and "
			    "d['notice']['overdue'] is False");
	harness_run_free(&r);
	CM(&r, "contract", "notice", "outcome", "L86002", "x", "--outcome", "remedied");
	expect_exit("assure contract notice outcome with a bad N", &r, 2);
	harness_run_free(&r);

	/* show --json: contract, reviews, notices, history. */
	CM(&r, "contract", "show", "L86002", "--json");
	expect_exit("assure contract show --json", &r, 0);
	harness_json_expect("assure contract show --json", &r,
			    "d['contract']['ods'] == 'L86002' and d['reviews'] == [] and "
			    "[n['kind'] for n in d['notices']] == ['remedial', 'breach'] and "
			    "len(d['history']) == 2 and d['history'][1]['reason'] == "
			    "'annual list cleaning' and 'list size: 5000 -> 5100' in "
			    "d['history'][1]['detail'] and d['history'][1]['by'] == 'ct-manager'");
	harness_run_free(&r);
	CM(&r, "contract", "show", "L86002");
	expect_exit("assure contract show", &r, 0);
	expect_out("assure contract show", &r, "Cli Table Practice");
	expect_out("assure contract show", &r, "list size: 5000 -> 5100");
	expect_out("assure contract show", &r, "annual list cleaning");
	harness_run_free(&r);
	CM(&r, "contract", "show", "L86999");
	expect_exit("assure contract show unknown", &r, 5);
	harness_run_free(&r);

	/* A viewer reads but may not write. */
	char *v_cfg = cli_login_new(VIEWER);
	harness_cli(server.addr, v_cfg, NULL, &r, "contract", "show", "L86002", "--json", NULL);
	expect_exit("assure contract show as a viewer", &r, 0);
	harness_run_free(&r);
	harness_cli(server.addr, v_cfg, NULL, &r, "contract", "set", "L86002", "--list-size", "1",
		    "--reason", "viewer", NULL);
	expect_exit("assure contract set as a viewer", &r, 4);
	harness_run_free(&r);
	free(v_cfg);
	free(cm_cfg);
}

int main(void)
{
	harness_guard(280);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_and_show),
	    cmocka_unit_test(test_add_invalid),
	    cmocka_unit_test(test_add_duplicate),
	    cmocka_unit_test(test_list),
	    cmocka_unit_test(test_set_with_history),
	    cmocka_unit_test(test_stale_version),
	    cmocka_unit_test(test_notices),
	    cmocka_unit_test(test_who_may),
	    cmocka_unit_test(test_reads_audited),
	    cmocka_unit_test(test_show_reviews),
	    cmocka_unit_test(test_cli),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
