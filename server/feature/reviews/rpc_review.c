/*
 * Writing annual contract reviews (DOMAIN.md "Annual contract review";
 * docs/REVIEWS.md): ReviewSchedule, ReviewVisit, ReviewQof, ReviewCheck,
 * ReviewSfbh, ReviewScore, ReviewNarrative, ReviewActionAdd,
 * ReviewActionDone, ReviewOverride, ReviewFinalise.
 *
 * Shape of each: the request is validated on the loop thread (formats,
 * dates, decimals); the rules are checked inside the writer's transaction
 * against the review as it is then (review_load), using the pure rules of
 * domain_review.c. Every write after scheduling goes the same way
 * (write_begin, the change, write_finish): the version the user saw
 * (ABORTED "changed by NAME at TIME" when stale), domain_review_check_edit
 * with the amendment reason (a finalised review is read-only unless the
 * write is an amendment), the change itself, the one version bump, then
 * the overall RAG recomputed over the changed content and stored with its
 * derivation. An amendment must leave the review complete (otherwise it
 * is refused and, the call's savepoint being rolled back, nothing has
 * changed); it recomputes the final RAG and next visit type and goes in
 * the history as kind "amendment" with its reason. Each change, its
 * history event and the audit record commit together.
 *
 * Marking an action done is the one write a finalised review takes
 * without an amendment: the action plan is carried out after the review
 * is finalised, and recording that is progress, not a correction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "domain_contract.h"
#include "domain_dates.h"
#include "domain_review.h"
#include "domain_settings.h"
#include "review_common.h"
#include "rpc.h"
#include "server.h"
#include "store_contract.h"
#include "store_review.h"
#include "xmalloc.h"

static enum rpc_result bad(struct rpc_call *call, const char *why)
{
	return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
}

static int fail(char **message, int status, char *cause)
{
	*message = cause;
	return status;
}

static int text_given(const char *s)
{
	for (; s && *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return 1;
	return 0;
}

/* A decimal field into *out, or a sentence in the arena. */
static const char *decimal_arg(struct rpc_call *call, const char *field, const char *s,
			       int64_t *out)
{
	char *cause = NULL;
	if (domain_review_decimal_parse(field, s, out, &cause) == 0)
		return NULL;
	const char *m = arena_strdup(call->arena, cause);
	free(cause);
	return m;
}

/* A domain parse (returning the value or -1 with *cause) as a sentence. */
static const char *parsed(struct rpc_call *call, int v, char *cause)
{
	if (v >= 0)
		return NULL;
	const char *m = arena_strdup(call->arena, cause ? cause : "not valid");
	free(cause);
	return m;
}

static const char *version_reason_args(struct rpc_call *call, const char *ref, const char *amend)
{
	const char *why = review_check_ref(call, ref);
	if (!why)
		why = review_text_arg(call, "amend_reason", amend, 0, 1);
	return why;
}

/* ---- the shape every write after scheduling shares ---------------------------------- */

struct write {
	struct review_ctx ctx;
	enum review_state next;
	uint64_t version;
	const char *amend; /* the amendment reason; "" when not an amendment */
};

static int amending(const struct write *w)
{
	return text_given(w->amend);
}

/* Loads the review (binding the year's published set if it has none yet),
 * checks the version, then may its content change in its state (with the
 * amendment reason)? w->next gets the state afterwards. */
static int write_load(struct rpc_call *call, struct db *db, const char *ref, uint64_t version,
		      const char *amend, struct write *w, char **message)
{
	w->version = version;
	w->amend = amend ? amend : "";
	int st = review_load(call, db, ref, &w->ctx, message);
	if (st == ASSURE__CODE__OK)
		st = review_bind_set(db, &w->ctx, message);
	if (st == ASSURE__CODE__OK)
		st = review_check_version(w->ctx.r, version, message);
	return st;
}

static int write_check_edit(const char *ref, struct write *w, char **message)
{
	char *cause = NULL;
	enum review_check ck = domain_review_check_edit(w->ctx.state, w->amend, &w->next, &cause);
	if (ck == REVIEW_OK)
		return ASSURE__CODE__OK;
	*message = xasprintf("%s: %s", ref, cause);
	free(cause);
	return review_status_of(ck);
}

static int write_begin(struct rpc_call *call, struct db *db, const char *ref, uint64_t version,
		       const char *amend, struct write *w, char **message)
{
	int st = write_load(call, db, ref, version, amend, w, message);
	if (st == ASSURE__CODE__OK)
		st = write_check_edit(ref, w, message);
	return st;
}

/*
 * After the change: the one version bump (u: the review's own columns that
 * changed, may be NULL) with the state moved to w->next; the overall
 * result recomputed over the changed content and stored; for an amendment
 * the completeness check and the final result; the history event (kind,
 * or "amendment" with the reason); the reply. Clears w.
 */
