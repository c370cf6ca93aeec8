/*
 * Roles and their permissions in SQLite.
 */
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "db.h"
#include "store.h"
#include "xmalloc.h"

void role_record_free(struct role_record *r)
{
	if (r == NULL)
		return;
	free(r->name);
	free(r->description);
	store_strings_free(r->permissions, r->npermissions);
	free(r);
}

void role_records_free(struct role_record **v, size_t n)
{
	if (v == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		role_record_free(v[i]);
	free(v);
}

/* Runs a one-text-column query bound to one text parameter (NULL: none). */
static int strings_query(struct db *db, const char *sql, const char *param, int64_t iparam,
			 char ***out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	if (param)
		sqlite3_bind_text(st, 1, param, -1, SQLITE_STATIC);
	else
		sqlite3_bind_int64(st, 1, iparam);
	char **v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count++] = db_column_strdup(st, 0);
	}
	if (rc != SQLITE_DONE) {
		store_strings_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

static const char sql_role_perms[] =
    "SELECT permission FROM role_permissions WHERE role_id = ? ORDER BY permission";

#define ROLE_COLUMNS                                                                               \
	"r.id, r.name, r.description, r.builtin,"                                                  \
	" (SELECT count(*) FROM user_roles ur WHERE ur.role_id = r.id)"

static const char sql_role_list[] =
    "SELECT " ROLE_COLUMNS " FROM roles r ORDER BY r.builtin DESC, r.id";
static const char sql_role_find[] = "SELECT " ROLE_COLUMNS " FROM roles r WHERE r.name = ?";

static struct role_record *role_from_row(sqlite3_stmt *st)
{
	struct role_record *r = xcalloc(1, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->name = db_column_strdup(st, 1);
	r->description = db_column_strdup(st, 2);
	r->builtin = sqlite3_column_int(st, 3);
	r->users = (unsigned)sqlite3_column_int64(st, 4);
	return r;
}

static int load_permissions(struct db *db, struct role_record **v, size_t n, char **cause)
{
	for (size_t i = 0; i < n; i++) {
		int status = strings_query(db, sql_role_perms, NULL, v[i]->id, &v[i]->permissions,
					   &v[i]->npermissions, cause);
		if (status != ASSURE__CODE__OK)
			return status;
	}
	return ASSURE__CODE__OK;
}

int store_role_list(struct db *db, struct role_record ***out, size_t *n, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_role_list, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	struct role_record **v = NULL;
	size_t count = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		v = xrealloc(v, (count + 1) * sizeof *v);
		v[count++] = role_from_row(st);
	}
	if (rc != SQLITE_DONE) {
		role_records_free(v, count);
		return db_fail(db, st, rc, cause);
	}
	sqlite3_reset(st);
	int status = load_permissions(db, v, count, cause);
	if (status != ASSURE__CODE__OK) {
		role_records_free(v, count);
		return status;
	}
	*out = v;
	*n = count;
	return ASSURE__CODE__OK;
}

int store_role_find(struct db *db, const char *name, struct role_record **out, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_role_find, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return ASSURE__CODE__NOT_FOUND;
	}
	if (rc != SQLITE_ROW)
		return db_fail(db, st, rc, cause);
	struct role_record *r = role_from_row(st);
	sqlite3_reset(st);
	int status = load_permissions(db, &r, 1, cause);
	if (status != ASSURE__CODE__OK) {
		role_record_free(r);
		return status;
	}
	*out = r;
	return ASSURE__CODE__OK;
}

static const char sql_role_insert[] =
    "INSERT INTO roles (name, description, builtin) VALUES (?, ?, 0)";

int store_role_insert(struct db *db, const char *name, const char *description, int64_t *id,
		      char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_role_insert, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, description, -1, SQLITE_STATIC);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__ALREADY_EXISTS) {
		free(*cause);
		*cause = xasprintf("role '%s' already exists", name);
	}
	if (status == ASSURE__CODE__OK)
		*id = db_last_insert_id(db);
	return status;
}

static const char sql_role_set_description[] = "UPDATE roles SET description = ? WHERE id = ?";

int store_role_set_description(struct db *db, int64_t id, const char *description, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_role_set_description, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_text(st, 1, description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, id);
	return db_step_done(db, st, cause);
}

static const char sql_role_add_perm[] =
    "INSERT OR IGNORE INTO role_permissions (role_id, permission) VALUES (?, ?)";
static const char sql_role_remove_perm[] =
    "DELETE FROM role_permissions WHERE role_id = ? AND permission = ?";

static int perm_change(struct db *db, const char *sql, int64_t id, const char *permission,
		       char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, permission, -1, SQLITE_STATIC);
	return db_step_done(db, st, cause);
}

int store_role_add_permission(struct db *db, int64_t id, const char *permission, char **cause)
{
	return perm_change(db, sql_role_add_perm, id, permission, cause);
}

int store_role_remove_permission(struct db *db, int64_t id, const char *permission, char **cause)
{
	return perm_change(db, sql_role_remove_perm, id, permission, cause);
}

static const char sql_role_delete[] = "DELETE FROM roles WHERE id = ? AND builtin = 0";

int store_role_delete(struct db *db, int64_t id, char **cause)
{
	sqlite3_stmt *st = db_stmt(db, sql_role_delete, cause);
	if (st == NULL)
		return ASSURE__CODE__INTERNAL;
	sqlite3_bind_int64(st, 1, id);
	int status = db_step_done(db, st, cause);
	if (status == ASSURE__CODE__OK && db_changes(db) == 0)
		return ASSURE__CODE__NOT_FOUND;
	return status;
}

static const char sql_role_usernames[] =
    "SELECT u.username FROM users u JOIN user_roles ur ON ur.user_id = u.id"
    " JOIN roles r ON r.id = ur.role_id WHERE r.name = ? ORDER BY u.username";

int store_role_usernames(struct db *db, const char *role, char ***out, size_t *n, char **cause)
{
	return strings_query(db, sql_role_usernames, role, 0, out, n, cause);
}
