/* net_connections.c - net.pool: sockets to mining pools and campaign hosts of the rules,
 * and pool ports used by processes that burn CPU; net.smb_scan: a process (or the host)
 * reaching port 445 of many addresses, the way WannaMine spreads */
#include <stdio.h>
#include <string.h>

#include "../collect/collect.h"
#include "checks.h"
#include "live_common.h"

static int is_local(const char *ip)
{
	return strncmp(ip, "127.", 4) == 0 || strcmp(ip, "::1") == 0 ||
	       strcmp(ip, "0.0.0.0") == 0 || strcmp(ip, "::") == 0;
}

static void endpoint(char *out, size_t n, const char *ip, unsigned port)
{
	if (strchr(ip, ':'))
		snprintf(out, n, "[%s]:%u", ip, port);
	else
		snprintf(out, n, "%s:%u", ip, port);
}

/* A connection accepted by a listening socket of this host (same local port). */
static int is_inbound(const mt_live *l, const mt_sock *s)
{
	if (s->proto[0] != 't')
		return 0;
	for (size_t i = 0; i < l->nsocks; i++) {
		const mt_sock *o = &l->socks[i];
		if (o->state == 10 && o->lport == s->lport && o->netns == s->netns &&
		    strcmp(o->proto, s->proto) == 0)
			return 1;
	}
	return 0;
}

mt_err mt_check_net_pool(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_live *l = mt_ctx_live(ctx);
	if (!l)
		return MT_ERR_IO;
	mt_err e = MT_OK;
	for (size_t i = 0; i < l->nsocks && e != MT_ERR_NOMEM; i++) {
		const mt_sock *s = &l->socks[i];
		if (s->state == 10 || is_local(s->remote) || s->rport == 0)
			continue; /* listening, loopback, unconnected */
		if (is_inbound(l, s))
			continue; /* a peer of one of our services, not where this host goes */
		const mt_rule *x = NULL;
		const char *rip = s->remote;
		size_t rl = strlen(rip);
		int exact = 1;
		if (!(x = mt_rules_find_ipport(ctx->rules, MT_RK_C2_IPPORT, rip, rl, s->rport)) &&
		    !(x = mt_rules_find_ipport(ctx->rules, MT_RK_POOL_IPPORT, rip, rl, s->rport))) {
			exact = 0;
			if (!(x = mt_rules_find_ip(ctx->rules, MT_RK_C2_IP, rip, rl)))
				x = mt_rules_find_ip(ctx->rules, MT_RK_POOL_IP, rip, rl);
		}
		const mt_proc *p = s->pid > 0 ? mt_live_proc(l, s->pid) : NULL;
		mt_severity sev;
		const char *what_en, *what_zh;
		if (x) {
			/* the exact pool endpoint is certain; an address alone may be shared */
			sev = exact ? MT_SEV_CRITICAL : x->has_sev ? x->sev : MT_SEV_HIGH;
			what_en = "a known mining pool or campaign address";
			what_zh = "已知矿池或挖矿团伙地址";
		} else if (mt_rules_is_pool_port(ctx->rules, s->rport) && s->state == 1 && p &&
		           p->cpu_pct >= 50) {
			sev = MT_SEV_HIGH;
			what_en = "a mining-pool port, from a process that burns CPU";
			what_zh = "矿池常用端口(且进程CPU占用高)";
		} else {
			continue;
		}
		char remote[64], local[64];
		endpoint(remote, sizeof(remote), s->remote, s->rport);
		endpoint(local, sizeof(local), s->local, s->lport);
		mt_finding *f = mt_finding_new(self, sev, x ? 90 : 60);
		mt_finding_text(f, MT_LANG_EN, "Connection to a mining pool or C2", "%s %s to %s",
		                s->proto, remote, what_en);
		mt_finding_text(f, MT_LANG_ZH, "连接矿池或远控服务器", "%s %s：%s", s->proto,
		                remote, what_zh);
		mt_finding_str(f, "proto", s->proto, 1);
		mt_finding_str(f, "remote", remote, 1);
		mt_finding_str(f, "local", local, 0);
		mt_finding_str(f, "state", s->proto[0] == 't' ? mt_tcp_state_name(s->state) : "",
		               0);
		if (x)
			mt_finding_rule(f, x);
		if (p) {
			mt_live_evidence(f, l, p);
			mt_live_kill_action(f, l, p);
		} else {
			mt_finding_int(f, "socket_inode", (long long)s->inode, 0);
		}
		mt_action *a = mt_finding_action(f, "block_ip");
		mt_action_str(f, a, "ip", s->remote);
		e = mt_report_add(ctx->report, f);
	}
	return e == MT_ERR_NOMEM ? e : MT_OK;
}

