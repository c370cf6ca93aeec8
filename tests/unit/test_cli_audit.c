/*
 * Unit tests for client/audit_common.c: reading stored audit records byte
 * for byte, the JSON, CSV and RFC 5424 writers with hostile text (line
 * breaks, quotes, ']', NUL bytes, invalid UTF-8, over-long fields), time
 * parsing, checkpoint checks against a frontier, and assure-audit's state
 * file and torn-line repair. No server: records are packed here and
 * checkpoints signed here with a throw-away Ed25519 key.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "assure.pb-c.h"
#include "audit_common.h"
#include "audit_syslog.h"
#include "checkpoint.h"
#include "cli_json.h"
#include "hash.h"
#include "merkle.h"
#include "xmalloc.h"

/* --- helpers ---------------------------------------------------------- */

static uint8_t *pack_record(const Assure__AuditRecord *r, size_t *len)
{
	*len = assure__audit_record__get_packed_size(r);
	uint8_t *buf = xmalloc(*len ? *len : 1);
	assure__audit_record__pack(r, buf);
	return buf;
}

static void sample_record(Assure__AuditRecord *r)
{
	assure__audit_record__init(r);
	r->seq = 42;
	r->uuid = (char *)"0b3f4f0e-8a51-4c1e-9d6a-1f0c2d3e4f50";
	r->time = (char *)"2026-11-23T15:42:07.123Z";
	r->action = (char *)"U";
	r->event = (char *)"UserSet";
	r->outcome = 8;
	r->status = (char *)"PERMISSION_DENIED";
	r->user_id = -7;
	r->username = (char *)"alice";
	r->role = (char *)"admin";
	r->site = (char *)"HQ";
	r->client_addr = (char *)"127.0.0.1:5000";
	r->instance = (char *)"inst1";
	r->object_type = (char *)"user";
	r->object_id = (char *)"bob";
	r->reason = (char *)"ok";
	r->time_ms = 1795448527123LL;
}

/* Appends a length-delimited field to buf (field < 16, len < 128). */
static size_t put_text(uint8_t *buf, size_t at, unsigned field, const void *data, size_t n)
{
	buf[at++] = (uint8_t)(field << 3 | 2);
	buf[at++] = (uint8_t)n;
	memcpy(buf + at, data, n);
	return at + n;
}

static char *capture_json(const struct audit_rec *r)
{
	return audit_rec_json_string(r, NULL);
}

static char *capture_csv(const struct audit_rec *r)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	audit_csv_row(f, r);
	fclose(f);
	return buf;
}

static int valid_utf8(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		size_t len = cli_utf8_valid_len((const unsigned char *)s + i, n - i);
		if (len == 0)
			return 0;
		i += len;
	}
	return 1;
}

/* --- records ---------------------------------------------------------- */

static void test_parse_round_trip(void **state)
{
	(void)state;
	Assure__AuditRecord in;
	sample_record(&in);
	size_t len;
	uint8_t *buf = pack_record(&in, &len);
	struct audit_rec r;
	char *cause = NULL;
	assert_int_equal(audit_rec_parse(buf, len, &r, &cause), 0);
	assert_int_equal(r.seq, 42);
	assert_int_equal(r.outcome, 8);
	assert_int_equal(r.user_id, -7);
	assert_int_equal(r.time_ms, 1795448527123LL);
	assert_int_equal(r.username.n, 5);
	assert_memory_equal(r.username.p, "alice", 5);
	assert_int_equal(r.query.n, 0); /* absent: empty, not NULL */
	assert_non_null(r.query.p);
	merkle_hash leaf;
	merkle_leaf_hash(buf, len, leaf);
	assert_memory_equal(leaf, r.leaf, MERKLE_HASH_LEN);
	free(buf);
}

