/* State shared by the simulated coop's main loop and its platform implementation. */
#ifndef TOKKATOT_SIM_H
#define TOKKATOT_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "coop_model.h"
#include "tokkatot/board.h"

#define SIM_PINS 64
#define SIM_DELAYED_MAX 32

typedef struct {
  uint8_t bytes[300];
  size_t len;
  uint64_t due_ms;
} sim_delayed_t;

typedef struct {
  /* options */
  const char *node_id;
  const char *data_dir;
  double speed;
  double line_noise;     /* probability per frame of a flipped bit, and of junk bytes */
  uint32_t ack_delay_ms; /* hold acks back, so a test can kill the node mid-command */
  bool dead_sensor[TK_MAX_SENSORS + 1];
  uint64_t dead_after_ms; /* dead sensors answer normally until this long after start */
  uint64_t start_ms;
  int pad_fan_channel;    /* the fan output drawing through the evaporative pad, or -1 */
  int stuck_relay;       /* channel, or -1 */
  bool stuck_on;
  bool verbose;
  /* hardware */
  tk_board_t board;
  int pin_level[SIM_PINS];
  int pwm_duty[SIM_PINS];
  coop_model_t coop;
  bool stuck_state_known;
  bool stuck_state;
  /* serial link */
  int fd;
  uint64_t dropped_frames;
  sim_delayed_t delayed[SIM_DELAYED_MAX];
  int delayed_count;
  uint64_t now_ms;
  /* firmware slots (port-posix/sim_update.c) */
  uint32_t slot_capacity;  /* 0 = default */
  bool never_healthy;      /* the booted image is deaf to the edge (the rollback test) */
  bool reboot_pending;     /* the firmware asked for a restart (slot switch, rollback) */
  /* image fetch over HTTP (port-posix/sim_fetch.c): on in MQTT mode (the node has IP) */
  bool can_fetch;
  uint32_t fetch_rate; /* bytes per second handed to the core, 0 = as fast as they come */
  /* mqtt link (port-posix/mqtt_link.c), if built */
  void *mqtt;
} sim_t;

extern sim_t sim;

/** Uniform random number in [0, 1). */
double sim_random(void);

/** Whether the relay or dimmer of output idx is physically closed (stuck relays included). */
bool sim_output_active(int idx);

/** Writes due delayed frames to the link. */
void sim_flush_delayed(void);

/** Chooses the boot slot like a bootloader with rollback; returns the booted image's version. */
const char *sim_boot_select(const char *factory_version);

/** Appends one formatted line to <node>.journal. */
void sim_journal_line(const char *fmt, ...);

/** Logs to stderr when --verbose. */
void sim_log(const char *fmt, ...);

#endif
