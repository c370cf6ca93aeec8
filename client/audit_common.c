/*
 * Audit records for people and machines (audit_common.h). The records are
 * the server's, but much of their text is not: user names as claimed at a
 * failed login, object ids, search predicates and error messages all come
 * from whoever sent the request. So every writer here treats text as
 * hostile bytes: JSON escapes per RFC 8259, CSV keeps every field on its
 * line, syslog structured data escapes '"', '\' and ']', and anything
 * that is not UTF-8 becomes U+FFFD. A record is read from its stored
 * bytes by a small wire parser of our own rather than protobuf-c, whose
 * strings stop at the first NUL and would hide what was really stored.
 *
 * The state file and the JSON Lines repair are here too, so that the unit
 * tests can crash-test them without a server.
 */
#include "audit_common.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "checkpoint.h"
#include "cli_json.h"
#include "timeutil.h"
#include "fileio.h"
#include "xmalloc.h"

/* --- reading a record ------------------------------------------------- */

struct audit_text audit_text_of(const char *s)
{
	struct audit_text t = {s != NULL ? s : "", s != NULL ? strlen(s) : 0};
	return t;
}

static int read_varint(const uint8_t *buf, size_t len, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (*pos >= len)
			return -1;
		uint8_t b = buf[(*pos)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*out = v;
			return 0;
		}
	}
	return -1;
}

/* Where each AuditRecord field lands in struct audit_rec, by its proto
 * name. The field numbers and wire types come from protobuf-c's descriptor
 * of the message, so a change to the .proto is made in one place: a field
 * renamed or added there and not here is skipped as unknown (the unit test
 * checks that every field of the descriptor has a member here, of a
 * matching type). The record is read by hand rather than with
 * assure__audit_record__unpack because the strings are views of the
 * stored bytes, which are what the leaf hash covers. */
enum rec_kind { REC_TEXT, REC_U64, REC_U32, REC_I64 };

struct rec_member {
	const char *name;
	size_t off;
	enum rec_kind kind;
};

#define TEXT(f)                                                                                    \
	{                                                                                          \
#f, offsetof(struct audit_rec, f), REC_TEXT                                        \
	}
static const struct rec_member rec_members[] = {
    {"seq", offsetof(struct audit_rec, seq), REC_U64},
    TEXT(uuid),
    TEXT(time),
    TEXT(action),
    TEXT(event),
    {"outcome", offsetof(struct audit_rec, outcome), REC_U32},
    TEXT(status),
    {"user_id", offsetof(struct audit_rec, user_id), REC_I64},
    TEXT(username),
    TEXT(role),
    TEXT(site),
    TEXT(client_addr),
    TEXT(cert_fingerprint),
    TEXT(session_hash),
    TEXT(instance),
    TEXT(object_type),
    TEXT(object_id),
    TEXT(query),
    TEXT(reason),
    {"time_ms", offsetof(struct audit_rec, time_ms), REC_I64},
};
#undef TEXT

static enum rec_kind kind_of(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_STRING:
		return REC_TEXT;
	case PROTOBUF_C_TYPE_UINT64:
		return REC_U64;
	case PROTOBUF_C_TYPE_UINT32:
		return REC_U32;
	default:
		return REC_I64;
	}
}

/* The member for field number n with the descriptor's type, or NULL. */
static const struct rec_member *member_of(uint64_t n)
{
	if (n == 0 || n > UINT32_MAX)
		return NULL;
	const ProtobufCFieldDescriptor *fd =
	    protobuf_c_message_descriptor_get_field(&assure__audit_record__descriptor, (unsigned)n);
	if (fd == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof rec_members / sizeof rec_members[0]; i++)
		if (strcmp(rec_members[i].name, fd->name) == 0)
			return rec_members[i].kind == kind_of(fd->type) ? &rec_members[i] : NULL;
	return NULL;
}

