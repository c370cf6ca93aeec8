/*
 * The integration-test harness: starts a real assured on 127.0.0.1 with an
 * ephemeral port and a temporary database, connects clients through the real
 * client library, and runs the real assure CLI as a subprocess.
 *
 * Everything is bounded in time: server start-up waits at most 20 s, stop
 * at most 10 s before SIGKILL, subprocesses are killed on their timeout, and
 * harness_guard() arms an alarm that kills every server we started and ends
 * the test program, so no test can hang a CI job. Servers are stopped by the
 * pid we forked, never by name.
 *
 * Functions named harness_try_* never use cmocka assertions and are safe on
 * other threads; the rest assert (cmocka is not thread-safe: main thread
 * only).
 */
#ifndef ASSURE_TEST_HARNESS_H
#define ASSURE_TEST_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "client.h"

#ifndef ASSURED_BIN
#error "ASSURED_BIN must be defined by the build"
#endif
#ifndef ASSURE_BIN
#error "ASSURE_BIN must be defined by the build"
#endif
#ifndef TEST_CERTS_DIR
#error "TEST_CERTS_DIR must be defined by the build"
#endif

/* The password harness_server_init gives the first admin. */
#define HARNESS_ADMIN "admin"
#define HARNESS_PASSWORD "correct horse battery staple"
#define HARNESS_TOKEN_LEN 32

#define HARNESS_MAX_ARGS 16

struct harness_server_opts {
	/* Init without --password-stdin: the admin gets a one-time password
	 * (read from init's stdout into harness_server.password). */
	int one_time_password;
	/* Certificate and key file names inside TEST_CERTS_DIR; NULL for
	 * server.crt / server.key. */
	const char *cert_name;
	const char *key_name;
	/* Extra daemon arguments, NULL-terminated (at most HARNESS_MAX_ARGS). */
	const char *const *extra_args;
};

struct harness_server {
	char dir[512]; /* temporary directory holding db, log, ready file */
	char db[600];
	char log[600];
	char ready[600];
	char addr[128]; /* "127.0.0.1:PORT" from the ready file */
	int port;
	pid_t pid;	    /* 0 when not running */
	char password[256]; /* the admin's current password */
	char cert[600], key[600];
	const char *extra[HARNESS_MAX_ARGS + 1];
	int last_exit; /* from the last harness_server_stop */
};

/* Arms a SIGALRM after seconds that prints which test program timed out,
 * SIGKILLs every server still running (and shows its log), and exits 1.
 * Also installs an atexit handler that kills leftover servers. */
void harness_guard(unsigned seconds);

/* Makes a temporary directory (under $TMPDIR or /tmp) and runs assured init
 * in it. Asserts on failure. */
void harness_server_init(struct harness_server *s, const struct harness_server_opts *opts);
/* Forks assured on the database in s->dir and waits (20 s at most) for its
 * ready file; fills addr, port and pid. Can be called again after
 * harness_server_stop (a restart on the same database). Asserts. */
void harness_server_launch(struct harness_server *s);
/* init + launch. */
void harness_server_start(struct harness_server *s, const struct harness_server_opts *opts);
/* SIGTERM, wait at most timeout_ms (0: 10000), then SIGKILL. Returns the
 * exit code, 128 + signal if it died of a signal, or -1 when it had to be
 * killed. Never asserts. Stores it in s->last_exit. *elapsed_ms (optional)
 * is how long the exit took. */
int harness_server_stop_timed(struct harness_server *s, int timeout_ms, int64_t *elapsed_ms);
/* The same with another signal (SIGINT, say). */
int harness_server_signal_wait(struct harness_server *s, int sig, int timeout_ms,
			       int64_t *elapsed_ms);
int harness_server_stop(struct harness_server *s);
/* Stops the server if running. Prints the log at once, and counts a
 * problem that makes harness_finish fail the program, when the exit was not
 * clean or the log holds a sanitizer report. */
