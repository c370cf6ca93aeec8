/*
 * The real assure binary's identity commands against a real assured:
 * user add/list/show/set/disable/enable/reset-password, role
 * list/show/add/set/rm, permission list, site add/list, session
 * list/revoke and login --role. Each is checked for its documented exit
 * code (0 ok, 2 usage, 3 not logged in, 4 permission denied, 5 not found,
 * 6 conflict, 7 failed precondition, 8 invalid argument) and, with --json,
 * for exactly one valid JSON value on one line whose fields are checked by
 * python3's json module (the expression given to json_expect, over d).
 *
 * Every actor has a config directory of its own (its session file): the
 * first admin in admin_cfg, other users in theirs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "harness.h"

#define PW "cli identity passphrase 4"
#define PW2 "cli identity passphrase 8"
#define PYTHON3 "/usr/bin/python3"

static struct harness_server server;
static char *admin_cfg;

/* ---- helpers ----------------------------------------------------------- */

static void expect_exit(const char *what, const struct harness_run *r, int code)
{
	if (r->status != code) {
		harness_show_run(what, r);
		fail_msg("%s: exit %d, expected %d", what, r->status, code);
	}
	if (code != 0 && strncmp(r->err, "assure: ", 8) != 0) {
		harness_show_run(what, r);
		fail_msg("%s: exit %d without an 'assure: ...' line on stderr", what, code);
	}
}

/* Exit code one of two (where the rules allow either). */
static void expect_exit2(const char *what, const struct harness_run *r, int c1, int c2)
{
	if (r->status != c1 && r->status != c2) {
		harness_show_run(what, r);
		fail_msg("%s: exit %d, expected %d or %d", what, r->status, c1, c2);
	}
}

static void expect_err(const char *what, const struct harness_run *r, const char *text)
{
	if (!harness_contains_ci(r->err, text)) {
		harness_show_run(what, r);
		fail_msg("%s: stderr does not mention '%s'", what, text);
	}
}

static void expect_out(const char *what, const struct harness_run *r, const char *text)
{
	if (strstr(r->out, text) == NULL) {
		harness_show_run(what, r);
		fail_msg("%s: stdout does not contain '%s'", what, text);
	}
}

/* The value of a Python expression over d, as text (caller's buffer). */
static void json_get(const char *what, const struct harness_run *r, const char *expr, char *out,
		     size_t size)
{
	char prog[1024];
	snprintf(prog, sizeof prog,
		 "import json, sys\nd = json.loads(sys.stdin.read())\nsys.stdout.write(str(%s))\n",
		 expr);
	const char *argv[] = {PYTHON3, "-S", "-E", "-c", prog, NULL};
	struct harness_run p;
	assert_int_equal(harness_run_argv(argv, NULL, r->out, 20000, &p), 0);
	if (p.status != 0) {
		harness_show_run(what, r);
		fprintf(stderr, "python3 says: %s\n", p.err);
		harness_run_free(&p);
		fail_msg("%s: cannot read %s from the --json output", what, expr);
	}
	snprintf(out, size, "%s", p.out);
	harness_run_free(&p);
}

static char *new_cfg(void)
{
	char *tmp = harness_tempdir("cliid");
	char *dir = NULL;
	if (asprintf(&dir, "%s/config", tmp) < 0)
		abort();
	free(tmp);
	return dir;
}

static char *line(const char *a)
{
	char *s = NULL;
	if (asprintf(&s, "%s\n", a) < 0)
		abort();
	return s;
}

/* assure [--role ROLE] login as user with password; asserts exit 0. */
static void cli_login(const char *cfg, const char *user, const char *password, const char *role)
{
	char *in = line(password);
	struct harness_run r;
	if (role != NULL)
		harness_cli(server.addr, cfg, in, &r, "login", "--user", user, "--role", role,
			    "--password-stdin", NULL);
	else
		harness_cli(server.addr, cfg, in, &r, "login", "--user", user, "--password-stdin",
			    NULL);
	free(in);
	char what[128];
	snprintf(what, sizeof what, "assure login --user %s", user);
	expect_exit(what, &r, 0);
	harness_run_free(&r);
}

/* Runs assure as the admin with the given arguments and expects exit. */
#define ADMIN(r, ...) harness_cli(server.addr, admin_cfg, NULL, r, __VA_ARGS__, NULL)

static int group_setup(void **state)
{
	(void)state;
	harness_server_start(&server, NULL);
	admin_cfg = new_cfg();
	cli_login(admin_cfg, HARNESS_ADMIN, server.password, NULL);
	struct harness_run r;
	ADMIN(&r, "site", "add", "hq", "--name", "Headquarters");
	expect_exit("assure site add hq", &r, 0);
	harness_run_free(&r);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	free(admin_cfg);
	harness_server_destroy(&server);
	return 0;
}

/* ---- sites --------------------------------------------------------------- */

