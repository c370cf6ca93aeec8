/*
 * The integration-test harness (see harness.h): a real assured per test
 * group on 127.0.0.1 with an ephemeral port, the real client library, the
 * real CLI as a subprocess.
 *
 * Process hygiene: servers are forked with PR_SET_PDEATHSIG so they die with
 * the test program, every child closes the descriptors it inherited (an
 * inherited client socket would keep a connection open after the test
 * closed it), and every wait is bounded. A global alarm (harness_guard)
 * SIGKILLs the servers we started, by pid, and ends the program if a test
 * hangs. The daemon's stderr goes to DIR/assured.log, shown when something
 * fails.
 */
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

extern char **environ;

#define HARNESS_MAX_SERVERS 16
#define HARNESS_MAX_DIRS 64
#define HARNESS_READY_TIMEOUT_MS 20000
#define HARNESS_STOP_TIMEOUT_MS 10000
#define HARNESS_INIT_TIMEOUT_MS 60000
#define HARNESS_CLI_TIMEOUT_MS 20000

/* Servers running now, for the alarm and atexit handlers. */
static struct harness_server *running[HARNESS_MAX_SERVERS];

/* Directories to remove (or keep and show) in harness_finish. */
struct harness_dir {
	char *path;
	char *log; /* NULL for a plain temporary directory */
	int log_shown;
};
static struct harness_dir dirs[HARNESS_MAX_DIRS];
static size_t ndirs;

/* Problems found outside any test (unclean exit, sanitizer reports). */
static int harness_problems;

/* ---- small things ---------------------------------------------------- */

int64_t harness_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void harness_sleep_ms(int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

int harness_contains_ci(const char *s, const char *needle)
{
	return s != NULL && needle != NULL && strcasestr(s, needle) != NULL;
}

int harness_free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa = {0};
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
	socklen_t len = sizeof sa;
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	int port = ntohs(sa.sin_port);
	close(fd); /* never listened: a connect to it is refused */
	return port;
}

static void write_all_fd(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void write_str_fd(int fd, const char *s)
{
	write_all_fd(fd, s, strlen(s));
}

/* Copies the file at path to stderr; async-signal-safe. */
static void copy_file_to_stderr(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf)) > 0)
		write_all_fd(STDERR_FILENO, buf, (size_t)n);
	close(fd);
}

static void dump_log_path(const char *path)
{
	write_str_fd(STDERR_FILENO, "----- server log ");
	write_str_fd(STDERR_FILENO, path);
	write_str_fd(STDERR_FILENO, " -----\n");
	copy_file_to_stderr(path);
	write_str_fd(STDERR_FILENO, "----- end of server log -----\n");
}

void harness_server_dump_log(const struct harness_server *s)
{
	dump_log_path(s->log);
}

/* Closes every descriptor above stderr in a freshly forked child. */
static void close_inherited_fds(void)
{
	long max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 65536)
		max = 65536;
	for (int fd = 3; fd < max; fd++)
		close(fd);
}

/* ---- guard ----------------------------------------------------------- */

static void kill_running_servers(int dump)
{
	for (size_t i = 0; i < HARNESS_MAX_SERVERS; i++) {
		struct harness_server *s = running[i];
		if (s == NULL || s->pid <= 0)
			continue;
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		if (dump)
			dump_log_path(s->log);
		s->pid = 0;
		running[i] = NULL;
	}
}

static void on_alarm(int sig)
{
	(void)sig;
	write_str_fd(STDERR_FILENO, "harness: ");
	write_str_fd(STDERR_FILENO, program_invocation_short_name);
	write_str_fd(STDERR_FILENO, " timed out (global guard); killing its servers, "
				    "keeping their directories\n");
	kill_running_servers(1);
	_exit(1);
}

static void at_exit_kill(void)
{
	kill_running_servers(0);
}

static void ignore_sigpipe(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

void harness_guard(unsigned seconds)
{
	ignore_sigpipe();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	atexit(at_exit_kill);
	alarm(seconds);
}

static void register_running(struct harness_server *s)
{
	for (size_t i = 0; i < HARNESS_MAX_SERVERS; i++)
		if (running[i] == NULL || running[i] == s) {
			running[i] = s;
			return;
		}
	fail_msg("harness: more than %d servers at once", HARNESS_MAX_SERVERS);
}

static void unregister_running(struct harness_server *s)
{
	for (size_t i = 0; i < HARNESS_MAX_SERVERS; i++)
		if (running[i] == s)
			running[i] = NULL;
}

/* ---- temporary directories ------------------------------------------- */

static char *make_tempdir(const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	if (tmp == NULL || *tmp == '\0')
		tmp = "/tmp";
	char *path = NULL;
	if (asprintf(&path, "%s/assure-%s-XXXXXX", tmp, tag) < 0)
		abort();
	if (mkdtemp(path) == NULL) {
		int e = errno;
		free(path);
		fail_msg("mkdtemp under %s: %s", tmp, strerror(e));
	}
	return path;
}

static void register_dir(const char *path, const char *log)
{
	if (ndirs == HARNESS_MAX_DIRS)
		return;
	for (size_t i = 0; i < ndirs; i++)
		if (strcmp(dirs[i].path, path) == 0)
			return;
	dirs[ndirs].path = strdup(path);
	dirs[ndirs].log = log ? strdup(log) : NULL;
	dirs[ndirs].log_shown = 0;
	ndirs++;
}

char *harness_tempdir(const char *tag)
{
	char *p = make_tempdir(tag);
	register_dir(p, NULL);
	return p;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

int harness_finish(int failed)
{
	if (harness_problems > 0) {
		fprintf(stderr, "harness: %d server problem(s) outside the tests (see above)\n",
			harness_problems);
		failed += harness_problems;
	}
	kill_running_servers(failed != 0);
	int keep = getenv("KEEP_TEST_DIRS") != NULL;
	for (size_t i = 0; i < ndirs; i++) {
		if (failed && dirs[i].log != NULL && !dirs[i].log_shown) {
			dump_log_path(dirs[i].log);
			dirs[i].log_shown = 1;
		}
		if (keep)
			fprintf(stderr, "harness: kept %s\n", dirs[i].path);
		else
			nftw(dirs[i].path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		free(dirs[i].path);
		free(dirs[i].log);
	}
	ndirs = 0;
	return failed != 0;
}

/* ---- subprocesses ---------------------------------------------------- */

static int env_name_matches(const char *entry, const char *set)
{
	size_t n = strcspn(set, "=");
	return strncmp(entry, set, n) == 0 && entry[n] == '=';
}

/* environ without the names in env_set, then env_set's NAME=value entries.
 * An entry "NAME" without '=' only removes. */
static char **build_env(const char *const *env_set)
{
	size_t n = 0, m = 0;
	while (environ[n] != NULL)
		n++;
	if (env_set != NULL)
		while (env_set[m] != NULL)
			m++;
	char **env = calloc(n + m + 1, sizeof *env);
	if (env == NULL)
		abort();
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		int drop = 0;
		for (size_t j = 0; j < m; j++)
			if (env_name_matches(environ[i], env_set[j]))
				drop = 1;
		if (!drop)
			env[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		if (strchr(env_set[j], '=') != NULL)
			env[k++] = (char *)env_set[j];
	env[k] = NULL;
	return env;
}

static void child_reset_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGPIPE, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);
	alarm(0);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

struct buf {
	char *p;
	size_t n, cap;
};

static void buf_add(struct buf *b, const char *p, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + n + 1)
			cap *= 2;
		char *q = realloc(b->p, cap);
		if (q == NULL)
			abort();
		b->p = q;
		b->cap = cap;
	}
	memcpy(b->p + b->n, p, n);
	b->n += n;
	b->p[b->n] = '\0';
}

static int decode_wait_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

int harness_run_argv(const char *const *argv, const char *const *env_set, const char *stdin_text,
		     int timeout_ms, struct harness_run *r)
{
	memset(r, 0, sizeof *r);
	r->status = -1;
	ignore_sigpipe();
	int in[2] = {-1, -1}, out[2], err[2];
	if (stdin_text != NULL && pipe2(in, O_CLOEXEC) != 0)
		return -1;
	if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0)
		return -1;
	char **env = build_env(env_set);

	pid_t pid = fork();
	if (pid < 0) {
		free(env);
		return -1;
	}
	if (pid == 0) {
		child_reset_signals();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int devnull = open("/dev/null", O_RDWR);
		dup2(stdin_text != NULL ? in[0] : devnull, STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		dup2(err[1], STDERR_FILENO);
		close_inherited_fds();
		execve(argv[0], (char *const *)argv, env);
		write_str_fd(STDERR_FILENO, "harness: exec failed\n");
		_exit(127);
	}
	free(env);
	close(out[1]);
	close(err[1]);
	if (stdin_text != NULL)
		close(in[0]);
	int in_fd = stdin_text != NULL ? in[1] : -1;
	if (in_fd >= 0)
		fcntl(in_fd, F_SETFL, O_NONBLOCK);
	size_t in_off = 0, in_len = stdin_text != NULL ? strlen(stdin_text) : 0;
	if (in_fd >= 0 && in_len == 0) {
		close(in_fd);
		in_fd = -1;
	}

	struct buf ob = {0}, eb = {0};
	buf_add(&ob, "", 0);
	buf_add(&eb, "", 0);
	int out_fd = out[0], err_fd = err[0];
	int64_t deadline = harness_now_ms() + timeout_ms;
	while (out_fd >= 0 || err_fd >= 0 || in_fd >= 0) {
		int64_t left = deadline - harness_now_ms();
		if (left <= 0) {
			r->timed_out = 1;
			break;
		}
		struct pollfd pfd[3];
		int np = 0;
		int io = -1, oo = -1, eo = -1;
		if (in_fd >= 0) {
			io = np;
			pfd[np++] = (struct pollfd){in_fd, POLLOUT, 0};
		}
		if (out_fd >= 0) {
			oo = np;
			pfd[np++] = (struct pollfd){out_fd, POLLIN, 0};
		}
		if (err_fd >= 0) {
			eo = np;
			pfd[np++] = (struct pollfd){err_fd, POLLIN, 0};
		}
		int pr = poll(pfd, (nfds_t)np, (int)(left > 100 ? 100 : left));
		if (pr < 0 && errno != EINTR)
			break;
		if (pr <= 0)
			continue;
		char tmp[4096];
		if (io >= 0 && pfd[io].revents) {
			ssize_t w = write(in_fd, stdin_text + in_off, in_len - in_off);
			if (w > 0)
				in_off += (size_t)w;
			if (w < 0 && errno != EAGAIN && errno != EINTR)
				in_off = in_len; /* the child closed stdin: stop */
			if (in_off == in_len) {
				close(in_fd);
				in_fd = -1;
			}
		}
		if (oo >= 0 && pfd[oo].revents) {
			ssize_t n = read(out_fd, tmp, sizeof tmp);
			if (n > 0)
				buf_add(&ob, tmp, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				close(out_fd);
				out_fd = -1;
			}
		}
		if (eo >= 0 && pfd[eo].revents) {
			ssize_t n = read(err_fd, tmp, sizeof tmp);
			if (n > 0)
				buf_add(&eb, tmp, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				close(err_fd);
				err_fd = -1;
			}
		}
	}
	if (in_fd >= 0)
		close(in_fd);
	if (out_fd >= 0)
		close(out_fd);
	if (err_fd >= 0)
		close(err_fd);

	/* Output closed: the child has exited or is about to; still bounded. */
	int st = 0;
	for (;;) {
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid) {
			r->status = r->timed_out ? -1 : decode_wait_status(st);
			break;
		}
		if (r->timed_out || harness_now_ms() > deadline) {
			r->timed_out = 1;
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			r->status = -1;
			break;
		}
		harness_sleep_ms(5);
	}
	r->out = ob.p;
	r->err = eb.p;
	return 0;
}

