/* smb.c - the WannaMine worm on the wire: 445 scanning per source (SYNs count, answered
 * or not), MS17-010 exploitation by SMB1 protocol state (a Trans2 secondary continuing an
 * NT Trans, Trans2 secondary data beyond the declared total), the DoublePulsar reply
 * (Trans2 response, STATUS_NOT_IMPLEMENTED, multiplex id 0x51-0x53), and who infected whom */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

#define SCAN_WINDOW_US (600ll * 1000000)
#define SCAN_HIGH      8
#define SCAN_CRITICAL  32
#define SMB_HDR_NEED   96

static uint16_t le16(const uint8_t *b)
{
	return (uint16_t)(b[0] | b[1] << 8);
}
static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

#define CHAIN_PER_SOURCE 64 /* events kept of one attacker */

void mt__chain_add(mt_pcap *p, int64_t ts, const mt_addr *from, const mt_addr *to, int what)
{
	/* one event per attacker, victim and kind (the earliest), and at most
	 * CHAIN_PER_SOURCE of one attacker: one source cannot fill the chain (review 8) */
	unsigned mine = 0;
	for (uint32_t i = 0; i < p->nchain; i++) {
		mt_chainev *c = &p->chain[i];
		if (memcmp(&c->from, from, 16) != 0)
			continue;
		if (c->what == what && !memcmp(&c->to, to, 16)) {
			if (ts < c->ts_us)
				c->ts_us = ts;
			return;
		}
		mine++;
	}
	if (mine >= CHAIN_PER_SOURCE) {
		p->st.dropped++;
		return;
	}
	mt_err e = MT_OK;
	p->chain = mt__grow(p->chain, &p->achain, p->nchain + 1, sizeof(*p->chain),
	                    MT_PCAP_MAX_CHAIN, &e);
	if (e != MT_OK) {
		if (e == MT_ERR_NOMEM)
			p->err = e;
		else
			p->st.dropped++;
		return;
	}
	mt_chainev *c = &p->chain[p->nchain++];
	c->ts_us = ts;
	c->from = *from;
	c->to = *to;
	c->what = (uint8_t)what;
}

static const char *det_short(int det)
{
	return mt__det(det)->id + 4; /* "net.eternalblue" -> "eternalblue" */
}

