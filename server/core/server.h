/*
 * The daemon's top-level state, owned by the loop thread. One struct server
 * per process; everything hangs off it. Its parts are named by forward
 * declarations only, so the core does not include the layers above it;
 * the daemon is put together, started and stopped in app/daemon.c.
 */
#ifndef ASSURE_SERVER_H
#define ASSURE_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "conn.h"
#include "server_config.h"

struct event_base;
struct event;
struct evconnlistener;
struct conn;

struct server {
	struct server_config *cfg;
	struct event_base *base;
	struct evconnlistener *listener;
	struct tls_server *tls;
	struct worker_pool *workers;
	struct writer *writer;
	struct completion *completion;
	struct session_table *sessions;
	struct audit_log *audit;	 /* used by the writer thread only, once running */
	struct throttle *throttle;	 /* login failures: pairs, accounts, addresses */
	struct settings_cache *settings; /* configuration snapshots; any thread (settings.h) */
	/* What a connection does with each request it reads (rpc_dispatch in
	 * the daemon): the connection layer knows frames, not RPCs. Owns
	 * arena, which owns req. */
	void (*on_request)(struct conn *c, struct arena *arena, Assure__Request *req);
	/* Runs once as a connection ends, before it is freed (rpc_conn_closed:
	 * the pre-login tally's audit record, an audit stream's end). */
	void (*on_close)(struct conn *c);
	struct peers *peers;	       /* per client address: connections, pre-login rate */
	uint64_t write_pauses;	       /* since the last WARN about them */
	int64_t write_pause_logged_ms; /* monotonic; 0: never */
	bool write_paused;	       /* reading stopped because the writer's queue is full */
	uint64_t closed_since_trim;    /* connections freed since memory was last trimmed */

	/* Connections by slot; a conn id is (generation << 20 | slot) so a
	 * late job result for a closed connection finds nothing. */
	struct conn **slots;
	uint32_t nslots;
	uint32_t nconns;
	uint32_t nrefusing; /* connections accepted only to be told we are full */
	uint64_t generation;

	struct event *sig_term, *sig_int, *sig_hup;
	struct event *housekeeping;
	struct event *trim_timer; /* gives freed heap back after a burst of closes */
	struct event *checkpoint_timer;
	struct event *concern_timer; /* the server's own concern moves (concern_system.c) */
	struct event *stop_check;

	int64_t started_ms;
	int schema_version;
	char instance[33]; /* random id of this daemon run, for logs and audit */
	char listen_addr[80];

	bool stopping;
	int64_t stop_deadline_ms;
	uint64_t inflight; /* calls dispatched and not yet answered */
	uint32_t max_frame;
	int64_t session_idle_ms;
	int64_t session_absolute_ms;
};

/* Makes the trim timer (srv->base must exist; freed by whoever frees
 * the base's events, app/daemon.c). */
void server_trim_start(struct server *srv);
/* conn.c, as each connection is freed: after a burst of closes the heap's
 * free pages are given back (malloc_trim) a moment later. */
void server_conn_closed(struct server *srv);

#endif
