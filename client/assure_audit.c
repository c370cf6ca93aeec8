/*
 * assure-audit: the audit-logging module. A long-running service account
 * (role auditor) that follows the server's audit stream and writes every
 * record to daily JSON Lines files and/or RFC 5424 syslog over TLS, for
 * SIEM and compliance tools, checking on the way that the trail is the
 * one the server signed.
 *
 * Single-threaded and blocking: one connection to assured (the client
 * library, a stream read with no timeout), one to the syslog collector.
 * The loop is: connect, Resume (or Login with the password file), pin or
 * compare the audit public key, AuditSubscribe from the cursor, and for
 * each batch
 *   1. parse every record, check it is the next sequence number, hash it
 *      into a copy of the Merkle frontier, and check each checkpoint the
 *      moment the frontier reaches its size (signature by the pinned key,
 *      root equal to ours);
 *   2. write the records that passed to every output and fsync;
 *   3. only then move the cursor (DIR/state: written to a temporary
 *      file, fsynced, renamed).
 * A record or checkpoint that fails stops the program (exit 11) with the
 * cursor before it. Anything else that goes wrong with the network is
 * retried with exponential back-off (1 s doubling to 30 s), resuming at
 * the cursor; a session that expired or was revoked is replaced by a new
 * login; a login that fails (account disabled, password changed) ends the
 * program (exit 3). Delivery is therefore at least once: after a crash,
 * records after the last saved cursor are written again, and consumers
 * de-duplicate by seq.
 *
 * Signals: SIGTERM/SIGINT while waiting (on the network or in back-off)
 * exit at once with status 0, since nothing is half-done then; during
 * steps 2-3 they set a flag and the program exits 0 when the cursor is
 * saved. The handler calls _exit itself because the client library
 * retries poll() on EINTR and would otherwise wait on for ever.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "assure.pb-c.h"
#include "audit_common.h"
#include "audit_syslog.h"
#include "client.h"
#include "config.h"
#include "log.h"
#include "merkle.h"
#include "status.h"
#include "timeutil.h"
#include "version.h"
#include "fileio.h"
#include "xmalloc.h"

#define AA_DEFAULT_SERVER "127.0.0.1:7443"
#define AA_DEFAULT_CA "certs/dev/ca.crt"
#define AA_PASSWORD_MAX 1024
#define AA_TOKEN_LEN 32
#define AA_BACKOFF_MIN_MS 1000
#define AA_BACKOFF_MAX_MS 30000
#define AA_ONESHOT_TRIES 5 /* without --follow, give up after this many failures in a row */
#define AA_PENDING_MAX 1024
#define AA_PAGE 5000

static const char usage[] =
    "usage: assure-audit --state-dir DIR --user NAME --password-file FILE\n"
    "                    [--jsonl DIR] [--syslog tls://HOST[:PORT] --syslog-ca FILE]\n"
    "                    [--follow] [--server HOST:PORT] [--ca FILE] [--cert FILE --key FILE]\n"
    "                    [--log-level debug|info|warn|error]\n"
    "       assure-audit --help | --version\n"
    "\n"
    "Follows the audit trail of an assure server as the service account NAME (role\n"
    "auditor) and writes every record to JSON Lines files and/or RFC 5424 syslog\n"
    "over TLS, verifying each record's leaf hash and every signed checkpoint.\n"
    "\n"
    "  --state-dir DIR      the cursor (DIR/state: origin, public key, last record\n"
    "                       written, Merkle frontier); made 0700 if missing\n"
    "  --user NAME          the service account to log in as\n"
    "  --password-file FILE its password, the first line; must not be readable by\n"
    "                       group or others\n"
    "  --jsonl DIR          write DIR/audit-YYYY-MM-DD.jsonl (UTC day of each record)\n"
    "  --syslog URL         send to tls://HOST[:PORT] (RFC 5425, default port 6514)\n"
    "  --syslog-ca FILE     CA certificate(s) the collector's certificate must chain to\n"
    "  --follow             keep following; without it, stop at the end of the trail\n"
    "  --server, --ca, --cert, --key  as for assure (ASSURE_SERVER, ASSURE_CA,\n"
    "                       ASSURE_CERT, ASSURE_KEY, $ASSURE_CONFIG_DIR/config)\n"
    "\n"
    "Exit status: 0 done, or stopped by SIGTERM/SIGINT; 1 local failure (files,\n"
    "state); 2 usage; 3 login refused; 4 permission denied (not an auditor);\n"
    "9 server unreachable (without --follow); 11 audit trail NOT intact.\n"
    "See docs/AUDIT.md.\n";

struct opts {
	const char *state_dir, *user, *password_file, *jsonl_dir, *syslog_url, *syslog_ca;
	int follow;
	char *server, *ca, *cert, *key;
};

/* One batch's record, parsed (its texts point into the response). */
struct batch_rec {
	struct audit_rec r;
};

struct aa {
	struct opts o;
	struct audit_state st;
	char password[AA_PASSWORD_MAX];
	uint8_t token[AA_TOKEN_LEN];
	int has_token;
	struct audit_syslog *syslog;
	char hostname[256];
	/* What each output has durably taken; the cursor is the least. */
	uint64_t jsonl_done, syslog_done;
	/* Checkpoints received whose size the frontier has not reached yet
	 * (owned copies); cleared with each new connection. */
	Assure__Checkpoint *pending[AA_PENDING_MAX];
	size_t npending;
	uint64_t latest_checkpoint; /* its size, as check_key last saw it */
	int exit_code;		    /* for RUN_FATAL */
};

