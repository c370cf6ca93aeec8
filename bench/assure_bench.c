/*
 * assure-bench: a load generator for assured. It opens N TLS connections
 * through the client library (common/client.h, the same code the CLI uses),
 * one thread per connection, sends Hello on each, and then keeps up to D
 * requests in flight per connection for T seconds, timing every request from
 * send to response. It prints throughput and latency percentiles.
 *
 * Threads: main parses flags, starts the workers and waits. Each worker owns
 * its struct client and its histogram and shares nothing while it runs;
 * main merges the histograms after joining. All workers connect first and
 * wait at a barrier, so handshakes are not counted in the measured window.
 *
 * Latencies go into a fixed log-linear histogram (128 linear steps per power
 * of two, as in HdrHistogram): memory stays at ~58 KiB per connection however
 * many millions of requests are recorded, and a reported value is within
 * 0.4 % of the true one. The maximum is kept exactly.
 *
 * It connects only to the one server it is told (loopback by default) and
 * stops on time: the run lasts T seconds plus the time to drain the requests
 * still in flight, each bounded by the client's I/O timeout.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "client.h"
#include "status.h"
#include "timeutil.h"
#include "version.h"
#include "xmalloc.h"

#define BENCH_NAME "assure-bench"
#define BENCH_MAX_CONNECTIONS 10000
#define BENCH_MAX_PIPELINE 4096
#define BENCH_MAX_SECONDS 86400.0
/* Worker threads only run the client library and OpenSSL. */
#define BENCH_STACK_SIZE (512u * 1024u)
/* A request that takes longer than this counts as a transport error. */
#define BENCH_IO_TIMEOUT_MS 30000
/* Connection failures printed one by one before the summary line. */
#define BENCH_MAX_REPORTED 5

/* Exit status: the CLI's codes, so scripts read them the same way. */
#define BENCH_EXIT_OK EXIT_CODE_OK
#define BENCH_EXIT_INTERNAL EXIT_CODE_INTERNAL
#define BENCH_EXIT_USAGE EXIT_CODE_USAGE
#define BENCH_EXIT_UNAVAILABLE EXIT_CODE_UNAVAILABLE

/* Status codes 0..16 (proto Code); one more slot for transport errors. */
#define BENCH_CODES 17
#define BENCH_TRANSPORT BENCH_CODES

/* --- histogram -------------------------------------------------------- */

#define HIST_SUB_BITS 7
#define HIST_SUB (1u << HIST_SUB_BITS)
/* Values below HIST_SUB are exact; above, 64 - HIST_SUB_BITS octaves. */
#define HIST_BUCKETS ((64u - HIST_SUB_BITS + 1u) * HIST_SUB)

struct hist {
	uint64_t counts[HIST_BUCKETS];
	uint64_t total;
	uint64_t max;
};

/* The bucket of v: v itself below HIST_SUB, otherwise the octave of v's top
 * bit and the next HIST_SUB_BITS bits below it. Continuous at HIST_SUB. */
static unsigned hist_index(uint64_t v)
{
	unsigned msb, shift;

	if (v < HIST_SUB)
		return (unsigned)v;
	msb = 63u - (unsigned)__builtin_clzll(v);
	shift = msb - HIST_SUB_BITS;
	return (shift + 1u) * HIST_SUB + (unsigned)((v >> shift) - HIST_SUB);
}

/* The middle of bucket i, the value reported for anything recorded in it. */
static uint64_t hist_value(unsigned i)
{
	unsigned shift;
	uint64_t low;

	if (i < HIST_SUB)
		return i;
	shift = i / HIST_SUB - 1u;
	low = (uint64_t)(i % HIST_SUB + HIST_SUB) << shift;
	return low + ((1ull << shift) >> 1);
}

static void hist_record(struct hist *h, uint64_t v)
{
	h->counts[hist_index(v)]++;
	h->total++;
	if (v > h->max)
		h->max = v;
}

static void hist_merge(struct hist *into, const struct hist *from)
{
	unsigned i;

	for (i = 0; i < HIST_BUCKETS; i++)
		into->counts[i] += from->counts[i];
	into->total += from->total;
	if (from->max > into->max)
		into->max = from->max;
}

/* The smallest recorded value v such that at least p % of the values are
 * <= v (nearest rank); 0 for an empty histogram. Never above the maximum. */
