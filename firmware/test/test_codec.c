/* The shared vectors (shared/fixtures/device-frames.json) through the C codec and parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "generated/device_frames.h"
#include "tokkatot/cobs.h"
#include "tokkatot/crc32.h"
#include "tokkatot/frame_parser.h"
#include "tokkatot/protocol.h"

typedef struct {
  char items[16][64];
  size_t count;
  tk_msg_t last;
} collected_t;

static void collect(void *ctx, tk_frame_error_t err, const tk_msg_t *msg) {
  collected_t *c = (collected_t *)ctx;
  if (c->count >= 16) return;
  if (err == TK_FRAME_OK) {
    static const char *names[0x19] = {0};
    names[TK_MSG_HELLO] = "hello";
    names[TK_MSG_HEARTBEAT] = "heartbeat";
    names[TK_MSG_READINGS] = "readings";
    names[TK_MSG_ACK] = "ack";
    names[TK_MSG_NACK] = "nack";
    names[TK_MSG_STATE] = "state";
    names[TK_MSG_FAULT] = "fault";
    names[TK_MSG_CONFIG] = "config";
    names[TK_MSG_SET_OUTPUT] = "setOutput";
    names[TK_MSG_PING] = "ping";
    names[TK_MSG_HELLO_REQUEST] = "helloRequest";
    names[TK_MSG_UPDATE_STATUS] = "updateStatus";
    names[TK_MSG_UPDATE_BEGIN] = "updateBegin";
    names[TK_MSG_UPDATE_CHUNK] = "updateChunk";
    names[TK_MSG_UPDATE_COMMIT] = "updateCommit";
    names[TK_MSG_UPDATE_CONFIRM] = "updateConfirm";
    names[TK_MSG_UPDATE_FETCH] = "updateFetch";
    snprintf(c->items[c->count++], 64, "ok:%s:%u", names[msg->type], (unsigned)msg->seq);
    c->last = *msg;
  } else {
    snprintf(c->items[c->count++], 64, "error:%s", tk_frame_error_name(err));
  }
}

static void test_crc32_check_value(void **state) {
  (void)state;
  assert_int_equal(tk_crc32((const uint8_t *)"123456789", 9), 0xCBF43926u);
}

static void test_cobs_round_trips_long_runs(void **state) {
  uint8_t data[600], enc[620], dec[620];
  size_t lens[] = {0, 1, 253, 254, 255, 600};
  size_t i, k, n, m;
  (void)state;
  for (i = 0; i < sizeof data; i++) data[i] = (uint8_t)((i % 255) + 1);
  for (k = 0; k < sizeof lens / sizeof lens[0]; k++) {
    n = tk_cobs_encode(data, lens[k], enc, sizeof enc);
    assert_true(n > 0);
    assert_null(memchr(enc, 0, n));
    assert_true(tk_cobs_decode(enc, n, dec, sizeof dec, &m));
    assert_int_equal(m, lens[k]);
    if (lens[k] > 0) assert_memory_equal(dec, data, lens[k]);
  }
  assert_int_equal(tk_cobs_encode(data, 10, enc, 5), 0);
}

static void test_cobs_rejects_broken_blocks(void **state) {
  uint8_t out[8];
  size_t n;
  const uint8_t zero_inside[] = {0x03, 0x01, 0x00};
  const uint8_t past_end[] = {0x05, 0x11};
  (void)state;
  assert_false(tk_cobs_decode(zero_inside, 0, out, sizeof out, &n));
  assert_false(tk_cobs_decode(zero_inside, sizeof zero_inside, out, sizeof out, &n));
  assert_false(tk_cobs_decode(past_end, sizeof past_end, out, sizeof out, &n));
}

static void test_valid_vectors_decode_and_encode_byte_for_byte(void **state) {
  size_t i;
  (void)state;
  for (i = 0; i < TK_VALID_VECTOR_COUNT; i++) {
    const tk_valid_vector_t *v = &tk_valid_vectors[i];
    static tk_frame_parser_t parser;
    collected_t got;
    uint8_t buf[TK_MAX_STUFFED_BYTES + 1];
    size_t n;
    print_message("vector: %s\n", v->name);
    /* The expected struct encodes to exactly the vector's bytes … */
    n = tk_msg_encode(&v->expected, buf, sizeof buf);
    assert_int_equal(n, v->frame_len);
    assert_memory_equal(buf, v->frame, n);
    n = tk_msg_encode_wire(&v->expected, buf, sizeof buf);
    assert_int_equal(n, v->wire_len);
    assert_memory_equal(buf, v->wire, n);
    /* … and the wire bytes parse into a message that encodes to them again. */
    memset(&got, 0, sizeof got);
    tk_frame_parser_init(&parser);
    tk_frame_parser_feed(&parser, v->wire, v->wire_len, collect, &got);
    assert_int_equal(got.count, 1);
    assert_int_equal(got.last.type, v->expected.type);
    assert_int_equal(got.last.seq, v->expected.seq);
    n = tk_msg_encode(&got.last, buf, sizeof buf);
    assert_int_equal(n, v->frame_len);
    assert_memory_equal(buf, v->frame, n);
  }
}

