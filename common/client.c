/*
 * The client connection library (client.h): TCP connect with a deadline to
 * each address of the server in turn, TLS through tls_client.c, and frames
 * of Request/Response through frame.c. Blocking; one struct client belongs
 * to one thread.
 *
 * Ownership: the client owns its TLS context and stream. A packed request
 * lives only inside client_send and is wiped there (a Login carries a
 * password); a received frame body is wiped once unpacked (a Login response
 * carries a token). Unpacked responses belong to the caller.
 *
 * Connection-level errors: a Response with id 0 and a non-OK status is the
 * server's last word before it closes ("frame too large ..."). It is kept,
 * so that the close which follows is reported with the server's reason
 * rather than a bare "server closed the connection". After any transport
 * or framing error the stream is out of step and the client is marked dead:
 * every later call repeats the reason instead of reading garbage.
 */
#include "client.h"

#include <errno.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "frame.h"
#include "status.h"
#include "timeutil.h"
#include "tls_client.h"
#include "version.h"
#include "xmalloc.h"

#define CLIENT_DEFAULT_CONNECT_TIMEOUT_MS 10000
#define CLIENT_DEFAULT_IO_TIMEOUT_MS 30000
/* After a failed write, how long to look for the server's parting
 * message (it is normally already in our receive buffer). */
#define CLIENT_PARTING_WAIT_MS 1000

struct client {
	struct tls_client_ctx *ctx;
	struct tls_stream *tls;
	int io_timeout_ms;
	uint32_t max_frame;
	uint64_t last_id;
	char *server_error; /* message of an id-0 error response, or NULL */
	char *dead;	    /* why the stream is unusable, or NULL */
};

/* --- TCP -------------------------------------------------------------- */

/* "127.0.0.1:7443" or "[::1]:7443" for messages. */
static char *addr_string(const struct sockaddr *sa, socklen_t len)
{
	char host[NI_MAXHOST], port[NI_MAXSERV];
	if (getnameinfo(sa, len, host, sizeof host, port, sizeof port,
			NI_NUMERICHOST | NI_NUMERICSERV) != 0)
		return xstrdup("(unprintable address)");
	if (sa->sa_family == AF_INET6)
		return xasprintf("[%s]:%s", host, port);
	return xasprintf("%s:%s", host, port);
}

/* Binds fd (of family) to the numeric address source, any port. */
static int bind_source(int fd, int family, const char *source, const char *where, char **cause)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	socklen_t len = 0;
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		if (inet_pton(AF_INET, source, &in->sin_addr) == 1)
			len = sizeof *in;
	} else if (family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		if (inet_pton(AF_INET6, source, &in6->sin6_addr) == 1)
			len = sizeof *in6;
	}
	if (len == 0) {
		*cause =
		    xasprintf("cannot connect to %s from %s: not a numeric address of the same "
			      "family",
			      where, source);
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
		*cause = xasprintf("cannot connect to %s from %s: bind: %s", where, source,
				   strerror(errno));
		return -1;
	}
	return 0;
}

/* One non-blocking connect with a deadline. Returns the connected fd, or
 * -1 with *cause naming the address. */
