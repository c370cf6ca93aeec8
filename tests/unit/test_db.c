/*
 * The storage layer against a real SQLite file in a temporary directory:
 * pragmas enforced, migrations idempotent, users, roles and sessions, and
 * the translation of SQLite failures into protocol status codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assure.pb-c.h"
#include "db.h"
#include "store.h"
#include "xmalloc.h"

static int sqlite_exec_for_test(struct db *db, const char *sql)
{
	char *cause = NULL;
	int r = db_exec(db, sql, &cause);
	free(cause);
	return r;
}

struct fixture {
	char dir[64];
	char path[128];
	struct db *db;
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof *f);
	snprintf(f->dir, sizeof f->dir, "/tmp/assure-test-db-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/a.db", f->dir);
	char *cause = NULL;
	if (db_open(f->path, DB_CREATE, &f->db, &cause) < 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	int v = 0;
	if (db_migrate(f->db, &v, &cause) < 0) {
		fprintf(stderr, "%s\n", cause);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	db_close(f->db);
	char cmd[200];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void test_migrate_idempotent(void **state)
{
	struct fixture *f = *state;
	int v = 0;
	char *cause = NULL;
	assert_int_equal(db_schema_version(f->db, &v, &cause), 0);
	assert_int_equal(v, db_latest_version());
	assert_int_equal(db_migrate(f->db, &v, &cause), 0);
	assert_int_equal(v, db_latest_version());
}

static void test_newer_schema_refused(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", db_latest_version() + 1);
	assert_int_equal(sqlite_exec_for_test(f->db, sql), 0);
	int v = 0;
	assert_int_equal(db_migrate(f->db, &v, &cause), -1);
	assert_non_null(strstr(cause, "newer than this build"));
	free(cause);
}

static void test_read_only_open_requires_file(void **state)
{
	(void)state;
	struct db *db = NULL;
	char *cause = NULL;
	assert_int_equal(db_open("/nonexistent-dir/x.db", DB_READ_ONLY, &db, &cause), -1);
	assert_non_null(strstr(cause, "cannot open database"));
	free(cause);
}

static void test_user_roundtrip(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t id = 0;
	assert_int_equal(store_user_insert(f->db, "alice", "Alice A", "$argon2id$x", 1, 1000,
					   "test", &id, &cause),
			 ASSURE__CODE__OK);
	assert_true(id > 0);
	assert_int_equal(store_user_add_role(f->db, id, "admin", &cause), ASSURE__CODE__OK);
	struct user_record *u = NULL;
	assert_int_equal(store_user_find_by_name(f->db, "alice", &u, &cause), ASSURE__CODE__OK);
	assert_string_equal(u->display_name, "Alice A");
	assert_int_equal(u->must_change_password, 1);
	assert_int_equal(u->nroles, 1);
	assert_string_equal(u->roles[0], "admin");
	user_record_free(u);

	/* A duplicate is ALREADY_EXISTS with a message naming the user. */
	int64_t id2 = 0;
	assert_int_equal(store_user_insert(f->db, "alice", "Other", "$argon2id$y", 0, 1000, "test",
					   &id2, &cause),
			 ASSURE__CODE__ALREADY_EXISTS);
	assert_non_null(strstr(cause, "alice"));
	free(cause);
	cause = NULL;

	/* An unknown role is NOT_FOUND, not a silent no-op. */
	assert_int_equal(store_user_add_role(f->db, id, "no-such-role", &cause),
			 ASSURE__CODE__NOT_FOUND);
	free(cause);
	cause = NULL;

	assert_int_equal(store_user_set_password(f->db, id, "$argon2id$z", 0, 2000, &cause),
			 ASSURE__CODE__OK);
	assert_int_equal(store_user_find_by_id(f->db, id, &u, &cause), ASSURE__CODE__OK);
	assert_string_equal(u->password_hash, "$argon2id$z");
	assert_int_equal(u->must_change_password, 0);
	/* Only store_user_touch moves the version, once per change. */
	assert_int_equal(u->version, 1);
	user_record_free(u);
	assert_int_equal(store_user_touch(f->db, id, 3000, "root", &cause), ASSURE__CODE__OK);
	assert_int_equal(store_user_find_by_id(f->db, id, &u, &cause), ASSURE__CODE__OK);
	assert_int_equal(u->version, 2);
	assert_string_equal(u->updated_by, "root");
	assert_int_equal(u->updated_at, 3000);
	user_record_free(u);

	assert_int_equal(store_user_find_by_name(f->db, "bob", &u, &cause),
			 ASSURE__CODE__NOT_FOUND);
	assert_int_equal(store_user_set_password(f->db, 9999, "h", 0, 1, &cause),
			 ASSURE__CODE__NOT_FOUND);
}

static void test_role_permissions(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	perm_mask m = 0;
	assert_int_equal(store_role_permissions(f->db, "admin", &m, &cause), ASSURE__CODE__OK);
	assert_true(m & PERM_BIT(PERM_USER_MANAGE));
	/* Separation of duties: admin holds no case or review content. */
	assert_false(m & PERM_BIT(PERM_CONCERN_READ));
	assert_false(m & PERM_BIT(PERM_REVIEW_READ));
	assert_false(m & PERM_BIT(PERM_AUDIT_READ));
	assert_int_equal(store_role_permissions(f->db, "nope", &m, &cause),
			 ASSURE__CODE__NOT_FOUND);
}

