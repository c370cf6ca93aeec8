/*
 * The configuration snapshot cache; see settings.h for the contract and
 * the thread-safety argument.
 *
 * Keying: a snapshot is the one in force when both the counter and the
 * random stamp match settings_version. The counter alone is not enough: a
 * change that rolled back after another call in its batch cached what it
 * saw would leave a snapshot at N + 1 while the database is at N, and the
 * next committed change would be N + 1 again with different contents. The
 * stamp is fresh for every change, so that snapshot can never match.
 * (The writer also tells the cache to forget on every rollback.)
 *
 * Lifetime: the cache owns one reference to its current snapshot; each
 * acquire adds one, each release drops one; the last one frees. A worker
 * whose read view is older than the cached snapshot builds a private one
 * and does not cache it (an older snapshot never replaces a newer one).
 */
#include "settings.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "log.h"
#include "xmalloc.h"

struct settings_snapshot {
	int refs; /* __atomic only */
	int64_t version;
	char stamp[SETTINGS_STAMP_BUFSZ];
	struct settings_values values;
	int32_t *days;
	struct domain_holidays holidays;
	struct settings_rows rows; /* deep copies */
};

struct settings_cache {
	pthread_mutex_t lock;
	struct settings_snapshot *current; /* guarded by lock; holds one reference */
};

static void snapshot_free(struct settings_snapshot *s)
{
	free(s->days);
	settings_rows_clear(&s->rows);
	free(s);
}

static struct settings_snapshot *ref(struct settings_snapshot *s)
{
	__atomic_fetch_add(&s->refs, 1, __ATOMIC_RELAXED);
	return s;
}

void settings_release(const struct settings_snapshot *cs)
{
	struct settings_snapshot *s = (struct settings_snapshot *)cs;
	if (s != NULL && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0)
		snapshot_free(s);
}

static char *dup(const char *s)
{
	return xstrdup(s ? s : "");
}

struct settings_snapshot *settings_snapshot_build(const struct settings_rows *rows)
{
	struct settings_snapshot *s = xcalloc(1, sizeof *s);
	s->refs = 1;
	s->version = rows->version;
	memcpy(s->stamp, rows->stamp, sizeof s->stamp);
	s->stamp[sizeof s->stamp - 1] = '\0';
	s->values = (struct settings_values)SETTINGS_VALUES_DEFAULT;

	s->rows.version = rows->version;
	memcpy(s->rows.stamp, s->stamp, sizeof s->stamp);
	s->rows.settings = xcalloc(rows->n_settings + 1, sizeof *s->rows.settings);
	for (size_t i = 0; i < rows->n_settings; i++) {
		const struct setting_record *r = &rows->settings[i];
		char *cause = NULL;
		if (settings_set(&s->values, r->key, r->value, &cause) < 0) {
			/* Only this server writes the table, always checked; a
			 * row that fails now was edited by hand. Say so, keep
			 * the default in force (the row stays, so its version
			 * can be set over it), and go on serving. */
			log_error("settings: stored %s = '%s' is not usable, so its default is in "
				  "force: %s",
				  r->key, r->value, cause ? cause : "?");
			free(cause);
		}
		struct setting_record *c = &s->rows.settings[s->rows.n_settings++];
		c->key = dup(r->key);
		c->value = dup(r->value);
		c->version = r->version;
		c->changed_by = dup(r->changed_by);
		c->changed_at = r->changed_at;
		c->reason = dup(r->reason);
	}

	s->rows.holidays = xcalloc(rows->n_holidays + 1, sizeof *s->rows.holidays);
	struct settings_holiday_change *ch = xcalloc(rows->n_holidays + 1, sizeof *ch);
	size_t nch = 0;
	for (size_t i = 0; i < rows->n_holidays; i++) {
		const struct holiday_override_record *h = &rows->holidays[i];
		int32_t day;
		if (domain_date_parse("day", h->day, &day, NULL) < 0) {
			log_error("settings: stored bank-holiday change for '%s' is not a date; "
				  "ignored",
				  h->day);
			continue;
		}
		ch[nch].day = day;
		ch[nch].removed = h->removed;
		nch++;
		struct holiday_override_record *c = &s->rows.holidays[s->rows.n_holidays++];
		c->day = dup(h->day);
		c->removed = h->removed;
		c->name = dup(h->name);
		c->changed_by = dup(h->changed_by);
		c->changed_at = h->changed_at;
		c->reason = dup(h->reason);
	}
	size_t n = 0;
	s->days = settings_holidays_effective(ch, nch, &n);
	free(ch);
	s->holidays.days = s->days;
	s->holidays.n = n;
	return s;
}

struct settings_cache *settings_cache_new(void)
{
	struct settings_cache *c = xcalloc(1, sizeof *c);
	pthread_mutex_init(&c->lock, NULL);
	return c;
}

void settings_cache_free(struct settings_cache *c)
{
	if (c == NULL)
		return;
	settings_release(c->current);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void settings_cache_forget(struct settings_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->lock);
	struct settings_snapshot *old = c->current;
	c->current = NULL;
	pthread_mutex_unlock(&c->lock);
	settings_release(old);
}

static int matches(const struct settings_snapshot *s, int64_t version, const char *stamp)
{
	return s != NULL && s->version == version && strcmp(s->stamp, stamp) == 0;
}

int settings_acquire(struct settings_cache *c, struct db *db, const struct settings_snapshot **out,
		     char **cause)
{
	int64_t version = 0;
	char stamp[SETTINGS_STAMP_BUFSZ];
	int st = store_settings_stamp(db, &version, stamp, cause);
	if (st != ASSURE__CODE__OK)
		return st;
	pthread_mutex_lock(&c->lock);
	if (matches(c->current, version, stamp)) {
		*out = ref(c->current);
		pthread_mutex_unlock(&c->lock);
		return ASSURE__CODE__OK;
	}
	pthread_mutex_unlock(&c->lock);

	/* Not cached: read and build outside the lock (on this thread's own
	 * handle), then publish unless a newer one is already there. */
	struct settings_rows rows;
	st = store_settings_load(db, &rows, cause);
	if (st != ASSURE__CODE__OK)
		return st;
	struct settings_snapshot *s = settings_snapshot_build(&rows);
	settings_rows_clear(&rows);
	struct settings_snapshot *old = NULL;
	pthread_mutex_lock(&c->lock);
	if (c->current == NULL || s->version >= c->current->version) {
		old = c->current;
		c->current = ref(s);
	}
	pthread_mutex_unlock(&c->lock);
	settings_release(old);
	*out = s;
	return ASSURE__CODE__OK;
}

const struct settings_values *settings_values_of(const struct settings_snapshot *s)
{
	return &s->values;
}

const struct concern_config *settings_concern(const struct settings_snapshot *s)
{
	return &s->values.concern;
}

const struct domain_holidays *settings_holidays(const struct settings_snapshot *s)
{
	return &s->holidays;
}

int64_t settings_config_version(const struct settings_snapshot *s)
{
	return s->version;
}

const struct setting_record *settings_row(const struct settings_snapshot *s, const char *key)
{
	for (size_t i = 0; i < s->rows.n_settings; i++)
		if (strcmp(s->rows.settings[i].key, key) == 0)
			return &s->rows.settings[i];
	return NULL;
}

const struct holiday_override_record *settings_holiday_changes(const struct settings_snapshot *s,
							       size_t *n)
{
	*n = s->rows.n_holidays;
	return s->rows.holidays;
}
