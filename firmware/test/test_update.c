/*
 * Firmware updates in the node: transfer by offset (idempotent, resumable after a power loss),
 * SHA-256 before commit, outputs held in fail-safe meanwhile, and the rollback of a new image
 * that is not confirmed in time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fakes/fake_platform.h"
#include "test_board.h"
#include "tokkatot/node.h"
#include "tokkatot/sha256.h"
#include "update_harness.h"

#define BOOT_ID 0x51u
#define IMAGE_BYTES 10000u
#define CHUNK 200u

static uint8_t image[IMAGE_BYTES];

static void make_image(void) {
  size_t i;
  for (i = 0; i < IMAGE_BYTES; i++) image[i] = (uint8_t)(i * 7u + (i >> 8));
}

static tk_msg_t begin_msg(const char *version, uint32_t size, const uint8_t *data) {
  tk_msg_t m;
  tk_sha256_t c;
  memset(&m, 0, sizeof m);
  m.type = TK_MSG_UPDATE_BEGIN;
  strcpy(m.u.update_begin.version, version);
  m.u.update_begin.size = size;
  m.u.update_begin.chunk_size = CHUNK;
  tk_sha256_init(&c);
  tk_sha256_update(&c, data, size);
  tk_sha256_final(&c, m.u.update_begin.sha256);
  return m;
}

static void send_chunk(uint32_t offset, uint32_t now) {
  tk_msg_t m;
  uint32_t len = IMAGE_BYTES - offset < CHUNK ? IMAGE_BYTES - offset : CHUNK;
  memset(&m, 0, sizeof m);
  m.type = TK_MSG_UPDATE_CHUNK;
  m.u.update_chunk.offset = offset;
  m.u.update_chunk.len = (uint8_t)len;
  memcpy(m.u.update_chunk.data, image + offset, len);
  deliver(&m, now);
}

static void send_simple(uint8_t type, uint32_t now) {
  tk_msg_t m;
  memset(&m, 0, sizeof m);
  m.type = type;
  m.u.update_commit.health_timeout_s = 5;
  deliver(&m, now);
}

/* Streams every chunk from offset, ticking so verification runs; returns the time reached. */
static uint32_t stream_from(uint32_t offset, uint32_t now) {
  for (; offset < IMAGE_BYTES; offset += CHUNK) send_chunk(offset, now++);
  for (int i = 0; i < 8; i++) tk_node_tick(&node, now++);
  return now;
}

static int setup(void **state) {
  (void)state;
  fake_reset();
  make_image();
  harness_reset(BOOT_ID);
  return 0;
}

static void test_a_good_transfer_is_verified_then_committed_with_its_health_timeout(void **state) {
  tk_msg_t b = begin_msg("1.1.0", IMAGE_BYTES, image);
  uint32_t now;
  (void)state;
  boot(0);
  deliver(&b, 10);
  assert_int_equal(last_status()->state, TK_UPDATE_RECEIVING);
  assert_int_equal(last_status()->next_offset, 0);
  assert_int_equal(fake.erases, 1);
  now = stream_from(0, 20);
  assert_int_equal(last_status()->state, TK_UPDATE_READY);
  assert_int_equal(last_status()->next_offset, IMAGE_BYTES);
  assert_memory_equal(fake.slot, image, IMAGE_BYTES);
  send_simple(TK_MSG_UPDATE_COMMIT, now);
  assert_int_equal(last_status()->state, TK_UPDATE_REBOOTING);
  assert_int_equal(fake.switches, 1);
  assert_int_equal(fake.switched_size, IMAGE_BYTES);
  assert_int_equal(fake.switched_health_ms, 5000);
  assert_int_equal(fake.reboots, 1);
  assert_false(fake.has_progress);
  /* A node that is rebooting does nothing more. */
  {
    int sent = fake.sent_count;
    tk_node_tick(&node, now + 5000);
    assert_int_equal(fake.sent_count, sent);
  }
}

