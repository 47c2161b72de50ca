/* http.c - HTTP requests (Host, URI against browser-miner scripts and campaign URLs) and
 * getwork / getblocktemplate JSON-RPC bodies with their answers */
#include <string.h>

#include "net.h"

static const char *find(const char *s, size_t n, const char *pat)
{
	size_t pl = strlen(pat);
	for (size_t i = 0; pl <= n && i <= n - pl; i++)
		if (!strncasecmp(s + i, pat, pl))
			return s + i;
	return NULL;
}

static int hexv_http(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
	                              : -1;
}

/* this direction is read no further (its buffer goes back to the pool in flow.c) */
static void stream_give_up(mt_stream *s)
{
	s->blen = 0;
	s->mode = MT_DIR_MODE_DONE;
}

static int url_hit(void *ctx, const mt_rule *rule)
{
	*(const mt_rule **)ctx = rule;
	return 1;
}

void mt__url_seen(mt_pcap *p, const mt_flow *f, const char *host, size_t hn, const char *uri,
                  size_t un)
{
	char url[1024];
	size_t o = 0;
	for (size_t i = 0; i < hn && o < sizeof(url) - 1; i++)
		url[o++] = host[i];
	for (size_t i = 0; i < un && o < sizeof(url) - 1; i++)
		url[o++] = uri[i];
	url[o] = '\0';
	const mt_rule *x = NULL;
	mt_rules_each_match(p->rules, MT_RK_URL, url, o, url_hit, &x);
	if (!x)
		return;
	int browser = x->family[0] == '\0' && strstr(x->source, "nocoin") != NULL;
	int det = browser ? MT_DET_browser_miner : MT_DET_c2;
	mt_finding *g = mt_finding_new(mt__det(det), mt__det(det)->severity, 85);
	char src[64];
	mt__addr_text(&f->a, src, sizeof(src));
	mt_finding_text(g, MT_LANG_EN, mt__det(det)->title[0], "%s fetched %s", src, url);
	mt_finding_text(g, MT_LANG_ZH, mt__det(det)->title[1], "%s 请求 %s", src, url);
	mt__ev_endpoints(g, &f->a, f->ap, &f->b, f->bp, 1);
	mt_finding_str(g, "url", url, 1);
	mt_finding_rule(g, x);
	mt__add(p, g);
	mt__host_flag(p, &f->a, browser ? MT_HF_BROWSER : MT_HF_C2,
	              browser ? "fetched a browser-miner script" : "fetched a campaign URL",
	              browser ? "加载网页挖矿脚本" : "请求挖矿团伙URL");
}

/* The value of header name (with its colon, lower case, after "\r\n") in the header
 * block [b, b + hl), blanks trimmed; 0 when absent. */
static size_t header(const char *b, size_t hl, const char *name, const char **val)
{
	const char *h = find(b, hl, name);
	if (!h)
		return 0;
	const char *v = h + strlen(name), *e = b + hl;
	while (v < e && (*v == ' ' || *v == '\t'))
		v++;
	const char *z = v;
	while (z < e && *z != '\r' && *z != '\n')
		z++;
	while (z > v && (z[-1] == ' ' || z[-1] == '\t'))
		z--;
	*val = v;
	return (size_t)(z - v);
}

static int b64v(int c)
{
	return c >= 'A' && c <= 'Z'   ? c - 'A'
	       : c >= 'a' && c <= 'z' ? c - 'a' + 26
	       : c >= '0' && c <= '9' ? c - '0' + 52
	       : c == '+'             ? 62
	       : c == '/'             ? 63
	                              : -1;
}

/* The user of "Basic <base64 user:password>" into out (printable ASCII only); its length. */
static size_t basic_user(const char *v, size_t n, char *out, size_t cap)
{
	if (n < 6 || strncasecmp(v, "basic ", 6) != 0)
		return 0;
	size_t o = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 6; i < n && o < cap - 1; i++) {
		int x = b64v((unsigned char)v[i]);
		if (x < 0)
			break;
		acc = acc << 6 | (unsigned)x;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			unsigned char c = (unsigned char)(acc >> bits);
			if (c == ':')
				return o;
			if (c < 0x20 || c > 0x7e)
				return 0;
			out[o++] = (char)c;
		}
	}
	return o; /* no password part: the whole is the user */
}

/* Chunked transfer coding over [b, b + n): 1 when the last chunk is there (*used: the
 * bytes of the coded body), 0 when more is needed, -1 malformed. With write, the chunks'
 * data is moved together in place (what a cut last chunk holds too) and *out is its
 * length; without, nothing is changed (the message may still be waiting for bytes). */
static int dechunk(char *b, size_t n, int write, size_t *out, size_t *used)
{
	size_t r = 0, w = 0;
	*out = 0;
	for (;;) {
		size_t sz = 0, d = 0;
		while (r + d < n && hexv_http(b[r + d]) >= 0 && d < 8)
			sz = sz << 4 | (size_t)hexv_http(b[r + d++]);
		if (r + d >= n)
			return 0;
		if (!d)
			return -1;
		const char *eol = find(b + r + d, n - r - d, "\r\n"); /* chunk extensions */
		if (!eol)
			return 0;
		size_t data = (size_t)(eol - b) + 2;
		if (sz == 0) {
			const char *end = find(b + data - 2, n - data + 2, "\r\n\r\n");
			if (!end)
				return 0;
			*used = (size_t)(end - b) + 4;
			return 1;
		}
		if (data + sz + 2 > n) {
			if (write && data < n) {
				memmove(b + w, b + data, n - data);
				*out = w + (n - data);
			}
			return 0;
		}
		if (write) {
			memmove(b + w, b + data, sz);
			w += sz;
			*out = w;
		}
		r = data + sz + 2;
	}
}

