/*
 * The daemon's settings (server/core/server_config.c): built-in defaults, the
 * --config file, then flags. An operator at the trust sees these through
 * --help and error messages, so the tests pin the defaults, the order of
 * precedence, the ranges, messages that name the flag or file line at
 * fault, and that --help lists exactly the options the parser accepts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server_config.h"
#include "version.h"
#include "xmalloc.h"

#define ARGC(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Every option the daemon documents, as flag name and a valid value. */
static const struct {
	const char *name;
	const char *value;
} known[] = {
    {"listen", "127.0.0.1:1"},
    {"db", "x.db"},
    {"cert", "c.pem"},
    {"key", "k.pem"},
    {"client-ca", "ca.pem"},
    {"ready-file", "ready"},
    {"max-frame", "4096"},
    {"max-connections", "10"},
    {"max-connections-per-address", "8"},
    {"login-timeout", "20s"},
    {"frame-timeout", "5s"},
    {"preauth-rate", "5"},
    {"preauth-rate-per-address", "50"},
    {"session-rate", "100"},
    {"max-write-queue", "1000"},
    {"handshake-timeout", "5s"},
    {"idle-timeout", "60"},
    {"session-idle", "5m"},
    {"session-max", "1h"},
    {"workers", "3"},
    {"write-batch", "10"},
    {"max-inflight", "10"},
    {"shutdown-timeout", "5s"},
    {"log-level", "debug"},
    {"clock-file", "/tmp/assure-test-clock"},
    {"audit-key", "/tmp/assure-test-key.pem"},
    {"checkpoint-every", "10"},
    {"checkpoint-interval", "5s"},
};
#define NKNOWN (sizeof known / sizeof known[0])

/* Loads with argv; returns the result, leaves the cause (or NULL) in
 * *cause and the settings in *cfg (the caller frees both). */
static int load(struct server_config *cfg, int argc, char **argv, char **cause)
{
	*cause = NULL;
	FILE *out = fopen("/dev/null", "w");
	assert_non_null(out);
	int r = server_config_load(cfg, argc, argv, out, cause);
	fclose(out);
	return r;
}

/* Expects -1 with a cause containing each of the NULL-terminated needles. */
static void expect_error(int argc, char **argv, ...)
{
	struct server_config cfg;
	char *cause = NULL;
	int r = load(&cfg, argc, argv, &cause);
	if (r != -1)
		fprintf(stderr, "expected an error for %s\n", argv[argc - 1]);
	assert_int_equal(r, -1);
	assert_non_null(cause);
	va_list ap;
	va_start(ap, argv);
	const char *needle;
	while ((needle = va_arg(ap, const char *)) != NULL) {
		if (strstr(cause, needle) == NULL)
			fprintf(stderr, "cause '%s' lacks '%s'\n", cause, needle);
		assert_non_null(strstr(cause, needle));
	}
	va_end(ap);
	free(cause);
	server_config_free(&cfg);
}

static void expect_ok(int argc, char **argv)
{
	struct server_config cfg;
	char *cause = NULL;
	int r = load(&cfg, argc, argv, &cause);
	if (r != 0)
		fprintf(stderr, "unexpected error: %s\n", cause ? cause : "(no cause)");
	assert_int_equal(r, 0);
	assert_null(cause);
	server_config_free(&cfg);
}

struct tmpfile {
	char path[64];
};

static void write_file(struct tmpfile *t, const char *text)
{
	snprintf(t->path, sizeof t->path, "/tmp/assure-test-cfg-XXXXXX");
	int fd = mkstemp(t->path);
	assert_true(fd >= 0);
	size_t len = strlen(text);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
}

