/*
 * Throttle state (see throttle.h for the rules and why): one hash table
 * holding the three kinds of key, keyed by (account, address) with "" for
 * the part a kind does not have. Each account's pairs hang off its own
 * entry, so an admin's view of one account and its clear never scan the
 * table. Every entry is also on one list ordered by last failure; when the
 * table is full the oldest is forgotten (an account with its pairs).
 *
 * Every change is handed to the journal as whole rows (the state after the
 * change, or a delete), so the stored copy converges on the memory copy
 * whatever order the writer commits in: it commits in submission order.
 */
#include "throttle.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

#define THROTTLE_BUCKETS 4096
#define THROTTLE_MIN_ENTRIES 16

enum kind { KIND_PAIR, KIND_ACCOUNT, KIND_ADDRESS };

struct entry {
	struct entry *hnext;	     /* hash chain */
	struct entry *older, *newer; /* by last failure */
	struct entry *acct;	     /* a pair's account */
	struct entry *pairs;	     /* an account's pairs */
	struct entry *pprev, *pnext; /* a pair among its account's pairs */
	enum kind kind;
	struct throttle_state st;
	const char *addr; /* inside key, after the account's NUL */
	char key[];	  /* account NUL addr NUL */
};

struct throttle {
	struct throttle_rules rules;
	unsigned max_entries;
	struct entry *buckets[THROTTLE_BUCKETS];
	struct entry *oldest, *newest;
	unsigned count;
	throttle_journal_fn journal;
	void *journal_arg;
};

