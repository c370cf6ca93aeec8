/*
 * Connections: accept, TLS handshake, framing, timeouts, back-pressure and
 * teardown. All on the loop thread.
 *
 * Reading: the bufferevent's read high-watermark is one whole frame (4 +
 * max_frame), so a peer can never make us buffer more. A frame header is
 * judged before its body is awaited: length 0 or over the limit gets an
 * error (id 0) and the connection closes. Complete frames are unpacked into
 * a fresh arena and dispatched in order.
 *
 * Back-pressure: reading pauses while a barrier call (login, logout) is in
 * flight, while the connection has max_inflight calls in progress, or while
 * its unsent output exceeds CONN_OUTPUT_MAX; it resumes from a deferred
 * event, never recursively.
 *
 * Teardown: conn_mark_for_close stops reading, lets queued replies flush,
 * then frees from a deferred event. Jobs in flight keep only the conn id;
 * their results find no connection and are dropped.
 */
#include "conn.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "arena.h"
#include "audit_stream.h"
#include "frame.h"
#include "log.h"
#include "server.h"
#include "status.h"
#include "timeutil.h"
#include "tls.h"
#include "xmalloc.h"

#define CONN_OUTPUT_MAX (4u * 1024 * 1024)
#define CONN_DRAIN_TIMEOUT_S 5
#define CONN_SLOT_BITS 20
#define CONN_SLOT_MASK ((1u << CONN_SLOT_BITS) - 1)

static void conn_process(struct conn *c);
static void conn_update_reading(struct conn *c);
static bool slot_free(struct server *srv);

static void conn_free(struct conn *c)
{
	struct server *srv = c->srv;
	uint32_t slot = (uint32_t)(c->id & CONN_SLOT_MASK);
	if (srv->slots[slot] == c) {
		srv->slots[slot] = NULL;
		srv->nconns--;
		if (c->refusing)
			srv->nrefusing--;
	}
	if (c->sub)
		audit_sub_detach(c->sub);
	log_info("conn %s: closed (%s) after %llu requests", c->peer,
		 c->close_reason ? c->close_reason : "closed", (unsigned long long)c->requests);
	if (c->bev) {
		if (c->state != CONN_HANDSHAKE)
			tls_close_notify(c->bev);
		bufferevent_free(c->bev);
	}
	if (c->timer)
		event_free(c->timer);
	if (c->deferred)
		event_free(c->deferred);
	free(c->close_reason);
	explicit_bzero(c->token_hash, sizeof c->token_hash);
	free(c);
}

static void deferred_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct conn *c = arg;
	if (c->state == CONN_CLOSED) {
		conn_free(c);
		return;
	}
	if (c->resume_pending) {
		c->resume_pending = false;
		conn_process(c);
	}
}

static void schedule_free(struct conn *c)
{
	c->state = CONN_CLOSED;
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	event_active(c->deferred, 0, 0);
}

static void set_reason(struct conn *c, const char *fmt, va_list ap)
{
	if (c->close_reason == NULL)
		c->close_reason = xvasprintf(fmt, ap);
}

static void close_now(struct conn *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void close_now(struct conn *c, const char *fmt, ...)
{
	if (c->state == CONN_CLOSED)
		return;
	va_list ap;
	va_start(ap, fmt);
	set_reason(c, fmt, ap);
	va_end(ap);
	schedule_free(c);
}

static void timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct conn *c = arg;
	switch (c->state) {
	case CONN_HANDSHAKE:
		close_now(c, "TLS handshake not completed within %llus",
			  (unsigned long long)c->srv->cfg->handshake_timeout_s);
		break;
	case CONN_OPEN:
		if (c->inflight > 0) {
			/* Busy, not idle: look again later. */
			struct timeval tv = {(time_t)c->srv->cfg->idle_timeout_s, 0};
			evtimer_add(c->timer, &tv);
			break;
		}
		conn_mark_for_close(c, "idle for %llus",
				    (unsigned long long)c->srv->cfg->idle_timeout_s);
		break;
	case CONN_DRAINING:
		close_now(c, "%s; replies not read by the peer within %ds",
			  c->close_reason ? c->close_reason : "closing", CONN_DRAIN_TIMEOUT_S);
		break;
	case CONN_CLOSED:
		break;
	}
}

