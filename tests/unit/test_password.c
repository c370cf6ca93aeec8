/*
 * Password hashing and policy (server/core/password.c). The stored form must be
 * argon2id with the parameters in password.h (the trust's security review
 * signs off on exactly those), every hash must carry its own salt, verify
 * must refuse anything that is not argon2id, and the length policy must
 * hold at both ends. Each hash costs tens of milliseconds, so the tests
 * make only a handful.
 *
 * The policy follows NIST SP 800-63B: at least 12 characters (code
 * points, for UTF-8), at most 1024 bytes (that bound is on argon2's work,
 * so bytes are right), no composition rules, and a blocklist.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <argon2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "password.h"
#include "xmalloc.h"

#define PW "correct horse battery staple"

static char *hash_or_fail(const char *pw)
{
	char *cause = NULL;
	char *h = password_hash(pw, &cause);
	if (h == NULL)
		fprintf(stderr, "password_hash: %s\n", cause);
	assert_non_null(h);
	assert_null(cause);
	return h;
}

static int setup(void **state)
{
	*state = hash_or_fail(PW);
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void test_hash_format(void **state)
{
	const char *h = *state;
	char prefix[64];
	snprintf(prefix, sizeof prefix, "$argon2id$v=19$m=%d,t=%d,p=%d$", PASSWORD_M_COST_KIB,
		 PASSWORD_T_COST, PASSWORD_PARALLELISM);
	/* The literal the security review approved, not just the macros. */
	assert_string_equal(prefix, "$argon2id$v=19$m=19456,t=2,p=1$");
	assert_memory_equal(h, prefix, strlen(prefix));
	/* salt$hash: a 16-byte salt (22 base64 characters, unpadded) and a
	 * 32-byte hash (43). */
	const char *salt = h + strlen(prefix);
	const char *dollar = strchr(salt, '$');
	assert_non_null(dollar);
	assert_int_equal(dollar - salt, 22);
	assert_int_equal(strlen(dollar + 1), 43);
	assert_null(strstr(h, PW));
}

static void test_verify_right_and_wrong(void **state)
{
	const char *h = *state;
	assert_int_equal(password_verify(h, PW), 1);
	assert_int_equal(password_verify(h, PW "!"), 0);
	assert_int_equal(password_verify(h, "correct horse battery stapl"), 0);
	assert_int_equal(password_verify(h, "Correct horse battery staple"), 0);
	assert_int_equal(password_verify(h, ""), 0);
}

/* A fresh salt each time: equal passwords never have equal hashes. */
static void test_salted(void **state)
{
	const char *h1 = *state;
	char *h2 = hash_or_fail(PW);
	assert_string_not_equal(h1, h2);
	/* Different salt part, not just a different digest. */
	const char *s1 = strrchr(h1, '$');
	const char *s2 = strrchr(h2, '$');
	assert_int_equal(s1 - h1, s2 - h2);
	size_t salt_off = strlen("$argon2id$v=19$m=19456,t=2,p=1$");
	assert_memory_not_equal(h1 + salt_off, h2 + salt_off, 22);
	assert_int_equal(password_verify(h2, PW), 1);
	free(h2);
}

/* Anything but an argon2id encoding is refused, even when it would match:
 * argon2i/argon2d with the right password, other schemes, damaged
 * strings. */
