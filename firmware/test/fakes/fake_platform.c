#include "fakes/fake_platform.h"

#include <string.h>

#include "tokkatot/platform_io.h"
#include "tokkatot/platform_link.h"
#include "tokkatot/platform_system.h"
#include "tokkatot/platform_update.h"

fake_platform_t fake;

void fake_reset(void) {
  int i;
  memset(&fake, 0, sizeof fake);
  for (i = 0; i < FAKE_PINS; i++) {
    fake.pin_level[i] = -1;
    fake.pwm_duty[i] = -1;
    fake.sensor_status[i] = TK_SENSOR_OK;
  }
  fake.first_send_pin_writes = -1;
  fake.slot_capacity = FAKE_SLOT_BYTES;
  fake.fail_writes_after = -1;
  fake.boot.running_slot = TK_SLOT_A;
  fake.boot.confirmed = true;
  memset(fake.slot, 0xFF, sizeof fake.slot);
}

static int prv_total_pin_writes(void) {
  int i, n = 0;
  for (i = 0; i < FAKE_PINS; i++) n += fake.pin_writes[i];
  return n;
}

void tk_platform_pin_write(uint32_t pin, bool high) {
  fake.pin_level[pin] = high ? 1 : 0;
  fake.pin_writes[pin]++;
}

void tk_platform_pwm_write(uint32_t pin, uint8_t duty) {
  fake.pwm_duty[pin] = duty;
  fake.pin_writes[pin]++;
}

uint8_t tk_platform_sensor_read(const tk_sensor_desc_t *sensor, int32_t *value_centi) {
  if (fake.sensor_status[sensor->pin] == TK_SENSOR_OK) *value_centi = fake.sensor_value[sensor->pin];
  return fake.sensor_status[sensor->pin];
}

/* Every frame is decoded again, so the tests see exactly what went on the wire. */
void tk_platform_link_send(uint8_t type, const uint8_t *frame, size_t len) {
  tk_msg_t msg;
  (void)type;
  if (fake.first_send_pin_writes < 0) fake.first_send_pin_writes = prv_total_pin_writes();
  if (tk_msg_decode(frame, len, &msg) != TK_FRAME_OK) return;
  if (fake.sent_count < FAKE_SENT_MAX) fake.sent[fake.sent_count++] = msg;
}

uint32_t tk_platform_free_heap(void) { return 123456u; }

int8_t tk_platform_rssi(void) { return -60; }

bool tk_platform_config_load(tk_config_t *config) {
  if (!fake.has_stored_config) return false;
  *config = fake.stored_config;
  return true;
}

void tk_platform_config_save(const tk_config_t *config) {
  fake.stored_config = *config;
  fake.has_stored_config = true;
  fake.saves++;
}

void tk_platform_on_command_executed(uint32_t boot_id, const tk_set_output_t *command, uint16_t seq) {
  (void)boot_id;
  (void)seq;
  if (fake.executed < 64) fake.executed_ids[fake.executed] = command->id;
  fake.executed++;
}

const tk_msg_t *fake_last(uint8_t type, int n) {
  int i;
  for (i = fake.sent_count - 1; i >= 0; i--) {
    if (fake.sent[i].type != type) continue;
    if (n-- == 0) return &fake.sent[i];
  }
  return NULL;
}

int fake_count(uint8_t type) {
  int i, n = 0;
  for (i = 0; i < fake.sent_count; i++)
    if (fake.sent[i].type == type) n++;
  return n;
}

void tk_platform_boot_info(tk_boot_info_t *info) { *info = fake.boot; }

uint32_t tk_platform_slot_capacity(void) { return fake.slot_capacity; }

bool tk_platform_slot_erase(uint32_t size) {
  if (size > FAKE_SLOT_BYTES) return false;
  memset(fake.slot, 0xFF, size);
  fake.erases++;
  return true;
}

bool tk_platform_slot_write(uint32_t offset, const uint8_t *data, size_t len) {
  if (fake.fail_writes_after >= 0 && fake.writes >= fake.fail_writes_after) return false;
  if (offset + len > FAKE_SLOT_BYTES) return false;
  memcpy(fake.slot + offset, data, len);
  fake.writes++;
  return true;
}

bool tk_platform_slot_read(uint32_t offset, uint8_t *data, size_t len) {
  if (offset + len > FAKE_SLOT_BYTES) return false;
  memcpy(data, fake.slot + offset, len);
  return true;
}

bool tk_platform_update_progress_load(tk_update_progress_t *progress) {
  if (!fake.has_progress) return false;
  *progress = fake.progress;
  return true;
}

void tk_platform_update_progress_save(const tk_update_progress_t *progress) {
  fake.progress = *progress;
  fake.has_progress = true;
  fake.progress_saves++;
}

void tk_platform_update_progress_clear(void) { fake.has_progress = false; }

bool tk_platform_boot_switch(uint32_t size, uint32_t health_timeout_ms) {
  if (fake.refuse_switch) return false;
  fake.switches++;
  fake.switched_size = size;
  fake.switched_health_ms = health_timeout_ms;
  return true;
}

void tk_platform_reboot(void) { fake.reboots++; }

void tk_platform_image_confirm(void) {
  fake.confirms++;
  fake.boot.confirmed = true;
}

bool tk_platform_image_rollback(void) {
  fake.rollbacks++;
  return !fake.no_previous_image;
}
