/*
 * The simulator's HTTP fetcher (platform_fetch.h): one HTTP/1.1 GET with a Range header over a
 * plain non-blocking TCP socket, polled from the main loop, so the coop keeps running while an
 * image arrives. Only http://<IPv4>[:port]/path (the edge's LAN address; 127.0.0.1 in tests): no
 * name lookup, no TLS, no redirects, no chunked bodies. Headers are parsed here; whether the
 * answer is acceptable is the core's decision (update_fetch.c). --fetch-rate limits the bytes per
 * second handed to the core, like a weak Wi-Fi link, so tests can cut the power mid-transfer.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sim.h"
#include "tokkatot/platform_fetch.h"

#define HEAD_MAX 2048
#define REQUEST_MAX 512

static struct {
  int fd;
  char request[REQUEST_MAX];
  size_t request_len, request_sent;
  bool connected;
  char head[HEAD_MAX + 1];
  size_t head_len;
  bool head_done;
  tk_fetch_head_t parsed;
  uint8_t early[HEAD_MAX]; /* body bytes that came with the header */
  size_t early_len, early_pos;
  uint64_t rate_since_ms;
  uint64_t rate_bytes;
} F = {.fd = -1};

bool tk_platform_fetch_supported(void) { return sim.can_fetch; }

void tk_platform_fetch_close(void) {
  if (F.fd >= 0) close(F.fd);
  F.fd = -1;
}

/* http://a.b.c.d[:port]/path → address, port, path; false for anything else. */
static bool prv_parse_url(const char *url, struct sockaddr_in *addr, const char **path, char *host, size_t host_cap) {
  const char *p = url + 7;
  const char *slash, *colon;
  char ip[16];
  size_t n;
  unsigned long port = 80;
  if (strncmp(url, "http://", 7) != 0) return false;
  slash = strchr(p, '/');
  if (slash == NULL) return false;
  n = (size_t)(slash - p);
  if (n == 0 || n >= host_cap) return false;
  memcpy(host, p, n);
  host[n] = '\0';
  colon = memchr(p, ':', n);
  if (colon != NULL) {
    char *end;
    port = strtoul(colon + 1, &end, 10);
    if (end != slash || port == 0 || port > 65535) return false;
    n = (size_t)(colon - p);
  }
  if (n >= sizeof ip) return false;
  memcpy(ip, p, n);
  ip[n] = '\0';
  memset(addr, 0, sizeof *addr);
  addr->sin_family = AF_INET;
  addr->sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, ip, &addr->sin_addr) != 1) return false;
  *path = slash;
  return true;
}

bool tk_platform_fetch_open(const char *url, uint32_t first, uint32_t last) {
  struct sockaddr_in addr;
  const char *path;
  char host[64];
  int len;
  tk_platform_fetch_close();
  memset(&F, 0, sizeof F);
  F.fd = -1;
  if (!prv_parse_url(url, &addr, &path, host, sizeof host)) {
    sim_log("fetch: cannot use url %s", url);
    return false;
  }
  len = snprintf(F.request, sizeof F.request,
                 "GET %s HTTP/1.1\r\nHost: %s\r\nRange: bytes=%lu-%lu\r\nConnection: close\r\nUser-Agent: tokkatot-sim\r\n\r\n", path,
                 host, (unsigned long)first, (unsigned long)last);
  if (len <= 0 || (size_t)len >= sizeof F.request) return false;
  F.request_len = (size_t)len;
  F.fd = socket(AF_INET, SOCK_STREAM, 0);
  if (F.fd < 0) return false;
  if (fcntl(F.fd, F_SETFL, fcntl(F.fd, F_GETFL, 0) | O_NONBLOCK) != 0 ||
      (connect(F.fd, (struct sockaddr *)&addr, sizeof addr) != 0 && errno != EINPROGRESS)) {
    tk_platform_fetch_close();
    return false;
  }
  F.rate_since_ms = sim.now_ms;
  sim_log("fetch: GET %s bytes=%lu-%lu", url, (unsigned long)first, (unsigned long)last);
  return true;
}

