/*
 * sqlfn.c: SQL aggregates that every entente connection registers for
 * reports (slice() lives with the store, in store.c).
 *
 * pick(n, score, source, id [, tag]) chooses the evidence a report row
 * cites: the n best of a group's facts, best score first, then one fact
 * from each source before a second from any (source diversity), then the
 * smallest id (and tag). The result is the chosen facts as evidence keys,
 * tag followed by id ("r12 r40 m7"; the tag is "r" when not given), joined
 * with single spaces, best first; NULL for a group without facts. n <= 0
 * keeps every fact. A NULL source makes the fact a source of its own.
 * Memory is bounded by n per source: a fact that is not among the n best
 * of its own source has n facts before it, so each source keeps its n best
 * in a small sorted array and the rest are dropped as they come.
 *
 * tally(key, doc, rank, label, n, score, source, id [, when]) groups its
 * rows by key in one pass, with a hash table: SQLite's GROUP BY sorts its
 * input, which on a million facts costs more than everything else a report
 * does. For each key it counts the rows (facts) and the distinct docs
 * (sources), keeps the largest rank (the furthest stage), the smallest id
 * (first), the smallest and largest `when` (since, until), the distinct
 * non-NULL labels and the pick of (n, score, source, id). The result is a
 * JSON array of objects sorted by key (SQLite's order: numbers before
 * text): {"key", "facts", "sources", "stage", "first", "since", "until",
 * "labels", "pick"}.
 */
#include "sqlfn.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a growable text buffer ---------------------------------------------- */

typedef struct buf {
    char *p;
    size_t len, cap;
    int failed;
} buf;

static void buf_add(buf *b, const char *s, size_t n) {
    if (b->failed) return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1) cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->failed = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void buf_str(buf *b, const char *s) {
    buf_add(b, s, strlen(s));
}

static void buf_int(buf *b, sqlite3_int64 v) {
    char t[32];
    snprintf(t, sizeof t, "%lld", (long long)v);
    buf_str(b, t);
}

/* A JSON string: quotes, backslashes and control characters escaped; other
 * bytes as they are (the reader repairs invalid UTF-8). */
static void buf_json_string(buf *b, const unsigned char *s, size_t n) {
    buf_add(b, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        buf_add(b, (const char *)s + run, i - run);
        char e[8];
        if (c == '"' || c == '\\')
            snprintf(e, sizeof e, "\\%c", c);
        else
            snprintf(e, sizeof e, "\\u%04x", c);
        buf_str(b, e);
        run = i + 1;
    }
    buf_add(b, (const char *)s + run, n - run);
    buf_add(b, "\"", 1);
}

/* ---- sets of SQL values (type and bytes), by hash --------------------------- */

typedef struct vent {
    uint64_t hash;
    int type; /* SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL */
    size_t len;
    unsigned char *bytes; /* integers and floats: their 8 bytes */
} vent;

typedef struct vset {
    vent *e;
    size_t n, cap;
    size_t *slots; /* index + 1 into e, 0 empty */
    size_t nslots;
} vset;

#define VSET_NONE SIZE_MAX

static uint64_t hash_bytes(const void *p, size_t n, int type) {
    const unsigned char *s = p;
    uint64_t h = 1469598103934665603u ^ (uint64_t)type;
    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211u;
    }
    return h;
}

/* The type and bytes of a value, for hashing and comparing. */
static int value_bytes(sqlite3_value *v, const void **bytes, size_t *len, unsigned char tmp[8]) {
    int type = sqlite3_value_type(v);
    if (type == SQLITE_INTEGER) {
        sqlite3_int64 i = sqlite3_value_int64(v);
        memcpy(tmp, &i, 8);
        *bytes = tmp;
        *len = 8;
    } else if (type == SQLITE_FLOAT) {
        double d = sqlite3_value_double(v);
        memcpy(tmp, &d, 8);
        *bytes = tmp;
        *len = 8;
    } else if (type == SQLITE_NULL) {
        *bytes = tmp;
        *len = 0;
    } else {
        if (type == SQLITE_TEXT)
            *bytes = sqlite3_value_text(v);
        else
            *bytes = sqlite3_value_blob(v);
        *len = (size_t)sqlite3_value_bytes(v);
        if (!*bytes) *bytes = tmp;
    }
    return type;
}

static int vset_grow(vset *s) {
    size_t n = s->nslots ? 2 * s->nslots : 16;
    size_t *slots = calloc(n, sizeof *slots);
    if (!slots) return -1;
    for (size_t i = 0; i < s->n; i++) {
        size_t j = (size_t)(s->e[i].hash & (n - 1));
        while (slots[j]) j = (j + 1) & (n - 1);
        slots[j] = i + 1;
    }
    free(s->slots);
    s->slots = slots;
    s->nslots = n;
    return 0;
}

