/*
 * store.h: the SQLite store of entente.
 *
 * One file holds the corpus (documents, their marked spans and the FTS5
 * index) and everything extraction finds (entities, mentions, relations and
 * their arguments, threads, runs, rule-pack versions, failures). The schema
 * is versioned by PRAGMA user_version and migrated forward on open; a file
 * made by a newer entente is refused. See docs/SCHEMA.md.
 *
 * Errors: functions return 0 on success and -1 on failure, with a message
 * in the store (en_store_errmsg). No function raises or longjmps, so the
 * Lua bindings can call them from protected code and raise afterwards.
 */
#ifndef ENTENTE_STORE_H
#define ENTENTE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <sqlite3.h>

#define EN_SCHEMA_VERSION 2
#define EN_APPLICATION_ID 0x456e7465 /* "Ente" */

typedef struct en_store en_store;

enum {
    EN_OPEN_READONLY = 1u << 0, /* never write; the file must exist */
    EN_OPEN_CREATE = 1u << 1,   /* create the file when it does not exist */
    EN_OPEN_NOMIGRATE = 1u << 2 /* do not migrate an older schema (read as is) */
};

/* Open (or create) the store at path. On failure returns NULL and writes a
 * message naming the file into err (which may be NULL). */
en_store *en_store_open(const char *path, unsigned flags, char *err, size_t errlen);
void en_store_close(en_store *st);

sqlite3 *en_store_db(en_store *st);
const char *en_store_path(const en_store *st);
const char *en_store_errmsg(const en_store *st);
int en_store_readonly(const en_store *st);

/* Record an error message (printf-style) in the store; returns -1. */
int en_store_fail(en_store *st, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Transactions nest: the outermost begin is BEGIN IMMEDIATE, inner ones are
 * savepoints. rollback undoes the innermost open level only. */
int en_store_begin(en_store *st);
/* Bulk mode: inside a transaction, inner begin/commit are no-ops instead
 * of savepoints (a savepoint makes SQLite copy every page it touches, which
 * triples the cost of bulk loading). An inner rollback then poisons the
 * outer transaction, whose commit rolls everything back and fails: a batch
 * is stored whole or not at all. */
void en_store_set_bulk(en_store *st, int on);
int en_store_commit(en_store *st);

/* Mark a thread whose relations changed in ways an incremental update
 * cannot follow (some were deleted): its summary (furthest stage, first and
 * last dates) is recounted from its relations once, at the outermost
 * commit, however many documents of the batch touched it. Outside a
 * transaction, recounts at once. Returns 0, or -1 (error in the store). */
int en_store_mark_thread(en_store *st, int64_t tid);

/* SQL for the rank of a stage expression x (a string literal): intent 1 up
 * to delivery 5, anything else 0. */
#define EN_SQL_STAGE_RANK(x)                                                                       \
    "(CASE " x " WHEN 'delivery' THEN 5 WHEN 'contract' THEN 4 WHEN 'framework' THEN 3"            \
    " WHEN 'talks' THEN 2 WHEN 'intent' THEN 1 ELSE 0 END)"

/* Mark every thread that relations of document doc belong to (before they
 * are deleted). Returns 0, or -1 (error in the store). */
int en_store_mark_doc_threads(en_store *st, int64_t doc);
int en_store_rollback(en_store *st);

/* Execute SQL without results (schema, pragmas). */
int en_store_exec(en_store *st, const char *sql);

/* A cached prepared statement for sql (reset and with bindings cleared).
 * The store owns it; do not finalize. NULL on error. */
sqlite3_stmt *en_store_stmt(en_store *st, const char *sql);

/* The memo: ids the writer has already looked up or made (an entity's id
 * by type and key, a thread's by key, aliases stored), so that a document
 * naming a known entity costs no statement. Keys are bytes; each entry
 * holds an id and one more number. Any rollback empties it, since it may
 * name rows the rollback took away, and so does reaching a million
 * entries. get returns 1 when the key is known, else 0; put returns 0, or
 * -1 when out of memory. */
typedef struct en_memo_slot en_memo_slot;
int en_store_memo_get(const en_store *st, const char *key, size_t len, int64_t *id, int64_t *aux);
int en_store_memo_put(en_store *st, const char *key, size_t len, int64_t id, int64_t aux);
void en_store_memo_clear(en_store *st);

/* ---- documents ---------------------------------------------------- */

typedef struct en_docspan {
    uint32_t start, stop;
    const char *kind; /* "dateline", "signoff", "boilerplate" */
} en_docspan;

typedef struct en_docrec {
    const char *uri;  /* identity of the source: absolute path, or path#id */
    const char *name; /* base name shown in fact sheets */
    const char *hash; /* content hash, hex */
    const char *title, *date, *source, *url, *lang, *place, *agency; /* may be NULL */
    const char *text;
    size_t text_len;
    const char *meta; /* JSON object text, may be NULL */
    const en_docspan *spans;
    size_t nspans;
} en_docrec;

typedef enum en_putresult {
    EN_PUT_ADDED = 1,
    EN_PUT_UPDATED,  /* same uri, new content: extraction results dropped */
    EN_PUT_UNCHANGED /* this content is already stored */
} en_putresult;

/* Store one document. Identity is the content hash: content already stored
 * (under any uri) is left alone. New content under a known uri replaces the
 * old document in place (same id) and drops its extraction results.
 * Returns 0 and sets *result and *id, or -1. */
int en_store_put_document(en_store *st, const en_docrec *d, en_putresult *result, int64_t *id);

/* Counts for `entente stats`. */
typedef struct en_storestats {
    int64_t documents, bytes, mentions, entities, relations, runs, extracted;
} en_storestats;
int en_store_stats(en_store *st, en_storestats *out);

/* Current UTC time as ISO 8601 text ("2026-11-23T10:11:12Z"). */
void en_now_iso(char buf[32]);

#endif