static void test_chunks_are_idempotent_by_offset_and_a_gap_is_answered_with_the_offset_needed(void **state) {
  tk_msg_t b = begin_msg("1.1.0", IMAGE_BYTES, image);
  int writes;
  (void)state;
  boot(0);
  deliver(&b, 10);
  send_chunk(0, 11);
  send_chunk(CHUNK, 12);
  writes = fake.writes;
  send_chunk(0, 13); /* a retry */
  assert_int_equal(fake.writes, writes);
  assert_int_equal(last_status()->next_offset, 2 * CHUNK);
  send_chunk(5 * CHUNK, 14); /* chunks 2–4 were lost */
  assert_int_equal(fake.writes, writes);
  assert_int_equal(last_status()->state, TK_UPDATE_RECEIVING);
  assert_int_equal(last_status()->next_offset, 2 * CHUNK);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_NONE);
  /* Nothing unverified can be committed. */
  send_simple(TK_MSG_UPDATE_COMMIT, 15);
  assert_int_equal(last_status()->state, TK_UPDATE_RECEIVING);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_NOT_READY);
  assert_int_equal(fake.switches, 0);
  /* The same begin again (the edge reconnected) keeps the progress. */
  deliver(&b, 15);
  assert_int_equal(last_status()->next_offset, 2 * CHUNK);
  assert_int_equal(fake.erases, 1);
}

static void test_a_transfer_resumes_after_a_power_loss_from_the_last_persisted_offset(void **state) {
  tk_msg_t b = begin_msg("1.1.0", IMAGE_BYTES, image);
  uint32_t offset;
  (void)state;
  boot(0);
  deliver(&b, 10);
  for (offset = 0; offset < 6000u; offset += CHUNK) send_chunk(offset, 20 + offset);
  /* Power cut: the node boots again from what its flash and NVS hold. */
  fake.sent_count = 0;
  boot(50000);
  assert_false(tk_update_active(&node.update));
  deliver(&b, 50010);
  assert_int_equal(last_status()->state, TK_UPDATE_RECEIVING);
  assert_int_equal(last_status()->next_offset, 4096);
  assert_int_equal(fake.erases, 1);
  /* The edge resends from there (4096 is inside a chunk: the node takes the part it lacks). */
  send_chunk(4000, 50020);
  assert_int_equal(last_status()->next_offset, 4200);
  stream_from(4200, 50030);
  assert_int_equal(last_status()->state, TK_UPDATE_READY);
  assert_memory_equal(fake.slot, image, IMAGE_BYTES);
}

static void test_a_corrupted_image_fails_on_its_hash_and_cannot_be_committed(void **state) {
  tk_msg_t b = begin_msg("1.1.0", IMAGE_BYTES, image);
  uint32_t now;
  (void)state;
  boot(0);
  deliver(&b, 10);
  image[5000] ^= 0x01; /* one bit flipped between the manifest and the wire */
  now = stream_from(0, 20);
  assert_int_equal(last_status()->state, TK_UPDATE_FAILED);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_HASH_MISMATCH);
  /* The commit is refused: the status still names the failure. */
  send_simple(TK_MSG_UPDATE_COMMIT, now);
  assert_int_equal(last_status()->state, TK_UPDATE_FAILED);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_HASH_MISMATCH);
  assert_int_equal(fake.switches, 0);
  assert_int_equal(fake.reboots, 0);
  assert_false(fake.has_progress);
  assert_false(tk_update_active(&node.update));
}

static void test_an_image_larger_than_the_slot_is_refused(void **state) {
  tk_msg_t b = begin_msg("1.1.0", IMAGE_BYTES, image);
  (void)state;
  fake.slot_capacity = IMAGE_BYTES - 1;
  boot(0);
  deliver(&b, 10);
  assert_int_equal(last_status()->state, TK_UPDATE_FAILED);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_TOO_LARGE);
  assert_int_equal(fake.erases, 0);
}

static void test_chunks_without_a_transfer_or_longer_than_announced_are_refused(void **state) {
  tk_msg_t b = begin_msg("1.1.0", IMAGE_BYTES, image);
  tk_msg_t m;
  (void)state;
  boot(0);
  send_chunk(0, 5);
  assert_int_equal(last_status()->state, TK_UPDATE_IDLE);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_NO_TRANSFER);
  assert_int_equal(fake.writes, 0);
  b.u.update_begin.chunk_size = 100;
  deliver(&b, 10);
  memset(&m, 0, sizeof m);
  m.type = TK_MSG_UPDATE_CHUNK;
  m.u.update_chunk.len = 101;
  deliver(&m, 11);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_BAD_CHUNK);
  assert_int_equal(fake.writes, 0);
}

static void test_a_flash_write_failure_fails_the_transfer(void **state) {
  tk_msg_t b = begin_msg("1.1.0", IMAGE_BYTES, image);
  (void)state;
  boot(0);
  fake.fail_writes_after = 3;
  deliver(&b, 10);
  stream_from(0, 20);
  assert_int_equal(last_status()->state, TK_UPDATE_FAILED);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_FLASH);
}

