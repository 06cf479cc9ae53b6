/*
 * store.c: the SQLite store: opening, schema and migrations, transactions,
 * a statement cache, and document storage.
 *
 * The schema lives here as SQL text, one step per version. Opening a store
 * runs every step above the file's PRAGMA user_version inside one
 * transaction, so a crash during migration leaves the old schema intact.
 */
#include "store.h"
#include "sqlfn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define STMT_CACHE 48

/* One entry of the store's memo: a key of bytes (owned) and two numbers. */
struct en_memo_slot {
    char *key; /* NULL: empty slot */
    size_t len;
    uint64_t hash;
    int64_t id, aux;
};

/* At most this many entries; a fuller memo is emptied and starts again. */
#define MEMO_MAX ((size_t)1 << 20)

struct en_store {
    sqlite3 *db;
    char *path;
    unsigned flags;
    int depth;        /* transaction nesting */
    int bulk;         /* inner levels are not savepoints (see en_store_set_bulk) */
    int poisoned;     /* an inner level failed in bulk mode: the outer must roll back */
    int64_t fts_from; /* new documents with id > fts_from await FTS indexing (-1: none) */
    int64_t *dirty;   /* threads whose summary awaits a recount at commit */
    size_t ndirty, dirty_cap;
    char err[512];
    struct {
        const char *sql;
        sqlite3_stmt *stmt;
    } cache[STMT_CACHE];
    int ncache;
    en_memo_slot *memo; /* ids the writer already looked up (en_store_memo_get) */
    size_t memo_used, memo_cap;
};

/* Schema version 1: everything the engine, the rule engine and the rule
 * pack store. Documented table by table in docs/SCHEMA.md. */
static const char *const SCHEMA_V1[] = {
    "CREATE TABLE documents ("
    "  id INTEGER PRIMARY KEY,"
    "  uri TEXT NOT NULL UNIQUE,"
    "  name TEXT NOT NULL,"
    "  hash TEXT NOT NULL,"
    "  title TEXT, date TEXT, source TEXT, url TEXT, lang TEXT, place TEXT, agency TEXT,"
    "  text TEXT NOT NULL,"
    "  bytes INTEGER NOT NULL,"
    "  meta TEXT,"
    "  ingested_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL);",
    "CREATE INDEX documents_hash ON documents(hash);",
    "CREATE INDEX documents_name ON documents(name);",
    "CREATE INDEX documents_date ON documents(date);",
    "CREATE INDEX documents_source ON documents(source);",
    "CREATE TABLE doc_spans ("
    "  doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  start INTEGER NOT NULL, stop INTEGER NOT NULL, kind TEXT NOT NULL,"
    "  PRIMARY KEY (doc_id, start)) WITHOUT ROWID;",
    "CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, content='documents',"
    "  content_rowid='id', tokenize='unicode61 remove_diacritics 2');",
    "CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN"
    "  INSERT INTO documents_fts(documents_fts, rowid, title, text)"
    "    VALUES ('delete', old.id, old.title, old.text);"
    "END;",
    "CREATE TRIGGER documents_fts_au AFTER UPDATE OF title, text ON documents BEGIN"
    "  INSERT INTO documents_fts(documents_fts, rowid, title, text)"
    "    VALUES ('delete', old.id, old.title, old.text);"
    "  INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);"
    "END;",
    "CREATE TABLE rulepacks ("
    "  id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, path TEXT, rules INTEGER,"
    "  manifest TEXT, created_at TEXT NOT NULL);",
    "CREATE TABLE runs ("
    "  id INTEGER PRIMARY KEY, kind TEXT NOT NULL,"
    "  rulepack_id INTEGER REFERENCES rulepacks(id),"
    "  started_at TEXT NOT NULL, finished_at TEXT, status TEXT, args TEXT, stats TEXT);",
    "CREATE TABLE extractions ("
    "  doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,"
    "  doc_hash TEXT NOT NULL, rulepack_hash TEXT NOT NULL,"
    "  run_id INTEGER REFERENCES runs(id), extracted_at TEXT NOT NULL,"
    "  failures INTEGER NOT NULL DEFAULT 0);",
    "CREATE TABLE entities ("
    "  id INTEGER PRIMARY KEY, type TEXT NOT NULL, key TEXT NOT NULL, name TEXT,"
    "  attrs TEXT, UNIQUE (type, key));",
    "CREATE TABLE entity_aliases ("
    "  entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,"
    "  folded TEXT NOT NULL, alias TEXT NOT NULL,"
    "  PRIMARY KEY (entity_id, folded)) WITHOUT ROWID;",
    "CREATE INDEX entity_aliases_folded ON entity_aliases(folded);",
    "CREATE TABLE mentions ("
    "  id INTEGER PRIMARY KEY,"
    "  doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  type TEXT NOT NULL, key TEXT, entity_id INTEGER REFERENCES entities(id),"
    "  start INTEGER NOT NULL, stop INTEGER NOT NULL,"
    "  sent_start INTEGER, sent_stop INTEGER, text TEXT, attrs TEXT,"
    "  score REAL NOT NULL DEFAULT 1.0,"
    "  rule TEXT NOT NULL, rule_file TEXT, rule_line INTEGER,"
    "  run_id INTEGER REFERENCES runs(id));",
    "CREATE INDEX mentions_doc ON mentions(doc_id, start);",
    "CREATE INDEX mentions_type_key ON mentions(type, key);",
    "CREATE INDEX mentions_entity ON mentions(entity_id);",
    "CREATE TABLE threads ("
    "  id INTEGER PRIMARY KEY, type TEXT NOT NULL, key TEXT NOT NULL UNIQUE,"
    "  subject TEXT, stage TEXT, first_date TEXT, last_date TEXT, attrs TEXT);",
    "CREATE TABLE relations ("
    "  id INTEGER PRIMARY KEY,"
    "  doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
    "  type TEXT NOT NULL, stage TEXT, cameo TEXT, date TEXT, attrs TEXT,"
    "  score REAL NOT NULL DEFAULT 1.0,"
    "  start INTEGER, stop INTEGER, sent_start INTEGER, sent_stop INTEGER,"
    "  rule TEXT NOT NULL, rule_file TEXT, rule_line INTEGER,"
    "  run_id INTEGER REFERENCES runs(id),"
    "  thread_id INTEGER REFERENCES threads(id) ON DELETE SET NULL);",
    "CREATE INDEX relations_doc ON relations(doc_id);",
    "CREATE INDEX relations_type ON relations(type, stage);",
    "CREATE INDEX relations_thread ON relations(thread_id);",
    "CREATE TABLE relation_args ("
    "  relation_id INTEGER NOT NULL REFERENCES relations(id) ON DELETE CASCADE,"
    "  role TEXT NOT NULL, ord INTEGER NOT NULL DEFAULT 0,"
    "  mention_id INTEGER, entity_id INTEGER REFERENCES entities(id),"
    "  key TEXT, value TEXT,"
    "  PRIMARY KEY (relation_id, role, ord)) WITHOUT ROWID;",
    "CREATE INDEX relation_args_key ON relation_args(key);",
    "CREATE INDEX relation_args_entity ON relation_args(entity_id);",
    "CREATE TABLE failures ("
    "  id INTEGER PRIMARY KEY, run_id INTEGER REFERENCES runs(id),"
    "  doc_id INTEGER REFERENCES documents(id) ON DELETE CASCADE,"
    "  rule TEXT, rule_file TEXT, rule_line INTEGER, offset INTEGER, message TEXT NOT NULL);",
    "CREATE INDEX failures_run ON failures(run_id);",
    NULL};

