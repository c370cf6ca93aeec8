/*
 * The Scorecard report against a live assured (DOMAIN.md "Scorecard
 * report"; docs/REVIEWS.md "Scorecard report").
 *
 * The contract and review RPCs are written on other branches, so the data
 * comes from assure-seed-reviews, run on the database between `assured
 * init` and the server's start: 12 practices in ODS order A81001 ...
 * M81001 (plus N81001, whose contract starts after the year), 6
 * indicators, sites NORTH (even positions) and SOUTH (odd), every third
 * practice pms, F81001 apms, H81001 pctms, the rest gms. By position:
 * D81001 and M81001 have no annual review (gaps), B81001 has a reviewer's
 * override, C81001 has PE03 marked not available, H81001 is a draft, the
 * rest are finalised. A81001 ... D81001 have names a report must escape.
 *
 * Through the RPC: rows, cells, the RAG in force, paging, errors, the
 * audit record. Through the CLI: every format (JSON and CSV parsed by
 * python3), filters, paging across pages, --output's mode, the errors'
 * exit codes, and the HTML rendered by headless Chromium to a PNG.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define PW "scorecard test passphrase 9"
#define PYTHON3 "/usr/bin/python3"
#define CHROMIUM "/usr/bin/chromium"
#define YEAR "2009/10"
#define PRACTICES 12
#define INDICATORS 6

#define OK ASSURE__CODE__OK

static struct harness_server server;
static struct client *viewer, *auditor;
static char *viewer_dir, *auditor_dir;

/* ---- set-up ------------------------------------------------------------------ */

static void cli_login(const char *dir, const char *user)
{
	struct harness_run run;
	harness_cli(server.addr, dir, PW "\n", &run, "login", "--user", user, "--password-stdin",
		    NULL);
	if (run.status != 0)
		fail_msg("assure login %s: exit %d\n%s%s", user, run.status, run.out, run.err);
	harness_run_free(&run);
}

static int group_setup(void **state)
{
	(void)state;
	harness_server_init(&server, NULL);
	const char *seed[] = {ASSURE_SEED_REVIEWS_BIN,
			      "--db",
			      server.db,
			      "--year",
			      YEAR,
			      "--practices",
			      "12",
			      "--indicators",
			      "6",
			      "--sites",
			      "2",
			      "--test-cases",
			      NULL};
	struct harness_run run;
	assert_int_equal(harness_run_argv(seed, NULL, NULL, 60000, &run), 0);
	if (run.status != 0)
		fail_msg("assure-seed-reviews: exit %d\n%s%s", run.status, run.out, run.err);
	harness_run_free(&run);
	harness_server_launch(&server);

	struct client *admin = harness_connect_admin(&server);
	harness_add_user(admin, "sc-viewer", "viewer", "NORTH", PW, NULL);
	harness_add_user(admin, "sc-auditor", "auditor", "SOUTH", PW, NULL);
	client_free(admin);
	viewer = harness_connect_login(&server, "sc-viewer", PW, NULL, NULL);
	auditor = harness_connect_login(&server, "sc-auditor", PW, NULL, NULL);
	viewer_dir = harness_tempdir("cli-viewer");
	auditor_dir = harness_tempdir("cli-auditor");
	cli_login(viewer_dir, "sc-viewer");
	cli_login(auditor_dir, "sc-auditor");
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	client_free(viewer);
	client_free(auditor);
	free(viewer_dir);
	free(auditor_dir);
	harness_server_destroy(&server);
	return 0;
}

/* ---- through the RPC -------------------------------------------------------------- */

static const Assure__ScorecardRow *row_of(const Assure__ScorecardResponse *r, const char *ods)
{
	for (size_t i = 0; i < r->n_rows; i++)
		if (strcmp(r->rows[i]->ods, ods) == 0)
			return r->rows[i];
	return NULL;
}

