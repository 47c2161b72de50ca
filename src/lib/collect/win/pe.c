/* pe.c - bounded reader of PE32/PE32+ files (headers, sections, imports, version resource)
 * and the identification of miners and their MSR driver by content, in PE, ELF or any
 * bytes. Every read goes through fits(), which cannot overflow (YARA's fits_in_pe). */
#include <stdio.h>
#include <string.h>

#include "pe.h"
#include "../filescan.h"

#define IMAGE_FILE_SYSTEM_     0x1000
#define IMAGE_FILE_DLL_        0x2000
#define IMAGE_SUBSYSTEM_NATIVE 1
#define RT_VERSION_            16
#define VS_FIXED_SIGNATURE     0xfeef04bdu
#define RES_MAX_ENTRIES        4096 /* entries of one resource directory looked at */
#define NAME_MAX_              256  /* DLL and function names are cut to 255 bytes */

/* [off, off+size) lies inside [0, len); cannot overflow. */
static int fits(size_t len, uint64_t off, uint64_t size)
{
	return size <= len && off <= len - size;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (unsigned)p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* e_lfanew when data has "MZ" and a "PE\0\0" there with a whole COFF header after it. */
static int pe_header(const uint8_t *d, size_t len, uint32_t *lfanew)
{
	if (!d || len < 64 || d[0] != 'M' || d[1] != 'Z')
		return -1;
	uint32_t o = le32(d + 0x3c);
	if (!fits(len, o, 24) || memcmp(d + o, "PE\0\0", 4) != 0)
		return -1;
	*lfanew = o;
	return 0;
}

int mt_pe_magic(const void *data, size_t len)
{
	uint32_t o;
	return pe_header(data, len, &o) == 0;
}

/* The file offset of rva and how many bytes of its region (the headers or one section's
 * raw data, cut at the file's end) follow it; -1 when nothing maps it. */
static int map_rva(const mt_pe *pe, uint32_t rva, size_t *off, size_t *avail)
{
	uint32_t lowest = UINT32_MAX;
	for (size_t i = 0; i < pe->nsec; i++) {
		const mt_pe_section *s = &pe->sec[i];
		if (s->vaddr < lowest)
			lowest = s->vaddr;
		if (rva < s->vaddr)
			continue;
		uint64_t d = (uint64_t)rva - s->vaddr;
		uint64_t raw = s->raw_off;
		if (pe->file_align >= 0x200)
			raw &= ~(uint64_t)0x1ff; /* what the loader does */
		uint64_t extent = s->raw_size;
		if (s->vsize && s->vsize < extent)
			extent = s->vsize;
		if (d < extent && raw + d < pe->len) {
			uint64_t a = extent - d;
			if (a > pe->len - (raw + d))
				a = pe->len - (raw + d);
			*off = (size_t)(raw + d);
			*avail = (size_t)a;
			return 0;
		}
	}
	/* the headers map to themselves, up to the first section */
	uint64_t hend = pe->len;
	if (pe->nsec && lowest < hend)
		hend = lowest;
	if (rva < hend) {
		*off = rva;
		*avail = (size_t)(hend - rva);
		return 0;
	}
	return -1;
}

int mt_pe_rva_to_off(const mt_pe *pe, uint32_t rva, uint32_t size, size_t *off)
{
	size_t o, avail;
	if (!pe || map_rva(pe, rva, &o, &avail) || size > avail)
		return -1;
	*off = o;
	return 0;
}

/* ---- the version resource ---- */

/* The data entry of the first RT_VERSION resource (first name, first language). */
static int find_version(const mt_pe *pe, size_t *voff, size_t *vlen)
{
	if (pe->ndirs <= MT_PE_DIR_RESOURCE || !pe->dir[MT_PE_DIR_RESOURCE].size)
		return -1;
	size_t root;
	if (mt_pe_rva_to_off(pe, pe->dir[MT_PE_DIR_RESOURCE].rva, 16, &root))
		return -1;
	/* the resource section's extent from the root, for the relative offsets */
	uint32_t rsize = pe->dir[MT_PE_DIR_RESOURCE].size;
	size_t avail = pe->len - root;
	if (rsize > avail)
		rsize = (uint32_t)avail;
	const uint8_t *r = pe->data + root;
	uint32_t dir = 0;
	/* three levels: type, name, language; each level's offset comes from the last, so a
	 * directory pointing back at itself ends after three steps */
	for (int level = 0; level < 3; level++) {
		if (!fits(rsize, dir, 16))
			return -1;
		unsigned n = (unsigned)le16(r + dir + 12) + le16(r + dir + 14);
		if (n > RES_MAX_ENTRIES)
			n = RES_MAX_ENTRIES;
		int found = 0;
		for (unsigned i = 0; i < n; i++) {
			uint64_t e = (uint64_t)dir + 16 + 8ull * i;
			if (!fits(rsize, e, 8))
				return -1;
			uint32_t name = le32(r + e), to = le32(r + e + 4);
			if (level == 0 && name != RT_VERSION_)
				continue;
			int sub = (to & 0x80000000u) != 0;
			if ((level < 2) != sub)
				continue; /* levels 0 and 1 point at directories, level 2 at data */
			dir = to & 0x7fffffffu;
			found = 1;
			break;
		}
		if (!found)
			return -1;
	}
	/* IMAGE_RESOURCE_DATA_ENTRY: an RVA and a size */
	if (!fits(rsize, dir, 16))
		return -1;
	uint32_t rva = le32(r + dir), size = le32(r + dir + 4);
	if (size < 6 || mt_pe_rva_to_off(pe, rva, size, voff))
		return -1;
	*vlen = size;
	return 0;
}

/* One block of a version resource: wLength, wValueLength, wType, a UTF-16 key, padding,
 * the value, padding, the children. Offsets are relative to the VS_VERSIONINFO start. */
typedef struct vblock {
	size_t start, end;     /* [start, end) of the block, inside its parent */
	size_t key, key_units; /* the key's UTF-16 code units, without the NUL */
	size_t value;          /* 4-aligned start of the value */
	size_t value_len;      /* bytes of the value as declared (text: units * 2) */
	size_t children;       /* 4-aligned start of the children */
	unsigned type;         /* 1 text, 0 binary */
} vblock;

static size_t align4(size_t x)
{
	return (x + 3) & ~(size_t)3;
}

/* Reads the block at off inside [.., end) of v[0..n); -1 when it does not fit. */
static int read_vblock(const uint8_t *v, size_t end, size_t off, vblock *b)
{
	if (off >= end || end - off < 6)
		return -1;
	size_t l = le16(v + off);
	if (l < 6 || l > end - off)
		return -1;
	b->start = off;
	b->end = off + l;
	b->type = le16(v + off + 4);
	size_t vl = le16(v + off + 2);
	b->key = off + 6;
	size_t i = b->key;
	while (i + 1 < b->end && le16(v + i) != 0)
		i += 2;
	if (i + 1 >= b->end) { /* no NUL: a key filling the block */
		b->key_units = (i - b->key) / 2;
		b->value = b->children = b->end;
		b->value_len = 0;
		return 0;
	}
	b->key_units = (i - b->key) / 2;
	b->value = align4(i + 2);
	if (b->value > b->end)
		b->value = b->end;
	b->value_len = b->type == 1 ? vl * 2 : vl;
	if (b->value_len > b->end - b->value)
		b->value_len = b->end - b->value;
	b->children = align4(b->value + b->value_len);
	if (b->children > b->end)
		b->children = b->end;
	return 0;
}

static int key_is(const uint8_t *v, const vblock *b, const char *key)
{
	size_t n = strlen(key);
	if (b->key_units != n)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (le16(v + b->key + 2 * i) != (unsigned char)key[i])
			return 0;
	return 1;
}

static void parse_version(mt_pe *pe)
{
	size_t off, len;
	if (find_version(pe, &off, &len))
		return;
	const uint8_t *v = pe->data + off;
	vblock b;
	if (read_vblock(v, len, 0, &b) || !key_is(v, &b, "VS_VERSION_INFO"))
		return;
	pe->ver_off = off;
	pe->ver_len = b.end;
	pe->has_version = 1;
	if (b.value_len >= 52 && le32(v + b.value) == VS_FIXED_SIGNATURE) {
		const uint8_t *f = v + b.value;
		uint32_t fms = le32(f + 8), fls = le32(f + 12), pms = le32(f + 16),
			 pls = le32(f + 20);
		pe->file_ver[0] = (uint16_t)(fms >> 16);
		pe->file_ver[1] = (uint16_t)fms;
		pe->file_ver[2] = (uint16_t)(fls >> 16);
		pe->file_ver[3] = (uint16_t)fls;
		pe->product_ver[0] = (uint16_t)(pms >> 16);
		pe->product_ver[1] = (uint16_t)pms;
		pe->product_ver[2] = (uint16_t)(pls >> 16);
		pe->product_ver[3] = (uint16_t)pls;
	}
}

/* UTF-16LE units [p, p + 2*units) to UTF-8 into out[n] (n > 0), cut at a whole
 * character; unpaired surrogates become U+FFFD. */
static void utf16_to_utf8(const uint8_t *p, size_t units, char *out, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < units; i++) {
		uint32_t c = le16(p + 2 * i);
		if (c == 0)
			break;
		if (c >= 0xd800 && c <= 0xdbff && i + 1 < units) {
			uint32_t c2 = le16(p + 2 * (i + 1));
			if (c2 >= 0xdc00 && c2 <= 0xdfff) {
				c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
				i++;
			} else {
				c = 0xfffd;
			}
		} else if (c >= 0xd800 && c <= 0xdfff) {
			c = 0xfffd;
		}
		char u[4];
		size_t k;
		if (c < 0x80) {
			u[0] = (char)c;
			k = 1;
		} else if (c < 0x800) {
			u[0] = (char)(0xc0 | c >> 6);
			u[1] = (char)(0x80 | (c & 0x3f));
			k = 2;
		} else if (c < 0x10000) {
			u[0] = (char)(0xe0 | c >> 12);
			u[1] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[2] = (char)(0x80 | (c & 0x3f));
			k = 3;
		} else {
			u[0] = (char)(0xf0 | c >> 18);
			u[1] = (char)(0x80 | ((c >> 12) & 0x3f));
			u[2] = (char)(0x80 | ((c >> 6) & 0x3f));
			u[3] = (char)(0x80 | (c & 0x3f));
			k = 4;
		}
		if (o + k >= n)
			break;
		memcpy(out + o, u, k);
		o += k;
	}
	out[o] = '\0';
}

