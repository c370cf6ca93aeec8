/*
 * The scorecard's renderings (scorecard_render.h).
 *
 * Shapes shared by all four: one row per practice in the order the server
 * sent (ODS order), one column per indicator of the set in set order, then
 * the overall RAG in force and the next visit type. A practice without an
 * annual review that year keeps its row, marked as a gap. A cell is a
 * value with its RAG, "not available" (with the reason where the format
 * has room), or nothing recorded. The overall RAG is provisional until the
 * review is finalised, and a reviewer's override is marked as one.
 *
 * The HTML page is one file that needs nothing else: inline CSS, no
 * scripts, no images, no fonts or links to fetch, so it can be mailed or
 * archived and opens the same anywhere. Colour is never the only signal:
 * every RAG cell also carries its letter (G, A, R) or word, so the page
 * reads in greyscale print. It prints on A4 landscape with the table
 * header repeated on every page and no row split across pages.
 */
#include "scorecard_render.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "cli_columns.h"
#include "cli_json.h"
#include "xmalloc.h"

int scorecard_format_parse(const char *s)
{
	static const char *const names[] = {
	    [SCORECARD_TABLE] = "table",
	    [SCORECARD_CSV] = "csv",
	    [SCORECARD_JSON] = "json",
	    [SCORECARD_HTML] = "html",
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (s != NULL && strcmp(s, names[i]) == 0)
			return (int)i;
	return -1;
}

/* --- the report's facts ------------------------------------------------------ */

static const Assure__IndicatorSet *set_of(const struct scorecard_report *r)
{
	static const Assure__IndicatorSet none = ASSURE__INDICATOR_SET__INIT;
	return r->set != NULL ? r->set : &none;
}

static size_t n_indicators(const struct scorecard_report *r)
{
	return set_of(r)->n_indicators;
}

static const Assure__Indicator *indicator_at(const struct scorecard_report *r, size_t k)
{
	static const Assure__Indicator none = ASSURE__INDICATOR__INIT;
	const Assure__Indicator *ind = set_of(r)->indicators[k];
	return ind != NULL ? ind : &none;
}

/* Cell k of a row; an empty one when the server sent fewer. */
static const Assure__ScorecardCell *cell_at(const Assure__ScorecardRow *row, size_t k)
{
	static const Assure__ScorecardCell none = ASSURE__SCORECARD_CELL__INIT;
	return k < row->n_cells && row->cells[k] != NULL ? row->cells[k] : &none;
}

static int has_review(const Assure__ScorecardRow *row)
{
	return *cli_str(row->review_ref) != '\0';
}

static int is_finalised(const Assure__ScorecardRow *row)
{
	return strcmp(cli_str(row->state), "finalised") == 0;
}

/* 'G', 'A', 'R', or 0 for anything else. */
static char rag_letter(const char *rag)
{
	rag = cli_str(rag);
	if (strcmp(rag, "green") == 0)
		return 'G';
	if (strcmp(rag, "amber") == 0)
		return 'A';
	if (strcmp(rag, "red") == 0)
		return 'R';
	return 0;
}

/* The CSS class of a RAG: "g", "a", "r", or "" for none. */
static const char *rag_class(const char *rag)
{
	switch (rag_letter(rag)) {
	case 'G':
		return "g";
	case 'A':
		return "a";
	case 'R':
		return "r";
	default:
		return "";
	}
}

enum cell_kind { CELL_NONE, CELL_VALUE, CELL_NOT_AVAILABLE };

static enum cell_kind cell_kind(const Assure__ScorecardCell *c)
{
	if (*cli_str(c->value) != '\0')
		return CELL_VALUE;
	if (*cli_str(c->not_available) != '\0')
		return CELL_NOT_AVAILABLE;
	return CELL_NONE;
}

/* Visit titles (DOMAIN.md "Next visit type"), the same words as the
 * server's domain_review_visit_title. */
static const char *visit_title(const char *v)
{
	v = cli_str(v);
	if (strcmp(v, "desktop") == 0)
		return "desktop review with a light-touch visit";
	if (strcmp(v, "standard") == 0)
		return "standard annual visit";
	if (strcmp(v, "full") == 0)
		return "full contract visit";
	return v;
}

struct tally {
	size_t rows, reviews, finalised, gaps, green, amber, red, unscored, overridden, follow_up,
	    not_available;
};

static struct tally tally_of(const struct scorecard_report *r)
{
	struct tally t = {0};
	t.rows = r->n_rows;
	for (size_t i = 0; i < r->n_rows; i++) {
		const Assure__ScorecardRow *row = r->rows[i];
		if (!has_review(row)) {
			t.gaps++;
			continue;
		}
		t.reviews++;
		t.finalised += is_finalised(row);
		t.overridden += row->overridden != 0;
		t.follow_up += row->mid_year_follow_up != 0;
		switch (rag_letter(row->rag)) {
		case 'G':
			t.green++;
			break;
		case 'A':
			t.amber++;
			break;
		case 'R':
			t.red++;
			break;
		default:
			t.unscored++;
		}
		for (size_t k = 0; k < n_indicators(r); k++)
			t.not_available += cell_kind(cell_at(row, k)) == CELL_NOT_AVAILABLE;
	}
	return t;
}

char *scorecard_bands(const Assure__Indicator *ind, char *buf, size_t size)
{
	const char *g = cli_str(ind->green), *a = cli_str(ind->amber);
	const char *side = strcmp(cli_str(ind->direction), "lower") == 0 ? "or less" : "or more";
	if (strcmp(g, a) == 0)
		snprintf(buf, size, "green %s %s, otherwise red (no amber band)", g, side);
	else
		snprintf(buf, size, "green %s %s, amber %s %s, otherwise red", g, side, a, side);
	return buf;
}

char *scorecard_rule_text(const Assure__IndicatorSet *set)
{
	return xasprintf("scores green 2, amber 1, red 0; weighted mean %s or more: green, "
			 "below %s: red, otherwise amber; any critical indicator red: red; any "
			 "contractual requirement not met: at most amber; indicators not "
			 "available are left out of the mean",
			 *cli_str(set->green_mean) ? set->green_mean : "1.5",
			 *cli_str(set->red_mean) ? set->red_mean : "0.75");
}

/* "2010-05-14 09:30 UTC" for people; "never" for 0. */
static void format_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		snprintf(buf, size, "never");
}

