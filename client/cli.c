/*
 * The frame of the assure CLI: parse the command line against the command
 * table, resolve the connection options (flag > ASSURE_* environment >
 * $ASSURE_CONFIG_DIR/config > default), connect and say Hello, resume the
 * stored session for commands that need one, run the handler, map what
 * went wrong to a documented exit code.
 *
 * Single-threaded; everything hangs off one struct cli, which cli_main
 * owns and frees after the handler returns. Handlers print their own
 * results; errors are printed once, where they are detected, as
 * "assure: <message>" on stderr.
 *
 * Parsing: global flags may come before or after the command, command
 * flags after it; "--flag value" and "--flag=value" both work; "--" ends
 * the flags. A command takes at most one positional argument (its NAME or
 * ID), anywhere after the verb, and a few a second one (cmd->arg2). A verb
 * may be two words ("concern action add"): the first names a group of
 * verbs, which has its own --help. A flag marked CLI_FLAG_REPEAT accumulates
 * its values; any other flag given twice is an error. --help wins over any
 * usage error, so "assure login --bogus --help" still shows the help.
 * Secrets never come from argv: there is no flag that takes a password or
 * a token.
 *
 * Usage errors (exit 2) are all found before connecting: the parser, the
 * required flags and argument, then the command's own check hook.
 */
#include "cli.h"
#include "cli_columns.h"

#include <errno.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "status.h"
#include "timeutil.h"
#include "version.h"
#include "xmalloc.h"

#define CLI_DEFAULT_SERVER "127.0.0.1:7443"
#define CLI_DEFAULT_CA "certs/dev/ca.crt"

/* The command table: one row per command, defined next to its handler. */
static const struct cli_command *const cli_table[] = {
    &cli_cmd_status,
    &cli_cmd_login,
    &cli_cmd_whoami,
    &cli_cmd_logout,
    &cli_cmd_passwd,
    &cli_cmd_user_add,
    &cli_cmd_user_list,
    &cli_cmd_user_show,
    &cli_cmd_user_set,
    &cli_cmd_user_disable,
    &cli_cmd_user_enable,
    &cli_cmd_user_reset_password,
    &cli_cmd_role_list,
    &cli_cmd_role_show,
    &cli_cmd_role_add,
    &cli_cmd_role_set,
    &cli_cmd_role_rm,
    &cli_cmd_permission_list,
    &cli_cmd_site_add,
    &cli_cmd_site_list,
    &cli_cmd_performer_add,
    &cli_cmd_performer_list,
    &cli_cmd_performer_show,
    &cli_cmd_performer_admit,
    &cli_cmd_concern_open,
    &cli_cmd_concern_grade,
    &cli_cmd_concern_assign,
    &cli_cmd_concern_move,
    &cli_cmd_concern_decide,
    &cli_cmd_concern_suspend,
    &cli_cmd_concern_reinstate,
    &cli_cmd_concern_refer,
    &cli_cmd_concern_note,
    &cli_cmd_concern_evidence,
    &cli_cmd_concern_action_add,
    &cli_cmd_concern_action_done,
    &cli_cmd_concern_show,
    &cli_cmd_concern_list,
    &cli_cmd_concern_due,
    &cli_cmd_config_show,
    &cli_cmd_config_set,
    &cli_cmd_config_holiday_list,
    &cli_cmd_config_holiday_add,
    &cli_cmd_config_holiday_remove,
    /* contract, indicators, requirements */
    &cli_cmd_contract_add,
    &cli_cmd_contract_list,
    &cli_cmd_contract_show,
    &cli_cmd_contract_set,
    &cli_cmd_contract_notice_add,
    &cli_cmd_contract_notice_outcome,
    &cli_cmd_indicators_create,
    &cli_cmd_indicators_add,
    &cli_cmd_indicators_remove,
    &cli_cmd_indicators_rule,
    &cli_cmd_indicators_publish,
    &cli_cmd_indicators_show,
    &cli_cmd_indicators_list,
    &cli_cmd_requirements_list,
    &cli_cmd_requirements_add,
    &cli_cmd_requirements_retire,

    /* review */
    &cli_cmd_review_schedule,
    &cli_cmd_review_visit,
    &cli_cmd_review_qof,
    &cli_cmd_review_check,
    &cli_cmd_review_sfbh,
    &cli_cmd_review_score,
    &cli_cmd_review_narrative,
    &cli_cmd_review_action_add,
    &cli_cmd_review_action_done,
    &cli_cmd_review_override,
    &cli_cmd_review_finalise,
    &cli_cmd_review_show,
    &cli_cmd_review_list,
    &cli_cmd_review_due,

    /* scorecard */
    &cli_cmd_scorecard,

    &cli_cmd_session_list,
    &cli_cmd_session_revoke,
    &cli_cmd_audit_query,
    &cli_cmd_audit_export,
    &cli_cmd_audit_verify,
    &cli_cmd_audit_tail,
    &cli_cmd_audit_checkpoint,
};
#define CLI_TABLE_SIZE (sizeof cli_table / sizeof cli_table[0])

