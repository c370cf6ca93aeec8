/*
 * common/checkpoint.c: the C2SP tlog-checkpoint body, the signed-note
 * layout, the Ed25519 key id, the strict parser and checkpoint_verify.
 * Checkpoints are what an auditor keeps outside the server to prove later
 * that the log was not rewritten, and what standard transparency-log tools
 * read, so the bytes must be exactly the C2SP ones and every malformed or
 * tampered note must be refused. Known answers come from the reference
 * implementation (golang.org/x/mod/sumdb/note: the PeterNeumann key, whose
 * key id is c74f20a3, and its published signed note, reproduced byte for
 * byte because Ed25519 is deterministic); the rest uses an Ed25519 key made
 * here with OpenSSL's EVP interface and a base64 coder written in this file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include "checkpoint.h"
#include "hash.h"

#define EM_DASH "\xe2\x80\x94"
#define ORIGIN "assure.test/audit/0123456789abcdef"

/* ---- an independent base64 ---------------------------------------------- */

static const char b64chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static char *b64enc(const uint8_t *p, size_t n)
{
	char *out = malloc(4 * ((n + 2) / 3) + 1);
	assert_non_null(out);
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		out[o++] = b64chars[(v >> 18) & 63];
		out[o++] = b64chars[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64chars[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64chars[v & 63] : '=';
	}
	out[o] = '\0';
	return out;
}

static size_t b64dec(const char *s, uint8_t *out)
{
	size_t n = 0, bits = 0;
	uint32_t acc = 0;
	for (; *s && *s != '='; s++) {
		const char *q = strchr(b64chars, *s);
		assert_non_null(q);
		acc = (acc << 6) | (uint32_t)(q - b64chars);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return n;
}

/* ---- keys --------------------------------------------------------------- */

struct key {
	EVP_PKEY *pkey;
	uint8_t pub[32];
};

static void key_new(struct key *k)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	assert_non_null(ctx);
	assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
	k->pkey = NULL;
	assert_int_equal(EVP_PKEY_keygen(ctx, &k->pkey), 1);
	EVP_PKEY_CTX_free(ctx);
	size_t len = 32;
	assert_int_equal(EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &len), 1);
	assert_int_equal(len, 32);
}

static void key_from_seed(struct key *k, const uint8_t seed[32])
{
	k->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, seed, 32);
	assert_non_null(k->pkey);
	size_t len = 32;
	assert_int_equal(EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &len), 1);
}

static void key_free(struct key *k)
{
	EVP_PKEY_free(k->pkey);
	k->pkey = NULL;
}

static void key_sign(const struct key *k, const char *msg, uint8_t sig[64])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	assert_non_null(ctx);
	assert_int_equal(EVP_DigestSignInit(ctx, NULL, NULL, NULL, k->pkey), 1);
	size_t len = 64;
	assert_int_equal(EVP_DigestSign(ctx, sig, &len, (const unsigned char *)msg, strlen(msg)),
			 1);
	assert_int_equal(len, 64);
	EVP_MD_CTX_free(ctx);
}

/* SHA-256(name || "\n" || 0x01 || pub)[:4], written out here. */
static void ref_key_id(const char *name, const uint8_t pub[32], uint8_t id[4])
{
	uint8_t buf[256];
	size_t n = strlen(name);
	assert_true(n + 34 <= sizeof buf);
	memcpy(buf, name, n);
	buf[n] = '\n';
	buf[n + 1] = 0x01;
	memcpy(buf + n + 2, pub, 32);
	uint8_t h[32];
	SHA256(buf, n + 34, h);
	memcpy(id, h, 4);
}

/* The signed note, assembled here from the C2SP text. */
static char *ref_signed_note(const char *body, const char *name, const uint8_t id[4],
			     const uint8_t sig[64])
{
	uint8_t blob[68];
	memcpy(blob, id, 4);
	memcpy(blob + 4, sig, 64);
	char *b64 = b64enc(blob, sizeof blob);
	size_t len = strlen(body) + strlen(name) + strlen(b64) + 16;
	char *note = malloc(len);
	assert_non_null(note);
	snprintf(note, len, "%s\n" EM_DASH " %s %s\n", body, name, b64);
	free(b64);
	return note;
}

static void make_root(uint8_t root[32], uint8_t seed)
{
	for (int i = 0; i < 32; i++)
		root[i] = (uint8_t)(seed * 31 + i * 7);
}

