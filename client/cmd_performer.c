/*
 * assure performer add, list, show and admit: the PCT's Performers List
 * register (PerformerAdd ... PerformerAdmit in assure.proto; DOMAIN.md
 * "Performers"). The server checks registration numbers, national codes,
 * who may do what (performer.read to look, performer.write to add and
 * admit) and the admission rules (a quorate panel of panel members, the
 * moves from applied and deferred); the CLI only shapes the request and
 * the answer.
 *
 * --json: a performer is one object whose keys are the Performer message's
 * field names, with suspension an object (the Suspension message) or null;
 * performer show prints {"performer": ..., "history": [...], "concerns":
 * [...]} with the ListStatusChange and ConcernSummary field names.
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

/* The performer from a response's Performer field, with an empty stand-in
 * when a server left it out (proto3 makes every field optional). */
static const Assure__Performer *performer_of(const Assure__Performer *p)
{
	static const Assure__Performer none = ASSURE__PERFORMER__INIT;
	return p != NULL ? p : &none;
}

/* The list status as shown in tables: pharmacists are not on the list. */
static const char *status_shown(const Assure__Performer *p)
{
	const char *s = cli_str(p->list_status);
	return *s != '\0' ? s : "-";
}

static void json_suspension(struct cli_json *j, const Assure__Suspension *s)
{
	cli_json_object_begin(j);
	cli_json_field_string(j, "basis", cli_str(s->basis));
	cli_json_field_string(j, "reason", cli_str(s->reason));
	cli_json_field_string(j, "start", cli_str(s->start));
	cli_json_field_string(j, "period_end", cli_str(s->period_end));
	cli_json_field_string(j, "review_date", cli_str(s->review_date));
	cli_json_field_string(j, "concern_ref", cli_str(s->concern_ref));
	cli_json_field_string(j, "hearing_offered", cli_str(s->hearing_offered));
	cli_json_field_string(j, "notice_sent", cli_str(s->notice_sent));
	cli_json_field_bool(j, "extension", s->extension);
	cli_json_object_end(j);
}

/* Writes the fields of item, an Assure__Performer, into the JSON object
 * open in j. */
static void json_performer_fields(struct cli_json *j, const void *item)
{
	const Assure__Performer *p = item;
	cli_json_field_int(j, "id", p->id);
	cli_json_field_string(j, "profession", cli_str(p->profession));
	cli_json_field_string(j, "reg", cli_str(p->reg));
	cli_json_field_string(j, "name", cli_str(p->name));
	cli_json_field_string(j, "national_code", cli_str(p->national_code));
	cli_json_field_string(j, "list_status", cli_str(p->list_status));
	cli_json_field_bool(j, "suspended", p->suspended);
	cli_json_key(j, "suspension");
	if (p->suspension != NULL)
		json_suspension(j, p->suspension);
	else
		cli_json_null(j);
	cli_json_field_string(j, "conditions", cli_str(p->conditions));
	cli_json_field_time(j, "created_at", p->created_at);
	cli_json_field_uint(j, "version", p->version);
	cli_json_field_string(j, "regulator", cli_str(p->regulator));
}

static void print_performer_json(const Assure__Performer *p)
{
	struct cli_json j;
	cli_json_init(&j, stdout);
	cli_json_object_begin(&j);
	json_performer_fields(&j, p);
	cli_json_object_end(&j);
}

/* item, an Assure__Performer, as a row of performer list. */
static void performer_cells(const void *item, char **cells)
{
	const Assure__Performer *p = item;
	cells[0] = xasprintf("%" PRId64, p->id);
	cells[1] = xstrdup(cli_str(p->profession));
	cells[2] = xstrdup(cli_str(p->reg));
	cells[3] = xstrdup(cli_str(p->name));
	cells[4] = xstrdup(status_shown(p));
	cells[5] = xstrdup(p->suspended ? "yes" : "no");
}

static const char *const performer_headers[] = {"ID",	"PROFESSION", "REG",
						"NAME", "STATUS",     "SUSPENDED"};
static const struct cli_list performer_list = {performer_headers, 6, performer_cells,
					       json_performer_fields};

/* "GMC 1234567", or the bare number when the server named no regulator;
 * printable (the server's text goes to the terminal as it is). */
static char *registration(const Assure__Performer *p)
{
	const char *reg = cli_str(p->regulator);
	char *text = xasprintf("%s%s%s", reg, *reg != '\0' ? " " : "", cli_str(p->reg));
	char *shown = cli_printable(text);
	free(text);
	return shown;
}