static void test_rpc_rows(void **state)
{
	(void)state;
	struct harness_ireq q;
	harness_ireq_scorecard(&q, YEAR, NULL, NULL, 0, NULL);
	Assure__Response *resp = harness_iexpect(viewer, &q, OK, "Scorecard 2009/10");
	const Assure__ScorecardResponse *r = resp->scorecard;
	assert_non_null(r);
	assert_int_equal(r->total_rows, PRACTICES);
	assert_int_equal(r->n_rows, PRACTICES);
	assert_string_equal(r->next_page_token, "");
	assert_non_null(r->set);
	assert_string_equal(r->set->year, YEAR);
	assert_string_equal(r->set->state, "published");
	assert_string_equal(r->set->green_mean, "1.5");
	assert_string_equal(r->set->red_mean, "0.75");
	assert_int_equal(r->set->n_indicators, INDICATORS);
	assert_string_equal(r->set->indicators[0]->code, "QOF01");
	assert_string_equal(r->set->indicators[0]->green, "95");
	assert_string_equal(r->set->indicators[3]->direction, "lower");
	for (size_t i = 0; i < r->n_rows; i++) {
		/* ODS order, a cell per indicator on every row. */
		if (i > 0)
			assert_true(strcmp(r->rows[i - 1]->ods, r->rows[i]->ods) < 0);
		assert_int_equal(r->rows[i]->n_cells, INDICATORS);
	}
	/* The contract that starts after the year is not in its report. */
	assert_null(row_of(r, "N81001"));

	/* Gaps keep their rows, empty. */
	const Assure__ScorecardRow *d = row_of(r, "D81001");
	assert_non_null(d);
	assert_string_equal(d->review_ref, "");
	assert_string_equal(d->state, "");
	assert_string_equal(d->rag, "");
	assert_string_equal(d->visit_type, "");
	for (size_t k = 0; k < d->n_cells; k++)
		assert_string_equal(d->cells[k]->value, "");
	assert_non_null(row_of(r, "M81001"));
	assert_string_equal(row_of(r, "M81001")->review_ref, "");

	/* The override is the RAG in force. */
	const Assure__ScorecardRow *b = row_of(r, "B81001");
	assert_true(b->overridden);
	assert_string_not_equal(b->rag, b->computed_rag);
	assert_string_equal(b->state, "finalised");

	/* Not available: no value, no RAG, the reason. */
	const Assure__ScorecardRow *c = row_of(r, "C81001");
	assert_string_equal(c->cells[2]->value, "");
	assert_string_equal(c->cells[2]->rag, "");
	assert_true(strstr(c->cells[2]->not_available, "not extracted") != NULL);

	/* A draft: the computed RAG, provisional, no next visit yet. */
	const Assure__ScorecardRow *h = row_of(r, "H81001");
	assert_string_equal(h->state, "draft");
	assert_string_equal(h->rag, h->computed_rag);
	assert_string_equal(h->visit_type, "");
	assert_false(h->mid_year_follow_up);
	assert_string_equal(h->contract_type, "pctms");

	/* Finalised: the next visit follows the RAG in force. */
	for (size_t i = 0; i < r->n_rows; i++) {
		const Assure__ScorecardRow *w = r->rows[i];
		if (strcmp(w->state, "finalised") != 0)
			continue;
		const char *want = strcmp(w->rag, "green") == 0	  ? "desktop"
				   : strcmp(w->rag, "amber") == 0 ? "standard"
								  : "full";
		assert_string_equal(w->visit_type, want);
		assert_int_equal(w->mid_year_follow_up, strcmp(w->rag, "red") == 0);
		assert_true(strncmp(w->review_ref, "REV-2009-", 9) == 0);
		for (size_t k = 0; k < w->n_cells; k++) {
			const Assure__ScorecardCell *x = w->cells[k];
			if (x->value[0])
				assert_true(strcmp(x->rag, "green") == 0 ||
					    strcmp(x->rag, "amber") == 0 ||
					    strcmp(x->rag, "red") == 0);
		}
	}
	assure__response__free_unpacked(resp, NULL);
}

