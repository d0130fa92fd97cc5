/* The serial link: COBS frames separated by 0x00 on a UART (USB-serial to the Pi). */
#include "driver/uart.h"
#include "freertos/FreeRTOS.h"
#include "port.h"
#include "tokkatot/cobs.h"

#ifdef CONFIG_TK_LINK_UART
#define TK_UART ((uart_port_t)CONFIG_TK_UART_NUM)
#else
#define TK_UART UART_NUM_0
#endif

void tk_link_uart_init(void) {
  uart_config_t cfg = {
      .baud_rate = 115200,
      .data_bits = UART_DATA_8_BITS,
      .parity = UART_PARITY_DISABLE,
      .stop_bits = UART_STOP_BITS_1,
      .flow_ctrl = UART_HW_FLOWCTRL_DISABLE,
      .source_clk = UART_SCLK_DEFAULT,
  };
  uart_driver_install(TK_UART, 1024, 1024, 0, NULL, 0);
  uart_param_config(TK_UART, &cfg);
}

void tk_link_uart_send(const uint8_t *frame, size_t len) {
  uint8_t wire[TK_MAX_STUFFED_BYTES + 1];
  size_t n = tk_cobs_encode(frame, len, wire, sizeof wire - 1u);
  if (n == 0) return;
  wire[n++] = 0;
  /* Bounded wait: with no reader the TX buffer fills and frames are dropped, never blocking. */
  uart_write_bytes(TK_UART, (const char *)wire, n);
}

void tk_link_uart_poll(tk_node_t *node, uint32_t wait_ms) {
  uint8_t buf[128];
  int n = uart_read_bytes(TK_UART, buf, sizeof buf, pdMS_TO_TICKS(wait_ms));
  if (n > 0) tk_node_receive_bytes(node, buf, (size_t)n, tk_port_now_ms());
}
