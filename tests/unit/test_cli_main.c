/*
 * Unit test for the CLI frame through cli_main, without a server: help at
 * every level, the usage errors (exit 2) that the identity commands find
 * before connecting, positional arguments and repeated flags, and the
 * list printer's two forms. Anything that would reach a server is pointed
 * at an unreadable CA file, so it stops at exit 9 without a network.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "cli_capture.h"
#include "cli_columns.h"
#include "cli_json.h"
#include "xmalloc.h"

/* An empty config directory: nothing here ever logs in or writes to it. */
static char config_dir[] = "/tmp/test_cli_main.XXXXXX";

static int setup(void **state)
{
	(void)state;
	assert_non_null(mkdtemp(config_dir));
	setenv("ASSURE_CONFIG_DIR", config_dir, 1);
	setenv("ASSURE_CA", "/nonexistent/ca.crt", 1);
	setenv("ASSURE_SERVER", "127.0.0.1:1", 1);
	unsetenv("ASSURE_CERT");
	unsetenv("ASSURE_KEY");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(config_dir);
}

static void test_help(void **state)
{
	(void)state;
	struct run r;
	assure(&r, 0, "--help", NULL);
	static const char *const commands[] = {"user add",
					       "user list",
					       "user show",
					       "user set",
					       "user disable",
					       "user enable",
					       "user reset-password",
					       "role list",
					       "role show",
					       "role add",
					       "role set",
					       "role rm",
					       "permission list",
					       "site add",
					       "site list",
					       "session list",
					       "session revoke"};
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		expect_out(&r, commands[i]);
	run_free(&r);

	assure(&r, 0, "user", "--help", NULL);
	static const char *const verbs[] = {"add",     "list",	 "show",	  "set",
					    "disable", "enable", "reset-password"};
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		expect_out(&r, verbs[i]);
	assert_null(strstr(r.out, "revoke"));
	run_free(&r);

	assure(&r, 0, "session", "--help", NULL);
	expect_out(&r, "list");
	expect_out(&r, "revoke");
	run_free(&r);

	assure(&r, 0, "user", "add", "--help", NULL);
	expect_out(&r, "usage: assure user add NAME --display-name TEXT --site CODE --role ROLE "
		       "[--role ROLE ...] [--password-stdin]");
	expect_out(&r, "may be repeated");
	run_free(&r);

	assure(&r, 0, "session", "revoke", "--help", NULL);
	expect_out(&r, "usage: assure session revoke [ID] [--user NAME]");
	run_free(&r);

	/* --help wins over a usage error, at any level. */
	assure(&r, 0, "user", "set", "--bogus", "--help", NULL);
	expect_out(&r, "--add-role ROLE");
	run_free(&r);
	assure(&r, 0, "role", "-h", NULL);
	expect_out(&r, "rm");
	run_free(&r);
}

