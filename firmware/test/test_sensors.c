/* Sensor sampling: a failed read is a status and never a number; filtering; calibration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/fake_platform.h"
#include "test_board.h"
#include "tokkatot/node.h"

static tk_node_t node;

static int setup(void **state) {
  (void)state;
  fake_reset();
  fake.sensor_value[PIN_DHT] = 2750;
  fake.sensor_value[PIN_HUMIDITY] = 7000;
  fake.sensor_value[PIN_WATER] = 204800;
  return 0;
}

/* The most recent reading of a channel (sensors with different periods report separately). */
static const tk_reading_t *latest(uint8_t channel) {
  const tk_msg_t *m;
  int k;
  uint8_t i;
  for (k = 0; (m = fake_last(TK_MSG_READINGS, k)) != NULL; k++)
    for (i = 0; i < m->u.readings.count; i++)
      if (m->u.readings.items[i].channel == channel) return &m->u.readings.items[i];
  fail_msg("no reading of channel %u was sent", channel);
  return NULL;
}

/* Samples at t and returns the temperature reading sent. */
static const tk_reading_t *sample_at(uint32_t t) {
  tk_node_tick(&node, t);
  return latest(CH_TEMPERATURE);
}

static void test_sensors_are_read_at_boot_and_every_period(void **state) {
  (void)state;
  tk_node_init(&node, &test_board, 1, TK_RESET_POWER_ON, 0);
  tk_node_tick(&node, 0);
  assert_int_equal(fake_count(TK_MSG_READINGS), 1);
  assert_int_equal(latest(CH_TEMPERATURE)->status, TK_SENSOR_OK);
  assert_int_equal(latest(CH_TEMPERATURE)->value_centi, 2750);
  assert_int_equal(latest(CH_HUMIDITY)->value_centi, 7000);
  tk_node_tick(&node, TK_DEFAULT_SAMPLE_PERIOD_MS - 1u);
  assert_int_equal(fake_count(TK_MSG_READINGS), 1);
  tk_node_tick(&node, TK_DEFAULT_SAMPLE_PERIOD_MS);
  assert_int_equal(fake_count(TK_MSG_READINGS), 2);
}

static void test_a_dead_sensor_is_a_failure_status_never_zero_degrees(void **state) {
  const tk_reading_t *r;
  (void)state;
  tk_node_init(&node, &test_board, 1, TK_RESET_POWER_ON, 0);
  sample_at(0);
  fake.sensor_status[PIN_DHT] = TK_SENSOR_NO_RESPONSE;
  fake.sensor_value[PIN_DHT] = 0; /* what a dead DHT22 library hands back */
  r = sample_at(2000);
  assert_int_equal(r->status, TK_SENSOR_NO_RESPONSE);
  assert_int_equal(r->value_centi, 0); /* decoded from the wire: nothing was sent */
  assert_int_equal(fake_last(TK_MSG_FAULT, 0)->u.fault.kind, TK_FAULT_SENSOR_FAILURE);
  assert_int_equal(fake_last(TK_MSG_FAULT, 0)->u.fault.channel, CH_TEMPERATURE);
  assert_int_equal(fake_last(TK_MSG_FAULT, 0)->u.fault.detail, TK_SENSOR_NO_RESPONSE);
  /* The failure is reported once as a fault, on every sample as a status. */
  assert_int_equal(sample_at(4000)->status, TK_SENSOR_NO_RESPONSE);
  assert_int_equal(fake_count(TK_MSG_FAULT), 1);
  /* Other sensors carry on. */
  assert_int_equal(latest(CH_HUMIDITY)->status, TK_SENSOR_OK);
  /* An edge that connects later hears about the standing failure when it asks for the hello. */
  tk_node_announce(&node, 4100);
  assert_int_equal(fake_count(TK_MSG_FAULT), 2);
  assert_int_equal(fake_last(TK_MSG_FAULT, 0)->u.fault.kind, TK_FAULT_SENSOR_FAILURE);
}

static void test_recovery_starts_the_filter_afresh(void **state) {
  (void)state;
  tk_node_init(&node, &test_board, 1, TK_RESET_POWER_ON, 0);
  fake.sensor_value[PIN_DHT] = 2500;
  sample_at(0);
  fake.sensor_value[PIN_DHT] = 2600;
  sample_at(2000);
  fake.sensor_status[PIN_DHT] = TK_SENSOR_CHECKSUM;
  sample_at(4000);
  fake.sensor_status[PIN_DHT] = TK_SENSOR_OK;
  fake.sensor_value[PIN_DHT] = 3000;
  assert_int_equal(sample_at(6000)->value_centi, 3000);
  assert_int_equal(fake_last(TK_MSG_FAULT, 0)->u.fault.kind, TK_FAULT_SENSOR_RECOVERED);
}