/* Recompute relation_countries for the relations whose id satisfies the
 * SQL condition `cond` (on a column named relation_id), for the triggers
 * of schema version 2 that cannot update it a row at a time. Write a single
 * relation as `relation_id = x`: an `IN (SELECT new.x)` here made SQLite
 * scan the whole table on every argument stored. */
#define RC_REFRESH(cond)                                                                           \
    "DELETE FROM relation_countries WHERE " cond ";"                                               \
    "INSERT INTO relation_countries(country, relation_id, direct)"                                 \
    "  SELECT country, relation_id, max(direct) FROM relation_arg_countries"                       \
    "   WHERE " cond " AND country IS NOT NULL"                                                    \
    "     AND EXISTS (SELECT 1 FROM relations r WHERE r.id = relation_id)"                         \
    "   GROUP BY relation_id, country;"

/* Schema version 2: the countries each relation involves, so that reports
 * select, pair and count facts by country through an index instead of
 * reading every argument with its mention and entity; and an index of
 * people and organisations by the country of their mentions. A view says what an
 * argument's country is (the rule of report.countries in entente.report);
 * triggers keep the table in step with relation_args and entities; rows go
 * with their relation (ON DELETE CASCADE). Documented in docs/SCHEMA.md. */
static const char *const SCHEMA_V2[] = {
    "CREATE VIEW relation_arg_countries AS"
    "  SELECT relation_id, role, ord,"
    "         CASE WHEN type = 'COUNTRY' AND key IS NOT NULL THEN key ELSE country END AS country,"
    "         (type = 'COUNTRY' AND key IS NOT NULL) AS direct"
    "    FROM (SELECT ra.relation_id, ra.role, ra.ord, coalesce(ra.key, e.key) AS key,"
    "                 coalesce(e.type, m.type, CASE WHEN coalesce(ra.key, e.key)"
    "                   GLOB '[A-Z][A-Z][A-Z]' THEN 'COUNTRY' END) AS type,"
    "                 coalesce(CASE WHEN json_valid(m.attrs)"
    "                   AND json_type(m.attrs, '$.country') = 'text'"
    "                   THEN json_extract(m.attrs, '$.country') END,"
    "                 CASE WHEN json_valid(coalesce(e.attrs, e2.attrs))"
    "                   AND json_type(coalesce(e.attrs, e2.attrs), '$.country') = 'text'"
    "                   THEN json_extract(coalesce(e.attrs, e2.attrs), '$.country') END) AS country"
    "            FROM relation_args ra"
    "            LEFT JOIN mentions m ON m.id = ra.mention_id"
    "            LEFT JOIN entities e ON e.id = ra.entity_id"
    "            LEFT JOIN entities e2 ON ra.entity_id IS NULL AND e2.type = m.type"
    "                                 AND e2.key = ra.key);",
    "CREATE TABLE relation_countries ("
    "  country TEXT NOT NULL,"
    "  relation_id INTEGER NOT NULL REFERENCES relations(id) ON DELETE CASCADE,"
    "  direct INTEGER NOT NULL,"
    "  PRIMARY KEY (country, relation_id)) WITHOUT ROWID;",
    "CREATE INDEX relation_countries_relation ON relation_countries(relation_id, country);",
    /* people and organisations by the country their mentions give, and
     * the documents that mention an entity without reading the mentions */
    "CREATE INDEX mentions_country ON mentions(CASE WHEN json_valid(attrs) THEN"
    "  json_extract(attrs, '$.country') END, type, key, doc_id) WHERE type IN ('PERSON', 'ORG');",
    "DROP INDEX mentions_type_key;",
    "CREATE INDEX mentions_type_key ON mentions(type, key, doc_id);",
    /* what the mentions of a person or organisation say (titles, kinds,
     * countries), each distinct text once */
    "CREATE INDEX mentions_attrs ON mentions(type, key, attrs) WHERE type IN ('PERSON', 'ORG');",
    "INSERT INTO relation_countries(country, relation_id, direct)"
    "  SELECT country, relation_id, max(direct) FROM relation_arg_countries"
    "   WHERE country IS NOT NULL GROUP BY relation_id, country;",
    /* a new argument adds its country (the common case: one upsert); one
     * that replaces an argument of the same role and position (INSERT OR
     * REPLACE, which deletes the old row without firing triggers) first
     * recomputes the relation from its other arguments */
    "CREATE TRIGGER relation_args_countries_bi BEFORE INSERT ON relation_args"
    "  WHEN EXISTS (SELECT 1 FROM relation_args WHERE relation_id = new.relation_id"
    "               AND role = new.role AND ord = new.ord) BEGIN"
    "  DELETE FROM relation_countries WHERE relation_id = new.relation_id;"
    "  INSERT INTO relation_countries(country, relation_id, direct)"
    "    SELECT country, relation_id, max(direct) FROM relation_arg_countries"
    "     WHERE relation_id = new.relation_id AND NOT (role = new.role AND ord = new.ord)"
    "       AND country IS NOT NULL GROUP BY country;"
    "END;",
    "CREATE TRIGGER relation_args_countries_ai AFTER INSERT ON relation_args BEGIN"
    "  INSERT INTO relation_countries(country, relation_id, direct)"
    "    SELECT country, relation_id, direct FROM relation_arg_countries"
    "     WHERE relation_id = new.relation_id AND role = new.role AND ord = new.ord"
    "       AND country IS NOT NULL"
    "    ON CONFLICT(country, relation_id) DO UPDATE SET direct = max(direct, excluded.direct);"
    "END;",
    "CREATE TRIGGER relation_args_countries_au AFTER UPDATE ON relation_args BEGIN " RC_REFRESH(
        "relation_id = old.relation_id") RC_REFRESH("relation_id = new.relation_id") " END;",
    "CREATE TRIGGER relation_args_countries_ad AFTER DELETE ON relation_args BEGIN " RC_REFRESH(
        "relation_id = old.relation_id") " END;",
    /* also when foreign keys are off (the sqlite3 shell), which skips ON DELETE CASCADE */
    "CREATE TRIGGER relations_countries_ad AFTER DELETE ON relations BEGIN"
    "  DELETE FROM relation_countries WHERE relation_id = old.id;"
    "END;",
    /* an entity's type, key or attrs decide the country of the arguments
     * that name it (by id, or by type and key when they have no id) */
    "CREATE TRIGGER entities_countries_ai AFTER INSERT ON entities BEGIN " RC_REFRESH(
        "relation_id IN (SELECT relation_id FROM relation_args WHERE key = new.key"
        " AND entity_id IS NULL AND mention_id IS NOT NULL)") " END;",
    "CREATE TRIGGER entities_countries_au AFTER UPDATE OF type, key, attrs ON entities "
    "BEGIN " RC_REFRESH(
        "relation_id IN (SELECT relation_id FROM relation_args WHERE entity_id = new.id"
        " UNION SELECT relation_id FROM relation_args WHERE key IN (old.key, new.key)"
        " AND entity_id IS NULL AND mention_id IS NOT NULL)") " END;",
    NULL};

