/*
 * lua_result.c: the entente.Result type: a document's extraction results
 * packed from Lua tables into C (engine/result.h), so that they can cross
 * from a worker's Lua state to the writer, and Store:put_result that
 * writes one.
 *
 * The table shape (made by lib/entente/engine.lua):
 *   { mentions  = { {type, key, name, text, attrs (JSON text), start, stop,
 *                    sent_start, sent_stop, score, rule, file, line}, ... },
 *     relations = { {type, stage, cameo, date, attrs, thread, subject,
 *                    start, stop, sent_start, sent_stop, score, rule, file,
 *                    line, args = { {role, ord, mention (1-based index or
 *                    nil), type, key, value}, ... }}, ... },
 *     failures  = { {rule, file, line, offset, message}, ... } }
 */
#include <stdlib.h>
#include <string.h>

#include "lua_entente.h"
#include "result.h"

#define EN_RESULT_MT "entente.Result"

typedef struct en_lresult {
    en_result *r;
} en_lresult;

/* Field k of the table at idx as an arena string (NULL when absent). */
static const char *fstr(lua_State *L, int idx, const char *k, en_result *r, int *oom) {
    const char *v = NULL;
    if (lua_getfield(L, idx, k) == LUA_TSTRING) {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        v = en_result_str(r, s, n, oom);
    }
    lua_pop(L, 1);
    return v;
}

static lua_Integer fint(lua_State *L, int idx, const char *k, lua_Integer dflt) {
    lua_Integer v = dflt;
    if (lua_getfield(L, idx, k) == LUA_TNUMBER) v = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return v;
}

static double fnum(lua_State *L, int idx, const char *k, double dflt) {
    double v = dflt;
    if (lua_getfield(L, idx, k) == LUA_TNUMBER) v = (double)lua_tonumber(L, -1);
    lua_pop(L, 1);
    return v;
}

static uint32_t fu32(lua_State *L, int idx, const char *k) {
    lua_Integer v = fint(L, idx, k, 0);
    return v < 0 ? 0 : v > (lua_Integer)UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* Length of the array field k of the table at idx (0 when absent). Leaves
 * the array on the stack (or nil). */
static size_t farray(lua_State *L, int idx, const char *k) {
    if (lua_getfield(L, idx, k) != LUA_TTABLE) return 0;
    return (size_t)lua_rawlen(L, -1);
}

/* Pack the table at idx. Returns NULL with a message pushed on failure.
 * Never raises while holding C memory except through the arena, which the
 * caller's userdata owns. */
static int pack(lua_State *L, int idx, en_result *r) {
    int oom = 0;
    size_t n = farray(L, idx, "mentions"); /* [.., mentions] */
    int arr = lua_gettop(L);
    r->mentions = n ? en_result_alloc(r, n * sizeof *r->mentions) : NULL;
    if (n && !r->mentions) return -1;
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, arr, (lua_Integer)i + 1);
        int t = lua_gettop(L);
        if (!lua_istable(L, t))
            return luaL_error(L, "result: mention %d is not a table", (int)i + 1);
        en_rmention *m = &r->mentions[i];
        m->type = fstr(L, t, "type", r, &oom);
        m->key = fstr(L, t, "key", r, &oom);
        m->name = fstr(L, t, "name", r, &oom);
        m->text = fstr(L, t, "text", r, &oom);
        m->attrs = fstr(L, t, "attrs", r, &oom);
        m->rule = fstr(L, t, "rule", r, &oom);
        m->file = fstr(L, t, "file", r, &oom);
        m->line = (int)fint(L, t, "line", 0);
        m->start = fu32(L, t, "start");
        m->stop = fu32(L, t, "stop");
        m->sent_start = fu32(L, t, "sent_start");
        m->sent_stop = fu32(L, t, "sent_stop");
        m->score = fnum(L, t, "score", 1.0);
        if (!m->type) return luaL_error(L, "result: mention %d has no type", (int)i + 1);
        lua_pop(L, 1);
    }
    r->nmentions = n;
    lua_pop(L, 1);
    n = farray(L, idx, "relations");
    arr = lua_gettop(L);
    r->relations = n ? en_result_alloc(r, n * sizeof *r->relations) : NULL;
    if (n && !r->relations) return -1;
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, arr, (lua_Integer)i + 1);
        int t = lua_gettop(L);
        if (!lua_istable(L, t))
            return luaL_error(L, "result: relation %d is not a table", (int)i + 1);
        en_rrelation *x = &r->relations[i];
        x->type = fstr(L, t, "type", r, &oom);
        x->stage = fstr(L, t, "stage", r, &oom);
        x->cameo = fstr(L, t, "cameo", r, &oom);
        x->date = fstr(L, t, "date", r, &oom);
        x->attrs = fstr(L, t, "attrs", r, &oom);
        x->thread = fstr(L, t, "thread", r, &oom);
        x->subject = fstr(L, t, "subject", r, &oom);
        x->rule = fstr(L, t, "rule", r, &oom);
        x->file = fstr(L, t, "file", r, &oom);
        x->line = (int)fint(L, t, "line", 0);
        x->start = fu32(L, t, "start");
        x->stop = fu32(L, t, "stop");
        x->sent_start = fu32(L, t, "sent_start");
        x->sent_stop = fu32(L, t, "sent_stop");
        x->score = fnum(L, t, "score", 1.0);
        if (!x->type) return luaL_error(L, "result: relation %d has no type", (int)i + 1);
        size_t na = farray(L, t, "args");
        int aarr = lua_gettop(L);
        x->args = na ? en_result_alloc(r, na * sizeof *x->args) : NULL;
        if (na && !x->args) return -1;
        for (size_t k = 0; k < na; k++) {
            lua_rawgeti(L, aarr, (lua_Integer)k + 1);
            int a = lua_gettop(L);
            if (!lua_istable(L, a))
                return luaL_error(L, "result: bad argument of relation %d", (int)i + 1);
            en_rarg *g = &x->args[k];
            g->role = fstr(L, a, "role", r, &oom);
            g->ord = (int)fint(L, a, "ord", 0);
            g->mention = (int)fint(L, a, "mention", 0) - 1;
            g->type = fstr(L, a, "type", r, &oom);
            g->key = fstr(L, a, "key", r, &oom);
            g->value = fstr(L, a, "value", r, &oom);
            if (!g->role)
                return luaL_error(L, "result: an argument of relation %d has no role", (int)i + 1);
            lua_pop(L, 1);
        }
        x->nargs = na;
        lua_pop(L, 1); /* args */
        lua_pop(L, 1); /* relation */
    }
    r->nrelations = n;
    lua_pop(L, 1);
    n = farray(L, idx, "failures");
    arr = lua_gettop(L);
    r->failures = n ? en_result_alloc(r, n * sizeof *r->failures) : NULL;
    if (n && !r->failures) return -1;
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, arr, (lua_Integer)i + 1);
        int t = lua_gettop(L);
        en_rfailure *f = &r->failures[i];
        f->rule = fstr(L, t, "rule", r, &oom);
        f->file = fstr(L, t, "file", r, &oom);
        f->message = fstr(L, t, "message", r, &oom);
        f->line = (int)fint(L, t, "line", 0);
        f->offset = fu32(L, t, "offset");
        lua_pop(L, 1);
    }
    r->nfailures = n;
    lua_pop(L, 1);
    return oom ? -1 : 0;
}

