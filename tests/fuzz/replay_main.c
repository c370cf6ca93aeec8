/*
 * Driver for builds without libFuzzer, so every ordinary build and ctest run
 * exercises each fuzz target (linked with it as fuzz_<target>_replay). It
 * replays each file of the corpus directory, then a fixed batch of inputs
 * mutated from those seeds by a seeded xorshift generator: bit flips,
 * truncations, rewritten length headers, spliced and repeated frames. The
 * batch is the same on every run, so a failure here reproduces by running
 * the test again.
 *
 * Each target defines fuzz_replay_reached(): how many inputs so far got
 * past its first parse into the code under test (a request decoded, a
 * handler ran, a renderer printed). Zero after the seeds means the corpus
 * rotted (a .proto change, a new input format) and would otherwise pass
 * while testing nothing.
 *
 * usage: fuzz_<target>_replay CORPUS-DIR [GENERATED]   (default 20000)
 * Exit status: 0 all inputs ran; 1 the corpus is missing, empty or reaches
 * nothing; 2 usage; a crash aborts.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "frame.h"
#include "xmalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t fuzz_replay_reached(void);

#define REPLAY_GENERATED 20000
#define REPLAY_SEED 0x9e3779b97f4a7c15ull
#define REPLAY_MAX_INPUT 8192

struct seed {
	uint8_t *data;
	size_t len;
};

static uint64_t rng_state = REPLAY_SEED;

static uint64_t rng_next(void)
{
	uint64_t x = rng_state;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static size_t rng_below(size_t n)
{
	return n ? (size_t)(rng_next() % n) : 0;
}

static int read_file(const char *path, struct seed *out)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return -1;
	size_t cap = 4096, len = 0;
	uint8_t *buf = xmalloc(cap);
	size_t n;
	while ((n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	int err = ferror(f);
	fclose(f);
	if (err) {
		free(buf);
		return -1;
	}
	out->data = buf;
	out->len = len;
	return 0;
}

static const uint32_t interesting_lengths[] = {
    0,
    1,
    2,
    63,
    64,
    65,
    127,
    128,
    FRAME_DEFAULT_MAX - 1,
    FRAME_DEFAULT_MAX,
    FRAME_DEFAULT_MAX + 1,
    0x7fffffff,
    0x80000000,
    0xfffffffe,
    0xffffffff,
};

/* Writes one mutation of seeds into buf (REPLAY_MAX_INPUT bytes); returns
 * its length. */
static size_t mutate(const struct seed *seeds, size_t nseeds, uint8_t *buf)
{
	const struct seed *s = &seeds[rng_below(nseeds)];
	size_t len = s->len < REPLAY_MAX_INPUT ? s->len : REPLAY_MAX_INPUT;
	memcpy(buf, s->data, len);
	int rounds = 1 + (int)rng_below(4);
	for (int r = 0; r < rounds; r++) {
		switch (rng_below(7)) {
		case 0: /* flip a few bits */
			for (size_t i = 0, k = 1 + rng_below(8); len > 0 && i < k; i++)
				buf[rng_below(len)] ^= (uint8_t)(1u << rng_below(8));
			break;
		case 1: /* truncate */
			len = rng_below(len + 1);
			break;
		case 2: /* rewrite the first header with an interesting length */
			if (len >= FRAME_HEADER_SIZE)
				frame_put_header(
				    buf,
				    interesting_lengths[rng_below(sizeof interesting_lengths /
								  sizeof interesting_lengths[0])]);
			break;
		case 3: /* nudge the first header by a little */
			if (len >= FRAME_HEADER_SIZE)
				frame_put_header(buf, frame_get_header(buf) +
							  (uint32_t)rng_below(5) - 2u);
			break;
		case 4: { /* append another seed: frames back to back */
			const struct seed *t = &seeds[rng_below(nseeds)];
			size_t n =
			    t->len < REPLAY_MAX_INPUT - len ? t->len : REPLAY_MAX_INPUT - len;
			memcpy(buf + len, t->data, n);
			len += n;
			break;
		}
		case 5: /* overwrite a run with random bytes */
			for (size_t i = 0, k = rng_below(16); len > 0 && i < k; i++)
				buf[rng_below(len)] = (uint8_t)rng_next();
			break;
		case 6: { /* duplicate a slice in place (repeated fields, nesting) */
			if (len == 0)
				break;
			size_t from = rng_below(len), n = 1 + rng_below(len - from);
			if (n > REPLAY_MAX_INPUT - len)
				n = REPLAY_MAX_INPUT - len;
			memmove(buf + from + n, buf + from, len - from);
			len += n;
			break;
		}
		}
	}
	return len;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	long generated = REPLAY_GENERATED;
	char *end = NULL;
	if (argc == 3)
		generated = strtol(argv[2], &end, 10);
	if ((argc != 2 && argc != 3) || (argc == 3 && (*end != '\0' || generated < 0))) {
		fprintf(stderr, "usage: %s CORPUS-DIR [GENERATED]\n", prog);
		return 2;
	}
	const char *dir = argv[1];
	DIR *d = opendir(dir);
	if (d == NULL) {
		fprintf(stderr, "%s: cannot open %s: %s\n", prog, dir, strerror(errno));
		return 1;
	}
	/* Sorted, so the generated batch does not depend on readdir order. */
	char **names = NULL;
	size_t nnames = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = xrealloc(names, (nnames + 1) * sizeof *names);
		names[nnames++] = xstrdup(e->d_name);
	}
	closedir(d);
	qsort(names, nnames, sizeof *names, by_name);

	struct seed *seeds = xcalloc(nnames ? nnames : 1, sizeof *seeds);
	size_t nseeds = 0;
	for (size_t i = 0; i < nnames; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		struct stat st;
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (read_file(path, &seeds[nseeds]) != 0) {
				fprintf(stderr, "%s: cannot read %s: %s\n", prog, path,
					strerror(errno));
				return 1;
			}
			LLVMFuzzerTestOneInput(seeds[nseeds].data, seeds[nseeds].len);
			nseeds++;
		}
		free(path);
		free(names[i]);
	}
	free(names);
	size_t reached = fuzz_replay_reached();
	if (nseeds == 0 || reached == 0) {
		fprintf(stderr,
			"%s: %s has %zu seed files and %zu of them reach the code under test; "
			"the corpus must hold valid inputs\n",
			prog, dir, nseeds, reached);
		return 1;
	}

	uint8_t *buf = xmalloc(REPLAY_MAX_INPUT);
	size_t bytes = 0;
	for (long i = 0; i < generated; i++) {
		size_t len = mutate(seeds, nseeds, buf);
		/* An exact-size heap copy, so ASan catches a read one past the end. */
		uint8_t *input = xmalloc(len);
		memcpy(input, buf, len);
		LLVMFuzzerTestOneInput(input, len);
		free(input);
		bytes += len;
	}
	free(buf);
	printf("%s: %zu seed files (%zu reached the code under test), %ld generated inputs "
	       "(%zu bytes, %zu reached it in all), no crashes\n",
	       prog, nseeds, reached, generated, bytes, fuzz_replay_reached());
	for (size_t i = 0; i < nseeds; i++)
		free(seeds[i].data);
	free(seeds);
	return 0;
}
