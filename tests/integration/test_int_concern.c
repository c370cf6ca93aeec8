/*
 * Concerns against a real assured (DOMAIN.md "Concerns": states and who
 * moves them, risk grading, suspension, deadlines, access to concern
 * content), driven through the client library on a server whose clock is
 * a file, so windows and deadlines pass in an instant:
 *
 *   1. a GP concern from intake to monitoring (open, grade, triage,
 *      investigation, report, PAG review, panel referral, notice, hearing,
 *      a decision with conditions, the appeal window closed by the server);
 *   2. a decision before the 28-day representations window ends, refused;
 *   3. the panel rules (quorum, the investigator on the panel, a user who
 *      is no panel member, only panel members decide);
 *   4. an interim suspension with its notice, period and review, and the
 *      reinstatement;
 *   5. a pharmacist's concern: external-only or closed, nothing else;
 *   6. a stale version between two users;
 *   7. who may read what (investigators, panel members, viewers), and the
 *      audit of every read;
 *   8. dates, append-only notes, a closed concern never reopened, links;
 *   9. the due list;
 * then the real assure CLI (open, grade, move, show --json, and the stale
 * version between two config directories: exit code 6).
 *
 * The clock walks forward only: the tests run in order and each one starts
 * where the one before left the calendar. 2026-11-02 is a Monday with no
 * bank holiday within the 5 working days that follow.
 *
 * The expected answers come from DOMAIN.md, docs/ROLES.md and the proto,
 * never from the server: where the server disagrees, the test fails.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "harness.h"

#define PW "concern test passphrase 9"
#define SITE "HQ"
#define PYTHON3 "/usr/bin/python3"

#define OK ASSURE__CODE__OK
#define FP ASSURE__CODE__FAILED_PRECONDITION
#define PD ASSURE__CODE__PERMISSION_DENIED
#define IA ASSURE__CODE__INVALID_ARGUMENT
#define AB ASSURE__CODE__ABORTED

#define D0 "2026-11-02"

/* The users: name, roles, the role they act in. */
enum {
	U_CM,	    /* case-manager */
	U_CM2,	    /* case-manager and investigator, acting as case manager */
	U_PAG,	    /* pag-member */
	U_INV,	    /* investigator */
	U_INV2,	    /* investigator */
	U_PANEL1,   /* panel-member */
	U_PANEL2,   /* panel-member */
	U_PANEL3,   /* panel-member */
	U_PANEL4,   /* panel-member */
	U_INVPANEL, /* investigator and panel-member, acting as panel member */
	U_VIEWER,   /* viewer */
	U_AUDITOR,  /* auditor */
	NUSERS
};

static const struct {
	const char *name, *roles, *acting;
} users[NUSERS] = {
    [U_CM] = {"cm", "case-manager", NULL},
    [U_CM2] = {"cm2", "case-manager,investigator", "case-manager"},
    [U_PAG] = {"pag", "pag-member", NULL},
    [U_INV] = {"inv", "investigator", NULL},
    [U_INV2] = {"inv2", "investigator", NULL},
    [U_PANEL1] = {"panel1", "panel-member", NULL},
    [U_PANEL2] = {"panel2", "panel-member", NULL},
    [U_PANEL3] = {"panel3", "panel-member", NULL},
    [U_PANEL4] = {"panel4", "panel-member", NULL},
    [U_INVPANEL] = {"invpanel", "investigator,panel-member", "panel-member"},
    [U_VIEWER] = {"viewer", "viewer", NULL},
    [U_AUDITOR] = {"aud", "auditor", NULL},
};

static struct harness_server server;
static struct harness_clock clk;
static struct client *cl[NUSERS];

#define CM (cl[U_CM])
#define CM2 (cl[U_CM2])
#define PAG (cl[U_PAG])
#define INV (cl[U_INV])
#define INV2 (cl[U_INV2])
#define PANEL1 (cl[U_PANEL1])
#define INVPANEL (cl[U_INVPANEL])
#define VIEWER (cl[U_VIEWER])
#define AUDITOR (cl[U_AUDITOR])

static const char *const panel123[] = {"panel1", "panel2", "panel3", NULL};
static const char *const panel234[] = {"panel2", "panel3", "panel4", NULL};

/* Performers: GP (story 1), dentist (stories 2, 3), GP2 (story 4), GP3
 * (the others), pharmacist (story 5). */
static int64_t gp, dentist, gp2, gp3, pharmacist;

/* Story 1's concern, carried from the first part to the second. */
static char ref1[16];

/* ---- dates and the clock ------------------------------------------------- */

static time_t ymd_time(const char *ymd)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (sscanf(ymd, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
		fail_msg("bad date %s", ymd);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 10;
	return timegm(&tm);
}

/* ymd plus n calendar days, into out (11 bytes). */
static void add_days(const char *ymd, int n, char out[16])
{
	time_t t = ymd_time(ymd) + (time_t)n * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(out, 16, "%Y-%m-%d", &tm);
}

static void login_all(void)
{
	for (int i = 0; i < NUSERS; i++) {
		if (cl[i] != NULL)
			client_free(cl[i]);
		cl[i] = harness_connect_login(&server, users[i].name, PW, users[i].acting, NULL);
	}
}

/* Sets the server's clock to 10:00 UTC on ymd (GMT in November and
 * December: the same civil date in Europe/London) and logs everyone in
 * again, as sessions do not outlive days. */
static void set_day(const char *ymd)
{
	harness_clock_set(&clk, (int64_t)ymd_time(ymd) * 1000);
	login_all();
}

/* ---- concern helpers ----------------------------------------------------- */

static void expect_ref_format(const char *ref, const char *year)
{
	char want[16];
	snprintf(want, sizeof want, "CON-%s-", year);
	if (strlen(ref) != 13 || strncmp(ref, want, 9) != 0)
		fail_msg("reference '%s' is not CON-%s-NNNN", ref, year);
	for (int i = 9; i < 13; i++)
		if (ref[i] < '0' || ref[i] > '9')
			fail_msg("reference '%s' is not CON-%s-NNNN", ref, year);
}

/* Opens a concern as c, asserting OK; ref gets the reference. */
static uint64_t open_concern(struct client *c, int64_t performer, const char *received,
			     const char *linked, char ref[16])
{
	struct harness_ireq r;
	harness_ireq_concern_open(&r, performer, "patient-complaint", "clinical-competence",
				  "missed diagnosis reported by a patient", received,
				  "a patient (withheld)", linked);
	Assure__Response *resp = harness_iexpect(c, &r, OK, "ConcernOpen");
	assert_non_null(resp->concern_open);
	const Assure__Concern *k = resp->concern_open->concern;
	assert_non_null(k);
	expect_ref_format(k->ref, "2026");
	snprintf(ref, 16, "%s", k->ref);
	assert_string_equal(k->state, "received");
	assert_int_equal(k->performer_id, performer);
	if (received != NULL && received[0] != '\0')
		assert_string_equal(k->received, received);
	assert_true(k->version > 0);
	uint64_t v = k->version;
	assure__response__free_unpacked(resp, NULL);
	return v;
}

/* ConcernShow as c, asserting OK; caller frees. */
static Assure__Response *show(struct client *c, const char *ref)
{
	struct harness_ireq r;
	char what[96];
	snprintf(what, sizeof what, "ConcernShow %s", ref);
	harness_ireq_concern_show(&r, ref);
	Assure__Response *resp = harness_iexpect(c, &r, OK, what);
	assert_non_null(resp->concern_show);
	assert_non_null(resp->concern_show->concern);
	return resp;
}

static uint64_t version_of(const char *ref)
{
	Assure__Response *resp = show(CM, ref);
	uint64_t v = resp->concern_show->concern->version;
	assure__response__free_unpacked(resp, NULL);
	return v;
}

static void expect_state(const char *ref, const char *state)
{
	Assure__Response *resp = show(CM, ref);
	if (strcmp(resp->concern_show->concern->state, state) != 0) {
		char got[64];
		snprintf(got, sizeof got, "%s", resp->concern_show->concern->state);
		assure__response__free_unpacked(resp, NULL);
		fail_msg("%s: state '%s', expected '%s'", ref, got, state);
	}
	assure__response__free_unpacked(resp, NULL);
}

/* The move response's concern: checks its state, returns the version. */
static uint64_t moved(Assure__Response *resp, const char *state)
{
	assert_non_null(resp);
	const Assure__ConcernMoveResponse *m = NULL;
	if (resp->result_case == ASSURE__RESPONSE__RESULT_CONCERN_MOVE)
		m = resp->concern_move;
	else if (resp->result_case == ASSURE__RESPONSE__RESULT_CONCERN_GRADE)
		m = resp->concern_grade;
	else if (resp->result_case == ASSURE__RESPONSE__RESULT_CONCERN_ASSIGN)
		m = resp->concern_assign;
	assert_non_null(m);
	assert_non_null(m->concern);
	if (state != NULL)
		assert_string_equal(m->concern->state, state);
	uint64_t v = m->concern->version;
	assure__response__free_unpacked(resp, NULL);
	return v;
}

/* A deadline of kind in a list, or NULL. */
static const Assure__Deadline *find_deadline(Assure__Deadline *const *d, size_t n, const char *kind)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i]->kind, kind) == 0 && d[i]->met[0] == '\0')
			return d[i];
	return NULL;
}