static char *str_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *str_printf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = NULL;
	assert_true(vasprintf(&s, fmt, ap) >= 0);
	va_end(ap);
	return s;
}

/* Parses text and expects failure with a cause. */
static void expect_parse_fails(const char *text, const char *why)
{
	struct checkpoint cp;
	char *cause = NULL;
	int rc = checkpoint_parse(text, &cp, &cause);
	if (rc == 0) {
		checkpoint_clear(&cp);
		fail_msg("checkpoint_parse accepted %s", why);
	}
	assert_int_equal(rc, -1);
	assert_non_null(cause);
	assert_true(strlen(cause) > 0);
	free(cause);
}

/* Expects the note to be refused: by the parser or by checkpoint_verify. */
static void expect_rejected(const char *text, const char *name, const uint8_t pub[32],
			    const char *why)
{
	struct checkpoint cp;
	char *cause = NULL;
	if (checkpoint_parse(text, &cp, &cause) < 0) {
		assert_non_null(cause);
		free(cause);
		return;
	}
	int rc = checkpoint_verify(&cp, name, pub, &cause);
	checkpoint_clear(&cp);
	if (rc == 0)
		fail_msg("checkpoint_verify accepted %s", why);
	assert_int_equal(rc, -1);
	assert_non_null(cause);
	free(cause);
}

/* ---- known answers -------------------------------------------------------- */

/* golang.org/x/mod/sumdb/note's example key. */
#define GO_VKEY_B64 "ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
#define GO_SKEY_B64 "AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
#define GO_TEXT                                                                                    \
	"If you think cryptography is the answer to your problem,\n"                               \
	"then you don't know what your problem is.\n"
#define GO_SIG                                                                                     \
	"x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJ" \
	"nAM="

static void test_key_id_known_answer(void **state)
{
	(void)state;
	uint8_t raw[40];
	assert_int_equal(b64dec(GO_VKEY_B64, raw), 33);
	assert_int_equal(raw[0], 0x01); /* the Ed25519 type byte */
	uint8_t id[4], ref[4];
	checkpoint_key_id("PeterNeumann", raw + 1, id);
	static const uint8_t want[4] = {0xc7, 0x4f, 0x20, 0xa3};
	assert_memory_equal(id, want, 4);
	ref_key_id("PeterNeumann", raw + 1, ref);
	assert_memory_equal(ref, want, 4);
	/* The name is part of the id. */
	checkpoint_key_id("PeterNeumanN", raw + 1, id);
	assert_memory_not_equal(id, want, 4);
}

static void test_signed_note_known_answer(void **state)
{
	(void)state;
	uint8_t raw[40], blob[80];
	assert_int_equal(b64dec(GO_SKEY_B64, raw), 33);
	assert_int_equal(raw[0], 0x01);
	struct key k;
	key_from_seed(&k, raw + 1);
	uint8_t vraw[40];
	assert_int_equal(b64dec(GO_VKEY_B64, vraw), 33);
	assert_memory_equal(k.pub, vraw + 1, 32);

	uint8_t sig[64];
	key_sign(&k, GO_TEXT, sig);
	assert_int_equal(b64dec(GO_SIG, blob), 68);
	assert_memory_equal(sig, blob + 4, 64); /* Ed25519 is deterministic */
	assert_true(hash_ed25519_verify(k.pub, GO_TEXT, strlen(GO_TEXT), sig));

	char *note = checkpoint_signed_note(GO_TEXT, "PeterNeumann", k.pub, sig);
	assert_string_equal(note, GO_TEXT "\n" EM_DASH " PeterNeumann " GO_SIG "\n");
	free(note);
	key_free(&k);
}

static void test_body_format(void **state)
{
	(void)state;
	uint8_t root[32];
	make_root(root, 1);
	const uint64_t sizes[] = {0, 1, 9, 10, 1000, 100000, UINT64_MAX};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		char *b64 = b64enc(root, 32);
		assert_int_equal(strlen(b64), 44);
		char *want =
		    str_printf("%s\n%llu\n%s\n", ORIGIN, (unsigned long long)sizes[i], b64);
		char *got = checkpoint_body(ORIGIN, sizes[i], root);
		assert_string_equal(got, want);
		free(got);
		free(want);
		free(b64);
	}
	memset(root, 0, 32);
	char *got = checkpoint_body("o", 5, root);
	assert_string_equal(got, "o\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
	free(got);
	memset(root, 0xff, 32);
	got = checkpoint_body("o", 5, root);
	assert_string_equal(got, "o\n5\n//////////////////////////////////////////8=\n");
	free(got);
}