static int write_finish(struct rpc_call *call, struct db *db, struct write *w,
			struct review_update *u, const char *kind, const char *text,
			const char *detail, int action_number, Assure__ReviewWriteResponse **reply,
			char **message)
{
	struct review_update none;
	if (u == NULL) {
		review_update_init(&none);
		u = &none;
	}
	const struct review_record *r = w->ctx.r;
	int64_t id = r->id;
	if (w->next != w->ctx.state)
		u->state = domain_review_state_name(w->next);
	int st = review_update(call, db, r, w->version, u, message);

	struct review_ctx after;
	memset(&after, 0, sizeof after);
	if (st == ASSURE__CODE__OK)
		st = review_load_id(db, id, &after, message);
	char *derivation = NULL, *list = NULL;
	if (st == ASSURE__CODE__OK) {
		enum review_rag computed = review_overall(&after, &derivation);
		const char *final_rag = NULL, *next_visit = NULL;
		int follow_up = 0;
		if (after.state == REVIEW_STATE_FINALISED) {
			size_t n = review_missing(&after, &list);
			if (n > 0) {
				*message =
				    xasprintf("%s: amendment refused: the review would no "
					      "longer be complete; %zu thing%s %s missing:\n%s",
					      after.r->ref, n, n == 1 ? "" : "s",
					      n == 1 ? "is" : "are", list);
				st = ASSURE__CODE__FAILED_PRECONDITION;
			}
			enum review_rag final =
			    domain_review_rag_effective(computed, after.c.override);
			final_rag = domain_review_rag_name(final);
			next_visit =
			    domain_review_visit_name(domain_review_next_visit(final, &follow_up));
		}
		if (st == ASSURE__CODE__OK)
			st = store_review_set_result(db, id, domain_review_rag_name(computed),
						     derivation, final_rag, next_visit, follow_up,
						     message);
	}
	free(derivation);
	free(list);
	review_ctx_clear(&after);

	if (st == ASSURE__CODE__OK) {
		if (amending(w)) {
			char *d = arena_printf(call->arena, "%s: %s\n%s", kind, text,
					       detail ? detail : "");
			st = review_event(call, db, id, "amendment", w->amend, d, message);
			call->audit_reason =
			    arena_printf(call->arena, "amendment (%s): %s", w->amend, text);
		} else {
			st = review_event(call, db, id, kind, text, detail, message);
			call->audit_reason = arena_strdup(call->arena, text);
		}
	}
	if (st == ASSURE__CODE__OK)
		st = review_write_reply(call, db, id, action_number, reply, message);
	review_ctx_clear(&w->ctx);
	return st;
}

/* --- ReviewSchedule ------------------------------------------------------------------- */

struct schedule_state {
	int year;
	enum review_kind kind;
	int visit; /* -1: default */
	int32_t date;
};

