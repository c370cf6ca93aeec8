/*
 * What every concern RPC shares: the acting role as the domain's enum, the
 * concern loaded with the facts the rules read (struct concern_facts),
 * the data-level access check (DOMAIN.md "Access to concern content"),
 * dates from requests, the stale-version answer, the deadline bookkeeping
 * of a move, and the Concern / ConcernSummary / Deadline messages.
 *
 * Loading and the bookkeeping run on whichever thread runs the call's
 * rpc_db_fn (a worker or the writer); message builders allocate in the
 * call's arena. Functions returning int return a protocol status code and
 * set *message (heap) on failure.
 */
#ifndef ASSURE_CONCERN_COMMON_H
#define ASSURE_CONCERN_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "domain_concern.h"
#include "rpc.h"
#include "store_concern.h"

struct db;

/* The configuration in force for this call's transaction (rpc_settings):
 * periods, quorum and bands in *cfg, the effective England and Wales
 * bank-holiday table in *h (either may be NULL). Valid until the call is
 * freed. A status code; *message on failure. */
int concern_settings(struct rpc_call *call, struct db *db, const struct concern_config **cfg,
		     const struct domain_holidays **h, char **message)
    __attribute__((warn_unused_result));

/* The call's acting role as the domain sees it. */
enum concern_role concern_role_of(const struct rpc_call *call);

/* A concern with what the rules need. */
struct concern_ctx {
	struct concern_record *c;
	int64_t *former, *panel;
	size_t n_former, n_panel;
	struct concern_facts f;
};

/*
 * Loads concern `ref` for the call's actor and checks that the actor may
 * see its content. Sets the call's audit object. A reference that does not
 * exist is NOT_FOUND for roles that see every concern, and for restricted
 * roles (investigator, panel member, others) exactly the PERMISSION_DENIED
 * answer an existing concern outside their scope gets. Clear ctx with
 * concern_ctx_clear whatever the outcome.
 */
int concern_load(struct rpc_call *call, struct db *db, const char *ref, struct concern_ctx *ctx,
		 char **message) __attribute__((warn_unused_result));
/* The same for a suspension or reinstatement: the panel suspends on any
 * concern that has reached triage (DOMAIN.md "Suspension"), so a panel
 * member may act on one not yet panel-referred. */
int concern_load_for_suspension(struct rpc_call *call, struct db *db, const char *ref,
				struct concern_ctx *ctx, char **message)
    __attribute__((warn_unused_result));
void concern_ctx_clear(struct concern_ctx *ctx);

/* Facts for a loaded record (the caller keeps the arrays alive). */
void concern_facts_fill(struct concern_facts *f, const struct concern_record *c, int64_t actor_id,
			const int64_t *former, size_t n_former, const int64_t *panel,
			size_t n_panel);

/* Fills f->representations_due and f->appeal_due from the concern's
 * recorded deadlines (the latest of each kind not cancelled), so the rules
 * judge a running window by the date the parties were given, whatever the
 * configuration says now. */
int concern_recorded_windows(struct db *db, int64_t concern_id, struct concern_facts *f,
			     char **message) __attribute__((warn_unused_result));

/* ABORTED "changed by NAME at TIME" unless version is the concern's. */
int concern_check_version(const struct concern_record *c, uint64_t version, char **message)
    __attribute__((warn_unused_result));
/* Calls store_concern_update and turns a stale version into the ABORTED
 * sentence. */
int concern_update(struct rpc_call *call, struct db *db, const struct concern_record *c,
		   uint64_t version, const struct concern_update *u, int64_t now, char **message)
    __attribute__((warn_unused_result));

/* The domain's verdict as a status code. */
int concern_status_of(enum concern_check c);

/* Validation on the loop thread; each returns NULL or a sentence written
 * into buf / the call's arena. */
const char *concern_check_ref(struct rpc_call *call, const char *ref);
/* A date field: "" gives dflt; the future is refused. */
const char *concern_date_arg(struct rpc_call *call, const char *field, const char *s, int32_t dflt,
			     int allow_future, int32_t *out);
/* INVALID_ARGUMENT text for version 0, or NULL. */
const char *concern_check_version_given(uint64_t version);

/* A user who must be enabled and hold role_name; *id gets theirs. */
int concern_user_with_role(struct db *db, const char *field, const char *username,
			   const char *role_name, int64_t *id, char **message)
    __attribute__((warn_unused_result));

/* Adds the rules' deadlines for a move of concern c (skipping an interim
 * review while one is open); *out (arena, may be NULL) gets them as
 * Deadline messages. */
int concern_add_deadlines(struct rpc_call *call, struct db *db, const struct concern_record *c,
			  const struct concern_deadline *d, size_t n, Assure__Deadline ***out,
			  size_t *n_out, char **message) __attribute__((warn_unused_result));
/* Ends the clocks leaving `from` for `to` satisfies; closing cancels
 * everything still open. */
int concern_close_deadlines(struct db *db, const struct concern_record *c, enum concern_state from,
			    enum concern_state to, const char *date, char **message)
    __attribute__((warn_unused_result));
/* Whether the concern has an open deadline of kind. */
int concern_has_open_deadline(struct db *db, int64_t concern_id, const char *kind, int *has,
			      char **message) __attribute__((warn_unused_result));

/* Appends a timeline event. */
int concern_event(struct rpc_call *call, struct db *db, int64_t concern_id, const char *kind,
		  const char *from, const char *to, const char *text, const char *date,
		  const char *detail, char **message) __attribute__((warn_unused_result));

/* Messages, in the call's arena. The reporter only for roles that may see
 * it (case managers, PAG members). */
Assure__Concern *concern_msg(struct rpc_call *call, const struct concern_record *c);
Assure__ConcernSummary *concern_summary_msg(struct rpc_call *call, const struct concern_record *c);
Assure__Deadline *concern_deadline_msg(struct rpc_call *call,
				       const struct concern_deadline_record *d);
/* Re-reads the concern by id and builds its message. */
int concern_reload_msg(struct rpc_call *call, struct db *db, int64_t id, Assure__Concern **out,
		       char **message) __attribute__((warn_unused_result));

/* A "name: value\n" line appended to a growing detail string in the arena
 * (nothing when value is empty). */
char *concern_detail_add(struct rpc_call *call, char *detail, const char *name, const char *value);

/* Today as YYYY-MM-DD into buf. */
char *concern_today(char buf[DOMAIN_DATE_BUFSZ]);

#endif
