/*
 * Login throttling. Keyed by account name (known or not: throttling an
 * unknown name the same way tells an attacker nothing) and by client
 * address. Loop thread only.
 *
 * Rules (defaults; see throttle_rules): after `free_failures` consecutive
 * failures a key is delayed for base_delay * 2^(failures - free_failures),
 * capped at max_delay; and no key gets more than `hourly_attempts` failed
 * attempts in any hour (further attempts wait for the hour to pass). A success clears the consecutive count. A delayed key is
 * refused without checking the password, so the right password works again
 * only once the delay has passed.
 */
#ifndef ASSURE_THROTTLE_H
#define ASSURE_THROTTLE_H

#include <stdint.h>

struct throttle_rules {
	unsigned free_failures;
	int64_t base_delay_ms;
	int64_t max_delay_ms;
	unsigned hourly_attempts;
};

struct throttle;

struct throttle *throttle_new(const struct throttle_rules *rules);
void throttle_free(struct throttle *t);
/* 0 if key may attempt now, else the milliseconds until it may. */
int64_t throttle_attempt(struct throttle *t, const char *key, int64_t now_ms);
void throttle_failure(struct throttle *t, const char *key, int64_t now_ms);
void throttle_success(struct throttle *t, const char *key);
/* Whether key is delayed at now_ms (for display: User.throttled). */
int throttle_is_delayed(struct throttle *t, const char *key, int64_t now_ms);
/* Drops entries with nothing to remember (quiet for an hour). */
void throttle_prune(struct throttle *t, int64_t now_ms);
unsigned throttle_size(const struct throttle *t);

#endif
