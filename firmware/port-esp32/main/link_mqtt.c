/* The MQTT link: Wi-Fi station + esp-mqtt, one topic per message type, last will "offline". */
#include <stdio.h>
#include <string.h>

#include "esp_event.h"
#include "esp_log.h"
#include "esp_netif.h"
#include "esp_wifi.h"
#include "mqtt_client.h"
#include "port.h"

#ifdef CONFIG_TK_LINK_MQTT

static const char *TAG = "tokkatot.mqtt";
static esp_mqtt_client_handle_t client;
static QueueHandle_t inbox;
static volatile bool connected_flag;
static char prefix[128];
static char will_topic[160];

static const char *prv_suffix(uint8_t type) {
  switch (type) {
    case TK_MSG_HELLO: return "hello";
    case TK_MSG_HEARTBEAT: return "heartbeat";
    case TK_MSG_READINGS: return "readings";
    case TK_MSG_ACK: return "ack";
    case TK_MSG_NACK: return "nack";
    case TK_MSG_STATE: return "state";
    case TK_MSG_FAULT: return "fault";
    case TK_MSG_UPDATE_STATUS: return "update-status";
    default: return NULL;
  }
}

static void on_wifi(void *arg, esp_event_base_t base, int32_t id, void *data) {
  (void)arg;
  (void)data;
  /* Never give up on the farm Wi-Fi: the node keeps its fail-safe states meanwhile. */
  if (base == WIFI_EVENT && (id == WIFI_EVENT_STA_START || id == WIFI_EVENT_STA_DISCONNECTED)) esp_wifi_connect();
}

static void on_mqtt(void *arg, esp_event_base_t base, int32_t id, void *data) {
  esp_mqtt_event_handle_t event = (esp_mqtt_event_handle_t)data;
  char filter[160];
  (void)arg;
  (void)base;
  switch ((esp_mqtt_event_id_t)id) {
    case MQTT_EVENT_CONNECTED:
      snprintf(filter, sizeof filter, "%s/cmd/#", prefix);
      esp_mqtt_client_subscribe(client, filter, 1);
      esp_mqtt_client_publish(client, will_topic, "online", 6, 1, 1);
      connected_flag = true;
      ESP_LOGI(TAG, "connected");
      break;
    case MQTT_EVENT_DATA: {
      /* Copied into the node task's queue: only that task touches the node. */
      tk_port_frame_t frame;
      if (event->data_len <= 0 || event->data_len > (int)sizeof frame.bytes || event->total_data_len != event->data_len) break;
      frame.len = (uint16_t)event->data_len;
      memcpy(frame.bytes, event->data, (size_t)event->data_len);
      xQueueSend(inbox, &frame, 0);
      break;
    }
    default:
      break;
  }
}

void tk_link_mqtt_init(QueueHandle_t queue) {
  wifi_init_config_t wifi_init = WIFI_INIT_CONFIG_DEFAULT();
  wifi_config_t wifi = {0};
  esp_mqtt_client_config_t cfg = {0};
  inbox = queue;
  snprintf(prefix, sizeof prefix, "tokkatot/%s/node/%s", CONFIG_TK_FARM_ID, CONFIG_TK_NODE_ID);
  snprintf(will_topic, sizeof will_topic, "%s/status", prefix);
  esp_netif_init();
  esp_event_loop_create_default();
  esp_netif_create_default_wifi_sta();
  esp_wifi_init(&wifi_init);
  esp_event_handler_register(WIFI_EVENT, ESP_EVENT_ANY_ID, on_wifi, NULL);
  strncpy((char *)wifi.sta.ssid, CONFIG_TK_WIFI_SSID, sizeof wifi.sta.ssid);
  strncpy((char *)wifi.sta.password, CONFIG_TK_WIFI_PASSWORD, sizeof wifi.sta.password);
  esp_wifi_set_mode(WIFI_MODE_STA);
  esp_wifi_set_config(WIFI_IF_STA, &wifi);
  esp_wifi_start();
  cfg.broker.address.uri = CONFIG_TK_MQTT_URI;
  cfg.credentials.username = CONFIG_TK_NODE_ID;
  cfg.credentials.client_id = CONFIG_TK_NODE_ID;
  cfg.credentials.authentication.password = CONFIG_TK_MQTT_PASSWORD;
  cfg.session.protocol_ver = MQTT_PROTOCOL_V_5;
  cfg.session.keepalive = 5;
  cfg.session.last_will.topic = will_topic;
  cfg.session.last_will.msg = "offline";
  cfg.session.last_will.msg_len = 7;
  cfg.session.last_will.qos = 1;
  cfg.session.last_will.retain = 1;
  cfg.network.reconnect_timeout_ms = 1000;
  client = esp_mqtt_client_init(&cfg);
  esp_mqtt_client_register_event(client, ESP_EVENT_ANY_ID, on_mqtt, NULL);
  esp_mqtt_client_start(client);
}

void tk_link_mqtt_send(uint8_t type, const uint8_t *frame, size_t len) {
  char topic[160];
  const char *suffix = prv_suffix(type);
  if (suffix == NULL || !connected_flag) return;
  snprintf(topic, sizeof topic, "%s/%s", prefix, suffix);
  esp_mqtt_client_publish(client, topic, (const char *)frame, (int)len, 1, 0);
}

bool tk_link_mqtt_take_connected(void) {
  bool was = connected_flag;
  connected_flag = false;
  return was;
}

#else

void tk_link_mqtt_init(QueueHandle_t queue) { (void)queue; }
void tk_link_mqtt_send(uint8_t type, const uint8_t *frame, size_t len) {
  (void)type;
  (void)frame;
  (void)len;
}
bool tk_link_mqtt_take_connected(void) { return false; }

#endif