#define SMB_FANOUT_HIGH     8
#define SMB_FANOUT_CRITICAL 32

mt_err mt_check_net_smb_scan(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_live *l = mt_ctx_live(ctx);
	if (!l)
		return MT_ERR_IO;
	mt_err e = MT_OK;
	/* owners of sockets to port 445, one at a time (pid -1: no visible owner) */
	for (size_t i = 0; i < l->nsocks && e != MT_ERR_NOMEM; i++) {
		const mt_sock *s = &l->socks[i];
		if (s->rport != 445 || s->proto[0] != 't' || s->state == 10)
			continue;
		int seen = 0;
		for (size_t k = 0; k < i && !seen; k++)
			seen = l->socks[k].rport == 445 && l->socks[k].proto[0] == 't' &&
			       l->socks[k].pid == s->pid && l->socks[k].state != 10;
		if (seen)
			continue;
		/* distinct remote addresses of this owner, and how many only got a SYN out */
		const char *targets[SMB_FANOUT_CRITICAL];
		size_t nt = 0, syn = 0, total = 0;
		mt_buf sample;
		mt_buf_init(&sample, 1024);
		for (size_t k = i; k < l->nsocks; k++) {
			const mt_sock *t = &l->socks[k];
			if (t->rport != 445 || t->proto[0] != 't' || t->pid != s->pid ||
			    t->state == 10)
				continue;
			int dup = 0;
			for (size_t j = 0; j < nt && !dup; j++)
				dup = strcmp(targets[j], t->remote) == 0;
			if (dup)
				continue;
			total++;
			syn += t->state == 2;
			if (nt < SMB_FANOUT_CRITICAL)
				targets[nt++] = t->remote;
			if (total <= 10)
				mt_buf_printf(&sample, "%s%s", total > 1 ? ", " : "", t->remote);
		}
		if (total < SMB_FANOUT_HIGH) {
			mt_buf_free(&sample);
			continue;
		}
		mt_severity sev = total >= SMB_FANOUT_CRITICAL ? MT_SEV_CRITICAL : MT_SEV_HIGH;
		mt_finding *f = mt_finding_new(self, sev, syn * 2 >= total ? 90 : 70);
		mt_finding_text(f, MT_LANG_EN, "Scanning of SMB port 445 (worm spreading)",
		                "%zu addresses on port 445 at once (%zu only SYN_SENT)", total,
		                syn);
		mt_finding_text(f, MT_LANG_ZH, "445端口扫描(蠕虫传播)",
		                "同时连接 %zu 个地址的445端口(其中 %zu 个仅发出SYN)", total, syn);
		mt_finding_int(f, "targets_445", (long long)total, 0);
		mt_finding_int(f, "syn_sent", (long long)syn, 0);
		mt_finding_str(f, "targets_sample", sample.data ? sample.data : "", 0);
		mt_buf_free(&sample);
		const mt_proc *p = s->pid > 0 ? mt_live_proc(l, s->pid) : NULL;
		if (p) {
			mt_live_evidence(f, l, p);
			mt_live_kill_action(f, l, p);
		} else {
			mt_finding_int(f, "pid", -1, 1);
		}
		e = mt_report_add(ctx->report, f);
	}
	return e == MT_ERR_NOMEM ? e : MT_OK;
}
