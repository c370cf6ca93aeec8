/*
 * RFC 5425 syslog over TLS (audit_syslog.h). TLS itself is
 * common/tls_client.c's, so this file stays free of OpenSSL, as STYLE.md
 * asks; it adds the TCP connect (with a deadline, every address of the
 * name in turn) and the octet-counting frame. A failed write closes the
 * connection: RFC 5425 has no acknowledgements, so the caller resends
 * from its durable cursor and the collector de-duplicates by the seq in
 * the structured data.
 */
#include "audit_syslog.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client.h"
#include "config.h"
#include "timeutil.h"
#include "tls_client.h"
#include "xmalloc.h"

#define SYSLOG_CONNECT_MS 10000
#define SYSLOG_WRITE_MS 30000

struct audit_syslog {
	char *hostport;
	char *ca_file;
	struct tls_client_ctx *ctx;
	struct tls_stream *tls;
};

int audit_syslog_parse_url(const char *url, char **hostport, char **cause)
{
	if (strncmp(url, "tls://", 6) != 0) {
		*cause = xasprintf("--syslog: \"%s\" must be tls://HOST[:PORT] (plain TCP and UDP "
				   "would send the audit trail in clear)",
				   url);
		return -1;
	}
	const char *hp = url + 6;
	size_t n = strlen(hp);
	if (n > 0 && hp[n - 1] == '/')
		n--;
	char *s = xstrndup(hp, n);
	/* A port is present if the text after the host (past any ']') has a
	 * colon. */
	const char *after = s[0] == '[' ? strchr(s, ']') : s;
	char *full = after != NULL && strchr(after, ':') != NULL
			 ? xstrdup(s)
			 : xasprintf("%s:%s", s, AUDIT_SYSLOG_DEFAULT_PORT);
	free(s);
	char *host = NULL, *port = NULL, *why = NULL;
	if (config_parse_hostport(full, &host, &port, &why) < 0) {
		*cause = xasprintf("--syslog: %s", why);
		free(why);
		free(full);
		return -1;
	}
	free(host);
	free(port);
	*hostport = full;
	return 0;
}

struct audit_syslog *audit_syslog_new(const char *hostport, const char *ca_file)
{
	struct audit_syslog *s = xcalloc(1, sizeof *s);
	s->hostport = xstrdup(hostport);
	s->ca_file = xstrdup(ca_file);
	return s;
}

int audit_syslog_connect(struct audit_syslog *s, char **cause)
{
	if (s->tls != NULL)
		return 0;
	if (s->ctx == NULL) {
		char *why = NULL;
		s->ctx = tls_client_ctx_new(s->ca_file, NULL, NULL, &why);
		if (s->ctx == NULL) {
			*cause = xasprintf("syslog: %s", why);
			free(why);
			return -1;
		}
	}
	char *host = NULL, *port = NULL, *why = NULL;
	if (config_parse_hostport(s->hostport, &host, &port, &why) < 0) {
		*cause = xasprintf("syslog: %s", why);
		free(why);
		return -1;
	}
	int fd = client_tcp_connect(host, port, NULL, SYSLOG_CONNECT_MS, &why);
	int rc = -1;
	if (fd < 0) {
		*cause = xasprintf("syslog: %s", why);
		free(why);
	} else {
		rc = tls_stream_open(s->ctx, fd, host, SYSLOG_CONNECT_MS, &s->tls, &why);
		if (rc < 0) {
			*cause = xasprintf("syslog %s: %s", s->hostport, why);
			free(why);
			s->tls = NULL;
		}
	}
	free(host);
	free(port);
	return rc;
}

int audit_syslog_send(struct audit_syslog *s, const char *msg, size_t len, char **cause)
{
	if (audit_syslog_connect(s, cause) < 0)
		return -1;
	/* One write for frame and message, so a record goes out in one TLS
	 * record and a failure never leaves half a frame we think was sent. */
	char *frame = xmalloc(len + 24);
	int h = snprintf(frame, 24, "%zu ", len);
	memcpy(frame + h, msg, len);
	char *why = NULL;
	int rc = tls_stream_write_full(s->tls, frame, (size_t)h + len, SYSLOG_WRITE_MS, &why);
	free(frame);
	if (rc < 0) {
		*cause = xasprintf("syslog %s: %s", s->hostport, why);
		free(why);
		tls_stream_abort(s->tls);
		s->tls = NULL;
	}
	return rc;
}

void audit_syslog_free(struct audit_syslog *s)
{
	if (s == NULL)
		return;
	tls_stream_close(s->tls);
	tls_client_ctx_free(s->ctx);
	free(s->hostport);
	free(s->ca_file);
	free(s);
}
