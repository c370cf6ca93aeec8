/*
 * The in-memory session table (server/rpc/sessions.c). Every authenticated
 * request is admitted or refused by what this table says, so the tests pin
 * the exact boundaries (idle expiry at last_seen + idle, absolute expiry at
 * expires_at), revocation of a user's other sessions, pruning, and lookups
 * that stay exact through table growth and bucket collisions. Run under
 * ASan, a chain left pointing at a freed session shows up here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "sessions.h"
#include "xmalloc.h"

#define MANY 5000
#define IDLE_MS 1000

/* A distinct, well-spread hash for n (as a real token hash would be). */
static void hash_of(int64_t n, uint8_t out[CRYPTO_SHA256_LEN])
{
	char buf[32];
	int len = snprintf(buf, sizeof buf, "token-%lld", (long long)n);
	crypto_sha256(buf, (size_t)len, out);
}

static struct session *make_session(int64_t id, int64_t user_id, const uint8_t *hash,
				    int64_t last_seen, int64_t expires_at)
{
	struct session *s = xcalloc(1, sizeof *s);
	s->id = id;
	memcpy(s->token_hash, hash, CRYPTO_SHA256_LEN);
	s->user_id = user_id;
	s->username = xstrdup("alice");
	s->display_name = xstrdup("Alice A");
	s->role = xstrdup("admin");
	s->site = xstrdup("");
	s->client_addr = xstrdup("127.0.0.1:50000");
	s->cert_subject = xstrdup("");
	s->nroles = 2;
	s->roles = xcalloc(s->nroles, sizeof *s->roles);
	s->roles[0] = xstrdup("admin");
	s->roles[1] = xstrdup("auditor");
	s->created_at = last_seen;
	s->last_seen_at = last_seen;
	s->persisted_last_seen_at = last_seen;
	s->expires_at = expires_at;
	return s;
}

static struct session *add_numbered(struct session_table *t, int64_t id, int64_t user_id,
				    int64_t last_seen, int64_t expires_at)
{
	uint8_t h[CRYPTO_SHA256_LEN];
	hash_of(id, h);
	struct session *s = make_session(id, user_id, h, last_seen, expires_at);
	session_table_add(t, s);
	return s;
}

static struct session *find_numbered(struct session_table *t, int64_t id)
{
	uint8_t h[CRYPTO_SHA256_LEN];
	hash_of(id, h);
	return session_table_find(t, h);
}

static void test_empty_table(void **state)
{
	(void)state;
	struct session_table *t = session_table_new();
	assert_int_equal(session_table_count(t), 0);
	uint8_t h[CRYPTO_SHA256_LEN] = {0};
	assert_null(session_table_find(t, h));
	assert_int_equal(session_table_prune(t, 0, IDLE_MS), 0);
	session_table_free(t);
	session_table_free(NULL);
	session_free(NULL);
}

/* Enough sessions to force several doublings; every one is still found,
 * as the very object added, and near misses are not. */
static void test_add_find_many(void **state)
{
	(void)state;
	struct session_table *t = session_table_new();
	struct session **added = xcalloc(MANY + 1, sizeof *added);
	for (int64_t i = 1; i <= MANY; i++) {
		added[i] = add_numbered(t, i, i % 97, 0, 1000000);
		assert_int_equal(session_table_count(t), (size_t)i);
		/* Growth happens inside add: the first one must survive it. */
		assert_ptr_equal(find_numbered(t, 1), added[1]);
	}
	for (int64_t i = 1; i <= MANY; i++) {
		struct session *s = find_numbered(t, i);
		assert_ptr_equal(s, added[i]);
		assert_int_equal(s->id, i);
	}
	/* Misses: a hash never added, and one differing only in its last byte. */
	assert_null(find_numbered(t, MANY + 1));
	assert_null(find_numbered(t, 0));
	uint8_t h[CRYPTO_SHA256_LEN];
	hash_of(42, h);
	h[CRYPTO_SHA256_LEN - 1] ^= 0x01;
	assert_null(session_table_find(t, h));
	free(added);
	session_table_free(t);
}

/* Hashes that share their first bytes land in one chain: the lookup must
 * compare the whole hash, not just the part that picks the bucket. */
