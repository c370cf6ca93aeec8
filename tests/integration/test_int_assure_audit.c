/*
 * assure-audit, the audit-logging module, against a live assured: the
 * acceptance criteria of the extraction module (docs/AUDIT.md).
 *
 * 1. SIGKILL resilience. assure-audit --follow writes JSON Lines while four
 *    client connections pipeline Status requests (one audit record each,
 *    up to 200 in flight per connection, in bursts every 2 s over 40 s)
 *    until at least 100,000 records exist.
 *    It is killed with SIGKILL at several pseudo-random points (seed
 *    printed; ASSURE_TEST_SEED=N repeats a run) and restarted each time;
 *    once the traffic stops the last instance catches up to the end of the
 *    log and is stopped with SIGTERM (exit 0). Then every line of every
 *    DIR/audit-*.jsonl must be valid JSON (RFC 8259, checked here in C,
 *    UTF-8 included), and after de-duplication by seq every record 1..N
 *    must be there exactly once, N being the cursor in the state file and
 *    the end of the log (any record after N must be the checker's own
 *    queries). The number of duplicate lines (at-least-once delivery) is
 *    reported.
 *
 * 2. A real rsyslogd over TLS (RFC 5425): imtcp with the ossl stream
 *    driver on a free loopback port, writing each raw message as one line.
 *    A one-shot assure-audit --syslog exports about 1,500 records, among them
 *    a UserAdd whose claimed username holds a newline, a quote and a ']'.
 *    Every record 1..N must arrive exactly once, each line a complete RFC
 *    5424 message: PRI facility 13 with the severity its outcome maps to,
 *    version 1, an RFC 3339 UTC timestamp, APP-NAME assure, the
 *    [assure@32473 seq="" uuid=""] element, and the record's JSON as MSG.
 *    Skipped (with a message) when rsyslogd or its ossl driver is missing.
 *
 * The first test uses 100,000 records in every build (ASan included: the
 * traffic is paced over 40 s, which an ASan server keeps up with). Knobs for a run by
 * hand: ASSURE_TEST_SEED (the kill points), ASSURE_TEST_RECORDS (more
 * records, never fewer), ASSURE_TEST_FILTER (one test, cmocka's pattern),
 * KEEP_TEST_DIRS (keep the JSON Lines, state, rsyslog files and logs).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#ifndef ASSURE_AUDIT_BIN
#error "ASSURE_AUDIT_BIN must be defined by the build"
#endif

#define KILL_RECORDS 100000L /* in every build, ASan too (about 50 s there) */
#define TRAFFIC_CONNS 4
#define PIPELINE 200
/* The traffic is paced over this long, so that the kills land while
 * records are produced and the follower keeps up between them. */
#define TRAFFIC_MS 40000
#define BURST_MS 2000
#define KILLS 6
#define SYSLOG_STATUS_CALLS 1500 /* records for the rsyslog export */
#define TEST1_BUDGET_MS 150000	 /* traffic + kills + catch-up, all bounded */
#define AUD_USER "sentinel"
#define AUD_PW "tamper evident passphrase 7"
#define CHK_USER "verifier1"
#define CHK_PW "second opinion passphrase 3"

/* The traffic is logged-in Status calls (each one audit record) far faster
 * than the per-session rate limit a member of staff gets. */
static const char *const server_args[] = {"--checkpoint-every", "100", "--session-rate", "1000000",
					  NULL};

/* ---- small helpers ------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1DULL;
}

static void write_file_mode(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		fail_msg("cannot create %s: %s", path, strerror(errno));
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	assert_int_equal(fchmod(fd, mode), 0);
	close(fd);
}

/* The whole file (NUL-terminated), or NULL if it cannot be read. */
static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	for (;;) {
		if (n + 1 >= cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		size_t r = fread(buf + n, 1, cap - 1 - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	buf[n] = '\0';
	if (len != NULL)
		*len = n;
	return buf;
}

static void dump_file(const char *title, const char *path)
{
	char *text = read_file(path, NULL);
	fprintf(stderr, "----- %s (%s) -----\n%s----- end of %s -----\n", title, path,
		text != NULL ? text : "(unreadable)\n", title);
	free(text);
}

/* The cursor in DIR/state ("seq N" line), 0 when there is no state yet. */
static uint64_t state_seq(const char *state_dir)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/state", state_dir);
	char *text = read_file(path, NULL);
	if (text == NULL)
		return 0;
	uint64_t seq = 0;
	for (char *line = text; line != NULL && *line != '\0';) {
		if (strncmp(line, "seq ", 4) == 0) {
			seq = strtoull(line + 4, NULL, 10);
			break;
		}
		char *nl = strchr(line, '\n');
		line = nl != NULL ? nl + 1 : NULL;
	}
	free(text);
	return seq;
}

/* ---- a strict JSON (RFC 8259) validator ----------------------------------------
 * Also picks out the integer values of the top-level members "seq" and
 * "outcome", and whether a top-level string member holds a given raw
 * (escaped) text. */

struct jv {
	const unsigned char *p, *end;
	int depth;
	int64_t seq, outcome;
	int has_seq, has_outcome;
};

static void jv_ws(struct jv *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static int jv_value(struct jv *j);

/* One UTF-8 sequence starting at a byte >= 0x80: no overlongs, no
 * surrogates, nothing past U+10FFFF. */
static int jv_utf8(struct jv *j)
{
	const unsigned char *p = j->p;
	size_t left = (size_t)(j->end - p);
	unsigned c = p[0];
	size_t n;
	uint32_t cp;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return -1;
	}
	if (left < n)
		return -1;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	j->p += n;
	return 0;
}

static int is_hex(unsigned c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* A string at '"'; its raw (still escaped) bytes into key if not NULL. */
static int jv_string(struct jv *j, char *key, size_t keysz)
{
	size_t kn = 0;
	j->p++;
	while (j->p < j->end) {
		unsigned c = *j->p;
		if (c == '"') {
			j->p++;
			if (key != NULL)
				key[kn] = '\0';
			return 0;
		}
		if (c < 0x20)
			return -1;
		if (c == '\\') {
			if (j->end - j->p < 2)
				return -1;
			unsigned e = j->p[1];
			if (e == 'u') {
				if (j->end - j->p < 6 || !is_hex(j->p[2]) || !is_hex(j->p[3]) ||
				    !is_hex(j->p[4]) || !is_hex(j->p[5]))
					return -1;
				j->p += 6;
			} else if (e != '"' && e != '\\' && e != '/' && e != 'b' && e != 'f' &&
				   e != 'n' && e != 'r' && e != 't') {
				return -1;
			} else {
				j->p += 2;
			}
			if (key != NULL && kn + 1 < keysz)
				key[kn++] = '\\';
			continue;
		}
		if (c >= 0x80) {
			if (jv_utf8(j) < 0)
				return -1;
			continue;
		}
		if (key != NULL && kn + 1 < keysz)
			key[kn++] = (char)c;
		j->p++;
	}
	return -1;
}

static int jv_digits(struct jv *j)
{
	const unsigned char *s = j->p;
	while (j->p < j->end && *j->p >= '0' && *j->p <= '9')
		j->p++;
	return j->p > s ? 0 : -1;
}

/* A number; *iv and *is_int set for a plain integer. */
static int jv_number(struct jv *j, int64_t *iv, int *is_int)
{
	const unsigned char *s = j->p;
	*is_int = 1;
	if (j->p < j->end && *j->p == '-')
		j->p++;
	if (j->p >= j->end)
		return -1;
	if (*j->p == '0')
		j->p++;
	else if (jv_digits(j) < 0)
		return -1;
	if (j->p < j->end && *j->p == '.') {
		*is_int = 0;
		j->p++;
		if (jv_digits(j) < 0)
			return -1;
	}
	if (j->p < j->end && (*j->p == 'e' || *j->p == 'E')) {
		*is_int = 0;
		j->p++;
		if (j->p < j->end && (*j->p == '+' || *j->p == '-'))
			j->p++;
		if (jv_digits(j) < 0)
			return -1;
	}
	if (*is_int) {
		char tmp[32];
		size_t n = (size_t)(j->p - s);
		if (n >= sizeof tmp) {
			*is_int = 0;
			return 0;
		}
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		*iv = strtoll(tmp, NULL, 10);
	}
	return 0;
}

static int jv_literal(struct jv *j, const char *lit)
{
	size_t n = strlen(lit);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, lit, n) != 0)
		return -1;
	j->p += n;
	return 0;
}