static void exploit_found(mt_pcap *p, mt_flow *f, int det, mt_severity sev, const mt_addr *att,
                          unsigned ap, const mt_addr *vic, unsigned vp, const char *how, int64_t ts)
{
	mt_finding *g = mt_finding_new(mt__det(det), sev, sev == MT_SEV_CRITICAL ? 95 : 75);
	char a[64], v[64];
	mt__addr_text(att, a, sizeof(a));
	mt__addr_text(vic, v, sizeof(v));
	static const char *const name_zh[] = {"永恒之蓝", "永恒浪漫/永恒协同", "永恒冠军"};
	int k = det == MT_DET_eternalblue ? 0 : det == MT_DET_eternalromance ? 1 : 2;
	if (det != MT_DET_doublepulsar) {
		const char *name = k == 0   ? "EternalBlue"
		                   : k == 1 ? "EternalRomance/EternalSynergy"
		                            : "EternalChampion";
		mt_finding_text(g, MT_LANG_EN, mt__det(det)->title[0],
		                sev == MT_SEV_CRITICAL ? "%s attacks %s over SMB1 with %s: %s"
		                                       : "%s sends %s what %s begins with: %s",
		                a, v, name, how);
		mt_finding_text(g, MT_LANG_ZH, mt__det(det)->title[1],
		                sev == MT_SEV_CRITICAL ? "%s 通过SMB1对 %s 发起%s攻击: %s"
		                                       : "%s 向 %s 发送%s攻击的前置请求: %s",
		                a, v, name_zh[k], how);
	} else {
		mt_finding_text(g, MT_LANG_EN, mt__det(det)->title[0],
		                "%s answers the DoublePulsar backdoor of %s: %s - the implant is "
		                "installed, the host is compromised",
		                v, a, how);
		mt_finding_text(g, MT_LANG_ZH, mt__det(det)->title[1],
		                "%s 响应了 %s 的DoublePulsar后门请求: %s —— 后门已植入, 主机已失陷",
		                v, a, how);
	}
	mt__ev_endpoints(g, att, ap, vic, vp, 0);
	mt_finding_str(g, "attacker", a, 0);
	mt_finding_str(g, "victim", v, 0);
	mt_finding_str(g, "indicator", how, 0);
	char t[40];
	mt_time_iso(ts / 1000000, t, sizeof(t));
	mt_finding_str(g, "first_seen", t, 0);
	if (!mt__addr_internal(att)) {
		mt_action *act = mt_finding_action(g, "block_ip");
		mt_action_str(g, act, "ip", a);
	}
	mt__add(p, g);
	if (sev != MT_SEV_CRITICAL)
		return; /* an attempt's first step: the hosts keep their verdicts */
	char why[200], whyzh[200];
	if (det == MT_DET_doublepulsar) {
		snprintf(why, sizeof(why), "DoublePulsar reply from %s", v);
		snprintf(whyzh, sizeof(whyzh), "%s 的DoublePulsar后门已响应", v);
	} else {
		snprintf(why, sizeof(why), "%s against %s", det_short(det), v);
		snprintf(whyzh, sizeof(whyzh), "对 %s 发起%s攻击", v, name_zh[k]);
	}
	mt__host_flag(p, att, MT_HF_ATTACKER, why, whyzh);
	if (det == MT_DET_doublepulsar) {
		snprintf(why, sizeof(why), "DoublePulsar implant answers %s", a);
		snprintf(whyzh, sizeof(whyzh), "DoublePulsar后门响应 %s", a);
	} else {
		snprintf(why, sizeof(why), "%s from %s", det_short(det), a);
		snprintf(whyzh, sizeof(whyzh), "遭受来自 %s 的%s攻击", a, name_zh[k]);
	}
	mt__host_flag(p, vic, det == MT_DET_doublepulsar ? MT_HF_EXPLOITED : MT_HF_ATTACKED, why,
	              whyzh);
	mt__chain_add(p, ts, att, vic, det);
	(void)f;
}

/* the open transaction of the client with this identity, or NULL */
static mt_smbtx *tx_find(mt_flow *f, uint16_t mid, uint16_t pid, uint16_t tid, uint16_t uid)
{
	for (unsigned i = 0; i < f->smb_ntx && i < MT_SMB_TX; i++) {
		mt_smbtx *t = &f->smb_tx[i];
		if (t->mid == mid && t->pid == pid && t->tid == tid && t->uid == uid)
			return t;
	}
	return NULL;
}

static const char *tx_name(uint8_t cmd)
{
	return cmd == 0x25 ? "Trans" : cmd == 0x32 ? "Trans2" : "NT Trans";
}

/* Reported once per flow and kind (f->smb_seen bits) */
#define SEEN_EB     1
#define SEEN_DP     2
#define SEEN_ROM    4
#define SEEN_CHAMP  8
#define SEEN_RENAME 16

/* One SMB message header: h[0..n) with the 4-byte session header. MS17-010 is judged by
 * the invariants of SMB1 transactions (MS-CIFS 2.2.4.33-34, 2.2.4.46-47, 2.2.4.62-63,
 * 3.2.4.1.5) that each exploit breaks, not by its bytes:
 *   EternalBlue: a secondary of one transaction type continuing another (Trans2 secondary
 *     for an NT Trans), or secondary data beyond the total the primary declared;
 *   EternalRomance/Synergy: a WriteAndX with the identity (PID, MID, TID, UID) of a
 *     transaction still open (the type confusion of srv.sys, MSRC 2017-07-13);
 *   EternalChampion: NT_TRANSACT_RENAME (unimplemented, MS-CIFS 2.2.7.5: clients do not
 *     send it) and a secondary for a transaction whose primary already carried
 *     everything (the race: nothing is left to continue). */
