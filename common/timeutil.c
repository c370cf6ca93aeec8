/*
 * Clocks and RFC 3339 formatting. Wall time is for timestamps people read
 * and for session expiry stored in the database; the monotonic clock is for
 * timeouts, so a clock step never expires or extends a connection.
 */
#include "timeutil.h"

#include <stdio.h>
#include <time.h>

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;
	/* Cannot fail for these clock ids on Linux. */
	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t time_now_ms(void)
{
	return clock_ns(CLOCK_REALTIME) / 1000000;
}

int64_t time_mono_ms(void)
{
	return clock_ns(CLOCK_MONOTONIC) / 1000000;
}

int64_t time_mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

/* ms < 0 means "no fraction". Floor division keeps times before 1970 on
 * the right second (-1 ms is 23:59:59.999 the day before, not 00:00:00). */
static void format_utc(int64_t secs, int ms, char *buf, size_t size)
{
	if (size == 0)
		return;
	struct tm tm;
	time_t t = (time_t)secs;
	if ((int64_t)t != secs || gmtime_r(&t, &tm) == NULL) {
		snprintf(buf, size, "(time out of range)");
		return;
	}
	long long year = (long long)tm.tm_year + 1900;
	if (ms >= 0)
		snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", year, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	else
		snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02dZ", year, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

void time_format_rfc3339_ms(int64_t unix_ms, char *buf, size_t size)
{
	int64_t secs = unix_ms / 1000;
	int64_t rem = unix_ms % 1000;
	if (rem < 0) {
		rem += 1000;
		secs -= 1;
	}
	format_utc(secs, (int)rem, buf, size);
}

void time_format_rfc3339(int64_t unix_s, char *buf, size_t size)
{
	format_utc(unix_s, -1, buf, size);
}
