/*
 * Writes the seed corpora of the fuzz targets from real messages, built
 * with the generated protocol code and the integration harness's request
 * builders (so they are what a client sends), in each target's input
 * layout (see the head comment of each fuzz_<target>.c):
 *
 *   fuzz_seeds DIR     writes DIR/conn/ and DIR/request/
 *
 * The files are committed under tests/fuzz/corpus/; this program is how
 * they were made and how to remake them after a .proto change. Output is
 * deterministic except where a file says otherwise (concern and review
 * references carry the year they were made in).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "assure.pb-c.h"
#include "frame.h"
#include "harness.h"
#include "xmalloc.h"

/* A growing byte string. */
struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->cap - b->n < n)
		b->p = xrealloc(b->p, b->cap = (b->n + n) * 2 + 64);
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void buf_byte(struct buf *b, uint8_t v)
{
	buf_put(b, &v, 1);
}

/* One frame: header and the packed request with id. */
static void put_request(struct buf *b, Assure__Request *req, uint64_t id)
{
	req->id = id;
	size_t n = assure__request__get_packed_size(req);
	uint8_t *body = xmalloc(n + 1);
	assure__request__pack(req, body);
	uint8_t hdr[FRAME_HEADER_SIZE];
	frame_put_header(hdr, (uint32_t)n);
	buf_put(b, hdr, sizeof hdr);
	buf_put(b, body, n);
	free(body);
}

static void put_raw_frame(struct buf *b, uint32_t len, const void *body, size_t n)
{
	uint8_t hdr[FRAME_HEADER_SIZE];
	frame_put_header(hdr, len);
	buf_put(b, hdr, sizeof hdr);
	buf_put(b, body, n);
}

static const char *outdir;

