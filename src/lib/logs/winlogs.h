/* winlogs.h - the record-level seam of the Windows event log reader (winlogs.c), for
 * tests: what one decoded EVTX record adds to the login and account event store. */
#ifndef MT_WINLOGS_H
#define MT_WINLOGS_H

#include "logs.h"
#include "evtx.h"

/* Adds to l the event record r gives, as the reader does for a record of the file
 * l->files[file] (an entry of mt_logs_file), judged with l->rules; r on its own: nothing
 * of earlier records (the linked second logon, names of SIDs) is known. MT_OK also when
 * the record gives no event; MT_ERR_NOMEM; MT_ERR_INVAL for a file out of range. */
mt_err mt_winlogs_record(mt_logs *l, uint32_t file, const mt_evtx_record *r);

#endif
