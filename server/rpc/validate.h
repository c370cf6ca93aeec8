/*
 * Checks of names and free text that arrive from clients. Each returns NULL
 * when the value is acceptable, or a sentence naming the field and the rule
 * (static or written into the caller's buffer; never freed).
 */
#ifndef ASSURE_VALIDATE_H
#define ASSURE_VALIDATE_H

#include <stddef.h>

/* ^[a-z0-9][a-z0-9._-]{0,63}$ */
const char *validate_username(const char *field, const char *s, char *buf, size_t size);
/* ^[a-z][a-z0-9-]{0,39}$ */
const char *validate_role_name(const char *field, const char *s, char *buf, size_t size);
/* Upper-cases s in place, then ^[A-Z0-9][A-Z0-9-]{0,15}$ */
const char *validate_site_code(const char *field, char *s, char *buf, size_t size);
/* 1..max characters of valid UTF-8 with no control characters (tabs and
 * newlines too, unless multiline). required=0 accepts "". */
const char *validate_text(const char *field, const char *s, size_t max, int required, int multiline,
			  char *buf, size_t size);

#endif
