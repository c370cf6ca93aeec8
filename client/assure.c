/*
 * assure: the command-line client of the assure daemon. Everything lives
 * in the assure_cli library (cli.c and the cmd_*.c files) so that tests
 * can drive the same code; this file only hands over argv.
 */
#include "cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
