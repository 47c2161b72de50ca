/* memory.c - content.memory: the memory of every process of the live host (not ours),
 * read through /proc/PID/maps and /proc/PID/mem, bounded per process. A process is a
 * miner by memory when its code (the image and anonymous executable regions, as a
 * loader or injector leaves them) is a miner's by mt_miner_identify, when it holds a
 * live stratum login with a wallet, or a pool URL, a wallet and miner strings at once.
 * Strings alone are not enough: an editor or a browser showing a miner's README holds
 * them too. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../checks/checks.h"
#include "../checks/live_common.h"
#include "../collect/filescan.h"
#include "../collect/win/pe.h"
#include "content.h"

#define CODE_MAX (48u * 1024 * 1024) /* image and executable regions judged, at most */
#define DATA_MAX (64u * 1024 * 1024) /* other readable regions scanned, at most */
#define CHUNK    (1u * 1024 * 1024)
#define MAPS_MAX (1u * 1024 * 1024)

typedef struct memhits {
	mt_strscan ss;
	unsigned login_json;  /* "method":"login" */
	unsigned submit_json; /* "method":"submit", "job_id" */
	char pool[256];
	char wallet[128];
	char agent[64]; /* "agent":"XMRig/6.16.0 ..." */
} memhits;

static void grab_until(const char *p, const char *end, const char *stop, char *out, size_t n)
{
	size_t k = 0;
	while (p < end && k + 1 < n && !strchr(stop, *p) && (unsigned char)*p >= 0x20 &&
	       (unsigned char)*p < 0x7f)
		out[k++] = *p++;
	out[k] = '\0';
}

static void scan_chunk(memhits *h, const char *p, size_t n)
{
	mt_strscan_feed(&h->ss, p, n);
	const char *end = p + n;
	const char *q;
	if (!h->login_json &&
	    (memmem(p, n, "\"method\":\"login\"", 16) || memmem(p, n, "\"method\": \"login\"", 17)))
		h->login_json = 1;
	if (!h->submit_json &&
	    (memmem(p, n, "\"method\":\"submit\"", 17) || memmem(p, n, "\"job_id\"", 8)))
		h->submit_json = 1;
	if (!h->agent[0] && (q = memmem(p, n, "\"agent\":\"", 9)) != NULL)
		grab_until(q + 9, end, "\"", h->agent, sizeof(h->agent));
	if (!h->pool[0] && (q = memmem(p, n, "stratum+", 8)) != NULL) {
		grab_until(q, end, "\" '\\,;", h->pool, sizeof(h->pool));
		if (strlen(h->pool) < 16 || !strstr(h->pool, "://"))
			h->pool[0] = '\0';
	}
	if (!h->wallet[0]) {
		/* Monero addresses: '4' + [0-9AB] + 93 base58 */
		for (const char *s = p; s + 95 <= end; s++) {
			if (*s != '4' || (s > p && isalnum((unsigned char)s[-1])))
				continue;
			if (mt_is_monero_wallet(s, 95) &&
			    (s + 95 == end || !isalnum((unsigned char)s[95]))) {
				memcpy(h->wallet, s, 95);
				h->wallet[95] = '\0';
				break;
			}
		}
	}
}

typedef struct region {
	unsigned long long lo, hi;
	int code; /* the image or an executable anonymous region */
} region;

