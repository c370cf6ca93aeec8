/*
 * assure audit query, export, verify, tail and checkpoint: the auditor's
 * view of the audit trail (permission audit.read). Records arrive as the
 * exact bytes the server hashed; every command reads them with
 * audit_rec_parse and prints them with the writers of audit_common.c, so
 * the text users put into the trail cannot break a table, a JSON
 * document, a CSV file or a terminal.
 *
 * verify does not take the server's word alone: beside the server's own
 * full check (AuditVerify) it checks the latest checkpoint's signature
 * here, with a key the auditor holds (--pubkey) when given, and proves
 * with merkle_verify_consistency that the log still extends a checkpoint
 * saved earlier (--trusted-checkpoint), so a server that rewrote history
 * and re-signed it is caught by anyone who kept an old checkpoint.
 *
 * Exit 11 (AUDIT_EXIT_NOT_INTACT) means the trail failed a check; other
 * failures use the usual codes.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit_common.h"
#include "checkpoint.h"
#include "cli.h"
#include "cli_columns.h"
#include "cli_json.h"
#include "client.h"
#include "hash.h"
#include "merkle.h"
#include "status.h"
#include "timeutil.h"
#include "xmalloc.h"

#define AUDIT_PAGE 5000			/* the server's largest page */
#define AUDIT_CHECKPOINT_FILE_MAX 65536 /* a note is a few hundred bytes */
#define AUDIT_PROGRESS_MS 2000

/* Parses an entry's record; prints the failure and returns an exit code. */
static int entry_rec(const Assure__AuditEntry *e, struct audit_rec *r)
{
	char *cause = NULL;
	if (audit_rec_parse(e->record.data, e->record.len, r, &cause) < 0) {
		int rc = cli_error(EXIT_CODE_INTERNAL, "record %" PRIu64 ": %s", e->seq, cause);
		free(cause);
		return rc;
	}
	if (r->seq != e->seq)
		return cli_error(EXIT_CODE_INTERNAL,
				 "record %" PRIu64 " carries sequence number %" PRIu64, e->seq,
				 r->seq);
	return 0;
}

/* A text as a C string for display (a NUL ends it there). Caller frees. */
static char *text_dup(struct audit_text t)
{
	return xstrndup(t.p, t.n);
}

/* --- the record table ------------------------------------------------- */

static const char *const rec_headers[] = {"SEQ",   "TIME",    "USER",	"ROLE",
					  "EVENT", "OUTCOME", "OBJECT", "REASON"};
#define REC_NCOLS 8

/* Fills cells[0..REC_NCOLS) with new strings. OUTCOME shows the status
 * name beside a failure's grade, so "8 PERMISSION_DENIED" reads at once. */
static void rec_cells(const struct audit_rec *r, char **cells)
{
	char *status = text_dup(r->status);
	char *otype = text_dup(r->object_type), *oid = text_dup(r->object_id);
	cells[0] = xasprintf("%" PRIu64, r->seq);
	cells[1] = text_dup(r->time);
	cells[2] = text_dup(r->username);
	cells[3] = text_dup(r->role);
	cells[4] = text_dup(r->event);
	cells[5] = r->outcome == 0 || *status == '\0'
		       ? xasprintf("%" PRIu32, r->outcome)
		       : xasprintf("%" PRIu32 " %s", r->outcome, status);
	cells[6] = *otype == '\0' && *oid == '\0' ? xstrdup("") : xasprintf("%s:%s", otype, oid);
	cells[7] = text_dup(r->reason);
	free(status);
	free(otype);
	free(oid);
}

static void free_cells(char **cells, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(cells[i]);
}

/* --- assure audit query ----------------------------------------------- */

static int parse_time_flag(const char *flag, const char *value, int64_t *ms)
{
	if (audit_parse_time(value, ms) < 0)
		return cli_error(EXIT_CODE_USAGE,
				 "--%s: \"%s\" is not a time (2026-11-23T10:00:00Z or 2026-11-23)",
				 flag, value);
	return 0;
}

/* Maps --action: the proto's letters, or the words they stand for. */
static const char *parse_action(const char *s)
{
	static const char *const words[][2] = {
	    {"create", "C"}, {"read", "R"}, {"update", "U"}, {"delete", "D"}, {"execute", "E"},
	    {"c", "C"},	     {"r", "R"},    {"u", "U"},	     {"d", "D"},      {"e", "E"}};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasecmp(s, words[i][0]) == 0)
			return words[i][1];
	return NULL;
}

/* Fills q from the flags; 0 or EXIT_CODE_USAGE with the error printed.
 * q's strings point into argv, or at static strings. */
