/*
 * Login throttling that slows guessing without locking anyone out. Loop
 * thread only; no I/O (persistence goes through the journal callback, see
 * store_throttle.h).
 *
 * Three kinds of key, each with its own limit (struct throttle_limit):
 *
 *  - the pair (account, client address): the back-off. A few free
 *    failures, then a delay doubling per further failure up to a cap. A
 *    success from the pair clears it. Guesses from one address therefore
 *    never delay the owner logging in from another.
 *  - the account, from every address together: a ceiling far above what
 *    one pair can reach (failures in an hour). Crossing it delays the
 *    account everywhere until that hour is over; it is the one rule a
 *    distributed attacker can trigger against an owner, so it is high,
 *    audited, shown to admins, and cleared by an admin's password reset.
 *  - the client address, for any accounts: spraying many accounts from
 *    one address. High, because a site's staff share one NAT address, and
 *    a success from the address clears its consecutive count.
 *
 * The account is the name as claimed (known or not): throttling unknown
 * names like known ones tells an attacker nothing. A throttled attempt is
 * refused without looking at the password and is not counted.
 *
 * State nobody needs is forgotten: a key quiet for an hour with no delay
 * running is treated as new (and pruned). The table is bounded by
 * THROTTLE_MAX_ENTRIES; past it the least recently failed keys are
 * forgotten first, so a flood of made-up names costs guesses their
 * back-off, never an innocent account a lock-out.
 */
#ifndef ASSURE_THROTTLE_H
#define ASSURE_THROTTLE_H

#include <stddef.h>
#include <stdint.h>

#define THROTTLE_MAX_ENTRIES 200000
/* A key quiet this long, with no delay running, is forgotten. */
#define THROTTLE_FORGET_MS (3600 * 1000LL)
/* The ceiling's window. */
#define THROTTLE_WINDOW_MS (3600 * 1000LL)

struct throttle_limit {
	/* Consecutive failures before any delay. */
	unsigned free_failures;
	/* Delay after the first failure past the free ones (0: no back-off),
	 * doubling per further failure up to max_delay_ms. */
	int64_t base_delay_ms;
	int64_t max_delay_ms;
	/* Failures in an hour (from the first failure of the window) after
	 * which the key waits for the window to end (0: no ceiling). */
	unsigned hourly;
};

struct throttle_rules {
	struct throttle_limit pair;
	struct throttle_limit account;
	struct throttle_limit address;
	unsigned max_entries; /* 0: THROTTLE_MAX_ENTRIES (tests use fewer) */
};

/* What the server remembers about one key; also a row of the table. */
struct throttle_state {
	unsigned failures;	  /* consecutive, since the last success */
	int64_t delayed_until;	  /* Unix ms; attempts refused before it */
	int64_t window_start;	  /* Unix ms: first failure of the hour */
	unsigned window_failures; /* failures since window_start */
	int64_t last_failure;	  /* Unix ms */
};

/* A change to remember, handed to the journal. A pair row has both
 * account and addr; an account's own row has addr ""; an address's own
 * row has account "". */
enum throttle_op {
	THROTTLE_PUT,		/* the key's state is now st */
	THROTTLE_DELETE,	/* the key has nothing to remember */
	THROTTLE_CLEAR_ACCOUNT, /* the account and all its pairs (addr unused) */
};

struct throttle_row {
	enum throttle_op op;
	const char *account;
	const char *addr;
	struct throttle_state st;
};

/* Called with the rows of one event (a failure, a success, a clear), in
 * order; the strings live only for the call. */
typedef void (*throttle_journal_fn)(void *arg, const struct throttle_row *rows, size_t n);

/* Which rule refused an attempt. */
enum throttle_reason {
	THROTTLE_NONE,
	THROTTLE_PAIR,
	THROTTLE_ACCOUNT,
	THROTTLE_ADDRESS,
};

struct throttle;

/* The daemon's rules (throttle.c says why these numbers). */
extern const struct throttle_rules throttle_server_rules;

/* Never NULL. rules is copied. */
struct throttle *throttle_new(const struct throttle_rules *rules);
/* Accepts NULL. */
void throttle_free(struct throttle *t);
/* Every later change is handed to fn (NULL: none). Not called by
 * throttle_restore. */
void throttle_set_journal(struct throttle *t, throttle_journal_fn fn, void *arg);

/* The delay a limit gives after `failures` consecutive failures: 0 for
 * the free ones, then base, 2 base, 4 base ... capped at max. */
int64_t throttle_backoff_ms(const struct throttle_limit *l, unsigned failures);

/* 0 if account may try to log in from addr at now_ms, else the
 * milliseconds until it may, with the rule that refused it in *why (may
 * be NULL). Changes nothing. */
int64_t throttle_check(const struct throttle *t, const char *account, const char *addr,
		       int64_t now_ms, enum throttle_reason *why);

/* What a failure did to the account, for the audit trail and logs. */
struct throttle_outcome {
	/* This failure took the account to its ceiling: it is delayed from
	 * every address until account_until. */
	int ceiling_crossed;
	int64_t account_until;
	unsigned account_failures; /* in the current window */
	int64_t pair_until;	   /* the pair's delay (0: none) */
};

/* A wrong password for account from addr. out may be NULL. */
void throttle_failure(struct throttle *t, const char *account, const char *addr, int64_t now_ms,
		      struct throttle_outcome *out);
/* The right password from addr: clears the pair, and the address's
 * consecutive count. The account's ceiling stays: it counts failures. */
void throttle_success(struct throttle *t, const char *account, const char *addr);
/* Forgets the account everywhere: its pairs and its ceiling (an admin's
 * password reset). */
void throttle_clear_account(struct throttle *t, const char *account);

/* For admins (User.throttled, throttled_until, throttled_addresses). */
struct throttle_view {
	int64_t until;	    /* delayed from every address until (0: not) */
	unsigned addresses; /* addresses it is delayed from by their pair */
};
void throttle_account_view(const struct throttle *t, const char *account, int64_t now_ms,
			   struct throttle_view *v);

/* Puts back a row read at start-up (no journal). Rows are best given
 * least recently failed first. A row with nothing to remember at now_ms
 * is skipped; times are clamped so a damaged row or a clock that went
 * back cannot delay anyone longer than the rules allow. Returns 1 if the
 * row was kept, 0 if skipped. */
int throttle_restore(struct throttle *t, const char *account, const char *addr,
		     const struct throttle_state *st, int64_t now_ms);

/* Drops keys with nothing to remember at now_ms. Returns how many. */
unsigned throttle_prune(struct throttle *t, int64_t now_ms);
/* Keys held (pairs, accounts and addresses). */
unsigned throttle_size(const struct throttle *t);

#endif
