/*
 * sqlfn.c: SQL functions that every entente connection registers for
 * reports (slice() lives with the store, in store.c).
 *
 * pick(n, score, source, id [, tag]) is an aggregate that chooses the
 * evidence a report row cites: the n best of a group's facts, best score
 * first, then one fact from each source before a second from any (source
 * diversity), then the smallest id (and tag). The result is the chosen
 * facts as evidence keys, tag followed by id ("r12 r40 m7"; the tag is
 * "r" when not given), joined with single spaces, best first; NULL for a
 * group without facts. n <= 0 keeps every fact. A NULL source makes the
 * fact a source of its own.
 *
 * Memory is bounded by n per source: a fact that is not among the n best
 * of its own source has n facts before it, so each source keeps its n best
 * in a small sorted array and the rest are dropped as they come.
 */
#include "sqlfn.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct pick_fact {
    double score;
    sqlite3_int64 id;
    char tag;
} pick_fact;

typedef struct pick_source {
    uint64_t hash;
    char *name; /* the source value as bytes (NULL for a source of its own) */
    size_t len;
    pick_fact *top; /* best first; at most n when n > 0 */
    size_t ntop, cap;
} pick_source;

typedef struct pick_state {
    sqlite3_int64 n;
    pick_source *src;
    size_t nsrc, capsrc;
    size_t *slots; /* open addressing: index + 1 into src, 0 empty */
    size_t nslots;
    int started, failed;
} pick_state;

/* a before b in quality: higher score, then smaller id, then smaller tag */
static int better(const pick_fact *a, const pick_fact *b) {
    if (a->score != b->score) return a->score > b->score;
    if (a->id != b->id) return a->id < b->id;
    return a->tag < b->tag;
}

static uint64_t hash_bytes(const void *p, size_t n, int type) {
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603u ^ (uint64_t)type;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211u;
    }
    return h;
}

static int grow_slots(pick_state *s) {
    size_t n = s->nslots ? 2 * s->nslots : 16;
    size_t *slots = calloc(n, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < s->nsrc; i++) {
        if (!s->src[i].name) continue;
        size_t j = (size_t)(s->src[i].hash & (n - 1));
        while (slots[j]) j = (j + 1) & (n - 1);
        slots[j] = i + 1;
    }
    free(s->slots);
    s->slots = slots;
    s->nslots = n;
    return 0;
}

/* The source for a value (bytes of its text, or of an integer), added
 * when new; NULL on allocation failure. */
static pick_source *source_of(pick_state *s, sqlite3_value *v) {
    int type = sqlite3_value_type(v);
    sqlite3_int64 iv = 0;
    const void *bytes = NULL;
    size_t len = 0;
    if (type == SQLITE_INTEGER) {
        iv = sqlite3_value_int64(v);
        bytes = &iv;
        len = sizeof iv;
    } else if (type != SQLITE_NULL) {
        type = SQLITE_TEXT;
        bytes = sqlite3_value_text(v);
        len = (size_t)sqlite3_value_bytes(v);
        if (!bytes) return NULL;
    }
    uint64_t h = hash_bytes(bytes, len, type);
    if (type != SQLITE_NULL) {
        if ((s->nsrc + 1) * 2 > s->nslots && grow_slots(s)) return NULL;
        size_t j = (size_t)(h & (s->nslots - 1));
        for (; s->slots[j]; j = (j + 1) & (s->nslots - 1)) {
            pick_source *c = &s->src[s->slots[j] - 1];
            if (c->hash == h && c->len == len + 1 && c->name[0] == (char)type &&
                memcmp(c->name + 1, bytes, len) == 0)
                return c;
        }
    }
    if (s->nsrc == s->capsrc) {
        size_t cap = s->capsrc ? 2 * s->capsrc : 8;
        pick_source *src = realloc(s->src, cap * sizeof *src);
        if (!src) return NULL;
        s->src = src;
        s->capsrc = cap;
    }
    pick_source *c = &s->src[s->nsrc];
    memset(c, 0, sizeof *c);
    c->hash = h;
    if (type != SQLITE_NULL) {
        c->name = malloc(len + 1);
        if (!c->name) return NULL;
        c->name[0] = (char)type; /* text and integer sources never collide */
        memcpy(c->name + 1, bytes, len);
        c->len = len + 1;
        size_t j = (size_t)(h & (s->nslots - 1));
        while (s->slots[j]) j = (j + 1) & (s->nslots - 1);
        s->slots[j] = s->nsrc + 1;
    }
    s->nsrc++;
    return c;
}

