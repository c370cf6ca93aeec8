/*
 * TLS against a real assured: the client refuses a server its CA did not
 * sign and a certificate for another host; the negotiated version is TLS
 * 1.3; peers that never speak TLS (plain HTTP, or silence) are dropped by
 * the server's own handshake timer without disturbing TLS clients; and a
 * client that vanishes without close_notify (a dirty EOF, which libevent
 * 2.1 reports as an error unless told otherwise) is an ordinary disconnect,
 * not an ERROR in the log. Logged-in connections left idle past
 * --idle-timeout are closed; busy ones are not.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* Short, so the tests of silent peers stay quick. */
#define HANDSHAKE_TIMEOUT_MS 2000

static const char *const group_args[] = {"--handshake-timeout", "2s", NULL};
static struct harness_server group_server;

static int group_setup(void **state)
{
	struct harness_server_opts opts = {.extra_args = group_args};
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

static int wronghost_setup(void **state)
{
	struct harness_server *s = calloc(1, sizeof *s);
	assert_non_null(s);
	*state = s;
	struct harness_server_opts opts = {.cert_name = "wronghost.crt",
					   .key_name = "wronghost.key"};
	harness_server_start(s, &opts);
	return 0;
}

static const char *const idle_args[] = {"--idle-timeout", "2s", NULL};

static int idle_setup(void **state)
{
	struct harness_server *s = calloc(1, sizeof *s);
	assert_non_null(s);
	*state = s;
	struct harness_server_opts opts = {.extra_args = idle_args};
	harness_server_start(s, &opts);
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

/* A TLS client that has logged in, so no handshake-and-login timer applies
 * to it. */
static struct client *logged_in_client(const struct harness_server *s)
{
	struct client *c = harness_connect_hello(s);
	uint8_t token[HARNESS_TOKEN_LEN];
	assure__response__free_unpacked(harness_login(c, HARNESS_ADMIN, s->password, token), NULL);
	return c;
}

static int raw_tcp_connect(int port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	return fd;
}

/* Waits for the peer to close fd (read gives 0 or an error such as
 * ECONNRESET), discarding whatever it sends first (a TLS alert, say).
 * Returns the milliseconds it took, or -1 if still open after timeout_ms. */
static int64_t wait_closed(int fd, int timeout_ms)
{
	int64_t start = harness_now_ms();
	for (;;) {
		int64_t left = start + timeout_ms - harness_now_ms();
		if (left <= 0)
			return -1;
		struct pollfd p = {fd, POLLIN, 0};
		int pr = poll(&p, 1, (int)left);
		if (pr < 0 && errno == EINTR)
			continue;
		if (pr <= 0)
			return -1;
		char buf[512];
		ssize_t n = read(fd, buf, sizeof buf);
		if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
			return harness_now_ms() - start;
	}
}

static void test_tls13_negotiated(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	const char *v = client_tls_version(c);
	assert_non_null(v);
	assert_string_equal(v, "TLSv1.3");
	client_free(c);
}

static void test_wrong_ca_refused(void **state)
{
	struct harness_server *s = *state;
	struct client_config cfg = harness_client_config(s->addr, HARNESS_OTHER_CA);
	struct client *c = NULL;
	char *cause = NULL;
	int rc = client_connect(&cfg, &c, &cause);
	if (rc == 0)
		client_free(c);
	assert_int_equal(rc, -1);
	assert_non_null(cause);
	print_message("wrong CA: %s\n", cause);
	assert_non_null(strstr(cause, "certificate verify failed"));
	free(cause);
}

static void test_localhost_name_accepted(void **state)
{
	struct harness_server *s = *state;
	char addr[64];
	snprintf(addr, sizeof addr, "localhost:%d", s->port);
	struct client *c = NULL;
	char *cause = NULL;
	if (harness_try_connect_hello(addr, &c, &cause) != 0)
		fail_msg("connect %s: %s", addr, cause ? cause : "");
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	client_free(c);
}

static void test_wrong_host_refused(void **state)
{
	struct harness_server *s = *state;
	/* wronghost.crt is signed by our CA but names only wrong.example. */
	struct client *c = NULL;
	char *cause = NULL;
	int rc = harness_try_connect(s->addr, &c, &cause);
	if (rc == 0)
		client_free(c);
	assert_int_equal(rc, -1);
	assert_non_null(cause);
	print_message("wrong host: %s\n", cause);
	assert_non_null(strstr(cause, "certificate verify failed"));
	free(cause);
}

static void test_plain_http_dropped(void **state)
{
	struct harness_server *s = *state;
	struct client *c = logged_in_client(s);
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);

	int fd = raw_tcp_connect(s->port);
	static const char get[] = "GET / HTTP/1.0\r\n\r\n";
	assert_int_equal(write(fd, get, sizeof get - 1), (ssize_t)(sizeof get - 1));
	int64_t took = wait_closed(fd, HANDSHAKE_TIMEOUT_MS + 6000);
	close(fd);
	print_message("plain HTTP dropped after %lld ms\n", (long long)took);
	assert_true(took >= 0);

	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	client_free(c);
}

static void test_silent_peer_dropped_after_handshake_timeout(void **state)
{
	struct harness_server *s = *state;
	struct client *c = logged_in_client(s);
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);

	/* Never sends a ClientHello. */
	int fd = raw_tcp_connect(s->port);
	int64_t took = wait_closed(fd, HANDSHAKE_TIMEOUT_MS + 6000);
	close(fd);
	print_message("silent peer dropped after %lld ms\n", (long long)took);
	assert_true(took >= 0);
	/* By the timer, not at once. */
	assert_true(took >= HANDSHAKE_TIMEOUT_MS / 2);

	/* The TLS client, connected all along, still works. */
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	client_free(c);
}

