/*
 * lua_document.c: the entente.Document and entente.Sentence types.
 *
 * A Document is a full userdata holding its analysis (tokens and sentences,
 * computed in C on first use and kept until the document is collected).
 * User value 1 is the table of its fields (name, title, text ...), user
 * value 2 the Store it came from, kept alive by the document. A Sentence
 * holds its document in user value 1 and an index into its sentences.
 *
 * Offsets are 0-based byte offsets into doc.text, half-open [start, stop):
 * doc.text:sub(s.start + 1, s.stop) is the text of s.
 */
#include <stdlib.h>
#include <string.h>

#include "lua_entente.h"

typedef struct en_ldoc {
    int64_t id;
    const char *text; /* points into the text string in the fields table */
    size_t len;
    int analysed; /* tokens and sentences computed */
    en_tokens toks;
    en_sentences sents;
    en_span *skip; /* spans left out of sentences */
    size_t nskip;
} en_ldoc;

typedef struct en_lsent {
    size_t index; /* 0-based index into the document's sentences */
} en_lsent;

static en_ldoc *check_doc(lua_State *L, int i) {
    return luaL_checkudata(L, i, EN_DOC_MT);
}

/* Free the C side of a document (idempotent; __gc). */
static int doc_gc(lua_State *L) {
    en_ldoc *d = check_doc(L, 1);
    en_tokens_free(&d->toks);
    en_sentences_free(&d->sents);
    free(d->skip);
    d->skip = NULL;
    d->nskip = 0;
    d->analysed = 0;
    return 0;
}

/* Create the userdata with its fields table on top of the stack.
 * [fields] -> [doc] */
static en_ldoc *new_doc(lua_State *L, int64_t id) {
    en_ldoc *d = lua_newuserdatauv(L, sizeof *d, 2); /* [fields, doc] */
    memset(d, 0, sizeof *d);
    d->id = id;
    luaL_setmetatable(L, EN_DOC_MT);
    lua_insert(L, -2);           /* [doc, fields] */
    lua_getfield(L, -1, "text"); /* [doc, fields, text] */
    d->text = lua_tolstring(L, -1, &d->len);
    lua_pop(L, 1);               /* [doc, fields] */
    lua_setiuservalue(L, -2, 1); /* [doc] */
    return d;
}

/* Load the marked spans of document id into d->skip and fields.spans.
 * [doc] -> [doc] */
static void load_spans(lua_State *L, en_ldoc *d, en_store *st) {
    sqlite3_stmt *s = en_store_stmt(st, "SELECT start, stop, kind FROM doc_spans WHERE doc_id=? "
                                        "ORDER BY start");
    lua_getiuservalue(L, -1, 1); /* [doc, fields] */
    lua_newtable(L);             /* [doc, fields, spans] */
    if (!s) {
        lua_setfield(L, -2, "spans");
        lua_pop(L, 1);
        return;
    }
    sqlite3_bind_int64(s, 1, d->id);
    size_t cap = 0;
    lua_Integer n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t a = sqlite3_column_int64(s, 0), b = sqlite3_column_int64(s, 1);
        if (a < 0 || b < a || (size_t)b > d->len) continue; /* never trust offsets blindly */
        if (d->nskip == cap) {
            size_t nc = cap ? cap * 2 : 8;
            en_span *v = realloc(d->skip, nc * sizeof *v);
            if (!v) break;
            d->skip = v;
            cap = nc;
        }
        d->skip[d->nskip].start = (uint32_t)a;
        d->skip[d->nskip].stop = (uint32_t)b;
        d->nskip++;
        lua_createtable(L, 0, 3); /* [doc, fields, spans, span] */
        lua_pushinteger(L, a);
        lua_setfield(L, -2, "start");
        lua_pushinteger(L, b);
        lua_setfield(L, -2, "stop");
        lua_pushstring(L, (const char *)sqlite3_column_text(s, 2));
        lua_setfield(L, -2, "kind");
        lua_rawseti(L, -2, ++n); /* [doc, fields, spans] */
    }
    sqlite3_reset(s);
    lua_setfield(L, -2, "spans"); /* [doc, fields] */
    lua_pop(L, 1);                /* [doc] */
}

