/*
 * Writes the seed corpora of the fuzz targets from real messages, built
 * with the generated protocol code and the integration harness's request
 * builders (so they are what a client sends), in each target's input
 * layout (see the head comment of each fuzz_<target>.c):
 *
 *   fuzz_seeds DIR     writes DIR/conn/ and DIR/request/
 *
 * The files are committed under tests/fuzz/corpus/; this program is how
 * they were made and how to remake them after a .proto change. Output is
 * deterministic except where a file says otherwise (concern and review
 * references carry the year they were made in).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "assure.pb-c.h"
#include "frame.h"
#include "harness.h"
#include "xmalloc.h"

/* fuzz_request's users' password. */
#define FUZZ_SEED_PASSWORD "correct horse battery staple"

/* A growing byte string. */
struct buf {
	uint8_t *p;
	size_t n, cap;
};

static void buf_put(struct buf *b, const void *p, size_t n)
{
	if (b->cap - b->n < n)
		b->p = xrealloc(b->p, b->cap = (b->n + n) * 2 + 64);
	memcpy(b->p + b->n, p, n);
	b->n += n;
}

static void buf_byte(struct buf *b, uint8_t v)
{
	buf_put(b, &v, 1);
}

/* One frame: header and the packed request with id. */
static void put_request(struct buf *b, Assure__Request *req, uint64_t id)
{
	req->id = id;
	size_t n = assure__request__get_packed_size(req);
	uint8_t *body = xmalloc(n + 1);
	assure__request__pack(req, body);
	uint8_t hdr[FRAME_HEADER_SIZE];
	frame_put_header(hdr, (uint32_t)n);
	buf_put(b, hdr, sizeof hdr);
	buf_put(b, body, n);
	free(body);
}

static void put_raw_frame(struct buf *b, uint32_t len, const void *body, size_t n)
{
	uint8_t hdr[FRAME_HEADER_SIZE];
	frame_put_header(hdr, len);
	buf_put(b, hdr, sizeof hdr);
	buf_put(b, body, n);
}

static const char *outdir;

