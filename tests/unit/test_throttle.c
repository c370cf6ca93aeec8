/*
 * The login throttle (server/domain/throttle.c) and its stored copy
 * (server/store/store_throttle.c). The rules are pinned exactly: the pair's
 * schedule (5 free failures, then 30 s doubling to the 15-minute cap),
 * that one address's guesses never delay the same account from another,
 * the account's ceiling (crossed once, audited by the caller, ended by
 * its hour or by a clear), the address limit, what is forgotten and when,
 * the bound on memory, the journal's rows, and that stored state comes
 * back after a "restart" without ever being able to delay anyone longer
 * than the rules allow.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "store_throttle.h"
#include "throttle.h"
#include "xmalloc.h"

#define SEC 1000LL
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define T0 1800000000000LL /* 2027-01-15, a Unix ms "now" */
#define CAP (15 * MIN)
#define CEILING 100

static const struct throttle_rules rules = {
    .pair = {5, 30 * SEC, CAP, 0},
    .account = {0, 0, 0, CEILING},
    .address = {50, 30 * SEC, CAP, 2000},
};

/* --- a journal that keeps what it is told ---------------------------------- */

#define JOURNAL_MAX 64

struct journal {
	size_t calls;
	size_t n;
	struct {
		enum throttle_op op;
		char account[80], addr[80];
		struct throttle_state st;
	} rows[JOURNAL_MAX];
};

static void journal_keep(void *arg, const struct throttle_row *rows, size_t n)
{
	struct journal *j = arg;
	j->calls++;
	for (size_t i = 0; i < n && j->n < JOURNAL_MAX; i++, j->n++) {
		j->rows[j->n].op = rows[i].op;
		snprintf(j->rows[j->n].account, sizeof j->rows[j->n].account, "%s",
			 rows[i].account);
		snprintf(j->rows[j->n].addr, sizeof j->rows[j->n].addr, "%s", rows[i].addr);
		j->rows[j->n].st = rows[i].st;
	}
}

/* --- the schedule ---------------------------------------------------------- */

static void test_backoff_schedule(void **state)
{
	(void)state;
	const struct throttle_limit *l = &rules.pair;
	for (unsigned f = 0; f <= 5; f++)
		assert_int_equal(throttle_backoff_ms(l, f), 0);
	assert_int_equal(throttle_backoff_ms(l, 6), 30 * SEC);
	assert_int_equal(throttle_backoff_ms(l, 7), 60 * SEC);
	assert_int_equal(throttle_backoff_ms(l, 8), 120 * SEC);
	assert_int_equal(throttle_backoff_ms(l, 9), 240 * SEC);
	assert_int_equal(throttle_backoff_ms(l, 10), 480 * SEC);
	assert_int_equal(throttle_backoff_ms(l, 11), CAP); /* 960 s, capped */
	assert_int_equal(throttle_backoff_ms(l, 12), CAP);
	assert_int_equal(throttle_backoff_ms(l, 45), CAP); /* the shift would overflow */
	assert_int_equal(throttle_backoff_ms(l, 4000000000u), CAP);
	/* The account's rule has no back-off at all, only its ceiling. */
	assert_int_equal(throttle_backoff_ms(&rules.account, 1000), 0);
}

/* The pair's back-off, seen through throttle_check as Login sees it. */
static void test_pair_backoff(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(&rules);
	int64_t now = T0;
	enum throttle_reason why;
	for (int i = 1; i <= 5; i++) {
		throttle_failure(t, "alice", "192.0.2.7", now, NULL);
		assert_int_equal(throttle_check(t, "alice", "192.0.2.7", now, &why), 0);
	}
	struct throttle_outcome o;
	throttle_failure(t, "alice", "192.0.2.7", now, &o);
	assert_int_equal(throttle_check(t, "alice", "192.0.2.7", now, &why), 30 * SEC);
	assert_int_equal(why, THROTTLE_PAIR);
	assert_int_equal(o.pair_until, now + 30 * SEC);
	assert_false(o.ceiling_crossed);
	assert_int_equal(o.account_until, 0);
	/* The owner from another address is not delayed at all. */
	assert_int_equal(throttle_check(t, "alice", "198.51.100.1", now, &why), 0);
	assert_int_equal(why, THROTTLE_NONE);
	/* Nor is another account from the guessing address. */
	assert_int_equal(throttle_check(t, "bob", "192.0.2.7", now, NULL), 0);

	/* Each further failure (made once the delay ended) doubles it. */
	int64_t want = 30 * SEC;
	for (int i = 0; i < 8; i++) {
		now += want;
		assert_int_equal(throttle_check(t, "alice", "192.0.2.7", now, NULL), 0);
		throttle_failure(t, "alice", "192.0.2.7", now, NULL);
		want = want * 2 < CAP ? want * 2 : CAP;
		assert_int_equal(throttle_check(t, "alice", "192.0.2.7", now, NULL), want);
		assert_int_equal(throttle_check(t, "alice", "198.51.100.1", now, NULL), 0);
	}
	assert_int_equal(want, CAP);
	throttle_free(t);
}

