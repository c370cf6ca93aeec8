/*
 * RPC dispatch. Each rpc_<group>.c exports a table of entries; rpc.c joins
 * them into one index by operation. The dispatcher checks, in one place and
 * before any handler runs: Hello first, the session (valid, not expired,
 * not revoked), a pending password change, the permission, and the
 * message's own validity. Handlers never check authorisation themselves.
 *
 * Handler contract (tmux's cmd_retval): return RPC_DONE when call->resp is
 * complete (success or an error set with rpc_error), or RPC_ASYNC after
 * handing the call to a worker or the writer; the job's done() then calls
 * rpc_complete(). Application errors are replies and never disconnect.
 */
#ifndef ASSURE_RPC_H
#define ASSURE_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "assure.pb-c.h"
#include "crypto.h"
#include "job.h"
#include "permissions.h"

struct server;
struct conn;

enum rpc_flags {
	RPC_PREAUTH = 1 << 0, /* allowed without a session */
	/* Changes the database: only these may go to the writer, and one
	 * answered OK must have (rpc.c checks both, failing closed). */
	RPC_WRITE = 1 << 1,
	RPC_BARRIER = 1 << 2, /* later requests on the connection wait for it */
	/* 1 << 3 was RPC_WIPE: every call's arena is wiped when freed, so a
	 * flag for the calls that carry secrets said nothing. */
	RPC_PWCHANGE_OK = 1 << 4, /* allowed while a password change is pending */
	RPC_NO_HELLO = 1 << 5,	  /* allowed before Hello (only Hello itself) */
	/* Before login, counted per connection and audited as one record when
	 * it closes (Hello, Status), so a peer that only asks cannot make the
	 * audit trail grow by a record a request. */
	RPC_TALLY = 1 << 6,
};

/* RPC_STREAM: the handler started a stream that answers later under the
 * request's id by itself (AuditSubscribe); the call ends without a reply. */
enum rpc_result { RPC_DONE, RPC_ASYNC, RPC_STREAM };

/* Who is calling: copied from the session at dispatch, so a job on another
 * thread never looks at the session table. */
struct rpc_actor {
	bool has_session;
	int64_t session_id;
	int64_t user_id;
	const char *username; /* arena strings */
	const char *display_name;
	const char *role;
	const char *site;
	perm_mask perms;
	uint8_t token_hash[CRYPTO_SHA256_LEN];
};

struct rpc_call;
typedef enum rpc_result (*rpc_handler)(struct rpc_call *call);
/* Database work of a call, run by rpc_read (a worker, read-only handle) or
 * rpc_write (the writer, inside the call's savepoint). Returns a status code;
 * on failure may set *message (heap) to the sentence the client sees. It may
 * build the response in the call's arena. It must not touch loop state. */
typedef int (*rpc_db_fn)(struct rpc_call *call, struct db *db, char **message);
/* Runs on the loop after rpc_db_fn succeeded: updates in-memory state (for
 * example live sessions) now that the change is committed. */
typedef void (*rpc_after_fn)(struct rpc_call *call);

struct rpc_entry {
	int op;		  /* ASSURE__REQUEST__OP_* */
	const char *name; /* "Login": logs and the audit trail */
	enum perm perm;	  /* needed unless RPC_PREAUTH */
	unsigned flags;
	rpc_handler handler;
	char action; /* audit action: 'C', 'R', 'U', 'D' or 'E' (0: 'E') */
};

struct rpc_call {
	struct job job; /* for async work; done() must end in rpc_complete */
	struct server *srv;
	uint64_t conn_id;
	char peer[64];
	const struct rpc_entry *entry;
	struct arena *arena; /* owns req, resp and everything they point to */
	Assure__Request *req;
	Assure__Response *resp;
	struct rpc_actor actor;
	void *state; /* handler-private, usually in the arena */
	int64_t started_ns;
	rpc_db_fn db_fn;
	rpc_after_fn after_fn;
	char *db_message; /* heap, from db_fn */
	/* Frees heap state the handler hung on the call; runs once, whatever
	 * the outcome, just before the call is freed. */
	void (*cleanup_fn)(struct rpc_call *call);

	/* For the audit record; handlers set what they know (arena strings). */
	char cert_fingerprint[65];
	const char *audit_object_type;
	const char *audit_object_id;
	const char *audit_query;
	const char *audit_claimed_user; /* a failed login's username */
	const char *audit_reason;	/* what was done, when not the status message */
	bool audited;			/* its record is in (or queued with) a write */
	bool wrote;			/* went through the writer (RPC_WRITE rows only) */
	bool streaming;			/* RPC_STREAM: no reply of its own */
	void (*writer_run)(struct job *job, struct db *db); /* the call's own write */
	/* The configuration this call reads (rpc_settings), released when the
	 * call is freed. */
	const struct settings_snapshot *settings;
};

