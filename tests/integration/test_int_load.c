/*
 * Concurrency against a real assured: 50 clients on 50 threads at once,
 * each with its own TLS connection, Hello and 20 Status calls, five of them
 * also logging in (an argon2id hash on the server's workers) and asking
 * Whoami. All must succeed, and while every connection is held open the
 * server's Status must count them. And --max-connections is a limit with a
 * clear error, from which the server recovers as connections close. Threads never use cmocka (it is
 * not thread-safe); they record results that the main thread asserts on after every thread has been
 * joined.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define CLIENTS 50
#define STATUS_CALLS 20
#define LOGINS 5

static struct harness_server group_server;

struct worker {
	pthread_t thread;
	int index;
	const char *addr;
	const char *password;
	pthread_barrier_t *barrier;
	int ok;		 /* 1 when every call succeeded */
	char error[256]; /* what went wrong otherwise */
};

/* Fifty clients from one address call Status twenty times each before
 * login: far above the pre-login rate limits, which test_int_hostile
 * holds to account; here the point is concurrency. */
static const char *const load_args[] = {"--preauth-rate", "1000", "--preauth-rate-per-address",
					"100000", NULL};

static int group_setup(void **state)
{
	struct harness_server_opts opts = {.extra_args = load_args};
	harness_server_start(&group_server, &opts);
	*state = &group_server;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	harness_server_destroy(&group_server);
	return 0;
}

static void worker_fail(struct worker *w, const char *what, int code, char *cause)
{
	if (w->error[0] == '\0' && cause != NULL)
		snprintf(w->error, sizeof w->error, "client %d: %s: %s", w->index, what, cause);
	else if (w->error[0] == '\0')
		snprintf(w->error, sizeof w->error, "client %d: %s: status %d", w->index, what,
			 code);
	free(cause);
	w->ok = 0;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct client *c = NULL;
	char *cause = NULL;
	w->ok = 1;
	if (harness_try_connect_hello(w->addr, &c, &cause) != 0) {
		worker_fail(w, "connect/hello", 0, cause);
		goto hold;
	}
	for (int i = 0; i < STATUS_CALLS && w->ok; i++) {
		struct harness_req r;
		harness_req_status(&r);
		cause = NULL;
		int code = harness_try_call_code(c, &r, &cause);
		if (code != ASSURE__CODE__OK)
			worker_fail(w, "status", code, cause);
	}
	if (w->ok && w->index < LOGINS) {
		uint8_t token[HARNESS_TOKEN_LEN];
		cause = NULL;
		int code = harness_try_login(c, HARNESS_ADMIN, w->password, token, &cause);
		if (code != ASSURE__CODE__OK) {
			worker_fail(w, "login", code, cause);
		} else {
			struct harness_req r;
			harness_req_whoami(&r);
			cause = NULL;
			code = harness_try_call_code(c, &r, &cause);
			if (code != ASSURE__CODE__OK)
				worker_fail(w, "whoami", code, cause);
		}
	}
hold:
	/* Everyone is connected: the main thread counts us. */
	pthread_barrier_wait(w->barrier);
	/* The main thread has counted. */
	pthread_barrier_wait(w->barrier);
	client_free(c);
	return NULL;
}

static void test_fifty_concurrent_clients(void **state)
{
	struct harness_server *s = *state;
	static struct worker workers[CLIENTS];
	pthread_barrier_t barrier;
	assert_int_equal(pthread_barrier_init(&barrier, NULL, CLIENTS + 1), 0);
	int64_t t0 = harness_now_ms();
	for (int i = 0; i < CLIENTS; i++) {
		workers[i] = (struct worker){
		    .index = i, .addr = s->addr, .password = s->password, .barrier = &barrier};
		assert_int_equal(pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]),
				 0);
	}
	pthread_barrier_wait(&barrier);
	int64_t t1 = harness_now_ms();

	/* Count while all 50 are open; no cmocka assertion until they are joined. */
	struct client *c = NULL;
	char *cause = NULL;
	uint32_t connections = 0;
	int status_code = -1;
	char status_error[256] = "";
	if (harness_try_connect_hello(s->addr, &c, &cause) == 0) {
		struct harness_req r;
		harness_req_status(&r);
		Assure__Response *resp = NULL;
		if (client_call(c, &r.req, &resp, &cause) == 0) {
			status_code = client_status_code(resp);
			if (resp->status_info != NULL)
				connections = resp->status_info->connections;
			assure__response__free_unpacked(resp, NULL);
		} else {
			snprintf(status_error, sizeof status_error, "status: %s",
				 cause ? cause : "");
		}
	} else {
		snprintf(status_error, sizeof status_error, "connect: %s", cause ? cause : "");
	}
	free(cause);
	client_free(c);

	pthread_barrier_wait(&barrier);
	for (int i = 0; i < CLIENTS; i++)
		pthread_join(workers[i].thread, NULL);
	pthread_barrier_destroy(&barrier);
	print_message("%d clients: all connected and done in %lld ms; server counted %u\n", CLIENTS,
		      (long long)(t1 - t0), connections);

	int failures = 0;
	for (int i = 0; i < CLIENTS; i++)
		if (!workers[i].ok) {
			fprintf(stderr, "%s\n", workers[i].error);
			failures++;
		}
	assert_int_equal(failures, 0);
	if (status_error[0] != '\0')
		fail_msg("%s", status_error);
	assert_int_equal(status_code, ASSURE__CODE__OK);
	assert_true(connections >= CLIENTS);

	/* And the server is fine afterwards. */
	c = harness_connect_hello(s);
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	client_free(c);
}

