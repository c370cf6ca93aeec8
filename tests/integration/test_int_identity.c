/*
 * Identity and access against a real assured (docs/ROLES.md): choosing a
 * role at login, users (one-time passwords, listing with filters and
 * pages, optimistic versions, disabling and resetting, which end the
 * user's sessions at once), the password policy, login failures that all
 * look alike, sessions (listing and revoking one's own and, with
 * session.manage, anyone's), separation of duties (nobody changes their own
 * roles or password through the admin operations; the last enabled admin
 * stays), built-in and custom roles, sites, and mutual TLS.
 *
 * Most tests share one server and use user names of their own; the ones
 * that change the first admin get a server of their own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

#define PW "identity test passphrase 9"
#define PW2 "another identity passphrase 3"

static struct harness_server group_server;

/* Users need a site: every server gets HQ. */
static void add_hq(const struct harness_server *s)
{
	struct client *admin = harness_connect_admin(s);
	struct harness_ireq r;
	harness_ireq_site_add(&r, "HQ", "Headquarters");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "SiteAdd HQ");
	client_free(admin);
}

static int group_setup(void **state)
{
	harness_server_start(&group_server, NULL);
	add_hq(&group_server);
	*state = &group_server;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	harness_server_destroy(&group_server);
	return 0;
}

static int private_setup(void **state)
{
	struct harness_server *s = calloc(1, sizeof *s);
	assert_non_null(s);
	*state = s;
	harness_server_start(s, NULL);
	add_hq(s);
	return 0;
}

static const char *const mtls_args[] = {"--client-ca", TEST_CERTS_DIR "/ca.crt", NULL};

static int mtls_setup(void **state)
{
	struct harness_server *s = calloc(1, sizeof *s);
	assert_non_null(s);
	*state = s;
	struct harness_server_opts opts = {.extra_args = mtls_args};
	harness_server_start(s, &opts);
	return 0; /* no users added here: HQ not needed */
}

static int private_teardown(void **state)
{
	struct harness_server *s = *state;
	if (s != NULL) {
		harness_server_destroy(s);
		free(s);
	}
	return 0;
}

/* ---- helpers ----------------------------------------------------------- */

/* Space-separated words of want, in order, equal v[0..n). */
static int strv_equals(char *const *v, size_t n, const char *want)
{
	char buf[512];
	snprintf(buf, sizeof buf, "%s", want);
	size_t i = 0;
	for (char *save = NULL, *t = strtok_r(buf, " ", &save); t != NULL;
	     t = strtok_r(NULL, " ", &save), i++)
		if (i >= n || strcmp(v[i], t) != 0)
			return 0;
	return i == n;
}

static int strv_has(char *const *v, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static void strv_print(const char *what, char *const *v, size_t n)
{
	print_message("%s: [", what);
	for (size_t i = 0; i < n; i++)
		print_message("%s%s", i ? " " : "", v[i]);
	print_message("]\n");
}

/* UserShow as admin, asserting OK; caller frees *resp. */
static const Assure__User *show_user(struct client *admin, const char *name,
				     Assure__Response **resp)
{
	struct harness_ireq r;
	harness_ireq_user_show(&r, name);
	char what[128];
	snprintf(what, sizeof what, "UserShow %s", name);
	*resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, what);
	assert_int_equal((*resp)->result_case, ASSURE__RESPONSE__RESULT_USER_SHOW);
	assert_non_null((*resp)->user_show);
	assert_non_null((*resp)->user_show->user);
	return (*resp)->user_show->user;
}

static void expect_login_failed(struct client *c, const char *user, const char *password,
				const char *role, const char *what)
{
	struct harness_ireq r;
	harness_ireq_login(&r, user, password, role);
	Assure__Response *resp = harness_icall(c, &r);
	int code = client_status_code(resp);
	if (code != ASSURE__CODE__UNAUTHENTICATED ||
	    strcmp(client_status_message(resp), "login failed") != 0) {
		char msg[512];
		snprintf(msg, sizeof msg, "%s", client_status_message(resp));
		assure__response__free_unpacked(resp, NULL);
		fail_msg("%s: expected UNAUTHENTICATED \"login failed\", got %s: \"%s\"", what,
			 harness_code_name(code), msg);
	}
	assert_int_not_equal(resp->result_case, ASSURE__RESPONSE__RESULT_LOGIN);
	assure__response__free_unpacked(resp, NULL);
}

/* A non-OK answer of one of two codes whose message mentions text (NULL:
 * anything). */
static void expect_refused(struct client *c, struct harness_ireq *r, int code1, int code2,
			   const char *text, const char *what)
{
	Assure__Response *resp = harness_icall(c, r);
	int code = client_status_code(resp);
	char msg[512];
	snprintf(msg, sizeof msg, "%s", client_status_message(resp));
	assure__response__free_unpacked(resp, NULL);
	print_message("%s: %s: \"%s\"\n", what, harness_code_name(code), msg);
	if (code != code1 && code != code2)
		fail_msg("%s: expected %s or %s, got %s: \"%s\"", what, harness_code_name(code1),
			 harness_code_name(code2), harness_code_name(code), msg);
	if (text != NULL && !harness_contains_ci(msg, text))
		fail_msg("%s: %s, but the message \"%s\" does not mention \"%s\"", what,
			 harness_code_name(code), msg, text);
}

static Assure__Response *whoami(struct client *c, int code, const char *what)
{
	struct harness_ireq r;
	harness_ireq_whoami(&r);
	return harness_iexpect(c, &r, code, what);
}

static void whoami_code(struct client *c, int code, const char *what)
{
	assure__response__free_unpacked(whoami(c, code, what), NULL);
}

static void site_add(struct client *admin, const char *code)
{
	struct harness_ireq r;
	harness_ireq_site_add(&r, code, code);
	char what[128];
	snprintf(what, sizeof what, "SiteAdd %s", code);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, what);
}

static void role_add(struct client *admin, const char *name, const char *const *perms)
{
	struct harness_ireq r;
	harness_ireq_role_add(&r, name, name, perms);
	char what[128];
	snprintf(what, sizeof what, "RoleAdd %s", name);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, what);
}

/* ---- roles and permissions ---------------------------------------------- */

/* docs/ROLES.md, "Built-in roles"; permissions sorted. */
static const struct {
	const char *name;
	const char *perms;
} builtin[] = {
    {"admin", "config.manage role.manage session.manage site.manage user.manage user.read"},
    {"case-manager", "concern.read concern.write performer.read performer.write"},
    {"investigator", "concern.investigate concern.read performer.read"},
    {"pag-member", "concern.pag concern.read concern.write performer.read"},
    {"panel-member", "concern.decide concern.read performer.read"},
    {"contract-manager", "contract.read contract.write indicators.manage review.read review.write"},
    {"reviewer", "contract.read review.read review.write"},
    {"auditor", "audit.read"},
    {"viewer", "contract.read performer.read review.read"},
};

static void test_builtin_roles(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	struct harness_ireq r;
	harness_ireq_role_list(&r);
	Assure__Response *resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "RoleList");
	assert_int_equal(resp->result_case, ASSURE__RESPONSE__RESULT_ROLE_LIST);
	const Assure__RoleListResponse *rl = resp->role_list;
	assert_non_null(rl);
	int bad = 0;
	for (size_t b = 0; b < sizeof builtin / sizeof builtin[0]; b++) {
		const Assure__Role *found = NULL;
		for (size_t i = 0; i < rl->n_roles; i++)
			if (strcmp(rl->roles[i]->name, builtin[b].name) == 0)
				found = rl->roles[i];
		if (found == NULL) {
			print_error("RoleList has no built-in role %s\n", builtin[b].name);
			bad++;
			continue;
		}
		if (!found->builtin) {
			print_error("RoleList: %s is not marked builtin\n", builtin[b].name);
			bad++;
		}
		if (!strv_equals(found->permissions, found->n_permissions, builtin[b].perms)) {
			strv_print(builtin[b].name, found->permissions, found->n_permissions);
			print_error("RoleList: %s should have exactly (sorted) %s\n",
				    builtin[b].name, builtin[b].perms);
			bad++;
		}
	}
	assure__response__free_unpacked(resp, NULL);
	assert_int_equal(bad, 0);

	/* admin: identity administration and configuration; auditor: audit.read only. */
	harness_ireq_role_show(&r, "admin");
	resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "RoleShow admin");
	assert_non_null(resp->role_show);
	assert_non_null(resp->role_show->role);
	assert_true(strv_equals(resp->role_show->role->permissions,
				resp->role_show->role->n_permissions, builtin[0].perms));
	assert_true(
	    strv_has(resp->role_show->usernames, resp->role_show->n_usernames, HARNESS_ADMIN));
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_role_show(&r, "auditor");
	resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "RoleShow auditor");
	assert_true(strv_equals(resp->role_show->role->permissions,
				resp->role_show->role->n_permissions, "audit.read"));
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_role_show(&r, "no-such-role");
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "RoleShow no-such-role");
	client_free(admin);
}

