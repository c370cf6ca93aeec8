/*
 * Descriptor-driven walks over unpacked messages (fuzz_walk.h). A field is
 * visited when it is present as protobuf-c lays it out: repeated fields by
 * their count, oneof members only while the oneof's case names them,
 * everything else always (a proto3 string may be NULL only in a message
 * built by hand).
 */
#include "fuzz_walk.h"

#include <stdint.h>
#include <string.h>

/* The field's storage in m, or NULL when a oneof holds another member. */
static const void *field_member(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
	const char *base = (const char *)m;
	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
		uint32_t which = *(const uint32_t *)(base + f->quantifier_offset);
		if (which != f->id)
			return NULL;
	}
	return base + f->offset;
}

static size_t touch_value(const ProtobufCFieldDescriptor *f, const void *v)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)v;
		return s != NULL ? strlen(s) : 0;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *b = v;
		size_t sum = b->len;
		for (size_t i = 0; i < b->len; i++)
			sum += b->data[i];
		return sum;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)v;
		return sub != NULL ? fuzz_walk_touch(sub) : 0;
	}
	default:
		return 0;
	}
}

/* Bytes one element of a repeated field of f's type takes, for the types
 * the walks look into (0 for the others, which are skipped). */
static size_t element_size(const ProtobufCFieldDescriptor *f)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(ProtobufCMessage *);
	default:
		return 0;
	}
}

size_t fuzz_walk_touch(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	size_t sum = m->n_unknown_fields;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const void *v = field_member(m, f);
		if (v == NULL)
			continue;
		if (f->label != PROTOBUF_C_LABEL_REPEATED) {
			sum += touch_value(f, v);
			continue;
		}
		size_t size = element_size(f);
		size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
		const char *items = *(const char *const *)v;
		for (size_t k = 0; size != 0 && k < n; k++)
			sum += touch_value(f, items + k * size);
	}
	return sum;
}

bool fuzz_walk_has_unknown(const ProtobufCMessage *m)
{
	if (m->n_unknown_fields > 0)
		return true;
	const ProtobufCMessageDescriptor *d = m->descriptor;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const void *v = field_member(m, f);
		if (v == NULL || f->type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		if (f->label != PROTOBUF_C_LABEL_REPEATED) {
			const ProtobufCMessage *sub = *(const ProtobufCMessage *const *)v;
			if (sub != NULL && fuzz_walk_has_unknown(sub))
				return true;
			continue;
		}
		size_t n = *(const size_t *)((const char *)m + f->quantifier_offset);
		const ProtobufCMessage *const *items = *(const ProtobufCMessage *const *const *)v;
		for (size_t k = 0; k < n; k++)
			if (items[k] != NULL && fuzz_walk_has_unknown(items[k]))
				return true;
	}
	return false;
}
