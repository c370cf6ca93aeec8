/*
 * assure contract add, list, show, set, notice add, notice outcome: the
 * PCT's GP contracts and the remedial and breach notices given under them
 * (ContractAdd ... ContractNoticeOutcome in assure.proto; DOMAIN.md
 * "Contracts"). The server checks the ODS code, type, dates, list size,
 * site and notice rules, and who may do what (contract.read to look,
 * contract.write to change); the CLI shapes the requests and prints the
 * answers. ODS codes are upper-cased before they are sent.
 *
 * Versions. Every change carries the contract's version: --version N
 * when given (exit 6 if someone changed the contract since), otherwise
 * none, and the server applies the change to the contract as it is.
 *
 * --json: add and set print the contract object; notice add and outcome
 * {"contract": ..., "notice": ...}; show {"contract", "reviews",
 * "notices", "history"}; list an array of contract objects. Keys are the
 * proto's field names; Unix times are RFC 3339 strings or null.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_columns.h"
#include "cli_json.h"
#include "status.h"
#include "xmalloc.h"

/* --- small helpers ---------------------------------------------------- */

static const Assure__Contract *contract_of(const Assure__Contract *c)
{
	static const Assure__Contract none = ASSURE__CONTRACT__INIT;
	return c != NULL ? c : &none;
}

static const Assure__ContractNotice *notice_of(const Assure__ContractNotice *n)
{
	static const Assure__ContractNotice none = ASSURE__CONTRACT_NOTICE__INIT;
	return n != NULL ? n : &none;
}

