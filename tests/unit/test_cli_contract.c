/*
 * Unit test for assure contract ..., assure indicators ... and assure
 * requirements ... through cli_main, without a server: help at every
 * level (contract, contract notice, each verb), the usage errors (exit 2)
 * found before connecting, and that well-formed commands get as far as
 * connecting (pointed at an unreadable CA file, so they stop at exit 9
 * without a network).
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "cli_capture.h"
#include "xmalloc.h"

static char config_dir[] = "/tmp/test_cli_contract.XXXXXX";

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
	return rmdir(config_dir); /* nothing was recorded in it */
}

struct verb {
	const char *words; /* after "assure" */
	const char *usage; /* the start of its usage line */
};

static const struct verb verbs[] = {
    {"contract add",
     "usage: assure contract add --ods CODE --name TEXT --type gms|pms|apms|pctms --list-size N "
     "--site CODE [--start YYYY-MM-DD] [--end YYYY-MM-DD]"},
    {"contract list", "usage: assure contract list [--type gms|pms|apms|pctms] [--site CODE] "
		      "[--name TEXT]"},
    {"contract show", "usage: assure contract show ODS"},
    {"contract set",
     "usage: assure contract set ODS [--name TEXT] [--type gms|pms|apms|pctms] [--list-size N] "
     "[--site CODE] [--start YYYY-MM-DD] [--end YYYY-MM-DD] [--clear-end] --reason TEXT "
     "[--version N]"},
    {"contract notice add",
     "usage: assure contract notice add ODS --kind remedial|breach --text TEXT [--steps TEXT] "
     "[--period-days N] [--reason TEXT] [--date YYYY-MM-DD] [--review REF] [--version N]"},
    {"contract notice outcome",
     "usage: assure contract notice outcome ODS N --outcome remedied|not-remedied|withdrawn "
     "[--date YYYY-MM-DD] [--rationale TEXT] [--version N]"},
    {"indicators create", "usage: assure indicators create NAME --year YYYY/YY [--from SET]"},
    {"indicators add",
     "usage: assure indicators add SET --code CODE --name TEXT --domain D --unit U --direction "
     "higher|lower --green X --amber Y [--weight W] [--critical] [--replace] [--version N]"},
    {"indicators remove", "usage: assure indicators remove SET CODE [--version N]"},
    {"indicators rule",
     "usage: assure indicators rule SET [--green-mean X] [--red-mean Y] [--version N]"},
    {"indicators publish",
     "usage: assure indicators publish SET [--to consultation|draft|published] [--version N]"},
    {"indicators show", "usage: assure indicators show SET"},
    {"indicators list", "usage: assure indicators list [--year YYYY/YY]"},
    {"requirements list", "usage: assure requirements list [--all]"},
    {"requirements add",
     "usage: assure requirements add --code CODE --title TEXT [--description TEXT]"},
    {"requirements retire", "usage: assure requirements retire CODE --reason TEXT"},
};

/* "contract notice add" -> argv words, then --help. */
static void run_words(struct run *r, const char *words, const char *last)
{
	char *copy = xstrdup(words);
	char *argv[8] = {"assure"};
	size_t n = 1;
	char *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n++] = (char *)last;
	argv[n] = NULL;
	capture(r, argv);
	free(copy);
}

static void test_help(void **state)
{
	(void)state;
	struct run r;
	assure(&r, 0, "--help", NULL);
	expect_out(&r, "contract notice outcome");
	expect_out(&r, "indicators publish");
	expect_out(&r, "requirements retire");
	run_free(&r);

	assure(&r, 0, "contract", "--help", NULL);
	expect_out(&r, "usage: assure contract VERB");
	expect_out(&r, "notice add");
	expect_out(&r, "notice outcome");
	run_free(&r);
	assure(&r, 0, "contract", "notice", "--help", NULL);
	expect_out(&r, "usage: assure contract notice VERB");
	expect_out(&r, "  add ");
	expect_out(&r, "  outcome ");
	assert_null(strstr(r.out, "list"));
	run_free(&r);
	assure(&r, 0, "indicators", "--help", NULL);
	expect_out(&r, "usage: assure indicators VERB");
	expect_out(&r, "publish");
	run_free(&r);
	assure(&r, 0, "requirements", "--help", NULL);
	expect_out(&r, "retire");
	run_free(&r);

	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		run_words(&r, verbs[i].words, "--help");
		if (r.rc != 0 || strstr(r.out, verbs[i].usage) == NULL) {
			fprintf(stderr, "%s --help: exit %d, wanted the usage\n%s\ngot:\n%s\n",
				verbs[i].words, r.rc, verbs[i].usage, r.out);
			fail();
		}
		assert_string_equal(r.err, "");
		run_free(&r);
	}
}

