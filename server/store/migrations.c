/*
 * The schema, as migrations. Times are Unix milliseconds (UTC) in INTEGER
 * columns. Every mutable record carries a version for optimistic
 * concurrency. Nothing is deleted that the audit trail refers to: users are
 * disabled, sessions revoked.
 */
#include "migrations.h"

static const char migration_1[] =
    "CREATE TABLE sites ("
    "  id INTEGER PRIMARY KEY,"
    "  code TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE TABLE users ("
    "  id INTEGER PRIMARY KEY,"
    "  username TEXT NOT NULL UNIQUE,"
    "  display_name TEXT NOT NULL,"
    "  site_id INTEGER REFERENCES sites(id),"
    "  password_hash TEXT NOT NULL,"
    "  must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),"
    "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  version INTEGER NOT NULL DEFAULT 1"
    ");"
    "CREATE TABLE roles ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE,"
    "  description TEXT NOT NULL,"
    "  builtin INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1))"
    ");"
    "CREATE TABLE role_permissions ("
    "  role_id INTEGER NOT NULL REFERENCES roles(id) ON DELETE CASCADE,"
    "  permission TEXT NOT NULL,"
    "  PRIMARY KEY (role_id, permission)"
    ") WITHOUT ROWID;"
    "CREATE TABLE user_roles ("
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  role_id INTEGER NOT NULL REFERENCES roles(id),"
    "  PRIMARY KEY (user_id, role_id)"
    ") WITHOUT ROWID;"
    "CREATE INDEX user_roles_role ON user_roles(role_id);"
    "CREATE TABLE sessions ("
    "  id INTEGER PRIMARY KEY,"
    "  token_hash BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),"
    "  user_id INTEGER NOT NULL REFERENCES users(id),"
    "  role TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  last_seen_at INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  revoked_at INTEGER,"
    "  revoked_reason TEXT,"
    "  client_addr TEXT NOT NULL DEFAULT '',"
    "  cert_subject TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX sessions_user ON sessions(user_id);"
    "CREATE INDEX sessions_live ON sessions(expires_at) WHERE revoked_at IS NULL;"
    /* The administrator role: identity administration only, never case or
     * review content (separation of duties, DOMAIN.md). */
    "INSERT INTO roles (name, description, builtin) VALUES"
    "  ('admin', 'manages users, roles, sites and sessions; no case or review content', 1);"
    "INSERT INTO role_permissions (role_id, permission)"
    "  SELECT id, p.column1 FROM roles, (VALUES ('user.read'), ('user.manage'), ('role.manage'),"
    "    ('site.manage'), ('session.manage')) AS p WHERE roles.name = 'admin';";

/* The built-in roles of DOMAIN.md with their documented permissions
 * (docs/ROLES.md), and what the admin tools need to show. */
static const char migration_2[] =
    "ALTER TABLE users ADD COLUMN last_login_at INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE users ADD COLUMN disabled_reason TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE users ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX users_site ON users(site_id);"
    "INSERT INTO roles (name, description, builtin) VALUES"
    "  ('case-manager', 'PCT officer who runs a concern from intake to close', 1),"
    "  ('investigator', 'investigates assigned concerns and writes the report; never decides', 1),"
    "  ('pag-member', 'Performance Advisory Group: screens concerns, starts investigations, agrees "
    "informal action', 1),"
    "  ('panel-member', 'decision panel: the only body that takes list decisions', 1),"
    "  ('contract-manager', 'commissions and manages GP contracts and scorecard indicator sets', "
    "1),"
    "  ('reviewer', 'carries out annual contract reviews', 1),"
    "  ('auditor', 'reads the audit trail and nothing else', 1),"
    "  ('viewer', 'sees list status and contracts, no concern content', 1);"
    "INSERT INTO role_permissions (role_id, permission)"
    "  SELECT r.id, p.column2 FROM roles r JOIN (VALUES"
    "    ('case-manager', 'performer.read'), ('case-manager', 'performer.write'),"
    "    ('case-manager', 'concern.read'), ('case-manager', 'concern.write'),"
    "    ('investigator', 'performer.read'), ('investigator', 'concern.read'),"
    "    ('investigator', 'concern.investigate'),"
    "    ('pag-member', 'performer.read'), ('pag-member', 'concern.read'),"
    "    ('pag-member', 'concern.write'), ('pag-member', 'concern.pag'),"
    "    ('panel-member', 'performer.read'), ('panel-member', 'concern.read'),"
    "    ('panel-member', 'concern.decide'),"
    "    ('contract-manager', 'contract.read'), ('contract-manager', 'contract.write'),"
    "    ('contract-manager', 'indicators.manage'), ('contract-manager', 'review.read'),"
    "    ('reviewer', 'contract.read'), ('reviewer', 'review.read'), ('reviewer', 'review.write'),"
    "    ('auditor', 'audit.read'),"
    "    ('viewer', 'performer.read'), ('viewer', 'contract.read')"
    "  ) AS p ON p.column1 = r.name;";