/* Migration steps: MIGRATIONS[v] (statements ending with NULL) takes a store
 * from version v to v+1. */
static const char *const *const MIGRATIONS[EN_SCHEMA_VERSION] = {SCHEMA_V1, SCHEMA_V2};

int en_store_fail(en_store *st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->err, sizeof st->err, fmt, ap);
    va_end(ap);
    return -1;
}

/* Record SQLite's message for the current failure, prefixed with what we were doing. */
static int sqlfail(en_store *st, const char *what) {
    int code = sqlite3_errcode(st->db);
    if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
        return en_store_fail(st, "%s: %s: the database is locked by another process", st->path,
                             what);
    return en_store_fail(st, "%s: %s: %s", st->path, what, sqlite3_errmsg(st->db));
}

sqlite3 *en_store_db(en_store *st) {
    return st->db;
}
const char *en_store_path(const en_store *st) {
    return st->path;
}
const char *en_store_errmsg(const en_store *st) {
    return st->err;
}
int en_store_readonly(const en_store *st) {
    return (st->flags & EN_OPEN_READONLY) != 0;
}

int en_store_exec(en_store *st, const char *sql) {
    char *msg = NULL;
    if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int code = sqlite3_errcode(st->db);
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
            en_store_fail(st, "%s: the database is locked by another process", st->path);
        else
            en_store_fail(st, "%s: %s", st->path, msg ? msg : "SQL error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int pragma_int(en_store *st, const char *sql, int *out) {
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) return sqlfail(st, "pragma");
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int(s, 0);
        sqlite3_finalize(s);
        return 0;
    }
    sqlite3_finalize(s);
    return sqlfail(st, "reading the schema version");
}