static void test_find_exact_in_one_bucket(void **state)
{
	(void)state;
	struct session_table *t = session_table_new();
	uint8_t h[4][CRYPTO_SHA256_LEN];
	struct session *s[3];
	for (int i = 0; i < 4; i++) {
		memset(h[i], 0xab, CRYPTO_SHA256_LEN);
		h[i][CRYPTO_SHA256_LEN - 1] = (uint8_t)i;
	}
	for (int i = 0; i < 3; i++) {
		s[i] = make_session(i + 1, 1, h[i], 0, 1000000);
		session_table_add(t, s[i]);
	}
	for (int i = 0; i < 3; i++)
		assert_ptr_equal(session_table_find(t, h[i]), s[i]);
	assert_null(session_table_find(t, h[3]));

	/* Pruning the middle of a chain keeps the rest reachable. */
	s[1]->revoked = true;
	assert_int_equal(session_table_prune(t, 0, IDLE_MS), 1);
	assert_int_equal(session_table_count(t), 2);
	assert_ptr_equal(session_table_find(t, h[0]), s[0]);
	assert_null(session_table_find(t, h[1]));
	assert_ptr_equal(session_table_find(t, h[2]), s[2]);
	session_table_free(t);
}

/* The exact boundaries: a session is idle-expired from last_seen + idle
 * on (not one millisecond later) and expired from expires_at on. */
static void test_session_state_boundaries(void **state)
{
	(void)state;
	uint8_t h[CRYPTO_SHA256_LEN];
	hash_of(1, h);
	struct session *s = make_session(1, 1, h, 10000, 50000);

	assert_int_equal(session_state(NULL, 0, IDLE_MS), SESSION_UNKNOWN);
	assert_int_equal(session_state(s, 10000, IDLE_MS), SESSION_VALID);
	assert_int_equal(session_state(s, 10000 + IDLE_MS - 1, IDLE_MS), SESSION_VALID);
	assert_int_equal(session_state(s, 10000 + IDLE_MS, IDLE_MS), SESSION_IDLE_EXPIRED);
	assert_int_equal(session_state(s, 10000 + IDLE_MS + 1, IDLE_MS), SESSION_IDLE_EXPIRED);

	/* Kept active right up to the absolute limit, which still ends it. */
	s->last_seen_at = 49999;
	assert_int_equal(session_state(s, 49999, IDLE_MS), SESSION_VALID);
	assert_int_equal(session_state(s, 50000, IDLE_MS), SESSION_EXPIRED);
	assert_int_equal(session_state(s, 50001, IDLE_MS), SESSION_EXPIRED);

	/* Both limits passed: the absolute one is reported. */
	s->last_seen_at = 10000;
	assert_int_equal(session_state(s, 60000, IDLE_MS), SESSION_EXPIRED);

	/* Revocation wins over everything, even inside every limit. */
	s->revoked = true;
	assert_int_equal(session_state(s, 10000, IDLE_MS), SESSION_REVOKED);
	assert_int_equal(session_state(s, 60000, IDLE_MS), SESSION_REVOKED);
	session_free(s);
}

static void test_session_state_messages(void **state)
{
	(void)state;
	const enum session_state all[] = {SESSION_VALID, SESSION_UNKNOWN, SESSION_REVOKED,
					  SESSION_IDLE_EXPIRED, SESSION_EXPIRED};
	const size_t n = sizeof all / sizeof all[0];
	for (size_t i = 0; i < n; i++) {
		const char *m = session_state_message(all[i]);
		assert_non_null(m);
		assert_true(strlen(m) > 0);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(m, session_state_message(all[j]));
	}
	/* Every refusal tells the user what to do next. */
	assert_non_null(strstr(session_state_message(SESSION_REVOKED), "log in"));
	assert_non_null(strstr(session_state_message(SESSION_IDLE_EXPIRED), "log in"));
	assert_non_null(strstr(session_state_message(SESSION_EXPIRED), "log in"));
}

/* A password change revokes the user's other sessions, keeping the one it
 * was made from; other users are untouched. */