static const char *const catalogue[] = {
    "user.read",      "user.manage",   "role.manage",	 "site.manage",
    "session.manage", "audit.read",    "performer.read", "performer.write",
    "concern.read",   "concern.write", "concern.pag",	 "concern.investigate",
    "concern.decide", "contract.read", "contract.write", "indicators.manage",
    "review.read",    "review.write",  "config.manage",
};

static void test_permission_list(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	struct harness_ireq r;
	harness_ireq_permission_list(&r);
	Assure__Response *resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "PermissionList");
	const Assure__PermissionListResponse *pl = resp->permission_list;
	assert_non_null(pl);
	size_t n = sizeof catalogue / sizeof catalogue[0];
	int bad = 0;
	for (size_t k = 0; k < n; k++) {
		int found = 0;
		for (size_t i = 0; i < pl->n_permissions; i++)
			if (strcmp(pl->permissions[i]->name, catalogue[k]) == 0) {
				found = 1;
				if (strlen(pl->permissions[i]->meaning) == 0) {
					print_error("permission %s has no meaning\n", catalogue[k]);
					bad++;
				}
			}
		if (!found) {
			print_error("PermissionList lacks %s\n", catalogue[k]);
			bad++;
		}
	}
	if (pl->n_permissions != n) {
		print_error("PermissionList has %zu permissions, docs/ROLES.md lists %zu\n",
			    pl->n_permissions, n);
		bad++;
	}
	assure__response__free_unpacked(resp, NULL);
	client_free(admin);
	assert_int_equal(bad, 0);
}

/* ---- login and roles ----------------------------------------------------- */

static void test_login_role_selection(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	harness_add_user(admin, "multi", "case-manager,viewer", "HQ", PW, NULL);
	harness_add_user(admin, "single", "viewer", "HQ", PW, NULL);
	client_free(admin);

	struct client *c = harness_connect_hello(s);
	struct harness_ireq r;
	/* Several roles, none chosen: the server names them. */
	harness_ireq_login(&r, "multi", PW, NULL);
	Assure__Response *resp = harness_iexpect(c, &r, ASSURE__CODE__FAILED_PRECONDITION,
						 "Login multi (two roles, none chosen)");
	print_message("two roles, none chosen: \"%s\"\n", client_status_message(resp));
	assert_true(harness_contains_ci(client_status_message(resp), "case-manager"));
	assert_true(harness_contains_ci(client_status_message(resp), "viewer"));
	assure__response__free_unpacked(resp, NULL);
	whoami_code(c, ASSURE__CODE__UNAUTHENTICATED, "Whoami after a login without a role");

	/* A role not held. */
	harness_ireq_login(&r, "multi", PW, "auditor");
	harness_iexpect_code(c, &r, ASSURE__CODE__PERMISSION_DENIED, "Login multi --role auditor");
	harness_ireq_login(&r, "multi", PW, "no-such-role");
	harness_iexpect_code(c, &r, ASSURE__CODE__PERMISSION_DENIED,
			     "Login multi --role no-such-role");
	/* A wrong password says nothing about roles, chosen or not. */
	expect_login_failed(c, "multi", "not the password at all", NULL,
			    "Login multi, wrong password, no role");
	expect_login_failed(c, "multi", "not the password at all", "auditor",
			    "Login multi, wrong password, role not held");

	/* A role held. */
	harness_ireq_login(&r, "multi", PW, "viewer");
	resp = harness_iexpect(c, &r, ASSURE__CODE__OK, "Login multi --role viewer");
	const Assure__SessionInfo *si = resp->login->session;
	assert_non_null(si);
	assert_string_equal(si->role, "viewer");
	assert_true(strv_has(si->roles, si->n_roles, "viewer"));
	assert_true(strv_has(si->roles, si->n_roles, "case-manager"));
	assert_int_equal(si->n_roles, 2);
	assure__response__free_unpacked(resp, NULL);
	resp = whoami(c, ASSURE__CODE__OK, "Whoami as multi/viewer");
	assert_string_equal(resp->whoami->session->role, "viewer");
	assure__response__free_unpacked(resp, NULL);

	harness_ireq_login(&r, "multi", PW, "case-manager");
	resp = harness_iexpect(c, &r, ASSURE__CODE__OK, "Login multi --role case-manager");
	assert_string_equal(resp->login->session->role, "case-manager");
	assure__response__free_unpacked(resp, NULL);
	client_free(c);

	/* One role: selected without asking; naming it is fine too. */
	c = harness_connect_hello(s);
	harness_ireq_login(&r, "single", PW, NULL);
	resp = harness_iexpect(c, &r, ASSURE__CODE__OK, "Login single (one role)");
	assert_string_equal(resp->login->session->role, "viewer");
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_login(&r, "single", PW, "viewer");
	harness_iexpect_code(c, &r, ASSURE__CODE__OK, "Login single --role viewer");
	harness_ireq_login(&r, "single", PW, "admin");
	harness_iexpect_code(c, &r, ASSURE__CODE__PERMISSION_DENIED, "Login single --role admin");
	client_free(c);
}

/* ---- users ---------------------------------------------------------------- */

/* Every operation that needs a session, except Whoami, Logout and
 * PasswordChange, answers FAILED_PRECONDITION "password change required"
 * while a one-time password is unchanged: each field of the Request oneof
 * is sent with an empty message (new operations are covered as they come). */
static void expect_all_wait_for_password_change(struct client *c)
{
	const ProtobufCMessageDescriptor *d = &assure__request__descriptor;
	int bad = 0, n = 0;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			continue;
		switch (f->id) {
		case ASSURE__REQUEST__OP_HELLO:
		case ASSURE__REQUEST__OP_STATUS:
		case ASSURE__REQUEST__OP_LOGIN:
		case ASSURE__REQUEST__OP_RESUME:
		case ASSURE__REQUEST__OP_WHOAMI:
		case ASSURE__REQUEST__OP_LOGOUT:
		case ASSURE__REQUEST__OP_PASSWORD_CHANGE:
			continue;
		default:
			break;
		}
		const ProtobufCMessageDescriptor *md = f->descriptor;
		void *sub = calloc(1, md->sizeof_message);
		assert_non_null(sub);
		protobuf_c_message_init(md, sub);
		Assure__Request req = ASSURE__REQUEST__INIT;
		req.op_case = (Assure__Request__OpCase)f->id;
		memcpy((char *)&req + f->offset, &sub, sizeof sub);
		Assure__Response *resp = NULL;
		char *cause = NULL;
		if (client_call(c, &req, &resp, &cause) != 0)
			fail_msg("%s while a password change is pending: transport error: %s",
				 f->name, cause ? cause : "");
		free(sub);
		n++;
		int got = client_status_code(resp);
		/* Every operation is served, so UNIMPLEMENTED is a failure too:
		 * an operation the gate never saw. */
		if (got != ASSURE__CODE__FAILED_PRECONDITION ||
		    !harness_contains_ci(client_status_message(resp), "password change required")) {
			print_error(
			    "%s while a password change is pending: expected "
			    "FAILED_PRECONDITION \"password change required\", got %s: \"%s\"\n",
			    f->name, harness_code_name(got), client_status_message(resp));
			bad++;
		}
		assure__response__free_unpacked(resp, NULL);
	}
	print_message("%d operations wait for the password change\n", n);
	assert_true(n >= 17);
	assert_int_equal(bad, 0);
}

static void test_user_add_one_time_password(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	char otp[HARNESS_OTP_MAX];
	harness_add_user(admin, "otp-user", "viewer", "HQ", NULL, otp);
	print_message("one-time password has %zu characters\n", strlen(otp));
	assert_true(strlen(otp) >= 12);
	Assure__Response *resp;
	const Assure__User *u = show_user(admin, "otp-user", &resp);
	assert_true(u->password_change_required);
	assert_false(u->disabled);
	assure__response__free_unpacked(resp, NULL);

	struct client *c = harness_connect_hello(s);
	struct harness_ireq r;
	harness_ireq_login(&r, "otp-user", otp, NULL);
	resp = harness_iexpect(c, &r, ASSURE__CODE__OK, "Login with the one-time password");
	assert_true(resp->login->session->password_change_required);
	assure__response__free_unpacked(resp, NULL);

	/* Everything but Whoami, Logout and PasswordChange waits. */
	harness_ireq_site_list(&r);
	harness_iexpect_msg(c, &r, ASSURE__CODE__FAILED_PRECONDITION, "password change required",
			    "SiteList before the password change");
	harness_ireq_session_list(&r, NULL);
	harness_iexpect_msg(c, &r, ASSURE__CODE__FAILED_PRECONDITION, "password change required",
			    "SessionList before the password change");
	harness_ireq_user_list(&r, NULL, NULL, 0, 0, NULL);
	harness_iexpect_msg(c, &r, ASSURE__CODE__FAILED_PRECONDITION, "password change required",
			    "UserList before the password change");
	expect_all_wait_for_password_change(c);
	/* Logout is allowed too (on a second session). */
	struct client *c2 = harness_connect_login(s, "otp-user", otp, NULL, NULL);
	harness_ireq_logout(&r);
	harness_iexpect_code(c2, &r, ASSURE__CODE__OK, "Logout before the password change");
	client_free(c2);
	resp = whoami(c, ASSURE__CODE__OK, "Whoami before the password change");
	assert_true(resp->whoami->session->password_change_required);
	assure__response__free_unpacked(resp, NULL);

	harness_ireq_password_change(&r, otp, PW);
	harness_iexpect_code(c, &r, ASSURE__CODE__OK, "PasswordChange from the one-time password");
	harness_ireq_site_list(&r);
	harness_iexpect_code(c, &r, ASSURE__CODE__OK, "SiteList after the password change");
	resp = whoami(c, ASSURE__CODE__OK, "Whoami after the password change");
	assert_false(resp->whoami->session->password_change_required);
	assure__response__free_unpacked(resp, NULL);
	client_free(c);

	c = harness_connect_hello(s);
	expect_login_failed(c, "otp-user", otp, NULL, "Login with the used one-time password");
	harness_ireq_login(&r, "otp-user", PW, NULL);
	resp = harness_iexpect(c, &r, ASSURE__CODE__OK, "Login with the new password");
	assert_false(resp->login->session->password_change_required);
	assure__response__free_unpacked(resp, NULL);
	client_free(c);

	u = show_user(admin, "otp-user", &resp);
	assert_false(u->password_change_required);
	assure__response__free_unpacked(resp, NULL);
	client_free(admin);
}

