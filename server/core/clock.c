/*
 * See clock.h. The file is read with one open/read/close per call; only
 * tests use it, and correctness (every thread sees the new time at once)
 * matters more there than speed.
 */
#include "clock.h"

#include <fcntl.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "timeutil.h"
#include "xmalloc.h"

static char *clock_file;

void clock_use_file(const char *path)
{
	free(clock_file);
	clock_file = path ? xstrdup(path) : NULL;
	if (clock_file)
		log_warn("clock: time is read from %s (test mode; never use in production)",
			 clock_file);
}

int64_t clock_now_ms(void)
{
	if (clock_file == NULL)
		return time_now_ms();
	char buf[32];
	int fd = open(clock_file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return time_now_ms();
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return time_now_ms();
	buf[n] = '\0';
	char *end;
	long long v = strtoll(buf, &end, 10);
	if (end == buf)
		return time_now_ms();
	return (int64_t)v;
}

void clock_use_zone(const char *tz)
{
	/* localtime_r reads TZ; set it once, before threads start. */
	setenv("TZ", tz, 1);
	tzset();
}

int32_t clock_today(void)
{
	int64_t ms = clock_now_ms();
	time_t t = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;
	if (localtime_r(&t, &tm) == NULL)
		gmtime_r(&t, &tm);
	/* Days from civil (Howard Hinnant's algorithm). */
	int y = tm.tm_year + 1900;
	unsigned m = (unsigned)tm.tm_mon + 1, d = (unsigned)tm.tm_mday;
	y -= m <= 2;
	int era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (int32_t)(era * 146097 + (int)doe - 719468);
}
