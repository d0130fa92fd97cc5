/*
 * Pull mode of a firmware update: the node fetches its image over HTTP range requests (a scripted
 * server behind platform_fetch.h), a bounded piece per tick, reporting its offset as it goes;
 * short reads, a closed connection, server errors, a wrong Content-Range and a server that sends
 * too much are retried or refused, and after a power loss the same request resumes from the
 * persisted offset. The outputs are held in fail-safe throughout, as in the push path.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/fake_fetch.h"
#include "fakes/fake_platform.h"
#include "test_board.h"
#include "tokkatot/node.h"
#include "tokkatot/sha256.h"
#include "update_harness.h"

#define BOOT_ID 0x61u
#define IMAGE_BYTES 20000u
#define URL "http://127.0.0.1:8080/firmware/image.bin"

static uint8_t image[IMAGE_BYTES];

static tk_msg_t fetch_msg(const uint8_t *data) {
  tk_msg_t m;
  tk_sha256_t c;
  memset(&m, 0, sizeof m);
  m.type = TK_MSG_UPDATE_FETCH;
  strcpy(m.u.update_fetch.version, "1.1.0");
  m.u.update_fetch.size = IMAGE_BYTES;
  strcpy(m.u.update_fetch.url, URL);
  tk_sha256_init(&c);
  tk_sha256_update(&c, data, IMAGE_BYTES);
  tk_sha256_final(&c, m.u.update_fetch.sha256);
  return m;
}

/* Every output in its fail-safe state: the fan on, the heater (never on in fail-safe) off. */
static void assert_outputs_fail_safe(void) {
  tk_state_t s;
  uint8_t i;
  tk_node_get_state(&node, &s, 0);
  assert_true(s.updating);
  for (i = 0; i < s.count; i++) {
    assert_int_equal(s.outputs[i].reason, TK_REASON_FAIL_SAFE);
    assert_int_equal(s.outputs[i].on, s.outputs[i].channel == CH_FAN);
  }
}

/* Ticks every 10 ms until the transfer leaves receiving (or max ticks); the outputs are checked on each. */
static uint32_t tick_while_receiving(uint32_t now, int max_ticks) {
  int i;
  for (i = 0; i < max_ticks && node.update.state == TK_UPDATE_RECEIVING; i++) {
    tk_node_tick(&node, now);
    if (tk_update_active(&node.update)) assert_outputs_fail_safe();
    now += 10;
  }
  return now;
}

static uint32_t tick(uint32_t now, int ticks) {
  int i;
  for (i = 0; i < ticks; i++, now += 10) tk_node_tick(&node, now);
  return now;
}

static int setup(void **state) {
  size_t i;
  (void)state;
  fake_reset();
  for (i = 0; i < IMAGE_BYTES; i++) image[i] = (uint8_t)(i * 13u + (i >> 7));
  fake_fetch_reset(image, IMAGE_BYTES);
  harness_reset(BOOT_ID);
  return 0;
}

