/*
 * See clock.h. The file is read with one open/read/close per call; only
 * tests use it, and correctness (every thread sees the new time at once)
 * matters more there than speed.
 */
#include "clock.h"

#include <fcntl.h>
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
		log_warn("clock: time is read from %s (test mode; never use in production)", clock_file);
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