/* The audit trail: append-only, enforced by triggers as defence in depth
 * (the hashes are the real guarantee). record holds the exact bytes that
 * leaf_hash = SHA-256(0x00 || record) covers; the other columns are indexes
 * over them, and verification checks that they agree. */
static const char migration_3[] =
    "CREATE TABLE audit_log ("
    "  seq INTEGER PRIMARY KEY,"
    "  uuid TEXT NOT NULL,"
    "  time_ms INTEGER NOT NULL,"
    "  action TEXT NOT NULL,"
    "  event TEXT NOT NULL,"
    "  outcome INTEGER NOT NULL,"
    "  user_id INTEGER NOT NULL,"
    "  username TEXT NOT NULL,"
    "  object_type TEXT NOT NULL,"
    "  object_id TEXT NOT NULL,"
    "  record BLOB NOT NULL,"
    "  leaf_hash BLOB NOT NULL CHECK (length(leaf_hash) = 32)"
    ");"
    "CREATE INDEX audit_time ON audit_log(time_ms);"
    "CREATE INDEX audit_user ON audit_log(username, seq);"
    "CREATE INDEX audit_object ON audit_log(object_type, object_id, seq);"
    "CREATE INDEX audit_event ON audit_log(event, seq);"
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;";

/* The Merkle tree over the audit log (every perfect subtree's root, for
 * proofs) and the signed checkpoints; both append-only like the log. */
static const char migration_4[] =
    "CREATE TABLE audit_tree ("
    "  level INTEGER NOT NULL CHECK (level >= 1),"
    "  idx INTEGER NOT NULL,"
    "  hash BLOB NOT NULL CHECK (length(hash) = 32),"
    "  PRIMARY KEY (level, idx)"
    ") WITHOUT ROWID;"
    "CREATE TABLE audit_checkpoints ("
    "  tree_size INTEGER PRIMARY KEY,"
    "  root_hash BLOB NOT NULL CHECK (length(root_hash) = 32),"
    "  time_ms INTEGER NOT NULL,"
    "  note TEXT NOT NULL,"
    "  signature BLOB NOT NULL,"
    "  signed_note TEXT NOT NULL"
    ");"
    "CREATE TABLE audit_meta ("
    "  name TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TRIGGER audit_tree_no_update BEFORE UPDATE ON audit_tree"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_tree_no_delete BEFORE DELETE ON audit_tree"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_meta_no_update BEFORE UPDATE ON audit_meta"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_meta_no_delete BEFORE DELETE ON audit_meta"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;";

/* INSERT OR REPLACE deletes the conflicting row without firing DELETE
 * triggers (unless recursive_triggers is on), so the append-only rule also
 * refuses any insert that would land on an existing key. */
static const char migration_5[] =
    "CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log"
    "  WHEN EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq)"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_tree_no_replace BEFORE INSERT ON audit_tree"
    "  WHEN EXISTS (SELECT 1 FROM audit_tree WHERE level = NEW.level AND idx = NEW.idx)"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_checkpoints_no_replace BEFORE INSERT ON audit_checkpoints"
    "  WHEN EXISTS (SELECT 1 FROM audit_checkpoints WHERE tree_size = NEW.tree_size)"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
    "CREATE TRIGGER audit_meta_no_replace BEFORE INSERT ON audit_meta"
    "  WHEN EXISTS (SELECT 1 FROM audit_meta WHERE name = NEW.name)"
    "  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;";

/* The Performers List register (DOMAIN.md "Performers"). list_status is
 * 'none' for pharmacists, who are not on the list. Status and suspension
 * change only through recorded decisions; list_history keeps every change
 * with who, when and which decision, and is append-only. */
