/* SQLite is allowed in db.c only: refused; the rest is allowed. */
#include <sqlite3.h>

#include "conn.h"
#include "util.h"
