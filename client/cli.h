/*
 * The assure command-line client's frame: global options, the command
 * table, connecting and resuming, and the helpers every command uses to
 * report errors and print results. Commands live one group per file
 * (cmd_<group>.c), each exporting struct cli_command rows that cli.c joins
 * into its table, as tmux does with cmd-*.c and cmd_table[].
 *
 * A command handler returns an exit code (status.h, enum exit_code) and
 * has already printed any error as "assure: <message>" on stderr.
 */
#ifndef ASSURE_CLI_H
#define ASSURE_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "assure.pb-c.h"

struct client;

/* What cli.c does before a handler runs (struct cli_command.needs). */
#define CLI_CONNECT 0x1 /* connect and say Hello */
#define CLI_SESSION 0x2 /* connect, Hello, and Resume the stored session */
#define CLI_SESSION_OPTIONAL                                                                       \
	0x4 /* connect, Hello, and Resume if a session for this server exists */

/* struct cli_flag.flags */
#define CLI_FLAG_REQUIRED 0x1
#define CLI_FLAG_REPEAT 0x2 /* may be given again; the values accumulate (cli_flag_list) */

/* The most flags one command may declare (global flags not counted). */
#define CLI_MAX_FLAGS 32

struct cli_flag {
	const char *name; /* "user" for --user; NULL ends a table */
	const char *arg;  /* the value's name ("NAME"), or NULL for a switch */
	int flags;	  /* CLI_FLAG_* */
	const char *help; /* one line */
};

struct cli;

struct cli_command {
	const char *noun;
	const char *verb;    /* NULL when the noun alone is the command ("assure status") */
	const char *summary; /* one line for "assure --help" */
	const char *help;    /* what the command does, for "assure NOUN [VERB] --help" */
	int needs;	     /* CLI_CONNECT, CLI_SESSION, CLI_SESSION_OPTIONAL or 0 */
	const struct cli_flag *flags; /* its own flags, or NULL */
	const char *arg;	      /* its one positional argument ("NAME"), or NULL */
	int arg_optional;	      /* the argument may be left out */
	/* Checks the combination of flags before anything is connected;
	 * returns 0 or an exit code (usually EXIT_CODE_USAGE) with the error
	 * printed. NULL when there is nothing to check. */
	int (*check)(struct cli *cli);
	int (*exec)(struct cli *cli); /* returns an exit code */
	/* How long to wait for each response: 0 the client library's 30 s;
	 * -1 for ever (a command that follows a stream, or waits on a long
	 * server-side job); otherwise milliseconds. */
	int io_timeout_ms;
	/* A second positional argument after arg ("N" in "concern action done
	 * REF N"), always required, or NULL. */
	const char *arg2;
};

/* The command rows, defined in cmd_*.c. */
extern const struct cli_command cli_cmd_status;
extern const struct cli_command cli_cmd_login;
extern const struct cli_command cli_cmd_whoami;
extern const struct cli_command cli_cmd_logout;
extern const struct cli_command cli_cmd_passwd;
extern const struct cli_command cli_cmd_user_add;
extern const struct cli_command cli_cmd_user_list;
extern const struct cli_command cli_cmd_user_show;
extern const struct cli_command cli_cmd_user_set;
extern const struct cli_command cli_cmd_user_disable;
extern const struct cli_command cli_cmd_user_enable;
extern const struct cli_command cli_cmd_user_reset_password;
extern const struct cli_command cli_cmd_role_list;
extern const struct cli_command cli_cmd_role_show;
extern const struct cli_command cli_cmd_role_add;
extern const struct cli_command cli_cmd_role_set;
extern const struct cli_command cli_cmd_role_rm;
extern const struct cli_command cli_cmd_permission_list;
extern const struct cli_command cli_cmd_site_add;
extern const struct cli_command cli_cmd_site_list;
extern const struct cli_command cli_cmd_performer_add;
extern const struct cli_command cli_cmd_performer_list;
extern const struct cli_command cli_cmd_performer_show;
extern const struct cli_command cli_cmd_performer_admit;
extern const struct cli_command cli_cmd_concern_open;
extern const struct cli_command cli_cmd_concern_grade;
extern const struct cli_command cli_cmd_concern_assign;
extern const struct cli_command cli_cmd_concern_move;
extern const struct cli_command cli_cmd_concern_decide;
extern const struct cli_command cli_cmd_concern_suspend;
extern const struct cli_command cli_cmd_concern_reinstate;
extern const struct cli_command cli_cmd_concern_refer;
extern const struct cli_command cli_cmd_concern_note;
extern const struct cli_command cli_cmd_concern_evidence;
extern const struct cli_command cli_cmd_concern_action_add;
extern const struct cli_command cli_cmd_concern_action_done;
extern const struct cli_command cli_cmd_concern_show;
extern const struct cli_command cli_cmd_concern_list;
extern const struct cli_command cli_cmd_concern_due;
extern const struct cli_command cli_cmd_config_show;
extern const struct cli_command cli_cmd_config_set;
extern const struct cli_command cli_cmd_config_holiday_list;
extern const struct cli_command cli_cmd_config_holiday_add;
extern const struct cli_command cli_cmd_config_holiday_remove;
/* contract, indicators, requirements */
extern const struct cli_command cli_cmd_contract_add;
extern const struct cli_command cli_cmd_contract_list;
extern const struct cli_command cli_cmd_contract_show;
extern const struct cli_command cli_cmd_contract_set;
extern const struct cli_command cli_cmd_contract_notice_add;
extern const struct cli_command cli_cmd_contract_notice_outcome;
extern const struct cli_command cli_cmd_indicators_create;
extern const struct cli_command cli_cmd_indicators_add;
extern const struct cli_command cli_cmd_indicators_remove;
extern const struct cli_command cli_cmd_indicators_rule;
extern const struct cli_command cli_cmd_indicators_publish;
extern const struct cli_command cli_cmd_indicators_show;
extern const struct cli_command cli_cmd_indicators_list;
extern const struct cli_command cli_cmd_requirements_list;
extern const struct cli_command cli_cmd_requirements_add;
extern const struct cli_command cli_cmd_requirements_retire;