static void test_revoke_user_keeps_one(void **state)
{
	(void)state;
	struct session_table *t = session_table_new();
	struct session *a1 = add_numbered(t, 1, 7, 0, 1000000);
	struct session *a2 = add_numbered(t, 2, 7, 0, 1000000);
	struct session *a3 = add_numbered(t, 3, 7, 0, 1000000);
	struct session *b4 = add_numbered(t, 4, 8, 0, 1000000);

	session_table_revoke_user(t, 7, 2);
	assert_true(a1->revoked);
	assert_false(a2->revoked);
	assert_true(a3->revoked);
	assert_false(b4->revoked);
	assert_int_equal(session_state(a1, 0, IDLE_MS), SESSION_REVOKED);
	assert_int_equal(session_state(a2, 0, IDLE_MS), SESSION_VALID);

	/* keep_id 0 keeps none. */
	session_table_revoke_user(t, 7, 0);
	assert_true(a2->revoked);
	assert_false(b4->revoked);
	/* An unknown user changes nothing. */
	session_table_revoke_user(t, 99, 0);
	assert_false(b4->revoked);
	/* Revocation only marks; removal is prune's job. */
	assert_int_equal(session_table_count(t), 4);
	session_table_free(t);
}

/* Prune removes exactly the sessions that are no longer valid at now. */
static void test_prune_only_invalid(void **state)
{
	(void)state;
	struct session_table *t = session_table_new();
	const int64_t now = 100000;
	/* id % 4: 0 valid, 1 idle-expired, 2 expired, 3 revoked. */
	size_t valid = 0;
	for (int64_t i = 1; i <= MANY; i++) {
		struct session *s;
		switch (i % 4) {
		case 0:
			s = add_numbered(t, i, 1, now - IDLE_MS + 1, now + 1);
			valid++;
			break;
		case 1:
			s = add_numbered(t, i, 1, now - IDLE_MS, now + 100000);
			break;
		case 2:
			s = add_numbered(t, i, 1, now, now);
			break;
		default:
			s = add_numbered(t, i, 1, now, now + 100000);
			s->revoked = true;
			break;
		}
		(void)s;
	}
	assert_int_equal(session_table_prune(t, now, IDLE_MS), MANY - valid);
	assert_int_equal(session_table_count(t), valid);
	for (int64_t i = 1; i <= MANY; i++) {
		struct session *s = find_numbered(t, i);
		if (i % 4 == 0) {
			assert_non_null(s);
			assert_int_equal(s->id, i);
			assert_int_equal(session_state(s, now, IDLE_MS), SESSION_VALID);
		} else {
			assert_null(s);
		}
	}
	/* Nothing more to prune at the same instant. */
	assert_int_equal(session_table_prune(t, now, IDLE_MS), 0);
	/* One millisecond on, the survivors hit their absolute limit. */
	assert_int_equal(session_table_prune(t, now + 1, IDLE_MS), valid);
	assert_int_equal(session_table_count(t), 0);
	session_table_free(t);
}

struct visit {
	int *seen;
	size_t calls;
};

static void count_visit(struct session *s, void *arg)
{
	struct visit *v = arg;
	v->calls++;
	assert_in_range(s->id, 1, MANY);
	v->seen[s->id]++;
}

static void test_foreach_visits_each_once(void **state)
{
	(void)state;
	struct session_table *t = session_table_new();
	for (int64_t i = 1; i <= MANY; i++)
		add_numbered(t, i, 1, 0, 1000000);
	struct visit v = {xcalloc(MANY + 1, sizeof *v.seen), 0};
	session_table_foreach(t, count_visit, &v);
	assert_int_equal(v.calls, MANY);
	for (int i = 1; i <= MANY; i++)
		assert_int_equal(v.seen[i], 1);

	/* After pruning half, foreach sees exactly the rest. */
	for (int64_t i = 2; i <= MANY; i += 2)
		find_numbered(t, i)->revoked = true;
	assert_int_equal(session_table_prune(t, 0, IDLE_MS), MANY / 2);
	memset(v.seen, 0, (MANY + 1) * sizeof *v.seen);
	v.calls = 0;
	session_table_foreach(t, count_visit, &v);
	assert_int_equal(v.calls, MANY / 2);
	for (int i = 1; i <= MANY; i++)
		assert_int_equal(v.seen[i], i % 2);
	free(v.seen);
	session_table_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_table),
	    cmocka_unit_test(test_add_find_many),
	    cmocka_unit_test(test_find_exact_in_one_bucket),
	    cmocka_unit_test(test_session_state_boundaries),
	    cmocka_unit_test(test_session_state_messages),
	    cmocka_unit_test(test_revoke_user_keeps_one),
	    cmocka_unit_test(test_prune_only_invalid),
	    cmocka_unit_test(test_foreach_visits_each_once),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
