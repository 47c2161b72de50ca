/* journal.c - the systemd journal of the scanned root, read by our own reader of journal
 * files (journal_file.c) in both binaries: var/log/journal opened through the host layer,
 * its files opened from that descriptor (no symlinks, regular files only, capped reads) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "journal_file.h"
#include "logs.h"

/* Programs whose messages are auth events (the same set the text parser knows). */
static const char *const idents[] = {"sshd",     "sshd-session", "sshd-auth", "su",
                                     "sudo",     "useradd",      "usermod",   "userdel",
                                     "groupadd", "gpasswd",      "passwd",    "chpasswd"};

/* The fields looked at, in mt_jentry.f order. */
static const char *const want[] = {"SYSLOG_IDENTIFIER", "MESSAGE", "_UID", "_EXE"};
enum { F_IDENT, F_MSG, F_UID, F_EXE };

/* An auth message is at most a few hundred bytes (syslog's own buffer is 1 KB); a longer
 * one is not parsed (one shared DATA object must not cost its size per entry). */
#define JMSG_MAX 8192

#define DEDUP_MAX (1u << 21)

typedef struct jrun {
	mt_logs *l;
	mt_report *rep;
	const char *dir;
	int fi;     /* the logfile entry of the whole directory */
	uint64_t n; /* auth entries seen */
	uint64_t forged;
	uint64_t budget; /* decompressed bytes left */
	uint64_t total;  /* file bytes read */
	unsigned files;
	int stop;
	mt_err e;
	/* entries already used, by a hash of (realtime, xor_hash): a copy of a file
	 * (foo.journal~ next to foo.journal) must not count its logins twice; sd-journal
	 * skips them too */
	uint64_t *seen;
	size_t nseen, seencap;
} jrun;

/* 1 when the event ev of the entry je was used before (the same entry in a copy of a
 * file); records it otherwise (at most DEDUP_MAX, in a table at most half full, probes
 * bounded). The key is keyed with the process's random seed and holds the parsed event:
 * a forged entry cannot take the place of a real one, nor pick colliding keys. */
static int seen_before(jrun *r, const mt_jentry *je, const mt_logev *ev)
{
	char k[256];
	int kn = snprintf(k, sizeof(k), "%llu %llu %u %u %s %s %s %s",
	                  (unsigned long long)je->realtime, (unsigned long long)je->xor_hash,
	                  (unsigned)ev->kind, (unsigned)ev->port, ev->user, ev->ip, ev->method,
	                  ev->detail ? ev->detail : "");
	uint64_t key = ((uint64_t)mt__str_hash(k, kn > 0 ? (size_t)kn : 0) << 32 |
	                mt__str_hash(k + 1, kn > 1 ? (size_t)kn - 1 : 0)) |
	               1; /* 0: free */
	if (r->nseen * 2 >= r->seencap) {
		if (r->seencap >= DEDUP_MAX * 2)
			return 0;
		size_t nc = r->seencap ? r->seencap * 2 : 1024;
		uint64_t *ns = calloc(nc, sizeof(uint64_t));
		if (!ns)
			return 0;
		for (size_t i = 0; i < r->seencap; i++) {
			if (!r->seen[i])
				continue;
			size_t j = r->seen[i] & (nc - 1);
			while (ns[j])
				j = (j + 1) & (nc - 1);
			ns[j] = r->seen[i];
		}
		free(r->seen);
		r->seen = ns;
		r->seencap = nc;
	}
	size_t j = key & (r->seencap - 1);
	for (unsigned probe = 0; r->seen[j]; probe++) {
		if (r->seen[j] == key)
			return 1;
		if (probe >= 64)
			return 0; /* not recorded: at worst a copy counts twice */
		j = (j + 1) & (r->seencap - 1);
	}
	r->seen[j] = key;
	r->nseen++;
	return 0;
}

/* The program an auth entry says it comes from, by the path journald read from
 * /proc/PID/exe (which the sender cannot choose, unlike _COMM): the identifier's own
 * name in a system directory only root can write. */
static int exe_ok(const mt_jval *id, const mt_jval *exe)
{
	static const char *const dirs[] = {
		"/usr/sbin/",    "/usr/bin/",         "/sbin/",
		"/bin/",         "/usr/lib/openssh/", "/usr/libexec/openssh/",
		"/usr/libexec/", "/usr/lib/ssh/"};
	if (!exe->p || !id->p || exe->big)
		return 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(dirs); i++) {
		size_t dl = strlen(dirs[i]);
		if (exe->n == dl + id->n && memcmp(exe->p, dirs[i], dl) == 0 &&
		    memcmp(exe->p + dl, id->p, id->n) == 0)
			return 1;
	}
	return 0;
}

