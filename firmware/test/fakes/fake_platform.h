/* In-memory implementation of the core's platform headers, inspected by the tests. */
#ifndef TOKKATOT_FAKE_PLATFORM_H
#define TOKKATOT_FAKE_PLATFORM_H

#include <stdbool.h>
#include <stdint.h>

#include "tokkatot/platform_update.h"
#include "tokkatot/protocol.h"

#define FAKE_PINS 64
#define FAKE_SENT_MAX 256
#define FAKE_SLOT_BYTES 65536u

typedef struct {
  int pin_level[FAKE_PINS];   /* -1 = never written */
  int pin_writes[FAKE_PINS];  /* how often each pin was written */
  int pwm_duty[FAKE_PINS];    /* -1 = never written */
  uint8_t sensor_status[FAKE_PINS];
  int32_t sensor_value[FAKE_PINS];
  tk_msg_t sent[FAKE_SENT_MAX];
  int sent_count;
  int first_send_pin_writes; /* pin writes that happened before the first frame left */
  bool has_stored_config;
  tk_config_t stored_config;
  int saves;
  int executed;
  uint32_t executed_ids[64];
  /* firmware slots: the inactive one in memory, the boot record, the persisted transfer */
  uint8_t slot[FAKE_SLOT_BYTES];
  uint32_t slot_capacity;
  int erases, writes, fail_writes_after; /* fail_writes_after < 0: never */
  tk_boot_info_t boot;
  bool has_progress;
  tk_update_progress_t progress;
  int progress_saves;
  bool refuse_switch;
  bool no_previous_image;
  int switches, reboots, confirms, rollbacks;
  uint32_t switched_size, switched_health_ms;
} fake_platform_t;

extern fake_platform_t fake;

void fake_reset(void);

/** The n-th most recent sent message of a type (0 = latest), or NULL. */
const tk_msg_t *fake_last(uint8_t type, int n);

/** How many messages of a type were sent. */
int fake_count(uint8_t type);

#endif