struct session;
/* Makes the call act for session s (for calls that bind one, e.g. Resume). */
void rpc_fill_actor(struct rpc_call *call, const struct session *s);

/* Names the object a call acts on, for its audit record. */
void rpc_audit_object(struct rpc_call *call, const char *type, const char *id);

/* Takes ownership of arena (and req, which lives in it). */
void rpc_dispatch(struct conn *c, struct arena *arena, Assure__Request *req);
/* The connection is ending (srv->on_close): audits its pre-login tally and
 * ends its audit stream, if any. */
void rpc_conn_closed(struct conn *c);
/* Sets an error status on the call's response; returns RPC_DONE. */
enum rpc_result rpc_error(struct rpc_call *call, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Finishes an async call on the loop thread: sends the response if the
 * connection is still there, frees the call. */
void rpc_complete(struct rpc_call *call);
/* Hands the call to a worker / the writer with run and done set. */
enum rpc_result rpc_submit_worker(struct rpc_call *call, void (*run)(struct job *, struct db *),
				  void (*done)(struct job *));
enum rpc_result rpc_submit_writer(struct rpc_call *call, void (*run)(struct job *, struct db *),
				  void (*done)(struct job *));
/* The common shapes of async work: fn on a worker or the writer, then
 * after (may be NULL) on the loop if fn returned OK, then the reply. A
 * non-OK status from fn becomes the reply's status with fn's message (for
 * INTERNAL the detail is logged and the client gets a generic sentence). */
enum rpc_result rpc_read(struct rpc_call *call, rpc_db_fn fn, rpc_after_fn after);
enum rpc_result rpc_write(struct rpc_call *call, rpc_db_fn fn, rpc_after_fn after);
/* The configuration in force for the call's database work (rpc_db_fn):
 * acquired on first use from db's current view (so a write sees what its
 * own transaction sees) and kept for the rest of the call. A status code;
 * *message (heap) on failure. */
struct settings_snapshot;
int rpc_settings(struct rpc_call *call, struct db *db, const struct settings_snapshot **out,
		 char **message) __attribute__((warn_unused_result));

/* Marks the response's result (sets result_case and the pointer). */
#define RPC_RESULT(call, field, CASE, value)                                                       \
	do {                                                                                       \
		(call)->resp->result_case = ASSURE__RESPONSE__RESULT_##CASE;                       \
		(call)->resp->field = (value);                                                     \
	} while (0)

/* The call that embeds job. */
struct rpc_call *rpc_call_of(struct job *job);
/* The table entry for an operation, or NULL. */
const struct rpc_entry *rpc_lookup(int op);
/* Every entry, for the authorisation matrix test and the docs. */
size_t rpc_entries(const struct rpc_entry ***out);

/* The group tables. */
extern const struct rpc_entry rpc_system_table[];
extern const size_t rpc_system_count;
extern const struct rpc_entry rpc_session_table[];
extern const size_t rpc_session_count;
extern const struct rpc_entry rpc_user_table[];
extern const size_t rpc_user_count;
extern const struct rpc_entry rpc_role_table[];
extern const size_t rpc_role_count;
extern const struct rpc_entry rpc_site_table[];
extern const size_t rpc_site_count;
extern const struct rpc_entry rpc_audit_table[];
extern const size_t rpc_audit_count;
extern const struct rpc_entry rpc_performer_table[];
extern const size_t rpc_performer_count;
extern const struct rpc_entry rpc_concern_table[];
extern const size_t rpc_concern_count;
extern const struct rpc_entry rpc_concern_side_table[];
extern const size_t rpc_concern_side_count;
extern const struct rpc_entry rpc_concern_read_table[];
extern const size_t rpc_concern_read_count;
extern const struct rpc_entry rpc_config_table[];
extern const size_t rpc_config_count;
/* contracts, indicator sets, requirements */
extern const struct rpc_entry rpc_contract_table[];
extern const size_t rpc_contract_count;
extern const struct rpc_entry rpc_indicators_table[];
extern const size_t rpc_indicators_count;

/* reviews */
extern const struct rpc_entry rpc_review_table[];
extern const size_t rpc_review_count;
extern const struct rpc_entry rpc_review_read_table[];
extern const size_t rpc_review_read_count;

/* scorecard */
extern const struct rpc_entry rpc_scorecard_table[];
extern const size_t rpc_scorecard_count;

#endif