static void expect_deadline(Assure__Deadline *const *d, size_t n, const char *kind, const char *due,
			    const char *what)
{
	const Assure__Deadline *x = find_deadline(d, n, kind);
	if (x == NULL) {
		print_error("%s: deadlines are:\n", what);
		for (size_t i = 0; i < n; i++)
			print_error("  %s due %s (basis %s, met '%s')\n", d[i]->kind, d[i]->due,
				    d[i]->basis, d[i]->met);
		fail_msg("%s: no open '%s' deadline", what, kind);
	}
	if (due != NULL && strcmp(x->due, due) != 0)
		fail_msg("%s: '%s' deadline due %s, expected %s", what, kind, x->due, due);
}

/* Grades as c: OK and the band. */
static uint64_t grade_ok(struct client *c, const char *ref, int cons, int like, uint64_t version,
			 int score, const char *band)
{
	struct harness_ireq r;
	harness_ireq_concern_grade(&r, ref, cons, like, "risk assessed at triage", version);
	Assure__Response *resp = harness_iexpect(c, &r, OK, "ConcernGrade");
	assert_non_null(resp->concern_grade);
	const Assure__Concern *k = resp->concern_grade->concern;
	assert_non_null(k);
	assert_non_null(k->grade);
	assert_int_equal(k->grade->score, score);
	assert_string_equal(k->grade->band, band);
	uint64_t v = k->version;
	assure__response__free_unpacked(resp, NULL);
	return v;
}

/* received -> triaged by the case manager: grade (if cons > 0), name the
 * case manager, move. Returns the version. */
static uint64_t triage(const char *ref, uint64_t v, int cons, int like)
{
	struct harness_ireq r;
	if (cons > 0)
		v = grade_ok(CM, ref, cons, like, v, cons * like,
			     cons * like >= 15	? "extreme"
			     : cons * like >= 8 ? "high"
			     : cons * like >= 4 ? "moderate"
						: "low");
	harness_ireq_concern_assign(&r, ref, "cm", NULL, v);
	v = moved(harness_iexpect(CM, &r, OK, "ConcernAssign case manager cm"), NULL);
	(void)harness_ireq_concern_move(&r, ref, "triaged", "graded and triaged", NULL, v);
	return moved(harness_iexpect(CM, &r, OK, "move triaged"), "triaged");
}

/* triaged -> panel-referred by the PAG. */
static uint64_t refer_to_panel(const char *ref, uint64_t v)
{
	struct harness_ireq r;
	Assure__ConcernMoveRequest *m = harness_ireq_concern_move(
	    &r, ref, "panel-referred", "serious enough for the panel", NULL, v);
	m->grounds = (char *)"efficiency";
	return moved(harness_iexpect(PAG, &r, OK, "move panel-referred"), "panel-referred");
}

/* panel-referred -> notice-issued by the case manager, notice sent on
 * sent; checks the representations deadline 28 days later. */
static uint64_t issue_notice(const char *ref, uint64_t v, const char *sent)
{
	struct harness_ireq r;
	Assure__ConcernMoveRequest *m =
	    harness_ireq_concern_move(&r, ref, "notice-issued", "notice to the performer", NULL, v);
	m->allegation = (char *)"repeated failure to refer suspected cancer";
	m->proposed_action = (char *)"conditions on inclusion";
	m->grounds = (char *)"efficiency";
	m->notice_sent = (char *)sent;
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "move notice-issued");
	char due[16];
	add_days(sent, 28, due);
	expect_deadline(resp->concern_move->deadlines, resp->concern_move->n_deadlines,
			"representations", due, "notice-issued");
	return moved(resp, "notice-issued");
}

static void decision_fields(Assure__ConcernDecideRequest *d)
{
	d->representations_considered = (char *)"written representations of the performer";
	d->facts_relied_on = (char *)"the investigation report and the audit of referrals";
}

/* The performer as the case manager sees it; caller frees. */
static Assure__Response *performer_show(int64_t id)
{
	struct harness_ireq r;
	char key[32];
	snprintf(key, sizeof key, "%lld", (long long)id);
	harness_ireq_performer_show(&r, key);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "PerformerShow");
	assert_non_null(resp->performer_show);
	assert_non_null(resp->performer_show->performer);
	return resp;
}

/* Audit records for object concern:ref (optionally one user and event)
 * as the auditor: how many. */
static size_t audit_count(const char *ref, const char *username, const char *event)
{
	struct harness_ireq r;
	harness_ireq_audit_query_object(&r, "concern", ref, username, event);
	Assure__Response *resp = harness_iexpect(AUDITOR, &r, OK, "AuditQuery concern");
	assert_non_null(resp->audit_query);
	size_t n = 0;
	for (size_t i = 0; i < resp->audit_query->n_entries; i++) {
		const Assure__AuditEntry *e = resp->audit_query->entries[i];
		Assure__AuditRecord *rec =
		    assure__audit_record__unpack(NULL, e->record.len, e->record.data);
		assert_non_null(rec);
		if (strcmp(rec->object_id, ref) == 0 &&
		    (username == NULL || strcmp(rec->username, username) == 0) &&
		    (event == NULL || strcmp(rec->event, event) == 0))
			n++;
		assure__audit_record__free_unpacked(rec, NULL);
	}
	assure__response__free_unpacked(resp, NULL);
	return n;
}

/* ---- setup ---------------------------------------------------------------- */

static int64_t add_performer(const char *profession, const char *reg, const char *name)
{
	struct harness_ireq r;
	harness_ireq_performer_add(&r, profession, reg, name, NULL);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "PerformerAdd");
	int64_t id = resp->performer_add->performer->id;
	assure__response__free_unpacked(resp, NULL);
	return id;
}

static void admit(int64_t id)
{
	struct harness_ireq r;
	harness_ireq_performer_admit(&r, id, "included", "meets the requirements", NULL, panel123,
				     NULL, 0);
	harness_iexpect_code(CM, &r, OK, "PerformerAdmit included");
}

static int group_setup(void **state)
{
	(void)state;
	harness_server_start_clock(&server, &clk, NULL);
	harness_clock_set(&clk, (int64_t)ymd_time(D0) * 1000);
	struct client *admin = harness_connect_admin(&server);
	struct harness_ireq r;
	harness_ireq_site_add(&r, SITE, "Headquarters");
	harness_iexpect_code(admin, &r, OK, "SiteAdd HQ");
	for (int i = 0; i < NUSERS; i++)
		harness_add_user(admin, users[i].name, users[i].roles, SITE, PW, NULL);
	client_free(admin);
	login_all();
	gp = add_performer("gp", "7100001", "Dr Alice Storey");
	gp2 = add_performer("gp", "7100002", "Dr Bernard Suspendu");
	gp3 = add_performer("gp", "7100003", "Dr Carol Other");
	dentist = add_performer("dentist", "710001", "Mr David Molar");
	pharmacist = add_performer("pharmacist", "2100001", "Ms Erin Pill");
	admit(gp);
	admit(gp2);
	admit(gp3);
	admit(dentist);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	for (int i = 0; i < NUSERS; i++)
		if (cl[i] != NULL) {
			client_free(cl[i]);
			cl[i] = NULL;
		}
	harness_server_destroy(&server);
	return 0;
}

