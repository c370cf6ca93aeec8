/*
 * common/merkle.c against an independent RFC 6962 / RFC 9162 reference
 * written here from the RFC text: MTH, PATH and PROOF by plain recursion
 * over D[start:end], hashes straight from OpenSSL's SHA256(), and
 * recursive verifiers that rebuild the roots from the proof the way the
 * definitions assemble it. The audit trail's integrity rests on this file
 * (every leaf, node, proof and checkpoint root), so it is held to known
 * answers (RFC 6962 test vectors, the empty tree), to every tree size from
 * 1 to 1025 for the frontier root, to every index of every size up to 70
 * and of 2^k-1, 2^k, 2^k+1 up to 1025 for inclusion proofs (a sample of
 * the other sizes), to every (m, n) with n <= 70 and every pair of those
 * sizes for consistency proofs, and to a failed verification for every
 * flipped bit, truncated or extended proof and wrong index. A wrong tree
 * size is only sometimes detectable (a proof for index 0 of a 4-leaf tree
 * is also a valid path in a 3-leaf tree of the same root: RFC 9162 binds
 * the size through the signed checkpoint, not through the proof), so for
 * wrong sizes the library must agree with the reference verifier exactly.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/sha.h>

#include "merkle.h"

#define MAX_LEAVES 1025
#define MAX_LEVEL 11 /* 2^10 = 1024 <= 1025 < 2^11 */

/* ---- the reference ------------------------------------------------------ */

static merkle_hash leaves[MAX_LEAVES];
/* perfect[level][idx] = MTH(D[idx << level : (idx + 1) << level]) */
static merkle_hash perfect[MAX_LEVEL + 1][MAX_LEAVES];
static int reference_ready;

static void ref_sha256(const void *data, size_t n, merkle_hash out)
{
	SHA256(data, n, out);
}

static void ref_leaf(const void *data, size_t n, merkle_hash out)
{
	uint8_t buf[256];
	assert_true(n + 1 <= sizeof buf);
	buf[0] = 0x00;
	memcpy(buf + 1, data, n);
	ref_sha256(buf, n + 1, out);
}

static void ref_node(const merkle_hash l, const merkle_hash r, merkle_hash out)
{
	uint8_t buf[65];
	buf[0] = 0x01;
	memcpy(buf + 1, l, 32);
	memcpy(buf + 33, r, 32);
	ref_sha256(buf, sizeof buf, out);
}

/* RFC 6962 2.1: k is the largest power of two smaller than n. */
static uint64_t ref_split(uint64_t n)
{
	uint64_t k = 1;
	while (k * 2 < n)
		k *= 2;
	return k;
}

/* MTH(D[start:end]), by the definition and nothing else. */
static void ref_mth(uint64_t start, uint64_t end, merkle_hash out)
{
	uint64_t n = end - start;
	if (n == 0) {
		ref_sha256("", 0, out);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[start], 32);
		return;
	}
	uint64_t k = ref_split(n);
	merkle_hash l, r;
	ref_mth(start, start + k, l);
	ref_mth(start + k, end, r);
	ref_node(l, r, out);
}

/* The same function, fast: a perfect aligned range comes from the table
 * (built by the same definition), anything else splits as MTH does. */
static void ref_mth_fast(uint64_t start, uint64_t end, merkle_hash out)
{
	uint64_t n = end - start;
	if (n == 0) {
		ref_sha256("", 0, out);
		return;
	}
	if ((n & (n - 1)) == 0 && start % n == 0) {
		unsigned level = 0;
		while (((uint64_t)1 << level) < n)
			level++;
		memcpy(out, perfect[level][start >> level], 32);
		return;
	}
	uint64_t k = ref_split(n);
	merkle_hash l, r;
	ref_mth_fast(start, start + k, l);
	ref_mth_fast(start + k, end, r);
	ref_node(l, r, out);
}

static void build_reference(void)
{
	if (reference_ready)
		return;
	for (unsigned i = 0; i < MAX_LEAVES; i++) {
		char text[32];
		int len = snprintf(text, sizeof text, "leaf %u", i);
		ref_leaf(text, (size_t)len, leaves[i]);
		memcpy(perfect[0][i], leaves[i], 32);
	}
	for (unsigned level = 1; level <= MAX_LEVEL; level++)
		for (uint64_t idx = 0; ((idx + 1) << level) <= MAX_LEAVES; idx++)
			ref_node(perfect[level - 1][2 * idx], perfect[level - 1][2 * idx + 1],
				 perfect[level][idx]);
	/* The table is the definition: spot-check it against plain MTH. */
	for (unsigned level = 1; level <= 10; level++) {
		uint64_t idx = (1024u >> level) - 1;
		merkle_hash h;
		ref_mth(idx << level, (idx + 1) << level, h);
		assert_memory_equal(h, perfect[level][idx], 32);
	}
	reference_ready = 1;
}