enum { GLOBAL_SERVER, GLOBAL_CA, GLOBAL_CERT, GLOBAL_KEY, GLOBAL_JSON, GLOBAL_HELP, GLOBAL_COUNT };

static const struct cli_flag global_flags[GLOBAL_COUNT + 1] = {
    [GLOBAL_SERVER] = {"server", "HOST:PORT", 0,
		       "server to talk to (env ASSURE_SERVER; default " CLI_DEFAULT_SERVER ")"},
    [GLOBAL_CA] =
	{"ca", "FILE", 0,
	 "CA certificate to verify the server with (env ASSURE_CA; default " CLI_DEFAULT_CA ")"},
    [GLOBAL_CERT] = {"cert", "FILE", 0, "client certificate for mutual TLS (env ASSURE_CERT)"},
    [GLOBAL_KEY] = {"key", "FILE", 0, "its private key (env ASSURE_KEY)"},
    [GLOBAL_JSON] = {"json", NULL, 0, "print JSON for scripts instead of tables"},
    [GLOBAL_HELP] = {"help", NULL, 0, "show help for the command and exit"},
    [GLOBAL_COUNT] = {NULL, NULL, 0, NULL},
};

/* --- output helpers --------------------------------------------------- */

int cli_error(int exit_code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	char *shown = cli_printable(msg);
	fprintf(stderr, "assure: %s\n", shown);
	free(shown);
	free(msg);
	return exit_code;
}

int cli_status_error(const Assure__Response *resp)
{
	int code = client_status_code(resp);
	const char *msg = client_status_message(resp);
	if (*msg == '\0')
		cli_error(status_exit_code(code), "server answered %s", status_code_name(code));
	else
		cli_error(status_exit_code(code), "%s", msg);
	return status_exit_code(code);
}

char *cli_printable(const char *s)
{
	char *out = xstrdup(s);
	for (char *p = out; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	return out;
}

const char *cli_str(const char *s)
{
	return s != NULL ? s : "";
}

const char *cli_or_dash(const char *s)
{
	s = cli_str(s);
	return *s != '\0' ? s : "-";
}

const char *cli_or_none(const char *s)
{
	s = cli_str(s);
	return *s != '\0' ? s : "none";
}

void cli_say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	char *shown = cli_printable(msg);
	printf("%s\n", shown);
	free(shown);
	free(msg);
}

char *cli_flag_str(const struct cli *cli, const char *name)
{
	return (char *)cli_str(cli_flag(cli, name));
}

void cli_format_time(int64_t unix_s, char *buf, size_t size)
{
	if (unix_s <= 0)
		snprintf(buf, size, "never");
	else
		time_format_rfc3339(unix_s, buf, size);
}

char *cli_join(char *const *items, size_t n, const char *sep)
{
	size_t len = 1;
	for (size_t i = 0; i < n; i++)
		len += strlen(cli_str(items[i])) + (i > 0 ? strlen(sep) : 0);
	char *out = xmalloc(len);
	char *p = out;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			p = stpcpy(p, sep);
		p = stpcpy(p, cli_str(items[i]));
	}
	*p = '\0';
	return out;
}

void cli_print_rows(FILE *out, const struct cli_row *rows, size_t n)
{
	size_t width = 0;
	for (size_t i = 0; i < n; i++)
		if (strlen(rows[i].label) > width)
			width = strlen(rows[i].label);
	for (size_t i = 0; i < n; i++) {
		char *value = cli_printable(rows[i].value != NULL ? rows[i].value : "");
		fprintf(out, "%-*s  %s\n", (int)width, rows[i].label, value);
		free(value);
	}
}

/* --- calls ------------------------------------------------------------ */

int cli_call_any(struct cli *cli, Assure__Request *req, Assure__Response **out)
{
	char *cause = NULL;
	if (client_call(cli->client, req, out, &cause) < 0) {
		cli_error(EXIT_CODE_UNAVAILABLE, "%s", cause);
		free(cause);
		return EXIT_CODE_UNAVAILABLE;
	}
	return 0;
}

