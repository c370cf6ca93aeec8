#ifndef ASSURE_TIMEUTIL_H
#define ASSURE_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

/* Wall clock, Unix milliseconds. */
int64_t time_now_ms(void);
/* Monotonic clock in milliseconds, for timeouts and latencies. */
int64_t time_mono_ms(void);
/* Monotonic clock in nanoseconds, for benchmarks. */
int64_t time_mono_ns(void);
/* "2026-11-23T15:42:07.123Z"; buf must hold 32 bytes. */
void time_format_rfc3339_ms(int64_t unix_ms, char *buf, size_t size);
/* "2026-11-23T15:42:07Z" from Unix seconds. */
void time_format_rfc3339(int64_t unix_s, char *buf, size_t size);

#endif