static int jv_object(struct jv *j)
{
	j->p++;
	jv_ws(j);
	if (j->p < j->end && *j->p == '}') {
		j->p++;
		return 0;
	}
	for (;;) {
		char key[64];
		jv_ws(j);
		if (j->p >= j->end || *j->p != '"' || jv_string(j, key, sizeof key) < 0)
			return -1;
		jv_ws(j);
		if (j->p >= j->end || *j->p != ':')
			return -1;
		j->p++;
		jv_ws(j);
		if (j->depth == 1 && j->p < j->end &&
		    (*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) &&
		    (strcmp(key, "seq") == 0 || strcmp(key, "outcome") == 0)) {
			int64_t v = 0;
			int is_int = 0;
			if (jv_number(j, &v, &is_int) < 0)
				return -1;
			if (is_int && strcmp(key, "seq") == 0) {
				j->seq = v;
				j->has_seq = 1;
			} else if (is_int) {
				j->outcome = v;
				j->has_outcome = 1;
			}
		} else if (jv_value(j) < 0) {
			return -1;
		}
		jv_ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == '}') {
			j->p++;
			return 0;
		}
		if (*j->p != ',')
			return -1;
		j->p++;
	}
}

static int jv_array(struct jv *j)
{
	j->p++;
	jv_ws(j);
	if (j->p < j->end && *j->p == ']') {
		j->p++;
		return 0;
	}
	for (;;) {
		jv_ws(j);
		if (jv_value(j) < 0)
			return -1;
		jv_ws(j);
		if (j->p >= j->end)
			return -1;
		if (*j->p == ']') {
			j->p++;
			return 0;
		}
		if (*j->p != ',')
			return -1;
		j->p++;
	}
}

static int jv_value(struct jv *j)
{
	jv_ws(j);
	if (j->p >= j->end || j->depth > 64)
		return -1;
	int rc;
	switch (*j->p) {
	case '{':
		j->depth++;
		rc = jv_object(j);
		j->depth--;
		return rc;
	case '[':
		j->depth++;
		rc = jv_array(j);
		j->depth--;
		return rc;
	case '"':
		return jv_string(j, NULL, 0);
	case 't':
		return jv_literal(j, "true");
	case 'f':
		return jv_literal(j, "false");
	case 'n':
		return jv_literal(j, "null");
	default: {
		int64_t v;
		int is_int;
		return jv_number(j, &v, &is_int);
	}
	}
}

/* 0 if buf[0..len) is exactly one JSON object (surrounding blanks allowed). */
static int json_check(const char *buf, size_t len, struct jv *j)
{
	memset(j, 0, sizeof *j);
	j->p = (const unsigned char *)buf;
	j->end = j->p + len;
	jv_ws(j);
	if (j->p >= j->end || *j->p != '{')
		return -1;
	if (jv_value(j) < 0)
		return -1;
	jv_ws(j);
	return j->p == j->end ? 0 : -1;
}

/* ---- the server, users, records ------------------------------------------------ */

static Assure__Response *call_ok(struct client *c, Assure__Request *req, const char *what)
{
	Assure__Response *resp = NULL;
	char *cause = NULL;
	req->id = 0;
	if (client_call(c, req, &resp, &cause) != 0)
		fail_msg("%s: transport error: %s", what, cause ? cause : "?");
	if (client_status_code(resp) != ASSURE__CODE__OK) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", client_status_message(resp));
		int code = client_status_code(resp);
		assure__response__free_unpacked(resp, NULL);
		fail_msg("%s: %s: \"%s\"", what, harness_code_name(code), msg);
	}
	return resp;
}

/* The last record committed now, as an auditor sees it: the latest
 * checkpoint's size, then AuditQuery for anything after it. */
static uint64_t log_end(struct client *auditor)
{
	uint64_t end = 0;
	Assure__AuditCheckpointRequest creq = ASSURE__AUDIT_CHECKPOINT_REQUEST__INIT;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_AUDIT_CHECKPOINT;
	req.audit_checkpoint = &creq;
	Assure__Response *resp = NULL;
	char *cause = NULL;
	if (client_call(auditor, &req, &resp, &cause) != 0)
		fail_msg("AuditCheckpoint: transport error: %s", cause ? cause : "?");
	if (client_status_code(resp) == ASSURE__CODE__OK && resp->audit_checkpoint != NULL &&
	    resp->audit_checkpoint->checkpoint != NULL)
		end = resp->audit_checkpoint->checkpoint->tree_size;
	else if (client_status_code(resp) != ASSURE__CODE__NOT_FOUND)
		fail_msg("AuditCheckpoint: %s", harness_code_name(client_status_code(resp)));
	assure__response__free_unpacked(resp, NULL);

	uint64_t base = end; /* the same from_seq on every page; the token pages on */
	char token[512] = "";
	for (int pages = 0; pages < 1000; pages++) {
		Assure__AuditQueryRequest q = ASSURE__AUDIT_QUERY_REQUEST__INIT;
		q.outcome = -1;
		q.from_seq = base + 1;
		q.page_size = 5000;
		q.page_token = token;
		Assure__Request qreq = ASSURE__REQUEST__INIT;
		qreq.op_case = ASSURE__REQUEST__OP_AUDIT_QUERY;
		qreq.audit_query = &q;
		resp = call_ok(auditor, &qreq, "AuditQuery (end of the log)");
		assert_non_null(resp->audit_query);
		const Assure__AuditQueryResponse *qr = resp->audit_query;
		uint64_t last = qr->n_entries > 0 ? qr->entries[qr->n_entries - 1]->seq : 0;
		snprintf(token, sizeof token, "%s",
			 qr->next_page_token != NULL ? qr->next_page_token : "");
		assure__response__free_unpacked(resp, NULL);
		if (last > end)
			end = last;
		if (token[0] == '\0')
			return end;
	}
	fail_msg("AuditQuery paging did not end");
	return 0;
}

