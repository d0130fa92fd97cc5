/*
 * Tokkatot device protocol v2: message structs and the frame codec.
 * The contract is docs/protocol/device-protocol.md; the numbers mirror
 * shared/src/protocol/codes.ts and are checked by the shared test vectors.
 */
#ifndef TOKKATOT_PROTOCOL_H
#define TOKKATOT_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TK_PROTOCOL_VERSION 2u
#define TK_FRAME_HEADER_BYTES 4u
#define TK_FRAME_CRC_BYTES 4u
#define TK_MAX_FRAME_BYTES 256u
#define TK_MAX_PAYLOAD_BYTES (TK_MAX_FRAME_BYTES - TK_FRAME_HEADER_BYTES - TK_FRAME_CRC_BYTES)
#define TK_MAX_STUFFED_BYTES 259u
#define TK_FRAME_DELIMITER 0x00u

#define TK_MAX_OUTPUTS 12u
#define TK_MAX_SENSORS 8u
#define TK_MAX_NODE_ID_LEN 32u
#define TK_MAX_FIRMWARE_VERSION_LEN 32u
#define TK_NO_CHANNEL 0xFFu
#define TK_NO_RSSI (-128)
#define TK_MAX_UPDATE_CHUNK_BYTES 240u
#define TK_SHA256_BYTES 32u
/* Longest image URL of an updateFetch; the frame must stay within TK_MAX_PAYLOAD_BYTES. */
#define TK_MAX_FETCH_URL_LEN 160u

typedef enum {
  TK_MSG_HELLO = 0x01,
  TK_MSG_HEARTBEAT = 0x02,
  TK_MSG_READINGS = 0x03,
  TK_MSG_ACK = 0x04,
  TK_MSG_NACK = 0x05,
  TK_MSG_STATE = 0x06,
  TK_MSG_FAULT = 0x07,
  TK_MSG_UPDATE_STATUS = 0x08,
  TK_MSG_CONFIG = 0x10,
  TK_MSG_SET_OUTPUT = 0x11,
  TK_MSG_PING = 0x12,
  TK_MSG_HELLO_REQUEST = 0x13,
  TK_MSG_UPDATE_BEGIN = 0x14,
  TK_MSG_UPDATE_CHUNK = 0x15,
  TK_MSG_UPDATE_COMMIT = 0x16,
  TK_MSG_UPDATE_CONFIRM = 0x17,
  TK_MSG_UPDATE_FETCH = 0x18
} tk_msg_type_t;

typedef enum { TK_SLOT_A = 0, TK_SLOT_B = 1 } tk_slot_t;

typedef enum {
  TK_UPDATE_IDLE = 0,
  TK_UPDATE_RECEIVING = 1,
  TK_UPDATE_VERIFYING = 2,
  TK_UPDATE_READY = 3,
  TK_UPDATE_FAILED = 4,
  TK_UPDATE_REBOOTING = 5
} tk_update_state_t;

typedef enum {
  TK_UPDATE_ERR_NONE = 0,
  TK_UPDATE_ERR_TOO_LARGE = 1,
  TK_UPDATE_ERR_HASH_MISMATCH = 2,
  TK_UPDATE_ERR_FLASH = 3,
  TK_UPDATE_ERR_NO_TRANSFER = 4,
  TK_UPDATE_ERR_BAD_CHUNK = 5,
  TK_UPDATE_ERR_NOT_READY = 6,
  TK_UPDATE_ERR_INVALID_IMAGE = 7,
  TK_UPDATE_ERR_IMAGE_UNCONFIRMED = 8,
  TK_UPDATE_ERR_FETCH_UNSUPPORTED = 9, /* this node cannot fetch over HTTP: the edge pushes instead */
  TK_UPDATE_ERR_FETCH_FAILED = 10      /* fetching kept failing; what arrived stays resumable */
} tk_update_error_t;

typedef enum {
  TK_OUTPUT_FAN = 1,
  TK_OUTPUT_HEATER = 2,
  TK_OUTPUT_FEEDER = 3,
  TK_OUTPUT_CONVEYOR = 4,
  TK_OUTPUT_LIGHT = 5,
  TK_OUTPUT_WATER_PUMP = 6,
  TK_OUTPUT_SIREN = 7,
  TK_OUTPUT_RELAY = 8
} tk_output_kind_t;

typedef enum {
  TK_SENSOR_TEMPERATURE = 1,
  TK_SENSOR_HUMIDITY = 2,
  TK_SENSOR_WATER_LEVEL = 3,
  TK_SENSOR_AMMONIA = 4,
  TK_SENSOR_POWER = 5
} tk_sensor_kind_t;