static void test_rpc_paging_and_filters(void **state)
{
	(void)state;
	struct harness_ireq q;
	char token[16] = "";
	char seen[PRACTICES + 1][8];
	size_t n = 0, pages = 0;
	for (;;) {
		harness_ireq_scorecard(&q, YEAR, NULL, NULL, 5, token);
		Assure__Response *resp = harness_iexpect(viewer, &q, OK, "Scorecard page");
		const Assure__ScorecardResponse *r = resp->scorecard;
		pages++;
		assert_int_equal(r->total_rows, pages == 1 ? PRACTICES : 0);
		assert_true(r->n_rows <= 5);
		assert_non_null(r->set);
		assert_int_equal(r->set->n_indicators, INDICATORS);
		for (size_t i = 0; i < r->n_rows; i++) {
			assert_true(n < PRACTICES);
			snprintf(seen[n++], sizeof seen[0], "%s", r->rows[i]->ods);
		}
		snprintf(token, sizeof token, "%s", r->next_page_token);
		assure__response__free_unpacked(resp, NULL);
		if (token[0] == '\0')
			break;
		assert_true(pages < 10);
	}
	assert_int_equal(pages, 3);
	assert_int_equal(n, PRACTICES);
	for (size_t i = 1; i < n; i++)
		assert_true(strcmp(seen[i - 1], seen[i]) < 0);

	/* Filters: site (any case), type, both. */
	harness_ireq_scorecard(&q, YEAR, "south", NULL, 0, NULL);
	Assure__Response *resp = harness_iexpect(viewer, &q, OK, "Scorecard --site south");
	assert_int_equal(resp->scorecard->total_rows, PRACTICES / 2);
	for (size_t i = 0; i < resp->scorecard->n_rows; i++)
		assert_string_equal(resp->scorecard->rows[i]->site, "SOUTH");
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_scorecard(&q, YEAR, NULL, "PMS", 0, NULL);
	resp = harness_iexpect(viewer, &q, OK, "Scorecard --type PMS");
	assert_int_equal(resp->scorecard->total_rows, 4); /* A, D, G, K */
	for (size_t i = 0; i < resp->scorecard->n_rows; i++)
		assert_string_equal(resp->scorecard->rows[i]->contract_type, "pms");
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_scorecard(&q, YEAR, "NORTH", "pms", 1, NULL);
	resp = harness_iexpect(viewer, &q, OK, "Scorecard --site NORTH --type pms");
	assert_int_equal(resp->scorecard->total_rows, 2); /* A, G */
	assert_int_equal(resp->scorecard->n_rows, 1);
	assert_string_equal(resp->scorecard->rows[0]->ods, "A81001");
	assert_string_equal(resp->scorecard->next_page_token, "A81001");
	assure__response__free_unpacked(resp, NULL);
}

static void test_rpc_errors(void **state)
{
	(void)state;
	struct harness_ireq q;
	harness_ireq_scorecard(&q, "2010/11", NULL, NULL, 0, NULL);
	harness_iexpect_msg(viewer, &q, ASSURE__CODE__FAILED_PRECONDITION, "2010/11",
			    "Scorecard for a year with only a draft set");
	harness_ireq_scorecard(&q, "2008/09", NULL, NULL, 0, NULL);
	harness_iexpect_msg(viewer, &q, ASSURE__CODE__FAILED_PRECONDITION, "no indicator set",
			    "Scorecard for a year with no set");
	harness_ireq_scorecard(&q, "2009/11", NULL, NULL, 0, NULL);
	harness_iexpect_code(viewer, &q, ASSURE__CODE__INVALID_ARGUMENT, "Scorecard 2009/11");
	harness_ireq_scorecard(&q, "", NULL, NULL, 0, NULL);
	harness_iexpect_code(viewer, &q, ASSURE__CODE__INVALID_ARGUMENT,
			     "Scorecard without a year");
	harness_ireq_scorecard(&q, YEAR, NULL, "gp", 0, NULL);
	harness_iexpect_msg(viewer, &q, ASSURE__CODE__INVALID_ARGUMENT, "contract type",
			    "Scorecard --type gp");
	harness_ireq_scorecard(&q, YEAR, "NOWHERE", NULL, 0, NULL);
	harness_iexpect_msg(viewer, &q, ASSURE__CODE__NOT_FOUND, "NOWHERE",
			    "Scorecard --site NOWHERE");
	harness_ireq_scorecard(&q, YEAR, "bad code!", NULL, 0, NULL);
	harness_iexpect_code(viewer, &q, ASSURE__CODE__INVALID_ARGUMENT, "Scorecard bad site code");
	harness_ireq_scorecard(&q, YEAR, NULL, NULL, 0, "'; DROP TABLE reviews; --");
	harness_iexpect_msg(viewer, &q, ASSURE__CODE__INVALID_ARGUMENT, "page_token",
			    "Scorecard with a forged token");
	/* auditor: audit.read only. */
	harness_ireq_scorecard(&q, YEAR, NULL, NULL, 0, NULL);
	harness_iexpect_code(auditor, &q, ASSURE__CODE__PERMISSION_DENIED, "Scorecard as auditor");
}