/* ---- a generated key: round trip ------------------------------------------- */

struct signed_cp {
	struct key k;
	uint8_t root[32];
	char *body;
	uint8_t sig[64];
	char *note;
};

static void signed_cp_make(struct signed_cp *s, uint64_t size)
{
	key_new(&s->k);
	make_root(s->root, 7);
	s->body = checkpoint_body(ORIGIN, size, s->root);
	key_sign(&s->k, s->body, s->sig);
	s->note = checkpoint_signed_note(s->body, ORIGIN, s->k.pub, s->sig);
}

static void signed_cp_free(struct signed_cp *s)
{
	key_free(&s->k);
	free(s->body);
	free(s->note);
}

static void test_signed_note_layout(void **state)
{
	(void)state;
	struct signed_cp s;
	signed_cp_make(&s, 100000);
	uint8_t id[4], id2[4];
	ref_key_id(ORIGIN, s.k.pub, id);
	checkpoint_key_id(ORIGIN, s.k.pub, id2);
	assert_memory_equal(id, id2, 4);
	char *want = ref_signed_note(s.body, ORIGIN, id, s.sig);
	assert_string_equal(s.note, want);
	free(want);
	/* Layout: the body, one blank line, one signature line. */
	size_t bl = strlen(s.body);
	assert_memory_equal(s.note, s.body, bl);
	assert_true(s.note[bl] == '\n');
	assert_memory_equal(s.note + bl + 1, EM_DASH " " ORIGIN " ", 4 + strlen(ORIGIN) + 1);
	const char *sigb64 = s.note + bl + 1 + 4 + strlen(ORIGIN) + 1;
	assert_int_equal(strlen(sigb64), 92 + 1); /* base64 of 68 bytes, newline */
	assert_true(sigb64[92] == '\n');
	/* The signature is over the body's bytes (openssl pkeyutl -rawin). */
	assert_true(hash_ed25519_verify(s.k.pub, s.body, strlen(s.body), s.sig));
	signed_cp_free(&s);
}

static void test_parse_round_trip(void **state)
{
	(void)state;
	const uint64_t sizes[] = {0, 1, 1000, 100000, UINT64_MAX};
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct signed_cp s;
		signed_cp_make(&s, sizes[i]);
		struct checkpoint cp;
		char *cause = NULL;
		if (checkpoint_parse(s.note, &cp, &cause) != 0)
			fail_msg("parse of a signed note failed: %s", cause);
		assert_string_equal(cp.origin, ORIGIN);
		assert_true(cp.size == sizes[i]);
		assert_memory_equal(cp.root, s.root, 32);
		assert_string_equal(cp.body, s.body);
		assert_string_equal(cp.key_name, ORIGIN);
		assert_int_equal(cp.has_signature, 1);
		uint8_t id[4];
		ref_key_id(ORIGIN, s.k.pub, id);
		assert_memory_equal(cp.key_id, id, 4);
		assert_memory_equal(cp.signature, s.sig, 64);
		if (checkpoint_verify(&cp, ORIGIN, s.k.pub, &cause) != 0)
			fail_msg("checkpoint_verify refused a good checkpoint: %s", cause);
		checkpoint_clear(&cp);
		/* The bare body parses too, with no signature. */
		assert_int_equal(checkpoint_parse(s.body, &cp, &cause), 0);
		assert_true(cp.size == sizes[i]);
		assert_string_equal(cp.body, s.body);
		assert_int_equal(cp.has_signature, 0);
		assert_int_equal(checkpoint_verify(&cp, ORIGIN, s.k.pub, &cause), -1);
		free(cause);
		cause = NULL;
		checkpoint_clear(&cp);
		signed_cp_free(&s);
	}
}

/* ---- corruption ------------------------------------------------------------------ */