int mt_pe_version_string(const mt_pe *pe, const char *key, char *out, size_t n)
{
	if (!pe || !key || !out || !n)
		return -1;
	out[0] = '\0';
	if (!pe->has_version || !fits(pe->len, pe->ver_off, pe->ver_len))
		return -1;
	const uint8_t *v = pe->data + pe->ver_off;
	vblock root, sfi, table, str;
	if (read_vblock(v, pe->ver_len, 0, &root))
		return -1;
	/* children of the root: StringFileInfo and VarFileInfo, in either order */
	for (size_t o = root.children; read_vblock(v, root.end, o, &sfi) == 0;
	     o = align4(sfi.end)) {
		if (!key_is(v, &sfi, "StringFileInfo"))
			continue;
		/* the first StringTable (one language and code page) */
		if (read_vblock(v, sfi.end, sfi.children, &table))
			return -1;
		for (size_t s = table.children; read_vblock(v, table.end, s, &str) == 0;
		     s = align4(str.end)) {
			if (!key_is(v, &str, key))
				continue;
			/* the text runs to its NUL or the block's end (wValueLength is counted
			 * in bytes by some linkers, in characters by others) */
			utf16_to_utf8(v + str.value, (str.end - str.value) / 2, out, n);
			return 0;
		}
		return -1;
	}
	return -1;
}