int cli_call(struct cli *cli, Assure__Request *req, Assure__Response **out)
{
	int rc = cli_call_any(cli, req, out);
	if (rc != 0)
		return rc;
	if (client_status_code(*out) != ASSURE__CODE__OK) {
		rc = cli_status_error(*out);
		assure__response__free_unpacked(*out, NULL);
		*out = NULL;
		return rc;
	}
	return 0;
}

int cli_rpc(struct cli *cli, Assure__Request__OpCase op, void *msg, Assure__Response **out)
{
	/* The oneof members are found through the descriptors, as protobuf-c
	 * itself does, so one function serves every operation. */
	const ProtobufCFieldDescriptor *in =
	    protobuf_c_message_descriptor_get_field(&assure__request__descriptor, (unsigned)op);
	const ProtobufCFieldDescriptor *res =
	    protobuf_c_message_descriptor_get_field(&assure__response__descriptor, (unsigned)op);
	if (in == NULL || res == NULL || in->type != PROTOBUF_C_TYPE_MESSAGE ||
	    res->type != PROTOBUF_C_TYPE_MESSAGE)
		abort(); /* an operation without a response of the same number: our bug */

	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = op;
	*(void **)((char *)&req + in->offset) = msg;
	int rc = cli_call(cli, &req, out);
	if (rc != 0)
		return rc;
	if ((unsigned)(*out)->result_case != (unsigned)op ||
	    *(void **)((char *)*out + res->offset) == NULL) {
		assure__response__free_unpacked(*out, NULL);
		*out = NULL;
		return cli_error(EXIT_CODE_INTERNAL, "server answered %s without its result",
				 in->name);
	}
	return 0;
}

/* More pages than any real list: a server that never ends is a bug. */
#define CLI_LIST_MAX_PAGES 10000

int cli_rpc_list_all(struct cli *cli, Assure__Request__OpCase op, void *msg,
		     const char *items_field, const struct cli_list *list)
{
	/* The fields are found through the descriptors, as in cli_rpc, so one
	 * loop serves every list operation. */
	const ProtobufCMessage *req = msg;
	const ProtobufCFieldDescriptor *res =
	    protobuf_c_message_descriptor_get_field(&assure__response__descriptor, (unsigned)op);
	const ProtobufCFieldDescriptor *tok =
	    protobuf_c_message_descriptor_get_field_by_name(req->descriptor, "page_token");
	if (res == NULL || tok == NULL)
		abort(); /* not a list operation: our bug */
	const ProtobufCMessageDescriptor *rd = res->descriptor;
	const ProtobufCFieldDescriptor *next =
	    protobuf_c_message_descriptor_get_field_by_name(rd, "next_page_token");
	const ProtobufCFieldDescriptor *items =
	    protobuf_c_message_descriptor_get_field_by_name(rd, items_field);
	if (next == NULL || items == NULL || items->label != PROTOBUF_C_LABEL_REPEATED)
		abort();

	Assure__Response **pages = NULL;
	size_t npages = 0, total = 0;
	char *token = xstrdup("");
	int rc = 0;
	for (;;) {
		Assure__Response *resp = NULL;
		*(char **)((char *)msg + tok->offset) = token;
		rc = cli_rpc(cli, op, msg, &resp);
		if (rc != 0)
			break;
		pages = xrealloc(pages, (npages + 1) * sizeof *pages);
		pages[npages++] = resp;
		const char *result = *(const char **)((char *)resp + res->offset);
		total += *(const size_t *)(result + items->quantifier_offset);
		const char *more = cli_str(*(const char *const *)(result + next->offset));
		if (*more == '\0')
			break;
		if (npages == CLI_LIST_MAX_PAGES) {
			rc = cli_error(EXIT_CODE_INTERNAL, "server sent more than %d pages of %s",
				       CLI_LIST_MAX_PAGES, items_field);
			break;
		}
		free(token);
		token = xstrdup(more);
	}
	*(char **)((char *)msg + tok->offset) = NULL;
	free(token);

	if (rc == 0) {
		const void **all = xcalloc(total + 1, sizeof *all);
		size_t n = 0;
		for (size_t p = 0; p < npages; p++) {
			const char *result = *(const char **)((char *)pages[p] + res->offset);
			size_t count = *(const size_t *)(result + items->quantifier_offset);
			void *const *v = *(void *const *const *)(result + items->offset);
			for (size_t i = 0; i < count; i++)
				all[n++] = v[i];
		}
		cli_print_list(cli, list, all, n);
		free(all);
	}
	for (size_t p = 0; p < npages; p++)
		assure__response__free_unpacked(pages[p], NULL);
	free(pages);
	return rc;
}