static uint64_t hist_percentile(const struct hist *h, double p)
{
	uint64_t rank, seen = 0, v;
	unsigned i;

	if (h->total == 0)
		return 0;
	rank = (uint64_t)ceil(p / 100.0 * (double)h->total);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen >= rank) {
			v = hist_value(i);
			return v < h->max ? v : h->max;
		}
	}
	return h->max;
}

/* --- options ---------------------------------------------------------- */

enum bench_op {
	BENCH_OP_STATUS,
	BENCH_OP_HELLO,
};

struct bench_opts {
	const char *server;
	const char *ca_file;
	long connections;
	double seconds;
	long pipeline;
	enum bench_op op;
	bool json;
};

/* --- shared run state ------------------------------------------------- */

/* One slot per request in flight: its id and when it was sent. */
struct inflight {
	uint64_t id;
	int64_t sent_ns;
};

struct worker {
	pthread_t thread;
	int index;
	const struct bench_opts *opts;
	struct client *client;
	bool connected;
	char *cause; /* why the connection failed or broke; NULL if it did not */
	struct hist hist;
	uint64_t errors[BENCH_CODES + 1];
	struct inflight *slots;
};

/* protobuf-c wants a char *, not a string literal. */
static char bench_client_name[] = BENCH_NAME;
static pthread_barrier_t bench_barrier;
/* Set by main between the two barrier waits; read-only afterwards. */
static int64_t bench_deadline_ns;
static bool bench_abort;
/* Ctrl-C: stop sending, drain, report what was measured. */
static volatile sig_atomic_t bench_interrupted;
static atomic_bool bench_stop;

static void bench_on_sigint(int sig)
{
	(void)sig;
	bench_interrupted = 1;
	atomic_store(&bench_stop, true);
}

static bool bench_time_up(void)
{
	return atomic_load_explicit(&bench_stop, memory_order_relaxed) ||
	       time_mono_ns() >= bench_deadline_ns;
}

/* --- worker ----------------------------------------------------------- */

/* Sends the next request and notes it in a free slot. 0 or -1 with cause. */
static int worker_send(struct worker *w, struct inflight *slot, char **cause)
{
	Assure__Request req = ASSURE__REQUEST__INIT;
	Assure__StatusRequest status = ASSURE__STATUS_REQUEST__INIT;
	Assure__HelloRequest hello = ASSURE__HELLO_REQUEST__INIT;

	switch (w->opts->op) {
	case BENCH_OP_STATUS:
		req.op_case = ASSURE__REQUEST__OP_STATUS;
		req.status = &status;
		break;
	case BENCH_OP_HELLO:
		hello.protocol_version = ASSURE_PROTOCOL_VERSION;
		hello.client_name = bench_client_name;
		req.op_case = ASSURE__REQUEST__OP_HELLO;
		req.hello = &hello;
		break;
	}
	req.id = client_next_id(w->client);
	slot->id = req.id;
	slot->sent_ns = time_mono_ns();
	if (client_send(w->client, &req, cause) != 0) {
		slot->id = 0;
		return -1;
	}
	return 0;
}

/* Keeps the pipeline full until time is up, then drains it. Stops at the
 * first transport error (recorded in w->cause and counted as an error, and
 * every request still in flight with it). */
