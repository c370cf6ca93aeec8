/*
 * The real assure binary against a real assured, as staff and scripts use
 * it: the documented exit codes (docs/CONTRACTS.md), human and --json
 * output, the session file (mode 0600, in a directory made 0700) that lets
 * whoami/logout work across invocations, errors on stderr as
 * "assure: <message>", the precedence flag > environment > config file,
 * passwd, and the failures people meet first: a wrong password, a wrong
 * CA, a server that is down, a typo in the noun.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "harness.h"

static struct harness_server group_server;

static int group_setup(void **state)
{
	harness_server_start(&group_server, NULL);
	*state = &group_server;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	harness_server_destroy(&group_server);
	return 0;
}

/* ---- a strict little JSON checker ------------------------------------ */

static const char *json_value(const char *p, int depth);

static const char *json_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
		p++;
	return p;
}

static const char *json_string(const char *p)
{
	if (*p != '"')
		return NULL;
	for (p++; *p != '"'; p++) {
		if (*p == '\0' || (unsigned char)*p < 0x20)
			return NULL;
		if (*p == '\\') {
			p++;
			if (*p == 'u') {
				for (int i = 1; i <= 4; i++)
					if (strchr("0123456789abcdefABCDEF", p[i]) == NULL ||
					    p[i] == '\0')
						return NULL;
				p += 4;
			} else if (*p == '\0' || strchr("\"\\/bfnrt", *p) == NULL) {
				return NULL;
			}
		}
	}
	return p + 1;
}

static const char *json_digits(const char *p)
{
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9')
		p++;
	return p;
}

static const char *json_number(const char *p)
{
	if (*p == '-')
		p++;
	if (*p == '0')
		p++;
	else if ((p = json_digits(p)) == NULL)
		return NULL;
	if (*p == '.' && (p = json_digits(p + 1)) == NULL)
		return NULL;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if ((p = json_digits(p)) == NULL)
			return NULL;
	}
	return p;
}

static const char *json_container(const char *p, int depth, char close, int object)
{
	p = json_ws(p + 1);
	if (*p == close)
		return p + 1;
	for (;;) {
		if (object) {
			if ((p = json_string(p)) == NULL)
				return NULL;
			p = json_ws(p);
			if (*p != ':')
				return NULL;
			p = json_ws(p + 1);
		}
		if ((p = json_value(p, depth + 1)) == NULL)
			return NULL;
		p = json_ws(p);
		if (*p == close)
			return p + 1;
		if (*p != ',')
			return NULL;
		p = json_ws(p + 1);
	}
}

static const char *json_value(const char *p, int depth)
{
	if (depth > 32)
		return NULL;
	switch (*p) {
	case '{':
		return json_container(p, depth, '}', 1);
	case '[':
		return json_container(p, depth, ']', 0);
	case '"':
		return json_string(p);
	case 't':
		return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
	case 'f':
		return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
	case 'n':
		return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
	default:
		return json_number(p);
	}
}

/* Asserts text is exactly one JSON object (surrounding white space allowed). */
static void assert_one_json_object(const char *text)
{
	const char *p = json_ws(text);
	if (*p != '{')
		fail_msg("not a JSON object: %s", text);
	const char *end = json_value(p, 0);
	if (end == NULL || *json_ws(end) != '\0')
		fail_msg("not exactly one valid JSON object: %s", text);
}

/* Asserts the JSON text has a key named key (followed by a colon). */
static void assert_json_key(const char *text, const char *key)
{
	char quoted[128];
	snprintf(quoted, sizeof quoted, "\"%s\"", key);
	for (const char *p = strstr(text, quoted); p != NULL; p = strstr(p + 1, quoted))
		if (*json_ws(p + strlen(quoted)) == ':')
			return;
	fail_msg("JSON has no key \"%s\": %s", key, text);
}

/* ---- helpers --------------------------------------------------------- */

static void show(const char *what, const struct harness_run *r)
{
	print_message("%s: exit %d\n--- stdout ---\n%s--- stderr ---\n%s--------------\n", what,
		      r->status, r->out, r->err);
}

static void expect_exit(const char *what, const struct harness_run *r, int code)
{
	if (r->status != code) {
		show(what, r);
		fail_msg("%s: exit %d, expected %d", what, r->status, code);
	}
}

/* An error on stderr in the documented form, mentioning text. */
static void expect_error(const char *what, const struct harness_run *r, const char *text)
{
	if (strncmp(r->err, "assure: ", 8) != 0 || !harness_contains_ci(r->err, text)) {
		show(what, r);
		fail_msg("%s: stderr should read 'assure: ...%s...'", what, text);
	}
}

