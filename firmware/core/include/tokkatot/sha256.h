/* SHA-256 (FIPS 180-4), small and incremental: the node hashes a whole slot before it may boot it. */
#ifndef TOKKATOT_SHA256_H
#define TOKKATOT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define TK_SHA256_DIGEST_BYTES 32u

typedef struct {
  uint32_t h[8];
  uint64_t total_bytes;
  uint8_t block[64];
  size_t block_len;
} tk_sha256_t;

void tk_sha256_init(tk_sha256_t *ctx);
void tk_sha256_update(tk_sha256_t *ctx, const uint8_t *data, size_t len);
void tk_sha256_final(tk_sha256_t *ctx, uint8_t digest[TK_SHA256_DIGEST_BYTES]);

#endif
