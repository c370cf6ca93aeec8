/*
 * `assured audit-verify --db PATH --pubkey FILE [--trusted-checkpoint FILE]`:
 * the offline check of an audit trail, for an auditor holding a copy of the
 * database, the exported public key and (ideally) a checkpoint saved
 * earlier outside the server. Opens the database read-only; never needs
 * the server or its private key.
 *
 * Exit status: 0 intact; 3 NOT intact (the first bad record or checkpoint
 * is named); 1 the check could not run; 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_verify.h"
#include "checkpoint.h"
#include "db.h"
#include "hash.h"
#include "timeutil.h"
#include "xmalloc.h"

int audit_verify_main(int argc, char **argv);

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	char *buf = xmalloc(65537);
	size_t n = fread(buf, 1, 65536, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

int audit_verify_main(int argc, char **argv)
{
	const char *db_path = NULL, *pub_path = NULL, *trusted_path = NULL;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0) {
			printf(
			    "usage: assured audit-verify --db PATH --pubkey FILE "
			    "[--trusted-checkpoint FILE]\n"
			    "\n"
			    "Checks the audit trail in a database file offline: no gaps, every "
			    "leaf hash,\n"
			    "indexed columns against the signed bytes, the Merkle tree, every "
			    "checkpoint's\n"
			    "signature and root, and consistency with a checkpoint saved earlier.\n"
			    "Exit status: 0 intact, 3 not intact, 1 could not check, 2 usage.\n");
			return 0;
		}
		if (i + 1 >= argc) {
			fprintf(stderr, "assured audit-verify: %s needs a value\n", argv[i]);
			return 2;
		}
		if (strcmp(argv[i], "--db") == 0)
			db_path = argv[++i];
		else if (strcmp(argv[i], "--pubkey") == 0)
			pub_path = argv[++i];
		else if (strcmp(argv[i], "--trusted-checkpoint") == 0)
			trusted_path = argv[++i];
		else {
			fprintf(stderr, "assured audit-verify: unknown argument '%s'\n", argv[i]);
			return 2;
		}
	}
	if (db_path == NULL || pub_path == NULL) {
		fprintf(stderr, "assured audit-verify: --db and --pubkey are required\n");
		return 2;
	}
	char *cause = NULL;
	uint8_t pub[32];
	if (hash_ed25519_read_public(pub_path, pub, &cause) < 0) {
		fprintf(stderr, "assured audit-verify: %s\n", cause);
		free(cause);
		return 1;
	}
	struct checkpoint trusted;
	int have_trusted = 0;
	if (trusted_path) {
		char *text = slurp(trusted_path);
		if (text == NULL) {
			fprintf(stderr, "assured audit-verify: cannot read %s\n", trusted_path);
			return 1;
		}
		int rc = checkpoint_parse(text, &trusted, &cause);
		free(text);
		if (rc < 0) {
			fprintf(stderr, "assured audit-verify: %s: %s\n", trusted_path, cause);
			free(cause);
			return 1;
		}
		have_trusted = 1;
	}
	struct db *db = NULL;
	if (db_open(db_path, DB_READ_ONLY, &db, &cause) < 0) {
		fprintf(stderr, "assured audit-verify: %s\n", cause);
		free(cause);
		if (have_trusted)
			checkpoint_clear(&trusted);
		return 1;
	}
	struct audit_verify_result res;
	int64_t t0 = time_mono_ns();
	int rc = audit_verify_db(db, pub, have_trusted ? &trusted : NULL, &res, &cause);
	double secs = (double)(time_mono_ns() - t0) / 1e9;
	db_close(db);
	if (have_trusted)
		checkpoint_clear(&trusted);
	if (rc < 0) {
		fprintf(stderr, "assured audit-verify: %s\n", cause);
		free(cause);
		return 1;
	}
	if (!res.ok) {
		printf("NOT INTACT: %s\n", res.message);
		if (res.first_bad_seq)
			printf("first bad record: %llu\n", (unsigned long long)res.first_bad_seq);
		return 3;
	}
	printf("%s (%.2fs, %.0f records/s)\n", res.message, secs,
	       secs > 0 ? (double)res.records / secs : 0.0);
	return 0;
}
