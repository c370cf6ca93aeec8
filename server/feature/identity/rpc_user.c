/*
 * User administration RPCs: UserAdd, UserList, UserShow, UserSet,
 * UserDisable, UserEnable, UserResetPassword.
 *
 * The dispatcher has checked user.read / user.manage. The rules that depend
 * on data are checked here, inside the writer's transaction so that two
 * admins acting at once cannot both pass a check that only one may:
 * nobody changes their own roles, disables themself or resets their own
 * password through these; the last enabled admin keeps `admin` and stays
 * enabled; a user keeps at least one role. Live sessions follow each
 * change on the loop thread after the commit (after_fn).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "conn.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "password.h"
#include "rpc.h"
#include "server.h"
#include "sessions.h"
#include "store.h"
#include "store_throttle.h"
#include "throttle.h"
#include "timeutil.h"
#include "validate.h"
#include "xmalloc.h"

#define ONE_TIME_PASSWORD_LEN 20
#define USER_PAGE_DEFAULT 100
#define USER_PAGE_MAX 1000
#define ADMIN_ROLE "admin"

static Assure__User *user_msg(struct rpc_call *call, const struct user_record *u)
{
	struct arena *a = call->arena;
	Assure__User *m = arena_alloc(a, sizeof *m);
	assure__user__init(m);
	m->username = arena_strdup(a, u->username);
	m->display_name = arena_strdup(a, u->display_name);
	m->site = arena_strdup(a, u->site_code);
	m->n_roles = u->nroles;
	m->roles = arena_alloc(a, (u->nroles ? u->nroles : 1) * sizeof *m->roles);
	for (size_t i = 0; i < u->nroles; i++)
		m->roles[i] = arena_strdup(a, u->roles[i]);
	m->disabled = u->disabled;
	m->password_change_required = u->must_change_password;
	m->created_at = u->created_at / 1000;
	m->updated_at = u->updated_at / 1000;
	m->version = (uint64_t)u->version;
	m->last_login_at = u->last_login_at / 1000;
	return m;
}

static int holds(const struct user_record *u, const char *role)
{
	for (size_t i = 0; i < u->nroles; i++)
		if (strcmp(u->roles[i], role) == 0)
			return 1;
	return 0;
}

/* Finds the user named in a request, with a sentence for NOT_FOUND. */
static int find_user(struct db *db, const char *username, struct user_record **u, char **message)
{
	int st = store_user_find_by_name(db, username, u, message);
	if (st == ASSURE__CODE__NOT_FOUND)
		*message = xasprintf("no user '%s'", username);
	return st;
}

static int reload_user(struct db *db, int64_t id, struct user_record **u, char **message)
{
	return store_user_find_by_id(db, id, u, message);
}

/* Whether taking `admin` away from (or disabling) u would leave no enabled
 * admin. */
static int last_admin(struct db *db, const struct user_record *u, int *is_last, char **message)
{
	*is_last = 0;
	if (u->disabled || !holds(u, ADMIN_ROLE))
		return ASSURE__CODE__OK;
	int64_t n = 0;
	int st = store_user_count_enabled_with_role(db, ADMIN_ROLE, &n, message);
	if (st == ASSURE__CODE__OK)
		*is_last = n <= 1;
	return st;
}

static int check_site(struct db *db, const char *code, char **message)
{
	struct site_record *s = NULL;
	int st = store_site_find(db, code, &s, message);
	site_record_free(s);
	if (st == ASSURE__CODE__NOT_FOUND)
		*message = xasprintf("no site '%s' (add it with assure site add)", code);
	return st;
}

static int check_role(struct db *db, const char *role, char **message)
{
	struct role_record *r = NULL;
	int st = store_role_find(db, role, &r, message);
	role_record_free(r);
	if (st == ASSURE__CODE__NOT_FOUND)
		*message = xasprintf("no role '%s' (see assure role list)", role);
	return st;
}

/* Updates every live session of user u to u's current details; sessions
 * acting in a role u no longer holds end. */
struct session_sync {
	const struct user_record *u;
	unsigned revoked;
};