/* ---- 8. dates, notes, closed concerns, links (day 0) ---------------------- */

static void test_dates_notes_closed_links(void **state)
{
	(void)state;
	struct harness_ireq r;
	char tomorrow[16];
	add_days(D0, 1, tomorrow);
	harness_ireq_concern_open(&r, gp3, "patient-complaint", "conduct", "rude", tomorrow, NULL,
				  NULL);
	harness_iexpect_code(CM, &r, IA, "ConcernOpen with a future received date");

	char ref[16], ref_b[16], ref_c[16];
	uint64_t v = open_concern(CM, gp3, D0, NULL, ref);
	/* The opener's acting role: case-manager or pag-member only. A PAG
	 * member may open one too. */
	(void)open_concern(PAG, gp3, D0, NULL, ref_b);

	/* Notes are append-only: there is no RPC to change or remove one;
	 * a note appears in show. */
	harness_ireq_concern_note(&r, ref, "spoke to the practice manager");
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "ConcernNote");
	assert_non_null(resp->concern_note);
	assert_non_null(resp->concern_note->note);
	assert_string_equal(resp->concern_note->note->text, "spoke to the practice manager");
	assert_string_equal(resp->concern_note->note->by, "cm");
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_concern_note(&r, ref, "correction: it was the deputy manager");
	harness_iexpect_code(CM, &r, OK, "ConcernNote (correction)");
	harness_ireq_concern_evidence(
	    &r, ref, "complaint letter", "records room, box 7",
	    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	harness_iexpect_code(CM, &r, OK, "ConcernEvidence");
	resp = show(CM, ref);
	const Assure__ConcernShowResponse *s = resp->concern_show;
	assert_int_equal(s->n_notes, 2);
	assert_string_equal(s->notes[0]->text, "spoke to the practice manager");
	assert_string_equal(s->notes[1]->text, "correction: it was the deputy manager");
	assert_int_equal(s->n_evidence, 1);
	assert_string_equal(s->evidence[0]->sha256,
			    "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
	int note_in_timeline = 0;
	for (size_t i = 0; i < s->n_timeline; i++)
		if (strcmp(s->timeline[i]->kind, "note") == 0)
			note_in_timeline++;
	assert_int_equal(note_in_timeline, 2);
	/* The triage clock: 5 working days from Monday 2 November. */
	expect_deadline(s->deadlines, s->n_deadlines, "triage", "2026-11-09", "show after open");
	assure__response__free_unpacked(resp, NULL);

	/* Linking to an open concern is refused. */
	harness_ireq_concern_open(&r, gp3, "colleague", "conduct", "follow-up", D0, NULL, ref_b);
	harness_iexpect_code(CM, &r, FP, "ConcernOpen linked to an open concern");

	/* Close ref: triage, then triaged -> closed by the PAG. */
	v = triage(ref, v, 1, 2);
	(void)harness_ireq_concern_move(&r, ref, "closed", NULL, NULL, v);
	harness_iexpect_code(PAG, &r, IA, "move closed without why");
	(void)harness_ireq_concern_move(&r, ref, "closed", "no further action: unfounded", NULL, v);
	v = moved(harness_iexpect(PAG, &r, OK, "move closed"), "closed");

	/* A closed concern refuses a note and evidence, and is never reopened. */
	harness_ireq_concern_note(&r, ref, "late note");
	harness_iexpect_code(CM, &r, FP, "ConcernNote on a closed concern");
	harness_ireq_concern_evidence(&r, ref, "late", "nowhere", NULL);
	harness_iexpect_code(CM, &r, FP, "ConcernEvidence on a closed concern");
	static const char *const from_closed[] = {"received", "triaged",	"investigating",
						  "informal", "panel-referred", NULL};
	for (size_t i = 0; from_closed[i] != NULL; i++) {
		char what[96];
		snprintf(what, sizeof what, "move closed -> %s", from_closed[i]);
		Assure__ConcernMoveRequest *m =
		    harness_ireq_concern_move(&r, ref, from_closed[i], "reopen it", NULL, v);
		m->terms_of_reference = (char *)"tor";
		m->investigator = (char *)"inv";
		m->grounds = (char *)"efficiency";
		m->agreed_action = (char *)"undertaking";
		m->review_date = (char *)"2026-12-01";
		harness_iexpect_code(PAG, &r, FP, what);
		harness_iexpect_code(CM, &r, FP, what);
	}
	expect_state(ref, "closed");

	/* A new concern links to the closed one. */
	(void)open_concern(CM, gp3, D0, ref, ref_c);
	resp = show(CM, ref_c);
	assert_string_equal(resp->concern_show->concern->linked_ref, ref);
	assure__response__free_unpacked(resp, NULL);
	assert_string_not_equal(ref_c, ref);
	assert_string_not_equal(ref_c, ref_b);
}

/* ---- 5. a pharmacist's concern (day 0) ------------------------------------ */

static void test_pharmacist(void **state)
{
	(void)state;
	struct harness_ireq r;
	char ref[16], ref2[16];
	uint64_t v = open_concern(CM, pharmacist, D0, NULL, ref);
	v = triage(ref, v, 3, 2);
	/* Any move but external-only and closed is refused, naming the rule. */
	static const char *const others[] = {"investigating", "informal", "panel-referred", NULL};
	for (size_t i = 0; others[i] != NULL; i++) {
		char what[96];
		snprintf(what, sizeof what, "pharmacist's concern triaged -> %s", others[i]);
		Assure__ConcernMoveRequest *m =
		    harness_ireq_concern_move(&r, ref, others[i], "try it", NULL, v);
		m->terms_of_reference = (char *)"tor";
		m->investigator = (char *)"inv";
		m->grounds = (char *)"efficiency";
		m->agreed_action = (char *)"undertaking";
		m->review_date = (char *)"2026-12-01";
		harness_iexpect_msg(PAG, &r, FP, "pharmacist", what);
	}
	/* No suspension for a pharmacist. */
	Assure__ConcernSuspendRequest *sus =
	    harness_ireq_concern_suspend(&r, ref, "pct-decision", "public protection", panel123,
					 "2026-10-28", D0, "2027-01-31", v);
	sus->notice_sent = (char *)"2026-10-28";
	/* Refused: FAILED_PRECONDITION by the pharmacist rule, or
	 * PERMISSION_DENIED as a concern the panel never sees (a pharmacist's
	 * concern is never panel-referred). */
	Assure__Response *sresp = harness_icall(PANEL1, &r);
	int sc = client_status_code(sresp);
	if (sc != FP && sc != PD)
		fail_msg("ConcernSuspend a pharmacist: expected refusal, got %s \"%s\"",
			 harness_code_name(sc), client_status_message(sresp));
	assure__response__free_unpacked(sresp, NULL);

	/* triaged -> external-only: a referral to the GPhC. */
	Assure__ConcernMoveRequest *m =
	    harness_ireq_concern_move(&r, ref, "external-only", "for the regulator", NULL, v);
	m->body = (char *)"gphc";
	m->their_ref = (char *)"GPHC-2026-17";
	v = moved(harness_iexpect(PAG, &r, OK, "pharmacist triaged -> external-only"),
		  "external-only");

	/* The other route: closed. */
	uint64_t v2 = open_concern(CM, pharmacist, D0, NULL, ref2);
	v2 = triage(ref2, v2, 1, 1);
	(void)harness_ireq_concern_move(&r, ref2, "closed", "no further action", NULL, v2);
	(void)moved(harness_iexpect(PAG, &r, OK, "pharmacist triaged -> closed"), "closed");

	/* The pharmacist has no list status, before and after. */
	Assure__Response *resp = performer_show(pharmacist);
	assert_string_equal(resp->performer_show->performer->list_status, "");
	assert_false(resp->performer_show->performer->suspended);
	assert_int_equal(resp->performer_show->n_history, 0);
	assure__response__free_unpacked(resp, NULL);
	(void)v;
}

/* ---- 6. a stale version between two users (day 0) ------------------------- */

static void test_stale_version(void **state)
{
	(void)state;
	struct harness_ireq r;
	char ref[16];
	(void)open_concern(CM, gp3, D0, NULL, ref);
	/* Both read version V. */
	Assure__Response *a = show(CM, ref);
	Assure__Response *b = show(PAG, ref);
	uint64_t va = a->concern_show->concern->version;
	uint64_t vb = b->concern_show->concern->version;
	assure__response__free_unpacked(a, NULL);
	assure__response__free_unpacked(b, NULL);
	assert_int_equal(va, vb);
	/* The first update succeeds. */
	harness_ireq_concern_grade(&r, ref, 2, 2, "first reading", va);
	harness_iexpect_code(CM, &r, OK, "ConcernGrade by cm at V");
	/* The second with V: ABORTED, "changed by" and the first user. */
	harness_ireq_concern_grade(&r, ref, 3, 3, "second reading", vb);
	Assure__Response *resp = harness_iexpect(PAG, &r, AB, "ConcernGrade by pag at stale V");
	const char *msg = client_status_message(resp);
	if (!harness_contains_ci(msg, "changed by cm"))
		fail_msg("stale version: message \"%s\" lacks \"changed by cm\"", msg);
	assure__response__free_unpacked(resp, NULL);
	/* A stale move too. */
	(void)harness_ireq_concern_move(&r, ref, "triaged", "triage", NULL, vb);
	harness_iexpect_msg(CM, &r, AB, "changed by", "move at a stale version");
	/* The grade of the first stands. */
	resp = show(CM, ref);
	assert_non_null(resp->concern_show->concern->grade);
	assert_int_equal(resp->concern_show->concern->grade->score, 4);
	assure__response__free_unpacked(resp, NULL);
}

/* ---- 7. who may read what (day 0) ------------------------------------------ */

static void test_access(void **state)
{
	(void)state;
	struct harness_ireq r;
	char ref[16];
	uint64_t v = open_concern(CM, gp3, D0, NULL, ref);
	v = triage(ref, v, 2, 3);
	harness_ireq_concern_assign(&r, ref, NULL, "inv", v);
	v = moved(harness_iexpect(CM, &r, OK, "ConcernAssign investigator inv"), NULL);

	/* The assigned investigator sees it. */
	Assure__Response *resp = show(INV, ref);
	assert_string_equal(resp->concern_show->concern->investigator, "inv");
	assure__response__free_unpacked(resp, NULL);

	/* Another investigator: PERMISSION_DENIED, answered exactly as a
	 * reference that does not exist. */
	harness_ireq_concern_show(&r, ref);
	Assure__Response *other = harness_icall(INV2, &r);
	harness_ireq_concern_show(&r, "CON-2026-9999");
	Assure__Response *none = harness_icall(INV2, &r);
	int c_other = client_status_code(other), c_none = client_status_code(none);
	char m_other[512], m_none[512];
	snprintf(m_other, sizeof m_other, "%s", client_status_message(other));
	snprintf(m_none, sizeof m_none, "%s", client_status_message(none));
	assure__response__free_unpacked(other, NULL);
	assure__response__free_unpacked(none, NULL);
	if (c_other != PD)
		fail_msg("inv2 shows %s assigned to inv: expected PERMISSION_DENIED, got %s \"%s\"",
			 ref, harness_code_name(c_other), m_other);
	char masked[512];
	snprintf(masked, sizeof masked, "%s", m_other);
	/* The reference may be echoed; compare with it replaced. */
	char *p = strstr(masked, ref);
	if (p != NULL)
		memcpy(p, "CON-2026-9999", 13);
	if (c_none != c_other || strcmp(masked, m_none) != 0)
		fail_msg("inv2: another's concern answers %s \"%s\", a missing one %s \"%s\": "
			 "they must be the same",
			 harness_code_name(c_other), m_other, harness_code_name(c_none), m_none);

	/* Nor may inv2 note it or move it. */
	harness_ireq_concern_note(&r, ref, "snooping");
	harness_iexpect_code(INV2, &r, PD, "inv2 notes inv's concern");

	/* Panel members: not before panel referral, answered as a missing
	 * reference. */
	harness_ireq_concern_show(&r, ref);
	resp = harness_icall(PANEL1, &r);
	int c_panel = client_status_code(resp);
	char m_panel[512];
	snprintf(m_panel, sizeof m_panel, "%s", client_status_message(resp));
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_concern_show(&r, "CON-2026-9999");
	resp = harness_icall(PANEL1, &r);
	int c_pnone = client_status_code(resp);
	char m_pnone[512];
	snprintf(m_pnone, sizeof m_pnone, "%s", client_status_message(resp));
	assure__response__free_unpacked(resp, NULL);
	snprintf(masked, sizeof masked, "%s", m_panel);
	p = strstr(masked, ref);
	if (p != NULL)
		memcpy(p, "CON-2026-9999", 13);
	if (c_panel == OK)
		fail_msg("panel1 sees %s before panel referral", ref);
	if (c_panel != c_pnone || strcmp(masked, m_pnone) != 0)
		fail_msg(
		    "panel1: an unreferred concern answers %s \"%s\", a missing one %s \"%s\": "
		    "they must be the same",
		    harness_code_name(c_panel), m_panel, harness_code_name(c_pnone), m_pnone);

	/* Viewers: no concern content, by the dispatch table. */
	harness_ireq_concern_show(&r, ref);
	harness_iexpect_code(VIEWER, &r, PD, "viewer shows a concern");
	harness_ireq_concern_list(&r, NULL, 0, NULL, 0, 0, 0, NULL);
	harness_iexpect_code(VIEWER, &r, PD, "viewer lists concerns");

	/* Once panel-referred the panel sees it. */
	v = refer_to_panel(ref, v);
	resp = show(PANEL1, ref);
	assert_string_equal(resp->concern_show->concern->state, "panel-referred");
	assure__response__free_unpacked(resp, NULL);

	/* ConcernList for an investigator: only the concerns assigned to it. */
	harness_ireq_concern_list(&r, NULL, 0, NULL, 0, 0, 0, NULL);
	resp = harness_iexpect(INV2, &r, OK, "ConcernList as inv2");
	assert_int_equal(resp->concern_list->n_concerns, 0);
	assure__response__free_unpacked(resp, NULL);
	harness_ireq_concern_list(&r, NULL, 0, NULL, 0, 0, 0, NULL);
	resp = harness_iexpect(INV, &r, OK, "ConcernList as inv");
	assert_true(resp->concern_list->n_concerns >= 1);
	int found = 0;
	for (size_t i = 0; i < resp->concern_list->n_concerns; i++) {
		assert_string_equal(resp->concern_list->concerns[i]->investigator, "inv");
		if (strcmp(resp->concern_list->concerns[i]->ref, ref) == 0)
			found = 1;
	}
	assert_true(found);
	assure__response__free_unpacked(resp, NULL);
	/* And the due list likewise. */
	harness_ireq_concern_due(&r, "14d", 0);
	resp = harness_iexpect(INV2, &r, OK, "ConcernDue as inv2");
	assert_int_equal(resp->concern_due->n_deadlines, 0);
	assure__response__free_unpacked(resp, NULL);

	/* Every read of concern content is audited: inv's and panel1's shows. */
	size_t n_inv = audit_count(ref, "inv", "ConcernShow");
	size_t n_panel = audit_count(ref, "panel1", "ConcernShow");
	if (n_inv < 1 || n_panel < 1)
		fail_msg("audit of ConcernShow %s: %zu records for inv, %zu for panel1", ref, n_inv,
			 n_panel);
	(void)v;
}

/* ---- 1a. the GP concern up to the hearing (day 0) ------------------------- */

static void test_story_to_hearing(void **state)
{
	(void)state;
	struct harness_ireq r;
	uint64_t v = open_concern(CM, gp, D0, NULL, ref1);
	Assure__Response *resp = show(CM, ref1);
	expect_deadline(resp->concern_show->deadlines, resp->concern_show->n_deadlines, "triage",
			"2026-11-09", "triage target");
	assure__response__free_unpacked(resp, NULL);

	/* DOMAIN.md's bands: 8-12 high, 15-25 extreme. Consequence 4
	 * (major) x likelihood 3 (possible) = 12: high, which puts "consider
	 * interim suspension / referral" on the due list. */
	v = grade_ok(CM, ref1, 4, 3, v, 12, "high");
	harness_ireq_concern_assign(&r, ref1, "cm", NULL, v);
	v = moved(harness_iexpect(CM, &r, OK, "ConcernAssign case manager"), NULL);
	/* received -> triaged is the case manager's, not the PAG's. */
	(void)harness_ireq_concern_move(&r, ref1, "triaged", "triage", NULL, v);
	harness_iexpect_code(PAG, &r, PD, "PAG moves received -> triaged");
	(void)harness_ireq_concern_move(&r, ref1, "triaged", "triage", NULL, v);
	resp = harness_iexpect(CM, &r, OK, "move triaged");
	assert_string_equal(resp->concern_move->concern->case_manager, "cm");
	v = moved(resp, "triaged");

	/* High: "consider interim suspension / referral" on the due list. */
	harness_ireq_concern_due(&r, "14d", 0);
	resp = harness_iexpect(CM, &r, OK, "ConcernDue");
	int interim = 0;
	for (size_t i = 0; i < resp->concern_due->n_deadlines; i++) {
		const Assure__Deadline *d = resp->concern_due->deadlines[i];
		if (strcmp(d->concern_ref, ref1) == 0 && strstr(d->kind, "interim") != NULL)
			interim = 1;
	}
	assure__response__free_unpacked(resp, NULL);
	if (!interim)
		fail_msg("%s graded high: no \"consider interim suspension\" item on the due list",
			 ref1);

	/* triaged -> investigating: the investigator is not the case manager.
	 * cm2 holds investigator too; made case manager, cm2 cannot be named
	 * investigator. */
	harness_ireq_concern_assign(&r, ref1, "cm2", NULL, v);
	v = moved(harness_iexpect(CM, &r, OK, "ConcernAssign case manager cm2"), NULL);
	Assure__ConcernMoveRequest *m =
	    harness_ireq_concern_move(&r, ref1, "investigating", "needs investigation", NULL, v);
	m->terms_of_reference = (char *)"referral practice 2025-2026";
	m->investigator = (char *)"cm2";
	harness_iexpect_msg(PAG, &r, FP, "case manager", "investigator who is the case manager");
	harness_ireq_concern_assign(&r, ref1, "cm", NULL, v);
	v = moved(harness_iexpect(CM, &r, OK, "ConcernAssign case manager cm again"), NULL);
	/* Terms of reference are required. */
	m = harness_ireq_concern_move(&r, ref1, "investigating", "needs investigation", NULL, v);
	m->investigator = (char *)"inv";
	harness_iexpect_code(PAG, &r, IA, "investigating without terms of reference");
	m = harness_ireq_concern_move(&r, ref1, "investigating", "needs investigation", NULL, v);
	m->terms_of_reference = (char *)"referral practice 2025-2026";
	m->investigator = (char *)"inv";
	resp = harness_iexpect(PAG, &r, OK, "move investigating");
	assert_string_equal(resp->concern_move->concern->investigator, "inv");
	expect_deadline(resp->concern_move->deadlines, resp->concern_move->n_deadlines,
			"investigation", "2027-01-25", "investigation target (12 weeks)");
	v = moved(resp, "investigating");

	/* investigating -> reported: only the assigned investigator. */
	m = harness_ireq_concern_move(&r, ref1, "reported", "report written", NULL, v);
	m->report_ref = (char *)"RPT-17";
	harness_iexpect_code(INV2, &r, PD, "another investigator reports");
	harness_iexpect_code(CM, &r, PD, "the case manager reports");
	m = harness_ireq_concern_move(&r, ref1, "reported", "report written", NULL, v);
	m->report_ref = (char *)"RPT-17";
	v = moved(harness_iexpect(INV, &r, OK, "inv reports"), "reported");

	/* reported -> pag-review (case manager) -> panel-referred (PAG). */
	(void)harness_ireq_concern_move(&r, ref1, "pag-review", "for the PAG", NULL, v);
	v = moved(harness_iexpect(CM, &r, OK, "move pag-review"), "pag-review");
	m = harness_ireq_concern_move(&r, ref1, "panel-referred", "for the panel", NULL, v);
	harness_iexpect_code(PAG, &r, IA, "panel-referred without grounds");
	v = refer_to_panel(ref1, v);

	/* Notice sent today: representations due in 28 days. */
	v = issue_notice(ref1, v, D0);

	/* Hearing requested within the window, for 20 November. */
	m = harness_ireq_concern_move(&r, ref1, "hearing-scheduled", "hearing requested", NULL, v);
	m->hearing_requested = (char *)D0;
	m->hearing = (char *)"2026-11-20";
	resp = harness_iexpect(CM, &r, OK, "move hearing-scheduled");
	expect_deadline(resp->concern_move->deadlines, resp->concern_move->n_deadlines, "hearing",
			"2026-11-20", "hearing");
	v = moved(resp, "hearing-scheduled");

	/* A decision before the hearing date: refused, naming the rule. */
	Assure__ConcernDecideRequest *d =
	    harness_ireq_concern_decide(&r, ref1, "conditions", "too early", panel123, NULL, v);
	decision_fields(d);
	d->conditions = (char *)"audit of all cancer referrals for 12 months";
	harness_iexpect_msg(PANEL1, &r, FP, "hearing", "decision before the hearing");
	expect_state(ref1, "hearing-scheduled");
}

/* ---- 9a. the due list, day 0 ----------------------------------------------- */

static char due_a[16], due_b[16];

static void test_due_list(void **state)
{
	(void)state;
	struct harness_ireq r;
	/* Received Friday 23 October: triage due Friday 30 October, overdue
	 * now. Received Friday 30 October: due Friday 6 November. */
	(void)open_concern(CM, gp3, "2026-10-23", NULL, due_a);
	(void)open_concern(CM, gp3, "2026-10-30", NULL, due_b);
	harness_ireq_concern_due(&r, "14d", 0);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "ConcernDue --within 14d");
	const Assure__ConcernDueResponse *d = resp->concern_due;
	int ia = -1, ib = -1;
	for (size_t i = 0; i < d->n_deadlines; i++) {
		if (i > 0 && strcmp(d->deadlines[i - 1]->due, d->deadlines[i]->due) > 0)
			fail_msg("ConcernDue not soonest first: %s before %s",
				 d->deadlines[i - 1]->due, d->deadlines[i]->due);
		/* Nothing beyond 14 days from 2 November. */
		if (strcmp(d->deadlines[i]->due, "2026-11-16") > 0)
			fail_msg("ConcernDue --within 14d lists %s due %s", d->deadlines[i]->kind,
				 d->deadlines[i]->due);
		if (strcmp(d->deadlines[i]->concern_ref, due_a) == 0 &&
		    strcmp(d->deadlines[i]->kind, "triage") == 0)
			ia = (int)i;
		if (strcmp(d->deadlines[i]->concern_ref, due_b) == 0 &&
		    strcmp(d->deadlines[i]->kind, "triage") == 0)
			ib = (int)i;
	}
	if (ia < 0 || ib < 0)
		fail_msg("ConcernDue lacks the triage deadlines of %s and %s", due_a, due_b);
	assert_string_equal(d->deadlines[ia]->due, "2026-10-30");
	assert_true(d->deadlines[ia]->overdue);
	assert_string_equal(d->deadlines[ib]->due, "2026-11-06");
	assert_false(d->deadlines[ib]->overdue);
	assert_true(ia < ib);
	assure__response__free_unpacked(resp, NULL);
}