static void write_seed(const char *target, const char *name, const struct buf *b)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", outdir, target);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "fuzz_seeds: mkdir %s: %s\n", path, strerror(errno));
		exit(1);
	}
	snprintf(path, sizeof path, "%s/%s/%s.bin", outdir, target, name);
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(b->p, 1, b->n, f) != b->n || fclose(f) != 0) {
		fprintf(stderr, "fuzz_seeds: cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

/* --- conn ---------------------------------------------------------------- */

/* fuzz_conn's knobs (byte 0). */
#define K_FRAME_64 0x00
#define K_FRAME_256 0x01
#define K_FRAME_4K 0x02
#define K_FRAME_1M 0x03
#define K_RATE_1 0x00	   /* 1/s per connection */
#define K_RATE_10 0x04	   /* the defaults' order of magnitude */
#define K_RATE_HIGH 0x08   /* out of the way */
#define K_RATE_ADDR_1 0x0c /* 1/s per address */
#define K_INFLIGHT_1 0x00
#define K_INFLIGHT_2 0x10
#define K_INFLIGHT_256 0x30
#define K_EOF 0x40
#define K_ASYNC 0x80
/* Split actions. */
#define A_READ 0x04
#define A_FINISH_ONE 0x08
#define A_FINISH_ALL 0x10

struct conn_seed {
	uint8_t knobs;
	size_t nsplits;
	uint16_t at[15];
	uint8_t action[15];
	struct buf payload;
};

static void conn_split(struct conn_seed *s, size_t at, uint8_t action)
{
	if (s->nsplits < 15) {
		s->at[s->nsplits] = (uint16_t)at;
		s->action[s->nsplits++] = action;
	}
}

static void conn_write(const char *name, struct conn_seed *s)
{
	struct buf b = {0};
	buf_byte(&b, s->knobs);
	buf_byte(&b, (uint8_t)s->nsplits);
	for (size_t i = 0; i < s->nsplits; i++) {
		buf_byte(&b, (uint8_t)(s->at[i] >> 8));
		buf_byte(&b, (uint8_t)s->at[i]);
		buf_byte(&b, s->action[i]);
	}
	buf_put(&b, s->payload.p, s->payload.n);
	write_seed("conn", name, &b);
	free(b.p);
	free(s->payload.p);
	memset(s, 0, sizeof *s);
}

static void put_hello(struct buf *b, uint64_t id)
{
	struct harness_req r;
	harness_req_hello(&r, 1);
	put_request(b, &r.req, id);
}

static void put_status(struct buf *b, uint64_t id)
{
	struct harness_req r;
	harness_req_status(&r);
	put_request(b, &r.req, id);
}

static void put_login(struct buf *b, uint64_t id)
{
	struct harness_req r;
	harness_req_login(&r, HARNESS_ADMIN, HARNESS_PASSWORD);
	put_request(b, &r.req, id);
}

static void put_whoami(struct buf *b, uint64_t id)
{
	struct harness_req r;
	harness_req_whoami(&r);
	put_request(b, &r.req, id);
}

static void put_logout(struct buf *b, uint64_t id)
{
	struct harness_req r;
	harness_req_logout(&r);
	put_request(b, &r.req, id);
}

static void put_user_list(struct buf *b, uint64_t id)
{
	struct harness_ireq r;
	harness_ireq_user_list(&r, NULL, NULL, ASSURE__USER_STATE_FILTER__USERS_ALL, 0, NULL);
	put_request(b, &r.req, id);
}

static void conn_seeds(void)
{
	struct conn_seed s = {0};
	static const uint8_t garbage[] = {0xff, 0xff, 0xff, 0xff, 0x0f, 0x13, 0x37};

	s.knobs = K_FRAME_1M | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	put_status(&s.payload, 2);
	conn_write("hello_status", &s);

	/* The same cut at many places, the peer reading in between. */
	s.knobs = K_FRAME_1M | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	put_status(&s.payload, 2);
	for (size_t at = 1; at < s.payload.n && s.nsplits < 15; at += 3)
		conn_split(&s, at, A_READ);
	conn_write("hello_status_split", &s);

	/* One byte of the header, then the rest. */
	s.knobs = K_FRAME_1M | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	conn_split(&s, 1, 0);
	conn_split(&s, 3, 0);
	conn_split(&s, 4, A_READ);
	conn_write("header_in_pieces", &s);

	/* A session: Login is a barrier answered later, then larger limits. */
	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	put_login(&s.payload, 2);
	size_t after_login = s.payload.n;
	put_whoami(&s.payload, 4);
	put_user_list(&s.payload, 5);
	put_logout(&s.payload, 6);
	put_status(&s.payload, 8);
	conn_split(&s, after_login, A_READ);
	conn_split(&s, after_login, A_FINISH_ALL | A_READ);
	conn_write("login_calls_logout", &s);

	/* Calls answered later against max-inflight 1: reading pauses. */
	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_1 | K_ASYNC;
	put_hello(&s.payload, 1);
	put_login(&s.payload, 2);
	for (uint64_t id = 3; id < 9; id++)
		put_whoami(&s.payload, id);
	conn_split(&s, s.payload.n, A_FINISH_ONE);
	conn_split(&s, s.payload.n, A_FINISH_ONE | A_READ);
	conn_split(&s, s.payload.n, A_FINISH_ONE);
	conn_write("inflight_one", &s);

	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_2 | K_ASYNC | K_EOF;
	put_hello(&s.payload, 1);
	put_login(&s.payload, 2);
	for (uint64_t id = 3; id < 12; id++)
		put_user_list(&s.payload, id);
	conn_write("inflight_two_eof", &s);

	/* Replies past the 64 KiB pre-login output limit (the stub's reply
	 * length is id / 2): reading pauses until the peer reads. */
	s.knobs = K_FRAME_1M | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	for (int i = 0; i < 4; i++)
		put_status(&s.payload, 139000 + (uint64_t)i);
	conn_split(&s, s.payload.n, 0);
	conn_split(&s, s.payload.n, A_READ);
	conn_write("large_replies", &s);

	/* A reply over a small max-frame (replaced by INTERNAL), and one whose
	 * replacement does not fit either (a long id under 64 bytes). */
	s.knobs = K_FRAME_64 | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 200);
	put_status(&s.payload, UINT64_C(1) << 62);
	conn_write("reply_over_max_frame", &s);

	s.knobs = K_FRAME_1M | K_RATE_HIGH | K_INFLIGHT_256;
	put_raw_frame(&s.payload, 0, NULL, 0);
	conn_write("empty_frame", &s);

	/* Over the 64 KiB pre-login limit, under max-frame. */
	s.knobs = K_FRAME_1M | K_RATE_HIGH | K_INFLIGHT_256;
	put_raw_frame(&s.payload, 65 * 1024, garbage, sizeof garbage);
	conn_write("over_preauth_limit", &s);

	s.knobs = K_FRAME_256 | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	put_raw_frame(&s.payload, 257, garbage, sizeof garbage);
	conn_write("over_max_frame", &s);

	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	put_raw_frame(&s.payload, sizeof garbage, garbage, sizeof garbage);
	put_status(&s.payload, 3);
	conn_write("garbage_body", &s);

	/* The peer goes away in the middle of a frame. */
	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_256 | K_EOF;
	put_hello(&s.payload, 1);
	put_status(&s.payload, 2);
	s.payload.n -= 3;
	conn_write("eof_mid_frame", &s);

	/* And in the middle of a Login (a barrier in flight). */
	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_256 | K_EOF;
	put_hello(&s.payload, 1);
	put_login(&s.payload, 2);
	put_whoami(&s.payload, 3);
	conn_write("eof_during_login", &s);

	/* Pre-login rate limits: per connection, then per address. */
	s.knobs = K_FRAME_4K | K_RATE_1 | K_INFLIGHT_256;
	for (uint64_t id = 1; id < 6; id++)
		put_status(&s.payload, id);
	conn_write("preauth_rate", &s);

	s.knobs = K_FRAME_4K | K_RATE_ADDR_1 | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	for (uint64_t id = 2; id < 6; id++)
		put_status(&s.payload, id);
	conn_write("preauth_rate_address", &s);

	/* Many small frames in one write. */
	s.knobs = K_FRAME_256 | K_RATE_HIGH | K_INFLIGHT_256;
	put_hello(&s.payload, 1);
	for (uint64_t id = 2; id < 40; id++)
		put_status(&s.payload, id);
	conn_write("pipeline", &s);

	/* Shut down with calls in flight. */
	s.knobs = K_FRAME_4K | K_RATE_HIGH | K_INFLIGHT_256 | K_ASYNC;
	put_hello(&s.payload, 1);
	put_login(&s.payload, 2);
	conn_split(&s, s.payload.n, A_FINISH_ALL);
	put_whoami(&s.payload, 3);
	put_user_list(&s.payload, 5);
	conn_write("shutdown_in_flight", &s);
}

/* --- request ------------------------------------------------------------- */

/* fuzz_request's actors: request id % 8 (fuzz_request.c, actor_defs). */
enum actor { ADMIN, CM, PAG, INV, PANEL, CMGR, REV, AUD };

struct rseq {
	struct buf b;
	uint64_t n;
};

static void rq(struct rseq *q, struct harness_ireq *r, enum actor who)
{
	put_request(&q->b, &r->req, 8 * ++q->n + (uint64_t)who);
}

static void rq_write(const char *name, struct rseq *q)
{
	write_seed("request", name, &q->b);
	free(q->b.p);
	memset(q, 0, sizeof *q);
}

/* Every operation with an empty message, eight to a file, by the admin
 * and by the actor whose permission it needs: each handler's checks of
 * missing fields, and the dispatcher's refusals. */
static void request_empty_ops(void)
{
	const ProtobufCMessageDescriptor *d = &assure__request__descriptor;
	struct rseq q = {0};
	char name[64] = "";
	unsigned in_file = 0;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			continue;
		const ProtobufCMessageDescriptor *md = f->descriptor;
		ProtobufCMessage *m = xcalloc(1, md->sizeof_message);
		protobuf_c_message_init(md, m);
		Assure__Request req = ASSURE__REQUEST__INIT;
		req.op_case = (Assure__Request__OpCase)f->id;
		*(ProtobufCMessage **)((char *)&req + f->offset) = m;
		if (in_file == 0)
			snprintf(name, sizeof name, "empty_%s", f->name);
		/* A rotating actor, so each file is seen by several roles. */
		put_request(&q.b, &req, 8 * ++q.n + (i % 8));
		free(m);
		if (++in_file == 8) {
			rq_write(name, &q);
			in_file = 0;
		}
	}
	if (in_file > 0)
		rq_write(name, &q);
}