void harness_server_destroy(struct harness_server *s);
/* 1 if text holds an AddressSanitizer/LeakSanitizer/UBSan report. */
int harness_log_has_sanitizer_report(const char *text);
/* 1 if text holds a log line at level ERROR. */
int harness_log_has_error_line(const char *text);
/* Prints the server's log to stderr, framed. */
void harness_server_dump_log(const struct harness_server *s);
/* Size of the log now, so a test can look only at what follows. */
long harness_server_log_offset(const struct harness_server *s);
/* The log from offset on (caller frees). */
char *harness_server_log_since(const struct harness_server *s, long offset);

/* To be called last in main with the number of failed tests: shows the
 * logs of every server when something failed, removes the temporary
 * directories unless KEEP_TEST_DIRS is set, and returns 1 if any test
 * failed or harness_server_destroy saw a problem, else 0. */
int harness_finish(int failed);

/* A new temporary directory, removed by harness_finish. Caller frees. */
char *harness_tempdir(const char *tag);

/* --- clients --------------------------------------------------------- */

#define HARNESS_CA TEST_CERTS_DIR "/ca.crt"
#define HARNESS_OTHER_CA TEST_CERTS_DIR "/other-ca.crt"

/* A client_config for addr with CA file ca_file (kept by the caller) and
 * 5 s connect / 10 s I/O timeouts. */
struct client_config harness_client_config(const char *addr, const char *ca_file);
/* Connect (and for _hello, Hello). Thread-safe; 0 or -1 with *cause. */
int harness_try_connect(const char *addr, struct client **out, char **cause);
int harness_try_connect_hello(const char *addr, struct client **out, char **cause);
/* Connect from the local address source (for example "127.0.0.2", to play
 * a second client address against a server on 127.0.0.1). Thread-safe. */
int harness_try_connect_from(const char *addr, const char *source, struct client **out,
			     char **cause);
/* Asserting variants for the main thread. */
struct client *harness_connect(const struct harness_server *s);
struct client *harness_connect_hello(const struct harness_server *s);

/* Request builders: fill req (and the sub-message storage in *parts) for
 * one operation. Thread-safe. */
struct harness_req {
	Assure__Request req;
	Assure__HelloRequest hello;
	Assure__StatusRequest status;
	Assure__LoginRequest login;
	Assure__ResumeRequest resume;
	Assure__WhoamiRequest whoami;
	Assure__LogoutRequest logout;
	Assure__PasswordChangeRequest password_change;
};
void harness_req_hello(struct harness_req *r, uint32_t version);
void harness_req_status(struct harness_req *r);
void harness_req_login(struct harness_req *r, const char *user, const char *password);
void harness_req_resume(struct harness_req *r, const uint8_t *token, size_t len);
void harness_req_whoami(struct harness_req *r);
void harness_req_logout(struct harness_req *r);
void harness_req_password_change(struct harness_req *r, const char *old_pw, const char *new_pw);

/* client_call that asserts the transport worked; returns the response
 * (caller frees with assure__response__free_unpacked). */
Assure__Response *harness_call(struct client *c, struct harness_req *r);
/* Shorthands: the status code of one call (the response is freed). */
int harness_call_code(struct client *c, struct harness_req *r);
int harness_status_code(struct client *c);
int harness_whoami_code(struct client *c);
int harness_resume_code(struct client *c, const uint8_t *token, size_t len);
/* Login, asserting OK; copies the 32-byte token into token. Returns the
 * response (caller frees) so the test can look at the session. */
Assure__Response *harness_login(struct client *c, const char *user, const char *password,
				uint8_t token[HARNESS_TOKEN_LEN]);
/* Thread-safe login: the status code, or -1 on a transport error; token
 * filled on OK. */
int harness_try_login(struct client *c, const char *user, const char *password,
		      uint8_t token[HARNESS_TOKEN_LEN], char **cause);
