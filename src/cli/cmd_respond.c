/* cmd_respond.c - the "respond" and "restore" subcommands */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "minetrace/respond.h"

/* Prints an attacker-controlled string for a terminal: controls, DEL, C1 and invalid
 * UTF-8 as \xNN, a backslash doubled, cut after 512 bytes. */
static void put_esc(FILE *o, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	size_t shown = 0;
	while (*p) {
		if (shown >= MT_MAX_SHOWN_STRING) {
			fputs("...", o);
			return;
		}
		size_t k = 0;
		if (*p >= 0x20 && *p < 0x7f)
			k = 1;
		else if (*p >= 0xc2 && *p <= 0xdf && (p[1] & 0xc0) == 0x80)
			k = (*p == 0xc2 && p[1] < 0xa0) ? 0 : 2;
		else if (*p >= 0xe0 && *p <= 0xef && (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80)
			k = 3;
		else if (*p >= 0xf0 && *p <= 0xf4 && (p[1] & 0xc0) == 0x80 &&
		         (p[2] & 0xc0) == 0x80 && (p[3] & 0xc0) == 0x80)
			k = 4;
		if (k == 0) {
			fprintf(o, "\\x%02x", *p);
			p++;
			shown += 4;
			continue;
		}
		if (*p == '\\')
			fputc('\\', o);
		fwrite(p, 1, k, o);
		p += k;
		shown += k;
	}
}

static const char *sev_name(const char *sev)
{
	static const char *const names[] = {"critical", "high", "medium", "low", "info"};
	for (size_t i = 0; sev && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(sev, names[i]) == 0)
			return names[i];
	return "?";
}

/* JSON string body: quotes, backslashes and controls escaped; a byte that is not UTF-8
 * (a file name's, decoded from the report) written as \\xNN, as the scan writes it. */
static void put_json(FILE *o, const char *s)
{
	fputc('"', o);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p;) {
		size_t k = cli_utf8_len(p);
		if (k == 0) {
			fprintf(o, "\\\\x%02x", *p++);
		} else if (k > 1) {
			fwrite(p, 1, k, o);
			p += k;
		} else {
			if (*p == '"' || *p == '\\')
				fprintf(o, "\\%c", *p);
			else if (*p < 0x20 || *p == 0x7f)
				fprintf(o, "\\u%04x", *p);
			else
				fputc(*p, o);
			p++;
		}
	}
	fputc('"', o);
}

static const char *const state_name[] = {"planned", "done",   "already", "skipped",
                                         "refused", "failed", "manual"};
static const char *const state_text[MT_LANG_COUNT][7] = {
	{"planned", "done", "already done", "skipped", "refused", "FAILED", "by hand"},
	{"计划", "已完成", "此前已完成", "已跳过", "已拒绝", "失败", "需手工"},
};

static const struct {
	const char *action;
	const char *label[MT_LANG_COUNT];
} labels[] = {
	{"unmount", {"unmount the mount hiding a process", "卸载隐藏进程的挂载"}},
	{"kill_tree", {"freeze and kill the process tree", "冻结并终止进程树"}},
	{"clear_flags", {"clear the immutable/append-only flags", "清除不可修改/只追加属性"}},
	{"quarantine_file", {"quarantine the file", "隔离该文件"}},
	{"remove_line", {"remove the line", "删除该行"}},
	{"remove_key", {"remove the SSH key", "删除该SSH公钥"}},
	{"disable_unit", {"disable the service", "禁用该服务"}},
	{"block_ip", {"block the address", "封堵该地址"}},
	{"change_password", {"change the password", "修改密码"}},
	{"lock_account", {"lock the account", "锁定账户"}},
	{"reinstall_package", {"reinstall the package", "重装软件包"}},
	/* Windows hosts: carried out by the --script ps1 script on the host */
	{"delete_reg_value", {"delete the registry value", "删除该注册表值"}},
	{"delete_reg_key", {"delete the registry key", "删除该注册表项"}},
	{"disable_service", {"stop and disable the service", "停止并禁用该服务"}},
	{"delete_task", {"delete the scheduled task", "删除该计划任务"}},
	{"delete_wmi", {"remove the WMI subscription", "删除该WMI订阅"}},
	{"remove_portproxy", {"remove the port proxy", "删除该端口转发"}},
	{"remove_fw_rule", {"remove the firewall rule", "删除该防火墙规则"}},
	{"disable_account", {"disable the account", "禁用该账户"}},
	{"harden", {"harden the host", "加固主机"}},
};

