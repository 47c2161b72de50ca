/* elf.c - bounded reader of ELF32/ELF64 headers and dynamic symbol tables (hostile input:
 * every read goes through rd(), which checks the offset and size against the buffer) */
#include <string.h>

#include "elf.h"

#define SHT_DYNSYM_  11
#define PT_LOAD_     1
#define PT_DYNAMIC_  2
#define DT_NULL_     0
#define DT_HASH_     4
#define DT_STRTAB_   5
#define DT_SYMTAB_   6
#define DT_STRSZ_    10
#define DT_SYMENT_   11
#define DT_GNU_HASH_ 0x6ffffef5ull
#define PN_XNUM_     0xffff
#define SHN_XINDEX_  0xffff

/* [off, off+size) lies inside the buffer; cannot overflow. */
static int fits(const mt_elf *e, uint64_t off, uint64_t size)
{
	return size <= e->len && off <= e->len - size;
}

/* Reads an unsigned integer of n bytes (1, 2, 4, 8) at off in the file's byte order;
 * -1 when it does not fit. */
static int rd(const mt_elf *e, uint64_t off, unsigned n, uint64_t *out)
{
	if (!fits(e, off, n))
		return -1;
	const uint8_t *p = e->data + off;
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned shift = e->big_endian ? 8 * (n - 1 - i) : 8 * i;
		v |= (uint64_t)p[i] << shift;
	}
	*out = v;
	return 0;
}

/* A word of the class: 8 bytes for ELF64, 4 for ELF32. */
static int rdw(const mt_elf *e, uint64_t off, uint64_t *out)
{
	return rd(e, off, e->is64 ? 8 : 4, out);
}

int mt_elf_magic(const void *data, size_t len)
{
	return data && len >= 4 && memcmp(data, "\177ELF", 4) == 0;
}

typedef struct shdr {
	uint64_t type, addr, offset, size, link, info, entsize;
} shdr;

static int read_shdr(const mt_elf *e, size_t i, shdr *s)
{
	uint64_t base;
	if (i >= e->shnum && !(i == 0 && e->shoff))
		return -1;
	if (e->shentsize && i > (UINT64_MAX - e->shoff) / e->shentsize)
		return -1;
	base = e->shoff + (uint64_t)i * e->shentsize;
	if (!fits(e, base, e->is64 ? 64 : 40))
		return -1;
	if (e->is64)
		return rd(e, base + 4, 4, &s->type) || rd(e, base + 16, 8, &s->addr) ||
		                       rd(e, base + 24, 8, &s->offset) ||
		                       rd(e, base + 32, 8, &s->size) ||
		                       rd(e, base + 40, 4, &s->link) ||
		                       rd(e, base + 44, 4, &s->info) ||
		                       rd(e, base + 56, 8, &s->entsize)
		               ? -1
		               : 0;
	return rd(e, base + 4, 4, &s->type) || rd(e, base + 12, 4, &s->addr) ||
	                       rd(e, base + 16, 4, &s->offset) || rd(e, base + 20, 4, &s->size) ||
	                       rd(e, base + 24, 4, &s->link) || rd(e, base + 28, 4, &s->info) ||
	                       rd(e, base + 36, 4, &s->entsize)
	               ? -1
	               : 0;
}

typedef struct phdr {
	uint64_t type, offset, vaddr, filesz;
} phdr;

static int read_phdr(const mt_elf *e, size_t i, phdr *p)
{
	if (i >= e->phnum)
		return -1;
	uint64_t base = e->phoff + (uint64_t)i * e->phentsize; /* fits checked by parse */
	if (e->is64)
		return rd(e, base, 4, &p->type) || rd(e, base + 8, 8, &p->offset) ||
		                       rd(e, base + 16, 8, &p->vaddr) ||
		                       rd(e, base + 32, 8, &p->filesz)
		               ? -1
		               : 0;
	return rd(e, base, 4, &p->type) || rd(e, base + 4, 4, &p->offset) ||
	                       rd(e, base + 8, 4, &p->vaddr) || rd(e, base + 16, 4, &p->filesz)
	               ? -1
	               : 0;
}

