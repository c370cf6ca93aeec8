/*
 * Configuration errors are read by an operator at start-up, often over
 * ssh with no other clue, so the exact wording of every cause is part of
 * the contract and is compared whole here. Each error path of the line
 * parser and of every value parser has a case, and each number parser is
 * tried on both sides of its limits and of 2^64.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

/* ---- helpers ------------------------------------------------------------ */

/* Where *out points before a call that must fail and reset it to NULL. */
static struct config sentinel;

static struct config *parse_ok(const char *text)
{
	struct config *cfg = NULL;
	char *cause = NULL;
	if (config_parse_string(text, "t.conf", &cfg, &cause) != 0)
		fail_msg("unexpected error: %s", cause);
	assert_non_null(cfg);
	assert_null(cause);
	return cfg;
}

static void expect_parse_error(const char *text, const char *source, const char *want)
{
	struct config *cfg = &sentinel;
	char *cause = NULL;
	assert_int_equal(config_parse_string(text, source, &cfg, &cause), -1);
	assert_null(cfg);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void assert_entry(const struct config *cfg, const char *key, const char *value, int line)
{
	const struct config_entry *e = config_find(cfg, key);
	if (e == NULL)
		fail_msg("key '%s' not found", key);
	assert_string_equal(e->key, key);
	assert_string_equal(e->value, value);
	assert_int_equal(e->line, line);
}

/* A temporary file holding exactly n bytes of data; the caller unlinks it. */
static char *temp_file(const void *data, size_t n)
{
	const char *dir = getenv("TMPDIR");
	char *path = NULL;
	assert_true(asprintf(&path, "%s/test_config.XXXXXX", dir ? dir : "/tmp") > 0);
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
	return path;
}

static char *repeat(char c, size_t n)
{
	char *s = malloc(n + 1);
	assert_non_null(s);
	memset(s, c, n);
	s[n] = '\0';
	return s;
}

/* "k = vvv...": a line of exactly len bytes. */
static char *line_of_length(size_t len)
{
	char *s = repeat('v', len);
	memcpy(s, "k = ", 4);
	return s;
}

static char *with_suffix(const char *s, const char *suffix)
{
	char *out = NULL;
	assert_true(asprintf(&out, "%s%s", s, suffix) > 0);
	return out;
}

/* ---- the line parser ---------------------------------------------------- */

static void test_basic(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("listen = 127.0.0.1:7443\ndb=var/assure.db\n");
	assert_string_equal(cfg->source, "t.conf");
	assert_int_equal(cfg->n, 2);
	assert_string_equal(cfg->entries[0].key, "listen");
	assert_string_equal(cfg->entries[1].key, "db");
	assert_entry(cfg, "listen", "127.0.0.1:7443", 1);
	assert_entry(cfg, "db", "var/assure.db", 2);
	assert_null(config_find(cfg, "cert"));
	assert_null(config_find(cfg, "liste"));
	assert_null(config_find(cfg, "listen "));
	config_free(cfg);
}

static void test_empty_inputs(void **state)
{
	(void)state;
	const char *texts[] = {"", "\n", "\n\n\n", "   \n\t\n", "# only a comment", "\r\n"};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		struct config *cfg = parse_ok(texts[i]);
		assert_int_equal(cfg->n, 0);
		assert_null(config_find(cfg, "x"));
		config_free(cfg);
	}
}

static void test_null_source(void **state)
{
	(void)state;
	struct config *cfg = NULL;
	char *cause = NULL;
	assert_int_equal(config_parse_string("a = 1\n", NULL, &cfg, &cause), 0);
	/* Callers may print source unconditionally. */
	assert_non_null(cfg->source);
	config_free(cfg);
}

static void test_comments_and_blanks(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("# header\n"
				      "\n"
				      "   \n"
				      "\t# indented comment\n"
				      "key = value # kept: only whole lines are comments\n"
				      "#commented = out\n"
				      "url = https://x/#frag\n");
	assert_int_equal(cfg->n, 2);
	assert_entry(cfg, "key", "value # kept: only whole lines are comments", 5);
	assert_entry(cfg, "url", "https://x/#frag", 7);
	assert_null(config_find(cfg, "commented"));
	assert_null(config_find(cfg, "#commented"));
	config_free(cfg);
}