static int review_schedule_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewScheduleRequest *req = call->req->review_schedule;
	struct schedule_state *ss = call->state;
	char year[REVIEW_YEAR_BUFSZ];
	domain_review_year_format(ss->year, year);
	const char *kind = domain_review_kind_name(ss->kind);

	struct contract_record *contract = NULL;
	int st = store_contract_get(db, req->ods, &contract, message);
	if (st == ASSURE__CODE__NOT_FOUND)
		return fail(message, st, xasprintf("no contract with ODS code %s", req->ods));
	if (st != ASSURE__CODE__OK)
		return st;
	int64_t contract_id = contract->id;
	contract_record_free(contract);
	char *existing = NULL;
	st = store_review_find(db, contract_id, year, kind, &existing, message);
	if (st == ASSURE__CODE__OK) {
		rpc_audit_object(call, "review", arena_strdup(call->arena, existing));
		*message = xasprintf("%s already has %s %s review for %s: %s (one per contract per "
				     "year)",
				     req->ods, ss->kind == REVIEW_KIND_ANNUAL ? "an" : "a", kind,
				     year, existing);
		free(existing);
		return ASSURE__CODE__ALREADY_EXISTS;
	}
	if (st != ASSURE__CODE__NOT_FOUND)
		return st;

	/* The visit type: as given, else what the latest finalised annual
	 * review before this year decided, else a standard visit. */
	const char *visit = NULL, *basis = "given";
	char *last = NULL;
	if (ss->visit >= 0) {
		visit = domain_review_visit_name((enum review_visit)ss->visit);
	} else {
		st = store_review_last_next_visit(db, contract_id, year, &last, message);
		if (st == ASSURE__CODE__OK) {
			visit = arena_strdup(call->arena, last);
			basis = "from the last finalised annual review";
		} else if (st == ASSURE__CODE__NOT_FOUND) {
			visit = domain_review_visit_name(REVIEW_VISIT_STANDARD);
			basis = "no finalised annual review before this year";
		} else {
			return st;
		}
		free(last);
	}

	struct review_set_record *set = NULL;
	st = store_review_published_set(db, year, &set, message);
	if (st != ASSURE__CODE__OK && st != ASSURE__CODE__NOT_FOUND)
		return st;
	char date[DOMAIN_DATE_BUFSZ] = "";
	if (ss->date != DOMAIN_DATE_NONE)
		domain_date_format(ss->date, date);
	struct review_new in = {
	    .contract_id = contract_id,
	    .ref_year = ss->year,
	    .year = year,
	    .kind = kind,
	    .visit_type = visit,
	    .scheduled_date = date,
	    .set_id = set ? set->id : 0,
	};
	int64_t id = 0;
	char *ref = NULL;
	st = store_review_insert(db, &in, review_now(), call->actor.username, &id, &ref, message);
	char *set_name = set ? arena_strdup(call->arena, set->name) : NULL;
	review_set_record_free(set);
	if (st != ASSURE__CODE__OK)
		return st;
	rpc_audit_object(call, "review", arena_strdup(call->arena, ref));
	char *text = arena_printf(call->arena, "%s %s review %s scheduled: %s visit (%s)", req->ods,
				  kind, year, visit, basis);
	free(ref);
	char *detail = review_detail_add(call, NULL, "date", date);
	detail = review_detail_add(call, detail, "indicator set", set_name);
	st = review_event(call, db, id, "scheduled", text, detail, message);
	Assure__ReviewWriteResponse *r = NULL;
	if (st == ASSURE__CODE__OK) {
		/* Its result so far: nothing scored. */
		struct review_ctx ctx;
		st = review_load_id(db, id, &ctx, message);
		char *derivation = NULL;
		if (st == ASSURE__CODE__OK) {
			enum review_rag computed = review_overall(&ctx, &derivation);
			st = store_review_set_result(db, id, domain_review_rag_name(computed),
						     derivation, NULL, NULL, 0, message);
		}
		free(derivation);
		review_ctx_clear(&ctx);
	}
	if (st == ASSURE__CODE__OK)
		st = review_write_reply(call, db, id, 0, &r, message);
	if (st != ASSURE__CODE__OK)
		return st;
	call->audit_reason = text;
	RPC_RESULT(call, review_schedule, REVIEW_SCHEDULE, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_review_schedule(struct rpc_call *call)
{
	const Assure__ReviewScheduleRequest *req = call->req->review_schedule;
	call->audit_object_type = "review";
	struct schedule_state *ss = arena_alloc(call->arena, sizeof *ss);
	char *cause = NULL;
	const char *why = NULL;
	if (domain_contract_check_ods_code(req->ods, &cause) < 0)
		why = parsed(call, -1, cause);
	cause = NULL;
	if (!why && domain_review_year_parse(req->year, &ss->year, &cause) < 0)
		why = parsed(call, -1, cause);
	ss->kind = REVIEW_KIND_ANNUAL;
	if (!why && req->kind[0]) {
		cause = NULL;
		int k = domain_review_kind_parse(req->kind, &cause);
		why = parsed(call, k, cause);
		if (!why)
			ss->kind = (enum review_kind)k;
	}
	ss->visit = -1;
	if (!why && req->visit_type[0]) {
		cause = NULL;
		ss->visit = domain_review_visit_parse(req->visit_type, &cause);
		why = parsed(call, ss->visit, cause);
	}
	if (!why)
		why = review_date_arg(call, "date", req->date, DOMAIN_DATE_NONE, 1, &ss->date);
	if (why)
		return bad(call, why);
	call->state = ss;
	return rpc_write(call, review_schedule_db, NULL);
}

/* --- ReviewVisit ---------------------------------------------------------------------- */

struct date_state {
	int32_t date;
};

static int review_visit_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewVisitRequest *req = call->req->review_visit;
	struct date_state *ds = call->state;
	struct write w;
	int st = write_load(call, db, req->ref, req->version, req->amend_reason, &w, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	/* A finalised review's visit date is corrected by amendment; otherwise
	 * the visit is recorded once, on a scheduled review. */
	if (amending(&w) || w.ctx.state == REVIEW_STATE_FINALISED) {
		if ((st = write_check_edit(req->ref, &w, message)) != ASSURE__CODE__OK)
			goto out;
	} else {
		char *cause = NULL;
		enum review_check ck =
		    domain_review_check_visit(w.ctx.state, ds->date, clock_today(), &cause);
		if (ck != REVIEW_OK) {
			st = fail(message, review_status_of(ck),
				  xasprintf("%s: %s", req->ref, cause));
			free(cause);
			goto out;
		}
		w.next = REVIEW_STATE_VISITED;
	}
	char date[DOMAIN_DATE_BUFSZ];
	domain_date_format(ds->date, date);
	struct review_update u;
	review_update_init(&u);
	u.visited_date = date;
	char *text =
	    arena_printf(call->arena, "visited on %s (%s visit)", date, w.ctx.r->visit_type);
	char *detail = review_detail_add(call, NULL, "was", w.ctx.r->visited_date);
	Assure__ReviewWriteResponse *r = NULL;
	st = write_finish(call, db, &w, &u, "visited", text, detail, 0, &r, message);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, review_visit, REVIEW_VISIT, r);
out:
	review_ctx_clear(&w.ctx);
	return st;
}

static enum rpc_result rpc_review_visit(struct rpc_call *call)
{
	const Assure__ReviewVisitRequest *req = call->req->review_visit;
	call->audit_object_type = "review";
	struct date_state *ds = arena_alloc(call->arena, sizeof *ds);
	const char *why = version_reason_args(call, req->ref, req->amend_reason);
	if (!why && req->date[0] == '\0')
		why = "date: required (the day of the visit)";
	if (!why)
		why = review_date_arg(call, "date", req->date, DOMAIN_DATE_NONE, 0, &ds->date);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "review", req->ref);
	call->state = ds;
	return rpc_write(call, review_visit_db, NULL);
}

/* --- ReviewQof ------------------------------------------------------------------------- */

struct qof_state {
	struct qof_achievement a;
	int has_exception_rate;
};

