/*
 * The audit trail of a live assured, seen the way an auditor sees it:
 * through AuditQuery, AuditProof, AuditCheckpoint, AuditSubscribe and
 * AuditVerify over TLS, and through `assured audit-verify` on the stopped
 * server's database file.
 *
 * The promise under test is "one record per request, successful or not,
 * tamper-evident": every operation of the Request oneof is called once
 * and must leave exactly one record with the mandatory fields (seq, a
 * version-4 uuid, an RFC 3339 time with milliseconds and Z agreeing with
 * time_ms, action, event, outcome, status, instance, the client's
 * 127.0.0.1:port, the actor when logged in, the object for user, role and
 * site operations); refusals (failed logins, permission denials, invalid
 * arguments) are recorded with their outcome class; hostile strings stay
 * inside one record and round-trip byte for byte; every record fetched is
 * checked against the Merkle root with an inclusion proof, and the root
 * against a frontier the test builds itself from the record bytes.
 *
 * Records of calls that write nothing reach the database through the
 * writer shortly after the reply, so the test synchronises: a second
 * auditor ("auditor2") polls AuditQuery with a unique, harmless until_ms
 * marker until it sees its own marked poll recorded; every record
 * submitted before that poll is then committed. auditor2's own records are
 * left out of the windows that are counted.
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

#include <cmocka.h>

#include "checkpoint.h"
#include "harness.h"
#include "hash.h"
#include "merkle.h"

#define AUD_PW "audit trail passphrase 9"
#define BOB_PW "builder of things passphrase 4"
#define PWU_PW "password change passphrase 1"
#define PWU_PW2 "password change passphrase 2"
#define MARKER_BASE 4000000000000LL /* until_ms far in the future: filters nothing */

static const char *const server_args[] = {"--checkpoint-every", "10", NULL};

static struct harness_server S;
static struct client *admin, *aud, *sync_c;
static int64_t test_start_ms;

/* Every record fetched so far, by seq - 1, and the root of every prefix. */
struct rec {
	uint8_t *bytes;
	size_t len;
	Assure__AuditRecord *r;
};
static struct rec *recs;
static size_t nrecs, caprecs;
static merkle_hash *roots; /* roots[n]: root of the first n records */
static struct merkle_frontier frontier;
static int64_t marker_seq;
static uint64_t resume_seq, login_seq;

/* ---- requests ----------------------------------------------------------- */

struct areq {
	Assure__Request req;
	Assure__AuditQueryRequest query;
	Assure__AuditSubscribeRequest subscribe;
	Assure__AuditCheckpointRequest checkpoint;
	Assure__AuditProofRequest proof;
	Assure__AuditVerifyRequest verify;
};

static void areq_query(struct areq *a, uint64_t from_seq, int64_t until_ms, const char *token)
{
	memset(a, 0, sizeof *a);
	a->req = (Assure__Request)ASSURE__REQUEST__INIT;
	a->query = (Assure__AuditQueryRequest)ASSURE__AUDIT_QUERY_REQUEST__INIT;
	a->query.from_seq = from_seq;
	a->query.until_ms = until_ms;
	a->query.outcome = -1;
	a->query.page_size = 5000;
	a->query.page_token = (char *)(token ? token : "");
	a->req.op_case = ASSURE__REQUEST__OP_AUDIT_QUERY;
	a->req.audit_query = &a->query;
}

static void areq_subscribe(struct areq *a, uint64_t from_seq)
{
	memset(a, 0, sizeof *a);
	a->req = (Assure__Request)ASSURE__REQUEST__INIT;
	a->subscribe = (Assure__AuditSubscribeRequest)ASSURE__AUDIT_SUBSCRIBE_REQUEST__INIT;
	a->subscribe.from_seq = from_seq;
	a->req.op_case = ASSURE__REQUEST__OP_AUDIT_SUBSCRIBE;
	a->req.audit_subscribe = &a->subscribe;
}

static void areq_checkpoint(struct areq *a, uint64_t size)
{
	memset(a, 0, sizeof *a);
	a->req = (Assure__Request)ASSURE__REQUEST__INIT;
	a->checkpoint = (Assure__AuditCheckpointRequest)ASSURE__AUDIT_CHECKPOINT_REQUEST__INIT;
	a->checkpoint.tree_size = size;
	a->req.op_case = ASSURE__REQUEST__OP_AUDIT_CHECKPOINT;
	a->req.audit_checkpoint = &a->checkpoint;
}

static void areq_proof(struct areq *a, uint64_t tree_size, uint64_t leaf_index, uint64_t old_size,
		       int consistency)
{
	memset(a, 0, sizeof *a);
	a->req = (Assure__Request)ASSURE__REQUEST__INIT;
	a->proof = (Assure__AuditProofRequest)ASSURE__AUDIT_PROOF_REQUEST__INIT;
	a->proof.tree_size = tree_size;
	a->proof.leaf_index = leaf_index;
	a->proof.old_size = old_size;
	a->proof.consistency = consistency;
	a->req.op_case = ASSURE__REQUEST__OP_AUDIT_PROOF;
	a->req.audit_proof = &a->proof;
}

static void areq_verify(struct areq *a)
{
	memset(a, 0, sizeof *a);
	a->req = (Assure__Request)ASSURE__REQUEST__INIT;
	a->verify = (Assure__AuditVerifyRequest)ASSURE__AUDIT_VERIFY_REQUEST__INIT;
	a->req.op_case = ASSURE__REQUEST__OP_AUDIT_VERIFY;
	a->req.audit_verify = &a->verify;
}

static Assure__Response *acall(struct client *c, Assure__Request *req, int code, const char *what)
{
	Assure__Response *resp = NULL;
	char *cause = NULL;
	req->id = 0;
	if (client_call(c, req, &resp, &cause) != 0)
		fail_msg("%s: transport error: %s", what, cause ? cause : "?");
	int got = client_status_code(resp);
	if (got != code) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", client_status_message(resp));
		assure__response__free_unpacked(resp, NULL);
		fail_msg("%s: expected %s, got %s: \"%s\"", what, harness_code_name(code),
			 harness_code_name(got), msg);
	}
	return resp;
}

/* ---- the local copy of the log ------------------------------------------- */

