/*
 * Frames: a 4-byte big-endian length, then that many bytes of one protobuf
 * message. Shared by the server, the client library and the fuzzer.
 * A header is judged before any body byte is awaited or any buffer sized by
 * it is allocated: zero and over-limit lengths are refused at once.
 */
#ifndef ASSURE_FRAME_H
#define ASSURE_FRAME_H

#include <protobuf-c/protobuf-c.h>
#include <stddef.h>
#include <stdint.h>

#define FRAME_HEADER_SIZE 4
#define FRAME_DEFAULT_MAX (1024u * 1024u)

enum frame_result {
	FRAME_OK,	 /* a whole frame is present; *body_len says how long */
	FRAME_NEED_MORE, /* fewer bytes than the header or the body needs */
	FRAME_EMPTY,	 /* length 0: never valid (every message we send is non-empty) */
	FRAME_TOO_LARGE, /* length over max: refuse before allocating */
};

/*
 * Looks at the first avail bytes of buf. Returns FRAME_OK with *body_len set
 * when header and body are all there; FRAME_NEED_MORE when not yet (with
 * *body_len set once the header is complete, 0 before); FRAME_EMPTY or
 * FRAME_TOO_LARGE as soon as the header shows it.
 */
enum frame_result frame_peek(const uint8_t *buf, size_t avail, uint32_t max, uint32_t *body_len);

void frame_put_header(uint8_t out[FRAME_HEADER_SIZE], uint32_t len);
uint32_t frame_get_header(const uint8_t in[FRAME_HEADER_SIZE]);

/*
 * Packs msg into a new buffer holding header and body; *out_len is the
 * whole frame's length. The caller frees it. Returns NULL if the packed
 * message would be empty (a zero-length frame is never valid) or exceed max.
 */
uint8_t *frame_pack(const ProtobufCMessage *msg, uint32_t max, size_t *out_len);

const char *frame_result_str(enum frame_result r);

#endif
