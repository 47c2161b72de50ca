/* win_network.c - win.network: what a miner changes in the network set-up of a Windows
 * host: port proxies (netsh interface portproxy) that relay to a pool, firewall rules
 * that close 445 behind the worm or open a door for its program, and hosts-file entries
 * for pools or that cut off security updates. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "win_common.h"

typedef struct nw_state {
	mt_ctx *ctx;
	const mt_check_info *self;
	mt_win *w;
	const char *key;
	mt_regf_key k;
	mt_err err;
} nw_state;

static void add(nw_state *s, mt_finding *f)
{
	if (mt_report_add(s->ctx->report, f) == MT_ERR_NOMEM)
		s->err = MT_ERR_NOMEM;
}

/* "1.2.3.4/3333" or "pool.example.com/443" judged as a destination. */
static void judge_dest(nw_state *s, const char *dst, mt_cmd_verdict *v)
{
	char url[600];
	char host[512];
	snprintf(host, sizeof(host), "%s", dst);
	char *slash = strchr(host, '/');
	unsigned port = 0;
	if (slash) {
		*slash = '\0';
		port = (unsigned)strtoul(slash + 1, NULL, 10);
	}
	snprintf(url, sizeof(url), "tcp://%s:%u", host, port);
	mt__judge_host(s->ctx->rules, url, v);
	if (port && mt_rules_is_pool_port(s->ctx->rules, port))
		mt__verdict_add(v, "pool_port", MT_SEV_HIGH, NULL, dst, strlen(dst));
}

/* A port of a listen-port rule in a list "65531", "135,65532" (ranges are not looked up). */
static void listen_rule(nw_state *s, const char *list, mt_cmd_verdict *v)
{
	for (const char *p = list; *p;) {
		size_t l = strspn(p, "0123456789");
		if (l && l < 6 && p[l] != '-') {
			char port[8];
			snprintf(port, sizeof(port), "%.*s", (int)l, p);
			snprintf(port, sizeof(port), "%lu", strtoul(port, NULL, 10));
			const mt_rule *r = mt_rules_find(s->ctx->rules, MT_RK_LISTEN_PORT, port);
			if (r) {
				mt__verdict_add(v, "ioc_port", r->has_sev ? r->sev : MT_SEV_HIGH, r,
				                port, strlen(port));
				return;
			}
		}
		p += l;
		p += strcspn(p, ",");
		if (*p == ',')
			p++;
		else
			break;
	}
}

static int on_proxy(void *p, const mt_regf_value *val)
{
	nw_state *s = p;
	mt_buf b;
	mt_buf_init(&b, 4096);
	if (mt_regf_value_text(val, &b) != MT_OK || !b.data) {
		mt_buf_free(&b);
		return 0;
	}
	mt_cmd_verdict v;
	memset(&v, 0, sizeof(v));
	judge_dest(s, b.data, &v);
	const char *lp = strrchr(val->name, '/');
	listen_rule(s, lp ? lp + 1 : val->name, &v);
	mt__verdict_add(&v, "port_proxy", MT_SEV_MEDIUM, NULL, b.data, b.len);
	mt_finding *f = mt_finding_new(s->self, v.severity, win_confidence(v.severity));
	mt_finding_text(f, MT_LANG_EN, "Port proxy relays connections elsewhere",
	                "netsh portproxy %s: %s -> %s", s->key, val->name, b.data);
	mt_finding_text(f, MT_LANG_ZH, "端口转发把连接转到其他地址", "netsh端口转发 %s：%s -> %s",
	                s->key, val->name, b.data);
	mt_finding_str(f, "area", "portproxy", 0);
	mt_finding_str(f, "key", s->key, 1);
	mt_finding_str(f, "listen", val->name, 1);
	mt_finding_str(f, "connect", b.data, 0);
	win_key_time(f, s->w->system.h, s->k);
	mt_verdict_explain(f, &v);
	mt_action *a = mt_finding_action(f, "remove_portproxy");
	mt_action_str(f, a, "listen", val->name);
	mt_action_str(f, a, "key", s->key);
	mt_verdict_remedies(f, &v, NULL);
	mt_buf_free(&b);
	add(s, f);
	return s->err != MT_OK;
}

