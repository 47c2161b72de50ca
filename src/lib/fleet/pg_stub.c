/* pg_stub.c - the static binary has no PostgreSQL client (no static libpq on Debian):
 * a postgresql:// database is refused with the reason */
#include <stdio.h>

#include "db.h"

mt_err mt__pg_open(const char *uri, mt_db *db, char *msg, size_t msglen)
{
	(void)uri;
	(void)db;
	snprintf(msg, msglen,
	         "this build has no PostgreSQL client (the static binary); use "
	         "build/minetrace or an SQLite file");
	return MT_ERR_UNSUPPORTED;
}
