/*
 * The single writer's group commit and the worker pool (server/core/writer.c,
 * server/core/worker.c), against a real SQLite file and a real libevent loop.
 * These two threads are where every durability promise is kept: a reply
 * must never claim a write that was rolled back, one bad request must not
 * undo its neighbours, and done() must run on the loop thread, once, in
 * order. Also: a COMMIT that fails (a deferred foreign key), a transaction
 * SQLite aborts by itself (disk full, via max_page_count), commit_on_error,
 * job->lost and the on_abort hook. Group commit is made deterministic with
 * a "gate" job that holds the writer until the rest of the burst is queued.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "assure.pb-c.h"
#include "db.h"
#include "job.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

#define WAIT_SECONDS 10

static pthread_t main_thread;

/* --- fixture: a migrated database file, a loop and a completion queue --- */

struct fixture {
	char dir[64];
	char path[128];
	struct event_base *base;
	struct completion *completion;
	/* Filled by done() on the loop thread. */
	int *order;
	int norder;
	int cap;
	bool done_off_loop; /* some done() ran on another thread */
	/* For wait_done. */
	int want;
	struct timespec deadline;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/assure-test-writer-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/a.db", f->dir);
	struct db *db = NULL;
	char *cause = NULL;
	int v = 0;
	if (db_open(f->path, DB_CREATE, &db, &cause) < 0 || db_migrate(db, &v, &cause) < 0) {
		fprintf(stderr, "setup: %s\n", cause);
		free(cause);
		db_close(db);
		return -1;
	}
	db_close(db);
	f->base = event_base_new();
	if (f->base == NULL)
		return -1;
	f->completion = completion_new(f->base);
	f->cap = 1024;
	f->order = xcalloc((size_t)f->cap, sizeof *f->order);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	completion_free(f->completion);
	event_base_free(f->base);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	int rc = system(cmd);
	free(f->order);
	free(f);
	return rc == 0 ? 0 : -1;
}

static bool past(const struct timespec *deadline)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > deadline->tv_sec ||
	       (now.tv_sec == deadline->tv_sec && now.tv_nsec >= deadline->tv_nsec);
}

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	struct fixture *f = arg;
	if (f->norder >= f->want || past(&f->deadline))
		event_base_loopbreak(f->base);
}

/* Runs the loop (so completions arrive the way they do in the daemon) until
 * want done() calls have been seen or WAIT_SECONDS pass. */
static void wait_done(struct fixture *f, int want)
{
	f->want = want;
	clock_gettime(CLOCK_MONOTONIC, &f->deadline);
	f->deadline.tv_sec += WAIT_SECONDS;
	struct event *tick = event_new(f->base, -1, EV_PERSIST, tick_cb, f);
	struct timeval tv = {0, 2000};
	assert_int_equal(event_add(tick, &tv), 0);
	assert_int_equal(event_base_dispatch(f->base), 0);
	event_free(tick);
	assert_int_equal(f->norder, want);
}

/* --- a gate: a job that holds its thread until the test lets it go ------ */

struct gate {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool started;
	bool released;
};

static void gate_init(struct gate *g)
{
	pthread_mutex_init(&g->lock, NULL);
	pthread_cond_init(&g->cond, NULL);
	g->started = g->released = false;
}

static void gate_destroy(struct gate *g)
{
	pthread_cond_destroy(&g->cond);
	pthread_mutex_destroy(&g->lock);
}

static void deadline_in(struct timespec *ts, int seconds)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += seconds;
}

/* Waits (bounded) until flag is true; returns its value. */
static bool gate_wait_for(struct gate *g, bool *flag)
{
	struct timespec ts;
	deadline_in(&ts, WAIT_SECONDS);
	pthread_mutex_lock(&g->lock);
	while (!*flag) {
		if (pthread_cond_timedwait(&g->cond, &g->lock, &ts) == ETIMEDOUT)
			break;
	}
	bool v = *flag;
	pthread_mutex_unlock(&g->lock);
	return v;
}

static void gate_release(struct gate *g)
{
	pthread_mutex_lock(&g->lock);
	g->released = true;
	pthread_cond_broadcast(&g->cond);
	pthread_mutex_unlock(&g->lock);
}

/* --- test jobs ---------------------------------------------------------- */

enum tjob_kind {
	TJOB_GATE,	 /* holds the thread until released */
	TJOB_INSERT,	 /* inserts its user; OK */
	TJOB_FAIL,	 /* inserts its user, then reports INVALID_ARGUMENT */
	TJOB_KEEP_ERROR, /* inserts its user, reports PERMISSION_DENIED, keeps it */
	TJOB_INSERT2,	 /* inserts its user, then `other` (which may clash) */
	TJOB_DEFER_FK,	 /* a foreign-key violation deferred to COMMIT */
	TJOB_DISK_FULL,	 /* SQLITE_FULL, which aborts the whole transaction */
	TJOB_FULL_QUIET, /* the same, but run() ignores the error */
	TJOB_READ,	 /* worker: reads `other`, tries to insert its user */
	TJOB_PAIR,	 /* worker: waits (bounded) until two PAIR jobs run at once */
};

