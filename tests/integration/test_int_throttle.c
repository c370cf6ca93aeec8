/*
 * Login throttling and session expiry against a real assured whose clock
 * the test drives (assured --clock-file, see harness_server_start_clock):
 * minutes and hours pass in an instant.
 *
 * Throttling (server/domain/throttle.h, docs/ARCHITECTURE.md "Identity and
 * access"): per (account, client address) 5 failures are free, then
 * logins from that address are delayed 30 s, doubling per further failure,
 * capped at 15 minutes; during the back-off even the right password gets
 * "login failed" from that address, while the owner logs in from any
 * other. Per account, 100 failures within an hour from all addresses
 * together delay it everywhere (audited, shown by assure user show as
 * "throttled until"), until the hour ends or an admin resets the
 * password. An address failing for many accounts is slowed too. Unknown,
 * wrong, disabled and throttled all answer UNAUTHENTICATED "login failed"
 * (no enumeration). All of it survives a restart.
 *
 * Other client addresses are 127.0.0.2 and up (client_config.source_addr).
 * The back-off is measured without disturbing it: User.throttled (UserShow,
 * as an admin) says whether the account is delayed from some address at
 * the server's "now", so the test binary-searches the end of each delay by
 * moving the clock.
 *
 * Sessions: idle expiry (30 min) and absolute expiry (12 h), both
 * configurable; both survive a restart.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#define PW "throttle test passphrase 5"
#define WRONG "certainly the wrong password"
#define AUD_USER "thr-auditor"
#define AUD_PW "throttle auditor passphrase 9"
#define SEC 1000LL
#define MIN (60 * SEC)
#define HOUR (60 * MIN)
#define CAP_MS (15 * MIN)
#define FREE_FAILURES 5
#define CEILING 100
#define OTHER_ADDR "127.0.0.2"

struct clock_server {
	struct harness_server s;
	struct harness_clock clk;
};

static int clock_setup_args(void **state, const char *const *args)
{
	struct clock_server *cs = calloc(1, sizeof *cs);
	assert_non_null(cs);
	*state = cs;
	struct harness_server_opts opts = {.extra_args = args};
	harness_server_start_clock(&cs->s, &cs->clk, &opts);
	/* Users need a site. */
	struct client *admin = harness_connect_admin(&cs->s);
	struct harness_ireq r;
	harness_ireq_site_add(&r, "HQ", "Headquarters");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "SiteAdd HQ");
	client_free(admin);
	return 0;
}

/* The throttling tests keep an admin session open across hours of clock,
 * and make failed logins faster than the pre-login request rate allows a
 * person (that limit is not what they test). */
static const char *const long_sessions[] = {"--session-idle",
					    "12h",
					    "--session-max",
					    "48h",
					    "--preauth-rate",
					    "1000",
					    "--preauth-rate-per-address",
					    "10000",
					    NULL};

static int throttle_setup(void **state)
{
	return clock_setup_args(state, long_sessions);
}

static int clock_setup(void **state)
{
	return clock_setup_args(state, NULL);
}

static const char *const short_sessions[] = {"--session-idle", "5m", "--session-max", "1h", NULL};

static int short_setup(void **state)
{
	return clock_setup_args(state, short_sessions);
}

static int clock_teardown(void **state)
{
	struct clock_server *cs = *state;
	if (cs != NULL) {
		harness_server_destroy(&cs->s);
		free(cs);
	}
	return 0;
}

/* ---- helpers ----------------------------------------------------------- */

static void login_failed(struct client *c, const char *user, const char *password, const char *what)
{
	struct harness_ireq r;
	harness_ireq_login(&r, user, password, NULL);
	Assure__Response *resp = harness_icall(c, &r);
	int code = client_status_code(resp);
	if (code != ASSURE__CODE__UNAUTHENTICATED ||
	    strcmp(client_status_message(resp), "login failed") != 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", client_status_message(resp));
		assure__response__free_unpacked(resp, NULL);
		fail_msg("%s: expected UNAUTHENTICATED \"login failed\", got %s: \"%s\"", what,
			 harness_code_name(code), msg);
	}
	assure__response__free_unpacked(resp, NULL);
}

static void login_ok(struct client *c, const char *user, const char *password, const char *what)
{
	struct harness_ireq r;
	harness_ireq_login(&r, user, password, NULL);
	harness_iexpect_code(c, &r, ASSURE__CODE__OK, what);
}

