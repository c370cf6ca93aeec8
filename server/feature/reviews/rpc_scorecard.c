/*
 * The Scorecard report (DOMAIN.md "Scorecard report"; docs/REVIEWS.md
 * "Scorecard report"): for a review year, one row per contract with its
 * annual review of that year, if any, scored against the indicator set
 * published for the year.
 *
 * Needs review.read (the dispatch table). An audited read: the record
 * names the year as its object ("scorecard" 2009/10), the filters and page
 * token as its query, and how many rows and reviews it returned (with the
 * first and last ODS code) as its reason.
 *
 * Rows come in ODS order, keyset-paged: the page token is the last ODS
 * code sent. A page holds page_size rows (default SCORECARD_PAGE_DEFAULT,
 * at most SCORECARD_PAGE_MAX) and never more than half the smaller of the
 * server's and a default client's frame limit: a set of many indicators
 * gets shorter pages rather than a frame the client would refuse. The set
 * (with its indicators) travels on every page, so any page can be read on
 * its own; total_rows on the first page only.
 *
 * The set and the page are two reads, not one snapshot: that is safe
 * because a published set is frozen and unique per year, so there is no
 * other set the page could have been scored against.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "domain_contract.h"
#include "domain_dates.h"
#include "domain_review.h"
#include "frame.h"
#include "rpc.h"
#include "server.h"
#include "store.h"
#include "store_scorecard.h"
#include "validate.h"
#include "xmalloc.h"

#define SCORECARD_PAGE_DEFAULT 500
#define SCORECARD_PAGE_MAX 2000
/* A row's packed size, roughly: its strings (~120 bytes) and ~16 bytes a
 * cell ("72.5", "green" and three tags). Sizes the page before the rows
 * are read; the exact check happens as they are packed. */
#define SCORECARD_ROW_ESTIMATE(n_cells) (128 + 16 * (size_t)(n_cells))

struct scorecard_state {
	char year_start[DOMAIN_DATE_BUFSZ];
	char year_end[DOMAIN_DATE_BUFSZ];
};

static Assure__IndicatorSet *set_msg(struct arena *a, const struct scorecard_set *s)
{
	char buf[REVIEW_DECIMAL_BUFSZ];
	Assure__IndicatorSet *m = arena_alloc(a, sizeof *m);
	assure__indicator_set__init(m);
	m->name = arena_strdup(a, s->name);
	m->year = arena_strdup(a, s->year);
	m->state = arena_strdup(a, s->state);
	m->green_mean = arena_strdup(a, domain_review_decimal_format(s->green_mean, buf));
	m->red_mean = arena_strdup(a, domain_review_decimal_format(s->red_mean, buf));
	m->from_set = arena_strdup(a, s->from_set);
	m->created_at = s->created_at;
	m->created_by = arena_strdup(a, s->created_by);
	m->published_at = s->published_at;
	m->published_by = arena_strdup(a, s->published_by);
	m->version = (uint64_t)s->version;
	m->indicator_count = (uint32_t)s->n_indicators;
	m->n_indicators = s->n_indicators;
	m->indicators =
	    arena_alloc(a, (s->n_indicators ? s->n_indicators : 1) * sizeof *m->indicators);
	for (size_t i = 0; i < s->n_indicators; i++) {
		const struct scorecard_indicator *ind = &s->indicators[i];
		Assure__Indicator *x = arena_alloc(a, sizeof *x);
		assure__indicator__init(x);
		x->code = arena_strdup(a, ind->code);
		x->name = arena_strdup(a, ind->name);
		x->domain = arena_strdup(a, ind->domain);
		x->unit = arena_strdup(a, ind->unit);
		x->direction = arena_strdup(a, ind->direction);
		x->green = arena_strdup(a, domain_review_decimal_format(ind->green, buf));
		x->amber = arena_strdup(a, domain_review_decimal_format(ind->amber, buf));
		x->weight = arena_strdup(a, domain_review_decimal_format(ind->weight, buf));
		x->critical = ind->critical != 0;
		x->position = ind->position;
		m->indicators[i] = x;
	}
	return m;
}