static void test_user_add_validation(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	static const char *const viewer[] = {"viewer", NULL};
	static const char *const none[] = {NULL};
	static const char *const unknown_role[] = {"no-such-role-x", NULL};
	static const char *const bad_names[] = {
	    "Bad Name",
	    "UPPER",
	    "-lead",
	    ".lead",
	    "a/b",
	    "tab\tname",
	    "ünïcode",
	    "a1234567890123456789012345678901234567890123456789012345678901234", /* 65 */
	};
	struct harness_ireq r;
	char what[256];
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
		harness_ireq_user_add(&r, bad_names[i], "x", "HQ", viewer, PW);
		snprintf(what, sizeof what, "UserAdd '%s'", bad_names[i]);
		harness_iexpect_msg(admin, &r, ASSURE__CODE__INVALID_ARGUMENT, "username", what);
	}
	harness_ireq_user_add(&r, "", "x", "HQ", viewer, PW);
	harness_iexpect_msg(admin, &r, ASSURE__CODE__INVALID_ARGUMENT, "username",
			    "UserAdd with no username");
	/* 64 characters is the longest allowed. */
	static const char longest[] =
	    "a123456789012345678901234567890123456789012345678901234567890123";
	assert_int_equal(strlen(longest), 64);
	harness_add_user(admin, longest, "viewer", "HQ", PW, NULL);
	harness_add_user(admin, "ok.name_with-1", "viewer", "HQ", PW, NULL);

	harness_ireq_user_add(&r, "no-site", "x", NULL, viewer, PW);
	harness_iexpect_msg(admin, &r, ASSURE__CODE__INVALID_ARGUMENT, "site",
			    "UserAdd without a site");
	harness_ireq_user_add(&r, "no-roles", "x", "HQ", none, PW);
	harness_iexpect_msg(admin, &r, ASSURE__CODE__INVALID_ARGUMENT, "role",
			    "UserAdd without roles");
	harness_ireq_user_add(&r, "bad-role", "x", "HQ", unknown_role, PW);
	harness_iexpect_msg(admin, &r, ASSURE__CODE__NOT_FOUND, "no-such-role-x",
			    "UserAdd with an unknown role");
	harness_ireq_user_add(&r, "bad-site", "x", "NOSUCHSITE", viewer, PW);
	harness_iexpect_msg(admin, &r, ASSURE__CODE__NOT_FOUND, "NOSUCHSITE",
			    "UserAdd with an unknown site");
	harness_ireq_user_add(&r, "ok.name_with-1", "x", "HQ", viewer, PW);
	harness_iexpect_code(admin, &r, ASSURE__CODE__ALREADY_EXISTS,
			     "UserAdd of an existing user");
	harness_ireq_user_add(&r, HARNESS_ADMIN, "x", "HQ", viewer, NULL);
	harness_iexpect_code(admin, &r, ASSURE__CODE__ALREADY_EXISTS, "UserAdd admin again");

	/* The refused ones were not created. */
	harness_ireq_user_show(&r, "bad-role");
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "UserShow bad-role");
	harness_ireq_user_show(&r, "no-roles");
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "UserShow no-roles");
	harness_ireq_user_show(&r, "nobody-at-all");
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "UserShow nobody-at-all");
	client_free(admin);
}

/* Walks every page of a listing; checks each user appears once. Returns
 * how many users; names (may be NULL) receives them (up to max). */
static size_t walk_users(struct client *admin, const char *site, const char *role,
			 Assure__UserStateFilter st, uint32_t page_size, char names[][64],
			 size_t max, size_t *pages)
{
	char token[512] = "";
	size_t n = 0;
	*pages = 0;
	for (int guard = 0; guard < 100; guard++) {
		struct harness_ireq r;
		harness_ireq_user_list(&r, site, role, st, page_size, token);
		Assure__Response *resp =
		    harness_iexpect(admin, &r, ASSURE__CODE__OK, "UserList page");
		const Assure__UserListResponse *ul = resp->user_list;
		assert_non_null(ul);
		(*pages)++;
		if (page_size > 0 && ul->n_users > page_size)
			fail_msg("UserList page of %zu users for page_size %u", ul->n_users,
				 page_size);
		for (size_t i = 0; i < ul->n_users; i++) {
			for (size_t k = 0; k < n && k < max; k++)
				if (strcmp(names[k], ul->users[i]->username) == 0)
					fail_msg(
					    "UserList (site '%s', role '%s', page_size %u): %s "
					    "appears twice",
					    site ? site : "", role ? role : "", page_size,
					    ul->users[i]->username);
			if (n < max)
				snprintf(names[n], 64, "%s", ul->users[i]->username);
			n++;
		}
		snprintf(token, sizeof token, "%s", ul->next_page_token ? ul->next_page_token : "");
		assure__response__free_unpacked(resp, NULL);
		if (token[0] == '\0')
			return n;
	}
	fail_msg("UserList: more than 100 pages");
	return 0;
}

static int names_have(char names[][64], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return 1;
	return 0;
}

static void test_user_list_pages_and_filters(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	site_add(admin, "PAGE");
	char name[64];
	for (int i = 1; i <= 7; i++) {
		snprintf(name, sizeof name, "page-%02d", i);
		harness_add_user(admin, name, i >= 6 ? "investigator" : "viewer", "PAGE", NULL,
				 NULL);
	}
	struct harness_ireq r;
	harness_ireq_user_disable(&r, "page-03", "test");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserDisable page-03");
	harness_ireq_user_disable(&r, "page-06", "test");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserDisable page-06");

	char names[64][64];
	size_t pages, n;
	/* Enabled (the default), two a page: 01 02 04 05 07. */
	n = walk_users(admin, "PAGE", NULL, ASSURE__USER_STATE_FILTER__USERS_ENABLED, 2, names, 64,
		       &pages);
	print_message("site PAGE, enabled, page_size 2: %zu users in %zu pages\n", n, pages);
	assert_int_equal(n, 5);
	assert_true(pages >= 3);
	assert_true(names_have(names, n, "page-01") && names_have(names, n, "page-07"));
	assert_false(names_have(names, n, "page-03"));
	assert_false(names_have(names, n, "page-06"));

	n = walk_users(admin, "PAGE", NULL, ASSURE__USER_STATE_FILTER__USERS_ALL, 3, names, 64,
		       &pages);
	assert_int_equal(n, 7);
	assert_true(pages >= 3);
	n = walk_users(admin, "PAGE", NULL, ASSURE__USER_STATE_FILTER__USERS_DISABLED, 1, names, 64,
		       &pages);
	assert_int_equal(n, 2);
	assert_true(names_have(names, n, "page-03") && names_have(names, n, "page-06"));
	/* Role filter (with site): investigators 06 (disabled) and 07. */
	n = walk_users(admin, "PAGE", "investigator", ASSURE__USER_STATE_FILTER__USERS_ENABLED, 0,
		       names, 64, &pages);
	assert_int_equal(n, 1);
	assert_string_equal(names[0], "page-07");
	n = walk_users(admin, "PAGE", "investigator", ASSURE__USER_STATE_FILTER__USERS_ALL, 1,
		       names, 64, &pages);
	assert_int_equal(n, 2);
	/* No filter: everyone enabled, at least the first admin and 01..07's five. */
	n = walk_users(admin, NULL, NULL, ASSURE__USER_STATE_FILTER__USERS_ENABLED, 4, names, 64,
		       &pages);
	assert_true(n >= 6);
	assert_true(names_have(names, n, HARNESS_ADMIN));

	client_free(admin);
}

