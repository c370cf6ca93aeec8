/*
 * A concern's side records (DOMAIN.md "Side records"): ConcernRefer,
 * ConcernNote, ConcernEvidence, ConcernActionAdd, ConcernActionDone.
 *
 * Added only while the concern is open (a closed concern is never
 * reopened), by someone who may see its content (concern_load). Notes and
 * evidence are append-only: a correction is a new note. Side records do
 * not change the concern, so they do not bump its version, with one
 * exception: a referral answers an open "consider interim suspension /
 * referral" item, which sets the concern's interim_answered flag (one bump,
 * whatever version it is at). Each side record also goes on the timeline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "concern_common.h"
#include "db.h"
#include "domain_concern.h"
#include "domain_dates.h"
#include "rpc.h"
#include "server.h"
#include "store_concern.h"
#include "validate.h"
#include "xmalloc.h"

#define TEXT_MAX 4000

static enum rpc_result bad(struct rpc_call *call, const char *why)
{
	return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
}

static const char *text_arg(struct rpc_call *call, const char *field, const char *s, int required,
			    int multiline)
{
	char buf[256];
	const char *why = validate_text(field, s, TEXT_MAX, required, multiline, buf, sizeof buf);
	return why ? arena_strdup(call->arena, why) : NULL;
}

/* Loads the concern and checks it is open. */
static int load_open(struct rpc_call *call, struct db *db, const char *ref, struct concern_ctx *ctx,
		     char **message)
{
	int st = concern_load(call, db, ref, ctx, message);
	if (st != ASSURE__CODE__OK)
		return st;
	if (domain_concern_check_side_record(&ctx->f, message) < 0)
		return ASSURE__CODE__FAILED_PRECONDITION;
	return ASSURE__CODE__OK;
}

/* --- ConcernRefer ------------------------------------------------------------ */

struct refer_state {
	int32_t date;
	const char *body;
};

static int concern_refer_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernReferRequest *req = call->req->concern_refer;
	struct refer_state *rs = call->state;
	struct concern_ctx ctx;
	int st = load_open(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	int64_t now = clock_now_ms(), id = 0;
	char date[DOMAIN_DATE_BUFSZ];
	domain_date_format(rs->date, date);
	struct concern_referral_record rr = {
	    .body = (char *)rs->body,
	    .date = date,
	    .rationale = (char *)req->rationale,
	    .their_ref = (char *)req->their_ref,
	};
	if ((st = store_concern_referral_add(db, ctx.c->id, &rr, now, call->actor.username, &id,
					     message)) != ASSURE__CODE__OK)
		goto out;
	char *detail = concern_detail_add(call, NULL, "body", rs->body);
	detail = concern_detail_add(call, detail, "their reference", req->their_ref);
	if ((st = concern_event(call, db, ctx.c->id, "referral", "", "", req->rationale, date,
				detail, message)) != ASSURE__CODE__OK)
		goto out;
	/* A referral is a considered answer to "consider interim suspension /
	 * referral". */
	int has = 0;
	const char *interim = domain_concern_clock_name(CONCERN_CLOCK_INTERIM_REVIEW);
	if ((st = concern_has_open_deadline(db, ctx.c->id, interim, &has, message)) !=
	    ASSURE__CODE__OK)
		goto out;
	if (has) {
		struct concern_update u;
		concern_update_init(&u);
		u.interim_answered = 1;
		st = store_concern_deadlines_close(db, ctx.c->id, interim, date, 0, NULL, message);
		if (st == ASSURE__CODE__OK)
			st = concern_update(call, db, ctx.c, (uint64_t)ctx.c->version, &u, now,
					    message);
		if (st != ASSURE__CODE__OK)
			goto out;
	}
	Assure__ConcernReferResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__concern_refer_response__init(r);
	Assure__Referral *m = arena_alloc(call->arena, sizeof *m);
	assure__referral__init(m);
	m->id = id;
	m->body = arena_strdup(call->arena, rs->body);
	m->date = arena_strdup(call->arena, date);
	m->rationale = arena_strdup(call->arena, req->rationale);
	m->their_ref = arena_strdup(call->arena, req->their_ref);
	m->response = arena_strdup(call->arena, "");
	m->at = now / 1000;
	m->by = arena_strdup(call->arena, call->actor.username);
	r->referral = m;
	call->audit_reason = arena_printf(call->arena, "referral to %s", rs->body);
	RPC_RESULT(call, concern_refer, CONCERN_REFER, r);
out:
	concern_ctx_clear(&ctx);
	return st;
}