/* The value of field name in a firewall rule "v2.30|Action=Block|Dir=In|...|". */
static int fw_field(const char *rule, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (const char *p = rule; p && *p;) {
		if (strncasecmp(p, name, nl) == 0 && p[nl] == '=') {
			size_t l = strcspn(p + nl + 1, "|");
			snprintf(out, n, "%.*s", (int)l, p + nl + 1);
			return 0;
		}
		p = strchr(p, '|');
		if (p)
			p++;
	}
	out[0] = '\0';
	return -1;
}

static int port_in(const char *list, unsigned port)
{
	/* "445", "135,139,445", "1000-2000" */
	for (const char *p = list; *p;) {
		char *e;
		unsigned long a = strtoul(p, &e, 10), b = a;
		if (e == p)
			return 0;
		if (*e == '-')
			b = strtoul(e + 1, &e, 10);
		if (port >= a && port <= b)
			return 1;
		if (*e != ',')
			return 0;
		p = e + 1;
	}
	return 0;
}

static int on_rule(void *p, const mt_regf_value *val)
{
	nw_state *s = p;
	mt_buf b;
	mt_buf_init(&b, 16384);
	if (mt_regf_value_text(val, &b) != MT_OK || !b.data) {
		mt_buf_free(&b);
		return 0;
	}
	char action[16], active[16], dir[8], lport[256], app[1024], name[512];
	fw_field(b.data, "Action", action, sizeof(action));
	fw_field(b.data, "Active", active, sizeof(active));
	fw_field(b.data, "Dir", dir, sizeof(dir));
	fw_field(b.data, "LPort", lport, sizeof(lport));
	fw_field(b.data, "App", app, sizeof(app));
	fw_field(b.data, "Name", name, sizeof(name));
	if (strcasecmp(active, "TRUE") != 0) {
		mt_buf_free(&b);
		return 0;
	}
	mt_cmd_verdict v;
	memset(&v, 0, sizeof(v));
	win_target t;
	memset(&t, 0, sizeof(t));
	int builtin = name[0] == '@'; /* Windows' own rules name a resource string */
	if (strcasecmp(action, "Block") == 0 && strcasecmp(dir, "In") == 0 && !builtin &&
	    (port_in(lport, 445) || port_in(lport, 139) || port_in(lport, 135)))
		/* admins close 445 too (MS17-010 hardening): a hint, not a verdict */
		mt__verdict_add(&v, "blocks_smb", MT_SEV_LOW, NULL, lport, strlen(lport));
	if (strcasecmp(action, "Allow") == 0 && strcasecmp(dir, "In") == 0) {
		if (app[0]) {
			win_target_of_path(s->ctx, app, NULL, &t);
			win_target_reasons(&t, &v);
		}
		/* an open port alone says nothing (ADB on 5555 is a pool port too): only the
		 * program it opens for is judged, and the ports campaigns are known to open */
		listen_rule(s, lport, &v);
	}
	if (v.nreasons == 0) {
		mt_buf_free(&b);
		return 0;
	}
	mt_finding *f = mt_finding_new(s->self, v.severity, win_confidence(v.severity));
	mt_finding_text(f, MT_LANG_EN, "Firewall rule added by malware",
	                "%s rule \"%s\" (%s, port %s%s%s)", action, name[0] ? name : val->name, dir,
	                lport[0] ? lport : "any", app[0] ? ", program " : "", app);
	mt_finding_text(f, MT_LANG_ZH, "恶意程序添加的防火墙规则", "%s规则\"%s\"(%s，端口 %s%s%s)",
	                strcasecmp(action, "Block") == 0 ? "阻断" : "放行",
	                name[0] ? name : val->name, dir, lport[0] ? lport : "任意",
	                app[0] ? "，程序 " : "", app);
	mt_finding_str(f, "area", "firewall", 0);
	mt_finding_str(f, "rule_id", val->name, 1);
	mt_finding_str(f, "rule", b.data, 0);
	win_target_evidence(f, &t);
	mt_verdict_explain(f, &v);
	mt_action *a = mt_finding_action(f, "remove_fw_rule");
	mt_action_str(f, a, "rule_id", val->name);
	if (v.severity >= MT_SEV_HIGH)
		win_target_quarantine(f, &t);
	mt_buf_free(&b);
	add(s, f);
	return s->err != MT_OK;
}

