/*
 * tokkatot-sim: the firmware core as a Linux process — a simulated coop behind a pseudo-terminal
 * (or, when built with libmosquitto, an MQTT connection). The first line on stdout is the serial
 * device to open. See `tokkatot-sim --help`.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "coop_model.h"
#include "pty.h"
#include "sim.h"
#include "tokkatot/node.h"

#define FIRMWARE_VERSION "1.0.0-sim"

static volatile sig_atomic_t stop_requested = 0;
static volatile sig_atomic_t reboot_requested = 0;

static void on_stop(int sig) {
  (void)sig;
  stop_requested = 1;
}

static void on_reboot(int sig) {
  (void)sig;
  reboot_requested = 1;
}

/* SIGUSR2 starts a heat wave (outside air HEAT_WAVE_C warmer) and the next one ends it: a change
   of weather a demo or a test can cause at any time, instead of waiting for the day to turn. */
#define HEAT_WAVE_C 8.0
static volatile sig_atomic_t heat_wave_signals = 0;

static void on_heat_wave(int sig) {
  (void)sig;
  heat_wave_signals++;
}

static uint64_t monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Noise on what the node hears, decided once per frame (at each delimiter: does a bit of the
 * next frame flip?), so the rate is the documented one whatever the grouping of bytes into
 * reads — a loaded machine hands over several frames per read. */
static void add_line_noise(uint8_t *buf, size_t n) {
  static long flip_in = -1; /* bytes until the pending flip; -1 when none is pending */
  size_t i;
  for (i = 0; i < n; i++) {
    if (buf[i] == 0) {
      if (flip_in < 0 && sim_random() < sim.line_noise) flip_in = rand() % 16;
    } else if (flip_in == 0) {
      buf[i] ^= (uint8_t)(1u << (rand() % 8));
      flip_in = -1;
    } else if (flip_in > 0) {
      flip_in--;
    }
  }
}

static uint32_t random_boot_id(void) {
  uint32_t id = 0;
  int fd = open("/dev/urandom", O_RDONLY);
  if (fd >= 0) {
    if (read(fd, &id, sizeof id) != (ssize_t)sizeof id) id = 0;
    close(fd);
  }
  if (id == 0) id = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
  return id == 0 ? 1u : id;
}

/* The original Tokkatot board: active-low relays on GPIO 27/25/26/14, DHT22 on 32, water on 35. */
static void define_board(tk_board_t *b, const char *node_id, const char *version, bool wireless, bool pad_fan) {
  static const tk_output_desc_t outputs[] = {{0, TK_OUTPUT_FEEDER, false, true, 27},
                                             {1, TK_OUTPUT_CONVEYOR, false, true, 25},
                                             {2, TK_OUTPUT_FAN, false, true, 26},
                                             {3, TK_OUTPUT_HEATER, false, true, 14},
                                             {4, TK_OUTPUT_LIGHT, true, false, 33},
                                             {5, TK_OUTPUT_WATER_PUMP, false, true, 13}};
  static const tk_sensor_desc_t sensors[] = {{0, TK_SENSOR_TEMPERATURE, 32}, {1, TK_SENSOR_HUMIDITY, 32}, {2, TK_SENSOR_WATER_LEVEL, 35}};
  memset(b, 0, sizeof *b);
  b->node_id = node_id;
  b->firmware_version = version;
  b->hardware_revision = 1;
  b->wireless = wireless;
  b->output_count = sizeof outputs / sizeof outputs[0];
  memcpy(b->outputs, outputs, sizeof outputs);
  if (pad_fan) {
    /* A second fan stage with an evaporative pad, on a spare relay (GPIO 12). */
    static const tk_output_desc_t pad = {6, TK_OUTPUT_FAN, false, true, 12};
    b->outputs[b->output_count++] = pad;
  }
  b->sensor_count = sizeof sensors / sizeof sensors[0];
  memcpy(b->sensors, sensors, sizeof sensors);
}

