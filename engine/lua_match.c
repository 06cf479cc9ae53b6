/*
 * lua_match.c: the entente.Matcher type: what LPeg patterns consult at
 * match time.
 *
 * One Matcher per Lua state holds the document being processed (its tokens,
 * their folded forms, the annotation index) and the current range (a
 * sentence). Rules match LPeg patterns against the text of that range; the
 * pattern helpers of lib/entente/pattern.lua are lpeg.Cmt captures backed by
 * the C functions below, which turn the subject position into a byte offset
 * in the document (offset = base + position - 1) and answer from the token
 * array and the annotation index:
 *
 *   tok      the next token, whatever it is
 *   word     the next token, when its folded form is in a set
 *   kind     the next token, when it has a kind / flags
 *   ent      a mention of a type starting at the next token (longest first)
 *
 * Each helper is lpeg.Cmt(lpeg.P(1), f): LPeg sees it consume at least one
 * byte (so helpers may sit in loops and recursive grammars), and f gets the
 * position after that byte, so the C side looks from one byte back. Each
 * helper skips the whitespace before the next token, refuses to start
 * inside a token, never goes past the range, and records the furthest
 * offset any helper reached: that is how `explain --rule` tells where a
 * pattern stopped matching.
 *
 * User values of the Matcher: 1 the current Document, 2 the mention list
 * (a Lua array whose indexes are the ids in the annotation index).
 */
#include <stdlib.h>
#include <string.h>

#include "annot.h"
#include "gazetteer.h"
#include "lexicon.h"
#include "lua_entente.h"

typedef struct en_matcher {
    en_docview v;  /* current document (kept alive by user value 1) */
    en_buf fbuf;   /* folded token texts */
    en_ftok *ftok; /* folded tokens, indexed like v.toks */
    size_t ftok_cap;
    uint32_t *fhash;  /* per token: lexicon hashes of the folded token and of */
    uint32_t *fhash3; /* its first three bytes (en_lexicon_hash), made at begin */
    en_annot *annot;  /* mentions by type */
    uint32_t base;    /* byte offset of the range's start (subject position 1) */
    uint32_t stop;    /* byte offset of the range's end */
    size_t tfirst;    /* tokens of the range: [tfirst, tend) */
    size_t tend;
    uint32_t furthest; /* furthest offset reached by a helper */
    int active;        /* a document is loaded */
} en_matcher;

static en_matcher *check_matcher(lua_State *L, int i) {
    en_matcher *m = luaL_checkudata(L, i, EN_MATCHER_MT);
    if (!m->annot) luaL_argerror(L, i, "closed matcher");
    return m;
}

static en_matcher *active_matcher(lua_State *L, int i) {
    en_matcher *m = check_matcher(L, i);
    if (!m->active) luaL_error(L, "no document is being matched (call begin first)");
    return m;
}

/* core.matcher() -> Matcher */
static int l_matcher(lua_State *L) {
    en_matcher *m = lua_newuserdatauv(L, sizeof *m, 2); /* [m] */
    memset(m, 0, sizeof *m);
    luaL_setmetatable(L, EN_MATCHER_MT);
    m->annot = en_annot_new();
    if (!m->annot) return luaL_error(L, "out of memory");
    return 1;
}

static int matcher_gc(lua_State *L) {
    en_matcher *m = luaL_checkudata(L, 1, EN_MATCHER_MT);
    en_annot_free(m->annot);
    m->annot = NULL;
    en_buf_free(&m->fbuf);
    free(m->ftok);
    m->ftok = NULL;
    free(m->fhash);
    free(m->fhash3);
    m->fhash = m->fhash3 = NULL;
    m->active = 0;
    return 0;
}

/* Index of the first token starting at or after byte offset off (ntok
 * when none does). */
static size_t first_token_at(const en_matcher *m, uint32_t off) {
    size_t lo = 0, hi = m->v.ntok;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v.toks[mid].start < off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The tokens that lie inside [a, b): [*first, *end). */
static void tokens_in(const en_matcher *m, uint32_t a, uint32_t b, size_t *first, size_t *end) {
    size_t e = *first = first_token_at(m, a);
    while (e < m->v.ntok && m->v.toks[e].stop <= b) e++;
    *end = e;
}

/* Arguments i and i+1 as a byte span [a, b) of the document. */
static void check_span(lua_State *L, const en_matcher *m, int i, uint32_t *a, uint32_t *b) {
    lua_Integer x = luaL_checkinteger(L, i), y = luaL_checkinteger(L, i + 1);
    luaL_argcheck(L, x >= 0 && (size_t)x <= m->v.len, i, "offset out of range");
    luaL_argcheck(L, y >= x && (size_t)y <= m->v.len, i + 1, "offset out of range");
    *a = (uint32_t)x;
    *b = (uint32_t)y;
}

/* Set the range to [start, stop) and its tokens. */
static void set_range(en_matcher *m, uint32_t start, uint32_t stop) {
    tokens_in(m, start, stop, &m->tfirst, &m->tend);
    m->base = start;
    m->stop = stop;
    m->furthest = start;
}

/* M:begin(doc, mentions): load a document; clears the index. */
static int matcher_begin(lua_State *L) {
    en_matcher *m = check_matcher(L, 1);
    en_docview v;
    en_doc_view(L, 2, &v);
    luaL_checktype(L, 3, LUA_TTABLE);
    if (v.ntok > m->ftok_cap) {
        en_ftok *nf = realloc(m->ftok, v.ntok * sizeof *nf);
        if (!nf) return luaL_error(L, "out of memory");
        m->ftok = nf;
        uint32_t *h = realloc(m->fhash, v.ntok * sizeof *h);
        if (!h) return luaL_error(L, "out of memory");
        m->fhash = h;
        h = realloc(m->fhash3, v.ntok * sizeof *h);
        if (!h) return luaL_error(L, "out of memory");
        m->fhash3 = h;
        m->ftok_cap = v.ntok;
    }
    m->fbuf.len = 0;
    if (en_fold_tokens(v.text, v.toks, v.ntok, &m->fbuf, m->ftok))
        return luaL_error(L, "out of memory folding tokens");
    for (size_t k = 0; k < v.ntok; k++) {
        m->fhash[k] = en_lexicon_hash(m->ftok[k].s, m->ftok[k].len, 0);
        m->fhash3[k] = m->ftok[k].len >= 3 ? en_lexicon_hash(m->ftok[k].s, 3, 1) : 0;
    }
    m->v = v;
    en_annot_clear(m->annot);
    lua_pushvalue(L, 2);
    lua_setiuservalue(L, 1, 1);
    lua_pushvalue(L, 3);
    lua_setiuservalue(L, 1, 2);
    m->active = 1;
    set_range(m, 0, (uint32_t)v.len);
    return 0;
}

/* M:finish(): let go of the document. */
static int matcher_finish(lua_State *L) {
    en_matcher *m = check_matcher(L, 1);
    m->active = 0;
    memset(&m->v, 0, sizeof m->v);
    lua_pushnil(L);
    lua_setiuservalue(L, 1, 1);
    lua_pushnil(L);
    lua_setiuservalue(L, 1, 2);
    en_annot_clear(m->annot);
    return 0;
}

/* M:range(start, stop) -> subject: match within this byte range */
static int matcher_range(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    uint32_t a, b;
    check_span(L, m, 2, &a, &b);
    set_range(m, a, b);
    lua_pushlstring(L, m->v.text + a, b - a);
    return 1;
}

/* M:sentence(i [, bare]) -> subject, start, stop: match within sentence i
 * (1-based). With bare true, only start and stop (no copy of the text). */
static int matcher_sentence(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2);
    luaL_argcheck(L, i >= 1 && (size_t)i <= m->v.nsents, 2, "no such sentence");
    const en_sentence *s = &m->v.sents[i - 1];
    set_range(m, s->start, s->stop);
    m->tfirst = s->tok_first;
    m->tend = (size_t)s->tok_first + s->tok_count;
    if (lua_toboolean(L, 3)) { /* the caller has the subject already */
        lua_pushinteger(L, s->start);
        lua_pushinteger(L, s->stop);
        return 2;
    }
    lua_pushlstring(L, m->v.text + s->start, s->stop - s->start);
    lua_pushinteger(L, s->start);
    lua_pushinteger(L, s->stop);
    return 3;
}

