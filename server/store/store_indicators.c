/*
 * Indicator sets, indicators, the requirements catalogue and the SfBH
 * domains in SQLite. The triggers of migration 10 refuse any change to a
 * published set; the RPC layer checks first, so they only ever fire on a
 * bug (and then the change fails rather than lands).
 */
#include "store_indicators.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "store.h"
#include "xmalloc.h"

/* ---- sets --------------------------------------------------------------------- */

void indicator_set_record_free(struct indicator_set_record *s)
{
	if (s == NULL)
		return;
	free(s->name);
	free(s->year);
	free(s->state);
	free(s->from_set);
	free(s->created_by);
	free(s->published_by);
	free(s->updated_by);
	free(s);
}

void indicator_set_records_free(struct indicator_set_record **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		indicator_set_record_free(v[i]);
	free(v);
}

static const char sql_set_insert[] =
    "INSERT INTO indicator_sets (name, year, green_mean, red_mean, from_set_id, created_at,"
    " created_by, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7)";

int store_indicator_set_insert(struct db *db, const char *name, const char *year,
			       int64_t green_mean, int64_t red_mean, int64_t from_set_id,
			       int64_t now_s, const char *by, int64_t *id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_set_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, year, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, green_mean);
	sqlite3_bind_int64(st, 4, red_mean);
	if (from_set_id > 0)
		sqlite3_bind_int64(st, 5, from_set_id);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_int64(st, 6, now_s);
	sqlite3_bind_text(st, 7, by, -1, SQLITE_STATIC);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK)
		*id = db_last_insert_id(db);
	return status;
}

#define SET_SELECT                                                                                 \
	"SELECT s.id, s.name, s.year, s.state, coalesce(f.name, ''), s.green_mean, s.red_mean,"    \
	" s.created_at, s.created_by, s.published_at, s.published_by, s.updated_at,"               \
	" s.updated_by, s.version, (SELECT count(*) FROM indicators i WHERE i.set_id = s.id)"      \
	" FROM indicator_sets s LEFT JOIN indicator_sets f ON f.id = s.from_set_id"

static struct indicator_set_record *set_from_row(sqlite3_stmt *st)
{
	struct indicator_set_record *s = xcalloc(1, sizeof *s);
	s->id = sqlite3_column_int64(st, 0);
	s->name = db_column_strdup(st, 1);
	s->year = db_column_strdup(st, 2);
	s->state = db_column_strdup(st, 3);
	s->from_set = db_column_strdup(st, 4);
	s->green_mean = sqlite3_column_int64(st, 5);
	s->red_mean = sqlite3_column_int64(st, 6);
	s->created_at = sqlite3_column_int64(st, 7);
	s->created_by = db_column_strdup(st, 8);
	s->published_at = sqlite3_column_int64(st, 9);
	s->published_by = db_column_strdup(st, 10);
	s->updated_at = sqlite3_column_int64(st, 11);
	s->updated_by = db_column_strdup(st, 12);
	s->version = sqlite3_column_int64(st, 13);
	s->indicator_count = (unsigned)sqlite3_column_int64(st, 14);
	return s;
}

static int set_rows(struct db *db, sqlite3_stmt *st, struct indicator_set_record ***out, size_t *n,
		    char **cause)
{
	struct indicator_set_record **v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count++] = set_from_row(st);
	}
	if (rc != SQLITE_DONE) {
		indicator_set_records_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static const char sql_set_get[] = SET_SELECT " WHERE s.name = ?";

int store_indicator_set_get(struct db *db, const char *name, struct indicator_set_record **out,
			    char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_set_get, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	struct indicator_set_record **v = NULL;
	size_t n = 0;
	int status = set_rows(db, st, &v, &n, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	if (n == 0) {
		free(v);
		return ASSURE__CODE__NOT_FOUND;
	}
	*out = v[0];
	free(v);
	return ASSURE__CODE__OK;
}

static const char sql_sets_list[] =
    SET_SELECT " WHERE ?1 = '' OR s.year = ?1 ORDER BY s.year DESC, s.name";

int store_indicator_sets_list(struct db *db, const char *year, struct indicator_set_record ***out,
			      size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_sets_list, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, year ? year : "", -1, SQLITE_STATIC);
	return set_rows(db, st, out, n, cause);
}

static const char sql_set_published[] =
    "SELECT name FROM indicator_sets WHERE year = ? AND state = 'published'";

int store_indicator_set_published_name(struct db *db, const char *year, char **name, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_set_published, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, year, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*name = db_column_strdup(st, 0);
		sqlite3_reset(st);
		return ASSURE__CODE__OK;
	}
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ASSURE__CODE__NOT_FOUND;
	}
	return db_fail(db, st, rc, cause);
}

