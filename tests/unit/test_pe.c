/* test_pe.c - unit tests of collect/win/pe.c: the real xmrig.exe, xmrig (ELF), WinRing0x64.sys
 * and xmrig-config.json (MINETRACE_SAMPLES, default ../shared/data/samples), copies of them
 * made here with every "xmrig" renamed, benign PE files built by tests/windows/mkpe.sh
 * (PE_FIXTURES; skipped with a message when unset), host ELF binaries, and hand-made PE32
 * and PE32+ files with their hostile variants (truncated, e_lfanew outside, section table
 * past the end, resource loop, endless import tables, random damage) */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "collect/filescan.h"
#include "collect/win/pe.h"
#include "t.h"

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			unsigned char *nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		if (r == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return buf;
}

static char samples[1024];

static unsigned char *sample(const char *name, size_t *len)
{
	char p[1200];
	snprintf(p, sizeof(p), "%s/%s", samples, name);
	return slurp(p, len);
}

/* ---- imports collected as ",DLL!func," ---- */

typedef struct implist {
	char *s;
	size_t len, cap;
	unsigned n;
	int stop_after;
} implist;

static int on_import(void *ctx, const char *dll, const char *func)
{
	implist *l = ctx;
	size_t need = strlen(dll) + strlen(func) + 3;
	if (l->len + need + 1 > l->cap) {
		size_t nc = (l->cap + need + 1) * 2;
		char *ns = realloc(l->s, nc);
		if (!ns)
			return 1;
		if (!l->s)
			ns[0] = '\0';
		l->s = ns;
		l->cap = nc;
	}
	l->len += (size_t)snprintf(l->s + l->len, l->cap - l->len, "%s%s!%s,", l->len ? "" : ",",
	                           dll, func);
	l->n++;
	return l->stop_after && l->n >= (unsigned)l->stop_after;
}

static mt_err imports(const mt_pe *pe, implist *l)
{
	memset(l, 0, sizeof(*l));
	return mt_pe_imports(pe, on_import, l);
}

static int has_import(const implist *l, const char *dllfunc)
{
	char pat[300];
	snprintf(pat, sizeof(pat), ",%s,", dllfunc);
	return l->s && strstr(l->s, pat) != NULL;
}

static int has_dll(const implist *l, const char *dll)
{
	char pat[300];
	snprintf(pat, sizeof(pat), ",%s!", dll);
	return l->s && strstr(l->s, pat) != NULL;
}

static int has_reason(const mt_miner_id *id, const char *r)
{
	char list[300], pat[64];
	snprintf(list, sizeof(list), ",%s,", id->reasons);
	snprintf(pat, sizeof(pat), ",%s,", r);
	return strstr(list, pat) != NULL;
}

/* Every case variant of from (ASCII, and UTF-16LE when wide) becomes the same-length
 * word to, case kept letter by letter ("XMRig" -> "QWErt" for "qwert"). Returns how
 * many were replaced. */
static size_t rename_word(unsigned char *d, size_t len, const char *from, const char *to, int wide)
{
	size_t n = 0, m = strlen(from), step = wide ? 2 : 1;
	for (size_t i = 0; i + m * step <= len; i++) {
		size_t k = 0;
		while (k < m && (d[i + k * step] | 0x20) == (from[k] | 0x20) &&
		       (!wide || d[i + k * step + 1] == 0))
			k++;
		if (k < m)
			continue;
		for (k = 0; k < m; k++) {
			unsigned char *c = d + i + k * step;
			int up = *c >= 'A' && *c <= 'Z';
			*c = (unsigned char)(up ? to[k] & ~0x20 : to[k] | 0x20);
		}
		n++;
	}
	return n;
}

static size_t rename_xmrig(unsigned char *d, size_t len, const char *word)
{
	return rename_word(d, len, "xmrig", word, 0) + rename_word(d, len, "xmrig", word, 1);
}

static int ci_contains(const unsigned char *d, size_t len, const char *s)
{
	size_t m = strlen(s);
	for (size_t i = 0; i + m <= len; i++)
		if (strncasecmp((const char *)d + i, s, m) == 0)
			return 1;
	return 0;
}

/* ---- the real samples ---- */

static void test_xmrig_exe(void)
{
	TEST_START("xmrig.exe: headers, sections, imports, version, identified");
	size_t len;
	unsigned char *d = sample("xmrig.exe", &len);
	if (!d) {
		fprintf(stderr, "test_pe: %s/xmrig.exe missing, skipped\n", samples);
		TEST_DONE();
		return;
	}
	ASSERT_TRUE(mt_pe_magic(d, len));
	mt_pe pe;
	REQUIRE_INT_EQ(mt_pe_parse(d, len, &pe), MT_OK);
	ASSERT_TRUE(pe.is64);
	ASSERT_INT_EQ(pe.machine, 0x8664);
	ASSERT_INT_EQ(pe.subsystem, 3);
	ASSERT_FALSE(pe.is_dll);
	ASSERT_FALSE(pe.is_driver);
	ASSERT_FALSE(pe.signed_);
	ASSERT_U64_EQ(pe.timestamp, 1637928339); /* 2021-11-26 12:05:39 UTC (objdump -p) */
	/* objdump -h: 11 sections */
	ASSERT_SIZE_EQ(pe.nsec, 11);
	ASSERT_STR_EQ(pe.sec[0].name, ".text");
	ASSERT_U64_EQ(pe.sec[0].vaddr, 0x1000);
	ASSERT_U64_EQ(pe.sec[0].raw_off, 0x400);
	ASSERT_STR_EQ(pe.sec[4].name, "_RANDOMX");
	ASSERT_STR_EQ(pe.sec[9].name, ".rsrc");
	ASSERT_U64_EQ(pe.sec[9].vaddr, 0x7c7000);
	ASSERT_U64_EQ(pe.dir[MT_PE_DIR_IMPORT].rva, 0x4eddfc);
	ASSERT_U64_EQ(pe.dir[MT_PE_DIR_RESOURCE].rva, 0x7c7000);
	size_t off;
	ASSERT_INT_EQ(mt_pe_rva_to_off(&pe, 0x7c7000, 16, &off), 0);
	ASSERT_SIZE_EQ(off, 0x522800);
	ASSERT_INT_EQ(mt_pe_rva_to_off(&pe, 0x7d5000, 1, &off), -1); /* past SizeOfImage */

	/* objdump -p: 10 DLLs, 305 imports, WS2_32 partly by ordinal */
	implist l;
	ASSERT_INT_EQ(imports(&pe, &l), MT_OK);
	ASSERT_INT_EQ(l.n, 305);
	const char *dlls[] = {"WS2_32.dll",   "IPHLPAPI.DLL", "USERENV.dll", "CRYPT32.dll",
	                      "KERNEL32.dll", "USER32.dll",   "SHELL32.dll", "ole32.dll",
	                      "ADVAPI32.dll", "bcrypt.dll"};
	for (size_t i = 0; i < MT_ARRAY_LEN(dlls); i++)
		ASSERT_TRUE(has_dll(&l, dlls[i]));
	ASSERT_TRUE(has_import(&l, "WS2_32.dll!#16"));
	ASSERT_TRUE(has_import(&l, "WS2_32.dll!WSARecvFrom"));
	ASSERT_TRUE(has_import(&l, "KERNEL32.dll!GetSystemFirmwareTable"));
	ASSERT_TRUE(has_import(&l, "IPHLPAPI.DLL!GetAdaptersAddresses"));
	ASSERT_FALSE(has_import(&l, "KERNEL32.dll!#0"));
	free(l.s);
	/* a walk stops when asked */
	memset(&l, 0, sizeof(l));
	l.stop_after = 3;
	ASSERT_INT_EQ(mt_pe_imports(&pe, on_import, &l), MT_OK);
	ASSERT_INT_EQ(l.n, 3);
	free(l.s);

	/* the version resource (strings -el) */
	ASSERT_TRUE(pe.has_version);
	ASSERT_INT_EQ(pe.file_ver[0], 6);
	ASSERT_INT_EQ(pe.file_ver[1], 16);
	char v[256];
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "CompanyName", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "www.xmrig.com");
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "FileVersion", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "6.16.0");
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "OriginalFilename", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "xmrig.exe");
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "NoSuchKey", v, sizeof(v)), -1);
	ASSERT_STR_EQ(v, "");
	/* a small buffer cuts the value, terminated */
	char small[4];
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "CompanyName", small, sizeof(small)), 0);
	ASSERT_STR_EQ(small, "www");

	mt_miner_id id;
	mt_miner_identify(d, len, &id);
	ASSERT_INT_EQ(id.what, MT_ID_XMRIG);
	ASSERT_STR_EQ(id.family, "xmrig");
	ASSERT_INT_GE(id.nreasons, 3);
	ASSERT_INT_GE(id.confidence, 90);
	ASSERT_FALSE(id.config);
	ASSERT_TRUE(has_reason(&id, "randomx_consts"));
	ASSERT_TRUE(has_reason(&id, "algo_names"));
	ASSERT_TRUE(has_reason(&id, "stratum"));
	ASSERT_TRUE(has_reason(&id, "donate_level"));
	ASSERT_TRUE(has_reason(&id, "config_keys"));
	ASSERT_TRUE(has_reason(&id, "msr_device"));
	ASSERT_TRUE(has_reason(&id, "name_xmrig"));
	ASSERT_FALSE(has_reason(&id, "driver"));
	free(d);
	TEST_DONE();
}

