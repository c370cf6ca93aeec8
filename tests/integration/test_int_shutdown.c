/*
 * Shutdown of a real assured. SIGTERM while clients are writing (every
 * Login inserts a session row through the writer thread's group commit)
 * must exit 0 within 10 s and lose no write the server acknowledged: after
 * a restart on the same database every token a client received must
 * resume. And SIGTERM with an idle client connected must exit 0 promptly
 * rather than wait for the client to leave. Also the rest of assured's
 * process contract (docs/CONTRACTS.md): SIGINT is a clean exit too, usage
 * errors exit 2, start-up failures exit 1 with a reason on stderr, and
 * init refuses a database that already has users, changing nothing.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define WRITERS 4
#define MAX_TOKENS 4096
#define MAX_LOOPS 1000
/* SIGTERM once this many logins have been acknowledged (or after 5 s). */
#define TOKENS_BEFORE_SIGTERM 8
#define IDLE_EXIT_MS 5000

struct token_log {
	pthread_mutex_t lock;
	uint8_t tokens[MAX_TOKENS][HARNESS_TOKEN_LEN];
	size_t n;
};

struct writer {
	pthread_t thread;
	int index;
	const char *addr;
	const char *password;
	struct token_log *log;
	int attempts;
	int last_code; /* the call that ended the loop: status, or -1 transport */
	char last_cause[256];
	int connect_failed;
};

static int private_setup(void **state)
{
	struct harness_server *s = calloc(1, sizeof *s);
	assert_non_null(s);
	*state = s;
	harness_server_start(s, NULL);
	return 0;
}

static int private_teardown(void **state)
{
	struct harness_server *s = *state;
	if (s != NULL) {
		harness_server_destroy(s);
		free(s);
	}
	return 0;
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	struct client *c = NULL;
	char *cause = NULL;
	w->last_code = 0;
	if (harness_try_connect_hello(w->addr, &c, &cause) != 0) {
		w->connect_failed = 1;
		snprintf(w->last_cause, sizeof w->last_cause, "%s", cause ? cause : "");
		free(cause);
		return NULL;
	}
	for (int i = 0; i < MAX_LOOPS; i++) {
		uint8_t token[HARNESS_TOKEN_LEN];
		cause = NULL;
		w->attempts++;
		int code = harness_try_login(c, HARNESS_ADMIN, w->password, token, &cause);
		if (code == ASSURE__CODE__OK) {
			pthread_mutex_lock(&w->log->lock);
			if (w->log->n < MAX_TOKENS)
				memcpy(w->log->tokens[w->log->n++], token, HARNESS_TOKEN_LEN);
			pthread_mutex_unlock(&w->log->lock);
			continue;
		}
		if (code == ASSURE__CODE__RESOURCE_EXHAUSTED) {
			/* A login rate limit: wait and go on writing. */
			free(cause);
			harness_sleep_ms(20);
			continue;
		}
		w->last_code = code;
		snprintf(w->last_cause, sizeof w->last_cause, "%s", cause ? cause : "");
		free(cause);
		break;
	}
	client_free(c);
	return NULL;
}

static size_t tokens_so_far(struct token_log *log)
{
	pthread_mutex_lock(&log->lock);
	size_t n = log->n;
	pthread_mutex_unlock(&log->lock);
	return n;
}

static void test_sigterm_loses_no_acknowledged_write(void **state)
{
	struct harness_server *s = *state;
	struct token_log *log = calloc(1, sizeof *log);
	assert_non_null(log);
	pthread_mutex_init(&log->lock, NULL);
	struct writer writers[WRITERS];
	memset(writers, 0, sizeof writers);
	for (int i = 0; i < WRITERS; i++) {
		writers[i].index = i;
		writers[i].addr = s->addr;
		writers[i].password = s->password;
		writers[i].log = log;
		assert_int_equal(pthread_create(&writers[i].thread, NULL, writer_main, &writers[i]),
				 0);
	}
	int64_t t0 = harness_now_ms();
	while (tokens_so_far(log) < TOKENS_BEFORE_SIGTERM && harness_now_ms() - t0 < 5000)
		harness_sleep_ms(10);

	int64_t took = 0;
	size_t at_sigterm = tokens_so_far(log);
	int rc = harness_server_stop_timed(s, 10000, &took);
	for (int i = 0; i < WRITERS; i++)
		pthread_join(writers[i].thread, NULL);
	size_t total = log->n;
	print_message("SIGTERM after %zu acknowledged logins; exit %d after %lld ms; %zu in all\n",
		      at_sigterm, rc, (long long)took, total);
	for (int i = 0; i < WRITERS; i++)
		print_message("writer %d: %d attempts, ended by %d (%s)\n", i, writers[i].attempts,
			      writers[i].last_code, writers[i].last_cause);
	if (rc != 0)
		harness_server_dump_log(s);
	assert_int_equal(rc, 0);
	for (int i = 0; i < WRITERS; i++)
		assert_false(writers[i].connect_failed);
	assert_true(total >= 1);

	/* Same database, new server: every acknowledged session is there. */
	harness_server_launch(s);
	size_t lost = 0;
	for (size_t i = 0; i < total; i++) {
		struct client *c = harness_connect_hello(s);
		int code = harness_resume_code(c, log->tokens[i], HARNESS_TOKEN_LEN);
		if (code != ASSURE__CODE__OK) {
			fprintf(stderr, "acknowledged token #%zu does not resume: status %d\n", i,
				code);
			lost++;
		}
		client_free(c);
	}
	pthread_mutex_destroy(&log->lock);
	free(log);
	assert_int_equal(lost, 0);
}

