/*
 * lua_text.c: text functions for Lua: folding, tokenizing and splitting
 * any string (not only stored documents), and UTF-8 checks.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "lua_entente.h"

/* fold(s) -> the match key of s (case, diacritics, compatibility forms) */
static int l_fold(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    en_buf b = {0};
    if (en_fold(s, n, &b)) {
        en_buf_free(&b);
        return luaL_error(L, "out of memory");
    }
    lua_pushlstring(L, b.data ? b.data : "", b.len);
    en_buf_free(&b);
    return 1;
}

/* tokenize(s) -> array of token tables {text, start, stop, kind, space, ...} */
static int l_tokenize(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    if (en_utf8_check(s, n) < n) return luaL_argerror(L, 1, "not valid UTF-8");
    en_tokens t = {0};
    if (en_tokenize(s, n, &t)) {
        en_tokens_free(&t);
        return luaL_error(L, "out of memory");
    }
    en_push_tokens(L, s, t.v, 0, t.n); /* may raise: free first on a copy */
    en_tokens_free(&t);
    return 1;
}

/* text_document(s [, name]) -> a Document over s that is in no store */
static int l_text_document(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *name = luaL_optstring(L, 2, NULL);
    if (en_utf8_check(s, n) < n) return luaL_argerror(L, 1, "not valid UTF-8");
    en_push_text_document(L, s, n, name);
    return 1;
}

/* utf8_check(s) -> nil when valid, else the 0-based offset of the first bad byte */
static int l_utf8_check(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    size_t off = en_utf8_check(s, n);
    if (off >= n) return 0;
    lua_pushinteger(L, (lua_Integer)off);
    return 1;
}

/* utf8_repair(s) -> repaired string, number of replacements */
static int l_utf8_repair(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    en_buf b = {0};
    size_t first = 0;
    long k = en_utf8_repair(s, n, &b, &first);
    if (k < 0) {
        en_buf_free(&b);
        return luaL_error(L, "out of memory");
    }
    lua_pushlstring(L, b.data ? b.data : "", b.len);
    lua_pushinteger(L, k);
    en_buf_free(&b);
    return 2;
}

/* hash(s) -> 32 hex digits (XXH3-128), the hash entente uses for content */
static int l_hash(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    char out[33];
    en_content_hash(s, n, out);
    lua_pushstring(L, out);
    return 1;
}

/* Push a jansson value as Lua (null becomes the sentinel at index nullidx).
 * Depth is bounded by jansson's own parser limit. [-0, +1, m] */
static void push_json(lua_State *L, json_t *v, int nullidx) {
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        lua_createtable(L, 0, (int)json_object_size(v));
        const char *k;
        json_t *x;
        json_object_foreach(v, k, x) {
            push_json(L, x, nullidx);
            lua_setfield(L, -2, k);
        }
        break;
    }
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        lua_createtable(L, (int)n, 0);
        for (size_t i = 0; i < n; i++) {
            push_json(L, json_array_get(v, i), nullidx);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        break;
    }
    case JSON_STRING:
        lua_pushlstring(L, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        lua_pushinteger(L, (lua_Integer)json_integer_value(v));
        break;
    case JSON_REAL:
        lua_pushnumber(L, json_real_value(v));
        break;
    case JSON_TRUE:
        lua_pushboolean(L, 1);
        break;
    case JSON_FALSE:
        lua_pushboolean(L, 0);
        break;
    default:
        if (nullidx)
            lua_pushvalue(L, nullidx);
        else
            lua_pushnil(L);
    }
}

/* Protected body of json_decode: [json_t* as light userdata, null] -> [value] */
static int push_json_p(lua_State *L) {
    json_t *v = lua_touserdata(L, 1);
    push_json(L, v, lua_isnil(L, 2) ? 0 : 2);
    return 1;
}

/* json_decode(s [, null]) -> value | nil, "line L, column C: message".
 * JSON null becomes `null` (default nil). The C tree is freed before any
 * error is raised. */
static int l_json_decode(lua_State *L) {
    size_t n;
    const char *s = luaL_checklstring(L, 1, &n);
    lua_settop(L, 2);
    json_error_t err;
    json_t *v = json_loadb(s, n, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err);
    if (!v) {
        luaL_pushfail(L);
        lua_pushfstring(L, "line %d, column %d: %s", err.line, err.column, err.text);
        return 2;
    }
    lua_pushcfunction(L, push_json_p);
    lua_pushlightuserdata(L, v);
    lua_pushvalue(L, 2);
    int rc = lua_pcall(L, 2, 1, 0);
    json_decref(v);
    if (rc != LUA_OK) return lua_error(L);
    return 1;
}

static const luaL_Reg funcs[] = {{"fold", l_fold},
                                 {"hash", l_hash},
                                 {"json_decode", l_json_decode},
                                 {"tokenize", l_tokenize},
                                 {"text_document", l_text_document},
                                 {"utf8_check", l_utf8_check},
                                 {"utf8_repair", l_utf8_repair},
                                 {NULL, NULL}};

int luaopen_entente_text(lua_State *L) {
    luaL_newlib(L, funcs);
    return 1;
}