/* "Unknown site/role/user: NOT_FOUND" holds for the names a listing is
 * narrowed by too: a typo must not look like an empty result. A page
 * token the server never issued is an invalid argument. */
static void test_unknown_names_in_filters(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	int bad = 0;
	struct {
		struct harness_ireq r;
		int code;
		const char *what;
	} cases[4];
	harness_ireq_user_list(&cases[0].r, "NOSUCHSITE", NULL, 0, 0, NULL);
	cases[0].code = ASSURE__CODE__NOT_FOUND;
	cases[0].what = "UserList --site NOSUCHSITE";
	harness_ireq_user_list(&cases[1].r, NULL, "no-such-role", 0, 0, NULL);
	cases[1].code = ASSURE__CODE__NOT_FOUND;
	cases[1].what = "UserList --role no-such-role";
	harness_ireq_session_list(&cases[2].r, "nobody-here");
	cases[2].code = ASSURE__CODE__NOT_FOUND;
	cases[2].what = "SessionList --user nobody-here (as admin)";
	harness_ireq_user_list(&cases[3].r, NULL, NULL, 0, 2, "certainly-not-a-page-token");
	cases[3].code = ASSURE__CODE__INVALID_ARGUMENT;
	cases[3].what = "UserList with a page token the server never issued";
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		Assure__Response *resp = harness_icall(admin, &cases[i].r);
		int got = client_status_code(resp);
		if (got != cases[i].code) {
			print_error("%s: expected %s, got %s: \"%s\"\n", cases[i].what,
				    harness_code_name(cases[i].code), harness_code_name(got),
				    client_status_message(resp));
			bad++;
		}
		assure__response__free_unpacked(resp, NULL);
	}
	client_free(admin);
	assert_int_equal(bad, 0);
}

static void test_user_show_and_set(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	site_add(admin, "SETS");
	harness_add_user(admin, "setme", "viewer", "HQ", PW, NULL);
	Assure__Response *resp;
	const Assure__User *u = show_user(admin, "setme", &resp);
	assert_string_equal(u->username, "setme");
	assert_true(strv_equals(u->roles, u->n_roles, "viewer"));
	assert_string_equal(u->site, "HQ");
	assert_false(u->disabled);
	assert_true(u->created_at > 0);
	assert_true(u->version > 0);
	uint64_t v1 = u->version;
	assure__response__free_unpacked(resp, NULL);

	struct harness_ireq r;
	harness_ireq_user_set(&r, "setme", "Set Me Again", "SETS", NULL, NULL, v1);
	resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "UserSet display name and site");
	assert_non_null(resp->user_set);
	u = resp->user_set->user;
	assert_non_null(u);
	assert_string_equal(u->display_name, "Set Me Again");
	assert_string_equal(u->site, "SETS");
	assert_true(u->version > v1);
	uint64_t v2 = u->version;
	assure__response__free_unpacked(resp, NULL);

	/* The old version is stale now. */
	harness_ireq_user_set(&r, "setme", "Stale", NULL, NULL, NULL, v1);
	harness_iexpect_code(admin, &r, ASSURE__CODE__ABORTED, "UserSet with a stale version");
	u = show_user(admin, "setme", &resp);
	assert_string_equal(u->display_name, "Set Me Again");
	assert_int_equal(u->version, v2);
	assure__response__free_unpacked(resp, NULL);

	static const char *const inv[] = {"investigator", NULL};
	static const char *const view[] = {"viewer", NULL};
	static const char *const bogus[] = {"no-such-role", NULL};
	harness_ireq_user_set(&r, "setme", NULL, NULL, inv, NULL, v2);
	resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "UserSet --add-role investigator");
	u = resp->user_set->user;
	if (!strv_equals(u->roles, u->n_roles, "investigator viewer")) {
		strv_print("roles", u->roles, u->n_roles);
		fail_msg("roles after adding investigator should be (sorted) investigator viewer");
	}
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_user_set(&r, "setme", NULL, NULL, NULL, view, 0);
	resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "UserSet --remove-role viewer");
	u = resp->user_set->user;
	assert_true(strv_equals(u->roles, u->n_roles, "investigator"));
	assure__response__free_unpacked(resp, NULL);

	/* Nobody is left without a role. */
	harness_ireq_user_set(&r, "setme", NULL, NULL, NULL, inv, 0);
	expect_refused(admin, &r, ASSURE__CODE__FAILED_PRECONDITION, ASSURE__CODE__INVALID_ARGUMENT,
		       "role", "UserSet --remove-role of the user's only role");
	u = show_user(admin, "setme", &resp);
	assert_true(strv_equals(u->roles, u->n_roles, "investigator"));
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_user_set(&r, "setme", NULL, NULL, bogus, NULL, 0);
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "UserSet --add-role no-such-role");
	harness_ireq_user_set(&r, "setme", NULL, "NOSUCHSITE", NULL, NULL, 0);
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "UserSet --site NOSUCHSITE");
	harness_ireq_user_set(&r, "nobody-here", "x", NULL, NULL, NULL, 0);
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "UserSet of an unknown user");

	/* The new role works at login. */
	struct client *c = harness_connect_login(s, "setme", PW, NULL, NULL);
	resp = whoami(c, ASSURE__CODE__OK, "Whoami setme");
	assert_string_equal(resp->whoami->session->role, "investigator");
	assert_string_equal(resp->whoami->session->site, "SETS");
	assure__response__free_unpacked(resp, NULL);
	client_free(c);
	client_free(admin);
}

static void test_user_disable_enable(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	harness_add_user(admin, "dis", "viewer", "HQ", PW, NULL);
	uint8_t token[HARNESS_TOKEN_LEN];
	struct client *c1 = harness_connect_login(s, "dis", PW, NULL, token);
	struct client *c2 = harness_connect_hello(s);
	assert_int_equal(harness_resume_code(c2, token, sizeof token), ASSURE__CODE__OK);
	struct client *c3 = harness_connect_login(s, "dis", PW, NULL, NULL);
	whoami_code(c1, ASSURE__CODE__OK, "Whoami dis");

	struct harness_ireq r;
	harness_ireq_user_disable(&r, "dis", "left the trust");
	Assure__Response *resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "UserDisable dis");
	assert_non_null(resp->user_disable);
	assert_non_null(resp->user_disable->user);
	assert_true(resp->user_disable->user->disabled);
	print_message("UserDisable revoked %u sessions\n", resp->user_disable->sessions_revoked);
	assert_int_equal(resp->user_disable->sessions_revoked, 2);
	assure__response__free_unpacked(resp, NULL);

	/* Every live connection of the user loses it on its next request. */
	whoami_code(c1, ASSURE__CODE__UNAUTHENTICATED, "Whoami on dis's first connection");
	whoami_code(c2, ASSURE__CODE__UNAUTHENTICATED, "Whoami on the resumed connection");
	harness_ireq_site_list(&r);
	harness_iexpect_code(c3, &r, ASSURE__CODE__UNAUTHENTICATED,
			     "SiteList on dis's second session");
	expect_login_failed(c1, "dis", PW, NULL, "Login of a disabled user");

	struct client *c4 = harness_connect_hello(s);
	assert_int_equal(harness_resume_code(c4, token, sizeof token),
			 ASSURE__CODE__UNAUTHENTICATED);
	client_free(c4);

	const Assure__User *u = show_user(admin, "dis", &resp);
	assert_true(u->disabled);
	assure__response__free_unpacked(resp, NULL);

	harness_ireq_user_enable(&r, "dis");
	resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "UserEnable dis");
	assert_false(resp->user_enable->user->disabled);
	assure__response__free_unpacked(resp, NULL);
	/* Enabling does not bring the ended sessions back. */
	c4 = harness_connect_hello(s);
	assert_int_equal(harness_resume_code(c4, token, sizeof token),
			 ASSURE__CODE__UNAUTHENTICATED);
	client_free(c4);
	c4 = harness_connect_login(s, "dis", PW, NULL, NULL);
	whoami_code(c4, ASSURE__CODE__OK, "Whoami dis after UserEnable");
	client_free(c4);

	harness_ireq_user_disable(&r, "nobody-here", "x");
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "UserDisable unknown user");
	harness_ireq_user_enable(&r, "nobody-here");
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "UserEnable unknown user");
	client_free(c1);
	client_free(c2);
	client_free(c3);
	client_free(admin);
}

