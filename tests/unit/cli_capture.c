#include "cli_capture.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli.h"
#include "xmalloc.h"

static char *slurp(FILE *f)
{
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	rewind(f);
	char *buf = xcalloc(1, (size_t)size + 1);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	fclose(f);
	return buf;
}

/* Points fd at a new temporary file; returns the file and the saved fd. */
static FILE *redirect(int fd, int *saved)
{
	FILE *tmp = tmpfile();
	assert_non_null(tmp);
	*saved = dup(fd);
	assert_true(*saved >= 0);
	assert_true(dup2(fileno(tmp), fd) >= 0);
	return tmp;
}

static void restore(int fd, int saved)
{
	assert_true(dup2(saved, fd) >= 0);
	close(saved);
}

void capture_fn(struct run *r, int (*fn)(void *), void *arg)
{
	fflush(stdout);
	fflush(stderr);
	int so, se, si = dup(STDIN_FILENO);
	int devnull = open("/dev/null", O_RDONLY);
	assert_true(si >= 0 && devnull >= 0);
	dup2(devnull, STDIN_FILENO);
	close(devnull);
	FILE *out = redirect(STDOUT_FILENO, &so);
	FILE *err = redirect(STDERR_FILENO, &se);
	r->rc = fn(arg);
	fflush(stdout);
	fflush(stderr);
	restore(STDOUT_FILENO, so);
	restore(STDERR_FILENO, se);
	restore(STDIN_FILENO, si);
	r->out = slurp(out);
	r->err = slurp(err);
}

static int call_main(void *arg)
{
	char **argv = arg;
	int argc = 0;
	while (argv[argc] != NULL)
		argc++;
	return cli_main(argc, argv);
}

void capture(struct run *r, char **argv)
{
	capture_fn(r, call_main, argv);
}

void run_free(struct run *r)
{
	free(r->out);
	free(r->err);
}

void assure(struct run *r, int want_rc, ...)
{
	char *argv[40] = {"assure"};
	int argc = 1;
	va_list ap;
	va_start(ap, want_rc);
	for (const char *a; (a = va_arg(ap, const char *)) != NULL;) {
		assert_true(argc < 39);
		argv[argc++] = (char *)a;
	}
	va_end(ap);
	argv[argc] = NULL;
	capture(r, argv);
	if (r->rc != want_rc) {
		fprintf(stderr, "exit %d, wanted %d\nstdout: %s\nstderr: %s\n", r->rc, want_rc,
			r->out, r->err);
		fail();
	}
}

void expect_out(const struct run *r, const char *text)
{
	if (strstr(r->out, text) == NULL) {
		fprintf(stderr, "stdout lacks \"%s\":\n%s\n", text, r->out);
		fail();
	}
}

void expect_err(const struct run *r, const char *text)
{
	if (strncmp(r->err, "assure: ", 8) != 0 || strstr(r->err, text) == NULL ||
	    strchr(r->err, '\n') != r->err + strlen(r->err) - 1) {
		fprintf(stderr, "stderr should be one 'assure: ...%s...' line:\n%s\n", text,
			r->err);
		fail();
	}
}