/* Does the file already hold tables that are not ours? */
static int has_foreign_tables(en_store *st, int *out) {
    sqlite3_stmt *s = NULL;
    *out = 0;
    if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_schema", -1, &s, NULL) != SQLITE_OK)
        return sqlfail(st, "reading the schema");
    if (sqlite3_step(s) == SQLITE_ROW) *out = sqlite3_column_int(s, 0) > 0;
    int rc = sqlite3_errcode(st->db);
    sqlite3_finalize(s);
    if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sqlfail(st, "reading the schema");
    return 0;
}

/* Bring the schema to EN_SCHEMA_VERSION, or refuse a newer or foreign file. */
static int migrate(en_store *st) {
    int version = 0, appid = 0;
    if (pragma_int(st, "PRAGMA user_version", &version)) return -1;
    if (pragma_int(st, "PRAGMA application_id", &appid)) return -1;
    if (appid != 0 && appid != EN_APPLICATION_ID)
        return en_store_fail(st, "%s: not an entente database (application_id %d)", st->path,
                             appid);
    if (version > EN_SCHEMA_VERSION)
        return en_store_fail(st,
                             "%s: made by a newer entente (schema version %d; this build "
                             "knows up to %d); upgrade entente to open it",
                             st->path, version, EN_SCHEMA_VERSION);
    if (version == EN_SCHEMA_VERSION) return 0;
    if (version == 0 && appid == 0) {
        int foreign = 0;
        if (has_foreign_tables(st, &foreign)) return -1;
        if (foreign)
            return en_store_fail(st, "%s: not an entente database (it holds other tables)",
                                 st->path);
    }
    if (st->flags & (EN_OPEN_READONLY | EN_OPEN_NOMIGRATE))
        return en_store_fail(st,
                             "%s: schema version %d is older than %d; open it once "
                             "read-write (for example with entente ingest) to migrate it",
                             st->path, version, EN_SCHEMA_VERSION);
    if (en_store_exec(st, "BEGIN IMMEDIATE")) return -1;
    for (int v = version; v < EN_SCHEMA_VERSION; v++) {
        for (const char *const *q = MIGRATIONS[v]; *q; q++)
            if (en_store_exec(st, *q)) goto fail;
    }
    char sql[96];
    snprintf(sql, sizeof sql, "PRAGMA user_version=%d; PRAGMA application_id=%d", EN_SCHEMA_VERSION,
             EN_APPLICATION_ID);
    if (en_store_exec(st, sql)) goto fail;
    if (en_store_exec(st, "COMMIT")) goto fail;
    return 0;
fail:;
    char keep[sizeof st->err];
    memcpy(keep, st->err, sizeof keep);
    sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
    memcpy(st->err, keep, sizeof keep);
    return -1;
}

/* SQL function slice(text, start, stop): the bytes [start, stop) of text,
 * as text. SQLite's substr() counts characters; entente's offsets are
 * bytes, so reports and queries use slice(). Out-of-range offsets clamp. */
static void sql_slice(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    (void)argc;
    const unsigned char *t = sqlite3_value_text(argv[0]);
    if (!t) {
        sqlite3_result_null(ctx);
        return;
    }
    sqlite3_int64 n = sqlite3_value_bytes(argv[0]);
    sqlite3_int64 a = sqlite3_value_int64(argv[1]), b = sqlite3_value_int64(argv[2]);
    if (a < 0) a = 0;
    if (b > n) b = n;
    if (b < a) b = a;
    sqlite3_result_text64(ctx, (const char *)t + a, (sqlite3_uint64)(b - a), SQLITE_TRANSIENT,
                          SQLITE_UTF8);
}

