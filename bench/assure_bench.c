/*
 * assure-bench: a load generator for assured. It opens N TLS connections
 * through the client library (common/client.h, the same code the CLI uses),
 * one thread per connection, sends Hello on each (and logs in, for the
 * requests that need a session), and then keeps up to D requests in flight
 * per connection for T seconds, timing every request from send to response.
 * It prints throughput and latency percentiles. --login-burst is the other
 * measurement, in burst.c.
 *
 * Threads: main parses flags, starts the workers and waits. Each worker owns
 * its struct client and its histogram and shares nothing while it runs;
 * main merges the histograms after joining. All workers connect (and log
 * in) first and wait at a barrier, so handshakes and logins are not counted
 * in the measured window.
 *
 * It connects only to the one server it is told (loopback by default) and
 * stops on time: the run lasts T seconds plus the time to drain the requests
 * still in flight, each bounded by the client's I/O timeout.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "bench.h"
#include "client.h"
#include "status.h"
#include "timeutil.h"
#include "version.h"
#include "xmalloc.h"

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
	int fail_exit;	  /* when not connected: the exit status it calls for */
	char *cause;	  /* why the connection failed or broke; NULL if it did not */
	uint64_t changes; /* requests built, to vary the display name or note */
	uint64_t rng;	  /* the concern ops' PRNG state (never 0) */
	uint64_t rows;	  /* rows in the OK responses (bench_response_rows) */
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
volatile sig_atomic_t bench_interrupted;
atomic_bool bench_stop;

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
	Assure__WhoamiRequest whoami = ASSURE__WHOAMI_REQUEST__INIT;
	Assure__UserSetRequest set = ASSURE__USER_SET_REQUEST__INIT;
	struct bench_concern_msgs msgs;
	char name[64];
	uint64_t k;

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
	case BENCH_OP_WHOAMI:
		req.op_case = ASSURE__REQUEST__OP_WHOAMI;
		req.whoami = &whoami;
		break;
	case BENCH_OP_USER_SET:
		/* k is unique across connections (worker i of N uses i, i + N,
		 * ...), so every request is a real change of the name, however
		 * the connections interleave; the A/B alternation makes it
		 * visible in the audit log. */
		k = w->changes++ * (uint64_t)w->opts->connections + (uint64_t)w->index + 1u;
		snprintf(name, sizeof name, "Bench %c %" PRIu64, k % 2 ? 'A' : 'B', k);
		set.username = (char *)w->opts->target;
		set.display_name = name;
		set.version = 0; /* no check: every request applies */
		req.op_case = ASSURE__REQUEST__OP_USER_SET;
		req.user_set = &set;
		break;
	case BENCH_OP_CONCERN_LIST:
	case BENCH_OP_CONCERN_SHOW:
	case BENCH_OP_CONCERN_DUE:
	case BENCH_OP_CONCERN_NOTE:
	case BENCH_OP_PERFORMER_LIST_NAME:
		/* k as for user-set: unique across connections (note texts). */
		k = w->changes++ * (uint64_t)w->opts->connections + (uint64_t)w->index + 1u;
		bench_concern_request(w->opts, k, &w->rng, &msgs, &req);
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
		else
			w->rows += bench_response_rows(resp);
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

	if (bench_open(w->opts, BENCH_IO_TIMEOUT_MS, w->opts->user != NULL, &w->client,
		       &w->fail_exit, &w->cause) == 0)
		w->connected = true;
	/* First wait: everyone has connected (or failed). Main then decides. */
	pthread_barrier_wait(&bench_barrier);
	/* Second wait: main has set the deadline, or bench_abort. */
	pthread_barrier_wait(&bench_barrier);
	if (w->connected && !bench_abort)
		worker_run(w);
	return NULL;
}

/* --- output ----------------------------------------------------------- */

double bench_ns_to_us(uint64_t ns)
{
	return (double)ns / 1000.0;
}

void bench_json_string(FILE *f, const char *s)
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

const char *bench_code_name(int i)
{
	return i == BENCH_TRANSPORT ? "TRANSPORT" : status_code_name(i);
}

