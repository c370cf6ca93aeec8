/*
 * One client connection: its TLS bufferevent, framing, timers, limits and
 * the session it is bound to. Owned by the loop thread; never freed inside
 * its own callbacks (conn_mark_for_close defers the free, STYLE.md point 9).
 *
 * The connection layer knows frames, peers and time, not RPCs: each request
 * read goes to srv->on_request, and srv->on_close runs once as a connection
 * ends (the RPC layer hangs its per-connection state there).
 */
#ifndef ASSURE_CONN_H
#define ASSURE_CONN_H

#include <event2/util.h>
#include <stdbool.h>
#include <stdint.h>

#include "assure.pb-c.h"
#include "crypto.h"
#include "rate.h"

/* Connections over a limit that are still accepted, to be told
 * RESOURCE_EXHAUSTED rather than cut off without a word: at most this many
 * at once in all, and at most CONN_REFUSAL_SLOTS_PER_ADDRESS from one
 * address, so one address cannot use them all up. */
#define CONN_REFUSAL_SLOTS 16
#define CONN_REFUSAL_SLOTS_PER_ADDRESS 2
/* The largest frame taken before login: Hello, Status, Login and Resume
 * are small, and an unauthenticated peer must not make us hold a
 * megabyte. */
#define CONN_PREAUTH_MAX_FRAME (64u * 1024)

struct server;
struct arena;
struct peer;
struct bufferevent;
struct event;

enum conn_state {
	CONN_HANDSHAKE, /* TLS handshake in progress */
	CONN_OPEN,	/* reading and answering requests */
	CONN_DRAINING,	/* no more reading; flushing replies, then closing */
	CONN_CLOSED,	/* free scheduled */
};

/* Why a connection was accepted only to be refused. */
enum conn_refusal {
	CONN_REFUSE_NONE,
	CONN_REFUSE_FULL,	 /* max-connections */
	CONN_REFUSE_PER_ADDRESS, /* max-connections-per-address */
};

/* Hello and Status calls before login: audited as one record per
 * connection when it closes, not one per call (rpc.c). */
struct conn_tally {
	uint32_t hello, status, refused; /* refused: of those, answered non-OK */
	int64_t first_ms, last_ms;	 /* server clock */
};

struct conn {
	uint64_t id;
	struct server *srv;
	struct bufferevent *bev;
	struct event *timer;	   /* handshake, login, idle or drain deadline */
	struct event *frame_timer; /* a frame begun and not yet finished */
	struct event *deferred;	   /* free, or resume reading, outside callbacks */
	struct event *linger;	   /* after the last reply: the peer's bytes, discarded */
	enum conn_state state;
	char peer[64];	   /* "ip:port" */
	struct peer *from; /* the client address's entry (peers.h); NULL in tests */
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
	size_t read_low; /* the read watermarks now set */
	size_t read_high;
	char *close_reason;
	int64_t opened_ms;	/* wall clock, for logs */
	int64_t opened_mono_ms; /* for the login deadline */
	int64_t active_mono_ms; /* last complete frame, for the idle deadline */
	uint64_t requests;
	enum conn_refusal refusing; /* over a limit: told so, then closed */
	struct rate_bucket preauth; /* requests before login */
	struct conn_tally tally;
	/* Something of a higher layer that lives as long as the connection
	 * and answers by itself (an AuditSubscribe stream): detach(attached)
	 * runs once as the connection ends, before on_close. The connection
	 * counts as busy, not idle, while it has one. NULL: none. */
	void *attached;
	void (*detach)(void *attached);
};

/* Bytes queued for the peer and not yet sent. */
size_t conn_output_pending(struct conn *c);

/* Takes a newly accepted socket. Closes it (logging at most once a minute
 * per address) if the server is stopping, or the address is over its
 * connection or pre-login rate budget; over max-connections it is told so. */
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
/* The writer's queue fell back under its limit: every connection paused
 * for it reads again. */
void conn_resume_all(struct server *srv);
/* For shutdown: stop reading everywhere; close idle connections. */
void conn_stop_all(struct server *srv);
/* For shutdown: free every connection now. */
void conn_free_all(struct server *srv);
/* Housekeeping: forgets client addresses with nothing left to remember,
 * judging their pre-login buckets with the same rate and burst as
 * admission does. */
void conn_prune_peers(struct server *srv, int64_t now_ms);

#endif
