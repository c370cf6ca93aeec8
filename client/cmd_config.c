/*
 * assure config show, config set, and config holiday list, add and remove:
 * the periods, panel quorum and NPSA bands an admin may change, and the
 * England and Wales bank-holiday table (ConfigShow ... HolidayRemove in
 * assure.proto; docs/CONFIG.md). Anyone logged in may look; changing needs
 * config.manage (the admin role). The server checks every value and
 * records every change, with its reason, in the audit trail; the CLI only
 * shapes the request and the answer.
 *
 * --json: a setting is one object with the Setting message's field names,
 * a holiday one with the Holiday message's.
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

/* --- output ----------------------------------------------------------- */

static void json_setting_fields(struct cli_json *j, const void *item)
{
	const Assure__Setting *s = item;
	cli_json_field_string(j, "key", cli_str(s->key));
	cli_json_field_string(j, "value", cli_str(s->value));
	cli_json_field_string(j, "default_value", cli_str(s->default_value));
	cli_json_field_string(j, "meaning", cli_str(s->meaning));
	cli_json_field_uint(j, "version", s->version);
	cli_json_field_string(j, "changed_by", cli_str(s->changed_by));
	cli_json_field_time(j, "changed_at", s->changed_at);
	cli_json_field_string(j, "reason", cli_str(s->reason));
}

static void json_holiday_fields(struct cli_json *j, const void *item)
{
	const Assure__Holiday *h = item;
	cli_json_field_string(j, "date", cli_str(h->date));
	cli_json_field_string(j, "name", cli_str(h->name));
	cli_json_field_string(j, "source", cli_str(h->source));
	cli_json_field_bool(j, "in_force", h->in_force);
	cli_json_field_string(j, "changed_by", cli_str(h->changed_by));
	cli_json_field_time(j, "changed_at", h->changed_at);
	cli_json_field_string(j, "reason", cli_str(h->reason));
}

static const Assure__Setting *setting_of(const Assure__Setting *s)
{
	static const Assure__Setting none = ASSURE__SETTING__INIT;
	return s != NULL ? s : &none;
}

static const Assure__Holiday *holiday_of(const Assure__Holiday *h)
{
	static const Assure__Holiday none = ASSURE__HOLIDAY__INIT;
	return h != NULL ? h : &none;
}

/* "Mon" ... "Sun" for a YYYY-MM-DD date (Sakamoto's method), "" if it is
 * not one: exactly four, two and two digits (the server's text, so a sign
 * or a short field is not trusted: a negative year once made the index
 * negative). */
