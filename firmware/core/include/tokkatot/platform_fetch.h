/*
 * Implemented by each port that can reach the edge over IP: one HTTP/1.1 GET with a Range header
 * at a time, never blocking the control loop for long. The port speaks HTTP; the core decides
 * whether the answer is acceptable (status, Content-Range, Content-Length, byte count), so every
 * port gets the same checks. ESP32: esp_http_client; the simulator: plain sockets; a wired node
 * answers false to tk_platform_fetch_supported and is updated by push instead.
 */
#ifndef TOKKATOT_PLATFORM_FETCH_H
#define TOKKATOT_PLATFORM_FETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** What the server answered, once its header is in. */
typedef struct {
  uint16_t status;         /* HTTP status code (200, 206, 404, 416, 500, …) */
  bool has_length;         /* a Content-Length header was present */
  uint32_t content_length; /* its value */
  bool has_range;          /* a Content-Range: bytes first-last/total header was present and parsed */
  uint32_t range_first;
  uint32_t range_last;
  uint32_t range_total;
} tk_fetch_head_t;

/** tk_platform_fetch_head: the header is not in yet / it is in (*head filled) / the request failed. */
#define TK_FETCH_WAIT 0
#define TK_FETCH_HEAD 1
#define TK_FETCH_ERROR (-1)

/** tk_platform_fetch_read beyond the bytes it returns: the body ended (the server closed). */
#define TK_FETCH_END (-2)

/** Whether this node can fetch at all (has IP, was built with a fetcher). */
bool tk_platform_fetch_supported(void);

/**
 * Starts GET url (http://host[:port]/path) with "Range: bytes=first-last" and "Connection: close".
 * Must not block for long (connect in the background, or with a short timeout). False when the
 * request cannot even start (a URL it cannot parse, no route); the core counts it as a failure.
 */
bool tk_platform_fetch_open(const char *url, uint32_t first, uint32_t last);

/** Polls for the response header: TK_FETCH_WAIT, TK_FETCH_HEAD (head filled) or TK_FETCH_ERROR. */
int tk_platform_fetch_head(tk_fetch_head_t *head);

/**
 * Reads body bytes that are already there, at most cap: their count (> 0), 0 when none arrived
 * yet, TK_FETCH_END when the server closed the body, TK_FETCH_ERROR on a broken connection.
 * It never drops bytes past Content-Length: the core asks for one more than it expects and
 * refuses a server that sends too many.
 */
int tk_platform_fetch_read(uint8_t *buf, size_t cap);

/** Ends the request (safe to call when none is open). */
void tk_platform_fetch_close(void);

#endif
