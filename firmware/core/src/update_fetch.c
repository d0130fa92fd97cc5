/*
 * Pull mode of a firmware transfer: the node fetches the image from the edge with HTTP range
 * requests, from the offset it has, a bounded piece per tick. The port speaks HTTP
 * (platform_fetch.h); this file decides what is acceptable. A request that fails (no answer, an
 * error status, a range other than the one asked for, a wrong length, more bytes than the image
 * has left, a stall) is retried with a growing delay from the offset the node has; after
 * TK_FETCH_MAX_FAILURES attempts in a row without progress the transfer fails with fetch_failed,
 * keeping what arrived for a later resume. Verification, commit and rollback are the push path's.
 */
#include <string.h>

#include "tokkatot/update.h"

static bool prv_reached(uint32_t now_ms, uint32_t at_ms) { return (int32_t)(now_ms - at_ms) >= 0; }

void tk_update_fetch_stop(tk_update_t *u) {
  if (u->fetch.phase == TK_FETCH_CONNECTING || u->fetch.phase == TK_FETCH_BODY) tk_platform_fetch_close();
  u->fetch.phase = TK_FETCH_OFF;
}

/* The answer must be exactly the bytes asked for: [next_offset, size). */
static bool prv_head_ok(const tk_update_t *u, const tk_fetch_head_t *h) {
  uint32_t first = u->next_offset;
  uint32_t last = u->job.size - 1u;
  if (h->status == 206u) {
    if (!h->has_range || h->range_first != first || h->range_last != last || h->range_total != u->job.size) return false;
  } else if (h->status == 200u) {
    /* The whole image: only acceptable when the whole image is what the node needs. */
    if (first != 0u) return false;
  } else {
    return false;
  }
  return !h->has_length || h->content_length == last - first + 1u;
}

static uint32_t prv_backoff_ms(uint8_t failures) {
  uint32_t ms = TK_FETCH_BACKOFF_MS;
  while (failures > 1u && ms < TK_FETCH_BACKOFF_MAX_MS) {
    ms *= 2u;
    failures--;
  }
  return ms < TK_FETCH_BACKOFF_MAX_MS ? ms : TK_FETCH_BACKOFF_MAX_MS;
}

/* One attempt failed: retry later from the offset the node has, or give up. */
static bool prv_attempt_failed(tk_update_t *u, uint32_t now_ms, tk_update_status_t *out) {
  tk_fetch_t *f = &u->fetch;
  tk_update_fetch_stop(u);
  if (++f->failures >= TK_FETCH_MAX_FAILURES) {
    /* The transfer stays persisted: the same updateFetch (or updateBegin) later resumes it. */
    u->state = TK_UPDATE_FAILED;
    u->error = TK_UPDATE_ERR_FETCH_FAILED;
    tk_update_status(u, 0, out);
    return true;
  }
  f->phase = TK_FETCH_RETRY;
  f->at_ms = now_ms + prv_backoff_ms(f->failures);
  return false;
}

/* The server closed the body before the end: go on from where it stopped, at once if it sent anything. */
static bool prv_body_ended(tk_update_t *u, uint32_t now_ms, tk_update_status_t *out) {
  tk_fetch_t *f = &u->fetch;
  if (u->next_offset == f->opened_at) return prv_attempt_failed(u, now_ms, out);
  tk_update_fetch_stop(u);
  f->phase = TK_FETCH_RETRY;
  f->at_ms = now_ms;
  return false;
}

static bool prv_read_piece(tk_update_t *u, uint32_t now_ms, tk_update_status_t *out) {
  tk_fetch_t *f = &u->fetch;
  uint8_t buf[512];
  uint32_t taken = 0;
  while (taken < TK_FETCH_PIECE_BYTES) {
    uint32_t remaining = u->job.size - u->next_offset;
    /* One byte more than the image has left: a server that sends too many is caught here. */
    size_t cap = remaining + 1u < sizeof buf ? remaining + 1u : sizeof buf;
    int n = tk_platform_fetch_read(buf, cap);
    if (n == 0) break;
    if (n == TK_FETCH_END) return prv_body_ended(u, now_ms, out);
    if (n < 0 || (uint32_t)n > remaining) return prv_attempt_failed(u, now_ms, out);
    if (!tk_update_append(u, buf, (uint32_t)n)) {
      tk_update_status(u, 0, out);
      return true;
    }
    taken += (uint32_t)n;
    f->failures = 0;
    f->at_ms = now_ms;
    u->last_request_ms = now_ms;
    if (u->state == TK_UPDATE_VERIFYING) {
      /* Every byte is in: the hash decides, exactly as after the last pushed chunk. */
      tk_update_fetch_stop(u);
      tk_update_status(u, 0, out);
      return true;
    }
  }
  if (taken == 0u) {
    if (prv_reached(now_ms, f->at_ms + TK_FETCH_TIMEOUT_MS)) return prv_attempt_failed(u, now_ms, out);
    return false;
  }
  /* Report progress once per persisted sector, as the answers to pushed chunks would. */
  if (u->next_offset / TK_UPDATE_PERSIST_BYTES != f->reported / TK_UPDATE_PERSIST_BYTES) {
    f->reported = u->next_offset;
    tk_update_status(u, 0, out);
    return true;
  }
  return false;
}

bool tk_update_fetch_tick(tk_update_t *u, uint32_t now_ms, tk_update_status_t *out) {
  tk_fetch_t *f = &u->fetch;
  tk_fetch_head_t head;
  int r;
  switch (f->phase) {
    case TK_FETCH_RETRY:
      if (!prv_reached(now_ms, f->at_ms)) return false;
      f->opened_at = u->next_offset;
      if (!tk_platform_fetch_open(f->url, u->next_offset, u->job.size - 1u)) {
        /* Nothing was opened: count the failure without closing anything. */
        f->phase = TK_FETCH_OFF;
        return prv_attempt_failed(u, now_ms, out);
      }
      f->phase = TK_FETCH_CONNECTING;
      f->at_ms = now_ms;
      return false;
    case TK_FETCH_CONNECTING:
      memset(&head, 0, sizeof head);
      r = tk_platform_fetch_head(&head);
      if (r == TK_FETCH_WAIT) return prv_reached(now_ms, f->at_ms + TK_FETCH_TIMEOUT_MS) ? prv_attempt_failed(u, now_ms, out) : false;
      if (r != TK_FETCH_HEAD || !prv_head_ok(u, &head)) return prv_attempt_failed(u, now_ms, out);
      f->phase = TK_FETCH_BODY;
      f->at_ms = now_ms;
      return prv_read_piece(u, now_ms, out);
    case TK_FETCH_BODY:
      return prv_read_piece(u, now_ms, out);
    default:
      return false;
  }
}
