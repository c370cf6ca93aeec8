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
	"  ('pag-member', 'Performance Advisory Group: screens concerns, starts investigations, agrees informal action', 1),"
	"  ('panel-member', 'decision panel: the only body that takes list decisions', 1),"
	"  ('contract-manager', 'commissions and manages GP contracts and scorecard indicator sets', 1),"
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

const struct db_migration db_migrations[] = {
	{ 1, "identity: sites, users, roles, sessions", migration_1 },
	{ 2, "identity: built-in roles, last login, disable reason", migration_2 },
	{ 3, "audit trail", migration_3 },
	{ 4, "audit Merkle tree and signed checkpoints", migration_4 },
	{ 5, "audit: REPLACE refused too", migration_5 },
};

const int db_migrations_count = sizeof db_migrations / sizeof db_migrations[0];
