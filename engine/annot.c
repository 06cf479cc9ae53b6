/*
 * annot.c: the per-document annotation index (see annot.h).
 *
 * One sorted array per type. Documents hold hundreds of mentions, not
 * millions, so insertion by memmove into a sorted array beats a tree on
 * every count that matters here (cache, code size, iteration), while every
 * query stays a binary search.
 */
#include "annot.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TYPES 4096

typedef struct tlist {
    en_ann *v;
    size_t n, cap;
    uint32_t maxlen; /* longest mention ever added (bounds covering scans) */
} tlist;

struct en_annot {
    tlist *types; /* indexed by type */
    size_t ntypes;
};

en_annot *en_annot_new(void) {
    return calloc(1, sizeof(en_annot));
}

void en_annot_free(en_annot *a) {
    if (!a) return;
    for (size_t i = 0; i < a->ntypes; i++) free(a->types[i].v);
    free(a->types);
    free(a);
}

void en_annot_clear(en_annot *a) {
    for (size_t i = 0; i < a->ntypes; i++) {
        a->types[i].n = 0;
        a->types[i].maxlen = 0;
    }
}

static const tlist *get(const en_annot *a, uint32_t type) {
    if (type >= a->ntypes) return NULL;
    return &a->types[type];
}

int en_ann_order(const en_ann *x, const en_ann *y) {
    if (x->start != y->start) return x->start < y->start ? -1 : 1;
    if (x->stop != y->stop) return x->stop > y->stop ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

/* First index whose start is >= pos. */
static size_t lower_start(const tlist *t, uint32_t pos) {
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->v[mid].start < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int en_annot_add(en_annot *a, uint32_t type, uint32_t start, uint32_t stop, uint32_t id) {
    if (type >= MAX_TYPES || stop < start) return -1;
    if (type >= a->ntypes) {
        size_t n = type + 1 < 16 ? 16 : (size_t)type + 1;
        tlist *nt = realloc(a->types, n * sizeof *nt);
        if (!nt) return -1;
        memset(nt + a->ntypes, 0, (n - a->ntypes) * sizeof *nt);
        a->types = nt;
        a->ntypes = n;
    }
    tlist *t = &a->types[type];
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        en_ann *nv = realloc(t->v, cap * sizeof *nv);
        if (!nv) return -1;
        t->v = nv;
        t->cap = cap;
    }
    const en_ann key = {start, stop, id};
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (en_ann_order(&t->v[mid], &key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    memmove(&t->v[lo + 1], &t->v[lo], (t->n - lo) * sizeof *t->v);
    t->v[lo].start = start;
    t->v[lo].stop = stop;
    t->v[lo].id = id;
    t->n++;
    if (stop - start > t->maxlen) t->maxlen = stop - start;
    return 0;
}

int en_annot_remove(en_annot *a, uint32_t type, uint32_t id) {
    if (type >= a->ntypes) return 0;
    tlist *t = &a->types[type];
    for (size_t i = 0; i < t->n; i++) {
        if (t->v[i].id == id) {
            memmove(&t->v[i], &t->v[i + 1], (t->n - i - 1) * sizeof *t->v);
            t->n--;
            return 1;
        }
    }
    return 0;
}

size_t en_annot_starting(const en_annot *a, uint32_t type, uint32_t pos, const en_ann **first) {
    const tlist *t = get(a, type);
    *first = NULL;
    if (!t || t->n == 0) return 0;
    size_t i = lower_start(t, pos), j = i;
    while (j < t->n && t->v[j].start == pos) j++;
    if (j > i) *first = &t->v[i];
    return j - i;
}

size_t en_annot_covering(const en_annot *a, uint32_t type, uint32_t pos, const en_ann **out,
                         size_t max) {
    const tlist *t = get(a, type);
    if (!t || t->n == 0) return 0;
    /* candidates start in [pos - maxlen, pos] */
    uint32_t from = pos > t->maxlen ? pos - t->maxlen : 0;
    size_t i = lower_start(t, from), count = 0;
    for (; i < t->n && t->v[i].start <= pos; i++) {
        if (t->v[i].stop > pos) {
            if (count < max) out[count] = &t->v[i];
            count++;
        }
    }
    return count;
}

size_t en_annot_starting_in(const en_annot *a, uint32_t type, uint32_t from, uint32_t to,
                            const en_ann **first) {
    const tlist *t = get(a, type);
    *first = NULL;
    if (!t || t->n == 0 || to <= from) return 0;
    size_t i = lower_start(t, from), j = lower_start(t, to);
    if (j > i) *first = &t->v[i];
    return j - i;
}

size_t en_annot_all(const en_annot *a, uint32_t type, const en_ann **first) {
    const tlist *t = get(a, type);
    *first = t && t->n ? t->v : NULL;
    return t ? t->n : 0;
}
