/*
 * Role and permission RPCs: RoleList, RoleShow, RoleAdd, RoleSet,
 * RoleRemove, PermissionList.
 *
 * Built-in roles are the documented sets of docs/ROLES.md and never change.
 * Separation of duties is a rule on every role's permission set: identity
 * administration never comes with case, review or audit content, and
 * audit.read comes with nothing but user.read. config.manage is neither
 * and may join either side (not audit.read).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "log.h"
#include "permissions.h"
#include "rpc.h"
#include "server.h"
#include "sessions.h"
#include "store.h"
#include "validate.h"
#include "xmalloc.h"

#define ADMIN_PERMS                                                                                \
	(PERM_BIT(PERM_USER_MANAGE) | PERM_BIT(PERM_ROLE_MANAGE) | PERM_BIT(PERM_SITE_MANAGE) |    \
	 PERM_BIT(PERM_SESSION_MANAGE))
#define NEUTRAL_PERMS (PERM_BIT(PERM_USER_READ))
/* Periods, thresholds and bank holidays are neither identity
 * administration nor case, review or audit content: they go with either
 * (the built-in admin holds config.manage). Not with audit.read: the
 * auditor reads the trail and changes nothing. */
#define CONFIG_PERMS (PERM_BIT(PERM_CONFIG_MANAGE))

/* NULL if mask is an allowed combination, else why not. */
static const char *role_mask_rule(perm_mask mask)
{
	perm_mask content = mask & ~(ADMIN_PERMS | NEUTRAL_PERMS | CONFIG_PERMS);
	if ((mask & ADMIN_PERMS) && content)
		return "separation of duties: a role cannot combine identity administration "
		       "(user.manage, role.manage, site.manage, session.manage) with case, review "
		       "or audit content";
	if ((mask & PERM_BIT(PERM_AUDIT_READ)) &&
	    (mask & ~(PERM_BIT(PERM_AUDIT_READ) | NEUTRAL_PERMS)))
		return "separation of duties: audit.read may be combined only with user.read";
	return NULL;
}

static perm_mask mask_of(char **names, size_t n)
{
	perm_mask m = 0;
	for (size_t i = 0; i < n; i++) {
		int p = perm_parse(names[i]);
		if (p > 0)
			m |= PERM_BIT(p);
	}
	return m;
}

static Assure__Role *role_msg(struct rpc_call *call, const struct role_record *r)
{
	struct arena *a = call->arena;
	Assure__Role *m = arena_alloc(a, sizeof *m);
	assure__role__init(m);
	m->name = arena_strdup(a, r->name);
	m->description = arena_strdup(a, r->description);
	m->builtin = r->builtin;
	m->users = r->users;
	m->n_permissions = r->npermissions;
	m->permissions =
	    arena_alloc(a, (r->npermissions ? r->npermissions : 1) * sizeof *m->permissions);
	for (size_t i = 0; i < r->npermissions; i++)
		m->permissions[i] = arena_strdup(a, r->permissions[i]);
	return m;
}

static int find_role(struct db *db, const char *name, struct role_record **r, char **message)
{
	int st = store_role_find(db, name, r, message);
	if (st == ASSURE__CODE__NOT_FOUND)
		*message = xasprintf("no role '%s' (see assure role list)", name);
	return st;
}

/* Checks a list of permission names: each known, none twice. */
static const char *check_perm_names(const char *field, char **names, size_t n, char *buf,
				    size_t size)
{
	for (size_t i = 0; i < n; i++) {
		if (perm_parse(names[i]) <= 0) {
			snprintf(buf, size,
				 "%s: unknown permission '%.64s' (see assure permission list)",
				 field, names[i]);
			return buf;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0) {
				snprintf(buf, size, "%s: '%.64s' given twice", field, names[i]);
				return buf;
			}
	}
	return NULL;
}

/* --- reads ------------------------------------------------------------------ */

