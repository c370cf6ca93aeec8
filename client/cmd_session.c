/*
 * Sessions in the CLI: assure login, whoami, logout and passwd, the session
 * file that carries a login from one run to the next, and the Resume that
 * cli.c sends for commands needing a session.
 *
 * The session file, $ASSURE_CONFIG_DIR/session, mode 0600 in a directory
 * made 0700, is three lines:
 *
 *     # assure session: whoever can read this file is logged in as you
 *     server 127.0.0.1:7443
 *     token 3f0c...(64 lower-case hex digits: the 32-byte session token)
 *
 * "server" is the --server string the login used, compared as a string:
 * a token is only ever sent to the server that issued it, so a typo in
 * --server or a changed ASSURE_SERVER cannot hand it to someone else. It
 * is written to a temporary file (mkstemp: O_EXCL, 0600), synced and
 * renamed over the old one, so a crash leaves the old session or the new,
 * never half a token. A file that others can read, or that belongs to
 * someone else, is refused rather than trusted.
 *
 * Secrets: passwords are read byte by byte into fixed stack buffers (no
 * stdio buffer keeps a copy) and wiped with explicit_bzero when the
 * request has been sent; tokens likewise, including the copy inside an
 * unpacked LoginResponse. Passwords are read before connecting, so the
 * server's login timer does not run while someone types.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "cli_json.h"
#include "client.h"
#include "status.h"
#include "fileio.h"
#include "xmalloc.h"

#define SESSION_TOKEN_LEN 32
#define SESSION_FILE_MAX 1024 /* a valid file is well under this */

/* --- hex -------------------------------------------------------------- */

static void hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes exactly 2*n hex digits; -1 if s is anything else. */
static int hex_decode(const char *s, size_t len, uint8_t *out, size_t n)
{
	if (len != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

/* --- the session file ------------------------------------------------- */

enum session_state {
	SESSION_FOUND,	      /* token for cli->server */
	SESSION_NONE,	      /* no file */
	SESSION_OTHER_SERVER, /* a token, but for another server */
	SESSION_UNUSABLE,     /* unreadable, damaged or unsafe; detail says which */
};

struct session_file {
	char server[512];
	uint8_t token[SESSION_TOKEN_LEN];
};

static char *session_path(const struct cli *cli)
{
	return xasprintf("%s/session", cli->config_dir);
}

/* Parses the file's text into sf; -1 if it is not in the format above. */
static int session_parse(char *text, struct session_file *sf)
{
	int have_server = 0, have_token = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(line);
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (len == 0 || line[0] == '#')
			continue;
		if (strncmp(line, "server ", 7) == 0 && !have_server) {
			if (len - 7 >= sizeof sf->server)
				return -1;
			memcpy(sf->server, line + 7, len - 7 + 1);
			have_server = 1;
		} else if (strncmp(line, "token ", 6) == 0 && !have_token) {
			if (hex_decode(line + 6, len - 6, sf->token, sizeof sf->token) < 0)
				return -1;
			have_token = 1;
		} else {
			return -1;
		}
	}
	return have_server && have_token && sf->server[0] != '\0' ? 0 : -1;
}

/* Reads the session file. On SESSION_UNUSABLE, *detail says why (the
 * caller frees it). sf->token is the caller's to wipe. */
static enum session_state session_load(const struct cli *cli, struct session_file *sf,
				       char **detail)
{
	memset(sf, 0, sizeof *sf);
	*detail = NULL;
	char *path = session_path(cli);
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		enum session_state st = SESSION_NONE;
		if (errno != ENOENT) {
			*detail =
			    xasprintf("cannot read session file %s: %s", path, strerror(errno));
			st = SESSION_UNUSABLE;
		}
		free(path);
		return st;
	}
	struct stat st;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		*detail = xasprintf("session file %s is not a regular file", path);
	} else if (st.st_uid != geteuid()) {
		*detail = xasprintf("session file %s belongs to someone else", path);
	} else if ((st.st_mode & 077) != 0) {
		/* The token may have been read already: it is not safe to go
		 * on using it. */
		*detail = xasprintf("session file %s can be read by others (mode %04o)", path,
				    (unsigned)(st.st_mode & 07777));
	}
	if (*detail != NULL) {
		close(fd);
		free(path);
		return SESSION_UNUSABLE;
	}

	char text[SESSION_FILE_MAX];
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, text + n, sizeof text - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (n == sizeof text - 1)
			break;
	}
	close(fd);
	text[n] = '\0';
	int bad = n == sizeof text - 1 || strlen(text) != n || session_parse(text, sf) < 0;
	explicit_bzero(text, sizeof text);
	if (bad) {
		explicit_bzero(sf->token, sizeof sf->token);
		*detail = xasprintf("session file %s is damaged", path);
		free(path);
		return SESSION_UNUSABLE;
	}
	free(path);
	return strcmp(sf->server, cli->server) == 0 ? SESSION_FOUND : SESSION_OTHER_SERVER;
}

