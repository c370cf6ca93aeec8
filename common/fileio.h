/*
 * Small file-descriptor helpers the client tools share (the session file,
 * assure-audit's state and its JSON Lines output).
 */
#ifndef ASSURE_FILEIO_H
#define ASSURE_FILEIO_H

#include <stddef.h>

/* Writes all n bytes, retrying short writes and EINTR. 0, or -1 with
 * errno set. */
int write_all(int fd, const void *buf, size_t n);

#endif