int audit_rec_layout_check(char **cause)
{
	const ProtobufCMessageDescriptor *d = &assure__audit_record__descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *fd = &d->fields[i];
		if (member_of(fd->id) == NULL) {
			*cause = xasprintf("AuditRecord field %s (%u) has no member of its type in "
					   "struct audit_rec",
					   fd->name, fd->id);
			return -1;
		}
	}
	return 0;
}

int audit_rec_parse(const uint8_t *buf, size_t len, struct audit_rec *out, char **cause)
{
	memset(out, 0, sizeof *out);
	for (size_t i = 0; i < sizeof rec_members / sizeof rec_members[0]; i++)
		if (rec_members[i].kind == REC_TEXT)
			*(struct audit_text *)((char *)out + rec_members[i].off) =
			    audit_text_of("");
	size_t pos = 0;
	while (pos < len) {
		uint64_t key, v;
		if (read_varint(buf, len, &pos, &key) < 0)
			goto bad;
		uint64_t field = key >> 3;
		unsigned wire = (unsigned)(key & 7);
		const struct rec_member *m = member_of(field);
		if (field == 0 || (m != NULL && wire != (m->kind == REC_TEXT ? 2u : 0u))) {
			*cause = xasprintf("audit record: field %" PRIu64 " has wire type %u",
					   field, wire);
			return -1;
		}
		char *dst = m != NULL ? (char *)out + m->off : NULL;
		switch (wire) {
		case 0:
			if (read_varint(buf, len, &pos, &v) < 0)
				goto bad;
			if (m == NULL)
				break;
			if (m->kind == REC_U64)
				*(uint64_t *)dst = v;
			else if (m->kind == REC_U32)
				*(uint32_t *)dst = (uint32_t)v;
			else
				*(int64_t *)dst = (int64_t)v;
			break;
		case 1:
			if (len - pos < 8)
				goto bad;
			pos += 8;
			break;
		case 2:
			if (read_varint(buf, len, &pos, &v) < 0 || v > len - pos)
				goto bad;
			if (m != NULL) {
				struct audit_text *t = (struct audit_text *)dst;
				t->p = (const char *)buf + pos;
				t->n = (size_t)v;
			}
			pos += (size_t)v;
			break;
		case 5:
			if (len - pos < 4)
				goto bad;
			pos += 4;
			break;
		default:
			goto bad;
		}
	}
	merkle_leaf_hash(buf, len, out->leaf);
	return 0;
bad:
	*cause = xstrdup("audit record: the bytes are not a protobuf message");
	return -1;
}

/* --- JSON ------------------------------------------------------------- */

static void json_text(struct cli_json *j, const char *key, struct audit_text t)
{
	cli_json_key(j, key);
	cli_json_string_n(j, t.p, t.n);
}

/* Writes the members; the object is left open so callers may add more. */
static void rec_json_members(struct cli_json *j, const struct audit_rec *r)
{
	cli_json_field_uint(j, "seq", r->seq);
	json_text(j, "uuid", r->uuid);
	json_text(j, "time", r->time);
	json_text(j, "action", r->action);
	json_text(j, "event", r->event);
	cli_json_field_uint(j, "outcome", r->outcome);
	json_text(j, "status", r->status);
	cli_json_field_int(j, "user_id", r->user_id);
	json_text(j, "username", r->username);
	json_text(j, "role", r->role);
	json_text(j, "site", r->site);
	json_text(j, "client_addr", r->client_addr);
	json_text(j, "cert_fingerprint", r->cert_fingerprint);
	json_text(j, "session_hash", r->session_hash);
	json_text(j, "instance", r->instance);
	json_text(j, "object_type", r->object_type);
	json_text(j, "object_id", r->object_id);
	json_text(j, "query", r->query);
	json_text(j, "reason", r->reason);
	cli_json_field_int(j, "time_ms", r->time_ms);
	char hex[2 * MERKLE_HASH_LEN + 1];
	hash_hex(r->leaf, MERKLE_HASH_LEN, hex);
	cli_json_field_string(j, "leaf_hash", hex);
}