static const char migration_6[] =
    "CREATE TABLE performers ("
    "  id INTEGER PRIMARY KEY,"
    "  profession TEXT NOT NULL CHECK (profession IN ('gp', 'dentist', 'optometrist', "
    "'pharmacist')),"
    "  reg TEXT NOT NULL,"
    "  name TEXT NOT NULL,"
    "  name_fold TEXT NOT NULL,"
    "  national_code TEXT NOT NULL DEFAULT '',"
    "  list_status TEXT NOT NULL,"
    "  conditions TEXT NOT NULL DEFAULT '',"
    "  suspended INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),"
    "  susp_basis TEXT NOT NULL DEFAULT '',"
    "  susp_reason TEXT NOT NULL DEFAULT '',"
    "  susp_start TEXT NOT NULL DEFAULT '',"
    "  susp_end TEXT NOT NULL DEFAULT '',"
    "  susp_review TEXT NOT NULL DEFAULT '',"
    "  susp_concern_ref TEXT NOT NULL DEFAULT '',"
    "  susp_hearing_offered TEXT NOT NULL DEFAULT '',"
    "  susp_notice_sent TEXT NOT NULL DEFAULT '',"
    "  susp_extension INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  updated_by TEXT NOT NULL DEFAULT '',"
    "  version INTEGER NOT NULL DEFAULT 1,"
    "  UNIQUE (profession, reg),"
    "  CHECK ((profession = 'pharmacist') = (list_status = 'none'))"
    ");"
    "CREATE INDEX performers_reg ON performers(reg);"
    "CREATE INDEX performers_name ON performers(name_fold);"
    "CREATE INDEX performers_status ON performers(list_status, id);"
    "CREATE TABLE list_history ("
    "  id INTEGER PRIMARY KEY,"
    "  performer_id INTEGER NOT NULL REFERENCES performers(id),"
    "  from_status TEXT NOT NULL,"
    "  to_status TEXT NOT NULL,"
    "  suspended_before INTEGER NOT NULL,"
    "  suspended_after INTEGER NOT NULL,"
    "  at INTEGER NOT NULL,"
    "  by_user TEXT NOT NULL,"
    "  decision TEXT NOT NULL,"
    "  rationale TEXT NOT NULL,"
    "  date TEXT NOT NULL"
    ");"
    "CREATE INDEX list_history_performer ON list_history(performer_id, id);"
    "CREATE TRIGGER list_history_no_update BEFORE UPDATE ON list_history"
    "  BEGIN SELECT RAISE(ABORT, 'list history is append-only'); END;"
    "CREATE TRIGGER list_history_no_delete BEFORE DELETE ON list_history"
    "  BEGIN SELECT RAISE(ABORT, 'list history is append-only'); END;";

/* Concerns (DOMAIN.md "Concerns") and their side records. Dates are civil
 * dates 'YYYY-MM-DD' (sortable as text; '' for none); times are Unix ms.
 * The reference CON-YYYY-NNNN is the year received and a sequence that
 * restarts each year, allocated by the single writer as max(seq) + 1.
 * The current grade, case manager and investigator live on the concern;
 * concern_grades and concern_people keep their history (concern_people is
 * what the panel conflict rule reads: everyone who was ever case manager,
 * investigator or deciding panel member). concern_events is the timeline.
 * Append-only (UPDATE, DELETE and REPLACE refused): events, grades, notes,
 * evidence, decisions. Nothing about a concern is ever deleted; a closed
 * concern is never reopened (a new one links to it). In concern_decisions,
 * grounds and panel hold one item per line. */
#define M7_DATE "'[0-9][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'"
#define M7_DATE_OR_NONE(col) "(" col " = '' OR " col " GLOB " M7_DATE ")"
#define M7_BOOL(col) "CHECK (" col " IN (0, 1))"
/* REPLACE deletes a clashing row without firing DELETE triggers (see
 * migration 5), so each protected table refuses an insert that would clash
 * on any of its unique keys. */
#define M7_NO_REPLACE(t, clash)                                                                    \
	"CREATE TRIGGER " t "_no_replace BEFORE INSERT ON " t "  WHEN EXISTS (SELECT 1 FROM " t    \
	" WHERE " clash ")"                                                                        \
	"  BEGIN SELECT RAISE(ABORT, '" t " rows are never replaced'); END;"
