/*
 * Random bytes and hashes through OpenSSL. Thread-safe: OpenSSL 3.0's
 * default RAND and EVP are safe to call from the loop, workers and writer.
 */
#include "crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>

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