/* ---- headers ---- */

mt_err mt_pe_parse(const void *data, size_t len, mt_pe *pe)
{
	const uint8_t *d = data;
	uint32_t o;
	memset(pe, 0, sizeof(*pe));
	pe->data = d;
	pe->len = len;
	if (pe_header(d, len, &o))
		return MT_ERR_PARSE;
	const uint8_t *c = d + o + 4; /* the COFF header (fits: pe_header) */
	pe->machine = le16(c);
	unsigned nsec = le16(c + 2);
	pe->timestamp = le32(c + 4);
	unsigned optsize = le16(c + 16);
	pe->characteristics = le16(c + 18);
	uint64_t opt = (uint64_t)o + 24;
	if (optsize < 2 || !fits(len, opt, 2))
		return MT_ERR_PARSE;
	unsigned magic = le16(d + opt);
	if (magic != 0x10b && magic != 0x20b)
		return MT_ERR_PARSE;
	pe->is64 = magic == 0x20b;
	/* the fields up to NumberOfRvaAndSizes must be there */
	unsigned nrva_at = pe->is64 ? 108 : 92;
	if (optsize < nrva_at + 4 || !fits(len, opt, nrva_at + 4))
		return MT_ERR_PARSE;
	const uint8_t *op = d + opt;
	pe->file_align = le32(op + 36);
	pe->size_of_headers = le32(op + 60);
	pe->subsystem = le16(op + 68);
	uint32_t nrva = le32(op + nrva_at);
	size_t dirs_at = nrva_at + 4;
	for (size_t i = 0; i < MT_PE_MAX_DIRS && i < nrva; i++) {
		size_t at = dirs_at + 8 * i;
		if (at + 8 > optsize || !fits(len, opt + at, 8))
			break;
		pe->dir[i].rva = le32(op + at);
		pe->dir[i].size = le32(op + at + 4);
		pe->ndirs = i + 1;
	}
	pe->is_dll = (pe->characteristics & IMAGE_FILE_DLL_) != 0;
	pe->is_driver = pe->subsystem == IMAGE_SUBSYSTEM_NATIVE ||
	                (pe->characteristics & IMAGE_FILE_SYSTEM_) != 0;

	/* the section table follows the optional header as declared */
	uint64_t st = opt + optsize;
	for (unsigned i = 0; i < nsec; i++) {
		if (pe->nsec == MT_PE_MAX_SECTIONS || !fits(len, st + 40ull * i, 40)) {
			pe->sections_cut = 1;
			break;
		}
		const uint8_t *s = d + st + 40ull * i;
		mt_pe_section *ps = &pe->sec[pe->nsec++];
		for (int k = 0; k < 8; k++)
			ps->name[k] = (s[k] >= 0x20 && s[k] < 0x7f) ? (char)s[k] : s[k] ? '?' : 0;
		ps->name[8] = '\0';
		ps->vsize = le32(s + 8);
		ps->vaddr = le32(s + 12);
		ps->raw_size = le32(s + 16);
		ps->raw_off = le32(s + 20);
		ps->flags = le32(s + 36);
	}

	/* the certificate directory holds a file offset, not an RVA */
	if (pe->ndirs > MT_PE_DIR_SECURITY && pe->dir[MT_PE_DIR_SECURITY].size >= 8 &&
	    fits(len, pe->dir[MT_PE_DIR_SECURITY].rva, 8))
		pe->signed_ = 1;
	parse_version(pe);
	return MT_OK;
}

/* ---- imports ---- */

/* The NUL-terminated name at rva, inside one region, cut to NAME_MAX_-1 bytes, into out;
 * -1 when rva does not map or the name is empty. */
static int read_name(const mt_pe *pe, uint32_t rva, char out[NAME_MAX_])
{
	size_t off, avail;
	out[0] = '\0';
	if (map_rva(pe, rva, &off, &avail))
		return -1;
	if (avail > NAME_MAX_ - 1)
		avail = NAME_MAX_ - 1;
	const uint8_t *p = pe->data + off;
	size_t n = 0;
	while (n < avail && p[n])
		n++;
	memcpy(out, p, n);
	out[n] = '\0';
	return n ? 0 : -1;
}