void audit_rec_json(FILE *out, const struct audit_rec *r)
{
	/* Opened as if inside an outer container so that closing the object
	 * does not end the line: callers decide between JSON Lines and an
	 * array. */
	struct cli_json j;
	cli_json_init(&j, out);
	j.depth = 1;
	j.has_items[0] = 0;
	cli_json_object_begin(&j);
	rec_json_members(&j, r);
	cli_json_object_end(&j);
}

char *audit_rec_json_string(const struct audit_rec *r, size_t *len)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);
	if (f == NULL)
		abort(); /* only fails for lack of memory, which is fatal here */
	audit_rec_json(f, r);
	if (fclose(f) != 0)
		abort();
	if (len != NULL)
		*len = n;
	return buf;
}

/* --- CSV -------------------------------------------------------------- */

static const char *const csv_columns[] = {
    "seq",
    "uuid",
    "time",
    "action",
    "event",
    "outcome",
    "status",
    "user_id",
    "username",
    "role",
    "site",
    "client_addr",
    "cert_fingerprint",
    "session_hash",
    "instance",
    "object_type",
    "object_id",
    "query",
    "reason",
    "time_ms",
    "leaf_hash",
};
#define CSV_NCOLS (sizeof csv_columns / sizeof csv_columns[0])

/* CSV is opened in spreadsheets, and a cell that starts with = + - or @ is
 * a formula there: a user name claimed at a failed login could run one on
 * the auditor's machine (CWE-1236). Such a field gets a leading apostrophe,
 * which spreadsheets read as "text" and do not show. Tab and CR, the other
 * triggers, never start a field here: they are written as \t and \r. The
 * exact bytes are in the JSON Lines export. */
static int csv_formula_start(unsigned char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@';
}

static void csv_text(FILE *out, struct audit_text t)
{
	const unsigned char *s = (const unsigned char *)t.p;
	fputc('"', out);
	if (t.n > 0 && csv_formula_start(s[0]))
		fputc('\'', out);
	for (size_t i = 0; i < t.n;) {
		unsigned char c = s[i];
		if (c >= 0x80) {
			size_t len = cli_utf8_valid_len(s + i, t.n - i);
			if (len == 0) {
				fputs("\xef\xbf\xbd", out); /* U+FFFD */
				i++;
			} else {
				fwrite(s + i, 1, len, out);
				i += len;
			}
			continue;
		}
		switch (c) {
		case '"':
			fputs("\"\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\u%04x", c);
			else
				fputc(c, out);
		}
		i++;
	}
	fputc('"', out);
}

void audit_csv_header(FILE *out)
{
	for (size_t i = 0; i < CSV_NCOLS; i++)
		fprintf(out, "%s%s", i ? "," : "", csv_columns[i]);
	fputs("\r\n", out);
}

void audit_csv_row(FILE *out, const struct audit_rec *r)
{
	char hex[2 * MERKLE_HASH_LEN + 1];
	hash_hex(r->leaf, MERKLE_HASH_LEN, hex);
	fprintf(out, "%" PRIu64 ",", r->seq);
	csv_text(out, r->uuid);
	fputc(',', out);
	csv_text(out, r->time);
	fputc(',', out);
	csv_text(out, r->action);
	fputc(',', out);
	csv_text(out, r->event);
	fprintf(out, ",%" PRIu32 ",", r->outcome);
	csv_text(out, r->status);
	fprintf(out, ",%" PRId64, r->user_id);
	const struct audit_text *texts[] = {
	    &r->username,	  &r->role,	    &r->site,	  &r->client_addr,
	    &r->cert_fingerprint, &r->session_hash, &r->instance, &r->object_type,
	    &r->object_id,	  &r->query,	    &r->reason};
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		fputc(',', out);
		csv_text(out, *texts[i]);
	}
	fprintf(out, ",%" PRId64 ",%s\r\n", r->time_ms, hex);
}

