/*
 * The server's own concern moves; see concern_system.h. The job runs on
 * the writer thread inside the writer's transaction and per-job savepoint;
 * each concern is moved inside an inner savepoint, so one the rules refuse
 * (logged) leaves the others alone. If an audit record cannot be written
 * the whole job fails and rolls back (the writer then resynchronises the
 * audit log), as for any write: no move without its record.
 */
#include "concern_system.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "audit.h"
#include "clock.h"
#include "concern_common.h"
#include "crypto.h"
#include "db.h"
#include "domain_concern.h"
#include "domain_dates.h"
#include "job.h"
#include "log.h"
#include "server.h"
#include "settings.h"
#include "status.h"
#include "store_concern.h"
#include "timeutil.h"
#include "xmalloc.h"

#define SYSTEM_USER "system"
#define SYSTEM_BATCH 100
#define SYSTEM_PAGES 20

struct system_job {
	struct job job;
	struct server *srv;
	unsigned moved;
	/* The configuration in force in the job's transaction. */
	const struct concern_config *cfg;
	const struct domain_holidays *hol;
};

/* Loop thread only. */
static int in_flight;

static Assure__AuditRecord *system_record(struct arena *a, struct server *srv, const char *ref,
					  int status, const char *reason)
{
	Assure__AuditRecord *r = arena_alloc(a, sizeof *r);
	assure__audit_record__init(r);
	uint8_t b[16];
	crypto_random(b, sizeof b);
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	r->uuid =
	    arena_printf(a, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
			 b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11],
			 b[12], b[13], b[14], b[15]);
	r->time_ms = clock_now_ms();
	char t[40];
	time_format_rfc3339_ms(r->time_ms, t, sizeof t);
	r->time = arena_strdup(a, t);
	r->action = arena_strdup(a, "U");
	r->event = arena_strdup(a, "ConcernSystemMove");
	r->outcome = audit_outcome_of(status);
	r->status = arena_strdup(a, status_code_name(status));
	r->user_id = 0;
	r->username = arena_strdup(a, SYSTEM_USER);
	r->role = arena_strdup(a, SYSTEM_USER);
	r->site = arena_strdup(a, "");
	r->client_addr = arena_strdup(a, "");
	r->cert_fingerprint = arena_strdup(a, "");
	r->session_hash = arena_strdup(a, "");
	r->instance = arena_strdup(a, srv->instance);
	r->object_type = arena_strdup(a, "concern");
	r->object_id = arena_strdup(a, ref);
	r->query = arena_strdup(a, "");
	r->reason = arena_strdup(a, reason);
	return r;
}

/* Moves one concern; its work is undone by the caller on failure. */
static int move_one(struct system_job *sj, struct db *db, const struct concern_record *c,
		    const char *today_s, char **reason, char **cause)
{
	struct concern_facts f;
	concern_facts_fill(&f, c, 0, NULL, 0, NULL, 0);
	int st = concern_recorded_windows(db, c->id, &f, cause);
	if (st != ASSURE__CODE__OK)
		return st;
	enum concern_state to = domain_concern_after_appeal_window(f.outcome);
	struct concern_move_input in;
	domain_concern_input_init(&in);
	enum concern_check ck =
	    domain_concern_check_move(sj->cfg, &f, to, CONCERN_ROLE_SYSTEM, &in, cause);
	if (ck != CONCERN_OK)
		return concern_status_of(ck);
	const char *to_name = domain_concern_state_name(to);
	int64_t now = clock_now_ms();
	struct concern_update u;
	concern_update_init(&u);
	u.state = to_name;
	st = store_concern_update(db, c->id, 0, &u, now, SYSTEM_USER, NULL, cause);
	if (st == ASSURE__CODE__OK)
		st =
		    concern_close_deadlines(db, c, CONCERN_STATE_APPEAL_WINDOW, to, today_s, cause);
	struct concern_deadline d[4];
	size_t n = domain_concern_move_deadlines(sj->cfg, &f, to, &in, sj->hol, d, 4);
	for (size_t i = 0; st == ASSURE__CODE__OK && i < n && i < 4; i++)
		st = store_concern_deadline_add(db, c->id, &d[i], 0, NULL, cause);
	*reason = xasprintf("appeal-window -> %s: the appeal deadline passed with no appeal "
			    "(outcome %s)",
			    to_name, c->outcome[0] ? c->outcome : "none");
	struct concern_event_record e = {
	    .at = now,
	    .by = (char *)SYSTEM_USER,
	    .kind = (char *)"transition",
	    .from_state = (char *)"appeal-window",
	    .to_state = (char *)to_name,
	    .text = *reason,
	    .date = (char *)today_s,
	    .detail = (char *)"",
	};
	if (st == ASSURE__CODE__OK)
		st = store_concern_event_add(db, c->id, &e, NULL, cause);
	return st;
}

