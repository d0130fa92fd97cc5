/* Shared between the ESP32 port's files: the node, its board, and the link in use. */
#ifndef TOKKATOT_PORT_ESP32_H
#define TOKKATOT_PORT_ESP32_H

#include <stddef.h>
#include <stdint.h>

#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "tokkatot/board.h"
#include "tokkatot/node.h"

/** The original Tokkatot board: active-low relays on GPIO 27/25/26/14, DHT22 on 32, water on 35. */
extern const tk_board_t tk_port_board;

/** Milliseconds since boot (wraps after 49 days; the core compares times wrap-safely). */
uint32_t tk_port_now_ms(void);

/** Drives every relay to its inactive level: the first thing app_main does. */
void tk_port_outputs_init(void);

/** DHT22 on one pin: temperature and humidity in hundredths, or a failure status. */
uint8_t tk_dht22_read(int pin, int32_t *temp_centi, int32_t *humidity_centi);

/* An incoming MQTT frame, copied out of the MQTT task for the node task. */
typedef struct {
  uint16_t len;
  uint8_t bytes[TK_MAX_FRAME_BYTES];
} tk_port_frame_t;

void tk_link_uart_init(void);
void tk_link_uart_send(const uint8_t *frame, size_t len);
/** Reads what arrived on the UART (up to wait_ms) and feeds the node. */
void tk_link_uart_poll(tk_node_t *node, uint32_t wait_ms);

void tk_link_mqtt_init(QueueHandle_t inbox);
void tk_link_mqtt_send(uint8_t type, const uint8_t *frame, size_t len);
/** True once after each (re)connection: the node then announces itself again. */
bool tk_link_mqtt_take_connected(void);

#endif