static int review_qof_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewQofRequest *req = call->req->review_qof;
	struct qof_state *qs = call->state;
	struct write w;
	int st = write_begin(call, db, req->ref, req->version, req->amend_reason, &w, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	struct qof_maxima max;
	/* The maxima in force now (review.qof-maxima), stored with the points
	 * so the review keeps what they were checked against. */
	if ((st = review_qof_maxima(call, db, &max, message)) != ASSURE__CODE__OK)
		goto out;
	char *cause = NULL;
	if (domain_review_qof_check(&max, &qs->a, &cause) < 0) {
		st = fail(message, ASSURE__CODE__INVALID_ARGUMENT, cause);
		goto out;
	}
	struct review_update u;
	review_update_init(&u);
	u.set_qof = 1;
	u.qof_clinical = qs->a.points[QOF_DOMAIN_CLINICAL];
	u.qof_organisational = qs->a.points[QOF_DOMAIN_ORGANISATIONAL];
	u.qof_patient_experience = qs->a.points[QOF_DOMAIN_PATIENT_EXPERIENCE];
	u.qof_additional = qs->a.points[QOF_DOMAIN_ADDITIONAL_SERVICES];
	u.has_exception_rate = qs->has_exception_rate;
	u.qof_exception_rate = qs->a.exception_rate;
	u.qof_max_clinical = max.points[QOF_DOMAIN_CLINICAL];
	u.qof_max_organisational = max.points[QOF_DOMAIN_ORGANISATIONAL];
	u.qof_max_patient_experience = max.points[QOF_DOMAIN_PATIENT_EXPERIENCE];
	u.qof_max_additional = max.points[QOF_DOMAIN_ADDITIONAL_SERVICES];
	char total[REVIEW_DECIMAL_BUFSZ], all[REVIEW_DECIMAL_BUFSZ];
	domain_review_decimal_format(domain_review_qof_total(&qs->a), total);
	domain_review_decimal_format(QOF_TOTAL_POINTS, all);
	char *text = arena_printf(call->arena, "QOF: %s of %s points", total, all);
	char *detail = NULL;
	for (int d = 0; d < QOF_DOMAIN__COUNT; d++) {
		char v[REVIEW_DECIMAL_BUFSZ];
		detail = review_detail_add(call, detail, domain_review_qof_domain_name(d),
					   domain_review_decimal_format(qs->a.points[d], v));
	}
	if (qs->has_exception_rate) {
		char v[REVIEW_DECIMAL_BUFSZ];
		detail = review_detail_add(
		    call, detail, "exception rate",
		    arena_printf(call->arena, "%s%%",
				 domain_review_decimal_format(qs->a.exception_rate, v)));
	}
	char maxima[SETTINGS_VALUE_BUFSZ];
	detail = review_detail_add(call, detail, "maxima",
				   settings_qof_maxima_format(&max, maxima, sizeof maxima));
	Assure__ReviewWriteResponse *r = NULL;
	st = write_finish(call, db, &w, &u, "qof", text, detail, 0, &r, message);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, review_qof, REVIEW_QOF, r);
out:
	review_ctx_clear(&w.ctx);
	return st;
}

static enum rpc_result rpc_review_qof(struct rpc_call *call)
{
	const Assure__ReviewQofRequest *req = call->req->review_qof;
	call->audit_object_type = "review";
	struct qof_state *qs = arena_alloc(call->arena, sizeof *qs);
	const char *why = version_reason_args(call, req->ref, req->amend_reason);
	if (!why)
		why = decimal_arg(call, "clinical", req->clinical,
				  &qs->a.points[QOF_DOMAIN_CLINICAL]);
	if (!why)
		why = decimal_arg(call, "organisational", req->organisational,
				  &qs->a.points[QOF_DOMAIN_ORGANISATIONAL]);
	if (!why)
		why = decimal_arg(call, "patient_experience", req->patient_experience,
				  &qs->a.points[QOF_DOMAIN_PATIENT_EXPERIENCE]);
	if (!why)
		why = decimal_arg(call, "additional", req->additional,
				  &qs->a.points[QOF_DOMAIN_ADDITIONAL_SERVICES]);
	if (!why && req->exception_rate[0]) {
		qs->has_exception_rate = 1;
		why =
		    decimal_arg(call, "exception_rate", req->exception_rate, &qs->a.exception_rate);
	}
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "review", req->ref);
	call->state = qs;
	return rpc_write(call, review_qof_db, NULL);
}

/* --- ReviewCheck and ReviewSfbh -------------------------------------------------------- */

struct answer_state {
	int result;
};

static int review_check_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewCheckRequest *req = call->req->review_check;
	struct answer_state *as = call->state;
	struct write w;
	int st = write_begin(call, db, req->ref, req->version, req->amend_reason, &w, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	const char *result = domain_review_requirement_result_name(as->result);
	st = store_review_check_set(db, w.ctx.r->id, req->item, result, req->evidence, review_now(),
				    call->actor.username, message);
	if (st == ASSURE__CODE__NOT_FOUND) {
		st = fail(message, ASSURE__CODE__FAILED_PRECONDITION,
			  xasprintf("item: %s has no checklist item %s (its checklist is the "
				    "requirements catalogue at version %d)",
				    req->ref, req->item, w.ctx.r->catalogue_version));
	}
	if (st != ASSURE__CODE__OK)
		goto out;
	char *text = arena_printf(call->arena, "%s %s", req->item,
				  domain_review_requirement_result_words(as->result));
	char *detail = review_detail_add(call, NULL, "evidence", req->evidence);
	Assure__ReviewWriteResponse *r = NULL;
	st = write_finish(call, db, &w, NULL, "check", text, detail, 0, &r, message);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, review_check, REVIEW_CHECK, r);
out:
	review_ctx_clear(&w.ctx);
	return st;
}

static enum rpc_result rpc_review_check(struct rpc_call *call)
{
	const Assure__ReviewCheckRequest *req = call->req->review_check;
	call->audit_object_type = "review";
	struct answer_state *as = arena_alloc(call->arena, sizeof *as);
	const char *why = version_reason_args(call, req->ref, req->amend_reason);
	char *cause = NULL;
	if (!why && domain_review_check_requirement_code(req->item, &cause) < 0)
		why = parsed(call, -1, cause);
	cause = NULL;
	if (!why) {
		as->result = domain_review_requirement_result_parse(req->result, &cause);
		why = parsed(call, as->result, cause);
	}
	if (!why)
		why = review_text_arg(call, "evidence", req->evidence, 0, 1);
	cause = NULL;
	if (!why && domain_review_check_requirement_answer(as->result, req->evidence, &cause) < 0)
		why = parsed(call, -1, cause);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "review", req->ref);
	call->state = as;
	return rpc_write(call, review_check_db, NULL);
}