enum run_result {
	RUN_DONE,      /* caught up (without --follow) */
	RUN_RETRY,     /* back off, then reconnect */
	RUN_RECONNECT, /* reconnect at once (new login, key now available) */
	RUN_STOP,      /* a signal asked us to stop; the cursor is saved */
	RUN_FATAL,     /* exit with aa->exit_code, the error logged */
};

/* --- signals ---------------------------------------------------------- */

static volatile sig_atomic_t aa_busy, aa_stop;

static void on_signal(int signo)
{
	(void)signo;
	if (!aa_busy) {
		static const char msg[] = "INFO assure-audit: stopping on signal; the cursor is "
					  "saved\n";
		ssize_t w = write(STDERR_FILENO, msg, sizeof msg - 1);
		(void)w;
		_exit(EXIT_CODE_OK);
	}
	aa_stop = 1;
}

static void install_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

static enum run_result fatal(struct aa *aa, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static enum run_result fatal(struct aa *aa, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	log_error("assure-audit: %s", msg);
	free(msg);
	aa->exit_code = code;
	return RUN_FATAL;
}

/* --- options ---------------------------------------------------------- */

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);
	return v != NULL && *v != '\0' ? v : NULL;
}

/* flag > ASSURE_* environment > $ASSURE_CONFIG_DIR/config > default, as
 * assure does (docs/CLI.md). 0 or -1 with the error printed. */
static int resolve_connection(struct opts *o, const char *flags[4])
{
	static const char *const keys[] = {"server", "ca", "cert", "key"};
	static const char *const envs[] = {"ASSURE_SERVER", "ASSURE_CA", "ASSURE_CERT",
					   "ASSURE_KEY"};
	char **outs[] = {&o->server, &o->ca, &o->cert, &o->key};
	char *dir = NULL;
	if (env_nonempty("ASSURE_CONFIG_DIR") != NULL)
		dir = xstrdup(env_nonempty("ASSURE_CONFIG_DIR"));
	else if (env_nonempty("HOME") != NULL)
		dir = xasprintf("%s/.config/assure", env_nonempty("HOME"));
	struct config *file = NULL;
	if (dir != NULL) {
		char *path = xasprintf("%s/config", dir);
		struct stat sb;
		if (stat(path, &sb) == 0) {
			char *cause = NULL;
			if (config_parse_file(path, &file, &cause) < 0) {
				fprintf(stderr, "assure-audit: %s\n", cause);
				free(cause);
				free(path);
				free(dir);
				return -1;
			}
		}
		free(path);
	}
	for (size_t k = 0; k < 4; k++) {
		const char *v = flags[k] != NULL ? flags[k] : env_nonempty(envs[k]);
		if (v != NULL) {
			*outs[k] = *v != '\0' ? xstrdup(v) : NULL;
			continue;
		}
		const struct config_entry *e = file != NULL ? config_find(file, keys[k]) : NULL;
		if (e != NULL && *e->value != '\0')
			*outs[k] = k == 0 || e->value[0] == '/' ? xstrdup(e->value)
								: xasprintf("%s/%s", dir, e->value);
	}
	config_free(file);
	free(dir);
	if (o->server == NULL)
		o->server = xstrdup(AA_DEFAULT_SERVER);
	if (o->ca == NULL)
		o->ca = xstrdup(AA_DEFAULT_CA);
	if ((o->cert == NULL) != (o->key == NULL)) {
		fprintf(stderr, "assure-audit: --cert and --key go together\n");
		return -1;
	}
	return 0;
}

/* Parses argv into o. 0 to run; -1 to exit 0 at once (--help, --version);
 * otherwise the exit code to return, with the error printed. */
static int parse_args(int argc, char **argv, struct opts *o, int *log_level)
{
	const char *conn[4] = {NULL, NULL, NULL, NULL};
	struct {
		const char *name;
		const char **slot;
	} valued[] = {
	    {"state-dir", &o->state_dir},
	    {"user", &o->user},
	    {"password-file", &o->password_file},
	    {"jsonl", &o->jsonl_dir},
	    {"syslog", &o->syslog_url},
	    {"syslog-ca", &o->syslog_ca},
	    {"server", &conn[0]},
	    {"ca", &conn[1]},
	    {"cert", &conn[2]},
	    {"key", &conn[3]},
	};
	const char *level = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return -1;
		}
		if (strcmp(a, "--version") == 0) {
			printf("assure-audit %s (protocol %d)\n", ASSURE_VERSION,
			       ASSURE_PROTOCOL_VERSION);
			return -1;
		}
		if (strcmp(a, "--follow") == 0) {
			o->follow = 1;
			continue;
		}
		if (strncmp(a, "--", 2) != 0) {
			fprintf(stderr, "assure-audit: unexpected argument \"%s\" (see --help)\n",
				a);
			return EXIT_CODE_USAGE;
		}
		const char *name = a + 2, *eq = strchr(name, '=');
		size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
		const char **slot = NULL;
		for (size_t k = 0; k < sizeof valued / sizeof valued[0]; k++)
			if (strlen(valued[k].name) == len &&
			    strncmp(valued[k].name, name, len) == 0)
				slot = valued[k].slot;
		if (len == 9 && strncmp(name, "log-level", 9) == 0)
			slot = &level;
		if (slot == NULL) {
			fprintf(stderr, "assure-audit: unknown flag --%.*s (see --help)\n",
				(int)len, name);
			return EXIT_CODE_USAGE;
		}
		const char *value;
		if (eq != NULL)
			value = eq + 1;
		else if (i + 1 < argc)
			value = argv[++i];
		else {
			fprintf(stderr, "assure-audit: --%.*s needs a value\n", (int)len, name);
			return EXIT_CODE_USAGE;
		}
		if (*slot != NULL) {
			fprintf(stderr, "assure-audit: --%.*s given twice\n", (int)len, name);
			return EXIT_CODE_USAGE;
		}
		*slot = value;
	}
	const char *missing = o->state_dir == NULL	 ? "--state-dir DIR"
			      : o->user == NULL		 ? "--user NAME"
			      : o->password_file == NULL ? "--password-file FILE"
							 : NULL;
	if (missing != NULL) {
		fprintf(stderr, "assure-audit: %s is required (see --help)\n", missing);
		return EXIT_CODE_USAGE;
	}
	if (o->jsonl_dir == NULL && o->syslog_url == NULL) {
		fprintf(stderr, "assure-audit: give --jsonl DIR and/or --syslog tls://HOST:PORT "
				"(somewhere to write the records)\n");
		return EXIT_CODE_USAGE;
	}
	if ((o->syslog_url == NULL) != (o->syslog_ca == NULL)) {
		fprintf(stderr, "assure-audit: --syslog and --syslog-ca go together (the "
				"collector's certificate is always verified)\n");
		return EXIT_CODE_USAGE;
	}
	if (level != NULL && (*log_level = log_level_parse(level)) < 0) {
		fprintf(stderr,
			"assure-audit: --log-level: \"%s\" is not debug, info, warn or "
			"error\n",
			level);
		return EXIT_CODE_USAGE;
	}
	if (resolve_connection(o, conn) < 0)
		return EXIT_CODE_USAGE;
	/* A missing file would otherwise be retried for ever as if the
	 * network were down. */
	const char *files[] = {o->ca, o->cert, o->key, o->syslog_ca};
	for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
		if (files[k] != NULL && access(files[k], R_OK) < 0) {
			fprintf(stderr, "assure-audit: cannot read %s: %s\n", files[k],
				strerror(errno));
			return EXIT_CODE_USAGE;
		}
	}
	return 0;
}