void en_push_document(lua_State *L, int store_idx, sqlite3_stmt *stmt) {
    static const char *const names[] = {
        "id",   "name",  "uri",    "hash", "title", "date", "source",      "url",
        "lang", "place", "agency", "text", "bytes", "meta", "ingested_at", "updated_at"};
    int ncol = sqlite3_column_count(stmt);
    lua_createtable(L, 0, 18); /* [fields] */
    for (int i = 0; i < ncol && i < (int)(sizeof names / sizeof names[0]); i++) {
        switch (sqlite3_column_type(stmt, i)) {
        case SQLITE_NULL:
            continue;
        case SQLITE_INTEGER:
            lua_pushinteger(L, sqlite3_column_int64(stmt, i));
            break;
        default:
            lua_pushlstring(L, (const char *)sqlite3_column_text(stmt, i),
                            (size_t)sqlite3_column_bytes(stmt, i));
        }
        lua_setfield(L, -2, names[i]);
    }
    en_ldoc *d = new_doc(L, sqlite3_column_int64(stmt, 0)); /* [doc] */
    lua_pushvalue(L, store_idx);                            /* [doc, store] */
    lua_setiuservalue(L, -2, 2);                            /* [doc] */
    en_lstore *ls = luaL_testudata(L, store_idx, EN_STORE_MT);
    if (ls && ls->st) load_spans(L, d, ls->st);
}

void en_push_text_document(lua_State *L, const char *text, size_t len, const char *name) {
    lua_createtable(L, 0, 4); /* [fields] */
    lua_pushlstring(L, text, len);
    lua_setfield(L, -2, "text");
    lua_pushinteger(L, (lua_Integer)len);
    lua_setfield(L, -2, "bytes");
    lua_pushstring(L, name ? name : "(text)");
    lua_setfield(L, -2, "name");
    lua_pushinteger(L, 0);
    lua_setfield(L, -2, "id");
    lua_newtable(L);
    lua_setfield(L, -2, "spans");
    new_doc(L, 0); /* [doc] */
}

void en_push_docdata(lua_State *L, const en_docdata *dd) {
    lua_createtable(L, 0, 14); /* [fields] */
    struct {
        const char *k, *v;
    } strs[] = {{"name", dd->name}, {"hash", dd->hash},     {"title", dd->title},
                {"date", dd->date}, {"source", dd->source}, {"place", dd->place},
                {"url", dd->url},   {"lang", dd->lang},     {"agency", dd->agency}};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        if (!strs[i].v) continue;
        lua_pushstring(L, strs[i].v);
        lua_setfield(L, -2, strs[i].k);
    }
    lua_pushlstring(L, dd->text, dd->len);
    lua_setfield(L, -2, "text");
    lua_pushinteger(L, (lua_Integer)dd->len);
    lua_setfield(L, -2, "bytes");
    lua_pushinteger(L, dd->id);
    lua_setfield(L, -2, "id");
    lua_createtable(L, (int)dd->nspans, 0); /* [fields, spans] */
    for (size_t i = 0; i < dd->nspans; i++) {
        lua_createtable(L, 0, 3);
        lua_pushinteger(L, dd->spans[i].start);
        lua_setfield(L, -2, "start");
        lua_pushinteger(L, dd->spans[i].stop);
        lua_setfield(L, -2, "stop");
        lua_pushstring(L, dd->span_kinds ? dd->span_kinds[i] : "boilerplate");
        lua_setfield(L, -2, "kind");
        lua_rawseti(L, -2, (lua_Integer)i + 1);
    }
    lua_setfield(L, -2, "spans");    /* [fields] */
    en_ldoc *d = new_doc(L, dd->id); /* [doc] */
    if (dd->nspans > 0) {
        d->skip = malloc(dd->nspans * sizeof *d->skip);
        if (!d->skip) luaL_error(L, "out of memory");
        for (size_t i = 0; i < dd->nspans; i++) {
            if (dd->spans[i].stop > dd->len || dd->spans[i].start > dd->spans[i].stop) continue;
            d->skip[d->nskip++] = dd->spans[i];
        }
    }
}

