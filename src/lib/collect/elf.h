/* elf.h - a bounded reader of ELF32/ELF64 files (both byte orders): the header, the
 * sections, the program headers and the dynamic symbol table. The bytes are hostile:
 * every offset and size is checked against the buffer, nothing is cast to a struct. */
#ifndef MT_ELF_H
#define MT_ELF_H

#include "../internal.h"

/* e_type values */
#define MT_ELF_ET_REL  1
#define MT_ELF_ET_EXEC 2
#define MT_ELF_ET_DYN  3

typedef struct mt_elf {
	const uint8_t *data; /* the caller's bytes; must outlive the mt_elf */
	size_t len;
	int is64;         /* ELFCLASS64 */
	int big_endian;   /* ELFDATA2MSB */
	unsigned type;    /* e_type */
	unsigned machine; /* e_machine */
	uint64_t phoff, shoff;
	size_t phentsize, phnum;
	size_t shentsize, shnum; /* 0 sections when the table is absent or unusable */
	size_t shstrndx;
	int sections_bad; /* a section table was declared but does not fit the file */
} mt_elf;

/* Reads the ELF header of data[0..len). MT_ERR_PARSE when it is not ELF or the header
 * does not fit; a section table that does not fit only sets sections_bad (the program
 * headers may still be usable, as in a file stripped of its section headers). */
mt_err mt_elf_parse(const void *data, size_t len, mt_elf *out);

/* Whether data starts with the ELF magic (cheap test before a parse). */
int mt_elf_magic(const void *data, size_t len);

typedef struct mt_elf_sym {
	const char *name; /* points into the ELF data; NUL-terminated inside it */
	size_t name_len;
	uint64_t value;
	uint64_t size;
	unsigned bind;  /* STB_LOCAL 0, STB_GLOBAL 1, STB_WEAK 2, ... */
	unsigned type;  /* STT_NOTYPE 0, STT_OBJECT 1, STT_FUNC 2, ..., STT_GNU_IFUNC 10 */
	unsigned shndx; /* SHN_UNDEF (0) for an imported symbol */
	size_t index;   /* index in the symbol table */
} mt_elf_sym;

/* Returns non-zero to stop the walk. */
typedef int (*mt_elf_sym_fn)(void *ctx, const mt_elf_sym *sym);

#define MT_ELF_DYN_AUTO \
	0                     /* .dynsym through the sections; when they are absent or
                                 broken, through PT_DYNAMIC */
#define MT_ELF_DYN_SECTIONS 1 /* only .dynsym + its string table (section headers) */
#define MT_ELF_DYN_SEGMENTS 2 /* only PT_DYNAMIC: DT_SYMTAB, DT_STRTAB, DT_HASH/GNU_HASH */

/* Calls fn for each entry of the dynamic symbol table, found as how says. Symbols whose
 * name lies outside the string table are skipped and counted in *bad (may be NULL).
 * MT_ERR_NOENT when the file has no dynamic symbol table that way, MT_ERR_PARSE when
 * the table is declared but does not fit the file. At most MT_MAX_ELF_SYMS symbols are
 * walked (the rest counted in *bad). */
mt_err mt_elf_dynsyms(const mt_elf *e, int how, mt_elf_sym_fn fn, void *ctx, unsigned *bad);

/* Whether sym is defined in the file and visible to the dynamic linker (global or weak,
 * not undefined): what an LD_PRELOAD library uses to replace a libc function. */
int mt_elf_sym_exported(const mt_elf_sym *sym);

#endif