/* "site NORTH, type gms" or "none (every practice)". Caller frees. */
static char *filters_text(const struct scorecard_report *r)
{
	const char *site = cli_str(r->site), *type = cli_str(r->type);
	if (!*site && !*type)
		return xstrdup("none (every practice)");
	return xasprintf("%s%s%s%s%s", *site ? "site " : "", site, *site && *type ? ", " : "",
			 *type ? "type " : "", type);
}

/* --- table ----------------------------------------------------------------------- */

static void say(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	char *shown = cli_printable(s);
	fprintf(out, "%s\n", shown);
	free(shown);
	free(s);
}

void scorecard_render_table(FILE *out, const struct scorecard_report *r)
{
	const Assure__IndicatorSet *set = set_of(r);
	size_t n = n_indicators(r);
	struct tally t = tally_of(r);
	char when[40], published[40];
	format_time(r->generated_at, when, sizeof when);
	format_time(set->published_at, published, sizeof published);
	char *rule = scorecard_rule_text(set);
	char *filters = filters_text(r);
	say(out,
	    "Balanced Scorecard %s: indicator set %s (%s %s by %s, version %" PRIu64
	    "), %zu indicators",
	    cli_str(r->year), cli_str(set->name), cli_str(set->state), published,
	    *cli_str(set->published_by) ? set->published_by : "-", set->version, n);
	say(out, "Overall rule: %s", rule);
	say(out,
	    "Filters: %s. Practices: %zu (%zu with an annual review, %zu finalised, %zu without)."
	    " Generated %s.",
	    filters, t.rows, t.reviews, t.finalised, t.gaps, when);
	fputc('\n', out);
	free(rule);
	free(filters);

	size_t ncols = 6 + n + 2;
	const char **headers = xcalloc(ncols, sizeof *headers);
	size_t h = 0;
	headers[h++] = "ODS";
	headers[h++] = "PRACTICE";
	headers[h++] = "TYPE";
	headers[h++] = "SITE";
	headers[h++] = "REVIEW";
	headers[h++] = "STATE";
	for (size_t k = 0; k < n; k++)
		headers[h++] = cli_str(indicator_at(r, k)->code);
	headers[h++] = "RAG";
	headers[h++] = "NEXT-VISIT";
	struct cli_columns *c = cli_columns_new(headers, ncols);
	char **cells = xcalloc(ncols, sizeof *cells);
	for (size_t i = 0; i < r->n_rows; i++) {
		const Assure__ScorecardRow *row = r->rows[i];
		size_t x = 0;
		cells[x++] = xstrdup(cli_str(row->ods));
		cells[x++] = xstrdup(cli_str(row->practice));
		cells[x++] = xstrdup(cli_str(row->contract_type));
		cells[x++] = xstrdup(cli_str(row->site));
		int reviewed = has_review(row);
		cells[x++] = xstrdup(reviewed ? row->review_ref : "-");
		cells[x++] = xstrdup(reviewed ? cli_str(row->state) : "no review");
		for (size_t k = 0; k < n; k++) {
			const Assure__ScorecardCell *cell = cell_at(row, k);
			switch (reviewed ? cell_kind(cell) : CELL_NONE) {
			case CELL_VALUE: {
				char l = rag_letter(cell->rag);
				cells[x++] =
				    l ? xasprintf("%s %c", cell->value, l) : xstrdup(cell->value);
				break;
			}
			case CELL_NOT_AVAILABLE:
				cells[x++] = xstrdup("n/a");
				break;
			default:
				cells[x++] = xstrdup(reviewed ? "-" : "");
			}
		}
		const char *rag = cli_str(row->rag);
		cells[x++] = !reviewed || !*rag
				 ? xstrdup("-")
				 : xasprintf("%s%s", rag, row->overridden ? "*" : "");
		const char *visit = cli_str(row->visit_type);
		cells[x++] = !*visit ? xstrdup("-")
				     : xasprintf("%s%s", visit,
						 row->mid_year_follow_up ? " + mid-year" : "");
		cli_columns_add(c, (const char *const *)cells);
		for (size_t k = 0; k < ncols; k++) {
			free(cells[k]);
			cells[k] = NULL;
		}
	}
	free(cells);
	cli_columns_print(c, out);
	cli_columns_free(c);
	free(headers);
	fputc('\n', out);
	say(out, "Cells: value and G (green), A (amber) or R (red); n/a not available; - nothing"
		 " recorded. RAG: the result in force, provisional until finalised; * a"
		 " reviewer's override. NEXT-VISIT once finalised.");
	say(out,
	    "Results: %zu green, %zu amber, %zu red, %zu without a result; %zu overridden;"
	    " %zu with a mid-year follow-up.",
	    t.green, t.amber, t.red, t.unscored, t.overridden, t.follow_up);
}