/* ---- 2 and 3: the early decision and the panel rules (days 0 to 28) ------- */

static char ref2[16], ref_reps[16];
static uint64_t v2, v_reps;

static void test_panel_setup(void **state)
{
	(void)state;
	struct harness_ireq r;
	v2 = open_concern(CM, dentist, D0, NULL, ref2);
	v2 = triage(ref2, v2, 3, 3);
	/* invpanel (investigator and panel member) investigates this one. */
	harness_ireq_concern_assign(&r, ref2, NULL, "invpanel", v2);
	v2 = moved(harness_iexpect(CM, &r, OK, "ConcernAssign investigator invpanel"), NULL);
	v2 = refer_to_panel(ref2, v2);
	v2 = issue_notice(ref2, v2, D0);

	/* The other branch of the timing rule: representations are in (and the
	 * requested hearing, on 5 November, held) before the 28 days end. */
	v_reps = open_concern(CM, gp3, D0, NULL, ref_reps);
	v_reps = triage(ref_reps, v_reps, 2, 4);
	v_reps = refer_to_panel(ref_reps, v_reps);
	v_reps = issue_notice(ref_reps, v_reps, D0);
	Assure__ConcernMoveRequest *m =
	    harness_ireq_concern_move(&r, ref_reps, "hearing-scheduled",
				      "hearing requested, representations in", NULL, v_reps);
	m->hearing_requested = (char *)D0;
	m->hearing = (char *)"2026-11-05";
	m->representations_received = 1;
	v_reps = moved(harness_iexpect(CM, &r, OK, "hearing-scheduled with representations"),
		       "hearing-scheduled");
	/* Before the hearing: refused. */
	Assure__ConcernDecideRequest *d = harness_ireq_concern_decide(
	    &r, ref_reps, "no-action", "reasons", panel123, NULL, v_reps);
	decision_fields(d);
	harness_iexpect_msg(PANEL1, &r, FP, "hearing", "decision before the hearing is held");
}