static void print_performer_rows(const Assure__Performer *p)
{
	char id[24], created[32], version[24];
	snprintf(id, sizeof id, "%" PRId64, p->id);
	cli_format_time(p->created_at, created, sizeof created);
	snprintf(version, sizeof version, "%" PRIu64, p->version);
	char *reg = registration(p);
	const char *code = cli_str(p->national_code);
	const char *conditions = cli_str(p->conditions);
	const char *status = cli_str(p->list_status);
	struct cli_row rows[20];
	size_t n = 0;
	rows[n++] = (struct cli_row){"Performer", id};
	rows[n++] = (struct cli_row){"Name", cli_str(p->name)};
	rows[n++] = (struct cli_row){"Profession", cli_str(p->profession)};
	rows[n++] = (struct cli_row){"Registration", reg};
	rows[n++] = (struct cli_row){"National code", *code != '\0' ? code : "none"};
	rows[n++] = (struct cli_row){"List status",
				     *status != '\0' ? status : "not on the Performers List"};
	if (*conditions != '\0')
		rows[n++] = (struct cli_row){"Conditions", conditions};
	rows[n++] = (struct cli_row){"Suspended", p->suspended ? "yes" : "no"};
	const Assure__Suspension *s = p->suspension;
	if (s != NULL) {
		rows[n++] = (struct cli_row){"Suspension basis", cli_str(s->basis)};
		rows[n++] = (struct cli_row){"Suspension reason", cli_str(s->reason)};
		rows[n++] = (struct cli_row){"Suspended from", cli_str(s->start)};
		rows[n++] = (struct cli_row){
		    "Period ends", *cli_str(s->period_end) != '\0' ? s->period_end : "open-ended"};
		rows[n++] = (struct cli_row){"Review date", cli_str(s->review_date)};
		rows[n++] = (struct cli_row){"Concern", cli_str(s->concern_ref)};
		rows[n++] = (struct cli_row){"Hearing offered", cli_str(s->hearing_offered)};
		rows[n++] = (struct cli_row){"Notice sent", cli_str(s->notice_sent)};
		rows[n++] = (struct cli_row){"Extension", s->extension ? "yes" : "no"};
	}
	rows[n++] = (struct cli_row){"Created", created};
	rows[n++] = (struct cli_row){"Version", version};
	cli_print_rows(stdout, rows, n);
	free(reg);
}

/* --- assure performer add --------------------------------------------- */

