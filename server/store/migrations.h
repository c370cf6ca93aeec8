/*
 * Numbered schema migrations, applied in order at start-up, each in its own
 * transaction with PRAGMA user_version set inside it. A released migration
 * is never edited: changes are new migrations.
 */
#ifndef ASSURE_MIGRATIONS_H
#define ASSURE_MIGRATIONS_H

struct db_migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct db_migration db_migrations[];
extern const int db_migrations_count;

/* Long migrations kept in files of their own. */
extern const char migration_10_reviews[];

#endif
