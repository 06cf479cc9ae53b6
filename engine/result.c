/*
 * result.c: extraction results: the arena they live in, and the writer
 * that stores one document's results atomically.
 */
#include "result.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

typedef struct en_chunk {
    struct en_chunk *next;
    size_t used, cap;
    max_align_t data[];
} en_chunk;

en_result *en_result_new(void) {
    return calloc(1, sizeof(en_result));
}

void en_result_free(en_result *r) {
    if (!r) return;
    en_chunk *c = r->arena;
    while (c) {
        en_chunk *n = c->next;
        free(c);
        c = n;
    }
    free(r);
}

void *en_result_alloc(en_result *r, size_t n) {
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    en_chunk *c = r->arena;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 16384 ? n : 16384;
        en_chunk *nc = malloc(sizeof *nc + cap);
        if (!nc) return NULL;
        nc->next = r->arena;
        nc->used = 0;
        nc->cap = cap;
        r->arena = nc;
        c = nc;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    memset(p, 0, n);
    return p;
}

const char *en_result_str(en_result *r, const char *s, size_t n, int *oom) {
    if (!s) return NULL;
    char *d = en_result_alloc(r, n + 1);
    if (!d) {
        *oom = 1;
        return NULL;
    }
    memcpy(d, s, n);
    d[n] = 0;
    return d;
}

/* ---- the writer ------------------------------------------------------------- */

static int fail_sql(en_store *st, const char *what) {
    return en_store_fail(st, "%s: %s: %s", en_store_path(st), what,
                         sqlite3_errmsg(en_store_db(st)));
}

static void bind_str(sqlite3_stmt *s, int i, const char *v) {
    if (v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

static int step_done(en_store *st, sqlite3_stmt *s, const char *what) {
    if (sqlite3_step(s) != SQLITE_DONE) return fail_sql(st, what);
    return 0;
}

/* A memo key: a tag byte, then parts separated by NUL bytes. */
static size_t memo_key(en_buf *k, char tag, const char *a, const char *b) {
    k->len = 0;
    if (en_buf_append(k, &tag, 1) || en_buf_append(k, a, strlen(a) + 1) ||
        (b && en_buf_append(k, b, strlen(b))))
        return 0;
    return k->len;
}

/* The id of entity (type, key), created when missing; its name is kept as
 * the longest name seen. Adds the alias (folded) when given. The store's
 * memo remembers ids, the longest name stored and the aliases stored, so
 * that an entity seen before costs no statement. */
static int entity_id(en_store *st, en_buf *k, const char *type, const char *key, const char *name,
                     const char *alias, int64_t *id) {
    size_t klen = memo_key(k, 'E', type, key);
    if (!klen) return en_store_fail(st, "out of memory");
    int64_t known_len = -1;
    size_t name_len = name ? strlen(name) : 0;
    if (!en_store_memo_get(st, k->data, klen, id, &known_len) ||
        (name && (int64_t)name_len > known_len)) {
        sqlite3_stmt *s = en_store_stmt(
            st, "INSERT INTO entities(type, key, name) VALUES (?1, ?2, ?3) "
                "ON CONFLICT(type, key) DO UPDATE SET name = excluded.name "
                "WHERE excluded.name IS NOT NULL AND (entities.name IS NULL OR "
                "length(excluded.name) > length(entities.name)) RETURNING id, length(name)");
        if (!s) return -1;
        bind_str(s, 1, type);
        bind_str(s, 2, key);
        bind_str(s, 3, name);
        int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *id = sqlite3_column_int64(s, 0);
            known_len = sqlite3_column_type(s, 1) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 1);
            rc = sqlite3_step(s);
        } else if (rc == SQLITE_DONE) {
            /* the stored name is as long: no row came back */
            sqlite3_reset(s);
            s = en_store_stmt(st,
                              "SELECT id, length(name) FROM entities WHERE type = ?1 AND key = ?2");
            if (!s) return -1;
            bind_str(s, 1, type);
            bind_str(s, 2, key);
            if (sqlite3_step(s) != SQLITE_ROW) return fail_sql(st, "finding an entity");
            *id = sqlite3_column_int64(s, 0);
            known_len = sqlite3_column_type(s, 1) == SQLITE_NULL ? 0 : sqlite3_column_int64(s, 1);
            rc = SQLITE_DONE;
        }
        sqlite3_reset(s);
        if (rc != SQLITE_DONE) return fail_sql(st, "storing an entity");
        /* length() counts characters, name_len bytes: remember the larger,
         * so a name is offered again only when it is longer in bytes */
        if ((int64_t)name_len > known_len) known_len = (int64_t)name_len;
        if (!memo_key(k, 'E', type, key) || en_store_memo_put(st, k->data, k->len, *id, known_len))
            return en_store_fail(st, "out of memory");
    }
    if (alias && *alias) {
        char eid[24];
        snprintf(eid, sizeof eid, "%lld", (long long)*id);
        klen = memo_key(k, 'A', eid, alias);
        if (!klen) return en_store_fail(st, "out of memory");
        if (en_store_memo_get(st, k->data, klen, NULL, NULL)) return 0;
        en_buf f = {0};
        if (en_fold(alias, strlen(alias), &f)) {
            en_buf_free(&f);
            return en_store_fail(st, "out of memory");
        }
        sqlite3_stmt *s = en_store_stmt(st, "INSERT OR IGNORE INTO entity_aliases(entity_id, "
                                            "folded, alias) VALUES (?1, ?2, ?3)");
        if (!s) {
            en_buf_free(&f);
            return -1;
        }
        sqlite3_bind_int64(s, 1, *id);
        sqlite3_bind_text(s, 2, f.data ? f.data : "", (int)f.len, SQLITE_TRANSIENT);
        bind_str(s, 3, alias);
        int rc = step_done(st, s, "storing an alias");
        en_buf_free(&f);
        if (rc) return -1;
        if (en_store_memo_put(st, k->data, klen, *id, 0)) return -1;
    }
    return 0;
}