static void test_dirty_eof_is_harmless(void **state)
{
	struct harness_server *s = *state;
	long off = harness_server_log_offset(s);

	struct client *c = logged_in_client(s);
	/* Mid-session: a request in flight, then TCP gone without close_notify. */
	struct harness_req r;
	harness_req_status(&r);
	char *cause = NULL;
	if (client_send(c, &r.req, &cause) != 0)
		fail_msg("client_send: %s", cause ? cause : "");
	client_abort(c);

	struct client *d = harness_connect_hello(s);
	assert_int_equal(harness_status_code(d), ASSURE__CODE__OK);
	client_free(d);
	harness_sleep_ms(300);

	/* The same once more with no request in flight. */
	c = harness_connect_hello(s);
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	client_abort(c);
	d = harness_connect_hello(s);
	assert_int_equal(harness_status_code(d), ASSURE__CODE__OK);
	client_free(d);
	harness_sleep_ms(300);

	char *log = harness_server_log_since(s, off);
	int bad = harness_log_has_error_line(log) || harness_log_has_sanitizer_report(log);
	if (bad)
		fprintf(stderr, "server log since the dirty EOF:\n%s\n", log);
	free(log);
	assert_false(bad);
}

static void test_idle_connection_closed(void **state)
{
	struct harness_server *s = *state;
	/* Idleness counts for logged-in connections (one that has not logged
	 * in meets --login-timeout first: test_int_hostile). */
	struct client *busy = harness_connect_admin(s);
	struct client *idle = harness_connect_admin(s);

	/* 3.6 s of a request every 400 ms on one, nothing on the other. */
	for (int i = 0; i < 9; i++) {
		assert_int_equal(harness_status_code(busy), ASSURE__CODE__OK);
		harness_sleep_ms(400);
	}

	/* By now the idle one has been closed (perhaps with a parting id-0
	 * error): nothing to wait for. */
	Assure__Response *resp = NULL;
	char *cause = NULL;
	int64_t t0 = harness_now_ms();
	int rc = client_recv(idle, &resp, &cause);
	if (rc == 0) {
		print_message("idle: id %llu status %d: %s\n", (unsigned long long)resp->id,
			      client_status_code(resp), client_status_message(resp));
		assert_int_equal(resp->id, 0);
		assert_int_not_equal(client_status_code(resp), ASSURE__CODE__OK);
		assure__response__free_unpacked(resp, NULL);
		rc = client_recv(idle, &resp, &cause);
	}
	int64_t took = harness_now_ms() - t0;
	print_message("idle connection: %s (%lld ms)\n", cause ? cause : "", (long long)took);
	assert_int_equal(rc, -1);
	assert_true(took < 1000);
	free(cause);
	client_free(idle);

	assert_int_equal(harness_status_code(busy), ASSURE__CODE__OK);
	client_free(busy);
}

int main(void)
{
	harness_guard(240);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tls13_negotiated),
	    cmocka_unit_test(test_wrong_ca_refused),
	    cmocka_unit_test(test_localhost_name_accepted),
	    cmocka_unit_test_setup_teardown(test_wrong_host_refused, wronghost_setup,
					    private_teardown),
	    cmocka_unit_test(test_plain_http_dropped),
	    cmocka_unit_test(test_silent_peer_dropped_after_handshake_timeout),
	    cmocka_unit_test(test_dirty_eof_is_harmless),
	    cmocka_unit_test_setup_teardown(test_idle_connection_closed, idle_setup,
					    private_teardown),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