static int read_maps(int pid, const char *exe, region **out, size_t *nout)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char *data;
	size_t len;
	int trunc;
	mt_err e = mt_read_fd(fd, MAPS_MAX, &data, &len, &trunc);
	close(fd);
	if (e != MT_OK)
		return -1;
	region *v = NULL;
	size_t n = 0, a = 0;
	for (char *line = data; line && *line;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		unsigned long long lo, hi, off;
		char perm[8] = "", dev[16];
		unsigned long ino;
		int used = 0;
		if (sscanf(line, "%llx-%llx %7s %llx %15s %lu %n", &lo, &hi, perm, &off, dev, &ino,
		           &used) >= 6 &&
		    perm[0] == 'r' && hi > lo) {
			const char *name = used ? line + used : "";
			int special = name[0] == '[' && strncmp(name, "[heap]", 6) != 0 &&
			              strncmp(name, "[stack]", 7) != 0 &&
			              strncmp(name, "[anon", 5) != 0;
			int image = exe[0] && !strncmp(name, exe, strlen(exe));
			int anon = name[0] == '\0' || !strncmp(name, "[heap]", 6) ||
			           !strncmp(name, "[stack]", 7) || !strncmp(name, "[anon", 5) ||
			           !strncmp(name, "/memfd:", 7);
			/* shared libraries and other mapped files are their files' business */
			if (!special && (image || anon)) {
				if (n == a) {
					a = a ? a * 2 : 64;
					region *nv = realloc(v, a * sizeof(*v));
					if (!nv)
						break;
					v = nv;
				}
				v[n].lo = lo;
				v[n].hi = hi;
				v[n].code = image || (anon && perm[2] == 'x') ||
				            !strncmp(name, "/memfd:", 7);
				n++;
			}
		}
		line = nl ? nl + 1 : NULL;
	}
	free(data);
	*out = v;
	*nout = n;
	return 0;
}

typedef struct pverdict {
	int miner;
	mt_miner_id id;
	memhits h;
	unsigned long long read;
} pverdict;

static void judge_process(const mt_proc *p, unsigned char *code, unsigned char *chunk, pverdict *pv)
{
	memset(pv, 0, sizeof(*pv));
	mt_strscan_init(&pv->h.ss);
	char exe[MT_MAX_PATH];
	snprintf(exe, sizeof(exe), "%s", p->exe);
	char *del = strstr(exe, " (deleted)");
	if (del)
		*del = '\0';
	region *rv = NULL;
	size_t nr = 0;
	if (read_maps(p->pid, exe, &rv, &nr) != 0)
		return;
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/mem", p->pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(rv);
		return;
	}
	size_t clen = 0;
	unsigned long long data_read = 0;
	for (size_t i = 0; i < nr; i++) {
		for (unsigned long long at = rv[i].lo; at < rv[i].hi;) {
			size_t want = rv[i].hi - at > CHUNK ? CHUNK : (size_t)(rv[i].hi - at);
			if (rv[i].code) {
				if (clen + want > CODE_MAX)
					break;
				ssize_t r = pread(fd, code + clen, want, (off_t)at);
				if (r <= 0)
					break;
				scan_chunk(&pv->h, (const char *)code + clen, (size_t)r);
				clen += (size_t)r;
				at += (unsigned long long)r;
			} else {
				if (data_read + want > DATA_MAX)
					break;
				ssize_t r = pread(fd, chunk, want, (off_t)at);
				if (r <= 0)
					break;
				scan_chunk(&pv->h, (const char *)chunk, (size_t)r);
				data_read += (unsigned long long)r;
				at += (unsigned long long)r;
			}
		}
	}
	close(fd);
	free(rv);
	pv->read = clen + data_read;
	if (clen)
		mt_miner_identify(code, clen, &pv->id);
	unsigned strs = mt_strscan_count(&pv->h.ss);
	if (pv->h.ss.self && pv->id.what == MT_ID_NONE)
		return; /* minetrace or its rules in an editor */
	if (pv->id.what == MT_ID_XMRIG || pv->id.what == MT_ID_MINER)
		pv->miner = 1;
	else if (pv->h.login_json && pv->h.wallet[0] && strs >= 2)
		pv->miner = 1; /* a stratum login with a real wallet: a miner, a loader or a
		                * proxy (a test pool holding a login of "testwallet" is none) */
	else if (pv->h.pool[0] && pv->h.wallet[0] && strs >= 3)
		pv->miner = 1;
}

