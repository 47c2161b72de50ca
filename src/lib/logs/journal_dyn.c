/* journal_dyn.c - the systemd journal of the scanned root through libsystemd's sd-journal,
 * opened by a directory descriptor of the root's var/log/journal so nothing escapes it */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include "../collect/logs.h"

/* Programs whose messages are auth events (the same set the text parser knows). */
static const char *const idents[] = {"sshd",     "sshd-session", "sshd-auth", "su",
                                     "sudo",     "useradd",      "usermod",   "userdel",
                                     "groupadd", "gpasswd",      "passwd",    "chpasswd"};

/* sd-journal opens the files below the directory with openat: refuse a tree where any
 * of them is a symbolic link (it could point out of the root). Looked at through the
 * descriptor sd-journal gets, so what is checked is what is read. */
static int links_inside(int dfd, int depth)
{
	int lfd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lfd < 0)
		return 1;
	mt_dirent *ents = NULL;
	size_t n = 0;
	mt_err e = mt_list_fd(lfd, MT_LIST_GETDENTS, &ents, &n);
	close(lfd);
	if (e != MT_OK)
		return 1;
	int bad = 0;
	for (size_t i = 0; i < n && !bad; i++) {
		struct stat st;
		if (strchr(ents[i].name, '/') ||
		    fstatat(dfd, ents[i].name, &st, AT_SYMLINK_NOFOLLOW) != 0 || S_ISLNK(st.st_mode)) {
			bad = 1;
		} else if (S_ISDIR(st.st_mode) && depth < 1) {
			int sub = openat(dfd, ents[i].name,
			                 O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			bad = sub < 0 || links_inside(sub, depth + 1);
			if (sub >= 0)
				close(sub);
		}
	}
	mt_dirents_free(ents, n);
	return bad;
}

/* Whether a text auth log covers time t (its first to its last line): there the text
 * log has counted the same failures already. */
static int text_covers(const mt_logs *l, int64_t t)
{
	for (size_t i = 0; i < l->nfiles; i++) {
		const mt_logfile *f = &l->files[i];
		if (f->kind == 0 && f->first != MT_TIME_NONE && t >= f->first && t <= f->last &&
		    !(f->max_gap > 3600 && t > f->gap_from && t < f->gap_from + f->max_gap))
			return 1; /* inside its lines, not in its longest silence (lines cut out) */
	}
	return 0;
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
	if (fstat(fd, &st) != 0 || links_inside(fd, 0)) {
		mt_report_diag(rep, "%s: not read: it holds symbolic links or unreadable entries",
		               dir);
		close(fd);
		l->journal_state = -2;
		return MT_OK;
	}
	if (mt_host_stat(host, dir, 0, &lst) == MT_OK && S_ISLNK(lst.st_mode))
		mt_report_diag(rep, "%s: a symbolic link, followed inside the root", dir);
	sd_journal *j = NULL;
	int r = sd_journal_open_directory_fd(&j, fd, 0);
	if (r < 0) {
		mt_report_diag(rep, "%s: sd-journal: %s", dir, strerror(-r));
		close(fd);
		l->journal_state = -2;
		return MT_OK;
	}
	for (size_t i = 0; i < MT_ARRAY_LEN(idents); i++) {
		char m[64];
		snprintf(m, sizeof(m), "SYSLOG_IDENTIFIER=%s", idents[i]);
		sd_journal_add_match(j, m, 0);
	}
	int fi = mt_logs_file(l, dir, 5);
	if (fi < 0) {
		sd_journal_close(j);
		close(fd);
		return MT_ERR_NOMEM;
	}
	l->files[fi].mtime = (int64_t)st.st_mtime;
	l->journal_state = 1;
	e = MT_OK;
	uint64_t n = 0, forged = 0;
	SD_JOURNAL_FOREACH(j) {
		mt_logfile *f = &l->files[fi];
		if (++n > MT_MAX_LOG_EVENTS * 4ull) {
			f->truncated = 1;
			mt_report_diag(rep, "%s: more than %u entries, the rest not read", dir,
			               MT_MAX_LOG_EVENTS * 4u);
			break;
		}
		f->lines++;
		const void *id = NULL, *msg = NULL;
		size_t il = 0, ml = 0;
		uint64_t usec;
		if (sd_journal_get_realtime_usec(j, &usec) < 0 ||
		    sd_journal_get_data(j, "SYSLOG_IDENTIFIER", &id, &il) < 0 ||
		    sd_journal_get_data(j, "MESSAGE", &msg, &ml) < 0 || il < 18 || ml < 8) {
			f->skipped++;
			continue;
		}
		mt_logev ev;
		memset(&ev, 0, sizeof(ev));
		ev.time = (int64_t)(usec / 1000000);
		if (f->first == MT_TIME_NONE || ev.time < f->first)
			f->first = ev.time;
		if (f->last == MT_TIME_NONE || ev.time > f->last)
			f->last = ev.time;
		ev.kind = MT_LE_COUNT;
		const char *m = (const char *)msg + 8;
		size_t mlen = ml - 8;
		if (mlen > MT_MAX_LINE || memchr(m, '\0', mlen)) {
			f->skipped++;
			continue;
		}
		if (mt_authlog_parse_msg((const char *)id + 18, il - 18, m, mlen, &ev) !=
		        MT_AL_EVENT ||
		    ev.kind >= MT_LE_COUNT)
			continue;
		/* SYSLOG_IDENTIFIER is the sender's word (logger -t sshd); _COMM and _UID are
		 * set by journald: an auth event must come from the program it names or root */
		const void *cm = NULL, *ud = NULL;
		size_t cl = 0, ul = 0;
		int comm_ok = sd_journal_get_data(j, "_COMM", &cm, &cl) >= 0 && cl > 6 &&
		              cl - 6 == il - 18 && memcmp((const char *)cm + 6, (const char *)id + 18,
		                                          il - 18) == 0;
		int root = sd_journal_get_data(j, "_UID", &ud, &ul) >= 0 && ul == 6 &&
		           memcmp(ud, "_UID=0", 6) == 0;
		if (!comm_ok && !root) {
			if (forged++ < 3)
				mt_report_diag(rep, "%s: a %s entry written by another program (_COMM/_UID "
				                    "do not match SYSLOG_IDENTIFIER): forged, not used",
				               dir, mt_logev_kind_name((mt_logev_kind)ev.kind));
			continue;
		}
		if (ev.kind == MT_LE_FAILED && text_covers(l, ev.time))
			continue; /* the text log has the same failures and they add up */
		ev.file = (uint32_t)fi;
		f->events++;
		if ((e = mt_logs_add(l, &ev)) != MT_OK)
			break;
	}
	if (forged > 3)
		mt_report_diag(rep, "%s: %llu forged auth entries in all, not used", dir,
		               (unsigned long long)forged);
	sd_journal_close(j);
	close(fd);
	return e;
}
