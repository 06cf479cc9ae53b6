/*
 * lua_text.c: text functions for Lua: folding, tokenizing and splitting
 * any string (not only stored documents), and UTF-8 checks.
 */
#include <stdlib.h>
#include <string.h>

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

static const luaL_Reg funcs[] = {{"fold", l_fold},
                                 {"tokenize", l_tokenize},
                                 {"text_document", l_text_document},
                                 {"utf8_check", l_utf8_check},
                                 {"utf8_repair", l_utf8_repair},
                                 {NULL, NULL}};

int luaopen_entente_text(lua_State *L) {
    luaL_newlib(L, funcs);
    return 1;
}