/* The index of value v in the set, added when new (*added = 1); VSET_NONE
 * when out of memory. */
static size_t vset_index(vset *s, sqlite3_value *v, int *added) {
    unsigned char tmp[8];
    const void *bytes;
    size_t len;
    int type = value_bytes(v, &bytes, &len, tmp);
    uint64_t h = hash_bytes(bytes, len, type);
    *added = 0;
    if ((s->n + 1) * 2 > s->nslots && vset_grow(s)) return VSET_NONE;
    size_t j = (size_t)(h & (s->nslots - 1));
    for (; s->slots[j]; j = (j + 1) & (s->nslots - 1)) {
        vent *e = &s->e[s->slots[j] - 1];
        if (e->hash == h && e->type == type && e->len == len && memcmp(e->bytes, bytes, len) == 0)
            return s->slots[j] - 1;
    }
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 8;
        vent *e = realloc(s->e, cap * sizeof *e);
        if (!e) return VSET_NONE;
        s->e = e;
        s->cap = cap;
    }
    vent *e = &s->e[s->n];
    e->bytes = malloc(len ? len : 1);
    if (!e->bytes) return VSET_NONE;
    memcpy(e->bytes, bytes, len);
    e->hash = h;
    e->type = type;
    e->len = len;
    s->slots[j] = s->n + 1;
    *added = 1;
    return s->n++;
}

static void vset_free(vset *s) {
    for (size_t i = 0; i < s->n; i++) free(s->e[i].bytes);
    free(s->e);
    free(s->slots);
    memset(s, 0, sizeof *s);
}

/* A value's place in SQLite's order of types: NULL, numbers, text, blobs. */
static int vent_rank(const vent *v) {
    return v->type == SQLITE_NULL ? 0 : v->type == SQLITE_TEXT ? 2 : v->type == SQLITE_BLOB ? 3 : 1;
}

/* A number value (integer or real) as a double. */
static double vent_num(const vent *v) {
    if (v->type == SQLITE_INTEGER) {
        sqlite3_int64 i;
        memcpy(&i, v->bytes, 8);
        return (double)i;
    }
    double x;
    memcpy(&x, v->bytes, 8);
    return x;
}

/* SQLite's order of values: NULL, numbers, text, blobs; text and blobs
 * by their bytes. */
static int vent_cmp(const vent *a, const vent *b) {
    int ra = vent_rank(a), rb = vent_rank(b);
    if (ra != rb) return ra < rb ? -1 : 1;
    if (ra == 1) {
        double x = vent_num(a), y = vent_num(b);
        return x < y ? -1 : x > y ? 1 : 0;
    }
    size_t n = a->len < b->len ? a->len : b->len;
    int c = n ? memcmp(a->bytes, b->bytes, n) : 0;
    if (c) return c;
    return a->len < b->len ? -1 : a->len > b->len ? 1 : 0;
}

/* A value as JSON: a number, a string, or null. */
static void buf_json_value(buf *b, const vent *e) {
    if (e->type == SQLITE_INTEGER) {
        sqlite3_int64 i;
        memcpy(&i, e->bytes, 8);
        buf_int(b, i);
    } else if (e->type == SQLITE_FLOAT) {
        double d;
        char t[40];
        memcpy(&d, e->bytes, 8);
        snprintf(t, sizeof t, "%.17g", d);
        buf_str(b, t);
    } else if (e->type == SQLITE_NULL) {
        buf_str(b, "null");
    } else {
        buf_json_string(b, e->bytes, e->len);
    }
}

/* ---- the evidence pick ------------------------------------------------------ */

typedef struct pick_fact {
    double score;
    sqlite3_int64 id;
    char tag;
} pick_fact;

typedef struct pick_top {
    pick_fact *top; /* best first; at most n when n > 0 */
    size_t ntop, cap;
} pick_top;

typedef struct pick_state {
    sqlite3_int64 n;
    vset sources;   /* interned source values */
    pick_top *tops; /* parallel to sources */
    size_t ntops, captops;
    pick_top *own; /* facts whose source is NULL: each a source of its own */
    size_t nown, capown;
} pick_state;

/* a before b in quality: higher score, then smaller id, then smaller tag */
static int better(const pick_fact *a, const pick_fact *b) {
    if (a->score != b->score) return a->score > b->score;
    if (a->id != b->id) return a->id < b->id;
    return a->tag < b->tag;
}

