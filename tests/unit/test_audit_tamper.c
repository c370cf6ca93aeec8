/*
 * The audit trail's tamper evidence, end to end but without a network: a
 * real database with 100,003 records appended through audit_log_append in
 * transactions of 10,000 (as the writer does), a checkpoint signed every
 * 1000 records and one at the end, then one fresh copy of the file per
 * attack. Each attack is what someone with write access to the database
 * file could do with the sqlite3 shell (drop the append-only triggers,
 * then edit, delete, swap, truncate, forge), and audit_verify_db must say
 * NOT intact and name the exact first bad record; the untouched copy must
 * verify with every record and checkpoint counted. The triggers themselves
 * are checked too: they are the first line of defence, the hashes the
 * real one.
 *
 * The file is copied only after every handle is closed (the last close
 * checkpoints and removes the WAL), so a plain copy of the main file is
 * the whole database. Raw SQL through db_handle is allowed here: tampering
 * is by definition what the store layer never does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "assure.pb-c.h"
#include "audit.h"
#include "audit_verify.h"
#include "checkpoint.h"
#include "crypto.h"
#include "db.h"
#include "hash.h"
#include "merkle.h"
#include "store.h"

#define N_RECORDS 100003ull
#define BATCH 10000
#define EVERY 1000

struct world {
	char dir[256];
	char db[300];
	char key[300];
	char pub_path[300];
	uint8_t pub[32];
	char *origin;
	char *latest_note; /* signed_note of the newest checkpoint */
	unsigned copies;
	double append_secs;
};

static struct world W;

/* ---- files ------------------------------------------------------------- */

static void copy_file(const char *src, const char *dst)
{
	int in = open(src, O_RDONLY | O_CLOEXEC);
	assert_true(in >= 0);
	int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(out >= 0);
	char buf[1 << 16];
	ssize_t n;
	while ((n = read(in, buf, sizeof buf)) > 0) {
		ssize_t off = 0;
		while (off < n) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			assert_true(w > 0);
			off += w;
		}
	}
	assert_int_equal(n, 0);
	close(in);
	assert_int_equal(close(out), 0);
}

static int file_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

/* A fresh copy of the pristine database; the path is written to out. */
static void fresh_copy(char *out, size_t size)
{
	snprintf(out, size, "%s/copy-%u.db", W.dir, W.copies++);
	copy_file(W.db, out);
}

