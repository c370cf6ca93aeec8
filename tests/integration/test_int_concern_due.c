/*
 * ConcernDue in pages against a real assured (DOMAIN.md "Deadlines":
 * "assure concern due --within 14d lists due and overdue items, soonest
 * first"; docs/CONCERNS.md): more open deadlines than one page, so
 *
 *   1. the pages, followed through next_page_token at several page sizes,
 *      hold every deadline once, soonest first, exactly as one large page;
 *   2. a token this server did not issue is INVALID_ARGUMENT naming
 *      page_token;
 *   3. assure concern due prints every row, following the pages.
 *
 * Every deadline here is a triage target (5 working days from receipt);
 * receipts are spread over a fortnight so many share a due date, which is
 * where a page boundary could lose or repeat one.
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

#define PW "concern due passphrase 3"
#define SITE "HQ"
#define PYTHON3 "/usr/bin/python3"

#define OK ASSURE__CODE__OK
#define IA ASSURE__CODE__INVALID_ARGUMENT

/* Monday 16 November 2026; receipts from 2 to 13 November. */
#define TODAY "2026-11-16"
#define NCONCERNS 105 /* the server's default page is 100 */

static struct harness_server server;
static struct harness_clock clk;
static struct client *cm;

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

static int group_setup(void **state)
{
	(void)state;
	harness_server_start_clock(&server, &clk, NULL);
	harness_clock_set(&clk, (int64_t)ymd_time(TODAY) * 1000);
	struct client *admin = harness_connect_admin(&server);
	struct harness_ireq r;
	harness_ireq_site_add(&r, SITE, "Headquarters");
	harness_iexpect_code(admin, &r, OK, "SiteAdd HQ");
	harness_add_user(admin, "cm", "case-manager", SITE, PW, NULL);
	client_free(admin);
	cm = harness_connect_login(&server, "cm", PW, NULL, NULL);
	harness_ireq_performer_add(&r, "gp", "7300001", "Dr Many Concerns", NULL);
	Assure__Response *resp = harness_iexpect(cm, &r, OK, "PerformerAdd");
	int64_t gp = resp->performer_add->performer->id;
	assure__response__free_unpacked(resp, NULL);
	for (int i = 0; i < NCONCERNS; i++) {
		char received[16];
		snprintf(received, sizeof received, "2026-11-%02d", 2 + i % 12);
		harness_ireq_concern_open(&r, gp, "patient-complaint", "conduct",
					  "rude to a patient", received, "", NULL);
		harness_iexpect_code(cm, &r, OK, "ConcernOpen");
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	client_free(cm);
	harness_server_destroy(&server);
	return 0;
}

/* One ConcernDue --within 14d page; caller frees. */
static Assure__Response *due_page(uint32_t page_size, const char *token)
{
	struct harness_ireq r;
	harness_ireq_concern_due(&r, "14d", 0);
	r.concern_due.page_size = page_size;
	r.concern_due.page_token = (char *)(token ? token : "");
	Assure__Response *resp = harness_iexpect(cm, &r, OK, "ConcernDue page");
	assert_non_null(resp->concern_due);
	return resp;
}

/* "due id ref kind" per deadline, one large page. */
static char all[NCONCERNS + 1][64];

static void test_pages(void **state)
{
	(void)state;
	Assure__Response *resp = due_page(1000, NULL);
	const Assure__ConcernDueResponse *d = resp->concern_due;
	assert_int_equal(d->n_deadlines, NCONCERNS);
	assert_string_equal(d->next_page_token, "");
	for (size_t i = 0; i < d->n_deadlines; i++) {
		if (i > 0 && strcmp(d->deadlines[i - 1]->due, d->deadlines[i]->due) > 0)
			fail_msg("not soonest first: %s before %s", d->deadlines[i - 1]->due,
				 d->deadlines[i]->due);
		snprintf(all[i], sizeof all[i], "%s %lld %s %s", d->deadlines[i]->due,
			 (long long)d->deadlines[i]->id, d->deadlines[i]->concern_ref,
			 d->deadlines[i]->kind);
	}
	assure__response__free_unpacked(resp, NULL);

	static const uint32_t sizes[] = {0, 1, 7, 52, 104, 105, 106};
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		uint32_t want = sizes[s] ? sizes[s] : 100;
		size_t seen = 0, pages = 0;
		char token[64] = "";
		for (;;) {
			resp = due_page(sizes[s], token);
			d = resp->concern_due;
			pages++;
			for (size_t i = 0; i < d->n_deadlines; i++, seen++) {
				char row[64];
				snprintf(row, sizeof row, "%s %lld %s %s", d->deadlines[i]->due,
					 (long long)d->deadlines[i]->id,
					 d->deadlines[i]->concern_ref, d->deadlines[i]->kind);
				if (seen >= NCONCERNS || strcmp(row, all[seen]) != 0)
					fail_msg("page size %u: row %zu is %s, expected %s",
						 sizes[s], seen, row,
						 seen < NCONCERNS ? all[seen] : "none");
			}
			/* Full pages carry a token; the last page none. */
			int last = d->next_page_token[0] == '\0';
			if (!last && d->n_deadlines != want)
				fail_msg("page size %u: a page of %zu with a next token", sizes[s],
					 d->n_deadlines);
			snprintf(token, sizeof token, "%s", d->next_page_token);
			assure__response__free_unpacked(resp, NULL);
			if (last)
				break;
			assert_true(pages < 200);
		}
		if (seen != NCONCERNS)
			fail_msg("page size %u: %zu rows over %zu pages, expected %d", sizes[s],
				 seen, pages, NCONCERNS);
		/* The server looks one row ahead: no empty last page. */
		assert_int_equal(pages, (NCONCERNS + want - 1) / want);
	}
}

