/*
 * Session RPCs: Login, Resume, Whoami, Logout, PasswordChange.
 *
 * Login never says why it failed: unknown user, wrong password and disabled
 * account all answer UNAUTHENTICATED "login failed", and an unknown user
 * still costs one argon2id verify so timing tells nothing either. The
 * argon2id work runs on a worker; the session row is written by the writer;
 * only after that commit does the client get its token.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "clock.h"
#include "conn.h"
#include "db.h"
#include "log.h"
#include "password.h"
#include "rpc.h"
#include "server.h"
#include "sessions.h"
#include "store.h"
#include "throttle.h"
#include "timeutil.h"
#include "xmalloc.h"

#define USERNAME_MAX 64
#define LOGIN_FAILED "login failed"

static Assure__SessionInfo *session_info(struct rpc_call *call, const struct session *s,
					 int64_t idle_ms)
{
	struct arena *a = call->arena;
	Assure__SessionInfo *info = arena_alloc(a, sizeof *info);
	assure__session_info__init(info);
	info->username = arena_strdup(a, s->username);
	info->display_name = arena_strdup(a, s->display_name);
	info->role = arena_strdup(a, s->role);
	info->site = arena_strdup(a, s->site);
	info->created_at = s->created_at / 1000;
	info->expires_at = s->expires_at / 1000;
	int64_t idle_end = s->last_seen_at + idle_ms;
	info->idle_expires_at = (idle_end < s->expires_at ? idle_end : s->expires_at) / 1000;
	info->password_change_required = s->must_change_password;
	info->n_roles = s->nroles;
	info->roles = arena_alloc(a, (s->nroles ? s->nroles : 1) * sizeof *info->roles);
	for (size_t i = 0; i < s->nroles; i++)
		info->roles[i] = arena_strdup(a, s->roles[i]);
	return info;
}

/* --- Throttling ---------------------------------------------------------- */

/* The client address without its port ("192.0.2.7", "[2001:db8::1]"):
 * the throttle's address key. */
static void peer_host(const char *peer, char *out, size_t size)
{
	snprintf(out, size, "%s", peer);
	char *colon = strrchr(out, ':');
	if (colon && (out[0] != '[' || colon > strchr(out, ']')))
		*colon = '\0';
}

/* A failed password for account from the call's address. The ceiling is
 * the one rule that delays an owner everywhere, so crossing it is logged
 * and audited: an admin can see who is under attack and from where, and
 * reset the password to let the owner back in. */
static void count_failure(struct rpc_call *call, const char *account, const char *addr)
{
	struct server *srv = call->srv;
	struct throttle_outcome o;
	throttle_failure(srv->throttle, account, addr, clock_now_ms(), &o);
	if (!o.ceiling_crossed)
		return;
	char until[40];
	time_format_rfc3339_ms(o.account_until, until, sizeof until);
	char reason[256];
	snprintf(reason, sizeof reason,
		 "account reached %u failed logins within an hour; its logins are delayed from "
		 "every address until %s (the last failure from %s)",
		 o.account_failures, until, addr);
	log_warn("login %s: user '%s': %s", call->peer, account, reason);
	if (srv->writer == NULL)
		return;
	/* Its own record, beside the failed call's: an event of the account,
	 * not an answer to this one request. */
	static const struct rpc_entry entry = {0, "AccountThrottled", PERM_NONE, 0, NULL, 'E'};
	struct rpc_call rec;
	memset(&rec, 0, sizeof rec);
	rec.srv = srv;
	rec.entry = &entry;
	memcpy(rec.peer, call->peer, sizeof rec.peer);
	memcpy(rec.cert_fingerprint, call->cert_fingerprint, sizeof rec.cert_fingerprint);
	rec.audit_claimed_user = account;
	rec.audit_object_type = "user";
	rec.audit_object_id = account;
	audit_submit(srv, &rec, ASSURE__CODE__RESOURCE_EXHAUSTED, reason);
}