static int changed_one(struct db *db, int rc)
{
	if (rc == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return rc;
}

static const char sql_set_rule[] =
    "UPDATE indicator_sets SET green_mean = ?1, red_mean = ?2, updated_at = ?3,"
    " updated_by = ?4, version = version + 1 WHERE id = ?5";

int store_indicator_set_rule(struct db *db, int64_t id, int64_t green_mean, int64_t red_mean,
			     int64_t now_s, const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_set_rule, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, green_mean);
	sqlite3_bind_int64(st, 2, red_mean);
	sqlite3_bind_int64(st, 3, now_s);
	sqlite3_bind_text(st, 4, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, id);
	return changed_one(db, db_step_done(db, st, cause));
}

/* One statement, because the frozen trigger refuses any later update of a
 * published set: the state and who published it change together. */
static const char sql_set_move[] =
    "UPDATE indicator_sets SET state = ?1,"
    " published_at = CASE WHEN ?1 = 'published' THEN ?2 ELSE published_at END,"
    " published_by = CASE WHEN ?1 = 'published' THEN ?3 ELSE published_by END,"
    " updated_at = ?2, updated_by = ?3, version = version + 1 WHERE id = ?4";

int store_indicator_set_move(struct db *db, int64_t id, const char *state, int64_t now_s,
			     const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_set_move, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, now_s);
	sqlite3_bind_text(st, 3, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, id);
	return changed_one(db, db_step_done(db, st, cause));
}

static const char sql_set_touch[] =
    "UPDATE indicator_sets SET updated_at = ?1, updated_by = ?2, version = version + 1"
    " WHERE id = ?3";

int store_indicator_set_touch(struct db *db, int64_t id, int64_t now_s, const char *by,
			      char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_set_touch, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, now_s);
	sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	return changed_one(db, db_step_done(db, st, cause));
}

/* ---- indicators ------------------------------------------------------------------ */

void indicator_records_free(struct indicator_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].code);
		free(v[i].name);
		free(v[i].domain);
		free(v[i].unit);
		free(v[i].direction);
	}
	free(v);
}

static const char sql_indicators[] =
    "SELECT position, code, name, domain, unit, direction, green, amber, weight, critical"
    " FROM indicators WHERE set_id = ? ORDER BY position";

int store_indicators(struct db *db, int64_t set_id, struct indicator_record **out, size_t *n,
		     char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_indicators, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, set_id);
	struct indicator_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct indicator_record *i = &v[count++];
		i->position = (uint32_t)sqlite3_column_int64(st, 0);
		i->code = db_column_strdup(st, 1);
		i->name = db_column_strdup(st, 2);
		i->domain = db_column_strdup(st, 3);
		i->unit = db_column_strdup(st, 4);
		i->direction = db_column_strdup(st, 5);
		i->green = sqlite3_column_int64(st, 6);
		i->amber = sqlite3_column_int64(st, 7);
		i->weight = sqlite3_column_int64(st, 8);
		i->critical = sqlite3_column_int(st, 9);
	}
	if (rc != SQLITE_DONE) {
		indicator_records_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static void bind_fields(sqlite3_stmt *st, int64_t set_id, const struct indicator_fields *f)
{
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_text(st, 2, f->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, f->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, f->domain, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, f->unit ? f->unit : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, f->direction, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 7, f->green);
	sqlite3_bind_int64(st, 8, f->amber);
	sqlite3_bind_int64(st, 9, f->weight);
	sqlite3_bind_int(st, 10, f->critical ? 1 : 0);
}

static const char sql_indicator_insert[] =
    "INSERT INTO indicators (set_id, position, code, name, domain, unit, direction, green,"
    " amber, weight, critical) VALUES (?1,"
    " (SELECT coalesce(max(position), 0) + 1 FROM indicators WHERE set_id = ?1),"
    " ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

int store_indicator_insert(struct db *db, int64_t set_id, const struct indicator_fields *f,
			   char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_indicator_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_fields(st, set_id, f);
	return db_step_done(db, st, cause);
}

static const char sql_indicator_update[] =
    "UPDATE indicators SET name = ?3, domain = ?4, unit = ?5, direction = ?6, green = ?7,"
    " amber = ?8, weight = ?9, critical = ?10 WHERE set_id = ?1 AND code = ?2";

int store_indicator_update(struct db *db, int64_t set_id, const struct indicator_fields *f,
			   char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_indicator_update, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	bind_fields(st, set_id, f);
	return changed_one(db, db_step_done(db, st, cause));
}

static const char sql_indicator_delete[] = "DELETE FROM indicators WHERE set_id = ? AND code = ?";

int store_indicator_delete(struct db *db, int64_t set_id, const char *code, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_indicator_delete, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, set_id);
	sqlite3_bind_text(st, 2, code, -1, SQLITE_STATIC);
	return changed_one(db, db_step_done(db, st, cause));
}

static const char sql_indicators_copy[] =
    "INSERT INTO indicators (set_id, position, code, name, domain, unit, direction, green,"
    " amber, weight, critical) SELECT ?2, position, code, name, domain, unit, direction,"
    " green, amber, weight, critical FROM indicators WHERE set_id = ?1 ORDER BY position";

