#include "port.h"

#include "driver/gpio.h"
#include "driver/ledc.h"
#include "esp_timer.h"

#ifndef TK_FIRMWARE_VERSION
#define TK_FIRMWARE_VERSION "1.0.0"
#endif

const tk_board_t tk_port_board = {
    CONFIG_TK_NODE_ID,
    TK_FIRMWARE_VERSION,
    1,
#ifdef CONFIG_TK_LINK_MQTT
    true,
#else
    false,
#endif
    5,
    {{0, TK_OUTPUT_FEEDER, false, true, 27},
     {1, TK_OUTPUT_CONVEYOR, false, true, 25},
     {2, TK_OUTPUT_FAN, false, true, 26},
     {3, TK_OUTPUT_HEATER, false, true, 14},
     {4, TK_OUTPUT_LIGHT, true, false, 33}},
    3,
    {{0, TK_SENSOR_TEMPERATURE, 32}, {1, TK_SENSOR_HUMIDITY, 32}, {2, TK_SENSOR_WATER_LEVEL, 35}}};

uint32_t tk_port_now_ms(void) { return (uint32_t)(esp_timer_get_time() / 1000); }

void tk_port_outputs_init(void) {
  uint8_t i;
  ledc_timer_config_t timer = {
      .speed_mode = LEDC_LOW_SPEED_MODE,
      .duty_resolution = LEDC_TIMER_10_BIT,
      .timer_num = LEDC_TIMER_0,
      .freq_hz = 1000,
      .clk_cfg = LEDC_AUTO_CLK,
  };
  ledc_timer_config(&timer);
  for (i = 0; i < tk_port_board.output_count; i++) {
    const tk_output_desc_t *d = &tk_port_board.outputs[i];
    if (d->dimmable) {
      ledc_channel_config_t ch = {
          .gpio_num = (int)d->pin,
          .speed_mode = LEDC_LOW_SPEED_MODE,
          .channel = (ledc_channel_t)i,
          .timer_sel = LEDC_TIMER_0,
          .duty = 0,
          .hpoint = 0,
      };
      ledc_channel_config(&ch);
      continue;
    }
    /* Set the inactive level before the pin becomes an output: no relay click at boot. */
    gpio_set_level((gpio_num_t)d->pin, d->active_low ? 1 : 0);
    gpio_config_t io = {
        .pin_bit_mask = 1ULL << d->pin,
        .mode = GPIO_MODE_OUTPUT,
        .pull_up_en = GPIO_PULLUP_DISABLE,
        .pull_down_en = GPIO_PULLDOWN_DISABLE,
        .intr_type = GPIO_INTR_DISABLE,
    };
    gpio_config(&io);
    gpio_set_level((gpio_num_t)d->pin, d->active_low ? 1 : 0);
  }
}
