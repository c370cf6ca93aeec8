/*
 * Scorecard indicator sets, their indicators, the versioned requirements
 * catalogue and the Standards for Better Health domains in SQLite
 * (migration 10). Decimals (thresholds, weights, the rule's means) are
 * int64_t scaled by REVIEW_DECIMAL_ONE, as stored. Status codes and
 * ownership as in store.h; times are Unix seconds.
 */
#ifndef ASSURE_STORE_INDICATORS_H
#define ASSURE_STORE_INDICATORS_H

#include <stddef.h>
#include <stdint.h>

struct db;

struct indicator_set_record {
	int64_t id;
	char *name, *year, *state, *from_set;
	int64_t green_mean, red_mean;
	int64_t created_at, published_at, updated_at, version;
	char *created_by, *published_by, *updated_by;
	unsigned indicator_count;
};

void indicator_set_record_free(struct indicator_set_record *s);
void indicator_set_records_free(struct indicator_set_record **v, size_t n);

/* A new draft set at version 1 with the given rule; from_set_id 0 for
 * none. ALREADY_EXISTS when the name is taken. */
int store_indicator_set_insert(struct db *db, const char *name, const char *year,
			       int64_t green_mean, int64_t red_mean, int64_t from_set_id,
			       int64_t now_s, const char *by, int64_t *id, char **cause);
/* The set with this name; NOT_FOUND when there is none. */
int store_indicator_set_get(struct db *db, const char *name, struct indicator_set_record **out,
			    char **cause);
/* Every set (year NULL or "") or the year's, newest year first, then by name. */
int store_indicator_sets_list(struct db *db, const char *year, struct indicator_set_record ***out,
			      size_t *n, char **cause);
/* The name of the set published for year (caller frees); NOT_FOUND when
 * none is. */
int store_indicator_set_published_name(struct db *db, const char *year, char **name, char **cause);
/* Sets the overall rule; bumps the version and records by/now. */
int store_indicator_set_rule(struct db *db, int64_t id, int64_t green_mean, int64_t red_mean,
			     int64_t now_s, const char *by, char **cause);
/* Moves the set to state ("published" also records published_at/by);
 * bumps the version and records by/now. */
int store_indicator_set_move(struct db *db, int64_t id, const char *state, int64_t now_s,
			     const char *by, char **cause);
/* Bumps the version and records by/now (an indicator changed). */
int store_indicator_set_touch(struct db *db, int64_t id, int64_t now_s, const char *by,
			      char **cause);

struct indicator_record {
	uint32_t position;
	char *code, *name, *domain, *unit, *direction;
	int64_t green, amber, weight;
	int critical;
};

void indicator_records_free(struct indicator_record *v, size_t n);

/* An indicator as added or changed. Borrowed strings. */
struct indicator_fields {
	const char *code, *name, *domain, *unit, *direction;
	int64_t green, amber, weight;
	int critical;
};

/* The set's indicators in column order. */
int store_indicators(struct db *db, int64_t set_id, struct indicator_record **out, size_t *n,
		     char **cause);
/* Appends an indicator after the set's last; ALREADY_EXISTS when the code
 * is in the set. */
int store_indicator_insert(struct db *db, int64_t set_id, const struct indicator_fields *f,
			   char **cause);
/* Changes the indicator of f->code in place (its position kept);
 * NOT_FOUND when the set has none. */
int store_indicator_update(struct db *db, int64_t set_id, const struct indicator_fields *f,
			   char **cause);
/* NOT_FOUND when the set has no indicator with that code. */
int store_indicator_delete(struct db *db, int64_t set_id, const char *code, char **cause);
/* Copies every indicator of one set into another (empty) set. */
int store_indicators_copy(struct db *db, int64_t from_set_id, int64_t to_set_id, char **cause);

/* ---- the requirements catalogue ------------------------------------------------ */

struct requirement_record {
	char *code, *title, *description, *retired_reason;
	uint32_t since_version, retired_version; /* retired_version 0: current */
};

void requirement_record_free(struct requirement_record *r);
void requirement_records_free(struct requirement_record **v, size_t n);

/* The current catalogue version (the highest). */
int store_requirements_version(struct db *db, uint32_t *version, char **cause);
/* Records a new catalogue version with what changed; *version gets it. */
int store_requirements_new_version(struct db *db, const char *change, int64_t now_s, const char *by,
				   uint32_t *version, char **cause);
/* The catalogue in order; retired items too when include_retired. */
int store_requirements_list(struct db *db, int include_retired, struct requirement_record ***out,
			    size_t *n, char **cause);
/* The item with this code, current or retired; NOT_FOUND when none. */
int store_requirement_get(struct db *db, const char *code, struct requirement_record **out,
			  char **cause);
/* Appends an item added in catalogue version since; ALREADY_EXISTS when
 * the code is taken (codes are never reused, even once retired). */
int store_requirement_insert(struct db *db, const char *code, const char *title,
			     const char *description, uint32_t since, char **cause);
/* Retires a current item in catalogue version `version`; NOT_FOUND when
 * there is no current item with that code. */
int store_requirement_retire(struct db *db, const char *code, uint32_t version, const char *reason,
			     char **cause);

struct sfbh_domain_record {
	char *code, *title;
};

void sfbh_domain_records_free(struct sfbh_domain_record *v, size_t n);
/* The seven Standards for Better Health domains in order. */
int store_sfbh_domains(struct db *db, struct sfbh_domain_record **out, size_t *n, char **cause);

#endif