mt_err mt_elf_parse(const void *data, size_t len, mt_elf *e)
{
	uint64_t v, shnum, phnum, shstrndx, phentsize, shentsize;
	memset(e, 0, sizeof(*e));
	e->data = data;
	e->len = len;
	if (!mt_elf_magic(data, len) || len < 52)
		return MT_ERR_PARSE;
	const uint8_t *id = data;
	if (id[4] != 1 && id[4] != 2)
		return MT_ERR_PARSE;
	if (id[5] != 1 && id[5] != 2)
		return MT_ERR_PARSE;
	e->is64 = id[4] == 2;
	e->big_endian = id[5] == 2;
	if (e->is64 && len < 64)
		return MT_ERR_PARSE;
	if (rd(e, 16, 2, &v))
		return MT_ERR_PARSE;
	e->type = (unsigned)v;
	if (rd(e, 18, 2, &v))
		return MT_ERR_PARSE;
	e->machine = (unsigned)v;
	unsigned o = e->is64 ? 32 : 28; /* e_phoff */
	if (rdw(e, o, &e->phoff) || rdw(e, o + (e->is64 ? 8 : 4), &e->shoff))
		return MT_ERR_PARSE;
	o = e->is64 ? 54 : 42; /* e_phentsize, then phnum, shentsize, shnum, shstrndx */
	if (rd(e, o, 2, &phentsize) || rd(e, o + 2, 2, &phnum) || rd(e, o + 4, 2, &shentsize) ||
	    rd(e, o + 6, 2, &shnum) || rd(e, o + 8, 2, &shstrndx))
		return MT_ERR_PARSE;

	/* sections: extended numbering keeps the real counts in section 0 */
	e->shentsize = (size_t)shentsize;
	if (e->shoff) {
		shdr s0;
		if (e->shentsize < (e->is64 ? 64u : 40u) || read_shdr(e, 0, &s0)) {
			e->sections_bad = 1;
		} else {
			if (shnum == 0)
				shnum = s0.size;
			if (shstrndx == SHN_XINDEX_)
				shstrndx = s0.link;
			if (phnum == PN_XNUM_)
				phnum = s0.info;
			if (shnum == 0 || shnum > e->len / e->shentsize ||
			    !fits(e, e->shoff, shnum * e->shentsize))
				e->sections_bad = 1;
			else
				e->shnum = (size_t)shnum;
		}
	}
	e->shstrndx = e->shnum && shstrndx < e->shnum ? (size_t)shstrndx : 0;

	/* program headers: a table that does not fit is left out (phnum 0) */
	e->phentsize = (size_t)phentsize;
	if (phnum && e->phoff && e->phentsize >= (e->is64 ? 56u : 32u) &&
	    phnum <= e->len / e->phentsize && fits(e, e->phoff, phnum * e->phentsize))
		e->phnum = (size_t)phnum;
	return MT_OK;
}

int mt_elf_sym_exported(const mt_elf_sym *s)
{
	return s->shndx != 0 && (s->bind == 1 || s->bind == 2 || s->bind == 10) && s->name_len > 0;
}

/* Walks nsyms symbols of size syment at symoff, names in [stroff, stroff+strsz). The
 * caller has checked that both ranges fit the file. */
static mt_err walk_syms(const mt_elf *e, uint64_t symoff, uint64_t syment, uint64_t nsyms,
                        uint64_t stroff, uint64_t strsz, mt_elf_sym_fn fn, void *ctx, unsigned *bad)
{
	if (nsyms > MT_MAX_ELF_SYMS) {
		if (bad)
			*bad += (unsigned)(nsyms - MT_MAX_ELF_SYMS > 0xffffffffu
			                           ? 0xffffffffu
			                           : nsyms - MT_MAX_ELF_SYMS);
		nsyms = MT_MAX_ELF_SYMS;
	}
	for (uint64_t i = 1; i < nsyms; i++) { /* entry 0 is the null symbol */
		uint64_t b = symoff + i * syment, name, info, other, shndx, value, size;
		int r;
		if (e->is64)
			r = rd(e, b, 4, &name) || rd(e, b + 4, 1, &info) ||
			    rd(e, b + 5, 1, &other) || rd(e, b + 6, 2, &shndx) ||
			    rd(e, b + 8, 8, &value) || rd(e, b + 16, 8, &size);
		else
			r = rd(e, b, 4, &name) || rd(e, b + 4, 4, &value) ||
			    rd(e, b + 8, 4, &size) || rd(e, b + 12, 1, &info) ||
			    rd(e, b + 13, 1, &other) || rd(e, b + 14, 2, &shndx);
		if (r)
			return MT_ERR_PARSE; /* cannot happen after the caller's checks */
		if (name >= strsz) {
			if (bad)
				(*bad)++;
			continue;
		}
		const char *s = (const char *)e->data + stroff + name;
		const char *nul = memchr(s, '\0', (size_t)(strsz - name));
		if (!nul) {
			if (bad)
				(*bad)++;
			continue;
		}
		mt_elf_sym sym;
		sym.name = s;
		sym.name_len = (size_t)(nul - s);
		sym.value = value;
		sym.size = size;
		sym.bind = (unsigned)(info >> 4);
		sym.type = (unsigned)(info & 0xf);
		sym.shndx = (unsigned)shndx;
		sym.index = (size_t)i;
		(void)other;
		if (fn(ctx, &sym))
			break;
	}
	return MT_OK;
}

