/*
 * gazetteer.c: a multi-pattern phrase matcher over folded tokens (contract
 * in gazetteer.h).
 *
 * Phrases live in a token trie. Every distinct folded token is interned to
 * a 32-bit id (an open-addressing table of ids over one string arena). The
 * root's edges are kept in the token records; all other trie edges sit in
 * a second open-addressing table keyed by (parent node, token id). A node
 * that ends at least one phrase points to a chain of terms: at most one
 * folded term (the phrase matched in any case and with or without
 * diacritics) and any number of EN_GAZ_EXACT terms, each holding the raw
 * token texts it must equal byte for byte.
 *
 * Each term owns one contiguous run of the shared values array, so that a
 * hit can point into it. An exact term's run also holds a copy of the
 * folded term's values of the same node: when "US" is matched exactly, the
 * entries of a plain "us" apply too. A run grows in place while it is at
 * the end of the array, and otherwise moves to the end with room to spare
 * (the hole it leaves is never reused; phrases that come back later with
 * more values are rare).
 *
 * Matching costs at most one token hash lookup and one edge lookup per
 * step (token ids are cached across start positions), so it depends on the
 * text and not on the number of entries. Every change to the gazetteer
 * reserves its memory before it changes any state, so that a failed
 * allocation leaves a usable gazetteer (at worst with trie nodes that end
 * no phrase and so match nothing).
 */
#include "gazetteer.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX

/* An interned folded token: its bytes in g->str, its hash, and the child
 * of the root along it (0: no phrase starts with it). Keeping the root's
 * edges here saves the edge lookup of the first step, the most frequent
 * one when matching. */
typedef struct tokrec {
    uint32_t off, len, hash, root;
} tokrec;

/* A trie edge; child 0 marks an empty slot (the root is nobody's child). */
typedef struct edge {
    uint32_t parent, tok, child;
} edge;

/* A phrase as stored: its values, and for an exact phrase its raw tokens. */
typedef struct term {
    uint32_t vals;  /* first value in g->vals */
    uint32_t nvals; /* values in use */
    uint32_t cap;   /* values reserved at vals */
    uint32_t raw;   /* offset of the raw tokens in g->raw, NONE for a folded term */
    uint32_t next;  /* next term of the same node, or NONE */
} term;

struct en_gaz {
    /* Token interning. */
    en_buf str;   /* folded token bytes, back to back */
    tokrec *toks; /* by token id */
    size_t ntoks, tokcap;
    uint32_t *tslot; /* token id + 1, 0 = empty */
    size_t tslots;   /* a power of two, or 0 */

    /* The trie. */
    edge *eslot;    /* edge table */
    size_t eslots;  /* a power of two, or 0 */
    size_t nedges;  /* edges in the table */
    uint32_t *node; /* per node: first term, or NONE; node 0 is the root */
    size_t nnodes, nodecap;
    term *terms;
    size_t nterms, termcap;
    uint32_t *vals; /* the values array hits index into */
    size_t nvals, valcap;
    size_t nvalues; /* (phrase, value) pairs added */
    en_buf raw;     /* raw tokens of exact terms: (uint32 length, bytes)... */

    /* Scratch for en_gaz_add, kept to avoid allocating per call. */
    en_tokens ptok;
    en_buf pfold;
    en_ftok *pf;
    size_t pfcap;
};

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* The finaliser of MurmurHash3: spreads every input bit over the word. */
static uint64_t mix64(uint64_t x) {
    x ^= x >> 33;
    x *= 0xFF51AFD7ED558CCDu;
    x ^= x >> 33;
    x *= 0xC4CEB9FE1A85EC53u;
    x ^= x >> 33;
    return x;
}

/* Hash of a short byte string, eight bytes at a time. */
static uint32_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 0x9E3779B97F4A7C15u ^ (uint64_t)n;
    while (n >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = (h ^ w) * 0x100000001B3u;
        h ^= h >> 29;
        s += 8;
        n -= 8;
    }
    if (n) {
        uint64_t w = 0;
        memcpy(&w, s, n);
        h = (h ^ w) * 0x100000001B3u;
    }
    return (uint32_t)mix64(h);
}

static size_t edge_hash(uint32_t parent, uint32_t tok) {
    return (size_t)mix64(((uint64_t)parent << 32) | tok);
}

/* ------------------------------------------------------------------ */
/* Token interning                                                     */
/* ------------------------------------------------------------------ */