void bench_print_codes(const uint64_t counts[BENCH_CODES + 1], bool json)
{
	const char *sep = "";
	bool any = false;
	int i;

	for (i = 0; i <= BENCH_CODES; i++) {
		if (counts[i] == 0)
			continue;
		if (json) {
			printf("%s\"%s\":%" PRIu64, sep, bench_code_name(i), counts[i]);
			sep = ",";
		} else {
			printf("%s%s %" PRIu64, any ? ", " : " (", bench_code_name(i), counts[i]);
		}
		any = true;
	}
	if (any && !json)
		printf(")");
}

static bool bench_op_is_concern(enum bench_op op)
{
	return op == BENCH_OP_CONCERN_LIST || op == BENCH_OP_CONCERN_SHOW ||
	       op == BENCH_OP_CONCERN_DUE || op == BENCH_OP_CONCERN_NOTE ||
	       op == BENCH_OP_PERFORMER_LIST_NAME;
}

static const char *bench_op_name(enum bench_op op)
{
	switch (op) {
	case BENCH_OP_STATUS:
		return "status";
	case BENCH_OP_HELLO:
		return "hello";
	case BENCH_OP_WHOAMI:
		return "whoami";
	case BENCH_OP_USER_SET:
		return "user-set";
	case BENCH_OP_CONCERN_LIST:
		return "concern-list";
	case BENCH_OP_CONCERN_SHOW:
		return "concern-show";
	case BENCH_OP_CONCERN_DUE:
		return "concern-due";
	case BENCH_OP_CONCERN_NOTE:
		return "concern-note";
	case BENCH_OP_PERFORMER_LIST_NAME:
		return "performer-list-name";
	}
	return "?";
}

struct bench_result {
	uint64_t requests;
	uint64_t errors;
	uint64_t errors_by_code[BENCH_CODES + 1];
	uint64_t rows;
	double elapsed_s;
	double rate;
	struct hist *hist;
};

static void bench_print_text(const struct bench_opts *o, const struct bench_result *r)
{
	printf("server:        %s (%s", o->server, bench_op_name(o->op));
	if (o->user != NULL)
		printf(" as %s", o->user);
	if (o->op == BENCH_OP_USER_SET)
		printf(" on %s", o->target);
	if (o->op == BENCH_OP_CONCERN_LIST)
		printf(", filter %s", bench_filter_name(o->filter));
	printf(", pipeline %ld)\n", o->pipeline);
	printf("connections:   %ld\n", o->connections);
	printf("seconds:       %.2f (asked %.2f%s)\n", r->elapsed_s, o->seconds,
	       bench_interrupted ? ", interrupted" : "");
	printf("requests:      %" PRIu64 "\n", r->requests);
	printf("errors:        %" PRIu64, r->errors);
	bench_print_codes(r->errors_by_code, false);
	printf("\n");
	printf("requests/s:    %.1f\n", r->rate);
	if (bench_op_is_concern(o->op) && o->op != BENCH_OP_CONCERN_NOTE)
		printf("rows/response: %.1f\n",
		       r->requests > r->errors ? (double)r->rows / (double)(r->requests - r->errors)
					       : 0.0);
	printf("latency (us):  p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f\n",
	       bench_ns_to_us(hist_percentile(r->hist, 50.0)),
	       bench_ns_to_us(hist_percentile(r->hist, 90.0)),
	       bench_ns_to_us(hist_percentile(r->hist, 99.0)),
	       bench_ns_to_us(hist_percentile(r->hist, 99.9)), bench_ns_to_us(r->hist->max));
}