/* Every read is audited, with the year as the object. */
static void test_rpc_audited(void **state)
{
	(void)state;
	struct harness_ireq q;
	harness_ireq_scorecard(&q, YEAR, NULL, "gms", 0, NULL);
	harness_iexpect_code(viewer, &q, OK, "Scorecard gms");
	/* The record is queued before the reply; give the writer a moment. */
	size_t found = 0;
	for (int tries = 0; tries < 50 && found == 0; tries++) {
		harness_ireq_audit_query_object(&q, "scorecard", YEAR, "sc-viewer", NULL);
		Assure__Response *resp = harness_iexpect(auditor, &q, OK, "AuditQuery scorecard");
		found = resp->audit_query->n_entries;
		assure__response__free_unpacked(resp, NULL);
		if (found == 0)
			harness_sleep_ms(100);
	}
	assert_true(found > 0);
}

/* ---- through the CLI --------------------------------------------------------------- */

#define CLI_OK(run, ...)                                                                           \
	do {                                                                                       \
		harness_cli(server.addr, viewer_dir, NULL, run, "scorecard", "--year", YEAR,       \
			    __VA_ARGS__, NULL);                                                    \
		if ((run)->status != 0)                                                            \
			fail_msg("assure scorecard %s: exit %d\n%s%s", #__VA_ARGS__,               \
				 (run)->status, (run)->out, (run)->err);                           \
	} while (0)

/* Runs python3 with prog over text (stdin); returns its stdout, trimmed. */
static char *python(const char *text, const char *prog)
{
	const char *argv[] = {PYTHON3, "-c", prog, NULL};
	struct harness_run run;
	assert_int_equal(harness_run_argv(argv, NULL, text, 20000, &run), 0);
	if (run.status != 0)
		fail_msg("python3 over\n%.2000s\nfailed: %s", text, run.err);
	char *out = strdup(run.out);
	harness_run_free(&run);
	size_t n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return out;
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		fail_msg("cannot open %s", path);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	char chunk[8192];
	size_t got;
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
		fwrite(chunk, 1, got, m);
	fclose(f);
	fclose(m);
	return buf;
}

static void test_cli_table(void **state)
{
	(void)state;
	struct harness_run run;
	CLI_OK(&run, "--site", "NORTH");
	assert_non_null(strstr(run.out, "Balanced Scorecard 2009/10"));
	assert_non_null(strstr(run.out, "QOF01"));
	assert_non_null(strstr(run.out, "A81001"));
	assert_null(strstr(run.out, "B81001")); /* SOUTH */
	assert_non_null(strstr(run.out, "Filters: site NORTH."));
	harness_run_free(&run);
	CLI_OK(&run, "--format", "table");
	assert_non_null(strstr(run.out, "no review"));
	assert_non_null(strstr(run.out, "n/a"));
	harness_run_free(&run);
}

static const char json_check[] =
    "import json,sys\n"
    "d = json.load(sys.stdin)\n"
    "assert d['year'] == '2009/10', d['year']\n"
    "assert d['set'] == 'Balanced Scorecard 2009/10'\n"
    "assert d['rule']['green_mean'] == '1.5' and d['rule']['red_mean'] == '0.75'\n"
    "ind = d['indicators']\n"
    "assert len(ind) == 6 and all(i['bands'].startswith('green ') for i in ind)\n"
    "rows = {r['ods']: r for r in d['rows']}\n"
    "assert rows['D81001']['review_ref'] is None and rows['D81001']['rag'] is None\n"
    "assert rows['B81001']['overridden'] is True\n"
    "c = rows['C81001']['cells'][2]\n"
    "assert c['not_available'] and c['value'] is None\n"
    "assert rows['A81001']['practice'].startswith('<b>Bold</b>')\n"
    "print(len(d['rows']), d['filters']['site'], d['filters']['type'], d['total_rows'])\n";

static void test_cli_json(void **state)
{
	(void)state;
	struct harness_run run;
	CLI_OK(&run, "--format", "json");
	char *out = python(run.out, json_check);
	assert_string_equal(out, "12 None None 12");
	free(out);
	harness_run_free(&run);
	/* --json is --format json. */
	CLI_OK(&run, "--json");
	out = python(run.out, json_check);
	assert_string_equal(out, "12 None None 12");
	free(out);
	harness_run_free(&run);
}

