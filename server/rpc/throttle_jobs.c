/*
 * The login throttle's writer jobs (throttle_jobs.h). They run on the
 * writer thread with its handle, inside the writer's per-job savepoint, and
 * touch nothing of the loop's: each owns a copy of its rows and is freed by
 * its done() on the loop thread. A job that fails is logged and dropped;
 * memory still holds the state, so the only loss is that a restart would
 * forget that change.
 */
#include "throttle_jobs.h"

#include <stdlib.h>

#include "assure.pb-c.h"
#include "job.h"
#include "log.h"
#include "store_throttle.h"
#include "xmalloc.h"

struct journal_job {
	struct job job;
	size_t n;
	struct throttle_row *rows; /* account and addr strings owned here */
};

static void journal_run(struct job *job, struct db *db)
{
	struct journal_job *jj = (struct journal_job *)job;
	for (size_t i = 0; i < jj->n; i++) {
		char *cause = NULL;
		int st = store_throttle_apply(db, &jj->rows[i], &cause);
		if (st != ASSURE__CODE__OK) {
			log_warn(
			    "throttle: state not saved (a restart would forget this change): %s",
			    cause ? cause : "?");
			free(cause);
			job->status = st;
			return;
		}
	}
}

static void journal_done(struct job *job)
{
	struct journal_job *jj = (struct journal_job *)job;
	for (size_t i = 0; i < jj->n; i++) {
		free((char *)jj->rows[i].account);
		free((char *)jj->rows[i].addr);
	}
	free(jj->rows);
	free(jj);
}

void throttle_jobs_journal(void *arg, const struct throttle_row *rows, size_t n)
{
	struct writer *w = arg;
	struct journal_job *jj = xcalloc(1, sizeof *jj);
	jj->n = n;
	jj->rows = xcalloc(n, sizeof *jj->rows);
	for (size_t i = 0; i < n; i++) {
		jj->rows[i] = rows[i];
		jj->rows[i].account = xstrdup(rows[i].account);
		jj->rows[i].addr = xstrdup(rows[i].addr);
	}
	jj->job.run = journal_run;
	jj->job.done = journal_done;
	writer_submit(w, &jj->job);
}

struct prune_job {
	struct job job;
	int64_t now_ms;
};

static void prune_run(struct job *job, struct db *db)
{
	struct prune_job *pj = (struct prune_job *)job;
	char *cause = NULL;
	job->status = store_throttle_prune(db, pj->now_ms, STORE_THROTTLE_MAX_ROWS, &cause);
	if (job->status != ASSURE__CODE__OK) {
		log_warn("throttle: stored state not pruned: %s", cause ? cause : "?");
		free(cause);
	}
}

static void prune_done(struct job *job)
{
	free(job);
}

void throttle_jobs_prune(struct writer *w, int64_t now_ms)
{
	struct prune_job *pj = xcalloc(1, sizeof *pj);
	pj->now_ms = now_ms;
	pj->job.run = prune_run;
	pj->job.done = prune_done;
	writer_submit(w, &pj->job);
}