mt_err mt_pe_imports(const mt_pe *pe, mt_pe_import_fn fn, void *ctx)
{
	if (!pe || !fn)
		return MT_ERR_INVAL;
	if (pe->ndirs <= MT_PE_DIR_IMPORT || !pe->dir[MT_PE_DIR_IMPORT].rva)
		return MT_OK;
	uint32_t base = pe->dir[MT_PE_DIR_IMPORT].rva;
	size_t off;
	if (mt_pe_rva_to_off(pe, base, 20, &off))
		return MT_ERR_PARSE;
	unsigned long count = 0;
	char dll[NAME_MAX_], func[NAME_MAX_];
	unsigned tsize = pe->is64 ? 8 : 4;
	for (uint32_t i = 0; i < MT_MAX_PE_IMPORTS; i++) {
		uint64_t drva = (uint64_t)base + 20ull * i;
		if (drva > UINT32_MAX - 20 || mt_pe_rva_to_off(pe, (uint32_t)drva, 20, &off))
			return MT_OK; /* the table ran off its section: what was read stands */
		const uint8_t *e = pe->data + off;
		uint32_t ilt = le32(e), name = le32(e + 12), iat = le32(e + 16);
		if (ilt == 0 && name == 0 && iat == 0)
			return MT_OK; /* the terminating descriptor */
		if (read_name(pe, name, dll))
			continue;
		uint32_t thunks = ilt ? ilt : iat;
		for (uint32_t k = 0;; k++) {
			uint64_t trva = (uint64_t)thunks + (uint64_t)tsize * k;
			size_t to;
			if (trva > UINT32_MAX - tsize ||
			    mt_pe_rva_to_off(pe, (uint32_t)trva, tsize, &to))
				break;
			uint64_t t = pe->is64 ? le64(pe->data + to) : le32(pe->data + to);
			if (t == 0)
				break;
			if (count >= MT_MAX_PE_IMPORTS)
				return MT_ERR_LIMIT;
			count++;
			int ordinal = pe->is64 ? (t >> 63) != 0 : (t >> 31) != 0;
			if (ordinal) {
				snprintf(func, sizeof(func), "#%u", (unsigned)(t & 0xffff));
			} else {
				/* IMAGE_IMPORT_BY_NAME: a hint, then the name */
				uint32_t hn = (uint32_t)(t & 0x7fffffffu);
				if (hn > UINT32_MAX - 2 || read_name(pe, hn + 2, func))
					continue;
			}
			if (fn(ctx, dll, func))
				return MT_OK;
		}
	}
	return MT_ERR_LIMIT;
}

/* ---- miners by content ----
 *
 * One pass over the bytes looks for every needle of the table below at once (a bitmap
 * of the first two bytes of each needle, then a compare), together with filescan.h's
 * mt_miner_strings and the marker of minetrace's own bytes (mt_strscan_self_marker):
 * mt_strscan itself makes a memmem pass per string, which would double the time. Needles group into features;
 * a feature holds when at least `need` of its needles were seen. The reasons name the
 * features:
 *   XMRig (none of them needs the word "xmrig", so a renamed copy is still found)
 *     randomx_consts  RandomX's SuperscalarHash constants (64-bit, little-endian) or the
 *                     Argon2 salt "RandomX\x03": the RandomX code itself
 *     algo_names      XMRig's algorithm names ("rx/0", "cn/r", "cn-heavy/0", "kawpow"...)
 *     stratum         stratum methods and URLs ("mining.subscribe", "keepalived"...)
 *     donate_level    "donate-level", "donate-over-proxy", the donation pool hosts
 *     config_keys     XMRig's options and config keys ("huge-pages-jit", "rig-id"...)
 *     msr_device      MSR programming: "/dev/cpu/{}/msr", "modprobe msr", WinRing0 paths
 *     hwloc, cryptonight, name_xmrig: support, never enough alone
 *   other miners
 *     xmrstak_keys    xmr-stak's config keys ("pool_list", "cpu_threads_conf"...)
 *     getwork_headers cpuminer's HTTP headers ("X-Mining-Extensions", "X-Long-Polling")
 *     miner_name      a miner's own name (xmr-stak, cpuminer, ccminer, ethminer...)
 *   WinRing0
 *     device_name     "WinRing0" in UTF-16 (\Device\WinRing0_1_2_0)
 *     openlibsys      "OpenLibSys" (ASCII or UTF-16)
 *     ioctl_codes     the driver's IOCTL codes (0x9C402000, 0x9C402084...) as bytes
 *     version_info    the version resource names OpenLibSys or WinRing0
 *     driver          a PE driver (native subsystem or IMAGE_FILE_SYSTEM)
 *   config text
 *     miner_config    mt_minercfg_verdict says the JSON text configures a miner
 */

enum {
	F_RANDOMX,
	F_RXSALT,
	F_ALGO,
	F_STRATUM,
	F_DONATE,
	F_CONFIG,
	F_MSR,
	F_HWLOC,
	F_CN,
	F_NAME_XMRIG,
	F_XMRSTAK,
	F_GETWORK,
	F_NAME_MINER,
	F_WR_DEVICE,
	F_OPENLIBSYS,
	F_IOCTL,
	F_VERSION,
	F_DRIVER,
	F_MINERCFG,
	F_SELF,
	F_COUNT
};

static const struct {
	const char *reason;
	unsigned need; /* distinct needles of the feature that make it hold */
} features[F_COUNT] = {
	[F_RANDOMX] = {"randomx_consts", 4}, [F_RXSALT] = {"randomx_consts", 1},
	[F_ALGO] = {"algo_names", 4},        [F_STRATUM] = {"stratum", 2},
	[F_DONATE] = {"donate_level", 1},    [F_CONFIG] = {"config_keys", 5},
	[F_MSR] = {"msr_device", 1},         [F_HWLOC] = {"hwloc", 1},
	[F_CN] = {"cryptonight", 1},         [F_NAME_XMRIG] = {"name_xmrig", 1},
	[F_XMRSTAK] = {"xmrstak_keys", 4},   [F_GETWORK] = {"getwork_headers", 2},
	[F_NAME_MINER] = {"miner_name", 1},  [F_WR_DEVICE] = {"device_name", 1},
	[F_OPENLIBSYS] = {"openlibsys", 1},  [F_IOCTL] = {"ioctl_codes", 3},
	[F_VERSION] = {"version_info", 1},   [F_DRIVER] = {"driver", 1},
	[F_MINERCFG] = {"miner_config", 1},  [F_SELF] = {NULL, 1},
};

#define N_CI       1 /* ASCII case ignored */
#define N_UTF16    2 /* looked for as UTF-16LE too (not instead) */
/* the bytes are written inverted (each ~b) and turned back when the matcher is built:
 * minetrace's own binary then holds no RandomX constant, and a file with them and with
 * minetrace's marker is a miner hiding behind the marker, not minetrace */
#define N_INV      4
#define N_BYTES(s) s, sizeof(s) - 1