/* Thread-safe call: the status code, or -1 on a transport error. */
int harness_try_call_code(struct client *c, struct harness_req *r, char **cause);

/* --- a good client beside an attack ----------------------------------
 * A thread that logs in (when user is set) and then asks Status every
 * interval_ms until stopped, timing each answer; a transport error is
 * counted and the probe reconnects. The hostile-peer tests require the
 * good client's p99 to stay low while they attack. */
struct harness_probe;
struct harness_probe_result {
	unsigned calls;	   /* answered OK */
	unsigned failures; /* transport errors or non-OK answers */
	int64_t p50_us, p99_us, max_us;
	char first_error[256];
};
/* Starts the probe thread (and returns once it has logged in, or after 10 s
 * with the failure counted). Thread-safe start, main-thread stop. */
struct harness_probe *harness_probe_start(const char *addr, const char *user, const char *password,
					  int interval_ms);
/* Stops the thread, fills out, prints one line with the figures, frees. */
void harness_probe_stop(struct harness_probe *p, const char *what,
			struct harness_probe_result *out);
/* The hostile-peer tests' good client: the admin of s, Status every 10 ms. */
struct harness_probe *harness_probe_admin(const struct harness_server *s);
/* Stops it and fails the test when it failed at all, answered nothing, or
 * its p99 (or, with whole set, its slowest answer) passed limit_ms. */
void harness_probe_hold(struct harness_probe *p, const char *what, int limit_ms, int whole);

/* --- subprocesses ---------------------------------------------------- */

struct harness_run {
	int status; /* exit code; 128 + signal; -1 on timeout or exec failure */
	int timed_out;
	char *out; /* everything on stdout, NUL-terminated */
	char *err; /* everything on stderr */
};

/* Runs argv[0] with argv, the environment plus env_set ("NAME=value",
 * NULL-terminated, replacing same-named variables; may be NULL), stdin_text
 * on stdin (NULL: /dev/null), killing it after timeout_ms. 0 if it ran,
 * -1 if fork failed. */
int harness_run_argv(const char *const *argv, const char *const *env_set, const char *stdin_text,
		     int timeout_ms, struct harness_run *r);
void harness_run_free(struct harness_run *r);
/* Prints what a run printed (its exit, stdout and stderr) under what. */
void harness_show_run(const char *what, const struct harness_run *r);
/* r's stdout is exactly one line of valid JSON and expr, a Python
 * expression over it as d, is True (checked by python3's json module, a
 * test package); otherwise the test fails showing both. */
void harness_json_expect(const char *what, const struct harness_run *r, const char *expr);

/* Runs the assure CLI against server addr (NULL: leave ASSURE_SERVER unset)
 * with ASSURE_CA = TEST_CERTS_DIR/ca.crt and ASSURE_CONFIG_DIR =
 * config_dir, the given arguments (NULL-terminated), 20 s at most. */
void harness_cli(const char *addr, const char *config_dir, const char *stdin_text,
		 struct harness_run *r, ...) __attribute__((sentinel));

/* --- small things ---------------------------------------------------- */

int64_t harness_now_ms(void);
void harness_sleep_ms(int ms);
/* A loopback port with nothing listening (bound, then closed). */
int harness_free_port(void);
/* 1 if s contains needle (case-insensitive). */
int harness_contains_ci(const char *s, const char *needle);

/* --- identity: users, roles, sites, sessions; the test clock ----------
 * (added with the identity tests: test_int_authz, test_int_identity,
 * test_int_throttle, test_int_cli_identity) */

/* Storage for one request of any operation. Repeated string fields point
 * at the caller's NULL-terminated arrays, which must outlive the call. */
