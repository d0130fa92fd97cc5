#include "tokkatot/cobs.h"

size_t tk_cobs_encode(const uint8_t *in, size_t len, uint8_t *out, size_t cap) {
  size_t code_at = 0;
  size_t write = 1;
  uint8_t code = 1;
  size_t i;
  if (cap < TK_COBS_MAX_ENCODED(len)) return 0;
  for (i = 0; i < len; i++) {
    if (in[i] == 0) {
      out[code_at] = code;
      code_at = write++;
      code = 1;
      continue;
    }
    out[write++] = in[i];
    code++;
    if (code == 0xFF) {
      out[code_at] = code;
      code_at = write++;
      code = 1;
    }
  }
  out[code_at] = code;
  return write;
}

bool tk_cobs_decode(const uint8_t *in, size_t len, uint8_t *out, size_t cap, size_t *out_len) {
  size_t read = 0;
  size_t write = 0;
  if (len == 0) return false;
  while (read < len) {
    uint8_t code = in[read++];
    size_t end;
    if (code == 0) return false;
    end = read + code - 1u;
    if (end > len) return false;
    while (read < end) {
      if (in[read] == 0 || write >= cap) return false;
      out[write++] = in[read++];
    }
    /* A block shorter than 254 data bytes stands for a zero, except the last one. */
    if (code != 0xFF && read < len) {
      if (write >= cap) return false;
      out[write++] = 0;
    }
  }
  *out_len = write;
  return true;
}