/* M:sentence_of(offset) -> index (1-based), start, stop of the sentence
 * covering a byte offset, or nothing. Does not change the range. */
static int matcher_sentence_of(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    lua_Integer off = luaL_checkinteger(L, 2);
    size_t lo = 0, hi = m->v.nsents;
    while (lo < hi) { /* first sentence with stop > off */
        size_t mid = lo + (hi - lo) / 2;
        if ((lua_Integer)m->v.sents[mid].stop <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= m->v.nsents || (lua_Integer)m->v.sents[lo].start > off) return 0;
    lua_pushinteger(L, (lua_Integer)lo + 1);
    lua_pushinteger(L, m->v.sents[lo].start);
    lua_pushinteger(L, m->v.sents[lo].stop);
    return 3;
}

/* ---- the index -------------------------------------------------------------- */

static uint32_t check_u32(lua_State *L, int i) {
    lua_Integer v = luaL_checkinteger(L, i);
    luaL_argcheck(L, v >= 0 && v <= (lua_Integer)UINT32_MAX, i, "out of range");
    return (uint32_t)v;
}

/* M:add(type, start, stop, id) */
static int matcher_add(lua_State *L) {
    en_matcher *m = check_matcher(L, 1);
    uint32_t type = check_u32(L, 2), a = check_u32(L, 3), b = check_u32(L, 4), id = check_u32(L, 5);
    luaL_argcheck(L, b >= a, 4, "stop before start");
    if (en_annot_add(m->annot, type, a, b, id)) return luaL_error(L, "cannot index mention");
    return 0;
}

/* M:remove(type, id) -> boolean */
static int matcher_remove(lua_State *L) {
    en_matcher *m = check_matcher(L, 1);
    lua_pushboolean(L, en_annot_remove(m->annot, check_u32(L, 2), check_u32(L, 3)));
    return 1;
}

/* Push ids of n annotations as an array. */
static void push_ids(lua_State *L, const en_ann *first, size_t n) {
    lua_createtable(L, (int)n, 0);
    for (size_t i = 0; i < n; i++) {
        lua_pushinteger(L, first[i].id);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
}

/* M:starting(type, pos) -> ids, longest first */
static int matcher_starting(lua_State *L) {
    en_matcher *m = check_matcher(L, 1);
    const en_ann *f;
    size_t n = en_annot_starting(m->annot, check_u32(L, 2), check_u32(L, 3), &f);
    push_ids(L, f, n);
    return 1;
}

/* M:within(type, start, stop [, any_stop]) -> ids of mentions inside
 * [start, stop), in order; with any_stop, every mention starting there */
static int matcher_within(lua_State *L) {
    en_matcher *m = check_matcher(L, 1);
    uint32_t type = check_u32(L, 2), a = check_u32(L, 3), b = check_u32(L, 4);
    int any = lua_toboolean(L, 5);
    const en_ann *f;
    size_t n = en_annot_starting_in(m->annot, type, a, b, &f);
    lua_createtable(L, (int)n, 0);
    lua_Integer k = 0;
    for (size_t i = 0; i < n; i++) {
        if (any || f[i].stop <= b) {
            lua_pushinteger(L, f[i].id);
            lua_rawseti(L, -2, ++k);
        }
    }
    return 1;
}

/* qsort over pointers to annotations, in the index's order. */
static int ann_cmp(const void *x, const void *y) {
    return en_ann_order(*(const en_ann *const *)x, *(const en_ann *const *)y);
}

/* The number of type ids given at idx (an id, or an array of them), and
 * the t-th (1-based; -1 when it is not a valid id). */
static lua_Integer type_count(lua_State *L, int idx) {
    if (lua_isinteger(L, idx)) return 1;
    luaL_checktype(L, idx, LUA_TTABLE);
    return luaL_len(L, idx);
}
static lua_Integer type_nth(lua_State *L, int idx, lua_Integer t) {
    lua_Integer ty;
    if (lua_isinteger(L, idx)) {
        ty = lua_tointeger(L, idx);
    } else {
        lua_rawgeti(L, idx, t);
        ty = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : -1;
        lua_pop(L, 1);
    }
    return ty >= 0 && ty <= (lua_Integer)UINT32_MAX ? ty : -1;
}

/* M:mentions(types, start, stop [, sentence]) -> list of the mention tables
 * inside [start, stop) (within sentence i too, when given), in text order
 * (start, longest first, then id). types is a type id or an array of them.
 * The tables come from the mention list given to begin. Replaces a Lua loop
 * over M:within per type and a sort with a Lua comparator.
 * Stack: [M, types, start, stop, sentence?] -> [.., list] */
static int matcher_mentions(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    uint32_t a = check_u32(L, 3), b = check_u32(L, 4);
    if (!lua_isnoneornil(L, 5)) {
        lua_Integer i = luaL_checkinteger(L, 5);
        if (i < 1 || (size_t)i > m->v.nsents) {
            lua_createtable(L, 0, 0);
            return 1;
        }
        const en_sentence *s = &m->v.sents[i - 1];
        if (s->start > a) a = s->start;
        if (s->stop < b) b = s->stop;
    }
    lua_getiuservalue(L, 1, 2); /* [.., mlist] */
    int mlist = lua_gettop(L);
    if (lua_isinteger(L, 2)) {
        const en_ann *f;
        size_t n = en_annot_starting_in(m->annot, check_u32(L, 2), a, b, &f);
        lua_createtable(L, (int)n, 0); /* [.., mlist, out] */
        lua_Integer k = 0;
        for (size_t i = 0; i < n; i++) {
            if (f[i].stop > b) continue;
            lua_rawgeti(L, mlist, f[i].id);
            lua_rawseti(L, -2, ++k);
        }
        return 1;
    }
    lua_Integer ntypes = type_count(L, 2);
    size_t total = 0;
    for (lua_Integer t = 1; t <= ntypes; t++) {
        lua_Integer ty = type_nth(L, 2, t);
        if (ty < 0) continue;
        const en_ann *f;
        total += en_annot_starting_in(m->annot, (uint32_t)ty, a, b, &f);
    }
    /* the buffer is a userdata, so an error below cannot leak it */
    const en_ann **all = lua_newuserdatauv(L, (total ? total : 1) * sizeof *all, 0);
    size_t n = 0;
    for (lua_Integer t = 1; t <= ntypes; t++) {
        lua_Integer ty = type_nth(L, 2, t);
        if (ty < 0) continue;
        const en_ann *f;
        size_t c = en_annot_starting_in(m->annot, (uint32_t)ty, a, b, &f);
        for (size_t i = 0; i < c && n < total; i++)
            if (f[i].stop <= b) all[n++] = &f[i];
    }
    qsort(all, n, sizeof *all, ann_cmp);
    lua_createtable(L, (int)n, 0); /* [.., mlist, buf, out] */
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, mlist, all[i]->id);
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    return 1;
}

/* Priority of mention table id of the list at index `list`. [-0, +0] */
static lua_Number mention_priority(lua_State *L, int list, uint32_t id) {
    lua_rawgeti(L, list, id);        /* [.., m] */
    lua_getfield(L, -1, "priority"); /* [.., m, p] */
    lua_Number p = lua_tonumber(L, -1);
    lua_pop(L, 2);
    return p;
}

/* M:contest(type, start, stop, priority) -> false | losers: may a new
 * mention of this type over [start, stop) with this priority go in? False
 * when an overlapping one of the type wins (higher priority, or the same
 * and at least as long); else the array of the ids it overlaps (they lose).
 * Stack: [M, type, start, stop, priority] -> [.., result] */
static int matcher_contest(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    uint32_t type = check_u32(L, 2), a = check_u32(L, 3), b = check_u32(L, 4);
    lua_Number prio = luaL_checknumber(L, 5);
    lua_getiuservalue(L, 1, 2); /* [.., mlist] */
    int list = lua_gettop(L);
    lua_createtable(L, 0, 0); /* [.., mlist, losers] */
    if (b <= a) return 1;     /* an empty span overlaps nothing */
    const en_ann *cov[64];
    size_t nc = en_annot_covering(m->annot, type, a, cov, 64);
    if (nc > 64) nc = 64;
    const en_ann *f;
    size_t nf = en_annot_starting_in(m->annot, type, a, b, &f);
    lua_Integer k = 0;
    uint32_t len = b - a;
    for (size_t i = 0; i < nc + nf; i++) {
        const en_ann *o = i < nc ? cov[i] : &f[i - nc];
        if (!(o->start < b && a < o->stop)) continue;
        if (i >= nc && o->start == a) { /* also covering a: seen already */
            int dup = 0;
            for (size_t j = 0; j < nc && !dup; j++) dup = cov[j]->id == o->id;
            if (dup) continue;
        }
        lua_Number op = mention_priority(L, list, o->id);
        if (op > prio || (op == prio && o->stop - o->start >= len)) {
            lua_pushboolean(L, 0);
            return 1;
        }
        lua_pushinteger(L, o->id);
        lua_rawseti(L, -2, ++k);
    }
    return 1;
}

/* M:count(type, start, stop) -> mentions inside [start, stop) */
static int matcher_count(lua_State *L) {
    en_matcher *m = check_matcher(L, 1);
    uint32_t type = check_u32(L, 2), a = check_u32(L, 3), b = check_u32(L, 4);
    const en_ann *f;
    size_t n = en_annot_starting_in(m->annot, type, a, b, &f);
    lua_Integer k = 0;
    for (size_t i = 0; i < n; i++)
        if (f[i].stop <= b) k++;
    lua_pushinteger(L, k);
    return 1;
}

/* M:range_text(start, stop) -> text of a byte range of the document */
static int matcher_range_text(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    lua_Integer a = luaL_checkinteger(L, 2), b = luaL_checkinteger(L, 3);
    luaL_argcheck(L, a >= 0 && (size_t)a <= m->v.len, 2, "offset out of range");
    luaL_argcheck(L, b >= a && (size_t)b <= m->v.len, 3, "offset out of range");
    lua_pushlstring(L, m->v.text + a, (size_t)(b - a));
    return 1;
}

/* M:furthest([reset]) -> the furthest offset reached since the last reset */
static int matcher_furthest(lua_State *L) {
    en_matcher *m = check_matcher(L, 1);
    lua_pushinteger(L, m->furthest);
    if (lua_toboolean(L, 2)) m->furthest = m->base;
    return 1;
}

/* M:token_range() -> index of the first token and one past the last (0-based) */
static int matcher_token_range(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    lua_pushinteger(L, (lua_Integer)m->tfirst);
    lua_pushinteger(L, (lua_Integer)m->tend);
    return 2;
}

/* M:token(k) -> start, stop, folded text, kind, flags of token k (0-based) */
static int matcher_token(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    lua_Integer k = luaL_checkinteger(L, 2);
    if (k < 0 || (size_t)k >= m->v.ntok) return 0;
    const en_token *t = &m->v.toks[k];
    lua_pushinteger(L, t->start);
    lua_pushinteger(L, t->stop);
    lua_pushlstring(L, m->ftok[k].s, m->ftok[k].len);
    lua_pushinteger(L, t->kind);
    lua_pushinteger(L, t->flags);
    return 5;
}

/* M:token_at(offset) -> index (0-based) of the token starting at or after
 * the offset, or nil past the end */
static int matcher_token_at(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    uint32_t off = check_u32(L, 2);
    size_t lo = first_token_at(m, off);
    if (lo >= m->v.ntok) return 0;
    lua_pushinteger(L, (lua_Integer)lo);
    return 1;
}

/* M:words(a, b) -> {words = {...}, starts = {...}, stops = {...}}: the
 * folded forms and byte spans of the document's tokens that lie inside
 * [a, b), in order. Rules read sentences as word lists; building them here
 * from the tokens folded once per document costs no tokenizing or folding
 * in Lua. Does not change the range. */
static int matcher_words(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    uint32_t a, b;
    size_t lo, e;
    check_span(L, m, 2, &a, &b);
    tokens_in(m, a, b, &lo, &e);
    int n = (int)(e - lo);
    lua_createtable(L, 0, 3); /* [w] */
    lua_createtable(L, n, 0); /* [w, words] */
    lua_createtable(L, n, 0); /* [w, words, starts] */
    lua_createtable(L, n, 0); /* [w, words, starts, stops] */
    for (size_t k = lo; k < e; k++) {
        lua_Integer i = (lua_Integer)(k - lo) + 1;
        lua_pushlstring(L, m->ftok[k].s, m->ftok[k].len);
        lua_rawseti(L, -4, i);
        lua_pushinteger(L, m->v.toks[k].start);
        lua_rawseti(L, -3, i);
        lua_pushinteger(L, m->v.toks[k].stop);
        lua_rawseti(L, -2, i);
    }
    lua_setfield(L, -4, "stops");  /* [w, words, starts] */
    lua_setfield(L, -3, "starts"); /* [w, words] */
    lua_setfield(L, -2, "words");  /* [w] */
    return 1;
}

/* ---- cue lexicons ------------------------------------------------------------- */

typedef struct en_llex {
    en_lexicon *lx;
} en_llex;

#define EN_LEXICON_MT "entente.Lexicon"

static en_llex *check_lex(lua_State *L, int i) {
    en_llex *l = luaL_checkudata(L, i, EN_LEXICON_MT);
    if (!l->lx) luaL_argerror(L, i, "closed lexicon");
    return l;
}

/* core.lexicon() -> Lexicon */
static int l_lexicon(lua_State *L) {
    en_llex *l = lua_newuserdatauv(L, sizeof *l, 0); /* [l] */
    l->lx = NULL;
    luaL_setmetatable(L, EN_LEXICON_MT);
    l->lx = en_lexicon_new();
    if (!l->lx) return luaL_error(L, "out of memory");
    return 1;
}

static int lex_close(lua_State *L) {
    en_llex *l = luaL_checkudata(L, 1, EN_LEXICON_MT);
    en_lexicon_free(l->lx);
    l->lx = NULL;
    return 0;
}

/* X:add{tok, ...}: a phrase of folded tokens ("word*" is a prefix). */
static int lex_add(lua_State *L) {
    en_llex *l = check_lex(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    size_t n = (size_t)luaL_len(L, 2);
    luaL_argcheck(L, n > 0 && n <= 64, 2, "a phrase of 1 to 64 tokens");
    const char *toks[64];
    size_t lens[64];
    for (size_t k = 0; k < n; k++) {
        lua_rawgeti(L, 2, (lua_Integer)k + 1); /* [.., tok] (kept on the stack while used) */
        if (lua_type(L, -1) != LUA_TSTRING) return luaL_argerror(L, 2, "tokens must be strings");
        toks[k] = lua_tolstring(L, -1, &lens[k]);
    }
    int rc = en_lexicon_add(l->lx, toks, lens, n);
    if (rc == -2) return luaL_argerror(L, 2, "empty token");
    if (rc) return luaL_error(L, "out of memory");
    return 0;
}

static int lex_size(lua_State *L) {
    lua_pushinteger(L, (lua_Integer)en_lexicon_size(check_lex(L, 1)->lx));
    return 1;
}

static const luaL_Reg lex_methods[] = {
    {"add", lex_add}, {"size", lex_size}, {"close", lex_close}, {NULL, NULL}};

/* M:lexicon(X, a, b) -> h, starts: over the tokens inside [a, b) (numbered from 1
 * as in M:words), h[i] = index of the last token of the phrase of X that
 * matches at token i, or nil (no entry); starts lists those i in order. */
/* Push lexicon lx's h and starts over tokens [lo, lo + n) of the document
 * (see M:lexicon) and return 1; when no phrase matches and !always, push
 * nothing and return 0. Stack: [..] -> [.., h, starts] or [..] */
static int push_lexicon_hits(lua_State *L, const en_matcher *m, en_lexicon *lx, size_t lo, size_t n,
                             int always) {
    int made = 0;
    lua_Integer k = 0;
    for (size_t i = 0; i < n; i++) {
        size_t len =
            en_lexicon_at_hashed(lx, m->ftok + lo, n, i, m->fhash[lo + i], m->fhash3[lo + i]);
        if (!len) continue;
        if (!made) {
            lua_createtable(L, 0, 2); /* [.., h]: only the hits (most tokens start no phrase) */
            lua_createtable(L, 2, 0); /* [.., h, starts] */
            made = 1;
        }
        lua_pushinteger(L, (lua_Integer)(i + len));
        lua_rawseti(L, -3, (lua_Integer)i + 1);
        lua_pushinteger(L, (lua_Integer)i + 1);
        lua_rawseti(L, -2, ++k);
    }
    if (!made && always) {
        lua_createtable(L, 0, 0);
        lua_createtable(L, 0, 0);
        made = 1;
    }
    return made;
}

static int matcher_lexicon(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    en_llex *l = check_lex(L, 2);
    uint32_t a, b;
    size_t lo, e;
    check_span(L, m, 3, &a, &b);
    if (en_lexicon_build(l->lx)) return luaL_error(L, "out of memory");
    tokens_in(m, a, b, &lo, &e);
    push_lexicon_hits(L, m, l->lx, lo, e - lo, 1); /* [.., h, starts] */
    return 2;
}

/* M:lexicons(list, a, b) -> H, S: M:lexicon for each lexicon of list (its
 * userdata, or a table holding it as field c) over the same span, in one
 * call: H[k], S[k] are lexicon k's h and starts, present only when it has
 * a hit. Rules ask a sentence about a dozen cue lists, most of which do
 * not occur in it. Stack: [M, list, a, b] -> [.., H, S] */
static int matcher_lexicons(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    uint32_t a, b;
    size_t lo, e;
    check_span(L, m, 3, &a, &b);
    tokens_in(m, a, b, &lo, &e);
    size_t n = e - lo;
    lua_Integer nlex = luaL_len(L, 2);
    lua_createtable(L, 0, 0); /* [.., H] */
    lua_createtable(L, 0, 0); /* [.., H, S] */
    int H = lua_gettop(L) - 1, S = H + 1;
    for (lua_Integer k = 1; k <= nlex; k++) {
        lua_rawgeti(L, 2, k); /* [.., lex or wrapper] */
        if (lua_istable(L, -1)) {
            lua_getfield(L, -1, "c");
            lua_remove(L, -2);
        }
        en_llex *l = luaL_testudata(L, -1, EN_LEXICON_MT);
        if (!l || !l->lx) return luaL_error(L, "cues_many: item %d is not a lexicon", (int)k);
        lua_pop(L, 1);
        if (en_lexicon_build(l->lx)) return luaL_error(L, "out of memory");
        if (push_lexicon_hits(L, m, l->lx, lo, n, 0)) { /* [.., H, S, h, starts] */
            lua_rawseti(L, S, k);                       /* [.., h] */
            lua_rawseti(L, H, k);
        }
    }
    return 2;
}

/* M:mention_at(types, offset) -> the mention table of one of the types
 * (an id or an array of ids) that starts at offset, the longest (then the
 * lowest id) when several do; nothing when none does.
 * Stack: [M, types, offset] -> [.., mention?] */
static int matcher_mention_at(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    uint32_t off = check_u32(L, 3);
    const en_ann *best = NULL;
    lua_Integer ntypes = type_count(L, 2);
    for (lua_Integer t = 1; t <= ntypes; t++) {
        lua_Integer ty = type_nth(L, 2, t);
        if (ty < 0) continue;
        const en_ann *f;
        size_t c = en_annot_starting(m->annot, (uint32_t)ty, off, &f);
        /* f[0] is the type's first in index order: the longest */
        if (c > 0 && (!best || en_ann_order(&f[0], best) < 0)) best = &f[0];
    }
    if (!best) return 0;
    lua_getiuservalue(L, 1, 2); /* [.., mlist] */
    lua_rawgeti(L, -1, best->id);
    return 1;
}

/* M:gazetteer(g) -> array of hits {start, stop, values = {...}} in the range */
static int matcher_gazetteer(lua_State *L);

/* ---- match-time helpers ------------------------------------------------------- */

/* The token that starts at subject position pos (after whitespace), or -1
 * when pos is inside a token or past the range. */
static long next_token(const en_matcher *m, lua_Integer pos) {
    if (pos < 1) return -1;
    uint32_t abs = m->base + (uint32_t)(pos - 1);
    size_t lo = m->tfirst, hi = m->tend;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->v.toks[mid].start < abs)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= m->tend) return -1;
    if (lo > m->tfirst && m->v.toks[lo - 1].stop > abs) return -1; /* inside a token */
    return (long)lo;
}

