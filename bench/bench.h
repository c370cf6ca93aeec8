/*
 * assure-bench's parts, shared between its files:
 *   assure_bench.c  options, the steady-state run (--op) and main
 *   burst.c         the login burst (--login-burst) and its status probe
 *   hist.c          the latency histogram
 *   session.c       the password file and logging in
 *   concern.c       the concern and performer requests and their --refs file
 * Everything here runs on the client library (common/client.h) only.
 */
#ifndef ASSURE_BENCH_H
#define ASSURE_BENCH_H

#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "client.h"
#include "status.h"

#define BENCH_NAME "assure-bench"
#define BENCH_MAX_CONNECTIONS 10000
#define BENCH_MAX_PIPELINE 4096
#define BENCH_MAX_SECONDS 86400.0
/* A burst of N logins is N connections and N argon2id hashes queued on the
 * server's workers at once; beyond this it measures the queue, not the
 * server (and passes the server's default max-connections, 1024). */
#define BENCH_MAX_BURST 1000
/* Worker threads only run the client library and OpenSSL. */
#define BENCH_STACK_SIZE (512u * 1024u)
/* A request that takes longer than this counts as a transport error. */
#define BENCH_IO_TIMEOUT_MS 30000
/* A login in a burst waits behind up to BENCH_MAX_BURST hashes. */
#define BENCH_BURST_IO_TIMEOUT_MS 120000
/* Connection failures printed one by one before the summary line. */
#define BENCH_MAX_REPORTED 5
/* The longest first line read from --password-file (the CLI's limit). */
#define BENCH_PASSWORD_MAX 1024

/* Exit status: the CLI's codes, so scripts read them the same way. */
#define BENCH_EXIT_OK EXIT_CODE_OK
#define BENCH_EXIT_INTERNAL EXIT_CODE_INTERNAL
#define BENCH_EXIT_USAGE EXIT_CODE_USAGE
#define BENCH_EXIT_UNAVAILABLE EXIT_CODE_UNAVAILABLE

/* Status codes 0..16 (proto Code); one more slot for transport errors. */
#define BENCH_CODES 17
#define BENCH_TRANSPORT BENCH_CODES

/* --- histogram (hist.c) ------------------------------------------------ */

#define HIST_SUB_BITS 7
#define HIST_SUB (1u << HIST_SUB_BITS)
/* Values below HIST_SUB are exact; above, 64 - HIST_SUB_BITS octaves. */
#define HIST_BUCKETS ((64u - HIST_SUB_BITS + 1u) * HIST_SUB)

/* A log-linear histogram of nanoseconds: ~58 KiB, values within 0.4 %,
 * the maximum exact. Zeroed memory is an empty histogram. */
struct hist {
	uint64_t counts[HIST_BUCKETS];
	uint64_t total;
	uint64_t max;
};

void hist_record(struct hist *h, uint64_t v);
void hist_merge(struct hist *into, const struct hist *from);
/* The smallest recorded value v such that at least p % of the values are
 * <= v (nearest rank); 0 for an empty histogram. Never above the maximum. */
uint64_t hist_percentile(const struct hist *h, double p);

/* --- options ----------------------------------------------------------- */

enum bench_op {
	BENCH_OP_STATUS,
	BENCH_OP_HELLO,
	BENCH_OP_WHOAMI,   /* after a login on each connection */
	BENCH_OP_USER_SET, /* after a login on each connection */
	/* The concern reads and write, after a login (concern.c): */
	BENCH_OP_CONCERN_LIST,
	BENCH_OP_CONCERN_SHOW,
	BENCH_OP_CONCERN_DUE,
	BENCH_OP_CONCERN_NOTE,
	BENCH_OP_PERFORMER_LIST_NAME,
};

/* The ConcernList filter of --op concern-list: one kind, or each in turn. */
enum bench_filter {
	BENCH_FILTER_ROTATE,
	BENCH_FILTER_STATE,
	BENCH_FILTER_BAND,
	BENCH_FILTER_PERFORMER,
	BENCH_FILTER_MINE,
	BENCH_FILTER_OVERDUE,
};

