/*
 * SQLite handles. Durability is not a setting we hope for: after opening we
 * read the pragmas back and refuse to run if WAL, synchronous=FULL or
 * foreign keys are not in force, since every promise the server makes to a
 * user ("your write is committed") rests on them.
 *
 * Thread model: a struct db is used by one thread at a time (the writer, or
 * one worker), so the statement cache needs no lock. SQLite is built
 * thread-safe (serialized) on Debian; we open with SQLITE_OPEN_NOMUTEX
 * since no handle is shared.
 */
#include "db.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "log.h"
#include "migrations.h"
#include "xmalloc.h"

#define DB_STMT_CACHE 256
#define DB_BUSY_TIMEOUT_MS 5000

struct db_cached_stmt {
	const char *sql;
	sqlite3_stmt *stmt;
};

struct db {
	sqlite3 *h;
	enum db_mode mode;
	struct db_cached_stmt cache[DB_STMT_CACHE];
	int ncache;
};

static int exec_sql(struct db *db, const char *sql, char **cause)
{
	char *err = NULL;
	if (sqlite3_exec(db->h, sql, NULL, NULL, &err) != SQLITE_OK) {
		*cause = xasprintf("%s", err ? err : sqlite3_errmsg(db->h));
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

static int pragma_text(struct db *db, const char *sql, char *out, size_t size, char **cause)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db->h, sql, -1, &st, NULL) != SQLITE_OK) {
		*cause = xasprintf("%s: %s", sql, sqlite3_errmsg(db->h));
		return -1;
	}
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		*cause = xasprintf("%s: %s", sql, sqlite3_errmsg(db->h));
		sqlite3_finalize(st);
		return -1;
	}
	const unsigned char *t = sqlite3_column_text(st, 0);
	snprintf(out, size, "%s", t ? (const char *)t : "");
	sqlite3_finalize(st);
	return 0;
}

static int check_pragmas(struct db *db, char **cause)
{
	char v[32];
	if (db->mode != DB_READ_ONLY) {
		if (pragma_text(db, "PRAGMA journal_mode", v, sizeof v, cause) < 0)
			return -1;
		if (strcmp(v, "wal") != 0) {
			*cause = xasprintf("journal_mode is '%s', not 'wal'", v);
			return -1;
		}
		if (pragma_text(db, "PRAGMA synchronous", v, sizeof v, cause) < 0)
			return -1;
		/* 2 is FULL; 3 (EXTRA) is stronger still and fine. */
		if (atoi(v) < 2) {
			*cause = xasprintf("synchronous is %s, not FULL (2)", v);
			return -1;
		}
	}
	if (pragma_text(db, "PRAGMA foreign_keys", v, sizeof v, cause) < 0)
		return -1;
	if (strcmp(v, "1") != 0) {
		*cause = xasprintf("foreign_keys is %s, not ON", v);
		return -1;
	}
	return 0;
}

