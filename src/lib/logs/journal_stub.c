/* journal_stub.c - the static binary has no libsystemd: the journal is not read there */
#include "../collect/logs.h"

mt_err mt_logs_read_journal(mt_logs *l, mt_host *host, mt_report *rep)
{
	(void)host;
	(void)rep;
	l->journal_state = -1;
	return MT_ERR_UNSUPPORTED;
}
