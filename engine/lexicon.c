/*
 * lexicon.c: cue lexicons (see lexicon.h).
 *
 * Phrase tokens live in one string pool. The index is built after the last
 * add (en_lexicon_build; an add drops it): whole-word first tokens and three-byte prefixes each go
 * in a sorted array of (key, phrase) searched by bisection, which keeps a lookup at a few
 * comparisons for lexicons of hundreds of phrases; short prefixes are few and tried in turn.
 */
#include "lexicon.h"

#include <stdlib.h>
#include <string.h>

typedef struct lx_tok {
    uint32_t off; /* into pool */
    uint32_t len; /* bytes, without the star */
    int prefix;   /* ended in '*' */
} lx_tok;

typedef struct lx_phrase {
    uint32_t tok;  /* first token in toks */
    uint32_t ntok; /* tokens */
} lx_phrase;

typedef struct lx_key {
    const char *s;   /* the key: a first token, or its first three bytes (in pool) */
    uint32_t len;    /* bytes of the key */
    uint32_t phrase; /* index in phrases (also the order of adding) */
} lx_key;

struct en_lexicon {
    en_buf pool; /* the phrase tokens' bytes */
    lx_tok *toks;
    size_t ntoks, toks_cap;
    lx_phrase *phrases;
    size_t nphrases, phrases_cap;
    lx_key *exact, *wild; /* sorted by key, then phrase */
    size_t nexact, nwild;
    uint32_t *shorts; /* phrases with a short prefix first, in order */
    size_t nshort;
    /* Quick rejection: the hashes of every exact key and every 3-byte wild
     * key (open addressing, 0 = empty). Most tokens start no phrase, and a
     * hash probe says so without the bisections. */
    uint32_t *seen;
    size_t nseen; /* slots, a power of two */
    int built;
};

en_lexicon *en_lexicon_new(void) {
    return calloc(1, sizeof(en_lexicon));
}

static void drop_index(en_lexicon *lx) {
    free(lx->exact);
    free(lx->wild);
    free(lx->shorts);
    free(lx->seen);
    lx->exact = lx->wild = NULL;
    lx->shorts = NULL;
    lx->seen = NULL;
    lx->nexact = lx->nwild = lx->nshort = lx->nseen = 0;
    lx->built = 0;
}

/* FNV-1a, never 0 (0 marks an empty slot); the 'x' salt keeps exact keys
 * and 3-byte wild keys apart. */
uint32_t en_lexicon_hash(const char *s, size_t n, int wild) {
    uint32_t h = wild ? 2166136261u ^ 'x' : 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h ? h : 1;
}

static void seen_add(en_lexicon *lx, uint32_t h) {
    size_t mask = lx->nseen - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        if (lx->seen[i] == h) return;
        if (lx->seen[i] == 0) {
            lx->seen[i] = h;
            return;
        }
    }
}

static int seen_has(const en_lexicon *lx, uint32_t h) {
    size_t mask = lx->nseen - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        if (lx->seen[i] == h) return 1;
        if (lx->seen[i] == 0) return 0;
    }
}

void en_lexicon_free(en_lexicon *lx) {
    if (!lx) return;
    drop_index(lx);
    en_buf_free(&lx->pool);
    free(lx->toks);
    free(lx->phrases);
    free(lx);
}

size_t en_lexicon_size(const en_lexicon *lx) {
    return lx->nphrases;
}

int en_lexicon_add(en_lexicon *lx, const char *const *toks, const size_t *lens, size_t ntok) {
    if (ntok == 0) return -2;
    size_t bytes = 0;
    for (size_t k = 0; k < ntok; k++) {
        if (lens[k] == 0 || (lens[k] == 1 && toks[k][0] == '*')) return -2;
        bytes += lens[k];
    }
    if (lx->pool.len + bytes > UINT32_MAX || lx->ntoks + ntok > UINT32_MAX) return -1;
    lx_tok *nt = en_grow_array(lx->toks, &lx->toks_cap, lx->ntoks + ntok, sizeof *lx->toks);
    if (!nt) return -1;
    lx->toks = nt;
    lx_phrase *np =
        en_grow_array(lx->phrases, &lx->phrases_cap, lx->nphrases + 1, sizeof *lx->phrases);
    if (!np) return -1;
    lx->phrases = np;
    if (en_buf_reserve(&lx->pool, bytes)) return -1;
    lx->phrases[lx->nphrases].tok = (uint32_t)lx->ntoks;
    lx->phrases[lx->nphrases].ntok = (uint32_t)ntok;
    for (size_t k = 0; k < ntok; k++) {
        size_t len = lens[k];
        int prefix = toks[k][len - 1] == '*';
        if (prefix) len--;
        lx->toks[lx->ntoks].off = (uint32_t)lx->pool.len;
        (void)en_buf_append(&lx->pool, toks[k], len); /* room reserved above: cannot fail */
        lx->toks[lx->ntoks].len = (uint32_t)len;
        lx->toks[lx->ntoks].prefix = prefix;
        lx->ntoks++;
    }
    lx->nphrases++;
    drop_index(lx);
    return 0;
}

