#include "tokkatot/update.h"

#include <string.h>

static bool prv_reached(uint32_t now_ms, uint32_t at_ms) { return (int32_t)(now_ms - at_ms) >= 0; }

void tk_update_status(const tk_update_t *u, uint8_t error, tk_update_status_t *out) {
  out->state = u->state;
  out->error = u->state == TK_UPDATE_FAILED ? u->error : error;
  out->next_offset = u->state == TK_UPDATE_IDLE || u->state == TK_UPDATE_FAILED ? 0u : u->next_offset;
}

void tk_update_init(tk_update_t *u, uint32_t now_ms) {
  memset(u, 0, sizeof *u);
  u->state = TK_UPDATE_IDLE;
  u->idle_timeout_ms = TK_UPDATE_DEFAULT_IDLE_MS;
  u->boot_ms = now_ms;
  tk_platform_boot_info(&u->boot);
  if (u->boot.running_slot > TK_SLOT_B) u->boot.running_slot = TK_SLOT_A;
  if (!u->boot.confirmed && u->boot.health_timeout_ms == 0u) u->boot.health_timeout_ms = TK_UPDATE_DEFAULT_HEALTH_MS;
  /* A transfer cut by a power loss is kept, not resumed: the edge decides whether to go on. */
  u->has_job = tk_platform_update_progress_load(&u->job) && u->job.size > 0u && u->job.offset <= u->job.size;
}

bool tk_update_active(const tk_update_t *u) {
  return u->state == TK_UPDATE_RECEIVING || u->state == TK_UPDATE_VERIFYING || u->state == TK_UPDATE_READY ||
         u->state == TK_UPDATE_REBOOTING;
}

static void prv_fail(tk_update_t *u, uint8_t error) {
  tk_update_fetch_stop(u);
  u->state = TK_UPDATE_FAILED;
  u->error = error;
  u->has_job = false;
  tk_platform_update_progress_clear();
}

static bool prv_same_image(const tk_update_progress_t *job, const tk_update_begin_t *b) {
  return job->size == b->size && memcmp(job->sha256, b->sha256, TK_SHA256_BYTES) == 0 && strcmp(job->version, b->version) == 0;
}

static void prv_start_verify(tk_update_t *u) {
  u->state = TK_UPDATE_VERIFYING;
  u->verify_offset = 0;
  tk_sha256_init(&u->sha);
}

/* Begins or resumes a transfer; a fetch in progress is left to the caller. */
static void prv_begin(tk_update_t *u, const tk_update_begin_t *b, uint32_t now_ms, tk_update_status_t *out) {
  u->last_request_ms = now_ms;
  /* The inactive slot is the way back while the running image is unproven: never overwrite it. */
  if (!u->boot.confirmed) {
    tk_update_status(u, TK_UPDATE_ERR_IMAGE_UNCONFIRMED, out);
    return;
  }
  if (b->size == 0u || b->size > tk_platform_slot_capacity()) {
    prv_fail(u, TK_UPDATE_ERR_TOO_LARGE);
    tk_update_status(u, 0, out);
    return;
  }
  if (u->has_job && prv_same_image(&u->job, b)) {
    /* The same image again: a retried begin, or a resume after a power loss or a lost link. */
    if (!tk_update_active(u)) {
      /* What this boot wrote is in the slot for sure; after a power loss only the persisted part. */
      if (u->job.verified) u->next_offset = u->job.size;
      else if (u->next_offset < u->job.offset) u->next_offset = u->job.offset;
      u->state = u->job.verified ? TK_UPDATE_READY : TK_UPDATE_RECEIVING;
      if (!u->job.verified && u->next_offset == u->job.size) prv_start_verify(u);
    }
    u->job.chunk_size = b->chunk_size;
    tk_update_status(u, 0, out);
    return;
  }
  memset(&u->job, 0, sizeof u->job);
  strncpy(u->job.version, b->version, TK_MAX_FIRMWARE_VERSION_LEN);
  u->job.size = b->size;
  memcpy(u->job.sha256, b->sha256, TK_SHA256_BYTES);
  u->job.chunk_size = b->chunk_size;
  u->has_job = true;
  u->next_offset = 0;
  if (!tk_platform_slot_erase(b->size)) {
    prv_fail(u, TK_UPDATE_ERR_FLASH);
  } else {
    tk_platform_update_progress_save(&u->job);
    u->state = TK_UPDATE_RECEIVING;
  }
  tk_update_status(u, 0, out);
}

