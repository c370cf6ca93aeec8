/*
 * Connections: accept, TLS handshake, framing, timeouts, budgets,
 * back-pressure and teardown. All on the loop thread.
 *
 * Reading: the bufferevent's read high-watermark is one whole frame (4 +
 * the frame limit, which is CONN_PREAUTH_MAX_FRAME until the connection
 * logs in), so a peer can never make us buffer more. A frame header is
 * judged before its body is awaited: length 0 or over the limit gets an
 * error (id 0) and the connection closes. While a frame is incomplete the
 * read low-watermark is set to the bytes it still needs, so the read
 * callback fires once it is all here and never in between; nothing re-arms
 * itself while no new byte has arrived. Complete frames are unpacked into a
 * fresh arena and handed to srv->on_request in order.
 *
 * Deadlines (one timer, re-armed to the next deadline when it fires): the
 * TLS handshake (handshake-timeout), then login (login-timeout from
 * accept), then, once logged in, idleness (idle-timeout since the last
 * complete frame). A second timer runs while a frame is begun and not
 * finished (frame-timeout), so a peer that sends slowly is closed too.
 *
 * Budgets: max-connections in all and max-connections-per-address from one
 * client address (peers.h); requests before login are rate-limited per
 * connection and per address (token buckets, then RESOURCE_EXHAUSTED and
 * close). Refusals are logged at most once a minute per address.
 *
 * Back-pressure: reading pauses while a barrier call (login, logout) is in
 * flight, while the connection has max-inflight calls in progress, while
 * its unsent output exceeds its limit, or while the writer's queue is full
 * (writer_congested; conn_resume_all starts everyone again). A paused
 * connection that still holds bytes resumes from a deferred event, never
 * recursively.
 *
 * Teardown: conn_mark_for_close stops reading, lets queued replies flush,
 * then frees from a deferred event. Jobs in flight keep only the conn id;
 * their results find no connection and are dropped.
 */
#include "conn.h"

#include <arpa/inet.h>
#include <errno.h>
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
#include "frame.h"
#include "job.h"
#include "log.h"
#include "peers.h"
#include "server.h"
#include "status.h"
#include "timeutil.h"
#include "tls.h"
#include "xmalloc.h"

#define CONN_OUTPUT_MAX (4u * 1024 * 1024)
/* Before login the replies are small; a peer that does not read them is
 * paused much sooner. */
#define CONN_PREAUTH_OUTPUT_MAX (64u * 1024)
#define CONN_DRAIN_TIMEOUT_S 5
/* After the last reply and our close_notify, how long the peer's bytes
 * are read and discarded before the socket is closed (see linger_start). */
#define CONN_LINGER_MS 2000
/* How soon a deadline that found a call in flight looks again. */
#define CONN_RECHECK_MS 1000
#define CONN_SLOT_BITS 20
#define CONN_SLOT_MASK ((1u << CONN_SLOT_BITS) - 1)
/* A token bucket holds this many seconds of its rate. */
#define CONN_BURST_SECONDS 2

static void conn_process(struct conn *c);
static void conn_update_reading(struct conn *c);
static void arm_timer(struct conn *c, int64_t ms);

static uint32_t burst_of(uint64_t rate)
{
	uint64_t b = rate * CONN_BURST_SECONDS;
	return b > UINT32_MAX ? UINT32_MAX : (uint32_t)b;
}

void conn_prune_peers(struct server *srv, int64_t now_ms)
{
	uint64_t rate = srv->cfg->preauth_rate_address;
	peers_prune(srv->peers, (uint32_t)rate, burst_of(rate), now_ms);
}