static void store_record(uint64_t seq, const uint8_t *data, size_t len)
{
	if (seq != nrecs + 1)
		fail_msg("AuditQuery returned record %llu after %zu: a gap or a repeat",
			 (unsigned long long)seq, nrecs);
	if (nrecs == caprecs) {
		caprecs = caprecs ? 2 * caprecs : 256;
		recs = realloc(recs, caprecs * sizeof *recs);
		roots = realloc(roots, (caprecs + 1) * sizeof *roots);
		assert_non_null(recs);
		assert_non_null(roots);
	}
	if (nrecs == 0) {
		merkle_frontier_init(&frontier);
		merkle_frontier_root(&frontier, roots[0]);
	}
	struct rec *r = &recs[nrecs];
	r->bytes = malloc(len ? len : 1);
	assert_non_null(r->bytes);
	memcpy(r->bytes, data, len);
	r->len = len;
	r->r = assure__audit_record__unpack(NULL, len, data);
	if (r->r == NULL)
		fail_msg("record %llu does not decode as an AuditRecord", (unsigned long long)seq);
	if (r->r->seq != seq)
		fail_msg("record %llu carries seq %llu", (unsigned long long)seq,
			 (unsigned long long)r->r->seq);
	merkle_hash leaf;
	merkle_leaf_hash(data, len, leaf);
	merkle_frontier_append(&frontier, leaf, NULL, NULL);
	nrecs++;
	merkle_frontier_root(&frontier, roots[nrecs]);
}

static void free_records(void)
{
	for (size_t i = 0; i < nrecs; i++) {
		free(recs[i].bytes);
		assure__audit_record__free_unpacked(recs[i].r, NULL);
	}
	free(recs);
	free(roots);
	recs = NULL;
	roots = NULL;
	nrecs = caprecs = 0;
}

static const Assure__AuditRecord *rec_at(uint64_t seq)
{
	assert_true(seq >= 1 && seq <= nrecs);
	return recs[seq - 1].r;
}

/* Fetches every record after the ones we have (all pages) as auditor2
 * with the given until marker. */
static void fetch_new(int64_t marker)
{
	char token[64] = "";
	for (int pages = 0; pages < 100; pages++) {
		struct areq a;
		areq_query(&a, nrecs + 1, marker, token);
		Assure__Response *resp =
		    acall(sync_c, &a.req, ASSURE__CODE__OK, "AuditQuery (sync)");
		assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_AUDIT_QUERY);
		Assure__AuditQueryResponse *q = resp->audit_query;
		for (size_t i = 0; i < q->n_entries; i++)
			store_record(q->entries[i]->seq, q->entries[i]->record.data,
				     q->entries[i]->record.len);
		snprintf(token, sizeof token, "%s", q->next_page_token ? q->next_page_token : "");
		assure__response__free_unpacked(resp, NULL);
		if (token[0] == '\0')
			return;
	}
	fail_msg("AuditQuery paging did not end");
}

static int is_sync_record(const Assure__AuditRecord *r)
{
	return strcmp(r->username, "auditor2") == 0;
}

/* Waits until every record submitted before now is committed and
 * fetched. Returns the number of records we had before. */
static uint64_t sync_log(void)
{
	uint64_t before = nrecs;
	int64_t marker = MARKER_BASE + ++marker_seq;
	char needle[64];
	snprintf(needle, sizeof needle, "until=%lld ", (long long)marker);
	int64_t deadline = harness_now_ms() + 15000;
	size_t scanned = nrecs;
	for (;;) {
		fetch_new(marker);
		for (; scanned < nrecs; scanned++) {
			const Assure__AuditRecord *r = recs[scanned].r;
			if (strcmp(r->event, "AuditQuery") == 0 && is_sync_record(r) &&
			    strstr(r->query, needle) != NULL)
				return before;
		}
		if (harness_now_ms() > deadline)
			fail_msg("the audit record of a marked AuditQuery never appeared");
		harness_sleep_ms(15);
	}
}

/* ---- record checks ------------------------------------------------------------ */

static int is_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[n] == '\0';
}

static void check_uuid4(const char *u, uint64_t seq)
{
	int ok = strlen(u) == 36;
	for (int i = 0; ok && i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			ok = u[i] == '-';
		else
			ok = (u[i] >= '0' && u[i] <= '9') || (u[i] >= 'a' && u[i] <= 'f');
	}
	ok = ok && u[14] == '4' && strchr("89ab", u[19]) != NULL;
	if (!ok)
		fail_msg("record %llu: uuid '%s' is not a lower-case version 4 UUID",
			 (unsigned long long)seq, u);
}

static void check_time(const Assure__AuditRecord *r)
{
	char want[96];
	time_t secs = (time_t)(r->time_ms / 1000);
	struct tm tm;
	gmtime_r(&secs, &tm);
	snprintf(want, sizeof want, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (int)(r->time_ms % 1000));
	if (strcmp(r->time, want) != 0)
		fail_msg("record %llu: time '%s' is not RFC 3339 UTC with milliseconds and Z for "
			 "time_ms %lld ('%s')",
			 (unsigned long long)r->seq, r->time, (long long)r->time_ms, want);
	int64_t now = (int64_t)time(NULL) * 1000;
	if (r->time_ms < test_start_ms - 2000 || r->time_ms > now + 2000)
		fail_msg("record %llu: time_ms %lld is not during the test",
			 (unsigned long long)r->seq, (long long)r->time_ms);
}

static void check_client_addr(const Assure__AuditRecord *r)
{
	const char *a = r->client_addr;
	int port = 0;
	char rest[8] = "";
	if (strncmp(a, "127.0.0.1:", 10) != 0 || sscanf(a + 10, "%d%7s", &port, rest) != 1 ||
	    port <= 0 || port > 65535 || port == S.port)
		fail_msg("record %llu: client_addr '%s' is not 127.0.0.1:<client port>",
			 (unsigned long long)r->seq, a);
}

/* Fields every record must have. */
static void check_mandatory(const Assure__AuditRecord *r, uint64_t seq)
{
	assert_true(r->seq == seq && seq > 0);
	check_uuid4(r->uuid, seq);
	check_time(r);
	if (strlen(r->action) != 1 || strchr("CRUDE", r->action[0]) == NULL)
		fail_msg("record %llu: action '%s' is not one of C R U D E",
			 (unsigned long long)seq, r->action);
	if (r->event[0] == '\0' || r->status[0] == '\0' || r->instance[0] == '\0')
		fail_msg("record %llu: event '%s', status '%s', instance '%s': none may be empty",
			 (unsigned long long)seq, r->event, r->status, r->instance);
	if (r->outcome != 0 && r->outcome != 4 && r->outcome != 8 && r->outcome != 12)
		fail_msg("record %llu: outcome %u", (unsigned long long)seq, r->outcome);
	check_client_addr(r);
}

