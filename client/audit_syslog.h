/*
 * assure-audit's syslog output: RFC 5424 messages (formatted by
 * audit_syslog_format) sent over TLS with RFC 5425 octet-counting framing,
 * "LEN SP MSG", to a collector whose certificate must chain to the given
 * CA and name the host we dialled. Blocking, one connection, one thread.
 */
#ifndef ASSURE_AUDIT_SYSLOG_H
#define ASSURE_AUDIT_SYSLOG_H

#include <stddef.h>

#define AUDIT_SYSLOG_DEFAULT_PORT "6514"

struct audit_syslog;

/* Parses "tls://HOST[:PORT]" (port 6514 by default; IPv6 in brackets)
 * into a new "HOST:PORT" (caller frees). 0, or -1 with *cause. */
int audit_syslog_parse_url(const char *url, char **hostport, char **cause)
    __attribute__((warn_unused_result));

/* A sender for hostport verified with ca_file; nothing is connected until
 * the first send. Never NULL. */
struct audit_syslog *audit_syslog_new(const char *hostport, const char *ca_file);
/* Connects (10 s for TCP and TLS each) if not connected. 0 or -1 with *cause. */
int audit_syslog_connect(struct audit_syslog *s, char **cause) __attribute__((warn_unused_result));
/* Sends one message, framed; connects first if needed. 0, or -1 with
 * *cause, after which the connection is closed (the next send redials). */
int audit_syslog_send(struct audit_syslog *s, const char *msg, size_t len, char **cause)
    __attribute__((warn_unused_result));
/* Closes the connection (close_notify) and frees; accepts NULL. */
void audit_syslog_free(struct audit_syslog *s);

#endif
