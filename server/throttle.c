/*
 * Throttle state: a small hash table of keys with their consecutive
 * failures, the time the delay ends, and a one-hour attempt window. Entries
 * are pruned when they have been quiet for an hour; the table is bounded by
 * THROTTLE_MAX_KEYS so a flood of made-up names cannot grow it without end
 * (when full, new keys share one overflow entry, which throttles the flood
 * as a whole rather than letting it through).
 */
#include "throttle.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define THROTTLE_BUCKETS 4096
#define THROTTLE_MAX_KEYS 200000
#define HOUR_MS (3600 * 1000LL)

struct entry {
	struct entry *next;
	char *key;
	unsigned failures;
	int64_t delayed_until;
	int64_t window_start;
	unsigned window_attempts;
	int64_t last_seen;
};

struct throttle {
	struct throttle_rules rules;
	struct entry *buckets[THROTTLE_BUCKETS];
	unsigned count;
	struct entry overflow;
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

struct throttle *throttle_new(const struct throttle_rules *rules)
{
	struct throttle *t = xcalloc(1, sizeof *t);
	t->rules = *rules;
	t->overflow.key = (char *)"(overflow)";
	return t;
}

void throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < THROTTLE_BUCKETS; i++) {
		struct entry *e = t->buckets[i];
		while (e) {
			struct entry *next = e->next;
			free(e->key);
			free(e);
			e = next;
		}
	}
	free(t);
}

static struct entry *find(struct throttle *t, const char *key, int create)
{
	size_t b = hash(key) % THROTTLE_BUCKETS;
	for (struct entry *e = t->buckets[b]; e; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	if (!create)
		return NULL;
	if (t->count >= THROTTLE_MAX_KEYS)
		return &t->overflow;
	struct entry *e = xcalloc(1, sizeof *e);
	e->key = xstrdup(key);
	e->next = t->buckets[b];
	t->buckets[b] = e;
	t->count++;
	return e;
}

int64_t throttle_attempt(struct throttle *t, const char *key, int64_t now_ms)
{
	struct entry *e = find(t, key, 1);
	e->last_seen = now_ms;
	if (now_ms < e->delayed_until)
		return e->delayed_until - now_ms;
	if (now_ms - e->window_start >= HOUR_MS) {
		e->window_start = now_ms;
		e->window_attempts = 0;
	}
	if (e->window_attempts >= t->rules.hourly_attempts)
		return e->window_start + HOUR_MS - now_ms;
	return 0;
}

void throttle_failure(struct throttle *t, const char *key, int64_t now_ms)
{
	struct entry *e = find(t, key, 1);
	e->last_seen = now_ms;
	e->failures++;
	/* The hourly cap counts failed guesses: a user who logs in often
	 * (or a service account that re-logs in) is never locked out by it. */
	if (now_ms - e->window_start >= HOUR_MS) {
		e->window_start = now_ms;
		e->window_attempts = 0;
	}
	e->window_attempts++;
	if (e->failures >= t->rules.free_failures) {
		unsigned shift = e->failures - t->rules.free_failures;
		int64_t delay = t->rules.max_delay_ms;
		if (shift < 40) {
			int64_t d = t->rules.base_delay_ms << shift;
			if (d < delay)
				delay = d;
		}
		e->delayed_until = now_ms + delay;
	}
}

void throttle_success(struct throttle *t, const char *key)
{
	struct entry *e = find(t, key, 0);
	if (e) {
		e->failures = 0;
		e->delayed_until = 0;
	}
}

int throttle_is_delayed(struct throttle *t, const char *key, int64_t now_ms)
{
	struct entry *e = find(t, key, 0);
	return e != NULL && now_ms < e->delayed_until;
}

void throttle_prune(struct throttle *t, int64_t now_ms)
{
	for (size_t i = 0; i < THROTTLE_BUCKETS; i++) {
		struct entry **pp = &t->buckets[i];
		while (*pp) {
			struct entry *e = *pp;
			if (now_ms - e->last_seen >= HOUR_MS && now_ms >= e->delayed_until) {
				*pp = e->next;
				free(e->key);
				free(e);
				t->count--;
			} else {
				pp = &e->next;
			}
		}
	}
}

unsigned throttle_size(const struct throttle *t)
{
	return t->count;
}