static void test_valid_vectors_survive_byte_by_byte_feeding(void **state) {
  size_t i, k;
  (void)state;
  for (i = 0; i < TK_VALID_VECTOR_COUNT; i++) {
    static tk_frame_parser_t parser;
    collected_t whole, bytewise;
    memset(&whole, 0, sizeof whole);
    memset(&bytewise, 0, sizeof bytewise);
    tk_frame_parser_init(&parser);
    tk_frame_parser_feed(&parser, tk_valid_vectors[i].wire, tk_valid_vectors[i].wire_len, collect, &whole);
    for (k = 0; k < tk_valid_vectors[i].wire_len; k++) tk_frame_parser_feed(&parser, &tk_valid_vectors[i].wire[k], 1, collect, &bytewise);
    assert_int_equal(bytewise.count, 1);
    assert_string_equal(bytewise.items[0], whole.items[0]);
    assert_memory_equal(bytewise.items[0], "ok:", 3);
  }
}

static void test_malformed_vectors_are_rejected_with_the_same_error(void **state) {
  size_t i;
  (void)state;
  for (i = 0; i < TK_MALFORMED_VECTOR_COUNT; i++) {
    const tk_malformed_vector_t *v = &tk_malformed_vectors[i];
    static tk_frame_parser_t parser;
    collected_t got;
    char expected[64];
    print_message("vector: %s\n", v->name);
    memset(&got, 0, sizeof got);
    tk_frame_parser_init(&parser);
    tk_frame_parser_feed(&parser, v->wire, v->wire_len, collect, &got);
    assert_int_equal(got.count, 1);
    snprintf(expected, sizeof expected, "error:%s", v->error);
    assert_string_equal(got.items[0], expected);
  }
}

static void test_streams_resynchronise_like_the_ts_parser(void **state) {
  size_t i, k;
  (void)state;
  for (i = 0; i < TK_STREAM_VECTOR_COUNT; i++) {
    const tk_stream_vector_t *v = &tk_stream_vectors[i];
    static tk_frame_parser_t parser;
    collected_t got;
    print_message("stream: %s\n", v->name);
    memset(&got, 0, sizeof got);
    tk_frame_parser_init(&parser);
    tk_frame_parser_feed(&parser, v->wire, v->wire_len, collect, &got);
    assert_int_equal(got.count, v->expect_count);
    for (k = 0; k < v->expect_count; k++) assert_string_equal(got.items[k], v->expect[k]);
  }
}

static void test_a_failed_reading_carries_no_value_bytes(void **state) {
  tk_msg_t m;
  uint8_t with_value[64], without[64];
  size_t a, b;
  (void)state;
  memset(&m, 0, sizeof m);
  m.type = TK_MSG_READINGS;
  m.u.readings.count = 1;
  m.u.readings.items[0].status = TK_SENSOR_OK;
  m.u.readings.items[0].value_centi = 0;
  a = tk_msg_encode(&m, with_value, sizeof with_value);
  m.u.readings.items[0].status = TK_SENSOR_NO_RESPONSE;
  m.u.readings.items[0].value_centi = 0; /* the 0 °C of the original product's dead DHT22 */
  b = tk_msg_encode(&m, without, sizeof without);
  assert_int_equal(a - b, 4);
  assert_int_equal(tk_msg_decode(without, b, &m), TK_FRAME_OK);
  assert_int_equal(m.u.readings.items[0].status, TK_SENSOR_NO_RESPONSE);
}

static void test_encode_refuses_oversized_counts_and_small_buffers(void **state) {
  tk_msg_t m;
  uint8_t buf[TK_MAX_FRAME_BYTES];
  (void)state;
  memset(&m, 0, sizeof m);
  m.type = TK_MSG_STATE;
  m.u.state.count = TK_MAX_OUTPUTS + 1;
  assert_int_equal(tk_msg_encode(&m, buf, sizeof buf), 0);
  m.u.state.count = 1;
  assert_int_equal(tk_msg_encode(&m, buf, 8), 0);
  m.type = 0x7F;
  assert_int_equal(tk_msg_encode(&m, buf, sizeof buf), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_crc32_check_value),
      cmocka_unit_test(test_cobs_round_trips_long_runs),
      cmocka_unit_test(test_cobs_rejects_broken_blocks),
      cmocka_unit_test(test_valid_vectors_decode_and_encode_byte_for_byte),
      cmocka_unit_test(test_valid_vectors_survive_byte_by_byte_feeding),
      cmocka_unit_test(test_malformed_vectors_are_rejected_with_the_same_error),
      cmocka_unit_test(test_streams_resynchronise_like_the_ts_parser),
      cmocka_unit_test(test_a_failed_reading_carries_no_value_bytes),
      cmocka_unit_test(test_encode_refuses_oversized_counts_and_small_buffers),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