static void worker_run(struct worker *w)
{
	long depth = w->opts->pipeline, inflight = 0, i;
	Assure__Response *resp;
	int64_t now;
	int code;

	for (i = 0; i < depth && !bench_time_up(); i++) {
		if (worker_send(w, &w->slots[i], &w->cause) != 0)
			goto broken;
		inflight++;
	}
	while (inflight > 0) {
		if (client_recv(w->client, &resp, &w->cause) != 0)
			goto broken;
		now = time_mono_ns();
		for (i = 0; i < depth; i++) {
			if (w->slots[i].id != 0 && w->slots[i].id == resp->id)
				break;
		}
		if (i == depth) {
			/* Not ours: a connection-level error (id 0) or a stray. */
			code = client_status_code(resp);
			w->cause = xasprintf("unexpected response id %" PRIu64 ": %s%s%s", resp->id,
					     status_code_name(code),
					     *client_status_message(resp) ? ": " : "",
					     client_status_message(resp));
			assure__response__free_unpacked(resp, NULL);
			goto broken;
		}
		hist_record(&w->hist, (uint64_t)(now - w->slots[i].sent_ns));
		code = client_status_code(resp);
		if (code != ASSURE__CODE__OK)
			w->errors[code >= 0 && code < BENCH_CODES ? code : ASSURE__CODE__UNKNOWN]++;
		assure__response__free_unpacked(resp, NULL);
		w->slots[i].id = 0;
		inflight--;
		if (!bench_time_up()) {
			if (worker_send(w, &w->slots[i], &w->cause) != 0)
				goto broken;
			inflight++;
		}
	}
	return;
broken:
	w->errors[BENCH_TRANSPORT] += (uint64_t)(inflight > 0 ? inflight : 1);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct client_config cfg = {
	    .server = w->opts->server,
	    .ca_file = w->opts->ca_file,
	    .io_timeout_ms = BENCH_IO_TIMEOUT_MS,
	};

	if (client_connect(&cfg, &w->client, &w->cause) == 0) {
		if (client_hello(w->client, BENCH_NAME, &w->cause) == 0)
			w->connected = true;
	}
	/* First wait: everyone has connected (or failed). Main then decides. */
	pthread_barrier_wait(&bench_barrier);
	/* Second wait: main has set the deadline, or bench_abort. */
	pthread_barrier_wait(&bench_barrier);
	if (w->connected && !bench_abort)
		worker_run(w);
	return NULL;
}

/* --- output ----------------------------------------------------------- */

static double ns_to_us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

/* Writes s as a JSON string body (without quotes). */
static void json_write_string(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
}

struct bench_result {
	uint64_t requests;
	uint64_t errors;
	uint64_t errors_by_code[BENCH_CODES + 1];
	double elapsed_s;
	double rate;
	struct hist *hist;
};

static const char *bench_code_name(int i)
{
	return i == BENCH_TRANSPORT ? "TRANSPORT" : status_code_name(i);
}

static void bench_print_text(const struct bench_opts *o, const struct bench_result *r)
{
	const char *sep = "";
	int i;

	printf("server:        %s (%s, pipeline %ld)\n", o->server,
	       o->op == BENCH_OP_STATUS ? "status" : "hello", o->pipeline);
	printf("connections:   %ld\n", o->connections);
	printf("seconds:       %.2f (asked %.2f%s)\n", r->elapsed_s, o->seconds,
	       bench_interrupted ? ", interrupted" : "");
	printf("requests:      %" PRIu64 "\n", r->requests);
	printf("errors:        %" PRIu64, r->errors);
	if (r->errors > 0) {
		printf(" (");
		for (i = 0; i <= BENCH_CODES; i++) {
			if (r->errors_by_code[i] == 0)
				continue;
			printf("%s%s %" PRIu64, sep, bench_code_name(i), r->errors_by_code[i]);
			sep = ", ";
		}
		printf(")");
	}
	printf("\n");
	printf("requests/s:    %.1f\n", r->rate);
	printf("latency (us):  p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n",
	       ns_to_us(hist_percentile(r->hist, 50.0)), ns_to_us(hist_percentile(r->hist, 90.0)),
	       ns_to_us(hist_percentile(r->hist, 99.0)), ns_to_us(hist_percentile(r->hist, 99.9)),
	       ns_to_us(r->hist->max));
}

static void bench_print_json(const struct bench_opts *o, const struct bench_result *r)
{
	const char *sep = "";
	int i;

	printf("{\"server\":\"");
	json_write_string(stdout, o->server);
	printf("\",\"op\":\"%s\",\"connections\":%ld,\"pipeline\":%ld,\"seconds\":%.3f,"
	       "\"elapsed_s\":%.3f,\"requests\":%" PRIu64 ",\"errors\":%" PRIu64
	       ",\"errors_by_code\":{",
	       o->op == BENCH_OP_STATUS ? "status" : "hello", o->connections, o->pipeline,
	       o->seconds, r->elapsed_s, r->requests, r->errors);
	for (i = 0; i <= BENCH_CODES; i++) {
		if (r->errors_by_code[i] == 0)
			continue;
		printf("%s\"%s\":%" PRIu64, sep, bench_code_name(i), r->errors_by_code[i]);
		sep = ",";
	}
	printf("},\"interrupted\":%s,\"requests_per_s\":%.1f", bench_interrupted ? "true" : "false",
	       r->rate);
	printf(
	    ",\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p99_9_us\":%.1f,\"max_us\":%.1f}\n",
	    ns_to_us(hist_percentile(r->hist, 50.0)), ns_to_us(hist_percentile(r->hist, 90.0)),
	    ns_to_us(hist_percentile(r->hist, 99.0)), ns_to_us(hist_percentile(r->hist, 99.9)),
	    ns_to_us(r->hist->max));
}