/* A client with Hello done, connected from the local address source. */
static struct client *connect_from(const struct harness_server *s, const char *source)
{
	struct client *c = NULL;
	char *cause = NULL;
	if (harness_try_connect_from(s->addr, source, &c, &cause) != 0)
		fail_msg("connect from %s: %s", source, cause ? cause : "?");
	if (client_hello(c, "assure-int-test", &cause) != 0) {
		client_free(c);
		fail_msg("Hello from %s: %s", source, cause ? cause : "?");
	}
	return c;
}

/* The user as the server sees it now (caller frees the response). */
static Assure__Response *user_show(struct client *admin, const char *user)
{
	struct harness_ireq r;
	harness_ireq_user_show(&r, user);
	Assure__Response *resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "UserShow");
	assert_non_null(resp->user_show);
	assert_non_null(resp->user_show->user);
	return resp;
}

/* User.throttled as the server sees it now. */
static int throttled(struct client *admin, const char *user)
{
	Assure__Response *resp = user_show(admin, user);
	int t = resp->user_show->user->throttled;
	assure__response__free_unpacked(resp, NULL);
	return t;
}

/* The length of the back-off that started at clk->now_ms, to the second:
 * the smallest offset at which the account is no longer throttled, looked
 * for within [0, limit]. Leaves the clock at start + result. */
static int64_t measure_backoff(struct client *admin, struct harness_clock *clk, const char *user,
			       int64_t limit_ms)
{
	int64_t start = clk->now_ms;
	if (!throttled(admin, user))
		return 0;
	harness_clock_set(clk, start + limit_ms);
	if (throttled(admin, user))
		fail_msg("%s is still throttled %lld s after its last failure", user,
			 (long long)(limit_ms / SEC));
	int64_t lo = 0, hi = limit_ms / SEC; /* throttled at lo, not at hi (seconds) */
	while (hi - lo > 1) {
		int64_t mid = (lo + hi) / 2;
		harness_clock_set(clk, start + mid * SEC);
		if (throttled(admin, user))
			lo = mid;
		else
			hi = mid;
	}
	harness_clock_set(clk, start + hi * SEC);
	return hi * SEC;
}

/* Stops the server by its pid and starts it again on the same database
 * (and the same clock file). */
static void restart(struct clock_server *cs)
{
	int rc = harness_server_stop(&cs->s);
	if (rc != 0)
		harness_server_dump_log(&cs->s);
	assert_int_equal(rc, 0);
	harness_server_launch(&cs->s);
}

/* ---- throttling ---------------------------------------------------------- */

/* Five failures are free; a success clears the count; the sixth starts the
 * back-off, during which the right password is refused too. */
static void test_five_failures_then_backoff(void **state)
{
	struct clock_server *cs = *state;
	struct harness_server *s = &cs->s;
	struct client *admin = harness_connect_admin(s);
	harness_add_user(admin, "thr-a", "viewer", "HQ", PW, NULL);
	struct client *c = harness_connect_hello(s);
	char what[128];

	for (int i = 1; i <= FREE_FAILURES; i++) {
		snprintf(what, sizeof what, "failure %d", i);
		login_failed(c, "thr-a", WRONG, what);
		if (throttled(admin, "thr-a"))
			fail_msg("thr-a throttled after only %d failures", i);
	}
	login_ok(c, "thr-a", PW, "right password after 5 failures");
	/* The success cleared the count: five more are free again. */
	for (int i = 1; i <= FREE_FAILURES; i++) {
		snprintf(what, sizeof what, "failure %d after a success", i);
		login_failed(c, "thr-a", WRONG, what);
	}
	assert_false(throttled(admin, "thr-a"));
	login_failed(c, "thr-a", WRONG, "sixth consecutive failure");
	assert_true(throttled(admin, "thr-a"));
	login_failed(c, "thr-a", PW, "right password during the back-off");
	harness_clock_advance(&cs->clk, 1 * SEC);
	login_failed(c, "thr-a", PW, "right password 1 s into the back-off");

	/* Whatever the first delay, it is over within the cap. */
	harness_clock_advance(&cs->clk, CAP_MS);
	assert_false(throttled(admin, "thr-a"));
	login_ok(c, "thr-a", PW, "right password after the back-off");
	/* And that success cleared it: one failure is free again. */
	login_failed(c, "thr-a", WRONG, "a failure after the success");
	assert_false(throttled(admin, "thr-a"));
	login_ok(c, "thr-a", PW, "right password after one new failure");
	client_free(c);
	client_free(admin);
}