struct tjob {
	struct job job;
	struct fixture *f;
	struct gate *gate;
	enum tjob_kind kind;
	int seq;
	char name[32];
	const char *other;
	/* Results. */
	int done_calls;
	int run_calls;
	int status_in_run; /* store status seen inside run() */
	bool found;
	bool run_on_main;
	int *pair_count; /* TJOB_PAIR */
	bool paired;
};

static struct tjob *tjob_of(struct job *job)
{
	return (struct tjob *)((char *)job - offsetof(struct tjob, job));
}

static void pair_run(struct tjob *t)
{
	struct timespec ts;
	deadline_in(&ts, 5);
	pthread_mutex_lock(&t->gate->lock);
	(*t->pair_count)++;
	pthread_cond_broadcast(&t->gate->cond);
	while (*t->pair_count < 2)
		if (pthread_cond_timedwait(&t->gate->cond, &t->gate->lock, &ts) == ETIMEDOUT)
			break;
	t->paired = *t->pair_count >= 2;
	pthread_mutex_unlock(&t->gate->lock);
}

static void tjob_run(struct job *job, struct db *db)
{
	struct tjob *t = tjob_of(job);
	char *cause = NULL;
	int64_t id = 0;
	t->run_calls++;
	t->run_on_main = pthread_equal(pthread_self(), main_thread);
	switch (t->kind) {
	case TJOB_GATE:
		pthread_mutex_lock(&t->gate->lock);
		t->gate->started = true;
		pthread_cond_broadcast(&t->gate->cond);
		pthread_mutex_unlock(&t->gate->lock);
		(void)gate_wait_for(t->gate, &t->gate->released);
		break;
	case TJOB_INSERT:
	case TJOB_FAIL:
	case TJOB_KEEP_ERROR:
	case TJOB_INSERT2:
		t->status_in_run = store_user_insert(db, t->name, "Test User", "$argon2id$x", 0,
						     1000, "test", &id, &cause);
		if (t->status_in_run == ASSURE__CODE__OK && t->kind == TJOB_INSERT2)
			t->status_in_run = store_user_insert(db, t->other, "Second", "$argon2id$x",
							     0, 1000, "test", &id, &cause);
		if (t->status_in_run != ASSURE__CODE__OK)
			job->status = t->status_in_run;
		else if (t->kind == TJOB_FAIL)
			job->status = ASSURE__CODE__INVALID_ARGUMENT;
		else if (t->kind == TJOB_KEEP_ERROR) {
			/* As the audit trail does: a refusal whose record
			 * (here, the row) must commit. */
			job->status = ASSURE__CODE__PERMISSION_DENIED;
			job->commit_on_error = 1;
		}
		break;
	case TJOB_DEFER_FK:
		/* Legal until COMMIT, where the deferred check fails the whole
		 * transaction: the batch's commit-failure path. */
		if (db_exec(
			db,
			"PRAGMA defer_foreign_keys = ON;"
			"INSERT INTO users (username, display_name, site_id, password_hash,"
			" created_at, updated_at) VALUES ('fk-orphan', 'x', 999999, 'h', 0, 0);",
			&cause) < 0)
			job->status = ASSURE__CODE__INTERNAL;
		break;
	case TJOB_DISK_FULL:
	case TJOB_FULL_QUIET:
		/* max_page_count is per connection: cap the file at its
		 * current size, overflow it, lift the cap again. SQLite
		 * answers SQLITE_FULL by rolling back the whole transaction,
		 * not just the statement, as it may for IOERR, NOMEM and
		 * BUSY too. */
		if (db_exec(db,
			    "PRAGMA max_page_count = 1;"
			    "INSERT INTO users (username, display_name, password_hash, created_at,"
			    " updated_at) VALUES ('too-big', randomblob(4000000), 'h', 0, 0);",
			    &cause) < 0 &&
		    t->kind == TJOB_DISK_FULL)
			job->status = ASSURE__CODE__RESOURCE_EXHAUSTED;
		free(cause);
		cause = NULL;
		if (db_exec(db, "PRAGMA max_page_count = 1073741823;", &cause) < 0)
			fprintf(stderr, "cannot lift max_page_count: %s\n", cause);
		break;
	case TJOB_READ: {
		struct user_record *u = NULL;
		t->found = store_user_find_by_name(db, t->other, &u, &cause) == ASSURE__CODE__OK &&
			   strcmp(u->username, t->other) == 0;
		user_record_free(u);
		free(cause);
		cause = NULL;
		/* Workers hold read-only handles: a write must be refused. */
		t->status_in_run = store_user_insert(db, t->name, "Nope", "$argon2id$x", 0, 1000,
						     "test", &id, &cause);
		break;
	}
	case TJOB_PAIR:
		pair_run(t);
		break;
	}
	free(cause);
}