/** Reading status: OK carries a value, every other status is why there is none. */
typedef enum {
  TK_SENSOR_OK = 0,
  TK_SENSOR_NO_RESPONSE = 1,
  TK_SENSOR_CHECKSUM = 2,
  TK_SENSOR_OUT_OF_RANGE = 3,
  TK_SENSOR_STUCK = 4,
  TK_SENSOR_DISCONNECTED = 5
} tk_sensor_status_t;

typedef enum {
  TK_REASON_BOOT = 0,
  TK_REASON_COMMANDED = 1,
  TK_REASON_DURATION_ELAPSED = 2,
  TK_REASON_FAIL_SAFE = 3,
  TK_REASON_MAX_ON_CUT = 4,
  TK_REASON_LOCAL = 5
} tk_output_reason_t;

typedef enum {
  TK_RESET_UNKNOWN = 0,
  TK_RESET_POWER_ON = 1,
  TK_RESET_SOFTWARE = 2,
  TK_RESET_WATCHDOG = 3,
  TK_RESET_BROWNOUT = 4,
  TK_RESET_PANIC = 5,
  TK_RESET_EXTERNAL = 6
} tk_reset_reason_t;

typedef enum {
  TK_ACK_OK = 0,
  TK_NACK_UNKNOWN_OUTPUT = 1,
  TK_NACK_INVALID_LEVEL = 2,
  TK_NACK_EXCEEDS_MAX_ON = 3,
  TK_NACK_STALE_SESSION = 4,
  TK_NACK_INVALID_CONFIG = 5,
  TK_NACK_UNSUPPORTED = 6,
  TK_NACK_NOT_CONFIGURED = 7,
  TK_NACK_UPDATING = 8
} tk_nack_error_t;

typedef enum {
  TK_FAULT_SENSOR_FAILURE = 1,
  TK_FAULT_SENSOR_RECOVERED = 2,
  TK_FAULT_WATCHDOG_RESET = 3,
  TK_FAULT_BROWNOUT_RESET = 4,
  TK_FAULT_PANIC_RESET = 5,
  TK_FAULT_LINK_LOST = 6,
  TK_FAULT_LINK_RESTORED = 7,
  TK_FAULT_MAX_ON_CUT = 8
} tk_fault_kind_t;

/** Why a frame was rejected; the order of checks matches shared/src/protocol/frame.ts. */
typedef enum {
  TK_FRAME_OK = 0,
  TK_FRAME_ERR_COBS,
  TK_FRAME_ERR_TOO_SHORT,
  TK_FRAME_ERR_TOO_LONG,
  TK_FRAME_ERR_CRC,
  TK_FRAME_ERR_VERSION,
  TK_FRAME_ERR_TYPE,
  TK_FRAME_ERR_PAYLOAD,
  TK_FRAME_ERR_RANGE
} tk_frame_error_t;

typedef struct {
  uint8_t channel;
  uint8_t kind;
  bool dimmable;
  bool active_low;
} tk_hello_output_t;

typedef struct {
  uint8_t channel;
  uint8_t kind;
} tk_hello_sensor_t;

typedef struct {
  char node_id[TK_MAX_NODE_ID_LEN + 1];
  char firmware_version[TK_MAX_FIRMWARE_VERSION_LEN + 1];
  uint8_t hardware_revision;
  uint32_t boot_id;
  uint8_t reset_reason;
  uint8_t slot; /* tk_slot_t */
  bool image_confirmed;
  uint8_t output_count;
  tk_hello_output_t outputs[TK_MAX_OUTPUTS];
  uint8_t sensor_count;
  tk_hello_sensor_t sensors[TK_MAX_SENSORS];
} tk_hello_t;

typedef struct {
  uint32_t rx_frames;
  uint32_t tx_frames;
  uint32_t rx_crc_errors;
  uint32_t rx_malformed;
  uint32_t rx_duplicates;
  uint32_t link_losses;
} tk_link_counters_t;

typedef struct {
  uint32_t boot_id;
  uint32_t uptime_s;
  uint32_t free_heap;
  int8_t rssi; /* TK_NO_RSSI on a wired node */
  bool link_up;
  bool updating;
  tk_link_counters_t counters;
  char firmware_version[TK_MAX_FIRMWARE_VERSION_LEN + 1];
  uint8_t slot; /* tk_slot_t */
  bool image_confirmed;
} tk_heartbeat_t;

