/*
 * Sessions end to end through the real client library against a real
 * assured: protocol negotiation (Hello, wrong versions, requests before
 * Hello), login and its uniform failure message (no user enumeration),
 * tokens that resume on other connections, logout revoking a session on
 * every connection at once, a client vanishing while its login is being
 * hashed on a worker, password changes and one-time passwords, and
 * sessions that survive a restart (they are durable rows, not memory).
 */
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

#define NEW_PASSWORD "a much longer passphrase 42"

static struct harness_server group_server;

static int group_setup(void **state)
{
	harness_server_start(&group_server, NULL);
	*state = &group_server;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	harness_server_destroy(&group_server);
	return 0;
}

/* A server of the test's own, for tests that change the admin's password. */
static int private_setup(void **state)
{
	struct harness_server *s = calloc(1, sizeof *s);
	assert_non_null(s);
	*state = s;
	harness_server_start(s, NULL);
	return 0;
}

static int private_otp_setup(void **state)
{
	struct harness_server *s = calloc(1, sizeof *s);
	assert_non_null(s);
	*state = s;
	struct harness_server_opts opts = {.one_time_password = 1};
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

static void test_hello_ok(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect(s);
	struct harness_req r;
	harness_req_hello(&r, 1);
	Assure__Response *resp = harness_call(c, &r);
	assert_int_equal(client_status_code(resp), ASSURE__CODE__OK);
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_HELLO);
	assert_non_null(resp->hello);
	assert_int_equal(resp->hello->protocol_version, 1);
	assert_non_null(resp->hello->server_version);
	assert_true(strlen(resp->hello->server_version) > 0);
	assure__response__free_unpacked(resp, NULL);
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	client_free(c);
}

static void test_hello_wrong_version(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect(s);
	struct harness_req r;
	harness_req_hello(&r, 999);
	Assure__Response *resp = harness_call(c, &r);
	assert_int_equal(client_status_code(resp), ASSURE__CODE__FAILED_PRECONDITION);
	const char *msg = client_status_message(resp);
	print_message("hello 999: %s\n", msg);
	assert_non_null(strstr(msg, "999"));
	/* Names the version the server speaks too. */
	assert_non_null(strchr(msg, '1'));
	assure__response__free_unpacked(resp, NULL);
	client_free(c);
}

static void test_request_before_hello(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect(s);
	struct harness_req r;
	harness_req_whoami(&r);
	Assure__Response *resp = NULL;
	char *cause = NULL;
	int rc = client_call(c, &r.req, &resp, &cause);
	if (rc == 0) {
		print_message("whoami before hello: status %d: %s\n", client_status_code(resp),
			      client_status_message(resp));
		assert_int_not_equal(client_status_code(resp), ASSURE__CODE__OK);
		assure__response__free_unpacked(resp, NULL);
	} else {
		print_message("whoami before hello: connection error: %s\n", cause ? cause : "");
		free(cause);
	}
	client_free(c);
	/* The server is fine afterwards. */
	c = harness_connect_hello(s);
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	client_free(c);
}

static void test_whoami_before_login(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	assert_int_equal(harness_whoami_code(c), ASSURE__CODE__UNAUTHENTICATED);
	/* An application error never disconnects. */
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	client_free(c);
}

static void expect_login_failed(struct client *c, const char *user, const char *password)
{
	struct harness_req r;
	harness_req_login(&r, user, password);
	Assure__Response *resp = harness_call(c, &r);
	assert_int_equal(client_status_code(resp), ASSURE__CODE__UNAUTHENTICATED);
	assert_string_equal(client_status_message(resp), "login failed");
	assert_int_not_equal(resp->result_case, ASSURE__RESPONSE__RESULT_LOGIN);
	assure__response__free_unpacked(resp, NULL);
}

static void test_login_wrong_password(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	expect_login_failed(c, HARNESS_ADMIN, "not the right password at all");
	assert_int_equal(harness_whoami_code(c), ASSURE__CODE__UNAUTHENTICATED);
	client_free(c);
}

static void test_login_unknown_user(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	/* Same status and message as a wrong password: no user enumeration. */
	expect_login_failed(c, "nosuchuser", HARNESS_PASSWORD);
	client_free(c);
}

static void test_login_ok_then_whoami(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	uint8_t token[HARNESS_TOKEN_LEN];
	Assure__Response *resp = harness_login(c, HARNESS_ADMIN, s->password, token);
	assert_non_null(resp->login->session);
	assert_string_equal(resp->login->session->username, "admin");
	assert_string_equal(resp->login->session->role, "admin");
	assert_false(resp->login->session->password_change_required);
	assert_true(resp->login->session->expires_at > 0);
	assure__response__free_unpacked(resp, NULL);

	struct harness_req r;
	harness_req_whoami(&r);
	resp = harness_call(c, &r);
	assert_int_equal(client_status_code(resp), ASSURE__CODE__OK);
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_WHOAMI);
	assert_non_null(resp->whoami);
	assert_non_null(resp->whoami->session);
	assert_string_equal(resp->whoami->session->username, "admin");
	assert_string_equal(resp->whoami->session->role, "admin");
	assure__response__free_unpacked(resp, NULL);
	client_free(c);
}