static void test_defaults(void **state)
{
	(void)state;
	char *argv[] = {"assured"};
	struct server_config cfg;
	char *cause = NULL;
	assert_int_equal(load(&cfg, ARGC(argv), argv, &cause), 0);
	assert_null(cause);
	assert_null(cfg.config_file);
	assert_string_equal(cfg.listen, "127.0.0.1:7443");
	assert_string_equal(cfg.db_path, "var/assure.db");
	assert_string_equal(cfg.cert_file, "certs/dev/server.crt");
	assert_string_equal(cfg.key_file, "certs/dev/server.key");
	assert_null(cfg.client_ca_file);
	assert_null(cfg.ready_file);
	assert_int_equal(cfg.max_frame, 1048576);
	assert_int_equal(cfg.max_connections, 1024);
	assert_int_equal(cfg.handshake_timeout_s, 10);
	assert_int_equal(cfg.idle_timeout_s, 1800);
	assert_int_equal(cfg.session_idle_s, 1800);
	assert_int_equal(cfg.session_absolute_s, 43200);
	assert_int_equal(cfg.workers, 2);
	assert_int_equal(cfg.write_batch, 256);
	assert_int_equal(cfg.max_inflight, 256);
	assert_int_equal(cfg.shutdown_timeout_s, 15);
	assert_string_equal(cfg.log_level, "info");
	server_config_free(&cfg);
	assert_null(cfg.listen);
}

static void test_flags_override(void **state)
{
	(void)state;
	char *argv[] = {"assured",
			"--max-frame",
			"64K",
			"--listen=127.0.0.1:0",
			"--session-idle",
			"15m",
			"--session-max=1d",
			"--handshake-timeout",
			"30",
			"--client-ca",
			"ca.pem",
			"--log-level=warn",
			"--db",
			"/srv/a.db"};
	struct server_config cfg;
	char *cause = NULL;
	assert_int_equal(load(&cfg, ARGC(argv), argv, &cause), 0);
	assert_int_equal(cfg.max_frame, 65536);
	assert_string_equal(cfg.listen, "127.0.0.1:0");
	assert_int_equal(cfg.session_idle_s, 900);
	assert_int_equal(cfg.session_absolute_s, 86400);
	assert_int_equal(cfg.handshake_timeout_s, 30);
	assert_string_equal(cfg.client_ca_file, "ca.pem");
	assert_string_equal(cfg.log_level, "warn");
	assert_string_equal(cfg.db_path, "/srv/a.db");
	/* Untouched settings keep their defaults. */
	assert_int_equal(cfg.workers, 2);
	assert_string_equal(cfg.cert_file, "certs/dev/server.crt");
	server_config_free(&cfg);
}

/* A flag given twice: the last one wins (and the first is not leaked). */
static void test_flag_repeated(void **state)
{
	(void)state;
	char *argv[] = {"assured", "--db", "one.db", "--db=two.db"};
	struct server_config cfg;
	char *cause = NULL;
	assert_int_equal(load(&cfg, ARGC(argv), argv, &cause), 0);
	assert_string_equal(cfg.db_path, "two.db");
	server_config_free(&cfg);
}

/* The file overrides defaults; flags override the file, wherever
 * --config appears among them. */
static void test_file_then_flags(void **state)
{
	(void)state;
	struct tmpfile t;
	write_file(&t, "# assured test\n"
		       "listen = 127.0.0.1:9999\n"
		       "\n"
		       "workers = 4\n"
		       "session-max = 2h\n");
	char *argv1[] = {"assured", "--config", t.path, "--workers", "3"};
	char *argv2[] = {"assured", "--workers=3", "--config=x"};
	argv2[2] = xasprintf("--config=%s", t.path);
	char **argvs[] = {argv1, argv2};
	int argcs[] = {ARGC(argv1), ARGC(argv2)};
	for (int i = 0; i < 2; i++) {
		struct server_config cfg;
		char *cause = NULL;
		int r = load(&cfg, argcs[i], argvs[i], &cause);
		if (r != 0)
			fprintf(stderr, "%s\n", cause);
		assert_int_equal(r, 0);
		assert_string_equal(cfg.config_file, t.path);
		assert_int_equal(cfg.workers, 3);
		assert_string_equal(cfg.listen, "127.0.0.1:9999");
		assert_int_equal(cfg.session_absolute_s, 7200);
		assert_int_equal(cfg.max_frame, 1048576);
		server_config_free(&cfg);
	}
	free(argv2[2]);
	unlink(t.path);
}

static void test_unknown_flag(void **state)
{
	(void)state;
	char *argv1[] = {"assured", "--bogus", "1"};
	expect_error(ARGC(argv1), argv1, "--bogus", NULL);
	char *argv2[] = {"assured", "--workers", "2", "--frobnicate=yes"};
	expect_error(ARGC(argv2), argv2, "--frobnicate", NULL);
	/* A bare word is not silently ignored. */
	char *argv3[] = {"assured", "serve"};
	expect_error(ARGC(argv3), argv3, "serve", NULL);
	/* Nor a single-dash spelling of a long option. */
	char *argv4[] = {"assured", "-workers", "3"};
	expect_error(ARGC(argv4), argv4, "-workers", NULL);
}