/* Reads the first line of the password file, refusing one that others
 * could read: the account can read the whole audit trail. */
static int read_password_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) < 0) {
		fprintf(stderr, "assure-audit: cannot read password file %s: %s\n", path,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		fprintf(stderr, "assure-audit: password file %s is not a regular file\n", path);
		close(fd);
		return -1;
	}
	if (sb.st_mode & (S_IRWXG | S_IRWXO)) {
		fprintf(stderr,
			"assure-audit: refusing password file %s: it is readable or writable by "
			"group or others (mode %04o); run chmod 600 %s\n",
			path, (unsigned)(sb.st_mode & 07777), path);
		close(fd);
		return -1;
	}
	size_t n = 0;
	for (;;) {
		ssize_t r = read(fd, buf + n, size - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
		if (memchr(buf, '\n', n) != NULL || n == size - 1)
			break;
	}
	close(fd);
	buf[n] = '\0';
	char *nl = strchr(buf, '\n');
	if (nl == NULL && n == size - 1) {
		explicit_bzero(buf, size);
		fprintf(stderr, "assure-audit: the password in %s is too long\n", path);
		return -1;
	}
	if (nl != NULL)
		*nl = '\0';
	size_t len = strlen(buf);
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	if (len == 0) {
		fprintf(stderr,
			"assure-audit: password file %s has no password on its first "
			"line\n",
			path);
		return -1;
	}
	return 0;
}

/* --- talking to the server -------------------------------------------- */

/* A call; -1 (logged) on a transport failure. */
static int call(struct client *c, Assure__Request *req, Assure__Response **resp, const char *what)
{
	char *cause = NULL;
	if (client_call(c, req, resp, &cause) < 0) {
		log_warn("assure-audit: %s: %s", what, cause);
		free(cause);
		return -1;
	}
	return 0;
}

/* Connects, says Hello and authenticates: Resume with the token held,
 * else Login with the password. */
static enum run_result open_session(struct aa *aa, struct client **out)
{
	struct client_config cfg = {
	    .server = aa->o.server,
	    .ca_file = aa->o.ca,
	    .cert_file = aa->o.cert,
	    .key_file = aa->o.key,
	    .io_timeout_ms = aa->o.follow ? -1 : 0,
	};
	char *cause = NULL;
	struct client *c = NULL;
	if (client_connect(&cfg, &c, &cause) < 0 ||
	    client_hello(c, "assure-audit " ASSURE_VERSION, &cause) < 0) {
		log_warn("assure-audit: %s", cause);
		free(cause);
		client_free(c);
		return RUN_RETRY;
	}
	Assure__Response *resp = NULL;
	if (aa->has_token) {
		Assure__ResumeRequest resume = ASSURE__RESUME_REQUEST__INIT;
		resume.token.data = aa->token;
		resume.token.len = AA_TOKEN_LEN;
		Assure__Request req = ASSURE__REQUEST__INIT;
		req.op_case = ASSURE__REQUEST__OP_RESUME;
		req.resume = &resume;
		if (call(c, &req, &resp, "resuming the session") < 0) {
			client_free(c);
			return RUN_RETRY;
		}
		int code = client_status_code(resp);
		assure__response__free_unpacked(resp, NULL);
		if (code == ASSURE__CODE__OK) {
			*out = c;
			return RUN_DONE;
		}
		if (code != ASSURE__CODE__UNAUTHENTICATED) {
			log_warn("assure-audit: resuming the session: server answered %s",
				 status_code_name(code));
			client_free(c);
			return RUN_RETRY;
		}
		explicit_bzero(aa->token, sizeof aa->token);
		aa->has_token = 0;
		log_info("assure-audit: the session has ended; logging in again as %s", aa->o.user);
	}
	Assure__LoginRequest login = ASSURE__LOGIN_REQUEST__INIT;
	login.username = (char *)aa->o.user;
	login.password = aa->password;
	login.role = (char *)"";
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_LOGIN;
	req.login = &login;
	if (call(c, &req, &resp, "logging in") < 0) {
		client_free(c);
		return RUN_RETRY;
	}
	int code = client_status_code(resp);
	if (code != ASSURE__CODE__OK) {
		char *msg = xstrdup(client_status_message(resp));
		assure__response__free_unpacked(resp, NULL);
		client_free(c);
		enum run_result r;
		if (code == ASSURE__CODE__UNAVAILABLE || code == ASSURE__CODE__RESOURCE_EXHAUSTED ||
		    code == ASSURE__CODE__INTERNAL || code == ASSURE__CODE__DEADLINE_EXCEEDED) {
			log_warn("assure-audit: logging in as %s: %s", aa->o.user, msg);
			r = RUN_RETRY;
		} else {
			r = fatal(aa, status_exit_code(code),
				  "login as %s refused: %s (is the account disabled, or its "
				  "password changed? see %s)",
				  aa->o.user, msg, aa->o.password_file);
		}
		free(msg);
		return r;
	}
	const Assure__LoginResponse *lr = resp->login;
	if (resp->result_case != ASSURE__RESPONSE__RESULT_LOGIN || lr == NULL ||
	    lr->token.len != AA_TOKEN_LEN || lr->session == NULL) {
		assure__response__free_unpacked(resp, NULL);
		client_free(c);
		return fatal(aa, EXIT_CODE_INTERNAL, "server answered Login without a session");
	}
	int change = lr->session->password_change_required;
	memcpy(aa->token, lr->token.data, AA_TOKEN_LEN);
	explicit_bzero(lr->token.data, lr->token.len);
	assure__response__free_unpacked(resp, NULL);
	if (change) {
		client_free(c);
		return fatal(aa, EXIT_CODE_PRECONDITION,
			     "the account %s must change its password before it can be used; "
			     "create it with assure user add --password-stdin",
			     aa->o.user);
	}
	aa->has_token = 1;
	log_info("assure-audit: logged in to %s as %s", aa->o.server, aa->o.user);
	*out = c;
	return RUN_DONE;
}

/* Maps a non-OK status on an audit call to what to do. */
static enum run_result status_result(struct aa *aa, const Assure__Response *resp, const char *what)
{
	int code = client_status_code(resp);
	if (code == ASSURE__CODE__UNAUTHENTICATED) {
		log_info("assure-audit: %s: %s; logging in again", what,
			 client_status_message(resp));
		explicit_bzero(aa->token, sizeof aa->token);
		aa->has_token = 0;
		return RUN_RECONNECT;
	}
	if (code == ASSURE__CODE__PERMISSION_DENIED)
		return fatal(aa, EXIT_CODE_PERMISSION_DENIED,
			     "%s: %s (the account %s needs the auditor role)", what,
			     client_status_message(resp), aa->o.user);
	log_warn("assure-audit: %s: %s (%s)", what, client_status_message(resp),
		 status_code_name(code));
	return RUN_RETRY;
}

/* Learns the log's public key and origin on first start and pins them;
 * afterwards checks the server still reports the same. */
static enum run_result check_key(struct aa *aa, struct client *c)
{
	aa->latest_checkpoint = 0;
	Assure__AuditCheckpointRequest creq = ASSURE__AUDIT_CHECKPOINT_REQUEST__INIT;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_AUDIT_CHECKPOINT;
	req.audit_checkpoint = &creq;
	Assure__Response *resp = NULL;
	if (call(c, &req, &resp, "fetching the audit key") < 0)
		return RUN_RETRY;
	int code = client_status_code(resp);
	enum run_result r = RUN_DONE;
	if (code == ASSURE__CODE__NOT_FOUND) {
		log_info(
		    "assure-audit: no checkpoint signed yet; the key is pinned with the first");
	} else if (code != ASSURE__CODE__OK) {
		r = status_result(aa, resp, "fetching the audit key");
	} else if (resp->result_case != ASSURE__RESPONSE__RESULT_AUDIT_CHECKPOINT ||
		   resp->audit_checkpoint->checkpoint == NULL ||
		   resp->audit_checkpoint->public_key.len != HASH_ED25519_PUB_LEN) {
		r = fatal(aa, EXIT_CODE_INTERNAL, "server answered AuditCheckpoint without a key");
	} else {
		const Assure__AuditCheckpointResponse *cr = resp->audit_checkpoint;
		aa->latest_checkpoint = cr->checkpoint->tree_size;
		const char *origin = cr->checkpoint->origin != NULL ? cr->checkpoint->origin : "";
		char *cause = NULL;
		if (aa->st.has_pub) {
			if (memcmp(aa->st.pub, cr->public_key.data, HASH_ED25519_PUB_LEN) != 0)
				r = fatal(
				    aa, AUDIT_EXIT_NOT_INTACT,
				    "audit trail NOT intact: the server's audit key is not the "
				    "one pinned in %s/state; if the key was replaced on "
				    "purpose, move the state directory away and start again",
				    aa->o.state_dir);
			else if (strcmp(aa->st.origin, origin) != 0)
				r = fatal(aa, AUDIT_EXIT_NOT_INTACT,
					  "audit trail NOT intact: the server's log is '%s', not "
					  "'%s' as pinned in %s/state",
					  origin, aa->st.origin, aa->o.state_dir);
		} else if (strlen(origin) >= sizeof aa->st.origin || strchr(origin, '\n') != NULL) {
			r = fatal(aa, EXIT_CODE_INTERNAL, "the log's origin is not usable");
		} else if (audit_checkpoint_check(cr->checkpoint, origin, cr->public_key.data, NULL,
						  &cause) < 0) {
			r = fatal(aa, AUDIT_EXIT_NOT_INTACT, "audit trail NOT intact: %s", cause);
			free(cause);
		} else {
			memcpy(aa->st.pub, cr->public_key.data, HASH_ED25519_PUB_LEN);
			aa->st.has_pub = 1;
			strcpy(aa->st.origin, origin);
			aa_busy = 1;
			if (audit_state_save(aa->o.state_dir, &aa->st, &cause) < 0) {
				r = fatal(aa, EXIT_CODE_INTERNAL, "%s", cause);
				free(cause);
			} else {
				log_info("assure-audit: pinned the audit key of %s", origin);
			}
			aa_busy = 0;
		}
	}
	assure__response__free_unpacked(resp, NULL);
	return r;
}

/* The last record stored now (for a run without --follow): the latest
 * checkpoint's size, then a query for anything after it, so a first run
 * over a long trail does not read it twice. */
static enum run_result find_end(struct aa *aa, struct client *c, uint64_t *end)
{
	*end = aa->st.seq > aa->latest_checkpoint ? aa->st.seq : aa->latest_checkpoint;
	Assure__AuditQueryRequest q;
	assure__audit_query_request__init(&q);
	q.outcome = -1;
	q.from_seq = *end + 1;
	q.page_size = AA_PAGE;
	char *token = xstrdup("");
	enum run_result r = RUN_DONE;
	for (;;) {
		q.page_token = token;
		Assure__Request req = ASSURE__REQUEST__INIT;
		req.op_case = ASSURE__REQUEST__OP_AUDIT_QUERY;
		req.audit_query = &q;
		Assure__Response *resp = NULL;
		if (call(c, &req, &resp, "finding the end of the trail") < 0) {
			r = RUN_RETRY;
			break;
		}
		if (client_status_code(resp) != ASSURE__CODE__OK || resp->audit_query == NULL) {
			r = status_result(aa, resp, "finding the end of the trail");
			assure__response__free_unpacked(resp, NULL);
			break;
		}
		const Assure__AuditQueryResponse *qr = resp->audit_query;
		if (qr->n_entries > 0)
			*end = qr->entries[qr->n_entries - 1]->seq;
		free(token);
		token = xstrdup(qr->next_page_token != NULL ? qr->next_page_token : "");
		assure__response__free_unpacked(resp, NULL);
		if (*token == '\0')
			break;
	}
	free(token);
	return r;
}

/* --- checkpoints ------------------------------------------------------ */

static Assure__Checkpoint *checkpoint_dup(const Assure__Checkpoint *cp)
{
	size_t n = assure__checkpoint__get_packed_size(cp);
	uint8_t *buf = xmalloc(n ? n : 1);
	assure__checkpoint__pack(cp, buf);
	Assure__Checkpoint *copy = assure__checkpoint__unpack(NULL, n, buf);
	free(buf);
	if (copy == NULL)
		abort(); /* we packed it ourselves a moment ago */
	return copy;
}

static void pending_clear(struct aa *aa)
{
	for (size_t i = 0; i < aa->npending; i++)
		assure__checkpoint__free_unpacked(aa->pending[i], NULL);
	aa->npending = 0;
}

static void pending_add(struct aa *aa, const Assure__Checkpoint *cp)
{
	if (aa->npending == AA_PENDING_MAX) {
		log_warn(
		    "assure-audit: too many checkpoints ahead of the records; dropping the one "
		    "at size %" PRIu64,
		    cp->tree_size);
		return;
	}
	/* Kept sorted by size: the server sends them in order, but a
	 * reordered stream must not make a good checkpoint look bad. */
	size_t i = aa->npending;
	while (i > 0 && aa->pending[i - 1]->tree_size > cp->tree_size) {
		aa->pending[i] = aa->pending[i - 1];
		i--;
	}
	aa->pending[i] = checkpoint_dup(cp);
	aa->npending++;
}

enum cp_result { CP_NONE, CP_PASSED, CP_FAILED, CP_NEED_KEY };

/* Checks every pending checkpoint the frontier f has reached. A
 * checkpoint of the current size is checked against f's root; one already
 * passed (it came late) only by its signature. *cause on CP_FAILED. */
static enum cp_result check_pending(struct aa *aa, const struct merkle_frontier *f, char **cause)
{
	enum cp_result res = CP_NONE;
	while (aa->npending > 0 && aa->pending[0]->tree_size <= f->size) {
		Assure__Checkpoint *cp = aa->pending[0];
		if (!aa->st.has_pub)
			return CP_NEED_KEY;
		merkle_hash root;
		merkle_frontier_root(f, root);
		int exact = cp->tree_size == f->size;
		if (!exact)
			log_warn("assure-audit: checkpoint at size %" PRIu64
				 " came after record %" PRIu64 "; only its signature is checked",
				 cp->tree_size, f->size);
		if (audit_checkpoint_check(cp, aa->st.origin, aa->st.pub, exact ? root : NULL,
					   cause) < 0)
			return CP_FAILED;
		log_debug("assure-audit: checkpoint at size %" PRIu64 " verified", cp->tree_size);
		assure__checkpoint__free_unpacked(cp, NULL);
		memmove(aa->pending, aa->pending + 1, (aa->npending - 1) * sizeof aa->pending[0]);
		aa->npending--;
		res = CP_PASSED;
	}
	return res;
}

/* --- outputs ---------------------------------------------------------- */

/* Appends buf to path and fsyncs it. On failure the file is cut back to
 * where it was, so no torn line is left behind. 0 or -1 (logged). */
static int jsonl_append(const char *dir, const char *path, const char *buf, size_t n)
{
	int created = access(path, F_OK) != 0;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0) {
		log_error("assure-audit: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	off_t before = lseek(fd, 0, SEEK_END);
	int rc = 0;
	if (before < 0 || write_all(fd, buf, n) < 0 || fsync(fd) < 0) {
		log_error("assure-audit: cannot write %s: %s", path, strerror(errno));
		if (before >= 0 && ftruncate(fd, before) == 0)
			(void)fsync(fd);
		rc = -1;
	}
	close(fd);
	if (rc == 0 && created) {
		/* The new file's name must survive a crash too. */
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	return rc;
}

/* Writes recs[0..n) past jsonl_done, grouped into their days' files. */
static int jsonl_write(struct aa *aa, const struct batch_rec *recs, size_t n)
{
	size_t i = 0;
	while (i < n && recs[i].r.seq <= aa->jsonl_done)
		i++;
	while (i < n) {
		char *path = audit_jsonl_path(aa->o.jsonl_dir, recs[i].r.time_ms);
		char *buf = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&buf, &len);
		if (m == NULL)
			abort();
		size_t j = i;
		for (; j < n; j++) {
			char *p = audit_jsonl_path(aa->o.jsonl_dir, recs[j].r.time_ms);
			int same = strcmp(p, path) == 0;
			free(p);
			if (!same)
				break;
			audit_rec_json(m, &recs[j].r);
			fputc('\n', m);
		}
		if (fclose(m) != 0)
			abort();
		int rc = jsonl_append(aa->o.jsonl_dir, path, buf, len);
		free(buf);
		free(path);
		if (rc < 0)
			return -1;
		aa->jsonl_done = recs[j - 1].r.seq;
		i = j;
	}
	return 0;
}

static int syslog_write(struct aa *aa, const struct batch_rec *recs, size_t n)
{
	char msg[AUDIT_SYSLOG_MAX];
	for (size_t i = 0; i < n; i++) {
		if (recs[i].r.seq <= aa->syslog_done)
			continue;
		size_t len = audit_syslog_format(&recs[i].r, aa->hostname, msg, sizeof msg);
		char *cause = NULL;
		if (audit_syslog_send(aa->syslog, msg, len, &cause) < 0) {
			log_warn("assure-audit: %s", cause);
			free(cause);
			return -1;
		}
		aa->syslog_done = recs[i].r.seq;
	}
	return 0;
}

/* --- a batch ---------------------------------------------------------- */

static enum run_result process_batch(struct aa *aa, const Assure__AuditBatch *b)
{
	for (size_t i = 0; i < b->n_checkpoints; i++)
		pending_add(aa, b->checkpoints[i]);

	struct batch_rec *recs = xcalloc(b->n_entries ? b->n_entries : 1, sizeof *recs);
	struct merkle_frontier f = aa->st.frontier;
	size_t good = 0, confirmed = 0;
	char *failure = NULL;
	int need_key = 0;
	char *cause = NULL;

	/* Checkpoints at (or before) the cursor: nothing of ours to hold back. */
	enum cp_result cr = check_pending(aa, &f, &cause);
	if (cr == CP_FAILED) {
		failure = cause;
		cause = NULL;
	}
	while (cr == CP_NEED_KEY && aa->npending > 0 && aa->pending[0]->tree_size <= f.size) {
		log_warn("assure-audit: checkpoint at size %" PRIu64
			 " came before the key was known; the next one covers it",
			 aa->pending[0]->tree_size);
		assure__checkpoint__free_unpacked(aa->pending[0], NULL);
		memmove(aa->pending, aa->pending + 1, (aa->npending - 1) * sizeof aa->pending[0]);
		aa->npending--;
	}
	for (size_t i = 0; failure == NULL && i < b->n_entries; i++) {
		const Assure__AuditEntry *e = b->entries[i];
		struct audit_rec *r = &recs[i].r;
		if (audit_rec_parse(e->record.data, e->record.len, r, &cause) < 0) {
			failure = xasprintf("record %" PRIu64 ": %s", e->seq, cause);
			free(cause);
			cause = NULL;
			break;
		}
		if (e->seq != f.size + 1 || r->seq != e->seq) {
			failure = xasprintf("record %" PRIu64 " (numbered %" PRIu64
					    " inside) came where record %" PRIu64 " was due",
					    e->seq, r->seq, f.size + 1);
			break;
		}
		merkle_frontier_append(&f, r->leaf, NULL, NULL);
		cr = check_pending(aa, &f, &cause);
		if (cr == CP_FAILED) {
			failure = cause;
			cause = NULL;
			good = confirmed; /* nothing this checkpoint covers goes out */
			break;
		}
		if (cr == CP_NEED_KEY) {
			/* Hold this record back, so the checkpoint (of its size)
			 * is sent again once we have the key to check it. */
			need_key = 1;
			break;
		}
		good = i + 1;
		if (cr == CP_PASSED)
			confirmed = good;
	}

	/* Write what passed, then move the cursor over it. */
	aa_busy = 1;
	int sink_failed = 0;
	if (good > 0 && aa->o.jsonl_dir != NULL && jsonl_write(aa, recs, good) < 0)
		sink_failed = 1;
	if (good > 0 && !sink_failed && aa->syslog != NULL && syslog_write(aa, recs, good) < 0)
		sink_failed = 1;
	uint64_t cursor = UINT64_MAX;
	if (aa->o.jsonl_dir != NULL && aa->jsonl_done < cursor)
		cursor = aa->jsonl_done;
	if (aa->syslog != NULL && aa->syslog_done < cursor)
		cursor = aa->syslog_done;
	enum run_result result = RUN_DONE;
	if (cursor > aa->st.seq) {
		for (size_t i = 0; i < good && recs[i].r.seq <= cursor; i++) {
			if (recs[i].r.seq <= aa->st.seq)
				continue;
			merkle_frontier_append(&aa->st.frontier, recs[i].r.leaf, NULL, NULL);
			aa->st.seq = recs[i].r.seq;
			aa->st.time_ms = recs[i].r.time_ms;
		}
		if (audit_state_save(aa->o.state_dir, &aa->st, &cause) < 0) {
			result = fatal(aa, EXIT_CODE_INTERNAL, "%s", cause);
			free(cause);
		}
	}
	aa_busy = 0;
	free(recs);
	if (result == RUN_FATAL) {
		free(failure);
		return result;
	}
	if (failure != NULL) {
		result = fatal(aa, AUDIT_EXIT_NOT_INTACT,
			       "audit trail NOT intact: %s; stopped with the cursor at record "
			       "%" PRIu64 " (run assure audit verify)",
			       failure, aa->st.seq);
		free(failure);
		return result;
	}
	if (aa_stop)
		return RUN_STOP;
	if (sink_failed)
		return RUN_RETRY;
	if (need_key) {
		log_info("assure-audit: first checkpoint seen; reconnecting to pin the audit key");
		return RUN_RECONNECT;
	}
	return RUN_DONE;
}

/* --- one connection --------------------------------------------------- */

static void logout(struct client *c)
{
	Assure__LogoutRequest lo = ASSURE__LOGOUT_REQUEST__INIT;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_LOGOUT;
	req.logout = &lo;
	Assure__Response *resp = NULL;
	char *cause = NULL;
	if (client_call(c, &req, &resp, &cause) == 0)
		assure__response__free_unpacked(resp, NULL);
	free(cause);
}

/* Connects and follows until something ends it. *progress is set when the
 * cursor moved (so back-off starts again from the minimum); a batch that
 * arrives but cannot be written is no progress. */
static enum run_result run_connection(struct aa *aa, int *progress)
{
	*progress = 0;
	uint64_t start_seq = aa->st.seq;
	pending_clear(aa);
	struct client *c = NULL;
	enum run_result r = open_session(aa, &c);
	if (r != RUN_DONE)
		return r;
	r = check_key(aa, c);
	uint64_t end = 0;
	if (r == RUN_DONE && !aa->o.follow) {
		r = find_end(aa, c, &end);
		if (r == RUN_DONE && aa->st.seq >= end) {
			log_info("assure-audit: up to date at record %" PRIu64, aa->st.seq);
			logout(c);
			client_free(c);
			return RUN_DONE;
		}
	}
	if (r != RUN_DONE) {
		client_free(c);
		return r;
	}

	Assure__AuditSubscribeRequest sub = ASSURE__AUDIT_SUBSCRIBE_REQUEST__INIT;
	sub.from_seq = aa->st.seq + 1;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_AUDIT_SUBSCRIBE;
	req.audit_subscribe = &sub;
	char *cause = NULL;
	if (client_send(c, &req, &cause) < 0) {
		log_warn("assure-audit: %s", cause);
		free(cause);
		client_free(c);
		return RUN_RETRY;
	}
	log_info("assure-audit: following the audit trail from record %" PRIu64, sub.from_seq);
	for (;;) {
		Assure__Response *resp = NULL;
		if (client_recv(c, &resp, &cause) < 0) {
			log_warn("assure-audit: connection lost: %s", cause);
			free(cause);
			r = RUN_RETRY;
			break;
		}
		if (resp->id != req.id) {
			int conn_error =
			    resp->id == 0 && client_status_code(resp) != ASSURE__CODE__OK;
			if (conn_error)
				log_warn("assure-audit: server: %s", client_status_message(resp));
			assure__response__free_unpacked(resp, NULL);
			if (conn_error) {
				r = RUN_RETRY;
				break;
			}
			continue;
		}
		if (client_status_code(resp) != ASSURE__CODE__OK) {
			r = status_result(aa, resp, "the audit stream ended");
			assure__response__free_unpacked(resp, NULL);
			break;
		}
		if (resp->result_case == ASSURE__RESPONSE__RESULT_AUDIT_BATCH &&
		    resp->audit_batch != NULL) {
			r = process_batch(aa, resp->audit_batch);
			*progress = aa->st.seq > start_seq;
		}
		assure__response__free_unpacked(resp, NULL);
		if (r != RUN_DONE)
			break;
		if (!aa->o.follow && aa->st.seq >= end) {
			log_info("assure-audit: done at record %" PRIu64, aa->st.seq);
			logout(c);
			break;
		}
	}
	client_free(c);
	return r;
}

/* --- start-up --------------------------------------------------------- */

static int make_dir(const char *dir, mode_t mode)
{
	if (mkdir(dir, mode) == 0 || errno == EEXIST) {
		struct stat sb;
		if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode))
			return 0;
		fprintf(stderr, "assure-audit: %s is not a directory\n", dir);
		return -1;
	}
	fprintf(stderr, "assure-audit: cannot create %s: %s\n", dir, strerror(errno));
	return -1;
}

