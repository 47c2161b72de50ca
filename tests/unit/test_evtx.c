/* test_evtx.c - unit tests of logs/evtx.c on the real event logs of the shared
 * corpus (../shared/data/windows/evtx/, values checked with evtxexport): event counts,
 * System values and EventData/UserData fields of chosen records, damaged chunks and
 * records, the only_ids filter, and truncated, corrupted and garbage inputs that must
 * never crash (run it under ASan) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logs/evtx.h"
#include "evtx_synth.h"
#include "t.h"

static const char *dir;

static int path_of(char *out, size_t n, const char *name)
{
	return snprintf(out, n, "%s/%s", dir, name) < (int)n;
}

static unsigned char *slurp(const char *name, size_t *len)
{
	char p[512];
	if (!path_of(p, sizeof(p), name))
		return NULL;
	FILE *f = fopen(p, "rb");
	if (!f)
		return NULL;
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0, k;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 1 << 20;
			unsigned char *q = realloc(buf, cap);
			if (!q) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = q;
		}
		k = fread(buf + n, 1, cap - n, f);
		n += k;
	} while (k > 0);
	fclose(f);
	*len = n;
	return buf;
}

/* What the tests look at: counts per event id, and one record kept whole. */
typedef struct fieldcopy {
	char name[64], value[600];
} fieldcopy;

typedef struct seen {
	unsigned counts[65536];
	uint64_t n;
	uint64_t want_id; /* the record to keep */
	int found;
	mt_evtx_record rec; /* its scalars */
	char provider[128], channel[128], computer[64], sid[80];
	fieldcopy f[64];
	size_t nf;
	unsigned stop_after;
	int bad_strings; /* a record with a NULL string */
	const unsigned *only;
	size_t nonly;
	int off_filter; /* a record outside only_ids was given */
	unsigned ndiag;
} seen;

static int on_rec(void *ctx, const mt_evtx_record *r)
{
	seen *s = ctx;
	s->n++;
	s->counts[r->event_id & 0xffff]++;
	if (!r->provider || !r->channel || !r->computer || !r->user_sid ||
	    (r->nfields && !r->fields))
		s->bad_strings = 1;
	for (size_t i = 0; i < r->nfields; i++)
		if (!r->fields[i].name || !r->fields[i].value)
			s->bad_strings = 1;
	if (s->nonly) {
		int ok = 0;
		for (size_t i = 0; i < s->nonly; i++)
			ok |= s->only[i] == r->event_id;
		if (!ok)
			s->off_filter = 1;
	}
	if (r->record_id == s->want_id && !s->found) {
		s->found = 1;
		s->rec = *r;
		mt_copy(s->provider, sizeof(s->provider), r->provider);
		mt_copy(s->channel, sizeof(s->channel), r->channel);
		mt_copy(s->computer, sizeof(s->computer), r->computer);
		mt_copy(s->sid, sizeof(s->sid), r->user_sid);
		s->nf = r->nfields < 64 ? r->nfields : 64;
		for (size_t i = 0; i < s->nf; i++) {
			mt_copy(s->f[i].name, sizeof(s->f[i].name), r->fields[i].name);
			mt_copy(s->f[i].value, sizeof(s->f[i].value), r->fields[i].value);
		}
		/* the lookup helper, while r is valid */
		if (r->nfields && mt_evtx_field_get(r, r->fields[0].name) != r->fields[0].value)
			s->bad_strings = 1;
		if (mt_evtx_field_get(r, "NoSuchFieldName") != NULL)
			s->bad_strings = 1;
	}
	return s->stop_after && s->n >= s->stop_after;
}

static void on_diag(void *ctx, const char *msg)
{
	seen *s = ctx;
	s->ndiag++;
	if (getenv("T_VERBOSE"))
		fprintf(stderr, "    diag: %s\n", msg);
}

static const char *fld(const seen *s, const char *name)
{
	for (size_t i = 0; i < s->nf; i++)
		if (!strcmp(s->f[i].name, name))
			return s->f[i].value;
	return NULL;
}

