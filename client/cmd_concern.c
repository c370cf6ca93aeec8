/*
 * assure concern ...: concerns about performers and pharmacists, from
 * intake to close (ConcernOpen ... ConcernDue in assure.proto; DOMAIN.md
 * "Concerns"). The server enforces the state machine, who may move what,
 * the panel's quorum and independence, the clocks and who may see what;
 * the CLI shapes the requests, keeps track of the versions the user has
 * seen, and prints the answers.
 *
 * Versions. Every update (grade, assign, move, decide, suspend, reinstate)
 * carries the version of the concern that the user last saw, so two staff
 * working from the same screen conflict (ABORTED "changed by NAME at
 * TIME", exit 6) rather than overwrite each other. --version N gives it
 * explicitly; otherwise it is the one recorded in
 * $ASSURE_CONFIG_DIR/seen/REF (mode 0600 in a directory made 0700) by the
 * last `concern open`, `concern show` or successful update of that concern;
 * failing that it is fetched with ConcernShow first, silently. A
 * successful update records the new version.
 *
 * --json: a response with one field (open, refer, note, evidence, action)
 * prints that field's object; the others print the whole response message
 * as an object ({"concern": ..., "deadlines": [...]}, show's
 * {"concern", "grades", "timeline", ...}); list and due print arrays. Keys
 * are the proto's field names; Unix times are RFC 3339 strings or null.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "cli_columns.h"
#include "cli_json.h"
#include "status.h"
#include "xmalloc.h"

/* A server that never stops paging is broken, not large. */

/* Longest reference kept in the seen directory. */
#define SEEN_REF_MAX 64

/* --- small helpers ---------------------------------------------------- */

/* The concern of a response, with an empty stand-in when a server left it
 * out (proto3 makes every field optional). */
static const Assure__Concern *concern_of(const Assure__Concern *c)
{
	static const Assure__Concern none = ASSURE__CONCERN__INIT;
	return c != NULL ? c : &none;
}

static const Assure__Performer *performer_of(const Assure__Performer *p)
{
	static const Assure__Performer none = ASSURE__PERFORMER__INIT;
	return p != NULL ? p : &none;
}

static void free_strings(char **items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(items[i]);
	free(items);
}

static void push_string(char ***items, size_t *n, const char *s, size_t len)
{
	*items = xrealloc(*items, (*n + 2) * sizeof **items);
	(*items)[*n] = xmalloc(len + 1);
	memcpy((*items)[*n], s, len);
	(*items)[*n][len] = '\0';
	(*n)++;
	(*items)[*n] = NULL;
}

/* Every value of the repeatable flag --name split at commas, into a new
 * NULL-terminated array (free with free_strings). 0 with *out and *n set,
 * or EXIT_CODE_USAGE with the error printed. */
static int split_flag(const struct cli *cli, const char *name, const char *spec, char ***out,
		      size_t *n)
{
	char **values;
	size_t nvalues = cli_flag_list(cli, name, &values);
	char **items = NULL;
	size_t count = 0;
	for (size_t i = 0; i < nvalues; i++) {
		const char *v = values[i];
		for (;;) {
			const char *comma = strchr(v, ',');
			size_t len = comma != NULL ? (size_t)(comma - v) : strlen(v);
			if (len == 0) {
				free_strings(items, count);
				return cli_error(EXIT_CODE_USAGE,
						 "--%s: an empty item in \"%s\"; give %s", name,
						 values[i], spec);
			}
			push_string(&items, &count, v, len);
			if (comma == NULL)
				break;
			v = comma + 1;
		}
	}
	*out = items;
	*n = count;
	return 0;
}

static int panel_names(const struct cli *cli, char ***out, size_t *n)
{
	return split_flag(cli, "panel", "USER,USER,USER", out, n);
}

/* Checks that a splittable flag splits; for the check hooks. */
static int check_split(const struct cli *cli, const char *name, const char *spec)
{
	char **items = NULL;
	size_t n = 0;
	if (split_flag(cli, name, spec, &items, &n) != 0)
		return EXIT_CODE_USAGE;
	free_strings(items, n);
	return 0;
}

static int check_version_flag(const struct cli *cli)
{
	const char *v = cli_flag(cli, "version");
	uint64_t n;
	return v != NULL ? cli_parse_number(v, "--version", UINT64_MAX, &n) : 0;
}

/* --- the versions the user has seen ------------------------------------ */

