/* Implemented by each port: memory, radio, non-volatile storage. */
#ifndef TOKKATOT_PLATFORM_SYSTEM_H
#define TOKKATOT_PLATFORM_SYSTEM_H

#include <stdbool.h>
#include <stdint.h>

#include "tokkatot/protocol.h"

/** Free heap in bytes. */
uint32_t tk_platform_free_heap(void);

/** Wi-Fi signal in dBm, or TK_NO_RSSI. */
int8_t tk_platform_rssi(void);

/** Loads the configuration saved by tk_platform_config_save; false when there is none. */
bool tk_platform_config_load(tk_config_t *config);

/** Saves the configuration so it applies from the next boot (NVS on the ESP32). */
void tk_platform_config_save(const tk_config_t *config);

/** Called once per executed setOutput (not for duplicates): a hook for journals and logs. */
void tk_platform_on_command_executed(uint32_t boot_id, const tk_set_output_t *command, uint16_t seq);

#endif