/* Compare byte strings a and b as keys: bytes, then length. */
static int keycmp(const char *a, size_t alen, const char *b, size_t blen) {
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c) return c;
    return (alen > blen) - (alen < blen);
}

static int key_order(const void *x, const void *y) {
    const lx_key *a = x, *b = y;
    int c = keycmp(a->s, a->len, b->s, b->len);
    if (c) return c;
    return (a->phrase > b->phrase) - (a->phrase < b->phrase);
}

int en_lexicon_build(en_lexicon *lx) {
    if (lx->built) return 0;
    size_t n = lx->nphrases ? lx->nphrases : 1;
    lx->exact = malloc(n * sizeof *lx->exact);
    lx->wild = malloc(n * sizeof *lx->wild);
    lx->shorts = malloc(n * sizeof *lx->shorts);
    if (!lx->exact || !lx->wild || !lx->shorts) {
        drop_index(lx);
        return -1;
    }
    for (uint32_t p = 0; p < lx->nphrases; p++) {
        const lx_tok *t = &lx->toks[lx->phrases[p].tok];
        if (!t->prefix)
            lx->exact[lx->nexact++] = (lx_key){lx->pool.data + t->off, t->len, p};
        else if (t->len >= 3)
            lx->wild[lx->nwild++] = (lx_key){lx->pool.data + t->off, 3, p};
        else
            lx->shorts[lx->nshort++] = p;
    }
    qsort(lx->exact, lx->nexact, sizeof *lx->exact, key_order);
    qsort(lx->wild, lx->nwild, sizeof *lx->wild, key_order);
    lx->nseen = 16;
    while (lx->nseen < 2 * (lx->nexact + lx->nwild)) lx->nseen *= 2;
    lx->seen = calloc(lx->nseen, sizeof *lx->seen);
    if (!lx->seen) {
        drop_index(lx);
        return -1;
    }
    for (size_t i = 0; i < lx->nexact; i++)
        seen_add(lx, en_lexicon_hash(lx->exact[i].s, lx->exact[i].len, 0));
    for (size_t i = 0; i < lx->nwild; i++) seen_add(lx, en_lexicon_hash(lx->wild[i].s, 3, 1));
    lx->built = 1;
    return 0;
}

/* Does phrase p match at w[i..]? */
static int match_at(const en_lexicon *lx, uint32_t p, const en_ftok *w, size_t n, size_t i) {
    const lx_phrase *ph = &lx->phrases[p];
    if (i + ph->ntok > n) return 0;
    for (uint32_t k = 0; k < ph->ntok; k++) {
        const lx_tok *t = &lx->toks[ph->tok + k];
        const en_ftok *x = &w[i + k];
        if (t->prefix) {
            if (x->len < t->len || memcmp(x->s, lx->pool.data + t->off, t->len) != 0) return 0;
        } else if (x->len != t->len || memcmp(x->s, lx->pool.data + t->off, t->len) != 0) {
            return 0;
        }
    }
    return 1;
}

/* First entry of keys[0..n) whose key equals s[0..len), or n. */
static size_t lower_bound(const lx_key *keys, size_t n, const char *s, size_t len) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (keycmp(keys[mid].s, keys[mid].len, s, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static size_t try_keys(const en_lexicon *lx, const lx_key *keys, size_t nkeys, const char *s,
                       size_t len, const en_ftok *w, size_t n, size_t i) {
    for (size_t j = lower_bound(keys, nkeys, s, len); j < nkeys; j++) {
        if (keycmp(keys[j].s, keys[j].len, s, len) != 0) break;
        if (match_at(lx, keys[j].phrase, w, n, i)) return lx->phrases[keys[j].phrase].ntok;
    }
    return 0;
}

size_t en_lexicon_at_hashed(en_lexicon *lx, const en_ftok *w, size_t n, size_t i, uint32_t h,
                            uint32_t h3) {
    if (i >= n || !lx->built) return 0;
    size_t r;
    if (lx->nexact && seen_has(lx, h)) {
        r = try_keys(lx, lx->exact, lx->nexact, w[i].s, w[i].len, w, n, i);
        if (r) return r;
    }
    if (w[i].len >= 3 && lx->nwild && seen_has(lx, h3)) {
        r = try_keys(lx, lx->wild, lx->nwild, w[i].s, 3, w, n, i);
        if (r) return r;
    }
    for (size_t j = 0; j < lx->nshort; j++)
        if (match_at(lx, lx->shorts[j], w, n, i)) return lx->phrases[lx->shorts[j]].ntok;
    return 0;
}

size_t en_lexicon_at(en_lexicon *lx, const en_ftok *w, size_t n, size_t i) {
    if (i >= n || !lx->built) return 0;
    return en_lexicon_at_hashed(lx, w, n, i, en_lexicon_hash(w[i].s, w[i].len, 0),
                                w[i].len >= 3 ? en_lexicon_hash(w[i].s, 3, 1) : 0);
}
