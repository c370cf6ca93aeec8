/*
 * What every review RPC shares: a review loaded with its contract,
 * indicator set, checklist, SfBH answers, scores and action plan, and the
 * same content as the pure rules see it (struct review_content); the
 * overall result and its derivation; the finalise list; the stale-version
 * answer; history events; the QOF maxima (review.qof-maxima, or those a
 * review's QOF was checked against); request checks; and the
 * ReviewSummary / ReviewWriteResponse messages.
 *
 * Loading runs on whichever thread runs the call's rpc_db_fn (a worker or
 * the writer); message builders allocate in the call's arena. Functions
 * returning int return a protocol status code and set *message (heap) on
 * failure.
 */
#ifndef ASSURE_REVIEW_COMMON_H
#define ASSURE_REVIEW_COMMON_H

#include <stddef.h>
#include <stdint.h>

#include "domain_review.h"
#include "rpc.h"
#include "store_review.h"

struct db;

/* A review with everything its rules read. The domain arrays borrow the
 * store records' strings; clear with review_ctx_clear. */
struct review_ctx {
	struct review_record *r;
	enum review_state state;
	/* The set scored against: the bound one, else the year's published
	 * set (set_unbound: not yet bound to the review), else NULL. */
	struct review_set_record *set;
	int set_unbound;
	struct review_check_record *checks;
	size_t n_checks;
	struct review_sfbh_record *sfbh;
	size_t n_sfbh;
	struct review_score_record *scores;
	size_t n_scores;
	struct review_action_record *actions;
	size_t n_actions;
	struct review_requirement_entry *req;
	struct review_indicator *ind;
	struct review_indicator_entry *ent;
	struct review_action *act;
	struct review_rule rule;
	struct review_content c;
};

/*
 * Loads review `ref` and sets it as the call's audit object. NOT_FOUND "no
 * review REF" when there is none. Clear ctx with review_ctx_clear
 * whatever the outcome.
 */
int review_load(struct rpc_call *call, struct db *db, const char *ref, struct review_ctx *ctx,
		char **message) __attribute__((warn_unused_result));
/* The same by id (a reload after a change). */
int review_load_id(struct db *db, int64_t id, struct review_ctx *ctx, char **message)
    __attribute__((warn_unused_result));
void review_ctx_clear(struct review_ctx *ctx);

/* Writer only: binds the year's published set to a review that has none
 * yet (nothing when there is none to bind). */
int review_bind_set(struct db *db, struct review_ctx *ctx, char **message)
    __attribute__((warn_unused_result));

/* The computed overall RAG of the content by the set's rule, with the
 * sentence saying how it was derived (*derivation, heap; may be NULL). */
enum review_rag review_overall(const struct review_ctx *ctx, char **derivation);
/* The result in force: the final RAG once finalised, else the override,
 * else the computed result. */
enum review_rag review_rag_in_force(const struct review_ctx *ctx);

/* Everything finalising still needs: the domain's list
 * (domain_review_finalise_missing), led by "indicator set: none is
 * published for 2009/10" when the review has no set to be scored against.
 * How many; *missing (heap, lines joined by '\n') when there are some and
 * missing is not NULL. */
size_t review_missing(const struct review_ctx *ctx, char **missing);

/* ABORTED "review REF was changed by NAME at TIME ..." unless version is 0
 * or the review's. */
int review_check_version(const struct review_record *r, uint64_t version, char **message)
    __attribute__((warn_unused_result));
/* Calls store_review_update and turns a stale version into that sentence. */
int review_update(struct rpc_call *call, struct db *db, const struct review_record *r,
		  uint64_t version, const struct review_update *u, char **message)
    __attribute__((warn_unused_result));

/* The domain's verdict as a status code. */
int review_status_of(enum review_check c);

/* Appends a history event as the caller, now. */
int review_event(struct rpc_call *call, struct db *db, int64_t review_id, const char *kind,
		 const char *text, const char *detail, char **message)
    __attribute__((warn_unused_result));

/*
 * The QOF maxima in force for the call: review.qof-maxima from the call's
 * configuration snapshot (rpc_settings), one set for every review year.
 * What ReviewQof checks new points against and stores on the review.
 */
int review_qof_maxima(struct rpc_call *call, struct db *db, struct qof_maxima *out, char **message)
    __attribute__((warn_unused_result));
/* The maxima a review's QOF was checked against (stored with it), or,
 * while none is recorded, those in force for the call. */
int review_qof_maxima_of(struct rpc_call *call, struct db *db, const struct review_record *r,
			 struct qof_maxima *out, char **message)
    __attribute__((warn_unused_result));

/* Validation on the loop thread; each returns NULL or a sentence in the
 * call's arena. */
const char *review_check_ref(struct rpc_call *call, const char *ref);
/* A date field: "" gives dflt; the future is refused unless allow_future. */
const char *review_date_arg(struct rpc_call *call, const char *field, const char *s, int32_t dflt,
			    int allow_future, int32_t *out);
/* validate_text into the call's arena. */
const char *review_text_arg(struct rpc_call *call, const char *field, const char *s, int required,
			    int multiline);

/* Today as YYYY-MM-DD into buf. */
char *review_today(char buf[DOMAIN_DATE_BUFSZ]);
/* Unix seconds now (migration 10 keeps times in seconds). */
int64_t review_now(void);

/* A "name: value\n" line appended to a growing detail string in the arena
 * (nothing when value is empty). */
char *review_detail_add(struct rpc_call *call, char *detail, const char *name, const char *value);

/* Messages, in the call's arena. */
Assure__ReviewSummary *review_summary_msg(struct rpc_call *call, const struct review_record *r);
Assure__ReviewAction *review_action_msg(struct rpc_call *call, const struct review_action_record *a,
					const char *today);
/* Re-reads review id and fills a ReviewWriteResponse: the summary, what
 * finalising still needs and the derivation; with the action numbered
 * action_number when it is not 0. */
int review_write_reply(struct rpc_call *call, struct db *db, int64_t id, int action_number,
		       Assure__ReviewWriteResponse **out, char **message)
    __attribute__((warn_unused_result));

#endif
