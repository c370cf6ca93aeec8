/*
 * assure site add and site list: the PCT's sites (practices, offices),
 * which users belong to. Codes are upper-cased by the server.
 *
 * --json: a site is one object with the Site message's field names (users
 * is the number of users at the site).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "cli_columns.h"
#include "cli_json.h"
#include "status.h"
#include "xmalloc.h"

/* Writes the fields of item, an Assure__Site, into the JSON object open
 * in j. */
static void json_site_fields(struct cli_json *j, const void *item)
{
	const Assure__Site *s = item;
	cli_json_field_string(j, "code", cli_str(s->code));
	cli_json_field_string(j, "name", cli_str(s->name));
	cli_json_field_uint(j, "users", s->users);
	cli_json_field_time(j, "created_at", s->created_at);
}

/* --- assure site add -------------------------------------------------- */

static int cmd_site_add_exec(struct cli *cli)
{
	Assure__SiteAddRequest add = ASSURE__SITE_ADD_REQUEST__INIT;
	add.code = (char *)cli->arg;
	add.name = (char *)cli_flag(cli, "name");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_SITE_ADD, &add, &resp);
	if (rc != 0)
		return rc;
	static const Assure__Site none = ASSURE__SITE__INIT;
	const Assure__Site *s = resp->site_add->site != NULL ? resp->site_add->site : &none;
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		json_site_fields(&j, s);
		cli_json_object_end(&j);
	} else {
		/* The code as the server stored it (upper-cased). */
		char *code = cli_printable(*cli_str(s->code) != '\0' ? s->code : cli->arg);
		char *name = cli_printable(*cli_str(s->name) != '\0' ? s->name : add.name);
		printf("Added site %s (%s).\n", code, name);
		free(name);
		free(code);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag site_add_flags[] = {
    {"name", "TEXT", CLI_FLAG_REQUIRED, "the site's name"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_site_add = {
    .noun = "site",
    .verb = "add",
    .summary = "add a PCT site",
    .help = "Adds a site. CODE is 1 to 16 letters, digits and dashes, starting with a\n"
	    "letter or digit; the server upper-cases it. --json prints the site object.",
    .needs = CLI_SESSION,
    .flags = site_add_flags,
    .arg = "CODE",
    .exec = cmd_site_add_exec,
};

/* --- assure site list ------------------------------------------------- */

static void site_cells(const void *item, char **cells)
{
	const Assure__Site *s = item;
	char created[32];
	cli_format_time(s->created_at, created, sizeof created);
	cells[0] = xstrdup(cli_str(s->code));
	cells[1] = xstrdup(cli_str(s->name));
	cells[2] = xasprintf("%" PRIu32, s->users);
	cells[3] = xstrdup(created);
}

static const char *const site_headers[] = {"CODE", "NAME", "USERS", "CREATED"};
static const struct cli_list site_list = {site_headers, 4, site_cells, json_site_fields};

static int cmd_site_list_exec(struct cli *cli)
{
	Assure__SiteListRequest list = ASSURE__SITE_LIST_REQUEST__INIT;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_SITE_LIST, &list, &resp);
	if (rc != 0)
		return rc;
	cli_print_list(cli, &site_list, (const void *const *)resp->site_list->sites,
		       resp->site_list->n_sites);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_site_list = {
    .noun = "site",
    .verb = "list",
    .summary = "list the PCT's sites",
    .help = "Lists the sites with their names and how many users each has. Any logged-in\n"
	    "user may list them. --json prints an array of site objects.",
    .needs = CLI_SESSION,
    .exec = cmd_site_list_exec,
};
