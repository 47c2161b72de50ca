/* test_elf.c - unit tests of collect/elf.c: real shared objects built at test time with
 * cc (plain, stripped, SysV and GNU hash, section headers removed), hand-made ELF32 and
 * ELF64 files in both byte orders, and truncated and corrupted copies that must give an
 * error and never read outside the buffer */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "collect/elf.h"
#include "t.h"

static char dir[64];

static const char hider_src[] =
	"#define _GNU_SOURCE\n"
	"#include <dirent.h>\n"
	"#include <dlfcn.h>\n"
	"#include <stdio.h>\n"
	"#include <string.h>\n"
	"static int hide(const char *n) { return strcmp(n, \"4242\") == 0; }\n"
	"struct dirent *readdir(DIR *d) {\n"
	"  static struct dirent *(*real)(DIR *);\n"
	"  if (!real) real = (struct dirent *(*)(DIR *))dlsym(RTLD_NEXT, \"readdir\");\n"
	"  struct dirent *e;\n"
	"  while ((e = real(d)) && hide(e->d_name)) {}\n"
	"  return e;\n"
	"}\n"
	"struct dirent64 *readdir64(DIR *d) { (void)d; return 0; }\n"
	"FILE *fopen(const char *p, const char *m) { (void)p; (void)m; return 0; }\n"
	"int helper_visible(void) { return 1; }\n"
	"static int unused_local(void) { return 2; }\n"
	"int (*keep)(void) = unused_local;\n";

/* Runs argv; 0 when it exits 0. */
static int run(char *const argv[])
{
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0)
			dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	int st;
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

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

typedef struct names {
	const unsigned char *data;
	size_t len;
	char list[4096]; /* ",name,name," of exported symbols */
	unsigned nsyms, nexported;
	int outside;     /* a name pointed outside the buffer */
} names;

static int collect(void *p, const mt_elf_sym *s)
{
	names *n = p;
	const unsigned char *nm = (const unsigned char *)s->name;
	if (nm < n->data || nm > n->data + n->len || s->name_len > (size_t)(n->data + n->len - nm) ||
	    s->name_len == (size_t)(n->data + n->len - nm) || nm[s->name_len] != '\0')
		n->outside = 1;
	n->nsyms++;
	if (mt_elf_sym_exported(s)) {
		n->nexported++;
		size_t l = strlen(n->list);
		if (l + s->name_len + 2 < sizeof(n->list))
			snprintf(n->list + l, sizeof(n->list) - l, "%s%.*s,", l ? "" : ",",
			         (int)s->name_len, s->name);
	}
	return 0;
}

static mt_err syms(const unsigned char *d, size_t len, int how, names *n)
{
	memset(n, 0, sizeof(*n));
	n->data = d;
	n->len = len;
	mt_elf e;
	mt_err r = mt_elf_parse(d, len, &e);
	if (r != MT_OK)
		return r;
	unsigned bad = 0;
	return mt_elf_dynsyms(&e, how, collect, n, &bad);
}

static int has(const names *n, const char *name)
{
	char pat[128];
	snprintf(pat, sizeof(pat), ",%s,", name);
	return strstr(n->list, pat) != NULL;
}

/* The file end of the PT_DYNAMIC segment and of the section table of a trusted file
 * (the test may read its own compiler's output with the system header). */
static void layout(const unsigned char *d, size_t *dyn_end, size_t *sh_start, size_t *dynsym_off)
{
	Elf64_Ehdr eh;
	memcpy(&eh, d, sizeof(eh));
	*dyn_end = 0;
	*sh_start = (size_t)eh.e_shoff;
	*dynsym_off = 0;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;
		memcpy(&ph, d + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_DYNAMIC)
			*dyn_end = (size_t)(ph.p_offset + ph.p_filesz);
	}
	for (unsigned i = 0; i < eh.e_shnum; i++) {
		Elf64_Shdr sh;
		memcpy(&sh, d + eh.e_shoff + i * sizeof(sh), sizeof(sh));
		if (sh.sh_type == SHT_DYNSYM)
			*dynsym_off = (size_t)sh.sh_offset;
	}
}