/* page_size of the list requests. */
#define BENCH_LIST_PAGE 50

struct bench_opts {
	const char *server;
	const char *ca_file;
	long connections;
	double seconds;
	long pipeline;
	enum bench_op op;
	long login_burst; /* 0: a steady run of op */
	const char *user; /* log in as this user (NULL: no login) */
	const char *role; /* the role to act in; "" when the user has one */
	const char *password_file;
	const char *target;	  /* the user that --op user-set changes */
	const char *refs_file;	  /* assure-seed --refs-out output (concern ops) */
	enum bench_filter filter; /* --op concern-list */
	char *password;		  /* first line of password_file; wiped at exit */
	bool json;
};

/* --- run state shared with main ------------------------------------------ */

/* Set from SIGINT: stop sending, drain, report what was measured. */
extern volatile sig_atomic_t bench_interrupted;
extern atomic_bool bench_stop;

/* --- session.c ----------------------------------------------------------- */

/* Reads the first line of path (without "\n" or "\r\n") into buf. Refuses,
 * as the CLI does for its session file, a file that is not regular or
 * that group or others may read or write. 0, or -1 with *cause; buf is
 * wiped on failure. */
int bench_password_read(const char *path, char *buf, size_t size, char **cause)
    __attribute__((warn_unused_result));
/* Connects, sends Hello and, when login is true, logs in as o->user (an
 * account that must change its password first is refused: nothing else
 * would work). 0 with *out, or -1 with *cause and *exit_code (UNAVAILABLE
 * for transport failures, else the exit code of the login's status). */
int bench_open(const struct bench_opts *o, int io_timeout_ms, bool login, struct client **out,
	       int *exit_code, char **cause) __attribute__((warn_unused_result));
/* Builds the LoginRequest o asks for in *login; it points into o. */
void bench_login_request(const struct bench_opts *o, Assure__LoginRequest *login);
/* Wipes the session token in a login response and frees it; NULL is fine. */
void bench_response_free(Assure__Response *resp);

/* --- output helpers (assure_bench.c) --------------------------------------- */

double bench_ns_to_us(uint64_t ns);
/* Writes s as a JSON string body (without quotes). */
void bench_json_string(FILE *f, const char *s);
/* "TRANSPORT" for BENCH_TRANSPORT, else the status code's name. */
const char *bench_code_name(int i);
/* Prints " (NAME n, NAME n)" for the non-zero counts, text or JSON object
 * body ("NAME":n,...). */
void bench_print_codes(const uint64_t counts[BENCH_CODES + 1], bool json);

/* --- concern.c ---------------------------------------------------------- */

/* Loads --refs once, before the workers start. 0, or -1 with *cause. */
int bench_refs_load(const char *path, char **cause) __attribute__((warn_unused_result));
void bench_refs_free(void);
/* How many references were loaded (open ones only, or all). */
size_t bench_refs_count(bool open_only);
const char *bench_filter_name(enum bench_filter f);
/* 0, or -1 for a name that is not a filter. */
int bench_filter_parse(const char *s, enum bench_filter *out);

/* Storage for one request's message, on the sender's stack. */
struct bench_concern_msgs {
	Assure__ConcernListRequest list;
	Assure__ConcernShowRequest show;
	Assure__ConcernDueRequest due;
	Assure__ConcernNoteRequest note;
	Assure__PerformerListRequest performers;
	char text[64];
};

/* Fills req (its op) for o->op, the k-th request of the worker whose PRNG
 * is *rng; the messages live in *m. */
void bench_concern_request(const struct bench_opts *o, uint64_t k, uint64_t *rng,
			   struct bench_concern_msgs *m, Assure__Request *req);
/* Rows in a list/due response (concerns, performers, deadlines), timeline
 * entries in a ConcernShow; 0 otherwise. */
size_t bench_response_rows(const Assure__Response *resp);

/* --- burst.c ------------------------------------------------------------- */

/* The login burst; prints its figures and returns the exit status. */
int bench_burst_run(const struct bench_opts *o);

#endif