/* The oracle handed to merkle_*_proof, counting its calls. */
struct oracle {
	uint64_t size; /* ranges must lie inside D[0:size] */
	unsigned calls;
	int fail_after; /* -1: never fail */
};

static int oracle_fn(void *arg, uint64_t start, uint64_t end, merkle_hash out)
{
	struct oracle *o = arg;
	assert_true(start < end);
	assert_true(end <= o->size);
	if (o->fail_after >= 0 && o->calls >= (unsigned)o->fail_after)
		return -1;
	o->calls++;
	ref_mth_fast(start, end, out);
	return 0;
}

/* RFC 9162 2.1.3.1 PATH(m, D[start:start+n]), appended to out. */
static void ref_path(uint64_t m, uint64_t start, uint64_t n, merkle_hash *out, size_t *len)
{
	if (n <= 1)
		return;
	uint64_t k = ref_split(n);
	if (m < k) {
		ref_path(m, start, k, out, len);
		ref_mth_fast(start + k, start + n, out[(*len)++]);
	} else {
		ref_path(m - k, start + k, n - k, out, len);
		ref_mth_fast(start, start + k, out[(*len)++]);
	}
}

/* RFC 9162 2.1.4.1 SUBPROOF(m, D[start:start+n], b). */
static void ref_subproof(uint64_t m, uint64_t start, uint64_t n, int b, merkle_hash *out,
			 size_t *len)
{
	if (m == n) {
		if (!b)
			ref_mth_fast(start, start + n, out[(*len)++]);
		return;
	}
	uint64_t k = ref_split(n);
	if (m <= k) {
		ref_subproof(m, start, k, b, out, len);
		ref_mth_fast(start + k, start + n, out[(*len)++]);
	} else {
		ref_subproof(m - k, start + k, n - k, 0, out, len);
		ref_mth_fast(start, start + k, out[(*len)++]);
	}
}

/* Rebuilds the root of a size-n tree from leaf m and a PATH, consuming the
 * proof in the order PATH lists it (innermost first). */
static int ref_incl_root(uint64_t m, uint64_t n, const merkle_hash leaf, const merkle_hash *proof,
			 size_t plen, size_t *pos, merkle_hash out)
{
	if (n == 1) {
		memcpy(out, leaf, 32);
		return 0;
	}
	uint64_t k = ref_split(n);
	merkle_hash inner;
	if (m < k) {
		if (ref_incl_root(m, k, leaf, proof, plen, pos, inner) < 0 || *pos >= plen)
			return -1;
		ref_node(inner, proof[(*pos)++], out);
	} else {
		if (ref_incl_root(m - k, n - k, leaf, proof, plen, pos, inner) < 0 || *pos >= plen)
			return -1;
		ref_node(proof[(*pos)++], inner, out);
	}
	return 0;
}

static int ref_verify_inclusion(uint64_t m, uint64_t n, const merkle_hash leaf,
				const merkle_hash *proof, size_t plen, const merkle_hash root)
{
	if (m >= n)
		return 0;
	size_t pos = 0;
	merkle_hash r;
	if (ref_incl_root(m, n, leaf, proof, plen, &pos, r) < 0)
		return 0;
	return pos == plen && memcmp(r, root, 32) == 0;
}

/* Rebuilds (old subtree hash, new subtree hash) from a SUBPROOF. */
static int ref_cons_roots(uint64_t m, uint64_t n, int b, const merkle_hash old_root,
			  const merkle_hash *proof, size_t plen, size_t *pos, merkle_hash old_out,
			  merkle_hash new_out)
{
	if (m == n) {
		if (b) {
			memcpy(old_out, old_root, 32);
			memcpy(new_out, old_root, 32);
			return 0;
		}
		if (*pos >= plen)
			return -1;
		memcpy(old_out, proof[*pos], 32);
		memcpy(new_out, proof[*pos], 32);
		(*pos)++;
		return 0;
	}
	uint64_t k = ref_split(n);
	merkle_hash o, nw;
	if (m <= k) {
		if (ref_cons_roots(m, k, b, old_root, proof, plen, pos, o, nw) < 0 || *pos >= plen)
			return -1;
		memcpy(old_out, o, 32);
		ref_node(nw, proof[(*pos)++], new_out);
	} else {
		if (ref_cons_roots(m - k, n - k, 0, old_root, proof, plen, pos, o, nw) < 0 ||
		    *pos >= plen)
			return -1;
		ref_node(proof[*pos], o, old_out);
		ref_node(proof[*pos], nw, new_out);
		(*pos)++;
	}
	return 0;
}

