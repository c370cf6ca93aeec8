/*
 * The client side of TLS, and the only client-side file that includes
 * OpenSSL (STYLE.md points 1 and 11). A tls_client_ctx is an SSL_CTX set up
 * once per connection attempt: TLS 1.2 minimum, ECDHE AEAD suites only,
 * peer verification against one CA file. A tls_stream is one SSL over a
 * connected non-blocking socket; every call waits with poll(2) so that each
 * step has a deadline and a dead server cannot hang the CLI.
 *
 * Ownership: the stream owns its fd from tls_stream_open on (also when the
 * handshake fails) and closes it in tls_stream_close/abort. SSL objects
 * hold their own reference to the SSL_CTX, but callers keep the context
 * until the stream is gone, which keeps the rule simple.
 *
 * Errors become sentences here, in one place: a failed certificate check
 * is named from the verify result ("certificate verify failed: hostname
 * mismatch"), anything else from the OpenSSL error queue. The queue is
 * cleared before each SSL call (SSL_get_error reads it) and drained after
 * every failure, so a stale error never leaks into a later message.
 *
 * SIGPIPE: OpenSSL writes to the socket with write(2), which raises SIGPIPE
 * when the server has gone. A library must not change the process's signal
 * dispositions, so SIGPIPE is blocked around each SSL call and a SIGPIPE we
 * caused is consumed before unblocking (the libpq technique). The write
 * then fails with EPIPE and becomes an ordinary error.
 */
#include "tls_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "timeutil.h"
#include "xmalloc.h"

/* TLS 1.2 suites: forward secrecy and AEAD only. TLS 1.3 suites are all
 * AEAD; they are pinned too, so a system openssl.cnf cannot widen them. */
#define TLS_CLIENT_CIPHERS_12                                                                      \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"                               \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"                               \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
#define TLS_CLIENT_CIPHERS_13                                                                      \
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

struct tls_client_ctx {
	SSL_CTX *ssl_ctx;
};

struct tls_stream {
	SSL *ssl;
	int fd;
	int got_alert; /* the last failure was an alert from the server */
	int fatal;     /* an SSL_ERROR_SSL/_SYSCALL happened: no close_notify now */
};

/* --- errors ----------------------------------------------------------- */

/* The reason of the oldest queued OpenSSL error ("no certificate or crl
 * found"), or fallback; drains the queue either way. */
static char *openssl_reason(const char *fallback)
{
	unsigned long e = ERR_get_error();
	char *r;
	if (e == 0) {
		r = xstrdup(fallback);
	} else {
		const char *reason = ERR_reason_error_string(e);
		if (reason != NULL) {
			r = xstrdup(reason);
		} else {
			char buf[256];
			ERR_error_string_n(e, buf, sizeof buf);
			r = xstrdup(buf);
		}
	}
	ERR_clear_error();
	return r;
}

static void set_openssl_cause(char **cause, const char *what, const char *fallback)
{
	char *reason = openssl_reason(fallback);
	*cause = xasprintf("%s: %s", what, reason);
	free(reason);
}

/* --- SIGPIPE guard (see the top of the file) -------------------------- */

struct sigpipe_guard {
	sigset_t old_mask;
	int was_pending;
};

static void sigpipe_block(struct sigpipe_guard *g)
{
	sigset_t pipe_set, pending;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &g->old_mask);
	sigemptyset(&pending);
	sigpending(&pending);
	g->was_pending = sigismember(&pending, SIGPIPE);
}

static void sigpipe_unblock(struct sigpipe_guard *g)
{
	if (!g->was_pending) {
		sigset_t pipe_set, pending;
		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		sigemptyset(&pending);
		sigpending(&pending);
		if (sigismember(&pending, SIGPIPE)) {
			/* Ours: take it off the pending set so unblocking
			 * does not deliver it. */
			struct timespec zero = {0, 0};
			while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
				;
		}
	}
	pthread_sigmask(SIG_SETMASK, &g->old_mask, NULL);
}

/* --- waiting ---------------------------------------------------------- */

static int64_t deadline_after(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : time_mono_ms() + timeout_ms;
}

/*
 * Waits until fd is ready for what OpenSSL asked (SSL_ERROR_WANT_READ or
 * _WRITE). 0 ready; -1 with *cause on timeout or a poll failure. what names
 * the step for the message ("TLS handshake", "reading from the server").
 */