mt_err ct_scan_memory(mt_ctx *ctx, const mt_check_info *self)
{
	const mt_live *l = mt_ctx_live(ctx);
	if (!l) {
		mt_report_diag(ctx->report, "%s: /proc is not readable", self->id);
		return MT_OK;
	}
	unsigned char *code = malloc(CODE_MAX), *chunk = malloc(CHUNK);
	if (!code || !chunk) {
		free(code);
		free(chunk);
		return MT_ERR_NOMEM;
	}
	int me = getpid();
	unsigned judged = 0, unreadable = 0;
	unsigned long long bytes = 0;
	mt_err err = MT_OK;
	for (size_t i = 0; i < l->nprocs && err == MT_OK; i++) {
		const mt_proc *p = &l->procs[i];
		if (p->pid == me || p->kernel_thread || p->pid <= 1)
			continue;
		pverdict pv;
		judge_process(p, code, chunk, &pv);
		if (!pv.read) {
			unreadable++;
			continue;
		}
		judged++;
		bytes += pv.read;
		if (!pv.miner)
			continue;
		char reasons[320] = "";
		size_t rl = 0;
		if (pv.id.what != MT_ID_NONE)
			rl += (size_t)snprintf(reasons + rl, sizeof(reasons) - rl,
			                       "miner_code_in_memory,%s", pv.id.reasons);
		if (pv.h.login_json && rl < sizeof(reasons))
			rl += (size_t)snprintf(reasons + rl, sizeof(reasons) - rl,
			                       "%sstratum_login", rl ? "," : "");
		if (pv.h.pool[0] && rl < sizeof(reasons))
			rl += (size_t)snprintf(reasons + rl, sizeof(reasons) - rl, "%spool_url",
			                       rl ? "," : "");
		if (pv.h.wallet[0] && rl < sizeof(reasons))
			rl += (size_t)snprintf(reasons + rl, sizeof(reasons) - rl, "%swallet",
			                       rl ? "," : "");
		char names[160];
		mt_strscan_names(&pv.h.ss, names, sizeof(names));
		mt_finding *f = mt_finding_new(self, MT_SEV_CRITICAL, pv.id.what ? 95 : 85);
		const char *fam = pv.id.family[0] ? pv.id.family : "miner";
		mt_finding_text(f, MT_LANG_EN, self->title[MT_LANG_EN],
		                "The memory of process %d (%s) holds a %s (%s)%s%s%s, whatever its "
		                "file on disk is.",
		                p->pid, p->comm, fam, reasons, pv.h.pool[0] ? ": pool " : "",
		                pv.h.pool, p->exe_memfd ? "; it runs from a memfd (fileless)" : "");
		mt_finding_text(f, MT_LANG_ZH, self->title[MT_LANG_ZH],
		                "进程%d（%s）的内存中含有%s（%s）%s%s%s，与其磁盘文件无关。",
		                p->pid, p->comm, fam, reasons, pv.h.pool[0] ? "：矿池" : "",
		                pv.h.pool, p->exe_memfd ? "；从memfd运行（无文件）" : "");
		mt_finding_int(f, "pid", p->pid, 1);
		mt_finding_int(f, "start_ticks", (long long)p->start_ticks, 1);
		mt_finding_str(f, "reasons", reasons, 0);
		if (names[0])
			mt_finding_str(f, "strings", names, 0);
		if (pv.h.pool[0])
			mt_finding_str(f, "pool", pv.h.pool, 0);
		if (pv.h.wallet[0])
			mt_finding_str(f, "wallet", pv.h.wallet, 0);
		if (pv.h.agent[0])
			mt_finding_str(f, "agent", pv.h.agent, 0);
		mt_live_evidence(f, l, p);
		mt_live_kill_action(f, l, p);
		err = mt_report_add(ctx->report, f);
	}
	free(code);
	free(chunk);
	mt_report_diag(ctx->report, "%s: the memory of %u processes read (%llu MiB), %u unreadable",
	               self->id, judged, bytes >> 20, unreadable);
	return err == MT_ERR_NOMEM ? err : MT_OK;
}
