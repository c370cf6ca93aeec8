/*
 * What `assure audit` and `assure-audit` share: reading a stored audit
 * record byte for byte, writing it as JSON, CSV or an RFC 5424 syslog
 * message with every piece of user-supplied text escaped for its format,
 * parsing the times `audit query` takes, checking signed checkpoints
 * against a Merkle frontier, and assure-audit's state file and JSON Lines
 * repair.
 *
 * Pure code over buffers and files: no connections, so all of it is
 * unit-tested (tests/unit/test_cli_audit.c).
 */
#ifndef ASSURE_AUDIT_COMMON_H
#define ASSURE_AUDIT_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "assure.pb-c.h"
#include "hash.h"
#include "merkle.h"

/* Exit code for "the audit trail is not intact" (assure audit verify,
 * assure-audit), past the ten shared codes of status.h. */
#define AUDIT_EXIT_NOT_INTACT 11

/* A text field as it is on the wire: it may hold NUL bytes and bytes that
 * are not UTF-8, so it is a pointer and a length, never a C string. */
struct audit_text {
	const char *p;
	size_t n;
};

/*
 * One AuditRecord read straight from its stored bytes (the texts point
 * into them, so the bytes must outlive the view). protobuf-c's unpacked
 * strings end at the first NUL; this keeps every byte so the output can
 * show what was stored rather than a silently shortened copy.
 */
struct audit_rec {
	uint64_t seq;
	struct audit_text uuid, time, action, event;
	uint32_t outcome;
	struct audit_text status;
	int64_t user_id;
	struct audit_text username, role, site, client_addr, cert_fingerprint, session_hash,
	    instance, object_type, object_id, query, reason;
	int64_t time_ms;
	merkle_hash leaf; /* SHA-256(0x00 || bytes), computed by audit_rec_parse */
};

/* Parses the protobuf encoding of an AuditRecord. 0, or -1 with *cause
 * (malformed wire data, a field of the wrong wire type). Unknown fields
 * (appended by a newer server) are skipped. */
int audit_rec_parse(const uint8_t *buf, size_t len, struct audit_rec *out, char **cause)
    __attribute__((warn_unused_result));

/* Every field of the AuditRecord descriptor has a member of its type in
 * struct audit_rec: 0, or -1 with *cause naming the first that does not
 * (a .proto change the reader was not told of). */
int audit_rec_layout_check(char **cause) __attribute__((warn_unused_result));

/* A view of a C string, for tests and hand-built records. */
struct audit_text audit_text_of(const char *s);

/* Writes the record as one compact JSON object (no newline): every field
 * by its proto name, in field order, then "leaf_hash" in hex. Strings are
 * escaped as cli_json does (RFC 8259; invalid UTF-8 becomes U+FFFD). */
void audit_rec_json(FILE *out, const struct audit_rec *r);
/* The same into a new string (caller frees); *len set if not NULL. */
char *audit_rec_json_string(const struct audit_rec *r, size_t *len);

/* CSV (RFC 4180): the header line and one line per record, each ending in
 * CRLF. Every field is quoted, '"' doubled; so that a field can never
 * break the line, backslash is written "\\", CR, LF and TAB "\r", "\n",
 * "\t", other control characters (NUL included) "\u00XX", and invalid
 * UTF-8 U+FFFD. */
void audit_csv_header(FILE *out);
void audit_csv_row(FILE *out, const struct audit_rec *r);

/* The RFC 5424 severity for an outcome: 0 → 6 (informational), 4 → 5
 * (notice), 8 → 4 (warning), 12 → 3 (error); anything else 5. */
int audit_syslog_severity(uint32_t outcome);

#define AUDIT_SYSLOG_FACILITY 13 /* log audit */
#define AUDIT_SYSLOG_MAX 2048	 /* the whole message, not counting "LEN SP" */
#define AUDIT_SYSLOG_ENTERPRISE "32473"

/*
 * Formats one RFC 5424 message for the record into buf (at least
 * AUDIT_SYSLOG_MAX bytes) and returns its length (<= AUDIT_SYSLOG_MAX):
 *   <PRI>1 TIMESTAMP HOSTNAME assure PROCID MSGID [assure@32473 seq="" uuid=""] JSON
 * PROCID is the record's server instance, MSGID its event name (both cut
 * to RFC 5424's lengths and printable ASCII, "-" when empty). The JSON is
 * cut, if the message would be too long, at a UTF-8 character boundary
 * and never inside one of its own escapes. hostname may be NULL ("-").
 */
size_t audit_syslog_format(const struct audit_rec *r, const char *hostname, char *buf, size_t size);

/* Parses RFC 3339 ("2026-11-23T10:00:00Z", fractions and "+01:00"
 * offsets allowed, "t"/"z" too) or a bare date ("2026-11-23", midnight
 * UTC) into Unix milliseconds. 0 or -1. */
int audit_parse_time(const char *s, int64_t *ms);

/* --- checkpoints ------------------------------------------------------ */

/*
 * Checks a checkpoint message as the server sends it: its signed note
 * parses, names origin, is signed by pub under key name origin, and
 * agrees with the message's own tree_size and root_hash; and, when root
 * is not NULL, that the tree of that size (built by the caller) has that
 * root. 0, or -1 with *cause saying which check failed.
 */
int audit_checkpoint_check(const Assure__Checkpoint *cp, const char *origin,
			   const uint8_t pub[HASH_ED25519_PUB_LEN], const merkle_hash root,
			   char **cause) __attribute__((warn_unused_result));

/* --- assure-audit's state -------------------------------------------- */

/*
 * The cursor assure-audit keeps in DIR/state, so a restart goes on where
 * the last durable write ended and can still check the next checkpoint:
 * the log's origin and pinned public key (once known), the last sequence
 * number written to every output, its time, and the Merkle frontier of
 * records 1..seq.
 */
struct audit_state {
	char origin[256]; /* "" until the first checkpoint or key is seen */
	int has_pub;
	uint8_t pub[HASH_ED25519_PUB_LEN];
	uint64_t seq;	 /* == frontier.size */
	int64_t time_ms; /* of record seq; 0 if none */
	struct merkle_frontier frontier;
};

void audit_state_init(struct audit_state *st);
/* Reads DIR/state. 0 loaded; 1 there is none (st initialised); -1 with
 * *cause (unreadable, damaged, frontier not matching seq). */
int audit_state_load(const char *dir, struct audit_state *st, char **cause)
    __attribute__((warn_unused_result));
/* Writes DIR/state.tmp, fsyncs it, renames it over DIR/state and fsyncs
 * DIR, so a crash leaves the old state or the new. 0 or -1 with *cause. */
int audit_state_save(const char *dir, const struct audit_state *st, char **cause)
    __attribute__((warn_unused_result));

/* Cuts a JSON Lines file back to its last complete line (a write torn by
 * a crash). *removed (if not NULL) gets the number of bytes cut. 0, or -1
 * with *cause. A missing file is fine. */
int audit_jsonl_repair(const char *path, uint64_t *removed, char **cause)
    __attribute__((warn_unused_result));

/* "DIR/audit-YYYY-MM-DD.jsonl" for the UTC day of time_ms (caller frees). */
char *audit_jsonl_path(const char *dir, int64_t time_ms);

#endif