static const char *throttle_rule_name(enum throttle_reason why)
{
	switch (why) {
	case THROTTLE_PAIR:
		return "this account from this address";
	case THROTTLE_ACCOUNT:
		return "this account from every address";
	case THROTTLE_ADDRESS:
		return "this address for every account";
	case THROTTLE_NONE:
		break;
	}
	return "none";
}

/* --- Login ------------------------------------------------------------- */

struct login_state {
	char addr[64];
	char *username;
	char *password;
	char *role_wanted;
	/* Filled by the worker. */
	struct user_record *user;
	char *role;
	perm_mask perms;
	uint8_t token[CRYPTO_TOKEN_LEN];
	uint8_t token_hash[CRYPTO_SHA256_LEN];
	int64_t now;
	int64_t session_id;
	char *message;
	char *client_addr;
	char *cert_subject;
};

static void login_state_clear(struct login_state *ls)
{
	user_record_free(ls->user);
	ls->user = NULL;
	free(ls->message);
	ls->message = NULL;
}

static void login_verify_run(struct job *job, struct db *db)
{
	struct rpc_call *call = rpc_call_of(job);
	struct login_state *ls = call->state;
	char *cause = NULL;
	int st = store_user_find_by_name(db, ls->username, &ls->user, &cause);
	if (st == ASSURE__CODE__NOT_FOUND) {
		password_verify_dummy(ls->password);
		job->status = ASSURE__CODE__UNAUTHENTICATED;
		return;
	}
	if (st != ASSURE__CODE__OK) {
		ls->message = cause;
		job->status = st;
		return;
	}
	int ok = password_verify(ls->user->password_hash, ls->password);
	if (!ok || ls->user->disabled) {
		job->status = ASSURE__CODE__UNAUTHENTICATED;
		return;
	}
	const struct user_record *u = ls->user;
	if (ls->role_wanted[0] != '\0') {
		for (size_t i = 0; i < u->nroles; i++)
			if (strcmp(u->roles[i], ls->role_wanted) == 0)
				ls->role = u->roles[i];
		if (ls->role == NULL) {
			job->status = ASSURE__CODE__PERMISSION_DENIED;
			ls->message = xasprintf("you do not hold the role '%s'", ls->role_wanted);
			return;
		}
	} else if (u->nroles == 1) {
		ls->role = u->roles[0];
	} else if (u->nroles == 0) {
		job->status = ASSURE__CODE__PERMISSION_DENIED;
		ls->message = xstrdup("you hold no role; ask an administrator to give you one");
		return;
	} else {
		size_t n = 0;
		for (size_t i = 0; i < u->nroles; i++)
			n += strlen(u->roles[i]) + 2;
		char *list = xcalloc(1, n + 1);
		for (size_t i = 0; i < u->nroles; i++) {
			if (i)
				strcat(list, ", ");
			strcat(list, u->roles[i]);
		}
		job->status = ASSURE__CODE__FAILED_PRECONDITION;
		ls->message = xasprintf(
		    "you hold several roles; choose the one to act in with --role (%s)", list);
		free(list);
		return;
	}
	st = store_role_permissions(db, ls->role, &ls->perms, &cause);
	if (st != ASSURE__CODE__OK) {
		ls->message = cause ? cause : xasprintf("role '%s' not found", ls->role);
		job->status = ASSURE__CODE__INTERNAL;
		return;
	}
	crypto_random(ls->token, sizeof ls->token);
	crypto_sha256(ls->token, sizeof ls->token, ls->token_hash);
}

static void login_store_run(struct job *job, struct db *db)
{
	struct rpc_call *call = rpc_call_of(job);
	struct login_state *ls = call->state;
	struct server *srv = call->srv;
	char *cause = NULL;
	struct session_record rec = {
	    .user_id = ls->user->id,
	    .role = ls->role,
	    .created_at = ls->now,
	    .last_seen_at = ls->now,
	    .expires_at = ls->now + srv->session_absolute_ms,
	    .client_addr = ls->client_addr,
	    .cert_subject = ls->cert_subject,
	};
	memcpy(rec.token_hash, ls->token_hash, sizeof rec.token_hash);
	job->status = store_session_insert(db, &rec, &ls->session_id, &cause);
	if (job->status == ASSURE__CODE__OK)
		job->status = store_user_record_login(db, ls->user->id, ls->now, &cause);
	if (job->status == ASSURE__CODE__OK) {
		call->actor.session_id = ls->session_id;
		memcpy(call->actor.token_hash, ls->token_hash, sizeof ls->token_hash);
		call->audit_reason = "session started";
	}
	if (job->status != ASSURE__CODE__OK)
		ls->message = cause;
}

