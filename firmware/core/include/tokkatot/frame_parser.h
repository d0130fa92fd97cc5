/* Splits a serial byte stream into frames at 0x00 delimiters, resynchronising after noise. */
#ifndef TOKKATOT_FRAME_PARSER_H
#define TOKKATOT_FRAME_PARSER_H

#include <stddef.h>
#include <stdint.h>

#include "tokkatot/protocol.h"

/** Called once per delimited run: err is TK_FRAME_OK and msg valid, or why it was dropped. */
typedef void (*tk_frame_handler_t)(void *ctx, tk_frame_error_t err, const tk_msg_t *msg);

typedef struct {
  uint8_t stuffed[TK_MAX_STUFFED_BYTES];
  uint8_t raw[TK_MAX_STUFFED_BYTES]; /* one spare byte: a 257-byte frame is reported too long */
  size_t len;
  size_t overflowed; /* bytes dropped since the buffer filled without a delimiter */
  tk_msg_t msg;      /* kept here, not on the stack: small task stacks on the ESP32 */
} tk_frame_parser_t;

void tk_frame_parser_init(tk_frame_parser_t *p);

/** Feeds bytes; calls handler for every run completed by a delimiter. Memory stays bounded. */
void tk_frame_parser_feed(tk_frame_parser_t *p, const uint8_t *data, size_t len, tk_frame_handler_t handler, void *ctx);

/** Decodes one stuffed frame without delimiter into p->msg. */
tk_frame_error_t tk_frame_parser_decode_stuffed(tk_frame_parser_t *p, const uint8_t *stuffed, size_t len);

#endif