/* A success from the pair clears the pair only. */
static void test_success_clears_pair(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(&rules);
	int64_t now = T0;
	for (int i = 0; i < 7; i++) {
		throttle_failure(t, "alice", "192.0.2.7", now, NULL);
		throttle_failure(t, "alice", "192.0.2.8", now, NULL);
	}
	assert_true(throttle_check(t, "alice", "192.0.2.7", now, NULL) > 0);
	assert_true(throttle_check(t, "alice", "192.0.2.8", now, NULL) > 0);
	struct throttle_view v;
	throttle_account_view(t, "alice", now, &v);
	assert_int_equal(v.addresses, 2);
	assert_int_equal(v.until, 0);

	/* (As after a success that started before the delay.) */
	throttle_success(t, "alice", "192.0.2.7");
	assert_int_equal(throttle_check(t, "alice", "192.0.2.7", now, NULL), 0);
	assert_true(throttle_check(t, "alice", "192.0.2.8", now, NULL) > 0);
	throttle_account_view(t, "alice", now, &v);
	assert_int_equal(v.addresses, 1);
	/* Five free failures again from the cleared pair. */
	for (int i = 0; i < 5; i++)
		throttle_failure(t, "alice", "192.0.2.7", now, NULL);
	assert_int_equal(throttle_check(t, "alice", "192.0.2.7", now, NULL), 0);
	throttle_failure(t, "alice", "192.0.2.7", now, NULL);
	assert_int_equal(throttle_check(t, "alice", "192.0.2.7", now, NULL), 30 * SEC);
	throttle_free(t);
}

/* After an hour's quiet, with the delay over, a pair starts again. */
static void test_quiet_hour_forgets(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(&rules);
	int64_t now = T0;
	for (int i = 0; i < 10; i++)
		throttle_failure(t, "alice", "192.0.2.7", now, NULL);
	assert_int_equal(throttle_check(t, "alice", "192.0.2.7", now, NULL), 480 * SEC);
	/* Still remembered just short of the hour. */
	now += HOUR - 1;
	assert_int_equal(throttle_prune(t, now), 0);
	throttle_failure(t, "alice", "192.0.2.7", now, NULL);
	assert_int_equal(throttle_check(t, "alice", "192.0.2.7", now, NULL), CAP);
	now += HOUR;
	throttle_failure(t, "alice", "192.0.2.7", now, NULL);
	assert_int_equal(throttle_check(t, "alice", "192.0.2.7", now, NULL), 0);
	/* Pruned once quiet: nothing of the three keys is left. */
	now += HOUR;
	assert_int_equal(throttle_size(t), 3);
	assert_int_equal(throttle_prune(t, now), 3);
	assert_int_equal(throttle_size(t), 0);
	throttle_free(t);
}

/* 100 failures an hour from all addresses delay the account everywhere,
 * until the hour that began with the first of them is over. */
