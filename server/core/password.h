/*
 * Password hashing with argon2id (RFC 9106) in the standard "$argon2id$"
 * encoded form. Deliberately slow (tens of milliseconds, 19 MiB): call only
 * from worker threads, never the loop.
 */
#ifndef ASSURE_PASSWORD_H
#define ASSURE_PASSWORD_H

#include <stddef.h>

#define PASSWORD_MIN_LEN 12
#define PASSWORD_MAX_LEN 1024

/* Parameters: OWASP's argon2id minimum, m=19 MiB, t=2, p=1. */
#define PASSWORD_M_COST_KIB 19456
#define PASSWORD_T_COST 2
#define PASSWORD_PARALLELISM 1

/* Hashes pw with a fresh 16-byte salt. Returns a new encoded string, or
 * NULL with *cause. */
char *password_hash(const char *pw, char **cause);
/* 1 if pw matches encoded, 0 if not (or encoded is malformed). */
int password_verify(const char *encoded, const char *pw);
/* Spends the same time as a verify against a real hash, so an unknown user
 * costs what a known one does (no user enumeration by timing). */
void password_verify_dummy(const char *pw);
/* Makes the dummy hash now (call at start-up), so the first unknown-user
 * login does not pay for it and stand out by its time. */
void password_prepare(void);
/*
 * NULL if pw is acceptable as a new password for username, else a sentence
 * saying why (static; do not free). NIST SP 800-63B 5.1.1.2: at least 12
 * characters (Unicode code points when pw is UTF-8), at most 1024 bytes, any
 * characters, no composition rules; refused when it is a commonly used
 * password (also with digits or symbols tacked on), one repeated character,
 * a plain sequence such as "123456789012", or contains the username.
 */
const char *password_policy_check(const char *pw, const char *username);
/* Whether lower (already lower-cased) is on the common-password list. */
int password_is_common(const char *lower);
size_t password_common_count(void);

#endif