/* Fold one new relation into its thread's summary: the furthest stage,
 * and the first and last dates (the relation's date, else its document's,
 * when it starts with a digit). Adding can only raise the stage and widen
 * the dates, so this is exact; deletions mark the thread for a recount. */
/* (left unformatted: clang-format breaks string literals around a macro) */
/* clang-format off */
static const char EXTEND_THREAD[] =
    "UPDATE threads SET"
    " stage = CASE WHEN ?2 IS NOT NULL AND (stage IS NULL OR"
    "   " EN_SQL_STAGE_RANK("?2") " > " EN_SQL_STAGE_RANK("stage") ")"
    "   THEN ?2 ELSE stage END,"
    " first_date = CASE WHEN ?3 IS NOT NULL AND (first_date IS NULL OR ?3 < first_date)"
    "   THEN ?3 ELSE first_date END,"
    " last_date = CASE WHEN ?3 IS NOT NULL AND (last_date IS NULL OR ?3 > last_date)"
    "   THEN ?3 ELSE last_date END"
    " WHERE id = ?1";
/* clang-format on */

static int extend_thread(en_store *st, int64_t tid, const char *stage, const char *date) {
    sqlite3_stmt *s = en_store_stmt(st, EXTEND_THREAD);
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, tid);
    bind_str(s, 2, stage);
    if (date && *date >= '0' && *date <= '9')
        bind_str(s, 3, date);
    else
        sqlite3_bind_null(s, 3);
    return step_done(st, s, "updating a thread");
}

/* The document's date (NULL when it has none); *buf is freed by the caller. */
static int doc_date(en_store *st, int64_t doc, char **buf) {
    *buf = NULL;
    sqlite3_stmt *s = en_store_stmt(st, "SELECT date FROM documents WHERE id = ?");
    if (!s) return -1;
    sqlite3_bind_int64(s, 1, doc);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW && sqlite3_column_type(s, 0) == SQLITE_TEXT) {
        const char *d = (const char *)sqlite3_column_text(s, 0);
        *buf = d ? strdup(d) : NULL;
        if (d && !*buf) {
            sqlite3_reset(s);
            return en_store_fail(st, "out of memory");
        }
    }
    sqlite3_reset(s);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return fail_sql(st, "reading a document date");
    return 0;
}

/* Relation arguments are staged in a temporary table and stored with one
 * INSERT ... SELECT per document. The triggers on relation_args (which keep
 * relation_countries) make SQLite open a statement journal for every
 * statement that writes the table, and with 16 KiB pages that copied each
 * page the row touched: row by row, storing the arguments took about 16 us
 * each, more than the mentions and relations together; in one statement
 * per document the same triggers run the same way at a third of that. The
 * stage is emptied before each document, so rows left by a document that
 * failed half-way (whose batch is rolled back) never reach another. */
static int stage_args_begin(en_store *st) {
    /* the stage itself is made when the store is opened (store.c) */
    sqlite3_stmt *s = en_store_stmt(st, "DELETE FROM temp.en_args_stage");
    return s ? step_done(st, s, "emptying the argument stage") : -1;
}

static int stage_args_flush(en_store *st) {
    sqlite3_stmt *s = en_store_stmt(
        st, "INSERT OR REPLACE INTO relation_args(relation_id, role, ord, mention_id, "
            "entity_id, key, value) SELECT relation_id, role, ord, mention_id, "
            "entity_id, key, value FROM temp.en_args_stage ORDER BY rowid");
    return s ? step_done(st, s, "storing relation arguments") : -1;
}