static void smb_message(mt_pcap *p, mt_flow *f, int dir, const uint8_t *h, size_t n, int64_t ts)
{
	if (n < 4 + 33 || h[0] != 0 || memcmp(h + 4, "\xffSMB", 4) != 0)
		return; /* SMB2/3 and session-service control messages: nothing to judge */
	uint8_t cmd = h[8], flags = h[13], wc = h[36];
	uint32_t status = le32(h + 9);
	uint16_t tid = le16(h + 28), pid = le16(h + 30), uid = le16(h + 32), mid = le16(h + 34);
	const uint8_t *w = h + 37;
	size_t wl = n - 37 < (size_t)wc * 2 ? n - 37 : (size_t)wc * 2;
	int reply = (flags & 0x80) != 0;
	/* the sender of this message */
	const mt_addr *snd = dir == 0 ? &f->a : &f->b, *rcv = dir == 0 ? &f->b : &f->a;
	unsigned sp = dir == 0 ? f->ap : f->bp, rp = dir == 0 ? f->bp : f->ap;
	char how[200];
	int is_tx = cmd == 0x25 || cmd == 0x32 || cmd == 0xa0;
	if (reply && (is_tx || cmd == 0x26 || cmd == 0x33 || cmd == 0xa1)) {
		/* the server's answer: an interim one (no words, success) asks for the rest */
		mt_smbtx *t = tx_find(f, mid, pid, tid, uid);
		if (t)
			t->state |= wc == 0 && status == 0 ? MT_SMBTX_INTERIM : MT_SMBTX_DONE;
	}
	if (!reply && is_tx) {
		/* counts unknown (too few words): open, not complete */
		uint32_t tp = 1, td = 1, pc = 0, dc = 0;
		uint16_t fn = 0;
		if (cmd == 0xa0 && wl >= 38) {
			tp = le32(w + 3), td = le32(w + 7), pc = le32(w + 19), dc = le32(w + 27);
			fn = le16(w + 36);
		} else if (cmd != 0xa0 && wl >= 26) {
			tp = le16(w), td = le16(w + 2), pc = le16(w + 18), dc = le16(w + 22);
			if (wl >= 30)
				fn = le16(w + 28);
		}
		mt_smbtx *t = tx_find(f, mid, pid, tid, uid);
		if (!t)
			t = &f->smb_tx[f->smb_ntx++ % MT_SMB_TX];
		if (f->smb_ntx > 2 * MT_SMB_TX)
			f->smb_ntx = MT_SMB_TX + f->smb_ntx % MT_SMB_TX; /* stays a ring */
		t->mid = mid, t->pid = pid, t->tid = tid, t->uid = uid, t->fn = fn;
		t->cmd = cmd;
		t->state = pc >= tp && dc >= td ? MT_SMBTX_COMPLETE : 0;
		if (cmd == 0x32 && fn == 0x000e) {
			/* Trans2 SESSION_SETUP request (the DoublePulsar ping/exec): remember
			 * its MID and direction; only a reply to it from the other side counts
			 * (review 6a) */
			f->smb_t2_mid[f->smb_nt2++ % 4] = (uint32_t)mid | (uint32_t)(dir + 1) << 16;
		}
		if (cmd == 0xa0 && fn == 0x0005 && !(f->smb_seen & (SEEN_RENAME | SEEN_CHAMP))) {
			f->smb_seen |= SEEN_RENAME;
			snprintf(
				how, sizeof(how),
				"NT_TRANSACT_RENAME request (MID %u), a subcommand Windows does not "
				"implement and no client sends",
				mid);
			exploit_found(p, f, MT_DET_eternalchampion, MT_SEV_HIGH, snd, sp, rcv, rp,
			              how, ts);
		}
		return;
	}
	if (!reply && (cmd == 0x26 || cmd == 0x33 || cmd == 0xa1)) {
		uint32_t tdata, dcount, ddisp;
		if (cmd == 0xa1 && wl >= 35)
			tdata = le32(w + 7), dcount = le32(w + 23), ddisp = le32(w + 31);
		else if (cmd != 0xa1 && wl >= 16)
			tdata = le16(w + 2), dcount = le16(w + 10), ddisp = le16(w + 14);
		else
			return;
		uint8_t want = cmd == 0x26 ? 0x25 : cmd == 0x33 ? 0x32 : 0xa0;
		const char *sec = cmd == 0x26 ? "Trans" : cmd == 0x33 ? "Trans2" : "NT Trans";
		mt_smbtx *t = tx_find(f, mid, pid, tid, uid);
		if (!t) /* EternalBlue varies the PID and TID, never the MID */
			for (unsigned i = 0; i < f->smb_ntx && i < MT_SMB_TX && !t; i++)
				if (f->smb_tx[i].mid == mid && f->smb_tx[i].cmd != want)
					t = &f->smb_tx[i];
		if (!(f->smb_seen & SEEN_EB)) {
			int eb = 1;
			if (t && t->cmd != want)
				snprintf(how, sizeof(how), "%s secondary continues %s (MID %u)",
				         sec, tx_name(t->cmd), mid);
			else if ((uint64_t)ddisp + dcount > tdata)
				snprintf(how, sizeof(how),
				         "%s secondary data beyond the declared total (%u+%u > %u)",
				         sec, ddisp, dcount, tdata);
			else
				eb = 0;
			if (eb) {
				f->smb_seen |= SEEN_EB;
				exploit_found(p, f, MT_DET_eternalblue, MT_SEV_CRITICAL, snd, sp,
				              rcv, rp, how, ts);
				return;
			}
		}
		if (t && t->cmd == want && (t->state & MT_SMBTX_COMPLETE) &&
		    !(f->smb_seen & SEEN_CHAMP)) {
			f->smb_seen |= SEEN_CHAMP;
			snprintf(how, sizeof(how),
			         "%s secondary for a transaction its primary already completed "
			         "(MID %u%s): a race on a finished transaction",
			         sec, mid,
			         t->cmd == 0xa0 && t->fn == 5 ? ", NT_TRANSACT_RENAME" : "");
			exploit_found(p, f, MT_DET_eternalchampion, MT_SEV_CRITICAL, snd, sp, rcv,
			              rp, how, ts);
		}
		return;
	}
	if (!reply && cmd == 0x2f && !(f->smb_seen & SEEN_ROM)) { /* WriteAndX */
		mt_smbtx *t = tx_find(f, mid, pid, tid, uid);
		if (t && !(t->state & MT_SMBTX_DONE)) {
			f->smb_seen |= SEEN_ROM;
			snprintf(how, sizeof(how),
			         "WriteAndX with the identity of the open %s transaction (MID %u, "
			         "TID %u)",
			         tx_name(t->cmd), mid, tid);
			exploit_found(p, f, MT_DET_eternalromance, MT_SEV_CRITICAL, snd, sp, rcv,
			              rp, how, ts);
		}
		return;
	}
	int asked = 0;
	if (reply && cmd == 0x32 && mid >= 0x10)
		for (unsigned i = 0; i < f->smb_nt2 && i < 4; i++)
			asked |= f->smb_t2_mid[i] ==
			         ((uint32_t)(mid - 0x10) | (uint32_t)(!dir + 1) << 16);
	if (reply && cmd == 0x32 && asked && status == 0xc0000002u && mid >= 0x51 && mid <= 0x53 &&
	    !(f->smb_seen & SEEN_DP)) {
		f->smb_seen |= SEEN_DP;
		snprintf(how, sizeof(how),
		         "Trans2 response STATUS_NOT_IMPLEMENTED with multiplex id 0x%x", mid);
		exploit_found(p, f, MT_DET_doublepulsar, MT_SEV_CRITICAL, rcv, rp, snd, sp, how,
		              ts);
	}
}

