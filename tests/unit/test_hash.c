/* test_hash.c - unit tests of hash.c: SHA-256 (FIPS 180-4) and MD5 (RFC 1321) */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "t.h"

static const char msg448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char msg896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			     "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

static const char *sha_hex(const void *p, size_t n)
{
	static char out[65];
	mt_sha256_hex(p, n, out);
	return out;
}

static const char *md5_hex(const void *p, size_t n)
{
	static char out[33];
	mt_md5 c;
	uint8_t d[16];
	mt_md5_init(&c);
	mt_md5_update(&c, p, n);
	mt_md5_final(&c, d);
	mt_hex(d, 16, out);
	return out;
}

/* Hashes p in pieces of chunk bytes (and a first piece of first bytes). */
static const char *sha_chunked(const uint8_t *p, size_t n, size_t first, size_t chunk)
{
	static char out[65];
	mt_sha256 c;
	uint8_t d[32];
	mt_sha256_init(&c);
	size_t off = first < n ? first : n;
	mt_sha256_update(&c, p, off);
	while (off < n) {
		size_t k = n - off < chunk ? n - off : chunk;
		mt_sha256_update(&c, p + off, k);
		mt_sha256_update(&c, p, 0); /* empty updates change nothing */
		off += k;
	}
	mt_sha256_final(&c, d);
	mt_hex(d, 32, out);
	return out;
}

static const char *md5_chunked(const uint8_t *p, size_t n, size_t first, size_t chunk)
{
	static char out[33];
	mt_md5 c;
	uint8_t d[16];
	mt_md5_init(&c);
	size_t off = first < n ? first : n;
	mt_md5_update(&c, p, off);
	while (off < n) {
		size_t k = n - off < chunk ? n - off : chunk;
		mt_md5_update(&c, p + off, k);
		mt_md5_update(&c, p, 0);
		off += k;
	}
	mt_md5_final(&c, d);
	mt_hex(d, 16, out);
	return out;
}