/* Inclusion of record seq in the tree of everything fetched, proved by
 * the server and checked against our own root. */
static void check_inclusion(uint64_t seq)
{
	uint64_t size = nrecs;
	struct areq a;
	areq_proof(&a, size, seq - 1, 0, 0);
	Assure__Response *resp = acall(sync_c, &a.req, ASSURE__CODE__OK, "AuditProof (inclusion)");
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_AUDIT_PROOF);
	Assure__AuditProofResponse *p = resp->audit_proof;
	assert_int_equal(p->root_hash.len, 32);
	if (memcmp(p->root_hash.data, roots[size], 32) != 0)
		fail_msg("the server's root at %llu differs from the root of the records it served",
			 (unsigned long long)size);
	merkle_hash *hashes = calloc(p->n_hashes + 1, sizeof *hashes);
	assert_non_null(hashes);
	for (size_t i = 0; i < p->n_hashes; i++) {
		assert_int_equal(p->hashes[i].len, 32);
		memcpy(hashes[i], p->hashes[i].data, 32);
	}
	merkle_hash leaf;
	merkle_leaf_hash(recs[seq - 1].bytes, recs[seq - 1].len, leaf);
	if (!merkle_verify_inclusion(seq - 1, size, leaf, (const merkle_hash *)hashes, p->n_hashes,
				     p->root_hash.data))
		fail_msg("inclusion proof of record %llu in %llu does not verify",
			 (unsigned long long)seq, (unsigned long long)size);
	free(hashes);
	assure__response__free_unpacked(resp, NULL);
}

struct expect {
	const char *event;
	char action;
	const char *status; /* code name */
	unsigned outcome;
	const char *user;	 /* NULL: no session and no claimed name */
	int logged_in;		 /* actor fields (user_id, role, session) set */
	const char *object_type; /* NULL: do not check; "": none */
	const char *object_id;
};

/* The latest PreLoginCalls record seen by expect_one: a connection's
 * Hello and Status before login are one record, written when it logs in
 * or closes, so it is set aside from the one-record-per-call count. */
static uint64_t prelogin_seq;

/* After one request: exactly one new record (besides auditor2's and
 * PreLoginCalls), with the expected fields. Returns its seq. */
static uint64_t expect_one(const struct expect *e)
{
	uint64_t before = sync_log();
	uint64_t found = 0;
	unsigned count = 0;
	char list[1024] = "";
	for (uint64_t s = before + 1; s <= nrecs; s++) {
		const Assure__AuditRecord *r = rec_at(s);
		check_mandatory(r, s);
		if (is_sync_record(r))
			continue;
		if (strcmp(r->event, "PreLoginCalls") == 0) {
			prelogin_seq = s;
			continue;
		}
		count++;
		found = s;
		size_t l = strlen(list);
		snprintf(list + l, sizeof list - l, " %s(%s)", r->event, r->username);
	}
	if (count != 1)
		fail_msg("%s: %u records instead of exactly one:%s", e->event, count, list);
	const Assure__AuditRecord *r = rec_at(found);
	if (strcmp(r->event, e->event) != 0)
		fail_msg("expected a record of %s, found %s", e->event, r->event);
	if (r->action[0] != e->action)
		fail_msg("%s: action '%s', expected '%c'", e->event, r->action, e->action);
	if (strcmp(r->status, e->status) != 0 || r->outcome != e->outcome)
		fail_msg("%s: status %s outcome %u, expected %s outcome %u", e->event, r->status,
			 r->outcome, e->status, e->outcome);
	if (strcmp(r->username, e->user ? e->user : "") != 0)
		fail_msg("%s: username '%s', expected '%s'", e->event, r->username,
			 e->user ? e->user : "");
	if (e->logged_in) {
		if (r->user_id <= 0 || r->role[0] == '\0' || strlen(r->session_hash) != 32 ||
		    !is_hex(r->session_hash, 32))
			fail_msg("%s by %s: user_id %lld, role '%s', session_hash '%s': the actor "
				 "is not recorded",
				 e->event, r->username, (long long)r->user_id, r->role,
				 r->session_hash);
	} else if (e->user == NULL) {
		if (r->user_id != 0 || r->role[0] != '\0' || r->session_hash[0] != '\0')
			fail_msg("%s without a session: user_id %lld role '%s' session '%s'",
				 e->event, (long long)r->user_id, r->role, r->session_hash);
	}
	if (e->object_type != NULL && (strcmp(r->object_type, e->object_type) != 0 ||
				       strcmp(r->object_id, e->object_id) != 0))
		fail_msg("%s: object %s/%s, expected %s/%s", e->event, r->object_type, r->object_id,
			 e->object_type, e->object_id);
	check_inclusion(found);
	return found;
}

/* ---- setup ------------------------------------------------------------------------- */

static int group_setup(void **state)
{
	(void)state;
	test_start_ms = (int64_t)time(NULL) * 1000;
	struct harness_server_opts opts = {0};
	opts.extra_args = server_args;
	harness_server_start(&S, &opts);
	admin = harness_connect_admin(&S);
	struct harness_ireq r;
	harness_ireq_site_add(&r, "HQ", "Headquarters");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "SiteAdd HQ");
	harness_add_user(admin, "auditor", "auditor", "HQ", AUD_PW, NULL);
	harness_add_user(admin, "auditor2", "auditor", "HQ", AUD_PW, NULL);
	harness_add_user(admin, "pwuser", "viewer", "HQ", PWU_PW, NULL);
	aud = harness_connect_login(&S, "auditor", AUD_PW, NULL, NULL);
	sync_c = harness_connect_login(&S, "auditor2", AUD_PW, NULL, NULL);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	client_free(admin);
	client_free(aud);
	client_free(sync_c);
	free_records();
	harness_server_destroy(&S);
	return 0;
}

/* Waits (bounded) for a PreLoginCalls record after seq `after` whose
 * reason holds `want` and says the connection closed. */
