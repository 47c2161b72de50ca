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

/* Handles complete messages in the buffer; leaves a partial one. */
void mt__http_stream(mt_pcap *p, mt_flow *f, int dir)
{
	mt_stream *s = &f->s[dir];
	for (int rounds = 0; rounds < 8 && s->blen; rounds++) {
		const char *b = (const char *)s->buf;
		size_t n = s->blen;
		const char *hend = find(b, n, "\r\n\r\n");
		if (!hend)
			return;
		size_t hl = (size_t)(hend - b) + 4;
		size_t clen = 0;
		const char *cl = find(b, hl, "\r\ncontent-length:");
		if (cl) {
			const char *q = cl + 17;
			while (q < b + hl && *q == ' ')
				q++;
			while (q < b + hl && *q >= '0' && *q <= '9' &&
			       clen < MT_PCAP_STREAM_BUF * 4)
				clen = clen * 10 + (size_t)(*q++ - '0');
		}
		if (clen > n - hl && n < MT_PCAP_STREAM_BUF)
			return; /* wait for the body */
		size_t body = clen <= n - hl ? clen : n - hl;
		if (dir == 0 && (n > 4 && (!memcmp(b, "GET ", 4) || !memcmp(b, "POST ", 5)))) {
			const char *uri = memchr(b, ' ', hl);
			const char *ue =
				uri ? memchr(uri + 1, ' ', hl - (size_t)(uri + 1 - b)) : NULL;
			const char *h = find(b, hl, "\r\nhost:");
			if (uri && ue) {
				size_t hn = 0;
				const char *hs = NULL;
				if (h) {
					hs = h + 7;
					while (hs < b + hl && *hs == ' ')
						hs++;
					const char *he = hs;
					while (he < b + hl && *he != '\r' && *he != ':')
						he++;
					hn = (size_t)(he - hs);
					if (hn)
						mt__name_seen(p, &f->a, &f->b, f->ap, f->bp, hs, hn,
						              "http-host", f->last_us);
				}
				mt__url_seen(p, f, hs ? hs : "", hn, uri + 1,
				             (size_t)(ue - uri - 1));
			}
		}
		if (body)
			mt__jsonrpc_msg(p, f, dir, b + hl, body, 1);
		size_t used = hl + body;
		if (used >= s->blen) {
			s->blen = 0;
		} else {
			memmove(s->buf, s->buf + used, s->blen - used);
			s->blen -= (uint32_t)used;
		}
	}
}