/* Starts a server with --checkpoint-every 100, a site HQ and the service
 * account AUD_USER (role auditor, password AUD_PW); returns an admin client. */
static struct client *start_server(struct harness_server *s)
{
	struct harness_server_opts opts = {0};
	opts.extra_args = server_args;
	harness_server_start(s, &opts);
	struct client *admin = harness_connect_admin(s);
	struct harness_ireq r;
	harness_ireq_site_add(&r, "HQ", "Headquarters");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "SiteAdd HQ");
	harness_add_user(admin, AUD_USER, "auditor", "HQ", AUD_PW, NULL);
	return admin;
}

/* ---- traffic: pipelined Status on one logged-in connection (thread-safe) ------- */

struct traffic {
	pthread_t thread;
	const char *addr;
	long target;	     /* Status requests to send */
	int64_t pace_ms;     /* spread them over this long (0: as fast as possible) */
	int64_t deadline_ms; /* give up after this */
	atomic_long *progress;
	atomic_int *running;
	long done; /* responses received, all OK */
	char error[512];
};

static void *traffic_main(void *arg)
{
	struct traffic *t = arg;
	struct client *c = NULL;
	char *cause = NULL;
	if (harness_try_connect_hello(t->addr, &c, &cause) < 0) {
		snprintf(t->error, sizeof t->error, "connect: %s", cause ? cause : "?");
		free(cause);
		atomic_fetch_sub(t->running, 1);
		return NULL;
	}
	/* Logged in, because Status before login is tallied into one record
	 * per connection, not one per call. */
	uint8_t token[HARNESS_TOKEN_LEN];
	if (harness_try_login(c, AUD_USER, AUD_PW, token, &cause) != ASSURE__CODE__OK) {
		snprintf(t->error, sizeof t->error, "login: %s", cause ? cause : "refused");
		free(cause);
		client_free(c);
		atomic_fetch_sub(t->running, 1);
		return NULL;
	}
	struct harness_req r;
	harness_req_status(&r);
	long sent = 0;
	int64_t start = harness_now_ms();
	while (t->done < t->target) {
		/* Paced in bursts: every BURST_MS a slice of the calls goes out
		 * as fast as the server takes it, so the follower always has a
		 * backlog to write when a kill comes. */
		long chunk = t->target;
		if (t->pace_ms > BURST_MS)
			chunk = (long)((double)t->target * BURST_MS / (double)t->pace_ms) + 1;
		long allowed = chunk * ((harness_now_ms() - start) / BURST_MS + 1);
		if (allowed > t->target)
			allowed = t->target;
		if (sent == t->done && sent >= allowed) {
			harness_sleep_ms(5); /* nothing in flight and nothing due */
			continue;
		}
		while (sent < allowed && sent - t->done < PIPELINE) {
			r.req.id = 0;
			if (client_send(c, &r.req, &cause) < 0) {
				snprintf(t->error, sizeof t->error, "send #%ld: %s", sent,
					 cause ? cause : "?");
				goto out;
			}
			sent++;
		}
		Assure__Response *resp = NULL;
		if (client_recv(c, &resp, &cause) < 0) {
			snprintf(t->error, sizeof t->error, "receive #%ld: %s", t->done,
				 cause ? cause : "?");
			goto out;
		}
		int code = client_status_code(resp);
		if (code != ASSURE__CODE__OK) {
			snprintf(t->error, sizeof t->error, "Status #%ld: %s: %s", t->done,
				 harness_code_name(code), client_status_message(resp));
			assure__response__free_unpacked(resp, NULL);
			goto out;
		}
		assure__response__free_unpacked(resp, NULL);
		t->done++;
		if (t->progress != NULL)
			atomic_fetch_add(t->progress, 1);
		if ((t->done & 1023) == 0 && harness_now_ms() > t->deadline_ms) {
			snprintf(t->error, sizeof t->error,
				 "deadline: only %ld of %ld Status calls done in time", t->done,
				 t->target);
			goto out;
		}
	}
out:
	free(cause);
	client_free(c);
	atomic_fetch_sub(t->running, 1);
	return NULL;
}

/* ---- assure-audit as a background process -------------------------------------- */

struct follower {
	const char *state_dir, *jsonl_dir, *pw_file, *log, *addr, *cfg_env;
	pid_t pid;
	int starts;
};

static void follower_start(struct follower *f)
{
	const char *argv[] = {ASSURE_AUDIT_BIN, "--state-dir",	   f->state_dir, "--user",
			      AUD_USER,		"--password-file", f->pw_file,	 "--jsonl",
			      f->jsonl_dir,	"--follow",	   "--server",	 f->addr,
			      "--ca",		HARNESS_CA,	   NULL};
	const char *env[] = {"ASSURE_SERVER", "ASSURE_CA",	"ASSURE_CERT", "ASSURE_KEY",
			     f->cfg_env,      "JOURNAL_STREAM", NULL};
	char banner[256];
	snprintf(banner, sizeof banner, "=== test: start #%d of assure-audit ===\n", f->starts + 1);
	int fd = open(f->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd >= 0) {
		ssize_t w = write(fd, banner, strlen(banner));
		(void)w;
		close(fd);
	}
	f->pid = harness_spawn(argv, env, f->log);
	f->starts++;
}

/* Fails the test if the log of assure-audit holds a sanitizer report. */
static void check_log_clean(const char *log, const char *what)
{
	char *text = read_file(log, NULL);
	if (text != NULL && harness_log_has_sanitizer_report(text)) {
		dump_file(what, log);
		free(text);
		fail_msg("%s: sanitizer report in its log", what);
	}
	free(text);
}

/* ---- JSON Lines check ---------------------------------------------------------- */

