/*
 * Keeping the login throttle (domain/throttle.h) across restarts: its
 * changes go to the database through the writer (store/store_throttle.h).
 */
#ifndef ASSURE_THROTTLE_JOBS_H
#define ASSURE_THROTTLE_JOBS_H

#include <stddef.h>
#include <stdint.h>

#include "throttle.h"

struct writer;

/* A throttle_journal_fn: arg is the struct writer. Copies the rows into
 * a job of its own (freed when the writer hands it back). Loop thread. */
void throttle_jobs_journal(void *arg, const struct throttle_row *rows, size_t n);
/* Queues store_throttle_prune(now_ms, STORE_THROTTLE_MAX_ROWS). */
void throttle_jobs_prune(struct writer *w, int64_t now_ms);

#endif