void harness_run_free(struct harness_run *r)
{
	free(r->out);
	free(r->err);
	r->out = r->err = NULL;
}

void harness_show_run(const char *what, const struct harness_run *r)
{
	print_message("%s: exit %d\n--- stdout ---\n%s--- stderr ---\n%s--------------\n", what,
		      r->status, r->out, r->err);
}

static const char json_check_py[] = "import json, sys\n"
				    "t = sys.stdin.read()\n"
				    "if not t.endswith('\\n') or '\\n' in t[:-1]:\n"
				    "    sys.exit('not exactly one line')\n"
				    "d = json.loads(t)\n"
				    "ok = eval(sys.argv[1])\n"
				    "sys.exit(0 if ok is True else 'expression is %r' % (ok,))\n";

void harness_json_expect(const char *what, const struct harness_run *r, const char *expr)
{
	const char *argv[] = {"/usr/bin/python3", "-S", "-E", "-c", json_check_py, expr, NULL};
	struct harness_run p;
	assert_int_equal(harness_run_argv(argv, NULL, r->out, 20000, &p), 0);
	if (p.status != 0) {
		harness_show_run(what, r);
		fprintf(stderr, "python3 says: %s%s\n", p.out, p.err);
		harness_run_free(&p);
		fail_msg("%s: --json output fails the check: %s", what, expr);
	}
	harness_run_free(&p);
}

void harness_cli(const char *addr, const char *config_dir, const char *stdin_text,
		 struct harness_run *r, ...)
{
	const char *argv[64];
	size_t n = 0;
	argv[n++] = ASSURE_BIN;
	va_list ap;
	va_start(ap, r);
	const char *a;
	while ((a = va_arg(ap, const char *)) != NULL && n < 62)
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;

	char *server = NULL, *cfg = NULL;
	if (addr != NULL && asprintf(&server, "ASSURE_SERVER=%s", addr) < 0)
		abort();
	if (asprintf(&cfg, "ASSURE_CONFIG_DIR=%s", config_dir) < 0)
		abort();
	const char *env[] = {
	    server != NULL ? server : "ASSURE_SERVER",
	    "ASSURE_CA=" HARNESS_CA,
	    cfg,
	    "ASSURE_CERT",
	    "ASSURE_KEY",
	    NULL,
	};
	int rc = harness_run_argv(argv, env, stdin_text, HARNESS_CLI_TIMEOUT_MS, r);
	free(server);
	free(cfg);
	assert_int_equal(rc, 0);
	if (r->timed_out) {
		fprintf(stderr, "assure timed out; stdout:\n%s\nstderr:\n%s\n", r->out, r->err);
		fail_msg("assure CLI did not finish within %d ms", HARNESS_CLI_TIMEOUT_MS);
	}
}

/* ---- the server ------------------------------------------------------ */

void harness_server_init(struct harness_server *s, const struct harness_server_opts *opts)
{
	static const struct harness_server_opts defaults;
	if (opts == NULL)
		opts = &defaults;
	memset(s, 0, sizeof *s);
	char *dir = make_tempdir("int");
	snprintf(s->dir, sizeof s->dir, "%s", dir);
	free(dir);
	snprintf(s->db, sizeof s->db, "%s/assure.db", s->dir);
	snprintf(s->log, sizeof s->log, "%s/assured.log", s->dir);
	snprintf(s->ready, sizeof s->ready, "%s/ready", s->dir);
	snprintf(s->cert, sizeof s->cert, "%s/%s", TEST_CERTS_DIR,
		 opts->cert_name ? opts->cert_name : "server.crt");
	snprintf(s->key, sizeof s->key, "%s/%s", TEST_CERTS_DIR,
		 opts->key_name ? opts->key_name : "server.key");
	size_t n = 0;
	if (opts->extra_args != NULL)
		for (; opts->extra_args[n] != NULL; n++) {
			if (n == HARNESS_MAX_ARGS)
				fail_msg("harness: more than %d extra server arguments",
					 HARNESS_MAX_ARGS);
			s->extra[n] = opts->extra_args[n];
		}
	s->extra[n] = NULL;
	s->last_exit = -1;
	register_dir(s->dir, s->log);

	struct harness_run r;
	if (opts->one_time_password) {
		const char *argv[] = {ASSURED_BIN, "init",	  "--db", s->db,
				      "--admin",   HARNESS_ADMIN, NULL};
		assert_int_equal(harness_run_argv(argv, NULL, NULL, HARNESS_INIT_TIMEOUT_MS, &r),
				 0);
	} else {
		const char *argv[] = {
		    ASSURED_BIN,	"init", "--db", s->db, "--admin", HARNESS_ADMIN,
		    "--password-stdin", NULL};
		assert_int_equal(harness_run_argv(argv, NULL, HARNESS_PASSWORD "\n",
						  HARNESS_INIT_TIMEOUT_MS, &r),
				 0);
	}
	if (r.status != 0) {
		fprintf(stderr, "assured init exited %d%s\nstdout:\n%s\nstderr:\n%s\n", r.status,
			r.timed_out ? " (timed out)" : "", r.out, r.err);
		harness_run_free(&r);
		fail_msg("assured init failed");
	}
	if (opts->one_time_password) {
		static const char prefix[] = "one-time password for " HARNESS_ADMIN ": ";
		char *line = strstr(r.out, prefix);
		if (line == NULL) {
			fprintf(stderr, "assured init stdout:\n%s\nstderr:\n%s\n", r.out, r.err);
			harness_run_free(&r);
			fail_msg("assured init printed no 'one-time password for admin: ' line");
		}
		line += strlen(prefix);
		size_t len = strcspn(line, "\r\n");
		assert_true(len > 0 && len < sizeof s->password);
		memcpy(s->password, line, len);
		s->password[len] = '\0';
	} else {
		snprintf(s->password, sizeof s->password, "%s", HARNESS_PASSWORD);
	}
	harness_run_free(&r);
}

/* Reads "HOST:PORT\n" from the ready file; 1 when complete. */
static int read_ready(struct harness_server *s)
{
	FILE *f = fopen(s->ready, "re");
	if (f == NULL)
		return 0;
	char line[128] = "";
	char *got = fgets(line, sizeof line, f);
	fclose(f);
	if (got == NULL || strchr(line, '\n') == NULL)
		return 0;
	line[strcspn(line, "\r\n")] = '\0';
	char *colon = strrchr(line, ':');
	if (colon == NULL)
		fail_msg("ready file %s holds '%s', not HOST:PORT", s->ready, line);
	int port = atoi(colon + 1);
	if (port <= 0 || port > 65535)
		fail_msg("ready file %s holds '%s': bad port", s->ready, line);
	if (strncmp(line, "127.0.0.1:", 10) != 0)
		fail_msg("ready file %s holds '%s': expected 127.0.0.1:PORT", s->ready, line);
	snprintf(s->addr, sizeof s->addr, "%s", line);
	s->port = port;
	return 1;
}

void harness_server_launch(struct harness_server *s)
{
	assert_true(s->pid <= 0);
	unlink(s->ready);
	const char *argv[24 + HARNESS_MAX_ARGS];
	size_t n = 0;
	argv[n++] = ASSURED_BIN;
	argv[n++] = "--db";
	argv[n++] = s->db;
	argv[n++] = "--listen";
	argv[n++] = "127.0.0.1:0";
	argv[n++] = "--cert";
	argv[n++] = s->cert;
	argv[n++] = "--key";
	argv[n++] = s->key;
	argv[n++] = "--ready-file";
	argv[n++] = s->ready;
	argv[n++] = "--log-level";
	argv[n++] = "debug";
	for (size_t i = 0; s->extra[i] != NULL; i++)
		argv[n++] = s->extra[i];
	argv[n] = NULL;

	int logfd = open(s->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	assert_true(logfd >= 0);
	char banner[1024];
	int bl = snprintf(banner, sizeof banner, "=== harness: starting");
	for (size_t i = 0; i < n && bl < (int)sizeof banner - 64; i++)
		bl += snprintf(banner + bl, sizeof banner - (size_t)bl, " %s", argv[i]);
	bl += snprintf(banner + bl, sizeof banner - (size_t)bl, " ===\n");
	write_all_fd(logfd, banner, (size_t)bl);
	ignore_sigpipe();

	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		child_reset_signals();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, STDIN_FILENO);
		dup2(logfd, STDOUT_FILENO);
		dup2(logfd, STDERR_FILENO);
		close_inherited_fds();
		execv(argv[0], (char *const *)argv);
		write_str_fd(STDERR_FILENO, "harness: exec " ASSURED_BIN " failed\n");
		_exit(127);
	}
	close(logfd);
	s->pid = pid;
	register_running(s);

	int64_t deadline = harness_now_ms() + HARNESS_READY_TIMEOUT_MS;
	for (;;) {
		int st;
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid) {
			s->pid = 0;
			unregister_running(s);
			s->last_exit = decode_wait_status(st);
			harness_server_dump_log(s);
			fail_msg("assured exited with status %d before it was ready", s->last_exit);
		}
		if (read_ready(s))
			return;
		if (harness_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			s->pid = 0;
			unregister_running(s);
			harness_server_dump_log(s);
			fail_msg("assured wrote no ready file within %d ms",
				 HARNESS_READY_TIMEOUT_MS);
		}
		harness_sleep_ms(20);
	}
}

void harness_server_start(struct harness_server *s, const struct harness_server_opts *opts)
{
	harness_server_init(s, opts);
	harness_server_launch(s);
}

int harness_server_stop_timed(struct harness_server *s, int timeout_ms, int64_t *elapsed_ms)
{
	return harness_server_signal_wait(s, SIGTERM, timeout_ms, elapsed_ms);
}

