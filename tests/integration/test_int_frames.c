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
#include "version.h"

#define PIPELINED 1000
/* A connection-level error and the close must come well before the
 * client's 10 s I/O timeout. */
#define PROMPT_MS 4000

/* Pipelining 1,000 requests in one session is legitimate here: the
 * session rate is raised above its default so that test is about framing. */
static const char *const group_args[] = {"--max-frame", "1048576", "--session-rate", "5000", NULL};
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

/* --- frames that arrive in pieces ----------------------------------------
 * Each test runs a good client (logged in, Status every 10 ms) beside it:
 * a peer that sends part of a frame must cost the others nothing. */

#define GOOD_CLIENT_MS 250

static struct harness_probe *probe_begin(const struct harness_server *s)
{
	return harness_probe_admin(s);
}

static void probe_end(struct harness_probe *p, const char *what)
{
	harness_probe_hold(p, what, GOOD_CLIENT_MS, 1);
}

/* Appends req as a frame (header and body) to buf at *len. */
static void put_frame(uint8_t *buf, size_t cap, size_t *len, const Assure__Request *req)
{
	size_t n = assure__request__get_packed_size(req);
	assert_true(*len + FRAME_HEADER_SIZE + n <= cap);
	frame_put_header(buf + *len, (uint32_t)n);
	assure__request__pack(req, buf + *len + FRAME_HEADER_SIZE);
	*len += FRAME_HEADER_SIZE + n;
}

/* Hello (id 1) then Status (id 2), as one byte string. */
static size_t hello_status_bytes(uint8_t *buf, size_t cap)
{
	size_t len = 0;
	struct harness_req r;
	harness_req_hello(&r, ASSURE_PROTOCOL_VERSION);
	r.req.id = 1;
	put_frame(buf, cap, &len, &r.req);
	harness_req_status(&r);
	r.req.id = 2;
	put_frame(buf, cap, &len, &r.req);
	return len;
}

/* Reads the answers to hello_status_bytes. */
static void expect_hello_status(struct client *c, const char *what)
{
	for (uint64_t id = 1; id <= 2; id++) {
		Assure__Response *resp = NULL;
		char *cause = NULL;
		if (client_recv(c, &resp, &cause) != 0)
			fail_msg("%s: no answer to request %llu: %s", what, (unsigned long long)id,
				 cause ? cause : "");
		if (resp->id != id || client_status_code(resp) != ASSURE__CODE__OK)
			fail_msg("%s: answer id %llu status %d (%s), expected id %llu OK", what,
				 (unsigned long long)resp->id, client_status_code(resp),
				 client_status_message(resp), (unsigned long long)id);
		assure__response__free_unpacked(resp, NULL);
	}
}

static void test_split_at_every_byte(void **state)
{
	struct harness_server *s = *state;
	struct harness_probe *p = probe_begin(s);
	uint8_t buf[256];
	size_t len = hello_status_bytes(buf, sizeof buf);
	for (size_t cut = 1; cut < len; cut++) {
		struct client *c = harness_connect(s);
		send_raw(c, buf, cut);
		/* Long enough for the first piece to be read on its own. */
		harness_sleep_ms(3);
		send_raw(c, buf + cut, len - cut);
		char what[64];
		snprintf(what, sizeof what, "split at byte %zu of %zu", cut, len);
		expect_hello_status(c, what);
		client_free(c);
	}
	probe_end(p, "frames split at every byte");
}

static void test_one_byte_every_20ms(void **state)
{
	struct harness_server *s = *state;
	struct harness_probe *p = probe_begin(s);
	uint8_t buf[256];
	size_t len = hello_status_bytes(buf, sizeof buf);
	struct client *c = harness_connect(s);
	for (size_t i = 0; i < len; i++) {
		send_raw(c, buf + i, 1);
		harness_sleep_ms(20);
	}
	expect_hello_status(c, "one byte every 20 ms");
	client_free(c);
	probe_end(p, "one byte every 20 ms");
}

/* A Whoami request whose frame body is exactly body_len bytes: the rest is
 * an unknown length-delimited field (number 2000), which a decoder keeps
 * aside and the server ignores. Caller frees. */