static int is_ident(const mt_jval *v)
{
	if (!v->p)
		return 0;
	for (size_t i = 0; i < MT_ARRAY_LEN(idents); i++)
		if (strlen(idents[i]) == v->n && memcmp(idents[i], v->p, v->n) == 0)
			return 1;
	return 0;
}

/* One entry of a journal file: an auth event when it is one and not forged. */
static int on_entry(void *ctx, const mt_jentry *je)
{
	jrun *r = ctx;
	const mt_jval *id = &je->f[F_IDENT], *msg = &je->f[F_MSG];
	if (!is_ident(id))
		return 0;
	mt_logfile *f = &r->l->files[r->fi];
	f->lines++;
	if (!msg->p && !msg->big) {
		f->skipped++;
		return 0;
	}
	mt_logev ev;
	memset(&ev, 0, sizeof(ev));
	ev.time = (int64_t)(je->realtime / 1000000);
	if (f->first == MT_TIME_NONE || ev.time < f->first)
		f->first = ev.time;
	if (f->last == MT_TIME_NONE || ev.time > f->last)
		f->last = ev.time;
	ev.kind = MT_LE_COUNT;
	if (msg->big || msg->n > JMSG_MAX || memchr(msg->p, '\0', msg->n)) {
		f->skipped++;
		return 0;
	}
	if (mt_authlog_parse_msg(id->p, id->n, msg->p, msg->n, &ev) != MT_AL_EVENT ||
	    ev.kind >= MT_LE_COUNT)
		return 0;
	/* SYSLOG_IDENTIFIER is the sender's word (logger -t sshd), and so is _COMM (any
	 * process can name itself sshd); _UID and _EXE are journald's: an auth event must
	 * come from root or from the program it names, installed where only root writes */
	const mt_jval *ud = &je->f[F_UID];
	int root = ud->p && ud->n == 1 && ud->p[0] == '0';
	if (!root && !exe_ok(id, &je->f[F_EXE])) {
		if (r->forged++ < 3)
			mt_report_diag(r->rep,
			               "%s: a %s entry sent by a process of uid %.*s that is not "
			               "the program it names (_UID/_EXE): forged, not used",
			               r->dir, mt_logev_kind_name((mt_logev_kind)ev.kind),
			               ud->p && ud->n < 12 ? (int)ud->n : 1,
			               ud->p && ud->n < 12 ? ud->p : "?");
		return 0;
	}
	if (seen_before(r, je, &ev))
		return 0; /* the same entry in another file */
	if (++r->n > MT_MAX_LOG_EVENTS * 4ull) {
		if (r->n == MT_MAX_LOG_EVENTS * 4ull + 1) {
			f->truncated = 1;
			mt_report_diag(r->rep, "%s: more than %u auth events, the rest not used",
			               r->dir, MT_MAX_LOG_EVENTS * 4u);
		}
		return 0;
	}
	if (ev.kind == MT_LE_FAILED && mt_logs_text_covers(r->l, ev.time))
		return 0; /* the text log has the same failures and they add up */
	ev.file = (uint32_t)r->fi;
	f->events++;
	if ((r->e = mt_logs_add(r->l, &ev)) != MT_OK) {
		r->stop = 1;
		return 1;
	}
	return 0;
}

/* journald's names: system.journal, user-1000@...journal, and *.journal~ of files not
 * closed cleanly */
static int journal_name(const char *n)
{
	size_t len = strlen(n);
	return (len > 8 && strcmp(n + len - 8, ".journal") == 0) ||
	       (len > 9 && strcmp(n + len - 9, ".journal~") == 0);
}

/* A machine-id directory (32 hex digits, maybe ".namespace"), the ones sd-journal reads. */
static int machine_dir(const char *n)
{
	for (int i = 0; i < 32; i++)
		if (!((n[i] >= '0' && n[i] <= '9') || (n[i] >= 'a' && n[i] <= 'f') ||
		      (n[i] >= 'A' && n[i] <= 'F')))
			return 0;
	return n[32] == '\0' || (n[32] == '.' && n[33] != '\0');
}