static int ref_verify_consistency(uint64_t m, uint64_t n, const merkle_hash old_root,
				  const merkle_hash new_root, const merkle_hash *proof, size_t plen)
{
	if (m > n)
		return 0;
	if (m == 0)
		return plen == 0;
	size_t pos = 0;
	merkle_hash o, nw;
	if (ref_cons_roots(m, n, 1, old_root, proof, plen, &pos, o, nw) < 0)
		return 0;
	return pos == plen && memcmp(o, old_root, 32) == 0 && memcmp(nw, new_root, 32) == 0;
}

/* ---- helpers ------------------------------------------------------------ */

static void hex_to_hash(const char *hex, merkle_hash out)
{
	assert_int_equal(strlen(hex), 64);
	for (int i = 0; i < 32; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void flip(uint8_t *h, unsigned bit)
{
	h[bit / 8] ^= (uint8_t)(1u << (bit % 8));
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int is_pow2_pm1(uint64_t n)
{
	for (uint64_t p = 1; p <= 2048; p *= 2)
		if (n == p - 1 || n == p || n == p + 1)
			return 1;
	return 0;
}

/* Sizes whose every index (inclusion) or every pair (consistency) is
 * checked: 1..70 and 2^k-1, 2^k, 2^k+1 up to 1025. */
static int exhaustive_size(uint64_t n)
{
	return n <= 70 || (n <= MAX_LEAVES && is_pow2_pm1(n));
}

static void frontier_of(uint64_t n, struct merkle_frontier *f)
{
	merkle_frontier_init(f);
	for (uint64_t i = 0; i < n; i++)
		merkle_frontier_append(f, leaves[i], NULL, NULL);
}

/* ---- known answers -------------------------------------------------------- */

static void test_empty_tree_known_answer(void **state)
{
	(void)state;
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	merkle_hash root, want;
	merkle_frontier_root(&f, root);
	hex_to_hash("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", want);
	assert_memory_equal(root, want, 32);
	assert_int_equal(f.size, 0);
	assert_int_equal(f.count, 0);
}

/* The RFC 6962 test vectors used by the certificate-transparency and
 * Trillian implementations: the leaf hash of the empty string and the
 * roots of the first 1..8 leaves of their fixed inputs. */
static void test_rfc6962_vectors(void **state)
{
	(void)state;
	static const struct {
		const char *data;
		size_t len;
	} in[8] = {
	    {"", 0},
	    {"\x00", 1},
	    {"\x10", 1},
	    {"\x20\x21", 2},
	    {"\x30\x31", 2},
	    {"\x40\x41\x42\x43", 4},
	    {"\x50\x51\x52\x53\x54\x55\x56\x57", 8},
	    {"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f", 16},
	};
	static const char *const roots[8] = {
	    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
	};
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	for (int i = 0; i < 8; i++) {
		merkle_hash leaf, ref, root, want;
		merkle_leaf_hash(in[i].data, in[i].len, leaf);
		ref_leaf(in[i].data, in[i].len, ref);
		assert_memory_equal(leaf, ref, 32);
		merkle_frontier_append(&f, leaf, NULL, NULL);
		merkle_frontier_root(&f, root);
		hex_to_hash(roots[i], want);
		if (memcmp(root, want, 32) != 0)
			fail_msg("RFC 6962 vector: root of the first %d leaves differs", i + 1);
	}
}

static void test_leaf_and_node_hash(void **state)
{
	(void)state;
	build_reference();
	for (unsigned i = 0; i < MAX_LEAVES; i += 97) {
		char text[32];
		int len = snprintf(text, sizeof text, "leaf %u", i);
		merkle_hash h;
		merkle_leaf_hash(text, (size_t)len, h);
		assert_memory_equal(h, leaves[i], 32);
	}
	/* A leaf is not a node: domain separation of RFC 6962 2.1. */
	merkle_hash n1, n2, l;
	merkle_node_hash(leaves[0], leaves[1], n1);
	ref_node(leaves[0], leaves[1], n2);
	assert_memory_equal(n1, n2, 32);
	uint8_t cat[64];
	memcpy(cat, leaves[0], 32);
	memcpy(cat + 32, leaves[1], 32);
	merkle_leaf_hash(cat, 64, l);
	assert_memory_not_equal(l, n1, 32);
	/* Node hashing is ordered. */
	merkle_node_hash(leaves[1], leaves[0], n2);
	assert_memory_not_equal(n1, n2, 32);
}

static void test_split(void **state)
{
	(void)state;
	for (uint64_t n = 2; n <= 5000; n++)
		assert_int_equal(merkle_split(n), ref_split(n));
	assert_int_equal(merkle_split((1ull << 40) + 1), 1ull << 40);
	assert_int_equal(merkle_split(1ull << 40), 1ull << 39);
	assert_int_equal(merkle_split(1ull << 63), 1ull << 62);
}

/* Sizes above 2^63: the answer is 2^63. Run in a child under an alarm,
 * because a doubling loop that overflows never ends. */
static void test_split_top_bit(void **state)
{
	(void)state;
	const uint64_t ns[] = {(1ull << 63) + 1, UINT64_MAX};
	for (size_t i = 0; i < 2; i++) {
		fflush(NULL);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			alarm(2);
			_exit(merkle_split(ns[i]) == 1ull << 63 ? 0 : 1);
		}
		int st = 0;
		assert_int_equal(waitpid(pid, &st, 0), pid);
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
			fail_msg("merkle_split(%llu) did not return within 2 s (the doubling "
				 "k << 1 overflows to 0 and loops for ever)",
				 (unsigned long long)ns[i]);
		if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
			fail_msg("merkle_split(%llu) is not 2^63", (unsigned long long)ns[i]);
	}
}

/* ---- frontier ----------------------------------------------------------------- */

static void test_frontier_root_every_size(void **state)
{
	(void)state;
	build_reference();
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	for (uint64_t n = 1; n <= MAX_LEAVES; n++) {
		merkle_frontier_append(&f, leaves[n - 1], NULL, NULL);
		assert_int_equal(f.size, n);
		merkle_hash got, want;
		merkle_frontier_root(&f, got);
		ref_mth(0, n, want); /* the plain recursion, no table */
		if (memcmp(got, want, 32) != 0)
			fail_msg("frontier root of %llu leaves differs from RFC 6962 MTH",
				 (unsigned long long)n);
		/* The documented layout: one perfect subtree per set bit of
		 * the size, largest first. */
		assert_int_equal(f.count, (unsigned)__builtin_popcountll(n));
		uint64_t start = 0;
		unsigned j = 0;
		for (int level = 63; level >= 0; level--) {
			uint64_t w = 1ull << level;
			if (!(n & w))
				continue;
			merkle_hash sub;
			ref_mth_fast(start, start + w, sub);
			assert_memory_equal(f.nodes[j], sub, 32);
			start += w;
			j++;
		}
		/* The root does not disturb the frontier. */
		merkle_hash again;
		merkle_frontier_root(&f, again);
		assert_memory_equal(got, again, 32);
	}
}

struct node_seen {
	unsigned level;
	uint64_t index;
	merkle_hash hash;
	uint64_t at; /* leaves appended when it was reported */
};

struct node_log {
	struct node_seen *v;
	size_t n, cap;
	uint64_t appending; /* 1-based number of the leaf being appended */
};

static void on_node(void *arg, unsigned level, uint64_t index, const merkle_hash hash)
{
	struct node_log *l = arg;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 256;
		l->v = realloc(l->v, l->cap * sizeof *l->v);
		assert_non_null(l->v);
	}
	struct node_seen *s = &l->v[l->n++];
	s->level = level;
	s->index = index;
	memcpy(s->hash, hash, 32);
	s->at = l->appending;
}

static void test_frontier_on_node(void **state)
{
	(void)state;
	build_reference();
	struct node_log log = {0};
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	for (uint64_t i = 0; i < MAX_LEAVES; i++) {
		log.appending = i + 1;
		merkle_frontier_append(&f, leaves[i], on_node, &log);
	}
	/* Expected: every perfect subtree of level >= 1 inside D[0:1025]. */
	static unsigned char seen[MAX_LEVEL + 1][MAX_LEAVES];
	memset(seen, 0, sizeof seen);
	size_t expected = 0;
	for (unsigned level = 1; level <= MAX_LEVEL; level++)
		expected += MAX_LEAVES >> level;
	assert_int_equal(log.n, expected);
	for (size_t k = 0; k < log.n; k++) {
		const struct node_seen *s = &log.v[k];
		if (s->level < 1 || s->level > MAX_LEVEL ||
		    ((s->index + 1) << s->level) > MAX_LEAVES)
			fail_msg("on_node reported level %u index %llu, not a completed subtree",
				 s->level, (unsigned long long)s->index);
		if (seen[s->level][s->index]++)
			fail_msg("on_node reported level %u index %llu twice", s->level,
				 (unsigned long long)s->index);
		/* Reported when its last leaf arrives, not before or later. */
		assert_int_equal(s->at, (s->index + 1) << s->level);
		merkle_hash want;
		ref_mth(s->index << s->level, (s->index + 1) << s->level, want);
		if (memcmp(s->hash, want, 32) != 0)
			fail_msg("on_node level %u index %llu: hash differs from MTH", s->level,
				 (unsigned long long)s->index);
	}
	free(log.v);

	/* NULL callback and arg are fine, and give the same tree. */
	struct merkle_frontier g;
	frontier_of(MAX_LEAVES, &g);
	merkle_hash a, b;
	merkle_frontier_root(&f, a);
	merkle_frontier_root(&g, b);
	assert_memory_equal(a, b, 32);
}

/* ---- inclusion ------------------------------------------------------------------ */

static unsigned long inclusion_checked, wrong_size_accepted;

/* Checks index i of size n: the proof, its exact contents, and that every
 * tampering fails. full_flips: every bit of every hash, else one bit per
 * hash. */
static void check_inclusion(uint64_t i, uint64_t n, const merkle_hash root, int full_flips)
{
	struct oracle o = {n, 0, -1};
	merkle_hash *proof = NULL;
	size_t len = 0;
	if (merkle_inclusion_proof(i, n, oracle_fn, &o, &proof, &len) != 0)
		fail_msg("merkle_inclusion_proof(%llu, %llu) failed", (unsigned long long)i,
			 (unsigned long long)n);
	merkle_hash want[64];
	size_t want_len = 0;
	ref_path(i, 0, n, want, &want_len);
	if (len != want_len || (len && memcmp(proof, want, len * 32) != 0))
		fail_msg("PATH(%llu, D[%llu]) differs from RFC 9162 2.1.3.1 (%zu vs %zu hashes)",
			 (unsigned long long)i, (unsigned long long)n, len, want_len);
	assert_int_equal(o.calls, len);
	if (!merkle_verify_inclusion(i, n, leaves[i], (const merkle_hash *)proof, len, root))
		fail_msg("valid inclusion proof of %llu in %llu rejected", (unsigned long long)i,
			 (unsigned long long)n);
	assert_true(ref_verify_inclusion(i, n, leaves[i], (const merkle_hash *)proof, len, root));

	merkle_hash leaf, r;
	merkle_hash *p = malloc((len + 1) * 32);
	assert_non_null(p);
	/* Flipped bits: of each proof hash, the leaf, the root. */
	for (size_t h = 0; h < len; h++) {
		unsigned first = full_flips ? 0 : (unsigned)(rng() % 256);
		unsigned last = full_flips ? 256 : first + 1;
		for (unsigned bit = first; bit < last; bit++) {
			memcpy(p, proof, len * 32);
			flip(p[h], bit);
			if (merkle_verify_inclusion(i, n, leaves[i], (const merkle_hash *)p, len,
						    root))
				fail_msg("inclusion %llu/%llu: proof hash %zu bit %u flipped, "
					 "still accepted",
					 (unsigned long long)i, (unsigned long long)n, h, bit);
		}
	}
	unsigned nbits = full_flips ? 256 : 8;
	for (unsigned k = 0; k < nbits; k++) {
		unsigned bit = full_flips ? k : (unsigned)(rng() % 256);
		memcpy(leaf, leaves[i], 32);
		flip(leaf, bit);
		assert_false(
		    merkle_verify_inclusion(i, n, leaf, (const merkle_hash *)proof, len, root));
		memcpy(r, root, 32);
		flip(r, bit);
		assert_false(
		    merkle_verify_inclusion(i, n, leaves[i], (const merkle_hash *)proof, len, r));
	}
	/* Truncated, extended, empty. */
	if (len > 0) {
		assert_false(merkle_verify_inclusion(i, n, leaves[i], (const merkle_hash *)proof,
						     len - 1, root));
		assert_false(merkle_verify_inclusion(
		    i, n, leaves[i], (const merkle_hash *)proof + 1, len - 1, root));
	}
	if (len > 0)
		memcpy(p, proof, len * 32);
	memcpy(p[len], leaves[0], 32);
	assert_false(
	    merkle_verify_inclusion(i, n, leaves[i], (const merkle_hash *)p, len + 1, root));
	/* Another leaf of the same tree at this index. */
	uint64_t other = (i + 1) % n;
	if (other != i)
		assert_false(merkle_verify_inclusion(i, n, leaves[other],
						     (const merkle_hash *)proof, len, root));
	/* Wrong indexes: a few, and all of them for small trees. */
	for (uint64_t j = 0; j < n + 2; j++) {
		if (j == i || (n > 70 && j != 0 && j != n - 1 && j != i + 1 && j + 1 != i &&
			       j != n && j != n + 1 && j != (i ^ 1)))
			continue;
		if (merkle_verify_inclusion(j, n, leaves[i], (const merkle_hash *)proof, len, root))
			fail_msg("inclusion proof of %llu in %llu accepted at index %llu",
				 (unsigned long long)i, (unsigned long long)n,
				 (unsigned long long)j);
	}
	/* Wrong sizes: detectable exactly when the path's shape differs, so
	 * the library must agree with the reference verifier. */
	uint64_t sizes[] = {n + 1, n + 2, n - 1, n * 2, n / 2, i + 1, 0, UINT64_MAX};
	for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		uint64_t m = sizes[s];
		if (m == n)
			continue;
		int got =
		    merkle_verify_inclusion(i, m, leaves[i], (const merkle_hash *)proof, len, root);
		int ref = m <= MAX_LEAVES * 4
			      ? ref_verify_inclusion(i, m, leaves[i], (const merkle_hash *)proof,
						     len, root)
			      : 0;
		if (got != ref)
			fail_msg("inclusion of %llu proved for size %llu, checked as size %llu: "
				 "library says %d, RFC reference %d",
				 (unsigned long long)i, (unsigned long long)n,
				 (unsigned long long)m, got, ref);
		wrong_size_accepted += (unsigned long)got;
	}
	free(p);
	free(proof);
	inclusion_checked++;
}

