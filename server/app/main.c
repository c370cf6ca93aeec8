/*
 * assured: the assure daemon. `assured init ...` creates a database and
 * its first admin; otherwise it serves until SIGTERM/SIGINT.
 */
#include <event2/thread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bootstrap.h"

int audit_verify_main(int argc, char **argv);
#include "clock.h"
#include "log.h"
#include "daemon.h"
#include "server_config.h"

int main(int argc, char **argv)
{
	/* Before any other libevent call: workers and the writer wake the
	 * loop with event_active() from their own threads. */
	if (evthread_use_pthreads() != 0) {
		fprintf(stderr, "assured: libevent has no pthreads support\n");
		return 1;
	}
	/* journald adds its own timestamps. */
	if (getenv("JOURNAL_STREAM") != NULL)
		log_set_timestamps(0);
	if (argc > 1 && strcmp(argv[1], "init") == 0)
		return bootstrap_main(argc - 2, argv + 2);
	if (argc > 1 && strcmp(argv[1], "audit-verify") == 0)
		return audit_verify_main(argc - 2, argv + 2);

	struct server_config cfg;
	char *cause = NULL;
	int r = server_config_load(&cfg, argc, argv, stdout, &cause);
	if (r != 0) {
		if (r < 0) {
			fprintf(stderr, "assured: %s\n", cause);
			free(cause);
		}
		server_config_free(&cfg);
		return r < 0 ? 2 : 0;
	}
	log_set_level(log_level_parse(cfg.log_level));
	clock_use_file(cfg.clock_file);
	/* Civil dates (deadlines, "today") are the PCT's: England and Wales. */
	clock_use_zone("Europe/London");
	int rc = server_run(&cfg);
	server_config_free(&cfg);
	return rc;
}