struct harness_ireq {
	Assure__Request req;
	Assure__HelloRequest hello;
	Assure__StatusRequest status;
	Assure__LoginRequest login;
	Assure__ResumeRequest resume;
	Assure__WhoamiRequest whoami;
	Assure__LogoutRequest logout;
	Assure__PasswordChangeRequest password_change;
	Assure__UserAddRequest user_add;
	Assure__UserListRequest user_list;
	Assure__UserShowRequest user_show;
	Assure__UserSetRequest user_set;
	Assure__UserDisableRequest user_disable;
	Assure__UserEnableRequest user_enable;
	Assure__UserResetPasswordRequest user_reset_password;
	Assure__RoleListRequest role_list;
	Assure__RoleShowRequest role_show;
	Assure__RoleAddRequest role_add;
	Assure__RoleSetRequest role_set;
	Assure__RoleRemoveRequest role_remove;
	Assure__PermissionListRequest permission_list;
	Assure__SiteAddRequest site_add;
	Assure__SiteListRequest site_list;
	Assure__SessionListRequest session_list;
	Assure__SessionRevokeRequest session_revoke;
	/* performers (DOMAIN.md "Performers"; test_int_performer) */
	Assure__PerformerAddRequest performer_add;
	Assure__PerformerListRequest performer_list;
	Assure__PerformerShowRequest performer_show;
	Assure__PerformerAdmitRequest performer_admit;
	/* concerns (DOMAIN.md "Concerns"; test_int_concern) */
	Assure__ConcernOpenRequest concern_open;
	Assure__ConcernGradeRequest concern_grade;
	Assure__ConcernAssignRequest concern_assign;
	Assure__ConcernMoveRequest concern_move;
	Assure__ConcernDecideRequest concern_decide;
	Assure__ConcernSuspendRequest concern_suspend;
	Assure__ConcernReinstateRequest concern_reinstate;
	Assure__ConcernReferRequest concern_refer;
	Assure__ConcernNoteRequest concern_note;
	Assure__ConcernEvidenceRequest concern_evidence;
	Assure__ConcernActionAddRequest concern_action_add;
	Assure__ConcernActionDoneRequest concern_action_done;
	Assure__ConcernShowRequest concern_show;
	Assure__ConcernListRequest concern_list;
	Assure__ConcernDueRequest concern_due;
	/* config */

	/* contracts, indicator sets, requirements */
	Assure__ContractAddRequest contract_add;
	Assure__ContractListRequest contract_list;
	Assure__ContractShowRequest contract_show;
	Assure__ContractSetRequest contract_set;
	Assure__ContractNoticeAddRequest contract_notice_add;
	Assure__ContractNoticeOutcomeRequest contract_notice_outcome;
	Assure__IndicatorsCreateRequest indicators_create;
	Assure__IndicatorsAddRequest indicators_add;
	Assure__Indicator indicator; /* indicators_add's */
	Assure__IndicatorsRemoveRequest indicators_remove;
	Assure__IndicatorsRuleRequest indicators_rule;
	Assure__IndicatorsPublishRequest indicators_publish;
	Assure__IndicatorsShowRequest indicators_show;
	Assure__IndicatorsListRequest indicators_list;
	Assure__RequirementsListRequest requirements_list;
	Assure__RequirementsAddRequest requirements_add;
	Assure__RequirementsRetireRequest requirements_retire;

	/* reviews */
	Assure__ReviewScheduleRequest review_schedule;
	Assure__ReviewVisitRequest review_visit;
	Assure__ReviewQofRequest review_qof;
	Assure__ReviewCheckRequest review_check;
	Assure__ReviewSfbhRequest review_sfbh;
	Assure__ReviewScoreRequest review_score;
	Assure__ReviewNarrativeRequest review_narrative;
	Assure__ReviewActionAddRequest review_action_add;
	Assure__ReviewActionDoneRequest review_action_done;
	Assure__ReviewOverrideRequest review_override;
	Assure__ReviewFinaliseRequest review_finalise;
	Assure__ReviewShowRequest review_show;
	Assure__ReviewListRequest review_list;
	Assure__ReviewDueRequest review_due;

	/* scorecard */
	Assure__ScorecardRequest scorecard;

	Assure__AuditQueryRequest audit_query;
};