static void test_inclusion_proofs(void **state)
{
	(void)state;
	build_reference();
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	unsigned long sampled_sizes = 0;
	for (uint64_t n = 1; n <= MAX_LEAVES; n++) {
		merkle_frontier_append(&f, leaves[n - 1], NULL, NULL);
		merkle_hash root;
		merkle_frontier_root(&f, root);
		if (exhaustive_size(n)) {
			for (uint64_t i = 0; i < n; i++)
				check_inclusion(i, n, root, n <= 8);
		} else if (n % 7 == 0) {
			sampled_sizes++;
			check_inclusion(0, n, root, 0);
			check_inclusion(n - 1, n, root, 0);
			for (int k = 0; k < 6; k++)
				check_inclusion(rng() % n, n, root, 0);
		}
	}
	print_message("inclusion: %lu proofs checked (%lu sampled sizes); %lu wrong-size checks "
		      "accepted, each also accepted by the RFC reference (same path shape)\n",
		      inclusion_checked, sampled_sizes, wrong_size_accepted);
	assert_true(inclusion_checked > 9000);
}

static void test_inclusion_edges(void **state)
{
	(void)state;
	build_reference();
	merkle_hash *proof = NULL;
	size_t len = 99;
	struct oracle o = {8, 0, -1};
	/* index >= size, empty tree. */
	assert_int_equal(merkle_inclusion_proof(8, 8, oracle_fn, &o, &proof, &len), -1);
	assert_int_equal(merkle_inclusion_proof(0, 0, oracle_fn, &o, &proof, &len), -1);
	assert_int_equal(o.calls, 0);
	/* A one-leaf tree: empty proof, the root is the leaf. */
	o.size = 1;
	assert_int_equal(merkle_inclusion_proof(0, 1, oracle_fn, &o, &proof, &len), 0);
	assert_int_equal(len, 0);
	free(proof);
	proof = NULL;
	assert_true(merkle_verify_inclusion(0, 1, leaves[0], NULL, 0, leaves[0]));
	assert_false(merkle_verify_inclusion(0, 1, leaves[0], NULL, 0, leaves[1]));
	assert_false(merkle_verify_inclusion(0, 0, leaves[0], NULL, 0, leaves[0]));
	assert_false(merkle_verify_inclusion(1, 1, leaves[0], NULL, 0, leaves[0]));
	/* An oracle failure at any step fails the proof (and leaks nothing:
	 * ASan's leak check); an oracle that lasts long enough does not. */
	merkle_hash want[64];
	size_t want_len = 0;
	ref_path(517, 0, 1000, want, &want_len);
	assert_true(want_len >= 9);
	for (size_t k = 0; k <= want_len; k++) {
		struct oracle fo = {1000, 0, (int)k};
		proof = NULL;
		int rc = merkle_inclusion_proof(517, 1000, oracle_fn, &fo, &proof, &len);
		if (k < want_len) {
			assert_int_equal(rc, -1);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(len, want_len);
			assert_memory_equal(proof, want, len * 32);
			free(proof);
		}
	}
}

