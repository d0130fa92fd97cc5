/* Node behaviour: boot, configuration, idempotent commands, fail-safe, maximum ON, active-low. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/fake_platform.h"
#include "test_board.h"
#include "tokkatot/cobs.h"
#include "tokkatot/node.h"

#define BOOT_ID 0x1a2b3c4du
#define LINK_TIMEOUT_MS 5000u

static tk_node_t node;

static void deliver(const tk_msg_t *m, uint32_t now) {
  uint8_t wire[TK_MAX_STUFFED_BYTES + 1];
  size_t n = tk_msg_encode_wire(m, wire, sizeof wire);
  assert_true(n > 0);
  tk_node_receive_bytes(&node, wire, n, now);
}

static tk_msg_t config_msg(uint16_t seq, uint32_t id) {
  tk_msg_t m;
  memset(&m, 0, sizeof m);
  m.type = TK_MSG_CONFIG;
  m.seq = seq;
  m.u.config.id = id;
  m.u.config.link_timeout_ms = LINK_TIMEOUT_MS;
  m.u.config.heartbeat_period_ms = 1000;
  m.u.config.output_count = 5;
  m.u.config.outputs[0] = (tk_output_config_t){CH_FEEDER, false, 600};
  m.u.config.outputs[1] = (tk_output_config_t){CH_CONVEYOR, false, 600};
  m.u.config.outputs[2] = (tk_output_config_t){CH_FAN, true, 3600};
  m.u.config.outputs[3] = (tk_output_config_t){CH_HEATER, false, 1800};
  m.u.config.outputs[4] = (tk_output_config_t){CH_LIGHT, true, 86400};
  return m;
}

static tk_msg_t set_msg(uint16_t seq, uint32_t id, uint8_t channel, bool on, uint8_t level, uint32_t duration_s) {
  tk_msg_t m;
  memset(&m, 0, sizeof m);
  m.type = TK_MSG_SET_OUTPUT;
  m.seq = seq;
  m.u.set_output = (tk_set_output_t){id, BOOT_ID, channel, on, level, duration_s};
  return m;
}

static const tk_output_state_t *reported(uint8_t channel) {
  const tk_msg_t *s = fake_last(TK_MSG_STATE, 0);
  uint8_t i;
  assert_non_null(s);
  for (i = 0; i < s->u.state.count; i++)
    if (s->u.state.outputs[i].channel == channel) return &s->u.state.outputs[i];
  fail_msg("channel %u missing from the state report", channel);
  return NULL;
}

/* Pings every second over [from, to) so the link stays up while a test waits. */
static void ping_until(uint32_t from, uint32_t to) {
  tk_msg_t ping;
  uint32_t t;
  memset(&ping, 0, sizeof ping);
  ping.type = TK_MSG_PING;
  for (t = from; t < to; t += 1000u) deliver(&ping, t);
}

static int count_faults(uint8_t kind) {
  int i, n = 0;
  for (i = 0; i < fake.sent_count; i++)
    if (fake.sent[i].type == TK_MSG_FAULT && fake.sent[i].u.fault.kind == kind) n++;
  return n;
}

static void boot_configured(void) {
  tk_msg_t c = config_msg(1, 100);
  tk_node_init(&node, &test_board, BOOT_ID, TK_RESET_POWER_ON, 0);
  deliver(&c, 10);
  assert_int_equal(fake_last(TK_MSG_ACK, 0)->u.ack.id, 100);
}

static int setup(void **state) {
  (void)state;
  fake_reset();
  return 0;
}

static void test_boot_releases_active_low_relays_before_sending_anything(void **state) {
  const tk_msg_t *hello;
  (void)state;
  tk_node_init(&node, &test_board, BOOT_ID, TK_RESET_POWER_ON, 0);
  /* Active-low relays are OFF when their pin is HIGH. */
  assert_int_equal(fake.pin_level[PIN_FEEDER], 1);
  assert_int_equal(fake.pin_level[PIN_HEATER], 1);
  assert_int_equal(fake.pin_level[PIN_FAN], 1);
  assert_int_equal(fake.pwm_duty[PIN_LIGHT], 0);
  assert_int_equal(fake.first_send_pin_writes, 5);
  hello = &fake.sent[0];
  assert_int_equal(hello->type, TK_MSG_HELLO);
  assert_string_equal(hello->u.hello.node_id, "coop-1-main");
  assert_int_equal(hello->u.hello.boot_id, BOOT_ID);
  assert_int_equal(hello->u.hello.output_count, 5);
  assert_true(hello->u.hello.outputs[0].active_low);
  assert_int_equal(reported(CH_HEATER)->reason, TK_REASON_BOOT);
  assert_false(fake_last(TK_MSG_STATE, 0)->u.state.configured);
}