/* --- syslog ----------------------------------------------------------- */

int audit_syslog_severity(uint32_t outcome)
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

/* An RFC 5424 header field: PRINTUSASCII (33..126) only, at most max
 * bytes, "-" when empty. Anything else becomes '_' so a name can never
 * split the header. */
static size_t header_field(char *dst, struct audit_text t, size_t max)
{
	size_t n = t.n < max ? t.n : max;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t.p[i];
		dst[i] = c >= 33 && c <= 126 ? (char)c : '_';
	}
	if (n == 0)
		dst[n++] = '-';
	return n;
}

/* An SD-PARAM value (RFC 5424 6.3.3): '"', '\' and ']' escaped with a
 * backslash, control characters and invalid UTF-8 as U+FFFD; at most max
 * bytes of output, never ending inside an escape or a character. */
static size_t sd_value(char *dst, struct audit_text t, size_t max)
{
	const unsigned char *s = (const unsigned char *)t.p;
	size_t o = 0;
	for (size_t i = 0; i < t.n;) {
		char tmp[4];
		size_t tn, adv = 1;
		unsigned char c = s[i];
		if (c == '"' || c == '\\' || c == ']') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			tn = 2;
		} else if (c < 0x20 || c == 0x7f) {
			memcpy(tmp, "\xef\xbf\xbd", 3);
			tn = 3;
		} else if (c >= 0x80) {
			size_t len = cli_utf8_valid_len(s + i, t.n - i);
			if (len == 0) {
				memcpy(tmp, "\xef\xbf\xbd", 3);
				tn = 3;
			} else {
				memcpy(tmp, s + i, len);
				tn = len;
				adv = len;
			}
		} else {
			tmp[0] = (char)c;
			tn = 1;
		}
		if (o + tn > max)
			break;
		memcpy(dst + o, tmp, tn);
		o += tn;
		i += adv;
	}
	return o;
}

/* How much of the JSON text s[0..n) fits in max bytes when cut between
 * whole characters and whole escapes (cli_json writes only well-formed
 * UTF-8 and escapes, so the lead byte says each one's length). */
static size_t json_cut(const char *s, size_t n, size_t max)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = (unsigned char)s[i];
		size_t len = 1;
		if (c == '\\')
			len = i + 1 < n && s[i + 1] == 'u' ? 6 : 2;
		else if (c >= 0xf0)
			len = 4;
		else if (c >= 0xe0)
			len = 3;
		else if (c >= 0xc0)
			len = 2;
		if (i + len > max || i + len > n)
			break;
		i += len;
	}
	return i;
}

size_t audit_syslog_format(const struct audit_rec *r, const char *hostname, char *buf, size_t size)
{
	/* The header and structured data take at most ~600 bytes (RFC
	 * 5424's field limits, a 64-byte uuid), so the JSON always keeps
	 * most of the 2 KiB. */
	char hdr[1024];
	size_t h = 0;
	int sev = audit_syslog_severity(r->outcome);
	h += (size_t)snprintf(hdr, sizeof hdr, "<%d>1 ", AUDIT_SYSLOG_FACILITY * 8 + sev);
	if (r->time_ms > 0) {
		char ts[40];
		time_format_rfc3339_ms(r->time_ms, ts, sizeof ts);
		h += (size_t)snprintf(hdr + h, sizeof hdr - h, "%s ", ts);
	} else {
		h += (size_t)snprintf(hdr + h, sizeof hdr - h, "- ");
	}
	h += header_field(hdr + h, audit_text_of(hostname), 255);
	h += (size_t)snprintf(hdr + h, sizeof hdr - h, " assure ");
	h += header_field(hdr + h, r->instance, 128);
	hdr[h++] = ' ';
	h += header_field(hdr + h, r->event, 32);
	h += (size_t)snprintf(hdr + h, sizeof hdr - h,
			      " [assure@" AUDIT_SYSLOG_ENTERPRISE " seq=\"%" PRIu64 "\" uuid=\"",
			      r->seq);
	h += sd_value(hdr + h, r->uuid, 64);
	h += (size_t)snprintf(hdr + h, sizeof hdr - h, "\"] ");

	size_t max = size < AUDIT_SYSLOG_MAX ? size : AUDIT_SYSLOG_MAX;
	if (h > max)
		h = max; /* cannot happen with the limits above */
	memcpy(buf, hdr, h);
	size_t jn = 0;
	char *json = audit_rec_json_string(r, &jn);
	size_t take = json_cut(json, jn, max - h);
	memcpy(buf + h, json, take);
	free(json);
	return h + take;
}

