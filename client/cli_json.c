/*
 * The --json writer (cli_json.h). It keeps only a comma flag per open
 * container and writes as it goes, so output order is call order and
 * nothing is buffered. String escaping is the part that matters: a display
 * name or a server message may hold quotes, newlines, terminal escapes or
 * bytes that are not UTF-8, and a script parsing our output must never
 * see anything but valid JSON.
 */
#include "cli_json.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "timeutil.h"

void cli_json_init(struct cli_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->after_key = 0;
}

/* The separator before a value or key at the current position. */
static void before_item(struct cli_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (j->has_items[j->depth - 1])
			fputc(',', j->out);
		j->has_items[j->depth - 1] = 1;
	}
}

static void after_value(struct cli_json *j)
{
	if (j->depth == 0)
		fputc('\n', j->out);
}

static void open_container(struct cli_json *j, char c)
{
	before_item(j);
	if (j->depth >= CLI_JSON_MAX_DEPTH)
		abort(); /* our own output code nests; a bug, not input */
	fputc(c, j->out);
	j->has_items[j->depth++] = 0;
}

static void close_container(struct cli_json *j, char c)
{
	if (j->depth == 0)
		abort();
	j->depth--;
	fputc(c, j->out);
	after_value(j);
}

void cli_json_object_begin(struct cli_json *j)
{
	open_container(j, '{');
}

void cli_json_object_end(struct cli_json *j)
{
	close_container(j, '}');
}

void cli_json_array_begin(struct cli_json *j)
{
	open_container(j, '[');
}

void cli_json_array_end(struct cli_json *j)
{
	close_container(j, ']');
}

void cli_json_key(struct cli_json *j, const char *key)
{
	before_item(j);
	cli_json_write_string(j->out, key, strlen(key));
	fputc(':', j->out);
	j->after_key = 1;
}

/*
 * Length of the valid UTF-8 sequence at s (at most n bytes), or 0 if the
 * bytes there are not one: overlong forms, surrogates (U+D800..DFFF) and
 * code points past U+10FFFF are invalid (RFC 3629 section 4).
 */
size_t cli_utf8_valid_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len;
	unsigned char lo = 0x80, hi = 0xbf; /* allowed range of the second byte */
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else {
		return 0;
	}
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void cli_json_write_string(FILE *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	fputc('"', out);
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c >= 0x80) {
			size_t len = cli_utf8_valid_len(s + i, n - i);
			if (len == 0) {
				fputs("\\ufffd", out);
				i++;
			} else {
				fwrite(s + i, 1, len, out);
				i += len;
			}
			continue;
		}
		switch (c) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			/* DEL is legal raw JSON but as invisible as the C0
			 * controls, so it is escaped the same way. */
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
		i++;
	}
	fputc('"', out);
}

void cli_json_string_n(struct cli_json *j, const char *s, size_t n)
{
	before_item(j);
	cli_json_write_string(j->out, s, n);
	after_value(j);
}

void cli_json_string(struct cli_json *j, const char *s)
{
	if (s == NULL)
		cli_json_null(j);
	else
		cli_json_string_n(j, s, strlen(s));
}

void cli_json_int(struct cli_json *j, int64_t v)
{
	before_item(j);
	fprintf(j->out, "%" PRId64, v);
	after_value(j);
}

void cli_json_uint(struct cli_json *j, uint64_t v)
{
	before_item(j);
	fprintf(j->out, "%" PRIu64, v);
	after_value(j);
}

void cli_json_bool(struct cli_json *j, int v)
{
	before_item(j);
	fputs(v ? "true" : "false", j->out);
	after_value(j);
}

void cli_json_null(struct cli_json *j)
{
	before_item(j);
	fputs("null", j->out);
	after_value(j);
}

void cli_json_field_string(struct cli_json *j, const char *key, const char *s)
{
	cli_json_key(j, key);
	cli_json_string(j, s);
}

void cli_json_field_int(struct cli_json *j, const char *key, int64_t v)
{
	cli_json_key(j, key);
	cli_json_int(j, v);
}

void cli_json_field_uint(struct cli_json *j, const char *key, uint64_t v)
{
	cli_json_key(j, key);
	cli_json_uint(j, v);
}

void cli_json_field_bool(struct cli_json *j, const char *key, int v)
{
	cli_json_key(j, key);
	cli_json_bool(j, v);
}

void cli_json_field_time(struct cli_json *j, const char *key, int64_t unix_s)
{
	cli_json_key(j, key);
	if (unix_s <= 0) {
		cli_json_null(j);
		return;
	}
	char t[32];
	time_format_rfc3339(unix_s, t, sizeof t);
	cli_json_string(j, t);
}

void cli_json_field_strings(struct cli_json *j, const char *key, char *const *items, size_t n)
{
	cli_json_key(j, key);
	cli_json_array_begin(j);
	for (size_t i = 0; i < n; i++)
		cli_json_string(j, items[i] != NULL ? items[i] : "");
	cli_json_array_end(j);
}