/* core.make_document{text=, name=, id=, hash=, date=, ..., spans={{start, stop, kind}}}
 * -> a Document in no store (what a worker thread makes from a job). */
static int l_make_document(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    en_docdata dd;
    memset(&dd, 0, sizeof dd);
    if (lua_getfield(L, 1, "text") != LUA_TSTRING) return luaL_argerror(L, 1, "no 'text' string");
    dd.text = lua_tolstring(L, -1, &dd.len);
    if (en_utf8_check(dd.text, dd.len) < dd.len)
        return luaL_argerror(L, 1, "text is not valid UTF-8");
    const char **slots[] = {&dd.name, &dd.hash, &dd.title, &dd.date, &dd.source, &dd.place};
    const char *keys[] = {"name", "hash", "title", "date", "source", "place"};
    for (int i = 0; i < 6; i++) {
        lua_getfield(L, 1, keys[i]);
        *slots[i] = lua_tostring(L, -1); /* anchored on the stack */
    }
    if (lua_getfield(L, 1, "id") == LUA_TNUMBER) dd.id = lua_tointeger(L, -1);
    size_t ns = 0;
    en_span spans[64];
    const char *kinds[64];
    if (lua_getfield(L, 1, "spans") == LUA_TTABLE) {
        int t = lua_gettop(L);
        size_t n = (size_t)lua_rawlen(L, t);
        for (size_t i = 0; i < n && ns < 64; i++) {
            lua_rawgeti(L, t, (lua_Integer)i + 1);
            lua_getfield(L, -1, "start");
            lua_getfield(L, -2, "stop");
            lua_getfield(L, -3, "kind");
            lua_Integer a = lua_tointeger(L, -3), b = lua_tointeger(L, -2);
            if (a >= 0 && b >= a && (size_t)b <= dd.len) {
                spans[ns].start = (uint32_t)a;
                spans[ns].stop = (uint32_t)b;
                kinds[ns] = lua_tostring(L, -1);
                lua_insert(L, t + 1); /* keep the kind string anchored */
                lua_pop(L, 3);
                t++;
                ns++;
            } else {
                lua_pop(L, 4);
            }
        }
    }
    dd.spans = spans;
    dd.span_kinds = kinds;
    dd.nspans = ns;
    en_push_docdata(L, &dd);
    return 1;
}

/* Tokenize and split on first use. Raises on out of memory. */
static void analyse(lua_State *L, en_ldoc *d) {
    if (d->analysed) return;
    if (en_tokenize(d->text, d->len, &d->toks) ||
        en_split_sentences(d->text, d->len, d->toks.v, d->toks.n, d->skip, d->nskip, &d->sents)) {
        en_tokens_free(&d->toks);
        en_sentences_free(&d->sents);
        luaL_error(L, "out of memory analysing a document");
    }
    d->analysed = 1;
}

void en_doc_view(lua_State *L, int idx, en_docview *v) {
    en_ldoc *d = check_doc(L, idx);
    analyse(L, d);
    v->text = d->text;
    v->len = d->len;
    v->toks = d->toks.v;
    v->ntok = d->toks.n;
    v->sents = d->sents.v;
    v->nsents = d->sents.n;
}

/* ---- tokens ----------------------------------------------------------------- */

static const char *kind_name(int k) {
    switch (k) {
    case EN_TOK_WORD:
        return "word";
    case EN_TOK_NUMBER:
        return "number";
    case EN_TOK_PUNCT:
        return "punct";
    case EN_TOK_QUOTE:
        return "quote";
    case EN_TOK_DASH:
        return "dash";
    case EN_TOK_SYMBOL:
        return "symbol";
    case EN_TOK_BULLET:
        return "bullet";
    default:
        return "other";
    }
}

