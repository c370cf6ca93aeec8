/*
 * Status names and the CLI's exit codes. The numbers are gRPC's and the wire
 * carries them (assure.Code), so this table is the only place a number is
 * given a name or an exit code; the CLI and the logs both ask here.
 */
#include "status.h"

#include <stddef.h>
#include <string.h>

static const struct {
	const char *name;
	int exit_code;
} status_table[] = {
    [0] = {"OK", EXIT_CODE_OK},
    [1] = {"CANCELLED", EXIT_CODE_INTERNAL},
    [2] = {"UNKNOWN", EXIT_CODE_INTERNAL},
    [3] = {"INVALID_ARGUMENT", EXIT_CODE_INVALID},
    [4] = {"DEADLINE_EXCEEDED", EXIT_CODE_UNAVAILABLE},
    [5] = {"NOT_FOUND", EXIT_CODE_NOT_FOUND},
    [6] = {"ALREADY_EXISTS", EXIT_CODE_CONFLICT},
    [7] = {"PERMISSION_DENIED", EXIT_CODE_PERMISSION_DENIED},
    [8] = {"RESOURCE_EXHAUSTED", EXIT_CODE_EXHAUSTED},
    [9] = {"FAILED_PRECONDITION", EXIT_CODE_PRECONDITION},
    [10] = {"ABORTED", EXIT_CODE_CONFLICT},
    [11] = {"OUT_OF_RANGE", EXIT_CODE_INVALID},
    [12] = {"UNIMPLEMENTED", EXIT_CODE_INTERNAL},
    [13] = {"INTERNAL", EXIT_CODE_INTERNAL},
    [14] = {"UNAVAILABLE", EXIT_CODE_UNAVAILABLE},
    [15] = {"DATA_LOSS", EXIT_CODE_INTERNAL},
    [16] = {"UNAUTHENTICATED", EXIT_CODE_UNAUTHENTICATED},
};

#define STATUS_COUNT ((int)(sizeof status_table / sizeof status_table[0]))

const char *status_code_name(int code)
{
	if (code < 0 || code >= STATUS_COUNT)
		return "UNKNOWN_STATUS";
	return status_table[code].name;
}

int status_code_parse(const char *name)
{
	if (name == NULL)
		return -1;
	for (int i = 0; i < STATUS_COUNT; i++)
		if (strcmp(status_table[i].name, name) == 0)
			return i;
	return -1;
}

int status_exit_code(int code)
{
	/* A newer server may send a code this client has never heard of; that
	 * is an internal failure as far as a script is concerned. */
	if (code < 0 || code >= STATUS_COUNT)
		return EXIT_CODE_INTERNAL;
	return status_table[code].exit_code;
}
