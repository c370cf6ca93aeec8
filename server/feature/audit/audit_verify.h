/*
 * Full verification of a stored audit log, shared by `assured audit-verify`
 * (offline, on the database file) and the AuditVerify RPC (online).
 *
 * Checks, in one pass in sequence order: no gap in sequence numbers; every
 * stored leaf hash equals SHA-256(0x00 || stored bytes); the bytes decode
 * as an AuditRecord whose seq is the row's and whose fields equal the
 * indexed columns, and re-encode to the same bytes; every stored tree node
 * equals the recomputed one; every checkpoint's note names this log, its
 * size and the recomputed root at that size, its signature verifies, and
 * sizes and times increase; no checkpoint is beyond the end of the log
 * (records removed); and, if given, a checkpoint saved earlier outside the
 * server is consistent with the log (a rolled-back or truncated log fails).
 */
#ifndef ASSURE_AUDIT_VERIFY_H
#define ASSURE_AUDIT_VERIFY_H

#include <stdint.h>

struct db;
struct checkpoint;

struct audit_verify_result {
	int ok;
	uint64_t records;
	uint64_t checkpoints;
	uint64_t first_bad_seq; /* 0: none, or not about one record */
	char message[512];
	uint64_t latest_checkpoint; /* tree size of the newest valid checkpoint */
};

/* pub: the Ed25519 public key the checkpoints must verify with. trusted:
 * an earlier checkpoint (NULL: none). Returns 0 when verification ran
 * (res->ok says the outcome), -1 if it could not run (*cause). */
int audit_verify_db(struct db *db, const uint8_t pub[32], const struct checkpoint *trusted,
		    struct audit_verify_result *res, char **cause)
    __attribute__((warn_unused_result));

#endif
