/*
 * The daemon's settings: built-in defaults, then the config file
 * (key = value, the same names as the long flags), then command-line flags.
 */
#ifndef ASSURE_SERVER_CONFIG_H
#define ASSURE_SERVER_CONFIG_H

#include <stdint.h>
#include <stdio.h>

struct server_config {
	char *config_file;
	char *listen; /* "HOST:PORT" */
	char *db_path;
	char *cert_file;
	char *key_file;
	char *client_ca_file; /* NULL: no client certificates asked for */
	char *ready_file;
	uint64_t max_frame;
	uint64_t max_connections;
	uint64_t max_connections_per_address;
	uint64_t login_timeout_s;      /* a connection must log in within this */
	uint64_t frame_timeout_s;      /* a frame begun must be finished within this */
	uint64_t preauth_rate;	       /* requests/s before login, per connection */
	uint64_t preauth_rate_address; /* requests/s before login, per client address */
	uint64_t session_rate;	       /* requests/s per session */
	uint64_t max_write_queue;      /* writer jobs queued before reading pauses */
	uint64_t handshake_timeout_s;
	uint64_t idle_timeout_s;     /* connection idle */
	uint64_t session_idle_s;     /* session idle expiry */
	uint64_t session_absolute_s; /* session absolute expiry */
	uint64_t workers;
	uint64_t write_batch;
	uint64_t max_inflight; /* per connection */
	uint64_t shutdown_timeout_s;
	char *log_level;
	char *clock_file;		/* tests only: see clock.h */
	char *audit_key_file;		/* NULL: audit-key.pem beside the database */
	uint64_t checkpoint_every;	/* records between signed checkpoints */
	uint64_t checkpoint_interval_s; /* and at least this often while records come */
};

/* Fills cfg from defaults, the file named by --config (if any) and argv
 * (argv[0] is the program; the rest are flags). Returns 0; 1 if --help or
 * --version was handled (printed to out); -1 on an error, with *cause naming
 * the flag or the file line at fault. */
int server_config_load(struct server_config *cfg, int argc, char **argv, FILE *out, char **cause)
    __attribute__((warn_unused_result));
void server_config_free(struct server_config *cfg);
void server_config_usage(FILE *out);

#endif
