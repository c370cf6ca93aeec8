/*
 * assure scorecard: the Balanced Scorecard report of a review year
 * (Scorecard in assure.proto; DOMAIN.md "Scorecard report"; docs/CLI.md).
 *
 * Every page is fetched before anything is written, so a failure half-way
 * writes nothing; then the pages are rendered by scorecard_render.c, to
 * stdout or, with --output FILE, atomically: into a temporary file beside
 * FILE (mode 0640), flushed to disk, then renamed over FILE, so a reader
 * never sees half a report and an old report is never half overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "scorecard_render.h"
#include "status.h"
#include "timeutil.h"
#include "xmalloc.h"

/* The server's own page limit; the flag is for tests and tuning. */
#define SCORECARD_PAGE_SIZE_MAX 2000
/* More pages than 2,000,000 practices at one row a page: a server that
 * never stops paging is broken, not large. */
#define SCORECARD_MAX_PAGES 2000000
#define SCORECARD_OUTPUT_MODE 0640

static int format_of(const struct cli *cli)
{
	const char *f = cli_flag(cli, "format");
	if (f == NULL)
		return cli->json ? SCORECARD_JSON : SCORECARD_TABLE;
	return scorecard_format_parse(f);
}

static int cmd_scorecard_check(struct cli *cli)
{
	const char *f = cli_flag(cli, "format");
	if (f != NULL && scorecard_format_parse(f) < 0)
		return cli_error(EXIT_CODE_USAGE, "--format: one of table, csv, json, html");
	const char *ps = cli_flag(cli, "page-size");
	uint64_t n;
	if (ps != NULL && cli_parse_number(ps, "--page-size", SCORECARD_PAGE_SIZE_MAX, &n) != 0)
		return EXIT_CODE_USAGE;
	const char *out = cli_flag(cli, "output");
	if (out != NULL && *out == '\0')
		return cli_error(EXIT_CODE_USAGE, "--output: a file name");
	return 0;
}

/* The pages of one report; every row points into them. */
struct pages {
	Assure__Response **v;
	size_t n;
	const Assure__ScorecardRow **rows;
	size_t n_rows;
};

static void pages_free(struct pages *p)
{
	for (size_t i = 0; i < p->n; i++)
		assure__response__free_unpacked(p->v[i], NULL);
	free(p->v);
	free(p->rows);
}

/* Follows every page. 0, or an exit code with the error printed. */
static int fetch(struct cli *cli, Assure__ScorecardRequest *req, struct pages *p)
{
	char *token = xstrdup("");
	int rc = 0;
	for (;;) {
		req->page_token = token;
		Assure__Response *resp = NULL;
		rc = cli_rpc(cli, ASSURE__REQUEST__OP_SCORECARD, req, &resp);
		if (rc != 0)
			break;
		p->v = xrealloc(p->v, (p->n + 1) * sizeof *p->v);
		p->v[p->n++] = resp;
		const Assure__ScorecardResponse *r = resp->scorecard;
		p->rows = xrealloc(p->rows, (p->n_rows + r->n_rows + 1) * sizeof *p->rows);
		for (size_t i = 0; i < r->n_rows; i++)
			p->rows[p->n_rows++] = r->rows[i];
		const char *next = cli_str(r->next_page_token);
		if (*next == '\0')
			break;
		/* Keyset paging moves forward or it is broken. */
		if (strcmp(next, token) <= 0 || r->n_rows == 0 || p->n == SCORECARD_MAX_PAGES) {
			rc = cli_error(EXIT_CODE_INTERNAL,
				       "server's scorecard pages do not advance");
			break;
		}
		free(token);
		token = xstrdup(next);
	}
	req->page_token = NULL;
	free(token);
	return rc;
}

/* Writes the report to path through a temporary file and rename. 0, or an
 * exit code with the error printed (and the temporary file removed). */