static void test_due_overdue_after(void **state)
{
	(void)state;
	/* Day 27 (Sunday 29 November): due_b's triage (6 November) is
	 * overdue now. */
	char day27[16];
	add_days(D0, 27, day27);
	set_day(day27);
	struct harness_ireq r;
	harness_ireq_concern_due(&r, "14d", 0);
	Assure__Response *resp = harness_iexpect(CM, &r, OK, "ConcernDue on day 27");
	const Assure__ConcernDueResponse *d = resp->concern_due;
	int seen = 0;
	for (size_t i = 0; i < d->n_deadlines; i++)
		if (strcmp(d->deadlines[i]->concern_ref, due_b) == 0 &&
		    strcmp(d->deadlines[i]->kind, "triage") == 0) {
			seen = 1;
			assert_true(d->deadlines[i]->overdue);
		}
	assure__response__free_unpacked(resp, NULL);
	if (!seen)
		fail_msg("ConcernDue on day 27 lacks the overdue triage of %s", due_b);
	harness_ireq_concern_list(&r, NULL, 0, NULL, 0, 1, 0, NULL);
	resp = harness_iexpect(CM, &r, OK, "ConcernList --overdue");
	seen = 0;
	for (size_t i = 0; i < resp->concern_list->n_concerns; i++)
		if (strcmp(resp->concern_list->concerns[i]->ref, due_b) == 0) {
			seen = 1;
			assert_true(resp->concern_list->concerns[i]->overdue);
		}
	assure__response__free_unpacked(resp, NULL);
	assert_true(seen);
}