static int review_sfbh_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewSfbhRequest *req = call->req->review_sfbh;
	struct answer_state *as = call->state;
	struct write w;
	int st = write_begin(call, db, req->ref, req->version, req->amend_reason, &w, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	int d = domain_review_sfbh_domain_parse(req->domain, NULL);
	const char *domain = domain_review_sfbh_domain_name(d);
	st = store_review_sfbh_set(db, w.ctx.r->id, domain,
				   domain_review_sfbh_result_name(as->result), req->evidence,
				   review_now(), call->actor.username, message);
	if (st == ASSURE__CODE__NOT_FOUND)
		st = fail(message, ASSURE__CODE__FAILED_PRECONDITION,
			  xasprintf("domain: %s has no SfBH domain %s", req->ref, domain));
	if (st != ASSURE__CODE__OK)
		goto out;
	char *text = arena_printf(call->arena, "SfBH %s %s", domain,
				  domain_review_sfbh_result_words(as->result));
	char *detail = review_detail_add(call, NULL, "evidence", req->evidence);
	Assure__ReviewWriteResponse *r = NULL;
	st = write_finish(call, db, &w, NULL, "sfbh", text, detail, 0, &r, message);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, review_sfbh, REVIEW_SFBH, r);
out:
	review_ctx_clear(&w.ctx);
	return st;
}

static enum rpc_result rpc_review_sfbh(struct rpc_call *call)
{
	const Assure__ReviewSfbhRequest *req = call->req->review_sfbh;
	call->audit_object_type = "review";
	struct answer_state *as = arena_alloc(call->arena, sizeof *as);
	const char *why = version_reason_args(call, req->ref, req->amend_reason);
	char *cause = NULL;
	if (!why)
		why = parsed(call, domain_review_sfbh_domain_parse(req->domain, &cause), cause);
	cause = NULL;
	if (!why) {
		as->result = domain_review_sfbh_result_parse(req->result, &cause);
		why = parsed(call, as->result, cause);
	}
	if (!why)
		why = review_text_arg(call, "evidence", req->evidence, 0, 1);
	cause = NULL;
	if (!why && domain_review_check_sfbh_answer(as->result, req->evidence, &cause) < 0)
		why = parsed(call, -1, cause);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "review", req->ref);
	call->state = as;
	return rpc_write(call, review_sfbh_db, NULL);
}

/* --- ReviewScore ----------------------------------------------------------------------- */

struct score_state {
	int has_value;
	int64_t value;
};

static int review_score_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewScoreRequest *req = call->req->review_score;
	struct score_state *ss = call->state;
	struct write w;
	int st = write_begin(call, db, req->ref, req->version, req->amend_reason, &w, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	if (w.ctx.set == NULL) {
		st = fail(message, ASSURE__CODE__FAILED_PRECONDITION,
			  xasprintf("no indicator set is published for %s; a review is scored "
				    "against the set published for its year",
				    w.ctx.r->year));
		goto out;
	}
	size_t i = 0;
	while (i < w.ctx.n_scores && strcmp(w.ctx.scores[i].code, req->indicator) != 0)
		i++;
	if (i == w.ctx.n_scores) {
		st = fail(message, ASSURE__CODE__FAILED_PRECONDITION,
			  xasprintf("indicator: %s is not in the indicator set %s for %s",
				    req->indicator, w.ctx.set->name, w.ctx.r->year));
		goto out;
	}
	enum review_rag rag = REVIEW_RAG_NONE;
	if (ss->has_value)
		rag = domain_review_indicator_rag(&w.ctx.ind[i], ss->value);
	st = store_review_score_set(db, w.ctx.r->id, w.ctx.scores[i].indicator_id, ss->has_value,
				    ss->value, domain_review_rag_name(rag), req->not_available,
				    review_now(), call->actor.username, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	char v[REVIEW_DECIMAL_BUFSZ], bands[REVIEW_BANDS_BUFSZ];
	char *text = ss->has_value ? arena_printf(call->arena, "%s %s: %s", req->indicator,
						  domain_review_decimal_format(ss->value, v),
						  domain_review_rag_name(rag))
				   : arena_printf(call->arena, "%s not available", req->indicator);
	char *detail = review_detail_add(call, NULL, "reason", req->not_available);
	detail =
	    review_detail_add(call, detail, "bands",
			      domain_review_indicator_bands(&w.ctx.ind[i], bands, sizeof bands));
	Assure__ReviewWriteResponse *r = NULL;
	st = write_finish(call, db, &w, NULL, "score", text, detail, 0, &r, message);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, review_score, REVIEW_SCORE, r);
out:
	review_ctx_clear(&w.ctx);
	return st;
}

static enum rpc_result rpc_review_score(struct rpc_call *call)
{
	const Assure__ReviewScoreRequest *req = call->req->review_score;
	call->audit_object_type = "review";
	struct score_state *ss = arena_alloc(call->arena, sizeof *ss);
	const char *why = version_reason_args(call, req->ref, req->amend_reason);
	char *cause = NULL;
	if (!why && domain_review_check_indicator_code(req->indicator, &cause) < 0)
		why = parsed(call, -1, cause);
	if (!why && (req->value[0] != '\0') == (req->not_available[0] != '\0'))
		why = "value: give a value, or mark the indicator not available with a reason "
		      "(one of the two)";
	ss->has_value = req->value[0] != '\0';
	if (!why && ss->has_value)
		why = decimal_arg(call, "value", req->value, &ss->value);
	if (!why && !ss->has_value)
		why = review_text_arg(call, "not_available", req->not_available, 1, 1);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "review", req->ref);
	call->state = ss;
	return rpc_write(call, review_score_db, NULL);
}

