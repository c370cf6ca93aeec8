/*
 * "key = value" files for assured and the CLI, and the value parsers both
 * use. Everything here is a pure function over text, so every error path is
 * a unit test away. A file is read line by line with a fixed buffer: a
 * runaway file (a binary, /dev/zero) fails on its first long line instead of
 * being slurped into memory.
 *
 * Causes are heap strings the caller frees. Line errors name the source
 * ("/etc/assured.conf: line 7: duplicate key 'listen' (first on line 3)")
 * so callers print them as they are, without adding the path again; with no
 * source they start at "line N:". Value-parser causes quote the value and
 * leave naming the key to the caller, who knows it.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

/* Longest line accepted, not counting its "\n" or "\r\n". */
#define CONFIG_LINE_MAX 4096

static char *__attribute__((format(printf, 3, 4)))
line_error(const char *source, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	char *cause = source != NULL ? xasprintf("%s: line %d: %s", source, line, msg)
				     : xasprintf("line %d: %s", line, msg);
	free(msg);
	return cause;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_key_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

static void config_add(struct config *cfg, const char *key, size_t klen, const char *value,
		       size_t vlen, int line)
{
	/* Doubling when n is a power of two keeps the array exactly as big as
	 * it needs to be without storing a capacity. */
	if ((cfg->n & (cfg->n - 1)) == 0)
		cfg->entries =
		    xrealloc(cfg->entries, (cfg->n ? cfg->n * 2 : 1) * sizeof *cfg->entries);
	struct config_entry *e = &cfg->entries[cfg->n++];
	e->key = xstrndup(key, klen);
	e->value = xstrndup(value, vlen);
	e->line = line;
}

/*
 * One line without its '\n'. It may hold NUL bytes (from a file), so it is
 * handled by length; nothing reads it as a C string until the control
 * character check has ruled NUL out.
 */
static int config_line(struct config *cfg, const char *source, const char *p, size_t len,
		       int lineno, char **cause)
{
	if (len > 0 && p[len - 1] == '\r')
		len--;
	if (len > CONFIG_LINE_MAX) {
		*cause = line_error(source, lineno, "longer than %d bytes", CONFIG_LINE_MAX);
		return -1;
	}
	/* Editors on Windows start files with a byte order mark. */
	if (lineno == 1 && len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		len -= 3;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c < 0x20 && c != '\t') || c == 0x7f) {
			*cause = line_error(source, lineno,
					    "control character 0x%02x at column %zu", c, i + 1);
			return -1;
		}
	}

	const char *end = p + len;
	while (p < end && is_blank(*p))
		p++;
	while (end > p && is_blank(end[-1]))
		end--;
	if (p == end || *p == '#')
		return 0;

	const char *eq = memchr(p, '=', (size_t)(end - p));
	if (eq == NULL) {
		*cause = line_error(source, lineno, "expected 'key = value'");
		return -1;
	}
	const char *kend = eq;
	while (kend > p && is_blank(kend[-1]))
		kend--;
	if (kend == p) {
		*cause = line_error(source, lineno, "expected 'key = value' (no key before '=')");
		return -1;
	}
	for (const char *k = p; k < kend; k++) {
		if (!is_key_char(*k)) {
			*cause =
			    line_error(source, lineno,
				       "key '%.*s' may only contain a-z, 0-9, '_', '.' and '-'",
				       (int)(kend - p), p);
			return -1;
		}
	}
	size_t klen = (size_t)(kend - p);
	for (size_t i = 0; i < cfg->n; i++) {
		if (strlen(cfg->entries[i].key) == klen &&
		    memcmp(cfg->entries[i].key, p, klen) == 0) {
			*cause =
			    line_error(source, lineno, "duplicate key '%.*s' (first on line %d)",
				       (int)klen, p, cfg->entries[i].line);
			return -1;
		}
	}

	/* An empty value is kept: "cert =" is how a file says "none", and the
	 * value parsers reject emptiness where it makes no sense. */
	const char *v = eq + 1;
	while (v < end && is_blank(*v))
		v++;
	config_add(cfg, p, klen, v, (size_t)(end - v), lineno);
	return 0;
}