static void bench_print_json(const struct bench_opts *o, const struct bench_result *r)
{
	printf("{\"server\":\"");
	bench_json_string(stdout, o->server);
	printf("\",\"op\":\"%s\",", bench_op_name(o->op));
	if (o->user != NULL) {
		printf("\"user\":\"");
		bench_json_string(stdout, o->user);
		printf("\",");
	}
	if (o->op == BENCH_OP_USER_SET) {
		printf("\"target\":\"");
		bench_json_string(stdout, o->target);
		printf("\",");
	}
	printf("\"connections\":%ld,\"pipeline\":%ld,\"seconds\":%.3f,"
	       "\"elapsed_s\":%.3f,\"requests\":%" PRIu64 ",\"errors\":%" PRIu64
	       ",\"errors_by_code\":{",
	       o->connections, o->pipeline, o->seconds, r->elapsed_s, r->requests, r->errors);
	bench_print_codes(r->errors_by_code, true);
	printf("},\"interrupted\":%s,\"requests_per_s\":%.1f", bench_interrupted ? "true" : "false",
	       r->rate);
	if (o->op == BENCH_OP_CONCERN_LIST)
		printf(",\"filter\":\"%s\"", bench_filter_name(o->filter));
	if (bench_op_is_concern(o->op) && o->op != BENCH_OP_CONCERN_NOTE)
		printf(",\"rows_per_response\":%.1f",
		       r->requests > r->errors ? (double)r->rows / (double)(r->requests - r->errors)
					       : 0.0);
	printf(",\"p50_us\":%.1f,\"p90_us\":%.1f,\"p99_us\":%.1f,\"p99_9_us\":%.1f,"
	       "\"max_us\":%.1f}\n",
	       bench_ns_to_us(hist_percentile(r->hist, 50.0)),
	       bench_ns_to_us(hist_percentile(r->hist, 90.0)),
	       bench_ns_to_us(hist_percentile(r->hist, 99.0)),
	       bench_ns_to_us(hist_percentile(r->hist, 99.9)), bench_ns_to_us(r->hist->max));
}

/* --- the steady run ----------------------------------------------------- */

/* Runs --op on --connections connections for --seconds, prints the figures
 * and returns the exit status. */
static int bench_steady_run(const struct bench_opts *opts)
{
	struct bench_result res;
	struct worker *workers;
	pthread_attr_t attr;
	sigset_t block, old;
	int64_t start_ns, end_ns;
	long i, n = opts->connections, failed = 0, broken = 0;
	int rc, code, exit_status = BENCH_EXIT_OK;

	workers = xcalloc((size_t)n, sizeof(*workers));
	if ((rc = pthread_barrier_init(&bench_barrier, NULL, (unsigned)n + 1)) != 0) {
		fprintf(stderr, BENCH_NAME ": pthread_barrier_init: %s\n", strerror(rc));
		free(workers);
		return BENCH_EXIT_INTERNAL;
	}
	/* Workers never see SIGINT (a blocking read must not be interrupted);
	 * main takes it and asks everyone to stop. */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, BENCH_STACK_SIZE);
	for (i = 0; i < n; i++) {
		workers[i].index = (int)i;
		workers[i].opts = opts;
		workers[i].rng = ((uint64_t)i + 1u) * 0x9e3779b97f4a7c15ULL | 1u;
		workers[i].slots = xcalloc((size_t)opts->pipeline, sizeof(*workers[i].slots));
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
		/* The first failure decides the exit status: 9 for the
		 * network, the login's own code (3 for a wrong password). */
		if (++failed == 1)
			exit_status = workers[i].fail_exit;
		/* With hundreds of connections the causes repeat: show a few. */
		if (failed <= BENCH_MAX_REPORTED)
			fprintf(stderr, BENCH_NAME ": connection %ld: %s\n", i + 1,
				workers[i].cause ? workers[i].cause : "failed");
	}
	if (failed > 0 || bench_interrupted) {
		bench_abort = true;
		if (failed > 0)
			fprintf(stderr, BENCH_NAME ": %ld of %ld connections to %s failed\n",
				failed, n, opts->server);
		else
			fprintf(stderr, BENCH_NAME ": interrupted before the run started\n");
		if (failed == 0)
			exit_status = BENCH_EXIT_INTERNAL;
	}
	start_ns = time_mono_ns();
	bench_deadline_ns = start_ns + (int64_t)(opts->seconds * 1e9);
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
		res.rows += workers[i].rows;
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
	if (opts->json)
		bench_print_json(opts, &res);
	else
		bench_print_text(opts, &res);
	free(res.hist);