/* The row as the report shows it: the RAG in force is the final one once
 * finalised, else the override, else the computed one; the next visit
 * type and the mid-year follow-up exist only once finalised. */
static Assure__ScorecardRow *row_msg(struct arena *a, const struct scorecard_row *r, size_t n_cells)
{
	static const char *const no_value = "";
	char buf[REVIEW_DECIMAL_BUFSZ];
	Assure__ScorecardRow *m = arena_alloc(a, sizeof *m);
	assure__scorecard_row__init(m);
	m->ods = arena_strdup(a, r->ods);
	m->practice = arena_strdup(a, r->practice);
	m->contract_type = arena_strdup(a, r->type);
	m->site = arena_strdup(a, r->site);
	m->review_ref = arena_strdup(a, r->review_ref);
	m->state = arena_strdup(a, r->state);
	int finalised = strcmp(r->state, "finalised") == 0;
	const char *rag = finalised && r->final_rag[0] ? r->final_rag
			  : r->override_rag[0]	       ? r->override_rag
						       : r->computed_rag;
	m->rag = arena_strdup(a, rag);
	m->computed_rag = arena_strdup(a, r->computed_rag);
	m->overridden = r->override_rag[0] != '\0';
	m->visit_type = arena_strdup(a, finalised ? r->next_visit_type : "");
	m->mid_year_follow_up = finalised && r->follow_up;
	m->n_cells = n_cells;
	m->cells = arena_alloc(a, (n_cells ? n_cells : 1) * sizeof *m->cells);
	for (size_t k = 0; k < n_cells; k++) {
		const struct scorecard_cell *c = &r->cells[k];
		Assure__ScorecardCell *x = arena_alloc(a, sizeof *x);
		assure__scorecard_cell__init(x);
		x->value = (char *)no_value;
		x->rag = (char *)no_value;
		x->not_available = (char *)no_value;
		if (c->state == SCORECARD_CELL_VALUE) {
			x->value = arena_strdup(a, domain_review_decimal_format(c->value, buf));
			x->rag = arena_strdup(a, c->rag);
		} else if (c->state == SCORECARD_CELL_NOT_AVAILABLE) {
			x->not_available = arena_strdup(a, c->not_available);
		}
		m->cells[k] = x;
	}
	return m;
}

/* The largest response a page may make: half the smaller of the server's
 * frame limit and the one clients use by default. */
static size_t page_budget(const struct rpc_call *call)
{
	size_t max =
	    call->srv != NULL && call->srv->max_frame ? call->srv->max_frame : FRAME_DEFAULT_MAX;
	if (max > FRAME_DEFAULT_MAX)
		max = FRAME_DEFAULT_MAX;
	return max / 2;
}