struct jsonl_summary {
	uint64_t lines, distinct, duplicates, max_seq, files;
	uint8_t *count; /* by seq; capped at 255 */
	size_t cap;
};

static void jsonl_scan(const char *dir, struct jsonl_summary *s)
{
	memset(s, 0, sizeof *s);
	DIR *d = opendir(dir);
	if (d == NULL)
		fail_msg("cannot read %s: %s", dir, strerror(errno));
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		size_t nl = strlen(n);
		if (strncmp(n, "audit-", 6) != 0 || nl < 12 || strcmp(n + nl - 6, ".jsonl") != 0)
			continue;
		s->files++;
		char path[2048];
		snprintf(path, sizeof path, "%s/%s", dir, n);
		size_t len = 0;
		char *buf = read_file(path, &len);
		if (buf == NULL)
			fail_msg("cannot read %s", path);
		if (len > 0 && buf[len - 1] != '\n') {
			const char *last = strrchr(buf, '\n');
			fail_msg("%s ends in a line without its newline (a torn write left "
				 "behind): '%.200s'",
				 path, last != NULL ? last + 1 : buf);
		}
		size_t off = 0;
		uint64_t lineno = 0;
		while (off < len) {
			char *eol = memchr(buf + off, '\n', len - off);
			size_t ll = (size_t)(eol - (buf + off));
			lineno++;
			struct jv j;
			if (json_check(buf + off, ll, &j) < 0)
				fail_msg("%s line %" PRIu64 " is not valid JSON: '%.300s'", path,
					 lineno, buf + off);
			if (!j.has_seq || j.seq <= 0)
				fail_msg("%s line %" PRIu64
					 " has no positive integer seq: '%.300s'",
					 path, lineno, buf + off);
			uint64_t seq = (uint64_t)j.seq;
			if (seq >= s->cap) {
				size_t cap = s->cap ? s->cap : 1 << 17;
				while (cap <= seq)
					cap *= 2;
				s->count = realloc(s->count, cap);
				assert_non_null(s->count);
				memset(s->count + s->cap, 0, cap - s->cap);
				s->cap = cap;
			}
			if (s->count[seq] == 0)
				s->distinct++;
			else
				s->duplicates++;
			if (s->count[seq] < 255)
				s->count[seq]++;
			if (seq > s->max_seq)
				s->max_seq = seq;
			s->lines++;
			off += ll + 1;
		}
		free(buf);
	}
	closedir(d);
}

/* ---- test 1: SIGKILL resilience ----------------------------------------------- */