static void test_cli_site(void **state)
{
	(void)state;
	struct harness_run r;
	ADMIN(&r, "site", "add", "north", "--name", "North locality");
	expect_exit("assure site add north", &r, 0);
	harness_run_free(&r);

	ADMIN(&r, "site", "add", "south-2", "--name", "South \"2\"", "--json");
	expect_exit("assure site add south-2 --json", &r, 0);
	harness_json_expect(
	    "assure site add south-2 --json", &r,
	    "d['code'] == 'SOUTH-2' and d['name'] == 'South \"2\"' and d['users'] == 0");
	harness_run_free(&r);

	ADMIN(&r, "site", "add", "NORTH", "--name", "again");
	expect_exit("assure site add NORTH (exists)", &r, 6);
	harness_run_free(&r);
	ADMIN(&r, "site", "add", "bad code", "--name", "x");
	expect_exit("assure site add 'bad code'", &r, 8);
	expect_err("assure site add 'bad code'", &r, "code");
	harness_run_free(&r);
	ADMIN(&r, "site", "add", "west");
	expect_exit("assure site add west (no --name)", &r, 2);
	harness_run_free(&r);
	ADMIN(&r, "site", "add", "west", "--name");
	expect_exit("assure site add west --name (no value)", &r, 2);
	harness_run_free(&r);
	ADMIN(&r, "site", "frobnicate");
	expect_exit("assure site frobnicate", &r, 2);
	harness_run_free(&r);

	ADMIN(&r, "site", "list");
	expect_exit("assure site list", &r, 0);
	expect_out("assure site list", &r, "NORTH");
	expect_out("assure site list", &r, "North locality");
	harness_run_free(&r);
	ADMIN(&r, "site", "list", "--json");
	expect_exit("assure site list --json", &r, 0);
	harness_json_expect(
	    "assure site list --json", &r,
	    "isinstance(d, list) and {s['code'] for s in d} >= {'HQ', 'NORTH', 'SOUTH-2'} "
	    "and [s['name'] for s in d if s['code'] == 'NORTH'] == ['North locality']");
	harness_run_free(&r);
}

/* ---- users --------------------------------------------------------------- */

/* user add with a one-time password; returns it (caller's buffer). */
static void add_user_otp(const char *user, const char *role, char *otp, size_t size)
{
	struct harness_run r;
	ADMIN(&r, "user", "add", user, "--display-name", user, "--site", "HQ", "--role", role);
	char what[128];
	snprintf(what, sizeof what, "assure user add %s", user);
	expect_exit(what, &r, 0);
	char prefix[128];
	snprintf(prefix, sizeof prefix, "One-time password for %s: ", user);
	const char *p = strstr(r.out, prefix);
	if (p == NULL) {
		harness_show_run(what, &r);
		fail_msg("%s: no '%s' line", what, prefix);
	}
	p += strlen(prefix);
	size_t n = strcspn(p, " \n");
	assert_true(n >= 12 && n < size);
	memcpy(otp, p, n);
	otp[n] = '\0';
	harness_run_free(&r);
}

/* user add with --password-stdin. */
static void add_user_pw(const char *user, const char *role1, const char *role2)
{
	struct harness_run r;
	char *in = line(PW);
	if (role2 != NULL)
		harness_cli(server.addr, admin_cfg, in, &r, "user", "add", user, "--display-name",
			    user, "--site", "HQ", "--role", role1, "--role", role2,
			    "--password-stdin", NULL);
	else
		harness_cli(server.addr, admin_cfg, in, &r, "user", "add", user, "--display-name",
			    user, "--site", "HQ", "--role", role1, "--password-stdin", NULL);
	free(in);
	char what[128];
	snprintf(what, sizeof what, "assure user add %s --password-stdin", user);
	expect_exit(what, &r, 0);
	harness_run_free(&r);
}

