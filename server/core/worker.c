/*
 * The worker pool and the completion queue.
 *
 * Workers take jobs from one mutex-protected FIFO; each owns a read-only
 * SQLite handle. Finished jobs go to the completion queue, which wakes the
 * loop with event_active() (legal from other threads because main() called
 * evthread_use_pthreads() before creating the base). Workers never touch a
 * bufferevent (STYLE.md point 12).
 */
#include <event2/event.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "assure.pb-c.h"
#include "db.h"
#include "job.h"
#include "log.h"
#include "xmalloc.h"

struct job_fifo {
	struct job *head;
	struct job *tail;
};

static void fifo_push(struct job_fifo *f, struct job *job)
{
	job->next = NULL;
	if (f->tail)
		f->tail->next = job;
	else
		f->head = job;
	f->tail = job;
}

static struct job *fifo_pop(struct job_fifo *f)
{
	struct job *job = f->head;
	if (job) {
		f->head = job->next;
		if (f->head == NULL)
			f->tail = NULL;
		job->next = NULL;
	}
	return job;
}

/* --- completion --------------------------------------------------------- */

struct completion {
	pthread_mutex_t lock;
	struct job_fifo fifo;
	struct event *ev;
	void (*after)(void *arg); /* loop thread, after each round of done()s */
	void *after_arg;
};

static void completion_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	completion_drain(arg);
}

struct completion *completion_new(struct event_base *base)
{
	struct completion *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	c->ev = event_new(base, -1, 0, completion_cb, c);
	return c;
}

void completion_push(struct completion *c, struct job *job)
{
	pthread_mutex_lock(&c->lock);
	bool was_empty = c->fifo.head == NULL;
	fifo_push(&c->fifo, job);
	pthread_mutex_unlock(&c->lock);
	if (was_empty)
		event_active(c->ev, 0, 0);
}

void completion_drain(struct completion *c)
{
	pthread_mutex_lock(&c->lock);
	struct job_fifo batch = c->fifo;
	c->fifo.head = c->fifo.tail = NULL;
	pthread_mutex_unlock(&c->lock);
	struct job *job;
	while ((job = fifo_pop(&batch)) != NULL)
		job->done(job);
	if (c->after)
		c->after(c->after_arg);
}

void completion_set_after(struct completion *c, void (*after)(void *arg), void *arg)
{
	c->after = after;
	c->after_arg = arg;
}

void completion_free(struct completion *c)
{
	if (c == NULL)
		return;
	event_free(c->ev);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/* --- worker pool -------------------------------------------------------- */

struct worker_pool {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct job_fifo fifo;
	unsigned pending;
	bool stopping;
	unsigned n;
	pthread_t *threads;
	struct db **dbs;
	struct completion *done;
};

struct worker_arg {
	struct worker_pool *pool;
	unsigned index;
};

static void *worker_main(void *arg)
{
	/* Workers run the slow work (argon2id, long reads) at a lower
	 * priority than the loop thread, so that on a small machine a burst
	 * of logins cannot make the loop wait a scheduler time slice before
	 * it answers everyone else. Best effort: failure changes nothing. */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 5);
	struct worker_arg *wa = arg;
	struct worker_pool *p = wa->pool;
	struct db *db = p->dbs[wa->index];
	free(wa);
	for (;;) {
		pthread_mutex_lock(&p->lock);
		while (p->fifo.head == NULL && !p->stopping)
			pthread_cond_wait(&p->cond, &p->lock);
		struct job *job = fifo_pop(&p->fifo);
		pthread_mutex_unlock(&p->lock);
		if (job == NULL)
			break; /* stopping and drained */
		job->status = ASSURE__CODE__OK;
		job->run(job, db);
		pthread_mutex_lock(&p->lock);
		p->pending--;
		pthread_mutex_unlock(&p->lock);
		completion_push(p->done, job);
	}
	return NULL;
}

struct worker_pool *worker_pool_new(unsigned n, const char *db_path, struct completion *done,
				    char **cause)
{
	struct worker_pool *p = xcalloc(1, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->cond, NULL);
	p->done = done;
	p->dbs = xcalloc(n, sizeof *p->dbs);
	p->threads = xcalloc(n, sizeof *p->threads);
	for (unsigned i = 0; i < n; i++) {
		if (db_open(db_path, DB_READ_ONLY, &p->dbs[i], cause) < 0) {
			for (unsigned j = 0; j < i; j++)
				db_close(p->dbs[j]);
			free(p->dbs);
			free(p->threads);
			free(p);
			return NULL;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct worker_arg *wa = xmalloc(sizeof *wa);
		wa->pool = p;
		wa->index = i;
		if (pthread_create(&p->threads[i], NULL, worker_main, wa) != 0) {
			log_error("worker: cannot start thread %u", i);
			abort();
		}
		p->n++;
	}
	return p;
}

void worker_pool_submit(struct worker_pool *p, struct job *job)
{
	pthread_mutex_lock(&p->lock);
	fifo_push(&p->fifo, job);
	p->pending++;
	pthread_cond_signal(&p->cond);
	pthread_mutex_unlock(&p->lock);
}

unsigned worker_pool_pending(struct worker_pool *p)
{
	pthread_mutex_lock(&p->lock);
	unsigned n = p->pending;
	pthread_mutex_unlock(&p->lock);
	return n;
}

void worker_pool_free(struct worker_pool *p)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->cond);
	pthread_mutex_unlock(&p->lock);
	for (unsigned i = 0; i < p->n; i++)
		pthread_join(p->threads[i], NULL);
	for (unsigned i = 0; i < p->n; i++)
		db_close(p->dbs[i]);
	free(p->dbs);
	free(p->threads);
	pthread_cond_destroy(&p->cond);
	pthread_mutex_destroy(&p->lock);
	free(p);
}
