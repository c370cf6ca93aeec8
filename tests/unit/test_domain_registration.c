/*
 * Registration numbers are typed by hand from paper, so the edges matter:
 * lengths one either side, leading zeros, letters where digits belong,
 * white space, the other professions' formats, and the dental check digit
 * with sums worked by hand below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain_registration.h"

static void test_professions(void **state)
{
	(void)state;
	static const struct {
		enum profession p;
		const char *name, *regulator;
		int on_list, has_code;
	} want[] = {
	    {PROFESSION_GP, "gp", "GMC", 1, 1},
	    {PROFESSION_DENTIST, "dentist", "GDC", 1, 1},
	    {PROFESSION_OPTOMETRIST, "optometrist", "GOC", 1, 0},
	    {PROFESSION_PHARMACIST, "pharmacist", "RPSGB/GPhC", 0, 0},
	};
	assert_int_equal(sizeof want / sizeof want[0], PROFESSION__COUNT);
	for (size_t i = 0; i < PROFESSION__COUNT; i++) {
		assert_string_equal(domain_profession_name(want[i].p), want[i].name);
		assert_int_equal(domain_profession_parse(want[i].name), want[i].p);
		assert_string_equal(domain_profession_regulator(want[i].p), want[i].regulator);
		assert_int_equal(domain_profession_on_performers_list(want[i].p), want[i].on_list);
		assert_int_equal(domain_profession_has_national_code(want[i].p), want[i].has_code);
	}
	assert_int_equal(domain_profession_parse("GP"), PROFESSION_GP);
	assert_int_equal(domain_profession_parse("doctor"), -1);
	assert_int_equal(domain_profession_parse(""), -1);
	assert_int_equal(domain_profession_parse(NULL), -1);
	assert_string_equal(domain_profession_name(PROFESSION__COUNT), "?");
	assert_string_equal(domain_profession_regulator((enum profession) - 1), "?");
	assert_false(domain_profession_on_performers_list(PROFESSION__COUNT));
}

struct number_case {
	enum profession p;
	const char *number;
	int ok;
};

static const struct number_case numbers[] = {
    /* GMC: exactly 7 digits; leading zeros are digits like any other. */
    {PROFESSION_GP, "1234567", 1},
    {PROFESSION_GP, "0123456", 1},
    {PROFESSION_GP, "0000000", 1},
    {PROFESSION_GP, "123456", 0},
    {PROFESSION_GP, "12345678", 0},
    {PROFESSION_GP, "123456a", 0},
    {PROFESSION_GP, " 1234567", 0},
    {PROFESSION_GP, "1234567 ", 0},
    {PROFESSION_GP, "123-4567", 0},
    {PROFESSION_GP, "G1234567", 0}, /* a national code, not a GMC number */
    {PROFESSION_GP, "", 0},
    /* GDC: 1 to 6 digits, no leading zero. */
    {PROFESSION_DENTIST, "1", 1},
    {PROFESSION_DENTIST, "54321", 1},
    {PROFESSION_DENTIST, "999999", 1},
    {PROFESSION_DENTIST, "100000", 1},
    {PROFESSION_DENTIST, "1234567", 0},
    {PROFESSION_DENTIST, "0", 0},
    {PROFESSION_DENTIST, "012345", 0},
    {PROFESSION_DENTIST, "12a45", 0},
    {PROFESSION_DENTIST, "-12345", 0},
    {PROFESSION_DENTIST, "", 0},
    /* GOC: 01- or 10- then 5 digits. */
    {PROFESSION_OPTOMETRIST, "01-12345", 1},
    {PROFESSION_OPTOMETRIST, "10-00000", 1},
    {PROFESSION_OPTOMETRIST, "01-1234", 0},
    {PROFESSION_OPTOMETRIST, "01-123456", 0},
    {PROFESSION_OPTOMETRIST, "11-12345", 0},
    {PROFESSION_OPTOMETRIST, "00-12345", 0},
    {PROFESSION_OPTOMETRIST, "1-12345", 0},
    {PROFESSION_OPTOMETRIST, "0112345", 0},
    {PROFESSION_OPTOMETRIST, "01_12345", 0},
    {PROFESSION_OPTOMETRIST, "01-1234a", 0},
    {PROFESSION_OPTOMETRIST, "D-12345", 0},
    /* RPSGB/GPhC: 2 then 6 digits. */
    {PROFESSION_PHARMACIST, "2012345", 1},
    {PROFESSION_PHARMACIST, "2000000", 1},
    {PROFESSION_PHARMACIST, "2999999", 1},
    {PROFESSION_PHARMACIST, "1012345", 0},
    {PROFESSION_PHARMACIST, "201234", 0},
    {PROFESSION_PHARMACIST, "20123456", 0},
    {PROFESSION_PHARMACIST, "2O12345", 0}, /* letter O */
    {PROFESSION_PHARMACIST, "", 0},
};

