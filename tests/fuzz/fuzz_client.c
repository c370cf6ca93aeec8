/*
 * Fuzz target for what the client side makes of what it is sent: the CLI's
 * reply handling and renderers, and the parsers of the files and texts the
 * client tools read. The first byte picks the part (mod FUZZ_MODES):
 *
 *   0  a CLI command (byte 1 picks it from `commands`, byte 2 bit 0 adds
 *      --json) run through cli_main against a stand-in transport that
 *      answers every call with the next frame of the input (4-byte length,
 *      a Response), as client.c reads them: Hello, Resume, then the
 *      command's own calls, list pages and streams
 *   1  a stored audit record (audit_rec_parse), then written as JSON, CSV
 *      and RFC 5424
 *   2  a checkpoint's signed-note text (checkpoint_parse, checkpoint_verify)
 *   3  a Checkpoint message as the server sends it (audit_checkpoint_check)
 *   4  a "key = value" configuration file (config_parse_string), every
 *      value through every value parser
 *   5  a table: rows by '\n', cells by '\t', byte 1 the number of columns
 *      (cli_columns and the JSON writer)
 *   6  a time as `audit query --since` takes it (audit_parse_time)
 *   7  assure-audit's state file (audit_state_load)
 *
 * The transport stand-in (-Wl,--wrap of client_connect, client_hello,
 * client_call, client_send, client_recv and client_free, the client
 * library's calls the CLI makes) keeps client.c's rules: request ids from
 * 1, a response must carry its request's id, an id-0 error is the server's
 * parting word, an empty or oversized frame or one that does not decode
 * ends the connection. The CLI's own requests must pack and decode again.
 *
 * What must hold (abort otherwise): the CLI's output (stdout and stderr)
 * holds no ASCII control character but newline (CR only before LF, as in
 * CSV), so nothing a server sends can drive a terminal (the scorecard's
 * CSV keeps them, as documented: it only has to be UTF-8); with --json
 * every line of stdout is valid JSON in valid UTF-8 (but for --format csv,
 * which stays CSV); the audit record's JSON is valid JSON in valid UTF-8,
 * its CSV row one line, its syslog message within AUDIT_SYSLOG_MAX; a
 * table's lines have no control characters and do not end in blanks; exit
 * codes are the documented ones.
 *
 * fuzz_client_record (below, used by fuzz_client_seeds) writes the seed
 * corpus: it runs every command against a responder that makes a full,
 * plausible answer to whatever the CLI asks, and keeps the frames. Each
 * run starts from an empty configuration directory but for the stored
 * session, so an input does the same whatever ran before it.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "assure.pb-c.h"
#include "audit_common.h"
#include "checkpoint.h"
#include "cli.h"
#include "cli_columns.h"
#include "cli_json.h"
#include "client.h"
#include "config.h"
#include "frame.h"
#include "fuzz_walk.h"
#include "hash.h"
#include "merkle.h"
#include "status.h"
#include "version.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t fuzz_replay_reached(void);
int fuzz_client_record(const char *dir);

#define FUZZ_MODES 8
#define FUZZ_SERVER "127.0.0.1:7443"
#define FUZZ_PASSWORDS                                                                             \
	"correct horse battery staple\na new and long passphrase\na new and long passphrase\n"
#define FUZZ_ORIGIN "assure.local/audit/fuzz"

/* Every command, with arguments that pass its usage checks, so each run
 * reaches the server; the names and dates are the seeds' (CON-, REV-). */
static const char *const commands[] = {
    "status",
    "login --user admin --password-stdin",
    "whoami",
    "logout",
    "passwd --password-stdin",
    "user add dana --display-name Dana --site HQ --role viewer",
    "user add erin --display-name Erin --site HQ --role viewer --password-stdin",
    "user list",
    "user list --all --site HQ",
    "user show dana",
    "user set dana --display-name Dana --add-role viewer --version 1",
    "user disable dana --reason left",
    "user enable dana",
    "user reset-password dana",
    "role list",
    "role show viewer",
    "role add helpers --permission user.read --description helping",
    "role set helpers --add-permission audit.read",
    "role rm helpers",
    "permission list",
    "site add HQ --name Headquarters",
    "site list",
    "session list",
    "session list --user cm",
    "session revoke 2",
    "performer add --profession gp --reg 7300001 --name Alice",
    "performer list",
    "performer show 7300001",
    "performer admit 1 --decision included --rationale ok --panel p1,p2,p3",
    "concern open --performer 1 --source colleague --category conduct --summary rude",
    "concern grade CON-2026-0001 --consequence 3 --likelihood 4 --reason triage",
    "concern assign CON-2026-0001 --case-manager cm --version 2",
    "concern move CON-2026-0001 --to triaged --rationale graded --version 3",
    "concern decide CON-2026-0001 --outcome conditions --rationale r --panel p1,p2,p3",
    "concern suspend CON-2026-0001 --basis pct-decision --reason r --panel p1,p2,p3 "
    "--hearing-offered 2026-12-01",
    "concern reinstate CON-2026-0001 --rationale r --panel p1,p2,p3",
    "concern refer CON-2026-0001 --to gmc --rationale r",
    "concern note CON-2026-0001 --text spoke",
    "concern evidence CON-2026-0001 --title letter --location box",
    "concern action add CON-2026-0001 --text write --owner cm --due 2026-12-31",
    "concern action done CON-2026-0001 1",
    "concern show CON-2026-0001",
    "concern list",
    "concern due --within 14d",
    "config show",
    "config set concern.triage 10wd --reason policy --version 1",
    "config holiday list --year 2026",
    "config holiday add 2026-06-15 --name Day --reason proclaimed",
    "config holiday remove 2026-06-15 --reason withdrawn",
    "contract add --ods E84001 --name Park --type gms --list-size 6000 --site HQ",
    "contract list",
    "contract show E84001",
    "contract set E84001 --list-size 6100 --reason grew --version 1",
    "contract notice add E84001 --kind remedial --text fix",
    "contract notice outcome E84001 1 --outcome remedied",
    "indicators create BSC --year 2025/26",
    "indicators add BSC --code QOF01 --name Q --domain qof --unit % --direction higher "
    "--green 900 --amber 800",
    "indicators remove BSC QOF01",
    "indicators rule BSC --green-mean 1.5 --red-mean 0.75",
    "indicators publish BSC",
    "indicators show BSC",
    "indicators list",
    "requirements list --all",
    "requirements add --code NEW --title New",
    "requirements retire NEW --reason old",
    "review schedule --contract E84001 --year 2025/26",
    "review visit REV-2025-0001 --date 2026-12-01",
    "review qof REV-2025-0001 --clinical 400 --organisational 150 --patient-experience 80 "
    "--additional 20",
    "review check REV-2025-0001 --item COMPLAINTS --result met --evidence seen",
    "review sfbh REV-2025-0001 --domain safety --result compliant --evidence seen",
    "review score REV-2025-0001 --indicator QOF01 --value 912",
    "review narrative REV-2025-0001 --achievements clinic",
    "review action add REV-2025-0001 --text fix --owner pm --due 2026-12-31",
    "review action done REV-2025-0001 1",
    "review override REV-2025-0001 --rag amber --reason view",
    "review finalise REV-2025-0001",
    "review show REV-2025-0001",
    "review list",
    "review due --within 30d",
    "scorecard --year 2025/26",
    "scorecard --year 2025/26 --format csv",
    "scorecard --year 2025/26 --format json",
    "scorecard --year 2025/26 --format html",
    "audit query --user admin",
    "audit export",
    "audit export --format csv",
    "audit verify",
    "audit tail --from-seq 1",
    "audit checkpoint",
    /* Without --from-seq: the last ten, found by checkpoint and query. */
    "audit tail",
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static size_t reached;

size_t fuzz_replay_reached(void)
{
	return reached;
}

static void fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_client: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	abort();
}