static void conn_free(struct conn *c)
{
	struct server *srv = c->srv;
	uint32_t slot = (uint32_t)(c->id & CONN_SLOT_MASK);
	if (c->detach != NULL)
		c->detach(c->attached);
	c->attached = NULL;
	c->detach = NULL;
	if (srv->on_close)
		srv->on_close(c);
	if (srv->slots[slot] == c) {
		srv->slots[slot] = NULL;
		srv->nconns--;
		if (c->refusing)
			srv->nrefusing--;
		server_conn_closed(srv);
	}
	if (c->from) {
		c->from->nconns--;
		if (c->refusing)
			c->from->nrefusing--;
	}
	log_info("conn %s: closed (%s) after %llu requests", c->peer,
		 c->close_reason ? c->close_reason : "closed", (unsigned long long)c->requests);
	if (c->linger)
		event_free(c->linger);
	if (c->bev) {
		if (c->state != CONN_HANDSHAKE && c->linger == NULL)
			tls_close_notify(c->bev);
		bufferevent_free(c->bev);
	}
	if (c->timer)
		event_free(c->timer);
	if (c->frame_timer)
		event_free(c->frame_timer);
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

static void linger_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)what;
	struct conn *c = arg;
	char buf[4096];
	for (int i = 0; i < 16; i++) {
		ssize_t n = recv(fd, buf, sizeof buf, 0);
		if (n > 0)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		schedule_free(c); /* the peer's EOF, or an error: done */
		return;
	}
}

/*
 * The last reply is written: say close_notify, send our FIN, then read and
 * discard what the peer still sends until its EOF or CONN_LINGER_MS.
 * Closing a socket with unread input makes the kernel send a reset, which
 * can reach a pipelining client before it has read our last reply (the
 * very message saying why it was closed) and makes its next write fail.
 */
static void linger_start(struct conn *c)
{
	/* A write callback can come late (deferred) for bytes written
	 * earlier, while the last reply is still queued: wait for that. */
	if (c->linger != NULL || evbuffer_get_length(bufferevent_get_output(c->bev)) > 0)
		return;
	evutil_socket_t fd = bufferevent_getfd(c->bev);
	if (fd < 0 || c->srv->stopping) {
		schedule_free(c); /* a shutdown does not wait on peers */
		return;
	}
	bufferevent_disable(c->bev, EV_READ | EV_WRITE);
	tls_close_notify(c->bev);
	(void)shutdown(fd, SHUT_WR);
	c->linger = event_new(c->srv->base, fd, EV_READ | EV_PERSIST, linger_cb, c);
	event_add(c->linger, NULL);
	arm_timer(c, CONN_LINGER_MS);
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

static void arm_timer(struct conn *c, int64_t ms)
{
	if (ms < 1)
		ms = 1;
	struct timeval tv = {(time_t)(ms / 1000), (suseconds_t)((ms % 1000) * 1000)};
	evtimer_add(c->timer, &tv);
}

/* The open connection's next deadline: login until it has a session, then
 * idleness. A deadline that finds a call in flight (a Login still being
 * hashed, a long read) or a stream running looks again later. */
static void open_deadline(struct conn *c)
{
	const struct server_config *cfg = c->srv->cfg;
	int64_t now = time_mono_ms();
	if (!c->has_session) {
		int64_t due = c->opened_mono_ms + (int64_t)cfg->login_timeout_s * 1000;
		int64_t idle = (int64_t)cfg->idle_timeout_s * 1000;
		if (now < due) {
			/* A login may come before the deadline: look no later than
			 * one idle period from now, so that idleness after it is
			 * judged on time (there is no hook on login itself). */
			arm_timer(c, due - now < idle ? due - now : idle);
		} else if (c->inflight > 0) {
			arm_timer(c, CONN_RECHECK_MS);
		} else {
			conn_fail(c, ASSURE__CODE__UNAUTHENTICATED,
				  "not logged in within %llus of connecting (login-timeout); "
				  "connect again and log in",
				  (unsigned long long)cfg->login_timeout_s);
		}
		return;
	}
	int64_t due = c->active_mono_ms + (int64_t)cfg->idle_timeout_s * 1000;
	if (now < due)
		arm_timer(c, due - now);
	else if (c->inflight > 0 || c->attached != NULL)
		arm_timer(c, (int64_t)cfg->idle_timeout_s * 1000); /* busy, not idle */
	else
		conn_mark_for_close(c, "idle for %llus", (unsigned long long)cfg->idle_timeout_s);
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
		open_deadline(c);
		break;
	case CONN_DRAINING:
		if (c->linger != NULL)
			schedule_free(c); /* the peer had its last reply */
		else
			close_now(c, "%s; replies not read by the peer within %ds",
				  c->close_reason ? c->close_reason : "closing",
				  CONN_DRAIN_TIMEOUT_S);
		break;
	case CONN_CLOSED:
		break;
	}
}