static void wait_prelogin(uint64_t after, const char *want)
{
	int64_t deadline = harness_now_ms() + 5000;
	for (;;) {
		sync_log();
		for (uint64_t s = after + 1; s <= nrecs; s++) {
			const Assure__AuditRecord *r = rec_at(s);
			if (strcmp(r->event, "PreLoginCalls") == 0 && strstr(r->reason, want) &&
			    strstr(r->reason, "then connection"))
				return;
		}
		if (harness_now_ms() > deadline)
			fail_msg("no PreLoginCalls record with '%s' after a connection closed",
				 want);
		harness_sleep_ms(20);
	}
}

/* ---- every operation leaves one record ------------------------------------------------ */

static void test_every_rpc_one_record(void **state)
{
	(void)state;
	sync_log(); /* everything so far is fetched and checked for gaps */
	for (uint64_t s = 1; s <= nrecs; s++)
		check_mandatory(rec_at(s), s);
	unsigned done = 0;
	struct harness_req q;
	struct harness_ireq r;

	/* Pre-auth: Hello and Status on a fresh connection leave no record
	 * each; the Login that follows is one, then one PreLoginCalls for
	 * the connection's calls before it. */
	struct client *c = harness_connect(&S);
	harness_req_hello(&q, 1);
	assert_int_equal(harness_call_code(c, &q), ASSURE__CODE__OK);
	harness_req_status(&q);
	assert_int_equal(harness_call_code(c, &q), ASSURE__CODE__OK);
	assert_int_equal(harness_call_code(c, &q), ASSURE__CODE__OK);
	uint64_t before = sync_log();
	for (uint64_t s = before + 1; s <= nrecs; s++)
		if (!is_sync_record(rec_at(s)))
			fail_msg("a pre-login call left its own record %s", rec_at(s)->event);
	/* Login (a write: its record is in its own transaction). */
	uint8_t token[HARNESS_TOKEN_LEN];
	prelogin_seq = 0;
	assert_int_equal(harness_login_role_code(c, "admin", S.password, NULL, token),
			 ASSURE__CODE__OK);
	login_seq =
	    expect_one(&(struct expect){"Login", 'E', "OK", 0, "admin", 1, "user", "admin"});
	done++;
	if (prelogin_seq <= login_seq)
		fail_msg("no PreLoginCalls record after the Login of a connection that said Hello "
			 "and Status");
	const Assure__AuditRecord *pl = rec_at(prelogin_seq);
	check_mandatory(pl, prelogin_seq);
	if (strstr(pl->reason, "1 Hello, 2 Status (0 refused)") == NULL ||
	    strstr(pl->reason, "then logged in") == NULL || pl->user_id != 0 ||
	    strcmp(pl->object_type, "connection") != 0 || pl->action[0] != 'E')
		fail_msg("PreLoginCalls record: reason '%s' user_id %lld object '%s' action '%s'",
			 pl->reason, (long long)pl->user_id, pl->object_type, pl->action);
	done += 2; /* Hello and Status */
	client_free(c);
	c = harness_connect_hello(&S);
	sync_log(); /* the Hello */
	assert_int_equal(harness_resume_code(c, token, sizeof token), ASSURE__CODE__OK);
	/* The actor fields of a Resume record are held to account in
	 * test_resume_record_names_session, so one gap does not hide the
	 * rest of this list. */
	resume_seq = expect_one(&(struct expect){"Resume", 'E', "OK", 0, "admin", 0, NULL, NULL});
	done++;
	harness_req_whoami(&q);
	assert_int_equal(harness_call_code(c, &q), ASSURE__CODE__OK);
	expect_one(&(struct expect){"Whoami", 'R', "OK", 0, "admin", 1, NULL, NULL});
	done++;
	/* SessionList, SessionRevoke (of this second session), Logout. */
	int64_t sid = harness_current_session_id(c);
	expect_one(&(struct expect){"SessionList", 'R', "OK", 0, "admin", 1, NULL, NULL});
	done++;
	struct client *c2 = harness_connect_admin(&S);
	sync_log();
	int64_t sid2 = harness_current_session_id(c2);
	sync_log();
	assert_true(sid2 != sid);
	harness_ireq_session_revoke(&r, sid2, NULL);
	harness_iexpect_code(c, &r, ASSURE__CODE__OK, "SessionRevoke");
	char sid2s[32];
	snprintf(sid2s, sizeof sid2s, "%lld", (long long)sid2);
	expect_one(&(struct expect){"SessionRevoke", 'D', "OK", 0, "admin", 1, "session", sid2s});
	done++;
	client_free(c2);
	harness_req_logout(&q);
	assert_int_equal(harness_call_code(c, &q), ASSURE__CODE__OK);
	expect_one(&(struct expect){"Logout", 'E', "OK", 0, "admin", 1, NULL, NULL});
	done++;
	client_free(c);

	/* PasswordChange by a user for themselves. */
	c = harness_connect_login(&S, "pwuser", PWU_PW, NULL, NULL);
	sync_log();
	harness_ireq_password_change(&r, PWU_PW, PWU_PW2);
	harness_iexpect_code(c, &r, ASSURE__CODE__OK, "PasswordChange");
	expect_one(&(struct expect){"PasswordChange", 'U', "OK", 0, "pwuser", 1, "user", "pwuser"});
	done++;
	client_free(c);

	/* Users. */
	const char *viewer[] = {"viewer", NULL};
	harness_ireq_user_add(&r, "bob", "Bob", "HQ", viewer, BOB_PW);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserAdd bob");
	expect_one(&(struct expect){"UserAdd", 'C', "OK", 0, "admin", 1, "user", "bob"});
	done++;
	harness_ireq_user_list(&r, NULL, NULL, ASSURE__USER_STATE_FILTER__USERS_ALL, 0, NULL);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserList");
	expect_one(&(struct expect){"UserList", 'R', "OK", 0, "admin", 1, NULL, NULL});
	done++;
	harness_ireq_user_show(&r, "bob");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserShow");
	expect_one(&(struct expect){"UserShow", 'R', "OK", 0, "admin", 1, "user", "bob"});
	done++;
	harness_ireq_user_set(&r, "bob", "Robert", NULL, NULL, NULL, 0);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserSet");
	expect_one(&(struct expect){"UserSet", 'U', "OK", 0, "admin", 1, "user", "bob"});
	done++;
	harness_ireq_user_disable(&r, "bob", "left the trust");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserDisable");
	expect_one(&(struct expect){"UserDisable", 'U', "OK", 0, "admin", 1, "user", "bob"});
	done++;
	harness_ireq_user_enable(&r, "bob");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserEnable");
	expect_one(&(struct expect){"UserEnable", 'U', "OK", 0, "admin", 1, "user", "bob"});
	done++;
	harness_ireq_user_reset_password(&r, "bob");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserResetPassword");
	expect_one(&(struct expect){"UserResetPassword", 'U', "OK", 0, "admin", 1, "user", "bob"});
	done++;

	/* Roles and permissions. */
	harness_ireq_role_list(&r);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "RoleList");
	expect_one(&(struct expect){"RoleList", 'R', "OK", 0, "admin", 1, NULL, NULL});
	done++;
	harness_ireq_role_show(&r, "viewer");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "RoleShow");
	expect_one(&(struct expect){"RoleShow", 'R', "OK", 0, "admin", 1, "role", "viewer"});
	done++;
	const char *perms[] = {"performer.read", NULL};
	const char *perms2[] = {"contract.read", NULL};
	harness_ireq_role_add(&r, "audit-test-role", "for the audit test", perms);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "RoleAdd");
	expect_one(
	    &(struct expect){"RoleAdd", 'C', "OK", 0, "admin", 1, "role", "audit-test-role"});
	done++;
	harness_ireq_role_set(&r, "audit-test-role", NULL, perms2, NULL);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "RoleSet");
	expect_one(
	    &(struct expect){"RoleSet", 'U', "OK", 0, "admin", 1, "role", "audit-test-role"});
	done++;
	harness_ireq_role_remove(&r, "audit-test-role");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "RoleRemove");
	expect_one(
	    &(struct expect){"RoleRemove", 'D', "OK", 0, "admin", 1, "role", "audit-test-role"});
	done++;
	harness_ireq_permission_list(&r);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "PermissionList");
	expect_one(&(struct expect){"PermissionList", 'R', "OK", 0, "admin", 1, NULL, NULL});
	done++;

	/* Sites. */
	harness_ireq_site_add(&r, "HQ2", "Second site");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "SiteAdd");
	expect_one(&(struct expect){"SiteAdd", 'C', "OK", 0, "admin", 1, "site", "HQ2"});
	done++;
	harness_ireq_site_list(&r);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "SiteList");
	expect_one(&(struct expect){"SiteList", 'R', "OK", 0, "admin", 1, NULL, NULL});
	done++;

	/* The audit operations, by the auditor. */
	struct areq a;
	areq_query(&a, 1, 0, NULL);
	a.query.event = (char *)"UserAdd";
	Assure__Response *resp = acall(aud, &a.req, ASSURE__CODE__OK, "AuditQuery");
	assert_true(resp->audit_query->n_entries >= 4); /* auditor, auditor2, pwuser, bob */
	for (size_t i = 0; i < resp->audit_query->n_entries; i++) {
		Assure__AuditEntry *en = resp->audit_query->entries[i];
		/* The bytes served are the bytes hashed (checked when fetched). */
		assert_true(en->seq >= 1 && en->seq <= nrecs);
		assert_int_equal(en->record.len, recs[en->seq - 1].len);
		assert_memory_equal(en->record.data, recs[en->seq - 1].bytes, en->record.len);
		assert_string_equal(rec_at(en->seq)->event, "UserAdd");
	}
	assure__response__free_unpacked(resp, NULL);
	uint64_t qs =
	    expect_one(&(struct expect){"AuditQuery", 'R', "OK", 0, "auditor", 1, NULL, NULL});
	if (strstr(rec_at(qs)->query, "event=UserAdd") == NULL)
		fail_msg("AuditQuery record: the query '%s' does not hold the predicate",
			 rec_at(qs)->query);
	areq_checkpoint(&a, 0);
	resp = acall(aud, &a.req, ASSURE__CODE__OK, "AuditCheckpoint");
	assure__response__free_unpacked(resp, NULL);
	expect_one(&(struct expect){"AuditCheckpoint", 'R', "OK", 0, "auditor", 1, NULL, NULL});
	done++;
	areq_proof(&a, 3, 1, 0, 0);
	resp = acall(aud, &a.req, ASSURE__CODE__OK, "AuditProof");
	assure__response__free_unpacked(resp, NULL);
	expect_one(&(struct expect){"AuditProof", 'R', "OK", 0, "auditor", 1, NULL, NULL});
	done++;
	areq_verify(&a);
	resp = acall(aud, &a.req, ASSURE__CODE__OK, "AuditVerify");
	assure__response__free_unpacked(resp, NULL);
	expect_one(&(struct expect){"AuditVerify", 'E', "OK", 0, "auditor", 1, NULL, NULL});
	done++;
	/* AuditSubscribe: one record when the stream starts, none per batch. */
	c = harness_connect_login(&S, "auditor", AUD_PW, NULL, NULL);
	sync_log();
	areq_subscribe(&a, nrecs + 1);
	char *cause = NULL;
	if (client_send(c, &a.req, &cause) != 0)
		fail_msg("AuditSubscribe send: %s", cause);
	Assure__Response *first = NULL;
	if (client_recv(c, &first, &cause) != 0)
		fail_msg("AuditSubscribe: no first batch: %s", cause);
	assert_int_equal(client_status_code(first), ASSURE__CODE__OK);
	assure__response__free_unpacked(first, NULL);
	expect_one(&(struct expect){"AuditSubscribe", 'R', "OK", 0, "auditor", 1, NULL, NULL});
	done++;
	client_free(c);
	done++; /* AuditQuery, counted here after its predicate was checked */
	/* The oneof has 29 operations; all of them were called. */
	assert_int_equal(done, 29);
	print_message("every operation: 29 single records, each proved included in the tree\n");
}

