/*
 * Daemon options as a table: one row per option with its flag/key name,
 * kind, default and help line. --help is printed from the same table, so
 * the documentation cannot drift from what is parsed.
 */
#include "server_config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "log.h"
#include "version.h"
#include "xmalloc.h"

enum opt_kind { OPT_STRING, OPT_PATH, OPT_HOSTPORT, OPT_COUNT, OPT_SIZE, OPT_DURATION, OPT_LEVEL };

struct opt {
	const char *name;
	enum opt_kind kind;
	size_t offset;
	const char *def; /* NULL: unset */
	uint64_t min, max;
	const char *help;
};

#define OFF(f) offsetof(struct server_config, f)

static const struct opt opts[] = {
    {"listen", OPT_HOSTPORT, OFF(listen), "127.0.0.1:7443", 0, 0,
     "address and port to listen on (port 0: any free port)"},
    {"db", OPT_PATH, OFF(db_path), "var/assure.db", 0, 0, "SQLite database file"},
    {"cert", OPT_PATH, OFF(cert_file), "certs/dev/server.crt", 0, 0,
     "server certificate chain (PEM)"},
    {"key", OPT_PATH, OFF(key_file), "certs/dev/server.key", 0, 0, "server private key (PEM)"},
    {"client-ca", OPT_PATH, OFF(client_ca_file), NULL, 0, 0,
     "require client certificates signed by this CA (mutual TLS)"},
    {"ready-file", OPT_PATH, OFF(ready_file), NULL, 0, 0, "write HOST:PORT here once listening"},
    {"max-frame", OPT_SIZE, OFF(max_frame), "1M", 64, 64 * 1024 * 1024,
     "largest accepted frame in bytes"},
    {"max-connections", OPT_COUNT, OFF(max_connections), "1024", 1, 60000,
     "concurrent connections"},
    {"max-connections-per-address", OPT_COUNT, OFF(max_connections_per_address), "64", 1, 60000,
     "concurrent connections from one client address"},
    {"login-timeout", OPT_DURATION, OFF(login_timeout_s), "30s", 1, 3600,
     "close a connection that has not logged in within this"},
    {"frame-timeout", OPT_DURATION, OFF(frame_timeout_s), "15s", 1, 600,
     "close a connection whose frame, once begun, is not finished within this"},
    {"preauth-rate", OPT_COUNT, OFF(preauth_rate), "10", 1, 100000,
     "requests a second before login, per connection (then closed)"},
    {"preauth-rate-per-address", OPT_COUNT, OFF(preauth_rate_address), "200", 1, 1000000,
     "requests a second before login from one client address"},
    {"session-rate", OPT_COUNT, OFF(session_rate), "200", 1, 1000000,
     "requests a second per session (more are refused RESOURCE_EXHAUSTED)"},
    {"max-write-queue", OPT_COUNT, OFF(max_write_queue), "4096", 16, 1000000,
     "writes and audit records queued before the server stops reading requests"},
    {"handshake-timeout", OPT_DURATION, OFF(handshake_timeout_s), "10s", 1, 600,
     "time allowed for the TLS handshake"},
    {"idle-timeout", OPT_DURATION, OFF(idle_timeout_s), "30m", 1, 86400,
     "close a logged-in connection idle this long"},
    {"session-idle", OPT_DURATION, OFF(session_idle_s), "30m", 60, 86400,
     "a session expires after this long unused"},
    {"session-max", OPT_DURATION, OFF(session_absolute_s), "12h", 60, 7 * 86400,
     "a session expires this long after login"},
    {"workers", OPT_COUNT, OFF(workers), "2", 1, 64, "worker threads (password hashing, reads)"},
    {"write-batch", OPT_COUNT, OFF(write_batch), "256", 1, 10000,
     "most requests committed in one transaction"},
    {"max-inflight", OPT_COUNT, OFF(max_inflight), "256", 1, 100000,
     "requests in progress per connection before reading pauses"},
    {"shutdown-timeout", OPT_DURATION, OFF(shutdown_timeout_s), "15s", 1, 600,
     "longest wait for in-flight requests at shutdown"},
    {"audit-key", OPT_PATH, OFF(audit_key_file), NULL, 0, 0,
     "Ed25519 key signing audit checkpoints (default: audit-key.pem beside the database)"},
    {"checkpoint-every", OPT_COUNT, OFF(checkpoint_every), "1000", 1, 1000000,
     "audit records between signed checkpoints"},
    {"checkpoint-interval", OPT_DURATION, OFF(checkpoint_interval_s), "60s", 1, 86400,
     "sign a checkpoint at least this often while records arrive"},
    {"clock-file", OPT_PATH, OFF(clock_file), NULL, 0, 0,
     "tests only: read the time (Unix ms) from FILE"},
    {"log-level", OPT_LEVEL, OFF(log_level), "info", 0, 0, "debug, info, warn or error"},
};

