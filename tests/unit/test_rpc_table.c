/*
 * The RPC dispatch table (server/rpc/rpc.c and the rpc_<group>.c tables) and
 * the permission catalogue (server/domain/permissions.c). Authorisation policy
 * lives in table flags, so this file is the authorisation matrix's guard:
 * every operation in the .proto has exactly one row, and the operations
 * allowed before login, before Hello, or with a password change pending
 * are fixed allow-lists. Widening any of them must
 * be a deliberate edit here, reviewed as a security change.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assure.pb-c.h"
#include "permissions.h"
#include "rpc.h"

static bool name_in(const char *name, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(name, *list) == 0)
			return true;
	return false;
}

static size_t list_len(const char *const *list)
{
	size_t n = 0;
	while (list[n] != NULL)
		n++;
	return n;
}

/* "password_change" -> "PasswordChange". */
static void camel(const char *snake, char *out, size_t size)
{
	size_t j = 0;
	bool up = true;
	for (const char *p = snake; *p != '\0' && j + 1 < size; p++) {
		if (*p == '_') {
			up = true;
			continue;
		}
		out[j++] = up ? (char)toupper((unsigned char)*p) : *p;
		up = false;
	}
	out[j] = '\0';
}

static size_t entries(const struct rpc_entry ***out)
{
	size_t n = rpc_entries(out);
	assert_non_null(*out);
	assert_true(n > 0);
	return n;
}

/* Each operation of Request's oneof has exactly one row, named after it,
 * and rpc_lookup finds that row; no row names an operation the protocol
 * does not have. */
static void test_every_proto_op_has_one_entry(void **state)
{
	(void)state;
	const struct rpc_entry **all;
	size_t n = entries(&all);
	const ProtobufCMessageDescriptor *d = &assure__request__descriptor;
	size_t nops = 0;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		if (strcmp(f->name, "id") == 0)
			continue;
		/* Everything else in Request is an operation of the oneof. */
		assert_true(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF);
		assert_int_equal(f->type, PROTOBUF_C_TYPE_MESSAGE);
		nops++;

		size_t rows = 0;
		const struct rpc_entry *row = NULL;
		for (size_t k = 0; k < n; k++) {
			if (all[k]->op == (int)f->id) {
				rows++;
				row = all[k];
			}
		}
		if (rows != 1)
			fprintf(stderr, "Request.%s (%u) has %zu table rows\n", f->name, f->id,
				rows);
		assert_int_equal(rows, 1);
		assert_ptr_equal(rpc_lookup((int)f->id), row);

		/* The row is the one for this operation, not a neighbour's. */
		char want[64];
		camel(f->name, want, sizeof want);
		assert_string_equal(row->name, want);
		const ProtobufCMessageDescriptor *md = f->descriptor;
		char msg[80];
		snprintf(msg, sizeof msg, "%sRequest", row->name);
		assert_string_equal(md->short_name, msg);
	}
	/* No stale rows, and nothing outside the index. */
	assert_int_equal(n, nops);
	for (size_t k = 0; k < n; k++) {
		const ProtobufCFieldDescriptor *f =
		    protobuf_c_message_descriptor_get_field(d, (unsigned)all[k]->op);
		assert_non_null(f);
		assert_true(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF);
	}
}

static void test_entries_well_formed(void **state)
{
	(void)state;
	const struct rpc_entry **all;
	size_t n = entries(&all);
	const unsigned known_flags =
	    RPC_PREAUTH | RPC_WRITE | RPC_BARRIER | RPC_PWCHANGE_OK | RPC_NO_HELLO | RPC_TALLY;
	for (size_t k = 0; k < n; k++) {
		const struct rpc_entry *e = all[k];
		assert_non_null(e->name);
		assert_true(strlen(e->name) > 0);
		assert_non_null(e->handler);
		assert_int_equal(e->flags & ~known_flags, 0);
		assert_in_range(e->perm, PERM_NONE, PERM__COUNT - 1);
		/* A permission on a pre-auth row could never be checked. */
		if (e->flags & RPC_PREAUTH)
			assert_int_equal(e->perm, PERM_NONE);
		for (size_t j = 0; j < k; j++) {
			assert_string_not_equal(e->name, all[j]->name);
			assert_int_not_equal(e->op, all[j]->op);
		}
	}
}

/* An operation allowed without a session is a hole in authentication
 * unless it is on this list. */
static void test_preauth_allow_list(void **state)
{
	(void)state;
	static const char *const allowed[] = {"Hello", "Status", "Login", "Resume", NULL};
	const struct rpc_entry **all;
	size_t n = entries(&all);
	size_t found = 0;
	for (size_t k = 0; k < n; k++) {
		bool pre = all[k]->flags & RPC_PREAUTH;
		if (pre != name_in(all[k]->name, allowed))
			fprintf(stderr, "%s: RPC_PREAUTH is %s\n", all[k]->name,
				pre ? "set" : "unset");
		assert_int_equal(pre, name_in(all[k]->name, allowed));
		found += pre;
	}
	assert_int_equal(found, list_len(allowed));
}

/* Only Hello may come before Hello. */
static void test_no_hello_only_hello(void **state)
{
	(void)state;
	const struct rpc_entry **all;
	size_t n = entries(&all);
	size_t found = 0;
	for (size_t k = 0; k < n; k++) {
		bool nh = all[k]->flags & RPC_NO_HELLO;
		assert_int_equal(nh, strcmp(all[k]->name, "Hello") == 0);
		found += nh;
	}
	assert_int_equal(found, 1);
	const struct rpc_entry *hello = rpc_lookup(ASSURE__REQUEST__OP_HELLO);
	assert_non_null(hello);
	assert_string_equal(hello->name, "Hello");
	assert_true(hello->flags & RPC_NO_HELLO);
}

