/*
 * SHA-256, Ed25519 verification and base64 through OpenSSL 3.0 (EVP).
 * All functions are thread-safe.
 */
#include "hash.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

void hash_sha256(const void *data, size_t n, uint8_t out[HASH_SHA256_LEN])
{
	SHA256(data, n, out);
}

int hash_ed25519_verify(const uint8_t pub[HASH_ED25519_PUB_LEN], const void *msg, size_t n,
			const uint8_t sig[HASH_ED25519_SIG_LEN])
{
	EVP_PKEY *key =
	    EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, pub, HASH_ED25519_PUB_LEN);
	if (key == NULL)
		return 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ok = ctx != NULL && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, key) == 1 &&
		 EVP_DigestVerify(ctx, sig, HASH_ED25519_SIG_LEN, msg, n) == 1;
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	return ok;
}

int hash_ed25519_read_public(const char *path, uint8_t pub[HASH_ED25519_PUB_LEN], char **cause)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		*cause = xasprintf("cannot read public key %s", path);
		return -1;
	}
	EVP_PKEY *key = PEM_read_PUBKEY(f, NULL, NULL, NULL);
	fclose(f);
	size_t len = HASH_ED25519_PUB_LEN;
	if (key == NULL || EVP_PKEY_get_id(key) != EVP_PKEY_ED25519 ||
	    EVP_PKEY_get_raw_public_key(key, pub, &len) != 1 || len != HASH_ED25519_PUB_LEN) {
		EVP_PKEY_free(key);
		*cause = xasprintf("%s is not an Ed25519 public key in PEM form", path);
		return -1;
	}
	EVP_PKEY_free(key);
	return 0;
}

char *hash_base64(const uint8_t *data, size_t n)
{
	char *out = xmalloc(4 * ((n + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, data, (int)n);
	return out;
}

long hash_base64_decode(const char *s, uint8_t *out, size_t size)
{
	size_t len = strlen(s);
	if (len == 0 || len % 4 != 0)
		return -1;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			 (c >= '0' && c <= '9') || c == '+' || c == '/' ||
			 (c == '=' && i >= len - 2);
		if (!ok)
			return -1;
	}
	uint8_t *tmp = xmalloc(len);
	int n = EVP_DecodeBlock(tmp, (const unsigned char *)s, (int)len);
	if (n < 0) {
		free(tmp);
		return -1;
	}
	/* EVP_DecodeBlock counts the padding as zero bytes. */
	if (s[len - 1] == '=')
		n--;
	if (s[len - 2] == '=')
		n--;
	if ((size_t)n > size) {
		free(tmp);
		return -1;
	}
	memcpy(out, tmp, (size_t)n);
	free(tmp);
	return n;
}

void hash_hex(const uint8_t *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}