static void test_cli_csv_output(void **state)
{
	(void)state;
	char *dir = harness_tempdir("scorecard-csv");
	char path[600];
	snprintf(path, sizeof path, "%s/scorecard.csv", dir);
	struct harness_run run;
	CLI_OK(&run, "--format", "csv", "--output", path);
	assert_string_equal(run.out, "");
	harness_run_free(&run);
	struct stat sb;
	assert_int_equal(stat(path, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0640);
	char *text = read_file(path);
	char *out = python(
	    text,
	    "import csv,sys\n"
	    "rows = list(csv.reader(sys.stdin, strict=True))\n"
	    "assert rows[0][:7] == "
	    "['ods','practice','contract_type','site','review_ref','state','QOF01'], rows[0]\n"
	    "assert all(len(r) == len(rows[0]) for r in rows)\n"
	    "by = {r[0]: r for r in rows[1:]}\n"
	    "assert by['B81001'][1].startswith(\"'=cmd\"), by['B81001'][1]\n"
	    "assert by['D81001'][1].startswith(\"'@SUM\"), by['D81001'][1]\n"
	    "assert by['C81001'][1] == 'O\\'Brien, Shah & Co \"Riverside\"'\n"
	    "assert 'PE03: ' in by['C81001'][-1]\n"
	    "print(len(rows))\n");
	assert_string_equal(out, "13"); /* header + 12 */
	free(out);
	free(text);
	/* Written again: replaced whole, no temporary file left beside it. */
	CLI_OK(&run, "--format", "csv", "--type", "apms", "--output", path);
	harness_run_free(&run);
	text = read_file(path);
	assert_non_null(strstr(text, "\r\nF81001,"));
	assert_null(strstr(text, "A81001"));
	free(text);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "ls %s | grep -c tmp", dir);
	FILE *p = popen(cmd, "r");
	char line[16] = "";
	assert_non_null(fgets(line, sizeof line, p));
	pclose(p);
	assert_string_equal(line, "0\n");
	free(dir);
}

/* Pages of 5 through the CLI give the same rows as one page. */
static void test_cli_paging(void **state)
{
	(void)state;
	struct harness_run one, paged;
	CLI_OK(&one, "--format", "json");
	CLI_OK(&paged, "--format", "json", "--page-size", "5");
	char *both = NULL;
	assert_true(asprintf(&both, "%s%s", one.out, paged.out) > 0);
	char *out =
	    python(both, "import json,sys\n"
			 "a, b = [json.loads(l) for l in sys.stdin.read().splitlines() if l]\n"
			 "assert a['rows'] == b['rows'] and len(a['rows']) == 12\n"
			 "print('same')\n");
	assert_string_equal(out, "same");
	free(out);
	free(both);
	harness_run_free(&one);
	harness_run_free(&paged);
	struct harness_run run;
	CLI_OK(&run, "--format", "csv", "--page-size", "1", "--site", "SOUTH");
	/* Header + the 6 SOUTH practices, fetched one page each. */
	size_t lines = 0;
	for (const char *s = run.out; (s = strstr(s, "\r\n")) != NULL; s += 2)
		lines++;
	assert_int_equal(lines, 7);
	harness_run_free(&run);
}

static void test_cli_errors(void **state)
{
	(void)state;
	struct harness_run run;
	harness_cli(server.addr, viewer_dir, NULL, &run, "scorecard", "--year", "2010/11", NULL);
	assert_int_equal(run.status, 7); /* FAILED_PRECONDITION */
	assert_true(harness_contains_ci(run.err, "no indicator set is published for 2010/11"));
	harness_run_free(&run);
	harness_cli(server.addr, viewer_dir, NULL, &run, "scorecard", "--year", "2009/11", NULL);
	assert_int_equal(run.status, 8); /* INVALID_ARGUMENT */
	harness_run_free(&run);
	harness_cli(server.addr, auditor_dir, NULL, &run, "scorecard", "--year", YEAR, NULL);
	assert_int_equal(run.status, 4); /* PERMISSION_DENIED */
	harness_run_free(&run);
	harness_cli(server.addr, viewer_dir, NULL, &run, "scorecard", "--year", YEAR, "--format",
		    "pdf", NULL);
	assert_int_equal(run.status, 2);
	harness_run_free(&run);
	harness_cli(server.addr, viewer_dir, NULL, &run, "scorecard", "--year", YEAR, "--format",
		    "csv", "--json", NULL);
	assert_int_equal(run.status, 2);
	harness_run_free(&run);
	harness_cli(server.addr, viewer_dir, NULL, &run, "scorecard", NULL);
	assert_int_equal(run.status, 2); /* --year is required */
	harness_run_free(&run);
	harness_cli(server.addr, viewer_dir, NULL, &run, "scorecard", "--year", YEAR, "--output",
		    "/nonexistent-dir/x.html", "--format", "html", NULL);
	assert_int_equal(run.status, 1);
	assert_true(harness_contains_ci(run.err, "--output"));
	harness_run_free(&run);
}