static void test_real(const char *label, const char *so)
{
	char title[128];
	snprintf(title, sizeof(title), "real shared object: %s", label);
	TEST_START(title);
	size_t len = 0;
	unsigned char *d = slurp(so, &len);
	REQUIRE_NOT_NULL(d);
	mt_elf e;
	ASSERT_INT_EQ(mt_elf_parse(d, len, &e), MT_OK);
	ASSERT_INT_EQ(e.is64, sizeof(void *) == 8);
	ASSERT_INT_EQ(e.type, MT_ELF_ET_DYN);
	names a, s, g;
	ASSERT_INT_EQ(syms(d, len, MT_ELF_DYN_AUTO, &a), MT_OK);
	ASSERT_INT_EQ(syms(d, len, MT_ELF_DYN_SECTIONS, &s), MT_OK);
	ASSERT_INT_EQ(syms(d, len, MT_ELF_DYN_SEGMENTS, &g), MT_OK);
	ASSERT_TRUE(has(&a, "readdir"));
	ASSERT_TRUE(has(&a, "readdir64"));
	ASSERT_TRUE(has(&a, "fopen"));
	ASSERT_TRUE(has(&a, "helper_visible"));
	ASSERT_FALSE(has(&a, "dlsym"));        /* imported: undefined here */
	ASSERT_FALSE(has(&a, "strcmp"));
	ASSERT_FALSE(has(&a, "unused_local")); /* static: not in .dynsym */
	ASSERT_FALSE(has(&a, "hide"));
	ASSERT_TRUE(a.nsyms > a.nexported);    /* the imports were seen too */
	ASSERT_STR_EQ(a.list, s.list);
	ASSERT_STR_EQ(s.list, g.list);         /* both ways find the same exports */
	ASSERT_INT_EQ(s.nsyms, g.nsyms);
	ASSERT_FALSE(a.outside || s.outside || g.outside);

	/* section headers gone (sstrip): only PT_DYNAMIC is left, and it is enough */
	unsigned char *c = malloc(len);
	REQUIRE_NOT_NULL(c);
	memcpy(c, d, len);
	memset(c + 40, 0, 8); /* e_shoff */
	memset(c + 60, 0, 4); /* e_shnum, e_shstrndx */
	ASSERT_INT_EQ(syms(c, len, MT_ELF_DYN_SECTIONS, &s), MT_ERR_NOENT);
	ASSERT_INT_EQ(syms(c, len, MT_ELF_DYN_AUTO, &a), MT_OK);
	ASSERT_TRUE(has(&a, "readdir"));
	ASSERT_STR_EQ(a.list, g.list);

	/* a section table pointing past the end: a broken table, the segments still read */
	memcpy(c, d, len);
	uint64_t far = (uint64_t)len + 4096;
	memcpy(c + 40, &far, 8);
	mt_elf ce;
	ASSERT_INT_EQ(mt_elf_parse(c, len, &ce), MT_OK);
	ASSERT_TRUE(ce.sections_bad);
	ASSERT_INT_EQ(syms(c, len, MT_ELF_DYN_SECTIONS, &s), MT_ERR_PARSE);
	ASSERT_INT_EQ(syms(c, len, MT_ELF_DYN_AUTO, &a), MT_OK);
	ASSERT_TRUE(has(&a, "readdir"));

	/* both tables broken: an error, not a guess */
	size_t dyn_end, sh_start, dynsym_off;
	layout(d, &dyn_end, &sh_start, &dynsym_off);
	REQUIRE_TRUE(dyn_end > 0 && dynsym_off > 0);
	ASSERT_INT_NE(syms(c, dyn_end - 1, MT_ELF_DYN_AUTO, &a), MT_OK);

	/* a .dynsym whose size runs past the end of the file */
	memcpy(c, d, len);
	{
		Elf64_Ehdr eh;
		memcpy(&eh, c, sizeof(eh));
		for (unsigned i = 0; i < eh.e_shnum; i++) {
			Elf64_Shdr sh;
			size_t at = eh.e_shoff + i * sizeof(sh);
			memcpy(&sh, c + at, sizeof(sh));
			if (sh.sh_type == SHT_DYNSYM) {
				sh.sh_size = (uint64_t)len * 4;
				memcpy(c + at, &sh, sizeof(sh));
			}
		}
	}
	ASSERT_INT_EQ(syms(c, len, MT_ELF_DYN_SECTIONS, &s), MT_ERR_PARSE);
	ASSERT_INT_EQ(syms(c, len, MT_ELF_DYN_AUTO, &a), MT_OK); /* falls back to PT_DYNAMIC */

	/* every truncation: never outside the buffer; cut before both tables, an error */
	unsigned errors = 0, cuts = 0;
	for (size_t cut = 0; cut < len; cut += (cut < 128 ? 1 : 7)) {
		unsigned char *t = malloc(cut ? cut : 1); /* exact size: ASan sees any overread */
		REQUIRE_NOT_NULL(t);
		memcpy(t, d, cut);
		mt_err r = syms(t, cut, MT_ELF_DYN_AUTO, &a);
		ASSERT_FALSE(a.outside);
		if (cut < 52)
			ASSERT_INT_EQ(r, MT_ERR_PARSE);
		if (cut < dyn_end && cut < sh_start) {
			cuts++;
			errors += r != MT_OK;
		}
		syms(t, cut, MT_ELF_DYN_SECTIONS, &s);
		ASSERT_FALSE(s.outside);
		syms(t, cut, MT_ELF_DYN_SEGMENTS, &g);
		ASSERT_FALSE(g.outside);
		free(t);
	}
	ASSERT_INT_GT(cuts, 0);
	ASSERT_INT_EQ(errors, cuts);

	/* random byte flips: whatever comes back, names stay inside the buffer */
	uint32_t seed = 12345;
	for (int it = 0; it < 3000; it++) {
		memcpy(c, d, len);
		for (int k = 0; k < 1 + it % 8; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % (len < 4096 ? len : 4096); /* headers and tables */
			seed = seed * 1103515245u + 12345u;
			c[at] ^= (unsigned char)(1u << ((seed >> 16) & 7));
		}
		syms(c, len, MT_ELF_DYN_AUTO, &a);
		ASSERT_FALSE(a.outside);
		syms(c, len, MT_ELF_DYN_SEGMENTS, &g);
		ASSERT_FALSE(g.outside);
	}
	free(c);
	free(d);
	TEST_DONE();
}

