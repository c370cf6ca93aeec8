/*
 * Server-side TLS: the SSL_CTX and the TLS bufferevents. The only server
 * file (with crypto.c) that includes OpenSSL headers; the rest of the
 * server sees bufferevents and strings.
 */
#ifndef ASSURE_TLS_H
#define ASSURE_TLS_H

#include <event2/util.h>
#include <stddef.h>

struct bufferevent;
struct event_base;
struct tls_server;

/* Loads cert chain and key (and, if client_ca is set, requires client
 * certificates signed by it). NULL with *cause naming the file at fault. */
struct tls_server *tls_server_new(const char *cert_file, const char *key_file,
				  const char *client_ca_file, char **cause);
/* Re-reads the same files into a new context; new connections use it, live
 * ones keep theirs. On failure the old context stays and *cause says why. */
int tls_server_reload(struct tls_server *t, char **cause) __attribute__((warn_unused_result));
void tls_server_free(struct tls_server *t);

/* A bufferevent that will accept a TLS handshake on fd. It owns fd and the
 * SSL object from here on, even on failure (NULL is returned and both are
 * closed). */
struct bufferevent *tls_server_bufferevent(struct tls_server *t, struct event_base *base,
					   evutil_socket_t fd);

struct tls_peer {
	char version[16];
	char cipher[64];
	char subject[256];    /* client certificate subject, "" if none */
	char fingerprint[65]; /* its SHA-256, hex, "" if none */
};

/* After the handshake: negotiated version, cipher, client certificate. */
void tls_peer_describe(struct bufferevent *bev, struct tls_peer *peer);
/* The OpenSSL errors behind a BEV_EVENT_ERROR, as one line. */
void tls_error_describe(struct bufferevent *bev, char *buf, size_t size);
/* Sends close_notify (one non-blocking attempt) before the bufferevent is
 * freed, so well-behaved clients see a clean end. */
void tls_close_notify(struct bufferevent *bev);

#endif