static void tjob_done(struct job *job)
{
	struct tjob *t = tjob_of(job);
	struct fixture *f = t->f;
	t->done_calls++;
	if (!pthread_equal(pthread_self(), main_thread))
		f->done_off_loop = true;
	if (f->norder < f->cap)
		f->order[f->norder] = t->seq;
	f->norder++;
}

static void tjob_init(struct tjob *t, struct fixture *f, enum tjob_kind kind, int seq,
		      const char *name)
{
	memset(t, 0, sizeof *t);
	t->f = f;
	t->kind = kind;
	t->seq = seq;
	snprintf(t->name, sizeof t->name, "%s", name);
	t->job.run = tjob_run;
	t->job.done = tjob_done;
	t->job.status = -1;
}

/* What the writer's on_abort hook saw. */
struct abort_log {
	int calls;
	bool off_writer_thread; /* called on the loop (main) thread */
	bool null_db;
	/* At the last call, on the writer's own handle: */
	bool saw[8];
	const char *watch[8]; /* user names to look for, NULL-terminated */
};

/* 1 if the user is there, 0 if not, -1 on a database error. No cmocka
 * assertions: this runs on the writer thread. */
static int user_lookup(struct db *db, const char *name)
{
	struct user_record *u = NULL;
	char *cause = NULL;
	int st = store_user_find_by_name(db, name, &u, &cause);
	free(cause);
	user_record_free(u);
	return st == ASSURE__CODE__OK ? 1 : st == ASSURE__CODE__NOT_FOUND ? 0 : -1;
}

static void on_abort(void *arg, struct db *db)
{
	struct abort_log *log = arg;
	log->calls++;
	if (pthread_equal(pthread_self(), main_thread))
		log->off_writer_thread = true;
	if (db == NULL) {
		log->null_db = true;
		return;
	}
	for (int i = 0; i < 8 && log->watch[i] != NULL; i++)
		log->saw[i] = user_lookup(db, log->watch[i]) != 0; /* an error counts as seen */
}

static struct writer *start_writer_hooked(struct fixture *f, unsigned batch_max,
					  struct abort_log *log)
{
	char *cause = NULL;
	struct writer *w =
	    writer_new(f->path, batch_max, f->completion, log ? on_abort : NULL, log, &cause);
	if (w == NULL)
		fprintf(stderr, "writer_new: %s\n", cause);
	free(cause);
	assert_non_null(w);
	return w;
}

static struct writer *start_writer(struct fixture *f, unsigned batch_max)
{
	char *cause = NULL;
	struct writer *w = writer_new(f->path, batch_max, f->completion, NULL, NULL, &cause);
	if (w == NULL)
		fprintf(stderr, "writer_new: %s\n", cause);
	free(cause);
	assert_non_null(w);
	return w;
}

/* A separate read-only handle, as a worker would see the database. */
static struct db *open_reader(struct fixture *f)
{
	struct db *db = NULL;
	char *cause = NULL;
	if (db_open(f->path, DB_READ_ONLY, &db, &cause) < 0)
		fprintf(stderr, "open_reader: %s\n", cause);
	free(cause);
	assert_non_null(db);
	return db;
}

static bool user_exists(struct db *db, const char *name)
{
	int found = user_lookup(db, name);
	assert_true(found >= 0);
	return found == 1;
}

static int64_t user_count(struct db *db)
{
	int64_t n = -1;
	char *cause = NULL;
	assert_int_equal(store_user_count(db, &n, &cause), ASSURE__CODE__OK);
	return n;
}

static void assert_done_in_order(struct fixture *f, int n)
{
	assert_int_equal(f->norder, n);
	for (int i = 0; i < n; i++)
		assert_int_equal(f->order[i], i);
	assert_false(f->done_off_loop);
}

/* --- writer tests ------------------------------------------------------- */

#define BURST 200
#define BATCH_MAX 64

/* A burst queued behind a gate: group commit in batches of at most
 * BATCH_MAX, done() once each and in submission order, failed jobs rolled
 * back alone. */
