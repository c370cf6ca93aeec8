/*
 * What the server remembers about each client address (IP, without the
 * port): how many connections it has open, its bucket of requests before
 * login, and when its refusals were last logged. The connection budget
 * (max-connections-per-address), the pre-login rate limit per address and
 * "refusals are logged once per address per minute" all read this table.
 * Loop thread only.
 *
 * An entry lives while the address has a connection, or has something to
 * remember (a bucket not yet refilled, a refusal logged in the last
 * minute); peers_prune drops the rest. The table is bounded: past
 * PEERS_MAX_ENTRIES new addresses share one overflow entry, so a flood of
 * addresses is limited as a whole instead of growing memory.
 */
#ifndef ASSURE_PEERS_H
#define ASSURE_PEERS_H

#include <stdbool.h>
#include <stdint.h>

#include "rate.h"

#define PEERS_MAX_ENTRIES 65536
#define PEERS_HOST_MAX 48 /* an IPv6 address in text, with room */

struct peer {
	struct peer *next; /* hash chain */
	char host[PEERS_HOST_MAX];
	uint32_t nconns;	    /* open connections from this address */
	uint32_t nrefusing;	    /* of them, accepted only to be told no */
	struct rate_bucket preauth; /* requests before login, all connections */
	int64_t refused_logged_ms;  /* monotonic time of the last refusal log line */
	uint64_t refused_unlogged;  /* refusals since then, not yet logged */
	bool overflow;
};

struct peers;

struct peers *peers_new(void);
void peers_free(struct peers *p);
/* The entry for host, made if needed (or the shared overflow entry when the
 * table is full). Never NULL. */
struct peer *peers_get(struct peers *p, const char *host);
/* Whether a refusal of this address should be logged now (at most one line
 * a minute); otherwise it is counted for the next line. *unlogged is the
 * number of refusals the line should also mention. */
bool peers_should_log_refusal(struct peer *e, int64_t now_ms, uint64_t *unlogged);
/* Drops entries with nothing to remember at now_ms; rate and burst are the
 * pre-login bucket's. Returns how many were dropped. */
unsigned peers_prune(struct peers *p, uint32_t rate, uint32_t burst, int64_t now_ms);
unsigned peers_count(const struct peers *p);

#endif
