/*
 * The storage layer's interface: functions named for what they do, over
 * plain structs. Only store_*.c and db.c include sqlite3.h, so a PostgreSQL
 * backend can be written behind the same functions later.
 *
 * Every function returns a protocol status code (0 OK, NOT_FOUND,
 * ALREADY_EXISTS, INTERNAL ...) and on an error other than NOT_FOUND sets
 * *cause (caller frees). Records returned through out-pointers belong to
 * the caller and are freed with their _free function.
 */
#ifndef ASSURE_STORE_H
#define ASSURE_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "assure.pb-c.h"
#include "hash.h"
#include "permissions.h"

struct db;

struct user_record {
	int64_t id;
	char *username;
	char *display_name;
	char *site_code; /* "" when none */
	char *password_hash;
	int must_change_password;
	int disabled;
	int64_t version;
	char **roles; /* role names, sorted */
	size_t nroles;
	int64_t created_at;
	int64_t updated_at;
	int64_t last_login_at;
	char *updated_by; /* username of the last to change it; "" if never */
};

void user_record_free(struct user_record *u);
void user_records_free(struct user_record **v, size_t n);

enum user_state_filter { USER_FILTER_ENABLED, USER_FILTER_DISABLED, USER_FILTER_ALL };

struct user_filter {
	const char *site; /* NULL or "": any */
	const char *role; /* NULL or "": any */
	enum user_state_filter state;
	const char *after; /* paging: usernames greater than this; NULL from the start */
	unsigned limit;
};

/* Users matching f, by username, at most f->limit. */
int store_user_list(struct db *db, const struct user_filter *f, struct user_record ***out,
		    size_t *n, char **cause);
/* Changes display name and/or site (NULL: unchanged). Callers changing a
 * user call store_user_touch once afterwards: it alone bumps the version. */
int store_user_update(struct db *db, int64_t id, const char *display_name, const char *site_code,
		      int64_t now_ms, char **cause);
/* Records that `by` changed the user now: bumps version, sets updated_at
 * and updated_by. */
int store_user_touch(struct db *db, int64_t id, int64_t now_ms, const char *by, char **cause);
/* NOT_FOUND when the user does not hold the role. */
int store_user_remove_role(struct db *db, int64_t user_id, const char *role, char **cause);
int store_user_set_disabled(struct db *db, int64_t id, int disabled, const char *reason,
			    int64_t now_ms, char **cause);
int store_user_record_login(struct db *db, int64_t id, int64_t now_ms, char **cause);
/* Enabled users holding role. */
int store_user_count_enabled_with_role(struct db *db, const char *role, int64_t *count,
				       char **cause);

struct role_record {
	int64_t id;
	char *name;
	char *description;
	int builtin;
	char **permissions; /* sorted */
	size_t npermissions;
	unsigned users;
};

void role_record_free(struct role_record *r);
void role_records_free(struct role_record **v, size_t n);
int store_role_list(struct db *db, struct role_record ***out, size_t *n, char **cause);
int store_role_find(struct db *db, const char *name, struct role_record **out, char **cause);
int store_role_insert(struct db *db, const char *name, const char *description, int64_t *id,
		      char **cause);
int store_role_set_description(struct db *db, int64_t id, const char *description, char **cause);
int store_role_add_permission(struct db *db, int64_t id, const char *permission, char **cause);
int store_role_remove_permission(struct db *db, int64_t id, const char *permission, char **cause);
int store_role_delete(struct db *db, int64_t id, char **cause);
/* Usernames of users holding role, sorted. */
int store_role_usernames(struct db *db, const char *role, char ***out, size_t *n, char **cause);

struct site_record {
	int64_t id;
	char *code;
	char *name;
	unsigned users;
	int64_t created_at;
};

void site_record_free(struct site_record *s);
void site_records_free(struct site_record **v, size_t n);
int store_site_insert(struct db *db, const char *code, const char *name, int64_t now_ms,
		      int64_t *id, char **cause);
int store_site_find(struct db *db, const char *code, struct site_record **out, char **cause);
int store_site_list(struct db *db, struct site_record ***out, size_t *n, char **cause);

/* Audit rows: the record's packed bytes and leaf hash with index columns. */
int store_audit_insert(struct db *db, const Assure__AuditRecord *r, const uint8_t *bytes,
		       size_t len, const uint8_t leaf[HASH_SHA256_LEN], char **cause);
/* The highest sequence number stored, 0 for an empty log. */
int store_audit_last_seq(struct db *db, uint64_t *last, char **cause);

