/* evtxdump.c - test hook of the EVTX reader (mt_evtx_read_fd): one line per record,
 * "R <record id> <unix seconds>.<ns> <event id> <qualifiers> <level> <pid> <tid>
 * <provider> <channel> <computer> <user sid>", then one "F <name>=<value>" line per field,
 * and a last "# stats ..." line. Strings are escaped: '\\', bytes below 0x20 and DEL as
 * \xNN, a space in the R line as \x20, "" as "-". evtx_oracle.sh compares it with
 * evtxexport. Usage: evtxdump [-i ID[,ID...]] [-q] FILE (-q: the stats line only) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "logs/evtx.h"

static int quiet;

static void put(const char *s, int in_line)
{
	if (!*s && in_line) {
		fputc('-', stdout);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x20 || *p == 0x7f || *p == '\\' || (in_line && *p == ' '))
			printf("\\x%02x", *p);
		else
			fputc(*p, stdout);
	}
}

static int on_record(void *ctx, const mt_evtx_record *r)
{
	(void)ctx;
	if (quiet)
		return 0;
	printf("R %llu %lld.%09u %u %u %u %u %u ", (unsigned long long)r->record_id,
	       (long long)r->time, r->time_ns, r->event_id, r->qualifiers, r->level, r->pid,
	       r->tid);
	put(r->provider, 1);
	fputc(' ', stdout);
	put(r->channel, 1);
	fputc(' ', stdout);
	put(r->computer, 1);
	fputc(' ', stdout);
	put(r->user_sid, 1);
	fputc('\n', stdout);
	for (size_t i = 0; i < r->nfields; i++) {
		fputs("F ", stdout);
		put(r->fields[i].name, 0);
		fputc('=', stdout);
		put(r->fields[i].value, 0);
		fputc('\n', stdout);
	}
	return 0;
}

static void on_diag(void *ctx, const char *msg)
{
	(void)ctx;
	fprintf(stderr, "evtxdump: %s\n", msg);
}

int main(int argc, char **argv)
{
	unsigned ids[64];
	size_t nids = 0;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-q")) {
			quiet = 1;
		} else if (!strcmp(argv[i], "-i") && i + 1 < argc) {
			char *s = argv[++i], *end;
			while (*s && nids < 64) {
				unsigned long v = strtoul(s, &end, 10);
				if (end == s)
					break;
				ids[nids++] = (unsigned)v;
				s = *end == ',' ? end + 1 : end;
			}
		} else {
			break;
		}
	}
	if (i + 1 != argc) {
		fprintf(stderr, "usage: evtxdump [-i ID[,ID...]] [-q] FILE\n");
		return 2;
	}
	int fd = open(argv[i], O_RDONLY);
	if (fd < 0) {
		perror(argv[i]);
		return 2;
	}
	mt_evtx_opts o = {on_record, on_diag, NULL, nids ? ids : NULL, nids};
	mt_evtx_stats st;
	mt_err e = mt_evtx_read_fd(fd, &o, &st);
	close(fd);
	printf("# stats err=%d chunks=%llu bad_chunks=%llu bad_crc=%llu records=%llu "
	       "bad_records=%llu filtered=%llu header_bad=%d dirty=%d\n",
	       (int)e, (unsigned long long)st.chunks, (unsigned long long)st.bad_chunks,
	       (unsigned long long)st.bad_crc, (unsigned long long)st.records,
	       (unsigned long long)st.bad_records, (unsigned long long)st.filtered, st.header_bad,
	       st.dirty);
	return e == MT_OK ? 0 : 1;
}
