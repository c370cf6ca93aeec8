/*
 * Frame header checks and packing. Pure functions over byte buffers, so the
 * same code runs in the daemon, the client library and the fuzz target.
 */
#include "frame.h"

#include "xmalloc.h"

uint32_t frame_get_header(const uint8_t in[FRAME_HEADER_SIZE])
{
	return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 | (uint32_t)in[2] << 8 |
	       (uint32_t)in[3];
}

void frame_put_header(uint8_t out[FRAME_HEADER_SIZE], uint32_t len)
{
	out[0] = (uint8_t)(len >> 24);
	out[1] = (uint8_t)(len >> 16);
	out[2] = (uint8_t)(len >> 8);
	out[3] = (uint8_t)len;
}

enum frame_result frame_peek(const uint8_t *buf, size_t avail, uint32_t max, uint32_t *body_len)
{
	*body_len = 0;
	if (avail < FRAME_HEADER_SIZE)
		return FRAME_NEED_MORE;
	uint32_t len = frame_get_header(buf);
	if (len == 0)
		return FRAME_EMPTY;
	if (len > max)
		return FRAME_TOO_LARGE;
	*body_len = len;
	if (avail - FRAME_HEADER_SIZE < len)
		return FRAME_NEED_MORE;
	return FRAME_OK;
}

uint8_t *frame_pack(const ProtobufCMessage *msg, uint32_t max, size_t *out_len)
{
	size_t body = protobuf_c_message_get_packed_size(msg);
	/* An empty body would be a zero-length frame, which every reader
	 * refuses; refuse it here too rather than send it. */
	if (body == 0 || body > max) {
		*out_len = 0;
		return NULL;
	}
	uint8_t *buf = xmalloc(FRAME_HEADER_SIZE + body);
	frame_put_header(buf, (uint32_t)body);
	protobuf_c_message_pack(msg, buf + FRAME_HEADER_SIZE);
	*out_len = FRAME_HEADER_SIZE + body;
	return buf;
}

const char *frame_result_str(enum frame_result r)
{
	switch (r) {
	case FRAME_OK:
		return "ok";
	case FRAME_NEED_MORE:
		return "incomplete frame";
	case FRAME_EMPTY:
		return "empty frame";
	case FRAME_TOO_LARGE:
		return "frame too large";
	}
	return "unknown frame result";
}