/* ---- hand-made ELF files: any class and byte order ---- */

typedef struct mk {
	unsigned char b[1024];
	int is64, be;
} mk;

static void put(mk *m, size_t off, unsigned n, uint64_t v)
{
	for (unsigned i = 0; i < n; i++)
		m->b[off + i] = (unsigned char)(v >> (8 * (m->be ? n - 1 - i : i)));
}

static void put_word(mk *m, size_t off, uint64_t v)
{
	put(m, off, m->is64 ? 8 : 4, v);
}

#define SYMOFF 0x100
#define STROFF 0x180
/* Layout: header | phdrs (LOAD, DYNAMIC) at 0x40/0x34 | dynsym 0x100 | dynstr 0x180 |
 * hash 0x1c0 | dynamic 0x200 | shdrs 0x300 (null, dynsym, dynstr). vaddr = offset. */
static size_t build(mk *m, int is64, int be, int hash_kind)
{
	memset(m, 0, sizeof(*m));
	m->is64 = is64;
	m->be = be;
	memcpy(m->b, "\177ELF", 4);
	m->b[4] = is64 ? 2 : 1;
	m->b[5] = be ? 2 : 1;
	m->b[6] = 1;
	put(m, 16, 2, 3);    /* ET_DYN */
	put(m, 18, 2, is64 ? 62 : 20);
	put(m, 20, 4, 1);
	size_t phoff = is64 ? 64 : 52, phent = is64 ? 56 : 32, shent = is64 ? 64 : 40;
	put_word(m, 24, 0);
	put_word(m, is64 ? 32 : 28, phoff);
	put_word(m, is64 ? 40 : 32, 0x300);
	size_t o = is64 ? 52 : 40;
	put(m, o, 2, is64 ? 64 : 52);
	put(m, o + 2, 2, phent);
	put(m, o + 4, 2, 2);
	put(m, o + 6, 2, shent);
	put(m, o + 8, 2, 3);
	put(m, o + 10, 2, 2);
	/* program headers */
	for (int i = 0; i < 2; i++) {
		size_t p = phoff + i * phent;
		uint64_t type = i == 0 ? 1 : 2, off = i == 0 ? 0 : 0x200, sz = i == 0 ? 0x300 : 0x80;
		if (is64) {
			put(m, p, 4, type);
			put(m, p + 8, 8, off);
			put(m, p + 16, 8, off);
			put(m, p + 32, 8, sz);
			put(m, p + 40, 8, sz);
		} else {
			put(m, p, 4, type);
			put(m, p + 4, 4, off);
			put(m, p + 8, 4, off);
			put(m, p + 16, 4, sz);
			put(m, p + 20, 4, sz);
		}
	}
	/* dynstr: "\0readdir\0strcmp\0" */
	memcpy(m->b + STROFF, "\0readdir\0strcmp\0", 16);
	/* dynsym: null, readdir (GLOBAL FUNC, shndx 1), strcmp (GLOBAL FUNC, UNDEF) */
	size_t syment = is64 ? 24 : 16;
	for (int i = 1; i < 3; i++) {
		size_t s = SYMOFF + i * syment;
		uint64_t name = i == 1 ? 1 : 9, shndx = i == 1 ? 1 : 0;
		put(m, s, 4, name);
		if (is64) {
			m->b[s + 4] = 0x12;
			put(m, s + 6, 2, shndx);
			put(m, s + 8, 8, i == 1 ? 0x100 : 0);
		} else {
			put(m, s + 4, 4, i == 1 ? 0x100 : 0);
			m->b[s + 12] = 0x12;
			put(m, s + 14, 2, shndx);
		}
	}
	/* hash table */
	uint64_t hash_tag = 4;
	if (hash_kind == 0) { /* SysV: nbucket 1, nchain 3 */
		put(m, 0x1c0, 4, 1);
		put(m, 0x1c4, 4, 3);
	} else if (hash_kind == 1) { /* GNU: 1 bucket, symoffset 1, bloom 1, chain ends at 2 */
		hash_tag = 0x6ffffef5;
		put(m, 0x1c0, 4, 1);
		put(m, 0x1c4, 4, 1);
		put(m, 0x1c8, 4, 1);
		size_t bk = 0x1d0 + (is64 ? 8 : 4);
		put(m, bk, 4, 1);
		put(m, bk + 4, 4, 0x10); /* symbol 1: not the end */
		put(m, bk + 8, 4, 0x11); /* symbol 2: end of chain */
	}
	/* dynamic */
	size_t dsz = is64 ? 16 : 8, k = 0;
	uint64_t tags[][2] = {{6, SYMOFF}, {5, STROFF}, {10, 16}, {11, syment}, {hash_tag, 0x1c0}, {0, 0}};
	size_t ntags = MT_ARRAY_LEN(tags);
	if (hash_kind == 2) { /* no hash: the count comes from where the strings start */
		tags[4][0] = 0;
		tags[4][1] = 0;
		ntags = 5;
	}
	for (k = 0; k < ntags; k++) {
		put_word(m, 0x200 + k * dsz, tags[k][0]);
		put_word(m, 0x200 + k * dsz + dsz / 2, tags[k][1]);
	}
	/* section headers: [1] dynsym link 2, [2] dynstr */
	for (int i = 1; i < 3; i++) {
		size_t s = 0x300 + i * shent;
		uint64_t type = i == 1 ? 11 : 3, off = i == 1 ? SYMOFF : STROFF,
		         size = i == 1 ? 3 * syment : 16, link = i == 1 ? 2 : 0;
		if (is64) {
			put(m, s + 4, 4, type);
			put(m, s + 16, 8, off);
			put(m, s + 24, 8, off);
			put(m, s + 32, 8, size);
			put(m, s + 40, 4, link);
			put(m, s + 56, 8, i == 1 ? syment : 0);
		} else {
			put(m, s + 4, 4, type);
			put(m, s + 12, 4, off);
			put(m, s + 16, 4, off);
			put(m, s + 20, 4, size);
			put(m, s + 24, 4, link);
			put(m, s + 36, 4, i == 1 ? syment : 0);
		}
	}
	return 0x300 + 3 * shent;
}

