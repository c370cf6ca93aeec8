/*
 * Storage of the login throttle (migration 11, table login_throttle), so a
 * restart does not hand an attacker fresh allowances or cut a running
 * delay short.
 *
 * The loop thread never waits on it: the throttle's journal
 * (throttle_jobs_journal, rpc/throttle_jobs.c) turns each change into a writer job, and the
 * writer commits them in the order they were made. At start-up the rows
 * are read back into the in-memory table (store_throttle_load); the
 * housekeeping round submits a prune (throttle_jobs_prune).
 *
 * Conventions as store.h: a protocol status code, *cause on errors
 * (caller frees).
 */
#ifndef ASSURE_STORE_THROTTLE_H
#define ASSURE_STORE_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#include "throttle.h"

struct db;

/* Rows kept at most; the oldest beyond it are pruned. The memory table
 * holds THROTTLE_MAX_ENTRIES, so this keeps what a restart could use. */
#define STORE_THROTTLE_MAX_ROWS THROTTLE_MAX_ENTRIES

/* Applies one journal row (PUT, DELETE or CLEAR_ACCOUNT). */
int store_throttle_apply(struct db *db, const struct throttle_row *row, char **cause)
    __attribute__((warn_unused_result));
/* Deletes the account's own row and all its pairs (an admin's password
 * reset, inside its transaction). */
int store_throttle_clear_account(struct db *db, const char *account, char **cause)
    __attribute__((warn_unused_result));
/* Deletes rows with nothing to remember at now_ms, then the oldest beyond
 * max_rows. */
int store_throttle_prune(struct db *db, int64_t now_ms, unsigned max_rows, char **cause)
    __attribute__((warn_unused_result));
/* Puts every row still worth remembering at now_ms into t, least recently
 * failed first; *loaded is how many t kept. */
int store_throttle_load(struct db *db, struct throttle *t, int64_t now_ms, size_t *loaded,
			char **cause) __attribute__((warn_unused_result));

#endif
