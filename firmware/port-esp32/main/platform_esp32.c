/* The core's platform headers on ESP-IDF: GPIO/LEDC, DHT22 + ADC, UART or MQTT, NVS. */
#include <string.h>

#include "driver/gpio.h"
#include "driver/ledc.h"
#include "esp_adc/adc_oneshot.h"
#include "esp_log.h"
#include "esp_system.h"
#include "esp_wifi.h"
#include "nvs.h"
#include "port.h"
#include "tokkatot/platform_io.h"
#include "tokkatot/platform_link.h"
#include "tokkatot/platform_system.h"

static const char *TAG = "tokkatot.platform";

void tk_platform_pin_write(uint32_t pin, bool high) { gpio_set_level((gpio_num_t)pin, high ? 1 : 0); }

void tk_platform_pwm_write(uint32_t pin, uint8_t duty_percent) {
  uint8_t i;
  for (i = 0; i < tk_port_board.output_count; i++) {
    if (tk_port_board.outputs[i].pin != pin) continue;
    ledc_set_duty(LEDC_LOW_SPEED_MODE, (ledc_channel_t)i, (uint32_t)duty_percent * 1023u / 100u);
    ledc_update_duty(LEDC_LOW_SPEED_MODE, (ledc_channel_t)i);
  }
}

/* One DHT22 read serves both its channels; the sensor allows a read every 2 s at most. */
static uint8_t prv_dht(int pin, bool humidity, int32_t *out) {
  static uint32_t read_at = 0;
  static bool have = false;
  static uint8_t status = TK_SENSOR_NO_RESPONSE;
  static int32_t temp = 0, hum = 0;
  uint32_t now = tk_port_now_ms();
  if (!have || now - read_at >= 2000u) {
    status = tk_dht22_read(pin, &temp, &hum);
    read_at = now;
    have = true;
  }
  if (status == TK_SENSOR_OK) *out = humidity ? hum : temp;
  return status;
}

static uint8_t prv_adc(int pin, int32_t *out) {
  static adc_oneshot_unit_handle_t unit = NULL;
  adc_unit_t unit_id;
  adc_channel_t channel;
  int raw = 0;
  if (adc_oneshot_io_to_channel(pin, &unit_id, &channel) != ESP_OK) return TK_SENSOR_DISCONNECTED;
  if (unit == NULL) {
    adc_oneshot_unit_init_cfg_t init = {.unit_id = unit_id};
    adc_oneshot_chan_cfg_t cfg = {.atten = ADC_ATTEN_DB_12, .bitwidth = ADC_BITWIDTH_12};
    if (adc_oneshot_new_unit(&init, &unit) != ESP_OK) return TK_SENSOR_NO_RESPONSE;
    adc_oneshot_config_channel(unit, channel, &cfg);
  }
  if (adc_oneshot_read(unit, channel, &raw) != ESP_OK) return TK_SENSOR_NO_RESPONSE;
  *out = raw * 100; /* raw counts; the core treats the rails as a disconnected probe */
  return TK_SENSOR_OK;
}

uint8_t tk_platform_sensor_read(const tk_sensor_desc_t *sensor, int32_t *value_centi) {
  switch (sensor->kind) {
    case TK_SENSOR_TEMPERATURE: return prv_dht((int)sensor->pin, false, value_centi);
    case TK_SENSOR_HUMIDITY: return prv_dht((int)sensor->pin, true, value_centi);
    case TK_SENSOR_WATER_LEVEL: return prv_adc((int)sensor->pin, value_centi);
    default: return TK_SENSOR_NO_RESPONSE;
  }
}

void tk_platform_link_send(uint8_t type, const uint8_t *frame, size_t len) {
#ifdef CONFIG_TK_LINK_MQTT
  tk_link_mqtt_send(type, frame, len);
#else
  (void)type;
  tk_link_uart_send(frame, len);
#endif
}

uint32_t tk_platform_free_heap(void) { return esp_get_free_heap_size(); }

int8_t tk_platform_rssi(void) {
  wifi_ap_record_t ap;
  if (esp_wifi_sta_get_ap_info(&ap) != ESP_OK) return (int8_t)TK_NO_RSSI;
  return ap.rssi;
}

/* The configuration is kept in NVS as its own encoded frame: the CRC guards it on load. */
bool tk_platform_config_load(tk_config_t *config) {
  nvs_handle_t nvs;
  uint8_t raw[TK_MAX_FRAME_BYTES];
  size_t len = sizeof raw;
  tk_msg_t msg;
  bool ok = false;
  if (nvs_open("tokkatot", NVS_READONLY, &nvs) != ESP_OK) return false;
  if (nvs_get_blob(nvs, "config", raw, &len) == ESP_OK && tk_msg_decode(raw, len, &msg) == TK_FRAME_OK && msg.type == TK_MSG_CONFIG) {
    *config = msg.u.config;
    ok = true;
  }
  nvs_close(nvs);
  return ok;
}

void tk_platform_config_save(const tk_config_t *config) {
  nvs_handle_t nvs;
  uint8_t raw[TK_MAX_FRAME_BYTES];
  tk_msg_t msg;
  size_t len;
  memset(&msg, 0, sizeof msg);
  msg.type = TK_MSG_CONFIG;
  msg.u.config = *config;
  len = tk_msg_encode(&msg, raw, sizeof raw);
  if (len == 0 || nvs_open("tokkatot", NVS_READWRITE, &nvs) != ESP_OK) return;
  /* NVS commits atomically: after a power cut the old or the new configuration, never a mix. */
  if (nvs_set_blob(nvs, "config", raw, len) == ESP_OK) nvs_commit(nvs);
  nvs_close(nvs);
}

void tk_platform_on_command_executed(uint32_t boot_id, const tk_set_output_t *c, uint16_t seq) {
  ESP_LOGI(TAG, "boot %08lx seq %u: command %lu output %u %s level %u for %lu s", (unsigned long)boot_id, (unsigned)seq,
           (unsigned long)c->id, (unsigned)c->channel, c->on ? "on" : "off", (unsigned)c->level, (unsigned long)c->duration_s);
}