static enum rpc_result rpc_concern_refer(struct rpc_call *call)
{
	const Assure__ConcernReferRequest *req = call->req->concern_refer;
	call->audit_object_type = "concern";
	const char *why = concern_check_ref(call, req->ref);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "concern", req->ref);
	struct refer_state *rs = arena_alloc(call->arena, sizeof *rs);
	const char *to = req->to;
	if (strcmp(to, "other-pct") == 0)
		to = "pct";
	int b = domain_referral_body_parse(to);
	if (b < 0)
		return bad(call,
			   "to: one of ncas, gmc, gdc, goc, rpsgb, gphc, police, counter-fraud, "
			   "other-pct");
	rs->body = domain_referral_body_name((enum referral_body)b);
	if ((why = text_arg(call, "rationale", req->rationale, 1, 1)) ||
	    (why = text_arg(call, "their_ref", req->their_ref, 0, 0)) ||
	    (why = concern_date_arg(call, "date", req->date, clock_today(), 0, &rs->date)))
		return bad(call, why);
	call->state = rs;
	return rpc_write(call, concern_refer_db, NULL);
}

/* --- ConcernNote ---------------------------------------------------------------- */

static int concern_note_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernNoteRequest *req = call->req->concern_note;
	struct concern_ctx ctx;
	int st = load_open(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	int64_t now = clock_now_ms(), id = 0;
	char today[DOMAIN_DATE_BUFSZ];
	if ((st = store_concern_note_add(db, ctx.c->id, req->text, now, call->actor.username, &id,
					 message)) != ASSURE__CODE__OK ||
	    (st = concern_event(call, db, ctx.c->id, "note", "", "", req->text,
				concern_today(today), "", message)) != ASSURE__CODE__OK)
		goto out;
	Assure__ConcernNoteResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__concern_note_response__init(r);
	Assure__Note *m = arena_alloc(call->arena, sizeof *m);
	assure__note__init(m);
	m->id = id;
	m->text = arena_strdup(call->arena, req->text);
	m->at = now / 1000;
	m->by = arena_strdup(call->arena, call->actor.username);
	r->note = m;
	call->audit_reason = "note added";
	RPC_RESULT(call, concern_note, CONCERN_NOTE, r);
out:
	concern_ctx_clear(&ctx);
	return st;
}

static enum rpc_result rpc_concern_note(struct rpc_call *call)
{
	const Assure__ConcernNoteRequest *req = call->req->concern_note;
	call->audit_object_type = "concern";
	const char *why = concern_check_ref(call, req->ref);
	if (!why)
		why = text_arg(call, "text", req->text, 1, 1);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "concern", req->ref);
	return rpc_write(call, concern_note_db, NULL);
}

/* --- ConcernEvidence ------------------------------------------------------------ */

static int concern_evidence_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernEvidenceRequest *req = call->req->concern_evidence;
	struct concern_ctx ctx;
	int st = load_open(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	int64_t now = clock_now_ms(), id = 0;
	char today[DOMAIN_DATE_BUFSZ];
	char *detail = concern_detail_add(call, NULL, "location", req->location);
	detail = concern_detail_add(call, detail, "sha256", req->sha256);
	if ((st = store_concern_evidence_add(db, ctx.c->id, req->title, req->location, req->sha256,
					     now, call->actor.username, &id, message)) !=
		ASSURE__CODE__OK ||
	    (st = concern_event(call, db, ctx.c->id, "evidence", "", "", req->title,
				concern_today(today), detail, message)) != ASSURE__CODE__OK)
		goto out;
	Assure__ConcernEvidenceResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__concern_evidence_response__init(r);
	Assure__Evidence *m = arena_alloc(call->arena, sizeof *m);
	assure__evidence__init(m);
	m->id = id;
	m->title = arena_strdup(call->arena, req->title);
	m->location = arena_strdup(call->arena, req->location);
	m->sha256 = arena_strdup(call->arena, req->sha256);
	m->at = now / 1000;
	m->by = arena_strdup(call->arena, call->actor.username);
	r->evidence = m;
	call->audit_reason = "evidence added";
	RPC_RESULT(call, concern_evidence, CONCERN_EVIDENCE, r);
out:
	concern_ctx_clear(&ctx);
	return st;
}

