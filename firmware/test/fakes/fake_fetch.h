/* A scripted HTTP server behind platform_fetch.h, for the core's pull-mode tests. */
#ifndef TOKKATOT_FAKE_FETCH_H
#define TOKKATOT_FAKE_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "tokkatot/platform_fetch.h"

#define FAKE_FETCH_REQUESTS 64

typedef struct {
  bool supported;
  const uint8_t *body; /* the image it serves */
  uint32_t body_len;
  uint32_t per_read;   /* at most this many bytes per read (short reads); 0 = no limit */
  int head_waits;      /* head polls answered "not yet" before each header */
  /* Faults of the first N requests (counted from the first open). */
  int error_requests;       /* answer 500 */
  int error_from;           /* when > 0: every request from this index on answers 500 */
  int wrong_range_requests; /* answer a Content-Range one byte off */
  int cut_requests;         /* end the body after cut_after bytes */
  uint32_t cut_after;
  uint32_t extra_bytes; /* every body carries this many junk bytes past the image */
  bool ignore_range;    /* answer 200 with the whole image */
  /* What it saw. */
  int opens, closes;
  uint32_t first[FAKE_FETCH_REQUESTS], last[FAKE_FETCH_REQUESTS];
  char url[200];
  /* The request in progress. */
  bool open;
  int waits_left;
  tk_fetch_head_t head;
  uint32_t pos, end;
} fake_fetch_t;

extern fake_fetch_t fake_fetch;

/** Serves body, supported, no faults. */
void fake_fetch_reset(const uint8_t *body, uint32_t len);

#endif