void mt__smb_stream(mt_pcap *p, mt_flow *f, int dir, const uint8_t *d, size_t n, int64_t ts)
{
	mt_stream *s = &f->s[dir];
	while (n) {
		if (s->skip) {
			size_t c = n < s->skip ? n : s->skip;
			s->skip -= (uint32_t)c;
			d += c;
			n -= c;
			continue;
		}
		size_t need = 4;
		if (s->blen >= 4) {
			size_t mlen = (size_t)s->buf[1] << 16 | (size_t)s->buf[2] << 8 | s->buf[3];
			need = 4 + (mlen < SMB_HDR_NEED - 4 ? mlen : SMB_HDR_NEED - 4);
			if (s->blen >= need) {
				smb_message(p, f, dir, s->buf, s->blen, ts);
				s->skip = (uint32_t)(4 + mlen - s->blen);
				s->blen = 0;
				continue;
			}
		}
		size_t c = need - s->blen < n ? need - s->blen : n;
		memcpy(s->buf + s->blen, d, c);
		s->blen += (uint32_t)c;
		d += c;
		n -= c;
		if (s->blen >= 4) {
			size_t mlen = (size_t)s->buf[1] << 16 | (size_t)s->buf[2] << 8 | s->buf[3];
			if (s->blen >= 4 + (mlen < SMB_HDR_NEED - 4 ? mlen : SMB_HDR_NEED - 4)) {
				smb_message(p, f, dir, s->buf, s->blen, ts);
				s->skip = (uint32_t)(4 + mlen - s->blen);
				s->blen = 0;
			}
		}
	}
}