static void test_a_pulled_image_arrives_a_piece_per_tick_is_verified_and_committed(void **state) {
  tk_msg_t f = fetch_msg(image);
  uint32_t now;
  int statuses;
  (void)state;
  boot(0);
  deliver(&f, 10);
  assert_int_equal(last_status()->state, TK_UPDATE_RECEIVING);
  assert_int_equal(last_status()->next_offset, 0);
  assert_outputs_fail_safe();
  /* setOutput is refused meanwhile, exactly as during a push. */
  {
    tk_msg_t s;
    memset(&s, 0, sizeof s);
    s.type = TK_MSG_SET_OUTPUT;
    s.u.set_output = (tk_set_output_t){7, BOOT_ID, CH_HEATER, true, 100, 0};
    deliver(&s, 11);
    assert_int_equal(fake_last(TK_MSG_NACK, 0)->u.ack.error, TK_NACK_UPDATING);
  }
  statuses = fake_count(TK_MSG_UPDATE_STATUS);
  tk_node_tick(&node, 20); /* opens the request */
  tk_node_tick(&node, 30); /* header in, first piece */
  assert_int_equal(node.update.next_offset, TK_FETCH_PIECE_BYTES);
  now = tick_while_receiving(40, 100);
  assert_int_equal(fake_fetch.opens, 1);
  assert_int_equal(fake_fetch.first[0], 0);
  assert_int_equal(fake_fetch.last[0], IMAGE_BYTES - 1u);
  assert_string_equal(fake_fetch.url, URL);
  /* It reported its offset as it went: 4 sectors, then verifying. */
  assert_true(fake_count(TK_MSG_UPDATE_STATUS) - statuses >= 5);
  assert_int_equal(fake_last(TK_MSG_UPDATE_STATUS, 1)->u.update_status.next_offset, 16384);
  assert_int_equal(last_status()->state, TK_UPDATE_VERIFYING);
  assert_int_equal(fake_fetch.closes, 1);
  now = tick(now, 10);
  assert_int_equal(last_status()->state, TK_UPDATE_READY);
  assert_memory_equal(fake.slot, image, IMAGE_BYTES);
  {
    tk_msg_t c;
    memset(&c, 0, sizeof c);
    c.type = TK_MSG_UPDATE_COMMIT;
    c.u.update_commit.health_timeout_s = 30;
    deliver(&c, now);
  }
  assert_int_equal(last_status()->state, TK_UPDATE_REBOOTING);
  assert_int_equal(fake.switches, 1);
}

static void test_short_reads_and_a_closed_connection_go_on_from_the_offset_reached(void **state) {
  tk_msg_t f = fetch_msg(image);
  (void)state;
  boot(0);
  fake_fetch.per_read = 100;
  fake_fetch.head_waits = 2;
  fake_fetch.cut_requests = 2;
  fake_fetch.cut_after = 3000;
  deliver(&f, 10);
  tick(tick_while_receiving(20, 400), 10);
  assert_int_equal(last_status()->state, TK_UPDATE_READY);
  assert_memory_equal(fake.slot, image, IMAGE_BYTES);
  assert_int_equal(fake_fetch.opens, 3);
  assert_int_equal(fake_fetch.first[1], 3000);
  assert_int_equal(fake_fetch.first[2], 6000);
  /* At most a piece per tick, even from a fast server. */
  assert_true(TK_FETCH_PIECE_BYTES >= 100u);
}

static void test_server_errors_are_retried_with_a_delay_then_the_transfer_goes_on(void **state) {
  tk_msg_t f = fetch_msg(image);
  uint32_t now;
  (void)state;
  boot(0);
  fake_fetch.error_requests = 2;
  deliver(&f, 10);
  now = tick(20, 3); /* first attempt: 500 */
  assert_int_equal(fake_fetch.opens, 1);
  assert_int_equal(node.update.next_offset, 0);
  now = tick(now, (TK_FETCH_BACKOFF_MS / 10) - 5); /* still waiting before the retry */
  assert_int_equal(fake_fetch.opens, 1);
  now = tick_while_receiving(now, 1000);
  tick(now, 10);
  assert_int_equal(fake_fetch.opens, 3);
  assert_int_equal(last_status()->state, TK_UPDATE_READY);
}