static void reset_idle_timer(struct conn *c)
{
	struct timeval tv = {(time_t)c->srv->cfg->idle_timeout_s, 0};
	evtimer_add(c->timer, &tv);
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	struct conn *c = arg;
	if (c->state == CONN_DRAINING && c->inflight == 0) {
		schedule_free(c);
		return;
	}
	/* Output drained below the limit: maybe reading can resume. */
	if (c->state == CONN_OPEN)
		conn_update_reading(c);
}

static void read_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	conn_process(arg);
}

static void event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	if (what & BEV_EVENT_CONNECTED) {
		struct tls_peer peer;
		tls_peer_describe(bev, &peer);
		snprintf(c->tls_version, sizeof c->tls_version, "%s", peer.version);
		snprintf(c->cert_subject, sizeof c->cert_subject, "%s", peer.subject);
		snprintf(c->cert_fingerprint, sizeof c->cert_fingerprint, "%s", peer.fingerprint);
		c->state = CONN_OPEN;
		log_debug("conn %s: TLS established (%s, %s%s%s)", c->peer, peer.version,
			  peer.cipher, peer.subject[0] ? ", client " : "", peer.subject);
		if (c->srv->stopping) {
			conn_mark_for_close(c, "server shutting down");
			return;
		}
		if (c->refusing) {
			conn_fail(
			    c, ASSURE__CODE__RESOURCE_EXHAUSTED,
			    "server busy: it serves at most %llu connections (max-connections); "
			    "try again shortly",
			    (unsigned long long)c->srv->cfg->max_connections);
			return;
		}
		reset_idle_timer(c);
		bufferevent_enable(c->bev, EV_READ);
		return;
	}
	if (what & BEV_EVENT_EOF) {
		close_now(c, "peer closed the connection");
		return;
	}
	if (what & BEV_EVENT_ERROR) {
		char err[512];
		tls_error_describe(bev, err, sizeof err);
		if (c->state == CONN_HANDSHAKE)
			close_now(c, "TLS handshake failed: %s", err);
		else
			close_now(c, "connection error: %s", err);
		return;
	}
}

void conn_accept(struct server *srv, evutil_socket_t fd, const struct sockaddr *sa, int socklen)
{
	char peer[64] = "?";
	char host[INET6_ADDRSTRLEN] = "?";
	(void)socklen;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
		snprintf(peer, sizeof peer, "%s:%u", host, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof host);
		snprintf(peer, sizeof peer, "[%s]:%u", host, ntohs(in6->sin6_port));
	}
	if (srv->stopping) {
		evutil_closesocket(fd);
		return;
	}
	bool refusing = false;
	if (srv->nconns - srv->nrefusing >= srv->cfg->max_connections) {
		log_warn("conn %s: refused: %u connections already (max-connections)", peer,
			 srv->nconns - srv->nrefusing);
		if (srv->nrefusing >= CONN_REFUSAL_SLOTS) {
			evutil_closesocket(fd);
			return;
		}
		refusing = true;
	}
	if (!slot_free(srv)) {
		evutil_closesocket(fd);
		return;
	}
	/* Replies are whole frames written at once; Nagle would only add a
	 * delayed-ACK wait to every pipelined exchange. */
	int one = 1;
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	struct bufferevent *bev = tls_server_bufferevent(srv->tls, srv->base, fd);
	if (bev == NULL)
		return; /* fd already closed */
	struct conn *c = conn_attach(srv, bev, peer, false);
	c->refusing = refusing;
	if (refusing)
		srv->nrefusing++;
}

/* Whether a slot is free for one more connection. */
static bool slot_free(struct server *srv)
{
	return srv->nconns < srv->nslots;
}

struct conn *conn_attach(struct server *srv, struct bufferevent *bev, const char *peer, bool open)
{
	uint32_t slot = 0;
	while (slot < srv->nslots && srv->slots[slot] != NULL)
		slot++;
	if (slot == srv->nslots)
		abort(); /* callers check slot_free first */
	struct conn *c = xcalloc(1, sizeof *c);
	c->srv = srv;
	c->id = (++srv->generation << CONN_SLOT_BITS) | slot;
	c->bev = bev;
	c->state = CONN_HANDSHAKE;
	c->opened_ms = time_now_ms();
	snprintf(c->peer, sizeof c->peer, "%s", peer);
	c->timer = evtimer_new(srv->base, timer_cb, c);
	c->deferred = event_new(srv->base, -1, 0, deferred_cb, c);
	srv->slots[slot] = c;
	srv->nconns++;