static int scorecard_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__ScorecardRequest *req = call->req->scorecard;
	const struct scorecard_state *ss = call->state;
	struct arena *a = call->arena;

	struct scorecard_set *set = NULL;
	int st = store_scorecard_published_set(db, req->year, &set, message);
	if (st == ASSURE__CODE__NOT_FOUND) {
		*message = xasprintf("no indicator set is published for %s: the scorecard is "
				     "scored against the set published for its year",
				     req->year);
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	if (st != ASSURE__CODE__OK)
		return st;

	int64_t site_id = 0;
	if (req->site[0]) {
		struct site_record *site = NULL;
		st = store_site_find(db, req->site, &site, message);
		if (st == ASSURE__CODE__NOT_FOUND)
			*message = xasprintf("site: there is no site %s", req->site);
		if (st != ASSURE__CODE__OK) {
			scorecard_set_free(set);
			return st;
		}
		site_id = site->id;
		site_record_free(site);
	}

	Assure__ScorecardResponse *r = arena_alloc(a, sizeof *r);
	assure__scorecard_response__init(r);
	r->set = set_msg(a, set);
	size_t budget = page_budget(call);
	size_t used = protobuf_c_message_get_packed_size(&r->set->base) + 64;
	size_t room = budget > used ? budget - used : 0;
	unsigned limit = req->page_size ? req->page_size : SCORECARD_PAGE_DEFAULT;
	if (limit > SCORECARD_PAGE_MAX)
		limit = SCORECARD_PAGE_MAX;
	size_t fit = room / SCORECARD_ROW_ESTIMATE(set->n_indicators);
	if (fit < 1)
		fit = 1;
	if (limit > fit)
		limit = (unsigned)fit;

	struct scorecard_filter f = {
	    .year = req->year,
	    .year_start = ss->year_start,
	    .year_end = ss->year_end,
	    .site_id = site_id,
	    .type = req->type,
	    .after_ods = req->page_token,
	    .limit = limit + 1,
	};
	struct scorecard_row *rows = NULL;
	size_t n = 0;
	uint64_t total = 0;
	st = store_scorecard_page(db, &f, set, &rows, &n, req->page_token[0] ? NULL : &total,
				  message);
	if (st != ASSURE__CODE__OK) {
		scorecard_set_free(set);
		return st;
	}
	size_t want = n > limit ? limit : n;
	r->rows = arena_alloc(a, (want ? want : 1) * sizeof *r->rows);
	size_t reviews = 0;
	for (size_t i = 0; i < want; i++) {
		Assure__ScorecardRow *m = row_msg(a, &rows[i], set->n_indicators);
		size_t sz = protobuf_c_message_get_packed_size(&m->base) + 8;
		/* Always at least one row, so paging makes progress. */
		if (i > 0 && sz > room)
			break;
		room = sz < room ? room - sz : 0;
		r->rows[r->n_rows++] = m;
		reviews += rows[i].review_id != 0;
	}
	if (r->n_rows < n)
		r->next_page_token = arena_strdup(a, r->rows[r->n_rows - 1]->ods);
	r->total_rows = (uint32_t)total;
	call->audit_reason =
	    r->n_rows ? arena_printf(a, "rows %zu (%s..%s), reviews %zu", r->n_rows,
				     r->rows[0]->ods, r->rows[r->n_rows - 1]->ods, reviews)
		      : "rows 0";
	scorecard_rows_free(rows, n, set->n_indicators);
	scorecard_set_free(set);
	RPC_RESULT(call, scorecard, SCORECARD, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_scorecard(struct rpc_call *call)
{
	Assure__ScorecardRequest *req = call->req->scorecard;
	call->audit_object_type = "scorecard";
	call->audit_query = arena_printf(call->arena, "site=%s type=%s page_token=%s page_size=%u",
					 req->site, req->type, req->page_token, req->page_size);
	int year;
	char *cause = NULL;
	if (domain_review_year_parse(req->year, &year, &cause) < 0) {
		enum rpc_result res = rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", cause);
		free(cause);
		return res;
	}
	rpc_audit_object(call, "scorecard", req->year);
	if (req->type[0]) {
		int t = domain_contract_type_parse(req->type, &cause);
		if (t < 0) {
			enum rpc_result res =
			    rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", cause);
			free(cause);
			return res;
		}
		/* The stored spelling: parse is case-insensitive. */
		req->type =
		    arena_strdup(call->arena, domain_contract_type_name((enum contract_type)t));
	}
	if (req->site[0]) {
		char buf[160];
		const char *why = validate_site_code("site", req->site, buf, sizeof buf);
		if (why != NULL)
			return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	}
	if (req->page_token[0] && domain_contract_check_ods_code(req->page_token, NULL) < 0)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "page_token: not a token this server issued");
	struct scorecard_state *ss = arena_alloc(call->arena, sizeof *ss);
	domain_date_format(domain_review_year_start(year), ss->year_start);
	domain_date_format(domain_review_year_end(year), ss->year_end);
	call->state = ss;
	return rpc_read(call, scorecard_db, NULL);
}

const struct rpc_entry rpc_scorecard_table[] = {
    {ASSURE__REQUEST__OP_SCORECARD, "Scorecard", PERM_REVIEW_READ, 0, rpc_scorecard, 'R'},
};

const size_t rpc_scorecard_count = sizeof rpc_scorecard_table / sizeof rpc_scorecard_table[0];
