/*
 * Frames are the first thing a peer controls, so these tests hold frame.c
 * to its header-first promise: every split of a valid frame, the length
 * limits on both sides of max, and bodies that are not protobuf at all.
 * Prefixes are copied into heap buffers of exactly their length so that
 * AddressSanitizer flags any read past what frame_peek was given.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "assure.pb-c.h"
#include "frame.h"

/* A heap copy of the first n bytes, so reading byte n is an ASan error. */
static uint8_t *exact_copy(const uint8_t *src, size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	assert_non_null(p);
	if (n)
		memcpy(p, src, n);
	return p;
}

static enum frame_result peek_exact(const uint8_t *buf, size_t avail, uint32_t max,
				    uint32_t *body_len)
{
	uint8_t *copy = exact_copy(buf, avail);
	enum frame_result r = frame_peek(copy, avail, max, body_len);
	free(copy);
	return r;
}

static uint8_t *pack_hello(uint64_t id, size_t *len)
{
	Assure__HelloRequest hello = ASSURE__HELLO_REQUEST__INIT;
	hello.protocol_version = 1;
	hello.client_name = "test_frame";
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.id = id;
	req.op_case = ASSURE__REQUEST__OP_HELLO;
	req.hello = &hello;
	uint8_t *buf = frame_pack(&req.base, FRAME_DEFAULT_MAX, len);
	assert_non_null(buf);
	return buf;
}

static void test_header_big_endian(void **state)
{
	(void)state;
	uint8_t h[FRAME_HEADER_SIZE];
	frame_put_header(h, 0x01020304u);
	assert_int_equal(h[0], 0x01);
	assert_int_equal(h[1], 0x02);
	assert_int_equal(h[2], 0x03);
	assert_int_equal(h[3], 0x04);
	assert_int_equal(frame_get_header(h), 0x01020304u);

	const uint8_t all[FRAME_HEADER_SIZE] = {0xff, 0xff, 0xff, 0xff};
	assert_int_equal(frame_get_header(all), 0xffffffffu);
	const uint8_t top[FRAME_HEADER_SIZE] = {0x80, 0x00, 0x00, 0x01};
	assert_int_equal(frame_get_header(top), 0x80000001u);
}

static void test_round_trip(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = pack_hello(42, &len);
	assert_true(len > FRAME_HEADER_SIZE);
	assert_int_equal(frame_get_header(buf), len - FRAME_HEADER_SIZE);

	uint32_t body_len = 0;
	assert_int_equal(frame_peek(buf, len, FRAME_DEFAULT_MAX, &body_len), FRAME_OK);
	assert_int_equal(body_len, len - FRAME_HEADER_SIZE);

	Assure__Request *req = assure__request__unpack(NULL, body_len, buf + FRAME_HEADER_SIZE);
	assert_non_null(req);
	assert_true(protobuf_c_message_check(&req->base));
	assert_int_equal(req->id, 42);
	assert_int_equal(req->op_case, ASSURE__REQUEST__OP_HELLO);
	assert_non_null(req->hello);
	assert_int_equal(req->hello->protocol_version, 1);
	assert_string_equal(req->hello->client_name, "test_frame");
	assure__request__free_unpacked(req, NULL);
	free(buf);
}

static void test_every_split(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = pack_hello(7, &len);
	uint32_t want = (uint32_t)(len - FRAME_HEADER_SIZE);
	for (size_t k = 0; k <= len; k++) {
		uint32_t body_len = 0xdeadbeef;
		enum frame_result r = peek_exact(buf, k, FRAME_DEFAULT_MAX, &body_len);
		if (k < FRAME_HEADER_SIZE) {
			assert_int_equal(r, FRAME_NEED_MORE);
			assert_int_equal(body_len, 0);
		} else if (k < len) {
			assert_int_equal(r, FRAME_NEED_MORE);
			assert_int_equal(body_len, want);
		} else {
			assert_int_equal(r, FRAME_OK);
			assert_int_equal(body_len, want);
		}
	}
	free(buf);
}

