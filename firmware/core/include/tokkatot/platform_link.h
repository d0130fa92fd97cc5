/* Implemented by each port: the way frames leave the node (UART with COBS, or MQTT). */
#ifndef TOKKATOT_PLATFORM_LINK_H
#define TOKKATOT_PLATFORM_LINK_H

#include <stddef.h>
#include <stdint.h>

/**
 * Sends one unstuffed frame of the given message type. A serial port stuffs it
 * (tk_cobs_encode) and appends 0x00; an MQTT port publishes it on the type's topic.
 */
void tk_platform_link_send(uint8_t type, const uint8_t *frame, size_t len);

#endif