/* --- CSV ---------------------------------------------------------------------------- */

/* Writes s[0..n) with each byte sequence that is not UTF-8 as U+FFFD.
 * esc (may be NULL) handles the ASCII bytes. */
static void write_utf8(FILE *out, const char *s, void (*esc)(FILE *, unsigned char))
{
	const unsigned char *p = (const unsigned char *)cli_str(s);
	size_t n = strlen((const char *)p);
	for (size_t i = 0; i < n;) {
		if (p[i] >= 0x80) {
			size_t len = cli_utf8_valid_len(p + i, n - i);
			if (len == 0) {
				fputs("\xef\xbf\xbd", out);
				i++;
			} else {
				fwrite(p + i, 1, len, out);
				i += len;
			}
			continue;
		}
		if (esc != NULL)
			esc(out, p[i]);
		else
			fputc(p[i], out);
		i++;
	}
}

static void csv_byte(FILE *out, unsigned char c)
{
	if (c == '"')
		fputs("\"\"", out);
	else
		fputc(c, out);
}

void scorecard_csv_field(FILE *out, const char *s, int guard)
{
	s = cli_str(s);
	int formula =
	    guard && (*s == '=' || *s == '+' || *s == '-' || *s == '@' || *s == '\t' || *s == '\r');
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote)
		fputc('"', out);
	if (formula)
		fputc('\'', out);
	write_utf8(out, s, quote ? csv_byte : NULL);
	if (quote)
		fputc('"', out);
}

int scorecard_is_decimal(const char *s)
{
	s = cli_str(s);
	if (*s == '-')
		s++;
	if (!isdigit((unsigned char)*s))
		return 0;
	while (isdigit((unsigned char)*s))
		s++;
	if (*s == '.') {
		s++;
		if (!isdigit((unsigned char)*s))
			return 0;
		while (isdigit((unsigned char)*s))
			s++;
	}
	return *s == '\0';
}

/* A value the server computed: bare when it is a decimal (a spreadsheet
 * reads a number, "-1.5" included), otherwise guarded as text. */
static void csv_value(FILE *out, const char *s)
{
	if (scorecard_is_decimal(s))
		fputs(s, out);
	else
		scorecard_csv_field(out, s, 1);
}

static void csv_sep(FILE *out)
{
	fputc(',', out);
}

