/*
 * Names and meanings of the permission catalogue. The names are stored in
 * the database (role_permissions.permission) and shown to admins, so they
 * never change once released; new ones are appended.
 */
#include "permissions.h"

#include <string.h>

static const struct {
	const char *name;
	const char *meaning;
} perm_table[PERM__COUNT] = {
    [PERM_NONE] = {"", "any logged-in user"},
    [PERM_USER_READ] = {"user.read", "see users, their roles and sites"},
    [PERM_USER_MANAGE] = {"user.manage", "add, change, disable and enable users; reset passwords"},
    [PERM_ROLE_MANAGE] = {"role.manage", "create, change and remove custom roles"},
    [PERM_SITE_MANAGE] = {"site.manage", "add and change PCT sites"},
    [PERM_SESSION_MANAGE] = {"session.manage", "list and revoke any user's sessions"},
    [PERM_AUDIT_READ] = {"audit.read", "query, export, follow and verify the audit trail"},
    [PERM_PERFORMER_READ] = {"performer.read", "see performers and their list status"},
    [PERM_PERFORMER_WRITE] = {"performer.write", "add performers and record admission decisions"},
    [PERM_CONCERN_READ] = {"concern.read", "see concern content (subject to assignment rules)"},
    [PERM_CONCERN_WRITE] = {"concern.write", "open, grade, assign and administer concerns"},
    [PERM_CONCERN_PAG] = {"concern.pag", "take Performance Advisory Group steps on concerns"},
    [PERM_CONCERN_INVESTIGATE] = {"concern.investigate",
				  "record investigation reports on assigned concerns"},
    [PERM_CONCERN_DECIDE] = {"concern.decide",
			     "take panel decisions: suspension, conditions, removal"},
    [PERM_CONTRACT_READ] = {"contract.read", "see contracts, reviews and scorecards"},
    [PERM_CONTRACT_WRITE] = {"contract.write", "add and change contracts and contract notices"},
    [PERM_INDICATORS_MANAGE] =
	{"indicators.manage",
	 "draft and publish scorecard indicator sets and the requirements catalogue"},
    [PERM_REVIEW_READ] = {"review.read", "see annual contract reviews"},
    [PERM_REVIEW_WRITE] = {"review.write", "record, override and finalise annual contract reviews"},
    [PERM_CONFIG_MANAGE] = {"config.manage",
			    "change periods, thresholds and the bank-holiday table"},
};

const char *perm_name(enum perm p)
{
	if ((int)p < 0 || p >= PERM__COUNT)
		return "?";
	return perm_table[p].name;
}

const char *perm_meaning(enum perm p)
{
	if ((int)p < 0 || p >= PERM__COUNT)
		return "?";
	return perm_table[p].meaning;
}

int perm_parse(const char *name)
{
	for (int p = 1; p < PERM__COUNT; p++)
		if (strcmp(perm_table[p].name, name) == 0)
			return p;
	return -1;
}
