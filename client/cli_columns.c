/*
 * Column output (cli_columns.h). Rows are kept until printed because the
 * widths depend on every cell; list commands already hold the whole
 * answer, so this costs nothing extra.
 */
#include "cli_columns.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_json.h"
#include "xmalloc.h"

struct cli_columns {
	size_t ncols;
	size_t nrows; /* including the header, row 0 */
	size_t cap;
	char **cells; /* nrows * ncols, row-major */
};

static void add_row(struct cli_columns *c, const char *const *cells)
{
	if (c->nrows == c->cap) {
		c->cap = c->cap != 0 ? c->cap * 2 : 16;
		c->cells = xrealloc(c->cells, c->cap * c->ncols * sizeof(char *));
	}
	char **row = c->cells + c->nrows * c->ncols;
	for (size_t i = 0; i < c->ncols; i++)
		row[i] = cli_printable(cells[i] != NULL ? cells[i] : "");
	c->nrows++;
}

struct cli_columns *cli_columns_new(const char *const *headers, size_t n)
{
	struct cli_columns *c = xcalloc(1, sizeof *c);
	c->ncols = n;
	add_row(c, headers);
	return c;
}

void cli_columns_add(struct cli_columns *c, const char *const *cells)
{
	add_row(c, cells);
}

size_t cli_columns_width(const char *s)
{
	size_t w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p & 0xc0) != 0x80)
			w++;
	return w;
}

void cli_columns_print(const struct cli_columns *c, FILE *out)
{
	size_t *width = xcalloc(c->ncols, sizeof *width);
	for (size_t r = 0; r < c->nrows; r++)
		for (size_t i = 0; i < c->ncols; i++) {
			size_t w = cli_columns_width(c->cells[r * c->ncols + i]);
			if (w > width[i])
				width[i] = w;
		}
	for (size_t r = 0; r < c->nrows; r++) {
		const char *const *row = (const char *const *)c->cells + r * c->ncols;
		/* Trailing empty (or all-blank) cells are not padded out either,
		 * and the last cell is written without its own trailing blanks. */
		size_t last = c->ncols;
		while (last > 1 && row[last - 1][strspn(row[last - 1], " ")] == '\0')
			last--;
		for (size_t i = 0; i < last; i++) {
			size_t n = strlen(row[i]);
			if (i + 1 == last)
				while (n > 0 && row[i][n - 1] == ' ')
					n--;
			fwrite(row[i], 1, n, out);
			if (i + 1 < last)
				fprintf(out, "%*s", (int)(width[i] - cli_columns_width(row[i]) + 2),
					"");
		}
		fputc('\n', out);
	}
	free(width);
}

void cli_columns_free(struct cli_columns *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->nrows * c->ncols; i++)
		free(c->cells[i]);
	free(c->cells);
	free(c);
}

void cli_print_list(const struct cli *cli, const struct cli_list *list, const void *const *items,
		    size_t n)
{
	if (cli->json) {
		struct cli_json j;
		cli_json_init(&j, stdout);
		cli_json_array_begin(&j);
		for (size_t i = 0; i < n; i++) {
			cli_json_object_begin(&j);
			list->json(&j, items[i]);
			cli_json_object_end(&j);
		}
		cli_json_array_end(&j);
		return;
	}
	struct cli_columns *c = cli_columns_new(list->headers, list->ncols);
	char **cells = xcalloc(list->ncols, sizeof *cells);
	for (size_t i = 0; i < n; i++) {
		list->cells(items[i], cells);
		cli_columns_add(c, (const char *const *)cells);
		for (size_t k = 0; k < list->ncols; k++) {
			free(cells[k]);
			cells[k] = NULL;
		}
	}
	free(cells);
	cli_columns_print(c, stdout);
	cli_columns_free(c);
}