void en_push_tokens(lua_State *L, const char *text, const en_token *toks, size_t first,
                    size_t count) {
    lua_createtable(L, (int)count, 0); /* [list] */
    for (size_t i = 0; i < count; i++) {
        const en_token *t = &toks[first + i];
        lua_createtable(L, 0, 6); /* [list, tok] */
        lua_pushlstring(L, text + t->start, t->stop - t->start);
        lua_setfield(L, -2, "text");
        lua_pushinteger(L, t->start);
        lua_setfield(L, -2, "start");
        lua_pushinteger(L, t->stop);
        lua_setfield(L, -2, "stop");
        lua_pushstring(L, kind_name(t->kind));
        lua_setfield(L, -2, "kind");
        lua_pushboolean(L, (t->flags & EN_TF_SPACE_BEFORE) != 0);
        lua_setfield(L, -2, "space");
        if (t->flags & EN_TF_CAP) {
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, "cap");
        }
        if (t->flags & EN_TF_UPPER) {
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, "upper");
        }
        if (t->flags & EN_TF_LINE_START) {
            lua_pushboolean(L, 1);
            lua_setfield(L, -2, "line_start");
        }
        lua_rawseti(L, -2, (lua_Integer)(i + 1)); /* [list] */
    }
}

/* ---- Document methods ---------------------------------------------------------- */

static int doc_tokens(lua_State *L) {
    en_ldoc *d = check_doc(L, 1);
    analyse(L, d);
    en_push_tokens(L, d->text, d->toks.v, 0, d->toks.n);
    return 1;
}

/* Push Sentence i (0-based) of the document at doc_idx. [-0, +1, m] */
static void push_sentence(lua_State *L, int doc_idx, size_t i) {
    en_lsent *s = lua_newuserdatauv(L, sizeof *s, 1); /* [sent] */
    s->index = i;
    luaL_setmetatable(L, EN_SENT_MT);
    lua_pushvalue(L, doc_idx);   /* [sent, doc] */
    lua_setiuservalue(L, -2, 1); /* [sent] */
}

static int sentences_next(lua_State *L) {
    en_ldoc *d = check_doc(L, lua_upvalueindex(1));
    lua_Integer i = lua_tointeger(L, lua_upvalueindex(2));
    if (i < 0 || (size_t)i >= d->sents.n) return 0;
    lua_pushinteger(L, i + 1);
    lua_replace(L, lua_upvalueindex(2));
    push_sentence(L, lua_upvalueindex(1), (size_t)i);
    return 1;
}

/* doc:sentences() -> iterator over Sentences */
static int doc_sentences(lua_State *L) {
    en_ldoc *d = check_doc(L, 1);
    analyse(L, d);
    lua_pushvalue(L, 1);
    lua_pushinteger(L, 0);
    lua_pushcclosure(L, sentences_next, 2);
    return 1;
}

/* doc:sentence(i) -> the i-th Sentence (1-based) or nil */
static int doc_sentence(lua_State *L) {
    en_ldoc *d = check_doc(L, 1);
    lua_Integer i = luaL_checkinteger(L, 2);
    analyse(L, d);
    if (i < 1 || (size_t)i > d->sents.n) return 0;
    push_sentence(L, 1, (size_t)(i - 1));
    return 1;
}

/* doc:sentence_at(offset) -> the Sentence covering a byte offset, or nil */
static int doc_sentence_at(lua_State *L) {
    en_ldoc *d = check_doc(L, 1);
    lua_Integer off = luaL_checkinteger(L, 2);
    analyse(L, d);
    size_t lo = 0, hi = d->sents.n;
    while (lo < hi) { /* first sentence with stop > off */
        size_t mid = (lo + hi) / 2;
        if ((lua_Integer)d->sents.v[mid].stop <= off)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < d->sents.n && (lua_Integer)d->sents.v[lo].start <= off) {
        push_sentence(L, 1, lo);
        return 1;
    }
    return 0;
}