/* Succeed at the end of byte offset stop: returns the subject position. */
static lua_Integer advance(en_matcher *m, uint32_t stop) {
    if (stop > m->furthest) m->furthest = stop;
    return (lua_Integer)(stop - m->base) + 1;
}

/* Cmt function: (subject, pos) -> pos' | false. Upvalues: the Matcher,
 * and whether to leave `furthest` alone (tokens skipped by gaps and
 * searches are not progress of the pattern). */
static int cmt_tok(lua_State *L) {
    en_matcher *m = lua_touserdata(L, lua_upvalueindex(1));
    long k = m->active ? next_token(m, luaL_checkinteger(L, 2) - 1) : -1;
    if (k < 0) {
        lua_pushboolean(L, 0);
        return 1;
    }
    uint32_t stop = m->v.toks[k].stop;
    if (lua_toboolean(L, lua_upvalueindex(2)))
        lua_pushinteger(L, (lua_Integer)(stop - m->base) + 1);
    else
        lua_pushinteger(L, advance(m, stop));
    return 1;
}

/* Cmt function for a set of folded words. Upvalues: Matcher, set table. */
static int cmt_word(lua_State *L) {
    en_matcher *m = lua_touserdata(L, lua_upvalueindex(1));
    long k = m->active ? next_token(m, luaL_checkinteger(L, 2) - 1) : -1;
    if (k >= 0) {
        lua_pushlstring(L, m->ftok[k].s, m->ftok[k].len);
        if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL) {
            lua_pushinteger(L, advance(m, m->v.toks[k].stop));
            return 1;
        }
    }
    lua_pushboolean(L, 0);
    return 1;
}