static void test_handmade(void)
{
	TEST_START("hand-made ELF32/ELF64, little and big endian, SysV, GNU and no hash");
	for (int is64 = 0; is64 < 2; is64++)
		for (int be = 0; be < 2; be++)
			for (int hk = 0; hk < 3; hk++) {
				mk m;
				size_t len = build(&m, is64, be, hk);
				mt_elf e;
				REQUIRE_INT_EQ(mt_elf_parse(m.b, len, &e), MT_OK);
				ASSERT_INT_EQ(e.is64, is64);
				ASSERT_INT_EQ(e.big_endian, be);
				ASSERT_INT_EQ(e.shnum, 3);
				ASSERT_INT_EQ(e.phnum, 2);
				names s, g;
				ASSERT_INT_EQ(syms(m.b, len, MT_ELF_DYN_SECTIONS, &s), MT_OK);
				ASSERT_INT_EQ(syms(m.b, len, MT_ELF_DYN_SEGMENTS, &g), MT_OK);
				ASSERT_STR_EQ(s.list, ",readdir,");
				ASSERT_STR_EQ(g.list, ",readdir,");
				ASSERT_INT_EQ(s.nsyms, 2);
				/* without a hash table the count is (strtab - symtab) / syment: the
				 * file's layout leaves room for more, all null entries */
				if (hk < 2)
					ASSERT_INT_EQ(g.nsyms, 2);
				/* a name offset outside the string table is skipped, not read */
				mk c = m;
				put(&c, SYMOFF + (is64 ? 24 : 16), 4, 0x7fffffff);
				mt_elf ce;
				mt_elf_parse(c.b, len, &ce);
				unsigned bad = 0;
				memset(&s, 0, sizeof(s));
				s.data = c.b;
				s.len = len;
				ASSERT_INT_EQ(mt_elf_dynsyms(&ce, MT_ELF_DYN_SECTIONS, collect, &s, &bad), MT_OK);
				ASSERT_INT_EQ(bad, 1);
				ASSERT_STR_EQ(s.list, "");
				/* a string table cut inside a name: the name is not read past it */
				c = m;
				if (is64)
					put(&c, 0x300 + 2 * 64 + 32, 8, 5);
				else
					put(&c, 0x300 + 2 * 40 + 20, 4, 5);
				mt_elf_parse(c.b, len, &ce);
				bad = 0;
				memset(&s, 0, sizeof(s));
				s.data = c.b;
				s.len = len;
				ASSERT_INT_EQ(mt_elf_dynsyms(&ce, MT_ELF_DYN_SECTIONS, collect, &s, &bad), MT_OK);
				ASSERT_INT_EQ(bad, 2);
				ASSERT_STR_EQ(s.list, "");
				/* DT_SYMTAB at an address no PT_LOAD maps */
				c = m;
				put_word(&c, 0x200 + 0 * (is64 ? 16 : 8) + (is64 ? 8 : 4), 0x900000);
				ASSERT_INT_EQ(syms(c.b, len, MT_ELF_DYN_SEGMENTS, &g), MT_ERR_PARSE);
				/* a hash table claiming a billion symbols */
				if (hk == 0) {
					c = m;
					put(&c, 0x1c4, 4, 1000000000);
					ASSERT_INT_EQ(syms(c.b, len, MT_ELF_DYN_SEGMENTS, &g), MT_ERR_PARSE);
				}
				if (hk == 1) { /* a bucket whose chain starts past the end */
					c = m;
					size_t bk = 0x1d0 + (is64 ? 8 : 4);
					put(&c, bk, 4, 0x100000);
					ASSERT_INT_EQ(syms(c.b, len, MT_ELF_DYN_SEGMENTS, &g), MT_ERR_PARSE);
					c = m; /* buckets past the end */
					put(&c, 0x1c0, 4, 0xffffffff);
					ASSERT_INT_EQ(syms(c.b, len, MT_ELF_DYN_SEGMENTS, &g), MT_ERR_PARSE);
				}
				/* extended section numbering: e_shnum 0, the count in section 0 */
				c = m;
				put(&c, is64 ? 60 : 48, 2, 0);
				if (is64)
					put(&c, 0x300 + 32, 8, 3);
				else
					put(&c, 0x300 + 20, 4, 3);
				REQUIRE_INT_EQ(mt_elf_parse(c.b, len, &ce), MT_OK);
				ASSERT_INT_EQ(ce.shnum, 3);
				ASSERT_INT_EQ(syms(c.b, len, MT_ELF_DYN_SECTIONS, &s), MT_OK);
				ASSERT_STR_EQ(s.list, ",readdir,");
				/* a section count that does not fit */
				put(&c, is64 ? 60 : 48, 2, 0xfff0);
				REQUIRE_INT_EQ(mt_elf_parse(c.b, len, &ce), MT_OK);
				ASSERT_TRUE(ce.sections_bad);
				ASSERT_INT_EQ(syms(c.b, len, MT_ELF_DYN_AUTO, &s), MT_OK); /* segments */
			}
	TEST_DONE();
}

