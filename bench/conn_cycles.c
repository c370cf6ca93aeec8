/*
 * assure-conn-cycles: the server's memory across cycles of connections
 * (docs/BENCHMARKS.md, "Memory across connection cycles").
 *
 *   assure-conn-cycles --server HOST:PORT --ca FILE --pid PID
 *                      [--cycles N] [--conns N] [--per-source N] [--settle-ms N]
 *
 * Each cycle opens --conns TLS connections (default 2,000) through the
 * client library, says Hello and Status on each, holds them all, closes
 * them all, waits --settle-ms (default 3,000: the server trims its heap a
 * moment after a burst of closes), and prints the server's VmRSS from
 * /proc/PID/status before, at the peak and after. Connections come from
 * 127.0.1.1, 127.0.1.2, ... (--per-source each, default 50) so that the
 * per-address limits need not be lifted; the server needs max-connections
 * above --conns. Loopback only; bounded by --cycles and the client's
 * timeouts.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "assure.pb-c.h"
#include "client.h"
#include "timeutil.h"
#include "version.h"

#define MAX_CONNS 20000

static long rss_kb(long pid)
{
	char path[64], line[256];
	snprintf(path, sizeof path, "/proc/%ld/status", pid);
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return -1;
	long kb = -1;
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int status_call(struct client *c, char **cause)
{
	Assure__Request req = ASSURE__REQUEST__INIT;
	Assure__StatusRequest st = ASSURE__STATUS_REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_STATUS;
	req.status = &st;
	Assure__Response *resp = NULL;
	if (client_call(c, &req, &resp, cause) != 0)
		return -1;
	int code = client_status_code(resp);
	assure__response__free_unpacked(resp, NULL);
	return code == ASSURE__CODE__OK ? 0 : -1;
}

static void usage(FILE *to)
{
	fprintf(to, "usage: assure-conn-cycles --server HOST:PORT --ca FILE --pid PID [--cycles N] "
		    "[--conns N] [--per-source N] [--settle-ms N]\n");
}

static long number(const char *flag, const char *s, long lo, long hi)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "assure-conn-cycles: %s: '%s' is not a number from %ld to %ld\n",
			flag, s, lo, hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	const char *server = NULL, *ca = NULL;
	long pid = 0, cycles = 6, conns = 2000, per_source = 50, settle_ms = 3000;
	static const struct option longopts[] = {{"server", required_argument, NULL, 's'},
						 {"ca", required_argument, NULL, 'a'},
						 {"pid", required_argument, NULL, 'p'},
						 {"cycles", required_argument, NULL, 'c'},
						 {"conns", required_argument, NULL, 'n'},
						 {"per-source", required_argument, NULL, 'e'},
						 {"settle-ms", required_argument, NULL, 'w'},
						 {"help", no_argument, NULL, 'h'},
						 {NULL, 0, NULL, 0}};
	int opt;
	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 's':
			server = optarg;
			break;
		case 'a':
			ca = optarg;
			break;
		case 'p':
			pid = number("--pid", optarg, 1, 1L << 30);
			break;
		case 'c':
			cycles = number("--cycles", optarg, 1, 1000);
			break;
		case 'n':
			conns = number("--conns", optarg, 1, MAX_CONNS);
			break;
		case 'e':
			per_source = number("--per-source", optarg, 1, 10000);
			break;
		case 'w':
			settle_ms = number("--settle-ms", optarg, 0, 600000);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (server == NULL || ca == NULL || pid == 0 || optind != argc) {
		usage(stderr);
		return 2;
	}
	if ((conns + per_source - 1) / per_source > 250) {
		fprintf(stderr, "assure-conn-cycles: --conns / --per-source needs more than 250 "
				"source addresses (127.0.1.1-250)\n");
		return 2;
	}
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)conns + 64) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)conns + 64 ? rl.rlim_max : (rlim_t)conns + 64;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	struct client **held = calloc((size_t)conns, sizeof *held);
	if (held == NULL)
		return 1;
	long start = rss_kb(pid);
	if (start < 0) {
		fprintf(stderr, "assure-conn-cycles: no process %ld\n", pid);
		free(held);
		return 1;
	}
	printf("server pid %ld, RSS at start %.1f MB; %ld cycles of %ld connections\n", pid,
	       start / 1024.0, cycles, conns);
	printf("cycle  before_MB  peak_MB  after_MB  failed  open_ms  close_ms\n");
	int bad = 0;
	for (long cy = 1; cy <= cycles; cy++) {
		long before = rss_kb(pid);
		long failed = 0;
		int64_t t0 = time_mono_ms();
		for (long i = 0; i < conns; i++) {
			char src[32];
			snprintf(src, sizeof src, "127.0.1.%ld", 1 + i / per_source);
			struct client_config cfg = {.server = server,
						    .ca_file = ca,
						    .connect_timeout_ms = 5000,
						    .io_timeout_ms = 10000,
						    .source_addr = src};
			char *cause = NULL;
			held[i] = NULL;
			if (client_connect(&cfg, &held[i], &cause) != 0 ||
			    client_hello(held[i], "assure-conn-cycles", &cause) != 0 ||
			    status_call(held[i], &cause) != 0) {
				if (failed++ == 0)
					fprintf(stderr, "cycle %ld connection %ld: %s\n", cy, i,
						cause ? cause : "not OK");
				client_free(held[i]);
				held[i] = NULL;
			}
			free(cause);
		}
		int64_t t1 = time_mono_ms();
		long peak = rss_kb(pid);
		for (long i = 0; i < conns; i++)
			client_free(held[i]);
		int64_t t2 = time_mono_ms();
		usleep((useconds_t)settle_ms * 1000);
		long after = rss_kb(pid);
		printf("%5ld  %9.1f  %7.1f  %8.1f  %6ld  %7lld  %8lld\n", cy, before / 1024.0,
		       peak / 1024.0, after / 1024.0, failed, (long long)(t1 - t0),
		       (long long)(t2 - t1));
		fflush(stdout);
		if (failed > 0)
			bad = 1;
	}
	long end = rss_kb(pid);
	printf("RSS %.1f MB at start, %.1f MB after the last cycle (%+.1f MB)\n", start / 1024.0,
	       end / 1024.0, (end - start) / 1024.0);
	free(held);
	return bad;
}
