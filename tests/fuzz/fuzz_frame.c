/*
 * Fuzz target for the daemon's input path: the bytes are a TLS stream as
 * the server sees it after decryption. It is cut into frames exactly as the
 * connection code does (frame_peek, then unpack the body into a per-call
 * arena), and each request that decodes is walked, re-packed and decoded
 * again, so a dangling pointer or a length the decoder got wrong shows up
 * under AddressSanitizer. The stream is run twice: with the default 1 MiB
 * limit and with a 64-byte one, so both the accept and the refuse branches
 * of the header check see every input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "assure.pb-c.h"
#include "frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the compiler from dropping the reads in touch_request. */
static volatile size_t fuzz_sink;

/* Reads every byte a handler could read, so ASan sees a bad pointer here
 * rather than in production. */
static size_t touch_string(const char *s)
{
	return s != NULL ? strlen(s) : 0;
}

static size_t touch_bytes(ProtobufCBinaryData b)
{
	size_t sum = 0;
	for (size_t i = 0; i < b.len; i++)
		sum += b.data[i];
	return sum;
}

static size_t touch_request(const Assure__Request *req)
{
	switch (req->op_case) {
	case ASSURE__REQUEST__OP_HELLO:
		return req->hello->protocol_version + touch_string(req->hello->client_name);
	case ASSURE__REQUEST__OP_LOGIN:
		return touch_string(req->login->username) + touch_string(req->login->password) +
		       touch_string(req->login->role);
	case ASSURE__REQUEST__OP_RESUME:
		return touch_bytes(req->resume->token);
	case ASSURE__REQUEST__OP_PASSWORD_CHANGE:
		return touch_string(req->password_change->old_password) +
		       touch_string(req->password_change->new_password);
	default:
		return 0;
	}
}

/* The message inside the oneof, or NULL. Requests nest one level only. */
static const ProtobufCMessage *request_op(const Assure__Request *req)
{
	switch (req->op_case) {
	case ASSURE__REQUEST__OP_HELLO:
		return &req->hello->base;
	case ASSURE__REQUEST__OP_STATUS:
		return &req->status->base;
	case ASSURE__REQUEST__OP_LOGIN:
		return &req->login->base;
	case ASSURE__REQUEST__OP_RESUME:
		return &req->resume->base;
	case ASSURE__REQUEST__OP_WHOAMI:
		return &req->whoami->base;
	case ASSURE__REQUEST__OP_LOGOUT:
		return &req->logout->base;
	case ASSURE__REQUEST__OP_PASSWORD_CHANGE:
		return &req->password_change->base;
	default:
		return NULL;
	}
}

/*
 * What decoded once must pack to the size it promised and decode again:
 * the server packs messages built from request fields, and the client
 * decodes them. Unknown fields are exempt from the second decode:
 * libprotobuf-c 1.4 accepts field number 0 spelled as a two-byte varint
 * (80 00), keeps it as an unknown field and packs it back as 00, which it
 * then refuses. We never re-send a peer's unknown fields, so that quirk
 * cannot reach a client.
 */
static void repack(const Assure__Request *req, struct arena *a)
{
	size_t n = assure__request__get_packed_size(req);
	uint8_t *buf = arena_alloc(a, n);
	if (assure__request__pack(req, buf) != n)
		abort();
	const ProtobufCMessage *op = request_op(req);
	if (req->base.n_unknown_fields > 0 || (op != NULL && op->n_unknown_fields > 0))
		return;
	Assure__Request *again = assure__request__unpack(arena_allocator(a), n, buf);
	if (again == NULL || again->id != req->id || again->op_case != req->op_case)
		abort();
}

static void run_stream(const uint8_t *data, size_t size, uint32_t max)
{
	size_t off = 0;
	for (;;) {
		uint32_t body_len;
		/* NEED_MORE at the end of the input is a peer that stopped
		 * mid-frame; EMPTY and TOO_LARGE close the connection. */
		if (frame_peek(data + off, size - off, max, &body_len) != FRAME_OK)
			return;
		if (body_len == 0 || body_len > max || body_len > size - off - FRAME_HEADER_SIZE)
			abort();
		const uint8_t *body = data + off + FRAME_HEADER_SIZE;
		struct arena *a = arena_new();
		Assure__Request *req = assure__request__unpack(arena_allocator(a), body_len, body);
		if (req != NULL && protobuf_c_message_check(&req->base)) {
			fuzz_sink += touch_request(req);
			repack(req, a);
		}
		if (req != NULL)
			assure__request__free_unpacked(req, arena_allocator(a));
		arena_free(a);
		off += FRAME_HEADER_SIZE + body_len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	run_stream(data, size, FRAME_DEFAULT_MAX);
	run_stream(data, size, 64);
	return 0;
}
