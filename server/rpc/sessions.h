/*
 * Live sessions, in memory on the loop thread, mirroring the sessions table.
 * Every authenticated request checks its session here, so a logout,
 * revocation or password change takes effect on the very next request on
 * every connection, without a database read on the hot path.
 * Owned and used by the loop thread only.
 */
#ifndef ASSURE_SESSIONS_H
#define ASSURE_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto.h"
#include "permissions.h"
#include "rate.h"

struct session {
	int64_t id;
	uint8_t token_hash[CRYPTO_SHA256_LEN];
	int64_t user_id;
	char *username;
	char *display_name;
	char *role;
	char *site;
	char *client_addr;
	char *cert_subject;
	char **roles;
	size_t nroles;
	perm_mask perms;
	int64_t created_at;
	int64_t last_seen_at;
	int64_t persisted_last_seen_at;
	int64_t expires_at;
	bool must_change_password;
	bool revoked;
	struct rate_bucket rate; /* session-rate, over every connection using it */
	struct session *next;	 /* hash chain */
};

enum session_state {
	SESSION_VALID,
	SESSION_UNKNOWN,
	SESSION_REVOKED,
	SESSION_IDLE_EXPIRED,
	SESSION_EXPIRED,
};

struct session_table;

struct session_table *session_table_new(void);
void session_table_free(struct session_table *t);
/* Takes ownership of s. */
void session_table_add(struct session_table *t, struct session *s);
/* The session with this token hash, or NULL. */
struct session *session_table_find(struct session_table *t, const uint8_t hash[CRYPTO_SHA256_LEN]);
/* Whether s may be used at now_ms, given the idle timeout. */
enum session_state session_state(const struct session *s, int64_t now_ms, int64_t idle_ms);
const char *session_state_message(enum session_state st);
/* Marks every session of user_id revoked except keep_id (0: none kept). */
void session_table_revoke_user(struct session_table *t, int64_t user_id, int64_t keep_id);
/* Removes and frees sessions that are revoked or expired at now_ms. */
size_t session_table_prune(struct session_table *t, int64_t now_ms, int64_t idle_ms);
/* Calls fn for each session. fn must not add or remove sessions. */
void session_table_foreach(struct session_table *t, void (*fn)(struct session *, void *),
			   void *arg);
size_t session_table_count(const struct session_table *t);
void session_free(struct session *s);

#endif