/* core.pack_result(tbl, doc_id, doc_hash) -> Result */
static int l_pack_result(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_Integer doc = luaL_checkinteger(L, 2);
    size_t hn = 0;
    const char *hash = luaL_optlstring(L, 3, NULL, &hn);
    lua_settop(L, 3);
    en_lresult *lr = lua_newuserdatauv(L, sizeof *lr, 0); /* [tbl, doc, hash, ud] */
    lr->r = NULL;
    luaL_setmetatable(L, EN_RESULT_MT);
    lr->r = en_result_new(); /* owned by the userdata from here on: raising is safe */
    if (!lr->r) return luaL_error(L, "out of memory");
    lr->r->doc_id = doc;
    int oom = 0;
    lr->r->doc_hash = en_result_str(lr->r, hash, hn, &oom);
    if (pack(L, 1, lr->r) || oom) return luaL_error(L, "out of memory packing a result");
    return 1;
}

static int result_gc(lua_State *L) {
    en_lresult *lr = luaL_checkudata(L, 1, EN_RESULT_MT);
    en_result_free(lr->r);
    lr->r = NULL;
    return 0;
}

/* R:counts() -> mentions, relations, failures */
static int result_counts(lua_State *L) {
    en_lresult *lr = luaL_checkudata(L, 1, EN_RESULT_MT);
    if (!lr->r) return luaL_argerror(L, 1, "released result");
    lua_pushinteger(L, (lua_Integer)lr->r->nmentions);
    lua_pushinteger(L, (lua_Integer)lr->r->nrelations);
    lua_pushinteger(L, (lua_Integer)lr->r->nfailures);
    return 3;
}

/* Protected part of en_push_result: [light r] -> [Result] */
static int push_result_p(lua_State *L) {
    en_result *r = lua_touserdata(L, 1);
    en_lresult *lr = lua_newuserdatauv(L, sizeof *lr, 0);
    lr->r = r;
    luaL_setmetatable(L, EN_RESULT_MT);
    return 1;
}

void en_push_result(lua_State *L, en_result *r) {
    lua_pushcfunction(L, push_result_p);
    lua_pushlightuserdata(L, r);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        en_result_free(r);
        lua_error(L);
    }
}

en_result *en_take_result(lua_State *L, int idx) {
    en_lresult *lr = luaL_checkudata(L, idx, EN_RESULT_MT);
    en_result *r = lr->r;
    lr->r = NULL;
    return r;
}

/* Store:put_result(result, rulepack_hash, run_id) -> true | nil, msg */
int en_store_put_result_l(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    en_lresult *lr = luaL_checkudata(L, 2, EN_RESULT_MT);
    if (!lr->r) return luaL_argerror(L, 2, "released result");
    const char *hash = luaL_checkstring(L, 3);
    lua_Integer run = luaL_optinteger(L, 4, 0);
    if (en_store_put_result(s->st, lr->r, hash, run)) {
        luaL_pushfail(L);
        lua_pushstring(L, en_store_errmsg(s->st));
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* R:doc_id() -> the document the result is for */
static int result_doc(lua_State *L) {
    en_lresult *lr = luaL_checkudata(L, 1, EN_RESULT_MT);
    if (!lr->r) return luaL_argerror(L, 1, "released result");
    lua_pushinteger(L, lr->r->doc_id);
    return 1;
}

static const luaL_Reg result_methods[] = {
    {"counts", result_counts}, {"doc_id", result_doc}, {NULL, NULL}};
static const luaL_Reg funcs[] = {{"pack_result", l_pack_result}, {NULL, NULL}};

int luaopen_entente_result(lua_State *L) {
    luaL_newmetatable(L, EN_RESULT_MT);
    lua_pushcfunction(L, result_gc);
    lua_setfield(L, -2, "__gc");
    luaL_newlib(L, result_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    return 1;
}