/* --- main ------------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: " BENCH_NAME " [--server HOST:PORT] [--ca FILE] [--connections N]\n"
		"                    [--seconds T] [--pipeline D] [--op status|hello] [--json]\n"
		"\n"
		"Opens N TLS connections to assured (one thread each), sends Hello, then\n"
		"keeps D requests in flight per connection for T seconds and prints\n"
		"throughput and latency percentiles in microseconds.\n"
		"\n"
		"  --server HOST:PORT  server to load (default 127.0.0.1:7443)\n"
		"  --ca FILE           CA that signed the server certificate\n"
		"                      (default certs/dev/ca.crt)\n"
		"  --connections N     concurrent connections, 1..%d (default 1)\n"
		"  --seconds T         measured time, may be fractional (default 10)\n"
		"  --pipeline D        requests in flight per connection, 1..%d (default 1)\n"
		"  --op status|hello   request to send (default status)\n"
		"  --json              print one JSON object instead of text\n"
		"\n"
		"Exit status: 0 run completed (error responses are counted in the\n"
		"figures), 2 usage, 9 a connection could not be made or broke during\n"
		"the run (figures are still printed), 1 other failure.\n",
		BENCH_MAX_CONNECTIONS, BENCH_MAX_PIPELINE);
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static int parse_opts(int argc, char **argv, struct bench_opts *o)
{
	static const struct option longopts[] = {
	    {"server", required_argument, NULL, 's'},
	    {"ca", required_argument, NULL, 'a'},
	    {"connections", required_argument, NULL, 'c'},
	    {"seconds", required_argument, NULL, 't'},
	    {"pipeline", required_argument, NULL, 'p'},
	    {"op", required_argument, NULL, 'o'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	char *end;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			o->server = optarg;
			break;
		case 'a':
			o->ca_file = optarg;
			break;
		case 'c':
			if (parse_long(optarg, 1, BENCH_MAX_CONNECTIONS, &o->connections) != 0) {
				fprintf(stderr,
					BENCH_NAME ": --connections must be 1..%d, not %s\n",
					BENCH_MAX_CONNECTIONS, optarg);
				return -1;
			}
			break;
		case 't':
			errno = 0;
			o->seconds = strtod(optarg, &end);
			if (errno != 0 || end == optarg || *end != '\0' || !(o->seconds > 0.0) ||
			    o->seconds > BENCH_MAX_SECONDS) {
				fprintf(stderr,
					BENCH_NAME
					": --seconds must be over 0 and at most %.0f, not %s\n",
					BENCH_MAX_SECONDS, optarg);
				return -1;
			}
			break;
		case 'p':
			if (parse_long(optarg, 1, BENCH_MAX_PIPELINE, &o->pipeline) != 0) {
				fprintf(stderr, BENCH_NAME ": --pipeline must be 1..%d, not %s\n",
					BENCH_MAX_PIPELINE, optarg);
				return -1;
			}
			break;
		case 'o':
			if (strcmp(optarg, "status") == 0)
				o->op = BENCH_OP_STATUS;
			else if (strcmp(optarg, "hello") == 0)
				o->op = BENCH_OP_HELLO;
			else {
				fprintf(stderr,
					BENCH_NAME ": --op must be status or hello, not %s\n",
					optarg);
				return -1;
			}
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(stdout);
			exit(BENCH_EXIT_OK);
		default:
			return -1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, BENCH_NAME ": unexpected argument %s\n", argv[optind]);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct bench_opts opts = {
	    .server = "127.0.0.1:7443",
	    .ca_file = "certs/dev/ca.crt",
	    .connections = 1,
	    .seconds = 10.0,
	    .pipeline = 1,
	    .op = BENCH_OP_STATUS,
	};
	struct bench_result res;
	struct worker *workers;
	struct sigaction sa;
	pthread_attr_t attr;
	sigset_t block, old;
	int64_t start_ns, end_ns;
	long i, n, failed = 0, broken = 0;
	int rc, code, exit_status = BENCH_EXIT_OK;

	if (parse_opts(argc, argv, &opts) != 0) {
		usage(stderr);
		return BENCH_EXIT_USAGE;
	}
	n = opts.connections;

	/* A server that closes mid-write must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	/* Workers never see SIGINT (a blocking read must not be interrupted);
	 * main takes it and asks everyone to stop. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bench_on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);

	workers = xcalloc((size_t)n, sizeof(*workers));
	if ((rc = pthread_barrier_init(&bench_barrier, NULL, (unsigned)n + 1)) != 0) {
		fprintf(stderr, BENCH_NAME ": pthread_barrier_init: %s\n", strerror(rc));
		return BENCH_EXIT_INTERNAL;
	}
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, BENCH_STACK_SIZE);
	for (i = 0; i < n; i++) {
		workers[i].index = (int)i;
		workers[i].opts = &opts;
		workers[i].slots = xcalloc((size_t)opts.pipeline, sizeof(*workers[i].slots));
		rc = pthread_create(&workers[i].thread, &attr, worker_main, &workers[i]);
		if (rc != 0) {
			/* The barrier counts n + 1 waiters: without every thread
			 * running we could never pass it, so this is fatal. */
			fprintf(stderr, BENCH_NAME ": cannot start thread %ld of %ld: %s\n", i + 1,
				n, strerror(rc));
			exit(BENCH_EXIT_INTERNAL);
		}
	}
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	/* Everyone has connected or failed; decide before the clock starts. */
	pthread_barrier_wait(&bench_barrier);
	for (i = 0; i < n; i++) {
		if (workers[i].connected)
			continue;
		/* With hundreds of connections the causes repeat: show a few. */
		if (++failed <= BENCH_MAX_REPORTED)
			fprintf(stderr, BENCH_NAME ": connection %ld: %s\n", i + 1,
				workers[i].cause ? workers[i].cause : "failed");
	}
	if (failed > 0 || bench_interrupted) {
		bench_abort = true;
		if (failed > 0)
			fprintf(stderr, BENCH_NAME ": %ld of %ld connections to %s failed\n",
				failed, n, opts.server);
		else
			fprintf(stderr, BENCH_NAME ": interrupted before the run started\n");
		exit_status = failed > 0 ? BENCH_EXIT_UNAVAILABLE : BENCH_EXIT_INTERNAL;
	}
	start_ns = time_mono_ns();
	bench_deadline_ns = start_ns + (int64_t)(opts.seconds * 1e9);
	pthread_barrier_wait(&bench_barrier);

	for (i = 0; i < n; i++)
		pthread_join(workers[i].thread, NULL);
	end_ns = time_mono_ns();
	pthread_barrier_destroy(&bench_barrier);
	if (bench_abort)
		goto out;

	memset(&res, 0, sizeof(res));
	res.hist = xcalloc(1, sizeof(*res.hist));
	for (i = 0; i < n; i++) {
		hist_merge(res.hist, &workers[i].hist);
		for (code = 0; code <= BENCH_CODES; code++) {
			res.errors_by_code[code] += workers[i].errors[code];
			res.errors += workers[i].errors[code];
		}
		if (workers[i].cause != NULL && ++broken <= BENCH_MAX_REPORTED)
			fprintf(stderr, BENCH_NAME ": connection %ld broke: %s\n", i + 1,
				workers[i].cause);
	}
	/* The figures are still worth printing, but a script must see that
	 * the server went away. */
	if (broken > 0)
		exit_status = BENCH_EXIT_UNAVAILABLE;
	res.requests = res.hist->total;
	res.elapsed_s = (double)(end_ns - start_ns) / 1e9;
	res.rate = res.elapsed_s > 0 ? (double)res.requests / res.elapsed_s : 0.0;
	if (opts.json)
		bench_print_json(&opts, &res);
	else
		bench_print_text(&opts, &res);
	free(res.hist);
out:
	for (i = 0; i < n; i++) {
		client_free(workers[i].client);
		free(workers[i].cause);
		free(workers[i].slots);
	}
	free(workers);
	if (fflush(stdout) != 0 && exit_status == BENCH_EXIT_OK)
		exit_status = BENCH_EXIT_INTERNAL;
	return exit_status;
}