static void test_sigkill_resilience(void **state)
{
	(void)state;
	int64_t t0 = harness_now_ms();
	/* ASSURE_TEST_RECORDS may ask for more records, never fewer. */
	long records = KILL_RECORDS;
	const char *rec_env = getenv("ASSURE_TEST_RECORDS");
	if (rec_env != NULL && strtol(rec_env, NULL, 10) > records)
		records = strtol(rec_env, NULL, 10);
	const char *seed_env = getenv("ASSURE_TEST_SEED");
	uint64_t seed = seed_env != NULL && *seed_env != '\0'
			    ? strtoull(seed_env, NULL, 10)
			    : (uint64_t)t0 ^ ((uint64_t)getpid() << 32);
	rng_state = seed != 0 ? seed : 1;
	fprintf(stderr,
		"test_sigkill_resilience: seed %" PRIu64 " (ASSURE_TEST_SEED), %ld records"
		" wanted, %d kills\n",
		seed, records, KILLS);

	struct harness_server s;
	struct client *admin = start_server(&s);
	harness_add_user(admin, CHK_USER, "auditor", "HQ", CHK_PW, NULL);
	client_free(admin);
	struct client *chk = harness_connect_login(&s, CHK_USER, CHK_PW, NULL, NULL);

	char *dir = harness_tempdir("aa-kill");
	char state_dir[1024], jsonl_dir[1024], pw_file[1024], log[1024], cfg[1024], cfg_env[1100];
	snprintf(state_dir, sizeof state_dir, "%s/state", dir);
	snprintf(jsonl_dir, sizeof jsonl_dir, "%s/jsonl", dir);
	snprintf(pw_file, sizeof pw_file, "%s/aud.pw", dir);
	snprintf(log, sizeof log, "%s/assure-audit.log", dir);
	snprintf(cfg, sizeof cfg, "%s/cfg", dir);
	snprintf(cfg_env, sizeof cfg_env, "ASSURE_CONFIG_DIR=%s", cfg);
	assert_int_equal(mkdir(cfg, 0700), 0);
	write_file_mode(pw_file, AUD_PW "\n", 0600);

	struct follower f = {state_dir, jsonl_dir, pw_file, log, s.addr, cfg_env, 0, 0};
	follower_start(&f);

	/* The traffic, on its own threads. */
	atomic_long progress = 0;
	atomic_int running = TRAFFIC_CONNS;
	struct traffic tr[TRAFFIC_CONNS];
	long per = (records + TRAFFIC_CONNS - 1) / TRAFFIC_CONNS;
	long total = per * TRAFFIC_CONNS;
	int64_t deadline = t0 + TEST1_BUDGET_MS;
	for (int i = 0; i < TRAFFIC_CONNS; i++) {
		memset(&tr[i], 0, sizeof tr[i]);
		tr[i].addr = s.addr;
		tr[i].target = per;
		tr[i].pace_ms = TRAFFIC_MS;
		tr[i].deadline_ms = t0 + TRAFFIC_MS + 60000;
		tr[i].progress = &progress;
		tr[i].running = &running;
		assert_int_equal(pthread_create(&tr[i].thread, NULL, traffic_main, &tr[i]), 0);
	}

	/* Kill points: one pseudo-random point in each of KILLS equal slices
	 * of 5%..92% of the traffic. */
	uint64_t killed_at[KILLS];
	long kill_progress[KILLS];
	int kills = 0;
	for (int k = 0; k < KILLS; k++) {
		double lo = 0.05 + 0.87 * k / KILLS, hi = 0.05 + 0.87 * (k + 1) / KILLS;
		double frac = lo + (hi - lo) * (double)(rng_next() % 10000) / 10000.0;
		long threshold = (long)(frac * (double)total);
		while (atomic_load(&progress) < threshold && atomic_load(&running) > 0 &&
		       harness_now_ms() < deadline)
			harness_sleep_ms(2);
		/* Let the running instance get into its stream, so the kill
		 * lands while it writes, not while it logs in. */
		uint64_t start_seq = k == 0 ? 0 : killed_at[k - 1];
		int64_t until = harness_now_ms() + 20000;
		while (state_seq(state_dir) <= start_seq && harness_now_ms() < until)
			harness_sleep_ms(5);
		if (state_seq(state_dir) <= start_seq) {
			dump_file("assure-audit log", log);
			fail_msg("assure-audit (start #%d) moved no cursor within 20 s", f.starts);
		}
		harness_sleep_ms((int)(rng_next() % 250));
		assert_int_equal(kill(f.pid, SIGKILL), 0);
		int rc = harness_wait_pid(f.pid, 10000);
		if (rc != 128 + SIGKILL) {
			dump_file("assure-audit log", log);
			fail_msg("assure-audit (start #%d) ended with %d, not by SIGKILL", f.starts,
				 rc);
		}
		killed_at[k] = state_seq(state_dir);
		kill_progress[k] = atomic_load(&progress);
		kills++;
		follower_start(&f);
	}

	for (int i = 0; i < TRAFFIC_CONNS; i++)
		pthread_join(tr[i].thread, NULL);
	int64_t traffic_ms = harness_now_ms() - t0;
	for (int i = 0; i < TRAFFIC_CONNS; i++)
		if (tr[i].error[0] != '\0')
			fail_msg("traffic connection %d: %s", i, tr[i].error);
	assert_int_equal(atomic_load(&progress), total);
	for (int k = 0; k < kills; k++)
		fprintf(stderr,
			"  SIGKILL %d: after %ld of %ld Status calls, cursor at record %" PRIu64
			"\n",
			k + 1, kill_progress[k], total, killed_at[k]);

	/* Catch up to the end of the log, then stop with SIGTERM. */
	/* Records of calls that write nothing reach the log through the
	 * writer shortly after the reply: wait (bounded) until every Status
	 * call is in. */
	uint64_t end = log_end(chk);
	int64_t settle_until = harness_now_ms() + 30000;
	while (end < (uint64_t)total && harness_now_ms() < settle_until) {
		harness_sleep_ms(100);
		end = log_end(chk);
	}
	fprintf(stderr,
		"test_sigkill_resilience: the log ends at record %" PRIu64
		" after %ld Status calls (%" PRId64 " ms after the traffic)\n",
		end, total, harness_now_ms() - t0 - traffic_ms);
	if (end < (uint64_t)total)
		fail_msg("the log holds %" PRIu64 " records after %ld Status calls (each must "
			 "leave one)",
			 end, total);
	int64_t catch_from = harness_now_ms();
	uint64_t cur = 0;
	while ((cur = state_seq(state_dir)) < end && harness_now_ms() < deadline) {
		int rc = harness_wait_pid(f.pid, 0);
		if (rc != -1) {
			dump_file("assure-audit log", log);
			fail_msg("assure-audit exited with %d while catching up", rc);
		}
		harness_sleep_ms(20);
	}
	if (cur < end) {
		dump_file("assure-audit log", log);
		fail_msg("assure-audit reached record %" PRIu64 " of %" PRIu64
			 " within the time limit",
			 cur, end);
	}
	int64_t catch_ms = harness_now_ms() - catch_from;
	harness_sleep_ms(200);
	int rc = harness_stop_pid(f.pid, SIGTERM, 10000);
	if (rc != 0) {
		dump_file("assure-audit log", log);
		fail_msg("assure-audit stopped with SIGTERM exited %d, not 0", rc);
	}
	check_log_clean(log, "assure-audit");
	int torn = 0;
	char *log_text = read_file(log, NULL);
	for (const char *p = log_text; p != NULL && (p = strstr(p, "torn line")) != NULL; p++)
		torn++;
	free(log_text);

	/* Every line valid JSON; 1..N each at least once, N the cursor. */
	struct jsonl_summary js;
	jsonl_scan(jsonl_dir, &js);
	uint64_t n = state_seq(state_dir);
	fprintf(stderr,
		"test_sigkill_resilience: %d SIGKILLs, %d starts; %" PRIu64 " lines in %" PRIu64
		" file(s), %" PRIu64 " distinct records (max seq %" PRIu64 ", cursor %" PRIu64
		"), %" PRIu64 " duplicate lines (at-least-once), %d torn line(s) repaired "
		"on restart; traffic %" PRId64 " ms, catch-up %" PRId64 " ms, total %" PRId64
		" ms\n",
		kills, f.starts, js.lines, js.files, js.distinct, js.max_seq, n, js.duplicates,
		torn, traffic_ms, catch_ms, harness_now_ms() - t0);
	assert_true(n >= end);
	if (js.max_seq != n)
		fail_msg("the JSON Lines files end at record %" PRIu64
			 " but the cursor says %" PRIu64,
			 js.max_seq, n);
	for (uint64_t seq = 1; seq <= n; seq++)
		if (js.count[seq] == 0)
			fail_msg("record %" PRIu64 " of 1..%" PRIu64
				 " is missing from the JSON Lines files",
				 seq, n);
	assert_int_equal(js.distinct, n);
	assert_true(n >= (uint64_t)records);

	/* N is the end of the log: whatever came after it is the checker's
	 * own querying. */
	Assure__AuditQueryRequest q = ASSURE__AUDIT_QUERY_REQUEST__INIT;
	q.outcome = -1;
	q.from_seq = n + 1;
	q.page_size = 5000;
	q.page_token = (char *)"";
	Assure__Request qreq = ASSURE__REQUEST__INIT;
	qreq.op_case = ASSURE__REQUEST__OP_AUDIT_QUERY;
	qreq.audit_query = &q;
	Assure__Response *resp = call_ok(chk, &qreq, "AuditQuery after the cursor");
	for (size_t i = 0; i < resp->audit_query->n_entries; i++) {
		const Assure__AuditEntry *e = resp->audit_query->entries[i];
		Assure__AuditRecord *r =
		    assure__audit_record__unpack(NULL, e->record.len, e->record.data);
		assert_non_null(r);
		if (strcmp(r->username, CHK_USER) != 0)
			fail_msg("record %" PRIu64 " (%s by '%s') is after the last record "
				 "assure-audit wrote (%" PRIu64 ")",
				 e->seq, r->event, r->username, n);
		assure__audit_record__free_unpacked(r, NULL);
	}
	assure__response__free_unpacked(resp, NULL);
	free(js.count);
	client_free(chk);
	harness_server_destroy(&s);
	free(dir);
}

/* ---- test 2: rsyslogd over TLS ------------------------------------------------- */