static void test_verify_rejects_non_argon2id(void **state)
{
	const char *h = *state;
	uint8_t salt[16];
	memset(salt, 0x5a, sizeof salt);
	char enc[256];
	assert_int_equal(argon2i_hash_encoded(2, 1024, 1, PW, strlen(PW), salt, sizeof salt, 32,
					      enc, sizeof enc),
			 ARGON2_OK);
	assert_int_equal(strncmp(enc, "$argon2i$", 9), 0);
	assert_int_equal(argon2i_verify(enc, PW, strlen(PW)), ARGON2_OK); /* it is valid */
	assert_int_equal(password_verify(enc, PW), 0);
	assert_int_equal(argon2d_hash_encoded(2, 1024, 1, PW, strlen(PW), salt, sizeof salt, 32,
					      enc, sizeof enc),
			 ARGON2_OK);
	assert_int_equal(password_verify(enc, PW), 0);

	assert_int_equal(password_verify("", PW), 0);
	assert_int_equal(password_verify(PW, PW), 0); /* plaintext in the column */
	assert_int_equal(
	    password_verify("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", PW), 0);
	assert_int_equal(password_verify("$argon2id$", PW), 0);
	assert_int_equal(password_verify("$argon2id$v=19$m=19456,t=2,p=1$garbage", PW), 0);
	assert_int_equal(password_verify("$ARGON2ID$v=19$m=19456,t=2,p=1$x$y", PW), 0);

	/* Truncated, and one character of the digest changed. */
	char *bad = xstrdup(h);
	bad[strlen(bad) - 5] = '\0';
	assert_int_equal(password_verify(bad, PW), 0);
	free(bad);
	bad = xstrdup(h);
	char *last = bad + strlen(bad) - 2;
	*last = *last == 'A' ? 'B' : 'A';
	assert_int_equal(password_verify(bad, PW), 0);
	free(bad);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An unknown user costs about what a known one does. The bound is loose
 * (a quarter) so a busy machine does not make it flaky; a dummy that
 * skipped the work would take microseconds. */
static void test_verify_dummy_costs_a_verify(void **state)
{
	const char *h = *state;
	password_verify_dummy(PW); /* the first call builds the dummy hash */
	double t0 = now_s();
	assert_int_equal(password_verify(h, "wrong password!"), 0);
	double real = now_s() - t0;
	t0 = now_s();
	password_verify_dummy("wrong password!");
	double dummy = now_s() - t0;
	if (dummy < real / 4)
		fprintf(stderr, "verify %.3fs, dummy %.3fs\n", real, dummy);
	assert_true(dummy >= real / 4);
}

static char *repeat(char c, size_t n)
{
	char *s = xmalloc(n + 1);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* n bytes of lower-case letters with no pattern the policy looks for (no
 * period, no run, not on the list): a fixed LCG, so runs are repeatable. */
static char *varied(size_t n)
{
	char *s = xmalloc(n + 1);
	uint32_t x = 12345;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		s[i] = (char)('a' + (x >> 16) % 26);
	}
	s[n] = '\0';
	return s;
}

static void expect_refused(const char *pw, const char *user, const char *needle)
{
	const char *why = password_policy_check(pw, user);
	if (why == NULL || (needle != NULL && strstr(why, needle) == NULL))
		fprintf(stderr, "policy on '%.40s': %s\n", pw, why ? why : "accepted");
	assert_non_null(why);
	assert_true(strlen(why) > 0);
	if (needle != NULL)
		assert_non_null(strstr(why, needle));
}

static void expect_accepted(const char *pw, const char *user)
{
	const char *why = password_policy_check(pw, user);
	if (why != NULL)
		fprintf(stderr, "policy refused '%.40s': %s\n", pw, why);
	assert_null(why);
}

/* The length limits at both ends, in ASCII. */
static void test_policy_lengths(void **state)
{
	(void)state;
	static const struct {
		size_t len;
		int ok;
	} cases[] = {
	    {0, 0}, {1, 0}, {11, 0}, {12, 1}, {13, 1}, {1023, 1}, {1024, 1}, {1025, 0}, {4096, 0},
	};
	assert_int_equal(PASSWORD_MIN_LEN, 12);
	assert_int_equal(PASSWORD_MAX_LEN, 1024);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *pw = varied(cases[i].len);
		if (cases[i].ok)
			expect_accepted(pw, "alice");
		else /* the message states the limit it enforces */
			expect_refused(pw, "alice",
				       cases[i].len < PASSWORD_MIN_LEN ? "12" : "1024");
		free(pw);
	}
}

/* At least 12 characters means code points for UTF-8 (what a person
 * counts), and bytes for anything that is not valid UTF-8; the upper
 * limit is always bytes, since it bounds argon2's input. */