/* Builders: reset r and fill it for one operation. NULL strings become "".
 * Thread-safe. */
void harness_ireq_login(struct harness_ireq *r, const char *user, const char *password,
			const char *role);
void harness_ireq_user_add(struct harness_ireq *r, const char *user, const char *display_name,
			   const char *site, const char *const *roles, const char *password);
void harness_ireq_user_list(struct harness_ireq *r, const char *site, const char *role,
			    Assure__UserStateFilter state, uint32_t page_size,
			    const char *page_token);
void harness_ireq_user_show(struct harness_ireq *r, const char *user);
void harness_ireq_user_set(struct harness_ireq *r, const char *user, const char *display_name,
			   const char *site, const char *const *add_roles,
			   const char *const *remove_roles, uint64_t version);
void harness_ireq_user_disable(struct harness_ireq *r, const char *user, const char *reason);
void harness_ireq_user_enable(struct harness_ireq *r, const char *user);
void harness_ireq_user_reset_password(struct harness_ireq *r, const char *user);
void harness_ireq_role_list(struct harness_ireq *r);
void harness_ireq_role_show(struct harness_ireq *r, const char *name);
void harness_ireq_role_add(struct harness_ireq *r, const char *name, const char *description,
			   const char *const *permissions);
void harness_ireq_role_set(struct harness_ireq *r, const char *name, const char *description,
			   const char *const *add_permissions,
			   const char *const *remove_permissions);
void harness_ireq_role_remove(struct harness_ireq *r, const char *name);
void harness_ireq_permission_list(struct harness_ireq *r);
void harness_ireq_site_add(struct harness_ireq *r, const char *code, const char *name);
void harness_ireq_site_list(struct harness_ireq *r);
void harness_ireq_session_list(struct harness_ireq *r, const char *user);
void harness_ireq_session_revoke(struct harness_ireq *r, int64_t id, const char *user);
/* Performers. national_code, profession, status, name, conditions, date:
 * NULL or "" for none; panel is a NULL-terminated array of usernames
 * (NULL: none); version 0: unchecked. */
void harness_ireq_performer_add(struct harness_ireq *r, const char *profession, const char *reg,
				const char *name, const char *national_code);
void harness_ireq_performer_list(struct harness_ireq *r, const char *profession, const char *status,
				 int suspended, const char *name, uint32_t page_size,
				 const char *page_token);
void harness_ireq_performer_show(struct harness_ireq *r, const char *performer);
void harness_ireq_performer_admit(struct harness_ireq *r, int64_t id, const char *decision,
				  const char *rationale, const char *conditions,
				  const char *const *panel, const char *date, uint64_t version);
/* Concerns. NULL strings become ""; panel and grounds are NULL-terminated
 * arrays of strings (NULL: none) that must outlive the call; version 0:
 * none given. The builders with many optional fields (move, decide,
 * suspend) fill the common ones and return the sub-message, so the test
 * sets the rest (strings it sets must outlive the call). */
void harness_ireq_concern_open(struct harness_ireq *r, int64_t performer_id, const char *source,
			       const char *category, const char *summary, const char *received,
			       const char *reporter, const char *linked_ref);
void harness_ireq_concern_grade(struct harness_ireq *r, const char *ref, int consequence,
				int likelihood, const char *reason, uint64_t version);
void harness_ireq_concern_assign(struct harness_ireq *r, const char *ref, const char *case_manager,
				 const char *investigator, uint64_t version);
Assure__ConcernMoveRequest *harness_ireq_concern_move(struct harness_ireq *r, const char *ref,
						      const char *to, const char *rationale,
						      const char *date, uint64_t version);
Assure__ConcernDecideRequest *harness_ireq_concern_decide(struct harness_ireq *r, const char *ref,
							  const char *outcome,
							  const char *rationale,
							  const char *const *panel,
							  const char *date, uint64_t version);
