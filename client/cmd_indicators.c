/*
 * assure indicators create, add, remove, rule, publish, show, list and
 * assure requirements list, add, retire: the Balanced Scorecard indicator
 * sets and the contractual requirements catalogue that annual contract
 * reviews are scored against (Indicators* and Requirements* in
 * assure.proto; DOMAIN.md "Annual contract review"). The server checks
 * thresholds against their direction, the overall rule, the set's moves,
 * that a published set is frozen and that one set is published a year;
 * the CLI shapes the requests and prints the answers. Numbers are decimal
 * text ("72.5"), passed through exactly.
 *
 * Versions: a change to a set carries --version N when given (exit 6 if
 * the set has changed since), otherwise none.
 *
 * --json: a set is one object (the IndicatorSet message's fields, with
 * "indicators" in show and after every change); indicators list prints an
 * array of sets without indicators; requirements list prints
 * {"catalogue_version", "requirements", "sfbh_domains"}; requirements add
 * and retire {"requirement", "catalogue_version"}.
 */
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

static const Assure__IndicatorSet *set_of(const Assure__IndicatorSet *s)
{
	static const Assure__IndicatorSet none = ASSURE__INDICATOR_SET__INIT;
	return s != NULL ? s : &none;
}

static const Assure__Requirement *requirement_of(const Assure__Requirement *r)
{
	static const Assure__Requirement none = ASSURE__REQUIREMENT__INIT;
	return r != NULL ? r : &none;
}

/* --version N into *out (0 when absent). 0 or EXIT_CODE_USAGE. */
static int version_flag(const struct cli *cli, uint64_t *out)
{
	const char *v = cli_flag(cli, "version");
	*out = 0;
	return v != NULL ? cli_parse_number(v, "--version", UINT64_MAX, out) : 0;
}

static int check_version_flag(struct cli *cli)
{
	uint64_t v;
	return version_flag(cli, &v);
}

static const char version_help[] =
    "refuse (exit 6) if the set has changed since it was at this version (indicators show)";

/* --- sets: JSON and tables -------------------------------------------- */

static void json_indicator(struct cli_json *j, const Assure__Indicator *i)
{
	cli_json_object_begin(j);
	cli_json_field_string(j, "code", cli_str(i->code));
	cli_json_field_string(j, "name", cli_str(i->name));
	cli_json_field_string(j, "domain", cli_str(i->domain));
	cli_json_field_string(j, "unit", cli_str(i->unit));
	cli_json_field_string(j, "direction", cli_str(i->direction));
	cli_json_field_string(j, "green", cli_str(i->green));
	cli_json_field_string(j, "amber", cli_str(i->amber));
	cli_json_field_string(j, "weight", cli_str(i->weight));
	cli_json_field_bool(j, "critical", i->critical);
	cli_json_field_uint(j, "position", i->position);
	cli_json_object_end(j);
}

static void json_set_fields(struct cli_json *j, const void *item)
{
	const Assure__IndicatorSet *s = item;
	cli_json_field_string(j, "name", cli_str(s->name));
	cli_json_field_string(j, "year", cli_str(s->year));
	cli_json_field_string(j, "state", cli_str(s->state));
	cli_json_field_string(j, "green_mean", cli_str(s->green_mean));
	cli_json_field_string(j, "red_mean", cli_str(s->red_mean));
	cli_json_field_string(j, "from_set", cli_str(s->from_set));
	cli_json_field_time(j, "created_at", s->created_at);
	cli_json_field_string(j, "created_by", cli_str(s->created_by));
	cli_json_field_time(j, "published_at", s->published_at);
	cli_json_field_string(j, "published_by", cli_str(s->published_by));
	cli_json_field_uint(j, "version", s->version);
	cli_json_field_uint(j, "indicator_count", s->indicator_count);
}