static void test_user_reset_password(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	harness_add_user(admin, "resetme", "viewer", "HQ", PW, NULL);
	struct client *c = harness_connect_login(s, "resetme", PW, NULL, NULL);

	struct harness_ireq r;
	harness_ireq_user_reset_password(&r, "resetme");
	Assure__Response *resp =
	    harness_iexpect(admin, &r, ASSURE__CODE__OK, "UserResetPassword resetme");
	const Assure__UserResetPasswordResponse *rp = resp->user_reset_password;
	assert_non_null(rp);
	char otp[HARNESS_OTP_MAX];
	snprintf(otp, sizeof otp, "%s", rp->one_time_password);
	assert_true(strlen(otp) >= 12);
	assert_string_not_equal(otp, PW);
	assert_int_equal(rp->sessions_revoked, 1);
	assert_non_null(rp->user);
	assert_true(rp->user->password_change_required);
	assure__response__free_unpacked(resp, NULL);

	whoami_code(c, ASSURE__CODE__UNAUTHENTICATED,
		    "Whoami on resetme's session after the reset");
	expect_login_failed(c, "resetme", PW, NULL,
			    "Login with the password from before the reset");
	harness_ireq_login(&r, "resetme", otp, NULL);
	resp = harness_iexpect(c, &r, ASSURE__CODE__OK, "Login with the reset password");
	assert_true(resp->login->session->password_change_required);
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_site_list(&r);
	harness_iexpect_msg(c, &r, ASSURE__CODE__FAILED_PRECONDITION, "password change required",
			    "SiteList after a reset, before the change");
	harness_ireq_password_change(&r, otp, PW2);
	harness_iexpect_code(c, &r, ASSURE__CODE__OK, "PasswordChange after the reset");
	harness_ireq_site_list(&r);
	harness_iexpect_code(c, &r, ASSURE__CODE__OK, "SiteList after the change");
	client_free(c);

	/* Two resets give two different passwords; the admin never picks one. */
	harness_ireq_user_reset_password(&r, "resetme");
	resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "UserResetPassword resetme again");
	assert_string_not_equal(resp->user_reset_password->one_time_password, otp);
	assure__response__free_unpacked(resp, NULL);

	harness_ireq_user_reset_password(&r, "nobody-here");
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "UserResetPassword unknown user");
	client_free(admin);

	/* After creation an admin can reset a password but never choose one:
	 * no request but UserAdd and PasswordChange carries a password. */
	const ProtobufCMessageDescriptor *const admin_ops[] = {
	    &assure__user_set_request__descriptor,
	    &assure__user_reset_password_request__descriptor,
	    &assure__user_enable_request__descriptor,
	    &assure__user_disable_request__descriptor,
	};
	for (size_t i = 0; i < sizeof admin_ops / sizeof admin_ops[0]; i++)
		for (unsigned f = 0; f < admin_ops[i]->n_fields; f++)
			if (harness_contains_ci(admin_ops[i]->fields[f].name, "password"))
				fail_msg("%s has a field %s: an admin could choose a password",
					 admin_ops[i]->name, admin_ops[i]->fields[f].name);
}

/* ---- password policy ------------------------------------------------------ */

static void make_password(char *buf, size_t len, unsigned seed)
{
	static const char alphabet[] =
	    "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.!#%+=";
	uint32_t x = seed * 2654435761u + 12345u;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = alphabet[x % (sizeof alphabet - 1)];
	}
	buf[len] = '\0';
}

static void policy_add(struct client *admin, const char *user, const char *password, int code,
		       const char *what)
{
	static const char *const viewer[] = {"viewer", NULL};
	struct harness_ireq r;
	harness_ireq_user_add(&r, user, "Policy", "HQ", viewer, password);
	Assure__Response *resp = harness_iexpect(admin, &r, code, what);
	if (code != ASSURE__CODE__OK) {
		print_message("%s: \"%s\"\n", what, client_status_message(resp));
		if (strlen(client_status_message(resp)) < 10)
			fail_msg("%s: refused without saying why: \"%s\"", what,
				 client_status_message(resp));
	}
	assure__response__free_unpacked(resp, NULL);
}

static void test_password_policy(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	char pw[1100];

	policy_add(admin, "pol-11", "k7#Qm2$vLp9", ASSURE__CODE__INVALID_ARGUMENT,
		   "11-character password");
	policy_add(admin, "pol-12", "k7#Qm2$vLp9x", ASSURE__CODE__OK, "12-character password");
	make_password(pw, 128, 1);
	policy_add(admin, "pol-128", pw, ASSURE__CODE__OK, "128-character password");
	make_password(pw, 1024, 2);
	policy_add(admin, "pol-1024", pw, ASSURE__CODE__OK, "1024-character password");
	make_password(pw, 1025, 3);
	policy_add(admin, "pol-1025", pw, ASSURE__CODE__INVALID_ARGUMENT,
		   "1025-character password");
	policy_add(admin, "pol-utf8", "pässwörd-ünïcødé-ok", ASSURE__CODE__OK,
		   "non-ASCII password");
	policy_add(admin, "pol-empty", "", ASSURE__CODE__OK,
		   "no password (the server makes a one-time one)");

	static const char *const common[] = {"password1234", "123456789012", "qwertyuiopas",
					     "aaaaaaaaaaaa"};
	char what[128];
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++) {
		snprintf(what, sizeof what, "common password '%s'", common[i]);
		policy_add(admin, "pol-common", common[i], ASSURE__CODE__INVALID_ARGUMENT, what);
	}
	policy_add(admin, "polly", "xq-polly-2024-zebra-crossing", ASSURE__CODE__INVALID_ARGUMENT,
		   "password containing the user name");

	/* The accepted ones work, byte for byte. */
	struct client *c = harness_connect_login(s, "pol-utf8", "pässwörd-ünïcødé-ok", NULL, NULL);
	client_free(c);
	make_password(pw, 1024, 2);
	c = harness_connect_login(s, "pol-1024", pw, NULL, NULL);

	/* The same rules on a change of one's own password. */
	struct harness_ireq r;
	harness_ireq_password_change(&r, pw, "k7#Qm2$vLp9");
	harness_iexpect_code(c, &r, ASSURE__CODE__INVALID_ARGUMENT,
			     "PasswordChange to 11 characters");
	harness_ireq_password_change(&r, pw, "password1234");
	harness_iexpect_code(c, &r, ASSURE__CODE__INVALID_ARGUMENT,
			     "PasswordChange to password1234");
	harness_ireq_password_change(&r, pw, "my-pol-1024-password-x");
	harness_iexpect_code(c, &r, ASSURE__CODE__INVALID_ARGUMENT,
			     "PasswordChange to one containing the user name");
	harness_ireq_password_change(&r, pw, "ünïcødé-pässwörd-2");
	harness_iexpect_code(c, &r, ASSURE__CODE__OK, "PasswordChange to a non-ASCII password");
	client_free(c);
	c = harness_connect_login(s, "pol-1024", "ünïcødé-pässwörd-2", NULL, NULL);
	client_free(c);
	client_free(admin);
}

/* Passwords are stored as argon2id hashes, never as themselves. Read
 * straight from the database with the sqlite3 shell (skipped without it). */
static void test_password_hashes_are_argon2id(void **state)
{
	struct harness_server *s = *state;
	if (access("/usr/bin/sqlite3", X_OK) != 0) {
		print_message("no /usr/bin/sqlite3: skipped\n");
		skip();
	}
	const char *argv[] = {"/usr/bin/sqlite3", "-readonly", s->db,
			      "SELECT username || ' ' || password_hash FROM users", NULL};
	struct harness_run r;
	assert_int_equal(harness_run_argv(argv, NULL, NULL, 20000, &r), 0);
	if (r.status != 0)
		fail_msg("sqlite3 exited %d: %s", r.status, r.err);
	int users = 0, bad = 0;
	for (char *save = NULL, *ln = strtok_r(r.out, "\n", &save); ln != NULL;
	     ln = strtok_r(NULL, "\n", &save)) {
		users++;
		const char *hash = strchr(ln, ' ');
		if (hash == NULL || strncmp(hash + 1, "$argon2id$", 10) != 0) {
			print_error("not an argon2id hash: %s\n", ln);
			bad++;
		}
		if (strstr(ln, PW) != NULL || strstr(ln, "pässwörd") != NULL ||
		    strstr(ln, HARNESS_PASSWORD) != NULL) {
			print_error("a password in clear: %s\n", ln);
			bad++;
		}
	}
	harness_run_free(&r);
	print_message("%d users' password hashes checked\n", users);
	assert_true(users >= 5);
	assert_int_equal(bad, 0);
}

/* Unknown user, wrong password, disabled account: one answer. */
static void test_login_failures_alike(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	harness_add_user(admin, "alike-on", "viewer", "HQ", PW, NULL);
	harness_add_user(admin, "alike-off", "viewer", "HQ", PW, NULL);
	struct harness_ireq r;
	harness_ireq_user_disable(&r, "alike-off", "test");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "UserDisable alike-off");
	client_free(admin);

	struct client *c = harness_connect_hello(s);
	expect_login_failed(c, "alike-nobody", PW, NULL, "Login of an unknown user");
	expect_login_failed(c, "alike-on", "wrong password entirely", NULL,
			    "Login with a wrong password");
	expect_login_failed(c, "alike-off", PW, NULL, "Login of a disabled user (right password)");
	expect_login_failed(c, "alike-off", "wrong password entirely", NULL,
			    "Login of a disabled user (wrong password)");
	expect_login_failed(c, "alike-nobody", PW, "admin", "Login of an unknown user with a role");
	client_free(c);
}

/* ---- sessions ------------------------------------------------------------- */