/* --- oracles -------------------------------------------------------------- */

/* Length of a valid UTF-8 sequence at s (RFC 3629), 0 if there is none.
 * Written here, not taken from cli_json.c, so the check is independent. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	size_t len;
	uint32_t cp;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static bool utf8_valid(const char *s, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t k = utf8_len((const unsigned char *)s + i, n - i);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

/* A strict RFC 8259 recogniser: one value, whitespace around it. */
struct json_in {
	const char *s;
	size_t n, i;
	int depth;
};

static void json_ws(struct json_in *j)
{
	while (j->i < j->n && strchr(" \t\r\n", j->s[j->i]) != NULL && j->s[j->i] != '\0')
		j->i++;
}

static bool json_lit(struct json_in *j, const char *lit)
{
	size_t k = strlen(lit);
	if (j->n - j->i < k || memcmp(j->s + j->i, lit, k) != 0)
		return false;
	j->i += k;
	return true;
}

static bool json_string(struct json_in *j)
{
	if (j->i >= j->n || j->s[j->i] != '"')
		return false;
	j->i++;
	while (j->i < j->n) {
		unsigned char c = (unsigned char)j->s[j->i];
		if (c == '"') {
			j->i++;
			return true;
		}
		if (c < 0x20)
			return false;
		if (c == '\\') {
			if (++j->i >= j->n)
				return false;
			char e = j->s[j->i++];
			if (e == 'u') {
				for (int k = 0; k < 4; k++, j->i++)
					if (j->i >= j->n ||
					    strchr("0123456789abcdefABCDEF", j->s[j->i]) == NULL ||
					    j->s[j->i] == '\0')
						return false;
			} else if (strchr("\"\\/bfnrt", e) == NULL || e == '\0') {
				return false;
			}
			continue;
		}
		j->i++;
	}
	return false;
}

static bool json_number(struct json_in *j)
{
	size_t start = j->i;
	if (j->i < j->n && j->s[j->i] == '-')
		j->i++;
	if (j->i < j->n && j->s[j->i] == '0') {
		j->i++;
	} else {
		if (j->i >= j->n || j->s[j->i] < '1' || j->s[j->i] > '9')
			return false;
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
	}
	if (j->i < j->n && j->s[j->i] == '.') {
		j->i++;
		size_t d = j->i;
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
		if (j->i == d)
			return false;
	}
	if (j->i < j->n && (j->s[j->i] == 'e' || j->s[j->i] == 'E')) {
		j->i++;
		if (j->i < j->n && (j->s[j->i] == '+' || j->s[j->i] == '-'))
			j->i++;
		size_t d = j->i;
		while (j->i < j->n && j->s[j->i] >= '0' && j->s[j->i] <= '9')
			j->i++;
		if (j->i == d)
			return false;
	}
	return j->i > start;
}

static bool json_value(struct json_in *j)
{
	json_ws(j);
	if (j->i >= j->n || ++j->depth > 64)
		return false;
	bool ok;
	char c = j->s[j->i];
	if (c == '{' || c == '[') {
		char close = c == '{' ? '}' : ']';
		j->i++;
		json_ws(j);
		if (j->i < j->n && j->s[j->i] == close) {
			j->i++;
			j->depth--;
			return true;
		}
		for (;;) {
			if (c == '{') {
				json_ws(j);
				if (!json_string(j))
					return false;
				json_ws(j);
				if (j->i >= j->n || j->s[j->i++] != ':')
					return false;
			}
			if (!json_value(j))
				return false;
			json_ws(j);
			if (j->i >= j->n)
				return false;
			if (j->s[j->i] == ',') {
				j->i++;
				continue;
			}
			if (j->s[j->i++] != close)
				return false;
			break;
		}
		ok = true;
	} else if (c == '"') {
		ok = json_string(j);
	} else if (c == 't') {
		ok = json_lit(j, "true");
	} else if (c == 'f') {
		ok = json_lit(j, "false");
	} else if (c == 'n') {
		ok = json_lit(j, "null");
	} else {
		ok = json_number(j);
	}
	j->depth--;
	return ok;
}

static bool json_valid(const char *s, size_t n)
{
	struct json_in j = {s, n, 0, 0};
	if (!json_value(&j))
		return false;
	json_ws(&j);
	return j.i == n;
}

/* No ASCII control character but LF, and CR only right before LF. */
static const char *terminal_unsafe(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n' || (c == '\r' && i + 1 < n && s[i + 1] == '\n'))
			continue;
		if (c < 0x20 || c == 0x7f)
			return s + i;
	}
	return NULL;
}

static void check_terminal_safe(const char *what, const char *s, size_t n)
{
	const char *bad = terminal_unsafe(s, n);
	if (bad != NULL) {
		char detail[160];
		snprintf(detail, sizeof detail, "control character 0x%02x at byte %zu of %zu",
			 (unsigned char)*bad, (size_t)(bad - s), n);
		fprintf(stderr, "fuzz_client: output was:\n%.*s\n", (int)(n < 4096 ? n : 4096), s);
		fail(what, detail);
	}
}

static void check_json_lines(const char *what, const char *s, size_t n)
{
	if (!utf8_valid(s, n))
		fail(what, "output is not valid UTF-8");
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '\n')
			continue;
		if (i > start && !json_valid(s + start, i - start)) {
			fprintf(stderr, "fuzz_client: line: %.*s\n", (int)(i - start), s + start);
			fail(what, "a line of output is not valid JSON");
		}
		start = i + 1;
	}
}

/* --- the signing key of the seeds' checkpoints ---------------------------- */

/* A fixed Ed25519 key, so the seeds' checkpoints verify and remaking the
 * seeds gives the same bytes (Ed25519 signatures are deterministic). */