/* A successful Resume binds the connection to a session, like Login: its
 * record must say whose session (user_id, role, site, session_hash), or
 * the trail cannot tie what follows on that connection to the login. The
 * session is the one Login recorded, so the session hashes must agree. */
static void test_resume_record_names_session(void **state)
{
	(void)state;
	assert_true(resume_seq > 0 && login_seq > 0);
	const Assure__AuditRecord *r = rec_at(resume_seq), *l = rec_at(login_seq);
	if (r->user_id != l->user_id || strcmp(r->role, l->role) != 0 ||
	    strcmp(r->site, l->site) != 0 || strcmp(r->session_hash, l->session_hash) != 0)
		fail_msg("Resume record %llu: user_id %lld role '%s' site '%s' session_hash '%s'; "
			 "the Login of that session recorded user_id %lld role '%s' site '%s' "
			 "session_hash '%s'",
			 (unsigned long long)resume_seq, (long long)r->user_id, r->role, r->site,
			 r->session_hash, (long long)l->user_id, l->role, l->site, l->session_hash);
}

/* ---- refusals and hostile strings -------------------------------------------------------- */

static void test_refusals_recorded(void **state)
{
	(void)state;
	sync_log();
	struct harness_ireq r;
	/* Failed logins: an unknown user and a wrong password. */
	struct client *c = harness_connect_hello(&S);
	sync_log();
	assert_int_equal(harness_login_role_code(c, "nosuchuser", "whatever it is 1", NULL, NULL),
			 ASSURE__CODE__UNAUTHENTICATED);
	uint64_t s = expect_one(&(struct expect){"Login", 'E', "UNAUTHENTICATED", 8, "nosuchuser",
						 0, "user", "nosuchuser"});
	assert_true(rec_at(s)->user_id == 0);
	assert_string_equal(rec_at(s)->session_hash, "");
	assert_int_equal(harness_login_role_code(c, "bob", "not bob's password 1", NULL, NULL),
			 ASSURE__CODE__UNAUTHENTICATED);
	s = expect_one(
	    &(struct expect){"Login", 'E', "UNAUTHENTICATED", 8, "bob", 0, "user", "bob"});
	assert_string_equal(rec_at(s)->session_hash, "");
	/* A claimed name full of hostile characters stays one record and
	 * round-trips exactly. */
	const char *evil = "x\"]\n} \xe6\x97\xa5\xe6\x9c\xac \xc3\xa9\\u0000";
	assert_int_equal(harness_login_role_code(c, evil, "whatever it is 2", NULL, NULL),
			 ASSURE__CODE__UNAUTHENTICATED);
	expect_one(&(struct expect){"Login", 'E', "UNAUTHENTICATED", 8, evil, 0, "user", evil});
	/* Never logged in: its Hello is recorded when it closes. */
	uint64_t mark = nrecs;
	client_free(c);
	wait_prelogin(mark, "1 Hello, 0 Status (0 refused)");

	/* A permission denial: the auditor may not list users. */
	harness_ireq_user_list(&r, NULL, NULL, ASSURE__USER_STATE_FILTER__USERS_ALL, 0, NULL);
	harness_iexpect_code(aud, &r, ASSURE__CODE__PERMISSION_DENIED, "UserList as auditor");
	expect_one(
	    &(struct expect){"UserList", 'R', "PERMISSION_DENIED", 8, "auditor", 1, NULL, NULL});
	/* An invalid argument. */
	struct areq a;
	areq_query(&a, 1, 0, NULL);
	a.query.action = (char *)"X";
	Assure__Response *resp = acall(aud, &a.req, ASSURE__CODE__INVALID_ARGUMENT, "AuditQuery X");
	assure__response__free_unpacked(resp, NULL);
	expect_one(
	    &(struct expect){"AuditQuery", 'R', "INVALID_ARGUMENT", 4, "auditor", 1, NULL, NULL});

	/* UserAdd with a hostile display name: refused (a newline), one
	 * record naming the object; then accepted without the newline. */
	const char *viewer[] = {"viewer", NULL};
	const char *dn_bad =
	    "Eve \"the\" ]\nO'Brien \xe2\x80\x94 Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac";
	harness_ireq_user_add(&r, "eve", dn_bad, "HQ", viewer, BOB_PW);
	harness_iexpect_code(admin, &r, ASSURE__CODE__INVALID_ARGUMENT, "UserAdd (newline)");
	s = expect_one(
	    &(struct expect){"UserAdd", 'C', "INVALID_ARGUMENT", 4, "admin", 1, "user", "eve"});
	if (strstr(rec_at(s)->reason, "display_name") == NULL)
		fail_msg("UserAdd refusal: the reason '%s' does not say why", rec_at(s)->reason);
	const char *dn_ok =
	    "Eve \"the\" ] O'Brien \xe2\x80\x94 Zo\xc3\xab \xe6\x97\xa5\xe6\x9c\xac";
	harness_ireq_user_add(&r, "eve", dn_ok, "HQ", viewer, BOB_PW);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserAdd (hostile display name)");
	expect_one(&(struct expect){"UserAdd", 'C', "OK", 0, "admin", 1, "user", "eve"});
	/* A hostile username: refused, and recorded exactly as sent. */
	const char *uname = "ev\"il]\n{\"seq\":1} \xe6\x97\xa5";
	harness_ireq_user_add(&r, uname, dn_ok, "HQ", viewer, BOB_PW);
	harness_iexpect_code(admin, &r, ASSURE__CODE__INVALID_ARGUMENT, "UserAdd (hostile name)");
	expect_one(
	    &(struct expect){"UserAdd", 'C', "INVALID_ARGUMENT", 4, "admin", 1, "user", uname});
}