static mt_err dynsyms_sections(const mt_elf *e, mt_elf_sym_fn fn, void *ctx, unsigned *bad)
{
	uint64_t min_ent = e->is64 ? 24 : 16;
	for (size_t i = 0; i < e->shnum; i++) {
		shdr s, str;
		if (read_shdr(e, i, &s))
			return MT_ERR_PARSE;
		if (s.type != SHT_DYNSYM_)
			continue;
		uint64_t ent = s.entsize ? s.entsize : min_ent;
		if (ent < min_ent || !fits(e, s.offset, s.size))
			return MT_ERR_PARSE;
		if (s.link == 0 || s.link >= e->shnum || read_shdr(e, (size_t)s.link, &str) ||
		    !fits(e, str.offset, str.size))
			return MT_ERR_PARSE;
		return walk_syms(e, s.offset, ent, s.size / ent, str.offset, str.size, fn, ctx,
		                 bad);
	}
	return MT_ERR_NOENT;
}

/* File offset of a virtual address through the PT_LOAD segments; -1 when none maps it. */
static int vaddr_off(const mt_elf *e, uint64_t addr, uint64_t *off)
{
	for (size_t i = 0; i < e->phnum; i++) {
		phdr p;
		if (read_phdr(e, i, &p) || p.type != PT_LOAD_)
			continue;
		if (addr >= p.vaddr && addr - p.vaddr < p.filesz) {
			uint64_t d = addr - p.vaddr;
			if (p.offset > UINT64_MAX - d)
				return -1;
			*off = p.offset + d;
			return e->len >= *off ? 0 : -1;
		}
	}
	return -1;
}

/* Number of symbols from a SysV hash table: nchain. */
static int count_hash(const mt_elf *e, uint64_t off, uint64_t *n)
{
	return rd(e, off + 4 < off ? UINT64_MAX : off + 4, 4, n);
}

/* Number of symbols from a GNU hash table: one past the last symbol of the longest
 * chain (each chain ends with a value whose low bit is set). */
static int count_gnu_hash(const mt_elf *e, uint64_t off, uint64_t *n)
{
	uint64_t nbuckets, symoffset, bloom_size, maxsym = 0;
	if (off > e->len || rd(e, off, 4, &nbuckets) || rd(e, off + 4, 4, &symoffset) ||
	    rd(e, off + 8, 4, &bloom_size))
		return -1;
	uint64_t word = e->is64 ? 8 : 4;
	uint64_t buckets = off + 16 + bloom_size * word; /* bloom_size < 2^32: no overflow */
	if (!fits(e, buckets, nbuckets * 4))
		return -1;
	for (uint64_t b = 0; b < nbuckets; b++) {
		uint64_t v;
		if (rd(e, buckets + b * 4, 4, &v))
			return -1;
		if (v > maxsym)
			maxsym = v;
	}
	if (maxsym == 0) {
		*n = symoffset;
		return 0;
	}
	if (maxsym < symoffset)
		return -1;
	uint64_t chains = buckets + nbuckets * 4;
	for (uint64_t i = maxsym;; i++) {
		uint64_t v;
		if (i - symoffset > e->len / 4 || rd(e, chains + (i - symoffset) * 4, 4, &v))
			return -1;
		if (v & 1) {
			*n = i + 1;
			return 0;
		}
	}
}