/* The first delay is 30 s; it doubles with each further failure until it
 * reaches 15 minutes, and stays there. */
static void test_backoff_exponential_and_capped(void **state)
{
	struct clock_server *cs = *state;
	struct harness_server *s = &cs->s;
	struct client *admin = harness_connect_admin(s);
	harness_add_user(admin, "thr-b", "viewer", "HQ", PW, NULL);
	struct client *c = harness_connect_hello(s);
	for (int i = 1; i <= FREE_FAILURES + 1; i++)
		login_failed(c, "thr-b", WRONG, "failure up to the first back-off");

	int64_t prev = 0;
	int capped = 0;
	int failures = FREE_FAILURES + 1;
	for (; failures <= 30 && capped < 2; failures++) {
		int64_t start = cs->clk.now_ms;
		/* Halfway through, the right password is refused. */
		int64_t d = measure_backoff(admin, &cs->clk, "thr-b", 20 * MIN);
		print_message("after %d failures: back-off %lld s\n", failures,
			      (long long)(d / SEC));
		if (d == 0)
			fail_msg("thr-b is not throttled after %d consecutive failures", failures);
		if (prev == 0 && (d < 30 * SEC - SEC || d > 30 * SEC + SEC))
			fail_msg("the first back-off (after %d failures) is %lld s, expected 30 s",
				 failures, (long long)(d / SEC));
		if (d > CAP_MS + SEC)
			fail_msg("back-off of %lld s after %d failures exceeds the 15-minute cap",
				 (long long)(d / SEC), failures);
		if (prev > 0 && prev < CAP_MS) {
			int64_t want = 2 * prev < CAP_MS ? 2 * prev : CAP_MS;
			if (d < want - SEC || d > want + SEC)
				fail_msg(
				    "back-off after %d failures is %lld s; after %d it was %lld s: "
				    "expected %lld s (doubling, capped at 900 s)",
				    failures, (long long)(d / SEC), failures - 1,
				    (long long)(prev / SEC), (long long)(want / SEC));
		}
		if (d >= CAP_MS - SEC)
			capped++;
		harness_clock_set(&cs->clk, start + d / 2);
		login_failed(c, "thr-b", PW, "right password halfway through a back-off");
		/* Past it: one more failure. */
		harness_clock_set(&cs->clk, start + d + SEC);
		if (capped < 2)
			login_failed(c, "thr-b", WRONG, "a further failure after the back-off");
		prev = d;
	}
	if (capped < 2)
		fail_msg("the back-off never reached the 15-minute cap");
	login_ok(c, "thr-b", PW, "right password after the capped back-off");
	assert_false(throttled(admin, "thr-b"));
	client_free(c);
	client_free(admin);
}

/* Guesses from one address delay that address only: the owner logs in at
 * once from another, and that success does not lift the guesser's delay. */
static void test_other_address_unaffected(void **state)
{
	struct clock_server *cs = *state;
	struct harness_server *s = &cs->s;
	struct client *admin = harness_connect_admin(s);
	harness_add_user(admin, "thr-owner", "viewer", "HQ", PW, NULL);
	struct client *guesser = connect_from(s, OTHER_ADDR);
	char what[128];
	for (int i = 1; i <= FREE_FAILURES + 5; i++) {
		snprintf(what, sizeof what, "guess %d from %s", i, OTHER_ADDR);
		login_failed(guesser, "thr-owner", WRONG, what);
	}
	login_failed(guesser, "thr-owner", PW, "the right password from the guessing address");
	Assure__Response *resp = user_show(admin, "thr-owner");
	const Assure__User *u = resp->user_show->user;
	assert_true(u->throttled);
	assert_int_equal(u->throttled_addresses, 1);
	assert_int_equal(u->throttled_until, 0); /* not delayed everywhere */
	assure__response__free_unpacked(resp, NULL);

	/* The owner, from 127.0.0.1, at once. */
	struct client *owner = harness_connect_hello(s);
	login_ok(owner, "thr-owner", PW, "the owner from 127.0.0.1 while 127.0.0.2 is delayed");
	client_free(owner);
	login_failed(guesser, "thr-owner", PW,
		     "the guessing address after the owner's success elsewhere");
	assert_true(throttled(admin, "thr-owner"));
	/* Its back-off runs out by itself. */
	harness_clock_advance(&cs->clk, CAP_MS + SEC);
	assert_false(throttled(admin, "thr-owner"));
	login_ok(guesser, "thr-owner", PW, "the right password from 127.0.0.2 after its back-off");
	client_free(guesser);
	client_free(admin);
}