static void test_a_watchdog_reset_is_reported_as_a_fault(void **state) {
  (void)state;
  tk_node_init(&node, &test_board, BOOT_ID, TK_RESET_WATCHDOG, 0);
  assert_int_equal(fake_last(TK_MSG_FAULT, 0)->u.fault.kind, TK_FAULT_WATCHDOG_RESET);
  assert_int_equal(fake_last(TK_MSG_HELLO, 0)->u.hello.reset_reason, TK_RESET_WATCHDOG);
}

static void test_commands_are_refused_until_configured(void **state) {
  tk_msg_t m = set_msg(5, 1, CH_FAN, true, 100, 0);
  (void)state;
  tk_node_init(&node, &test_board, BOOT_ID, TK_RESET_POWER_ON, 0);
  deliver(&m, 10);
  assert_int_equal(fake_last(TK_MSG_NACK, 0)->u.ack.error, TK_NACK_NOT_CONFIGURED);
  assert_int_equal(fake.pin_level[PIN_FAN], 1);
  assert_int_equal(fake.executed, 0);
}

static void test_a_command_drives_an_active_low_relay_low_and_is_acked_then_reported(void **state) {
  tk_msg_t m = set_msg(7, 42, CH_FAN, true, 100, 0);
  int before;
  (void)state;
  boot_configured();
  before = fake.sent_count;
  deliver(&m, 20);
  assert_int_equal(fake.pin_level[PIN_FAN], 0);
  assert_int_equal(fake.sent[before].type, TK_MSG_ACK);
  assert_int_equal(fake.sent[before].u.ack.ack_seq, 7);
  assert_int_equal(fake.sent[before].u.ack.id, 42);
  assert_int_equal(fake.sent[before + 1].type, TK_MSG_STATE);
  assert_true(reported(CH_FAN)->on);
  assert_int_equal(reported(CH_FAN)->reason, TK_REASON_COMMANDED);
  assert_int_equal(reported(CH_FAN)->remaining_s, 3600);
  assert_int_equal(fake.saves, 1);
}

static void test_a_retried_command_runs_once(void **state) {
  tk_msg_t m = set_msg(9, 77, CH_FEEDER, true, 100, 480);
  (void)state;
  boot_configured();
  deliver(&m, 20);
  deliver(&m, 320); /* the ack was lost: the edge resends the identical frame */
  deliver(&m, 620);
  assert_int_equal(fake.executed, 1);
  assert_int_equal(fake_count(TK_MSG_ACK), 4); /* config + three answers to the same command */
  assert_int_equal(fake_last(TK_MSG_ACK, 0)->u.ack.id, 77);
  assert_int_equal(node.counters.rx_duplicates, 2);
  /* The duration still counts from the one execution. */
  ping_until(1000, 480000);
  tk_node_tick(&node, 20 + 480000);
  assert_false(reported(CH_FEEDER)->on);
  assert_int_equal(reported(CH_FEEDER)->reason, TK_REASON_DURATION_ELAPSED);
}

static void test_a_new_command_with_a_new_sequence_runs_again(void **state) {
  tk_msg_t a = set_msg(9, 77, CH_FEEDER, true, 100, 0);
  tk_msg_t b = set_msg(10, 78, CH_FEEDER, false, 0, 0);
  (void)state;
  boot_configured();
  deliver(&a, 20);
  deliver(&b, 30);
  assert_int_equal(fake.executed, 2);
  assert_int_equal(fake.pin_level[PIN_FEEDER], 1);
}

static void test_a_refused_retry_is_refused_again_without_running(void **state) {
  tk_msg_t m = set_msg(11, 5, CH_FEEDER, true, 100, 601);
  (void)state;
  boot_configured();
  deliver(&m, 20);
  deliver(&m, 30);
  assert_int_equal(fake_last(TK_MSG_NACK, 0)->u.ack.error, TK_NACK_EXCEEDS_MAX_ON);
  assert_int_equal(fake_count(TK_MSG_NACK), 2);
  assert_int_equal(fake.executed, 0);
}

static void test_a_command_for_an_older_boot_is_refused(void **state) {
  tk_msg_t m = set_msg(12, 6, CH_HEATER, true, 100, 0);
  (void)state;
  boot_configured();
  m.u.set_output.boot_id = BOOT_ID + 1u;
  deliver(&m, 20);
  assert_int_equal(fake_last(TK_MSG_NACK, 0)->u.ack.error, TK_NACK_STALE_SESSION);
  assert_int_equal(fake.pin_level[PIN_HEATER], 1);
  assert_int_equal(fake.executed, 0);
}