/* Cuts torn last lines from the files a crash can have left torn: those
 * of the day of the cursor's record and later (the day before too, for
 * records that straddle midnight). */
static int repair_jsonl(const struct aa *aa)
{
	char *from = NULL;
	if (aa->st.time_ms > 0) {
		char *p = audit_jsonl_path("", aa->st.time_ms - 86400000LL);
		from = xstrdup(p + 1); /* "audit-YYYY-MM-DD.jsonl" */
		free(p);
	}
	DIR *d = opendir(aa->o.jsonl_dir);
	if (d == NULL) {
		fprintf(stderr, "assure-audit: cannot read %s: %s\n", aa->o.jsonl_dir,
			strerror(errno));
		free(from);
		return -1;
	}
	int rc = 0;
	struct dirent *de;
	while ((de = readdir(d)) != NULL) {
		const char *n = de->d_name;
		size_t len = strlen(n);
		if (len != strlen("audit-YYYY-MM-DD.jsonl") || strncmp(n, "audit-", 6) != 0 ||
		    strcmp(n + len - 6, ".jsonl") != 0)
			continue;
		if (from != NULL && strcmp(n, from) < 0)
			continue;
		char *path = xasprintf("%s/%s", aa->o.jsonl_dir, n);
		uint64_t removed = 0;
		char *cause = NULL;
		if (audit_jsonl_repair(path, &removed, &cause) < 0) {
			fprintf(stderr, "assure-audit: %s\n", cause);
			free(cause);
			rc = -1;
		} else if (removed > 0) {
			log_warn("assure-audit: %s ended in a torn line (%" PRIu64
				 " bytes); cut back to the last complete record",
				 path, removed);
		}
		free(path);
	}
	closedir(d);
	free(from);
	return rc;
}

