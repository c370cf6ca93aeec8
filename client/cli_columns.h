/*
 * Column output for list commands ("assure user list"): a header line in
 * capitals, then one line per row, each column as wide as its widest cell
 * and two spaces between columns, the last column unpadded so no line ends
 * in blanks. Cells are copied with control characters shown as '?'
 * (cli_printable), so no server-supplied text can drive the terminal.
 * Widths count UTF-8 characters, not bytes, so "Zoë" lines up with "Zoe".
 */
#ifndef ASSURE_CLI_COLUMNS_H
#define ASSURE_CLI_COLUMNS_H

#include <stddef.h>
#include <stdio.h>

struct cli;
struct cli_json;
struct cli_columns;

/* A table with n columns headed headers[0..n). Never NULL. */
struct cli_columns *cli_columns_new(const char *const *headers, size_t n);
/* Adds a row of n cells (the table's n); a NULL cell is empty. */
void cli_columns_add(struct cli_columns *c, const char *const *cells);
/* Prints the header and the rows. */
void cli_columns_print(const struct cli_columns *c, FILE *out);
/* Accepts NULL. */
void cli_columns_free(struct cli_columns *c);

/* How many columns s takes on a terminal: its bytes, less UTF-8
 * continuation bytes. */
size_t cli_columns_width(const char *s);

/*
 * How a list command shows one kind of item (a user, a role, ...): as a
 * row of columns, or with --json as one object of an array.
 */
struct cli_list {
	const char *const *headers; /* ncols column headings */
	size_t ncols;
	/* Fills cells[0..ncols) for item with strings cli_print_list frees. */
	void (*cells)(const void *item, char **cells);
	/* Writes item's members into the JSON object open in j. */
	void (*json)(struct cli_json *j, const void *item);
};

/* Prints items[0..n) on stdout as columns, or as one JSON array of objects
 * when cli->json is set. */
void cli_print_list(const struct cli *cli, const struct cli_list *list, const void *const *items,
		    size_t n);

#endif
