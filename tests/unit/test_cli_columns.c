/*
 * Unit test for the CLI's column and list output (client/cli_columns.c):
 * alignment, no trailing blanks, UTF-8 widths, control characters shown as
 * '?'. cli_print_list is tested in test_cli_main.c, which captures
 * stdout.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_columns.h"

static char *print_to_string(const struct cli_columns *c)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cli_columns_print(c, f);
	fclose(f);
	return buf;
}

static void test_alignment(void **state)
{
	(void)state;
	static const char *const headers[] = {"NAME", "SITE", "ROLES"};
	struct cli_columns *c = cli_columns_new(headers, 3);
	const char *r1[] = {"alice", "HQ", "admin,clerk"};
	const char *r2[] = {"bo", "NORTH-1", "viewer"};
	cli_columns_add(c, r1);
	cli_columns_add(c, r2);
	char *out = print_to_string(c);
	assert_string_equal(out, "NAME   SITE     ROLES\n"
				 "alice  HQ       admin,clerk\n"
				 "bo     NORTH-1  viewer\n");
	free(out);
	cli_columns_free(c);
}

static void test_empty_and_trailing(void **state)
{
	(void)state;
	static const char *const headers[] = {"", "ID", "NOTE"};
	struct cli_columns *c = cli_columns_new(headers, 3);
	const char *r1[] = {"*", "12", ""};
	const char *r2[] = {NULL, "7", "x"};
	cli_columns_add(c, r1);
	cli_columns_add(c, r2);
	char *out = print_to_string(c);
	/* No line ends in blanks; an empty first column still lines up. */
	assert_string_equal(out, "   ID  NOTE\n"
				 "*  12\n"
				 "   7   x\n");
	free(out);
	cli_columns_free(c);

	/* A last cell that ends in blanks, or is only blanks (the server's
	 * text), is written without them (found by fuzz_client). */
	static const char *const two[] = {"ID", "NOTE"};
	c = cli_columns_new(two, 2);
	const char *r3[] = {"1", "x  "};
	const char *r4[] = {"2", "   "};
	const char *r5[] = {"3 ", "y"};
	cli_columns_add(c, r3);
	cli_columns_add(c, r4);
	cli_columns_add(c, r5);
	out = print_to_string(c);
	assert_string_equal(out, "ID  NOTE\n"
				 "1   x\n"
				 "2\n"
				 "3   y\n");
	free(out);
	cli_columns_free(c);

	/* Only a header. */
	static const char *const one[] = {"NAME", "MEANING"};
	c = cli_columns_new(one, 2);
	out = print_to_string(c);
	assert_string_equal(out, "NAME  MEANING\n");
	free(out);
	cli_columns_free(c);
	cli_columns_free(NULL);
}

static void test_utf8_and_controls(void **state)
{
	(void)state;
	assert_int_equal(cli_columns_width("Zo\xc3\xab"), 3);
	assert_int_equal(cli_columns_width("\xe2\x82\xac"
					   "5"),
			 2);
	assert_int_equal(cli_columns_width(""), 0);

	static const char *const headers[] = {"NAME", "X"};
	struct cli_columns *c = cli_columns_new(headers, 2);
	const char *r1[] = {"Zo\xc3\xab", "1"};
	const char *r2[] = {"a\x1b[2Jb", "2"};
	cli_columns_add(c, r1);
	cli_columns_add(c, r2);
	char *out = print_to_string(c);
	assert_string_equal(out, "NAME    X\n"
				 "Zo\xc3\xab     1\n"
				 "a?[2Jb  2\n");
	free(out);
	cli_columns_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alignment),
	    cmocka_unit_test(test_empty_and_trailing),
	    cmocka_unit_test(test_utf8_and_controls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