/* Unknown, wrong, disabled and throttled are one answer; unknown names are
 * throttled like known ones. */
static void test_no_enumeration(void **state)
{
	struct clock_server *cs = *state;
	struct harness_server *s = &cs->s;
	struct client *admin = harness_connect_admin(s);
	harness_add_user(admin, "thr-known", "viewer", "HQ", PW, NULL);
	harness_add_user(admin, "thr-off", "viewer", "HQ", PW, NULL);
	struct harness_ireq r;
	harness_ireq_user_disable(&r, "thr-off", "test");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserDisable thr-off");
	struct client *c = harness_connect_hello(s);
	char what[128];
	for (int i = 1; i <= FREE_FAILURES + 2; i++) {
		snprintf(what, sizeof what, "unknown user, attempt %d", i);
		login_failed(c, "thr-nobody", WRONG, what);
		snprintf(what, sizeof what, "known user, wrong password, attempt %d", i);
		login_failed(c, "thr-known", WRONG, what);
	}
	login_failed(c, "thr-known", PW, "throttled user, right password");
	login_failed(c, "thr-off", PW, "disabled user, right password");
	login_failed(c, "thr-off", WRONG, "disabled user, wrong password");
	harness_clock_advance(&cs->clk, CAP_MS + SEC);
	login_ok(c, "thr-known", PW, "thr-known after the back-off");
	login_failed(c, "thr-off", PW, "disabled user after the back-off");
	client_free(c);
	client_free(admin);
}

/* One address failing for many accounts is slowed even for an account
 * that never failed. The server's default lets an address fail 50 times
 * in a row (staff share a site's NAT address); 60 failures here, 5 for
 * each of 12 unknown names so no pair alone explains it. Another address
 * is not slowed. */
static void test_per_address_limit(void **state)
{
	struct clock_server *cs = *state;
	struct harness_server *s = &cs->s;
	struct client *admin = harness_connect_admin(s);
	harness_add_user(admin, "thr-innocent", "viewer", "HQ", PW, NULL);
	client_free(admin);
	struct client *c = harness_connect_hello(s);
	char user[64], what[128];
	int64_t t0 = harness_now_ms();
	for (int u = 0; u < 12; u++)
		for (int i = 0; i < FREE_FAILURES; i++) {
			snprintf(user, sizeof user, "thr-spray-%02d", u);
			snprintf(what, sizeof what, "spray %s attempt %d", user, i + 1);
			login_failed(c, user, WRONG, what);
		}
	print_message("60 failed logins took %lld ms\n", (long long)(harness_now_ms() - t0));
	login_failed(c, "thr-innocent", PW,
		     "an account with no failures, from an address that failed 60 times");
	struct client *other = connect_from(s, OTHER_ADDR);
	login_ok(other, "thr-innocent", PW, "the same account from another address");
	client_free(other);
	harness_clock_advance(&cs->clk, CAP_MS + SEC);
	login_ok(c, "thr-innocent", PW, "the same account once the address back-off ended");
	client_free(c);
}

/* The AccountThrottled records of user, as an auditor sees them; waits a
 * little for the writer to commit (records are queued before the reply
 * that follows them, not committed). Returns how many, with the first's
 * reason in reason. */
static size_t ceiling_records(struct client *auditor, const char *user, char *reason, size_t size)
{
	for (int tries = 0; tries < 100; tries++) {
		struct harness_ireq r;
		harness_ireq_audit_query_object(&r, "user", user, NULL, "AccountThrottled");
		Assure__Response *resp =
		    harness_iexpect(auditor, &r, ASSURE__CODE__OK, "AuditQuery");
		size_t n = resp->audit_query->n_entries;
		if (n > 0) {
			const Assure__AuditEntry *e = resp->audit_query->entries[0];
			Assure__AuditRecord *rec =
			    assure__audit_record__unpack(NULL, e->record.len, e->record.data);
			assert_non_null(rec);
			snprintf(reason, size, "%s", rec->reason);
			assert_string_equal(rec->object_type, "user");
			assert_string_equal(rec->object_id, user);
			assert_string_equal(rec->status, "RESOURCE_EXHAUSTED");
			assure__audit_record__free_unpacked(rec, NULL);
		}
		assure__response__free_unpacked(resp, NULL);
		if (n > 0)
			return n;
		harness_sleep_ms(20);
	}
	return 0;
}