/* With a password change pending, a session can do only these: see who it
 * is, leave, or change the password. */
static void test_pwchange_allow_list(void **state)
{
	(void)state;
	static const char *const allowed[] = {"Whoami", "Logout", "PasswordChange", NULL};
	const struct rpc_entry **all;
	size_t n = entries(&all);
	for (size_t k = 0; k < n; k++) {
		if (all[k]->flags & RPC_PREAUTH)
			continue; /* not session-checked at all */
		bool ok = all[k]->flags & RPC_PWCHANGE_OK;
		assert_int_equal(ok, name_in(all[k]->name, allowed));
	}
}

static void test_lookup_misses(void **state)
{
	(void)state;
	assert_null(rpc_lookup(0));
	assert_null(rpc_lookup(-1));
	assert_null(rpc_lookup(1)); /* Request.id, not an operation */
	assert_null(rpc_lookup(9999));
	assert_null(rpc_lookup(1023));
	assert_null(rpc_lookup(1024));
	const struct rpc_entry **all;
	size_t n = entries(&all);
	for (size_t k = 0; k < n; k++)
		assert_ptr_equal(rpc_lookup(all[k]->op), all[k]);
}

/* The names are stored in role_permissions; a rename or reuse would
 * silently change what existing roles grant. New ones are appended here. */
static void test_permission_catalogue(void **state)
{
	(void)state;
	static const char *const names[PERM__COUNT] = {
	    [PERM_NONE] = "",
	    [PERM_USER_READ] = "user.read",
	    [PERM_USER_MANAGE] = "user.manage",
	    [PERM_ROLE_MANAGE] = "role.manage",
	    [PERM_SITE_MANAGE] = "site.manage",
	    [PERM_SESSION_MANAGE] = "session.manage",
	    [PERM_AUDIT_READ] = "audit.read",
	    [PERM_PERFORMER_READ] = "performer.read",
	    [PERM_PERFORMER_WRITE] = "performer.write",
	    [PERM_CONCERN_READ] = "concern.read",
	    [PERM_CONCERN_WRITE] = "concern.write",
	    [PERM_CONCERN_PAG] = "concern.pag",
	    [PERM_CONCERN_INVESTIGATE] = "concern.investigate",
	    [PERM_CONCERN_DECIDE] = "concern.decide",
	    [PERM_CONTRACT_READ] = "contract.read",
	    [PERM_CONTRACT_WRITE] = "contract.write",
	    [PERM_INDICATORS_MANAGE] = "indicators.manage",
	    [PERM_REVIEW_READ] = "review.read",
	    [PERM_REVIEW_WRITE] = "review.write",
	    [PERM_CONFIG_MANAGE] = "config.manage",
	};
	/* A mask bit per permission. */
	assert_true(PERM__COUNT <= 64);
	assert_string_equal(perm_name(PERM_NONE), "");
	assert_true(strlen(perm_meaning(PERM_NONE)) > 0);
	for (int p = 1; p < PERM__COUNT; p++) {
		const char *name = perm_name((enum perm)p);
		assert_non_null(name);
		assert_non_null(names[p]);
		assert_string_equal(name, names[p]);
		assert_int_equal(perm_parse(name), p);
		const char *meaning = perm_meaning((enum perm)p);
		assert_non_null(meaning);
		assert_true(strlen(meaning) > 0);
		assert_string_not_equal(meaning, "?");
		/* area.verb, lower case: the form admins type. */
		const char *dot = strchr(name, '.');
		assert_non_null(dot);
		assert_true(dot > name && dot[1] != '\0' && strchr(dot + 1, '.') == NULL);
		for (const char *c = name; *c != '\0'; c++)
			assert_true((*c >= 'a' && *c <= 'z') || *c == '.');
		for (int q = 0; q < p; q++) {
			assert_string_not_equal(name, perm_name((enum perm)q));
			assert_int_not_equal(PERM_BIT(p), PERM_BIT(q));
		}
	}
	/* Nothing parses to PERM_NONE (a blank row must grant nothing), and
	 * parsing is exact. */
	assert_int_equal(perm_parse(""), -1);
	assert_int_equal(perm_parse("?"), -1);
	assert_int_equal(perm_parse("USER.READ"), -1);
	assert_int_equal(perm_parse("user.read "), -1);
	assert_int_equal(perm_parse("user"), -1);
	assert_int_equal(perm_parse("nonexistent.perm"), -1);
	/* Out of range is harmless. */
	assert_string_equal(perm_name(PERM__COUNT), "?");
	assert_string_equal(perm_name((enum perm) - 1), "?");
	assert_string_equal(perm_meaning(PERM__COUNT), "?");
}

/* Every permission a row needs is a real one with a name to show in the
 * "permission denied" message. */
static void test_entry_permissions_named(void **state)
{
	(void)state;
	const struct rpc_entry **all;
	size_t n = entries(&all);
	for (size_t k = 0; k < n; k++) {
		if (all[k]->perm == PERM_NONE)
			continue;
		assert_int_equal(perm_parse(perm_name(all[k]->perm)), (int)all[k]->perm);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_proto_op_has_one_entry),
	    cmocka_unit_test(test_entries_well_formed),
	    cmocka_unit_test(test_preauth_allow_list),
	    cmocka_unit_test(test_no_hello_only_hello),
	    cmocka_unit_test(test_pwchange_allow_list),
	    cmocka_unit_test(test_lookup_misses),
	    cmocka_unit_test(test_permission_catalogue),
	    cmocka_unit_test(test_entry_permissions_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