static const uint8_t key_seed[32] = "assure fuzz checkpoint key 0001";
static uint8_t key_pub[HASH_ED25519_PUB_LEN];
static EVP_PKEY *key;

static void key_load(void)
{
	if (key != NULL)
		return;
	key = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL, key_seed, sizeof key_seed);
	size_t n = sizeof key_pub;
	if (key == NULL || EVP_PKEY_get_raw_public_key(key, key_pub, &n) != 1)
		fail("cannot make the Ed25519 key", NULL);
}

static void key_sign(const char *msg, uint8_t sig[HASH_ED25519_SIG_LEN])
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	size_t n = HASH_ED25519_SIG_LEN;
	if (ctx == NULL || EVP_DigestSignInit(ctx, NULL, NULL, NULL, key) != 1 ||
	    EVP_DigestSign(ctx, sig, &n, (const uint8_t *)msg, strlen(msg)) != 1)
		fail("cannot sign", NULL);
	EVP_MD_CTX_free(ctx);
}

/* --- the transport stand-in ------------------------------------------------ */

/* A run's bounds when recording: a command that asks for more than this
 * is in a loop the responder does not end, and the seed would be huge. */
#define REC_MAX_FRAMES 32
#define REC_MAX_PENDING 8

/* What the CLI believes is its connection. */
struct fake {
	const uint8_t *in; /* what the server sends */
	size_t len, off;
	uint64_t last_id;
	char *server_error; /* the last id-0 error */
	char *dead;	    /* why the connection is unusable */
	bool connected;
	size_t frames_read;
	/* Recording (fuzz_client_record): the responder answers each request
	 * as it is sent, appending frames to rec, which in and len then point
	 * at. rec is owned here and kept across runs. */
	bool recording;
	uint8_t *rec;
	size_t rec_len, rec_cap, rec_frames;
	uint32_t rec_ops[REC_MAX_FRAMES]; /* the operations answered so far */
	size_t rec_nops;
	uint64_t rec_seq; /* the next audit record's sequence number */
};

static struct fake fake;

int __wrap_client_connect(const struct client_config *cfg, struct client **out, char **cause);
void __wrap_client_free(struct client *c);
int __wrap_client_send(struct client *c, Assure__Request *req, char **cause);
int __wrap_client_recv(struct client *c, Assure__Response **out, char **cause);
int __wrap_client_call(struct client *c, Assure__Request *req, Assure__Response **out,
		       char **cause);
int __wrap_client_hello(struct client *c, const char *client_name, char **cause);

static int fake_fail(char *why, char **cause)
{
	if (fake.dead == NULL)
		fake.dead = xstrdup(why);
	*cause = why;
	return -1;
}

static char *closed_message(void)
{
	if (fake.server_error != NULL)
		return xasprintf("server closed the connection: %s", fake.server_error);
	return xstrdup("server closed the connection");
}

int __wrap_client_connect(const struct client_config *cfg, struct client **out, char **cause)
{
	(void)cause;
	if (cfg->server == NULL || strcmp(cfg->server, FUZZ_SERVER) != 0)
		fail("the CLI connected to a server it was not given", cfg->server);
	fake.connected = true;
	*out = (struct client *)&fake;
	return 0;
}

void __wrap_client_free(struct client *c)
{
	if (c != NULL && c != (struct client *)&fake)
		fail("client_free of something client_connect did not return", NULL);
	fake.connected = false;
}

static void responder(const Assure__Request *req);

int __wrap_client_send(struct client *c, Assure__Request *req, char **cause)
{
	(void)c;
	if (fake.dead != NULL) {
		*cause = xstrdup(fake.dead);
		return -1;
	}
	if (req->id == 0)
		req->id = ++fake.last_id;
	size_t n = 0;
	uint8_t *frame = frame_pack(&req->base, FRAME_DEFAULT_MAX, &n);
	if (frame == NULL) {
		*cause = xasprintf("request too large (%zu bytes)",
				   protobuf_c_message_get_packed_size(&req->base));
		return -1;
	}
	/* What the CLI sends must be what the server can read. */
	Assure__Request *again =
	    assure__request__unpack(NULL, n - FRAME_HEADER_SIZE, frame + FRAME_HEADER_SIZE);
	if (again == NULL || again->op_case != req->op_case || again->id != req->id)
		fail("the CLI sent a request that does not decode as itself", NULL);
	if (fake.recording)
		responder(again);
	assure__request__free_unpacked(again, NULL);
	free(frame);
	return 0;
}

/* The next frame of the server's bytes, by client.c's rules. */
int __wrap_client_recv(struct client *c, Assure__Response **out, char **cause)
{
	(void)c;
	*out = NULL;
	if (fake.dead != NULL) {
		*cause = xstrdup(fake.dead);
		return -1;
	}
	size_t left = fake.len - fake.off;
	if (left == 0)
		return fake_fail(closed_message(), cause);
	if (left < FRAME_HEADER_SIZE)
		return fake_fail(xstrdup("connection reset by peer"), cause);
	uint32_t len = 0;
	enum frame_result fr =
	    frame_peek(fake.in + fake.off, FRAME_HEADER_SIZE, FRAME_DEFAULT_MAX, &len);
	if (fr == FRAME_EMPTY)
		return fake_fail(xstrdup("server sent an empty frame"), cause);
	if (fr == FRAME_TOO_LARGE)
		return fake_fail(xstrdup("server sent a frame over the limit"), cause);
	if (left - FRAME_HEADER_SIZE < len)
		return fake_fail(xstrdup("server closed the connection in the middle of a frame"),
				 cause);
	/* An exact-size copy, so a read past the body is caught. */
	uint8_t *body = xmalloc(len);
	memcpy(body, fake.in + fake.off + FRAME_HEADER_SIZE, len);
	fake.off += FRAME_HEADER_SIZE + len;
	Assure__Response *resp = assure__response__unpack(NULL, len, body);
	free(body);
	if (resp == NULL)
		return fake_fail(xstrdup("server sent a response that does not decode"), cause);
	if (resp->id == 0 && client_status_code(resp) != ASSURE__CODE__OK) {
		free(fake.server_error);
		fake.server_error = xstrdup(client_status_message(resp));
	}
	reached++;
	fake.frames_read++;
	*out = resp;
	return 0;
}

int __wrap_client_call(struct client *c, Assure__Request *req, Assure__Response **out, char **cause)
{
	*out = NULL;
	if (__wrap_client_send(c, req, cause) < 0)
		return -1;
	Assure__Response *resp = NULL;
	if (__wrap_client_recv(c, &resp, cause) < 0)
		return -1;
	if (resp->id == 0 && client_status_code(resp) != ASSURE__CODE__OK) {
		assure__response__free_unpacked(resp, NULL);
		*cause = closed_message();
		return -1;
	}
	if (resp->id != req->id) {
		*cause = xasprintf("response id %llu does not match request id %llu",
				   (unsigned long long)resp->id, (unsigned long long)req->id);
		assure__response__free_unpacked(resp, NULL);
		return -1;
	}
	*out = resp;
	return 0;
}