static int flag_slot(const struct cli *cli, const char *name)
{
	if (cli->cmd == NULL || cli->cmd->flags == NULL)
		return -1;
	for (int i = 0; cli->cmd->flags[i].name != NULL; i++)
		if (strcmp(cli->cmd->flags[i].name, name) == 0)
			return i;
	return -1;
}

const char *cli_flag(const struct cli *cli, const char *name)
{
	int i = flag_slot(cli, name);
	return i >= 0 ? cli->values[i] : NULL;
}

size_t cli_flag_list(const struct cli *cli, const char *name, char ***out)
{
	int i = flag_slot(cli, name);
	*out = i >= 0 ? cli->lists[i] : NULL;
	return i >= 0 ? cli->n_lists[i] : 0;
}

int cli_parse_number(const char *s, const char *what, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');
		if (d > max || v > (max - d) / 10) {
			v = 0; /* too large */
			break;
		}
		v = v * 10 + d;
	}
	if (p == s || *p != '\0' || v == 0)
		return cli_error(EXIT_CODE_USAGE,
				 "%s must be a whole number from 1 to %" PRIu64 ", not \"%s\"",
				 what, max, s);
	*out = v;
	return 0;
}

/* "login", "user add": a command as typed. Returns a static buffer. */
static const char *command_name(const struct cli_command *cmd)
{
	static char name[64];
	snprintf(name, sizeof name, "%s%s%s", cmd->noun, cmd->verb ? " " : "",
		 cmd->verb ? cmd->verb : "");
	return name;
}

/* --- help ------------------------------------------------------------- */

static const char cli_exit_codes_help[] =
    "Exit status: 0 ok, 1 internal error, 2 usage, 3 not logged in, 4 permission denied,\n"
    "5 not found, 6 conflict, 7 failed precondition, 8 invalid argument,\n"
    "9 unavailable (network or TLS), 10 resource exhausted,\n"
    "11 audit trail not intact (assure audit verify).\n";

static void flag_spec(const struct cli_flag *f, char *buf, size_t size)
{
	if (f->arg != NULL)
		snprintf(buf, size, "--%s %s", f->name, f->arg);
	else
		snprintf(buf, size, "--%s", f->name);
}

static void print_flags(FILE *out, const char *title, const struct cli_flag *flags)
{
	if (flags == NULL || flags[0].name == NULL)
		return;
	size_t width = 0;
	char spec[128];
	for (size_t i = 0; flags[i].name != NULL; i++) {
		flag_spec(&flags[i], spec, sizeof spec);
		if (strlen(spec) > width)
			width = strlen(spec);
	}
	fprintf(out, "\n%s:\n", title);
	for (size_t i = 0; flags[i].name != NULL; i++) {
		flag_spec(&flags[i], spec, sizeof spec);
		int required = flags[i].flags & CLI_FLAG_REQUIRED;
		int repeat = flags[i].flags & CLI_FLAG_REPEAT;
		const char *note = required && repeat ? " (required, may be repeated)"
				   : required	      ? " (required)"
				   : repeat	      ? " (may be repeated)"
						      : "";
		fprintf(out, "  %-*s  %s%s\n", (int)width, spec, flags[i].help, note);
	}
}

static void print_usage_line(FILE *out, const struct cli_command *cmd)
{
	fprintf(out, "usage: assure %s", cmd->noun);
	if (cmd->verb != NULL)
		fprintf(out, " %s", cmd->verb);
	if (cmd->arg != NULL)
		fprintf(out, cmd->arg_optional ? " [%s]" : " %s", cmd->arg);
	if (cmd->arg2 != NULL)
		fprintf(out, " %s", cmd->arg2);
	for (size_t i = 0; cmd->flags != NULL && cmd->flags[i].name != NULL; i++) {
		char spec[128];
		flag_spec(&cmd->flags[i], spec, sizeof spec);
		int required = cmd->flags[i].flags & CLI_FLAG_REQUIRED;
		if (cmd->flags[i].flags & CLI_FLAG_REPEAT)
			fprintf(out, required ? " %s [%s ...]" : " [%s ...]", spec, spec);
		else
			fprintf(out, required ? " %s" : " [%s]", spec);
	}
	fprintf(out, " [global flags]\n");
}