typedef struct needle {
	const char *s;
	size_t len;
	unsigned char feat, flags;
	const char *family; /* F_NAME_MINER: the family the name says */
} needle;

static const needle needles[] = {
	/* RandomX SuperscalarHash constants superscalarAdd1..7 (not superscalarMul0: that one
	 * is Knuth's MMIX multiplier, common in random number generators) */
	{N_BYTES("\x03\x5e\x0a\xa6\x75\x68\xf5\x7e"), F_RANDOMX, N_INV, NULL},
	{N_BYTES("\xb9\xf8\x94\x90\xa0\xc1\x8e\x58"), F_RANDOMX, N_INV, NULL},
	{N_BYTES("\xa3\xa5\xa3\x41\x72\x3a\xd9\x7e"), F_RANDOMX, N_INV, NULL},
	{N_BYTES("\x9d\xf5\xe1\x96\x4f\x9b\xb2\xb6"), F_RANDOMX, N_INV, NULL},
	{N_BYTES("\xf3\x93\xab\xaf\xfa\x36\xc8\x6d"), F_RANDOMX, N_INV, NULL},
	{N_BYTES("\x87\x94\x8e\xcd\x95\xa2\xd5\xd0"), F_RANDOMX, N_INV, NULL},
	{N_BYTES("\xb1\xdd\x6c\xb5\xd3\x5c\x7a\x7b"), F_RANDOMX, N_INV, NULL},
	{N_BYTES("\xad\x9e\x91\x9b\x90\x92\xa7\xfc"), F_RXSALT, N_INV, NULL}, /* "RandomX\x03" */
	/* XMRig's algorithm names */
	{N_BYTES("rx/0"), F_ALGO, 0, NULL},
	{N_BYTES("rx/wow"), F_ALGO, 0, NULL},
	{N_BYTES("rx/arq"), F_ALGO, 0, NULL},
	{N_BYTES("rx/sfx"), F_ALGO, 0, NULL},
	{N_BYTES("rx/keva"), F_ALGO, 0, NULL},
	{N_BYTES("rx/graft"), F_ALGO, 0, NULL},
	{N_BYTES("cn/r"), F_ALGO, 0, NULL},
	{N_BYTES("cn/0"), F_ALGO, 0, NULL},
	{N_BYTES("cn/half"), F_ALGO, 0, NULL},
	{N_BYTES("cn/rwz"), F_ALGO, 0, NULL},
	{N_BYTES("cn/zls"), F_ALGO, 0, NULL},
	{N_BYTES("cn/double"), F_ALGO, 0, NULL},
	{N_BYTES("cn/ccx"), F_ALGO, 0, NULL},
	{N_BYTES("cn/upx2"), F_ALGO, 0, NULL},
	{N_BYTES("cn-lite/0"), F_ALGO, 0, NULL},
	{N_BYTES("cn-heavy/0"), F_ALGO, 0, NULL},
	{N_BYTES("cn-heavy/xhv"), F_ALGO, 0, NULL},
	{N_BYTES("cn-pico/trtl"), F_ALGO, 0, NULL},
	{N_BYTES("argon2/chukwa"), F_ALGO, 0, NULL},
	{N_BYTES("astrobwt/dero"), F_ALGO, 0, NULL},
	{N_BYTES("kawpow/rvn"), F_ALGO, 0, NULL},
	{N_BYTES("ghostrider/rtm"), F_ALGO, 0, NULL},
	/* stratum (mt_strscan adds "stratum+tcp://", "mining.subscribe", "mining.authorize") */
	{N_BYTES("mining.notify"), F_STRATUM, 0, NULL},
	{N_BYTES("mining.set_difficulty"), F_STRATUM, 0, NULL},
	{N_BYTES("mining.submit"), F_STRATUM, 0, NULL},
	{N_BYTES("mining.extranonce.subscribe"), F_STRATUM, 0, NULL},
	{N_BYTES("keepalived"), F_STRATUM, 0, NULL},
	{N_BYTES("stratum+ssl://"), F_STRATUM, 0, NULL},
	/* donation (mt_strscan adds "donate-level") */
	{N_BYTES("donate-over-proxy"), F_DONATE, 0, NULL},
	{N_BYTES("donate.v2."), F_DONATE, 0, NULL},
	{N_BYTES("donate.ssl."), F_DONATE, 0, NULL},
	/* XMRig's options and config keys */
	{N_BYTES("max-cpu-usage"), F_CONFIG, 0, NULL},
	{N_BYTES("huge-pages-jit"), F_CONFIG, 0, NULL},
	{N_BYTES("rig-id"), F_CONFIG, 0, NULL},
	{N_BYTES("tls-fingerprint"), F_CONFIG, 0, NULL},
	{N_BYTES("cpu-priority"), F_CONFIG, 0, NULL},
	{N_BYTES("1gb-pages"), F_CONFIG, 0, NULL},
	{N_BYTES("daemon-poll-interval"), F_CONFIG, 0, NULL},
	{N_BYTES("self-select"), F_CONFIG, 0, NULL},
	{N_BYTES("init-avx2"), F_CONFIG, 0, NULL},
	{N_BYTES("randomx-wrmsr"), F_CONFIG, 0, NULL},
	{N_BYTES("randomx-no-rdmsr"), F_CONFIG, 0, NULL},
	{N_BYTES("cpu-max-threads-hint"), F_CONFIG, 0, NULL},
	{N_BYTES("astrobwt-max-size"), F_CONFIG, 0, NULL},
	{N_BYTES("argon2-impl"), F_CONFIG, 0, NULL},
	{N_BYTES("scratchpad_prefetch_mode"), F_CONFIG, 0, NULL},
	{N_BYTES("pause-on-battery"), F_CONFIG, 0, NULL},
	{N_BYTES("submit-to-origin"), F_CONFIG, 0, NULL},
	{N_BYTES("health-print-time"), F_CONFIG, 0, NULL},
	/* MSR programming */
	{N_BYTES("/dev/cpu/{}/msr"), F_MSR, 0, NULL},
	{N_BYTES("/dev/cpu/%d/msr"), F_MSR, 0, NULL},
	{N_BYTES("/dev/cpu/%u/msr"), F_MSR, 0, NULL},
	{N_BYTES("modprobe msr"), F_MSR, 0, NULL},
	{N_BYTES("msr/parameters/allow_writes"), F_MSR, 0, NULL},
	{N_BYTES("WinRing0_1_2_0"), F_MSR, 0, NULL},
	{N_BYTES("WinRing0x64.sys"), F_MSR, 0, NULL},
	/* support */
	{N_BYTES("hwloc_topology_init"), F_HWLOC, 0, NULL},
	{N_BYTES("HWLOC_"), F_HWLOC, 0, NULL},
	{N_BYTES("xmrig"), F_NAME_XMRIG, N_CI, NULL},
	/* xmr-stak */
	{N_BYTES("pool_list"), F_XMRSTAK, 0, NULL},
	{N_BYTES("wallet_address"), F_XMRSTAK, 0, NULL},
	{N_BYTES("use_nicehash"), F_XMRSTAK, 0, NULL},
	{N_BYTES("cpu_threads_conf"), F_XMRSTAK, 0, NULL},
	{N_BYTES("low_power_mode"), F_XMRSTAK, 0, NULL},
	{N_BYTES("affine_to_cpu"), F_XMRSTAK, 0, NULL},
	{N_BYTES("use_slow_memory"), F_XMRSTAK, 0, NULL},
	{N_BYTES("pool_weight"), F_XMRSTAK, 0, NULL},
	{N_BYTES("h_print_time"), F_XMRSTAK, 0, NULL},
	/* cpuminer */
	{N_BYTES("X-Mining-Extensions"), F_GETWORK, 0, NULL},
	{N_BYTES("X-Long-Polling"), F_GETWORK, 0, NULL},
	{N_BYTES("X-Mining-Hashrate"), F_GETWORK, 0, NULL},
	{N_BYTES("X-Stratum"), F_GETWORK, 0, NULL},
	/* miners' own names */
	{N_BYTES("xmr-stak"), F_NAME_MINER, N_CI, "xmr-stak"},
	{N_BYTES("cpuminer"), F_NAME_MINER, N_CI, "cpuminer"},
	{N_BYTES("minerd"), F_NAME_MINER, 0, "cpuminer"}, /* not "MinerD" of C++ names */
	{N_BYTES("ccminer"), F_NAME_MINER, N_CI, "ccminer"},
	{N_BYTES("cgminer"), F_NAME_MINER, N_CI, "cgminer"},
	{N_BYTES("bfgminer"), F_NAME_MINER, N_CI, "bfgminer"},
	{N_BYTES("ethminer"), F_NAME_MINER, N_CI, "ethminer"},
	{N_BYTES("nanominer"), F_NAME_MINER, N_CI, "nanominer"},
	{N_BYTES("lolMiner"), F_NAME_MINER, N_CI, "lolminer"},
	{N_BYTES("PhoenixMiner"), F_NAME_MINER, N_CI, "phoenixminer"},
	{N_BYTES("SRBMiner"), F_NAME_MINER, N_CI, "srbminer"},
	{N_BYTES("teamredminer"), F_NAME_MINER, N_CI, "teamredminer"},
	{N_BYTES("nheqminer"), F_NAME_MINER, N_CI, "nheqminer"},
	/* WinRing0 */
	{N_BYTES("\\Device\\WinRing0"), F_WR_DEVICE, N_UTF16, NULL},
	{N_BYTES("WinRing0"), F_WR_DEVICE, N_UTF16, NULL},
	{N_BYTES("OpenLibSys"), F_OPENLIBSYS, N_UTF16, NULL},
	{N_BYTES("\x00\x20\x40\x9c"), F_IOCTL, 0, NULL}, /* IOCTL_OLS_GET_DRIVER_VERSION */
	{N_BYTES("\x04\x20\x40\x9c"), F_IOCTL, 0, NULL}, /* IOCTL_OLS_GET_REFCOUNT */
	{N_BYTES("\x84\x20\x40\x9c"), F_IOCTL, 0, NULL}, /* IOCTL_OLS_READ_MSR */
	{N_BYTES("\x88\x20\x40\x9c"), F_IOCTL, 0, NULL}, /* IOCTL_OLS_WRITE_MSR */
};