static void test_usage_errors(void **state)
{
	(void)state;
	struct run r;
	static const struct {
		const char *args[20];
		const char *err;
	} cases[] = {
	    {{"contract"}, "needs a verb"},
	    {{"contract", "notice"}, "assure contract notice needs a verb"},
	    {{"contract", "notice", "frob"}, "unknown verb \"frob\""},
	    {{"contract", "add", "--name", "n", "--type", "gms", "--list-size", "1", "--site",
	      "HQ"},
	     "needs --ods"},
	    {{"contract", "add", "--ods", "E84001", "--name", "n", "--type", "gms", "--list-size",
	      "0", "--site", "HQ"},
	     "--list-size must be"},
	    {{"contract", "add", "--ods", "E84001", "--name", "n", "--type", "gms", "--list-size",
	      "4294967296", "--site", "HQ"},
	     "--list-size must be"},
	    {{"contract", "show"}, "needs ODS"},
	    {{"contract", "set", "E84001", "--name", "n"}, "needs --reason"},
	    {{"contract", "set", "E84001", "--reason", "r"}, "nothing to change"},
	    {{"contract", "set", "E84001", "--reason", "r", "--end", "2010-01-01", "--clear-end"},
	     "do not go together"},
	    {{"contract", "set", "E84001", "--reason", "r", "--name", "n", "--version", "x"},
	     "--version must be"},
	    {{"contract", "notice", "add", "E84001", "--text", "t"}, "needs --kind"},
	    {{"contract", "notice", "add", "E84001", "--kind", "breach"}, "needs --text"},
	    {{"contract", "notice", "add", "E84001", "--kind", "remedial", "--text", "t",
	      "--period-days", "x"},
	     "--period-days must be"},
	    {{"contract", "notice", "outcome", "E84001", "--outcome", "withdrawn"}, "needs N"},
	    {{"contract", "notice", "outcome", "E84001", "0", "--outcome", "withdrawn"},
	     "N must be"},
	    {{"contract", "notice", "outcome", "E84001", "1"}, "needs --outcome"},
	    {{"indicators", "create", "s"}, "needs --year"},
	    {{"indicators", "add", "s", "--code", "C", "--name", "n", "--domain", "qof", "--unit",
	      "%", "--direction", "higher", "--green", "2"},
	     "needs --amber"},
	    {{"indicators", "add", "s", "--code", "C", "--name", "n", "--domain", "qof", "--unit",
	      "%", "--direction", "higher", "--green", "2", "--amber", "1", "--critical=yes"},
	     "takes no value"},
	    {{"indicators", "remove", "s"}, "needs CODE"},
	    {{"indicators", "rule", "s"}, "nothing to change"},
	    {{"indicators", "publish", "s", "--version", "0"}, "--version must be"},
	    {{"indicators", "show"}, "needs SET"},
	    {{"indicators", "list", "x"}, "unexpected argument"},
	    {{"requirements", "add", "--code", "C"}, "needs --title"},
	    {{"requirements", "retire", "C"}, "needs --reason"},
	    {{"requirements", "list", "--retired"}, "unknown flag --retired"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[22] = {"assure"};
		size_t n = 1;
		for (; n <= 20 && cases[i].args[n - 1] != NULL; n++)
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
	assure(&r, 9, "contract", "add", "--ods", "e84001", "--name", "n", "--type", "gms",
	       "--list-size", "6500", "--site", "HQ", NULL);
	expect_err(&r, "cannot read CA file");
	run_free(&r);
	assure(&r, 9, "contract", "list", "--type", "apms", "--site", "HQ", "--name", "x", NULL);
	run_free(&r);
	assure(&r, 9, "--json", "contract", "show", "E84001", NULL);
	run_free(&r);
	assure(&r, 9, "contract", "set", "E84001", "--clear-end", "--type", "gms", "--reason", "r",
	       "--version", "3", NULL);
	run_free(&r);
	assure(&r, 9, "contract", "notice", "add", "E84001", "--kind", "remedial", "--text", "t",
	       "--steps", "s", "--period-days", "7", "--reason", "safety", "--date", "2010-01-01",
	       "--review", "REV-2009-0001", NULL);
	run_free(&r);
	assure(&r, 9, "contract", "notice", "outcome", "E84001", "2", "--outcome", "withdrawn",
	       NULL);
	run_free(&r);
	assure(&r, 9, "indicators", "create", "s", "--year", "2009/10", "--from", "t", NULL);
	run_free(&r);
	assure(&r, 9, "indicators", "add", "s", "--code", "C", "--name", "n", "--domain", "qof",
	       "--unit", "%", "--direction", "lower", "--green", "1", "--amber", "2", "--weight",
	       "1.5", "--critical", "--replace", "--version", "2", NULL);
	run_free(&r);
	assure(&r, 9, "indicators", "remove", "s", "C", NULL);
	run_free(&r);
	assure(&r, 9, "indicators", "rule", "s", "--red-mean", "0.5", NULL);
	run_free(&r);
	assure(&r, 9, "indicators", "publish", "s", "--to", "consultation", NULL);
	run_free(&r);
	assure(&r, 9, "indicators", "list", "--year", "2009/10", NULL);
	run_free(&r);
	assure(&r, 9, "requirements", "list", "--all", NULL);
	run_free(&r);
	assure(&r, 9, "requirements", "retire", "C", "--reason", "r", NULL);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_help),
	    cmocka_unit_test(test_usage_errors),
	    cmocka_unit_test(test_accepted),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