static mt_err read_file(const char *name, seen *s, mt_evtx_stats *st)
{
	char p[512];
	if (!path_of(p, sizeof(p), name))
		return MT_ERR_INVAL;
	int fd = open(p, O_RDONLY);
	if (fd < 0)
		return MT_ERR_NOENT;
	mt_evtx_opts o = {on_rec, on_diag, s, s->only, s->nonly};
	mt_err e = mt_evtx_read_fd(fd, &o, st);
	close(fd);
	return e;
}

static seen *seen_new(uint64_t want_id)
{
	seen *s = calloc(1, sizeof(*s));
	REQUIRE_NOT_NULL(s);
	s->want_id = want_id;
	return s;
}

static void test_security(void)
{
	TEST_START("security.evtx: counts and a 4624 logon");
	seen *s = seen_new(812);
	mt_evtx_stats st;
	ASSERT_INT_EQ(read_file("security.evtx", s, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 2261);
	ASSERT_U64_EQ(s->n, 2261);
	ASSERT_U64_EQ(st.chunks, 26);
	ASSERT_U64_EQ(st.bad_chunks, 0);
	ASSERT_U64_EQ(st.bad_crc, 0);
	ASSERT_U64_EQ(st.bad_records, 0);
	ASSERT_INT_EQ(st.dirty, 1);
	ASSERT_INT_EQ(st.header_bad, 0);
	ASSERT_INT_EQ(s->counts[4624], 583);
	ASSERT_INT_EQ(s->counts[4672], 459);
	ASSERT_INT_EQ(s->counts[4648], 45);
	ASSERT_INT_EQ(s->counts[4907], 620);
	ASSERT_FALSE(s->bad_strings);
	REQUIRE_TRUE(s->found);
	ASSERT_INT_EQ(s->rec.event_id, 4624);
	ASSERT_STR_EQ(s->provider, "Microsoft-Windows-Security-Auditing");
	ASSERT_STR_EQ(s->channel, "Security");
	ASSERT_STR_EQ(s->computer, "WIN-03DLIIOFRRA");
	ASSERT_STR_EQ(s->sid, "");
	ASSERT_STR_EQ(fld(s, "TargetUserName"), "archir");
	ASSERT_STR_EQ(fld(s, "LogonType"), "2");
	ASSERT_STR_EQ(fld(s, "IpAddress"), "::1");
	ASSERT_STR_EQ(fld(s, "IpPort"), "0");
	ASSERT_STR_EQ(fld(s, "WorkstationName"), "WIN-03DLIIOFRRA");
	ASSERT_STR_EQ(fld(s, "LogonGuid"), "{00000000-0000-0000-0000-000000000000}");
	ASSERT_STR_EQ(fld(s, "LogonProcessName"), "CredPro");
	ASSERT_STR_EQ(fld(s, "ProcessName"), "C:\\Windows\\System32\\consent.exe");
	ASSERT_STR_EQ(fld(s, "ProcessId"), "0x0000000000000d4c");
	ASSERT_STR_EQ(fld(s, "SubjectUserSid"), "S-1-5-18");
	free(s);
	TEST_DONE();
}

static void test_new_user(void)
{
	TEST_START("new-user-security.evtx: 4720 user created");
	seen *s = seen_new(112);
	mt_evtx_stats st;
	ASSERT_INT_EQ(read_file("new-user-security.evtx", s, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 4);
	ASSERT_INT_EQ(s->counts[4720], 1);
	ASSERT_INT_EQ(s->counts[4728], 1);
	ASSERT_INT_EQ(s->counts[4732], 2);
	REQUIRE_TRUE(s->found);
	ASSERT_INT_EQ(s->rec.event_id, 4720);
	ASSERT_INT_EQ(s->rec.level, 0);
	ASSERT_INT_EQ(s->rec.pid, 508);
	ASSERT_INT_EQ(s->rec.tid, 1032);
	ASSERT_U64_EQ(s->rec.header_id, 2); /* this log numbers its record headers 1-4 */
	ASSERT_U64_EQ(s->rec.time, 1382545359);
	ASSERT_INT_EQ(s->rec.time_ns, 989125000);
	ASSERT_U64_EQ(s->rec.filetime, (1382545359ull + 11644473600ull) * 10000000ull + 9891250);
	ASSERT_STR_EQ(s->computer, "IE8Win7");
	ASSERT_SIZE_EQ(s->nf, 26);
	ASSERT_STR_EQ(s->f[0].name, "TargetUserName");
	ASSERT_STR_EQ(fld(s, "TargetUserName"), "IEUser");
	ASSERT_STR_EQ(fld(s, "TargetDomainName"), "IE8Win7");
	ASSERT_STR_EQ(fld(s, "TargetSid"), "S-1-5-21-3463664321-2923530833-3546627382-1000");
	ASSERT_STR_EQ(fld(s, "SamAccountName"), "IEUser");
	ASSERT_STR_EQ(fld(s, "SubjectUserName"), "WIN-QALA5Q3KJ43$");
	ASSERT_STR_EQ(fld(s, "SubjectLogonId"), "0x00000000000003e7");
	ASSERT_STR_EQ(fld(s, "PrimaryGroupId"), "513");
	ASSERT_STR_EQ(fld(s, "UserAccountControl"), "\r\n\t\t%%2080\r\n\t\t%%2082\r\n\t\t%%2084");
	free(s);
	TEST_DONE();
}

static void test_system(void)
{
	TEST_START("system.evtx: 7045 service installed");
	seen *s = seen_new(45);
	mt_evtx_stats st;
	ASSERT_INT_EQ(read_file("system.evtx", s, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 1881);
	ASSERT_INT_EQ(s->counts[7045], 57); /* evtxexport counts 57 (README: 59) */
	REQUIRE_TRUE(s->found);
	ASSERT_INT_EQ(s->rec.event_id, 7045);
	ASSERT_INT_EQ(s->rec.qualifiers, 16384);
	ASSERT_INT_EQ(s->rec.level, 4);
	ASSERT_INT_EQ(s->rec.pid, 620);
	ASSERT_INT_EQ(s->rec.tid, 1796);
	ASSERT_STR_EQ(s->provider, "Service Control Manager");
	ASSERT_STR_EQ(s->channel, "System");
	ASSERT_STR_EQ(s->sid, "S-1-5-18");
	ASSERT_STR_EQ(fld(s, "ServiceName"), "UMDF Reflector service for Sensors HID Class Driver");
	ASSERT_STR_EQ(fld(s, "ImagePath"), "\\SystemRoot\\System32\\drivers\\WUDFRd.sys");
	ASSERT_STR_EQ(fld(s, "ServiceType"), "kernel mode driver");
	ASSERT_STR_EQ(fld(s, "StartType"), "demand start");
	ASSERT_STR_EQ(fld(s, "AccountName"), "");
	free(s);

	/* classic events: a string array gives one unnamed Data per item, and an empty
	   optional Binary is left out (as evtxexport writes them) */
	s = seen_new(1);
	ASSERT_INT_EQ(read_file("system.evtx", s, &st), MT_OK);
	REQUIRE_TRUE(s->found);
	ASSERT_INT_EQ(s->rec.event_id, 6009);
	ASSERT_INT_EQ(s->rec.qualifiers, 32768);
	ASSERT_STR_EQ(s->provider, "EventLog");
	ASSERT_SIZE_EQ(s->nf, 5);
	ASSERT_STR_EQ(s->f[0].name, "");
	ASSERT_STR_EQ(s->f[0].value, "10.00.");
	ASSERT_STR_EQ(s->f[1].value, "15063");
	ASSERT_STR_EQ(s->f[2].value, "");
	ASSERT_STR_EQ(s->f[3].value, "Multiprocessor Free");
	ASSERT_STR_EQ(s->f[4].value, "0");
	free(s);
	s = seen_new(2);
	ASSERT_INT_EQ(read_file("system.evtx", s, &st), MT_OK);
	REQUIRE_TRUE(s->found);
	ASSERT_SIZE_EQ(s->nf, 1);
	ASSERT_STR_EQ(fld(s, "Binary"), "E107070003000C00110010001C00D6000000000000000000");
	free(s);
	TEST_DONE();
}

static void test_sysmon(void)
{
	TEST_START("sysmon.evtx: event 1 process create");
	seen *s = seen_new(1742);
	mt_evtx_stats st;
	ASSERT_INT_EQ(read_file("sysmon.evtx", s, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 358);
	ASSERT_INT_EQ(s->counts[1], 227);
	ASSERT_U64_EQ(st.chunks, 9);     /* the header counts 1; 8 valid ones follow */
	ASSERT_U64_EQ(st.bad_chunks, 0); /* 8 of slack after them: not chunks */
	REQUIRE_TRUE(s->found);
	ASSERT_INT_EQ(s->rec.event_id, 1);
	ASSERT_STR_EQ(s->provider, "Microsoft-Windows-Sysmon");
	ASSERT_STR_EQ(fld(s, "Image"), "C:\\Windows\\SysWOW64\\PING.EXE");
	ASSERT_STR_EQ(fld(s, "CommandLine"), "ping  -n 6 127.0.0.1 ");
	ASSERT_STR_EQ(fld(s, "ParentImage"), "C:\\Windows\\SysWOW64\\cmd.exe");
	ASSERT_STR_EQ(fld(s, "User"), "NT AUTHORITY\\SYSTEM");
	ASSERT_STR_EQ(fld(s, "ProcessGuid"), "{94F748D5-4A45-5A42-0000-0010D265F20F}");
	ASSERT_STR_CONTAINS(fld(s, "Hashes"), "SHA256=8F16A431C919A0AA7C9466EC1CDC1E721F30EB5C");
	free(s);
	TEST_DONE();
}

static void test_userdata(void)
{
	TEST_START("RemoteConnectionManager: 1149 UserData leaves, VSS record ids");
	seen *s = seen_new(462939);
	mt_evtx_stats st;
	ASSERT_INT_EQ(read_file("2-vss_0-Microsoft-Windows-TerminalServices-"
	                        "RemoteConnectionManager%4Operational.evtx",
	                        s, &st),
	              MT_OK);
	ASSERT_U64_EQ(st.records, 1774);
	ASSERT_INT_EQ(s->counts[1149], 5);
	ASSERT_U64_EQ(st.bad_records, 2); /* a size copy that differs, then no signature */
	REQUIRE_TRUE(s->found);
	ASSERT_SIZE_EQ(s->nf, 3);
	ASSERT_STR_EQ(fld(s, "Param1"), "mpowers");
	ASSERT_STR_EQ(fld(s, "Param2"), "MAGNETIC-DESKTO");
	ASSERT_STR_EQ(fld(s, "Param3"), "174.127.93.2");
	free(s);
	/* a recovered record whose header number differs from its EventRecordID */
	s = seen_new(352201);
	ASSERT_INT_EQ(read_file("2-vss_0-Microsoft-Windows-TerminalServices-"
	                        "RemoteConnectionManager%4Operational.evtx",
	                        s, &st),
	              MT_OK);
	REQUIRE_TRUE(s->found);
	ASSERT_U64_EQ(s->rec.header_id, 462791);
	free(s);
	TEST_DONE();
}

static void test_damaged(void)
{
	TEST_START("damaged files: bad chunk magic, zero-size record, CRC");
	seen *s = seen_new(0);
	mt_evtx_stats st;
	ASSERT_INT_EQ(read_file("sample_with_a_bad_chunk_magic.evtx", s, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 267);
	ASSERT_U64_EQ(st.chunks, 4);
	ASSERT_U64_EQ(st.bad_chunks, 2);
	ASSERT_U64_EQ(st.bad_records, 4); /* three size copies of 0, one chunk tail */
	ASSERT_INT_GE(s->ndiag, 6);
	free(s);

	s = seen_new(0);
	ASSERT_INT_EQ(read_file("sample-with-zero-data-size-event.evtx", s, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 335);
	ASSERT_U64_EQ(st.bad_records, 1);
	free(s);

	s = seen_new(0);
	ASSERT_INT_EQ(read_file("Application_no_crc32.evtx", s, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 17);
	ASSERT_U64_EQ(st.chunks, 1);
	ASSERT_U64_EQ(st.bad_crc, 0); /* flag 4: no checksums to check */
	ASSERT_INT_EQ(st.header_bad, 0);
	free(s);

	s = seen_new(0);
	ASSERT_INT_EQ(read_file("security_bad_string_cache.evtx", s, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 2261);
	ASSERT_U64_EQ(st.bad_crc, 1);
	ASSERT_INT_EQ(s->counts[4624], 583);
	free(s);

	s = seen_new(0);
	ASSERT_INT_EQ(read_file("post-Security.evtx", s, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 126);
	ASSERT_INT_EQ(s->counts[4624], 25);
	free(s);
	TEST_DONE();
}

static void test_filter(void)
{
	TEST_START("only_ids and stopping");
	static const unsigned ids[] = {4624, 4672};
	seen *s = seen_new(0);
	s->only = ids;
	s->nonly = 2;
	mt_evtx_stats st;
	ASSERT_INT_EQ(read_file("security.evtx", s, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 583 + 459);
	ASSERT_U64_EQ(st.filtered, 2261 - 583 - 459);
	ASSERT_INT_EQ(s->counts[4624], 583);
	ASSERT_INT_EQ(s->counts[4672], 459);
	ASSERT_FALSE(s->off_filter);
	free(s);

	static const unsigned one[] = {7045};
	s = seen_new(45);
	s->only = one;
	s->nonly = 1;
	ASSERT_INT_EQ(read_file("system.evtx", s, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 57);
	ASSERT_TRUE(s->found);
	ASSERT_STR_EQ(fld(s, "ServiceName"), "UMDF Reflector service for Sensors HID Class Driver");
	ASSERT_FALSE(s->off_filter);
	free(s);

	s = seen_new(0);
	s->stop_after = 5;
	ASSERT_INT_EQ(read_file("security.evtx", s, &st), MT_OK);
	ASSERT_U64_EQ(s->n, 5);
	ASSERT_U64_EQ(st.records, 5);
	free(s);
	TEST_DONE();
}

/* mt_evtx_read_mem on data; the number of records. */
static uint64_t mem_records(const uint8_t *data, size_t len, mt_err *e, mt_evtx_stats *st)
{
	seen *s = seen_new(0);
	mt_evtx_opts o = {on_rec, NULL, s, NULL, 0};
	*e = mt_evtx_read_mem(data, len, &o, st);
	uint64_t n = s->n;
	if (s->bad_strings)
		n = UINT64_MAX;
	free(s);
	return n;
}

static void test_mem_and_hostile(void)
{
	TEST_START("read_mem, truncation, corruption, garbage");
	size_t len = 0;
	unsigned char *d = slurp("sysmon.evtx", &len);
	REQUIRE_NOT_NULL(d);
	mt_err e;
	mt_evtx_stats st;
	ASSERT_U64_EQ(mem_records(d, len, &e, &st), 358);
	ASSERT_INT_EQ(e, MT_OK);

	/* the file header and the first chunk alone; the chunk without the file header */
	uint64_t one = mem_records(d, 4096 + 65536, &e, &st);
	ASSERT_INT_EQ(e, MT_OK);
	ASSERT_U64_EQ(st.chunks, 1);
	ASSERT_INT_GT(one, 0);
	ASSERT_U64_EQ(mem_records(d + 4096, 65536, &e, &st), one);
	ASSERT_INT_EQ(e, MT_OK);
	ASSERT_INT_EQ(st.header_bad, 1);

	/* every cut of the first chunk: fewer records, never a crash */
	uint64_t prev = 0;
	for (size_t cut = 4096; cut <= 4096 + 65536; cut += 509) {
		uint64_t n = mem_records(d, cut, &e, &st);
		ASSERT_TRUE(n <= one && n >= prev);
		prev = n;
	}

	/* a damaged header checksum: the chunk is still read, and counted */
	unsigned char *c = malloc(4096 + 65536);
	REQUIRE_NOT_NULL(c);
	memcpy(c, d, 4096 + 65536);
	c[4096 + 200] ^= 0x55; /* inside the string table: covered by the CRC */
	uint64_t n = mem_records(c, 4096 + 65536, &e, &st);
	ASSERT_U64_EQ(st.bad_crc, 1);
	ASSERT_U64_EQ(n, one);
	memcpy(c, d, 4096 + 65536);
	c[4096 + 3] ^= 0x20; /* the signature */
	ASSERT_U64_EQ(mem_records(c, 4096 + 65536, &e, &st), 0);
	ASSERT_INT_EQ(e, MT_OK); /* the file header is there */
	ASSERT_U64_EQ(st.bad_chunks, 1);
	c[3] ^= 0x20; /* and the file header: nothing left */
	mem_records(c, 4096 + 65536, &e, &st);
	ASSERT_INT_EQ(e, MT_ERR_PARSE);

	/* random damage in the records (CRC off so the chunk is read) */
	uint32_t seed = 12345;
	for (int round = 0; round < 300; round++) {
		memcpy(c, d, 4096 + 65536);
		c[4096 + 120] |= 4;
		for (int k = 0; k < 1 + round % 16; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = 4096 + 512 + (seed >> 8) % (65536 - 512);
			seed = seed * 1103515245u + 12345u;
			c[at] = (unsigned char)(seed >> 16);
		}
		n = mem_records(c, 4096 + 65536, &e, &st);
		ASSERT_TRUE(n != UINT64_MAX);
		ASSERT_INT_EQ(e, MT_OK);
	}
	free(c);
	free(d);

	/* garbage and nothing */
	unsigned char *g = malloc(100000);
	REQUIRE_NOT_NULL(g);
	memset(g, 0x41, 100000);
	mem_records(g, 100000, &e, &st);
	ASSERT_INT_EQ(e, MT_ERR_PARSE);
	free(g);
	mem_records(NULL, 0, &e, &st);
	ASSERT_INT_EQ(e, MT_ERR_PARSE);
	mt_evtx_opts o = {on_rec, NULL, NULL, NULL, 0};
	ASSERT_INT_EQ(mt_evtx_read_fd(-1, &o, NULL), MT_ERR_INVAL);
	ASSERT_INT_EQ(mt_evtx_read_mem(NULL, 0, NULL, NULL), MT_ERR_INVAL);
	ASSERT_NULL(mt_evtx_field_get(NULL, "x"));
	TEST_DONE();
}

/* The hand-made file of evtx_synth.h: every value type in the form evtxexport prints it
 * (checked with evtxexport 20181227 except where it is wrong: it prints negative signed
 * integers as sign and magnitude with the top bit set, -5 as -123, and it drops an element
 * with an entity reference and refuses character references), a template used by offset,
 * nested BinXML with and without dependency identifiers. */
static void test_synthetic(void)
{
	TEST_START("hand-made chunk: all value types, templates, nested BinXML");
	static uint8_t buf[4096 + 65536];
	for (int variant = 0; variant < 2; variant++) {
		synth_build(buf, variant, 1);
		for (uint64_t want = 1; want <= 2; want++) {
			seen *s = seen_new(want);
			mt_evtx_opts o = {on_rec, on_diag, s, NULL, 0};
			mt_evtx_stats st;
			ASSERT_INT_EQ(mt_evtx_read_mem(buf, sizeof(buf), &o, &st), MT_OK);
			ASSERT_U64_EQ(st.records, 2);
			ASSERT_U64_EQ(st.bad_records, 0);
			ASSERT_U64_EQ(st.bad_crc, 0);
			ASSERT_INT_EQ(st.header_bad, 0);
			REQUIRE_TRUE(s->found);
			ASSERT_INT_EQ(s->rec.event_id, 4241 + want);
			ASSERT_INT_EQ(s->rec.qualifiers, 16384);
			ASSERT_INT_EQ(s->rec.level, 3);
			ASSERT_INT_EQ(s->rec.pid, 1234);
			ASSERT_INT_EQ(s->rec.tid, 5678);
			ASSERT_U64_EQ(s->rec.time, 1382545379 + want - 1);
			ASSERT_INT_EQ(s->rec.time_ns, 989125000);
			ASSERT_STR_EQ(s->provider, "Synth-Provider");
			ASSERT_STR_EQ(s->channel, "Synth/Operational");
			ASSERT_STR_EQ(s->computer, "HOST-1");
			ASSERT_STR_EQ(s->sid, "S-1-5-21-1-2-3-500");
			ASSERT_STR_EQ(fld(s, "I8"), "-5");
			ASSERT_STR_EQ(fld(s, "U8"), "200");
			ASSERT_STR_EQ(fld(s, "I16"), "-300");
			ASSERT_STR_EQ(fld(s, "U16"), "65000");
			ASSERT_STR_EQ(fld(s, "I32"), "-70000");
			ASSERT_STR_EQ(fld(s, "U32"), "4000000000");
			ASSERT_STR_EQ(fld(s, "I64"), "-5000000000");
			ASSERT_STR_EQ(fld(s, "U64"), "18000000000000000000");
			ASSERT_STR_EQ(fld(s, "F32"), "1.500000e+000");
			ASSERT_STR_EQ(fld(s, "F64"), "-2.250000e+000");
			ASSERT_STR_EQ(fld(s, "Bool"), "true");
			ASSERT_STR_EQ(fld(s, "Bin"), "0102AB");
			ASSERT_STR_EQ(fld(s, "Guid"), "{54849625-5478-4994-A5BA-3E3B0328C30D}");
			ASSERT_STR_EQ(fld(s, "SizeT"), "4660");
			ASSERT_STR_EQ(fld(s, "FileTime"), "2013-10-23T16:22:59.989125000Z");
			ASSERT_STR_EQ(fld(s, "SysTime"), "2020-02-29T13:14:15.678Z");
			ASSERT_STR_EQ(fld(s, "Sid"), "S-1-5-18");
			ASSERT_STR_EQ(fld(s, "Hex32"), "0x0000001f");
			ASSERT_STR_EQ(fld(s, "Hex64"), "0x00000000000003e7");
			ASSERT_STR_EQ(fld(s, "Ansi"), "ansi\xc3\xa9");
			ASSERT_STR_EQ(fld(s, "T"), "a&bAc");
			ASSERT_STR_EQ(fld(s, ""), "plain");
			ASSERT_STR_EQ(fld(s, "Leaf"), "leafval");
			ASSERT_STR_EQ(fld(s, "Other"), "");
			ASSERT_NULL(fld(s, "Empty"));  /* optional substitution, no value */
			ASSERT_NULL(fld(s, "Binary")); /* the same */
			ASSERT_NULL(fld(s, "Wrap"));   /* not a leaf */
			/* arrays: one field per item, in order */
			int k = -1;
			for (size_t i = 0; i < s->nf; i++)
				if (!strcmp(s->f[i].name, "StrArr") && k < 0)
					k = (int)i;
			REQUIRE_TRUE(k >= 0 && (size_t)k + 3 < s->nf);
			ASSERT_STR_EQ(s->f[k].value, "one");
			ASSERT_STR_EQ(s->f[k + 1].name, "StrArr");
			ASSERT_STR_EQ(s->f[k + 1].value, "two");
			ASSERT_STR_EQ(s->f[k + 2].name, "U16Arr");
			ASSERT_STR_EQ(s->f[k + 2].value, "7");
			ASSERT_STR_EQ(s->f[k + 3].value, "8");
			ASSERT_SIZE_EQ(s->nf, 28);
			free(s);
		}
	}
	/* the filter decides on the EventID of each record */
	static const unsigned id[] = {4243};
	seen *s = seen_new(2);
	s->only = id;
	s->nonly = 1;
	mt_evtx_opts o = {on_rec, NULL, s, id, 1};
	mt_evtx_stats st;
	ASSERT_INT_EQ(mt_evtx_read_mem(buf, sizeof(buf), &o, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 1);
	ASSERT_U64_EQ(st.filtered, 1);
	ASSERT_TRUE(s->found);
	ASSERT_FALSE(s->off_filter);
	free(s);
	/* the template definition broken: both records are bad (the second uses it) */
	synth_build(buf, 0, 1);
	uint8_t *tok = memmem(buf + 4096 + 512, 600, "\x0f\x01\x01\x00\x01\xff\xff", 7);
	REQUIRE_NOT_NULL(tok);
	tok[4] = 0x7f; /* not a token */
	s = seen_new(0);
	o.ctx = s;
	o.only_ids = NULL;
	o.nonly_ids = 0;
	ASSERT_INT_EQ(mt_evtx_read_mem(buf, sizeof(buf), &o, &st), MT_OK);
	ASSERT_U64_EQ(st.records, 0);
	ASSERT_U64_EQ(st.bad_records, 2);
	free(s);
	TEST_DONE();
}

/* A chunk whose first record expands one template exponentially ("billion laughs"): the
 * template writes value 0, nested BinXML, fifty times, and that BinXML is an instance of
 * the same template one level down, levels deep (50^levels elements); its second record is
 * a plain one. */
static void build_laughs(uint8_t *chunk, int levels)
{
	memset(chunk, 0, 65536);
	synth s;
	memset(&s, 0, sizeof(s));
	s.c = chunk;
	memcpy(chunk, "ElfChnk", 8);
	chunk[40] = 128;
	chunk[120] = 4; /* no checksums */
	s.n = 512;
	uint32_t start = s.n;
	s32(&s, 0x2a2a);
	s32(&s, 0);
	s64(&s, 1);
	s64(&s, 130270189799891250ull);
	s8(&s, 0x0f), s8(&s, 1), s8(&s, 1), s8(&s, 0);
	s8(&s, 0x0c), s8(&s, 1), s32(&s, 7);
	uint32_t def = s.n + 4;
	s32(&s, def);
	s32(&s, 0);
	for (int i = 0; i < 16; i++)
		s8(&s, 0);
	uint32_t szat = s.n;
	s32(&s, 0);
	s.dep_ids = 1;
	s8(&s, 0x0f), s8(&s, 1), s8(&s, 1), s8(&s, 0);
	s_open(&s, "E", 0);
	s_close_start(&s);
	for (int i = 0; i < 50; i++)
		s_sub(&s, 0, 0x21, 0);
	s_end(&s);
	s8(&s, 0x00);
	put32_at(&s, szat, s.n - szat - 4);
	/* one value: level levels-1 of "fragment, instance of def with one 0x21 value, EOF",
	   each holding the next; the innermost value is empty */
	uint32_t desc[64];
	s32(&s, 1);
	for (int l = levels - 1; l >= 0; l--) {
		desc[l] = s.n;
		s16(&s, 0); /* size, below */
		s8(&s, 0x21);
		s8(&s, 0);
		if (l == 0)
			break;
		s8(&s, 0x0f), s8(&s, 1), s8(&s, 1), s8(&s, 0);
		s8(&s, 0x0c), s8(&s, 1), s32(&s, 7), s32(&s, def);
		s32(&s, 1);
	}
	for (int l = 1; l < levels; l++) {
		s8(&s, 0x00); /* the EOF of level l */
		uint32_t from = desc[l] + 4;
		uint32_t sz = s.n - from;
		chunk[desc[l]] = (uint8_t)sz;
		chunk[desc[l] + 1] = (uint8_t)(sz >> 8);
	}
	s8(&s, 0x00);
	uint32_t size = s.n - start + 4;
	s32(&s, size);
	put32_at(&s, start + 4, size);
	uint32_t tdef = 0;
	synth_record(&s, 2, 130270189799891250ull, &tdef, 1, 4243);
	put32_at(&s, 48, s.n);
}

static void test_expansion(void)
{
	TEST_START("exponential template expansion is bounded");
	static uint8_t chunk[65536];
	for (int levels = 1; levels <= 8; levels++) {
		build_laughs(chunk, levels);
		seen *z = seen_new(2);
		mt_evtx_opts o = {on_rec, on_diag, z, NULL, 0};
		mt_evtx_stats st;
		ASSERT_INT_EQ(mt_evtx_read_mem(chunk, sizeof(chunk), &o, &st), MT_OK);
		ASSERT_U64_EQ(st.chunks, 1);
		/* up to 50^3 elements are decoded; from 50^4 the budget cuts the record off */
		ASSERT_U64_EQ(st.bad_records, levels <= 3 ? 0 : 1);
		ASSERT_U64_EQ(st.records, levels <= 3 ? 2 : 1);
		ASSERT_TRUE(z->found);
		ASSERT_STR_EQ(fld(z, "Leaf"), "leafval");
		free(z);
	}
	TEST_DONE();
}

int main(void)
{
	dir = "../shared/data/windows/evtx";
	if (access(dir, R_OK) != 0)
		dir = "/work/shared/data/windows/evtx";
	REQUIRE_TRUE(access(dir, R_OK) == 0);
	test_security();
	test_new_user();
	test_system();
	test_sysmon();
	test_userdata();
	test_damaged();
	test_filter();
	test_mem_and_hostile();
	test_synthetic();
	test_expansion();
	return T_DONE();
}