static void test_cli_user_add(void **state)
{
	(void)state;
	char otp[256];
	add_user_otp("cli-u1", "viewer", otp, sizeof otp);

	struct harness_run r;
	char *in = line(PW);
	harness_cli(server.addr, admin_cfg, in, &r, "user", "add", "cli-u2", "--display-name",
		    "CLI Two ünï", "--site", "HQ", "--role", "viewer", "--role", "investigator",
		    "--password-stdin", "--json", NULL);
	expect_exit("assure user add cli-u2 --password-stdin --json", &r, 0);
	harness_json_expect("assure user add cli-u2 --json", &r,
			    "d['username'] == 'cli-u2' and d['display_name'] == 'CLI Two ünï' and "
			    "d['site'] == 'HQ' and d['roles'] == ['investigator', 'viewer'] and "
			    "d['disabled'] is False and d['password_change_required'] is False and "
			    "d['one_time_password'] is None and isinstance(d['version'], int)");
	assert_null(strstr(r.out, PW));
	harness_run_free(&r);

	/* Conflicts, unknowns, bad names, missing flags, a weak password. */
	harness_cli(server.addr, admin_cfg, in, &r, "user", "add", "cli-u2", "--display-name", "x",
		    "--site", "HQ", "--role", "viewer", "--password-stdin", NULL);
	expect_exit("assure user add cli-u2 again", &r, 6);
	harness_run_free(&r);
	free(in);
	ADMIN(&r, "user", "add", "cli-u3", "--display-name", "x", "--site", "HQ", "--role",
	      "no-such-role");
	expect_exit("assure user add --role no-such-role", &r, 5);
	harness_run_free(&r);
	ADMIN(&r, "user", "add", "cli-u3", "--display-name", "x", "--site", "NOWHERE", "--role",
	      "viewer");
	expect_exit("assure user add --site NOWHERE", &r, 5);
	harness_run_free(&r);
	ADMIN(&r, "user", "add", "Bad Name", "--display-name", "x", "--site", "HQ", "--role",
	      "viewer");
	expect_exit("assure user add 'Bad Name'", &r, 8);
	expect_err("assure user add 'Bad Name'", &r, "username");
	harness_run_free(&r);
	ADMIN(&r, "user", "add", "cli-u3", "--display-name", "x", "--site", "HQ");
	expect_exit("assure user add without --role", &r, 2);
	harness_run_free(&r);
	ADMIN(&r, "user", "add", "--display-name", "x", "--site", "HQ", "--role", "viewer");
	expect_exit("assure user add without NAME", &r, 2);
	harness_run_free(&r);
	ADMIN(&r, "user", "add", "cli-u3", "--display-name", "x", "--site", "HQ", "--role",
	      "viewer", "--colour", "red");
	expect_exit("assure user add --colour", &r, 2);
	harness_run_free(&r);
	harness_cli(server.addr, admin_cfg, "password1234\n", &r, "user", "add", "cli-u3",
		    "--display-name", "x", "--site", "HQ", "--role", "viewer", "--password-stdin",
		    NULL);
	expect_exit("assure user add --password-stdin password1234", &r, 8);
	harness_run_free(&r);
	harness_cli(server.addr, admin_cfg, "short-11chr\n", &r, "user", "add", "cli-u3",
		    "--display-name", "x", "--site", "HQ", "--role", "viewer", "--password-stdin",
		    NULL);
	expect_exit("assure user add --password-stdin (11 characters)", &r, 8);
	harness_run_free(&r);
	ADMIN(&r, "user", "show", "cli-u3");
	expect_exit("assure user show cli-u3 (never created)", &r, 5);
	harness_run_free(&r);

	/* The one-time password works, once changed. */
	char *cfg = new_cfg();
	cli_login(cfg, "cli-u1", otp, NULL);
	harness_cli(server.addr, cfg, NULL, &r, "site", "list", NULL);
	expect_exit("assure site list before the password change", &r, 7);
	expect_err("assure site list before the password change", &r, "password change required");
	harness_run_free(&r);
	char change[600];
	snprintf(change, sizeof change, "%s\n%s\n", otp, PW);
	harness_cli(server.addr, cfg, change, &r, "passwd", "--password-stdin", NULL);
	expect_exit("assure passwd from the one-time password", &r, 0);
	harness_run_free(&r);
	harness_cli(server.addr, cfg, NULL, &r, "site", "list", NULL);
	expect_exit("assure site list after the password change", &r, 0);
	harness_run_free(&r);
	free(cfg);
}

static void test_cli_user_list_show(void **state)
{
	(void)state;
	struct harness_run r;
	add_user_pw("cli-l1", "viewer", NULL);
	add_user_pw("cli-l2", "reviewer", NULL);
	ADMIN(&r, "user", "add", "cli-l3", "--display-name", "L3", "--site", "NORTH", "--role",
	      "reviewer");
	expect_exit("assure user add cli-l3 --site NORTH", &r, 0);
	harness_run_free(&r);

	ADMIN(&r, "user", "list");
	expect_exit("assure user list", &r, 0);
	expect_out("assure user list", &r, "cli-l1");
	expect_out("assure user list", &r, "USERNAME");
	harness_run_free(&r);
	ADMIN(&r, "user", "list", "--json");
	expect_exit("assure user list --json", &r, 0);
	harness_json_expect(
	    "assure user list --json", &r,
	    "isinstance(d, list) and {'admin', 'cli-l1', 'cli-l2', 'cli-l3'} <= "
	    "{u['username'] for u in d} and len(d) == len({u['username'] for u in d})");
	harness_run_free(&r);
	ADMIN(&r, "user", "list", "--role", "reviewer", "--json");
	expect_exit("assure user list --role reviewer --json", &r, 0);
	harness_json_expect("assure user list --role reviewer --json", &r,
			    "{u['username'] for u in d} == {'cli-l2', 'cli-l3'} and "
			    "all('reviewer' in u['roles'] for u in d)");
	harness_run_free(&r);
	ADMIN(&r, "user", "list", "--site", "NORTH", "--json");
	expect_exit("assure user list --site NORTH --json", &r, 0);
	harness_json_expect("assure user list --site NORTH --json", &r,
			    "[u['username'] for u in d] == ['cli-l3'] and d[0]['site'] == 'NORTH'");
	harness_run_free(&r);
	ADMIN(&r, "user", "list", "--site", "SOUTH-2", "--json");
	expect_exit("assure user list --site SOUTH-2 --json (nobody there)", &r, 0);
	harness_json_expect("assure user list --site SOUTH-2 --json", &r, "d == []");
	harness_run_free(&r);
	ADMIN(&r, "user", "list", "--disabled", "--all");
	expect_exit("assure user list --disabled --all", &r, 2);
	harness_run_free(&r);

	ADMIN(&r, "user", "show", "cli-l3");
	expect_exit("assure user show cli-l3", &r, 0);
	expect_out("assure user show cli-l3", &r, "NORTH");
	expect_out("assure user show cli-l3", &r, "reviewer");
	harness_run_free(&r);
	ADMIN(&r, "user", "show", "cli-l3", "--json");
	expect_exit("assure user show cli-l3 --json", &r, 0);
	harness_json_expect(
	    "assure user show cli-l3 --json", &r,
	    "d['username'] == 'cli-l3' and d['display_name'] == 'L3' and "
	    "d['site'] == 'NORTH' and d['roles'] == ['reviewer'] and "
	    "d['password_change_required'] is True and d['disabled'] is False and "
	    "d['version'] > 0 and d['throttled'] is False and d['last_login_at'] is None and "
	    "isinstance(d['created_at'], str) and d['created_at'].endswith('Z')");
	harness_run_free(&r);
	ADMIN(&r, "user", "show", "nobody-here");
	expect_exit("assure user show nobody-here", &r, 5);
	harness_run_free(&r);
	ADMIN(&r, "user", "show");
	expect_exit("assure user show (no NAME)", &r, 2);
	harness_run_free(&r);

	/* user.read is needed: a viewer is refused. */
	char *cfg = new_cfg();
	cli_login(cfg, "cli-l1", PW, NULL);
	harness_cli(server.addr, cfg, NULL, &r, "user", "list", NULL);
	expect_exit("assure user list as a viewer", &r, 4);
	harness_run_free(&r);
	harness_cli(server.addr, cfg, NULL, &r, "user", "show", "cli-l2", NULL);
	expect_exit("assure user show as a viewer", &r, 4);
	harness_run_free(&r);
	harness_cli(server.addr, cfg, NULL, &r, "user", "disable", "cli-l2", NULL);
	expect_exit("assure user disable as a viewer", &r, 4);
	harness_run_free(&r);
	free(cfg);

	/* Not logged in at all. */
	cfg = new_cfg();
	harness_cli(server.addr, cfg, NULL, &r, "user", "list", NULL);
	expect_exit("assure user list (not logged in)", &r, 3);
	harness_run_free(&r);
	free(cfg);
}