static void test_resume_on_new_connection(void **state)
{
	struct harness_server *s = *state;
	struct client *a = harness_connect_hello(s);
	uint8_t token[HARNESS_TOKEN_LEN];
	assure__response__free_unpacked(harness_login(a, HARNESS_ADMIN, s->password, token), NULL);
	client_free(a);

	struct client *b = harness_connect_hello(s);
	struct harness_req r;
	harness_req_resume(&r, token, sizeof token);
	Assure__Response *resp = harness_call(b, &r);
	assert_int_equal(client_status_code(resp), ASSURE__CODE__OK);
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_RESUME);
	assert_non_null(resp->resume);
	assert_non_null(resp->resume->session);
	assert_string_equal(resp->resume->session->username, "admin");
	assure__response__free_unpacked(resp, NULL);
	assert_int_equal(harness_whoami_code(b), ASSURE__CODE__OK);
	client_free(b);
}

static void test_resume_wrong_token(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	uint8_t token[HARNESS_TOKEN_LEN];
	for (size_t i = 0; i < sizeof token; i++)
		token[i] = (uint8_t)(0xA5 ^ (i * 37));
	assert_int_equal(harness_resume_code(c, token, sizeof token),
			 ASSURE__CODE__UNAUTHENTICATED);
	/* A token of the wrong length is refused too (whatever the code). */
	assert_int_not_equal(harness_resume_code(c, token, 5), ASSURE__CODE__OK);
	assert_int_equal(harness_whoami_code(c), ASSURE__CODE__UNAUTHENTICATED);
	client_free(c);
}

static void test_logout_revokes_everywhere(void **state)
{
	struct harness_server *s = *state;
	struct client *a = harness_connect_hello(s);
	uint8_t token[HARNESS_TOKEN_LEN];
	assure__response__free_unpacked(harness_login(a, HARNESS_ADMIN, s->password, token), NULL);

	/* b resumes the same session before the logout. */
	struct client *b = harness_connect_hello(s);
	assert_int_equal(harness_resume_code(b, token, sizeof token), ASSURE__CODE__OK);
	assert_int_equal(harness_whoami_code(b), ASSURE__CODE__OK);

	struct harness_req r;
	harness_req_logout(&r);
	assert_int_equal(harness_call_code(a, &r), ASSURE__CODE__OK);
	assert_int_equal(harness_whoami_code(a), ASSURE__CODE__UNAUTHENTICATED);

	/* The connection that resumed before the logout has lost it too. */
	assert_int_equal(harness_whoami_code(b), ASSURE__CODE__UNAUTHENTICATED);

	/* And a new connection cannot resume it. */
	struct client *c = harness_connect_hello(s);
	assert_int_equal(harness_resume_code(c, token, sizeof token),
			 ASSURE__CODE__UNAUTHENTICATED);
	assert_int_equal(harness_whoami_code(c), ASSURE__CODE__UNAUTHENTICATED);
	client_free(a);
	client_free(b);
	client_free(c);
}

/* The login's argon2id hash runs on a worker; the connection dies before
 * it finishes. The result must be dropped, not sent to a freed connection
 * (STYLE.md point 9), and the server must go on. */
static void test_disconnect_while_login_hashes(void **state)
{
	struct harness_server *s = *state;
	long off = harness_server_log_offset(s);
	for (int i = 0; i < 3; i++) {
		struct client *c = harness_connect_hello(s);
		struct harness_req r;
		harness_req_login(&r, HARNESS_ADMIN, s->password);
		char *cause = NULL;
		if (client_send(c, &r.req, &cause) != 0)
			fail_msg("client_send: %s", cause ? cause : "");
		if (i == 0)
			client_abort(c); /* dirty EOF */
		else
			client_free(c); /* close_notify */
	}
	/* Long enough for the hashes to finish and their results to land. */
	harness_sleep_ms(1500);
	assert_int_equal(kill(s->pid, 0), 0);
	struct client *c = harness_connect_hello(s);
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	uint8_t token[HARNESS_TOKEN_LEN];
	assure__response__free_unpacked(harness_login(c, HARNESS_ADMIN, s->password, token), NULL);
	client_free(c);
	char *log = harness_server_log_since(s, off);
	int bad = harness_log_has_sanitizer_report(log);
	if (bad)
		fprintf(stderr, "server log:\n%s\n", log);
	free(log);
	assert_false(bad);
}