/* Does token t have one of the kinds (bit 1 << kind; 0 = any), every flag
 * of need and none of deny? */
static int kind_fits(const en_token *t, lua_Integer kinds, lua_Integer need, lua_Integer deny) {
    return (kinds == 0 || (kinds & (1 << t->kind))) && (t->flags & need) == need &&
           (t->flags & deny) == 0;
}

/* The longest non-empty mention of type starting at offset start that ends
 * inside the range, or NULL. */
static const en_ann *mention_in_range(const en_matcher *m, uint32_t type, uint32_t start) {
    const en_ann *f;
    size_t n = en_annot_starting(m->annot, type, start, &f);
    for (size_t i = 0; i < n; i++)
        if (f[i].stop <= m->stop && f[i].stop > f[i].start) return &f[i];
    return NULL;
}

/* Cmt function for a token kind and flags. Upvalues: Matcher, kind mask
 * (bit 1 << kind; 0 = any), required flags, forbidden flags. */
static int cmt_kind(lua_State *L) {
    en_matcher *m = lua_touserdata(L, lua_upvalueindex(1));
    lua_Integer kinds = lua_tointeger(L, lua_upvalueindex(2));
    lua_Integer need = lua_tointeger(L, lua_upvalueindex(3));
    lua_Integer deny = lua_tointeger(L, lua_upvalueindex(4));
    long k = m->active ? next_token(m, luaL_checkinteger(L, 2) - 1) : -1;
    if (k >= 0) {
        const en_token *t = &m->v.toks[k];
        if (kind_fits(t, kinds, need, deny)) {
            lua_pushinteger(L, advance(m, t->stop));
            return 1;
        }
    }
    lua_pushboolean(L, 0);
    return 1;
}