	bufferevent_setcb(bev, read_cb, write_cb, event_cb, c);
	bufferevent_setwatermark(bev, EV_READ, 0, FRAME_HEADER_SIZE + srv->max_frame);
	if (open) {
		/* Already connected (a plain pair in tests and fuzzing). */
		c->state = CONN_OPEN;
		reset_idle_timer(c);
	} else {
		/* Our own handshake timer: libevent's read timeouts may not
		 * fire while OpenSSL is mid-handshake (STYLE.md point 11). */
		struct timeval tv = {(time_t)srv->cfg->handshake_timeout_s, 0};
		evtimer_add(c->timer, &tv);
	}
	/* Reading is enabled for the handshake by libevent; frames are only
	 * parsed once BEV_EVENT_CONNECTED has set CONN_OPEN. */
	bufferevent_enable(bev, EV_READ);
	log_debug("conn %s: accepted", c->peer);
	return c;
}

struct conn *conn_find(struct server *srv, uint64_t id)
{
	uint32_t slot = (uint32_t)(id & CONN_SLOT_MASK);
	if (slot >= srv->nslots)
		return NULL;
	struct conn *c = srv->slots[slot];
	if (c == NULL || c->id != id || c->state == CONN_CLOSED)
		return NULL;
	return c;
}

void conn_mark_for_close(struct conn *c, const char *fmt, ...)
{
	if (c->state == CONN_CLOSED || c->state == CONN_DRAINING)
		return;
	va_list ap;
	va_start(ap, fmt);
	set_reason(c, fmt, ap);
	va_end(ap);
	if (c->state == CONN_HANDSHAKE) {
		schedule_free(c);
		return;
	}
	c->state = CONN_DRAINING;
	bufferevent_disable(c->bev, EV_READ);
	struct timeval tv = {CONN_DRAIN_TIMEOUT_S, 0};
	evtimer_add(c->timer, &tv);
	if (c->inflight == 0 && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		schedule_free(c);
}

void conn_send_response(struct conn *c, const Assure__Response *resp)
{
	if (c->state == CONN_CLOSED)
		return;
	size_t len = protobuf_c_message_get_packed_size(&resp->base);
	if (len > c->srv->max_frame) {
		log_error("conn %s: response to request %llu is %zu bytes, over the frame limit",
			  c->peer, (unsigned long long)resp->id, len);
		Assure__Status st = ASSURE__STATUS__INIT;
		st.code = ASSURE__CODE__INTERNAL;
		st.message = (char *)"response too large for one frame; narrow the request";
		Assure__Response small = ASSURE__RESPONSE__INIT;
		small.id = resp->id;
		small.status = &st;
		conn_send_response(c, &small);
		return;
	}
	/* Header and body in one contiguous chunk, so the frame leaves in one
	 * TLS record rather than a 4-byte record and a Nagle-delayed one. */
	struct evbuffer *out = bufferevent_get_output(c->bev);
	struct evbuffer_iovec v;
	if (evbuffer_reserve_space(out, (ev_ssize_t)(FRAME_HEADER_SIZE + len), &v, 1) < 1 ||
	    v.iov_len < FRAME_HEADER_SIZE + len) {
		conn_mark_for_close(c, "cannot queue a response");
		return;
	}
	frame_put_header(v.iov_base, (uint32_t)len);
	protobuf_c_message_pack(&resp->base, (uint8_t *)v.iov_base + FRAME_HEADER_SIZE);
	v.iov_len = FRAME_HEADER_SIZE + len;
	evbuffer_commit_space(out, &v, 1);
}

void conn_fail(struct conn *c, int code, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	Assure__Status st = ASSURE__STATUS__INIT;
	st.code = code;
	st.message = msg;
	Assure__Response resp = ASSURE__RESPONSE__INIT;
	resp.status = &st;
	conn_send_response(c, &resp);
	conn_mark_for_close(c, "%s: %s", status_code_name(code), msg);
}

static bool can_read(const struct conn *c)
{
	return c->state == CONN_OPEN && !c->barrier && c->inflight < c->srv->cfg->max_inflight &&
	       evbuffer_get_length(bufferevent_get_output(c->bev)) < CONN_OUTPUT_MAX;
}

/* The read callback fires once at least n bytes are buffered (the high
 * watermark stays one whole frame). */
static void set_read_low(struct conn *c, size_t n)
{
	if (c->read_low != n) {
		c->read_low = n;
		bufferevent_setwatermark(c->bev, EV_READ, n, FRAME_HEADER_SIZE + c->srv->max_frame);
	}
}

static void conn_update_reading(struct conn *c)
{
	if (c->state != CONN_OPEN)
		return;
	if (can_read(c)) {
		bufferevent_enable(c->bev, EV_READ);
		/* Reading stopped (back-pressure) with bytes still buffered:
		 * their read event will not fire again, so look at them from a
		 * deferred event. Only then: an incomplete frame simply waits
		 * for its next bytes, which fire the read callback themselves
		 * (re-arming here for it spun the loop forever). */
		if (c->paused && !c->resume_pending) {
			c->paused = false;
			c->resume_pending = true;
			event_active(c->deferred, 0, 0);
		}
	} else {
		bufferevent_disable(c->bev, EV_READ);
	}
}

static void conn_process(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	const uint32_t max = c->srv->max_frame;
	c->paused = false;
	for (;;) {
		size_t avail = evbuffer_get_length(in);
		if (!can_read(c)) {
			c->paused = avail > 0;
			break;
		}
		if (avail < FRAME_HEADER_SIZE) {
			/* Any byte wakes us: a frame's first byte starts its clock. */
			set_read_low(c, 0);
			break;
		}
		uint8_t hdr[FRAME_HEADER_SIZE];
		evbuffer_copyout(in, hdr, sizeof hdr);
		uint32_t len;
		enum frame_result r = frame_peek(hdr, sizeof hdr, max, &len);
		if (r == FRAME_EMPTY) {
			conn_fail(c, ASSURE__CODE__INVALID_ARGUMENT, "empty frame (length 0)");
			return;
		}
		if (r == FRAME_TOO_LARGE) {
			conn_fail(c, ASSURE__CODE__RESOURCE_EXHAUSTED,
				  "frame too large: %u bytes (limit %u bytes)",
				  frame_get_header(hdr), max);
			return;
		}
		if (avail - FRAME_HEADER_SIZE < len) {
			/* The rest of the body is on its way: wake when it is all
			 * here, not for every TLS record of it. */
			set_read_low(c, FRAME_HEADER_SIZE + len);
			break;
		}
		evbuffer_drain(in, FRAME_HEADER_SIZE);
		struct arena *arena = arena_new();
		uint8_t *body = arena_alloc(arena, len);
		evbuffer_remove(in, body, len);
		Assure__Request *req = assure__request__unpack(arena_allocator(arena), len, body);
		if (req == NULL) {
			arena_free(arena);
			conn_fail(c, ASSURE__CODE__INVALID_ARGUMENT,
				  "malformed request: the frame is not a valid assure Request");
			return;
		}
		c->requests++;
		reset_idle_timer(c);
		c->srv->on_request(c, arena, req);
	}
	conn_update_reading(c);
}

void conn_call_finished(struct conn *c, bool was_barrier)
{
	if (c->inflight > 0)
		c->inflight--;
	if (was_barrier)
		c->barrier = false;
	if (c->state == CONN_DRAINING) {
		if (c->inflight == 0 && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
			schedule_free(c);
		return;
	}
	conn_update_reading(c);
}

size_t conn_output_pending(struct conn *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev));
}

void conn_stop_all(struct server *srv)
{
	for (uint32_t i = 0; i < srv->nslots; i++) {
		struct conn *c = srv->slots[i];
		if (c != NULL)
			conn_mark_for_close(c, "server shutting down");
	}
}

void conn_free_all(struct server *srv)
{
	for (uint32_t i = 0; i < srv->nslots; i++) {
		struct conn *c = srv->slots[i];
		if (c != NULL) {
			if (c->close_reason == NULL)
				c->close_reason = xstrdup("server shutting down");
			conn_free(c);
		}
	}
}
