/*
 * assure user add, list, show, set, disable, enable and reset-password:
 * user administration (UserAdd ... UserResetPassword in assure.proto). All
 * of them act as the logged-in user, so the server decides who may do what
 * (docs/ROLES.md: user.read to look, user.manage to change); the CLI only
 * shapes the request and the answer.
 *
 * One-time passwords (user add without --password-stdin, reset-password)
 * are printed exactly once, on stdout, and wiped from the response before
 * it is freed. An initial password given with --password-stdin is read
 * before connecting and wiped once sent, as login does.
 *
 * --json: a user is one object whose keys are the User message's field
 * names; the commands that answer more than a user (add, disable,
 * reset-password) add their response's other fields to that same object.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_columns.h"
#include "cli_json.h"
#include "status.h"
#include "xmalloc.h"

/* A server that never stops paging is broken, not large. */

/* --- output ----------------------------------------------------------- */

/* The end of a throttle delay in whole seconds, rounded up: a time shown
 * is never before the delay really ends. */
static int64_t throttle_end_s(int64_t unix_ms)
{
	return unix_ms > 0 ? (unix_ms + 999) / 1000 : 0;
}

/* ", login throttled until T from every address", ", login throttled
 * from 2 addresses", or "" (caller frees). */
static char *throttle_state(const Assure__User *u)
{
	if (u->throttled_until > 0) {
		char until[32];
		cli_format_time(throttle_end_s(u->throttled_until), until, sizeof until);
		return xasprintf(", login throttled until %s from every address", until);
	}
	if (!u->throttled)
		return xstrdup("");
	if (u->throttled_addresses == 0) /* a server that does not count them */
		return xstrdup(", login throttled");
	return xasprintf(", login throttled from %u address%s", u->throttled_addresses,
			 u->throttled_addresses == 1 ? "" : "es");
}

/* "enabled", "disabled, password change required", ... */
static char *user_state(const Assure__User *u)
{
	char *throttle = throttle_state(u);
	char *s =
	    xasprintf("%s%s%s", u->disabled ? "disabled" : "enabled",
		      u->password_change_required ? ", password change required" : "", throttle);
	free(throttle);
	return s;
}

/* Writes the fields of item, an Assure__User, into the JSON object open
 * in j. */
static void json_user_fields(struct cli_json *j, const void *item)
{
	const Assure__User *u = item;
	cli_json_field_string(j, "username", cli_str(u->username));
	cli_json_field_string(j, "display_name", cli_str(u->display_name));
	cli_json_field_string(j, "site", cli_str(u->site));
	cli_json_field_strings(j, "roles", u->roles, u->n_roles);
	cli_json_field_bool(j, "disabled", u->disabled);
	cli_json_field_bool(j, "password_change_required", u->password_change_required);
	cli_json_field_time(j, "created_at", u->created_at);
	cli_json_field_time(j, "updated_at", u->updated_at);
	cli_json_field_uint(j, "version", u->version);
	cli_json_field_time(j, "last_login_at", u->last_login_at);
	cli_json_field_bool(j, "throttled", u->throttled);
	cli_json_field_time(j, "throttled_until", throttle_end_s(u->throttled_until));
	cli_json_field_uint(j, "throttled_addresses", u->throttled_addresses);
}

/* Opens a JSON object on stdout holding u's fields; the caller may add
 * more and then ends it with cli_json_object_end. */
static void json_user_begin(struct cli_json *j, const Assure__User *u)
{
	cli_json_init(j, stdout);
	cli_json_object_begin(j);
	json_user_fields(j, u);
}

/* item, an Assure__User, as a row of user list. */
static void user_cells(const void *item, char **cells)
{
	const Assure__User *u = item;
	char last_login[32];
	cli_format_time(u->last_login_at, last_login, sizeof last_login);
	cells[0] = xstrdup(cli_str(u->username));
	cells[1] = xstrdup(cli_str(u->display_name));
	cells[2] = xstrdup(cli_str(u->site));
	cells[3] = cli_join(u->roles, u->n_roles, ",");
	cells[4] = user_state(u);
	cells[5] = xstrdup(last_login);
}

static const char *const user_headers[] = {"USERNAME", "DISPLAY NAME", "SITE",
					   "ROLES",    "STATE",	       "LAST LOGIN"};
static const struct cli_list user_list = {user_headers, 6, user_cells, json_user_fields};

