/*
 * lua_text.c: text functions for Lua: folding, tokenizing and splitting
 * any string (not only stored documents), and UTF-8 checks.
 */
#include <jansson.h>
#include <stdlib.h>
#include <math.h>
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

/* ---- json_encode ------------------------------------------------------------ */

/* The encoder's output, a userdata so that an error cannot leak it. */
typedef struct jbuf {
    en_buf b;
    int oom;
} jbuf;

static int jbuf_gc(lua_State *L) {
    jbuf *j = lua_touserdata(L, 1);
    en_buf_free(&j->b);
    return 0;
}

static void jput(jbuf *j, const char *p, size_t n) {
    if (!j->oom && en_buf_append(&j->b, p, n)) j->oom = 1;
}

/* Length of the UTF-8 sequence a lead byte announces (0: not a lead). */
static size_t seq_len(unsigned char c) {
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return 2;
    if (c >= 0xE0 && c <= 0xEF) return 3;
    if (c >= 0xF0 && c <= 0xF4) return 4;
    return 0;
}

/* A JSON string: control characters escaped, each byte of an invalid UTF-8
 * sequence replaced by U+FFFD (as json.lua does). */
static void jstring(jbuf *j, const char *s, size_t n) {
    jput(j, "\"", 1);
    size_t run = 0; /* start of bytes not yet copied */
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            i++;
            continue;
        }
        if (c >= 0x80) {
            size_t k = seq_len(c);
            if (k && i + k <= n && en_utf8_check(s + i, k) == k) {
                i += k;
                continue;
            }
        }
        jput(j, s + run, i - run);
        char esc[8];
        const char *e = esc;
        size_t elen = 2;
        switch (c) {
        case '"':
            e = "\\\"";
            break;
        case '\\':
            e = "\\\\";
            break;
        case '\b':
            e = "\\b";
            break;
        case '\f':
            e = "\\f";
            break;
        case '\n':
            e = "\\n";
            break;
        case '\r':
            e = "\\r";
            break;
        case '\t':
            e = "\\t";
            break;
        default:
            if (c < 0x80) {
                snprintf(esc, sizeof esc, "\\u%04x", c);
                elen = 6;
            } else {
                e = "\xEF\xBF\xBD"; /* U+FFFD */
                elen = 3;
            }
        }
        jput(j, e, elen);
        i++;
        run = i;
    }
    jput(j, s + run, n - run);
    jput(j, "\"", 1);
}

/* Upvalues of json_encode: 1 null, 2 the array mark, 3 the object mark. */
static int is_array_table(lua_State *L, int t) {
    if (lua_getmetatable(L, t)) { /* [.., mt] */
        int arr = lua_rawequal(L, -1, lua_upvalueindex(2));
        int obj = lua_rawequal(L, -1, lua_upvalueindex(3));
        lua_pop(L, 1);
        if (arr) return 1;
        if (obj) return 0;
    }
    lua_Integer n = (lua_Integer)lua_rawlen(L, t), count = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        count++;
    }
    return count == n;
}

typedef struct jkey {
    const char *s;
    size_t len;
    int slot; /* index in the anchor table: the original key */
} jkey;

static int jkey_cmp(const void *x, const void *y) {
    const jkey *a = x, *b = y;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->s, b->s, n);
    if (c) return c;
    return (a->len > b->len) - (a->len < b->len);
}

static void jvalue(lua_State *L, jbuf *j, int idx, int depth);

/* Raise msg without a position, as json.lua does (error(msg, 0)). */
static void jfail(lua_State *L, const char *msg, const char *what) {
    lua_pushfstring(L, msg, what);
    lua_error(L);
}

