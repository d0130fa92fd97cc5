#include "update_harness.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/fake_platform.h"
#include "test_board.h"

tk_node_t node;
static uint16_t seq;
static uint32_t next_boot_id;

void harness_reset(uint32_t boot_id) {
  seq = 1;
  next_boot_id = boot_id;
}

void deliver(tk_msg_t *m, uint32_t now) {
  uint8_t wire[TK_MAX_STUFFED_BYTES + 1];
  size_t n;
  m->seq = seq++;
  n = tk_msg_encode_wire(m, wire, sizeof wire);
  assert_true(n > 0);
  /* Keep room in the fake's log: only the latest messages matter to these tests. */
  if (fake.sent_count > FAKE_SENT_MAX - 16) fake.sent_count = 0;
  tk_node_receive_bytes(&node, wire, n, now);
}

const tk_update_status_t *last_status(void) {
  const tk_msg_t *m = fake_last(TK_MSG_UPDATE_STATUS, 0);
  assert_non_null(m);
  return &m->u.update_status;
}

void boot(uint32_t now) {
  tk_msg_t c;
  memset(&c, 0, sizeof c);
  c.type = TK_MSG_CONFIG;
  c.u.config.id = 1;
  c.u.config.link_timeout_ms = 30000;
  c.u.config.heartbeat_period_ms = 1000;
  c.u.config.output_count = 2;
  c.u.config.outputs[0] = (tk_output_config_t){CH_FAN, true, 3600};
  c.u.config.outputs[1] = (tk_output_config_t){CH_HEATER, false, 1800};
  tk_node_init(&node, &test_board, next_boot_id, TK_RESET_POWER_ON, now);
  if (!fake.has_stored_config) deliver(&c, now);
}