static void login_store_done(struct job *job)
{
	struct rpc_call *call = rpc_call_of(job);
	struct login_state *ls = call->state;
	struct server *srv = call->srv;
	if (job->status != ASSURE__CODE__OK) {
		log_error("login %s: cannot store session: %s", ls->username,
			  ls->message ? ls->message : "?");
		rpc_error(call, ASSURE__CODE__INTERNAL, "login could not be recorded; try again");
		login_state_clear(ls);
		rpc_complete(call);
		return;
	}
	const struct user_record *u = ls->user;
	struct session *s = xcalloc(1, sizeof *s);
	s->id = ls->session_id;
	memcpy(s->token_hash, ls->token_hash, sizeof s->token_hash);
	s->user_id = u->id;
	s->username = xstrdup(u->username);
	s->display_name = xstrdup(u->display_name);
	s->role = xstrdup(ls->role);
	s->site = xstrdup(u->site_code);
	s->client_addr = xstrdup(ls->client_addr);
	s->cert_subject = xstrdup(ls->cert_subject);
	s->nroles = u->nroles;
	s->roles = xcalloc(u->nroles ? u->nroles : 1, sizeof *s->roles);
	for (size_t i = 0; i < u->nroles; i++)
		s->roles[i] = xstrdup(u->roles[i]);
	s->perms = ls->perms;
	s->created_at = ls->now;
	s->last_seen_at = ls->now;
	s->persisted_last_seen_at = ls->now;
	s->expires_at = ls->now + srv->session_absolute_ms;
	s->must_change_password = u->must_change_password;
	session_table_add(srv->sessions, s);

	struct conn *c = conn_find(srv, call->conn_id);
	if (c != NULL) {
		c->has_session = true;
		memcpy(c->token_hash, ls->token_hash, sizeof c->token_hash);
	}
	Assure__LoginResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__login_response__init(r);
	r->token.data = arena_memdup(call->arena, ls->token, sizeof ls->token);
	r->token.len = sizeof ls->token;
	r->session = session_info(call, s, srv->session_idle_ms);
	call->resp->result_case = ASSURE__RESPONSE__RESULT_LOGIN;
	call->resp->login = r;
	call->actor.username = arena_strdup(call->arena, u->username);
	log_info("login %s: user %s as %s from %s", call->peer, u->username, ls->role, call->peer);
	explicit_bzero(ls->token, sizeof ls->token);
	login_state_clear(ls);
	rpc_complete(call);
}

static void login_verify_done(struct job *job)
{
	struct rpc_call *call = rpc_call_of(job);
	struct login_state *ls = call->state;
	int st = job->status;
	if (st == ASSURE__CODE__OK || st == ASSURE__CODE__PERMISSION_DENIED ||
	    st == ASSURE__CODE__FAILED_PRECONDITION) {
		/* The password was right: the pair's back-off ends even if the
		 * role choice still has to be corrected. */
		throttle_success(call->srv->throttle, ls->username, ls->addr);
	}
	if (st == ASSURE__CODE__OK) {
		/* From here the call acts for the user: its audit record says so. */
		struct rpc_actor *act = &call->actor;
		act->user_id = ls->user->id;
		act->username = arena_strdup(call->arena, ls->user->username);
		act->display_name = arena_strdup(call->arena, ls->user->display_name);
		act->role = arena_strdup(call->arena, ls->role);
		act->site = arena_strdup(call->arena, ls->user->site_code);
		act->perms = ls->perms;
		rpc_submit_writer(call, login_store_run, login_store_done);
		return;
	}
	if (st == ASSURE__CODE__UNAUTHENTICATED) {
		log_info("login %s: failed for user '%s'", call->peer, ls->username);
		count_failure(call, ls->username, ls->addr);
		rpc_error(call, st, LOGIN_FAILED);
	} else if (st == ASSURE__CODE__PERMISSION_DENIED ||
		   st == ASSURE__CODE__FAILED_PRECONDITION) {
		rpc_error(call, st, "%s", ls->message);
	} else {
		log_error("login %s: %s", call->peer, ls->message ? ls->message : "?");
		rpc_error(call, ASSURE__CODE__INTERNAL, "login could not be checked; try again");
	}
	login_state_clear(ls);
	rpc_complete(call);
}