static void jtable(lua_State *L, jbuf *j, int t, int depth) {
    if (depth > 200) jfail(L, "json: cannot encode a table that contains itself%s", "");
    luaL_checkstack(L, 8, "json: nesting too deep");
    if (is_array_table(L, t)) {
        lua_Integer n = (lua_Integer)lua_rawlen(L, t);
        jput(j, "[", 1);
        for (lua_Integer i = 1; i <= n; i++) {
            if (i > 1) jput(j, ",", 1);
            lua_rawgeti(L, t, i);
            jvalue(L, j, lua_gettop(L), depth + 1);
            lua_pop(L, 1);
        }
        jput(j, "]", 1);
        return;
    }
    /* keys as text, sorted; the anchor table keeps keys and their texts */
    size_t nk = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        nk++;
    }
    lua_createtable(L, (int)(2 * nk), 0); /* [.., anchor] */
    int anchor = lua_gettop(L);
    jkey *keys = lua_newuserdatauv(L, (nk ? nk : 1) * sizeof *keys, 0); /* [.., anchor, keys] */
    size_t k = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) { /* [.., anchor, keys, key, value] */
        lua_pop(L, 1);
        int kt = lua_type(L, -1);
        if (kt != LUA_TSTRING && kt != LUA_TNUMBER)
            jfail(L, "json: object keys must be strings or numbers, got %s", lua_typename(L, kt));
        if (k >= nk) jfail(L, "json: a table changed while being encoded%s", "");
        lua_pushvalue(L, -1);
        lua_rawseti(L, anchor, (lua_Integer)(2 * k + 1)); /* the key */
        lua_pushvalue(L, -1);
        size_t len;
        const char *ks = lua_tolstring(L, -1, &len); /* the copy becomes text */
        keys[k].s = ks;
        keys[k].len = len;
        keys[k].slot = (int)(2 * k + 1);
        lua_rawseti(L, anchor, (lua_Integer)(2 * k + 2)); /* its text, kept alive */
        k++;
    }
    qsort(keys, k, sizeof *keys, jkey_cmp);
    jput(j, "{", 1);
    for (size_t i = 0; i < k; i++) {
        if (i > 0) jput(j, ",", 1);
        jstring(j, keys[i].s, keys[i].len);
        jput(j, ":", 1);
        lua_rawgeti(L, anchor, keys[i].slot); /* [.., key] */
        lua_rawget(L, t);                     /* [.., value] */
        jvalue(L, j, lua_gettop(L), depth + 1);
        lua_pop(L, 1);
    }
    jput(j, "}", 1);
    lua_pop(L, 2); /* anchor, keys */
}

static void jvalue(lua_State *L, jbuf *j, int idx, int depth) {
    char num[64];
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        jput(j, "null", 4);
        break;
    case LUA_TBOOLEAN:
        if (lua_toboolean(L, idx))
            jput(j, "true", 4);
        else
            jput(j, "false", 5);
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx)) {
            snprintf(num, sizeof num, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, idx));
        } else {
            double v = (double)lua_tonumber(L, idx);
            if (v != v || v == HUGE_VAL || v == -HUGE_VAL)
                snprintf(num, sizeof num, "null");
            else if (v == 0)
                snprintf(num, sizeof num, "0");
            else if (v == floor(v) && fabs(v) < 9007199254740992.0)
                snprintf(num, sizeof num, "%.0f", v);
            else
                snprintf(num, sizeof num, "%.14g", v);
        }
        jput(j, num, strlen(num));
        break;
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        jstring(j, s, n);
        break;
    }
    case LUA_TTABLE:
        if (lua_rawequal(L, idx, lua_upvalueindex(1)))
            jput(j, "null", 4);
        else
            jtable(L, j, idx, depth);
        break;
    default:
        jfail(L, "json: cannot encode a %s", luaL_typename(L, idx));
    }
}

/* json_encode(value) -> text: compact JSON with object keys sorted, as
 * entente.json writes it (that module hands its compact form here).
 * Upvalues: null, the array mark, the object mark (json_setup).
 * Stack: [value] -> [text] */
static int l_json_encode_c(lua_State *L) {
    lua_settop(L, 1);
    jbuf *j = lua_newuserdatauv(L, sizeof *j, 0); /* [value, buf] */
    memset(j, 0, sizeof *j);
    luaL_setmetatable(L, "entente.jsonbuf");
    jvalue(L, j, 1, 0);
    if (j->oom) jfail(L, "json: out of memory%s", "");
    lua_pushlstring(L, j->b.data ? j->b.data : "", j->b.len); /* [value, buf, text] */
    en_buf_free(&j->b);
    return 1;
}

/* Copy entry [key, value] (on the stack top) into copy unless skip has the
 * key or the value is a function; a mention (a table with type and start)
 * becomes its key, else its text. Pops the value, keeps the key.
 * Stack: [.., key, value] -> [.., key] */
static void attrs_put(lua_State *L, int copy, int skip, int only_new) {
    if (lua_type(L, -1) == LUA_TFUNCTION) {
        lua_pop(L, 1);
        return;
    }
    if (skip) {
        lua_pushvalue(L, -2); /* [.., key, value, key] */
        int skipped = lua_rawget(L, skip) != LUA_TNIL && lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (skipped) {
            lua_pop(L, 1);
            return;
        }
    }
    if (only_new) {
        lua_pushvalue(L, -2);
        int present = lua_rawget(L, copy) != LUA_TNIL;
        lua_pop(L, 1);
        if (present) {
            lua_pop(L, 1);
            return;
        }
    }
    if (lua_type(L, -1) == LUA_TTABLE) {
        int v = lua_gettop(L);
        int mention = lua_getfield(L, v, "type") != LUA_TNIL;
        mention = mention && lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (mention) {
            mention = lua_getfield(L, v, "start") != LUA_TNIL && lua_toboolean(L, -1);
            lua_pop(L, 1);
        }
        if (mention) {
            lua_getfield(L, v, "key"); /* [.., key, value, k] */
            if (!lua_toboolean(L, -1)) {
                lua_pop(L, 1);
                lua_getfield(L, v, "text");
            }
            lua_replace(L, v); /* [.., key, k] */
        }
    }
    lua_pushvalue(L, -2); /* [.., key, value, key] */
    lua_insert(L, -2);    /* [.., key, key, value] */
    lua_rawset(L, copy);  /* [.., key] */
}