/* Cmt function for a mention of a type starting at the next token; the
 * longest such mention that ends inside the range wins. Captures the
 * mention table. Upvalues: Matcher, type id. */
static int cmt_ent(lua_State *L) {
    en_matcher *m = lua_touserdata(L, lua_upvalueindex(1));
    uint32_t type = (uint32_t)lua_tointeger(L, lua_upvalueindex(2));
    long k = m->active ? next_token(m, luaL_checkinteger(L, 2) - 1) : -1;
    const en_ann *f = k >= 0 ? mention_in_range(m, type, m->v.toks[k].start) : NULL;
    if (f) {
        lua_pushinteger(L, advance(m, f->stop));      /* [pos] */
        lua_getiuservalue(L, lua_upvalueindex(1), 2); /* [pos, list] */
        lua_rawgeti(L, -1, f->id);                    /* [pos, list, mention] */
        lua_remove(L, -2);                            /* [pos, mention] */
        return 2;
    }
    lua_pushboolean(L, 0);
    return 1;
}

/* M:helper_tok([quiet]) -> a function for lpeg.Cmt; a quiet one does not
 * count as progress for near-miss reports */
static int matcher_helper_tok(lua_State *L) {
    check_matcher(L, 1);
    int quiet = lua_toboolean(L, 2);
    lua_settop(L, 1);          /* [m] */
    lua_pushboolean(L, quiet); /* [m, quiet] */
    lua_pushcclosure(L, cmt_tok, 2);
    return 1;
}

