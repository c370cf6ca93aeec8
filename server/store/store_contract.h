/*
 * GP practices' contracts in SQLite (migration 10): contracts, their change
 * history, contract notices, and a read-only look at the annual reviews
 * held against a contract (the reviews themselves are another module's).
 * Status codes and ownership as in store.h. Civil dates are "YYYY-MM-DD"
 * text ("" for none); times are Unix seconds.
 */
#ifndef ASSURE_STORE_CONTRACT_H
#define ASSURE_STORE_CONTRACT_H

#include <stddef.h>
#include <stdint.h>

struct db;

struct contract_record {
	int64_t id;
	char *ods, *name, *type, *site, *start, *end;
	int64_t list_size, site_id;
	int64_t created_at, updated_at, version;
	char *created_by, *updated_by;
	/* From the latest finalised annual review; "" when there is none. */
	char *last_year, *last_rag, *next_visit_type;
};

void contract_record_free(struct contract_record *c);
void contract_records_free(struct contract_record **v, size_t n);

/* The fields a contract is added with or changed to. Borrowed strings. */
struct contract_fields {
	const char *ods; /* insert only */
	const char *name, *type;
	int64_t list_size, site_id;
	const char *start, *end; /* "" for none */
};

/* A new contract at version 1; ALREADY_EXISTS when the ODS code is taken. */
int store_contract_insert(struct db *db, const struct contract_fields *f, int64_t now_s,
			  const char *by, int64_t *id, char **cause);
/* The contract with this ODS code; NOT_FOUND when there is none. */
int store_contract_get(struct db *db, const char *ods, struct contract_record **out, char **cause);

struct contract_filter {
	const char *type;  /* NULL/"": any */
	int64_t site_id;   /* 0: any */
	const char *name;  /* NULL/"": any; a case-insensitive substring, % and _ literal */
	const char *after; /* paging: ODS codes greater than this; NULL/"" from the start */
	unsigned limit;
};

/* Contracts matching f in ODS code order, at most f->limit. */
int store_contract_list(struct db *db, const struct contract_filter *f,
			struct contract_record ***out, size_t *n, char **cause);
/* Sets every field of f except ods, bumps the version, records by/now. */
int store_contract_update(struct db *db, int64_t id, const struct contract_fields *f, int64_t now_s,
			  const char *by, char **cause);
/* Bumps the version and records by/now (a notice added or closed). */
int store_contract_touch(struct db *db, int64_t id, int64_t now_s, const char *by, char **cause);

struct contract_change_record {
	int64_t at;
	char *by, *detail, *reason;
};

void contract_changes_free(struct contract_change_record *v, size_t n);
/* Appends one entry to the contract's history (append-only). */
int store_contract_history_add(struct db *db, int64_t contract_id, const char *detail,
			       const char *reason, int64_t at_s, const char *by, char **cause);
/* The history, oldest first. */
int store_contract_history(struct db *db, int64_t contract_id, struct contract_change_record **out,
			   size_t *n, char **cause);

/* ---- notices ---------------------------------------------------------------- */

struct contract_notice_record {
	uint32_t number;
	char *kind, *text, *steps, *date, *reason, *deadline, *review_ref;
	int period_days;
	char *outcome, *outcome_date, *outcome_rationale;
	int64_t at, outcome_at;
	char *by, *outcome_by;
};

void contract_notice_record_free(struct contract_notice_record *n);
void contract_notice_records_free(struct contract_notice_record **v, size_t n);

/* A notice as it is issued. Borrowed strings; review_id 0 for none. */
struct contract_notice_new {
	const char *kind, *text, *steps, *date, *reason, *deadline;
	int period_days;
	int64_t review_id;
};

/* Inserts a notice numbered one past the contract's last; *number gets it. */
int store_contract_notice_insert(struct db *db, int64_t contract_id,
				 const struct contract_notice_new *in, int64_t now_s,
				 const char *by, uint32_t *number, char **cause);
/* Notice `number` of the contract; NOT_FOUND when there is none. */
int store_contract_notice_get(struct db *db, int64_t contract_id, uint32_t number,
			      struct contract_notice_record **out, char **cause);
/* Every notice of the contract, by number. */
int store_contract_notices(struct db *db, int64_t contract_id, struct contract_notice_record ***out,
			   size_t *n, char **cause);
/* Records the outcome of an open notice; NOT_FOUND when the notice is not
 * there or already has one. */
int store_contract_notice_set_outcome(struct db *db, int64_t contract_id, uint32_t number,
				      const char *outcome, const char *date, const char *rationale,
				      int64_t now_s, const char *by, char **cause);

/* ---- the contract's reviews (read-only here) --------------------------------- */

struct contract_review_record {
	char *ref, *year, *kind, *state, *visit_type, *scheduled, *visited;
	char *computed_rag, *override_rag, *final_rag, *next_visit_type, *set_name;
	int follow_up;
	int64_t version;
	unsigned open_actions, overdue_actions;
};

void contract_review_records_free(struct contract_review_record *v, size_t n);
/* The contract's reviews, newest year first (within a year, the latest
 * made first). Actions are overdue when open and due before today
 * ("YYYY-MM-DD"). */
int store_contract_reviews(struct db *db, int64_t contract_id, const char *today,
			   struct contract_review_record **out, size_t *n, char **cause);
/* The review with reference ref: its id and its contract's. NOT_FOUND when
 * there is none. */
int store_contract_review_by_ref(struct db *db, const char *ref, int64_t *review_id,
				 int64_t *contract_id, char **cause);

#endif