/* --- times ------------------------------------------------------------ */

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

int audit_parse_time(const char *s, int64_t *ms)
{
	int y, mo, d, hh = 0, mi = 0, ss = 0;
	if (strlen(s) < 10 || digits(s, 4, &y) < 0 || s[4] != '-' || digits(s + 5, 2, &mo) < 0 ||
	    s[7] != '-' || digits(s + 8, 2, &d) < 0)
		return -1;
	const char *p = s + 10;
	int64_t frac_ms = 0, offset_s = 0;
	if (*p != '\0') {
		if ((*p != 'T' && *p != 't' && *p != ' ') || digits(p + 1, 2, &hh) < 0 ||
		    p[3] != ':' || digits(p + 4, 2, &mi) < 0 || p[6] != ':' ||
		    digits(p + 7, 2, &ss) < 0)
			return -1;
		p += 9;
		if (*p == '.') {
			p++;
			int nd = 0;
			for (; *p >= '0' && *p <= '9'; p++, nd++)
				if (nd < 3)
					frac_ms = frac_ms * 10 + (*p - '0');
			if (nd == 0)
				return -1;
			for (; nd < 3; nd++)
				frac_ms *= 10;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om;
			if (digits(p + 1, 2, &oh) < 0 || p[3] != ':' || digits(p + 4, 2, &om) < 0 ||
			    oh > 23 || om > 59)
				return -1;
			offset_s = (oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
			p += 6;
		} else {
			return -1;
		}
		if (*p != '\0')
			return -1;
	}
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || hh > 23 || mi > 59 ||
	    ss > 60)
		return -1;
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (mo == 2 && d == 29 && !leap)
		return -1;
	struct tm tm = {0};
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = hh;
	tm.tm_min = mi;
	tm.tm_sec = ss == 60 ? 59 : ss; /* a leap second: its instant is the second before */
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*ms = ((int64_t)t - offset_s) * 1000 + frac_ms;
	return 0;
}

/* --- checkpoints ------------------------------------------------------ */

int audit_checkpoint_check(const Assure__Checkpoint *cp, const char *origin,
			   const uint8_t pub[HASH_ED25519_PUB_LEN], const merkle_hash root,
			   char **cause)
{
	struct checkpoint parsed;
	char *why = NULL;
	if (cp->signed_note == NULL || checkpoint_parse(cp->signed_note, &parsed, &why) < 0) {
		*cause = xasprintf("checkpoint at size %" PRIu64 " is malformed: %s", cp->tree_size,
				   why != NULL ? why : "no signed note");
		free(why);
		return -1;
	}
	int rc = -1;
	if (strcmp(parsed.origin, origin) != 0) {
		*cause = xasprintf("checkpoint at size %" PRIu64 " is for log '%s', not '%s'",
				   cp->tree_size, parsed.origin, origin);
	} else if (parsed.size != cp->tree_size || cp->root_hash.len != MERKLE_HASH_LEN ||
		   memcmp(parsed.root, cp->root_hash.data, MERKLE_HASH_LEN) != 0) {
		*cause = xasprintf("checkpoint at size %" PRIu64
				   ": its signed note does not match its fields",
				   cp->tree_size);
	} else if (checkpoint_verify(&parsed, origin, pub, &why) < 0) {
		*cause = xasprintf("checkpoint at size %" PRIu64 ": %s", cp->tree_size, why);
		free(why);
	} else if (root != NULL && memcmp(root, parsed.root, MERKLE_HASH_LEN) != 0) {
		*cause = xasprintf("checkpoint at size %" PRIu64
				   ": the records received do not hash to its signed root",
				   cp->tree_size);
	} else {
		rc = 0;
	}
	checkpoint_clear(&parsed);
	return rc;
}