static size_t count_sessions(struct client *c, const char *user, const char *of, int *current)
{
	struct harness_ireq r;
	harness_ireq_session_list(&r, user);
	Assure__Response *resp = harness_iexpect(c, &r, ASSURE__CODE__OK, "SessionList");
	const Assure__SessionListResponse *sl = resp->session_list;
	assert_non_null(sl);
	size_t n = 0;
	if (current != NULL)
		*current = 0;
	for (size_t i = 0; i < sl->n_sessions; i++) {
		if (of == NULL || strcmp(sl->sessions[i]->username, of) == 0)
			n++;
		if (current != NULL && sl->sessions[i]->current)
			(*current)++;
	}
	assure__response__free_unpacked(resp, NULL);
	return n;
}

static void test_sessions_list_and_revoke(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	harness_add_user(admin, "sess-a", "viewer", "HQ", PW, NULL);
	harness_add_user(admin, "sess-b", "case-manager", "HQ", PW, NULL);
	uint8_t ta[HARNESS_TOKEN_LEN];
	struct client *a1 = harness_connect_login(s, "sess-a", PW, NULL, ta);
	struct client *a2 = harness_connect_login(s, "sess-a", PW, NULL, NULL);
	struct client *a3 = harness_connect_hello(s); /* the same session as a1 */
	assert_int_equal(harness_resume_code(a3, ta, sizeof ta), ASSURE__CODE__OK);
	struct client *b1 = harness_connect_login(s, "sess-b", PW, NULL, NULL);

	/* One's own sessions only, one of them current. */
	struct harness_ireq r;
	harness_ireq_session_list(&r, NULL);
	Assure__Response *resp = harness_iexpect(a1, &r, ASSURE__CODE__OK, "SessionList as sess-a");
	const Assure__SessionListResponse *sl = resp->session_list;
	assert_int_equal(sl->n_sessions, 2);
	int current = 0;
	int64_t a1_id = 0, a2_id = 0;
	for (size_t i = 0; i < sl->n_sessions; i++) {
		const Assure__Session *x = sl->sessions[i];
		assert_string_equal(x->username, "sess-a");
		assert_string_equal(x->role, "viewer");
		assert_true(x->created_at > 0);
		assert_true(x->expires_at > x->created_at);
		assert_true(x->idle_expires_at > 0);
		if (strncmp(x->client_addr, "127.0.0.1", 9) != 0)
			fail_msg("session client_addr '%s' is not 127.0.0.1", x->client_addr);
		if (x->current) {
			current++;
			a1_id = x->id;
		} else {
			a2_id = x->id;
		}
	}
	assert_int_equal(current, 1);
	assert_true(a1_id > 0 && a2_id > 0 && a1_id != a2_id);
	assure__response__free_unpacked(resp, NULL);
	assert_int_equal(count_sessions(a1, "sess-a", NULL, NULL), 2);

	/* Another user's: session.manage only. */
	harness_ireq_session_list(&r, "sess-b");
	harness_iexpect_code(a1, &r, ASSURE__CODE__PERMISSION_DENIED,
			     "SessionList --user sess-b as sess-a");
	harness_ireq_session_revoke(&r, a1_id, NULL);
	harness_iexpect_code(b1, &r, ASSURE__CODE__PERMISSION_DENIED,
			     "SessionRevoke of sess-a's session as sess-b");
	harness_ireq_session_revoke(&r, 0, "sess-a");
	harness_iexpect_code(b1, &r, ASSURE__CODE__PERMISSION_DENIED,
			     "SessionRevoke --user sess-a as sess-b");
	whoami_code(a1, ASSURE__CODE__OK, "Whoami sess-a after the refused revokes");

	/* The admin sees everyone's. */
	int cur = 0;
	size_t all_a = count_sessions(admin, NULL, "sess-a", &cur);
	assert_int_equal(all_a, 2);
	assert_int_equal(cur, 1); /* the admin's own */
	assert_true(count_sessions(admin, NULL, "sess-b", NULL) >= 1);
	assert_int_equal(count_sessions(admin, "sess-a", NULL, NULL), 2);

	/* One's own other session, by id: gone at once on both its connections. */
	harness_ireq_session_revoke(&r, a1_id, NULL);
	resp = harness_iexpect(a2, &r, ASSURE__CODE__OK, "SessionRevoke of a1's session from a2");
	assert_int_equal(resp->session_revoke->revoked, 1);
	assure__response__free_unpacked(resp, NULL);
	whoami_code(a1, ASSURE__CODE__UNAUTHENTICATED,
		    "Whoami on a1 after its session was revoked");
	whoami_code(a3, ASSURE__CODE__UNAUTHENTICATED,
		    "Whoami on a3 (same session) after the revoke");
	whoami_code(a2, ASSURE__CODE__OK, "Whoami on a2 after revoking a1");

	/* The admin, by user. */
	struct client *a4 = harness_connect_login(s, "sess-a", PW, NULL, NULL);
	harness_ireq_session_revoke(&r, 0, "sess-a");
	resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "SessionRevoke --user sess-a as admin");
	assert_int_equal(resp->session_revoke->revoked, 2);
	assure__response__free_unpacked(resp, NULL);
	whoami_code(a2, ASSURE__CODE__UNAUTHENTICATED, "Whoami on a2 after revoke --user");
	harness_ireq_site_list(&r);
	harness_iexpect_code(a4, &r, ASSURE__CODE__UNAUTHENTICATED,
			     "SiteList on a4 after revoke --user");
	assert_int_equal(count_sessions(admin, "sess-a", NULL, NULL), 0);

	/* Revoking one's own current session ends it like a logout. */
	int64_t b_id = harness_current_session_id(b1);
	harness_ireq_session_revoke(&r, b_id, NULL);
	resp = harness_icall(b1, &r);
	print_message("revoking one's own current session: %s\n",
		      harness_code_name(client_status_code(resp)));
	assert_int_equal(client_status_code(resp), ASSURE__CODE__OK);
	assure__response__free_unpacked(resp, NULL);
	whoami_code(b1, ASSURE__CODE__UNAUTHENTICATED, "Whoami after revoking one's own session");

	harness_ireq_session_revoke(&r, 987654321, NULL);
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "SessionRevoke of an unknown id");
	whoami_code(admin, ASSURE__CODE__OK, "Whoami admin at the end");
	client_free(a1);
	client_free(a2);
	client_free(a3);
	client_free(a4);
	client_free(b1);
	client_free(admin);
}

/* ---- separation of duties ------------------------------------------------ */

static void test_no_self_administration(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	static const char *const viewer[] = {"viewer", NULL};
	static const char *const adm[] = {"admin", NULL};
	struct harness_ireq r;

	harness_ireq_user_set(&r, HARNESS_ADMIN, NULL, NULL, viewer, NULL, 0);
	expect_refused(admin, &r, ASSURE__CODE__PERMISSION_DENIED,
		       ASSURE__CODE__FAILED_PRECONDITION, "own", "UserSet self --add-role viewer");
	harness_ireq_user_set(&r, HARNESS_ADMIN, NULL, NULL, NULL, adm, 0);
	expect_refused(admin, &r, ASSURE__CODE__PERMISSION_DENIED,
		       ASSURE__CODE__FAILED_PRECONDITION, "own",
		       "UserSet self --remove-role admin");
	harness_ireq_user_reset_password(&r, HARNESS_ADMIN);
	expect_refused(admin, &r, ASSURE__CODE__PERMISSION_DENIED,
		       ASSURE__CODE__FAILED_PRECONDITION, NULL, "UserResetPassword self");
	harness_ireq_user_disable(&r, HARNESS_ADMIN, "self");
	expect_refused(admin, &r, ASSURE__CODE__PERMISSION_DENIED,
		       ASSURE__CODE__FAILED_PRECONDITION, NULL, "UserDisable self");

	/* Nothing changed. */
	whoami_code(admin, ASSURE__CODE__OK, "Whoami admin after the refusals");
	Assure__Response *resp;
	const Assure__User *u = show_user(admin, HARNESS_ADMIN, &resp);
	assert_true(strv_equals(u->roles, u->n_roles, "admin"));
	assert_false(u->disabled);
	assert_false(u->password_change_required);
	assure__response__free_unpacked(resp, NULL);
	client_free(admin);
	struct client *c = harness_connect_admin(s); /* the password is unchanged */
	client_free(c);

	/* The same for a second admin acting on itself, while another admin
	 * exists (so the last-admin rule is not what refuses it). */
	admin = harness_connect_admin(s);
	harness_add_user(admin, "admin2", "admin", "HQ", PW, NULL);
	struct client *a2 = harness_connect_login(s, "admin2", PW, NULL, NULL);
	harness_ireq_user_set(&r, "admin2", NULL, NULL, NULL, adm, 0);
	expect_refused(a2, &r, ASSURE__CODE__PERMISSION_DENIED, ASSURE__CODE__FAILED_PRECONDITION,
		       "own", "UserSet self --remove-role admin (two admins)");
	harness_ireq_user_disable(&r, "admin2", "self");
	expect_refused(a2, &r, ASSURE__CODE__PERMISSION_DENIED, ASSURE__CODE__FAILED_PRECONDITION,
		       NULL, "UserDisable self (two admins)");
	harness_ireq_user_reset_password(&r, "admin2");
	expect_refused(a2, &r, ASSURE__CODE__PERMISSION_DENIED, ASSURE__CODE__FAILED_PRECONDITION,
		       NULL, "UserResetPassword self (two admins)");
	whoami_code(a2, ASSURE__CODE__OK, "Whoami admin2 after the refusals");
	client_free(a2);
	client_free(admin);
}

