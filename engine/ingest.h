/*
 * ingest.h: reading files into the store.
 *
 * Takes files and folders (recursively), reads .txt, .md (with optional
 * front matter) and .jsonl (one article per line), repairs invalid UTF-8,
 * detects the metadata a text carries (dateline, sign-off, boilerplate) and
 * stores each document in batched transactions. Bad input never stops the
 * other files: each problem is reported with its file and line through the
 * report callback and counted.
 */
#ifndef ENTENTE_INGEST_H
#define ENTENTE_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "store.h"

typedef enum en_level { EN_WARN = 1, EN_SKIP, EN_FAIL } en_level;

typedef struct en_ingest_opts {
    size_t max_bytes;  /* largest document accepted; 0 means EN_INGEST_MAX_DEFAULT */
    size_t batch_docs; /* documents per transaction; 0 means 2000 */
    /* Called for every warning, skip and failure. file is the path as
     * given; line is 1-based, 0 when the problem concerns the whole file. */
    void (*report)(void *ud, en_level level, const char *file, unsigned long line, const char *msg);
    /* Called after each document with bytes done so far and in all. */
    void (*progress)(void *ud, uint64_t done, uint64_t total);
    /* Polled between documents: a non-zero return stops the run cleanly
     * (the current batch is committed). */
    int (*interrupted)(void *ud);
    void *ud;
} en_ingest_opts;

#define EN_INGEST_MAX_DEFAULT ((size_t)64 << 20)

typedef struct en_ingest_stats {
    uint64_t files;                                      /* files read */
    uint64_t added, updated, unchanged, skipped, failed; /* documents */
    uint64_t warnings, bytes;
    int interrupted;
} en_ingest_stats;

/* Ingest the given paths. Returns 0 when every document was stored or
 * skipped for a reason, 1 when some failed (the others are stored), -1
 * when the store itself failed (message in en_store_errmsg). */
int en_ingest(en_store *st, const char *const *paths, size_t npaths, const en_ingest_opts *opts,
              en_ingest_stats *stats);

/* Hash of a byte range as 32 lowercase hex digits (XXH3-128) plus NUL. */
void en_content_hash(const void *p, size_t n, char out[33]);

#endif
