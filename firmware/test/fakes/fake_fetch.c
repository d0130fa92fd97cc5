#include "fakes/fake_fetch.h"

#include <string.h>

fake_fetch_t fake_fetch;

void fake_fetch_reset(const uint8_t *body, uint32_t len) {
  memset(&fake_fetch, 0, sizeof fake_fetch);
  fake_fetch.supported = true;
  fake_fetch.body = body;
  fake_fetch.body_len = len;
}

bool tk_platform_fetch_supported(void) { return fake_fetch.supported; }

bool tk_platform_fetch_open(const char *url, uint32_t first, uint32_t last) {
  fake_fetch_t *f = &fake_fetch;
  int i = f->opens;
  if (i < FAKE_FETCH_REQUESTS) {
    f->first[i] = first;
    f->last[i] = last;
  }
  f->opens++;
  strncpy(f->url, url, sizeof f->url - 1);
  memset(&f->head, 0, sizeof f->head);
  f->open = true;
  f->waits_left = f->head_waits;
  if (i < f->error_requests || (f->error_from > 0 && i >= f->error_from)) {
    f->head.status = 500;
    f->pos = f->end = 0;
    return true;
  }
  f->pos = f->ignore_range ? 0u : first;
  f->end = (f->ignore_range ? f->body_len : last + 1u) + f->extra_bytes;
  if (i < f->cut_requests && f->pos + f->cut_after < f->end) f->end = f->pos + f->cut_after;
  f->head.status = f->ignore_range ? 200 : 206;
  f->head.has_length = true;
  f->head.content_length = f->ignore_range ? f->body_len : last - first + 1u; /* the header is honest; the body may not be */
  if (!f->ignore_range) {
    f->head.has_range = true;
    f->head.range_first = i < f->wrong_range_requests ? first + 1u : first;
    f->head.range_last = last;
    f->head.range_total = f->body_len;
  }
  return true;
}

int tk_platform_fetch_head(tk_fetch_head_t *head) {
  if (!fake_fetch.open) return TK_FETCH_ERROR;
  if (fake_fetch.waits_left > 0) {
    fake_fetch.waits_left--;
    return TK_FETCH_WAIT;
  }
  *head = fake_fetch.head;
  return TK_FETCH_HEAD;
}

int tk_platform_fetch_read(uint8_t *buf, size_t cap) {
  fake_fetch_t *f = &fake_fetch;
  uint32_t n, i;
  if (!f->open) return TK_FETCH_ERROR;
  if (f->pos >= f->end) return TK_FETCH_END;
  n = f->end - f->pos;
  if (n > cap) n = (uint32_t)cap;
  if (f->per_read > 0u && n > f->per_read) n = f->per_read;
  for (i = 0; i < n; i++) buf[i] = f->pos + i < f->body_len ? f->body[f->pos + i] : 0xEE;
  f->pos += n;
  return (int)n;
}

void tk_platform_fetch_close(void) {
  if (fake_fetch.open) fake_fetch.closes++;
  fake_fetch.open = false;
}
