/*
 * The scorecard report's reads (DOMAIN.md "Scorecard report", migration
 * 10): a year's published indicator set, and pages of one row per contract
 * with its annual review for that year, if any, and the review's scores.
 * Status codes and ownership as in store.h: each function returns a
 * protocol status code (0 OK) and sets *cause on an error other than
 * NOT_FOUND; records returned through out-pointers belong to the caller and
 * are freed with their _free function (which accepts NULL).
 *
 * Read-only: everything runs on a worker's read-only handle. A page is read
 * inside one read transaction (a savepoint), so its count, rows and scores
 * are one snapshot even while the writer commits; pages are keyset-paged by
 * ODS code, so a later page is a later snapshot, as for every other list.
 *
 * The queries are built for national scale (7,000 contracts x 30
 * indicators = 210,000 score rows a year): one query for a page's rows
 * (contracts in ODS order through the index of the filter given, each
 * joined to its annual review by the (contract, year, kind) unique index)
 * and one for all of their scores (by the page's review ids, through the
 * scores' primary key). Never one query per row.
 */
#ifndef ASSURE_STORE_SCORECARD_H
#define ASSURE_STORE_SCORECARD_H

#include <stddef.h>
#include <stdint.h>

struct db;

struct scorecard_indicator {
	int64_t id;
	unsigned position; /* column order */
	char *code, *name, *domain, *unit, *direction;
	int64_t green, amber, weight; /* decimals scaled by REVIEW_DECIMAL_ONE */
	int critical;
};

/* An indicator set with its indicators in position order. Times are Unix
 * seconds. */
struct scorecard_set {
	int64_t id;
	char *name, *year, *state;
	int64_t green_mean, red_mean; /* decimals */
	char *from_set;		      /* the name of the set it was copied from, or "" */
	int64_t created_at, published_at, version;
	char *created_by, *published_by;
	struct scorecard_indicator *indicators;
	size_t n_indicators;
};

void scorecard_set_free(struct scorecard_set *s);

/* The set published for year ("2009/10"); NOT_FOUND when no set of that
 * year is published (a draft or one in consultation does not count). */
int store_scorecard_published_set(struct db *db, const char *year, struct scorecard_set **out,
				  char **cause) __attribute__((warn_unused_result));

/* What one review records for one indicator. */
enum scorecard_cell_state {
	SCORECARD_CELL_NONE,	      /* nothing recorded (or no review) */
	SCORECARD_CELL_VALUE,	      /* a value, with its RAG */
	SCORECARD_CELL_NOT_AVAILABLE, /* marked not available, with a reason */
};

struct scorecard_cell {
	enum scorecard_cell_state state;
	int64_t value;	     /* decimal; SCORECARD_CELL_VALUE */
	char rag[8];	     /* "green", "amber", "red"; "" without a value */
	char *not_available; /* the reason; NULL unless NOT_AVAILABLE */
};

/* One contract and its annual review of the year. Review fields are 0 and
 * "" when there is none. */
struct scorecard_row {
	int64_t contract_id;
	char *ods, *practice, *type, *site;
	int64_t review_id; /* 0: no annual review that year */
	char *review_ref, *state;
	char *computed_rag, *override_rag, *final_rag, *next_visit_type;
	int follow_up;
	/* One per indicator of the set, in the set's order. */
	struct scorecard_cell *cells;
};

void scorecard_rows_free(struct scorecard_row *v, size_t n, size_t n_cells);

struct scorecard_filter {
	const char *year;	/* "2009/10" */
	const char *year_start; /* "2009-04-01": contracts in force on some day */
	const char *year_end;	/* "2010-03-31"  of the year, or with a review */
	int64_t site_id;	/* 0: every site */
	const char *type;	/* "" or NULL: every type */
	const char *after_ods;	/* paging: ODS codes after this; "" or NULL from the start */
	unsigned limit;
};

/*
 * One page: the contracts matching f (in force during the year, or with an
 * annual review for it), ODS order, at most f->limit, with their annual
 * reviews and each review's scores for the indicators of set (cells in
 * set order; a score for an indicator outside the set is ignored). With
 * total (may be NULL), *total gets how many contracts match f ignoring
 * after_ods and limit, from the same snapshot.
 */
int store_scorecard_page(struct db *db, const struct scorecard_filter *f,
			 const struct scorecard_set *set, struct scorecard_row **out, size_t *n,
			 uint64_t *total, char **cause) __attribute__((warn_unused_result));

#endif
