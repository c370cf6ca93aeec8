/*
 * C2SP checkpoint notes: formatting, parsing and signature checks. See
 * checkpoint.h. Parsing is strict (exact line structure, canonical
 * decimal size, 32-byte root) because a lenient parser is a place for two
 * readers to disagree about what was signed.
 */
#include "checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define EM_DASH "\xe2\x80\x94"

char *checkpoint_body(const char *origin, uint64_t size, const merkle_hash root)
{
	char *b64 = hash_base64(root, MERKLE_HASH_LEN);
	char *body = xasprintf("%s\n%llu\n%s\n", origin, (unsigned long long)size, b64);
	free(b64);
	return body;
}

void checkpoint_key_id(const char *key_name, const uint8_t pub[HASH_ED25519_PUB_LEN], uint8_t id[4])
{
	size_t n = strlen(key_name);
	uint8_t *buf = xmalloc(n + 2 + HASH_ED25519_PUB_LEN);
	memcpy(buf, key_name, n);
	buf[n] = '\n';
	buf[n + 1] = 0x01; /* the Ed25519 signature type */
	memcpy(buf + n + 2, pub, HASH_ED25519_PUB_LEN);
	uint8_t h[HASH_SHA256_LEN];
	hash_sha256(buf, n + 2 + HASH_ED25519_PUB_LEN, h);
	free(buf);
	memcpy(id, h, 4);
}

char *checkpoint_signed_note(const char *body, const char *key_name,
			     const uint8_t pub[HASH_ED25519_PUB_LEN],
			     const uint8_t sig[HASH_ED25519_SIG_LEN])
{
	uint8_t blob[4 + HASH_ED25519_SIG_LEN];
	checkpoint_key_id(key_name, pub, blob);
	memcpy(blob + 4, sig, HASH_ED25519_SIG_LEN);
	char *b64 = hash_base64(blob, sizeof blob);
	char *note = xasprintf("%s\n" EM_DASH " %s %s\n", body, key_name, b64);
	free(b64);
	return note;
}

void checkpoint_clear(struct checkpoint *cp)
{
	free(cp->origin);
	free(cp->body);
	free(cp->key_name);
	for (unsigned i = 0; i < cp->nsigs; i++)
		free(cp->sigs[i].key_name);
	memset(cp, 0, sizeof *cp);
}

static int parse_size(const char *s, size_t len, uint64_t *out)
{
	if (len == 0 || len > 20 || (len > 1 && s[0] == '0'))
		return -1;
	uint64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		uint64_t d = (uint64_t)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int checkpoint_parse(const char *text, struct checkpoint *out, char **cause)
{
	memset(out, 0, sizeof *out);
	const char *l1 = text, *e1 = strchr(l1, '\n');
	const char *l2 = e1 ? e1 + 1 : NULL, *e2 = l2 ? strchr(l2, '\n') : NULL;
	const char *l3 = e2 ? e2 + 1 : NULL, *e3 = l3 ? strchr(l3, '\n') : NULL;
	if (!e1 || !e2 || !e3) {
		*cause = xstrdup("checkpoint: fewer than three lines (origin, size, root hash)");
		return -1;
	}
	if (e1 == l1) {
		*cause = xstrdup("checkpoint line 1: the origin is empty");
		return -1;
	}
	if (parse_size(l2, (size_t)(e2 - l2), &out->size) < 0) {
		*cause = xstrdup("checkpoint line 2: the tree size is not a decimal number");
		return -1;
	}
	char *b64 = xstrndup(l3, (size_t)(e3 - l3));
	long n = hash_base64_decode(b64, out->root, MERKLE_HASH_LEN);
	free(b64);
	if (n != MERKLE_HASH_LEN) {
		*cause = xstrdup("checkpoint line 3: the root hash is not 32 bytes of base64");
		return -1;
	}
	/* The body runs to the blank line that starts the signatures (C2SP
	 * allows extension lines before it). */
	const char *blank = strstr(l1, "\n\n");
	const char *body_end = blank ? blank + 1 : text + strlen(text);
	out->origin = xstrndup(l1, (size_t)(e1 - l1));
	out->body = xstrndup(text, (size_t)(body_end - text));
	out->key_name = xstrdup("");
	if (blank == NULL)
		return 0;
	const char *sig = blank + 2;
	while (*sig) {
		const char *eol = strchr(sig, '\n');
		if (eol == NULL) {
			*cause =
			    xstrdup("checkpoint: the signature line does not end with a newline");
			checkpoint_clear(out);
			return -1;
		}
		if (strncmp(sig, EM_DASH " ", 4) != 0) {
			*cause = xstrdup("checkpoint: a signature line must start with an em dash");
			checkpoint_clear(out);
			return -1;
		}
		const char *name = sig + 4;
		const char *sp = memchr(name, ' ', (size_t)(eol - name));
		if (sp == NULL || sp == name) {
			*cause = xstrdup("checkpoint: a signature line has no key name");
			checkpoint_clear(out);
			return -1;
		}
		/* Keep the first well-formed Ed25519 signature. */
		uint8_t blob[4 + HASH_ED25519_SIG_LEN + 1];
		char *enc = xstrndup(sp + 1, (size_t)(eol - sp - 1));
		long len = hash_base64_decode(enc, blob, sizeof blob);
		free(enc);
		if (len == 4 + HASH_ED25519_SIG_LEN && out->nsigs < CHECKPOINT_MAX_SIGNATURES) {
			struct checkpoint_signature *cs = &out->sigs[out->nsigs++];
			cs->key_name = xstrndup(name, (size_t)(sp - name));
			memcpy(cs->key_id, blob, 4);
			memcpy(cs->signature, blob + 4, HASH_ED25519_SIG_LEN);
			if (!out->has_signature) {
				free(out->key_name);
				out->key_name = xstrdup(cs->key_name);
				memcpy(out->key_id, cs->key_id, 4);
				memcpy(out->signature, cs->signature, HASH_ED25519_SIG_LEN);
				out->has_signature = 1;
			}
		}
		sig = eol + 1;
	}
	return 0;
}

int checkpoint_verify(const struct checkpoint *cp, const char *key_name,
		      const uint8_t pub[HASH_ED25519_PUB_LEN], char **cause)
{
	if (!cp->has_signature) {
		*cause = xstrdup("checkpoint has no signature");
		return -1;
	}
	uint8_t id[4];
	checkpoint_key_id(key_name, pub, id);
	/* A bare struct (no parsed lines) still has its one signature. */
	struct checkpoint_signature only = {cp->key_name, {0}, {0}};
	memcpy(only.key_id, cp->key_id, 4);
	memcpy(only.signature, cp->signature, HASH_ED25519_SIG_LEN);
	const struct checkpoint_signature *v = cp->nsigs ? cp->sigs : &only;
	unsigned n = cp->nsigs ? cp->nsigs : 1;
	int named = 0;
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(v[i].key_name, key_name) != 0)
			continue;
		named = 1;
		if (memcmp(v[i].key_id, id, 4) != 0)
			continue;
		if (hash_ed25519_verify(pub, cp->body, strlen(cp->body), v[i].signature))
			return 0;
		*cause = xasprintf("checkpoint signature for tree size %llu does not verify",
				   (unsigned long long)cp->size);
		return -1;
	}
	if (!named)
		*cause = xasprintf("checkpoint is not signed by '%s' (signed by '%s')", key_name,
				   cp->key_name);
	else
		*cause = xstrdup("checkpoint is signed by another key (key id differs)");
	return -1;
}