static void sync_session(struct session *s, void *arg)
{
	struct session_sync *ss = arg;
	const struct user_record *u = ss->u;
	if (s->user_id != u->id || s->revoked)
		return;
	free(s->display_name);
	s->display_name = xstrdup(u->display_name);
	free(s->site);
	s->site = xstrdup(u->site_code);
	for (size_t i = 0; i < s->nroles; i++)
		free(s->roles[i]);
	free(s->roles);
	s->nroles = u->nroles;
	s->roles = xcalloc(u->nroles ? u->nroles : 1, sizeof *s->roles);
	for (size_t i = 0; i < u->nroles; i++)
		s->roles[i] = xstrdup(u->roles[i]);
	if (!holds(u, s->role) || u->disabled) {
		s->revoked = true;
		ss->revoked++;
	}
}

/* --- UserAdd ------------------------------------------------------------- */

struct add_state {
	char *site;
	char *password; /* the initial or one-time password (arena, wiped) */
	int one_time;
	char *hash; /* heap */
	struct user_record *user;
};

static int user_add_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__UserAddRequest *req = call->req->user_add;
	struct add_state *as = call->state;
	int st = check_site(db, as->site, message);
	for (size_t i = 0; st == ASSURE__CODE__OK && i < req->n_roles; i++)
		st = check_role(db, req->roles[i], message);
	if (st != ASSURE__CODE__OK)
		return st;
	int64_t now = clock_now_ms(), id = 0;
	st = store_user_insert(db, req->username, req->display_name, as->hash, as->one_time, now,
			       call->actor.username, &id, message);
	if (st == ASSURE__CODE__OK)
		st = store_user_update(db, id, NULL, as->site, now, message);
	for (size_t i = 0; st == ASSURE__CODE__OK && i < req->n_roles; i++)
		st = store_user_add_role(db, id, req->roles[i], message);
	if (st != ASSURE__CODE__OK)
		return st;
	struct user_record *u = NULL;
	st = reload_user(db, id, &u, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__UserAddResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__user_add_response__init(r);
	r->user = user_msg(call, u);
	if (as->one_time)
		r->one_time_password = as->password;
	user_record_free(u);
	RPC_RESULT(call, user_add, USER_ADD, r);
	return ASSURE__CODE__OK;
}

static void user_add_after(struct rpc_call *call)
{
	log_info("admin %s: added user %s", call->actor.username, call->req->user_add->username);
}

static void hash_then_add_run(struct job *job, struct db *db)
{
	(void)db;
	struct rpc_call *call = rpc_call_of(job);
	struct add_state *as = call->state;
	char *cause = NULL;
	as->hash = password_hash(as->password, &cause);
	if (as->hash == NULL) {
		call->db_message = cause;
		job->status = ASSURE__CODE__INTERNAL;
	}
}

static void user_add_cleanup(struct rpc_call *call)
{
	struct add_state *as = call->state;
	freezero_str(as->hash);
	as->hash = NULL;
}

/* After hashing, on the loop: on to the writer, or fail. */
static void hashed_then(struct job *job, rpc_db_fn fn, rpc_after_fn after)
{
	struct rpc_call *call = rpc_call_of(job);
	if (job->status != ASSURE__CODE__OK) {
		log_error("%s: %s", call->entry->name,
			  call->db_message ? call->db_message : "hash failed");
		rpc_error(call, ASSURE__CODE__INTERNAL, "the password could not be hashed");
		rpc_complete(call);
		return;
	}
	rpc_write(call, fn, after);
}

static void hash_then_add_done(struct job *job)
{
	hashed_then(job, user_add_db, user_add_after);
}