/* Update hosts a miner points elsewhere to keep Windows and security software from
 * updating; ad and telemetry hosts of the same vendors that block lists sinkhole are
 * not among them. */
static const char *const security_hosts[] = {
	"update.microsoft.com",
	"windowsupdate.com",
	"windowsupdate.microsoft.com",
	"download.windowsupdate.com",
	"wustat.windows.com",
	"definitionupdates.microsoft.com",
	"go.microsoft.com",
	"wdcp.microsoft.com",
	"wdcpalt.microsoft.com",
	"update.kaspersky.com",
	"dnl-01.geo.kaspersky.com",
	"updates.kaspersky-labs.com",
	"update.eset.com",
	"update.symantec.com",
	"liveupdate.symantecliveupdate.com",
	"update.nai.com",
	"update.avast.com",
	"update.avg.com",
	"update.sophos.com",
	"update.trendmicro.com",
	"upgrade.bitdefender.com",
	"update.360safe.com",
	"sdup.360.cn",
	"update.huorong.cn",
	"update.duba.net",
	"dl.softmgr.qq.com",
	"virustotal.com",
};

static int is_security_host(const char *h)
{
	size_t hl = strlen(h);
	for (size_t i = 0; i < MT_ARRAY_LEN(security_hosts); i++) {
		size_t l = strlen(security_hosts[i]);
		if (hl >= l && strcasecmp(h + hl - l, security_hosts[i]) == 0 &&
		    (hl == l || h[hl - l - 1] == '.'))
			return 1;
	}
	return 0;
}

