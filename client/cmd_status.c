/*
 * assure status: what the server says about itself (version, protocol,
 * uptime, schema, open connections), as an aligned table or one JSON
 * object. It needs no login, but resumes a stored session when there is
 * one for this server, so it works whether or not the server asks for a
 * session before answering Status.
 */
#include <inttypes.h>
#include <stdio.h>

#include "cli.h"
#include "cli_json.h"
#include "client.h"
#include "status.h"

/* "3d 4h 5m 6s", leading zero units left out. */
static void format_uptime(uint64_t s, char *buf, size_t size)
{
	uint64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60, sec = s % 60;
	if (d > 0)
		snprintf(buf, size, "%" PRIu64 "d %" PRIu64 "h %" PRIu64 "m %" PRIu64 "s", d, h, m,
			 sec);
	else if (h > 0)
		snprintf(buf, size, "%" PRIu64 "h %" PRIu64 "m %" PRIu64 "s", h, m, sec);
	else if (m > 0)
		snprintf(buf, size, "%" PRIu64 "m %" PRIu64 "s", m, sec);
	else
		snprintf(buf, size, "%" PRIu64 "s", sec);
}

static int cmd_status_exec(struct cli *cli)
{
	Assure__StatusRequest status = ASSURE__STATUS_REQUEST__INIT;
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.op_case = ASSURE__REQUEST__OP_STATUS;
	req.status = &status;

	Assure__Response *resp = NULL;
	int rc = cli_call(cli, &req, &resp);
	if (rc != 0)
		return rc;
	if (resp->result_case != ASSURE__RESPONSE__RESULT_STATUS_INFO ||
	    resp->status_info == NULL) {
		assure__response__free_unpacked(resp, NULL);
		return cli_error(EXIT_CODE_INTERNAL, "server answered Status without status info");
	}
	const Assure__StatusResponse *si = resp->status_info;

	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_object_begin(&j);
		cli_json_field_string(&j, "server_version", si->server_version);
		cli_json_field_uint(&j, "protocol_version", si->protocol_version);
		cli_json_field_uint(&j, "uptime_seconds", si->uptime_seconds);
		cli_json_field_uint(&j, "schema_version", si->schema_version);
		cli_json_field_uint(&j, "connections", si->connections);
		cli_json_object_end(&j);
	} else {
		char protocol[16], uptime[64], schema[16], conns[16];
		snprintf(protocol, sizeof protocol, "%" PRIu32, si->protocol_version);
		format_uptime(si->uptime_seconds, uptime, sizeof uptime);
		snprintf(schema, sizeof schema, "%" PRIu32, si->schema_version);
		snprintf(conns, sizeof conns, "%" PRIu32, si->connections);
		const struct cli_row rows[] = {
		    {"Server", cli->server},	    {"Server version", si->server_version},
		    {"Protocol version", protocol}, {"Uptime", uptime},
		    {"Schema version", schema},	    {"Connections", conns},
		};
		cli_print_rows(stdout, rows, sizeof rows / sizeof rows[0]);
	}
	assure__response__free_unpacked(resp, NULL);
	return 0;
}

const struct cli_command cli_cmd_status = {
    .noun = "status",
    .summary = "show the server's version, uptime and connections",
    .help = "Asks the server for its version, protocol version, uptime, database schema\n"
	    "version and number of open connections. --json prints one object with the\n"
	    "keys server_version, protocol_version, uptime_seconds, schema_version and\n"
	    "connections.",
    .needs = CLI_SESSION_OPTIONAL,
    .exec = cmd_status_exec,
};
