/*
 * assure review ...: annual contract reviews (ReviewSchedule ... ReviewDue
 * in assure.proto; DOMAIN.md "Annual contract review"; docs/REVIEWS.md).
 * The server enforces the states, the action plan rule, what finalising
 * needs, the year's indicator set and the RAG rules; the CLI shapes the
 * requests and prints the answers. Command names and flags are a contract
 * for scripts (docs/CLI.md).
 *
 * Versions. Every write on a review carries the version the user saw, so
 * two staff editing one review conflict (ABORTED "changed by NAME at
 * TIME", exit 6) rather than overwrite each other: --version N gives it;
 * without it the review is read first (ReviewShow) and its current
 * version sent.
 *
 * Amendments. A finalised review is read-only; a correction is any write
 * with --amend REASON, recorded as an amendment (the review must stay
 * complete).
 *
 * Errors whose message runs to several lines (what finalising still needs,
 * an amendment that would leave the review incomplete) are printed line
 * by line on stderr, each item indented, so the whole list is read.
 *
 * --json: schedule and the other writes print the write response object
 * {"review": summary, "missing": [...], "derivation": "...", "action": ...};
 * show prints {"review": {...}} in full; list and due print arrays. Keys
 * are the proto's field names; Unix times are RFC 3339 strings or null.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_columns.h"
#include "cli_json.h"
#include "client.h"
#include "status.h"
#include "xmalloc.h"

/* --- small helpers ---------------------------------------------------- */

static int check_version_flag(struct cli *cli)
{
	const char *v = cli_flag(cli, "version");
	uint64_t n;
	return v != NULL ? cli_parse_number(v, "--version", UINT64_MAX, &n) : 0;
}

static const Assure__ReviewSummary *summary_of(const Assure__ReviewSummary *s)
{
	static const Assure__ReviewSummary none = ASSURE__REVIEW_SUMMARY__INIT;
	return s != NULL ? s : &none;
}

/* Prints a server message on stderr as "assure: first line", then each
 * further line indented: the finalise list arrives as one message. */
static int print_status_error(const Assure__Response *resp)
{
	int code = client_status_code(resp);
	const char *msg = client_status_message(resp);
	if (*msg == '\0')
		return cli_error(status_exit_code(code), "server answered %s",
				 status_code_name(code));
	const char *nl = strchr(msg, '\n');
	char *first = nl ? xstrndup(msg, (size_t)(nl - msg)) : xstrdup(msg);
	cli_error(status_exit_code(code), "%s", first);
	free(first);
	while (nl != NULL) {
		const char *p = nl + 1;
		nl = strchr(p, '\n');
		char *line = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		char *shown = cli_printable(line);
		fprintf(stderr, "  %s\n", shown);
		free(shown);
		free(line);
	}
	return status_exit_code(code);
}

/* As cli_rpc (one RPC, its result checked), printing multi-line errors
 * whole. */
static int review_rpc(struct cli *cli, Assure__Request__OpCase op, void *msg,
		      Assure__Response **out)
{
	const ProtobufCFieldDescriptor *in =
	    protobuf_c_message_descriptor_get_field(&assure__request__descriptor, (unsigned)op);
	const ProtobufCFieldDescriptor *res =
	    protobuf_c_message_descriptor_get_field(&assure__response__descriptor, (unsigned)op);
	if (in == NULL || res == NULL)
		abort();
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = op;
	*(void **)((char *)&req + in->offset) = msg;
	int rc = cli_call_any(cli, &req, out);
	if (rc != 0)
		return rc;
	if (client_status_code(*out) != ASSURE__CODE__OK) {
		rc = print_status_error(*out);
		assure__response__free_unpacked(*out, NULL);
		*out = NULL;
		return rc;
	}
	if ((unsigned)(*out)->result_case != (unsigned)op ||
	    *(void **)((char *)*out + res->offset) == NULL) {
		assure__response__free_unpacked(*out, NULL);
		*out = NULL;
		return cli_error(EXIT_CODE_INTERNAL, "server answered %s without its result",
				 in->name);
	}
	return 0;
}

/* The version a write carries: --version, else the review's current one,
 * read first. 0 with *out set, or an exit code with the error printed. */
static int review_version(struct cli *cli, const char *ref, uint64_t *out)
{
	const char *v = cli_flag(cli, "version");
	if (v != NULL)
		return cli_parse_number(v, "--version", UINT64_MAX, out);
	Assure__ReviewShowRequest show = ASSURE__REVIEW_SHOW_REQUEST__INIT;
	show.ref = (char *)ref;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_REVIEW_SHOW, &show, &resp);
	if (rc != 0)
		return rc;
	const Assure__Review *r = resp->review_show->review;
	*out = r != NULL ? summary_of(r->summary)->version : 0;
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

/* --- JSON ------------------------------------------------------------- */

static void json_summary_fields(struct cli_json *j, const void *item)
{
	const Assure__ReviewSummary *s = item;
	cli_json_field_string(j, "ref", cli_str(s->ref));
	cli_json_field_string(j, "ods", cli_str(s->ods));
	cli_json_field_string(j, "practice", cli_str(s->practice));
	cli_json_field_string(j, "contract_type", cli_str(s->contract_type));
	cli_json_field_string(j, "site", cli_str(s->site));
	cli_json_field_string(j, "year", cli_str(s->year));
	cli_json_field_string(j, "kind", cli_str(s->kind));
	cli_json_field_string(j, "state", cli_str(s->state));
	cli_json_field_string(j, "visit_type", cli_str(s->visit_type));
	cli_json_field_string(j, "scheduled", cli_str(s->scheduled));
	cli_json_field_string(j, "visited", cli_str(s->visited));
	cli_json_field_string(j, "rag", cli_str(s->rag));
	cli_json_field_string(j, "computed_rag", cli_str(s->computed_rag));
	cli_json_field_bool(j, "overridden", s->overridden);
	cli_json_field_string(j, "next_visit_type", cli_str(s->next_visit_type));
	cli_json_field_bool(j, "mid_year_follow_up", s->mid_year_follow_up);
	cli_json_field_uint(j, "open_actions", s->open_actions);
	cli_json_field_uint(j, "overdue_actions", s->overdue_actions);
	cli_json_field_uint(j, "version", s->version);
	cli_json_field_string(j, "indicator_set", cli_str(s->indicator_set));
}

static void json_summary(struct cli_json *j, const Assure__ReviewSummary *s)
{
	cli_json_object_begin(j);
	json_summary_fields(j, summary_of(s));
	cli_json_object_end(j);
}

