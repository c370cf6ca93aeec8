/*
 * assure-seed: fills a bench database with performers and concerns, for
 * measuring the concern RPCs at scale (docs/BENCHMARKS.md "Concerns at
 * scale").
 *
 *   assure-seed --db PATH [--performers N] [--concerns N] [--seed N]
 *               [--refs-out FILE]
 *
 * It writes straight into a database made by `assured init` (schema at
 * migration 7 or later), with SQLite, in a few large transactions, while
 * the server is stopped. It bypasses the server on purpose: opening 100,000
 * concerns through audited RPCs (open, grade, assign, move: four or more
 * audited writes each, every one a group-committed transaction) would take
 * far longer than the measurement itself. So the seeded rows have NO audit
 * records: the audit trail of a seeded database does not describe its
 * concerns. That is fine for a bench database and wrong for anything else;
 * never seed a real one.
 *
 * What it writes satisfies every CHECK, UNIQUE and foreign key of
 * migrations 6 and 7 (foreign_keys is ON while it writes, and
 * PRAGMA foreign_key_check runs at the end):
 *  - performers of all four professions, registration numbers in each
 *    regulator's format, unique per profession (and across professions),
 *    national codes for half the GPs and dentists (dental check digit
 *    computed), list statuses spread over the list (pharmacists 'none'),
 *    with their list_history rows (admission, and the later decision for
 *    removed or withdrawn performers);
 *  - concerns with references CON-YYYY-NNNN: received dates spread evenly
 *    over about 17 years up to today, the year from the received date and
 *    the sequence counting up within each year; older concerns are mostly
 *    closed; every one of the 16 states occurs; pharmacists' concerns never
 *    reach a list-action state (external-only instead);
 *  - grades with score = consequence x likelihood and the NPSA band of the
 *    default bands (1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme), with
 *    their concern_grades history row;
 *  - case managers and investigators chosen among the existing users
 *    holding those roles (create them first with the CLI), with their
 *    concern_people rows;
 *  - timeline events (opened, grade, assign, transition, note), notes, one
 *    action item for concerns in remediation, and deadlines: an open one for
 *    most open concerns with due dates from 20 days ago to 120 days ahead,
 *    met or cancelled ones on closed concerns; a concern in the appeal window
 *    has its decision notice under 28 days ago and an open "appeal" deadline
 *    (so the server's appeal-window job has nothing to move).
 * Cross-record facts the schema does not hold (e.g. a removal decision
 * matching the performer's list status) are not modelled.
 *
 * --refs-out FILE writes what assure-bench --refs reads: the performer id
 * range and every reference with o (open) or c (closed).
 */
#include <ctype.h>
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

#include "seed_names.h"

#define SEED_NAME "assure-seed"
#define SEED_MAX_PERFORMERS 1000000L
#define SEED_MAX_CONCERNS 2000000L
#define SEED_PER_YEAR 6000	   /* concerns received per year (references <= 9999) */
#define SEED_CONCERNS_PER_TX 25000 /* concerns per transaction */
#define SEED_BY "assure-seed"
#define DAY_MS 86400000LL

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

/* 0..n-1 */
static long rng_below(long n)
{
	return (long)(rng_next() % (uint64_t)n);
}

/* true with probability pct / 100 */
static bool rng_pct(int pct)
{
	return rng_below(100) < pct;
}

/* ---- civil dates (days since 1970-01-01, proleptic Gregorian) ------------- */

static void civil_from_days(long z, int *y, int *m, int *d)
{
	z += 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long yy = (long)yoe + era * 400;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	unsigned dd = doy - (153 * mp + 2) / 5 + 1;
	unsigned mm = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yy + (mm <= 2));
	*m = (int)mm;
	*d = (int)dd;
}