static void test_bad_tokens(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "x",
	    "12",
	    "2026-11-09",
	    "2026-11-09:",
	    "2026-11-09:0",
	    "2026-11-09:-3",
	    "2026-11-09:+3",
	    "2026-11-09:3x",
	    "2026-13-01:3",
	    "2026-11-9:3",
	    " 2026-11-09:3",
	    "2026-11-09:3:4",
	    "2026-11-09:99999999999999999999",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct harness_ireq r;
		harness_ireq_concern_due(&r, "14d", 0);
		r.concern_due.page_token = (char *)bad[i];
		char what[96];
		snprintf(what, sizeof what, "ConcernDue page_token \"%s\"", bad[i]);
		harness_iexpect_msg(cm, &r, IA, "page_token", what);
	}
	/* Over the maximum page size: the maximum (1000), not an error. */
	Assure__Response *resp = due_page(100000, NULL);
	assert_int_equal(resp->concern_due->n_deadlines, NCONCERNS);
	assure__response__free_unpacked(resp, NULL);
}

static void test_cli_follows_pages(void **state)
{
	(void)state;
	char *dir = harness_tempdir("due-cm");
	struct harness_run run;
	char stdin_text[64];
	snprintf(stdin_text, sizeof stdin_text, "%s\n", PW);
	harness_cli(server.addr, dir, stdin_text, &run, "login", "--user", "cm", "--password-stdin",
		    NULL);
	if (run.status != 0)
		fail_msg("assure login: exit %d\n%s%s", run.status, run.out, run.err);
	harness_run_free(&run);

	harness_cli(server.addr, dir, NULL, &run, "concern", "due", "--within", "14d", "--json",
		    NULL);
	if (run.status != 0)
		fail_msg("assure concern due --json: exit %d\n%s%s", run.status, run.out, run.err);
	const char *argv[] = {PYTHON3, "-c",
			      "import json,sys; d=json.load(sys.stdin); "
			      "print(len(d), len({x['concern_ref'] for x in d}), "
			      "all(a['due'] <= b['due'] for a, b in zip(d, d[1:])))",
			      NULL};
	struct harness_run py;
	assert_int_equal(harness_run_argv(argv, NULL, run.out, 10000, &py), 0);
	harness_run_free(&run);
	if (py.status != 0)
		fail_msg("python3 over assure concern due --json failed: %s", py.err);
	char want[64];
	snprintf(want, sizeof want, "%d %d True\n", NCONCERNS, NCONCERNS);
	if (strcmp(py.out, want) != 0)
		fail_msg("assure concern due --json: rows, references, sorted = %s; expected %s",
			 py.out, want);
	harness_run_free(&py);

	/* The table too: a header and one line per deadline. */
	harness_cli(server.addr, dir, NULL, &run, "concern", "due", NULL);
	if (run.status != 0)
		fail_msg("assure concern due: exit %d\n%s%s", run.status, run.out, run.err);
	size_t lines = 0;
	for (const char *p = run.out; *p; p++)
		lines += *p == '\n';
	harness_run_free(&run);
	assert_int_equal(lines, NCONCERNS + 1);
	free(dir);
}

int main(void)
{
	harness_guard(170);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pages),
	    cmocka_unit_test(test_bad_tokens),
	    cmocka_unit_test(test_cli_follows_pages),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