/* Reads one journal file, opened from its directory descriptor. */
static void read_one(jrun *r, int dfd, const char *sub, const char *name)
{
	char path[600];
	snprintf(path, sizeof(path), "%s/%s%s%s", r->dir, sub, *sub ? "/" : "", name);
	if (++r->files > MT_MAX_JOURNAL_FILES) {
		if (r->files == MT_MAX_JOURNAL_FILES + 1)
			mt_report_diag(r->rep, "%s: more than %u journal files, the rest not read",
			               r->dir, MT_MAX_JOURNAL_FILES);
		return;
	}
	/* looked at before it is opened (opening a FIFO or a device can do things) and
	 * again after: the same regular file, or nothing */
	struct stat pre, st;
	if (fstatat(dfd, name, &pre, AT_SYMLINK_NOFOLLOW) != 0) {
		mt_report_diag(r->rep, "%s: not read: %s", path, strerror(errno));
		return;
	}
	if (S_ISLNK(pre.st_mode)) {
		mt_report_diag(r->rep, "%s: not read: a symbolic link, not followed", path);
		return;
	}
	if (!S_ISREG(pre.st_mode)) {
		mt_report_diag(r->rep, "%s: not read: not a regular file", path);
		return;
	}
	int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		mt_report_diag(r->rep, "%s: not read: %s", path,
		               errno == ELOOP ? "a symbolic link, not followed" : strerror(errno));
		return;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_dev != pre.st_dev ||
	    st.st_ino != pre.st_ino) {
		mt_report_diag(r->rep, "%s: not read: it changed while it was opened", path);
		close(fd);
		return;
	}
	/* the header first: junk (a sparse file of zeros) costs no read and no budget */
	unsigned char hdr[208];
	ssize_t hk;
	do
		hk = pread(fd, hdr, sizeof(hdr), 0);
	while (hk < 0 && errno == EINTR);
	if (hk != (ssize_t)sizeof(hdr) || memcmp(hdr, "LPKSHHRH", 8) != 0) {
		mt_report_diag(r->rep, "%s: not a journal file (bad header), not read", path);
		close(fd);
		return;
	}
	uint64_t want_n = (uint64_t)st.st_size, hs = 0, arena = 0;
	for (int i = 7; i >= 0; i--) {
		hs = hs << 8 | hdr[88 + i];
		arena = arena << 8 | hdr[96 + i];
	}
	if (hs <= want_n && arena <= want_n - hs)
		want_n = hs + arena; /* what the header says is in use */
	if (r->total >= MT_MAX_JOURNAL_TOTAL) {
		mt_report_diag(r->rep,
		               "%s: not read: %llu MB of journal files were read before it "
		               "(the limit)",
		               path, (unsigned long long)(MT_MAX_JOURNAL_TOTAL >> 20));
		close(fd);
		return;
	}
	int capped = 0;
	if (want_n > MT_MAX_JOURNAL_FILE) {
		want_n = MT_MAX_JOURNAL_FILE;
		capped = 1;
	}
	if (want_n > MT_MAX_JOURNAL_TOTAL - r->total) {
		want_n = MT_MAX_JOURNAL_TOTAL - r->total;
		capped = 1;
	}
	unsigned char *buf = want_n ? malloc((size_t)want_n) : NULL;
	if (want_n && !buf) {
		mt_report_diag(r->rep, "%s: not read: out of memory", path);
		close(fd);
		return;
	}
	size_t got = 0;
	while (got < want_n) {
		ssize_t k = pread(fd, buf + got, (size_t)(want_n - got), (off_t)got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	r->total += got;
	if (capped)
		mt_report_diag(r->rep, "%s: %llu bytes, only the first %llu read (limit)", path,
		               (unsigned long long)st.st_size, (unsigned long long)got);
	mt_jstats js;
	mt_err e =
		mt_journal_parse(buf, got, want, MT_ARRAY_LEN(want), &r->budget, &js, on_entry, r);
	free(buf);
	if (e == MT_ERR_NOMEM) {
		r->e = e;
		r->stop = 1;
		return;
	}
	if (e == MT_ERR_PARSE) {
		mt_report_diag(r->rep, "%s: not a journal file (bad header), not read", path);
		return;
	}
	if (e == MT_ERR_UNSUPPORTED) {
		mt_report_diag(r->rep, "%s: not read: unknown incompatible header flags 0x%x", path,
		               (unsigned)js.incompatible);
		return;
	}
	if (e != MT_OK) {
		mt_report_diag(r->rep, "%s: not read: %s", path, mt_strerror(e));
		return;
	}
	uint64_t bad = js.bad_entries + js.bad_items + js.bad_data;
	const char *state = js.state == 1 ? " (online: being written, or not closed cleanly)" : "";
	if (js.stop_off && !capped)
		mt_report_diag(r->rep,
		               "%s: read as far as it is consistent, up to offset %llu: %s%s", path,
		               (unsigned long long)js.stop_off, js.stop_why, state);
	else if (js.cut && !capped)
		mt_report_diag(r->rep,
		               "%s: shorter than its header says: cut, read as far as it goes",
		               path);
	if (bad)
		mt_report_diag(r->rep,
		               "%s: %llu corrupt objects skipped (%llu entries, %llu entry "
		               "items, %llu data)%s",
		               path, (unsigned long long)bad, (unsigned long long)js.bad_entries,
		               (unsigned long long)js.bad_items, (unsigned long long)js.bad_data,
		               state);
	if (js.over_cap)
		mt_report_diag(r->rep,
		               "%s: %llu fields decompress to more than %u bytes "
		               "(a compression bomb?): not used",
		               path, (unsigned long long)js.over_cap, MT_MAX_JOURNAL_FIELD);
	if (js.not_inflated)
		mt_report_diag(r->rep,
		               "%s: %llu compressed fields not read: over the limit of %llu "
		               "decompressed bytes",
		               path, (unsigned long long)js.not_inflated,
		               (unsigned long long)MT_MAX_JOURNAL_INFLATE);
}

/* The journal files of a directory; depth 0 also reads its machine-id subdirectories. */
static void read_dir(jrun *r, int dfd, const char *sub, int depth)
{
	mt_dirent *ents = NULL;
	size_t n = 0;
	mt_err e = mt_list_fd(dfd, MT_LIST_GETDENTS, &ents, &n);
	if (e != MT_OK) {
		mt_report_diag(r->rep, "%s%s%s: not listed: %s", r->dir, *sub ? "/" : "", sub,
		               mt_strerror(e));
		return;
	}
	for (size_t i = 0; i < n && !r->stop; i++) {
		const char *name = ents[i].name;
		if (strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (journal_name(name)) {
			read_one(r, dfd, sub, name);
			continue;
		}
		if (depth > 0 || !machine_dir(name))
			continue;
		struct stat st;
		if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			mt_report_diag(r->rep, "%s/%s: a symbolic link, not followed", r->dir,
			               name);
			continue;
		}
		if (!S_ISDIR(st.st_mode))
			continue;
		int sfd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sfd < 0) {
			mt_report_diag(r->rep, "%s/%s: not read: %s", r->dir, name,
			               strerror(errno));
			continue;
		}
		read_dir(r, sfd, name, depth + 1);
		close(sfd);
	}
	mt_dirents_free(ents, n);
}