static void test_zero_length(void **state)
{
	(void)state;
	uint8_t buf[8] = {0, 0, 0, 0, 0x08, 0x01, 0x08, 0x02};
	uint32_t body_len = 99;
	assert_int_equal(peek_exact(buf, 4, FRAME_DEFAULT_MAX, &body_len), FRAME_EMPTY);
	assert_int_equal(body_len, 0);
	/* Bytes after the header must not make an empty frame acceptable. */
	assert_int_equal(peek_exact(buf, sizeof buf, FRAME_DEFAULT_MAX, &body_len), FRAME_EMPTY);
	/* Even with a limit of 0 the verdict is "empty", not "too large". */
	assert_int_equal(peek_exact(buf, 4, 0, &body_len), FRAME_EMPTY);
}

static void test_exactly_limit(void **state)
{
	(void)state;
	const uint32_t max = 64;
	uint8_t buf[FRAME_HEADER_SIZE + 64];
	memset(buf, 0x5a, sizeof buf);
	frame_put_header(buf, max);
	uint32_t body_len = 0;
	/* The header alone says "wait": a limit-sized frame is legal. */
	assert_int_equal(peek_exact(buf, FRAME_HEADER_SIZE, max, &body_len), FRAME_NEED_MORE);
	assert_int_equal(body_len, max);
	assert_int_equal(peek_exact(buf, sizeof buf - 1, max, &body_len), FRAME_NEED_MORE);
	assert_int_equal(peek_exact(buf, sizeof buf, max, &body_len), FRAME_OK);
	assert_int_equal(body_len, max);

	/* The same at the default limit, with a real 1 MiB body. */
	size_t n = FRAME_HEADER_SIZE + FRAME_DEFAULT_MAX;
	uint8_t *big = calloc(1, n);
	assert_non_null(big);
	frame_put_header(big, FRAME_DEFAULT_MAX);
	assert_int_equal(frame_peek(big, n, FRAME_DEFAULT_MAX, &body_len), FRAME_OK);
	assert_int_equal(body_len, FRAME_DEFAULT_MAX);
	assert_int_equal(frame_peek(big, n - 1, FRAME_DEFAULT_MAX, &body_len), FRAME_NEED_MORE);
	free(big);
}

static void test_one_over_limit(void **state)
{
	(void)state;
	uint8_t h[FRAME_HEADER_SIZE];
	uint32_t body_len = 99;
	/* Only the 4 header bytes exist: the verdict may not wait for more. */
	frame_put_header(h, 65);
	assert_int_equal(peek_exact(h, sizeof h, 64, &body_len), FRAME_TOO_LARGE);
	assert_int_equal(body_len, 0);
	frame_put_header(h, FRAME_DEFAULT_MAX + 1);
	assert_int_equal(peek_exact(h, sizeof h, FRAME_DEFAULT_MAX, &body_len), FRAME_TOO_LARGE);
	assert_int_equal(body_len, 0);
}

static void test_max_u32_length(void **state)
{
	(void)state;
	uint8_t h[FRAME_HEADER_SIZE] = {0xff, 0xff, 0xff, 0xff};
	uint32_t body_len = 99;
	assert_int_equal(peek_exact(h, sizeof h, FRAME_DEFAULT_MAX, &body_len), FRAME_TOO_LARGE);
	assert_int_equal(body_len, 0);
	assert_int_equal(peek_exact(h, sizeof h, 64, &body_len), FRAME_TOO_LARGE);
	/* With no effective limit the arithmetic must still not wrap into
	 * claiming the body is present. */
	assert_int_equal(peek_exact(h, sizeof h, UINT32_MAX, &body_len), FRAME_NEED_MORE);
	assert_int_equal(body_len, UINT32_MAX);
}