en_store *en_store_open(const char *path, unsigned flags, char *err, size_t errlen) {
    en_store *st = calloc(1, sizeof *st);
    if (!st || !(st->path = strdup(path))) {
        if (err) snprintf(err, errlen, "%s: out of memory", path);
        free(st);
        return NULL;
    }
    st->flags = flags;
    st->fts_from = -1;
    struct stat sb;
    int exists = stat(path, &sb) == 0;
    if (!exists && !(flags & EN_OPEN_CREATE)) {
        en_store_fail(st, "%s: no such database (run 'entente ingest' first, or give --db)", path);
        goto fail;
    }
    if (exists && S_ISDIR(sb.st_mode)) {
        en_store_fail(st, "%s: is a directory, not a database", path);
        goto fail;
    }
    int oflags = (flags & EN_OPEN_READONLY) ? SQLITE_OPEN_READONLY
                                            : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    oflags |= SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path, &st->db, oflags, NULL) != SQLITE_OK) {
        en_store_fail(st, "%s: cannot open: %s", path,
                      st->db ? sqlite3_errmsg(st->db) : "out of memory");
        goto fail;
    }
    sqlite3_extended_result_codes(st->db, 0);
    sqlite3_create_function(st->db, "slice", 3, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, sql_slice,
                            NULL, NULL);
    en_sqlfn_register(st->db);
    sqlite3_busy_timeout(st->db, 5000);
    /* A file that is not SQLite fails on the first read. */
    if (en_store_exec(st, "PRAGMA foreign_keys=ON")) goto fail;
    if (!(flags & EN_OPEN_READONLY)) {
        /* 16 KiB pages (for a new file; an existing one keeps its size): news
         * articles are 2-10 KB, and with 4 KiB pages most documents rows
         * take a page of their own with a third of it unused. Bigger pages
         * pack them, writing a fifth less at ingest (docs/ARCHITECTURE.md). */
        if (en_store_exec(st, "PRAGMA page_size=16384; PRAGMA journal_mode=WAL; "
                              "PRAGMA synchronous=NORMAL"))
            goto fail;
    }
    if (en_store_exec(st, "PRAGMA cache_size=-8000; PRAGMA temp_store=MEMORY")) goto fail;
    /* Read-only stores (reports, queries) map the file: report queries
     * look rows up all over large tables, and through mmap instead of
     * read() they take up to a third less time on a 2 GB store. The mapped
     * pages count in the process's resident memory (docs/PERFORMANCE.md). */
    if ((flags & EN_OPEN_READONLY) && en_store_exec(st, "PRAGMA mmap_size=2147418112")) goto fail;
    int dummy;
    if (pragma_int(st, "PRAGMA user_version", &dummy)) {
        if (strstr(st->err, "file is not a database") || strstr(st->err, "not a database"))
            en_store_fail(st, "%s: not a database (not an SQLite file)", path);
        goto fail;
    }
    if (migrate(st)) goto fail;
    /* where the writer stages a document's relation arguments (result.c);
     * made here, outside any transaction and before any statement runs:
     * a table made while a query is reading would abort that query */
    if (!(flags & EN_OPEN_READONLY) &&
        en_store_exec(st, "CREATE TEMP TABLE en_args_stage(relation_id, role, ord, mention_id, "
                          "entity_id, key, value)"))
        goto fail;
    return st;
fail:
    if (err) snprintf(err, errlen, "%s", st->err);
    en_store_close(st);
    return NULL;
}

void en_store_close(en_store *st) {
    if (!st) return;
    for (int i = 0; i < st->ncache; i++) sqlite3_finalize(st->cache[i].stmt);
    if (st->db) {
        if (st->depth > 0) sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
        st->depth = 0;
        sqlite3_close(st->db);
    }
    free(st->dirty);
    en_store_memo_clear(st);
    free(st->memo);
    free(st->path);
    free(st);
}

/* Transactions nest: the outermost level is BEGIN IMMEDIATE ... COMMIT, inner
 * levels are savepoints, so a failed inner step (one document) can be undone
 * without losing the outer batch. */
void en_store_set_bulk(en_store *st, int on) {
    st->bulk = on;
    /* Bulk work writes far more than the default cache and checkpoint
     * interval are sized for: a bigger page cache keeps the batch's pages
     * for FTS indexing at commit, and checkpointing every 40 MB of WAL
     * instead of every 4 MB writes pages that batches touch again (index
     * and FTS segment pages) to the database file once, not once per batch. */
    if (on)
        sqlite3_exec(st->db, "PRAGMA cache_size=-32000; PRAGMA wal_autocheckpoint=10000", NULL,
                     NULL, NULL);
    else
        sqlite3_exec(st->db, "PRAGMA cache_size=-8000; PRAGMA wal_autocheckpoint=1000", NULL, NULL,
                     NULL);
}

/* Recompute a thread's furthest stage and first and last dates from its
 * relations (a relation's date, else its document's date). */
/* (left unformatted: clang-format breaks string literals around a macro) */
/* clang-format off */
static const char REFRESH_THREAD[] =
    "UPDATE threads SET "
    " stage = (SELECT r.stage FROM relations r WHERE r.thread_id = ?1 AND r.stage IS NOT NULL"
    "   ORDER BY " EN_SQL_STAGE_RANK("r.stage") " DESC LIMIT 1),"
    " first_date = (SELECT min(coalesce(r.date, d.date)) FROM relations r"
    "   JOIN documents d ON d.id = r.doc_id WHERE r.thread_id = ?1"
    "   AND coalesce(r.date, d.date) GLOB '[0-9]*'),"
    " last_date = (SELECT max(coalesce(r.date, d.date)) FROM relations r"
    "   JOIN documents d ON d.id = r.doc_id WHERE r.thread_id = ?1"
    "   AND coalesce(r.date, d.date) GLOB '[0-9]*')"
    " WHERE id = ?1";
/* clang-format on */

static int refresh_thread(en_store *st, int64_t tid) {
    sqlite3_stmt *s = en_store_stmt(st, REFRESH_THREAD);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, tid);
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE) return sqlfail(st, "updating a thread");
    return 0;
}

int en_store_mark_thread(en_store *st, int64_t tid) {
    if (st->depth <= 0) return refresh_thread(st, tid);
    if (st->ndirty == st->dirty_cap) {
        size_t cap = st->dirty_cap ? st->dirty_cap * 2 : 64;
        int64_t *v = realloc(st->dirty, cap * sizeof *v);
        if (!v) return en_store_fail(st, "out of memory");
        st->dirty = v;
        st->dirty_cap = cap;
    }
    st->dirty[st->ndirty++] = tid;
    return 0;
}

