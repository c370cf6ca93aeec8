/*
 * System RPCs: Hello (protocol negotiation) and Status (health, versions,
 * load). Both answer from memory on the loop thread.
 */
#include <stdio.h>

#include "clock.h"
#include "conn.h"
#include "rpc.h"
#include "server.h"
#include "timeutil.h"
#include "version.h"

static enum rpc_result rpc_system_hello(struct rpc_call *call)
{
	const Assure__HelloRequest *h = call->req->hello;
	struct conn *c = conn_find(call->srv, call->conn_id);
	if (h->protocol_version != ASSURE_PROTOCOL_VERSION)
		return rpc_error(
		    call, ASSURE__CODE__FAILED_PRECONDITION,
		    "incompatible protocol version: client speaks %u, server speaks %d",
		    h->protocol_version, ASSURE_PROTOCOL_VERSION);
	if (c != NULL)
		c->hello_done = true;
	Assure__HelloResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__hello_response__init(r);
	r->protocol_version = ASSURE_PROTOCOL_VERSION;
	r->server_version = (char *)ASSURE_VERSION;
	call->resp->result_case = ASSURE__RESPONSE__RESULT_HELLO;
	call->resp->hello = r;
	return RPC_DONE;
}

static enum rpc_result rpc_system_status(struct rpc_call *call)
{
	struct server *srv = call->srv;
	Assure__StatusResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__status_response__init(r);
	r->server_version = (char *)ASSURE_VERSION;
	r->protocol_version = ASSURE_PROTOCOL_VERSION;
	int64_t up = (time_mono_ms() - srv->started_ms) / 1000;
	r->uptime_seconds = up > 0 ? (uint64_t)up : 0;
	r->schema_version = (uint32_t)srv->schema_version;
	r->connections = srv->nconns - srv->nrefusing;
	r->instance = srv->instance;
	call->resp->result_case = ASSURE__RESPONSE__RESULT_STATUS_INFO;
	call->resp->status_info = r;
	return RPC_DONE;
}

const struct rpc_entry rpc_system_table[] = {
    {ASSURE__REQUEST__OP_HELLO, "Hello", PERM_NONE, RPC_PREAUTH | RPC_NO_HELLO | RPC_TALLY,
     rpc_system_hello, 'E'},
    {ASSURE__REQUEST__OP_STATUS, "Status", PERM_NONE, RPC_PREAUTH | RPC_TALLY, rpc_system_status,
     'R'},
};

const size_t rpc_system_count = sizeof rpc_system_table / sizeof rpc_system_table[0];