/* attrs_json(t [, skip]) -> JSON text | nil: the attributes of a mention or
 * relation as stored: t's entries and, when t reads defaults through a
 * metatable __index table (gazetteer attributes), those too; no functions,
 * no keys of skip, mentions as their keys; nil when nothing is left.
 * Upvalues as json_encode. Stack: [t, skip] -> [t, skip, copy, text] */
static int l_attrs_json(lua_State *L) {
    lua_settop(L, 2);
    if (lua_isnil(L, 1)) {
        lua_pushnil(L);
        return 1;
    }
    luaL_checktype(L, 1, LUA_TTABLE);
    int skip = lua_istable(L, 2) ? 2 : 0;
    lua_createtable(L, 0, 8); /* [t, skip, copy] */
    int copy = 3;
    lua_pushnil(L);
    while (lua_next(L, 1)) attrs_put(L, copy, skip, 0);
    if (lua_getmetatable(L, 1)) {                           /* [.., mt] */
        if (lua_getfield(L, -1, "__index") == LUA_TTABLE) { /* [.., mt, defaults] */
            int defaults = lua_gettop(L);
            lua_pushnil(L);
            while (lua_next(L, defaults)) attrs_put(L, copy, skip, 1);
        }
        lua_pop(L, 2);
    }
    lua_pushnil(L);
    if (!lua_next(L, copy)) { /* nothing kept */
        lua_pushnil(L);
        return 1;
    }
    lua_pop(L, 2);
    jbuf *j = lua_newuserdatauv(L, sizeof *j, 0); /* [t, skip, copy, buf] */
    memset(j, 0, sizeof *j);
    luaL_setmetatable(L, "entente.jsonbuf");
    jvalue(L, j, copy, 0);
    if (j->oom) jfail(L, "json: out of memory%s", "");
    lua_pushlstring(L, j->b.data ? j->b.data : "", j->b.len); /* [.., buf, text] */
    en_buf_free(&j->b);
    return 1;
}

/* json_setup(null, array_mt, object_mt) -> encode, attrs_json: the encoders
 * for these marks. */
static int l_json_setup(lua_State *L) {
    lua_settop(L, 3);
    if (luaL_newmetatable(L, "entente.jsonbuf")) { /* [null, arr, obj, mt] */
        lua_pushcfunction(L, jbuf_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_pushcclosure(L, l_json_encode_c, 3); /* [null, arr, obj, encode] */
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushvalue(L, 3);
    lua_pushcclosure(L, l_attrs_json, 3); /* [null, arr, obj, encode, attrs] */
    return 2;
}

/* byte_positions(s, set) -> array of the 1-based positions of the bytes of
 * s that occur in the string set, in order. For rules that scan a text with
 * a Lua pattern that can only start at a few kinds of bytes (digits,
 * capitals): string.gmatch runs its pattern machinery at every byte.
 * Stack: [s, set] -> [s, set, list] */
static int l_byte_positions(lua_State *L) {
    size_t n, m;
    const char *s = luaL_checklstring(L, 1, &n);
    const char *set = luaL_checklstring(L, 2, &m);
    unsigned char in[256] = {0};
    for (size_t i = 0; i < m; i++) in[(unsigned char)set[i]] = 1;
    lua_createtable(L, 16, 0);
    lua_Integer k = 0;
    for (size_t i = 0; i < n; i++) {
        if (in[(unsigned char)s[i]]) {
            lua_pushinteger(L, (lua_Integer)i + 1);
            lua_rawseti(L, -2, ++k);
        }
    }
    return 1;
}

static const luaL_Reg funcs[] = {{"fold", l_fold},
                                 {"byte_positions", l_byte_positions},
                                 {"hash", l_hash},
                                 {"json_decode", l_json_decode},
                                 {"json_setup", l_json_setup},
                                 {"tokenize", l_tokenize},
                                 {"text_document", l_text_document},
                                 {"utf8_check", l_utf8_check},
                                 {"utf8_repair", l_utf8_repair},
                                 {NULL, NULL}};

int luaopen_entente_text(lua_State *L) {
    luaL_newlib(L, funcs);
    return 1;
}
