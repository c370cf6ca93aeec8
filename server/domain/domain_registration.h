/*
 * Professions and their registration numbers (DOMAIN.md "Performers"):
 * which regulator registers each profession, the format of its registration
 * number and of the optional national code, and whether the profession is
 * on the PCT's Performers List at all (pharmacists are not: concerns about
 * them go to their regulator).
 *
 * Pure functions. Errors: 0 / -1 with *cause, a sentence naming the field
 * and the expected format, allocated with xasprintf for the caller to free
 * (cause may be NULL). Values are never echoed back: they arrive from
 * clients and may hold anything.
 */
#ifndef ASSURE_DOMAIN_REGISTRATION_H
#define ASSURE_DOMAIN_REGISTRATION_H

enum profession {
	PROFESSION_GP,
	PROFESSION_DENTIST,
	PROFESSION_OPTOMETRIST,
	PROFESSION_PHARMACIST,
	PROFESSION__COUNT
};

/* "gp", "dentist", "optometrist", "pharmacist"; "?" otherwise. */
const char *domain_profession_name(enum profession p);
/* The profession with this name (case-insensitive), or -1. */
int domain_profession_parse(const char *s);
/* "GMC", "GDC", "GOC", "RPSGB/GPhC" (the RPSGB registered pharmacists until
 * the GPhC took over in 2010; numbers carried across). "?" otherwise. */
const char *domain_profession_regulator(enum profession p);
/* 1 for GPs, dentists and optometrists; 0 for pharmacists (no list status,
 * never list actions). */
int domain_profession_on_performers_list(enum profession p);
/* 1 when the profession has an optional national code (GPs and dentists). */
int domain_profession_has_national_code(enum profession p);

/*
 * The registration number for profession p, exactly as stored (no
 * trimming, no case folding):
 *   gp           GMC number     ^[0-9]{7}$        (leading zeros are digits)
 *   dentist      GDC number     1 to 6 digits, no leading zero
 *   optometrist  GOC number     ^(01|10)-[0-9]{5}$
 *   pharmacist   RPSGB/GPhC     ^2[0-9]{6}$
 * The GDC number is the only variable-length one; "0123" and "123" would be
 * the same registrant under two spellings and defeat the "profession plus
 * number is unique" rule, so a leading zero is refused.
 * 0, or -1 with *cause ("registration number: a GMC number is 7 digits").
 */
int domain_registration_check_number(enum profession p, const char *number, char **cause)
    __attribute__((warn_unused_result));

/*
 * The optional national code. NULL or "" means none and is accepted for
 * every profession. Otherwise:
 *   gp       GP national code       ^G[0-9]{7}$
 *   dentist  dental performer code  D, six digits d1..d6, then the check
 *            digit: the units digit of d1 + 3·d2 + 7·d3 + d4 + 3·d5 + 7·d6
 *   optometrists and pharmacists have none, so any code is refused.
 * 0, or -1 with *cause naming the field and format (and, for a wrong check
 * digit, the digit expected: a typing slip is the likely cause).
 */
int domain_registration_check_national_code(enum profession p, const char *code, char **cause)
    __attribute__((warn_unused_result));

/* The dental performer code check digit for six ASCII digits, or -1 when
 * any of the six is not a digit. */
int domain_registration_dental_check_digit(const char *six_digits);

#endif