/* ---- consistency ------------------------------------------------------------------ */

static unsigned long consistency_checked, cons_wrong_size_accepted;
static merkle_hash roots_by_size[MAX_LEAVES + 1];

static void check_consistency(uint64_t m, uint64_t n, int flips_all)
{
	const uint8_t *old_root = roots_by_size[m], *new_root = roots_by_size[n];
	struct oracle o = {n, 0, -1};
	merkle_hash *proof = NULL;
	size_t len = 0;
	if (merkle_consistency_proof(m, n, oracle_fn, &o, &proof, &len) != 0)
		fail_msg("merkle_consistency_proof(%llu, %llu) failed", (unsigned long long)m,
			 (unsigned long long)n);
	merkle_hash want[128];
	size_t want_len = 0;
	if (m < n)
		ref_subproof(m, 0, n, 1, want, &want_len);
	if (len != want_len || (len && memcmp(proof, want, len * 32) != 0))
		fail_msg("PROOF(%llu, D[%llu]) differs from RFC 9162 2.1.4.1 (%zu vs %zu hashes)",
			 (unsigned long long)m, (unsigned long long)n, len, want_len);
	if (!merkle_verify_consistency(m, n, old_root, new_root, (const merkle_hash *)proof, len))
		fail_msg("valid consistency proof %llu -> %llu rejected", (unsigned long long)m,
			 (unsigned long long)n);
	assert_true(
	    ref_verify_consistency(m, n, old_root, new_root, (const merkle_hash *)proof, len));

	merkle_hash *p = malloc((len + 1) * 32);
	assert_non_null(p);
	merkle_hash r;
	for (size_t h = 0; h < len; h++) {
		unsigned first = flips_all ? 0 : (unsigned)(rng() % 256);
		unsigned last = flips_all ? 256 : first + 1;
		for (unsigned bit = first; bit < last; bit++) {
			memcpy(p, proof, len * 32);
			flip(p[h], bit);
			if (merkle_verify_consistency(m, n, old_root, new_root,
						      (const merkle_hash *)p, len))
				fail_msg("consistency %llu -> %llu: proof hash %zu bit %u flipped, "
					 "still accepted",
					 (unsigned long long)m, (unsigned long long)n, h, bit);
		}
	}
	unsigned nbits = flips_all ? 256 : 4;
	for (unsigned k = 0; k < nbits; k++) {
		unsigned bit = flips_all ? k : (unsigned)(rng() % 256);
		memcpy(r, old_root, 32);
		flip(r, bit);
		if (merkle_verify_consistency(m, n, r, new_root, (const merkle_hash *)proof, len))
			fail_msg("consistency %llu -> %llu: old root bit %u flipped, accepted",
				 (unsigned long long)m, (unsigned long long)n, bit);
		memcpy(r, new_root, 32);
		flip(r, bit);
		if (merkle_verify_consistency(m, n, old_root, r, (const merkle_hash *)proof, len))
			fail_msg("consistency %llu -> %llu: new root bit %u flipped, accepted",
				 (unsigned long long)m, (unsigned long long)n, bit);
	}
	/* Truncated and extended proofs. */
	if (len > 0) {
		assert_false(merkle_verify_consistency(m, n, old_root, new_root,
						       (const merkle_hash *)proof, len - 1));
		assert_false(merkle_verify_consistency(m, n, old_root, new_root,
						       (const merkle_hash *)proof + 1, len - 1));
	}
	if (len > 0)
		memcpy(p, proof, len * 32);
	memcpy(p[len], leaves[0], 32);
	assert_false(
	    merkle_verify_consistency(m, n, old_root, new_root, (const merkle_hash *)p, len + 1));
	/* Swapped roots (a shrinking log) never pass. */
	if (m != n)
		assert_false(merkle_verify_consistency(m, n, new_root, old_root,
						       (const merkle_hash *)proof, len));
	/* Wrong sizes: the library agrees with the RFC reference. */
	const uint64_t olds[] = {m - 1, m + 1, m, m, m + 1, m - 1};
	const uint64_t news[] = {n, n, n - 1, n + 1, n + 1, n - 1};
	for (size_t s = 0; s < sizeof olds / sizeof olds[0]; s++) {
		if (olds[s] == m && news[s] == n)
			continue;
		if (olds[s] == 0 || olds[s] > MAX_LEAVES * 4 || news[s] > MAX_LEAVES * 4)
			continue;
		int got = merkle_verify_consistency(olds[s], news[s], old_root, new_root,
						    (const merkle_hash *)proof, len);
		int ref = ref_verify_consistency(olds[s], news[s], old_root, new_root,
						 (const merkle_hash *)proof, len);
		if (got != ref)
			fail_msg("consistency proved for %llu -> %llu, checked as %llu -> %llu: "
				 "library says %d, RFC reference %d",
				 (unsigned long long)m, (unsigned long long)n,
				 (unsigned long long)olds[s], (unsigned long long)news[s], got,
				 ref);
		cons_wrong_size_accepted += (unsigned long)got;
	}
	free(p);
	free(proof);
	consistency_checked++;
}

