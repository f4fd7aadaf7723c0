/* The reference of open_status.c: a new process that opens the same store
** file with SQLite and reads one row, the cached deletion's JSON.
**
**   sqlite_read DATABASE_PATH ACCOUNT_KEY
**
** ACCOUNT_KEY is the account as the store's cache table keys it. Exits 0
** when the row was there. */
#include <stdio.h>

#include <sqlite3.h>

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: sqlite_read DATABASE_PATH ACCOUNT_KEY\n");
    return 2;
  }
  sqlite3 *db = NULL;
  if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    fprintf(stderr, "open: %s\n", db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return 1;
  }
  sqlite3_stmt *statement = NULL;
  int code = sqlite3_prepare_v2(db, "SELECT value FROM cache WHERE account = ? AND entry = ?", -1, &statement, NULL);
  if (code == SQLITE_OK) {
    sqlite3_bind_text(statement, 1, argv[2], -1, SQLITE_STATIC);
    sqlite3_bind_text(statement, 2, "deletion", -1, SQLITE_STATIC);
    code = sqlite3_step(statement);
  }
  int good = code == SQLITE_ROW && sqlite3_column_bytes(statement, 0) > 0;
  if (!good) fprintf(stderr, "read: %s\n", sqlite3_errmsg(db));
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return good ? 0 : 1;
}
