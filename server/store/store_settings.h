/*
 * Storage of the admin-changeable settings (migration 9): one row per key
 * that has been changed from its compiled default (table settings), one
 * row per change to the default bank-holiday table (holiday_overrides: a
 * day added, or a default day removed), and a one-row counter
 * (settings_version) bumped with a fresh random stamp by every change, so
 * a cached snapshot can tell cheaply whether it is still the one in force.
 *
 * Conventions as store.h: a protocol status code, *cause on errors other
 * than NOT_FOUND (caller frees), records owned by the caller.
 */
#ifndef ASSURE_STORE_SETTINGS_H
#define ASSURE_STORE_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

struct db;

/* 32 hex digits and a NUL. */
#define SETTINGS_STAMP_BUFSZ 33

/* A key changed from its default. A key without a row is at version 1. */
struct setting_record {
	char *key;
	char *value; /* canonical spelling */
	int64_t version;
	char *changed_by;
	int64_t changed_at; /* Unix ms */
	char *reason;
};

/* A change to the default bank-holiday table. */
struct holiday_override_record {
	char *day;   /* YYYY-MM-DD */
	int removed; /* 1: a default day taken out; 0: a day added */
	char *name;  /* the added day's name, or the removed default's */
	char *changed_by;
	int64_t changed_at; /* Unix ms */
	char *reason;
};

/* Everything a snapshot is built from, read in one transaction. */
struct settings_rows {
	int64_t version;
	char stamp[SETTINGS_STAMP_BUFSZ];
	struct setting_record *settings;
	size_t n_settings;
	struct holiday_override_record *holidays; /* by day */
	size_t n_holidays;
};

void settings_rows_clear(struct settings_rows *r);

/* The counter and stamp in force for this handle (its transaction's view
 * when one is open). One cached statement. */
int store_settings_stamp(struct db *db, int64_t *version, char stamp[SETTINGS_STAMP_BUFSZ],
			 char **cause);
/* The counter, stamp and every row, consistently: inside the handle's
 * open transaction, or in a read transaction of its own. */
int store_settings_load(struct db *db, struct settings_rows *out, char **cause);

/*
 * Stores key = value if the key is still at version `expected` (1 for a key
 * never changed); *version gets the new one. ABORTED when it is not, with
 * *stale (caller clears with setting_record_clear; may be NULL) filled with
 * the row as it stands (version 1 and empty names when it has no row).
 */
int store_setting_put(struct db *db, const char *key, const char *value, int64_t expected,
		      int64_t now_ms, const char *by, const char *reason, int64_t *version,
		      struct setting_record *stale, char **cause);
void setting_record_clear(struct setting_record *r);

/* Records a change to the holiday table; ALREADY_EXISTS if the day has one. */
int store_holiday_override_add(struct db *db, const struct holiday_override_record *h,
			       char **cause);
/* Drops the day's change (the default comes back); NOT_FOUND if none. */
int store_holiday_override_delete(struct db *db, const char *day, char **cause);

/* Bumps the counter with a fresh random stamp; *version gets the new count.
 * Every change calls it once, in the change's transaction. */
int store_settings_bump(struct db *db, int64_t now_ms, const char *by, int64_t *version,
			char **cause);

#endif