static void test_unknown_key_in_file(void **state)
{
	(void)state;
	struct tmpfile t;
	write_file(&t, "listen = 127.0.0.1:9999\n"
		       "# comment\n"
		       "frobnicate = 1\n");
	char *argv[] = {"assured", "--config", t.path};
	expect_error(ARGC(argv), argv, t.path, "line 3", "frobnicate", NULL);
	unlink(t.path);

	/* "config" is a flag only: a file cannot point at another file. */
	write_file(&t, "config = /etc/other.conf\n");
	char *argv2[] = {"assured", "--config", t.path};
	expect_error(ARGC(argv2), argv2, "line 1", "config", NULL);
	unlink(t.path);
}

static void test_bad_value_in_file(void **state)
{
	(void)state;
	struct tmpfile t;
	write_file(&t, "listen = 127.0.0.1:9999\nworkers = 0\n");
	char *argv[] = {"assured", "--config", t.path};
	expect_error(ARGC(argv), argv, "line 2", "workers", NULL);
	unlink(t.path);
	/* A file error is an error even if a flag would have replaced it. */
	write_file(&t, "max-frame = 1G\n");
	char *argv2[] = {"assured", "--config", t.path, "--max-frame", "1M"};
	expect_error(ARGC(argv2), argv2, "line 1", "max-frame", NULL);
	unlink(t.path);
}

static void test_file_syntax_and_missing(void **state)
{
	(void)state;
	struct tmpfile t;
	write_file(&t, "workers = 3\nlisten 127.0.0.1:1\n");
	char *argv[] = {"assured", "--config", t.path};
	expect_error(ARGC(argv), argv, t.path, "line 2", NULL);
	unlink(t.path);

	char *argv2[] = {"assured", "--config", "/nonexistent-dir/assured.conf"};
	expect_error(ARGC(argv2), argv2, "/nonexistent-dir/assured.conf", NULL);
}

/* Each range in the option table, at and just past both ends. */
static void test_ranges(void **state)
{
	(void)state;
	static const struct {
		const char *flag;
		const char *low_bad, *low_ok, *high_ok, *high_bad;
	} cases[] = {
	    {"max-frame", "63", "64", "64M", "1G"},
	    {"max-frame", "63", "64", "67108864", "67108865"},
	    {"max-connections", "0", "1", "60000", "60001"},
	    {"handshake-timeout", "0", "1s", "10m", "601"},
	    {"idle-timeout", "0s", "1", "1d", "86401"},
	    {"session-idle", "59s", "1m", "24h", "86401s"},
	    {"session-max", "59", "60", "7d", "604801"},
	    {"workers", "0", "1", "64", "65"},
	    {"write-batch", "0", "1", "10000", "10001"},
	    {"max-inflight", "0", "1", "100000", "100001"},
	    {"shutdown-timeout", "0", "1", "600", "601"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char flag[64];
		snprintf(flag, sizeof flag, "--%s", cases[i].flag);
		char *bad1[] = {"assured", flag, (char *)cases[i].low_bad};
		expect_error(ARGC(bad1), bad1, flag, NULL);
		char *bad2[] = {"assured", flag, (char *)cases[i].high_bad};
		expect_error(ARGC(bad2), bad2, flag, NULL);
		char *ok1[] = {"assured", flag, (char *)cases[i].low_ok};
		expect_ok(ARGC(ok1), ok1);
		char *ok2[] = {"assured", flag, (char *)cases[i].high_ok};
		expect_ok(ARGC(ok2), ok2);
	}
}

static void test_malformed_values(void **state)
{
	(void)state;
	static const char *const bad[][2] = {
	    {"--workers", "two"},
	    {"--workers", "-1"},
	    {"--workers", "3 "},
	    {"--max-frame", "1X"},
	    {"--idle-timeout", "5w"},
	    {"--listen", "127.0.0.1"},
	    {"--listen", "127.0.0.1:65536"},
	    {"--listen", "::1:7443"},
	    {"--log-level", "loud"},
	    {"--db", ""},
	    {"--cert", ""},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *argv[] = {"assured", (char *)bad[i][0], (char *)bad[i][1]};
		expect_error(ARGC(argv), argv, bad[i][0], NULL);
	}
	char *v6[] = {"assured", "--listen", "[::1]:7443"};
	expect_ok(ARGC(v6), v6);
}

static void test_missing_value(void **state)
{
	(void)state;
	char *argv1[] = {"assured", "--db"};
	expect_error(ARGC(argv1), argv1, "--db", "value", NULL);
	char *argv2[] = {"assured", "--workers", "3", "--config"};
	expect_error(ARGC(argv2), argv2, "--config", "value", NULL);
	/* An unknown flag at the end is reported as unknown, not as short
	 * of a value. */
	char *argv3[] = {"assured", "--bogus"};
	expect_error(ARGC(argv3), argv3, "unknown option --bogus", NULL);
}

static char *capture(int argc, char **argv, int *result)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	struct server_config cfg;
	char *cause = NULL;
	*result = server_config_load(&cfg, argc, argv, out, &cause);
	fclose(out);
	assert_null(cause);
	server_config_free(&cfg);
	return buf;
}