static struct config *config_new(const char *source)
{
	struct config *cfg = xcalloc(1, sizeof *cfg);
	cfg->source = xstrdup(source != NULL ? source : "<string>");
	return cfg;
}

int config_parse_string(const char *text, const char *source, struct config **out, char **cause)
{
	*out = NULL;
	struct config *cfg = config_new(source);
	int lineno = 1;
	for (const char *p = text; *p != '\0'; lineno++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (config_line(cfg, source, p, len, lineno, cause) != 0) {
			config_free(cfg);
			return -1;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	*out = cfg;
	return 0;
}

int config_parse_file(const char *path, struct config **out, char **cause)
{
	*out = NULL;
	FILE *f = fopen(path, "re");
	if (f == NULL) {
		*cause = xasprintf("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	struct config *cfg = config_new(path);
	/* Room for a full line and its '\r': one byte more proves the line too
	 * long without reading the rest of it. */
	char buf[CONFIG_LINE_MAX + 1];
	size_t len = 0;
	int lineno = 1;
	int rc = 0;
	for (;;) {
		int c = getc(f);
		if (c == EOF) {
			if (ferror(f)) {
				*cause = xasprintf("cannot read %s: %s", path, strerror(errno));
				rc = -1;
			} else if (len > 0) {
				rc = config_line(cfg, path, buf, len, lineno, cause);
			}
			break;
		}
		if (c == '\n') {
			rc = config_line(cfg, path, buf, len, lineno, cause);
			if (rc != 0)
				break;
			len = 0;
			lineno++;
			continue;
		}
		if (len == sizeof buf) {
			*cause = line_error(path, lineno, "longer than %d bytes", CONFIG_LINE_MAX);
			rc = -1;
			break;
		}
		buf[len++] = (char)c;
	}
	fclose(f);
	if (rc != 0) {
		config_free(cfg);
		return -1;
	}
	*out = cfg;
	return 0;
}

void config_free(struct config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->n; i++) {
		free(cfg->entries[i].key);
		/* Values may be secrets (a key passphrase one day); wipe them. */
		freezero_str(cfg->entries[i].value);
	}
	free(cfg->entries);
	free(cfg->source);
	free(cfg);
}

const struct config_entry *config_find(const struct config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->n; i++)
		if (strcmp(cfg->entries[i].key, key) == 0)
			return &cfg->entries[i];
	return NULL;
}

/*
 * Reads the leading decimal digits of s. Returns the number of digits (0 if
 * none) and sets *overflow if the value does not fit 64 bits. strtoull is
 * not used because it accepts spaces, signs and "-1" as UINT64_MAX.
 */
static size_t scan_digits(const char *s, uint64_t *out, int *overflow)
{
	uint64_t v = 0;
	size_t i = 0;
	*overflow = 0;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			*overflow = 1;
		else
			v = v * 10 + d;
	}
	*out = v;
	return i;
}

int config_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, char **cause)
{
	uint64_t v;
	int overflow;
	size_t n = scan_digits(s, &v, &overflow);
	if (n == 0 || s[n] != '\0') {
		*cause = xasprintf("'%s' is not a whole number", s);
		return -1;
	}
	if (overflow || v > max) {
		*cause = xasprintf("'%s' is too large (at most %llu)", s, (unsigned long long)max);
		return -1;
	}
	if (v < min) {
		*cause = xasprintf("'%s' is too small (at least %llu)", s, (unsigned long long)min);
		return -1;
	}
	*out = v;
	return 0;
}

