/* journal.c - the append-only journal of respond: begin/done records, each fsync'ed */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "respond/respond_int.h"

typedef struct jrec {
	char key[40];
	mt_jstate st;
} jrec;

struct mt_journal {
	int fd;
	jrec *recs;
	size_t n, alloc;
};

static jrec *find(const mt_journal *j, const char *key)
{
	for (size_t i = 0; i < j->n; i++)
		if (strcmp(j->recs[i].key, key) == 0)
			return &j->recs[i];
	return NULL;
}

static jrec *get(mt_journal *j, const char *key)
{
	jrec *r = find(j, key);
	if (r)
		return r;
	if (j->n >= MT_MAX_PLAN_STEPS * 4)
		return NULL;
	if (j->n == j->alloc) {
		size_t na = j->alloc ? j->alloc * 2 : 64;
		jrec *nr = realloc(j->recs, na * sizeof(*nr));
		if (!nr)
			return NULL;
		j->recs = nr;
		j->alloc = na;
	}
	r = &j->recs[j->n++];
	memset(r, 0, sizeof(*r));
	snprintf(r->key, sizeof(r->key), "%s", key);
	return r;
}

static void apply_line(mt_journal *j, const char *s, size_t n)
{
	mt_json *o = NULL;
	if (mt_json_parse(s, n, &o, NULL) != MT_OK)
		return; /* a record torn by a crash: its action is resolved from the files */
	const char *rec = mt_json_str(o, "rec"), *key = mt_json_str(o, "key");
	jrec *r = rec && key ? get(j, key) : NULL;
	if (r && strcmp(rec, "begin") == 0) {
		memset(&r->st, 0, sizeof(r->st));
		r->st.state = 1;
		const char *v;
		if ((v = mt_json_str(o, "before")))
			snprintf(r->st.before, sizeof(r->st.before), "%s", v);
		if ((v = mt_json_str(o, "after")))
			snprintf(r->st.after, sizeof(r->st.after), "%s", v);
		if ((v = mt_json_str(o, "entry")))
			snprintf(r->st.entry, sizeof(r->st.entry), "%s", v);
	} else if (r && strcmp(rec, "done") == 0) {
		r->st.state = 2;
		const char *v = mt_json_str(o, "result");
		snprintf(r->st.result, sizeof(r->st.result), "%s", v ? v : "");
	}
	mt_json_free(o);
}

mt_err mt_journal_open(mt_quar *q, mt_journal **out)
{
	*out = NULL;
	mt_journal *j = calloc(1, sizeof(*j));
	if (!j)
		return MT_ERR_NOMEM;
	j->fd = openat(q->fd, "journal.jsonl",
	               O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
	if (j->fd < 0) {
		mt_err e = mt_errno_to_err(errno);
		free(j);
		return e;
	}
	/* a FIFO would hang, a hard link to /etc/shadow would get JSON appended, records
	 * planted by another user would make respond skip the miner */
	struct stat jst;
	if (fstat(j->fd, &jst) != 0 || !S_ISREG(jst.st_mode) || jst.st_nlink != 1 ||
	    jst.st_uid != geteuid() || (jst.st_mode & 022)) {
		mt_journal_close(j);
		return MT_ERR_PERM;
	}
	char *data = NULL;
	size_t len = 0;
	int trunc = 0;
	mt_err e = mt_read_fd(j->fd, MT_MAX_REPORT, &data, &len, &trunc);
	if (e != MT_OK || trunc) {
		free(data);
		mt_journal_close(j);
		return e != MT_OK ? e : MT_ERR_TOOBIG;
	}
	for (size_t off = 0; off < len;) {
		const char *nl = memchr(data + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - data) : len;
		apply_line(j, data + off, end - off);
		off = nl ? end + 1 : len;
	}
	/* a crash in the middle of a record: start the next one on its own line */
	if (len && data[len - 1] != '\n' && write(j->fd, "\n", 1) != 1) {
		free(data);
		mt_journal_close(j);
		return MT_ERR_IO;
	}
	free(data);
	mt_rs_fsync_dir(q->fd);
	*out = j;
	return MT_OK;
}

void mt_journal_close(mt_journal *j)
{
	if (!j)
		return;
	if (j->fd >= 0)
		close(j->fd);
	free(j->recs);
	free(j);
}

void mt_journal_state(const mt_journal *j, const char *key, mt_jstate *st)
{
	const jrec *r = find(j, key);
	if (r)
		*st = r->st;
	else
		memset(st, 0, sizeof(*st));
}

static void field(mt_buf *b, const char *k, const char *v, mt_err *e)
{
	if (!v || *e)
		return;
	*e = mt_buf_printf(b, ",\"%s\":\"", k);
	if (!*e)
		*e = mt_escape_json(b, v, strlen(v));
	if (!*e)
		*e = mt_buf_addc(b, '"');
}

static mt_err append(mt_journal *j, mt_buf *b)
{
	mt_err e = mt_buf_adds(b, "}\n");
	if (e)
		return e;
	/* one write per record (O_APPEND), then fsync: a record is there or torn, never mixed;
	 * a short write (disk full) is cut off again so the next record starts clean */
	off_t end = lseek(j->fd, 0, SEEK_END);
	ssize_t w = write(j->fd, b->data, b->len);
	if (w != (ssize_t)b->len) {
		if (w > 0 && end >= 0 && ftruncate(j->fd, end) != 0) {
			/* the next open starts a new line after the torn record */
		}
		return MT_ERR_IO;
	}
	if (fsync(j->fd) != 0)
		return MT_ERR_IO;
	apply_line(j, b->data, b->len - 1);
	return MT_OK;
}

mt_err mt_journal_begin(mt_journal *j, const char *key, unsigned step, const char *action,
                        const char *path, const char *before, const char *after, const char *entry)
{
	mt_buf b;
	char t[40];
	mt_rs_now_iso(t, sizeof(t));
	mt_buf_init(&b, 4 * MT_MAX_PATH);
	mt_err e = mt_buf_printf(&b, "{\"rec\":\"begin\",\"step\":%u", step);
	field(&b, "key", key, &e);
	field(&b, "time", t, &e);
	field(&b, "action", action, &e);
	field(&b, "path", path, &e);
	field(&b, "before", before, &e);
	field(&b, "after", after, &e);
	field(&b, "entry", entry, &e);
	if (!e)
		e = append(j, &b);
	mt_buf_free(&b);
	return e;
}

mt_err mt_journal_done(mt_journal *j, const char *key, const char *result, const char *detail,
                       const char *after)
{
	mt_buf b;
	char t[40];
	mt_rs_now_iso(t, sizeof(t));
	mt_buf_init(&b, 4 * MT_MAX_PATH);
	mt_err e = mt_buf_adds(&b, "{\"rec\":\"done\"");
	field(&b, "key", key, &e);
	field(&b, "time", t, &e);
	field(&b, "result", result, &e);
	field(&b, "detail", detail, &e);
	field(&b, "after", after, &e);
	if (!e)
		e = append(j, &b);
	mt_buf_free(&b);
	return e;
}
