/*
 * The server's notion of "now" for rules that depend on time: session
 * expiry, login back-off, record timestamps, deadlines. Normally the wall
 * clock. Tests start assured with --clock-file FILE and then the time is the
 * integer Unix milliseconds in FILE, re-read on every call, so a test can
 * move a live server through 31 minutes of idleness or 12 hours of session
 * life in an instant. Operational timers (uptime, shutdown) use the
 * monotonic clock instead and are unaffected.
 */
#ifndef ASSURE_CLOCK_H
#define ASSURE_CLOCK_H

#include <stdint.h>

/* Call once at start-up, before any thread starts. NULL: the wall clock. */
void clock_use_file(const char *path);
/* Unix milliseconds, UTC. Thread-safe. */
int64_t clock_now_ms(void);
/* Today's civil date where the PCT is (Europe/London, so after midnight
 * in summer time it is already tomorrow though UTC still says today), as
 * a day number since 1970-01-01 (domain_dates.h). Thread-safe. */
int32_t clock_today(void);
/* Call once at start-up: the zone clock_today uses. */
void clock_use_zone(const char *tz);

#endif
