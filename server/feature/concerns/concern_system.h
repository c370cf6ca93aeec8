/*
 * The server's own concern moves (DOMAIN.md: "appeal-window -> monitoring
 * or closed: the server, when the deadline passes (actor system)"). A
 * timer on the loop (once at start, then every CONCERN_SYSTEM_INTERVAL_S)
 * hands one job to the writer; the job moves every concern whose appeal
 * deadline has passed with no appeal, each in its own savepoint with its
 * timeline event, its new deadlines and its audit record (username
 * "system", event "ConcernSystemMove"). Overdue deadlines need no job: a
 * deadline is overdue when it is open and due before today, which every
 * reply computes (Deadline.overdue, ConcernSummary.overdue).
 */
#ifndef ASSURE_CONCERN_SYSTEM_H
#define ASSURE_CONCERN_SYSTEM_H

struct server;

#define CONCERN_SYSTEM_INTERVAL_S 60

/* Queues the job unless one is still in flight. Loop thread. */
void concern_system_tick(struct server *srv);

#endif