#define NOPTS (sizeof opts / sizeof opts[0])

void server_config_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: assured [options]\n"
	    "       assured init --db PATH --admin NAME [--display-name TEXT] [--password-stdin]\n"
	    "                    [--audit-key FILE]\n"
	    "       assured audit-verify --db PATH --pubkey FILE [--trusted-checkpoint FILE]\n"
	    "\n"
	    "The assure daemon: serves the assure protocol over TLS and owns the database.\n"
	    "\n"
	    "options (also accepted as 'name = value' lines in the --config file;\n"
	    "flags override the file):\n"
	    "  --config FILE                    read settings from FILE\n");
	for (size_t i = 0; i < NOPTS; i++) {
		char flag[64];
		snprintf(flag, sizeof flag, "--%s %s", opts[i].name,
			 opts[i].kind == OPT_PATH	? "FILE"
			 : opts[i].kind == OPT_HOSTPORT ? "ADDR:PORT"
			 : opts[i].kind == OPT_DURATION ? "DUR"
			 : opts[i].kind == OPT_SIZE	? "BYTES"
			 : opts[i].kind == OPT_LEVEL	? "LEVEL"
							: "N");
		/* An option whose default is not a fixed value says it in
		 * its own words (--audit-key: beside the database). */
		if (opts[i].def == NULL && strstr(opts[i].help, "(default:") != NULL)
			fprintf(out, "  %-32s %s\n", flag, opts[i].help);
		else
			fprintf(out, "  %-32s %s (default: %s)\n", flag, opts[i].help,
				opts[i].def ? opts[i].def : "none");
	}
	fprintf(out, "  --help                           this text\n"
		     "  --version                        print the version\n"
		     "\n"
		     "DUR is 90s, 30m, 12h or 14d; BYTES may end in K, M or G.\n"
		     "Signals: SIGTERM/SIGINT finish in-flight requests and stop; SIGHUP reloads\n"
		     "the certificate and key.\n");
}

static const struct opt *find_opt(const char *name)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (strcmp(opts[i].name, name) == 0)
			return &opts[i];
	return NULL;
}

static int set_opt(struct server_config *cfg, const struct opt *o, const char *value, char **cause)
{
	char *base = (char *)cfg;
	char *why = NULL;
	uint64_t v = 0;
	switch (o->kind) {
	case OPT_STRING:
	case OPT_PATH: {
		if (*value == '\0') {
			*cause = xasprintf("%s: a file name is required", o->name);
			return -1;
		}
		char **slot = (char **)(base + o->offset);
		free(*slot);
		*slot = xstrdup(value);
		return 0;
	}
	case OPT_HOSTPORT: {
		char *host = NULL, *port = NULL;
		if (config_parse_hostport(value, &host, &port, &why) < 0) {
			*cause = xasprintf("%s: %s", o->name, why);
			free(why);
			return -1;
		}
		free(host);
		free(port);
		char **slot = (char **)(base + o->offset);
		free(*slot);
		*slot = xstrdup(value);
		return 0;
	}
	case OPT_LEVEL: {
		if (log_level_parse(value) < 0) {
			*cause = xasprintf("%s: '%s' is not one of debug, info, warn, error",
					   o->name, value);
			return -1;
		}
		char **slot = (char **)(base + o->offset);
		free(*slot);
		*slot = xstrdup(value);
		return 0;
	}
	case OPT_COUNT:
		if (config_parse_u64(value, o->min, o->max, &v, &why) < 0)
			goto bad;
		break;
	case OPT_SIZE:
		if (config_parse_size(value, &v, &why) < 0)
			goto bad;
		break;
	case OPT_DURATION:
		if (config_parse_duration(value, &v, &why) < 0)
			goto bad;
		break;
	}
	if (v < o->min || v > o->max) {
		*cause = xasprintf("%s: %s is out of range (%llu to %llu)", o->name, value,
				   (unsigned long long)o->min, (unsigned long long)o->max);
		return -1;
	}
	*(uint64_t *)(base + o->offset) = v;
	return 0;
bad:
	*cause = xasprintf("%s: %s", o->name, why);
	free(why);
	return -1;
}

