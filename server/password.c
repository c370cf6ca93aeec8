/*
 * argon2id through libargon2. The dummy hash used for unknown users is made
 * once with the same parameters, so its verify costs the same.
 */
#include "password.h"

#include <argon2.h>
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
	size_t enclen = argon2_encodedlen(PASSWORD_T_COST, PASSWORD_M_COST_KIB, PASSWORD_PARALLELISM,
					  sizeof salt, PASSWORD_HASH_LEN, Argon2_id);
	char *enc = xmalloc(enclen);
	int rc = argon2id_hash_encoded(PASSWORD_T_COST, PASSWORD_M_COST_KIB, PASSWORD_PARALLELISM,
				       pw, strlen(pw), salt, sizeof salt, PASSWORD_HASH_LEN, enc,
				       enclen);
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

void password_verify_dummy(const char *pw)
{
	pthread_once(&dummy_once, make_dummy);
	if (dummy_hash != NULL)
		(void)password_verify(dummy_hash, pw);
}

const char *password_policy_check(const char *pw)
{
	size_t n = strlen(pw);
	if (n < PASSWORD_MIN_LEN)
		return "password too short: at least 12 characters are required";
	if (n > PASSWORD_MAX_LEN)
		return "password too long: at most 1024 characters";
	return NULL;
}