static void test_whitespace(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("  a\t=\t  spaced  value \t\n"
				      "b=c\n"
				      "\t d =e\n"
				      "tab = x\ty\n");
	assert_entry(cfg, "a", "spaced  value", 1);
	assert_entry(cfg, "b", "c", 2);
	assert_entry(cfg, "d", "e", 3);
	assert_entry(cfg, "tab", "x\ty", 4);
	config_free(cfg);
}

static void test_crlf(void **state)
{
	(void)state;
	struct config *cfg =
	    parse_ok("a = 1\r\nb = two words \r\n\r\n# c\r\nempty =\r\nlast = 4\r");
	assert_int_equal(cfg->n, 4);
	assert_entry(cfg, "a", "1", 1);
	assert_entry(cfg, "b", "two words", 2);
	assert_entry(cfg, "empty", "", 5);
	assert_entry(cfg, "last", "4", 6);
	config_free(cfg);
	/* Only a '\r' right before the line end belongs to CRLF. */
	expect_parse_error("a = 1\rb = 2\n", NULL, "line 1: control character 0x0d at column 6");
}

static void test_no_final_newline(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("a = 1\nb = 2");
	assert_int_equal(cfg->n, 2);
	assert_entry(cfg, "b", "2", 2);
	config_free(cfg);
}

static void test_empty_value_allowed(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("cert =\nkey=   \nca=\t\n");
	assert_int_equal(cfg->n, 3);
	assert_entry(cfg, "cert", "", 1);
	assert_entry(cfg, "key", "", 2);
	assert_entry(cfg, "ca", "", 3);
	config_free(cfg);
}

static void test_equals_in_value(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("token = a=b = c=\nx==\n");
	assert_entry(cfg, "token", "a=b = c=", 1);
	assert_entry(cfg, "x", "=", 2);
	config_free(cfg);
}

static void test_key_characters(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("a.b-c_d9 = 1\n0 = 2\n-._ = 3\n");
	assert_entry(cfg, "a.b-c_d9", "1", 1);
	assert_entry(cfg, "0", "2", 2);
	assert_entry(cfg, "-._", "3", 3);
	config_free(cfg);

	expect_parse_error("Listen = x\n", NULL,
			   "line 1: key 'Listen' may only contain a-z, 0-9, '_', '.' and '-'");
	expect_parse_error("a = 1\ntwo words = x\n", NULL,
			   "line 2: key 'two words' may only contain a-z, 0-9, '_', '.' and '-'");
	expect_parse_error("k\xc3\xa9 = x\n", NULL,
			   "line 1: key 'k\xc3\xa9' may only contain a-z, 0-9, '_', '.' and '-'");
	expect_parse_error("a/b = x\n", NULL,
			   "line 1: key 'a/b' may only contain a-z, 0-9, '_', '.' and '-'");
	expect_parse_error("key# = x\n", NULL,
			   "line 1: key 'key#' may only contain a-z, 0-9, '_', '.' and '-'");
}

static void test_missing_equals(void **state)
{
	(void)state;
	expect_parse_error("listen 127.0.0.1:7443\n", NULL, "line 1: expected 'key = value'");
	expect_parse_error("# c\n\na = 1\nlisten\n", NULL, "line 4: expected 'key = value'");
	expect_parse_error("a = 1\nlisten: x", "my.conf",
			   "my.conf: line 2: expected 'key = value'");
}

static void test_missing_key(void **state)
{
	(void)state;
	expect_parse_error("= value\n", NULL, "line 1: expected 'key = value' (no key before '=')");
	expect_parse_error("a = 1\n  \t= \n", NULL,
			   "line 2: expected 'key = value' (no key before '=')");
}