/* The HTML: self-contained and escaped; then headless Chromium draws it. */
static void test_cli_html_chromium(void **state)
{
	(void)state;
	char *dir = harness_tempdir("scorecard-html");
	char html[600], png[600], profile[600], home[620];
	snprintf(html, sizeof html, "%s/scorecard.html", dir);
	snprintf(png, sizeof png, "%s/scorecard.png", dir);
	snprintf(profile, sizeof profile, "%s/chromium-profile", dir);
	snprintf(home, sizeof home, "HOME=%s", dir);
	struct harness_run run;
	CLI_OK(&run, "--format", "html", "--output", html);
	harness_run_free(&run);
	char *text = read_file(html);
	static const char *const external[] = {"http://", "https://", "src=",  "href=", "url(",
					       "@import", "<script",  "<link", "<img"};
	for (size_t i = 0; i < sizeof external / sizeof external[0]; i++)
		if (strstr(text, external[i]) != NULL)
			fail_msg("the HTML holds %s", external[i]);
	assert_non_null(strstr(text, "&lt;b&gt;Bold&lt;/b&gt; &amp; &quot;Partners&quot;"));
	assert_non_null(strstr(text, "No annual review for 2009/10"));
	assert_non_null(strstr(text, "<h2>Key</h2>"));
	assert_non_null(strstr(text, "@media print"));
	free(text);

	if (access(CHROMIUM, X_OK) != 0) {
		print_message("SKIP: %s is not installed (Debian package chromium; "
			      "scripts/test installs it): the HTML was not rendered\n",
			      CHROMIUM);
		free(dir);
		skip();
	}
	char shot[640], size[] = "--window-size=1600,1200", url[620], udd[640];
	snprintf(shot, sizeof shot, "--screenshot=%s", png);
	snprintf(url, sizeof url, "file://%s", html);
	snprintf(udd, sizeof udd, "--user-data-dir=%s", profile);
	const char *argv[] = {CHROMIUM,
			      "--headless",
			      "--no-sandbox",
			      "--disable-gpu",
			      "--no-first-run",
			      "--disable-extensions",
			      udd,
			      shot,
			      size,
			      url,
			      NULL};
	const char *env[] = {home, NULL};
	assert_int_equal(harness_run_argv(argv, env, NULL, 120000, &run), 0);
	if (run.status != 0 || run.timed_out)
		fail_msg("chromium exited %d%s\n%s%s", run.status,
			 run.timed_out ? " (timed out)" : "", run.out, run.err);
	harness_run_free(&run);
	FILE *f = fopen(png, "rb");
	if (f == NULL)
		fail_msg("chromium wrote no %s", png);
	unsigned char head[24];
	assert_int_equal(fread(head, 1, sizeof head, f), sizeof head);
	fseek(f, 0, SEEK_END);
	long bytes = ftell(f);
	fclose(f);
	/* The PNG signature, an IHDR of 1600 x 1200, and more than a blank
	 * page compresses to (a white 1600 x 1200 PNG is about 10 KB; this
	 * page is over 100 KB). */
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	assert_memory_equal(head, sig, sizeof sig);
	assert_memory_equal(head + 12, "IHDR", 4);
	uint32_t w = (uint32_t)head[16] << 24 | head[17] << 16 | head[18] << 8 | head[19];
	uint32_t h = (uint32_t)head[20] << 24 | head[21] << 16 | head[22] << 8 | head[23];
	assert_int_equal(w, 1600);
	assert_int_equal(h, 1200);
	if (bytes < 40 * 1024)
		fail_msg("%s is %ld bytes: a blank or nearly blank page", png, bytes);
	print_message("chromium rendered %s (%ld bytes)\n", png, bytes);
	free(dir);
}

int main(void)
{
	harness_guard(280);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rpc_rows),	   cmocka_unit_test(test_rpc_paging_and_filters),
	    cmocka_unit_test(test_rpc_errors),	   cmocka_unit_test(test_rpc_audited),
	    cmocka_unit_test(test_cli_table),	   cmocka_unit_test(test_cli_json),
	    cmocka_unit_test(test_cli_csv_output), cmocka_unit_test(test_cli_paging),
	    cmocka_unit_test(test_cli_errors),	   cmocka_unit_test(test_cli_html_chromium),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