#define N_NEEDLES   MT_ARRAY_LEN(needles)
#define MAX_PATTERN 64 /* the longest needle, UTF-16 included */

/* One pattern looked for: a needle as it is, or in UTF-16LE. */
typedef struct pattern {
	unsigned char b[MAX_PATTERN];
	size_t len;
	unsigned idx; /* needle */
	int ci;
	int next; /* the next pattern whose first byte (folded when ci) is the same; -1 */
} pattern;

/* mt_miner_strings[i] counts for this feature (-1: none; "randomx" and "xmrig" are
 * weaker than the needles above, which have their own) */
static const int strscan_feat[MT_MINER_STRINGS] = {F_STRATUM, F_CN,      -1,       -1,
                                                   F_DONATE,  F_STRATUM, F_STRATUM};
#define N_EXTRA (MT_MINER_STRINGS + 1) /* and the self marker, last */
#define N_ALL   (N_NEEDLES + N_EXTRA)

typedef struct matcher {
	pattern pat[2 * N_NEEDLES + N_EXTRA];
	size_t npat;
	int head[256];           /* first pattern of each first byte, -1 */
	uint8_t pair[65536 / 8]; /* bit (b0 << 8 | b1): a pattern may start with b0 b1 */
	uint8_t seen[N_ALL];     /* needles, then mt_miner_strings, then the self marker */
} matcher;