static char *cli_config_dir(void)
{
	char *tmp = harness_tempdir("thrcli");
	char *dir = NULL;
	if (asprintf(&dir, "%s/config", tmp) < 0)
		abort();
	free(tmp);
	return dir;
}

/* assure user show / list (and --json) as the admin: the ceiling's end. */
static void check_cli_shows_ceiling(const struct harness_server *s, const char *user,
				    int64_t until_ms)
{
	char *cfg = cli_config_dir();
	char *in = NULL;
	if (asprintf(&in, "%s\n", s->password) < 0)
		abort();
	struct harness_run r;
	harness_cli(s->addr, cfg, in, &r, "login", "--user", HARNESS_ADMIN, "--password-stdin",
		    NULL);
	free(in);
	if (r.status != 0)
		fail_msg("assure login: exit %d: %s", r.status, r.err);
	harness_run_free(&r);

	/* The delay ends within the second shown (rounded up). */
	char want[80];
	time_t t = (time_t)((until_ms + 999) / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	char when[32];
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(want, sizeof want, "throttled until %s", when);

	harness_cli(s->addr, cfg, NULL, &r, "user", "show", user, NULL);
	if (r.status != 0 || strstr(r.out, want) == NULL)
		fail_msg("assure user show %s: exit %d, no '%s' in:\n%s%s", user, r.status, want,
			 r.out, r.err);
	harness_run_free(&r);
	harness_cli(s->addr, cfg, NULL, &r, "user", "list", NULL);
	if (r.status != 0 || strstr(r.out, want) == NULL)
		fail_msg("assure user list: exit %d, no '%s' in:\n%s%s", r.status, want, r.out,
			 r.err);
	harness_run_free(&r);
	char key[96];
	snprintf(key, sizeof key, "\"throttled_until\":\"%s\"", when);
	harness_cli(s->addr, cfg, NULL, &r, "user", "show", user, "--json", NULL);
	if (r.status != 0 || strstr(r.out, key) == NULL ||
	    strstr(r.out, "\"throttled\":true") == NULL)
		fail_msg("assure user show %s --json: exit %d, no %s in:\n%s%s", user, r.status,
			 key, r.out, r.err);
	harness_run_free(&r);
	harness_cli(s->addr, cfg, NULL, &r, "user", "list", "--json", NULL);
	if (r.status != 0 || strstr(r.out, key) == NULL)
		fail_msg("assure user list --json: exit %d, no %s in:\n%s%s", r.status, key, r.out,
			 r.err);
	/* Someone not throttled shows null. */
	if (strstr(r.out, "\"throttled_until\":null") == NULL)
		fail_msg("assure user list --json: no \"throttled_until\":null in:\n%s", r.out);
	harness_run_free(&r);
	free(cfg);
}

/* 100 failures within the hour from 20 addresses, none of them delayed by
 * its own back-off, delay the account everywhere: the owner's right
 * password from yet another address is refused; the crossing is audited
 * once and shown to admins; a restart keeps it; the admin's password
 * reset ends it (and stays ended across a restart). */
static void test_account_ceiling(void **state)
{
	struct clock_server *cs = *state;
	struct harness_server *s = &cs->s;
	struct client *admin = harness_connect_admin(s);
	harness_add_user(admin, "thr-target", "viewer", "HQ", PW, NULL);
	harness_add_user(admin, AUD_USER, "auditor", "HQ", AUD_PW, NULL);
	int64_t start = cs->clk.now_ms;
	char addr[32], what[128];
	int64_t t0 = harness_now_ms();
	for (int a = 0; a < CEILING / FREE_FAILURES; a++) {
		snprintf(addr, sizeof addr, "127.0.0.%d", 10 + a);
		struct client *c = connect_from(s, addr);
		for (int i = 0; i < FREE_FAILURES; i++) {
			snprintf(what, sizeof what, "guess %d from %s", i + 1, addr);
			login_failed(c, "thr-target", WRONG, what);
		}
		client_free(c);
		if (a == CEILING / FREE_FAILURES - 2)
			assert_false(throttled(admin, "thr-target"));
	}
	print_message("%d failed logins from %d addresses took %lld ms\n", CEILING,
		      CEILING / FREE_FAILURES, (long long)(harness_now_ms() - t0));
	Assure__Response *resp = user_show(admin, "thr-target");
	const Assure__User *u = resp->user_show->user;
	assert_true(u->throttled);
	assert_int_equal(u->throttled_addresses, 0); /* no pair is delayed by itself */
	if (u->throttled_until != start + HOUR)
		fail_msg("throttled_until is %lld, expected the hour after the first failure, %lld",
			 (long long)u->throttled_until, (long long)(start + HOUR));
	assure__response__free_unpacked(resp, NULL);

	struct client *owner = harness_connect_hello(s);
	login_failed(owner, "thr-target", PW, "the owner from 127.0.0.1 past the ceiling");
	client_free(owner);

	struct client *auditor = harness_connect_login(s, AUD_USER, AUD_PW, NULL, NULL);
	char reason[512];
	size_t n = ceiling_records(auditor, "thr-target", reason, sizeof reason);
	if (n != 1)
		fail_msg("%zu AccountThrottled records for thr-target, expected 1", n);
	print_message("audit: %s\n", reason);
	if (!harness_contains_ci(reason, "every address") || !harness_contains_ci(reason, "100"))
		fail_msg("the record's reason does not say what happened: %s", reason);
	client_free(auditor);
	check_cli_shows_ceiling(s, "thr-target", start + HOUR);

	/* A restart keeps it. */
	client_free(admin);
	harness_clock_advance(&cs->clk, 10 * MIN);
	restart(cs);
	admin = harness_connect_admin(s);
	resp = user_show(admin, "thr-target");
	assert_int_equal(resp->user_show->user->throttled_until, start + HOUR);
	assure__response__free_unpacked(resp, NULL);
	owner = harness_connect_hello(s);
	login_failed(owner, "thr-target", PW, "the owner past the ceiling after a restart");

	/* The admin's reset clears it everywhere, pairs included. */
	struct harness_ireq r;
	harness_ireq_user_reset_password(&r, "thr-target");
	resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "UserResetPassword thr-target");
	char otp[HARNESS_OTP_MAX];
	snprintf(otp, sizeof otp, "%s", resp->user_reset_password->one_time_password);
	assert_false(resp->user_reset_password->user->throttled);
	assure__response__free_unpacked(resp, NULL);
	resp = user_show(admin, "thr-target");
	assert_false(resp->user_show->user->throttled);
	assert_int_equal(resp->user_show->user->throttled_until, 0);
	assure__response__free_unpacked(resp, NULL);
	/* And stays cleared through a restart. */
	client_free(owner);
	client_free(admin);
	restart(cs);
	admin = harness_connect_admin(s);
	assert_false(throttled(admin, "thr-target"));
	owner = harness_connect_hello(s);
	login_ok(owner, "thr-target", otp, "the owner with the one-time password after the reset");
	client_free(owner);
	/* A guessing address's pair went too: five free failures again. */
	struct client *c = connect_from(s, "127.0.0.10");
	for (int i = 0; i < FREE_FAILURES; i++)
		login_failed(c, "thr-target", WRONG, "a guess after the reset");
	assert_false(throttled(admin, "thr-target"));
	client_free(c);
	client_free(admin);
}

