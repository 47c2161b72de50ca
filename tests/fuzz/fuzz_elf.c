/* fuzz_elf.c - libFuzzer target: ELF files through mt_elf_parse and every way of
 * reading the dynamic symbol table; names must lie inside the input and be terminated */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect/elf.h"

typedef struct fz {
	const uint8_t *data;
	size_t size;
	unsigned n, exported;
	unsigned stop_after;
} fz;

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_elf: invariant failed: %s\n", what);
		abort();
	}
}

static int on_sym(void *p, const mt_elf_sym *s)
{
	fz *z = p;
	const uint8_t *nm = (const uint8_t *)s->name;
	check(nm >= z->data && nm < z->data + z->size, "name inside the input");
	check(s->name_len < (size_t)(z->data + z->size - nm), "name and NUL inside the input");
	check(nm[s->name_len] == '\0', "name terminated");
	check(memchr(nm, '\0', s->name_len) == NULL, "name length is up to the NUL");
	check(s->index > 0, "the null symbol is not reported");
	check(s->bind < 16 && s->type < 16, "bind and type are nibbles");
	z->n++;
	z->exported += mt_elf_sym_exported(s);
	return z->stop_after && z->n >= z->stop_after;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* an exact-size copy: ASan sees any read past the end */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	mt_elf e;
	mt_err r = mt_elf_parse(buf, size, &e);
	if (r != MT_OK) {
		check(r == MT_ERR_PARSE, "parse fails only with MT_ERR_PARSE");
		free(buf);
		return 0;
	}
	check(e.shnum == 0 || (e.shentsize && e.shoff <= size && e.shnum <= size / e.shentsize),
	      "section table fits");
	check(e.phnum == 0 || (e.phentsize && e.phoff <= size && e.phnum <= size / e.phentsize),
	      "program headers fit");
	unsigned counts[3];
	mt_err res[3];
	for (int how = 0; how < 3; how++) {
		fz z = {buf, size, 0, 0, 0};
		unsigned bad = 0;
		res[how] = mt_elf_dynsyms(&e, how, on_sym, &z, &bad);
		check(res[how] == MT_OK || res[how] == MT_ERR_NOENT || res[how] == MT_ERR_PARSE,
		      "known result");
		check(z.n <= MT_MAX_ELF_SYMS, "symbol cap");
		counts[how] = z.n;
		if (res[how] == MT_OK && z.n >= 2) { /* stopping early is honoured */
			fz y = {buf, size, 0, 0, z.n / 2};
			bad = 0;
			mt_elf_dynsyms(&e, how, on_sym, &y, &bad);
			check(y.n == z.n / 2, "the walk stops when asked");
		}
	}
	/* auto is one of the two ways */
	if (res[MT_ELF_DYN_AUTO] == MT_OK)
		check((res[MT_ELF_DYN_SECTIONS] == MT_OK &&
		       counts[MT_ELF_DYN_AUTO] == counts[MT_ELF_DYN_SECTIONS]) ||
		          (res[MT_ELF_DYN_SEGMENTS] == MT_OK &&
		           counts[MT_ELF_DYN_AUTO] == counts[MT_ELF_DYN_SEGMENTS]),
		      "auto gives what one of the ways gives");
	free(buf);
	return 0;
}
