/*
 * Token buckets (rate.h). Refill is computed lazily from the time passed,
 * capped at burst, so an idle bucket costs nothing.
 */
#include "rate.h"

static int64_t level(const struct rate_bucket *b, uint32_t rate, uint32_t burst, int64_t now_ms)
{
	const int64_t cap = (int64_t)burst * 1000;
	if (!b->started)
		return cap;
	int64_t elapsed = now_ms - b->at_ms;
	if (elapsed <= 0)
		return b->milli_tokens;
	/* tokens/s × ms = milli-tokens; elapsed is capped first so the
	 * product cannot overflow however long the bucket slept. */
	int64_t full_after = rate > 0 ? cap / rate + 1 : 0;
	if (rate == 0 || elapsed > full_after)
		return rate == 0 ? b->milli_tokens : cap;
	int64_t t = b->milli_tokens + elapsed * (int64_t)rate;
	return t > cap ? cap : t;
}

bool rate_take(struct rate_bucket *b, uint32_t rate, uint32_t burst, int64_t now_ms)
{
	int64_t t = level(b, rate, burst, now_ms);
	if (!b->started || now_ms > b->at_ms)
		b->at_ms = now_ms;
	b->started = true;
	b->milli_tokens = t;
	if (t < 1000)
		return false;
	b->milli_tokens = t - 1000;
	return true;
}

bool rate_full(const struct rate_bucket *b, uint32_t rate, uint32_t burst, int64_t now_ms)
{
	return level(b, rate, burst, now_ms) >= (int64_t)burst * 1000;
}