/* --- state file ------------------------------------------------------- */

void audit_state_init(struct audit_state *st)
{
	memset(st, 0, sizeof *st);
	merkle_frontier_init(&st->frontier);
}

static int hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int unhex(const char *s, uint8_t *out, size_t n)
{
	if (strlen(s) != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_val(s[2 * i]), lo = hex_val(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int parse_u64(const char *s, uint64_t *out)
{
	if (*s < '0' || *s > '9')
		return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -1;
	*out = v;
	return 0;
}

static int state_parse_line(struct audit_state *st, char *line, int *have_seq)
{
	char *sp = strchr(line, ' ');
	if (sp == NULL)
		return -1;
	*sp = '\0';
	const char *key = line, *val = sp + 1;
	uint64_t v;
	if (strcmp(key, "version") == 0)
		return strcmp(val, "1") == 0 ? 0 : -1;
	if (strcmp(key, "origin") == 0) {
		if (strlen(val) >= sizeof st->origin)
			return -1;
		strcpy(st->origin, val);
		return 0;
	}
	if (strcmp(key, "pubkey") == 0) {
		st->has_pub = 1;
		return unhex(val, st->pub, sizeof st->pub);
	}
	if (strcmp(key, "seq") == 0) {
		*have_seq = 1;
		return parse_u64(val, &st->seq);
	}
	if (strcmp(key, "time_ms") == 0) {
		if (parse_u64(val, &v) < 0 || v > INT64_MAX)
			return -1;
		st->time_ms = (int64_t)v;
		return 0;
	}
	if (strcmp(key, "frontier") == 0)
		return parse_u64(val, &st->frontier.size);
	if (strcmp(key, "node") == 0) {
		if (st->frontier.count >= MERKLE_MAX_LEVELS)
			return -1;
		return unhex(val, st->frontier.nodes[st->frontier.count++], MERKLE_HASH_LEN);
	}
	return -1;
}

int audit_state_load(const char *dir, struct audit_state *st, char **cause)
{
	audit_state_init(st);
	char *path = xasprintf("%s/state", dir);
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		int err = errno;
		if (err == ENOENT) {
			free(path);
			return 1;
		}
		*cause = xasprintf("cannot read %s: %s", path, strerror(err));
		free(path);
		return -1;
	}
	char line[512];
	int lineno = 0, have_seq = 0, rc = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		size_t n = strlen(line);
		if (n == 0 || line[n - 1] != '\n') {
			rc = -1;
			break;
		}
		line[n - 1] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (state_parse_line(st, line, &have_seq) < 0) {
			rc = -1;
			break;
		}
	}
	if (ferror(f))
		rc = -1;
	fclose(f);
	if (rc < 0) {
		*cause = xasprintf("%s: line %d is damaged; restore it from a backup, or move it "
				   "away to start again from record 1",
				   path, lineno);
		free(path);
		audit_state_init(st);
		return -1;
	}
	/* The frontier holds one subtree per set bit of its size, and must be
	 * the tree of exactly the records written. */
	if (!have_seq || st->frontier.size != st->seq ||
	    (unsigned)__builtin_popcountll(st->seq) != st->frontier.count) {
		*cause = xasprintf("%s: the Merkle frontier does not match record %" PRIu64
				   "; the file is damaged",
				   path, st->seq);
		free(path);
		audit_state_init(st);
		return -1;
	}
	free(path);
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	close(fd);
	return rc;
}

int audit_state_save(const char *dir, const struct audit_state *st, char **cause)
{
	if (strchr(st->origin, '\n') != NULL) {
		*cause = xstrdup("the log's origin holds a line break; it cannot be kept");
		return -1;
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	if (m == NULL)
		abort();
	fprintf(m, "# assure-audit cursor: the last record written and the Merkle tree so far\n");
	fprintf(m, "version 1\n");
	if (st->origin[0] != '\0')
		fprintf(m, "origin %s\n", st->origin);
	if (st->has_pub) {
		char hex[2 * HASH_ED25519_PUB_LEN + 1];
		hash_hex(st->pub, sizeof st->pub, hex);
		fprintf(m, "pubkey %s\n", hex);
	}
	fprintf(m, "seq %" PRIu64 "\n", st->seq);
	fprintf(m, "time_ms %" PRId64 "\n", st->time_ms > 0 ? st->time_ms : 0);
	fprintf(m, "frontier %" PRIu64 "\n", st->frontier.size);
	for (unsigned i = 0; i < st->frontier.count; i++) {
		char hex[2 * MERKLE_HASH_LEN + 1];
		hash_hex(st->frontier.nodes[i], MERKLE_HASH_LEN, hex);
		fprintf(m, "node %s\n", hex);
	}
	if (fclose(m) != 0)
		abort();

	char *tmp = xasprintf("%s/state.tmp", dir);
	char *path = xasprintf("%s/state", dir);
	int rc = -1;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		*cause = xasprintf("cannot write %s: %s", tmp, strerror(errno));
	} else if (write_all(fd, buf, len) < 0 || fsync(fd) < 0) {
		*cause = xasprintf("cannot write %s: %s", tmp, strerror(errno));
		close(fd);
	} else if (close(fd) < 0) {
		*cause = xasprintf("cannot write %s: %s", tmp, strerror(errno));
	} else if (rename(tmp, path) < 0) {
		*cause = xasprintf("cannot rename %s to %s: %s", tmp, path, strerror(errno));
	} else if (fsync_dir(dir) < 0) {
		*cause = xasprintf("cannot sync directory %s: %s", dir, strerror(errno));
	} else {
		rc = 0;
	}
	free(buf);
	free(tmp);
	free(path);
	return rc;
}

/* --- JSON Lines files ------------------------------------------------- */

char *audit_jsonl_path(const char *dir, int64_t time_ms)
{
	time_t t = (time_t)((time_ms > 0 ? time_ms : 0) / 1000);
	struct tm tm;
	gmtime_r(&t, &tm);
	return xasprintf("%s/audit-%04d-%02d-%02d.jsonl", dir, tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday);
}

int audit_jsonl_repair(const char *path, uint64_t *removed, char **cause)
{
	if (removed != NULL)
		*removed = 0;
	int fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		*cause = xasprintf("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	struct stat sb;
	if (fstat(fd, &sb) < 0) {
		*cause = xasprintf("cannot stat %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	/* Search backwards for the last newline, a block at a time. */
	off_t size = sb.st_size, end = size, keep = 0;
	char block[65536];
	while (end > 0) {
		off_t start = end > (off_t)sizeof block ? end - (off_t)sizeof block : 0;
		ssize_t n = pread(fd, block, (size_t)(end - start), start);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != end - start) {
			*cause = xasprintf("cannot read %s: %s", path,
					   n < 0 ? strerror(errno) : "short read");
			close(fd);
			return -1;
		}
		char *nl = memrchr(block, '\n', (size_t)n);
		if (nl != NULL) {
			keep = start + (nl - block) + 1;
			break;
		}
		end = start;
	}
	int rc = 0;
	if (keep < size) {
		if (ftruncate(fd, keep) < 0 || fsync(fd) < 0) {
			*cause = xasprintf("cannot repair %s: %s", path, strerror(errno));
			rc = -1;
		} else if (removed != NULL) {
			*removed = (uint64_t)(size - keep);
		}
	}
	close(fd);
	return rc;
}
