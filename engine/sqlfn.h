/*
 * sqlfn.h: SQL functions for reports, registered on every connection.
 *
 * pick(n, score, source, key): aggregate; the n best evidence keys of a
 * group (score, then source diversity, then key), space-separated. See
 * sqlfn.c for the exact order.
 */
#ifndef ENTENTE_SQLFN_H
#define ENTENTE_SQLFN_H

#include <sqlite3.h>

/* Register the functions on db; returns an SQLite result code. */
int en_sqlfn_register(sqlite3 *db);

#endif