static void test_cli_user_set(void **state)
{
	(void)state;
	struct harness_run r;
	add_user_pw("cli-s1", "viewer", NULL);
	ADMIN(&r, "user", "show", "cli-s1", "--json");
	expect_exit("assure user show cli-s1 --json", &r, 0);
	char version[32];
	json_get("assure user show cli-s1 --json", &r, "d['version']", version, sizeof version);
	harness_run_free(&r);

	ADMIN(&r, "user", "set", "cli-s1", "--display-name", "Renamed", "--site", "NORTH",
	      "--version", version, "--json");
	expect_exit("assure user set cli-s1 --version V", &r, 0);
	char expr[256];
	snprintf(expr, sizeof expr,
		 "d['display_name'] == 'Renamed' and d['site'] == 'NORTH' and d['version'] > %s",
		 version);
	harness_json_expect("assure user set --json", &r, expr);
	harness_run_free(&r);
	ADMIN(&r, "user", "set", "cli-s1", "--display-name", "Stale", "--version", version);
	expect_exit("assure user set with a stale --version", &r, 6);
	harness_run_free(&r);
	ADMIN(&r, "user", "set", "cli-s1", "--add-role", "investigator", "--json");
	expect_exit("assure user set --add-role investigator", &r, 0);
	harness_json_expect("assure user set --add-role --json", &r,
			    "d['roles'] == ['investigator', 'viewer']");
	harness_run_free(&r);
	ADMIN(&r, "user", "set", "cli-s1", "--remove-role", "viewer", "--json");
	expect_exit("assure user set --remove-role viewer", &r, 0);
	harness_json_expect("assure user set --remove-role --json", &r,
			    "d['roles'] == ['investigator']");
	harness_run_free(&r);
	ADMIN(&r, "user", "set", "cli-s1", "--add-role", "no-such-role");
	expect_exit("assure user set --add-role no-such-role", &r, 5);
	harness_run_free(&r);
	ADMIN(&r, "user", "set", "nobody-here", "--display-name", "x");
	expect_exit("assure user set nobody-here", &r, 5);
	harness_run_free(&r);
	ADMIN(&r, "user", "set", "cli-s1");
	expect_exit("assure user set with nothing to change", &r, 2);
	harness_run_free(&r);
	ADMIN(&r, "user", "set", "cli-s1", "--display-name", "x", "--version", "abc");
	expect_exit("assure user set --version abc", &r, 2);
	harness_run_free(&r);

	/* Separation of duties: not on oneself. */
	ADMIN(&r, "user", "set", HARNESS_ADMIN, "--add-role", "viewer");
	expect_exit2("assure user set admin --add-role viewer (self)", &r, 4, 7);
	expect_err("assure user set admin --add-role viewer (self)", &r, "own");
	harness_run_free(&r);
	ADMIN(&r, "user", "disable", HARNESS_ADMIN);
	expect_exit2("assure user disable admin (self)", &r, 4, 7);
	harness_run_free(&r);
	ADMIN(&r, "user", "reset-password", HARNESS_ADMIN);
	expect_exit2("assure user reset-password admin (self)", &r, 4, 7);
	harness_run_free(&r);
	ADMIN(&r, "whoami");
	expect_exit("assure whoami (admin, after the refusals)", &r, 0);
	harness_run_free(&r);
}

