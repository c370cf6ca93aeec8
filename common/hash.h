/*
 * Hashes, signatures and encodings that the server and the clients share:
 * SHA-256, Ed25519 signature checks and base64. Beside tls_client.c, the
 * only common/ file that includes OpenSSL (see docs/ARCHITECTURE.md).
 */
#ifndef ASSURE_HASH_H
#define ASSURE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_SHA256_LEN 32
#define HASH_ED25519_PUB_LEN 32
#define HASH_ED25519_SIG_LEN 64

void hash_sha256(const void *data, size_t n, uint8_t out[HASH_SHA256_LEN]);
/* 1 if sig is a valid Ed25519 signature of msg by pub, else 0. */
int hash_ed25519_verify(const uint8_t pub[HASH_ED25519_PUB_LEN], const void *msg, size_t n,
			const uint8_t sig[HASH_ED25519_SIG_LEN]);
/* Reads a PEM public key file (as `openssl pkey -pubout` writes) holding an
 * Ed25519 key. 0, or -1 with *cause. */
int hash_ed25519_read_public(const char *path, uint8_t pub[HASH_ED25519_PUB_LEN], char **cause)
    __attribute__((warn_unused_result));
/* Standard base64 with padding; the result is the caller's. */
char *hash_base64(const uint8_t *data, size_t n);
/* Decodes standard base64 into out (size bytes). Returns the decoded
 * length, or -1 if s is not valid base64 or does not fit. */
long hash_base64_decode(const char *s, uint8_t *out, size_t size);
/* Lower-case hex. out holds 2n+1 bytes. */
void hash_hex(const uint8_t *in, size_t n, char *out);

#endif
