/* Unit test for the CLI's JSON writer (proposed tests/unit/test_cli_json.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_json.h"

static char *escape(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	cli_json_write_string(f, s, n);
	fclose(f);
	return buf;
}

static void check(const char *in, size_t n, const char *want)
{
	char *got = escape(in, n);
	assert_string_equal(got, want);
	free(got);
}

static void test_escapes(void **state)
{
	(void)state;
	check("plain", 5, "\"plain\"");
	check("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	check("\n\r\t\b\f", 5, "\"\\n\\r\\t\\b\\f\"");
	check("\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"");
	check("a\0b", 3, "\"a\\u0000b\"");
	check("\x1b[31m", 5, "\"\\u001b[31m\"");
	check("/", 1, "\"/\"");
}

static void test_utf8(void **state)
{
	(void)state;
	check("\xc3\xa9", 2, "\"\xc3\xa9\"");		      /* é */
	check("\xe2\x82\xac", 3, "\"\xe2\x82\xac\"");	      /* € */
	check("\xf0\x9f\x98\x80", 4, "\"\xf0\x9f\x98\x80\""); /* emoji */
	check("\xef\xbf\xbf", 3, "\"\xef\xbf\xbf\"");	      /* U+FFFF is valid UTF-8 */
	check("\xff", 1, "\"\\ufffd\"");
	check("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");			  /* overlong '/' */
	check("\xe0\x80\xaf", 3, "\"\\ufffd\\ufffd\\ufffd\"");		  /* overlong */
	check("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");		  /* surrogate */
	check("\xf4\x90\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
	check("\xe2\x82", 2, "\"\\ufffd\\ufffd\"");			  /* truncated */
	check("\xe2\x82"
	      "A",
	      3, "\"\\ufffd\\ufffdA\"");
	check("\x80", 1, "\"\\ufffd\""); /* lone continuation */
	check("\xf5\x80\x80\x80", 4, "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}

static void test_document(void **state)
{
	(void)state;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct cli_json j;
	cli_json_init(&j, f);
	cli_json_object_begin(&j);
	cli_json_field_string(&j, "a", "x");
	cli_json_field_uint(&j, "b", UINT64_MAX);
	cli_json_field_int(&j, "c", INT64_MIN);
	cli_json_field_bool(&j, "d", 1);
	cli_json_key(&j, "e");
	cli_json_array_begin(&j);
	cli_json_string(&j, "1");
	cli_json_null(&j);
	cli_json_array_begin(&j);
	cli_json_array_end(&j);
	cli_json_object_begin(&j);
	cli_json_object_end(&j);
	cli_json_array_end(&j);
	cli_json_field_string(&j, "f", NULL);
	cli_json_object_end(&j);
	fclose(f);
	assert_string_equal(buf,
			    "{\"a\":\"x\",\"b\":18446744073709551615,\"c\":-9223372036854775808,"
			    "\"d\":true,\"e\":[\"1\",null,[],{}],\"f\":null}\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_escapes),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_document),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
