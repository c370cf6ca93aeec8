/*
 * Users and roles in SQLite. Usernames are compared exactly (the CLI and
 * admin tools normalise case before they get here).
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

void store_strings_free(char **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void user_records_free(struct user_record **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		user_record_free(v[i]);
	free(v);
}

void user_record_free(struct user_record *u)
{
	if (u == NULL)
		return;
	free(u->username);
	free(u->display_name);
	free(u->site_code);
	free(u->updated_by);
	freezero_str(u->password_hash);
	for (size_t i = 0; i < u->nroles; i++)
		free(u->roles[i]);
	free(u->roles);
	free(u);
}

static const char sql_user_roles[] =
    "SELECT r.name FROM user_roles ur JOIN roles r ON r.id = ur.role_id"
    " WHERE ur.user_id = ? ORDER BY r.name";

static int load_roles(struct db *db, struct user_record *u, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_roles, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, u->id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		u->roles = xrealloc(u->roles, (u->nroles + 1) * sizeof *u->roles);
		u->roles[u->nroles++] = db_column_strdup(st, 0);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		return db_status_from_sqlite(rc);
	}
	return ASSURE__CODE__OK;
}

#define USER_COLUMNS                                                                               \
	"u.id, u.username, u.display_name, coalesce(s.code, ''), u.password_hash,"                 \
	" u.must_change_password, u.disabled, u.version, u.created_at, u.updated_at,"              \
	" u.last_login_at, u.updated_by"

static const char sql_user_by_name[] =
    "SELECT " USER_COLUMNS " FROM users u LEFT JOIN sites s ON s.id = u.site_id"
    " WHERE u.username = ?";
static const char sql_user_by_id[] =
    "SELECT " USER_COLUMNS " FROM users u LEFT JOIN sites s ON s.id = u.site_id"
    " WHERE u.id = ?";

static struct user_record *user_from_row(sqlite3_stmt *st)
{
	struct user_record *u = xcalloc(1, sizeof *u);
	u->id = sqlite3_column_int64(st, 0);
	u->username = db_column_strdup(st, 1);
	u->display_name = db_column_strdup(st, 2);
	u->site_code = db_column_strdup(st, 3);
	u->password_hash = db_column_strdup(st, 4);
	u->must_change_password = sqlite3_column_int(st, 5);
	u->disabled = sqlite3_column_int(st, 6);
	u->version = sqlite3_column_int64(st, 7);
	u->created_at = sqlite3_column_int64(st, 8);
	u->updated_at = sqlite3_column_int64(st, 9);
	u->last_login_at = sqlite3_column_int64(st, 10);
	u->updated_by = db_column_strdup(st, 11);
	return u;
}

static int find_user(struct db *db, sqlite3_stmt *st, struct user_record **out, char **cause)
{
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ASSURE__CODE__NOT_FOUND;
	}
	if (rc != SQLITE_ROW) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		sqlite3_reset(st);
		return db_status_from_sqlite(rc);
	}
	struct user_record *u = user_from_row(st);
	sqlite3_reset(st);
	int status = load_roles(db, u, cause);
	if (status != ASSURE__CODE__OK) {
		user_record_free(u);
		return status;
	}
	*out = u;
	return ASSURE__CODE__OK;
}

int store_user_find_by_name(struct db *db, const char *username, struct user_record **out,
			    char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_by_name, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	return find_user(db, st, out, cause);
}

int store_user_find_by_id(struct db *db, int64_t id, struct user_record **out, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_by_id, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	return find_user(db, st, out, cause);
}

static const char sql_user_insert[] =
    "INSERT INTO users (username, display_name, password_hash, must_change_password,"
    " created_at, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?)";

int store_user_insert(struct db *db, const char *username, const char *display_name,
		      const char *password_hash, int must_change_password, int64_t now_ms,
		      const char *by, int64_t *id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, username, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, display_name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, must_change_password ? 1 : 0);
	sqlite3_bind_int64(st, 5, now_ms);
	sqlite3_bind_int64(st, 6, now_ms);
	sqlite3_bind_text(st, 7, by ? by : "", -1, SQLITE_STATIC);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__ALREADY_EXISTS) {
		free(*cause);
		*cause = xasprintf("user '%s' already exists", username);
	}
	if (status == ASSURE__CODE__OK)
		*id = db_last_insert_id(db);
	return status;
}

static const char sql_user_add_role[] =
    "INSERT INTO user_roles (user_id, role_id) SELECT ?, id FROM roles WHERE name = ?";

int store_user_add_role(struct db *db, int64_t user_id, const char *role, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_add_role, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0) {
		*cause = xasprintf("no role '%s'", role);
		return ASSURE__CODE__NOT_FOUND;
	}
	return status;
}

static const char sql_user_set_password[] =
    "UPDATE users SET password_hash = ?, must_change_password = ?, updated_at = ?"
    " WHERE id = ?";

int store_user_set_password(struct db *db, int64_t user_id, const char *password_hash,
			    int must_change_password, int64_t now_ms, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_set_password, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, password_hash, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, must_change_password ? 1 : 0);
	sqlite3_bind_int64(st, 3, now_ms);
	sqlite3_bind_int64(st, 4, user_id);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

static const char sql_user_count[] = "SELECT count(*) FROM users";

int store_user_count(struct db *db, int64_t *count, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_count, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		sqlite3_reset(st);
		return db_status_from_sqlite(rc);
	}
	*count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ASSURE__CODE__OK;
}

static const char sql_role_exists[] = "SELECT id FROM roles WHERE name = ?";
static const char sql_role_permissions[] =
    "SELECT rp.permission FROM role_permissions rp JOIN roles r ON r.id = rp.role_id"
    " WHERE r.name = ?";

int store_role_permissions(struct db *db, const char *role, perm_mask *mask, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_role_exists, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc == SQLITE_DONE)
		return ASSURE__CODE__NOT_FOUND;
	if (rc != SQLITE_ROW) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		return db_status_from_sqlite(rc);
	}
	st = db_stmt(db, sql_role_permissions, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
	*mask = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		int p = name ? perm_parse(name) : -1;
		if (p < 0)
			log_warn("store: role %s has unknown permission '%s'; ignored", role,
				 name ? name : "");
		else
			*mask |= PERM_BIT(p);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		return db_status_from_sqlite(rc);
	}
	return ASSURE__CODE__OK;
}

static const char sql_user_list[] =
    "SELECT " USER_COLUMNS " FROM users u LEFT JOIN sites s ON s.id = u.site_id"
    " WHERE (?1 = '' OR s.code = ?1)"
    "   AND (?2 = '' OR EXISTS (SELECT 1 FROM user_roles ur JOIN roles r ON r.id = ur.role_id"
    "                           WHERE ur.user_id = u.id AND r.name = ?2))"
    "   AND (?3 = 2 OR u.disabled = ?3)"
    "   AND u.username > ?4"
    " ORDER BY u.username LIMIT ?5";

int store_user_list(struct db *db, const struct user_filter *f, struct user_record ***out,
		    size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_list, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, f->site ? f->site : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, f->role ? f->role : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3,
			 f->state == USER_FILTER_ALL	    ? 2
			 : f->state == USER_FILTER_DISABLED ? 1
							    : 0);
	sqlite3_bind_text(st, 4, f->after ? f->after : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, f->limit);
	struct user_record **v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count++] = user_from_row(st);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		user_records_free(v, count);
		return db_status_from_sqlite(rc);
	}
	for (size_t i = 0; i < count; i++) {
		int status = load_roles(db, v[i], cause);
		if (status != ASSURE__CODE__OK) {
			user_records_free(v, count);
			return status;
		}
	}
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static const char sql_user_update[] =
    "UPDATE users SET display_name = coalesce(?1, display_name),"
    " site_id = CASE WHEN ?2 IS NULL THEN site_id ELSE (SELECT id FROM sites WHERE code = ?2) END,"
    " updated_at = ?3 WHERE id = ?4";

int store_user_update(struct db *db, int64_t id, const char *display_name, const char *site_code,
		      int64_t now_ms, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_update, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	if (display_name)
		sqlite3_bind_text(st, 1, display_name, -1, SQLITE_STATIC);
	if (site_code)
		sqlite3_bind_text(st, 2, site_code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms);
	sqlite3_bind_int64(st, 4, id);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

static const char sql_user_touch[] =
    "UPDATE users SET updated_at = ?, updated_by = ?, version = version + 1 WHERE id = ?";

int store_user_touch(struct db *db, int64_t id, int64_t now_ms, const char *by, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_touch, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_text(st, 2, by, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, id);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

static const char sql_user_remove_role[] =
    "DELETE FROM user_roles WHERE user_id = ? AND role_id = (SELECT id FROM roles WHERE name = ?)";

int store_user_remove_role(struct db *db, int64_t user_id, const char *role, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_remove_role, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, user_id);
	sqlite3_bind_text(st, 2, role, -1, SQLITE_STATIC);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

static const char sql_user_set_disabled[] =
    "UPDATE users SET disabled = ?, disabled_reason = ?, updated_at = ? WHERE id = ?";

int store_user_set_disabled(struct db *db, int64_t id, int disabled, const char *reason,
			    int64_t now_ms, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_set_disabled, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int(st, 1, disabled ? 1 : 0);
	sqlite3_bind_text(st, 2, reason ? reason : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms);
	sqlite3_bind_int64(st, 4, id);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

static const char sql_user_record_login[] = "UPDATE users SET last_login_at = ? WHERE id = ?";

int store_user_record_login(struct db *db, int64_t id, int64_t now_ms, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_record_login, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int64(st, 2, id);
	return db_step_done(db, st, cause);
}

static const char sql_user_count_role[] =
    "SELECT count(*) FROM users u JOIN user_roles ur ON ur.user_id = u.id"
    " JOIN roles r ON r.id = ur.role_id WHERE r.name = ? AND u.disabled = 0";

int store_user_count_enabled_with_role(struct db *db, const char *role, int64_t *count,
				       char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_user_count_role, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, role, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		*cause = xasprintf("database: %s", sqlite3_errmsg(db_handle(db)));
		sqlite3_reset(st);
		return db_status_from_sqlite(rc);
	}
	*count = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return ASSURE__CODE__OK;
}
