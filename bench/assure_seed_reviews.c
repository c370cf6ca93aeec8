/*
 * assure-seed-reviews: fills a database with one review year of contracts,
 * a published indicator set and annual reviews with their scores, for the
 * scorecard report at national scale (docs/BENCHMARKS.md "Scorecard at
 * national scale") and for the scorecard's integration test (which cannot
 * wait for the contract and review RPCs being written alongside it).
 *
 *   assure-seed-reviews --db PATH --year 2009/10 [--practices N]
 *                       [--indicators N] [--sites N] [--seed N] [--test-cases]
 *
 * Like assure-seed it writes straight into a database made by `assured
 * init` (schema 10 or later), with SQLite, while the server is stopped, in
 * one transaction, and bypasses the server on purpose (7,000 reviews of 30
 * scores each through audited RPCs would take longer than the measurement).
 * The rows it writes have NO audit records; never seed a real database.
 *
 * What it writes satisfies every CHECK, UNIQUE, trigger and foreign key of
 * migration 10 (foreign_keys is ON; PRAGMA foreign_key_check runs at the
 * end), and the results are the rules' own: each score's RAG is
 * domain_review_indicator_rag, each overall RAG and its derivation
 * domain_review_overall with the set's rule, the final RAG
 * domain_review_rag_effective and the next visit domain_review_next_visit.
 *  - sites: --sites of them (NORTH, SOUTH, EAST, WEST, CENTRAL, then
 *    SITE06 ...), made unless they exist;
 *  - the set "Balanced Scorecard YYYY/YY" with --indicators indicators in
 *    all eight domains, both directions, weights 0.5 to 3, every tenth
 *    critical; drafted, then published; and a draft set for the next year
 *    (a draft never counts as the year's set);
 *  - --practices contracts with ODS codes in a spread of letters, inserted
 *    in a shuffled order (so review ids do not follow ODS order, as in
 *    life), contract types and sites by position in ODS order (site =
 *    position mod --sites; every third pms, every 17th from the 6th apms,
 *    every 29th from the 8th pctms, the rest gms) so small test databases
 *    are predictable;
 *  - one annual review per contract for the year, except the contracts at
 *    positions 3 and 11 of every 100 in ODS order (gaps in the report). By
 *    position p mod 100: 7 is a draft (scored, not finalised), 19 scheduled
 *    (nothing recorded yet), 1 has a reviewer's override, 2 has one
 *    indicator marked not available; the rest are finalised. Values fall
 *    green, amber or red about 60/25/15 per cent of the time (critical
 *    indicators, every tenth, red 4 per cent); about 1 in 200 other values
 *    is not available. 7,000 practices x 30 indicators make 6,790 reviews
 *    with about 201,600 scores.
 *  - --test-cases: practice names that a report must escape (HTML tags,
 *    ampersands and quotes; CSV formulas starting = and @; commas) on the
 *    first four contracts in ODS order, and one contract more, last in ODS
 *    order, whose term starts after the year (so it is not in the year's
 *    report).
 * Checklist answers, SfBH results, QOF and action plans are not written:
 * the scorecard does not read them.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain_dates.h"
#include "domain_review.h"
#include "seed_names.h"

#define SEED_NAME "assure-seed-reviews"
#define SEED_BY "assure-seed"
#define SEED_MAX_PRACTICES 200000L
#define SEED_MAX_SITES 200L

/* ---- randomness (deterministic for a --seed) ------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static long rng_below(long n)
{
	return (long)(rng_next() % (uint64_t)n);
}

/* ---- the database --------------------------------------------------------- */

static sqlite3 *db;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, SEED_NAME ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (db != NULL)
		sqlite3_close(db);
	exit(1);
}

static void exec_sql(const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		die("%s: %s", sql, err ? err : sqlite3_errmsg(db));
}

static sqlite3_stmt *prep(const char *sql)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		die("prepare %s: %s", sql, sqlite3_errmsg(db));
	return st;
}