static void test_sha256_vectors(void)
{
	TEST_START("sha256: FIPS 180-4 / NIST example vectors");
	ASSERT_STR_EQ(sha_hex("", 0),
	              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	ASSERT_STR_EQ(sha_hex("abc", 3),
	              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	ASSERT_SIZE_EQ(strlen(msg448) * 8, 448);
	ASSERT_STR_EQ(sha_hex(msg448, strlen(msg448)),
	              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	ASSERT_SIZE_EQ(strlen(msg896) * 8, 896);
	ASSERT_STR_EQ(sha_hex(msg896, strlen(msg896)),
	              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	TEST_DONE();

	TEST_START("sha256: one million 'a' (one shot and in 1000 updates)");
	size_t n = 1000000;
	uint8_t *a = malloc(n);
	REQUIRE_NOT_NULL(a);
	memset(a, 'a', n);
	ASSERT_STR_EQ(sha_hex(a, n),
	              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	ASSERT_STR_EQ(sha_chunked(a, n, 0, 1000),
	              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
	TEST_DONE();
}

static void test_md5_vectors(void)
{
	TEST_START("md5: RFC 1321 test suite");
	ASSERT_STR_EQ(md5_hex("", 0), "d41d8cd98f00b204e9800998ecf8427e");
	ASSERT_STR_EQ(md5_hex("a", 1), "0cc175b9c0f1b6a831c399e269772661");
	ASSERT_STR_EQ(md5_hex("abc", 3), "900150983cd24fb0d6963f7d28e17f72");
	ASSERT_STR_EQ(md5_hex("message digest", 14), "f96b697d7cb7938d525a2f31aaf161d0");
	ASSERT_STR_EQ(md5_hex("abcdefghijklmnopqrstuvwxyz", 26),
	              "c3fcd3d76192e4007dfb496cca67e13b");
	const char *alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	ASSERT_STR_EQ(md5_hex(alnum, strlen(alnum)), "d174ab98d277d9f5a5611c2c9f419d9f");
	const char *digits = "1234567890123456789012345678901234567890"
			     "1234567890123456789012345678901234567890";
	ASSERT_STR_EQ(md5_hex(digits, strlen(digits)), "57edf4a22be3c955ac49da2e2107b67a");
	TEST_DONE();

	TEST_START("md5: the 448-bit, 896-bit and million-'a' messages");
	ASSERT_STR_EQ(md5_hex(msg448, strlen(msg448)), "8215ef0796a20bcaaae116d3876c664a");
	ASSERT_STR_EQ(md5_hex(msg896, strlen(msg896)), "03dd8807a93175fb062dfb55dc7d359c");
	size_t n = 1000000;
	uint8_t *a = malloc(n);
	REQUIRE_NOT_NULL(a);
	memset(a, 'a', n);
	ASSERT_STR_EQ(md5_hex(a, n), "7707d6ae4e027c70eea2a935c2296f21");
	ASSERT_STR_EQ(md5_chunked(a, n, 0, 1000), "7707d6ae4e027c70eea2a935c2296f21");
	free(a);
	TEST_DONE();
}

/* Lengths around the 55/56/64-byte padding boundaries; digests from Python hashlib of
 * the pattern byte[i] = i*7+3. */
static const struct {
	size_t n;
	const char *sha, *md5;
} boundary[] = {
	{1, "084fed08b978af4d7d196a7446a86b58009e636b611db16211b65a9aadff29c5",
         "8666683506aacd900bbd5a74ac4edf68"},
	{55, "e7313d333c272e639f790978283f9eb392e843d0f29b7016828bb1daa4aac70b",
         "52c0e574e1198de5fe3f8f11440dcb1b"},
	{56, "4324d65f3c103567f5589c710bc08f8523f929a9272e3af36fc968e52abc6c27",
         "46c9907fc908ee68b1e7b8e71286a518"},
	{57, "35df609437dcfea3279283ab79fd554e2bf78f8f7ae2de532d8ee300b09e8f73",
         "1c805dd236c35cab25fcb1bc73802c51"},
	{63, "81c80242132f230c3bd41b3e63bbcff16107339549214a99614ff26664625055",
         "a62f6d59e837867693f042f5b8f5a236"},
	{64, "39e3d7b6b5d075d37d053ad89b24b41bef4f3c29760c84447cab3f3be1882241",
         "7160b8fb5e9e4023d549c3971fbaeead"},
	{65, "aacca6ff74fdbb296d165a45cecfa04e5127bc008770fbbdd48006f2d2fae95e",
         "70bd662e7aefbda85a0f7244167b7897"},
	{119, "9ce7368e4daf32341631b492e80359dc9f594b48453cd0dd5bf0b19279cc177e",
         "e84905d4214f4d1ca56c2cdcc152b143"},
	{120, "7836b787757e95e58b3ca5aec90b1b004e8deba1e50e9675af9cabf1a13a04b5",
         "e3eb5a6c8669ea01a8c185b8abc8a5dc"},
	{127, "a8d23e75d936f303d248888d9b165ee543f4cbafcad3c9dd2a79bd84faa11d07",
         "acce2474d6cc8302120d09c818d17ef7"},
	{128, "d2742f1f4ac6bb7ca2b239ee18402ba8b3f9f8e652d2a72973c2b9ba11c08cf6",
         "10b2da1a82f16d99a81a7203fe9f02cb"},
	{129, "307f8fc2c1622b92762e818d39a185d4d667ad49a4b07ceae1f4afa008a93ec4",
         "03fefbbcebe2959cf2270241aafe0250"},
	{200, "2c7e18c942ef065b526a2d4e5546283749cd3ddfb51d8fc71f42717363685f46",
         "4c79b81ac94bad7a875519ce6b964c66"},
};

static void test_boundaries_and_streaming(void)
{
	uint8_t pat[300];
	for (size_t i = 0; i < sizeof(pat); i++)
		pat[i] = (uint8_t)(i * 7 + 3);

	TEST_START("padding boundaries against independent digests");
	for (size_t i = 0; i < MT_ARRAY_LEN(boundary); i++) {
		ASSERT_STR_EQ(sha_hex(pat, boundary[i].n), boundary[i].sha);
		ASSERT_STR_EQ(md5_hex(pat, boundary[i].n), boundary[i].md5);
	}
	TEST_DONE();

	TEST_START("streaming in odd chunk sizes equals one shot");
	static const size_t chunks[] = {1, 3, 7, 13, 55, 56, 63, 64, 65, 127, 129, 1000};
	static const size_t firsts[] = {0, 1, 5, 63, 64, 100};
	size_t mismatches = 0, runs = 0;
	for (size_t n = 0; n <= sizeof(pat); n += (n < 140 ? 1 : 37)) {
		char want_sha[65], want_md5[33];
		snprintf(want_sha, sizeof(want_sha), "%s", sha_hex(pat, n));
		snprintf(want_md5, sizeof(want_md5), "%s", md5_hex(pat, n));
		for (size_t c = 0; c < MT_ARRAY_LEN(chunks); c++)
			for (size_t f = 0; f < MT_ARRAY_LEN(firsts); f++) {
				runs++;
				if (strcmp(sha_chunked(pat, n, firsts[f], chunks[c]), want_sha) !=
				            0 ||
				    strcmp(md5_chunked(pat, n, firsts[f], chunks[c]), want_md5) !=
				            0) {
					if (mismatches++ == 0)
						fprintf(stderr,
						        "first mismatch: n=%zu first=%zu chunk=%zu\n",
						        n, firsts[f], chunks[c]);
				}
			}
	}
	ASSERT_SIZE_GT(runs, 1000);
	ASSERT_SIZE_EQ(mismatches, 0);
	/* and a known vector through byte-at-a-time updates */
	ASSERT_STR_EQ(sha_chunked((const uint8_t *)msg896, strlen(msg896), 0, 1),
	              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	ASSERT_STR_EQ(md5_chunked((const uint8_t *)msg896, strlen(msg896), 3, 5),
	              "03dd8807a93175fb062dfb55dc7d359c");
	TEST_DONE();

	TEST_START("a context can be reused after init");
	mt_sha256 c;
	uint8_t d1[32], d2[32];
	mt_sha256_init(&c);
	mt_sha256_update(&c, "garbage", 7);
	mt_sha256_final(&c, d1);
	mt_sha256_init(&c);
	mt_sha256_update(&c, "abc", 3);
	mt_sha256_final(&c, d2);
	char hx[65];
	mt_hex(d2, 32, hx);
	ASSERT_STR_EQ(hx, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	TEST_DONE();
}

/* mt_sha256 (SHA-NI where the CPU has it, the portable rounds otherwise: the suite runs
 * both, the second time with MINETRACE_NO_SHA_NI=1) against libcrypto on every length
 * from 0 to 1,100 bytes and a few large ones, fed in odd pieces */
static void test_sha256_vs_libcrypto(void)
{
	TEST_START("SHA-256 equals libcrypto's on 0..1100 bytes and 1 MiB, in pieces");
	size_t big = 1 << 20;
	uint8_t *buf = malloc(big);
	ASSERT_TRUE(buf != NULL);
	uint32_t x = 2463534242u;
	for (size_t i = 0; i < big; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
	size_t lens[1110];
	size_t nl = 0;
	for (size_t n = 0; n <= 1100; n++)
		lens[nl++] = n;
	lens[nl++] = 4095, lens[nl++] = 4096, lens[nl++] = 65537, lens[nl++] = big;
	unsigned bad = 0;
	for (size_t k = 0; k < nl; k++) {
		size_t n = lens[k];
		unsigned char want[32];
		unsigned int wl = 0;
		EVP_Digest(buf, n, want, &wl, EVP_sha256(), NULL);
		mt_sha256 c;
		uint8_t got[32];
		mt_sha256_init(&c);
		size_t piece = 1 + n % 97, off = 0;
		while (off < n) {
			size_t t = n - off < piece ? n - off : piece;
			mt_sha256_update(&c, buf + off, t);
			off += t;
		}
		mt_sha256_final(&c, got);
		if (wl != 32 || memcmp(got, want, 32) != 0)
			bad++;
	}
	ASSERT_INT_EQ(bad, 0);
	free(buf);
	TEST_DONE();
}

int main(void)
{
	test_sha256_vectors();
	test_sha256_vs_libcrypto();
	test_md5_vectors();
	test_boundaries_and_streaming();
	return T_DONE();
}
