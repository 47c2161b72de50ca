/* fuzz_ssh.c - libFuzzer target: every line of the input through the authorized_keys
 * parser and the fingerprint, and the whole input as an sshd_config (with an Include
 * callback that parses the same text again, as a loop would) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/ssh.h"

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_ssh: invariant failed: %s\n", what);
		abort();
	}
}

typedef struct inc_ctx {
	const char *data;
	size_t size;
} inc_ctx;

static void on_include(void *p, const char *pattern, mt_sshd_config *c, unsigned depth)
{
	inc_ctx *ic = p;
	check(pattern != NULL, "include pattern");
	if (depth < 3)
		mt_sshd_config_parse(c, "inc", ic->data, ic->size, on_include, ic, depth);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data, *end = s + size;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) : (size_t)(end - s);
		mt_authkey k;
		if (mt_authkey_parse(s, n, &k) == MT_AUTHKEY_OK) {
			check(k.type >= s && k.type + k.type_len <= s + n, "type inside the line");
			check(k.body >= s && k.body + k.body_len <= s + n, "body inside the line");
			check(!k.comment || k.comment + k.comment_len <= s + n, "comment inside");
			check(mt_ssh_key_type_known(k.type, k.type_len), "known type");
			for (unsigned i = 0; i < k.noptions && i < MT_MAX_SSH_OPTIONS; i++)
				check(k.opt[i].name + k.opt[i].name_len <= s + n, "option inside");
			char fp[64], bt[64];
			if (mt_ssh_fingerprint(k.body, k.body_len, fp, bt) == 0)
				check(strncmp(fp, "SHA256:", 7) == 0 && strlen(fp) == 50, "fingerprint");
			const char *v;
			size_t vl;
			mt_authkey_option(&k, "command", &v, &vl);
		}
		s = nl ? nl + 1 : end;
	}
	mt_sshd_config c;
	memset(&c, 0, sizeof(c));
	inc_ctx ic = {(const char *)data, size};
	mt_sshd_config_parse(&c, "sshd_config", (const char *)data, size, on_include, &ic, 0);
	check(c.nakf <= MT_SSHD_MAX_AKF, "akf count");
	for (size_t i = 0; i < c.nakf; i++) {
		char out[512];
		mt_sshd_expand_akf(c.akf[i], "user", 1000, "/home/user", out, sizeof(out));
	}
	mt_sshd_config_free(&c);
	return 0;
}