/* "YYYY-MM-DD" into buf. */
static const char *fmt_date(long day, char buf[static 16])
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(buf, 16, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
	return buf;
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

/* Binds the arguments by type letters: i int64, n int64 with 0 as SQL NULL,
 * t text (NULL: SQL NULL),
 * then steps to done and resets. Returns the last insert rowid. */
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

/* ---- users ------------------------------------------------------------------ */

struct user {
	int64_t id;
	char *name;
};

struct users {
	struct user *v;
	size_t n;
};

static void users_load(const char *role, struct users *u)
{
	sqlite3_stmt *st = prep("SELECT u.id, u.username FROM users u"
				" JOIN user_roles ur ON ur.user_id = u.id"
				" JOIN roles r ON r.id = ur.role_id"
				" WHERE r.name = ? AND u.disabled = 0 ORDER BY u.id");
	sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
	u->v = NULL;
	u->n = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		u->v = realloc(u->v, (u->n + 1) * sizeof *u->v);
		if (u->v == NULL)
			die("out of memory");
		u->v[u->n].id = sqlite3_column_int64(st, 0);
		u->v[u->n].name = strdup((const char *)sqlite3_column_text(st, 1));
		if (u->v[u->n].name == NULL)
			die("out of memory");
		u->n++;
	}
	sqlite3_finalize(st);
	if (u->n == 0)
		die("no enabled user holds the role %s: create some first (assure user add "
		    "NAME --role %s ...), then seed",
		    role, role);
}

/* ---- performers --------------------------------------------------------------- */

enum prof { GP, DENTIST, OPTOMETRIST, PHARMACIST };
static const char *const prof_names[] = {"gp", "dentist", "optometrist", "pharmacist"};

struct weighted {
	const char *name;
	int weight;
};

static const char *pick(const struct weighted *w, size_t n)
{
	int total = 0;
	for (size_t i = 0; i < n; i++)
		total += w[i].weight;
	long r = rng_below(total);
	for (size_t i = 0; i < n; i++) {
		if (r < w[i].weight)
			return w[i].name;
		r -= w[i].weight;
	}
	return w[n - 1].name;
}

static const struct weighted list_statuses[] = {
    {"included", 800},
    {"included-with-conditions", 60},
    {"applied", 40},
    {"deferred", 20},
    {"refused", 20},
    {"contingently-removed", 20},
    {"removed", 20},
    {"withdrawn", 15},
    {"nationally-disqualified", 5},
};

static int dental_check_digit(const char six[static 6])
{
	static const int w[6] = {1, 3, 7, 1, 3, 7};
	int sum = 0;
	for (int i = 0; i < 6; i++)
		sum += (six[i] - '0') * w[i];
	return sum % 10;
}

struct performer {
	int64_t id;
	enum prof prof;
};

static long today; /* days since the epoch (UTC) */
static int64_t now_ms;

