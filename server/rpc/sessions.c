/*
 * A chained hash table of sessions keyed by token hash. The key is already
 * a SHA-256 output, so its first eight bytes are a fine bucket index. The
 * table doubles when it averages more than one session per bucket.
 */
#include "sessions.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

struct session_table {
	struct session **buckets;
	size_t nbuckets; /* a power of two */
	size_t count;
};

static size_t bucket_of(const struct session_table *t, const uint8_t *hash)
{
	uint64_t k;
	memcpy(&k, hash, sizeof k);
	return (size_t)(k & (t->nbuckets - 1));
}

struct session_table *session_table_new(void)
{
	struct session_table *t = xcalloc(1, sizeof *t);
	t->nbuckets = 256;
	t->buckets = xcalloc(t->nbuckets, sizeof *t->buckets);
	return t;
}

void session_free(struct session *s)
{
	if (s == NULL)
		return;
	free(s->username);
	free(s->display_name);
	free(s->role);
	free(s->site);
	free(s->client_addr);
	free(s->cert_subject);
	for (size_t i = 0; i < s->nroles; i++)
		free(s->roles[i]);
	free(s->roles);
	explicit_bzero(s->token_hash, sizeof s->token_hash);
	free(s);
}

void session_table_free(struct session_table *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct session *s = t->buckets[i];
		while (s != NULL) {
			struct session *next = s->next;
			session_free(s);
			s = next;
		}
	}
	free(t->buckets);
	free(t);
}

static void grow(struct session_table *t)
{
	size_t old_n = t->nbuckets;
	struct session **old = t->buckets;
	t->nbuckets *= 2;
	t->buckets = xcalloc(t->nbuckets, sizeof *t->buckets);
	for (size_t i = 0; i < old_n; i++) {
		struct session *s = old[i];
		while (s != NULL) {
			struct session *next = s->next;
			size_t b = bucket_of(t, s->token_hash);
			s->next = t->buckets[b];
			t->buckets[b] = s;
			s = next;
		}
	}
	free(old);
}

void session_table_add(struct session_table *t, struct session *s)
{
	if (t->count + 1 > t->nbuckets)
		grow(t);
	size_t b = bucket_of(t, s->token_hash);
	s->next = t->buckets[b];
	t->buckets[b] = s;
	t->count++;
}

struct session *session_table_find(struct session_table *t, const uint8_t hash[CRYPTO_SHA256_LEN])
{
	for (struct session *s = t->buckets[bucket_of(t, hash)]; s != NULL; s = s->next)
		if (memcmp(s->token_hash, hash, CRYPTO_SHA256_LEN) == 0)
			return s;
	return NULL;
}

enum session_state session_state(const struct session *s, int64_t now_ms, int64_t idle_ms)
{
	if (s == NULL)
		return SESSION_UNKNOWN;
	if (s->revoked)
		return SESSION_REVOKED;
	if (now_ms >= s->expires_at)
		return SESSION_EXPIRED;
	if (now_ms - s->last_seen_at >= idle_ms)
		return SESSION_IDLE_EXPIRED;
	return SESSION_VALID;
}

const char *session_state_message(enum session_state st)
{
	switch (st) {
	case SESSION_VALID:
		return "session valid";
	case SESSION_UNKNOWN:
		return "not logged in";
	case SESSION_REVOKED:
		return "session ended (logged out or revoked); log in again";
	case SESSION_IDLE_EXPIRED:
		return "session expired after inactivity; log in again";
	case SESSION_EXPIRED:
		return "session reached its maximum age; log in again";
	}
	return "not logged in";
}

void session_table_revoke_user(struct session_table *t, int64_t user_id, int64_t keep_id)
{
	for (size_t i = 0; i < t->nbuckets; i++)
		for (struct session *s = t->buckets[i]; s != NULL; s = s->next)
			if (s->user_id == user_id && s->id != keep_id)
				s->revoked = true;
}

size_t session_table_prune(struct session_table *t, int64_t now_ms, int64_t idle_ms)
{
	size_t removed = 0;
	for (size_t i = 0; i < t->nbuckets; i++) {
		struct session **pp = &t->buckets[i];
		while (*pp != NULL) {
			struct session *s = *pp;
			if (session_state(s, now_ms, idle_ms) != SESSION_VALID) {
				*pp = s->next;
				session_free(s);
				t->count--;
				removed++;
			} else {
				pp = &s->next;
			}
		}
	}
	return removed;
}

void session_table_foreach(struct session_table *t, void (*fn)(struct session *, void *), void *arg)
{
	for (size_t i = 0; i < t->nbuckets; i++)
		for (struct session *s = t->buckets[i]; s != NULL; s = s->next)
			fn(s, arg);
}

size_t session_table_count(const struct session_table *t)
{
	return t->count;
}
