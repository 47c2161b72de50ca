/* fleet_int.h - shared by src/lib/fleet/ only: the database handle */
#ifndef MT_FLEET_INT_H
#define MT_FLEET_INT_H

#include <sqlite3.h>

#include "internal.h"
#include "minetrace/fleet.h"

struct mt_fleet {
	sqlite3 *db;
};

#endif
