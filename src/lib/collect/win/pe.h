/* pe.h - a bounded reader of PE files (PE32 and PE32+: executables, DLLs, drivers): the
 * headers, sections, imports, the version resource and the certificate directory, and
 * the identification of miners and their drivers by content (not by name). The bytes
 * are hostile: every RVA and size is checked (YARA's fits_in_pe), nothing is cast. */
#ifndef MT_PE_H
#define MT_PE_H

#include "../../internal.h"

#define MT_PE_MAX_SECTIONS 96

typedef struct mt_pe_section {
	char name[9];
	uint32_t vaddr, vsize, raw_off, raw_size, flags;
} mt_pe_section;

typedef struct mt_pe {
	const uint8_t *data; /* the caller's bytes; must outlive the mt_pe */
	size_t len;
	int is64;         /* PE32+ */
	unsigned machine; /* IMAGE_FILE_MACHINE_* */
	unsigned characteristics;
	unsigned subsystem; /* 1 native (drivers), 2 GUI, 3 console */
	uint32_t timestamp;
	int is_dll, is_driver;
	int signed_; /* a certificate directory is present (not verified) */
	mt_pe_section sec[MT_PE_MAX_SECTIONS];
	size_t nsec;
	/* VS_FIXEDFILEINFO of the version resource; has_version 0 when none */
	int has_version;
	uint16_t file_ver[4]; /* FileVersion: major, minor, build, revision */
	uint16_t product_ver[4];
} mt_pe;

/* Whether data starts like a PE file ("MZ" and a "PE\0\0" where e_lfanew says). */
int mt_pe_magic(const void *data, size_t len);
/* Reads the headers, sections and the fixed version info. MT_ERR_PARSE when it is not
 * a PE file or the headers do not fit; a damaged part (resources, imports) only leaves
 * that part empty. */
mt_err mt_pe_parse(const void *data, size_t len, mt_pe *out);

/* A string of the version resource's StringFileInfo ("CompanyName", "ProductName",
 * "OriginalFilename", "FileDescription", "FileVersion", "InternalName", "LegalCopyright")
 * as UTF-8 into out[n]; 0 when found. The first language block is used. */
int mt_pe_version_string(const mt_pe *pe, const char *key, char *out, size_t n);

/* Calls fn for each import (DLL name, function name or "#ordinal"); non-zero stops.
 * At most MT_MAX_PE_IMPORTS. */
typedef int (*mt_pe_import_fn)(void *ctx, const char *dll, const char *func);
mt_err mt_pe_imports(const mt_pe *pe, mt_pe_import_fn fn, void *ctx);

/* What a file is, judged by content. */
#define MT_ID_NONE     0
#define MT_ID_XMRIG    1 /* XMRig or a fork (code and strings, renamed or not) */
#define MT_ID_MINER    2 /* another miner (xmr-stak, cpuminer, ...) */
#define MT_ID_WINRING0 3 /* the WinRing0 MSR driver miners load */
typedef struct mt_miner_id {
	int what;            /* MT_ID_* */
	unsigned confidence; /* 0-100 */
	char family[32];     /* "xmrig", "xmr-stak", "winring0", ... */
	char reasons[256];   /* comma-separated features seen: "randomx_consts",
	                         "stratum", "donate_level", "config_keys", "msr_device",
	                         "version_info", ... */
} mt_miner_id;

/* Identifies a miner or miner driver in a whole file (PE or ELF, or any bytes), by more
 * than one feature, so that a copy whose "xmrig" strings were all replaced is still
 * found. Reads at most len bytes; never fails (what NONE when nothing is seen). */
void mt_miner_identify(const void *data, size_t len, mt_miner_id *out);

#endif