int config_parse_duration(const char *s, uint64_t *seconds, char **cause)
{
	static const struct {
		const char *suffix;
		uint64_t mult;
	} units[] = {{"", 1}, {"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}};
	uint64_t v;
	int overflow;
	size_t n = scan_digits(s, &v, &overflow);
	for (size_t i = 0; n > 0 && i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(s + n, units[i].suffix) != 0)
			continue;
		if (overflow || v > UINT64_MAX / units[i].mult) {
			*cause = xasprintf("'%s' is too long a duration", s);
			return -1;
		}
		*seconds = v * units[i].mult;
		return 0;
	}
	*cause = xasprintf("'%s' is not a duration (use 90s, 30m, 12h or 14d)", s);
	return -1;
}

int config_parse_size(const char *s, uint64_t *bytes, char **cause)
{
	static const struct {
		const char *suffix;
		unsigned shift;
	} units[] = {
	    {"", 0},	 {"B", 0},  {"K", 10},	 {"KiB", 10}, {"M", 20},
	    {"MiB", 20}, {"G", 30}, {"GiB", 30}, {"T", 40},   {"TiB", 40},
	};
	uint64_t v;
	int overflow;
	size_t n = scan_digits(s, &v, &overflow);
	for (size_t i = 0; n > 0 && i < sizeof units / sizeof units[0]; i++) {
		if (strcasecmp(s + n, units[i].suffix) != 0)
			continue;
		if (overflow || v > UINT64_MAX >> units[i].shift) {
			*cause = xasprintf("'%s' is too large a size", s);
			return -1;
		}
		*bytes = v << units[i].shift;
		return 0;
	}
	*cause = xasprintf("'%s' is not a size (use 4096, 64K, 1M or 2G)", s);
	return -1;
}

int config_parse_bool(const char *s, int *out, char **cause)
{
	static const char *const yes[] = {"yes", "true", "on", "1"};
	static const char *const no[] = {"no", "false", "off", "0"};
	for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	*cause = xasprintf("'%s' is not yes or no (use yes/no, true/false, on/off or 1/0)", s);
	return -1;
}

int config_parse_hostport(const char *s, char **host, char **port, char **cause)
{
	const char *h, *hend, *colon;
	if (strstr(s, "://") != NULL) {
		*cause = xasprintf("'%s' is a URL, not HOST:PORT", s);
		return -1;
	}
	if (s[0] == '[') {
		h = s + 1;
		hend = strchr(h, ']');
		if (hend == NULL) {
			*cause = xasprintf("'%s' has no ']' after the IPv6 address", s);
			return -1;
		}
		if (hend[1] != ':') {
			*cause = xasprintf("'%s' is not [ADDRESS]:PORT (missing ':PORT')", s);
			return -1;
		}
		colon = hend + 1;
	} else {
		h = s;
		colon = strchr(s, ':');
		if (colon == NULL) {
			*cause = xasprintf("'%s' is not HOST:PORT (missing ':PORT')", s);
			return -1;
		}
		if (strchr(colon + 1, ':') != NULL) {
			*cause = xasprintf("'%s' needs brackets around an IPv6 address "
					   "(for example [::1]:7443)",
					   s);
			return -1;
		}
		hend = colon;
	}
	if (hend == h) {
		*cause = xasprintf("'%s' has no host before the port", s);
		return -1;
	}
	for (const char *c = h; c < hend; c++) {
		unsigned char ch = (unsigned char)*c;
		if (ch <= ' ' || ch == 0x7f || ch == '[' || ch == ']' || ch == '/') {
			*cause = xasprintf("'%s' has an invalid character in the host", s);
			return -1;
		}
	}
	const char *p = colon + 1;
	uint64_t v;
	int overflow;
	size_t n = scan_digits(p, &v, &overflow);
	if (*p == '\0') {
		*cause = xasprintf("'%s' has no port after ':'", s);
		return -1;
	}
	if (n == 0 || p[n] != '\0') {
		*cause = xasprintf("'%s' has a port that is not a number", s);
		return -1;
	}
	if (overflow || v > 65535) {
		*cause = xasprintf("'%s' has a port over 65535", s);
		return -1;
	}
	*host = xstrndup(h, (size_t)(hend - h));
	/* Normalised ("07443" → "7443") so it reads the same in logs and in
	 * the ready file as the number the kernel reports. */
	*port = xasprintf("%u", (unsigned)v);
	return 0;
}