/* A reference that is safe as a file name in the seen directory. */
static int ref_is_filename(const char *ref)
{
	size_t len = strlen(ref);
	if (len == 0 || len > SEEN_REF_MAX || ref[0] == '.')
		return 0;
	for (const char *p = ref; *p != '\0'; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		      (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.'))
			return 0;
	return 1;
}

/* mkdir -p, new directories 0700. */
static int make_private_dir(const char *dir)
{
	char *path = xstrdup(dir);
	int rc = 0;
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	free(path);
	return rc;
}

/* The version recorded for ref: 0 with *out set, or -1 when there is none
 * (or it cannot be read, which comes to the same). */
static int seen_read(const struct cli *cli, const char *ref, uint64_t *out)
{
	if (!ref_is_filename(ref))
		return -1;
	char *path = xasprintf("%s/seen/%s", cli->config_dir, ref);
	FILE *f = fopen(path, "re");
	free(path);
	if (f == NULL)
		return -1;
	char line[32];
	int ok = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	if (!ok)
		return -1;
	line[strcspn(line, "\n")] = '\0';
	uint64_t v = 0;
	const char *p = line;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == line || *p != '\0' || v == 0)
		return -1;
	*out = v;
	return 0;
}

/* Records the version of c as the one the user has seen. A failure is
 * reported as a warning and does not fail the command: what the user
 * asked for has been done. */
static void seen_record(const struct cli *cli, const Assure__Concern *c)
{
	if (c == NULL || c->version == 0 || !ref_is_filename(cli_str(c->ref)))
		return;
	char *dir = xasprintf("%s/seen", cli->config_dir);
	char *path = xasprintf("%s/%s", dir, c->ref);
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = -1;
	int ok = make_private_dir(dir) == 0 && (fd = mkostemp(tmp, O_CLOEXEC)) >= 0;
	int err = errno;
	if (ok) {
		char text[32];
		int len = snprintf(text, sizeof text, "%" PRIu64 "\n", c->version);
		ok = fchmod(fd, 0600) == 0 && write(fd, text, (size_t)len) == (ssize_t)len;
		err = errno;
		if (close(fd) != 0 && ok) {
			ok = 0;
			err = errno;
		}
		if (ok && rename(tmp, path) != 0) {
			ok = 0;
			err = errno;
		}
		if (!ok)
			unlink(tmp);
	}
	if (!ok) {
		char *shown = cli_printable(path);
		fprintf(stderr, "assure: warning: cannot record the version seen in %s: %s\n",
			shown, strerror(err));
		free(shown);
	}
	free(tmp);
	free(path);
	free(dir);
}

/* The version an update of ref carries: --version, else the one the user
 * last saw, else the current one, fetched quietly. 0 with *out set, or an
 * exit code with the error printed. */
static int concern_version(struct cli *cli, const char *ref, uint64_t *out)
{
	const char *v = cli_flag(cli, "version");
	if (v != NULL)
		return cli_parse_number(v, "--version", UINT64_MAX, out);
	if (seen_read(cli, ref, out) == 0)
		return 0;
	Assure__ConcernShowRequest show = ASSURE__CONCERN_SHOW_REQUEST__INIT;
	show.ref = (char *)ref;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_SHOW, &show, &resp);
	if (rc != 0)
		return rc;
	*out = concern_of(resp->concern_show->concern)->version;
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

/* --- JSON ------------------------------------------------------------- */

static void json_grade(struct cli_json *j, const Assure__Grade *g)
{
	if (g == NULL) {
		cli_json_null(j);
		return;
	}
	cli_json_object_begin(j);
	cli_json_field_int(j, "consequence", g->consequence);
	cli_json_field_int(j, "likelihood", g->likelihood);
	cli_json_field_int(j, "score", g->score);
	cli_json_field_string(j, "band", cli_str(g->band));
	cli_json_field_string(j, "reason", cli_str(g->reason));
	cli_json_field_time(j, "at", g->at);
	cli_json_field_string(j, "by", cli_str(g->by));
	cli_json_object_end(j);
}

static void json_concern(struct cli_json *j, const Assure__Concern *c)
{
	cli_json_object_begin(j);
	cli_json_field_string(j, "ref", cli_str(c->ref));
	cli_json_field_int(j, "performer_id", c->performer_id);
	cli_json_field_string(j, "performer_name", cli_str(c->performer_name));
	cli_json_field_string(j, "profession", cli_str(c->profession));
	cli_json_field_string(j, "source", cli_str(c->source));
	cli_json_field_string(j, "category", cli_str(c->category));
	cli_json_field_string(j, "summary", cli_str(c->summary));
	cli_json_field_string(j, "reporter", cli_str(c->reporter));
	cli_json_field_string(j, "received", cli_str(c->received));
	cli_json_field_string(j, "state", cli_str(c->state));
	cli_json_key(j, "grade");
	json_grade(j, c->grade);
	cli_json_field_string(j, "case_manager", cli_str(c->case_manager));
	cli_json_field_string(j, "investigator", cli_str(c->investigator));
	cli_json_field_string(j, "linked_ref", cli_str(c->linked_ref));
	cli_json_field_uint(j, "version", c->version);
	cli_json_field_time(j, "created_at", c->created_at);
	cli_json_field_time(j, "updated_at", c->updated_at);
	cli_json_field_string(j, "updated_by", cli_str(c->updated_by));
	cli_json_field_bool(j, "interim_answered", c->interim_answered);
	cli_json_object_end(j);
}

static void json_deadline_fields(struct cli_json *j, const void *item)
{
	const Assure__Deadline *d = item;
	cli_json_field_int(j, "id", d->id);
	cli_json_field_string(j, "concern_ref", cli_str(d->concern_ref));
	cli_json_field_string(j, "kind", cli_str(d->kind));
	cli_json_field_string(j, "start", cli_str(d->start));
	cli_json_field_string(j, "due", cli_str(d->due));
	cli_json_field_string(j, "basis", cli_str(d->basis));
	cli_json_field_bool(j, "overdue", d->overdue);
	cli_json_field_string(j, "met", cli_str(d->met));
	cli_json_field_string(j, "performer_name", cli_str(d->performer_name));
	cli_json_field_string(j, "state", cli_str(d->state));
}

static void json_deadlines(struct cli_json *j, Assure__Deadline *const *d, size_t n)
{
	cli_json_key(j, "deadlines");
	cli_json_array_begin(j);
	for (size_t i = 0; i < n; i++) {
		cli_json_object_begin(j);
		json_deadline_fields(j, d[i]);
		cli_json_object_end(j);
	}
	cli_json_array_end(j);
}

static void json_suspension(struct cli_json *j, const Assure__Suspension *s)
{
	if (s == NULL) {
		cli_json_null(j);
		return;
	}
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

/* The same keys as assure performer's --json. */
static void json_performer(struct cli_json *j, const Assure__Performer *p)
{
	if (p == NULL) {
		cli_json_null(j);
		return;
	}
	cli_json_object_begin(j);
	cli_json_field_int(j, "id", p->id);
	cli_json_field_string(j, "profession", cli_str(p->profession));
	cli_json_field_string(j, "reg", cli_str(p->reg));
	cli_json_field_string(j, "name", cli_str(p->name));
	cli_json_field_string(j, "national_code", cli_str(p->national_code));
	cli_json_field_string(j, "list_status", cli_str(p->list_status));
	cli_json_field_bool(j, "suspended", p->suspended);
	cli_json_key(j, "suspension");
	json_suspension(j, p->suspension);
	cli_json_field_string(j, "conditions", cli_str(p->conditions));
	cli_json_field_time(j, "created_at", p->created_at);
	cli_json_field_uint(j, "version", p->version);
	cli_json_field_string(j, "regulator", cli_str(p->regulator));
	cli_json_object_end(j);
}

static void json_timeline(struct cli_json *j, const Assure__TimelineEntry *t)
{
	cli_json_object_begin(j);
	cli_json_field_time(j, "at", t->at);
	cli_json_field_string(j, "by", cli_str(t->by));
	cli_json_field_string(j, "kind", cli_str(t->kind));
	cli_json_field_string(j, "from_state", cli_str(t->from_state));
	cli_json_field_string(j, "to_state", cli_str(t->to_state));
	cli_json_field_string(j, "text", cli_str(t->text));
	cli_json_field_string(j, "date", cli_str(t->date));
	cli_json_field_string(j, "detail", cli_str(t->detail));
	cli_json_object_end(j);
}

static void json_referral(struct cli_json *j, const Assure__Referral *r)
{
	cli_json_object_begin(j);
	cli_json_field_int(j, "id", r->id);
	cli_json_field_string(j, "body", cli_str(r->body));
	cli_json_field_string(j, "date", cli_str(r->date));
	cli_json_field_string(j, "rationale", cli_str(r->rationale));
	cli_json_field_string(j, "their_ref", cli_str(r->their_ref));
	cli_json_field_string(j, "response", cli_str(r->response));
	cli_json_field_time(j, "at", r->at);
	cli_json_field_string(j, "by", cli_str(r->by));
	cli_json_object_end(j);
}

static void json_note(struct cli_json *j, const Assure__Note *n)
{
	cli_json_object_begin(j);
	cli_json_field_int(j, "id", n->id);
	cli_json_field_string(j, "text", cli_str(n->text));
	cli_json_field_time(j, "at", n->at);
	cli_json_field_string(j, "by", cli_str(n->by));
	cli_json_object_end(j);
}

static void json_evidence(struct cli_json *j, const Assure__Evidence *e)
{
	cli_json_object_begin(j);
	cli_json_field_int(j, "id", e->id);
	cli_json_field_string(j, "title", cli_str(e->title));
	cli_json_field_string(j, "location", cli_str(e->location));
	cli_json_field_string(j, "sha256", cli_str(e->sha256));
	cli_json_field_time(j, "at", e->at);
	cli_json_field_string(j, "by", cli_str(e->by));
	cli_json_object_end(j);
}

static void json_action(struct cli_json *j, const Assure__ActionItem *a)
{
	cli_json_object_begin(j);
	cli_json_field_uint(j, "number", a->number);
	cli_json_field_string(j, "text", cli_str(a->text));
	cli_json_field_string(j, "owner", cli_str(a->owner));
	cli_json_field_string(j, "due", cli_str(a->due));
	cli_json_field_string(j, "done", cli_str(a->done));
	cli_json_field_bool(j, "overdue", a->overdue);
	cli_json_object_end(j);
}

static void json_decision(struct cli_json *j, const Assure__Decision *d)
{
	cli_json_object_begin(j);
	cli_json_field_string(j, "outcome", cli_str(d->outcome));
	cli_json_field_string(j, "rationale", cli_str(d->rationale));
	cli_json_field_strings(j, "grounds", d->grounds, d->n_grounds);
	cli_json_field_string(j, "conditions", cli_str(d->conditions));
	cli_json_field_string(j, "representations_considered",
			      cli_str(d->representations_considered));
	cli_json_field_string(j, "facts_relied_on", cli_str(d->facts_relied_on));
	cli_json_field_strings(j, "panel", d->panel, d->n_panel);
	cli_json_field_string(j, "date", cli_str(d->date));
	cli_json_field_time(j, "at", d->at);
	cli_json_field_string(j, "by", cli_str(d->by));
	cli_json_field_string(j, "status_before", cli_str(d->status_before));
	cli_json_field_string(j, "status_after", cli_str(d->status_after));
	cli_json_object_end(j);
}

static void json_summary_fields(struct cli_json *j, const void *item)
{
	const Assure__ConcernSummary *c = item;
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
}

/* {"concern": ..., ["performer": ...,] ["deadlines": [...]]}: the update
 * responses. performer and deadlines are written only when asked (have_*). */
static void print_update_json(const Assure__Concern *c, int have_performer,
			      const Assure__Performer *p, int have_deadlines,
			      Assure__Deadline *const *d, size_t nd)
{
	struct cli_json j;
	cli_json_init(&j, stdout);
	cli_json_object_begin(&j);
	cli_json_key(&j, "concern");
	json_concern(&j, c);
	if (have_performer) {
		cli_json_key(&j, "performer");
		json_performer(&j, p);
	}
	if (have_deadlines)
		json_deadlines(&j, d, nd);
	cli_json_object_end(&j);
}

/* --- text ------------------------------------------------------------- */

/* "12 high (consequence 4 x likelihood 3)", or "not graded". */
static char *grade_text(const Assure__Grade *g)
{
	if (g == NULL || g->score == 0)
		return xstrdup("not graded");
	return xasprintf("%d %s (consequence %d x likelihood %d)", g->score, cli_str(g->band),
			 g->consequence, g->likelihood);
}

static void print_deadlines_started(Assure__Deadline *const *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cli_say("Deadline %s due %s%s%s%s.", cli_or_dash(d[i]->kind),
			cli_or_dash(d[i]->due), *cli_str(d[i]->basis) != '\0' ? " (" : "",
			cli_str(d[i]->basis), *cli_str(d[i]->basis) != '\0' ? ")" : "");
}

/* --- assure concern open ---------------------------------------------- */

static int cmd_concern_open_check(struct cli *cli)
{
	uint64_t id;
	return cli_parse_number(cli_flag(cli, "performer"), "--performer", INT64_MAX, &id);
}

static int cmd_concern_open_exec(struct cli *cli)
{
	Assure__ConcernOpenRequest open = ASSURE__CONCERN_OPEN_REQUEST__INIT;
	uint64_t id = 0;
	if (cli_parse_number(cli_flag(cli, "performer"), "--performer", INT64_MAX, &id) != 0)
		return EXIT_CODE_USAGE;
	open.performer_id = (int64_t)id;
	open.source = cli_flag_str(cli, "source");
	open.category = cli_flag_str(cli, "category");
	open.summary = cli_flag_str(cli, "summary");
	open.received = cli_flag_str(cli, "received");
	open.reporter = cli_flag_str(cli, "reporter");
	open.linked_ref = cli_flag_str(cli, "linked");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_OPEN, &open, &resp);
	if (rc != 0)
		return rc;
	const Assure__Concern *c = concern_of(resp->concern_open->concern);
	seen_record(cli, c);
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		json_concern(&j, c);
	} else {
		cli_say("%s", cli_str(c->ref));
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag concern_open_flags[] = {
    {"performer", "ID", CLI_FLAG_REQUIRED, "the performer (or pharmacist) concerned, by id"},
    {"source", "S", CLI_FLAG_REQUIRED,
     "where it came from (patient complaint, colleague, serious incident, audit, ...)"},
    {"category", "C", CLI_FLAG_REQUIRED, "clinical competence, conduct, health or probity"},
    {"summary", "TEXT", CLI_FLAG_REQUIRED, "what the concern is"},
    {"received", "YYYY-MM-DD", 0, "the date it was received (default today)"},
    {"reporter", "TEXT", 0, "who raised it (may be withheld from the performer)"},
    {"linked", "REF", 0, "an earlier, closed concern this one follows"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_open = {
    .noun = "concern",
    .verb = "open",
    .summary = "record a new concern about a performer",
    .help = "Records a concern about one performer or pharmacist in state received and\n"
	    "prints its reference (CON-YYYY-NNNN); the triage clock (5 working days)\n"
	    "starts. A closed concern is never reopened: open a new one with --linked.\n"
	    "Records the version you have seen for later updates. --json prints the\n"
	    "concern object.",
    .needs = CLI_SESSION,
    .flags = concern_open_flags,
    .check = cmd_concern_open_check,
    .exec = cmd_concern_open_exec,
};

/* --- the updates: shared tail ------------------------------------------ */

static const char version_help[] =
    "the version you saw (default: the one recorded by your last concern show, open "
    "or update); exit 6 if the concern has changed since";

/* --- assure concern grade --------------------------------------------- */

static int cmd_concern_grade_check(struct cli *cli)
{
	uint64_t v;
	if (cli_parse_number(cli_flag(cli, "consequence"), "--consequence", 5, &v) != 0 ||
	    cli_parse_number(cli_flag(cli, "likelihood"), "--likelihood", 5, &v) != 0)
		return EXIT_CODE_USAGE;
	return check_version_flag(cli);
}

static int cmd_concern_grade_exec(struct cli *cli)
{
	Assure__ConcernGradeRequest grade = ASSURE__CONCERN_GRADE_REQUEST__INIT;
	uint64_t consequence = 0, likelihood = 0;
	if (cli_parse_number(cli_flag(cli, "consequence"), "--consequence", 5, &consequence) != 0 ||
	    cli_parse_number(cli_flag(cli, "likelihood"), "--likelihood", 5, &likelihood) != 0)
		return EXIT_CODE_USAGE;
	grade.ref = (char *)cli->arg;
	grade.consequence = (int32_t)consequence;
	grade.likelihood = (int32_t)likelihood;
	grade.reason = cli_flag_str(cli, "reason");
	int rc = concern_version(cli, cli->arg, &grade.version);
	if (rc != 0)
		return rc;
	Assure__Response *resp = NULL;
	rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_GRADE, &grade, &resp);
	if (rc != 0)
		return rc;
	const Assure__ConcernMoveResponse *r = resp->concern_grade;
	const Assure__Concern *c = concern_of(r->concern);
	seen_record(cli, c);
	if (cli->json) {
		print_update_json(c, 0, NULL, 1, r->deadlines, r->n_deadlines);
	} else {
		char *g = grade_text(c->grade);
		cli_say("%s graded %s; state %s, version %" PRIu64 ".", cli_str(c->ref), g,
			cli_or_dash(c->state), c->version);
		free(g);
		print_deadlines_started(r->deadlines, r->n_deadlines);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag concern_grade_flags[] = {
    {"consequence", "1-5", CLI_FLAG_REQUIRED,
     "negligible 1, minor 2, moderate 3, major 4, catastrophic 5"},
    {"likelihood", "1-5", CLI_FLAG_REQUIRED,
     "rare 1, unlikely 2, possible 3, likely 4, almost certain 5"},
    {"reason", "TEXT", CLI_FLAG_REQUIRED, "why this grade"},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_grade = {
    .noun = "concern",
    .verb = "grade",
    .summary = "grade (or re-grade) a concern's risk, NPSA 5x5",
    .help = "Grades the concern's risk: consequence x likelihood = score, banded low (1-3),\n"
	    "moderate (4-6), high (8-12) or extreme (15-25), with the reasons. The grade\n"
	    "recorded at triage is what concern move --to triaged needs (with a case\n"
	    "manager named: concern assign); re-grades at each PAG review are kept in the\n"
	    "grade history. A high or extreme grade puts \"consider interim suspension /\n"
	    "referral\" on the due list until answered. --json prints {\"concern\",\n"
	    "\"deadlines\"}.",
    .needs = CLI_SESSION,
    .flags = concern_grade_flags,
    .arg = "REF",
    .check = cmd_concern_grade_check,
    .exec = cmd_concern_grade_exec,
};

/* --- assure concern assign -------------------------------------------- */

static int cmd_concern_assign_check(struct cli *cli)
{
	if (*cli_str(cli_flag(cli, "case-manager")) == '\0' &&
	    *cli_str(cli_flag(cli, "investigator")) == '\0')
		return cli_error(EXIT_CODE_USAGE,
				 "assure concern assign needs something to change: "
				 "--case-manager USER or --investigator USER");
	return check_version_flag(cli);
}

static int cmd_concern_assign_exec(struct cli *cli)
{
	Assure__ConcernAssignRequest assign = ASSURE__CONCERN_ASSIGN_REQUEST__INIT;
	assign.ref = (char *)cli->arg;
	assign.case_manager = cli_flag_str(cli, "case-manager");
	assign.investigator = cli_flag_str(cli, "investigator");
	int rc = concern_version(cli, cli->arg, &assign.version);
	if (rc != 0)
		return rc;
	Assure__Response *resp = NULL;
	rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_ASSIGN, &assign, &resp);
	if (rc != 0)
		return rc;
	const Assure__ConcernMoveResponse *r = resp->concern_assign;
	const Assure__Concern *c = concern_of(r->concern);
	seen_record(cli, c);
	if (cli->json) {
		print_update_json(c, 0, NULL, 1, r->deadlines, r->n_deadlines);
	} else {
		cli_say("%s: case manager %s, investigator %s; version %" PRIu64 ".",
			cli_str(c->ref), cli_or_none(c->case_manager), cli_or_none(c->investigator),
			c->version);
		print_deadlines_started(r->deadlines, r->n_deadlines);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag concern_assign_flags[] = {
    {"case-manager", "USER", 0, "the case manager (a user holding case-manager)"},
    {"investigator", "USER", 0,
     "the case investigator (holding investigator; never the case manager)"},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_assign = {
    .noun = "concern",
    .verb = "assign",
    .summary = "name a concern's case manager or investigator",
    .help = "Names the concern's case manager, its case investigator, or both; a flag left\n"
	    "out leaves that role as it is. The investigator is never the case manager,\n"
	    "and neither may later sit on the deciding panel. --json prints\n"
	    "{\"concern\", \"deadlines\"}.",
    .needs = CLI_SESSION,
    .flags = concern_assign_flags,
    .arg = "REF",
    .check = cmd_concern_assign_check,
    .exec = cmd_concern_assign_exec,
};

/* --- assure concern move ---------------------------------------------- */

/* Parses every --action TEXT:OWNER:DUE into a new array of action items
 * (free with free_actions). The owner and due date are the last two
 * colon-separated fields, so the text may itself contain colons. 0, or
 * EXIT_CODE_USAGE with the error printed. */
static int parse_actions(const struct cli *cli, Assure__ActionItem ***out, size_t *n)
{
	char **values;
	size_t nvalues = cli_flag_list(cli, "action", &values);
	*out = NULL;
	*n = 0;
	if (nvalues == 0)
		return 0;
	Assure__ActionItem **items = xcalloc(nvalues, sizeof *items);
	for (size_t i = 0; i < nvalues; i++) {
		const char *v = values[i];
		const char *due = strrchr(v, ':');
		const char *owner = NULL;
		if (due != NULL)
			for (const char *p = due - 1; p >= v; p--)
				if (*p == ':') {
					owner = p;
					break;
				}
		if (due == NULL || owner == NULL || owner == v || owner + 1 == due ||
		    due[1] == '\0') {
			for (size_t k = 0; k < i; k++) {
				free(items[k]->text);
				free(items[k]->owner);
				free(items[k]->due);
				free(items[k]);
			}
			free(items);
			return cli_error(EXIT_CODE_USAGE,
					 "--action: \"%s\" is not TEXT:OWNER:DUE (e.g. "
					 "\"audit 20 records:dr.a:2026-12-01\")",
					 v);
		}
		Assure__ActionItem *a = xmalloc(sizeof *a);
		assure__action_item__init(a);
		a->text = xstrndup(v, (size_t)(owner - v));
		a->owner = xstrndup(owner + 1, (size_t)(due - owner - 1));
		a->due = xstrdup(due + 1);
		items[i] = a;
	}
	*out = items;
	*n = nvalues;
	return 0;
}

static void free_actions(Assure__ActionItem **items, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(items[i]->text);
		free(items[i]->owner);
		free(items[i]->due);
		free(items[i]);
	}
	free(items);
}

static int cmd_concern_move_check(struct cli *cli)
{
	Assure__ActionItem **actions = NULL;
	size_t n = 0;
	if (parse_actions(cli, &actions, &n) != 0)
		return EXIT_CODE_USAGE;
	free_actions(actions, n);
	return check_version_flag(cli);
}

static int cmd_concern_move_exec(struct cli *cli)
{
	Assure__ConcernMoveRequest move = ASSURE__CONCERN_MOVE_REQUEST__INIT;
	move.ref = (char *)cli->arg;
	move.to = cli_flag_str(cli, "to");
	move.rationale = cli_flag_str(cli, "rationale");
	move.date = cli_flag_str(cli, "date");
	move.terms_of_reference = cli_flag_str(cli, "terms-of-reference");
	move.investigator = cli_flag_str(cli, "investigator");
	move.report_ref = cli_flag_str(cli, "report-ref");
	move.grounds = cli_flag_str(cli, "grounds");
	move.breach = cli_flag_str(cli, "breach");
	move.allegation = cli_flag_str(cli, "allegation");
	move.proposed_action = cli_flag_str(cli, "proposed-action");
	move.notice_sent = cli_flag_str(cli, "notice-sent");
	move.hearing = cli_flag_str(cli, "hearing");
	move.hearing_requested = cli_flag_str(cli, "hearing-requested");
	move.body = cli_flag_str(cli, "body");
	move.their_ref = cli_flag_str(cli, "their-ref");
	move.appeal_ref = cli_flag_str(cli, "appeal-ref");
	move.outcome = cli_flag_str(cli, "outcome");
	move.agreed_action = cli_flag_str(cli, "agreed-action");
	move.review_date = cli_flag_str(cli, "review-date");
	move.closure = cli_flag_str(cli, "closure");
	move.decision_notice_sent = cli_flag_str(cli, "decision-notice-sent");
	move.representations_received = cli_flag(cli, "representations-received") != NULL;
	if (parse_actions(cli, &move.actions, &move.n_actions) != 0)
		return EXIT_CODE_USAGE;
	int rc = concern_version(cli, cli->arg, &move.version);
	Assure__Response *resp = NULL;
	if (rc == 0)
		rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_MOVE, &move, &resp);
	free_actions(move.actions, move.n_actions);
	if (rc != 0)
		return rc;
	const Assure__ConcernMoveResponse *r = resp->concern_move;
	const Assure__Concern *c = concern_of(r->concern);
	seen_record(cli, c);
	if (cli->json) {
		print_update_json(c, 0, NULL, 1, r->deadlines, r->n_deadlines);
	} else {
		cli_say("%s moved to %s; version %" PRIu64 ".", cli_str(c->ref),
			cli_or_dash(c->state), c->version);
		print_deadlines_started(r->deadlines, r->n_deadlines);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag concern_move_flags[] = {
    {"to", "STATE", CLI_FLAG_REQUIRED,
     "triaged, closed, informal, external-only, investigating, reported, pag-review, "
     "remediation, panel-referred, notice-issued, hearing-scheduled, appeal-window, "
     "under-appeal, monitoring"},
    {"rationale", "TEXT", CLI_FLAG_REQUIRED, "why"},
    {"date", "YYYY-MM-DD", 0, "when it happened (default today)"},
    {"terms-of-reference", "TEXT", 0, "the investigation's terms of reference (investigating)"},
    {"investigator", "USER", 0, "the case investigator (investigating)"},
    {"report-ref", "REF", 0, "the investigation report's reference (reported)"},
    {"grounds", "TEXT", 0, "the grounds (panel-referred, notice-issued)"},
    {"breach", "TEXT", 0, "the breach of conditions (monitoring -> panel-referred)"},
    {"allegation", "TEXT", 0, "the notice's allegation (notice-issued)"},
    {"proposed-action", "TEXT", 0, "the notice's proposed action (notice-issued)"},
    {"notice-sent", "YYYY-MM-DD", 0, "the date the notice was sent (notice-issued)"},
    {"hearing", "YYYY-MM-DD", 0, "the hearing date (hearing-scheduled)"},
    {"hearing-requested", "YYYY-MM-DD", 0,
     "the date the hearing request was received (hearing-scheduled)"},
    {"body", "B", 0, "the body referred to (external-only)"},
    {"their-ref", "REF", 0, "the body's reference (external-only)"},
    {"appeal-ref", "REF", 0, "the appeal's reference (under-appeal)"},
    {"outcome", "TEXT", 0,
     "from under-appeal: the tribunal's outcome, allowed|allowed-in-part|dismissed|varied|"
     "withdrawn[: details] (only allowed reverses the list change); from monitoring: the "
     "review's outcome"},
    {"agreed-action", "TEXT", 0, "the agreed action or undertaking (informal)"},
    {"review-date", "YYYY-MM-DD", 0, "when to review it (informal)"},
    {"action", "TEXT:OWNER:DUE", CLI_FLAG_REPEAT,
     "an action of the plan, its owner and due date (remediation)"},
    {"closure", "withdrawal|death", 0, "closing from any open state: why"},
    {"decision-notice-sent", "YYYY-MM-DD", 0,
     "the date the decision notice was sent (appeal-window)"},
    {"representations-received", NULL, 0, "the performer's representations are in"},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_move = {
    .noun = "concern",
    .verb = "move",
    .summary = "move a concern to its next state",
    .help = "Moves the concern to state STATE, recording the rationale and what that move\n"
	    "needs (DOMAIN.md \"States and who moves them\"): e.g. investigating needs\n"
	    "--terms-of-reference and --investigator; reported --report-ref;\n"
	    "remediation one or more --action TEXT:OWNER:DUE; notice-issued\n"
	    "--allegation, --proposed-action, --grounds and --notice-sent;\n"
	    "hearing-scheduled --hearing-requested and --hearing; appeal-window\n"
	    "--decision-notice-sent; closing a concern from any open state --closure\n"
	    "withdrawal|death. The server checks who may make the move and starts its\n"
	    "clocks, printed as deadlines. Decisions go through concern decide. --json\n"
	    "prints {\"concern\", \"deadlines\"}.",
    .needs = CLI_SESSION,
    .flags = concern_move_flags,
    .arg = "REF",
    .check = cmd_concern_move_check,
    .exec = cmd_concern_move_exec,
};

/* --- assure concern decide -------------------------------------------- */

#define GROUNDS_SPEC "efficiency,fraud,unsuitability or mandatory:REASON"

static int cmd_concern_decide_check(struct cli *cli)
{
	if (check_split(cli, "panel", "USER,USER,USER") != 0 ||
	    check_split(cli, "grounds", GROUNDS_SPEC) != 0)
		return EXIT_CODE_USAGE;
	return check_version_flag(cli);
}

static int cmd_concern_decide_exec(struct cli *cli)
{
	Assure__ConcernDecideRequest decide = ASSURE__CONCERN_DECIDE_REQUEST__INIT;
	decide.ref = (char *)cli->arg;
	decide.outcome = cli_flag_str(cli, "outcome");
	decide.rationale = cli_flag_str(cli, "rationale");
	decide.conditions = cli_flag_str(cli, "conditions");
	decide.representations_considered = cli_flag_str(cli, "representations-considered");
	decide.representations_received = cli_flag(cli, "representations-received") != NULL;
	decide.facts_relied_on = cli_flag_str(cli, "facts");
	decide.date = cli_flag_str(cli, "date");
	if (panel_names(cli, &decide.panel, &decide.n_panel) != 0)
		return EXIT_CODE_USAGE;
	if (split_flag(cli, "grounds", GROUNDS_SPEC, &decide.grounds, &decide.n_grounds) != 0) {
		free_strings(decide.panel, decide.n_panel);
		return EXIT_CODE_USAGE;
	}
	int rc = concern_version(cli, cli->arg, &decide.version);
	Assure__Response *resp = NULL;
	if (rc == 0)
		rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_DECIDE, &decide, &resp);
	free_strings(decide.panel, decide.n_panel);
	free_strings(decide.grounds, decide.n_grounds);
	if (rc != 0)
		return rc;
	const Assure__ConcernDecideResponse *r = resp->concern_decide;
	const Assure__Concern *c = concern_of(r->concern);
	seen_record(cli, c);
	if (cli->json) {
		print_update_json(c, 1, r->performer, 1, r->deadlines, r->n_deadlines);
	} else {
		const Assure__Performer *p = performer_of(r->performer);
		cli_say("%s decided: %s; state %s, version %" PRIu64 ".", cli_str(c->ref),
			cli_str(decide.outcome), cli_or_dash(c->state), c->version);
		if (r->performer != NULL)
			cli_say("Performer %" PRId64 " (%s): list status %s%s.", p->id,
				cli_str(p->name), cli_or_dash(p->list_status),
				p->suspended ? ", suspended" : "");
		print_deadlines_started(r->deadlines, r->n_deadlines);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag concern_decide_flags[] = {
    {"outcome", "O", CLI_FLAG_REQUIRED,
     "no-action, conditions, contingent-removal, removal or national-disqualification"},
    {"rationale", "TEXT", CLI_FLAG_REQUIRED, "the panel's reasons"},
    {"panel", "USER,USER,USER", CLI_FLAG_REQUIRED | CLI_FLAG_REPEAT,
     "the deciding panel members, comma-separated (at least the quorum, 3)"},
    {"grounds", "G,G|mandatory:REASON", CLI_FLAG_REPEAT,
     "removal grounds, comma-separated: efficiency, fraud, unsuitability, or mandatory:REASON "
     "(murder, custodial-sentence, national-disqualification, death, not-registered)"},
    {"conditions", "TEXT", 0, "the conditions (conditions, contingent-removal)"},
    {"representations-considered", "TEXT", 0, "the representations the panel considered"},
    {"representations-received", NULL, 0, "written representations are in (no hearing asked for)"},
    {"facts", "TEXT", 0, "the facts relied on"},
    {"date", "YYYY-MM-DD", 0, "the date of the decision (default today)"},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_decide = {
    .noun = "concern",
    .verb = "decide",
    .summary = "record the decision panel's decision on a concern",
    .help = "Records the panel's decision on a concern that is notice-issued or\n"
	    "hearing-scheduled: no-action, conditions or contingent-removal (with\n"
	    "--conditions; contingent removal in efficiency and fraud cases only),\n"
	    "removal (with --grounds) or national-disqualification. --panel names at\n"
	    "least the quorum of panel members, none of whom investigated or\n"
	    "case-managed this concern. The performer's list status follows the\n"
	    "decision, and the decision notice is due in 7 days. --json prints\n"
	    "{\"concern\", \"performer\", \"deadlines\"}.",
    .needs = CLI_SESSION,
    .flags = concern_decide_flags,
    .arg = "REF",
    .check = cmd_concern_decide_check,
    .exec = cmd_concern_decide_exec,
};

/* --- assure concern suspend ------------------------------------------- */

static int cmd_concern_panel_check(struct cli *cli)
{
	if (check_split(cli, "panel", "USER,USER,USER") != 0)
		return EXIT_CODE_USAGE;
	return check_version_flag(cli);
}

static void print_suspension_result(const struct cli *cli, const Assure__Concern *c,
				    const Assure__Performer *performer, const char *what)
{
	if (cli->json) {
		print_update_json(c, 1, performer, 0, NULL, 0);
		return;
	}
	const Assure__Performer *p = performer_of(performer);
	cli_say("%s: performer %" PRId64 " (%s) %s; version %" PRIu64 ".", cli_str(c->ref), p->id,
		cli_str(p->name), what, c->version);
	const Assure__Suspension *s = p->suspension;
	if (p->suspended && s != NULL)
		cli_say("Suspended from %s until %s (basis %s), review %s.", cli_or_dash(s->start),
			*cli_str(s->period_end) != '\0' ? s->period_end : "open-ended",
			cli_or_dash(s->basis), cli_or_dash(s->review_date));
}

static int cmd_concern_suspend_exec(struct cli *cli)
{
	Assure__ConcernSuspendRequest suspend = ASSURE__CONCERN_SUSPEND_REQUEST__INIT;
	suspend.ref = (char *)cli->arg;
	suspend.basis = cli_flag_str(cli, "basis");
	suspend.reason = cli_flag_str(cli, "reason");
	suspend.hearing_offered = cli_flag_str(cli, "hearing-offered");
	suspend.notice_sent = cli_flag_str(cli, "notice-sent");
	suspend.until = cli_flag_str(cli, "until");
	suspend.start = cli_flag_str(cli, "start");
	suspend.review_date = cli_flag_str(cli, "review-date");
	suspend.extension = cli_flag(cli, "extension") != NULL;
	if (panel_names(cli, &suspend.panel, &suspend.n_panel) != 0)
		return EXIT_CODE_USAGE;
	int rc = concern_version(cli, cli->arg, &suspend.version);
	Assure__Response *resp = NULL;
	if (rc == 0)
		rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_SUSPEND, &suspend, &resp);
	free_strings(suspend.panel, suspend.n_panel);
	if (rc != 0)
		return rc;
	const Assure__ConcernSuspendResponse *r = resp->concern_suspend;
	const Assure__Concern *c = concern_of(r->concern);
	seen_record(cli, c);
	print_suspension_result(cli, c, r->performer, "suspended");
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag concern_suspend_flags[] = {
    {"basis", "B", CLI_FLAG_REQUIRED, "pct-decision, court-or-regulator or appeal"},
    {"reason", "TEXT", CLI_FLAG_REQUIRED, "the public-protection or public-interest reason"},
    {"panel", "USER,USER,USER", CLI_FLAG_REQUIRED | CLI_FLAG_REPEAT,
     "the deciding panel members, comma-separated (at least the quorum, 3)"},
    {"hearing-offered", "YYYY-MM-DD", CLI_FLAG_REQUIRED,
     "the date of the oral hearing offered (at least 2 working days' notice)"},
    {"notice-sent", "YYYY-MM-DD", 0,
     "the date notice of the allegation was sent (default: --hearing-offered)"},
    {"until", "YYYY-MM-DD", 0, "the period end (pct-decision: at most 6 months on)"},
    {"start", "YYYY-MM-DD", 0, "when it takes effect (default today)"},
    {"review-date", "YYYY-MM-DD", 0, "when to review it"},
    {"extension", NULL, 0, "a recorded extension beyond 6 months (pct-decision)"},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_suspend = {
    .noun = "concern",
    .verb = "suspend",
    .summary = "record the panel's decision to suspend the performer",
    .help = "Records the decision panel's suspension of the concern's performer, on an\n"
	    "open concern that has reached triage, with its basis and reason. The\n"
	    "performer must have had notice and the offer of an oral hearing (at least 2\n"
	    "working days). On basis pct-decision the period ends at most 6 months from\n"
	    "the start unless --extension. The review dates go on the due list. --json\n"
	    "prints {\"concern\", \"performer\"}.",
    .needs = CLI_SESSION,
    .flags = concern_suspend_flags,
    .arg = "REF",
    .check = cmd_concern_panel_check,
    .exec = cmd_concern_suspend_exec,
};

/* --- assure concern reinstate ----------------------------------------- */

static int cmd_concern_reinstate_exec(struct cli *cli)
{
	Assure__ConcernReinstateRequest reinstate = ASSURE__CONCERN_REINSTATE_REQUEST__INIT;
	reinstate.ref = (char *)cli->arg;
	reinstate.rationale = cli_flag_str(cli, "rationale");
	reinstate.date = cli_flag_str(cli, "date");
	if (panel_names(cli, &reinstate.panel, &reinstate.n_panel) != 0)
		return EXIT_CODE_USAGE;
	int rc = concern_version(cli, cli->arg, &reinstate.version);
	Assure__Response *resp = NULL;
	if (rc == 0)
		rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_REINSTATE, &reinstate, &resp);
	free_strings(reinstate.panel, reinstate.n_panel);
	if (rc != 0)
		return rc;
	const Assure__ConcernReinstateResponse *r = resp->concern_reinstate;
	const Assure__Concern *c = concern_of(r->concern);
	seen_record(cli, c);
	print_suspension_result(cli, c, r->performer, "reinstated");
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag concern_reinstate_flags[] = {
    {"rationale", "TEXT", CLI_FLAG_REQUIRED, "the panel's reasons"},
    {"panel", "USER,USER,USER", CLI_FLAG_REQUIRED | CLI_FLAG_REPEAT,
     "the deciding panel members, comma-separated (at least the quorum, 3)"},
    {"date", "YYYY-MM-DD", 0, "the date of the decision (default today)"},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_reinstate = {
    .noun = "concern",
    .verb = "reinstate",
    .summary = "record the panel's decision to lift a suspension",
    .help = "Records the decision panel's lifting of the performer's suspension that this\n"
	    "concern set. --json prints {\"concern\", \"performer\"}.",
    .needs = CLI_SESSION,
    .flags = concern_reinstate_flags,
    .arg = "REF",
    .check = cmd_concern_panel_check,
    .exec = cmd_concern_reinstate_exec,
};

/* --- assure concern refer --------------------------------------------- */

/* A referral may answer the concern's "consider interim suspension /
 * referral" item, which bumps its version without the response saying so.
 * When the user had seen version V and the concern is now at V + 1, last
 * changed by the user, that change was this referral: record V + 1 so the
 * user's next update does not conflict with their own referral. Quiet:
 * the referral is recorded whatever happens here. */
static void refer_refresh_seen(struct cli *cli, const char *ref)
{
	uint64_t seen = 0;
	if (cli->session == NULL || seen_read(cli, ref, &seen) != 0)
		return;
	Assure__Request req = ASSURE__REQUEST__INIT;
	Assure__ConcernShowRequest show = ASSURE__CONCERN_SHOW_REQUEST__INIT;
	show.ref = (char *)ref;
	req.op_case = ASSURE__REQUEST__OP_CONCERN_SHOW;
	req.concern_show = &show;
	Assure__Response *resp = NULL;
	if (cli_call_any(cli, &req, &resp) != 0)
		return;
	if (resp->result_case == ASSURE__RESPONSE__RESULT_CONCERN_SHOW &&
	    resp->concern_show != NULL && resp->concern_show->concern != NULL) {
		const Assure__Concern *c = resp->concern_show->concern;
		if (c->version == seen + 1 &&
		    strcmp(cli_str(c->updated_by), cli_str(cli->session->username)) == 0)
			seen_record(cli, c);
	}
	assure__response__free_unpacked(resp, NULL);
}

static int cmd_concern_refer_exec(struct cli *cli)
{
	Assure__ConcernReferRequest refer = ASSURE__CONCERN_REFER_REQUEST__INIT;
	refer.ref = (char *)cli->arg;
	refer.to = cli_flag_str(cli, "to");
	refer.rationale = cli_flag_str(cli, "rationale");
	refer.their_ref = cli_flag_str(cli, "their-ref");
	refer.date = cli_flag_str(cli, "date");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_REFER, &refer, &resp);
	if (rc != 0)
		return rc;
	static const Assure__Referral none = ASSURE__REFERRAL__INIT;
	const Assure__Referral *ref =
	    resp->concern_refer->referral != NULL ? resp->concern_refer->referral : &none;
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		json_referral(&j, ref);
	} else {
		cli_say("Referral %" PRId64 " of %s to %s recorded, dated %s.", ref->id, cli->arg,
			cli_or_dash(ref->body), cli_or_dash(ref->date));
	}
	assure__response__free_unpacked(resp, NULL);
	refer_refresh_seen(cli, cli->arg);
	return 0;
}

static const struct cli_flag concern_refer_flags[] = {
    {"to", "BODY", CLI_FLAG_REQUIRED,
     "ncas, gmc, gdc, goc, rpsgb, gphc, police, counter-fraud or other-pct"},
    {"rationale", "TEXT", CLI_FLAG_REQUIRED, "why"},
    {"their-ref", "REF", 0, "the body's reference"},
    {"date", "YYYY-MM-DD", 0, "the date of the referral (default today)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_refer = {
    .noun = "concern",
    .verb = "refer",
    .summary = "record a referral to NCAS, a regulator, the police, ...",
    .help = "Records a referral of an open concern to another body (NCAS, GMC, GDC, GOC,\n"
	    "RPSGB, GPhC, police, NHS counter-fraud, another PCT) with its rationale and\n"
	    "their reference. --json prints the referral object.",
    .needs = CLI_SESSION,
    .flags = concern_refer_flags,
    .arg = "REF",
    .exec = cmd_concern_refer_exec,
};

/* --- assure concern note ---------------------------------------------- */

static int cmd_concern_note_exec(struct cli *cli)
{
	Assure__ConcernNoteRequest note = ASSURE__CONCERN_NOTE_REQUEST__INIT;
	note.ref = (char *)cli->arg;
	note.text = cli_flag_str(cli, "text");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_NOTE, &note, &resp);
	if (rc != 0)
		return rc;
	static const Assure__Note none = ASSURE__NOTE__INIT;
	const Assure__Note *n = resp->concern_note->note != NULL ? resp->concern_note->note : &none;
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		json_note(&j, n);
	} else {
		cli_say("Note %" PRId64 " added to %s.", n->id, cli->arg);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag concern_note_flags[] = {
    {"text", "TEXT", CLI_FLAG_REQUIRED, "the note"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_note = {
    .noun = "concern",
    .verb = "note",
    .summary = "add a note to a concern",
    .help = "Adds a note to an open concern. Notes are append-only: a correction is a new\n"
	    "note. --json prints the note object.",
    .needs = CLI_SESSION,
    .flags = concern_note_flags,
    .arg = "REF",
    .exec = cmd_concern_note_exec,
};

/* --- assure concern evidence ------------------------------------------ */

static int cmd_concern_evidence_exec(struct cli *cli)
{
	Assure__ConcernEvidenceRequest ev = ASSURE__CONCERN_EVIDENCE_REQUEST__INIT;
	ev.ref = (char *)cli->arg;
	ev.title = cli_flag_str(cli, "title");
	ev.location = cli_flag_str(cli, "location");
	ev.sha256 = cli_flag_str(cli, "sha256");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_EVIDENCE, &ev, &resp);
	if (rc != 0)
		return rc;
	static const Assure__Evidence none = ASSURE__EVIDENCE__INIT;
	const Assure__Evidence *e =
	    resp->concern_evidence->evidence != NULL ? resp->concern_evidence->evidence : &none;
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		json_evidence(&j, e);
	} else {
		cli_say("Evidence %" PRId64 " recorded on %s.", e->id, cli->arg);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag concern_evidence_flags[] = {
    {"title", "TEXT", CLI_FLAG_REQUIRED, "what the document is"},
    {"location", "TEXT", CLI_FLAG_REQUIRED, "where it is kept"},
    {"sha256", "HEX", 0, "the SHA-256 of the document (64 hex digits)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_evidence = {
    .noun = "concern",
    .verb = "evidence",
    .summary = "record a reference to a piece of evidence",
    .help = "Records a reference to a document held elsewhere: its title, location and,\n"
	    "if given, SHA-256. --json prints the evidence object.",
    .needs = CLI_SESSION,
    .flags = concern_evidence_flags,
    .arg = "REF",
    .exec = cmd_concern_evidence_exec,
};

/* --- assure concern action add / done --------------------------------- */

static void print_action_result(const struct cli *cli, const Assure__ConcernActionResponse *r,
				int done)
{
	static const Assure__ActionItem none = ASSURE__ACTION_ITEM__INIT;
	const Assure__ActionItem *a = r->action != NULL ? r->action : &none;
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		json_action(&j, a);
	} else if (done) {
		cli_say("Action %" PRIu32 " of %s done %s.", a->number, cli->arg,
			cli_or_dash(a->done));
	} else {
		cli_say("Action %" PRIu32 " added to %s: owner %s, due %s.", a->number, cli->arg,
			cli_or_dash(a->owner), cli_or_dash(a->due));
	}
}

static int cmd_concern_action_add_exec(struct cli *cli)
{
	Assure__ConcernActionAddRequest add = ASSURE__CONCERN_ACTION_ADD_REQUEST__INIT;
	add.ref = (char *)cli->arg;
	add.text = cli_flag_str(cli, "text");
	add.owner = cli_flag_str(cli, "owner");
	add.due = cli_flag_str(cli, "due");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_ACTION_ADD, &add, &resp);
	if (rc != 0)
		return rc;
	print_action_result(cli, resp->concern_action_add, 0);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag concern_action_add_flags[] = {
    {"text", "TEXT", CLI_FLAG_REQUIRED, "what is to be done"},
    {"owner", "TEXT", CLI_FLAG_REQUIRED, "who is to do it"},
    {"due", "YYYY-MM-DD", CLI_FLAG_REQUIRED, "by when"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_action_add = {
    .noun = "concern",
    .verb = "action add",
    .summary = "add an action to a concern's action plan",
    .help = "Adds an action (text, owner, due date) to the concern's action plan and\n"
	    "prints its number; its due date goes on the due list. --json prints the\n"
	    "action object.",
    .needs = CLI_SESSION,
    .flags = concern_action_add_flags,
    .arg = "REF",
    .exec = cmd_concern_action_add_exec,
};

static int cmd_concern_action_done_check(struct cli *cli)
{
	uint64_t n;
	return cli_parse_number(cli->arg2, "N", UINT32_MAX, &n);
}

static int cmd_concern_action_done_exec(struct cli *cli)
{
	Assure__ConcernActionDoneRequest done = ASSURE__CONCERN_ACTION_DONE_REQUEST__INIT;
	uint64_t n = 0;
	if (cli_parse_number(cli->arg2, "N", UINT32_MAX, &n) != 0)
		return EXIT_CODE_USAGE;
	done.ref = (char *)cli->arg;
	done.number = (uint32_t)n;
	done.date = cli_flag_str(cli, "date");
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_ACTION_DONE, &done, &resp);
	if (rc != 0)
		return rc;
	print_action_result(cli, resp->concern_action_done, 1);
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag concern_action_done_flags[] = {
    {"date", "YYYY-MM-DD", 0, "when it was done (default today)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_action_done = {
    .noun = "concern",
    .verb = "action done",
    .summary = "mark an action of a concern's plan done",
    .help = "Marks action N of the concern's action plan (numbered 1, 2, ... as concern\n"
	    "show lists them) done. --json prints the action object.",
    .needs = CLI_SESSION,
    .flags = concern_action_done_flags,
    .arg = "REF",
    .arg2 = "N",
    .check = cmd_concern_action_done_check,
    .exec = cmd_concern_action_done_exec,
};

/* --- assure concern show ---------------------------------------------- */

static void print_concern_rows(const Assure__Concern *c)
{
	char created[32], updated[32], version[24];
	cli_format_time(c->created_at, created, sizeof created);
	cli_format_time(c->updated_at, updated, sizeof updated);
	snprintf(version, sizeof version, "%" PRIu64, c->version);
	char *performer = xasprintf("%s (%s, id %" PRId64 ")", cli_str(c->performer_name),
				    cli_or_dash(c->profession), c->performer_id);
	char *grade = grade_text(c->grade);
	char *upd = *cli_str(c->updated_by) != '\0' ? xasprintf("%s by %s", updated, c->updated_by)
						    : xstrdup(updated);
	const char *band = c->grade != NULL ? cli_str(c->grade->band) : "";
	struct cli_row rows[20];
	size_t n = 0;
	rows[n++] = (struct cli_row){"Reference", cli_str(c->ref)};
	rows[n++] = (struct cli_row){"Performer", performer};
	rows[n++] = (struct cli_row){"State", cli_str(c->state)};
	rows[n++] = (struct cli_row){"Received", cli_str(c->received)};
	rows[n++] = (struct cli_row){"Source", cli_str(c->source)};
	rows[n++] = (struct cli_row){"Category", cli_str(c->category)};
	rows[n++] = (struct cli_row){"Summary", cli_str(c->summary)};
	rows[n++] = (struct cli_row){
	    "Reporter", *cli_str(c->reporter) != '\0' ? c->reporter : "none recorded, or withheld"};
	rows[n++] = (struct cli_row){"Grade", grade};
	if (strcmp(band, "high") == 0 || strcmp(band, "extreme") == 0)
		rows[n++] = (struct cli_row){
		    "Interim suspension", c->interim_answered ? "considered" : "to be considered"};
	rows[n++] = (struct cli_row){"Case manager", cli_or_none(c->case_manager)};
	rows[n++] = (struct cli_row){"Investigator", cli_or_none(c->investigator)};
	if (*cli_str(c->linked_ref) != '\0')
		rows[n++] = (struct cli_row){"Follows", c->linked_ref};
	rows[n++] = (struct cli_row){"Created", created};
	rows[n++] = (struct cli_row){"Updated", upd};
	rows[n++] = (struct cli_row){"Version", version};
	cli_print_rows(stdout, rows, n);
	free(upd);
	free(grade);
	free(performer);
}

/* A section heading, and "none" when the section is empty. Returns
 * whether there is anything to print. */
static int section(const char *title, size_t n)
{
	printf("\n%s:\n", title);
	if (n == 0)
		printf("none\n");
	return n > 0;
}

static void print_grades(const Assure__ConcernShowResponse *r)
{
	if (!section("Grade history", r->n_grades))
		return;
	static const char *const headers[] = {"WHEN", "BY", "C", "L", "SCORE", "BAND", "REASON"};
	struct cli_columns *t = cli_columns_new(headers, 7);
	for (size_t i = 0; i < r->n_grades; i++) {
		const Assure__Grade *g = r->grades[i];
		char when[32], c[12], l[12], s[12];
		cli_format_time(g->at, when, sizeof when);
		snprintf(c, sizeof c, "%d", g->consequence);
		snprintf(l, sizeof l, "%d", g->likelihood);
		snprintf(s, sizeof s, "%d", g->score);
		const char *cells[7] = {
		    when, cli_str(g->by), c, l, s, cli_str(g->band), cli_str(g->reason)};
		cli_columns_add(t, cells);
	}
	cli_columns_print(t, stdout);
	cli_columns_free(t);
}

/* "text; name: value; name: value": a timeline entry's text and detail on
 * one line. */
static char *timeline_text(const Assure__TimelineEntry *e)
{
	const char *text = cli_str(e->text);
	const char *detail = cli_str(e->detail);
	char *out = xasprintf("%s%s%s", text, *text && *detail ? "; " : "", detail);
	size_t len = strlen(out);
	while (len > 0 && (out[len - 1] == '\n' || out[len - 1] == ' '))
		out[--len] = '\0';
	for (char *p = out; *p != '\0'; p++)
		if (*p == '\n' && p[1] != '\0')
			*p = ';';
	/* "a;b" after the newline's replacement reads better as "a; b". */
	char *spaced = xmalloc(2 * len + 1);
	char *q = spaced;
	for (const char *p = out; *p != '\0'; p++) {
		*q++ = *p;
		if (*p == ';' && p[1] != ' ' && p[1] != '\0')
			*q++ = ' ';
	}
	*q = '\0';
	free(out);
	return spaced;
}

static void print_timeline(const Assure__ConcernShowResponse *r)
{
	if (!section("Timeline", r->n_timeline))
		return;
	static const char *const headers[] = {"WHEN", "BY", "WHAT", "FROM", "TO", "DATE", "DETAIL"};
	struct cli_columns *t = cli_columns_new(headers, 7);
	for (size_t i = 0; i < r->n_timeline; i++) {
		const Assure__TimelineEntry *e = r->timeline[i];
		char when[32];
		cli_format_time(e->at, when, sizeof when);
		char *text = timeline_text(e);
		const char *cells[7] = {when,
					cli_str(e->by),
					cli_str(e->kind),
					cli_or_dash(e->from_state),
					cli_or_dash(e->to_state),
					cli_or_dash(e->date),
					text};
		cli_columns_add(t, cells);
		free(text);
	}
	cli_columns_print(t, stdout);
	cli_columns_free(t);
}

/* "2026-12-01", "2026-12-01 (overdue)". */
static char *due_text(const char *due, int overdue)
{
	return xasprintf("%s%s", cli_or_dash(due), overdue ? " (overdue)" : "");
}

static void print_deadlines(const Assure__ConcernShowResponse *r)
{
	if (!section("Deadlines", r->n_deadlines))
		return;
	static const char *const headers[] = {"KIND", "START", "DUE", "BASIS", "MET"};
	struct cli_columns *t = cli_columns_new(headers, 5);
	for (size_t i = 0; i < r->n_deadlines; i++) {
		const Assure__Deadline *d = r->deadlines[i];
		char *due = due_text(d->due, d->overdue);
		const char *cells[5] = {cli_str(d->kind), cli_or_dash(d->start), due,
					cli_or_dash(d->basis), cli_or_dash(d->met)};
		cli_columns_add(t, cells);
		free(due);
	}
	cli_columns_print(t, stdout);
	cli_columns_free(t);
}

static void print_decisions(const Assure__ConcernShowResponse *r)
{
	if (!section("Decisions", r->n_decisions))
		return;
	for (size_t i = 0; i < r->n_decisions; i++) {
		const Assure__Decision *d = r->decisions[i];
		char when[32];
		cli_format_time(d->at, when, sizeof when);
		char *recorded = xasprintf("%s by %s", when, cli_str(d->by));
		char *panel = cli_join(d->panel, d->n_panel, ", ");
		char *grounds = cli_join(d->grounds, d->n_grounds, ", ");
		char *status = xasprintf("%s -> %s", cli_or_dash(d->status_before),
					 cli_or_dash(d->status_after));
		struct cli_row rows[] = {
		    {"Outcome", cli_str(d->outcome)},
		    {"Date", cli_str(d->date)},
		    {"Panel", panel},
		    {"Grounds", cli_or_none(grounds)},
		    {"Conditions", cli_or_none(d->conditions)},
		    {"Rationale", cli_str(d->rationale)},
		    {"Facts relied on", cli_or_none(d->facts_relied_on)},
		    {"Representations", cli_or_none(d->representations_considered)},
		    {"List status", status},
		    {"Recorded", recorded},
		};
		if (i > 0)
			printf("\n");
		cli_print_rows(stdout, rows, sizeof rows / sizeof rows[0]);
		free(status);
		free(grounds);
		free(panel);
		free(recorded);
	}
}

static void print_referrals(const Assure__ConcernShowResponse *r)
{
	if (!section("Referrals", r->n_referrals))
		return;
	static const char *const headers[] = {"ID",	  "BODY",      "DATE",	   "THEIR REF",
					      "RESPONSE", "RATIONALE", "RECORDED", "BY"};
	struct cli_columns *t = cli_columns_new(headers, 8);
	for (size_t i = 0; i < r->n_referrals; i++) {
		const Assure__Referral *f = r->referrals[i];
		char id[24], when[32];
		snprintf(id, sizeof id, "%" PRId64, f->id);
		cli_format_time(f->at, when, sizeof when);
		const char *cells[8] = {id,
					cli_str(f->body),
					cli_or_dash(f->date),
					cli_or_dash(f->their_ref),
					cli_or_dash(f->response),
					cli_str(f->rationale),
					when,
					cli_str(f->by)};
		cli_columns_add(t, cells);
	}
	cli_columns_print(t, stdout);
	cli_columns_free(t);
}

static void print_notes(const Assure__ConcernShowResponse *r)
{
	if (!section("Notes", r->n_notes))
		return;
	static const char *const headers[] = {"ID", "WHEN", "BY", "TEXT"};
	struct cli_columns *t = cli_columns_new(headers, 4);
	for (size_t i = 0; i < r->n_notes; i++) {
		const Assure__Note *n = r->notes[i];
		char id[24], when[32];
		snprintf(id, sizeof id, "%" PRId64, n->id);
		cli_format_time(n->at, when, sizeof when);
		const char *cells[4] = {id, when, cli_str(n->by), cli_str(n->text)};
		cli_columns_add(t, cells);
	}
	cli_columns_print(t, stdout);
	cli_columns_free(t);
}

static void print_evidence(const Assure__ConcernShowResponse *r)
{
	if (!section("Evidence", r->n_evidence))
		return;
	static const char *const headers[] = {"ID", "TITLE", "LOCATION", "SHA256", "WHEN", "BY"};
	struct cli_columns *t = cli_columns_new(headers, 6);
	for (size_t i = 0; i < r->n_evidence; i++) {
		const Assure__Evidence *e = r->evidence[i];
		char id[24], when[32];
		snprintf(id, sizeof id, "%" PRId64, e->id);
		cli_format_time(e->at, when, sizeof when);
		const char *cells[6] = {
		    id,	  cli_str(e->title), cli_str(e->location), cli_or_dash(e->sha256),
		    when, cli_str(e->by)};
		cli_columns_add(t, cells);
	}
	cli_columns_print(t, stdout);
	cli_columns_free(t);
}

static void print_actions(const Assure__ConcernShowResponse *r)
{
	if (!section("Actions", r->n_actions))
		return;
	static const char *const headers[] = {"N", "DUE", "OWNER", "DONE", "TEXT"};
	struct cli_columns *t = cli_columns_new(headers, 5);
	for (size_t i = 0; i < r->n_actions; i++) {
		const Assure__ActionItem *a = r->actions[i];
		char num[16];
		snprintf(num, sizeof num, "%" PRIu32, a->number);
		char *due = due_text(a->due, a->overdue);
		const char *cells[5] = {num, due, cli_str(a->owner), cli_or_dash(a->done),
					cli_str(a->text)};
		cli_columns_add(t, cells);
		free(due);
	}
	cli_columns_print(t, stdout);
	cli_columns_free(t);
}

static void print_show_json(const Assure__ConcernShowResponse *r, const Assure__Concern *c)
{
	struct cli_json j;
	cli_json_init(&j, stdout);
	cli_json_object_begin(&j);
	cli_json_key(&j, "concern");
	json_concern(&j, c);
	cli_json_key(&j, "grades");
	cli_json_array_begin(&j);
	for (size_t i = 0; i < r->n_grades; i++)
		json_grade(&j, r->grades[i]);
	cli_json_array_end(&j);
	cli_json_key(&j, "timeline");
	cli_json_array_begin(&j);
	for (size_t i = 0; i < r->n_timeline; i++)
		json_timeline(&j, r->timeline[i]);
	cli_json_array_end(&j);
	json_deadlines(&j, r->deadlines, r->n_deadlines);
	cli_json_key(&j, "referrals");
	cli_json_array_begin(&j);
	for (size_t i = 0; i < r->n_referrals; i++)
		json_referral(&j, r->referrals[i]);
	cli_json_array_end(&j);
	cli_json_key(&j, "notes");
	cli_json_array_begin(&j);
	for (size_t i = 0; i < r->n_notes; i++)
		json_note(&j, r->notes[i]);
	cli_json_array_end(&j);
	cli_json_key(&j, "evidence");
	cli_json_array_begin(&j);
	for (size_t i = 0; i < r->n_evidence; i++)
		json_evidence(&j, r->evidence[i]);
	cli_json_array_end(&j);
	cli_json_key(&j, "actions");
	cli_json_array_begin(&j);
	for (size_t i = 0; i < r->n_actions; i++)
		json_action(&j, r->actions[i]);
	cli_json_array_end(&j);
	cli_json_key(&j, "decisions");
	cli_json_array_begin(&j);
	for (size_t i = 0; i < r->n_decisions; i++)
		json_decision(&j, r->decisions[i]);
	cli_json_array_end(&j);
	cli_json_object_end(&j);
}

static int cmd_concern_show_exec(struct cli *cli)
{
	Assure__ConcernShowRequest show = ASSURE__CONCERN_SHOW_REQUEST__INIT;
	show.ref = (char *)cli->arg;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_CONCERN_SHOW, &show, &resp);
	if (rc != 0)
		return rc;
	const Assure__ConcernShowResponse *r = resp->concern_show;
	const Assure__Concern *c = concern_of(r->concern);
	seen_record(cli, c);
	if (cli->json) {
		print_show_json(r, c);
	} else {
		print_concern_rows(c);
		print_grades(r);
		print_timeline(r);
		print_deadlines(r);
		print_decisions(r);
		print_referrals(r);
		print_notes(r);
		print_evidence(r);
		print_actions(r);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_concern_show = {
    .noun = "concern",
    .verb = "show",
    .summary = "show one concern in full",
    .help = "Shows a concern: its fields and current grade, the grade history, the\n"
	    "timeline of every transition and record, its deadlines, decisions,\n"
	    "referrals, notes, evidence and action plan. Records the version shown as\n"
	    "the one you have seen, which later updates carry. Every read of concern\n"
	    "content is audited. --json prints {\"concern\", \"grades\", \"timeline\",\n"
	    "\"deadlines\", \"referrals\", \"notes\", \"evidence\", \"actions\", \"decisions\"}.",
    .needs = CLI_SESSION,
    .arg = "REF",
    .exec = cmd_concern_show_exec,
};

/* --- assure concern list ---------------------------------------------- */

static void summary_cells(const void *item, char **cells)
{
	const Assure__ConcernSummary *c = item;
	cells[0] = xstrdup(cli_str(c->ref));
	cells[1] = *cli_str(c->performer_name) != '\0' ? xstrdup(c->performer_name)
						       : xasprintf("%" PRId64, c->performer_id);
	cells[2] = xstrdup(cli_str(c->state));
	cells[3] =
	    *cli_str(c->band) != '\0' ? xasprintf("%s (%d)", c->band, c->score) : xstrdup("-");
	cells[4] = xstrdup(cli_or_dash(c->received));
	cells[5] = xstrdup(cli_or_dash(c->case_manager));
	cells[6] = due_text(c->next_due, c->overdue);
}

static const char *const summary_headers[] = {"REF",	  "PERFORMER",	  "STATE",   "GRADE",
					      "RECEIVED", "CASE-MANAGER", "NEXT-DUE"};
static const struct cli_list summary_list = {summary_headers, 7, summary_cells,
					     json_summary_fields};

static int cmd_concern_list_check(struct cli *cli)
{
	const char *performer = cli_flag(cli, "performer");
	uint64_t id;
	return performer != NULL ? cli_parse_number(performer, "--performer", INT64_MAX, &id) : 0;
}

static int cmd_concern_list_exec(struct cli *cli)
{
	Assure__ConcernListRequest list = ASSURE__CONCERN_LIST_REQUEST__INIT;
	const char *performer = cli_flag(cli, "performer");
	if (performer != NULL) {
		uint64_t id = 0;
		if (cli_parse_number(performer, "--performer", INT64_MAX, &id) != 0)
			return EXIT_CODE_USAGE;
		list.performer_id = (int64_t)id;
	}
	list.state = cli_flag_str(cli, "state");
	list.band = cli_flag_str(cli, "grade");
	list.mine = cli_flag(cli, "mine") != NULL;
	list.overdue = cli_flag(cli, "overdue") != NULL;

	return cli_rpc_list_all(cli, ASSURE__REQUEST__OP_CONCERN_LIST, &list, "concerns",
				&summary_list);
}

static const struct cli_flag concern_list_flags[] = {
    {"state", "S", 0, "only concerns in this state"},
    {"performer", "ID", 0, "only concerns about this performer"},
    {"grade", "BAND", 0, "only this risk band: low, moderate, high or extreme"},
    {"mine", NULL, 0, "only concerns you case-manage or investigate"},
    {"overdue", NULL, 0, "only concerns with an overdue deadline"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_list = {
    .noun = "concern",
    .verb = "list",
    .summary = "list concerns",
    .help = "Lists the concerns you may see: reference, performer, state, grade, date\n"
	    "received, case manager and the soonest open deadline (marked overdue when\n"
	    "it has passed). --state, --performer, --grade, --mine and --overdue narrow\n"
	    "the list. Every page the server sends is fetched. --json prints an array of\n"
	    "concern summary objects.",
    .needs = CLI_SESSION,
    .flags = concern_list_flags,
    .exec = cmd_concern_list_exec,
    .check = cmd_concern_list_check,
};

/* --- assure concern due ----------------------------------------------- */

static void due_cells(const void *item, char **cells)
{
	const Assure__Deadline *d = item;
	cells[0] = due_text(d->due, d->overdue);
	cells[1] = xstrdup(cli_str(d->kind));
	cells[2] = xstrdup(cli_str(d->concern_ref));
	cells[3] = xstrdup(cli_or_dash(d->performer_name));
	cells[4] = xstrdup(cli_or_dash(d->state));
}

static const char *const due_headers[] = {"DUE", "KIND", "CONCERN", "PERFORMER", "STATE"};
static const struct cli_list due_list = {due_headers, 5, due_cells, json_deadline_fields};

static int cmd_concern_due_exec(struct cli *cli)
{
	Assure__ConcernDueRequest due = ASSURE__CONCERN_DUE_REQUEST__INIT;
	due.within = cli_flag_str(cli, "within");
	due.mine = cli_flag(cli, "mine") != NULL;
	return cli_rpc_list_all(cli, ASSURE__REQUEST__OP_CONCERN_DUE, &due, "deadlines", &due_list);
}

static const struct cli_flag concern_due_flags[] = {
    {"within", "PERIOD", 0, "how far ahead: 14d, 2w, ... (default 14d)"},
    {"mine", NULL, 0, "only concerns you case-manage or investigate"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_concern_due = {
    .noun = "concern",
    .verb = "due",
    .summary = "list deadlines due soon, and overdue ones",
    .help = "Lists the open deadlines of the concerns you may see that fall due within\n"
	    "the period (default 14 days) or are overdue, soonest first: triage,\n"
	    "investigation, representations, hearing, decision notice, appeal, review\n"
	    "and action dates, and \"consider interim suspension\" for high and extreme\n"
	    "grades. Overdue ones are marked. Every page the server sends is fetched.\n"
	    "--json prints an array of deadline objects.",
    .needs = CLI_SESSION,
    .flags = concern_due_flags,
    .exec = cmd_concern_due_exec,
};