static int64_t query_int(const char *sql)
{
	sqlite3_stmt *st = prep(sql);
	if (sqlite3_step(st) != SQLITE_ROW)
		die("%s: %s", sql, sqlite3_errmsg(db));
	int64_t v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Binds by type letters (i int64, n int64 with 0 as NULL, t text with NULL
 * as NULL), steps to done, resets. Returns the last insert rowid. */
static int64_t run(sqlite3_stmt *st, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		if (types[i] == 'i') {
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
		} else if (types[i] == 'n') {
			int64_t v = va_arg(ap, int64_t);
			if (v == 0)
				sqlite3_bind_null(st, i + 1);
			else
				sqlite3_bind_int64(st, i + 1, v);
		} else {
			const char *s = va_arg(ap, const char *);
			if (s == NULL)
				sqlite3_bind_null(st, i + 1);
			else
				sqlite3_bind_text(st, i + 1, s, -1, SQLITE_TRANSIENT);
		}
	}
	va_end(ap);
	if (sqlite3_step(st) != SQLITE_DONE)
		die("insert: %s (%s)", sqlite3_errmsg(db), sqlite3_sql(st));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return sqlite3_last_insert_rowid(db);
}

static int64_t now_s;

/* ---- sites ------------------------------------------------------------------ */

static int64_t *seed_sites(long n)
{
	static const char *const names[] = {"NORTH", "SOUTH", "EAST", "WEST", "CENTRAL"};
	int64_t *ids = calloc((size_t)n, sizeof *ids);
	if (ids == NULL)
		die("out of memory");
	sqlite3_stmt *ins =
	    prep("INSERT OR IGNORE INTO sites (code, name, created_at) VALUES (?, ?, ?)");
	sqlite3_stmt *get = prep("SELECT id FROM sites WHERE code = ?");
	for (long i = 0; i < n; i++) {
		char code[16], name[64];
		if (i < 5)
			snprintf(code, sizeof code, "%s", names[i]);
		else
			snprintf(code, sizeof code, "SITE%02u", (unsigned)(i + 1) % 1000u);
		snprintf(name, sizeof name, "%c%s locality office", code[0], code + 1);
		run(ins, "tti", code, name, now_s * 1000);
		sqlite3_bind_text(get, 1, code, -1, SQLITE_STATIC);
		if (sqlite3_step(get) != SQLITE_ROW)
			die("site %s: %s", code, sqlite3_errmsg(db));
		ids[i] = sqlite3_column_int64(get, 0);
		sqlite3_reset(get);
	}
	sqlite3_finalize(ins);
	sqlite3_finalize(get);
	return ids;
}

/* ---- the indicator set ------------------------------------------------------- */

/* Templates the indicators are drawn from, in turn: realistic names,
 * units and thresholds for a 2009/10 PCT scorecard. */
struct template
{
	const char *prefix; /* code prefix */
	const char *name;
	enum indicator_domain domain;
	const char *unit;
	enum indicator_direction dir;
	const char *green, *amber; /* decimals as typed */
	const char *lo, *hi;	   /* the range values are drawn from */
};