static void test_cli_user_disable_enable_reset(void **state)
{
	(void)state;
	struct harness_run r;
	add_user_pw("cli-d1", "viewer", NULL);
	char *cfg = new_cfg();
	cli_login(cfg, "cli-d1", PW, NULL);

	ADMIN(&r, "user", "disable", "cli-d1", "--reason", "left", "--json");
	expect_exit("assure user disable cli-d1 --json", &r, 0);
	harness_json_expect("assure user disable --json", &r,
			    "d['username'] == 'cli-d1' and d['disabled'] is True and "
			    "d['sessions_revoked'] == 1");
	harness_run_free(&r);
	harness_cli(server.addr, cfg, NULL, &r, "whoami", NULL);
	expect_exit("assure whoami as cli-d1 after disable", &r, 3);
	harness_run_free(&r);
	char *in = line(PW);
	harness_cli(server.addr, cfg, in, &r, "login", "--user", "cli-d1", "--password-stdin",
		    NULL);
	expect_exit("assure login as disabled cli-d1", &r, 3);
	expect_err("assure login as disabled cli-d1", &r, "login failed");
	harness_run_free(&r);
	ADMIN(&r, "user", "list", "--disabled", "--json");
	expect_exit("assure user list --disabled --json", &r, 0);
	harness_json_expect(
	    "assure user list --disabled --json", &r,
	    "'cli-d1' in [u['username'] for u in d] and all(u['disabled'] for u in d)");
	harness_run_free(&r);
	ADMIN(&r, "user", "list", "--json");
	expect_exit("assure user list --json", &r, 0);
	harness_json_expect("assure user list --json (enabled only)", &r,
			    "'cli-d1' not in [u['username'] for u in d]");
	harness_run_free(&r);
	ADMIN(&r, "user", "list", "--all", "--json");
	expect_exit("assure user list --all --json", &r, 0);
	harness_json_expect("assure user list --all --json", &r,
			    "{'cli-d1', 'admin'} <= {u['username'] for u in d}");
	harness_run_free(&r);

	ADMIN(&r, "user", "enable", "cli-d1", "--json");
	expect_exit("assure user enable cli-d1 --json", &r, 0);
	harness_json_expect("assure user enable --json", &r,
			    "d['username'] == 'cli-d1' and d['disabled'] is False");
	harness_run_free(&r);
	ADMIN(&r, "user", "enable", "nobody-here");
	expect_exit("assure user enable nobody-here", &r, 5);
	harness_run_free(&r);
	ADMIN(&r, "user", "disable", "nobody-here");
	expect_exit("assure user disable nobody-here", &r, 5);
	harness_run_free(&r);
	cli_login(cfg, "cli-d1", PW, NULL);

	/* Reset: a one-time password, shown once; the session ends. */
	ADMIN(&r, "user", "reset-password", "cli-d1", "--json");
	expect_exit("assure user reset-password cli-d1 --json", &r, 0);
	harness_json_expect(
	    "assure user reset-password --json", &r,
	    "d['username'] == 'cli-d1' and isinstance(d['one_time_password'], str) and "
	    "len(d['one_time_password']) >= 12 and d['sessions_revoked'] == 1 and "
	    "d['password_change_required'] is True");
	char otp[256];
	json_get("assure user reset-password --json", &r, "d['one_time_password']", otp,
		 sizeof otp);
	harness_run_free(&r);
	harness_cli(server.addr, cfg, NULL, &r, "whoami", NULL);
	expect_exit("assure whoami as cli-d1 after reset-password", &r, 3);
	harness_run_free(&r);
	harness_cli(server.addr, cfg, in, &r, "login", "--user", "cli-d1", "--password-stdin",
		    NULL);
	expect_exit("assure login with the password from before the reset", &r, 3);
	harness_run_free(&r);
	char *otp_in = line(otp);
	harness_cli(server.addr, cfg, otp_in, &r, "login", "--user", "cli-d1", "--password-stdin",
		    "--json", NULL);
	expect_exit("assure login with the reset password", &r, 0);
	harness_json_expect("assure login --json after a reset", &r,
			    "d['username'] == 'cli-d1' and d['password_change_required'] is True");
	harness_run_free(&r);
	free(otp_in);
	char change[600];
	snprintf(change, sizeof change, "%s\n%s\n", otp, PW2);
	harness_cli(server.addr, cfg, change, &r, "passwd", "--password-stdin", NULL);
	expect_exit("assure passwd after the reset", &r, 0);
	harness_run_free(&r);
	harness_cli(server.addr, cfg, NULL, &r, "site", "list", NULL);
	expect_exit("assure site list after the change", &r, 0);
	harness_run_free(&r);

	ADMIN(&r, "user", "reset-password", "cli-d1");
	expect_exit("assure user reset-password cli-d1", &r, 0);
	expect_out("assure user reset-password cli-d1", &r, "One-time password for cli-d1: ");
	harness_run_free(&r);
	ADMIN(&r, "user", "reset-password", "nobody-here");
	expect_exit("assure user reset-password nobody-here", &r, 5);
	harness_run_free(&r);
	/* An admin resets; never chooses another user's password. */
	harness_cli(server.addr, admin_cfg, "chosen by the admin 1\n", &r, "user", "reset-password",
		    "cli-d1", "--password-stdin", NULL);
	expect_exit("assure user reset-password --password-stdin", &r, 2);
	harness_run_free(&r);
	harness_cli(server.addr, admin_cfg, "chosen by the admin 1\n", &r, "user", "set", "cli-d1",
		    "--password-stdin", NULL);
	expect_exit("assure user set --password-stdin", &r, 2);
	harness_run_free(&r);
	free(in);
	free(cfg);
}

/* ---- roles and permissions ----------------------------------------------- */