static void test_early_decision_and_panel(void **state)
{
	(void)state;
	struct harness_ireq r;
	Assure__ConcernDecideRequest *d;
	/* Day 27 (the clock is there): too early. */
	d = harness_ireq_concern_decide(&r, ref2, "conditions", "reasons", panel123, NULL, v2);
	decision_fields(d);
	d->conditions = (char *)"supervised practice";
	harness_iexpect_msg(PANEL1, &r, FP, "representations", "decision on day 27");
	/* Day 27 with representations in and the hearing held: allowed. */
	d = harness_ireq_concern_decide(&r, ref_reps, "no-action", "not proved", panel123, NULL,
					v_reps);
	decision_fields(d);
	Assure__Response *early =
	    harness_iexpect(PANEL1, &r, OK, "decision on day 27 with representations in");
	assert_string_equal(early->concern_decide->concern->state, "decided");
	assert_string_equal(early->concern_decide->performer->list_status, "included");
	assure__response__free_unpacked(early, NULL);

	/* Day 28. */
	char day28[16];
	add_days(D0, 28, day28);
	set_day(day28);

	/* Only panel members decide: the dispatch table. */
	d = harness_ireq_concern_decide(&r, ref2, "conditions", "reasons", panel123, NULL, v2);
	decision_fields(d);
	d->conditions = (char *)"supervised practice";
	harness_iexpect_code(CM, &r, PD, "the case manager decides");
	harness_iexpect_code(PAG, &r, PD, "a PAG member decides");
	harness_iexpect_code(INV, &r, PD, "an investigator decides");

	/* Quorum: 2 refused. */
	static const char *const two[] = {"panel1", "panel2", NULL};
	d = harness_ireq_concern_decide(&r, ref2, "conditions", "reasons", two, NULL, v2);
	decision_fields(d);
	d->conditions = (char *)"supervised practice";
	harness_iexpect_msg(PANEL1, &r, FP, "quorum", "a panel of 2");
	/* The investigator of this concern on the panel. */
	static const char *const with_inv[] = {"invpanel", "panel2", "panel3", NULL};
	d = harness_ireq_concern_decide(&r, ref2, "conditions", "reasons", with_inv, NULL, v2);
	decision_fields(d);
	d->conditions = (char *)"supervised practice";
	harness_iexpect_msg(PANEL1, &r, FP, "investigator", "the investigator on the panel");
	/* ... nor may the investigator record the decision. */
	d = harness_ireq_concern_decide(&r, ref2, "conditions", "reasons", panel123, NULL, v2);
	decision_fields(d);
	d->conditions = (char *)"supervised practice";
	harness_iexpect_code(INVPANEL, &r, FP, "the investigator records the decision");
	/* A user who is no panel member. */
	static const char *const with_viewer[] = {"panel1", "panel2", "viewer", NULL};
	d = harness_ireq_concern_decide(&r, ref2, "conditions", "reasons", with_viewer, NULL, v2);
	decision_fields(d);
	d->conditions = (char *)"supervised practice";
	harness_iexpect_msg(PANEL1, &r, FP, "viewer", "a viewer on the panel");
	/* The case manager on the panel (cm holds no panel role either). */
	static const char *const with_cm[] = {"cm", "panel2", "panel3", NULL};
	d = harness_ireq_concern_decide(&r, ref2, "conditions", "reasons", with_cm, NULL, v2);
	decision_fields(d);
	d->conditions = (char *)"supervised practice";
	harness_iexpect_code(PANEL1, &r, FP, "the case manager on the panel");

	/* Day 28: allowed. */
	d = harness_ireq_concern_decide(&r, ref2, "conditions", "reasons", panel234, NULL, v2);
	decision_fields(d);
	d->conditions = (char *)"supervised practice";
	Assure__Response *resp = harness_iexpect(PANEL1, &r, OK, "decision on day 28");
	assert_non_null(resp->concern_decide);
	assert_string_equal(resp->concern_decide->concern->state, "decided");
	assert_non_null(resp->concern_decide->performer);
	assert_string_equal(resp->concern_decide->performer->list_status,
			    "included-with-conditions");
	assure__response__free_unpacked(resp, NULL);
}

/* ---- 4. interim suspension (day 28, Monday 30 November) -------------------- */

