/*
 * The daemon: puts the layers together on one struct server (core/server.h),
 * serves until SIGTERM or SIGINT, and takes it all down again.
 */
#ifndef ASSURE_DAEMON_H
#define ASSURE_DAEMON_H

struct server_config;

/* Runs the daemon until SIGTERM/SIGINT. Returns the process exit code. */
int server_run(struct server_config *cfg);

#endif