Assure__ConcernSuspendRequest *harness_ireq_concern_suspend(struct harness_ireq *r, const char *ref,
							    const char *basis, const char *reason,
							    const char *const *panel,
							    const char *hearing_offered,
							    const char *start, const char *until,
							    uint64_t version);
void harness_ireq_concern_reinstate(struct harness_ireq *r, const char *ref, const char *rationale,
				    const char *const *panel, const char *date, uint64_t version);
void harness_ireq_concern_refer(struct harness_ireq *r, const char *ref, const char *to,
				const char *rationale, const char *their_ref, const char *date);
void harness_ireq_concern_note(struct harness_ireq *r, const char *ref, const char *text);
void harness_ireq_concern_evidence(struct harness_ireq *r, const char *ref, const char *title,
				   const char *location, const char *sha256);
void harness_ireq_concern_action_add(struct harness_ireq *r, const char *ref, const char *text,
				     const char *owner, const char *due);
void harness_ireq_concern_action_done(struct harness_ireq *r, const char *ref, uint32_t number,
				      const char *date);
void harness_ireq_concern_show(struct harness_ireq *r, const char *ref);
void harness_ireq_concern_list(struct harness_ireq *r, const char *state, int64_t performer_id,
			       const char *band, int mine, int overdue, uint32_t page_size,
			       const char *page_token);
void harness_ireq_concern_due(struct harness_ireq *r, const char *within, int mine);
/* config */

/* contracts, indicator sets, requirements */
/* Contracts. NULL strings become ""; version 0: none given. The builders
 * with many optional fields (set, notice add) fill the common ones and
 * return the sub-message, so the test sets the rest (strings it sets must
 * outlive the call). */
void harness_ireq_contract_add(struct harness_ireq *r, const char *ods, const char *name,
			       const char *type, uint32_t list_size, const char *site,
			       const char *start, const char *end);
void harness_ireq_contract_list(struct harness_ireq *r, const char *type, const char *site,
				const char *name, uint32_t page_size, const char *page_token);
void harness_ireq_contract_show(struct harness_ireq *r, const char *ods);
Assure__ContractSetRequest *harness_ireq_contract_set(struct harness_ireq *r, const char *ods,
						      const char *reason, uint64_t version);
Assure__ContractNoticeAddRequest *
harness_ireq_contract_notice_add(struct harness_ireq *r, const char *ods, const char *kind,
				 const char *text, const char *steps, uint64_t version);
void harness_ireq_contract_notice_outcome(struct harness_ireq *r, const char *ods, uint32_t number,
					  const char *outcome, const char *date,
					  const char *rationale, uint64_t version);
/* Indicator sets. indicators_add fills the indicator with name
 * "Indicator", domain qof, unit "%", weight default, not critical, and
 * returns it for the test to change. */
void harness_ireq_indicators_create(struct harness_ireq *r, const char *name, const char *year,
				    const char *from_set);
Assure__Indicator *harness_ireq_indicators_add(struct harness_ireq *r, const char *set,
					       const char *code, const char *direction,
					       const char *green, const char *amber, int replace,
					       uint64_t version);
void harness_ireq_indicators_remove(struct harness_ireq *r, const char *set, const char *code,
				    uint64_t version);
void harness_ireq_indicators_rule(struct harness_ireq *r, const char *set, const char *green_mean,
				  const char *red_mean, uint64_t version);
void harness_ireq_indicators_publish(struct harness_ireq *r, const char *set, const char *to,
				     uint64_t version);
void harness_ireq_indicators_show(struct harness_ireq *r, const char *set);
void harness_ireq_indicators_list(struct harness_ireq *r, const char *year);
void harness_ireq_requirements_list(struct harness_ireq *r, int include_retired);
void harness_ireq_requirements_add(struct harness_ireq *r, const char *code, const char *title,
				   const char *description);
void harness_ireq_requirements_retire(struct harness_ireq *r, const char *code, const char *reason);