static enum rpc_result rpc_user_add(struct rpc_call *call)
{
	rpc_audit_object(call, "user", call->req->user_add->username);
	Assure__UserAddRequest *req = call->req->user_add;
	char buf[256];
	const char *why = validate_username("username", req->username, buf, sizeof buf);
	if (!why)
		why = validate_text("display_name", req->display_name, 128, 1, 0, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	struct add_state *as = arena_alloc(call->arena, sizeof *as);
	as->site = arena_strdup(call->arena, req->site);
	if ((why = validate_site_code("site", as->site, buf, sizeof buf)) != NULL)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	if (req->n_roles == 0)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "roles: at least one role is required");
	if (req->n_roles > 32)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "roles: at most 32");
	for (size_t i = 0; i < req->n_roles; i++) {
		if ((why = validate_role_name("roles", req->roles[i], buf, sizeof buf)) != NULL)
			return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
		for (size_t j = 0; j < i; j++)
			if (strcmp(req->roles[i], req->roles[j]) == 0)
				return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
						 "roles: '%s' given twice", req->roles[i]);
	}
	if (req->password[0] != '\0') {
		if ((why = password_policy_check(req->password, req->username)) != NULL)
			return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "password: %s", why);
		as->password = req->password;
	} else {
		char *otp = crypto_one_time_password(ONE_TIME_PASSWORD_LEN);
		as->password = arena_strdup(call->arena, otp);
		freezero_str(otp);
		as->one_time = 1;
	}
	call->state = as;
	call->cleanup_fn = user_add_cleanup;
	/* argon2id on a worker first; the writer never hashes. */
	return rpc_submit_worker(call, hash_then_add_run, hash_then_add_done);
}

/* --- UserList, UserShow ---------------------------------------------------- */

/* The throttle as it stands for each user (memory, loop thread): delayed
 * everywhere until throttled_until (the account's ceiling), or from some
 * addresses only (their back-off; the owner elsewhere is not delayed). */
static void mark_throttled(struct rpc_call *call, Assure__User **users, size_t n)
{
	struct server *srv = call->srv;
	int64_t now = clock_now_ms();
	for (size_t i = 0; i < n; i++) {
		struct throttle_view v;
		throttle_account_view(srv->throttle, users[i]->username, now, &v);
		users[i]->throttled = v.until != 0 || v.addresses != 0;
		users[i]->throttled_until = v.until;
		users[i]->throttled_addresses = v.addresses;
	}
}

static int user_list_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__UserListRequest *req = call->req->user_list;
	unsigned limit = req->page_size ? req->page_size : USER_PAGE_DEFAULT;
	if (limit > USER_PAGE_MAX)
		limit = USER_PAGE_MAX;
	char *after = NULL;
	if (req->page_token[0] != '\0') {
		/* The token is the hex of the last username sent. */
		size_t n = strlen(req->page_token);
		after = arena_alloc(call->arena, n / 2 + 1);
		for (size_t i = 0; i + 1 < n + 1 && i / 2 < n / 2; i += 2) {
			unsigned v;
			if (sscanf(req->page_token + i, "%2x", &v) != 1) {
				*message = xstrdup("page_token: not a token this server issued");
				return ASSURE__CODE__INVALID_ARGUMENT;
			}
			after[i / 2] = (char)v;
		}
	}
	struct user_filter f = {
	    .site = req->site,
	    .role = req->role,
	    .state = req->state == ASSURE__USER_STATE_FILTER__USERS_DISABLED ? USER_FILTER_DISABLED
		     : req->state == ASSURE__USER_STATE_FILTER__USERS_ALL    ? USER_FILTER_ALL
									     : USER_FILTER_ENABLED,
	    .after = after,
	    .limit = limit + 1,
	};
	/* A filter naming a site or role that does not exist is a mistake to
	 * report, not an empty list to show. */
	int st = ASSURE__CODE__OK;
	if (req->site[0])
		st = check_site(db, req->site, message);
	if (st == ASSURE__CODE__OK && req->role[0])
		st = check_role(db, req->role, message);
	if (st != ASSURE__CODE__OK)
		return st;
	struct user_record **v = NULL;
	size_t n = 0;
	st = store_user_list(db, &f, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__UserListResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__user_list_response__init(r);
	size_t shown = n > limit ? limit : n;
	r->n_users = shown;
	r->users = arena_alloc(call->arena, (shown ? shown : 1) * sizeof *r->users);
	for (size_t i = 0; i < shown; i++)
		r->users[i] = user_msg(call, v[i]);
	if (n > limit) {
		const char *last = v[limit - 1]->username;
		size_t len = strlen(last);
		char *tok = arena_alloc(call->arena, 2 * len + 1);
		crypto_hex((const uint8_t *)last, len, tok);
		r->next_page_token = tok;
	}
	user_records_free(v, n);
	RPC_RESULT(call, user_list, USER_LIST, r);
	return ASSURE__CODE__OK;
}