static void print_main_help(FILE *out)
{
	fprintf(out, "usage: assure [global flags] COMMAND [VERB] [ARGUMENT] [flags]\n"
		     "\n"
		     "The command-line client of assure, the PCT's case and review system.\n"
		     "\n"
		     "Commands:\n");
	int width = 0;
	for (size_t i = 0; i < CLI_TABLE_SIZE; i++)
		if ((int)strlen(command_name(cli_table[i])) > width)
			width = (int)strlen(command_name(cli_table[i]));
	for (size_t i = 0; i < CLI_TABLE_SIZE; i++) {
		const struct cli_command *c = cli_table[i];
		fprintf(out, "  %-*s  %s\n", width, command_name(c), c->summary);
	}
	print_flags(out, "Global flags (before or after the command)", global_flags);
	fprintf(out,
		"\n"
		"Environment: ASSURE_SERVER, ASSURE_CA, ASSURE_CERT, ASSURE_KEY, and\n"
		"ASSURE_CONFIG_DIR (default ~/.config/assure), whose file 'config' may set\n"
		"server, ca, cert and key. A flag beats the environment, which beats the file.\n"
		"\n"
		"%s"
		"\n"
		"'assure COMMAND [VERB] --help' shows a command's flags. See docs/CLI.md.\n",
		cli_exit_codes_help);
}

/* The rest of cmd's verb after group and a space ("add" of "action add"
 * in group "action"), or NULL when the verb is not in group. With group
 * NULL, the whole verb (NULL for a command without one). */
static const char *verb_in_group(const struct cli_command *cmd, const char *group)
{
	if (cmd->verb == NULL || group == NULL)
		return cmd->verb;
	size_t len = strlen(group);
	if (strncmp(cmd->verb, group, len) != 0 || cmd->verb[len] != ' ')
		return NULL;
	return cmd->verb + len + 1;
}

/* The verbs of noun, or with group those of "noun group". */
static void print_noun_help(FILE *out, const char *noun, const char *group)
{
	char name[64];
	snprintf(name, sizeof name, "%s%s%s", noun, group ? " " : "", group ? group : "");
	fprintf(out, "usage: assure %s VERB [flags]\n\nVerbs:\n", name);
	int width = 0;
	for (size_t i = 0; i < CLI_TABLE_SIZE; i++) {
		const char *verb = verb_in_group(cli_table[i], group);
		if (strcmp(cli_table[i]->noun, noun) == 0 && verb != NULL &&
		    (int)strlen(verb) > width)
			width = (int)strlen(verb);
	}
	for (size_t i = 0; i < CLI_TABLE_SIZE; i++) {
		const char *verb = verb_in_group(cli_table[i], group);
		if (strcmp(cli_table[i]->noun, noun) == 0 && verb != NULL)
			fprintf(out, "  %-*s  %s\n", width, verb, cli_table[i]->summary);
	}
	print_flags(out, "Global flags", global_flags);
	fprintf(out, "\n'assure %s VERB --help' shows a verb's flags.\n", name);
}

static void print_command_help(FILE *out, const struct cli_command *cmd)
{
	print_usage_line(out, cmd);
	fprintf(out, "\n%s\n", cmd->help);
	print_flags(out, "Flags", cmd->flags);
	print_flags(out, "Global flags", global_flags);
	fprintf(out, "\n%s", cli_exit_codes_help);
}

/* --- parsing ---------------------------------------------------------- */

struct cli_parse {
	const char *global[GLOBAL_COUNT];
	const char *noun;  /* a noun that takes verbs, until the verb is seen */
	const char *group; /* the first word of a two-word verb, until the second is seen */
	int help;
	int version;
	char *error; /* the first usage error */
};

static int flag_index(const struct cli_flag *flags, const char *name, size_t len)
{
	for (int i = 0; flags != NULL && flags[i].name != NULL; i++)
		if (strlen(flags[i].name) == len && memcmp(flags[i].name, name, len) == 0)
			return i;
	return -1;
}

static void __attribute__((format(printf, 2, 3)))
parse_error(struct cli_parse *p, const char *fmt, ...)
{
	if (p->error != NULL)
		return;
	va_list ap;
	va_start(ap, fmt);
	p->error = xvasprintf(fmt, ap);
	va_end(ap);
}