static void seed_performers(struct performer *pv, long n)
{
	sqlite3_stmt *ins = prep(
	    "INSERT INTO performers (profession, reg, name, name_fold, national_code, list_status,"
	    " conditions, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?)");
	sqlite3_stmt *hist = prep("INSERT INTO list_history (performer_id, from_status, to_status,"
				  " suspended_before, suspended_after, at, by_user, decision,"
				  " rationale, date) VALUES (?, ?, ?, 0, 0, ?, ?, ?, ?, ?)");
	long count[4] = {0, 0, 0, 0};
	char reg[32], name[96], fold[96], code[32], date[16];

	exec_sql("BEGIN IMMEDIATE");
	for (long i = 0; i < n; i++) {
		static const enum prof by_tenth[10] = {
		    GP,	     GP,	  GP,	       GP,	   DENTIST,
		    DENTIST, OPTOMETRIST, OPTOMETRIST, PHARMACIST, PHARMACIST};
		enum prof p = by_tenth[i % 10];
		long k = count[p]++;
		code[0] = '\0';
		switch (p) {
		case GP: /* GMC: 7 digits; national code G + 7 digits */
			snprintf(reg, sizeof reg, "%07ld", 3000000 + k);
			if (rng_pct(50))
				snprintf(code, sizeof code, "G%07ld", 8000000 + k);
			break;
		case DENTIST: /* GDC: 1-6 digits, no leading zero; code D + 6 + check */
			snprintf(reg, sizeof reg, "%ld", 100000 + k);
			if (rng_pct(50)) {
				char six[24];
				snprintf(six, sizeof six, "%06ld", (700000 + k) % 1000000);
				snprintf(code, sizeof code, "D%s%d", six, dental_check_digit(six));
			}
			break;
		case OPTOMETRIST: /* GOC: 01-NNNNN or 10-NNNNN */
			snprintf(reg, sizeof reg, "%s-%05ld", k < 100000 ? "01" : "10", k % 100000);
			break;
		case PHARMACIST: /* RPSGB/GPhC: 2 + 6 digits */
			snprintf(reg, sizeof reg, "%ld", 2000000 + k);
			break;
		}
		snprintf(name, sizeof name, "%s %s", seed_first_names[rng_below(SEED_FIRST_NAMES)],
			 seed_surnames[rng_below(SEED_SURNAMES)]);
		size_t j;
		for (j = 0; name[j]; j++)
			fold[j] = (char)tolower((unsigned char)name[j]);
		fold[j] = '\0';
		const char *status =
		    p == PHARMACIST
			? "none"
			: pick(list_statuses, sizeof list_statuses / sizeof *list_statuses);
		const char *conditions = strcmp(status, "included-with-conditions") == 0 ||
						 strcmp(status, "contingently-removed") == 0
					     ? "supervised practice; quarterly record audit"
					     : "";
		int64_t created = now_ms - (int64_t)rng_below(20 * 365) * DAY_MS;
		pv[i].prof = p;
		pv[i].id = run(ins, "tttttttiit", prof_names[p], reg, name, fold, code, status,
			       conditions, created, created, SEED_BY);
		if (p == PHARMACIST || strcmp(status, "applied") == 0)
			continue;
		/* The admission decision, then the later one for those who left. */
		bool later = strcmp(status, "removed") == 0 ||
			     strcmp(status, "contingently-removed") == 0 ||
			     strcmp(status, "nationally-disqualified") == 0 ||
			     strcmp(status, "withdrawn") == 0;
		int64_t at = created + 30 * DAY_MS;
		if (at > now_ms)
			at = now_ms;
		const char *admitted = later ? "included" : status;
		run(hist, "ittitttt", pv[i].id, "applied", admitted, at, SEED_BY,
		    "admission by seeded panel", "seeded admission", fmt_date(at / DAY_MS, date));
		if (later) {
			int64_t at2 = at + (int64_t)rng_below(365) * DAY_MS;
			if (at2 > now_ms)
				at2 = now_ms;
			run(hist, "ittitttt", pv[i].id, "included", status, at2, SEED_BY,
			    strcmp(status, "withdrawn") == 0 ? "withdrawal"
							     : "seeded panel decision",
			    "seeded decision", fmt_date(at2 / DAY_MS, date));
		}
	}
	exec_sql("COMMIT");
	sqlite3_finalize(ins);
	sqlite3_finalize(hist);
}

/* ---- concerns ------------------------------------------------------------------- */

static const char *const states[16] = {
    "received",	     "triaged",	       "closed",	"informal",
    "external-only", "investigating",  "reported",	"pag-review",
    "remediation",   "panel-referred", "notice-issued", "hearing-scheduled",
    "decided",	     "appeal-window",  "under-appeal",	"monitoring",
};

static const struct weighted open_states[] = {
    {"received", 6},	   {"triaged", 8},	 {"informal", 10},	   {"external-only", 6},
    {"investigating", 12}, {"reported", 5},	 {"pag-review", 5},	   {"remediation", 8},
    {"panel-referred", 4}, {"notice-issued", 4}, {"hearing-scheduled", 4}, {"decided", 4},
    {"appeal-window", 4},  {"under-appeal", 2},	 {"monitoring", 8},
};

static bool is(const char *s, const char *t)
{
	return strcmp(s, t) == 0;
}

/* States that only a performer on the list reaches (the panel's path). */
static bool list_action_state(const char *s)
{
	return is(s, "remediation") || is(s, "panel-referred") || is(s, "notice-issued") ||
	       is(s, "hearing-scheduled") || is(s, "decided") || is(s, "appeal-window") ||
	       is(s, "under-appeal") || is(s, "monitoring");
}

static bool investigated_state(const char *s)
{
	return is(s, "investigating") || is(s, "reported") || is(s, "pag-review") ||
	       is(s, "panel-referred") || is(s, "notice-issued") || is(s, "hearing-scheduled") ||
	       is(s, "decided") || is(s, "appeal-window") || is(s, "under-appeal");
}

static bool noticed_state(const char *s)
{
	return is(s, "notice-issued") || is(s, "hearing-scheduled") || is(s, "decided") ||
	       is(s, "appeal-window") || is(s, "under-appeal");
}

