/*
 * The simulated coop's A/B firmware slots, behind core/include/tokkatot/platform_update.h:
 *   <node>.slot-a, <node>.slot-b   the slot contents (slot A without a file = the factory image)
 *   <node>.boot                    the boot record: slot, image state, health timeout
 *   <node>.update                  the transfer in progress (resumed after a kill -9)
 * and a tiny bootloader with ESP-IDF's rollback rules: a new image boots once as pending; a reset
 * before it is confirmed boots the previous slot again.
 *
 * An image for the simulator starts with the line
 *   TOKKATOT-SIM-IMAGE version=<version>[ never-healthy]
 * (anything may follow). "never-healthy" makes the booted firmware deaf to the edge, so it can
 * never be confirmed: the rollback path.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim.h"
#include "tokkatot/platform_update.h"

#define SIM_IMAGE_MAGIC "TOKKATOT-SIM-IMAGE version="
#define SIM_SLOT_CAPACITY (4u * 1024u * 1024u)

typedef enum { BOOT_CONFIRMED = 0, BOOT_NEW, BOOT_PENDING } boot_state_t;

typedef struct {
  int slot;
  boot_state_t state;
  uint32_t health_ms;
} boot_record_t;

static boot_record_t running;

static void prv_path(char *out, size_t cap, const char *suffix) {
  snprintf(out, cap, "%s/%s.%s", sim.data_dir, sim.node_id, suffix);
}

static void prv_slot_path(char *out, size_t cap, int slot) {
  prv_path(out, cap, slot == TK_SLOT_B ? "slot-b" : "slot-a");
}

static int prv_inactive(void) { return running.slot == TK_SLOT_B ? TK_SLOT_A : TK_SLOT_B; }

/* Writes a small text file atomically (like NVS: the old record or the new one). */
static void prv_write_atomic(const char *path, const char *text) {
  char tmp[600];
  FILE *f;
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  f = fopen(tmp, "w");
  if (f == NULL) return;
  fputs(text, f);
  fflush(f);
  fsync(fileno(f));
  fclose(f);
  rename(tmp, path);
}

static void prv_save_boot(const boot_record_t *r) {
  static const char *names[] = {"confirmed", "new", "pending"};
  char path[512], text[128];
  prv_path(path, sizeof path, "boot");
  snprintf(text, sizeof text, "slot=%c state=%s health_ms=%u\n", r->slot == TK_SLOT_B ? 'b' : 'a', names[r->state], (unsigned)r->health_ms);
  prv_write_atomic(path, text);
}

static bool prv_load_boot(boot_record_t *r) {
  char path[512], slot = 'a', state[16] = "";
  unsigned health = 0;
  FILE *f;
  prv_path(path, sizeof path, "boot");
  f = fopen(path, "r");
  if (f == NULL) return false;
  if (fscanf(f, "slot=%c state=%15s health_ms=%u", &slot, state, &health) != 3) {
    fclose(f);
    return false;
  }
  fclose(f);
  r->slot = slot == 'b' ? TK_SLOT_B : TK_SLOT_A;
  r->state = strcmp(state, "new") == 0 ? BOOT_NEW : strcmp(state, "pending") == 0 ? BOOT_PENDING : BOOT_CONFIRMED;
  r->health_ms = health;
  return true;
}

/* Reads a slot's header: its version and fault marker; false when the slot holds no valid image. */
static bool prv_read_header(int slot, char *version, size_t cap, bool *never_healthy) {
  char path[512], line[160];
  const char *v;
  size_t n;
  FILE *f;
  prv_slot_path(path, sizeof path, slot);
  f = fopen(path, "rb");
  if (f == NULL) return false;
  n = fread(line, 1, sizeof line - 1u, f);
  fclose(f);
  line[n] = '\0';
  if (strncmp(line, SIM_IMAGE_MAGIC, strlen(SIM_IMAGE_MAGIC)) != 0 || strchr(line, '\n') == NULL) return false;
  *strchr(line, '\n') = '\0';
  v = line + strlen(SIM_IMAGE_MAGIC);
  n = strcspn(v, " ");
  if (n == 0 || n >= cap) return false;
  memcpy(version, v, n);
  version[n] = '\0';
  *never_healthy = strstr(v + n, " never-healthy") != NULL;
  return true;
}

const char *sim_boot_select(const char *factory_version) {
  static char version[TK_MAX_FIRMWARE_VERSION_LEN + 1];
  bool never_healthy = false;
  if (!prv_load_boot(&running)) {
    running.slot = TK_SLOT_A;
    running.state = BOOT_CONFIRMED;
    running.health_ms = 0;
  }
  if (running.state == BOOT_PENDING) {
    /* Reset while the new image was on probation: ESP-IDF's bootloader aborts it. */
    sim_log("bootloader: slot %c was never confirmed; booting the previous slot", running.slot == TK_SLOT_B ? 'b' : 'a');
    sim_journal_line("rollback from=%c reason=reset_while_pending\n", running.slot == TK_SLOT_B ? 'b' : 'a');
    running.slot = prv_inactive();
    running.state = BOOT_CONFIRMED;
    prv_save_boot(&running);
  } else if (running.state == BOOT_NEW) {
    running.state = BOOT_PENDING;
    prv_save_boot(&running);
  }
  if (!prv_read_header(running.slot, version, sizeof version, &never_healthy)) {
    /* Slot A without a file is the factory image: the version this binary was built as. */
    snprintf(version, sizeof version, "%s", factory_version);
    never_healthy = false;
  }
  sim.never_healthy = never_healthy;
  return version;
}

