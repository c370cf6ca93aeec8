/*
 * The database handle and its life: opening with the pragmas we depend on
 * (and refusing to run without them), migrations, transactions, a small
 * prepared-statement cache, and the one place SQLITE_* codes become
 * protocol status codes. Each thread has its own struct db; one is the
 * writer's (read-write), the others are read-only.
 */
#ifndef ASSURE_DB_H
#define ASSURE_DB_H

#include <stdint.h>

struct db;
struct sqlite3;
struct sqlite3_stmt;

enum db_mode { DB_READ_WRITE, DB_READ_ONLY, DB_CREATE };

/* Opens path. DB_CREATE may create the file; the others require it. Sets
 * and then verifies journal_mode=WAL, synchronous=FULL, foreign_keys=ON
 * (read-only handles: foreign_keys and a busy timeout). Returns 0, or -1
 * with *cause. */
int db_open(const char *path, enum db_mode mode, struct db **out, char **cause)
    __attribute__((warn_unused_result));
/* Finalizes cached statements and closes; accepts NULL. */
void db_close(struct db *db);

/* Applies every migration newer than the database's, each in its own
 * transaction. *version is the schema version afterwards. */
int db_migrate(struct db *db, int *version, char **cause) __attribute__((warn_unused_result));
/* The schema version stored in the database (0 for an empty one). */
int db_schema_version(struct db *db, int *version, char **cause)
    __attribute__((warn_unused_result));
/* The newest version this build knows. */
int db_latest_version(void);

/* Runs SQL with no parameters and no rows (schema, pragmas). 0 or -1. */
int db_exec(struct db *db, const char *sql, char **cause) __attribute__((warn_unused_result));

/* The query plan SQLite would use for sql (EXPLAIN QUERY PLAN, parameters
 * unbound), one detail line per step with "  " per level of nesting, in
 * *plan (caller frees). For tests and benchmarks. 0 or -1 with *cause. */
int db_explain(struct db *db, const char *sql, char **plan, char **cause)
    __attribute__((warn_unused_result));

/* Transactions. Each returns 0 or -1 with *cause. */
int db_begin(struct db *db, char **cause) __attribute__((warn_unused_result));
int db_commit(struct db *db, char **cause) __attribute__((warn_unused_result));
void db_rollback(struct db *db);
int db_savepoint(struct db *db, char **cause) __attribute__((warn_unused_result));
/* A second, inner savepoint level: a call's own work inside the writer's
 * per-job savepoint, so a failed call can undo its work and still commit
 * its audit record. */
int db_savepoint_inner(struct db *db, char **cause) __attribute__((warn_unused_result));
int db_release_inner(struct db *db, char **cause) __attribute__((warn_unused_result));
void db_rollback_to_inner(struct db *db);
int db_release(struct db *db, char **cause) __attribute__((warn_unused_result));
void db_rollback_to(struct db *db);

/* A cached prepared statement for a static SQL string (keyed by pointer),
 * reset and with bindings cleared. NULL with *cause if it cannot be
 * prepared. The statement belongs to db; do not finalize it. */
struct sqlite3_stmt *db_stmt(struct db *db, const char *sql, char **cause);
/* Runs a statement that returns no rows. Returns a protocol status code
 * (0 OK) and sets *cause when not OK. Resets the statement. */
int db_step_done(struct db *db, struct sqlite3_stmt *stmt, char **cause);

/* Column i of the current row as a new string ("" for NULL); the caller
 * frees it. */
char *db_column_strdup(struct sqlite3_stmt *st, int i);
/* A failed step: sets *cause from the handle's last error, resets st and
 * returns the status code for rc. */
int db_fail(struct db *db, struct sqlite3_stmt *st, int rc, char **cause);

/* A record's optimistic-concurrency stamp. */
struct db_stamp {
	int64_t version;
	int64_t updated_at;
	char *updated_by; /* owned; free with db_stamp_clear */
};
/* Frees what the stamp owns; accepts NULL. */
void db_stamp_clear(struct db_stamp *s);
/* Steps st for exactly one row of (version, updated_at, updated_by) and
 * resets it: OK, NOT_FOUND when there is no row, or the failure with
 * *cause. */
int db_read_stamp(struct db *db, struct sqlite3_stmt *st, struct db_stamp *stamp, char **cause);

/* Translates a SQLite result code to a protocol status code (0 OK): a
 * uniqueness failure is ALREADY_EXISTS, a busy database UNAVAILABLE, the
 * rest INTERNAL. */
int db_status_from_sqlite(int rc);

/* Whether a transaction is open (SQLite ends one by itself on some errors,
 * such as a full disk). */
int db_in_transaction(struct db *db);
struct sqlite3 *db_handle(struct db *db);
int64_t db_last_insert_id(struct db *db);
int db_changes(struct db *db);

#endif