int en_store_mark_doc_threads(en_store *st, int64_t doc) {
    sqlite3_stmt *t = en_store_stmt(
        st, "SELECT DISTINCT thread_id FROM relations WHERE doc_id = ? AND thread_id IS NOT NULL");
    if (!t) return -1;
    sqlite3_bind_int64(t, 1, doc);
    int rc;
    while ((rc = sqlite3_step(t)) == SQLITE_ROW) {
        if (en_store_mark_thread(st, sqlite3_column_int64(t, 0))) {
            sqlite3_reset(t);
            return -1;
        }
    }
    sqlite3_reset(t);
    if (rc != SQLITE_DONE) return sqlfail(st, "reading threads");
    return 0;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Recount every marked thread once (at the outermost commit). */
static int refresh_dirty(en_store *st) {
    qsort(st->dirty, st->ndirty, sizeof *st->dirty, cmp_i64);
    for (size_t i = 0; i < st->ndirty; i++) {
        if (i > 0 && st->dirty[i] == st->dirty[i - 1]) continue;
        if (refresh_thread(st, st->dirty[i])) return -1;
    }
    st->ndirty = 0;
    return 0;
}

int en_store_begin(en_store *st) {
    char sql[48];
    if (st->depth > 0 && st->bulk) {
        st->depth++;
        return 0;
    }
    if (st->depth == 0)
        snprintf(sql, sizeof sql, "BEGIN IMMEDIATE");
    else
        snprintf(sql, sizeof sql, "SAVEPOINT en_sp%d", st->depth);
    if (en_store_exec(st, sql)) return -1;
    st->depth++;
    return 0;
}

int en_store_commit(en_store *st) {
    char sql[48];
    if (st->depth <= 0) return en_store_fail(st, "%s: commit without begin", st->path);
    if (st->depth > 1 && st->bulk) {
        st->depth--;
        return 0;
    }
    if (st->depth == 1 && st->poisoned) {
        en_store_rollback(st);
        return en_store_fail(st, "%s: the batch was rolled back after an error", st->path);
    }
    if (st->depth == 1 && st->ndirty > 0 && refresh_dirty(st)) {
        char keep[sizeof st->err];
        memcpy(keep, st->err, sizeof keep);
        en_store_rollback(st);
        memcpy(st->err, keep, sizeof keep);
        return -1;
    }
    if (st->depth == 1 && st->fts_from >= 0) {
        /* Index the transaction's new documents in one statement: FTS5
         * flushes its pending terms at every statement savepoint, so
         * indexing row by row would write a segment per document. */
        sqlite3_stmt *f = en_store_stmt(st, "INSERT INTO documents_fts(rowid, title, text) "
                                            "SELECT id, title, text FROM documents WHERE id > ?");
        int frc = f ? SQLITE_OK : SQLITE_ERROR;
        if (f) {
            sqlite3_bind_int64(f, 1, st->fts_from);
            frc = sqlite3_step(f);
            sqlite3_reset(f);
        }
        st->fts_from = -1;
        if (frc != SQLITE_DONE) {
            char keep[sizeof st->err];
            if (f) sqlfail(st, "indexing new documents");
            memcpy(keep, st->err, sizeof keep);
            en_store_rollback(st);
            memcpy(st->err, keep, sizeof keep);
            return -1;
        }
    }
    if (st->depth == 1)
        snprintf(sql, sizeof sql, "COMMIT");
    else
        snprintf(sql, sizeof sql, "RELEASE en_sp%d", st->depth - 1);
    if (en_store_exec(st, sql)) {
        char keep[sizeof st->err];
        memcpy(keep, st->err, sizeof keep);
        en_store_rollback(st);
        memcpy(st->err, keep, sizeof keep);
        return -1;
    }
    st->depth--;
    return 0;
}

/* Undo the innermost open level; keeps the store's error message. */
int en_store_rollback(en_store *st) {
    char sql[64];
    if (st->depth <= 0) return 0;
    if (st->depth > 1 && st->bulk) {
        st->depth--;
        st->poisoned = 1;
        return 0;
    }
    st->depth--;
    en_store_memo_clear(st); /* it may name rows the rollback took away */
    if (st->depth == 0) {
        st->poisoned = 0;
        st->fts_from = -1;
        st->ndirty = 0;
    }
    if (st->depth == 0)
        snprintf(sql, sizeof sql, "ROLLBACK");
    else
        snprintf(sql, sizeof sql, "ROLLBACK TO en_sp%d; RELEASE en_sp%d", st->depth, st->depth);
    sqlite3_exec(st->db, sql, NULL, NULL, NULL);
    return 0;
}

sqlite3_stmt *en_store_stmt(en_store *st, const char *sql) {
    /* Callers pass static SQL, so the pointer finds the entry; the text is
     * compared only when no pointer matches. */
    int hit = -1;
    for (int i = 0; i < st->ncache && hit < 0; i++)
        if (st->cache[i].sql == sql) hit = i;
    for (int i = 0; i < st->ncache && hit < 0; i++)
        if (strcmp(st->cache[i].sql, sql) == 0) hit = i;
    if (hit >= 0) {
        sqlite3_stmt *s = st->cache[hit].stmt;
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        return s;
    }
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL) != SQLITE_OK) {
        sqlfail(st, "preparing a statement");
        return NULL;
    }
    if (st->ncache < STMT_CACHE) {
        st->cache[st->ncache].sql = sql;
        st->cache[st->ncache].stmt = s;
        st->ncache++;
    } else {
        /* Full: evict the oldest entry. Callers use static SQL, so the cache
         * never fills in practice; this keeps it bounded anyway. */
        sqlite3_finalize(st->cache[0].stmt);
        memmove(&st->cache[0], &st->cache[1], sizeof st->cache[0] * (STMT_CACHE - 1));
        st->cache[STMT_CACHE - 1].sql = sql;
        st->cache[STMT_CACHE - 1].stmt = s;
    }
    return s;
}