int harness_server_signal_wait(struct harness_server *s, int sig, int timeout_ms,
			       int64_t *elapsed_ms)
{
	if (timeout_ms <= 0)
		timeout_ms = HARNESS_STOP_TIMEOUT_MS;
	if (s->pid <= 0) {
		if (elapsed_ms != NULL)
			*elapsed_ms = 0;
		return s->last_exit;
	}
	int64_t start = harness_now_ms();
	kill(s->pid, sig);
	int st = 0, result = -1;
	for (;;) {
		pid_t w = waitpid(s->pid, &st, WNOHANG);
		if (w == s->pid) {
			result = decode_wait_status(st);
			break;
		}
		if (w < 0 && errno != EINTR) {
			result = -1;
			break;
		}
		if (harness_now_ms() - start > timeout_ms) {
			fprintf(stderr,
				"harness: assured pid %d did not exit within %d ms of signal %d; "
				"sending SIGKILL\n",
				(int)s->pid, timeout_ms, sig);
			kill(s->pid, SIGKILL);
			waitpid(s->pid, NULL, 0);
			result = -1;
			break;
		}
		harness_sleep_ms(10);
	}
	if (elapsed_ms != NULL)
		*elapsed_ms = harness_now_ms() - start;
	s->pid = 0;
	unregister_running(s);
	s->last_exit = result;
	return result;
}

int harness_server_stop(struct harness_server *s)
{
	return harness_server_stop_timed(s, 0, NULL);
}

int harness_log_has_sanitizer_report(const char *text)
{
	return strstr(text, "AddressSanitizer") != NULL || strstr(text, "LeakSanitizer") != NULL ||
	       strstr(text, "runtime error:") != NULL || strstr(text, "ThreadSanitizer") != NULL;
}

int harness_log_has_error_line(const char *text)
{
	/* Lines read "[<RFC 3339 time> ]ERROR text". */
	for (const char *line = text; line != NULL && *line != '\0';) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		const char *word = line;
		if (len > 0 && line[0] >= '0' && line[0] <= '9') {
			const char *sp = memchr(line, ' ', len);
			word = sp ? sp + 1 : line + len;
		}
		if ((size_t)(word - line) + 6 <= len && strncmp(word, "ERROR ", 6) == 0)
			return 1;
		line = end ? end + 1 : NULL;
	}
	return 0;
}

void harness_server_destroy(struct harness_server *s)
{
	int was_running = s->pid > 0;
	int rc = harness_server_stop(s);
	int problem = 0;
	if (was_running && rc != 0) {
		fprintf(stderr,
			"harness: assured exited with status %d after SIGTERM (expected 0)\n", rc);
		problem = 1;
	}
	char *log = harness_server_log_since(s, 0);
	if (harness_log_has_sanitizer_report(log)) {
		fprintf(stderr, "harness: the server log %s holds a sanitizer report\n", s->log);
		problem = 1;
	}
	/* The dispatch table's RPC_WRITE claims (server/rpc/rpc.c) are
	 * checked on every call of every integration test. */
	if (strstr(log, "RPC_WRITE row answered OK without the writer") != NULL ||
	    strstr(log, "a write from a row without RPC_WRITE") != NULL) {
		fprintf(stderr,
			"harness: the server log %s shows a call against its RPC_WRITE flag\n",
			s->log);
		problem = 1;
	}
	free(log);
	if (problem) {
		harness_problems++;
		harness_server_dump_log(s);
		for (size_t i = 0; i < ndirs; i++)
			if (strcmp(dirs[i].path, s->dir) == 0)
				dirs[i].log_shown = 1;
	}
}

long harness_server_log_offset(const struct harness_server *s)
{
	struct stat st;
	if (stat(s->log, &st) != 0)
		return 0;
	return (long)st.st_size;
}

