/* table.c - growable tables (pcap hosts and sessions, log failure sources): dense record
 * arrays that double up to their cap, and an open-addressing index (hash -> record
 * number) that grows with them */
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include <string.h>

#include "internal.h"

void *mt__grow(void *arr, uint32_t *alloc, uint32_t need, size_t esz, uint32_t cap, mt_err *err)
{
	if (need <= *alloc)
		return arr;
	if (need > cap) {
		*err = MT_ERR_LIMIT;
		return arr;
	}
	uint32_t n = *alloc ? *alloc : 16;
	while (n < need)
		n = n > cap / 2 ? cap : n * 2;
	void *v = realloc(arr, (size_t)n * esz);
	if (!v) {
		*err = MT_ERR_NOMEM;
		return arr;
	}
	memset((char *)v + (size_t)*alloc * esz, 0, (size_t)(n - *alloc) * esz);
	*alloc = n;
	return v;
}

void mt__itab_free(mt_itab *t)
{
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

int64_t mt__itab_find(const mt_itab *t, uint32_t h, int (*eq)(const void *ctx, uint32_t idx),
                      const void *ctx)
{
	if (!t->size)
		return -1;
	for (uint32_t i = h & (t->size - 1);; i = (i + 1) & (t->size - 1)) {
		const mt_islot *s = &t->slot[i];
		if (!s->idx1)
			return -1;
		if (s->hash == h && eq(ctx, s->idx1 - 1))
			return s->idx1 - 1;
	}
}

static void put(mt_islot *slot, uint32_t size, uint32_t h, uint32_t idx)
{
	uint32_t i = h & (size - 1);
	while (slot[i].idx1)
		i = (i + 1) & (size - 1);
	slot[i].hash = h;
	slot[i].idx1 = idx + 1;
}

mt_err mt__itab_add(mt_itab *t, uint32_t h, uint32_t idx)
{
	if ((t->n + 1) * 2 > t->size) {
		uint32_t ns = t->size ? t->size * 2 : 64;
		mt_islot *v = calloc(ns, sizeof(*v));
		if (!v)
			return MT_ERR_NOMEM;
		for (uint32_t i = 0; i < t->size; i++)
			if (t->slot[i].idx1)
				put(v, ns, t->slot[i].hash, t->slot[i].idx1 - 1);
		free(t->slot);
		t->slot = v;
		t->size = ns;
	}
	put(t->slot, t->size, h, idx);
	t->n++;
	return MT_OK;
}

void mt__itab_del(mt_itab *t, uint32_t h, uint32_t idx)
{
	if (!t->size)
		return;
	uint32_t m = t->size - 1, i = h & m;
	while (t->slot[i].idx1 && (t->slot[i].idx1 != idx + 1 || t->slot[i].hash != h))
		i = (i + 1) & m;
	if (!t->slot[i].idx1)
		return;
	/* backward shift: later entries of the probe run move into the hole, so a lookup
	 * never stops early at it (no tombstones) */
	for (uint32_t j = (i + 1) & m; t->slot[j].idx1; j = (j + 1) & m) {
		uint32_t k = t->slot[j].hash & m; /* where entry j wants to be */
		/* j stays when its home k lies cyclically in (i, j] */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->slot[i] = t->slot[j];
		i = j;
	}
	t->slot[i].idx1 = 0;
	t->slot[i].hash = 0;
	t->n--;
}

uint64_t mt__hash_seed(void)
{
	static uint64_t seed;
	uint64_t s = __atomic_load_n(&seed, __ATOMIC_RELAXED);
	if (s)
		return s;
	if (getrandom(&s, sizeof(s), GRND_NONBLOCK) != (ssize_t)sizeof(s)) {
		struct timespec ts;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		s = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ull ^ (uint64_t)ts.tv_sec ^
		    (uint64_t)getpid() << 32;
	}
	s |= 1;
	uint64_t zero = 0;
	if (!__atomic_compare_exchange_n(&seed, &zero, s, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		s = zero; /* another thread was first: its seed for everyone */
	return s;
}

uint32_t mt__str_hash(const char *s, size_t n)
{
	uint64_t h = mt__hash_seed();
	for (size_t i = 0; i < n; i++)
		h = (h ^ (uint8_t)s[i]) * 0x100000001b3ull;
	/* a 64-bit finaliser (splitmix64): every input bit reaches the low bits used */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebull;
	h ^= h >> 31;
	return (uint32_t)h;
}