void tk_update_begin(tk_update_t *u, const tk_update_begin_t *b, uint32_t now_ms, tk_update_status_t *out) {
  /* The edge pushes from now on (chunks are refused while the node fetches). */
  tk_update_fetch_stop(u);
  prv_begin(u, b, now_ms, out);
}

void tk_update_fetch(tk_update_t *u, const tk_update_fetch_t *f, uint32_t now_ms, tk_update_status_t *out) {
  tk_update_begin_t b;
  if (!tk_platform_fetch_supported()) {
    u->last_request_ms = now_ms;
    tk_update_status(u, TK_UPDATE_ERR_FETCH_UNSUPPORTED, out);
    return;
  }
  memset(&b, 0, sizeof b);
  strncpy(b.version, f->version, TK_MAX_FIRMWARE_VERSION_LEN);
  b.size = f->size;
  memcpy(b.sha256, f->sha256, TK_SHA256_BYTES);
  b.chunk_size = 0; /* no chunks while the node fetches */
  if (u->fetch.phase != TK_FETCH_OFF && u->state == TK_UPDATE_RECEIVING && u->has_job && prv_same_image(&u->job, &b) &&
      strcmp(u->fetch.url, f->url) == 0) {
    /* A retried request for the fetch under way: answer, do not start over. */
    u->last_request_ms = now_ms;
    tk_update_status(u, 0, out);
    return;
  }
  tk_update_fetch_stop(u);
  prv_begin(u, &b, now_ms, out);
  if (u->state != TK_UPDATE_RECEIVING || out->error != TK_UPDATE_ERR_NONE) return;
  strncpy(u->fetch.url, f->url, TK_MAX_FETCH_URL_LEN);
  u->fetch.url[TK_MAX_FETCH_URL_LEN] = '\0';
  u->fetch.phase = TK_FETCH_RETRY;
  u->fetch.at_ms = now_ms;
  u->fetch.failures = 0;
  u->fetch.reported = u->next_offset;
}

bool tk_update_append(tk_update_t *u, const uint8_t *data, uint32_t len) {
  uint32_t end = u->next_offset + len;
  if (!tk_platform_slot_write(u->next_offset, data, len)) {
    prv_fail(u, TK_UPDATE_ERR_FLASH);
    return false;
  }
  if (end / TK_UPDATE_PERSIST_BYTES != u->next_offset / TK_UPDATE_PERSIST_BYTES || end == u->job.size) {
    u->job.offset = end == u->job.size ? end : end - end % TK_UPDATE_PERSIST_BYTES;
    tk_platform_update_progress_save(&u->job);
  }
  u->next_offset = end;
  if (end == u->job.size) prv_start_verify(u);
  return true;
}

void tk_update_chunk(tk_update_t *u, const tk_update_chunk_t *c, uint32_t now_ms, tk_update_status_t *out) {
  uint32_t end = c->offset + c->len;
  uint32_t skip;
  u->last_request_ms = now_ms;
  if (u->state != TK_UPDATE_RECEIVING) {
    /* A late retry of a chunk of the image being verified or ready is harmless: just answer. */
    bool late_retry = (u->state == TK_UPDATE_VERIFYING || u->state == TK_UPDATE_READY) && end <= u->job.size;
    tk_update_status(u, late_retry ? 0u : (uint8_t)TK_UPDATE_ERR_NO_TRANSFER, out);
    return;
  }
  if (c->len > u->job.chunk_size || end > u->job.size || end < c->offset) {
    tk_update_status(u, TK_UPDATE_ERR_BAD_CHUNK, out);
    return;
  }
  /* Ahead of what the node has (a lost chunk): the answer names the offset it needs. */
  if (c->offset > u->next_offset || end <= u->next_offset) {
    tk_update_status(u, 0, out);
    return;
  }
  skip = u->next_offset - c->offset;
  (void)tk_update_append(u, c->data + skip, c->len - skip);
  tk_update_status(u, 0, out);
}