static void print_user_rows(const Assure__User *u)
{
	char created[32], updated[32], last_login[32], version[24];
	cli_format_time(u->created_at, created, sizeof created);
	cli_format_time(u->updated_at, updated, sizeof updated);
	cli_format_time(u->last_login_at, last_login, sizeof last_login);
	snprintf(version, sizeof version, "%" PRIu64, u->version);
	char *roles = cli_join(u->roles, u->n_roles, ", ");
	char *state = user_state(u);
	const char *site = cli_str(u->site);
	const struct cli_row rows[] = {
	    {"User", cli_str(u->username)},
	    {"Display name", cli_str(u->display_name)},
	    {"Site", *site != '\0' ? site : "none"},
	    {"Roles", roles},
	    {"State", state},
	    {"Last login", last_login},
	    {"Created", created},
	    {"Updated", updated},
	    {"Version", version},
	};
	cli_print_rows(stdout, rows, sizeof rows / sizeof rows[0]);
	free(state);
	free(roles);
}

/* The user from a response's User field, with an empty stand-in when a
 * server left it out (proto3 makes every field optional on the wire). */
static const Assure__User *user_of(const Assure__User *u)
{
	static const Assure__User none = ASSURE__USER__INIT;
	return u != NULL ? u : &none;
}

static void print_user(const struct cli *cli, const Assure__User *u)
{
	if (cli->json) {
		struct cli_json j;
		json_user_begin(&j, u);
		cli_json_object_end(&j);
	} else {
		print_user_rows(u);
	}
}

/* The one line that shows a one-time password, then the password wiped
 * from the response that carried it. */
static void print_one_time_password(const char *username, char *password)
{
	char *name = cli_printable(username);
	char *shown = cli_printable(password);
	printf("One-time password for %s: %s (shown once; it must be changed at first login)\n",
	       name, shown);
	explicit_bzero(shown, strlen(shown));
	explicit_bzero(password, strlen(password));
	free(shown);
	free(name);
}

/* "Enabled user alice." and the like, with the name made printable. */
static void print_done(const char *what, const char *username, const char *tail)
{
	char *name = cli_printable(username);
	printf("%s user %s%s\n", what, name, tail);
	free(name);
}

static const char *plural(uint32_t n)
{
	return n == 1 ? "" : "s";
}

/* --- assure user add -------------------------------------------------- */