#define M7_APPEND_ONLY(t)                                                                          \
	"CREATE TRIGGER " t "_no_update BEFORE UPDATE ON " t "  BEGIN SELECT RAISE(ABORT, '" t     \
	" is append-only'); END;"                                                                  \
	"CREATE TRIGGER " t "_no_delete BEFORE DELETE ON " t "  BEGIN SELECT RAISE(ABORT, '" t     \
	" is append-only'); END;" M7_NO_REPLACE(t, "id = NEW.id")
/* Side records that change but are never deleted nor moved to another
 * concern. */
#define M7_NO_DELETE(t, clash)                                                                     \
	"CREATE TRIGGER " t "_no_delete BEFORE DELETE ON " t "  BEGIN SELECT RAISE(ABORT, '" t     \
	" rows are never deleted'); END;"                                                          \
	"CREATE TRIGGER " t "_fixed BEFORE UPDATE OF id, concern_id ON " t                         \
	"  WHEN NEW.id IS NOT OLD.id OR NEW.concern_id IS NOT OLD.concern_id"                      \
	"  BEGIN SELECT RAISE(ABORT, '" t " rows never move'); END;" M7_NO_REPLACE(t, clash)

static const char
    migration_7[] = "CREATE TABLE concerns ("
		    "  id INTEGER PRIMARY KEY,"
		    "  ref TEXT NOT NULL UNIQUE,"
		    "  year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),"
		    "  seq INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 9999),"
		    "  performer_id INTEGER NOT NULL REFERENCES performers(id),"
		    "  source TEXT NOT NULL,"
		    "  category TEXT NOT NULL,"
		    "  summary TEXT NOT NULL,"
		    "  reporter TEXT NOT NULL DEFAULT '',"
		    "  received TEXT NOT NULL CHECK (received GLOB " M7_DATE "),"
		    "  state TEXT NOT NULL CHECK (state IN ('received', 'triaged', 'closed', "
		    "'informal',"
		    "    'external-only', 'investigating', 'reported', 'pag-review', 'remediation',"
		    "    'panel-referred', 'notice-issued', 'hearing-scheduled', 'decided', "
		    "'appeal-window',"
		    "    'under-appeal', 'monitoring')),"
		    "  consequence INTEGER NOT NULL DEFAULT 0 CHECK (consequence BETWEEN 0 AND 5),"
		    "  likelihood INTEGER NOT NULL DEFAULT 0 CHECK (likelihood BETWEEN 0 AND 5),"
		    "  score INTEGER NOT NULL DEFAULT 0 CHECK (score = consequence * likelihood),"
		    "  band TEXT NOT NULL DEFAULT '' CHECK (band IN ('', 'low', 'moderate', "
		    "'high', 'extreme')),"
		    "  case_manager_id INTEGER REFERENCES users(id),"
		    "  investigator_id INTEGER REFERENCES users(id),"
		    "  linked_id INTEGER REFERENCES concerns(id),"
		    "  was_panel_referred INTEGER NOT NULL DEFAULT 0 " M7_BOOL("was_panel_referred") ","
												     "  notice_sent TEXT NOT NULL DEFAULT '' CHECK " M7_DATE_OR_NONE(
													 "notice_sent") ","
															"  notice_allegation TEXT NOT NULL DEFAULT '',"
															"  notice_proposed_action TEXT NOT NULL DEFAULT '',"
															"  notice_grounds TEXT NOT NULL DEFAULT '',"
															"  representations_received INTEGER NOT NULL DEFAULT 0 " M7_BOOL(
															    "representations_received") ","
																			"  hearing_requested TEXT NOT NULL DEFAULT '' CHECK " M7_DATE_OR_NONE("hearing_requested") ","
																														   "  hearing_date TEXT NOT NULL DEFAULT '' CHECK " M7_DATE_OR_NONE("hearing_date") ","
																																								    "  outcome TEXT NOT NULL DEFAULT '',"
																																								    "  decision_notice_sent TEXT NOT NULL DEFAULT '' CHECK " M7_DATE_OR_NONE("decision_notice_sent") ","
																																																				     "  interim_answered INTEGER NOT NULL DEFAULT 0 " M7_BOOL("interim_answered") ","
																																																														  "  created_at INTEGER NOT NULL,"
																																																														  "  updated_at INTEGER NOT NULL,"
																																																														  "  updated_by TEXT NOT NULL DEFAULT '',"
																																																														  "  version INTEGER NOT NULL DEFAULT 1,"
																																																														  "  UNIQUE (year, seq),"
																																																														  "  CHECK (ref = printf('CON-%04d-%04d', year, seq)),"
																																																														  "  CHECK (linked_id IS NULL OR linked_id <> id)"
																																																														  ");"
																																																														  "CREATE INDEX concerns_performer ON concerns(performer_id, id);"
																																																														  "CREATE INDEX concerns_state ON concerns(state, id);"
																																																														  "CREATE INDEX concerns_case_manager ON concerns(case_manager_id, id);"
																																																														  "CREATE INDEX concerns_investigator ON concerns(investigator_id, id);"
																																																														  "CREATE INDEX concerns_band ON concerns(band, id);"
																																																														  "CREATE INDEX concerns_linked ON concerns(linked_id) WHERE linked_id IS NOT NULL;"
																																																														  /* What a concern is and whom it is about never change. */
																																																														  "CREATE TRIGGER concerns_identity_fixed BEFORE UPDATE OF id, ref, year, seq, performer_id"
																																																														  "  ON concerns WHEN NEW.id IS NOT OLD.id OR NEW.ref IS NOT OLD.ref"
																																																														  "  OR NEW.year IS NOT OLD.year OR NEW.seq IS NOT OLD.seq"
																																																														  "  OR NEW.performer_id IS NOT OLD.performer_id"
																																																														  "  BEGIN SELECT RAISE(ABORT, 'a concern''s reference and subject never change'); END;"
																																																														  "CREATE TRIGGER concerns_no_delete BEFORE DELETE ON concerns"
																																																														  "  BEGIN SELECT RAISE(ABORT, 'concerns are never deleted'); END;" M7_NO_REPLACE(
																																																														      "concerns", "id = NEW.id OR ref = NEW.ref OR (year = NEW.year AND seq = NEW.seq)") "CREATE TABLE concern_people ("
																																																																									 "  id INTEGER PRIMARY KEY,"
																																																																									 "  concern_id INTEGER NOT NULL REFERENCES concerns(id),"
																																																																									 "  user_id INTEGER NOT NULL REFERENCES users(id),"
																																																																									 "  role TEXT NOT NULL CHECK (role IN ('case-manager', 'investigator', 'panel')),"
																																																																									 "  from_at INTEGER NOT NULL,"
																																																																									 "  to_at INTEGER,"
																																																																									 "  by_user TEXT NOT NULL,"
																																																																									 "  CHECK (to_at IS NULL OR to_at >= from_at)"
																																																																									 ");"
																																																																									 "CREATE INDEX concern_people_concern ON concern_people(concern_id, role, id);"
																																																																									 "CREATE INDEX concern_people_user ON concern_people(user_id, role);"
																																																																									 /* History: the only change is ending a current row (to_at from NULL). */
																																																																									 "CREATE TRIGGER concern_people_end_only BEFORE UPDATE ON concern_people"
																																																																									 "  WHEN OLD.to_at IS NOT NULL OR NEW.to_at IS NULL OR NEW.id IS NOT OLD.id"
																																																																									 "  OR NEW.concern_id IS NOT OLD.concern_id OR NEW.user_id IS NOT OLD.user_id"
																																																																									 "  OR NEW.role IS NOT OLD.role OR NEW.from_at IS NOT OLD.from_at"
																																																																									 "  OR NEW.by_user IS NOT OLD.by_user"
																																																																									 "  BEGIN SELECT RAISE(ABORT, 'concern_people is history: only ending a current row'); END;" M7_NO_DELETE(
																																																																									     "concern_people",
																																																																									     "id = NEW.id") "CREATE TABLE concern_grades ("
																																																																											    "  id INTEGER PRIMARY KEY,"
																																																																											    "  concern_id INTEGER NOT NULL REFERENCES concerns(id),"
																																																																											    "  consequence INTEGER NOT NULL CHECK (consequence BETWEEN 1 AND 5),"
																																																																											    "  likelihood INTEGER NOT NULL CHECK (likelihood BETWEEN 1 AND 5),"
																																																																											    "  score INTEGER NOT NULL CHECK (score = consequence * likelihood),"
																																																																											    "  band TEXT NOT NULL CHECK (band IN ('low', 'moderate', 'high', 'extreme')),"
																																																																											    "  reason TEXT NOT NULL,"
																																																																											    "  at INTEGER NOT NULL,"
																																																																											    "  by_user TEXT NOT NULL"
																																																																											    ");"
																																																																											    "CREATE INDEX concern_grades_concern ON concern_grades(concern_id, id);" M7_APPEND_ONLY("concern_grades") "CREATE TABLE concern_events ("
																																																																																								      "  id INTEGER PRIMARY KEY,"
																																																																																								      "  concern_id INTEGER NOT NULL REFERENCES concerns(id),"
																																																																																								      "  at INTEGER NOT NULL,"
																																																																																								      "  by_user TEXT NOT NULL,"
																																																																																								      "  kind TEXT NOT NULL CHECK (kind <> ''),"
																																																																																								      "  from_state TEXT NOT NULL DEFAULT '',"
																																																																																								      "  to_state TEXT NOT NULL DEFAULT '',"
																																																																																								      "  text TEXT NOT NULL DEFAULT '',"
																																																																																								      "  date TEXT NOT NULL DEFAULT '' CHECK " M7_DATE_OR_NONE("date") ","
																																																																																																       "  detail TEXT NOT NULL DEFAULT ''"
																																																																																																       ");"
																																																																																																       "CREATE INDEX concern_events_concern ON concern_events(concern_id, id);" M7_APPEND_ONLY(
																																																																																																	   "concern_events")
    /* action_number ties an action-due clock to its action plan item. A
     * deadline stops being open when met (met = the date) or, when the
     * concern moved on without it (closure, supersession), cancelled. */
    "CREATE TABLE concern_deadlines ("
    "  id INTEGER PRIMARY KEY,"
    "  concern_id INTEGER NOT NULL REFERENCES concerns(id),"
    "  kind TEXT NOT NULL CHECK (kind <> ''),"
    "  start TEXT NOT NULL CHECK (start GLOB " M7_DATE "),"
    "  due TEXT NOT NULL CHECK (due GLOB " M7_DATE "),"
    "  basis TEXT NOT NULL DEFAULT '',"
    "  met TEXT NOT NULL DEFAULT '' CHECK " M7_DATE_OR_NONE(
	"met") ","
	       "  cancelled INTEGER NOT NULL DEFAULT 0 " M7_BOOL(
		   "cancelled") ","
				"  action_number INTEGER,"
				"  CHECK (cancelled = 0 OR met <> '')"
				");"
				"CREATE INDEX concern_deadlines_concern ON "
				"concern_deadlines(concern_id, met, due);"
				"CREATE INDEX concern_deadlines_open ON concern_deadlines(due, id) "
				"WHERE met = '';" M7_NO_DELETE(
				    "concern_deadlines", "id = NEW.id") "CREATE TABLE "
									"concern_referrals ("
									"  id INTEGER PRIMARY KEY,"
									"  concern_id INTEGER NOT "
									"NULL REFERENCES "
									"concerns(id),"
									"  body TEXT NOT NULL,"
									"  date TEXT NOT NULL "
									"CHECK (date GLOB " M7_DATE
									"),"
									"  rationale TEXT NOT NULL "
									"DEFAULT '',"
									"  their_ref TEXT NOT NULL "
									"DEFAULT '',"
									"  response TEXT NOT NULL "
									"DEFAULT '',"
									"  at INTEGER NOT NULL,"
									"  by_user TEXT NOT NULL,"
									"  updated_at INTEGER NOT "
									"NULL,"
									"  updated_by TEXT NOT NULL"
									");"
									"CREATE INDEX "
									"concern_referrals_concern "
									"ON "
									"concern_referrals(concern_"
									"id, id);" M7_NO_DELETE(
									    "concern_referrals", "i"
												 "d"
												 " "
												 "="
												 " "
												 "N"
												 "E"
												 "W"
												 "."
												 "i"
												 "d") "CREATE TABLE concern_notes ("
												      "  id INTEGER PRIMARY KEY,"
												      "  concern_id INTEGER NOT NULL REFERENCES concerns(id),"
												      "  text TEXT NOT NULL,"
												      "  at INTEGER NOT NULL,"
												      "  by_user TEXT NOT NULL"
												      ");"
												      "CREATE INDEX concern_notes_concern ON concern_notes(concern_id, id);" M7_APPEND_ONLY("concern_notes") "CREATE TABLE concern_evidence ("
																									     "  id INTEGER PRIMARY KEY,"
																									     "  concern_id INTEGER NOT NULL REFERENCES concerns(id),"
																									     "  title TEXT NOT NULL,"
																									     "  location TEXT NOT NULL DEFAULT '',"
																									     "  sha256 TEXT NOT NULL DEFAULT '' CHECK (sha256 = '' OR"
																									     "    (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*')),"
																									     "  at INTEGER NOT NULL,"
																									     "  by_user TEXT NOT NULL"
																									     ");"
																									     "CREATE INDEX concern_evidence_concern ON concern_evidence(concern_id, id);" M7_APPEND_ONLY("concern_evidence") "CREATE TABLE concern_actions ("
																																							     "  id INTEGER PRIMARY KEY,"
																																							     "  concern_id INTEGER NOT NULL REFERENCES concerns(id),"
																																							     "  number INTEGER NOT NULL CHECK (number >= 1),"
																																							     "  text TEXT NOT NULL,"
																																							     "  owner TEXT NOT NULL DEFAULT '',"
																																							     "  due TEXT NOT NULL DEFAULT '' CHECK " M7_DATE_OR_NONE("due") ","
																																															    "  done TEXT NOT NULL DEFAULT '' CHECK " M7_DATE_OR_NONE(
																																																"done") ","
																																																	"  at INTEGER NOT NULL,"
																																																	"  by_user TEXT NOT NULL,"
																																																	"  done_at INTEGER NOT NULL DEFAULT 0,"
																																																	"  done_by TEXT NOT NULL DEFAULT '',"
																																																	"  UNIQUE (concern_id, number)"
																																																	");"
																																																	"CREATE TRIGGER concern_actions_number_fixed BEFORE UPDATE OF number ON concern_actions"
																																																	"  WHEN NEW.number IS NOT OLD.number"
																																																	"  BEGIN SELECT RAISE(ABORT, 'an action keeps its number'); END;" M7_NO_DELETE(
																																																	    "concern_actions", "id = NEW.id OR (concern_id = NEW.concern_id AND number = NEW.number)") "CREATE TABLE concern_decisions ("
																																																												       "  id INTEGER PRIMARY KEY,"
																																																												       "  concern_id INTEGER NOT NULL REFERENCES concerns(id),"
																																																												       "  kind TEXT NOT NULL CHECK (kind IN ('decision', 'suspension', 'reinstatement')),"
																																																												       "  outcome TEXT NOT NULL DEFAULT '',"
																																																												       "  rationale TEXT NOT NULL DEFAULT '',"
																																																												       "  grounds TEXT NOT NULL DEFAULT '',"
																																																												       "  conditions TEXT NOT NULL DEFAULT '',"
																																																												       "  representations_considered TEXT NOT NULL DEFAULT '',"
																																																												       "  facts_relied_on TEXT NOT NULL DEFAULT '',"
																																																												       "  panel TEXT NOT NULL DEFAULT '',"
																																																												       "  date TEXT NOT NULL CHECK (date GLOB " M7_DATE
																																																												       "),"
																																																												       "  detail TEXT NOT NULL DEFAULT '',"
																																																												       "  status_before TEXT NOT NULL DEFAULT '',"
																																																												       "  status_after TEXT NOT NULL DEFAULT '',"
																																																												       "  at INTEGER NOT NULL,"
																																																												       "  by_user TEXT NOT NULL"
																																																												       ");"
																																																												       "CREATE INDEX concern_decisions_concern ON concern_decisions(concern_id, id);" M7_APPEND_ONLY(
																																																													   "concern_decisions");