static void test_writer_group_commit(void **state)
{
	struct fixture *f = *state;
	struct writer *w = start_writer(f, BATCH_MAX);
	struct gate g;
	gate_init(&g);
	struct tjob *jobs = xcalloc(BURST + 1, sizeof *jobs);

	tjob_init(&jobs[0], f, TJOB_GATE, 0, "gate");
	jobs[0].gate = &g;
	writer_submit(w, &jobs[0].job);
	assert_true(gate_wait_for(&g, &g.started));

	int nfail = 0;
	for (int i = 1; i <= BURST; i++) {
		char name[32];
		snprintf(name, sizeof name, "user-%03d", i);
		bool fail = i % 10 == 3;
		nfail += fail;
		tjob_init(&jobs[i], f, fail ? TJOB_FAIL : TJOB_INSERT, i, name);
		writer_submit(w, &jobs[i].job);
	}
	gate_release(&g);
	wait_done(f, BURST + 1);
	assert_done_in_order(f, BURST + 1);

	for (int i = 0; i <= BURST; i++) {
		assert_int_equal(jobs[i].done_calls, 1);
		assert_int_equal(jobs[i].run_calls, 1);
		assert_false(jobs[i].run_on_main);
		if (i == 0)
			continue;
		assert_int_equal(jobs[i].status_in_run, ASSURE__CODE__OK);
		assert_int_equal(jobs[i].job.status, jobs[i].kind == TJOB_FAIL
							 ? ASSURE__CODE__INVALID_ARGUMENT
							 : ASSURE__CODE__OK);
	}

	struct writer_stats st;
	writer_get_stats(w, &st);
	assert_int_equal(st.jobs, BURST + 1);
	assert_int_equal(st.commit_failures, 0);
	/* The gate alone, then the queued burst in full batches of BATCH_MAX
	 * and one remainder: group commit happened and batch_max held. */
	assert_int_equal(st.batches, 1 + (BURST + BATCH_MAX - 1) / BATCH_MAX);
	assert_true(st.batches < st.jobs);
	writer_free(w);

	struct db *r = open_reader(f);
	for (int i = 1; i <= BURST; i++)
		assert_int_equal(user_exists(r, jobs[i].name), jobs[i].kind == TJOB_INSERT);
	assert_int_equal(user_count(r), BURST - nfail);
	db_close(r);
	free(jobs);
	gate_destroy(&g);
}

/* Jobs arriving one at a time (each waited for) are one batch each: the
 * writer never waits to fill a batch. */
static void test_writer_single_jobs(void **state)
{
	struct fixture *f = *state;
	struct writer *w = start_writer(f, BATCH_MAX);
	struct tjob jobs[5];
	for (int i = 0; i < 5; i++) {
		char name[32];
		snprintf(name, sizeof name, "solo-%d", i);
		tjob_init(&jobs[i], f, TJOB_INSERT, i, name);
		writer_submit(w, &jobs[i].job);
		wait_done(f, i + 1);
		assert_int_equal(jobs[i].job.status, ASSURE__CODE__OK);
	}
	struct writer_stats st;
	writer_get_stats(w, &st);
	assert_int_equal(st.batches, 5);
	assert_int_equal(st.jobs, 5);
	writer_free(w);
	assert_done_in_order(f, 5);
}

/* A UNIQUE violation fails only its own job, with ALREADY_EXISTS, in the
 * middle of a batch whose other jobs commit. A job that made a change
 * before its failing statement loses that change too (its savepoint). */
static void test_writer_unique_violation_alone(void **state)
{
	struct fixture *f = *state;
	struct writer *w = start_writer(f, BATCH_MAX);
	struct gate g;
	gate_init(&g);
	struct tjob jobs[6];

	tjob_init(&jobs[0], f, TJOB_GATE, 0, "gate");
	jobs[0].gate = &g;
	writer_submit(w, &jobs[0].job);
	assert_true(gate_wait_for(&g, &g.started));

	tjob_init(&jobs[1], f, TJOB_INSERT, 1, "dup");
	tjob_init(&jobs[2], f, TJOB_INSERT, 2, "dup"); /* clashes with 1 */
	tjob_init(&jobs[3], f, TJOB_INSERT, 3, "after-dup");
	tjob_init(&jobs[4], f, TJOB_INSERT2, 4, "half-done"); /* then clashes */
	jobs[4].other = "dup";
	tjob_init(&jobs[5], f, TJOB_INSERT2, 5, "pair-a");
	jobs[5].other = "pair-b";
	for (int i = 1; i < 6; i++)
		writer_submit(w, &jobs[i].job);
	gate_release(&g);
	wait_done(f, 6);
	assert_done_in_order(f, 6);

	assert_int_equal(jobs[1].job.status, ASSURE__CODE__OK);
	assert_int_equal(jobs[2].job.status, ASSURE__CODE__ALREADY_EXISTS);
	assert_int_equal(jobs[3].job.status, ASSURE__CODE__OK);
	assert_int_equal(jobs[4].job.status, ASSURE__CODE__ALREADY_EXISTS);
	assert_int_equal(jobs[5].job.status, ASSURE__CODE__OK);

	struct writer_stats st;
	writer_get_stats(w, &st);
	assert_int_equal(st.batches, 2); /* the gate, then all five together */
	assert_int_equal(st.commit_failures, 0);
	writer_free(w);

	struct db *r = open_reader(f);
	assert_true(user_exists(r, "dup"));
	assert_true(user_exists(r, "after-dup"));
	assert_false(user_exists(r, "half-done"));
	assert_true(user_exists(r, "pair-a"));
	assert_true(user_exists(r, "pair-b"));
	assert_int_equal(user_count(r), 4);
	db_close(r);
	gate_destroy(&g);
}

/* When COMMIT itself fails, no job in the batch may be answered OK, none
 * of its rows may be visible, and the writer carries on with the next
 * batch. */
