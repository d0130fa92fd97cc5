/* Consistent Overhead Byte Stuffing: a frame without 0x00, so 0x00 can delimit frames. */
#ifndef TOKKATOT_COBS_H
#define TOKKATOT_COBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Worst-case encoded size of len bytes (without the delimiter). */
#define TK_COBS_MAX_ENCODED(len) ((len) + ((len) + 253u) / 254u + 1u)

/** Encodes len bytes into out; returns the encoded length, or 0 if cap is too small. */
size_t tk_cobs_encode(const uint8_t *in, size_t len, uint8_t *out, size_t cap);

/**
 * Decodes one COBS block (without the delimiter). Returns false on a zero inside, a code that
 * runs past the end, empty input, or output that would not fit in cap.
 */
bool tk_cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len);

#endif