struct collected {
	int n;
	int64_t ids[8];
};

static void collect(void *arg, const struct session_record *s)
{
	struct collected *c = arg;
	c->ids[c->n++] = s->id;
}

static void test_sessions(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t uid = 0;
	assert_int_equal(
	    store_user_insert(f->db, "carol", "Carol", "h", 0, 1, "test", &uid, &cause),
	    ASSURE__CODE__OK);
	struct session_record r = {.user_id = uid,
				   .role = "admin",
				   .created_at = 100,
				   .last_seen_at = 100,
				   .expires_at = 10000};
	memset(r.token_hash, 1, sizeof r.token_hash);
	int64_t s1 = 0, s2 = 0, s3 = 0;
	assert_int_equal(store_session_insert(f->db, &r, &s1, &cause), ASSURE__CODE__OK);
	memset(r.token_hash, 2, sizeof r.token_hash);
	assert_int_equal(store_session_insert(f->db, &r, &s2, &cause), ASSURE__CODE__OK);
	memset(r.token_hash, 3, sizeof r.token_hash);
	r.expires_at = 500; /* already past at now=1000 */
	assert_int_equal(store_session_insert(f->db, &r, &s3, &cause), ASSURE__CODE__OK);
	/* The same token hash twice is refused. */
	int64_t dup = 0;
	assert_int_equal(store_session_insert(f->db, &r, &dup, &cause),
			 ASSURE__CODE__ALREADY_EXISTS);
	free(cause);
	cause = NULL;

	struct collected c = {0};
	assert_int_equal(store_session_each_live(f->db, 1000, collect, &c, &cause),
			 ASSURE__CODE__OK);
	assert_int_equal(c.n, 2);

	assert_int_equal(store_session_revoke(f->db, s1, 1000, "logout", &cause), ASSURE__CODE__OK);
	/* Revoking twice reports NOT_FOUND: nothing left to revoke. */
	assert_int_equal(store_session_revoke(f->db, s1, 1000, "logout", &cause),
			 ASSURE__CODE__NOT_FOUND);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_session_each_live(f->db, 1000, collect, &c, &cause),
			 ASSURE__CODE__OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.ids[0], s2);

	assert_int_equal(store_session_revoke_user(f->db, uid, 0, 1000, "disabled", &cause),
			 ASSURE__CODE__OK);
	memset(&c, 0, sizeof c);
	assert_int_equal(store_session_each_live(f->db, 1000, collect, &c, &cause),
			 ASSURE__CODE__OK);
	assert_int_equal(c.n, 0);
}

static void test_session_token_hash_length_checked(void **state)
{
	struct fixture *f = *state;
	char *cause = NULL;
	int64_t uid = 0;
	assert_int_equal(store_user_insert(f->db, "dave", "Dave", "h", 0, 1, "test", &uid, &cause),
			 ASSURE__CODE__OK);
	char sql[256];
	/* The schema itself refuses a token hash of the wrong length... */
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO sessions (token_hash, user_id, role, created_at, last_seen_at, expires_at)"
	    " VALUES (x'01', %lld, 'admin', 0, 0, 1)",
	    (long long)uid);
	assert_int_not_equal(sqlite_exec_for_test(f->db, sql), 0);
	/* ...and accepts the right one, so the refusal above was the length. */
	snprintf(
	    sql, sizeof sql,
	    "INSERT INTO sessions (token_hash, user_id, role, created_at, last_seen_at, expires_at)"
	    " VALUES (zeroblob(32), %lld, 'admin', 0, 0, 1)",
	    (long long)uid);
	assert_int_equal(sqlite_exec_for_test(f->db, sql), 0);
}

static void test_status_translation(void **state)
{
	(void)state;
	assert_int_equal(db_status_from_sqlite(0), ASSURE__CODE__OK);
	assert_int_equal(db_status_from_sqlite(101), ASSURE__CODE__OK); /* SQLITE_DONE */
	assert_int_equal(db_status_from_sqlite(2067),
			 ASSURE__CODE__ALREADY_EXISTS); /* CONSTRAINT_UNIQUE */
	assert_int_equal(db_status_from_sqlite(787),
			 ASSURE__CODE__FAILED_PRECONDITION); /* CONSTRAINT_FOREIGNKEY */
	assert_int_equal(db_status_from_sqlite(275),
			 ASSURE__CODE__INVALID_ARGUMENT); /* CONSTRAINT_CHECK */
	assert_int_equal(db_status_from_sqlite(5), ASSURE__CODE__UNAVAILABLE);	       /* BUSY */
	assert_int_equal(db_status_from_sqlite(13), ASSURE__CODE__RESOURCE_EXHAUSTED); /* FULL */
	assert_int_equal(db_status_from_sqlite(11), ASSURE__CODE__INTERNAL);	       /* CORRUPT */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_migrate_idempotent, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup, teardown),
	    cmocka_unit_test(test_read_only_open_requires_file),
	    cmocka_unit_test_setup_teardown(test_user_roundtrip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_role_permissions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_session_token_hash_length_checked, setup,
					    teardown),
	    cmocka_unit_test(test_status_translation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