static void test_bad_channels_and_levels_are_refused(void **state) {
  tk_msg_t unknown = set_msg(13, 7, 9, true, 100, 0);
  tk_msg_t dim_relay = set_msg(14, 8, CH_FAN, true, 50, 0);
  tk_msg_t dim_light = set_msg(15, 9, CH_LIGHT, true, 40, 0);
  (void)state;
  boot_configured();
  deliver(&unknown, 20);
  assert_int_equal(fake_last(TK_MSG_NACK, 0)->u.ack.error, TK_NACK_UNKNOWN_OUTPUT);
  deliver(&dim_relay, 30);
  assert_int_equal(fake_last(TK_MSG_NACK, 0)->u.ack.error, TK_NACK_INVALID_LEVEL);
  deliver(&dim_light, 40);
  assert_int_equal(fake.pwm_duty[PIN_LIGHT], 40);
  assert_int_equal(reported(CH_LIGHT)->level, 40);
}

static void test_a_heater_may_not_fail_safe_to_on(void **state) {
  tk_msg_t c = config_msg(1, 100);
  (void)state;
  tk_node_init(&node, &test_board, BOOT_ID, TK_RESET_POWER_ON, 0);
  c.u.config.outputs[3].fail_safe_on = true;
  deliver(&c, 10);
  assert_int_equal(fake_last(TK_MSG_NACK, 0)->u.ack.error, TK_NACK_INVALID_CONFIG);
  assert_false(node.configured);
  assert_int_equal(fake.saves, 0);
}

static void test_link_timeout_applies_fail_safe_states(void **state) {
  tk_msg_t heater_on = set_msg(20, 1, CH_HEATER, true, 100, 0);
  tk_msg_t fan_off = set_msg(21, 2, CH_FAN, false, 0, 0);
  (void)state;
  boot_configured();
  deliver(&heater_on, 100);
  deliver(&fan_off, 100);
  assert_int_equal(fake.pin_level[PIN_HEATER], 0);
  tk_node_tick(&node, 100 + LINK_TIMEOUT_MS - 1u);
  assert_int_equal(fake.pin_level[PIN_HEATER], 0); /* not yet */
  assert_int_equal(count_faults(TK_FAULT_LINK_LOST), 0);
  tk_node_tick(&node, 100 + LINK_TIMEOUT_MS);
  assert_int_equal(fake.pin_level[PIN_HEATER], 1); /* heater off */
  assert_int_equal(fake.pin_level[PIN_FAN], 0);    /* fan on: its fail-safe */
  assert_int_equal(fake.pwm_duty[PIN_LIGHT], 100);
  assert_int_equal(reported(CH_HEATER)->reason, TK_REASON_FAIL_SAFE);
  assert_int_equal(reported(CH_FAN)->reason, TK_REASON_FAIL_SAFE);
  assert_true(fake_last(TK_MSG_STATE, 0)->u.state.fail_safe_active);
  assert_int_equal(fake_last(TK_MSG_FAULT, 0)->u.fault.kind, TK_FAULT_LINK_LOST);
  assert_int_equal(node.counters.link_losses, 1);
}

static void test_pings_keep_the_link_up(void **state) {
  tk_msg_t ping;
  tk_msg_t heater_on = set_msg(20, 1, CH_HEATER, true, 100, 0);
  uint32_t t;
  (void)state;
  memset(&ping, 0, sizeof ping);
  ping.type = TK_MSG_PING;
  boot_configured();
  deliver(&heater_on, 100);
  for (t = 1000; t < 20000; t += 1000) {
    deliver(&ping, t);
    tk_node_tick(&node, t + 10);
  }
  assert_int_equal(fake.pin_level[PIN_HEATER], 0);
  assert_int_equal(node.counters.link_losses, 0);
}

static void test_the_link_is_restored_but_fail_safe_states_stay_until_commanded(void **state) {
  tk_msg_t ping;
  tk_msg_t fan_off = set_msg(30, 3, CH_FAN, false, 0, 0);
  (void)state;
  memset(&ping, 0, sizeof ping);
  ping.type = TK_MSG_PING;
  boot_configured();
  tk_node_tick(&node, 10 + LINK_TIMEOUT_MS);
  deliver(&ping, 9000);
  assert_int_equal(fake_last(TK_MSG_FAULT, 0)->u.fault.kind, TK_FAULT_LINK_RESTORED);
  assert_false(fake_last(TK_MSG_STATE, 0)->u.state.fail_safe_active);
  assert_int_equal(reported(CH_FAN)->reason, TK_REASON_FAIL_SAFE);
  assert_true(reported(CH_FAN)->on);
  deliver(&fan_off, 9100);
  assert_int_equal(reported(CH_FAN)->reason, TK_REASON_COMMANDED);
  assert_int_equal(fake.pin_level[PIN_FAN], 1);
}