static void test_account_ceiling(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(&rules);
	int64_t start = T0, now = T0;
	char addr[32];
	int crossed = 0;
	/* Five from each of 20 addresses: no pair is ever delayed. */
	for (int i = 0; i < CEILING; i++) {
		snprintf(addr, sizeof addr, "10.0.%d.1", i / 5);
		assert_int_equal(throttle_check(t, "alice", addr, now, NULL), 0);
		struct throttle_outcome o;
		throttle_failure(t, "alice", addr, now, &o);
		assert_int_equal(o.account_failures, i + 1);
		if (o.ceiling_crossed) {
			crossed++;
			assert_int_equal(i + 1, CEILING);
			assert_int_equal(o.account_until, start + HOUR);
		}
		now += 10 * SEC;
	}
	assert_int_equal(crossed, 1);
	enum throttle_reason why;
	assert_int_equal(throttle_check(t, "alice", "192.0.2.99", now, &why), start + HOUR - now);
	assert_int_equal(why, THROTTLE_ACCOUNT);
	struct throttle_view v;
	throttle_account_view(t, "alice", now, &v);
	assert_int_equal(v.until, start + HOUR);
	assert_int_equal(v.addresses, 0);
	/* Other accounts are untouched. */
	assert_int_equal(throttle_check(t, "bob", "192.0.2.99", now, NULL), 0);
	/* A further failure (one that was in flight) does not cross again. */
	struct throttle_outcome o;
	throttle_failure(t, "alice", "192.0.2.99", now, &o);
	assert_false(o.ceiling_crossed);
	/* A success does not lift the ceiling: it counts failures. */
	throttle_success(t, "alice", "192.0.2.99");
	assert_true(throttle_check(t, "alice", "192.0.2.98", now, NULL) > 0);
	/* The hour over, the owner is in again. */
	assert_int_equal(throttle_check(t, "alice", "192.0.2.99", start + HOUR, NULL), 0);
	throttle_account_view(t, "alice", start + HOUR, &v);
	assert_int_equal(v.until, 0);
	throttle_free(t);
}

/* An admin's reset forgets the account everywhere, and says so. */
static void test_clear_account(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(&rules);
	struct journal j;
	memset(&j, 0, sizeof j);
	int64_t now = T0;
	char addr[32];
	for (int i = 0; i < CEILING; i++) {
		snprintf(addr, sizeof addr, "10.0.%d.1", i / 5);
		throttle_failure(t, "alice", addr, now, NULL);
	}
	for (int i = 0; i < 7; i++)
		throttle_failure(t, "bob", "10.0.0.1", now, NULL);
	assert_true(throttle_check(t, "alice", "192.0.2.1", now, NULL) > 0);
	throttle_set_journal(t, journal_keep, &j);
	throttle_clear_account(t, "alice");
	assert_int_equal(j.calls, 1);
	assert_int_equal(j.n, 1);
	assert_int_equal(j.rows[0].op, THROTTLE_CLEAR_ACCOUNT);
	assert_string_equal(j.rows[0].account, "alice");
	assert_int_equal(throttle_check(t, "alice", "192.0.2.1", now, NULL), 0);
	assert_int_equal(throttle_check(t, "alice", "10.0.0.1", now, NULL), 0);
	struct throttle_view v;
	throttle_account_view(t, "alice", now, &v);
	assert_int_equal(v.until, 0);
	assert_int_equal(v.addresses, 0);
	/* bob's pair and the 20 addresses' own rows stay. */
	assert_true(throttle_check(t, "bob", "10.0.0.1", now, NULL) > 0);
	assert_int_equal(throttle_size(t), 20 + 2);
	/* Clearing an account the table does not hold still reaches the
	 * stored copy; an empty name clears nothing. */
	throttle_clear_account(t, "carol");
	assert_int_equal(j.n, 2);
	throttle_clear_account(t, "");
	assert_int_equal(j.n, 2);
	throttle_free(t);
}

/* Spraying many accounts from one address slows that address, high
 * enough for a site's NAT; a success from it restarts the count. */
static void test_address_limit(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(&rules);
	int64_t now = T0;
	char user[32];
	for (int i = 0; i < 50; i++) {
		snprintf(user, sizeof user, "spray-%02d", i);
		throttle_failure(t, user, "192.0.2.7", now, NULL);
	}
	assert_int_equal(throttle_check(t, "innocent", "192.0.2.7", now, NULL), 0);
	throttle_failure(t, "spray-50", "192.0.2.7", now, NULL);
	enum throttle_reason why;
	assert_int_equal(throttle_check(t, "innocent", "192.0.2.7", now, &why), 30 * SEC);
	assert_int_equal(why, THROTTLE_ADDRESS);
	assert_int_equal(throttle_check(t, "innocent", "192.0.2.8", now, NULL), 0);
	/* Someone behind that address logs in: the address starts over. */
	throttle_success(t, "colleague", "192.0.2.7");
	assert_int_equal(throttle_check(t, "innocent", "192.0.2.7", now, NULL), 0);
	throttle_free(t);
}

/* The journal gets whole rows: a failure the three keys' new states, a
 * success the pair's delete and the address's new state. */
