/* Output state machine: commanded, timed, maximum-ON cut, fail-safe; active-low applied here. */
#ifndef TOKKATOT_OUTPUTS_H
#define TOKKATOT_OUTPUTS_H

#include <stdbool.h>
#include <stdint.h>

#include "tokkatot/board.h"
#include "tokkatot/protocol.h"

typedef struct {
  bool on;
  uint8_t level;
  uint8_t reason;       /* tk_output_reason_t */
  uint32_t on_since_ms; /* start of the current ON period: re-commanding ON does not reset it */
  bool has_deadline;    /* a timed command */
  uint32_t deadline_ms;
} tk_output_runtime_t;

typedef struct {
  const tk_board_t *board;
  tk_output_runtime_t rt[TK_MAX_OUTPUTS];
} tk_outputs_t;

/** Drives every output to its inactive level (reason boot): the very first thing at boot. */
void tk_outputs_init(tk_outputs_t *o, const tk_board_t *board);

/** Index of the output with this channel, or -1. */
int tk_outputs_find(const tk_outputs_t *o, uint8_t channel);

/** Switches output idx; duration_ms 0 = no deadline. */
void tk_outputs_set(tk_outputs_t *o, int idx, bool on, uint8_t level, uint32_t duration_ms, uint8_t reason, uint32_t now_ms);

/**
 * Ends timed runs and cuts outputs ON longer than max_on_s (0 = exempt). Returns a bitmask of the
 * outputs it switched off; *cut_mask gets those cut by the maximum ON time.
 */
uint32_t tk_outputs_tick(tk_outputs_t *o, const uint32_t *max_on_s, uint32_t now_ms, uint32_t *cut_mask);

/** Seconds until output idx switches itself off (0 = never by itself). */
uint32_t tk_outputs_remaining_s(const tk_outputs_t *o, int idx, uint32_t max_on_s, uint32_t now_ms);

/** The electrical level of a relay pin for a logical state (active-low inverts). */
bool tk_outputs_pin_level(const tk_output_desc_t *desc, bool on);

#endif