static void test_body_changed(void **state)
{
	(void)state;
	struct signed_cp s;
	signed_cp_make(&s, 12345);
	uint8_t id[4];
	ref_key_id(ORIGIN, s.k.pub, id);
	char *b64 = b64enc(s.root, 32);
	uint8_t other[32];
	make_root(other, 8);
	char *b64o = b64enc(other, 32);
	/* The same signature under other bodies: size, origin, root. */
	char *bodies[] = {
	    str_printf("%s\n12346\n%s\n", ORIGIN, b64),
	    str_printf("%s\n1234\n%s\n", ORIGIN, b64),
	    str_printf("%sx\n12345\n%s\n", ORIGIN, b64),
	    str_printf("%s\n12345\n%s\n", ORIGIN, b64o),
	    str_printf("%s\n12345\n%s\nextension line\n", ORIGIN, b64),
	};
	for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		char *note = ref_signed_note(bodies[i], ORIGIN, id, s.sig);
		expect_rejected(note, ORIGIN, s.k.pub, bodies[i]);
		free(note);
		free(bodies[i]);
	}
	/* Each byte of the body changed in turn (skipping changes that make
	 * it unparsable is the parser's business: either way refused). */
	size_t bl = strlen(s.body);
	for (size_t i = 0; i < bl; i++) {
		char *note = strdup(s.note);
		assert_non_null(note);
		note[i] = note[i] == 'A' ? 'B' : note[i] == '\n' ? 'x' : 'A';
		char what[64];
		snprintf(what, sizeof what, "body byte %zu changed", i);
		expect_rejected(note, ORIGIN, s.k.pub, what);
		free(note);
	}
	free(b64);
	free(b64o);
	signed_cp_free(&s);
}