/* The clock an open concern in state s is most likely waiting on. */
static const char *clock_of(const char *s)
{
	static const struct {
		const char *state, *clock;
	} map[] = {
	    {"received", "triage"},
	    {"triaged", "interim-review"},
	    {"informal", "informal-review"},
	    {"external-only", "interim-review"},
	    {"investigating", "investigation"},
	    {"reported", "investigation"},
	    {"pag-review", "investigation"},
	    {"remediation", "action-due"},
	    {"panel-referred", "interim-review"},
	    {"notice-issued", "representations"},
	    {"hearing-scheduled", "hearing"},
	    {"decided", "decision-notice"},
	    {"appeal-window", "appeal"},
	    {"under-appeal", "appeal"},
	    {"monitoring", "review-eligibility"},
	};
	for (size_t i = 0; i < sizeof map / sizeof *map; i++)
		if (is(map[i].state, s))
			return map[i].clock;
	return "triage";
}

/* NPSA default bands: 1-3 low, 4-6 moderate, 8-12 high, 15-25 extreme. */
static const char *band_of(int score)
{
	return score <= 3 ? "low" : score <= 6 ? "moderate" : score <= 12 ? "high" : "extreme";
}

static const char *const sources[] = {"patient complaint", "NHS England",      "whistleblower",
				      "coroner",	   "prescribing data", "police",
				      "practice manager"};
static const char *const categories[] = {"clinical", "conduct",	    "health",
					 "probity",  "prescribing", "record keeping"};

struct stmts {
	sqlite3_stmt *concern, *people, *grade, *event, *deadline, *note, *action;
};

static long min_l(long a, long b)
{
	return a < b ? a : b;
}

static long state_count[16];