int __wrap_client_hello(struct client *c, const char *client_name, char **cause)
{
	Assure__HelloRequest hello = ASSURE__HELLO_REQUEST__INIT;
	hello.protocol_version = ASSURE_PROTOCOL_VERSION;
	hello.client_name = (char *)(client_name != NULL ? client_name : "");
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_HELLO;
	req.hello = &hello;
	Assure__Response *resp = NULL;
	if (__wrap_client_call(c, &req, &resp, cause) < 0)
		return -1;
	int code = client_status_code(resp);
	if (code != ASSURE__CODE__OK) {
		const char *msg = client_status_message(resp);
		*cause = *msg != '\0'
			     ? xstrdup(msg)
			     : xasprintf("server refused hello (%s)", status_code_name(code));
		assure__response__free_unpacked(resp, NULL);
		return -1;
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

/* --- running the CLI -------------------------------------------------------- */

static char config_dir[256];

/* The state a CLI run starts from: a stored session for FUZZ_SERVER. */
static void write_session_file(void)
{
	char path[320];
	snprintf(path, sizeof path, "%s/session", config_dir);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		fail("cannot write the session file", strerror(errno));
	fprintf(f, "# assure session: whoever can read this file is logged in as you\n"
		   "server " FUZZ_SERVER "\n"
		   "token ");
	for (int i = 0; i < 32; i++)
		fprintf(f, "%02x", 0x50 + i);
	fprintf(f, "\n");
	fclose(f);
	chmod(path, 0600);
}

static int remove_below(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st;
	(void)type;
	if (ftw->level > 0)
		remove(path);
	return 0;
}

/* Empties the configuration directory: what one run leaves there (the
 * versions `concern` records in seen/, a session login wrote) must not
 * change what the next input does, or no crash would reproduce. */
static void clear_config_dir(void)
{
	nftw(config_dir, remove_below, 8, FTW_DEPTH | FTW_PHYS);
}

static void remove_config_dir(void)
{
	clear_config_dir();
	rmdir(config_dir);
}

static void setup_once(void)
{
	if (config_dir[0] != '\0')
		return;
	const char *tmp = getenv("TMPDIR");
	snprintf(config_dir, sizeof config_dir, "%s/assure-fuzz-client-XXXXXX",
		 tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(config_dir) == NULL)
		fail("mkdtemp", strerror(errno));
	atexit(remove_config_dir);
	/* Only what the harness gives counts: no environment of the user's. */
	setenv("ASSURE_CONFIG_DIR", config_dir, 1);
	unsetenv("ASSURE_SERVER");
	unsetenv("ASSURE_CA");
	unsetenv("ASSURE_CERT");
	unsetenv("ASSURE_KEY");
	key_load();
}

/* Splits a command line at spaces into argv (after "assure", the server
 * and maybe --json); returns argc. words is overwritten. */
static int make_argv(char *words, bool json, char **argv, int max)
{
	int argc = 0;
	argv[argc++] = (char *)"assure";
	argv[argc++] = (char *)"--server";
	argv[argc++] = (char *)FUZZ_SERVER;
	if (json)
		argv[argc++] = (char *)"--json";
	for (char *save = NULL, *w = strtok_r(words, " ", &save); w != NULL && argc < max - 1;
	     w = strtok_r(NULL, " ", &save))
		argv[argc++] = w;
	argv[argc] = NULL;
	return argc;
}

struct run {
	int rc;
	char *out, *err;
	size_t out_len, err_len;
};

/* Runs one command with stdout and stderr in memory and the passwords on
 * stdin. */
static void run_cli(size_t index, bool json, struct run *r)
{
	char words[512];
	snprintf(words, sizeof words, "%s", commands[index]);
	char *argv[64];
	int argc = make_argv(words, json, argv, 64);
	clear_config_dir();
	write_session_file();
	fake.off = 0;
	fake.frames_read = 0;
	fake.last_id = 0;
	free(fake.server_error);
	fake.server_error = NULL;
	free(fake.dead);
	fake.dead = NULL;

	int pw[2];
	if (pipe(pw) != 0 || write(pw[1], FUZZ_PASSWORDS, strlen(FUZZ_PASSWORDS)) < 0)
		fail("pipe", strerror(errno));
	close(pw[1]);
	int saved_in = dup(STDIN_FILENO);
	dup2(pw[0], STDIN_FILENO);
	close(pw[0]);
	FILE *real_out = stdout, *real_err = stderr;
	stdout = open_memstream(&r->out, &r->out_len);
	stderr = open_memstream(&r->err, &r->err_len);
	if (stdout == NULL || stderr == NULL)
		fail("open_memstream", strerror(errno));
	r->rc = cli_main(argc, argv);
	fclose(stdout);
	fclose(stderr);
	stdout = real_out;
	stderr = real_err;
	dup2(saved_in, STDIN_FILENO);
	close(saved_in);
	if (fake.connected)
		fail("the CLI did not close its connection", commands[index]);
}

/* The scorecard's CSV keeps control characters in fields as they are
 * (scorecard_render.h, docs/CLI.md): a spreadsheet's file, not a
 * terminal's text. Only its UTF-8 is promised. */
static bool keeps_control_characters(const char *command)
{
	return strncmp(command, "scorecard ", 10) == 0 && strstr(command, "--format csv") != NULL;
}

static void check_utf8(const char *what, const char *s, size_t n)
{
	if (!utf8_valid(s, n))
		fail(what, "output is not valid UTF-8");
}

static void fuzz_cli(const uint8_t *data, size_t size)
{
	if (size < 3)
		return;
	size_t index = data[1] % NCOMMANDS;
	bool json = data[2] & 1;
	fake.in = data + 3;
	fake.len = size - 3;
	struct run r;
	run_cli(index, json, &r);
	if (r.rc < 0 || r.rc > AUDIT_EXIT_NOT_INTACT) {
		char rc[16];
		snprintf(rc, sizeof rc, "%d", r.rc);
		fail("an exit code outside the documented ones", rc);
	}
	check_terminal_safe(commands[index], r.err, r.err_len);
	/* --format csv is CSV with --json too (audit export; the scorecard
	 * refuses the pair), so it is held to CSV's rules. */
	if (json && strstr(commands[index], "--format csv") == NULL)
		check_json_lines(commands[index], r.out, r.out_len);
	else if (keeps_control_characters(commands[index]))
		check_utf8(commands[index], r.out, r.out_len);
	else
		check_terminal_safe(commands[index], r.out, r.out_len);
	free(r.out);
	free(r.err);
}

/* --- the parsers ------------------------------------------------------------- */

static char *text_of(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static void fuzz_audit_record(const uint8_t *data, size_t size)
{
	/* An exact-size copy: the record's texts point into it. */
	uint8_t *buf = xmalloc(size ? size : 1);
	memcpy(buf, data, size);
	struct audit_rec r;
	char *cause = NULL;
	if (audit_rec_parse(buf, size, &r, &cause) < 0) {
		free(cause);
		free(buf);
		return;
	}
	reached++;
	size_t n = 0;
	char *json = audit_rec_json_string(&r, &n);
	if (!utf8_valid(json, n) || !json_valid(json, n)) {
		fprintf(stderr, "fuzz_client: %.*s\n", (int)n, json);
		fail("audit_rec_json wrote invalid JSON", NULL);
	}
	free(json);
	char *csv = NULL;
	size_t csv_len = 0;
	FILE *f = open_memstream(&csv, &csv_len);
	audit_csv_row(f, &r);
	fclose(f);
	/* One line: CRLF at the end and nowhere else. */
	if (csv_len < 2 || memcmp(csv + csv_len - 2, "\r\n", 2) != 0 ||
	    memchr(csv, '\n', csv_len - 1) != NULL || memchr(csv, '\r', csv_len - 2) != NULL ||
	    !utf8_valid(csv, csv_len))
		fail("audit_csv_row wrote something other than one line of UTF-8", NULL);
	free(csv);
	char msg[AUDIT_SYSLOG_MAX + 16];
	memset(msg, 0xee, sizeof msg);
	size_t len = audit_syslog_format(&r, "fuzz.example", msg, AUDIT_SYSLOG_MAX);
	if (len > AUDIT_SYSLOG_MAX || memchr(msg, '\n', len) != NULL || !utf8_valid(msg, len))
		fail("audit_syslog_format: a message over the limit, broken or not UTF-8", NULL);
	for (size_t i = AUDIT_SYSLOG_MAX; i < sizeof msg; i++)
		if ((unsigned char)msg[i] != 0xee)
			fail("audit_syslog_format wrote past its buffer", NULL);
	free(buf);
}

static void fuzz_checkpoint_text(const uint8_t *data, size_t size)
{
	char *text = text_of(data, size);
	struct checkpoint cp;
	char *cause = NULL;
	if (checkpoint_parse(text, &cp, &cause) == 0) {
		reached++;
		if (checkpoint_verify(&cp, cp.origin, key_pub, &cause) < 0)
			free(cause);
		checkpoint_clear(&cp);
	} else {
		free(cause);
	}
	free(text);
}

static void fuzz_checkpoint_message(const uint8_t *data, size_t size)
{
	Assure__Checkpoint *cp = assure__checkpoint__unpack(NULL, size, data);
	if (cp == NULL)
		return;
	reached++;
	char *cause = NULL;
	merkle_hash root;
	memset(root, 0, sizeof root);
	if (audit_checkpoint_check(cp, cp->origin, key_pub, NULL, &cause) < 0)
		free(cause);
	if (audit_checkpoint_check(cp, FUZZ_ORIGIN, key_pub, root, &cause) < 0)
		free(cause);
	assure__checkpoint__free_unpacked(cp, NULL);
}

static void fuzz_config(const uint8_t *data, size_t size)
{
	char *text = text_of(data, size);
	struct config *cfg = NULL;
	char *cause = NULL;
	if (config_parse_string(text, "fuzz.conf", &cfg, &cause) < 0) {
		free(cause);
		free(text);
		return;
	}
	reached++;
	for (size_t i = 0; i < cfg->n; i++) {
		const char *v = cfg->entries[i].value;
		if (config_find(cfg, cfg->entries[i].key) == NULL)
			fail("config_find does not find a parsed key", cfg->entries[i].key);
		uint64_t u;
		int b;
		char *host = NULL, *port = NULL;
		if (config_parse_u64(v, 0, UINT64_MAX, &u, &cause) < 0)
			free(cause);
		if (config_parse_duration(v, &u, &cause) < 0)
			free(cause);
		if (config_parse_size(v, &u, &cause) < 0)
			free(cause);
		if (config_parse_bool(v, &b, &cause) < 0)
			free(cause);
		if (config_parse_hostport(v, &host, &port, &cause) < 0) {
			free(cause);
		} else {
			free(host);
			free(port);
		}
	}
	config_free(cfg);
	free(text);
}

static void fuzz_table(const uint8_t *data, size_t size)
{
	if (size < 2)
		return;
	size_t ncols = 1 + data[1] % 6;
	char *text = text_of(data + 2, size - 2);
	static const char *const headers[] = {"REF", "NAME", "STATE", "DUE", "OWNER", "NOTE"};
	struct cli_columns *t = cli_columns_new(headers, ncols);
	char *out = NULL;
	size_t out_len = 0;
	FILE *json_out = open_memstream(&out, &out_len);
	struct cli_json j;
	cli_json_init(&j, json_out);
	cli_json_array_begin(&j);
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		const char *cells[6] = {NULL};
		char *cell_save = NULL;
		size_t k = 0;
		for (char *c = strtok_r(line, "\t", &cell_save); c != NULL && k < ncols;
		     c = strtok_r(NULL, "\t", &cell_save))
			cells[k++] = c;
		cli_columns_add(t, cells);
		cli_json_array_begin(&j);
		for (size_t i = 0; i < ncols; i++)
			cli_json_string(&j, cells[i]);
		cli_json_array_end(&j);
		reached++;
	}
	cli_json_array_end(&j);
	fclose(json_out);
	check_json_lines("cli_json", out, out_len);
	free(out);
	out = NULL;
	FILE *table_out = open_memstream(&out, &out_len);
	cli_columns_print(t, table_out);
	fclose(table_out);
	check_terminal_safe("cli_columns", out, out_len);
	for (size_t i = 0; i < out_len; i++)
		if (out[i] == '\n' && i > 0 && out[i - 1] == ' ')
			fail("cli_columns: a line ends in blanks", NULL);
	free(out);
	cli_columns_free(t);
	free(text);
}

static void fuzz_time(const uint8_t *data, size_t size)
{
	char *text = text_of(data, size);
	int64_t ms;
	if (audit_parse_time(text, &ms) == 0)
		reached++;
	free(text);
}

static void fuzz_state(const uint8_t *data, size_t size)
{
	char path[320];
	snprintf(path, sizeof path, "%s/state", config_dir);
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
		fail("cannot write the state file", strerror(errno));
	struct audit_state st;
	char *cause = NULL;
	int rc = audit_state_load(config_dir, &st, &cause);
	if (rc < 0)
		free(cause);
	else if (rc == 0)
		reached++;
	if (rc == 0 && st.seq != st.frontier.size)
		fail("audit_state_load accepted a frontier that does not match seq", NULL);
	unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	setup_once();
	if (size < 1)
		return 0;
	const uint8_t *rest = data + 1;
	size_t n = size - 1;
	switch (data[0] % FUZZ_MODES) {
	case 0:
		fuzz_cli(data, size);
		break;
	case 1:
		fuzz_audit_record(rest, n);
		break;
	case 2:
		fuzz_checkpoint_text(rest, n);
		break;
	case 3:
		fuzz_checkpoint_message(rest, n);
		break;
	case 4:
		fuzz_config(rest, n);
		break;
	case 5:
		fuzz_table(data, size);
		break;
	case 6:
		fuzz_time(rest, n);
		break;
	case 7:
		fuzz_state(rest, n);
		break;
	}
	return 0;
}

/* --- the responder: plausible answers, for the seeds -------------------------- */

/* Seeds are kept small (and under the replay driver's input cap) by
 * filling nested messages only so deep, and repeated fields with two
 * elements: enough for a list to have a first and a next row. */
#define FILL_DEPTH 4
#define FILL_ITEMS 2
/* 2026-12-01T10:00:00Z, the seeds' "now" for every time the server sends. */
#define FILL_UNIX_S 1796119200LL

struct filler {
	struct arena *a;
	bool later; /* an answer to an operation already answered in this run */
};

static ProtobufCMessage *fill_new(struct filler *fl, const ProtobufCMessageDescriptor *d,
				  int depth);

static bool ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), k = strlen(tail);
	return n >= k && strcmp(s + n - k, tail) == 0;
}