static void remove_copy(const char *path)
{
	char p[1024];
	unlink(path);
	if (snprintf(p, sizeof p, "%s-wal", path) < (int)sizeof p)
		unlink(p);
	if (snprintf(p, sizeof p, "%s-shm", path) < (int)sizeof p)
		unlink(p);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the records ------------------------------------------------------- */

/* Hostile user strings: newlines, quotes, brackets, non-ASCII. */
static const char *const odd_names[] = {
    "line\nbreak",
    "quote\"d",
    "close]bracket",
    "Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x94\x92",
    "'; DROP TABLE audit_log; --",
    "tab\there\r\n]\"\\",
};

static void fill_record(Assure__AuditRecord *r, uint64_t i, char bufs[][96])
{
	static const char *const actions[] = {"C", "R", "U", "D", "E"};
	static const char *const events[] = {"Login",	 "UserAdd",    "UserShow", "RoleSet",
					     "SiteList", "AuditQuery", "Logout"};
	static const char *const statuses[] = {"OK", "INVALID_ARGUMENT", "PERMISSION_DENIED",
					       "INTERNAL"};
	static const unsigned outcomes[] = {0, 4, 8, 12};
	assure__audit_record__init(r);
	int64_t t = 1700000000000LL + (int64_t)i * 37;
	snprintf(bufs[0], 96, "%08llx-0000-4000-8000-%012llx",
		 (unsigned long long)(i * 2654435761u), (unsigned long long)i);
	time_t secs = (time_t)(t / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	snprintf(bufs[1], 96, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(t % 1000));
	const char *user;
	if (i % 997 == 0)
		user = odd_names[(i / 997) % (sizeof odd_names / sizeof odd_names[0])];
	else {
		snprintf(bufs[2], 96, "user%03llu", (unsigned long long)(i % 300));
		user = bufs[2];
	}
	snprintf(bufs[3], 96, "10.%llu.%llu.%llu:%llu", (unsigned long long)(i % 200),
		 (unsigned long long)(i % 150), (unsigned long long)(i % 100),
		 (unsigned long long)(1024 + i % 50000));
	snprintf(bufs[4], 96, "obj-%llu", (unsigned long long)(i % 5000));
	snprintf(bufs[5], 96, "record %llu of the tamper test", (unsigned long long)i);
	r->uuid = bufs[0];
	r->time = bufs[1];
	r->time_ms = t;
	r->action = (char *)actions[i % 5];
	r->event = (char *)events[i % 7];
	r->outcome = outcomes[i % 4];
	r->status = (char *)statuses[i % 4];
	r->user_id = (int64_t)(i % 300) + 1;
	r->username = (char *)user;
	r->role = (char *)"admin";
	r->site = (char *)(i % 3 ? "HQ" : "Sit\xc3\xa9 \"B\"]");
	r->client_addr = bufs[3];
	r->cert_fingerprint = (char *)"";
	r->session_hash = (char *)"00112233445566778899aabbccddeeff";
	r->instance = (char *)"tamper-test";
	r->object_type = (char *)(i % 2 ? "user" : "role");
	r->object_id = bufs[4];
	r->query = (char *)(i % 11 == 0 ? "user=\"x\"\n]" : "");
	r->reason = bufs[5];
}

static void must(int rc, char *cause, const char *what)
{
	if (rc != 0)
		fail_msg("%s: %s", what, cause ? cause : "(no cause)");
}

static int group_setup(void **state)
{
	(void)state;
	memset(&W, 0, sizeof W);
	const char *tmp = getenv("TMPDIR");
	snprintf(W.dir, sizeof W.dir, "%s/assure-tamper-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (mkdtemp(W.dir) == NULL)
		return -1;
	snprintf(W.db, sizeof W.db, "%s/assure.db", W.dir);
	snprintf(W.key, sizeof W.key, "%s/audit-key.pem", W.dir);
	snprintf(W.pub_path, sizeof W.pub_path, "%s/audit-key.pub.pem", W.dir);

	char *cause = NULL;
	struct db *db = NULL;
	must(db_open(W.db, DB_CREATE, &db, &cause), cause, "db_open");
	int v = 0;
	must(db_migrate(db, &v, &cause), cause, "db_migrate");
	must(crypto_sign_key_generate(W.key, W.pub_path, &cause), cause, "key generate");
	struct audit_log *log = NULL;
	must(audit_log_open(db, W.key, EVERY, &log, &cause), cause, "audit_log_open");
	assert_int_equal(audit_log_next_seq(log), 1);
	W.origin = strdup(audit_log_origin(log));

	double t0 = now_s();
	char bufs[6][96];
	for (uint64_t i = 1; i <= N_RECORDS;) {
		must(db_begin(db, &cause), cause, "db_begin");
		for (int k = 0; k < BATCH && i <= N_RECORDS; k++, i++) {
			Assure__AuditRecord r;
			fill_record(&r, i, bufs);
			int st = audit_log_append(log, db, &r, &cause);
			if (st != 0)
				fail_msg("append %llu: %s", (unsigned long long)i, cause);
			assert_true(r.seq == i);
		}
		must(db_commit(db, &cause), cause, "db_commit");
	}
	assert_true(audit_log_unsigned(log) == N_RECORDS % EVERY);
	must(db_begin(db, &cause), cause, "db_begin");
	assert_int_equal(audit_log_checkpoint(log, db, &cause), 0);
	must(db_commit(db, &cause), cause, "db_commit");
	assert_true(audit_log_unsigned(log) == 0);
	W.append_secs = now_s() - t0;

	uint8_t pub[32];
	audit_log_public_key(log, pub);
	struct audit_checkpoint_row *c = NULL;
	assert_int_equal(store_audit_checkpoint_get(db, 0, &c, &cause), 0);
	assert_true(c->tree_size == N_RECORDS);
	W.latest_note = strdup(c->signed_note);
	audit_checkpoint_rows_free(c, 1);
	audit_log_free(log);
	db_close(db);
	char wal[400];
	snprintf(wal, sizeof wal, "%s-wal", W.db);
	assert_false(file_exists(wal)); /* closed cleanly: one file is the database */

	must(hash_ed25519_read_public(W.pub_path, W.pub, &cause), cause, "read public key");
	assert_memory_equal(W.pub, pub, 32);
	print_message("appended %llu records in %.2f s (%.0f records/s)\n",
		      (unsigned long long)N_RECORDS, W.append_secs,
		      (double)N_RECORDS / W.append_secs);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	char cmd[400];
	if (getenv("KEEP_TEST_DIRS") == NULL) {
		snprintf(cmd, sizeof cmd, "rm -rf '%s'", W.dir);
		if (system(cmd) != 0)
			return -1;
	} else {
		fprintf(stderr, "kept %s\n", W.dir);
	}
	free(W.origin);
	free(W.latest_note);
	return 0;
}

/* ---- tampering and verifying ------------------------------------------------ */

/* Opens path read-write and hands out the raw handle. */
static struct db *open_rw(const char *path)
{
	struct db *db = NULL;
	char *cause = NULL;
	must(db_open(path, DB_READ_WRITE, &db, &cause), cause, "db_open read-write");
	return db;
}

static void exec_ok(sqlite3 *h, const char *sql)
{
	char *err = NULL;
	if (sqlite3_exec(h, sql, NULL, NULL, &err) != SQLITE_OK) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", err ? err : "?");
		sqlite3_free(err);
		fail_msg("%s: %s", sql, msg);
	}
}

static void drop_triggers(sqlite3 *h)
{
	exec_ok(h, "DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;"
		   "DROP TRIGGER audit_tree_no_update; DROP TRIGGER audit_tree_no_delete;"
		   "DROP TRIGGER audit_checkpoints_no_update;"
		   "DROP TRIGGER audit_checkpoints_no_delete;");
}

/* The blob column col of the row, into a new buffer. */
static uint8_t *get_blob(sqlite3 *h, const char *sql, int64_t key, size_t *len)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_int64(st, 1, key);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	*len = (size_t)sqlite3_column_bytes(st, 0);
	uint8_t *p = malloc(*len ? *len : 1);
	assert_non_null(p);
	memcpy(p, sqlite3_column_blob(st, 0), *len);
	sqlite3_finalize(st);
	return p;
}

static void set_blob(sqlite3 *h, const char *sql, const void *p, size_t len, int64_t key)
{
	sqlite3_stmt *st = NULL;
	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_blob(st, 1, p, (int)len, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, key);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	assert_int_equal(sqlite3_changes(h), 1);
	sqlite3_finalize(st);
}

static double last_verify_rate;

/* Opens path read-only and verifies it. */
static void verify_file(const char *path, const struct checkpoint *trusted,
			struct audit_verify_result *res)
{
	struct db *db = NULL;
	char *cause = NULL;
	must(db_open(path, DB_READ_ONLY, &db, &cause), cause, "db_open read-only");
	double t0 = now_s();
	if (audit_verify_db(db, W.pub, trusted, res, &cause) != 0)
		fail_msg("audit_verify_db could not run: %s", cause);
	double secs = now_s() - t0;
	last_verify_rate = secs > 0 ? (double)res->records / secs : 0;
	db_close(db);
}

static void expect_bad(const struct audit_verify_result *res, uint64_t first_bad, const char *text,
		       const char *what)
{
	if (res->ok)
		fail_msg("%s: verification says intact (%s)", what, res->message);
	if (res->first_bad_seq != first_bad)
		fail_msg("%s: first_bad_seq %llu, expected %llu (\"%s\")", what,
			 (unsigned long long)res->first_bad_seq, (unsigned long long)first_bad,
			 res->message);
	if (text != NULL && strstr(res->message, text) == NULL)
		fail_msg("%s: the message \"%s\" does not mention \"%s\"", what, res->message,
			 text);
	print_message("  %-44s -> first bad %llu: %s\n", what, (unsigned long long)first_bad,
		      res->message);
}

/* ---- the cases --------------------------------------------------------------- */

static void test_untouched_copy_verifies(void **state)
{
	(void)state;
	char path[400];
	fresh_copy(path, sizeof path);
	struct audit_verify_result res;
	verify_file(path, NULL, &res);
	if (!res.ok)
		fail_msg("untouched log: %s (first bad %llu)", res.message,
			 (unsigned long long)res.first_bad_seq);
	assert_true(res.records == N_RECORDS);
	assert_true(res.checkpoints == N_RECORDS / EVERY + 1);
	assert_true(res.latest_checkpoint == N_RECORDS);
	assert_true(res.first_bad_seq == 0);
	print_message("verify: %llu records, %llu checkpoints, %.0f records/s (ASan build: "
		      "expect several times faster without it)\n",
		      (unsigned long long)res.records, (unsigned long long)res.checkpoints,
		      last_verify_rate);
	/* With the trusted checkpoint of the same log: still intact. */
	struct checkpoint cp;
	char *cause = NULL;
	must(checkpoint_parse(W.latest_note, &cp, &cause), cause, "checkpoint_parse");
	must(checkpoint_verify(&cp, W.origin, W.pub, &cause), cause, "checkpoint_verify");
	verify_file(path, &cp, &res);
	if (!res.ok)
		fail_msg("untouched log with its own trusted checkpoint: %s", res.message);
	checkpoint_clear(&cp);
	remove_copy(path);
}

static void test_triggers_refuse_changes(void **state)
{
	(void)state;
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	sqlite3 *h = db_handle(db);
	static const char *const sql[] = {
	    "UPDATE audit_log SET username = 'x' WHERE seq = 1",
	    "UPDATE audit_log SET record = x'00' WHERE seq = 2",
	    "DELETE FROM audit_log WHERE seq = 3",
	    "DELETE FROM audit_log",
	    "UPDATE audit_tree SET hash = zeroblob(32) WHERE level = 1 AND idx = 0",
	    "DELETE FROM audit_tree WHERE level = 1",
	    "UPDATE audit_checkpoints SET signature = zeroblob(64) WHERE tree_size = 1000",
	    "DELETE FROM audit_checkpoints WHERE tree_size = 1000",
	    "UPDATE audit_meta SET value = 'x' WHERE name = 'origin'",
	    "DELETE FROM audit_meta",
	};
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		char *err = NULL;
		int rc = sqlite3_exec(h, sql[i], NULL, NULL, &err);
		if (rc == SQLITE_OK)
			fail_msg("the triggers let through: %s (%d rows)", sql[i],
				 sqlite3_changes(h));
		sqlite3_free(err);
	}
	db_close(db);
	struct audit_verify_result res;
	verify_file(path, NULL, &res);
	assert_int_equal(res.ok, 1);
	assert_true(res.records == N_RECORDS);
	remove_copy(path);
}