static void test_cli_roles(void **state)
{
	(void)state;
	struct harness_run r;
	ADMIN(&r, "role", "list");
	expect_exit("assure role list", &r, 0);
	expect_out("assure role list", &r, "panel-member");
	harness_run_free(&r);
	ADMIN(&r, "role", "list", "--json");
	expect_exit("assure role list --json", &r, 0);
	harness_json_expect(
	    "assure role list --json", &r,
	    "{'admin', 'case-manager', 'investigator', 'pag-member', 'panel-member', "
	    "'contract-manager', 'reviewer', 'auditor', 'viewer'} <= {x['name'] for x in d} and "
	    "[x['permissions'] for x in d if x['name'] == 'admin'] == [['config.manage', "
	    "'role.manage', 'session.manage', 'site.manage', 'user.manage', 'user.read']] and "
	    "[x['permissions'] for x in d if x['name'] == 'auditor'] == [['audit.read']] and "
	    "all(x['builtin'] for x in d if x['name'] in ('admin', 'viewer'))");
	harness_run_free(&r);
	ADMIN(&r, "role", "show", "viewer", "--json");
	expect_exit("assure role show viewer --json", &r, 0);
	harness_json_expect(
	    "assure role show viewer --json", &r,
	    "d['name'] == 'viewer' and d['builtin'] is True and "
	    "d['permissions'] == ['contract.read', 'performer.read', 'review.read'] and "
	    "isinstance(d['usernames'], list)");
	harness_run_free(&r);
	ADMIN(&r, "role", "show", "no-such-role");
	expect_exit("assure role show no-such-role", &r, 5);
	harness_run_free(&r);

	ADMIN(&r, "role", "add", "clerk", "--permission", "performer.read", "--permission",
	      "contract.read", "--description", "Clerk", "--json");
	expect_exit("assure role add clerk --json", &r, 0);
	harness_json_expect(
	    "assure role add clerk --json", &r,
	    "d['name'] == 'clerk' and d['builtin'] is False and d['description'] == 'Clerk' "
	    "and d['permissions'] == ['contract.read', 'performer.read']");
	harness_run_free(&r);
	ADMIN(&r, "role", "add", "clerk", "--permission", "performer.read");
	expect_exit("assure role add clerk again", &r, 6);
	harness_run_free(&r);
	ADMIN(&r, "role", "add", "bad-perm", "--permission", "concern.frobnicate");
	expect_exit("assure role add --permission concern.frobnicate", &r, 8);
	expect_err("assure role add --permission concern.frobnicate", &r, "concern.frobnicate");
	harness_run_free(&r);
	ADMIN(&r, "role", "add", "Bad_Name", "--permission", "performer.read");
	expect_exit("assure role add Bad_Name", &r, 8);
	harness_run_free(&r);
	ADMIN(&r, "role", "add", "mixed", "--permission", "user.manage", "--permission",
	      "concern.read");
	expect_exit("assure role add mixed (user.manage + concern.read)", &r, 7);
	harness_run_free(&r);
	ADMIN(&r, "role", "add", "noperm");
	expect_exit("assure role add without --permission", &r, 2);
	harness_run_free(&r);

	ADMIN(&r, "role", "set", "clerk", "--add-permission", "review.read", "--remove-permission",
	      "contract.read", "--json");
	expect_exit("assure role set clerk --json", &r, 0);
	harness_json_expect("assure role set clerk --json", &r,
			    "d['permissions'] == ['performer.read', 'review.read']");
	harness_run_free(&r);
	ADMIN(&r, "role", "set", "clerk");
	expect_exit("assure role set clerk (nothing to change)", &r, 2);
	harness_run_free(&r);
	ADMIN(&r, "role", "set", "viewer", "--add-permission", "review.read");
	expect_exit("assure role set viewer (built-in)", &r, 7);
	harness_run_free(&r);
	ADMIN(&r, "role", "set", "no-such-role", "--description", "x");
	expect_exit("assure role set no-such-role", &r, 5);
	harness_run_free(&r);
	ADMIN(&r, "role", "rm", "viewer");
	expect_exit("assure role rm viewer (built-in)", &r, 7);
	harness_run_free(&r);
	ADMIN(&r, "role", "rm", "no-such-role");
	expect_exit("assure role rm no-such-role", &r, 5);
	harness_run_free(&r);
	ADMIN(&r, "user", "add", "cli-clerk", "--display-name", "Clerk", "--site", "HQ", "--role",
	      "clerk");
	expect_exit("assure user add cli-clerk --role clerk", &r, 0);
	harness_run_free(&r);
	ADMIN(&r, "role", "rm", "clerk");
	expect_exit("assure role rm clerk (held by cli-clerk)", &r, 7);
	harness_run_free(&r);
	ADMIN(&r, "role", "add", "tmp-role", "--permission", "performer.read");
	expect_exit("assure role add tmp-role", &r, 0);
	harness_run_free(&r);
	ADMIN(&r, "role", "rm", "tmp-role", "--json");
	expect_exit("assure role rm tmp-role --json", &r, 0);
	harness_json_expect("assure role rm tmp-role --json", &r,
			    "d['name'] == 'tmp-role' and d['removed'] is True");
	harness_run_free(&r);
	ADMIN(&r, "role", "show", "tmp-role");
	expect_exit("assure role show tmp-role after rm", &r, 5);
	harness_run_free(&r);

	ADMIN(&r, "permission", "list");
	expect_exit("assure permission list", &r, 0);
	expect_out("assure permission list", &r, "concern.investigate");
	harness_run_free(&r);
	ADMIN(&r, "permission", "list", "--json");
	expect_exit("assure permission list --json", &r, 0);
	harness_json_expect(
	    "assure permission list --json", &r,
	    "{p['name'] for p in d} == {'user.read', 'user.manage', 'role.manage', "
	    "'site.manage', 'session.manage', 'audit.read', 'performer.read', "
	    "'performer.write', 'concern.read', 'concern.write', 'concern.pag', "
	    "'concern.investigate', 'concern.decide', 'contract.read', 'contract.write', "
	    "'indicators.manage', 'review.read', 'review.write', 'config.manage'} and "
	    "all(p['meaning'] for p in d)");
	harness_run_free(&r);
}