static int role_list_db(struct rpc_call *call, struct db *db, char **message)
{
	struct role_record **v = NULL;
	size_t n = 0;
	int st = store_role_list(db, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__RoleListResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__role_list_response__init(r);
	r->n_roles = n;
	r->roles = arena_alloc(call->arena, (n ? n : 1) * sizeof *r->roles);
	for (size_t i = 0; i < n; i++)
		r->roles[i] = role_msg(call, v[i]);
	role_records_free(v, n);
	RPC_RESULT(call, role_list, ROLE_LIST, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_role_list(struct rpc_call *call)
{
	return rpc_read(call, role_list_db, NULL);
}

static int role_show_db(struct rpc_call *call, struct db *db, char **message)
{
	const char *name = call->req->role_show->name;
	struct role_record *role = NULL;
	int st = find_role(db, name, &role, message);
	if (st != ASSURE__CODE__OK)
		return st;
	char **users = NULL;
	size_t n = 0;
	st = store_role_usernames(db, name, &users, &n, message);
	if (st != ASSURE__CODE__OK) {
		role_record_free(role);
		return st;
	}
	Assure__RoleShowResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__role_show_response__init(r);
	r->role = role_msg(call, role);
	r->n_usernames = n;
	r->usernames = arena_alloc(call->arena, (n ? n : 1) * sizeof *r->usernames);
	for (size_t i = 0; i < n; i++)
		r->usernames[i] = arena_strdup(call->arena, users[i]);
	store_strings_free(users, n);
	role_record_free(role);
	RPC_RESULT(call, role_show, ROLE_SHOW, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_role_show(struct rpc_call *call)
{
	rpc_audit_object(call, "role", call->req->role_show->name);
	return rpc_read(call, role_show_db, NULL);
}

static enum rpc_result rpc_permission_list(struct rpc_call *call)
{
	Assure__PermissionListResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__permission_list_response__init(r);
	r->n_permissions = PERM__COUNT - 1;
	r->permissions = arena_alloc(call->arena, r->n_permissions * sizeof *r->permissions);
	for (int p = 1; p < PERM__COUNT; p++) {
		Assure__Permission *m = arena_alloc(call->arena, sizeof *m);
		assure__permission__init(m);
		m->name = (char *)perm_name(p);
		m->meaning = (char *)perm_meaning(p);
		r->permissions[p - 1] = m;
	}
	RPC_RESULT(call, permission_list, PERMISSION_LIST, r);
	return RPC_DONE;
}

/* --- writes ------------------------------------------------------------------ */

static int respond_role(struct rpc_call *call, struct db *db, const char *name, char **message,
			Assure__Role **out)
{
	struct role_record *role = NULL;
	int st = find_role(db, name, &role, message);
	if (st != ASSURE__CODE__OK)
		return st;
	*out = role_msg(call, role);
	role_record_free(role);
	return ASSURE__CODE__OK;
}

static int role_add_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__RoleAddRequest *req = call->req->role_add;
	int64_t id = 0;
	int st = store_role_insert(db, req->name, req->description, &id, message);
	for (size_t i = 0; st == ASSURE__CODE__OK && i < req->n_permissions; i++)
		st = store_role_add_permission(db, id, req->permissions[i], message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__RoleAddResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__role_add_response__init(r);
	st = respond_role(call, db, req->name, message, &r->role);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, role_add, ROLE_ADD, r);
	return st;
}

static enum rpc_result rpc_role_add(struct rpc_call *call)
{
	rpc_audit_object(call, "role", call->req->role_add->name);
	const Assure__RoleAddRequest *req = call->req->role_add;
	char buf[256];
	const char *why = validate_role_name("name", req->name, buf, sizeof buf);
	if (!why)
		why = validate_text("description", req->description, 200, 0, 0, buf, sizeof buf);
	if (!why && req->n_permissions == 0)
		why = "permissions: at least one permission is required";
	if (!why)
		why = check_perm_names("permissions", req->permissions, req->n_permissions, buf,
				       sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	if ((why = role_mask_rule(mask_of(req->permissions, req->n_permissions))) != NULL)
		return rpc_error(call, ASSURE__CODE__FAILED_PRECONDITION, "%s", why);
	return rpc_write(call, role_add_db, NULL);
}

struct role_set_state {
	perm_mask mask; /* the role's permissions after the change */
};

static int role_set_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__RoleSetRequest *req = call->req->role_set;
	struct role_set_state *rs = call->state;
	struct role_record *role = NULL;
	int st = find_role(db, req->name, &role, message);
	if (st != ASSURE__CODE__OK)
		return st;
	if (role->builtin) {
		*message =
		    xasprintf("'%s' is a built-in role and cannot be changed; add a custom role "
			      "instead (assure role add)",
			      role->name);
		role_record_free(role);
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	perm_mask mask = mask_of(role->permissions, role->npermissions);
	for (size_t i = 0; i < req->n_remove_permissions; i++) {
		perm_mask bit = PERM_BIT(perm_parse(req->remove_permissions[i]));
		if (!(mask & bit)) {
			*message = xasprintf("role '%s' does not have permission '%s'", role->name,
					     req->remove_permissions[i]);
			role_record_free(role);
			return ASSURE__CODE__FAILED_PRECONDITION;
		}
		mask &= ~bit;
	}
	mask |= mask_of(req->add_permissions, req->n_add_permissions);
	const char *why = role_mask_rule(mask);
	if (why == NULL && mask == 0)
		why = "a role needs at least one permission; remove the role instead (assure role "
		      "rm)";
	if (why) {
		*message = xstrdup(why);
		role_record_free(role);
		return ASSURE__CODE__FAILED_PRECONDITION;
	}
	int64_t id = role->id;
	role_record_free(role);
	if (req->description[0])
		st = store_role_set_description(db, id, req->description, message);
	for (size_t i = 0; st == ASSURE__CODE__OK && i < req->n_remove_permissions; i++)
		st = store_role_remove_permission(db, id, req->remove_permissions[i], message);
	for (size_t i = 0; st == ASSURE__CODE__OK && i < req->n_add_permissions; i++)
		st = store_role_add_permission(db, id, req->add_permissions[i], message);
	if (st != ASSURE__CODE__OK)
		return st;
	rs->mask = mask;
	Assure__RoleSetResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__role_set_response__init(r);
	st = respond_role(call, db, req->name, message, &r->role);
	if (st == ASSURE__CODE__OK)
		RPC_RESULT(call, role_set, ROLE_SET, r);
	return st;
}

struct perm_sync {
	const char *role;
	perm_mask mask;
};

static void sync_perms(struct session *s, void *arg)
{
	struct perm_sync *ps = arg;
	if (strcmp(s->role, ps->role) == 0)
		s->perms = ps->mask;
}

static void role_set_after(struct rpc_call *call)
{
	struct role_set_state *rs = call->state;
	struct perm_sync ps = {call->req->role_set->name, rs->mask};
	/* Live sessions acting in the role get its new permissions now. */
	session_table_foreach(call->srv->sessions, sync_perms, &ps);
	log_info("admin %s: changed role %s", call->actor.username, call->req->role_set->name);
}

static enum rpc_result rpc_role_set(struct rpc_call *call)
{
	rpc_audit_object(call, "role", call->req->role_set->name);
	const Assure__RoleSetRequest *req = call->req->role_set;
	char buf[256];
	const char *why = validate_role_name("name", req->name, buf, sizeof buf);
	if (!why)
		why = validate_text("description", req->description, 200, 0, 0, buf, sizeof buf);
	if (!why && !req->description[0] && !req->n_add_permissions && !req->n_remove_permissions)
		why = "nothing to change: give permissions to add or remove, or a description";
	if (!why)
		why = check_perm_names("add_permissions", req->add_permissions,
				       req->n_add_permissions, buf, sizeof buf);
	if (!why)
		why = check_perm_names("remove_permissions", req->remove_permissions,
				       req->n_remove_permissions, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	call->state = arena_alloc(call->arena, sizeof(struct role_set_state));
	return rpc_write(call, role_set_db, role_set_after);
}

static int role_remove_db(struct rpc_call *call, struct db *db, char **message)
{
	struct role_record *role = NULL;
	int st = find_role(db, call->req->role_remove->name, &role, message);
	if (st != ASSURE__CODE__OK)
		return st;
	if (role->builtin) {
		*message = xasprintf("'%s' is a built-in role and cannot be removed", role->name);
		st = ASSURE__CODE__FAILED_PRECONDITION;
	} else if (role->users > 0) {
		*message =
		    xasprintf("role '%s' is held by %u user%s; take it from them first "
			      "(assure role show %s)",
			      role->name, role->users, role->users == 1 ? "" : "s", role->name);
		st = ASSURE__CODE__FAILED_PRECONDITION;
	} else {
		st = store_role_delete(db, role->id, message);
	}
	role_record_free(role);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__RoleRemoveResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__role_remove_response__init(r);
	RPC_RESULT(call, role_remove, ROLE_REMOVE, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_role_remove(struct rpc_call *call)
{
	rpc_audit_object(call, "role", call->req->role_remove->name);
	char buf[256];
	const char *why = validate_role_name("name", call->req->role_remove->name, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	return rpc_write(call, role_remove_db, NULL);
}

const struct rpc_entry rpc_role_table[] = {
    {ASSURE__REQUEST__OP_ROLE_LIST, "RoleList", PERM_USER_READ, 0, rpc_role_list, 'R'},
    {ASSURE__REQUEST__OP_ROLE_SHOW, "RoleShow", PERM_USER_READ, 0, rpc_role_show, 'R'},
    {ASSURE__REQUEST__OP_ROLE_ADD, "RoleAdd", PERM_ROLE_MANAGE, RPC_WRITE, rpc_role_add, 'C'},
    {ASSURE__REQUEST__OP_ROLE_SET, "RoleSet", PERM_ROLE_MANAGE, RPC_WRITE, rpc_role_set, 'U'},
    {ASSURE__REQUEST__OP_ROLE_REMOVE, "RoleRemove", PERM_ROLE_MANAGE, RPC_WRITE, rpc_role_remove,
     'D'},
    {ASSURE__REQUEST__OP_PERMISSION_LIST, "PermissionList", PERM_USER_READ, 0, rpc_permission_list,
     'R'},
};

const size_t rpc_role_count = sizeof rpc_role_table / sizeof rpc_role_table[0];