static int run(struct aa *aa)
{
	if (make_dir(aa->o.state_dir, 0700) < 0)
		return EXIT_CODE_INTERNAL;
	/* One process per state directory: two would race on the cursor. */
	char *lock_path = xasprintf("%s/lock", aa->o.state_dir);
	int lock = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (lock < 0 || flock(lock, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "assure-audit: %s: %s\n", lock_path,
			errno == EWOULDBLOCK ? "another assure-audit is using this state directory"
					     : strerror(errno));
		free(lock_path);
		return EXIT_CODE_INTERNAL;
	}
	free(lock_path);
	char *cause = NULL;
	int loaded = audit_state_load(aa->o.state_dir, &aa->st, &cause);
	if (loaded < 0) {
		fprintf(stderr, "assure-audit: %s\n", cause);
		free(cause);
		return EXIT_CODE_INTERNAL;
	}
	aa->jsonl_done = aa->syslog_done = aa->st.seq;
	if (aa->o.jsonl_dir != NULL &&
	    (make_dir(aa->o.jsonl_dir, 0750) < 0 || repair_jsonl(aa) < 0))
		return EXIT_CODE_INTERNAL;
	if (aa->o.syslog_url != NULL) {
		char *hostport = NULL;
		if (audit_syslog_parse_url(aa->o.syslog_url, &hostport, &cause) < 0) {
			fprintf(stderr, "assure-audit: %s\n", cause);
			free(cause);
			return EXIT_CODE_USAGE;
		}
		aa->syslog = audit_syslog_new(hostport, aa->o.syslog_ca);
		free(hostport);
	}
	if (gethostname(aa->hostname, sizeof aa->hostname - 1) < 0)
		strcpy(aa->hostname, "-");
	if (loaded == 1)
		log_info("assure-audit: no state in %s; starting from record 1", aa->o.state_dir);
	else
		log_info("assure-audit: resuming after record %" PRIu64, aa->st.seq);

	int64_t backoff = AA_BACKOFF_MIN_MS;
	int failures = 0, quick = 0;
	for (;;) {
		int progress = 0;
		enum run_result r = run_connection(aa, &progress);
		if (progress) {
			backoff = AA_BACKOFF_MIN_MS;
			failures = 0;
			quick = 0;
		}
		switch (r) {
		case RUN_DONE:
			if (!aa->o.follow)
				return EXIT_CODE_OK;
			break; /* a follower never finishes: go round again */
		case RUN_STOP:
			log_info("assure-audit: stopping on signal after record %" PRIu64,
				 aa->st.seq);
			return EXIT_CODE_OK;
		case RUN_FATAL:
			return aa->exit_code;
		case RUN_RECONNECT:
			/* At once, but not in a tight loop if the server keeps
			 * ending fresh sessions. */
			if (++quick < 3)
				continue;
			break;
		case RUN_RETRY:
			break;
		}
		if (!aa->o.follow && ++failures >= AA_ONESHOT_TRIES) {
			log_error(
			    "assure-audit: giving up after %d attempts; the cursor is at record "
			    "%" PRIu64,
			    failures, aa->st.seq);
			return EXIT_CODE_UNAVAILABLE;
		}
		log_info("assure-audit: retrying in %" PRId64 " ms", backoff);
		struct timespec ts = {(time_t)(backoff / 1000), (long)(backoff % 1000) * 1000000};
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		backoff = backoff * 2 > AA_BACKOFF_MAX_MS ? AA_BACKOFF_MAX_MS : backoff * 2;
	}
}

int main(int argc, char **argv)
{
	static struct aa aa; /* large (frontier, pending list): not on the stack */
	int level = LOG_LEVEL_INFO;
	int rc = parse_args(argc, argv, &aa.o, &level);
	if (rc < 0)
		return EXIT_CODE_OK;
	if (rc != 0)
		return rc;
	log_set_level((enum log_level)level);
	/* journald stamps lines itself. */
	log_set_timestamps(getenv("JOURNAL_STREAM") == NULL);
	if (read_password_file(aa.o.password_file, aa.password, sizeof aa.password) < 0)
		return EXIT_CODE_USAGE;
	install_signals();
	rc = run(&aa);
	explicit_bzero(aa.password, sizeof aa.password);
	explicit_bzero(aa.token, sizeof aa.token);
	pending_clear(&aa);
	audit_syslog_free(aa.syslog);
	free(aa.o.server);
	free(aa.o.ca);
	free(aa.o.cert);
	free(aa.o.key);
	return rc;
}
