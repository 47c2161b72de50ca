/* rootkit_kernel.c - rootkit.kernel: loadable modules present in /sys/module but hidden
 * from /proc/modules (a module that unlinks itself, like Diamorphine or Reptile), and
 * the kernel's taint flags */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "checks.h"

static mt_err read_small(const char *path, char **d, size_t *n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return mt_errno_to_err(errno);
	int trunc;
	mt_err e = mt_read_fd(fd, 4u << 20, d, n, &trunc);
	close(fd);
	return e;
}

/* Taint bits (Documentation/admin-guide/tainted-kernels.rst) worth a responder's eye. */
static const struct {
	unsigned bit;
	char letter;
	const char *what;
} taints[] = {
	{0, 'P', "proprietary module loaded"},  {1, 'F', "module force-loaded"},
	{12, 'O', "out-of-tree module loaded"}, {13, 'E', "unsigned module loaded"},
	{15, 'K', "kernel live-patched"},
};

mt_err mt_check_rootkit_kernel(mt_ctx *ctx, const mt_check_info *self)
{
	mt_err e = MT_OK;
	char *mods = NULL;
	size_t nmods = 0;
	int have_mods = read_small("/proc/modules", &mods, &nmods) == MT_OK;
	int sfd = open("/sys/module", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (have_mods && sfd >= 0) {
		mt_dirent *ents;
		size_t n;
		if (mt_list_fd(sfd, MT_LIST_GETDENTS, &ents, &n) == MT_OK) {
			for (size_t i = 0; i < n && e != MT_ERR_NOMEM; i++) {
				/* only loadable modules have an initstate; built-in ones do not */
				char path[512];
				snprintf(path, sizeof(path), "%s/initstate", ents[i].name);
				if (faccessat(sfd, path, F_OK, 0) != 0)
					continue;
				size_t nl = strlen(ents[i].name);
				int listed = 0;
				for (const char *line = mods; line && *line && !listed;) {
					listed = strncmp(line, ents[i].name, nl) == 0 &&
					         line[nl] == ' ';
					line = strchr(line, '\n');
					if (line)
						line++;
				}
				if (listed)
					continue;
				mt_finding *f = mt_finding_new(self, MT_SEV_CRITICAL, 85);
				mt_finding_text(
					f, MT_LANG_EN, "Hidden kernel module",
					"Module %s is loaded (/sys/module) but missing from "
					"/proc/modules: it hides itself",
					ents[i].name);
				mt_finding_text(
					f, MT_LANG_ZH, "隐藏的内核模块",
					"模块 %s 已加载(/sys/module)但不在/proc/modules中: 自我隐藏",
					ents[i].name);
				mt_finding_str(f, "module", ents[i].name, 1);
				e = mt_report_add(ctx->report, f);
			}
			mt_dirents_free(ents, n);
		}
	} else if (!have_mods) {
		mt_report_diag(ctx->report, "rootkit.kernel: /proc/modules unreadable (a kernel "
		                            "without loadable modules?), module check skipped");
	}
	if (sfd >= 0)
		close(sfd);
	free(mods);

	char *t = NULL;
	size_t tn;
	if (read_small("/proc/sys/kernel/tainted", &t, &tn) == MT_OK) {
		unsigned long v = strtoul(t, NULL, 10);
		char letters[16] = "", what[256] = "";
		size_t ll = 0, wl = 0;
		for (size_t i = 0; i < MT_ARRAY_LEN(taints); i++)
			if (v >> taints[i].bit & 1) {
				letters[ll++] = taints[i].letter;
				int w = snprintf(what + wl, sizeof(what) - wl, "%s%s",
				                 wl ? ", " : "", taints[i].what);
				if (w > 0 && (size_t)w < sizeof(what) - wl)
					wl += (size_t)w;
			}
		letters[ll] = '\0';
		if (ll && e != MT_ERR_NOMEM) {
			/* out-of-tree and unsigned modules are also what rootkits are */
			mt_finding *f = mt_finding_new(
				self, strchr(letters, 'F') ? MT_SEV_LOW : MT_SEV_INFO, 40);
			mt_finding_text(f, MT_LANG_EN, "Kernel tainted by a module",
			                "Taint %lu (%s): %s", v, letters, what);
			mt_finding_text(f, MT_LANG_ZH, "内核被模块污染", "污染标志 %lu (%s)", v,
			                letters);
			mt_finding_str(f, "taint_flags", letters, 1);
			mt_finding_int(f, "tainted", (long long)v, 0);
			e = mt_report_add(ctx->report, f);
		}
		free(t);
	}
	return e == MT_ERR_NOMEM ? e : MT_OK;
}