void scorecard_render_csv(FILE *out, const struct scorecard_report *r)
{
	size_t n = n_indicators(r);
	static const char *const head[] = {"ods",  "practice",	 "contract_type",
					   "site", "review_ref", "state"};
	for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) {
		if (i)
			csv_sep(out);
		fputs(head[i], out);
	}
	for (size_t k = 0; k < n; k++) {
		const char *code = cli_str(indicator_at(r, k)->code);
		char *rag = xasprintf("%s rag", code);
		csv_sep(out);
		scorecard_csv_field(out, code, 1);
		csv_sep(out);
		scorecard_csv_field(out, rag, 1);
		free(rag);
	}
	fputs(",rag,computed_rag,overridden,next_visit_type,mid_year_follow_up,not_available\r\n",
	      out);

	for (size_t i = 0; i < r->n_rows; i++) {
		const Assure__ScorecardRow *row = r->rows[i];
		const char *text[] = {row->ods,	 row->practice,	  row->contract_type,
				      row->site, row->review_ref, row->state};
		for (size_t j = 0; j < sizeof text / sizeof text[0]; j++) {
			if (j)
				csv_sep(out);
			scorecard_csv_field(out, text[j], 1);
		}
		/* The reasons of the cells not available, as "CODE: reason; ...". */
		char *reasons = xstrdup("");
		for (size_t k = 0; k < n; k++) {
			const Assure__ScorecardCell *cell = cell_at(row, k);
			csv_sep(out);
			switch (cell_kind(cell)) {
			case CELL_VALUE:
				csv_value(out, cell->value);
				csv_sep(out);
				scorecard_csv_field(out, cell->rag, 1);
				break;
			case CELL_NOT_AVAILABLE: {
				csv_sep(out);
				fputs("n/a", out);
				char *more = xasprintf("%s%s%s: %s", reasons, *reasons ? "; " : "",
						       cli_str(indicator_at(r, k)->code),
						       cell->not_available);
				free(reasons);
				reasons = more;
				break;
			}
			default:
				csv_sep(out);
			}
		}
		csv_sep(out);
		scorecard_csv_field(out, row->rag, 1);
		csv_sep(out);
		scorecard_csv_field(out, row->computed_rag, 1);
		fputs(row->overridden ? ",yes," : ",no,", out);
		scorecard_csv_field(out, row->visit_type, 1);
		fputs(row->mid_year_follow_up ? ",yes," : ",no,", out);
		scorecard_csv_field(out, reasons, 1);
		fputs("\r\n", out);
		free(reasons);
	}
}

/* --- JSON ---------------------------------------------------------------------------- */

/* A string member, or null for "". */
static void json_opt(struct cli_json *j, const char *key, const char *s)
{
	if (*cli_str(s))
		cli_json_field_string(j, key, s);
	else {
		cli_json_key(j, key);
		cli_json_null(j);
	}
}