static void actuators(coop_actuators_t *a) {
  uint8_t i;
  memset(a, 0, sizeof *a);
  for (i = 0; i < sim.board.output_count; i++) {
    bool on = sim_output_active(i);
    switch (sim.board.outputs[i].kind) {
      case TK_OUTPUT_HEATER: a->heater = a->heater || on; break;
      case TK_OUTPUT_FAN:
        if (sim.board.outputs[i].channel == sim.pad_fan_channel) a->pad_fan = a->pad_fan || on;
        else a->fan = a->fan || on;
        break;
      case TK_OUTPUT_FEEDER: a->feeder = a->feeder || on; break;
      case TK_OUTPUT_CONVEYOR: a->conveyor = a->conveyor || on; break;
      case TK_OUTPUT_WATER_PUMP: a->water_pump = a->water_pump || on; break;
      case TK_OUTPUT_LIGHT: a->light_percent = on ? 100 : 0; break;
      default: break;
    }
  }
}

/*
 * --sim-time-sampling: the node schedules each sample `period` wall ms ahead; shorten that to
 * period / speed, so sensors sample the accelerated coop at its configured period of simulated
 * time (a 10 s DHT22 period stays 10 coop seconds at any --speed, and its 3-sample filter with it).
 */
static void scale_sampling(tk_node_t *node, uint32_t *scheduled, uint32_t now_ms) {
  uint8_t i;
  for (i = 0; i < sim.board.sensor_count; i++) {
    uint32_t next = node->sensors.rt[i].next_sample_ms;
    int32_t ahead = (int32_t)(next - now_ms);
    if (next == scheduled[i] || ahead <= 0) continue;
    scheduled[i] = now_ms + (uint32_t)(ahead / sim.speed > 1.0 ? ahead / sim.speed : 1.0);
    node->sensors.rt[i].next_sample_ms = scheduled[i];
  }
}

static void journal(const char *fmt, uint32_t a, const char *b) {
  char path[512];
  FILE *f;
  snprintf(path, sizeof path, "%s/%s.journal", sim.data_dir, sim.node_id);
  f = fopen(path, "a");
  if (f == NULL) return;
  fprintf(f, fmt, (unsigned)a, b);
  fclose(f);
}

static const char *reset_name(uint8_t r) {
  static const char *names[] = {"unknown", "power_on", "software", "watchdog", "brownout", "panic", "external"};
  return r <= TK_RESET_EXTERNAL ? names[r] : "unknown";
}

static int parse_reset(const char *s) {
  int i;
  for (i = 0; i <= TK_RESET_EXTERNAL; i++)
    if (strcmp(s, reset_name((uint8_t)i)) == 0) return i;
  return -1;
}

static void usage(FILE *to) {
  fprintf(to,
          "usage: tokkatot-sim [options]\n"
          "  --node-id ID          node id (default coop-sim-1)\n"
          "  --data-dir DIR        stored configuration, command journal, firmware slots (default .)\n"
          "  --state-dir DIR       the same as --data-dir\n"
          "  --slot-size N         bytes a firmware slot holds (default 4 MiB)\n"
          "  --link PATH           also make PATH a symlink to the serial device\n"
          "  --speed N             run the coop's physics N times faster than real time (default 1)\n"
          "  --start-hour H        time of day the simulation starts at (default 6)\n"
          "  --birds N             flock size (default 1000)\n"
          "  --outside-min C       outside temperature before dawn (default 23)\n"
          "  --outside-max C       outside temperature mid-afternoon (default 33)\n"
          "  --pad-fan             add output 6: a second fan stage drawing through an evaporative pad\n"
          "  --seed N              random seed (noise, faults)\n"
          "  --dead-sensor CH      sensor channel that never answers (repeatable)\n"
          "  --dead-after-ms N     dead sensors still answer for the first N ms\n"
          "  --sim-time-sampling   sensor sample periods count simulated time (divided by --speed)\n"
          "  --stuck-relay CH[:on|off]  output whose relay ignores its coil (default stuck on)\n"
          "  --line-noise P        probability per frame of a flipped bit and of junk bytes\n"
          "  --reboot-after-ms N   reboot once after N ms (SIGUSR1 reboots at any time)\n"
          "                        SIGUSR2 starts a heat wave (outside air 8 C warmer); the next one ends it\n"
          "  --reset-reason R      reported at first boot: power_on watchdog brownout panic external\n"
          "  --ack-delay-ms N      hold acks back N ms (to kill the node mid-command in tests)\n"
          "  --echo                bare transport echo (benchmark baseline): no node, bytes go back\n"
#ifdef TOKKATOT_SIM_MQTT
          "  --mqtt URL            connect to mqtt://host:port instead of opening a pty\n"
          "  --farm-id ID          farm id in MQTT topics (default farm-1)\n"
          "  --no-fetch            in MQTT mode, do not fetch images over HTTP (updateFetch answers fetch_unsupported)\n"
          "  --fetch-rate N        fetch images at most N bytes per second (a weak Wi-Fi link)\n"
          "  --username U / --password P   broker credentials (default user: the node id)\n"
#endif
          "  --exit-with-parent    stop when the process that started it dies (the edge, even by kill -9)\n"
          "  --verbose             log to stderr\n");
}