int store_indicators_copy(struct db *db, int64_t from_set_id, int64_t to_set_id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_indicators_copy, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, from_set_id);
	sqlite3_bind_int64(st, 2, to_set_id);
	return db_step_done(db, st, cause);
}

/* ---- requirements ------------------------------------------------------------------ */

void requirement_record_free(struct requirement_record *r)
{
	if (r == NULL)
		return;
	free(r->code);
	free(r->title);
	free(r->description);
	free(r->retired_reason);
	free(r);
}

void requirement_records_free(struct requirement_record **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		requirement_record_free(v[i]);
	free(v);
}

static const char sql_catalogue_version[] =
    "SELECT coalesce(max(version), 0) FROM requirements_catalogue";

int store_requirements_version(struct db *db, uint32_t *version, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_catalogue_version, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	*version = (uint32_t)sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ASSURE__CODE__OK;
}

static const char sql_catalogue_insert[] =
    "INSERT INTO requirements_catalogue (version, change, at, by_user) VALUES (?, ?, ?, ?)";

int store_requirements_new_version(struct db *db, const char *change, int64_t now_s, const char *by,
				   uint32_t *version, char **cause)
{
	uint32_t current = 0;
	int status = store_requirements_version(db, &current, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	sqlite3_stmt *st = db_stmt(db, sql_catalogue_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, (int64_t)current + 1);
	sqlite3_bind_text(st, 2, change, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_s);
	sqlite3_bind_text(st, 4, by, -1, SQLITE_STATIC);
	status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK)
		*version = current + 1;
	return status;
}

#define REQUIREMENT_SELECT                                                                         \
	"SELECT code, title, description, since_version, coalesce(retired_version, 0),"            \
	" retired_reason FROM requirements"

static int requirement_rows(struct db *db, sqlite3_stmt *st, struct requirement_record ***out,
			    size_t *n, char **cause)
{
	struct requirement_record **v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		struct requirement_record *r = xcalloc(1, sizeof *r);
		r->code = db_column_strdup(st, 0);
		r->title = db_column_strdup(st, 1);
		r->description = db_column_strdup(st, 2);
		r->since_version = (uint32_t)sqlite3_column_int64(st, 3);
		r->retired_version = (uint32_t)sqlite3_column_int64(st, 4);
		r->retired_reason = db_column_strdup(st, 5);
		v[count++] = r;
	}
	if (rc != SQLITE_DONE) {
		requirement_records_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static const char sql_requirements[] =
    REQUIREMENT_SELECT " WHERE ?1 = 1 OR retired_version IS NULL ORDER BY position";

int store_requirements_list(struct db *db, int include_retired, struct requirement_record ***out,
			    size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_requirements, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int(st, 1, include_retired ? 1 : 0);
	return requirement_rows(db, st, out, n, cause);
}

static const char sql_requirement_get[] = REQUIREMENT_SELECT " WHERE code = ?";

int store_requirement_get(struct db *db, const char *code, struct requirement_record **out,
			  char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_requirement_get, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	struct requirement_record **v = NULL;
	size_t n = 0;
	int status = requirement_rows(db, st, &v, &n, cause);
	if (status != ASSURE__CODE__OK)
		return status;
	if (n == 0) {
		free(v);
		return ASSURE__CODE__NOT_FOUND;
	}
	*out = v[0];
	free(v);
	return ASSURE__CODE__OK;
}

static const char sql_requirement_insert[] =
    "INSERT INTO requirements (code, title, description, position, since_version)"
    " VALUES (?1, ?2, ?3, (SELECT coalesce(max(position), 0) + 1 FROM requirements), ?4)";

int store_requirement_insert(struct db *db, const char *code, const char *title,
			     const char *description, uint32_t since, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_requirement_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, title, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, description ? description : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, since);
	return db_step_done(db, st, cause);
}

static const char sql_requirement_retire[] =
    "UPDATE requirements SET retired_version = ?1, retired_reason = ?2"
    " WHERE code = ?3 AND retired_version IS NULL";

int store_requirement_retire(struct db *db, const char *code, uint32_t version, const char *reason,
			     char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_requirement_retire, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, version);
	sqlite3_bind_text(st, 2, reason ? reason : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
	return changed_one(db, db_step_done(db, st, cause));
}

void sfbh_domain_records_free(struct sfbh_domain_record *v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		free(v[i].code);
		free(v[i].title);
	}
	free(v);
}

static const char sql_sfbh[] = "SELECT code, title FROM sfbh_domains ORDER BY position";

int store_sfbh_domains(struct db *db, struct sfbh_domain_record **out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_sfbh, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	struct sfbh_domain_record *v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count].code = db_column_strdup(st, 0);
		v[count].title = db_column_strdup(st, 1);
		count++;
	}
	if (rc != SQLITE_DONE) {
		sfbh_domain_records_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}