char *harness_server_log_since(const struct harness_server *s, long offset)
{
	struct buf b = {0};
	buf_add(&b, "", 0);
	int fd = open(s->log, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return b.p;
	if (lseek(fd, offset, SEEK_SET) == offset) {
		char tmp[4096];
		ssize_t n;
		while ((n = read(fd, tmp, sizeof tmp)) > 0)
			buf_add(&b, tmp, (size_t)n);
	}
	close(fd);
	return b.p;
}

/* ---- clients --------------------------------------------------------- */

struct client_config harness_client_config(const char *addr, const char *ca_file)
{
	struct client_config cfg;
	memset(&cfg, 0, sizeof cfg);
	cfg.server = addr;
	cfg.ca_file = ca_file;
	cfg.connect_timeout_ms = 5000;
	cfg.io_timeout_ms = 10000;
	return cfg;
}

int harness_try_connect(const char *addr, struct client **out, char **cause)
{
	struct client_config cfg = harness_client_config(addr, HARNESS_CA);
	*out = NULL;
	return client_connect(&cfg, out, cause);
}

int harness_try_connect_hello(const char *addr, struct client **out, char **cause)
{
	if (harness_try_connect(addr, out, cause) != 0)
		return -1;
	if (client_hello(*out, "assure-int-test", cause) != 0) {
		client_free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int harness_try_connect_from(const char *addr, const char *source, struct client **out,
			     char **cause)
{
	struct client_config cfg = harness_client_config(addr, HARNESS_CA);
	cfg.source_addr = source;
	*out = NULL;
	return client_connect(&cfg, out, cause);
}

struct client *harness_connect(const struct harness_server *s)
{
	struct client *c = NULL;
	char *cause = NULL;
	if (harness_try_connect(s->addr, &c, &cause) != 0)
		fail_msg("client_connect %s: %s", s->addr, cause ? cause : "(no cause)");
	assert_non_null(c);
	return c;
}

struct client *harness_connect_hello(const struct harness_server *s)
{
	struct client *c = harness_connect(s);
	char *cause = NULL;
	if (client_hello(c, "assure-int-test", &cause) != 0) {
		client_free(c);
		fail_msg("client_hello %s: %s", s->addr, cause ? cause : "(no cause)");
	}
	return c;
}

static void req_reset(struct harness_req *r)
{
	memset(r, 0, sizeof *r);
	r->req = (Assure__Request)ASSURE__REQUEST__INIT;
}

void harness_req_hello(struct harness_req *r, uint32_t version)
{
	req_reset(r);
	r->hello = (Assure__HelloRequest)ASSURE__HELLO_REQUEST__INIT;
	r->hello.protocol_version = version;
	r->hello.client_name = (char *)"assure-int-test";
	r->req.op_case = ASSURE__REQUEST__OP_HELLO;
	r->req.hello = &r->hello;
}

void harness_req_status(struct harness_req *r)
{
	req_reset(r);
	r->status = (Assure__StatusRequest)ASSURE__STATUS_REQUEST__INIT;
	r->req.op_case = ASSURE__REQUEST__OP_STATUS;
	r->req.status = &r->status;
}

void harness_req_login(struct harness_req *r, const char *user, const char *password)
{
	req_reset(r);
	r->login = (Assure__LoginRequest)ASSURE__LOGIN_REQUEST__INIT;
	r->login.username = (char *)user;
	r->login.password = (char *)password;
	r->req.op_case = ASSURE__REQUEST__OP_LOGIN;
	r->req.login = &r->login;
}

void harness_req_resume(struct harness_req *r, const uint8_t *token, size_t len)
{
	req_reset(r);
	r->resume = (Assure__ResumeRequest)ASSURE__RESUME_REQUEST__INIT;
	r->resume.token.data = (uint8_t *)token;
	r->resume.token.len = len;
	r->req.op_case = ASSURE__REQUEST__OP_RESUME;
	r->req.resume = &r->resume;
}

void harness_req_whoami(struct harness_req *r)
{
	req_reset(r);
	r->whoami = (Assure__WhoamiRequest)ASSURE__WHOAMI_REQUEST__INIT;
	r->req.op_case = ASSURE__REQUEST__OP_WHOAMI;
	r->req.whoami = &r->whoami;
}

void harness_req_logout(struct harness_req *r)
{
	req_reset(r);
	r->logout = (Assure__LogoutRequest)ASSURE__LOGOUT_REQUEST__INIT;
	r->req.op_case = ASSURE__REQUEST__OP_LOGOUT;
	r->req.logout = &r->logout;
}

void harness_req_password_change(struct harness_req *r, const char *old_pw, const char *new_pw)
{
	req_reset(r);
	r->password_change = (Assure__PasswordChangeRequest)ASSURE__PASSWORD_CHANGE_REQUEST__INIT;
	r->password_change.old_password = (char *)old_pw;
	r->password_change.new_password = (char *)new_pw;
	r->req.op_case = ASSURE__REQUEST__OP_PASSWORD_CHANGE;
	r->req.password_change = &r->password_change;
}

/* The one way both request builders (harness_req, harness_ireq) are sent. */
static Assure__Response *call_request(struct client *c, Assure__Request *req)
{
	Assure__Response *resp = NULL;
	char *cause = NULL;
	req->id = 0;
	if (client_call(c, req, &resp, &cause) != 0)
		fail_msg("client_call (op %d) failed: %s", (int)req->op_case,
			 cause ? cause : "(no cause)");
	assert_non_null(resp);
	return resp;
}

static int try_request_code(struct client *c, Assure__Request *req, char **cause)
{
	Assure__Response *resp = NULL;
	req->id = 0;
	if (client_call(c, req, &resp, cause) != 0)
		return -1;
	int code = client_status_code(resp);
	assure__response__free_unpacked(resp, NULL);
	return code;
}

Assure__Response *harness_call(struct client *c, struct harness_req *r)
{
	return call_request(c, &r->req);
}

int harness_call_code(struct client *c, struct harness_req *r)
{
	Assure__Response *resp = harness_call(c, r);
	int code = client_status_code(resp);
	assure__response__free_unpacked(resp, NULL);
	return code;
}

int harness_try_call_code(struct client *c, struct harness_req *r, char **cause)
{
	return try_request_code(c, &r->req, cause);
}

int harness_status_code(struct client *c)
{
	struct harness_req r;
	harness_req_status(&r);
	return harness_call_code(c, &r);
}

int harness_whoami_code(struct client *c)
{
	struct harness_req r;
	harness_req_whoami(&r);
	return harness_call_code(c, &r);
}

int harness_resume_code(struct client *c, const uint8_t *token, size_t len)
{
	struct harness_req r;
	harness_req_resume(&r, token, len);
	return harness_call_code(c, &r);
}

Assure__Response *harness_login(struct client *c, const char *user, const char *password,
				uint8_t token[HARNESS_TOKEN_LEN])
{
	struct harness_req r;
	harness_req_login(&r, user, password);
	Assure__Response *resp = harness_call(c, &r);
	if (client_status_code(resp) != ASSURE__CODE__OK)
		fail_msg("login as %s: status %d: %s", user, client_status_code(resp),
			 client_status_message(resp));
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_LOGIN);
	assert_non_null(resp->login);
	assert_int_equal(resp->login->token.len, HARNESS_TOKEN_LEN);
	memcpy(token, resp->login->token.data, HARNESS_TOKEN_LEN);
	return resp;
}

int harness_try_login(struct client *c, const char *user, const char *password,
		      uint8_t token[HARNESS_TOKEN_LEN], char **cause)
{
	struct harness_req r;
	harness_req_login(&r, user, password);
	Assure__Response *resp = NULL;
	if (client_call(c, &r.req, &resp, cause) != 0)
		return -1;
	int code = client_status_code(resp);
	if (code == ASSURE__CODE__OK) {
		if (resp->result_case != ASSURE__RESPONSE__RESULT_LOGIN || resp->login == NULL ||
		    resp->login->token.len != HARNESS_TOKEN_LEN) {
			if (cause != NULL &&
			    asprintf(cause, "login OK without a 32-byte token") < 0)
				*cause = NULL;
			assure__response__free_unpacked(resp, NULL);
			return -1;
		}
		memcpy(token, resp->login->token.data, HARNESS_TOKEN_LEN);
	}
	assure__response__free_unpacked(resp, NULL);
	return code;
}

/* ---- identity: users, roles, sites, sessions; the test clock ---------- */

#include "status.h"

static void ireq_reset(struct harness_ireq *r)
{
	memset(r, 0, sizeof *r);
	r->req = (Assure__Request)ASSURE__REQUEST__INIT;
}

static char *istr(const char *s)
{
	return (char *)(s != NULL ? s : "");
}

static size_t strv_len(const char *const *v)
{
	size_t n = 0;
	while (v != NULL && v[n] != NULL)
		n++;
	return n;
}

#define IREQ_SET(r, field, CASE, INIT)                                                             \
	do {                                                                                       \
		ireq_reset(r);                                                                     \
		(r)->field = (INIT);                                                               \
		(r)->req.op_case = ASSURE__REQUEST__OP_##CASE;                                     \
		(r)->req.field = &(r)->field;                                                      \
	} while (0)

void harness_ireq_login(struct harness_ireq *r, const char *user, const char *password,
			const char *role)
{
	IREQ_SET(r, login, LOGIN, (Assure__LoginRequest)ASSURE__LOGIN_REQUEST__INIT);
	r->login.username = istr(user);
	r->login.password = istr(password);
	r->login.role = istr(role);
}

void harness_ireq_user_add(struct harness_ireq *r, const char *user, const char *display_name,
			   const char *site, const char *const *roles, const char *password)
{
	IREQ_SET(r, user_add, USER_ADD, (Assure__UserAddRequest)ASSURE__USER_ADD_REQUEST__INIT);
	r->user_add.username = istr(user);
	r->user_add.display_name = istr(display_name);
	r->user_add.site = istr(site);
	r->user_add.n_roles = strv_len(roles);
	r->user_add.roles = (char **)roles;
	r->user_add.password = istr(password);
}

void harness_ireq_user_list(struct harness_ireq *r, const char *site, const char *role,
			    Assure__UserStateFilter state, uint32_t page_size,
			    const char *page_token)
{
	IREQ_SET(r, user_list, USER_LIST, (Assure__UserListRequest)ASSURE__USER_LIST_REQUEST__INIT);
	r->user_list.site = istr(site);
	r->user_list.role = istr(role);
	r->user_list.state = state;
	r->user_list.page_size = page_size;
	r->user_list.page_token = istr(page_token);
}

void harness_ireq_user_show(struct harness_ireq *r, const char *user)
{
	IREQ_SET(r, user_show, USER_SHOW, (Assure__UserShowRequest)ASSURE__USER_SHOW_REQUEST__INIT);
	r->user_show.username = istr(user);
}

void harness_ireq_user_set(struct harness_ireq *r, const char *user, const char *display_name,
			   const char *site, const char *const *add_roles,
			   const char *const *remove_roles, uint64_t version)
{
	IREQ_SET(r, user_set, USER_SET, (Assure__UserSetRequest)ASSURE__USER_SET_REQUEST__INIT);
	r->user_set.username = istr(user);
	r->user_set.display_name = istr(display_name);
	r->user_set.site = istr(site);
	r->user_set.n_add_roles = strv_len(add_roles);
	r->user_set.add_roles = (char **)add_roles;
	r->user_set.n_remove_roles = strv_len(remove_roles);
	r->user_set.remove_roles = (char **)remove_roles;
	r->user_set.version = version;
}

void harness_ireq_user_disable(struct harness_ireq *r, const char *user, const char *reason)
{
	IREQ_SET(r, user_disable, USER_DISABLE,
		 (Assure__UserDisableRequest)ASSURE__USER_DISABLE_REQUEST__INIT);
	r->user_disable.username = istr(user);
	r->user_disable.reason = istr(reason);
}

void harness_ireq_user_enable(struct harness_ireq *r, const char *user)
{
	IREQ_SET(r, user_enable, USER_ENABLE,
		 (Assure__UserEnableRequest)ASSURE__USER_ENABLE_REQUEST__INIT);
	r->user_enable.username = istr(user);
}

void harness_ireq_user_reset_password(struct harness_ireq *r, const char *user)
{
	IREQ_SET(r, user_reset_password, USER_RESET_PASSWORD,
		 (Assure__UserResetPasswordRequest)ASSURE__USER_RESET_PASSWORD_REQUEST__INIT);
	r->user_reset_password.username = istr(user);
}

void harness_ireq_role_list(struct harness_ireq *r)
{
	IREQ_SET(r, role_list, ROLE_LIST, (Assure__RoleListRequest)ASSURE__ROLE_LIST_REQUEST__INIT);
}

void harness_ireq_role_show(struct harness_ireq *r, const char *name)
{
	IREQ_SET(r, role_show, ROLE_SHOW, (Assure__RoleShowRequest)ASSURE__ROLE_SHOW_REQUEST__INIT);
	r->role_show.name = istr(name);
}

void harness_ireq_role_add(struct harness_ireq *r, const char *name, const char *description,
			   const char *const *permissions)
{
	IREQ_SET(r, role_add, ROLE_ADD, (Assure__RoleAddRequest)ASSURE__ROLE_ADD_REQUEST__INIT);
	r->role_add.name = istr(name);
	r->role_add.description = istr(description);
	r->role_add.n_permissions = strv_len(permissions);
	r->role_add.permissions = (char **)permissions;
}

void harness_ireq_role_set(struct harness_ireq *r, const char *name, const char *description,
			   const char *const *add_permissions,
			   const char *const *remove_permissions)
{
	IREQ_SET(r, role_set, ROLE_SET, (Assure__RoleSetRequest)ASSURE__ROLE_SET_REQUEST__INIT);
	r->role_set.name = istr(name);
	r->role_set.description = istr(description);
	r->role_set.n_add_permissions = strv_len(add_permissions);
	r->role_set.add_permissions = (char **)add_permissions;
	r->role_set.n_remove_permissions = strv_len(remove_permissions);
	r->role_set.remove_permissions = (char **)remove_permissions;
}

void harness_ireq_role_remove(struct harness_ireq *r, const char *name)
{
	IREQ_SET(r, role_remove, ROLE_REMOVE,
		 (Assure__RoleRemoveRequest)ASSURE__ROLE_REMOVE_REQUEST__INIT);
	r->role_remove.name = istr(name);
}

void harness_ireq_permission_list(struct harness_ireq *r)
{
	IREQ_SET(r, permission_list, PERMISSION_LIST,
		 (Assure__PermissionListRequest)ASSURE__PERMISSION_LIST_REQUEST__INIT);
}

void harness_ireq_site_add(struct harness_ireq *r, const char *code, const char *name)
{
	IREQ_SET(r, site_add, SITE_ADD, (Assure__SiteAddRequest)ASSURE__SITE_ADD_REQUEST__INIT);
	r->site_add.code = istr(code);
	r->site_add.name = istr(name);
}

void harness_ireq_site_list(struct harness_ireq *r)
{
	IREQ_SET(r, site_list, SITE_LIST, (Assure__SiteListRequest)ASSURE__SITE_LIST_REQUEST__INIT);
}

void harness_ireq_session_list(struct harness_ireq *r, const char *user)
{
	IREQ_SET(r, session_list, SESSION_LIST,
		 (Assure__SessionListRequest)ASSURE__SESSION_LIST_REQUEST__INIT);
	r->session_list.username = istr(user);
}

void harness_ireq_session_revoke(struct harness_ireq *r, int64_t id, const char *user)
{
	IREQ_SET(r, session_revoke, SESSION_REVOKE,
		 (Assure__SessionRevokeRequest)ASSURE__SESSION_REVOKE_REQUEST__INIT);
	r->session_revoke.id = id;
	r->session_revoke.username = istr(user);
}

void harness_ireq_performer_add(struct harness_ireq *r, const char *profession, const char *reg,
				const char *name, const char *national_code)
{
	IREQ_SET(r, performer_add, PERFORMER_ADD,
		 (Assure__PerformerAddRequest)ASSURE__PERFORMER_ADD_REQUEST__INIT);
	r->performer_add.profession = istr(profession);
	r->performer_add.reg = istr(reg);
	r->performer_add.name = istr(name);
	r->performer_add.national_code = istr(national_code);
}

void harness_ireq_performer_list(struct harness_ireq *r, const char *profession, const char *status,
				 int suspended, const char *name, uint32_t page_size,
				 const char *page_token)
{
	IREQ_SET(r, performer_list, PERFORMER_LIST,
		 (Assure__PerformerListRequest)ASSURE__PERFORMER_LIST_REQUEST__INIT);
	r->performer_list.profession = istr(profession);
	r->performer_list.status = istr(status);
	r->performer_list.suspended = suspended != 0;
	r->performer_list.name = istr(name);
	r->performer_list.page_size = page_size;
	r->performer_list.page_token = istr(page_token);
}

void harness_ireq_performer_show(struct harness_ireq *r, const char *performer)
{
	IREQ_SET(r, performer_show, PERFORMER_SHOW,
		 (Assure__PerformerShowRequest)ASSURE__PERFORMER_SHOW_REQUEST__INIT);
	r->performer_show.performer = istr(performer);
}

void harness_ireq_performer_admit(struct harness_ireq *r, int64_t id, const char *decision,
				  const char *rationale, const char *conditions,
				  const char *const *panel, const char *date, uint64_t version)
{
	IREQ_SET(r, performer_admit, PERFORMER_ADMIT,
		 (Assure__PerformerAdmitRequest)ASSURE__PERFORMER_ADMIT_REQUEST__INIT);
	r->performer_admit.performer_id = id;
	r->performer_admit.decision = istr(decision);
	r->performer_admit.rationale = istr(rationale);
	r->performer_admit.conditions = istr(conditions);
	r->performer_admit.n_panel = strv_len(panel);
	r->performer_admit.panel = (char **)panel;
	r->performer_admit.date = istr(date);
	r->performer_admit.version = version;
}

void harness_ireq_concern_open(struct harness_ireq *r, int64_t performer_id, const char *source,
			       const char *category, const char *summary, const char *received,
			       const char *reporter, const char *linked_ref)
{
	IREQ_SET(r, concern_open, CONCERN_OPEN,
		 (Assure__ConcernOpenRequest)ASSURE__CONCERN_OPEN_REQUEST__INIT);
	r->concern_open.performer_id = performer_id;
	r->concern_open.source = istr(source);
	r->concern_open.category = istr(category);
	r->concern_open.summary = istr(summary);
	r->concern_open.received = istr(received);
	r->concern_open.reporter = istr(reporter);
	r->concern_open.linked_ref = istr(linked_ref);
}

void harness_ireq_concern_grade(struct harness_ireq *r, const char *ref, int consequence,
				int likelihood, const char *reason, uint64_t version)
{
	IREQ_SET(r, concern_grade, CONCERN_GRADE,
		 (Assure__ConcernGradeRequest)ASSURE__CONCERN_GRADE_REQUEST__INIT);
	r->concern_grade.ref = istr(ref);
	r->concern_grade.consequence = consequence;
	r->concern_grade.likelihood = likelihood;
	r->concern_grade.reason = istr(reason);
	r->concern_grade.version = version;
}

void harness_ireq_concern_assign(struct harness_ireq *r, const char *ref, const char *case_manager,
				 const char *investigator, uint64_t version)
{
	IREQ_SET(r, concern_assign, CONCERN_ASSIGN,
		 (Assure__ConcernAssignRequest)ASSURE__CONCERN_ASSIGN_REQUEST__INIT);
	r->concern_assign.ref = istr(ref);
	r->concern_assign.case_manager = istr(case_manager);
	r->concern_assign.investigator = istr(investigator);
	r->concern_assign.version = version;
}

Assure__ConcernMoveRequest *harness_ireq_concern_move(struct harness_ireq *r, const char *ref,
						      const char *to, const char *rationale,
						      const char *date, uint64_t version)
{
	IREQ_SET(r, concern_move, CONCERN_MOVE,
		 (Assure__ConcernMoveRequest)ASSURE__CONCERN_MOVE_REQUEST__INIT);
	r->concern_move.ref = istr(ref);
	r->concern_move.to = istr(to);
	r->concern_move.rationale = istr(rationale);
	r->concern_move.date = istr(date);
	r->concern_move.version = version;
	return &r->concern_move;
}

Assure__ConcernDecideRequest *harness_ireq_concern_decide(struct harness_ireq *r, const char *ref,
							  const char *outcome,
							  const char *rationale,
							  const char *const *panel,
							  const char *date, uint64_t version)
{
	IREQ_SET(r, concern_decide, CONCERN_DECIDE,
		 (Assure__ConcernDecideRequest)ASSURE__CONCERN_DECIDE_REQUEST__INIT);
	r->concern_decide.ref = istr(ref);
	r->concern_decide.outcome = istr(outcome);
	r->concern_decide.rationale = istr(rationale);
	r->concern_decide.n_panel = strv_len(panel);
	r->concern_decide.panel = (char **)panel;
	r->concern_decide.date = istr(date);
	r->concern_decide.version = version;
	return &r->concern_decide;
}

Assure__ConcernSuspendRequest *harness_ireq_concern_suspend(struct harness_ireq *r, const char *ref,
							    const char *basis, const char *reason,
							    const char *const *panel,
							    const char *hearing_offered,
							    const char *start, const char *until,
							    uint64_t version)
{
	IREQ_SET(r, concern_suspend, CONCERN_SUSPEND,
		 (Assure__ConcernSuspendRequest)ASSURE__CONCERN_SUSPEND_REQUEST__INIT);
	r->concern_suspend.ref = istr(ref);
	r->concern_suspend.basis = istr(basis);
	r->concern_suspend.reason = istr(reason);
	r->concern_suspend.n_panel = strv_len(panel);
	r->concern_suspend.panel = (char **)panel;
	r->concern_suspend.hearing_offered = istr(hearing_offered);
	r->concern_suspend.start = istr(start);
	r->concern_suspend.until = istr(until);
	r->concern_suspend.version = version;
	return &r->concern_suspend;
}

void harness_ireq_concern_reinstate(struct harness_ireq *r, const char *ref, const char *rationale,
				    const char *const *panel, const char *date, uint64_t version)
{
	IREQ_SET(r, concern_reinstate, CONCERN_REINSTATE,
		 (Assure__ConcernReinstateRequest)ASSURE__CONCERN_REINSTATE_REQUEST__INIT);
	r->concern_reinstate.ref = istr(ref);
	r->concern_reinstate.rationale = istr(rationale);
	r->concern_reinstate.n_panel = strv_len(panel);
	r->concern_reinstate.panel = (char **)panel;
	r->concern_reinstate.date = istr(date);
	r->concern_reinstate.version = version;
}

void harness_ireq_concern_refer(struct harness_ireq *r, const char *ref, const char *to,
				const char *rationale, const char *their_ref, const char *date)
{
	IREQ_SET(r, concern_refer, CONCERN_REFER,
		 (Assure__ConcernReferRequest)ASSURE__CONCERN_REFER_REQUEST__INIT);
	r->concern_refer.ref = istr(ref);
	r->concern_refer.to = istr(to);
	r->concern_refer.rationale = istr(rationale);
	r->concern_refer.their_ref = istr(their_ref);
	r->concern_refer.date = istr(date);
}

void harness_ireq_concern_note(struct harness_ireq *r, const char *ref, const char *text)
{
	IREQ_SET(r, concern_note, CONCERN_NOTE,
		 (Assure__ConcernNoteRequest)ASSURE__CONCERN_NOTE_REQUEST__INIT);
	r->concern_note.ref = istr(ref);
	r->concern_note.text = istr(text);
}

void harness_ireq_concern_evidence(struct harness_ireq *r, const char *ref, const char *title,
				   const char *location, const char *sha256)
{
	IREQ_SET(r, concern_evidence, CONCERN_EVIDENCE,
		 (Assure__ConcernEvidenceRequest)ASSURE__CONCERN_EVIDENCE_REQUEST__INIT);
	r->concern_evidence.ref = istr(ref);
	r->concern_evidence.title = istr(title);
	r->concern_evidence.location = istr(location);
	r->concern_evidence.sha256 = istr(sha256);
}

void harness_ireq_concern_action_add(struct harness_ireq *r, const char *ref, const char *text,
				     const char *owner, const char *due)
{
	IREQ_SET(r, concern_action_add, CONCERN_ACTION_ADD,
		 (Assure__ConcernActionAddRequest)ASSURE__CONCERN_ACTION_ADD_REQUEST__INIT);
	r->concern_action_add.ref = istr(ref);
	r->concern_action_add.text = istr(text);
	r->concern_action_add.owner = istr(owner);
	r->concern_action_add.due = istr(due);
}

void harness_ireq_concern_action_done(struct harness_ireq *r, const char *ref, uint32_t number,
				      const char *date)
{
	IREQ_SET(r, concern_action_done, CONCERN_ACTION_DONE,
		 (Assure__ConcernActionDoneRequest)ASSURE__CONCERN_ACTION_DONE_REQUEST__INIT);
	r->concern_action_done.ref = istr(ref);
	r->concern_action_done.number = number;
	r->concern_action_done.date = istr(date);
}

void harness_ireq_concern_show(struct harness_ireq *r, const char *ref)
{
	IREQ_SET(r, concern_show, CONCERN_SHOW,
		 (Assure__ConcernShowRequest)ASSURE__CONCERN_SHOW_REQUEST__INIT);
	r->concern_show.ref = istr(ref);
}

void harness_ireq_concern_list(struct harness_ireq *r, const char *state, int64_t performer_id,
			       const char *band, int mine, int overdue, uint32_t page_size,
			       const char *page_token)
{
	IREQ_SET(r, concern_list, CONCERN_LIST,
		 (Assure__ConcernListRequest)ASSURE__CONCERN_LIST_REQUEST__INIT);
	r->concern_list.state = istr(state);
	r->concern_list.performer_id = performer_id;
	r->concern_list.band = istr(band);
	r->concern_list.mine = mine != 0;
	r->concern_list.overdue = overdue != 0;
	r->concern_list.page_size = page_size;
	r->concern_list.page_token = istr(page_token);
}

void harness_ireq_concern_due(struct harness_ireq *r, const char *within, int mine)
{
	IREQ_SET(r, concern_due, CONCERN_DUE,
		 (Assure__ConcernDueRequest)ASSURE__CONCERN_DUE_REQUEST__INIT);
	r->concern_due.within = istr(within);
	r->concern_due.mine = mine != 0;
}

/* config */

/* contracts, indicator sets, requirements */

void harness_ireq_contract_add(struct harness_ireq *r, const char *ods, const char *name,
			       const char *type, uint32_t list_size, const char *site,
			       const char *start, const char *end)
{
	IREQ_SET(r, contract_add, CONTRACT_ADD,
		 (Assure__ContractAddRequest)ASSURE__CONTRACT_ADD_REQUEST__INIT);
	r->contract_add.ods = istr(ods);
	r->contract_add.name = istr(name);
	r->contract_add.type = istr(type);
	r->contract_add.list_size = list_size;
	r->contract_add.site = istr(site);
	r->contract_add.start = istr(start);
	r->contract_add.end = istr(end);
}

void harness_ireq_contract_list(struct harness_ireq *r, const char *type, const char *site,
				const char *name, uint32_t page_size, const char *page_token)
{
	IREQ_SET(r, contract_list, CONTRACT_LIST,
		 (Assure__ContractListRequest)ASSURE__CONTRACT_LIST_REQUEST__INIT);
	r->contract_list.type = istr(type);
	r->contract_list.site = istr(site);
	r->contract_list.name = istr(name);
	r->contract_list.page_size = page_size;
	r->contract_list.page_token = istr(page_token);
}

void harness_ireq_contract_show(struct harness_ireq *r, const char *ods)
{
	IREQ_SET(r, contract_show, CONTRACT_SHOW,
		 (Assure__ContractShowRequest)ASSURE__CONTRACT_SHOW_REQUEST__INIT);
	r->contract_show.ods = istr(ods);
}

Assure__ContractSetRequest *harness_ireq_contract_set(struct harness_ireq *r, const char *ods,
						      const char *reason, uint64_t version)
{
	IREQ_SET(r, contract_set, CONTRACT_SET,
		 (Assure__ContractSetRequest)ASSURE__CONTRACT_SET_REQUEST__INIT);
	r->contract_set.ods = istr(ods);
	r->contract_set.name = istr(NULL);
	r->contract_set.type = istr(NULL);
	r->contract_set.site = istr(NULL);
	r->contract_set.start = istr(NULL);
	r->contract_set.end = istr(NULL);
	r->contract_set.reason = istr(reason);
	r->contract_set.version = version;
	return &r->contract_set;
}

Assure__ContractNoticeAddRequest *
harness_ireq_contract_notice_add(struct harness_ireq *r, const char *ods, const char *kind,
				 const char *text, const char *steps, uint64_t version)
{
	IREQ_SET(r, contract_notice_add, CONTRACT_NOTICE_ADD,
		 (Assure__ContractNoticeAddRequest)ASSURE__CONTRACT_NOTICE_ADD_REQUEST__INIT);
	r->contract_notice_add.ods = istr(ods);
	r->contract_notice_add.kind = istr(kind);
	r->contract_notice_add.text = istr(text);
	r->contract_notice_add.steps = istr(steps);
	r->contract_notice_add.date = istr(NULL);
	r->contract_notice_add.reason = istr(NULL);
	r->contract_notice_add.review_ref = istr(NULL);
	r->contract_notice_add.version = version;
	return &r->contract_notice_add;
}

void harness_ireq_contract_notice_outcome(struct harness_ireq *r, const char *ods, uint32_t number,
					  const char *outcome, const char *date,
					  const char *rationale, uint64_t version)
{
	IREQ_SET(
	    r, contract_notice_outcome, CONTRACT_NOTICE_OUTCOME,
	    (Assure__ContractNoticeOutcomeRequest)ASSURE__CONTRACT_NOTICE_OUTCOME_REQUEST__INIT);
	r->contract_notice_outcome.ods = istr(ods);
	r->contract_notice_outcome.number = number;
	r->contract_notice_outcome.outcome = istr(outcome);
	r->contract_notice_outcome.date = istr(date);
	r->contract_notice_outcome.rationale = istr(rationale);
	r->contract_notice_outcome.version = version;
}

void harness_ireq_indicators_create(struct harness_ireq *r, const char *name, const char *year,
				    const char *from_set)
{
	IREQ_SET(r, indicators_create, INDICATORS_CREATE,
		 (Assure__IndicatorsCreateRequest)ASSURE__INDICATORS_CREATE_REQUEST__INIT);
	r->indicators_create.name = istr(name);
	r->indicators_create.year = istr(year);
	r->indicators_create.from_set = istr(from_set);
}

Assure__Indicator *harness_ireq_indicators_add(struct harness_ireq *r, const char *set,
					       const char *code, const char *direction,
					       const char *green, const char *amber, int replace,
					       uint64_t version)
{
	IREQ_SET(r, indicators_add, INDICATORS_ADD,
		 (Assure__IndicatorsAddRequest)ASSURE__INDICATORS_ADD_REQUEST__INIT);
	r->indicator = (Assure__Indicator)ASSURE__INDICATOR__INIT;
	r->indicator.code = istr(code);
	r->indicator.name = (char *)"Indicator";
	r->indicator.domain = (char *)"qof";
	r->indicator.unit = (char *)"%";
	r->indicator.direction = istr(direction);
	r->indicator.green = istr(green);
	r->indicator.amber = istr(amber);
	r->indicator.weight = istr(NULL);
	r->indicators_add.set = istr(set);
	r->indicators_add.indicator = &r->indicator;
	r->indicators_add.replace = replace != 0;
	r->indicators_add.version = version;
	return &r->indicator;
}

void harness_ireq_indicators_remove(struct harness_ireq *r, const char *set, const char *code,
				    uint64_t version)
{
	IREQ_SET(r, indicators_remove, INDICATORS_REMOVE,
		 (Assure__IndicatorsRemoveRequest)ASSURE__INDICATORS_REMOVE_REQUEST__INIT);
	r->indicators_remove.set = istr(set);
	r->indicators_remove.code = istr(code);
	r->indicators_remove.version = version;
}

void harness_ireq_indicators_rule(struct harness_ireq *r, const char *set, const char *green_mean,
				  const char *red_mean, uint64_t version)
{
	IREQ_SET(r, indicators_rule, INDICATORS_RULE,
		 (Assure__IndicatorsRuleRequest)ASSURE__INDICATORS_RULE_REQUEST__INIT);
	r->indicators_rule.set = istr(set);
	r->indicators_rule.green_mean = istr(green_mean);
	r->indicators_rule.red_mean = istr(red_mean);
	r->indicators_rule.version = version;
}

void harness_ireq_indicators_publish(struct harness_ireq *r, const char *set, const char *to,
				     uint64_t version)
{
	IREQ_SET(r, indicators_publish, INDICATORS_PUBLISH,
		 (Assure__IndicatorsPublishRequest)ASSURE__INDICATORS_PUBLISH_REQUEST__INIT);
	r->indicators_publish.set = istr(set);
	r->indicators_publish.to = istr(to);
	r->indicators_publish.version = version;
}

void harness_ireq_indicators_show(struct harness_ireq *r, const char *set)
{
	IREQ_SET(r, indicators_show, INDICATORS_SHOW,
		 (Assure__IndicatorsShowRequest)ASSURE__INDICATORS_SHOW_REQUEST__INIT);
	r->indicators_show.set = istr(set);
}

void harness_ireq_indicators_list(struct harness_ireq *r, const char *year)
{
	IREQ_SET(r, indicators_list, INDICATORS_LIST,
		 (Assure__IndicatorsListRequest)ASSURE__INDICATORS_LIST_REQUEST__INIT);
	r->indicators_list.year = istr(year);
}

void harness_ireq_requirements_list(struct harness_ireq *r, int include_retired)
{
	IREQ_SET(r, requirements_list, REQUIREMENTS_LIST,
		 (Assure__RequirementsListRequest)ASSURE__REQUIREMENTS_LIST_REQUEST__INIT);
	r->requirements_list.include_retired = include_retired != 0;
}

void harness_ireq_requirements_add(struct harness_ireq *r, const char *code, const char *title,
				   const char *description)
{
	IREQ_SET(r, requirements_add, REQUIREMENTS_ADD,
		 (Assure__RequirementsAddRequest)ASSURE__REQUIREMENTS_ADD_REQUEST__INIT);
	r->requirements_add.code = istr(code);
	r->requirements_add.title = istr(title);
	r->requirements_add.description = istr(description);
}

void harness_ireq_requirements_retire(struct harness_ireq *r, const char *code, const char *reason)
{
	IREQ_SET(r, requirements_retire, REQUIREMENTS_RETIRE,
		 (Assure__RequirementsRetireRequest)ASSURE__REQUIREMENTS_RETIRE_REQUEST__INIT);
	r->requirements_retire.code = istr(code);
	r->requirements_retire.reason = istr(reason);
}

/* reviews */

Assure__ReviewScheduleRequest *harness_ireq_review_schedule(struct harness_ireq *r, const char *ods,
							    const char *year, const char *kind,
							    const char *visit_type,
							    const char *date)
{
	IREQ_SET(r, review_schedule, REVIEW_SCHEDULE,
		 (Assure__ReviewScheduleRequest)ASSURE__REVIEW_SCHEDULE_REQUEST__INIT);
	r->review_schedule.ods = istr(ods);
	r->review_schedule.year = istr(year);
	r->review_schedule.kind = istr(kind);
	r->review_schedule.visit_type = istr(visit_type);
	r->review_schedule.date = istr(date);
	return &r->review_schedule;
}

Assure__ReviewVisitRequest *harness_ireq_review_visit(struct harness_ireq *r, const char *ref,
						      const char *date, uint64_t version)
{
	IREQ_SET(r, review_visit, REVIEW_VISIT,
		 (Assure__ReviewVisitRequest)ASSURE__REVIEW_VISIT_REQUEST__INIT);
	r->review_visit.ref = istr(ref);
	r->review_visit.date = istr(date);
	r->review_visit.version = version;
	r->review_visit.amend_reason = istr(NULL);
	return &r->review_visit;
}

Assure__ReviewQofRequest *harness_ireq_review_qof(struct harness_ireq *r, const char *ref,
						  const char *clinical, const char *organisational,
						  const char *patient_experience,
						  const char *additional,
						  const char *exception_rate, uint64_t version)
{
	IREQ_SET(r, review_qof, REVIEW_QOF,
		 (Assure__ReviewQofRequest)ASSURE__REVIEW_QOF_REQUEST__INIT);
	r->review_qof.ref = istr(ref);
	r->review_qof.clinical = istr(clinical);
	r->review_qof.organisational = istr(organisational);
	r->review_qof.patient_experience = istr(patient_experience);
	r->review_qof.additional = istr(additional);
	r->review_qof.exception_rate = istr(exception_rate);
	r->review_qof.version = version;
	r->review_qof.amend_reason = istr(NULL);
	return &r->review_qof;
}

Assure__ReviewCheckRequest *harness_ireq_review_check(struct harness_ireq *r, const char *ref,
						      const char *item, const char *result,
						      const char *evidence, uint64_t version)
{
	IREQ_SET(r, review_check, REVIEW_CHECK,
		 (Assure__ReviewCheckRequest)ASSURE__REVIEW_CHECK_REQUEST__INIT);
	r->review_check.ref = istr(ref);
	r->review_check.item = istr(item);
	r->review_check.result = istr(result);
	r->review_check.evidence = istr(evidence);
	r->review_check.version = version;
	r->review_check.amend_reason = istr(NULL);
	return &r->review_check;
}

Assure__ReviewSfbhRequest *harness_ireq_review_sfbh(struct harness_ireq *r, const char *ref,
						    const char *domain, const char *result,
						    const char *evidence, uint64_t version)
{
	IREQ_SET(r, review_sfbh, REVIEW_SFBH,
		 (Assure__ReviewSfbhRequest)ASSURE__REVIEW_SFBH_REQUEST__INIT);
	r->review_sfbh.ref = istr(ref);
	r->review_sfbh.domain = istr(domain);
	r->review_sfbh.result = istr(result);
	r->review_sfbh.evidence = istr(evidence);
	r->review_sfbh.version = version;
	r->review_sfbh.amend_reason = istr(NULL);
	return &r->review_sfbh;
}

Assure__ReviewScoreRequest *harness_ireq_review_score(struct harness_ireq *r, const char *ref,
						      const char *indicator, const char *value,
						      const char *not_available, uint64_t version)
{
	IREQ_SET(r, review_score, REVIEW_SCORE,
		 (Assure__ReviewScoreRequest)ASSURE__REVIEW_SCORE_REQUEST__INIT);
	r->review_score.ref = istr(ref);
	r->review_score.indicator = istr(indicator);
	r->review_score.value = istr(value);
	r->review_score.not_available = istr(not_available);
	r->review_score.version = version;
	r->review_score.amend_reason = istr(NULL);
	return &r->review_score;
}

Assure__ReviewNarrativeRequest *
harness_ireq_review_narrative(struct harness_ireq *r, const char *ref, const char *achievements,
			      const char *developments, const char *challenges, uint64_t version)
{
	IREQ_SET(r, review_narrative, REVIEW_NARRATIVE,
		 (Assure__ReviewNarrativeRequest)ASSURE__REVIEW_NARRATIVE_REQUEST__INIT);
	r->review_narrative.ref = istr(ref);
	r->review_narrative.achievements = istr(achievements);
	r->review_narrative.developments = istr(developments);
	r->review_narrative.challenges = istr(challenges);
	r->review_narrative.version = version;
	r->review_narrative.amend_reason = istr(NULL);
	return &r->review_narrative;
}

Assure__ReviewActionAddRequest *harness_ireq_review_action_add(struct harness_ireq *r,
							       const char *ref, const char *text,
							       const char *owner, const char *due,
							       const char *for_item,
							       uint64_t version)
{
	IREQ_SET(r, review_action_add, REVIEW_ACTION_ADD,
		 (Assure__ReviewActionAddRequest)ASSURE__REVIEW_ACTION_ADD_REQUEST__INIT);
	r->review_action_add.ref = istr(ref);
	r->review_action_add.text = istr(text);
	r->review_action_add.owner = istr(owner);
	r->review_action_add.due = istr(due);
	r->review_action_add.for_item = istr(for_item);
	r->review_action_add.version = version;
	r->review_action_add.amend_reason = istr(NULL);
	return &r->review_action_add;
}

Assure__ReviewActionDoneRequest *harness_ireq_review_action_done(struct harness_ireq *r,
								 const char *ref, uint32_t number,
								 const char *date, uint64_t version)
{
	IREQ_SET(r, review_action_done, REVIEW_ACTION_DONE,
		 (Assure__ReviewActionDoneRequest)ASSURE__REVIEW_ACTION_DONE_REQUEST__INIT);
	r->review_action_done.ref = istr(ref);
	r->review_action_done.number = number;
	r->review_action_done.date = istr(date);
	r->review_action_done.version = version;
	r->review_action_done.amend_reason = istr(NULL);
	return &r->review_action_done;
}

Assure__ReviewOverrideRequest *harness_ireq_review_override(struct harness_ireq *r, const char *ref,
							    const char *rag, const char *reason,
							    uint64_t version)
{
	IREQ_SET(r, review_override, REVIEW_OVERRIDE,
		 (Assure__ReviewOverrideRequest)ASSURE__REVIEW_OVERRIDE_REQUEST__INIT);
	r->review_override.ref = istr(ref);
	r->review_override.rag = istr(rag);
	r->review_override.reason = istr(reason);
	r->review_override.version = version;
	r->review_override.amend_reason = istr(NULL);
	return &r->review_override;
}

void harness_ireq_review_finalise(struct harness_ireq *r, const char *ref, uint64_t version)
{
	IREQ_SET(r, review_finalise, REVIEW_FINALISE,
		 (Assure__ReviewFinaliseRequest)ASSURE__REVIEW_FINALISE_REQUEST__INIT);
	r->review_finalise.ref = istr(ref);
	r->review_finalise.version = version;
}

void harness_ireq_review_show(struct harness_ireq *r, const char *ref)
{
	IREQ_SET(r, review_show, REVIEW_SHOW,
		 (Assure__ReviewShowRequest)ASSURE__REVIEW_SHOW_REQUEST__INIT);
	r->review_show.ref = istr(ref);
}

Assure__ReviewListRequest *harness_ireq_review_list(struct harness_ireq *r, const char *year,
						    const char *rag, const char *state,
						    const char *ods, const char *site,
						    int overdue_actions, uint32_t page_size,
						    const char *page_token)
{
	IREQ_SET(r, review_list, REVIEW_LIST,
		 (Assure__ReviewListRequest)ASSURE__REVIEW_LIST_REQUEST__INIT);
	r->review_list.year = istr(year);
	r->review_list.rag = istr(rag);
	r->review_list.state = istr(state);
	r->review_list.ods = istr(ods);
	r->review_list.site = istr(site);
	r->review_list.overdue_actions = overdue_actions != 0;
	r->review_list.page_size = page_size;
	r->review_list.page_token = istr(page_token);
	return &r->review_list;
}

void harness_ireq_review_due(struct harness_ireq *r, const char *within, uint32_t page_size,
			     const char *page_token)
{
	IREQ_SET(r, review_due, REVIEW_DUE,
		 (Assure__ReviewDueRequest)ASSURE__REVIEW_DUE_REQUEST__INIT);
	r->review_due.within = istr(within);
	r->review_due.page_size = page_size;
	r->review_due.page_token = istr(page_token);
}

/* scorecard */

void harness_ireq_scorecard(struct harness_ireq *r, const char *year, const char *site,
			    const char *type, uint32_t page_size, const char *page_token)
{
	IREQ_SET(r, scorecard, SCORECARD,
		 (Assure__ScorecardRequest)ASSURE__SCORECARD_REQUEST__INIT);
	r->scorecard.year = istr(year);
	r->scorecard.site = istr(site);
	r->scorecard.type = istr(type);
	r->scorecard.page_size = page_size;
	r->scorecard.page_token = istr(page_token);
}

void harness_ireq_audit_query_object(struct harness_ireq *r, const char *object_type,
				     const char *object_id, const char *username, const char *event)
{
	IREQ_SET(r, audit_query, AUDIT_QUERY,
		 (Assure__AuditQueryRequest)ASSURE__AUDIT_QUERY_REQUEST__INIT);
	r->audit_query.object_type = istr(object_type);
	r->audit_query.object_id = istr(object_id);
	r->audit_query.username = istr(username);
	r->audit_query.event = istr(event);
	r->audit_query.outcome = -1;
	r->audit_query.page_size = 5000;
	r->audit_query.page_token = istr(NULL);
}

void harness_ireq_whoami(struct harness_ireq *r)
{
	IREQ_SET(r, whoami, WHOAMI, (Assure__WhoamiRequest)ASSURE__WHOAMI_REQUEST__INIT);
}

void harness_ireq_logout(struct harness_ireq *r)
{
	IREQ_SET(r, logout, LOGOUT, (Assure__LogoutRequest)ASSURE__LOGOUT_REQUEST__INIT);
}

void harness_ireq_password_change(struct harness_ireq *r, const char *old_pw, const char *new_pw)
{
	IREQ_SET(r, password_change, PASSWORD_CHANGE,
		 (Assure__PasswordChangeRequest)ASSURE__PASSWORD_CHANGE_REQUEST__INIT);
	r->password_change.old_password = istr(old_pw);
	r->password_change.new_password = istr(new_pw);
}

const char *harness_code_name(int code)
{
	return status_code_name(code);
}

Assure__Response *harness_icall(struct client *c, struct harness_ireq *r)
{
	return call_request(c, &r->req);
}

int harness_icall_code(struct client *c, struct harness_ireq *r)
{
	Assure__Response *resp = harness_icall(c, r);
	int code = client_status_code(resp);
	assure__response__free_unpacked(resp, NULL);
	return code;
}

int harness_try_icall_code(struct client *c, struct harness_ireq *r, char **cause)
{
	return try_request_code(c, &r->req, cause);
}

Assure__Response *harness_iexpect(struct client *c, struct harness_ireq *r, int code,
				  const char *what)
{
	Assure__Response *resp = harness_icall(c, r);
	int got = client_status_code(resp);
	if (got != code) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", client_status_message(resp));
		assure__response__free_unpacked(resp, NULL);
		fail_msg("%s: expected %s, got %s: \"%s\"", what, harness_code_name(code),
			 harness_code_name(got), msg);
	}
	return resp;
}

void harness_iexpect_code(struct client *c, struct harness_ireq *r, int code, const char *what)
{
	assure__response__free_unpacked(harness_iexpect(c, r, code, what), NULL);
}

void harness_iexpect_msg(struct client *c, struct harness_ireq *r, int code, const char *text,
			 const char *what)
{
	Assure__Response *resp = harness_iexpect(c, r, code, what);
	if (!harness_contains_ci(client_status_message(resp), text)) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", client_status_message(resp));
		assure__response__free_unpacked(resp, NULL);
		fail_msg("%s: %s as expected, but the message \"%s\" does not mention \"%s\"", what,
			 harness_code_name(code), msg, text);
	}
	assure__response__free_unpacked(resp, NULL);
}

