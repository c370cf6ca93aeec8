/*
 * The integration-test harness: starts a real assured on 127.0.0.1 with an
 * ephemeral port and a temporary database, connects clients through the real
 * client library, and runs the real assure CLI as a subprocess.
 *
 * Everything is bounded in time: server start-up waits at most 20 s, stop
 * at most 10 s before SIGKILL, subprocesses are killed on their timeout, and
 * harness_guard() arms an alarm that kills every server we started and ends
 * the test program, so no test can hang a CI job. Servers are stopped by the
 * pid we forked, never by name.
 *
 * Functions named harness_try_* never use cmocka assertions and are safe on
 * other threads; the rest assert (cmocka is not thread-safe: main thread
 * only).
 */
#ifndef ASSURE_TEST_HARNESS_H
#define ASSURE_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "client.h"

#ifndef ASSURED_BIN
#error "ASSURED_BIN must be defined by the build"
#endif
#ifndef ASSURE_BIN
#error "ASSURE_BIN must be defined by the build"
#endif
#ifndef TEST_CERTS_DIR
#error "TEST_CERTS_DIR must be defined by the build"
#endif

/* The password harness_server_init gives the first admin. */
#define HARNESS_ADMIN "admin"
#define HARNESS_PASSWORD "correct horse battery staple"
#define HARNESS_TOKEN_LEN 32

#define HARNESS_MAX_ARGS 16

struct harness_server_opts {
	/* Init without --password-stdin: the admin gets a one-time password
	 * (read from init's stdout into harness_server.password). */
	int one_time_password;
	/* Certificate and key file names inside TEST_CERTS_DIR; NULL for
	 * server.crt / server.key. */
	const char *cert_name;
	const char *key_name;
	/* Extra daemon arguments, NULL-terminated (at most HARNESS_MAX_ARGS). */
	const char *const *extra_args;
};

struct harness_server {
	char dir[512];      /* temporary directory holding db, log, ready file */
	char db[600];
	char log[600];
	char ready[600];
	char addr[128];     /* "127.0.0.1:PORT" from the ready file */
	int port;
	pid_t pid;          /* 0 when not running */
	char password[256]; /* the admin's current password */
	char cert[600], key[600];
	const char *extra[HARNESS_MAX_ARGS + 1];
	int last_exit;      /* from the last harness_server_stop */
};

/* Arms a SIGALRM after seconds that prints which test program timed out,
 * SIGKILLs every server still running (and shows its log), and exits 1.
 * Also installs an atexit handler that kills leftover servers. */
void harness_guard(unsigned seconds);

/* Makes a temporary directory (under $TMPDIR or /tmp) and runs assured init
 * in it. Asserts on failure. */
void harness_server_init(struct harness_server *s, const struct harness_server_opts *opts);
/* Forks assured on the database in s->dir and waits (20 s at most) for its
 * ready file; fills addr, port and pid. Can be called again after
 * harness_server_stop (a restart on the same database). Asserts. */
void harness_server_launch(struct harness_server *s);
/* init + launch. */
void harness_server_start(struct harness_server *s, const struct harness_server_opts *opts);
/* SIGTERM, wait at most timeout_ms (0: 10000), then SIGKILL. Returns the
 * exit code, 128 + signal if it died of a signal, or -1 when it had to be
 * killed. Never asserts. Stores it in s->last_exit. *elapsed_ms (optional)
 * is how long the exit took. */
int harness_server_stop_timed(struct harness_server *s, int timeout_ms, int64_t *elapsed_ms);
/* The same with another signal (SIGINT, say). */
int harness_server_signal_wait(struct harness_server *s, int sig, int timeout_ms,
			       int64_t *elapsed_ms);
int harness_server_stop(struct harness_server *s);
/* Stops the server if running. Prints the log at once, and counts a
 * problem that makes harness_finish fail the program, when the exit was not
 * clean or the log holds a sanitizer report. */
void harness_server_destroy(struct harness_server *s);
/* 1 if text holds an AddressSanitizer/LeakSanitizer/UBSan report. */
int harness_log_has_sanitizer_report(const char *text);
/* 1 if text holds a log line at level ERROR. */
int harness_log_has_error_line(const char *text);
/* Prints the server's log to stderr, framed. */
void harness_server_dump_log(const struct harness_server *s);
/* Size of the log now, so a test can look only at what follows. */
long harness_server_log_offset(const struct harness_server *s);
/* The log from offset on (caller frees). */
char *harness_server_log_since(const struct harness_server *s, long offset);