static void test_policy_counts_characters(void **state)
{
	(void)state;
	/* Twelve Greek letters (24 bytes) pass; eleven (22 bytes) do not. */
	const char *greek12 = "\xce\xb1\xce\xb2\xce\xb3\xce\xb4\xce\xb5\xce\xb6"
			      "\xce\xb7\xce\xb8\xce\xb9\xce\xba\xce\xbb\xce\xbc";
	expect_accepted(greek12, "alice");
	char greek11[32];
	snprintf(greek11, sizeof greek11, "%.*s", 22, greek12);
	expect_refused(greek11, "alice", "12");
	/* Six two-byte characters are 12 bytes but 6 characters. */
	expect_refused("\xc3\xa9t\xc3\xa9\xc3\xa0\xc3\xa7\xc3\xb6x", "alice", "12");
	/* Three four-byte emoji and nine letters: 12 characters. */
	expect_accepted("\xf0\x9f\x94\x92\xf0\x9f\x90\xb1\xf0\x9f\x8c\xb5quagmirex", "alice");
	expect_refused("\xf0\x9f\x94\x92\xf0\x9f\x90\xb1\xf0\x9f\x8c\xb5quagmire", "alice", "12");
	/* Not UTF-8 (a stray continuation byte): counted in bytes. */
	expect_accepted("\x80zqmvkrwtpbn", "alice"); /* 12 bytes */
	expect_refused("\x80zqmvkrwtpb", "alice", "12");
	/* 512 two-byte characters are 1024 bytes: accepted; one more byte is
	 * too long however few characters that is. */
	char pw[1030];
	for (int i = 0; i < 512; i++) {
		pw[2 * i] = '\xd0';
		pw[2 * i + 1] = (char)(0x90 + (i * 7 + i / 3) % 32); /* Cyrillic, varied */
	}
	pw[1024] = '\0';
	expect_accepted(pw, "alice");
	pw[1024] = 'x';
	pw[1025] = '\0';
	expect_refused(pw, "alice", "1024");
}

/* NIST 800-63B's blocklist checks: repeats, sequences, keyboard walks, the
 * common-password list (any case, and with digits or symbols tacked on)
 * and the username. */
static void test_policy_refusals(void **state)
{
	(void)state;
	char *same = repeat('z', 16);
	expect_refused(same, "alice", "repeat");
	free(same);
	expect_refused("abcabcabcabc", "alice", "repeat");
	expect_refused("Abc1Abc1Abc1Abc1", "alice", "repeat"); /* case does not hide it */
	expect_refused("abcdefghijklm", "alice", "sequence");
	expect_refused("zyxwvutsrqpo", "alice", "sequence");
	expect_refused("qwertyuiop[]", "alice", "sequence");
	expect_refused("QWERTYUIOPASDF", "alice", "sequence");
	/* The one the header names as its own example. */
	expect_refused("123456789012", "alice", NULL);
	/* The list, in any case, bare or dressed up. */
	assert_true(password_common_count() > 1000);
	assert_true(password_is_common("password"));
	assert_false(password_is_common("tangerine-quokka-lattice"));
	expect_refused("WinnieThePooh", "alice", "common");
	expect_refused("password1234", "alice", "common");
	expect_refused("!!letmein2024!!", "alice", "common");
	expect_refused("2024Monkey!!!", "alice", "common");
	/* The username, in any case, anywhere. */
	expect_refused("my-alice-is-great", "alice", "username");
	expect_refused("My-ALICE-is-great", "alice", "username");
	/* A username under three characters is not a useful test. */
	expect_accepted("tangerine-quokka-al", "al");
	/* No composition rules: lower-case words with spaces are fine. */
	expect_accepted("correct horse battery staple", "alice");
	expect_accepted("tangerine quokka lattice", NULL);
}

/* A password at the maximum length hashes and verifies, and a difference
 * in its very last byte is noticed (no silent truncation). */
static void test_long_password(void **state)
{
	(void)state;
	char *pw = repeat('p', PASSWORD_MAX_LEN);
	char *h = hash_or_fail(pw);
	assert_int_equal(password_verify(h, pw), 1);
	pw[PASSWORD_MAX_LEN - 1] = 'q';
	assert_int_equal(password_verify(h, pw), 0);
	free(h);
	free(pw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_hash_format, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_right_and_wrong, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_salted, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_rejects_non_argon2id, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_verify_dummy_costs_a_verify, setup, teardown),
	    cmocka_unit_test(test_policy_lengths),
	    cmocka_unit_test(test_policy_counts_characters),
	    cmocka_unit_test(test_policy_refusals),
	    cmocka_unit_test(test_long_password),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