static void test_winring0(void)
{
	TEST_START("WinRing0x64.sys: a signed driver, its version strings, identified");
	size_t len;
	unsigned char *d = sample("WinRing0x64.sys", &len);
	if (!d) {
		fprintf(stderr, "test_pe: WinRing0x64.sys missing, skipped\n");
		TEST_DONE();
		return;
	}
	mt_pe pe;
	REQUIRE_INT_EQ(mt_pe_parse(d, len, &pe), MT_OK);
	ASSERT_TRUE(pe.is64);
	ASSERT_INT_EQ(pe.subsystem, 1);
	ASSERT_TRUE(pe.is_driver);
	ASSERT_FALSE(pe.is_dll);
	ASSERT_TRUE(pe.signed_); /* Security Directory 0x1a00, 0x1ed0 bytes */
	ASSERT_SIZE_EQ(pe.nsec, 6);
	ASSERT_TRUE(pe.has_version);
	ASSERT_INT_EQ(pe.file_ver[0], 1);
	ASSERT_INT_EQ(pe.file_ver[1], 2);
	ASSERT_INT_EQ(pe.file_ver[2], 0);
	ASSERT_INT_EQ(pe.file_ver[3], 5);
	char v[256];
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "CompanyName", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "OpenLibSys.org");
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "ProductName", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "WinRing0");
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "OriginalFilename", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "WinRing0.sys");
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "LegalCopyright", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "Copyright (C) 2007-2008 OpenLibSys.org. All rights reserved.");
	implist l;
	ASSERT_INT_EQ(imports(&pe, &l), MT_OK);
	ASSERT_INT_EQ(l.n, 12);
	ASSERT_TRUE(has_import(&l, "ntoskrnl.exe!MmMapIoSpace"));
	ASSERT_TRUE(has_import(&l, "ntoskrnl.exe!IoCreateDevice"));
	ASSERT_TRUE(has_import(&l, "HAL.dll!HalGetBusDataByOffset"));
	free(l.s);

	mt_miner_id id;
	mt_miner_identify(d, len, &id);
	ASSERT_INT_EQ(id.what, MT_ID_WINRING0);
	ASSERT_STR_EQ(id.family, "winring0");
	ASSERT_TRUE(has_reason(&id, "device_name"));
	ASSERT_TRUE(has_reason(&id, "ioctl_codes"));
	ASSERT_TRUE(has_reason(&id, "version_info"));
	ASSERT_TRUE(has_reason(&id, "driver"));
	ASSERT_TRUE(has_reason(&id, "openlibsys"));
	ASSERT_INT_GE(id.confidence, 80);

	/* names gone (a renamed driver): the IOCTL codes of a driver still tell */
	size_t n = rename_word(d, len, "WinRing0", "QweRty00", 0) +
	           rename_word(d, len, "WinRing0", "QweRty00", 1) +
	           rename_word(d, len, "OpenLibSys", "QwertyUiop", 0) +
	           rename_word(d, len, "OpenLibSys", "QwertyUiop", 1);
	ASSERT_INT_GE(n, 6);
	mt_miner_identify(d, len, &id);
	ASSERT_INT_EQ(id.what, MT_ID_WINRING0);
	ASSERT_FALSE(has_reason(&id, "device_name"));
	ASSERT_FALSE(has_reason(&id, "version_info"));
	ASSERT_TRUE(has_reason(&id, "ioctl_codes"));
	free(d);
	TEST_DONE();
}