/* A pair's back-off and its count survive a restart: the delay still
 * runs, only from the guessing address, and the next failure doubles it. */
static void test_restart_keeps_backoff(void **state)
{
	struct clock_server *cs = *state;
	struct harness_server *s = &cs->s;
	struct client *admin = harness_connect_admin(s);
	harness_add_user(admin, "thr-r", "viewer", "HQ", PW, NULL);
	client_free(admin);
	struct client *c = connect_from(s, OTHER_ADDR);
	/* A refused attempt is not counted, so each guess past the free ones
	 * waits for the delay before it: the 6th gives 30 s, the 7th 60 s,
	 * the 8th 120 s. */
	for (int i = 0; i < FREE_FAILURES + 1; i++)
		login_failed(c, "thr-r", WRONG, "a guess before the restart");
	harness_clock_advance(&cs->clk, 30 * SEC);
	login_failed(c, "thr-r", WRONG, "the 7th guess");
	harness_clock_advance(&cs->clk, 60 * SEC);
	login_failed(c, "thr-r", WRONG, "the 8th guess");
	client_free(c);
	int64_t last = cs->clk.now_ms;
	harness_clock_advance(&cs->clk, 30 * SEC);
	restart(cs);

	admin = harness_connect_admin(s);
	Assure__Response *resp = user_show(admin, "thr-r");
	assert_true(resp->user_show->user->throttled);
	assert_int_equal(resp->user_show->user->throttled_addresses, 1);
	assure__response__free_unpacked(resp, NULL);
	c = connect_from(s, OTHER_ADDR);
	login_failed(c, "thr-r", PW, "the right password from the delayed address after a restart");
	struct client *owner = harness_connect_hello(s);
	login_ok(owner, "thr-r", PW, "the owner from 127.0.0.1 after a restart");
	client_free(owner);
	/* The delay ends when it would have without the restart. */
	harness_clock_set(&cs->clk, last + 120 * SEC - SEC);
	assert_true(throttled(admin, "thr-r"));
	harness_clock_set(&cs->clk, last + 120 * SEC);
	assert_false(throttled(admin, "thr-r"));
	/* The count came back too: the ninth failure gives 240 s. */
	login_failed(c, "thr-r", WRONG, "the ninth guess, after the restart");
	int64_t d = measure_backoff(admin, &cs->clk, "thr-r", 20 * MIN);
	if (d < 240 * SEC - SEC || d > 240 * SEC + SEC)
		fail_msg("back-off after 9 failures across a restart is %lld s, expected 240 s",
			 (long long)(d / SEC));
	client_free(c);
	client_free(admin);
}

