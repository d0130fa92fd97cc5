#include "tokkatot/frame_parser.h"

#include "tokkatot/cobs.h"

void tk_frame_parser_init(tk_frame_parser_t *p) {
  p->len = 0;
  p->overflowed = 0;
}

tk_frame_error_t tk_frame_parser_decode_stuffed(tk_frame_parser_t *p, const uint8_t *stuffed, size_t len) {
  size_t raw_len = 0;
  if (!tk_cobs_decode(stuffed, len, p->raw, sizeof p->raw, &raw_len)) return TK_FRAME_ERR_COBS;
  return tk_msg_decode(p->raw, raw_len, &p->msg);
}

void tk_frame_parser_feed(tk_frame_parser_t *p, const uint8_t *data, size_t len, tk_frame_handler_t handler, void *ctx) {
  size_t i;
  for (i = 0; i < len; i++) {
    uint8_t byte = data[i];
    if (byte == TK_FRAME_DELIMITER) {
      if (p->overflowed > 0) {
        handler(ctx, TK_FRAME_ERR_TOO_LONG, NULL);
      } else if (p->len > 0) {
        tk_frame_error_t err = tk_frame_parser_decode_stuffed(p, p->stuffed, p->len);
        handler(ctx, err, err == TK_FRAME_OK ? &p->msg : NULL);
      }
      /* Empty runs (two delimiters in a row) are allowed: a sender may flush with a bare 0x00. */
      p->len = 0;
      p->overflowed = 0;
      continue;
    }
    if (p->overflowed > 0) {
      p->overflowed++;
    } else if (p->len == sizeof p->stuffed) {
      p->overflowed = p->len + 1u;
      p->len = 0;
    } else {
      p->stuffed[p->len++] = byte;
    }
  }
}