static enum rpc_result rpc_session_login(struct rpc_call *call)
{
	const Assure__LoginRequest *req = call->req->login;
	size_t ulen = strlen(req->username);
	if (ulen == 0)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "username: required");
	if (ulen > USERNAME_MAX)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "username: at most %d characters", USERNAME_MAX);
	if (req->password[0] == '\0')
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "password: required");
	if (strlen(req->password) > PASSWORD_MAX_LEN)
		return rpc_error(call, ASSURE__CODE__UNAUTHENTICATED, LOGIN_FAILED);
	call->audit_claimed_user = req->username;
	rpc_audit_object(call, "user", req->username);
	struct login_state *ls = arena_alloc(call->arena, sizeof *ls);
	ls->username = req->username;
	ls->password = req->password;
	ls->role_wanted = req->role;
	ls->now = clock_now_ms();
	peer_host(call->peer, ls->addr, sizeof ls->addr);
	enum throttle_reason why;
	int64_t wait = throttle_check(call->srv->throttle, ls->username, ls->addr, ls->now, &why);
	if (wait) {
		/* Refused without looking at the password, with the same answer
		 * as any failure: a throttled account is not revealed either. */
		log_warn("login %s: throttled for %llds (user '%s': %s)", call->peer,
			 (long long)(wait + 999) / 1000, ls->username, throttle_rule_name(why));
		return rpc_error(call, ASSURE__CODE__UNAUTHENTICATED, LOGIN_FAILED);
	}
	ls->client_addr = call->peer;
	struct conn *c = conn_find(call->srv, call->conn_id);
	ls->cert_subject = c ? arena_strdup(call->arena, c->cert_subject) : (char *)"";
	call->state = ls;
	return rpc_submit_worker(call, login_verify_run, login_verify_done);
}

/* --- Resume, Whoami ------------------------------------------------------ */

static enum rpc_result rpc_session_resume(struct rpc_call *call)
{
	const Assure__ResumeRequest *req = call->req->resume;
	struct server *srv = call->srv;
	if (req->token.len != CRYPTO_TOKEN_LEN)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "token: must be %d bytes, got %zu", CRYPTO_TOKEN_LEN,
				 req->token.len);
	uint8_t hash[CRYPTO_SHA256_LEN];
	crypto_sha256(req->token.data, req->token.len, hash);
	struct session *s = session_table_find(srv->sessions, hash);
	int64_t now = clock_now_ms();
	enum session_state st = session_state(s, now, srv->session_idle_ms);
	if (st != SESSION_VALID)
		return rpc_error(call, ASSURE__CODE__UNAUTHENTICATED, "%s",
				 st == SESSION_UNKNOWN
				     ? "session not found (expired or never existed); log in again"
				     : session_state_message(st));
	s->last_seen_at = now;
	struct conn *c = conn_find(srv, call->conn_id);
	if (c != NULL) {
		c->has_session = true;
		memcpy(c->token_hash, hash, sizeof hash);
	}
	rpc_fill_actor(call, s);
	Assure__ResumeResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__resume_response__init(r);
	r->session = session_info(call, s, srv->session_idle_ms);
	call->resp->result_case = ASSURE__RESPONSE__RESULT_RESUME;
	call->resp->resume = r;
	return RPC_DONE;
}