/* review */
extern const struct cli_command cli_cmd_review_schedule;
extern const struct cli_command cli_cmd_review_visit;
extern const struct cli_command cli_cmd_review_qof;
extern const struct cli_command cli_cmd_review_check;
extern const struct cli_command cli_cmd_review_sfbh;
extern const struct cli_command cli_cmd_review_score;
extern const struct cli_command cli_cmd_review_narrative;
extern const struct cli_command cli_cmd_review_action_add;
extern const struct cli_command cli_cmd_review_action_done;
extern const struct cli_command cli_cmd_review_override;
extern const struct cli_command cli_cmd_review_finalise;
extern const struct cli_command cli_cmd_review_show;
extern const struct cli_command cli_cmd_review_list;
extern const struct cli_command cli_cmd_review_due;

/* scorecard */
extern const struct cli_command cli_cmd_scorecard;

extern const struct cli_command cli_cmd_session_list;
extern const struct cli_command cli_cmd_session_revoke;
extern const struct cli_command cli_cmd_audit_query;
extern const struct cli_command cli_cmd_audit_export;
extern const struct cli_command cli_cmd_audit_verify;
extern const struct cli_command cli_cmd_audit_tail;
extern const struct cli_command cli_cmd_audit_checkpoint;

/* One run of the CLI. Everything here is owned by cli.c and lives until
 * the handler has returned. */
struct cli {
	/* Resolved options: flag > environment > config file > default. */
	char *server; /* "HOST:PORT" as the user gave it; sessions are kept per this string */
	char *ca_file;
	char *cert_file; /* NULL unless mutual TLS is configured */
	char *key_file;
	char *config_dir; /* $ASSURE_CONFIG_DIR or ~/.config/assure */
	int json;

	const struct cli_command *cmd;
	const char
	    *values[CLI_MAX_FLAGS];  /* per cmd->flags[i]: value, "" for a switch, NULL if absent */
	char **lists[CLI_MAX_FLAGS]; /* per CLI_FLAG_REPEAT flag: every value, in order */
	size_t n_lists[CLI_MAX_FLAGS];
	const char *arg;  /* the positional argument (cmd->arg), or NULL */
	const char *arg2; /* the second one (cmd->arg2), or NULL */

	struct client *client;		    /* set when cmd->needs asks for a connection */
	Assure__Response *resume_resp;	    /* the Resume response, owning session */
	const Assure__SessionInfo *session; /* the resumed session, or NULL */
};

/* Runs the CLI: parses argv, connects, dispatches. Returns the exit code. */
int cli_main(int argc, char **argv);

/* Connects to cli->server and says Hello; for commands that must do
 * something first (login reads the password before connecting, so a slow
 * typist does not run into the server's login timer). 0 or an exit code
 * with the error printed. */
int cli_connect(struct cli *cli) __attribute__((warn_unused_result));

/* The value of the current command's flag --name; "" for a given switch;
 * NULL when absent. For a CLI_FLAG_REPEAT flag, the first value. */
const char *cli_flag(const struct cli *cli, const char *name);
/* Every value of the CLI_FLAG_REPEAT flag --name, in command-line order:
 * returns the count and sets *out (NULL when 0) to an array owned by cli.
 * Typed to drop straight into a protobuf repeated string field. */