static void test_writer_commit_failure(void **state)
{
	struct fixture *f = *state;
	struct writer *w = start_writer(f, BATCH_MAX);
	struct gate g;
	gate_init(&g);
	struct tjob jobs[6];

	tjob_init(&jobs[0], f, TJOB_GATE, 0, "gate");
	jobs[0].gate = &g;
	writer_submit(w, &jobs[0].job);
	assert_true(gate_wait_for(&g, &g.started));
	tjob_init(&jobs[1], f, TJOB_INSERT, 1, "doomed-1");
	tjob_init(&jobs[2], f, TJOB_DEFER_FK, 2, "fk");
	tjob_init(&jobs[3], f, TJOB_FAIL, 3, "doomed-failed");
	tjob_init(&jobs[4], f, TJOB_INSERT, 4, "doomed-2");
	for (int i = 1; i < 5; i++)
		writer_submit(w, &jobs[i].job);
	gate_release(&g);
	wait_done(f, 5);

	assert_int_equal(jobs[1].job.status, ASSURE__CODE__INTERNAL);
	assert_int_equal(jobs[2].job.status, ASSURE__CODE__INTERNAL);
	/* Its own failure is the more precise answer and is kept. */
	assert_int_equal(jobs[3].job.status, ASSURE__CODE__INVALID_ARGUMENT);
	assert_int_equal(jobs[4].job.status, ASSURE__CODE__INTERNAL);

	struct writer_stats st;
	writer_get_stats(w, &st);
	assert_int_equal(st.commit_failures, 1);

	/* The writer's connection is usable afterwards. */
	tjob_init(&jobs[5], f, TJOB_INSERT, 5, "survivor");
	writer_submit(w, &jobs[5].job);
	wait_done(f, 6);
	assert_done_in_order(f, 6);
	assert_int_equal(jobs[5].job.status, ASSURE__CODE__OK);
	writer_free(w);

	struct db *r = open_reader(f);
	assert_false(user_exists(r, "doomed-1"));
	assert_false(user_exists(r, "doomed-2"));
	assert_false(user_exists(r, "doomed-failed"));
	assert_false(user_exists(r, "fk-orphan"));
	assert_true(user_exists(r, "survivor"));
	assert_int_equal(user_count(r), 1);
	db_close(r);
	gate_destroy(&g);
}

/* Runs gate + kinds[0..n-1] as one batch (user names prefix-i) and checks
 * the invariant that matters to a client: each job is answered OK exactly
 * when its row is committed. */
static void run_batch_check_answers(struct fixture *f, const enum tjob_kind *kinds, int n,
				    const char *prefix, struct tjob *jobs)
{
	int base = f->norder;
	struct writer *w = start_writer(f, BATCH_MAX);
	struct gate g;
	gate_init(&g);
	tjob_init(&jobs[0], f, TJOB_GATE, base, "gate");
	jobs[0].gate = &g;
	writer_submit(w, &jobs[0].job);
	assert_true(gate_wait_for(&g, &g.started));
	for (int i = 1; i <= n; i++) {
		char name[32];
		snprintf(name, sizeof name, "%s-%d", prefix, i);
		tjob_init(&jobs[i], f, kinds[i - 1], base + i, name);
		writer_submit(w, &jobs[i].job);
	}
	gate_release(&g);
	wait_done(f, base + n + 1);
	for (int i = 0; i <= n; i++)
		assert_int_equal(f->order[base + i], base + i);
	struct writer_stats st;
	writer_get_stats(w, &st);
	assert_int_equal(st.batches, 2);
	writer_free(w);
	gate_destroy(&g);

	struct db *r = open_reader(f);
	assert_false(user_exists(r, "too-big"));
	bool lied = false;
	for (int i = 1; i <= n; i++) {
		if (jobs[i].kind == TJOB_DISK_FULL || jobs[i].kind == TJOB_FULL_QUIET) {
			assert_int_not_equal(jobs[i].job.status, ASSURE__CODE__OK);
			continue;
		}
		bool present = user_exists(r, jobs[i].name);
		bool ok = jobs[i].job.status == ASSURE__CODE__OK;
		if (present != ok)
			fprintf(stderr, "%s: answered %d but row %s\n", jobs[i].name,
				jobs[i].job.status, present ? "committed" : "absent");
		lied |= present != ok;
	}
	db_close(r);
	assert_false(lied);
}

/* A job whose error makes SQLite abort the whole transaction (disk full)
 * in the middle, at the start and at the end of a batch. Work before the
 * abort is lost and answered INTERNAL; the rest of the batch commits in a
 * new transaction; no answer disagrees with the database. */
