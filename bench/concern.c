/*
 * The concern and performer requests of assure-bench (--op concern-list,
 * concern-show, concern-due, concern-note, performer-list-name), for a
 * database seeded by assure-seed (docs/BENCHMARKS.md "Concerns at scale").
 *
 * --refs FILE (written by assure-seed --refs-out) gives the performer id
 * range and every concern reference, open or closed; main loads it once
 * before the workers start and it is read-only afterwards. Each worker
 * draws its references and filters from its own PRNG, so workers share
 * nothing while they run.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "bench.h"
#include "seed_names.h"
#include "xmalloc.h"

/* A reference is CON-YYYY-NNNN: 13 characters. */
#define REF_LEN 13

struct bench_refs {
	char (*all)[REF_LEN + 1];
	size_t n_all;
	char (*open)[REF_LEN + 1];
	size_t n_open;
	int64_t performer_first, performer_last;
};

static struct bench_refs refs;

int bench_refs_load(const char *path, char **cause)
{
	FILE *f = fopen(path, "r");
	char line[128], ref[64], kind;
	size_t cap = 0, ocap = 0;
	long long a, b;

	if (f == NULL) {
		*cause = xasprintf("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof line, f) != NULL) {
		if (sscanf(line, "performers %lld %lld", &a, &b) == 2) {
			refs.performer_first = a;
			refs.performer_last = b;
			continue;
		}
		if (sscanf(line, "%63s %c", ref, &kind) != 2 || strlen(ref) != REF_LEN ||
		    (kind != 'o' && kind != 'c')) {
			*cause = xasprintf("%s: not a line assure-seed --refs-out writes: %s", path,
					   line);
			fclose(f);
			return -1;
		}
		if (refs.n_all == cap) {
			cap = cap ? cap * 2 : 4096;
			refs.all = xrealloc(refs.all, cap * sizeof *refs.all);
		}
		memcpy(refs.all[refs.n_all++], ref, REF_LEN + 1);
		if (kind == 'o') {
			if (refs.n_open == ocap) {
				ocap = ocap ? ocap * 2 : 4096;
				refs.open = xrealloc(refs.open, ocap * sizeof *refs.open);
			}
			memcpy(refs.open[refs.n_open++], ref, REF_LEN + 1);
		}
	}
	fclose(f);
	if (refs.n_all == 0 || refs.n_open == 0 || refs.performer_first <= 0 ||
	    refs.performer_last < refs.performer_first) {
		*cause = xasprintf("%s holds no performer range, or no (open) concern", path);
		return -1;
	}
	return 0;
}

void bench_refs_free(void)
{
	free(refs.all);
	free(refs.open);
	memset(&refs, 0, sizeof refs);
}

size_t bench_refs_count(bool open_only)
{
	return open_only ? refs.n_open : refs.n_all;
}

/* xorshift64*: per worker, seeded from its index. */
static uint64_t rnd(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static const char *const list_states[16] = {
    "received",	     "triaged",	       "closed",	"informal",
    "external-only", "investigating",  "reported",	"pag-review",
    "remediation",   "panel-referred", "notice-issued", "hearing-scheduled",
    "decided",	     "appeal-window",  "under-appeal",	"monitoring",
};
static const char *const list_bands[4] = {"low", "moderate", "high", "extreme"};

const char *bench_filter_name(enum bench_filter f)
{
	switch (f) {
	case BENCH_FILTER_ROTATE:
		return "rotate";
	case BENCH_FILTER_STATE:
		return "state";
	case BENCH_FILTER_BAND:
		return "band";
	case BENCH_FILTER_PERFORMER:
		return "performer";
	case BENCH_FILTER_MINE:
		return "mine";
	case BENCH_FILTER_OVERDUE:
		return "overdue";
	}
	return "?";
}

int bench_filter_parse(const char *s, enum bench_filter *out)
{
	for (int f = BENCH_FILTER_ROTATE; f <= BENCH_FILTER_OVERDUE; f++) {
		if (strcmp(s, bench_filter_name((enum bench_filter)f)) == 0) {
			*out = (enum bench_filter)f;
			return 0;
		}
	}
	return -1;
}

void bench_concern_request(const struct bench_opts *o, uint64_t k, uint64_t *rng,
			   struct bench_concern_msgs *m, Assure__Request *req)
{
	enum bench_filter f;

	switch (o->op) {
	case BENCH_OP_CONCERN_LIST:
		assure__concern_list_request__init(&m->list);
		m->list.page_size = BENCH_LIST_PAGE;
		f = o->filter;
		if (f == BENCH_FILTER_ROTATE)
			f = (enum bench_filter)(BENCH_FILTER_STATE + k % 5);
		switch (f) {
		case BENCH_FILTER_ROTATE: /* not reached */
		case BENCH_FILTER_STATE:
			m->list.state = (char *)list_states[rnd(rng) % 16];
			break;
		case BENCH_FILTER_BAND:
			m->list.band = (char *)list_bands[rnd(rng) % 4];
			break;
		case BENCH_FILTER_PERFORMER:
			m->list.performer_id =
			    refs.performer_first +
			    (int64_t)(rnd(rng) %
				      (uint64_t)(refs.performer_last - refs.performer_first + 1));
			break;
		case BENCH_FILTER_MINE:
			m->list.mine = 1;
			break;
		case BENCH_FILTER_OVERDUE:
			m->list.overdue = 1;
			break;
		}
		req->op_case = ASSURE__REQUEST__OP_CONCERN_LIST;
		req->concern_list = &m->list;
		break;
	case BENCH_OP_CONCERN_SHOW:
		assure__concern_show_request__init(&m->show);
		m->show.ref = refs.all[rnd(rng) % refs.n_all];
		req->op_case = ASSURE__REQUEST__OP_CONCERN_SHOW;
		req->concern_show = &m->show;
		break;
	case BENCH_OP_CONCERN_DUE:
		assure__concern_due_request__init(&m->due);
		m->due.within = (char *)"14d";
		req->op_case = ASSURE__REQUEST__OP_CONCERN_DUE;
		req->concern_due = &m->due;
		break;
	case BENCH_OP_CONCERN_NOTE:
		assure__concern_note_request__init(&m->note);
		m->note.ref = refs.open[rnd(rng) % refs.n_open];
		snprintf(m->text, sizeof m->text, "bench note %" PRIu64, k);
		m->note.text = m->text;
		req->op_case = ASSURE__REQUEST__OP_CONCERN_NOTE;
		req->concern_note = &m->note;
		break;
	case BENCH_OP_PERFORMER_LIST_NAME:
		assure__performer_list_request__init(&m->performers);
		/* The first four letters of a surname, in lower case: the search
		 * is case-insensitive. */
		snprintf(m->text, 5, "%s", seed_surnames[rnd(rng) % SEED_SURNAMES]);
		for (char *p = m->text; *p; p++)
			*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
		m->performers.name = m->text;
		m->performers.page_size = BENCH_LIST_PAGE;
		req->op_case = ASSURE__REQUEST__OP_PERFORMER_LIST;
		req->performer_list = &m->performers;
		break;
	default:
		break;
	}
}

size_t bench_response_rows(const Assure__Response *resp)
{
	switch (resp->result_case) {
	case ASSURE__RESPONSE__RESULT_CONCERN_LIST:
		return resp->concern_list ? resp->concern_list->n_concerns : 0;
	case ASSURE__RESPONSE__RESULT_CONCERN_DUE:
		return resp->concern_due ? resp->concern_due->n_deadlines : 0;
	case ASSURE__RESPONSE__RESULT_PERFORMER_LIST:
		return resp->performer_list ? resp->performer_list->n_performers : 0;
	case ASSURE__RESPONSE__RESULT_CONCERN_SHOW:
		return resp->concern_show ? resp->concern_show->n_timeline : 0;
	default:
		return 0;
	}
}