out:
	for (i = 0; i < n; i++) {
		client_free(workers[i].client);
		free(workers[i].cause);
		free(workers[i].slots);
	}
	free(workers);
	return exit_status;
}

/* --- options and main ----------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: " BENCH_NAME " [--server HOST:PORT] [--ca FILE] [--connections N]\n"
	    "                    [--seconds T] [--pipeline D] [--op OP] [--json]\n"
	    "                    [--user NAME --password-file FILE [--role ROLE]]\n"
	    "                    [--target USER] [--refs FILE] [--filter F]\n"
	    "       " BENCH_NAME " --login-burst N --user NAME --password-file FILE\n"
	    "                    [--role ROLE] [--server HOST:PORT] [--ca FILE] [--json]\n"
	    "\n"
	    "Opens N TLS connections to assured (one thread each), sends Hello (and\n"
	    "logs in, for whoami and user-set), then keeps D requests in flight per\n"
	    "connection for T seconds and prints throughput and latency percentiles\n"
	    "in microseconds.\n"
	    "\n"
	    "  --server HOST:PORT  server to load (default 127.0.0.1:7443)\n"
	    "  --ca FILE           CA that signed the server certificate\n"
	    "                      (default certs/dev/ca.crt)\n"
	    "  --connections N     concurrent connections, 1..%d (default 1)\n"
	    "  --seconds T         measured time, may be fractional (default 10)\n"
	    "  --pipeline D        requests in flight per connection, 1..%d (default 1)\n"
	    "  --op OP             request to send (default status):\n"
	    "                        status, hello   no login\n"
	    "                        whoami          a read that needs a session\n"
	    "                        user-set        UserSet on --target, the display name\n"
	    "                                        alternating \"Bench A <n>\"/\"Bench B <n>\"\n"
	    "                                        (a write, audited; needs an admin)\n"
	    "                        concern-list    ConcernList, page_size 50, filter --filter\n"
	    "                        concern-show    ConcernShow of a random reference\n"
	    "                        concern-due     ConcernDue within 14d\n"
	    "                        concern-note    ConcernNote on a random open concern\n"
	    "                                        (a write, audited)\n"
	    "                        performer-list-name  PerformerList, a name substring\n"
	    "                                        (4 letters of a seeded surname)\n"
	    "                      the concern ops need a case manager or PAG member login\n"
	    "                      and a database seeded by assure-seed\n"
	    "  --user NAME         log in as NAME on each connection (whoami, user-set)\n"
	    "  --password-file F   the password: F's first line; F must not be readable\n"
	    "                      by group or others\n"
	    "  --role ROLE         the role to act in, when NAME holds several\n"
	    "  --target USER       the user that user-set changes\n"
	    "  --refs FILE         assure-seed --refs-out's file: performer ids and\n"
	    "                      references (concern-list, concern-show, concern-note)\n"
	    "  --filter F          concern-list's filter: state, band, performer, mine,\n"
	    "                      overdue, or rotate (each in turn; the default)\n"
	    "  --login-burst N     instead of a steady run: N connections (1..%d) send\n"
	    "                      one LoginRequest each at the same moment while one more\n"
	    "                      connection sends Status every 1 ms; prints login\n"
	    "                      outcomes, logins/s, login latency and the Status\n"
	    "                      latency during the burst\n"
	    "  --json              print one JSON object instead of text\n"
	    "\n"
	    "Exit status: 0 run completed (error responses, failed logins of a burst\n"
	    "included, are counted in the figures), 2 usage, 9 a connection could\n"
	    "not be made or broke during the run (figures are still printed), 3\n"
	    "(or the CLI's code for the status) a connection's login was refused,\n"
	    "1 other failure.\n",
	    BENCH_MAX_CONNECTIONS, BENCH_MAX_PIPELINE, BENCH_MAX_BURST);
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

/* Which of the flags that do not mix with --login-burst were given. */
enum {
	GIVEN_CONNECTIONS = 1 << 0,
	GIVEN_SECONDS = 1 << 1,
	GIVEN_PIPELINE = 1 << 2,
	GIVEN_OP = 1 << 3,
	GIVEN_TARGET = 1 << 4,
	GIVEN_REFS = 1 << 5,
	GIVEN_FILTER = 1 << 6,
};