/* One finding for the hosts file: every line that redirects a pool or cuts off updates. */
static void hosts_file(nw_state *s)
{
	const char *path = "/Windows/System32/drivers/etc/hosts";
	char *data;
	size_t len;
	int trunc;
	if (mt_host_read_file(s->ctx->host, path, MT_MAX_FILE_READ, &data, &len, &trunc) != MT_OK)
		return;
	mt_cmd_verdict all;
	memset(&all, 0, sizeof(all));
	mt_buf names, lines;
	mt_buf_init(&names, 4096);
	mt_buf_init(&lines, 1024);
	mt_finding *f = NULL;
	unsigned ln = 0, hits = 0;
	for (char *line = data; line && *line && s->err == MT_OK;) {
		char *e = strchr(line, '\n');
		if (e)
			*e = '\0';
		ln++;
		char raw[512];
		snprintf(raw, sizeof(raw), "%s", line);
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char ip[64], name[256];
		if (sscanf(line, "%63s %255s", ip, name) == 2) {
			mt_cmd_verdict v;
			memset(&v, 0, sizeof(v));
			char url[400];
			snprintf(url, sizeof(url), "http://%s/", name);
			mt__judge_host(s->ctx->rules, url, &v);
			int loop = strncmp(ip, "127.", 4) == 0 || strcmp(ip, "0.0.0.0") == 0 ||
			           strcmp(ip, "::1") == 0;
			if (is_security_host(name))
				mt__verdict_add(&v, "blocks_security",
				                loop ? MT_SEV_MEDIUM : MT_SEV_HIGH, NULL, name,
				                strlen(name));
			/* a pool named in hosts and pointed at 0.0.0.0 is a defender's block */
			if (loop && !win_has_reason(&v, "blocks_security"))
				memset(&v, 0, sizeof(v));
			if (v.nreasons) {
				if (!f)
					f = mt_finding_new(s->self, MT_SEV_LOW, 60);
				for (unsigned k = 0; k < v.nreasons; k++)
					mt__verdict_add(&all, v.reasons[k].code,
					                v.reasons[k].severity, v.reasons[k].rule,
					                v.reasons[k].detail,
					                strlen(v.reasons[k].detail));
				if (hits++ < 16) {
					mt_buf_printf(&names, "%s%s -> %s", names.len ? ", " : "",
					              name, ip);
					mt_buf_printf(&lines, "%s%u", lines.len ? "," : "", ln);
				}
				size_t rl = strlen(raw);
				if (rl && raw[rl - 1] == '\r')
					raw[--rl] = '\0';
				char lh[65];
				mt_sha256_hex(raw, rl, lh);
				mt_action *a = mt_finding_action(f, "remove_line");
				mt_action_str(f, a, "path", path);
				mt_action_int(f, a, "lineno", ln);
				mt_action_str(f, a, "line_sha256", lh);
			}
		}
		line = e ? e + 1 : NULL;
	}
	free(data);
	if (f) {
		mt_finding_raise(f, all.severity);
		f->confidence = win_confidence(all.severity);
		mt_finding_text(f, MT_LANG_EN, "hosts file redirects names", "%u line(s) of %s: %s",
		                hits, path, names.data ? names.data : "");
		mt_finding_text(f, MT_LANG_ZH, "hosts文件重定向域名", "%s中%u行：%s", path, hits,
		                names.data ? names.data : "");
		mt_finding_str(f, "area", "hosts", 0);
		mt_finding_str(f, "path", path, 1);
		mt_finding_int(f, "entries", hits, 0);
		mt_finding_str(f, "lines", lines.data ? lines.data : "", 0);
		mt_finding_str(f, "names", names.data ? names.data : "", 0);
		mt_verdict_explain(f, &all);
		add(s, f);
	}
	mt_buf_free(&names);
	mt_buf_free(&lines);
}

mt_err mt_check_win_network(mt_ctx *ctx, const mt_check_info *self)
{
	mt_win *w = mt_ctx_win(ctx);
	if (!w)
		return MT_OK;
	nw_state s = {ctx, self, w, NULL, 0, MT_OK};
	mt_regf *h = w->system.h;
	if (h && w->ccs) {
		static const char *const proxies[] = {
			"Services\\PortProxy\\v4tov4\\tcp", "Services\\PortProxy\\v4tov6\\tcp",
			"Services\\PortProxy\\v6tov4\\tcp", "Services\\PortProxy\\v6tov6\\tcp"};
		for (size_t i = 0; i < MT_ARRAY_LEN(proxies) && s.err == MT_OK; i++) {
			if (mt_regf_find(h, w->ccs, proxies[i], &s.k) != MT_OK)
				continue;
			s.key = proxies[i];
			mt_regf_each_value(h, s.k, on_proxy, &s);
		}
		if (mt_regf_find(
			    h, w->ccs,
			    "Services\\SharedAccess\\Parameters\\FirewallPolicy\\FirewallRules",
			    &s.k) == MT_OK)
			mt_regf_each_value(h, s.k, on_rule, &s);
	}
	if (w->software.h &&
	    mt_regf_find(w->software.h, mt_regf_root(w->software.h),
	                 "Policies\\Microsoft\\WindowsFirewall\\FirewallRules", &s.k) == MT_OK) {
		mt_regf_each_value(w->software.h, s.k, on_rule, &s);
	}
	hosts_file(&s);
	return s.err;
}