/* Bodies that are framed correctly but are not a Request. */
static const struct {
	const char *what;
	uint8_t bytes[12];
	size_t len;
} garbage[] = {
    {"field number 0", {0x00}, 1},
    {"truncated varint", {0x08, 0x80}, 2},
    {"varint longer than 10 bytes",
     {0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
     12},
    {"sub-message longer than the body", {0x52, 0x05, 0x08, 0x01}, 4},
    {"string longer than the body", {0x52, 0x03, 0x12, 0x09, 'x'}, 5},
    {"end-group without start", {0x0c}, 1},
    {"wire type 7", {0x0f}, 1},
    {"uint64 id sent as a fixed32 cut short", {0x0d, 0x01}, 2},
};

static void test_garbage_bodies(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof garbage / sizeof garbage[0]; i++) {
		uint8_t frame[FRAME_HEADER_SIZE + sizeof garbage[0].bytes];
		frame_put_header(frame, (uint32_t)garbage[i].len);
		memcpy(frame + FRAME_HEADER_SIZE, garbage[i].bytes, garbage[i].len);
		uint32_t body_len = 0;
		assert_int_equal(frame_peek(frame, FRAME_HEADER_SIZE + garbage[i].len,
					    FRAME_DEFAULT_MAX, &body_len),
				 FRAME_OK);
		assert_int_equal(body_len, garbage[i].len);

		uint8_t *body = exact_copy(frame + FRAME_HEADER_SIZE, body_len);
		Assure__Request *req = assure__request__unpack(NULL, body_len, body);
		if (req != NULL)
			fail_msg("unpack accepted garbage: %s", garbage[i].what);
		/* Through an arena, as the server does: nothing may leak or
		 * be half-freed on the failure path. */
		struct arena *a = arena_new();
		req = assure__request__unpack(arena_allocator(a), body_len, body);
		if (req != NULL)
			fail_msg("arena unpack accepted garbage: %s", garbage[i].what);
		arena_free(a);
		free(body);
	}
}

static void test_pack_refuses_over_max(void **state)
{
	(void)state;
	char password[200];
	memset(password, 'p', sizeof password - 1);
	password[sizeof password - 1] = '\0';
	Assure__LoginRequest login = ASSURE__LOGIN_REQUEST__INIT;
	login.username = "alice";
	login.password = password;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.id = 1;
	req.op_case = ASSURE__REQUEST__OP_LOGIN;
	req.login = &login;
	size_t body = protobuf_c_message_get_packed_size(&req.base);
	assert_true(body > 200);

	size_t len = 12345;
	assert_null(frame_pack(&req.base, (uint32_t)body - 1, &len));
	assert_int_equal(len, 0);
	assert_null(frame_pack(&req.base, 64, &len));

	uint8_t *buf = frame_pack(&req.base, (uint32_t)body, &len);
	assert_non_null(buf);
	assert_int_equal(len, FRAME_HEADER_SIZE + body);
	uint32_t body_len;
	assert_int_equal(frame_peek(buf, len, (uint32_t)body, &body_len), FRAME_OK);
	free(buf);
}

static void test_back_to_back(void **state)
{
	(void)state;
	size_t l1, l2;
	uint8_t *f1 = pack_hello(1, &l1);
	uint8_t *f2 = pack_hello(2, &l2);
	uint8_t *stream = malloc(l1 + l2);
	assert_non_null(stream);
	memcpy(stream, f1, l1);
	memcpy(stream + l1, f2, l2);

	size_t off = 0;
	uint64_t want_id = 1;
	for (;;) {
		uint32_t body_len;
		enum frame_result r =
		    frame_peek(stream + off, l1 + l2 - off, FRAME_DEFAULT_MAX, &body_len);
		if (r == FRAME_NEED_MORE)
			break;
		assert_int_equal(r, FRAME_OK);
		Assure__Request *req =
		    assure__request__unpack(NULL, body_len, stream + off + FRAME_HEADER_SIZE);
		assert_non_null(req);
		assert_int_equal(req->id, want_id);
		assure__request__free_unpacked(req, NULL);
		want_id++;
		off += FRAME_HEADER_SIZE + body_len;
	}
	assert_int_equal(want_id, 3);
	assert_int_equal(off, l1 + l2);
	free(stream);
	free(f1);
	free(f2);
}

static void test_result_str(void **state)
{
	(void)state;
	const enum frame_result all[] = {FRAME_OK, FRAME_NEED_MORE, FRAME_EMPTY, FRAME_TOO_LARGE};
	for (size_t i = 0; i < 4; i++) {
		assert_non_null(frame_result_str(all[i]));
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(frame_result_str(all[i]), frame_result_str(all[j]));
	}
	assert_string_equal(frame_result_str(FRAME_TOO_LARGE), "frame too large");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_big_endian),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_every_split),
	    cmocka_unit_test(test_zero_length),
	    cmocka_unit_test(test_exactly_limit),
	    cmocka_unit_test(test_one_over_limit),
	    cmocka_unit_test(test_max_u32_length),
	    cmocka_unit_test(test_garbage_bodies),
	    cmocka_unit_test(test_pack_refuses_over_max),
	    cmocka_unit_test(test_back_to_back),
	    cmocka_unit_test(test_result_str),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
