/*
 * The bench's password and logins. The password comes from the first line
 * of a file that only its owner may read (never from argv: it would show
 * in ps), is read once by main before any connection and is wiped at exit.
 * Tokens in login responses are wiped before the response is freed. The
 * functions here are called from the connection threads; they share only
 * the read-only options.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "assure.pb-c.h"
#include "bench.h"
#include "xmalloc.h"

/* protobuf-c wants a char *, not a string literal. */
static char bench_client_name[] = BENCH_NAME;

int bench_password_read(const char *path, char *buf, size_t size, char **cause)
{
	struct stat st;
	size_t n = 0;
	ssize_t r;
	char *nl = NULL;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*cause = xasprintf("cannot open password file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*cause = xasprintf("password file %s is not a regular file", path);
		close(fd);
		return -1;
	}
	if ((st.st_mode & 077) != 0) {
		*cause = xasprintf("password file %s can be read by others (mode %04o); "
				   "chmod 600 it",
				   path, (unsigned)(st.st_mode & 07777));
		close(fd);
		return -1;
	}
	while (nl == NULL && n < size - 1) {
		r = read(fd, buf + n, size - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			*cause =
			    xasprintf("cannot read password file %s: %s", path, strerror(errno));
			goto fail;
		}
		if (r == 0)
			break;
		nl = memchr(buf + n, '\n', (size_t)r);
		n += (size_t)r;
	}
	close(fd);
	fd = -1;
	if (nl == NULL && n == size - 1) {
		*cause = xasprintf("the first line of password file %s is over %zu bytes", path,
				   size - 2);
		goto fail;
	}
	if (nl != NULL)
		n = (size_t)(nl - buf);
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	/* Nothing past the first line stays in memory. */
	explicit_bzero(buf + n, size - n);
	if (n == 0) {
		*cause = xasprintf("the first line of password file %s is empty", path);
		goto fail;
	}
	if (memchr(buf, '\0', n) != NULL) {
		*cause = xasprintf("password file %s holds a NUL byte", path);
		goto fail;
	}
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	explicit_bzero(buf, size);
	return -1;
}

void bench_login_request(const struct bench_opts *o, Assure__LoginRequest *login)
{
	assure__login_request__init(login);
	/* The request only reads them; protobuf-c's fields are not const. */
	login->username = (char *)o->user;
	login->password = o->password;
	login->role = (char *)o->role;
}

void bench_response_free(Assure__Response *resp)
{
	if (resp == NULL)
		return;
	if (resp->result_case == ASSURE__RESPONSE__RESULT_LOGIN && resp->login != NULL &&
	    resp->login->token.data != NULL)
		explicit_bzero(resp->login->token.data, resp->login->token.len);
	assure__response__free_unpacked(resp, NULL);
}

/* Logs in on c. 0, or -1 with *cause and *exit_code. */
static int bench_login(const struct bench_opts *o, struct client *c, int *exit_code, char **cause)
{
	Assure__Request req = ASSURE__REQUEST__INIT;
	Assure__LoginRequest login;
	Assure__Response *resp = NULL;
	int code;

	bench_login_request(o, &login);
	req.op_case = ASSURE__REQUEST__OP_LOGIN;
	req.login = &login;
	if (client_call(c, &req, &resp, cause) != 0) {
		*exit_code = BENCH_EXIT_UNAVAILABLE;
		return -1;
	}
	code = client_status_code(resp);
	if (code != ASSURE__CODE__OK) {
		*cause = xasprintf("login as %s: %s: %s", o->user, status_code_name(code),
				   client_status_message(resp));
		*exit_code = status_exit_code(code);
		bench_response_free(resp);
		return -1;
	}
	if (resp->result_case != ASSURE__RESPONSE__RESULT_LOGIN || resp->login == NULL ||
	    resp->login->session == NULL) {
		*cause = xasprintf("login as %s: the server sent no session", o->user);
		*exit_code = BENCH_EXIT_INTERNAL;
		bench_response_free(resp);
		return -1;
	}
	if (resp->login->session->password_change_required) {
		*cause = xasprintf("login as %s: the account must change its password first "
				   "(assure passwd)",
				   o->user);
		*exit_code = EXIT_CODE_PRECONDITION;
		bench_response_free(resp);
		return -1;
	}
	bench_response_free(resp);
	return 0;
}

int bench_open(const struct bench_opts *o, int io_timeout_ms, bool login, struct client **out,
	       int *exit_code, char **cause)
{
	struct client_config cfg = {
	    .server = o->server,
	    .ca_file = o->ca_file,
	    .io_timeout_ms = io_timeout_ms,
	};
	struct client *c;

	*out = NULL;
	*exit_code = BENCH_EXIT_UNAVAILABLE;
	if (client_connect(&cfg, &c, cause) != 0)
		return -1;
	if (client_hello(c, bench_client_name, cause) != 0 ||
	    (login && bench_login(o, c, exit_code, cause) != 0)) {
		client_free(c);
		return -1;
	}
	*out = c;
	return 0;
}