static void test_duplicate_key(void **state)
{
	(void)state;
	expect_parse_error("# x\n\nlisten = a\ndb = d\n\n# y\nlisten = b\n", NULL,
			   "line 7: duplicate key 'listen' (first on line 3)");
	expect_parse_error("a = 1\na = 1\n", "dup.conf",
			   "dup.conf: line 2: duplicate key 'a' (first on line 1)");
	/* Same key however it is spaced. */
	expect_parse_error("a=1\n  a   =   2\n", NULL,
			   "line 2: duplicate key 'a' (first on line 1)");
	/* A key that is a prefix of another is a different key. */
	struct config *cfg = parse_ok("ab = 1\na = 2\nabc = 3\n");
	assert_int_equal(cfg->n, 3);
	assert_entry(cfg, "a", "2", 2);
	config_free(cfg);
}

static void test_control_characters(void **state)
{
	(void)state;
	expect_parse_error("a = b\001c\n", NULL, "line 1: control character 0x01 at column 6");
	expect_parse_error("a = 1\nb = \x7f\n", NULL, "line 2: control character 0x7f at column 5");
	expect_parse_error("\x1b[31m = x\n", NULL, "line 1: control character 0x1b at column 1");
	/* Even in a comment: an escape sequence there is no more intended. */
	expect_parse_error("# \x07\n", NULL, "line 1: control character 0x07 at column 3");
}

static void test_byte_order_mark(void **state)
{
	(void)state;
	struct config *cfg = parse_ok("\357\273\277a = 1\n");
	assert_entry(cfg, "a", "1", 1);
	config_free(cfg);
	/* Only at the very start of the file. */
	expect_parse_error(
	    "a = 1\n\357\273\277b = 2\n", NULL,
	    "line 2: key '\357\273\277b' may only contain a-z, 0-9, '_', '.' and '-'");
}

static void test_long_lines(void **state)
{
	(void)state;
	char *max = line_of_length(4096);
	struct config *cfg = parse_ok(max);
	assert_int_equal(strlen(config_find(cfg, "k")->value), 4092);
	config_free(cfg);

	/* The CRLF's '\r' is not part of the line. */
	char *max_crlf = with_suffix(max, "\r\n");
	cfg = parse_ok(max_crlf);
	config_free(cfg);

	char *over = line_of_length(4097);
	char *text = with_suffix("a = 1\n", over);
	expect_parse_error(text, NULL, "line 2: longer than 4096 bytes");
	expect_parse_error(text, "big.conf", "big.conf: line 2: longer than 4096 bytes");

	/* A comment is still a line. */
	char *comment = repeat('#', 5000);
	expect_parse_error(comment, NULL, "line 1: longer than 4096 bytes");

	free(max);
	free(max_crlf);
	free(over);
	free(text);
	free(comment);
}

static void test_many_entries(void **state)
{
	(void)state;
	size_t cap = 64 * 1000;
	char *text = malloc(cap);
	assert_non_null(text);
	size_t off = 0;
	for (int i = 0; i < 1000; i++)
		off += (size_t)snprintf(text + off, cap - off, "key%d = value %d\n", i, i * 7);
	struct config *cfg = parse_ok(text);
	assert_int_equal(cfg->n, 1000);
	for (int i = 0; i < 1000; i += 37) {
		char key[16], value[32];
		snprintf(key, sizeof key, "key%d", i);
		snprintf(value, sizeof value, "value %d", i * 7);
		assert_entry(cfg, key, value, i + 1);
	}
	config_free(cfg);
	free(text);
}

static void test_free_null(void **state)
{
	(void)state;
	config_free(NULL);
}

/* ---- files -------------------------------------------------------------- */

static struct config *parse_file_ok(const char *path)
{
	struct config *cfg = NULL;
	char *cause = NULL;
	if (config_parse_file(path, &cfg, &cause) != 0)
		fail_msg("unexpected error: %s", cause);
	assert_non_null(cfg);
	return cfg;
}

