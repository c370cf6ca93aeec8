/*
 * AuditSubscribe streams: a connection follows the audit log. The stream
 * polls committed records through the worker pool (a read-only handle only
 * sees committed data, so nothing is ever sent that could still roll
 * back), sends them in batches under the subscribing request's id, with the
 * signed checkpoints they complete, and re-checks the session and its
 * audit.read permission before every batch. Loop thread.
 */
#ifndef ASSURE_AUDIT_STREAM_H
#define ASSURE_AUDIT_STREAM_H

#include <stdint.h>

struct conn;
struct rpc_call;

/* Starts a stream for call on its connection from from_seq. The stream
 * is attached to the connection (conn->attached): when the connection goes
 * away it ends, freed then or when its fetch in flight returns. */
void audit_sub_start(struct rpc_call *call, struct conn *c, uint64_t from_seq);

#endif