/* M:helper_word(set) -> a function for lpeg.Cmt; set maps folded words to true */
static int matcher_helper_word(lua_State *L) {
    check_matcher(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    lua_settop(L, 2);
    lua_pushcclosure(L, cmt_word, 2);
    return 1;
}

/* M:helper_kind(kinds, need, deny) -> a function for lpeg.Cmt */
static int matcher_helper_kind(lua_State *L) {
    check_matcher(L, 1);
    luaL_checkinteger(L, 2);
    luaL_checkinteger(L, 3);
    luaL_checkinteger(L, 4);
    lua_settop(L, 4);
    lua_pushcclosure(L, cmt_kind, 4);
    return 1;
}

/* M:helper_ent(type) -> a function for lpeg.Cmt */
static int matcher_helper_ent(lua_State *L) {
    check_matcher(L, 1);
    check_u32(L, 2);
    lua_settop(L, 2);
    lua_pushcclosure(L, cmt_ent, 2);
    return 1;
}

/* ---- first-token sets -------------------------------------------------------- */

/* What a pattern can start with (lib/entente/pattern.lua works it out):
 * folded words, mention types, token kinds. The engine asks the Matcher for
 * the tokens of the range that fit and runs the pattern, anchored, only
 * there, instead of letting LPeg try it after every token. One block of
 * memory: the header, then the word slots, types, kinds and the words'
 * bytes. */
typedef struct en_first {
    uint32_t nslots, ntypes, nkinds;
} en_first;
typedef struct fslot {
    uint32_t hash, off, len; /* len 0: empty */
} fslot;
typedef struct fkind {
    lua_Integer mask, need, deny;
} fkind;

#define EN_FIRST_MT "entente.FirstSet"

static fslot *first_slots(en_first *f) {
    return (fslot *)(void *)(f + 1);
}
static uint32_t *first_types(en_first *f) {
    return (uint32_t *)(void *)(first_slots(f) + f->nslots);
}
static fkind *first_kinds(en_first *f) {
    /* aligned for lua_Integer: the header and slots are multiples of 4 bytes */
    uintptr_t p = (uintptr_t)(first_types(f) + f->ntypes);
    p = (p + sizeof(lua_Integer) - 1) & ~(uintptr_t)(sizeof(lua_Integer) - 1);
    return (fkind *)p;
}
static char *first_pool(en_first *f) {
    return (char *)(first_kinds(f) + f->nkinds);
}

/* Is folded word w (n bytes, with hash h = en_lexicon_hash(w, n, 0), as
 * the Matcher keeps for every token) in the set? */
static int first_has_word(en_first *f, const char *w, size_t n, uint32_t h) {
    if (f->nslots == 0 || n == 0) return 0;
    uint32_t mask = f->nslots - 1;
    const fslot *sl = first_slots(f);
    const char *pool = first_pool(f);
    for (uint32_t i = h & mask;; i = (i + 1) & mask) {
        if (sl[i].len == 0) return 0;
        if (sl[i].hash == h && sl[i].len == n && memcmp(pool + sl[i].off, w, n) == 0) return 1;
    }
}

/* M:firstset(words, types, kinds) -> FirstSet: words an array of folded
 * words, types an array of type ids, kinds an array of {mask, need, deny}
 * (as helper_kind takes them). Stack: [M, words, types, kinds] -> [.., fs] */
static int matcher_firstset(lua_State *L) {
    check_matcher(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    luaL_checktype(L, 4, LUA_TTABLE);
    lua_Integer nw = luaL_len(L, 2), nt = luaL_len(L, 3), nk = luaL_len(L, 4);
    luaL_argcheck(L, nw < (1 << 20), 2, "too many words");
    luaL_argcheck(L, nt < (1 << 16), 3, "too many types");
    luaL_argcheck(L, nk < (1 << 16), 4, "too many kinds");
    size_t pool = 0;
    for (lua_Integer i = 1; i <= nw; i++) {
        lua_rawgeti(L, 2, i);
        size_t n;
        if (!lua_isstring(L, -1)) return luaL_argerror(L, 2, "words must be strings");
        lua_tolstring(L, -1, &n);
        pool += n;
        lua_pop(L, 1);
    }
    luaL_argcheck(L, pool < UINT32_MAX / 2, 2, "words too long");
    uint32_t nslots = 0;
    if (nw > 0) {
        nslots = 8;
        while (nslots < (uint32_t)nw * 2) nslots *= 2;
    }
    size_t bytes = sizeof(en_first) + nslots * sizeof(fslot) + (size_t)nt * sizeof(uint32_t) +
                   sizeof(lua_Integer) + (size_t)nk * sizeof(fkind) + pool + 1;
    en_first *f = lua_newuserdatauv(L, bytes, 0); /* [.., fs] */
    memset(f, 0, bytes);
    f->nslots = nslots;
    f->ntypes = (uint32_t)nt;
    f->nkinds = (uint32_t)nk;
    luaL_setmetatable(L, EN_FIRST_MT);
    fslot *sl = first_slots(f);
    char *pp = first_pool(f);
    uint32_t off = 0;
    for (lua_Integer i = 1; i <= nw; i++) {
        lua_rawgeti(L, 2, i);
        size_t n;
        const char *w = lua_tolstring(L, -1, &n);
        uint32_t h = n > 0 ? en_lexicon_hash(w, n, 0) : 0;
        if (n > 0 && !first_has_word(f, w, n, h)) {
            uint32_t mask = nslots - 1, k = h & mask;
            while (sl[k].len) k = (k + 1) & mask;
            memcpy(pp + off, w, n);
            sl[k].hash = h;
            sl[k].off = off;
            sl[k].len = (uint32_t)n;
            off += (uint32_t)n;
        }
        lua_pop(L, 1);
    }
    uint32_t *ty = first_types(f);
    for (lua_Integer i = 1; i <= nt; i++) {
        lua_rawgeti(L, 3, i);
        lua_Integer v = lua_tointeger(L, -1);
        lua_pop(L, 1);
        luaL_argcheck(L, v >= 0 && v <= (lua_Integer)UINT32_MAX, 3, "bad type id");
        ty[i - 1] = (uint32_t)v;
    }
    fkind *kd = first_kinds(f);
    for (lua_Integer i = 1; i <= nk; i++) {
        lua_rawgeti(L, 4, i); /* [.., fs, {mask, need, deny}] */
        luaL_argcheck(L, lua_istable(L, -1), 4, "kinds must be {mask, need, deny}");
        lua_rawgeti(L, -1, 1);
        lua_rawgeti(L, -2, 2);
        lua_rawgeti(L, -3, 3);
        kd[i - 1].mask = lua_tointeger(L, -3);
        kd[i - 1].need = lua_tointeger(L, -2);
        kd[i - 1].deny = lua_tointeger(L, -1);
        lua_pop(L, 4);
    }
    return 1;
}

/* M:starts(fs) -> array of the start offsets of the range's tokens that a
 * pattern with first-token set fs can start at, in order.
 * Stack: [M, fs] -> [.., list] */
static int matcher_starts(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    en_first *f = luaL_checkudata(L, 2, EN_FIRST_MT);
    const uint32_t *ty = first_types(f);
    const fkind *kd = first_kinds(f);
    lua_createtable(L, 8, 0);
    lua_Integer n = 0;
    for (size_t k = m->tfirst; k < m->tend && k < m->v.ntok; k++) {
        const en_token *t = &m->v.toks[k];
        if (t->start < m->base || t->stop > m->stop) continue;
        int ok = first_has_word(f, m->ftok[k].s, m->ftok[k].len, m->fhash[k]);
        for (uint32_t i = 0; !ok && i < f->nkinds; i++)
            ok = kind_fits(t, kd[i].mask, kd[i].need, kd[i].deny);
        for (uint32_t i = 0; !ok && i < f->ntypes; i++)
            ok = mention_in_range(m, ty[i], t->start) != NULL;
        if (ok) {
            lua_pushinteger(L, t->start);
            lua_rawseti(L, -2, ++n);
        }
    }
    return 1;
}

/* ---- gazetteer matching over the range ---------------------------------------- */

typedef struct en_lgaz {
    en_gaz *g;
} en_lgaz;

static int matcher_gazetteer(lua_State *L) {
    en_matcher *m = active_matcher(L, 1);
    en_lgaz *lg = luaL_checkudata(L, 2, EN_GAZ_MT);
    if (!lg->g) return luaL_argerror(L, 2, "closed gazetteer");
    en_gaz_hits hits = {0};
    if (en_gaz_match(lg->g, m->v.text, m->v.toks, m->ftok, m->tfirst, m->tend - m->tfirst, &hits)) {
        en_gaz_hits_free(&hits);
        return luaL_error(L, "out of memory matching a gazetteer");
    }
    const uint32_t *values = en_gaz_values(lg->g);
    lua_createtable(L, (int)hits.n, 0); /* [hits] */
    for (size_t i = 0; i < hits.n; i++) {
        const en_gaz_hit *h = &hits.v[i];
        lua_createtable(L, 0, 3); /* [hits, hit] */
        lua_pushinteger(L, m->v.toks[h->tok_first].start);
        lua_setfield(L, -2, "start");
        lua_pushinteger(L, m->v.toks[h->tok_first + h->ntok - 1].stop);
        lua_setfield(L, -2, "stop");
        lua_createtable(L, (int)h->nvalues, 0); /* [hits, hit, values] */
        for (uint32_t j = 0; j < h->nvalues; j++) {
            lua_pushinteger(L, values[h->values + j]);
            lua_rawseti(L, -2, j + 1);
        }
        lua_setfield(L, -2, "values");          /* [hits, hit] */
        lua_rawseti(L, -2, (lua_Integer)i + 1); /* [hits] */
    }
    en_gaz_hits_free(&hits);
    return 1;
}

static const luaL_Reg matcher_methods[] = {{"begin", matcher_begin},
                                           {"finish", matcher_finish},
                                           {"range", matcher_range},
                                           {"sentence", matcher_sentence},
                                           {"add", matcher_add},
                                           {"remove", matcher_remove},
                                           {"starting", matcher_starting},
                                           {"within", matcher_within},
                                           {"mentions", matcher_mentions},
                                           {"mention_at", matcher_mention_at},
                                           {"lexicons", matcher_lexicons},
                                           {"contest", matcher_contest},
                                           {"firstset", matcher_firstset},
                                           {"starts", matcher_starts},
                                           {"count", matcher_count},
                                           {"furthest", matcher_furthest},
                                           {"range_text", matcher_range_text},
                                           {"token_range", matcher_token_range},
                                           {"token", matcher_token},
                                           {"token_at", matcher_token_at},
                                           {"gazetteer", matcher_gazetteer},
                                           {"words", matcher_words},
                                           {"sentence_of", matcher_sentence_of},
                                           {"lexicon", matcher_lexicon},
                                           {"helper_tok", matcher_helper_tok},
                                           {"helper_word", matcher_helper_word},
                                           {"helper_kind", matcher_helper_kind},
                                           {"helper_ent", matcher_helper_ent},
                                           {NULL, NULL}};

/* ---- the Gazetteer type ------------------------------------------------------- */

/* core.gazetteer() -> Gazetteer */
static int l_gazetteer(lua_State *L) {
    en_lgaz *lg = lua_newuserdatauv(L, sizeof *lg, 0);
    lg->g = NULL;
    luaL_setmetatable(L, EN_GAZ_MT);
    lg->g = en_gaz_new();
    if (!lg->g) return luaL_error(L, "out of memory");
    return 1;
}

static en_lgaz *check_gaz(lua_State *L, int i) {
    en_lgaz *lg = luaL_checkudata(L, i, EN_GAZ_MT);
    if (!lg->g) luaL_argerror(L, i, "closed gazetteer");
    return lg;
}

static int gaz_close(lua_State *L) {
    en_lgaz *lg = luaL_checkudata(L, 1, EN_GAZ_MT);
    en_gaz_free(lg->g);
    lg->g = NULL;
    return 0;
}

/* G:add(phrase, value [, exact]) */
static int gaz_add(lua_State *L) {
    en_lgaz *lg = check_gaz(L, 1);
    size_t n;
    const char *s = luaL_checklstring(L, 2, &n);
    lua_Integer v = luaL_checkinteger(L, 3);
    luaL_argcheck(L, v >= 0 && v <= (lua_Integer)UINT32_MAX, 3, "value out of range");
    if (en_utf8_check(s, n) < n) return luaL_argerror(L, 2, "not valid UTF-8");
    if (en_gaz_add(lg->g, s, n, (uint32_t)v, lua_toboolean(L, 4) ? EN_GAZ_EXACT : 0))
        return luaL_error(L, "out of memory adding to a gazetteer");
    return 0;
}

/* G:size() -> values, phrases */
static int gaz_size(lua_State *L) {
    en_lgaz *lg = check_gaz(L, 1);
    lua_pushinteger(L, (lua_Integer)en_gaz_size(lg->g));
    lua_pushinteger(L, (lua_Integer)en_gaz_phrases(lg->g));
    return 2;
}

static const luaL_Reg gaz_methods[] = {
    {"add", gaz_add}, {"size", gaz_size}, {"close", gaz_close}, {NULL, NULL}};

/* ---- ordering mentions -------------------------------------------------------- */

typedef struct span_key {
    en_ann a;       /* start, stop, id as the index holds them */
    lua_Integer at; /* index in the list */
} span_key;

static int span_key_cmp(const void *x, const void *y) {
    return en_ann_order(&((const span_key *)x)->a, &((const span_key *)y)->a);
}

/* sort_mentions(list) -> new list of the same tables in text order: start
 * ascending, stop descending (longest first), then id; the order of the
 * annotation index. Sorting a document's mentions with a Lua comparator
 * took a tenth of the time spent packing results.
 * Stack: [list] -> [list, keys, out] */
static int l_sort_mentions(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer n = (lua_Integer)lua_rawlen(L, 1);
    span_key *k = lua_newuserdatauv(L, (size_t)(n > 0 ? n : 1) * sizeof *k, 0); /* [list, keys] */
    for (lua_Integer i = 0; i < n; i++) {
        lua_rawgeti(L, 1, i + 1); /* [.., m] */
        luaL_argcheck(L, lua_istable(L, -1), 1, "a list of mentions");
        lua_getfield(L, -1, "start");
        lua_getfield(L, -2, "stop");
        lua_getfield(L, -3, "id");
        k[i].a.start = (uint32_t)lua_tointeger(L, -3);
        k[i].a.stop = (uint32_t)lua_tointeger(L, -2);
        k[i].a.id = (uint32_t)lua_tointeger(L, -1);
        k[i].at = i + 1;
        lua_pop(L, 4);
    }
    qsort(k, (size_t)n, sizeof *k, span_key_cmp);
    lua_createtable(L, (int)n, 0); /* [list, keys, out] */
    for (lua_Integer i = 0; i < n; i++) {
        lua_rawgeti(L, 1, k[i].at);
        lua_rawseti(L, -2, i + 1);
    }
    return 1;
}

static const luaL_Reg funcs[] = {{"matcher", l_matcher},
                                 {"gazetteer", l_gazetteer},
                                 {"lexicon", l_lexicon},
                                 {"sort_mentions", l_sort_mentions},
                                 {NULL, NULL}};

int luaopen_entente_match(lua_State *L) {
    luaL_newmetatable(L, EN_MATCHER_MT); /* [mt] */
    lua_pushcfunction(L, matcher_gc);
    lua_setfield(L, -2, "__gc");
    luaL_newlib(L, matcher_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, EN_GAZ_MT); /* [mt] */
    lua_pushcfunction(L, gaz_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, gaz_close);
    lua_setfield(L, -2, "__close");
    luaL_newlib(L, gaz_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, EN_LEXICON_MT); /* [mt] */
    lua_pushcfunction(L, lex_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, lex_close);
    lua_setfield(L, -2, "__close");
    luaL_newlib(L, lex_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newmetatable(L, EN_FIRST_MT); /* [mt]: plain data, no __gc */
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    return 1;
}