/* Checks the flags against each other once all are read. 0 or -1. */
static int check_opts(const struct bench_opts *o, unsigned given)
{
	static const char *const names[] = {"--connections", "--seconds", "--pipeline", "--op",
					    "--target",	     "--refs",	  "--filter"};
	bool needs_login = o->login_burst > 0 || o->op == BENCH_OP_WHOAMI ||
			   o->op == BENCH_OP_USER_SET || bench_op_is_concern(o->op);
	bool needs_refs = o->op == BENCH_OP_CONCERN_LIST || o->op == BENCH_OP_CONCERN_SHOW ||
			  o->op == BENCH_OP_CONCERN_NOTE;
	const char *what = o->login_burst > 0 ? "--login-burst" : bench_op_name(o->op);
	unsigned i;

	if (o->login_burst > 0) {
		for (i = 0; i < sizeof names / sizeof names[0]; i++) {
			if (given & (1u << i)) {
				fprintf(stderr, BENCH_NAME ": %s does not go with --login-burst\n",
					names[i]);
				return -1;
			}
		}
	}
	if (needs_login && (o->user == NULL || o->password_file == NULL)) {
		fprintf(stderr, BENCH_NAME ": %s%s needs --user and --password-file\n",
			o->login_burst > 0 ? "" : "--op ", what);
		return -1;
	}
	if (!needs_login && (o->user != NULL || o->password_file != NULL || o->role[0])) {
		fprintf(stderr,
			BENCH_NAME ": --user, --password-file and --role go with --op whoami, "
				   "--op user-set, the concern ops or --login-burst\n");
		return -1;
	}
	if (o->login_burst == 0 && needs_refs && o->refs_file == NULL) {
		fprintf(stderr, BENCH_NAME ": --op %s needs --refs FILE (assure-seed --refs-out)\n",
			what);
		return -1;
	}
	if (o->login_burst == 0 && !needs_refs && (given & GIVEN_REFS)) {
		fprintf(stderr, BENCH_NAME ": --refs goes with --op concern-list, concern-show or "
					   "concern-note\n");
		return -1;
	}
	if (o->login_burst == 0 && o->op != BENCH_OP_CONCERN_LIST && (given & GIVEN_FILTER)) {
		fprintf(stderr, BENCH_NAME ": --filter goes with --op concern-list\n");
		return -1;
	}
	if (o->op == BENCH_OP_USER_SET && o->target == NULL) {
		fprintf(stderr, BENCH_NAME ": --op user-set needs --target USER\n");
		return -1;
	}
	if (o->op != BENCH_OP_USER_SET && o->target != NULL && o->login_burst == 0) {
		fprintf(stderr, BENCH_NAME ": --target goes with --op user-set\n");
		return -1;
	}
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
	    {"user", required_argument, NULL, 'u'},
	    {"password-file", required_argument, NULL, 'P'},
	    {"role", required_argument, NULL, 'r'},
	    {"target", required_argument, NULL, 'T'},
	    {"refs", required_argument, NULL, 'R'},
	    {"filter", required_argument, NULL, 'F'},
	    {"login-burst", required_argument, NULL, 'b'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	unsigned given = 0;
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
			given |= GIVEN_CONNECTIONS;
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
			given |= GIVEN_SECONDS;
			break;
		case 'p':
			if (parse_long(optarg, 1, BENCH_MAX_PIPELINE, &o->pipeline) != 0) {
				fprintf(stderr, BENCH_NAME ": --pipeline must be 1..%d, not %s\n",
					BENCH_MAX_PIPELINE, optarg);
				return -1;
			}
			given |= GIVEN_PIPELINE;
			break;
		case 'o':
			if (strcmp(optarg, "status") == 0)
				o->op = BENCH_OP_STATUS;
			else if (strcmp(optarg, "hello") == 0)
				o->op = BENCH_OP_HELLO;
			else if (strcmp(optarg, "whoami") == 0)
				o->op = BENCH_OP_WHOAMI;
			else if (strcmp(optarg, "user-set") == 0)
				o->op = BENCH_OP_USER_SET;
			else if (strcmp(optarg, "concern-list") == 0)
				o->op = BENCH_OP_CONCERN_LIST;
			else if (strcmp(optarg, "concern-show") == 0)
				o->op = BENCH_OP_CONCERN_SHOW;
			else if (strcmp(optarg, "concern-due") == 0)
				o->op = BENCH_OP_CONCERN_DUE;
			else if (strcmp(optarg, "concern-note") == 0)
				o->op = BENCH_OP_CONCERN_NOTE;
			else if (strcmp(optarg, "performer-list-name") == 0)
				o->op = BENCH_OP_PERFORMER_LIST_NAME;
			else {
				fprintf(stderr,
					BENCH_NAME ": --op must be status, hello, whoami, "
						   "user-set, concern-list, concern-show, "
						   "concern-due, concern-note or "
						   "performer-list-name, not %s\n",
					optarg);
				return -1;
			}
			given |= GIVEN_OP;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'P':
			o->password_file = optarg;
			break;
		case 'r':
			o->role = optarg;
			break;
		case 'T':
			o->target = optarg;
			given |= GIVEN_TARGET;
			break;
		case 'R':
			o->refs_file = optarg;
			given |= GIVEN_REFS;
			break;
		case 'F':
			if (bench_filter_parse(optarg, &o->filter) != 0) {
				fprintf(stderr,
					BENCH_NAME ": --filter must be state, band, performer, "
						   "mine, overdue or rotate, not %s\n",
					optarg);
				return -1;
			}
			given |= GIVEN_FILTER;
			break;
		case 'b':
			if (parse_long(optarg, 1, BENCH_MAX_BURST, &o->login_burst) != 0) {
				fprintf(stderr,
					BENCH_NAME ": --login-burst must be 1..%d, not %s\n",
					BENCH_MAX_BURST, optarg);
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
	return check_opts(o, given);
}

int main(int argc, char **argv)
{
	static char password[BENCH_PASSWORD_MAX];
	struct bench_opts opts = {
	    .server = "127.0.0.1:7443",
	    .ca_file = "certs/dev/ca.crt",
	    .connections = 1,
	    .seconds = 10.0,
	    .pipeline = 1,
	    .op = BENCH_OP_STATUS,
	    .role = "",
	};
	struct sigaction sa;
	char *cause = NULL;
	int exit_status;

	if (parse_opts(argc, argv, &opts) != 0) {
		usage(stderr);
		return BENCH_EXIT_USAGE;
	}
	if (opts.password_file != NULL) {
		/* Before any connection: a bad file costs no server work. */
		if (bench_password_read(opts.password_file, password, sizeof password, &cause) !=
		    0) {
			fprintf(stderr, BENCH_NAME ": %s\n", cause);
			free(cause);
			return BENCH_EXIT_USAGE;
		}
		opts.password = password;
	}
	if (opts.refs_file != NULL && bench_refs_load(opts.refs_file, &cause) != 0) {
		fprintf(stderr, BENCH_NAME ": %s\n", cause);
		free(cause);
		explicit_bzero(password, sizeof password);
		return BENCH_EXIT_USAGE;
	}

	/* A server that closes mid-write must not kill us with SIGPIPE. */
	signal(SIGPIPE, SIG_IGN);
	/* Ctrl-C: the runs block it in their threads; main takes it. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bench_on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);

	if (opts.login_burst > 0)
		exit_status = bench_burst_run(&opts);
	else
		exit_status = bench_steady_run(&opts);
	explicit_bzero(password, sizeof password);
	bench_refs_free();
	if (fflush(stdout) != 0 && exit_status == BENCH_EXIT_OK)
		exit_status = BENCH_EXIT_INTERNAL;
	return exit_status;
}