static void test_not_elf(void)
{
	TEST_START("not ELF, bad class or byte order, tiny inputs");
	mt_elf e;
	ASSERT_INT_EQ(mt_elf_parse("", 0, &e), MT_ERR_PARSE);
	ASSERT_INT_EQ(mt_elf_parse("\177ELF", 4, &e), MT_ERR_PARSE);
	ASSERT_INT_EQ(mt_elf_parse("#!/bin/sh\necho hi\n", 18, &e), MT_ERR_PARSE);
	ASSERT_FALSE(mt_elf_magic("#!", 2));
	mk m;
	size_t len = build(&m, 1, 0, 0);
	ASSERT_TRUE(mt_elf_magic(m.b, len));
	m.b[4] = 3;
	ASSERT_INT_EQ(mt_elf_parse(m.b, len, &e), MT_ERR_PARSE);
	m.b[4] = 2;
	m.b[5] = 0;
	ASSERT_INT_EQ(mt_elf_parse(m.b, len, &e), MT_ERR_PARSE);
	m.b[5] = 1;
	ASSERT_INT_EQ(mt_elf_parse(m.b, 63, &e), MT_ERR_PARSE); /* ELF64 header cut */
	ASSERT_INT_EQ(mt_elf_dynsyms(NULL, 0, collect, NULL, NULL), MT_ERR_INVAL);
	/* no dynamic table at all: a relocatable object has neither */
	mk r;
	len = build(&r, 1, 0, 0);
	put(&r, 16, 2, 1);
	put(&r, 56, 2, 0);  /* no program headers */
	put(&r, 0x300 + 64 + 4, 4, 2); /* the dynsym section becomes a SYMTAB */
	names n;
	ASSERT_INT_EQ(syms(r.b, len, MT_ELF_DYN_AUTO, &n), MT_ERR_NOENT);
	TEST_DONE();
}

