/*
 * A tiny streaming JSON writer for --json output: objects, arrays,
 * strings, integers, booleans and null, written straight to a FILE as one
 * compact line per document. Strings are escaped by RFC 8259: quote,
 * backslash and every control character are escaped, valid UTF-8 passes
 * through unchanged, and each byte of an invalid UTF-8 sequence becomes
 * U+FFFD, so the output is always valid JSON in valid UTF-8 whatever the
 * server sent.
 */
#ifndef ASSURE_CLI_JSON_H
#define ASSURE_CLI_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define CLI_JSON_MAX_DEPTH 32

struct cli_json {
	FILE *out;
	int depth;
	int after_key;				     /* a key was written; its value comes next */
	unsigned char has_items[CLI_JSON_MAX_DEPTH]; /* per open container: needs a comma */
};

void cli_json_init(struct cli_json *j, FILE *out);

/* Containers. Ending the outermost one ends the line. Nesting deeper than
 * CLI_JSON_MAX_DEPTH is a programming error and aborts. */
void cli_json_object_begin(struct cli_json *j);
void cli_json_object_end(struct cli_json *j);
void cli_json_array_begin(struct cli_json *j);
void cli_json_array_end(struct cli_json *j);

/* A member name inside an object; the next value call is its value. */
void cli_json_key(struct cli_json *j, const char *key);

/* Values. cli_json_string(j, NULL) writes null. */
void cli_json_string(struct cli_json *j, const char *s);
void cli_json_string_n(struct cli_json *j, const char *s, size_t n);
void cli_json_int(struct cli_json *j, int64_t v);
void cli_json_uint(struct cli_json *j, uint64_t v);
void cli_json_bool(struct cli_json *j, int v);
void cli_json_null(struct cli_json *j);

/* Shorthands for key + value. */
void cli_json_field_string(struct cli_json *j, const char *key, const char *s);
void cli_json_field_int(struct cli_json *j, const char *key, int64_t v);
void cli_json_field_uint(struct cli_json *j, const char *key, uint64_t v);
void cli_json_field_bool(struct cli_json *j, const char *key, int v);
/* key: an RFC 3339 UTC string ("2026-11-23T15:42:07Z") for Unix seconds,
 * or null for 0 (the proto's "never"; anything before 1970 likewise). */
void cli_json_field_time(struct cli_json *j, const char *key, int64_t unix_s);
/* key: an array of n strings (NULL items as ""). */
void cli_json_field_strings(struct cli_json *j, const char *key, char *const *items, size_t n);

/* Writes s[0..n) as a quoted, escaped JSON string (the core of the above,
 * exposed for tests). */
void cli_json_write_string(FILE *out, const char *s, size_t n);

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if the
 * bytes there are not one (RFC 3629: no overlong forms, surrogates or code
 * points past U+10FFFF). Shared with the CSV and syslog writers. */
size_t cli_utf8_valid_len(const unsigned char *s, size_t n);

#endif