static const char *label(const char *action, mt_lang lang)
{
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (strcmp(labels[i].action, action) == 0)
			return labels[i].label[lang];
	return action;
}

typedef struct out_ctx {
	FILE *o;
	mt_lang lang;
	int json;
	int applied;
	unsigned bad; /* skipped, refused, failed */
} out_ctx;

static void print_step(out_ctx *c, const mt_step *s)
{
	FILE *o = c->o;
	if (c->json) {
		fprintf(o, "{\"type\":\"step\",\"n\":%u,\"action\":", s->n);
		put_json(o, s->action);
		fputs(",\"finding\":", o);
		put_json(o, s->finding);
		fputs(",\"check\":", o);
		put_json(o, s->check);
		fputs(",\"severity\":", o);
		put_json(o, s->severity);
		fputs(",\"title\":", o);
		put_json(o, s->title[c->lang]);
		fputs(",\"target\":", o);
		put_json(o, s->target);
		fputs(",\"evidence\":", o);
		put_json(o, s->evidence);
		fputs(",\"also\":", o);
		put_json(o, s->also);
		fprintf(o,
		        ",\"manual\":%s,\"state\":\"%s\",\"detail\":", s->manual ? "true" : "false",
		        state_name[s->state]);
		put_json(o, s->detail);
		fputs(",\"detail_zh\":", o);
		put_json(o, s->detail_zh);
		fputs(",\"entries\":", o);
		put_json(o, s->entries);
		fputs("}\n", o);
		return;
	}
	if (c->applied)
		fprintf(o, "[%s] ", state_text[c->lang][s->state]);
	fprintf(o, "%2u. %s: ", s->n, label(s->action, c->lang));
	put_esc(o, s->target);
	fprintf(o, "\n    %s ", c->lang == MT_LANG_ZH ? "依据" : "because");
	put_esc(o, s->finding);
	fputs(" ", o);
	put_esc(o, s->check);
	/* the report's text: only one of the fixed names reaches the terminal */
	fprintf(o, " [%s] ", sev_name(s->severity));
	put_esc(o, s->title[c->lang]);
	if (s->also && *s->also) {
		fprintf(o, " (%s ", c->lang == MT_LANG_ZH ? "以及" : "also");
		put_esc(o, s->also);
		fputs(")", o);
	}
	if (s->evidence && *s->evidence) {
		fprintf(o, "\n    %s ", c->lang == MT_LANG_ZH ? "证据" : "evidence");
		put_esc(o, s->evidence);
	}
	const char *detail = c->lang == MT_LANG_ZH ? s->detail_zh : s->detail;
	if (detail && *detail) {
		fputs("\n    -> ", o);
		put_esc(o, detail);
	}
	fputc('\n', o);
}

static void on_step(void *ctx, const mt_step *s)
{
	out_ctx *c = ctx;
	if (s->state == MT_STEP_SKIPPED || s->state == MT_STEP_REFUSED ||
	    s->state == MT_STEP_FAILED)
		c->bad++;
	print_step(c, s);
	fflush(c->o);
}

int cli_read_report(const char *path, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	int fd = strcmp(path, "-") == 0 ? 0
	                                : open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		cli_err("cannot open the report %s: %s", CLI_ESC(path), strerror(errno));
		return -1;
	}
	struct stat st;
	if (fd != 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		cli_err("the report %s is not a regular file", CLI_ESC(path));
		close(fd);
		return -1;
	}
	size_t cap = MT_MAX_REPORT, n = 0, alloc = 1 << 16;
	char *b = malloc(alloc);
	for (;;) {
		if (!b) {
			cli_err("out of memory");
			break;
		}
		if (n + 1 >= alloc) {
			if (alloc >= cap) {
				cli_err("the report %s is larger than %zu bytes", CLI_ESC(path),
				        cap);
				free(b);
				b = NULL;
				break;
			}
			char *nb = realloc(b, alloc * 2);
			if (!nb) {
				free(b);
				b = NULL;
				continue;
			}
			b = nb;
			alloc *= 2;
		}
		ssize_t r = read(fd, b + n, alloc - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			cli_err("cannot read the report %s: %s", CLI_ESC(path), strerror(errno));
			free(b);
			b = NULL;
			break;
		}
		if (r == 0) {
			b[n] = '\0';
			break;
		}
		n += (size_t)r;
	}
	if (fd != 0)
		close(fd);
	if (!b)
		return -1;
	*data = b;
	*len = n;
	return 0;
}