static void test_writer_transaction_lost_mid_batch(void **state)
{
	struct fixture *f = *state;
	struct tjob jobs[5];
	struct db *r;

	static const enum tjob_kind mid[] = {TJOB_INSERT, TJOB_DISK_FULL, TJOB_INSERT, TJOB_INSERT};
	run_batch_check_answers(f, mid, 4, "mid", jobs);
	assert_int_equal(jobs[1].job.status, ASSURE__CODE__INTERNAL);
	assert_int_equal(jobs[3].job.status, ASSURE__CODE__OK);
	assert_int_equal(jobs[4].job.status, ASSURE__CODE__OK);

	static const enum tjob_kind first[] = {TJOB_DISK_FULL, TJOB_INSERT, TJOB_FAIL};
	run_batch_check_answers(f, first, 3, "first", jobs);
	assert_int_equal(jobs[2].job.status, ASSURE__CODE__OK);
	assert_int_equal(jobs[3].job.status, ASSURE__CODE__INVALID_ARGUMENT);

	static const enum tjob_kind last[] = {TJOB_INSERT, TJOB_INSERT, TJOB_DISK_FULL};
	run_batch_check_answers(f, last, 3, "last", jobs);
	assert_int_equal(jobs[1].job.status, ASSURE__CODE__INTERNAL);
	assert_int_equal(jobs[2].job.status, ASSURE__CODE__INTERNAL);

	/* A job that ignored the error is not answered OK for work that
	 * is gone. */
	static const enum tjob_kind quiet[] = {TJOB_INSERT, TJOB_FULL_QUIET, TJOB_INSERT};
	run_batch_check_answers(f, quiet, 3, "quiet", jobs);
	assert_int_equal(jobs[2].job.status, ASSURE__CODE__INTERNAL);
	assert_int_equal(jobs[3].job.status, ASSURE__CODE__OK);

	r = open_reader(f);
	assert_int_equal(user_count(r), 4); /* mid-3, mid-4, first-2, quiet-3 */
	db_close(r);
	assert_false(f->done_off_loop);
}

/* Submits gate + jobs[1..n] (already initialised) to w as one batch and
 * waits for all of them. */
static void submit_batch(struct fixture *f, struct writer *w, struct tjob *jobs, int n)
{
	struct gate g;
	gate_init(&g);
	tjob_init(&jobs[0], f, TJOB_GATE, f->norder, "gate");
	jobs[0].gate = &g;
	writer_submit(w, &jobs[0].job);
	assert_true(gate_wait_for(&g, &g.started));
	for (int i = 1; i <= n; i++) {
		jobs[i].seq = f->norder + i;
		writer_submit(w, &jobs[i].job);
	}
	gate_release(&g);
	wait_done(f, f->norder + n + 1);
	gate_destroy(&g);
}

/* commit_on_error keeps a failed job's savepoint: its status goes back as
 * it was set and its row commits, while a plain failure is undone. A batch
 * with no rollback at all never calls on_abort. */
static void test_writer_commit_on_error(void **state)
{
	struct fixture *f = *state;
	struct abort_log log = {.watch = {NULL}};
	struct writer *w = start_writer_hooked(f, BATCH_MAX, &log);
	struct tjob jobs[5];

	tjob_init(&jobs[1], f, TJOB_INSERT, 0, "ok-1");
	tjob_init(&jobs[2], f, TJOB_INSERT, 0, "ok-2");
	/* A reused job struct: stale flags from a previous life are reset. */
	jobs[2].job.lost = 1;
	jobs[2].job.commit_on_error = 1;
	submit_batch(f, w, jobs, 2);
	assert_int_equal(log.calls, 0);
	assert_int_equal(jobs[2].job.status, ASSURE__CODE__OK);
	assert_int_equal(jobs[2].job.lost, 0);

	tjob_init(&jobs[1], f, TJOB_INSERT, 0, "a");
	tjob_init(&jobs[2], f, TJOB_KEEP_ERROR, 0, "kept");
	tjob_init(&jobs[3], f, TJOB_FAIL, 0, "undone");
	tjob_init(&jobs[4], f, TJOB_INSERT, 0, "d");
	submit_batch(f, w, jobs, 4);
	writer_free(w);
	assert_false(f->done_off_loop);

	assert_int_equal(jobs[1].job.status, ASSURE__CODE__OK);
	assert_int_equal(jobs[2].job.status, ASSURE__CODE__PERMISSION_DENIED);
	assert_int_equal(jobs[3].job.status, ASSURE__CODE__INVALID_ARGUMENT);
	assert_int_equal(jobs[4].job.status, ASSURE__CODE__OK);
	for (int i = 1; i <= 4; i++)
		assert_int_equal(jobs[i].job.lost, 0);
	assert_false(log.off_writer_thread);
	assert_false(log.null_db);

	struct db *r = open_reader(f);
	assert_true(user_exists(r, "a"));
	assert_true(user_exists(r, "kept"));
	assert_false(user_exists(r, "undone"));
	assert_true(user_exists(r, "d"));
	assert_int_equal(user_count(r), 5);
	db_close(r);
}

/* When the batch's COMMIT fails, everything that was to commit is lost:
 * answered INTERNAL with job->lost set, including a commit_on_error job;
 * a job that had failed (and kept nothing) keeps its own answer. on_abort
 * runs on the writer thread and sees the database as rolled back. */