static char *config_dir(void)
{
	/* A directory the CLI must create itself (0700) inside a temporary one. */
	char *tmp = harness_tempdir("cli");
	char *dir = NULL;
	if (asprintf(&dir, "%s/config", tmp) < 0)
		abort();
	free(tmp);
	return dir;
}

static int private_setup(void **state)
{
	struct harness_server *s = calloc(1, sizeof *s);
	assert_non_null(s);
	*state = s;
	harness_server_start(s, NULL);
	return 0;
}

static int private_teardown(void **state)
{
	struct harness_server *s = *state;
	if (s != NULL) {
		harness_server_destroy(s);
		free(s);
	}
	return 0;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
}

/* Runs assure with exactly the ASSURE_* variables given (others unset). */
static void run_cli_env(const char *const *env, struct harness_run *r, const char *const *args)
{
	const char *argv[16];
	size_t n = 0;
	argv[n++] = ASSURE_BIN;
	for (size_t i = 0; args[i] != NULL && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	const char *full[12];
	size_t k = 0;
	const char *clear[] = {"ASSURE_SERVER", "ASSURE_CA", "ASSURE_CERT", "ASSURE_KEY",
			       "ASSURE_CONFIG_DIR"};
	for (size_t i = 0; i < 5; i++)
		full[k++] = clear[i];
	for (size_t i = 0; env[i] != NULL && k < 11; i++)
		full[k++] = env[i];
	full[k] = NULL;
	assert_int_equal(harness_run_argv(argv, full, NULL, 20000, r), 0);
	assert_false(r->timed_out);
}

/* ---- tests ----------------------------------------------------------- */

static void test_status(void **state)
{
	struct harness_server *s = *state;
	char *cfg = config_dir();
	struct harness_run r;
	harness_cli(s->addr, cfg, NULL, &r, "status", NULL);
	expect_exit("assure status", &r, 0);
	if (!harness_contains_ci(r.out, "schema")) {
		show("assure status", &r);
		fail_msg("assure status does not print the schema version");
	}
	harness_run_free(&r);
	free(cfg);
}

static void test_status_json(void **state)
{
	struct harness_server *s = *state;
	char *cfg = config_dir();
	struct harness_run r;
	harness_cli(s->addr, cfg, NULL, &r, "status", "--json", NULL);
	expect_exit("assure status --json", &r, 0);
	assert_one_json_object(r.out);
	assert_json_key(r.out, "server_version");
	assert_json_key(r.out, "protocol_version");
	assert_json_key(r.out, "uptime_seconds");
	assert_json_key(r.out, "schema_version");
	assert_json_key(r.out, "connections");
	harness_run_free(&r);

	/* The global flag may come before the noun too. */
	harness_cli(s->addr, cfg, NULL, &r, "--json", "status", NULL);
	expect_exit("assure --json status", &r, 0);
	assert_one_json_object(r.out);
	harness_run_free(&r);
	free(cfg);
}

static void test_login_whoami_logout(void **state)
{
	struct harness_server *s = *state;
	char *cfg = config_dir();
	char *pw_line = NULL;
	if (asprintf(&pw_line, "%s\n", s->password) < 0)
		abort();
	struct harness_run r;
	harness_cli(s->addr, cfg, pw_line, &r, "login", "--user", "admin", "--password-stdin",
		    NULL);
	expect_exit("assure login", &r, 0);
	/* The password never echoes back. */
	assert_null(strstr(r.out, s->password));
	assert_null(strstr(r.err, s->password));
	harness_run_free(&r);
	free(pw_line);

	struct stat st;
	assert_int_equal(stat(cfg, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	char *session = NULL;
	if (asprintf(&session, "%s/session", cfg) < 0)
		abort();
	if (stat(session, &st) != 0)
		fail_msg("no session file %s after login", session);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
	free(session);

	harness_cli(s->addr, cfg, NULL, &r, "whoami", NULL);
	expect_exit("assure whoami", &r, 0);
	if (strstr(r.out, "admin") == NULL) {
		show("assure whoami", &r);
		fail_msg("whoami does not name admin");
	}
	harness_run_free(&r);

	harness_cli(s->addr, cfg, NULL, &r, "whoami", "--json", NULL);
	expect_exit("assure whoami --json", &r, 0);
	assert_one_json_object(r.out);
	assert_non_null(strstr(r.out, "\"admin\""));
	harness_run_free(&r);

	harness_cli(s->addr, cfg, NULL, &r, "logout", NULL);
	expect_exit("assure logout", &r, 0);
	harness_run_free(&r);

	harness_cli(s->addr, cfg, NULL, &r, "whoami", NULL);
	expect_exit("assure whoami after logout", &r, 3);
	expect_error("assure whoami after logout", &r, "");
	harness_run_free(&r);
	free(cfg);
}

static void test_login_wrong_password(void **state)
{
	struct harness_server *s = *state;
	char *cfg = config_dir();
	struct harness_run r;
	harness_cli(s->addr, cfg, "certainly not the password\n", &r, "login", "--user", "admin",
		    "--password-stdin", NULL);
	expect_exit("assure login (wrong password)", &r, 3);
	expect_error("assure login (wrong password)", &r, "login failed");
	harness_run_free(&r);
	free(cfg);
}

static void test_wrong_ca(void **state)
{
	struct harness_server *s = *state;
	char *cfg = config_dir();
	struct harness_run r;
	harness_cli(s->addr, cfg, NULL, &r, "--ca", HARNESS_OTHER_CA, "status", NULL);
	expect_exit("assure --ca other-ca.crt status", &r, 9);
	expect_error("assure --ca other-ca.crt status", &r, "certificate verify failed");
	harness_run_free(&r);
	free(cfg);
}

static void test_server_down(void **state)
{
	(void)state;
	char *cfg = config_dir();
	char addr[64];
	snprintf(addr, sizeof addr, "127.0.0.1:%d", harness_free_port());
	struct harness_run r;
	harness_cli(addr, cfg, NULL, &r, "status", NULL);
	expect_exit("assure status (nothing listening)", &r, 9);
	expect_error("assure status (nothing listening)", &r, "connection refused");
	harness_run_free(&r);
	free(cfg);
}

static void test_unknown_noun(void **state)
{
	struct harness_server *s = *state;
	char *cfg = config_dir();
	struct harness_run r;
	harness_cli(s->addr, cfg, NULL, &r, "frobnicate", NULL);
	expect_exit("assure frobnicate", &r, 2);
	expect_error("assure frobnicate", &r, "frobnicate");
	harness_run_free(&r);
	free(cfg);
}

static void test_help(void **state)
{
	(void)state;
	char *cfg = config_dir();
	struct harness_run r;
	/* No server needed for help. */
	harness_cli(NULL, cfg, NULL, &r, "--help", NULL);
	expect_exit("assure --help", &r, 0);
	assert_true(strlen(r.out) > 0);
	assert_non_null(strstr(r.out, "login"));
	harness_run_free(&r);

	harness_cli(NULL, cfg, NULL, &r, "login", "--help", NULL);
	expect_exit("assure login --help", &r, 0);
	if (strstr(r.out, "--user") == NULL) {
		show("assure login --help", &r);
		fail_msg("assure login --help does not mention --user");
	}
	harness_run_free(&r);
	free(cfg);
}

static void test_whoami_without_session(void **state)
{
	struct harness_server *s = *state;
	char *cfg = config_dir();
	struct harness_run r;
	harness_cli(s->addr, cfg, NULL, &r, "whoami", NULL);
	expect_exit("assure whoami (never logged in)", &r, 3);
	expect_error("assure whoami (never logged in)", &r, "");
	harness_run_free(&r);
	free(cfg);
}

static void test_config_precedence(void **state)
{
	struct harness_server *s = *state;
	char *dir = harness_tempdir("clicfg");
	char dead[64];
	snprintf(dead, sizeof dead, "127.0.0.1:%d", harness_free_port());

	char *config = NULL, *text = NULL, *cfg_env = NULL, *srv_env = NULL, *dead_env = NULL;
	if (asprintf(&config, "%s/config", dir) < 0 ||
	    asprintf(&text, "# written by test_int_cli\nserver = %s\nca = %s\n", s->addr,
		     HARNESS_CA) < 0 ||
	    asprintf(&cfg_env, "ASSURE_CONFIG_DIR=%s", dir) < 0 ||
	    asprintf(&srv_env, "ASSURE_SERVER=%s", s->addr) < 0 ||
	    asprintf(&dead_env, "ASSURE_SERVER=%s", dead) < 0)
		abort();
	write_file(config, text);
	struct harness_run r;

	/* The config file alone is enough. */
	const char *env1[] = {cfg_env, NULL};
	const char *status[] = {"status", NULL};
	run_cli_env(env1, &r, status);
	expect_exit("assure status (config file only)", &r, 0);
	harness_run_free(&r);

	/* The environment beats the config file. */
	const char *env2[] = {cfg_env, dead_env, NULL};
	run_cli_env(env2, &r, status);
	expect_exit("assure status (dead ASSURE_SERVER over a good config)", &r, 9);
	expect_error("assure status (dead ASSURE_SERVER over a good config)", &r,
		     "connection refused");
	harness_run_free(&r);

	/* A flag beats the environment. */
	const char *flagged[] = {"--server", s->addr, "status", NULL};
	run_cli_env(env2, &r, flagged);
	expect_exit("assure --server GOOD status (dead ASSURE_SERVER)", &r, 0);
	harness_run_free(&r);

	/* And the CA: a wrong one in the environment beats the config's. */
	const char *env3[] = {cfg_env, srv_env, "ASSURE_CA=" HARNESS_OTHER_CA, NULL};
	run_cli_env(env3, &r, status);
	expect_exit("assure status (ASSURE_CA=other-ca)", &r, 9);
	expect_error("assure status (ASSURE_CA=other-ca)", &r, "certificate verify failed");
	harness_run_free(&r);

	free(config);
	free(text);
	free(cfg_env);
	free(srv_env);
	free(dead_env);
	free(dir);
}

static void test_passwd(void **state)
{
	struct harness_server *s = *state;
	char *cfg = config_dir();
	static const char new_pw[] = "a different long passphrase";
	char *login_old = NULL, *login_new = NULL, *change = NULL;
	if (asprintf(&login_old, "%s\n", s->password) < 0 ||
	    asprintf(&login_new, "%s\n", new_pw) < 0 ||
	    asprintf(&change, "%s\n%s\n", s->password, new_pw) < 0)
		abort();
	struct harness_run r;
	harness_cli(s->addr, cfg, login_old, &r, "login", "--user", "admin", "--password-stdin",
		    NULL);
	expect_exit("assure login", &r, 0);
	harness_run_free(&r);

	/* A wrong old password fails. */
	harness_cli(s->addr, cfg, "short\nshort\n", &r, "passwd", "--password-stdin", NULL);
	if (r.status == 0) {
		show("assure passwd (old 'short')", &r);
		fail_msg("passwd with a wrong old password succeeded");
	}
	harness_run_free(&r);
	/* A new password that is too short: invalid argument (8). */
	char *too_short = NULL;
	if (asprintf(&too_short, "%s\nshort1\n", s->password) < 0)
		abort();
	harness_cli(s->addr, cfg, too_short, &r, "passwd", "--password-stdin", NULL);
	free(too_short);
	expect_exit("assure passwd (new too short)", &r, 8);
	expect_error("assure passwd (new too short)", &r, "");
	harness_run_free(&r);

	harness_cli(s->addr, cfg, change, &r, "passwd", "--password-stdin", NULL);
	expect_exit("assure passwd", &r, 0);
	assert_null(strstr(r.out, new_pw));
	assert_null(strstr(r.err, new_pw));
	harness_run_free(&r);

	harness_cli(s->addr, cfg, login_old, &r, "login", "--user", "admin", "--password-stdin",
		    NULL);
	expect_exit("assure login (old password after passwd)", &r, 3);
	harness_run_free(&r);
	harness_cli(s->addr, cfg, login_new, &r, "login", "--user", "admin", "--password-stdin",
		    NULL);
	expect_exit("assure login (new password)", &r, 0);
	harness_run_free(&r);
	harness_cli(s->addr, cfg, NULL, &r, "whoami", NULL);
	expect_exit("assure whoami (after passwd and login)", &r, 0);
	harness_run_free(&r);

	free(login_old);
	free(login_new);
	free(change);
	free(cfg);
}

int main(void)
{
	harness_guard(240);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_status),
	    cmocka_unit_test(test_status_json),
	    cmocka_unit_test(test_login_whoami_logout),
	    cmocka_unit_test(test_login_wrong_password),
	    cmocka_unit_test(test_wrong_ca),
	    cmocka_unit_test(test_server_down),
	    cmocka_unit_test(test_unknown_noun),
	    cmocka_unit_test(test_help),
	    cmocka_unit_test(test_whoami_without_session),
	    cmocka_unit_test(test_config_precedence),
	    cmocka_unit_test_setup_teardown(test_passwd, private_setup, private_teardown),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
