/*
 * `assured init --db PATH --admin NAME [--display-name TEXT] [--password-stdin]`
 *
 * Creates the database and the first administrator. Refuses to touch a
 * database that already has users, so running it twice can never replace an
 * admin. Without --password-stdin a one-time password is printed once (and
 * only its argon2id hash stored); the admin must change it at first login.
 */
#include "bootstrap.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "audit.h"
#include "crypto.h"
#include "db.h"
#include "log.h"
#include "password.h"
#include "store.h"
#include "timeutil.h"
#include "xmalloc.h"

#define ONE_TIME_PASSWORD_LEN 20

static void usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: assured init --db PATH --admin NAME [--display-name TEXT] [--password-stdin]\n"
	    "\n"
	    "Creates the database (all migrations) and the first admin account.\n"
	    "  --db PATH          database file to create\n"
	    "  --admin NAME       the admin's username\n"
	    "  --display-name T   the admin's name as shown to others (default: NAME)\n"
	    "  --audit-key FILE   Ed25519 key for audit checkpoints, made if missing\n"
	    "                     (default: audit-key.pem beside the database; its\n"
	    "                     public half, audit-key.pub.pem, is for auditors)\n"
	    "  --password-stdin   read the password from the first line of stdin;\n"
	    "                     otherwise a one-time password is printed once and must\n"
	    "                     be changed at first login\n");
}

static int valid_username(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64)
		return 0;
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' ||
		      *p == '-' || *p == '_'))
			return 0;
	return 1;
}

static char *read_password_line(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n = getline(&line, &cap, stdin);
	if (n < 0) {
		freezero(line, cap);
		return NULL;
	}
	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	char *pw = xstrdup(line);
	freezero(line, cap);
	return pw;
}

int bootstrap_main(int argc, char **argv)
{
	const char *db_path = NULL, *admin = NULL, *display = NULL, *key_path = NULL;
	int from_stdin = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(a, "--password-stdin") == 0) {
			from_stdin = 1;
		} else if ((strcmp(a, "--db") == 0 || strcmp(a, "--admin") == 0 ||
			    strcmp(a, "--display-name") == 0 || strcmp(a, "--audit-key") == 0)) {
			if (i + 1 >= argc) {
				fprintf(stderr, "assured init: %s needs a value\n", a);
				return 2;
			}
			const char *v = argv[++i];
			if (strcmp(a, "--db") == 0)
				db_path = v;
			else if (strcmp(a, "--admin") == 0)
				admin = v;
			else if (strcmp(a, "--audit-key") == 0)
				key_path = v;
			else
				display = v;
		} else {
			fprintf(stderr, "assured init: unknown argument '%s'\n", a);
			usage(stderr);
			return 2;
		}
	}
	if (db_path == NULL || admin == NULL) {
		fprintf(stderr, "assured init: --db and --admin are required\n");
		usage(stderr);
		return 2;
	}
	if (!valid_username(admin)) {
		fprintf(stderr,
			"assured init: --admin: '%s' is not a valid username "
			"(1-64 of a-z, 0-9, '.', '-', '_')\n",
			admin);
		return 2;
	}
	if (display == NULL)
		display = admin;

	char *password = NULL;
	int one_time = !from_stdin;
	if (from_stdin) {
		password = read_password_line();
		if (password == NULL) {
			fprintf(stderr, "assured init: no password on stdin\n");
			return 1;
		}
		const char *why = password_policy_check(password, admin);
		if (why) {
			fprintf(stderr, "assured init: %s\n", why);
			freezero_str(password);
			return 1;
		}
	} else {
		password = crypto_one_time_password(ONE_TIME_PASSWORD_LEN);
	}

	char *cause = NULL;
	char *hash = password_hash(password, &cause);
	if (hash == NULL) {
		fprintf(stderr, "assured init: %s\n", cause);
		free(cause);
		freezero_str(password);
		return 1;
	}

	/* The database holds password hashes and case content: owner only. */
	mode_t old_mask = umask(077);
	struct db *db = NULL;
	int rc = 1;
	int version = 0;
	int64_t users = 0, id = 0;
	if (db_open(db_path, DB_CREATE, &db, &cause) < 0 || db_migrate(db, &version, &cause) < 0)
		goto out;
	if (store_user_count(db, &users, &cause) != 0)
		goto out;
	if (users > 0) {
		cause =
		    xasprintf("%s already has users; init only creates the first admin", db_path);
		goto out;
	}
	if (db_begin(db, &cause) < 0)
		goto out;
	int64_t now = clock_now_ms();
	if (store_user_insert(db, admin, display, hash, one_time, now, "assured init", &id,
			      &cause) != 0 ||
	    store_user_add_role(db, id, "admin", &cause) != 0) {
		db_rollback(db);
		goto out;
	}
	if (db_commit(db, &cause) < 0) {
		db_rollback(db);
		goto out;
	}
	char *key = key_path ? xstrdup(key_path) : audit_default_key_path(db_path);
	char *pub = audit_public_key_path(key);
	struct stat sb;
	if (stat(key, &sb) != 0) {
		if (crypto_sign_key_generate(key, pub, &cause) < 0) {
			free(key);
			free(pub);
			goto out;
		}
		fprintf(stderr,
			"assured init: audit checkpoint signing key %s (mode 0400); give "
			"auditors the public key %s\n",
			key, pub);
	}
	free(key);
	free(pub);
	rc = 0;
	fprintf(stderr, "assured init: created %s (schema version %d) with admin '%s'\n", db_path,
		version, admin);
	if (one_time) {
		printf("one-time password for %s: %s\n", admin, password);
		fflush(stdout);
		fprintf(stderr,
			"assured init: it is shown only now and must be changed at first login\n");
	}
out:
	umask(old_mask);
	if (cause) {
		fprintf(stderr, "assured init: %s\n", cause);
		free(cause);
	}
	db_close(db);
	freezero_str(hash);
	freezero_str(password);
	return rc;
}
