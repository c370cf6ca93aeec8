/*
 * Merkle tree arithmetic after RFC 6962 section 2.1 and RFC 9162 section
 * 2.1. Every algorithm is the RFC's, step by step, so it can be read
 * against the text.
 */
#include "merkle.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "xmalloc.h"

void merkle_leaf_hash(const void *data, size_t n, merkle_hash out)
{
	uint8_t *buf = xmalloc(n + 1);
	buf[0] = 0x00;
	if (n)
		memcpy(buf + 1, data, n);
	hash_sha256(buf, n + 1, out);
	free(buf);
}

void merkle_node_hash(const merkle_hash left, const merkle_hash right, merkle_hash out)
{
	uint8_t buf[1 + 2 * MERKLE_HASH_LEN];
	buf[0] = 0x01;
	memcpy(buf + 1, left, MERKLE_HASH_LEN);
	memcpy(buf + 1 + MERKLE_HASH_LEN, right, MERKLE_HASH_LEN);
	hash_sha256(buf, sizeof buf, out);
}

uint64_t merkle_split(uint64_t n)
{
	/* Stop before k << 1 could overflow (n above 2^63). */
	uint64_t k = 1;
	while (k < ((uint64_t)1 << 63) && k << 1 < n)
		k <<= 1;
	return k;
}

void merkle_frontier_init(struct merkle_frontier *f)
{
	memset(f, 0, sizeof *f);
}

void merkle_frontier_append(struct merkle_frontier *f, const merkle_hash leaf,
			    void (*on_node)(void *arg, unsigned level, uint64_t index,
					    const merkle_hash hash),
			    void *arg)
{
	memcpy(f->nodes[f->count++], leaf, MERKLE_HASH_LEN);
	uint64_t size = f->size + 1;
	/* Each trailing 1-bit of the old size is a subtree that now pairs
	 * up with the new right-hand neighbour. */
	unsigned level = 0;
	uint64_t old = f->size;
	while (old & 1) {
		merkle_hash h;
		merkle_node_hash(f->nodes[f->count - 2], f->nodes[f->count - 1], h);
		f->count--;
		memcpy(f->nodes[f->count - 1], h, MERKLE_HASH_LEN);
		level++;
		if (on_node)
			on_node(arg, level, (size - 1) >> level, h);
		old >>= 1;
	}
	f->size = size;
}

void merkle_frontier_root(const struct merkle_frontier *f, merkle_hash out)
{
	if (f->count == 0) {
		hash_sha256("", 0, out);
		return;
	}
	/* The largest subtree is the left child at the top; fold from the
	 * right, smallest first. */
	merkle_hash r;
	memcpy(r, f->nodes[f->count - 1], MERKLE_HASH_LEN);
	for (unsigned i = f->count - 1; i-- > 0;) {
		merkle_hash h;
		merkle_node_hash(f->nodes[i], r, h);
		memcpy(r, h, MERKLE_HASH_LEN);
	}
	memcpy(out, r, MERKLE_HASH_LEN);
}

/* A growable list of hashes for proof building. */
struct hash_list {
	merkle_hash *v;
	size_t n, cap;
};

static void list_push(struct hash_list *l, const merkle_hash h)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	memcpy(l->v[l->n++], h, MERKLE_HASH_LEN);
}

/* PATH(m, D[start:start+n]), appended to l in RFC order (leaf upwards). */
static int path(uint64_t m, uint64_t start, uint64_t n, merkle_subtree_fn fn, void *arg,
		struct hash_list *l)
{
	if (n <= 1)
		return 0;
	uint64_t k = merkle_split(n);
	merkle_hash h;
	if (m < k) {
		if (path(m, start, k, fn, arg, l) < 0 || fn(arg, start + k, start + n, h) < 0)
			return -1;
	} else {
		if (path(m - k, start + k, n - k, fn, arg, l) < 0 ||
		    fn(arg, start, start + k, h) < 0)
			return -1;
	}
	list_push(l, h);
	return 0;
}