int main(void)
{
	snprintf(dir, sizeof(dir), "/tmp/mt-test-elf-XXXXXX");
	REQUIRE_NOT_NULL(mkdtemp(dir));
	char src[128], so[6][160];
	snprintf(src, sizeof(src), "%s/hider.c", dir);
	FILE *f = fopen(src, "w");
	REQUIRE_NOT_NULL(f);
	fputs(hider_src, f);
	fclose(f);
	static const char *const labels[] = {"default", "stripped (-s)", "SysV hash only",
	                                     "GNU hash only", "-O2 -s with both hashes"};
	static const char *const extra[][3] = {{"-O0", NULL, NULL},
	                                       {"-s", NULL, NULL},
	                                       {"-Wl,--hash-style=sysv", NULL, NULL},
	                                       {"-Wl,--hash-style=gnu", NULL, NULL},
	                                       {"-O2", "-s", "-Wl,--hash-style=both"}};
	int built = 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(labels); i++) {
		snprintf(so[i], sizeof(so[i]), "%s/h%zu.so", dir, i);
		char *argv[12];
		int a = 0;
		argv[a++] = "cc";
		argv[a++] = "-shared";
		argv[a++] = "-fPIC";
		for (int k = 0; k < 3 && extra[i][k]; k++)
			argv[a++] = (char *)extra[i][k];
		argv[a++] = "-o";
		argv[a++] = so[i];
		argv[a++] = src;
		argv[a++] = "-ldl";
		argv[a] = NULL;
		if (run(argv) != 0) {
			fprintf(stderr, "test_elf: cc could not build %s\n", labels[i]);
			continue;
		}
		built++;
		test_real(labels[i], so[i]);
		unlink(so[i]);
	}
	TEST_START("the compiler built the shared objects");
	ASSERT_INT_EQ(built, (int)MT_ARRAY_LEN(labels));
	TEST_DONE();
	unlink(src);
	rmdir(dir);
	test_handmade();
	test_not_elf();
	return T_DONE();
}