/* ---- the memo -------------------------------------------------------------- */

static uint64_t memo_hash(const char *k, size_t n) {
    uint64_t h = 1469598103934665603u; /* FNV-1a */
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)k[i];
        h *= 1099511628211u;
    }
    return h;
}

/* The slot of key k (its own, or the empty one where it would go). */
static en_memo_slot *memo_find(const en_store *st, const char *k, size_t n, uint64_t h) {
    size_t mask = st->memo_cap - 1;
    for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
        en_memo_slot *e = &st->memo[i];
        if (!e->key || (e->hash == h && e->len == n && memcmp(e->key, k, n) == 0)) return e;
    }
}

void en_store_memo_clear(en_store *st) {
    for (size_t i = 0; i < st->memo_cap && st->memo_used > 0; i++) {
        if (st->memo[i].key) {
            free(st->memo[i].key);
            st->memo[i].key = NULL;
            st->memo_used--;
        }
    }
    st->memo_used = 0;
}

int en_store_memo_get(const en_store *st, const char *key, size_t len, int64_t *id, int64_t *aux) {
    if (st->memo_used == 0) return 0;
    const en_memo_slot *e = memo_find(st, key, len, memo_hash(key, len));
    if (!e->key) return 0;
    if (id) *id = e->id;
    if (aux) *aux = e->aux;
    return 1;
}

int en_store_memo_put(en_store *st, const char *key, size_t len, int64_t id, int64_t aux) {
    if (st->memo_used >= MEMO_MAX) en_store_memo_clear(st);
    if ((st->memo_used + 1) * 2 > st->memo_cap) { /* keep it at most half full */
        size_t cap = st->memo_cap ? st->memo_cap * 2 : 1024;
        en_memo_slot *old = st->memo, *fresh = calloc(cap, sizeof *fresh);
        size_t oldcap = st->memo_cap;
        if (!fresh) return en_store_fail(st, "out of memory");
        st->memo = fresh;
        st->memo_cap = cap;
        for (size_t i = 0; i < oldcap; i++)
            if (old[i].key) *memo_find(st, old[i].key, old[i].len, old[i].hash) = old[i];
        free(old);
    }
    uint64_t h = memo_hash(key, len);
    en_memo_slot *e = memo_find(st, key, len, h);
    if (!e->key) {
        char *k = malloc(len ? len : 1);
        if (!k) return en_store_fail(st, "out of memory");
        memcpy(k, key, len);
        e->key = k;
        e->len = len;
        e->hash = h;
        st->memo_used++;
    }
    e->id = id;
    e->aux = aux;
    return 0;
}

void en_now_iso(char buf[32]) {
    time_t t = time(NULL);
    struct tm tmv;
    gmtime_r(&t, &tmv);
    strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tmv);
}