static void print_set_json(const Assure__IndicatorSet *s)
{
	struct cli_json j;
	cli_json_init(&j, stdout);
	cli_json_object_begin(&j);
	json_set_fields(&j, s);
	cli_json_key(&j, "indicators");
	cli_json_array_begin(&j);
	for (size_t i = 0; i < s->n_indicators; i++)
		json_indicator(&j, s->indicators[i]);
	cli_json_array_end(&j);
	cli_json_object_end(&j);
}

static void print_set(const Assure__IndicatorSet *s)
{
	char version[24], count[24], created[32], published[32];
	snprintf(version, sizeof version, "%" PRIu64, s->version);
	snprintf(count, sizeof count, "%u", s->indicator_count);
	cli_format_time(s->created_at, created, sizeof created);
	cli_format_time(s->published_at, published, sizeof published);
	char *rule = xasprintf("green at a weighted mean of %s or more, red below %s",
			       cli_or_dash(s->green_mean), cli_or_dash(s->red_mean));
	char *made = xasprintf("%s by %s", created, cli_or_dash(s->created_by));
	char *pub = s->published_at ? xasprintf("%s by %s", published, cli_or_dash(s->published_by))
				    : xstrdup("not published");
	struct cli_row rows[10];
	size_t n = 0;
	rows[n++] = (struct cli_row){"Indicator set", cli_str(s->name)};
	rows[n++] = (struct cli_row){"Year", cli_str(s->year)};
	rows[n++] = (struct cli_row){"State", cli_str(s->state)};
	rows[n++] = (struct cli_row){"Overall rule", rule};
	rows[n++] = (struct cli_row){"Copied from", cli_or_dash(s->from_set)};
	rows[n++] = (struct cli_row){"Created", made};
	rows[n++] = (struct cli_row){"Published", pub};
	rows[n++] = (struct cli_row){"Indicators", count};
	rows[n++] = (struct cli_row){"Version", version};
	cli_print_rows(stdout, rows, n);
	free(pub);
	free(made);
	free(rule);

	static const char *const headers[] = {"#",	"CODE",	 "NAME",  "DOMAIN", "UNIT",
					      "BETTER", "GREEN", "AMBER", "WEIGHT", "CRITICAL"};
	printf("\n");
	if (s->n_indicators == 0) {
		printf("No indicators.\n");
		return;
	}
	struct cli_columns *c = cli_columns_new(headers, 10);
	for (size_t i = 0; i < s->n_indicators; i++) {
		const Assure__Indicator *d = s->indicators[i];
		char pos[16];
		snprintf(pos, sizeof pos, "%u", d->position);
		const char *cells[10] = {pos,
					 cli_str(d->code),
					 cli_str(d->name),
					 cli_str(d->domain),
					 cli_or_dash(d->unit),
					 cli_str(d->direction),
					 cli_str(d->green),
					 cli_str(d->amber),
					 cli_str(d->weight),
					 d->critical ? "yes" : "no"};
		cli_columns_add(c, cells);
	}
	cli_columns_print(c, stdout);
	cli_columns_free(c);
}

/* Prints a changed set: the sentence (or --json, the set with its
 * indicators). Frees resp. */
static int finish_set(struct cli *cli, Assure__Response *resp, const Assure__IndicatorSet *s,
		      const char *what)
{
	if (cli->json)
		print_set_json(s);
	else
		cli_say("Indicator set %s (%s, %s): %s; %u indicators, version %" PRIu64 ".",
			cli_str(s->name), cli_str(s->year), cli_str(s->state), what,
			s->indicator_count, s->version);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

/* --- assure indicators create ------------------------------------------ */

static int cmd_indicators_create_exec(struct cli *cli)
{
	Assure__IndicatorsCreateRequest create = ASSURE__INDICATORS_CREATE_REQUEST__INIT;
	create.name = (char *)cli->arg;
	create.year = cli_flag_str(cli, "year");
	create.from_set = cli_flag_str(cli, "from");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_INDICATORS_CREATE, &create, &resp);
	if (rc != 0)
		return rc;
	return finish_set(cli, resp, set_of(resp->indicators_create->set),
			  *create.from_set != '\0' ? "created as a copy" : "created");
}