int db_open(const char *path, enum db_mode mode, struct db **out, char **cause)
{
	int flags = SQLITE_OPEN_NOMUTEX;
	switch (mode) {
	case DB_CREATE:
		flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
		break;
	case DB_READ_WRITE:
		flags |= SQLITE_OPEN_READWRITE;
		break;
	case DB_READ_ONLY:
		flags |= SQLITE_OPEN_READONLY;
		break;
	}
	struct db *db = xcalloc(1, sizeof *db);
	db->mode = mode;
	int rc = sqlite3_open_v2(path, &db->h, flags, NULL);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("cannot open database %s: %s", path,
				   db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
		db_close(db);
		return -1;
	}
	sqlite3_extended_result_codes(db->h, 1);
	sqlite3_busy_timeout(db->h, DB_BUSY_TIMEOUT_MS);
	char *why = NULL;
	const char *setup =
	    mode == DB_READ_ONLY
		? "PRAGMA foreign_keys=ON;"
		: "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
		  /* Savepoint sub-journals in memory: under load SQLite
		   * otherwise spills them to files in /var/tmp. */
		  " PRAGMA temp_store=MEMORY;"
		  /* DELETE triggers fire for REPLACE's deletions too. */
		  " PRAGMA recursive_triggers=ON;";
	if (exec_sql(db, setup, &why) < 0 || check_pragmas(db, &why) < 0) {
		*cause = xasprintf("database %s: %s", path, why);
		free(why);
		db_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

void db_close(struct db *db)
{
	if (db == NULL)
		return;
	for (int i = 0; i < db->ncache; i++)
		sqlite3_finalize(db->cache[i].stmt);
	if (db->h != NULL && sqlite3_close(db->h) != SQLITE_OK)
		log_warn("db: close: %s", sqlite3_errmsg(db->h));
	free(db);
}

int db_latest_version(void)
{
	return db_migrations[db_migrations_count - 1].version;
}

int db_schema_version(struct db *db, int *version, char **cause)
{
	char v[32];
	if (pragma_text(db, "PRAGMA user_version", v, sizeof v, cause) < 0)
		return -1;
	*version = atoi(v);
	return 0;
}

int db_migrate(struct db *db, int *version, char **cause)
{
	int current;
	if (db_schema_version(db, &current, cause) < 0)
		return -1;
	if (current > db_latest_version()) {
		*cause = xasprintf("database schema version %d is newer than this build knows (%d)",
				   current, db_latest_version());
		return -1;
	}
	for (int i = 0; i < db_migrations_count; i++) {
		const struct db_migration *m = &db_migrations[i];
		if (m->version <= current)
			continue;
		char *why = NULL;
		char *setver = xasprintf("PRAGMA user_version = %d;", m->version);
		/* BEGIN IMMEDIATE: two daemons started on one file must not
		 * both migrate. user_version is part of the transaction. */
		if (exec_sql(db, "BEGIN IMMEDIATE", &why) < 0) {
			*cause = xasprintf("migration %d (%s): %s", m->version, m->name, why);
			free(why);
			free(setver);
			return -1;
		}
		if (exec_sql(db, m->sql, &why) < 0 || exec_sql(db, setver, &why) < 0 ||
		    exec_sql(db, "COMMIT", &why) < 0) {
			*cause = xasprintf("migration %d (%s): %s", m->version, m->name, why);
			free(why);
			free(setver);
			db_rollback(db);
			return -1;
		}
		free(setver);
		log_info("db: applied migration %d (%s)", m->version, m->name);
		current = m->version;
	}
	*version = current;
	return 0;
}

int db_exec(struct db *db, const char *sql, char **cause)
{
	return exec_sql(db, sql, cause);
}

int db_explain(struct db *db, const char *sql, char **plan, char **cause)
{
	char *q = xasprintf("EXPLAIN QUERY PLAN %s", sql);
	sqlite3_stmt *st;
	int rc = sqlite3_prepare_v2(db->h, q, -1, &st, NULL);
	free(q);
	if (rc != SQLITE_OK) {
		*cause = xasprintf("explain: %s", sqlite3_errmsg(db->h));
		return -1;
	}
	/* Rows are (id, parent, notused, detail); a step's depth is its
	 * parent's plus one. Plans are short: a small table of ids will do. */
	int ids[256], depth[256], nrows = 0;
	char *out = xstrdup("");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int id = sqlite3_column_int(st, 0), parent = sqlite3_column_int(st, 1);
		int d = 0;
		for (int i = 0; i < nrows; i++)
			if (ids[i] == parent)
				d = depth[i] + 1;
		if (nrows < 256) {
			ids[nrows] = id;
			depth[nrows++] = d;
		}
		const unsigned char *t = sqlite3_column_text(st, 3);
		char *next = xasprintf("%s%*s%s\n", out, 2 * d, "", t ? (const char *)t : "");
		free(out);
		out = next;
	}
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("explain: %s", sqlite3_errmsg(db->h));
		sqlite3_finalize(st);
		free(out);
		return -1;
	}
	sqlite3_finalize(st);
	*plan = out;
	return 0;
}

int db_begin(struct db *db, char **cause)
{
	return exec_sql(db, "BEGIN IMMEDIATE", cause);
}

int db_commit(struct db *db, char **cause)
{
	return exec_sql(db, "COMMIT", cause);
}