static enum rpc_result rpc_session_whoami(struct rpc_call *call)
{
	struct server *srv = call->srv;
	struct session *s = session_table_find(srv->sessions, call->actor.token_hash);
	if (s == NULL)
		return rpc_error(call, ASSURE__CODE__UNAUTHENTICATED, "not logged in");
	Assure__WhoamiResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__whoami_response__init(r);
	r->session = session_info(call, s, srv->session_idle_ms);
	call->resp->result_case = ASSURE__RESPONSE__RESULT_WHOAMI;
	call->resp->whoami = r;
	return RPC_DONE;
}

/* --- Logout -------------------------------------------------------------- */

static void logout_run(struct job *job, struct db *db)
{
	struct rpc_call *call = rpc_call_of(job);
	char *cause = NULL;
	int st = store_session_revoke(db, call->actor.session_id, clock_now_ms(), "logout", &cause);
	if (st == ASSURE__CODE__NOT_FOUND)
		st = ASSURE__CODE__OK; /* already ended: the outcome is the same */
	if (st != ASSURE__CODE__OK)
		log_error("logout: %s", cause ? cause : "?");
	free(cause);
	job->status = st;
}

static void logout_done(struct job *job)
{
	struct rpc_call *call = rpc_call_of(job);
	if (job->status != ASSURE__CODE__OK) {
		rpc_error(call, ASSURE__CODE__INTERNAL,
			  "logout took effect now but could not be recorded; it may not survive a "
			  "restart");
	} else {
		Assure__LogoutResponse *r = arena_alloc(call->arena, sizeof *r);
		assure__logout_response__init(r);
		call->resp->result_case = ASSURE__RESPONSE__RESULT_LOGOUT;
		call->resp->logout = r;
	}
	rpc_complete(call);
}

static enum rpc_result rpc_session_logout(struct rpc_call *call)
{
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)call->actor.session_id);
	rpc_audit_object(call, "session", id);
	struct server *srv = call->srv;
	/* Revoked in memory at once: the next request anywhere is refused,
	 * even before the row is committed. */
	struct session *s = session_table_find(srv->sessions, call->actor.token_hash);
	if (s != NULL)
		s->revoked = true;
	struct conn *c = conn_find(srv, call->conn_id);
	if (c != NULL)
		c->has_session = false;
	return rpc_submit_writer(call, logout_run, logout_done);
}

/* --- PasswordChange ------------------------------------------------------ */

struct pwchange_state {
	char *old_password;
	char *new_password;
	char *new_hash;
	char *message;
};

static void pwchange_store_run(struct job *job, struct db *db)
{
	struct rpc_call *call = rpc_call_of(job);
	struct pwchange_state *ps = call->state;
	char *cause = NULL;
	int64_t now = clock_now_ms();
	int st = store_user_set_password(db, call->actor.user_id, ps->new_hash, 0, now, &cause);
	if (st == ASSURE__CODE__OK)
		st = store_user_touch(db, call->actor.user_id, now, call->actor.username, &cause);
	if (st == ASSURE__CODE__OK)
		st = store_session_revoke_user(db, call->actor.user_id, call->actor.session_id, now,
					       "password changed", &cause);
	if (st != ASSURE__CODE__OK)
		ps->message = cause;
	else
		free(cause);
	job->status = st;
}

static void pwchange_store_done(struct job *job)
{
	struct rpc_call *call = rpc_call_of(job);
	struct pwchange_state *ps = call->state;
	struct server *srv = call->srv;
	freezero_str(ps->new_hash);
	ps->new_hash = NULL;
	if (job->status != ASSURE__CODE__OK) {
		log_error("passwd %s: %s", call->actor.username, ps->message ? ps->message : "?");
		free(ps->message);
		rpc_error(call, ASSURE__CODE__INTERNAL, "password could not be changed; try again");
		rpc_complete(call);
		return;
	}
	session_table_revoke_user(srv->sessions, call->actor.user_id, call->actor.session_id);
	struct session *s = session_table_find(srv->sessions, call->actor.token_hash);
	if (s != NULL)
		s->must_change_password = false;
	log_info("passwd %s: user %s changed their password; other sessions ended", call->peer,
		 call->actor.username);
	Assure__PasswordChangeResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__password_change_response__init(r);
	call->resp->result_case = ASSURE__RESPONSE__RESULT_PASSWORD_CHANGE;
	call->resp->password_change = r;
	rpc_complete(call);
}