int harness_login_role_code(struct client *c, const char *user, const char *password,
			    const char *role, uint8_t token[HARNESS_TOKEN_LEN])
{
	struct harness_ireq r;
	harness_ireq_login(&r, user, password, role);
	Assure__Response *resp = NULL;
	char *cause = NULL;
	r.req.id = 0;
	if (client_call(c, &r.req, &resp, &cause) != 0) {
		free(cause);
		return -1;
	}
	int code = client_status_code(resp);
	if (code == ASSURE__CODE__OK && token != NULL &&
	    resp->result_case == ASSURE__RESPONSE__RESULT_LOGIN && resp->login != NULL &&
	    resp->login->token.len == HARNESS_TOKEN_LEN)
		memcpy(token, resp->login->token.data, HARNESS_TOKEN_LEN);
	assure__response__free_unpacked(resp, NULL);
	return code;
}

struct client *harness_connect_login(const struct harness_server *s, const char *user,
				     const char *password, const char *role,
				     uint8_t token[HARNESS_TOKEN_LEN])
{
	struct client *c = harness_connect_hello(s);
	struct harness_ireq r;
	harness_ireq_login(&r, user, password, role);
	Assure__Response *resp = harness_icall(c, &r);
	if (client_status_code(resp) != ASSURE__CODE__OK) {
		char msg[1024];
		snprintf(msg, sizeof msg, "%s", client_status_message(resp));
		int code = client_status_code(resp);
		assure__response__free_unpacked(resp, NULL);
		client_free(c);
		fail_msg("login as %s (role '%s'): %s: \"%s\"", user, role ? role : "",
			 harness_code_name(code), msg);
	}
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_LOGIN);
	assert_non_null(resp->login);
	assert_int_equal(resp->login->token.len, HARNESS_TOKEN_LEN);
	if (token != NULL)
		memcpy(token, resp->login->token.data, HARNESS_TOKEN_LEN);
	assure__response__free_unpacked(resp, NULL);
	return c;
}