/* One page of overdue deadlines: advances the review-eligibility ones of
 * concerns in monitoring. -1 when the job must stop (a savepoint or the
 * audit failed), else 0. */
static int next_reviews_page(struct system_job *sj, struct db *db, const char *today,
			     const struct concern_deadline_record *v, size_t n)
{
	char *cause = NULL;
	const char *kind = domain_concern_clock_name(CONCERN_CLOCK_REVIEW_ELIGIBILITY);
	for (size_t i = 0; i < n; i++) {
		int32_t due;
		if (strcmp(v[i].kind, kind) != 0 || strcmp(v[i].state, "monitoring") != 0 ||
		    domain_date_parse("due", v[i].due, &due, NULL) < 0)
			continue;
		if (db_savepoint_inner(db, &cause) < 0) {
			free(cause);
			return -1;
		}
		cause = NULL;
		struct concern_deadline d = {CONCERN_CLOCK_REVIEW_ELIGIBILITY, due,
					     domain_concern_next_review(sj->cfg, due),
					     sj->cfg->review_every};
		char next[DOMAIN_DATE_BUFSZ];
		domain_date_format(d.due, next);
		int st = store_concern_deadline_met(db, v[i].concern_id, v[i].id, v[i].due, &cause);
		if (st == ASSURE__CODE__OK)
			st = store_concern_deadline_add(db, v[i].concern_id, &d, 0, NULL, &cause);
		char *reason =
		    xasprintf("review eligibility reached on %s; next on %s", v[i].due, next);
		struct concern_event_record e = {
		    .at = clock_now_ms(),
		    .by = (char *)SYSTEM_USER,
		    .kind = (char *)"review",
		    .from_state = (char *)"",
		    .to_state = (char *)"",
		    .text = reason,
		    .date = (char *)today,
		    .detail = (char *)"",
		};
		if (st == ASSURE__CODE__OK)
			st = store_concern_event_add(db, v[i].concern_id, &e, NULL, &cause);
		if (st == ASSURE__CODE__OK) {
			struct arena *a = arena_new();
			Assure__AuditRecord *rec =
			    system_record(a, sj->srv, v[i].concern_ref, st, reason);
			rec->event = arena_strdup(a, "ConcernSystemReview");
			st = audit_log_append(sj->srv->audit, db, rec, &cause);
			arena_free(a);
			if (st != ASSURE__CODE__OK) {
				log_error(
				    "audit: record for a system review could not be written: %s",
				    cause ? cause : "?");
				free(cause);
				free(reason);
				sj->job.status = ASSURE__CODE__INTERNAL;
				return -1;
			}
		}
		free(reason);
		if (st != ASSURE__CODE__OK) {
			db_rollback_to_inner(db);
			log_error("concerns: %s review eligibility not advanced: %s",
				  v[i].concern_ref, cause ? cause : status_code_name(st));
			free(cause);
			cause = NULL;
			continue;
		}
		if (db_release_inner(db, &cause) < 0) {
			free(cause);
			sj->job.status = ASSURE__CODE__INTERNAL;
			return -1;
		}
	}
	return 0;
}

/*
 * Review eligibility in monitoring: 3 months, then every 6 months. When an
 * open review-eligibility deadline's date has passed, it is marked met on
 * that date and the next one is added, each with an audit record
 * ("ConcernSystemReview"). Failures are logged; the job goes on.
 */
static void next_reviews(struct system_job *sj, struct db *db, const char *today)
{
	char yesterday[DOMAIN_DATE_BUFSZ], after[DOMAIN_DATE_BUFSZ] = "";
	domain_date_format(domain_date_add_days(clock_today(), -1), yesterday);
	/* Every overdue deadline of every kind is read to find these, so page
	 * through them (keyset on due, id): a first page full of other kinds
	 * must not hide the review dates after it. */
	struct concern_due_filter f = {.due_by = yesterday, .after_due = after, .limit = 1000};
	for (int page = 0; page < SYSTEM_PAGES; page++) {
		struct concern_deadline_record *v = NULL;
		size_t n = 0;
		char *cause = NULL;
		if (store_concern_deadlines_due(db, &f, &v, &n, &cause) != ASSURE__CODE__OK) {
			log_error("concerns: review-eligibility query failed: %s",
				  cause ? cause : "?");
			free(cause);
			return;
		}
		int stop = next_reviews_page(sj, db, today, v, n);
		if (n > 0) {
			snprintf(after, sizeof after, "%s", v[n - 1].due);
			f.after_id = v[n - 1].id;
		}
		concern_deadlines_free(v, n);
		if (stop || n < f.limit)
			return;
	}
}

