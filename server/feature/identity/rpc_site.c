/*
 * PCT site RPCs: SiteAdd, SiteList.
 */
#include <string.h>

#include "clock.h"
#include "db.h"
#include "rpc.h"
#include "store.h"
#include "validate.h"
#include "xmalloc.h"

static Assure__Site *site_msg(struct rpc_call *call, const struct site_record *s)
{
	Assure__Site *m = arena_alloc(call->arena, sizeof *m);
	assure__site__init(m);
	m->code = arena_strdup(call->arena, s->code);
	m->name = arena_strdup(call->arena, s->name);
	m->users = s->users;
	m->created_at = s->created_at / 1000;
	return m;
}

static int site_add_db(struct rpc_call *call, struct db *db, char **message)
{
	const char *code = call->state;
	int64_t id = 0;
	int st =
	    store_site_insert(db, code, call->req->site_add->name, clock_now_ms(), &id, message);
	struct site_record *s = NULL;
	if (st == ASSURE__CODE__OK)
		st = store_site_find(db, code, &s, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__SiteAddResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__site_add_response__init(r);
	r->site = site_msg(call, s);
	site_record_free(s);
	RPC_RESULT(call, site_add, SITE_ADD, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_site_add(struct rpc_call *call)
{
	char buf[256];
	char *code = arena_strdup(call->arena, call->req->site_add->code);
	const char *why = validate_site_code("code", code, buf, sizeof buf);
	if (!why)
		why = validate_text("name", call->req->site_add->name, 128, 1, 0, buf, sizeof buf);
	rpc_audit_object(call, "site", code);
	if (why)
		return rpc_error(call, ASSURE__CODE__INVALID_ARGUMENT, "%s", why);
	call->state = code;
	return rpc_write(call, site_add_db, NULL);
}

static int site_list_db(struct rpc_call *call, struct db *db, char **message)
{
	struct site_record **v = NULL;
	size_t n = 0;
	int st = store_site_list(db, &v, &n, message);
	if (st != ASSURE__CODE__OK)
		return st;
	Assure__SiteListResponse *r = arena_alloc(call->arena, sizeof *r);
	assure__site_list_response__init(r);
	r->n_sites = n;
	r->sites = arena_alloc(call->arena, (n ? n : 1) * sizeof *r->sites);
	for (size_t i = 0; i < n; i++)
		r->sites[i] = site_msg(call, v[i]);
	site_records_free(v, n);
	RPC_RESULT(call, site_list, SITE_LIST, r);
	return ASSURE__CODE__OK;
}

static enum rpc_result rpc_site_list(struct rpc_call *call)
{
	return rpc_read(call, site_list_db, NULL);
}

const struct rpc_entry rpc_site_table[] = {
    {ASSURE__REQUEST__OP_SITE_ADD, "SiteAdd", PERM_SITE_MANAGE, RPC_WRITE, rpc_site_add, 'C'},
    {ASSURE__REQUEST__OP_SITE_LIST, "SiteList", PERM_NONE, 0, rpc_site_list, 'R'},
};

const size_t rpc_site_count = sizeof rpc_site_table / sizeof rpc_site_table[0];