/* ---- 445 scanning ---- */

#define SCAN_SAMPLE 64 /* records looked at for one replacement */

/* The scanner table is full: of SCAN_SAMPLE records from a moving cursor, the one that
 * says least (its window over, then fewest destinations, then oldest) makes room; a
 * record at the reporting threshold is never given up. Spoofed one-SYN sources that came
 * first cannot keep a real scanner out (review 8). -1: none. */
static int64_t scan_victim(mt_pcap *p, int64_t now)
{
	int64_t best = -1;
	uint64_t bkey = UINT64_MAX;
	for (unsigned k = 0; k < SCAN_SAMPLE && k < p->nscan; k++) {
		uint32_t j = p->scur++ % p->nscan;
		const mt_scanrec *s = &p->scan[j];
		if (s->best >= SCAN_HIGH)
			continue;
		uint64_t age = (uint64_t)(now - s->last_us > 0 ? now - s->last_us : 0);
		int expired = now - s->win_start > SCAN_WINDOW_US;
		uint64_t key = (uint64_t)(expired ? 0 : s->best) << 48 |
		               ((UINT64_C(1) << 48) - 1 -
		                (age < (UINT64_C(1) << 48) ? age : (UINT64_C(1) << 48) - 1));
		if (key < bkey) {
			bkey = key;
			best = j;
		}
	}
	return best;
}

static mt_scanrec *scanner(mt_pcap *p, const mt_addr *src, int create, int64_t now)
{
	int created;
	int full = create && p->nscan >= MT_PCAP_MAX_SCANNERS;
	mt_scanrec *s = mt__addr_table(p, (void **)&p->scan, &p->nscan, &p->ascan, &p->sidx,
	                               sizeof(*p->scan), MT_PCAP_MAX_SCANNERS, src, 3,
	                               create && !full, &created);
	if (!s && full) {
		int64_t j = scan_victim(p, now);
		if (j < 0) {
			p->st.dropped++;
			return NULL;
		}
		s = &p->scan[j];
		mt__itab_del(&p->sidx, mt__hash_bytes(s->src.b, 16, 3), (uint32_t)j);
		if (mt__itab_add(&p->sidx, mt__hash_bytes(src->b, 16, 3), (uint32_t)j) != MT_OK) {
			p->err = MT_ERR_NOMEM;
			memset(s, 0, sizeof(*s)); /* unused: never reported */
			return NULL;
		}
		memset(s, 0, sizeof(*s));
		s->src = *src;
		p->scan_replaced++;
	}
	if (s)
		s->used = 1;
	return s;
}