static void test_parse_rejects_garbage(void **state)
{
	(void)state;
	struct audit_rec r;
	char *cause = NULL;
	const uint8_t truncated[] = {0x12, 0x05, 'a', 'b'}; /* uuid of 5, 2 bytes there */
	assert_int_equal(audit_rec_parse(truncated, sizeof truncated, &r, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	const uint8_t wrong_type[] = {0x10, 0x01}; /* uuid as a varint */
	assert_int_equal(audit_rec_parse(wrong_type, sizeof wrong_type, &r, &cause), -1);
	free(cause);
	cause = NULL;
	const uint8_t unknown[] = {0x08, 0x01, 0xf8, 0x01, 0x05}; /* seq 1, field 31 varint */
	assert_int_equal(audit_rec_parse(unknown, sizeof unknown, &r, &cause), 0);
	assert_int_equal(r.seq, 1);
}

/* A NUL inside a string survives into the output, escaped: protobuf-c's
 * unpacked strings would have stopped at it. */
static void test_json_nul_and_escapes(void **state)
{
	(void)state;
	uint8_t buf[256];
	size_t n = 0;
	buf[n++] = 0x08;
	buf[n++] = 9; /* seq 9 */
	n = put_text(buf, n, 9, "ev\"il\nname", 10);
	n = put_text(buf, n, 4, "a\0b", 3);
	n = put_text(buf, n, 15, "\xff\xfe]", 3);
	struct audit_rec r;
	char *cause = NULL;
	assert_int_equal(audit_rec_parse(buf, n, &r, &cause), 0);
	char *json = capture_json(&r);
	assert_non_null(strstr(json, "\"username\":\"ev\\\"il\\nname\""));
	assert_non_null(strstr(json, "\"action\":\"a\\u0000b\""));
	assert_non_null(strstr(json, "\"instance\":\"\\ufffd\\ufffd]\""));
	assert_null(strchr(json, '\n'));
	assert_non_null(strstr(json, "\"leaf_hash\":\""));
	assert_int_equal(json[0], '{');
	assert_int_equal(json[strlen(json) - 1], '}');
	free(json);
}

static void test_json_field_order(void **state)
{
	(void)state;
	Assure__AuditRecord in;
	sample_record(&in);
	size_t len;
	uint8_t *buf = pack_record(&in, &len);
	struct audit_rec r;
	char *cause = NULL;
	assert_int_equal(audit_rec_parse(buf, len, &r, &cause), 0);
	char *json = capture_json(&r);
	static const char *const keys[] = {"\"seq\":42,",
					   "\"uuid\":",
					   "\"time\":",
					   "\"action\":\"U\"",
					   "\"event\":",
					   "\"outcome\":8,",
					   "\"status\":",
					   "\"user_id\":-7,",
					   "\"username\":",
					   "\"role\":",
					   "\"site\":",
					   "\"client_addr\":",
					   "\"cert_fingerprint\":",
					   "\"session_hash\":",
					   "\"instance\":",
					   "\"object_type\":",
					   "\"object_id\":",
					   "\"query\":",
					   "\"reason\":",
					   "\"time_ms\":1795448527123,",
					   "\"leaf_hash\":"};
	const char *at = json;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *p = strstr(at, keys[i]);
		assert_non_null(p);
		at = p;
	}
	free(json);
	free(buf);
}

static void test_csv_escaping(void **state)
{
	(void)state;
	uint8_t buf[256];
	size_t n = 0;
	buf[n++] = 0x08;
	buf[n++] = 3;
	n = put_text(buf, n, 9, "a,\"b\"\r\nc", 8);
	n = put_text(buf, n, 12, "x\0y\\z\t\xc3", 7); /* NUL, backslash, tab, torn UTF-8 */
	struct audit_rec r;
	char *cause = NULL;
	assert_int_equal(audit_rec_parse(buf, n, &r, &cause), 0);
	char *csv = capture_csv(&r);
	/* one line only, ending in CRLF */
	size_t len = strlen(csv);
	assert_true(len > 2);
	assert_string_equal(csv + len - 2, "\r\n");
	assert_null(memchr(csv, '\n', len - 1));
	assert_null(memchr(csv, '\r', len - 2));
	assert_non_null(strstr(csv, "\"a,\"\"b\"\"\\r\\nc\""));
	assert_non_null(strstr(csv, "\"x\\u0000y\\\\z\\t\xef\xbf\xbd\""));
	assert_true(valid_utf8(csv, len));
	assert_int_equal(strncmp(csv, "3,", 2), 0);
	free(csv);

	/* A field a spreadsheet would run as a formula is defused; one with
	 * the same characters later is left alone. */
	static const char *const formulas[] = {"=1+2", "+SUM(A1)", "-2+3", "@cmd"};
	for (size_t i = 0; i < sizeof formulas / sizeof formulas[0]; i++) {
		n = 0;
		buf[n++] = 0x08;
		buf[n++] = 4;
		n = put_text(buf, n, 9, formulas[i], strlen(formulas[i]));
		n = put_text(buf, n, 12, "a=b", 3);
		assert_int_equal(audit_rec_parse(buf, n, &r, &cause), 0);
		csv = capture_csv(&r);
		char want[64];
		snprintf(want, sizeof want, "\"'%s\"", formulas[i]);
		assert_non_null(strstr(csv, want));
		assert_non_null(strstr(csv, "\"a=b\""));
		free(csv);
	}

	char *hdr = NULL;
	size_t hn = 0;
	FILE *f = open_memstream(&hdr, &hn);
	audit_csv_header(f);
	fclose(f);
	assert_int_equal(strncmp(hdr, "seq,uuid,time,action,event,outcome,status,user_id,", 50), 0);
	assert_non_null(strstr(hdr, ",time_ms,leaf_hash\r\n"));
	free(hdr);
}

/* --- syslog ----------------------------------------------------------- */

static void test_syslog_severity(void **state)
{
	(void)state;
	assert_int_equal(audit_syslog_severity(0), 6);
	assert_int_equal(audit_syslog_severity(4), 5);
	assert_int_equal(audit_syslog_severity(8), 4);
	assert_int_equal(audit_syslog_severity(12), 3);
	assert_int_equal(audit_syslog_severity(99), 5);
}

static void test_syslog_format(void **state)
{
	(void)state;
	Assure__AuditRecord in;
	sample_record(&in);
	in.uuid = (char *)"u\"1\\2]3";
	in.event = (char *)"User Set";
	in.instance = (char *)"";
	size_t len;
	uint8_t *buf = pack_record(&in, &len);
	struct audit_rec r;
	char *cause = NULL;
	assert_int_equal(audit_rec_parse(buf, len, &r, &cause), 0);
	char msg[AUDIT_SYSLOG_MAX + 1];
	size_t n = audit_syslog_format(&r, "host.example", msg, AUDIT_SYSLOG_MAX);
	msg[n] = '\0';
	const char *want = "<108>1 2026-11-23T15:42:07.123Z host.example assure - User_Set "
			   "[assure@32473 seq=\"42\" uuid=\"u\\\"1\\\\2\\]3\"] {\"seq\":42,";
	assert_int_equal(strncmp(msg, want, strlen(want)), 0);
	assert_int_equal(msg[n - 1], '}');
	assert_null(strchr(msg, '\n'));
	free(buf);

	/* outcome 0: <110>; no time: NILVALUE; no hostname: "-" */
	in.outcome = 0;
	in.time_ms = 0;
	buf = pack_record(&in, &len);
	assert_int_equal(audit_rec_parse(buf, len, &r, &cause), 0);
	n = audit_syslog_format(&r, NULL, msg, AUDIT_SYSLOG_MAX);
	msg[n] = '\0';
	assert_int_equal(strncmp(msg, "<110>1 - - assure - ", 20), 0);
	free(buf);
}

/* A record whose text would make the message too long is cut at a
 * character boundary, never inside a JSON escape. */
static void test_syslog_truncates_safely(void **state)
{
	(void)state;
	for (int variant = 0; variant < 3; variant++) {
		Assure__AuditRecord in;
		sample_record(&in);
		size_t rn = 5000;
		char *reason = xmalloc(rn + 1);
		for (size_t i = 0; i < rn;) {
			if (variant == 0) {
				memcpy(reason + i, "\xe2\x82\xac", 3); /* euro signs */
				i += 3;
			} else if (variant == 1) {
				reason[i++] = '\n'; /* escapes: \n */
			} else {
				reason[i++] = 1; /* escapes: \u0001 */
			}
			if (i + 3 > rn)
				break;
		}
		reason[rn] = '\0';
		for (size_t i = strlen(reason); i < rn; i++)
			reason[i] = '\0';
		in.reason = reason;
		size_t len;
		uint8_t *buf = pack_record(&in, &len);
		struct audit_rec r;
		char *cause = NULL;
		assert_int_equal(audit_rec_parse(buf, len, &r, &cause), 0);
		char msg[AUDIT_SYSLOG_MAX];
		size_t n = audit_syslog_format(&r, "h", msg, sizeof msg);
		assert_true(n <= AUDIT_SYSLOG_MAX);
		assert_true(n > AUDIT_SYSLOG_MAX - 8);
		assert_true(valid_utf8(msg, n));
		/* The cut is not inside an escape: count the backslashes
		 * running up to a possible partial \uXXXX. */
		const char *bs = NULL;
		for (size_t i = n; i > 0 && i > n - 6; i--)
			if (msg[i - 1] == '\\') {
				bs = msg + i - 1;
				break;
			}
		if (bs != NULL) {
			size_t tail = (size_t)(msg + n - bs);
			assert_true(tail == 6 || (tail == 2 && bs[1] != 'u'));
		}
		free(buf);
		free(reason);
	}
}

static void test_syslog_url(void **state)
{
	(void)state;
	char *hp = NULL, *cause = NULL;
	assert_int_equal(audit_syslog_parse_url("tls://log.example", &hp, &cause), 0);
	assert_string_equal(hp, "log.example:6514");
	free(hp);
	assert_int_equal(audit_syslog_parse_url("tls://log.example:1514", &hp, &cause), 0);
	assert_string_equal(hp, "log.example:1514");
	free(hp);
	assert_int_equal(audit_syslog_parse_url("tls://[::1]", &hp, &cause), 0);
	assert_string_equal(hp, "[::1]:6514");
	free(hp);
	assert_int_equal(audit_syslog_parse_url("udp://log.example", &hp, &cause), -1);
	free(cause);
}

/* --- times ------------------------------------------------------------ */

static void test_parse_time(void **state)
{
	(void)state;
	int64_t ms;
	assert_int_equal(audit_parse_time("2026-11-23T10:00:00Z", &ms), 0);
	assert_int_equal(ms, 1795428000000LL);
	assert_int_equal(audit_parse_time("2026-11-23", &ms), 0);
	assert_int_equal(ms, 1795392000000LL);
	assert_int_equal(audit_parse_time("2026-11-23T11:00:00+01:00", &ms), 0);
	assert_int_equal(ms, 1795428000000LL);
	assert_int_equal(audit_parse_time("2026-11-23T10:00:00.5Z", &ms), 0);
	assert_int_equal(ms, 1795428000500LL);
	assert_int_equal(audit_parse_time("2026-11-23T10:00:00", &ms), -1);
	assert_int_equal(audit_parse_time("2026-02-30", &ms), -1);
	assert_int_equal(audit_parse_time("2026-11-23x", &ms), -1);
	assert_int_equal(audit_parse_time("yesterday", &ms), -1);
	assert_int_equal(audit_parse_time("2026-13-01", &ms), -1);
}

/* --- checkpoints ------------------------------------------------------ */

struct key {
	EVP_PKEY *pkey;
	uint8_t pub[32];
};

static void key_new(struct key *k)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, NULL);
	k->pkey = NULL;
	assert_int_equal(EVP_PKEY_keygen_init(ctx), 1);
	assert_int_equal(EVP_PKEY_keygen(ctx, &k->pkey), 1);
	EVP_PKEY_CTX_free(ctx);
	size_t n = sizeof k->pub;
	assert_int_equal(EVP_PKEY_get_raw_public_key(k->pkey, k->pub, &n), 1);
}

