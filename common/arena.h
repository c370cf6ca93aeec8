/*
 * A bump allocator owning everything one RPC call allocates: the unpacked
 * request, the response messages and their strings. One owner, freed at
 * once, wiped on free so no password or token outlives its call.
 */
#ifndef ASSURE_ARENA_H
#define ASSURE_ARENA_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

struct arena *arena_new(void);
/* Wipes and frees every block; accepts NULL. */
void arena_free(struct arena *a);
/* Zeroed memory living until arena_free. Never NULL. */
void *arena_alloc(struct arena *a, size_t size);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void *arena_memdup(struct arena *a, const void *p, size_t n);
/* A protobuf-c allocator whose frees are no-ops; valid while the arena is. */
ProtobufCAllocator *arena_allocator(struct arena *a);
/* Bytes handed out so far (for limits and tests). */
size_t arena_used(const struct arena *a);

#endif