/* Insert f into the source's sorted top list, keeping at most n. */
static int source_add(pick_source *c, const pick_fact *f, sqlite3_int64 n) {
    int full = n > 0 && c->ntop == (size_t)n;
    if (full && !better(f, &c->top[c->ntop - 1])) return 0;
    if (!full && c->ntop == c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 4;
        if (n > 0 && cap > (size_t)n) cap = (size_t)n;
        pick_fact *top = realloc(c->top, cap * sizeof *top);
        if (!top) return -1;
        c->top = top;
        c->cap = cap;
    }
    size_t i = full ? c->ntop - 1 : c->ntop; /* when full, the worst falls off */
    while (i > 0 && better(f, &c->top[i - 1])) {
        c->top[i] = c->top[i - 1];
        i--;
    }
    c->top[i] = *f;
    if (!full) c->ntop++;
    return 0;
}

static void pick_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    pick_state *s = sqlite3_aggregate_context(ctx, sizeof *s);
    if (!s) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (s->failed || sqlite3_value_type(argv[3]) == SQLITE_NULL) return;
    if (!s->started) {
        s->n = sqlite3_value_int64(argv[0]);
        s->started = 1;
    }
    pick_fact f;
    f.score = sqlite3_value_type(argv[1]) == SQLITE_NULL ? -1e300 : sqlite3_value_double(argv[1]);
    f.id = sqlite3_value_int64(argv[3]);
    f.tag = 'r';
    if (argc > 4) {
        const unsigned char *t = sqlite3_value_text(argv[4]);
        if (t && *t) f.tag = (char)*t;
    }
    pick_source *c = source_of(s, argv[2]);
    if (!c || source_add(c, &f, s->n)) s->failed = 1;
}

typedef struct pick_ranked {
    pick_fact f;
    size_t rank; /* place within its source, from 0 */
} pick_ranked;

static int cmp_ranked(const void *pa, const void *pb) {
    const pick_ranked *a = pa, *b = pb;
    if (a->f.score != b->f.score) return a->f.score > b->f.score ? -1 : 1;
    if (a->rank != b->rank) return a->rank < b->rank ? -1 : 1;
    if (better(&a->f, &b->f)) return -1;
    if (better(&b->f, &a->f)) return 1;
    return 0;
}

static void pick_free(pick_state *s) {
    for (size_t i = 0; i < s->nsrc; i++) {
        free(s->src[i].name);
        free(s->src[i].top);
    }
    free(s->src);
    free(s->slots);
    memset(s, 0, sizeof *s);
}

static void pick_final(sqlite3_context *ctx) {
    pick_state *s = sqlite3_aggregate_context(ctx, 0);
    if (!s || !s->started) {
        sqlite3_result_null(ctx);
        return;
    }
    if (s->failed) {
        pick_free(s);
        sqlite3_result_error_nomem(ctx);
        return;
    }
    size_t total = 0;
    for (size_t i = 0; i < s->nsrc; i++) total += s->src[i].ntop;
    pick_ranked *all = malloc((total ? total : 1) * sizeof *all);
    char *out = malloc(total * 24 + 1);
    if (!all || !out) {
        free(all);
        free(out);
        pick_free(s);
        sqlite3_result_error_nomem(ctx);
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < s->nsrc; i++)
        for (size_t j = 0; j < s->src[i].ntop; j++) all[k++] = (pick_ranked){s->src[i].top[j], j};
    qsort(all, total, sizeof *all, cmp_ranked);
    size_t keep = s->n > 0 && (size_t)s->n < total ? (size_t)s->n : total;
    size_t at = 0;
    for (size_t i = 0; i < keep; i++) {
        if (i) out[at++] = ' ';
        out[at++] = all[i].f.tag;
        sqlite3_snprintf(23, out + at, "%lld", (long long)all[i].f.id);
        at += strlen(out + at);
    }
    free(all);
    pick_free(s);
    sqlite3_result_text64(ctx, out, (sqlite3_uint64)at, free, SQLITE_UTF8);
}

int en_sqlfn_register(sqlite3 *db) {
    int rc = sqlite3_create_function(db, "pick", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, NULL,
                                     pick_step, pick_final);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "pick", 5, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, NULL,
                                     pick_step, pick_final);
    return rc;
}
