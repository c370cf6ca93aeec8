/*
 * Signed checkpoints of the audit log in the C2SP formats, so standard
 * transparency-log tools can read them:
 *   tlog-checkpoint body:  "<origin>\n<tree size>\n<base64 root hash>\n"
 *   signed-note:           body, "\n", then one line per signature
 *                          "\u2014 <key name> <base64(key id || signature)>\n"
 * with Ed25519 key ids SHA-256(key name || "\n" || 0x01 || public key)[:4].
 * The signature is over the body's bytes, so `openssl pkeyutl -verify
 * -rawin` checks it with the exported public key.
 */
#ifndef ASSURE_CHECKPOINT_H
#define ASSURE_CHECKPOINT_H

#include <stdint.h>

#include "hash.h"
#include "merkle.h"

#define CHECKPOINT_MAX_SIGNATURES 16

struct checkpoint_signature {
	char *key_name;
	uint8_t key_id[4];
	uint8_t signature[HASH_ED25519_SIG_LEN];
};

struct checkpoint {
	char *origin;
	uint64_t size;
	merkle_hash root;
	char *body; /* the exact signed text */
	/* The first Ed25519-shaped signature (a note may carry others, e.g.
	 * witnesses' cosignatures); "" / 0 when there is none. */
	char *key_name;
	uint8_t key_id[4];
	uint8_t signature[HASH_ED25519_SIG_LEN];
	int has_signature;
	/* Every such signature line, in order. */
	struct checkpoint_signature sigs[CHECKPOINT_MAX_SIGNATURES];
	unsigned nsigs;
};

/* New strings; the caller frees. */
char *checkpoint_body(const char *origin, uint64_t size, const merkle_hash root);
void checkpoint_key_id(const char *key_name, const uint8_t pub[HASH_ED25519_PUB_LEN],
		       uint8_t id[4]);
char *checkpoint_signed_note(const char *body, const char *key_name,
			     const uint8_t pub[HASH_ED25519_PUB_LEN],
			     const uint8_t sig[HASH_ED25519_SIG_LEN]);
/* Parses a signed note (or a bare body). 0, or -1 with *cause naming the
 * line at fault. Free with checkpoint_clear. */
int checkpoint_parse(const char *text, struct checkpoint *out, char **cause)
    __attribute__((warn_unused_result));
/* 0 when one of cp's signature lines is by pub under key_name and verifies
 * (other lines, such as cosignatures, are ignored); -1 with *cause
 * otherwise. */
int checkpoint_verify(const struct checkpoint *cp, const char *key_name,
		      const uint8_t pub[HASH_ED25519_PUB_LEN], char **cause)
    __attribute__((warn_unused_result));
void checkpoint_clear(struct checkpoint *cp);

#endif
