/*
 * One client connection: its TLS bufferevent, framing, timers and the
 * session it is bound to. Owned by the loop thread; never freed inside its
 * own callbacks (conn_mark_for_close defers the free, STYLE.md point 9).
 */
#ifndef ASSURE_CONN_H
#define ASSURE_CONN_H

#include <event2/util.h>
#include <stdbool.h>
#include <stdint.h>

#include "assure.pb-c.h"
#include "crypto.h"

/* Connections over max-connections that are still accepted, to be told
 * RESOURCE_EXHAUSTED rather than cut off without a word. */
#define CONN_REFUSAL_SLOTS 16

struct server;
struct audit_sub;
struct arena;
struct bufferevent;
struct event;

enum conn_state {
	CONN_HANDSHAKE, /* TLS handshake in progress */
	CONN_OPEN,	/* reading and answering requests */
	CONN_DRAINING,	/* no more reading; flushing replies, then closing */
	CONN_CLOSED,	/* free scheduled */
};

struct conn {
	uint64_t id;
	struct server *srv;
	struct bufferevent *bev;
	struct event *timer;	/* handshake timeout, then idle timeout */
	struct event *deferred; /* free, or resume reading, outside callbacks */
	enum conn_state state;
	char peer[64]; /* "ip:port" */
	char tls_version[16];
	char cert_subject[256];
	char cert_fingerprint[65];
	bool hello_done;
	bool has_session;
	uint8_t token_hash[CRYPTO_SHA256_LEN];
	uint32_t inflight; /* dispatched calls not yet answered */
	bool barrier;	   /* a call that must finish before the next is read */
	bool resume_pending;
	bool paused;	 /* reading stopped by back-pressure with bytes buffered */
	size_t read_low; /* the read low watermark now set */
	char *close_reason;
	int64_t opened_ms;
	uint64_t requests;
	bool refusing;	       /* over max-connections: told so, then closed */
	struct audit_sub *sub; /* an AuditSubscribe stream, if any */
};

/* Bytes queued for the peer and not yet sent. */
size_t conn_output_pending(struct conn *c);

/* Takes a newly accepted socket. Closes it (and logs) if the server is
 * full or stopping. */
void conn_accept(struct server *srv, evutil_socket_t fd, const struct sockaddr *sa, int socklen);
/* Takes bev (TLS, or for tests and fuzzing a plain bufferevent; open says
 * it is already connected, so no handshake is awaited) as a connection in
 * a free slot (the caller makes sure there is one). Frames read are handed
 * to srv->on_request. */
struct conn *conn_attach(struct server *srv, struct bufferevent *bev, const char *peer, bool open);
/* The live connection with this id, or NULL. */
struct conn *conn_find(struct server *srv, uint64_t id);
/* Stops reading, flushes what is queued, then closes. Logs one INFO line
 * with the reason when it closes. Safe to call more than once. */
void conn_mark_for_close(struct conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Queues a response frame. A response over the frame limit is replaced by
 * an INTERNAL error for the same id. */
void conn_send_response(struct conn *c, const Assure__Response *resp);
/* A connection-level error (id 0) followed by a close. */
void conn_fail(struct conn *c, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Called when a call on c has been answered: lets reading resume. */
void conn_call_finished(struct conn *c, bool was_barrier);
/* For shutdown: stop reading everywhere; close idle connections. */
void conn_stop_all(struct server *srv);
/* For shutdown: free every connection now. */
void conn_free_all(struct server *srv);

#endif