static int tcp_connect_one(const struct addrinfo *ai, const char *source, int timeout_ms,
			   char **cause)
{
	char *where = addr_string(ai->ai_addr, ai->ai_addrlen);
	int fd =
	    socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		*cause = xasprintf("cannot connect to %s: socket: %s", where, strerror(errno));
		free(where);
		return -1;
	}
	if (source != NULL && bind_source(fd, ai->ai_family, source, where, cause) < 0) {
		close(fd);
		free(where);
		return -1;
	}
	int err = 0;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
		err = errno;
		if (err == EINPROGRESS) {
			int64_t deadline = time_mono_ms() + timeout_ms;
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};
			for (;;) {
				int64_t left = deadline - time_mono_ms();
				if (left <= 0) {
					err = ETIMEDOUT;
					break;
				}
				int n = poll(&pfd, 1, (int)left);
				if (n < 0 && errno == EINTR)
					continue;
				if (n < 0) {
					err = errno;
					break;
				}
				if (n == 0)
					continue; /* the top of the loop sees the deadline */
				socklen_t len = sizeof err;
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
					err = errno;
				break;
			}
		}
	}
	if (err == 0) {
		/* Requests are small and answered one by one: Nagle would
		 * hold a pipelined second frame for a delayed ACK. */
		int one = 1;
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		free(where);
		return fd;
	}
	close(fd);
	if (err == ECONNREFUSED)
		*cause = xasprintf("connection refused by %s", where);
	else if (err == ETIMEDOUT)
		*cause = xasprintf("connection to %s timed out after %d ms", where, timeout_ms);
	else
		*cause = xasprintf("cannot connect to %s: %s", where, strerror(err));
	free(where);
	return -1;
}

/* Every address of host in turn; the first that answers wins. When all
 * fail, the cause lists each address's failure. */
int client_tcp_connect(const char *host, const char *port, const char *source, int timeout_ms,
		       char **cause)
{
	struct addrinfo hints = {0}, *res = NULL;
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		*cause = xasprintf("cannot resolve %s: %s", host,
				   rc == EAI_SYSTEM ? strerror(errno) : gai_strerror(rc));
		return -1;
	}
	char *all = NULL;
	int fd = -1;
	for (const struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next) {
		char *one = NULL;
		fd = tcp_connect_one(ai, source, timeout_ms, &one);
		if (fd >= 0)
			break;
		if (all == NULL) {
			all = one;
		} else {
			char *joined = xasprintf("%s; %s", all, one);
			free(all);
			free(one);
			all = joined;
		}
	}
	freeaddrinfo(res);
	if (fd < 0)
		*cause = all != NULL ? all : xasprintf("cannot resolve %s: no addresses", host);
	else
		free(all);
	return fd;
}

/* --- connection ------------------------------------------------------- */

int client_connect(const struct client_config *cfg, struct client **out, char **cause)
{
	*out = NULL;
	if (cfg->server == NULL || *cfg->server == '\0') {
		*cause = xstrdup("no server address given");
		return -1;
	}
	char *host = NULL, *port = NULL, *why = NULL;
	if (config_parse_hostport(cfg->server, &host, &port, &why) < 0) {
		*cause = xasprintf("invalid server address: %s", why);
		free(why);
		return -1;
	}
	int connect_timeout = cfg->connect_timeout_ms > 0 ? cfg->connect_timeout_ms
							  : CLIENT_DEFAULT_CONNECT_TIMEOUT_MS;

	/* The TLS context first: a missing CA file is reported without
	 * touching the network. */
	struct tls_client_ctx *ctx =
	    tls_client_ctx_new(cfg->ca_file, cfg->cert_file, cfg->key_file, cause);
	if (ctx == NULL) {
		free(host);
		free(port);
		return -1;
	}
	int fd = client_tcp_connect(host, port, cfg->source_addr, connect_timeout, cause);
	if (fd < 0) {
		tls_client_ctx_free(ctx);
		free(host);
		free(port);
		return -1;
	}
	struct tls_stream *tls = NULL;
	int rc = tls_stream_open(ctx, fd, host, connect_timeout, &tls, cause);
	free(host);
	free(port);
	if (rc < 0) {
		tls_client_ctx_free(ctx);
		return -1;
	}

	struct client *c = xcalloc(1, sizeof *c);
	c->ctx = ctx;
	c->tls = tls;
	c->io_timeout_ms = cfg->io_timeout_ms == 0  ? CLIENT_DEFAULT_IO_TIMEOUT_MS
			   : cfg->io_timeout_ms < 0 ? -1
						    : cfg->io_timeout_ms;
	c->max_frame = cfg->max_frame != 0 ? cfg->max_frame : FRAME_DEFAULT_MAX;
	*out = c;
	return 0;
}