static void test_outputs_are_held_in_fail_safe_and_commands_refused_while_updating(void **state) {
  tk_msg_t b = begin_msg("1.1.0", IMAGE_BYTES, image);
  tk_msg_t set;
  const tk_msg_t *s;
  (void)state;
  boot(0);
  memset(&set, 0, sizeof set);
  set.type = TK_MSG_SET_OUTPUT;
  set.u.set_output = (tk_set_output_t){7, BOOT_ID, CH_HEATER, true, 100, 0};
  deliver(&set, 5);
  assert_int_equal(fake.pin_level[PIN_HEATER], 0); /* on (active-low) before the update */
  deliver(&b, 10);
  s = fake_last(TK_MSG_STATE, 0);
  assert_true(s->u.state.updating);
  assert_int_equal(fake.pin_level[PIN_HEATER], 1); /* heater off: its fail-safe */
  assert_int_equal(fake.pin_level[PIN_FAN], 0);    /* fan on: its fail-safe */
  set.u.set_output = (tk_set_output_t){8, BOOT_ID, CH_FAN, false, 0, 0};
  deliver(&set, 20);
  assert_int_equal(fake_last(TK_MSG_NACK, 0)->u.ack.error, TK_NACK_UPDATING);
  assert_int_equal(fake.pin_level[PIN_FAN], 0);
  tk_node_set_local(&node, CH_HEATER, true, 21);
  assert_int_equal(fake.pin_level[PIN_HEATER], 1);
  tk_node_tick(&node, 1500);
  assert_true(fake_last(TK_MSG_HEARTBEAT, 0)->u.heartbeat.updating);
}

static void test_an_abandoned_transfer_releases_the_commands_but_stays_resumable(void **state) {
  tk_msg_t b = begin_msg("1.1.0", IMAGE_BYTES, image);
  uint32_t offset;
  (void)state;
  boot(0);
  deliver(&b, 10);
  for (offset = 0; offset < 5000u; offset += CHUNK) send_chunk(offset, 20);
  tk_node_tick(&node, 20 + TK_UPDATE_DEFAULT_IDLE_MS);
  assert_int_equal(last_status()->state, TK_UPDATE_IDLE);
  assert_false(fake_last(TK_MSG_STATE, 0)->u.state.updating);
  /* Outputs keep their fail-safe states until the edge commands them. */
  assert_int_equal(fake.pin_level[PIN_FAN], 0);
  deliver(&b, 30 + TK_UPDATE_DEFAULT_IDLE_MS);
  assert_int_equal(last_status()->next_offset, 5000);
}

static void test_a_new_image_boots_pending_with_outputs_in_fail_safe_and_rolls_back_unconfirmed(void **state) {
  const tk_msg_t *hello;
  tk_msg_t set;
  (void)state;
  boot(0); /* stores the configuration */
  fake.boot = (tk_boot_info_t){TK_SLOT_B, false, 3000};
  fake.sent_count = 0;
  boot(100000);
  hello = fake_last(TK_MSG_HELLO, 0);
  assert_int_equal(hello->u.hello.slot, TK_SLOT_B);
  assert_false(hello->u.hello.image_confirmed);
  assert_int_equal(fake.pin_level[PIN_FAN], 0);    /* fail-safe ON from the first moment */
  assert_int_equal(fake.pin_level[PIN_HEATER], 1); /* heater off */
  assert_int_equal(fake_last(TK_MSG_STATE, 0)->u.state.outputs[2].reason, TK_REASON_FAIL_SAFE);
  /* Pending, the update is not over: commands and local switches leave the fail-safe states alone. */
  memset(&set, 0, sizeof set);
  set.type = TK_MSG_SET_OUTPUT;
  set.u.set_output = (tk_set_output_t){9, BOOT_ID, CH_HEATER, true, 100, 0};
  deliver(&set, 100010);
  assert_int_equal(fake_last(TK_MSG_NACK, 0)->u.ack.error, TK_NACK_UPDATING);
  tk_node_set_local(&node, CH_HEATER, true, 100020);
  assert_int_equal(fake.pin_level[PIN_HEATER], 1);
  tk_node_tick(&node, 102999);
  assert_int_equal(fake.rollbacks, 0);
  tk_node_tick(&node, 103000);
  assert_int_equal(fake.rollbacks, 1);
  tk_node_tick(&node, 103100);
  assert_int_equal(fake.rollbacks, 1);
}

