/*
 * Framing against a real assured: a header over the limit is refused as
 * soon as it arrives (never waiting for, or allocating, the body), a
 * zero-length frame and an undecodable body end the connection with an
 * id-0 error, none of it troubles other clients; 1,000 pipelined requests
 * on one connection are each answered exactly once; and a Request with no
 * operation is an application error that leaves the connection usable.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "frame.h"
#include "harness.h"

#define PIPELINED 1000
/* A connection-level error and the close must come well before the
 * client's 10 s I/O timeout. */
#define PROMPT_MS 4000

static const char *const group_args[] = {"--max-frame", "1048576", NULL};
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

static void send_raw(struct client *c, const void *buf, size_t n)
{
	char *cause = NULL;
	if (client_send_raw(c, buf, n, &cause) != 0)
		fail_msg("client_send_raw: %s", cause ? cause : "");
}

/*
 * Expects the server to end the connection: either a Response with id 0,
 * a non-OK status (want_code unless it is -1) and a message containing
 * want_text (unless NULL), followed by the close; or, if the client library
 * folds that response into the error, -1 with a cause containing
 * want_text. Both must come promptly.
 */
static void expect_connection_error(struct client *c, int want_code, const char *want_text)
{
	Assure__Response *resp = NULL;
	char *cause = NULL;
	int64_t t0 = harness_now_ms();
	int rc = client_recv(c, &resp, &cause);
	int64_t took = harness_now_ms() - t0;
	if (rc == 0) {
		print_message("connection error response: id %llu status %d: %s (%lld ms)\n",
			      (unsigned long long)resp->id, client_status_code(resp),
			      client_status_message(resp), (long long)took);
		assert_int_equal(resp->id, 0);
		assert_int_not_equal(client_status_code(resp), ASSURE__CODE__OK);
		if (want_code >= 0)
			assert_int_equal(client_status_code(resp), want_code);
		if (want_text != NULL &&
		    !harness_contains_ci(client_status_message(resp), want_text))
			fail_msg("message '%s' does not mention '%s'", client_status_message(resp),
				 want_text);
		assure__response__free_unpacked(resp, NULL);
		assert_true(took < PROMPT_MS);

		/* Then the close. */
		t0 = harness_now_ms();
		rc = client_recv(c, &resp, &cause);
		took = harness_now_ms() - t0;
		if (rc == 0) {
			fail_msg("expected a close, got response id %llu status %d: %s",
				 (unsigned long long)resp->id, client_status_code(resp),
				 client_status_message(resp));
		}
		print_message("then closed: %s (%lld ms)\n", cause ? cause : "", (long long)took);
		free(cause);
		assert_true(took < PROMPT_MS);
	} else {
		print_message("connection error: %s (%lld ms)\n", cause ? cause : "",
			      (long long)took);
		assert_true(took < PROMPT_MS);
		assert_non_null(cause);
		if (want_text != NULL && !harness_contains_ci(cause, want_text))
			fail_msg("cause '%s' does not mention '%s'", cause, want_text);
		free(cause);
	}
}

static void test_oversized_header_refused_at_once(void **state)
{
	struct harness_server *s = *state;
	struct client *bystander = harness_connect_hello(s);
	struct client *c = harness_connect_hello(s);

	uint8_t hdr[FRAME_HEADER_SIZE];
	frame_put_header(hdr, 0x00200000u); /* 2 MiB, limit 1 MiB; no body follows */
	send_raw(c, hdr, sizeof hdr);
	expect_connection_error(c, ASSURE__CODE__RESOURCE_EXHAUSTED, "frame");
	client_free(c);

	assert_int_equal(harness_status_code(bystander), ASSURE__CODE__OK);
	client_free(bystander);
}