static void test_writer_lost_on_commit_failure(void **state)
{
	struct fixture *f = *state;
	struct abort_log log = {.watch = {"c-ok", "c-kept", NULL}};
	struct writer *w = start_writer_hooked(f, BATCH_MAX, &log);
	struct tjob jobs[5];

	tjob_init(&jobs[1], f, TJOB_INSERT, 0, "c-ok");
	tjob_init(&jobs[2], f, TJOB_KEEP_ERROR, 0, "c-kept");
	tjob_init(&jobs[3], f, TJOB_DEFER_FK, 0, "fk");
	tjob_init(&jobs[4], f, TJOB_FAIL, 0, "c-failed");
	log.saw[0] = log.saw[1] = true;
	submit_batch(f, w, jobs, 4);

	assert_true(log.calls >= 1);
	assert_false(log.off_writer_thread);
	assert_false(log.null_db);
	assert_false(log.saw[0]);
	assert_false(log.saw[1]);
	for (int i = 1; i <= 3; i++) {
		assert_int_equal(jobs[i].job.status, ASSURE__CODE__INTERNAL);
		assert_int_equal(jobs[i].job.lost, 1);
		assert_int_equal(jobs[i].job.commit_on_error, 0);
	}
	assert_int_equal(jobs[4].job.status, ASSURE__CODE__INVALID_ARGUMENT);
	assert_int_equal(jobs[4].job.lost, 0);

	/* An abort (disk full) after a commit_on_error job loses it too; the
	 * job after the abort is not lost. */
	log.calls = 0;
	log.watch[0] = "k-kept";
	log.watch[1] = NULL;
	log.saw[0] = true;
	tjob_init(&jobs[1], f, TJOB_KEEP_ERROR, 0, "k-kept");
	tjob_init(&jobs[2], f, TJOB_DISK_FULL, 0, "too-big");
	tjob_init(&jobs[3], f, TJOB_INSERT, 0, "k-after");
	submit_batch(f, w, jobs, 3);
	writer_free(w);
	assert_true(log.calls >= 1);
	assert_false(log.saw[0]);
	assert_int_equal(jobs[1].job.status, ASSURE__CODE__INTERNAL);
	assert_int_equal(jobs[1].job.lost, 1);
	assert_int_not_equal(jobs[2].job.status, ASSURE__CODE__OK);
	assert_int_equal(jobs[3].job.status, ASSURE__CODE__OK);
	assert_int_equal(jobs[3].job.lost, 0);

	struct db *r = open_reader(f);
	assert_false(user_exists(r, "c-ok"));
	assert_false(user_exists(r, "c-kept"));
	assert_false(user_exists(r, "c-failed"));
	assert_false(user_exists(r, "k-kept"));
	assert_true(user_exists(r, "k-after"));
	assert_int_equal(user_count(r), 1);
	db_close(r);
}

static void *release_later(void *arg)
{
	usleep(100 * 1000);
	gate_release(arg);
	return NULL;
}

/* writer_free is called while work is still queued behind a busy job: it
 * must commit all of it before returning, and queue every done(). */
static void test_writer_free_commits_queued(void **state)
{
	struct fixture *f = *state;
	struct writer *w = start_writer(f, 16);
	struct gate g;
	gate_init(&g);
	enum { N = 50 };
	struct tjob jobs[N + 1];

	tjob_init(&jobs[0], f, TJOB_GATE, 0, "gate");
	jobs[0].gate = &g;
	writer_submit(w, &jobs[0].job);
	assert_true(gate_wait_for(&g, &g.started));
	for (int i = 1; i <= N; i++) {
		char name[32];
		snprintf(name, sizeof name, "late-%02d", i);
		tjob_init(&jobs[i], f, TJOB_INSERT, i, name);
		writer_submit(w, &jobs[i].job);
	}
	pthread_t releaser;
	assert_int_equal(pthread_create(&releaser, NULL, release_later, &g), 0);
	writer_free(w); /* asks to stop while the gate still holds the thread */
	pthread_join(releaser, NULL);

	/* Nothing ran done() yet: that is the loop's job. */
	assert_int_equal(f->norder, 0);
	completion_drain(f->completion);
	assert_done_in_order(f, N + 1);

	struct db *r = open_reader(f);
	for (int i = 1; i <= N; i++) {
		assert_int_equal(jobs[i].done_calls, 1);
		assert_int_equal(jobs[i].job.status, ASSURE__CODE__OK);
		assert_true(user_exists(r, jobs[i].name));
	}
	assert_int_equal(user_count(r), N);
	db_close(r);
	gate_destroy(&g);
}

static void test_writer_new_bad_path(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	struct writer *w =
	    writer_new("/nonexistent-dir/x.db", 8, f->completion, NULL, NULL, &cause);
	assert_null(w);
	assert_non_null(cause);
	assert_non_null(strstr(cause, "/nonexistent-dir/x.db"));
	free(cause);
	writer_free(NULL);
}

/* --- worker pool tests -------------------------------------------------- */

#define NREADS 100