static void test_signature_bit_flips(void **state)
{
	(void)state;
	struct signed_cp s;
	signed_cp_make(&s, 777);
	uint8_t id[4];
	ref_key_id(ORIGIN, s.k.pub, id);
	for (unsigned bit = 0; bit < 512; bit++) {
		uint8_t sig[64];
		memcpy(sig, s.sig, 64);
		sig[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		char *note = ref_signed_note(s.body, ORIGIN, id, sig);
		char what[64];
		snprintf(what, sizeof what, "signature bit %u flipped", bit);
		expect_rejected(note, ORIGIN, s.k.pub, what);
		free(note);
	}
	/* And the key id's bits. */
	for (unsigned bit = 0; bit < 32; bit++) {
		uint8_t bad[4];
		memcpy(bad, id, 4);
		bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		char *note = ref_signed_note(s.body, ORIGIN, bad, s.sig);
		expect_rejected(note, ORIGIN, s.k.pub, "key id bit flipped");
		free(note);
	}
	signed_cp_free(&s);
}

static void test_wrong_key(void **state)
{
	(void)state;
	struct signed_cp s;
	signed_cp_make(&s, 42);
	struct key other;
	key_new(&other);
	/* Verified with another public key. */
	expect_rejected(s.note, ORIGIN, other.pub, "a checkpoint verified with another key");
	/* Signed by another key but carrying our key id: the signature
	 * itself must be checked, not only the id. */
	uint8_t id[4], sig[64];
	ref_key_id(ORIGIN, s.k.pub, id);
	key_sign(&other, s.body, sig);
	char *note = ref_signed_note(s.body, ORIGIN, id, sig);
	expect_rejected(note, ORIGIN, s.k.pub, "another key's signature under our key id");
	free(note);
	/* Signed by another key, honestly labelled. */
	char *note2 = checkpoint_signed_note(s.body, ORIGIN, other.pub, sig);
	expect_rejected(note2, ORIGIN, s.k.pub, "another key's signature");
	free(note2);
	key_free(&other);
	signed_cp_free(&s);
}

static void test_wrong_key_name(void **state)
{
	(void)state;
	struct signed_cp s;
	signed_cp_make(&s, 42);
	/* Verified under another name. */
	expect_rejected(s.note, "assure.test/audit/other", s.k.pub,
			"verification under another name");
	expect_rejected(s.note, "", s.k.pub, "verification under an empty name");
	/* The note names another key name (with that name's key id). */
	uint8_t id[4];
	ref_key_id("evil.example/log", s.k.pub, id);
	char *note = ref_signed_note(s.body, "evil.example/log", id, s.sig);
	expect_rejected(note, ORIGIN, s.k.pub, "a signature line with another key name");
	free(note);
	/* Another name with our key id. */
	ref_key_id(ORIGIN, s.k.pub, id);
	note = ref_signed_note(s.body, "evil.example/log", id, s.sig);
	expect_rejected(note, ORIGIN, s.k.pub, "another key name with our key id");
	free(note);
	signed_cp_free(&s);
}

static void test_missing_signature(void **state)
{
	(void)state;
	struct signed_cp s;
	signed_cp_make(&s, 42);
	/* The bare body; the body and the blank line; a blank line and an
	 * empty signature line. */
	char *texts[] = {
	    strdup(s.body),
	    str_printf("%s\n", s.body),
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		expect_rejected(texts[i], ORIGIN, s.k.pub, "a note without a signature line");
		free(texts[i]);
	}
	char *bad = str_printf("%s\n\n", s.body);
	expect_rejected(bad, ORIGIN, s.k.pub, "an empty signature line");
	free(bad);
	/* A signature line without the em dash, or with an ASCII hyphen. */
	char *dash = strdup(s.note);
	assert_non_null(dash);
	char *p = strstr(dash, EM_DASH);
	assert_non_null(p);
	memmove(p + 1, p + 3, strlen(p + 3) + 1);
	p[0] = '-';
	expect_parse_fails(dash, "a signature line starting with '-'");
	free(dash);
	/* Signature line with no key name, or a short signature blob. */
	uint8_t id[4];
	ref_key_id(ORIGIN, s.k.pub, id);
	uint8_t blob[68];
	memcpy(blob, id, 4);
	memcpy(blob + 4, s.sig, 64);
	char *b64 = b64enc(blob, 67);
	char *shortsig = str_printf("%s\n" EM_DASH " %s %s\n", s.body, ORIGIN, b64);
	expect_rejected(shortsig, ORIGIN, s.k.pub, "a 63-byte signature");
	free(shortsig);
	free(b64);
	b64 = b64enc(blob, 68);
	char *noname = str_printf("%s\n" EM_DASH " %s\n", s.body, b64);
	expect_rejected(noname, ORIGIN, s.k.pub, "a signature line without a key name");
	free(noname);
	/* The signature line without its final newline. */
	char *nonl = str_printf("%s\n" EM_DASH " %s %s", s.body, ORIGIN, b64);
	expect_rejected(nonl, ORIGIN, s.k.pub, "a signature line without a final newline");
	free(nonl);
	free(b64);
	signed_cp_free(&s);
}

static void test_malformed_size(void **state)
{
	(void)state;
	uint8_t root[32];
	make_root(root, 3);
	char *b64 = b64enc(root, 32);
	const char *bad[] = {
	    "01",
	    "-1",
	    "1x",
	    "123456789012345678901", /* 21 digits */
	    "18446744073709551616",  /* 2^64 */
	    "99999999999999999999",
	    "",
	    " 1",
	    "1 ",
	    "+1",
	    "0x10",
	    "1.0",
	    "1e3",
	    "00",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *text = str_printf("%s\n%s\n%s\n", ORIGIN, bad[i], b64);
		char what[80];
		snprintf(what, sizeof what, "tree size \"%s\"", bad[i]);
		expect_parse_fails(text, what);
		free(text);
	}
	/* The largest size and zero are fine. */
	struct checkpoint cp;
	char *cause = NULL;
	char *text = str_printf("%s\n18446744073709551615\n%s\n", ORIGIN, b64);
	assert_int_equal(checkpoint_parse(text, &cp, &cause), 0);
	assert_true(cp.size == UINT64_MAX);
	checkpoint_clear(&cp);
	free(text);
	text = str_printf("%s\n0\n%s\n", ORIGIN, b64);
	assert_int_equal(checkpoint_parse(text, &cp, &cause), 0);
	assert_true(cp.size == 0);
	checkpoint_clear(&cp);
	free(text);
	free(b64);
}

static void test_bad_root(void **state)
{
	(void)state;
	uint8_t root[40];
	make_root(root, 4);
	root[32] = 1;
	root[33] = 2;
	char *b31 = b64enc(root, 31), *b33 = b64enc(root, 33), *b30 = b64enc(root, 30);
	char *b32 = b64enc(root, 32);
	char nopad[64];
	snprintf(nopad, sizeof nopad, "%.43s", b32);
	char inner[64];
	snprintf(inner, sizeof inner, "%s", b32);
	inner[10] = '!';
	char spaced[64];
	snprintf(spaced, sizeof spaced, " %s", b32);
	char urlsafe[64];
	snprintf(urlsafe, sizeof urlsafe, "%s", b32);
	for (char *q = urlsafe; *q; q++)
		if (*q == '+' || *q == '/')
			*q = *q == '+' ? '-' : '_';
	const char *bad[] = {b31, b33, b30, nopad, inner, spaced, "", "====", "AAAA", "not base64"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *text = str_printf("%s\n10\n%s\n", ORIGIN, bad[i]);
		char what[120];
		snprintf(what, sizeof what, "root \"%s\"", bad[i]);
		expect_parse_fails(text, what);
		free(text);
	}
	/* URL-safe base64 is not base64 (only when the root has + or /). */
	if (strcmp(urlsafe, b32) != 0) {
		char *text = str_printf("%s\n10\n%s\n", ORIGIN, urlsafe);
		expect_parse_fails(text, "a URL-safe base64 root");
		free(text);
	}
	free(b31);
	free(b33);
	free(b30);
	free(b32);
}

static void test_structure(void **state)
{
	(void)state;
	uint8_t root[32];
	make_root(root, 5);
	char *b64 = b64enc(root, 32);
	char *texts[] = {
	    str_printf("%s\n10\n%s", ORIGIN, b64), /* no final newline */
	    str_printf("%s\n10\n", ORIGIN),	   /* two lines */
	    str_printf("%s\n", ORIGIN),
	    strdup(""),
	    str_printf("\n10\n%s\n", b64), /* empty origin */
	    str_printf("%s\n\n%s\n", ORIGIN, b64),
	    str_printf("%s\n%s\n10\n", ORIGIN, b64), /* lines swapped */
	};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		char what[32];
		snprintf(what, sizeof what, "malformed text %zu", i);
		expect_parse_fails(texts[i], what);
		free(texts[i]);
	}
	free(b64);
}

