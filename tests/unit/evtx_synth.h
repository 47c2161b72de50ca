/* evtx_synth.h - builds a small EVTX file by hand for test_evtx.c: one chunk whose first
 * record writes a template definition inline (System values and an EventData value of
 * every BinXML type, entity and character references, CDATA, an optional substitution
 * left empty, nested BinXML in UserData) and whose second record uses it by offset; the
 * values are in the comments of synth_build and were checked with evtxexport */
#ifndef EVTX_SYNTH_H
#define EVTX_SYNTH_H

#include <stdint.h>
#include <string.h>

typedef struct synth {
	uint8_t *c; /* the chunk (65536 bytes) */
	uint32_t n; /* bytes written in it */
	const char *names[64];
	uint32_t noff[64];
	int nnames;
	uint32_t sz[32], at[32]; /* element data size and attribute list size fields */
	int depth;
	int dep_ids; /* elements written with a dependency identifier */
	int charref; /* write the character reference */
} synth;

static void s8(synth *s, uint32_t v)
{
	s->c[s->n++] = (uint8_t)v;
}
static void s16(synth *s, uint32_t v)
{
	s8(s, v & 0xff);
	s8(s, v >> 8);
}
static void s32(synth *s, uint32_t v)
{
	s16(s, v & 0xffff);
	s16(s, v >> 16);
}
static void s64(synth *s, uint64_t v)
{
	s32(s, (uint32_t)v);
	s32(s, (uint32_t)(v >> 32));
}
static void put32_at(synth *s, uint32_t at, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		s->c[at + i] = (uint8_t)(v >> (8 * i));
}
static void s_utf16(synth *s, const char *a) /* ASCII only */
{
	for (; *a; a++)
		s16(s, (unsigned char)*a);
}

/* A name reference: written inline the first time, by offset after. */
static void s_name(synth *s, const char *name)
{
	for (int i = 0; i < s->nnames; i++)
		if (!strcmp(s->names[i], name)) {
			s32(s, s->noff[i]);
			return;
		}
	uint32_t off = s->n + 4;
	s->names[s->nnames] = name;
	s->noff[s->nnames++] = off;
	s32(s, off);
	uint32_t h = 0;
	for (const char *p = name; *p; p++)
		h = h * 65599 + (unsigned char)*p;
	s32(s, 0);
	s16(s, h & 0xffff);
	s16(s, (uint32_t)strlen(name));
	s_utf16(s, name);
	s16(s, 0);
}

static void s_open(synth *s, const char *name, int attrs)
{
	s8(s, attrs ? 0x41 : 0x01);
	if (s->dep_ids)
		s16(s, 0xffff);
	s->sz[s->depth] = s->n;
	s32(s, 0);
	s_name(s, name);
	s->at[s->depth] = attrs ? s->n : 0;
	if (attrs)
		s32(s, 0);
	s->depth++;
}
static void s_attrs_done(synth *s)
{
	uint32_t at = s->at[s->depth - 1];
	if (at)
		put32_at(s, at, s->n - at - 4);
}
static void s_close_start(synth *s)
{
	s_attrs_done(s);
	s8(s, 0x02);
}
static void s_end(synth *s)
{
	s8(s, 0x04);
	s->depth--;
	put32_at(s, s->sz[s->depth], s->n - s->sz[s->depth] - 4);
}
static void s_close_empty(synth *s)
{
	s_attrs_done(s);
	s8(s, 0x03);
	s->depth--;
	put32_at(s, s->sz[s->depth], s->n - s->sz[s->depth] - 4);
}
static void s_attr(synth *s, const char *name, int more)
{
	s8(s, more ? 0x46 : 0x06);
	s_name(s, name);
}
static void s_text(synth *s, const char *t)
{
	s8(s, 0x05);
	s8(s, 0x01);
	s16(s, (uint32_t)strlen(t));
	s_utf16(s, t);
}
static void s_sub(synth *s, unsigned idx, unsigned type, int optional)
{
	s8(s, optional ? 0x0e : 0x0d);
	s16(s, idx);
	s8(s, type);
}
/* <Data Name="name">%idx</Data> */
static void s_data(synth *s, const char *name, unsigned idx, unsigned type, int optional)
{
	s_open(s, "Data", 1);
	s_attr(s, "Name", 0);
	s_text(s, name);
	s_close_start(s);
	s_sub(s, idx, type, optional);
	s_end(s);
}