/* Finishes the connect and sends the request, without blocking. False on a broken connection. */
static bool prv_send_request(void) {
  if (!F.connected) {
    struct pollfd pfd = {F.fd, POLLOUT, 0};
    int err = 0;
    socklen_t err_len = sizeof err;
    if (poll(&pfd, 1, 0) <= 0) return true; /* still connecting */
    if (getsockopt(F.fd, SOL_SOCKET, SO_ERROR, &err, &err_len) != 0 || err != 0) return false;
    F.connected = true;
  }
  while (F.request_sent < F.request_len) {
    ssize_t n = send(F.fd, F.request + F.request_sent, F.request_len - F.request_sent, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    F.request_sent += (size_t)n;
  }
  return true;
}

static bool prv_header_is(const char *line, const char *name, const char **value) {
  size_t n = strlen(name);
  if (strncasecmp(line, name, n) != 0 || line[n] != ':') return false;
  *value = line + n + 1;
  while (**value == ' ' || **value == '\t') (*value)++;
  return true;
}

/* Status line and the headers the core needs; false for an answer it cannot read. */
static bool prv_parse_head(void) {
  char *line = F.head, *next;
  const char *v;
  unsigned long status;
  if (strncmp(line, "HTTP/1.", 7) != 0) return false;
  status = strtoul(line + 9, NULL, 10);
  if (status < 100 || status > 599) return false;
  F.parsed.status = (uint16_t)status;
  for (; (next = strstr(line, "\r\n")) != NULL; line = next + 2) {
    *next = '\0';
    if (prv_header_is(line, "Content-Length", &v)) {
      F.parsed.has_length = true;
      F.parsed.content_length = (uint32_t)strtoul(v, NULL, 10);
    } else if (prv_header_is(line, "Content-Range", &v)) {
      unsigned long a, b, t;
      if (sscanf(v, "bytes %lu-%lu/%lu", &a, &b, &t) == 3) {
        F.parsed.has_range = true;
        F.parsed.range_first = (uint32_t)a;
        F.parsed.range_last = (uint32_t)b;
        F.parsed.range_total = (uint32_t)t;
      }
    } else if (prv_header_is(line, "Transfer-Encoding", &v)) {
      return false; /* a chunked body would need decoding; the edge's server never sends one */
    }
  }
  return true;
}

int tk_platform_fetch_head(tk_fetch_head_t *head) {
  if (F.fd < 0) return TK_FETCH_ERROR;
  if (!F.head_done) {
    char *end;
    ssize_t n;
    if (!prv_send_request()) return TK_FETCH_ERROR;
    if (F.request_sent < F.request_len) return TK_FETCH_WAIT;
    n = recv(F.fd, F.head + F.head_len, HEAD_MAX - F.head_len, 0);
    if (n == 0) return TK_FETCH_ERROR;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? TK_FETCH_WAIT : TK_FETCH_ERROR;
    F.head_len += (size_t)n;
    F.head[F.head_len] = '\0';
    end = strstr(F.head, "\r\n\r\n");
    if (end == NULL) return F.head_len >= HEAD_MAX ? TK_FETCH_ERROR : TK_FETCH_WAIT;
    F.early_len = F.head_len - (size_t)(end + 4 - F.head);
    memcpy(F.early, end + 4, F.early_len);
    end[2] = '\0'; /* keep the last header's CRLF for the line loop */
    if (!prv_parse_head()) return TK_FETCH_ERROR;
    F.head_done = true;
  }
  *head = F.parsed;
  return TK_FETCH_HEAD;
}

int tk_platform_fetch_read(uint8_t *buf, size_t cap) {
  ssize_t n;
  if (F.fd < 0 || !F.head_done) return TK_FETCH_ERROR;
  if (sim.fetch_rate > 0u) {
    /* Hand out no more than the rate allows since the request began. */
    uint64_t allowed = (sim.now_ms - F.rate_since_ms) * sim.fetch_rate / 1000u + 1024u;
    if (F.rate_bytes >= allowed) return 0;
    if (cap > allowed - F.rate_bytes) cap = (size_t)(allowed - F.rate_bytes);
  }
  if (F.early_pos < F.early_len) {
    size_t k = F.early_len - F.early_pos < cap ? F.early_len - F.early_pos : cap;
    memcpy(buf, F.early + F.early_pos, k);
    F.early_pos += k;
    F.rate_bytes += k;
    return (int)k;
  }
  n = recv(F.fd, buf, cap, 0);
  if (n == 0) return TK_FETCH_END;
  if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : TK_FETCH_ERROR;
  F.rate_bytes += (uint64_t)n;
  return (int)n;
}
