/*
 * The core's firmware slots (platform_update.h) on ESP-IDF: the two OTA app partitions of
 * partitions.csv, the bootloader's rollback (CONFIG_BOOTLOADER_APP_ROLLBACK_ENABLE) and NVS for
 * the transfer record and the health deadline.
 *
 * Rollback on the chip: a new image boots as ESP_OTA_IMG_PENDING_VERIFY. The core confirms it
 * (esp_ota_mark_app_valid_cancel_rollback) once the edge says it is healthy, or gives up on it
 * after the deadline (esp_ota_mark_app_invalid_rollback_and_reboot). If it crashes or hangs
 * before either, the watchdog resets it and the bootloader, finding it still pending, marks it
 * aborted and boots the previous slot.
 */
#include <string.h>

#include "esp_log.h"
#include "esp_ota_ops.h"
#include "esp_partition.h"
#include "esp_system.h"
#include "nvs.h"
#include "tokkatot/platform_update.h"

static const char *TAG = "tokkatot.update";
#define PRV_NVS_NAMESPACE "tokkatot"
#define PRV_PROGRESS_KEY "update"
#define PRV_HEALTH_KEY "health_ms"
#define PRV_PROGRESS_LAYOUT 1u

static esp_ota_handle_t prv_handle;
static bool prv_handle_open = false;

/* The slot an update writes: the OTA partition the node is not running from. */
static const esp_partition_t *prv_target(void) { return esp_ota_get_next_update_partition(NULL); }

void tk_platform_boot_info(tk_boot_info_t *info) {
  const esp_partition_t *running = esp_ota_get_running_partition();
  esp_ota_img_states_t state;
  nvs_handle_t nvs;
  uint32_t health = 0;
  info->running_slot = running != NULL && running->subtype == ESP_PARTITION_SUBTYPE_APP_OTA_1 ? TK_SLOT_B : TK_SLOT_A;
  info->confirmed = !(running != NULL && esp_ota_get_state_partition(running, &state) == ESP_OK && state == ESP_OTA_IMG_PENDING_VERIFY);
  if (nvs_open(PRV_NVS_NAMESPACE, NVS_READONLY, &nvs) == ESP_OK) {
    if (nvs_get_u32(nvs, PRV_HEALTH_KEY, &health) != ESP_OK) health = 0;
    nvs_close(nvs);
  }
  info->health_timeout_ms = health;
}

uint32_t tk_platform_slot_capacity(void) {
  const esp_partition_t *p = prv_target();
  return p != NULL ? (uint32_t)p->size : 0u;
}

bool tk_platform_slot_erase(uint32_t size) {
  const esp_partition_t *p = prv_target();
  if (p == NULL) return false;
  if (prv_handle_open) esp_ota_abort(prv_handle);
  prv_handle_open = false;
  /* Erases the first size bytes (whole sectors): chunks may then be written at their offsets. */
  if (esp_ota_begin(p, size, &prv_handle) != ESP_OK) return false;
  prv_handle_open = true;
  return true;
}

bool tk_platform_slot_write(uint32_t offset, const uint8_t *data, size_t len) {
  const esp_partition_t *p = prv_target();
  if (prv_handle_open) return esp_ota_write_with_offset(prv_handle, data, len, offset) == ESP_OK;
  /*
   * After a reboot mid-transfer there is no OTA handle. The area was erased by the begin, and a
   * resume only rewrites bytes of the same image (identical values: NOR flash accepts that), so
   * plain partition writes continue the transfer; esp_ota_set_boot_partition checks the image.
   */
  return p != NULL && esp_partition_write(p, offset, data, len) == ESP_OK;
}

bool tk_platform_slot_read(uint32_t offset, uint8_t *data, size_t len) {
  const esp_partition_t *p = prv_target();
  return p != NULL && esp_partition_read(p, offset, data, len) == ESP_OK;
}

typedef struct {
  uint8_t layout;
  tk_update_progress_t progress;
} prv_record_t;

bool tk_platform_update_progress_load(tk_update_progress_t *progress) {
  nvs_handle_t nvs;
  prv_record_t record;
  size_t len = sizeof record;
  bool ok = false;
  if (nvs_open(PRV_NVS_NAMESPACE, NVS_READONLY, &nvs) != ESP_OK) return false;
  if (nvs_get_blob(nvs, PRV_PROGRESS_KEY, &record, &len) == ESP_OK && len == sizeof record && record.layout == PRV_PROGRESS_LAYOUT) {
    *progress = record.progress;
    progress->version[TK_MAX_FIRMWARE_VERSION_LEN] = '\0';
    ok = true;
  }
  nvs_close(nvs);
  return ok;
}

void tk_platform_update_progress_save(const tk_update_progress_t *progress) {
  nvs_handle_t nvs;
  prv_record_t record;
  memset(&record, 0, sizeof record);
  record.layout = PRV_PROGRESS_LAYOUT;
  record.progress = *progress;
  if (nvs_open(PRV_NVS_NAMESPACE, NVS_READWRITE, &nvs) != ESP_OK) return;
  /* Once per 4 KiB of image (TK_UPDATE_PERSIST_BYTES): a few hundred NVS writes per update. */
  if (nvs_set_blob(nvs, PRV_PROGRESS_KEY, &record, sizeof record) == ESP_OK) nvs_commit(nvs);
  nvs_close(nvs);
}

void tk_platform_update_progress_clear(void) {
  nvs_handle_t nvs;
  if (nvs_open(PRV_NVS_NAMESPACE, NVS_READWRITE, &nvs) != ESP_OK) return;
  if (nvs_erase_key(nvs, PRV_PROGRESS_KEY) == ESP_OK) nvs_commit(nvs);
  nvs_close(nvs);
}

bool tk_platform_boot_switch(uint32_t size, uint32_t health_timeout_ms) {
  const esp_partition_t *p = prv_target();
  nvs_handle_t nvs;
  (void)size;
  if (p == NULL) return false;
  if (prv_handle_open) {
    prv_handle_open = false;
    /* esp_ota_end checks the image (header, segments, checksum, secure boot signature if on). */
    if (esp_ota_end(prv_handle) != ESP_OK) return false;
  }
  if (nvs_open(PRV_NVS_NAMESPACE, NVS_READWRITE, &nvs) == ESP_OK) {
    if (nvs_set_u32(nvs, PRV_HEALTH_KEY, health_timeout_ms) == ESP_OK) nvs_commit(nvs);
    nvs_close(nvs);
  }
  /* Validates the image again and marks the slot new: it boots once as pending verification. */
  if (esp_ota_set_boot_partition(p) != ESP_OK) {
    ESP_LOGE(TAG, "the bootloader refused the image in %s", p->label);
    return false;
  }
  return true;
}

void tk_platform_reboot(void) { esp_restart(); }

void tk_platform_image_confirm(void) {
  if (esp_ota_mark_app_valid_cancel_rollback() != ESP_OK) ESP_LOGE(TAG, "could not mark the running image valid");
}

bool tk_platform_image_rollback(void) {
  ESP_LOGE(TAG, "new image not confirmed in time: rolling back");
  esp_ota_mark_app_invalid_rollback_and_reboot();
  /* Only returns when there is no previous image to go back to: the core keeps this one. */
  return false;
}