/* Concern lists led by the open deadlines: "--overdue" walks the open
 * deadlines in concern order (keyset paging by concern id) instead of every
 * concern. The index holds only open deadlines (met = ''), so it stays as
 * small as the open caseload however many met ones accumulate; met is a
 * column too so that SQLite 3.40 reads the index alone (it does not count
 * a partial index's WHERE columns as covered). */
/* A decision also records the conditions in force before it, so a tribunal
 * that allows an appeal restores the subject's status with its conditions
 * (the status alone was already recorded, as status_before). */
static const char migration_8[] =
    "CREATE INDEX concern_deadlines_open_concern"
    "  ON concern_deadlines(concern_id, due, met) WHERE met = '';"
    "ALTER TABLE concern_decisions ADD COLUMN conditions_before TEXT NOT NULL DEFAULT '';";

/* Admin-changeable settings (DOMAIN.md: "Periods and thresholds ... are
 * defaults that an admin can change in configuration (each change
 * audited)"). A key without a row has its compiled default (version 1);
 * holiday_overrides holds the changes to the computed England and Wales
 * table (a day added, a default day removed); settings_version is bumped
 * with a fresh random stamp by every change, so the server's cached
 * snapshot can tell in one lookup whether it is still the one in force
 * (the stamp, unlike the count, never repeats after a rolled-back change).
 * The history of every change is the audit trail (old and new values).
 * The admin role gains config.manage: configuration is neither identity
 * administration nor case content (docs/ROLES.md). */