static void seed_concerns(const struct performer *pv, long np, long n, const struct users *cms,
			  const struct users *invs, FILE *refs)
{
	struct stmts s;
	s.concern =
	    prep("INSERT INTO concerns (ref, year, seq, performer_id, source, category, summary, "
		 "reporter,"
		 " received, state, consequence, likelihood, score, band, case_manager_id,"
		 " investigator_id, was_panel_referred, notice_sent, representations_received,"
		 " hearing_requested, hearing_date, outcome, decision_notice_sent, created_at,"
		 " updated_at, updated_by, version)"
		 " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
		 "?, ?, ?)");
	s.people = prep("INSERT INTO concern_people (concern_id, user_id, role, from_at, by_user)"
			" VALUES (?, ?, ?, ?, ?)");
	s.grade =
	    prep("INSERT INTO concern_grades (concern_id, consequence, likelihood, score, band,"
		 " reason, at, by_user) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	s.event = prep("INSERT INTO concern_events (concern_id, at, by_user, kind, from_state,"
		       " to_state, text, date, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
	s.deadline = prep("INSERT INTO concern_deadlines (concern_id, kind, start, due, basis, met,"
			  " cancelled, action_number) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
	s.note =
	    prep("INSERT INTO concern_notes (concern_id, text, at, by_user) VALUES (?, ?, ?, ?)");
	s.action = prep("INSERT INTO concern_actions (concern_id, number, text, owner, due, at,"
			" by_user) VALUES (?, 1, ?, ?, ?, ?, ?)");

	/* Received dates spread evenly over `years` years up to today. */
	long years = (n + SEED_PER_YEAR - 1) / SEED_PER_YEAR;
	if (years < 1)
		years = 1;
	long span = years * 365;
	long start = today - span;
	int y0, m0, d0;
	civil_from_days(start, &y0, &m0, &d0);
	long *seq = calloc((size_t)years + 2, sizeof *seq);
	if (seq == NULL)
		die("out of memory");

	char ref[40], received[16], d1[16], d2[16], d3[16], d4[16], summary[160], reporter[40],
	    detail[160], text[160];
	for (long i = 0; i < n; i++) {
		if (i % SEED_CONCERNS_PER_TX == 0) {
			if (i > 0)
				exec_sql("COMMIT");
			exec_sql("BEGIN IMMEDIATE");
		}
		long day = start + 1 + (long)((double)i * (double)span / (double)n);
		if (day > today)
			day = today;
		int y, mo, dd;
		civil_from_days(day, &y, &mo, &dd);
		long si = y - y0;
		if (si < 0 || si > years + 1 || ++seq[si] > 9999)
			die("more than 9999 concerns in %d: use fewer --concerns", y);
		snprintf(ref, sizeof ref, "CON-%04d-%04ld", y, seq[si]);
		fmt_date(day, received);
		long age = today - day;

		/* The subject: a fifth of the concerns are about 2 % of performers. */
		const struct performer *p =
		    rng_pct(20) ? &pv[rng_below(np / 50 > 0 ? np / 50 : 1)] : &pv[rng_below(np)];
		int closed_pct = age > 3 * 365 ? 95 : age > 365 ? 60 : 25;
		const char *state =
		    rng_pct(closed_pct)
			? "closed"
			: pick(open_states, sizeof open_states / sizeof *open_states);
		if (p->prof == PHARMACIST && list_action_state(state))
			state = "external-only";
		bool closed = is(state, "closed"), received_only = is(state, "received");

		const char *source = sources[rng_below(sizeof sources / sizeof *sources)];
		const char *category =
		    categories[rng_below(sizeof categories / sizeof *categories)];
		snprintf(summary, sizeof summary, "Seeded concern %ld: %s issue raised by %s",
			 i + 1, category, source);
		reporter[0] = '\0';
		if (rng_pct(60))
			snprintf(reporter, sizeof reporter, "Reporter %ld", rng_below(100000));

		bool graded = !received_only && !(closed && rng_pct(10));
		int c = graded ? 1 + (int)rng_below(5) : 0, l = graded ? 1 + (int)rng_below(5) : 0;
		const struct user *cm =
		    !received_only || rng_pct(50) ? &cms->v[rng_below((long)cms->n)] : NULL;
		const struct user *inv = NULL;
		if (investigated_state(state) || (closed && rng_pct(30)) ||
		    ((is(state, "remediation") || is(state, "monitoring")) && rng_pct(50)))
			inv = &invs->v[rng_below((long)invs->n)];
		if (inv != NULL && cm == NULL)
			cm = &cms->v[rng_below((long)cms->n)];
		bool panel = is(state, "panel-referred") || noticed_state(state) ||
			     (is(state, "monitoring") && rng_pct(50)) ||
			     (closed && inv != NULL && p->prof != PHARMACIST && rng_pct(10));
		const char *notice = "", *hearing_req = "", *hearing = "", *outcome = "",
			   *dec_notice = "";
		int reps = 0;
		long notice_day = min_l(day + 60, today);
		if (noticed_state(state)) {
			notice = fmt_date(notice_day, d1);
			if (!is(state, "notice-issued")) {
				reps = rng_pct(50);
				hearing_req = fmt_date(min_l(notice_day + 14, today), d2);
			}
			if (is(state, "hearing-scheduled"))
				hearing = fmt_date(today + 1 + rng_below(40), d3);
			else if (!is(state, "notice-issued"))
				hearing = fmt_date(min_l(notice_day + 30, today), d3);
			if (is(state, "decided") || is(state, "appeal-window") ||
			    is(state, "under-appeal"))
				outcome = "no-action";
			if (is(state, "under-appeal"))
				dec_notice = hearing;
		}
		/* In the appeal window the 28 days from the decision notice have not
		 * run out (else the server's appeal-window job would move it at
		 * once), and the open "appeal" deadline says when they do. */
		long dec_day = today - rng_below(27);
		if (dec_day < day)
			dec_day = day;
		if (is(state, "appeal-window"))
			dec_notice = fmt_date(dec_day, d4);
		int64_t created =
		    (int64_t)day * DAY_MS + 9 * 3600000LL + rng_below(8 * 60) * 60000LL;
		int64_t updated = created + (int64_t)min_l(age, 60) * DAY_MS;
		if (updated > now_ms)
			updated = now_ms;
		if (created > now_ms)
			created = updated = now_ms;
		const char *by = cm ? cm->name : SEED_BY;
		int64_t version = received_only ? 1 : 2;

		int64_t id =
		    run(s.concern, "tiiittttttiiitnnitittttiiti", ref, (int64_t)y, (int64_t)seq[si],
			p->id, source, category, summary, reporter, received, state, (int64_t)c,
			(int64_t)l, (int64_t)(c * l), graded ? band_of(c * l) : "",
			cm ? cm->id : (int64_t)0, inv ? inv->id : (int64_t)0, (int64_t)panel,
			notice, (int64_t)reps, hearing_req, hearing, outcome, dec_notice, created,
			updated, by, version);
		for (int k = 0; k < 16; k++)
			if (is(states[k], state))
				state_count[k]++;
		if (refs != NULL)
			fprintf(refs, "%s %c\n", ref, closed ? 'c' : 'o');

		/* The timeline and side records, oldest first. */
		int64_t at = created;
		run(s.event, "iittttttt", id, at, by, "opened", "(new)", "received", summary,
		    received, "");
		if (cm != NULL) {
			at += 3600000;
			run(s.people, "iitit", id, cm->id, "case-manager", at, by);
			snprintf(detail, sizeof detail, "case manager: %s", cm->name);
			run(s.event, "iittttttt", id, at, by, "assign", "", "", "", received,
			    detail);
		}
		if (graded) {
			at += 3600000;
			snprintf(text, sizeof text, "seeded grade: %s risk", band_of(c * l));
			run(s.grade, "iiiittit", id, (int64_t)c, (int64_t)l, (int64_t)(c * l),
			    band_of(c * l), text, at, by);
			snprintf(detail, sizeof detail, "grade: %d x %d = %d (%s)", c, l, c * l,
				 band_of(c * l));
			run(s.event, "iittttttt", id, at, by, "grade", "", "", text, received,
			    detail);
		}
		if (inv != NULL) {
			at += DAY_MS;
			if (at > updated)
				at = updated;
			run(s.people, "iitit", id, inv->id, "investigator", at, by);
			snprintf(detail, sizeof detail, "investigator: %s", inv->name);
			run(s.event, "iittttttt", id, at, by, "assign", "", "", "", received,
			    detail);
		}
		if (!received_only) {
			const char *from = closed ? (graded ? "triaged" : "received") : "received";
			snprintf(text, sizeof text, "seeded move to %s", state);
			run(s.event, "iittttttt", id, updated, by, "transition", from, state, text,
			    fmt_date(updated / DAY_MS, d1), "");
		}
		if (rng_pct(10)) {
			snprintf(text, sizeof text, "Seeded note on %s", ref);
			run(s.note, "itit", id, text, updated, by);
			run(s.event, "iittttttt", id, updated, by, "note", "", "", text,
			    fmt_date(updated / DAY_MS, d1), "");
		}

		/* Deadlines: most open concerns wait on one clock, due from 20 days
		 * ago to 120 days ahead; closed ones had theirs met or cancelled. */
		if (is(state, "appeal-window")) {
			run(s.deadline, "itttttin", id, "appeal", dec_notice,
			    fmt_date(dec_day + 28, d1), "28 days", "", (int64_t)0, (int64_t)0);
		} else if (!closed && rng_pct(80)) {
			long due = today - 20 + rng_below(141);
			long from = due - 28 < day ? day : due - 28;
			if (due < from)
				due = from + 5;
			const char *kind = clock_of(state);
			int64_t action = 0;
			if (is(kind, "action-due")) {
				action = 1;
				run(s.action, "itttit", id, "complete a supervised record audit",
				    "performer", fmt_date(due, d1), updated, by);
			}
			run(s.deadline, "itttttin", id, kind, fmt_date(from, d1), fmt_date(due, d2),
			    "28 days", "", (int64_t)0, action);
		} else if (closed && rng_pct(50)) {
			long due = day + 7;
			long met = min_l(day + 1 + rng_below(10), today);
			int64_t cancelled = rng_pct(20);
			run(s.deadline, "itttttin", id, "triage", received, fmt_date(due, d1),
			    "5 working days", fmt_date(met, d2), cancelled, (int64_t)0);
		}
	}
	exec_sql("COMMIT");
	free(seq);
	sqlite3_finalize(s.concern);
	sqlite3_finalize(s.people);
	sqlite3_finalize(s.grade);
	sqlite3_finalize(s.event);
	sqlite3_finalize(s.deadline);
	sqlite3_finalize(s.note);
	sqlite3_finalize(s.action);
}

/* ---- main ------------------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f, "usage: " SEED_NAME " --db PATH [--performers N] [--concerns N] [--seed N]\n"
		   "                   [--refs-out FILE]\n"
		   "\n"
		   "Fills a bench database made by `assured init` with N performers (default\n"
		   "20000) and N concerns (default 100000) and their side records, directly with\n"
		   "SQLite and without audit records. Stop the server first. Case managers and\n"
		   "investigators are chosen among existing users with those roles.\n"
		   "  --seed N         the random seed (default 1): same seed, same rows\n"
		   "  --refs-out FILE  write the performer id range and every concern reference\n"
		   "                   (o open, c closed) for assure-bench --refs\n");
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
	    {"performers", required_argument, NULL, 'p'},
	    {"concerns", required_argument, NULL, 'c'},
	    {"seed", required_argument, NULL, 's'},
	    {"refs-out", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *path = NULL, *refs_path = NULL;
	long np = 20000, nc = 100000, seed = 1;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			path = optarg;
			break;
		case 'p':
			np = parse_count("--performers", optarg, SEED_MAX_PERFORMERS);
			break;
		case 'c':
			nc = parse_count("--concerns", optarg, SEED_MAX_CONCERNS);
			break;
		case 's':
			seed = parse_count("--seed", optarg, 2147483647L);
			break;
		case 'r':
			refs_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (path == NULL || optind != argc) {
		usage(stderr);
		return 2;
	}
	rng_state = (uint64_t)seed * 0x2545f4914f6cdd1dULL;
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	now_ms = (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
	today = (long)(now_ms / DAY_MS);

	/* An existing database only: never create one by mistake. */
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		die("cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "out of memory");
	sqlite3_busy_timeout(db, 5000);
	/* A large page cache: the indexes of 100,000 concerns are written in
	 * random order and would otherwise spill to the WAL page by page. */
	exec_sql("PRAGMA foreign_keys=ON; PRAGMA recursive_triggers=ON;"
		 " PRAGMA cache_size=-262144;");
	if (query_int("PRAGMA user_version") < 7)
		die("%s is not an assure database at schema 7 or later (run assured init)", path);
	if (query_int("SELECT count(*) FROM performers") != 0 ||
	    query_int("SELECT count(*) FROM concerns") != 0)
		die("%s already holds performers or concerns: seed a fresh database", path);

	struct users cms, invs;
	users_load("case-manager", &cms);
	users_load("investigator", &invs);
	FILE *refs = NULL;
	if (refs_path != NULL && (refs = fopen(refs_path, "w")) == NULL)
		die("cannot write %s: %s", refs_path, strerror(errno));

	double t0 = mono_s();
	struct performer *pv = calloc((size_t)np, sizeof *pv);
	if (pv == NULL)
		die("out of memory");
	seed_performers(pv, np);
	double t1 = mono_s();
	if (refs != NULL)
		fprintf(refs, "performers %" PRId64 " %" PRId64 "\n", pv[0].id, pv[np - 1].id);
	seed_concerns(pv, np, nc, &cms, &invs, refs);
	double t2 = mono_s();
	if (refs != NULL && fclose(refs) != 0)
		die("cannot write %s: %s", refs_path, strerror(errno));

	/* The schema's foreign keys hold for everything written. */
	sqlite3_stmt *st = prep("PRAGMA foreign_key_check");
	if (sqlite3_step(st) == SQLITE_ROW)
		die("foreign_key_check: table %s row %lld breaks a foreign key",
		    (const char *)sqlite3_column_text(st, 0),
		    (long long)sqlite3_column_int64(st, 1));
	sqlite3_finalize(st);
	exec_sql("PRAGMA wal_checkpoint(TRUNCATE)");
	double t3 = mono_s();

	printf("performers:      %ld in %.2f s (ids %" PRId64 "..%" PRId64 ")\n", np, t1 - t0,
	       pv[0].id, pv[np - 1].id);
	printf("concerns:        %ld in %.2f s, %lld events, %lld deadlines (%lld open),"
	       " %lld grades, %lld people rows, %lld notes\n",
	       nc, t2 - t1, (long long)query_int("SELECT count(*) FROM concern_events"),
	       (long long)query_int("SELECT count(*) FROM concern_deadlines"),
	       (long long)query_int("SELECT count(*) FROM concern_deadlines WHERE met = ''"),
	       (long long)query_int("SELECT count(*) FROM concern_grades"),
	       (long long)query_int("SELECT count(*) FROM concern_people"),
	       (long long)query_int("SELECT count(*) FROM concern_notes"));
	printf("users:           %zu case managers, %zu investigators\n", cms.n, invs.n);
	printf("states:         ");
	for (int k = 0; k < 16; k++)
		printf(" %s %ld", states[k], state_count[k]);
	printf("\nfk check + checkpoint: %.2f s\n", t3 - t2);
	free(pv);
	for (size_t i = 0; i < cms.n; i++)
		free(cms.v[i].name);
	for (size_t i = 0; i < invs.n; i++)
		free(invs.v[i].name);
	free(cms.v);
	free(invs.v);
	if (sqlite3_close(db) != SQLITE_OK)
		die("close: %s", sqlite3_errmsg(db));
	db = NULL;
	return 0;
}