static void test_registration_numbers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		char *cause = NULL;
		int rc = domain_registration_check_number(numbers[i].p, numbers[i].number, &cause);
		if (rc != (numbers[i].ok ? 0 : -1))
			print_error("%s '%s': rc %d\n", domain_profession_name(numbers[i].p),
				    numbers[i].number, rc);
		assert_int_equal(rc, numbers[i].ok ? 0 : -1);
		if (numbers[i].ok) {
			assert_null(cause);
		} else {
			/* Names the field and the regulator's format. */
			assert_non_null(cause);
			assert_true(strncmp(cause, "registration number: ", 21) == 0);
			assert_non_null(strstr(cause, domain_profession_regulator(numbers[i].p)));
			free(cause);
		}
	}
	/* Each valid number is refused for every other profession, except
	 * where the formats genuinely overlap (a 7-digit number starting 2
	 * is both a GMC and an RPSGB/GPhC number). */
	assert_int_equal(domain_registration_check_number(PROFESSION_DENTIST, "1234567", NULL), -1);
	assert_int_equal(domain_registration_check_number(PROFESSION_OPTOMETRIST, "1234567", NULL),
			 -1);
	assert_int_equal(domain_registration_check_number(PROFESSION_PHARMACIST, "1234567", NULL),
			 -1);
	assert_int_equal(domain_registration_check_number(PROFESSION_GP, "2012345", NULL), 0);
	assert_int_equal(domain_registration_check_number(PROFESSION_GP, "01-12345", NULL), -1);

	char *cause = NULL;
	assert_int_equal(domain_registration_check_number(PROFESSION_GP, "123", &cause), -1);
	assert_string_equal(cause, "registration number: not valid for a gp; a GMC number is 7 "
				   "digits (^[0-9]{7}$, e.g. 1234567)");
	free(cause);
	assert_int_equal(domain_registration_check_number(PROFESSION_DENTIST, "0123", &cause), -1);
	assert_string_equal(cause, "registration number: not valid for a dentist; a GDC number "
				   "is 1 to 6 digits without a leading zero (e.g. 54321)");
	free(cause);
	assert_int_equal(domain_registration_check_number(PROFESSION_GP, NULL, &cause), -1);
	assert_non_null(strstr(cause, "required"));
	free(cause);
	assert_int_equal(domain_registration_check_number(PROFESSION__COUNT, "1234567", &cause),
			 -1);
	assert_string_equal(cause, "profession: must be gp, dentist, optometrist or pharmacist");
	free(cause);
}

