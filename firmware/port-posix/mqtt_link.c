/* MQTT link of the simulated coop (libmosquitto): one topic per message type, last will "offline". */
#include <mosquitto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim.h"
#include "tokkatot/node.h"

typedef struct {
  struct mosquitto *mosq;
  char prefix[160]; /* tokkatot/<farm>/node/<node> */
  char host[128];
  int port;
  tk_node_t *node;
  time_t next_reconnect;
} sim_mqtt_t;

static sim_mqtt_t link_state;

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

static void prv_publish_status(const char *status) {
  char topic[200];
  snprintf(topic, sizeof topic, "%s/status", link_state.prefix);
  mosquitto_publish(link_state.mosq, NULL, topic, (int)strlen(status), status, 1, true);
}

static void on_connect(struct mosquitto *mosq, void *userdata, int rc) {
  char filter[200];
  (void)userdata;
  if (rc != 0) {
    fprintf(stderr, "tokkatot-sim: broker refused the connection: %s\n", mosquitto_connack_string(rc));
    return;
  }
  snprintf(filter, sizeof filter, "%s/cmd/#", link_state.prefix);
  mosquitto_subscribe(mosq, NULL, filter, 1);
  prv_publish_status("online");
  sim_log("connected to the broker");
  /* After every (re)connection the edge hears who we are and what the outputs do. */
  tk_node_announce(link_state.node, (uint32_t)sim.now_ms);
}

static void on_message(struct mosquitto *mosq, void *userdata, const struct mosquitto_message *msg) {
  (void)mosq;
  (void)userdata;
  if (msg->payloadlen <= 0) return;
  if (sim.never_healthy) return; /* the faulty image of the rollback test hears nothing */
  tk_node_receive_frame(link_state.node, (const uint8_t *)msg->payload, (size_t)msg->payloadlen, (uint32_t)sim.now_ms);
}

void sim_mqtt_publish(uint8_t type, const uint8_t *frame, size_t len) {
  char topic[200];
  const char *suffix = prv_suffix(type);
  if (suffix == NULL) return;
  snprintf(topic, sizeof topic, "%s/%s", link_state.prefix, suffix);
  mosquitto_publish(link_state.mosq, NULL, topic, (int)len, frame, 1, false);
}

int sim_mqtt_start(const char *url, const char *farm_id, const char *username, const char *password, tk_node_t *node) {
  char will_topic[200];
  const char *hostport = strstr(url, "://");
  const char *colon;
  hostport = hostport != NULL ? hostport + 3 : url;
  colon = strrchr(hostport, ':');
  memset(&link_state, 0, sizeof link_state);
  link_state.node = node;
  link_state.port = colon != NULL ? atoi(colon + 1) : 1883;
  snprintf(link_state.host, sizeof link_state.host, "%.*s", colon != NULL ? (int)(colon - hostport) : (int)strlen(hostport), hostport);
  snprintf(link_state.prefix, sizeof link_state.prefix, "tokkatot/%s/node/%s", farm_id, sim.node_id);
  mosquitto_lib_init();
  link_state.mosq = mosquitto_new(sim.node_id, true, NULL);
  if (link_state.mosq == NULL) {
    fprintf(stderr, "tokkatot-sim: mosquitto_new failed\n");
    return -1;
  }
  mosquitto_int_option(link_state.mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
  /* Small frames, latency-bound: without this each hop waits for a delayed ACK (~40 ms). */
  mosquitto_int_option(link_state.mosq, MOSQ_OPT_TCP_NODELAY, 1);
  mosquitto_username_pw_set(link_state.mosq, username, password);
  snprintf(will_topic, sizeof will_topic, "%s/status", link_state.prefix);
  mosquitto_will_set(link_state.mosq, will_topic, 7, "offline", 1, true);
  mosquitto_connect_callback_set(link_state.mosq, on_connect);
  mosquitto_message_callback_set(link_state.mosq, on_message);
  sim.mqtt = &link_state;
  if (mosquitto_connect(link_state.mosq, link_state.host, link_state.port, 5) != MOSQ_ERR_SUCCESS) {
    fprintf(stderr, "tokkatot-sim: cannot reach %s:%d yet; retrying\n", link_state.host, link_state.port);
    link_state.next_reconnect = time(NULL) + 1;
  }
  return 0;
}

void sim_mqtt_poll(tk_node_t *node, int timeout_ms) {
  int rc;
  (void)node;
  rc = mosquitto_loop(link_state.mosq, timeout_ms, 1);
  if (rc == MOSQ_ERR_SUCCESS) return;
  /* Keep trying once a second, like the ESP32: the node never gives up on its broker. */
  {
    struct timespec pause = {0, (long)timeout_ms * 1000000L};
    nanosleep(&pause, NULL);
  }
  if (time(NULL) >= link_state.next_reconnect) {
    link_state.next_reconnect = time(NULL) + 1;
    mosquitto_reconnect(link_state.mosq);
  }
}

void sim_mqtt_stop(void) {
  prv_publish_status("offline");
  mosquitto_loop(link_state.mosq, 50, 1);
  mosquitto_disconnect(link_state.mosq);
  mosquitto_loop(link_state.mosq, 50, 1);
  mosquitto_destroy(link_state.mosq);
  mosquitto_lib_cleanup();
}