static uint32_t synth_crc(const uint8_t *p, size_t n, uint32_t crc)
{
	crc = ~crc;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? 0xedb88320u ^ (crc >> 1) : crc >> 1;
	}
	return ~crc;
}

#define SYNTH_NVALS 35

/* The values of a record: type and bytes. */
typedef struct svalue {
	uint8_t type;
	uint8_t len;
	uint8_t b[40];
} svalue;

static void sv_str(svalue *v, const char *a)
{
	v->type = 0x01;
	v->len = 0;
	for (; *a; a++) {
		v->b[v->len++] = (uint8_t)*a;
		v->b[v->len++] = 0;
	}
}
static void sv_int(svalue *v, uint8_t type, uint64_t x, unsigned n)
{
	v->type = type;
	v->len = (uint8_t)n;
	for (unsigned i = 0; i < n; i++)
		v->b[i] = (uint8_t)(x >> (8 * i));
}
static void sv_bytes(svalue *v, uint8_t type, const void *p, unsigned n)
{
	v->type = type;
	v->len = (uint8_t)n;
	memcpy(v->b, p, n);
}

/* The template (values by index):
 *   <Event><System><Provider Name=%0/><EventID Qualifiers=%1>%2</EventID><Level>%3</Level>
 *   <EventRecordID>%4</EventRecordID><Execution ProcessID=%5 ThreadID=%6/>
 *   <Channel>%7</Channel><Computer>%8</Computer><Security UserID=%9/></System>
 *   <EventData><Data Name="I8">%10</Data> ... <Data Name="Ansi">%31</Data>
 *   <Data Name="Empty">%32 (optional)</Data><Data Name="T">a&amp;b&#x41;<![CDATA[c]]></Data>
 *   <Data>plain</Data><Binary>%34</Binary></EventData><UserData>%33</UserData></Event> */
static void synth_template(synth *s)
{
	static const struct {
		const char *name;
		unsigned type;
	} data[] = {
		{"I8", 0x03},     {"U8", 0x04},    {"I16", 0x05},      {"U16", 0x06},
		{"I32", 0x07},    {"U32", 0x08},   {"I64", 0x09},      {"U64", 0x0a},
		{"F32", 0x0b},    {"F64", 0x0c},   {"Bool", 0x0d},     {"Bin", 0x0e},
		{"Guid", 0x0f},   {"SizeT", 0x10}, {"FileTime", 0x11}, {"SysTime", 0x12},
		{"Sid", 0x13},    {"Hex32", 0x14}, {"Hex64", 0x15},    {"StrArr", 0x81},
		{"U16Arr", 0x86}, {"Ansi", 0x02},
	};
	s8(s, 0x0f);
	s8(s, 1);
	s8(s, 1);
	s8(s, 0);
	s_open(s, "Event", 0);
	s_close_start(s);
	s_open(s, "System", 0);
	s_close_start(s);
	s_open(s, "Provider", 1);
	s_attr(s, "Name", 0);
	s_sub(s, 0, 0x01, 1);
	s_close_empty(s);
	s_open(s, "EventID", 1);
	s_attr(s, "Qualifiers", 0);
	s_sub(s, 1, 0x06, 1);
	s_close_start(s);
	s_sub(s, 2, 0x06, 0);
	s_end(s);
	s_open(s, "Level", 0);
	s_close_start(s);
	s_sub(s, 3, 0x04, 0);
	s_end(s);
	s_open(s, "EventRecordID", 0);
	s_close_start(s);
	s_sub(s, 4, 0x0a, 0);
	s_end(s);
	s_open(s, "Execution", 1);
	s_attr(s, "ProcessID", 1);
	s_sub(s, 5, 0x08, 0);
	s_attr(s, "ThreadID", 0);
	s_sub(s, 6, 0x08, 0);
	s_close_empty(s);
	s_open(s, "Channel", 0);
	s_close_start(s);
	s_sub(s, 7, 0x01, 0);
	s_end(s);
	s_open(s, "Computer", 0);
	s_close_start(s);
	s_sub(s, 8, 0x01, 0);
	s_end(s);
	s_open(s, "Security", 1);
	s_attr(s, "UserID", 0);
	s_sub(s, 9, 0x13, 1);
	s_close_empty(s);
	s_end(s); /* System */
	s_open(s, "EventData", 0);
	s_close_start(s);
	for (unsigned i = 0; i < sizeof(data) / sizeof(data[0]); i++)
		s_data(s, data[i].name, 10 + i, data[i].type, 0);
	s_data(s, "Empty", 32, 0x01, 1);
	s_open(s, "Data", 1);
	s_attr(s, "Name", 0);
	s_text(s, "T");
	s_close_start(s);
	s_text(s, "a");
	s8(s, 0x09); /* &amp; */
	s_name(s, "amp");
	s_text(s, "b");
	if (s->charref) { /* &#x41;: evtxexport 20181227 refuses any character reference */
		s8(s, 0x08);
		s16(s, 0x41);
	}
	s8(s, 0x07); /* CDATA */
	s16(s, 1);
	s_utf16(s, "c");
	s_end(s);
	s_open(s, "Data", 0);
	s_close_start(s);
	s_text(s, "plain");
	s_end(s);
	s_open(s, "Binary", 0);
	s_close_start(s);
	s_sub(s, 34, 0x0e, 1);
	s_end(s);
	s_end(s); /* EventData */
	s_open(s, "UserData", 0);
	s_close_start(s);
	s_sub(s, 33, 0x21, 1);
	s_end(s);
	s_end(s); /* Event */
	s8(s, 0x00);
}