static void test_flipped_record_byte(void **state)
{
	(void)state;
	const int64_t seq = 31337;
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	sqlite3 *h = db_handle(db);
	drop_triggers(h);
	size_t len;
	uint8_t *rec = get_blob(h, "SELECT record FROM audit_log WHERE seq = ?", seq, &len);
	rec[len / 2] ^= 0x01;
	set_blob(h, "UPDATE audit_log SET record = ? WHERE seq = ?", rec, len, seq);
	free(rec);
	db_close(db);
	struct audit_verify_result res;
	verify_file(path, NULL, &res);
	expect_bad(&res, (uint64_t)seq, "leaf hash", "one byte of record 31337 flipped");
	assert_true(res.records == (uint64_t)seq - 1);
	remove_copy(path);
}

/* The record changed and its leaf hash recomputed: the tree node above it
 * no longer matches. Record 31337 is the left leaf of its pair, so the
 * node names it first. */
static void test_rewritten_record_and_leaf(void **state)
{
	(void)state;
	const int64_t seq = 31337;
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	sqlite3 *h = db_handle(db);
	drop_triggers(h);
	size_t len;
	uint8_t *bytes = get_blob(h, "SELECT record FROM audit_log WHERE seq = ?", seq, &len);
	Assure__AuditRecord *r = assure__audit_record__unpack(NULL, len, bytes);
	assert_non_null(r);
	free(bytes);
	/* Only a field that has no indexed column: the reason. */
	char reason[] = "nothing to see here";
	char *old = r->reason;
	r->reason = reason;
	len = protobuf_c_message_get_packed_size(&r->base);
	bytes = malloc(len);
	assert_non_null(bytes);
	protobuf_c_message_pack(&r->base, bytes);
	r->reason = old;
	assure__audit_record__free_unpacked(r, NULL);
	merkle_hash leaf;
	merkle_leaf_hash(bytes, len, leaf);
	set_blob(h, "UPDATE audit_log SET record = ? WHERE seq = ?", bytes, len, seq);
	set_blob(h, "UPDATE audit_log SET leaf_hash = ? WHERE seq = ?", leaf, 32, seq);
	free(bytes);
	db_close(db);
	struct audit_verify_result res;
	verify_file(path, NULL, &res);
	expect_bad(&res, (uint64_t)seq, "tree node", "record 31337 rewritten with its leaf hash");
	remove_copy(path);
}