static void test_usage_errors(void **state)
{
	(void)state;
	struct run r;
	static const struct {
		const char *args[8];
		const char *err;
	} cases[] = {
	    {{"user"}, "needs a verb"},
	    {{"user", "frob"}, "unknown verb \"frob\""},
	    {{"user", "show"}, "needs NAME"},
	    {{"user", "show", "a", "b"}, "unexpected argument \"b\""},
	    {{"user", "show", "a", "--site", "X"}, "unknown flag --site"},
	    {{"user", "add", "bob", "--display-name", "B", "--site", "S"}, "needs --role"},
	    {{"user", "add", "--display-name", "B", "--site", "S", "--role", "r"}, "needs NAME"},
	    {{"user", "list", "--disabled", "--all"}, "--disabled and --all"},
	    {{"user", "list", "--site", "A", "--site", "B"}, "--site given twice"},
	    {{"user", "set", "alice"}, "needs something to change"},
	    {{"user", "set", "alice", "--version", "3"}, "needs something to change"},
	    {{"user", "set", "alice", "--site="}, "needs something to change"},
	    {{"role", "set", "r", "--description", ""}, "needs something to change"},
	    {{"user", "set", "alice", "--site", "S", "--version", "x"}, "--version must be"},
	    {{"user", "set", "alice", "--site", "S", "--version", "0"}, "--version must be"},
	    {{"user", "set", "alice", "--site", "S", "--version", "-1"}, "--version must be"},
	    {{"user", "set", "alice", "--site", "S", "--version", "18446744073709551616"},
	     "--version must be"},
	    {{"user", "disable"}, "needs NAME"},
	    {{"user", "reset-password", "a", "--password-stdin"}, "unknown flag"},
	    {{"role", "add", "r"}, "needs --permission"},
	    {{"role", "set", "r"}, "needs something to change"},
	    {{"role", "rm"}, "needs NAME"},
	    {{"permission", "list", "x"}, "unexpected argument"},
	    {{"site", "add", "X"}, "needs --name"},
	    {{"session", "revoke"}, "either a session ID or --user"},
	    {{"session", "revoke", "4", "--user", "bob"}, "either a session ID or --user"},
	    {{"session", "revoke", "abc"}, "ID must be"},
	    {{"session", "revoke", "0"}, "ID must be"},
	    {{"session", "revoke", "9223372036854775808"}, "ID must be"},
	    {{"session", "revoke", "--", "-3"}, "ID must be"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[10] = {"assure"};
		size_t n = 1;
		for (; n <= 8 && cases[i].args[n - 1] != NULL; n++)
			argv[n] = (char *)cases[i].args[n - 1];
		argv[n] = NULL;
		capture(&r, argv);
		if (r.rc != 2) {
			fprintf(stderr, "case %zu: exit %d, wanted 2: %s\n", i, r.rc, r.err);
			fail();
		}
		expect_err(&r, cases[i].err);
		assert_string_equal(r.out, "");
		run_free(&r);
	}
}

/* Commands that pass every check get as far as connecting: exit 9 from
 * the unreadable CA, not 2. */
static void test_accepted(void **state)
{
	(void)state;
	struct run r;
	assure(&r, 9, "user", "add", "bob", "--display-name", "Bob", "--site=HQ", "--role", "a",
	       "--role", "b", NULL);
	expect_err(&r, "cannot read CA file");
	run_free(&r);
	assure(&r, 9, "user", "set", "bob", "--add-role", "a", "--add-role", "b", "--remove-role",
	       "c", "--version", "18446744073709551615", NULL);
	run_free(&r);
	assure(&r, 9, "--json", "user", "list", "--all", "--role", "admin", NULL);
	run_free(&r);
	assure(&r, 9, "session", "revoke", "9223372036854775807", NULL);
	run_free(&r);
	assure(&r, 9, "session", "revoke", "--user", "bob", NULL);
	run_free(&r);
	assure(&r, 9, "role", "add", "r", "--permission", "a", "--permission", "b", NULL);
	run_free(&r);
	/* A display name may start with a dash when given with '='. */
	assure(&r, 9, "user", "set", "bob", "--display-name=--x", NULL);
	run_free(&r);
	/* The password is read before connecting: an empty stdin is a usage
	 * error, and nothing is connected. */
	assure(&r, 2, "user", "add", "bob", "--display-name", "Bob", "--site", "HQ", "--role", "a",
	       "--password-stdin", NULL);
	expect_err(&r, "no password on stdin");
	run_free(&r);
}

static void item_cells(const void *item, char **cells)
{
	cells[0] = xstrdup(item);
	cells[1] = xasprintf("%zu", strlen(item));
}

static void item_json(struct cli_json *j, const void *item)
{
	cli_json_field_string(j, "name", item);
	cli_json_field_uint(j, "length", strlen(item));
}

struct list_args {
	int json;
	const void *const *items;
	size_t n;
};

static int call_print_list(void *arg)
{
	static const char *const headers[] = {"NAME", "LENGTH"};
	static const struct cli_list list = {headers, 2, item_cells, item_json};
	const struct list_args *a = arg;
	struct cli cli;
	memset(&cli, 0, sizeof cli);
	cli.json = a->json;
	cli_print_list(&cli, &list, a->items, a->n);
	return 0;
}

static void test_print_list(void **state)
{
	(void)state;
	const void *items[] = {"alpha", "b\"c"};
	struct run r;
	struct list_args a = {0, items, 2};
	capture_fn(&r, call_print_list, &a);
	assert_string_equal(r.out, "NAME   LENGTH\n"
				   "alpha  5\n"
				   "b\"c    3\n");
	run_free(&r);
	a.json = 1;
	capture_fn(&r, call_print_list, &a);
	assert_string_equal(r.out, "[{\"name\":\"alpha\",\"length\":5},"
				   "{\"name\":\"b\\\"c\",\"length\":3}]\n");
	run_free(&r);
	a.n = 0;
	capture_fn(&r, call_print_list, &a);
	assert_string_equal(r.out, "[]\n");
	run_free(&r);
}

static void test_join_and_time(void **state)
{
	(void)state;
	char *items[] = {"a", NULL, "c"};
	char *s = cli_join(items, 3, ", ");
	assert_string_equal(s, "a, , c");
	free(s);
	s = cli_join(NULL, 0, ",");
	assert_string_equal(s, "");
	free(s);
	char t[32];
	cli_format_time(0, t, sizeof t);
	assert_string_equal(t, "never");
	cli_format_time(1795449748, t, sizeof t);
	assert_string_equal(t, "2026-11-23T16:02:28Z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_help),	  cmocka_unit_test(test_usage_errors),
	    cmocka_unit_test(test_accepted),	  cmocka_unit_test(test_print_list),
	    cmocka_unit_test(test_join_and_time),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