static const char *find_rsyslogd(void)
{
	static const char *const paths[] = {"/usr/sbin/rsyslogd", "/sbin/rsyslogd",
					    "/usr/local/sbin/rsyslogd", "/usr/bin/rsyslogd"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
		if (access(paths[i], X_OK) == 0)
			return paths[i];
	return NULL;
}

static const char *find_ossl_driver(void)
{
	static const char *const paths[] = {
	    "/usr/lib/x86_64-linux-gnu/rsyslog/lmnsd_ossl.so",
	    "/usr/lib/aarch64-linux-gnu/rsyslog/lmnsd_ossl.so", "/usr/lib/rsyslog/lmnsd_ossl.so",
	    "/usr/lib64/rsyslog/lmnsd_ossl.so", "/usr/local/lib/rsyslog/lmnsd_ossl.so"};
	for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
		if (access(paths[i], R_OK) == 0)
			return paths[i];
	return NULL;
}

/* 1 when something listens on 127.0.0.1:port (from /proc/net/tcp, so no
 * probe connection disturbs the collector), -1 if that cannot be read. */
static int port_listening(int port)
{
	FILE *f = fopen("/proc/net/tcp", "r");
	if (f == NULL)
		return -1;
	char line[512], want[32];
	snprintf(want, sizeof want, "0100007F:%04X", (unsigned)port);
	int found = 0;
	while (!found && fgets(line, sizeof line, f) != NULL) {
		char local[64], remote[64], st[8];
		if (sscanf(line, "%*s %63s %63s %7s", local, remote, st) == 3 &&
		    strcmp(local, want) == 0 && strcmp(st, "0A") == 0)
			found = 1;
	}
	fclose(f);
	return found;
}

/* The same by connecting (and closing at once). */
static int port_accepts(int port)
{
	int l = port_listening(port);
	if (l >= 0)
		return l;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	int ok = connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
	close(fd);
	return ok;
}

static int count_lines(const char *path)
{
	size_t len = 0;
	char *text = read_file(path, &len);
	if (text == NULL)
		return 0;
	int n = 0;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	free(text);
	return n;
}

static int printable_token(const char *s, size_t n, size_t max)
{
	if (n == 0 || n > max)
		return 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 33 || (unsigned char)s[i] > 126)
			return 0;
	return 1;
}

/* The next space-delimited header field of line at *p. */
static const char *next_field(const char **p, const char *end, size_t *n)
{
	const char *s = *p;
	const char *sp = memchr(s, ' ', (size_t)(end - s));
	if (sp == NULL)
		return NULL;
	*n = (size_t)(sp - s);
	*p = sp + 1;
	return s;
}

static int expected_severity(int64_t outcome)
{
	switch (outcome) {
	case 0:
		return 6;
	case 4:
		return 5;
	case 8:
		return 4;
	case 12:
		return 3;
	default:
		return 5;
	}
}

/* Checks one received line as an RFC 5424 message from assure-audit; the
 * record's seq into *seq. Fails the test, quoting the line, otherwise. */
static void check_syslog_line(const char *line, size_t len, uint64_t lineno, uint64_t *seq)
{
#define BAD(...)                                                                                   \
	do {                                                                                       \
		char why_[256];                                                                    \
		snprintf(why_, sizeof why_, __VA_ARGS__);                                          \
		fail_msg("rsyslog line %" PRIu64 ": %s: '%.*s'", lineno, why_,                     \
			 (int)(len > 600 ? 600 : len), line);                                      \
	} while (0)
	const char *p = line, *end = line + len;
	/* PRI VERSION */
	if (p >= end || *p != '<')
		BAD("no <PRI>");
	p++;
	int pri = 0, digits = 0;
	while (p < end && *p >= '0' && *p <= '9' && digits < 4) {
		pri = pri * 10 + (*p - '0');
		p++;
		digits++;
	}
	if (digits == 0 || digits > 3 || p >= end || *p != '>')
		BAD("malformed PRI");
	p++;
	if (pri < 13 * 8 || pri > 13 * 8 + 7)
		BAD("PRI %d is not facility 13 (104..111)", pri);
	if (end - p < 2 || p[0] != '1' || p[1] != ' ')
		BAD("version is not 1");
	p += 2;
	size_t n = 0;
	const char *ts = next_field(&p, end, &n);
	if (ts == NULL)
		BAD("no TIMESTAMP");
	if (!(n == 1 && ts[0] == '-')) {
		static const char shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
		if (n != sizeof shape - 1)
			BAD("TIMESTAMP is not RFC 3339 UTC with milliseconds");
		for (size_t i = 0; i < n; i++)
			if (shape[i] == 'd' ? !(ts[i] >= '0' && ts[i] <= '9') : ts[i] != shape[i])
				BAD("TIMESTAMP is not RFC 3339 UTC with milliseconds");
	}
	const char *host = next_field(&p, end, &n);
	if (host == NULL || !printable_token(host, n, 255))
		BAD("bad HOSTNAME");
	const char *app = next_field(&p, end, &n);
	if (app == NULL || n != 6 || memcmp(app, "assure", 6) != 0)
		BAD("APP-NAME is not assure");
	const char *procid = next_field(&p, end, &n);
	if (procid == NULL || !printable_token(procid, n, 128))
		BAD("bad PROCID");
	const char *msgid = next_field(&p, end, &n);
	if (msgid == NULL || !printable_token(msgid, n, 32))
		BAD("bad MSGID");
	/* STRUCTURED-DATA: exactly [assure@32473 seq="N" uuid="U"] */
	static const char sdid[] = "[assure@32473";
	if ((size_t)(end - p) < sizeof sdid - 1 || memcmp(p, sdid, sizeof sdid - 1) != 0)
		BAD("no [assure@32473 element");
	p += sizeof sdid - 1;
	int have_seq = 0, have_uuid = 0;
	uint64_t sd_seq = 0;
	while (p < end && *p == ' ') {
		p++;
		const char *name = p;
		while (p < end && *p != '=' && *p != ' ' && *p != ']' && *p != '"')
			p++;
		size_t nn = (size_t)(p - name);
		if (p >= end || *p != '=' || p + 1 >= end || p[1] != '"' ||
		    !printable_token(name, nn, 32))
			BAD("malformed SD-PARAM");
		p += 2;
		char value[256];
		size_t vn = 0;
		while (p < end && *p != '"') {
			if (*p == '\\' && p + 1 < end &&
			    (p[1] == '"' || p[1] == '\\' || p[1] == ']'))
				p++;
			else if (*p == ']')
				BAD("unescaped ']' inside an SD-PARAM value");
			if (vn + 1 < sizeof value)
				value[vn++] = *p;
			p++;
		}
		if (p >= end)
			BAD("SD-PARAM value not closed");
		p++;
		value[vn] = '\0';
		if (nn == 3 && memcmp(name, "seq", 3) == 0) {
			char *e = NULL;
			sd_seq = strtoull(value, &e, 10);
			if (vn == 0 || *e != '\0')
				BAD("seq=\"%.64s\" is not a number", value);
			have_seq = 1;
		} else if (nn == 4 && memcmp(name, "uuid", 4) == 0) {
			have_uuid = 1;
		}
	}
	if (p >= end || *p != ']')
		BAD("SD element not closed");
	p++;
	if (!have_seq || !have_uuid)
		BAD("the SD element lacks seq or uuid");
	if (p >= end || *p != ' ')
		BAD("no MSG after the structured data");
	p++;
	if (end - p >= 3 && (unsigned char)p[0] == 0xef && (unsigned char)p[1] == 0xbb &&
	    (unsigned char)p[2] == 0xbf)
		BAD("MSG starts with a BOM");
	struct jv j;
	if (json_check(p, (size_t)(end - p), &j) < 0)
		BAD("MSG is not one complete JSON object (a short record must not be cut)");
	if (!j.has_seq || (uint64_t)j.seq != sd_seq)
		BAD("the JSON's seq is not the SD's seq %" PRIu64, sd_seq);
	if (!j.has_outcome)
		BAD("the JSON has no outcome");
	if (pri % 8 != expected_severity(j.outcome))
		BAD("severity %d for outcome %" PRId64 " (want %d)", pri % 8, j.outcome,
		    expected_severity(j.outcome));
	*seq = sd_seq;
#undef BAD
}