/* --- ReviewNarrative ------------------------------------------------------------------- */

static const char *given_or_null(const char *s)
{
	return s && s[0] ? s : NULL;
}

static int review_narrative_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewNarrativeRequest *req = call->req->review_narrative;
	struct write w;
	int st = write_begin(call, db, req->ref, req->version, req->amend_reason, &w, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	struct review_update u;
	review_update_init(&u);
	u.achievements = given_or_null(req->achievements);
	u.developments = given_or_null(req->developments);
	u.challenges = given_or_null(req->challenges);
	char *parts = arena_strdup(call->arena, "");
	if (u.achievements)
		parts = arena_printf(call->arena, "%s%s", parts, "achievements");
	if (u.developments)
		parts = arena_printf(call->arena, "%s%s%s", parts, parts[0] ? ", " : "",
				     "developments");
	if (u.challenges)
		parts =
		    arena_printf(call->arena, "%s%s%s", parts, parts[0] ? ", " : "", "challenges");
	char *text = arena_printf(call->arena, "narrative: %s", parts);
	char *detail = review_detail_add(call, NULL, "achievements", req->achievements);
	detail = review_detail_add(call, detail, "developments", req->developments);
	detail = review_detail_add(call, detail, "challenges", req->challenges);
	Assure__ReviewWriteResponse *r = NULL;
	st = write_finish(call, db, &w, &u, "narrative", text, detail, 0, &r, message);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, review_narrative, REVIEW_NARRATIVE, r);
out:
	review_ctx_clear(&w.ctx);
	return st;
}

static enum rpc_result rpc_review_narrative(struct rpc_call *call)
{
	const Assure__ReviewNarrativeRequest *req = call->req->review_narrative;
	call->audit_object_type = "review";
	const char *why = version_reason_args(call, req->ref, req->amend_reason);
	if (!why)
		why = review_text_arg(call, "achievements", req->achievements, 0, 1);
	if (!why)
		why = review_text_arg(call, "developments", req->developments, 0, 1);
	if (!why)
		why = review_text_arg(call, "challenges", req->challenges, 0, 1);
	if (!why && !req->achievements[0] && !req->developments[0] && !req->challenges[0])
		why = "narrative: nothing to record; give achievements, developments or "
		      "challenges (an empty part is left as it is)";
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "review", req->ref);
	return rpc_write(call, review_narrative_db, NULL);
}

/* --- ReviewActionAdd and ReviewActionDone ---------------------------------------------- */

static int review_action_add_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewActionAddRequest *req = call->req->review_action_add;
	struct date_state *ds = call->state;
	struct write w;
	int st = write_begin(call, db, req->ref, req->version, req->amend_reason, &w, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	struct review_item_ref item;
	char *cause = NULL;
	if (domain_review_action_for_parse(req->for_item, &item, &cause) < 0) {
		st = fail(message, ASSURE__CODE__INVALID_ARGUMENT, cause);
		goto out;
	}
	if (!domain_review_content_has_item(&w.ctx.c, &item)) {
		st = fail(message, ASSURE__CODE__FAILED_PRECONDITION,
			  xasprintf("for: %s is no requirement or indicator of %s; an action is "
				    "for a checklist requirement, an indicator of its set, or "
				    "sfbh:DOMAIN",
				    req->for_item, req->ref));
		goto out;
	}
	char due[DOMAIN_DATE_BUFSZ];
	domain_date_format(ds->date, due);
	int number = 0;
	st = store_review_action_add(db, w.ctx.r->id, req->text, req->owner, due, req->for_item,
				     review_now(), call->actor.username, &number, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	char *text = arena_printf(call->arena, "action %d added: %s", number, req->text);
	char *detail = review_detail_add(call, NULL, "owner", req->owner);
	detail = review_detail_add(call, detail, "due", due);
	detail = review_detail_add(call, detail, "for", req->for_item);
	Assure__ReviewWriteResponse *r = NULL;
	st = write_finish(call, db, &w, NULL, "action", text, detail, number, &r, message);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, review_action_add, REVIEW_ACTION_ADD, r);
out:
	review_ctx_clear(&w.ctx);
	return st;
}

static enum rpc_result rpc_review_action_add(struct rpc_call *call)
{
	const Assure__ReviewActionAddRequest *req = call->req->review_action_add;
	call->audit_object_type = "review";
	struct date_state *ds = arena_alloc(call->arena, sizeof *ds);
	const char *why = version_reason_args(call, req->ref, req->amend_reason);
	if (!why)
		why = review_text_arg(call, "text", req->text, 1, 1);
	if (!why)
		why = review_text_arg(call, "owner", req->owner, 1, 0);
	if (!why && req->due[0] == '\0')
		why = "due: required (the date the action is due; it may be in the future)";
	if (!why)
		why = review_date_arg(call, "due", req->due, DOMAIN_DATE_NONE, 1, &ds->date);
	struct review_action a = {
	    .for_item = req->for_item, .owner = req->owner, .due = ds->date, .status = ACTION_OPEN};
	char *cause = NULL;
	if (!why && domain_review_action_check(&a, &cause) < 0)
		why = parsed(call, -1, cause);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "review", req->ref);
	call->state = ds;
	return rpc_write(call, review_action_add_db, NULL);
}