static void system_pass(struct system_job *sj, struct db *db, const char *today);

static void system_run(struct job *job, struct db *db)
{
	struct system_job *sj = (struct system_job *)job;
	char today[DOMAIN_DATE_BUFSZ];
	concern_today(today);
	char *cause = NULL;
	const struct settings_snapshot *settings = NULL;
	job->status = settings_acquire(sj->srv->settings, db, &settings, &cause);
	if (job->status != ASSURE__CODE__OK) {
		log_error("concerns: the configuration could not be read: %s", cause ? cause : "?");
		free(cause);
		return;
	}
	sj->cfg = settings_concern(settings);
	sj->hol = settings_holidays(settings);
	system_pass(sj, db, today);
	sj->cfg = NULL;
	sj->hol = NULL;
	settings_release(settings);
}

/* One pass over the concerns the server moves by itself. */
static void system_pass(struct system_job *sj, struct db *db, const char *today)
{
	struct job *job = &sj->job;
	char *cause = NULL;
	/* Page by id, so concerns that cannot be moved (logged each pass) never
	 * keep the job from the ones after them; at most SYSTEM_PAGES pages a
	 * pass keeps one writer job short. */
	int64_t after = 0;
	for (int page = 0; page < SYSTEM_PAGES && job->status == ASSURE__CODE__OK; page++) {
		struct concern_record **v = NULL;
		size_t n = 0;
		job->status = store_concern_appeal_window_expired_after(
		    db, today, after, SYSTEM_BATCH, &v, &n, &cause);
		if (job->status != ASSURE__CODE__OK) {
			log_error("concerns: appeal-window query failed: %s", cause ? cause : "?");
			free(cause);
			return;
		}
		if (n > 0)
			after = v[n - 1]->id;
		for (size_t i = 0; i < n; i++) {
			if (db_savepoint_inner(db, &cause) < 0) {
				log_error("concerns: SAVEPOINT: %s", cause);
				free(cause);
				job->status = ASSURE__CODE__INTERNAL;
				break;
			}
			char *reason = NULL;
			cause = NULL;
			int st = move_one(sj, db, v[i], today, &reason, &cause);
			if (st != ASSURE__CODE__OK) {
				db_rollback_to_inner(db);
				log_error("concerns: %s not moved out of appeal-window: %s",
					  v[i]->ref, cause ? cause : status_code_name(st));
				free(cause);
				free(reason);
				continue;
			}
			struct arena *a = arena_new();
			Assure__AuditRecord *rec = system_record(a, sj->srv, v[i]->ref, st, reason);
			st = audit_log_append(sj->srv->audit, db, rec, &cause);
			arena_free(a);
			free(reason);
			if (st != ASSURE__CODE__OK) {
				log_error(
				    "audit: record for a system move could not be written: %s",
				    cause ? cause : "?");
				free(cause);
				job->status = ASSURE__CODE__INTERNAL;
				break;
			}
			if (db_release_inner(db, &cause) < 0) {
				log_error("concerns: RELEASE: %s", cause);
				free(cause);
				job->status = ASSURE__CODE__INTERNAL;
				break;
			}
			sj->moved++;
		}
		concern_records_free(v, n);
		if (n < SYSTEM_BATCH)
			break;
	}
	if (job->status == ASSURE__CODE__OK)
		next_reviews(sj, db, today);
}

static void system_done(struct job *job)
{
	struct system_job *sj = (struct system_job *)job;
	if (job->status == ASSURE__CODE__OK && !job->lost) {
		if (sj->moved)
			log_info("concerns: %u moved out of appeal-window (deadline passed)",
				 sj->moved);
	} else {
		log_error("concerns: the appeal-window job failed (%s); it runs again in %d s",
			  status_code_name(job->status), CONCERN_SYSTEM_INTERVAL_S);
	}
	in_flight = 0;
	free(sj);
}

void concern_system_tick(struct server *srv)
{
	if (in_flight || srv->stopping || srv->writer == NULL || srv->audit == NULL)
		return;
	struct system_job *sj = xcalloc(1, sizeof *sj);
	sj->srv = srv;
	sj->job.run = system_run;
	sj->job.done = system_done;
	sj->job.arg = srv;
	in_flight = 1;
	writer_submit(srv->writer, &sj->job);
}