static void test_suspension(void **state)
{
	(void)state;
	struct harness_ireq r;
	char ref[16];
	uint64_t v = open_concern(CM, gp2, "2026-11-27", NULL, ref);
	v = triage(ref, v, 5, 4);
	/* Panel-referred, so the panel may read it (DOMAIN.md "Access to
	 * concern content"); test_suspension_at_triage covers a concern
	 * only triaged. */
	v = refer_to_panel(ref, v);
	Assure__ConcernSuspendRequest *s;
	/* Offered Friday 27 November, starting Monday 30: 1 working day. */
	s = harness_ireq_concern_suspend(&r, ref, "pct-decision", "public protection", panel123,
					 "2026-11-27", "2026-11-30", "2027-05-28", v);
	s->notice_sent = (char *)"2026-11-27";
	s->review_date = (char *)"2026-12-10";
	harness_iexpect_code(PANEL1, &r, FP, "suspension with 1 working day's notice");
	/* Only panel members suspend. */
	s = harness_ireq_concern_suspend(&r, ref, "pct-decision", "public protection", panel123,
					 "2026-11-26", "2026-11-30", "2027-05-28", v);
	s->notice_sent = (char *)"2026-11-26";
	s->review_date = (char *)"2026-12-10";
	harness_iexpect_code(CM, &r, PD, "the case manager suspends");
	/* More than 6 months without an extension. */
	s = harness_ireq_concern_suspend(&r, ref, "pct-decision", "public protection", panel123,
					 "2026-11-26", "2026-11-30", "2027-06-15", v);
	s->notice_sent = (char *)"2026-11-26";
	s->review_date = (char *)"2026-12-10";
	harness_iexpect_msg(PANEL1, &r, FP, "6 months", "suspension beyond 6 months");
	/* Quorum applies. */
	static const char *const two[] = {"panel1", "panel2", NULL};
	s = harness_ireq_concern_suspend(&r, ref, "pct-decision", "public protection", two,
					 "2026-11-26", "2026-11-30", "2027-05-28", v);
	s->notice_sent = (char *)"2026-11-26";
	s->review_date = (char *)"2026-12-10";
	harness_iexpect_code(PANEL1, &r, FP, "suspension by a panel of 2");
	/* Offered Thursday 26 November: 2 working days (27th, 30th). */
	s = harness_ireq_concern_suspend(&r, ref, "pct-decision", "public protection", panel123,
					 "2026-11-26", "2026-11-30", "2027-05-28", v);
	s->notice_sent = (char *)"2026-11-26";
	s->review_date = (char *)"2026-12-10";
	Assure__Response *resp = harness_iexpect(PANEL1, &r, OK, "suspension");
	assert_non_null(resp->concern_suspend->performer);
	assert_true(resp->concern_suspend->performer->suspended);
	v = resp->concern_suspend->concern->version;
	assure__response__free_unpacked(resp, NULL);

	resp = performer_show(gp2);
	const Assure__Performer *p = resp->performer_show->performer;
	assert_true(p->suspended);
	assert_non_null(p->suspension);
	assert_string_equal(p->suspension->basis, "pct-decision");
	assert_string_equal(p->suspension->period_end, "2027-05-28");
	assert_string_equal(p->suspension->review_date, "2026-12-10");
	assert_string_equal(p->suspension->concern_ref, ref);
	assert_string_equal(p->list_status, "included");
	assure__response__free_unpacked(resp, NULL);

	/* The review date is on the due list. */
	harness_ireq_concern_due(&r, "14d", 0);
	resp = harness_iexpect(CM, &r, OK, "ConcernDue");
	int review = 0;
	for (size_t i = 0; i < resp->concern_due->n_deadlines; i++) {
		const Assure__Deadline *d = resp->concern_due->deadlines[i];
		if (strcmp(d->concern_ref, ref) == 0 && strcmp(d->due, "2026-12-10") == 0)
			review = 1;
	}
	assure__response__free_unpacked(resp, NULL);
	if (!review)
		fail_msg("suspension review 2026-12-10 of %s not on the due list", ref);

	/* Reinstate with a panel. */
	harness_ireq_concern_reinstate(&r, ref, "interim order no longer needed", two, NULL, v);
	harness_iexpect_code(PANEL1, &r, FP, "reinstatement by a panel of 2");
	harness_ireq_concern_reinstate(&r, ref, "interim order no longer needed", panel123, NULL,
				       v);
	resp = harness_iexpect(PANEL1, &r, OK, "reinstatement");
	assert_false(resp->concern_reinstate->performer->suspended);
	assure__response__free_unpacked(resp, NULL);
	resp = performer_show(gp2);
	p = resp->performer_show->performer;
	assert_false(p->suspended);
	/* History rows: admission, suspension, reinstatement. */
	const Assure__PerformerShowResponse *ps = resp->performer_show;
	int on = 0, off = 0;
	for (size_t i = 0; i < ps->n_history; i++) {
		const Assure__ListStatusChange *h = ps->history[i];
		if (!h->suspended_before && h->suspended_after && strstr(h->decision, ref) != NULL)
			on++;
		if (h->suspended_before && !h->suspended_after && strstr(h->decision, ref) != NULL)
			off++;
	}
	assure__response__free_unpacked(resp, NULL);
	if (on != 1 || off != 1)
		fail_msg("gp2 history: %d suspension and %d reinstatement rows naming %s", on, off,
			 ref);
}

/* DOMAIN.md "Suspension": set "by a panel decision on an open concern that
 * has reached triage" -- a triaged concern not (yet) referred to the panel
 * may be suspended on an interim basis. */
static void test_suspension_at_triage(void **state)
{
	(void)state;
	struct harness_ireq r;
	char ref[16];
	uint64_t v = open_concern(CM, gp3, "2026-11-30", NULL, ref);
	v = triage(ref, v, 5, 5);
	Assure__ConcernSuspendRequest *s =
	    harness_ireq_concern_suspend(&r, ref, "pct-decision", "public protection", panel123,
					 "2026-11-26", "2026-11-30", "2027-05-28", v);
	s->notice_sent = (char *)"2026-11-26";
	s->review_date = (char *)"2026-12-14";
	Assure__Response *resp =
	    harness_iexpect(PANEL1, &r, OK, "interim suspension on a triaged concern");
	assert_true(resp->concern_suspend->performer->suspended);
	assure__response__free_unpacked(resp, NULL);
}

/* ---- 1b. the decision, the appeal window, monitoring ----------------------- */

static void test_story_decision_to_monitoring(void **state)
{
	(void)state;
	struct harness_ireq r;
	/* Tuesday 1 December: the hearing (20 November) held, 28 days over. */
	set_day("2026-12-01");
	uint64_t v = version_of(ref1);
	Assure__ConcernDecideRequest *d = harness_ireq_concern_decide(
	    &r, ref1, "conditions", "the panel found the concerns proved", panel123, NULL, v);
	decision_fields(d);
	d->conditions = (char *)"audit of all cancer referrals for 12 months";
	Assure__Response *resp = harness_iexpect(PANEL1, &r, OK, "decision with conditions");
	const Assure__ConcernDecideResponse *dr = resp->concern_decide;
	assert_string_equal(dr->concern->state, "decided");
	assert_non_null(dr->performer);
	assert_string_equal(dr->performer->list_status, "included-with-conditions");
	assert_string_equal(dr->performer->conditions,
			    "audit of all cancer referrals for 12 months");
	char due7[16];
	add_days("2026-12-01", 7, due7);
	expect_deadline(dr->deadlines, dr->n_deadlines, "decision-notice", due7,
			"decision notice due in 7 days");
	v = dr->concern->version;
	assure__response__free_unpacked(resp, NULL);

	/* The performer's status changed in the same step, with a history row
	 * naming the decision. */
	resp = performer_show(gp);
	const Assure__PerformerShowResponse *ps = resp->performer_show;
	assert_string_equal(ps->performer->list_status, "included-with-conditions");
	int row = 0;
	for (size_t i = 0; i < ps->n_history; i++)
		if (strcmp(ps->history[i]->from_status, "included") == 0 &&
		    strcmp(ps->history[i]->to_status, "included-with-conditions") == 0 &&
		    strstr(ps->history[i]->decision, ref1) != NULL)
			row = 1;
	assure__response__free_unpacked(resp, NULL);
	if (!row)
		fail_msg("gp history lacks included -> included-with-conditions naming %s", ref1);

	/* decided -> appeal-window: the notice sent today; deadline 28 days. */
	Assure__ConcernMoveRequest *m =
	    harness_ireq_concern_move(&r, ref1, "appeal-window", "decision notice sent", NULL, v);
	m->decision_notice_sent = (char *)"2026-12-01";
	resp = harness_iexpect(CM, &r, OK, "move appeal-window");
	expect_deadline(resp->concern_move->deadlines, resp->concern_move->n_deadlines, "appeal",
			"2026-12-29", "appeal deadline");
	v = moved(resp, "appeal-window");
	/* Nobody else may move it to monitoring before the deadline. */
	(void)harness_ireq_concern_move(&r, ref1, "monitoring", "early", NULL, v);
	/* Only the server makes this move: the case manager's role has no row
	 * (PERMISSION_DENIED, as for any move outside the acting role's rows). */
	harness_iexpect_code(CM, &r, PD, "case manager moves appeal-window -> monitoring");

	/* Past the deadline: the server moves it (at start, and every 60 s). */
	harness_server_stop(&server);
	harness_clock_set(&clk, (int64_t)ymd_time("2026-12-30") * 1000);
	harness_server_launch(&server);
	login_all();
	int64_t until = harness_now_ms() + 75000;
	char state_now[64] = "";
	for (;;) {
		resp = show(CM, ref1);
		snprintf(state_now, sizeof state_now, "%s", resp->concern_show->concern->state);
		assure__response__free_unpacked(resp, NULL);
		if (strcmp(state_now, "appeal-window") != 0 || harness_now_ms() > until)
			break;
		harness_sleep_ms(1000);
	}
	if (strcmp(state_now, "monitoring") != 0)
		fail_msg("%s after the appeal deadline: state '%s', expected monitoring", ref1,
			 state_now);
	resp = show(CM, ref1);
	const Assure__ConcernShowResponse *s = resp->concern_show;
	int by_system = 0;
	for (size_t i = 0; i < s->n_timeline; i++)
		if (strcmp(s->timeline[i]->to_state, "monitoring") == 0 &&
		    strcmp(s->timeline[i]->by, "system") == 0)
			by_system = 1;
	assert_string_equal(s->concern->updated_by, "system");
	assure__response__free_unpacked(resp, NULL);
	if (!by_system)
		fail_msg("%s: no timeline entry moving it to monitoring by \"system\"", ref1);
	size_t n = audit_count(ref1, "system", NULL);
	if (n < 1)
		fail_msg("%s: no audit record with username \"system\"", ref1);
}