static void bind_text(sqlite3_stmt *s, int i, const char *v) {
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

/* Replace the marked spans of document id (a new document has none to
 * delete: that statement is skipped, it cost an index probe per file). */
static int put_spans(en_store *st, int64_t id, const en_docrec *d, int is_new) {
    if (!is_new) {
        sqlite3_stmt *del = en_store_stmt(st, "DELETE FROM doc_spans WHERE doc_id=?");
        if (!del) return -1;
        sqlite3_bind_int64(del, 1, id);
        if (sqlite3_step(del) != SQLITE_DONE) return sqlfail(st, "deleting spans");
    }
    if (d->nspans == 0) return 0;
    sqlite3_stmt *ins =
        en_store_stmt(st, "INSERT OR REPLACE INTO doc_spans(doc_id,start,stop,kind) "
                          "VALUES (?,?,?,?)");
    if (!ins) return -1;
    for (size_t i = 0; i < d->nspans; i++) {
        sqlite3_reset(ins);
        sqlite3_bind_int64(ins, 1, id);
        sqlite3_bind_int64(ins, 2, d->spans[i].start);
        sqlite3_bind_int64(ins, 3, d->spans[i].stop);
        bind_text(ins, 4, d->spans[i].kind);
        if (sqlite3_step(ins) != SQLITE_DONE) return sqlfail(st, "storing spans");
    }
    return 0;
}

/* Drop what extraction found in document id (its content changed); the
 * threads its relations belonged to are recounted at commit. */
static int drop_results(en_store *st, int64_t id) {
    if (en_store_mark_doc_threads(st, id)) return -1;
    static const char *const sql[] = {
        "DELETE FROM relations WHERE doc_id=?",
        "DELETE FROM mentions WHERE doc_id=?",
        "DELETE FROM extractions WHERE doc_id=?",
        "DELETE FROM failures WHERE doc_id=?",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *s = en_store_stmt(st, sql[i]);
        if (!s) return -1;
        sqlite3_bind_int64(s, 1, id);
        if (sqlite3_step(s) != SQLITE_DONE) return sqlfail(st, "dropping old results");
    }
    return 0;
}

static void bind_doc(sqlite3_stmt *s, const en_docrec *d, const char *now) {
    bind_text(s, 1, d->uri);
    bind_text(s, 2, d->name);
    bind_text(s, 3, d->hash);
    bind_text(s, 4, d->title);
    bind_text(s, 5, d->date);
    bind_text(s, 6, d->source);
    bind_text(s, 7, d->url);
    bind_text(s, 8, d->lang);
    bind_text(s, 9, d->place);
    bind_text(s, 10, d->agency);
    sqlite3_bind_text64(s, 11, d->text, d->text_len, SQLITE_STATIC, SQLITE_UTF8);
    sqlite3_bind_int64(s, 12, (sqlite3_int64)d->text_len);
    bind_text(s, 13, d->meta);
    bind_text(s, 14, now);
}

int en_store_put_document(en_store *st, const en_docrec *d, en_putresult *result, int64_t *id) {
    if (en_store_readonly(st)) return en_store_fail(st, "%s: opened read-only", st->path);
    sqlite3_stmt *s = en_store_stmt(st, "SELECT id FROM documents WHERE hash=? LIMIT 1");
    if (!s) return -1;
    bind_text(s, 1, d->hash);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(s, 0);
        *result = EN_PUT_UNCHANGED;
        sqlite3_reset(s);
        return 0;
    }
    if (rc != SQLITE_DONE) return sqlfail(st, "looking up a document");
    sqlite3_reset(s);

    char now[32];
    en_now_iso(now);
    if (en_store_begin(st)) return -1;
    /* Insert first: the UNIQUE index on uri does the lookup as part of the
     * insert, so a new document costs no separate probe. Nothing inserted
     * means the uri is known: the content changed, update in place. */
    sqlite3_stmt *ins = en_store_stmt(
        st, "INSERT INTO documents(uri,name,hash,title,date,source,url,lang,place,agency,"
            "text,bytes,meta,ingested_at,updated_at) "
            "VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?14) "
            "ON CONFLICT(uri) DO NOTHING");
    if (!ins) goto fail;
    bind_doc(ins, d, now);
    if (sqlite3_step(ins) != SQLITE_DONE) {
        sqlfail(st, "storing a document");
        goto fail;
    }
    if (sqlite3_changes(st->db) > 0) {
        *id = sqlite3_last_insert_rowid(st->db);
        *result = EN_PUT_ADDED;
        /* new rows get ids above every existing one: index them at commit */
        if (st->fts_from < 0) st->fts_from = *id - 1;
    } else {
        s = en_store_stmt(st, "SELECT id FROM documents WHERE uri=?");
        if (!s) goto fail;
        bind_text(s, 1, d->uri);
        if (sqlite3_step(s) != SQLITE_ROW) {
            sqlfail(st, "looking up a document");
            goto fail;
        }
        int64_t old = sqlite3_column_int64(s, 0);
        sqlite3_reset(s);
        if (drop_results(st, old)) goto fail;
        sqlite3_stmt *u = en_store_stmt(
            st, "UPDATE documents SET uri=?1, name=?2, hash=?3, title=?4, date=?5, source=?6, "
                "url=?7, lang=?8, place=?9, agency=?10, text=?11, bytes=?12, meta=?13, "
                "updated_at=?14 WHERE id=?15");
        if (!u) goto fail;
        bind_doc(u, d, now);
        sqlite3_bind_int64(u, 15, old);
        if (sqlite3_step(u) != SQLITE_DONE) {
            sqlfail(st, "updating a document");
            goto fail;
        }
        *id = old;
        *result = EN_PUT_UPDATED;
    }
    if (put_spans(st, *id, d, *result == EN_PUT_ADDED)) goto fail;
    return en_store_commit(st);
fail:
    en_store_rollback(st); /* only our level: an outer batch goes on */
    return -1;
}

static int count(en_store *st, const char *sql, int64_t *out) {
    sqlite3_stmt *s = en_store_stmt(st, sql);
    if (!s) return -1;
    if (sqlite3_step(s) != SQLITE_ROW) return sqlfail(st, "counting");
    *out = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    return 0;
}

int en_store_stats(en_store *st, en_storestats *o) {
    memset(o, 0, sizeof *o);
    if (count(st, "SELECT count(*), 0 FROM documents", &o->documents) ||
        count(st, "SELECT coalesce(sum(bytes),0) FROM documents", &o->bytes) ||
        count(st, "SELECT count(*) FROM mentions", &o->mentions) ||
        count(st, "SELECT count(*) FROM entities", &o->entities) ||
        count(st, "SELECT count(*) FROM relations", &o->relations) ||
        count(st, "SELECT count(*) FROM runs", &o->runs) ||
        count(st, "SELECT count(*) FROM extractions", &o->extracted))
        return -1;
    return 0;
}