static const struct cli_flag indicators_create_flags[] = {
    {"year", "YYYY/YY", CLI_FLAG_REQUIRED, "the review year it is for, e.g. 2009/10"},
    {"from", "SET", 0, "copy the indicators and overall rule of this set"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_indicators_create = {
    .noun = "indicators",
    .verb = "create",
    .summary = "create a draft indicator set for a review year",
    .help = "Creates an indicator set in draft for a review year (2009/10 runs from 1 April\n"
	    "2009 to 31 March 2010), with the default overall rule (green at a weighted\n"
	    "mean of 1.5 or more, red below 0.75). --from copies another set's indicators\n"
	    "and rule, e.g. last year's published set. Set names are unique (exit 6).\n"
	    "--json prints the set object with its indicators.",
    .needs = CLI_SESSION,
    .flags = indicators_create_flags,
    .arg = "NAME",
    .exec = cmd_indicators_create_exec,
};

/* --- assure indicators add ---------------------------------------------- */

static int cmd_indicators_add_exec(struct cli *cli)
{
	Assure__IndicatorsAddRequest add = ASSURE__INDICATORS_ADD_REQUEST__INIT;
	Assure__Indicator ind = ASSURE__INDICATOR__INIT;
	if (version_flag(cli, &add.version) != 0)
		return EXIT_CODE_USAGE;
	ind.code = cli_flag_str(cli, "code");
	ind.name = cli_flag_str(cli, "name");
	ind.domain = cli_flag_str(cli, "domain");
	ind.unit = cli_flag_str(cli, "unit");
	ind.direction = cli_flag_str(cli, "direction");
	ind.green = cli_flag_str(cli, "green");
	ind.amber = cli_flag_str(cli, "amber");
	ind.weight = cli_flag_str(cli, "weight");
	ind.critical = cli_flag(cli, "critical") != NULL;
	add.set = (char *)cli->arg;
	add.indicator = &ind;
	add.replace = cli_flag(cli, "replace") != NULL;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_INDICATORS_ADD, &add, &resp);
	if (rc != 0)
		return rc;
	char *what = xasprintf("%s %s", add.replace ? "replaced" : "added", ind.code);
	rc = finish_set(cli, resp, set_of(resp->indicators_add->set), what);
	free(what);
	return rc;
}

static const struct cli_flag indicators_add_flags[] = {
    {"code", "CODE", CLI_FLAG_REQUIRED, "the indicator's code: A-Z, 0-9, _ . - (QOF01)"},
    {"name", "TEXT", CLI_FLAG_REQUIRED, "what it measures"},
    {"domain", "D", CLI_FLAG_REQUIRED,
     "qof, access, patient-experience, prescribing, public-health, contractual, referrals or "
     "workforce"},
    {"unit", "U", CLI_FLAG_REQUIRED, "the unit of its values (%, points, days, ...)"},
    {"direction", "higher|lower", CLI_FLAG_REQUIRED, "which is better"},
    {"green", "X", CLI_FLAG_REQUIRED, "a value meeting this is green"},
    {"amber", "Y", CLI_FLAG_REQUIRED, "a value meeting this (but not green) is amber; else red"},
    {"weight", "W", 0, "its weight in the overall mean (default 1)"},
    {"critical", NULL, 0, "red here makes the overall result red"},
    {"replace", NULL, 0, "change the indicator of the same code instead of adding one"},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_indicators_add = {
    .noun = "indicators",
    .verb = "add",
    .summary = "add (or replace) an indicator in a set",
    .help = "Adds an indicator to a draft or consultation set, after its last (its column\n"
	    "in the scorecard), or with --replace changes the one with the same code in\n"
	    "place. Thresholds follow the direction: where higher is better green is at or\n"
	    "above amber; where lower is better green is at or below amber (exit 8\n"
	    "otherwise, naming the threshold). A value at a threshold meets it. Numbers\n"
	    "have at most 4 decimal places. A published set is frozen (exit 7). --json\n"
	    "prints the set with its indicators.",
    .needs = CLI_SESSION,
    .flags = indicators_add_flags,
    .arg = "SET",
    .check = check_version_flag,
    .exec = cmd_indicators_add_exec,
};

/* --- assure indicators remove -------------------------------------------- */

static int cmd_indicators_remove_exec(struct cli *cli)
{
	Assure__IndicatorsRemoveRequest rm = ASSURE__INDICATORS_REMOVE_REQUEST__INIT;
	if (version_flag(cli, &rm.version) != 0)
		return EXIT_CODE_USAGE;
	rm.set = (char *)cli->arg;
	rm.code = (char *)cli->arg2;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_INDICATORS_REMOVE, &rm, &resp);
	if (rc != 0)
		return rc;
	char *what = xasprintf("removed %s", rm.code);
	rc = finish_set(cli, resp, set_of(resp->indicators_remove->set), what);
	free(what);
	return rc;
}

static const struct cli_flag version_only_flags[] = {
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_indicators_remove = {
    .noun = "indicators",
    .verb = "remove",
    .summary = "remove an indicator from a set",
    .help = "Removes indicator CODE from a draft or consultation set (a published set is\n"
	    "frozen: exit 7; no such indicator: exit 5). --json prints the set with its\n"
	    "indicators.",
    .needs = CLI_SESSION,
    .flags = version_only_flags,
    .arg = "SET",
    .arg2 = "CODE",
    .check = check_version_flag,
    .exec = cmd_indicators_remove_exec,
};

/* --- assure indicators rule ----------------------------------------------- */

static int cmd_indicators_rule_check(struct cli *cli)
{
	if (cli_flag(cli, "green-mean") == NULL && cli_flag(cli, "red-mean") == NULL)
		return cli_error(EXIT_CODE_USAGE,
				 "indicators rule: nothing to change; give --green-mean, "
				 "--red-mean or both");
	return check_version_flag(cli);
}

static int cmd_indicators_rule_exec(struct cli *cli)
{
	Assure__IndicatorsRuleRequest rule = ASSURE__INDICATORS_RULE_REQUEST__INIT;
	if (version_flag(cli, &rule.version) != 0)
		return EXIT_CODE_USAGE;
	rule.set = (char *)cli->arg;
	rule.green_mean = cli_flag_str(cli, "green-mean");
	rule.red_mean = cli_flag_str(cli, "red-mean");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_INDICATORS_RULE, &rule, &resp);
	if (rc != 0)
		return rc;
	const Assure__IndicatorSet *s = set_of(resp->indicators_rule->set);
	char *what = xasprintf("rule green at %s or more, red below %s", cli_str(s->green_mean),
			       cli_str(s->red_mean));
	rc = finish_set(cli, resp, s, what);
	free(what);
	return rc;
}

static const struct cli_flag indicators_rule_flags[] = {
    {"green-mean", "X", 0, "weighted mean at or above which the result is green (1.5)"},
    {"red-mean", "Y", 0, "weighted mean below which the result is red (0.75)"},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_indicators_rule = {
    .noun = "indicators",
    .verb = "rule",
    .summary = "set a set's overall RAG rule",
    .help = "Sets the overall rule of a draft or consultation set. Indicators score green\n"
	    "2, amber 1, red 0; the weighted mean at or above the green mean is green,\n"
	    "below the red mean red, otherwise amber (then a critical red makes it red and\n"
	    "an unmet contractual requirement caps it at amber). 0 <= red < green <= 2,\n"
	    "each with at most 2 decimal places (exit 8 otherwise). The rule freezes with\n"
	    "the set. --json prints the set with its indicators.",
    .needs = CLI_SESSION,
    .flags = indicators_rule_flags,
    .arg = "SET",
    .check = cmd_indicators_rule_check,
    .exec = cmd_indicators_rule_exec,
};

/* --- assure indicators publish -------------------------------------------- */

static int cmd_indicators_publish_exec(struct cli *cli)
{
	Assure__IndicatorsPublishRequest pub = ASSURE__INDICATORS_PUBLISH_REQUEST__INIT;
	if (version_flag(cli, &pub.version) != 0)
		return EXIT_CODE_USAGE;
	pub.set = (char *)cli->arg;
	pub.to = cli_flag_str(cli, "to");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_INDICATORS_PUBLISH, &pub, &resp);
	if (rc != 0)
		return rc;
	const Assure__IndicatorSet *s = set_of(resp->indicators_publish->set);
	char *what = xasprintf("now %s", cli_str(s->state));
	rc = finish_set(cli, resp, s, what);
	free(what);
	return rc;
}

static const struct cli_flag indicators_publish_flags[] = {
    {"to", "consultation|draft|published", 0,
     "consultation (out to consultation), draft (back for revision) or published (the "
     "default)"},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_indicators_publish = {
    .noun = "indicators",
    .verb = "publish",
    .summary = "publish a set, or move it to consultation or back to draft",
    .help = "Publishes a set (from draft or consultation), or with --to consultation puts a\n"
	    "draft out to consultation, or with --to draft sends a consultation back for\n"
	    "revision. Consultation and publication need a complete set: at least one\n"
	    "indicator, each well formed, and a valid rule. Only one set is published\n"
	    "for a review year (exit 7 naming the one that is). A published set is frozen:\n"
	    "its indicators, thresholds, weights and rule never change again, and it\n"
	    "scores that year's reviews. --json prints the set with its indicators.",
    .needs = CLI_SESSION,
    .flags = indicators_publish_flags,
    .arg = "SET",
    .check = check_version_flag,
    .exec = cmd_indicators_publish_exec,
};

/* --- assure indicators show / list ----------------------------------------- */

static int cmd_indicators_show_exec(struct cli *cli)
{
	Assure__IndicatorsShowRequest show = ASSURE__INDICATORS_SHOW_REQUEST__INIT;
	show.set = (char *)cli->arg;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_INDICATORS_SHOW, &show, &resp);
	if (rc != 0)
		return rc;
	const Assure__IndicatorSet *s = set_of(resp->indicators_show->set);
	if (cli->json)
		print_set_json(s);
	else
		print_set(s);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_indicators_show = {
    .noun = "indicators",
    .verb = "show",
    .summary = "show an indicator set with its indicators",
    .help = "Shows a set: year, state, overall rule, who created and published it,\n"
	    "version (for --version), and its indicators in scorecard column order with\n"
	    "their domains, units, directions, thresholds, weights and whether critical.\n"
	    "Unknown: exit 5. --json prints the set object with \"indicators\".",
    .needs = CLI_SESSION,
    .arg = "SET",
    .exec = cmd_indicators_show_exec,
};

static void set_cells(const void *item, char **cells)
{
	const Assure__IndicatorSet *s = item;
	cells[0] = xstrdup(cli_str(s->name));
	cells[1] = xstrdup(cli_str(s->year));
	cells[2] = xstrdup(cli_str(s->state));
	cells[3] = xasprintf("%u", s->indicator_count);
	cells[4] = xasprintf("%s / %s", cli_or_dash(s->green_mean), cli_or_dash(s->red_mean));
	cells[5] = xstrdup(cli_or_dash(s->from_set));
}

static const char *const set_headers[] = {"NAME",	"YEAR",	     "STATE",
					  "INDICATORS", "GREEN/RED", "FROM"};
static const struct cli_list set_list = {set_headers, 6, set_cells, json_set_fields};

static int cmd_indicators_list_exec(struct cli *cli)
{
	Assure__IndicatorsListRequest list = ASSURE__INDICATORS_LIST_REQUEST__INIT;
	list.year = cli_flag_str(cli, "year");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_INDICATORS_LIST, &list, &resp);
	if (rc != 0)
		return rc;
	const Assure__IndicatorsListResponse *r = resp->indicators_list;
	cli_print_list(cli, &set_list, (const void *const *)r->sets, r->n_sets);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag indicators_list_flags[] = {
    {"year", "YYYY/YY", 0, "only sets for this review year"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_indicators_list = {
    .noun = "indicators",
    .verb = "list",
    .summary = "list indicator sets",
    .help = "Lists indicator sets, newest year first: name, year, state (draft,\n"
	    "consultation, published), how many indicators, the overall rule's green and\n"
	    "red means, and the set it was copied from. --year narrows the list. --json\n"
	    "prints an array of set objects (without their indicators).",
    .needs = CLI_SESSION,
    .flags = indicators_list_flags,
    .exec = cmd_indicators_list_exec,
};

/* --- assure requirements ------------------------------------------------------- */

static void json_requirement_fields(struct cli_json *j, const void *item)
{
	const Assure__Requirement *r = item;
	cli_json_field_string(j, "code", cli_str(r->code));
	cli_json_field_string(j, "title", cli_str(r->title));
	cli_json_field_string(j, "description", cli_str(r->description));
	cli_json_field_uint(j, "since_version", r->since_version);
	cli_json_field_uint(j, "retired_version", r->retired_version);
	cli_json_field_string(j, "retired_reason", cli_str(r->retired_reason));
}

static int cmd_requirements_list_exec(struct cli *cli)
{
	Assure__RequirementsListRequest list = ASSURE__REQUIREMENTS_LIST_REQUEST__INIT;
	list.include_retired = cli_flag(cli, "all") != NULL;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_REQUIREMENTS_LIST, &list, &resp);
	if (rc != 0)
		return rc;
	const Assure__RequirementsListResponse *r = resp->requirements_list;
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_field_uint(&j, "catalogue_version", r->catalogue_version);
		cli_json_key(&j, "requirements");
		cli_json_array_begin(&j);
		for (size_t i = 0; i < r->n_requirements; i++) {
			cli_json_object_begin(&j);
			json_requirement_fields(&j, r->requirements[i]);
			cli_json_object_end(&j);
		}
		cli_json_array_end(&j);
		cli_json_key(&j, "sfbh_domains");
		cli_json_array_begin(&j);
		for (size_t i = 0; i < r->n_sfbh_domains; i++) {
			cli_json_object_begin(&j);
			cli_json_field_string(&j, "code", cli_str(r->sfbh_domains[i]->code));
			cli_json_field_string(&j, "title", cli_str(r->sfbh_domains[i]->title));
			cli_json_object_end(&j);
		}
		cli_json_array_end(&j);
		cli_json_object_end(&j);
		assure__response__free_unpacked(resp, NULL);
		return 0;
	}
	printf("Requirements catalogue, version %u:\n", r->catalogue_version);
	static const char *const headers[] = {"CODE", "TITLE", "SINCE", "RETIRED"};
	struct cli_columns *c = cli_columns_new(headers, 4);
	for (size_t i = 0; i < r->n_requirements; i++) {
		const Assure__Requirement *q = r->requirements[i];
		char since[16];
		snprintf(since, sizeof since, "%u", q->since_version);
		char *retired = q->retired_version ? xasprintf("%u: %s", q->retired_version,
							       cli_str(q->retired_reason))
						   : xstrdup("-");
		const char *cells[4] = {cli_str(q->code), cli_str(q->title), since, retired};
		cli_columns_add(c, cells);
		free(retired);
	}
	cli_columns_print(c, stdout);
	cli_columns_free(c);
	printf("\nStandards for Better Health domains:\n");
	static const char *const dheaders[] = {"CODE", "TITLE"};
	c = cli_columns_new(dheaders, 2);
	for (size_t i = 0; i < r->n_sfbh_domains; i++) {
		const char *cells[2] = {cli_str(r->sfbh_domains[i]->code),
					cli_str(r->sfbh_domains[i]->title)};
		cli_columns_add(c, cells);
	}
	cli_columns_print(c, stdout);
	cli_columns_free(c);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag requirements_list_flags[] = {
    {"all", NULL, 0, "retired requirements too"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_requirements_list = {
    .noun = "requirements",
    .verb = "list",
    .summary = "list the contractual requirements catalogue",
    .help = "Lists the contractual and statutory requirements that annual reviews check,\n"
	    "with the catalogue version that added each (and, with --all, retired ones\n"
	    "and why), the current catalogue version, and the seven Standards for Better\n"
	    "Health domains. A review's checklist is the catalogue as it was when the\n"
	    "review was scheduled. --json prints {\"catalogue_version\", \"requirements\",\n"
	    "\"sfbh_domains\"}.",
    .needs = CLI_SESSION,
    .flags = requirements_list_flags,
    .exec = cmd_requirements_list_exec,
};

static int print_requirement_change(struct cli *cli, Assure__Response *resp,
				    const Assure__RequirementsResponse *r, const char *what)
{
	const Assure__Requirement *q = requirement_of(r->requirement);
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_key(&j, "requirement");
		cli_json_object_begin(&j);
		json_requirement_fields(&j, q);
		cli_json_object_end(&j);
		cli_json_field_uint(&j, "catalogue_version", r->catalogue_version);
		cli_json_object_end(&j);
	} else {
		cli_say("Requirement %s (%s) %s; catalogue version %u.", cli_str(q->code),
			cli_str(q->title), what, r->catalogue_version);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static int cmd_requirements_add_exec(struct cli *cli)
{
	Assure__RequirementsAddRequest add = ASSURE__REQUIREMENTS_ADD_REQUEST__INIT;
	add.code = cli_flag_str(cli, "code");
	add.title = cli_flag_str(cli, "title");
	add.description = cli_flag_str(cli, "description");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_REQUIREMENTS_ADD, &add, &resp);
	if (rc != 0)
		return rc;
	return print_requirement_change(cli, resp, resp->requirements_add, "added");
}

static const struct cli_flag requirements_add_flags[] = {
    {"code", "CODE", CLI_FLAG_REQUIRED, "its code: A-Z, 0-9, _ . - (CHAPERONE_POLICY)"},
    {"title", "TEXT", CLI_FLAG_REQUIRED, "what the practice must have or do"},
    {"description", "TEXT", 0, "more detail for reviewers"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_requirements_add = {
    .noun = "requirements",
    .verb = "add",
    .summary = "add a requirement to the catalogue",
    .help = "Adds a requirement to the catalogue as a new catalogue version; reviews\n"
	    "scheduled from now on check it. Codes are unique and never reused, even\n"
	    "once retired (exit 6). --json prints {\"requirement\", \"catalogue_version\"}.",
    .needs = CLI_SESSION,
    .flags = requirements_add_flags,
    .exec = cmd_requirements_add_exec,
};

static int cmd_requirements_retire_exec(struct cli *cli)
{
	Assure__RequirementsRetireRequest retire = ASSURE__REQUIREMENTS_RETIRE_REQUEST__INIT;
	retire.code = (char *)cli->arg;
	retire.reason = cli_flag_str(cli, "reason");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_REQUIREMENTS_RETIRE, &retire, &resp);
	if (rc != 0)
		return rc;
	return print_requirement_change(cli, resp, resp->requirements_retire, "retired");
}

static const struct cli_flag requirements_retire_flags[] = {
    {"reason", "TEXT", CLI_FLAG_REQUIRED, "why it is no longer checked"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_requirements_retire = {
    .noun = "requirements",
    .verb = "retire",
    .summary = "retire a requirement from the catalogue",
    .help = "Retires a requirement as a new catalogue version: reviews scheduled from now\n"
	    "on no longer check it; earlier reviews keep it. Already retired: exit 7.\n"
	    "--json prints {\"requirement\", \"catalogue_version\"}.",
    .needs = CLI_SESSION,
    .flags = requirements_retire_flags,
    .arg = "CODE",
    .exec = cmd_requirements_retire_exec,
};