/* The sample identified as XMRig, then again with every "xmrig" renamed. */
static void check_renamed(const char *name, int is_pe)
{
	char title[128];
	snprintf(title, sizeof(title), "%s, and copies with \"xmrig\" renamed", name);
	TEST_START(title);
	size_t len;
	unsigned char *d = sample(name, &len);
	if (!d) {
		fprintf(stderr, "test_pe: %s missing, skipped\n", name);
		TEST_DONE();
		return;
	}
	mt_miner_id id;
	mt_miner_identify(d, len, &id);
	ASSERT_INT_EQ(id.what, MT_ID_XMRIG);
	ASSERT_TRUE(has_reason(&id, "name_xmrig"));
	ASSERT_INT_GE(id.nreasons, 3);
	const char *words[] = {"qwert", "abcde", "zzzzz"};
	for (size_t w = 0; w < MT_ARRAY_LEN(words); w++) {
		unsigned char *c = malloc(len);
		REQUIRE_NOT_NULL(c);
		memcpy(c, d, len);
		ASSERT_INT_GT(rename_xmrig(c, len, words[w]), 100);
		ASSERT_FALSE(ci_contains(c, len, "xmrig"));
		mt_miner_identify(c, len, &id);
		ASSERT_INT_EQ(id.what, MT_ID_XMRIG);
		ASSERT_STR_EQ(id.family, "xmrig");
		ASSERT_FALSE(has_reason(&id, "name_xmrig"));
		ASSERT_INT_GE(id.nreasons, 3);
		ASSERT_TRUE(has_reason(&id, "randomx_consts"));
		ASSERT_TRUE(has_reason(&id, "algo_names"));
		ASSERT_TRUE(has_reason(&id, "config_keys"));
		ASSERT_INT_GE(id.confidence, 80);
		if (is_pe) {
			mt_pe pe;
			ASSERT_INT_EQ(mt_pe_parse(c, len, &pe), MT_OK);
			char v[64];
			ASSERT_INT_EQ(mt_pe_version_string(&pe, "ProductName", v, sizeof(v)), 0);
			ASSERT_STR_EQ(v, w ? (w == 1 ? "ABCde" : "ZZZzz") : "QWErt");
		}
		free(c);
	}
	free(d);
	TEST_DONE();
}

static void test_config_json(void)
{
	TEST_START("xmrig-config.json: a miner configuration of XMRig (config 1)");
	size_t len;
	unsigned char *d = sample("xmrig-config.json", &len);
	if (!d) {
		fprintf(stderr, "test_pe: xmrig-config.json missing, skipped\n");
		TEST_DONE();
		return;
	}
	ASSERT_FALSE(mt_pe_magic(d, len));
	mt_pe pe;
	ASSERT_INT_EQ(mt_pe_parse(d, len, &pe), MT_ERR_PARSE);
	mt_miner_id id;
	mt_miner_identify(d, len, &id);
	ASSERT_INT_EQ(id.what, MT_ID_XMRIG);
	ASSERT_STR_EQ(id.family, "xmrig");
	ASSERT_TRUE(id.config);
	ASSERT_TRUE(has_reason(&id, "miner_config"));
	ASSERT_TRUE(has_reason(&id, "config_keys"));
	ASSERT_TRUE(has_reason(&id, "donate_level"));
	ASSERT_FALSE(has_reason(&id, "randomx_consts")); /* text, not code */
	free(d);
	TEST_DONE();
}

/* ---- the features one by one, on made-up bytes ---- */

static void ident(const char *text, mt_miner_id *id)
{
	mt_miner_identify(text, strlen(text), id);
}

static void test_features(void)
{
	TEST_START("features: each alone is not enough, together they are");
	mt_miner_id id;
	const char *algos = "rx/0 rx/wow cn/r cn-heavy/0 ";
	const char *config = "huge-pages-jit rig-id tls-fingerprint 1gb-pages self-select ";
	const char *stratum = "mining.notify keepalived ";
	const char *donate = "donate-over-proxy ";
	char buf[1024];

	ident(algos, &id);
	ASSERT_INT_EQ(id.what, MT_ID_NONE);
	ASSERT_STR_EQ(id.reasons, "algo_names");
	ident("rx/0 rx/wow cn/r ", &id); /* three names are not four */
	ASSERT_STR_EQ(id.reasons, "");
	ident(config, &id);
	ASSERT_INT_EQ(id.what, MT_ID_NONE);
	ASSERT_STR_EQ(id.reasons, "config_keys");
	ident(stratum, &id);
	ASSERT_INT_EQ(id.what, MT_ID_NONE);
	ASSERT_STR_EQ(id.reasons, "stratum");
	ident("stratum+tcp:// only ", &id);
	ASSERT_STR_EQ(id.reasons, "");

	snprintf(buf, sizeof(buf), "%s%s", algos, config);
	ident(buf, &id);
	ASSERT_INT_EQ(id.what, MT_ID_NONE); /* two strong features */
	snprintf(buf, sizeof(buf), "%s%s%s", algos, config, stratum);
	ident(buf, &id);
	ASSERT_INT_EQ(id.what, MT_ID_XMRIG);
	ASSERT_STR_EQ(id.reasons, "algo_names,stratum,config_keys");
	ASSERT_INT_EQ(id.nreasons, 3);
	unsigned c3 = id.confidence;
	snprintf(buf, sizeof(buf), "%s%s%s%s", algos, config, stratum, donate);
	ident(buf, &id);
	ASSERT_INT_EQ(id.what, MT_ID_XMRIG);
	ASSERT_INT_GT(id.confidence, c3);
	/* the name with two strong features */
	snprintf(buf, sizeof(buf), "XMRig %s%s", stratum, donate);
	ident(buf, &id);
	ASSERT_INT_EQ(id.what, MT_ID_XMRIG);
	ASSERT_TRUE(has_reason(&id, "name_xmrig"));
	/* the name alone */
	ident("xmrig xmrig XMRIG", &id);
	ASSERT_INT_EQ(id.what, MT_ID_NONE);

	/* RandomX: the SuperscalarHash constants (4 of 7) or the Argon2 salt */
	static const unsigned char rx[] = {0xfc, 0xa1, 0xf5, 0x59, 0x8a, 0x97, 0x0a, 0x81,
	                                   0x46, 0x07, 0x6b, 0x6f, 0x5f, 0x3e, 0x71, 0xa7,
	                                   0x5c, 0x5a, 0x5c, 0xbe, 0x8d, 0xc5, 0x26, 0x81,
	                                   0x62, 0x0a, 0x1e, 0x69, 0xb0, 0x64, 0x4d, 0x49};
	mt_miner_identify(rx, sizeof(rx), &id);
	ASSERT_STR_EQ(id.reasons, "randomx_consts");
	mt_miner_identify(rx, sizeof(rx) - 8, &id); /* three constants */
	ASSERT_STR_EQ(id.reasons, "");
	ident("RandomX\x03", &id);
	ASSERT_STR_EQ(id.reasons, "randomx_consts");
	ident("RandomX\x04", &id);
	ASSERT_STR_EQ(id.reasons, "");
	ident("/dev/cpu/{}/msr", &id);
	ASSERT_STR_EQ(id.reasons, "msr_device");

	/* other miners */
	ident("pool_list wallet_address use_nicehash cpu_threads_conf cryptonight", &id);
	ASSERT_INT_EQ(id.what, MT_ID_MINER);
	ASSERT_STR_EQ(id.family, "xmr-stak");
	ident("X-Mining-Extensions X-Long-Polling mining.subscribe mining.notify", &id);
	ASSERT_INT_EQ(id.what, MT_ID_MINER);
	ASSERT_STR_EQ(id.family, "cpuminer");
	ident("ccminer mining.subscribe mining.notify cryptonight", &id);
	ASSERT_INT_EQ(id.what, MT_ID_MINER);
	ASSERT_STR_EQ(id.family, "ccminer");
	ident("mining.subscribe mining.authorize cryptonight RandomX\x03", &id);
	ASSERT_INT_EQ(id.what, MT_ID_MINER);
	ASSERT_STR_EQ(id.family, "miner");
	/* a C++ destructor is not a miner's name */
	ident("_ZN3foo5MinerD0Ev mining.subscribe mining.notify cryptonight", &id);
	ASSERT_FALSE(has_reason(&id, "miner_name"));

	/* names are found in any case; UTF-16 where the table says so */
	ident("xMrIg", &id);
	ASSERT_STR_EQ(id.reasons, "name_xmrig");
	ident("XMRIG", &id);
	ASSERT_STR_EQ(id.reasons, "name_xmrig");
	ident("XmRiG", &id);
	ASSERT_STR_EQ(id.reasons, "name_xmrig");
	mt_miner_identify("W\0i\0n\0R\0i\0n\0g\0000\0", 16, &id);
	ASSERT_STR_EQ(id.reasons, "device_name");
	/* found at the very end of the bytes, and not one byte beyond */
	ident("....mining.notify keepalived", &id);
	ASSERT_STR_EQ(id.reasons, "stratum");
	mt_miner_identify("mining.notify keepalived", 23, &id);
	ASSERT_STR_EQ(id.reasons, "");

	/* minetrace's own bytes (its rules) are not a miner */
	snprintf(buf, sizeof(buf), "%s%s%s@source minetrace maintainers", algos, config, stratum);
	ident(buf, &id);
	ASSERT_INT_EQ(id.what, MT_ID_NONE);
	ASSERT_STR_EQ(id.reasons, "");
	mt_miner_identify(NULL, 0, &id);
	ASSERT_INT_EQ(id.what, MT_ID_NONE);
	mt_miner_identify("x", 1, &id);
	ASSERT_INT_EQ(id.what, MT_ID_NONE);
	TEST_DONE();
}