/* ---- CLI: open, grade, move, show --json; the stale version ---------------- */

static void cli_login(const char *dir, const char *user, const char *role)
{
	struct harness_run run;
	char stdin_text[128];
	snprintf(stdin_text, sizeof stdin_text, "%s\n", PW);
	harness_cli(server.addr, dir, stdin_text, &run, "login", "--user", user, "--role", role,
		    "--password-stdin", NULL);
	if (run.status != 0)
		fail_msg("assure login %s: exit %d\n%s%s", user, run.status, run.out, run.err);
	harness_run_free(&run);
}

#define CLI_OK(dir, run, ...)                                                                      \
	do {                                                                                       \
		harness_cli(server.addr, dir, NULL, run, __VA_ARGS__, NULL);                       \
		if ((run)->status != 0)                                                            \
			fail_msg("assure %s: exit %d\n%s%s", #__VA_ARGS__, (run)->status,          \
				 (run)->out, (run)->err);                                          \
	} while (0)

/* Runs python3 over json text with a one-line program; its stdout. */
static char *py_json(const char *json, const char *prog)
{
	const char *argv[] = {PYTHON3, "-c", prog, NULL};
	struct harness_run run;
	assert_int_equal(harness_run_argv(argv, NULL, json, 10000, &run), 0);
	if (run.status != 0)
		fail_msg("python3 over\n%s\nfailed: %s", json, run.err);
	char *out = strdup(run.out);
	harness_run_free(&run);
	size_t n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = '\0';
	return out;
}

/* A request of about 24 KB, within every field limit: a summary of 4,000
 * four-byte characters and a reporter of 2,000. It crosses TLS record
 * boundaries (16 KiB each), so the server must put the frame together from
 * several reads; it once waited for ever on such frames. */
static void test_cli_request_over_one_tls_record(void **state)
{
	(void)state;
	char *dir = harness_tempdir("cli-24k");
	cli_login(dir, "cm", "case-manager");
	static const char emoji[] = "\xF0\x9F\x98\x80"; /* U+1F600 */
	size_t n_summary = 4000, n_reporter = 2000;
	char *summary = malloc(n_summary * 4 + 1);
	char *reporter = malloc(n_reporter * 4 + 1);
	assert_non_null(summary);
	assert_non_null(reporter);
	for (size_t i = 0; i < n_summary; i++)
		memcpy(summary + 4 * i, emoji, 4);
	summary[n_summary * 4] = '\0';
	for (size_t i = 0; i < n_reporter; i++)
		memcpy(reporter + 4 * i, emoji, 4);
	reporter[n_reporter * 4] = '\0';
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)gp3);
	struct harness_run run;
	int64_t t0 = harness_now_ms();
	CLI_OK(dir, &run, "concern", "open", "--performer", id, "--source", "colleague",
	       "--category", "conduct", "--summary", summary, "--reporter", reporter, "--json");
	int64_t took = harness_now_ms() - t0;
	print_message("24 KB concern open answered in %lld ms\n", (long long)took);
	char *ref = py_json(run.out, "import json,sys; d=json.load(sys.stdin); "
				     "d=d.get('concern',d); print(d['ref'])");
	harness_run_free(&run);
	/* What was stored is what was sent, every character. */
	CLI_OK(dir, &run, "concern", "show", ref, "--json");
	char *got = py_json(run.out, "import json,sys; d=json.load(sys.stdin); "
				     "d=d.get('concern',d); "
				     "print(len(d['summary']), len(d['summary'].encode()), "
				     "d['summary'] == '\\U0001F600' * 4000)");
	assert_string_equal(got, "4000 16000 True");
	harness_run_free(&run);
	free(got);
	free(ref);
	free(summary);
	free(reporter);
	free(dir);
}

static void test_cli(void **state)
{
	(void)state;
	char *dir1 = harness_tempdir("cli-cm");
	char *dir2 = harness_tempdir("cli-cm2");
	cli_login(dir1, "cm", "case-manager");
	cli_login(dir2, "cm2", "case-manager");
	char id[32];
	snprintf(id, sizeof id, "%lld", (long long)gp3);
	struct harness_run run;
	CLI_OK(dir1, &run, "concern", "open", "--performer", id, "--source", "patient-complaint",
	       "--category", "conduct", "--summary", "rude to a patient", "--json");
	char *ref = py_json(run.out, "import json,sys; d=json.load(sys.stdin); "
				     "d=d.get('concern',d); print(d['ref'])");
	harness_run_free(&run);
	expect_ref_format(ref, "2026");
	CLI_OK(dir1, &run, "concern", "grade", ref, "--consequence", "2", "--likelihood", "2",
	       "--reason", "minor and unlikely");
	harness_run_free(&run);
	CLI_OK(dir1, &run, "concern", "assign", ref, "--case-manager", "cm");
	harness_run_free(&run);

	/* Two case managers each show it at the same version, then both move
	 * it: the first wins, the second exits 6 (ABORTED) naming the first. */
	CLI_OK(dir1, &run, "concern", "show", ref);
	harness_run_free(&run);
	CLI_OK(dir2, &run, "concern", "show", ref);
	harness_run_free(&run);
	CLI_OK(dir1, &run, "concern", "move", ref, "--to", "triaged", "--rationale",
	       "triaged by cm");
	harness_run_free(&run);
	harness_cli(server.addr, dir2, NULL, &run, "concern", "move", ref, "--to", "triaged",
		    "--rationale", "triaged by cm2", NULL);
	if (run.status != 6)
		fail_msg("cm2's move after cm's: exit %d, expected 6 (ABORTED)\n%s%s", run.status,
			 run.out, run.err);
	if (!harness_contains_ci(run.err, "changed by cm"))
		fail_msg("cm2's move after cm's: stderr lacks \"changed by cm\": %s", run.err);
	harness_run_free(&run);

	CLI_OK(dir1, &run, "concern", "show", ref, "--json");
	char *st =
	    py_json(run.out, "import json,sys; d=json.load(sys.stdin); "
			     "c=d.get('concern',d); g=c.get('grade') or {}; "
			     "print(c['state'], c.get('case_manager', c.get('caseManager')), "
			     "g.get('score'), g.get('band'))");
	harness_run_free(&run);
	assert_string_equal(st, "triaged cm 4 moderate");
	free(st);
	free(ref);
	free(dir1);
	free(dir2);
}

int main(void)
{
	harness_guard(170);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dates_notes_closed_links),
	    cmocka_unit_test(test_pharmacist),
	    cmocka_unit_test(test_stale_version),
	    cmocka_unit_test(test_access),
	    cmocka_unit_test(test_story_to_hearing),
	    cmocka_unit_test(test_due_list),
	    cmocka_unit_test(test_cli),
	    cmocka_unit_test(test_cli_request_over_one_tls_record),
	    cmocka_unit_test(test_panel_setup),
	    cmocka_unit_test(test_due_overdue_after),
	    cmocka_unit_test(test_early_decision_and_panel),
	    cmocka_unit_test(test_suspension),
	    cmocka_unit_test(test_suspension_at_triage),
	    cmocka_unit_test(test_story_decision_to_monitoring),
	};
	int failed = cmocka_run_group_tests(tests, group_setup, group_teardown);
	return harness_finish(failed);
}