static int query_from_flags(struct cli *cli, Assure__AuditQueryRequest *q)
{
	assure__audit_query_request__init(q);
	q->outcome = -1;
	const char *v;
	if ((v = cli_flag(cli, "since")) != NULL && parse_time_flag("since", v, &q->since_ms) != 0)
		return EXIT_CODE_USAGE;
	if ((v = cli_flag(cli, "until")) != NULL && parse_time_flag("until", v, &q->until_ms) != 0)
		return EXIT_CODE_USAGE;
	if (q->since_ms != 0 && q->until_ms != 0 && q->until_ms <= q->since_ms)
		return cli_error(EXIT_CODE_USAGE, "--until must be later than --since");
	if ((v = cli_flag(cli, "user")) != NULL)
		q->username = (char *)v;
	if ((v = cli_flag(cli, "event")) != NULL)
		q->event = (char *)v;
	if ((v = cli_flag(cli, "action")) != NULL) {
		const char *a = parse_action(v);
		if (a == NULL)
			return cli_error(
			    EXIT_CODE_USAGE,
			    "--action: \"%s\" is not one of C, R, U, D, E (create, read, "
			    "update, delete, execute)",
			    v);
		q->action = (char *)a;
	}
	if ((v = cli_flag(cli, "object")) != NULL) {
		/* TYPE:ID; a bare TYPE (or "TYPE:") matches every object of
		 * the type. The id is everything after the first colon. */
		static char type[64];
		const char *colon = strchr(v, ':');
		size_t tn = colon != NULL ? (size_t)(colon - v) : strlen(v);
		if (tn == 0 || tn >= sizeof type)
			return cli_error(EXIT_CODE_USAGE,
					 "--object: \"%s\" is not TYPE:ID (for example user:alice)",
					 v);
		memcpy(type, v, tn);
		type[tn] = '\0';
		q->object_type = type;
		if (colon != NULL)
			q->object_id = (char *)colon + 1;
	}
	if ((v = cli_flag(cli, "outcome")) != NULL) {
		if (strcmp(v, "0") == 0 || strcmp(v, "4") == 0 || strcmp(v, "8") == 0 ||
		    strcmp(v, "12") == 0)
			q->outcome = atoi(v);
		else
			return cli_error(
			    EXIT_CODE_USAGE,
			    "--outcome: \"%s\" is not one of 0 (success), 4 (minor), 8 "
			    "(serious), 12 (major failure)",
			    v);
	}
	return 0;
}

static int cmd_audit_query_check(struct cli *cli)
{
	Assure__AuditQueryRequest q;
	return query_from_flags(cli, &q);
}

/*
 * Runs q page by page, calling each(arg, entry) for every record in order.
 * each returns 0 to go on or an exit code to stop with. Returns 0 or an
 * exit code with the error printed.
 */
static int query_each(struct cli *cli, Assure__AuditQueryRequest *q,
		      int (*each)(void *arg, const Assure__AuditEntry *e), void *arg)
{
	char *token = xstrdup("");
	int rc = 0;
	q->page_size = AUDIT_PAGE;
	for (;;) {
		q->page_token = token;
		Assure__Response *resp = NULL;
		rc = cli_rpc(cli, ASSURE__REQUEST__OP_AUDIT_QUERY, q, &resp);
		if (rc != 0)
			break;
		const Assure__AuditQueryResponse *r = resp->audit_query;
		for (size_t i = 0; i < r->n_entries && rc == 0; i++)
			rc = each(arg, r->entries[i]);
		free(token);
		token = xstrdup(cli_str(r->next_page_token));
		assure__response__free_unpacked(resp, NULL);
		if (rc != 0 || *token == '\0')
			break;
	}
	free(token);
	q->page_token = NULL;
	return rc;
}

struct query_out {
	struct cli_columns *table; /* NULL for --json */
	size_t n;
};

static int query_print_one(void *arg, const Assure__AuditEntry *e)
{
	struct query_out *o = arg;
	struct audit_rec r;
	int rc = entry_rec(e, &r);
	if (rc != 0)
		return rc;
	if (o->table != NULL) {
		char *cells[REC_NCOLS];
		rec_cells(&r, cells);
		cli_columns_add(o->table, (const char *const *)cells);
		free_cells(cells, REC_NCOLS);
	} else {
		/* Streamed, so a large answer is never held whole. */
		if (o->n > 0)
			fputc(',', stdout);
		audit_rec_json(stdout, &r);
	}
	o->n++;
	return 0;
}

static int cmd_audit_query_exec(struct cli *cli)
{
	Assure__AuditQueryRequest q;
	int rc = query_from_flags(cli, &q);
	if (rc != 0)
		return rc;
	struct query_out o = {NULL, 0};
	if (!cli->json)
		o.table = cli_columns_new(rec_headers, REC_NCOLS);
	else
		fputc('[', stdout);
	rc = query_each(cli, &q, query_print_one, &o);
	if (cli->json) {
		fputs("]\n", stdout);
	} else {
		if (rc == 0)
			cli_columns_print(o.table, stdout);
		cli_columns_free(o.table);
	}
	return rc;
}