static void test_the_median_filter_rejects_a_single_spike(void **state) {
  (void)state;
  tk_node_init(&node, &test_board, 1, TK_RESET_POWER_ON, 0);
  fake.sensor_value[PIN_DHT] = 2500;
  sample_at(0);
  fake.sensor_value[PIN_DHT] = 2510;
  sample_at(2000);
  fake.sensor_value[PIN_DHT] = 6500; /* a glitch */
  assert_int_equal(sample_at(4000)->value_centi, 2510);
  fake.sensor_value[PIN_DHT] = 2520;
  assert_int_equal(sample_at(6000)->value_centi, 2520);
}

static void test_implausible_values_are_out_of_range_failures(void **state) {
  (void)state;
  tk_node_init(&node, &test_board, 1, TK_RESET_POWER_ON, 0);
  fake.sensor_value[PIN_DHT] = 12000; /* 120 °C */
  fake.sensor_value[PIN_HUMIDITY] = -100;
  tk_node_tick(&node, 0);
  assert_int_equal(latest(CH_TEMPERATURE)->status, TK_SENSOR_OUT_OF_RANGE);
  assert_int_equal(latest(CH_HUMIDITY)->status, TK_SENSOR_OUT_OF_RANGE);
}

static void test_a_water_level_at_the_adc_rail_is_disconnected(void **state) {
  (void)state;
  tk_node_init(&node, &test_board, 1, TK_RESET_POWER_ON, 0);
  fake.sensor_value[PIN_WATER] = 0;
  tk_node_tick(&node, 0);
  assert_int_equal(latest(CH_WATER)->status, TK_SENSOR_DISCONNECTED);
  fake.sensor_value[PIN_WATER] = 409500;
  tk_node_tick(&node, 2000);
  assert_int_equal(latest(CH_WATER)->status, TK_SENSOR_DISCONNECTED);
}

static void test_calibration_and_sample_period_come_from_the_configuration(void **state) {
  tk_msg_t c;
  uint8_t wire[TK_MAX_STUFFED_BYTES + 1];
  size_t n;
  (void)state;
  memset(&c, 0, sizeof c);
  c.type = TK_MSG_CONFIG;
  c.u.config.id = 1;
  c.u.config.link_timeout_ms = 30000;
  c.u.config.heartbeat_period_ms = 1000;
  c.u.config.sensor_count = 1;
  c.u.config.sensors[0] = (tk_sensor_config_t){CH_TEMPERATURE, 10000, -50, 1020};
  tk_node_init(&node, &test_board, 1, TK_RESET_POWER_ON, 0);
  n = tk_msg_encode_wire(&c, wire, sizeof wire);
  tk_node_receive_bytes(&node, wire, n, 0);
  fake.sensor_value[PIN_DHT] = 2500;
  tk_node_tick(&node, 0);
  assert_int_equal(latest(CH_TEMPERATURE)->value_centi, 2500 * 1020 / 1000 - 50);
  fake.sensor_value[PIN_DHT] = 3000;
  tk_node_tick(&node, 9999);
  assert_int_equal(fake_count(TK_MSG_READINGS), 2); /* humidity and water, every 2 s by default */
  assert_int_equal(latest(CH_TEMPERATURE)->value_centi, 2500 * 1020 / 1000 - 50);
  tk_node_tick(&node, 10000);
  assert_int_equal(latest(CH_TEMPERATURE)->value_centi, (2550 + 3060) / 2 - 50);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_sensors_are_read_at_boot_and_every_period, setup),
      cmocka_unit_test_setup(test_a_dead_sensor_is_a_failure_status_never_zero_degrees, setup),
      cmocka_unit_test_setup(test_recovery_starts_the_filter_afresh, setup),
      cmocka_unit_test_setup(test_the_median_filter_rejects_a_single_spike, setup),
      cmocka_unit_test_setup(test_implausible_values_are_out_of_range_failures, setup),
      cmocka_unit_test_setup(test_a_water_level_at_the_adc_rail_is_disconnected, setup),
      cmocka_unit_test_setup(test_calibration_and_sample_period_come_from_the_configuration, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
