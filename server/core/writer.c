/*
 * The single writer thread and its group commit.
 *
 * Every change to the database is a job queued here. The thread takes all
 * queued jobs (up to batch_max), opens one transaction, runs each job inside
 * its own SAVEPOINT (a job that fails rolls back only its own part), and
 * commits once: with synchronous=FULL that is one WAL fsync for the whole
 * batch instead of one per request. Only after COMMIT returns are the jobs
 * handed back to the loop, so no response claims a write that is not
 * durable. If COMMIT fails, every job in the batch is answered INTERNAL.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "assure.pb-c.h"
#include "db.h"
#include "job.h"
#include "log.h"
#include "xmalloc.h"

struct writer {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job *head, *tail;
	bool stopping;
	unsigned batch_max;
	pthread_t thread;
	struct db *db;
	struct completion *done;
	struct writer_stats stats;
	void (*on_abort)(void *arg, struct db *db);
	void *abort_arg;
	/* Queue length, read without the lock by the loop on every frame. */
	atomic_uint queued;
	unsigned limit;
};

/* Jobs from `from` up to (not including) `to` that succeeded lose their
 * work: their transaction did not commit. */
static void fail_segment(struct writer *w, struct job *from, struct job *to, int status)
{
	for (struct job *j = from; j != to; j = j->next) {
		if (j->status == ASSURE__CODE__OK || j->commit_on_error) {
			j->status = status;
			j->lost = 1;
			j->commit_on_error = 0;
		}
	}
	if (w->on_abort)
		w->on_abort(w->abort_arg, w->db);
}

static int begin_or_fail(struct writer *w, struct job *from)
{
	char *cause = NULL;
	if (db_begin(w->db, &cause) == 0)
		return 0;
	log_error("writer: BEGIN failed: %s", cause);
	free(cause);
	for (struct job *j = from; j; j = j->next)
		j->status = ASSURE__CODE__UNAVAILABLE;
	return -1;
}

/*
 * One transaction for the batch, a savepoint per job. SQLite ends the whole
 * transaction by itself on some errors (a full disk, an I/O error); then the
 * jobs before it in the same transaction are lost, so they are answered
 * INTERNAL, and a new transaction starts for the rest. A job's answer is OK
 * only if its work is in a transaction that committed.
 */
static void run_batch(struct writer *w, struct job *batch)
{
	char *cause = NULL;
	struct job *segment = batch; /* first job of the open transaction */
	if (begin_or_fail(w, batch) < 0)
		return;
	for (struct job *j = batch; j; j = j->next) {
		if (db_savepoint(w->db, &cause) < 0) {
			log_error("writer: SAVEPOINT failed: %s", cause);
			free(cause);
			cause = NULL;
			j->status = ASSURE__CODE__INTERNAL;
		} else {
			j->status = ASSURE__CODE__OK;
			j->commit_on_error = 0;
			j->lost = 0;
			j->run(j, w->db);
			if (!db_in_transaction(w->db)) {
				/* This job's failure ended the transaction. */
				log_error("writer: the transaction was aborted by the database; "
					  "%s jobs before it in the batch are answered INTERNAL",
					  segment == j ? "no" : "the");
				if (j->status == ASSURE__CODE__OK)
					j->status = ASSURE__CODE__INTERNAL;
				j->lost = 1;
				fail_segment(w, segment, j, ASSURE__CODE__INTERNAL);
				segment = j->next;
				if (segment && begin_or_fail(w, segment) < 0)
					return;
				continue;
			}
			if (j->status == ASSURE__CODE__OK || j->commit_on_error) {
				if (db_release(w->db, &cause) < 0) {
					log_error("writer: RELEASE failed: %s", cause);
					free(cause);
					cause = NULL;
					db_rollback_to(w->db);
					j->status = ASSURE__CODE__INTERNAL;
					j->commit_on_error = 0;
					j->lost = 1;
					if (w->on_abort)
						w->on_abort(w->abort_arg, w->db);
				}
			} else {
				db_rollback_to(w->db);
				/* The job's own rollback may have undone state that
				 * mirrors the database. */
				if (w->on_abort)
					w->on_abort(w->abort_arg, w->db);
			}
		}
	}
	if (segment == NULL || !db_in_transaction(w->db))
		return;
	if (db_commit(w->db, &cause) < 0) {
		log_error("writer: COMMIT failed, batch rolled back: %s", cause);
		free(cause);
		db_rollback(w->db);
		pthread_mutex_lock(&w->lock);
		w->stats.commit_failures++;
		pthread_mutex_unlock(&w->lock);
		fail_segment(w, segment, NULL, ASSURE__CODE__INTERNAL);
	}
}

static void *writer_main(void *arg)
{
	struct writer *w = arg;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		while (w->head == NULL && !w->stopping)
			pthread_cond_wait(&w->cond, &w->lock);
		if (w->head == NULL) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		/* Take up to batch_max jobs, in order. */
		struct job *batch = w->head, *last = w->head;
		unsigned n = 1;
		while (last->next && n < w->batch_max) {
			last = last->next;
			n++;
		}
		w->head = last->next;
		if (w->head == NULL)
			w->tail = NULL;
		last->next = NULL;
		atomic_fetch_sub(&w->queued, n);
		pthread_mutex_unlock(&w->lock);

		run_batch(w, batch);
		pthread_mutex_lock(&w->lock);
		w->stats.batches++;
		w->stats.jobs += n;
		pthread_mutex_unlock(&w->lock);
		struct job *j = batch;
		while (j) {
			struct job *next = j->next;
			completion_push(w->done, j);
			j = next;
		}
	}
	return NULL;
}

struct writer *writer_new(const char *db_path, unsigned batch_max, struct completion *done,
			  void (*on_abort)(void *arg, struct db *db), void *abort_arg, char **cause)
{
	struct writer *w = xcalloc(1, sizeof *w);
	if (db_open(db_path, DB_READ_WRITE, &w->db, cause) < 0) {
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->batch_max = batch_max ? batch_max : 1;
	w->limit = WRITER_DEFAULT_LIMIT;
	atomic_init(&w->queued, 0);
	w->done = done;
	w->on_abort = on_abort;
	w->abort_arg = abort_arg;
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		log_error("writer: cannot start thread");
		abort();
	}
	return w;
}

void writer_submit(struct writer *w, struct job *job)
{
	job->next = NULL;
	pthread_mutex_lock(&w->lock);
	if (w->tail)
		w->tail->next = job;
	else
		w->head = job;
	w->tail = job;
	atomic_fetch_add(&w->queued, 1);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void writer_set_limit(struct writer *w, unsigned limit)
{
	w->limit = limit ? limit : WRITER_DEFAULT_LIMIT;
}

unsigned writer_queued(const struct writer *w)
{
	return atomic_load_explicit(&((struct writer *)w)->queued, memory_order_relaxed);
}

bool writer_congested(const struct writer *w)
{
	return writer_queued(w) >= w->limit;
}

bool writer_relieved(const struct writer *w)
{
	return writer_queued(w) <= w->limit / 2;
}

void writer_get_stats(struct writer *w, struct writer_stats *st)
{
	pthread_mutex_lock(&w->lock);
	*st = w->stats;
	pthread_mutex_unlock(&w->lock);
}

void writer_free(struct writer *w)
{
	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	db_close(w->db);
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
