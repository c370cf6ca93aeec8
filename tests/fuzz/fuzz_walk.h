/*
 * Walks over unpacked protobuf-c messages, shared by the fuzz targets. They
 * go by the descriptors, so they cover every operation of the .proto
 * without a list of them to fall out of step.
 */
#ifndef ASSURE_FUZZ_WALK_H
#define ASSURE_FUZZ_WALK_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>

/* Reads every byte of every string and bytes field in the tree under m
 * (oneof members only when set), so a pointer or length the decoder got
 * wrong shows up under AddressSanitizer here rather than in a handler.
 * Returns a sum the caller should keep, so the reads are not dropped. */
size_t fuzz_walk_touch(const ProtobufCMessage *m);

/* Whether any message in the tree under m holds unknown fields. */
bool fuzz_walk_has_unknown(const ProtobufCMessage *m);

#endif
