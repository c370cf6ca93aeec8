/*
 * The Performers List register in SQLite: performers and their list
 * history. Status codes and ownership as in store.h.
 */
#ifndef ASSURE_STORE_PERFORMER_H
#define ASSURE_STORE_PERFORMER_H

#include <stddef.h>
#include <stdint.h>

struct db;

struct performer_record {
	int64_t id;
	char *profession, *reg, *name, *national_code, *list_status, *conditions;
	int suspended;
	char *susp_basis, *susp_reason, *susp_start, *susp_end, *susp_review, *susp_concern_ref,
	    *susp_hearing_offered, *susp_notice_sent;
	int susp_extension;
	int64_t created_at, updated_at, version;
	char *updated_by;
};

struct list_history_record {
	char *from_status, *to_status;
	int suspended_before, suspended_after;
	int64_t at;
	char *by, *decision, *rationale, *date;
};

void performer_record_free(struct performer_record *p);
void performer_records_free(struct performer_record **v, size_t n);
void list_history_free(struct list_history_record *v, size_t n);

int store_performer_insert(struct db *db, const char *profession, const char *reg, const char *name,
			   const char *national_code, const char *list_status, int64_t now_ms,
			   const char *by, int64_t *id, char **cause);
int store_performer_get(struct db *db, int64_t id, struct performer_record **out, char **cause);
/* Performers with this registration number, any profession (at most 8). */
int store_performer_by_reg(struct db *db, const char *reg, struct performer_record ***out,
			   size_t *n, char **cause);

struct performer_filter {
	const char *profession, *status, *name; /* NULL/"": any; name is a substring */
	int suspended_only;
	int64_t after_id;
	unsigned limit;
};

int store_performer_list(struct db *db, const struct performer_filter *f,
			 struct performer_record ***out, size_t *n, char **cause);
/* Sets list status and conditions, bumps version, records by/now. */
int store_performer_set_status(struct db *db, int64_t id, const char *status,
			       const char *conditions, int64_t now_ms, const char *by,
			       char **cause);
struct performer_suspension {
	const char *basis, *reason, *start, *end, *review, *concern_ref, *hearing_offered,
	    *notice_sent; /* dates "YYYY-MM-DD" or "" */
	int extension;
};

/* Sets (s non-NULL) or clears (s NULL) the performer's suspension, bumps
 * version, records by/now. The caller writes list_history in the same
 * transaction. */
int store_performer_set_suspension(struct db *db, int64_t id, const struct performer_suspension *s,
				   int64_t now_ms, const char *by, char **cause);
int store_list_history_add(struct db *db, int64_t performer_id, const struct list_history_record *h,
			   char **cause);
int store_list_history(struct db *db, int64_t performer_id, struct list_history_record **out,
		       size_t *n, char **cause);

#endif