void db_rollback(struct db *db)
{
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

int db_savepoint(struct db *db, char **cause)
{
	return exec_sql(db, "SAVEPOINT req", cause);
}

int db_release(struct db *db, char **cause)
{
	return exec_sql(db, "RELEASE req", cause);
}

void db_rollback_to(struct db *db)
{
	/* ROLLBACK TO keeps the savepoint open; RELEASE then ends it. */
	sqlite3_exec(db->h, "ROLLBACK TO req; RELEASE req", NULL, NULL, NULL);
}

int db_savepoint_inner(struct db *db, char **cause)
{
	return exec_sql(db, "SAVEPOINT work", cause);
}

int db_release_inner(struct db *db, char **cause)
{
	return exec_sql(db, "RELEASE work", cause);
}

void db_rollback_to_inner(struct db *db)
{
	sqlite3_exec(db->h, "ROLLBACK TO work; RELEASE work", NULL, NULL, NULL);
}

sqlite3_stmt *db_stmt(struct db *db, const char *sql, char **cause)
{
	for (int i = 0; i < db->ncache; i++) {
		if (db->cache[i].sql == sql) {
			sqlite3_stmt *st = db->cache[i].stmt;
			sqlite3_reset(st);
			sqlite3_clear_bindings(st);
			return st;
		}
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		*cause = xasprintf("prepare failed: %s", sqlite3_errmsg(db->h));
		return NULL;
	}
	if (db->ncache < DB_STMT_CACHE) {
		db->cache[db->ncache].sql = sql;
		db->cache[db->ncache].stmt = st;
		db->ncache++;
	} else {
		/* Full cache: evict the oldest; cheap and never wrong. */
		sqlite3_finalize(db->cache[0].stmt);
		memmove(&db->cache[0], &db->cache[1], sizeof db->cache[0] * (DB_STMT_CACHE - 1));
		db->cache[DB_STMT_CACHE - 1].sql = sql;
		db->cache[DB_STMT_CACHE - 1].stmt = st;
	}
	return st;
}

int db_status_from_sqlite(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_DONE:
	case SQLITE_ROW:
		return ASSURE__CODE__OK;
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return ASSURE__CODE__ALREADY_EXISTS;
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return ASSURE__CODE__FAILED_PRECONDITION;
		return ASSURE__CODE__INVALID_ARGUMENT;
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ASSURE__CODE__UNAVAILABLE;
	case SQLITE_FULL:
		return ASSURE__CODE__RESOURCE_EXHAUSTED;
	default:
		return ASSURE__CODE__INTERNAL;
	}
}

char *db_column_strdup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	return xstrdup(t ? (const char *)t : "");
}

int db_fail(struct db *db, sqlite3_stmt *st, int rc, char **cause)
{
	*cause = xasprintf("database: %s", sqlite3_errmsg(db->h));
	sqlite3_reset(st);
	return db_status_from_sqlite(rc);
}

void db_stamp_clear(struct db_stamp *s)
{
	if (s == NULL)
		return;
	free(s->updated_by);
	s->updated_by = NULL;
}

int db_read_stamp(struct db *db, sqlite3_stmt *st, struct db_stamp *stamp, char **cause)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ASSURE__CODE__NOT_FOUND;
	}
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	struct db_stamp s = {
	    .version = sqlite3_column_int64(st, 0),
	    .updated_at = sqlite3_column_int64(st, 1),
	    .updated_by = db_column_strdup(st, 2),
	};
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE) {
		free(s.updated_by);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*stamp = s;
	return ASSURE__CODE__OK;
}

int db_step_done(struct db *db, sqlite3_stmt *stmt, char **cause)
{
	int rc = sqlite3_step(stmt);
	int status = db_status_from_sqlite(rc);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		*cause = xasprintf("database: %s", sqlite3_errmsg(db->h));
	sqlite3_reset(stmt);
	return status;
}

int db_in_transaction(struct db *db)
{
	return !sqlite3_get_autocommit(db->h);
}

struct sqlite3 *db_handle(struct db *db)
{
	return db->h;
}

int64_t db_last_insert_id(struct db *db)
{
	return sqlite3_last_insert_rowid(db->h);
}

int db_changes(struct db *db)
{
	return sqlite3_changes(db->h);
}