/* Insert f into a sorted top list, keeping at most n. */
static int top_add(pick_top *c, const pick_fact *f, sqlite3_int64 n) {
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

static int pick_add(pick_state *s, sqlite3_value *source, const pick_fact *f) {
    pick_top *t;
    if (sqlite3_value_type(source) == SQLITE_NULL) {
        if (s->nown == s->capown) {
            size_t cap = s->capown ? 2 * s->capown : 8;
            pick_top *own = realloc(s->own, cap * sizeof *own);
            if (!own) return -1;
            s->own = own;
            s->capown = cap;
        }
        t = &s->own[s->nown++];
        memset(t, 0, sizeof *t);
    } else {
        int added;
        size_t i = vset_index(&s->sources, source, &added);
        if (i == VSET_NONE) return -1;
        if (added) {
            if (s->captops < s->sources.n) {
                pick_top *tops = realloc(s->tops, s->sources.cap * sizeof *tops);
                if (!tops) return -1;
                s->tops = tops;
                s->captops = s->sources.cap;
            }
            memset(&s->tops[i], 0, sizeof s->tops[i]);
            s->ntops = s->sources.n;
        }
        t = &s->tops[i];
    }
    return top_add(t, f, s->n);
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

/* Write the chosen keys ("r12 r40") to b; -1 when out of memory. */
static int pick_write(pick_state *s, buf *b) {
    size_t total = 0;
    for (size_t i = 0; i < s->ntops; i++) total += s->tops[i].ntop;
    for (size_t i = 0; i < s->nown; i++) total += s->own[i].ntop;
    pick_ranked *all = malloc((total ? total : 1) * sizeof *all);
    if (!all) return -1;
    size_t k = 0;
    for (size_t i = 0; i < s->ntops; i++)
        for (size_t j = 0; j < s->tops[i].ntop; j++) all[k++] = (pick_ranked){s->tops[i].top[j], j};
    for (size_t i = 0; i < s->nown; i++)
        for (size_t j = 0; j < s->own[i].ntop; j++) all[k++] = (pick_ranked){s->own[i].top[j], j};
    qsort(all, total, sizeof *all, cmp_ranked);
    size_t keep = s->n > 0 && (size_t)s->n < total ? (size_t)s->n : total;
    for (size_t i = 0; i < keep; i++) {
        if (i) buf_add(b, " ", 1);
        buf_add(b, &all[i].f.tag, 1);
        buf_int(b, all[i].f.id);
    }
    free(all);
    return b->failed ? -1 : 0;
}

static void pick_free(pick_state *s) {
    for (size_t i = 0; i < s->ntops; i++) free(s->tops[i].top);
    for (size_t i = 0; i < s->nown; i++) free(s->own[i].top);
    free(s->tops);
    free(s->own);
    vset_free(&s->sources);
    memset(s, 0, sizeof *s);
}

static pick_fact fact_of(sqlite3_value *score, sqlite3_value *id, sqlite3_value *tag) {
    pick_fact f;
    f.score = sqlite3_value_type(score) == SQLITE_NULL ? -1e300 : sqlite3_value_double(score);
    f.id = sqlite3_value_int64(id);
    f.tag = 'r';
    if (tag) {
        const unsigned char *t = sqlite3_value_text(tag);
        if (t && *t) f.tag = (char)*t;
    }
    return f;
}

/* ---- pick() ------------------------------------------------------------------ */

typedef struct pick_agg {
    pick_state s;
    int started, failed;
} pick_agg;

static void pick_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    pick_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
    if (!a) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (a->failed || sqlite3_value_type(argv[3]) == SQLITE_NULL) return;
    if (!a->started) {
        a->s.n = sqlite3_value_int64(argv[0]);
        a->started = 1;
    }
    pick_fact f = fact_of(argv[1], argv[3], argc > 4 ? argv[4] : NULL);
    if (pick_add(&a->s, argv[2], &f)) a->failed = 1;
}

static void pick_final(sqlite3_context *ctx) {
    pick_agg *a = sqlite3_aggregate_context(ctx, 0);
    if (!a || !a->started) {
        sqlite3_result_null(ctx);
        return;
    }
    buf b = {0};
    if (a->failed || pick_write(&a->s, &b)) {
        free(b.p);
        pick_free(&a->s);
        sqlite3_result_error_nomem(ctx);
        return;
    }
    pick_free(&a->s);
    sqlite3_result_text64(ctx, b.p ? b.p : "", (sqlite3_uint64)b.len, b.p ? free : SQLITE_TRANSIENT,
                          SQLITE_UTF8);
}

/* ---- tally() ------------------------------------------------------------------ */

/* A set of 64-bit integers (documents), open addressing. */
typedef struct iset {
    sqlite3_int64 *v;
    unsigned char *used;
    size_t n, nslots;
} iset;

static int iset_add(iset *s, sqlite3_int64 x) {
    if ((s->n + 1) * 2 > s->nslots) {
        size_t n = s->nslots ? 2 * s->nslots : 16;
        sqlite3_int64 *v = malloc(n * sizeof *v);
        unsigned char *used = calloc(n, 1);
        if (!v || !used) {
            free(v);
            free(used);
            return -1;
        }
        for (size_t i = 0; i < s->nslots; i++) {
            if (!s->used[i]) continue;
            size_t j = (size_t)(((uint64_t)s->v[i] * 11400714819323198485u) >> 7) & (n - 1);
            while (used[j]) j = (j + 1) & (n - 1);
            v[j] = s->v[i];
            used[j] = 1;
        }
        free(s->v);
        free(s->used);
        s->v = v;
        s->used = used;
        s->nslots = n;
    }
    size_t j = (size_t)(((uint64_t)x * 11400714819323198485u) >> 7) & (s->nslots - 1);
    for (; s->used[j]; j = (j + 1) & (s->nslots - 1))
        if (s->v[j] == x) return 0;
    s->v[j] = x;
    s->used[j] = 1;
    s->n++;
    return 0;
}

typedef struct tally_group {
    sqlite3_int64 facts, rank, first;
    int has_rank, has_first;
    vent when_min, when_max; /* type SQLITE_NULL until a value is seen */
    iset docs;
    vset labels;
    pick_state pick;
} tally_group;

typedef struct tally_agg {
    vset keys;
    tally_group *groups; /* parallel to keys */
    size_t capgroups;
    int started, failed;
    sqlite3_int64 n;
} tally_agg;

enum { T_KEY, T_DOC, T_RANK, T_LABEL, T_N, T_SCORE, T_SOURCE, T_ID, T_WHEN, T_ARGS };

/* Keep v in *e when *e is unset or v is before it (want < 0) or after it
 * (want > 0) in SQLite's order. */
static int keep_extreme(vent *e, sqlite3_value *v, int want) {
    unsigned char tmp[8];
    const void *bytes;
    size_t len;
    vent x = {0};
    x.type = value_bytes(v, &bytes, &len, tmp);
    x.bytes = (unsigned char *)bytes;
    x.len = len;
    if (e->type != SQLITE_NULL && !(want < 0 ? vent_cmp(&x, e) < 0 : vent_cmp(&x, e) > 0)) return 0;
    unsigned char *copy = malloc(len ? len : 1);
    if (!copy) return -1;
    memcpy(copy, bytes, len);
    free(e->bytes);
    *e = x;
    e->bytes = copy;
    return 0;
}

static void tally_step(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
    tally_agg *a = sqlite3_aggregate_context(ctx, sizeof *a);
    if (!a) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (a->failed) return;
    if (!a->started) {
        a->n = sqlite3_value_int64(argv[T_N]);
        a->started = 1;
    }
    int added;
    size_t i = vset_index(&a->keys, argv[T_KEY], &added);
    if (i == VSET_NONE) goto fail;
    if (added) {
        if (a->capgroups < a->keys.n) {
            tally_group *g = realloc(a->groups, a->keys.cap * sizeof *g);
            if (!g) goto fail;
            a->groups = g;
            a->capgroups = a->keys.cap;
        }
        memset(&a->groups[i], 0, sizeof a->groups[i]);
        a->groups[i].pick.n = a->n;
        a->groups[i].when_min.type = a->groups[i].when_max.type = SQLITE_NULL;
    }
    tally_group *g = &a->groups[i];
    g->facts++;
    if (sqlite3_value_type(argv[T_DOC]) != SQLITE_NULL &&
        iset_add(&g->docs, sqlite3_value_int64(argv[T_DOC])))
        goto fail;
    if (sqlite3_value_type(argv[T_RANK]) != SQLITE_NULL) {
        sqlite3_int64 r = sqlite3_value_int64(argv[T_RANK]);
        if (!g->has_rank || r > g->rank) g->rank = r;
        g->has_rank = 1;
    }
    if (argc > T_WHEN && sqlite3_value_type(argv[T_WHEN]) != SQLITE_NULL &&
        (keep_extreme(&g->when_min, argv[T_WHEN], -1) ||
         keep_extreme(&g->when_max, argv[T_WHEN], 1)))
        goto fail;
    if (sqlite3_value_type(argv[T_LABEL]) != SQLITE_NULL) {
        int new_label;
        if (vset_index(&g->labels, argv[T_LABEL], &new_label) == VSET_NONE) goto fail;
    }
    if (sqlite3_value_type(argv[T_ID]) != SQLITE_NULL) {
        sqlite3_int64 id = sqlite3_value_int64(argv[T_ID]);
        if (!g->has_first || id < g->first) g->first = id;
        g->has_first = 1;
        pick_fact f = fact_of(argv[T_SCORE], argv[T_ID], NULL);
        if (pick_add(&g->pick, argv[T_SOURCE], &f)) goto fail;
    }
    return;
fail:
    a->failed = 1;
}

static void tally_free(tally_agg *a) {
    for (size_t i = 0; i < a->keys.n; i++) {
        tally_group *g = &a->groups[i];
        free(g->docs.v);
        free(g->docs.used);
        vset_free(&g->labels);
        free(g->when_min.bytes);
        free(g->when_max.bytes);
        pick_free(&g->pick);
    }
    free(a->groups);
    vset_free(&a->keys);
    memset(a, 0, sizeof *a);
}

static int cmp_vent_ptr(const void *pa, const void *pb) {
    return vent_cmp(*(const vent *const *)pa, *(const vent *const *)pb);
}

/* A set's values in SQLite order (pointers into it); NULL when out of memory. */
static const vent **sorted_values(const vset *s) {
    const vent **ix = malloc((s->n ? s->n : 1) * sizeof *ix);
    if (!ix) return NULL;
    for (size_t i = 0; i < s->n; i++) ix[i] = &s->e[i];
    qsort(ix, s->n, sizeof *ix, cmp_vent_ptr);
    return ix;
}

static void tally_final(sqlite3_context *ctx) {
    tally_agg *a = sqlite3_aggregate_context(ctx, 0);
    if (!a || !a->started) {
        sqlite3_result_text(ctx, "[]", 2, SQLITE_STATIC);
        return;
    }
    buf b = {0};
    const vent **keys = a->failed ? NULL : sorted_values(&a->keys);
    if (!keys) goto nomem;
    buf_add(&b, "[", 1);
    for (size_t k = 0; k < a->keys.n; k++) {
        tally_group *g = &a->groups[keys[k] - a->keys.e];
        buf_str(&b, k ? ",{\"key\":" : "{\"key\":");
        buf_json_value(&b, keys[k]);
        buf_str(&b, ",\"facts\":");
        buf_int(&b, g->facts);
        buf_str(&b, ",\"sources\":");
        buf_int(&b, (sqlite3_int64)g->docs.n);
        buf_str(&b, ",\"stage\":");
        if (g->has_rank)
            buf_int(&b, g->rank);
        else
            buf_str(&b, "null");
        buf_str(&b, ",\"first\":");
        if (g->has_first)
            buf_int(&b, g->first);
        else
            buf_str(&b, "null");
        buf_str(&b, ",\"since\":");
        buf_json_value(&b, &g->when_min);
        buf_str(&b, ",\"until\":");
        buf_json_value(&b, &g->when_max);
        buf_str(&b, ",\"labels\":[");
        const vent **lab = sorted_values(&g->labels);
        if (!lab) goto nomem;
        for (size_t i = 0; i < g->labels.n; i++) {
            if (i) buf_add(&b, ",", 1);
            buf_json_value(&b, lab[i]);
        }
        free(lab);
        buf_str(&b, "],\"pick\":\"");
        if (pick_write(&g->pick, &b)) goto nomem;
        buf_str(&b, "\"}");
    }
    buf_add(&b, "]", 1);
    if (b.failed) goto nomem;
    free((void *)keys);
    tally_free(a);
    sqlite3_result_text64(ctx, b.p, (sqlite3_uint64)b.len, free, SQLITE_UTF8);
    return;
nomem:
    free((void *)keys);
    free(b.p);
    tally_free(a);
    sqlite3_result_error_nomem(ctx);
}

int en_sqlfn_register(sqlite3 *db) {
    int rc = sqlite3_create_function(db, "pick", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, NULL,
                                     pick_step, pick_final);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "pick", 5, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, NULL,
                                     pick_step, pick_final);
    for (int n = T_WHEN; rc == SQLITE_OK && n <= T_ARGS; n++)
        rc = sqlite3_create_function(db, "tally", n, SQLITE_UTF8 | SQLITE_DETERMINISTIC, NULL, NULL,
                                     tally_step, tally_final);
    return rc;
}