static const char migration_9[] =
    "CREATE TABLE settings ("
    "  key TEXT PRIMARY KEY,"
    "  value TEXT NOT NULL,"
    "  version INTEGER NOT NULL CHECK (version >= 2),"
    "  changed_by TEXT NOT NULL,"
    "  changed_at INTEGER NOT NULL,"
    "  reason TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE holiday_overrides ("
    "  day TEXT PRIMARY KEY CHECK (day GLOB " M7_DATE "),"
    "  change TEXT NOT NULL CHECK (change IN ('added', 'removed')),"
    "  name TEXT NOT NULL,"
    "  changed_by TEXT NOT NULL,"
    "  changed_at INTEGER NOT NULL,"
    "  reason TEXT NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE settings_version ("
    "  id INTEGER PRIMARY KEY CHECK (id = 1),"
    "  version INTEGER NOT NULL,"
    "  stamp TEXT NOT NULL,"
    "  changed_by TEXT NOT NULL DEFAULT '',"
    "  changed_at INTEGER NOT NULL DEFAULT 0"
    ");"
    "INSERT INTO settings_version (id, version, stamp) VALUES (1, 1, lower(hex(randomblob(16))));"
    "INSERT INTO role_permissions (role_id, permission)"
    "  SELECT id, 'config.manage' FROM roles WHERE name = 'admin' AND builtin = 1;"
    "UPDATE roles SET description = 'manages users, roles, sites and sessions, and the "
    "configurable periods, thresholds and bank holidays; no case or review content'"
    "  WHERE name = 'admin' AND builtin = 1;";

