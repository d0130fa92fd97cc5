/*
 * Firmware update state machine: a transfer into the inactive slot (resumable by offset,
 * persisted every TK_UPDATE_PERSIST_BYTES), SHA-256 over the whole slot before it can be
 * committed, the switch to the new slot, and the health deadline of a new image (rolled back by
 * the node itself unless the edge confirms it in time). Portable: the slots are the port's
 * (platform_update.h); the node (node.c) sends the statuses and holds the outputs.
 */
#ifndef TOKKATOT_UPDATE_H
#define TOKKATOT_UPDATE_H

#include <stdbool.h>
#include <stdint.h>

#include "tokkatot/platform_fetch.h"
#include "tokkatot/platform_update.h"
#include "tokkatot/protocol.h"
#include "tokkatot/sha256.h"

/** Persist the offset each time it crosses a multiple of this (one flash sector). */
#define TK_UPDATE_PERSIST_BYTES 4096u
/** Bytes hashed per tick while verifying, so the node keeps serving its link and timers. */
#define TK_UPDATE_VERIFY_STEP_BYTES 4096u
/** A transfer without any update request for this long stops holding the outputs (it stays resumable). */
#define TK_UPDATE_DEFAULT_IDLE_MS 60000u
/** Health deadline of a new image when the port has none recorded. */
#define TK_UPDATE_DEFAULT_HEALTH_MS 60000u

/* Pull mode (updateFetch): the node fetches the image itself over HTTP with range requests. */
/** Bytes taken from the connection per tick at most, so the control loop and the link keep running. */
#define TK_FETCH_PIECE_BYTES 4096u
/** No header, or no byte of the body, for this long: the attempt failed. */
#define TK_FETCH_TIMEOUT_MS 5000u
/** Attempts in a row without a byte of progress before the transfer fails with fetch_failed. */
#define TK_FETCH_MAX_FAILURES 5u
/** Delay before the first retry, doubled after each failed attempt up to TK_FETCH_BACKOFF_MAX_MS. */
#define TK_FETCH_BACKOFF_MS 500u
#define TK_FETCH_BACKOFF_MAX_MS 8000u

typedef enum { TK_FETCH_OFF = 0, TK_FETCH_RETRY, TK_FETCH_CONNECTING, TK_FETCH_BODY } tk_fetch_phase_t;

typedef struct {
  uint8_t phase; /* tk_fetch_phase_t */
  char url[TK_MAX_FETCH_URL_LEN + 1];
  uint8_t failures;   /* attempts in a row without progress */
  uint32_t at_ms;     /* RETRY: when to try again; CONNECTING/BODY: when the server was last heard */
  uint32_t opened_at; /* the offset the current request started from */
  uint32_t reported;  /* the offset last reported to the edge */
} tk_fetch_t;

typedef struct {
  uint8_t state; /* tk_update_state_t */
  uint8_t error; /* tk_update_error_t of the failed transfer */
  bool has_job;
  tk_update_progress_t job;
  uint32_t next_offset; /* bytes [0, next_offset) are written */
  uint32_t verify_offset;
  tk_sha256_t sha;
  uint32_t last_request_ms;
  uint32_t idle_timeout_ms;
  tk_boot_info_t boot;
  uint32_t boot_ms;
  tk_fetch_t fetch;
} tk_update_t;

/** Reads the boot information and any persisted transfer (resumed by the next matching begin). */
void tk_update_init(tk_update_t *u, uint32_t now_ms);

/** True while a transfer is in progress: the node holds its outputs in fail-safe meanwhile. */
bool tk_update_active(const tk_update_t *u);

/** Starts a transfer, or resumes the same image from its persisted offset. */
void tk_update_begin(tk_update_t *u, const tk_update_begin_t *begin, uint32_t now_ms, tk_update_status_t *out);

/**
 * Like a begin (same image = resume from what the node has), then the node fetches the rest
 * from f->url by itself, a piece per tick (tk_update_tick). A node whose port cannot fetch
 * answers its current status with fetch_unsupported and changes nothing.
 */
void tk_update_fetch(tk_update_t *u, const tk_update_fetch_t *f, uint32_t now_ms, tk_update_status_t *out);

/** Writes a chunk at its offset; one the slot already has is only answered (idempotent). */
void tk_update_chunk(tk_update_t *u, const tk_update_chunk_t *chunk, uint32_t now_ms, tk_update_status_t *out);

/**
 * Switches to the verified image. On success out->state is REBOOTING and the caller must call
 * tk_platform_reboot() after sending the status.
 */
void tk_update_commit(tk_update_t *u, const tk_update_commit_t *commit, uint32_t now_ms, tk_update_status_t *out);

/** Confirms a pending running image; returns whether it was pending. */
bool tk_update_confirm(tk_update_t *u);

/** Hashes the next piece while verifying and ends idle transfers; true when *out should be sent. */
bool tk_update_tick(tk_update_t *u, uint32_t now_ms, tk_update_status_t *out);

/** True once a pending image has outlived its health deadline without a confirm. */
bool tk_update_health_expired(const tk_update_t *u, uint32_t now_ms);

/* ---- shared by update.c and update_fetch.c ---- */

/** Appends bytes at next_offset: writes, persists at 4 KiB boundaries, verifies after the last byte. False on a flash error (failed). */
bool tk_update_append(tk_update_t *u, const uint8_t *data, uint32_t len);

/** Runs the fetch of a pull transfer for one tick; true when *out should be sent. */
bool tk_update_fetch_tick(tk_update_t *u, uint32_t now_ms, tk_update_status_t *out);

/** Stops fetching (closes the request); the transfer itself is untouched. */
void tk_update_fetch_stop(tk_update_t *u);

/** The current status (the answer to any update request). */
void tk_update_status(const tk_update_t *u, uint8_t error, tk_update_status_t *out);

#endif