static int put(en_store *st, en_buf *k, const en_result *r, const char *rulepack_hash,
               int64_t run_id, int64_t *mids, const char *date) {
    static const char *const drop[] = {
        "DELETE FROM relations WHERE doc_id = ?",
        "DELETE FROM mentions WHERE doc_id = ?",
        "DELETE FROM failures WHERE doc_id = ?",
    };
    if (en_store_mark_doc_threads(st, r->doc_id)) return -1;
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++) {
        sqlite3_stmt *s = en_store_stmt(st, drop[i]);
        if (!s) return -1;
        sqlite3_bind_int64(s, 1, r->doc_id);
        if (step_done(st, s, "dropping old results")) return -1;
    }
    if (r->nrelations && stage_args_begin(st)) return -1;
    sqlite3_stmt *ins;
    for (size_t i = 0; i < r->nmentions; i++) {
        const en_rmention *m = &r->mentions[i];
        int64_t eid = 0;
        int has_entity = m->key && *m->key;
        if (has_entity && entity_id(st, k, m->type, m->key, m->name, m->text, &eid)) return -1;
        ins = en_store_stmt(
            st, "INSERT INTO mentions(doc_id, type, key, entity_id, start, stop, sent_start, "
                "sent_stop, text, attrs, score, rule, rule_file, rule_line, run_id) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        if (!ins) return -1;
        sqlite3_bind_int64(ins, 1, r->doc_id);
        bind_str(ins, 2, m->type);
        bind_str(ins, 3, m->key);
        if (has_entity)
            sqlite3_bind_int64(ins, 4, eid);
        else
            sqlite3_bind_null(ins, 4);
        sqlite3_bind_int64(ins, 5, m->start);
        sqlite3_bind_int64(ins, 6, m->stop);
        sqlite3_bind_int64(ins, 7, m->sent_start);
        sqlite3_bind_int64(ins, 8, m->sent_stop);
        bind_str(ins, 9, m->text);
        bind_str(ins, 10, m->attrs);
        sqlite3_bind_double(ins, 11, m->score);
        bind_str(ins, 12, m->rule);
        bind_str(ins, 13, m->file);
        sqlite3_bind_int(ins, 14, m->line);
        if (run_id > 0)
            sqlite3_bind_int64(ins, 15, run_id);
        else
            sqlite3_bind_null(ins, 15);
        if (step_done(st, ins, "storing a mention")) return -1;
        mids[i] = sqlite3_last_insert_rowid(en_store_db(st));
    }
    for (size_t i = 0; i < r->nrelations; i++) {
        const en_rrelation *x = &r->relations[i];
        int64_t tid = 0;
        size_t klen = x->thread ? memo_key(k, 'T', x->thread, NULL) : 0;
        if (x->thread && !klen) return en_store_fail(st, "out of memory");
        if (x->thread && !en_store_memo_get(st, k->data, klen, &tid, NULL)) {
            sqlite3_stmt *t = en_store_stmt(st, "INSERT INTO threads(type, key, subject) "
                                                "VALUES (?1, ?2, ?3) ON CONFLICT(key) DO NOTHING");
            if (!t) return -1;
            bind_str(t, 1, x->type);
            bind_str(t, 2, x->thread);
            bind_str(t, 3, x->subject);
            if (step_done(st, t, "storing a thread")) return -1;
            t = en_store_stmt(st, "SELECT id FROM threads WHERE key = ?");
            if (!t) return -1;
            bind_str(t, 1, x->thread);
            if (sqlite3_step(t) != SQLITE_ROW) return fail_sql(st, "finding a thread");
            tid = sqlite3_column_int64(t, 0);
            sqlite3_reset(t);
            if (en_store_memo_put(st, k->data, klen, tid, 0)) return -1;
        }
        ins = en_store_stmt(
            st, "INSERT INTO relations(doc_id, type, stage, cameo, date, attrs, score, start, "
                "stop, sent_start, sent_stop, rule, rule_file, rule_line, run_id, thread_id) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        if (!ins) return -1;
        sqlite3_bind_int64(ins, 1, r->doc_id);
        bind_str(ins, 2, x->type);
        bind_str(ins, 3, x->stage);
        bind_str(ins, 4, x->cameo);
        bind_str(ins, 5, x->date);
        bind_str(ins, 6, x->attrs);
        sqlite3_bind_double(ins, 7, x->score);
        sqlite3_bind_int64(ins, 8, x->start);
        sqlite3_bind_int64(ins, 9, x->stop);
        sqlite3_bind_int64(ins, 10, x->sent_start);
        sqlite3_bind_int64(ins, 11, x->sent_stop);
        bind_str(ins, 12, x->rule);
        bind_str(ins, 13, x->file);
        sqlite3_bind_int(ins, 14, x->line);
        if (run_id > 0)
            sqlite3_bind_int64(ins, 15, run_id);
        else
            sqlite3_bind_null(ins, 15);
        if (tid)
            sqlite3_bind_int64(ins, 16, tid);
        else
            sqlite3_bind_null(ins, 16);
        if (step_done(st, ins, "storing a relation")) return -1;
        int64_t rid = sqlite3_last_insert_rowid(en_store_db(st));
        for (size_t ai = 0; ai < x->nargs; ai++) {
            const en_rarg *a = &x->args[ai];
            int64_t eid = 0;
            const char *type = a->type, *key = a->key;
            if (a->mention >= 0 && (size_t)a->mention < r->nmentions) {
                const en_rmention *m = &r->mentions[a->mention];
                if (!type) type = m->type;
                if (!key) key = m->key;
            }
            if (type && key && *key && entity_id(st, k, type, key, NULL, NULL, &eid)) return -1;
            sqlite3_stmt *as = en_store_stmt(
                st, "INSERT INTO temp.en_args_stage(relation_id, role, ord, mention_id, "
                    "entity_id, key, value) VALUES (?,?,?,?,?,?,?)");
            if (!as) return -1;
            sqlite3_bind_int64(as, 1, rid);
            bind_str(as, 2, a->role);
            sqlite3_bind_int(as, 3, a->ord);
            if (a->mention >= 0 && (size_t)a->mention < r->nmentions)
                sqlite3_bind_int64(as, 4, mids[a->mention]);
            else
                sqlite3_bind_null(as, 4);
            if (eid)
                sqlite3_bind_int64(as, 5, eid);
            else
                sqlite3_bind_null(as, 5);
            bind_str(as, 6, key);
            bind_str(as, 7, a->value);
            if (step_done(st, as, "staging a relation argument")) return -1;
        }
        if (tid && extend_thread(st, tid, x->stage, x->date ? x->date : date)) return -1;
    }
    if (r->nrelations && stage_args_flush(st)) return -1;
    for (size_t i = 0; i < r->nfailures; i++) {
        const en_rfailure *f = &r->failures[i];
        ins = en_store_stmt(st, "INSERT INTO failures(run_id, doc_id, rule, rule_file, rule_line, "
                                "offset, message) VALUES (?,?,?,?,?,?,?)");
        if (!ins) return -1;
        if (run_id > 0)
            sqlite3_bind_int64(ins, 1, run_id);
        else
            sqlite3_bind_null(ins, 1);
        sqlite3_bind_int64(ins, 2, r->doc_id);
        bind_str(ins, 3, f->rule);
        bind_str(ins, 4, f->file);
        sqlite3_bind_int(ins, 5, f->line);
        sqlite3_bind_int64(ins, 6, f->offset);
        bind_str(ins, 7, f->message);
        if (step_done(st, ins, "storing a failure")) return -1;
    }
    char now[32];
    en_now_iso(now);
    ins = en_store_stmt(st, "INSERT OR REPLACE INTO extractions(doc_id, doc_hash, rulepack_hash, "
                            "run_id, extracted_at, failures) VALUES (?,?,?,?,?,?)");
    if (!ins) return -1;
    sqlite3_bind_int64(ins, 1, r->doc_id);
    bind_str(ins, 2, r->doc_hash ? r->doc_hash : "");
    bind_str(ins, 3, rulepack_hash ? rulepack_hash : "");
    if (run_id > 0)
        sqlite3_bind_int64(ins, 4, run_id);
    else
        sqlite3_bind_null(ins, 4);
    bind_str(ins, 5, now);
    sqlite3_bind_int64(ins, 6, (sqlite3_int64)r->nfailures);
    if (step_done(st, ins, "storing the extraction record")) return -1;
    return 0;
}

int en_store_put_result(en_store *st, const en_result *r, const char *rulepack_hash,
                        int64_t run_id) {
    if (en_store_readonly(st)) return en_store_fail(st, "%s: opened read-only", en_store_path(st));
    int64_t *mids = calloc(r->nmentions + 1, sizeof *mids);
    char *date = NULL;
    if (!mids) return en_store_fail(st, "out of memory");
    if (en_store_begin(st)) {
        free(mids);
        return -1;
    }
    en_buf k = {0}; /* memo keys */
    int rc = doc_date(st, r->doc_id, &date);
    if (!rc) rc = put(st, &k, r, rulepack_hash, run_id, mids, date);
    en_buf_free(&k);
    free(mids);
    free(date);
    if (rc) {
        en_store_rollback(st);
        return -1;
    }
    return en_store_commit(st);
}