static void parse_word(struct cli *cli, struct cli_parse *p, const char *word)
{
	if (cli->cmd == NULL && p->noun == NULL) {
		int has_verbs = 0;
		for (size_t i = 0; i < CLI_TABLE_SIZE; i++) {
			if (strcmp(cli_table[i]->noun, word) != 0)
				continue;
			if (cli_table[i]->verb == NULL) {
				cli->cmd = cli_table[i];
				return;
			}
			has_verbs = 1;
		}
		if (has_verbs)
			p->noun = word;
		else
			parse_error(p, "unknown command \"%s\" (see assure --help)", word);
		return;
	}
	if (cli->cmd == NULL) {
		for (size_t i = 0; i < CLI_TABLE_SIZE; i++) {
			const char *verb = verb_in_group(cli_table[i], p->group);
			if (strcmp(cli_table[i]->noun, p->noun) == 0 && verb != NULL &&
			    strcmp(verb, word) == 0) {
				cli->cmd = cli_table[i];
				return;
			}
		}
		for (size_t i = 0; p->group == NULL && i < CLI_TABLE_SIZE; i++) {
			if (strcmp(cli_table[i]->noun, p->noun) == 0 &&
			    verb_in_group(cli_table[i], word) != NULL) {
				p->group = word;
				return;
			}
		}
		const char *sp = p->group != NULL ? " " : "";
		const char *group = p->group != NULL ? p->group : "";
		parse_error(p, "unknown verb \"%s\" for assure %s%s%s (see assure %s%s%s --help)",
			    word, p->noun, sp, group, p->noun, sp, group);
		return;
	}
	if (cli->cmd->arg != NULL && cli->arg == NULL) {
		cli->arg = word;
		return;
	}
	if (cli->cmd->arg2 != NULL && cli->arg2 == NULL) {
		cli->arg2 = word;
		return;
	}
	parse_error(p, "unexpected argument \"%s\" for assure %s", word, command_name(cli->cmd));
}

/* Parses a "--name[=value]" at argv[*i], taking its value from the next
 * word when needed. */
static void parse_flag(struct cli *cli, struct cli_parse *p, int argc, char **argv, int *i)
{
	const char *arg = argv[*i];
	const char *name = arg + 2;
	const char *eq = strchr(name, '=');
	size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);

	const struct cli_flag *f;
	const char **slot;
	int gi = flag_index(global_flags, name, len);
	int ci = cli->cmd != NULL ? flag_index(cli->cmd->flags, name, len) : -1;
	if (gi == GLOBAL_HELP) {
		p->help = 1;
		return;
	}
	if (gi >= 0) {
		f = &global_flags[gi];
		slot = &p->global[gi];
	} else if (ci >= 0) {
		f = &cli->cmd->flags[ci];
		slot = &cli->values[ci];
	} else if (cli->cmd != NULL) {
		parse_error(p, "unknown flag --%.*s for assure %s (see its --help)", (int)len, name,
			    command_name(cli->cmd));
		return;
	} else {
		parse_error(p, "unknown flag --%.*s (command flags go after the command)", (int)len,
			    name);
		return;
	}

	const char *value;
	if (f->arg == NULL) {
		if (eq != NULL) {
			parse_error(p, "--%s takes no value", f->name);
			return;
		}
		value = "";
	} else if (eq != NULL) {
		value = eq + 1;
	} else if (*i + 1 < argc && strncmp(argv[*i + 1], "--", 2) != 0) {
		value = argv[++*i];
	} else {
		parse_error(p, "--%s needs a value (%s)", f->name, f->arg);
		return;
	}
	if (ci >= 0 && gi < 0 && (f->flags & CLI_FLAG_REPEAT)) {
		cli->lists[ci] = xrealloc(cli->lists[ci], (cli->n_lists[ci] + 1) * sizeof(char *));
		cli->lists[ci][cli->n_lists[ci]++] = (char *)value; /* argv outlives cli */
		if (*slot == NULL)
			*slot = value;
		return;
	}
	if (*slot != NULL && f->arg != NULL) {
		parse_error(p, "--%s given twice", f->name);
		return;
	}
	*slot = value;
}

static void cli_parse_args(struct cli *cli, struct cli_parse *p, int argc, char **argv)
{
	int dashdash = 0;
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		p->version = 1;
		return;
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (p->error != NULL) {
			/* After an error only --help still matters. */
			if (!dashdash && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0))
				p->help = 1;
			continue;
		}
		if (dashdash || a[0] != '-' || a[1] == '\0') {
			parse_word(cli, p, a);
		} else if (strcmp(a, "--") == 0) {
			dashdash = 1;
		} else if (strcmp(a, "-h") == 0) {
			p->help = 1;
		} else if (a[1] != '-') {
			parse_error(p, "unknown flag %s (flags are spelled --name)", a);
		} else {
			parse_flag(cli, p, argc, argv, &i);
		}
	}
}

/* --- options ---------------------------------------------------------- */

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && *v != '\0' ? v : NULL;
}