static int cmd_performer_add_exec(struct cli *cli)
{
	Assure__PerformerAddRequest add = ASSURE__PERFORMER_ADD_REQUEST__INIT;
	add.profession = (char *)cli_flag(cli, "profession");
	add.reg = (char *)cli_flag(cli, "reg");
	add.name = (char *)cli_flag(cli, "name");
	add.national_code = (char *)cli_str(cli_flag(cli, "national-code"));
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_PERFORMER_ADD, &add, &resp);
	if (rc != 0)
		return rc;
	const Assure__Performer *p = performer_of(resp->performer_add->performer);
	if (cli->json) {
		print_performer_json(p);
	} else {
		char *reg = registration(p);
		char *name = cli_printable(cli_str(p->name));
		char *status = cli_printable(status_shown(p));
		printf("Added performer %" PRId64 " (%s, %s): status %s.\n", p->id, name, reg,
		       *cli_str(p->list_status) != '\0' ? status
							: "none (not on the Performers List)");
		free(status);
		free(name);
		free(reg);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag performer_add_flags[] = {
    {"profession", "P", CLI_FLAG_REQUIRED, "gp, dentist, optometrist or pharmacist"},
    {"reg", "NUMBER", CLI_FLAG_REQUIRED,
     "registration number with the regulator (GMC, GDC, GOC, RPSGB/GPhC)"},
    {"name", "TEXT", CLI_FLAG_REQUIRED, "the performer's name"},
    {"national-code", "CODE", 0,
     "GP national code (G + 7 digits) or dental performer code (D + 6 digits + check digit)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_performer_add = {
    .noun = "performer",
    .verb = "add",
    .summary = "add a performer (or pharmacist) to the register",
    .help = "Adds a performer with their profession, registration number and name. The\n"
	    "server checks the number's format for the profession (GMC 7 digits; GDC 1 to\n"
	    "6 digits; GOC 01- or 10- and 5 digits; RPSGB/GPhC 2 and 6 digits) and any\n"
	    "national code. A GP, dentist or optometrist starts as applied; a pharmacist\n"
	    "is not on the Performers List and has no list status. Prints the new id and\n"
	    "status; --json prints the performer object.",
    .needs = CLI_SESSION,
    .flags = performer_add_flags,
    .exec = cmd_performer_add_exec,
};

/* --- assure performer list -------------------------------------------- */

static int cmd_performer_list_exec(struct cli *cli)
{
	Assure__PerformerListRequest list = ASSURE__PERFORMER_LIST_REQUEST__INIT;
	list.profession = (char *)cli_str(cli_flag(cli, "profession"));
	list.status = (char *)cli_str(cli_flag(cli, "status"));
	list.suspended = cli_flag(cli, "suspended") != NULL;
	list.name = (char *)cli_str(cli_flag(cli, "name"));

	return cli_rpc_list_all(cli, ASSURE__REQUEST__OP_PERFORMER_LIST, &list, "performers",
				&performer_list);
}

static const struct cli_flag performer_list_flags[] = {
    {"profession", "P", 0, "only this profession (gp, dentist, optometrist, pharmacist)"},
    {"status", "S", 0, "only this list status (applied, included, ...)"},
    {"suspended", NULL, 0, "only suspended performers"},
    {"name", "TEXT", 0, "only names containing TEXT (any case)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_performer_list = {
    .noun = "performer",
    .verb = "list",
    .summary = "list performers",
    .help = "Lists performers with their profession, registration number, name, list\n"
	    "status (- for a pharmacist, who is not on the list) and whether suspended.\n"
	    "--profession, --status, --suspended and --name (a case-insensitive part of\n"
	    "the name, % and _ taken literally) narrow the list. Every page the server\n"
	    "sends is fetched. --json prints an array of performer objects.",
    .needs = CLI_SESSION,
    .flags = performer_list_flags,
    .exec = cmd_performer_list_exec,
};

/* --- assure performer show -------------------------------------------- */

static void json_change(struct cli_json *j, const Assure__ListStatusChange *c)
{
	cli_json_object_begin(j);
	cli_json_field_string(j, "from_status", cli_str(c->from_status));
	cli_json_field_string(j, "to_status", cli_str(c->to_status));
	cli_json_field_bool(j, "suspended_before", c->suspended_before);
	cli_json_field_bool(j, "suspended_after", c->suspended_after);
	cli_json_field_time(j, "at", c->at);
	cli_json_field_string(j, "by", cli_str(c->by));
	cli_json_field_string(j, "decision", cli_str(c->decision));
	cli_json_field_string(j, "rationale", cli_str(c->rationale));
	cli_json_field_string(j, "date", cli_str(c->date));
	cli_json_object_end(j);
}

static void json_concern(struct cli_json *j, const Assure__ConcernSummary *c)
{
	cli_json_object_begin(j);
	cli_json_field_string(j, "ref", cli_str(c->ref));
	cli_json_field_int(j, "performer_id", c->performer_id);
	cli_json_field_string(j, "performer_name", cli_str(c->performer_name));
	cli_json_field_string(j, "profession", cli_str(c->profession));
	cli_json_field_string(j, "state", cli_str(c->state));
	cli_json_field_string(j, "category", cli_str(c->category));
	cli_json_field_string(j, "band", cli_str(c->band));
	cli_json_field_int(j, "score", c->score);
	cli_json_field_string(j, "received", cli_str(c->received));
	cli_json_field_string(j, "case_manager", cli_str(c->case_manager));
	cli_json_field_string(j, "investigator", cli_str(c->investigator));
	cli_json_field_string(j, "next_due", cli_str(c->next_due));
	cli_json_field_bool(j, "overdue", c->overdue);
	cli_json_field_uint(j, "version", c->version);
	cli_json_object_end(j);
}

/* A status in the history table: "" (before the application, or a
 * pharmacist) as "-". */
static char *history_status(const char *s, int suspended)
{
	s = cli_str(s);
	return xasprintf("%s%s", *s != '\0' ? s : "-", suspended ? " (suspended)" : "");
}

static void print_history(const Assure__PerformerShowResponse *r)
{
	static const char *const headers[] = {"FROM",	  "TO",	       "WHEN", "BY",
					      "DECISION", "RATIONALE", "DATE"};
	printf("\nList status history:\n");
	if (r->n_history == 0) {
		printf("none\n");
		return;
	}
	struct cli_columns *c = cli_columns_new(headers, 7);
	for (size_t i = 0; i < r->n_history; i++) {
		const Assure__ListStatusChange *h = r->history[i];
		char when[32];
		cli_format_time(h->at, when, sizeof when);
		char *from = history_status(h->from_status, h->suspended_before);
		char *to = history_status(h->to_status, h->suspended_after);
		const char *cells[7] = {from,
					to,
					when,
					cli_str(h->by),
					cli_str(h->decision),
					cli_str(h->rationale),
					cli_str(h->date)};
		cli_columns_add(c, cells);
		free(to);
		free(from);
	}
	cli_columns_print(c, stdout);
	cli_columns_free(c);
}

static void print_concerns(const Assure__PerformerShowResponse *r)
{
	static const char *const headers[] = {"REF",  "STATE",	  "CATEGORY",
					      "BAND", "RECEIVED", "NEXT DUE"};
	printf("\nConcerns:\n");
	if (r->n_concerns == 0) {
		printf("none\n");
		return;
	}
	struct cli_columns *c = cli_columns_new(headers, 6);
	for (size_t i = 0; i < r->n_concerns; i++) {
		const Assure__ConcernSummary *k = r->concerns[i];
		char *due = xasprintf("%s%s", cli_str(k->next_due), k->overdue ? " (overdue)" : "");
		const char *cells[6] = {cli_str(k->ref),      cli_str(k->state),
					cli_str(k->category), cli_str(k->band),
					cli_str(k->received), due};
		cli_columns_add(c, cells);
		free(due);
	}
	cli_columns_print(c, stdout);
	cli_columns_free(c);
}

static int cmd_performer_show_exec(struct cli *cli)
{
	Assure__PerformerShowRequest show = ASSURE__PERFORMER_SHOW_REQUEST__INIT;
	show.performer = (char *)cli->arg;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_PERFORMER_SHOW, &show, &resp);
	if (rc != 0)
		return rc;
	const Assure__PerformerShowResponse *r = resp->performer_show;
	const Assure__Performer *p = performer_of(r->performer);
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_key(&j, "performer");
		cli_json_object_begin(&j);
		json_performer_fields(&j, p);
		cli_json_object_end(&j);
		cli_json_key(&j, "history");
		cli_json_array_begin(&j);
		for (size_t i = 0; i < r->n_history; i++)
			json_change(&j, r->history[i]);
		cli_json_array_end(&j);
		cli_json_key(&j, "concerns");
		cli_json_array_begin(&j);
		for (size_t i = 0; i < r->n_concerns; i++)
			json_concern(&j, r->concerns[i]);
		cli_json_array_end(&j);
		cli_json_object_end(&j);
	} else {
		print_performer_rows(p);
		print_history(r);
		print_concerns(r);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_performer_show = {
    .noun = "performer",
    .verb = "show",
    .summary = "show one performer with their list-status history",
    .help = "Shows a performer, found by id or by registration number: profession,\n"
	    "registration, national code, list status, conditions, suspension (basis,\n"
	    "dates) if any, version (for performer admit --version), the list-status\n"
	    "history (from, to, when, by whom, which decision, rationale, decision date)\n"
	    "and the concerns about them that you may see. --json prints {\"performer\",\n"
	    "\"history\", \"concerns\"}.",
    .needs = CLI_SESSION,
    .arg = "ID|REG",
    .exec = cmd_performer_show_exec,
};

/* --- assure performer admit ------------------------------------------- */

/* Every --panel value split at commas, into a new NULL-terminated array
 * (the caller frees it and its strings). 0 with *out and *n set, or
 * EXIT_CODE_USAGE with the error printed. */
static int panel_names(const struct cli *cli, char ***out, size_t *n)
{
	char **values;
	size_t nvalues = cli_flag_list(cli, "panel", &values);
	char **names = NULL;
	size_t count = 0;
	for (size_t i = 0; i < nvalues; i++) {
		const char *v = values[i];
		for (;;) {
			const char *comma = strchr(v, ',');
			size_t len = comma != NULL ? (size_t)(comma - v) : strlen(v);
			if (len == 0) {
				for (size_t k = 0; k < count; k++)
					free(names[k]);
				free(names);
				return cli_error(EXIT_CODE_USAGE,
						 "--panel: an empty name in \"%s\"; give "
						 "USER,USER,USER",
						 values[i]);
			}
			names = xrealloc(names, (count + 2) * sizeof *names);
			names[count] = xmalloc(len + 1);
			memcpy(names[count], v, len);
			names[count][len] = '\0';
			count++;
			names[count] = NULL;
			if (comma == NULL)
				break;
			v = comma + 1;
		}
	}
	*out = names;
	*n = count;
	return 0;
}

static int cmd_performer_admit_check(struct cli *cli)
{
	uint64_t v;
	if (cli_parse_number(cli->arg, "ID", INT64_MAX, &v) != 0)
		return EXIT_CODE_USAGE;
	const char *version = cli_flag(cli, "version");
	if (version != NULL && cli_parse_number(version, "--version", UINT64_MAX, &v) != 0)
		return EXIT_CODE_USAGE;
	char **names = NULL;
	size_t n = 0;
	if (panel_names(cli, &names, &n) != 0)
		return EXIT_CODE_USAGE;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return 0;
}

static int cmd_performer_admit_exec(struct cli *cli)
{
	Assure__PerformerAdmitRequest admit = ASSURE__PERFORMER_ADMIT_REQUEST__INIT;
	uint64_t id = 0;
	if (cli_parse_number(cli->arg, "ID", INT64_MAX, &id) != 0)
		return EXIT_CODE_USAGE; /* cmd_performer_admit_check let it through: cannot happen
					 */
	const char *version = cli_flag(cli, "version");
	if (version != NULL &&
	    cli_parse_number(version, "--version", UINT64_MAX, &admit.version) != 0)
		return EXIT_CODE_USAGE;
	char **panel = NULL;
	size_t npanel = 0;
	if (panel_names(cli, &panel, &npanel) != 0)
		return EXIT_CODE_USAGE;
	admit.performer_id = (int64_t)id;
	admit.decision = (char *)cli_flag(cli, "decision");
	admit.rationale = (char *)cli_flag(cli, "rationale");
	admit.conditions = (char *)cli_str(cli_flag(cli, "conditions"));
	admit.date = (char *)cli_str(cli_flag(cli, "date"));
	admit.panel = panel;
	admit.n_panel = npanel;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_PERFORMER_ADMIT, &admit, &resp);
	for (size_t i = 0; i < npanel; i++)
		free(panel[i]);
	free(panel);
	if (rc != 0)
		return rc;
	const Assure__Performer *p = performer_of(resp->performer_admit->performer);
	if (cli->json) {
		print_performer_json(p);
	} else {
		char *name = cli_printable(cli_str(p->name));
		char *status = cli_printable(status_shown(p));
		printf("Recorded admission decision for performer %" PRId64
		       " (%s): status %s, version %" PRIu64 ".\n",
		       p->id, name, status, p->version);
		free(status);
		free(name);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag performer_admit_flags[] = {
    {"decision", "D", CLI_FLAG_REQUIRED, "included, included-with-conditions, deferred or refused"},
    {"rationale", "TEXT", CLI_FLAG_REQUIRED, "the panel's reasons"},
    {"conditions", "TEXT", 0, "the conditions (included-with-conditions only, and needed there)"},
    {"panel", "USER,USER,USER", CLI_FLAG_REQUIRED | CLI_FLAG_REPEAT,
     "the deciding panel members, comma-separated (at least the quorum, 3)"},
    {"date", "YYYY-MM-DD", 0, "the date of the decision (default today; never in the future)"},
    {"version", "N", 0,
     "refuse (exit 6) if the performer has changed since it was at this version (performer "
     "show)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_performer_admit = {
    .noun = "performer",
    .verb = "admit",
    .summary = "record the panel's admission decision on an applicant",
    .help = "Records the decision panel's admission decision on an applicant (status\n"
	    "applied or deferred): included, included-with-conditions (with --conditions),\n"
	    "deferred (from applied only) or refused. --panel names the deciding panel,\n"
	    "comma-separated or repeated: at least 3 enabled users holding panel-member.\n"
	    "The change and the panel are recorded in the performer's list-status history.\n"
	    "With --version the decision is recorded only if nobody has changed the\n"
	    "performer since (else exit 6). --json prints the performer object.",
    .needs = CLI_SESSION,
    .flags = performer_admit_flags,
    .arg = "ID",
    .check = cmd_performer_admit_check,
    .exec = cmd_performer_admit_exec,
};