static int review_action_done_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewActionDoneRequest *req = call->req->review_action_done;
	struct date_state *ds = call->state;
	struct write w;
	int st = write_load(call, db, req->ref, req->version, req->amend_reason, &w, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	/* Progress on a finalised review's plan is not an amendment. */
	if (w.ctx.state == REVIEW_STATE_FINALISED && !amending(&w))
		w.next = REVIEW_STATE_FINALISED;
	else if ((st = write_check_edit(req->ref, &w, message)) != ASSURE__CODE__OK)
		goto out;
	char date[DOMAIN_DATE_BUFSZ];
	domain_date_format(ds->date, date);
	st = store_review_action_done(db, w.ctx.r->id, (int)req->number, date, review_now(),
				      call->actor.username, message);
	if (st == ASSURE__CODE__NOT_FOUND)
		st = fail(message, st, xasprintf("%s has no action %u", req->ref, req->number));
	else if (st == ASSURE__CODE__FAILED_PRECONDITION) {
		char *c = *message;
		*message = xasprintf("%s: %s", req->ref, c);
		free(c);
	}
	if (st != ASSURE__CODE__OK)
		goto out;
	char *text = arena_printf(call->arena, "action %u done on %s", req->number, date);
	Assure__ReviewWriteResponse *r = NULL;
	st = write_finish(call, db, &w, NULL, "action", text, NULL, (int)req->number, &r, message);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, review_action_done, REVIEW_ACTION_DONE, r);
out:
	review_ctx_clear(&w.ctx);
	return st;
}

static enum rpc_result rpc_review_action_done(struct rpc_call *call)
{
	const Assure__ReviewActionDoneRequest *req = call->req->review_action_done;
	call->audit_object_type = "review";
	struct date_state *ds = arena_alloc(call->arena, sizeof *ds);
	const char *why = version_reason_args(call, req->ref, req->amend_reason);
	if (!why && req->number == 0)
		why = "number: required (the action's number, 1, 2, ...)";
	if (!why)
		why = review_date_arg(call, "date", req->date, clock_today(), 0, &ds->date);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "review", req->ref);
	call->state = ds;
	return rpc_write(call, review_action_done_db, NULL);
}

/* --- ReviewOverride --------------------------------------------------------------------- */

struct override_state {
	enum review_rag rag; /* NONE: remove the override */
};

static int review_override_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewOverrideRequest *req = call->req->review_override;
	struct override_state *os = call->state;
	struct write w;
	int st = write_begin(call, db, req->ref, req->version, req->amend_reason, &w, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	const char *was = w.ctx.r->override_rag;
	if (os->rag == REVIEW_RAG_NONE && was[0] == '\0') {
		st = fail(message, ASSURE__CODE__FAILED_PRECONDITION,
			  xasprintf("%s has no override to remove", req->ref));
		goto out;
	}
	struct review_update u;
	review_update_init(&u);
	u.override_rag = domain_review_rag_name(os->rag);
	u.override_reason = os->rag == REVIEW_RAG_NONE ? "" : req->reason;
	const char *computed = w.ctx.r->computed_rag[0] ? w.ctx.r->computed_rag : "none";
	char *text = os->rag == REVIEW_RAG_NONE
			 ? arena_printf(call->arena, "override %s removed: %s", was, req->reason)
			 : arena_printf(call->arena, "overridden to %s (computed %s): %s",
					u.override_rag, computed, req->reason);
	char *detail = review_detail_add(call, NULL, "override was", was[0] ? was : "none");
	detail = review_detail_add(call, detail, "override",
				   os->rag == REVIEW_RAG_NONE ? "none" : u.override_rag);
	detail = review_detail_add(call, detail, "computed", computed);
	detail = review_detail_add(call, detail, "reason", req->reason);
	Assure__ReviewWriteResponse *r = NULL;
	st = write_finish(call, db, &w, &u, "override", text, detail, 0, &r, message);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, review_override, REVIEW_OVERRIDE, r);
out:
	review_ctx_clear(&w.ctx);
	return st;
}

static enum rpc_result rpc_review_override(struct rpc_call *call)
{
	const Assure__ReviewOverrideRequest *req = call->req->review_override;
	call->audit_object_type = "review";
	struct override_state *os = arena_alloc(call->arena, sizeof *os);
	const char *why = version_reason_args(call, req->ref, req->amend_reason);
	if (!why)
		why = review_text_arg(call, "reason", req->reason, 1, 1);
	if (!why && !text_given(req->reason))
		why = "reason: required; an override, and its removal, are recorded with a reason";
	os->rag = REVIEW_RAG_NONE;
	char *cause = NULL;
	if (!why && req->rag[0]) {
		int r = domain_review_rag_parse(req->rag, &cause);
		why = parsed(call, r, cause);
		cause = NULL;
		if (!why &&
		    domain_review_check_override((enum review_rag)r, req->reason, &cause) < 0)
			why = parsed(call, -1, cause);
		if (!why)
			os->rag = (enum review_rag)r;
	}
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "review", req->ref);
	call->state = os;
	return rpc_write(call, review_override_db, NULL);
}

/* --- ReviewFinalise --------------------------------------------------------------------- */