static void pwchange_verify_run(struct job *job, struct db *db)
{
	struct rpc_call *call = rpc_call_of(job);
	struct pwchange_state *ps = call->state;
	struct user_record *u = NULL;
	char *cause = NULL;
	int st = store_user_find_by_id(db, call->actor.user_id, &u, &cause);
	if (st != ASSURE__CODE__OK) {
		ps->message = cause;
		job->status = st == ASSURE__CODE__NOT_FOUND ? ASSURE__CODE__UNAUTHENTICATED : st;
		return;
	}
	int ok = password_verify(u->password_hash, ps->old_password);
	user_record_free(u);
	if (!ok) {
		job->status = ASSURE__CODE__PERMISSION_DENIED;
		return;
	}
	ps->new_hash = password_hash(ps->new_password, &cause);
	if (ps->new_hash == NULL) {
		ps->message = cause;
		job->status = ASSURE__CODE__INTERNAL;
	}
}

static void pwchange_verify_done(struct job *job)
{
	struct rpc_call *call = rpc_call_of(job);
	struct pwchange_state *ps = call->state;
	switch (job->status) {
	case ASSURE__CODE__OK:
		rpc_submit_writer(call, pwchange_store_run, pwchange_store_done);
		return;
	case ASSURE__CODE__PERMISSION_DENIED:
		log_info("passwd %s: wrong current password for %s", call->peer,
			 call->actor.username);
		/* Guessing through passwd counts like guessing through login. */
		char host[64];
		peer_host(call->peer, host, sizeof host);
		count_failure(call, call->actor.username, host);
		rpc_error(call, job->status, "current password is not correct");
		break;
	default:
		log_error("passwd %s: %s", call->peer, ps->message ? ps->message : "?");
		rpc_error(call, ASSURE__CODE__INTERNAL, "password could not be changed; try again");
		break;
	}
	free(ps->message);
	rpc_complete(call);
}

static enum rpc_result rpc_session_password_change(struct rpc_call *call)
{
	const Assure__PasswordChangeRequest *req = call->req->password_change;
	if (req->old_password[0] == '\0')
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "old_password: required");
	const char *why = password_policy_check(req->new_password, call->actor.username);
	if (why != NULL)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "new_password: %s", why);
	if (strcmp(req->old_password, req->new_password) == 0)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "new_password: must differ from the current password");
	rpc_audit_object(call, "user", call->actor.username);
	struct pwchange_state *ps = arena_alloc(call->arena, sizeof *ps);
	ps->old_password = req->old_password;
	ps->new_password = req->new_password;
	call->state = ps;
	return rpc_submit_worker(call, pwchange_verify_run, pwchange_verify_done);
}

/* --- SessionList, SessionRevoke ------------------------------------------- */

struct session_collect {
	struct rpc_call *call;
	const char *username; /* NULL: everyone */
	int64_t now;
	Assure__Session **items;
	size_t n, cap;
};

static void collect_session(struct session *s, void *arg)
{
	struct session_collect *sc = arg;
	struct rpc_call *call = sc->call;
	struct server *srv = call->srv;
	if (session_state(s, sc->now, srv->session_idle_ms) != SESSION_VALID)
		return;
	if (sc->username && strcmp(s->username, sc->username) != 0)
		return;
	if (sc->n == sc->cap) {
		size_t cap = sc->cap ? sc->cap * 2 : 16;
		Assure__Session **v = arena_alloc(call->arena, cap * sizeof *v);
		if (sc->n)
			memcpy(v, sc->items, sc->n * sizeof *v);
		sc->items = v;
		sc->cap = cap;
	}
	Assure__Session *m = arena_alloc(call->arena, sizeof *m);
	assure__session__init(m);
	m->id = s->id;
	m->username = arena_strdup(call->arena, s->username);
	m->role = arena_strdup(call->arena, s->role);
	m->created_at = s->created_at / 1000;
	m->last_seen_at = s->last_seen_at / 1000;
	m->expires_at = s->expires_at / 1000;
	int64_t idle_end = s->last_seen_at + srv->session_idle_ms;
	m->idle_expires_at = (idle_end < s->expires_at ? idle_end : s->expires_at) / 1000;
	m->client_addr = arena_strdup(call->arena, s->client_addr ? s->client_addr : "");
	m->cert_subject = arena_strdup(call->arena, s->cert_subject ? s->cert_subject : "");
	m->current = s->id == call->actor.session_id;
	sc->items[sc->n++] = m;
}

