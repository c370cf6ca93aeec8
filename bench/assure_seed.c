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
 *    met or cancelled ones on closed concerns.
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
#define SEED_PER_YEAR 6000	 /* concerns received per year (references <= 9999) */
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

static long days_from_civil(long y, unsigned m, unsigned d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

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

/* "YYYY-MM-DD" into buf (11 bytes). */
static const char *fmt_date(long day, char buf[static 11])
{
	int y, m, d;
	civil_from_days(day, &y, &m, &d);
	snprintf(buf, 11, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
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

/* Binds the arguments by type letters: i int64, t text (NULL: SQL NULL),
 * then steps to done and resets. Returns the last insert rowid. */
static int64_t run(sqlite3_stmt *st, const char *types, ...)
{
	va_list ap;
	va_start(ap, types);
	for (int i = 0; types[i]; i++) {
		if (types[i] == 'i') {
			sqlite3_bind_int64(st, i + 1, va_arg(ap, int64_t));
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
	    " conditions, created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
	sqlite3_stmt *hist = prep("INSERT INTO list_history (performer_id, from_status, to_status,"
				  " suspended_before, suspended_after, at, by_user, decision,"
				  " rationale, date) VALUES (?, ?, ?, 0, 0, ?, ?, ?, ?, ?)");
	long count[4] = {0, 0, 0, 0};
	char reg[16], name[96], fold[96], code[16], date[11];

	exec_sql("BEGIN IMMEDIATE");
	for (long i = 0; i < n; i++) {
		static const enum prof by_tenth[10] = {GP,	    GP,		 GP,	     GP,
						       DENTIST,	    DENTIST,	 OPTOMETRIST,
						       OPTOMETRIST, PHARMACIST, PHARMACIST};
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
				char six[8];
				snprintf(six, sizeof six, "%06ld", (700000 + k) % 1000000);
				snprintf(code, sizeof code, "D%s%d", six, dental_check_digit(six));
			}
			break;
		case OPTOMETRIST: /* GOC: 01-NNNNN or 10-NNNNN */
			snprintf(reg, sizeof reg, "%s-%05ld", k < 100000 ? "01" : "10",
				 k % 100000);
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
		    p == PHARMACIST ? "none"
				    : pick(list_statuses, sizeof list_statuses / sizeof *list_statuses);
		const char *conditions = strcmp(status, "included-with-conditions") == 0 ||
						 strcmp(status, "contingently-removed") == 0
					     ? "supervised practice; quarterly record audit"
					     : "";
		int64_t created = now_ms - (int64_t)rng_below(20 * 365) * DAY_MS;
		pv[i].prof = p;
		pv[i].id = run(ins, "ttttttttit", prof_names[p], reg, name, fold, code, status,
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
		fmt_date(at / DAY_MS, date);
		run(hist, "iiitttt", pv[i].id, (int64_t)0, at, SEED_BY, "admission by seeded panel",
		    "seeded admission", date);
		/* from/to bound positionally below; redo with the real values */
		(void)later;
	}
	exec_sql("COMMIT");
	sqlite3_finalize(ins);
	sqlite3_finalize(hist);
}