static int write_atomically(const char *path, enum scorecard_format f,
			    const struct scorecard_report *r)
{
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		int e = errno;
		free(tmp);
		return cli_error(EXIT_CODE_INTERNAL,
				 "--output %s: cannot create a file beside it: %s", path,
				 strerror(e));
	}
	const char *what = NULL;
	int e = 0;
	FILE *out = NULL;
	if (fchmod(fd, SCORECARD_OUTPUT_MODE) != 0) {
		what = "chmod";
		e = errno;
		close(fd);
	} else if ((out = fdopen(fd, "w")) == NULL) {
		what = "open";
		e = errno;
		close(fd);
	} else {
		scorecard_render(out, f, r);
		if (fflush(out) != 0 || ferror(out)) {
			what = "write";
			e = errno;
		} else if (fsync(fileno(out)) != 0) {
			what = "fsync";
			e = errno;
		}
		if (fclose(out) != 0 && what == NULL) {
			what = "close";
			e = errno;
		}
		if (what == NULL && rename(tmp, path) != 0) {
			what = "rename";
			e = errno;
		}
	}
	if (what != NULL) {
		unlink(tmp);
		free(tmp);
		return cli_error(EXIT_CODE_INTERNAL, "--output %s: %s failed: %s", path, what,
				 strerror(e ? e : EIO));
	}
	/* The rename is durable once the directory is. */
	char *dir_copy = xstrdup(path);
	int dfd = open(dirname(dir_copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dir_copy);
	free(tmp);
	return 0;
}

static int cmd_scorecard_exec(struct cli *cli)
{
	Assure__ScorecardRequest req = ASSURE__SCORECARD_REQUEST__INIT;
	req.year = (char *)cli_flag(cli, "year");
	req.site = (char *)cli_str(cli_flag(cli, "site"));
	req.type = (char *)cli_str(cli_flag(cli, "type"));
	const char *ps = cli_flag(cli, "page-size");
	if (ps != NULL) {
		uint64_t n = 0;
		if (cli_parse_number(ps, "--page-size", SCORECARD_PAGE_SIZE_MAX, &n) != 0)
			return EXIT_CODE_USAGE;
		req.page_size = (uint32_t)n;
	}
	/* The global --json is only known once the options are resolved,
	 * after the check hook, so this usage error comes after connecting. */
	const char *fmt = cli_flag(cli, "format");
	if (fmt != NULL && cli->json && scorecard_format_parse(fmt) != SCORECARD_JSON)
		return cli_error(EXIT_CODE_USAGE, "--json and --format %s: choose one", fmt);
	enum scorecard_format f = (enum scorecard_format)format_of(cli);

	struct pages p = {0};
	int rc = fetch(cli, &req, &p);
	if (rc != 0) {
		pages_free(&p);
		return rc;
	}
	struct scorecard_report r = {
	    .year = req.year,
	    .site = req.site,
	    .type = req.type,
	    .set = p.v[0]->scorecard->set,
	    .rows = p.rows,
	    .n_rows = p.n_rows,
	    .generated_at = time_now_ms() / 1000,
	};
	const char *output = cli_flag(cli, "output");
	if (output != NULL) {
		rc = write_atomically(output, f, &r);
	} else {
		scorecard_render(stdout, f, &r);
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = cli_error(EXIT_CODE_INTERNAL, "cannot write the report: %s",
				       strerror(errno));
	}
	pages_free(&p);
	return rc;
}

static const struct cli_flag scorecard_flags[] = {
    {"year", "YYYY/YY", CLI_FLAG_REQUIRED, "the review year, e.g. 2009/10"},
    {"site", "CODE", 0, "only practices of this site"},
    {"type", "T", 0, "only this contract type: gms, pms, apms or pctms"},
    {"format", "F", 0, "table (default), csv, json or html"},
    {"output", "FILE", 0, "write to FILE (atomically, mode 0640) instead of stdout"},
    {"page-size", "N", 0, "rows per request (default: the server's, 500; at most 2000)"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_scorecard = {
    .noun = "scorecard",
    .summary = "the Balanced Scorecard report of a review year",
    .help = "Reports every practice for a review year: one row per contract in ODS order,\n"
	    "one column per indicator of the set published for the year (its value and\n"
	    "G, A or R), the overall RAG in force (provisional until the review is\n"
	    "finalised; a reviewer's override is marked) and the next visit type. A\n"
	    "practice without an annual review that year keeps its row, so gaps show.\n"
	    "--site and --type narrow the report. Formats: table (aligned columns), csv\n"
	    "(RFC 4180 with a header row; text that a spreadsheet would run as a formula\n"
	    "gets a leading '), json (one document: year, set, rule, indicators, rows)\n"
	    "and html (one self-contained page with traffic-light cells and a legend,\n"
	    "for screen and A4 landscape print). --json is --format json. Every page\n"
	    "is fetched before anything is written. Needs review.read; every read is\n"
	    "audited. Exit 7 when no indicator set is published for the year.",
    .needs = CLI_SESSION,
    .flags = scorecard_flags,
    .check = cmd_scorecard_check,
    .exec = cmd_scorecard_exec,
    .io_timeout_ms = 120000,
};