static int by_id(const void *a, const void *b)
{
	const Assure__Session *x = *(Assure__Session *const *)a, *y = *(Assure__Session *const *)b;
	return x->id < y->id ? -1 : x->id > y->id;
}

static int may_manage_sessions_of(const struct rpc_call *call, const char *username)
{
	return strcmp(username, call->actor.username) == 0 ||
	       (call->actor.perms & PERM_BIT(PERM_SESSION_MANAGE));
}

static void session_list_fill(struct rpc_call *call)
{
	const char *who = call->req->session_list->username;
	struct session_collect sc = {.call = call, .now = clock_now_ms()};
	if (who[0] != '\0')
		sc.username = who;
	else if (!(call->actor.perms & PERM_BIT(PERM_SESSION_MANAGE)))
		sc.username = call->actor.username; /* others see their own */
	session_table_foreach(call->srv->sessions, collect_session, &sc);
	if (sc.n > 1)
		qsort(sc.items, sc.n, sizeof *sc.items, by_id);
	Assure__SessionListResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__session_list_response__init(r);
	r->n_sessions = sc.n;
	r->sessions = sc.items;
	RPC_RESULT(call, session_list, SESSION_LIST, r);
}

static int user_exists_db(struct rpc_call *call, struct db *db, char **message)
{
	const char *who = call->req->session_list->username;
	struct user_record *u = NULL;
	int st = store_user_find_by_name(db, who, &u, message);
	user_record_free(u);
	if (st == ASSURE__CODE__NOT_FOUND)
		*message = xasprintf("no user '%s'", who);
	return st;
}

static enum rpc_result rpc_session_list(struct rpc_call *call)
{
	const char *who = call->req->session_list->username;
	call->audit_query = arena_printf(call->arena, "username=%s", who);
	if (who[0] == '\0') {
		session_list_fill(call);
		return RPC_DONE;
	}
	if (!may_manage_sessions_of(call, who))
		return rpc_error(call, ASSURE__CODE__PERMISSION_DENIED,
				 "permission denied: listing another user's sessions needs "
				 "permission 'session.manage'");
	/* The sessions come from memory; the name is checked against the
	 * users, so a typo is NOT_FOUND rather than an empty list. */
	return rpc_read(call, user_exists_db, session_list_fill);
}

struct revoke_state {
	int64_t session_id; /* one session, or */
	int64_t user_id;    /* all of a user's (found by the writer) */
	uint32_t revoked;
};

static int session_revoke_db(struct rpc_call *call, struct db *db, char **message)
{
	const Assure__SessionRevokeRequest *req = call->req->session_revoke;
	struct revoke_state *rs = call->state;
	int64_t now = clock_now_ms();
	int st;
	if (rs->session_id) {
		st = store_session_revoke(db, rs->session_id, now, "revoked", message);
		if (st == ASSURE__CODE__NOT_FOUND)
			*message = xasprintf("no live session %lld", (long long)rs->session_id);
		rs->revoked = st == ASSURE__CODE__OK;
	} else {
		struct user_record *u = NULL;
		st = store_user_find_by_name(db, req->username, &u, message);
		if (st == ASSURE__CODE__NOT_FOUND)
			*message = xasprintf("no user '%s'", req->username);
		if (st == ASSURE__CODE__OK) {
			rs->user_id = u->id;
			st = store_session_revoke_user(db, u->id, 0, now, "revoked", message);
			rs->revoked = (uint32_t)db_changes(db);
		}
		user_record_free(u);
	}
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__SessionRevokeResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__session_revoke_response__init(r);
	r->revoked = rs->revoked;
	RPC_RESULT(call, session_revoke, SESSION_REVOKE, r);
	return ASSURE__CODE__OK;
}