struct client *harness_connect_admin(const struct harness_server *s)
{
	return harness_connect_login(s, HARNESS_ADMIN, s->password, NULL, NULL);
}

void harness_add_user(struct client *admin, const char *user, const char *roles_csv,
		      const char *site, const char *password, char *otp)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", roles_csv != NULL ? roles_csv : "");
	const char *roles[16];
	size_t n = 0;
	for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok != NULL && n < 15;
	     tok = strtok_r(NULL, ",", &save))
		roles[n++] = tok;
	roles[n] = NULL;
	struct harness_ireq r;
	harness_ireq_user_add(&r, user, user, site, roles, password);
	char what[600];
	snprintf(what, sizeof what, "UserAdd %s (roles %s)", user, roles_csv ? roles_csv : "");
	Assure__Response *resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, what);
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_USER_ADD);
	assert_non_null(resp->user_add);
	if (password == NULL || *password == '\0') {
		const char *p = resp->user_add->one_time_password;
		if (p == NULL || *p == '\0') {
			assure__response__free_unpacked(resp, NULL);
			fail_msg("%s without a password: no one_time_password returned", what);
		}
		if (otp != NULL)
			snprintf(otp, HARNESS_OTP_MAX, "%s", p);
	} else if (otp != NULL) {
		snprintf(otp, HARNESS_OTP_MAX, "%s", password);
	}
	assure__response__free_unpacked(resp, NULL);
}