static void fill_roots(void)
{
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	merkle_frontier_root(&f, roots_by_size[0]);
	for (uint64_t n = 1; n <= MAX_LEAVES; n++) {
		merkle_frontier_append(&f, leaves[n - 1], NULL, NULL);
		ref_mth_fast(0, n, roots_by_size[n]);
	}
}

static void test_consistency_proofs(void **state)
{
	(void)state;
	build_reference();
	fill_roots();
	for (uint64_t n = 1; n <= 70; n++)
		for (uint64_t m = 1; m <= n; m++)
			check_consistency(m, n, n <= 8);
	uint64_t special[64];
	size_t ns = 0;
	for (uint64_t p = 2; p <= 1024; p *= 2) {
		special[ns++] = p - 1;
		special[ns++] = p;
		special[ns++] = p + 1;
	}
	for (size_t a = 0; a < ns; a++)
		for (size_t b = 0; b < ns; b++)
			if (special[a] <= special[b] && special[b] > 70)
				check_consistency(special[a], special[b], 0);
	/* A sample of other pairs. */
	for (int k = 0; k < 300; k++) {
		uint64_t n = 1 + rng() % MAX_LEAVES;
		uint64_t m = 1 + rng() % n;
		check_consistency(m, n, 0);
	}
	print_message("consistency: %lu proofs checked; %lu wrong-size checks accepted, each also "
		      "accepted by the RFC reference\n",
		      consistency_checked, cons_wrong_size_accepted);
}