/* --root and --quarantine: the same for respond and restore */
typedef struct rq_opts {
	const char *root; /* "/" unless --root */
	const char *qdir; /* NULL: the default inside the root */
	char qbuf[4096];  /* the default's name, for messages */
} rq_opts;

/* --quarantine, the same in respond and restore (with CLI_OPT_ROOT) */
#define OPT_QUARANTINE(var)                   \
	CLI_VALUE("--quarantine", var, "DIR", \
	          "the quarantine (default in the root: var/lib/minetrace/quarantine)")

/* After the options: the root must be a directory; the quarantine's name for messages. */
static int rq_finish(rq_opts *o)
{
	struct stat st;
	if (stat(o->root, &st) != 0 || !S_ISDIR(st.st_mode)) {
		cli_err("--root %s: not a directory", CLI_ESC(o->root));
		return -1;
	}
	mt_quarantine_default(o->root, o->qbuf, sizeof(o->qbuf));
	return 0;
}

static const char *rq_show(const rq_opts *o)
{
	return o->qdir ? o->qdir : o->qbuf;
}

/* --script ps1: the plan as a PowerShell script, to stdout or a new file (never over an
 * existing one, never through a symlink). */
static int write_script(mt_plan *plan, const char *report, const char *output)
{
	char *text;
	size_t len;
	mt_err e = mt_plan_script_ps1(plan, report, &text, &len);
	size_t n = mt_plan_count(plan);
	int windows = mt_plan_is_windows(plan);
	mt_plan_free(plan);
	if (e != MT_OK) {
		cli_err("cannot write the script: %s", mt_strerror(e));
		return EXIT_ERROR;
	}
	if (!windows && n)
		cli_err("warning: %s holds no Windows finding: every step is a manual one",
		        CLI_ESC(report));
	int rc = EXIT_CLEAN;
	if (!output || strcmp(output, "-") == 0) {
		if (fwrite(text, 1, len, stdout) != len || fflush(stdout) != 0) {
			cli_err("cannot write the script: %s", strerror(errno));
			rc = EXIT_ERROR;
		}
	} else {
		int fd = open(output, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0) {
			cli_err("%s: %s%s", CLI_ESC(output), strerror(errno),
			        errno == EEXIST ? " (not overwritten)" : "");
			free(text);
			return EXIT_ERROR;
		}
		size_t off = 0;
		while (off < len) {
			ssize_t w = write(fd, text + off, len - off);
			if (w < 0) {
				cli_err("%s: %s", CLI_ESC(output), strerror(errno));
				rc = EXIT_ERROR;
				break;
			}
			off += (size_t)w;
		}
		if (close(fd) != 0 && rc == EXIT_CLEAN) {
			cli_err("%s: %s", CLI_ESC(output), strerror(errno));
			rc = EXIT_ERROR;
		}
		if (rc == EXIT_CLEAN)
			fprintf(stderr,
			        "minetrace: wrote %s (%zu steps): review it, then run it on the "
			        "Windows host\n",
			        CLI_ESC(output), n);
	}
	free(text);
	return rc;
}