#ifdef TOKKATOT_SIM_MQTT
int sim_mqtt_start(const char *url, const char *farm_id, const char *username, const char *password, tk_node_t *node);
void sim_mqtt_poll(tk_node_t *node, int timeout_ms);
void sim_mqtt_stop(void);
#endif

int main(int argc, char **argv) {
  static tk_node_t node;
  sim_pty_t pty = {-1, -1, {0}};
  const char *link = NULL;
  const char *mqtt_url = NULL, *farm_id = "farm-1", *username = NULL, *password = "";
  bool echo = false;
  unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();
  long reboot_after_ms = -1;
  int reset_reason = TK_RESET_POWER_ON;
  double start_hour = 6.0;
  int birds = 1000;
  double outside_min_c = 23.0, outside_max_c = 33.0;
  bool pad_fan = false;
  bool exit_with_parent = false;
  bool no_fetch = false;
  const pid_t parent_at_start = getppid();
  bool sim_time_sampling = false;
  uint32_t scheduled_samples[TK_MAX_SENSORS] = {0};
  uint64_t start_ms, last_ms, last_status_ms = 0;
  int i;

  memset(&sim, 0, sizeof sim);
  sim.node_id = "coop-sim-1";
  sim.data_dir = ".";
  sim.speed = 1.0;
  sim.stuck_relay = -1;
  sim.pad_fan_channel = -1;
  sim.fd = -1;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    bool takes = true;
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(a, "--echo") == 0) {
      echo = true;
      takes = false;
    } else if (strcmp(a, "--sim-time-sampling") == 0) {
      sim_time_sampling = true;
      takes = false;
    } else if (strcmp(a, "--pad-fan") == 0) {
      pad_fan = true;
      takes = false;
    } else if (strcmp(a, "--exit-with-parent") == 0) {
      exit_with_parent = true;
      takes = false;
    } else if (strcmp(a, "--verbose") == 0) {
      sim.verbose = true;
      takes = false;
    } else if (strcmp(a, "--no-fetch") == 0) {
      no_fetch = true;
      takes = false;
    } else if (v == NULL) {
      fprintf(stderr, "tokkatot-sim: %s needs a value\n", a);
      usage(stderr);
      return 2;
    } else if (strcmp(a, "--node-id") == 0) {
      sim.node_id = v;
    } else if (strcmp(a, "--data-dir") == 0 || strcmp(a, "--state-dir") == 0) {
      sim.data_dir = v;
    } else if (strcmp(a, "--slot-size") == 0) {
      sim.slot_capacity = (uint32_t)strtoul(v, NULL, 10);
    } else if (strcmp(a, "--link") == 0) {
      link = v;
    } else if (strcmp(a, "--speed") == 0) {
      sim.speed = atof(v);
    } else if (strcmp(a, "--start-hour") == 0) {
      start_hour = atof(v);
    } else if (strcmp(a, "--birds") == 0) {
      birds = atoi(v);
    } else if (strcmp(a, "--outside-min") == 0) {
      outside_min_c = atof(v);
    } else if (strcmp(a, "--outside-max") == 0) {
      outside_max_c = atof(v);
    } else if (strcmp(a, "--dead-after-ms") == 0) {
      sim.dead_after_ms = (uint64_t)atol(v);
    } else if (strcmp(a, "--seed") == 0) {
      seed = (unsigned)strtoul(v, NULL, 10);
    } else if (strcmp(a, "--dead-sensor") == 0) {
      int ch = atoi(v);
      if (ch >= 0 && ch <= (int)TK_MAX_SENSORS) sim.dead_sensor[ch] = true;
    } else if (strcmp(a, "--stuck-relay") == 0) {
      sim.stuck_relay = atoi(v);
      sim.stuck_on = strstr(v, ":off") == NULL;
    } else if (strcmp(a, "--line-noise") == 0) {
      sim.line_noise = atof(v);
    } else if (strcmp(a, "--reboot-after-ms") == 0) {
      reboot_after_ms = atol(v);
    } else if (strcmp(a, "--reset-reason") == 0) {
      reset_reason = parse_reset(v);
      if (reset_reason < 0) {
        fprintf(stderr, "tokkatot-sim: unknown reset reason %s\n", v);
        return 2;
      }
    } else if (strcmp(a, "--ack-delay-ms") == 0) {
      sim.ack_delay_ms = (uint32_t)atol(v);
    } else if (strcmp(a, "--fetch-rate") == 0) {
      sim.fetch_rate = (uint32_t)atol(v);
    } else if (strcmp(a, "--mqtt") == 0) {
      mqtt_url = v;
    } else if (strcmp(a, "--farm-id") == 0) {
      farm_id = v;
    } else if (strcmp(a, "--username") == 0) {
      username = v;
    } else if (strcmp(a, "--password") == 0) {
      password = v;
    } else {
      fprintf(stderr, "tokkatot-sim: unknown option %s\n", a);
      usage(stderr);
      return 2;
    }
    if (takes) i++;
  }
  if (!(outside_min_c <= outside_max_c)) {
    fprintf(stderr, "tokkatot-sim: --outside-min must not exceed --outside-max\n");
    return 2;
  }
  if (!(sim.speed > 0)) {
    fprintf(stderr, "tokkatot-sim: --speed must be positive\n");
    return 2;
  }
  srand(seed);
  signal(SIGINT, on_stop);
  signal(SIGTERM, on_stop);
  signal(SIGUSR1, on_reboot);
  signal(SIGUSR2, on_heat_wave);
  signal(SIGPIPE, SIG_IGN);
  if (exit_with_parent) {
#ifdef __linux__
    /* A simulated coop outliving a killed edge would hold its pseudo-terminal and run forever. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
    if (getppid() != parent_at_start) return 0; /* the parent died before prctl took effect */
  }

  /* A node on MQTT has IP and can fetch its firmware from the edge; one on a serial line cannot. */
  sim.can_fetch = mqtt_url != NULL && !no_fetch;
  define_board(&sim.board, sim.node_id, sim_boot_select(FIRMWARE_VERSION), mqtt_url != NULL, pad_fan);
  if (pad_fan) sim.pad_fan_channel = 6;
  coop_model_init(&sim.coop, start_hour, birds, outside_min_c, outside_max_c);

  if (mqtt_url == NULL) {
    if (sim_pty_open(&pty) != 0) {
      perror("tokkatot-sim: cannot open a pseudo-terminal");
      return 1;
    }
    if (link != NULL && sim_pty_link(&pty, link) != 0) {
      perror("tokkatot-sim: cannot create the link");
      return 1;
    }
    sim.fd = pty.master;
    printf("%s\n", pty.path);
  } else {
#ifdef TOKKATOT_SIM_MQTT
    printf("%s\n", mqtt_url);
#else
    fprintf(stderr, "tokkatot-sim: built without MQTT (install libmosquitto-dev and rebuild)\n");
    return 2;
#endif
  }
  fflush(stdout);

  start_ms = last_ms = sim.now_ms = sim.start_ms = monotonic_ms();
  if (!echo) {
    uint32_t boot_id = random_boot_id();
    journal("boot boot=%08x reason=%s", boot_id, reset_name((uint8_t)reset_reason));
    sim_journal_line(" version=%s\n", sim.board.firmware_version);
    tk_node_init(&node, &sim.board, boot_id, (uint8_t)reset_reason, (uint32_t)sim.now_ms);
  }