static void test_consistency_edges(void **state)
{
	(void)state;
	build_reference();
	fill_roots();
	merkle_hash *proof = NULL;
	size_t len = 0;
	struct oracle o = {10, 0, -1};
	assert_int_equal(merkle_consistency_proof(0, 10, oracle_fn, &o, &proof, &len), -1);
	assert_int_equal(merkle_consistency_proof(11, 10, oracle_fn, &o, &proof, &len), -1);
	/* m == n: the empty proof, and the roots must be equal. */
	assert_int_equal(merkle_consistency_proof(10, 10, oracle_fn, &o, &proof, &len), 0);
	assert_int_equal(len, 0);
	free(proof);
	assert_true(
	    merkle_verify_consistency(10, 10, roots_by_size[10], roots_by_size[10], NULL, 0));
	assert_false(
	    merkle_verify_consistency(10, 10, roots_by_size[10], roots_by_size[9], NULL, 0));
	assert_false(merkle_verify_consistency(10, 10, roots_by_size[10], roots_by_size[10],
					       (const merkle_hash *)&roots_by_size[1], 1));
	/* Old larger than new never verifies. */
	assert_false(
	    merkle_verify_consistency(11, 10, roots_by_size[11], roots_by_size[10], NULL, 0));
	/* m < n with an empty proof never verifies, not even for a power of
	 * two old size (whose old root is implied). */
	assert_false(
	    merkle_verify_consistency(8, 16, roots_by_size[8], roots_by_size[16], NULL, 0));
	assert_false(
	    merkle_verify_consistency(5, 16, roots_by_size[5], roots_by_size[16], NULL, 0));
	/* An oracle failure at any step fails the proof. */
	merkle_hash want[128];
	size_t want_len = 0;
	ref_subproof(333, 0, 1000, 1, want, &want_len);
	assert_true(want_len >= 2);
	for (size_t k = 0; k <= want_len; k++) {
		struct oracle fo = {1000, 0, (int)k};
		proof = NULL;
		int rc = merkle_consistency_proof(333, 1000, oracle_fn, &fo, &proof, &len);
		if (k < want_len) {
			assert_int_equal(rc, -1);
		} else {
			assert_int_equal(rc, 0);
			assert_int_equal(len, want_len);
			assert_memory_equal(proof, want, len * 32);
			free(proof);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_empty_tree_known_answer),
	    cmocka_unit_test(test_rfc6962_vectors),
	    cmocka_unit_test(test_leaf_and_node_hash),
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_split_top_bit),
	    cmocka_unit_test(test_frontier_root_every_size),
	    cmocka_unit_test(test_frontier_on_node),
	    cmocka_unit_test(test_inclusion_proofs),
	    cmocka_unit_test(test_inclusion_edges),
	    cmocka_unit_test(test_consistency_proofs),
	    cmocka_unit_test(test_consistency_edges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