static void test_rsyslog_tls(void **state)
{
	(void)state;
	const char *rsyslogd = find_rsyslogd();
	if (rsyslogd == NULL) {
		fprintf(stderr, "test_rsyslog_tls: SKIPPED: rsyslogd is not installed (apt-get "
				"install rsyslog rsyslog-openssl)\n");
		skip();
	}
	if (find_ossl_driver() == NULL) {
		fprintf(stderr, "test_rsyslog_tls: SKIPPED: rsyslog's ossl stream driver "
				"(lmnsd_ossl.so, package rsyslog-openssl) is not installed\n");
		skip();
	}

	struct harness_server s;
	struct client *admin = start_server(&s);

	/* About 500 records: hostile names first, then pipelined Status. */
	static const char evil_user[] = "evil\n\"]x";
	static const char evil_display[] = "Evil \"display\"] name\nsecond line \\ end";
	const char *roles[] = {"viewer", NULL};
	struct harness_ireq r;
	harness_ireq_user_add(&r, evil_user, evil_display, "HQ", roles, "a long enough pw 42");
	int evil_code = harness_icall_code(admin, &r);
	harness_ireq_user_add(&r, "esc-user", evil_display, "HQ", roles, "a long enough pw 42");
	int esc_code = harness_icall_code(admin, &r);
	fprintf(stderr,
		"test_rsyslog_tls: UserAdd of a username with newline/quote/']' -> %s; "
		"esc-user with such a display name -> %s\n",
		harness_code_name(evil_code), harness_code_name(esc_code));
	atomic_long progress = 0;
	atomic_int running = 1;
	struct traffic t;
	memset(&t, 0, sizeof t);
	t.addr = s.addr;
	t.target = SYSLOG_STATUS_CALLS;
	t.deadline_ms = harness_now_ms() + 60000;
	t.progress = &progress;
	t.running = &running;
	traffic_main(&t);
	if (t.error[0] != '\0')
		fail_msg("traffic: %s", t.error);
	client_free(admin);
	struct client *aud = harness_connect_login(&s, AUD_USER, AUD_PW, NULL, NULL);
	uint64_t produced = log_end(aud);
	client_free(aud);
	assert_true(produced >= SYSLOG_STATUS_CALLS);

	/* rsyslogd: imtcp over the ossl driver on a free port. */
	char *dir = harness_tempdir("aa-rsyslog");
	char conf[1024], pid_file[1024], out[1024], work[1024], rlog[1024];
	snprintf(conf, sizeof conf, "%s/rsyslog.conf", dir);
	snprintf(pid_file, sizeof pid_file, "%s/rsyslogd.pid", dir);
	snprintf(out, sizeof out, "%s/received.log", dir);
	snprintf(work, sizeof work, "%s/work", dir);
	snprintf(rlog, sizeof rlog, "%s/rsyslogd.stderr", dir);
	assert_int_equal(mkdir(work, 0700), 0);
	int port = harness_free_port();
	char conf_text[4096];
	snprintf(conf_text, sizeof conf_text,
		 "global(\n"
		 "  workDirectory=\"%s\"\n"
		 "  DefaultNetstreamDriver=\"ossl\"\n"
		 "  DefaultNetstreamDriverCAFile=\"%s/ca.crt\"\n"
		 "  DefaultNetstreamDriverCertFile=\"%s/server.crt\"\n"
		 "  DefaultNetstreamDriverKeyFile=\"%s/server.key\"\n"
		 ")\n"
		 "module(load=\"imtcp\" StreamDriver.Name=\"ossl\" StreamDriver.Mode=\"1\"\n"
		 "       StreamDriver.AuthMode=\"anon\" MaxSessions=\"20\")\n"
		 "template(name=\"assureRaw\" type=\"string\" string=\"%%rawmsg%%\\n\")\n"
		 "ruleset(name=\"assureIn\") {\n"
		 "  action(type=\"omfile\" file=\"%s\" template=\"assureRaw\")\n"
		 "  stop\n"
		 "}\n"
		 "input(type=\"imtcp\" port=\"%d\" address=\"127.0.0.1\" ruleset=\"assureIn\")\n",
		 work, TEST_CERTS_DIR, TEST_CERTS_DIR, TEST_CERTS_DIR, out, port);
	write_file_mode(conf, conf_text, 0600);
	const char *rargv[] = {rsyslogd, "-n", "-f", conf, "-i", pid_file, NULL};
	pid_t rpid = harness_spawn(rargv, NULL, rlog);
	int64_t until = harness_now_ms() + 15000;
	while (!port_accepts(port)) {
		int rc = harness_wait_pid(rpid, 0);
		if (rc != -1) {
			dump_file("rsyslogd config", conf);
			dump_file("rsyslogd output", rlog);
			fail_msg("rsyslogd exited with %d before it listened on port %d", rc, port);
		}
		if (harness_now_ms() > until) {
			harness_stop_pid(rpid, SIGKILL, 5000);
			dump_file("rsyslogd output", rlog);
			fail_msg("rsyslogd did not listen on 127.0.0.1:%d within 15 s", port);
		}
		harness_sleep_ms(20);
	}

	/* One-shot export to it. */
	char state_dir[1024], pw_file[1024], cfg[1024], cfg_env[1100], url[64];
	snprintf(state_dir, sizeof state_dir, "%s/state", dir);
	snprintf(pw_file, sizeof pw_file, "%s/aud.pw", dir);
	snprintf(cfg, sizeof cfg, "%s/cfg", dir);
	snprintf(cfg_env, sizeof cfg_env, "ASSURE_CONFIG_DIR=%s", cfg);
	snprintf(url, sizeof url, "tls://127.0.0.1:%d", port);
	assert_int_equal(mkdir(cfg, 0700), 0);
	write_file_mode(pw_file, AUD_PW "\n", 0600);
	const char *argv[] = {ASSURE_AUDIT_BIN,
			      "--state-dir",
			      state_dir,
			      "--user",
			      AUD_USER,
			      "--password-file",
			      pw_file,
			      "--syslog",
			      url,
			      "--syslog-ca",
			      HARNESS_CA,
			      "--server",
			      s.addr,
			      "--ca",
			      HARNESS_CA,
			      NULL};
	const char *env[] = {"ASSURE_SERVER", "ASSURE_CA",	"ASSURE_CERT", "ASSURE_KEY",
			     cfg_env,	      "JOURNAL_STREAM", NULL};
	struct harness_run run;
	assert_int_equal(harness_run_argv(argv, env, NULL, 60000, &run), 0);
	if (run.status != 0 || harness_log_has_sanitizer_report(run.err)) {
		fprintf(stderr, "assure-audit stderr:\n%s\n", run.err);
		harness_stop_pid(rpid, SIGTERM, 5000);
		dump_file("rsyslogd output", rlog);
		fail_msg("assure-audit --syslog exited with %d%s", run.status,
			 run.timed_out ? " (timed out)" : "");
	}
	uint64_t n = state_seq(state_dir);
	fprintf(stderr,
		"test_rsyslog_tls: %" PRIu64 " records in the log before the export; "
		"assure-audit's cursor at %" PRIu64 "\n",
		produced, n);
	if (n < produced) {
		fprintf(stderr, "assure-audit stderr:\n%s\n", run.err);
		fail_msg("assure-audit stopped at record %" PRIu64 ", before the end %" PRIu64, n,
			 produced);
	}

	/* Wait until rsyslog has written them all (bounded), then a little
	 * longer for anything extra. */
	until = harness_now_ms() + 20000;
	int last_count = -1;
	int64_t last_change = harness_now_ms();
	for (;;) {
		int c = count_lines(out);
		if ((uint64_t)c >= n || harness_now_ms() > until)
			break;
		if (c != last_count) {
			last_count = c;
			last_change = harness_now_ms();
		} else if (harness_now_ms() - last_change > 5000) {
			break; /* nothing new for 5 s: it is not coming */
		}
		harness_sleep_ms(50);
	}
	harness_sleep_ms(300);
	int rrc = harness_stop_pid(rpid, SIGTERM, 10000);
	size_t len = 0;
	char *text = read_file(out, &len);
	if (text == NULL) {
		dump_file("rsyslogd output", rlog);
		fail_msg("rsyslog wrote nothing to %s", out);
	}
	if (rrc != 0)
		fprintf(stderr, "test_rsyslog_tls: note: rsyslogd exited with %d on SIGTERM\n",
			rrc);

	/* Every line one whole message; every record 1..N exactly once. */
	uint8_t *seen = calloc(n + 1, 1);
	assert_non_null(seen);
	uint64_t lines = 0;
	int evil_found = 0;
	static const char evil_json[] = "evil\\n\\\"]x"; /* evil\n\"]x as JSON escapes it */
	for (size_t off = 0; off < len;) {
		char *eol = memchr(text + off, '\n', len - off);
		if (eol == NULL)
			fail_msg("rsyslog's file ends without a newline");
		size_t ll = (size_t)(eol - (text + off));
		lines++;
		uint64_t seq = 0;
		check_syslog_line(text + off, ll, lines, &seq);
		if (seq == 0 || seq > n)
			fail_msg("rsyslog line %" PRIu64 ": record %" PRIu64
				 " is outside 1..%" PRIu64,
				 lines, seq, n);
		if (seen[seq])
			fail_msg("record %" PRIu64 " arrived twice", seq);
		seen[seq] = 1;
		if (memmem(text + off, ll, evil_json, sizeof evil_json - 1) != NULL &&
		    memmem(text + off, ll, " UserAdd [", 10) != NULL)
			evil_found = 1;
		off += ll + 1;
	}
	if (lines < n) {
		/* Name what is missing: typically the last records of the run. */
		char missing[1024] = "";
		size_t ml = 0;
		for (uint64_t seq = 1; seq <= n && ml + 64 < sizeof missing; seq++) {
			if (seen[seq])
				continue;
			uint64_t last = seq;
			while (last + 1 <= n && !seen[last + 1])
				last++;
			ml +=
			    (size_t)snprintf(missing + ml, sizeof missing - ml,
					     "%s%" PRIu64 "..%" PRIu64, ml ? ", " : "", seq, last);
			seq = last;
		}
		char *rtext = read_file(rlog, NULL);
		int reset = rtext != NULL && strstr(rtext, "closed due to error") != NULL;
		free(rtext);
		fprintf(stderr, "assure-audit stderr:\n%s\n", run.err);
		dump_file("rsyslogd output", rlog);
		free(seen);
		free(text);
		harness_run_free(&run);
		harness_server_destroy(&s);
		free(dir);
		fail_msg("rsyslog received %" PRIu64 " of the %" PRIu64
			 " messages assure-audit reported delivered (its cursor); missing "
			 "records %s%s",
			 lines, n, missing,
			 reset ? "; rsyslogd closed the session on an error (connection reset "
				 "by the sender?)"
			       : "");
	}
	for (uint64_t seq = 1; seq <= n; seq++)
		if (!seen[seq])
			fail_msg("record %" PRIu64 " of 1..%" PRIu64 " never reached rsyslog", seq,
				 n);
	assert_int_equal(lines, n);
	if (!evil_found)
		fail_msg("no UserAdd message holds the claimed username %s escaped in its JSON",
			 evil_json);
	fprintf(stderr,
		"test_rsyslog_tls: rsyslogd received %" PRIu64 " messages, records 1..%" PRIu64
		" each once, all valid RFC 5424 with JSON bodies\n",
		lines, n);
	free(seen);
	free(text);
	harness_run_free(&run);
	harness_server_destroy(&s);
	free(dir);
}

int main(void)
{
	harness_guard(290);
	/* ASSURE_TEST_FILTER=test_rsyslog_tls runs one test (cmocka's pattern). */
	const char *filter = getenv("ASSURE_TEST_FILTER");
	if (filter != NULL && *filter != '\0')
		cmocka_set_test_filter(filter);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_sigkill_resilience),
	    cmocka_unit_test(test_rsyslog_tls),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	return harness_finish(failed);
}
