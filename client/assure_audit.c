/*
 * assure-audit: the audit-logging module (DESIGN.md). It will follow the
 * server's audit stream with a durable cursor and write each record exactly
 * once to JSON Lines files and/or RFC 5424 syslog. It is not written yet;
 * until it is, it says so plainly instead of pretending to run, and fails
 * with the usage exit code so no service manager or script mistakes it for
 * a working logger.
 */
#include <stdio.h>
#include <string.h>

#include "status.h"

static const char usage[] =
    "usage: assure-audit [--help]\n"
    "\n"
    "assure-audit: follows the audit stream of an assure server with a durable\n"
    "cursor and writes each record exactly once to JSON Lines files and/or\n"
    "RFC 5424 syslog (RFC 5425 over TLS) for SIEM and compliance tools.\n"
    "\n"
    "(not yet implemented: see issue 4)\n";

int main(int argc, char **argv)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return EXIT_CODE_OK;
	}
	fputs("assure-audit: not yet implemented (see issue 4); try --help\n", stderr);
	return EXIT_CODE_USAGE;
}