void tk_platform_boot_info(tk_boot_info_t *info) {
  info->running_slot = (uint8_t)running.slot;
  info->confirmed = running.state == BOOT_CONFIRMED;
  info->health_timeout_ms = running.health_ms;
}

uint32_t tk_platform_slot_capacity(void) { return sim.slot_capacity > 0 ? sim.slot_capacity : SIM_SLOT_CAPACITY; }

bool tk_platform_slot_erase(uint32_t size) {
  char path[512];
  int fd;
  (void)size;
  prv_slot_path(path, sizeof path, prv_inactive());
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return false;
  close(fd);
  return true;
}

bool tk_platform_slot_write(uint32_t offset, const uint8_t *data, size_t len) {
  char path[512];
  ssize_t n;
  int fd;
  prv_slot_path(path, sizeof path, prv_inactive());
  fd = open(path, O_WRONLY | O_CREAT, 0644);
  if (fd < 0) return false;
  n = pwrite(fd, data, len, (off_t)offset);
  close(fd);
  return n == (ssize_t)len;
}

bool tk_platform_slot_read(uint32_t offset, uint8_t *data, size_t len) {
  char path[512];
  ssize_t n;
  int fd;
  prv_slot_path(path, sizeof path, prv_inactive());
  fd = open(path, O_RDONLY);
  if (fd < 0) return false;
  n = pread(fd, data, len, (off_t)offset);
  close(fd);
  return n == (ssize_t)len;
}

bool tk_platform_update_progress_load(tk_update_progress_t *p) {
  char path[512], sha[65];
  unsigned size, chunk, offset, verified, i;
  FILE *f;
  prv_path(path, sizeof path, "update");
  f = fopen(path, "r");
  if (f == NULL) return false;
  memset(p, 0, sizeof *p);
  if (fscanf(f, "version=%32s size=%u sha256=%64s chunk=%u offset=%u verified=%u", p->version, &size, sha, &chunk, &offset, &verified) != 6 ||
      strlen(sha) != 64u) {
    fclose(f);
    return false;
  }
  fclose(f);
  for (i = 0; i < TK_SHA256_BYTES; i++) {
    unsigned byte;
    if (sscanf(sha + 2 * i, "%2x", &byte) != 1) return false;
    p->sha256[i] = (uint8_t)byte;
  }
  p->size = size;
  p->chunk_size = (uint8_t)chunk;
  p->offset = offset;
  p->verified = verified == 1u;
  return true;
}

void tk_platform_update_progress_save(const tk_update_progress_t *p) {
  char path[512], text[256], sha[65];
  unsigned i;
  for (i = 0; i < TK_SHA256_BYTES; i++) snprintf(sha + 2 * i, 3, "%02x", p->sha256[i]);
  snprintf(text, sizeof text, "version=%s size=%u sha256=%s chunk=%u offset=%u verified=%u\n", p->version, (unsigned)p->size, sha,
           (unsigned)p->chunk_size, (unsigned)p->offset, p->verified ? 1u : 0u);
  prv_path(path, sizeof path, "update");
  prv_write_atomic(path, text);
}

void tk_platform_update_progress_clear(void) {
  char path[512];
  prv_path(path, sizeof path, "update");
  unlink(path);
}

bool tk_platform_boot_switch(uint32_t size, uint32_t health_timeout_ms) {
  char version[TK_MAX_FIRMWARE_VERSION_LEN + 1];
  bool never_healthy;
  boot_record_t next;
  char path[512];
  (void)size;
  /* Like esp_ota_set_boot_partition, which checks the image header before switching. */
  if (!prv_read_header(prv_inactive(), version, sizeof version, &never_healthy)) {
    sim_log("bootloader: the verified image has no simulator header; not switching");
    return false;
  }
  prv_slot_path(path, sizeof path, prv_inactive());
  if (truncate(path, (off_t)size) != 0) return false;
  next.slot = prv_inactive();
  next.state = BOOT_NEW;
  next.health_ms = health_timeout_ms;
  prv_save_boot(&next);
  sim_journal_line("switch to=%c version=%s\n", next.slot == TK_SLOT_B ? 'b' : 'a', version);
  return true;
}

void tk_platform_reboot(void) { sim.reboot_pending = true; }

void tk_platform_image_confirm(void) {
  running.state = BOOT_CONFIRMED;
  prv_save_boot(&running);
  sim_journal_line("confirm slot=%c\n", running.slot == TK_SLOT_B ? 'b' : 'a');
}

bool tk_platform_image_rollback(void) {
  boot_record_t back;
  back.slot = prv_inactive();
  back.state = BOOT_CONFIRMED;
  back.health_ms = 0;
  prv_save_boot(&back);
  sim_journal_line("rollback from=%c reason=not_confirmed\n", running.slot == TK_SLOT_B ? 'b' : 'a');
  sim.reboot_pending = true;
  return true;
}
