/*
 * The client side of TLS: the only client file that includes OpenSSL.
 * Blocking streams over a connected socket with poll(2) timeouts, used by
 * the client library (and through it the CLI, assure-audit, the bench and
 * the tests). Verifies the server certificate against a CA file and the
 * host name or IP address the user asked for (SSL_set1_host / set1_ip).
 */
#ifndef ASSURE_TLS_CLIENT_H
#define ASSURE_TLS_CLIENT_H

#include <stddef.h>

struct tls_client_ctx;
struct tls_stream;

/* TLS 1.2 minimum, AEAD suites only; cert_file/key_file optional (mutual
 * TLS). Returns NULL with *cause set on failure. */
struct tls_client_ctx *tls_client_ctx_new(const char *ca_file, const char *cert_file,
					  const char *key_file, char **cause);
void tls_client_ctx_free(struct tls_client_ctx *ctx);

/* Handshakes on a connected, non-blocking fd and verifies host. The stream
 * owns fd from here on, also on failure (it is closed). Returns 0, or -1
 * with *cause like "certificate verify failed: unable to get local issuer
 * certificate". */
int tls_stream_open(struct tls_client_ctx *ctx, int fd, const char *host, int timeout_ms,
		    struct tls_stream **out, char **cause) __attribute__((warn_unused_result));
/* Reads exactly n bytes. 0 ok; 1 the peer closed before the first byte;
 * -1 error or timeout (cause set). */
int tls_stream_read_full(struct tls_stream *s, void *buf, size_t n, int timeout_ms, char **cause)
    __attribute__((warn_unused_result));
/* Writes all n bytes. 0 ok, -1 error (cause set). */
int tls_stream_write_full(struct tls_stream *s, const void *buf, size_t n, int timeout_ms,
			  char **cause) __attribute__((warn_unused_result));
/* 1 if the last read or write failed on a TLS alert from the server (for
 * example "certificate required", which TLS 1.3 sends after the client's
 * handshake has finished): the alert is the server's reason, where a
 * following EPIPE or reset is only its echo. */
int tls_stream_got_alert(const struct tls_stream *s);
/* The negotiated protocol, e.g. "TLSv1.3", and cipher. */
const char *tls_stream_version(const struct tls_stream *s);
const char *tls_stream_cipher(const struct tls_stream *s);
/* Sends close_notify (best effort), closes fd, frees; accepts NULL. */
void tls_stream_close(struct tls_stream *s);
/* Closes fd without close_notify (to test a dirty EOF); accepts NULL. */
void tls_stream_abort(struct tls_stream *s);

#endif