/** value_centi is meaningful only when status is TK_SENSOR_OK; it is never encoded otherwise. */
typedef struct {
  uint8_t channel;
  uint8_t status;
  int32_t value_centi;
} tk_reading_t;

typedef struct {
  uint8_t count;
  tk_reading_t items[TK_MAX_SENSORS];
} tk_readings_t;

/** Ack (error == TK_ACK_OK) or nack. */
typedef struct {
  uint16_t ack_seq;
  uint32_t id;
  uint8_t error;
} tk_ack_t;

typedef struct {
  uint8_t channel;
  bool on;
  uint8_t level;
  uint8_t reason;
  uint32_t remaining_s;
} tk_output_state_t;

typedef struct {
  uint32_t boot_id;
  bool configured;
  bool fail_safe_active;
  bool updating;
  uint8_t count;
  tk_output_state_t outputs[TK_MAX_OUTPUTS];
} tk_state_t;

typedef struct {
  uint8_t state; /* tk_update_state_t */
  uint8_t error; /* tk_update_error_t; never NONE when state is FAILED */
  uint32_t next_offset;
} tk_update_status_t;

typedef struct {
  char version[TK_MAX_FIRMWARE_VERSION_LEN + 1];
  uint32_t size;
  uint8_t sha256[TK_SHA256_BYTES];
  uint8_t chunk_size;
} tk_update_begin_t;

typedef struct {
  uint32_t offset;
  uint8_t len;
  uint8_t data[TK_MAX_UPDATE_CHUNK_BYTES];
} tk_update_chunk_t;

typedef struct {
  uint16_t health_timeout_s;
} tk_update_commit_t;

/* updateBegin without chunks: the node fetches the image itself from url (http://host:port/path). */
typedef struct {
  char version[TK_MAX_FIRMWARE_VERSION_LEN + 1];
  uint32_t size;
  uint8_t sha256[TK_SHA256_BYTES];
  char url[TK_MAX_FETCH_URL_LEN + 1];
} tk_update_fetch_t;

typedef struct {
  uint8_t kind;
  uint8_t channel; /* TK_NO_CHANNEL for the whole node */
  uint8_t detail;
} tk_fault_t;

typedef struct {
  uint8_t channel;
  bool fail_safe_on;
  uint32_t max_on_s;
} tk_output_config_t;

typedef struct {
  uint8_t channel;
  uint32_t sample_period_ms;
  int32_t offset_centi;
  uint32_t scale_milli;
} tk_sensor_config_t;

typedef struct {
  uint32_t id;
  uint32_t link_timeout_ms;
  uint32_t heartbeat_period_ms;
  uint8_t output_count;
  tk_output_config_t outputs[TK_MAX_OUTPUTS];
  uint8_t sensor_count;
  tk_sensor_config_t sensors[TK_MAX_SENSORS];
} tk_config_t;

typedef struct {
  uint32_t id;
  uint32_t boot_id;
  uint8_t channel;
  bool on;
  uint8_t level;
  uint32_t duration_s;
} tk_set_output_t;

typedef struct {
  uint8_t type; /* tk_msg_type_t */
  uint16_t seq;
  union {
    tk_hello_t hello;
    tk_heartbeat_t heartbeat;
    tk_readings_t readings;
    tk_ack_t ack; /* TK_MSG_ACK and TK_MSG_NACK */
    tk_state_t state;
    tk_fault_t fault;
    tk_config_t config;
    tk_set_output_t set_output;
    tk_update_status_t update_status;
    tk_update_begin_t update_begin;
    tk_update_chunk_t update_chunk;
    tk_update_commit_t update_commit;
    tk_update_fetch_t update_fetch;
  } u;
} tk_msg_t;

/**
 * Encodes msg as an unstuffed frame (the MQTT payload). Returns its length, or 0 when the
 * message is invalid (a count over the limit, an unknown type) or cap is too small.
 */
size_t tk_msg_encode(const tk_msg_t *msg, uint8_t *out, size_t cap);

/** Decodes and fully validates an unstuffed frame; out is valid only on TK_FRAME_OK. */
tk_frame_error_t tk_msg_decode(const uint8_t *raw, size_t len, tk_msg_t *out);

/** Encodes msg for the serial line: COBS + 0x00. Returns the length, or 0 on failure. */
size_t tk_msg_encode_wire(const tk_msg_t *msg, uint8_t *out, size_t cap);

/** Stable lower-case name of a frame error, the same strings as the TS codec. */
const char *tk_frame_error_name(tk_frame_error_t err);

#endif