/* Texts shaped by the field's name, since the CLI shows dates and times as
 * given; anything else is the field's own name, so outputs read as what
 * they are. */
static char *fill_string(struct filler *fl, const ProtobufCFieldDescriptor *f)
{
	const char *n = f->name;
	if (strcmp(n, "next_page_token") == 0)
		/* One more page on the first answer, none after: every list
		 * pages once and ends (cli_rpc_list_all, query_each, the
		 * scorecard's keyset paging, which wants the token to grow). */
		return arena_strdup(fl->a, fl->later ? "" : "p2");
	if (strcmp(n, "origin") == 0 || strcmp(n, "key_name") == 0)
		return arena_strdup(fl->a, FUZZ_ORIGIN);
	if (strstr(n, "time") != NULL || ends_with(n, "_at") || strcmp(n, "at") == 0)
		return arena_strdup(fl->a, "2026-12-01T10:00:00.000Z");
	static const char *const dates[] = {"date",	"due",	"start",	   "end",
					    "received", "done", "hearing_offered", "notice_sent"};
	for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++)
		if (strcmp(n, dates[i]) == 0 ||
		    (ends_with(n, dates[i]) && n[strlen(n) - strlen(dates[i]) - 1] == '_'))
			return arena_strdup(fl->a, "2026-12-01");
	if (strstr(n, "year") != NULL)
		return arena_strdup(fl->a, "2025/26");
	/* Values the renderers tell apart (scorecard_render.c). */
	if (strcmp(n, "rag") == 0 || ends_with(n, "_rag"))
		return arena_strdup(fl->a, "amber");
	if (strcmp(n, "state") == 0)
		return arena_strdup(fl->a, "finalised");
	return arena_strdup(fl->a, n);
}

