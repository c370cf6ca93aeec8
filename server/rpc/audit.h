/*
 * The audit trail: one AuditRecord per request, successful or not.
 *
 * Building a record (audit_record_from_call) reads only the call, so it can
 * run on whichever thread holds the call. Appending (audit_log_append) runs
 * on the writer thread only: it numbers the record, packs it (the packed
 * bytes are what is hashed and stored), computes its leaf hash and inserts
 * it, inside the writer's current transaction. A write request's record is
 * appended in the same transaction as its change, so neither commits
 * without the other.
 */
#ifndef ASSURE_AUDIT_H
#define ASSURE_AUDIT_H

#include <stdint.h>

#include "assure.pb-c.h"
#include "crypto.h"

struct db;
struct rpc_call;
struct arena;

/* The outcome classes of the record (IHE ATNA / DICOM EventOutcomeIndicator). */
enum audit_outcome {
	AUDIT_SUCCESS = 0,
	AUDIT_MINOR = 4,
	AUDIT_SERIOUS = 8,
	AUDIT_MAJOR = 12,
};

/* The outcome class of a protocol status code. */
enum audit_outcome audit_outcome_of(int status);

/* A record describing call as answered with status and reason, allocated in
 * arena. Copies every string it takes. */
Assure__AuditRecord *audit_record_from_call(struct arena *arena, const struct rpc_call *call,
					    int status, const char *reason);

/* Writer-thread state of the log. */
struct audit_log;

/* Reads where the log ends and rebuilds its Merkle frontier; loads the
 * checkpoint signing key from key_path (making one, with a warning, if
 * the file does not exist) and the log's origin (made on first use).
 * A checkpoint is signed every `every` records (0: only on request). */
int audit_log_open(struct db *db, const char *key_path, uint64_t every, struct audit_log **out,
		   char **cause) __attribute__((warn_unused_result));
/* Signs a checkpoint of the current tree if it has grown since the last
 * one. Writer thread, inside a transaction. */
int audit_log_checkpoint(struct audit_log *log, struct db *db, char **cause);
/* Records appended since the last checkpoint. */
uint64_t audit_log_unsigned(const struct audit_log *log);
const char *audit_log_origin(const struct audit_log *log);
void audit_log_public_key(const struct audit_log *log, uint8_t pub[32]);
/* The public key file next to a private key file: "x.pem" → "x.pub.pem". */
char *audit_public_key_path(const char *key_path);
/* The default key file for a database: audit-key.pem in its directory. */
char *audit_default_key_path(const char *db_path);

/* MTH(D[start:end]) from the stored tree, for proofs (any thread with its
 * own handle). */
int audit_subtree_hash(void *db, uint64_t start, uint64_t end, uint8_t out[32]);
void audit_log_free(struct audit_log *log);
/* Numbers, packs, hashes and inserts rec (rec->seq is set). Writer thread,
 * inside a transaction. Returns a status code; on failure the caller must
 * roll back, and call audit_log_resync once the transaction is gone. */
int audit_log_append(struct audit_log *log, struct db *db, Assure__AuditRecord *rec, char **cause);
/* After a rollback: forget numbers handed out in the lost transaction. */
void audit_log_resync(struct audit_log *log, struct db *db);
/* The next sequence number to be handed out. */
uint64_t audit_log_next_seq(const struct audit_log *log);

/* Submits an audit-only job to the writer for a call that has no write of
 * its own (reads, refusals, pre-auth calls). Loop thread; the job owns a
 * copy of the record and frees it. */
struct server;
void audit_submit(struct server *srv, const struct rpc_call *call, int status, const char *reason);

#endif
