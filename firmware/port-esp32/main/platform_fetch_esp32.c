/*
 * The core's HTTP fetcher (platform_fetch.h) on ESP-IDF 5.x: esp_http_client, one GET with a
 * Range header at a time, with short socket timeouts so the node task (the control loop and the
 * link) never waits long: a call that would wait answers "not yet" and the core asks again next
 * tick. Only a node on Wi-Fi (CONFIG_TK_LINK_MQTT) fetches; a wired node answers unsupported and
 * is updated by push over its UART.
 *
 * Written against ESP-IDF 5.x and not built or run on hardware here. Points to check on a
 * board: that esp_http_client_fetch_headers and esp_http_client_read return
 * -ESP_ERR_HTTP_EAGAIN on a timeout in this IDF release (is_async is for HTTPS only, so the
 * short timeout_ms is what keeps the calls brief), and that the event handler sees the
 * Content-Range response header (esp_http_client_get_header reads request headers only).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "esp_http_client.h"
#include "esp_log.h"
#include "sdkconfig.h"
#include "tokkatot/platform_fetch.h"

static const char *TAG = "tokkatot.fetch";
/* Each blocking call of esp_http_client waits at most this long (the node ticks every 10 ms). */
#define PRV_TIMEOUT_MS 50

static esp_http_client_handle_t prv_client = NULL;
static bool prv_head_done = false;
static tk_fetch_head_t prv_head;

/* Response headers arrive here while esp_http_client_fetch_headers reads them. */
static esp_err_t prv_on_event(esp_http_client_event_t *evt) {
  if (evt->event_id == HTTP_EVENT_ON_HEADER && strcasecmp(evt->header_key, "Content-Range") == 0) {
    unsigned long a, b, t;
    if (sscanf(evt->header_value, "bytes %lu-%lu/%lu", &a, &b, &t) == 3) {
      prv_head.has_range = true;
      prv_head.range_first = (uint32_t)a;
      prv_head.range_last = (uint32_t)b;
      prv_head.range_total = (uint32_t)t;
    }
  }
  return ESP_OK;
}

bool tk_platform_fetch_supported(void) {
#ifdef CONFIG_TK_LINK_MQTT
  return true;
#else
  return false;
#endif
}

void tk_platform_fetch_close(void) {
  if (prv_client == NULL) return;
  esp_http_client_close(prv_client);
  esp_http_client_cleanup(prv_client);
  prv_client = NULL;
}

bool tk_platform_fetch_open(const char *url, uint32_t first, uint32_t last) {
  char range[40];
  esp_http_client_config_t config = {
      .url = url,
      .method = HTTP_METHOD_GET,
      .timeout_ms = PRV_TIMEOUT_MS,
      .buffer_size = 1024,
      .keep_alive_enable = false,
      .disable_auto_redirect = true,
      .event_handler = prv_on_event,
  };
  tk_platform_fetch_close();
  memset(&prv_head, 0, sizeof prv_head);
  prv_head_done = false;
  if (strncmp(url, "http://", 7) != 0) return false;
  prv_client = esp_http_client_init(&config);
  if (prv_client == NULL) return false;
  snprintf(range, sizeof range, "bytes=%lu-%lu", (unsigned long)first, (unsigned long)last);
  esp_http_client_set_header(prv_client, "Range", range);
  esp_http_client_set_header(prv_client, "Connection", "close");
  if (esp_http_client_open(prv_client, 0) != ESP_OK) {
    ESP_LOGW(TAG, "cannot open %s", url);
    tk_platform_fetch_close();
    return false;
  }
  return true;
}

int tk_platform_fetch_head(tk_fetch_head_t *head) {
  if (prv_client == NULL) return TK_FETCH_ERROR;
  if (!prv_head_done) {
    int64_t length = esp_http_client_fetch_headers(prv_client);
    if (length == -ESP_ERR_HTTP_EAGAIN) return TK_FETCH_WAIT;
    if (length < 0) return TK_FETCH_ERROR;
    if (esp_http_client_is_chunked_response(prv_client)) return TK_FETCH_ERROR;
    prv_head.status = (uint16_t)esp_http_client_get_status_code(prv_client);
    prv_head.has_length = true;
    prv_head.content_length = (uint32_t)length;
    prv_head_done = true;
  }
  *head = prv_head;
  return TK_FETCH_HEAD;
}

int tk_platform_fetch_read(uint8_t *buf, size_t cap) {
  int n;
  if (prv_client == NULL || !prv_head_done) return TK_FETCH_ERROR;
  n = esp_http_client_read(prv_client, (char *)buf, (int)cap);
  if (n > 0) return n;
  if (n == -ESP_ERR_HTTP_EAGAIN) return 0;
  if (n == 0) return TK_FETCH_END;
  return TK_FETCH_ERROR;
}
