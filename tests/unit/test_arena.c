/*
 * The arena owns every byte of an RPC call, including the unpacked request,
 * so a bug here is a heap bug everywhere. These tests write a distinct
 * pattern into every allocation and read them all back afterwards: any
 * overlap between two allocations, or a block smaller than promised, shows
 * up as a wrong byte (and under AddressSanitizer as an overflow).
 */
#include <setjmp.h>
#include <fcntl.h>
#include <signal.h>
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "arena.h"
#include "assure.pb-c.h"

/*
 * Under AddressSanitizer a huge malloc would otherwise end the process with
 * ASan's own report instead of returning NULL to xmalloc, which is the path
 * test_alloc_overflow_aborts wants to see.
 */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "allocator_may_return_null=1";
}

struct span {
	unsigned char *p;
	size_t n;
};

static void assert_aligned(const void *p)
{
	assert_int_equal((uintptr_t)p % alignof(max_align_t), 0);
}

static void assert_zero(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			fail_msg("byte %zu of %zu is 0x%02x, not zero", i, n, p[i]);
}

static void fill(struct span s, size_t tag)
{
	for (size_t i = 0; i < s.n; i++)
		s.p[i] = (unsigned char)(tag * 31 + i);
}

static void check(struct span s, size_t tag)
{
	for (size_t i = 0; i < s.n; i++)
		if (s.p[i] != (unsigned char)(tag * 31 + i))
			fail_msg("allocation %zu (%zu bytes) overwritten at byte %zu", tag, s.n, i);
}

static void test_free_null(void **state)
{
	(void)state;
	arena_free(NULL);
}

static void test_fresh_arena(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	assert_non_null(a);
	assert_int_equal(arena_used(a), 0);
	arena_free(a);
}

static void test_zeroed(void **state)
{
	(void)state;
	/* Dirty the heap first so fresh blocks are likely to be recycled
	 * garbage rather than pages the kernel zeroed for us. */
	for (size_t n = 1024; n <= 16384; n *= 2) {
		void *junk = malloc(n + 64);
		assert_non_null(junk);
		memset(junk, 0xa5, n + 64);
		free(junk);
	}
	struct arena *a = arena_new();
	for (size_t n = 0; n < 5000; n += 97) {
		unsigned char *p = arena_alloc(a, n);
		assert_non_null(p);
		assert_zero(p, n);
		memset(p, 0xa5, n);
	}
	unsigned char *big = arena_alloc(a, 3u << 20);
	assert_zero(big, 3u << 20);
	arena_free(a);
}

static void test_alignment(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	for (size_t n = 0; n < 700; n++)
		assert_aligned(arena_alloc(a, n % 67));
	assert_aligned(arena_alloc(a, 1u << 20));
	assert_aligned(arena_alloc(a, 1));
	assert_aligned(arena_alloc(a, (1u << 20) + 1));
	assert_aligned(arena_strdup(a, "x"));
	assert_aligned(arena_printf(a, "%d", 5));
	assert_aligned(arena_memdup(a, "abc", 3));
	assert_aligned(arena_alloc(a, 3));
	arena_free(a);
}

/* Mixed sizes across block boundaries, one-off large blocks and the tail
 * of a partly used block: no two allocations may share a byte. */
static void test_no_overlap(void **state)
{
	(void)state;
	static const size_t sizes[] = {1,    7,	   2048, 16,	  2049, 0,  5000, 33,
				       4096, 1,	   8191, 1 << 20, 100,	64, 3,	  (1 << 20) + 7,
				       12,   2000, 31,	 4 << 20, 1,	17, 250,  65536};
	enum { N = sizeof sizes / sizeof sizes[0] };
	struct span spans[N];
	struct arena *a = arena_new();
	size_t used = 0;
	for (size_t i = 0; i < N; i++) {
		spans[i].p = arena_alloc(a, sizes[i]);
		spans[i].n = sizes[i];
		used += sizes[i];
		assert_true(arena_used(a) >= used);
		assert_zero(spans[i].p, spans[i].n);
		fill(spans[i], i);
	}
	for (size_t i = 0; i < N; i++)
		check(spans[i], i);
	arena_free(a);
}

static void test_large_allocations(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	struct span small = {arena_alloc(a, 100), 100};
	fill(small, 1);
	/* Larger than the first block, than a doubled block and than the cap
	 * on block growth. */
	const size_t big_sizes[] = {3000, 10000, (1u << 20) + 1, 8u << 20};
	for (size_t i = 0; i < 4; i++) {
		struct span big = {arena_alloc(a, big_sizes[i]), big_sizes[i]};
		assert_zero(big.p, big.n);
		fill(big, i + 10);
		check(big, i + 10);
	}
	struct span after = {arena_alloc(a, 100), 100};
	fill(after, 2);
	check(small, 1);
	check(after, 2);
	assert_true(arena_used(a) >= 200 + 3000 + 10000 + (1u << 20) + 1 + (8u << 20));
	arena_free(a);
}

static void test_many_small(void **state)
{
	(void)state;
	enum { N = 200000 };
	struct span *spans = malloc(N * sizeof *spans);
	assert_non_null(spans);
	struct arena *a = arena_new();
	size_t total = 0;
	for (size_t i = 0; i < N; i++) {
		spans[i].n = 1 + i % 48;
		spans[i].p = arena_alloc(a, spans[i].n);
		assert_aligned(spans[i].p);
		fill(spans[i], i);
		total += spans[i].n;
	}
	for (size_t i = 0; i < N; i++)
		check(spans[i], i);
	assert_true(arena_used(a) >= total);
	arena_free(a);
	free(spans);
}