void scorecard_render_json(FILE *out, const struct scorecard_report *r)
{
	const Assure__IndicatorSet *set = set_of(r);
	size_t n = n_indicators(r);
	struct cli_json j;
	cli_json_init(&j, out);
	cli_json_object_begin(&j);
	cli_json_field_string(&j, "year", cli_str(r->year));
	cli_json_field_time(&j, "generated_at", r->generated_at);
	cli_json_key(&j, "filters");
	cli_json_object_begin(&j);
	json_opt(&j, "site", r->site);
	json_opt(&j, "type", r->type);
	cli_json_object_end(&j);

	cli_json_field_string(&j, "set", cli_str(set->name));
	cli_json_key(&j, "set_detail");
	cli_json_object_begin(&j);
	cli_json_field_string(&j, "name", cli_str(set->name));
	cli_json_field_string(&j, "year", cli_str(set->year));
	cli_json_field_string(&j, "state", cli_str(set->state));
	json_opt(&j, "from_set", set->from_set);
	cli_json_field_time(&j, "published_at", set->published_at);
	json_opt(&j, "published_by", set->published_by);
	cli_json_field_uint(&j, "version", set->version);
	cli_json_object_end(&j);

	char *rule = scorecard_rule_text(set);
	cli_json_key(&j, "rule");
	cli_json_object_begin(&j);
	cli_json_field_string(&j, "green_mean", cli_str(set->green_mean));
	cli_json_field_string(&j, "red_mean", cli_str(set->red_mean));
	cli_json_field_string(&j, "text", rule);
	cli_json_object_end(&j);
	free(rule);

	cli_json_key(&j, "indicators");
	cli_json_array_begin(&j);
	for (size_t k = 0; k < n; k++) {
		const Assure__Indicator *ind = indicator_at(r, k);
		char bands[SCORECARD_BANDS_BUFSZ];
		cli_json_object_begin(&j);
		cli_json_field_string(&j, "code", cli_str(ind->code));
		cli_json_field_string(&j, "name", cli_str(ind->name));
		cli_json_field_string(&j, "domain", cli_str(ind->domain));
		cli_json_field_string(&j, "unit", cli_str(ind->unit));
		cli_json_field_string(&j, "direction", cli_str(ind->direction));
		cli_json_field_string(&j, "green", cli_str(ind->green));
		cli_json_field_string(&j, "amber", cli_str(ind->amber));
		cli_json_field_string(&j, "weight", cli_str(ind->weight));
		cli_json_field_bool(&j, "critical", ind->critical);
		cli_json_field_uint(&j, "position", ind->position);
		cli_json_field_string(&j, "bands", scorecard_bands(ind, bands, sizeof bands));
		cli_json_object_end(&j);
	}
	cli_json_array_end(&j);

	cli_json_field_uint(&j, "total_rows", r->n_rows);
	cli_json_key(&j, "rows");
	cli_json_array_begin(&j);
	for (size_t i = 0; i < r->n_rows; i++) {
		const Assure__ScorecardRow *row = r->rows[i];
		cli_json_object_begin(&j);
		cli_json_field_string(&j, "ods", cli_str(row->ods));
		cli_json_field_string(&j, "practice", cli_str(row->practice));
		cli_json_field_string(&j, "contract_type", cli_str(row->contract_type));
		cli_json_field_string(&j, "site", cli_str(row->site));
		json_opt(&j, "review_ref", row->review_ref);
		json_opt(&j, "state", row->state);
		json_opt(&j, "rag", row->rag);
		json_opt(&j, "computed_rag", row->computed_rag);
		cli_json_field_bool(&j, "overridden", row->overridden);
		json_opt(&j, "next_visit_type", row->visit_type);
		cli_json_field_bool(&j, "mid_year_follow_up", row->mid_year_follow_up);
		cli_json_key(&j, "cells");
		cli_json_array_begin(&j);
		for (size_t k = 0; k < n; k++) {
			const Assure__ScorecardCell *cell = cell_at(row, k);
			cli_json_object_begin(&j);
			cli_json_field_string(&j, "code", cli_str(indicator_at(r, k)->code));
			json_opt(&j, "value", cell->value);
			json_opt(&j, "rag", cell->rag);
			json_opt(&j, "not_available", cell->not_available);
			cli_json_object_end(&j);
		}
		cli_json_array_end(&j);
		cli_json_object_end(&j);
	}
	cli_json_array_end(&j);
	cli_json_object_end(&j);
}

/* --- HTML ---------------------------------------------------------------------------- */

static void html_byte(FILE *out, unsigned char c)
{
	switch (c) {
	case '&':
		fputs("&amp;", out);
		break;
	case '<':
		fputs("&lt;", out);
		break;
	case '>':
		fputs("&gt;", out);
		break;
	case '"':
		fputs("&quot;", out);
		break;
	case '\'':
		fputs("&#39;", out);
		break;
	default:
		if (c < 0x20 || c == 0x7f)
			fputs("\xef\xbf\xbd", out);
		else
			fputc(c, out);
	}
}

void scorecard_html_text(FILE *out, const char *s)
{
	write_utf8(out, s, html_byte);
}

/* Plain ASCII upper case of a short code ("gms" -> "GMS"), escaped. */
static void html_upper(FILE *out, const char *s)
{
	char buf[32];
	size_t i = 0;
	for (s = cli_str(s); *s && i + 1 < sizeof buf; s++)
		buf[i++] = (char)toupper((unsigned char)*s);
	buf[i] = '\0';
	scorecard_html_text(out, buf);
}

/* The page's style. Colours: green, amber and red backgrounds light enough
 * for dark text, each with its letter or word beside the value, so nothing
 * depends on colour alone (greyscale print, colour blindness). */