/* reviews */
/* Reviews (DOMAIN.md "Annual contract review"; test_int_review). NULL
 * strings become ""; version 0: none given. The builders return the
 * sub-message so a test can set amend_reason (a string that must outlive
 * the call). */
Assure__ReviewScheduleRequest *harness_ireq_review_schedule(struct harness_ireq *r, const char *ods,
							    const char *year, const char *kind,
							    const char *visit_type,
							    const char *date);
Assure__ReviewVisitRequest *harness_ireq_review_visit(struct harness_ireq *r, const char *ref,
						      const char *date, uint64_t version);
Assure__ReviewQofRequest *harness_ireq_review_qof(struct harness_ireq *r, const char *ref,
						  const char *clinical, const char *organisational,
						  const char *patient_experience,
						  const char *additional,
						  const char *exception_rate, uint64_t version);
Assure__ReviewCheckRequest *harness_ireq_review_check(struct harness_ireq *r, const char *ref,
						      const char *item, const char *result,
						      const char *evidence, uint64_t version);
Assure__ReviewSfbhRequest *harness_ireq_review_sfbh(struct harness_ireq *r, const char *ref,
						    const char *domain, const char *result,
						    const char *evidence, uint64_t version);
Assure__ReviewScoreRequest *harness_ireq_review_score(struct harness_ireq *r, const char *ref,
						      const char *indicator, const char *value,
						      const char *not_available, uint64_t version);
Assure__ReviewNarrativeRequest *
harness_ireq_review_narrative(struct harness_ireq *r, const char *ref, const char *achievements,
			      const char *developments, const char *challenges, uint64_t version);
Assure__ReviewActionAddRequest *harness_ireq_review_action_add(struct harness_ireq *r,
							       const char *ref, const char *text,
							       const char *owner, const char *due,
							       const char *for_item,
							       uint64_t version);
Assure__ReviewActionDoneRequest *harness_ireq_review_action_done(struct harness_ireq *r,
								 const char *ref, uint32_t number,
								 const char *date,
								 uint64_t version);
Assure__ReviewOverrideRequest *harness_ireq_review_override(struct harness_ireq *r, const char *ref,
							    const char *rag, const char *reason,
							    uint64_t version);
void harness_ireq_review_finalise(struct harness_ireq *r, const char *ref, uint64_t version);
void harness_ireq_review_show(struct harness_ireq *r, const char *ref);
Assure__ReviewListRequest *harness_ireq_review_list(struct harness_ireq *r, const char *year,
						    const char *rag, const char *state,
						    const char *ods, const char *site,
						    int overdue_actions, uint32_t page_size,
						    const char *page_token);
void harness_ireq_review_due(struct harness_ireq *r, const char *within, uint32_t page_size,
			     const char *page_token);

/* scorecard */
/* Scorecard for a year; site, type and page_token NULL or "" for none;
 * page_size 0 for the server's default. */
void harness_ireq_scorecard(struct harness_ireq *r, const char *year, const char *site,
			    const char *type, uint32_t page_size, const char *page_token);

/* AuditQuery for one object (object_type, object_id) and optionally one
 * username and event (NULL: any), any outcome, from the start. */
void harness_ireq_audit_query_object(struct harness_ireq *r, const char *object_type,
				     const char *object_id, const char *username,
				     const char *event);
/* The foundation operations too, so one struct serves a whole test. */
void harness_ireq_whoami(struct harness_ireq *r);
void harness_ireq_logout(struct harness_ireq *r);
void harness_ireq_password_change(struct harness_ireq *r, const char *old_pw, const char *new_pw);

/* client_call asserting the transport worked; caller frees the response. */
Assure__Response *harness_icall(struct client *c, struct harness_ireq *r);
/* The status code of one call (response freed). */
int harness_icall_code(struct client *c, struct harness_ireq *r);
/* Thread-safe; -1 on a transport error (cause set). */
int harness_try_icall_code(struct client *c, struct harness_ireq *r, char **cause);
/* Calls and fails the test, naming what, the expected and the actual
 * status and the server's message, unless the status is code. Returns the
 * response (caller frees). */