static void client_release(struct client *c)
{
	tls_client_ctx_free(c->ctx);
	free(c->server_error);
	free(c->dead);
	free(c);
}

void client_free(struct client *c)
{
	if (c == NULL)
		return;
	tls_stream_close(c->tls);
	client_release(c);
}

void client_abort(struct client *c)
{
	if (c == NULL)
		return;
	tls_stream_abort(c->tls);
	client_release(c);
}

const char *client_tls_version(const struct client *c)
{
	return tls_stream_version(c->tls);
}

uint64_t client_next_id(struct client *c)
{
	return ++c->last_id;
}

/* Marks the stream unusable and gives the caller its own copy of why. */
static int client_fail(struct client *c, char *why, char **cause)
{
	if (c->dead == NULL)
		c->dead = xstrdup(why);
	*cause = why;
	return -1;
}

static int client_check_alive(struct client *c, char **cause)
{
	if (c->dead == NULL)
		return 0;
	*cause = xstrdup(c->dead);
	return -1;
}

static char *closed_message(const struct client *c)
{
	if (c->server_error != NULL)
		return xasprintf("server closed the connection: %s", c->server_error);
	return xstrdup("server closed the connection");
}

/* --- frames ----------------------------------------------------------- */

/* Reads one frame and unpacks it; the transport half of client_recv. */
static int recv_response(struct client *c, int timeout_ms, Assure__Response **out, char **cause)
{
	uint8_t hdr[FRAME_HEADER_SIZE];
	char *why = NULL;
	int rc = tls_stream_read_full(c->tls, hdr, sizeof hdr, timeout_ms, &why);
	if (rc == 1)
		return client_fail(c, closed_message(c), cause);
	if (rc < 0)
		return client_fail(c, why, cause);

	uint32_t len = 0;
	enum frame_result fr = frame_peek(hdr, sizeof hdr, c->max_frame, &len);
	if (fr == FRAME_EMPTY)
		return client_fail(c, xstrdup("server sent an empty frame"), cause);
	if (fr == FRAME_TOO_LARGE)
		return client_fail(c,
				   xasprintf("server sent a frame of %u bytes (limit %u bytes)",
					     frame_get_header(hdr), c->max_frame),
				   cause);

	uint8_t *body = xmalloc(len);
	rc = tls_stream_read_full(c->tls, body, len, timeout_ms, &why);
	if (rc != 0) {
		freezero(body, len);
		if (rc == 1)
			why = xstrdup("server closed the connection in the middle of a frame");
		return client_fail(c, why, cause);
	}
	Assure__Response *resp = assure__response__unpack(NULL, len, body);
	/* The body may hold a session token: wipe it. */
	freezero(body, len);
	if (resp == NULL)
		return client_fail(c, xstrdup("server sent a response that does not decode"),
				   cause);
	if (resp->id == 0 && client_status_code(resp) != ASSURE__CODE__OK) {
		free(c->server_error);
		c->server_error = xstrdup(client_status_message(resp));
	}
	*out = resp;
	return 0;
}

int client_recv(struct client *c, Assure__Response **out, char **cause)
{
	*out = NULL;
	if (client_check_alive(c, cause) < 0)
		return -1;
	return recv_response(c, c->io_timeout_ms, out, cause);
}

/*
 * A write failed: the server has probably closed after telling us why (a
 * frame over its limit, too many connections, a TLS alert). Look for that
 * parting word briefly; if found, it names the cause better than EPIPE.
 * (OpenSSL does not put the connection in its failed state for a socket
 * write error, so the bytes already received can still be read; if they
 * cannot, the read fails at once and the write's error stands.)
 */