struct find_id {
	int64_t id;
	struct session *found;
};

static void find_session_id(struct session *s, void *arg)
{
	struct find_id *f = arg;
	if (s->id == f->id)
		f->found = s;
}

static void session_revoke_after(struct rpc_call *call)
{
	struct revoke_state *rs = call->state;
	if (rs->user_id)
		session_table_revoke_user(call->srv->sessions, rs->user_id, 0);
	log_info("session revoke %s: %s revoked %u session(s)", call->peer, call->actor.username,
		 rs->revoked);
}

static enum rpc_result rpc_session_revoke(struct rpc_call *call)
{
	const Assure__SessionRevokeRequest *req = call->req->session_revoke;
	if ((req->id != 0) == (req->username[0] != '\0'))
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT,
				 "give either a session id or a username, not both or neither");
	struct revoke_state *rs = arena_alloc(call->arena, sizeof *rs);
	if (req->id != 0) {
		char id[32];
		snprintf(id, sizeof id, "%lld", (long long)req->id);
		rpc_audit_object(call, "session", id);
		struct find_id f = {req->id, NULL};
		session_table_foreach(call->srv->sessions, find_session_id, &f);
		if (f.found == NULL || f.found->revoked)
			return rpc_error(call, ASSURE__CODE__NOT_FOUND, "no live session %lld",
					 (long long)req->id);
		if (!may_manage_sessions_of(call, f.found->username))
			return rpc_error(call, ASSURE__CODE__PERMISSION_DENIED,
					 "permission denied: revoking another user's session needs "
					 "permission 'session.manage'");
		/* In memory at once, like logout: the next request anywhere on
		 * this session is refused, even before the commit. */
		f.found->revoked = true;
		rs->session_id = req->id;
	} else {
		rpc_audit_object(call, "user", req->username);
		if (!may_manage_sessions_of(call, req->username))
			return rpc_error(
			    call, ASSURE__CODE__PERMISSION_DENIED,
			    "permission denied: revoking another user's sessions needs "
			    "permission 'session.manage'");
	}
	call->state = rs;
	return rpc_write(call, session_revoke_db, session_revoke_after);
}

const struct rpc_entry rpc_session_table[] = {
    {ASSURE__REQUEST__OP_LOGIN, "Login", PERM_NONE, RPC_PREAUTH | RPC_BARRIER | RPC_WRITE,
     rpc_session_login, 'E'},
    {ASSURE__REQUEST__OP_RESUME, "Resume", PERM_NONE, RPC_PREAUTH, rpc_session_resume, 'E'},
    {ASSURE__REQUEST__OP_WHOAMI, "Whoami", PERM_NONE, RPC_PWCHANGE_OK, rpc_session_whoami, 'R'},
    {ASSURE__REQUEST__OP_LOGOUT, "Logout", PERM_NONE, RPC_PWCHANGE_OK | RPC_BARRIER | RPC_WRITE,
     rpc_session_logout, 'E'},
    {ASSURE__REQUEST__OP_SESSION_LIST, "SessionList", PERM_NONE, 0, rpc_session_list, 'R'},
    {ASSURE__REQUEST__OP_SESSION_REVOKE, "SessionRevoke", PERM_NONE, RPC_WRITE, rpc_session_revoke,
     'D'},
    {ASSURE__REQUEST__OP_PASSWORD_CHANGE, "PasswordChange", PERM_NONE,
     RPC_PWCHANGE_OK | RPC_WRITE | RPC_BARRIER, rpc_session_password_change, 'U'},
};

const size_t rpc_session_count = sizeof rpc_session_table / sizeof rpc_session_table[0];