static void test_a_server_that_keeps_failing_fails_the_transfer_which_stays_resumable(void **state) {
  tk_msg_t f = fetch_msg(image);
  uint32_t now;
  (void)state;
  boot(0);
  fake_fetch.cut_requests = 1;
  fake_fetch.cut_after = 9000;
  fake_fetch.error_from = 1; /* from the second request on the server answers 500 */
  deliver(&f, 10);
  now = tick_while_receiving(20, 5000);
  assert_int_equal(last_status()->state, TK_UPDATE_FAILED);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_FETCH_FAILED);
  assert_int_equal(fake_fetch.opens, 1 + TK_FETCH_MAX_FAILURES);
  assert_false(fake_fetch.open);
  /* The outputs are no longer held; what arrived is kept. */
  assert_false(tk_update_active(&node.update));
  assert_true(fake.has_progress);
  assert_int_equal(fake.progress.offset, 8192);
  /* The server is back: the same request resumes from what the node has. */
  fake_fetch.error_from = 0;
  deliver(&f, now);
  assert_int_equal(last_status()->state, TK_UPDATE_RECEIVING);
  assert_int_equal(last_status()->next_offset, 9000);
  tick(tick_while_receiving(now + 10, 100), 10);
  assert_int_equal(fake_fetch.first[fake_fetch.opens - 1], 9000);
  assert_int_equal(last_status()->state, TK_UPDATE_READY);
  assert_int_equal(fake.erases, 1);
}

static void test_a_wrong_content_range_is_refused_and_nothing_is_written(void **state) {
  tk_msg_t f = fetch_msg(image);
  (void)state;
  boot(0);
  fake_fetch.wrong_range_requests = 1000;
  deliver(&f, 10);
  tick_while_receiving(20, 5000);
  assert_int_equal(last_status()->state, TK_UPDATE_FAILED);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_FETCH_FAILED);
  assert_int_equal(fake.writes, 0);
}

static void test_a_whole_image_answer_to_a_ranged_request_is_refused_past_offset_zero(void **state) {
  tk_msg_t f = fetch_msg(image);
  (void)state;
  boot(0);
  /* From offset 0 a plain 200 with the whole image is what was asked for. */
  fake_fetch.ignore_range = true;
  fake_fetch.cut_requests = 1;
  fake_fetch.cut_after = 5000;
  deliver(&f, 10);
  tick_while_receiving(20, 5000);
  /* From 5000 on, a 200 would restart at byte 0: refused. */
  assert_int_equal(last_status()->state, TK_UPDATE_FAILED);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_FETCH_FAILED);
  assert_int_equal(node.update.next_offset, 5000);
  assert_memory_equal(fake.slot, image, 5000);
}

static void test_a_server_that_sends_more_bytes_than_the_image_has_is_refused(void **state) {
  tk_msg_t f = fetch_msg(image);
  uint8_t untouched[64];
  (void)state;
  boot(0);
  fake_fetch.extra_bytes = 10;
  deliver(&f, 10);
  tick_while_receiving(20, 5000);
  assert_int_equal(last_status()->state, TK_UPDATE_FAILED);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_FETCH_FAILED);
  /* Nothing past the image was written, and the image was never declared complete. */
  memset(untouched, 0xFF, sizeof untouched);
  assert_memory_equal(fake.slot + IMAGE_BYTES, untouched, sizeof untouched);
  assert_true(node.update.next_offset < IMAGE_BYTES);
}

static void test_rotted_bytes_from_the_server_fail_on_the_hash(void **state) {
  tk_msg_t f = fetch_msg(image);
  static uint8_t served[IMAGE_BYTES];
  (void)state;
  memcpy(served, image, IMAGE_BYTES);
  served[12345] ^= 0x40;
  fake_fetch_reset(served, IMAGE_BYTES);
  boot(0);
  deliver(&f, 10);
  tick(tick_while_receiving(20, 200), 10);
  assert_int_equal(last_status()->state, TK_UPDATE_FAILED);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_HASH_MISMATCH);
  assert_int_equal(fake.switches, 0);
}

static void test_after_a_power_loss_the_same_request_resumes_from_the_persisted_offset(void **state) {
  tk_msg_t f = fetch_msg(image);
  (void)state;
  boot(0);
  fake_fetch.per_read = 300;
  deliver(&f, 10);
  tick(20, 2); /* the request, then one piece (4096 bytes and the rest of the last read)... then the power goes */
  assert_true(node.update.next_offset > 4096u && node.update.next_offset < 8192u);
  fake.sent_count = 0;
  fake_fetch.open = false;
  boot(60000);
  assert_false(tk_update_active(&node.update));
  assert_int_equal(fake_fetch.opens, 1); /* nothing fetched by itself: the edge decides */
  deliver(&f, 60010);
  assert_int_equal(last_status()->state, TK_UPDATE_RECEIVING);
  assert_int_equal(last_status()->next_offset, 4096);
  tick(tick_while_receiving(60020, 500), 10);
  assert_int_equal(fake_fetch.first[1], 4096);
  assert_int_equal(last_status()->state, TK_UPDATE_READY);
  assert_memory_equal(fake.slot, image, IMAGE_BYTES);
  assert_int_equal(fake.erases, 1);
}