static void test_non_auditor_denied(void **state)
{
	(void)state;
	struct areq a;
	const char *names[] = {"AuditQuery", "AuditSubscribe", "AuditCheckpoint", "AuditProof",
			       "AuditVerify"};
	for (int i = 0; i < 5; i++) {
		switch (i) {
		case 0:
			areq_query(&a, 1, 0, NULL);
			break;
		case 1:
			areq_subscribe(&a, 1);
			break;
		case 2:
			areq_checkpoint(&a, 0);
			break;
		case 3:
			areq_proof(&a, 1, 0, 0, 0);
			break;
		default:
			areq_verify(&a);
		}
		Assure__Response *resp =
		    acall(admin, &a.req, ASSURE__CODE__PERMISSION_DENIED, names[i]);
		assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT__NOT_SET);
		assure__response__free_unpacked(resp, NULL);
		expect_one(&(struct expect){names[i], i == 4 ? 'E' : 'R', "PERMISSION_DENIED", 8,
					    "admin", 1, NULL, NULL});
	}
}

/* ---- the stream, checkpoints, proofs -------------------------------------------------------- */

static void public_key(uint8_t pub[32])
{
	struct areq a;
	areq_checkpoint(&a, 0);
	Assure__Response *resp = acall(sync_c, &a.req, ASSURE__CODE__OK, "AuditCheckpoint");
	assert_int_equal(resp->audit_checkpoint->public_key.len, 32);
	memcpy(pub, resp->audit_checkpoint->public_key.data, 32);
	assure__response__free_unpacked(resp, NULL);
	/* The same key as the exported file beside the database. */
	char path[700];
	snprintf(path, sizeof path, "%s/audit-key.pub.pem", S.dir);
	uint8_t file_pub[32];
	char *cause = NULL;
	if (hash_ed25519_read_public(path, file_pub, &cause) != 0)
		fail_msg("%s", cause);
	assert_memory_equal(pub, file_pub, 32);
}

