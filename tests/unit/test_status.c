/*
 * Status names travel in logs and JSON output, and exit codes are what
 * scripts branch on, so both are pinned here against the documented tables
 * (proto/assure.proto for numbers, docs/CONTRACTS.md for exit codes) rather
 * than against status.c's own table.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "assure.pb-c.h"
#include "status.h"

static const struct {
	int code;
	const char *name;
	int exit_code;
} expected[] = {
    {ASSURE__CODE__OK, "OK", 0},
    {ASSURE__CODE__CANCELLED, "CANCELLED", 1},
    {ASSURE__CODE__UNKNOWN, "UNKNOWN", 1},
    {ASSURE__CODE__INVALID_ARGUMENT, "INVALID_ARGUMENT", 8},
    {ASSURE__CODE__DEADLINE_EXCEEDED, "DEADLINE_EXCEEDED", 9},
    {ASSURE__CODE__NOT_FOUND, "NOT_FOUND", 5},
    {ASSURE__CODE__ALREADY_EXISTS, "ALREADY_EXISTS", 6},
    {ASSURE__CODE__PERMISSION_DENIED, "PERMISSION_DENIED", 4},
    {ASSURE__CODE__RESOURCE_EXHAUSTED, "RESOURCE_EXHAUSTED", 10},
    {ASSURE__CODE__FAILED_PRECONDITION, "FAILED_PRECONDITION", 7},
    {ASSURE__CODE__ABORTED, "ABORTED", 6},
    {ASSURE__CODE__OUT_OF_RANGE, "OUT_OF_RANGE", 8},
    {ASSURE__CODE__UNIMPLEMENTED, "UNIMPLEMENTED", 1},
    {ASSURE__CODE__INTERNAL, "INTERNAL", 1},
    {ASSURE__CODE__UNAVAILABLE, "UNAVAILABLE", 9},
    {ASSURE__CODE__DATA_LOSS, "DATA_LOSS", 1},
    {ASSURE__CODE__UNAUTHENTICATED, "UNAUTHENTICATED", 3},
};

#define N_EXPECTED (sizeof expected / sizeof expected[0])

static const int unknown_codes[] = {-1, 17, 18, 100, INT_MAX, INT_MIN};

static void test_names(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_EXPECTED; i++)
		assert_string_equal(status_code_name(expected[i].code), expected[i].name);
}

/* The numbers are gRPC's: if the .proto and this test drift apart, the
 * table above is wrong, not the wire. */
static void test_numbers_match_proto(void **state)
{
	(void)state;
	assert_int_equal(N_EXPECTED, assure__code__descriptor.n_values);
	for (size_t i = 0; i < N_EXPECTED; i++) {
		assert_int_equal(expected[i].code, (int)i);
		const ProtobufCEnumValue *v =
		    protobuf_c_enum_descriptor_get_value(&assure__code__descriptor, (int)i);
		assert_non_null(v);
		assert_string_equal(v->name, expected[i].name);
	}
}

static void test_parse_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_EXPECTED; i++) {
		assert_int_equal(status_code_parse(expected[i].name), expected[i].code);
		assert_int_equal(status_code_parse(status_code_name(expected[i].code)),
				 expected[i].code);
	}
}

static void test_parse_rejects(void **state)
{
	(void)state;
	assert_int_equal(status_code_parse(""), -1);
	assert_int_equal(status_code_parse("not_found"), -1);
	assert_int_equal(status_code_parse("NOT_FOUND "), -1);
	assert_int_equal(status_code_parse("NOT_FOUN"), -1);
	assert_int_equal(status_code_parse("5"), -1);
	assert_int_equal(status_code_parse("UNKNOWN_STATUS"), -1);
	assert_int_equal(status_code_parse(NULL), -1);
}

static void test_exit_codes(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_EXPECTED; i++)
		if (status_exit_code(expected[i].code) != expected[i].exit_code)
			fail_msg("%s maps to exit %d, expected %d", expected[i].name,
				 status_exit_code(expected[i].code), expected[i].exit_code);
}

/* The same table spelled with the header's names, so a renumbered enum
 * exit_code is caught too. */
static void test_exit_code_enum(void **state)
{
	(void)state;
	assert_int_equal(EXIT_CODE_OK, 0);
	assert_int_equal(EXIT_CODE_INTERNAL, 1);
	assert_int_equal(EXIT_CODE_USAGE, 2);
	assert_int_equal(EXIT_CODE_UNAUTHENTICATED, 3);
	assert_int_equal(EXIT_CODE_PERMISSION_DENIED, 4);
	assert_int_equal(EXIT_CODE_NOT_FOUND, 5);
	assert_int_equal(EXIT_CODE_CONFLICT, 6);
	assert_int_equal(EXIT_CODE_PRECONDITION, 7);
	assert_int_equal(EXIT_CODE_INVALID, 8);
	assert_int_equal(EXIT_CODE_UNAVAILABLE, 9);
	assert_int_equal(EXIT_CODE_EXHAUSTED, 10);
	/* No status code may produce the usage exit: that one is the CLI's
	 * own verdict on its arguments. */
	for (int c = -2; c < 40; c++)
		assert_int_not_equal(status_exit_code(c), EXIT_CODE_USAGE);
}

static void test_unknown_numbers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof unknown_codes / sizeof unknown_codes[0]; i++) {
		assert_string_equal(status_code_name(unknown_codes[i]), "UNKNOWN_STATUS");
		assert_int_equal(status_exit_code(unknown_codes[i]), EXIT_CODE_INTERNAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_numbers_match_proto),
	    cmocka_unit_test(test_parse_round_trip),
	    cmocka_unit_test(test_parse_rejects),
	    cmocka_unit_test(test_exit_codes),
	    cmocka_unit_test(test_exit_code_enum),
	    cmocka_unit_test(test_unknown_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