static void test_a_confirmed_new_image_stays_and_an_update_waits_for_the_confirm(void **state) {
  tk_msg_t b = begin_msg("1.2.0", IMAGE_BYTES, image);
  tk_msg_t set;
  (void)state;
  fake.boot = (tk_boot_info_t){TK_SLOT_B, false, 3000};
  boot(0);
  /* The slot it came from is the way back: no update may overwrite it yet. */
  deliver(&b, 10);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_IMAGE_UNCONFIRMED);
  assert_int_equal(fake.erases, 0);
  send_simple(TK_MSG_UPDATE_CONFIRM, 500);
  assert_int_equal(fake.confirms, 1);
  assert_true(fake_last(TK_MSG_HEARTBEAT, 0)->u.heartbeat.image_confirmed);
  assert_true(fake_last(TK_MSG_HELLO, 0)->u.hello.image_confirmed);
  /* Confirmed, the node takes commands again. */
  memset(&set, 0, sizeof set);
  set.type = TK_MSG_SET_OUTPUT;
  set.u.set_output = (tk_set_output_t){9, BOOT_ID, CH_HEATER, true, 100, 0};
  deliver(&set, 600);
  assert_int_equal(fake.pin_level[PIN_HEATER], 0); /* on (active-low) */
  tk_node_tick(&node, 10000);
  assert_int_equal(fake.rollbacks, 0);
  send_simple(TK_MSG_UPDATE_CONFIRM, 10001); /* a retried confirm changes nothing */
  assert_int_equal(fake.confirms, 1);
  deliver(&b, 10010);
  assert_int_equal(last_status()->state, TK_UPDATE_RECEIVING);
}

static void test_a_pending_image_with_nothing_to_go_back_to_is_kept_rather_than_bricked(void **state) {
  (void)state;
  fake.boot = (tk_boot_info_t){TK_SLOT_B, false, 3000};
  fake.no_previous_image = true;
  boot(0);
  tk_node_tick(&node, 3000);
  assert_int_equal(fake.rollbacks, 1);
  assert_int_equal(fake.confirms, 1);
  assert_true(fake_last(TK_MSG_HELLO, 0)->u.hello.image_confirmed);
  /* It keeps working: it still ticks and sends heartbeats. */
  fake.sent_count = 0;
  tk_node_tick(&node, 4500);
  assert_true(fake_count(TK_MSG_HEARTBEAT) > 0);
  assert_int_equal(fake.rollbacks, 1);
}

static void test_a_refused_image_switch_fails_the_commit(void **state) {
  tk_msg_t b = begin_msg("1.1.0", IMAGE_BYTES, image);
  uint32_t now;
  (void)state;
  boot(0);
  fake.refuse_switch = true;
  deliver(&b, 10);
  now = stream_from(0, 20);
  send_simple(TK_MSG_UPDATE_COMMIT, now);
  assert_int_equal(last_status()->state, TK_UPDATE_FAILED);
  assert_int_equal(last_status()->error, TK_UPDATE_ERR_INVALID_IMAGE);
  assert_int_equal(fake.reboots, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup(test_a_good_transfer_is_verified_then_committed_with_its_health_timeout, setup),
      cmocka_unit_test_setup(test_chunks_are_idempotent_by_offset_and_a_gap_is_answered_with_the_offset_needed, setup),
      cmocka_unit_test_setup(test_a_transfer_resumes_after_a_power_loss_from_the_last_persisted_offset, setup),
      cmocka_unit_test_setup(test_a_corrupted_image_fails_on_its_hash_and_cannot_be_committed, setup),
      cmocka_unit_test_setup(test_an_image_larger_than_the_slot_is_refused, setup),
      cmocka_unit_test_setup(test_chunks_without_a_transfer_or_longer_than_announced_are_refused, setup),
      cmocka_unit_test_setup(test_a_flash_write_failure_fails_the_transfer, setup),
      cmocka_unit_test_setup(test_outputs_are_held_in_fail_safe_and_commands_refused_while_updating, setup),
      cmocka_unit_test_setup(test_an_abandoned_transfer_releases_the_commands_but_stays_resumable, setup),
      cmocka_unit_test_setup(test_a_new_image_boots_pending_with_outputs_in_fail_safe_and_rolls_back_unconfirmed, setup),
      cmocka_unit_test_setup(test_a_confirmed_new_image_stays_and_an_update_waits_for_the_confirm, setup),
      cmocka_unit_test_setup(test_a_pending_image_with_nothing_to_go_back_to_is_kept_rather_than_bricked, setup),
      cmocka_unit_test_setup(test_a_refused_image_switch_fails_the_commit, setup),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