/* A Checkpoint message as the server would send it (strings owned by
 * the caller: free with checkpoint_msg_free). */
static void checkpoint_msg(Assure__Checkpoint *m, const struct key *k, const char *origin,
			   uint64_t size, const merkle_hash root)
{
	assure__checkpoint__init(m);
	char *body = checkpoint_body(origin, size, root);
	uint8_t sig[64];
	size_t sn = sizeof sig;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	assert_int_equal(EVP_DigestSignInit(md, NULL, NULL, NULL, k->pkey), 1);
	assert_int_equal(EVP_DigestSign(md, sig, &sn, (const uint8_t *)body, strlen(body)), 1);
	EVP_MD_CTX_free(md);
	m->origin = xstrdup(origin);
	m->tree_size = size;
	m->root_hash.data = xmalloc(32);
	memcpy(m->root_hash.data, root, 32);
	m->root_hash.len = 32;
	m->note = body;
	m->signed_note = checkpoint_signed_note(body, origin, k->pub, sig);
	m->key_name = xstrdup(origin);
}

static void checkpoint_msg_free(Assure__Checkpoint *m)
{
	free(m->origin);
	free(m->root_hash.data);
	free(m->note);
	free(m->signed_note);
	free(m->key_name);
}

static void test_checkpoint_check(void **state)
{
	(void)state;
	struct key k, other;
	key_new(&k);
	key_new(&other);
	struct merkle_frontier f;
	merkle_frontier_init(&f);
	for (int i = 0; i < 5; i++) {
		char rec[8];
		snprintf(rec, sizeof rec, "r%d", i);
		merkle_hash leaf;
		merkle_leaf_hash(rec, strlen(rec), leaf);
		merkle_frontier_append(&f, leaf, NULL, NULL);
	}
	merkle_hash root;
	merkle_frontier_root(&f, root);
	Assure__Checkpoint m;
	checkpoint_msg(&m, &k, "test/log", 5, root);
	char *cause = NULL;
	assert_int_equal(audit_checkpoint_check(&m, "test/log", k.pub, root, &cause), 0);
	assert_int_equal(audit_checkpoint_check(&m, "test/log", k.pub, NULL, &cause), 0);

	/* another key */
	assert_int_equal(audit_checkpoint_check(&m, "test/log", other.pub, root, &cause), -1);
	assert_non_null(strstr(cause, "key"));
	free(cause);
	/* another log */
	assert_int_equal(audit_checkpoint_check(&m, "other/log", k.pub, root, &cause), -1);
	free(cause);
	/* our records hash to something else */
	merkle_hash bad;
	memcpy(bad, root, 32);
	bad[0] ^= 1;
	assert_int_equal(audit_checkpoint_check(&m, "test/log", k.pub, bad, &cause), -1);
	assert_non_null(strstr(cause, "do not hash"));
	free(cause);
	/* the message's fields disagree with its signed note */
	m.tree_size = 6;
	assert_int_equal(audit_checkpoint_check(&m, "test/log", k.pub, NULL, &cause), -1);
	free(cause);
	m.tree_size = 5;
	/* a tampered signature */
	char *sn = m.signed_note;
	char *line = strstr(sn, "\n\n");
	size_t at = strlen(sn) - 5; /* inside the base64 signature */
	(void)line;
	sn[at] = sn[at] == 'A' ? 'B' : 'A';
	assert_int_equal(audit_checkpoint_check(&m, "test/log", k.pub, NULL, &cause), -1);
	free(cause);
	checkpoint_msg_free(&m);
	EVP_PKEY_free(k.pkey);
	EVP_PKEY_free(other.pkey);
}