/* An ODS code as the user typed it, upper-cased (caller frees). */
static char *ods_upper(const char *s)
{
	char *u = xstrdup(cli_str(s));
	for (char *p = u; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	return u;
}

/* Parses the optional number flag --name into *out (0 when absent). 0 or
 * EXIT_CODE_USAGE with the error printed. */
static int number_flag(const struct cli *cli, const char *name, uint64_t max, uint64_t *out)
{
	const char *v = cli_flag(cli, name);
	*out = 0;
	if (v == NULL)
		return 0;
	char what[40];
	snprintf(what, sizeof what, "--%s", name);
	return cli_parse_number(v, what, max, out);
}

/* --- JSON ------------------------------------------------------------- */

static void json_contract_fields(struct cli_json *j, const void *item)
{
	const Assure__Contract *c = item;
	cli_json_field_string(j, "ods", cli_str(c->ods));
	cli_json_field_string(j, "name", cli_str(c->name));
	cli_json_field_string(j, "type", cli_str(c->type));
	cli_json_field_uint(j, "list_size", c->list_size);
	cli_json_field_string(j, "site", cli_str(c->site));
	cli_json_field_string(j, "start", cli_str(c->start));
	cli_json_field_string(j, "end", cli_str(c->end));
	cli_json_field_uint(j, "version", c->version);
	cli_json_field_time(j, "created_at", c->created_at);
	cli_json_field_time(j, "updated_at", c->updated_at);
	cli_json_field_string(j, "updated_by", cli_str(c->updated_by));
	cli_json_field_string(j, "last_year", cli_str(c->last_year));
	cli_json_field_string(j, "last_rag", cli_str(c->last_rag));
	cli_json_field_string(j, "next_visit_type", cli_str(c->next_visit_type));
}

static void json_contract(struct cli_json *j, const Assure__Contract *c)
{
	cli_json_object_begin(j);
	json_contract_fields(j, c);
	cli_json_object_end(j);
}

static void json_notice(struct cli_json *j, const Assure__ContractNotice *n)
{
	cli_json_object_begin(j);
	cli_json_field_uint(j, "number", n->number);
	cli_json_field_string(j, "kind", cli_str(n->kind));
	cli_json_field_string(j, "text", cli_str(n->text));
	cli_json_field_string(j, "steps", cli_str(n->steps));
	cli_json_field_string(j, "date", cli_str(n->date));
	cli_json_field_uint(j, "period_days", n->period_days);
	cli_json_field_string(j, "reason", cli_str(n->reason));
	cli_json_field_string(j, "deadline", cli_str(n->deadline));
	cli_json_field_string(j, "outcome", cli_str(n->outcome));
	cli_json_field_string(j, "outcome_date", cli_str(n->outcome_date));
	cli_json_field_string(j, "outcome_rationale", cli_str(n->outcome_rationale));
	cli_json_field_time(j, "outcome_at", n->outcome_at);
	cli_json_field_string(j, "outcome_by", cli_str(n->outcome_by));
	cli_json_field_string(j, "review_ref", cli_str(n->review_ref));
	cli_json_field_time(j, "at", n->at);
	cli_json_field_string(j, "by", cli_str(n->by));
	cli_json_field_bool(j, "overdue", n->overdue);
	cli_json_object_end(j);
}

static void json_review(struct cli_json *j, const Assure__ReviewSummary *r)
{
	cli_json_object_begin(j);
	cli_json_field_string(j, "ref", cli_str(r->ref));
	cli_json_field_string(j, "year", cli_str(r->year));
	cli_json_field_string(j, "kind", cli_str(r->kind));
	cli_json_field_string(j, "state", cli_str(r->state));
	cli_json_field_string(j, "visit_type", cli_str(r->visit_type));
	cli_json_field_string(j, "scheduled", cli_str(r->scheduled));
	cli_json_field_string(j, "visited", cli_str(r->visited));
	cli_json_field_string(j, "rag", cli_str(r->rag));
	cli_json_field_string(j, "computed_rag", cli_str(r->computed_rag));
	cli_json_field_bool(j, "overridden", r->overridden);
	cli_json_field_string(j, "next_visit_type", cli_str(r->next_visit_type));
	cli_json_field_bool(j, "mid_year_follow_up", r->mid_year_follow_up);
	cli_json_field_uint(j, "open_actions", r->open_actions);
	cli_json_field_uint(j, "overdue_actions", r->overdue_actions);
	cli_json_field_uint(j, "version", r->version);
	cli_json_field_string(j, "indicator_set", cli_str(r->indicator_set));
	cli_json_object_end(j);
}

static void json_change(struct cli_json *j, const Assure__ContractChange *c)
{
	cli_json_object_begin(j);
	cli_json_field_time(j, "at", c->at);
	cli_json_field_string(j, "by", cli_str(c->by));
	cli_json_field_string(j, "detail", cli_str(c->detail));
	cli_json_field_string(j, "reason", cli_str(c->reason));
	cli_json_object_end(j);
}

static void print_contract_json(const Assure__Contract *c)
{
	struct cli_json j;
	cli_json_init(&j, stdout);
	json_contract(&j, c);
}

static void print_notice_json(const Assure__ContractNoticeResponse *r)
{
	struct cli_json j;
	cli_json_init(&j, stdout);
	cli_json_object_begin(&j);
	cli_json_key(&j, "contract");
	json_contract(&j, contract_of(r->contract));
	cli_json_key(&j, "notice");
	json_notice(&j, notice_of(r->notice));
	cli_json_object_end(&j);
}

/* --- assure contract add ---------------------------------------------- */

static int cmd_contract_add_check(struct cli *cli)
{
	uint64_t n;
	return number_flag(cli, "list-size", UINT32_MAX, &n);
}

static int cmd_contract_add_exec(struct cli *cli)
{
	Assure__ContractAddRequest add = ASSURE__CONTRACT_ADD_REQUEST__INIT;
	uint64_t size = 0;
	if (number_flag(cli, "list-size", UINT32_MAX, &size) != 0)
		return EXIT_CODE_USAGE;
	char *ods = ods_upper(cli_flag(cli, "ods"));
	add.ods = ods;
	add.name = cli_flag_str(cli, "name");
	add.type = cli_flag_str(cli, "type");
	add.list_size = (uint32_t)size;
	add.site = cli_flag_str(cli, "site");
	add.start = cli_flag_str(cli, "start");
	add.end = cli_flag_str(cli, "end");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONTRACT_ADD, &add, &resp);
	free(ods);
	if (rc != 0)
		return rc;
	const Assure__Contract *c = contract_of(resp->contract_add->contract);
	if (cli->json)
		print_contract_json(c);
	else
		cli_say("Added contract %s (%s): %s, list size %u, site %s; version %" PRIu64 ".",
			cli_str(c->ods), cli_str(c->name), cli_str(c->type), c->list_size,
			cli_str(c->site), c->version);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag contract_add_flags[] = {
    {"ods", "CODE", CLI_FLAG_REQUIRED, "the practice's ODS code: a letter and 5 digits (E84001)"},
    {"name", "TEXT", CLI_FLAG_REQUIRED, "the practice's name"},
    {"type", "gms|pms|apms|pctms", CLI_FLAG_REQUIRED, "contract type"},
    {"list-size", "N", CLI_FLAG_REQUIRED, "registered patients"},
    {"site", "CODE", CLI_FLAG_REQUIRED, "the PCT site that manages the contract"},
    {"start", "YYYY-MM-DD", 0, "the contract's start (required for apms)"},
    {"end", "YYYY-MM-DD", 0, "the end of an APMS contract's fixed term (apms only, required)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_contract_add = {
    .noun = "contract",
    .verb = "add",
    .summary = "add a practice's contract",
    .help = "Adds a GP practice's contract: its ODS code (a capital letter and 5 digits,\n"
	    "unique), name, type (gms, pms, apms or pctms), list size and the PCT site\n"
	    "that manages it. An APMS contract is let for a fixed term: it needs --start\n"
	    "and an --end after it; the other types run until terminated and have no end.\n"
	    "A duplicate ODS code is exit 6; a malformed field exit 8 naming it; an unknown\n"
	    "site exit 5. --json prints the contract object.",
    .needs = CLI_SESSION,
    .flags = contract_add_flags,
    .check = cmd_contract_add_check,
    .exec = cmd_contract_add_exec,
};

/* --- assure contract list --------------------------------------------- */

static void contract_cells(const void *item, char **cells)
{
	const Assure__Contract *c = item;
	cells[0] = xstrdup(cli_str(c->ods));
	cells[1] = xstrdup(cli_str(c->name));
	cells[2] = xstrdup(cli_str(c->type));
	cells[3] = xasprintf("%u", c->list_size);
	cells[4] = xstrdup(cli_str(c->site));
	cells[5] = xstrdup(cli_or_dash(c->start));
	cells[6] = xstrdup(cli_or_dash(c->end));
	cells[7] = *cli_str(c->last_rag) != '\0' ? xasprintf("%s (%s)", c->last_rag, c->last_year)
						 : xstrdup("-");
}

static const char *const contract_headers[] = {"ODS",  "NAME",	"TYPE", "LIST-SIZE",
					       "SITE", "START", "END",	"LAST-RAG"};
static const struct cli_list contract_list = {contract_headers, 8, contract_cells,
					      json_contract_fields};

static int cmd_contract_list_exec(struct cli *cli)
{
	Assure__ContractListRequest list = ASSURE__CONTRACT_LIST_REQUEST__INIT;
	list.type = cli_flag_str(cli, "type");
	list.site = cli_flag_str(cli, "site");
	list.name = cli_flag_str(cli, "name");
	return cli_rpc_list_all(cli, ASSURE__REQUEST__OP_CONTRACT_LIST, &list, "contracts",
				&contract_list);
}

static const struct cli_flag contract_list_flags[] = {
    {"type", "gms|pms|apms|pctms", 0, "only this contract type"},
    {"site", "CODE", 0, "only contracts managed by this site"},
    {"name", "TEXT", 0, "only practice names containing TEXT (any case)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_contract_list = {
    .noun = "contract",
    .verb = "list",
    .summary = "list contracts",
    .help = "Lists contracts by ODS code: name, type, list size, site, start and end\n"
	    "dates and the result of the latest finalised annual review. --type, --site\n"
	    "and --name (a case-insensitive part of the name, % and _ taken literally)\n"
	    "narrow the list. Every page the server sends is fetched. --json prints an\n"
	    "array of contract objects.",
    .needs = CLI_SESSION,
    .flags = contract_list_flags,
    .exec = cmd_contract_list_exec,
};

/* --- assure contract show --------------------------------------------- */

static void print_contract_rows(const Assure__Contract *c)
{
	char size[24], version[24], created[32], updated[32];
	snprintf(size, sizeof size, "%u", c->list_size);
	snprintf(version, sizeof version, "%" PRIu64, c->version);
	cli_format_time(c->created_at, created, sizeof created);
	cli_format_time(c->updated_at, updated, sizeof updated);
	char *last = *cli_str(c->last_rag) != '\0'
			 ? xasprintf("%s (%s); next visit %s", c->last_rag, cli_str(c->last_year),
				     cli_or_dash(c->next_visit_type))
			 : xstrdup("no finalised annual review");
	char *changed = xasprintf("%s by %s", updated, cli_or_dash(c->updated_by));
	struct cli_row rows[12];
	size_t n = 0;
	rows[n++] = (struct cli_row){"Contract", cli_str(c->ods)};
	rows[n++] = (struct cli_row){"Practice", cli_str(c->name)};
	rows[n++] = (struct cli_row){"Type", cli_str(c->type)};
	rows[n++] = (struct cli_row){"List size", size};
	rows[n++] = (struct cli_row){"Site", cli_str(c->site)};
	rows[n++] = (struct cli_row){"Start", *cli_str(c->start) ? c->start : "not recorded"};
	rows[n++] = (struct cli_row){"End", *cli_str(c->end) ? c->end : "none (open-ended)"};
	rows[n++] = (struct cli_row){"Last review", last};
	rows[n++] = (struct cli_row){"Created", created};
	rows[n++] = (struct cli_row){"Changed", changed};
	rows[n++] = (struct cli_row){"Version", version};
	cli_print_rows(stdout, rows, n);
	free(changed);
	free(last);
}

static void print_reviews(const Assure__ContractShowResponse *r)
{
	static const char *const headers[] = {"REF", "YEAR",	   "KIND",   "STATE",
					      "RAG", "NEXT-VISIT", "ACTIONS"};
	printf("\nReviews:\n");
	if (r->n_reviews == 0) {
		printf("none\n");
		return;
	}
	struct cli_columns *c = cli_columns_new(headers, 7);
	for (size_t i = 0; i < r->n_reviews; i++) {
		const Assure__ReviewSummary *v = r->reviews[i];
		char *rag =
		    xasprintf("%s%s", cli_or_dash(v->rag), v->overridden ? " (override)" : "");
		char *actions =
		    xasprintf("%u open, %u overdue", v->open_actions, v->overdue_actions);
		const char *cells[7] = {cli_str(v->ref),
					cli_str(v->year),
					cli_str(v->kind),
					cli_str(v->state),
					rag,
					cli_or_dash(v->next_visit_type),
					actions};
		cli_columns_add(c, cells);
		free(actions);
		free(rag);
	}
	cli_columns_print(c, stdout);
	cli_columns_free(c);
}

static void print_notices(const Assure__ContractShowResponse *r)
{
	static const char *const headers[] = {"N",	  "KIND",    "DATE",   "PERIOD",
					      "DEADLINE", "OUTCOME", "REVIEW", "TEXT"};
	printf("\nNotices:\n");
	if (r->n_notices == 0) {
		printf("none\n");
		return;
	}
	struct cli_columns *c = cli_columns_new(headers, 8);
	for (size_t i = 0; i < r->n_notices; i++) {
		const Assure__ContractNotice *n = r->notices[i];
		char num[16];
		snprintf(num, sizeof num, "%u", n->number);
		char *period = n->period_days ? xasprintf("%u days", n->period_days) : xstrdup("-");
		char *deadline =
		    xasprintf("%s%s", cli_or_dash(n->deadline), n->overdue ? " (overdue)" : "");
		char *outcome = *cli_str(n->outcome) != '\0'
				    ? xasprintf("%s %s", n->outcome, cli_str(n->outcome_date))
				    : xstrdup("open");
		const char *cells[8] = {
		    num,      cli_str(n->kind), cli_str(n->date),	    period,
		    deadline, outcome,		cli_or_dash(n->review_ref), cli_str(n->text)};
		cli_columns_add(c, cells);
		free(outcome);
		free(deadline);
		free(period);
	}
	cli_columns_print(c, stdout);
	cli_columns_free(c);
}

static void print_history(const Assure__ContractShowResponse *r)
{
	static const char *const headers[] = {"WHEN", "BY", "CHANGE", "REASON"};
	printf("\nHistory:\n");
	if (r->n_history == 0) {
		printf("none\n");
		return;
	}
	struct cli_columns *c = cli_columns_new(headers, 4);
	for (size_t i = 0; i < r->n_history; i++) {
		const Assure__ContractChange *h = r->history[i];
		char when[32];
		cli_format_time(h->at, when, sizeof when);
		/* One row per changed field, the time, person and reason on the first. */
		char *detail = xstrdup(cli_str(h->detail));
		char *save = NULL;
		char *line = strtok_r(detail, "\n", &save);
		const char *cells[4] = {when, cli_str(h->by), line ? line : "",
					cli_or_dash(h->reason)};
		cli_columns_add(c, cells);
		while (line != NULL && (line = strtok_r(NULL, "\n", &save)) != NULL) {
			const char *more[4] = {"", "", line, ""};
			cli_columns_add(c, more);
		}
		free(detail);
	}
	cli_columns_print(c, stdout);
	cli_columns_free(c);
}

static int cmd_contract_show_exec(struct cli *cli)
{
	Assure__ContractShowRequest show = ASSURE__CONTRACT_SHOW_REQUEST__INIT;
	char *ods = ods_upper(cli->arg);
	show.ods = ods;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONTRACT_SHOW, &show, &resp);
	free(ods);
	if (rc != 0)
		return rc;
	const Assure__ContractShowResponse *r = resp->contract_show;
	const Assure__Contract *c = contract_of(r->contract);
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_key(&j, "contract");
		json_contract(&j, c);
		cli_json_key(&j, "reviews");
		cli_json_array_begin(&j);
		for (size_t i = 0; i < r->n_reviews; i++)
			json_review(&j, r->reviews[i]);
		cli_json_array_end(&j);
		cli_json_key(&j, "notices");
		cli_json_array_begin(&j);
		for (size_t i = 0; i < r->n_notices; i++)
			json_notice(&j, r->notices[i]);
		cli_json_array_end(&j);
		cli_json_key(&j, "history");
		cli_json_array_begin(&j);
		for (size_t i = 0; i < r->n_history; i++)
			json_change(&j, r->history[i]);
		cli_json_array_end(&j);
		cli_json_object_end(&j);
	} else {
		print_contract_rows(c);
		print_reviews(r);
		print_notices(r);
		print_history(r);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_contract_show = {
    .noun = "contract",
    .verb = "show",
    .summary = "show one contract with its reviews, notices and history",
    .help = "Shows a contract by ODS code: its fields, the latest finalised annual\n"
	    "review's result and next visit type, version (for --version), its annual and\n"
	    "mid-year reviews (newest year first), its notices (overdue ones marked) and\n"
	    "its change history (\"field: old -> new\" with the reason). Unknown: exit 5.\n"
	    "--json prints {\"contract\", \"reviews\", \"notices\", \"history\"}.",
    .needs = CLI_SESSION,
    .arg = "ODS",
    .exec = cmd_contract_show_exec,
};

/* --- assure contract set ---------------------------------------------- */

static int cmd_contract_set_check(struct cli *cli)
{
	uint64_t n;
	if (number_flag(cli, "list-size", UINT32_MAX, &n) != 0 ||
	    number_flag(cli, "version", UINT64_MAX, &n) != 0)
		return EXIT_CODE_USAGE;
	if (cli_flag(cli, "end") != NULL && cli_flag(cli, "clear-end") != NULL)
		return cli_error(EXIT_CODE_USAGE, "--end and --clear-end do not go together");
	static const char *const fields[] = {"name",  "type", "list-size", "site",
					     "start", "end",  "clear-end", NULL};
	for (size_t i = 0; fields[i] != NULL; i++)
		if (cli_flag(cli, fields[i]) != NULL)
			return 0;
	return cli_error(EXIT_CODE_USAGE, "contract set: nothing to change; give --name, --type, "
					  "--list-size, --site, --start, --end or --clear-end");
}

static int cmd_contract_set_exec(struct cli *cli)
{
	Assure__ContractSetRequest set = ASSURE__CONTRACT_SET_REQUEST__INIT;
	uint64_t size = 0;
	if (number_flag(cli, "list-size", UINT32_MAX, &size) != 0 ||
	    number_flag(cli, "version", UINT64_MAX, &set.version) != 0)
		return EXIT_CODE_USAGE;
	char *ods = ods_upper(cli->arg);
	set.ods = ods;
	set.name = cli_flag_str(cli, "name");
	set.type = cli_flag_str(cli, "type");
	set.list_size = (uint32_t)size;
	set.site = cli_flag_str(cli, "site");
	set.start = cli_flag_str(cli, "start");
	set.end = cli_flag_str(cli, "end");
	set.clear_end = cli_flag(cli, "clear-end") != NULL;
	set.reason = cli_flag_str(cli, "reason");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONTRACT_SET, &set, &resp);
	free(ods);
	if (rc != 0)
		return rc;
	const Assure__Contract *c = contract_of(resp->contract_set->contract);
	if (cli->json)
		print_contract_json(c);
	else
		cli_say("Changed contract %s (%s): %s, list size %u, site %s; version %" PRIu64 ".",
			cli_str(c->ods), cli_str(c->name), cli_str(c->type), c->list_size,
			cli_str(c->site), c->version);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const char version_help[] =
    "refuse (exit 6) if the contract has changed since it was at this version (contract show)";

static const struct cli_flag contract_set_flags[] = {
    {"name", "TEXT", 0, "the practice's new name"},
    {"type", "gms|pms|apms|pctms", 0, "the new contract type"},
    {"list-size", "N", 0, "the new list size"},
    {"site", "CODE", 0, "the site that now manages the contract"},
    {"start", "YYYY-MM-DD", 0, "the contract's start"},
    {"end", "YYYY-MM-DD", 0, "the end of an APMS contract's fixed term"},
    {"clear-end", NULL, 0, "remove the end date (the contract is no longer APMS)"},
    {"reason", "TEXT", CLI_FLAG_REQUIRED, "why; kept in the contract's history"},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_contract_set = {
    .noun = "contract",
    .verb = "set",
    .summary = "change a contract's details, with a reason",
    .help = "Changes a contract's name, type, list size, site or dates. The reason is\n"
	    "required; each changed field is kept in the contract's history as \"field:\n"
	    "old -> new\". The dates are checked against the type the contract will have:\n"
	    "a contract that stops being APMS needs --clear-end. With --version N the\n"
	    "change is made only if nobody has changed the contract since (else exit 6).\n"
	    "--json prints the contract object.",
    .needs = CLI_SESSION,
    .flags = contract_set_flags,
    .arg = "ODS",
    .check = cmd_contract_set_check,
    .exec = cmd_contract_set_exec,
};

/* --- assure contract notice add --------------------------------------- */

static int cmd_notice_add_check(struct cli *cli)
{
	uint64_t n;
	if (number_flag(cli, "period-days", UINT32_MAX, &n) != 0 ||
	    number_flag(cli, "version", UINT64_MAX, &n) != 0)
		return EXIT_CODE_USAGE;
	return 0;
}

static int cmd_notice_add_exec(struct cli *cli)
{
	Assure__ContractNoticeAddRequest add = ASSURE__CONTRACT_NOTICE_ADD_REQUEST__INIT;
	uint64_t period = 0;
	if (number_flag(cli, "period-days", UINT32_MAX, &period) != 0 ||
	    number_flag(cli, "version", UINT64_MAX, &add.version) != 0)
		return EXIT_CODE_USAGE;
	char *ods = ods_upper(cli->arg);
	add.ods = ods;
	add.kind = cli_flag_str(cli, "kind");
	add.text = cli_flag_str(cli, "text");
	add.steps = cli_flag_str(cli, "steps");
	add.period_days = (uint32_t)period;
	add.reason = cli_flag_str(cli, "reason");
	add.date = cli_flag_str(cli, "date");
	add.review_ref = cli_flag_str(cli, "review");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONTRACT_NOTICE_ADD, &add, &resp);
	free(ods);
	if (rc != 0)
		return rc;
	const Assure__ContractNoticeResponse *r = resp->contract_notice_add;
	if (cli->json) {
		print_notice_json(r);
	} else {
		const Assure__ContractNotice *n = notice_of(r->notice);
		const Assure__Contract *c = contract_of(r->contract);
		if (*cli_str(n->deadline) != '\0')
			cli_say(
			    "%s notice %u on %s issued %s: %u days to put it right, deadline %s; "
			    "contract version %" PRIu64 ".",
			    cli_str(n->kind), n->number, cli_str(c->ods), cli_str(n->date),
			    n->period_days, n->deadline, c->version);
		else
			cli_say("%s notice %u on %s issued %s; contract version %" PRIu64 ".",
				cli_str(n->kind), n->number, cli_str(c->ods), cli_str(n->date),
				c->version);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag notice_add_flags[] = {
    {"kind", "remedial|breach", CLI_FLAG_REQUIRED,
     "remedial (a breach that can be put right) or breach (one that cannot)"},
    {"text", "TEXT", CLI_FLAG_REQUIRED, "the breach of the contract"},
    {"steps", "TEXT", 0, "remedial: what must be done to put it right, when not in --text"},
    {"period-days", "N", 0,
     "remedial: days to take the steps (default and minimum 28 unless patient safety "
     "requires less)"},
    {"reason", "TEXT", 0, "remedial: why patient safety requires a period under 28 days"},
    {"date", "YYYY-MM-DD", 0, "the date issued (default today; never in the future)"},
    {"review", "REF", 0, "the review it arose from (REV-YYYY-NNNN)"},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_contract_notice_add = {
    .noun = "contract",
    .verb = "notice add",
    .summary = "issue a remedial or breach notice",
    .help = "Records a contract notice. A remedial notice is for a breach that can be put\n"
	    "right: it names the breach and the steps (--text, or the steps apart with\n"
	    "--steps) and gives a period\n"
	    "of at least 28 days (the default) to take them; a shorter period needs the\n"
	    "patient-safety --reason that requires it. Its deadline is the date plus the\n"
	    "period. A breach notice is for a breach that cannot be put right: no steps,\n"
	    "no period, no deadline. Notices are numbered 1, 2, ... per contract. --json\n"
	    "prints {\"contract\", \"notice\"}.",
    .needs = CLI_SESSION,
    .flags = notice_add_flags,
    .arg = "ODS",
    .check = cmd_notice_add_check,
    .exec = cmd_notice_add_exec,
};

/* --- assure contract notice outcome ----------------------------------- */

static int cmd_notice_outcome_check(struct cli *cli)
{
	uint64_t n;
	if (cli_parse_number(cli->arg2, "N", UINT32_MAX, &n) != 0 ||
	    number_flag(cli, "version", UINT64_MAX, &n) != 0)
		return EXIT_CODE_USAGE;
	return 0;
}

static int cmd_notice_outcome_exec(struct cli *cli)
{
	Assure__ContractNoticeOutcomeRequest out = ASSURE__CONTRACT_NOTICE_OUTCOME_REQUEST__INIT;
	uint64_t number = 0;
	if (cli_parse_number(cli->arg2, "N", UINT32_MAX, &number) != 0 ||
	    number_flag(cli, "version", UINT64_MAX, &out.version) != 0)
		return EXIT_CODE_USAGE;
	char *ods = ods_upper(cli->arg);
	out.ods = ods;
	out.number = (uint32_t)number;
	out.outcome = cli_flag_str(cli, "outcome");
	out.date = cli_flag_str(cli, "date");
	out.rationale = cli_flag_str(cli, "rationale");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONTRACT_NOTICE_OUTCOME, &out, &resp);
	free(ods);
	if (rc != 0)
		return rc;
	const Assure__ContractNoticeResponse *r = resp->contract_notice_outcome;
	if (cli->json) {
		print_notice_json(r);
	} else {
		const Assure__ContractNotice *n = notice_of(r->notice);
		const Assure__Contract *c = contract_of(r->contract);
		cli_say("%s notice %u on %s: %s on %s; contract version %" PRIu64 ".",
			cli_str(n->kind), n->number, cli_str(c->ods), cli_str(n->outcome),
			cli_str(n->outcome_date), c->version);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag notice_outcome_flags[] = {
    {"outcome", "remedied|not-remedied|withdrawn", CLI_FLAG_REQUIRED,
     "what became of it (a breach notice is never remedied)"},
    {"date", "YYYY-MM-DD", 0, "when (default today; not before the notice, not in the future)"},
    {"rationale", "TEXT", 0, "why, or the evidence"},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_contract_notice_outcome = {
    .noun = "contract",
    .verb = "notice outcome",
    .summary = "record the outcome of a notice",
    .help = "Records the outcome of notice N of the contract: remedied (a remedial\n"
	    "notice's breach was put right), not-remedied or withdrawn. An outcome is\n"
	    "recorded once (exit 7 after that); a breach notice cannot be remedied (exit\n"
	    "7). --json prints {\"contract\", \"notice\"}.",
    .needs = CLI_SESSION,
    .flags = notice_outcome_flags,
    .arg = "ODS",
    .arg2 = "N",
    .check = cmd_notice_outcome_check,
    .exec = cmd_notice_outcome_exec,
};