static void frame_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct conn *c = arg;
	if (c->state != CONN_OPEN)
		return;
	size_t have = evbuffer_get_length(bufferevent_get_input(c->bev));
	conn_fail(c, ASSURE__CODE__RESOURCE_EXHAUSTED,
		  "frame not finished within %llus of its first byte (frame-timeout); %zu bytes "
		  "arrived",
		  (unsigned long long)c->srv->cfg->frame_timeout_s, have);
}

static void write_cb(struct bufferevent *bev, void *arg)
{
	(void)bev;
	struct conn *c = arg;
	if (c->state == CONN_DRAINING && c->inflight == 0) {
		linger_start(c);
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

static void tell_refusal(struct conn *c)
{
	const struct server_config *cfg = c->srv->cfg;
	if (c->refusing == CONN_REFUSE_PER_ADDRESS)
		conn_fail(
		    c, ASSURE__CODE__RESOURCE_EXHAUSTED,
		    "too many connections from your address: the server takes at most %llu "
		    "from one address (max-connections-per-address); close some and try again",
		    (unsigned long long)cfg->max_connections_per_address);
	else
		conn_fail(c, ASSURE__CODE__RESOURCE_EXHAUSTED,
			  "server busy: it serves at most %llu connections (max-connections); "
			  "try again shortly",
			  (unsigned long long)cfg->max_connections);
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
			tell_refusal(c);
			return;
		}
		open_deadline(c);
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

/* "ip:port" and "ip" of a socket address. */
static void describe_addr(const struct sockaddr *sa, char *peer, size_t peer_size, char *host,
			  size_t host_size)
{
	snprintf(peer, peer_size, "?");
	snprintf(host, host_size, "?");
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, host, (socklen_t)host_size);
		snprintf(peer, peer_size, "%s:%u", host, ntohs(in->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, host, (socklen_t)host_size);
		snprintf(peer, peer_size, "[%s]:%u", host, ntohs(in6->sin6_port));
	}
}

/* One WARN line per address per minute, however many are refused. */
static void log_refusal(struct peer *from, const char *peer, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void log_refusal(struct peer *from, const char *peer, const char *fmt, ...)
{
	uint64_t unlogged = 0;
	if (from != NULL && !peers_should_log_refusal(from, time_mono_ms(), &unlogged))
		return;
	char why[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	if (unlogged > 0)
		log_warn(
		    "conn %s: refused: %s (and %llu more from this address in the last minute, "
		    "not logged one by one)",
		    peer, why, (unsigned long long)unlogged);
	else
		log_warn("conn %s: refused: %s", peer, why);
}

/* A new connection costs its address one request before login: the TLS
 * handshake is the dearest thing an unauthenticated peer can ask for, so a
 * flood of connections is held to the same rate as a flood of requests. */
static bool address_has_preauth(struct server *srv, struct peer *from)
{
	uint64_t rate = srv->cfg->preauth_rate_address;
	return rate_take(&from->preauth, (uint32_t)rate, burst_of(rate), time_mono_ms());
}

void conn_accept(struct server *srv, evutil_socket_t fd, const struct sockaddr *sa, int socklen)
{
	char peer[64], host[INET6_ADDRSTRLEN];
	(void)socklen;
	describe_addr(sa, peer, sizeof peer, host, sizeof host);
	if (srv->stopping) {
		evutil_closesocket(fd);
		return;
	}
	const struct server_config *cfg = srv->cfg;
	struct peer *from = peers_get(srv->peers, host);
	enum conn_refusal refusing = CONN_REFUSE_NONE;
	if (from->nconns - from->nrefusing >= cfg->max_connections_per_address) {
		log_refusal(
		    from, peer,
		    "%u connections from this address already (max-connections-per-address)",
		    from->nconns - from->nrefusing);
		refusing = CONN_REFUSE_PER_ADDRESS;
	} else if (srv->nconns - srv->nrefusing >= cfg->max_connections) {
		log_refusal(from, peer, "%u connections already (max-connections)",
			    srv->nconns - srv->nrefusing);
		refusing = CONN_REFUSE_FULL;
	} else if (!address_has_preauth(srv, from)) {
		/* Refused before the handshake: a flood of new connections
		 * costs no TLS work once its address is over its rate. */
		log_refusal(from, peer,
			    "the address is over its rate of %llu requests/s before login "
			    "(preauth-rate-per-address)",
			    (unsigned long long)cfg->preauth_rate_address);
		evutil_closesocket(fd);
		return;
	}
	if (refusing != CONN_REFUSE_NONE &&
	    (srv->nrefusing >= CONN_REFUSAL_SLOTS ||
	     from->nrefusing >= CONN_REFUSAL_SLOTS_PER_ADDRESS || srv->nconns >= srv->nslots)) {
		evutil_closesocket(fd);
		return;
	}
	if (srv->nconns >= srv->nslots) {
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
	c->from = from;
	from->nconns++;
	c->refusing = refusing;
	if (refusing) {
		srv->nrefusing++;
		from->nrefusing++;
	}
}

/* The largest frame c takes now. */
static uint32_t frame_limit(const struct conn *c)
{
	uint32_t max = c->srv->max_frame;
	if (!c->has_session && max > CONN_PREAUTH_MAX_FRAME)
		max = CONN_PREAUTH_MAX_FRAME;
	return max;
}

/* The read callback fires once at least low bytes are buffered; reading
 * stops at one whole frame of the current limit. */
static void set_watermarks(struct conn *c, size_t low)
{
	size_t high = FRAME_HEADER_SIZE + frame_limit(c);
	if (low > high)
		low = high;
	if (c->read_low != low || c->read_high != high) {
		c->read_low = low;
		c->read_high = high;
		bufferevent_setwatermark(c->bev, EV_READ, low, high);
	}
}

struct conn *conn_attach(struct server *srv, struct bufferevent *bev, const char *peer, bool open)
{
	uint32_t slot = 0;
	while (slot < srv->nslots && srv->slots[slot] != NULL)
		slot++;
	if (slot == srv->nslots)
		abort(); /* callers check that a slot is free first */
	struct conn *c = xcalloc(1, sizeof *c);
	c->srv = srv;
	c->id = (++srv->generation << CONN_SLOT_BITS) | slot;
	c->bev = bev;
	c->state = CONN_HANDSHAKE;
	c->opened_ms = time_now_ms();
	c->opened_mono_ms = time_mono_ms();
	c->active_mono_ms = c->opened_mono_ms;
	snprintf(c->peer, sizeof c->peer, "%s", peer);
	c->timer = evtimer_new(srv->base, timer_cb, c);
	c->frame_timer = evtimer_new(srv->base, frame_timer_cb, c);
	c->deferred = event_new(srv->base, -1, 0, deferred_cb, c);
	srv->slots[slot] = c;
	srv->nconns++;

	bufferevent_setcb(bev, read_cb, write_cb, event_cb, c);
	set_watermarks(c, 0);
	if (open) {
		/* Already connected (a plain pair in tests and fuzzing). */
		c->state = CONN_OPEN;
		open_deadline(c);
	} else {
		/* Our own handshake timer: libevent's read timeouts may not
		 * fire while OpenSSL is mid-handshake (STYLE.md point 11). */
		arm_timer(c, (int64_t)srv->cfg->handshake_timeout_s * 1000);
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
	evtimer_del(c->frame_timer);
	arm_timer(c, CONN_DRAIN_TIMEOUT_S * 1000);
	if (c->inflight == 0 && evbuffer_get_length(bufferevent_get_output(c->bev)) == 0)
		linger_start(c);
}

static const char too_large[] = "response too large for one frame; narrow the request";

void conn_send_response(struct conn *c, const Assure__Response *resp)
{
	if (c->state == CONN_CLOSED)
		return;
	size_t len = protobuf_c_message_get_packed_size(&resp->base);
	if (len > c->srv->max_frame) {
		log_error("conn %s: response to request %llu is %zu bytes, over the frame limit",
			  c->peer, (unsigned long long)resp->id, len);
		/* Even the replacement can be too large: a long request id
		 * under the smallest max-frame (64). Sending it again would
		 * recurse until the stack overflows (found by fuzz_conn). */
		if (resp->status != NULL && resp->status->message == too_large) {
			conn_mark_for_close(c, "a reply to request %llu does not fit in max-frame",
					    (unsigned long long)resp->id);
			return;
		}
		Assure__Status st = ASSURE__STATUS__INIT;
		st.code = ASSURE__CODE__INTERNAL;
		st.message = (char *)too_large;
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

static bool writer_full(struct server *srv)
{
	if (srv->writer == NULL || !writer_congested(srv->writer))
		return false;
	if (!srv->write_paused) {
		srv->write_paused = true;
		/* Under a sustained write load this happens many times a
		 * second: one WARN a minute says so, with the count. */
		srv->write_pauses++;
		int64_t now = time_mono_ms();
		if (srv->write_pause_logged_ms == 0 || now - srv->write_pause_logged_ms >= 60000) {
			log_warn("writer: %u jobs queued (max-write-queue %llu); reading requests "
				 "paused until it catches up (%llu pauses since the last report)",
				 writer_queued(srv->writer),
				 (unsigned long long)srv->cfg->max_write_queue,
				 (unsigned long long)srv->write_pauses);
			srv->write_pauses = 0;
			srv->write_pause_logged_ms = now;
		} else {
			log_debug("writer: queue full; reading paused");
		}
	}
	return true;
}

static bool can_read(struct conn *c)
{
	size_t out_max = c->has_session ? CONN_OUTPUT_MAX : CONN_PREAUTH_OUTPUT_MAX;
	return c->state == CONN_OPEN && !c->barrier && c->inflight < c->srv->cfg->max_inflight &&
	       evbuffer_get_length(bufferevent_get_output(c->bev)) < out_max &&
	       !writer_full(c->srv);
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

/* Whether one more request before login is within the connection's and
 * its address's rate; otherwise the peer is told and the connection
 * closes. */
static bool preauth_allowed(struct conn *c)
{
	const struct server_config *cfg = c->srv->cfg;
	int64_t now = time_mono_ms();
	bool ok =
	    rate_take(&c->preauth, (uint32_t)cfg->preauth_rate, burst_of(cfg->preauth_rate), now);
	uint64_t rate = cfg->preauth_rate;
	if (ok && c->from != NULL) {
		ok = rate_take(&c->from->preauth, (uint32_t)cfg->preauth_rate_address,
			       burst_of(cfg->preauth_rate_address), now);
		rate = cfg->preauth_rate_address;
	}
	if (!ok)
		conn_fail(c, ASSURE__CODE__RESOURCE_EXHAUSTED,
			  "rate limited: %llu requests/s before login (%s); log in, or slow down",
			  (unsigned long long)rate,
			  rate == cfg->preauth_rate ? "preauth-rate" : "preauth-rate-per-address");
	return ok;
}

/* Keeps the frame timer running while a begun frame waits for its bytes
 * (and reading is on, so the wait is the peer's doing). */
static void frame_clock(struct conn *c, bool waiting)
{
	if (waiting && c->state == CONN_OPEN) {
		if (!evtimer_pending(c->frame_timer, NULL)) {
			struct timeval tv = {(time_t)c->srv->cfg->frame_timeout_s, 0};
			evtimer_add(c->frame_timer, &tv);
		}
	} else {
		evtimer_del(c->frame_timer);
	}
}

static void conn_process(struct conn *c)
{
	struct evbuffer *in = bufferevent_get_input(c->bev);
	c->paused = false;
	bool waiting = false;
	for (;;) {
		size_t avail = evbuffer_get_length(in);
		if (!can_read(c)) {
			c->paused = avail > 0;
			break;
		}
		if (avail < FRAME_HEADER_SIZE) {
			/* Any byte wakes us: a frame's first byte starts its clock. */
			set_watermarks(c, 0);
			waiting = avail > 0;
			break;
		}
		uint8_t hdr[FRAME_HEADER_SIZE];
		evbuffer_copyout(in, hdr, sizeof hdr);
		const uint32_t max = frame_limit(c);
		uint32_t len;
		enum frame_result r = frame_peek(hdr, sizeof hdr, max, &len);
		if (r == FRAME_EMPTY) {
			conn_fail(c, ASSURE__CODE__INVALID_ARGUMENT, "empty frame (length 0)");
			break;
		}
		if (r == FRAME_TOO_LARGE) {
			conn_fail(c, ASSURE__CODE__RESOURCE_EXHAUSTED,
				  "frame too large: %u bytes (limit %u bytes%s)",
				  frame_get_header(hdr), max,
				  c->has_session ? "" : " before login");
			break;
		}
		if (avail - FRAME_HEADER_SIZE < len) {
			/* The rest of the body is on its way: wake when it is all
			 * here, not for every TLS record of it. */
			set_watermarks(c, FRAME_HEADER_SIZE + len);
			waiting = true;
			break;
		}
		if (!c->has_session && !preauth_allowed(c))
			break;
		evbuffer_drain(in, FRAME_HEADER_SIZE);
		struct arena *arena = arena_new();
		uint8_t *body = arena_alloc(arena, len);
		evbuffer_remove(in, body, len);
		Assure__Request *req = assure__request__unpack(arena_allocator(arena), len, body);
		if (req == NULL) {
			arena_free(arena);
			conn_fail(c, ASSURE__CODE__INVALID_ARGUMENT,
				  "malformed request: the frame is not a valid assure Request");
			break;
		}
		c->requests++;
		c->active_mono_ms = time_mono_ms();
		c->srv->on_request(c, arena, req);
	}
	frame_clock(c, waiting);
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
			linger_start(c);
		return;
	}
	conn_update_reading(c);
}

size_t conn_output_pending(struct conn *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev));
}

void conn_resume_all(struct server *srv)
{
	srv->write_paused = false;
	log_debug("writer: queue down to %u jobs; reading requests again",
		  srv->writer ? writer_queued(srv->writer) : 0);
	for (uint32_t i = 0; i < srv->nslots; i++) {
		struct conn *c = srv->slots[i];
		if (c != NULL && c->state == CONN_OPEN)
			conn_update_reading(c);
	}
}

void conn_stop_all(struct server *srv)
{
	for (uint32_t i = 0; i < srv->nslots; i++) {
		struct conn *c = srv->slots[i];
		if (c != NULL && c->linger != NULL)
			schedule_free(c); /* its last reply is out: a shutdown does not linger */
		else if (c != NULL)
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