static mt_err dynsyms_segments(const mt_elf *e, mt_elf_sym_fn fn, void *ctx, unsigned *bad)
{
	phdr dyn;
	size_t i;
	for (i = 0; i < e->phnum; i++) {
		if (read_phdr(e, i, &dyn))
			return MT_ERR_PARSE;
		if (dyn.type == PT_DYNAMIC_)
			break;
	}
	if (i == e->phnum)
		return MT_ERR_NOENT;
	if (!fits(e, dyn.offset, dyn.filesz))
		return MT_ERR_PARSE;
	uint64_t dsz = e->is64 ? 16 : 8, word = e->is64 ? 8 : 4;
	uint64_t symtab = 0, strtab = 0, strsz = 0, syment = 0, hash = 0, gnu_hash = 0;
	int has_sym = 0, has_str = 0, has_hash = 0, has_gnu = 0;
	for (uint64_t k = 0; k < dyn.filesz / dsz; k++) {
		uint64_t tag, val;
		if (rdw(e, dyn.offset + k * dsz, &tag) || rdw(e, dyn.offset + k * dsz + word, &val))
			return MT_ERR_PARSE;
		if (tag == DT_NULL_)
			break;
		switch (tag) {
		case DT_SYMTAB_:
			symtab = val, has_sym = 1;
			break;
		case DT_STRTAB_:
			strtab = val, has_str = 1;
			break;
		case DT_STRSZ_:
			strsz = val;
			break;
		case DT_SYMENT_:
			syment = val;
			break;
		case DT_HASH_:
			hash = val, has_hash = 1;
			break;
		case DT_GNU_HASH_:
			gnu_hash = val, has_gnu = 1;
			break;
		default:
			break;
		}
	}
	if (!has_sym || !has_str)
		return MT_ERR_NOENT;
	uint64_t symoff, stroff, off, nsyms = 0;
	uint64_t min_ent = e->is64 ? 24 : 16;
	if (!syment)
		syment = min_ent;
	if (syment < min_ent || vaddr_off(e, symtab, &symoff) || vaddr_off(e, strtab, &stroff))
		return MT_ERR_PARSE;
	if (!strsz || strsz > e->len - stroff)
		strsz = e->len - stroff; /* without DT_STRSZ: up to the end, names NUL-checked */
	if (has_hash && vaddr_off(e, hash, &off) == 0 && count_hash(e, off, &nsyms) == 0) {
		/* nsyms from DT_HASH */
	} else if (has_gnu && vaddr_off(e, gnu_hash, &off) == 0 &&
	           count_gnu_hash(e, off, &nsyms) == 0) {
		/* nsyms from DT_GNU_HASH */
	} else if (has_hash || has_gnu) {
		return MT_ERR_PARSE;
	} else if (stroff > symoff) {
		nsyms = (stroff - symoff) / syment; /* the string table usually follows */
	} else {
		return MT_ERR_PARSE;
	}
	if (nsyms > (e->len - symoff) / syment)
		return MT_ERR_PARSE;
	return walk_syms(e, symoff, syment, nsyms, stroff, strsz, fn, ctx, bad);
}

mt_err mt_elf_dynsyms(const mt_elf *e, int how, mt_elf_sym_fn fn, void *ctx, unsigned *bad)
{
	if (!e || !e->data || !fn)
		return MT_ERR_INVAL;
	if (how == MT_ELF_DYN_SECTIONS)
		return e->sections_bad ? MT_ERR_PARSE : dynsyms_sections(e, fn, ctx, bad);
	if (how == MT_ELF_DYN_SEGMENTS)
		return dynsyms_segments(e, fn, ctx, bad);
	/* the section table first; when it is absent or broken (the loader never reads
	 * it, so an attacker may corrupt it), the dynamic segment */
	mt_err r = e->sections_bad ? MT_ERR_PARSE : MT_ERR_NOENT;
	if (!e->sections_bad && e->shnum) {
		unsigned b0 = bad ? *bad : 0;
		r = dynsyms_sections(e, fn, ctx, bad);
		if (r == MT_OK)
			return r;
		if (bad)
			*bad = b0;
	}
	mt_err s = dynsyms_segments(e, fn, ctx, bad);
	if (s == MT_ERR_NOENT && r != MT_ERR_NOENT)
		return r;
	return s;
}