static int review_finalise_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ReviewFinaliseRequest *req = call->req->review_finalise;
	struct write w;
	int st = write_load(call, db, req->ref, req->version, "", &w, message);
	if (st != ASSURE__CODE__OK)
		goto out;
	enum review_state s = w.ctx.state;
	if (w.ctx.set == NULL && (s == REVIEW_STATE_VISITED || s == REVIEW_STATE_DRAFT)) {
		/* Without a published set there is no scorecard: the finalise
		 * list says so before everything the rules list. */
		char *list = NULL;
		size_t n = review_missing(&w.ctx, &list);
		st = fail(message, ASSURE__CODE__FAILED_PRECONDITION,
			  xasprintf("%s: cannot finalise: %zu thing%s %s missing:\n%s", req->ref, n,
				    n == 1 ? "" : "s", n == 1 ? "is" : "are", list));
		free(list);
		goto out;
	}
	char *cause = NULL;
	enum review_check ck = domain_review_check_finalise(s, &w.ctx.c, &cause);
	if (ck != REVIEW_OK) {
		st = fail(message, review_status_of(ck), xasprintf("%s: %s", req->ref, cause));
		free(cause);
		goto out;
	}
	char *derivation = NULL;
	enum review_rag computed = review_overall(&w.ctx, &derivation);
	enum review_rag final = domain_review_rag_effective(computed, w.ctx.c.override);
	int follow_up = 0;
	enum review_visit next = domain_review_next_visit(final, &follow_up);
	struct review_update u;
	review_update_init(&u);
	u.state = domain_review_state_name(REVIEW_STATE_FINALISED);
	u.computed_rag = domain_review_rag_name(computed);
	u.derivation = arena_strdup(call->arena, derivation);
	free(derivation);
	u.final_rag = domain_review_rag_name(final);
	u.next_visit_type = domain_review_visit_name(next);
	u.follow_up = follow_up;
	u.finalised_at = review_now();
	u.finalised_by = call->actor.username;
	if ((st = review_update(call, db, w.ctx.r, req->version, &u, message)) != ASSURE__CODE__OK)
		goto out;
	char *text = arena_printf(
	    call->arena, "finalised %s%s; next visit: %s%s", u.final_rag,
	    w.ctx.c.override != REVIEW_RAG_NONE
		? arena_printf(call->arena, " (overridden; computed %s)",
			       computed == REVIEW_RAG_NONE ? "none" : u.computed_rag)
		: "",
	    domain_review_visit_title(next), follow_up ? " with a mid-year follow-up" : "");
	if ((st = review_event(call, db, w.ctx.r->id, "finalised", text, u.derivation, message)) !=
	    ASSURE__CODE__OK)
		goto out;
	Assure__ReviewWriteResponse *r = NULL;
	if ((st = review_write_reply(call, db, w.ctx.r->id, 0, &r, message)) != ASSURE__CODE__OK)
		goto out;
	call->audit_reason = text;
	RPC_RESULT(call, review_finalise, REVIEW_FINALISE, r);
out:
	review_ctx_clear(&w.ctx);
	return st;
}

static enum rpc_result rpc_review_finalise(struct rpc_call *call)
{
	const Assure__ReviewFinaliseRequest *req = call->req->review_finalise;
	call->audit_object_type = "review";
	const char *why = review_check_ref(call, req->ref);
	if (why)
		return bad(call, why);
	rpc_audit_object(call, "review", req->ref);
	return rpc_write(call, review_finalise_db, NULL);
}

const struct rpc_entry rpc_review_table[] = {
    {ASSURE__REQUEST__OP_REVIEW_SCHEDULE, "ReviewSchedule", PERM_REVIEW_WRITE, RPC_WRITE,
     rpc_review_schedule, 'C'},
    {ASSURE__REQUEST__OP_REVIEW_VISIT, "ReviewVisit", PERM_REVIEW_WRITE, RPC_WRITE,
     rpc_review_visit, 'U'},
    {ASSURE__REQUEST__OP_REVIEW_QOF, "ReviewQof", PERM_REVIEW_WRITE, RPC_WRITE, rpc_review_qof,
     'U'},
    {ASSURE__REQUEST__OP_REVIEW_CHECK, "ReviewCheck", PERM_REVIEW_WRITE, RPC_WRITE,
     rpc_review_check, 'U'},
    {ASSURE__REQUEST__OP_REVIEW_SFBH, "ReviewSfbh", PERM_REVIEW_WRITE, RPC_WRITE, rpc_review_sfbh,
     'U'},
    {ASSURE__REQUEST__OP_REVIEW_SCORE, "ReviewScore", PERM_REVIEW_WRITE, RPC_WRITE,
     rpc_review_score, 'U'},
    {ASSURE__REQUEST__OP_REVIEW_NARRATIVE, "ReviewNarrative", PERM_REVIEW_WRITE, RPC_WRITE,
     rpc_review_narrative, 'U'},
    {ASSURE__REQUEST__OP_REVIEW_ACTION_ADD, "ReviewActionAdd", PERM_REVIEW_WRITE, RPC_WRITE,
     rpc_review_action_add, 'C'},
    {ASSURE__REQUEST__OP_REVIEW_ACTION_DONE, "ReviewActionDone", PERM_REVIEW_WRITE, RPC_WRITE,
     rpc_review_action_done, 'U'},
    {ASSURE__REQUEST__OP_REVIEW_OVERRIDE, "ReviewOverride", PERM_REVIEW_WRITE, RPC_WRITE,
     rpc_review_override, 'U'},
    {ASSURE__REQUEST__OP_REVIEW_FINALISE, "ReviewFinalise", PERM_REVIEW_WRITE, RPC_WRITE,
     rpc_review_finalise, 'U'},
};

const size_t rpc_review_count = sizeof rpc_review_table / sizeof rpc_review_table[0];
