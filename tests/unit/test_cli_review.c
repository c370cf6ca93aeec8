/*
 * Unit test for assure review ... through cli_main, without a server: help
 * at every level (review, review action, each verb) with the flags that
 * scripts rely on, the usage errors (exit 2) found before connecting, and
 * that well-formed commands get as far as connecting. Anything that would
 * reach a server is pointed at an unreadable CA file, so it stops at exit
 * 9 without a network.
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

static char config_dir[] = "/tmp/test_cli_review.XXXXXX";

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

static const char *const verbs[] = {
    "schedule",	  "visit",	 "qof",	     "check",	 "sfbh", "score", "narrative",
    "action add", "action done", "override", "finalise", "show", "list",  "due"};

static void test_help(void **state)
{
	(void)state;
	struct run r;
	assure(&r, 0, "--help", NULL);
	expect_out(&r, "review schedule");
	expect_out(&r, "review action done");
	expect_out(&r, "review due");
	run_free(&r);

	assure(&r, 0, "review", "--help", NULL);
	expect_out(&r, "usage: assure review VERB");
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		expect_out(&r, verbs[i]);
	run_free(&r);

	assure(&r, 0, "review", "action", "--help", NULL);
	expect_out(&r, "usage: assure review action VERB");
	expect_out(&r, "  add ");
	expect_out(&r, "  done ");
	run_free(&r);

	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		char *argv[6] = {"assure", "review", NULL, NULL, NULL, NULL};
		char *words = xstrdup(verbs[i]);
		char *space = strchr(words, ' ');
		size_t n = 2;
		if (space != NULL) {
			*space = '\0';
			argv[n++] = words;
			argv[n++] = space + 1;
		} else {
			argv[n++] = words;
		}
		argv[n] = "--help";
		capture(&r, argv);
		assert_int_equal(r.rc, 0);
		char *usage = xasprintf("usage: assure review %s", verbs[i]);
		expect_out(&r, usage);
		free(usage);
		assert_string_equal(r.err, "");
		run_free(&r);
		free(words);
	}

	/* The flags are a contract for scripts (docs/CLI.md). */
	assure(&r, 0, "review", "schedule", "--help", NULL);
	expect_out(&r, "usage: assure review schedule --contract ODS --year YYYY/YY "
		       "[--kind annual|mid-year] [--visit-type desktop|standard|full] "
		       "[--date YYYY-MM-DD]");
	run_free(&r);
	assure(&r, 0, "review", "qof", "--help", NULL);
	expect_out(&r, "usage: assure review qof REF --clinical N --organisational N "
		       "--patient-experience N --additional N [--exception-rate PCT] "
		       "[--amend REASON] [--version N]");
	run_free(&r);
	assure(&r, 0, "review", "check", "--help", NULL);
	expect_out(&r, "--item CODE --result met|partly|not-met|n/a --evidence TEXT");
	run_free(&r);
	assure(&r, 0, "review", "sfbh", "--help", NULL);
	expect_out(&r, "--domain D --result compliant|partly|not-compliant --evidence TEXT");
	run_free(&r);
	assure(&r, 0, "review", "score", "--help", NULL);
	expect_out(&r, "--indicator CODE [--value V] [--not-available REASON]");
	run_free(&r);
	assure(&r, 0, "review", "action", "add", "--help", NULL);
	expect_out(&r, "usage: assure review action add REF --text TEXT --owner TEXT "
		       "--due YYYY-MM-DD [--for ITEM]");
	run_free(&r);
	assure(&r, 0, "review", "action", "done", "--help", NULL);
	expect_out(&r, "usage: assure review action done REF N [--date YYYY-MM-DD]");
	run_free(&r);
	assure(&r, 0, "review", "override", "--help", NULL);
	expect_out(&r, "--rag green|amber|red|none --reason TEXT");
	run_free(&r);
	assure(&r, 0, "review", "list", "--help", NULL);
	expect_out(&r, "usage: assure review list [--year YYYY/YY] [--rag green|amber|red] "
		       "[--state S] [--contract ODS] [--site SITE] [--overdue-actions]");
	run_free(&r);
	assure(&r, 0, "review", "due", "--help", NULL);
	expect_out(&r, "usage: assure review due [--within PERIOD]");
	run_free(&r);
}

