/*
 * The scorecard's renderings (client/scorecard_render.c) without a server:
 * HTML escaping, CSV quoting and the formula-injection guard, the legend's
 * bands in the server's words, and a small report in every format (JSON
 * parsed by python3 when it is installed; HTML free of anything it would
 * fetch, with its legend and print rules).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assure.pb-c.h"
#include "domain_review.h"
#include "scorecard_render.h"

/* --- helpers ---------------------------------------------------------------- */

struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

/* Closes the stream; m->buf holds the text (caller frees). */
static char *mem_close(struct mem *m)
{
	assert_int_equal(fclose(m->f), 0);
	return m->buf;
}

static char *html_of(const char *s)
{
	struct mem m;
	mem_open(&m);
	scorecard_html_text(m.f, s);
	return mem_close(&m);
}

static char *csv_of(const char *s, int guard)
{
	struct mem m;
	mem_open(&m);
	scorecard_csv_field(m.f, s, guard);
	return mem_close(&m);
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
		n++;
	return n;
}

/* --- escaping ---------------------------------------------------------------- */

static void test_html_escape(void **state)
{
	(void)state;
	char *s = html_of("<a href='x'>Tom & \"Jerry\"</a>");
	assert_string_equal(s, "&lt;a href=&#39;x&#39;&gt;Tom &amp; &quot;Jerry&quot;&lt;/a&gt;");
	free(s);
	/* Control characters and bytes that are not UTF-8 become U+FFFD;
	 * valid UTF-8 passes. */
	s = html_of("a\x01"
		    "b\xff"
		    "c Zo\xc3\xab");
	assert_string_equal(s, "a\xef\xbf\xbd"
			       "b\xef\xbf\xbd"
			       "c Zo\xc3\xab");
	free(s);
	s = html_of(NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_csv_quoting(void **state)
{
	(void)state;
	char *s = csv_of("plain text", 1);
	assert_string_equal(s, "plain text");
	free(s);
	s = csv_of("a,b", 1);
	assert_string_equal(s, "\"a,b\"");
	free(s);
	s = csv_of("say \"hi\"", 1);
	assert_string_equal(s, "\"say \"\"hi\"\"\"");
	free(s);
	s = csv_of("two\r\nlines", 0);
	assert_string_equal(s, "\"two\r\nlines\"");
	free(s);
	s = csv_of("bad \xc3 byte", 1);
	assert_string_equal(s, "bad \xef\xbf\xbd byte");
	free(s);
	s = csv_of("", 1);
	assert_string_equal(s, "");
	free(s);
}

static void test_csv_formula_guard(void **state)
{
	(void)state;
	static const char *const risky[] = {"=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"};
	for (size_t i = 0; i < sizeof risky / sizeof risky[0]; i++) {
		char *s = csv_of(risky[i], 1);
		/* A quote first, or a CSV quote and then the guard's quote. */
		assert_true(s[0] == '\'' || (s[0] == '"' && s[1] == '\''));
		free(s);
		s = csv_of(risky[i], 0);
		assert_true(s[0] != '\'' && (s[0] != '"' || s[1] != '\''));
		free(s);
	}
	char *s = csv_of("=cmd|' /C calc'!A0", 1);
	assert_string_equal(s, "'=cmd|' /C calc'!A0");
	free(s);
	s = csv_of("=HYPERLINK(\"x\",\"y\")", 1);
	assert_string_equal(s, "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");
	free(s);
	/* Not at the start: harmless. */
	s = csv_of("a=b", 1);
	assert_string_equal(s, "a=b");
	free(s);
}

static void test_is_decimal(void **state)
{
	(void)state;
	assert_true(scorecard_is_decimal("0"));
	assert_true(scorecard_is_decimal("72.5"));
	assert_true(scorecard_is_decimal("-0.0005"));
	assert_false(scorecard_is_decimal(""));
	assert_false(scorecard_is_decimal("-"));
	assert_false(scorecard_is_decimal("1."));
	assert_false(scorecard_is_decimal(".5"));
	assert_false(scorecard_is_decimal("=1"));
	assert_false(scorecard_is_decimal("1e3"));
	assert_false(scorecard_is_decimal("+1"));
}

static void test_format_parse(void **state)
{
	(void)state;
	assert_int_equal(scorecard_format_parse("table"), SCORECARD_TABLE);
	assert_int_equal(scorecard_format_parse("csv"), SCORECARD_CSV);
	assert_int_equal(scorecard_format_parse("json"), SCORECARD_JSON);
	assert_int_equal(scorecard_format_parse("html"), SCORECARD_HTML);
	assert_int_equal(scorecard_format_parse("HTML"), -1);
	assert_int_equal(scorecard_format_parse("pdf"), -1);
	assert_int_equal(scorecard_format_parse(NULL), -1);
}

/* The client's legend words are the server's (domain_review_indicator_bands),
 * from the same exact decimal text the server sends. */
static void test_bands_match_server(void **state)
{
	(void)state;
	static const struct {
		enum indicator_direction dir;
		int64_t green, amber;
	} cases[] = {
	    {INDICATOR_HIGHER_IS_BETTER, 800000, 700000},   {INDICATOR_LOWER_IS_BETTER, 8000, 9500},
	    {INDICATOR_HIGHER_IS_BETTER, 1000000, 1000000}, {INDICATOR_LOWER_IS_BETTER, -5, 0},
	    {INDICATOR_HIGHER_IS_BETTER, 725000, 12345},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct review_indicator ind = {.code = "X01",
					       .direction = cases[i].dir,
					       .green = cases[i].green,
					       .amber = cases[i].amber,
					       .weight = REVIEW_DECIMAL_ONE};
		char server[REVIEW_BANDS_BUFSZ], client[SCORECARD_BANDS_BUFSZ];
		char g[REVIEW_DECIMAL_BUFSZ], a[REVIEW_DECIMAL_BUFSZ];
		domain_review_indicator_bands(&ind, server, sizeof server);
		Assure__Indicator wire = ASSURE__INDICATOR__INIT;
		wire.direction = (char *)domain_review_direction_name(cases[i].dir);
		wire.green = domain_review_decimal_format(cases[i].green, g);
		wire.amber = domain_review_decimal_format(cases[i].amber, a);
		scorecard_bands(&wire, client, sizeof client);
		assert_string_equal(client, server);
	}
}

/* --- a small report ------------------------------------------------------------ */

#define N_IND 3
#define N_ROWS 5

struct fixture {
	Assure__IndicatorSet set;
	Assure__Indicator ind[N_IND];
	Assure__Indicator *indp[N_IND];
	Assure__ScorecardRow row[N_ROWS];
	const Assure__ScorecardRow *rowp[N_ROWS];
	Assure__ScorecardCell cell[N_ROWS][N_IND];
	Assure__ScorecardCell *cellp[N_ROWS][N_IND];
	struct scorecard_report report;
};

static struct fixture fx;

static void cell_set(size_t r, size_t k, const char *value, const char *rag, const char *na)
{
	Assure__ScorecardCell *c = &fx.cell[r][k];
	assure__scorecard_cell__init(c);
	c->value = (char *)value;
	c->rag = (char *)rag;
	c->not_available = (char *)na;
	fx.cellp[r][k] = c;
}

static void row_set(size_t r, const char *ods, const char *practice, const char *type,
		    const char *site, const char *ref, const char *state, const char *rag,
		    const char *computed, int overridden, const char *visit, int follow_up)
{
	Assure__ScorecardRow *w = &fx.row[r];
	assure__scorecard_row__init(w);
	w->ods = (char *)ods;
	w->practice = (char *)practice;
	w->contract_type = (char *)type;
	w->site = (char *)site;
	w->review_ref = (char *)ref;
	w->state = (char *)state;
	w->rag = (char *)rag;
	w->computed_rag = (char *)computed;
	w->overridden = overridden;
	w->visit_type = (char *)visit;
	w->mid_year_follow_up = follow_up;
	w->n_cells = N_IND;
	w->cells = fx.cellp[r];
	for (size_t k = 0; k < N_IND; k++)
		if (fx.cellp[r][k] == NULL)
			cell_set(r, k, "", "", "");
	fx.rowp[r] = w;
}

static int fixture_setup(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof fx);
	assure__indicator_set__init(&fx.set);
	fx.set.name = "Balanced Scorecard 2009/10 <draft & final>";
	fx.set.year = "2009/10";
	fx.set.state = "published";
	fx.set.green_mean = "1.5";
	fx.set.red_mean = "0.75";
	fx.set.published_at = 1238457600; /* 2009-03-31 */
	fx.set.published_by = "cmanager";
	fx.set.version = 3;
	static const struct {
		const char *code, *name, *domain, *unit, *dir, *green, *amber, *weight;
		int critical;
	} defs[N_IND] = {
	    {"QOF01", "QOF points achieved", "qof", "%", "higher", "95", "85", "1", 0},
	    {"PRS02", "Antibacterial items per STAR-PU", "prescribing", "items", "lower", "0.8",
	     "0.95", "2", 0},
	    {"PH03", "Flu immunisation <65 & \"at risk\">", "public-health", "%", "higher", "75",
	     "70", "1.5", 1},
	};
	for (size_t k = 0; k < N_IND; k++) {
		Assure__Indicator *x = &fx.ind[k];
		assure__indicator__init(x);
		x->code = (char *)defs[k].code;
		x->name = (char *)defs[k].name;
		x->domain = (char *)defs[k].domain;
		x->unit = (char *)defs[k].unit;
		x->direction = (char *)defs[k].dir;
		x->green = (char *)defs[k].green;
		x->amber = (char *)defs[k].amber;
		x->weight = (char *)defs[k].weight;
		x->critical = defs[k].critical;
		x->position = (uint32_t)k + 1;
		fx.indp[k] = x;
	}
	fx.set.n_indicators = N_IND;
	fx.set.indicator_count = N_IND;
	fx.set.indicators = fx.indp;

	cell_set(0, 0, "96.5", "green", "");
	cell_set(0, 1, "0.9", "amber", "");
	cell_set(0, 2, "68.2", "red", "");
	row_set(0, "A81001", "<script>alert(1)</script> & Partners", "gms", "NORTH",
		"REV-2009-0001", "finalised", "red", "red", 0, "full", 1);
	cell_set(1, 0, "-1.5", "red", "");
	cell_set(1, 1, "", "", "system migration, no \"data\"");
	row_set(1, "B81001", "=cmd|' /C calc'!A0", "pms", "SOUTH", "REV-2009-0002", "draft",
		"amber", "green", 1, "", 0);
	row_set(2, "C81001", "Gap Surgery", "apms", "NORTH", "", "", "", "", 0, "", 0);
	cell_set(3, 0, "99", "green", "");
	cell_set(3, 1, "0.5", "green", "");
	cell_set(3, 2, "80", "green", "");
	row_set(3, "D81001", "O'Brien, Shah & Co\x07", "pctms", "NORTH", "REV-2009-0003",
		"finalised", "green", "green", 0, "desktop", 0);
	cell_set(4, 0, "90", "amber", "");
	row_set(4, "E81001", "Bad \xff Byte Practice", "gms", "SOUTH", "REV-2009-0004", "scheduled",
		"", "", 0, "", 0);

	fx.report.year = "2009/10";
	fx.report.site = "";
	fx.report.type = "";
	fx.report.set = &fx.set;
	fx.report.rows = fx.rowp;
	fx.report.n_rows = N_ROWS;
	fx.report.generated_at = 1273829400; /* 2010-05-14 09:30 UTC */
	return 0;
}

static char *render(enum scorecard_format f)
{
	struct mem m;
	mem_open(&m);
	scorecard_render(m.f, f, &fx.report);
	assert_false(ferror(m.f));
	return mem_close(&m);
}

static void test_table(void **state)
{
	(void)state;
	char *s = render(SCORECARD_TABLE);
	assert_non_null(strstr(s, "Balanced Scorecard 2009/10"));
	assert_non_null(strstr(s, "QOF01"));
	assert_non_null(strstr(s, "96.5 G"));
	assert_non_null(strstr(s, "68.2 R"));
	assert_non_null(strstr(s, "n/a"));
	assert_non_null(strstr(s, "no review"));
	assert_non_null(strstr(s, "amber*"));
	assert_non_null(strstr(s, "full + mid-year"));
	/* No control character reaches the terminal. */
	for (const char *p = s; *p; p++)
		assert_true((unsigned char)*p >= 0x20 || *p == '\n');
	free(s);
}

static void test_csv(void **state)
{
	(void)state;
	char *s = render(SCORECARD_CSV);
	/* A header and one line per row, each ended by CRLF. */
	assert_int_equal(count(s, "\r\n"), N_ROWS + 1);
	assert_int_equal(
	    strncmp(s, "ods,practice,contract_type,site,review_ref,state,QOF01,QOF01 rag,", 64), 0);
	/* The formula is guarded; a negative value stays a number. */
	assert_non_null(strstr(s, "\r\nB81001,'=cmd|' /C calc'!A0,pms,"));
	assert_non_null(strstr(s, ",-1.5,red,"));
	assert_non_null(strstr(s, ",,n/a,"));
	assert_non_null(strstr(s, "\"PRS02: system migration, no \"\"data\"\"\""));
	assert_non_null(strstr(s, "\"O'Brien, Shah & Co\x07\""));
	assert_null(strstr(s, "\xff"));
	free(s);
}

/* Runs python3 with script on text; 1 if it exited 0, 0 if not, -1 when
 * python3 is not there. */
static int python_accepts(const char *script, const char *text)
{
	if (system("command -v python3 >/dev/null 2>&1") != 0)
		return -1;
	char path[] = "/tmp/test_scorecard_render.XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	char *cmd;
	assert_true(asprintf(&cmd, "python3 -c '%s' < %s", script, path) > 0);
	int rc = system(cmd);
	free(cmd);
	unlink(path);
	return rc == 0;
}

static void test_json(void **state)
{
	(void)state;
	char *s = render(SCORECARD_JSON);
	assert_int_equal(s[0], '{');
	assert_int_equal(s[strlen(s) - 1], '\n');
	assert_non_null(strstr(s, "\"rule\":{\"green_mean\":\"1.5\",\"red_mean\":\"0.75\""));
	assert_non_null(strstr(s, "\"review_ref\":null"));
	int ok = python_accepts(
	    "import json,sys\n"
	    "d = json.load(sys.stdin)\n"
	    "assert d[\"year\"] == \"2009/10\" and d[\"set\"].startswith(\"Balanced\")\n"
	    "assert [i[\"code\"] for i in d[\"indicators\"]] == [\"QOF01\", \"PRS02\", \"PH03\"]\n"
	    "assert d[\"indicators\"][1][\"bands\"] == \"green 0.8 or less, amber 0.95 or less, "
	    "otherwise red\"\n"
	    "assert len(d[\"rows\"]) == 5 and d[\"rows\"][2][\"review_ref\"] is None\n"
	    "assert d[\"rows\"][1][\"cells\"][1][\"not_available\"].startswith(\"system\")\n"
	    "assert d[\"rows\"][1][\"overridden\"] is True\n",
	    s);
	if (ok < 0)
		print_message("python3 not installed: JSON parsed only by the checks above\n");
	else
		assert_int_equal(ok, 1);
	free(s);
}

static void test_html(void **state)
{
	(void)state;
	char *s = render(SCORECARD_HTML);
	assert_int_equal(strncmp(s, "<!DOCTYPE html>", 15), 0);
	assert_non_null(strstr(s, "</html>\n"));
	/* Self-contained: nothing to fetch, nothing to run. */
	static const char *const external[] = {"http://", "https://", "src=",  "href=", "url(",
					       "@import", "<script",  "<link", "<img",	"<iframe"};
	for (size_t i = 0; i < sizeof external / sizeof external[0]; i++)
		if (strstr(s, external[i]) != NULL)
			fail_msg("the HTML holds %s", external[i]);
	/* Escaped user text. */
	assert_non_null(strstr(s, "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Partners"));
	assert_non_null(strstr(s, "Flu immunisation &lt;65 &amp; &quot;at risk&quot;&gt;"));
	assert_non_null(strstr(s, "O&#39;Brien, Shah &amp; Co\xef\xbf\xbd"));
	assert_null(strstr(s, "\xff"));
	/* Traffic lights with their letters, the gap, the override. */
	assert_non_null(strstr(s, "<td class=\"g\">96.5<i>G</i></td>"));
	assert_non_null(strstr(s, "<td class=\"a\">0.9<i>A</i></td>"));
	assert_non_null(strstr(s, "<td class=\"r\">68.2<i>R</i></td>"));
	assert_non_null(strstr(s, "No annual review for 2009/10"));
	assert_non_null(strstr(s, "override; computed green"));
	assert_non_null(strstr(s, "+ mid-year follow-up"));
	/* Legend: every indicator's bands in words, the rule, the set. */
	assert_non_null(strstr(s, "<h2>Key</h2>"));
	assert_non_null(strstr(s, "green 95 or more, amber 85 or more, otherwise red"));
	assert_non_null(strstr(s, "green 0.8 or less, amber 0.95 or less, otherwise red"));
	assert_non_null(strstr(s, "weighted mean 1.5 or more: green, below 0.75: red"));
	assert_non_null(strstr(s, "Balanced Scorecard 2009/10 &lt;draft &amp; final&gt;"));
	assert_non_null(strstr(s, "2010-05-14 09:30 UTC"));
	assert_non_null(strstr(s, "none (every practice)"));
	/* Print: A4 landscape, header repeated, rows kept whole. */
	assert_non_null(strstr(s, "@page{size:A4 landscape"));
	assert_non_null(strstr(s, "@media print"));
	assert_non_null(strstr(s, "thead{display:table-header-group}"));
	assert_non_null(strstr(s, "break-inside:avoid"));
	assert_int_equal(count(s, "<tr><th scope=\"row\" class=\"p\">"), N_ROWS);
	free(s);
}

static void test_filters_shown(void **state)
{
	(void)state;
	fx.report.site = "NORTH";
	fx.report.type = "gms";
	char *s = render(SCORECARD_HTML);
	assert_non_null(strstr(s, "site NORTH, type gms"));
	free(s);
	s = render(SCORECARD_JSON);
	assert_non_null(strstr(s, "\"filters\":{\"site\":\"NORTH\",\"type\":\"gms\"}"));
	free(s);
	fx.report.site = "";
	fx.report.type = "";
}

/* A server that sent fewer cells than indicators, or no set: nothing
 * crashes, missing cells are empty. */
static void test_short_rows(void **state)
{
	(void)state;
	fx.row[0].n_cells = 1;
	for (int f = SCORECARD_TABLE; f <= SCORECARD_HTML; f++)
		free(render((enum scorecard_format)f));
	fx.row[0].n_cells = N_IND;
	fx.report.set = NULL;
	for (int f = SCORECARD_TABLE; f <= SCORECARD_HTML; f++)
		free(render((enum scorecard_format)f));
	fx.report.set = &fx.set;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_html_escape),
	    cmocka_unit_test(test_csv_quoting),
	    cmocka_unit_test(test_csv_formula_guard),
	    cmocka_unit_test(test_is_decimal),
	    cmocka_unit_test(test_format_parse),
	    cmocka_unit_test(test_bands_match_server),
	    cmocka_unit_test_setup(test_table, fixture_setup),
	    cmocka_unit_test_setup(test_csv, fixture_setup),
	    cmocka_unit_test_setup(test_json, fixture_setup),
	    cmocka_unit_test_setup(test_html, fixture_setup),
	    cmocka_unit_test_setup(test_filters_shown, fixture_setup),
	    cmocka_unit_test_setup(test_short_rows, fixture_setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
