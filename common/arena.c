/*
 * Bump arena. Blocks grow geometrically; a request larger than a block gets
 * a block of its own. Not thread-safe: an arena belongs to one call, and a
 * call is on one thread at a time (the loop, a worker or the writer).
 */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define ARENA_FIRST_BLOCK 2048

struct arena_block {
	struct arena_block *next;
	size_t size;
	size_t used;
	/* Data follows, aligned for any type. */
	max_align_t data[];
};

struct arena {
	struct arena_block *head;
	size_t total;
	ProtobufCAllocator pb;
};

static void *pb_alloc(void *ud, size_t size)
{
	return arena_alloc(ud, size);
}

static void pb_free(void *ud, void *p)
{
	(void)ud;
	(void)p;
}

struct arena *arena_new(void)
{
	struct arena *a = xcalloc(1, sizeof *a);
	a->pb.alloc = pb_alloc;
	a->pb.free = pb_free;
	a->pb.allocator_data = a;
	return a;
}

void arena_free(struct arena *a)
{
	if (a == NULL)
		return;
	struct arena_block *b = a->head;
	while (b != NULL) {
		struct arena_block *next = b->next;
		freezero(b, sizeof *b + b->size);
		b = next;
	}
	free(a);
}

void *arena_alloc(struct arena *a, size_t size)
{
	const size_t align = sizeof(max_align_t);
	/* Rounding up, or adding the block header, must not wrap into a small
	 * allocation the caller would then write past. */
	if (size > SIZE_MAX / 2) {
		fprintf(stderr, "FATAL arena: allocation of %zu bytes is impossible\n", size);
		abort();
	}
	size = (size + align - 1) & ~(align - 1);
	if (size == 0)
		size = align;
	struct arena_block *b = a->head;
	if (b == NULL || b->size - b->used < size) {
		size_t bsize = b ? b->size * 2 : ARENA_FIRST_BLOCK;
		if (bsize > 1024 * 1024)
			bsize = 1024 * 1024;
		if (bsize < size)
			bsize = size;
		struct arena_block *nb = xmalloc(sizeof *nb + bsize);
		nb->size = bsize;
		nb->used = 0;
		/* Keep the partly used block in front when the new one is a
		 * one-off for a large request, so its tail stays usable. */
		if (b != NULL && bsize == size) {
			nb->next = b->next;
			b->next = nb;
			nb->used = size;
			a->total += size;
			void *p = nb->data;
			memset(p, 0, size);
			return p;
		}
		nb->next = b;
		a->head = nb;
		b = nb;
	}
	void *p = (char *)b->data + b->used;
	b->used += size;
	a->total += size;
	memset(p, 0, size);
	return p;
}

void *arena_memdup(struct arena *a, const void *p, size_t n)
{
	void *q = arena_alloc(a, n ? n : 1);
	if (n)
		memcpy(q, p, n);
	return q;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = arena_alloc(a, len + 1);
	memcpy(p, s, len);
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, ap2;
	va_start(ap, fmt);
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap2);
	va_end(ap2);
	return p;
}

ProtobufCAllocator *arena_allocator(struct arena *a)
{
	return &a->pb;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}
