/*
 * Status codes (gRPC's names and numbers, see proto/assure.proto) and the
 * CLI's documented exit codes, mapped in one place.
 */
#ifndef ASSURE_STATUS_H
#define ASSURE_STATUS_H

enum exit_code {
	EXIT_CODE_OK = 0,
	EXIT_CODE_INTERNAL = 1,
	EXIT_CODE_USAGE = 2,
	EXIT_CODE_UNAUTHENTICATED = 3,
	EXIT_CODE_PERMISSION_DENIED = 4,
	EXIT_CODE_NOT_FOUND = 5,
	EXIT_CODE_CONFLICT = 6,	    /* ALREADY_EXISTS or ABORTED (stale version) */
	EXIT_CODE_PRECONDITION = 7, /* FAILED_PRECONDITION: a rule or state */
	EXIT_CODE_INVALID = 8,	    /* INVALID_ARGUMENT, OUT_OF_RANGE */
	EXIT_CODE_UNAVAILABLE = 9,  /* network, TLS, server unavailable */
	EXIT_CODE_EXHAUSTED = 10,   /* RESOURCE_EXHAUSTED */
};

/* "INVALID_ARGUMENT" for 3, ...; "UNKNOWN_STATUS" for a number we do not know. */
const char *status_code_name(int code);
/* Parses a name as status_code_name gives it; -1 if unknown. */
int status_code_parse(const char *name);
/* The exit code the CLI uses for a status code. OK → 0; unknown → 1. */
int status_exit_code(int code);

#endif
