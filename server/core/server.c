/*
 * What the core keeps of the server as a whole (server.h): giving memory
 * back after a burst of closed connections.
 */
#include "server.h"

#include <event2/event.h>
#include <malloc.h>

#include "log.h"

/* Connections closed between two trims of the heap, and how long after
 * the last of them the trim waits (a burst of closes is one trim). */
#define TRIM_AFTER_CLOSED 256
#define TRIM_DELAY_MS 1000

/* Memory freed by a burst of connections (TLS buffers, bufferevents,
 * per-call arenas, on the loop and on every worker's malloc arena) stays
 * with the process unless it is given back: glibc returns only the top of
 * each heap by itself. After many connections have come and gone, hand the
 * free pages back so RSS follows the load down (docs/BENCHMARKS.md,
 * "Memory across connection cycles"). */
static void trim_memory(struct server *srv)
{
	srv->closed_since_trim = 0;
	/* In use versus held: a leak grows the first, fragmentation only
	 * the second (docs/BENCHMARKS.md measures both). */
	struct mallinfo2 before = mallinfo2();
	malloc_trim(0);
	struct mallinfo2 after = mallinfo2();
	log_debug("memory: %zu KiB in use; %zu KiB free in the heaps before the trim, %zu KiB "
		  "after",
		  (before.uordblks + before.hblkhd) / 1024, before.fordblks / 1024,
		  after.fordblks / 1024);
}

static void trim_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	trim_memory(arg);
}

void server_trim_start(struct server *srv)
{
	srv->trim_timer = evtimer_new(srv->base, trim_cb, srv);
}

void server_conn_closed(struct server *srv)
{
	if (++srv->closed_since_trim < TRIM_AFTER_CLOSED || srv->trim_timer == NULL)
		return;
	/* Re-armed by each close: the trim comes once the burst is over. */
	struct timeval tv = {TRIM_DELAY_MS / 1000, (TRIM_DELAY_MS % 1000) * 1000};
	evtimer_add(srv->trim_timer, &tv);
}
