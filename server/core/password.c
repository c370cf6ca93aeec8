/*
 * argon2id through libargon2. The dummy hash used for unknown users is made
 * once with the same parameters, so its verify costs the same.
 */
#include "password.h"

#include <argon2.h>
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"
#include "xmalloc.h"

#define PASSWORD_SALT_LEN 16
#define PASSWORD_HASH_LEN 32

char *password_hash(const char *pw, char **cause)
{
	uint8_t salt[PASSWORD_SALT_LEN];
	crypto_random(salt, sizeof salt);
	size_t enclen =
	    argon2_encodedlen(PASSWORD_T_COST, PASSWORD_M_COST_KIB, PASSWORD_PARALLELISM,
			      sizeof salt, PASSWORD_HASH_LEN, Argon2_id);
	char *enc = xmalloc(enclen);
	int rc =
	    argon2id_hash_encoded(PASSWORD_T_COST, PASSWORD_M_COST_KIB, PASSWORD_PARALLELISM, pw,
				  strlen(pw), salt, sizeof salt, PASSWORD_HASH_LEN, enc, enclen);
	if (rc != ARGON2_OK) {
		*cause = xasprintf("argon2id: %s", argon2_error_message(rc));
		free(enc);
		return NULL;
	}
	return enc;
}

int password_verify(const char *encoded, const char *pw)
{
	if (strncmp(encoded, "$argon2id$", 10) != 0)
		return 0;
	return argon2id_verify(encoded, pw, strlen(pw)) == ARGON2_OK;
}

static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static char *dummy_hash;

static void make_dummy(void)
{
	char *cause = NULL;
	dummy_hash = password_hash("assure-dummy-password-for-timing", &cause);
	free(cause);
}

void password_prepare(void)
{
	pthread_once(&dummy_once, make_dummy);
}

void password_verify_dummy(const char *pw)
{
	pthread_once(&dummy_once, make_dummy);
	if (dummy_hash != NULL)
		(void)password_verify(dummy_hash, pw);
}

/* Code points if s is valid UTF-8, else bytes: "any characters" are
 * allowed, and a person counts characters, not bytes. */
static size_t char_count(const char *s)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		int len = *p < 0x80	    ? 1
			  : (*p >> 5) == 6  ? 2
			  : (*p >> 4) == 14 ? 3
			  : (*p >> 3) == 30 ? 4
					    : 0;
		if (len == 0)
			return strlen(s);
		for (int i = 1; i < len; i++)
			if ((p[i] & 0xc0) != 0x80)
				return strlen(s);
		p += len;
		n++;
	}
	return n;
}

static int is_sequence(const char *s)
{
	size_t n = strlen(s);
	int up = 1, down = 1;
	for (size_t i = 1; i < n; i++) {
		int d = (unsigned char)s[i] - (unsigned char)s[i - 1];
		/* Digits run on from 9 to 0 ("123456789012") and back. */
		int wrap_up = s[i - 1] == '9' && s[i] == '0';
		int wrap_down = s[i - 1] == '0' && s[i] == '9';
		up &= d == 1 || wrap_up;
		down &= d == -1 || wrap_down;
	}
	return up || down;
}

static int is_keyboard_walk(const char *lower)
{
	static const char *const rows[] = {"1234567890-=", "qwertyuiop[]", "asdfghjkl;'",
					   "zxcvbnm,./",   "qwertzuiop",   "azertyuiop"};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		if (strlen(lower) >= 6 && strstr(rows[i], lower) != NULL)
			return 1;
	/* Walks longer than one row: the start of the rows run together. */
	return strncmp(lower, "qwertyuiopasdfghjkl", strlen(lower)) == 0 ||
	       strncmp(lower, "1qaz2wsx3edc4rfv5tgb", strlen(lower)) == 0;
}

const char *password_policy_check(const char *pw, const char *username)
{
	size_t bytes = strlen(pw);
	if (bytes > PASSWORD_MAX_LEN)
		return "password too long: at most 1024 bytes";
	if (char_count(pw) < PASSWORD_MIN_LEN)
		return "password too short: at least 12 characters are required";

	char *lower = xstrdup(pw);
	for (char *q = lower; *q; q++)
		*q = (char)tolower((unsigned char)*q);
	const char *why = NULL;
	size_t n = strlen(lower);
	/* A short unit repeated ("abcabcabcabc", "passpasspass"). Longer
	 * periods are real passphrases said twice, not worth refusing. */
	const size_t max_unit = n / 2 < 8 ? n / 2 : 8;
	size_t period = 1;
	while (period <= max_unit) {
		size_t i = period;
		while (i < n && lower[i] == lower[i - period])
			i++;
		if (i == n)
			break;
		period++;
	}
	if (period <= max_unit) {
		why = period == 1 ? "password refused: it repeats one character"
				  : "password refused: it repeats a short pattern";
	} else if (password_is_common(lower)) {
		why = "password refused: it is one of the most commonly used passwords";
	} else if (is_sequence(lower) || is_keyboard_walk(lower)) {
		why = "password refused: it is a simple sequence of characters";
	} else if (username && strlen(username) >= 3 && strstr(lower, username) != NULL) {
		why = "password refused: it contains your username";
	} else {
		/* A common password with digits or symbols added at either end
		 * ("password1234", "!!letmein2024!!") is no stronger. */
		size_t a = 0, b = n;
		while (a < b && !isalpha((unsigned char)lower[a]))
			a++;
		while (b > a && !isalpha((unsigned char)lower[b - 1]))
			b--;
		if (b - a >= 4 && (a > 0 || b < n)) {
			char *core = xstrndup(lower + a, b - a);
			if (password_is_common(core))
				why = "password refused: it is a commonly used password with "
				      "digits or symbols added";
			freezero_str(core);
		}
	}
	freezero_str(lower);
	return why;
}