static const struct cli_flag audit_query_flags[] = {
    {"since", "T", 0, "records at or after T (2026-11-23T10:00:00Z, or a date: its midnight UTC)"},
    {"until", "T", 0, "records before T"},
    {"user", "U", 0, "records of this user name"},
    {"action", "A", 0, "C, R, U, D or E (create, read, update, delete, execute)"},
    {"event", "NAME", 0, "records of this request type (UserAdd, Login, ...)"},
    {"object", "TYPE:ID", 0,
     "records about this object (user:alice); TYPE alone for any of a type"},
    {"outcome", "N", 0, "0 success, 4 minor, 8 serious, 12 major failure"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_audit_query = {
    .noun = "audit",
    .verb = "query",
    .summary = "search the audit trail",
    .help = "Lists the audit records that match every filter given, oldest first, as a\n"
	    "table (SEQ TIME USER ROLE EVENT OUTCOME OBJECT REASON). --json prints one\n"
	    "JSON array of records, each with every AuditRecord field by its proto name\n"
	    "and \"leaf_hash\" (hex SHA-256 of 0x00 and the stored bytes). Needs the\n"
	    "auditor role (audit.read).",
    .needs = CLI_SESSION,
    .flags = audit_query_flags,
    .check = cmd_audit_query_check,
    .exec = cmd_audit_query_exec,
};

/* --- assure audit export ---------------------------------------------- */

struct export_out {
	int csv;
	uint64_t n;
	uint64_t last_seq;
	int64_t started, last_progress;
	int progressed;
};

static int export_one(void *arg, const Assure__AuditEntry *e)
{
	struct export_out *o = arg;
	struct audit_rec r;
	int rc = entry_rec(e, &r);
	if (rc != 0)
		return rc;
	if (o->csv) {
		audit_csv_row(stdout, &r);
	} else {
		audit_rec_json(stdout, &r);
		fputc('\n', stdout);
	}
	if (ferror(stdout))
		return cli_error(EXIT_CODE_INTERNAL, "cannot write output: %s", strerror(errno));
	o->n++;
	o->last_seq = r.seq;
	int64_t now = time_mono_ms();
	if (now - o->last_progress >= AUDIT_PROGRESS_MS) {
		/* Only long exports report, so a short one's stderr stays
		 * empty for scripts. */
		fprintf(stderr,
			"assure audit export: %" PRIu64 " records so far (up to seq %" PRIu64 ")\n",
			o->n, o->last_seq);
		o->last_progress = now;
		o->progressed = 1;
	}
	return 0;
}

static int cmd_audit_export_check(struct cli *cli)
{
	const char *f = cli_flag(cli, "format");
	if (f != NULL && strcmp(f, "jsonl") != 0 && strcmp(f, "csv") != 0)
		return cli_error(EXIT_CODE_USAGE, "--format: \"%s\" is not jsonl or csv", f);
	const char *from = cli_flag(cli, "from-seq");
	uint64_t n;
	return from != NULL ? cli_parse_number(from, "--from-seq", INT64_MAX, &n) : 0;
}

static int cmd_audit_export_exec(struct cli *cli)
{
	Assure__AuditQueryRequest q;
	assure__audit_query_request__init(&q);
	q.outcome = -1;
	q.from_seq = 1;
	const char *from = cli_flag(cli, "from-seq");
	if (from != NULL && cli_parse_number(from, "--from-seq", INT64_MAX, &q.from_seq) != 0)
		return EXIT_CODE_USAGE;
	const char *f = cli_flag(cli, "format");
	struct export_out o = {0};
	o.csv = f != NULL && strcmp(f, "csv") == 0;
	o.started = o.last_progress = time_mono_ms();
	if (o.csv)
		audit_csv_header(stdout);
	int rc = query_each(cli, &q, export_one, &o);
	if (rc == 0 && o.progressed)
		fprintf(stderr,
			"assure audit export: done, %" PRIu64 " records (up to seq %" PRIu64 ")\n",
			o.n, o.last_seq);
	return rc;
}

static const struct cli_flag audit_export_flags[] = {
    {"from-seq", "N", 0, "start at record N (default 1: the whole trail)"},
    {"format", "jsonl|csv", 0, "JSON Lines (the default) or CSV with a header line"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_audit_export = {
    .noun = "audit",
    .verb = "export",
    .summary = "write the audit trail to stdout as JSON Lines or CSV",
    .help = "Writes every record from --from-seq to the current end to stdout, in\n"
	    "sequence order: JSON Lines (one object per line, fields as in audit query\n"
	    "--json) or CSV (RFC 4180: a header line, every field quoted, CRLF line\n"
	    "ends; control characters and backslashes written as \\n, \\r, \\t, \\u00XX and\n"
	    "\\\\ so no field spans lines). Invalid UTF-8 becomes U+FFFD. A text field\n"
	    "starting with = + - or @ gets a leading ' so spreadsheets do not run it as\n"
	    "a formula (JSON Lines keeps the exact text). Long exports\n"
	    "report progress on stderr every two seconds.",
    .needs = CLI_SESSION,
    .flags = audit_export_flags,
    .check = cmd_audit_export_check,
    .exec = cmd_audit_export_exec,
};

/* --- assure audit checkpoint ------------------------------------------ */

/* Fetches a checkpoint (size 0: the latest). 0 with *out set (free with
 * assure__response__free_unpacked; the result is (*out)->audit_checkpoint),
 * else an exit code with the error printed. */
static int fetch_checkpoint(struct cli *cli, uint64_t size, Assure__Response **out)
{
	Assure__AuditCheckpointRequest req = ASSURE__AUDIT_CHECKPOINT_REQUEST__INIT;
	req.tree_size = size;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_AUDIT_CHECKPOINT, &req, out);
	if (rc != 0)
		return rc;
	const Assure__AuditCheckpointResponse *r = (*out)->audit_checkpoint;
	if (r->checkpoint == NULL || r->public_key.len != HASH_ED25519_PUB_LEN) {
		assure__response__free_unpacked(*out, NULL);
		*out = NULL;
		return cli_error(EXIT_CODE_INTERNAL,
				 "server answered AuditCheckpoint without a checkpoint and key");
	}
	return 0;
}

/* Writes text to path by way of path.tmp, synced, so a crash leaves the
 * old file or the new one. 0 or an exit code with the error printed. */
static int save_file(const char *path, const char *text)
{
	char *tmp = xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t n = strlen(text);
	int rc = 0;
	if (fd < 0 || write(fd, text, n) != (ssize_t)n || fsync(fd) < 0) {
		rc = cli_error(EXIT_CODE_INTERNAL, "cannot write %s: %s", tmp, strerror(errno));
	}
	if (fd >= 0 && close(fd) < 0 && rc == 0)
		rc = cli_error(EXIT_CODE_INTERNAL, "cannot write %s: %s", tmp, strerror(errno));
	if (rc == 0 && rename(tmp, path) < 0)
		rc = cli_error(EXIT_CODE_INTERNAL, "cannot rename %s to %s: %s", tmp, path,
			       strerror(errno));
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

static void json_checkpoint_fields(struct cli_json *j, const Assure__Checkpoint *cp)
{
	char hex[2 * MERKLE_HASH_LEN + 1] = "";
	if (cp->root_hash.len == MERKLE_HASH_LEN)
		hash_hex(cp->root_hash.data, MERKLE_HASH_LEN, hex);
	char t[40];
	time_format_rfc3339_ms(cp->time_ms, t, sizeof t);
	cli_json_field_string(j, "origin", cli_str(cp->origin));
	cli_json_field_uint(j, "tree_size", cp->tree_size);
	cli_json_field_string(j, "root_hash", hex);
	cli_json_field_string(j, "time", t);
	cli_json_field_int(j, "time_ms", cp->time_ms);
	cli_json_field_string(j, "key_name", cli_str(cp->key_name));
	cli_json_field_string(j, "signed_note", cli_str(cp->signed_note));
}

static int cmd_audit_checkpoint_exec(struct cli *cli)
{
	Assure__Response *resp = NULL;
	int rc = fetch_checkpoint(cli, 0, &resp);
	if (rc != 0)
		return rc;
	const Assure__AuditCheckpointResponse *r = resp->audit_checkpoint;
	const Assure__Checkpoint *cp = r->checkpoint;
	/* A note that does not verify under the server's own key is not worth
	 * keeping as a trust anchor. */
	char *cause = NULL;
	if (audit_checkpoint_check(cp, cli_str(cp->origin), r->public_key.data, NULL, &cause) < 0) {
		rc = cli_error(AUDIT_EXIT_NOT_INTACT, "audit trail NOT intact: %s", cause);
		free(cause);
		assure__response__free_unpacked(resp, NULL);
		return rc;
	}
	const char *save = cli_flag(cli, "save");
	if (save != NULL)
		rc = save_file(save, cp->signed_note);
	if (rc == 0) {
		if (cli->json) {
			struct cli_json j;
			cli_json_init(&j, stdout);
			cli_json_object_begin(&j);
			json_checkpoint_fields(&j, cp);
			char hex[2 * HASH_ED25519_PUB_LEN + 1];
			hash_hex(r->public_key.data, HASH_ED25519_PUB_LEN, hex);
			cli_json_field_string(&j, "public_key", hex);
			cli_json_object_end(&j);
		} else {
			fputs(cp->signed_note, stdout);
		}
	}
	assure__response__free_unpacked(resp, NULL);
	return rc;
}

static const struct cli_flag audit_checkpoint_flags[] = {
    {"save", "FILE", 0, "also write the note to FILE, for audit verify --trusted-checkpoint"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_audit_checkpoint = {
    .noun = "audit",
    .verb = "checkpoint",
    .summary = "print the latest signed checkpoint of the audit trail",
    .help = "Prints the latest signed checkpoint as a C2SP signed note (origin, tree\n"
	    "size, base64 root hash, blank line, signature line), after checking its\n"
	    "signature with the key the server reports. --save FILE writes it to FILE\n"
	    "too; keep it somewhere the server cannot reach and later run\n"
	    "assure audit verify --trusted-checkpoint FILE to prove the trail was only\n"
	    "ever appended to. --json prints the checkpoint's fields and public key.",
    .needs = CLI_SESSION,
    .flags = audit_checkpoint_flags,
    .exec = cmd_audit_checkpoint_exec,
};

/* --- assure audit verify ---------------------------------------------- */

struct verify_report {
	/* the server's check */
	int server_ok;
	uint64_t records, checkpoints, first_bad_seq;
	char *server_message;
	/* the latest checkpoint, checked here */
	int have_latest;
	uint64_t latest_size;
	const char *key_source; /* "file" or "server" */
	/* the trusted checkpoint */
	int have_trusted;
	uint64_t trusted_size;
	size_t proof_len;
	/* the first failure, if any */
	char *failure;
};

static void report_fail(struct verify_report *v, char *msg)
{
	if (v->failure == NULL)
		v->failure = msg;
	else
		free(msg);
}

static int read_small_file(const char *path, char **out)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return cli_error(EXIT_CODE_INVALID, "cannot read %s: %s", path, strerror(errno));
	char *buf = xmalloc(AUDIT_CHECKPOINT_FILE_MAX + 1);
	size_t n = fread(buf, 1, AUDIT_CHECKPOINT_FILE_MAX + 1, f);
	int err = ferror(f);
	fclose(f);
	if (err || n > AUDIT_CHECKPOINT_FILE_MAX || memchr(buf, '\0', n) != NULL) {
		free(buf);
		return cli_error(EXIT_CODE_INVALID, "%s is not a checkpoint file", path);
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}

/* Checks the trusted checkpoint file against the latest checkpoint, by
 * signature and a consistency proof from the server. Returns an exit code
 * for errors that are not about the trail (printed); failures of the
 * trail go into v. */
static int verify_trusted(struct cli *cli, struct verify_report *v, const char *path,
			  const Assure__Checkpoint *latest, const uint8_t *pub)
{
	char *text = NULL;
	int rc = read_small_file(path, &text);
	if (rc != 0)
		return rc;
	struct checkpoint t;
	char *cause = NULL;
	if (checkpoint_parse(text, &t, &cause) < 0) {
		rc = cli_error(EXIT_CODE_INVALID, "%s: %s", path, cause);
		free(cause);
		free(text);
		return rc;
	}
	free(text);
	v->have_trusted = 1;
	v->trusted_size = t.size;
	const char *origin = cli_str(latest->origin);
	if (strcmp(t.origin, origin) != 0) {
		report_fail(v,
			    xasprintf("the trusted checkpoint is of another log ('%s', not '%s')",
				      t.origin, origin));
	} else if (checkpoint_verify(&t, origin, pub, &cause) < 0) {
		report_fail(v, xasprintf("the trusted checkpoint (size %" PRIu64 ") does not "
					 "verify: %s",
					 t.size, cause));
		free(cause);
	} else if (t.size > latest->tree_size) {
		report_fail(v, xasprintf("the latest checkpoint (size %" PRIu64 ") is smaller than "
					 "the trusted one (size %" PRIu64
					 "): the trail was truncated or rolled back",
					 latest->tree_size, t.size));
	} else if (t.size == latest->tree_size) {
		if (memcmp(t.root, latest->root_hash.data, MERKLE_HASH_LEN) != 0)
			report_fail(v, xasprintf("checkpoint at size %" PRIu64
						 " differs from the trusted one of the same size: "
						 "records 1-%" PRIu64 " were changed",
						 t.size, t.size));
	} else if (t.size > 0) {
		Assure__AuditProofRequest pr = ASSURE__AUDIT_PROOF_REQUEST__INIT;
		pr.tree_size = latest->tree_size;
		pr.old_size = t.size;
		pr.consistency = 1;
		Assure__Response *resp = NULL;
		rc = cli_rpc(cli, ASSURE__REQUEST__OP_AUDIT_PROOF, &pr, &resp);
		if (rc != 0) {
			checkpoint_clear(&t);
			return rc;
		}
		const Assure__AuditProofResponse *p = resp->audit_proof;
		merkle_hash *proof = xcalloc(p->n_hashes ? p->n_hashes : 1, sizeof *proof);
		int shape_ok = 1;
		for (size_t i = 0; i < p->n_hashes; i++) {
			if (p->hashes[i].len != MERKLE_HASH_LEN)
				shape_ok = 0;
			else
				memcpy(proof[i], p->hashes[i].data, MERKLE_HASH_LEN);
		}
		v->proof_len = p->n_hashes;
		/* Checked against the signed roots, never the proof's own
		 * root_hash: the server is the party being checked. */
		if (!shape_ok || !merkle_verify_consistency(
				     t.size, latest->tree_size, t.root, latest->root_hash.data,
				     (const merkle_hash *)proof, p->n_hashes))
			report_fail(
			    v, xasprintf("the trail at size %" PRIu64
					 " is NOT consistent with the trusted checkpoint at "
					 "size %" PRIu64 ": records 1-%" PRIu64 " were changed",
					 latest->tree_size, t.size, t.size));
		free(proof);
		assure__response__free_unpacked(resp, NULL);
	}
	checkpoint_clear(&t);
	return 0;
}

static void verify_print(const struct cli *cli, const struct verify_report *v,
			 const char *pubkey_path)
{
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_field_bool(&j, "ok", v->failure == NULL);
		cli_json_field_string(&j, "message",
				      v->failure != NULL ? v->failure : cli_str(v->server_message));
		cli_json_key(&j, "server");
		cli_json_object_begin(&j);
		cli_json_field_bool(&j, "ok", v->server_ok);
		cli_json_field_uint(&j, "records", v->records);
		cli_json_field_uint(&j, "checkpoints", v->checkpoints);
		cli_json_field_uint(&j, "first_bad_seq", v->first_bad_seq);
		cli_json_field_string(&j, "message", cli_str(v->server_message));
		cli_json_object_end(&j);
		cli_json_key(&j, "latest_checkpoint");
		if (v->have_latest) {
			cli_json_object_begin(&j);
			cli_json_field_uint(&j, "tree_size", v->latest_size);
			cli_json_field_string(&j, "key", v->key_source);
			cli_json_object_end(&j);
		} else {
			cli_json_null(&j);
		}
		cli_json_key(&j, "trusted_checkpoint");
		if (v->have_trusted) {
			cli_json_object_begin(&j);
			cli_json_field_uint(&j, "tree_size", v->trusted_size);
			cli_json_field_uint(&j, "proof_hashes", v->proof_len);
			cli_json_object_end(&j);
		} else {
			cli_json_null(&j);
		}
		cli_json_object_end(&j);
		return;
	}
	if (v->failure != NULL)
		return; /* the error line says it all */
	char *msg = cli_printable(cli_str(v->server_message));
	printf("Audit trail intact.\n");
	printf("Server check       %s\n", msg);
	free(msg);
	if (v->have_latest) {
		if (strcmp(v->key_source, "file") == 0)
			printf("Latest checkpoint  size %" PRIu64
			       ", signature valid (key from %s)\n",
			       v->latest_size, pubkey_path);
		else
			printf("Latest checkpoint  size %" PRIu64
			       ", signature valid with the key the server sent (give --pubkey to "
			       "check it with a key you hold)\n",
			       v->latest_size);
	} else {
		printf("Latest checkpoint  none signed yet\n");
	}
	if (v->have_trusted)
		printf("Trusted checkpoint size %" PRIu64 ", consistent with size %" PRIu64
		       " (proof of %zu hashes)\n",
		       v->trusted_size, v->latest_size, v->proof_len);
}

static int cmd_audit_verify_exec(struct cli *cli)
{
	const char *pubkey_path = cli_flag(cli, "pubkey");
	const char *trusted_path = cli_flag(cli, "trusted-checkpoint");
	uint8_t file_pub[HASH_ED25519_PUB_LEN];
	char *cause = NULL;
	/* Local files first: a typo is found before the server's full scan. */
	if (pubkey_path != NULL && hash_ed25519_read_public(pubkey_path, file_pub, &cause) < 0) {
		int rc = cli_error(EXIT_CODE_INVALID, "%s", cause);
		free(cause);
		return rc;
	}

	struct verify_report v = {0};
	Assure__AuditVerifyRequest vr = ASSURE__AUDIT_VERIFY_REQUEST__INIT;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_AUDIT_VERIFY, &vr, &resp);
	if (rc != 0)
		return rc;
	const Assure__AuditVerifyResponse *res = resp->audit_verify;
	v.server_ok = res->ok;
	v.records = res->records;
	v.checkpoints = res->checkpoints;
	v.first_bad_seq = res->first_bad_seq;
	v.server_message = xstrdup(cli_str(res->message));
	if (!res->ok) {
		if (res->first_bad_seq != 0)
			report_fail(&v, xasprintf("%s (first bad record: seq %" PRIu64 ")",
						  v.server_message, res->first_bad_seq));
		else
			report_fail(&v, xstrdup(v.server_message));
	}
	assure__response__free_unpacked(resp, NULL);

	Assure__Response *cresp = NULL;
	if (v.failure == NULL) {
		Assure__AuditCheckpointRequest creq = ASSURE__AUDIT_CHECKPOINT_REQUEST__INIT;
		Assure__Request req = ASSURE__REQUEST__INIT;
		req.op_case = ASSURE__REQUEST__OP_AUDIT_CHECKPOINT;
		req.audit_checkpoint = &creq;
		rc = cli_call_any(cli, &req, &cresp);
		if (rc == 0 && client_status_code(cresp) == ASSURE__CODE__NOT_FOUND) {
			/* Nothing signed yet: only the server's word is to be had. */
			assure__response__free_unpacked(cresp, NULL);
			cresp = NULL;
			if (trusted_path != NULL)
				report_fail(&v,
					    xstrdup("the server has no signed checkpoint, but a "
						    "trusted one was given: the trail was "
						    "rolled back"));
		} else if (rc == 0 && client_status_code(cresp) != ASSURE__CODE__OK) {
			rc = cli_status_error(cresp);
			assure__response__free_unpacked(cresp, NULL);
			free(v.server_message);
			return rc;
		} else if (rc != 0) {
			free(v.server_message);
			return rc;
		} else if (cresp->result_case != ASSURE__RESPONSE__RESULT_AUDIT_CHECKPOINT ||
			   cresp->audit_checkpoint->checkpoint == NULL ||
			   cresp->audit_checkpoint->public_key.len != HASH_ED25519_PUB_LEN) {
			assure__response__free_unpacked(cresp, NULL);
			free(v.server_message);
			return cli_error(EXIT_CODE_INTERNAL,
					 "server answered AuditCheckpoint without "
					 "a checkpoint and key");
		}
	}
	if (cresp != NULL) {
		const Assure__AuditCheckpointResponse *cr = cresp->audit_checkpoint;
		const Assure__Checkpoint *latest = cr->checkpoint;
		const uint8_t *pub = pubkey_path != NULL ? file_pub : cr->public_key.data;
		v.have_latest = 1;
		v.latest_size = latest->tree_size;
		v.key_source = pubkey_path != NULL ? "file" : "server";
		if (audit_checkpoint_check(latest, cli_str(latest->origin), pub, NULL, &cause) <
		    0) {
			if (pubkey_path != NULL &&
			    memcmp(file_pub, cr->public_key.data, HASH_ED25519_PUB_LEN) != 0)
				report_fail(&v, xasprintf("latest %s, and the server now reports a "
							  "different public key from %s",
							  cause, pubkey_path));
			else
				report_fail(&v, xasprintf("latest %s", cause));
			free(cause);
		} else if (trusted_path != NULL) {
			rc = verify_trusted(cli, &v, trusted_path, latest, pub);
		}
		assure__response__free_unpacked(cresp, NULL);
	}
	if (rc == 0) {
		verify_print(cli, &v, pubkey_path);
		if (v.failure != NULL)
			rc = cli_error(AUDIT_EXIT_NOT_INTACT, "audit trail NOT intact: %s",
				       v.failure);
	}
	free(v.failure);
	free(v.server_message);
	return rc;
}

static const struct cli_flag audit_verify_flags[] = {
    {"trusted-checkpoint", "FILE", 0,
     "a signed note saved earlier (audit checkpoint --save): prove the trail extends it"},
    {"pubkey", "FILE", 0, "the audit key's public half (audit-key.pub.pem) to check signatures"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_audit_verify = {
    .noun = "audit",
    .verb = "verify",
    .summary = "check that the audit trail is intact",
    .help = "Has the server check the whole trail (every record's leaf hash, the Merkle\n"
	    "tree, every signed checkpoint), then checks the latest checkpoint's\n"
	    "signature here: with the key in --pubkey if given, else with the key the\n"
	    "server sends (which proves less, and the output says so). With\n"
	    "--trusted-checkpoint FILE it also checks FILE's signature and a consistency\n"
	    "proof from FILE's tree size to the latest, so records covered by FILE\n"
	    "cannot have been changed or removed. Exit 0: intact. Exit 11: \"audit trail\n"
	    "NOT intact\" with the first bad record or checkpoint named.",
    .needs = CLI_SESSION,
    .flags = audit_verify_flags,
    .exec = cmd_audit_verify_exec,
    .io_timeout_ms = -1, /* the server reads the whole trail first */
};

/* --- assure audit tail ------------------------------------------------ */

/* The seq of the last record now stored: from the latest checkpoint's
 * size, then a query for what came after it. 0 or an exit code. */
static int last_seq(struct cli *cli, uint64_t *out)
{
	uint64_t from = 1;
	Assure__AuditCheckpointRequest creq = ASSURE__AUDIT_CHECKPOINT_REQUEST__INIT;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_AUDIT_CHECKPOINT;
	req.audit_checkpoint = &creq;
	Assure__Response *resp = NULL;
	int rc = cli_call_any(cli, &req, &resp);
	if (rc != 0)
		return rc;
	int code = client_status_code(resp);
	if (code == ASSURE__CODE__OK &&
	    resp->result_case == ASSURE__RESPONSE__RESULT_AUDIT_CHECKPOINT &&
	    resp->audit_checkpoint != NULL && resp->audit_checkpoint->checkpoint != NULL)
		from = resp->audit_checkpoint->checkpoint->tree_size + 1;
	else if (code != ASSURE__CODE__NOT_FOUND && code != ASSURE__CODE__OK)
		rc = cli_status_error(resp);
	assure__response__free_unpacked(resp, NULL);
	if (rc != 0)
		return rc;
	*out = from - 1;
	Assure__AuditQueryRequest q;
	assure__audit_query_request__init(&q);
	q.outcome = -1;
	q.from_seq = from;
	char *token = xstrdup("");
	for (;;) {
		q.page_token = token;
		q.page_size = AUDIT_PAGE;
		rc = cli_rpc(cli, ASSURE__REQUEST__OP_AUDIT_QUERY, &q, &resp);
		if (rc != 0)
			break;
		const Assure__AuditQueryResponse *r = resp->audit_query;
		if (r->n_entries > 0)
			*out = r->entries[r->n_entries - 1]->seq;
		free(token);
		token = xstrdup(cli_str(r->next_page_token));
		assure__response__free_unpacked(resp, NULL);
		if (*token == '\0')
			break;
	}
	free(token);
	return rc;
}

/* The table's columns are fixed here, since a stream has no last row to
 * measure: wide enough for usual values; longer ones push the line. */
static const size_t tail_widths[REC_NCOLS] = {6, 24, 12, 12, 18, 7, 20, 0};

/* One line of cells, each padded to its width (counted in UTF-8
 * characters) and two spaces; no blanks at the end of the line. */
static void tail_print_row(char **cells)
{
	char *line = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&line, &len);
	if (m == NULL)
		abort();
	for (size_t i = 0; i < REC_NCOLS; i++) {
		char *p = cli_printable(cells[i]);
		fputs(p, m);
		if (i + 1 < REC_NCOLS)
			for (size_t w = cli_columns_width(p); w < tail_widths[i] + 2; w++)
				fputc(' ', m);
		free(p);
	}
	if (fclose(m) != 0)
		abort();
	while (len > 0 && line[len - 1] == ' ')
		len--;
	fwrite(line, 1, len, stdout);
	fputc('\n', stdout);
	free(line);
}

static int cmd_audit_tail_check(struct cli *cli)
{
	const char *from = cli_flag(cli, "from-seq");
	uint64_t n;
	return from != NULL ? cli_parse_number(from, "--from-seq", INT64_MAX, &n) : 0;
}

static int cmd_audit_tail_exec(struct cli *cli)
{
	uint64_t from = 0;
	const char *from_flag = cli_flag(cli, "from-seq");
	int rc;
	if (from_flag != NULL) {
		if (cli_parse_number(from_flag, "--from-seq", INT64_MAX, &from) != 0)
			return EXIT_CODE_USAGE;
	} else {
		/* Like tail -f: the last ten records, then whatever comes. */
		uint64_t last = 0;
		rc = last_seq(cli, &last);
		if (rc != 0)
			return rc;
		from = last > 10 ? last - 9 : 1;
	}
	Assure__AuditSubscribeRequest sub = ASSURE__AUDIT_SUBSCRIBE_REQUEST__INIT;
	sub.from_seq = from;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_AUDIT_SUBSCRIBE;
	req.audit_subscribe = &sub;
	char *cause = NULL;
	if (client_send(cli->client, &req, &cause) < 0) {
		rc = cli_error(EXIT_CODE_UNAVAILABLE, "%s", cause);
		free(cause);
		return rc;
	}
	if (!cli->json) {
		tail_print_row((char **)rec_headers);
		fflush(stdout);
	}
	uint64_t expect = from;
	for (;;) {
		Assure__Response *resp = NULL;
		if (client_recv(cli->client, &resp, &cause) < 0) {
			rc = cli_error(EXIT_CODE_UNAVAILABLE, "%s", cause);
			free(cause);
			return rc;
		}
		if (resp->id != req.id && resp->id != 0) {
			assure__response__free_unpacked(resp, NULL);
			continue;
		}
		if (client_status_code(resp) != ASSURE__CODE__OK) {
			rc = cli_status_error(resp);
			assure__response__free_unpacked(resp, NULL);
			return rc;
		}
		const Assure__AuditBatch *b =
		    resp->result_case == ASSURE__RESPONSE__RESULT_AUDIT_BATCH ? resp->audit_batch
									      : NULL;
		for (size_t i = 0; b != NULL && i < b->n_entries; i++) {
			struct audit_rec r;
			rc = entry_rec(b->entries[i], &r);
			if (rc == 0 && r.seq != expect)
				rc = cli_error(AUDIT_EXIT_NOT_INTACT,
					       "audit trail NOT intact: record %" PRIu64
					       " came where %" PRIu64 " was due",
					       r.seq, expect);
			if (rc != 0) {
				assure__response__free_unpacked(resp, NULL);
				return rc;
			}
			expect = r.seq + 1;
			if (cli->json) {
				audit_rec_json(stdout, &r);
				fputc('\n', stdout);
			} else {
				char *cells[REC_NCOLS];
				rec_cells(&r, cells);
				tail_print_row(cells);
				free_cells(cells, REC_NCOLS);
			}
		}
		assure__response__free_unpacked(resp, NULL);
		if (fflush(stdout) != 0)
			return cli_error(EXIT_CODE_INTERNAL, "cannot write output: %s",
					 strerror(errno));
	}
}

static const struct cli_flag audit_tail_flags[] = {
    {"from-seq", "N", 0, "start at record N (default: the last ten records)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_audit_tail = {
    .noun = "audit",
    .verb = "tail",
    .summary = "follow the audit trail as records arrive",
    .help = "Prints the last ten records (or from --from-seq N) and then each new record\n"
	    "as the server commits it, until interrupted: as a table with the columns\n"
	    "of audit query, or with --json as JSON Lines (one record object per line).\n"
	    "Ends with the server's message if the session ends or loses audit.read.",
    .needs = CLI_SESSION,
    .flags = audit_tail_flags,
    .check = cmd_audit_tail_check,
    .exec = cmd_audit_tail_exec,
    .io_timeout_ms = -1, /* a quiet trail sends nothing for hours */
};