static void test_an_echo_of_node_frames_does_not_keep_the_link_up(void **state) {
  tk_msg_t hello;
  (void)state;
  boot_configured();
  hello = *fake_last(TK_MSG_HELLO, 0);
  deliver(&hello, 4000);
  tk_node_tick(&node, 10 + LINK_TIMEOUT_MS);
  assert_true(fake_last(TK_MSG_STATE, 0)->u.state.fail_safe_active);
}

static void test_max_on_cuts_an_output_and_repeated_commands_do_not_extend_it(void **state) {
  tk_msg_t on1 = set_msg(40, 1, CH_CONVEYOR, true, 100, 0);
  tk_msg_t on2 = set_msg(41, 2, CH_CONVEYOR, true, 100, 0);
  tk_msg_t ping;
  uint32_t t;
  (void)state;
  memset(&ping, 0, sizeof ping);
  ping.type = TK_MSG_PING;
  boot_configured();
  deliver(&on1, 1000);
  for (t = 2000; t < 1000 + 600000; t += 2000) {
    deliver(&ping, t);
    if (t == 300000) deliver(&on2, t); /* ON again halfway: must not restart the clock */
  }
  tk_node_tick(&node, 1000 + 600000 - 1u);
  assert_int_equal(fake.pin_level[PIN_CONVEYOR], 0);
  assert_int_equal(reported(CH_CONVEYOR)->remaining_s, 1);
  tk_node_tick(&node, 1000 + 600000);
  assert_int_equal(fake.pin_level[PIN_CONVEYOR], 1);
  assert_int_equal(reported(CH_CONVEYOR)->reason, TK_REASON_MAX_ON_CUT);
  assert_int_equal(fake_last(TK_MSG_FAULT, 0)->u.fault.kind, TK_FAULT_MAX_ON_CUT);
  assert_int_equal(fake_last(TK_MSG_FAULT, 0)->u.fault.channel, CH_CONVEYOR);
}

static void test_a_fail_safe_on_is_exempt_from_max_on(void **state) {
  (void)state;
  boot_configured();
  tk_node_tick(&node, 10 + LINK_TIMEOUT_MS);
  tk_node_tick(&node, 10 + LINK_TIMEOUT_MS + 3600000u + 1000u);
  assert_int_equal(fake.pin_level[PIN_FAN], 0);
  assert_int_equal(reported(CH_FAN)->reason, TK_REASON_FAIL_SAFE);
}

static void test_a_local_switch_is_still_cut_at_max_on(void **state) {
  (void)state;
  boot_configured();
  tk_node_set_local(&node, CH_HEATER, true, 100);
  assert_int_equal(reported(CH_HEATER)->reason, TK_REASON_LOCAL);
  assert_int_equal(fake.pin_level[PIN_HEATER], 0);
  node.last_rx_ms = 100 + 1800000u; /* keep the link up; this test is about maximum ON */
  tk_node_tick(&node, 100 + 1800000u);
  assert_int_equal(fake.pin_level[PIN_HEATER], 1);
  assert_int_equal(reported(CH_HEATER)->reason, TK_REASON_MAX_ON_CUT);
}

static void test_the_configuration_survives_a_reboot_but_outputs_do_not(void **state) {
  tk_msg_t fan_on = set_msg(50, 1, CH_FAN, true, 100, 0);
  tk_msg_t retry;
  (void)state;
  boot_configured();
  deliver(&fan_on, 100);
  retry = fan_on;
  tk_node_init(&node, &test_board, BOOT_ID + 5u, TK_RESET_SOFTWARE, 0);
  assert_true(node.configured);
  assert_int_equal(node.config.link_timeout_ms, LINK_TIMEOUT_MS);
  assert_int_equal(fake.pin_level[PIN_FAN], 1);
  assert_int_equal(reported(CH_FAN)->reason, TK_REASON_BOOT);
  /* The command of the previous boot, retried now, is refused: it cannot run twice. */
  deliver(&retry, 50);
  assert_int_equal(fake_last(TK_MSG_NACK, 0)->u.ack.error, TK_NACK_STALE_SESSION);
  assert_int_equal(fake.executed, 1);
}