static const struct template templates[] = {
    {"QOF", "QOF points achieved", INDICATOR_DOMAIN_QOF, "%", INDICATOR_HIGHER_IS_BETTER, "95",
     "85", "60", "100"},
    {"ACC", "Patients able to be seen within 48 hours", INDICATOR_DOMAIN_ACCESS, "%",
     INDICATOR_HIGHER_IS_BETTER, "85", "75", "50", "100"},
    {"PE", "Overall satisfaction with the practice", INDICATOR_DOMAIN_PATIENT_EXPERIENCE, "%",
     INDICATOR_HIGHER_IS_BETTER, "85", "78", "55", "100"},
    {"PRS", "Antibacterial items per STAR-PU", INDICATOR_DOMAIN_PRESCRIBING, "items",
     INDICATOR_LOWER_IS_BETTER, "0.8", "0.95", "0.4", "1.5"},
    {"PH", "Influenza immunisation, patients 65 and over", INDICATOR_DOMAIN_PUBLIC_HEALTH, "%",
     INDICATOR_HIGHER_IS_BETTER, "75", "70", "45", "95"},
    {"CON", "Contractual requirements met", INDICATOR_DOMAIN_CONTRACTUAL, "%",
     INDICATOR_HIGHER_IS_BETTER, "100", "90", "60", "100"},
    {"REF", "Outpatient referrals per 1,000 patients", INDICATOR_DOMAIN_REFERRALS, "per 1,000",
     INDICATOR_LOWER_IS_BETTER, "110", "130", "70", "190"},
    {"WF", "Clinical staff with a current appraisal", INDICATOR_DOMAIN_WORKFORCE, "%",
     INDICATOR_HIGHER_IS_BETTER, "100", "80", "40", "100"},
    {"QOF", "Exception reporting rate", INDICATOR_DOMAIN_QOF, "%", INDICATOR_LOWER_IS_BETTER, "6",
     "9", "1", "20"},
    {"ACC", "Patients able to book ahead", INDICATOR_DOMAIN_ACCESS, "%", INDICATOR_HIGHER_IS_BETTER,
     "75", "65", "35", "98"},
    {"PE", "Complaints per 1,000 patients", INDICATOR_DOMAIN_PATIENT_EXPERIENCE, "per 1,000",
     INDICATOR_LOWER_IS_BETTER, "1.5", "3", "0", "7"},
    {"PRS", "Generic prescribing", INDICATOR_DOMAIN_PRESCRIBING, "%", INDICATOR_HIGHER_IS_BETTER,
     "83", "78", "65", "92"},
    {"PH", "Cervical screening coverage", INDICATOR_DOMAIN_PUBLIC_HEALTH, "%",
     INDICATOR_HIGHER_IS_BETTER, "80", "75", "55", "95"},
    {"CON", "Significant event audits in the year", INDICATOR_DOMAIN_CONTRACTUAL, "audits",
     INDICATOR_HIGHER_IS_BETTER, "4", "2", "0", "10"},
    {"REF", "A&E attendances per 1,000 patients", INDICATOR_DOMAIN_REFERRALS, "per 1,000",
     INDICATOR_LOWER_IS_BETTER, "250", "300", "150", "420"},
    {"WF", "Appointments not attended", INDICATOR_DOMAIN_WORKFORCE, "%", INDICATOR_LOWER_IS_BETTER,
     "5", "8", "1", "15"},
};
#define N_TEMPLATES (sizeof templates / sizeof templates[0])

struct ind {
	int64_t id;
	char code[REVIEW_INDICATOR_CODE_MAX + 1];
	struct review_indicator rule;
	int64_t lo, hi;
};

static int64_t decimal(const char *s)
{
	int64_t v;
	char *cause = NULL;
	if (domain_review_decimal_parse("template", s, &v, &cause) < 0)
		die("%s", cause);
	return v;
}

static struct ind *seed_set(int year, long n, int64_t *set_id)
{
	char year_text[REVIEW_YEAR_BUFSZ], name[64];
	domain_review_year_format(year, year_text);
	snprintf(name, sizeof name, "Balanced Scorecard %s", year_text);
	sqlite3_stmt *st = prep("INSERT INTO indicator_sets (name, year, created_at, created_by,"
				" updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)");
	*set_id = run(st, "ttitit", name, year_text, now_s - 200 * 86400, SEED_BY,
		      now_s - 200 * 86400, SEED_BY);
	sqlite3_finalize(st);