static void test_usage_errors(void **state)
{
	(void)state;
	struct run r;
	static const struct {
		const char *args[16];
		const char *err;
	} cases[] = {
	    {{"review"}, "needs a verb"},
	    {{"review", "frob"}, "unknown verb \"frob\" for assure review"},
	    {{"review", "action"}, "assure review action needs a verb"},
	    {{"review", "schedule", "--year", "2009/10"}, "needs --contract"},
	    {{"review", "schedule", "--contract", "E84001"}, "needs --year"},
	    {{"review", "visit", "REV-2009-0001"}, "needs --date"},
	    {{"review", "visit", "--date", "2010-01-01"}, "needs REF"},
	    {{"review", "visit", "REV-2009-0001", "--date", "2010-01-01", "--version", "x"},
	     "--version must be"},
	    {{"review", "qof", "REV-2009-0001", "--clinical", "1", "--organisational", "1",
	      "--patient-experience", "1"},
	     "needs --additional"},
	    {{"review", "check", "REV-2009-0001", "--item", "PREMISES", "--result", "met"},
	     "needs --evidence"},
	    {{"review", "score", "REV-2009-0001", "--indicator", "ACC01"}, "one of the two"},
	    {{"review", "score", "REV-2009-0001", "--indicator", "ACC01", "--value", "1",
	      "--not-available", "r"},
	     "one of the two"},
	    {{"review", "narrative", "REV-2009-0001"}, "needs --achievements"},
	    {{"review", "action", "add", "REV-2009-0001", "--text", "t", "--owner", "o"},
	     "needs --due"},
	    {{"review", "action", "done", "REV-2009-0001"}, "needs N"},
	    {{"review", "action", "done", "REV-2009-0001", "0"}, "N must be"},
	    {{"review", "override", "REV-2009-0001", "--rag", "amber"}, "needs --reason"},
	    {{"review", "finalise"}, "needs REF"},
	    {{"review", "show"}, "needs REF"},
	    {{"review", "list", "REV-2009-0001"}, "unexpected argument"},
	    {{"review", "due", "--bogus"}, "unknown flag"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[20] = {"assure"};
		size_t n = 1;
		for (size_t k = 0; cases[i].args[k] != NULL; k++)
			argv[n++] = (char *)cases[i].args[k];
		argv[n] = NULL;
		capture(&r, argv);
		if (r.rc != 2) {
			fprintf(stderr, "case %zu: exit %d, wanted 2\nstderr: %s\n", i, r.rc,
				r.err);
			fail();
		}
		expect_err(&r, cases[i].err);
		run_free(&r);
	}
}

/* Well-formed commands get as far as connecting (exit 9: the CA file
 * cannot be read); a write without --version reads the review first and
 * stops there too. */
static void test_accepted(void **state)
{
	(void)state;
	struct run r;
	assure(&r, 9, "review", "schedule", "--contract", "E84001", "--year", "2009/10", "--kind",
	       "mid-year", "--visit-type", "full", "--date", "2010-01-01", NULL);
	run_free(&r);
	assure(&r, 9, "review", "visit", "REV-2009-0001", "--date", "2010-01-01", "--version", "3",
	       "--amend", "wrong date", NULL);
	run_free(&r);
	assure(&r, 9, "review", "qof", "REV-2009-0001", "--clinical", "650.5", "--organisational",
	       "160", "--patient-experience", "90", "--additional", "40", "--exception-rate", "4.2",
	       NULL);
	run_free(&r);
	assure(&r, 9, "review", "check", "REV-2009-0001", "--item", "PREMISES", "--result",
	       "partly", "--evidence", "no ramp", NULL);
	run_free(&r);
	assure(&r, 9, "review", "sfbh", "REV-2009-0001", "--domain", "safety", "--result",
	       "compliant", "--evidence", "e", NULL);
	run_free(&r);
	assure(&r, 9, "review", "score", "REV-2009-0001", "--indicator", "ACC01", "--not-available",
	       "no data", NULL);
	run_free(&r);
	assure(&r, 9, "review", "narrative", "REV-2009-0001", "--challenges", "c", NULL);
	run_free(&r);
	assure(&r, 9, "review", "action", "add", "REV-2009-0001", "--text", "t", "--owner", "o",
	       "--due", "2010-02-01", "--for", "sfbh:safety", NULL);
	run_free(&r);
	assure(&r, 9, "review", "action", "done", "REV-2009-0001", "2", "--date", "2010-01-01",
	       NULL);
	run_free(&r);
	assure(&r, 9, "review", "override", "REV-2009-0001", "--rag", "none", "--reason", "r",
	       "--version", "7", NULL);
	run_free(&r);
	assure(&r, 9, "review", "finalise", "REV-2009-0001", NULL);
	run_free(&r);
	assure(&r, 9, "--json", "review", "show", "REV-2009-0001", NULL);
	run_free(&r);
	assure(&r, 9, "review", "list", "--year", "2009/10", "--rag", "red", "--state", "draft",
	       "--contract", "E84001", "--site", "HQ", "--overdue-actions", NULL);
	run_free(&r);
	assure(&r, 9, "review", "due", "--within", "14d", "--json", NULL);
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