/* --help names every option, and every option it names is one the parser
 * knows (one table drives both; this test keeps it that way). */
static void test_help_lists_every_option(void **state)
{
	(void)state;
	char *argv[] = {"assured", "--workers", "3", "--help"};
	int r;
	char *text = capture(ARGC(argv), argv, &r);
	assert_int_equal(r, 1);
	assert_non_null(strstr(text, "usage: assured"));
	for (size_t i = 0; i < NKNOWN; i++) {
		char flag[64];
		snprintf(flag, sizeof flag, "--%s ", known[i].name);
		if (strstr(text, flag) == NULL)
			fprintf(stderr, "--help lacks %s\n", flag);
		assert_non_null(strstr(text, flag));
		/* ... and it is accepted with a sensible value. */
		char *arg = xasprintf("--%s=%s", known[i].name, known[i].value);
		char *ok[] = {"assured", arg};
		expect_ok(ARGC(ok), ok);
		free(arg);
	}
	assert_non_null(strstr(text, "--config "));
	assert_non_null(strstr(text, "--help"));
	assert_non_null(strstr(text, "--version"));

	/* The other direction: every --flag in the text is known to us. */
	size_t nflags = 0;
	for (const char *p = strstr(text, "  --"); p != NULL; p = strstr(p + 1, "  --")) {
		const char *name = p + 4;
		size_t n = strcspn(name, " \n=");
		bool found = (n == 4 && strncmp(name, "help", 4) == 0) ||
			     (n == 7 && strncmp(name, "version", 7) == 0) ||
			     (n == 6 && strncmp(name, "config", 6) == 0);
		for (size_t i = 0; i < NKNOWN && !found; i++)
			found = strlen(known[i].name) == n && strncmp(known[i].name, name, n) == 0;
		if (!found)
			fprintf(stderr, "--help lists --%.*s, which this test does not know\n",
				(int)n, name);
		assert_true(found);
		nflags++;
	}
	assert_int_equal(nflags, NKNOWN + 3);
	free(text);

	char *argv2[] = {"assured", "-h"};
	text = capture(ARGC(argv2), argv2, &r);
	assert_int_equal(r, 1);
	assert_non_null(strstr(text, "usage: assured"));
	free(text);
}

static void test_version(void **state)
{
	(void)state;
	char *argv[] = {"assured", "--version"};
	int r;
	char *text = capture(ARGC(argv), argv, &r);
	assert_int_equal(r, 1);
	assert_non_null(strstr(text, "assured "));
	assert_non_null(strstr(text, ASSURE_VERSION));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_flags_override),
	    cmocka_unit_test(test_flag_repeated),
	    cmocka_unit_test(test_file_then_flags),
	    cmocka_unit_test(test_unknown_flag),
	    cmocka_unit_test(test_unknown_key_in_file),
	    cmocka_unit_test(test_bad_value_in_file),
	    cmocka_unit_test(test_file_syntax_and_missing),
	    cmocka_unit_test(test_ranges),
	    cmocka_unit_test(test_malformed_values),
	    cmocka_unit_test(test_missing_value),
	    cmocka_unit_test(test_help_lists_every_option),
	    cmocka_unit_test(test_version),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
