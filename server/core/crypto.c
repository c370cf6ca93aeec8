/*
 * Random bytes and hashes through OpenSSL. Thread-safe: OpenSSL 3.0's
 * default RAND and EVP are safe to call from the loop, workers and writer.
 */
#include "crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "xmalloc.h"

void crypto_random(void *buf, size_t n)
{
	if (RAND_bytes(buf, (int)n) != 1) {
		log_error("crypto: the OpenSSL random generator failed; refusing to continue");
		abort();
	}
}

void crypto_sha256(const void *data, size_t n, uint8_t out[CRYPTO_SHA256_LEN])
{
	SHA256(data, n, out);
}

int crypto_memcmp(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n);
}

void crypto_hex(const uint8_t *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

char *crypto_one_time_password(size_t len)
{
	static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
	const size_t na = sizeof alphabet - 1;
	char *pw = xmalloc(len + 1);
	size_t i = 0;
	while (i < len) {
		uint8_t b;
		crypto_random(&b, 1);
		/* Rejection sampling keeps every character equally likely. */
		if (b >= 256 - (256 % na))
			continue;
		pw[i++] = alphabet[b % na];
	}
	pw[len] = '\0';
	return pw;
}

struct crypto_sign_key {
	EVP_PKEY *pkey;
	uint8_t pub[32];
};

static int write_pem(const char *path, int mode, EVP_PKEY *key, int private_key, char **cause)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		*cause = xasprintf("cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	FILE *f = fdopen(fd, "w");
	int ok = f != NULL && (private_key ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL)
					   : PEM_write_PUBKEY(f, key)) == 1;
	if (f != NULL) {
		ok &= fflush(f) == 0 && fsync(fileno(f)) == 0;
		ok &= fclose(f) == 0;
	} else {
		close(fd);
	}
	if (!ok || chmod(path, (mode_t)mode) != 0) {
		*cause = xasprintf("cannot write %s", path);
		unlink(path);
		return -1;
	}
	return 0;
}

int crypto_sign_key_generate(const char *path, const char *pub_path, char **cause)
{
	EVP_PKEY *key = NULL;
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	if (ctx == NULL || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_keygen(ctx, &key) != 1) {
		EVP_PKEY_CTX_free(ctx);
		*cause = xstrdup("cannot generate an Ed25519 key");
		return -1;
	}
	EVP_PKEY_CTX_free(ctx);
	int rc = write_pem(path, 0400, key, 1, cause);
	if (rc == 0) {
		unlink(pub_path); /* the public half follows the private one */
		rc = write_pem(pub_path, 0444, key, 0, cause);
	}
	EVP_PKEY_free(key);
	return rc;
}

struct crypto_sign_key *crypto_sign_key_load(const char *path, char **cause)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		*cause = xasprintf("audit signing key %s: %s", path, strerror(errno));
		return NULL;
	}
	if (st.st_mode & 077) {
		*cause = xasprintf("audit signing key %s is readable by others (mode %03o); "
				   "chmod 400 it",
				   path, (unsigned)(st.st_mode & 0777));
		return NULL;
	}
	FILE *f = fopen(path, "r");
	EVP_PKEY *key = f ? PEM_read_PrivateKey(f, NULL, NULL, NULL) : NULL;
	if (f)
		fclose(f);
	size_t len = 32;
	struct crypto_sign_key *k = xcalloc(1, sizeof *k);
	if (key == NULL || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519 ||
	    EVP_PKEY_get_raw_public_key(key, k->pub, &len) != 1) {
		EVP_PKEY_free(key);
		free(k);
		*cause = xasprintf("%s is not an Ed25519 private key in PEM form", path);
		return NULL;
	}
	k->pkey = key;
	return k;
}

void crypto_sign_key_free(struct crypto_sign_key *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

void crypto_sign_key_public(const struct crypto_sign_key *k, uint8_t pub[32])
{
	memcpy(pub, k->pub, 32);
}

int crypto_sign(const struct crypto_sign_key *k, const void *msg, size_t n, uint8_t sig[64])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t len = 64;
	int ok = ctx != NULL && EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey) == 1 &&
		 EVP_DigestSign(ctx, sig, &len, msg, n) == 1 && len == 64;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}