/* Nested BinXML for %33: <Wrap><Leaf>leafval</Leaf><Other/></Wrap>, its elements with
 * or without the dependency identifier. */
static void synth_nested(synth *s, int dep_ids)
{
	int keep = s->dep_ids;
	s->dep_ids = dep_ids;
	s8(s, 0x0f);
	s8(s, 1);
	s8(s, 1);
	s8(s, 0);
	s_open(s, "Wrap", 0);
	s_close_start(s);
	s_open(s, "Leaf", 0);
	s_close_start(s);
	s_text(s, "leafval");
	s_end(s);
	s_open(s, "Other", 0);
	s_close_empty(s);
	s_end(s);
	s8(s, 0x00);
	s->dep_ids = keep;
}

/* One record at s->n: the template written inline when *tdef is 0 (and *tdef set to its
 * offset), else used by offset; nested_dep: how the nested BinXML writes elements. */
static void synth_record(synth *s, uint64_t id, uint64_t ft, uint32_t *tdef, int nested_dep,
                         uint16_t event_id)
{
	uint32_t start = s->n;
	s32(s, 0x2a2a);
	s32(s, 0); /* size, later */
	s64(s, id);
	s64(s, ft);
	s8(s, 0x0f);
	s8(s, 1);
	s8(s, 1);
	s8(s, 0);
	s8(s, 0x0c);
	s8(s, 0x01);
	s32(s, 0x1234);
	if (!*tdef) {
		*tdef = s->n + 4;
		s32(s, *tdef);
		s32(s, 0); /* next template */
		for (int i = 0; i < 16; i++)
			s8(s, 0x10 + i); /* GUID */
		uint32_t szat = s->n;
		s32(s, 0);
		s->dep_ids = 1;
		synth_template(s);
		put32_at(s, szat, s->n - szat - 4);
	} else {
		s32(s, *tdef);
	}
	svalue v[SYNTH_NVALS];
	memset(v, 0, sizeof(v));
	static const uint8_t sid[] = {1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0,    0, 1, 0,
	                              0, 0, 2, 0, 0, 0, 3, 0, 0,  0, 0xf4, 1, 0, 0};
	static const uint8_t sid18[] = {1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0};
	static const uint8_t bin[] = {0x01, 0x02, 0xab};
	static const uint8_t guid[] = {0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49,
	                               0xa5, 0xba, 0x3e, 0x3b, 0x03, 0x28, 0xc3, 0x0d};
	static const uint8_t st[] = {0xe4, 0x07, 2, 0, 6, 0, 29, 0, 13, 0, 14, 0, 15, 0, 0xa6, 2};
	static const uint8_t arr[] = {'o', 0, 'n', 0, 'e', 0, 0, 0, 't', 0, 'w', 0, 'o', 0, 0, 0};
	static const uint8_t u16arr[] = {7, 0, 8, 0};
	sv_str(&v[0], "Synth-Provider");
	sv_int(&v[1], 0x06, 16384, 2);
	sv_int(&v[2], 0x06, event_id, 2);
	sv_int(&v[3], 0x04, 3, 1);
	sv_int(&v[4], 0x0a, id, 8);
	sv_int(&v[5], 0x08, 1234, 4);
	sv_int(&v[6], 0x08, 5678, 4);
	sv_str(&v[7], "Synth/Operational");
	sv_str(&v[8], "HOST-1");
	sv_bytes(&v[9], 0x13, sid, sizeof(sid));
	sv_int(&v[10], 0x03, (uint64_t)-5, 1);
	sv_int(&v[11], 0x04, 200, 1);
	sv_int(&v[12], 0x05, (uint64_t)-300, 2);
	sv_int(&v[13], 0x06, 65000, 2);
	sv_int(&v[14], 0x07, (uint64_t)-70000, 4);
	sv_int(&v[15], 0x08, 4000000000u, 4);
	sv_int(&v[16], 0x09, (uint64_t)-5000000000ll, 8);
	sv_int(&v[17], 0x0a, 18000000000000000000ull, 8);
	sv_int(&v[18], 0x0b, 0x3fc00000u, 4);           /* 1.5f */
	sv_int(&v[19], 0x0c, 0xc002000000000000ull, 8); /* -2.25 */
	sv_int(&v[20], 0x0d, 1, 4);
	sv_bytes(&v[21], 0x0e, bin, sizeof(bin));
	sv_bytes(&v[22], 0x0f, guid, sizeof(guid));
	sv_int(&v[23], 0x10, 0x1234, 8);
	sv_int(&v[24], 0x11, 130270189799891250ull, 8);
	sv_bytes(&v[25], 0x12, st, sizeof(st));
	sv_bytes(&v[26], 0x13, sid18, sizeof(sid18));
	sv_int(&v[27], 0x14, 0x1f, 4);
	sv_int(&v[28], 0x15, 0x3e7, 8);
	sv_bytes(&v[29], 0x81, arr, sizeof(arr));
	sv_bytes(&v[30], 0x86, u16arr, sizeof(u16arr));
	sv_bytes(&v[31], 0x02, "ansi\xe9", 5);
	/* 32: NULL; 33: nested, written below; 34: NULL */
	v[33].type = 0x21;
	s32(s, SYNTH_NVALS);
	uint32_t nested_size_at = 0;
	for (int i = 0; i < SYNTH_NVALS; i++) {
		if (i == 33)
			nested_size_at = s->n;
		s16(s, v[i].len);
		s8(s, v[i].type);
		s8(s, 0);
	}
	for (int i = 0; i < SYNTH_NVALS; i++) {
		if (i == 33) {
			uint32_t at = s->n;
			synth_nested(s, nested_dep);
			s->c[nested_size_at] = (uint8_t)(s->n - at);
			s->c[nested_size_at + 1] = (uint8_t)((s->n - at) >> 8);
			continue;
		}
		memcpy(s->c + s->n, v[i].b, v[i].len);
		s->n += v[i].len;
	}
	s8(s, 0x00); /* end of the record's fragment */
	uint32_t size = s->n - start + 4;
	s32(s, size);
	put32_at(s, start + 4, size);
}