/* doc:count_sentences() -> n */
static int doc_count_sentences(lua_State *L) {
    en_ldoc *d = check_doc(L, 1);
    analyse(L, d);
    lua_pushinteger(L, (lua_Integer)d->sents.n);
    return 1;
}

/* Check a [start, stop) byte range against a text of length len. */
static void check_range(lua_State *L, int i, size_t len, lua_Integer *a, lua_Integer *b) {
    *a = luaL_checkinteger(L, i);
    *b = luaL_optinteger(L, i + 1, (lua_Integer)len);
    luaL_argcheck(L, *a >= 0 && (size_t)*a <= len, i, "offset out of range");
    luaL_argcheck(L, *b >= *a && (size_t)*b <= len, i + 1, "offset out of range");
}

/* doc:slice(start [, stop]) -> text of the byte range */
static int doc_slice(lua_State *L) {
    en_ldoc *d = check_doc(L, 1);
    lua_Integer a, b;
    check_range(L, 2, d->len, &a, &b);
    lua_pushlstring(L, d->text + a, (size_t)(b - a));
    return 1;
}

/* doc:line_of(offset) -> 1-based line and column (in bytes) of an offset */
static int doc_line_of(lua_State *L) {
    en_ldoc *d = check_doc(L, 1);
    lua_Integer off = luaL_checkinteger(L, 2);
    luaL_argcheck(L, off >= 0 && (size_t)off <= d->len, 2, "offset out of range");
    lua_Integer line = 1, col = 1;
    for (lua_Integer i = 0; i < off; i++) {
        if (d->text[i] == '\n') {
            line++;
            col = 1;
        } else {
            col++;
        }
    }
    lua_pushinteger(L, line);
    lua_pushinteger(L, col);
    return 2;
}

static int doc_store(lua_State *L) {
    check_doc(L, 1);
    lua_getiuservalue(L, 1, 2);
    return 1;
}

static const luaL_Reg doc_methods[] = {{"sentences", doc_sentences},
                                       {"sentence", doc_sentence},
                                       {"sentence_at", doc_sentence_at},
                                       {"count_sentences", doc_count_sentences},
                                       {"tokens", doc_tokens},
                                       {"slice", doc_slice},
                                       {"line_of", doc_line_of},
                                       {"store", doc_store},
                                       {NULL, NULL}};

/* doc.field or doc:method; an unknown name is an error, not a silent nil. */
static int doc_index(lua_State *L) {
    check_doc(L, 1);
    lua_getiuservalue(L, 1, 1); /* [doc, key, fields] */
    lua_pushvalue(L, 2);        /* [doc, key, fields, key] */
    if (lua_rawget(L, -2) != LUA_TNIL) return 1;
    lua_pop(L, 2);                                        /* [doc, key] */
    if (luaL_getmetafield(L, 1, "methods") != LUA_TNIL) { /* [doc, key, methods] */
        lua_pushvalue(L, 2);
        if (lua_rawget(L, -2) != LUA_TNIL) return 1;
        lua_pop(L, 2);
    }
    /* Known fields that are absent for this document read as nil. */
    static const char *const optional[] = {"title",       "date",       "source", "url", "lang",
                                           "place",       "agency",     "meta",   "uri", "hash",
                                           "ingested_at", "updated_at", "spans",  NULL};
    const char *k = lua_tostring(L, 2);
    for (int i = 0; k && optional[i]; i++)
        if (strcmp(k, optional[i]) == 0) return 0;
    return luaL_error(L, "entente.Document has no field '%s'", k ? k : luaL_typename(L, 2));
}

static int doc_tostring(lua_State *L) {
    check_doc(L, 1);
    lua_getiuservalue(L, 1, 1);
    lua_getfield(L, -1, "name");
    lua_pushfstring(L, "entente.Document (%s)", lua_tostring(L, -1));
    return 1;
}

static int doc_eq(lua_State *L) {
    en_ldoc *a = check_doc(L, 1), *b = check_doc(L, 2);
    lua_pushboolean(L, a == b || (a->id != 0 && a->id == b->id));
    return 1;
}