static void json_action(struct cli_json *j, const Assure__ReviewAction *a)
{
	if (a == NULL) {
		cli_json_null(j);
		return;
	}
	cli_json_object_begin(j);
	cli_json_field_uint(j, "number", a->number);
	cli_json_field_string(j, "text", cli_str(a->text));
	cli_json_field_string(j, "owner", cli_str(a->owner));
	cli_json_field_string(j, "due", cli_str(a->due));
	cli_json_field_string(j, "for_item", cli_str(a->for_item));
	cli_json_field_string(j, "done", cli_str(a->done));
	cli_json_field_bool(j, "overdue", a->overdue);
	cli_json_object_end(j);
}

static void print_write_json(const Assure__ReviewWriteResponse *r)
{
	struct cli_json j;
	cli_json_init(&j, stdout);
	cli_json_object_begin(&j);
	cli_json_key(&j, "review");
	json_summary(&j, r->review);
	cli_json_field_strings(&j, "missing", r->missing, r->n_missing);
	cli_json_field_string(&j, "derivation", cli_str(r->derivation));
	cli_json_key(&j, "action");
	json_action(&j, r->action);
	cli_json_object_end(&j);
}

static void json_qof(struct cli_json *j, const Assure__QofResult *q)
{
	static const Assure__QofResult none = ASSURE__QOF_RESULT__INIT;
	if (q == NULL)
		q = &none;
	cli_json_object_begin(j);
	cli_json_field_bool(j, "recorded", q->recorded);
	cli_json_field_string(j, "clinical", cli_str(q->clinical));
	cli_json_field_string(j, "organisational", cli_str(q->organisational));
	cli_json_field_string(j, "patient_experience", cli_str(q->patient_experience));
	cli_json_field_string(j, "additional", cli_str(q->additional));
	cli_json_field_string(j, "exception_rate", cli_str(q->exception_rate));
	cli_json_field_string(j, "total", cli_str(q->total));
	cli_json_field_string(j, "max_clinical", cli_str(q->max_clinical));
	cli_json_field_string(j, "max_organisational", cli_str(q->max_organisational));
	cli_json_field_string(j, "max_patient_experience", cli_str(q->max_patient_experience));
	cli_json_field_string(j, "max_additional", cli_str(q->max_additional));
	cli_json_object_end(j);
}