static int wait_for_ssl(int fd, int ssl_err, int64_t deadline, int timeout_ms, const char *what,
			char **cause)
{
	struct pollfd pfd = {.fd = fd,
			     .events = ssl_err == SSL_ERROR_WANT_WRITE ? POLLOUT : POLLIN};
	for (;;) {
		int wait_ms = -1;
		if (deadline >= 0) {
			int64_t left = deadline - time_mono_ms();
			if (left <= 0) {
				*cause = xasprintf("%s timed out after %d ms", what, timeout_ms);
				return -1;
			}
			wait_ms = left > 1000000000 ? 1000000000 : (int)left;
		}
		int n = poll(&pfd, 1, wait_ms);
		if (n > 0)
			return 0; /* readable, writable, or HUP/ERR: OpenSSL will say which */
		if (n < 0 && errno != EINTR) {
			*cause = xasprintf("%s: poll: %s", what, strerror(errno));
			return -1;
		}
	}
}

/* --- context ---------------------------------------------------------- */

struct tls_client_ctx *tls_client_ctx_new(const char *ca_file, const char *cert_file,
					  const char *key_file, char **cause)
{
	if (ca_file == NULL || *ca_file == '\0') {
		*cause = xstrdup("no CA file given to verify the server with");
		return NULL;
	}
	if ((cert_file == NULL || *cert_file == '\0') != (key_file == NULL || *key_file == '\0')) {
		*cause =
		    xstrdup("a client certificate needs both a certificate file and a key file");
		return NULL;
	}

	/* Name an unreadable file with errno's words; OpenSSL's
	 * "system library" reason says much less. */
	FILE *probe = fopen(ca_file, "r");
	if (probe == NULL) {
		*cause = xasprintf("cannot read CA file %s: %s", ca_file, strerror(errno));
		return NULL;
	}
	fclose(probe);

	ERR_clear_error();
	SSL_CTX *ssl_ctx = SSL_CTX_new(TLS_client_method());
	if (ssl_ctx == NULL) {
		set_openssl_cause(cause, "cannot create TLS context", "unknown error");
		return NULL;
	}
	if (SSL_CTX_set_min_proto_version(ssl_ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_cipher_list(ssl_ctx, TLS_CLIENT_CIPHERS_12) != 1 ||
	    SSL_CTX_set_ciphersuites(ssl_ctx, TLS_CLIENT_CIPHERS_13) != 1) {
		set_openssl_cause(cause, "cannot configure TLS context", "unknown error");
		SSL_CTX_free(ssl_ctx);
		return NULL;
	}
	/* IGNORE_UNEXPECTED_EOF: a server that closes without close_notify
	 * (after its last frame) reads as an ordinary close, as in the
	 * daemon; frames carry their own length, so truncation is still
	 * caught one level up. */
	SSL_CTX_set_options(ssl_ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION |
					 SSL_OP_IGNORE_UNEXPECTED_EOF);
	SSL_CTX_set_verify(ssl_ctx, SSL_VERIFY_PEER, NULL);

	if (SSL_CTX_load_verify_locations(ssl_ctx, ca_file, NULL) != 1) {
		char *what = xasprintf("cannot load CA file %s", ca_file);
		set_openssl_cause(cause, what, "no certificates in it");
		free(what);
		SSL_CTX_free(ssl_ctx);
		return NULL;
	}
	if (cert_file != NULL && *cert_file != '\0') {
		char *what = NULL;
		if (SSL_CTX_use_certificate_chain_file(ssl_ctx, cert_file) != 1)
			what = xasprintf("cannot load client certificate %s", cert_file);
		else if (SSL_CTX_use_PrivateKey_file(ssl_ctx, key_file, SSL_FILETYPE_PEM) != 1)
			what = xasprintf("cannot load client key %s", key_file);
		else if (SSL_CTX_check_private_key(ssl_ctx) != 1)
			what = xasprintf("client key %s does not match certificate %s", key_file,
					 cert_file);
		if (what != NULL) {
			set_openssl_cause(cause, what, "unknown error");
			free(what);
			SSL_CTX_free(ssl_ctx);
			return NULL;
		}
	}

	struct tls_client_ctx *ctx = xcalloc(1, sizeof *ctx);
	ctx->ssl_ctx = ssl_ctx;
	return ctx;
}

void tls_client_ctx_free(struct tls_client_ctx *ctx)
{
	if (ctx == NULL)
		return;
	SSL_CTX_free(ctx->ssl_ctx);
	free(ctx);
}

/* --- streams ---------------------------------------------------------- */

static void stream_free(struct tls_stream *s)
{
	SSL_free(s->ssl);
	if (s->fd >= 0)
		close(s->fd);
	free(s);
}

static int host_is_ip_literal(const char *host)
{
	unsigned char addr[sizeof(struct in6_addr)];
	return inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

/* Names the failure of a handshake step whose SSL_get_error was err. */
static char *handshake_failure(SSL *ssl, int err, int ret)
{
	long verify = SSL_get_verify_result(ssl);
	if (err == SSL_ERROR_SSL && verify != X509_V_OK) {
		ERR_clear_error();
		return xasprintf("certificate verify failed: %s",
				 X509_verify_cert_error_string(verify));
	}
	if (err == SSL_ERROR_ZERO_RETURN ||
	    (err == SSL_ERROR_SYSCALL && ret == 0 && errno == 0 && ERR_peek_error() == 0)) {
		ERR_clear_error();
		return xstrdup("server closed the connection during the TLS handshake");
	}
	if (err == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
		return xasprintf("TLS handshake failed: %s",
				 errno != 0 ? strerror(errno) : "connection lost");
	}
	char *reason = openssl_reason("unknown error");
	char *msg = xasprintf("TLS handshake failed: %s", reason);
	free(reason);
	return msg;
}

int tls_stream_open(struct tls_client_ctx *ctx, int fd, const char *host, int timeout_ms,
		    struct tls_stream **out, char **cause)
{
	*out = NULL;
	struct tls_stream *s = xcalloc(1, sizeof *s);
	s->fd = fd;

	/* Verification needs something to verify against: never hand
	 * SSL_set1_host a NULL or empty name, which would switch the check
	 * off. */
	if (host == NULL || *host == '\0') {
		*cause = xstrdup("no server host name to verify the certificate against");
		stream_free(s);
		return -1;
	}

	ERR_clear_error();
	s->ssl = SSL_new(ctx->ssl_ctx);
	if (s->ssl == NULL) {
		set_openssl_cause(cause, "cannot create TLS connection", "unknown error");
		stream_free(s);
		return -1;
	}
	int ok;
	if (host_is_ip_literal(host)) {
		/* An address is matched against the certificate's IP SANs;
		 * SNI carries host names only (RFC 6066 section 3). */
		ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(s->ssl), host) == 1;
	} else {
		SSL_set_hostflags(s->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		ok =
		    SSL_set1_host(s->ssl, host) == 1 && SSL_set_tlsext_host_name(s->ssl, host) == 1;
	}
	if (!ok || SSL_set_fd(s->ssl, fd) != 1) {
		char *what = xasprintf("cannot set up TLS for %s", host);
		set_openssl_cause(cause, what, "invalid host name");
		free(what);
		stream_free(s);
		return -1;
	}

	int64_t deadline = deadline_after(timeout_ms);
	for (;;) {
		struct sigpipe_guard g;
		ERR_clear_error();
		errno = 0;
		sigpipe_block(&g);
		int r = SSL_connect(s->ssl);
		int err = r == 1 ? SSL_ERROR_NONE : SSL_get_error(s->ssl, r);
		int saved_errno = errno;
		sigpipe_unblock(&g);
		errno = saved_errno;
		if (r == 1)
			break;
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
			if (wait_for_ssl(fd, err, deadline, timeout_ms, "TLS handshake", cause) <
			    0) {
				stream_free(s);
				return -1;
			}
			continue;
		}
		*cause = handshake_failure(s->ssl, err, r);
		stream_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

/* Names a failed read or write whose SSL_get_error was err. */
static char *io_failure(struct tls_stream *s, const char *what, int err)
{
	unsigned long e = ERR_peek_error();
	/* OpenSSL files a received alert under reason SSL_AD_REASON_OFFSET
	 * plus the alert number. */
	s->got_alert = ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) >= SSL_AD_REASON_OFFSET;
	/* OpenSSL forbids SSL_shutdown after these (SSL_shutdown(3)). */
	s->fatal = 1;
	if (err == SSL_ERROR_SYSCALL && e == 0)
		return xasprintf("%s: %s", what, errno != 0 ? strerror(errno) : "connection lost");
	char *reason = openssl_reason("unknown error");
	char *msg = xasprintf("%s: %s", what, reason);
	free(reason);
	return msg;
}

int tls_stream_read_full(struct tls_stream *s, void *buf, size_t n, int timeout_ms, char **cause)
{
	int64_t deadline = deadline_after(timeout_ms);
	size_t got = 0;
	while (got < n) {
		struct sigpipe_guard g;
		size_t r = 0;
		ERR_clear_error();
		errno = 0;
		sigpipe_block(&g);
		int ok = SSL_read_ex(s->ssl, (char *)buf + got, n - got, &r);
		int err = ok == 1 ? SSL_ERROR_NONE : SSL_get_error(s->ssl, 0);
		int saved_errno = errno;
		sigpipe_unblock(&g);
		errno = saved_errno;
		if (ok == 1) {
			got += r;
			continue;
		}
		switch (err) {
		case SSL_ERROR_WANT_READ:
		case SSL_ERROR_WANT_WRITE:
			if (wait_for_ssl(s->fd, err, deadline, timeout_ms,
					 "reading from the server", cause) < 0)
				return -1;
			continue;
		case SSL_ERROR_ZERO_RETURN:
			/* close_notify, or (IGNORE_UNEXPECTED_EOF) a plain
			 * TCP close: the same to us. */
			ERR_clear_error();
			if (got == 0)
				return 1;
			*cause = xasprintf("server closed the connection after %zu of %zu bytes",
					   got, n);
			return -1;
		default:
			*cause = io_failure(s, "TLS error reading from the server", err);
			return -1;
		}
	}
	return 0;
}

int tls_stream_write_full(struct tls_stream *s, const void *buf, size_t n, int timeout_ms,
			  char **cause)
{
	int64_t deadline = deadline_after(timeout_ms);
	size_t done = 0;
	while (done < n) {
		struct sigpipe_guard g;
		size_t w = 0;
		ERR_clear_error();
		errno = 0;
		sigpipe_block(&g);
		/* After WANT_*, OpenSSL needs the same arguments again; they
		 * are, since done only moves on success. */
		int ok = SSL_write_ex(s->ssl, (const char *)buf + done, n - done, &w);
		int err = ok == 1 ? SSL_ERROR_NONE : SSL_get_error(s->ssl, 0);
		int saved_errno = errno;
		sigpipe_unblock(&g);
		errno = saved_errno;
		if (ok == 1) {
			done += w;
			continue;
		}
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
			if (wait_for_ssl(s->fd, err, deadline, timeout_ms, "writing to the server",
					 cause) < 0)
				return -1;
			continue;
		}
		if (err == SSL_ERROR_ZERO_RETURN) {
			ERR_clear_error();
			*cause = xstrdup("server closed the connection");
			return -1;
		}
		*cause = io_failure(s, "TLS error writing to the server", err);
		return -1;
	}
	return 0;
}

int tls_stream_got_alert(const struct tls_stream *s)
{
	return s->got_alert;
}

const char *tls_stream_version(const struct tls_stream *s)
{
	return SSL_get_version(s->ssl);
}

const char *tls_stream_cipher(const struct tls_stream *s)
{
	return SSL_get_cipher_name(s->ssl);
}

/*
 * Closing a socket with unread bytes in its receive buffer makes the kernel
 * send a reset instead of a clean end, and a peer that has not yet read all
 * we sent then throws the rest away (rsyslog does, losing the last syslog
 * messages: TLS 1.3 session tickets we never read are enough to trigger
 * it). So: end our side, then read and discard until the peer closes, for at
 * most a second.
 */
static void drain_before_close(int fd)
{
	if (fd < 0 || shutdown(fd, SHUT_WR) != 0)
		return;
	int64_t deadline = time_mono_ms() + 1000;
	char buf[4096];
	for (;;) {
		int64_t left = deadline - time_mono_ms();
		if (left <= 0)
			return;
		struct pollfd p = {fd, POLLIN, 0};
		int r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		ssize_t n = read(fd, buf, sizeof buf);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0)
			return;
	}
}

void tls_stream_close(struct tls_stream *s)
{
	if (s == NULL)
		return;
	/* One try at close_notify: on a non-blocking socket a full send
	 * buffer means the server is not reading, and nothing is worth
	 * waiting for at this point. The peer's close_notify is not
	 * awaited (a unidirectional shutdown is enough when the connection
	 * is not reused). */
	if (!s->fatal) {
		struct sigpipe_guard g;
		ERR_clear_error();
		sigpipe_block(&g);
		(void)SSL_shutdown(s->ssl);
		sigpipe_unblock(&g);
		ERR_clear_error();
		drain_before_close(s->fd);
	}
	stream_free(s);
}

void tls_stream_abort(struct tls_stream *s)
{
	if (s == NULL)
		return;
	/* Close the socket first so SSL_free cannot send anything: the
	 * peer sees a TCP FIN without close_notify. */
	close(s->fd);
	s->fd = -1;
	stream_free(s);
}