/* ASCII case folding, whatever the locale */
static unsigned lower(unsigned c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static unsigned upper(unsigned c)
{
	return c >= 'a' && c <= 'z' ? c - 32 : c;
}

static void set_pair(matcher *m, unsigned a, unsigned b)
{
	unsigned k = a << 8 | b;
	m->pair[k >> 3] |= (uint8_t)(1u << (k & 7));
}

static void add_pattern(matcher *m, unsigned idx, const unsigned char *b, size_t len, int ci)
{
	pattern *p = &m->pat[m->npat];
	for (size_t i = 0; i < len; i++)
		p->b[i] = ci ? (unsigned char)lower(b[i]) : b[i];
	p->len = len;
	p->idx = idx;
	p->ci = ci;
	unsigned f = ci ? lower(b[0]) : b[0];
	p->next = m->head[f];
	m->head[f] = (int)m->npat;
	if (ci) {
		unsigned b0[2] = {lower(b[0]), upper(b[0])};
		unsigned b1[2] = {lower(b[1]), upper(b[1])};
		for (int i = 0; i < 2; i++)
			for (int j = 0; j < 2; j++)
				set_pair(m, b0[i], b1[j]);
	} else {
		set_pair(m, b[0], b[1]);
	}
	m->npat++;
}

static void matcher_init(matcher *m)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < 256; i++)
		m->head[i] = -1;
	for (unsigned i = 0; i < N_NEEDLES; i++) {
		const needle *n = &needles[i];
		if (n->flags & N_INV) {
			unsigned char b[MAX_PATTERN];
			for (size_t k = 0; k < n->len && k < sizeof(b); k++)
				b[k] = (unsigned char)~(unsigned char)n->s[k];
			add_pattern(m, i, b, n->len, 0);
			continue;
		}
		add_pattern(m, i, (const unsigned char *)n->s, n->len, (n->flags & N_CI) != 0);
		if (n->flags & N_UTF16) {
			unsigned char w[MAX_PATTERN];
			for (size_t k = 0; k < n->len; k++) {
				w[2 * k] = (unsigned char)n->s[k];
				w[2 * k + 1] = 0;
			}
			add_pattern(m, i, w, 2 * n->len, 0);
		}
	}
	for (unsigned i = 0; i < MT_MINER_STRINGS; i++)
		add_pattern(m, N_NEEDLES + i, (const unsigned char *)mt_miner_strings[i],
		            strlen(mt_miner_strings[i]), 0);
	add_pattern(m, N_NEEDLES + MT_MINER_STRINGS, (const unsigned char *)mt_strscan_self_marker,
	            strlen(mt_strscan_self_marker), 0);
}

static int pattern_at(const pattern *p, const unsigned char *s, size_t left)
{
	if (p->len > left)
		return 0;
	if (!p->ci)
		return memcmp(p->b, s, p->len) == 0;
	for (size_t i = 0; i < p->len; i++)
		if (lower(s[i]) != p->b[i])
			return 0;
	return 1;
}

static void matcher_run(matcher *m, const unsigned char *d, size_t len)
{
	if (len < 2)
		return;
	for (size_t i = 0; i + 1 < len; i++) {
		unsigned k = (unsigned)d[i] << 8 | d[i + 1];
		if (!(m->pair[k >> 3] & (1u << (k & 7))))
			continue;
		/* both the byte and its lower case: case-ignoring patterns are filed under
		 * their lower-case first byte */
		unsigned f[2] = {d[i], lower(d[i])};
		for (int w = 0; w < (f[1] != f[0] ? 2 : 1); w++)
			for (int pi = m->head[f[w]]; pi >= 0; pi = m->pat[pi].next) {
				const pattern *p = &m->pat[pi];
				if (!m->seen[p->idx] && (p->ci || w == 0) &&
				    pattern_at(p, d + i, len - i))
					m->seen[p->idx] = 1;
			}
	}
}

typedef struct idstate {
	unsigned count[F_COUNT]; /* distinct needles seen per feature */
	int has[F_COUNT];
	const char *name_family; /* the first miner name seen */
} idstate;

static void add_reason(mt_miner_id *out, size_t *used, const char *r)
{
	/* a reason given twice (randomx_consts by two ways) is named once */
	size_t rl = strlen(r);
	for (const char *p = out->reasons; (p = strstr(p, r)) != NULL; p += rl)
		if ((p == out->reasons || p[-1] == ',') && (p[rl] == ',' || p[rl] == '\0'))
			return;
	int w = snprintf(out->reasons + *used, sizeof(out->reasons) - *used, "%s%s",
	                 *used ? "," : "", r);
	if (w > 0 && (size_t)w < sizeof(out->reasons) - *used) {
		*used += (size_t)w;
		out->nreasons++;
	}
}

/* What the version resource of a PE says about WinRing0, and whether it is a driver. */
static void pe_features(const void *data, size_t len, idstate *st)
{
	mt_pe pe;
	if (!mt_pe_magic(data, len) || mt_pe_parse(data, len, &pe) != MT_OK)
		return;
	if (pe.is_driver)
		st->count[F_DRIVER] = 1;
	static const char *const keys[] = {"CompanyName", "ProductName", "FileDescription",
	                                   "InternalName", "OriginalFilename"};
	for (size_t i = 0; i < MT_ARRAY_LEN(keys); i++) {
		char v[256];
		if (mt_pe_version_string(&pe, keys[i], v, sizeof(v)) == 0 &&
		    (strcasestr(v, "OpenLibSys") || strcasestr(v, "WinRing0")))
			st->count[F_VERSION] = 1;
	}
}