static void json_indicator(struct cli_json *j, const Assure__Indicator *i)
{
	if (i == NULL) {
		cli_json_null(j);
		return;
	}
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

static void json_review(struct cli_json *j, const Assure__Review *r)
{
	cli_json_object_begin(j);
	cli_json_key(j, "summary");
	json_summary(j, r->summary);
	cli_json_key(j, "qof");
	json_qof(j, r->qof);
	cli_json_key(j, "checks");
	cli_json_array_begin(j);
	for (size_t i = 0; i < r->n_checks; i++) {
		const Assure__CheckItem *c = r->checks[i];
		cli_json_object_begin(j);
		cli_json_field_string(j, "code", cli_str(c->code));
		cli_json_field_string(j, "title", cli_str(c->title));
		cli_json_field_string(j, "result", cli_str(c->result));
		cli_json_field_string(j, "evidence", cli_str(c->evidence));
		cli_json_field_time(j, "at", c->at);
		cli_json_field_string(j, "by", cli_str(c->by));
		cli_json_object_end(j);
	}
	cli_json_array_end(j);
	cli_json_key(j, "sfbh");
	cli_json_array_begin(j);
	for (size_t i = 0; i < r->n_sfbh; i++) {
		const Assure__SfbhItem *s = r->sfbh[i];
		cli_json_object_begin(j);
		cli_json_field_string(j, "domain", cli_str(s->domain));
		cli_json_field_string(j, "title", cli_str(s->title));
		cli_json_field_string(j, "result", cli_str(s->result));
		cli_json_field_string(j, "evidence", cli_str(s->evidence));
		cli_json_field_time(j, "at", s->at);
		cli_json_field_string(j, "by", cli_str(s->by));
		cli_json_object_end(j);
	}
	cli_json_array_end(j);
	cli_json_key(j, "scores");
	cli_json_array_begin(j);
	for (size_t i = 0; i < r->n_scores; i++) {
		const Assure__Score *s = r->scores[i];
		cli_json_object_begin(j);
		cli_json_key(j, "indicator");
		json_indicator(j, s->indicator);
		cli_json_field_string(j, "value", cli_str(s->value));
		cli_json_field_string(j, "not_available", cli_str(s->not_available));
		cli_json_field_string(j, "rag", cli_str(s->rag));
		cli_json_field_time(j, "at", s->at);
		cli_json_field_string(j, "by", cli_str(s->by));
		cli_json_object_end(j);
	}
	cli_json_array_end(j);
	cli_json_field_string(j, "achievements", cli_str(r->achievements));
	cli_json_field_string(j, "developments", cli_str(r->developments));
	cli_json_field_string(j, "challenges", cli_str(r->challenges));
	cli_json_key(j, "actions");
	cli_json_array_begin(j);
	for (size_t i = 0; i < r->n_actions; i++)
		json_action(j, r->actions[i]);
	cli_json_array_end(j);
	cli_json_field_string(j, "override_rag", cli_str(r->override_rag));
	cli_json_field_string(j, "override_reason", cli_str(r->override_reason));
	cli_json_field_string(j, "derivation", cli_str(r->derivation));
	cli_json_field_strings(j, "missing", r->missing, r->n_missing);
	cli_json_key(j, "history");
	cli_json_array_begin(j);
	for (size_t i = 0; i < r->n_history; i++) {
		const Assure__ReviewEvent *e = r->history[i];
		cli_json_object_begin(j);
		cli_json_field_time(j, "at", e->at);
		cli_json_field_string(j, "by", cli_str(e->by));
		cli_json_field_string(j, "kind", cli_str(e->kind));
		cli_json_field_string(j, "text", cli_str(e->text));
		cli_json_field_string(j, "detail", cli_str(e->detail));
		cli_json_object_end(j);
	}
	cli_json_array_end(j);
	cli_json_field_uint(j, "catalogue_version", r->catalogue_version);
	cli_json_field_string(j, "green_mean", cli_str(r->green_mean));
	cli_json_field_string(j, "red_mean", cli_str(r->red_mean));
	cli_json_field_string(j, "projected_next_visit_type",
			      cli_str(r->projected_next_visit_type));
	cli_json_field_bool(j, "projected_follow_up", r->projected_follow_up);
	cli_json_field_string(j, "finalised_by", cli_str(r->finalised_by));
	cli_json_field_time(j, "finalised_at", r->finalised_at);
	cli_json_object_end(j);
}

/* --- text ------------------------------------------------------------- */

/* "amber", "amber (override; computed green)", "none yet". */
static char *rag_text(const Assure__ReviewSummary *s)
{
	const char *rag = *cli_str(s->rag) ? s->rag : "none yet";
	if (s->overridden)
		return xasprintf("%s (override; computed %s)", rag, cli_or_none(s->computed_rag));
	return xstrdup(rag);
}

/* The shared tail of a write: what happened, then the result and what
 * finalising still needs. */
static void print_write(const char *what, const Assure__ReviewWriteResponse *r)
{
	const Assure__ReviewSummary *s = summary_of(r->review);
	cli_say("%s: %s; state %s, version %" PRIu64 ".", cli_str(s->ref), what,
		cli_or_dash(s->state), s->version);
	char *rag = rag_text(s);
	cli_say("Overall RAG: %s. %s", rag, cli_str(r->derivation));
	free(rag);
	if (strcmp(cli_str(s->state), "finalised") == 0)
		return;
	if (r->n_missing == 0)
		cli_say("Ready to finalise.");
	else
		cli_say("Finalising still needs %zu thing%s (review show lists them).",
			r->n_missing, r->n_missing == 1 ? "" : "s");
}

/* Sends a write (op, msg) and prints the answer. 0 or an exit code. */
static int finish_write(struct cli *cli, Assure__Request__OpCase op, void *msg, const char *what)
{
	Assure__Response *resp = NULL;
	int rc = review_rpc(cli, op, msg, &resp);
	if (rc != 0)
		return rc;
	const ProtobufCFieldDescriptor *res =
	    protobuf_c_message_descriptor_get_field(&assure__response__descriptor, (unsigned)op);
	const Assure__ReviewWriteResponse *r =
	    *(const Assure__ReviewWriteResponse *const *)((const char *)resp + res->offset);
	if (cli->json) {
		print_write_json(r);
	} else if (r->action != NULL && op == ASSURE__REQUEST__OP_REVIEW_ACTION_ADD) {
		char *w = xasprintf(
		    "action %" PRIu32 " added (owner %s, due %s%s%s)", r->action->number,
		    cli_or_dash(r->action->owner), cli_or_dash(r->action->due),
		    *cli_str(r->action->for_item) ? ", for " : "", cli_str(r->action->for_item));
		print_write(w, r);
		free(w);
	} else {
		print_write(what, r);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const char version_help[] =
    "the version you saw (default: the review's current version, read first); exit 6 if "
    "the review has changed since";
static const char amend_help[] =
    "correct a finalised review: the reason, recorded as an amendment (the review must "
    "stay complete)";

/* --- assure review schedule ------------------------------------------- */

static int cmd_review_schedule_exec(struct cli *cli)
{
	Assure__ReviewScheduleRequest req = ASSURE__REVIEW_SCHEDULE_REQUEST__INIT;
	req.ods = cli_flag_str(cli, "contract");
	req.year = cli_flag_str(cli, "year");
	req.kind = cli_flag_str(cli, "kind");
	req.visit_type = cli_flag_str(cli, "visit-type");
	req.date = cli_flag_str(cli, "date");
	Assure__Response *resp = NULL;
	int rc = review_rpc(cli, ASSURE__REQUEST__OP_REVIEW_SCHEDULE, &req, &resp);
	if (rc != 0)
		return rc;
	const Assure__ReviewWriteResponse *r = resp->review_schedule;
	if (cli->json)
		print_write_json(r);
	else
		cli_say("%s", cli_str(summary_of(r->review)->ref));
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag review_schedule_flags[] = {
    {"contract", "ODS", CLI_FLAG_REQUIRED, "the practice's ODS code, e.g. E84001"},
    {"year", "YYYY/YY", CLI_FLAG_REQUIRED, "the review year, e.g. 2009/10"},
    {"kind", "annual|mid-year", 0, "annual (default) or mid-year"},
    {"visit-type", "desktop|standard|full", 0,
     "the visit (default: what last year's finalised review decided, else standard)"},
    {"date", "YYYY-MM-DD", 0, "the planned visit date (may be in the future)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_schedule = {
    .noun = "review",
    .verb = "schedule",
    .summary = "schedule a contract's annual (or mid-year) review",
    .help = "Schedules a review of the contract for the year and prints its reference\n"
	    "(REV-YYYY-NNNN) alone. One annual review per contract per year, and at most one\n"
	    "mid-year review. Its checklist is the requirements catalogue as it stands; it is\n"
	    "scored against the indicator set published for the year. The visit type defaults\n"
	    "to the next visit type the contract's last finalised annual review decided\n"
	    "(green: desktop, amber: standard, red: full), else standard. --json prints the\n"
	    "write response object.",
    .needs = CLI_SESSION,
    .flags = review_schedule_flags,
    .exec = cmd_review_schedule_exec,
};

/* --- assure review visit ----------------------------------------------- */

static int cmd_review_visit_exec(struct cli *cli)
{
	Assure__ReviewVisitRequest req = ASSURE__REVIEW_VISIT_REQUEST__INIT;
	req.ref = (char *)cli->arg;
	req.date = cli_flag_str(cli, "date");
	req.amend_reason = cli_flag_str(cli, "amend");
	int rc = review_version(cli, cli->arg, &req.version);
	if (rc != 0)
		return rc;
	char *what = xasprintf("visit recorded on %s", req.date);
	rc = finish_write(cli, ASSURE__REQUEST__OP_REVIEW_VISIT, &req, what);
	free(what);
	return rc;
}

static const struct cli_flag review_visit_flags[] = {
    {"date", "YYYY-MM-DD", CLI_FLAG_REQUIRED, "the day of the visit (not in the future)"},
    {"amend", "REASON", 0, amend_help},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_visit = {
    .noun = "review",
    .verb = "visit",
    .summary = "record a review's visit",
    .help = "Records the visit of a scheduled review (scheduled -> visited). The write-up\n"
	    "may be recorded before or after the visit; a review is finalised once its\n"
	    "visit is recorded.",
    .needs = CLI_SESSION,
    .flags = review_visit_flags,
    .arg = "REF",
    .check = check_version_flag,
    .exec = cmd_review_visit_exec,
};

/* --- assure review qof -------------------------------------------------- */

static int cmd_review_qof_exec(struct cli *cli)
{
	Assure__ReviewQofRequest req = ASSURE__REVIEW_QOF_REQUEST__INIT;
	req.ref = (char *)cli->arg;
	req.clinical = cli_flag_str(cli, "clinical");
	req.organisational = cli_flag_str(cli, "organisational");
	req.patient_experience = cli_flag_str(cli, "patient-experience");
	req.additional = cli_flag_str(cli, "additional");
	req.exception_rate = cli_flag_str(cli, "exception-rate");
	req.amend_reason = cli_flag_str(cli, "amend");
	int rc = review_version(cli, cli->arg, &req.version);
	if (rc != 0)
		return rc;
	return finish_write(cli, ASSURE__REQUEST__OP_REVIEW_QOF, &req, "QOF recorded");
}

static const struct cli_flag review_qof_flags[] = {
    {"clinical", "N", CLI_FLAG_REQUIRED, "clinical domain points achieved"},
    {"organisational", "N", CLI_FLAG_REQUIRED, "organisational domain points"},
    {"patient-experience", "N", CLI_FLAG_REQUIRED, "patient experience domain points"},
    {"additional", "N", CLI_FLAG_REQUIRED, "additional services domain points"},
    {"exception-rate", "PCT", 0, "the exception reporting rate, percent"},
    {"amend", "REASON", 0, amend_help},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_qof = {
    .noun = "review",
    .verb = "qof",
    .summary = "record a review's QOF achievement",
    .help = "Records the QOF points achieved by domain, each at most the year's maximum\n"
	    "(1,000 points in all), and optionally the exception reporting rate. Decimals\n"
	    "as typed, e.g. 650.5.",
    .needs = CLI_SESSION,
    .flags = review_qof_flags,
    .arg = "REF",
    .check = check_version_flag,
    .exec = cmd_review_qof_exec,
};

/* --- assure review check / sfbh ------------------------------------------ */

static int cmd_review_check_exec(struct cli *cli)
{
	Assure__ReviewCheckRequest req = ASSURE__REVIEW_CHECK_REQUEST__INIT;
	req.ref = (char *)cli->arg;
	req.item = cli_flag_str(cli, "item");
	req.result = cli_flag_str(cli, "result");
	req.evidence = cli_flag_str(cli, "evidence");
	req.amend_reason = cli_flag_str(cli, "amend");
	int rc = review_version(cli, cli->arg, &req.version);
	if (rc != 0)
		return rc;
	char *what = xasprintf("%s %s", req.item, req.result);
	rc = finish_write(cli, ASSURE__REQUEST__OP_REVIEW_CHECK, &req, what);
	free(what);
	return rc;
}

static const struct cli_flag review_check_flags[] = {
    {"item", "CODE", CLI_FLAG_REQUIRED,
     "the checklist requirement, e.g. PRACTICE_LEAFLET (assure requirements list)"},
    {"result", "met|partly|not-met|n/a", CLI_FLAG_REQUIRED, "the finding"},
    {"evidence", "TEXT", CLI_FLAG_REQUIRED, "what was seen (optional only for n/a)"},
    {"amend", "REASON", 0, amend_help},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_check = {
    .noun = "review",
    .verb = "check",
    .summary = "answer a contractual or statutory requirement",
    .help = "Answers one item of the review's checklist (the requirements catalogue when\n"
	    "the review was scheduled): met, partly, not-met or n/a, with the evidence. A\n"
	    "requirement not met caps the overall result at amber; one partly or not met\n"
	    "needs an action (review action add --for CODE) before finalising.",
    .needs = CLI_SESSION,
    .flags = review_check_flags,
    .arg = "REF",
    .check = check_version_flag,
    .exec = cmd_review_check_exec,
};

static int cmd_review_sfbh_exec(struct cli *cli)
{
	Assure__ReviewSfbhRequest req = ASSURE__REVIEW_SFBH_REQUEST__INIT;
	req.ref = (char *)cli->arg;
	req.domain = cli_flag_str(cli, "domain");
	req.result = cli_flag_str(cli, "result");
	req.evidence = cli_flag_str(cli, "evidence");
	req.amend_reason = cli_flag_str(cli, "amend");
	int rc = review_version(cli, cli->arg, &req.version);
	if (rc != 0)
		return rc;
	char *what = xasprintf("SfBH %s %s", req.domain, req.result);
	rc = finish_write(cli, ASSURE__REQUEST__OP_REVIEW_SFBH, &req, what);
	free(what);
	return rc;
}

static const struct cli_flag review_sfbh_flags[] = {
    {"domain", "D", CLI_FLAG_REQUIRED,
     "safety, clinical-cost-effectiveness, governance, patient-focus, "
     "accessible-responsive-care, care-environment-amenities or public-health"},
    {"result", "compliant|partly|not-compliant", CLI_FLAG_REQUIRED, "the finding"},
    {"evidence", "TEXT", CLI_FLAG_REQUIRED, "what was seen"},
    {"amend", "REASON", 0, amend_help},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_sfbh = {
    .noun = "review",
    .verb = "sfbh",
    .summary = "answer a Standards for Better Health domain",
    .help = "Answers one of the seven Standards for Better Health domains: compliant,\n"
	    "partly or not-compliant, with the evidence. A domain partly or not compliant\n"
	    "needs an action (review action add --for sfbh:DOMAIN) before finalising.",
    .needs = CLI_SESSION,
    .flags = review_sfbh_flags,
    .arg = "REF",
    .check = check_version_flag,
    .exec = cmd_review_sfbh_exec,
};

/* --- assure review score ---------------------------------------------------- */

static int cmd_review_score_check(struct cli *cli)
{
	if ((cli_flag(cli, "value") != NULL) == (cli_flag(cli, "not-available") != NULL))
		return cli_error(EXIT_CODE_USAGE, "assure review score needs --value V or "
						  "--not-available REASON (one of the two)");
	return check_version_flag(cli);
}

static int cmd_review_score_exec(struct cli *cli)
{
	Assure__ReviewScoreRequest req = ASSURE__REVIEW_SCORE_REQUEST__INIT;
	req.ref = (char *)cli->arg;
	req.indicator = cli_flag_str(cli, "indicator");
	req.value = cli_flag_str(cli, "value");
	req.not_available = cli_flag_str(cli, "not-available");
	req.amend_reason = cli_flag_str(cli, "amend");
	int rc = review_version(cli, cli->arg, &req.version);
	if (rc != 0)
		return rc;
	char *what = *req.value ? xasprintf("%s = %s", req.indicator, req.value)
				: xasprintf("%s not available", req.indicator);
	rc = finish_write(cli, ASSURE__REQUEST__OP_REVIEW_SCORE, &req, what);
	free(what);
	return rc;
}

static const struct cli_flag review_score_flags[] = {
    {"indicator", "CODE", CLI_FLAG_REQUIRED, "the indicator of the year's published set"},
    {"value", "V", 0, "its value, a decimal as measured"},
    {"not-available", "REASON", 0, "no value can be given, and why"},
    {"amend", "REASON", 0, amend_help},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_score = {
    .noun = "review",
    .verb = "score",
    .summary = "record an indicator's value (or that none is available)",
    .help = "Records the value of one indicator of the indicator set published for the\n"
	    "review's year, whose thresholds give its RAG (at the threshold counts as\n"
	    "meeting it), or marks it not available with a reason. A red indicator needs\n"
	    "an action (review action add --for CODE) before finalising.",
    .needs = CLI_SESSION,
    .flags = review_score_flags,
    .arg = "REF",
    .check = cmd_review_score_check,
    .exec = cmd_review_score_exec,
};

/* --- assure review narrative ---------------------------------------------------- */

static int cmd_review_narrative_check(struct cli *cli)
{
	if (cli_flag(cli, "achievements") == NULL && cli_flag(cli, "developments") == NULL &&
	    cli_flag(cli, "challenges") == NULL)
		return cli_error(EXIT_CODE_USAGE, "assure review narrative needs --achievements, "
						  "--developments or --challenges");
	return check_version_flag(cli);
}

static int cmd_review_narrative_exec(struct cli *cli)
{
	Assure__ReviewNarrativeRequest req = ASSURE__REVIEW_NARRATIVE_REQUEST__INIT;
	req.ref = (char *)cli->arg;
	req.achievements = cli_flag_str(cli, "achievements");
	req.developments = cli_flag_str(cli, "developments");
	req.challenges = cli_flag_str(cli, "challenges");
	req.amend_reason = cli_flag_str(cli, "amend");
	int rc = review_version(cli, cli->arg, &req.version);
	if (rc != 0)
		return rc;
	return finish_write(cli, ASSURE__REQUEST__OP_REVIEW_NARRATIVE, &req, "narrative recorded");
}

static const struct cli_flag review_narrative_flags[] = {
    {"achievements", "TEXT", 0, "achievements to celebrate"},
    {"developments", "TEXT", 0, "developments over the next one to two years"},
    {"challenges", "TEXT", 0, "challenges foreseen"},
    {"amend", "REASON", 0, amend_help},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_narrative = {
    .noun = "review",
    .verb = "narrative",
    .summary = "record a review's narrative",
    .help = "Records the narrative: achievements to celebrate, developments over the next\n"
	    "one to two years, challenges foreseen. A part left out is left as it is; all\n"
	    "three are needed before finalising.",
    .needs = CLI_SESSION,
    .flags = review_narrative_flags,
    .arg = "REF",
    .check = cmd_review_narrative_check,
    .exec = cmd_review_narrative_exec,
};

/* --- assure review action add / done ------------------------------------------- */

static int cmd_review_action_add_exec(struct cli *cli)
{
	Assure__ReviewActionAddRequest req = ASSURE__REVIEW_ACTION_ADD_REQUEST__INIT;
	req.ref = (char *)cli->arg;
	req.text = cli_flag_str(cli, "text");
	req.owner = cli_flag_str(cli, "owner");
	req.due = cli_flag_str(cli, "due");
	req.for_item = cli_flag_str(cli, "for");
	req.amend_reason = cli_flag_str(cli, "amend");
	int rc = review_version(cli, cli->arg, &req.version);
	if (rc != 0)
		return rc;
	return finish_write(cli, ASSURE__REQUEST__OP_REVIEW_ACTION_ADD, &req, "action added");
}

static const struct cli_flag review_action_add_flags[] = {
    {"text", "TEXT", CLI_FLAG_REQUIRED, "what is to be done"},
    {"owner", "TEXT", CLI_FLAG_REQUIRED, "who is to do it"},
    {"due", "YYYY-MM-DD", CLI_FLAG_REQUIRED, "by when (may be in the future)"},
    {"for", "ITEM", 0, "what it answers: a requirement code, sfbh:DOMAIN or an indicator code"},
    {"amend", "REASON", 0, amend_help},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_action_add = {
    .noun = "review",
    .verb = "action add",
    .summary = "add an action to a review's action plan",
    .help = "Adds an action (text, owner, due date) to the review's action plan, for an\n"
	    "item of the review: every requirement or SfBH domain not fully met and every\n"
	    "red indicator needs one before finalising. Open actions past their due date\n"
	    "are overdue (review list --overdue-actions, review due).",
    .needs = CLI_SESSION,
    .flags = review_action_add_flags,
    .arg = "REF",
    .check = check_version_flag,
    .exec = cmd_review_action_add_exec,
};

static int cmd_review_action_done_check(struct cli *cli)
{
	uint64_t n;
	if (cli_parse_number(cli->arg2, "N", UINT32_MAX, &n) != 0)
		return EXIT_CODE_USAGE;
	return check_version_flag(cli);
}

static int cmd_review_action_done_exec(struct cli *cli)
{
	Assure__ReviewActionDoneRequest req = ASSURE__REVIEW_ACTION_DONE_REQUEST__INIT;
	uint64_t n = 0;
	if (cli_parse_number(cli->arg2, "N", UINT32_MAX, &n) != 0)
		return EXIT_CODE_USAGE;
	req.ref = (char *)cli->arg;
	req.number = (uint32_t)n;
	req.date = cli_flag_str(cli, "date");
	req.amend_reason = cli_flag_str(cli, "amend");
	int rc = review_version(cli, cli->arg, &req.version);
	if (rc != 0)
		return rc;
	char *what = xasprintf("action %" PRIu64 " done", n);
	rc = finish_write(cli, ASSURE__REQUEST__OP_REVIEW_ACTION_DONE, &req, what);
	free(what);
	return rc;
}

static const struct cli_flag review_action_done_flags[] = {
    {"date", "YYYY-MM-DD", 0, "when it was done (default today; not in the future)"},
    {"amend", "REASON", 0, amend_help},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_action_done = {
    .noun = "review",
    .verb = "action done",
    .summary = "mark an action of a review's plan done",
    .help = "Marks action N of the review's action plan (numbered 1, 2, ... as review show\n"
	    "lists them) done. Allowed on a finalised review without --amend: carrying out\n"
	    "the plan is progress, not a correction.",
    .needs = CLI_SESSION,
    .flags = review_action_done_flags,
    .arg = "REF",
    .arg2 = "N",
    .check = cmd_review_action_done_check,
    .exec = cmd_review_action_done_exec,
};

/* --- assure review override -------------------------------------------------------- */

static int cmd_review_override_exec(struct cli *cli)
{
	Assure__ReviewOverrideRequest req = ASSURE__REVIEW_OVERRIDE_REQUEST__INIT;
	req.ref = (char *)cli->arg;
	const char *rag = cli_flag_str(cli, "rag");
	req.rag = (char *)(strcmp(rag, "none") == 0 ? "" : rag);
	req.reason = cli_flag_str(cli, "reason");
	req.amend_reason = cli_flag_str(cli, "amend");
	int rc = review_version(cli, cli->arg, &req.version);
	if (rc != 0)
		return rc;
	char *what = *req.rag ? xasprintf("overall RAG overridden to %s", req.rag)
			      : xstrdup("override removed");
	rc = finish_write(cli, ASSURE__REQUEST__OP_REVIEW_OVERRIDE, &req, what);
	free(what);
	return rc;
}

static const struct cli_flag review_override_flags[] = {
    {"rag", "green|amber|red|none", CLI_FLAG_REQUIRED,
     "the result that counts instead of the computed one (none removes the override)"},
    {"reason", "TEXT", CLI_FLAG_REQUIRED, "why (recorded and audited)"},
    {"amend", "REASON", 0, amend_help},
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_override = {
    .noun = "review",
    .verb = "override",
    .summary = "override a review's overall RAG, with a reason",
    .help = "Overrides the computed overall RAG with green, amber or red, recording the\n"
	    "reason; review show prints the override beside the computed result. --rag\n"
	    "none removes the override (with a reason too).",
    .needs = CLI_SESSION,
    .flags = review_override_flags,
    .arg = "REF",
    .check = check_version_flag,
    .exec = cmd_review_override_exec,
};

/* --- assure review finalise ----------------------------------------------------------- */

static int cmd_review_finalise_exec(struct cli *cli)
{
	Assure__ReviewFinaliseRequest req = ASSURE__REVIEW_FINALISE_REQUEST__INIT;
	req.ref = (char *)cli->arg;
	int rc = review_version(cli, cli->arg, &req.version);
	if (rc != 0)
		return rc;
	Assure__Response *resp = NULL;
	rc = review_rpc(cli, ASSURE__REQUEST__OP_REVIEW_FINALISE, &req, &resp);
	if (rc != 0)
		return rc;
	const Assure__ReviewWriteResponse *r = resp->review_finalise;
	const Assure__ReviewSummary *s = summary_of(r->review);
	if (cli->json) {
		print_write_json(r);
	} else {
		char *rag = rag_text(s);
		cli_say("%s finalised: %s; version %" PRIu64 ".", cli_str(s->ref), rag, s->version);
		cli_say("How derived: %s", cli_str(r->derivation));
		cli_say("Next visit: %s%s.", cli_or_dash(s->next_visit_type),
			s->mid_year_follow_up ? ", with a mid-year follow-up" : "");
		free(rag);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag review_finalise_flags[] = {
    {"version", "N", 0, version_help},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_finalise = {
    .noun = "review",
    .verb = "finalise",
    .summary = "finalise a review: fix its RAG and next visit type",
    .help = "Finalises a review whose visit is recorded: every checklist item and SfBH\n"
	    "domain answered, every indicator given a value or marked not available with a\n"
	    "reason, the narrative present, an overall result, and an action for every item\n"
	    "not fully met and every red indicator. Otherwise prints everything missing and\n"
	    "exits 7. Fixes the final RAG (the override if any) and the next visit type\n"
	    "(green: desktop, amber: standard, red: full with a mid-year follow-up); the\n"
	    "review is then read-only except for amendments (--amend on any write).",
    .needs = CLI_SESSION,
    .flags = review_finalise_flags,
    .arg = "REF",
    .check = check_version_flag,
    .exec = cmd_review_finalise_exec,
};

/* --- assure review show ------------------------------------------------------------------ */

static int section(const char *title, size_t n)
{
	printf("\n%s:\n", title);
	if (n == 0)
		printf("none\n");
	return n > 0;
}

static char *join_text(const char *a, const char *sep, const char *b)
{
	if (*cli_str(a) == '\0')
		return xstrdup(cli_str(b));
	if (*cli_str(b) == '\0')
		return xstrdup(cli_str(a));
	return xasprintf("%s%s%s", a, sep, b);
}

static void print_review_rows(const Assure__Review *r)
{
	const Assure__ReviewSummary *s = summary_of(r->summary);
	char version[24];
	snprintf(version, sizeof version, "%" PRIu64, s->version);
	char *practice = xasprintf("%s %s (%s, site %s)", cli_str(s->ods), cli_str(s->practice),
				   cli_or_dash(s->contract_type), cli_or_dash(s->site));
	char *year = xasprintf("%s %s", cli_str(s->year), cli_str(s->kind));
	char *visit = xasprintf("%s; scheduled %s; visited %s", cli_or_dash(s->visit_type),
				cli_or_dash(s->scheduled), cli_or_dash(s->visited));
	char *set = *cli_str(s->indicator_set)
			? xasprintf("%s (green at a weighted mean of %s or more, red below %s)",
				    s->indicator_set, cli_str(r->green_mean), cli_str(r->red_mean))
			: xstrdup("none published for the year yet");
	const char *computed = *cli_str(s->computed_rag) ? s->computed_rag : "none";
	char *rag =
	    *cli_str(r->override_rag)
		? xasprintf("%s (override) beside the computed %s", r->override_rag, computed)
		: xasprintf("%s", *cli_str(s->rag) ? s->rag : "none yet");
	int finalised = strcmp(cli_str(s->state), "finalised") == 0;
	char *next = finalised
			 ? xasprintf("%s%s", cli_or_dash(s->next_visit_type),
				     s->mid_year_follow_up ? ", with a mid-year follow-up" : "")
			 : xasprintf("%s%s (when finalised, from the result in force now)",
				     cli_or_dash(r->projected_next_visit_type),
				     r->projected_follow_up ? ", with a mid-year follow-up" : "");
	char *actions =
	    xasprintf("%" PRIu32 " open, %" PRIu32 " overdue", s->open_actions, s->overdue_actions);
	char when[32];
	cli_format_time(r->finalised_at, when, sizeof when);
	char *fin = xasprintf("%s by %s", when, cli_or_dash(r->finalised_by));
	struct cli_row rows[16];
	size_t n = 0;
	rows[n++] = (struct cli_row){"Reference", cli_str(s->ref)};
	rows[n++] = (struct cli_row){"Practice", practice};
	rows[n++] = (struct cli_row){"Year", year};
	rows[n++] = (struct cli_row){"State", cli_str(s->state)};
	rows[n++] = (struct cli_row){"Visit", visit};
	rows[n++] = (struct cli_row){"Indicator set", set};
	rows[n++] = (struct cli_row){"Overall RAG", rag};
	if (*cli_str(r->override_rag))
		rows[n++] = (struct cli_row){"Override reason", cli_str(r->override_reason)};
	rows[n++] = (struct cli_row){"How derived", cli_or_dash(r->derivation)};
	rows[n++] = (struct cli_row){"Next visit", next};
	rows[n++] = (struct cli_row){"Actions", actions};
	if (finalised)
		rows[n++] = (struct cli_row){"Finalised", fin};
	rows[n++] = (struct cli_row){"Version", version};
	cli_print_rows(stdout, rows, n);
	free(fin);
	free(actions);
	free(next);
	free(rag);
	free(set);
	free(visit);
	free(year);
	free(practice);
}

static void print_qof(const Assure__QofResult *q)
{
	printf("\nQOF:\n");
	if (q == NULL || !q->recorded) {
		printf("not recorded\n");
		return;
	}
	static const char *const headers[] = {"DOMAIN", "POINTS", "MAXIMUM"};
	struct cli_columns *t = cli_columns_new(headers, 3);
	const char *rows[][3] = {
	    {"clinical", cli_str(q->clinical), cli_str(q->max_clinical)},
	    {"organisational", cli_str(q->organisational), cli_str(q->max_organisational)},
	    {"patient experience", cli_str(q->patient_experience),
	     cli_str(q->max_patient_experience)},
	    {"additional services", cli_str(q->additional), cli_str(q->max_additional)},
	    {"total", cli_str(q->total), "1000"},
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
		cli_columns_add(t, rows[i]);
	cli_columns_print(t, stdout);
	cli_columns_free(t);
	if (*cli_str(q->exception_rate))
		cli_say("Exception reporting rate: %s%%", q->exception_rate);
	else
		cli_say("Exception reporting rate: not recorded");
}

static void print_checks(const Assure__Review *r)
{
	if (!section("Contractual and statutory requirements", r->n_checks))
		return;
	static const char *const headers[] = {"CODE", "RESULT", "EVIDENCE", "REQUIREMENT"};
	struct cli_columns *t = cli_columns_new(headers, 4);
	for (size_t i = 0; i < r->n_checks; i++) {
		const Assure__CheckItem *c = r->checks[i];
		const char *cells[4] = {cli_str(c->code),
					*cli_str(c->result) ? c->result : "(not answered)",
					cli_or_dash(c->evidence), cli_str(c->title)};
		cli_columns_add(t, cells);
	}
	cli_columns_print(t, stdout);
	cli_columns_free(t);
}

static void print_sfbh(const Assure__Review *r)
{
	if (!section("Standards for Better Health", r->n_sfbh))
		return;
	static const char *const headers[] = {"DOMAIN", "RESULT", "EVIDENCE"};
	struct cli_columns *t = cli_columns_new(headers, 3);
	for (size_t i = 0; i < r->n_sfbh; i++) {
		const Assure__SfbhItem *s = r->sfbh[i];
		const char *cells[3] = {cli_str(s->domain),
					*cli_str(s->result) ? s->result : "(not answered)",
					cli_or_dash(s->evidence)};
		cli_columns_add(t, cells);
	}
	cli_columns_print(t, stdout);
	cli_columns_free(t);
}

static void print_scores(const Assure__Review *r)
{
	if (!section("Balanced Scorecard", r->n_scores))
		return;
	static const char *const headers[] = {"CODE",  "INDICATOR", "VALUE",	 "RAG",
					      "GREEN", "AMBER",	    "DIRECTION", "WEIGHT"};
	struct cli_columns *t = cli_columns_new(headers, 8);
	for (size_t i = 0; i < r->n_scores; i++) {
		static const Assure__Indicator none = ASSURE__INDICATOR__INIT;
		const Assure__Score *s = r->scores[i];
		const Assure__Indicator *ind = s->indicator ? s->indicator : &none;
		char *value = *cli_str(s->value)
				  ? xasprintf("%s%s%s", s->value, *cli_str(ind->unit) ? " " : "",
					      cli_str(ind->unit))
			      : *cli_str(s->not_available) ? xasprintf("n/a: %s", s->not_available)
							   : xstrdup("(no value)");
		char *name =
		    xasprintf("%s%s", cli_str(ind->name), ind->critical ? " (critical)" : "");
		char *direction = xasprintf("%s is better", cli_or_dash(ind->direction));
		const char *cells[8] = {cli_str(ind->code),
					name,
					value,
					cli_or_dash(s->rag),
					cli_str(ind->green),
					cli_str(ind->amber),
					direction,
					cli_str(ind->weight)};
		cli_columns_add(t, cells);
		free(direction);
		free(name);
		free(value);
	}
	cli_columns_print(t, stdout);
	cli_columns_free(t);
}

static void print_narrative(const Assure__Review *r)
{
	printf("\nNarrative:\n");
	struct cli_row rows[] = {
	    {"Achievements", cli_or_dash(r->achievements)},
	    {"Developments", cli_or_dash(r->developments)},
	    {"Challenges", cli_or_dash(r->challenges)},
	};
	cli_print_rows(stdout, rows, 3);
}

static char *due_text(const char *due, int overdue)
{
	return xasprintf("%s%s", cli_or_dash(due), overdue ? " (overdue)" : "");
}

static void print_actions(const Assure__Review *r)
{
	if (!section("Action plan", r->n_actions))
		return;
	static const char *const headers[] = {"N", "DUE", "OWNER", "FOR", "DONE", "TEXT"};
	struct cli_columns *t = cli_columns_new(headers, 6);
	for (size_t i = 0; i < r->n_actions; i++) {
		const Assure__ReviewAction *a = r->actions[i];
		char num[16];
		snprintf(num, sizeof num, "%" PRIu32, a->number);
		char *due = due_text(a->due, a->overdue);
		const char *cells[6] = {num,
					due,
					cli_str(a->owner),
					cli_or_dash(a->for_item),
					cli_or_dash(a->done),
					cli_str(a->text)};
		cli_columns_add(t, cells);
		free(due);
	}
	cli_columns_print(t, stdout);
	cli_columns_free(t);
}

static void print_missing(const Assure__Review *r)
{
	const Assure__ReviewSummary *s = summary_of(r->summary);
	if (strcmp(cli_str(s->state), "finalised") == 0)
		return;
	printf("\nStill missing before finalising:\n");
	if (r->n_missing == 0)
		printf("nothing: ready to finalise%s\n", strcmp(cli_str(s->state), "scheduled") == 0
							     ? " once the visit is recorded"
							     : "");
	for (size_t i = 0; i < r->n_missing; i++)
		cli_say("  %s", cli_str(r->missing[i]));
}

/* Lines joined with "; ", trailing newlines dropped. Caller frees. */
static char *one_line(const char *s)
{
	s = cli_str(s);
	char *out = xmalloc(2 * strlen(s) + 1);
	char *q = out;
	for (const char *p = s; *p; p++) {
		if (*p != '\n') {
			*q++ = *p;
		} else if (p[1] != '\0' && p[1] != '\n') {
			*q++ = ';';
			*q++ = ' ';
		}
	}
	*q = '\0';
	return out;
}

static void print_history(const Assure__Review *r)
{
	if (!section("History", r->n_history))
		return;
	static const char *const headers[] = {"WHEN", "BY", "WHAT", "TEXT"};
	struct cli_columns *t = cli_columns_new(headers, 4);
	for (size_t i = 0; i < r->n_history; i++) {
		const Assure__ReviewEvent *e = r->history[i];
		char when[32];
		cli_format_time(e->at, when, sizeof when);
		/* The detail's "name: value" lines, on one line. */
		char *detail = one_line(e->detail);
		char *joined = join_text(e->text, "; ", detail);
		const char *cells[4] = {when, cli_str(e->by), cli_str(e->kind), joined};
		cli_columns_add(t, cells);
		free(joined);
		free(detail);
	}
	cli_columns_print(t, stdout);
	cli_columns_free(t);
}

static int cmd_review_show_exec(struct cli *cli)
{
	Assure__ReviewShowRequest req = ASSURE__REVIEW_SHOW_REQUEST__INIT;
	req.ref = (char *)cli->arg;
	Assure__Response *resp = NULL;
	int rc = cli_rpc(cli, ASSURE__REQUEST__OP_REVIEW_SHOW, &req, &resp);
	if (rc != 0)
		return rc;
	static const Assure__Review none = ASSURE__REVIEW__INIT;
	const Assure__Review *r = resp->review_show->review ? resp->review_show->review : &none;
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_key(&j, "review");
		json_review(&j, r);
		cli_json_object_end(&j);
	} else {
		print_review_rows(r);
		print_qof(r->qof);
		print_checks(r);
		print_sfbh(r);
		print_scores(r);
		print_narrative(r);
		print_actions(r);
		print_missing(r);
		print_history(r);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_review_show = {
    .noun = "review",
    .verb = "show",
    .summary = "show one review in full",
    .help = "Shows a review: practice, year, state and visit; the overall RAG with how it\n"
	    "was derived and any override beside the computed result; the next visit type;\n"
	    "QOF; the checklist; Standards for Better Health; every indicator's value and\n"
	    "RAG; the narrative; the action plan; what is still missing before finalising;\n"
	    "and the history, amendments included. Every read of review content is audited.\n"
	    "--json prints {\"review\": {...}}.",
    .needs = CLI_SESSION,
    .arg = "REF",
    .exec = cmd_review_show_exec,
};

/* --- assure review list ----------------------------------------------------------------- */

static void summary_cells(const void *item, char **cells)
{
	const Assure__ReviewSummary *s = item;
	cells[0] = xstrdup(cli_str(s->ref));
	cells[1] = xstrdup(cli_str(s->ods));
	cells[2] = xstrdup(cli_str(s->practice));
	cells[3] = xasprintf("%s %s", cli_str(s->year), cli_str(s->kind));
	cells[4] = xstrdup(cli_str(s->state));
	cells[5] = s->overridden ? xasprintf("%s (override)", cli_or_dash(s->rag))
				 : xstrdup(cli_or_dash(s->rag));
	cells[6] = xstrdup(cli_or_dash(s->visit_type));
	cells[7] = xasprintf("%s%s", cli_or_dash(s->next_visit_type),
			     s->mid_year_follow_up ? " +mid-year" : "");
	cells[8] = s->overdue_actions ? xasprintf("%" PRIu32 " (%" PRIu32 " overdue)",
						  s->open_actions, s->overdue_actions)
				      : xasprintf("%" PRIu32, s->open_actions);
}

static const char *const summary_headers[] = {"REF", "ODS",   "PRACTICE",   "YEAR",   "STATE",
					      "RAG", "VISIT", "NEXT-VISIT", "ACTIONS"};
static const struct cli_list summary_list = {summary_headers, 9, summary_cells,
					     json_summary_fields};

static int cmd_review_list_exec(struct cli *cli)
{
	Assure__ReviewListRequest req = ASSURE__REVIEW_LIST_REQUEST__INIT;
	req.year = cli_flag_str(cli, "year");
	req.rag = cli_flag_str(cli, "rag");
	req.state = cli_flag_str(cli, "state");
	req.ods = cli_flag_str(cli, "contract");
	req.site = cli_flag_str(cli, "site");
	req.overdue_actions = cli_flag(cli, "overdue-actions") != NULL;
	return cli_rpc_list_all(cli, ASSURE__REQUEST__OP_REVIEW_LIST, &req, "reviews",
				&summary_list);
}

static const struct cli_flag review_list_flags[] = {
    {"year", "YYYY/YY", 0, "only this review year"},
    {"rag", "green|amber|red", 0, "only this result (the one in force)"},
    {"state", "S", 0, "only this state: scheduled, visited, draft or finalised"},
    {"contract", "ODS", 0, "only this practice's reviews"},
    {"site", "SITE", 0, "only practices of this PCT site"},
    {"overdue-actions", NULL, 0, "only reviews with an open action past its due date"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_list = {
    .noun = "review",
    .verb = "list",
    .summary = "list reviews",
    .help = "Lists reviews: reference, practice, year and kind, state, the RAG in force\n"
	    "(marked when overridden), the visit type, the next visit type once finalised,\n"
	    "and open (overdue) actions. --year, --rag, --state, --contract, --site and\n"
	    "--overdue-actions narrow the list. Every page is fetched. --json prints an\n"
	    "array of review summary objects.",
    .needs = CLI_SESSION,
    .flags = review_list_flags,
    .exec = cmd_review_list_exec,
};

/* --- assure review due ----------------------------------------------------------------- */

static void due_json_fields(struct cli_json *j, const void *item)
{
	const Assure__ReviewDueItem *d = item;
	cli_json_field_string(j, "kind", cli_str(d->kind));
	cli_json_field_string(j, "due", cli_str(d->due));
	cli_json_field_bool(j, "overdue", d->overdue);
	cli_json_field_string(j, "ods", cli_str(d->ods));
	cli_json_field_string(j, "practice", cli_str(d->practice));
	cli_json_field_string(j, "review_ref", cli_str(d->review_ref));
	cli_json_field_uint(j, "number", d->number);
	cli_json_field_string(j, "text", cli_str(d->text));
	cli_json_field_string(j, "owner", cli_str(d->owner));
}

static void due_cells(const void *item, char **cells)
{
	const Assure__ReviewDueItem *d = item;
	cells[0] = due_text(d->due, d->overdue);
	cells[1] = d->number ? xasprintf("%s %" PRIu32, cli_str(d->kind), d->number)
			     : xstrdup(cli_str(d->kind));
	cells[2] = xasprintf("%s %s", cli_str(d->ods), cli_str(d->practice));
	cells[3] = xstrdup(cli_or_dash(d->review_ref));
	cells[4] = xstrdup(cli_or_dash(d->owner));
	cells[5] = xstrdup(cli_str(d->text));
}

static const char *const due_headers[] = {"DUE", "WHAT", "PRACTICE", "REVIEW", "OWNER", "TEXT"};
static const struct cli_list due_list = {due_headers, 6, due_cells, due_json_fields};

static int cmd_review_due_exec(struct cli *cli)
{
	Assure__ReviewDueRequest req = ASSURE__REVIEW_DUE_REQUEST__INIT;
	req.within = cli_flag_str(cli, "within");
	return cli_rpc_list_all(cli, ASSURE__REQUEST__OP_REVIEW_DUE, &req, "items", &due_list);
}

static const struct cli_flag review_due_flags[] = {
    {"within", "PERIOD", 0, "how far ahead: 14d, 2w, ... (default 14d)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_review_due = {
    .noun = "review",
    .verb = "due",
    .summary = "list review actions, notices and visits due soon, and overdue ones",
    .help = "Lists, soonest first, what falls due within the period (default 14 days) or\n"
	    "is overdue: open actions of review action plans, open remedial notices with\n"
	    "their deadlines, and visits of reviews still scheduled. Overdue ones are\n"
	    "marked. --json prints an array of due item objects.",
    .needs = CLI_SESSION,
    .flags = review_due_flags,
    .exec = cmd_review_due_exec,
};