/* Handles complete messages in the buffer; leaves a partial one. A body larger than the
 * buffer is judged by its start (mt__jsonrpc_prefix) and the rest skipped. */
void mt__http_stream(mt_pcap *p, mt_flow *f, int dir)
{
	mt_stream *s = &f->s[dir];
	if (s->skip) {
		size_t k = s->skip < s->blen ? s->skip : s->blen;
		memmove(s->buf, s->buf + k, s->blen - k);
		s->blen -= (uint32_t)k;
		s->skip -= (uint32_t)k;
	}
	for (int rounds = 0; rounds < 8 && s->blen; rounds++) {
		char *b = (char *)s->buf;
		size_t n = s->blen;
		const char *hend = find(b, n, "\r\n\r\n");
		if (!hend) {
			if (n == MT_PCAP_STREAM_BUF)
				stream_give_up(s); /* headers longer than the buffer */
			return;
		}
		size_t hl = (size_t)(hend - b) + 4;
		size_t clen = 0;
		const char *v;
		size_t vl = header(b, hl, "\r\ncontent-length:", &v);
		int have_len = vl > 0;
		for (size_t i = 0; i < vl && v[i] >= '0' && v[i] <= '9' && clen < (1u << 30); i++)
			clen = clen * 10 + (size_t)(v[i] - '0');
		vl = header(b, hl, "\r\ntransfer-encoding:", &v);
		int chunked = vl >= 7 && find(v, vl, "chunked") != NULL;
		int request = n > 4 && (!memcmp(b, "GET ", 4) || !memcmp(b, "POST ", 5));
		/* answers that never have a body: 1xx, 204, 304 */
		int nobody = !request && hl > 12 && !memcmp(b, "HTTP/", 5) &&
		             (b[9] == '1' || !memcmp(b + 9, "204", 3) || !memcmp(b + 9, "304", 3));
		if (request && dir == 0) {
			const char *uri = memchr(b, ' ', hl);
			const char *ue =
				uri ? memchr(uri + 1, ' ', hl - (size_t)(uri + 1 - b)) : NULL;
			const char *hs = NULL;
			size_t hn = header(b, hl, "\r\nhost:", &hs);
			if (uri && ue) {
				const char *pc = hn ? memchr(hs, ':', hn) : NULL;
				if (pc)
					hn = (size_t)(pc - hs);
				if (hn)
					mt__name_seen(p, &f->a, &f->b, f->ap, f->bp, hs, hn,
					              "http-host", f->last_us);
				mt__url_seen(p, f, hs ? hs : "", hn, uri + 1,
				             (size_t)(ue - uri - 1));
			}
		}
		size_t body = 0, used = 0;
		if (chunked) {
			size_t bl = 0, u = 0;
			int c = dechunk(b + hl, n - hl, 0, &bl, &u);
			if (c < 0) {
				stream_give_up(s);
				return;
			}
			if (c == 0 && n < MT_PCAP_STREAM_BUF)
				return; /* wait for the rest */
			dechunk(b + hl, n - hl, 1, &bl, &u);
			if (c == 0) { /* larger than the buffer: its start, then no more */
				mt__jsonrpc_prefix(p, f, dir, b + hl, bl);
				stream_give_up(s);
				return;
			}
			mt__jsonrpc_body(p, f, dir, b + hl, bl);
			used = hl + u;
		} else if (have_len || request || nobody) {
			if (clen > n - hl && n < MT_PCAP_STREAM_BUF)
				return; /* wait for the body */
			if (nobody)
				clen = 0;
			body = clen <= n - hl ? clen : n - hl;
			if (body < clen) {
				mt__jsonrpc_prefix(p, f, dir, b + hl, body);
				s->skip = (uint32_t)(clen - body);
			} else if (body) {
				mt__jsonrpc_body(p, f, dir, b + hl, body);
			}
			used = hl + body;
		} else {
			/* an answer without a length (HTTP/1.0, Connection: close): the body
			 * runs to the end of the stream; read it once it looks whole */
			size_t e = n;
			while (e > hl && (b[e - 1] == '\r' || b[e - 1] == '\n' || b[e - 1] == ' '))
				e--;
			if (e == hl || (b[e - 1] != '}' && b[e - 1] != ']')) {
				if (n == MT_PCAP_STREAM_BUF) {
					mt__jsonrpc_prefix(p, f, dir, b + hl, n - hl);
					stream_give_up(s);
				}
				return;
			}
			mt__jsonrpc_body(p, f, dir, b + hl, e - hl);
			stream_give_up(s); /* nothing follows on this direction */
			return;
		}
		if (request && dir == 0 && f->session >= 0) {
			char user[96];
			const char *ua = NULL, *au = NULL;
			size_t ul = header(b, hl, "\r\nuser-agent:", &ua);
			size_t al = header(b, hl, "\r\nauthorization:", &au);
			size_t un = al ? basic_user(au, al, user, sizeof(user)) : 0;
			mt__session_http_hints(p, f, ua, ul, user, un);
		}
		if (used >= s->blen) {
			s->blen = 0;
		} else {
			memmove(s->buf, s->buf + used, s->blen - used);
			s->blen -= (uint32_t)used;
		}
	}
}
