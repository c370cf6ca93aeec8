/*
 * The permission catalogue. Permissions are code: each RPC's table row names
 * the one it needs, and roles (data, in the database) are sets of them. A
 * session carries its acting role's set as a bit mask.
 */
#ifndef ASSURE_PERMISSIONS_H
#define ASSURE_PERMISSIONS_H

#include <stdint.h>

enum perm {
	PERM_NONE = 0, /* any logged-in session */
	PERM_USER_READ,
	PERM_USER_MANAGE,
	PERM_ROLE_MANAGE,
	PERM_SITE_MANAGE,
	PERM_SESSION_MANAGE,
	PERM_AUDIT_READ,
	PERM_PERFORMER_READ,
	PERM_PERFORMER_WRITE,
	PERM_CONCERN_READ,
	PERM_CONCERN_WRITE,
	PERM_CONCERN_PAG,
	PERM_CONCERN_INVESTIGATE,
	PERM_CONCERN_DECIDE,
	PERM_CONTRACT_READ,
	PERM_CONTRACT_WRITE,
	PERM_INDICATORS_MANAGE,
	PERM_REVIEW_READ,
	PERM_REVIEW_WRITE,
	PERM_CONFIG_MANAGE,
	PERM__COUNT
};

typedef uint64_t perm_mask;

#define PERM_BIT(p) ((perm_mask)1 << (p))

/* "user.manage" for PERM_USER_MANAGE; "" for PERM_NONE. */
const char *perm_name(enum perm p);
/* One line of meaning. */
const char *perm_meaning(enum perm p);
/* The permission with this name, or -1. */
int perm_parse(const char *name);

#endif