/* ---- sessions ------------------------------------------------------------ */

static void whoami_is(struct client *c, int code, const char *what)
{
	struct harness_ireq r;
	harness_ireq_whoami(&r);
	harness_iexpect_code(c, &r, code, what);
}

static void test_idle_expiry(void **state)
{
	struct clock_server *cs = *state;
	struct harness_server *s = &cs->s;
	struct client *c = harness_connect_hello(s);
	uint8_t token[HARNESS_TOKEN_LEN];
	Assure__Response *resp = harness_login(c, HARNESS_ADMIN, s->password, token);
	const Assure__SessionInfo *si = resp->login->session;
	int64_t now_s = cs->clk.now_ms / 1000;
	print_message("clock %lld, created %lld, idle expiry %lld, expiry %lld\n", (long long)now_s,
		      (long long)si->created_at, (long long)si->idle_expires_at,
		      (long long)si->expires_at);
	/* The session's times come from the server's clock (the file). */
	assert_true(llabs(si->created_at - now_s) <= 2);
	assert_true(llabs(si->idle_expires_at - (now_s + 30 * 60)) <= 2);
	assert_true(llabs(si->expires_at - (now_s + 12 * 3600)) <= 2);
	assure__response__free_unpacked(resp, NULL);

	/* Use keeps it alive. */
	harness_clock_advance(&cs->clk, 29 * MIN);
	whoami_is(c, ASSURE__CODE__OK, "Whoami after 29 idle minutes");
	harness_clock_advance(&cs->clk, 29 * MIN);
	whoami_is(c, ASSURE__CODE__OK, "Whoami after 29 more idle minutes");
	struct client *other = harness_connect_hello(s);
	assert_int_equal(harness_resume_code(other, token, sizeof token), ASSURE__CODE__OK);

	harness_clock_advance(&cs->clk, 31 * MIN);
	whoami_is(c, ASSURE__CODE__UNAUTHENTICATED, "Whoami after 31 idle minutes");
	whoami_is(other, ASSURE__CODE__UNAUTHENTICATED,
		  "Whoami on the other connection after 31 idle minutes");
	client_free(other);
	other = harness_connect_hello(s);
	assert_int_equal(harness_resume_code(other, token, sizeof token),
			 ASSURE__CODE__UNAUTHENTICATED);
	client_free(other);
	client_free(c);
}

static void test_absolute_expiry(void **state)
{
	struct clock_server *cs = *state;
	struct harness_server *s = &cs->s;
	struct client *c = harness_connect_admin(s);
	char what[128];
	/* Active every 20 minutes: fine until 12 hours after login. */
	for (int m = 20; m <= 700; m += 20) {
		harness_clock_advance(&cs->clk, 20 * MIN);
		snprintf(what, sizeof what, "Whoami %d minutes after login", m);
		whoami_is(c, ASSURE__CODE__OK, what);
	}
	harness_clock_advance(&cs->clk, 10 * MIN); /* 710 */
	whoami_is(c, ASSURE__CODE__OK, "Whoami 710 minutes after login");
	harness_clock_advance(&cs->clk, 15 * MIN); /* 725: 15 idle minutes only */
	whoami_is(c, ASSURE__CODE__UNAUTHENTICATED, "Whoami 12 h 5 min after login");
	client_free(c);
}

