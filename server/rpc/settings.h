/*
 * The effective configuration as immutable, reference-counted snapshots:
 * the values of every key (struct settings_values: the DOMAIN.md defaults
 * with the admin's changes applied), the effective bank-holiday table, and
 * the stored rows behind them (who changed what, when, why).
 *
 * A call that needs the configuration acquires a snapshot with its own
 * database handle: one cached statement reads the settings counter and
 * stamp in the handle's current view (inside the writer's transaction for
 * writes), and the cached snapshot is used when it matches; otherwise the
 * rows are read in one transaction, a new snapshot built and, if it is not
 * older than the cached one, cached. So every call's rules see exactly the
 * configuration its own transaction sees, and a change applies to the next
 * call that reads the database after it (the change's own batch included).
 *
 * Threads: any thread may acquire and release. struct settings_cache holds
 * one reference to the current snapshot under a mutex; a snapshot is fully
 * built before it is published (under that mutex) and never written again,
 * and its reference count is atomic, so the thread dropping the last
 * reference frees it after every other user is done (acquire/release
 * ordering). Snapshots a thread built and did not cache are private to it
 * until released. That is the whole of the sharing: TSan sees the mutex
 * and the atomics and nothing else.
 */
#ifndef ASSURE_SETTINGS_H
#define ASSURE_SETTINGS_H

#include <stddef.h>
#include <stdint.h>

#include "domain_settings.h"
#include "store_settings.h"

struct db;
struct settings_cache;
struct settings_snapshot;

struct settings_cache *settings_cache_new(void);
/* Drops the cache's reference; accepts NULL. Snapshots still acquired stay
 * valid until released. */
void settings_cache_free(struct settings_cache *c);
/* Forgets the cached snapshot (the writer rolled something back: a change
 * read inside the lost transaction may have been cached). */
void settings_cache_forget(struct settings_cache *c);

/* The snapshot in force for db's current view; release it when done. A
 * protocol status code; *cause (heap) on failure. */
int settings_acquire(struct settings_cache *c, struct db *db, const struct settings_snapshot **out,
		     char **cause) __attribute__((warn_unused_result));
/* Accepts NULL. */
void settings_release(const struct settings_snapshot *s);

/* What a snapshot holds; pointers live as long as the snapshot. */
const struct settings_values *settings_values_of(const struct settings_snapshot *s);
const struct concern_config *settings_concern(const struct settings_snapshot *s);
const struct domain_holidays *settings_holidays(const struct settings_snapshot *s);
/* The settings counter (every change bumps it). */
int64_t settings_config_version(const struct settings_snapshot *s);
/* The stored row of key, or NULL while its default is in force. */
const struct setting_record *settings_row(const struct settings_snapshot *s, const char *key);
/* The changes to the holiday table, by day. */
const struct holiday_override_record *settings_holiday_changes(const struct settings_snapshot *s,
							       size_t *n);

/* Builds a snapshot from rows (taking nothing from them: they stay the
 * caller's). A stored value that no longer parses is logged and its
 * default used. Reference count 1. For the cache and for tests. */
struct settings_snapshot *settings_snapshot_build(const struct settings_rows *rows);

#endif