static void test_sigterm_with_idle_client(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);

	int64_t took = 0;
	int rc = harness_server_stop_timed(s, 10000, &took);
	print_message("exit %d after %lld ms with an idle client\n", rc, (long long)took);
	if (rc != 0)
		harness_server_dump_log(s);
	assert_int_equal(rc, 0);
	assert_true(took < IDLE_EXIT_MS);

	/* The client finds the connection gone. */
	struct harness_req r;
	harness_req_status(&r);
	char *cause = NULL;
	assert_int_equal(harness_try_call_code(c, &r, &cause), -1);
	free(cause);
	client_free(c);
}

static void test_sigint_clean_exit(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	int64_t took = 0;
	int rc = harness_server_signal_wait(s, SIGINT, 10000, &took);
	print_message("exit %d after %lld ms of SIGINT\n", rc, (long long)took);
	if (rc != 0)
		harness_server_dump_log(s);
	assert_int_equal(rc, 0);
	assert_true(took < IDLE_EXIT_MS);
	client_free(c);
}

static void run_assured(struct harness_run *r, const char *const *argv)
{
	assert_int_equal(harness_run_argv(argv, NULL, NULL, 20000, r), 0);
	assert_false(r->timed_out);
}

static void test_usage_and_help_exit_codes(void **state)
{
	(void)state;
	struct harness_run r;
	const char *bad[] = {ASSURED_BIN, "--no-such-option", NULL};
	run_assured(&r, bad);
	print_message("assured --no-such-option: exit %d: %s", r.status, r.err);
	assert_int_equal(r.status, 2);
	assert_true(strlen(r.err) > 0);
	harness_run_free(&r);

	const char *help[] = {ASSURED_BIN, "--help", NULL};
	run_assured(&r, help);
	assert_int_equal(r.status, 0);
	assert_non_null(strstr(r.out, "--listen"));
	harness_run_free(&r);

	const char *version[] = {ASSURED_BIN, "--version", NULL};
	run_assured(&r, version);
	assert_int_equal(r.status, 0);
	assert_true(strlen(r.out) > 0);
	harness_run_free(&r);
}

static void test_startup_failures_exit_1(void **state)
{
	struct harness_server *s = *state;
	/* A second, stopped server: its own database, never launched. */
	struct harness_server other;
	harness_server_init(&other, NULL);

	struct harness_run r;
	/* The address is taken by the running server. */
	const char *busy[] = {ASSURED_BIN, "--db",  other.db, "--listen", s->addr,
			      "--cert",	   s->cert, "--key",  s->key,	  NULL};
	run_assured(&r, busy);
	print_message("listen on a busy port: exit %d: %s", r.status, r.err);
	assert_int_equal(r.status, 1);
	assert_true(strlen(r.err) > 0);
	harness_run_free(&r);

	/* A certificate file that does not exist. */
	char missing[700];
	snprintf(missing, sizeof missing, "%s/missing.crt", other.dir);
	const char *nocert[] = {ASSURED_BIN, "--db",  other.db, "--listen", "127.0.0.1:0",
				"--cert",    missing, "--key",	s->key,	    NULL};
	run_assured(&r, nocert);
	print_message("missing certificate: exit %d: %s", r.status, r.err);
	assert_int_equal(r.status, 1);
	assert_non_null(strstr(r.err, "missing.crt"));
	harness_run_free(&r);

	/* The server that holds the port is undisturbed. */
	struct client *c = harness_connect_hello(s);
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	client_free(c);
}

static void test_init_refuses_existing_database(void **state)
{
	struct harness_server *s = *state;
	struct harness_run r;
	const char *argv[] = {ASSURED_BIN,	  "init", "--db", s->db, "--admin", "admin2",
			      "--password-stdin", NULL};
	assert_int_equal(harness_run_argv(argv, NULL, "another long password 1\n", 20000, &r), 0);
	print_message("init on a database with users: exit %d: %s", r.status, r.err);
	assert_int_equal(r.status, 1);
	assert_true(strlen(r.err) > 0);
	harness_run_free(&r);

	/* Nothing changed: the first admin's password still works, and no
	 * admin2 was made. */
	struct client *c = harness_connect_hello(s);
	uint8_t token[HARNESS_TOKEN_LEN];
	assure__response__free_unpacked(harness_login(c, HARNESS_ADMIN, s->password, token), NULL);
	client_free(c);
	c = harness_connect_hello(s);
	struct harness_req req;
	harness_req_login(&req, "admin2", "another long password 1");
	assert_int_equal(harness_call_code(c, &req), ASSURE__CODE__UNAUTHENTICATED);
	client_free(c);
}

int main(void)
{
	harness_guard(240);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_sigterm_loses_no_acknowledged_write, private_setup,
					    private_teardown),
	    cmocka_unit_test_setup_teardown(test_sigterm_with_idle_client, private_setup,
					    private_teardown),
	    cmocka_unit_test_setup_teardown(test_sigint_clean_exit, private_setup,
					    private_teardown),
	    cmocka_unit_test(test_usage_and_help_exit_codes),
	    cmocka_unit_test_setup_teardown(test_startup_failures_exit_1, private_setup,
					    private_teardown),
	    cmocka_unit_test_setup_teardown(test_init_refuses_existing_database, private_setup,
					    private_teardown),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	return harness_finish(failed);
}
