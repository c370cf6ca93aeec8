/*
 * A unit of work handed from the loop thread to a worker or the writer, and
 * back. run() executes on the other thread with that thread's database
 * handle and must touch nothing the loop owns (no connection, no
 * bufferevent, no session table); done() runs later on the loop thread.
 * Side effects outside the database belong in done(), after the outcome is
 * known (for a write: after the commit).
 */
#ifndef ASSURE_JOB_H
#define ASSURE_JOB_H

#include <stdbool.h>

struct db;
struct event_base;

#define WRITER_DEFAULT_LIMIT 4096

struct job {
	struct job *next;
	void (*run)(struct job *job, struct db *db);
	void (*done)(struct job *job);
	void *arg; /* free for the job's owner */
	/* Set by run(): a protocol status code. For a write, anything but OK
	 * rolls back this job's savepoint; the writer sets INTERNAL if the
	 * batch's commit fails. */
	int status;
	/* Set by run(): keep this job's savepoint although status is not OK
	 * (it rolled back its own work and recorded the failure, e.g. in the
	 * audit trail, which must commit). */
	int commit_on_error;
	/* Set by the writer: what run() wrote (a call's audit record included)
	 * did not commit; status is then not OK. The job's owner must record
	 * the outcome again if it needs a record of it. */
	int lost;
};

/* Results travelling back to the loop: any thread pushes, the loop pops
 * and calls done() in order. */
struct completion;

struct completion *completion_new(struct event_base *base);
/* Thread-safe. */
void completion_push(struct completion *c, struct job *job);
/* after(arg) runs on the loop thread after each round of done()s: the
 * place to look at state the finished jobs changed (the writer's queue
 * falling below its limit). */
void completion_set_after(struct completion *c, void (*after)(void *arg), void *arg);
/* Runs every queued done() now (for shutdown). Loop thread. */
void completion_drain(struct completion *c);
void completion_free(struct completion *c);

/* A fixed pool of threads for slow or blocking work (argon2id, reads). */
struct worker_pool;

/* Starts n workers, each with its own read-only handle on db_path. */
struct worker_pool *worker_pool_new(unsigned n, const char *db_path, struct completion *done,
				    char **cause);
void worker_pool_submit(struct worker_pool *p, struct job *job);
/* Finishes queued jobs, then joins the threads and closes their handles.
 * Their done() calls are queued on the completion. */
void worker_pool_free(struct worker_pool *p);
/* Jobs queued or running. */
unsigned worker_pool_pending(struct worker_pool *p);

/* The single writer thread: group commit. */
struct writer;

struct writer_stats {
	unsigned long long batches;
	unsigned long long jobs;
	unsigned long long commit_failures;
};

/* on_abort (may be NULL) runs on the writer thread after any rollback (of
 * one job's savepoint or of a whole transaction), so state mirroring the
 * database (the audit log's next number and Merkle frontier) can
 * resynchronise. */
struct writer *writer_new(const char *db_path, unsigned batch_max, struct completion *done,
			  void (*on_abort)(void *arg, struct db *db), void *abort_arg,
			  char **cause);
/* Queues job; never refuses (a change already accepted must be written),
 * so the bound is kept by the loop, which stops reading requests while
 * writer_congested. Any thread. */
void writer_submit(struct writer *w, struct job *job);
/* The queue's limit (default WRITER_DEFAULT_LIMIT). */
void writer_set_limit(struct writer *w, unsigned limit);
/* Jobs queued and not yet taken by the writer thread. Any thread. */
unsigned writer_queued(const struct writer *w);
/* At or over the limit: the loop should stop reading new requests. */
bool writer_congested(const struct writer *w);
/* At or under half the limit: reading may resume. */
bool writer_relieved(const struct writer *w);
/* Commits everything queued, then stops the thread and closes the handle. */
void writer_free(struct writer *w);
void writer_get_stats(struct writer *w, struct writer_stats *st);

#endif
