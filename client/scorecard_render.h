/*
 * The scorecard report's four renderings (DOMAIN.md "Scorecard report";
 * docs/CLI.md "assure scorecard"): an aligned table, CSV, one JSON document
 * and a self-contained HTML page. Pure functions over the rows of every
 * page the server sent, collected by `assure scorecard`; they write to a
 * FILE and touch nothing else, so the unit tests render into memory.
 *
 * Everything in a report came from the server, and much of it is user
 * text (practice names, not-available reasons, set and indicator names):
 * each format escapes it for where it goes. The table shows control
 * characters as '?'; CSV quotes by RFC 4180 and guards against formula
 * injection; JSON escapes by RFC 8259; HTML escapes every text and
 * attribute value. Bytes that are not UTF-8 become U+FFFD in CSV, JSON and
 * HTML.
 */
#ifndef ASSURE_SCORECARD_RENDER_H
#define ASSURE_SCORECARD_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "assure.pb-c.h"

enum scorecard_format {
	SCORECARD_TABLE,
	SCORECARD_CSV,
	SCORECARD_JSON,
	SCORECARD_HTML,
};

/* "table", "csv", "json", "html" -> the format; -1 for anything else. */
int scorecard_format_parse(const char *s);

/* What a rendering shows. Borrowed: the caller keeps the pages alive. */
struct scorecard_report {
	const char *year;			 /* "2009/10", as asked */
	const char *site;			 /* the --site filter, or "" */
	const char *type;			 /* the --type filter, or "" */
	const Assure__IndicatorSet *set;	 /* from the first page, with its indicators */
	const Assure__ScorecardRow *const *rows; /* every page's rows, in order */
	size_t n_rows;
	int64_t generated_at; /* Unix seconds, shown as the generation time */
};

/* The report in a format. Write errors show up in ferror(out). */
void scorecard_render(FILE *out, enum scorecard_format f, const struct scorecard_report *r);
void scorecard_render_table(FILE *out, const struct scorecard_report *r);
void scorecard_render_csv(FILE *out, const struct scorecard_report *r);
void scorecard_render_json(FILE *out, const struct scorecard_report *r);
void scorecard_render_html(FILE *out, const struct scorecard_report *r);

/* --- the pieces, for the tests -------------------------------------------- */

/* s escaped for HTML text and attribute values (& < > " ' as entities);
 * control characters and bytes that are not UTF-8 as U+FFFD. */
void scorecard_html_text(FILE *out, const char *s);

/*
 * One CSV field by RFC 4180: quoted when it holds a comma, a quote, CR or
 * LF (quotes doubled). With guard set (text a user typed), a field that a
 * spreadsheet would run as a formula, one starting with = + - @ tab or CR,
 * gets a single quote in front. Bytes that are not UTF-8 become U+FFFD;
 * other control characters are kept inside the quotes.
 */
void scorecard_csv_field(FILE *out, const char *s, int guard);

/* 1 when s is a decimal as the server writes them (^-?[0-9]+(\.[0-9]+)?$):
 * CSV writes such values bare, so spreadsheets read numbers. */
int scorecard_is_decimal(const char *s);

/* An indicator's bands in words: "green 80 or more, amber 70 or more,
 * otherwise red" ("or less" when lower is better; "(no amber band)" when
 * the thresholds are equal). The same words as the server's
 * domain_review_indicator_bands, which the client cannot link (server/ is
 * not the client's to include); tests/unit/test_scorecard_render.c checks
 * the two agree. Writes into buf (SCORECARD_BANDS_BUFSZ is always enough)
 * and returns it. */
#define SCORECARD_BANDS_BUFSZ 112
char *scorecard_bands(const Assure__Indicator *ind, char *buf, size_t size);

/* A short description of the overall rule of the set, e.g. "weighted mean
 * of scores (green 2, amber 1, red 0) at 1.5 or more: green; below 0.75:
 * red; otherwise amber; any critical indicator red: red; any contractual
 * requirement not met: at most amber". Caller frees. */
char *scorecard_rule_text(const Assure__IndicatorSet *set);

#endif
