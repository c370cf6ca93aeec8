/*
 * RFC 6962 / RFC 9162 Merkle trees over the audit log: leaf and node
 * hashes, an incremental "frontier" (the roots of the perfect subtrees
 * that make up a tree of any size: O(log n) per append, O(log n) to get
 * the root), proof generation over a subtree-hash oracle, and proof
 * verification. Pure code: the server stores the nodes, clients keep a
 * frontier in their state file.
 */
#ifndef ASSURE_MERKLE_H
#define ASSURE_MERKLE_H

#include <stddef.h>
#include <stdint.h>

#define MERKLE_HASH_LEN 32
#define MERKLE_MAX_LEVELS 64

typedef uint8_t merkle_hash[MERKLE_HASH_LEN];

/* SHA-256(0x00 || data). */
void merkle_leaf_hash(const void *data, size_t n, merkle_hash out);
/* SHA-256(0x01 || left || right). */
void merkle_node_hash(const merkle_hash left, const merkle_hash right, merkle_hash out);

struct merkle_frontier {
	uint64_t size;
	/* nodes[i] is the root of the i-th perfect subtree, largest first;
	 * there is one per set bit of size. */
	merkle_hash nodes[MERKLE_MAX_LEVELS];
	unsigned count;
};

void merkle_frontier_init(struct merkle_frontier *f);
/* Appends a leaf hash. For every perfect subtree the append completes
 * (level >= 1: 2^level leaves, index = first leaf >> level), on_node is
 * called if not NULL, so a store can keep every node for proofs. */
void merkle_frontier_append(struct merkle_frontier *f, const merkle_hash leaf,
			    void (*on_node)(void *arg, unsigned level, uint64_t index,
					    const merkle_hash hash),
			    void *arg);
/* The tree's root (RFC 6962 MTH); SHA-256 of nothing for an empty tree. */
void merkle_frontier_root(const struct merkle_frontier *f, merkle_hash out);

/* MTH(D[start:end]) for a proof: returns 0, or -1 if it cannot be had. */
typedef int (*merkle_subtree_fn)(void *arg, uint64_t start, uint64_t end, merkle_hash out);

/* RFC 9162 2.1.3.1 PATH(index, D[0:size]). *out is a new array of *n hashes
 * (caller frees). 0, or -1 if index >= size or the oracle failed. */
int merkle_inclusion_proof(uint64_t index, uint64_t size, merkle_subtree_fn fn, void *arg,
			   merkle_hash **out, size_t *n);
/* RFC 9162 2.1.4.1 PROOF(old_size, D[0:size]). 0 < old_size <= size. */
int merkle_consistency_proof(uint64_t old_size, uint64_t size, merkle_subtree_fn fn, void *arg,
			     merkle_hash **out, size_t *n);

/* RFC 9162 2.1.3.2. 1 if leaf is at index in the tree of size with root. */
int merkle_verify_inclusion(uint64_t index, uint64_t size, const merkle_hash leaf,
			    const merkle_hash *proof, size_t n, const merkle_hash root);
/* RFC 9162 2.1.4.2. 1 if the tree of new_size with new_root extends the
 * one of old_size with old_root. */
int merkle_verify_consistency(uint64_t old_size, uint64_t new_size, const merkle_hash old_root,
			      const merkle_hash new_root, const merkle_hash *proof, size_t n);

/* Largest power of two strictly less than n (n >= 2). */
uint64_t merkle_split(uint64_t n);

#endif