static void test_link_waiting_from_boot_also_falls_back_to_fail_safe(void **state) {
  (void)state;
  boot_configured();
  tk_node_init(&node, &test_board, BOOT_ID, TK_RESET_POWER_ON, 0); /* stored config, no edge */
  tk_node_tick(&node, LINK_TIMEOUT_MS);
  assert_int_equal(fake.pin_level[PIN_FAN], 0);
  assert_int_equal(reported(CH_FAN)->reason, TK_REASON_FAIL_SAFE);
}

static void test_corrupted_frames_are_counted_and_ignored(void **state) {
  tk_msg_t m = set_msg(60, 1, CH_FEEDER, true, 100, 0);
  uint8_t raw[64], wire[80];
  size_t n;
  (void)state;
  boot_configured();
  n = tk_msg_encode(&m, raw, sizeof raw);
  raw[6] ^= 0x20; /* one bit of the command id, under a CRC that no longer matches */
  n = tk_cobs_encode(raw, n, wire, sizeof wire);
  wire[n++] = 0;
  tk_node_receive_bytes(&node, wire, n, 20);
  assert_int_equal(node.counters.rx_crc_errors, 1);
  assert_int_equal(fake.executed, 0);
  assert_int_equal(fake.pin_level[PIN_FEEDER], 1);
}

static void test_heartbeats_carry_counters_and_link_state(void **state) {
  const tk_msg_t *hb;
  (void)state;
  boot_configured();
  tk_node_tick(&node, 1500);
  hb = fake_last(TK_MSG_HEARTBEAT, 0);
  assert_true(hb->u.heartbeat.link_up);
  assert_int_equal(hb->u.heartbeat.rssi, TK_NO_RSSI);
  assert_int_equal(hb->u.heartbeat.counters.rx_frames, 1);
  assert_int_equal(hb->u.heartbeat.uptime_s, 1);
}

static void test_a_hello_request_repeats_the_hello(void **state) {
  tk_msg_t req;
  (void)state;
  memset(&req, 0, sizeof req);
  req.type = TK_MSG_HELLO_REQUEST;
  tk_node_init(&node, &test_board, BOOT_ID, TK_RESET_POWER_ON, 0);
  deliver(&req, 50);
  assert_int_equal(fake_count(TK_MSG_HELLO), 2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_boot_releases_active_low_relays_before_sending_anything, setup),
      cmocka_unit_test_setup(test_a_watchdog_reset_is_reported_as_a_fault, setup),
      cmocka_unit_test_setup(test_commands_are_refused_until_configured, setup),
      cmocka_unit_test_setup(test_a_command_drives_an_active_low_relay_low_and_is_acked_then_reported, setup),
      cmocka_unit_test_setup(test_a_retried_command_runs_once, setup),
      cmocka_unit_test_setup(test_a_new_command_with_a_new_sequence_runs_again, setup),
      cmocka_unit_test_setup(test_a_refused_retry_is_refused_again_without_running, setup),
      cmocka_unit_test_setup(test_a_command_for_an_older_boot_is_refused, setup),
      cmocka_unit_test_setup(test_bad_channels_and_levels_are_refused, setup),
      cmocka_unit_test_setup(test_a_heater_may_not_fail_safe_to_on, setup),
      cmocka_unit_test_setup(test_link_timeout_applies_fail_safe_states, setup),
      cmocka_unit_test_setup(test_pings_keep_the_link_up, setup),
      cmocka_unit_test_setup(test_the_link_is_restored_but_fail_safe_states_stay_until_commanded, setup),
      cmocka_unit_test_setup(test_an_echo_of_node_frames_does_not_keep_the_link_up, setup),
      cmocka_unit_test_setup(test_max_on_cuts_an_output_and_repeated_commands_do_not_extend_it, setup),
      cmocka_unit_test_setup(test_a_fail_safe_on_is_exempt_from_max_on, setup),
      cmocka_unit_test_setup(test_a_local_switch_is_still_cut_at_max_on, setup),
      cmocka_unit_test_setup(test_the_configuration_survives_a_reboot_but_outputs_do_not, setup),
      cmocka_unit_test_setup(test_link_waiting_from_boot_also_falls_back_to_fail_safe, setup),
      cmocka_unit_test_setup(test_corrupted_frames_are_counted_and_ignored, setup),
      cmocka_unit_test_setup(test_heartbeats_carry_counters_and_link_state, setup),
      cmocka_unit_test_setup(test_a_hello_request_repeats_the_hello, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