/* ---- hand-made PE files ---- */

#define HM_LEN     0x800
#define HM_IDATA   0x200 /* file offset of .idata, RVA 0x1000 */
#define HM_RSRC    0x400 /* file offset of .rsrc, RVA 0x2000 */
#define HM_RSRCLEN 0x400

static void w16(unsigned char *p, unsigned v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void w32(unsigned char *p, uint32_t v)
{
	w16(p, v & 0xffff);
	w16(p + 2, v >> 16);
}

static void w64(unsigned char *p, uint64_t v)
{
	w32(p, (uint32_t)v);
	w32(p + 4, (uint32_t)(v >> 32));
}

/* version resource writer: blocks are opened and closed like XML */
typedef struct vw {
	unsigned char *b;
	size_t o;
	size_t stack[8];
	int depth;
} vw;

static void vw_pad(vw *w)
{
	while (w->o & 3)
		w->b[w->o++] = 0;
}

static void vw_key(vw *w, const char *key)
{
	for (size_t i = 0; key[i]; i++, w->o += 2)
		w16(w->b + w->o, (unsigned char)key[i]);
	w16(w->b + w->o, 0);
	w->o += 2;
	vw_pad(w);
}

static void vw_open(vw *w, const char *key, unsigned vlen, unsigned type)
{
	vw_pad(w);
	w->stack[w->depth++] = w->o;
	w16(w->b + w->o + 2, vlen);
	w16(w->b + w->o + 4, type);
	w->o += 6;
	vw_key(w, key);
}

static void vw_close(vw *w)
{
	size_t start = w->stack[--w->depth];
	w16(w->b + start, (unsigned)(w->o - start));
	vw_pad(w);
}

static void vw_string(vw *w, const char *key, const uint16_t *val, size_t units)
{
	vw_open(w, key, (unsigned)units + 1, 1);
	for (size_t i = 0; i < units; i++, w->o += 2)
		w16(w->b + w->o, val[i]);
	w16(w->b + w->o, 0);
	w->o += 2;
	vw_close(w);
}

static void vw_ascii(vw *w, const char *key, const char *val)
{
	uint16_t u[64];
	size_t n = strlen(val);
	for (size_t i = 0; i < n; i++)
		u[i] = (unsigned char)val[i];
	vw_string(w, key, u, n);
}

/* A PE32 or PE32+ executable of 0x800 bytes: .idata with KERNEL32.dll (ExitProcess and
 * ordinal 7) and USER32.dll (MessageBoxA), .rsrc with a version resource. */
static unsigned char *handmade(int is64, size_t *len)
{
	unsigned char *d = calloc(1, HM_LEN);
	if (!d)
		return NULL;
	d[0] = 'M';
	d[1] = 'Z';
	w32(d + 0x3c, 0x80);
	unsigned char *pe = d + 0x80;
	memcpy(pe, "PE\0\0", 4);
	unsigned optsize = is64 ? 240 : 224;
	w16(pe + 4, is64 ? 0x8664 : 0x14c);
	w16(pe + 6, 2);
	w32(pe + 8, 0x5f000000);
	w16(pe + 20, optsize);
	w16(pe + 22, 0x0102);
	unsigned char *op = pe + 24;
	w16(op, is64 ? 0x20b : 0x10b);
	w32(op + 32, 0x1000); /* SectionAlignment */
	w32(op + 36, 0x200);  /* FileAlignment */
	w32(op + 56, 0x3000); /* SizeOfImage */
	w32(op + 60, 0x200);  /* SizeOfHeaders */
	w16(op + 68, 3);
	unsigned nrva = is64 ? 108 : 92;
	w32(op + nrva, 16);
	unsigned char *dirs = op + nrva + 4;
	w32(dirs + 8, 0x1000); /* import */
	w32(dirs + 12, 60);
	w32(dirs + 16, 0x2000); /* resource */
	w32(dirs + 20, HM_RSRCLEN);
	unsigned char *st = op + optsize;
	memcpy(st, ".idata", 6);
	w32(st + 8, 0x200);
	w32(st + 12, 0x1000);
	w32(st + 16, 0x200);
	w32(st + 20, HM_IDATA);
	w32(st + 36, 0xc0000040);
	memcpy(st + 40, ".rsrc", 5);
	w32(st + 48, HM_RSRCLEN);
	w32(st + 52, 0x2000);
	w32(st + 56, HM_RSRCLEN);
	w32(st + 60, HM_RSRC);
	w32(st + 76, 0x40000040);

	/* .idata: descriptors at 0x1000 (two and the terminator), ILTs at 0x1040 and 0x1060,
	 * IATs at 0x1080 and 0x10a0, names from 0x1100 */
	unsigned char *id = d + HM_IDATA;
	unsigned ts = is64 ? 8 : 4;
	uint64_t ordflag = is64 ? 0x8000000000000000ull : 0x80000000ull;
	w32(id + 0, 0x1040);
	w32(id + 12, 0x1100);
	w32(id + 16, 0x1080);
	w32(id + 20, 0x1060);
	w32(id + 32, 0x1110);
	w32(id + 36, 0x10a0);
	for (int iat = 0; iat < 2; iat++) {
		unsigned char *t1 = id + (iat ? 0x80 : 0x40), *t2 = id + (iat ? 0xa0 : 0x60);
		if (is64) {
			w64(t1, 0x1120);
			w64(t1 + ts, ordflag | 7);
			w64(t2, 0x1140);
		} else {
			w32(t1, 0x1120);
			w32(t1 + ts, (uint32_t)(ordflag | 7));
			w32(t2, 0x1140);
		}
	}
	memcpy(id + 0x100, "KERNEL32.dll", 12);
	memcpy(id + 0x110, "USER32.dll", 10);
	memcpy(id + 0x122, "ExitProcess", 11);
	memcpy(id + 0x142, "MessageBoxA", 11);

	/* .rsrc: type 16 -> name 1 -> language 0x409 -> data entry -> VS_VERSIONINFO at 0x60 */
	unsigned char *r = d + HM_RSRC;
	w16(r + 14, 1);
	w32(r + 16, 16);
	w32(r + 20, 0x80000000u | 0x18);
	w16(r + 0x18 + 14, 1);
	w32(r + 0x18 + 16, 1);
	w32(r + 0x18 + 20, 0x80000000u | 0x30);
	w16(r + 0x30 + 14, 1);
	w32(r + 0x30 + 16, 0x409);
	w32(r + 0x30 + 20, 0x48);
	vw w = {r + 0x60, 0, {0}, 0};
	vw_open(&w, "VS_VERSION_INFO", 52, 0);
	unsigned char *f = w.b + w.o;
	w32(f, 0xfeef04bd);
	w32(f + 4, 0x10000);
	w32(f + 8, 0x00010002); /* 1.2.3.4 */
	w32(f + 12, 0x00030004);
	w32(f + 16, 0x00050006);
	w32(f + 20, 0x00070008);
	w.o += 52;
	vw_pad(&w);
	vw_open(&w, "VarFileInfo", 0, 1); /* before StringFileInfo: either order is valid */
	vw_open(&w, "Translation", 4, 0);
	w32(w.b + w.o, 0x04b00409);
	w.o += 4;
	vw_close(&w);
	vw_close(&w);
	vw_open(&w, "StringFileInfo", 0, 1);
	vw_open(&w, "040904b0", 0, 1);
	vw_ascii(&w, "CompanyName", "Contoso Ltd");
	static const uint16_t desc[] = {'c', 'a', 'f', 0xe9, ' ', 0xd83d, 0xde00, ' ', 0xd800, '!'};
	vw_string(&w, "FileDescription", desc, MT_ARRAY_LEN(desc));
	vw_ascii(&w, "FileVersion", "1.2.3.4");
	vw_close(&w);
	vw_close(&w);
	vw_close(&w);
	w32(r + 0x48, 0x2060);
	w32(r + 0x48 + 4, (uint32_t)w.o);
	*len = HM_LEN;
	return d;
}

static void test_handmade(int is64)
{
	TEST_START(is64 ? "hand-made PE32+" : "hand-made PE32");
	size_t len;
	unsigned char *d = handmade(is64, &len);
	REQUIRE_NOT_NULL(d);
	mt_pe pe;
	REQUIRE_INT_EQ(mt_pe_parse(d, len, &pe), MT_OK);
	ASSERT_INT_EQ(pe.is64, is64);
	ASSERT_INT_EQ(pe.machine, is64 ? 0x8664 : 0x14c);
	ASSERT_SIZE_EQ(pe.nsec, 2);
	ASSERT_STR_EQ(pe.sec[1].name, ".rsrc");
	ASSERT_FALSE(pe.sections_cut);
	ASSERT_FALSE(pe.signed_);
	ASSERT_SIZE_EQ(pe.ndirs, 16);
	size_t off;
	ASSERT_INT_EQ(mt_pe_rva_to_off(&pe, 0x1100, 12, &off), 0);
	ASSERT_SIZE_EQ(off, HM_IDATA + 0x100);
	ASSERT_INT_EQ(mt_pe_rva_to_off(&pe, 0x1100, 0x100, &off), 0);  /* to the end */
	ASSERT_INT_EQ(mt_pe_rva_to_off(&pe, 0x1100, 0x101, &off), -1); /* one beyond */
	ASSERT_INT_EQ(mt_pe_rva_to_off(&pe, 0x40, 4, &off), 0);        /* the headers */
	ASSERT_SIZE_EQ(off, 0x40);
	ASSERT_INT_EQ(mt_pe_rva_to_off(&pe, 0xffffffffu, 2, &off), -1);
	implist l;
	ASSERT_INT_EQ(imports(&pe, &l), MT_OK);
	ASSERT_INT_EQ(l.n, 3);
	ASSERT_STR_EQ(l.s, ",KERNEL32.dll!ExitProcess,KERNEL32.dll!#7,USER32.dll!MessageBoxA,");
	free(l.s);
	/* without the ILT the IAT is read */
	w32(d + HM_IDATA, 0);
	ASSERT_INT_EQ(imports(&pe, &l), MT_OK);
	ASSERT_STR_EQ(l.s, ",KERNEL32.dll!ExitProcess,KERNEL32.dll!#7,USER32.dll!MessageBoxA,");
	free(l.s);

	ASSERT_TRUE(pe.has_version);
	ASSERT_INT_EQ(pe.file_ver[0], 1);
	ASSERT_INT_EQ(pe.file_ver[3], 4);
	ASSERT_INT_EQ(pe.product_ver[0], 5);
	ASSERT_INT_EQ(pe.product_ver[3], 8);
	char v[128];
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "CompanyName", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "Contoso Ltd");
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "FileVersion", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "1.2.3.4");
	/* UTF-16 to UTF-8: e-acute, a surrogate pair, an unpaired surrogate */
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "FileDescription", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "caf\xc3\xa9 \xf0\x9f\x98\x80 \xef\xbf\xbd!");
	/* cut at a whole character: "caf" and not half of the e-acute */
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "FileDescription", v, 5), 0);
	ASSERT_STR_EQ(v, "caf");
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "Translation", v, sizeof(v)), -1);
	mt_miner_id id;
	mt_miner_identify(d, len, &id);
	ASSERT_INT_EQ(id.what, MT_ID_NONE);
	free(d);
	TEST_DONE();
}