/* SUBPROOF(m, D[start:start+n], b). */
static int subproof(uint64_t m, uint64_t start, uint64_t n, int b, merkle_subtree_fn fn, void *arg,
		    struct hash_list *l)
{
	merkle_hash h;
	if (m == n) {
		if (b)
			return 0;
		if (fn(arg, start, start + n, h) < 0)
			return -1;
		list_push(l, h);
		return 0;
	}
	uint64_t k = merkle_split(n);
	if (m <= k) {
		if (subproof(m, start, k, b, fn, arg, l) < 0 ||
		    fn(arg, start + k, start + n, h) < 0)
			return -1;
	} else {
		if (subproof(m - k, start + k, n - k, 0, fn, arg, l) < 0 ||
		    fn(arg, start, start + k, h) < 0)
			return -1;
	}
	list_push(l, h);
	return 0;
}

int merkle_inclusion_proof(uint64_t index, uint64_t size, merkle_subtree_fn fn, void *arg,
			   merkle_hash **out, size_t *n)
{
	struct hash_list l = {0};
	if (index >= size || path(index, 0, size, fn, arg, &l) < 0) {
		free(l.v);
		return -1;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

int merkle_consistency_proof(uint64_t old_size, uint64_t size, merkle_subtree_fn fn, void *arg,
			     merkle_hash **out, size_t *n)
{
	struct hash_list l = {0};
	if (old_size == 0 || old_size > size || subproof(old_size, 0, size, 1, fn, arg, &l) < 0) {
		free(l.v);
		return -1;
	}
	*out = l.v;
	*n = l.n;
	return 0;
}

int merkle_verify_inclusion(uint64_t index, uint64_t size, const merkle_hash leaf,
			    const merkle_hash *proof, size_t n, const merkle_hash root)
{
	if (index >= size)
		return 0;
	uint64_t fn = index, sn = size - 1;
	merkle_hash r;
	memcpy(r, leaf, MERKLE_HASH_LEN);
	for (size_t i = 0; i < n; i++) {
		merkle_hash h;
		if (sn == 0)
			return 0;
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(proof[i], r, h);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			merkle_node_hash(r, proof[i], h);
		}
		memcpy(r, h, MERKLE_HASH_LEN);
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && memcmp(r, root, MERKLE_HASH_LEN) == 0;
}

int merkle_verify_consistency(uint64_t old_size, uint64_t new_size, const merkle_hash old_root,
			      const merkle_hash new_root, const merkle_hash *proof, size_t n)
{
	if (old_size > new_size)
		return 0;
	if (old_size == new_size)
		return n == 0 && memcmp(old_root, new_root, MERKLE_HASH_LEN) == 0;
	if (old_size == 0)
		return n == 0; /* everything extends the empty tree */
	if (n == 0)
		return 0;
	/* Step 2: for a power-of-two old size the old root is the first node. */
	int pow2 = (old_size & (old_size - 1)) == 0;
	size_t total = n + (pow2 ? 1 : 0);
	merkle_hash *path = xmalloc(total * sizeof *path);
	if (pow2) {
		memcpy(path[0], old_root, MERKLE_HASH_LEN);
		memcpy(path + 1, proof, n * sizeof *path);
	} else {
		memcpy(path, proof, n * sizeof *path);
	}
	uint64_t fn = old_size - 1, sn = new_size - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	merkle_hash fr, sr, h;
	memcpy(fr, path[0], MERKLE_HASH_LEN);
	memcpy(sr, path[0], MERKLE_HASH_LEN);
	int ok = 1;
	for (size_t i = 1; i < total; i++) {
		if (sn == 0) {
			ok = 0;
			break;
		}
		if ((fn & 1) || fn == sn) {
			merkle_node_hash(path[i], fr, h);
			memcpy(fr, h, MERKLE_HASH_LEN);
			merkle_node_hash(path[i], sr, h);
			memcpy(sr, h, MERKLE_HASH_LEN);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			merkle_node_hash(sr, path[i], h);
			memcpy(sr, h, MERKLE_HASH_LEN);
		}
		fn >>= 1;
		sn >>= 1;
	}
	free(path);
	return ok && sn == 0 && memcmp(fr, old_root, MERKLE_HASH_LEN) == 0 &&
	       memcmp(sr, new_root, MERKLE_HASH_LEN) == 0;
}