/* A checkpoint message: signed note parses, matches its fields, its
 * signature verifies with pub, and its root is ours at its size. */
static void check_checkpoint_msg(const Assure__Checkpoint *cp, const uint8_t pub[32])
{
	struct checkpoint p;
	char *cause = NULL;
	if (checkpoint_parse(cp->signed_note, &p, &cause) != 0)
		fail_msg("checkpoint %llu: %s", (unsigned long long)cp->tree_size, cause);
	assert_true(p.size == cp->tree_size);
	assert_string_equal(p.origin, cp->origin);
	assert_string_equal(p.body, cp->note);
	assert_string_equal(cp->key_name, cp->origin);
	assert_int_equal(cp->root_hash.len, 32);
	assert_memory_equal(p.root, cp->root_hash.data, 32);
	assert_int_equal(cp->signature.len, 64);
	assert_memory_equal(p.signature, cp->signature.data, 64);
	if (checkpoint_verify(&p, cp->key_name, pub, &cause) != 0)
		fail_msg("checkpoint %llu: %s", (unsigned long long)cp->tree_size, cause);
	assert_true(hash_ed25519_verify(pub, cp->note, strlen(cp->note), cp->signature.data));
	checkpoint_clear(&p);
	assert_true(cp->tree_size % 10 == 0); /* --checkpoint-every 10 */
	assert_true(cp->tree_size <= nrecs);
	if (memcmp(cp->root_hash.data, roots[cp->tree_size], 32) != 0)
		fail_msg("checkpoint %llu: its root is not the root of the records served",
			 (unsigned long long)cp->tree_size);
}

static void test_subscribe_stream(void **state)
{
	(void)state;
	uint8_t pub[32];
	public_key(pub);
	struct client *sub = harness_connect_login(&S, "auditor", AUD_PW, NULL, NULL);
	struct areq a;
	areq_subscribe(&a, 1);
	char *cause = NULL;
	if (client_send(sub, &a.req, &cause) != 0)
		fail_msg("AuditSubscribe: %s", cause);
	uint64_t req_id = a.req.id;

	/* Traffic on another connection while the stream runs. */
	struct harness_req q;
	for (int i = 0; i < 35; i++) {
		harness_req_whoami(&q);
		assert_int_equal(harness_call_code(admin, &q), ASSURE__CODE__OK);
	}
	sync_log();
	uint64_t target = nrecs;

	struct merkle_frontier f;
	merkle_frontier_init(&f);
	uint64_t next = 1, checkpoints = 0, last_ckpt = 0, batches = 0;
	int64_t deadline = harness_now_ms() + 30000;
	while (next <= target || last_ckpt < target / 10 * 10) {
		if (harness_now_ms() > deadline)
			fail_msg("stream: %llu of %llu records, last checkpoint %llu after 30 s",
				 (unsigned long long)(next - 1), (unsigned long long)target,
				 (unsigned long long)last_ckpt);
		Assure__Response *resp = NULL;
		if (client_recv(sub, &resp, &cause) != 0)
			fail_msg("stream: %s", cause);
		assert_true(resp->id == req_id);
		assert_int_equal(client_status_code(resp), ASSURE__CODE__OK);
		assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_AUDIT_BATCH);
		Assure__AuditBatch *b = resp->audit_batch;
		batches++;
		for (size_t i = 0; i < b->n_entries; i++) {
			Assure__AuditEntry *e = b->entries[i];
			if (e->seq != next)
				fail_msg("stream: record %llu where %llu was due (gap or disorder)",
					 (unsigned long long)e->seq, (unsigned long long)next);
			if (next <= nrecs) {
				assert_int_equal(e->record.len, recs[next - 1].len);
				assert_memory_equal(e->record.data, recs[next - 1].bytes,
						    e->record.len);
			}
			merkle_hash leaf;
			merkle_leaf_hash(e->record.data, e->record.len, leaf);
			merkle_frontier_append(&f, leaf, NULL, NULL);
			next++;
		}
		for (size_t i = 0; i < b->n_checkpoints; i++) {
			const Assure__Checkpoint *cp = b->checkpoints[i];
			if (cp->tree_size <= last_ckpt)
				fail_msg("stream: checkpoint %llu after %llu",
					 (unsigned long long)cp->tree_size,
					 (unsigned long long)last_ckpt);
			/* Only checkpoints of records already sent. */
			assert_true(cp->tree_size <= f.size);
			if (cp->tree_size > nrecs)
				sync_log();
			check_checkpoint_msg(cp, pub);
			last_ckpt = cp->tree_size;
			checkpoints++;
		}
		/* Our own frontier over the streamed leaves agrees too. */
		if (f.size <= nrecs) {
			merkle_hash root;
			merkle_frontier_root(&f, root);
			assert_memory_equal(root, roots[f.size], 32);
		}
		assure__response__free_unpacked(resp, NULL);
	}
	assert_true(checkpoints >= target / 10);
	print_message("stream: %llu records and %llu checkpoints in %llu batches, in order, "
		      "signatures and roots verified\n",
		      (unsigned long long)(next - 1), (unsigned long long)checkpoints,
		      (unsigned long long)batches);
	client_free(sub);
}

static Assure__Checkpoint *get_checkpoint(uint64_t size, Assure__Response **hold)
{
	struct areq a;
	areq_checkpoint(&a, size);
	*hold = acall(sync_c, &a.req, ASSURE__CODE__OK, "AuditCheckpoint");
	assert_non_null((*hold)->audit_checkpoint->checkpoint);
	return (*hold)->audit_checkpoint->checkpoint;
}

