/*
 * The common-password list, embedded at build time from
 * server/data/common-passwords.txt, parsed once into a sorted array of
 * lower-case entries and searched by bisection.
 */
#include "password.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

extern const unsigned char common_passwords_data[];
extern const size_t common_passwords_data_size;

static pthread_once_t list_once = PTHREAD_ONCE_INIT;
static char **list;
static size_t nlist;

static int cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void load(void)
{
	const char *p = (const char *)common_passwords_data;
	const char *end = p + common_passwords_data_size;
	size_t cap = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t len = (size_t)(eol - p);
		while (len > 0 && (p[len - 1] == '\r' || p[len - 1] == ' '))
			len--;
		if (len > 0 && p[0] != '#') {
			if (nlist == cap) {
				cap = cap ? cap * 2 : 4096;
				list = xrealloc(list, cap * sizeof *list);
			}
			char *s = xstrndup(p, len);
			for (char *q = s; *q; q++)
				*q = (char)tolower((unsigned char)*q);
			list[nlist++] = s;
		}
		p = eol + 1;
	}
	qsort(list, nlist, sizeof *list, cmp);
}

int password_is_common(const char *lower)
{
	pthread_once(&list_once, load);
	return bsearch(&lower, list, nlist, sizeof *list, cmp) != NULL;
}

size_t password_common_count(void)
{
	pthread_once(&list_once, load);
	return nlist;
}