/* ---- login --role and sessions ------------------------------------------- */

static void test_cli_login_role(void **state)
{
	(void)state;
	add_user_pw("cli-multi", "case-manager", "viewer");
	char *cfg = new_cfg();
	char *in = line(PW);
	struct harness_run r;
	harness_cli(server.addr, cfg, in, &r, "login", "--user", "cli-multi", "--password-stdin",
		    NULL);
	expect_exit("assure login cli-multi (two roles, no --role)", &r, 7);
	expect_err("assure login cli-multi (two roles, no --role)", &r, "case-manager");
	expect_err("assure login cli-multi (two roles, no --role)", &r, "viewer");
	harness_run_free(&r);
	harness_cli(server.addr, cfg, in, &r, "login", "--user", "cli-multi", "--role", "auditor",
		    "--password-stdin", NULL);
	expect_exit("assure login cli-multi --role auditor", &r, 4);
	harness_run_free(&r);
	harness_cli(server.addr, cfg, "wrong password entirely\n", &r, "login", "--user",
		    "cli-multi", "--role", "viewer", "--password-stdin", NULL);
	expect_exit("assure login cli-multi --role viewer (wrong password)", &r, 3);
	expect_err("assure login (wrong password)", &r, "login failed");
	harness_run_free(&r);
	harness_cli(server.addr, cfg, in, &r, "login", "--user", "cli-multi", "--role", "viewer",
		    "--password-stdin", "--json", NULL);
	expect_exit("assure login cli-multi --role viewer --json", &r, 0);
	harness_json_expect(
	    "assure login --role viewer --json", &r,
	    "d['username'] == 'cli-multi' and d['role'] == 'viewer' and "
	    "d['password_change_required'] is False and d['expires_at'].endswith('Z')");
	harness_run_free(&r);
	harness_cli(server.addr, cfg, NULL, &r, "whoami", "--json", NULL);
	expect_exit("assure whoami --json (cli-multi)", &r, 0);
	harness_json_expect(
	    "assure whoami --json (cli-multi)", &r,
	    "d['role'] == 'viewer' and d['roles'] == ['case-manager', 'viewer'] and "
	    "d['site'] == 'HQ'");
	harness_run_free(&r);
	harness_cli(server.addr, cfg, NULL, &r, "whoami", NULL);
	expect_exit("assure whoami (cli-multi)", &r, 0);
	expect_out("assure whoami (cli-multi)", &r, "Roles held");
	harness_run_free(&r);
	harness_cli(server.addr, cfg, in, &r, "login", "--user", "cli-multi", "--role",
		    "case-manager", "--password-stdin", NULL);
	expect_exit("assure login cli-multi --role case-manager", &r, 0);
	expect_out("assure login cli-multi --role case-manager", &r, "case-manager");
	harness_run_free(&r);
	free(in);
	free(cfg);
}