static int64_t fill_int(const ProtobufCFieldDescriptor *f)
{
	const char *n = f->name;
	if (strcmp(n, "protocol_version") == 0)
		return ASSURE_PROTOCOL_VERSION;
	if (ends_with(n, "_ms"))
		return FILL_UNIX_S * 1000;
	if (ends_with(n, "_at") || strcmp(n, "at") == 0 || strstr(n, "time") != NULL)
		return FILL_UNIX_S;
	/* Small, positive and not all alike. */
	return 1 + (int64_t)(f->id % 5);
}

/* One value of field f at p (an element of a repeated field, or the
 * member itself). */
static void fill_value(struct filler *fl, const ProtobufCFieldDescriptor *f, void *p, int depth)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		*(int32_t *)p = (int32_t)fill_int(f);
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		*(uint32_t *)p = (uint32_t)fill_int(f);
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		*(int64_t *)p = fill_int(f);
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		*(uint64_t *)p = (uint64_t)fill_int(f);
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		*(float *)p = 1.5f;
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		*(double *)p = 1.5;
		break;
	case PROTOBUF_C_TYPE_BOOL:
		/* True, so "ok" answers pass and flags show. */
		*(protobuf_c_boolean *)p = 1;
		break;
	case PROTOBUF_C_TYPE_ENUM: {
		/* The first value after the zero one, which is mostly
		 * UNSPECIFIED. */
		const ProtobufCEnumDescriptor *ed = f->descriptor;
		*(int *)p = ed->values[ed->n_values > 1 ? 1 : 0].value;
		break;
	}
	case PROTOBUF_C_TYPE_STRING:
		*(char **)p = fill_string(fl, f);
		break;
	case PROTOBUF_C_TYPE_BYTES: {
		/* 32 bytes: the length of every hash, token and key. */
		ProtobufCBinaryData *b = p;
		b->len = 32;
		b->data = arena_alloc(fl->a, b->len);
		for (size_t i = 0; i < b->len; i++)
			b->data[i] = (uint8_t)(0xa0 + i);
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE:
		*(ProtobufCMessage **)p =
		    depth < FILL_DEPTH ? fill_new(fl, f->descriptor, depth + 1) : NULL;
		break;
	}
}

static size_t fill_size(const ProtobufCFieldDescriptor *f)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_ENUM:
		return sizeof(int);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(ProtobufCMessage *);
	default:
		return 4;
	}
}

/* A real checkpoint of a two-record log, signed with the harness key, so
 * the CLI's signature check passes. */
static void fill_checkpoint(struct filler *fl, Assure__Checkpoint *cp)
{
	merkle_hash root;
	hash_sha256("assure fuzz root", 16, root);
	char *body = checkpoint_body(FUZZ_ORIGIN, 2, root);
	uint8_t sig[HASH_ED25519_SIG_LEN];
	key_sign(body, sig);
	char *note = checkpoint_signed_note(body, FUZZ_ORIGIN, key_pub, sig);
	cp->origin = arena_strdup(fl->a, FUZZ_ORIGIN);
	cp->tree_size = 2;
	cp->root_hash.data = arena_memdup(fl->a, root, MERKLE_HASH_LEN);
	cp->root_hash.len = MERKLE_HASH_LEN;
	cp->time_ms = FILL_UNIX_S * 1000;
	cp->note = arena_strdup(fl->a, body);
	cp->signature.data = arena_memdup(fl->a, sig, sizeof sig);
	cp->signature.len = sizeof sig;
	cp->signed_note = arena_strdup(fl->a, note);
	cp->key_name = arena_strdup(fl->a, FUZZ_ORIGIN);
	free(body);
	free(note);
}

