/*
 * Fuzz target for the server's connection read path (server/core/conn.c) without
 * TLS: the input's bytes arrive on one end of a socketpair whose other end
 * is a plain bufferevent taken by conn_attach, exactly as conn_accept hands
 * over a TLS one once its handshake is done. Reading, framing, the
 * watermarks, the pre-login frame limit and rate limits, back-pressure
 * (barriers, max-inflight, unread output), draining and teardown all run
 * as in the daemon.
 *
 * Input layout:
 *   byte 0   knobs: bits 0-1 max-frame, 2-3 pre-login rates, 4-5
 *            max-inflight, 6 the peer ends with EOF (else the server shuts
 *            down), 7 every logged-in call is answered later
 *   byte 1   n, the number of split points (mod 16)
 *   n x 3    a split: offset into the payload (16 bits, big-endian, mod
 *            its length + 1) and an action byte: bits 0-1 extra loop
 *            iterations, 2 the peer reads what it was sent, 3 one call in
 *            progress is answered, 4 all of them are
 *   rest     the payload: the byte stream the peer sends
 * The payload is written up to each split in turn, with the loop run a
 * bounded number of iterations after each, so the same frames are seen cut
 * at different places.
 *
 * on_request is a scripted RPC layer (by design: this target is about
 * conn.c, not the handlers) that plays rpc.c's effects on a
 * connection: Hello, Login and Resume (barriers, answered later, then the
 * connection has a session and larger limits), Logout, and other calls
 * answered at once or later (in progress, counted against max-inflight),
 * with replies whose size the request id chooses so output limits are hit.
 *
 * What must hold (abort otherwise): requests reach on_request only while
 * the connection is open and nothing holds its reading back; everything the
 * server writes is whole Response frames within the frame limit; the loop
 * settles (nothing re-arms itself for ever); after the peer's EOF or a
 * shutdown the connection goes away, and on_close runs once for it.
 */
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "arena.h"
#include "assure.pb-c.h"
#include "conn.h"
#include "frame.h"
#include "log.h"
#include "peers.h"
#include "server.h"
#include "server_config.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t fuzz_replay_reached(void);

/* Callbacks run per loop iteration at most, so a callback that re-arms
 * itself cannot hold one iteration for ever (libevent would otherwise run
 * it again in the same pass). */
#define FUZZ_MAX_CALLBACKS 64
/* Iterations the loop gets to settle, or to close the connection at the
 * end, before that counts as a hang. */
#define FUZZ_SETTLE_ITERATIONS 256
#define FUZZ_MAX_PENDING 512
#define FUZZ_MAX_SPLITS 16
/* Longest reply the scripted layer sends: past the 64 KiB pre-login output limit. */
#define FUZZ_REPLY_MAX 70000

struct pending {
	uint64_t conn_id;
	bool barrier;
	int op;
	bool ok;
	uint64_t id;
	uint32_t reply_len;
};

static struct {
	struct event_base *base;
	char reply_text[FUZZ_REPLY_MAX + 1];
} fz;

/* Per input. */
static struct server srv;
static struct server_config cfg;
static struct pending pending[FUZZ_MAX_PENDING];
static size_t npending;
static bool async_all;
static unsigned closes;
static size_t requests_seen;

/* The peer's side: what the server sent and is not yet parsed. */
static uint8_t *peer_in;
static size_t peer_len, peer_cap;

size_t fuzz_replay_reached(void)
{
	return requests_seen;
}

static void setup_once(void)
{
	if (fz.base != NULL)
		return;
	/* As in main(): before any other libevent call. */
	if (evthread_use_pthreads() != 0)
		abort();
	log_set_level(LOG_LEVEL_ERROR);
	/* As server_run: a peer that vanishes must not kill the process. */
	signal(SIGPIPE, SIG_IGN);
	struct event_config *ec = event_config_new();
	event_config_set_max_dispatch_interval(ec, NULL, FUZZ_MAX_CALLBACKS, 0);
	fz.base = event_base_new_with_config(ec);
	event_config_free(ec);
	if (fz.base == NULL)
		abort();
	memset(fz.reply_text, 'x', FUZZ_REPLY_MAX);
}

/* One loop iteration: poll without blocking, run what is ready (at most
 * FUZZ_MAX_CALLBACKS callbacks), return. */
static void step(void)
{
	event_base_loopexit(fz.base, NULL);
	event_base_loop(fz.base, EVLOOP_NONBLOCK);
}

static bool loop_busy(void)
{
	return event_base_get_num_events(fz.base, EVENT_BASE_COUNT_ACTIVE) > 0;
}

static void settle(void)
{
	for (int i = 0; i < FUZZ_SETTLE_ITERATIONS && loop_busy(); i++)
		step();
	if (loop_busy()) {
		fprintf(stderr, "fuzz_conn: the loop does not settle: an event keeps re-arming\n");
		abort();
	}
}