void mt__scan_syn(mt_pcap *p, const mt_pkt *k)
{
	mt_scanrec *s = scanner(p, &k->src, 1, k->ts_us);
	if (!s)
		return;
	if (!s->first_us)
		s->first_us = k->ts_us;
	s->last_us = k->ts_us;
	s->syns++;
	if (k->ts_us - s->win_start > SCAN_WINDOW_US) {
		s->win_start = k->ts_us;
		s->ndst = 0;
	}
	uint32_t h = mt__hash_bytes(k->dst.b, 16, 5) | 1;
	unsigned lim = s->ndst < 64 ? s->ndst : 64;
	for (unsigned i = 0; i < lim; i++)
		if (s->dsth[i] == h)
			return;
	if (s->ndst < 64)
		s->dsth[s->ndst] = h;
	s->ndst++;
	if (s->ndst > s->best) {
		s->best = s->ndst;
		size_t l = strlen(s->sample);
		if (s->best <= 8 && l + 48 < sizeof(s->sample)) {
			char ip[64];
			mt__addr_text(&k->dst, ip, sizeof(ip));
			snprintf(s->sample + l, sizeof(s->sample) - l, "%s%s", l ? ", " : "", ip);
		}
	}
}

void mt__scan_answered(mt_pcap *p, const mt_addr *src)
{
	mt_scanrec *s = scanner(p, src, 0, 0);
	if (s)
		s->answered++;
}

static int chain_cmp(const void *a, const void *b)
{
	const mt_chainev *x = a, *y = b;
	return x->ts_us < y->ts_us ? -1 : x->ts_us > y->ts_us;
}