static void request_flows(void)
{
	struct harness_ireq r;
	struct rseq q = {0};
	char year[16], cref[32], rref[32], today[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	snprintf(year, sizeof year, "%04d", tm.tm_year + 1900);
	snprintf(cref, sizeof cref, "CON-%s-0001", year);
	/* A review's reference carries its review year (2025/26). */
	snprintf(rref, sizeof rref, "REV-2025-0001");
	strftime(today, sizeof today, "%Y-%m-%d", &tm);
	static const char *const cm_roles[] = {"case-manager", NULL};
	static const char *const viewer_roles[] = {"viewer", NULL};
	static const char *const perms[] = {"audit.read", "user.read", NULL};
	static const char *const panel[] = {"p1", "p2", "p3", NULL};

	/* Identity: sites and users. */
	harness_ireq_site_add(&r, "HQ", "Headquarters");
	rq(&q, &r, ADMIN);
	harness_ireq_user_add(&r, "dana", "Dana Smith", "HQ", cm_roles,
			      "a long enough passphrase 42");
	rq(&q, &r, ADMIN);
	harness_ireq_user_list(&r, "HQ", NULL, ASSURE__USER_STATE_FILTER__USERS_ALL, 2, NULL);
	rq(&q, &r, ADMIN);
	harness_ireq_user_show(&r, "dana");
	rq(&q, &r, ADMIN);
	harness_ireq_user_set(&r, "dana", "Dana Jones", NULL, viewer_roles, cm_roles, 1);
	rq(&q, &r, ADMIN);
	harness_ireq_user_disable(&r, "dana", "left the PCT");
	rq(&q, &r, ADMIN);
	harness_ireq_user_enable(&r, "dana");
	rq(&q, &r, ADMIN);
	harness_ireq_user_reset_password(&r, "dana");
	rq(&q, &r, ADMIN);
	rq_write("users", &q);

	/* Rules the writer checks: the last admin, one's own roles. */
	harness_ireq_user_disable(&r, "admin", "oops");
	rq(&q, &r, ADMIN);
	harness_ireq_user_set(&r, "admin", NULL, NULL, cm_roles, NULL, 1);
	rq(&q, &r, ADMIN);
	harness_ireq_user_add(&r, "short", "Short Password", "", cm_roles, "password1234");
	rq(&q, &r, ADMIN);
	harness_ireq_user_add(&r, "BAD NAME", "", "NOSITE", cm_roles, NULL);
	rq(&q, &r, ADMIN);
	rq_write("users_refused", &q);

	harness_ireq_role_add(&r, "auditor-plus", "reads the trail and users", perms);
	rq(&q, &r, ADMIN);
	harness_ireq_role_list(&r);
	rq(&q, &r, ADMIN);
	harness_ireq_role_show(&r, "auditor-plus");
	rq(&q, &r, ADMIN);
	harness_ireq_role_set(&r, "auditor-plus", "changed", NULL, perms + 1);
	rq(&q, &r, ADMIN);
	harness_ireq_role_remove(&r, "auditor-plus");
	rq(&q, &r, ADMIN);
	harness_ireq_permission_list(&r);
	rq(&q, &r, ADMIN);
	harness_ireq_role_remove(&r, "admin");
	rq(&q, &r, ADMIN);
	rq_write("roles", &q);

	harness_ireq_whoami(&r);
	rq(&q, &r, CM);
	harness_ireq_session_list(&r, NULL);
	rq(&q, &r, ADMIN);
	harness_ireq_session_list(&r, "cm");
	rq(&q, &r, ADMIN);
	harness_ireq_session_revoke(&r, 2, NULL);
	rq(&q, &r, ADMIN);
	harness_ireq_whoami(&r);
	rq(&q, &r, CM);
	harness_ireq_site_list(&r);
	rq(&q, &r, ADMIN);
	rq_write("sessions", &q);

	harness_ireq_password_change(&r, FUZZ_SEED_PASSWORD, "a new and long passphrase");
	rq(&q, &r, REV);
	harness_ireq_password_change(&r, "wrong", "password");
	rq(&q, &r, AUD);
	harness_ireq_logout(&r);
	rq(&q, &r, INV);
	harness_ireq_whoami(&r);
	rq(&q, &r, INV);
	harness_ireq_login(&r, "cm", FUZZ_SEED_PASSWORD, "case-manager");
	rq(&q, &r, CM);
	harness_ireq_login(&r, "nobody", "no such password", NULL);
	rq(&q, &r, CM);
	rq_write("session_calls", &q);

	/* The audit trail, after something worth recording. */
	harness_ireq_site_add(&r, "HQ", "Headquarters");
	rq(&q, &r, ADMIN);
	harness_ireq_audit_query_object(&r, "site", "HQ", NULL, NULL);
	rq(&q, &r, AUD);
	{
		Assure__AuditCheckpointRequest cp = ASSURE__AUDIT_CHECKPOINT_REQUEST__INIT;
		Assure__AuditProofRequest pr = ASSURE__AUDIT_PROOF_REQUEST__INIT;
		Assure__AuditVerifyRequest ve = ASSURE__AUDIT_VERIFY_REQUEST__INIT;
		Assure__Request x = ASSURE__REQUEST__INIT;
		x.op_case = ASSURE__REQUEST__OP_AUDIT_CHECKPOINT;
		x.audit_checkpoint = &cp;
		put_request(&q.b, &x, 8 * ++q.n + AUD);
		x = (Assure__Request)ASSURE__REQUEST__INIT;
		pr.tree_size = 2;
		pr.leaf_index = 1;
		x.op_case = ASSURE__REQUEST__OP_AUDIT_PROOF;
		x.audit_proof = &pr;
		put_request(&q.b, &x, 8 * ++q.n + AUD);
		x = (Assure__Request)ASSURE__REQUEST__INIT;
		x.op_case = ASSURE__REQUEST__OP_AUDIT_VERIFY;
		x.audit_verify = &ve;
		put_request(&q.b, &x, 8 * ++q.n + AUD);
	}
	rq_write("audit", &q);

	{
		Assure__AuditSubscribeRequest sub = ASSURE__AUDIT_SUBSCRIBE_REQUEST__INIT;
		Assure__Request x = ASSURE__REQUEST__INIT;
		x.op_case = ASSURE__REQUEST__OP_AUDIT_SUBSCRIBE;
		x.audit_subscribe = &sub;
		put_request(&q.b, &x, 8 * ++q.n + AUD);
		harness_ireq_whoami(&r);
		rq(&q, &r, AUD);
		rq_write("audit_subscribe", &q);
	}

	{
		Assure__ConfigShowRequest show = ASSURE__CONFIG_SHOW_REQUEST__INIT;
		Assure__ConfigSetRequest set = ASSURE__CONFIG_SET_REQUEST__INIT;
		Assure__HolidayListRequest list = ASSURE__HOLIDAY_LIST_REQUEST__INIT;
		Assure__HolidayAddRequest add = ASSURE__HOLIDAY_ADD_REQUEST__INIT;
		Assure__HolidayRemoveRequest rm = ASSURE__HOLIDAY_REMOVE_REQUEST__INIT;
		Assure__Request x = ASSURE__REQUEST__INIT;
		x.op_case = ASSURE__REQUEST__OP_CONFIG_SHOW;
		x.config_show = &show;
		put_request(&q.b, &x, 8 * ++q.n + ADMIN);
		set.key = (char *)"concern.triage";
		set.value = (char *)"10wd";
		set.reason = (char *)"policy review";
		set.version = 1;
		x = (Assure__Request)ASSURE__REQUEST__INIT;
		x.op_case = ASSURE__REQUEST__OP_CONFIG_SET;
		x.config_set = &set;
		put_request(&q.b, &x, 8 * ++q.n + ADMIN);
		set.key = (char *)"concern.panel-quorum";
		set.value = (char *)"2";
		put_request(&q.b, &x, 8 * ++q.n + ADMIN);
		list.first_year = tm.tm_year + 1900;
		list.last_year = tm.tm_year + 1901;
		x = (Assure__Request)ASSURE__REQUEST__INIT;
		x.op_case = ASSURE__REQUEST__OP_HOLIDAY_LIST;
		x.holiday_list = &list;
		put_request(&q.b, &x, 8 * ++q.n + CM);
		char date[32];
		snprintf(date, sizeof date, "%04d-06-15", tm.tm_year + 1900);
		add.date = date;
		add.name = (char *)"Test proclamation day";
		add.reason = (char *)"royal proclamation";
		x = (Assure__Request)ASSURE__REQUEST__INIT;
		x.op_case = ASSURE__REQUEST__OP_HOLIDAY_ADD;
		x.holiday_add = &add;
		put_request(&q.b, &x, 8 * ++q.n + ADMIN);
		rm.date = date;
		rm.reason = (char *)"withdrawn";
		x = (Assure__Request)ASSURE__REQUEST__INIT;
		x.op_case = ASSURE__REQUEST__OP_HOLIDAY_REMOVE;
		x.holiday_remove = &rm;
		put_request(&q.b, &x, 8 * ++q.n + ADMIN);
		rq_write("config", &q);
	}

	/* Performers and their admission by a panel. */
	harness_ireq_performer_add(&r, "gp", "7300001", "Dr Alice Example", NULL);
	rq(&q, &r, CM);
	harness_ireq_performer_add(&r, "dentist", "123456", "Dr Bob Example", NULL);
	rq(&q, &r, CM);
	harness_ireq_performer_list(&r, "gp", NULL, 0, NULL, 1, NULL);
	rq(&q, &r, CM);
	harness_ireq_performer_show(&r, "7300001");
	rq(&q, &r, CM);
	harness_ireq_performer_admit(&r, 1, "included", "meets the requirements", NULL, panel, NULL,
				     0);
	rq(&q, &r, CM);
	harness_ireq_performer_admit(&r, 2, "included-with-conditions", "with conditions",
				     "supervised practice", panel, NULL, 0);
	rq(&q, &r, CM);
	harness_ireq_performer_show(&r, "1");
	rq(&q, &r, CM);
	rq_write("performers", &q);

	/* A concern from intake through triage. */
	harness_ireq_performer_add(&r, "gp", "7300001", "Dr Alice Example", NULL);
	rq(&q, &r, CM);
	harness_ireq_concern_open(&r, 1, "patient-complaint", "clinical-competence",
				  "missed diagnosis reported by a patient", today,
				  "a patient (withheld)", NULL);
	rq(&q, &r, CM);
	harness_ireq_concern_grade(&r, cref, 3, 4, "risk assessed at triage", 1);
	rq(&q, &r, CM);
	harness_ireq_concern_assign(&r, cref, "cm", "inv", 2);
	rq(&q, &r, CM);
	(void)harness_ireq_concern_move(&r, cref, "triaged", "graded and triaged", NULL, 3);
	rq(&q, &r, CM);
	harness_ireq_concern_note(&r, cref, "spoke to the practice manager");
	rq(&q, &r, CM);
	harness_ireq_concern_evidence(&r, cref, "complaint letter", "records room, box 7", NULL);
	rq(&q, &r, CM);
	harness_ireq_concern_show(&r, cref);
	rq(&q, &r, INV);
	rq_write("concern_intake", &q);

	harness_ireq_performer_add(&r, "gp", "7300001", "Dr Alice Example", NULL);
	rq(&q, &r, CM);
	harness_ireq_concern_open(&r, 1, "colleague", "conduct", "rude to a patient", today, "",
				  NULL);
	rq(&q, &r, CM);
	harness_ireq_concern_action_add(&r, cref, "write to the performer", "cm", today);
	rq(&q, &r, CM);
	harness_ireq_concern_action_done(&r, cref, 1, today);
	rq(&q, &r, CM);
	harness_ireq_concern_refer(&r, cref, "gmc", "fitness to practise", "GMC-1", today);
	rq(&q, &r, CM);
	harness_ireq_concern_list(&r, NULL, 0, NULL, 0, 0, 2, NULL);
	rq(&q, &r, CM);
	harness_ireq_concern_due(&r, "14d", 0);
	rq(&q, &r, CM);
	(void)harness_ireq_concern_move(&r, cref, "closed", "no further action: unfounded", NULL,
					1);
	rq(&q, &r, PAG);
	rq_write("concern_actions", &q);

	/* The panel's side: decide, suspend, reinstate. */
	harness_ireq_performer_add(&r, "gp", "7300001", "Dr Alice Example", NULL);
	rq(&q, &r, CM);
	harness_ireq_concern_open(&r, 1, "patient-complaint", "conduct", "repeated failures", today,
				  NULL, NULL);
	rq(&q, &r, CM);
	harness_ireq_concern_grade(&r, cref, 5, 4, "serious", 1);
	rq(&q, &r, CM);
	(void)harness_ireq_concern_move(&r, cref, "triaged", "graded and triaged", NULL, 2);
	rq(&q, &r, CM);
	(void)harness_ireq_concern_move(&r, cref, "panel-referred", "serious enough for the panel",
					NULL, 3);
	rq(&q, &r, PAG);
	(void)harness_ireq_concern_suspend(&r, cref, "pct-decision", "public protection", panel,
					   today, today, NULL, 4);
	rq(&q, &r, PANEL);
	harness_ireq_concern_reinstate(&r, cref, "interim order no longer needed", panel, NULL, 5);
	rq(&q, &r, PANEL);
	(void)harness_ireq_concern_decide(&r, cref, "conditions", "reasons", panel, NULL, 6);
	rq(&q, &r, PANEL);
	harness_ireq_concern_show(&r, cref);
	rq(&q, &r, PANEL);
	rq_write("concern_panel", &q);

	/* Contracts and notices. */
	harness_ireq_site_add(&r, "HQ", "Headquarters");
	rq(&q, &r, ADMIN);
	harness_ireq_contract_add(&r, "E84001", "Park Surgery", "gms", 6000, "HQ", "2004-04-01",
				  NULL);
	rq(&q, &r, CMGR);
	harness_ireq_contract_add(&r, "E84002", "Mill Lane Practice", "apms", 3000, "HQ",
				  "2020-04-01", "2025-03-31");
	rq(&q, &r, CMGR);
	harness_ireq_contract_list(&r, NULL, "HQ", NULL, 1, NULL);
	rq(&q, &r, CMGR);
	harness_ireq_contract_show(&r, "E84001");
	rq(&q, &r, REV);
	harness_ireq_contract_set(&r, "E84001", "list size updated", 1)->list_size = 6100;
	rq(&q, &r, CMGR);
	(void)harness_ireq_contract_notice_add(&r, "E84001", "remedial", "put it right",
					       "steps to take", 0);
	rq(&q, &r, CMGR);
	harness_ireq_contract_notice_outcome(&r, "E84001", 1, "remedied", today, "done", 0);
	rq(&q, &r, CMGR);
	rq_write("contracts", &q);

	/* An indicator set, published, and the requirements catalogue. */
	harness_ireq_indicators_create(&r, "BSC test", "2025/26", NULL);
	rq(&q, &r, CMGR);
	Assure__Indicator *ind =
	    harness_ireq_indicators_add(&r, "BSC test", "QOF01", "higher", "900", "800", 0, 1);
	(void)ind;
	rq(&q, &r, CMGR);
	ind = harness_ireq_indicators_add(&r, "BSC test", "ACC01", "higher", "90", "80", 0, 2);
	ind->critical = 1;
	rq(&q, &r, CMGR);
	harness_ireq_indicators_rule(&r, "BSC test", "1.5", "0.75", 3);
	rq(&q, &r, CMGR);
	harness_ireq_indicators_remove(&r, "BSC test", "ACC01", 4);
	rq(&q, &r, CMGR);
	harness_ireq_indicators_publish(&r, "BSC test", NULL, 5);
	rq(&q, &r, CMGR);
	harness_ireq_indicators_show(&r, "BSC test");
	rq(&q, &r, REV);
	harness_ireq_indicators_list(&r, "2025/26");
	rq(&q, &r, REV);
	rq_write("indicators", &q);

	harness_ireq_requirements_add(&r, "NEW_REQ", "A new requirement", "what it asks");
	rq(&q, &r, CMGR);
	harness_ireq_requirements_list(&r, 1);
	rq(&q, &r, REV);
	harness_ireq_requirements_retire(&r, "NEW_REQ", "superseded");
	rq(&q, &r, CMGR);
	harness_ireq_requirements_retire(&r, "COMPLAINTS", "superseded");
	rq(&q, &r, CMGR);
	rq_write("requirements", &q);

	/* A review from scheduling to its first findings. */
	harness_ireq_site_add(&r, "HQ", "Headquarters");
	rq(&q, &r, ADMIN);
	harness_ireq_contract_add(&r, "E84001", "Park Surgery", "gms", 6000, "HQ", "2004-04-01",
				  NULL);
	rq(&q, &r, CMGR);
	(void)harness_ireq_review_schedule(&r, "E84001", "2025/26", "annual", "full", today);
	rq(&q, &r, CMGR);
	(void)harness_ireq_review_visit(&r, rref, today, 1);
	rq(&q, &r, CMGR);
	(void)harness_ireq_review_qof(&r, rref, "400", "150", "80", "20", "5.5", 2);
	rq(&q, &r, CMGR);
	(void)harness_ireq_review_check(&r, rref, "COMPLAINTS", "met", "policy seen", 3);
	rq(&q, &r, CMGR);
	(void)harness_ireq_review_sfbh(&r, rref, "safety", "compliant", "audit seen", 4);
	rq(&q, &r, CMGR);
	harness_ireq_review_show(&r, rref);
	rq(&q, &r, REV);
	rq_write("review_visit", &q);

	harness_ireq_site_add(&r, "HQ", "Headquarters");
	rq(&q, &r, ADMIN);
	harness_ireq_contract_add(&r, "E84001", "Park Surgery", "gms", 6000, "HQ", "2004-04-01",
				  NULL);
	rq(&q, &r, CMGR);
	(void)harness_ireq_review_schedule(&r, "E84001", "2025/26", NULL, NULL, NULL);
	rq(&q, &r, CMGR);
	(void)harness_ireq_review_score(&r, rref, "QOF01", "912", NULL, 1);
	rq(&q, &r, CMGR);
	(void)harness_ireq_review_narrative(&r, rref, "new diabetes clinic", "more staff",
					    "premises", 1);
	rq(&q, &r, CMGR);
	(void)harness_ireq_review_action_add(&r, rref, "put it right", "practice manager", today,
					     "COMPLAINTS", 2);
	rq(&q, &r, CMGR);
	(void)harness_ireq_review_override(&r, rref, "amber", "the panel's view", 3);
	rq(&q, &r, CMGR);
	harness_ireq_review_finalise(&r, rref, 4);
	rq(&q, &r, CMGR);
	rq_write("review_findings", &q);

	harness_ireq_indicators_create(&r, "BSC test", "2025/26", NULL);
	rq(&q, &r, CMGR);
	(void)harness_ireq_indicators_add(&r, "BSC test", "QOF01", "higher", "900", "800", 0, 1);
	rq(&q, &r, CMGR);
	harness_ireq_indicators_publish(&r, "BSC test", NULL, 2);
	rq(&q, &r, CMGR);
	(void)harness_ireq_review_list(&r, "2025/26", NULL, NULL, NULL, NULL, 0, 1, NULL);
	rq(&q, &r, REV);
	harness_ireq_review_due(&r, "30d", 1, NULL);
	rq(&q, &r, REV);
	harness_ireq_scorecard(&r, "2025/26", NULL, NULL, 1, NULL);
	rq(&q, &r, REV);
	harness_ireq_scorecard(&r, "1999/00", "HQ", "gms", 0, NULL);
	rq(&q, &r, CMGR);
	rq_write("review_reads", &q);

	/* The dispatcher's own answers: no operation; an operation newer
	 * than this server (field 300); a known one by the wrong actor. */
	static const uint8_t no_op[] = {0x08, 0x01};
	static const uint8_t newer_op[] = {0x08, 0x02, 0xe2, 0x12, 0x00};
	put_raw_frame(&q.b, sizeof no_op, no_op, sizeof no_op);
	put_raw_frame(&q.b, sizeof newer_op, newer_op, sizeof newer_op);
	harness_ireq_user_list(&r, NULL, NULL, ASSURE__USER_STATE_FILTER__USERS_ALL, 0, NULL);
	q.n = 2;
	rq(&q, &r, CM);
	rq_write("dispatch_refusals", &q);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_seeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	conn_seeds();
	request_empty_ops();
	request_flows();
	return 0;
}
