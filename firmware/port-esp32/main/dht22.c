/* DHT22 bit-banged on one pin. A failed read is a status; it never turns into 0 °C. */
#include <stdbool.h>

#include "driver/gpio.h"
#include "esp_rom_sys.h"
#include "freertos/FreeRTOS.h"
#include "freertos/task.h"
#include "port.h"

/* Waits while the pin is at level; returns the microseconds waited, or -1 past timeout_us. */
static int prv_wait_while(int pin, int level, int timeout_us) {
  int us = 0;
  while (gpio_get_level((gpio_num_t)pin) == level) {
    if (us++ > timeout_us) return -1;
    esp_rom_delay_us(1);
  }
  return us;
}

uint8_t tk_dht22_read(int pin, int32_t *temp_centi, int32_t *humidity_centi) {
  static portMUX_TYPE mux = portMUX_INITIALIZER_UNLOCKED;
  uint8_t data[5] = {0};
  int i;
  bool ok = true;
  gpio_set_direction((gpio_num_t)pin, GPIO_MODE_OUTPUT);
  gpio_set_level((gpio_num_t)pin, 0);
  esp_rom_delay_us(1200);
  gpio_set_level((gpio_num_t)pin, 1);
  esp_rom_delay_us(30);
  gpio_set_direction((gpio_num_t)pin, GPIO_MODE_INPUT);
  /* The 5 ms of bit timing must not be interrupted. */
  portENTER_CRITICAL(&mux);
  if (prv_wait_while(pin, 1, 100) < 0 || prv_wait_while(pin, 0, 100) < 0 || prv_wait_while(pin, 1, 100) < 0) ok = false;
  for (i = 0; ok && i < 40; i++) {
    int high_us;
    if (prv_wait_while(pin, 0, 80) < 0) {
      ok = false;
      break;
    }
    high_us = prv_wait_while(pin, 1, 100);
    if (high_us < 0) {
      ok = false;
      break;
    }
    data[i / 8] = (uint8_t)((data[i / 8] << 1) | (high_us > 40 ? 1 : 0));
  }
  portEXIT_CRITICAL(&mux);
  if (!ok) return TK_SENSOR_NO_RESPONSE;
  if ((uint8_t)(data[0] + data[1] + data[2] + data[3]) != data[4]) return TK_SENSOR_CHECKSUM;
  *humidity_centi = ((data[0] << 8) | data[1]) * 10;
  *temp_centi = (((data[2] & 0x7F) << 8) | data[3]) * 10;
  if (data[2] & 0x80) *temp_centi = -*temp_centi;
  return TK_SENSOR_OK;
}