size_t cli_flag_list(const struct cli *cli, const char *name, char ***out);
/* Parses a decimal number in [1, max] for flag or argument what ("--version",
 * "ID"). 0 with *out set, or EXIT_CODE_USAGE with the error printed. */
int cli_parse_number(const char *s, const char *what, uint64_t max, uint64_t *out)
    __attribute__((warn_unused_result));

/* Prints "assure: <message>" on stderr and returns exit_code. */
int cli_error(int exit_code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the server's message for a non-OK response ("assure: <message>")
 * and returns the exit code of its status. */
int cli_status_error(const Assure__Response *resp);

/*
 * Sends req and waits for its response. 0 with *out set (the caller frees
 * it with assure__response__free_unpacked) whatever the status; on a
 * transport failure prints it and returns EXIT_CODE_UNAVAILABLE.
 */
int cli_call_any(struct cli *cli, Assure__Request *req, Assure__Response **out)
    __attribute__((warn_unused_result));
/* As cli_call_any, but a non-OK status is printed, the response freed, and
 * the status's exit code returned. 0 only with an OK response in *out. */
int cli_call(struct cli *cli, Assure__Request *req, Assure__Response **out)
    __attribute__((warn_unused_result));
/*
 * One RPC: wraps msg (an Assure__FooRequest) in a Request as operation op
 * (ASSURE__REQUEST__OP_FOO), sends it, and checks that the OK response
 * carries the matching result (the proto gives a request and its response
 * the same field number). 0 with *out set, the result then being
 * (*out)->foo; otherwise an exit code with the error printed.
 */
int cli_rpc(struct cli *cli, Assure__Request__OpCase op, void *msg, Assure__Response **out)
    __attribute__((warn_unused_result));

struct cli_list;
/*
 * A list RPC followed through every page, then printed with list (table or
 * --json array). msg is the Assure__FooListRequest; its page_token is set
 * here page by page. items_field names the response's repeated field
 * ("users", "performers", "concerns", "deadlines"). Every page is fetched before
 * anything is printed, so a failure half-way prints nothing and the columns
 * fit every row. 0, or an exit code with the error printed.
 */
int cli_rpc_list_all(struct cli *cli, Assure__Request__OpCase op, void *msg,
		     const char *items_field, const struct cli_list *list)
    __attribute__((warn_unused_result));

/* A label and value for an aligned two-column table. */
struct cli_row {
	const char *label;
	const char *value;
};
/* Prints rows as "Label   value" lines with the values aligned. Control
 * characters in values are shown as '?', so no server-supplied text can
 * drive the terminal. */
void cli_print_rows(FILE *out, const struct cli_row *rows, size_t n);
/* Copies s with ASCII control characters replaced by '?'. Caller frees. */
char *cli_printable(const char *s);
/* "2026-11-23T15:42:07Z", or "never" for 0 (and anything before 1970). */
void cli_format_time(int64_t unix_s, char *buf, size_t size);
/* items joined with sep into a new string (NULL items as ""). Caller frees. */
char *cli_join(char *const *items, size_t n, const char *sep);
/* s, or "" for NULL: proto3 strings are never NULL once unpacked, but a
 * hand-built message may leave them so. */
const char *cli_str(const char *s);
/* s, or "-" / "none" when empty (NULL included), for tables. */
const char *cli_or_dash(const char *s);
const char *cli_or_none(const char *s);
/* Prints one line on stdout, formatted, with control characters shown as
 * '?' so no server-supplied text can drive the terminal. */
void cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* An optional flag's value, "" when absent (proto3 string fields take no
 * NULL); the cast is for those fields' char * type. */
char *cli_flag_str(const struct cli *cli, const char *name);

/* --- sessions (cmd_session.c) ---------------------------------------- */

/*
 * Sends Resume with the token stored for cli->server and keeps the
 * session in cli->session. With optional set, a missing, foreign or
 * rejected session is not an error (returns 0, cli->session NULL).
 * Otherwise returns EXIT_CODE_UNAUTHENTICATED with the message printed
 * ("not logged in (session expired or revoked); run assure login"), or
 * another exit code on other failures.
 */
int cli_session_resume(struct cli *cli, int optional) __attribute__((warn_unused_result));

/* Longest password accepted, plus its NUL. */
#define CLI_PASSWORD_MAX 1024

/*
 * Reads one password: a line of stdin when the command's --password-stdin
 * was given, else asked for on /dev/tty with echo off after prompt. what
 * names it in errors ("new password"). 0 with buf filled, or an exit code
 * with the error printed and buf wiped. The caller wipes buf after use.
 */
int cli_read_password(const struct cli *cli, const char *prompt, const char *what, char *buf,
		      size_t size) __attribute__((warn_unused_result));

#endif
