/*
 * Registration numbers and national codes per profession. Formats are
 * checked by hand rather than with <regex.h>: each is a few fixed
 * positions, and a hand check cannot be fooled by locale-dependent ranges
 * such as [0-9] matching other digits. Pure; no state.
 */
#include "domain_registration.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

static const struct {
	const char *name;
	const char *regulator;
	const char *number_rule; /* for messages */
	int on_list;
	int has_code;
} professions[PROFESSION__COUNT] = {
    [PROFESSION_GP] = {"gp", "GMC", "a GMC number is 7 digits (^[0-9]{7}$, e.g. 1234567)", 1, 1},
    [PROFESSION_DENTIST] = {"dentist", "GDC",
			    "a GDC number is 1 to 6 digits without a leading zero (e.g. 54321)", 1,
			    1},
    [PROFESSION_OPTOMETRIST] = {"optometrist", "GOC",
				"a GOC number is 01- or 10- then 5 digits "
				"(^(01|10)-[0-9]{5}$, e.g. 01-12345)",
				1, 0},
    [PROFESSION_PHARMACIST] =
	{"pharmacist", "RPSGB/GPhC",
	 "an RPSGB/GPhC number is 2 then 6 digits (^2[0-9]{6}$, e.g. 2012345)", 0, 0},
};

static int valid(enum profession p)
{
	return (int)p >= 0 && p < PROFESSION__COUNT;
}

const char *domain_profession_name(enum profession p)
{
	return valid(p) ? professions[p].name : "?";
}

int domain_profession_parse(const char *s)
{
	if (s == NULL)
		return -1;
	for (int i = 0; i < PROFESSION__COUNT; i++)
		if (strcasecmp(s, professions[i].name) == 0)
			return i;
	return -1;
}

const char *domain_profession_regulator(enum profession p)
{
	return valid(p) ? professions[p].regulator : "?";
}

int domain_profession_on_performers_list(enum profession p)
{
	return valid(p) && professions[p].on_list;
}

int domain_profession_has_national_code(enum profession p)
{
	return valid(p) && professions[p].has_code;
}

/* 1 when s[0..n) are all ASCII digits. */
static int all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

int domain_registration_check_number(enum profession p, const char *number, char **cause)
{
	if (!valid(p)) {
		set_cause(cause, "profession: must be gp, dentist, optometrist or pharmacist");
		return -1;
	}
	if (number == NULL || number[0] == '\0') {
		set_cause(cause, "registration number: required; %s", professions[p].number_rule);
		return -1;
	}
	size_t n = strlen(number);
	int ok = 0;
	switch (p) {
	case PROFESSION_GP:
		ok = n == 7 && all_digits(number, 7);
		break;
	case PROFESSION_DENTIST:
		ok = n >= 1 && n <= 6 && all_digits(number, n) && number[0] != '0';
		break;
	case PROFESSION_OPTOMETRIST:
		ok = n == 8 && (strncmp(number, "01-", 3) == 0 || strncmp(number, "10-", 3) == 0) &&
		     all_digits(number + 3, 5);
		break;
	case PROFESSION_PHARMACIST:
		ok = n == 7 && number[0] == '2' && all_digits(number, 7);
		break;
	default:
		break;
	}
	if (!ok) {
		set_cause(cause, "registration number: not valid for a %s; %s", professions[p].name,
			  professions[p].number_rule);
		return -1;
	}
	return 0;
}

int domain_registration_dental_check_digit(const char *six_digits)
{
	static const int weights[6] = {1, 3, 7, 1, 3, 7};
	int sum = 0;
	for (int i = 0; i < 6; i++) {
		if (six_digits[i] < '0' || six_digits[i] > '9')
			return -1;
		sum += weights[i] * (six_digits[i] - '0');
	}
	return sum % 10;
}

int domain_registration_check_national_code(enum profession p, const char *code, char **cause)
{
	if (!valid(p)) {
		set_cause(cause, "profession: must be gp, dentist, optometrist or pharmacist");
		return -1;
	}
	if (code == NULL || code[0] == '\0')
		return 0;
	size_t n = strlen(code);
	switch (p) {
	case PROFESSION_GP:
		if (n != 8 || code[0] != 'G' || !all_digits(code + 1, 7)) {
			set_cause(cause, "national code: a GP national code is G then 7 digits "
					 "(^G[0-9]{7}$, e.g. G1234567)");
			return -1;
		}
		return 0;
	case PROFESSION_DENTIST: {
		if (n != 8 || code[0] != 'D' || !all_digits(code + 1, 7)) {
			set_cause(cause,
				  "national code: a dental performer code is D, 6 digits and a "
				  "check digit (e.g. D1234569)");
			return -1;
		}
		int want = domain_registration_dental_check_digit(code + 1);
		if (code[7] - '0' != want) {
			set_cause(cause,
				  "national code: the check digit of dental performer code "
				  "%.8s should be %d (units digit of d1 + 3*d2 + 7*d3 + d4 + 3*d5 "
				  "+ 7*d6); check the code for a typing slip",
				  code, want);
			return -1;
		}
		return 0;
	}
	case PROFESSION_OPTOMETRIST:
	case PROFESSION_PHARMACIST:
	default:
		set_cause(cause, "national code: %ss have no national code; leave it empty",
			  professions[p].name);
		return -1;
	}
}
