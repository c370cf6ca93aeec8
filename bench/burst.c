/*
 * The login burst: how the server copes when N people log in at the same
 * moment. N threads each open a connection and send Hello, wait at a
 * barrier, and then all send one LoginRequest at once; each argon2id hash
 * runs on a server worker thread. Meanwhile one more connection, the
 * probe, sends a StatusRequest every millisecond (one in flight at a time)
 * from just before the burst until every login is answered, timing each
 * round trip: the server's single loop thread answers Status itself, so
 * the probe's latencies show whether the loop stays responsive while the
 * workers hash.
 *
 * Threads: main reads options, opens the probe connection, starts the
 * login threads and waits with them at the barrier. Once all have
 * connected it starts the probe thread, waits for the probe's first answer
 * (a baseline taken before any login is sent) and releases the barrier.
 * Each login thread owns its connection and writes only its own struct
 * login_thread; the probe owns its connection and histogram. The one shared
 * variable is burst_remaining, the logins not yet answered, which the probe
 * reads to know when to stop. Main reads the rest after joining.
 *
 * Bounded: every call is bounded by the client's I/O timeout
 * (BENCH_BURST_IO_TIMEOUT_MS: a login may wait behind all the others).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assure.pb-c.h"
#include "bench.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The probe's period. */
#define BURST_PROBE_INTERVAL_NS 1000000

struct login_thread {
	pthread_t thread;
	const struct bench_opts *opts;
	struct client *client;
	bool connected;
	bool answered; /* a response came back, with status code */
	int code;
	int64_t sent_ns, done_ns;
	char *cause; /* why the connection failed or broke; NULL if it did not */
};

struct probe {
	pthread_t thread;
	struct client *client;
	struct hist hist;
	uint64_t errors[BENCH_CODES + 1];
	char *cause;
	/* Set once the first answer is in (or the probe broke). */
	atomic_bool primed;
};

static pthread_barrier_t burst_barrier;
/* Set by main between the two barrier waits; read-only afterwards. */
static bool burst_abort;
/* Logins sent and not yet answered (or failed). */
static atomic_long burst_remaining;

static void *login_main(void *arg)
{
	struct login_thread *t = arg;
	Assure__Request req = ASSURE__REQUEST__INIT;
	Assure__LoginRequest login;
	Assure__Response *resp = NULL;
	int exit_code;

	if (bench_open(t->opts, BENCH_BURST_IO_TIMEOUT_MS, false, &t->client, &exit_code,
		       &t->cause) == 0)
		t->connected = true;
	/* First wait: everyone has connected (or failed). Main then decides. */
	pthread_barrier_wait(&burst_barrier);
	/* Second wait: the probe runs and main has set burst_abort. */
	pthread_barrier_wait(&burst_barrier);
	if (!t->connected || burst_abort)
		return NULL;
	bench_login_request(t->opts, &login);
	req.op_case = ASSURE__REQUEST__OP_LOGIN;
	req.login = &login;
	t->sent_ns = time_mono_ns();
	if (client_call(t->client, &req, &resp, &t->cause) == 0) {
		t->answered = true;
		t->code = client_status_code(resp);
		bench_response_free(resp);
	}
	t->done_ns = time_mono_ns();
	atomic_fetch_sub(&burst_remaining, 1);
	return NULL;
}