mt_err mt_logs_read_journal(mt_logs *l, mt_host *host, mt_report *rep)
{
	const char *dir = "/var/log/journal";
	struct stat st, lst;
	/* a link (var/log/journal -> /data/journal) is followed inside the root by the
	 * host layer like every other path; hiding the journal behind one must not work */
	int fd;
	mt_err e = mt_host_open_dir(host, dir, &fd);
	if (e == MT_ERR_NOENT && mt_host_stat(host, dir, 0, &lst) != MT_OK)
		return MT_ERR_NOENT; /* no journal */
	if (e != MT_OK) {
		mt_report_diag(rep, "%s: not read: %s", dir, mt_strerror(e));
		l->journal_state = -2;
		return MT_OK;
	}
	if (fstat(fd, &st) != 0) {
		mt_report_diag(rep, "%s: not read: %s", dir, strerror(errno));
		close(fd);
		l->journal_state = -2;
		return MT_OK;
	}
	if (mt_host_stat(host, dir, 0, &lst) == MT_OK && S_ISLNK(lst.st_mode))
		mt_report_diag(rep, "%s: a symbolic link, followed inside the root", dir);
	int fi = mt_logs_file(l, dir, 5);
	if (fi < 0) {
		close(fd);
		return MT_ERR_NOMEM;
	}
	l->files[fi].mtime = (int64_t)st.st_mtime;
	l->journal_state = 1;
	jrun r;
	memset(&r, 0, sizeof(r));
	r.l = l;
	r.rep = rep;
	r.dir = dir;
	r.fi = fi;
	r.budget = MT_MAX_JOURNAL_INFLATE;
	r.e = MT_OK;
	read_dir(&r, fd, "", 0);
	close(fd);
	if (r.forged > 3)
		mt_report_diag(rep, "%s: %llu forged auth entries in all, not used", dir,
		               (unsigned long long)r.forged);
	free(r.seen);
	return r.e;
}
