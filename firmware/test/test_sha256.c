/* SHA-256 against the FIPS 180-4 example vectors, whole and fed in awkward pieces. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tokkatot/sha256.h"

static void hex(const uint8_t *d, char *out) {
  size_t i;
  for (i = 0; i < TK_SHA256_DIGEST_BYTES; i++) sprintf(out + 2 * i, "%02x", d[i]);
}

static void check(const char *msg, size_t piece, const char *expected) {
  tk_sha256_t c;
  uint8_t digest[TK_SHA256_DIGEST_BYTES];
  char text[65];
  size_t len = strlen(msg), at;
  tk_sha256_init(&c);
  for (at = 0; at < len; at += piece) tk_sha256_update(&c, (const uint8_t *)msg + at, len - at < piece ? len - at : piece);
  tk_sha256_final(&c, digest);
  hex(digest, text);
  assert_string_equal(text, expected);
}

static void test_fips_one_block(void **state) {
  (void)state;
  check("abc", 64, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_fips_empty(void **state) {
  (void)state;
  check("", 64, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_fips_two_blocks_in_any_pieces(void **state) {
  static const char *msg = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  size_t piece;
  (void)state;
  /* 56 bytes: the padding needs a second block, the classic off-by-one. */
  for (piece = 1; piece <= 57; piece++) check(msg, piece, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_fips_million_a(void **state) {
  static uint8_t chunk[1000];
  tk_sha256_t c;
  uint8_t digest[TK_SHA256_DIGEST_BYTES];
  char text[65];
  int i;
  (void)state;
  memset(chunk, 'a', sizeof chunk);
  tk_sha256_init(&c);
  for (i = 0; i < 1000; i++) tk_sha256_update(&c, chunk, sizeof chunk);
  tk_sha256_final(&c, digest);
  hex(digest, text);
  assert_string_equal(text, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_fips_one_block),
      cmocka_unit_test(test_fips_empty),
      cmocka_unit_test(test_fips_two_blocks_in_any_pieces),
      cmocka_unit_test(test_fips_million_a),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