/* Every API on d[0..len) (an exact-size copy, so ASan sees a read past the end). */
static void exercise(const unsigned char *src, size_t len)
{
	unsigned char *d = malloc(len ? len : 1);
	if (!d)
		return;
	memcpy(d, src, len);
	mt_pe pe;
	if (mt_pe_parse(d, len, &pe) == MT_OK) {
		implist l;
		mt_err r = imports(&pe, &l);
		ASSERT_TRUE(r == MT_OK || r == MT_ERR_PARSE || r == MT_ERR_LIMIT);
		ASSERT_INT_LE(l.n, MT_MAX_PE_IMPORTS);
		free(l.s);
		char v[64];
		mt_pe_version_string(&pe, "CompanyName", v, sizeof(v));
		ASSERT_TRUE(strlen(v) < sizeof(v));
		ASSERT_TRUE(pe.nsec <= MT_PE_MAX_SECTIONS);
	}
	mt_miner_id id;
	mt_miner_identify(d, len, &id);
	ASSERT_TRUE(id.what >= MT_ID_NONE && id.what <= MT_ID_WINRING0);
	free(d);
}

static void test_hostile(void)
{
	TEST_START("hostile PE files");
	size_t len;
	unsigned char *d = handmade(1, &len), *c = malloc(HM_LEN);
	REQUIRE_NOT_NULL(d);
	REQUIRE_NOT_NULL(c);
	mt_pe pe;

	/* every truncation */
	for (size_t n = 0; n <= len; n++) {
		exercise(d, n);
		mt_err r = mt_pe_parse(d, n, &pe);
		/* 0x80 + 24 + 240 bytes of headers, then a section table of 80 */
		if (n < 0x80 + 24 + 112)
			ASSERT_INT_EQ(r, MT_ERR_PARSE);
		else
			ASSERT_INT_EQ(r, MT_OK);
		if (r == MT_OK && n < 0x80 + 24 + 240 + 80)
			ASSERT_TRUE(pe.sections_cut);
	}
	ASSERT_FALSE(mt_pe_magic(d, 63));

	/* e_lfanew outside the file, or with no room for the COFF header */
	memcpy(c, d, HM_LEN);
	w32(c + 0x3c, 0xfffffff0u);
	ASSERT_FALSE(mt_pe_magic(c, HM_LEN));
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_ERR_PARSE);
	w32(c + 0x3c, HM_LEN - 10);
	memcpy(c + HM_LEN - 10, "PE\0\0", 4);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_ERR_PARSE);
	exercise(c, HM_LEN);
	/* an optional header of an unknown magic, or declared too short */
	memcpy(c, d, HM_LEN);
	w16(c + 0x98, 0x107);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_ERR_PARSE);
	memcpy(c, d, HM_LEN);
	w16(c + 0x80 + 20, 100);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_ERR_PARSE);

	/* the section table beyond the end: no sections, the headers still read */
	memcpy(c, d, HM_LEN);
	w16(c + 0x80 + 20, 0xfff0);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	ASSERT_SIZE_EQ(pe.nsec, 0);
	ASSERT_TRUE(pe.sections_cut);
	ASSERT_FALSE(pe.has_version);
	exercise(c, HM_LEN);
	/* 0xffff sections declared: the ones that fit, at most MT_PE_MAX_SECTIONS */
	memcpy(c, d, HM_LEN);
	w16(c + 0x86, 0xffff);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	ASSERT_TRUE(pe.sections_cut);
	ASSERT_TRUE(pe.nsec <= MT_PE_MAX_SECTIONS);
	exercise(c, HM_LEN);

	/* 200 sections that all fit: the first MT_PE_MAX_SECTIONS are kept */
	{
		size_t bl = 0x188 + 200 * 40;
		unsigned char *b = calloc(1, bl);
		REQUIRE_NOT_NULL(b);
		memcpy(b, d, 0x188);
		w16(b + 0x86, 200);
		for (int i = 0; i < 200; i++)
			snprintf((char *)b + 0x188 + 40 * i, 9, "s%d", i);
		ASSERT_INT_EQ(mt_pe_parse(b, bl, &pe), MT_OK);
		ASSERT_SIZE_EQ(pe.nsec, MT_PE_MAX_SECTIONS);
		ASSERT_TRUE(pe.sections_cut);
		ASSERT_STR_EQ(pe.sec[MT_PE_MAX_SECTIONS - 1].name, "s95");
		exercise(b, bl);
		free(b);
	}

	/* a section claiming more raw data than the file has */
	memcpy(c, d, HM_LEN);
	w32(c + 0x80 + 24 + 240 + 40 + 16, 0x7fffffff);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	size_t off;
	ASSERT_INT_EQ(mt_pe_rva_to_off(&pe, 0x2000 + HM_RSRCLEN, 1, &off), -1);
	exercise(c, HM_LEN);

	/* a PointerToRawData off the file alignment is rounded down, as the loader does */
	memcpy(c, d, HM_LEN);
	w32(c + 0x80 + 24 + 240 + 20, HM_IDATA + 0x1ff);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	ASSERT_INT_EQ(mt_pe_rva_to_off(&pe, 0x1100, 4, &off), 0);
	ASSERT_SIZE_EQ(off, HM_IDATA + 0x100);
	{
		implist il;
		ASSERT_INT_EQ(imports(&pe, &il), MT_OK);
		ASSERT_INT_EQ(il.n, 3);
		free(il.s);
	}

	/* resource loops: the name level pointing back at the root, the language level at
	 * itself, the root's only entry at itself */
	unsigned char *r = c + HM_RSRC;
	memcpy(c, d, HM_LEN);
	w32(r + 0x18 + 20, 0x80000000u | 0);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	ASSERT_FALSE(pe.has_version);
	memcpy(c, d, HM_LEN);
	w32(r + 0x30 + 20, 0x80000000u | 0x30);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	ASSERT_FALSE(pe.has_version);
	memcpy(c, d, HM_LEN);
	w32(r + 20, 0x80000000u | 0);
	w32(r + 16, 16);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	ASSERT_FALSE(pe.has_version);
	/* 0xffff entries declared in the root */
	memcpy(c, d, HM_LEN);
	w16(r + 12, 0xffff);
	w16(r + 14, 0xffff);
	exercise(c, HM_LEN);
	/* a version block whose length is 0, or longer than its data */
	memcpy(c, d, HM_LEN);
	w16(r + 0x60, 0);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	ASSERT_FALSE(pe.has_version);
	memcpy(c, d, HM_LEN);
	w16(r + 0x60, 0xffff);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	ASSERT_FALSE(pe.has_version);
	exercise(c, HM_LEN);

	/* import loops: descriptors without a terminator to the section's end (every one the
	 * same; the later ones overwrite the thunks and names: garbage, but bounded), and a
	 * thunk array without a terminator */
	unsigned char *id = c + HM_IDATA;
	memcpy(c, d, HM_LEN);
	for (int i = 1; i < 0x200 / 20; i++)
		memcpy(id + 20 * i, id, 20);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	implist l;
	ASSERT_INT_EQ(imports(&pe, &l), MT_OK);
	ASSERT_TRUE(l.n <= (0x200 / 20) * (0x200 / 8));
	free(l.s);
	memcpy(c, d, HM_LEN);
	memset(id + 20, 0, 20); /* one descriptor, its name in the DOS stub */
	w32(id + 12, 0x40);
	memcpy(c + 0x40, "LOOP.dll", 9);
	for (int i = 0x40; i < 0x200; i += 8)
		w64(id + i, 0x8000000000000000ull | (uint64_t)i);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	ASSERT_INT_EQ(imports(&pe, &l), MT_OK);
	ASSERT_INT_EQ(l.n, (0x200 - 0x40) / 8); /* to the section's end, not beyond */
	ASSERT_TRUE(has_import(&l, "LOOP.dll!#64"));
	free(l.s);
	/* a name running to the section's end without a NUL */
	memcpy(c, d, HM_LEN);
	memset(id + 0x110, 'A', 0x200 - 0x110);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	ASSERT_INT_EQ(imports(&pe, &l), MT_OK);
	ASSERT_INT_EQ(l.n, 3);
	ASSERT_TRUE(has_import(&l, "KERNEL32.dll!#7"));
	free(l.s);
	/* a DLL name outside any section: that DLL is skipped */
	memcpy(c, d, HM_LEN);
	w32(id + 12, 0x7ffffff0);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	ASSERT_INT_EQ(imports(&pe, &l), MT_OK);
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_TRUE(has_import(&l, "USER32.dll!MessageBoxA"));
	free(l.s);
	/* an import directory that maps nowhere */
	memcpy(c, d, HM_LEN);
	w32(c + 0x98 + 112 + 8, 0x50000);
	ASSERT_INT_EQ(mt_pe_parse(c, HM_LEN, &pe), MT_OK);
	ASSERT_INT_EQ(imports(&pe, &l), MT_ERR_PARSE);
	free(l.s);

	/* random damage, reproducible */
	unsigned seed = 12345;
	for (int round = 0; round < 3000; round++) {
		memcpy(c, d, HM_LEN);
		int flips = 1 + round % 8;
		for (int k = 0; k < flips; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % HM_LEN;
			seed = seed * 1103515245u + 12345u;
			c[at] = (unsigned char)(seed >> 16);
		}
		exercise(c, HM_LEN);
	}
	free(c);
	free(d);
	TEST_DONE();
}