int cmd_respond(int argc, char **argv)
{
	const char *report = NULL, *only = NULL, *format = "text";
	const char *lang_s = NULL, *script = NULL, *output = NULL;
	rq_opts rq = {"/", NULL, ""};
	int apply = 0, firewall = 0, verify_off = 0;
	size_t nreports = 0;
	const cli_option table[] = {
		CLI_FLAG("--apply", apply, "carry the plan out (without it nothing changes)"),
		CLI_FLAG("--firewall", firewall,
	                 "with --apply: load the block of the attackers' addresses (live root)"),
		CLI_FLAG("--no-verify", verify_off, "with --apply: no verify scan afterwards"),
		CLI_VALUE("--only", only, "ID,...",
	                  "only the steps of these findings (MT-... ids)"),
		CLI_OPT_ROOT(rq.root),
		OPT_QUARANTINE(rq.qdir),
		CLI_VALUE("--format", format, "text|json", "the plan's format (default text)"),
		CLI_OPT_LANG(lang_s),
		CLI_VALUE("--script", script, "ps1",
	                  "the plan of a Windows host as a PowerShell script, changing nothing"),
		CLI_VALUE("--output", output, "FILE",
	                  "with --script: a new file for the script (default standard output)"),
	};
	const cli_command cmd = {
		.name = "respond",
		.usage = "REPORT.json [--apply [--firewall] [--no-verify]] [options]\n"
			 "REPORT.json --script ps1 [--only ID,...] [--output FILE]",
		.opts = table,
		.nopts = CLI_COUNT(table),
		.args = &report,
		.nargs = &nreports,
		.max_args = 1,
		.dash_is_arg = 1,
		.args_name = "REPORT.json",
		.args_help = "the report of minetrace scan --format json (- for standard input)",
		.args_too_many = "respond takes one report, not also '%s'",
		.trailer =
			"Without --apply it prints the plan and changes nothing. --script ps1 "
			"writes the plan\nof a Windows host as a PowerShell script to review and "
			"run there. See docs/respond.md.",
	};
	cli_result pr = cli_parse(&cmd, argc, argv);
	if (pr != CLI_OK)
		return CLI_EXIT(pr);
	int verify = !verify_off;
	if (!report) {
		cli_err("respond needs the scan report (minetrace scan --format json --output FILE)");
		return EXIT_ERROR;
	}
	if (script && strcmp(script, "ps1") != 0) {
		cli_err("--script takes ps1 (a PowerShell script for a Windows host), not '%s'",
		        CLI_ESC(script));
		return EXIT_ERROR;
	}
	if (script && apply) {
		cli_err("--script writes the plan as a script and changes nothing: not with --apply");
		return EXIT_ERROR;
	}
	if (output && !script) {
		cli_err("--output goes with --script");
		return EXIT_ERROR;
	}
	if (firewall && !apply) {
		cli_err("--firewall only goes with --apply");
		return EXIT_ERROR;
	}
	out_ctx c = {stdout, cli_default_lang(), 0, apply, 0};
	if (lang_s && cli_parse_lang(lang_s, &c.lang) != 0) {
		cli_err("--lang must be en or zh, not '%s'", CLI_ESC(lang_s));
		return EXIT_ERROR;
	}
	if (strcmp(format, "json") == 0)
		c.json = 1;
	else if (strcmp(format, "text") != 0) {
		cli_err("--format must be text or json, not '%s'", CLI_ESC(format));
		return EXIT_ERROR;
	}
	if (rq_finish(&rq) != 0)
		return EXIT_ERROR;
	char *data;
	size_t len;
	if (cli_read_report(report, &data, &len) != 0)
		return EXIT_ERROR;
	mt_plan *plan = NULL;
	mt_err e = mt_plan_parse(data, len, only, &plan, cli_diag, NULL);
	free(data);
	if (e != MT_OK) {
		cli_err("the report %s is refused: %s", CLI_ESC(report), mt_strerror(e));
		return EXIT_ERROR;
	}
	if (script)
		return write_script(plan, report, output);
	if (apply && mt_plan_is_windows(plan)) {
		cli_err(c.lang == MT_LANG_ZH
		                ? "这是Windows主机的报告: respond --apply 从不修改Windows镜像; 用 --script ps1 "
		                  "生成脚本, 审阅后在该主机上运行"
		                : "this is the report of a Windows host: respond --apply never changes a "
		                  "Windows image; write the plan with --script ps1, review it and run it on "
		                  "that host");
		mt_plan_free(plan);
		return EXIT_ERROR;
	}
	size_t n = mt_plan_count(plan);
	if (!c.json) {
		if (c.lang == MT_LANG_ZH)
			printf("处置计划: %zu 个动作, 来自 %zu 个发现 (隔离目录 ", n,
			       mt_plan_findings(plan));
		else
			printf("Response plan: %zu action%s from %zu finding%s (quarantine ", n,
			       n == 1 ? "" : "s", mt_plan_findings(plan),
			       mt_plan_findings(plan) == 1 ? "" : "s");
		put_esc(stdout, rq_show(&rq));
		printf(")\n");
	}
	int rc = EXIT_CLEAN;
	if (!apply) {
		for (size_t i = 0; i < n; i++)
			print_step(&c, mt_plan_get(plan, i));
		if (!c.json && mt_plan_is_windows(plan))
			printf(c.lang == MT_LANG_ZH
			               ? "未做任何修改: Windows主机的计划用 --script ps1 生成脚本, 审阅后在该主机上运行。\n"
			               : "Nothing was changed: for this Windows host, write the plan with "
			                 "--script ps1 and run it there after review.\n");
		else if (!c.json)
			printf(c.lang == MT_LANG_ZH
			               ? "未做任何修改: 加 --apply 执行该计划。\n"
			               : "Nothing was changed: run again with --apply to carry out the plan.\n");
		mt_plan_free(plan);
		return EXIT_CLEAN;
	}
	mt_respond_opts ro = {rq.root, rq.qdir, firewall};
	e = mt_respond_apply(plan, &ro, on_step, &c, cli_diag, NULL);
	if (e != MT_OK) {
		cli_err("respond could not run: %s", mt_strerror(e));
		mt_plan_free(plan);
		return EXIT_ERROR;
	}
	if (c.bad)
		rc = EXIT_FINDINGS;
	if (verify) {
		mt_rules *rules = NULL;
		mt_report *rep = NULL;
		if (mt_rules_new(&rules) == MT_OK &&
		    mt_rules_load_builtin(rules, cli_diag, NULL) == MT_OK &&
		    mt_report_new(&rep) == MT_OK &&
		    mt_respond_verify(plan, rq.root, rules, rep) == MT_OK) {
			size_t still = 0;
			for (size_t i = 0; i < mt_report_count(rep); i++) {
				const mt_finding *f = mt_report_get(rep, i);
				if (mt_finding_severity(f) < MT_SEV_MEDIUM)
					continue;
				still++;
				char b1[1024], b2[1024], b3[64];
				const char *path = mt_finding_evidence(f, "path", b1, sizeof(b1));
				const char *exe = mt_finding_evidence(f, "exe", b2, sizeof(b2));
				const char *pid = mt_finding_evidence(f, "pid", b3, sizeof(b3));
				if (c.json) {
					fputs("{\"type\":\"verify_finding\",\"id\":", stdout);
					put_json(stdout, mt_finding_id(f));
					fputs(",\"check\":", stdout);
					put_json(stdout, mt_finding_check(f));
					fprintf(stdout, ",\"severity\":\"%s\",\"path\":",
					        mt_severity_name(mt_finding_severity(f)));
					put_json(stdout, path ? path : "");
					fputs(",\"pid\":", stdout);
					put_json(stdout, pid ? pid : "");
					fputs("}\n", stdout);
				} else {
					printf("%s ", c.lang == MT_LANG_ZH
					                      ? "复查: 仍然存在"
					                      : "verify: still there:");
					put_esc(stdout, mt_finding_id(f));
					printf(" %s [%s]", mt_finding_check(f),
					       mt_severity_name(mt_finding_severity(f)));
					if (pid) {
						printf(" pid ");
						put_esc(stdout, pid);
					}
					if (exe || path) {
						fputc(' ', stdout);
						put_esc(stdout, exe ? exe : path);
					}
					fputc('\n', stdout);
				}
			}
			if (c.json)
				printf("{\"type\":\"verify\",\"clean\":%s,\"still\":%zu}\n",
				       still ? "false" : "true", still);
			else if (!still)
				printf(c.lang == MT_LANG_ZH
				               ? "复查: 干净 (处置涉及的检查未再发现问题)\n"
				               : "verify: clean (the checks of the touched findings find nothing)\n");
			else
				printf(c.lang == MT_LANG_ZH ? "复查: 仍有 %zu 个问题\n"
				                            : "verify: %zu still there\n",
				       still);
			if (still)
				rc = EXIT_FINDINGS;
		} else {
			cli_err("the verify scan could not run");
			rc = EXIT_FINDINGS;
		}
		mt_report_free(rep);
		mt_rules_free(rules);
	}
	mt_plan_free(plan);
	return rc;
}