/* Builds the whole file into out (4096 + 65536 bytes): records 1 (template inline) and 2
 * (by offset, nested BinXML without dependency identifiers), event ids 4242 and 4243. */
static void synth_build(uint8_t *out, int nested_dep_in_second, int charref)
{
	memset(out, 0, 4096 + 65536);
	uint8_t *h = out;
	memcpy(h, "ElfFile", 8);
	h[24] = 3; /* next record id */
	h[32] = 128;
	h[36] = 1;
	h[38] = 3;
	h[41] = 0x10; /* 4096 */
	h[42] = 1;    /* one chunk */
	uint32_t crc = synth_crc(h, 120, 0);
	for (int i = 0; i < 4; i++)
		h[124 + i] = (uint8_t)(crc >> (8 * i));
	synth s;
	memset(&s, 0, sizeof(s));
	s.c = out + 4096;
	s.charref = charref;
	memcpy(s.c, "ElfChnk", 8);
	s.n = 512;
	uint32_t tdef = 0, last;
	const uint64_t ft = 130270189799891250ull;
	synth_record(&s, 1, ft, &tdef, 1, 4242);
	last = s.n;
	synth_record(&s, 2, ft + 10000000, &tdef, nested_dep_in_second, 4243);
	uint8_t *c = s.c;
	c[8] = 1;                                           /* first record number */
	c[16] = 2;                                          /* last record number */
	c[24] = 1;                                          /* first record id */
	c[32] = 2;                                          /* last record id */
	c[40] = 128;                                        /* header size */
	put32_at(&s, 44, last);                             /* last record offset */
	put32_at(&s, 48, s.n);                              /* free space offset */
	put32_at(&s, 52, synth_crc(c + 512, s.n - 512, 0)); /* records CRC */
	crc = synth_crc(c + 128, 512 - 128, synth_crc(c, 120, 0));
	put32_at(&s, 124, crc);
}

#endif
