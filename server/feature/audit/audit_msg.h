/*
 * Protocol messages for audit data, shared by the audit RPCs and the stream.
 */
#ifndef ASSURE_AUDIT_MSG_H
#define ASSURE_AUDIT_MSG_H

#include "arena.h"
#include "assure.pb-c.h"
#include "store.h"

/* A Checkpoint message for a stored checkpoint, in arena. */
Assure__Checkpoint *audit_checkpoint_msg(struct arena *a, const struct audit_checkpoint_row *c,
					 const char *origin);

#endif