static void send_reply(struct conn *c, uint64_t id, int code, uint32_t len)
{
	Assure__Status st = ASSURE__STATUS__INIT;
	st.code = code;
	st.message = fz.reply_text + (FUZZ_REPLY_MAX - len);
	Assure__Response resp = ASSURE__RESPONSE__INIT;
	resp.id = id;
	resp.status = &st;
	conn_send_response(c, &resp);
}

/* As rpc_complete does: a result for a connection that went away is
 * dropped; otherwise it is sent and the call finished. */
static void complete(size_t i)
{
	struct pending p = pending[i];
	memmove(&pending[i], &pending[i + 1], (npending - i - 1) * sizeof pending[0]);
	npending--;
	srv.inflight--;
	struct conn *c = conn_find(&srv, p.conn_id);
	if (c == NULL)
		return;
	if (p.ok && (p.op == ASSURE__REQUEST__OP_LOGIN || p.op == ASSURE__REQUEST__OP_RESUME))
		c->has_session = true;
	if (p.op == ASSURE__REQUEST__OP_LOGOUT)
		c->has_session = false;
	send_reply(c, p.id, p.ok ? ASSURE__CODE__OK : ASSURE__CODE__UNAUTHENTICATED, p.reply_len);
	conn_call_finished(c, p.barrier);
}

static void complete_all(void)
{
	while (npending > 0)
		complete(0);
}

static void scripted_request(struct conn *c, struct arena *arena, Assure__Request *req)
{
	/* conn.c's promise: nothing is read while it must wait. */
	if (c->state != CONN_OPEN || c->barrier || c->inflight >= srv.cfg->max_inflight) {
		fprintf(stderr,
			"fuzz_conn: request read while it should wait (state %d, barrier %d, "
			"%u in flight)\n",
			(int)c->state, (int)c->barrier, c->inflight);
		abort();
	}
	requests_seen++;
	int op = (int)req->op_case;
	uint32_t reply_len = (uint32_t)((req->id >> 1) % (FUZZ_REPLY_MAX + 1));
	bool barrier = false, later = false, ok = true;
	switch (op) {
	case ASSURE__REQUEST__OP_HELLO:
		c->hello_done = true;
		break;
	case ASSURE__REQUEST__OP_LOGIN:
		barrier = later = true;
		ok = req->login->username[0] != '\0';
		break;
	case ASSURE__REQUEST__OP_RESUME:
		barrier = later = true;
		ok = req->resume->token.len > 0;
		break;
	case ASSURE__REQUEST__OP_LOGOUT:
		barrier = later = c->has_session;
		break;
	default:
		later = c->has_session && (async_all || (req->id & 1));
		ok = c->has_session || op == ASSURE__REQUEST__OP_STATUS;
		break;
	}
	if (later && npending < FUZZ_MAX_PENDING) {
		pending[npending++] = (struct pending){c->id, barrier, op, ok, req->id, reply_len};
		c->inflight++;
		srv.inflight++;
		if (barrier)
			c->barrier = true;
	} else {
		send_reply(c, req->id, ok ? ASSURE__CODE__OK : ASSURE__CODE__UNAUTHENTICATED,
			   reply_len);
	}
	arena_free(arena);
}

static void scripted_close(struct conn *c)
{
	(void)c;
	closes++;
}

/* Reads what the server sent and checks it frame by frame: each must be a
 * whole Response within the frame limit. A partial frame waits for the
 * rest. */
static void peer_read(int fd)
{
	for (;;) {
		if (peer_cap - peer_len < 65536)
			peer_in = xrealloc(peer_in, peer_cap = peer_len + 65536);
		ssize_t n = read(fd, peer_in + peer_len, peer_cap - peer_len);
		if (n <= 0)
			break;
		peer_len += (size_t)n;
	}
	size_t off = 0;
	for (;;) {
		uint32_t len;
		enum frame_result r =
		    frame_peek(peer_in + off, peer_len - off, (uint32_t)srv.max_frame, &len);
		if (r == FRAME_NEED_MORE)
			break;
		if (r != FRAME_OK) {
			fprintf(stderr, "fuzz_conn: the server sent a bad frame header (%d)\n",
				(int)r);
			abort();
		}
		Assure__Response *resp =
		    assure__response__unpack(NULL, len, peer_in + off + FRAME_HEADER_SIZE);
		if (resp == NULL) {
			fprintf(stderr,
				"fuzz_conn: the server sent a frame that is not a Response\n");
			abort();
		}
		assure__response__free_unpacked(resp, NULL);
		off += FRAME_HEADER_SIZE + len;
	}
	memmove(peer_in, peer_in + off, peer_len - off);
	peer_len -= off;
}

/* Writes payload[*pos, upto) as far as the socket takes it now. */
static void feed(int fd, const uint8_t *payload, size_t *pos, size_t upto)
{
	while (*pos < upto) {
		ssize_t n = write(fd, payload + *pos, upto - *pos);
		if (n <= 0)
			return; /* full: the server is not reading; the rest waits */
		*pos += (size_t)n;
	}
}