void server_config_free(struct server_config *cfg)
{
	free(cfg->config_file);
	for (size_t i = 0; i < NOPTS; i++) {
		if (opts[i].kind == OPT_STRING || opts[i].kind == OPT_PATH ||
		    opts[i].kind == OPT_HOSTPORT || opts[i].kind == OPT_LEVEL) {
			char **slot = (char **)((char *)cfg + opts[i].offset);
			free(*slot);
			*slot = NULL;
		}
	}
	memset(cfg, 0, sizeof *cfg);
}

/* Splits "--name=value" or "--name value"; returns the index of the last
 * argv element consumed, or -1 on a missing value. */
static int flag_value(int argc, char **argv, int i, char *name, size_t nsize, const char **value)
{
	const char *arg = argv[i] + 2;
	const char *eq = strchr(arg, '=');
	if (eq) {
		snprintf(name, nsize, "%.*s", (int)(eq - arg), arg);
		*value = eq + 1;
		return i;
	}
	snprintf(name, nsize, "%s", arg);
	if (i + 1 >= argc)
		return -1;
	*value = argv[i + 1];
	return i + 1;
}

int server_config_load(struct server_config *cfg, int argc, char **argv, FILE *out, char **cause)
{
	memset(cfg, 0, sizeof *cfg);
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].def && set_opt(cfg, &opts[i], opts[i].def, cause) < 0)
			return -1;

	/* First pass: --help, --version, --config and flag syntax. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			server_config_usage(out);
			return 1;
		}
		if (strcmp(argv[i], "--version") == 0) {
			fprintf(out, "assured %s (protocol %d)\n", ASSURE_VERSION,
				ASSURE_PROTOCOL_VERSION);
			return 1;
		}
		if (strncmp(argv[i], "--", 2) != 0) {
			*cause =
			    xasprintf("unexpected argument '%s' (see assured --help)", argv[i]);
			return -1;
		}
		char name[64];
		const char *value;
		int last = flag_value(argc, argv, i, name, sizeof name, &value);
		if (strcmp(name, "config") != 0 && find_opt(name) == NULL) {
			*cause = xasprintf("unknown option --%s (see assured --help)", name);
			return -1;
		}
		if (last < 0) {
			*cause = xasprintf("--%s needs a value", name);
			return -1;
		}
		if (strcmp(name, "config") == 0) {
			free(cfg->config_file);
			cfg->config_file = xstrdup(value);
		} else if (find_opt(name) == NULL) {
			*cause = xasprintf("unknown option --%s (see assured --help)", name);
			return -1;
		}
		i = last;
	}

	if (cfg->config_file) {
		struct config *file = NULL;
		char *why = NULL;
		if (config_parse_file(cfg->config_file, &file, &why) < 0) {
			*cause = why; /* already names the file and line */
			return -1;
		}
		for (size_t i = 0; i < file->n; i++) {
			const struct config_entry *e = &file->entries[i];
			const struct opt *o = find_opt(e->key);
			if (o == NULL) {
				*cause = xasprintf("%s: line %d: unknown setting '%s'",
						   cfg->config_file, e->line, e->key);
				config_free(file);
				return -1;
			}
			if (set_opt(cfg, o, e->value, &why) < 0) {
				*cause =
				    xasprintf("%s: line %d: %s", cfg->config_file, e->line, why);
				free(why);
				config_free(file);
				return -1;
			}
		}
		config_free(file);
	}

	for (int i = 1; i < argc; i++) {
		char name[64];
		const char *value;
		int last = flag_value(argc, argv, i, name, sizeof name, &value);
		if (strcmp(name, "config") != 0) {
			char *why = NULL;
			if (set_opt(cfg, find_opt(name), value, &why) < 0) {
				*cause = xasprintf("--%s", why);
				free(why);
				return -1;
			}
		}
		i = last;
	}
	return 0;
}
