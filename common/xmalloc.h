/*
 * Allocation that never returns NULL: running out of memory is fatal, so no
 * caller carries an OOM path it can never test (tmux xmalloc.c, Redis
 * zmalloc). Anything a peer sends is recoverable; this is not.
 */
#ifndef ASSURE_XMALLOC_H
#define ASSURE_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size) __attribute__((malloc));
void *xcalloc(size_t nmemb, size_t size) __attribute__((malloc));
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s) __attribute__((malloc));
char *xstrndup(const char *s, size_t n) __attribute__((malloc));
/* Formatted allocation; the result is the caller's to free. */
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
/* The "char **cause" convention (a sentence for the caller, who frees it):
 * sets *cause to the formatted text, or does nothing when cause is NULL
 * (the caller does not want to know why). */
void set_cause(char **cause, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s, or "" for NULL (a column or field that may be absent). */
static inline const char *or_empty(const char *s)
{
	return s != NULL ? s : "";
}
/* Wipes len bytes then frees; accepts NULL. For secrets (OpenSSH freezero). */
void freezero(void *ptr, size_t len);
/* Wipes a NUL-terminated string then frees it; accepts NULL. */
void freezero_str(char *s);

#endif