void tk_update_commit(tk_update_t *u, const tk_update_commit_t *commit, uint32_t now_ms, tk_update_status_t *out) {
  u->last_request_ms = now_ms;
  if (u->state == TK_UPDATE_REBOOTING) {
    tk_update_status(u, 0, out);
    return;
  }
  if (u->state != TK_UPDATE_READY) {
    tk_update_status(u, TK_UPDATE_ERR_NOT_READY, out);
    return;
  }
  if (!tk_platform_boot_switch(u->job.size, (uint32_t)commit->health_timeout_s * 1000u)) {
    prv_fail(u, TK_UPDATE_ERR_INVALID_IMAGE);
    tk_update_status(u, 0, out);
    return;
  }
  tk_platform_update_progress_clear();
  u->has_job = false;
  u->state = TK_UPDATE_REBOOTING;
  tk_update_status(u, 0, out);
}

bool tk_update_confirm(tk_update_t *u) {
  if (u->boot.confirmed) return false;
  tk_platform_image_confirm();
  u->boot.confirmed = true;
  return true;
}

bool tk_update_health_expired(const tk_update_t *u, uint32_t now_ms) {
  return !u->boot.confirmed && prv_reached(now_ms, u->boot_ms + u->boot.health_timeout_ms);
}

bool tk_update_tick(tk_update_t *u, uint32_t now_ms, tk_update_status_t *out) {
  /* While it fetches, the server's bytes are the sign of life (the edge sends nothing meanwhile). */
  if (u->state == TK_UPDATE_RECEIVING && u->fetch.phase != TK_FETCH_OFF) return tk_update_fetch_tick(u, now_ms, out);
  if (u->state == TK_UPDATE_VERIFYING) {
    uint8_t buf[256];
    uint32_t stop = u->verify_offset + TK_UPDATE_VERIFY_STEP_BYTES;
    if (stop > u->job.size) stop = u->job.size;
    while (u->verify_offset < stop) {
      uint32_t n = stop - u->verify_offset;
      if (n > sizeof buf) n = sizeof buf;
      if (!tk_platform_slot_read(u->verify_offset, buf, n)) {
        prv_fail(u, TK_UPDATE_ERR_FLASH);
        tk_update_status(u, 0, out);
        return true;
      }
      tk_sha256_update(&u->sha, buf, n);
      u->verify_offset += n;
    }
    if (u->verify_offset == u->job.size) {
      uint8_t digest[TK_SHA256_DIGEST_BYTES];
      tk_sha256_final(&u->sha, digest);
      if (memcmp(digest, u->job.sha256, TK_SHA256_BYTES) != 0) {
        prv_fail(u, TK_UPDATE_ERR_HASH_MISMATCH);
      } else {
        u->job.verified = true;
        tk_platform_update_progress_save(&u->job);
        u->state = TK_UPDATE_READY;
      }
      tk_update_status(u, 0, out);
      return true;
    }
    return false;
  }
  if ((u->state == TK_UPDATE_RECEIVING || u->state == TK_UPDATE_READY) && prv_reached(now_ms, u->last_request_ms + u->idle_timeout_ms)) {
    /* The edge went away mid-transfer: stop holding the outputs; the persisted part stays resumable. */
    tk_update_fetch_stop(u);
    u->state = TK_UPDATE_IDLE;
    tk_update_status(u, 0, out);
    return true;
  }
  return false;
}