static unsigned confidence(unsigned strong, unsigned support)
{
	unsigned c = 40 + 12 * strong + 3 * support;
	return c > 99 ? 99 : c;
}

void mt_miner_identify(const void *data, size_t len, mt_miner_id *out)
{
	memset(out, 0, sizeof(*out));
	if (!data || !len)
		return;
	matcher local; /* about 30 KiB, built per call: no shared state between threads */
	matcher *m = &local;
	matcher_init(m);
	matcher_run(m, data, len);

	idstate st;
	memset(&st, 0, sizeof(st));
	if (m->seen[N_NEEDLES + MT_MINER_STRINGS]) {
		/* minetrace's own binary: its rules hold every miner string, so only what it
		 * cannot hold counts: RandomX's constants (stored inverted here) */
		unsigned rc = 0, salt = 0;
		for (unsigned i = 0; i < N_NEEDLES; i++)
			if (m->seen[i])
				rc += needles[i].feat == F_RANDOMX,
					salt += needles[i].feat == F_RXSALT;
		if (rc < features[F_RANDOMX].need && salt < features[F_RXSALT].need)
			return;
		out->what = MT_ID_MINER;
		mt_copy(out->family, sizeof(out->family), "miner");
		out->confidence = 90;
		mt_copy(out->reasons, sizeof(out->reasons),
		        "randomx_consts,forged_minetrace_marker");
		return;
	}
	for (unsigned i = 0; i < N_NEEDLES; i++)
		if (m->seen[i]) {
			st.count[needles[i].feat]++;
			if (needles[i].feat == F_NAME_MINER && !st.name_family)
				st.name_family = needles[i].family;
		}
	for (size_t i = 0; i < MT_MINER_STRINGS; i++)
		if (m->seen[N_NEEDLES + i] && strscan_feat[i] >= 0)
			st.count[strscan_feat[i]]++;
	pe_features(data, len, &st);

	/* configuration text */
	size_t cfglen = len < MT_MAX_SCRIPT_READ ? len : MT_MAX_SCRIPT_READ;
	mt_minercfg cfg;
	memset(&cfg, 0, sizeof(cfg));
	if (mt_minercfg_looks_json(data, cfglen)) {
		mt_minercfg_scan(data, cfglen, &cfg);
		if (mt_minercfg_verdict(&cfg, NULL, 0))
			st.count[F_MINERCFG] = 1;
	}

	for (int f = 0; f < F_COUNT; f++)
		st.has[f] = st.count[f] >= features[f].need;
	int rx = st.has[F_RANDOMX] || st.has[F_RXSALT];
	unsigned strong = (unsigned)(rx + st.has[F_ALGO] + st.has[F_STRATUM] + st.has[F_DONATE] +
	                             st.has[F_CONFIG] + st.has[F_MSR]);
	unsigned specific = (unsigned)(st.has[F_ALGO] + st.has[F_DONATE] + st.has[F_CONFIG]);
	unsigned support = (unsigned)(st.has[F_HWLOC] + st.has[F_CN] + st.has[F_NAME_XMRIG]);
	unsigned wr_spec = (unsigned)(st.has[F_WR_DEVICE] + st.has[F_OPENLIBSYS] + st.has[F_IOCTL] +
	                              st.has[F_VERSION]);
	int generic = st.has[F_STRATUM] && (rx || st.has[F_CN] || st.has[F_ALGO]);

	if ((specific >= 1 && strong >= 3) || (st.has[F_NAME_XMRIG] && strong >= 2)) {
		out->what = MT_ID_XMRIG;
		mt_copy(out->family, sizeof(out->family), "xmrig");
		out->confidence = confidence(strong, support);
	} else if (st.has[F_XMRSTAK] &&
	           (st.has[F_STRATUM] || st.has[F_CN] || rx || st.has[F_NAME_MINER])) {
		out->what = MT_ID_MINER;
		mt_copy(out->family, sizeof(out->family), "xmr-stak");
		out->confidence =
			confidence(1 + st.has[F_STRATUM] + st.has[F_CN] + rx, st.has[F_NAME_MINER]);
	} else if (st.has[F_GETWORK] && (st.has[F_STRATUM] || st.has[F_NAME_MINER])) {
		out->what = MT_ID_MINER;
		mt_copy(out->family, sizeof(out->family), "cpuminer");
		out->confidence =
			confidence(1 + st.has[F_STRATUM], st.has[F_NAME_MINER] + st.has[F_CN]);
	} else if (st.has[F_NAME_MINER] && (generic || (st.has[F_STRATUM] && strong >= 2))) {
		out->what = MT_ID_MINER;
		mt_copy(out->family, sizeof(out->family), st.name_family);
		out->confidence = confidence(strong, 1 + support);
	} else if (generic && strong >= 2) {
		out->what = MT_ID_MINER;
		mt_copy(out->family, sizeof(out->family), "miner");
		out->confidence = confidence(strong, support) - 10;
	} else if (st.has[F_MINERCFG]) {
		out->what = MT_ID_MINER;
		mt_copy(out->family, sizeof(out->family), cfg.pool_list ? "xmr-stak" : "miner");
		out->confidence = 70;
	} else if ((st.has[F_DRIVER] && wr_spec >= 1) || (st.has[F_IOCTL] && wr_spec >= 2)) {
		out->what = MT_ID_WINRING0;
		mt_copy(out->family, sizeof(out->family), "winring0");
		out->confidence = confidence(wr_spec + st.has[F_DRIVER], 0);
	}
	if (out->what != MT_ID_NONE && st.has[F_MINERCFG])
		out->config = 1;

	size_t used = 0;
	for (int f = 0; f < F_COUNT; f++)
		if (st.has[f] && features[f].reason)
			add_reason(out, &used, features[f].reason);
}