/* Id of the folded token s[0..len) with hash h, or NONE when it was never
 * interned (and so is part of no phrase). */
static uint32_t tok_find(const en_gaz *g, const char *s, size_t len, uint32_t h) {
    if (!g->tslots) return NONE;
    size_t mask = g->tslots - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
        uint32_t e = g->tslot[i];
        if (!e) return NONE;
        const tokrec *t = &g->toks[e - 1];
        if (t->hash == h && t->len == len && (len == 0 || !memcmp(g->str.data + t->off, s, len)))
            return e - 1;
    }
}

/* Rebuild the token table with nslots slots (a power of two). */
static int tok_rehash(en_gaz *g, size_t nslots) {
    uint32_t *slot = calloc(nslots, sizeof *slot);
    if (!slot) return -1;
    size_t mask = nslots - 1;
    for (size_t id = 0; id < g->ntoks; id++) {
        size_t i = g->toks[id].hash & mask;
        while (slot[i]) i = (i + 1) & mask;
        slot[i] = (uint32_t)(id + 1);
    }
    free(g->tslot);
    g->tslot = slot;
    g->tslots = nslots;
    return 0;
}

/* Store the id of folded token s[0..len) in *id, interning it if new. The
 * table stays at most half full. */
static int tok_intern(en_gaz *g, const char *s, size_t len, uint32_t *id) {
    uint32_t h = hash_bytes(s, len);
    *id = tok_find(g, s, len, h);
    if (*id != NONE) return 0;
    if (g->ntoks >= NONE - 1 || len > UINT32_MAX || g->str.len > UINT32_MAX - len) return -1;
    tokrec *t = en_grow_array(g->toks, &g->tokcap, g->ntoks + 1, sizeof *t);
    if (!t) return -1;
    g->toks = t;
    if ((g->ntoks + 1) * 2 > g->tslots && tok_rehash(g, g->tslots ? g->tslots * 2 : 256) != 0)
        return -1;
    size_t off = g->str.len;
    if (en_buf_append(&g->str, s, len) != 0) return -1;
    t = &g->toks[g->ntoks];
    t->off = (uint32_t)off;
    t->len = (uint32_t)len;
    t->hash = h;
    t->root = 0;
    size_t mask = g->tslots - 1, i = h & mask;
    while (g->tslot[i]) i = (i + 1) & mask;
    g->tslot[i] = (uint32_t)(g->ntoks + 1);
    *id = (uint32_t)g->ntoks++;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Trie edges                                                          */
/* ------------------------------------------------------------------ */

/* Child of parent along token tok, or 0 when there is none. */
static uint32_t edge_find(const en_gaz *g, uint32_t parent, uint32_t tok) {
    if (!parent) return g->toks[tok].root;
    if (!g->eslots) return 0;
    size_t mask = g->eslots - 1;
    for (size_t i = edge_hash(parent, tok) & mask;; i = (i + 1) & mask) {
        const edge *e = &g->eslot[i];
        if (!e->child) return 0;
        if (e->parent == parent && e->tok == tok) return e->child;
    }
}

/* Rebuild the edge table with nslots slots (a power of two). */
static int edge_rehash(en_gaz *g, size_t nslots) {
    edge *slot = calloc(nslots, sizeof *slot);
    if (!slot) return -1;
    size_t mask = nslots - 1;
    for (size_t k = 0; k < g->eslots; k++) {
        const edge *e = &g->eslot[k];
        if (!e->child) continue;
        size_t i = edge_hash(e->parent, e->tok) & mask;
        while (slot[i].child) i = (i + 1) & mask;
        slot[i] = *e;
    }
    free(g->eslot);
    g->eslot = slot;
    g->eslots = nslots;
    return 0;
}

/* Follow the edge from *node along tok, creating the child node when it
 * does not exist yet. The edge table stays at most half full, so that a
 * failed lookup (the common case when matching) ends quickly. */
static int edge_step(en_gaz *g, uint32_t *node, uint32_t tok) {
    uint32_t child = edge_find(g, *node, tok);
    if (child) {
        *node = child;
        return 0;
    }
    if (g->nnodes >= NONE - 1) return -1;
    uint32_t *nd = en_grow_array(g->node, &g->nodecap, g->nnodes + 1, sizeof *nd);
    if (!nd) return -1;
    g->node = nd;
    if (*node && (g->nedges + 1) * 2 > g->eslots &&
        edge_rehash(g, g->eslots ? g->eslots * 2 : 512) != 0)
        return -1;
    child = (uint32_t)g->nnodes++;
    g->node[child] = NONE;
    if (!*node) {
        g->toks[tok].root = child;
        *node = child;
        return 0;
    }
    size_t mask = g->eslots - 1, i = edge_hash(*node, tok) & mask;
    while (g->eslot[i].child) i = (i + 1) & mask;
    g->eslot[i] = (edge){*node, tok, child};
    g->nedges++;
    *node = child;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Terms and values                                                    */
/* ------------------------------------------------------------------ */

static int has_value(const en_gaz *g, const term *t, uint32_t value) {
    for (uint32_t k = 0; k < t->nvals; k++)
        if (g->vals[t->vals + k] == value) return 1;
    return 0;
}

/* Upper bound of the values array slots that one append to t may take. */
static size_t append_need(const term *t) {
    return t->nvals < t->cap ? 0 : 2 * (size_t)t->nvals + 2;
}

/* Make room for n more slots in the values array (indices stay uint32). */
static int vals_reserve(en_gaz *g, size_t n) {
    if (n > NONE - g->nvals) return -1;
    uint32_t *v = en_grow_array(g->vals, &g->valcap, g->nvals + n, sizeof *v);
    if (!v) return -1;
    g->vals = v;
    return 0;
}

/* Append value to t's run; room was reserved with append_need. A full run
 * at the end of the array grows in place, any other moves to the end with
 * twice the room. */
static void append_value(en_gaz *g, term *t, uint32_t value) {
    if (t->nvals == t->cap) {
        if ((size_t)t->vals + t->cap == g->nvals) {
            t->cap++;
            g->nvals++;
        } else {
            uint32_t cap = t->nvals ? 2 * t->nvals : 1;
            if (t->nvals) memcpy(g->vals + g->nvals, g->vals + t->vals, t->nvals * sizeof *g->vals);
            t->vals = (uint32_t)g->nvals;
            t->cap = cap;
            g->nvals += cap;
        }
    }
    g->vals[t->vals + t->nvals++] = value;
}

/* Make room for one more term. */
static int terms_reserve(en_gaz *g) {
    if (g->nterms >= NONE - 1) return -1;
    term *t = en_grow_array(g->terms, &g->termcap, g->nterms + 1, sizeof *t);
    if (!t) return -1;
    g->terms = t;
    return 0;
}

/* The folded term of a node (always first in its chain), or NULL. */
static term *folded_term(const en_gaz *g, uint32_t node) {
    uint32_t t = g->node[node];
    return t != NONE && g->terms[t].raw == NONE ? &g->terms[t] : NULL;
}

/* Add value to the folded phrase ending at node, and to every exact
 * phrase of that node (which carry the folded values too). A value the
 * phrase already has is not added again. */
static int add_folded(en_gaz *g, uint32_t node, uint32_t value) {
    term *f = folded_term(g, node);
    if (f && has_value(g, f, value)) return 0;
    size_t need = f ? append_need(f) : 1;
    for (uint32_t t = f ? f->next : g->node[node]; t != NONE; t = g->terms[t].next)
        if (!has_value(g, &g->terms[t], value)) need += append_need(&g->terms[t]);
    if (vals_reserve(g, need) != 0) return -1;
    if (!f) {
        if (terms_reserve(g) != 0) return -1;
        uint32_t id = (uint32_t)g->nterms++;
        f = &g->terms[id];
        *f = (term){(uint32_t)g->nvals, 0, 1, NONE, g->node[node]};
        g->nvals++;
        g->node[node] = id;
    }
    append_value(g, f, value);
    for (uint32_t t = f->next; t != NONE; t = g->terms[t].next)
        if (!has_value(g, &g->terms[t], value)) append_value(g, &g->terms[t], value);
    g->nvalues++;
    return 0;
}

/* Do the raw tokens stored at g->raw[off] equal the n tokens of text from
 * toks[first] on, byte for byte? */
static int raw_equal(const en_gaz *g, uint32_t off, const char *text, const en_token *toks,
                     size_t first, size_t n) {
    const char *r = g->raw.data + off;
    for (size_t k = 0; k < n; k++) {
        uint32_t len;
        memcpy(&len, r, sizeof len);
        r += sizeof len;
        const en_token *t = &toks[first + k];
        if (t->stop - t->start != len || (len && memcmp(r, text + t->start, len))) return 0;
        r += len;
    }
    return 1;
}

/* Add value to the exact phrase whose n raw tokens are toks of phrase,
 * ending at node. A new exact term starts with a copy of the folded
 * term's values, and goes right after the folded term in the chain. */
static int add_exact(en_gaz *g, uint32_t node, const char *phrase, const en_token *toks, size_t n,
                     uint32_t value) {
    for (uint32_t t = g->node[node]; t != NONE; t = g->terms[t].next) {
        term *x = &g->terms[t];
        if (x->raw == NONE || !raw_equal(g, x->raw, phrase, toks, 0, n)) continue;
        if (has_value(g, x, value)) return 0;
        if (vals_reserve(g, append_need(x)) != 0) return -1;
        append_value(g, x, value);
        g->nvalues++;
        return 0;
    }

    term *f = folded_term(g, node);
    uint32_t nf = f ? f->nvals : 0;
    size_t rawlen = 0;
    for (size_t k = 0; k < n; k++) rawlen += sizeof(uint32_t) + (toks[k].stop - toks[k].start);
    if (g->raw.len > UINT32_MAX || rawlen > UINT32_MAX - g->raw.len) return -1;
    if (vals_reserve(g, (size_t)nf + 1) != 0 || terms_reserve(g) != 0 ||
        en_buf_reserve(&g->raw, rawlen) != 0)
        return -1;

    /* Nothing below can fail: the room is reserved. */
    uint32_t off = (uint32_t)g->raw.len;
    for (size_t k = 0; k < n; k++) {
        uint32_t len = toks[k].stop - toks[k].start;
        en_buf_append(&g->raw, &len, sizeof len);
        en_buf_append(&g->raw, phrase + toks[k].start, len);
    }
    uint32_t id = (uint32_t)g->nterms++;
    term *x = &g->terms[id];
    f = folded_term(g, node); /* terms may have moved */
    *x = (term){(uint32_t)g->nvals, nf, nf + 1, off, NONE};
    if (nf) memcpy(g->vals + g->nvals, g->vals + f->vals, nf * sizeof *g->vals);
    g->nvals += (size_t)nf + 1;
    if (!has_value(g, x, value)) g->vals[x->vals + x->nvals++] = value;
    if (f) {
        x->next = f->next;
        f->next = id;
    } else {
        x->next = g->node[node];
        g->node[node] = id;
    }
    g->nvalues++;
    return 0;
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

/* Fold the tokens one after the other into buf, keeping only each folded
 * length in out[]; the views are made at the end, since buf may move
 * while it grows. */
int en_fold_tokens(const char *text, const en_token *toks, size_t ntok, en_buf *buf, en_ftok *out) {
    if (!buf || (ntok && (!text || !toks || !out))) return -1;
    if (!ntok) return 0;
    size_t base = buf->len;
    if (en_buf_reserve(buf, toks[ntok - 1].stop - toks[0].start) != 0) return -1;
    for (size_t i = 0; i < ntok; i++) {
        size_t before = buf->len;
        if (en_fold(text + toks[i].start, toks[i].stop - toks[i].start, buf) != 0) return -1;
        if (buf->len - before > UINT32_MAX) return -1;
        out[i].len = (uint32_t)(buf->len - before);
    }
    const char *s = buf->data + base;
    for (size_t i = 0; i < ntok; i++) {
        out[i].s = s;
        s += out[i].len;
    }
    return 0;
}

en_gaz *en_gaz_new(void) {
    en_gaz *g = calloc(1, sizeof *g);
    if (!g) return NULL;
    g->node = malloc(16 * sizeof *g->node);
    if (!g->node) {
        free(g);
        return NULL;
    }
    g->nodecap = 16;
    g->node[0] = NONE; /* the root */
    g->nnodes = 1;
    return g;
}

void en_gaz_free(en_gaz *g) {
    if (!g) return;
    en_buf_free(&g->str);
    free(g->toks);
    free(g->tslot);
    free(g->eslot);
    free(g->node);
    free(g->terms);
    free(g->vals);
    en_buf_free(&g->raw);
    en_tokens_free(&g->ptok);
    en_buf_free(&g->pfold);
    free(g->pf);
    free(g);
}

/* Tokenize and fold the phrase as a text would be, walk the trie along
 * its tokens (creating nodes as needed) and add the value to the folded
 * or exact phrase at the last node. Nodes left by a failed add end no
 * phrase and so match nothing. */
int en_gaz_add(en_gaz *g, const char *phrase, size_t len, uint32_t value, unsigned flags) {
    if (!g || (!phrase && len)) return -1;
    if (!len) return 0;
    g->ptok.n = 0;
    if (en_tokenize(phrase, len, &g->ptok) != 0) return -1;
    size_t n = g->ptok.n;
    if (!n) return 0;
    en_ftok *pf = en_grow_array(g->pf, &g->pfcap, n, sizeof *pf);
    if (!pf) return -1;
    g->pf = pf;
    g->pfold.len = 0;
    if (en_fold_tokens(phrase, g->ptok.v, n, &g->pfold, pf) != 0) return -1;
    uint32_t node = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t id;
        if (tok_intern(g, pf[i].s, pf[i].len, &id) != 0 || edge_step(g, &node, id) != 0) return -1;
    }
    if (flags & EN_GAZ_EXACT) return add_exact(g, node, phrase, g->ptok.v, n, value);
    return add_folded(g, node, value);
}

size_t en_gaz_phrases(const en_gaz *g) {
    return g ? g->nterms : 0;
}

size_t en_gaz_size(const en_gaz *g) {
    return g ? g->nvalues : 0;
}

const uint32_t *en_gaz_values(const en_gaz *g) {
    return g ? g->vals : NULL;
}

/* The term that applies at node for the depth tokens of text from p on:
 * an exact term whose raw tokens equal the text's, else the folded term,
 * else none. */
static const term *select_term(const en_gaz *g, uint32_t node, const char *text,
                               const en_token *toks, size_t p, size_t depth) {
    const term *folded = NULL;
    for (uint32_t t = g->node[node]; t != NONE; t = g->terms[t].next) {
        const term *x = &g->terms[t];
        if (x->raw == NONE)
            folded = x;
        else if (raw_equal(g, x->raw, text, toks, p, depth))
            return x;
    }
    return folded;
}

/* Token ids of the last positions seen by en_gaz_match: a walk from p
 * looks up the tokens after p, and the walks from the next positions need
 * the same ids again. */
enum { IDCACHE = 64 };
typedef struct idcache {
    size_t pos[IDCACHE];
    uint32_t id[IDCACHE];
} idcache;

static uint32_t id_at(const en_gaz *g, const en_ftok *ftok, size_t q, idcache *c) {
    size_t k = q % IDCACHE;
    if (c->pos[k] != q) {
        c->pos[k] = q;
        c->id[k] = tok_find(g, ftok[q].s, ftok[q].len, hash_bytes(ftok[q].s, ftok[q].len));
    }
    return c->id[k];
}

/* Leftmost-longest scan: from each position walk the trie as far as the
 * tokens allow (never into a new paragraph), remember the deepest node
 * whose phrase applies, emit it and resume after it. */
int en_gaz_match(const en_gaz *g, const char *text, const en_token *toks, const en_ftok *ftok,
                 size_t first, size_t count, en_gaz_hits *out) {
    if (!g || !out || (count && (!text || !toks || !ftok))) return -1;
    if (!g->nterms) return 0;
    size_t end = first + count;
    if (end < first) return -1;
    idcache cache;
    memset(cache.pos, 0xFF, sizeof cache.pos); /* no position is SIZE_MAX */
    size_t p = first;
    while (p < end) {
        const term *best = NULL;
        size_t best_len = 0;
        uint32_t node = 0;
        for (size_t q = p; q < end; q++) {
            if (q > p && (toks[q].flags & EN_TF_PARA_START)) break;
            uint32_t id = id_at(g, ftok, q, &cache);
            if (id == NONE) break;
            node = edge_find(g, node, id);
            if (!node) break;
            if (g->node[node] == NONE) continue;
            const term *t = select_term(g, node, text, toks, p, q - p + 1);
            if (t) {
                best = t;
                best_len = q - p + 1;
            }
        }
        if (!best) {
            p++;
            continue;
        }
        if (out->n == out->cap) {
            en_gaz_hit *v = en_grow_array(out->v, &out->cap, out->n + 1, sizeof *v);
            if (!v) return -1;
            out->v = v;
        }
        out->v[out->n++] = (en_gaz_hit){(uint32_t)p, (uint32_t)best_len, best->vals, best->nvals};
        p += best_len;
    }
    return 0;
}

void en_gaz_hits_free(en_gaz_hits *h) {
    if (!h) return;
    free(h->v);
    h->v = NULL;
    h->n = 0;
    h->cap = 0;
}
