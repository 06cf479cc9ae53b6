/*
 * result.h: what extraction found in one document, as plain C data.
 *
 * A worker's Lua state builds result tables; lua_result.c packs them into
 * an en_result (all strings in one arena), which can cross threads. The
 * single writer stores it with en_store_put_result: the document's old
 * mentions, relations and failures are replaced in one transaction, so an
 * interrupted run leaves every document either fully old or fully new.
 */
#ifndef ENTENTE_RESULT_H
#define ENTENTE_RESULT_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef struct en_rmention {
    const char *type, *key, *name, *text, *attrs; /* attrs: JSON object text or NULL */
    const char *rule, *file;
    int line;
    uint32_t start, stop, sent_start, sent_stop;
    double score;
} en_rmention;

typedef struct en_rarg {
    const char *role;
    int ord;
    int mention;                    /* index into mentions, or -1 */
    const char *type, *key, *value; /* entity type and key, or a literal value */
} en_rarg;

typedef struct en_rrelation {
    const char *type, *stage, *cameo, *date, *attrs, *thread, *subject;
    const char *rule, *file;
    int line;
    uint32_t start, stop, sent_start, sent_stop;
    double score;
    en_rarg *args;
    size_t nargs;
} en_rrelation;

typedef struct en_rfailure {
    const char *rule, *file, *message;
    int line;
    uint32_t offset;
} en_rfailure;

typedef struct en_result {
    int64_t doc_id;
    const char *doc_hash;
    en_rmention *mentions;
    size_t nmentions;
    en_rrelation *relations;
    size_t nrelations;
    en_rfailure *failures;
    size_t nfailures;
    /* arena of strings and arrays */
    struct en_chunk *arena;
} en_result;

en_result *en_result_new(void);
void en_result_free(en_result *r);
/* Allocate n bytes in r's arena (zeroed). NULL when out of memory. */
void *en_result_alloc(en_result *r, size_t n);
/* Copy a string into the arena. NULL for NULL, or when out of memory
 * (then *oom is set). */
const char *en_result_str(en_result *r, const char *s, size_t n, int *oom);

/* Store a result for its document in one savepoint: drop the document's
 * old mentions, relations and failures, upsert entities (type, key) with
 * their names and aliases, insert mentions, relations with arguments,
 * threads, failures, and the extraction record (doc hash, rule-pack hash,
 * run). Returns 0 or -1 (message in the store). */
int en_store_put_result(en_store *st, const en_result *r, const char *rulepack_hash,
                        int64_t run_id);

#endif