static void test_cli_sessions(void **state)
{
	(void)state;
	add_user_pw("cli-sess", "viewer", NULL);
	add_user_pw("cli-other", "viewer", NULL);
	char *cfg = new_cfg(), *cfg2 = new_cfg(), *cfg3 = new_cfg();
	cli_login(cfg, "cli-sess", PW, NULL);
	cli_login(cfg2, "cli-sess", PW, NULL);
	cli_login(cfg3, "cli-other", PW, NULL);
	struct harness_run r;

	harness_cli(server.addr, cfg, NULL, &r, "session", "list", NULL);
	expect_exit("assure session list (cli-sess)", &r, 0);
	expect_out("assure session list (cli-sess)", &r, "cli-sess");
	expect_out("assure session list (cli-sess)", &r, "*");
	harness_run_free(&r);
	harness_cli(server.addr, cfg, NULL, &r, "session", "list", "--json", NULL);
	expect_exit("assure session list --json (cli-sess)", &r, 0);
	harness_json_expect("assure session list --json (cli-sess)", &r,
			    "len(d) == 2 and all(s['username'] == 'cli-sess' for s in d) and "
			    "[s['current'] for s in d].count(True) == 1 and "
			    "all(s['client_addr'].startswith('127.0.0.1') for s in d) and "
			    "all(isinstance(s['id'], int) for s in d)");
	/* The other session (cfg2's) by id. */
	char other_id[32];
	json_get("assure session list --json", &r, "[s['id'] for s in d if not s['current']][0]",
		 other_id, sizeof other_id);
	harness_run_free(&r);

	harness_cli(server.addr, cfg, NULL, &r, "session", "list", "--user", "cli-other", NULL);
	expect_exit("assure session list --user cli-other (as cli-sess)", &r, 4);
	harness_run_free(&r);
	harness_cli(server.addr, cfg3, NULL, &r, "session", "revoke", other_id, NULL);
	expect_exit("assure session revoke (cli-other revoking cli-sess's)", &r, 4);
	harness_run_free(&r);
	harness_cli(server.addr, cfg3, NULL, &r, "session", "revoke", "--user", "cli-sess", NULL);
	expect_exit("assure session revoke --user cli-sess (as cli-other)", &r, 4);
	harness_run_free(&r);

	harness_cli(server.addr, cfg, NULL, &r, "session", "revoke", other_id, "--json", NULL);
	expect_exit("assure session revoke ID (own other session)", &r, 0);
	harness_json_expect("assure session revoke --json", &r, "d == {'revoked': 1}");
	harness_run_free(&r);
	harness_cli(server.addr, cfg2, NULL, &r, "whoami", NULL);
	expect_exit("assure whoami on the revoked session", &r, 3);
	harness_run_free(&r);
	harness_cli(server.addr, cfg, NULL, &r, "whoami", NULL);
	expect_exit("assure whoami on the session that revoked the other", &r, 0);
	harness_run_free(&r);

	ADMIN(&r, "session", "list", "--json");
	expect_exit("assure session list --json (admin)", &r, 0);
	harness_json_expect("assure session list --json (admin)", &r,
			    "{'admin', 'cli-sess', 'cli-other'} <= {s['username'] for s in d}");
	harness_run_free(&r);
	ADMIN(&r, "session", "list", "--user", "cli-sess", "--json");
	expect_exit("assure session list --user cli-sess --json (admin)", &r, 0);
	harness_json_expect("assure session list --user cli-sess (admin)", &r,
			    "len(d) == 1 and d[0]['username'] == 'cli-sess'");
	harness_run_free(&r);
	ADMIN(&r, "session", "revoke", "--user", "cli-sess", "--json");
	expect_exit("assure session revoke --user cli-sess (admin)", &r, 0);
	harness_json_expect("assure session revoke --user --json", &r, "d == {'revoked': 1}");
	harness_run_free(&r);
	harness_cli(server.addr, cfg, NULL, &r, "whoami", NULL);
	expect_exit("assure whoami after revoke --user", &r, 3);
	expect_err("assure whoami after revoke --user", &r, "not logged in");
	harness_run_free(&r);

	ADMIN(&r, "session", "revoke");
	expect_exit("assure session revoke (nothing)", &r, 2);
	harness_run_free(&r);
	ADMIN(&r, "session", "revoke", "5", "--user", "cli-other");
	expect_exit("assure session revoke ID --user", &r, 2);
	harness_run_free(&r);
	ADMIN(&r, "session", "revoke", "abc");
	expect_exit("assure session revoke abc", &r, 2);
	harness_run_free(&r);
	ADMIN(&r, "session", "revoke", "987654321");
	expect_exit("assure session revoke 987654321", &r, 5);
	harness_run_free(&r);
	free(cfg);
	free(cfg2);
	free(cfg3);
}

/* Unknown names given to narrow a listing are NOT_FOUND (exit 5), not an
 * empty list. */
static void test_cli_unknown_filter_names(void **state)
{
	(void)state;
	struct harness_run r;
	int bad = 0;
	const char *const cases[][5] = {
	    {"user", "list", "--site", "NOWHERE", NULL},
	    {"user", "list", "--role", "no-such-role", NULL},
	    {"session", "list", "--user", "nobody-here", NULL},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		harness_cli(server.addr, admin_cfg, NULL, &r, cases[i][0], cases[i][1], cases[i][2],
			    cases[i][3], NULL);
		if (r.status != 5) {
			print_error("assure %s %s %s %s: exit %d, expected 5 (stdout: %s)\n",
				    cases[i][0], cases[i][1], cases[i][2], cases[i][3], r.status,
				    r.out);
			bad++;
		}
		harness_run_free(&r);
	}
	assert_int_equal(bad, 0);
}

static void test_cli_help(void **state)
{
	(void)state;
	static const char *const cmds[][2] = {
	    {"user", "add"},
	    {"user", "list"},
	    {"user", "show"},
	    {"user", "set"},
	    {"user", "disable"},
	    {"user", "enable"},
	    {"user", "reset-password"},
	    {"role", "list"},
	    {"role", "show"},
	    {"role", "add"},
	    {"role", "set"},
	    {"role", "rm"},
	    {"permission", "list"},
	    {"site", "add"},
	    {"site", "list"},
	    {"session", "list"},
	    {"session", "revoke"},
	};
	char *cfg = new_cfg();
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		struct harness_run r;
		harness_cli(NULL, cfg, NULL, &r, cmds[i][0], cmds[i][1], "--help", NULL);
		char what[128];
		snprintf(what, sizeof what, "assure %s %s --help", cmds[i][0], cmds[i][1]);
		expect_exit(what, &r, 0);
		if (strlen(r.out) < 20) {
			harness_show_run(what, &r);
			fail_msg("%s prints almost nothing", what);
		}
		harness_run_free(&r);
	}
	struct harness_run r;
	harness_cli(NULL, cfg, NULL, &r, "--help", NULL);
	expect_exit("assure --help", &r, 0);
	expect_out("assure --help", &r, "user");
	expect_out("assure --help", &r, "role");
	expect_out("assure --help", &r, "session");
	harness_run_free(&r);
	free(cfg);
}

int main(void)
{
	harness_guard(300);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_cli_site),
	    cmocka_unit_test(test_cli_user_add),
	    cmocka_unit_test(test_cli_user_list_show),
	    cmocka_unit_test(test_cli_user_set),
	    cmocka_unit_test(test_cli_user_disable_enable_reset),
	    cmocka_unit_test(test_cli_roles),
	    cmocka_unit_test(test_cli_login_role),
	    cmocka_unit_test(test_cli_sessions),
	    cmocka_unit_test(test_cli_unknown_filter_names),
	    cmocka_unit_test(test_cli_help),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
