/*
 * TLS with libevent 2.1.12 and OpenSSL 3.0, following the traps listed in
 * STYLE.md point 11:
 *  - SSL_OP_IGNORE_UNEXPECTED_EOF: without it a client's plain TCP close is
 *    reported as an error by OpenSSL 3 through libevent 2.1;
 *  - bufferevents with BEV_OPT_CLOSE_ON_FREE and dirty shutdown allowed;
 *    after bufferevent_openssl_socket_new nothing else frees the SSL or fd;
 *  - we never call SSL_read/SSL_write ourselves.
 * The context is reference counted by OpenSSL, so a SIGHUP reload can swap
 * it while live connections keep the old one.
 */
#include "tls.h"

#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

/* TLS 1.2 suites: forward secrecy and AEAD only. TLS 1.3 suites are all
 * AEAD already. */
#define TLS12_CIPHERS                                                                              \
	"ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"                               \
	"ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"                               \
	"ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"

struct tls_server {
	SSL_CTX *ctx;
	char *cert_file;
	char *key_file;
	char *client_ca_file;
};

static char *ssl_errors(void)
{
	char buf[512] = "";
	size_t n = 0;
	unsigned long e;
	while ((e = ERR_get_error()) != 0) {
		char one[256];
		ERR_error_string_n(e, one, sizeof one);
		n += (size_t)snprintf(buf + n, n < sizeof buf ? sizeof buf - n : 0, "%s%s",
				      n ? "; " : "", one);
		if (n >= sizeof buf)
			n = sizeof buf - 1;
	}
	return xstrdup(buf[0] ? buf : "unknown TLS error");
}

static SSL_CTX *make_ctx(const struct tls_server *t, char **cause)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		char *e = ssl_errors();
		*cause = xasprintf("cannot create TLS context: %s", e);
		free(e);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION |
				     SSL_OP_IGNORE_UNEXPECTED_EOF |
				     SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	if (SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS) != 1)
		goto fail;
	if (SSL_CTX_use_certificate_chain_file(ctx, t->cert_file) != 1) {
		char *e = ssl_errors();
		*cause = xasprintf("cannot load certificate %s: %s", t->cert_file, e);
		free(e);
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, t->key_file, SSL_FILETYPE_PEM) != 1) {
		char *e = ssl_errors();
		*cause = xasprintf("cannot load private key %s: %s", t->key_file, e);
		free(e);
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		ERR_clear_error();
		*cause = xasprintf("private key %s does not match certificate %s", t->key_file,
				   t->cert_file);
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (t->client_ca_file) {
		if (SSL_CTX_load_verify_locations(ctx, t->client_ca_file, NULL) != 1) {
			char *e = ssl_errors();
			*cause = xasprintf("cannot load client CA %s: %s", t->client_ca_file, e);
			free(e);
			SSL_CTX_free(ctx);
			return NULL;
		}
		STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(t->client_ca_file);
		if (names)
			SSL_CTX_set_client_CA_list(ctx, names);
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	}
	return ctx;
fail : {
	char *e = ssl_errors();
	*cause = xasprintf("cannot configure TLS: %s", e);
	free(e);
	SSL_CTX_free(ctx);
	return NULL;
}
}

struct tls_server *tls_server_new(const char *cert_file, const char *key_file,
				  const char *client_ca_file, char **cause)
{
	struct tls_server *t = xcalloc(1, sizeof *t);
	t->cert_file = xstrdup(cert_file);
	t->key_file = xstrdup(key_file);
	t->client_ca_file = client_ca_file ? xstrdup(client_ca_file) : NULL;
	t->ctx = make_ctx(t, cause);
	if (t->ctx == NULL) {
		tls_server_free(t);
		return NULL;
	}
	return t;
}

int tls_server_reload(struct tls_server *t, char **cause)
{
	SSL_CTX *ctx = make_ctx(t, cause);
	if (ctx == NULL)
		return -1;
	SSL_CTX_free(t->ctx); /* live SSL objects hold their own references */
	t->ctx = ctx;
	return 0;
}

void tls_server_free(struct tls_server *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t->cert_file);
	free(t->key_file);
	free(t->client_ca_file);
	free(t);
}

struct bufferevent *tls_server_bufferevent(struct tls_server *t, struct event_base *base,
					   evutil_socket_t fd)
{
	SSL *ssl = SSL_new(t->ctx);
	if (ssl == NULL) {
		char *e = ssl_errors();
		log_error("tls: SSL_new: %s", e);
		free(e);
		evutil_closesocket(fd);
		return NULL;
	}
	/* From here libevent owns ssl and fd, also if this call fails. */
	struct bufferevent *bev = bufferevent_openssl_socket_new(
	    base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		log_error("tls: cannot create TLS bufferevent");
		return NULL;
	}
	bufferevent_openssl_set_allow_dirty_shutdown(bev, 1);
	return bev;
}

void tls_peer_describe(struct bufferevent *bev, struct tls_peer *peer)
{
	memset(peer, 0, sizeof *peer);
	SSL *ssl = bufferevent_openssl_get_ssl(bev);
	if (ssl == NULL)
		return;
	snprintf(peer->version, sizeof peer->version, "%s", SSL_get_version(ssl));
	snprintf(peer->cipher, sizeof peer->cipher, "%s", SSL_get_cipher_name(ssl));
	X509 *cert = SSL_get1_peer_certificate(ssl);
	if (cert == NULL)
		return;
	X509_NAME_oneline(X509_get_subject_name(cert), peer->subject, sizeof peer->subject);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (X509_digest(cert, EVP_sha256(), md, &mdlen) == 1) {
		for (unsigned int i = 0; i < mdlen && 2 * i + 2 < sizeof peer->fingerprint; i++)
			snprintf(peer->fingerprint + 2 * i, 3, "%02x", md[i]);
	}
	X509_free(cert);
}

void tls_error_describe(struct bufferevent *bev, char *buf, size_t size)
{
	size_t n = 0;
	buf[0] = '\0';
	unsigned long e;
	while ((e = bufferevent_get_openssl_error(bev)) != 0) {
		char one[256];
		ERR_error_string_n(e, one, sizeof one);
		int w = snprintf(buf + n, size - n, "%s%s", n ? "; " : "", one);
		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
	if (buf[0] == '\0')
		snprintf(buf, size, "%s", evutil_socket_error_to_string(EVUTIL_SOCKET_ERROR()));
}

void tls_close_notify(struct bufferevent *bev)
{
	SSL *ssl = bufferevent_openssl_get_ssl(bev);
	if (ssl != NULL && SSL_is_init_finished(ssl)) {
		SSL_set_shutdown(ssl, SSL_RECEIVED_SHUTDOWN); /* do not wait for the peer's */
		(void)SSL_shutdown(ssl);
		ERR_clear_error();
	}
}