static void seed_user(struct fixture *f, const char *name)
{
	struct writer *w = start_writer(f, 1);
	struct tjob t;
	tjob_init(&t, f, TJOB_INSERT, 0, name);
	writer_submit(w, &t.job);
	writer_free(w);
	completion_drain(f->completion);
	assert_int_equal(t.job.status, ASSURE__CODE__OK);
	f->norder = 0;
}

static struct worker_pool *start_pool(struct fixture *f, unsigned n)
{
	char *cause = NULL;
	struct worker_pool *p = worker_pool_new(n, f->path, f->completion, &cause);
	if (p == NULL)
		fprintf(stderr, "worker_pool_new: %s\n", cause);
	free(cause);
	assert_non_null(p);
	return p;
}

/* Two workers: reads succeed on their read-only handles, writes are
 * refused there, both threads really run at once, and every done() runs
 * once on the loop thread. */
static void test_worker_pool_reads(void **state)
{
	struct fixture *f = *state;
	seed_user(f, "reader-target");
	struct worker_pool *p = start_pool(f, 2);
	struct gate g;
	gate_init(&g);
	int pair_count = 0;
	struct tjob *jobs = xcalloc(NREADS + 2, sizeof *jobs);

	/* Two jobs that each wait for the other: only a pool of two or more
	 * threads running in parallel lets both see the pair. */
	for (int i = 0; i < 2; i++) {
		tjob_init(&jobs[i], f, TJOB_PAIR, i, "pair");
		jobs[i].gate = &g;
		jobs[i].pair_count = &pair_count;
		worker_pool_submit(p, &jobs[i].job);
	}
	for (int i = 2; i < NREADS + 2; i++) {
		char name[32];
		snprintf(name, sizeof name, "ro-insert-%d", i);
		tjob_init(&jobs[i], f, TJOB_READ, i, name);
		jobs[i].other = "reader-target";
		worker_pool_submit(p, &jobs[i].job);
	}
	wait_done(f, NREADS + 2);
	assert_false(f->done_off_loop);
	assert_int_equal(worker_pool_pending(p), 0);

	/* With two threads, completions of neighbours may swap; each exactly
	 * once is what matters. */
	int *seen = xcalloc(NREADS + 2, sizeof *seen);
	for (int i = 0; i < NREADS + 2; i++) {
		assert_in_range(f->order[i], 0, NREADS + 1);
		seen[f->order[i]]++;
	}
	for (int i = 0; i < NREADS + 2; i++) {
		assert_int_equal(seen[i], 1);
		assert_int_equal(jobs[i].done_calls, 1);
		assert_int_equal(jobs[i].run_calls, 1);
		assert_false(jobs[i].run_on_main);
		assert_int_equal(jobs[i].job.status, ASSURE__CODE__OK);
	}
	assert_true(jobs[0].paired);
	assert_true(jobs[1].paired);
	for (int i = 2; i < NREADS + 2; i++) {
		assert_true(jobs[i].found);
		assert_int_not_equal(jobs[i].status_in_run, ASSURE__CODE__OK);
	}
	worker_pool_free(p);
	free(seen);
	free(jobs);
	gate_destroy(&g);

	struct db *r = open_reader(f);
	assert_int_equal(user_count(r), 1);
	db_close(r);
}

/* worker_pool_free finishes what is queued and queues each done(). */
static void test_worker_pool_free_finishes_queued(void **state)
{
	struct fixture *f = *state;
	seed_user(f, "reader-target");
	struct worker_pool *p = start_pool(f, 2);
	enum { N = 40 };
	struct tjob jobs[N];
	for (int i = 0; i < N; i++) {
		tjob_init(&jobs[i], f, TJOB_READ, i, "ro");
		jobs[i].other = "reader-target";
		worker_pool_submit(p, &jobs[i].job);
	}
	worker_pool_free(p);
	completion_drain(f->completion);
	assert_int_equal(f->norder, N);
	for (int i = 0; i < N; i++) {
		assert_int_equal(jobs[i].run_calls, 1);
		assert_int_equal(jobs[i].done_calls, 1);
		assert_true(jobs[i].found);
	}
	worker_pool_free(NULL);
}

static void test_worker_pool_new_bad_path(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	struct worker_pool *p = worker_pool_new(2, "/nonexistent-dir/x.db", f->completion, &cause);
	assert_null(p);
	assert_non_null(cause);
	free(cause);
}

int main(void)
{
	/* Before any other libevent call: completions are pushed from other
	 * threads with event_active(). */
	if (evthread_use_pthreads() != 0)
		return 1;
	main_thread = pthread_self();
	log_set_level(LOG_LEVEL_WARN);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_writer_group_commit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writer_single_jobs, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writer_unique_violation_alone, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writer_commit_failure, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writer_transaction_lost_mid_batch, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_writer_commit_on_error, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writer_lost_on_commit_failure, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writer_free_commits_queued, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writer_new_bad_path, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_worker_pool_reads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_worker_pool_free_finishes_queued, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_worker_pool_new_bad_path, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