static void test_import_cap(void)
{
	TEST_START("imports stop at MT_MAX_PE_IMPORTS");
	/* a PE32+ whose .idata is 1 MiB of thunks, all to one name */
	size_t big = 0x100000, len = HM_LEN + big;
	size_t hl;
	unsigned char *h = handmade(1, &hl);
	unsigned char *d = calloc(1, len);
	REQUIRE_NOT_NULL(h);
	REQUIRE_NOT_NULL(d);
	memcpy(d, h, HM_LEN);
	unsigned char *st = d + 0x80 + 24 + 240;
	w16(d + 0x86, 3);
	memcpy(st + 80, ".big", 4);
	w32(st + 80 + 8, (uint32_t)big);
	w32(st + 80 + 12, 0x10000);
	w32(st + 80 + 16, (uint32_t)big);
	w32(st + 80 + 20, HM_LEN);
	unsigned char *s = d + HM_LEN;
	w32(s + 12, 0x10000 + 0x40); /* name */
	w32(s + 16, 0x10000 + 0x100);
	memcpy(s + 0x40, "big.dll", 7);
	memcpy(s + 0x62, "f", 1);
	for (size_t i = 0x100; i + 8 < big; i += 8)
		w64(s + i, 0x10000 + 0x60);
	w32(d + 0x98 + 112 + 8, 0x10000); /* the import directory */
	mt_pe pe;
	REQUIRE_INT_EQ(mt_pe_parse(d, len, &pe), MT_OK);
	implist l;
	ASSERT_INT_EQ(imports(&pe, &l), MT_ERR_LIMIT);
	ASSERT_INT_EQ(l.n, MT_MAX_PE_IMPORTS);
	ASSERT_TRUE(has_import(&l, "big.dll!f"));
	free(l.s);
	free(d);
	free(h);
	TEST_DONE();
}

