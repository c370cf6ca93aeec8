/*
 * assure role list, show, add, set and rm, and assure permission list:
 * roles are named sets of the fixed permissions (docs/ROLES.md). The
 * built-in roles cannot be changed; which combinations of permissions a
 * custom role may hold is the server's rule, and its message says which
 * one a refused request broke.
 *
 * --json: a role is one object with the Role message's field names
 * (users is the number of users holding it); role show adds usernames,
 * the names of those users.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_columns.h"
#include "cli_json.h"
#include "status.h"
#include "xmalloc.h"

/* --- output ----------------------------------------------------------- */

static const Assure__Role *role_of(const Assure__Role *r)
{
	static const Assure__Role none = ASSURE__ROLE__INIT;
	return r != NULL ? r : &none;
}

/* Writes the fields of item, an Assure__Role, into the JSON object open
 * in j. */
static void json_role_fields(struct cli_json *j, const void *item)
{
	const Assure__Role *r = item;
	cli_json_field_string(j, "name", cli_str(r->name));
	cli_json_field_string(j, "description", cli_str(r->description));
	cli_json_field_bool(j, "builtin", r->builtin);
	cli_json_field_strings(j, "permissions", r->permissions, r->n_permissions);
	cli_json_field_uint(j, "users", r->users);
}

/*
 * A role as "Label  value" lines, or as one JSON object. With show (role
 * show's answer), the users holding it too.
 */
static void print_role(const struct cli *cli, const Assure__Role *r,
		       const Assure__RoleShowResponse *show)
{
	char *const *usernames = show != NULL ? show->usernames : NULL;
	size_t n_usernames = show != NULL ? show->n_usernames : 0;
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		json_role_fields(&j, r);
		if (show != NULL)
			cli_json_field_strings(&j, "usernames", usernames, n_usernames);
		cli_json_object_end(&j);
		return;
	}
	char users[16];
	snprintf(users, sizeof users, "%" PRIu32, r->users);
	char *perms = cli_join(r->permissions, r->n_permissions, ", ");
	char *held_by = cli_join(usernames, n_usernames, ", ");
	struct cli_row rows[6];
	size_t n = 0;
	rows[n++] = (struct cli_row){"Role", cli_str(r->name)};
	rows[n++] = (struct cli_row){"Description", cli_str(r->description)};
	rows[n++] = (struct cli_row){"Built-in", r->builtin ? "yes" : "no"};
	rows[n++] = (struct cli_row){"Permissions", perms};
	rows[n++] = (struct cli_row){"Users", users};
	if (n_usernames > 0)
		rows[n++] = (struct cli_row){"Held by", held_by};
	cli_print_rows(stdout, rows, n);
	free(held_by);
	free(perms);
}

/* --- assure role list ------------------------------------------------- */

static void role_cells(const void *item, char **cells)
{
	const Assure__Role *r = item;
	cells[0] = xstrdup(cli_str(r->name));
	cells[1] = xstrdup(r->builtin ? "yes" : "no");
	cells[2] = xasprintf("%" PRIu32, r->users);
	cells[3] = cli_join(r->permissions, r->n_permissions, ",");
	cells[4] = xstrdup(cli_str(r->description));
}

static const char *const role_headers[] = {"NAME", "BUILT-IN", "USERS", "PERMISSIONS",
					   "DESCRIPTION"};
static const struct cli_list role_list = {role_headers, 5, role_cells, json_role_fields};

static int cmd_role_list_exec(struct cli *cli)
{
	Assure__RoleListRequest list = ASSURE__ROLE_LIST_REQUEST__INIT;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_ROLE_LIST, &list, &resp);
	if (rc != 0)
		return rc;
	cli_print_list(cli, &role_list, (const void *const *)resp->role_list->roles,
		       resp->role_list->n_roles);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_role_list = {
    .noun = "role",
    .verb = "list",
    .summary = "list roles",
    .help = "Lists the roles, built-in and custom, with their permissions and how many\n"
	    "users hold each. --json prints an array of role objects.",
    .needs = CLI_SESSION,
    .exec = cmd_role_list_exec,
};

/* --- assure role show ------------------------------------------------- */

static int cmd_role_show_exec(struct cli *cli)
{
	Assure__RoleShowRequest show = ASSURE__ROLE_SHOW_REQUEST__INIT;
	show.name = (char *)cli->arg;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_ROLE_SHOW, &show, &resp);
	if (rc != 0)
		return rc;
	print_role(cli, role_of(resp->role_show->role), resp->role_show);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_role_show = {
    .noun = "role",
    .verb = "show",
    .summary = "show a role's permissions and who holds it",
    .help = "Shows a role's description and permissions, whether it is built in, and the\n"
	    "users holding it. --json prints the role object with usernames added.",
    .needs = CLI_SESSION,
    .arg = "NAME",
    .exec = cmd_role_show_exec,
};

/* --- assure role add -------------------------------------------------- */