/* Login throttling (server/domain/throttle.c) survives a restart: one row per key
 * the server remembers, written by the writer as failures and clears
 * happen and read back at start-up. A pair row names the account and the
 * client address; an account's own row (its ceiling) has addr ''; an
 * address's own row (spraying many accounts) has account ''. Rows with
 * nothing left to remember are pruned, and the table is capped, so it
 * stays as small as the memory copy. The claimed account name is not a
 * reference to users: unknown names are throttled like known ones. */
static const char migration_11[] =
    "CREATE TABLE login_throttle ("
    "  account TEXT NOT NULL,"
    "  addr TEXT NOT NULL,"
    "  failures INTEGER NOT NULL CHECK (failures >= 0),"
    "  delayed_until INTEGER NOT NULL,"
    "  window_start INTEGER NOT NULL,"
    "  window_failures INTEGER NOT NULL CHECK (window_failures >= 0),"
    "  last_failure INTEGER NOT NULL,"
    "  PRIMARY KEY (account, addr),"
    "  CHECK (account <> '' OR addr <> '')"
    ") WITHOUT ROWID;"
    "CREATE INDEX login_throttle_last_failure ON login_throttle(last_failure);";

const struct db_migration db_migrations[] = {
    {1, "identity: sites, users, roles, sessions", migration_1},
    {2, "identity: built-in roles, last login, disable reason", migration_2},
    {3, "audit trail", migration_3},
    {4, "audit Merkle tree and signed checkpoints", migration_4},
    {5, "audit: REPLACE refused too", migration_5},
    {6, "performers list register", migration_6},
    {7, "concerns", migration_7},
    {8, "concerns: open deadlines by concern; conditions before a decision", migration_8},
    {9, "settings and bank-holiday changes; admin gains config.manage", migration_9},
    {10, "contracts, indicator sets, requirements catalogue, reviews", migration_10_reviews},
    {11, "login throttle state", migration_11},
};

const int db_migrations_count = sizeof db_migrations / sizeof db_migrations[0];