static void test_configured_limits(void **state)
{
	struct clock_server *cs = *state;
	struct harness_server *s = &cs->s;
	/* --session-idle 5m */
	struct client *c = harness_connect_admin(s);
	harness_clock_advance(&cs->clk, 4 * MIN);
	whoami_is(c, ASSURE__CODE__OK, "Whoami after 4 idle minutes (idle 5m)");
	harness_clock_advance(&cs->clk, 6 * MIN);
	whoami_is(c, ASSURE__CODE__UNAUTHENTICATED, "Whoami after 6 idle minutes (idle 5m)");
	client_free(c);

	/* --session-max 1h */
	c = harness_connect_admin(s);
	char what[128];
	for (int m = 4; m <= 56; m += 4) {
		harness_clock_advance(&cs->clk, 4 * MIN);
		snprintf(what, sizeof what, "Whoami %d minutes after login (max 1h)", m);
		whoami_is(c, ASSURE__CODE__OK, what);
	}
	harness_clock_advance(&cs->clk, 2 * MIN); /* 58 */
	whoami_is(c, ASSURE__CODE__OK, "Whoami 58 minutes after login (max 1h)");
	harness_clock_advance(&cs->clk, 4 * MIN); /* 62 */
	whoami_is(c, ASSURE__CODE__UNAUTHENTICATED, "Whoami 62 minutes after login (max 1h)");
	client_free(c);
}

/* Sessions are rows: a restart keeps them, and their expiry. */
static void test_expiry_survives_restart(void **state)
{
	struct clock_server *cs = *state;
	struct harness_server *s = &cs->s;
	uint8_t t1[HARNESS_TOKEN_LEN], t2[HARNESS_TOKEN_LEN];
	struct client *c = harness_connect_login(s, HARNESS_ADMIN, s->password, NULL, t1);
	client_free(c);
	harness_clock_advance(&cs->clk, 11 * HOUR + 50 * MIN);
	c = harness_connect_login(s, HARNESS_ADMIN, s->password, NULL, t2);
	client_free(c);

	int rc = harness_server_stop(s);
	if (rc != 0)
		harness_server_dump_log(s);
	assert_int_equal(rc, 0);
	harness_server_launch(s);

	/* t1 idled out (11 h 50 min unused); t2 is alive. */
	c = harness_connect_hello(s);
	assert_int_equal(harness_resume_code(c, t1, sizeof t1), ASSURE__CODE__UNAUTHENTICATED);
	assert_int_equal(harness_resume_code(c, t2, sizeof t2), ASSURE__CODE__OK);
	whoami_is(c, ASSURE__CODE__OK, "Whoami on t2 after the restart");
	harness_clock_advance(&cs->clk, 31 * MIN);
	whoami_is(c, ASSURE__CODE__UNAUTHENTICATED, "Whoami on t2 after 31 idle minutes");
	client_free(c);
}

int main(void)
{
	harness_guard(300);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_five_failures_then_backoff, throttle_setup,
					    clock_teardown),
	    cmocka_unit_test_setup_teardown(test_backoff_exponential_and_capped, throttle_setup,
					    clock_teardown),
	    cmocka_unit_test_setup_teardown(test_other_address_unaffected, throttle_setup,
					    clock_teardown),
	    cmocka_unit_test_setup_teardown(test_no_enumeration, throttle_setup, clock_teardown),
	    cmocka_unit_test_setup_teardown(test_per_address_limit, throttle_setup, clock_teardown),
	    cmocka_unit_test_setup_teardown(test_account_ceiling, throttle_setup, clock_teardown),
	    cmocka_unit_test_setup_teardown(test_restart_keeps_backoff, throttle_setup,
					    clock_teardown),
	    cmocka_unit_test_setup_teardown(test_idle_expiry, clock_setup, clock_teardown),
	    cmocka_unit_test_setup_teardown(test_absolute_expiry, clock_setup, clock_teardown),
	    cmocka_unit_test_setup_teardown(test_configured_limits, short_setup, clock_teardown),
	    cmocka_unit_test_setup_teardown(test_expiry_survives_restart, clock_setup,
					    clock_teardown),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	return harness_finish(failed);
}
