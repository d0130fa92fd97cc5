#include "tokkatot/outputs.h"

#include "tokkatot/platform_io.h"

static bool prv_reached(uint32_t now_ms, uint32_t at_ms) { return (int32_t)(now_ms - at_ms) >= 0; }

bool tk_outputs_pin_level(const tk_output_desc_t *desc, bool on) { return desc->active_low ? !on : on; }

static void prv_drive(const tk_output_desc_t *d, bool on, uint8_t level) {
  if (d->dimmable) {
    uint8_t duty = on ? level : 0u;
    tk_platform_pwm_write(d->pin, d->active_low ? (uint8_t)(100u - duty) : duty);
  } else {
    tk_platform_pin_write(d->pin, tk_outputs_pin_level(d, on));
  }
}

void tk_outputs_init(tk_outputs_t *o, const tk_board_t *board) {
  uint8_t i;
  o->board = board;
  for (i = 0; i < board->output_count; i++) {
    tk_output_runtime_t *rt = &o->rt[i];
    rt->on = false;
    rt->level = 0;
    rt->reason = TK_REASON_BOOT;
    rt->on_since_ms = 0;
    rt->has_deadline = false;
    rt->deadline_ms = 0;
    prv_drive(&board->outputs[i], false, 0);
  }
}

int tk_outputs_find(const tk_outputs_t *o, uint8_t channel) {
  uint8_t i;
  for (i = 0; i < o->board->output_count; i++)
    if (o->board->outputs[i].channel == channel) return (int)i;
  return -1;
}

void tk_outputs_set(tk_outputs_t *o, int idx, bool on, uint8_t level, uint32_t duration_ms, uint8_t reason, uint32_t now_ms) {
  tk_output_runtime_t *rt = &o->rt[idx];
  const tk_output_desc_t *d = &o->board->outputs[idx];
  /* Re-commanding ON keeps the ON period's start: repeated commands cannot dodge maximum ON. */
  if (on && !rt->on) rt->on_since_ms = now_ms;
  rt->on = on;
  rt->level = on ? (d->dimmable ? level : 100u) : 0u;
  rt->reason = reason;
  rt->has_deadline = on && duration_ms > 0u;
  rt->deadline_ms = now_ms + duration_ms;
  prv_drive(d, rt->on, rt->level);
}

uint32_t tk_outputs_tick(tk_outputs_t *o, const uint32_t *max_on_s, uint32_t now_ms, uint32_t *cut_mask) {
  uint32_t changed = 0;
  uint8_t i;
  *cut_mask = 0;
  for (i = 0; i < o->board->output_count; i++) {
    tk_output_runtime_t *rt = &o->rt[i];
    if (!rt->on) continue;
    if (rt->has_deadline && prv_reached(now_ms, rt->deadline_ms)) {
      tk_outputs_set(o, i, false, 0, 0, TK_REASON_DURATION_ELAPSED, now_ms);
      changed |= 1u << i;
    } else if (max_on_s[i] > 0u && rt->reason != TK_REASON_FAIL_SAFE &&
               prv_reached(now_ms, rt->on_since_ms + max_on_s[i] * 1000u)) {
      /* A fail-safe ON (a fan keeping birds alive) is exempt; everything else is cut. */
      tk_outputs_set(o, i, false, 0, 0, TK_REASON_MAX_ON_CUT, now_ms);
      changed |= 1u << i;
      *cut_mask |= 1u << i;
    }
  }
  return changed;
}

uint32_t tk_outputs_remaining_s(const tk_outputs_t *o, int idx, uint32_t max_on_s, uint32_t now_ms) {
  const tk_output_runtime_t *rt = &o->rt[idx];
  uint32_t left_ms = 0;
  bool bounded = false;
  if (!rt->on) return 0;
  if (rt->has_deadline) {
    left_ms = prv_reached(now_ms, rt->deadline_ms) ? 0u : rt->deadline_ms - now_ms;
    bounded = true;
  }
  if (max_on_s > 0u && rt->reason != TK_REASON_FAIL_SAFE) {
    uint32_t end = rt->on_since_ms + max_on_s * 1000u;
    uint32_t cut_ms = prv_reached(now_ms, end) ? 0u : end - now_ms;
    if (!bounded || cut_ms < left_ms) left_ms = cut_ms;
    bounded = true;
  }
  if (!bounded) return 0;
  return (left_ms + 999u) / 1000u;
}
