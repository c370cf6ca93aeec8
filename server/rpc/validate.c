/*
 * Input validation. Free text must be valid UTF-8 without control
 * characters, so that it can never break a log line, a JSON Lines record or
 * a syslog message downstream (the audit issue's guarantee starts here).
 */
#include "validate.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static const char *pattern(const char *field, const char *s, size_t max, const char *first,
			   const char *rest, const char *rule, char *buf, size_t size)
{
	size_t n = strlen(s);
	if (n == 0) {
		snprintf(buf, size, "%s: required", field);
		return buf;
	}
	int ok = n <= max && strchr(first, s[0]) != NULL;
	for (size_t i = 1; ok && i < n; i++)
		ok = strchr(rest, s[i]) != NULL;
	if (!ok) {
		snprintf(buf, size, "%s: '%.64s' is not valid (%s)", field, s, rule);
		return buf;
	}
	return NULL;
}

#define LOWER "abcdefghijklmnopqrstuvwxyz"
#define UPPER "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
#define DIGITS "0123456789"

const char *validate_username(const char *field, const char *s, char *buf, size_t size)
{
	return pattern(field, s, 64, LOWER DIGITS, LOWER DIGITS "._-",
		       "1 to 64 of a-z, 0-9, '.', '_', '-', starting with a letter or digit", buf,
		       size);
}

const char *validate_role_name(const char *field, const char *s, char *buf, size_t size)
{
	return pattern(field, s, 40, LOWER, LOWER DIGITS "-",
		       "1 to 40 of a-z, 0-9, '-', starting with a letter", buf, size);
}

const char *validate_site_code(const char *field, char *s, char *buf, size_t size)
{
	for (char *p = s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return pattern(field, s, 16, UPPER DIGITS, UPPER DIGITS "-", "1 to 16 of A-Z, 0-9, '-'",
		       buf, size);
}

const char *validate_text(const char *field, const char *s, size_t max, int required, int multiline,
			  char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t chars = 0;
	if (*p == '\0') {
		if (!required)
			return NULL;
		snprintf(buf, size, "%s: required", field);
		return buf;
	}
	while (*p) {
		int len = *p < 0x80	    ? 1
			  : (*p >> 5) == 6  ? 2
			  : (*p >> 4) == 14 ? 3
			  : (*p >> 3) == 30 ? 4
					    : 0;
		for (int i = 1; len && i < len; i++)
			if ((p[i] & 0xc0) != 0x80)
				len = 0;
		if (len == 0) {
			snprintf(buf, size, "%s: not valid UTF-8 (byte %zu)", field,
				 (size_t)(p - (const unsigned char *)s));
			return buf;
		}
		if (len == 1 && (*p < 0x20 || *p == 0x7f) &&
		    !(multiline && (*p == '\n' || *p == '\t'))) {
			snprintf(buf, size,
				 "%s: control character 0x%02x at byte %zu is not allowed", field,
				 *p, (size_t)(p - (const unsigned char *)s));
			return buf;
		}
		p += len;
		chars++;
	}
	if (chars > max) {
		snprintf(buf, size, "%s: too long (%zu characters; at most %zu)", field, chars,
			 max);
		return buf;
	}
	return NULL;
}