static void user_list_after(struct rpc_call *call)
{
	mark_throttled(call, call->resp->user_list->users, call->resp->user_list->n_users);
}

static enum rpc_result rpc_user_list(struct rpc_call *call)
{
	const Assure__UserListRequest *req = call->req->user_list;
	call->audit_query = arena_printf(call->arena, "site=%s role=%s state=%d page=%s", req->site,
					 req->role, (int)req->state, req->page_token);
	return rpc_read(call, user_list_db, user_list_after);
}

static int user_show_db(struct rpc_call *call, struct db *db, char **message)
{
	struct user_record *u = NULL;
	int st = find_user(db, call->req->user_show->username, &u, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__UserShowResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__user_show_response__init(r);
	r->user = user_msg(call, u);
	user_record_free(u);
	RPC_RESULT(call, user_show, USER_SHOW, r);
	return ASSURE__CODE__OK;
}

static void user_show_after(struct rpc_call *call)
{
	mark_throttled(call, &call->resp->user_show->user, 1);
}

static enum rpc_result rpc_user_show(struct rpc_call *call)
{
	rpc_audit_object(call, "user", call->req->user_show->username);
	return rpc_read(call, user_show_db, user_show_after);
}

/* --- UserSet ---------------------------------------------------------------- */

struct set_state {
	char *site;		  /* NULL: unchanged */
	struct user_record *user; /* after the change, for the session sync */
};

static int user_set_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__UserSetRequest *req = call->req->user_set;
	struct set_state *ss = call->state;
	struct user_record *u = NULL;
	int st = find_user(db, req->username, &u, message);
	if (st != ASSURE__CODE__OK)
		return st;
	if (req->version != 0 && (uint64_t)u->version != req->version) {
		char when[32];
		time_format_rfc3339(u->updated_at / 1000, when, sizeof when);
		*message = xasprintf(
		    "user '%s' was changed by %s at %s (now version %lld; you sent %llu): "
		    "show it again and retry",
		    u->username, u->updated_by[0] ? u->updated_by : "someone", when,
		    (long long)u->version, (unsigned long long)req->version);
		user_record_free(u);
		return ASSURE__CODE__ABORTED;
	}
	int64_t now = clock_now_ms();
	/* A change that changes nothing keeps the version, so it does not
	 * make other admins' versions stale for no reason. */
	int changed = 0;
	if (ss->site) {
		st = check_site(db, ss->site, message);
		changed |= strcmp(ss->site, u->site_code) != 0;
	}
	if (req->display_name[0])
		changed |= strcmp(req->display_name, u->display_name) != 0;
	for (size_t i = 0; st == ASSURE__CODE__OK && i < req->n_add_roles; i++) {
		st = check_role(db, req->add_roles[i], message);
		if (st == ASSURE__CODE__OK && !holds(u, req->add_roles[i])) {
			st = store_user_add_role(db, u->id, req->add_roles[i], message);
			changed = 1;
		}
	}
	for (size_t i = 0; st == ASSURE__CODE__OK && i < req->n_remove_roles; i++) {
		const char *role = req->remove_roles[i];
		if (!holds(u, role)) {
			*message =
			    xasprintf("user '%s' does not hold role '%s'", u->username, role);
			st = ASSURE__CODE__NOT_FOUND;
			break;
		}
		if (strcmp(role, ADMIN_ROLE) == 0) {
			int is_last = 0;
			st = last_admin(db, u, &is_last, message);
			if (st == ASSURE__CODE__OK && is_last) {
				*message = xasprintf(
				    "'%s' is the last enabled admin and cannot lose the admin role",
				    u->username);
				st = ASSURE__CODE__FAILED_PRECONDITION;
			}
		}
		if (st == ASSURE__CODE__OK) {
			st = store_user_remove_role(db, u->id, role, message);
			changed = 1;
		}
	}
	if (st == ASSURE__CODE__OK && changed && (req->display_name[0] || ss->site))
		st = store_user_update(db, u->id, req->display_name[0] ? req->display_name : NULL,
				       ss->site, now, message);
	if (st == ASSURE__CODE__OK && changed)
		st = store_user_touch(db, u->id, now, call->actor.username, message);
	int64_t id = u->id;
	user_record_free(u);
	u = NULL;
	if (st == ASSURE__CODE__OK)
		st = reload_user(db, id, &u, message);
	if (st == ASSURE__CODE__OK && u->nroles == 0) {
		*message = xasprintf("user '%s' would hold no role; disable the account instead",
				     u->username);
		st = ASSURE__CODE__FAILED_PRECONDITION;
	}
	if (st != ASSURE__CODE__OK) {
		user_record_free(u);
		return st;
	}
	Assure__UserSetResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__user_set_response__init(r);
	r->user = user_msg(call, u);
	ss->user = u;
	RPC_RESULT(call, user_set, USER_SET, r);
	return ASSURE__CODE__OK;
}