/* mkdir -p, new directories 0700. */
static int make_private_dir(const char *dir, char **cause)
{
	char *path = xstrdup(dir);
	for (char *p = path + 1;; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		char saved = *p;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST) {
			*cause = xasprintf("cannot create directory %s: %s", path, strerror(errno));
			free(path);
			return -1;
		}
		*p = saved;
		if (saved == '\0')
			break;
	}
	free(path);
	return 0;
}

/* Stores token for cli->server, replacing any earlier session. */
static int session_save(const struct cli *cli, const uint8_t *token, char **cause)
{
	if (make_private_dir(cli->config_dir, cause) < 0)
		return -1;
	char *path = session_path(cli);
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd = mkostemp(tmp, O_CLOEXEC); /* O_EXCL, mode 0600 */
	if (fd < 0) {
		*cause = xasprintf("cannot create %s: %s", tmp, strerror(errno));
		free(tmp);
		free(path);
		return -1;
	}

	char hex[2 * SESSION_TOKEN_LEN + 1];
	char text[SESSION_FILE_MAX];
	hex_encode(token, SESSION_TOKEN_LEN, hex);
	int len = snprintf(text, sizeof text,
			   "# assure session: whoever can read this file is logged in as you\n"
			   "server %s\n"
			   "token %s\n",
			   cli->server, hex);
	explicit_bzero(hex, sizeof hex);
	int rc = 0;
	if (len < 0 || (size_t)len >= sizeof text) {
		*cause = xasprintf("server name too long for the session file");
		rc = -1;
	} else if (fchmod(fd, 0600) < 0 || write_all(fd, text, (size_t)len) < 0 || fsync(fd) < 0) {
		*cause = xasprintf("cannot write %s: %s", tmp, strerror(errno));
		rc = -1;
	}
	explicit_bzero(text, sizeof text);
	if (close(fd) < 0 && rc == 0) {
		*cause = xasprintf("cannot write %s: %s", tmp, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && rename(tmp, path) < 0) {
		*cause = xasprintf("cannot rename %s to %s: %s", tmp, path, strerror(errno));
		rc = -1;
	}
	if (rc < 0) {
		unlink(tmp);
	} else {
		/* Make the rename itself durable. */
		int dfd = open(cli->config_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	free(tmp);
	free(path);
	return rc;
}

static int session_remove(const struct cli *cli)
{
	char *path = session_path(cli);
	int rc = 0;
	if (unlink(path) < 0 && errno != ENOENT)
		rc = cli_error(EXIT_CODE_INTERNAL, "cannot remove session file %s: %s", path,
			       strerror(errno));
	free(path);
	return rc;
}

/* --- Resume ----------------------------------------------------------- */

enum resume_outcome {
	RESUME_OK,
	RESUME_NO_SESSION,
	RESUME_OTHER_SERVER,
	RESUME_UNUSABLE,
	RESUME_REJECTED, /* the server said UNAUTHENTICATED: expired or revoked */
};

/*
 * Resumes the stored session on cli->client. Returns 0 with *outcome set
 * (and *detail, to free, for RESUME_OTHER_SERVER: the file's server; for
 * RESUME_UNUSABLE: why), or an exit code with the error printed.
 */
static int session_resume(struct cli *cli, enum resume_outcome *outcome, char **detail)
{
	struct session_file sf;
	*detail = NULL;
	switch (session_load(cli, &sf, detail)) {
	case SESSION_NONE:
		*outcome = RESUME_NO_SESSION;
		return 0;
	case SESSION_OTHER_SERVER:
		*outcome = RESUME_OTHER_SERVER;
		*detail = xstrdup(sf.server);
		explicit_bzero(sf.token, sizeof sf.token);
		return 0;
	case SESSION_UNUSABLE:
		*outcome = RESUME_UNUSABLE;
		return 0;
	case SESSION_FOUND:
		break;
	}

	Assure__ResumeRequest resume = ASSURE__RESUME_REQUEST__INIT;
	resume.token.data = sf.token;
	resume.token.len = sizeof sf.token;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_RESUME;
	req.resume = &resume;
	Assure__Response *resp = NULL;
	int rc = cli_call_any(cli, &req, &resp);
	explicit_bzero(sf.token, sizeof sf.token);
	if (rc != 0)
		return rc;

	int code = client_status_code(resp);
	if (code == ASSURE__CODE__UNAUTHENTICATED) {
		assure__response__free_unpacked(resp, NULL);
		*outcome = RESUME_REJECTED;
		return 0;
	}
	if (code != ASSURE__CODE__OK) {
		rc = cli_status_error(resp);
		assure__response__free_unpacked(resp, NULL);
		return rc;
	}
	if (resp->result_case != ASSURE__RESPONSE__RESULT_RESUME || resp->resume == NULL ||
	    resp->resume->session == NULL) {
		assure__response__free_unpacked(resp, NULL);
		return cli_error(EXIT_CODE_INTERNAL, "server answered Resume without a session");
	}
	cli->resume_resp = resp;
	cli->session = resp->resume->session;
	*outcome = RESUME_OK;
	return 0;
}

int cli_session_resume(struct cli *cli, int optional)
{
	enum resume_outcome outcome;
	char *detail = NULL;
	int rc = session_resume(cli, &outcome, &detail);
	if (rc != 0 || outcome == RESUME_OK || optional) {
		free(detail);
		return rc;
	}
	switch (outcome) {
	case RESUME_NO_SESSION:
		rc = cli_error(EXIT_CODE_UNAUTHENTICATED, "not logged in; run assure login");
		break;
	case RESUME_OTHER_SERVER:
		rc = cli_error(
		    EXIT_CODE_UNAUTHENTICATED,
		    "not logged in to %s (the stored session is for %s); run assure login",
		    cli->server, detail);
		break;
	case RESUME_UNUSABLE:
		rc = cli_error(EXIT_CODE_UNAUTHENTICATED, "%s; run assure login", detail);
		break;
	case RESUME_REJECTED:
		rc = cli_error(EXIT_CODE_UNAUTHENTICATED,
			       "not logged in (session expired or revoked); run assure login");
		break;
	case RESUME_OK:
		break;
	}
	free(detail);
	return rc;
}

/* --- reading passwords ------------------------------------------------ */

enum read_result { READ_LINE, READ_EOF, READ_TOO_LONG, READ_ERROR, READ_INTERRUPTED };

/* Set by the prompt's signal handler; see tty_read_password. */
static volatile sig_atomic_t tty_caught_signal;

/*
 * Reads one line from fd into buf (without its "\n" or "\r\n"), a byte at
 * a time so nothing past the line is consumed and no buffer outside buf
 * ever holds it. READ_EOF when the input ends before any byte. On a
 * terminal, a caught signal interrupts the read (READ_INTERRUPTED).
 */
static enum read_result read_secret_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	int any = 0;
	for (;;) {
		char c;
		ssize_t r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR) {
			if (tty_caught_signal != 0)
				return READ_INTERRUPTED;
			continue;
		}
		if (r < 0)
			return READ_ERROR;
		if (r == 0) {
			if (!any)
				return READ_EOF;
			break;
		}
		any = 1;
		if (c == '\n')
			break;
		if (n + 1 >= size) {
			/* Drain the rest of the line so a following line
			 * (passwd's new password) is not misread. */
			while ((r = read(fd, &c, 1)) == 1 && c != '\n')
				;
			return READ_TOO_LONG;
		}
		buf[n++] = c;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return READ_LINE;
}

static void tty_on_signal(int signo)
{
	tty_caught_signal = signo;
}

/* The signals that would otherwise leave the terminal without echo. */
static const int tty_signals[] = {SIGALRM, SIGHUP,  SIGINT,  SIGPIPE, SIGQUIT,
				  SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU};
#define TTY_SIGNAL_COUNT (sizeof tty_signals / sizeof tty_signals[0])

/*
 * Prompts on /dev/tty and reads a line with echo off (OpenBSD's
 * readpassphrase, in small). A signal during the prompt restores the
 * terminal and the old handlers first, then is raised again: Ctrl-C still
 * ends the program, but with echo back on. After Ctrl-Z and fg the prompt
 * is shown again.
 */
static enum read_result tty_read_password(const char *prompt, char *buf, size_t size, char **cause)
{
	for (;;) {
		int fd = open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			*cause = xasprintf("cannot open /dev/tty to ask for the password (%s); "
					   "use --password-stdin",
					   strerror(errno));
			return READ_ERROR;
		}
		struct termios saved, quiet;
		if (tcgetattr(fd, &saved) < 0) {
			*cause = xasprintf("cannot set up /dev/tty to ask for the password (%s); "
					   "use --password-stdin",
					   strerror(errno));
			close(fd);
			return READ_ERROR;
		}

		struct sigaction sa, old[TTY_SIGNAL_COUNT];
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = tty_on_signal;
		sigemptyset(&sa.sa_mask);
		sa.sa_flags = 0; /* no SA_RESTART: the read must return on a signal */
		tty_caught_signal = 0;
		for (size_t i = 0; i < TTY_SIGNAL_COUNT; i++)
			sigaction(tty_signals[i], &sa, &old[i]);

		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		enum read_result r = READ_ERROR;
		if (tcsetattr(fd, TCSAFLUSH, &quiet) == 0) {
			(void)!write(fd, prompt, strlen(prompt));
			r = read_secret_line(fd, buf, size);
			(void)!write(fd, "\n", 1); /* the newline echo was off */
		} else {
			*cause = xasprintf("cannot turn off echo on /dev/tty: %s", strerror(errno));
		}
		while (tcsetattr(fd, TCSAFLUSH, &saved) < 0 && errno == EINTR)
			;
		for (size_t i = 0; i < TTY_SIGNAL_COUNT; i++)
			sigaction(tty_signals[i], &old[i], NULL);
		close(fd);

		int sig = tty_caught_signal;
		if (sig == 0) {
			if (r == READ_ERROR && *cause == NULL)
				*cause = xasprintf("cannot read the password from /dev/tty: %s",
						   strerror(errno));
			return r;
		}
		explicit_bzero(buf, size);
		kill(getpid(), sig);
		if (sig != SIGTSTP && sig != SIGTTIN && sig != SIGTTOU) {
			/* Still alive: the signal was ignored or handled. */
			*cause = xstrdup("interrupted while reading the password");
			return READ_INTERRUPTED;
		}
	}
}

int cli_read_password(const struct cli *cli, const char *prompt, const char *what, char *buf,
		      size_t size)
{
	enum read_result r;
	char *cause = NULL;
	int from_stdin = cli_flag(cli, "password-stdin") != NULL;
	if (from_stdin)
		r = read_secret_line(STDIN_FILENO, buf, size);
	else
		r = tty_read_password(prompt, buf, size, &cause);

	int rc = 0;
	switch (r) {
	case READ_LINE:
		if (buf[0] == '\0')
			rc = cli_error(EXIT_CODE_INVALID, "the %s is empty", what);
		break;
	case READ_EOF:
		rc = from_stdin ? cli_error(EXIT_CODE_USAGE, "no %s on stdin", what)
				: cli_error(EXIT_CODE_USAGE, "no %s given", what);
		break;
	case READ_TOO_LONG:
		rc =
		    cli_error(EXIT_CODE_INVALID, "the %s is longer than %zu bytes", what, size - 1);
		break;
	case READ_ERROR:
		if (cause != NULL)
			rc = cli_error(from_stdin ? EXIT_CODE_INTERNAL : EXIT_CODE_USAGE, "%s",
				       cause);
		else
			rc = cli_error(EXIT_CODE_INTERNAL, "cannot read the %s from stdin: %s",
				       what, strerror(errno));
		break;
	case READ_INTERRUPTED:
		rc = cli_error(EXIT_CODE_INTERNAL, "%s",
			       cause != NULL ? cause : "interrupted while reading the password");
		break;
	}
	free(cause);
	if (rc != 0)
		explicit_bzero(buf, size);
	return rc;
}

/* --- assure login ----------------------------------------------------- */

static int cmd_login_exec(struct cli *cli)
{
	char password[CLI_PASSWORD_MAX];
	int rc = cli_read_password(cli, "Password: ", "password", password, sizeof password);
	if (rc != 0)
		return rc;
	rc = cli_connect(cli);
	if (rc != 0) {
		explicit_bzero(password, sizeof password);
		return rc;
	}

	const char *role = cli_flag(cli, "role");
	Assure__LoginRequest login = ASSURE__LOGIN_REQUEST__INIT;
	login.username = (char *)cli_flag(cli, "user");
	login.password = password;
	login.role = (char *)(role != NULL ? role : "");
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_LOGIN;
	req.login = &login;
	Assure__Response *resp = NULL;
	rc = cli_call(cli, &req, &resp);
	explicit_bzero(password, sizeof password);
	if (rc != 0)
		return rc;

	const Assure__LoginResponse *lr =
	    resp->result_case == ASSURE__RESPONSE__RESULT_LOGIN ? resp->login : NULL;
	if (lr == NULL || lr->session == NULL || lr->token.len != SESSION_TOKEN_LEN) {
		if (lr != NULL && lr->token.data != NULL)
			explicit_bzero(lr->token.data, lr->token.len);
		assure__response__free_unpacked(resp, NULL);
		return cli_error(EXIT_CODE_INTERNAL,
				 "server answered Login without a session token");
	}
	char *cause = NULL;
	int saved = session_save(cli, lr->token.data, &cause);
	explicit_bzero(lr->token.data, lr->token.len);
	if (saved < 0) {
		/* The server holds a session nobody can use; it expires on
		 * its own. Say so rather than pretend we are logged in. */
		rc = cli_error(EXIT_CODE_INTERNAL, "logged in, but %s", cause);
		free(cause);
		assure__response__free_unpacked(resp, NULL);
		return rc;
	}

	const Assure__SessionInfo *s = lr->session;
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_field_string(&j, "username", cli_str(s->username));
		cli_json_field_string(&j, "role", cli_str(s->role));
		cli_json_field_time(&j, "expires_at", s->expires_at);
		cli_json_field_time(&j, "idle_expires_at", s->idle_expires_at);
		cli_json_field_bool(&j, "password_change_required", s->password_change_required);
		cli_json_object_end(&j);
	} else {
		char expires[32];
		cli_format_time(s->expires_at, expires, sizeof expires);
		char *name = cli_printable(cli_str(s->username));
		char *role_shown = cli_printable(cli_str(s->role));
		printf("Logged in as %s (%s), session expires %s\n", name,
		       *role_shown != '\0' ? role_shown : "no role", expires);
		if (s->password_change_required)
			printf("Your password must be changed before you can do anything else: "
			       "run assure passwd\n");
		free(name);
		free(role_shown);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

static const struct cli_flag login_flags[] = {
    {"user", "NAME", CLI_FLAG_REQUIRED, "the user name to log in as"},
    {"role", "ROLE", 0, "the role to act in (needed when you hold more than one)"},
    {"password-stdin", NULL, 0, "read the password from the first line of stdin"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_login = {
    .noun = "login",
    .summary = "log in and keep the session for later commands",
    .help = "Logs in to the server and stores the session token in\n"
	    "$ASSURE_CONFIG_DIR/session (mode 0600), where later commands find it. The\n"
	    "password is asked for on the terminal with echo off, or read from the first\n"
	    "line of stdin with --password-stdin; it is never taken from the command line.\n"
	    "If the account must change its password, run assure passwd next.",
    .needs = 0, /* connects itself, after the password is typed */
    .flags = login_flags,
    .exec = cmd_login_exec,
};

/* --- assure whoami ---------------------------------------------------- */

static int cmd_whoami_exec(struct cli *cli)
{
	Assure__WhoamiRequest whoami = ASSURE__WHOAMI_REQUEST__INIT;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_WHOAMI;
	req.whoami = &whoami;
	Assure__Response *resp = NULL;
	int rc = cli_call(cli, &req, &resp);
	if (rc != 0)
		return rc;
	if (resp->result_case != ASSURE__RESPONSE__RESULT_WHOAMI || resp->whoami == NULL ||
	    resp->whoami->session == NULL) {
		assure__response__free_unpacked(resp, NULL);
		return cli_error(EXIT_CODE_INTERNAL, "server answered Whoami without a session");
	}
	const Assure__SessionInfo *s = resp->whoami->session;

	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_field_string(&j, "username", cli_str(s->username));
		cli_json_field_string(&j, "display_name", cli_str(s->display_name));
		cli_json_field_string(&j, "role", cli_str(s->role));
		cli_json_field_strings(&j, "roles", s->roles, s->n_roles);
		cli_json_field_string(&j, "site", cli_str(s->site));
		cli_json_field_time(&j, "created_at", s->created_at);
		cli_json_field_time(&j, "idle_expires_at", s->idle_expires_at);
		cli_json_field_time(&j, "expires_at", s->expires_at);
		cli_json_field_bool(&j, "password_change_required", s->password_change_required);
		cli_json_object_end(&j);
	} else {
		char created[32], idle[32], expires[32];
		cli_format_time(s->created_at, created, sizeof created);
		cli_format_time(s->idle_expires_at, idle, sizeof idle);
		cli_format_time(s->expires_at, expires, sizeof expires);
		char *roles = cli_join(s->roles, s->n_roles, ", ");
		struct cli_row rows[9];
		size_t n = 0;
		rows[n++] = (struct cli_row){"User", cli_str(s->username)};
		rows[n++] = (struct cli_row){"Display name", cli_str(s->display_name)};
		rows[n++] = (struct cli_row){"Role", cli_str(s->role)};
		if (s->n_roles > 1)
			rows[n++] = (struct cli_row){"Roles held", roles};
		rows[n++] = (struct cli_row){"Site", cli_str(s->site)};
		rows[n++] = (struct cli_row){"Logged in", created};
		rows[n++] = (struct cli_row){"Idle expiry", idle};
		rows[n++] = (struct cli_row){"Absolute expiry", expires};
		if (s->password_change_required)
			rows[n++] =
			    (struct cli_row){"Password", "must be changed: run assure passwd"};
		cli_print_rows(stdout, rows, n);
		free(roles);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_whoami = {
    .noun = "whoami",
    .summary = "show who you are logged in as",
    .help = "Shows the user, display name, role, site and expiry times of the stored\n"
	    "session. The session expires after a period without use (idle expiry) and\n"
	    "in any case at its absolute expiry.",
    .needs = CLI_SESSION,
    .exec = cmd_whoami_exec,
};

/* --- assure logout ---------------------------------------------------- */

static int print_logout(const struct cli *cli, const char *message, int was_active)
{
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_field_bool(&j, "logged_out", 1);
		cli_json_field_bool(&j, "session_was_active", was_active);
		cli_json_object_end(&j);
	} else {
		printf("%s\n", message);
	}
	return 0;
}

static int cmd_logout_exec(struct cli *cli)
{
	enum resume_outcome outcome;
	char *detail = NULL;
	int rc = session_resume(cli, &outcome, &detail);
	if (rc != 0)
		return rc;
	switch (outcome) {
	case RESUME_NO_SESSION:
		return print_logout(cli, "Not logged in.", 0);
	case RESUME_OTHER_SERVER:
		/* Not ours to end: that session belongs to another server. */
		rc = cli_error(EXIT_CODE_UNAUTHENTICATED,
			       "not logged in to %s (the stored session is for %s; use --server %s "
			       "to log out of it)",
			       cli->server, detail, detail);
		free(detail);
		return rc;
	case RESUME_UNUSABLE:
		/* A damaged or exposed file cannot be used to log out, but
		 * it must not stay either. */
		free(detail);
		rc = session_remove(cli);
		return rc != 0 ? rc : print_logout(cli, "Removed the unusable session file.", 0);
	case RESUME_REJECTED:
		rc = session_remove(cli);
		return rc != 0
			   ? rc
			   : print_logout(cli, "Logged out (the session had already ended).", 0);
	case RESUME_OK:
		break;
	}

	Assure__LogoutRequest logout = ASSURE__LOGOUT_REQUEST__INIT;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_LOGOUT;
	req.logout = &logout;
	Assure__Response *resp = NULL;
	rc = cli_call_any(cli, &req, &resp);
	if (rc != 0)
		return rc;
	int code = client_status_code(resp);
	if (code != ASSURE__CODE__OK && code != ASSURE__CODE__UNAUTHENTICATED) {
		rc = cli_status_error(resp);
		assure__response__free_unpacked(resp, NULL);
		return rc;
	}
	assure__response__free_unpacked(resp, NULL);
	rc = session_remove(cli);
	if (rc != 0)
		return rc;
	return code == ASSURE__CODE__OK
		   ? print_logout(cli, "Logged out.", 1)
		   : print_logout(cli, "Logged out (the session had already ended).", 0);
}

const struct cli_command cli_cmd_logout = {
    .noun = "logout",
    .summary = "end the session",
    .help = "Ends the stored session on the server and removes the session file. If the\n"
	    "server says the session has already ended (expired or revoked), the file is\n"
	    "removed all the same. Not being logged in is not an error.",
    .needs = CLI_CONNECT,
    .exec = cmd_logout_exec,
};

/* --- assure passwd ---------------------------------------------------- */

static int cmd_passwd_exec(struct cli *cli)
{
	char old_pw[CLI_PASSWORD_MAX], new_pw[CLI_PASSWORD_MAX], again[CLI_PASSWORD_MAX];
	int from_stdin = cli_flag(cli, "password-stdin") != NULL;
	int rc =
	    cli_read_password(cli, "Current password: ", "current password", old_pw, sizeof old_pw);
	if (rc == 0)
		rc =
		    cli_read_password(cli, "New password: ", "new password", new_pw, sizeof new_pw);
	if (rc == 0 && !from_stdin) {
		rc = cli_read_password(cli, "New password again: ", "new password", again,
				       sizeof again);
		if (rc == 0 && strcmp(new_pw, again) != 0)
			rc = cli_error(EXIT_CODE_INVALID, "the new passwords do not match");
		explicit_bzero(again, sizeof again);
	}
	if (rc == 0)
		rc = cli_connect(cli);
	if (rc == 0)
		rc = cli_session_resume(cli, 0);
	if (rc != 0) {
		explicit_bzero(old_pw, sizeof old_pw);
		explicit_bzero(new_pw, sizeof new_pw);
		return rc;
	}

	Assure__PasswordChangeRequest pc = ASSURE__PASSWORD_CHANGE_REQUEST__INIT;
	pc.old_password = old_pw;
	pc.new_password = new_pw;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_PASSWORD_CHANGE;
	req.password_change = &pc;
	Assure__Response *resp = NULL;
	rc = cli_call(cli, &req, &resp);
	explicit_bzero(old_pw, sizeof old_pw);
	explicit_bzero(new_pw, sizeof new_pw);
	if (rc != 0)
		return rc;
	assure__response__free_unpacked(resp, NULL);

	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_field_bool(&j, "password_changed", 1);
		cli_json_object_end(&j);
	} else {
		printf("Password changed; you are still logged in.\n");
	}
	return 0;
}

static const struct cli_flag passwd_flags[] = {
    {"password-stdin", NULL, 0,
     "read the current password from the first line of stdin, the new one from the second"},
    {NULL, NULL, 0, NULL},
};

const struct cli_command cli_cmd_passwd = {
    .noun = "passwd",
    .summary = "change your password",
    .help = "Changes the password of the logged-in user. Asks on the terminal for the\n"
	    "current password and twice for the new one, or with --password-stdin reads\n"
	    "the current password from the first line of stdin and the new one from the\n"
	    "second. The session stays valid.",
    .needs = 0, /* connects itself, after the passwords are typed */
    .flags = passwd_flags,
    .exec = cmd_passwd_exec,
};