static const char *weekday_of(const char *date)
{
	static const char *const names[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const int t[] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
	if (date == NULL || strlen(date) != 10 || date[4] != '-' || date[7] != '-')
		return "";
	for (size_t i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (date[i] < '0' || date[i] > '9'))
			return "";
	int y = atoi(date), m = atoi(date + 5), d = atoi(date + 8);
	if (y < 1 || m < 1 || m > 12 || d < 1 || d > 31)
		return "";
	if (m < 3)
		y--;
	return names[(y + y / 4 - y / 100 + y / 400 + t[m - 1] + d) % 7];
}

/* --- assure config show ----------------------------------------------- */

static void setting_cells(const void *item, char **cells)
{
	const Assure__Setting *s = item;
	char when[32];
	cli_format_time(s->changed_at, when, sizeof when);
	cells[0] = xstrdup(cli_str(s->key));
	cells[1] = xstrdup(cli_str(s->value));
	cells[2] = xstrdup(cli_str(s->default_value));
	cells[3] = xasprintf("%" PRIu64, s->version);
	cells[4] = *cli_str(s->changed_by) != '\0' ? xasprintf("%s by %s", when, s->changed_by)
						   : xstrdup("default");
}

static const char *const setting_headers[] = {"KEY", "VALUE", "DEFAULT", "VERSION", "CHANGED"};
static const struct cli_list setting_list = {setting_headers, 5, setting_cells,
					     json_setting_fields};

static int cmd_config_show_exec(struct cli *cli)
{
	Assure__ConfigShowRequest show = ASSURE__CONFIG_SHOW_REQUEST__INIT;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONFIG_SHOW, &show, &resp);
	if (rc != 0)
		return rc;
	const Assure__ConfigShowResponse *r = resp->config_show;
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_field_uint(&j, "config_version", r->config_version);
		cli_json_field_uint(&j, "holidays_added", r->holidays_added);
		cli_json_field_uint(&j, "holidays_removed", r->holidays_removed);
		cli_json_key(&j, "settings");
		cli_json_array_begin(&j);
		for (size_t i = 0; i < r->n_settings; i++) {
			cli_json_object_begin(&j);
			json_setting_fields(&j, setting_of(r->settings[i]));
			cli_json_object_end(&j);
		}
		cli_json_array_end(&j);
		cli_json_object_end(&j);
	} else {
		cli_print_list(cli, &setting_list, (const void *const *)r->settings, r->n_settings);
		printf("\nConfiguration version %" PRIu64 "; bank-holiday table: %" PRIu32
		       " day%s added, %" PRIu32 " default day%s removed (assure config holiday "
		       "list).\n",
		       r->config_version, r->holidays_added, r->holidays_added == 1 ? "" : "s",
		       r->holidays_removed, r->holidays_removed == 1 ? "" : "s");
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_config_show = {
    .noun = "config",
    .verb = "show",
    .summary = "show the periods, quorum and risk bands in force",
    .help = "Lists every setting with the value in force, its default, its version (1\n"
	    "while the default has never been changed) and who last changed it. Any\n"
	    "logged-in user may look. --json prints {\"config_version\", \"holidays_added\",\n"
	    "\"holidays_removed\", \"settings\": [setting objects]}.",
    .needs = CLI_SESSION,
    .exec = cmd_config_show_exec,
};

/* --- assure config set -------------------------------------------------- */

static int cmd_config_set_check(struct cli *cli)
{
	uint64_t v;
	const char *version = cli_flag(cli, "version");
	if (version != NULL && cli_parse_number(version, "--version", UINT64_MAX, &v) != 0)
		return EXIT_CODE_USAGE;
	return 0;
}

/* The key's version: --version, else the one the server shows now. */
static int setting_version(struct cli *cli, const char *key, uint64_t *out)
{
	const char *flag = cli_flag(cli, "version");
	if (flag != NULL)
		return cli_parse_number(flag, "--version", UINT64_MAX, out);
	Assure__ConfigShowRequest show = ASSURE__CONFIG_SHOW_REQUEST__INIT;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONFIG_SHOW, &show, &resp);
	if (rc != 0)
		return rc;
	/* An unknown key: send version 1 and let the server name the keys. */
	*out = 1;
	for (size_t i = 0; i < resp->config_show->n_settings; i++) {
		const Assure__Setting *s = setting_of(resp->config_show->settings[i]);
		if (strcmp(cli_str(s->key), key) == 0)
			*out = s->version;
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

/* What a change to key applies to, as the server's audit record says. */
static const char *applies(const char *key)
{
	if (strncmp(key, "review.", 7) == 0)
		return "It applies to QOF recorded from now on; reviews already recorded keep the "
		       "maxima their QOF was checked against.";
	if (strcmp(key, "concern.bands") == 0)
		return "It applies to grades given from now on; grades already given keep their "
		       "band.";
	return "It applies to clocks started from now on; deadlines already set keep their "
	       "dates.";
}

static int cmd_config_set_exec(struct cli *cli)
{
	Assure__ConfigSetRequest set = ASSURE__CONFIG_SET_REQUEST__INIT;
	set.key = (char *)cli->arg;
	set.value = (char *)cli->arg2;
	set.reason = (char *)cli_str(cli_flag(cli, "reason"));
	int rc = setting_version(cli, cli->arg, &set.version);
	if (rc != 0)
		return rc;
	Assure__Response *resp = NULL;
	rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONFIG_SET, &set, &resp);
	if (rc != 0)
		return rc;
	const Assure__ConfigSetResponse *r = resp->config_set;
	const Assure__Setting *s = setting_of(r->setting);
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_key(&j, "setting");
		cli_json_object_begin(&j);
		json_setting_fields(&j, s);
		cli_json_object_end(&j);
		cli_json_field_string(&j, "old_value", cli_str(r->old_value));
		cli_json_field_bool(&j, "changed", r->changed);
		cli_json_field_uint(&j, "config_version", r->config_version);
		cli_json_object_end(&j);
	} else if (r->changed) {
		char *key = cli_printable(cli_str(s->key));
		char *old = cli_printable(cli_str(r->old_value));
		char *now = cli_printable(cli_str(s->value));
		printf("%s: %s -> %s (version %" PRIu64 "). %s\n", key, old, now, s->version,
		       applies(cli_str(s->key)));
		free(key);
		free(old);
		free(now);
	} else {
		char *key = cli_printable(cli_str(s->key));
		char *now = cli_printable(cli_str(s->value));
		printf("%s is already %s; nothing changed (version %" PRIu64 ").\n", key, now,
		       s->version);
		free(key);
		free(now);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag config_set_flags[] = {
    {"reason", "TEXT", CLI_FLAG_REQUIRED, "why (kept in the audit trail)"},
    {"version", "N", 0,
     "change it only if the setting is still at version N (from config show); default: "
     "the version it has now"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_config_set = {
    .noun = "config",
    .verb = "set",
    .summary = "change a period, the panel quorum, the risk bands or the QOF maxima",
    .help = "Sets KEY to VALUE (needs config.manage). Periods are a number and a unit:\n"
	    "wd working days, d days, w weeks, m months (5wd, 28d, 12w, 6m); each key\n"
	    "keeps the unit of its rule, only the number changes. concern.panel-quorum\n"
	    "is 1 to 15. concern.bands is low:1-3,moderate:4-6,high:8-12,extreme:15-25\n"
	    "(all four, in order, no gaps). review.qof-maxima is\n"
	    "clinical:697,organisational:167.5,patient-experience:91.5,additional-services:44\n"
	    "(all four domains, summing to exactly 1000). A change applies to clocks\n"
	    "started after it (deadlines already set keep their dates) and to QOF\n"
	    "recorded after it (recorded reviews keep their maxima). The old and new values and\n"
	    "the reason go to the audit trail. With --version N the change is made only\n"
	    "if nobody changed the setting since (else exit 6). --json prints\n"
	    "{\"setting\", \"old_value\", \"changed\", \"config_version\"}.",
    .needs = CLI_SESSION,
    .flags = config_set_flags,
    .arg = "KEY",
    .arg2 = "VALUE",
    .check = cmd_config_set_check,
    .exec = cmd_config_set_exec,
};

/* --- assure config holiday list ----------------------------------------- */

static void holiday_cells(const void *item, char **cells)
{
	const Assure__Holiday *h = item;
	cells[0] = xstrdup(cli_str(h->date));
	cells[1] = xstrdup(weekday_of(h->date));
	cells[2] = xstrdup(cli_str(h->name));
	cells[3] = xstrdup(cli_or_dash(h->source));
	cells[4] = xstrdup(cli_or_dash(h->changed_by));
	cells[5] = xstrdup(cli_or_dash(h->reason));
}

static const char *const holiday_headers[] = {"DATE", "DAY", "NAME", "SOURCE", "BY", "REASON"};
static const struct cli_list holiday_list = {holiday_headers, 6, holiday_cells,
					     json_holiday_fields};

static int parse_year(const char *s, const char *what, int32_t *out)
{
	uint64_t v = 0;
	if (cli_parse_number(s, what, 9999, &v) != 0)
		return EXIT_CODE_USAGE;
	*out = (int32_t)v;
	return 0;
}

static int cmd_config_holiday_list_check(struct cli *cli)
{
	int32_t y;
	const char *year = cli_flag(cli, "year"), *to = cli_flag(cli, "to");
	if (year != NULL && parse_year(year, "--year", &y) != 0)
		return EXIT_CODE_USAGE;
	if (to != NULL && parse_year(to, "--to", &y) != 0)
		return EXIT_CODE_USAGE;
	if (to != NULL && year == NULL)
		return cli_error(EXIT_CODE_USAGE, "--to needs --year (the first year)");
	return 0;
}

static int cmd_config_holiday_list_exec(struct cli *cli)
{
	Assure__HolidayListRequest list = ASSURE__HOLIDAY_LIST_REQUEST__INIT;
	const char *year = cli_flag(cli, "year"), *to = cli_flag(cli, "to");
	if ((year != NULL && parse_year(year, "--year", &list.first_year) != 0) ||
	    (to != NULL && parse_year(to, "--to", &list.last_year) != 0))
		return EXIT_CODE_USAGE;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_HOLIDAY_LIST, &list, &resp);
	if (rc != 0)
		return rc;
	cli_print_list(cli, &holiday_list, (const void *const *)resp->holiday_list->holidays,
		       resp->holiday_list->n_holidays);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag config_holiday_list_flags[] = {
    {"year", "YYYY", 0, "the year to list (default: this year)"},
    {"to", "YYYY", 0, "list --year to this year"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_config_holiday_list = {
    .noun = "config",
    .verb = "holiday list",
    .summary = "list the England and Wales bank holidays",
    .help = "Lists the bank holidays working-day deadlines skip, for this year or\n"
	    "--year YYYY [--to YYYY] (the table covers 1990 to 2100). SOURCE is default\n"
	    "(gov.uk's rules), added (by an admin) or removed (a default day an admin\n"
	    "took out, not in force). Any logged-in user may look. --json prints an\n"
	    "array of holiday objects.",
    .needs = CLI_SESSION,
    .flags = config_holiday_list_flags,
    .check = cmd_config_holiday_list_check,
    .exec = cmd_config_holiday_list_exec,
};

/* --- assure config holiday add / remove --------------------------------- */

static int print_holiday_change(struct cli *cli, const Assure__HolidayChangeResponse *r,
				const char *done)
{
	const Assure__Holiday *h = holiday_of(r->holiday);
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		json_holiday_fields(&j, h);
		cli_json_field_uint(&j, "config_version", r->config_version);
		cli_json_object_end(&j);
		return 0;
	}
	/* The date is the server's text too: printed only as printable. */
	char *date = cli_printable(cli_str(h->date));
	char *name = cli_printable(cli_str(h->name));
	printf("Bank holiday %s (%s, %s) %s; configuration version %" PRIu64 ".\n", date,
	       weekday_of(h->date), name, done, r->config_version);
	free(date);
	free(name);
	return 0;
}

static int cmd_config_holiday_add_exec(struct cli *cli)
{
	Assure__HolidayAddRequest add = ASSURE__HOLIDAY_ADD_REQUEST__INIT;
	add.date = (char *)cli->arg;
	add.name = (char *)cli_str(cli_flag(cli, "name"));
	add.reason = (char *)cli_str(cli_flag(cli, "reason"));
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_HOLIDAY_ADD, &add, &resp);
	if (rc != 0)
		return rc;
	const Assure__Holiday *h = holiday_of(resp->holiday_add->holiday);
	rc = print_holiday_change(cli, resp->holiday_add,
				  strcmp(cli_str(h->source), "default") == 0
				      ? "restored (a default day removed earlier)"
				      : "added");
	assure__response__free_unpacked(resp, NULL);
	return rc;
}

static const struct cli_flag config_holiday_add_flags[] = {
    {"name", "TEXT", CLI_FLAG_REQUIRED, "what the day is (\"Jubilee bank holiday\")"},
    {"reason", "TEXT", CLI_FLAG_REQUIRED, "why (kept in the audit trail)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_config_holiday_add = {
    .noun = "config",
    .verb = "holiday add",
    .summary = "add a bank holiday (a proclamation)",
    .help = "Adds DATE (YYYY-MM-DD, a weekday, 1990 to 2100) to the bank-holiday table\n"
	    "(needs config.manage). A date already in the table is refused (exit 6); a\n"
	    "default day removed earlier is restored under its own name. Working-day\n"
	    "deadlines started from now on skip it; deadlines already set keep their\n"
	    "dates. --json prints the holiday object plus \"config_version\".",
    .needs = CLI_SESSION,
    .flags = config_holiday_add_flags,
    .arg = "DATE",
    .exec = cmd_config_holiday_add_exec,
};

static int cmd_config_holiday_remove_exec(struct cli *cli)
{
	Assure__HolidayRemoveRequest rm = ASSURE__HOLIDAY_REMOVE_REQUEST__INIT;
	rm.date = (char *)cli->arg;
	rm.reason = (char *)cli_str(cli_flag(cli, "reason"));
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_HOLIDAY_REMOVE, &rm, &resp);
	if (rc != 0)
		return rc;
	rc = print_holiday_change(cli, resp->holiday_remove, "removed");
	assure__response__free_unpacked(resp, NULL);
	return rc;
}

static const struct cli_flag config_holiday_remove_flags[] = {
    {"reason", "TEXT", CLI_FLAG_REQUIRED, "why (kept in the audit trail)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_config_holiday_remove = {
    .noun = "config",
    .verb = "holiday remove",
    .summary = "take a day out of the bank-holiday table",
    .help = "Removes DATE from the bank-holiday table (needs config.manage): a day an\n"
	    "admin added is taken out again; a default day is marked removed (config\n"
	    "holiday list still shows it, as removed). A date that is not a bank holiday\n"
	    "is exit 5. --json prints the holiday object plus \"config_version\".",
    .needs = CLI_SESSION,
    .flags = config_holiday_remove_flags,
    .arg = "DATE",
    .exec = cmd_config_holiday_remove_exec,
};