static enum rpc_result rpc_concern_evidence(struct rpc_call *call)
{
	const Assure__ConcernEvidenceRequest *req = call->req->concern_evidence;
	call->audit_object_type = "concern";
	const char *why = concern_check_ref(call, req->ref);
	if (!why)
		why = text_arg(call, "title", req->title, 1, 0);
	if (!why)
		why = text_arg(call, "location", req->location, 0, 0);
	if (!why && req->sha256[0]) {
		char *cause = NULL;
		if (domain_concern_check_sha256(req->sha256, &cause) < 0) {
			why = arena_printf(call->arena, "sha256: %s", cause);
			free(cause);
		}
	}
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "concern", req->ref);
	return rpc_write(call, concern_evidence_db, NULL);
}

/* --- ConcernActionAdd / ConcernActionDone -------------------------------------- */

static Assure__ActionItem *action_msg(struct rpc_call *call, const struct concern_action_record *a)
{
	Assure__ActionItem *m = arena_alloc(call->arena, sizeof *m);
	assure__action_item__init(m);
	char today[DOMAIN_DATE_BUFSZ];
	concern_today(today);
	m->number = (uint32_t)a->number;
	m->text = arena_strdup(call->arena, a->text);
	m->owner = arena_strdup(call->arena, a->owner);
	m->due = arena_strdup(call->arena, a->due);
	m->done = arena_strdup(call->arena, a->done);
	m->overdue = a->done[0] == '\0' && a->due[0] && strcmp(a->due, today) < 0;
	return m;
}

static int action_reply(struct rpc_call *call, struct db *db, int64_t concern_id, int number,
			Assure__ActionItem **out, char **message)
{
	struct concern_action_record *v = NULL;
	size_t n = 0;
	int st = store_concern_actions(db, concern_id, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	*out = NULL;
	for (size_t i = 0; i < n; i++)
		if (v[i].number == number)
			*out = action_msg(call, &v[i]);
	concern_actions_free(v, n);
	if (*out == NULL) {
		*message = xasprintf("action %d vanished", number);
		return ASSURE__CODE__INTERNAL;
	}
	return ASSURE__CODE__OK;
}

struct action_state {
	int32_t date;
};

static int concern_action_add_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernActionAddRequest *req = call->req->concern_action_add;
	struct action_state *as = call->state;
	struct concern_ctx ctx;
	int st = load_open(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	int64_t now = clock_now_ms();
	int number = 0;
	char due[DOMAIN_DATE_BUFSZ] = "", today[DOMAIN_DATE_BUFSZ];
	if (as->date != DOMAIN_DATE_NONE)
		domain_date_format(as->date, due);
	if ((st = store_concern_action_add(db, ctx.c->id, req->text, req->owner, due, now,
					   call->actor.username, &number, message)) !=
	    ASSURE__CODE__OK)
		goto out;
	if (due[0]) {
		struct concern_deadline d = {
		    CONCERN_CLOCK_ACTION_DUE, clock_today(), as->date, {DOMAIN_PERIOD_DAYS, 0}};
		if ((st = store_concern_deadline_add(db, ctx.c->id, &d, number, NULL, message)) !=
		    ASSURE__CODE__OK)
			goto out;
	}
	char *detail =
	    concern_detail_add(call, NULL, "number", arena_printf(call->arena, "%d", number));
	detail = concern_detail_add(call, detail, "owner", req->owner);
	detail = concern_detail_add(call, detail, "due", due);
	if ((st = concern_event(call, db, ctx.c->id, "action", "", "", req->text,
				concern_today(today), detail, message)) != ASSURE__CODE__OK)
		goto out;
	Assure__ConcernActionResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__concern_action_response__init(r);
	if ((st = action_reply(call, db, ctx.c->id, number, &r->action, message)) !=
	    ASSURE__CODE__OK)
		goto out;
	call->audit_reason = arena_printf(call->arena, "action %d added", number);
	RPC_RESULT(call, concern_action_add, CONCERN_ACTION_ADD, r);
out:
	concern_ctx_clear(&ctx);
	return st;
}

static enum rpc_result rpc_concern_action_add(struct rpc_call *call)
{
	const Assure__ConcernActionAddRequest *req = call->req->concern_action_add;
	call->audit_object_type = "concern";
	const char *why = concern_check_ref(call, req->ref);
	struct action_state *as = arena_alloc(call->arena, sizeof *as);
	if (!why)
		why = text_arg(call, "text", req->text, 1, 1);
	if (!why)
		why = text_arg(call, "owner", req->owner, 0, 0);
	if (!why)
		why = concern_date_arg(call, "due", req->due, DOMAIN_DATE_NONE, 1, &as->date);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "concern", req->ref);
	call->state = as;
	return rpc_write(call, concern_action_add_db, NULL);
}