static void test_journal_rows(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(&rules);
	struct journal j;
	memset(&j, 0, sizeof j);
	throttle_set_journal(t, journal_keep, &j);
	throttle_failure(t, "alice", "192.0.2.7", T0, NULL);
	throttle_failure(t, "alice", "192.0.2.7", T0 + SEC, NULL);
	assert_int_equal(j.calls, 2);
	assert_int_equal(j.n, 6);
	int seen = 0;
	for (size_t i = 3; i < 6; i++) {
		assert_int_equal(j.rows[i].op, THROTTLE_PUT);
		assert_int_equal(j.rows[i].st.failures, 2);
		assert_int_equal(j.rows[i].st.window_failures, 2);
		assert_int_equal(j.rows[i].st.window_start, T0);
		assert_int_equal(j.rows[i].st.last_failure, T0 + SEC);
		if (strcmp(j.rows[i].account, "alice") == 0 &&
		    strcmp(j.rows[i].addr, "192.0.2.7") == 0)
			seen |= 1;
		else if (strcmp(j.rows[i].account, "alice") == 0 && j.rows[i].addr[0] == '\0')
			seen |= 2;
		else if (j.rows[i].account[0] == '\0' && strcmp(j.rows[i].addr, "192.0.2.7") == 0)
			seen |= 4;
	}
	assert_int_equal(seen, 7);
	j.n = 0;
	throttle_success(t, "alice", "192.0.2.7");
	assert_int_equal(j.n, 2);
	assert_int_equal(j.rows[0].op, THROTTLE_DELETE);
	assert_string_equal(j.rows[0].account, "alice");
	assert_string_equal(j.rows[0].addr, "192.0.2.7");
	assert_int_equal(j.rows[1].op, THROTTLE_PUT);
	assert_string_equal(j.rows[1].account, "");
	assert_int_equal(j.rows[1].st.failures, 0);
	/* A success with nothing to clear writes nothing. */
	j.n = 0;
	throttle_success(t, "alice", "192.0.2.7");
	throttle_success(t, "dave", "192.0.2.50");
	assert_int_equal(j.n, 0);
	/* Reads write nothing either. */
	struct throttle_view v;
	throttle_account_view(t, "alice", T0, &v);
	throttle_check(t, "alice", "192.0.2.7", T0, NULL);
	assert_int_equal(j.n, 0);
	throttle_free(t);
}

/* The table never holds more than its bound; the least recently failed
 * keys go first, and a flood never delays a key it did not touch. */
