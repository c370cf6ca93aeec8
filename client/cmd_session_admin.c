/*
 * assure session list and session revoke: the server's sessions, one's own
 * or (with session.manage) everyone's. Logging in and out, and the session
 * file, are cmd_session.c's.
 *
 * --json: a session is one object with the Session message's field names;
 * current is true for the session this command itself is running in.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_columns.h"
#include "cli_json.h"
#include "status.h"
#include "xmalloc.h"

/* --- assure session list ---------------------------------------------- */

static void json_session_fields(struct cli_json *j, const void *item)
{
	const Assure__Session *s = item;
	cli_json_field_int(j, "id", s->id);
	cli_json_field_string(j, "username", cli_str(s->username));
	cli_json_field_string(j, "role", cli_str(s->role));
	cli_json_field_time(j, "created_at", s->created_at);
	cli_json_field_time(j, "last_seen_at", s->last_seen_at);
	cli_json_field_time(j, "expires_at", s->expires_at);
	cli_json_field_time(j, "idle_expires_at", s->idle_expires_at);
	cli_json_field_string(j, "client_addr", cli_str(s->client_addr));
	cli_json_field_string(j, "cert_subject", cli_str(s->cert_subject));
	cli_json_field_bool(j, "current", s->current);
}

static void session_cells(const void *item, char **cells)
{
	const Assure__Session *s = item;
	char created[32], seen[32], expires[32];
	cli_format_time(s->created_at, created, sizeof created);
	cli_format_time(s->last_seen_at, seen, sizeof seen);
	/* Whichever comes first ends the session. */
	int64_t end = s->expires_at;
	if (s->idle_expires_at > 0 && (end <= 0 || s->idle_expires_at < end))
		end = s->idle_expires_at;
	cli_format_time(end, expires, sizeof expires);
	cells[0] = xstrdup(s->current ? "*" : "");
	cells[1] = xasprintf("%" PRId64, s->id);
	cells[2] = xstrdup(cli_str(s->username));
	cells[3] = xstrdup(cli_str(s->role));
	cells[4] = xstrdup(cli_str(s->client_addr));
	cells[5] = xstrdup(created);
	cells[6] = xstrdup(seen);
	cells[7] = xstrdup(expires);
}

/* The first column marks the current session, as git branch marks the
 * current branch. */
static const char *const session_headers[] = {"",     "ID",	 "USER",      "ROLE",
					      "FROM", "CREATED", "LAST SEEN", "EXPIRES"};
static const struct cli_list session_list = {session_headers, 8, session_cells,
					     json_session_fields};

static int cmd_session_list_exec(struct cli *cli)
{
	Assure__SessionListRequest list = ASSURE__SESSION_LIST_REQUEST__INIT;
	list.username = (char *)cli_str(cli_flag(cli, "user"));
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_SESSION_LIST, &list, &resp);
	if (rc != 0)
		return rc;
	cli_print_list(cli, &session_list, (const void *const *)resp->session_list->sessions,
		       resp->session_list->n_sessions);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag session_list_flags[] = {
    {"user", "NAME", 0, "only this user's sessions (others' need session.manage)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_session_list = {
    .noun = "session",
    .verb = "list",
    .summary = "list sessions",
    .help = "Lists sessions: everyone's for holders of session.manage, else your own;\n"
	    "--user narrows it to one user. '*' marks the session this command runs in.\n"
	    "EXPIRES is the earlier of the idle and the absolute expiry. --json prints an\n"
	    "array of session objects (both expiry times, the client's address and\n"
	    "certificate subject, and current).",
    .needs = CLI_SESSION,
    .flags = session_list_flags,
    .exec = cmd_session_list_exec,
};

/* --- assure session revoke -------------------------------------------- */

static int cmd_session_revoke_check(struct cli *cli)
{
	if ((cli->arg == NULL) == (cli_flag(cli, "user") == NULL))
		return cli_error(EXIT_CODE_USAGE,
				 "assure session revoke needs either a session ID or --user NAME "
				 "(not both)");
	uint64_t id;
	return cli->arg != NULL ? cli_parse_number(cli->arg, "ID", INT64_MAX, &id) : 0;
}

static int cmd_session_revoke_exec(struct cli *cli)
{
	Assure__SessionRevokeRequest revoke = ASSURE__SESSION_REVOKE_REQUEST__INIT;
	revoke.username = (char *)cli_str(cli_flag(cli, "user"));
	uint64_t id = 0;
	if (cli->arg != NULL && cli_parse_number(cli->arg, "ID", INT64_MAX, &id) != 0)
		return EXIT_CODE_USAGE; /* cmd_session_revoke_check let it through */
	revoke.id = (int64_t)id;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_SESSION_REVOKE, &revoke, &resp);
	if (rc != 0)
		return rc;
	uint32_t n = resp->session_revoke->revoked;
	assure__response__free_unpacked(resp, NULL);
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_field_uint(&j, "revoked", n);
		cli_json_object_end(&j);
	} else {
		printf("Revoked %" PRIu32 " session%s.\n", n, n == 1 ? "" : "s");
	}
	return 0;
}

static const struct cli_flag session_revoke_flags[] = {
    {"user", "NAME", 0, "revoke every session of this user instead of one"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_session_revoke = {
    .noun = "session",
    .verb = "revoke",
    .summary = "end a session, or all of a user's",
    .help = "Ends one session (its ID from assure session list) or, with --user, every\n"
	    "session of a user; give exactly one of the two. Your own sessions need no\n"
	    "permission, anyone else's need session.manage. --json prints\n"
	    "{\"revoked\": N}.",
    .needs = CLI_SESSION,
    .flags = session_revoke_flags,
    .arg = "ID",
    .arg_optional = 1,
    .check = cmd_session_revoke_check,
    .exec = cmd_session_revoke_exec,
};