	struct ind *v = calloc((size_t)n, sizeof *v);
	if (v == NULL)
		die("out of memory");
	st = prep("INSERT INTO indicators (set_id, position, code, name, domain, unit, direction,"
		  " green, amber, weight, critical) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	static const int64_t weights[] = {10000, 10000, 20000, 5000, 15000, 10000, 30000};
	for (long k = 0; k < n; k++) {
		const struct template *t = &templates[k % N_TEMPLATES];
		struct ind *x = &v[k];
		/* Codes unique whatever n is: prefix and a running number. */
		snprintf(x->code, sizeof x->code, "%s%02u", t->prefix, (unsigned)(k + 1) % 1000u);
		char full[96];
		if (k < (long)N_TEMPLATES)
			snprintf(full, sizeof full, "%s", t->name);
		else
			snprintf(full, sizeof full, "%s (measure %ld)", t->name,
				 k / (long)N_TEMPLATES + 1);
		x->rule.code = x->code;
		x->rule.domain = t->domain;
		x->rule.direction = t->dir;
		x->rule.green = decimal(t->green);
		x->rule.amber = decimal(t->amber);
		x->rule.weight = weights[k % (long)(sizeof weights / sizeof weights[0])];
		x->rule.critical = k % 10 == 4;
		x->lo = decimal(t->lo);
		x->hi = decimal(t->hi);
		char *cause = NULL;
		if (domain_review_indicator_check(&x->rule, &cause) < 0)
			die("indicator %s: %s", x->code, cause);
		x->id = run(st, "iitttttiiii", *set_id, (int64_t)(k + 1), x->code, full,
			    domain_review_indicator_domain_name(t->domain), t->unit,
			    domain_review_direction_name(t->dir), x->rule.green, x->rule.amber,
			    x->rule.weight, (int64_t)x->rule.critical);
	}
	sqlite3_finalize(st);
	st = prep("UPDATE indicator_sets SET state = 'published', published_at = ?,"
		  " published_by = ?, version = version + 1 WHERE id = ?");
	run(st, "iti", now_s - 150 * 86400, SEED_BY, *set_id);
	sqlite3_finalize(st);

	/* Next year's set, still a draft: it must never be taken for a
	 * published one. */
	char next[REVIEW_YEAR_BUFSZ], next_name[64];
	domain_review_year_format(year + 1, next);
	snprintf(next_name, sizeof next_name, "Balanced Scorecard %s (draft)", next);
	st = prep("INSERT INTO indicator_sets (name, year, created_at, created_by, updated_at,"
		  " updated_by) VALUES (?, ?, ?, ?, ?, ?)");
	int64_t draft = run(st, "ttitit", next_name, next, now_s, SEED_BY, now_s, SEED_BY);
	sqlite3_finalize(st);
	st = prep("INSERT INTO indicators (set_id, position, code, name, domain, direction, green,"
		  " amber) VALUES (?, 1, 'QOF01', 'QOF points achieved', 'qof', 'higher', 950000,"
		  " 850000)");
	run(st, "i", draft);
	sqlite3_finalize(st);
	return v;
}

/* ---- contracts ------------------------------------------------------------------- */

struct contract {
	int64_t id;
	char ods[8];
	long pos; /* in ODS order */
};

/* Letters real practice codes start with; the number runs within each. */
static const char ods_letters[] = "ABCDEFGHJKLMNPY";

static void ods_of(long pos, long n, char out[8])
{
	long per = (n + (long)(sizeof ods_letters - 2)) / (long)(sizeof ods_letters - 1);
	snprintf(out, 8, "%c%05u", ods_letters[pos / per], (unsigned)(81001 + pos % per) % 100000u);
}

static const char *type_of(long pos)
{
	if (pos % 29 == 7)
		return "pctms";
	if (pos % 17 == 5)
		return "apms";
	if (pos % 3 == 0)
		return "pms";
	return "gms";
}

static const char *const test_names[] = {
    "<b>Bold</b> & \"Partners\" <script>alert(1)</script>",
    "=cmd|' /C calc'!A0 Surgery",
    "O'Brien, Shah & Co \"Riverside\"",
    "@SUM(1+1) Health Centre",
};

static void practice_name(long pos, bool test_cases, char *buf, size_t size)
{
	if (test_cases && pos < (long)(sizeof test_names / sizeof test_names[0])) {
		snprintf(buf, size, "%s", test_names[pos]);
		return;
	}
	const char *s = seed_surnames[rng_below((long)SEED_SURNAMES)];
	switch (rng_below(4)) {
	case 0:
		snprintf(buf, size, "%s Surgery", s);
		break;
	case 1:
		snprintf(buf, size, "The %s Practice", s);
		break;
	case 2:
		snprintf(buf, size, "%s Road Medical Centre", s);
		break;
	default:
		snprintf(buf, size, "Dr %s and Partners", s);
	}
}

static struct contract *seed_contracts(long n, long extra, const int64_t *sites, long nsites,
				       int year, bool test_cases, long **order_out)
{
	long total = n + extra;
	struct contract *v = calloc((size_t)total, sizeof *v);
	long *order = calloc((size_t)total, sizeof *order);
	if (v == NULL || order == NULL)
		die("out of memory");
	for (long i = 0; i < total; i++) {
		order[i] = i;
		v[i].pos = i;
		ods_of(i, total, v[i].ods);
	}
	/* Insert in a shuffled order (Fisher-Yates). */
	for (long i = total - 1; i > 0; i--) {
		long j = rng_below(i + 1);
		long t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
	char start_before[16], apms_end[16], after[16];
	int32_t ys = domain_review_year_start(year), ye = domain_review_year_end(year);
	domain_date_format(domain_date_add_days(ye, 5 * 365), apms_end);
	domain_date_format(domain_date_add_days(ye, 30), after);
	sqlite3_stmt *st = prep(
	    "INSERT INTO contracts (ods, name, name_fold, type, list_size, site_id, start_date,"
	    " end_date, created_at, created_by, updated_at, updated_by)"
	    " VALUES (?, ?, lower(?), ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	for (long o = 0; o < total; o++) {
		struct contract *c = &v[order[o]];
		char name[128];
		practice_name(c->pos, test_cases, name, sizeof name);
		const char *type = type_of(c->pos);
		domain_date_format(domain_date_add_days(ys, -(int32_t)(200 + rng_below(9000))),
				   start_before);
		/* The extra contract (--test-cases) starts after the year. */
		bool late = c->pos >= n;
		const char *start = late ? after : start_before;
		const char *end = strcmp(type, "apms") == 0 ? apms_end : "";
		c->id = run(st, "ttttiittitit", c->ods, name, name, type,
			    (int64_t)(1500 + rng_below(18500)), sites[c->pos % nsites], start, end,
			    now_s - 400 * 86400, SEED_BY, now_s - 400 * 86400, SEED_BY);
	}
	sqlite3_finalize(st);
	*order_out = order;
	return v;
}

/* ---- reviews ------------------------------------------------------------------------ */

struct counts {
	long reviews, finalised, draft, scheduled, gaps, overrides, scores, not_available;
	long rag[REVIEW_RAG__COUNT];
};

/* A value of indicator x falling in a band chosen 60/25/15 green, amber,
 * red; one decimal place; inside the indicator's range. */
static int64_t value_for(const struct ind *x)
{
	const int64_t step = REVIEW_DECIMAL_ONE / 10;
	long r = rng_below(100);
	if (x->rule.critical && r >= 85)
		r = rng_below(100) < 27 ? 85 : 60; /* red 4 per cent */
	int64_t lo = x->lo, hi = x->hi;
	int64_t g = x->rule.green, a = x->rule.amber;
	bool higher = x->rule.direction == INDICATOR_HIGHER_IS_BETTER;
	if (r < 60) {
		if (higher)
			lo = g;
		else
			hi = g;
	} else if (r < 85) {
		if (higher) {
			lo = a;
			hi = g > a ? g - step : a;
		} else {
			lo = g < a ? g + step : a;
			hi = a;
		}
	} else {
		if (higher)
			hi = a > lo ? a - step : lo;
		else
			lo = a < hi ? a + step : hi;
	}
	if (hi < lo)
		hi = lo;
	int64_t steps = (hi - lo) / step;
	return lo + step * (int64_t)rng_below((long)steps + 1);
}

static void insert_score(sqlite3_stmt *st, int64_t review_id, const struct ind *x,
			 const struct review_indicator_entry *e)
{
	sqlite3_bind_int64(st, 1, review_id);
	sqlite3_bind_int64(st, 2, x->id);
	if (e->state == REVIEW_VALUE_GIVEN) {
		sqlite3_bind_int64(st, 3, e->value);
		sqlite3_bind_text(st, 4, "", -1, SQLITE_STATIC);
		sqlite3_bind_text(
		    st, 5, domain_review_rag_name(domain_review_indicator_rag(&x->rule, e->value)),
		    -1, SQLITE_STATIC);
	} else {
		sqlite3_bind_null(st, 3);
		sqlite3_bind_text(st, 4, e->not_available_reason, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, "", -1, SQLITE_STATIC);
	}
	sqlite3_bind_int64(st, 6, now_s - 60 * 86400);
	sqlite3_bind_text(st, 7, SEED_BY, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		die("insert score: %s", sqlite3_errmsg(db));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

/* Reviews in the order the contracts were inserted (order[]), so review
 * ids do not follow ODS order either. */
static void seed_reviews(const struct contract *v, const long *order, long n, long in_year,
			 const struct ind *inds, long ni, int64_t set_id, int year,
			 struct counts *k)
{
	char year_text[REVIEW_YEAR_BUFSZ];
	domain_review_year_format(year, year_text);
	int32_t ys = domain_review_year_start(year);
	struct review_rule rule = REVIEW_RULE_DEFAULT;
	sqlite3_stmt *rev =
	    prep("INSERT INTO reviews (ref, ref_year, ref_seq, contract_id, year,"
		 " kind, state, visit_type, scheduled_date, visited_date, set_id,"
		 " catalogue_version, achievements, developments, challenges,"
		 " computed_rag, derivation, override_rag, override_reason, final_rag,"
		 " next_visit_type, follow_up, finalised_at, finalised_by, created_at,"
		 " created_by, updated_at, updated_by)"
		 " VALUES (printf('REV-%04d-%04d', ?1, ?2), ?1, ?2, ?3, ?4, 'annual',"
		 " ?5, ?6, ?7, ?8, ?9, 1, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		 " ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)");
	sqlite3_stmt *score =
	    prep("INSERT INTO review_scores (review_id, indicator_id, value,"
		 " not_available, rag, at, by_user) VALUES (?, ?, ?, ?, ?, ?, ?)");
	struct review_indicator_entry *e = calloc((size_t)ni, sizeof *e);
	if (e == NULL)
		die("out of memory");
	static const char *const visits[] = {"desktop", "standard", "full"};
	int64_t seq = 0;
	for (long o = 0; o < n; o++) {
		const struct contract *c = &v[order[o]];
		if (c->pos >= in_year)
			continue; /* --test-cases' contract outside the year */
		long p = c->pos % 100;
		if (p == 3 || p == 11) {
			k->gaps++;
			continue;
		}
		const char *state = p == 7 ? "draft" : p == 19 ? "scheduled" : "finalised";
		bool scored = p != 19;
		for (long j = 0; j < ni; j++) {
			e[j].ind = &inds[j].rule;
			e[j].state = REVIEW_VALUE_MISSING;
			e[j].value = 0;
			e[j].not_available_reason = NULL;
			if (!scored)
				continue;
			if ((p == 2 && j == c->pos % ni) || rng_below(200) == 0) {
				e[j].state = REVIEW_VALUE_NOT_AVAILABLE;
				e[j].not_available_reason =
				    "practice system migration: data not extracted for the year";
			} else {
				e[j].state = REVIEW_VALUE_GIVEN;
				e[j].value = value_for(&inds[j]);
			}
		}
		char *derivation = NULL;
		enum review_rag computed =
		    scored ? domain_review_overall(&rule, e, (size_t)ni, NULL, 0, NULL, &derivation)
			   : REVIEW_RAG_NONE;
		enum review_rag override = REVIEW_RAG_NONE;
		const char *override_reason = "";
		if (p == 1 && scored) {
			override = computed == REVIEW_RAG_RED ? REVIEW_RAG_AMBER : REVIEW_RAG_RED;
			override_reason = "patient safety concern raised at the visit (seeded)";
			k->overrides++;
		}
		bool fin = strcmp(state, "finalised") == 0;
		enum review_rag final = REVIEW_RAG_NONE;
		int follow_up = 0;
		const char *next_visit = "";
		if (fin) {
			final = domain_review_rag_effective(computed, override);
			next_visit =
			    domain_review_visit_name(domain_review_next_visit(final, &follow_up));
			k->finalised++;
			k->rag[final]++;
		} else if (scored) {
			k->draft++;
		} else {
			k->scheduled++;
		}
		char scheduled[16], visited[16];
		domain_date_format(domain_date_add_days(ys, (int32_t)(30 + rng_below(150))),
				   scheduled);
		domain_date_format(domain_date_add_days(ys, (int32_t)(180 + rng_below(100))),
				   visited);
		seq++;
		int64_t rid = run(
		    rev, "iiitttttitttttttttiititit", (int64_t)year, seq, c->id, year_text, state,
		    visits[rng_below(3)], scheduled, scored ? visited : "", set_id,
		    fin ? "Improved chronic disease registers." : "",
		    fin ? "Extended opening hours from April." : "",
		    fin ? "The premises lease ends in 2011." : "", domain_review_rag_name(computed),
		    derivation ? derivation : "", domain_review_rag_name(override), override_reason,
		    domain_review_rag_name(final), next_visit, (int64_t)follow_up,
		    fin ? now_s - 30 * 86400 : (int64_t)0, fin ? SEED_BY : "", now_s - 300 * 86400,
		    SEED_BY, now_s - 30 * 86400, SEED_BY);
		free(derivation);
		k->reviews++;
		if (!scored)
			continue;
		for (long j = 0; j < ni; j++) {
			insert_score(score, rid, &inds[j], &e[j]);
			k->scores++;
			k->not_available += e[j].state == REVIEW_VALUE_NOT_AVAILABLE;
		}
	}
	sqlite3_finalize(rev);
	sqlite3_finalize(score);
	free(e);
}

/* ---- main ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " SEED_NAME " --db PATH --year YYYY/YY [--practices N] [--indicators N]\n"
		"                           [--sites N] [--seed N] [--test-cases]\n"
		"\n"
		"Fills a database made by `assured init` (no contracts yet) with one review\n"
		"year: N practices' contracts (default 7000) at N sites (default 10), the\n"
		"year's published indicator set of N indicators (default 30), and annual\n"
		"reviews with their scores, directly with SQLite in one transaction and\n"
		"without audit records. Stop the server first.\n"
		"  --seed N        the random seed (default 1): same seed, same rows\n"
		"  --test-cases    hostile practice names and a contract outside the year\n");
}

static long parse_count(const char *flag, const char *s, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 1 || v > max) {
		fprintf(stderr, SEED_NAME ": %s must be 1..%ld, not %s\n", flag, max, s);
		usage(stderr);
		exit(2);
	}
	return v;
}

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"db", required_argument, NULL, 'd'},
	    {"year", required_argument, NULL, 'y'},
	    {"practices", required_argument, NULL, 'p'},
	    {"indicators", required_argument, NULL, 'i'},
	    {"sites", required_argument, NULL, 'S'},
	    {"seed", required_argument, NULL, 's'},
	    {"test-cases", no_argument, NULL, 't'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *path = NULL, *year_arg = NULL;
	long np = 7000, ni = 30, ns = 10, seed = 1;
	bool test_cases = false;
	int ch;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			path = optarg;
			break;
		case 'y':
			year_arg = optarg;
			break;
		case 'p':
			np = parse_count("--practices", optarg, SEED_MAX_PRACTICES);
			break;
		case 'i':
			ni = parse_count("--indicators", optarg, REVIEW_SET_INDICATORS_MAX);
			break;
		case 'S':
			ns = parse_count("--sites", optarg, SEED_MAX_SITES);
			break;
		case 's':
			seed = parse_count("--seed", optarg, 2147483647L);
			break;
		case 't':
			test_cases = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (path == NULL || year_arg == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	int year;
	char *cause = NULL;
	if (domain_review_year_parse(year_arg, &year, &cause) < 0 || year + 1 > REVIEW_YEAR_MAX)
		die("--year: %s", cause ? cause : "the next year must be a review year too");
	rng_state = (uint64_t)seed * 0x2545f4914f6cdd1dULL;
	now_s = (int64_t)time(NULL);

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die("cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
	sqlite3_busy_timeout(db, 5000);
	exec_sql("PRAGMA foreign_keys=ON; PRAGMA cache_size=-262144;");
	if (query_int("PRAGMA user_version") < 10)
		die("%s is not an assure database at schema 10 or later (run assured init)", path);
	if (query_int("SELECT count(*) FROM contracts") != 0 ||
	    query_int("SELECT count(*) FROM indicator_sets") != 0)
		die("%s already holds contracts or indicator sets: seed a fresh database", path);

	double t0 = mono_s();
	exec_sql("BEGIN IMMEDIATE");
	int64_t *sites = seed_sites(ns);
	int64_t set_id = 0;
	struct ind *inds = seed_set(year, ni, &set_id);
	long extra = test_cases ? 1 : 0;
	long *order = NULL;
	struct contract *cs = seed_contracts(np, extra, sites, ns, year, test_cases, &order);
	struct counts k = {0};
	seed_reviews(cs, order, np + extra, np, inds, ni, set_id, year, &k);
	exec_sql("COMMIT");
	double t1 = mono_s();

	sqlite3_stmt *st = prep("PRAGMA foreign_key_check");
	if (sqlite3_step(st) == SQLITE_ROW)
		die("foreign_key_check: table %s row %lld breaks a foreign key",
		    (const char *)sqlite3_column_text(st, 0),
		    (long long)sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
	exec_sql("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE)");
	double t2 = mono_s();

	printf("year:            %s, set %" PRId64 " with %ld indicators (published)\n", year_arg,
	       set_id, ni);
	printf("contracts:       %ld at %ld sites%s\n", np + extra, ns,
	       extra ? " (1 outside the year)" : "");
	printf("reviews:         %ld (%ld finalised: %ld green, %ld amber, %ld red; %ld draft,"
	       " %ld scheduled; %ld overridden); %ld contracts without one\n",
	       k.reviews, k.finalised, k.rag[REVIEW_RAG_GREEN], k.rag[REVIEW_RAG_AMBER],
	       k.rag[REVIEW_RAG_RED], k.draft, k.scheduled, k.overrides, k.gaps);
	printf("scores:          %ld (%ld not available)\n", k.scores, k.not_available);
	printf("time:            %.2f s in one transaction; fk check, analyze, checkpoint %.2f s\n",
	       t1 - t0, t2 - t1);
	free(sites);
	free(inds);
	free(cs);
	free(order);
	if (sqlite3_close(db) != SQLITE_OK)
		die("close: %s", sqlite3_errmsg(db));
	db = NULL;
	return 0;
}