/* --- state and JSON Lines --------------------------------------------- */

static char *temp_dir(void)
{
	char tmpl[] = "/tmp/test_cli_audit.XXXXXX";
	char *d = mkdtemp(tmpl);
	assert_non_null(d);
	return xstrdup(d);
}

static void rm_rf(const char *dir)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	free(cmd);
}

static void test_state_round_trip(void **state)
{
	(void)state;
	char *dir = temp_dir();
	struct audit_state st, back;
	char *cause = NULL;
	assert_int_equal(audit_state_load(dir, &back, &cause), 1); /* none yet */

	audit_state_init(&st);
	strcpy(st.origin, "assure.local/audit/abc");
	st.has_pub = 1;
	for (int i = 0; i < 32; i++)
		st.pub[i] = (uint8_t)i;
	for (uint64_t i = 0; i < 1000; i++) {
		merkle_hash leaf;
		merkle_leaf_hash(&i, sizeof i, leaf);
		merkle_frontier_append(&st.frontier, leaf, NULL, NULL);
	}
	st.seq = 1000;
	st.time_ms = 1795448527123LL;
	assert_int_equal(audit_state_save(dir, &st, &cause), 0);
	assert_int_equal(audit_state_load(dir, &back, &cause), 0);
	assert_string_equal(back.origin, st.origin);
	assert_int_equal(back.has_pub, 1);
	assert_memory_equal(back.pub, st.pub, 32);
	assert_int_equal(back.seq, 1000);
	assert_int_equal(back.time_ms, st.time_ms);
	merkle_hash r1, r2;
	merkle_frontier_root(&st.frontier, r1);
	merkle_frontier_root(&back.frontier, r2);
	assert_memory_equal(r1, r2, 32);
	assert_int_equal(back.frontier.count, st.frontier.count);

	/* no temporary file left behind */
	char *tmp = xasprintf("%s/state.tmp", dir);
	assert_int_equal(access(tmp, F_OK), -1);
	free(tmp);

	/* a frontier that does not match seq is refused */
	char *path = xasprintf("%s/state", dir);
	FILE *f = fopen(path, "a");
	fputs("node 0000000000000000000000000000000000000000000000000000000000000000\n", f);
	fclose(f);
	assert_int_equal(audit_state_load(dir, &back, &cause), -1);
	assert_non_null(cause);
	free(cause);
	cause = NULL;
	/* and so is a truncated file */
	assert_int_equal(truncate(path, 40), 0);
	assert_int_equal(audit_state_load(dir, &back, &cause), -1);
	free(cause);
	free(path);
	rm_rf(dir);
	free(dir);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = xcalloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void test_jsonl_repair(void **state)
{
	(void)state;
	char *dir = temp_dir();
	char *path = audit_jsonl_path(dir, 1795448527123LL);
	assert_non_null(strstr(path, "/audit-2026-11-23.jsonl"));
	char *cause = NULL;
	uint64_t removed = 99;

	/* missing: fine */
	assert_int_equal(audit_jsonl_repair(path, &removed, &cause), 0);
	assert_int_equal(removed, 0);

	/* complete lines: untouched */
	write_file(path, "{\"seq\":1}\n{\"seq\":2}\n");
	assert_int_equal(audit_jsonl_repair(path, &removed, &cause), 0);
	assert_int_equal(removed, 0);
	char *text = read_file(path);
	assert_string_equal(text, "{\"seq\":1}\n{\"seq\":2}\n");
	free(text);

	/* a torn last line: cut back */
	write_file(path, "{\"seq\":1}\n{\"seq\":2}\n{\"seq\":3,\"uu");
	assert_int_equal(audit_jsonl_repair(path, &removed, &cause), 0);
	assert_int_equal(removed, 12);
	text = read_file(path);
	assert_string_equal(text, "{\"seq\":1}\n{\"seq\":2}\n");
	free(text);

	/* no complete line at all */
	write_file(path, "{\"seq\":1");
	assert_int_equal(audit_jsonl_repair(path, &removed, &cause), 0);
	text = read_file(path);
	assert_string_equal(text, "");
	free(text);

	/* a torn line longer than the search block */
	FILE *f = fopen(path, "w");
	fputs("{\"seq\":1}\n", f);
	for (int i = 0; i < 200000; i++)
		fputc('x', f);
	fclose(f);
	assert_int_equal(audit_jsonl_repair(path, &removed, &cause), 0);
	assert_int_equal(removed, 200000);
	text = read_file(path);
	assert_string_equal(text, "{\"seq\":1}\n");
	free(text);

	free(path);
	rm_rf(dir);
	free(dir);
}

/* The reader follows the .proto: every AuditRecord field has a member of
 * its type (the field numbers come from protobuf-c's descriptor). */
static void test_rec_layout_follows_proto(void **state)
{
	(void)state;
	char *cause = NULL;
	if (audit_rec_layout_check(&cause) != 0)
		fail_msg("%s", cause);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rec_layout_follows_proto),
	    cmocka_unit_test(test_parse_round_trip),
	    cmocka_unit_test(test_parse_rejects_garbage),
	    cmocka_unit_test(test_json_nul_and_escapes),
	    cmocka_unit_test(test_json_field_order),
	    cmocka_unit_test(test_csv_escaping),
	    cmocka_unit_test(test_syslog_severity),
	    cmocka_unit_test(test_syslog_format),
	    cmocka_unit_test(test_syslog_truncates_safely),
	    cmocka_unit_test(test_syslog_url),
	    cmocka_unit_test(test_parse_time),
	    cmocka_unit_test(test_checkpoint_check),
	    cmocka_unit_test(test_state_round_trip),
	    cmocka_unit_test(test_jsonl_repair),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