#ifdef TOKKATOT_SIM_MQTT
  if (mqtt_url != NULL && sim_mqtt_start(mqtt_url, farm_id, username != NULL ? username : sim.node_id, password, &node) != 0) {
    return 1;
  }
#else
  (void)farm_id;
  (void)username;
  (void)password;
#endif

  sig_atomic_t heat_waves_seen = 0;
  while (!stop_requested) {
    uint8_t buf[512];
    coop_actuators_t act;
    if (sim.fd >= 0) {
      struct pollfd pfd = {sim.fd, POLLIN, 0};
      int ready = poll(&pfd, 1, 5);
      sim.now_ms = monotonic_ms();
      if (ready > 0 && (pfd.revents & POLLIN)) {
        ssize_t n = read(sim.fd, buf, sizeof buf);
        if (n > 0 && echo) {
          if (write(sim.fd, buf, (size_t)n) != n) sim_log("echo write short");
        } else if (n > 0 && sim.never_healthy) {
          /* The faulty image of the rollback test: its link never hears the edge. */
        } else if (n > 0) {
          if (sim.line_noise > 0) add_line_noise(buf, (size_t)n);
          tk_node_receive_bytes(&node, buf, (size_t)n, (uint32_t)sim.now_ms);
        }
      } else if (ready > 0) {
        usleep(5000); /* POLLHUP with no reader: should not happen while we hold the slave */
      }
    }
#ifdef TOKKATOT_SIM_MQTT
    else if (mqtt_url != NULL) {
      sim_mqtt_poll(&node, 5);
      sim.now_ms = monotonic_ms();
    }
#endif
    if (echo) continue;
    if (heat_wave_signals != heat_waves_seen) {
      heat_waves_seen = heat_wave_signals;
      double shift = (heat_waves_seen % 2 == 1) ? HEAT_WAVE_C : -HEAT_WAVE_C;
      sim.coop.outside_min_c += shift;
      sim.coop.outside_max_c += shift;
      sim_log("heat wave %s: outside air %+.0f C", shift > 0 ? "begins" : "ends", shift);
    }
    if (reboot_requested || sim.reboot_pending || (reboot_after_ms >= 0 && sim.now_ms - start_ms >= (uint64_t)reboot_after_ms)) {
      uint32_t boot_id = random_boot_id();
      reboot_requested = 0;
      reboot_after_ms = -1;
      sim.reboot_pending = false;
      sim.delayed_count = 0;
      /* Through the bootloader again: a slot switch or a rollback takes effect here. */
      sim.board.firmware_version = sim_boot_select(FIRMWARE_VERSION);
      journal("boot boot=%08x reason=%s", boot_id, "software");
      sim_journal_line(" version=%s\n", sim.board.firmware_version);
      sim_log("rebooting");
      tk_node_init(&node, &sim.board, boot_id, TK_RESET_SOFTWARE, (uint32_t)sim.now_ms);
      memset(scheduled_samples, 0, sizeof scheduled_samples);
    }
    tk_node_tick(&node, (uint32_t)sim.now_ms);
    if (sim_time_sampling) scale_sampling(&node, scheduled_samples, (uint32_t)sim.now_ms);
    sim_flush_delayed();
    actuators(&act);
    coop_model_step(&sim.coop, &act, (double)(sim.now_ms - last_ms) / 1000.0 * sim.speed);
    last_ms = sim.now_ms;
    if (sim.verbose && sim.now_ms - last_status_ms >= 10000u) {
      last_status_ms = sim.now_ms;
      sim_log("t=%02d:%02d inside=%.1fC outside=%.1fC rh=%.0f%% water=%.0f heater=%d fan=%d pad=%d feeder=%d conveyor=%d",
              (int)(sim.coop.time_s / 3600.0) % 24, (int)(sim.coop.time_s / 60.0) % 60, sim.coop.inside_c,
              coop_outside_c(&sim.coop, sim.coop.time_s), sim.coop.humidity_pct, sim.coop.water_raw, act.heater, act.fan,
              act.pad_fan, act.feeder, act.conveyor);
    }
  }
#ifdef TOKKATOT_SIM_MQTT
  if (mqtt_url != NULL) sim_mqtt_stop();
#endif
  if (link != NULL) {
    char target[256];
    ssize_t n = readlink(link, target, sizeof target - 1u);
    if (n > 0) {
      target[n] = '\0';
      if (strcmp(target, pty.path) == 0) unlink(link);
    }
  }
  sim_pty_close(&pty);
  return 0;
}
