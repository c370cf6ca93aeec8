/*
 * A token bucket: `rate` tokens a second, at most `burst` saved up. Plain
 * data, no allocation, no clock of its own (the caller passes monotonic
 * milliseconds), so one struct serves a connection, an address or a session
 * and the arithmetic is unit-tested on its own. Tokens are kept in
 * thousandths so that whole-millisecond steps add up exactly.
 */
#ifndef ASSURE_RATE_H
#define ASSURE_RATE_H

#include <stdbool.h>
#include <stdint.h>

struct rate_bucket {
	int64_t milli_tokens; /* tokens × 1000 */
	int64_t at_ms;	      /* when milli_tokens was last brought up to date */
	bool started;
};

/* Takes one token if there is one at now_ms (a new bucket starts full).
 * Returns true when the request may go ahead. */
bool rate_take(struct rate_bucket *b, uint32_t rate, uint32_t burst, int64_t now_ms);
/* Whether the bucket has been refilled to burst by now_ms (nothing to
 * remember: its entry may be dropped). */
bool rate_full(const struct rate_bucket *b, uint32_t rate, uint32_t burst, int64_t now_ms);

#endif