Assure__Response *harness_iexpect(struct client *c, struct harness_ireq *r, int code,
				  const char *what);
/* The same, freeing the response. */
void harness_iexpect_code(struct client *c, struct harness_ireq *r, int code, const char *what);
/* The same, also requiring the message to contain text (case-insensitive). */
void harness_iexpect_msg(struct client *c, struct harness_ireq *r, int code, const char *text,
			 const char *what);
/* "PERMISSION_DENIED" for 7, etc. */
const char *harness_code_name(int code);

/* Connect, Hello, Login (with role, NULL or "" for none) asserting OK;
 * token (optional) receives the session token. */
struct client *harness_connect_login(const struct harness_server *s, const char *user,
				     const char *password, const char *role,
				     uint8_t token[HARNESS_TOKEN_LEN]);
/* The same as the first admin. */
struct client *harness_connect_admin(const struct harness_server *s);
/* Login with a role on an open connection: the status code (-1 on a
 * transport error); the token on OK (token may be NULL). */
int harness_login_role_code(struct client *c, const char *user, const char *password,
			    const char *role, uint8_t token[HARNESS_TOKEN_LEN]);
/* UserAdd through admin (a session with user.manage), asserting OK.
 * roles_csv: "viewer" or "case-manager,viewer". password NULL: a one-time
 * password is made by the server and copied to otp (which may be NULL,
 * size HARNESS_OTP_MAX). */
#define HARNESS_OTP_MAX 256
void harness_add_user(struct client *admin, const char *user, const char *roles_csv,
		      const char *site, const char *password, char *otp);
/* The id of the caller's own current session (from SessionList). */
int64_t harness_current_session_id(struct client *c);

/* Connect with a client certificate (file names inside TEST_CERTS_DIR;
 * NULL cert: none). Thread-safe; 0 or -1 with *cause. */
int harness_try_connect_cert(const char *addr, const char *cert_name, const char *key_name,
			     struct client **out, char **cause);

/* The server's injectable clock: assured --clock-file FILE reads "now" as
 * integer Unix milliseconds from FILE on every use. The harness writes it
 * atomically (FILE.tmp, rename). */
struct harness_clock {
	char path[600];
	int64_t now_ms;
	const char *args[HARNESS_MAX_ARGS + 1];
};
/* Makes the clock file (starting at the real time, whole seconds), then
 * harness_server_start with --clock-file FILE plus opts->extra_args. clk
 * must outlive the server (restarts reuse its arguments). */
void harness_server_start_clock(struct harness_server *s, struct harness_clock *clk,
				const struct harness_server_opts *opts);
void harness_clock_set(struct harness_clock *clk, int64_t unix_ms);
void harness_clock_advance(struct harness_clock *clk, int64_t delta_ms);

/* --- background processes (test_int_assure_audit: assure-audit, rsyslogd) ---
 * Started by pid, stopped by that pid, never by name; they get
 * PR_SET_PDEATHSIG, so they die with the test program (and the guard). */

/* Forks argv[0] with argv and the environment plus env_set (as
 * harness_run_argv), stdin /dev/null, stdout and stderr appended to
 * log_path (created 0600). Returns the pid; asserts if fork fails. */
pid_t harness_spawn(const char *const *argv, const char *const *env_set, const char *log_path);
/* Waits at most timeout_ms for pid to exit: its exit code, 128 + signal,
 * or -1 if it is still running (then it is left alone). Never asserts. */
int harness_wait_pid(pid_t pid, int timeout_ms);
/* Sends sig to pid and waits at most timeout_ms (0: 10000); if it has not
 * exited then, SIGKILLs it and returns -1. Otherwise as harness_wait_pid.
 * Never asserts. */
int harness_stop_pid(pid_t pid, int sig, int timeout_ms);

#endif