static void test_zero_length_frame(void **state)
{
	struct harness_server *s = *state;
	struct client *bystander = harness_connect_hello(s);
	struct client *c = harness_connect_hello(s);

	static const uint8_t zero[FRAME_HEADER_SIZE] = {0, 0, 0, 0};
	send_raw(c, zero, sizeof zero);
	expect_connection_error(c, -1, NULL);
	client_free(c);

	assert_int_equal(harness_status_code(bystander), ASSURE__CODE__OK);
	client_free(bystander);
}

static void test_garbage_body(void **state)
{
	struct harness_server *s = *state;
	struct client *bystander = harness_connect_hello(s);
	struct client *c = harness_connect_hello(s);

	/* Starts with an over-long varint tag, so no decoder can take it for a
	 * Request with unknown fields; the rest is pseudo-random. */
	uint8_t frame[FRAME_HEADER_SIZE + 64];
	frame_put_header(frame, 64);
	uint8_t *body = frame + FRAME_HEADER_SIZE;
	memset(body, 0xff, 11);
	uint32_t x = 2463534242u;
	for (size_t i = 11; i < 64; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		body[i] = (uint8_t)x;
	}
	send_raw(c, frame, sizeof frame);
	expect_connection_error(c, ASSURE__CODE__INVALID_ARGUMENT, NULL);
	client_free(c);

	assert_int_equal(harness_status_code(bystander), ASSURE__CODE__OK);
	client_free(bystander);
}

static void test_pipelined_status(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	struct harness_req r;
	harness_req_status(&r);
	char *cause = NULL;
	for (uint64_t id = 1; id <= PIPELINED; id++) {
		r.req.id = id;
		if (client_send(c, &r.req, &cause) != 0)
			fail_msg("client_send #%llu: %s", (unsigned long long)id,
				 cause ? cause : "");
	}
	static unsigned char seen[PIPELINED + 1];
	memset(seen, 0, sizeof seen);
	for (int i = 0; i < PIPELINED; i++) {
		Assure__Response *resp = NULL;
		if (client_recv(c, &resp, &cause) != 0)
			fail_msg("client_recv after %d responses: %s", i, cause ? cause : "");
		uint64_t id = resp->id;
		if (id < 1 || id > PIPELINED)
			fail_msg("response with id %llu (status %d: %s)", (unsigned long long)id,
				 client_status_code(resp), client_status_message(resp));
		if (seen[id])
			fail_msg("id %llu answered twice", (unsigned long long)id);
		seen[id] = 1;
		if (client_status_code(resp) != ASSURE__CODE__OK)
			fail_msg("id %llu: status %d: %s", (unsigned long long)id,
				 client_status_code(resp), client_status_message(resp));
		assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_STATUS_INFO);
		assure__response__free_unpacked(resp, NULL);
	}
	for (int id = 1; id <= PIPELINED; id++)
		assert_true(seen[id]);
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	client_free(c);
}

static void test_request_without_operation(void **state)
{
	struct harness_server *s = *state;
	struct client *c = harness_connect_hello(s);
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.id = 4242;
	char *cause = NULL;
	if (client_send(c, &req, &cause) != 0)
		fail_msg("client_send: %s", cause ? cause : "");
	Assure__Response *resp = NULL;
	if (client_recv(c, &resp, &cause) != 0)
		fail_msg("client_recv: %s", cause ? cause : "");
	print_message("no op: id %llu status %d: %s\n", (unsigned long long)resp->id,
		      client_status_code(resp), client_status_message(resp));
	assert_int_equal(resp->id, 4242);
	assert_int_equal(client_status_code(resp), ASSURE__CODE__INVALID_ARGUMENT);
	/* Names what is missing: the operation. */
	assert_true(harness_contains_ci(client_status_message(resp), "op"));
	assure__response__free_unpacked(resp, NULL);

	/* An application error: the connection goes on. */
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	client_free(c);
}

int main(void)
{
	harness_guard(240);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_oversized_header_refused_at_once),
	    cmocka_unit_test(test_zero_length_frame),
	    cmocka_unit_test(test_garbage_body),
	    cmocka_unit_test(test_pipelined_status),
	    cmocka_unit_test(test_request_without_operation),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
