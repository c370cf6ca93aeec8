/*
 * The one client connection library: the CLI, assure-audit, assure-bench and
 * the tests all speak to assured through it. Blocking, one connection per
 * struct client, not shared between threads. Requests may be pipelined:
 * send several, then receive; responses carry the request ids.
 *
 * Errors are sentences for a person, for example
 *   "connection refused by 127.0.0.1:7443"
 *   "certificate verify failed: unable to get local issuer certificate"
 *   "server closed the connection: frame too large (limit 1048576 bytes)"
 */
#ifndef ASSURE_CLIENT_H
#define ASSURE_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "assure.pb-c.h"

struct client_config {
	const char *server;	/* "HOST:PORT"; HOST is verified against the cert */
	const char *ca_file;	/* PEM CA bundle that signed the server cert */
	const char *cert_file;	/* optional client certificate (mutual TLS) */
	const char *key_file;	/* its key */
	int connect_timeout_ms; /* 0: 10000 */
	int io_timeout_ms;	/* 0: 30000; -1: wait for ever (streams) */
	uint32_t max_frame;	/* 0: FRAME_DEFAULT_MAX */
	/* Local address to connect from (a numeric IP), or NULL for any. For
	 * a host with several addresses, and for tests that play a second
	 * client address (127.0.0.2) against a server on 127.0.0.1. */
	const char *source_addr;
};

struct client;

/* A TCP connection to host:port (numeric port), each address in turn
 * until one answers within timeout_ms, from the local address source
 * unless NULL. The fd is non-blocking, with TCP_NODELAY; -1 with *cause
 * naming each address's failure. For the TLS streams of the clients
 * (the server and assure-audit's syslog receiver). */
int client_tcp_connect(const char *host, const char *port, const char *source, int timeout_ms,
		       char **cause);
/* TCP connect (every address of HOST in turn) with timeout, then TLS with
 * verification. 0 and *out set, or -1 with *cause. */
int client_connect(const struct client_config *cfg, struct client **out, char **cause)
    __attribute__((warn_unused_result));
/* Closes with close_notify and frees; accepts NULL. */
void client_free(struct client *c);

/* A fresh request id (1, 2, ...). */
uint64_t client_next_id(struct client *c);

/* Sends one request; sets req->id from client_next_id when it is 0. */
int client_send(struct client *c, Assure__Request *req, char **cause)
    __attribute__((warn_unused_result));
/* Receives the next response, whatever its id. The caller frees it with
 * assure__response__free_unpacked(resp, NULL). -1 on a transport error or
 * when the server closed the connection (cause says which, quoting the
 * server's last connection-level error if it sent one). */
int client_recv(struct client *c, Assure__Response **out, char **cause)
    __attribute__((warn_unused_result));
/* send + recv of the response with the same id. A connection-level error
 * from the server (id 0) is returned as -1 with "server closed the
 * connection: <message>". A non-OK status in a matching response is not a
 * transport error: it returns 0 and the caller reads resp->status. */
int client_call(struct client *c, Assure__Request *req, Assure__Response **out, char **cause)
    __attribute__((warn_unused_result));

/* Hello with our protocol version. 0 if the server accepted it; -1 with
 * cause (for an incompatible version, the server's message). */
int client_hello(struct client *c, const char *client_name, char **cause)
    __attribute__((warn_unused_result));

/* Raw bytes on the TLS stream, for tests of bad frames. */
int client_send_raw(struct client *c, const void *buf, size_t n, char **cause)
    __attribute__((warn_unused_result));
/* Drops the TCP connection without close_notify (dirty EOF), and frees. */
void client_abort(struct client *c);
/* "TLSv1.3" etc. */
const char *client_tls_version(const struct client *c);

/* The status code of a response (OK when status is absent). */
int client_status_code(const Assure__Response *resp);
/* Its message ("" when none). */
const char *client_status_message(const Assure__Response *resp);

#endif
