/*
 * "key = value" configuration files and the value parsers shared by the
 * daemon and the CLI. '#' starts a comment line; blank lines are ignored;
 * keys are [a-z0-9_.-]+; the value is the rest of the line, trimmed. A key
 * given twice is an error naming both lines. Which keys are valid is the
 * caller's business (config_entry.line lets it name the line at fault).
 */
#ifndef ASSURE_CONFIG_H
#define ASSURE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

struct config_entry {
	char *key;
	char *value;
	int line;
};

struct config {
	char *source; /* file name, for messages */
	struct config_entry *entries;
	size_t n;
};

/* Returns 0 and a new config (caller frees), or -1 with *cause set. A file
 * that does not exist is an error here; callers decide if that is fine. */
int config_parse_file(const char *path, struct config **out, char **cause)
    __attribute__((warn_unused_result));
int config_parse_string(const char *text, const char *source, struct config **out, char **cause)
    __attribute__((warn_unused_result));
void config_free(struct config *cfg);
/* The entry for key, or NULL. */
const struct config_entry *config_find(const struct config *cfg, const char *key);

/* Value parsers: 0 on success, -1 on a malformed or out-of-range value
 * with *cause naming what is wrong (the caller adds the key). */
int config_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, char **cause)
    __attribute__((warn_unused_result));
/* "90", "90s", "30m", "12h", "14d" → seconds. */
int config_parse_duration(const char *s, uint64_t *seconds, char **cause)
    __attribute__((warn_unused_result));
/* "4096", "64K", "1M", "1MiB", "2G" → bytes (binary multiples). */
int config_parse_size(const char *s, uint64_t *bytes, char **cause)
    __attribute__((warn_unused_result));
/* yes/no, true/false, on/off, 1/0. */
int config_parse_bool(const char *s, int *out, char **cause) __attribute__((warn_unused_result));
/* "HOST:PORT", "[v6]:PORT"; port 0-65535. host and port are new strings. */
int config_parse_hostport(const char *s, char **host, char **port, char **cause)
    __attribute__((warn_unused_result));

#endif