/* A stored record: its bytes are an AuditRecord, numbered in order. */
static void fill_entry(struct filler *fl, Assure__AuditEntry *e)
{
	Assure__AuditRecord *r =
	    (Assure__AuditRecord *)fill_new(fl, &assure__audit_record__descriptor, FILL_DEPTH);
	r->seq = e->seq = fake.rec_seq++;
	r->action = arena_strdup(fl->a, "U");
	r->event = arena_strdup(fl->a, "UserSet");
	r->outcome = 0;
	r->status = arena_strdup(fl->a, "OK");
	r->object_type = arena_strdup(fl->a, "user");
	r->object_id = arena_strdup(fl->a, "dana");
	e->record.len = assure__audit_record__get_packed_size(r);
	e->record.data = arena_alloc(fl->a, e->record.len ? e->record.len : 1);
	assure__audit_record__pack(r, e->record.data);
}

static ProtobufCMessage *fill_new(struct filler *fl, const ProtobufCMessageDescriptor *d, int depth)
{
	ProtobufCMessage *m = arena_alloc(fl->a, d->sizeof_message);
	protobuf_c_message_init(d, m);
	char *base = (char *)m;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			/* The first member of each oneof. */
			uint32_t *which = (uint32_t *)(base + f->quantifier_offset);
			if (*which != 0)
				continue;
			*which = f->id;
		} else if (f->label == PROTOBUF_C_LABEL_OPTIONAL &&
			   f->type != PROTOBUF_C_TYPE_MESSAGE &&
			   f->type != PROTOBUF_C_TYPE_STRING) {
			*(protobuf_c_boolean *)(base + f->quantifier_offset) = 1;
		}
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			/* Past the depth, lists are empty rather than of NULLs. */
			size_t n = f->type == PROTOBUF_C_TYPE_MESSAGE && depth >= FILL_DEPTH
				       ? 0
				       : FILL_ITEMS;
			char *items = arena_alloc(fl->a, fill_size(f) * FILL_ITEMS);
			for (size_t k = 0; k < n; k++)
				fill_value(fl, f, items + k * fill_size(f), depth);
			*(size_t *)(base + f->quantifier_offset) = n;
			*(void **)(base + f->offset) = items;
		} else {
			fill_value(fl, f, base + f->offset, depth);
		}
	}
	if (d == &assure__checkpoint__descriptor)
		fill_checkpoint(fl, (Assure__Checkpoint *)m);
	else if (d == &assure__audit_entry__descriptor)
		fill_entry(fl, (Assure__AuditEntry *)m);
	else if (d == &assure__audit_checkpoint_response__descriptor)
		((Assure__AuditCheckpointResponse *)m)->public_key.data =
		    arena_memdup(fl->a, key_pub, sizeof key_pub);
	return m;
}

static void rec_append(const Assure__Response *resp)
{
	size_t n = 0;
	uint8_t *frame = frame_pack(&resp->base, FRAME_DEFAULT_MAX, &n);
	if (frame == NULL)
		fail("the responder made a response over the frame limit", NULL);
	if (fake.rec_cap - fake.rec_len < n)
		fake.rec = xrealloc(fake.rec, fake.rec_cap = (fake.rec_len + n) * 2);
	memcpy(fake.rec + fake.rec_len, frame, n);
	fake.rec_len += n;
	fake.rec_frames++;
	free(frame);
	fake.in = fake.rec;
	fake.len = fake.rec_len;
}

/* Answers req as a server with every record in place would: its result
 * (the Response field of the same number as the Request's operation, as
 * cli_rpc finds it) filled by the descriptors, status OK. A subscription
 * gets one batch and then the end of the session, as when the server
 * ends a stream, so `audit tail` stops. */
static void responder(const Assure__Request *req)
{
	if (fake.rec_frames >= REC_MAX_FRAMES ||
	    fake.rec_frames - fake.frames_read >= REC_MAX_PENDING)
		return;
	struct filler fl = {arena_new(), false};
	for (size_t i = 0; i < fake.rec_nops; i++)
		fl.later |= fake.rec_ops[i] == (uint32_t)req->op_case;
	if (!fl.later && fake.rec_nops < REC_MAX_FRAMES)
		fake.rec_ops[fake.rec_nops++] = (uint32_t)req->op_case;

	/* Records come numbered from where the CLI asked, as `audit tail`
	 * checks. */
	if (req->op_case == ASSURE__REQUEST__OP_AUDIT_SUBSCRIBE)
		fake.rec_seq = req->audit_subscribe->from_seq ? req->audit_subscribe->from_seq : 1;
	else if (req->op_case == ASSURE__REQUEST__OP_AUDIT_QUERY && !fl.later &&
		 req->audit_query->from_seq != 0)
		fake.rec_seq = req->audit_query->from_seq;

	Assure__Status ok = ASSURE__STATUS__INIT;
	ok.code = ASSURE__CODE__OK;
	ok.message = (char *)"";
	Assure__Response resp = ASSURE__RESPONSE__INIT;
	resp.id = req->id;
	resp.status = &ok;
	const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field(
	    &assure__response__descriptor, (unsigned)req->op_case);
	if (f == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE)
		fail("the CLI sent an operation without a response", NULL);
	resp.result_case = (Assure__Response__ResultCase)f->id;
	*(ProtobufCMessage **)((char *)&resp + f->offset) = fill_new(&fl, f->descriptor, 1);
	rec_append(&resp);

	if (req->op_case == ASSURE__REQUEST__OP_AUDIT_SUBSCRIBE) {
		Assure__Status end = ASSURE__STATUS__INIT;
		end.code = ASSURE__CODE__UNAUTHENTICATED;
		end.message = (char *)"session ended";
		Assure__Response last = ASSURE__RESPONSE__INIT;
		last.id = req->id;
		last.status = &end;
		rec_append(&last);
	}
	arena_free(fl.a);
}

/* --- recording the seeds ------------------------------------------------------- */