static void test_status_without_login(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	struct harness_req r;
	harness_req_status(&r);
	Assure__Response *resp = harness_call(c, &r);
	assert_int_equal(client_status_code(resp), ASSURE__CODE__OK);
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_STATUS_INFO);
	Assure__StatusResponse *st = resp->status_info;
	assert_non_null(st);
	assert_true(st->schema_version >= 1);
	assert_true(st->connections >= 1);
	assert_int_equal(st->protocol_version, 1);
	assert_non_null(st->server_version);
	assert_true(strlen(st->server_version) > 0);
	assure__response__free_unpacked(resp, NULL);
	client_free(c);
}

static void test_password_change(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	uint8_t token[HARNESS_TOKEN_LEN];
	assure__response__free_unpacked(harness_login(c, HARNESS_ADMIN, s->password, token), NULL);

	struct harness_req r;
	harness_req_password_change(&r, "this is not the old one", NEW_PASSWORD);
	Assure__Response *resp = harness_call(c, &r);
	print_message("wrong old password: status %d: %s\n", client_status_code(resp),
		      client_status_message(resp));
	assert_int_not_equal(client_status_code(resp), ASSURE__CODE__OK);
	assure__response__free_unpacked(resp, NULL);

	harness_req_password_change(&r, s->password, "short1");
	resp = harness_call(c, &r);
	assert_int_equal(client_status_code(resp), ASSURE__CODE__INVALID_ARGUMENT);
	assert_true(strlen(client_status_message(resp)) > 0);
	assure__response__free_unpacked(resp, NULL);

	harness_req_password_change(&r, s->password, NEW_PASSWORD);
	resp = harness_call(c, &r);
	if (client_status_code(resp) != ASSURE__CODE__OK)
		fail_msg("password change: status %d: %s", client_status_code(resp),
			 client_status_message(resp));
	assure__response__free_unpacked(resp, NULL);
	client_free(c);

	c = harness_connect_hello(s);
	expect_login_failed(c, HARNESS_ADMIN, s->password);
	assure__response__free_unpacked(harness_login(c, HARNESS_ADMIN, NEW_PASSWORD, token), NULL);
	assert_int_equal(harness_whoami_code(c), ASSURE__CODE__OK);
	client_free(c);
}

static void test_one_time_password(void **state)
{
	struct harness_server *s = *state;
	assert_true(strlen(s->password) > 0);
	struct client *c = harness_connect_hello(s);
	uint8_t token[HARNESS_TOKEN_LEN];
	Assure__Response *resp = harness_login(c, HARNESS_ADMIN, s->password, token);
	assert_non_null(resp->login->session);
	assert_true(resp->login->session->password_change_required);
	assure__response__free_unpacked(resp, NULL);

	/* Status needs no session, so it works before the change. */
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);

	struct harness_req r;
	harness_req_password_change(&r, s->password, NEW_PASSWORD);
	resp = harness_call(c, &r);
	if (client_status_code(resp) != ASSURE__CODE__OK)
		fail_msg("password change: status %d: %s", client_status_code(resp),
			 client_status_message(resp));
	assure__response__free_unpacked(resp, NULL);
	client_free(c);

	c = harness_connect_hello(s);
	resp = harness_login(c, HARNESS_ADMIN, NEW_PASSWORD, token);
	assert_false(resp->login->session->password_change_required);
	assure__response__free_unpacked(resp, NULL);
	assert_int_equal(harness_whoami_code(c), ASSURE__CODE__OK);
	client_free(c);
}

static void test_session_survives_restart(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	uint8_t token[HARNESS_TOKEN_LEN];
	assure__response__free_unpacked(harness_login(c, HARNESS_ADMIN, s->password, token), NULL);
	client_free(c);

	int rc = harness_server_stop(s);
	if (rc != 0)
		harness_server_dump_log(s);
	assert_int_equal(rc, 0);
	harness_server_launch(s);

	c = harness_connect_hello(s);
	assert_int_equal(harness_resume_code(c, token, sizeof token), ASSURE__CODE__OK);
	assert_int_equal(harness_whoami_code(c), ASSURE__CODE__OK);
	client_free(c);
}

int main(void)
{
	harness_guard(240);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hello_ok),
	    cmocka_unit_test(test_hello_wrong_version),
	    cmocka_unit_test(test_request_before_hello),
	    cmocka_unit_test(test_whoami_before_login),
	    cmocka_unit_test(test_login_wrong_password),
	    cmocka_unit_test(test_login_unknown_user),
	    cmocka_unit_test(test_login_ok_then_whoami),
	    cmocka_unit_test(test_resume_on_new_connection),
	    cmocka_unit_test(test_resume_wrong_token),
	    cmocka_unit_test(test_logout_revokes_everywhere),
	    cmocka_unit_test(test_disconnect_while_login_hashes),
	    cmocka_unit_test(test_status_without_login),
	    cmocka_unit_test_setup_teardown(test_password_change, private_setup, private_teardown),
	    cmocka_unit_test_setup_teardown(test_one_time_password, private_otp_setup,
					    private_teardown),
	    cmocka_unit_test(test_session_survives_restart),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