static void user_set_cleanup(struct rpc_call *call)
{
	struct set_state *ss = call->state;
	user_record_free(ss->user);
	ss->user = NULL;
}

static void user_set_after(struct rpc_call *call)
{
	struct set_state *ss = call->state;
	struct session_sync sync = {ss->user, 0};
	session_table_foreach(call->srv->sessions, sync_session, &sync);
	log_info("admin %s: changed user %s%s", call->actor.username, ss->user->username,
		 sync.revoked ? "; sessions in a removed role ended" : "");
	mark_throttled(call, &call->resp->user_set->user, 1);
}

static enum rpc_result rpc_user_set(struct rpc_call *call)
{
	rpc_audit_object(call, "user", call->req->user_set->username);
	Assure__UserSetRequest *req = call->req->user_set;
	char buf[256];
	const char *why = validate_username("username", req->username, buf, sizeof buf);
	if (!why && req->display_name[0])
		why = validate_text("display_name", req->display_name, 128, 1, 0, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	struct set_state *ss = arena_alloc(call->arena, sizeof *ss);
	if (req->site[0]) {
		ss->site = arena_strdup(call->arena, req->site);
		if ((why = validate_site_code("site", ss->site, buf, sizeof buf)) != NULL)
			return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	}
	if (!req->display_name[0] && !ss->site && req->n_add_roles == 0 && req->n_remove_roles == 0)
		return rpc_error(
		    call, ASSURE__CODE__INVALID_ARGUMENT,
		    "nothing to change: give a display name, site, or roles to add or remove");
	for (size_t i = 0; i < req->n_add_roles + req->n_remove_roles; i++) {
		const char *role = i < req->n_add_roles ? req->add_roles[i]
							: req->remove_roles[i - req->n_add_roles];
		if ((why = validate_role_name("roles", role, buf, sizeof buf)) != NULL)
			return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	}
	if ((req->n_add_roles || req->n_remove_roles) &&
	    strcmp(req->username, call->actor.username) == 0)
		return rpc_error(call, ASSURE__CODE__PERMISSION_DENIED,
				 "you cannot change your own roles; another admin must do it");
	call->state = ss;
	call->cleanup_fn = user_set_cleanup;
	return rpc_write(call, user_set_db, user_set_after);
}

/* --- UserDisable, UserEnable ----------------------------------------------- */

struct disable_state {
	int64_t user_id;
	uint32_t revoked;
};

static int user_disable_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__UserDisableRequest *req = call->req->user_disable;
	struct disable_state *ds = call->state;
	struct user_record *u = NULL;
	int st = find_user(db, req->username, &u, message);
	if (st != ASSURE__CODE__OK)
		return st;
	int is_last = 0;
	st = last_admin(db, u, &is_last, message);
	if (st == ASSURE__CODE__OK && is_last) {
		*message =
		    xasprintf("'%s' is the last enabled admin and cannot be disabled", u->username);
		st = ASSURE__CODE__FAILED_PRECONDITION;
	}
	int64_t now = clock_now_ms();
	if (st == ASSURE__CODE__OK && !u->disabled) {
		st = store_user_set_disabled(db, u->id, 1, req->reason, now, message);
		if (st == ASSURE__CODE__OK)
			st = store_session_revoke_user(db, u->id, 0, now, "account disabled",
						       message);
		if (st == ASSURE__CODE__OK) {
			ds->revoked = (uint32_t)db_changes(db);
			st = store_user_touch(db, u->id, now, call->actor.username, message);
		}
	}
	ds->user_id = u->id;
	int64_t id = u->id;
	user_record_free(u);
	u = NULL;
	if (st == ASSURE__CODE__OK)
		st = reload_user(db, id, &u, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__UserDisableResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__user_disable_response__init(r);
	r->user = user_msg(call, u);
	r->sessions_revoked = ds->revoked;
	user_record_free(u);
	RPC_RESULT(call, user_disable, USER_DISABLE, r);
	return ASSURE__CODE__OK;
}

static void user_disable_after(struct rpc_call *call)
{
	struct disable_state *ds = call->state;
	session_table_revoke_user(call->srv->sessions, ds->user_id, 0);
	log_info("admin %s: disabled user %s", call->actor.username,
		 call->req->user_disable->username);
}

static enum rpc_result rpc_user_disable(struct rpc_call *call)
{
	rpc_audit_object(call, "user", call->req->user_disable->username);
	const Assure__UserDisableRequest *req = call->req->user_disable;
	char buf[256];
	const char *why = validate_username("username", req->username, buf, sizeof buf);
	if (!why)
		why = validate_text("reason", req->reason, 500, 0, 0, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	if (strcmp(req->username, call->actor.username) == 0)
		return rpc_error(call, ASSURE__CODE__PERMISSION_DENIED,
				 "you cannot disable your own account; another admin must do it");
	call->state = arena_alloc(call->arena, sizeof(struct disable_state));
	return rpc_write(call, user_disable_db, user_disable_after);
}

static int user_enable_db(struct rpc_call *call, struct db *db, char **message)
{
	struct user_record *u = NULL;
	int st = find_user(db, call->req->user_enable->username, &u, message);
	if (st != ASSURE__CODE__OK)
		return st;
	int64_t now = clock_now_ms();
	if (u->disabled) {
		st = store_user_set_disabled(db, u->id, 0, "", now, message);
		if (st == ASSURE__CODE__OK)
			st = store_user_touch(db, u->id, now, call->actor.username, message);
	}
	int64_t id = u->id;
	user_record_free(u);
	u = NULL;
	if (st == ASSURE__CODE__OK)
		st = reload_user(db, id, &u, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__UserEnableResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__user_enable_response__init(r);
	r->user = user_msg(call, u);
	user_record_free(u);
	RPC_RESULT(call, user_enable, USER_ENABLE, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_user_enable(struct rpc_call *call)
{
	rpc_audit_object(call, "user", call->req->user_enable->username);
	char buf[256];
	const char *why =
	    validate_username("username", call->req->user_enable->username, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	return rpc_write(call, user_enable_db, NULL);
}

/* --- UserResetPassword ------------------------------------------------------ */

struct reset_state {
	char *password; /* arena */
	char *hash;	/* heap */
	int64_t user_id;
	uint32_t revoked;
};

static int user_reset_db(struct rpc_call *call, struct db *db, char **message)
{
	struct reset_state *rs = call->state;
	struct user_record *u = NULL;
	int st = find_user(db, call->req->user_reset_password->username, &u, message);
	if (st != ASSURE__CODE__OK)
		return st;
	int64_t now = clock_now_ms();
	rs->user_id = u->id;
	st = store_user_set_password(db, u->id, rs->hash, 1, now, message);
	if (st == ASSURE__CODE__OK)
		st = store_session_revoke_user(db, u->id, 0, now, "password reset by an admin",
					       message);
	if (st == ASSURE__CODE__OK) {
		rs->revoked = (uint32_t)db_changes(db);
		st = store_user_touch(db, u->id, now, call->actor.username, message);
	}
	/* A reset is how an admin lets a throttled user back in: the stored
	 * state goes in the same transaction, so it is gone once the admin
	 * hears so, restart or not. */
	if (st == ASSURE__CODE__OK)
		st = store_throttle_clear_account(db, u->username, message);
	user_record_free(u);
	u = NULL;
	if (st == ASSURE__CODE__OK)
		st = reload_user(db, rs->user_id, &u, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__UserResetPasswordResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__user_reset_password_response__init(r);
	r->user = user_msg(call, u);
	r->one_time_password = rs->password;
	r->sessions_revoked = rs->revoked;
	user_record_free(u);
	RPC_RESULT(call, user_reset_password, USER_RESET_PASSWORD, r);
	return ASSURE__CODE__OK;
}

static void user_reset_after(struct rpc_call *call)
{
	struct reset_state *rs = call->state;
	session_table_revoke_user(call->srv->sessions, rs->user_id, 0);
	/* And in memory, now the reset is committed: every pair and the
	 * ceiling (the journal clears the stored rows again, in case a
	 * failure was written after the reset's transaction). */
	throttle_clear_account(call->srv->throttle, call->req->user_reset_password->username);
	log_info("admin %s: reset the password of %s", call->actor.username,
		 call->req->user_reset_password->username);
}

static void reset_hash_run(struct job *job, struct db *db)
{
	(void)db;
	struct rpc_call *call = rpc_call_of(job);
	struct reset_state *rs = call->state;
	char *cause = NULL;
	rs->hash = password_hash(rs->password, &cause);
	if (rs->hash == NULL) {
		call->db_message = cause;
		job->status = ASSURE__CODE__INTERNAL;
	}
}

static void reset_hash_done(struct job *job)
{
	hashed_then(job, user_reset_db, user_reset_after);
}

static void user_reset_cleanup(struct rpc_call *call)
{
	struct reset_state *rs = call->state;
	freezero_str(rs->hash);
	rs->hash = NULL;
}

static enum rpc_result rpc_user_reset_password(struct rpc_call *call)
{
	rpc_audit_object(call, "user", call->req->user_reset_password->username);
	const char *name = call->req->user_reset_password->username;
	char buf[256];
	const char *why = validate_username("username", name, buf, sizeof buf);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	if (strcmp(name, call->actor.username) == 0)
		return rpc_error(call, ASSURE__CODE__PERMISSION_DENIED,
				 "you cannot reset your own password here; use assure passwd");
	struct reset_state *rs = arena_alloc(call->arena, sizeof *rs);
	char *otp = crypto_one_time_password(ONE_TIME_PASSWORD_LEN);
	rs->password = arena_strdup(call->arena, otp);
	freezero_str(otp);
	call->state = rs;
	call->cleanup_fn = user_reset_cleanup;
	return rpc_submit_worker(call, reset_hash_run, reset_hash_done);
}

const struct rpc_entry rpc_user_table[] = {
    {ASSURE__REQUEST__OP_USER_ADD, "UserAdd", PERM_USER_MANAGE, RPC_WRITE, rpc_user_add, 'C'},
    {ASSURE__REQUEST__OP_USER_LIST, "UserList", PERM_USER_READ, 0, rpc_user_list, 'R'},
    {ASSURE__REQUEST__OP_USER_SHOW, "UserShow", PERM_USER_READ, 0, rpc_user_show, 'R'},
    {ASSURE__REQUEST__OP_USER_SET, "UserSet", PERM_USER_MANAGE, RPC_WRITE, rpc_user_set, 'U'},
    {ASSURE__REQUEST__OP_USER_DISABLE, "UserDisable", PERM_USER_MANAGE, RPC_WRITE, rpc_user_disable,
     'U'},
    {ASSURE__REQUEST__OP_USER_ENABLE, "UserEnable", PERM_USER_MANAGE, RPC_WRITE, rpc_user_enable,
     'U'},
    {ASSURE__REQUEST__OP_USER_RESET_PASSWORD, "UserResetPassword", PERM_USER_MANAGE, RPC_WRITE,
     rpc_user_reset_password, 'U'},
};

const size_t rpc_user_count = sizeof rpc_user_table / sizeof rpc_user_table[0];