static void sleep_until_ns(int64_t when)
{
	struct timespec ts = {
	    .tv_sec = (time_t)(when / 1000000000),
	    .tv_nsec = (long)(when % 1000000000),
	};

	/* time_mono_ns reads CLOCK_MONOTONIC. */
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void *probe_main(void *arg)
{
	struct probe *p = arg;
	Assure__Request req;
	Assure__StatusRequest status;
	Assure__Response *resp;
	int64_t next = time_mono_ns(), t0, now;
	int code;

	for (;;) {
		assure__request__init(&req);
		assure__status_request__init(&status);
		req.op_case = ASSURE__REQUEST__OP_STATUS;
		req.status = &status;
		t0 = time_mono_ns();
		if (client_call(p->client, &req, &resp, &p->cause) != 0) {
			p->errors[BENCH_TRANSPORT]++;
			break;
		}
		now = time_mono_ns();
		hist_record(&p->hist, (uint64_t)(now - t0));
		code = client_status_code(resp);
		if (code != ASSURE__CODE__OK)
			p->errors[code >= 0 && code < BENCH_CODES ? code : ASSURE__CODE__UNKNOWN]++;
		assure__response__free_unpacked(resp, NULL);
		atomic_store(&p->primed, true);
		if (atomic_load(&burst_remaining) <= 0 || atomic_load(&bench_stop))
			break;
		/* On the 1 ms grid; a slow answer skips the ticks it missed
		 * rather than sending a catch-up volley. */
		next += BURST_PROBE_INTERVAL_NS;
		if (next > now)
			sleep_until_ns(next);
		else
			next = now;
	}
	atomic_store(&p->primed, true);
	return NULL;
}

struct burst_result {
	long logins, ok, failed;
	uint64_t failed_by_code[BENCH_CODES + 1];
	double wall_s, rate;
	struct hist *login_hist;
	const struct probe *probe;
};

static void burst_print_text(const struct bench_opts *o, const struct burst_result *r)
{
	const struct hist *lh = r->login_hist, *ph = &r->probe->hist;
	uint64_t probe_errors = 0;
	int i;

	printf("server:        %s (login burst as %s)\n", o->server, o->user);
	printf("logins:        %ld\n", r->logins);
	printf("ok:            %ld\n", r->ok);
	printf("failed:        %ld", r->failed);
	bench_print_codes(r->failed_by_code, false);
	printf("\n");
	printf("burst seconds: %.3f%s\n", r->wall_s, bench_interrupted ? " (interrupted)" : "");
	printf("logins/s:      %.1f\n", r->rate);
	printf("login latency (us):  p50 %.1f  p99 %.1f  max %.1f\n",
	       bench_ns_to_us(hist_percentile(lh, 50.0)), bench_ns_to_us(hist_percentile(lh, 99.0)),
	       bench_ns_to_us(lh->max));
	printf("status probe (us):   count %" PRIu64 "  p50 %.1f  p99 %.1f  max %.1f", ph->total,
	       bench_ns_to_us(hist_percentile(ph, 50.0)), bench_ns_to_us(hist_percentile(ph, 99.0)),
	       bench_ns_to_us(ph->max));
	for (i = 0; i <= BENCH_CODES; i++)
		probe_errors += r->probe->errors[i];
	if (probe_errors > 0) {
		printf("  errors %" PRIu64, probe_errors);
		bench_print_codes(r->probe->errors, false);
	}
	printf("\n");
}

static void burst_print_json(const struct bench_opts *o, const struct burst_result *r)
{
	const struct hist *lh = r->login_hist, *ph = &r->probe->hist;

	printf("{\"server\":\"");
	bench_json_string(stdout, o->server);
	printf("\",\"op\":\"login-burst\",\"user\":\"");
	bench_json_string(stdout, o->user);
	printf("\",\"logins\":%ld,\"ok\":%ld,\"failed\":%ld,\"failed_by_code\":{", r->logins, r->ok,
	       r->failed);
	bench_print_codes(r->failed_by_code, true);
	printf("},\"interrupted\":%s,\"wall_s\":%.3f,\"logins_per_s\":%.1f,"
	       "\"login_p50_us\":%.1f,\"login_p99_us\":%.1f,\"login_max_us\":%.1f,",
	       bench_interrupted ? "true" : "false", r->wall_s, r->rate,
	       bench_ns_to_us(hist_percentile(lh, 50.0)), bench_ns_to_us(hist_percentile(lh, 99.0)),
	       bench_ns_to_us(lh->max));
	printf("\"probe_count\":%" PRIu64 ",\"probe_p50_us\":%.1f,\"probe_p99_us\":%.1f,"
	       "\"probe_max_us\":%.1f,\"probe_errors_by_code\":{",
	       ph->total, bench_ns_to_us(hist_percentile(ph, 50.0)),
	       bench_ns_to_us(hist_percentile(ph, 99.0)), bench_ns_to_us(ph->max));
	bench_print_codes(r->probe->errors, true);
	printf("}}\n");
}

int bench_burst_run(const struct bench_opts *o)
{
	struct burst_result res;
	struct login_thread *threads;
	struct probe *probe;
	struct timespec pause = {0, 100000};
	pthread_attr_t attr;
	sigset_t block, old;
	int64_t start_ns = 0, end_ns;
	long i, n = o->login_burst, failed = 0, broken = 0;
	int rc, exit_code, exit_status = BENCH_EXIT_OK;
	bool probe_started = false;

	probe = xcalloc(1, sizeof(*probe));
	if (bench_open(o, BENCH_IO_TIMEOUT_MS, false, &probe->client, &exit_code, &probe->cause) !=
	    0) {
		fprintf(stderr, BENCH_NAME ": probe connection: %s\n", probe->cause);
		free(probe->cause);
		free(probe);
		return exit_code;
	}

	threads = xcalloc((size_t)n, sizeof(*threads));
	atomic_store(&burst_remaining, n);
	if ((rc = pthread_barrier_init(&burst_barrier, NULL, (unsigned)n + 1)) != 0) {
		fprintf(stderr, BENCH_NAME ": pthread_barrier_init: %s\n", strerror(rc));
		free(threads);
		client_free(probe->client);
		free(probe);
		return BENCH_EXIT_INTERNAL;
	}
	/* Only main takes SIGINT (a blocking read must not be interrupted). */
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, BENCH_STACK_SIZE);
	for (i = 0; i < n; i++) {
		threads[i].opts = o;
		rc = pthread_create(&threads[i].thread, &attr, login_main, &threads[i]);
		if (rc != 0) {
			/* The barrier counts n + 1 waiters: fatal, as in a
			 * steady run. */
			fprintf(stderr, BENCH_NAME ": cannot start thread %ld of %ld: %s\n", i + 1,
				n, strerror(rc));
			exit(BENCH_EXIT_INTERNAL);
		}
	}

	pthread_barrier_wait(&burst_barrier);
	for (i = 0; i < n; i++) {
		if (threads[i].connected)
			continue;
		if (++failed <= BENCH_MAX_REPORTED)
			fprintf(stderr, BENCH_NAME ": connection %ld: %s\n", i + 1,
				threads[i].cause ? threads[i].cause : "failed");
	}
	if (failed == 0 && !bench_interrupted) {
		rc = pthread_create(&probe->thread, &attr, probe_main, probe);
		if (rc != 0) {
			fprintf(stderr, BENCH_NAME ": cannot start the probe thread: %s\n",
				strerror(rc));
			exit(BENCH_EXIT_INTERNAL);
		}
		probe_started = true;
		/* Its first answer is the baseline; bounded by its I/O timeout. */
		while (!atomic_load(&probe->primed))
			nanosleep(&pause, NULL);
		if (probe->cause != NULL) {
			fprintf(stderr, BENCH_NAME ": probe connection broke: %s\n", probe->cause);
			burst_abort = true;
			exit_status = BENCH_EXIT_UNAVAILABLE;
		}
	} else {
		burst_abort = true;
		if (failed > 0)
			fprintf(stderr, BENCH_NAME ": %ld of %ld connections to %s failed\n",
				failed, n, o->server);
		else
			fprintf(stderr, BENCH_NAME ": interrupted before the burst\n");
		exit_status = failed > 0 ? BENCH_EXIT_UNAVAILABLE : BENCH_EXIT_INTERNAL;
	}
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (burst_abort)
		atomic_store(&burst_remaining, 0);
	start_ns = time_mono_ns();
	pthread_barrier_wait(&burst_barrier);

	for (i = 0; i < n; i++)
		pthread_join(threads[i].thread, NULL);
	if (probe_started)
		pthread_join(probe->thread, NULL);
	pthread_barrier_destroy(&burst_barrier);
	if (burst_abort)
		goto out;

	memset(&res, 0, sizeof(res));
	res.logins = n;
	res.probe = probe;
	res.login_hist = xcalloc(1, sizeof(*res.login_hist));
	end_ns = start_ns;
	for (i = 0; i < n; i++) {
		struct login_thread *t = &threads[i];

		if (t->done_ns > end_ns)
			end_ns = t->done_ns;
		if (!t->answered) {
			res.failed++;
			res.failed_by_code[BENCH_TRANSPORT]++;
			if (++broken <= BENCH_MAX_REPORTED)
				fprintf(stderr, BENCH_NAME ": connection %ld broke: %s\n", i + 1,
					t->cause ? t->cause : "?");
			continue;
		}
		hist_record(res.login_hist, (uint64_t)(t->done_ns - t->sent_ns));
		if (t->code == ASSURE__CODE__OK) {
			res.ok++;
		} else {
			res.failed++;
			res.failed_by_code[t->code >= 0 && t->code < BENCH_CODES
					       ? t->code
					       : ASSURE__CODE__UNKNOWN]++;
		}
	}
	if (probe->cause != NULL) {
		fprintf(stderr, BENCH_NAME ": probe connection broke: %s\n", probe->cause);
		broken++;
	}
	if (broken > 0)
		exit_status = BENCH_EXIT_UNAVAILABLE;
	res.wall_s = (double)(end_ns - start_ns) / 1e9;
	res.rate = res.wall_s > 0 ? (double)n / res.wall_s : 0.0;
	if (o->json)
		burst_print_json(o, &res);
	else
		burst_print_text(o, &res);
	free(res.login_hist);
out:
	for (i = 0; i < n; i++) {
		client_free(threads[i].client);
		free(threads[i].cause);
	}
	free(threads);
	client_free(probe->client);
	free(probe->cause);
	free(probe);
	return exit_status;
}