static void test_last_admin(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	static const char *const um_perms[] = {"user.read", "user.manage", NULL};
	static const char *const adm[] = {"admin", NULL};
	role_add(admin, "user-manager", um_perms);
	harness_add_user(admin, "um", "user-manager", "HQ", PW, NULL);
	struct client *um = harness_connect_login(s, "um", PW, NULL, NULL);
	struct harness_ireq r;

	/* One admin: it can neither be disabled nor lose admin. */
	harness_ireq_user_disable(&r, HARNESS_ADMIN, "test");
	harness_iexpect_code(um, &r, ASSURE__CODE__FAILED_PRECONDITION,
			     "UserDisable of the only admin");
	harness_ireq_user_set(&r, HARNESS_ADMIN, NULL, NULL, NULL, adm, 0);
	harness_iexpect_code(um, &r, ASSURE__CODE__FAILED_PRECONDITION,
			     "UserSet --remove-role admin of the only admin");

	/* Two admins: one disables the other. */
	harness_add_user(admin, "admin2", "admin", "HQ", PW, NULL);
	struct client *a2 = harness_connect_login(s, "admin2", PW, NULL, NULL);
	harness_ireq_user_disable(&r, HARNESS_ADMIN, "test");
	harness_iexpect_code(a2, &r, ASSURE__CODE__OK, "UserDisable admin by admin2");
	whoami_code(admin, ASSURE__CODE__UNAUTHENTICATED, "Whoami of the disabled admin");

	/* admin2 is now the last enabled admin. */
	harness_ireq_user_disable(&r, "admin2", "test");
	harness_iexpect_code(um, &r, ASSURE__CODE__FAILED_PRECONDITION,
			     "UserDisable of the last enabled admin");
	harness_ireq_user_set(&r, "admin2", NULL, NULL, NULL, adm, 0);
	harness_iexpect_code(um, &r, ASSURE__CODE__FAILED_PRECONDITION,
			     "UserSet --remove-role admin of the last enabled admin");

	/* Back to two enabled admins: now admin2 may lose admin. */
	harness_ireq_user_enable(&r, HARNESS_ADMIN);
	harness_iexpect_code(a2, &r, ASSURE__CODE__OK, "UserEnable admin by admin2");
	static const char *const viewer[] = {"viewer", NULL};
	harness_ireq_user_set(&r, "admin2", NULL, NULL, viewer, adm, 0);
	harness_iexpect_code(um, &r, ASSURE__CODE__OK,
			     "UserSet admin2 --add-role viewer --remove-role admin (two admins)");
	harness_ireq_user_disable(&r, HARNESS_ADMIN, "test");
	harness_iexpect_code(um, &r, ASSURE__CODE__FAILED_PRECONDITION,
			     "UserDisable of the only admin again");
	client_free(a2);
	client_free(um);
	client_free(admin);
	admin = harness_connect_admin(s);
	whoami_code(admin, ASSURE__CODE__OK, "Whoami admin at the end");
	client_free(admin);
}

/* ---- custom roles -------------------------------------------------------- */

static void test_custom_roles(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	static const char *const clerk[] = {"performer.read", "contract.read", NULL};
	static const char *const unknown[] = {"performer.read", "concern.frobnicate", NULL};
	static const char *const mix1[] = {"user.manage", "concern.read", NULL};
	static const char *const mix2[] = {"site.manage", "review.read", NULL};
	static const char *const mix3[] = {"role.manage", "audit.read", NULL};
	static const char *const mix4[] = {"session.manage", "performer.read", NULL};
	static const char *const audit_mix[] = {"audit.read", "performer.read", NULL};
	static const char *const review[] = {"review.read", NULL};
	static const char *const contract[] = {"contract.read", NULL};
	static const char *const umanage[] = {"user.manage", NULL};
	static const char *const cread[] = {"concern.read", NULL};
	struct harness_ireq r;

	harness_ireq_role_add(&r, "clerk-x", "Clerk", clerk);
	Assure__Response *resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "RoleAdd clerk-x");
	assert_non_null(resp->role_add);
	const Assure__Role *role = resp->role_add->role;
	assert_non_null(role);
	assert_string_equal(role->name, "clerk-x");
	assert_false(role->builtin);
	assert_true(
	    strv_equals(role->permissions, role->n_permissions, "contract.read performer.read"));
	assure__response__free_unpacked(resp, NULL);

	harness_ireq_role_add(&r, "clerk-x", "again", clerk);
	harness_iexpect_code(admin, &r, ASSURE__CODE__ALREADY_EXISTS, "RoleAdd clerk-x again");
	harness_ireq_role_add(&r, "viewer", "again", clerk);
	harness_iexpect_code(admin, &r, ASSURE__CODE__ALREADY_EXISTS, "RoleAdd viewer (built-in)");
	static const char *const bad_names[] = {
	    "Clerk",
	    "1clerk",
	    "clerk x",
	    "clerk_x",
	    "",
	    "-clerk",
	    "a1234567890123456789012345678901234567890", /* 41 */
	};
	char what[160];
	for (size_t i = 0; i < sizeof bad_names / sizeof bad_names[0]; i++) {
		harness_ireq_role_add(&r, bad_names[i], "x", clerk);
		snprintf(what, sizeof what, "RoleAdd '%s'", bad_names[i]);
		harness_iexpect_msg(admin, &r, ASSURE__CODE__INVALID_ARGUMENT, "name", what);
	}
	harness_ireq_role_add(&r, "unknown-perm", "x", unknown);
	harness_iexpect_msg(admin, &r, ASSURE__CODE__INVALID_ARGUMENT, "concern.frobnicate",
			    "RoleAdd with an unknown permission");

	/* Identity administration never mixes with content; audit.read alone. */
	const char *const *mixes[] = {mix1, mix2, mix3, mix4, audit_mix};
	for (size_t i = 0; i < sizeof mixes / sizeof mixes[0]; i++) {
		harness_ireq_role_add(&r, "mixed", "x", mixes[i]);
		snprintf(what, sizeof what, "RoleAdd mixed {%s, %s}", mixes[i][0], mixes[i][1]);
		expect_refused(admin, &r, ASSURE__CODE__FAILED_PRECONDITION,
			       ASSURE__CODE__FAILED_PRECONDITION, NULL, what);
	}
	harness_ireq_role_show(&r, "mixed");
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "RoleShow mixed (never created)");

	/* Built-ins are fixed. */
	harness_ireq_role_set(&r, "admin", NULL, cread, NULL);
	harness_iexpect_code(admin, &r, ASSURE__CODE__FAILED_PRECONDITION,
			     "RoleSet admin --add-permission concern.read");
	harness_ireq_role_set(&r, "viewer", "new description", NULL, NULL);
	harness_iexpect_code(admin, &r, ASSURE__CODE__FAILED_PRECONDITION,
			     "RoleSet viewer --description");
	harness_ireq_role_set(&r, "auditor", NULL, NULL, (const char *const[]){"audit.read", NULL});
	harness_iexpect_code(admin, &r, ASSURE__CODE__FAILED_PRECONDITION,
			     "RoleSet auditor --remove-permission audit.read");
	harness_ireq_role_remove(&r, "viewer");
	harness_iexpect_code(admin, &r, ASSURE__CODE__FAILED_PRECONDITION, "RoleRemove viewer");
	harness_ireq_role_remove(&r, "admin");
	harness_iexpect_code(admin, &r, ASSURE__CODE__FAILED_PRECONDITION, "RoleRemove admin");

	/* A custom role changes; the mixing rule holds there too. */
	harness_ireq_role_set(&r, "clerk-x", NULL, review, contract);
	resp = harness_iexpect(admin, &r, ASSURE__CODE__OK,
			       "RoleSet clerk-x --add-permission review.read "
			       "--remove-permission contract.read");
	role = resp->role_set->role;
	assert_true(
	    strv_equals(role->permissions, role->n_permissions, "performer.read review.read"));
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_role_set(&r, "clerk-x", NULL, umanage, NULL);
	expect_refused(admin, &r, ASSURE__CODE__FAILED_PRECONDITION,
		       ASSURE__CODE__FAILED_PRECONDITION, NULL,
		       "RoleSet clerk-x --add-permission user.manage");
	harness_ireq_role_set(&r, "clerk-x", NULL, (const char *const[]){"no.such", NULL}, NULL);
	harness_iexpect_msg(admin, &r, ASSURE__CODE__INVALID_ARGUMENT, "no.such",
			    "RoleSet clerk-x --add-permission no.such");
	harness_ireq_role_set(&r, "no-such-role", "x", NULL, NULL);
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "RoleSet no-such-role");
	harness_ireq_role_remove(&r, "no-such-role");
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "RoleRemove no-such-role");

	/* In use: kept. */
	harness_add_user(admin, "clerk-user", "clerk-x", "HQ", PW, NULL);
	harness_ireq_role_show(&r, "clerk-x");
	resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "RoleShow clerk-x");
	assert_int_equal(resp->role_show->role->users, 1);
	assert_true(
	    strv_equals(resp->role_show->usernames, resp->role_show->n_usernames, "clerk-user"));
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_role_remove(&r, "clerk-x");
	harness_iexpect_code(admin, &r, ASSURE__CODE__FAILED_PRECONDITION,
			     "RoleRemove clerk-x (held by clerk-user)");

	/* Unused: removed. */
	role_add(admin, "unused-x", contract);
	harness_ireq_role_remove(&r, "unused-x");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "RoleRemove unused-x");
	harness_ireq_role_show(&r, "unused-x");
	harness_iexpect_code(admin, &r, ASSURE__CODE__NOT_FOUND, "RoleShow unused-x after removal");
	client_free(admin);
}

