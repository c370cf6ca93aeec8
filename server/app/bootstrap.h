#ifndef ASSURE_BOOTSTRAP_H
#define ASSURE_BOOTSTRAP_H

/* `assured init`: creates the database with every migration and the first
 * admin account. argv excludes the program name and "init". Returns the
 * process exit code. */
int bootstrap_main(int argc, char **argv);

#endif