/* C2SP notes may carry several signatures (a witness's cosignature, say);
 * checkpoint_verify promises 0 when the note "carries a signature by pub
 * under key_name that verifies", wherever that signature line is. */
static void test_second_signature_line(void **state)
{
	(void)state;
	struct signed_cp s;
	signed_cp_make(&s, 64);
	struct key witness;
	key_new(&witness);
	uint8_t wsig[64];
	key_sign(&witness, s.body, wsig);
	char *wnote = checkpoint_signed_note(s.body, "witness.example", witness.pub, wsig);
	/* ours first, then the witness: accepted */
	char *a = str_printf("%s%s", s.note, wnote + strlen(s.body) + 1);
	struct checkpoint cp;
	char *cause = NULL;
	assert_int_equal(checkpoint_parse(a, &cp, &cause), 0);
	if (checkpoint_verify(&cp, ORIGIN, s.k.pub, &cause) != 0)
		fail_msg("log signature first, cosignature second: refused: %s", cause);
	checkpoint_clear(&cp);
	/* the witness first, then ours */
	char *b = str_printf("%s%s", wnote, s.note + strlen(s.body) + 1);
	assert_int_equal(checkpoint_parse(b, &cp, &cause), 0);
	int rc = checkpoint_verify(&cp, ORIGIN, s.k.pub, &cause);
	checkpoint_clear(&cp);
	if (rc != 0) {
		char msg[300];
		snprintf(msg, sizeof msg, "%s", cause ? cause : "");
		free(cause);
		free(a);
		free(b);
		free(wnote);
		key_free(&witness);
		signed_cp_free(&s);
		fail_msg("a note whose first signature line is a cosignature and second is ours "
			 "was refused (\"%s\"): checkpoint_parse keeps only the first signature",
			 msg);
	}
	free(a);
	free(b);
	free(wnote);
	key_free(&witness);
	signed_cp_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_key_id_known_answer),
	    cmocka_unit_test(test_signed_note_known_answer),
	    cmocka_unit_test(test_body_format),
	    cmocka_unit_test(test_signed_note_layout),
	    cmocka_unit_test(test_parse_round_trip),
	    cmocka_unit_test(test_body_changed),
	    cmocka_unit_test(test_signature_bit_flips),
	    cmocka_unit_test(test_wrong_key),
	    cmocka_unit_test(test_wrong_key_name),
	    cmocka_unit_test(test_missing_signature),
	    cmocka_unit_test(test_malformed_size),
	    cmocka_unit_test(test_bad_root),
	    cmocka_unit_test(test_structure),
	    cmocka_unit_test(test_second_signature_line),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