static int write_seed(const char *dir, const char *name, const uint8_t *head, size_t head_len,
		      const void *body, size_t body_len)
{
	char *path = xasprintf("%s/%s.bin", dir, name);
	FILE *f = fopen(path, "wb");
	int rc = 0;
	if (f == NULL || fwrite(head, 1, head_len, f) != head_len ||
	    fwrite(body, 1, body_len, f) != body_len) {
		fprintf(stderr, "fuzz_client: cannot write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	if (f != NULL && fclose(f) != 0 && rc == 0) {
		fprintf(stderr, "fuzz_client: cannot write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	free(path);
	return rc;
}

static int write_text_seed(const char *dir, const char *name, uint8_t mode, const char *text)
{
	return write_seed(dir, name, &mode, 1, text, strlen(text));
}

/* Runs command index against the responder and writes its seed. The
 * --json seed is kept only where --json is allowed and changes the
 * output. Returns 0 when the command ended as it does against a real
 * server, else -1 (the reason printed). */
static int record_command(const char *dir, size_t index, bool json, const struct run *plain,
			  struct run *r)
{
	/* A stream ends only when the server ends it (see responder). */
	int expected =
	    strncmp(commands[index], "audit tail", 10) == 0 ? EXIT_CODE_UNAUTHENTICATED : 0;
	fake.recording = true;
	fake.rec_len = 0;
	fake.rec_frames = 0;
	fake.rec_nops = 0;
	fake.rec_seq = 1;
	fake.in = NULL;
	fake.len = 0;
	run_cli(index, json, r);
	fake.recording = false;
	/* Some commands refuse --json (scorecard --format csv). */
	if (json && r->rc == EXIT_CODE_USAGE)
		return 0;
	if (r->rc != expected) {
		fprintf(stderr, "fuzz_client: %s%s exited %d: %.*s", json ? "--json " : "",
			commands[index], r->rc, (int)r->err_len, r->err);
		return -1;
	}
	if (plain != NULL && plain->out_len == r->out_len &&
	    memcmp(plain->out, r->out, r->out_len) == 0)
		return 0;
	char name[32];
	snprintf(name, sizeof name, "cli_%02zu%s", index, json ? "_json" : "");
	uint8_t head[3] = {0, (uint8_t)index, json ? 1 : 0};
	return write_seed(dir, name, head, sizeof head, fake.rec, fake.rec_len);
}

/* The parsers' seeds, each made by the writer of what it parses. */
static int record_parsers(const char *dir)
{
	int rc = 0;
	struct filler fl = {arena_new(), false};

	/* 1: a stored record, and one whose texts need every escape. */
	fake.rec_seq = 1;
	Assure__AuditEntry *e =
	    (Assure__AuditEntry *)fill_new(&fl, &assure__audit_entry__descriptor, 1);
	uint8_t mode = 1;
	rc |= write_seed(dir, "record", &mode, 1, e->record.data, e->record.len);
	Assure__AuditRecord *odd =
	    (Assure__AuditRecord *)fill_new(&fl, &assure__audit_record__descriptor, FILL_DEPTH);
	odd->username = (char *)"=cmd|' /C calc'!A0";
	odd->reason = (char *)"line\nbreak\ttab\x1b[31m \\ \"quoted\" caf\xc3\xa9 \xff\xfe";
	odd->object_id = (char *)"\xe2\x80\x8b\xf0\x9f\x98\x80";
	size_t n = assure__audit_record__get_packed_size(odd);
	uint8_t *buf = arena_alloc(fl.a, n);
	assure__audit_record__pack(odd, buf);
	rc |= write_seed(dir, "record_escapes", &mode, 1, buf, n);

	/* 2 and 3: the checkpoint as text and as the server's message. */
	Assure__Checkpoint *cp =
	    (Assure__Checkpoint *)fill_new(&fl, &assure__checkpoint__descriptor, 1);
	rc |= write_text_seed(dir, "checkpoint_note", 2, cp->signed_note);
	n = assure__checkpoint__get_packed_size(cp);
	buf = arena_alloc(fl.a, n);
	assure__checkpoint__pack(cp, buf);
	mode = 3;
	rc |= write_seed(dir, "checkpoint_message", &mode, 1, buf, n);

	/* 4: a configuration file with a value for each parser. */
	rc |= write_text_seed(dir, "config", 4,
			      "# assure client configuration\n"
			      "server = assured.example.org:7443\n"
			      "ca = ~/ca.pem\n"
			      "max-frame = 1MiB\n"
			      "timeout = 30s\n"
			      "idle = 12h\n"
			      "count = 18446744073709551615\n"
			      "tls = yes\n"
			      "v6 = [::1]:7443\n"
			      "quoted = \"a # not a comment\"\n");

	/* 5: a table of four columns (byte 1 is the count less one). */
	rc |= write_text_seed(dir, "table", 5,
			      "\x03"
			      "CON-2026-0001\tDana Smith\ttriaged\t2026-12-01\n"
			      "CON-2026-0002\t\xe5\xb1\xb1\xe7\x94\xb0 \xe5\xa4\xaa\xe9\x83\x8e\t"
			      "open\t\n"
			      "CON-2026-0003\tcaf\xc3\xa9\tclosed\t2027-01-31\n");

	/* 6: the times audit query --since takes. */
	rc |= write_text_seed(dir, "time", 6, "2026-11-23T10:00:00Z");
	rc |= write_text_seed(dir, "time_offset", 6, "2026-11-23t10:00:00.123+01:30");
	rc |= write_text_seed(dir, "time_date", 6, "2026-11-23");

	/* 7: assure-audit's state after two records, by its own writer. */
	struct audit_state st;
	audit_state_init(&st);
	snprintf(st.origin, sizeof st.origin, "%s", FUZZ_ORIGIN);
	st.has_pub = 1;
	memcpy(st.pub, key_pub, sizeof st.pub);
	for (int i = 0; i < 2; i++) {
		merkle_hash leaf;
		merkle_leaf_hash(&i, sizeof i, leaf);
		merkle_frontier_append(&st.frontier, leaf, NULL, NULL);
	}
	st.seq = st.frontier.size;
	st.time_ms = FILL_UNIX_S * 1000;
	char *cause = NULL;
	if (audit_state_save(config_dir, &st, &cause) < 0) {
		fprintf(stderr, "fuzz_client: %s\n", cause);
		free(cause);
		rc = -1;
	} else {
		char *path = xasprintf("%s/state", config_dir);
		FILE *f = fopen(path, "rb");
		char text[4096];
		size_t len = f != NULL ? fread(text, 1, sizeof text - 1, f) : 0;
		if (f != NULL)
			fclose(f);
		text[len] = '\0';
		unlink(path);
		free(path);
		rc |= len > 0 ? write_text_seed(dir, "state", 7, text) : -1;
	}
	arena_free(fl.a);
	return rc;
}

int fuzz_client_record(const char *dir)
{
	setup_once();
	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "fuzz_client: mkdir %s: %s\n", dir, strerror(errno));
		return 1;
	}
	int failed = 0;
	for (size_t i = 0; i < NCOMMANDS; i++) {
		struct run plain, json;
		failed |= record_command(dir, i, false, NULL, &plain) != 0;
		failed |= record_command(dir, i, true, &plain, &json) != 0;
		free(plain.out);
		free(plain.err);
		free(json.out);
		free(json.err);
	}
	failed |= record_parsers(dir) != 0;
	free(fake.rec);
	fake.rec = NULL;
	fake.rec_len = fake.rec_cap = 0;
	return failed ? 1 : 0;
}

#ifdef FUZZ_CLIENT_SEEDS
/* fuzz_client_seeds DIR: the seed corpus of this target (tests/CMakeLists.txt). */
int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: fuzz_client_seeds DIR\n");
		return 2;
	}
	return fuzz_client_record(argv[1]);
}
#endif
