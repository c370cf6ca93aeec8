/*
 * Unit test for assure concern ... through cli_main, without a server:
 * help at every level (concern, concern action, each verb), the usage
 * errors (exit 2) found before connecting, and that well-formed commands
 * get as far as connecting. Anything that would reach a server is pointed
 * at an unreadable CA file, so it stops at exit 9 without a network; an
 * update with no --version and no recorded version tries to fetch it and
 * stops there too.
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

static char config_dir[] = "/tmp/test_cli_concern.XXXXXX";

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

static const char *const verbs[] = {"open",	  "grade",	 "assign", "move", "decide",
				    "suspend",	  "reinstate",	 "refer",  "note", "evidence",
				    "action add", "action done", "show",   "list", "due"};

static void test_help(void **state)
{
	(void)state;
	struct run r;
	assure(&r, 0, "--help", NULL);
	expect_out(&r, "concern open");
	expect_out(&r, "concern action add");
	expect_out(&r, "concern action done");
	expect_out(&r, "concern due");
	run_free(&r);

	assure(&r, 0, "concern", "--help", NULL);
	expect_out(&r, "usage: assure concern VERB");
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
		expect_out(&r, verbs[i]);
	run_free(&r);
	assure(&r, 0, "concern", "-h", NULL);
	expect_out(&r, "reinstate");
	run_free(&r);

	/* The third level has its own help, listing only its verbs. */
	assure(&r, 0, "concern", "action", "--help", NULL);
	expect_out(&r, "usage: assure concern action VERB");
	expect_out(&r, "  add ");
	expect_out(&r, "  done ");
	assert_null(strstr(r.out, "grade"));
	run_free(&r);

	/* Every verb's own help, exit 0 and its usage line. */
	for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
		char *argv[6] = {"assure", "concern", NULL, NULL, NULL, NULL};
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
		char *usage = xasprintf("usage: assure concern %s", verbs[i]);
		expect_out(&r, usage);
		free(usage);
		assert_string_equal(r.err, "");
		run_free(&r);
		free(words);
	}

	assure(&r, 0, "concern", "open", "--help", NULL);
	expect_out(&r, "usage: assure concern open --performer ID --source S --category C "
		       "--summary TEXT [--received YYYY-MM-DD] [--reporter TEXT] [--linked REF]");
	run_free(&r);
	assure(&r, 0, "concern", "grade", "--help", NULL);
	expect_out(&r, "usage: assure concern grade REF --consequence 1-5 --likelihood 1-5 "
		       "--reason TEXT [--version N]");
	run_free(&r);
	assure(&r, 0, "concern", "action", "done", "--help", NULL);
	expect_out(&r, "usage: assure concern action done REF N");
	run_free(&r);
	assure(&r, 0, "concern", "move", "--help", NULL);
	static const char *const move_flags[] = {"--to STATE",
						 "--rationale TEXT",
						 "--date YYYY-MM-DD",
						 "--terms-of-reference TEXT",
						 "--investigator USER",
						 "--report-ref REF",
						 "--grounds TEXT",
						 "--breach TEXT",
						 "--allegation TEXT",
						 "--proposed-action TEXT",
						 "--notice-sent",
						 "--hearing YYYY-MM-DD",
						 "--hearing-requested",
						 "--body B",
						 "--their-ref REF",
						 "--appeal-ref REF",
						 "--outcome TEXT",
						 "--agreed-action TEXT",
						 "--review-date",
						 "[--action TEXT:OWNER:DUE ...]",
						 "--closure withdrawal|death",
						 "--decision-notice-sent",
						 "--representations-received",
						 "--version N"};
	for (size_t i = 0; i < sizeof move_flags / sizeof move_flags[0]; i++)
		expect_out(&r, move_flags[i]);
	run_free(&r);
	assure(&r, 0, "concern", "decide", "--help", NULL);
	expect_out(&r, "--panel USER,USER,USER [--panel USER,USER,USER ...]");
	expect_out(&r, "may be repeated");
	run_free(&r);
	assure(&r, 0, "concern", "suspend", "--help", NULL);
	expect_out(&r, "--hearing-offered YYYY-MM-DD");
	expect_out(&r, "[--extension]");
	run_free(&r);
	assure(&r, 0, "concern", "list", "--help", NULL);
	expect_out(&r, "usage: assure concern list [--state S] [--performer ID] [--grade BAND] "
		       "[--mine] [--overdue]");
	run_free(&r);
	assure(&r, 0, "concern", "due", "--help", NULL);
	expect_out(&r, "usage: assure concern due [--within PERIOD] [--mine]");
	run_free(&r);

	/* --help wins over a usage error, at any level. */
	assure(&r, 0, "concern", "grade", "--bogus", "--help", NULL);
	expect_out(&r, "--consequence 1-5");
	run_free(&r);
	assure(&r, 0, "concern", "action", "frob", "--help", NULL);
	run_free(&r);
	assure(&r, 0, "concern", "action", "done", "R", "x", "y", "--help", NULL);
	expect_out(&r, "action done REF N");
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
	    {{"concern"}, "needs a verb"},
	    {{"concern", "frob"}, "unknown verb \"frob\" for assure concern "},
	    {{"concern", "action"}, "assure concern action needs a verb"},
	    {{"concern", "action", "frob"}, "unknown verb \"frob\" for assure concern action"},
	    {{"concern", "add"}, "unknown verb \"add\""},
	    {{"concern", "open", "--source", "s", "--category", "c", "--summary", "x"},
	     "needs --performer"},
	    {{"concern", "open", "--performer", "1", "--source", "s", "--category", "c"},
	     "needs --summary"},
	    {{"concern", "open", "--performer", "x", "--source", "s", "--category", "c",
	      "--summary", "x"},
	     "--performer must be"},
	    {{"concern", "open", "--performer", "0", "--source", "s", "--category", "c",
	      "--summary", "x"},
	     "--performer must be"},
	    {{"concern", "open", "CON-2024-0001", "--performer", "1", "--source", "s", "--category",
	      "c", "--summary", "x"},
	     "unexpected argument"},
	    {{"concern", "grade", "--consequence", "1", "--likelihood", "1", "--reason", "r"},
	     "needs REF"},
	    {{"concern", "grade", "R", "--consequence", "6", "--likelihood", "1", "--reason", "r"},
	     "--consequence must be a whole number from 1 to 5"},
	    {{"concern", "grade", "R", "--consequence", "3", "--likelihood", "0", "--reason", "r"},
	     "--likelihood must be a whole number from 1 to 5"},
	    {{"concern", "grade", "R", "--consequence", "3", "--likelihood", "2", "--reason", "r",
	      "--version", "x"},
	     "--version must be"},
	    {{"concern", "grade", "R", "--consequence", "3", "--likelihood", "2"},
	     "needs --reason"},
	    {{"concern", "assign", "R"}, "needs something to change"},
	    {{"concern", "assign", "R", "--case-manager="}, "needs something to change"},
	    {{"concern", "assign", "R", "--investigator", "i", "--version", "0"},
	     "--version must be"},
	    {{"concern", "move", "R", "--rationale", "r"}, "needs --to"},
	    {{"concern", "move", "R", "--to", "triaged"}, "needs --rationale"},
	    {{"concern", "move", "R", "--to", "remediation", "--rationale", "r", "--action",
	      "no colons"},
	     "is not TEXT:OWNER:DUE"},
	    {{"concern", "move", "R", "--to", "remediation", "--rationale", "r", "--action",
	      "text:owner:"},
	     "is not TEXT:OWNER:DUE"},
	    {{"concern", "move", "R", "--to", "remediation", "--rationale", "r", "--action",
	      ":owner:2026-01-01"},
	     "is not TEXT:OWNER:DUE"},
	    {{"concern", "move", "R", "--to", "remediation", "--rationale", "r", "--action",
	      "text::2026-01-01"},
	     "is not TEXT:OWNER:DUE"},
	    {{"concern", "move", "R", "--to", "closed", "--rationale", "r",
	      "--representations-received=yes"},
	     "takes no value"},
	    {{"concern", "move", "R", "--to", "closed", "--rationale", "r", "--date", "a", "--date",
	      "b"},
	     "--date given twice"},
	    {{"concern", "decide", "R", "--outcome", "removal", "--rationale", "r"},
	     "needs --panel"},
	    {{"concern", "decide", "R", "--outcome", "removal", "--rationale", "r", "--panel",
	      "a,,b"},
	     "--panel: an empty item"},
	    {{"concern", "decide", "R", "--outcome", "removal", "--rationale", "r", "--panel",
	      "a,b,c", "--grounds", "efficiency,"},
	     "--grounds: an empty item"},
	    {{"concern", "decide", "R", "--outcome", "removal", "--rationale", "r", "--panel",
	      "a,b,c", "--version", "-1"},
	     "--version must be"},
	    {{"concern", "suspend", "R", "--basis", "pct-decision", "--reason", "r", "--panel",
	      "a,b,c"},
	     "needs --hearing-offered"},
	    {{"concern", "suspend", "R", "--basis", "pct-decision", "--reason", "r", "--panel", ",",
	      "--hearing-offered", "2026-01-01"},
	     "--panel: an empty item"},
	    {{"concern", "reinstate", "R", "--rationale", "r"}, "needs --panel"},
	    {{"concern", "reinstate", "R", "--panel", "a,b,c"}, "needs --rationale"},
	    {{"concern", "refer", "R", "--rationale", "r"}, "needs --to"},
	    {{"concern", "refer", "R", "--to", "gmc"}, "needs --rationale"},
	    {{"concern", "note", "R"}, "needs --text"},
	    {{"concern", "note", "--text", "t"}, "needs REF"},
	    {{"concern", "evidence", "R", "--title", "t"}, "needs --location"},
	    {{"concern", "evidence", "R", "--location", "l"}, "needs --title"},
	    {{"concern", "action", "add", "R", "--text", "t", "--owner", "o"}, "needs --due"},
	    {{"concern", "action", "add", "--text", "t", "--owner", "o", "--due", "d"},
	     "needs REF"},
	    {{"concern", "action", "add", "R", "3", "--text", "t", "--owner", "o", "--due", "d"},
	     "unexpected argument \"3\""},
	    {{"concern", "action", "done"}, "needs REF"},
	    {{"concern", "action", "done", "R"}, "needs N"},
	    {{"concern", "action", "done", "R", "x"}, "N must be"},
	    {{"concern", "action", "done", "R", "0"}, "N must be"},
	    {{"concern", "action", "done", "R", "4294967296"}, "N must be"},
	    {{"concern", "action", "done", "R", "1", "2"}, "unexpected argument \"2\""},
	    {{"concern", "show"}, "needs REF"},
	    {{"concern", "show", "a", "b"}, "unexpected argument \"b\""},
	    {{"concern", "show", "R", "--version", "3"}, "unknown flag --version"},
	    {{"concern", "list", "R"}, "unexpected argument"},
	    {{"concern", "list", "--performer", "x"}, "--performer must be"},
	    {{"concern", "list", "--mine=1"}, "takes no value"},
	    {{"concern", "list", "--state"}, "--state needs a value"},
	    {{"concern", "due", "--within", "7d", "--within", "14d"}, "--within given twice"},
	    {{"concern", "due", "--overdue"}, "unknown flag --overdue"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *argv[18] = {"assure"};
		size_t n = 1;
		for (; n <= 16 && cases[i].args[n - 1] != NULL; n++)
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
	assure(&r, 9, "concern", "open", "--performer", "12", "--source", "patient-complaint",
	       "--category", "conduct", "--summary", "rude", "--received", "2026-01-02",
	       "--reporter", "Mrs X", "--linked", "CON-2025-0001", NULL);
	expect_err(&r, "cannot read CA file");
	run_free(&r);
	assure(&r, 9, "concern", "grade", "CON-2026-0001", "--consequence", "5", "--likelihood",
	       "1", "--reason", "r", "--version", "18446744073709551615", NULL);
	run_free(&r);
	/* No --version and none recorded: fetched first, so still exit 9. */
	assure(&r, 9, "concern", "grade", "CON-2026-0001", "--consequence=3", "--likelihood=4",
	       "--reason=r", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "assign", "CON-2026-0001", "--case-manager", "cm", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "move", "CON-2026-0001", "--to", "remediation", "--rationale", "r",
	       "--action", "audit: 20 records:dr.a:2026-12-01", "--action", "b:c:2026-12-02",
	       "--representations-received", "--version", "4", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "decide", "CON-2026-0001", "--outcome", "removal", "--rationale",
	       "r", "--panel", "p1,p2", "--panel", "p3", "--grounds",
	       "mandatory:conviction, for murder", "--facts", "f", "--version", "9", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "decide", "CON-2026-0001", "--outcome", "removal", "--rationale",
	       "r", "--panel", "p1,p2,p3", "--grounds", "efficiency,fraud", "--grounds",
	       "unsuitability", "--version", "9", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "suspend", "CON-2026-0001", "--basis", "pct-decision", "--reason",
	       "r", "--panel", "p1,p2,p3", "--hearing-offered", "2026-01-05", "--extension",
	       "--version", "2", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "reinstate", "CON-2026-0001", "--rationale", "r", "--panel",
	       "p1,p2,p3", "--version", "2", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "refer", "CON-2026-0001", "--to", "ncas", "--rationale", "r",
	       NULL);
	run_free(&r);
	assure(&r, 9, "concern", "note", "CON-2026-0001", "--text", "t", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "evidence", "CON-2026-0001", "--title", "t", "--location", "l",
	       "--sha256", "00", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "action", "add", "CON-2026-0001", "--text", "t", "--owner", "o",
	       "--due", "2026-02-01", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "action", "done", "CON-2026-0001", "4294967295", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "action", "done", "--date", "2026-01-01", "CON-2026-0001", "1",
	       NULL);
	run_free(&r);
	assure(&r, 9, "--json", "concern", "show", "CON-2026-0001", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "list", "--state", "received", "--performer", "3", "--grade",
	       "high", "--mine", "--overdue", NULL);
	run_free(&r);
	assure(&r, 9, "concern", "due", "--within", "14d", "--mine", "--json", NULL);
	run_free(&r);

	/* Nothing was recorded: no version was ever seen. */
	char *seen = xasprintf("%s/seen", config_dir);
	struct stat st;
	assert_int_equal(stat(seen, &st), -1);
	free(seen);
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