static void test_a_node_that_cannot_fetch_says_so_and_changes_nothing(void **state) {
  tk_msg_t f = fetch_msg(image);
  (void)state;
  fake_fetch.supported = false;
  boot(0);
  deliver(&f, 10);
  assert_int_equal(last_status()->state, TK_UPDATE_IDLE);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_FETCH_UNSUPPORTED);
  assert_false(tk_update_active(&node.update));
  assert_int_equal(fake.erases, 0);
  assert_int_equal(fake_fetch.opens, 0);
}

static void test_a_push_begin_takes_over_from_a_fetch_and_chunks_are_refused_while_fetching(void **state) {
  tk_msg_t f = fetch_msg(image);
  tk_msg_t c;
  (void)state;
  boot(0);
  fake_fetch.per_read = 250;
  deliver(&f, 10);
  tick(20, 3);
  memset(&c, 0, sizeof c);
  c.type = TK_MSG_UPDATE_CHUNK;
  c.u.update_chunk.offset = node.update.next_offset;
  c.u.update_chunk.len = 10;
  deliver(&c, 60);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_BAD_CHUNK);
  /* A repeated fetch request does not start over. */
  deliver(&f, 61);
  assert_int_equal(fake_fetch.opens, 1);
  assert_true(fake_fetch.open);
  {
    tk_msg_t b;
    memset(&b, 0, sizeof b);
    b.type = TK_MSG_UPDATE_BEGIN;
    strcpy(b.u.update_begin.version, f.u.update_fetch.version);
    b.u.update_begin.size = IMAGE_BYTES;
    memcpy(b.u.update_begin.sha256, f.u.update_fetch.sha256, TK_SHA256_BYTES);
    b.u.update_begin.chunk_size = 200;
    deliver(&b, 62);
  }
  assert_false(fake_fetch.open);
  assert_int_equal(last_status()->state, TK_UPDATE_RECEIVING);
  assert_int_equal(last_status()->next_offset, node.update.next_offset);
  tick(70, 50);
  assert_int_equal(fake_fetch.opens, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_a_pulled_image_arrives_a_piece_per_tick_is_verified_and_committed, setup),
      cmocka_unit_test_setup(test_short_reads_and_a_closed_connection_go_on_from_the_offset_reached, setup),
      cmocka_unit_test_setup(test_server_errors_are_retried_with_a_delay_then_the_transfer_goes_on, setup),
      cmocka_unit_test_setup(test_a_server_that_keeps_failing_fails_the_transfer_which_stays_resumable, setup),
      cmocka_unit_test_setup(test_a_wrong_content_range_is_refused_and_nothing_is_written, setup),
      cmocka_unit_test_setup(test_a_whole_image_answer_to_a_ranged_request_is_refused_past_offset_zero, setup),
      cmocka_unit_test_setup(test_a_server_that_sends_more_bytes_than_the_image_has_is_refused, setup),
      cmocka_unit_test_setup(test_rotted_bytes_from_the_server_fail_on_the_hash, setup),
      cmocka_unit_test_setup(test_after_a_power_loss_the_same_request_resumes_from_the_persisted_offset, setup),
      cmocka_unit_test_setup(test_a_node_that_cannot_fetch_says_so_and_changes_nothing, setup),
      cmocka_unit_test_setup(test_a_push_begin_takes_over_from_a_fetch_and_chunks_are_refused_while_fetching, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