int64_t harness_current_session_id(struct client *c)
{
	struct harness_ireq r;
	harness_ireq_session_list(&r, NULL);
	Assure__Response *resp = harness_iexpect(c, &r, ASSURE__CODE__OK, "SessionList (own)");
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_SESSION_LIST);
	int64_t id = 0;
	for (size_t i = 0; resp->session_list != NULL && i < resp->session_list->n_sessions; i++)
		if (resp->session_list->sessions[i]->current)
			id = resp->session_list->sessions[i]->id;
	assure__response__free_unpacked(resp, NULL);
	if (id == 0)
		fail_msg("SessionList marks none of the sessions as current");
	return id;
}

int harness_try_connect_cert(const char *addr, const char *cert_name, const char *key_name,
			     struct client **out, char **cause)
{
	char cert[600], key[600];
	struct client_config cfg = harness_client_config(addr, HARNESS_CA);
	if (cert_name != NULL) {
		snprintf(cert, sizeof cert, "%s/%s", TEST_CERTS_DIR, cert_name);
		snprintf(key, sizeof key, "%s/%s", TEST_CERTS_DIR, key_name);
		cfg.cert_file = cert;
		cfg.key_file = key;
	}
	*out = NULL;
	return client_connect(&cfg, out, cause);
}

static void clock_write(struct harness_clock *clk)
{
	char tmp[700], text[64];
	snprintf(tmp, sizeof tmp, "%s.tmp", clk->path);
	int len = snprintf(text, sizeof text, "%lld\n", (long long)clk->now_ms);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		fail_msg("harness: cannot write %s: %s", tmp, strerror(errno));
	write_all_fd(fd, text, (size_t)len);
	assert_int_equal(close(fd), 0);
	if (rename(tmp, clk->path) != 0)
		fail_msg("harness: rename %s: %s", tmp, strerror(errno));
}