static void expect_file_error(const char *path, const char *want)
{
	struct config *cfg = &sentinel;
	char *cause = NULL;
	assert_int_equal(config_parse_file(path, &cfg, &cause), -1);
	assert_null(cfg);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void test_file(void **state)
{
	(void)state;
	const char text[] = "# assured\r\nlisten = 127.0.0.1:0\r\n\r\nworkers = 4";
	char *path = temp_file(text, sizeof text - 1);
	struct config *cfg = parse_file_ok(path);
	assert_string_equal(cfg->source, path);
	assert_int_equal(cfg->n, 2);
	assert_entry(cfg, "listen", "127.0.0.1:0", 2);
	assert_entry(cfg, "workers", "4", 4);
	config_free(cfg);
	unlink(path);
	free(path);

	path = temp_file("", 0);
	cfg = parse_file_ok(path);
	assert_int_equal(cfg->n, 0);
	config_free(cfg);
	unlink(path);
	free(path);
}

static void expect_file_text_error(const char *text, const char *want_after_path)
{
	char *path = temp_file(text, strlen(text));
	char *want = NULL;
	assert_true(asprintf(&want, "%s: %s", path, want_after_path) > 0);
	expect_file_error(path, want);
	unlink(path);
	free(path);
	free(want);
}

static void test_file_errors_name_file(void **state)
{
	(void)state;
	expect_file_text_error("a = 1\na = 2\n", "line 2: duplicate key 'a' (first on line 1)");
	/* The last line counts even without a newline, however short. */
	expect_file_text_error("a = 1\nx", "line 2: expected 'key = value'");
	expect_file_text_error("a = 1\n\n\nX = 2", "line 4: key 'X' may only contain a-z, 0-9, "
						   "'_', '.' and '-'");
}

static void test_file_missing(void **state)
{
	(void)state;
	expect_file_error("/nonexistent/assure/config",
			  "cannot open /nonexistent/assure/config: No such file or directory");
}

static void test_file_is_directory(void **state)
{
	(void)state;
	expect_file_error("/", "cannot read /: Is a directory");
}

static void test_file_nul_byte(void **state)
{
	(void)state;
	const char text[] = "a = 1\nb = \0x\n";
	char *path = temp_file(text, sizeof text - 1);
	char *want = NULL;
	assert_true(asprintf(&want, "%s: line 2: control character 0x00 at column 5", path) > 0);
	expect_file_error(path, want);
	unlink(path);
	free(path);
	free(want);
}

static void test_file_long_lines(void **state)
{
	(void)state;
	/* At the limit, with LF, CRLF and no newline at all. */
	const char *ends[] = {"\n", "\r\n", ""};
	for (size_t i = 0; i < 3; i++) {
		char *line = line_of_length(4096);
		char *text = with_suffix(line, ends[i]);
		char *path = temp_file(text, strlen(text));
		struct config *cfg = parse_file_ok(path);
		assert_int_equal(strlen(config_find(cfg, "k")->value), 4092);
		config_free(cfg);
		unlink(path);
		free(path);
		free(text);
		free(line);
	}
	/* One over, ended each way, and far over (the reader stops early). */
	const size_t lens[] = {4097, 4098, 100000};
	for (size_t l = 0; l < 3; l++) {
		for (size_t i = 0; i < 3; i++) {
			char *line = line_of_length(lens[l]);
			char *text = with_suffix("# first\n", line);
			char *text2 = with_suffix(text, ends[i]);
			char *path = temp_file(text2, strlen(text2));
			char *want = NULL;
			assert_true(asprintf(&want, "%s: line 2: longer than 4096 bytes", path) >
				    0);
			expect_file_error(path, want);
			unlink(path);
			free(path);
			free(want);
			free(text2);
			free(text);
			free(line);
		}
	}
}

/* A device that never ends must not be read for ever or into memory. */
static void test_file_endless(void **state)
{
	(void)state;
	expect_file_error("/dev/zero", "/dev/zero: line 1: longer than 4096 bytes");
}

/* ---- value parsers ------------------------------------------------------ */

static void expect_u64(const char *s, uint64_t min, uint64_t max, uint64_t want)
{
	uint64_t v = 12345;
	char *cause = NULL;
	if (config_parse_u64(s, min, max, &v, &cause) != 0)
		fail_msg("'%s': %s", s, cause);
	assert_int_equal(v, want);
}

static void expect_u64_error(const char *s, uint64_t min, uint64_t max, const char *want)
{
	uint64_t v = 12345;
	char *cause = NULL;
	assert_int_equal(config_parse_u64(s, min, max, &v, &cause), -1);
	assert_int_equal(v, 12345);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void test_u64(void **state)
{
	(void)state;
	expect_u64("0", 0, UINT64_MAX, 0);
	expect_u64("42", 0, UINT64_MAX, 42);
	expect_u64("007", 0, UINT64_MAX, 7);
	expect_u64("18446744073709551615", 0, UINT64_MAX, UINT64_MAX);
	expect_u64("1", 1, 100, 1);
	expect_u64("100", 1, 100, 100);
	expect_u64("5", 5, 5, 5);

	expect_u64_error("0", 1, 100, "'0' is too small (at least 1)");
	expect_u64_error("101", 1, 100, "'101' is too large (at most 100)");
	expect_u64_error("18446744073709551616", 0, UINT64_MAX,
			 "'18446744073709551616' is too large (at most 18446744073709551615)");
	expect_u64_error("99999999999999999999999", 0, UINT64_MAX,
			 "'99999999999999999999999' is too large (at most 18446744073709551615)");
	expect_u64_error("18446744073709551620", 0, 10,
			 "'18446744073709551620' is too large (at most 10)");

	const char *bad[] = {"",    "-1",  "+1",    " 1",  "1 ",   "0x10",
			     "1.5", "1e3", "12abc", "one", "1,000"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char want[64];
		snprintf(want, sizeof want, "'%s' is not a whole number", bad[i]);
		expect_u64_error(bad[i], 0, UINT64_MAX, want);
	}
}

static void expect_duration(const char *s, uint64_t want)
{
	uint64_t v = 12345;
	char *cause = NULL;
	if (config_parse_duration(s, &v, &cause) != 0)
		fail_msg("'%s': %s", s, cause);
	assert_int_equal(v, want);
}

static void expect_duration_error(const char *s, const char *want)
{
	uint64_t v = 12345;
	char *cause = NULL;
	assert_int_equal(config_parse_duration(s, &v, &cause), -1);
	assert_int_equal(v, 12345);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void test_duration(void **state)
{
	(void)state;
	expect_duration("0", 0);
	expect_duration("0s", 0);
	expect_duration("90", 90);
	expect_duration("90s", 90);
	expect_duration("30m", 1800);
	expect_duration("12h", 43200);
	expect_duration("14d", 1209600);
	expect_duration("18446744073709551615", UINT64_MAX);
	expect_duration("18446744073709551615s", UINT64_MAX);
	expect_duration("307445734561825860m", 307445734561825860ull * 60);
	expect_duration("5124095576030431h", 5124095576030431ull * 3600);
	expect_duration("213503982334601d", 213503982334601ull * 86400);

	expect_duration_error("12x", "'12x' is not a duration (use 90s, 30m, 12h or 14d)");
	const char *bad[] = {"",    "s",  "m",	"-5s", "+5s",  "1.5h",	"5 s", " 5s",
			     "5s ", "5S", "5M", "5ms", "5sec", "5m30s", "1w",  "0x10"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char want[96];
		snprintf(want, sizeof want, "'%s' is not a duration (use 90s, 30m, 12h or 14d)",
			 bad[i]);
		expect_duration_error(bad[i], want);
	}

	expect_duration_error("18446744073709551616",
			      "'18446744073709551616' is too long a duration");
	expect_duration_error("18446744073709551616s",
			      "'18446744073709551616s' is too long a duration");
	expect_duration_error("307445734561825861m",
			      "'307445734561825861m' is too long a duration");
	expect_duration_error("5124095576030432h", "'5124095576030432h' is too long a duration");
	expect_duration_error("213503982334602d", "'213503982334602d' is too long a duration");
	expect_duration_error("99999999999999999999999d",
			      "'99999999999999999999999d' is too long a duration");
}

static void expect_size(const char *s, uint64_t want)
{
	uint64_t v = 12345;
	char *cause = NULL;
	if (config_parse_size(s, &v, &cause) != 0)
		fail_msg("'%s': %s", s, cause);
	assert_int_equal(v, want);
}

static void expect_size_error(const char *s, const char *want)
{
	uint64_t v = 12345;
	char *cause = NULL;
	assert_int_equal(config_parse_size(s, &v, &cause), -1);
	assert_int_equal(v, 12345);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void test_size(void **state)
{
	(void)state;
	expect_size("0", 0);
	expect_size("4096", 4096);
	expect_size("4096B", 4096);
	expect_size("64K", 65536);
	expect_size("64k", 65536);
	expect_size("64KiB", 65536);
	expect_size("1M", 1048576);
	expect_size("1MiB", 1048576);
	expect_size("1mib", 1048576);
	expect_size("2G", 2147483648ull);
	expect_size("2GiB", 2147483648ull);
	expect_size("1T", 1ull << 40);
	expect_size("3TiB", 3ull << 40);
	expect_size("18446744073709551615", UINT64_MAX);
	expect_size("16777215T", 16777215ull << 40);
	expect_size("17179869183G", 17179869183ull << 30);

	expect_size_error("12Q", "'12Q' is not a size (use 4096, 64K, 1M or 2G)");
	const char *bad[] = {"",    "K",   "MiB", "-1",	 "+1",	  "1.5M", "1 M",
			     " 1M", "1M ", "1KB", "1Mi", "1MiBB", "1P",	  "0x10"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char want[96];
		snprintf(want, sizeof want, "'%s' is not a size (use 4096, 64K, 1M or 2G)", bad[i]);
		expect_size_error(bad[i], want);
	}

	expect_size_error("18446744073709551616", "'18446744073709551616' is too large a size");
	expect_size_error("16777216T", "'16777216T' is too large a size");
	expect_size_error("17179869184G", "'17179869184G' is too large a size");
	expect_size_error("17592186044416M", "'17592186044416M' is too large a size");
	expect_size_error("18014398509481984K", "'18014398509481984K' is too large a size");
	expect_size_error("99999999999999999999K", "'99999999999999999999K' is too large a size");
}

static void test_bool(void **state)
{
	(void)state;
	const char *yes[] = {"yes", "true", "on", "1", "YES", "True", "On"};
	const char *no[] = {"no", "false", "off", "0", "NO", "False", "OFF"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		int v = -1;
		char *cause = NULL;
		assert_int_equal(config_parse_bool(yes[i], &v, &cause), 0);
		assert_int_equal(v, 1);
		v = -1;
		assert_int_equal(config_parse_bool(no[i], &v, &cause), 0);
		assert_int_equal(v, 0);
	}
	const char *bad[] = {"", "2", "y", "n", "yess", " yes", "yes ", "enabled", "00"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int v = -1;
		char *cause = NULL;
		assert_int_equal(config_parse_bool(bad[i], &v, &cause), -1);
		assert_int_equal(v, -1);
		char want[96];
		snprintf(want, sizeof want,
			 "'%s' is not yes or no (use yes/no, true/false, on/off or 1/0)", bad[i]);
		assert_string_equal(cause, want);
		free(cause);
	}
}

static void expect_hostport(const char *s, const char *host, const char *port)
{
	char *h = NULL, *p = NULL, *cause = NULL;
	if (config_parse_hostport(s, &h, &p, &cause) != 0)
		fail_msg("'%s': %s", s, cause);
	assert_string_equal(h, host);
	assert_string_equal(p, port);
	free(h);
	free(p);
}

static void expect_hostport_error(const char *s, const char *want)
{
	char *h = NULL, *p = NULL, *cause = NULL;
	assert_int_equal(config_parse_hostport(s, &h, &p, &cause), -1);
	assert_null(h);
	assert_null(p);
	assert_non_null(cause);
	assert_string_equal(cause, want);
	free(cause);
}

static void test_hostport(void **state)
{
	(void)state;
	expect_hostport("127.0.0.1:7443", "127.0.0.1", "7443");
	expect_hostport("localhost:0", "localhost", "0");
	expect_hostport("assure.example.org:65535", "assure.example.org", "65535");
	expect_hostport("[::1]:7443", "::1", "7443");
	expect_hostport("[::]:0", "::", "0");
	expect_hostport("[fe80::1%eth0]:80", "fe80::1%eth0", "80");
	expect_hostport("host:07443", "host", "7443");
	expect_hostport("host:00000000000000000000080", "host", "80");

	expect_hostport_error("localhost", "'localhost' is not HOST:PORT (missing ':PORT')");
	expect_hostport_error("", "'' is not HOST:PORT (missing ':PORT')");
	expect_hostport_error("localhost:", "'localhost:' has no port after ':'");
	expect_hostport_error(":7443", "':7443' has no host before the port");
	expect_hostport_error("host:65536", "'host:65536' has a port over 65535");
	expect_hostport_error("host:18446744073709551617",
			      "'host:18446744073709551617' has a port over 65535");
	expect_hostport_error("host:-1", "'host:-1' has a port that is not a number");
	expect_hostport_error("host:80x", "'host:80x' has a port that is not a number");
	expect_hostport_error("host: 80", "'host: 80' has a port that is not a number");
	expect_hostport_error("host:https", "'host:https' has a port that is not a number");
	expect_hostport_error("::1:7443", "'::1:7443' needs brackets around an IPv6 address "
					  "(for example [::1]:7443)");
	expect_hostport_error("host:80:90", "'host:80:90' needs brackets around an IPv6 address "
					    "(for example [::1]:7443)");
	expect_hostport_error("[::1", "'[::1' has no ']' after the IPv6 address");
	expect_hostport_error("[::1]", "'[::1]' is not [ADDRESS]:PORT (missing ':PORT')");
	expect_hostport_error("[::1]7443", "'[::1]7443' is not [ADDRESS]:PORT (missing ':PORT')");
	expect_hostport_error("[]:80", "'[]:80' has no host before the port");
	expect_hostport_error("[::1]:", "'[::1]:' has no port after ':'");
	expect_hostport_error("[::1]:80:90", "'[::1]:80:90' has a port that is not a number");
	expect_hostport_error("bad host:80", "'bad host:80' has an invalid character in the host");
	expect_hostport_error("a]b:80", "'a]b:80' has an invalid character in the host");
	expect_hostport_error("[[::1]:80", "'[[::1]:80' has an invalid character in the host");
	expect_hostport_error("https://x:80", "'https://x:80' is a URL, not HOST:PORT");
	expect_hostport_error("a/b:80", "'a/b:80' has an invalid character in the host");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_basic),
	    cmocka_unit_test(test_empty_inputs),
	    cmocka_unit_test(test_null_source),
	    cmocka_unit_test(test_comments_and_blanks),
	    cmocka_unit_test(test_whitespace),
	    cmocka_unit_test(test_crlf),
	    cmocka_unit_test(test_no_final_newline),
	    cmocka_unit_test(test_empty_value_allowed),
	    cmocka_unit_test(test_equals_in_value),
	    cmocka_unit_test(test_key_characters),
	    cmocka_unit_test(test_missing_equals),
	    cmocka_unit_test(test_missing_key),
	    cmocka_unit_test(test_duplicate_key),
	    cmocka_unit_test(test_control_characters),
	    cmocka_unit_test(test_byte_order_mark),
	    cmocka_unit_test(test_long_lines),
	    cmocka_unit_test(test_many_entries),
	    cmocka_unit_test(test_free_null),
	    cmocka_unit_test(test_file),
	    cmocka_unit_test(test_file_errors_name_file),
	    cmocka_unit_test(test_file_missing),
	    cmocka_unit_test(test_file_is_directory),
	    cmocka_unit_test(test_file_nul_byte),
	    cmocka_unit_test(test_file_long_lines),
	    cmocka_unit_test(test_file_endless),
	    cmocka_unit_test(test_u64),
	    cmocka_unit_test(test_duration),
	    cmocka_unit_test(test_size),
	    cmocka_unit_test(test_bool),
	    cmocka_unit_test(test_hostport),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