struct rebuild {
	sqlite3_stmt *st;
	int failed;
};

static void rebuild_node(void *arg, unsigned level, uint64_t index, const merkle_hash hash)
{
	struct rebuild *rb = arg;
	sqlite3_reset(rb->st);
	sqlite3_bind_blob(rb->st, 1, hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int(rb->st, 2, (int)level);
	sqlite3_bind_int64(rb->st, 3, (sqlite3_int64)index);
	if (sqlite3_step(rb->st) != SQLITE_DONE)
		rb->failed = 1;
}

/* The most thorough forger without the private key: record, leaf hash,
 * every tree node and every checkpoint's root column rewritten to be
 * consistent. Only the signatures are left, and the first checkpoint after
 * the record (32000) does not verify. */
static void test_rewritten_history_without_key(void **state)
{
	(void)state;
	const int64_t seq = 31337;
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	sqlite3 *h = db_handle(db);
	drop_triggers(h);
	exec_ok(h, "BEGIN");
	size_t len;
	uint8_t *bytes = get_blob(h, "SELECT record FROM audit_log WHERE seq = ?", seq, &len);
	Assure__AuditRecord *r = assure__audit_record__unpack(NULL, len, bytes);
	assert_non_null(r);
	free(bytes);
	char reason[] = "rewritten";
	char *old = r->reason;
	r->reason = reason;
	len = protobuf_c_message_get_packed_size(&r->base);
	bytes = malloc(len);
	assert_non_null(bytes);
	protobuf_c_message_pack(&r->base, bytes);
	r->reason = old;
	assure__audit_record__free_unpacked(r, NULL);
	merkle_hash leaf;
	merkle_leaf_hash(bytes, len, leaf);
	set_blob(h, "UPDATE audit_log SET record = ? WHERE seq = ?", bytes, len, seq);
	set_blob(h, "UPDATE audit_log SET leaf_hash = ? WHERE seq = ?", leaf, 32, seq);
	free(bytes);

	/* Recompute the tree and the checkpoint roots from the leaves. */
	struct rebuild rb = {NULL, 0};
	assert_int_equal(sqlite3_prepare_v2(h,
					    "UPDATE audit_tree SET hash = ? WHERE level = ? "
					    "AND idx = ?",
					    -1, &rb.st, NULL),
			 SQLITE_OK);
	sqlite3_stmt *leaves = NULL, *ck = NULL;
	assert_int_equal(sqlite3_prepare_v2(h, "SELECT leaf_hash FROM audit_log ORDER BY seq", -1,
					    &leaves, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(h,
					    "UPDATE audit_checkpoints SET root_hash = ?1, "
					    "note = ?2 WHERE tree_size = ?3",
					    -1, &ck, NULL),
			 SQLITE_OK);
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	unsigned forged = 0;
	while (sqlite3_step(leaves) == SQLITE_ROW) {
		merkle_hash lh;
		memcpy(lh, sqlite3_column_blob(leaves, 0), 32);
		merkle_frontier_append(&f, lh, rebuild_node, &rb);
		if (f.size >= (uint64_t)seq && (f.size % EVERY == 0 || f.size == N_RECORDS)) {
			merkle_hash root;
			merkle_frontier_root(&f, root);
			char *body = checkpoint_body(W.origin, f.size, root);
			sqlite3_reset(ck);
			sqlite3_bind_blob(ck, 1, root, 32, SQLITE_TRANSIENT);
			sqlite3_bind_text(ck, 2, body, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ck, 3, (sqlite3_int64)f.size);
			assert_int_equal(sqlite3_step(ck), SQLITE_DONE);
			free(body);
			forged++;
		}
	}
	assert_false(rb.failed);
	assert_true(forged > 0);
	sqlite3_finalize(leaves);
	sqlite3_finalize(ck);
	sqlite3_finalize(rb.st);
	exec_ok(h, "COMMIT");
	db_close(db);
	struct audit_verify_result res;
	verify_file(path, NULL, &res);
	/* The note column now disagrees with the signed note, or the
	 * signature with the body: either way checkpoint 32000 is bad. */
	expect_bad(&res, 32000, "checkpoint at size 32000", "history rewritten without the key");
	assert_true(res.records == 32000);
	remove_copy(path);
}

static void test_deleted_row(void **state)
{
	(void)state;
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	sqlite3 *h = db_handle(db);
	drop_triggers(h);
	exec_ok(h, "DELETE FROM audit_log WHERE seq = 4242");
	assert_int_equal(sqlite3_changes(h), 1);
	db_close(db);
	struct audit_verify_result res;
	verify_file(path, NULL, &res);
	expect_bad(&res, 4242, "missing", "row 4242 deleted");
	remove_copy(path);
}

static void test_swapped_rows(void **state)
{
	(void)state;
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	sqlite3 *h = db_handle(db);
	drop_triggers(h);
	size_t la, lb, ha, hb;
	uint8_t *ra = get_blob(h, "SELECT record FROM audit_log WHERE seq = ?", 777, &la);
	uint8_t *rb = get_blob(h, "SELECT record FROM audit_log WHERE seq = ?", 50001, &lb);
	uint8_t *fa = get_blob(h, "SELECT leaf_hash FROM audit_log WHERE seq = ?", 777, &ha);
	uint8_t *fb = get_blob(h, "SELECT leaf_hash FROM audit_log WHERE seq = ?", 50001, &hb);
	set_blob(h, "UPDATE audit_log SET record = ? WHERE seq = ?", rb, lb, 777);
	set_blob(h, "UPDATE audit_log SET leaf_hash = ? WHERE seq = ?", fb, hb, 777);
	set_blob(h, "UPDATE audit_log SET record = ? WHERE seq = ?", ra, la, 50001);
	set_blob(h, "UPDATE audit_log SET leaf_hash = ? WHERE seq = ?", fa, ha, 50001);
	free(ra);
	free(rb);
	free(fa);
	free(fb);
	db_close(db);
	struct audit_verify_result res;
	verify_file(path, NULL, &res);
	expect_bad(&res, 777, NULL, "records and leaves of rows 777 and 50001 swapped");
	remove_copy(path);

	/* The same with the indexed columns swapped too (whole rows moved). */
	fresh_copy(path, sizeof path);
	db = open_rw(path);
	h = db_handle(db);
	drop_triggers(h);
	exec_ok(h, "BEGIN;"
		   "UPDATE audit_log SET seq = -1 WHERE seq = 777;"
		   "UPDATE audit_log SET seq = 777 WHERE seq = 50001;"
		   "UPDATE audit_log SET seq = 50001 WHERE seq = -1;"
		   "COMMIT;");
	db_close(db);
	verify_file(path, NULL, &res);
	expect_bad(&res, 777, NULL, "whole rows 777 and 50001 renumbered");
	remove_copy(path);
}

static void test_indexed_column_edited(void **state)
{
	(void)state;
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	sqlite3 *h = db_handle(db);
	drop_triggers(h);
	exec_ok(h, "UPDATE audit_log SET username = 'mallory' WHERE seq = 5000");
	assert_int_equal(sqlite3_changes(h), 1);
	db_close(db);
	struct audit_verify_result res;
	verify_file(path, NULL, &res);
	expect_bad(&res, 5000, "indexed columns", "username column of record 5000 edited");
	remove_copy(path);

	/* Every other indexed column, one copy each. */
	static const char *const sql[] = {
	    "UPDATE audit_log SET outcome = 0 WHERE seq = 5001", /* was 4 */
	    "UPDATE audit_log SET event = 'Nothing' WHERE seq = 5000",
	    "UPDATE audit_log SET action = 'R' WHERE seq = 5002", /* was U */
	    "UPDATE audit_log SET time_ms = time_ms + 1 WHERE seq = 5000",
	    "UPDATE audit_log SET user_id = 999 WHERE seq = 5000",
	    "UPDATE audit_log SET object_id = 'x' WHERE seq = 5000",
	    "UPDATE audit_log SET object_type = 'site' WHERE seq = 5000",
	    "UPDATE audit_log SET uuid = '00000000-0000-4000-8000-000000000000' WHERE seq = 5000",
	};
	const uint64_t at[] = {5001, 5000, 5002, 5000, 5000, 5000, 5000, 5000};
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		fresh_copy(path, sizeof path);
		db = open_rw(path);
		h = db_handle(db);
		drop_triggers(h);
		exec_ok(h, sql[i]);
		assert_int_equal(sqlite3_changes(h), 1);
		db_close(db);
		verify_file(path, NULL, &res);
		expect_bad(&res, at[i], "indexed columns", sql[i]);
		remove_copy(path);
	}
}

static void test_truncated_tail(void **state)
{
	(void)state;
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	sqlite3 *h = db_handle(db);
	drop_triggers(h);
	char sql[200];
	snprintf(sql, sizeof sql, "DELETE FROM audit_log WHERE seq > %llu",
		 (unsigned long long)(N_RECORDS - 10));
	exec_ok(h, sql);
	assert_int_equal(sqlite3_changes(h), 10);
	db_close(db);
	struct audit_verify_result res;
	verify_file(path, NULL, &res);
	expect_bad(&res, N_RECORDS - 9, "removed", "the last 10 records deleted");
	assert_true(res.records == N_RECORDS - 10);
	remove_copy(path);
}

static void test_truncated_with_checkpoints(void **state)
{
	(void)state;
	const uint64_t keep = 90000;
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	sqlite3 *h = db_handle(db);
	drop_triggers(h);
	char sql[400];
	snprintf(sql, sizeof sql,
		 "BEGIN; DELETE FROM audit_log WHERE seq > %llu;"
		 " DELETE FROM audit_checkpoints WHERE tree_size > %llu;"
		 " DELETE FROM audit_tree WHERE ((idx + 1) << level) > %llu; COMMIT;",
		 (unsigned long long)keep, (unsigned long long)keep, (unsigned long long)keep);
	exec_ok(h, sql);
	db_close(db);

	/* Alone, the database cannot tell: a consistent, shorter log. */
	struct audit_verify_result res;
	verify_file(path, NULL, &res);
	if (!res.ok)
		fail_msg("a cleanly truncated log unexpectedly fails without a trusted "
			 "checkpoint: %s",
			 res.message);
	assert_true(res.records == keep);
	assert_true(res.latest_checkpoint == keep);

	/* With the checkpoint an auditor saved before: caught. */
	struct checkpoint trusted;
	char *cause = NULL;
	must(checkpoint_parse(W.latest_note, &trusted, &cause), cause, "checkpoint_parse");
	assert_true(trusted.size == N_RECORDS);
	verify_file(path, &trusted, &res);
	expect_bad(&res, keep + 1, "truncated", "truncated to 90000 with its checkpoints");
	checkpoint_clear(&trusted);

	/* A trusted checkpoint whose signature was tampered with is refused
	 * as such, before any record is looked at. */
	char *bad = strdup(W.latest_note);
	assert_non_null(bad);
	char *sigline = strstr(bad, "\n\n");
	assert_non_null(sigline);
	char *b64 = strrchr(sigline, ' ');
	assert_non_null(b64);
	b64[20] = b64[20] == 'A' ? 'B' : 'A';
	must(checkpoint_parse(bad, &trusted, &cause), cause, "checkpoint_parse (bad sig)");
	verify_file(path, &trusted, &res);
	expect_bad(&res, 0, "trusted checkpoint", "a trusted checkpoint with a bad signature");
	checkpoint_clear(&trusted);
	free(bad);
	remove_copy(path);

	/* A trusted (unsigned) checkpoint of another history at size 50000
	 * against the untouched log: the log is not consistent with it. */
	fresh_copy(path, sizeof path);
	uint8_t root[32];
	memset(root, 0x5a, sizeof root);
	char *body = checkpoint_body(W.origin, 50000, root);
	must(checkpoint_parse(body, &trusted, &cause), cause, "checkpoint_parse (fork)");
	free(body);
	verify_file(path, &trusted, &res);
	expect_bad(&res, 50000, "not consistent", "a trusted checkpoint of a forked history");
	checkpoint_clear(&trusted);
	remove_copy(path);
}

static void test_checkpoint_signature_corrupted(void **state)
{
	(void)state;
	const int64_t size = 20000;
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	sqlite3 *h = db_handle(db);
	drop_triggers(h);
	size_t len;
	uint8_t *sig =
	    get_blob(h, "SELECT signature FROM audit_checkpoints WHERE tree_size = ?", size, &len);
	assert_int_equal(len, 64);
	sig[10] ^= 0x80;
	set_blob(h, "UPDATE audit_checkpoints SET signature = ? WHERE tree_size = ?", sig, len,
		 size);
	db_close(db);
	struct audit_verify_result res;
	verify_file(path, NULL, &res);
	expect_bad(&res, (uint64_t)size, "checkpoint at size 20000",
		   "signature column of checkpoint 20000 changed");
	remove_copy(path);

	/* The same signature byte changed consistently in both the column
	 * and the signed note: the Ed25519 check itself must refuse it. */
	fresh_copy(path, sizeof path);
	db = open_rw(path);
	h = db_handle(db);
	drop_triggers(h);
	sqlite3_stmt *st = NULL;
	assert_int_equal(
	    sqlite3_prepare_v2(h, "SELECT note FROM audit_checkpoints WHERE tree_size = ?", -1, &st,
			       NULL),
	    SQLITE_OK);
	sqlite3_bind_int64(st, 1, size);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	char *note = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	char *signed_note = checkpoint_signed_note(note, W.origin, W.pub, sig);
	set_blob(h, "UPDATE audit_checkpoints SET signature = ? WHERE tree_size = ?", sig, 64,
		 size);
	assert_int_equal(sqlite3_prepare_v2(h,
					    "UPDATE audit_checkpoints SET signed_note = ? "
					    "WHERE tree_size = ?",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_text(st, 1, signed_note, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, size);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	db_close(db);
	verify_file(path, NULL, &res);
	expect_bad(&res, (uint64_t)size, "does not verify",
		   "checkpoint 20000 signature changed in note and column");
	free(note);
	free(signed_note);
	free(sig);
	remove_copy(path);
}

static void test_tree_node_altered(void **state)
{
	(void)state;
	/* Level 5 node 100 covers records 3201..3232. */
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	sqlite3 *h = db_handle(db);
	drop_triggers(h);
	exec_ok(h, "UPDATE audit_tree SET hash = zeroblob(32) WHERE level = 5 AND idx = 100");
	assert_int_equal(sqlite3_changes(h), 1);
	db_close(db);
	struct audit_verify_result res;
	verify_file(path, NULL, &res);
	expect_bad(&res, 3201, "altered", "tree node 5/100 altered");
	remove_copy(path);

	/* A node deleted: level 12 node 3 covers records 12289..16384. */
	fresh_copy(path, sizeof path);
	db = open_rw(path);
	h = db_handle(db);
	drop_triggers(h);
	exec_ok(h, "DELETE FROM audit_tree WHERE level = 12 AND idx = 3");
	assert_int_equal(sqlite3_changes(h), 1);
	db_close(db);
	verify_file(path, NULL, &res);
	expect_bad(&res, 12289, "missing", "tree node 12/3 deleted");
	remove_copy(path);
}

/* INSERT OR REPLACE deletes the old row by conflict resolution, which
 * fires no DELETE trigger unless recursive_triggers is on: the triggers
 * must still keep a stored row from being replaced (here by one naming
 * another user), with the triggers in place. */
static void test_triggers_refuse_replace(void **state)
{
	(void)state;
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	sqlite3 *h = db_handle(db);
	static const char *const sql[] = {
	    "INSERT OR REPLACE INTO audit_log (seq, uuid, time_ms, action, event, outcome,"
	    " user_id, username, object_type, object_id, record, leaf_hash)"
	    " SELECT seq, uuid, time_ms, action, event, outcome, user_id, 'mallory',"
	    " object_type, object_id, record, leaf_hash FROM audit_log WHERE seq = 5",
	    "REPLACE INTO audit_tree (level, idx, hash) VALUES (1, 0, zeroblob(32))",
	    "REPLACE INTO audit_checkpoints SELECT tree_size, root_hash, time_ms, note,"
	    " zeroblob(64), signed_note FROM audit_checkpoints WHERE tree_size = 1000",
	    "REPLACE INTO audit_meta (name, value) VALUES ('origin', 'evil')",
	};
	int let_through = 0;
	char msg[1024] = "";
	for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
		char *err = NULL;
		int rc = sqlite3_exec(h, sql[i], NULL, NULL, &err);
		if (rc == SQLITE_OK && sqlite3_changes(h) > 0) {
			let_through++;
			size_t l = strlen(msg);
			snprintf(msg + l, sizeof msg - l, "\n  %s", sql[i]);
		}
		sqlite3_free(err);
	}
	db_close(db);
	remove_copy(path);
	if (let_through)
		fail_msg(
		    "the append-only triggers let %d REPLACE statement(s) rewrite stored rows:%s",
		    let_through, msg);
}

/* Reopening the log resumes numbering and the Merkle frontier from the
 * stored nodes: records appended after a restart still verify. */
static void test_reopen_and_append(void **state)
{
	(void)state;
	char path[400];
	fresh_copy(path, sizeof path);
	struct db *db = open_rw(path);
	char *cause = NULL;
	struct audit_log *log = NULL;
	must(audit_log_open(db, W.key, EVERY, &log, &cause), cause, "audit_log_open (reopen)");
	assert_true(audit_log_next_seq(log) == N_RECORDS + 1);
	assert_string_equal(audit_log_origin(log), W.origin);
	char bufs[6][96];
	must(db_begin(db, &cause), cause, "db_begin");
	for (uint64_t i = N_RECORDS + 1; i <= N_RECORDS + 1000; i++) {
		Assure__AuditRecord r;
		fill_record(&r, i, bufs);
		assert_int_equal(audit_log_append(log, db, &r, &cause), 0);
	}
	assert_int_equal(audit_log_checkpoint(log, db, &cause), 0);
	must(db_commit(db, &cause), cause, "db_commit");
	audit_log_free(log);
	db_close(db);
	struct checkpoint trusted;
	must(checkpoint_parse(W.latest_note, &trusted, &cause), cause, "checkpoint_parse");
	struct audit_verify_result res;
	verify_file(path, &trusted, &res);
	checkpoint_clear(&trusted);
	if (!res.ok)
		fail_msg("after reopening and appending: %s", res.message);
	assert_true(res.records == N_RECORDS + 1000);
	assert_true(res.latest_checkpoint == N_RECORDS + 1000);
	remove_copy(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_untouched_copy_verifies),
	    cmocka_unit_test(test_triggers_refuse_changes),
	    cmocka_unit_test(test_triggers_refuse_replace),
	    cmocka_unit_test(test_flipped_record_byte),
	    cmocka_unit_test(test_rewritten_record_and_leaf),
	    cmocka_unit_test(test_rewritten_history_without_key),
	    cmocka_unit_test(test_deleted_row),
	    cmocka_unit_test(test_swapped_rows),
	    cmocka_unit_test(test_indexed_column_edited),
	    cmocka_unit_test(test_truncated_tail),
	    cmocka_unit_test(test_truncated_with_checkpoints),
	    cmocka_unit_test(test_checkpoint_signature_corrupted),
	    cmocka_unit_test(test_tree_node_altered),
	    cmocka_unit_test(test_reopen_and_append),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