/* ---- benign files ---- */

static void benign_file(const char *path, int must_be_pe)
{
	size_t len;
	unsigned char *d = slurp(path, &len);
	if (!d) {
		if (must_be_pe)
			ASSERT_NOT_NULL(d);
		return;
	}
	mt_pe pe;
	int ok = mt_pe_magic(d, len) && mt_pe_parse(d, len, &pe) == MT_OK;
	if (must_be_pe)
		ASSERT_TRUE(ok);
	if (ok) {
		implist l;
		ASSERT_INT_EQ(imports(&pe, &l), MT_OK);
		free(l.s);
	}
	mt_miner_id id;
	mt_miner_identify(d, len, &id);
	if (id.what != MT_ID_NONE)
		fprintf(stderr, "test_pe: %s identified as %s (%s)\n", path, id.family, id.reasons);
	ASSERT_INT_EQ(id.what, MT_ID_NONE);
	free(d);
}

static void test_fixtures(const char *dir)
{
	TEST_START("mingw-built fixtures (PE_FIXTURES)");
	char p[1200];
	size_t len;
	snprintf(p, sizeof(p), "%s/hello.exe", dir);
	unsigned char *d = slurp(p, &len);
	REQUIRE_NOT_NULL(d);
	mt_pe pe;
	REQUIRE_INT_EQ(mt_pe_parse(d, len, &pe), MT_OK);
	ASSERT_TRUE(pe.is64);
	ASSERT_FALSE(pe.is_dll);
	ASSERT_FALSE(pe.is_driver);
	ASSERT_INT_EQ(pe.subsystem, 3);
	ASSERT_TRUE(pe.has_version);
	ASSERT_INT_EQ(pe.file_ver[0], 1);
	ASSERT_INT_EQ(pe.file_ver[1], 2);
	ASSERT_INT_EQ(pe.file_ver[2], 3);
	ASSERT_INT_EQ(pe.file_ver[3], 4);
	ASSERT_INT_EQ(pe.product_ver[1], 2);
	char v[128];
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "CompanyName", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "Contoso");
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "FileVersion", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "1.2.3.4");
	ASSERT_INT_EQ(mt_pe_version_string(&pe, "ProductName", v, sizeof(v)), 0);
	ASSERT_STR_EQ(v, "Contoso Hello");
	implist l;
	ASSERT_INT_EQ(imports(&pe, &l), MT_OK);
	ASSERT_TRUE(has_import(&l, "KERNEL32.dll!GetLastError"));
	ASSERT_TRUE(has_dll(&l, "msvcrt.dll"));
	free(l.s);
	free(d);

	snprintf(p, sizeof(p), "%s/hello.dll", dir);
	d = slurp(p, &len);
	REQUIRE_NOT_NULL(d);
	REQUIRE_INT_EQ(mt_pe_parse(d, len, &pe), MT_OK);
	ASSERT_TRUE(pe.is_dll);
	ASSERT_FALSE(pe.is_driver);
	ASSERT_FALSE(pe.has_version);
	ASSERT_INT_EQ(imports(&pe, &l), MT_OK);
	ASSERT_TRUE(has_import(&l, "KERNEL32.dll!OutputDebugStringA"));
	free(l.s);
	free(d);

	const char *names[] = {"hello.exe", "hello.dll", "poolhelp.exe"};
	for (size_t i = 0; i < MT_ARRAY_LEN(names); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		benign_file(p, 1);
	}
	/* the look-alike does say "pool" and "stratum" */
	snprintf(p, sizeof(p), "%s/poolhelp.exe", dir);
	d = slurp(p, &len);
	REQUIRE_NOT_NULL(d);
	ASSERT_TRUE(memmem(d, len, "stratum", 7) != NULL);
	ASSERT_TRUE(memmem(d, len, "pool", 4) != NULL);
	free(d);

	/* Windows binaries the host ships, copied by mkpe.sh */
	snprintf(p, sizeof(p), "%s/system", dir);
	DIR *dd = opendir(p);
	unsigned n = 0;
	if (dd) {
		struct dirent *e;
		while ((e = readdir(dd)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			char f[1600];
			snprintf(f, sizeof(f), "%s/%s", p, e->d_name);
			benign_file(f, 1);
			n++;
		}
		closedir(dd);
	}
	fprintf(stderr, "test_pe: %u system PE files judged benign\n", n);
	TEST_DONE();
}