void harness_clock_set(struct harness_clock *clk, int64_t unix_ms)
{
	clk->now_ms = unix_ms;
	clock_write(clk);
}

void harness_clock_advance(struct harness_clock *clk, int64_t delta_ms)
{
	harness_clock_set(clk, clk->now_ms + delta_ms);
}

void harness_server_start_clock(struct harness_server *s, struct harness_clock *clk,
				const struct harness_server_opts *opts)
{
	memset(clk, 0, sizeof *clk);
	char *dir = harness_tempdir("clock");
	snprintf(clk->path, sizeof clk->path, "%s/now", dir);
	free(dir);
	harness_clock_set(clk, (int64_t)time(NULL) * 1000);
	size_t n = 0;
	clk->args[n++] = "--clock-file";
	clk->args[n++] = clk->path;
	for (size_t i = 0; opts != NULL && opts->extra_args != NULL && opts->extra_args[i] != NULL;
	     i++) {
		if (n == HARNESS_MAX_ARGS)
			fail_msg("harness: more than %d server arguments", HARNESS_MAX_ARGS);
		clk->args[n++] = opts->extra_args[i];
	}
	clk->args[n] = NULL;
	struct harness_server_opts o;
	memset(&o, 0, sizeof o);
	if (opts != NULL)
		o = *opts;
	o.extra_args = clk->args;
	harness_server_start(s, &o);
}

/* ---- background processes -------------------------------------------- */

pid_t harness_spawn(const char *const *argv, const char *const *env_set, const char *log_path)
{
	ignore_sigpipe();
	int logfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (logfd < 0)
		fail_msg("harness: cannot open %s: %s", log_path, strerror(errno));
	char **env = build_env(env_set);
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		free(env);
		close(logfd);
		fail_msg("harness: fork: %s", strerror(e));
	}
	if (pid == 0) {
		child_reset_signals();
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		int devnull = open("/dev/null", O_RDONLY);
		dup2(devnull, STDIN_FILENO);
		dup2(logfd, STDOUT_FILENO);
		dup2(logfd, STDERR_FILENO);
		close_inherited_fds();
		execve(argv[0], (char *const *)argv, env);
		write_str_fd(STDERR_FILENO, "harness: exec failed\n");
		_exit(127);
	}
	free(env);
	close(logfd);
	return pid;
}

int harness_wait_pid(pid_t pid, int timeout_ms)
{
	int64_t deadline = harness_now_ms() + timeout_ms;
	for (;;) {
		int st = 0;
		pid_t w = waitpid(pid, &st, WNOHANG);
		if (w == pid)
			return decode_wait_status(st);
		if (w < 0 && errno != EINTR)
			return -1;
		if (harness_now_ms() >= deadline)
			return -1;
		harness_sleep_ms(5);
	}
}

int harness_stop_pid(pid_t pid, int sig, int timeout_ms)
{
	if (pid <= 0)
		return -1;
	kill(pid, sig);
	int rc = harness_wait_pid(pid, timeout_ms > 0 ? timeout_ms : HARNESS_STOP_TIMEOUT_MS);
	if (rc == -1) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	return rc;
}

/* ---- a good client beside an attack ------------------------------------ */

#define PROBE_MAX_SAMPLES 200000

struct harness_probe {
	pthread_t thread;
	char addr[128];
	char user[64];
	char password[256];
	int interval_ms;
	volatile int stop; /* set by the main thread, read by the probe */
	pthread_mutex_t lock;
	pthread_cond_t ready_cond;
	int ready;
	unsigned failures;
	char first_error[256];
	int64_t *samples;
	size_t nsamples;
};

static void probe_fail(struct harness_probe *p, const char *what, const char *cause)
{
	if (p->failures++ == 0)
		snprintf(p->first_error, sizeof p->first_error, "%s: %s", what,
			 cause ? cause : "(no cause)");
}

/* Connects, says Hello and logs in; NULL (failure counted) when it cannot. */
static struct client *probe_connect(struct harness_probe *p)
{
	struct client *c = NULL;
	char *cause = NULL;
	if (harness_try_connect_hello(p->addr, &c, &cause) != 0) {
		probe_fail(p, "connect", cause);
		free(cause);
		return NULL;
	}
	if (p->user[0] != '\0') {
		uint8_t token[HARNESS_TOKEN_LEN];
		int code = harness_try_login(c, p->user, p->password, token, &cause);
		if (code != ASSURE__CODE__OK) {
			char why[64];
			snprintf(why, sizeof why, "status %d", code);
			probe_fail(p, "login", code < 0 ? cause : why);
			free(cause);
			client_free(c);
			return NULL;
		}
	}
	return c;
}

static void probe_signal_ready(struct harness_probe *p)
{
	pthread_mutex_lock(&p->lock);
	p->ready = 1;
	pthread_cond_signal(&p->ready_cond);
	pthread_mutex_unlock(&p->lock);
}

static void *probe_main(void *arg)
{
	struct harness_probe *p = arg;
	struct client *c = probe_connect(p);
	probe_signal_ready(p);
	while (!p->stop) {
		if (c == NULL) {
			harness_sleep_ms(p->interval_ms);
			c = probe_connect(p);
			continue;
		}
		struct harness_req r;
		harness_req_status(&r);
		char *cause = NULL;
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		int code = harness_try_call_code(c, &r, &cause);
		clock_gettime(CLOCK_MONOTONIC, &b);
		int64_t us =
		    (int64_t)(b.tv_sec - a.tv_sec) * 1000000 + (b.tv_nsec - a.tv_nsec) / 1000;
		if (code != ASSURE__CODE__OK) {
			char why[64];
			snprintf(why, sizeof why, "status %d", code);
			probe_fail(p, "Status", code < 0 ? cause : why);
			free(cause);
			client_free(c);
			c = NULL;
			continue;
		}
		pthread_mutex_lock(&p->lock);
		if (p->nsamples < PROBE_MAX_SAMPLES)
			p->samples[p->nsamples++] = us;
		pthread_mutex_unlock(&p->lock);
		harness_sleep_ms(p->interval_ms);
	}
	client_free(c);
	return NULL;
}

struct harness_probe *harness_probe_start(const char *addr, const char *user, const char *password,
					  int interval_ms)
{
	struct harness_probe *p = calloc(1, sizeof *p);
	if (p == NULL)
		abort();
	snprintf(p->addr, sizeof p->addr, "%s", addr);
	snprintf(p->user, sizeof p->user, "%s", user ? user : "");
	snprintf(p->password, sizeof p->password, "%s", password ? password : "");
	p->interval_ms = interval_ms > 0 ? interval_ms : 10;
	p->samples = calloc(PROBE_MAX_SAMPLES, sizeof *p->samples);
	if (p->samples == NULL)
		abort();
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->ready_cond, NULL);
	if (pthread_create(&p->thread, NULL, probe_main, p) != 0)
		abort();
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	pthread_mutex_lock(&p->lock);
	while (!p->ready)
		if (pthread_cond_timedwait(&p->ready_cond, &p->lock, &until) != 0)
			break;
	pthread_mutex_unlock(&p->lock);
	return p;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? -1 : x > y;
}

void harness_probe_stop(struct harness_probe *p, const char *what, struct harness_probe_result *out)
{
	p->stop = 1;
	pthread_join(p->thread, NULL);
	memset(out, 0, sizeof *out);
	out->calls = (unsigned)p->nsamples;
	out->failures = p->failures;
	snprintf(out->first_error, sizeof out->first_error, "%s", p->first_error);
	if (p->nsamples > 0) {
		qsort(p->samples, p->nsamples, sizeof *p->samples, cmp_i64);
		out->p50_us = p->samples[p->nsamples / 2];
		out->p99_us = p->samples[(p->nsamples * 99) / 100];
		out->max_us = p->samples[p->nsamples - 1];
	}
	fprintf(
	    stderr,
	    "probe [%s]: %u Status calls, %u failures, p50 %.2f ms, p99 %.2f ms, max %.2f ms%s%s\n",
	    what, out->calls, out->failures, (double)out->p50_us / 1000.0,
	    (double)out->p99_us / 1000.0, (double)out->max_us / 1000.0,
	    out->failures ? "; first failure: " : "", out->first_error);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->ready_cond);
	free(p->samples);
	free(p);
}

struct harness_probe *harness_probe_admin(const struct harness_server *s)
{
	return harness_probe_start(s->addr, HARNESS_ADMIN, s->password, 10);
}

void harness_probe_hold(struct harness_probe *p, const char *what, int limit_ms, int whole)
{
	struct harness_probe_result res;
	harness_probe_stop(p, what, &res);
	if (res.failures > 0)
		fail_msg("%s: the good client failed %u times: %s", what, res.failures,
			 res.first_error);
	assert_true(res.calls > 0);
	int64_t us = whole ? res.max_us : res.p99_us;
	if (us > (int64_t)limit_ms * 1000)
		fail_msg("%s: the good client's %s was %.1f ms (limit %d ms)", what,
			 whole ? "slowest answer" : "p99", (double)us / 1000.0, limit_ms);
}
