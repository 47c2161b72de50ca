/* pe.h - a bounded reader of PE files (PE32 and PE32+: executables, DLLs, drivers): the
 * headers, sections, imports, the version resource and the certificate directory, and
 * the identification of miners and their drivers by content (not by name). The bytes
 * are hostile: every RVA and size is checked (YARA's fits_in_pe), nothing is cast. */
#ifndef MT_PE_H
#define MT_PE_H

#include "../../internal.h"

#define MT_PE_MAX_SECTIONS 96
#define MT_PE_MAX_DIRS     16 /* data directories kept (the standard 16) */
#define MT_PE_DIR_IMPORT   1
#define MT_PE_DIR_RESOURCE 2
#define MT_PE_DIR_SECURITY 4 /* its "rva" is a file offset */

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
	/* additions (2026-12): what the readers of the parts need */
	uint32_t file_align, size_of_headers;
	size_t ndirs; /* data directories that fit the optional header, at most 16 */
	struct {
		uint32_t rva, size;
	} dir[MT_PE_MAX_DIRS];
	size_t ver_off, ver_len; /* the VS_VERSIONINFO block in data, when has_version */
	int sections_cut;        /* the section table was cut at the file's end or at
	                            MT_PE_MAX_SECTIONS: sec[] holds the ones that fit */
} mt_pe;

/* Whether data starts like a PE file ("MZ" and a "PE\0\0" where e_lfanew says). */
int mt_pe_magic(const void *data, size_t len);
/* Reads the headers, sections and the fixed version info. MT_ERR_PARSE when it is not
 * a PE file or the headers do not fit; a damaged part (resources, imports) only leaves
 * that part empty, and a section table running past the end keeps the sections that
 * fit (sections_cut). */
mt_err mt_pe_parse(const void *data, size_t len, mt_pe *out);

/* The file offset of [rva, rva+size) when it lies wholly in the headers or in the raw
 * data of one section (YARA's pe_rva_to_offset plus fits_in_pe); 0 when found. */
int mt_pe_rva_to_off(const mt_pe *pe, uint32_t rva, uint32_t size, size_t *off);

/* A string of the version resource's StringFileInfo ("CompanyName", "ProductName",
 * "OriginalFilename", "FileDescription", "FileVersion", "InternalName", "LegalCopyright")
 * as UTF-8 into out[n]; 0 when found, else -1 and out "". The first language block is
 * used; the value is cut at a whole character to fit, unpaired surrogates become U+FFFD
 * (the caller escapes it before printing: it is the attacker's text). */
int mt_pe_version_string(const mt_pe *pe, const char *key, char *out, size_t n);

/* Calls fn for each import (DLL name, function name or "#ordinal"); non-zero stops.
 * Names are cut at 255 bytes and live only during the call. A DLL whose thunks do not
 * map is skipped. MT_OK after the walk (also when there is no import table), MT_ERR_PARSE
 * when the import directory does not map, MT_ERR_LIMIT after MT_MAX_PE_IMPORTS imports
 * (or as many descriptors). */
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
	                         "version_info", ... (docs: pe.c, the feature table) */
	unsigned nreasons;   /* features in reasons */
	int config;          /* addition: the bytes are a miner's configuration text (an
	                         XMRig config.json is what XMRIG, config 1), not its code */
} mt_miner_id;

/* Identifies a miner or miner driver in a whole file (PE or ELF, or any bytes), by more
 * than one feature, so that a copy whose "xmrig" strings were all replaced is still
 * found. Reads at most len bytes; never fails (what NONE when nothing is seen; reasons
 * may still name the features that were seen, too few to decide). The bytes of
 * minetrace itself (its rules' @source marker, see filescan.h) are NONE. One pass over
 * the bytes (about 1-2 ms per MiB) and about 30 KiB of stack; no state shared between
 * calls or threads. */
void mt_miner_identify(const void *data, size_t len, mt_miner_id *out);

#endif