static int cmd_role_add_exec(struct cli *cli)
{
	Assure__RoleAddRequest add = ASSURE__ROLE_ADD_REQUEST__INIT;
	add.name = (char *)cli->arg;
	add.description = (char *)cli_str(cli_flag(cli, "description"));
	add.n_permissions = cli_flag_list(cli, "permission", &add.permissions);
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_ROLE_ADD, &add, &resp);
	if (rc != 0)
		return rc;
	print_role(cli, role_of(resp->role_add->role), NULL);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag role_add_flags[] = {
    {"permission", "P", CLI_FLAG_REQUIRED | CLI_FLAG_REPEAT,
     "a permission the role grants (see assure permission list)"},
    {"description", "TEXT", 0, "what the role is for"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_role_add = {
    .noun = "role",
    .verb = "add",
    .summary = "add a custom role",
    .help = "Adds a custom role granting the given permissions. A role may not combine\n"
	    "identity administration (user.manage, role.manage, site.manage,\n"
	    "session.manage) with case, review or audit content; the server's message\n"
	    "names the rule a refused role breaks. Prints the new role; --json the role\n"
	    "object.",
    .needs = CLI_SESSION,
    .flags = role_add_flags,
    .arg = "NAME",
    .exec = cmd_role_add_exec,
};

/* --- assure role set -------------------------------------------------- */

static int cmd_role_set_check(struct cli *cli)
{
	char **list;
	/* An empty description means "unchanged" on the wire: no change. */
	if (*cli_str(cli_flag(cli, "description")) == '\0' &&
	    cli_flag_list(cli, "add-permission", &list) == 0 &&
	    cli_flag_list(cli, "remove-permission", &list) == 0)
		return cli_error(EXIT_CODE_USAGE,
				 "assure role set needs something to change: --add-permission, "
				 "--remove-permission or --description");
	return 0;
}

static int cmd_role_set_exec(struct cli *cli)
{
	Assure__RoleSetRequest set = ASSURE__ROLE_SET_REQUEST__INIT;
	set.name = (char *)cli->arg;
	set.description = (char *)cli_str(cli_flag(cli, "description"));
	set.n_add_permissions = cli_flag_list(cli, "add-permission", &set.add_permissions);
	set.n_remove_permissions = cli_flag_list(cli, "remove-permission", &set.remove_permissions);
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_ROLE_SET, &set, &resp);
	if (rc != 0)
		return rc;
	print_role(cli, role_of(resp->role_set->role), NULL);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag role_set_flags[] = {
    {"add-permission", "P", CLI_FLAG_REPEAT, "grant this permission too"},
    {"remove-permission", "P", CLI_FLAG_REPEAT, "stop granting this permission"},
    {"description", "TEXT", 0, "new description"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_role_set = {
    .noun = "role",
    .verb = "set",
    .summary = "change a custom role's permissions or description",
    .help = "Adds permissions to or removes them from a custom role, or changes its\n"
	    "description; at least one change is needed. Built-in roles cannot be changed.\n"
	    "Prints the role as it now is; --json the role object.",
    .needs = CLI_SESSION,
    .flags = role_set_flags,
    .arg = "NAME",
    .check = cmd_role_set_check,
    .exec = cmd_role_set_exec,
};

/* --- assure role rm --------------------------------------------------- */

static int cmd_role_rm_exec(struct cli *cli)
{
	Assure__RoleRemoveRequest rm = ASSURE__ROLE_REMOVE_REQUEST__INIT;
	rm.name = (char *)cli->arg;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_ROLE_REMOVE, &rm, &resp);
	if (rc != 0)
		return rc;
	assure__response__free_unpacked(resp, NULL);
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_field_string(&j, "name", cli->arg);
		cli_json_field_bool(&j, "removed", 1);
		cli_json_object_end(&j);
	} else {
		char *name = cli_printable(cli->arg);
		printf("Removed role %s.\n", name);
		free(name);
	}
	return 0;
}

const struct cli_command cli_cmd_role_rm = {
    .noun = "role",
    .verb = "rm",
    .summary = "remove a custom role nobody holds",
    .help = "Removes a custom role. Built-in roles and roles that users still hold cannot\n"
	    "be removed (exit 7). --json prints {\"name\": NAME, \"removed\": true}.",
    .needs = CLI_SESSION,
    .arg = "NAME",
    .exec = cmd_role_rm_exec,
};

/* --- assure permission list ------------------------------------------- */

static void permission_cells(const void *item, char **cells)
{
	const Assure__Permission *p = item;
	cells[0] = xstrdup(cli_str(p->name));
	cells[1] = xstrdup(cli_str(p->meaning));
}

static void json_permission_fields(struct cli_json *j, const void *item)
{
	const Assure__Permission *p = item;
	cli_json_field_string(j, "name", cli_str(p->name));
	cli_json_field_string(j, "meaning", cli_str(p->meaning));
}

static const char *const permission_headers[] = {"NAME", "MEANING"};
static const struct cli_list permission_list = {permission_headers, 2, permission_cells,
						json_permission_fields};

static int cmd_permission_list_exec(struct cli *cli)
{
	Assure__PermissionListRequest list = ASSURE__PERMISSION_LIST_REQUEST__INIT;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_PERMISSION_LIST, &list, &resp);
	if (rc != 0)
		return rc;
	cli_print_list(cli, &permission_list,
		       (const void *const *)resp->permission_list->permissions,
		       resp->permission_list->n_permissions);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_permission_list = {
    .noun = "permission",
    .verb = "list",
    .summary = "list the permissions roles are made of",
    .help = "Lists every permission with what it allows. Permissions are fixed in the\n"
	    "server; roles group them. --json prints an array of {name, meaning}.",
    .needs = CLI_SESSION,
    .exec = cmd_permission_list_exec,
};