static void test_benign_elf(void)
{
	TEST_START("host ELF binaries are not miners");
	const char *paths[] = {"/bin/ls", "/usr/bin/python3", "/bin/sh", "/usr/bin/gcc"};
	for (size_t i = 0; i < MT_ARRAY_LEN(paths); i++)
		benign_file(paths[i], 0);
	TEST_DONE();
}

static void test_speed(void)
{
	TEST_START("speed on 10 MiB");
	size_t len = 10u << 20, xl = 0;
	unsigned char *d = malloc(len);
	REQUIRE_NOT_NULL(d);
	unsigned char *x = sample("xmrig", &xl);
	/* the ELF sample repeated (the worst case: many needle prefixes), else noise */
	for (size_t i = 0; i < len; i++)
		d[i] = x && xl ? x[i % xl] : (unsigned char)(i * 2654435761u >> 13);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	mt_miner_id id;
	mt_miner_identify(d, len, &id);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	fprintf(stderr, "test_pe: mt_miner_identify: %.1f ms for 10 MiB (%.2f ms/MiB)\n", ms,
	        ms / 10);
	ASSERT_TRUE(ms < 10000); /* a bound for sanitizer builds on a loaded machine */
	if (x)
		ASSERT_INT_EQ(id.what, MT_ID_XMRIG);
	free(x);
	free(d);
	TEST_DONE();
}

/* PE_DUMP=DIR writes the hand-made files there (how tests/fuzz/corpus/fuzz_pe/handmade-*
 * were made). */
static void dump_handmade(const char *dir)
{
	for (int is64 = 0; is64 < 2; is64++) {
		size_t len;
		unsigned char *d = handmade(is64, &len);
		char p[1200];
		snprintf(p, sizeof(p), "%s/handmade-pe%s.exe", dir, is64 ? "32plus" : "32");
		FILE *f = d ? fopen(p, "wb") : NULL;
		if (f) {
			fwrite(d, 1, len, f);
			fclose(f);
		}
		free(d);
	}
}

/* minetrace's marker does not hide a miner: the real XMRig with the marker appended is
 * still a miner (RandomX's constants, which minetrace's binary does not hold); the rules
 * pack text alone, marker included, is not one. */
static void test_forged_marker(void)
{
	TEST_START("self marker: a miner carrying minetrace's marker is still a miner");
	size_t len;
	unsigned char *d = sample("xmrig.exe", &len);
	if (!d) {
		fprintf(stderr, "test_pe: xmrig.exe missing, skipped\n");
		TEST_DONE();
		return;
	}
	size_t ml = strlen(mt_strscan_self_marker);
	unsigned char *f = malloc(len + ml);
	REQUIRE_NOT_NULL(f);
	memcpy(f, d, len);
	memcpy(f + len, mt_strscan_self_marker, ml);
	mt_miner_id id;
	mt_miner_identify(f, len + ml, &id);
	ASSERT_INT_EQ(id.what, MT_ID_MINER);
	ASSERT_TRUE(has_reason(&id, "forged_minetrace_marker"));
	ASSERT_TRUE(has_reason(&id, "randomx_consts"));
	free(f);
	free(d);
	/* what minetrace's binary holds: the marker and every miner string, no constant */
	static const char text[] = "@source minetrace maintainers; miner names\n"
				   "miner-name xmrig\ncmdline *--donate-level*\nstratum+tcp:// "
				   "cryptonight randomx rx/0 cn/r mining.subscribe donate-level "
				   "huge-pages-jit rig-id RandomX /dev/cpu/%u/msr WinRing0";
	mt_miner_identify(text, sizeof(text) - 1, &id);
	ASSERT_INT_EQ(id.what, MT_ID_NONE);
	TEST_DONE();
}

int main(void)
{
	const char *s = getenv("MINETRACE_SAMPLES");
	struct stat st;
	if (s && *s)
		snprintf(samples, sizeof(samples), "%s", s);
	else if (stat("../shared/data/samples/xmrig.exe", &st) == 0)
		snprintf(samples, sizeof(samples), "../shared/data/samples");
	else
		snprintf(samples, sizeof(samples), "/work/shared/data/samples");

	if (getenv("PE_DUMP"))
		dump_handmade(getenv("PE_DUMP"));
	test_xmrig_exe();
	test_forged_marker();
	test_winring0();
	check_renamed("xmrig.exe", 1);
	check_renamed("xmrig", 0);
	test_config_json();
	test_features();
	test_handmade(0);
	test_handmade(1);
	test_hostile();
	test_import_cap();
	const char *fx = getenv("PE_FIXTURES");
	if (fx && *fx)
		test_fixtures(fx);
	else
		fprintf(stderr, "test_pe: PE_FIXTURES unset, the mingw-built fixtures are skipped "
		                "(sh tests/windows/mkpe.sh DIR; PE_FIXTURES=DIR)\n");
	test_benign_elf();
	test_speed();
	return T_DONE();
}