static char *default_config_dir(void)
{
	const char *dir = env_nonempty("ASSURE_CONFIG_DIR");
	if (dir != NULL)
		return xstrdup(dir);
	const char *home = env_nonempty("HOME");
	if (home == NULL) {
		struct passwd *pw = getpwuid(getuid());
		if (pw == NULL || pw->pw_dir == NULL || *pw->pw_dir == '\0')
			return NULL;
		home = pw->pw_dir;
	}
	return xasprintf("%s/.config/assure", home);
}

/* A path from the config file is relative to the file's directory, so the
 * file means the same whatever the working directory. */
static char *config_path_value(const struct cli *cli, const char *value)
{
	if (value[0] == '/')
		return xstrdup(value);
	return xasprintf("%s/%s", cli->config_dir, value);
}

/* Fills cli->server, ca_file, cert_file, key_file and config_dir. Returns
 * 0 or an exit code with the error printed. */
static int cli_resolve_options(struct cli *cli, const struct cli_parse *p)
{
	cli->json = p->global[GLOBAL_JSON] != NULL;
	cli->config_dir = default_config_dir();
	if (cli->config_dir == NULL)
		return cli_error(EXIT_CODE_INTERNAL,
				 "cannot find the home directory; set ASSURE_CONFIG_DIR");

	static const char *const keys[] = {"server", "ca", "cert", "key"};
	static const char *const envs[] = {"ASSURE_SERVER", "ASSURE_CA", "ASSURE_CERT",
					   "ASSURE_KEY"};
	static const int globals[] = {GLOBAL_SERVER, GLOBAL_CA, GLOBAL_CERT, GLOBAL_KEY};
	char **outs[] = {&cli->server, &cli->ca_file, &cli->cert_file, &cli->key_file};

	struct config *file = NULL;
	char *path = xasprintf("%s/config", cli->config_dir);
	struct stat st;
	if (stat(path, &st) == 0) {
		char *cause = NULL;
		if (config_parse_file(path, &file, &cause) < 0) {
			cli_error(EXIT_CODE_USAGE, "%s", cause);
			free(cause);
			free(path);
			return EXIT_CODE_USAGE;
		}
		for (size_t i = 0; i < file->n; i++) {
			int known = 0;
			for (size_t k = 0; k < 4; k++)
				known |= strcmp(file->entries[i].key, keys[k]) == 0;
			if (!known) {
				cli_error(
				    EXIT_CODE_USAGE,
				    "%s: line %d: unknown key '%s' (known: server, ca, cert, key)",
				    path, file->entries[i].line, file->entries[i].key);
				config_free(file);
				free(path);
				return EXIT_CODE_USAGE;
			}
		}
	} else if (errno != ENOENT) {
		cli_error(EXIT_CODE_USAGE, "cannot read %s: %s", path, strerror(errno));
		free(path);
		return EXIT_CODE_USAGE;
	}
	free(path);

	for (size_t k = 0; k < 4; k++) {
		const char *v = p->global[globals[k]];
		if (v == NULL)
			v = env_nonempty(envs[k]);
		if (v != NULL) {
			*outs[k] = *v != '\0' ? xstrdup(v) : NULL;
			continue;
		}
		const struct config_entry *e = file != NULL ? config_find(file, keys[k]) : NULL;
		if (e != NULL && *e->value != '\0')
			*outs[k] = k == 0 ? xstrdup(e->value) : config_path_value(cli, e->value);
	}
	config_free(file);
	if (cli->server == NULL)
		cli->server = xstrdup(CLI_DEFAULT_SERVER);
	/* A malformed address is the user's slip (exit 2), not the network's. */
	char *host = NULL, *port = NULL, *cause = NULL;
	if (config_parse_hostport(cli->server, &host, &port, &cause) < 0) {
		cli_error(EXIT_CODE_USAGE, "invalid server address: %s", cause);
		free(cause);
		return EXIT_CODE_USAGE;
	}
	free(host);
	free(port);
	if (cli->ca_file == NULL)
		cli->ca_file = xstrdup(CLI_DEFAULT_CA);
	if ((cli->cert_file == NULL) != (cli->key_file == NULL))
		return cli_error(EXIT_CODE_USAGE, "--cert and --key go together (mutual TLS "
						  "needs both the certificate and its key)");
	return 0;
}

/* --- running ---------------------------------------------------------- */

