/* A domain file that reaches up a layer and into SQLite: both refused. */
#include <sqlite3.h>
#include <stdio.h>

#include "conn.h"
#include "util.h"
