/*
 * SIGHUP reloads the server's certificate and key without a restart: new
 * connections get the new certificate, connections already open keep
 * working, and a broken replacement is refused while the old one stays in
 * service (a bad file must never take the server off the air).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

static void copy_file(const char *from, const char *to)
{
	char *cmd = NULL;
	assert_true(asprintf(&cmd, "cp -f '%s' '%s' && chmod 600 '%s'", from, to, to) > 0);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static int connect_cause(const char *addr, char **cause)
{
	struct client *c = NULL;
	int rc = harness_try_connect_hello(addr, &c, cause);
	client_free(c);
	return rc;
}

/* Waits (bounded) until a fresh connection's outcome is `want_ok`. */
static void expect_new_connections(const char *addr, int want_ok)
{
	int64_t deadline = harness_now_ms() + 5000;
	for (;;) {
		char *cause = NULL;
		int ok = connect_cause(addr, &cause) == 0;
		if (ok == want_ok) {
			if (!want_ok)
				assert_non_null(strstr(cause, "certificate verify failed"));
			free(cause);
			return;
		}
		free(cause);
		if (harness_now_ms() > deadline)
			fail_msg("new connections still %s after SIGHUP", ok ? "succeed" : "fail");
		harness_sleep_ms(50);
	}
}

static void test_sighup_reloads_certificate(void **state)
{
	(void)state;
	char *dir = harness_tempdir("reload");
	char cert[1024], key[1024];
	snprintf(cert, sizeof cert, "%s/live.crt", dir);
	snprintf(key, sizeof key, "%s/live.key", dir);
	copy_file(TEST_CERTS_DIR "/server.crt", cert);
	copy_file(TEST_CERTS_DIR "/server.key", key);

	const char *extra[] = {"--cert", cert, "--key", key, NULL};
	struct harness_server_opts opts = {.extra_args = extra};
	struct harness_server s;
	harness_server_start(&s, &opts);

	struct client *old = harness_connect_hello(&s);
	expect_new_connections(s.addr, 1);

	/* Swap in a certificate that does not name 127.0.0.1. */
	copy_file(TEST_CERTS_DIR "/wronghost.crt", cert);
	copy_file(TEST_CERTS_DIR "/wronghost.key", key);
	assert_int_equal(kill(s.pid, SIGHUP), 0);
	expect_new_connections(s.addr, 0);
	/* The connection made before the reload is untouched. */
	assert_int_equal(harness_status_code(old), ASSURE__CODE__OK);

	/* A broken file: the reload is refused, the current context stays. */
	FILE *f = fopen(cert, "w");
	assert_non_null(f);
	fputs("not a certificate\n", f);
	fclose(f);
	long off = harness_server_log_offset(&s);
	assert_int_equal(kill(s.pid, SIGHUP), 0);
	int64_t deadline = harness_now_ms() + 5000;
	char *log = NULL;
	for (;;) {
		free(log);
		log = harness_server_log_since(&s, off);
		if (log && strstr(log, "not reloaded"))
			break;
		if (harness_now_ms() > deadline)
			fail_msg("no log line saying the bad certificate was refused");
		harness_sleep_ms(50);
	}
	free(log);
	expect_new_connections(s.addr, 0); /* still the wronghost context */

	/* And back to the right certificate. */
	copy_file(TEST_CERTS_DIR "/server.crt", cert);
	copy_file(TEST_CERTS_DIR "/server.key", key);
	assert_int_equal(kill(s.pid, SIGHUP), 0);
	expect_new_connections(s.addr, 1);
	assert_int_equal(harness_status_code(old), ASSURE__CODE__OK);
	client_free(old);

	assert_int_equal(harness_server_stop(&s), 0);
	harness_server_destroy(&s);
	free(dir);
}

int main(void)
{
	harness_guard(120);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sighup_reloads_certificate),
	};
	return harness_finish(cmocka_run_group_tests(tests, NULL, NULL));
}