/* ---- Sentence ------------------------------------------------------------------ */

/* Check a Sentence and fetch its document and entry. Leaves the stack as is. */
static const en_sentence *check_sent(lua_State *L, int i, en_ldoc **dout) {
    en_lsent *s = luaL_checkudata(L, i, EN_SENT_MT);
    lua_getiuservalue(L, i, 1); /* [.., doc] */
    en_ldoc *d = check_doc(L, -1);
    lua_pop(L, 1);
    if (s->index >= d->sents.n) luaL_error(L, "expired sentence");
    if (dout) *dout = d;
    return &d->sents.v[s->index];
}

static int sent_tokens(lua_State *L) {
    en_ldoc *d;
    const en_sentence *s = check_sent(L, 1, &d);
    en_push_tokens(L, d->text, d->toks.v, s->tok_first, s->tok_count);
    return 1;
}

static const luaL_Reg sent_methods[] = {{"tokens", sent_tokens}, {NULL, NULL}};

static int sent_index(lua_State *L) {
    en_ldoc *d;
    const en_sentence *s = check_sent(L, 1, &d);
    const char *k = luaL_checkstring(L, 2);
    if (strcmp(k, "text") == 0)
        lua_pushlstring(L, d->text + s->start, s->stop - s->start);
    else if (strcmp(k, "start") == 0)
        lua_pushinteger(L, s->start);
    else if (strcmp(k, "stop") == 0)
        lua_pushinteger(L, s->stop);
    else if (strcmp(k, "index") == 0)
        lua_pushinteger(L, (lua_Integer)(((en_lsent *)lua_touserdata(L, 1))->index + 1));
    else if (strcmp(k, "doc") == 0)
        lua_getiuservalue(L, 1, 1);
    else if (strcmp(k, "headline") == 0)
        lua_pushboolean(L, (s->flags & EN_SF_HEADLINE) != 0);
    else if (strcmp(k, "bullet") == 0)
        lua_pushboolean(L, (s->flags & EN_SF_BULLET) != 0);
    else if (strcmp(k, "in_quote") == 0)
        lua_pushboolean(L, (s->flags & EN_SF_IN_QUOTE) != 0);
    else if (strcmp(k, "para_start") == 0)
        lua_pushboolean(L, (s->flags & EN_SF_PARA_START) != 0);
    else if (strcmp(k, "ntokens") == 0)
        lua_pushinteger(L, s->tok_count);
    else {
        luaL_getmetafield(L, 1, "methods"); /* [.., methods] */
        if (lua_getfield(L, -1, k) != LUA_TNIL) return 1;
        return luaL_error(L, "entente.Sentence has no field '%s'", k);
    }
    return 1;
}

static int sent_tostring(lua_State *L) {
    en_ldoc *d;
    const en_sentence *s = check_sent(L, 1, &d);
    lua_pushfstring(L, "entente.Sentence [%d,%d)", (int)s->start, (int)s->stop);
    return 1;
}

static int sent_len(lua_State *L) {
    const en_sentence *s = check_sent(L, 1, NULL);
    lua_pushinteger(L, s->stop - s->start);
    return 1;
}

int luaopen_entente_document(lua_State *L) {
    luaL_newmetatable(L, EN_DOC_MT); /* [mt] */
    lua_pushcfunction(L, doc_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, doc_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, doc_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, doc_eq);
    lua_setfield(L, -2, "__eq");
    luaL_newlib(L, doc_methods); /* [mt, methods] */
    lua_setfield(L, -2, "methods");
    lua_pop(L, 1);

    luaL_newmetatable(L, EN_SENT_MT); /* [mt] */
    lua_pushcfunction(L, sent_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, sent_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushcfunction(L, sent_len);
    lua_setfield(L, -2, "__len");
    luaL_newlib(L, sent_methods);
    lua_setfield(L, -2, "methods");
    lua_pop(L, 1);

    lua_newtable(L); /* [lib] */
    lua_pushcfunction(L, l_make_document);
    lua_setfield(L, -2, "make_document");
    return 1;
}
