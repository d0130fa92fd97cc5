/*
 * Tokkatot node on an ESP32: relays released first, then NVS, the link (UART or MQTT), and one
 * task that owns the node core and feeds the task watchdog. Everything else is in ../core.
 */
#include "esp_log.h"
#include "esp_random.h"
#include "esp_system.h"
#include "esp_task_wdt.h"
#include "freertos/FreeRTOS.h"
#include "freertos/queue.h"
#include "freertos/task.h"
#include "nvs_flash.h"
#include "port.h"

static const char *TAG = "tokkatot.main";
static tk_node_t node;
static QueueHandle_t mqtt_inbox;

static uint8_t prv_reset_reason(void) {
  switch (esp_reset_reason()) {
    case ESP_RST_POWERON: return TK_RESET_POWER_ON;
    case ESP_RST_SW: return TK_RESET_SOFTWARE;
    case ESP_RST_TASK_WDT:
    case ESP_RST_INT_WDT:
    case ESP_RST_WDT: return TK_RESET_WATCHDOG;
    case ESP_RST_BROWNOUT: return TK_RESET_BROWNOUT;
    case ESP_RST_PANIC: return TK_RESET_PANIC;
    case ESP_RST_EXT: return TK_RESET_EXTERNAL;
    default: return TK_RESET_UNKNOWN;
  }
}

static void node_task(void *arg) {
  uint32_t boot_id = esp_random();
  (void)arg;
  esp_task_wdt_add(NULL);
  tk_node_init(&node, &tk_port_board, boot_id == 0 ? 1u : boot_id, prv_reset_reason(), tk_port_now_ms());
  ESP_LOGI(TAG, "node %s boot %08lx", tk_port_board.node_id, (unsigned long)boot_id);
  for (;;) {
#ifdef CONFIG_TK_LINK_MQTT
    tk_port_frame_t frame;
    if (tk_link_mqtt_take_connected()) tk_node_announce(&node, tk_port_now_ms());
    while (xQueueReceive(mqtt_inbox, &frame, pdMS_TO_TICKS(10)) == pdTRUE)
      tk_node_receive_frame(&node, frame.bytes, frame.len, tk_port_now_ms());
#else
    tk_link_uart_poll(&node, 10);
#endif
    tk_node_tick(&node, tk_port_now_ms());
    esp_task_wdt_reset();
  }
}

void app_main(void) {
  esp_err_t err;
  /* Relays first: whatever happens next, no output is left floating or on. */
  tk_port_outputs_init();
  err = nvs_flash_init();
  if (err == ESP_ERR_NVS_NO_FREE_PAGES || err == ESP_ERR_NVS_NEW_VERSION_FOUND) {
    nvs_flash_erase();
    nvs_flash_init();
  }
#ifdef CONFIG_TK_LINK_MQTT
  mqtt_inbox = xQueueCreate(8, sizeof(tk_port_frame_t));
  tk_link_mqtt_init(mqtt_inbox);
#else
  (void)mqtt_inbox;
  tk_link_uart_init();
#endif
  xTaskCreatePinnedToCore(node_task, "tokkatot_node", 8192, NULL, 10, NULL, 1);
}
