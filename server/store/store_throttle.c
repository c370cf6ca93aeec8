/*
 * The login throttle in SQLite (see store_throttle.h). Rows are whole
 * states, not increments: each journal row says what a key is now, so
 * replaying them in the writer's order leaves the table equal to memory.
 * The writer jobs that call these are rpc/throttle_jobs.c.
 */
#include "store_throttle.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "xmalloc.h"

static const char sql_put[] =
    "INSERT INTO login_throttle (account, addr, failures, delayed_until, window_start,"
    " window_failures, last_failure) VALUES (?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (account, addr) DO UPDATE SET failures = excluded.failures,"
    " delayed_until = excluded.delayed_until, window_start = excluded.window_start,"
    " window_failures = excluded.window_failures, last_failure = excluded.last_failure";

static const char sql_delete[] = "DELETE FROM login_throttle WHERE account = ? AND addr = ?";

static const char sql_clear_account[] = "DELETE FROM login_throttle WHERE account = ?";

static int put(struct db *db, const struct throttle_row *r, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_put, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, r->account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, r->addr, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, r->st.failures);
	sqlite3_bind_int64(st, 4, r->st.delayed_until);
	sqlite3_bind_int64(st, 5, r->st.window_start);
	sqlite3_bind_int64(st, 6, r->st.window_failures);
	sqlite3_bind_int64(st, 7, r->st.last_failure);
	return db_step_done(db, st, cause);
}

static int delete_key(struct db *db, const char *account, const char *addr, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_delete, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, addr, -1, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

int store_throttle_clear_account(struct db *db, const char *account, char **cause)
{
	/* account "" would name every address's row. */
	if (account[0] == '\0')
		return ASSURE__CODE__OK;
	sqlite3_stmt *st = db_stmt(db, sql_clear_account, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, account, -1, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

int store_throttle_apply(struct db *db, const struct throttle_row *row, char **cause)
{
	switch (row->op) {
	case THROTTLE_PUT:
		return put(db, row, cause);
	case THROTTLE_DELETE:
		return delete_key(db, row->account, row->addr, cause);
	case THROTTLE_CLEAR_ACCOUNT:
		return store_throttle_clear_account(db, row->account, cause);
	}
	*cause = xasprintf("throttle: unknown journal operation %d", (int)row->op);
	return ASSURE__CODE__INTERNAL;
}

/* The same test as the memory's: quiet for THROTTLE_FORGET_MS and no delay
 * running. */
static const char sql_prune_quiet[] =
    "DELETE FROM login_throttle WHERE last_failure <= ? AND delayed_until <= ?";

/* Rows older than the max_rows-th newest; ties at the boundary stay (a
 * few rows over the cap, never an unbounded number). */
static const char sql_prune_cap[] =
    "DELETE FROM login_throttle WHERE last_failure < (SELECT last_failure FROM login_throttle"
    " ORDER BY last_failure DESC LIMIT 1 OFFSET ?)";

int store_throttle_prune(struct db *db, int64_t now_ms, unsigned max_rows, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_prune_quiet, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, now_ms - THROTTLE_FORGET_MS);
	sqlite3_bind_int64(st, 2, now_ms);
	int status = db_step_done(db, st, cause);
	if (status != ASSURE__CODE__OK || max_rows == 0)
		return status;
	st = db_stmt(db, sql_prune_cap, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, (int64_t)max_rows - 1);
	return db_step_done(db, st, cause);
}

static const char sql_load[] =
    "SELECT account, addr, failures, delayed_until, window_start, window_failures,"
    " last_failure FROM login_throttle WHERE last_failure > ? OR delayed_until > ?"
    " ORDER BY last_failure, account, addr";

static unsigned column_count(sqlite3_stmt *st, int i)
{
	int64_t v = sqlite3_column_int64(st, i);
	return v < 0 ? 0 : v > UINT_MAX ? UINT_MAX : (unsigned)v;
}

int store_throttle_load(struct db *db, struct throttle *t, int64_t now_ms, size_t *loaded,
			char **cause)
{
	*loaded = 0;
	sqlite3_stmt *st = db_stmt(db, sql_load, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, now_ms - THROTTLE_FORGET_MS);
	sqlite3_bind_int64(st, 2, now_ms);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *account = (const char *)sqlite3_column_text(st, 0);
		const char *addr = (const char *)sqlite3_column_text(st, 1);
		if (account == NULL || addr == NULL)
			continue;
		struct throttle_state s = {
		    .failures = column_count(st, 2),
		    .delayed_until = sqlite3_column_int64(st, 3),
		    .window_start = sqlite3_column_int64(st, 4),
		    .window_failures = column_count(st, 5),
		    .last_failure = sqlite3_column_int64(st, 6),
		};
		*loaded += (size_t)throttle_restore(t, account, addr, &s, now_ms);
	}
	if (rc != SQLITE_DONE)
		return db_fail(db, st, rc, cause);
	sqlite3_reset(st);
	return ASSURE__CODE__OK;
}