static void check_consistency(const Assure__Checkpoint *o, const Assure__Checkpoint *n)
{
	struct areq a;
	areq_proof(&a, n->tree_size, 0, o->tree_size, 1);
	Assure__Response *resp = acall(sync_c, &a.req, ASSURE__CODE__OK, "AuditProof consistency");
	Assure__AuditProofResponse *p = resp->audit_proof;
	assert_memory_equal(p->root_hash.data, n->root_hash.data, 32);
	merkle_hash *h = calloc(p->n_hashes + 1, sizeof *h);
	assert_non_null(h);
	for (size_t i = 0; i < p->n_hashes; i++) {
		assert_int_equal(p->hashes[i].len, 32);
		memcpy(h[i], p->hashes[i].data, 32);
	}
	if (!merkle_verify_consistency(o->tree_size, n->tree_size, o->root_hash.data,
				       n->root_hash.data, (const merkle_hash *)h, p->n_hashes))
		fail_msg("consistency proof %llu -> %llu does not verify",
			 (unsigned long long)o->tree_size, (unsigned long long)n->tree_size);
	/* And not for another old root. */
	if (p->n_hashes > 0) {
		h[0][0] ^= 1;
		assert_false(merkle_verify_consistency(o->tree_size, n->tree_size,
						       o->root_hash.data, n->root_hash.data,
						       (const merkle_hash *)h, p->n_hashes));
	}
	free(h);
	assure__response__free_unpacked(resp, NULL);
}

static void test_verify_and_consistency(void **state)
{
	(void)state;
	uint8_t pub[32];
	public_key(pub);
	sync_log();
	struct areq a;
	areq_verify(&a);
	Assure__Response *resp = acall(aud, &a.req, ASSURE__CODE__OK, "AuditVerify");
	Assure__AuditVerifyResponse *v = resp->audit_verify;
	if (!v->ok)
		fail_msg("AuditVerify on an untouched server: %s (first bad %llu)", v->message,
			 (unsigned long long)v->first_bad_seq);
	assert_true(v->records >= nrecs);
	assert_true(v->checkpoints >= nrecs / 10);
	assert_true(v->first_bad_seq == 0);
	assert_non_null(v->latest);
	sync_log();
	check_checkpoint_msg(v->latest, pub);
	assure__response__free_unpacked(resp, NULL);

	Assure__Response *h1, *h2, *h3, *h4;
	Assure__Checkpoint *c10 = get_checkpoint(10, &h1);
	Assure__Checkpoint *c20 = get_checkpoint(20, &h2);
	Assure__Checkpoint *c30 = get_checkpoint(30, &h3);
	Assure__Checkpoint *latest = get_checkpoint(0, &h4);
	sync_log();
	check_checkpoint_msg(c10, pub);
	check_checkpoint_msg(latest, pub);
	assert_true(latest->tree_size > 30);
	check_consistency(c10, latest);
	check_consistency(c20, c30);
	check_consistency(c10, c30);
	check_consistency(c30, latest);
	check_consistency(latest, latest);
	assure__response__free_unpacked(h1, NULL);
	assure__response__free_unpacked(h2, NULL);
	assure__response__free_unpacked(h3, NULL);
	assure__response__free_unpacked(h4, NULL);
}

/* ---- offline
 * -------------------------------------------------------------------------------------- */

static void test_offline_verify(void **state)
{
	(void)state;
	sync_log();
	/* Keep the newest checkpoint as an auditor would. */
	Assure__Response *hold;
	Assure__Checkpoint *latest = get_checkpoint(0, &hold);
	char trusted[700], forked[700], pubpath[700];
	snprintf(trusted, sizeof trusted, "%s/trusted-checkpoint", S.dir);
	snprintf(forked, sizeof forked, "%s/forked-checkpoint", S.dir);
	snprintf(pubpath, sizeof pubpath, "%s/audit-key.pub.pem", S.dir);
	FILE *f = fopen(trusted, "w");
	assert_non_null(f);
	fputs(latest->signed_note, f);
	assert_int_equal(fclose(f), 0);
	/* A checkpoint of another history at size 10 (an unsigned body). */
	uint8_t zero[32] = {0};
	char *body = checkpoint_body(latest->origin, 10, zero);
	f = fopen(forked, "w");
	assert_non_null(f);
	fputs(body, f);
	assert_int_equal(fclose(f), 0);
	free(body);
	assure__response__free_unpacked(hold, NULL);

	client_free(admin);
	client_free(aud);
	client_free(sync_c);
	admin = aud = sync_c = NULL;
	assert_int_equal(harness_server_stop(&S), 0);

	struct harness_run r;
	const char *argv1[] = {ASSURED_BIN, "audit-verify", "--db", S.db,
			       "--pubkey",  pubpath,	    NULL};
	assert_int_equal(harness_run_argv(argv1, NULL, NULL, 60000, &r), 0);
	if (r.status != 0)
		fail_msg("assured audit-verify exited %d\nstdout: %s\nstderr: %s", r.status, r.out,
			 r.err);
	assert_true(harness_contains_ci(r.out, "intact"));
	print_message("assured audit-verify: %s", r.out);
	harness_run_free(&r);

	const char *argv2[] = {ASSURED_BIN, "audit-verify",	    "--db",  S.db, "--pubkey",
			       pubpath,	    "--trusted-checkpoint", trusted, NULL};
	assert_int_equal(harness_run_argv(argv2, NULL, NULL, 60000, &r), 0);
	if (r.status != 0)
		fail_msg(
		    "assured audit-verify --trusted-checkpoint exited %d\nstdout: %s\nstderr: %s",
		    r.status, r.out, r.err);
	harness_run_free(&r);

	const char *argv3[] = {ASSURED_BIN, "audit-verify",	    "--db", S.db, "--pubkey",
			       pubpath,	    "--trusted-checkpoint", forked, NULL};
	assert_int_equal(harness_run_argv(argv3, NULL, NULL, 60000, &r), 0);
	if (r.status != 3 || !harness_contains_ci(r.out, "NOT INTACT"))
		fail_msg("audit-verify against a forked checkpoint exited %d (expected 3)\n"
			 "stdout: %s\nstderr: %s",
			 r.status, r.out, r.err);
	harness_run_free(&r);
}

int main(void)
{
	harness_guard(280);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_rpc_one_record),
	    cmocka_unit_test(test_resume_record_names_session),
	    cmocka_unit_test(test_refusals_recorded),
	    cmocka_unit_test(test_non_auditor_denied),
	    cmocka_unit_test(test_subscribe_stream),
	    cmocka_unit_test(test_verify_and_consistency),
	    cmocka_unit_test(test_offline_verify),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