int cli_connect(struct cli *cli)
{
	struct client_config cfg = {
	    .server = cli->server,
	    .ca_file = cli->ca_file,
	    .cert_file = cli->cert_file,
	    .key_file = cli->key_file,
	    .io_timeout_ms = cli->cmd != NULL ? cli->cmd->io_timeout_ms : 0,
	};
	char *cause = NULL;
	if (client_connect(&cfg, &cli->client, &cause) < 0 ||
	    client_hello(cli->client, "assure " ASSURE_VERSION, &cause) < 0) {
		cli_error(EXIT_CODE_UNAVAILABLE, "%s", cause);
		free(cause);
		return EXIT_CODE_UNAVAILABLE;
	}
	return 0;
}

static int cli_check_usage(struct cli *cli)
{
	const struct cli_command *cmd = cli->cmd;
	if (cmd->arg != NULL && !cmd->arg_optional && cli->arg == NULL)
		return cli_error(EXIT_CODE_USAGE, "assure %s needs %s (see its --help)",
				 command_name(cmd), cmd->arg);
	if (cmd->arg2 != NULL && cli->arg2 == NULL)
		return cli_error(EXIT_CODE_USAGE, "assure %s needs %s (see its --help)",
				 command_name(cmd), cmd->arg2);
	const struct cli_flag *flags = cmd->flags;
	for (size_t i = 0; flags != NULL && flags[i].name != NULL; i++)
		if ((flags[i].flags & CLI_FLAG_REQUIRED) && cli->values[i] == NULL)
			return cli_error(EXIT_CODE_USAGE, "assure %s needs --%s%s%s",
					 command_name(cmd), flags[i].name, flags[i].arg ? " " : "",
					 flags[i].arg ? flags[i].arg : "");
	return cmd->check != NULL ? cmd->check(cli) : 0;
}

static void cli_release(struct cli *cli)
{
	if (cli->resume_resp != NULL)
		assure__response__free_unpacked(cli->resume_resp, NULL);
	client_free(cli->client);
	for (size_t i = 0; i < CLI_MAX_FLAGS; i++)
		free(cli->lists[i]);
	free(cli->server);
	free(cli->ca_file);
	free(cli->cert_file);
	free(cli->key_file);
	free(cli->config_dir);
}

static int cli_run(struct cli *cli, int argc, char **argv)
{
	struct cli_parse p = {0};
	cli_parse_args(cli, &p, argc, argv);

	if (p.version) {
		printf("assure %s (protocol %d)\n", ASSURE_VERSION, ASSURE_PROTOCOL_VERSION);
		return EXIT_CODE_OK;
	}
	if (p.help) {
		free(p.error);
		if (cli->cmd != NULL)
			print_command_help(stdout, cli->cmd);
		else if (p.noun != NULL)
			print_noun_help(stdout, p.noun, p.group);
		else
			print_main_help(stdout);
		return EXIT_CODE_OK;
	}
	if (p.error != NULL) {
		cli_error(EXIT_CODE_USAGE, "%s", p.error);
		free(p.error);
		return EXIT_CODE_USAGE;
	}
	if (cli->cmd == NULL) {
		if (p.noun != NULL && p.group != NULL)
			return cli_error(EXIT_CODE_USAGE,
					 "assure %s %s needs a verb (see assure %s %s --help)",
					 p.noun, p.group, p.noun, p.group);
		if (p.noun != NULL)
			return cli_error(EXIT_CODE_USAGE,
					 "assure %s needs a verb (see assure %s --help)", p.noun,
					 p.noun);
		print_main_help(stderr);
		return EXIT_CODE_USAGE;
	}

	int rc = cli_check_usage(cli);
	if (rc == 0)
		rc = cli_resolve_options(cli, &p);
	if (rc != 0)
		return rc;
	if (cli->cmd->needs & (CLI_CONNECT | CLI_SESSION | CLI_SESSION_OPTIONAL)) {
		rc = cli_connect(cli);
		if (rc != 0)
			return rc;
	}
	if (cli->cmd->needs & (CLI_SESSION | CLI_SESSION_OPTIONAL)) {
		rc = cli_session_resume(cli, !(cli->cmd->needs & CLI_SESSION));
		if (rc != 0)
			return rc;
	}
	return cli->cmd->exec(cli);
}

int cli_main(int argc, char **argv)
{
	struct cli cli = {0};
	int rc = cli_run(&cli, argc, argv);
	cli_release(&cli);
	/* A full disk or closed pipe on stdout must not pass for success
	 * in a script. */
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (rc == EXIT_CODE_OK)
			rc = cli_error(EXIT_CODE_INTERNAL, "cannot write output: %s",
				       strerror(errno));
	}
	return rc;
}
