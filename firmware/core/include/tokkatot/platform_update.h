/*
 * Implemented by each port: the A/B firmware slots. The core only ever writes the *inactive*
 * slot (the running one is the way back), and it asks the port to switch slots, to confirm the
 * running image, or to roll back to the previous one. ESP32: esp_ota_* on the OTA partitions
 * with the bootloader's rollback; the simulator: files in its data folder.
 */
#ifndef TOKKATOT_PLATFORM_UPDATE_H
#define TOKKATOT_PLATFORM_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tokkatot/protocol.h"

/** How this boot's image stands, as the port's bootloader decided. */
typedef struct {
  uint8_t running_slot;       /* tk_slot_t */
  bool confirmed;             /* false on the first boot of a new image (pending verification) */
  uint32_t health_timeout_ms; /* pending only: roll back unless confirmed within this long */
} tk_boot_info_t;

/** A transfer into the inactive slot, persisted so it resumes after a power loss. */
typedef struct {
  char version[TK_MAX_FIRMWARE_VERSION_LEN + 1];
  uint32_t size;
  uint8_t sha256[TK_SHA256_BYTES];
  uint8_t chunk_size;
  uint32_t offset; /* bytes [0, offset) are in the slot for sure */
  bool verified;   /* the whole image hashed to sha256 */
} tk_update_progress_t;

void tk_platform_boot_info(tk_boot_info_t *info);

/** Bytes the inactive slot can hold. */
uint32_t tk_platform_slot_capacity(void);

/** Erases the inactive slot before a new transfer (the first size bytes at least). */
bool tk_platform_slot_erase(uint32_t size);

/** Writes at an offset of the inactive slot; offsets only grow within a transfer. */
bool tk_platform_slot_write(uint32_t offset, const uint8_t *data, size_t len);

/** Reads back from the inactive slot (for the hash over what was actually written). */
bool tk_platform_slot_read(uint32_t offset, uint8_t *data, size_t len);

/** Loads the persisted transfer; false when there is none. */
bool tk_platform_update_progress_load(tk_update_progress_t *progress);

/** Persists the transfer (atomically: the old record or the new one). */
void tk_platform_update_progress_save(const tk_update_progress_t *progress);

void tk_platform_update_progress_clear(void);

/**
 * Makes the inactive slot (holding size verified bytes) the boot slot, pending: its first boot
 * must be confirmed within health_timeout_ms. False when the bootloader refuses the image.
 */
bool tk_platform_boot_switch(uint32_t size, uint32_t health_timeout_ms);

/** Restarts the node (after a switch). On hardware it does not return; a simulator restarts later. */
void tk_platform_reboot(void);

/** The running pending image is good: it stays the boot slot for good. */
void tk_platform_image_confirm(void);

/**
 * The running pending image is bad: mark it so and reboot into the previous slot. Returns false
 * only when there is no previous image to go back to (the node then keeps this one).
 */
bool tk_platform_image_rollback(void);

#endif
