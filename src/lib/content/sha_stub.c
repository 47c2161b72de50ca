/* sha_stub.c - the static and Windows builds hash with minetrace's own SHA-256 */
#include "content.h"

void ct_sha256_hex(const void *data, size_t len, char hex[65])
{
	mt_sha256_hex(data, len, hex);
}