/* To be called last in main with the number of failed tests: shows the
 * logs of every server when something failed, removes the temporary
 * directories unless KEEP_TEST_DIRS is set, and returns 1 if any test
 * failed or harness_server_destroy saw a problem, else 0. */
int harness_finish(int failed);

/* A new temporary directory, removed by harness_finish. Caller frees. */
char *harness_tempdir(const char *tag);

/* --- clients --------------------------------------------------------- */

#define HARNESS_CA TEST_CERTS_DIR "/ca.crt"
#define HARNESS_OTHER_CA TEST_CERTS_DIR "/other-ca.crt"

/* A client_config for addr with CA file ca_file (kept by the caller) and
 * 5 s connect / 10 s I/O timeouts. */
struct client_config harness_client_config(const char *addr, const char *ca_file);
/* Connect (and for _hello, Hello). Thread-safe; 0 or -1 with *cause. */
int harness_try_connect(const char *addr, struct client **out, char **cause);
int harness_try_connect_hello(const char *addr, struct client **out, char **cause);
/* Asserting variants for the main thread. */
struct client *harness_connect(const struct harness_server *s);
struct client *harness_connect_hello(const struct harness_server *s);

/* Request builders: fill req (and the sub-message storage in *parts) for
 * one operation. Thread-safe. */
struct harness_req {
	Assure__Request req;
	Assure__HelloRequest hello;
	Assure__StatusRequest status;
	Assure__LoginRequest login;
	Assure__ResumeRequest resume;
	Assure__WhoamiRequest whoami;
	Assure__LogoutRequest logout;
	Assure__PasswordChangeRequest password_change;
};
void harness_req_hello(struct harness_req *r, uint32_t version);
void harness_req_status(struct harness_req *r);
void harness_req_login(struct harness_req *r, const char *user, const char *password);
void harness_req_resume(struct harness_req *r, const uint8_t *token, size_t len);
void harness_req_whoami(struct harness_req *r);
void harness_req_logout(struct harness_req *r);
void harness_req_password_change(struct harness_req *r, const char *old_pw, const char *new_pw);

/* client_call that asserts the transport worked; returns the response
 * (caller frees with assure__response__free_unpacked). */
Assure__Response *harness_call(struct client *c, struct harness_req *r);
/* Shorthands: the status code of one call (the response is freed). */
int harness_call_code(struct client *c, struct harness_req *r);
int harness_status_code(struct client *c);
int harness_whoami_code(struct client *c);
int harness_resume_code(struct client *c, const uint8_t *token, size_t len);
/* Login, asserting OK; copies the 32-byte token into token. Returns the
 * response (caller frees) so the test can look at the session. */
Assure__Response *harness_login(struct client *c, const char *user, const char *password,
				uint8_t token[HARNESS_TOKEN_LEN]);
/* Thread-safe login: the status code, or -1 on a transport error; token
 * filled on OK. */
int harness_try_login(struct client *c, const char *user, const char *password,
		      uint8_t token[HARNESS_TOKEN_LEN], char **cause);
/* Thread-safe call: the status code, or -1 on a transport error. */
int harness_try_call_code(struct client *c, struct harness_req *r, char **cause);

/* --- subprocesses ---------------------------------------------------- */

struct harness_run {
	int status;    /* exit code; 128 + signal; -1 on timeout or exec failure */
	int timed_out;
	char *out;     /* everything on stdout, NUL-terminated */
	char *err;     /* everything on stderr */
};

/* Runs argv[0] with argv, the environment plus env_set ("NAME=value",
 * NULL-terminated, replacing same-named variables; may be NULL), stdin_text
 * on stdin (NULL: /dev/null), killing it after timeout_ms. 0 if it ran,
 * -1 if fork failed. */
int harness_run_argv(const char *const *argv, const char *const *env_set, const char *stdin_text,
		     int timeout_ms, struct harness_run *r);
void harness_run_free(struct harness_run *r);

/* Runs the assure CLI against server addr (NULL: leave ASSURE_SERVER unset)
 * with ASSURE_CA = TEST_CERTS_DIR/ca.crt and ASSURE_CONFIG_DIR =
 * config_dir, the given arguments (NULL-terminated), 20 s at most. */
void harness_cli(const char *addr, const char *config_dir, const char *stdin_text,
		 struct harness_run *r, ...) __attribute__((sentinel));

/* --- small things ---------------------------------------------------- */

int64_t harness_now_ms(void);
void harness_sleep_ms(int ms);
/* A loopback port with nothing listening (bound, then closed). */
int harness_free_port(void);
/* 1 if s contains needle (case-insensitive). */
int harness_contains_ci(const char *s, const char *needle);

#endif