static void test_bounded(void **state)
{
	(void)state;
	struct throttle_rules small = rules;
	small.max_entries = 64;
	struct throttle *t = throttle_new(&small);
	int64_t now = T0;
	/* alice is throttled from one address, then a flood of made-up names
	 * from many addresses fills the table many times over. */
	for (int i = 0; i < 7; i++)
		throttle_failure(t, "alice", "192.0.2.7", now, NULL);
	char user[32], addr[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(user, sizeof user, "made-up-%d", i);
		snprintf(addr, sizeof addr, "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
		throttle_failure(t, user, addr, now + i, NULL);
		assert_true(throttle_size(t) <= 64);
	}
	/* The newest are remembered (and throttled as usual). */
	for (int i = 0; i < 6; i++)
		throttle_failure(t, "made-up-4999", "10.0.19.135", now + 5000, NULL);
	assert_true(throttle_check(t, "made-up-4999", "10.0.19.135", now + 5000, NULL) > 0);
	/* The owner, never seen by the flood, is not delayed by it. */
	assert_int_equal(throttle_check(t, "owner", "192.0.2.1", now + 5000, NULL), 0);
	/* Everything goes once quiet. */
	unsigned held = throttle_size(t);
	assert_int_equal(throttle_prune(t, now + 3 * HOUR), held);
	assert_int_equal(throttle_size(t), 0);
	throttle_free(t);
}

/* Rows read at start-up come back as they were; damaged ones are clamped
 * to what the rules could have produced; stale ones are skipped. */
static void test_restore(void **state)
{
	(void)state;
	struct throttle *t = throttle_new(&rules);
	int64_t now = T0;
	struct throttle_state pair = {8, now + 100 * SEC, now - 20 * SEC, 8, now - 20 * SEC};
	assert_int_equal(throttle_restore(t, "alice", "192.0.2.7", &pair, now), 1);
	assert_int_equal(throttle_check(t, "alice", "192.0.2.7", now, NULL), 100 * SEC);
	assert_int_equal(throttle_check(t, "alice", "192.0.2.8", now, NULL), 0);
	/* The count came back too: the next failure continues the doubling. */
	now += 100 * SEC;
	throttle_failure(t, "alice", "192.0.2.7", now, NULL);
	assert_int_equal(throttle_check(t, "alice", "192.0.2.7", now, NULL), 240 * SEC);

	/* A row delayed for ever is held to the cap after its last failure. */
	struct throttle_state forever = {9, INT64_MAX, now - MIN, 9, now - MIN};
	assert_int_equal(throttle_restore(t, "bob", "192.0.2.7", &forever, now), 1);
	assert_int_equal(throttle_check(t, "bob", "192.0.2.7", now, NULL), CAP - MIN);
	/* An account row past its window is held to the window's end. */
	struct throttle_state ceiling = {0, now + 24 * HOUR, now - 10 * MIN, CEILING, now - MIN};
	assert_int_equal(throttle_restore(t, "carol", "", &ceiling, now), 1);
	assert_int_equal(throttle_check(t, "carol", "203.0.113.1", now, NULL), 50 * MIN);
	/* A failure in the future (the clock went back) counts as now. */
	struct throttle_state future = {6, now + 10 * HOUR, now + 9 * HOUR, 6, now + 9 * HOUR};
	assert_int_equal(throttle_restore(t, "dave", "192.0.2.7", &future, now), 1);
	assert_true(throttle_check(t, "dave", "192.0.2.7", now, NULL) <= CAP);
	/* Nothing left to remember: skipped. */
	struct throttle_state stale = {3, now - 2 * HOUR, now - 2 * HOUR, 3, now - 2 * HOUR};
	assert_int_equal(throttle_restore(t, "erin", "192.0.2.7", &stale, now), 0);
	assert_int_equal(throttle_restore(t, "", "", &pair, now), 0);
	struct throttle_view v;
	throttle_account_view(t, "bob", now, &v);
	assert_int_equal(v.addresses, 1);
	throttle_free(t);
}

/* --- the stored copy ---------------------------------------------------- */

struct fixture {
	char dir[64];
	char path[96];
	struct db *db;
};

static int db_setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/assure-test-throttle-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/a.db", f->dir);
	char *cause = NULL;
	int v = 0;
	if (db_open(f->path, DB_CREATE, &f->db, &cause) < 0 || db_migrate(f->db, &v, &cause) < 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	*state = f;
	return 0;
}

static int db_teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Applies the journal's rows as the writer's job does. */
static void store_rows(void *arg, const struct throttle_row *rows, size_t n)
{
	struct db *db = arg;
	for (size_t i = 0; i < n; i++) {
		char *cause = NULL;
		if (store_throttle_apply(db, &rows[i], &cause) != 0)
			fail_msg("store_throttle_apply: %s", cause);
	}
}

static int64_t count_rows(struct db *db)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(
	    sqlite3_prepare_v2(db_handle(db), "SELECT count(*) FROM login_throttle", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	int64_t n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

/* What the journal wrote comes back in a new table as it was in the old
 * one: delays, counts, the ceiling, and what a success or clear removed. */
static void test_store_round_trip(void **state)
{
	struct fixture *f = *state;
	struct throttle *t = throttle_new(&rules);
	throttle_set_journal(t, store_rows, f->db);
	int64_t now = T0;
	char addr[32];
	for (int i = 0; i < CEILING; i++) {
		snprintf(addr, sizeof addr, "10.0.%d.1", i / 5);
		throttle_failure(t, "alice", addr, now, NULL);
	}
	for (int i = 0; i < 8; i++)
		throttle_failure(t, "bob", "192.0.2.7", now, NULL);
	for (int i = 0; i < 8; i++)
		throttle_failure(t, "carol", "192.0.2.7", now, NULL);
	throttle_success(t, "carol", "192.0.2.7");
	for (int i = 0; i < 8; i++)
		throttle_failure(t, "dave", "192.0.2.8", now, NULL);
	throttle_clear_account(t, "dave");
	int64_t bob_wait = throttle_check(t, "bob", "192.0.2.7", now + SEC, NULL);
	throttle_free(t);

	/* The restart. */
	struct throttle *r = throttle_new(&rules);
	char *cause = NULL;
	size_t n = 0;
	assert_int_equal(store_throttle_load(f->db, r, now + SEC, &n, &cause), 0);
	/* alice: 20 pairs and her row; bob: a pair and his row; carol: her
	 * row (the pair went with the success); the 22 addresses' rows. */
	assert_int_equal(n, 21 + 2 + 1 + 22);
	enum throttle_reason why;
	assert_int_equal(throttle_check(r, "alice", "198.51.100.1", now + SEC, &why), HOUR - SEC);
	assert_int_equal(why, THROTTLE_ACCOUNT);
	assert_int_equal(throttle_check(r, "bob", "192.0.2.7", now + SEC, NULL), bob_wait);
	assert_int_equal(throttle_check(r, "bob", "192.0.2.8", now + SEC, NULL), 0);
	assert_int_equal(throttle_check(r, "carol", "192.0.2.7", now + SEC, NULL), 0);
	assert_int_equal(throttle_check(r, "dave", "192.0.2.8", now + SEC, NULL), 0);
	struct throttle_view v;
	throttle_account_view(r, "alice", now + SEC, &v);
	assert_int_equal(v.until, now + HOUR);
	throttle_free(r);

	/* An admin's reset, as its transaction does it. */
	assert_int_equal(store_throttle_clear_account(f->db, "alice", &cause), 0);
	r = throttle_new(&rules);
	assert_int_equal(store_throttle_load(f->db, r, now + SEC, &n, &cause), 0);
	assert_int_equal(n, 2 + 1 + 22);
	assert_int_equal(throttle_check(r, "alice", "198.51.100.1", now + SEC, NULL), 0);
	throttle_free(r);
}

/* Pruning removes what memory would forget, then caps the rest. */
static void test_store_prune(void **state)
{
	struct fixture *f = *state;
	struct throttle *t = throttle_new(&rules);
	throttle_set_journal(t, store_rows, f->db);
	char user[32];
	/* 40 accounts failing once each from one address, a minute apart. */
	for (int i = 0; i < 40; i++) {
		snprintf(user, sizeof user, "user-%02d", i);
		throttle_failure(t, user, "192.0.2.7", T0 + i * MIN, NULL);
	}
	throttle_free(t);
	assert_int_equal(count_rows(f->db), 2 * 40 + 1);
	char *cause = NULL;
	/* An hour after the 20th failure, the first 20 accounts are quiet. */
	assert_int_equal(store_throttle_prune(f->db, T0 + 19 * MIN + HOUR, 0, &cause), 0);
	assert_int_equal(count_rows(f->db), 2 * 20 + 1);
	/* Capped at 10 rows: the newest stay. */
	assert_int_equal(store_throttle_prune(f->db, T0 + 19 * MIN + HOUR, 10, &cause), 0);
	int64_t left = count_rows(f->db);
	assert_true(left >= 10 && left <= 12); /* ties at the boundary stay */
	/* The newest account's rows are among them. */
	struct throttle *r = throttle_new(&rules);
	size_t n = 0;
	assert_int_equal(store_throttle_load(f->db, r, T0 + 40 * MIN, &n, &cause), 0);
	assert_int_equal(n, (size_t)left);
	for (int i = 0; i < 5; i++)
		throttle_failure(r, "user-39", "192.0.2.7", T0 + 40 * MIN, NULL);
	/* Its pair's first failure was stored: the fifth here is the sixth. */
	assert_int_equal(throttle_check(r, "user-39", "192.0.2.7", T0 + 40 * MIN, NULL), 30 * SEC);
	throttle_free(r);
	/* Everything goes once quiet. */
	assert_int_equal(store_throttle_prune(f->db, T0 + 40 * MIN + HOUR, 10, &cause), 0);
	assert_int_equal(count_rows(f->db), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backoff_schedule),
	    cmocka_unit_test(test_pair_backoff),
	    cmocka_unit_test(test_success_clears_pair),
	    cmocka_unit_test(test_quiet_hour_forgets),
	    cmocka_unit_test(test_account_ceiling),
	    cmocka_unit_test(test_clear_account),
	    cmocka_unit_test(test_address_limit),
	    cmocka_unit_test(test_journal_rows),
	    cmocka_unit_test(test_bounded),
	    cmocka_unit_test(test_restore),
	    cmocka_unit_test_setup_teardown(test_store_round_trip, db_setup, db_teardown),
	    cmocka_unit_test_setup_teardown(test_store_prune, db_setup, db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