static uint8_t *padded_whoami_frame(uint64_t id, size_t body_len)
{
	Assure__WhoamiRequest w = ASSURE__WHOAMI_REQUEST__INIT;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.id = id;
	req.op_case = ASSURE__REQUEST__OP_WHOAMI;
	req.whoami = &w;
	size_t base = assure__request__get_packed_size(&req);
	uint8_t *frame = malloc(FRAME_HEADER_SIZE + body_len);
	assert_non_null(frame);
	frame_put_header(frame, (uint32_t)body_len);
	uint8_t *body = frame + FRAME_HEADER_SIZE;
	assure__request__pack(&req, body);
	/* tag (2000 << 3 | 2) is two varint bytes; then the payload length. */
	size_t room = body_len - base - 2;
	size_t payload = room - 1;
	while (payload > 0) {
		size_t lenbytes = 1;
		for (size_t v = payload; v >= 0x80; v >>= 7)
			lenbytes++;
		if (lenbytes + payload == room)
			break;
		payload--;
	}
	uint8_t *q = body + base;
	uint32_t tag = (2000u << 3) | 2u;
	*q++ = (uint8_t)(tag | 0x80);
	*q++ = (uint8_t)(tag >> 7);
	for (size_t v = payload;; v >>= 7) {
		if (v < 0x80) {
			*q++ = (uint8_t)v;
			break;
		}
		*q++ = (uint8_t)(v | 0x80);
	}
	memset(q, 'x', payload);
	assert_int_equal((size_t)(q + payload - body), body_len);
	return frame;
}

/* Sends a padded Whoami of body_len bytes on a logged-in connection and
 * expects it answered OK. */
static void expect_big_frame_answered(struct harness_server *s, size_t body_len, const char *what)
{
	struct harness_probe *p = probe_begin(s);
	struct client *c = harness_connect_admin(s);
	uint8_t *frame = padded_whoami_frame(99, body_len);
	send_raw(c, frame, FRAME_HEADER_SIZE + body_len);
	free(frame);
	Assure__Response *resp = NULL;
	char *cause = NULL;
	if (client_recv(c, &resp, &cause) != 0)
		fail_msg("%s: no answer: %s", what, cause ? cause : "");
	if (resp->id != 99 || client_status_code(resp) != ASSURE__CODE__OK)
		fail_msg("%s: id %llu status %d: %s", what, (unsigned long long)resp->id,
			 client_status_code(resp), client_status_message(resp));
	assure__response__free_unpacked(resp, NULL);
	/* The connection goes on. */
	assert_int_equal(harness_whoami_code(c), ASSURE__CODE__OK);
	client_free(c);
	probe_end(p, what);
}

static void test_frame_of_20k(void **state)
{
	expect_big_frame_answered(*state, 20 * 1024, "a 20 KiB frame");
}

static void test_frame_of_exactly_max(void **state)
{
	expect_big_frame_answered(*state, 1048576, "a frame of exactly max-frame");
}

static void test_frame_over_max_refused(void **state)
{
	struct harness_server *s = *state;
	struct harness_probe *p = probe_begin(s);
	struct client *c = harness_connect_admin(s);
	size_t body_len = 1048576 + 1;
	uint8_t *frame = padded_whoami_frame(98, body_len);
	/* Only the header is needed for the refusal; the server closes
	 * without reading the body, so sending all of it could block. */
	send_raw(c, frame, FRAME_HEADER_SIZE + 1024);
	free(frame);
	expect_connection_error(c, ASSURE__CODE__RESOURCE_EXHAUSTED, "frame too large");
	client_free(c);
	probe_end(p, "a frame of max-frame + 1");
}

static void test_pipelined_status(void **state)
{
	struct harness_server *s = *state;
	/* Logged in: before login only a few requests a second are served. */
	struct client *c = harness_connect_admin(s);
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
	    cmocka_unit_test(test_split_at_every_byte),
	    cmocka_unit_test(test_one_byte_every_20ms),
	    cmocka_unit_test(test_frame_of_20k),
	    cmocka_unit_test(test_frame_of_exactly_max),
	    cmocka_unit_test(test_frame_over_max_refused),
	    cmocka_unit_test(test_zero_length_frame),
	    cmocka_unit_test(test_garbage_body),
	    cmocka_unit_test(test_pipelined_status),
	    cmocka_unit_test(test_request_without_operation),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