static void write_seed(const char *target, const char *name, const struct buf *b)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", outdir, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "fuzz_seeds: mkdir %s: %s\n", path, strerror(errno));
		exit(1);
	}
	snprintf(path, sizeof path, "%s/%s/%s.bin", outdir, target, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(b->p, 1, b->n, f) != b->n || fclose(f) != 0) {
		fprintf(stderr, "fuzz_seeds: cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* --- conn ---------------------------------------------------------------- */

/* fuzz_conn's knobs (byte 0). */
#define K_FRAME_64 0x00
#define K_FRAME_256 0x01
#define K_FRAME_4K 0x02
#define K_FRAME_1M 0x03
#define K_RATE_1 0x00	   /* 1/s per connection */
#define K_RATE_10 0x04	   /* the defaults' order of magnitude */
#define K_RATE_HIGH 0x08   /* out of the way */
#define K_RATE_ADDR_1 0x0c /* 1/s per address */
#define K_INFLIGHT_1 0x00
#define K_INFLIGHT_2 0x10
#define K_INFLIGHT_256 0x30
#define K_EOF 0x40
#define K_ASYNC 0x80
/* Split actions. */
#define A_READ 0x04
#define A_FINISH_ONE 0x08
#define A_FINISH_ALL 0x10

struct conn_seed {
	uint8_t knobs;
	size_t nsplits;
	uint16_t at[15];
	uint8_t action[15];
	struct buf payload;
};

static void conn_split(struct conn_seed *s, size_t at, uint8_t action)
{
	if (s->nsplits < 15) {
		s->at[s->nsplits] = (uint16_t)at;
		s->action[s->nsplits++] = action;
	}
}

static void conn_write(const char *name, struct conn_seed *s)
{
	struct buf b = {0};
	buf_byte(&b, s->knobs);
	buf_byte(&b, (uint8_t)s->nsplits);
	for (size_t i = 0; i < s->nsplits; i++) {
		buf_byte(&b, (uint8_t)(s->at[i] >> 8));
		buf_byte(&b, (uint8_t)s->at[i]);
		buf_byte(&b, s->action[i]);
	}
	buf_put(&b, s->payload.p, s->payload.n);
	write_seed("conn", name, &b);
	free(b.p);
	free(s->payload.p);
	memset(s, 0, sizeof *s);
}

static void put_hello(struct buf *b, uint64_t id)
{
	struct harness_req r;
	harness_req_hello(&r, 1);
	put_request(b, &r.req, id);
}

static void put_status(struct buf *b, uint64_t id)
{
	struct harness_req r;
	harness_req_status(&r);
	put_request(b, &r.req, id);
}

static void put_login(struct buf *b, uint64_t id)
{
	struct harness_req r;
	harness_req_login(&r, HARNESS_ADMIN, HARNESS_PASSWORD);
	put_request(b, &r.req, id);
}

static void put_whoami(struct buf *b, uint64_t id)
{
	struct harness_req r;
	harness_req_whoami(&r);
	put_request(b, &r.req, id);
}

static void put_logout(struct buf *b, uint64_t id)
{
	struct harness_req r;
	harness_req_logout(&r);
	put_request(b, &r.req, id);
}

static void put_user_list(struct buf *b, uint64_t id)
{
	struct harness_ireq r;
	harness_ireq_user_list(&r, NULL, NULL, ASSURE__USER_STATE_FILTER__USERS_ALL, 0, NULL);
	put_request(b, &r.req, id);
}

static void conn_seeds(void)
{
	struct conn_seed s = {0};
	static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x13, 0x37};

	s.knobs = K_FRAME_1M | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	put_status(&s.payload, 2);
	conn_write("hello_status", &s);

	/* The same cut at many places, the peer reading in between. */
	s.knobs = K_FRAME_1M | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	put_status(&s.payload, 2);
	for (size_t at = 1; at < s.payload.n && s.nsplits < 15; at += 3)
		conn_split(&s, at, A_READ);
	conn_write("hello_status_split", &s);

	/* One byte of the header, then the rest. */
	s.knobs = K_FRAME_1M | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	conn_split(&s, 1, 0);
	conn_split(&s, 3, 0);
	conn_split(&s, 4, A_READ);
	conn_write("header_in_pieces", &s);

	/* A session: Login is a barrier answered later, then larger limits. */
	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	put_login(&s.payload, 2);
	size_t after_login = s.payload.n;
	put_whoami(&s.payload, 4);
	put_user_list(&s.payload, 5);
	put_logout(&s.payload, 6);
	put_status(&s.payload, 8);
	conn_split(&s, after_login, A_READ);
	conn_split(&s, after_login, A_FINISH_ALL | A_READ);
	conn_write("login_calls_logout", &s);

	/* Calls answered later against max-inflight 1: reading pauses. */
	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_1 | K_ASYNC;
	put_hello(&s.payload, 1);
	put_login(&s.payload, 2);
	for (uint64_t id = 3; id < 9; id++)
		put_whoami(&s.payload, id);
	conn_split(&s, s.payload.n, A_FINISH_ONE);
	conn_split(&s, s.payload.n, A_FINISH_ONE | A_READ);
	conn_split(&s, s.payload.n, A_FINISH_ONE);
	conn_write("inflight_one", &s);

	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_2 | K_ASYNC | K_EOF;
	put_hello(&s.payload, 1);
	put_login(&s.payload, 2);
	for (uint64_t id = 3; id < 12; id++)
		put_user_list(&s.payload, id);
	conn_write("inflight_two_eof", &s);

	/* Replies past the 64 KiB pre-login output limit (the stub's reply
	 * length is id / 2): reading pauses until the peer reads. */
	s.knobs = K_FRAME_1M | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	for (int i = 0; i < 4; i++)
		put_status(&s.payload, 139000 + (uint64_t)i);
	conn_split(&s, s.payload.n, 0);
	conn_split(&s, s.payload.n, A_READ);
	conn_write("large_replies", &s);

	/* A reply over a small max-frame (replaced by INTERNAL), and one whose
	 * replacement does not fit either (a long id under 64 bytes). */
	s.knobs = K_FRAME_64 | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 200);
	put_status(&s.payload, UINT64_C(1) << 62);
	conn_write("reply_over_max_frame", &s);

	s.knobs = K_FRAME_1M | K_RATE_HIGH | K_INFLIGHT_256;
	put_raw_frame(&s.payload, 0, NULL, 0);
	conn_write("empty_frame", &s);

	/* Over the 64 KiB pre-login limit, under max-frame. */
	s.knobs = K_FRAME_1M | K_RATE_HIGH | K_INFLIGHT_256;
	put_raw_frame(&s.payload, 65 * 1024, garbage, sizeof garbage);
	conn_write("over_preauth_limit", &s);

	s.knobs = K_FRAME_256 | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	put_raw_frame(&s.payload, 257, garbage, sizeof garbage);
	conn_write("over_max_frame", &s);

	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	put_raw_frame(&s.payload, sizeof garbage, garbage, sizeof garbage);
	put_status(&s.payload, 3);
	conn_write("garbage_body", &s);

	/* The peer goes away in the middle of a frame. */
	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_256 | K_EOF;
	put_hello(&s.payload, 1);
	put_status(&s.payload, 2);
	s.payload.n -= 3;
	conn_write("eof_mid_frame", &s);

	/* And in the middle of a Login (a barrier in flight). */
	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_256 | K_EOF;
	put_hello(&s.payload, 1);
	put_login(&s.payload, 2);
	put_whoami(&s.payload, 3);
	conn_write("eof_during_login", &s);

	/* Pre-login rate limits: per connection, then per address. */
	s.knobs = K_FRAME_4K | K_RATE_1 | K_INFLIGHT_256;
	for (uint64_t id = 1; id < 6; id++)
		put_status(&s.payload, id);
	conn_write("preauth_rate", &s);

	s.knobs = K_FRAME_4K | K_RATE_ADDR_1 | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	for (uint64_t id = 2; id < 6; id++)
		put_status(&s.payload, id);
	conn_write("preauth_rate_address", &s);

	/* Many small frames in one write. */
	s.knobs = K_FRAME_256 | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	for (uint64_t id = 2; id < 40; id++)
		put_status(&s.payload, id);
	conn_write("pipeline", &s);

	/* Shut down with calls in flight. */
	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_256 | K_ASYNC;
	put_hello(&s.payload, 1);
	put_login(&s.payload, 2);
	conn_split(&s, s.payload.n, A_FINISH_ALL);
	put_whoami(&s.payload, 3);
	put_user_list(&s.payload, 5);
	conn_write("shutdown_in_flight", &s);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	conn_seeds();
	return 0;
}