#define MAX_CONNECTIONS 4
static const char *const limit_args[] = {"--max-connections", "4", NULL};

static int limit_setup(void **state)
{
	struct harness_server *s = calloc(1, sizeof *s);
	assert_non_null(s);
	*state = s;
	struct harness_server_opts opts = {.extra_args = limit_args};
	harness_server_start(s, &opts);
	return 0;
}

static int limit_teardown(void **state)
{
	struct harness_server *s = *state;
	if (s != NULL) {
		harness_server_destroy(s);
		free(s);
	}
	return 0;
}

/* Fills the server to its limit; returns the cause of the refusal of one
 * more (caller frees), after checking the server recovers. */
static char *fill_to_limit(struct harness_server *s)
{
	struct client *held[MAX_CONNECTIONS];
	for (int i = 0; i < MAX_CONNECTIONS; i++)
		held[i] = harness_connect_hello(s);

	struct client *extra = NULL;
	char *cause = NULL;
	int rc = harness_try_connect_hello(s->addr, &extra, &cause);
	if (rc == 0) {
		/* Hello passed; it must then be refused at the next request. */
		struct harness_req r;
		harness_req_status(&r);
		int code = harness_try_call_code(extra, &r, &cause);
		client_free(extra);
		if (code == ASSURE__CODE__OK)
			fail_msg("connection %d over --max-connections %d was accepted",
				 MAX_CONNECTIONS + 1, MAX_CONNECTIONS);
		if (code > 0 && asprintf(&cause, "status %d", code) < 0)
			cause = NULL;
	}
	print_message("connection over the limit: %s\n", cause ? cause : "");

	/* One leaves; a newcomer gets in (the server notices the close
	 * asynchronously, so allow it a moment). */
	client_free(held[0]);
	held[0] = NULL;
	int64_t deadline = harness_now_ms() + 3000;
	for (;;) {
		char *why = NULL;
		if (harness_try_connect_hello(s->addr, &held[0], &why) == 0)
			break;
		free(why);
		if (harness_now_ms() > deadline)
			fail_msg("no connection accepted after one of %d closed", MAX_CONNECTIONS);
		harness_sleep_ms(50);
	}
	assert_int_equal(harness_status_code(held[0]), ASSURE__CODE__OK);
	for (int i = 0; i < MAX_CONNECTIONS; i++)
		client_free(held[i]);
	return cause;
}

static void test_max_connections_enforced(void **state)
{
	free(fill_to_limit(*state));
}

static void test_max_connections_refusal_is_clear(void **state)
{
	char *cause = fill_to_limit(*state);
	/* "Limits with clear errors" (DESIGN.md): the refused client is told
	 * why, not left with a bare TLS or EOF error. */
	int clear = harness_contains_ci(cause, "connections");
	if (!clear)
		print_message("the refusal does not say it is the connection limit: '%s'\n",
			      cause ? cause : "");
	free(cause);
	assert_true(clear);
}

int main(void)
{
	harness_guard(240);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fifty_concurrent_clients),
	    cmocka_unit_test_setup_teardown(test_max_connections_enforced, limit_setup,
					    limit_teardown),
	    cmocka_unit_test_setup_teardown(test_max_connections_refusal_is_clear, limit_setup,
					    limit_teardown),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