/* Merkle tree nodes (level >= 1); store_audit_node also answers level 0
 * (the leaf hash of record idx + 1). NOT_FOUND when absent. */
int store_audit_tree_insert(struct db *db, unsigned level, uint64_t idx, const uint8_t hash[32],
			    char **cause);
int store_audit_node(struct db *db, unsigned level, uint64_t idx, uint8_t out[32], char **cause);

struct audit_checkpoint_row {
	uint64_t tree_size;
	uint8_t root_hash[32];
	int64_t time_ms;
	char *note;
	uint8_t signature[64];
	size_t signature_len;
	char *signed_note;
};

int store_audit_checkpoint_insert(struct db *db, const struct audit_checkpoint_row *c,
				  char **cause);
/* Checkpoints with tree_size > after_size, smallest first, at most limit. */
int store_audit_checkpoints_after(struct db *db, uint64_t after_size, unsigned limit,
				  struct audit_checkpoint_row **out, size_t *n, char **cause);
/* The checkpoint of size (0: the latest); NOT_FOUND if none. Free with
 * audit_checkpoint_rows_free(row, 1). */
int store_audit_checkpoint_get(struct db *db, uint64_t size, struct audit_checkpoint_row **out,
			       char **cause);
void audit_checkpoint_rows_free(struct audit_checkpoint_row *v, size_t n);
int store_audit_meta_get(struct db *db, const char *name, char **value, char **cause);
int store_audit_meta_put(struct db *db, const char *name, const char *value, char **cause);

struct audit_filter {
	uint64_t from_seq;
	int64_t since_ms, until_ms;					 /* 0: unbounded */
	const char *username, *action, *event, *object_type, *object_id; /* NULL/"": any */
	int outcome;							 /* -1: any */
	unsigned limit;
};

typedef void (*store_audit_fn)(void *arg, uint64_t seq, const void *record, size_t len);
int store_audit_query(struct db *db, const struct audit_filter *f, store_audit_fn fn, void *arg,
		      char **cause);

struct audit_row {
	uint64_t seq;
	const char *uuid, *action, *event, *username, *object_type, *object_id;
	int64_t time_ms, user_id;
	int outcome;
	const void *record, *leaf;
	size_t record_len, leaf_len;
};

/* Every row in seq order; fn returns non-zero to stop. */
typedef int (*store_audit_row_fn)(void *arg, const struct audit_row *r);
int store_audit_each_row(struct db *db, store_audit_row_fn fn, void *arg, char **cause);

/* Frees an array of n strings and the array; accepts NULL. */
void store_strings_free(char **v, size_t n);

int store_user_find_by_name(struct db *db, const char *username, struct user_record **out,
			    char **cause);
int store_user_find_by_id(struct db *db, int64_t id, struct user_record **out, char **cause);
/* A new user at version 1, created by `by`. */
int store_user_insert(struct db *db, const char *username, const char *display_name,
		      const char *password_hash, int must_change_password, int64_t now_ms,
		      const char *by, int64_t *id, char **cause);
int store_user_add_role(struct db *db, int64_t user_id, const char *role, char **cause);
int store_user_set_password(struct db *db, int64_t user_id, const char *password_hash,
			    int must_change_password, int64_t now_ms, char **cause);
int store_user_count(struct db *db, int64_t *count, char **cause);
/* The permissions of a role; NOT_FOUND if there is no such role. Names in
 * the table that this build does not know are skipped with a warning. */
int store_role_permissions(struct db *db, const char *role, perm_mask *mask, char **cause);

struct session_record {
	int64_t id;
	uint8_t token_hash[HASH_SHA256_LEN];
	int64_t user_id;
	const char *role;
	int64_t created_at;
	int64_t last_seen_at;
	int64_t expires_at;
	const char *client_addr;
	const char *cert_subject;
};

int store_session_insert(struct db *db, const struct session_record *s, int64_t *id, char **cause);
int store_session_revoke(struct db *db, int64_t id, int64_t now_ms, const char *reason,
			 char **cause);
/* Revokes every live session of user_id except keep_id (0: none kept). */
int store_session_revoke_user(struct db *db, int64_t user_id, int64_t keep_id, int64_t now_ms,
			      const char *reason, char **cause);
int store_session_touch(struct db *db, int64_t id, int64_t last_seen_ms, char **cause);
/* Calls fn for each session not revoked and not past expires_at. */
typedef void (*store_session_fn)(void *arg, const struct session_record *s);
int store_session_each_live(struct db *db, int64_t now_ms, store_session_fn fn, void *arg,
			    char **cause);

#endif
