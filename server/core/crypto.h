/*
 * Cryptographic primitives the server needs besides TLS: random bytes from
 * the OpenSSL CSPRNG and SHA-256. Kept apart from tls.c so that the TLS
 * file is about connections only; these two are the only server files
 * that include OpenSSL headers.
 */
#ifndef ASSURE_CRYPTO_H
#define ASSURE_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

#define CRYPTO_SHA256_LEN HASH_SHA256_LEN
#define CRYPTO_TOKEN_LEN 32

/* Fills buf with n bytes from the CSPRNG; aborts if the CSPRNG fails (a
 * server that cannot make secrets must not run). */
void crypto_random(void *buf, size_t n);
void crypto_sha256(const void *data, size_t n, uint8_t out[CRYPTO_SHA256_LEN]);
/* Constant-time comparison; 0 when equal. */
int crypto_memcmp(const void *a, const void *b, size_t n);
/* Lower-case hex of n bytes into out (2n+1 bytes). */
void crypto_hex(const uint8_t *in, size_t n, char *out);
/* A new one-time password of len characters from an alphabet without
 * look-alikes (no 0/O, 1/l/I); caller frees with freezero_str. */
char *crypto_one_time_password(size_t len);

/* Ed25519 signing keys for audit checkpoints. */
struct crypto_sign_key;

/* Makes a new key pair: the private key in PEM at path (mode 0400, created
 * exclusively: an existing file is never overwritten) and the public key
 * at pub_path (mode 0444). 0, or -1 with *cause. */
int crypto_sign_key_generate(const char *path, const char *pub_path, char **cause)
    __attribute__((warn_unused_result));
/* Loads a private key. Refuses a file others may read. */
struct crypto_sign_key *crypto_sign_key_load(const char *path, char **cause);
void crypto_sign_key_free(struct crypto_sign_key *k);
void crypto_sign_key_public(const struct crypto_sign_key *k, uint8_t pub[32]);
/* Signs msg; 0, or -1 if OpenSSL failed. sig is 64 bytes. */
int crypto_sign(const struct crypto_sign_key *k, const void *msg, size_t n, uint8_t sig[64])
    __attribute__((warn_unused_result));

#endif