static void test_dental_check_digit(void **state)
{
	(void)state;
	/* Worked by hand, weights 1 3 7 1 3 7:
	 *   123456: 1 + 6 + 21 + 4 + 15 + 42 = 89  -> 9
	 *   000000: 0                           -> 0
	 *   999999: 9 + 27 + 63 + 9 + 27 + 63 = 198 -> 8
	 *   700102: 7 + 0 + 0 + 1 + 0 + 14 = 22    -> 2
	 *   010000: 3                           -> 3
	 *   001000: 7                           -> 7
	 *   000001: 7                           -> 7
	 *   314159: 3 + 3 + 28 + 1 + 15 + 63 = 113 -> 3 */
	static const struct {
		const char *six;
		int digit;
	} cases[] = {{"123456", 9}, {"000000", 0}, {"999999", 8}, {"700102", 2},
		     {"010000", 3}, {"001000", 7}, {"000001", 7}, {"314159", 3}};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(domain_registration_dental_check_digit(cases[i].six),
				 cases[i].digit);
		char code[9];
		snprintf(code, sizeof code, "D%s%d", cases[i].six, cases[i].digit);
		assert_int_equal(
		    domain_registration_check_national_code(PROFESSION_DENTIST, code, NULL), 0);
		/* Every other final digit is wrong. */
		for (int d = 0; d <= 9; d++) {
			if (d == cases[i].digit)
				continue;
			snprintf(code, sizeof code, "D%s%d", cases[i].six, d);
			assert_int_equal(
			    domain_registration_check_national_code(PROFESSION_DENTIST, code, NULL),
			    -1);
		}
	}
	assert_int_equal(domain_registration_dental_check_digit("12a456"), -1);

	char *cause = NULL;
	assert_int_equal(
	    domain_registration_check_national_code(PROFESSION_DENTIST, "D1234560", &cause), -1);
	assert_string_equal(cause, "national code: the check digit of dental performer code "
				   "D1234560 should be 9 (units digit of d1 + 3*d2 + 7*d3 + d4 + "
				   "3*d5 + 7*d6); check the code for a typing slip");
	free(cause);
	/* A transposition (12 -> 21) changes the check digit: 2+3+21+4+15+42 = 87 -> 7. */
	assert_int_equal(
	    domain_registration_check_national_code(PROFESSION_DENTIST, "D2134569", NULL), -1);
	assert_int_equal(
	    domain_registration_check_national_code(PROFESSION_DENTIST, "D2134567", NULL), 0);
}

static void test_national_codes(void **state)
{
	(void)state;
	static const struct {
		enum profession p;
		const char *code;
		int ok;
	} cases[] = {
	    {PROFESSION_GP, "G1234567", 1},	     {PROFESSION_GP, "G0000000", 1},
	    {PROFESSION_GP, "G123456", 0},	     {PROFESSION_GP, "G12345678", 0},
	    {PROFESSION_GP, "g1234567", 0},	     {PROFESSION_GP, "D1234569", 0},
	    {PROFESSION_GP, "1234567", 0},	     {PROFESSION_GP, "G12345a7", 0},
	    {PROFESSION_DENTIST, "D1234569", 1},     {PROFESSION_DENTIST, "d1234569", 0},
	    {PROFESSION_DENTIST, "D123456", 0},	     {PROFESSION_DENTIST, "D12345690", 0},
	    {PROFESSION_DENTIST, "G1234569", 0},     {PROFESSION_DENTIST, "D12345x9", 0},
	    {PROFESSION_OPTOMETRIST, "G1234567", 0}, {PROFESSION_OPTOMETRIST, "anything", 0},
	    {PROFESSION_PHARMACIST, "D1234569", 0},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *cause = NULL;
		int rc = domain_registration_check_national_code(cases[i].p, cases[i].code, &cause);
		assert_int_equal(rc, cases[i].ok ? 0 : -1);
		if (!cases[i].ok) {
			assert_true(strncmp(cause, "national code: ", 15) == 0);
			free(cause);
		}
	}
	/* None given is fine for everyone. */
	for (int p = 0; p < PROFESSION__COUNT; p++) {
		assert_int_equal(domain_registration_check_national_code(p, NULL, NULL), 0);
		assert_int_equal(domain_registration_check_national_code(p, "", NULL), 0);
	}
	char *cause = NULL;
	assert_int_equal(
	    domain_registration_check_national_code(PROFESSION_PHARMACIST, "X", &cause), -1);
	assert_string_equal(cause, "national code: pharmacists have no national code; leave it "
				   "empty");
	free(cause);
	assert_int_equal(
	    domain_registration_check_national_code(PROFESSION_OPTOMETRIST, "X", &cause), -1);
	assert_string_equal(cause, "national code: optometrists have no national code; leave it "
				   "empty");
	free(cause);
	assert_int_equal(domain_registration_check_national_code(PROFESSION_GP, "G1", &cause), -1);
	assert_string_equal(cause, "national code: a GP national code is G then 7 digits "
				   "(^G[0-9]{7}$, e.g. G1234567)");
	free(cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_professions),
	    cmocka_unit_test(test_registration_numbers),
	    cmocka_unit_test(test_dental_check_digit),
	    cmocka_unit_test(test_national_codes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
