/* CRC-32/ISO-HDLC (zlib): check value of "123456789" is 0xCBF43926. */
#ifndef TOKKATOT_CRC32_H
#define TOKKATOT_CRC32_H

#include <stddef.h>
#include <stdint.h>

/** Computes the CRC-32 of len bytes. */
uint32_t tk_crc32(const uint8_t *data, size_t len);

#endif
