/*
 * Running the CLI in-process for the CLI unit tests: cli_main (or any
 * function) with stdout and stderr captured and stdin empty, and the checks
 * the tests make of what it printed. cmocka's asserts report failures.
 */
#ifndef ASSURE_TEST_CLI_CAPTURE_H
#define ASSURE_TEST_CLI_CAPTURE_H

struct run {
	int rc;
	char *out;
	char *err;
};

/* Runs fn(arg) with stdout and stderr captured and stdin empty; r->rc is
 * what it returned. Free with run_free. */
void capture_fn(struct run *r, int (*fn)(void *), void *arg);
/* capture_fn of cli_main(argv) (NULL-terminated). */
void capture(struct run *r, char **argv);
void run_free(struct run *r);
/* Runs "assure ARGS..." (NULL-terminated, at most 38) and fails the test,
 * showing both streams, unless it exits want_rc. */
void assure(struct run *r, int want_rc, ...);
/* stdout holds text. */
void expect_out(const struct run *r, const char *text);
/* stderr is one "assure: ..." line mentioning text. */
void expect_err(const struct run *r, const char *text);

#endif
