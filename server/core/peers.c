/*
 * Per-address state (peers.h): a hash table of struct peer by host string,
 * FNV-1a hashed. Lookups happen once per accepted connection and once per
 * request before login; pruning walks the table from housekeeping.
 */
#include "peers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

#define PEERS_BUCKETS 4096
#define REFUSAL_LOG_INTERVAL_MS 60000

struct peers {
	struct peer *buckets[PEERS_BUCKETS];
	unsigned count;
	struct peer overflow;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

struct peers *peers_new(void)
{
	struct peers *p = xcalloc(1, sizeof *p);
	snprintf(p->overflow.host, sizeof p->overflow.host, "(many addresses)");
	p->overflow.overflow = true;
	return p;
}

void peers_free(struct peers *p)
{
	if (p == NULL)
		return;
	for (size_t i = 0; i < PEERS_BUCKETS; i++) {
		struct peer *e = p->buckets[i];
		while (e) {
			struct peer *next = e->next;
			free(e);
			e = next;
		}
	}
	free(p);
}

struct peer *peers_get(struct peers *p, const char *host)
{
	size_t b = hash(host) % PEERS_BUCKETS;
	for (struct peer *e = p->buckets[b]; e; e = e->next)
		if (strcmp(e->host, host) == 0)
			return e;
	if (p->count >= PEERS_MAX_ENTRIES)
		return &p->overflow;
	struct peer *e = xcalloc(1, sizeof *e);
	snprintf(e->host, sizeof e->host, "%s", host);
	e->next = p->buckets[b];
	p->buckets[b] = e;
	p->count++;
	return e;
}

bool peers_should_log_refusal(struct peer *e, int64_t now_ms, uint64_t *unlogged)
{
	if (e->refused_logged_ms != 0 && now_ms - e->refused_logged_ms < REFUSAL_LOG_INTERVAL_MS) {
		e->refused_unlogged++;
		return false;
	}
	*unlogged = e->refused_unlogged;
	e->refused_unlogged = 0;
	e->refused_logged_ms = now_ms;
	return true;
}

static bool forgettable(const struct peer *e, uint32_t rate, uint32_t burst, int64_t now_ms)
{
	return e->nconns == 0 && rate_full(&e->preauth, rate, burst, now_ms) &&
	       (e->refused_logged_ms == 0 ||
		now_ms - e->refused_logged_ms >= REFUSAL_LOG_INTERVAL_MS);
}

unsigned peers_prune(struct peers *p, uint32_t rate, uint32_t burst, int64_t now_ms)
{
	unsigned dropped = 0;
	for (size_t i = 0; i < PEERS_BUCKETS; i++) {
		struct peer **pp = &p->buckets[i];
		while (*pp) {
			struct peer *e = *pp;
			if (forgettable(e, rate, burst, now_ms)) {
				if (e->refused_unlogged > 0)
					log_warn("conn %s: %llu more connections refused in the "
						 "minute before it went quiet",
						 e->host, (unsigned long long)e->refused_unlogged);
				*pp = e->next;
				free(e);
				p->count--;
				dropped++;
			} else {
				pp = &e->next;
			}
		}
	}
	return dropped;
}

unsigned peers_count(const struct peers *p)
{
	return p->count;
}