/* A role's permissions are read afresh: a live session acting in it sees
 * the change on its next request. */
static void test_role_change_reaches_live_sessions(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	static const char *const ur[] = {"user.read", NULL};
	static const char *const pr[] = {"performer.read", NULL};
	role_add(admin, "live-reader", ur);
	harness_add_user(admin, "live-u", "live-reader", "HQ", PW, NULL);
	struct client *c = harness_connect_login(s, "live-u", PW, NULL, NULL);
	struct harness_ireq r;
	harness_ireq_user_list(&r, NULL, NULL, 0, 0, NULL);
	harness_iexpect_code(c, &r, ASSURE__CODE__OK, "UserList as live-reader");

	harness_ireq_role_set(&r, "live-reader", NULL, pr, ur);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "RoleSet live-reader -user.read");
	harness_ireq_user_list(&r, NULL, NULL, 0, 0, NULL);
	harness_iexpect_code(c, &r, ASSURE__CODE__PERMISSION_DENIED,
			     "UserList on the live session after user.read was removed");
	harness_ireq_role_set(&r, "live-reader", NULL, ur, NULL);
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "RoleSet live-reader +user.read");
	harness_ireq_user_list(&r, NULL, NULL, 0, 0, NULL);
	harness_iexpect_code(c, &r, ASSURE__CODE__OK,
			     "UserList on the live session after user.read came back");
	client_free(c);
	client_free(admin);
}

/* ---- sites ---------------------------------------------------------------- */

static void test_sites(void **state)
{
	struct harness_server *s = *state;
	struct client *admin = harness_connect_admin(s);
	struct harness_ireq r;
	harness_ireq_site_add(&r, "north-1", "North locality");
	Assure__Response *resp = harness_iexpect(admin, &r, ASSURE__CODE__OK, "SiteAdd north-1");
	assert_non_null(resp->site_add);
	assert_non_null(resp->site_add->site);
	assert_string_equal(resp->site_add->site->code, "NORTH-1");
	assert_string_equal(resp->site_add->site->name, "North locality");
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_site_add(&r, "NORTH-1", "again");
	harness_iexpect_code(admin, &r, ASSURE__CODE__ALREADY_EXISTS, "SiteAdd NORTH-1 again");
	harness_ireq_site_add(&r, "north-1", "again");
	harness_iexpect_code(admin, &r, ASSURE__CODE__ALREADY_EXISTS, "SiteAdd north-1 again");
	static const char *const bad[] = {"", "bad code", "-LEAD", "A_B", "ABCDEFGHIJKLMNOPQ"};
	char what[128];
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		harness_ireq_site_add(&r, bad[i], "x");
		snprintf(what, sizeof what, "SiteAdd '%s'", bad[i]);
		harness_iexpect_msg(admin, &r, ASSURE__CODE__INVALID_ARGUMENT, "code", what);
	}
	/* 16 characters is the longest. */
	harness_ireq_site_add(&r, "ABCDEFGHIJKLMNOP", "sixteen");
	harness_iexpect_code(admin, &r, ASSURE__CODE__OK, "SiteAdd of a 16-character code");

	harness_add_user(admin, "north-user", "viewer", "NORTH-1", PW, NULL);

	/* Any session may list them. */
	struct client *c = harness_connect_login(s, "north-user", PW, NULL, NULL);
	harness_ireq_site_list(&r);
	resp = harness_iexpect(c, &r, ASSURE__CODE__OK, "SiteList as a viewer");
	const Assure__SiteListResponse *sl = resp->site_list;
	int found = 0;
	for (size_t i = 0; i < sl->n_sites; i++)
		if (strcmp(sl->sites[i]->code, "NORTH-1") == 0) {
			found = 1;
			assert_string_equal(sl->sites[i]->name, "North locality");
			assert_int_equal(sl->sites[i]->users, 1);
			assert_true(sl->sites[i]->created_at > 0);
		}
	assert_true(found);
	assure__response__free_unpacked(resp, NULL);
	resp = whoami(c, ASSURE__CODE__OK, "Whoami north-user");
	assert_string_equal(resp->whoami->session->site, "NORTH-1");
	assure__response__free_unpacked(resp, NULL);
	client_free(c);
	client_free(admin);
}

/* ---- mutual TLS ----------------------------------------------------------- */

static void test_mutual_tls(void **state)
{
	struct harness_server *s = *state;
	/* No client certificate: the connection or its first call fails. */
	struct client *c = NULL;
	char *cause = NULL;
	int ok = 0;
	if (harness_try_connect_cert(s->addr, NULL, NULL, &c, &cause) == 0) {
		if (client_hello(c, "assure-int-test", &cause) == 0) {
			struct harness_req st;
			harness_req_status(&st);
			Assure__Response *resp = NULL;
			if (client_call(c, &st.req, &resp, &cause) == 0) {
				ok = 1;
				assure__response__free_unpacked(resp, NULL);
			}
		}
		client_free(c);
	}
	print_message("without a client certificate: %s\n", ok ? "connected!" : cause);
	free(cause);
	cause = NULL;
	assert_false(ok);

	/* The site certificate works. */
	if (harness_try_connect_cert(s->addr, "client-HQ.crt", "client-HQ.key", &c, &cause) != 0)
		fail_msg("connect with client-HQ.crt: %s", cause ? cause : "");
	if (client_hello(c, "assure-int-test", &cause) != 0)
		fail_msg("hello with client-HQ.crt: %s", cause ? cause : "");
	assert_int_equal(harness_status_code(c), ASSURE__CODE__OK);
	uint8_t token[HARNESS_TOKEN_LEN];
	assure__response__free_unpacked(harness_login(c, HARNESS_ADMIN, s->password, token), NULL);
	struct harness_ireq r;
	harness_ireq_session_list(&r, NULL);
	Assure__Response *resp = harness_iexpect(c, &r, ASSURE__CODE__OK, "SessionList over mTLS");
	int seen = 0;
	for (size_t i = 0; i < resp->session_list->n_sessions; i++) {
		const Assure__Session *x = resp->session_list->sessions[i];
		if (!x->current)
			continue;
		seen = 1;
		print_message("cert_subject: \"%s\"\n", x->cert_subject);
		if (!harness_contains_ci(x->cert_subject, "HQ"))
			fail_msg("the session's cert_subject \"%s\" does not name the certificate "
				 "(HQ)",
				 x->cert_subject);
	}
	assert_true(seen);
	assure__response__free_unpacked(resp, NULL);
	client_free(c);
}

int main(void)
{
	harness_guard(300);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_builtin_roles),
	    cmocka_unit_test(test_permission_list),
	    cmocka_unit_test(test_login_role_selection),
	    cmocka_unit_test(test_user_add_one_time_password),
	    cmocka_unit_test(test_user_add_validation),
	    cmocka_unit_test(test_user_list_pages_and_filters),
	    cmocka_unit_test(test_unknown_names_in_filters),
	    cmocka_unit_test(test_user_show_and_set),
	    cmocka_unit_test(test_user_disable_enable),
	    cmocka_unit_test(test_user_reset_password),
	    cmocka_unit_test(test_password_policy),
	    cmocka_unit_test(test_password_hashes_are_argon2id),
	    cmocka_unit_test(test_login_failures_alike),
	    cmocka_unit_test(test_sessions_list_and_revoke),
	    cmocka_unit_test(test_custom_roles),
	    cmocka_unit_test(test_role_change_reaches_live_sessions),
	    cmocka_unit_test(test_sites),
	    cmocka_unit_test_setup_teardown(test_no_self_administration, private_setup,
					    private_teardown),
	    cmocka_unit_test_setup_teardown(test_last_admin, private_setup, private_teardown),
	    cmocka_unit_test_setup_teardown(test_mutual_tls, mtls_setup, private_teardown),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