static const char *const max_frames[] = {"64", "256", "4K", "1M"};
static const char *const preauth_rates[][2] = {
    {"1", "1000000"}, {"10", "100"}, {"100000", "1000000"}, {"1000", "1"}};
static const char *const inflights[] = {"1", "2", "4", "256"};

/* The daemon's settings for this input, through the real option parser. */
static void load_config(uint8_t knobs)
{
	char *argv[] = {
	    (char *)"assured",
	    (char *)"--max-frame",
	    (char *)max_frames[knobs & 3],
	    (char *)"--preauth-rate",
	    (char *)preauth_rates[(knobs >> 2) & 3][0],
	    (char *)"--preauth-rate-per-address",
	    (char *)preauth_rates[(knobs >> 2) & 3][1],
	    (char *)"--max-inflight",
	    (char *)inflights[(knobs >> 4) & 3],
	};
	char *cause = NULL;
	if (server_config_load(&cfg, (int)(sizeof argv / sizeof argv[0]), argv, stderr, &cause) !=
	    0) {
		fprintf(stderr, "fuzz_conn: config: %s\n", cause ? cause : "?");
		abort();
	}
}

struct split {
	size_t at;
	uint8_t action;
};

static int by_offset(const void *a, const void *b)
{
	const struct split *x = a, *y = b;
	return x->at < y->at ? -1 : x->at > y->at;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup_once();
	if (size < 2)
		return 0;
	uint8_t knobs = data[0];
	size_t nsplits = data[1] % FUZZ_MAX_SPLITS;
	if (size < 2 + 3 * nsplits)
		return 0;
	const uint8_t *payload = data + 2 + 3 * nsplits;
	size_t plen = size - 2 - 3 * nsplits;
	struct split splits[FUZZ_MAX_SPLITS + 1];
	for (size_t i = 0; i < nsplits; i++) {
		const uint8_t *s = data + 2 + 3 * i;
		splits[i].at = (((size_t)s[0] << 8) | s[1]) % (plen + 1);
		splits[i].action = s[2];
	}
	qsort(splits, nsplits, sizeof splits[0], by_offset);
	splits[nsplits++] = (struct split){plen, 0x04};

	load_config(knobs);
	memset(&srv, 0, sizeof srv);
	srv.cfg = &cfg;
	srv.base = fz.base;
	srv.max_frame = (uint32_t)cfg.max_frame;
	srv.on_request = scripted_request;
	srv.on_close = scripted_close;
	srv.peers = peers_new();
	srv.nslots = 2;
	srv.slots = xcalloc(srv.nslots, sizeof *srv.slots);
	async_all = knobs & 0x80;
	npending = 0;
	closes = 0;
	peer_len = 0;

	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		abort();
	evutil_make_socket_nonblocking(sv[0]);
	evutil_make_socket_nonblocking(sv[1]);
	struct bufferevent *bev = bufferevent_socket_new(fz.base, sv[0], BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		abort();
	/* What conn_accept adds to an attached connection: its address. */
	struct conn *c = conn_attach(&srv, bev, "127.0.0.1:1", true);
	c->from = peers_get(srv.peers, "127.0.0.1");
	c->from->nconns++;
	uint64_t id = c->id;

	size_t pos = 0;
	for (size_t i = 0; i < nsplits; i++) {
		uint8_t a = splits[i].action;
		feed(sv[1], payload, &pos, splits[i].at);
		for (int k = 0; k <= (a & 3); k++)
			step();
		if (a & 0x04)
			peer_read(sv[1]);
		if ((a & 0x08) && npending > 0)
			complete(0);
		if (a & 0x10)
			complete_all();
		step();
	}
	/* The rest of the payload, if back-pressure held it up, with every
	 * call answered and every reply read so reading can resume. */
	for (int k = 0; k < FUZZ_SETTLE_ITERATIONS && pos < plen && conn_find(&srv, id); k++) {
		complete_all();
		peer_read(sv[1]);
		step();
		feed(sv[1], payload, &pos, plen);
	}
	complete_all();
	peer_read(sv[1]);
	settle();

	/* The end: the peer's EOF, or the server shutting down. */
	if (knobs & 0x40)
		shutdown(sv[1], SHUT_WR);
	else if (conn_find(&srv, id) != NULL) {
		srv.stopping = true; /* as server.c does: no lingering close */
		conn_stop_all(&srv);
	}
	for (int k = 0; k < FUZZ_SETTLE_ITERATIONS && srv.nconns > 0; k++) {
		complete_all();
		peer_read(sv[1]);
		step();
	}
	srv.stopping = false;
	if (srv.nconns > 0) {
		fprintf(stderr, "fuzz_conn: the connection outlived %s\n",
			knobs & 0x40 ? "the peer's EOF" : "the shutdown");
		abort();
	}
	peer_read(sv[1]);
	settle();
	if (closes != 1) {
		fprintf(stderr, "fuzz_conn: on_close ran %u times for one connection\n", closes);
		abort();
	}
	close(sv[1]);
	free(srv.slots);
	peers_free(srv.peers);
	server_config_free(&cfg);
	return 0;
}