mt_err mt__smb_report(mt_pcap *p, mt_report *r)
{
	for (uint32_t i = 0; i < p->nscan; i++) {
		mt_scanrec *s = &p->scan[i];
		if (s->best < SCAN_HIGH)
			continue;
		mt_severity sev = s->best >= SCAN_CRITICAL ? MT_SEV_CRITICAL : MT_SEV_HIGH;
		mt_finding *f = mt_finding_new(mt__det(MT_DET_smb_scan), sev,
		                               s->answered * 2 <= s->best ? 90 : 70);
		if (!f)
			return MT_ERR_NOMEM;
		char ip[64], t[40];
		mt__addr_text(&s->src, ip, sizeof(ip));
		mt_finding_text(
			f, MT_LANG_EN, mt__det(MT_DET_smb_scan)->title[0],
			"%s sent SYNs to port 445 of %u addresses within 10 minutes (%u answered): "
			"the way WannaMine and other SMB worms spread",
			ip, s->best, s->answered);
		mt_finding_text(
			f, MT_LANG_ZH, mt__det(MT_DET_smb_scan)->title[1],
			"%s 在10分钟内向 %u 个地址的445端口发出SYN(%u 个应答): WannaMine等SMB蠕虫的传播方式",
			ip, s->best, s->answered);
		char src[80];
		mt__endpoint_text(&s->src, 0, src, sizeof(src));
		mt_finding_str(f, "src", ip, 0);
		mt_finding_str(f, "src_ip", ip, 1);
		mt_finding_str(f, "dst", "*:445", 0);
		mt_finding_int(f, "targets", s->best, 0);
		mt_finding_int(f, "syns", s->syns, 0);
		mt_finding_int(f, "answered", s->answered, 0);
		mt_finding_str(f, "sample", s->sample, 0);
		mt_time_iso(s->first_us / 1000000, t, sizeof(t));
		mt_finding_str(f, "first_seen", t, 0);
		if (!mt__addr_internal(&s->src)) {
			mt_action *a = mt_finding_action(f, "block_ip");
			mt_action_str(f, a, "ip", ip);
		}
		if (mt_report_add(r, f) == MT_ERR_NOMEM)
			return MT_ERR_NOMEM;
		char why[120], whyzh[120];
		snprintf(why, sizeof(why), "scanned port 445 of %u addresses", s->best);
		snprintf(whyzh, sizeof(whyzh), "扫描 %u 个地址的445端口", s->best);
		mt__host_flag(p, &s->src, MT_HF_SCANNER, why, whyzh);
		mt__chain_add(p, s->first_us, &s->src, &s->src, MT_DET_smb_scan);
	}
	/* the infection chain: exploitation events in time order and the first attacker */
	int exploits = 0;
	for (uint32_t i = 0; i < p->nchain; i++)
		exploits |= p->chain[i].what != MT_DET_smb_scan;
	if (!exploits)
		return MT_OK;
	qsort(p->chain, p->nchain, sizeof(*p->chain), chain_cmp);
	mt_buf chain;
	mt_buf_init(&chain, 8192);
	const mt_addr *zero = NULL;
	unsigned shown = 0, victims = 0;
	for (uint32_t i = 0; i < p->nchain; i++) {
		const mt_chainev *c = &p->chain[i];
		/* patient zero only among the sources of exploitation events: a scan is
		 * context (spoofed SYNs cost nothing, review 6b) */
		if (!zero && c->what != MT_DET_smb_scan) {
			int was_victim = 0;
			for (uint32_t k = 0; k < i; k++)
				was_victim |= p->chain[k].what != MT_DET_smb_scan &&
				              !memcmp(&p->chain[k].to, &c->from, 16);
			if (!was_victim)
				zero = &c->from;
		}
		if (c->what == MT_DET_smb_scan)
			continue;
		victims++;
		if (shown++ >= 20)
			continue;
		char a[64], v[64], t[40];
		mt__addr_text(&c->from, a, sizeof(a));
		mt__addr_text(&c->to, v, sizeof(v));
		mt_time_iso(c->ts_us / 1000000, t, sizeof(t));
		mt_buf_printf(&chain, "%s%s %s -> %s (%s)", chain.len ? "; " : "", t, a, v,
		              det_short(c->what));
	}
	char pz[64] = "";
	if (zero)
		mt__addr_text(zero, pz, sizeof(pz));
	mt_finding *f = mt_finding_new(mt__det(MT_DET_infection_chain), MT_SEV_HIGH, 80);
	if (!f) {
		mt_buf_free(&chain);
		return MT_ERR_NOMEM;
	}
	mt_finding_text(f, MT_LANG_EN, mt__det(MT_DET_infection_chain)->title[0],
	                "SMB attacks in time order; the first attacker (patient zero in this "
	                "capture) is %s: clean it first and isolate the hosts it reached",
	                pz);
	mt_finding_text(
		f, MT_LANG_ZH, mt__det(MT_DET_infection_chain)->title[1],
		"按时间排列的SMB攻击; 本次抓包中的首个攻击者(零号病人)是 %s: 优先清除并隔离其攻击过的主机",
		pz);
	mt_finding_str(f, "patient_zero", pz, 1);
	mt_finding_str(f, "src", pz, 0);
	mt_finding_str(f, "chain", chain.data ? chain.data : "", 0);
	mt_finding_int(f, "events", victims, 0);
	mt_buf_free(&chain);
	if (mt_report_add(r, f) == MT_ERR_NOMEM)
		return MT_ERR_NOMEM;
	if (zero)
		mt__host_flag(p, zero, MT_HF_ATTACKER, "patient zero of the SMB infection chain",
		              "SMB感染链的零号病人");
	return MT_OK;
}