static const char html_css[] =
    "@page{size:A4 landscape;margin:10mm}"
    "*{box-sizing:border-box}"
    "html{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "body{font:10pt/1.35 \"DejaVu Sans\",\"Liberation Sans\",Arial,Helvetica,sans-serif;"
    "color:#111;background:#fff;margin:16px}"
    "h1{font-size:15pt;margin:0 0 6px}"
    "h2{font-size:12pt;margin:14px 0 6px}"
    "table{border-collapse:collapse}"
    ".meta{margin:0 0 10px;font-size:9pt}"
    ".meta th{text-align:left;padding:1px 10px 1px 0;vertical-align:top;white-space:nowrap}"
    ".meta td{padding:1px 0}"
    ".sc{font-size:8pt}"
    ".sc th,.sc td{border:1px solid #777;padding:2px 3px;text-align:center;"
    "vertical-align:middle}"
    ".sc thead th{background:#e4e4e4;font-weight:bold}"
    ".sc thead{display:table-header-group}"
    ".sc tr{break-inside:avoid;page-break-inside:avoid}"
    ".sc th.i{vertical-align:bottom;padding:4px 1px}"
    ".sc th.i span{writing-mode:vertical-rl;transform:rotate(180deg);white-space:nowrap}"
    ".sc th.i b.c{display:block;margin-top:2px}"
    ".sc th.p{text-align:left;font-weight:normal;min-width:14em;max-width:26em}"
    ".sc th.p b{font-family:\"DejaVu Sans Mono\",monospace}"
    ".sc small{display:block;font-size:85%;color:#333}"
    ".sc td i,.key td i{display:block;font-style:normal;font-weight:bold}"
    ".g{background:#c6efce;color:#00451a}"
    ".a{background:#ffe08a;color:#4d3300}"
    ".r{background:#f7b2ba;color:#6b000d}"
    ".n{background:#e9e9e9;color:#333;font-style:italic}"
    ".m{color:#666}"
    ".gap{background:#f3f3f3;color:#333;font-style:italic;text-align:left!important}"
    ".o{font-weight:bold;white-space:nowrap;min-width:5.5em}"
    ".o small{font-weight:normal}"
    ".v{white-space:nowrap;min-width:5.5em}"
    ".key td,.ind td,.ind th{border:1px solid #999;padding:2px 6px;vertical-align:top}"
    ".key td:first-child{text-align:center;min-width:4em}"
    ".ind th{background:#e4e4e4;text-align:left}"
    ".ind{font-size:9pt}"
    ".legend p,.legend li{font-size:9pt;margin:3px 0}"
    "footer{margin-top:12px;font-size:8pt;color:#444}"
    "@media print{"
    "body{margin:0;font-size:8pt}"
    ".sc{font-size:7.5pt}"
    ".sc.wide{font-size:6.5pt}"
    ".sc th,.sc td{padding:1px 2px}"
    ".sc th.p{min-width:11em}"
    "h2{break-after:avoid;page-break-after:avoid}"
    ".legend{break-before:page;page-break-before:always}"
    ".key tr,.ind tr{break-inside:avoid;page-break-inside:avoid}"
    "}";

static void html_meta_row(FILE *out, const char *label, const char *value)
{
	fprintf(out, "<tr><th scope=\"row\">%s</th><td>", label);
	scorecard_html_text(out, value);
	fputs("</td></tr>\n", out);
}

static void html_value_cell(FILE *out, const Assure__ScorecardCell *cell,
			    const Assure__Indicator *ind)
{
	switch (cell_kind(cell)) {
	case CELL_VALUE: {
		char l = rag_letter(cell->rag);
		fprintf(out, "<td class=\"%s\">", rag_class(cell->rag));
		scorecard_html_text(out, cell->value);
		if (l)
			fprintf(out, "<i>%c</i>", l);
		fputs("</td>", out);
		break;
	}
	case CELL_NOT_AVAILABLE:
		fputs("<td class=\"n\" title=\"", out);
		scorecard_html_text(out, ind->code);
		fputs(" not available: ", out);
		scorecard_html_text(out, cell->not_available);
		fputs("\">n/a</td>", out);
		break;
	default:
		fputs("<td class=\"m\" title=\"nothing recorded\">&ndash;</td>", out);
	}
}

static void html_row(FILE *out, const struct scorecard_report *r, const Assure__ScorecardRow *row)
{
	size_t n = n_indicators(r);
	fputs("<tr><th scope=\"row\" class=\"p\"><b>", out);
	scorecard_html_text(out, row->ods);
	fputs("</b> ", out);
	scorecard_html_text(out, row->practice);
	fputs("<small>", out);
	html_upper(out, row->contract_type);
	fputs(" &middot; ", out);
	scorecard_html_text(out, row->site);
	if (has_review(row)) {
		fputs(" &middot; ", out);
		scorecard_html_text(out, row->review_ref);
		fputs(" &middot; ", out);
		scorecard_html_text(out, row->state);
	}
	fputs("</small></th>", out);
	if (!has_review(row)) {
		fprintf(out, "<td class=\"gap\" colspan=\"%zu\">No annual review for ", n + 2);
		scorecard_html_text(out, r->year);
		fputs("</td></tr>\n", out);
		return;
	}
	for (size_t k = 0; k < n; k++)
		html_value_cell(out, cell_at(row, k), indicator_at(r, k));

	const char *rag = cli_str(row->rag);
	if (*rag) {
		fprintf(out, "<td class=\"o %s\">", rag_class(rag));
		html_upper(out, rag);
	} else {
		fputs("<td class=\"o m\">no result", out);
	}
	if (row->overridden) {
		fputs("<small>override; computed ", out);
		scorecard_html_text(out, *cli_str(row->computed_rag) ? row->computed_rag : "none");
		fputs("</small>", out);
	}
	if (!is_finalised(row))
		fputs("<small>provisional</small>", out);
	fputs("</td>", out);

	const char *visit = cli_str(row->visit_type);
	if (*visit) {
		fputs("<td class=\"v\" title=\"", out);
		scorecard_html_text(out, visit_title(visit));
		fputs("\">", out);
		html_upper(out, visit);
		if (row->mid_year_follow_up)
			fputs("<small>+ mid-year follow-up</small>", out);
		fputs("</td>", out);
	} else {
		fputs("<td class=\"v m\" title=\"set when the review is finalised\">&ndash;</td>",
		      out);
	}
	fputs("</tr>\n", out);
}

static void html_legend(FILE *out, const struct scorecard_report *r, const struct tally *t)
{
	const Assure__IndicatorSet *set = set_of(r);
	size_t n = n_indicators(r);
	fputs("<section class=\"legend\">\n<h2>Key</h2>\n<table class=\"key\">\n", out);
	fputs("<tr><td class=\"g\">72.5<i>G</i></td><td>green: the value meets the indicator's "
	      "green threshold</td></tr>\n"
	      "<tr><td class=\"a\">64<i>A</i></td><td>amber: it meets the amber threshold but "
	      "not the green one</td></tr>\n"
	      "<tr><td class=\"r\">41<i>R</i></td><td>red: it meets neither threshold</td></tr>\n"
	      "<tr><td class=\"n\">n/a</td><td>marked not available, with a reason (listed "
	      "below); left out of the overall mean</td></tr>\n"
	      "<tr><td class=\"m\">&ndash;</td><td>nothing recorded yet</td></tr>\n"
	      "<tr><td class=\"gap\">No annual review</td><td>the practice has no annual review "
	      "for the year: a gap to follow up</td></tr>\n"
	      "<tr><td>&dagger;</td><td>a critical indicator: red here makes the overall result "
	      "red</td></tr>\n</table>\n",
	      out);

	char *rule = scorecard_rule_text(set);
	fputs("<h2>Overall result and next visit</h2>\n<p>Overall RAG, by the rule of the set "
	      "&ldquo;",
	      out);
	scorecard_html_text(out, set->name);
	fputs("&rdquo;: ", out);
	scorecard_html_text(out, rule);
	fputs(". A reviewer may override the result with a recorded reason (marked "
	      "&ldquo;override&rdquo;, with the computed result). The result is provisional "
	      "until the review is finalised.</p>\n<p>Next visit, fixed when the review is "
	      "finalised: GREEN &rarr; DESKTOP (desktop review with a light-touch visit); AMBER "
	      "&rarr; STANDARD (standard annual visit); RED &rarr; FULL (full contract visit with "
	      "a mid-year follow-up).</p>\n",
	      out);
	free(rule);

	fputs("<h2>Indicators</h2>\n<table class=\"ind\">\n<thead><tr><th>Code</th><th>Indicator"
	      "</th><th>Domain</th><th>Unit</th><th>Better</th><th>Thresholds</th><th>Weight</th>"
	      "<th>Critical</th></tr></thead>\n<tbody>\n",
	      out);
	for (size_t k = 0; k < n; k++) {
		const Assure__Indicator *ind = indicator_at(r, k);
		char bands[SCORECARD_BANDS_BUFSZ];
		const char *cells[] = {ind->code,      ind->name,
				       ind->domain,    ind->unit,
				       ind->direction, scorecard_bands(ind, bands, sizeof bands),
				       ind->weight,    ind->critical ? "yes" : "no"};
		fputs("<tr>", out);
		for (size_t c = 0; c < sizeof cells / sizeof cells[0]; c++) {
			fputs("<td>", out);
			scorecard_html_text(out, cells[c]);
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);

	if (t->not_available > 0) {
		fputs("<h2>Values not available</h2>\n<ul>\n", out);
		for (size_t i = 0; i < r->n_rows; i++) {
			const Assure__ScorecardRow *row = r->rows[i];
			if (!has_review(row))
				continue;
			for (size_t k = 0; k < n; k++) {
				const Assure__ScorecardCell *cell = cell_at(row, k);
				if (cell_kind(cell) != CELL_NOT_AVAILABLE)
					continue;
				fputs("<li>", out);
				scorecard_html_text(out, row->ods);
				fputs(" ", out);
				scorecard_html_text(out, row->practice);
				fputs(", ", out);
				scorecard_html_text(out, indicator_at(r, k)->code);
				fputs(": ", out);
				scorecard_html_text(out, cell->not_available);
				fputs("</li>\n", out);
			}
		}
		fputs("</ul>\n", out);
	}
	fputs("</section>\n", out);
}

void scorecard_render_html(FILE *out, const struct scorecard_report *r)
{
	const Assure__IndicatorSet *set = set_of(r);
	size_t n = n_indicators(r);
	struct tally t = tally_of(r);
	char when[40], published[40];
	format_time(r->generated_at, when, sizeof when);
	format_time(set->published_at, published, sizeof published);

	fputs("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
	      "Balanced Scorecard ",
	      out);
	scorecard_html_text(out, r->year);
	fputs(" &ndash; ", out);
	scorecard_html_text(out, set->name);
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Balanced Scorecard ",
		html_css);
	scorecard_html_text(out, r->year);
	fputs("</h1>\n<table class=\"meta\">\n", out);

	char *s = xasprintf("%s (%s %s by %s, version %" PRIu64 "; %zu indicators)",
			    cli_str(set->name), cli_str(set->state), published,
			    *cli_str(set->published_by) ? set->published_by : "-", set->version, n);
	html_meta_row(out, "Indicator set", s);
	free(s);
	s = scorecard_rule_text(set);
	html_meta_row(out, "Overall rule", s);
	free(s);
	s = filters_text(r);
	html_meta_row(out, "Filters", s);
	free(s);
	s = xasprintf("%zu: %zu with an annual review (%zu finalised), %zu without", t.rows,
		      t.reviews, t.finalised, t.gaps);
	html_meta_row(out, "Practices", s);
	free(s);
	s = xasprintf("%zu green, %zu amber, %zu red, %zu without a result; %zu overridden by a "
		      "reviewer; %zu with a mid-year follow-up",
		      t.green, t.amber, t.red, t.unscored, t.overridden, t.follow_up);
	html_meta_row(out, "Overall results", s);
	free(s);
	html_meta_row(out, "Generated", when);
	fputs("</table>\n", out);

	/* Many indicators: a smaller print font, so 30 fit across A4. */
	fprintf(out,
		"<table class=\"sc%s\">\n<thead><tr><th scope=\"col\" class=\"p\">Practice</th>",
		n > 12 ? " wide" : "");
	for (size_t k = 0; k < n; k++) {
		const Assure__Indicator *ind = indicator_at(r, k);
		fputs("<th scope=\"col\" class=\"i\" title=\"", out);
		scorecard_html_text(out, ind->name);
		fputs("\"><span>", out);
		scorecard_html_text(out, ind->code);
		fputs("</span>", out);
		if (ind->critical)
			fputs("<b class=\"c\" title=\"critical\">&dagger;</b>", out);
		fputs("</th>", out);
	}
	fputs("<th scope=\"col\">Overall</th><th scope=\"col\">Next visit</th></tr></thead>\n"
	      "<tbody>\n",
	      out);
	for (size_t i = 0; i < r->n_rows; i++)
		html_row(out, r, r->rows[i]);
	if (r->n_rows == 0)
		fprintf(out,
			"<tr><td colspan=\"%zu\" class=\"gap\">No practice matches the "
			"filters.</td></tr>\n",
			n + 3);
	fputs("</tbody>\n</table>\n", out);

	html_legend(out, r, &t);
	fputs("<footer>Generated ", out);
	scorecard_html_text(out, when);
	fputs(" by assure from the indicator set &ldquo;", out);
	scorecard_html_text(out, set->name);
	fputs("&rdquo;. Contains review content: handle as the PCT's information governance "
	      "policy requires.</footer>\n</body>\n</html>\n",
	      out);
}

void scorecard_render(FILE *out, enum scorecard_format f, const struct scorecard_report *r)
{
	switch (f) {
	case SCORECARD_CSV:
		scorecard_render_csv(out, r);
		break;
	case SCORECARD_JSON:
		scorecard_render_json(out, r);
		break;
	case SCORECARD_HTML:
		scorecard_render_html(out, r);
		break;
	default:
		scorecard_render_table(out, r);
	}
}