static void on_entry(void *ctx, const mt_qentry *e)
{
	(void)ctx;
	/* everything from meta.json is escaped: it is a file on the host */
	put_esc(stdout, e->id);
	fputc(' ', stdout);
	put_esc(stdout, e->kind);
	fputc(' ', stdout);
	put_esc(stdout, e->path);
	fputc(' ', stdout);
	put_esc(stdout, e->time);
	fputc(' ', stdout);
	put_esc(stdout, e->finding);
	printf("%s\n", e->restored ? " restored" : "");
}

int cmd_restore(int argc, char **argv)
{
	rq_opts rq = {"/", NULL, ""};
	const char *ids[256];
	size_t nids = 0;
	int list = 0, force = 0, firewall = 0;
	const cli_option table[] = {
		CLI_FLAG("--list", list, "list the entries of the quarantine, id first"),
		CLI_FLAG("--force", force,
	                 "restore an edit whose file changed since, or a critical path"),
		CLI_FLAG("--firewall", firewall,
	                 "take the firewall block of respond off (see below)"),
		CLI_OPT_ROOT(rq.root),
		OPT_QUARANTINE(rq.qdir),
	};
	const cli_command cmd = {
		.name = "restore",
		.usage = "ENTRY... [--force] [options]\n"
			 "--list [options]\n"
			 "--firewall [options]",
		.opts = table,
		.nopts = CLI_COUNT(table),
		.args = ids,
		.nargs = &nids,
		.max_args = CLI_COUNT(ids),
		.args_name = "ENTRY...",
		.args_help = "entry ids of the quarantine (see --list)",
		.args_too_many = "at most 256 entries at once",
		.trailer = "--firewall takes off the block respond --apply --firewall loaded (live "
			   "system only)",
	};
	cli_result pr = cli_parse(&cmd, argc, argv);
	if (pr != CLI_OK)
		return CLI_EXIT(pr);
	if (rq_finish(&rq) != 0)
		return EXIT_ERROR;
	if (firewall) {
		if (list || nids) {
			cli_err("--firewall goes alone: not with --list or entries");
			return EXIT_ERROR;
		}
		char why[1024];
		mt_err e = mt_restore_firewall(rq.root, rq.qdir, why, sizeof(why));
		if (e != MT_OK) {
			fputs("minetrace: restore --firewall: ", stderr);
			cli_err_escaped(why[0] ? why : mt_strerror(e));
			fputc('\n', stderr);
			return EXIT_ERROR;
		}
		put_esc(stdout, why);
		putchar('\n');
		return EXIT_CLEAN;
	}
	if (list) {
		/* the default is opened below the root's fd, component by component */
		mt_err e = mt_quarantine_list(rq.root, rq.qdir, on_entry, NULL);
		if (e != MT_OK) {
			cli_err("cannot list the quarantine %s: %s", CLI_ESC(rq_show(&rq)),
			        mt_strerror(e));
			return EXIT_ERROR;
		}
		return EXIT_CLEAN;
	}
	if (!nids) {
		cli_err("restore needs an entry id (see minetrace restore --list)");
		return EXIT_ERROR;
	}
	int rc = EXIT_CLEAN;
	for (size_t i = 0; i < nids; i++) {
		char why[1024];
		mt_err e = mt_restore(rq.root, rq.qdir, ids[i], force, why, sizeof(why));
		if (e != MT_OK) {
			fputs("minetrace: restore ", stderr);
			cli_err_escaped(ids[i]);
			fputs(": ", stderr);
			cli_err_escaped(why[0] ? why : mt_strerror(e));
			fputc('\n', stderr);
			rc = EXIT_ERROR;
		} else {
			printf("restored ");
			put_esc(stdout, ids[i]);
			if (why[0]) {
				fputs(": ", stdout);
				put_esc(stdout, why);
			}
			putchar('\n');
		}
	}
	return rc;
}