static void test_used_grows(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	size_t before = arena_used(a);
	(void)arena_alloc(a, 10);
	assert_true(arena_used(a) >= before + 10);
	before = arena_used(a);
	(void)arena_alloc(a, 0);
	assert_true(arena_used(a) > before);
	before = arena_used(a);
	(void)arena_alloc(a, 2u << 20);
	assert_true(arena_used(a) >= before + (2u << 20));
	arena_free(a);
}

static void test_zero_size_distinct(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	void *p = arena_alloc(a, 0);
	void *q = arena_alloc(a, 0);
	assert_non_null(p);
	assert_non_null(q);
	assert_ptr_not_equal(p, q);
	arena_free(a);
}

static void test_strings(void **state)
{
	(void)state;
	struct arena *a = arena_new();
	char src[] = "hello, arena";
	char *s = arena_strdup(a, src);
	assert_string_equal(s, "hello, arena");
	assert_ptr_not_equal(s, src);
	src[0] = 'J';
	assert_string_equal(s, "hello, arena");

	assert_string_equal(arena_strdup(a, ""), "");
	assert_string_equal(arena_strndup(a, "abcdef", 3), "abc");
	assert_string_equal(arena_strndup(a, "ab", 10), "ab");
	assert_string_equal(arena_strndup(a, "abc", 0), "");

	unsigned char bytes[] = {0, 1, 2, 0, 255};
	unsigned char *m = arena_memdup(a, bytes, sizeof bytes);
	assert_memory_equal(m, bytes, sizeof bytes);
	assert_non_null(arena_memdup(a, NULL, 0));
	unsigned char one = 0x7e;
	assert_int_equal(*(unsigned char *)arena_memdup(a, &one, 1), 0x7e);

	assert_string_equal(arena_printf(a, "%s=%d", "n", 42), "n=42");
	assert_string_equal(arena_printf(a, "%s", ""), "");
	/* Longer than the first block, so the result needs a block of its own. */
	char *wide = arena_printf(a, "[%5000d]", 7);
	assert_int_equal(strlen(wide), 5002);
	assert_int_equal(wide[0], '[');
	assert_int_equal(wide[5000], '7');
	assert_int_equal(wide[5001], ']');
	arena_free(a);
}

static void test_protobuf_allocator(void **state)
{
	(void)state;
	Assure__LoginRequest login = ASSURE__LOGIN_REQUEST__INIT;
	login.username = "alice";
	login.password = "correct horse battery staple";
	login.role = "clinician";
	Assure__Request req = ASSURE__REQUEST__INIT;
	req.id = 99;
	req.op_case = ASSURE__REQUEST__OP_LOGIN;
	req.login = &login;
	size_t n = assure__request__get_packed_size(&req);
	uint8_t *buf = malloc(n);
	assert_non_null(buf);
	assert_int_equal(assure__request__pack(&req, buf), n);

	struct arena *a = arena_new();
	ProtobufCAllocator *pa = arena_allocator(a);
	assert_non_null(pa);
	assert_ptr_equal(arena_allocator(a), pa);
	Assure__Request *got = assure__request__unpack(pa, n, buf);
	free(buf);
	assert_non_null(got);
	assert_true(arena_used(a) > 0);
	assert_true(protobuf_c_message_check(&got->base));
	assert_int_equal(got->id, 99);
	assert_int_equal(got->op_case, ASSURE__REQUEST__OP_LOGIN);
	assert_string_equal(got->login->username, "alice");
	assert_string_equal(got->login->password, "correct horse battery staple");
	assert_string_equal(got->login->role, "clinician");
	/* Frees through the arena are no-ops; the arena still owns it all. */
	assure__request__free_unpacked(got, pa);
	arena_free(a);
}

/*
 * A size near SIZE_MAX must end the process as out of memory, never wrap
 * into a small block that the caller then writes past. The child must die
 * of SIGABRT (xmalloc's out-of-memory path), not return or crash.
 */
static void test_alloc_overflow_aborts(void **state)
{
	(void)state;
	const size_t huge[] = {SIZE_MAX, SIZE_MAX - 16, SIZE_MAX - 40, SIZE_MAX / 2 + 1};
	for (size_t i = 0; i < sizeof huge / sizeof huge[0]; i++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			/* The abort's "out of memory" line is expected noise. */
			int devnull = open("/dev/null", O_WRONLY);
			if (devnull >= 0)
				dup2(devnull, 2);
			struct arena *a = arena_new();
			(void)arena_alloc(a, 1);
			(void)arena_alloc(a, huge[i]);
			_exit(42);
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
			fail_msg("arena_alloc(%zu) %s %d instead of aborting", huge[i],
				 WIFEXITED(status) ? "exited with" : "died of signal",
				 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_free_null),
	    cmocka_unit_test(test_fresh_arena),
	    cmocka_unit_test(test_zeroed),
	    cmocka_unit_test(test_alignment),
	    cmocka_unit_test(test_no_overlap),
	    cmocka_unit_test(test_large_allocations),
	    cmocka_unit_test(test_many_small),
	    cmocka_unit_test(test_used_grows),
	    cmocka_unit_test(test_zero_size_distinct),
	    cmocka_unit_test(test_strings),
	    cmocka_unit_test(test_protobuf_allocator),
	    cmocka_unit_test(test_alloc_overflow_aborts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