static int concern_action_done_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ConcernActionDoneRequest *req = call->req->concern_action_done;
	struct action_state *as = call->state;
	struct concern_ctx ctx;
	int st = load_open(call, db, req->ref, &ctx, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	int64_t now = clock_now_ms();
	char date[DOMAIN_DATE_BUFSZ];
	domain_date_format(as->date, date);
	st = store_concern_action_done(db, ctx.c->id, (int)req->number, date, now,
				       call->actor.username, message);
	if (st == ASSURE__CODE__NOT_FOUND) {
		free(*message);
		*message = xasprintf("%s has no action %u", req->ref, req->number);
	}
	if (st != ASSURE__CODE__OK)
		goto out;
	if ((st = concern_event(call, db, ctx.c->id, "action", "", "",
				arena_printf(call->arena, "action %u done", req->number), date, "",
				message)) != ASSURE__CODE__OK)
		goto out;
	Assure__ConcernActionResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__concern_action_response__init(r);
	if ((st = action_reply(call, db, ctx.c->id, (int)req->number, &r->action, message)) !=
	    ASSURE__CODE__OK)
		goto out;
	call->audit_reason = arena_printf(call->arena, "action %u done", req->number);
	RPC_RESULT(call, concern_action_done, CONCERN_ACTION_DONE, r);
out:
	concern_ctx_clear(&ctx);
	return st;
}

static enum rpc_result rpc_concern_action_done(struct rpc_call *call)
{
	const Assure__ConcernActionDoneRequest *req = call->req->concern_action_done;
	call->audit_object_type = "concern";
	const char *why = concern_check_ref(call, req->ref);
	struct action_state *as = arena_alloc(call->arena, sizeof *as);
	if (!why && req->number == 0)
		why = "number: required (the action's number, 1, 2, ...)";
	if (!why)
		why = concern_date_arg(call, "date", req->date, clock_today(), 0, &as->date);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "concern", req->ref);
	call->state = as;
	return rpc_write(call, concern_action_done_db, NULL);
}

const struct rpc_entry rpc_concern_side_table[] = {
    {ASSURE__REQUEST__OP_CONCERN_REFER, "ConcernRefer", PERM_CONCERN_WRITE, RPC_WRITE,
     rpc_concern_refer, 'C'},
    {ASSURE__REQUEST__OP_CONCERN_NOTE, "ConcernNote", PERM_CONCERN_READ, RPC_WRITE,
     rpc_concern_note, 'C'},
    {ASSURE__REQUEST__OP_CONCERN_EVIDENCE, "ConcernEvidence", PERM_CONCERN_READ, RPC_WRITE,
     rpc_concern_evidence, 'C'},
    {ASSURE__REQUEST__OP_CONCERN_ACTION_ADD, "ConcernActionAdd", PERM_CONCERN_WRITE, RPC_WRITE,
     rpc_concern_action_add, 'C'},
    {ASSURE__REQUEST__OP_CONCERN_ACTION_DONE, "ConcernActionDone", PERM_CONCERN_WRITE, RPC_WRITE,
     rpc_concern_action_done, 'U'},
};

const size_t rpc_concern_side_count =
    sizeof rpc_concern_side_table / sizeof rpc_concern_side_table[0];