static uint64_t hash2(const char *account, const char *addr)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a over account NUL addr */
	for (const char *s = account; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	h *= 1099511628211ULL;
	for (const char *s = addr; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* An address we could not read still gets one key, apart from the
 * account rows (whose address is ""). */
static const char *addr_key(const char *addr)
{
	return addr != NULL && addr[0] != '\0' ? addr : "?";
}

static const struct throttle_limit *limit_of(const struct throttle *t, enum kind k)
{
	return k == KIND_PAIR	   ? &t->rules.pair
	       : k == KIND_ACCOUNT ? &t->rules.account
				   : &t->rules.address;
}

/* Per (account, address): 5 free failures, then 30 s doubling to 15 min.
 * Per account from everywhere: 100 failures an hour, far more than one
 * address's back-off allows, so only a spread-out attack delays the owner.
 * Per address over any accounts: high, since a site's staff share one NAT
 * address. */
const struct throttle_rules throttle_server_rules = {
    .pair = {5, 30 * 1000, 15 * 60 * 1000, 0},
    .account = {0, 0, 0, 100},
    .address = {50, 30 * 1000, 15 * 60 * 1000, 2000},
};

struct throttle *throttle_new(const struct throttle_rules *rules)
{
	struct throttle *t = xcalloc(1, sizeof *t);
	t->rules = *rules;
	t->max_entries = rules->max_entries ? rules->max_entries : THROTTLE_MAX_ENTRIES;
	/* Room for the three keys one failure touches, and some. */
	if (t->max_entries < THROTTLE_MIN_ENTRIES)
		t->max_entries = THROTTLE_MIN_ENTRIES;
	return t;
}

void throttle_free(struct throttle *t)
{
	if (t == NULL)
		return;
	struct entry *e = t->oldest;
	while (e) {
		struct entry *next = e->newer;
		free(e);
		e = next;
	}
	free(t);
}

void throttle_set_journal(struct throttle *t, throttle_journal_fn fn, void *arg)
{
	t->journal = fn;
	t->journal_arg = arg;
}

int64_t throttle_backoff_ms(const struct throttle_limit *l, unsigned failures)
{
	if (l->base_delay_ms <= 0 || failures <= l->free_failures)
		return 0;
	unsigned shift = failures - l->free_failures - 1;
	int64_t d = l->max_delay_ms;
	/* Past 2^40 times any sane base the cap has long been reached. */
	if (shift < 40 && (l->base_delay_ms << shift) < d)
		d = l->base_delay_ms << shift;
	return d;
}

/* Nothing left to remember: quiet for an hour and no delay running. */
static int forgettable(const struct throttle_state *s, int64_t now)
{
	return now - s->last_failure >= THROTTLE_FORGET_MS && now >= s->delayed_until;
}

/* The latest a delay may end for a state under l: a stored row claiming
 * more is damaged, or from a clock that has since gone back. */
static int64_t latest_delay_end(const struct throttle_limit *l, const struct throttle_state *s)
{
	int64_t end = 0;
	if (l->base_delay_ms > 0)
		end = s->last_failure + l->max_delay_ms;
	if (l->hourly && s->window_start + THROTTLE_WINDOW_MS > end)
		end = s->window_start + THROTTLE_WINDOW_MS;
	return end;
}

/* --- the table ----------------------------------------------------------- */

static struct entry *find(const struct throttle *t, const char *account, const char *addr)
{
	size_t b = hash2(account, addr) % THROTTLE_BUCKETS;
	for (struct entry *e = t->buckets[b]; e; e = e->hnext)
		if (strcmp(e->key, account) == 0 && strcmp(e->addr, addr) == 0)
			return e;
	return NULL;
}

static void lru_unlink(struct throttle *t, struct entry *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else
		t->oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		t->newest = e->older;
	e->older = e->newer = NULL;
}

static void lru_append(struct throttle *t, struct entry *e)
{
	e->older = t->newest;
	e->newer = NULL;
	if (t->newest)
		t->newest->newer = e;
	else
		t->oldest = e;
	t->newest = e;
}

static void touch(struct throttle *t, struct entry *e)
{
	if (t->newest == e)
		return;
	lru_unlink(t, e);
	lru_append(t, e);
}

static void remove_entry(struct throttle *t, struct entry *e)
{
	/* An account goes with its pairs: a pair always has its account. */
	while (e->pairs)
		remove_entry(t, e->pairs);
	if (e->acct) {
		if (e->pprev)
			e->pprev->pnext = e->pnext;
		else
			e->acct->pairs = e->pnext;
		if (e->pnext)
			e->pnext->pprev = e->pprev;
	}
	struct entry **pp = &t->buckets[hash2(e->key, e->addr) % THROTTLE_BUCKETS];
	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	lru_unlink(t, e);
	t->count--;
	free(e);
}

/* Makes room for one more entry by forgetting the least recently failed,
 * never keep (the account a new pair joins). */
static void make_room(struct throttle *t, const struct entry *keep)
{
	struct entry *e = t->oldest;
	while (t->count >= t->max_entries && e) {
		struct entry *next = e->newer;
		if (e != keep) {
			/* next may be one of e's pairs, freed with it. */
			while (next && next->acct == e)
				next = next->newer;
			remove_entry(t, e);
		}
		e = next;
	}
}

/* The entry for (account, addr), made (newest) if there is none. */
static struct entry *get(struct throttle *t, const char *account, const char *addr, enum kind k,
			 struct entry *acct)
{
	struct entry *e = find(t, account, addr);
	if (e)
		return e;
	make_room(t, acct);
	size_t alen = strlen(account), dlen = strlen(addr);
	e = xcalloc(1, sizeof *e + alen + dlen + 2);
	memcpy(e->key, account, alen + 1);
	memcpy(e->key + alen + 1, addr, dlen + 1);
	e->addr = e->key + alen + 1;
	e->kind = k;
	size_t b = hash2(account, addr) % THROTTLE_BUCKETS;
	e->hnext = t->buckets[b];
	t->buckets[b] = e;
	lru_append(t, e);
	t->count++;
	if (acct) {
		e->acct = acct;
		e->pnext = acct->pairs;
		if (acct->pairs)
			acct->pairs->pprev = e;
		acct->pairs = e;
	}
	return e;
}

/* --- the rules ----------------------------------------------------------- */

/* Counts one failure on s under l. Returns 1 if it took s to l's hourly
 * ceiling. */
static int count_failure(const struct throttle_limit *l, struct throttle_state *s, int64_t now)
{
	if (forgettable(s, now))
		memset(s, 0, sizeof *s);
	if (s->window_failures == 0 || now - s->window_start >= THROTTLE_WINDOW_MS ||
	    now < s->window_start) {
		s->window_start = now;
		s->window_failures = 0;
	}
	s->failures++;
	s->window_failures++;
	s->last_failure = now;
	int64_t d = throttle_backoff_ms(l, s->failures);
	if (d > 0 && now + d > s->delayed_until)
		s->delayed_until = now + d;
	if (l->hourly == 0 || s->window_failures < l->hourly)
		return 0;
	int64_t end = s->window_start + THROTTLE_WINDOW_MS;
	if (end > s->delayed_until)
		s->delayed_until = end;
	return s->window_failures == l->hourly;
}

static int64_t wait_of(const struct entry *e, int64_t now)
{
	return e != NULL && now < e->st.delayed_until ? e->st.delayed_until - now : 0;
}

int64_t throttle_check(const struct throttle *t, const char *account, const char *addr,
		       int64_t now_ms, enum throttle_reason *why)
{
	addr = addr_key(addr);
	int64_t w = 0, v;
	enum throttle_reason r = THROTTLE_NONE;
	if (account[0] != '\0') {
		if ((v = wait_of(find(t, account, addr), now_ms)) > w) {
			w = v;
			r = THROTTLE_PAIR;
		}
		if ((v = wait_of(find(t, account, ""), now_ms)) > w) {
			w = v;
			r = THROTTLE_ACCOUNT;
		}
	}
	if ((v = wait_of(find(t, "", addr), now_ms)) > w) {
		w = v;
		r = THROTTLE_ADDRESS;
	}
	if (why)
		*why = r;
	return w;
}

static void put_row(struct throttle_row *row, const struct entry *e)
{
	row->op = THROTTLE_PUT;
	row->account = e->key;
	row->addr = e->addr;
	row->st = e->st;
}

static void journal(struct throttle *t, const struct throttle_row *rows, size_t n)
{
	if (t->journal && n)
		t->journal(t->journal_arg, rows, n);
}

void throttle_failure(struct throttle *t, const char *account, const char *addr, int64_t now_ms,
		      struct throttle_outcome *out)
{
	addr = addr_key(addr);
	struct throttle_outcome o;
	memset(&o, 0, sizeof o);
	struct throttle_row rows[3];
	size_t n = 0;
	struct entry *a = get(t, "", addr, KIND_ADDRESS, NULL);
	count_failure(&t->rules.address, &a->st, now_ms);
	touch(t, a);
	put_row(&rows[n++], a);
	if (account[0] != '\0') {
		struct entry *acct = get(t, account, "", KIND_ACCOUNT, NULL);
		o.ceiling_crossed = count_failure(&t->rules.account, &acct->st, now_ms);
		touch(t, acct);
		o.account_failures = acct->st.window_failures;
		o.account_until = wait_of(acct, now_ms) ? acct->st.delayed_until : 0;
		struct entry *p = get(t, account, addr, KIND_PAIR, acct);
		count_failure(&t->rules.pair, &p->st, now_ms);
		touch(t, p);
		o.pair_until = wait_of(p, now_ms) ? p->st.delayed_until : 0;
		put_row(&rows[n++], acct);
		put_row(&rows[n++], p);
	}
	journal(t, rows, n);
	if (out)
		*out = o;
}

void throttle_success(struct throttle *t, const char *account, const char *addr)
{
	addr = addr_key(addr);
	struct throttle_row rows[2];
	size_t n = 0;
	struct entry *p = account[0] != '\0' ? find(t, account, addr) : NULL;
	if (p) {
		rows[n].op = THROTTLE_DELETE;
		rows[n].account = account;
		rows[n].addr = addr;
		memset(&rows[n].st, 0, sizeof rows[n].st);
		n++;
	}
	struct entry *a = find(t, "", addr);
	if (a && a->st.failures) {
		/* The consecutive count restarts; an hourly ceiling reached
		 * still holds until its hour ends. */
		a->st.failures = 0;
		const struct throttle_limit *l = &t->rules.address;
		a->st.delayed_until = l->hourly && a->st.window_failures >= l->hourly
					  ? a->st.window_start + THROTTLE_WINDOW_MS
					  : 0;
		put_row(&rows[n++], a);
	}
	journal(t, rows, n);
	/* The rows point into p's key: free it only once they are handed on. */
	if (p)
		remove_entry(t, p);
}

void throttle_clear_account(struct throttle *t, const char *account)
{
	if (account[0] == '\0')
		return;
	struct entry *acct = find(t, account, "");
	if (acct)
		remove_entry(t, acct);
	/* Even with nothing in memory: the stored copy may hold rows this
	 * run has forgotten (the table was full). */
	struct throttle_row row = {THROTTLE_CLEAR_ACCOUNT, account, "", {0, 0, 0, 0, 0}};
	journal(t, &row, 1);
}

void throttle_account_view(const struct throttle *t, const char *account, int64_t now_ms,
			   struct throttle_view *v)
{
	memset(v, 0, sizeof *v);
	const struct entry *acct = account[0] != '\0' ? find(t, account, "") : NULL;
	if (acct == NULL)
		return;
	if (wait_of(acct, now_ms))
		v->until = acct->st.delayed_until;
	for (const struct entry *p = acct->pairs; p; p = p->pnext)
		if (wait_of(p, now_ms))
			v->addresses++;
}

int throttle_restore(struct throttle *t, const char *account, const char *addr,
		     const struct throttle_state *st, int64_t now_ms)
{
	if (account[0] == '\0' && addr[0] == '\0')
		return 0;
	enum kind k = account[0] == '\0' ? KIND_ADDRESS
		      : addr[0] == '\0'	 ? KIND_ACCOUNT
					 : KIND_PAIR;
	struct throttle_state s = *st;
	if (s.last_failure > now_ms)
		s.last_failure = now_ms;
	if (s.window_start > s.last_failure || s.window_start < 0)
		s.window_start = s.last_failure;
	int64_t latest = latest_delay_end(limit_of(t, k), &s);
	if (s.delayed_until > latest)
		s.delayed_until = latest;
	if (s.delayed_until < 0)
		s.delayed_until = 0;
	if (forgettable(&s, now_ms))
		return 0;
	struct entry *acct = NULL;
	if (k == KIND_PAIR) {
		acct = get(t, account, "", KIND_ACCOUNT, NULL);
		touch(t, acct);
	}
	struct entry *e = get(t, account, addr, k, acct);
	e->st = s;
	touch(t, e);
	return 1;
}

unsigned throttle_prune(struct throttle *t, int64_t now_ms)
{
	unsigned n = 0;
	/* Pairs and addresses first, so accounts left without pairs can go
	 * in the second pass. */
	for (int pass = 0; pass < 2; pass++) {
		struct entry *e = t->oldest;
		while (e) {
			struct entry *next = e->newer;
			int candidate = pass == 0 ? e->kind != KIND_ACCOUNT
						  : e->kind == KIND_ACCOUNT && e->pairs == NULL;
			if (candidate && forgettable(&e->st, now_ms)) {
				remove_entry(t, e);
				n++;
			}
			e = next;
		}
	}
	return n;
}

unsigned throttle_size(const struct throttle *t)
{
	return t->count;
}