static char *parting_reason(struct client *c, char *write_error)
{
	for (;;) {
		Assure__Response *resp = NULL;
		char *read_error = NULL;
		if (recv_response(c, CLIENT_PARTING_WAIT_MS, &resp, &read_error) < 0) {
			/* A TLS alert (say, a client certificate the server
			 * wanted after a TLS 1.3 handshake) is the server's
			 * own reason; EPIPE is only its echo. */
			if (c->server_error == NULL && tls_stream_got_alert(c->tls)) {
				free(write_error);
				return read_error;
			}
			free(read_error);
			break;
		}
		assure__response__free_unpacked(resp, NULL);
		if (c->server_error != NULL)
			break;
	}
	if (c->server_error == NULL)
		return write_error;
	free(write_error);
	return closed_message(c);
}

static int send_bytes(struct client *c, const void *buf, size_t n, char **cause)
{
	char *why = NULL;
	if (tls_stream_write_full(c->tls, buf, n, c->io_timeout_ms, &why) == 0)
		return 0;
	why = parting_reason(c, why);
	/* parting_reason may have marked the client dead already, with a
	 * read error; the write's reason is the one to report. */
	free(c->dead);
	c->dead = NULL;
	return client_fail(c, why, cause);
}

int client_send(struct client *c, Assure__Request *req, char **cause)
{
	if (client_check_alive(c, cause) < 0)
		return -1;
	if (req->id == 0)
		req->id = client_next_id(c);
	size_t n = 0;
	uint8_t *frame = frame_pack(&req->base, c->max_frame, &n);
	if (frame == NULL) {
		/* Not a transport failure: the connection stays usable. */
		*cause = xasprintf("request too large (%zu bytes, limit %u bytes)",
				   protobuf_c_message_get_packed_size(&req->base), c->max_frame);
		return -1;
	}
	int rc = send_bytes(c, frame, n, cause);
	/* A Login or PasswordChange frame holds a password. */
	freezero(frame, n);
	return rc;
}

int client_send_raw(struct client *c, const void *buf, size_t n, char **cause)
{
	if (client_check_alive(c, cause) < 0)
		return -1;
	return send_bytes(c, buf, n, cause);
}

int client_call(struct client *c, Assure__Request *req, Assure__Response **out, char **cause)
{
	*out = NULL;
	if (client_send(c, req, cause) < 0)
		return -1;
	Assure__Response *resp = NULL;
	if (client_recv(c, &resp, cause) < 0)
		return -1;
	if (resp->id == 0 && client_status_code(resp) != ASSURE__CODE__OK) {
		assure__response__free_unpacked(resp, NULL);
		*cause = closed_message(c);
		return -1;
	}
	if (resp->id != req->id) {
		/* Only possible if the caller pipelined other requests and
		 * then used client_call, or the server is broken: either way
		 * the caller must not take this answer for its own. */
		*cause = xasprintf("response id %llu does not match request id %llu",
				   (unsigned long long)resp->id, (unsigned long long)req->id);
		assure__response__free_unpacked(resp, NULL);
		return -1;
	}
	*out = resp;
	return 0;
}

int client_hello(struct client *c, const char *client_name, char **cause)
{
	Assure__HelloRequest hello = ASSURE__HELLO_REQUEST__INIT;
	hello.protocol_version = ASSURE_PROTOCOL_VERSION;
	hello.client_name = (char *)(client_name != NULL ? client_name : "");
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_HELLO;
	req.hello = &hello;

	Assure__Response *resp = NULL;
	if (client_call(c, &req, &resp, cause) < 0)
		return -1;
	int code = client_status_code(resp);
	if (code != ASSURE__CODE__OK) {
		const char *msg = client_status_message(resp);
		*cause = *msg != '\0'
			     ? xstrdup(msg)
			     : xasprintf("server refused hello (%s)", status_code_name(code));
		assure__response__free_unpacked(resp, NULL);
		return -1;
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

int client_status_code(const Assure__Response *resp)
{
	return resp->status != NULL ? (int)resp->status->code : ASSURE__CODE__OK;
}

const char *client_status_message(const Assure__Response *resp)
{
	if (resp->status == NULL || resp->status->message == NULL)
		return "";
	return resp->status->message;
}