static int cmd_user_add_exec(struct cli *cli)
{
	char password[CLI_PASSWORD_MAX] = "";
	int rc = 0;
	/* Read before connecting, so a missing line costs no connection and
	 * the password is in memory for as short a time as possible. */
	if (cli_flag(cli, "password-stdin") != NULL)
		rc = cli_read_password(cli, "Password: ", "password", password, sizeof password);
	if (rc == 0)
		rc = cli_connect(cli);
	if (rc == 0)
		rc = cli_session_resume(cli, 0);
	if (rc != 0) {
		explicit_bzero(password, sizeof password);
		return rc;
	}

	Assure__UserAddRequest add = ASSURE__USER_ADD_REQUEST__INIT;
	add.username = (char *)cli->arg;
	add.display_name = (char *)cli_flag(cli, "display-name");
	add.site = (char *)cli_flag(cli, "site");
	add.n_roles = cli_flag_list(cli, "role", &add.roles);
	add.password = password;
	Assure__Response *resp = NULL;
	rc = cli_rpc(cli, ASSURE__REQUEST__OP_USER_ADD, &add, &resp);
	explicit_bzero(password, sizeof password);
	if (rc != 0)
		return rc;

	const Assure__UserAddResponse *r = resp->user_add;
	const Assure__User *u = user_of(r->user);
	const char *username = *cli_str(u->username) != '\0' ? u->username : cli->arg;
	char *otp = r->one_time_password;
	int has_otp = otp != NULL && *otp != '\0';
	if (cli->json) {
		struct cli_json j;
		json_user_begin(&j, u);
		cli_json_field_string(&j, "one_time_password", has_otp ? otp : NULL);
		cli_json_object_end(&j);
		if (has_otp)
			explicit_bzero(otp, strlen(otp));
	} else {
		print_done("Added", username, ".");
		if (has_otp)
			print_one_time_password(username, otp);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag user_add_flags[] = {
    {"display-name", "TEXT", CLI_FLAG_REQUIRED, "the person's name as staff know it"},
    {"site", "CODE", CLI_FLAG_REQUIRED, "the PCT site the user works at"},
    {"role", "ROLE", CLI_FLAG_REQUIRED | CLI_FLAG_REPEAT, "a role to give the user"},
    {"password-stdin", NULL, 0,
     "read the initial password from the first line of stdin instead of having the "
     "server make a one-time password"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_user_add = {
    .noun = "user",
    .verb = "add",
    .summary = "add a user",
    .help = "Adds a user with a display name, a site and one or more roles. The server\n"
	    "makes a one-time password, printed once here, which the user must change at\n"
	    "first login. With --password-stdin the first line of stdin is the initial\n"
	    "password instead (for service accounts); the password rules apply.\n"
	    "--json prints the user object with one_time_password added (null with\n"
	    "--password-stdin).",
    .needs = 0, /* reads the password, then connects itself */
    .flags = user_add_flags,
    .arg = "NAME",
    .exec = cmd_user_add_exec,
};

/* --- assure user list ------------------------------------------------- */

static int cmd_user_list_check(struct cli *cli)
{
	if (cli_flag(cli, "disabled") != NULL && cli_flag(cli, "all") != NULL)
		return cli_error(EXIT_CODE_USAGE, "--disabled and --all do not go together");
	return 0;
}

static int cmd_user_list_exec(struct cli *cli)
{
	Assure__UserListRequest list = ASSURE__USER_LIST_REQUEST__INIT;
	list.site = (char *)cli_str(cli_flag(cli, "site"));
	list.role = (char *)cli_str(cli_flag(cli, "role"));
	if (cli_flag(cli, "disabled") != NULL)
		list.state = ASSURE__USER_STATE_FILTER__USERS_DISABLED;
	else if (cli_flag(cli, "all") != NULL)
		list.state = ASSURE__USER_STATE_FILTER__USERS_ALL;
	else
		list.state = ASSURE__USER_STATE_FILTER__USERS_ENABLED;

	return cli_rpc_list_all(cli, ASSURE__REQUEST__OP_USER_LIST, &list, "users", &user_list);
}

static const struct cli_flag user_list_flags[] = {
    {"site", "CODE", 0, "only users of this site"},
    {"role", "ROLE", 0, "only users holding this role"},
    {"disabled", NULL, 0, "only disabled users (default: only enabled ones)"},
    {"all", NULL, 0, "enabled and disabled users"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_user_list = {
    .noun = "user",
    .verb = "list",
    .summary = "list users",
    .help = "Lists users, by default the enabled ones, with their site, roles, state and\n"
	    "last login; --site and --role narrow the list. Every page the server sends is\n"
	    "fetched. --json prints an array of user objects.",
    .needs = CLI_SESSION,
    .flags = user_list_flags,
    .check = cmd_user_list_check,
    .exec = cmd_user_list_exec,
};

/* --- assure user show ------------------------------------------------- */

static int cmd_user_show_exec(struct cli *cli)
{
	Assure__UserShowRequest show = ASSURE__USER_SHOW_REQUEST__INIT;
	show.username = (char *)cli->arg;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_USER_SHOW, &show, &resp);
	if (rc != 0)
		return rc;
	print_user(cli, user_of(resp->user_show->user));
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_user_show = {
    .noun = "user",
    .verb = "show",
    .summary = "show one user",
    .help = "Shows a user's display name, site, roles, state, last login, creation and\n"
	    "update times, and version (for user set --version). --json prints the user\n"
	    "object.",
    .needs = CLI_SESSION,
    .arg = "NAME",
    .exec = cmd_user_show_exec,
};

/* --- assure user set -------------------------------------------------- */

static int cmd_user_set_check(struct cli *cli)
{
	char **list;
	/* An empty value means "unchanged" on the wire, so it is no change. */
	if (*cli_str(cli_flag(cli, "display-name")) == '\0' &&
	    *cli_str(cli_flag(cli, "site")) == '\0' && cli_flag_list(cli, "add-role", &list) == 0 &&
	    cli_flag_list(cli, "remove-role", &list) == 0)
		return cli_error(EXIT_CODE_USAGE,
				 "assure user set needs something to change: "
				 "--display-name, --site, --add-role or --remove-role");
	uint64_t version;
	const char *v = cli_flag(cli, "version");
	return v != NULL ? cli_parse_number(v, "--version", UINT64_MAX, &version) : 0;
}

static int cmd_user_set_exec(struct cli *cli)
{
	Assure__UserSetRequest set = ASSURE__USER_SET_REQUEST__INIT;
	set.username = (char *)cli->arg;
	set.display_name = (char *)cli_str(cli_flag(cli, "display-name"));
	set.site = (char *)cli_str(cli_flag(cli, "site"));
	set.n_add_roles = cli_flag_list(cli, "add-role", &set.add_roles);
	set.n_remove_roles = cli_flag_list(cli, "remove-role", &set.remove_roles);
	const char *v = cli_flag(cli, "version");
	if (v != NULL && cli_parse_number(v, "--version", UINT64_MAX, &set.version) != 0)
		return EXIT_CODE_USAGE; /* cmd_user_set_check let it through: cannot happen */
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_USER_SET, &set, &resp);
	if (rc != 0)
		return rc;
	print_user(cli, user_of(resp->user_set->user));
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag user_set_flags[] = {
    {"display-name", "TEXT", 0, "new display name"},
    {"site", "CODE", 0, "new site"},
    {"add-role", "ROLE", CLI_FLAG_REPEAT, "give the user this role"},
    {"remove-role", "ROLE", CLI_FLAG_REPEAT, "take this role away"},
    {"version", "N", 0,
     "refuse (exit 6) if the user has changed since it was at this version (user show)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_user_set = {
    .noun = "user",
    .verb = "set",
    .summary = "change a user's display name, site or roles",
    .help = "Changes a user's display name, site or roles; at least one change is needed.\n"
	    "Nobody can change their own roles, and the last enabled admin keeps the admin\n"
	    "role. With --version the change is made only if nobody has changed the user\n"
	    "since (else exit 6). Prints the user as it now is; --json the user object.",
    .needs = CLI_SESSION,
    .flags = user_set_flags,
    .arg = "NAME",
    .check = cmd_user_set_check,
    .exec = cmd_user_set_exec,
};

/* --- assure user disable / enable ------------------------------------- */

static int cmd_user_disable_exec(struct cli *cli)
{
	Assure__UserDisableRequest disable = ASSURE__USER_DISABLE_REQUEST__INIT;
	disable.username = (char *)cli->arg;
	disable.reason = (char *)cli_str(cli_flag(cli, "reason"));
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_USER_DISABLE, &disable, &resp);
	if (rc != 0)
		return rc;
	const Assure__UserDisableResponse *r = resp->user_disable;
	if (cli->json) {
		struct cli_json j;
		json_user_begin(&j, user_of(r->user));
		cli_json_field_uint(&j, "sessions_revoked", r->sessions_revoked);
		cli_json_object_end(&j);
	} else {
		char tail[64];
		snprintf(tail, sizeof tail, "; %" PRIu32 " session%s revoked.", r->sessions_revoked,
			 plural(r->sessions_revoked));
		print_done("Disabled", cli->arg, tail);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag user_disable_flags[] = {
    {"reason", "TEXT", 0, "why, for the audit trail"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_user_disable = {
    .noun = "user",
    .verb = "disable",
    .summary = "disable a user and end their sessions",
    .help = "Disables a user: they can no longer log in, and their sessions are revoked.\n"
	    "Nobody can disable themself, nor the last enabled admin. --json prints the\n"
	    "user object with sessions_revoked added.",
    .needs = CLI_SESSION,
    .flags = user_disable_flags,
    .arg = "NAME",
    .exec = cmd_user_disable_exec,
};

static int cmd_user_enable_exec(struct cli *cli)
{
	Assure__UserEnableRequest enable = ASSURE__USER_ENABLE_REQUEST__INIT;
	enable.username = (char *)cli->arg;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_USER_ENABLE, &enable, &resp);
	if (rc != 0)
		return rc;
	if (cli->json)
		print_user(cli, user_of(resp->user_enable->user));
	else
		print_done("Enabled", cli->arg, ".");
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_user_enable = {
    .noun = "user",
    .verb = "enable",
    .summary = "enable a disabled user",
    .help = "Lets a disabled user log in again. --json prints the user object.",
    .needs = CLI_SESSION,
    .arg = "NAME",
    .exec = cmd_user_enable_exec,
};

/* --- assure user reset-password --------------------------------------- */

static int cmd_user_reset_password_exec(struct cli *cli)
{
	Assure__UserResetPasswordRequest reset = ASSURE__USER_RESET_PASSWORD_REQUEST__INIT;
	reset.username = (char *)cli->arg;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_USER_RESET_PASSWORD, &reset, &resp);
	if (rc != 0)
		return rc;
	const Assure__UserResetPasswordResponse *r = resp->user_reset_password;
	char *otp = r->one_time_password;
	if (otp == NULL || *otp == '\0') {
		assure__response__free_unpacked(resp, NULL);
		return cli_error(EXIT_CODE_INTERNAL,
				 "server reset the password but sent no one-time password");
	}
	if (cli->json) {
		struct cli_json j;
		json_user_begin(&j, user_of(r->user));
		cli_json_field_string(&j, "one_time_password", otp);
		cli_json_field_uint(&j, "sessions_revoked", r->sessions_revoked);
		cli_json_object_end(&j);
		explicit_bzero(otp, strlen(otp));
	} else {
		print_one_time_password(cli->arg, otp);
		printf("%" PRIu32 " session%s revoked.\n", r->sessions_revoked,
		       plural(r->sessions_revoked));
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_user_reset_password = {
    .noun = "user",
    .verb = "reset-password",
    .summary = "give a user a new one-time password",
    .help = "Replaces a user's password with a one-time password, printed once here,\n"
	    "which they must change at their next login, and revokes their sessions.\n"
	    "Nobody can reset their own password this way (use assure passwd). --json\n"
	    "prints the user object with one_time_password and sessions_revoked added.",
    .needs = CLI_SESSION,
    .arg = "NAME",
    .exec = cmd_user_reset_password_exec,
};
