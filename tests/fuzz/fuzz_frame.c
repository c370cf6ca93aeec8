/*
 * Fuzz target for the daemon's input path: the bytes are a TLS stream as
 * the server sees it after decryption. It is cut into frames exactly as the
 * connection code does (frame_peek, then unpack the body into a per-call
 * arena), and each request that decodes is walked (every string and bytes
 * field of every operation), re-packed and decoded again, so a dangling pointer or a length the
 * decoder got wrong shows up under AddressSanitizer. The stream is run twice: with the default 1
 * MiB limit and with a 64-byte one, so both the accept and the refuse branches of the header check
 * see every input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "assure.pb-c.h"
#include "frame.h"
#include "fuzz_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t fuzz_replay_reached(void);

/* Keeps the compiler from dropping the reads in fuzz_walk_touch. */
static volatile size_t fuzz_sink;
/* Requests that decoded: the replay driver's proof that the seeds still
 * reach the decoder after a .proto change. */
static size_t decoded;

size_t fuzz_replay_reached(void)
{
	return decoded;
}

/*
 * What decoded once must pack to the size it promised and decode again:
 * the server packs messages built from request fields, and the client
 * decodes them. Messages with unknown fields anywhere in the tree are
 * exempt from the second decode: libprotobuf-c 1.4 accepts field number 0
 * spelled as a two-byte varint (80 00), keeps it as an unknown field and
 * packs it back as 00, which it then refuses. We never re-send a peer's
 * unknown fields, so that quirk cannot reach a client. The walk goes by
 * the descriptors, so every operation is judged alike: an earlier version
 * knew seven of them and aborted on the quirk inside any other, a frame
 * the server handles.
 */
static void repack(const Assure__Request *req, struct arena *a)
{
	size_t n = assure__request__get_packed_size(req);
	uint8_t *buf = arena_alloc(a, n);
	if (assure__request__pack(req, buf) != n)
		abort();
	if (fuzz_walk_has_unknown(&req->base))
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
		if (req != NULL)
			decoded++;
		if (req != NULL && protobuf_c_message_check(&req->base)) {
			fuzz_sink += fuzz_walk_touch(&req->base);
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
