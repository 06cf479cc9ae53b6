/*
 * lua_store.c: the entente.Store type (a database handle) and entente.Rows
 * (a cursor over a statement).
 *
 * Conventions: misuse (a wrong argument type, a closed handle, an unknown
 * filter) raises an error naming the argument; expected failures (a missing
 * database, an FTS syntax error, a write refused) return nil and a message.
 * No Lua error ever unwinds through SQLite: every statement is reset or
 * finalized before raising, and callbacks into Lua from C run under pcall.
 */
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "lua_entente.h"

/* ---- Store handle ------------------------------------------------------- */

en_lstore *en_check_store(lua_State *L, int i) {
    en_lstore *s = luaL_checkudata(L, i, EN_STORE_MT);
    if (!s->st) luaL_argerror(L, i, "closed store");
    return s;
}

int en_store_error(lua_State *L, en_store *st) {
    return luaL_error(L, "%s", en_store_errmsg(st));
}

/* core.open(path [, {readonly=bool, create=bool}]) -> Store | nil, msg */
static int l_open(lua_State *L) {
    const char *path = luaL_checkstring(L, 1);
    unsigned flags = 0;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        if (lua_getfield(L, 2, "readonly") != LUA_TNIL && lua_toboolean(L, -1))
            flags |= EN_OPEN_READONLY;
        if (lua_getfield(L, 2, "create") != LUA_TNIL && lua_toboolean(L, -1))
            flags |= EN_OPEN_CREATE;
        lua_pop(L, 2);
    }
    en_lstore *s = lua_newuserdatauv(L, sizeof *s, 0); /* [ud] */
    s->st = NULL;
    luaL_setmetatable(L, EN_STORE_MT);
    char err[512];
    s->st = en_store_open(path, flags, err, sizeof err);
    if (!s->st) {
        luaL_pushfail(L);
        lua_pushstring(L, err);
        return 2;
    }
    return 1;
}

/* One idempotent close for close(), __gc and __close. */
static int store_close(lua_State *L) {
    en_lstore *s = luaL_checkudata(L, 1, EN_STORE_MT);
    if (s->st) {
        en_store_close(s->st);
        s->st = NULL;
    }
    return 0;
}

static int store_tostring(lua_State *L) {
    en_lstore *s = luaL_checkudata(L, 1, EN_STORE_MT);
    if (s->st)
        lua_pushfstring(L, "entente.Store (%s)", en_store_path(s->st));
    else
        lua_pushliteral(L, "entente.Store (closed)");
    return 1;
}

static int store_path(lua_State *L) {
    lua_pushstring(L, en_store_path(en_check_store(L, 1)->st));
    return 1;
}

static int store_readonly(lua_State *L) {
    lua_pushboolean(L, en_store_readonly(en_check_store(L, 1)->st));
    return 1;
}

/* ---- statements ---------------------------------------------------------- */

/* Bind Lua values at [first, top] to the statement's parameters. On a bad
 * value, finalizes nothing and returns the index of the argument. */
static int bind_args(lua_State *L, sqlite3_stmt *stmt, int first) {
    int top = lua_gettop(L);
    int np = sqlite3_bind_parameter_count(stmt);
    for (int i = first; i <= top; i++) {
        int p = i - first + 1;
        if (p > np) return i;
        switch (lua_type(L, i)) {
        case LUA_TNIL:
            sqlite3_bind_null(stmt, p);
            break;
        case LUA_TBOOLEAN:
            sqlite3_bind_int(stmt, p, lua_toboolean(L, i));
            break;
        case LUA_TNUMBER:
            if (lua_isinteger(L, i))
                sqlite3_bind_int64(stmt, p, lua_tointeger(L, i));
            else
                sqlite3_bind_double(stmt, p, lua_tonumber(L, i));
            break;
        case LUA_TSTRING: {
            size_t n;
            const char *s = lua_tolstring(L, i, &n);
            sqlite3_bind_text64(stmt, p, s, n, SQLITE_TRANSIENT, SQLITE_UTF8);
            break;
        }
        default:
            return i;
        }
    }
    return 0;
}

/* Push column i of the current row. [-0, +1, m] */
static void push_column(lua_State *L, sqlite3_stmt *stmt, int i) {
    switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
        lua_pushinteger(L, sqlite3_column_int64(stmt, i));
        break;
    case SQLITE_FLOAT:
        lua_pushnumber(L, sqlite3_column_double(stmt, i));
        break;
    case SQLITE_NULL:
        lua_pushnil(L);
        break;
    default: {
        const char *t = (const char *)sqlite3_column_text(stmt, i);
        lua_pushlstring(L, t ? t : "", (size_t)sqlite3_column_bytes(stmt, i));
    }
    }
}

/* Push the current row as a table keyed by column name. [-0, +1, m] */
static void push_row(lua_State *L, sqlite3_stmt *stmt) {
    int n = sqlite3_column_count(stmt);
    lua_createtable(L, 0, n); /* [row] */
    for (int i = 0; i < n; i++) {
        push_column(L, stmt, i);                           /* [row, v] */
        lua_setfield(L, -2, sqlite3_column_name(stmt, i)); /* [row] */
    }
}

/* Prepare one statement; refuse writes when readonly_only. Returns NULL
 * with (nil, message) pushed on failure. [-0, +0|+2, m] */
static sqlite3_stmt *prepare(lua_State *L, en_store *st, const char *sql, int readonly_only) {
    sqlite3_stmt *stmt = NULL;
    const char *tail = NULL;
    if (sqlite3_prepare_v2(en_store_db(st), sql, -1, &stmt, &tail) != SQLITE_OK) {
        luaL_pushfail(L);
        lua_pushfstring(L, "SQL error: %s", sqlite3_errmsg(en_store_db(st)));
        return NULL;
    }
    if (!stmt) {
        luaL_pushfail(L);
        lua_pushliteral(L, "SQL error: empty statement");
        return NULL;
    }
    while (tail && *tail && (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == ';'))
        tail++;
    if (tail && *tail) {
        sqlite3_finalize(stmt);
        luaL_pushfail(L);
        lua_pushliteral(L, "SQL error: one statement at a time");
        return NULL;
    }
    if (readonly_only && !sqlite3_stmt_readonly(stmt)) {
        sqlite3_finalize(stmt);
        luaL_pushfail(L);
        lua_pushliteral(L, "SQL refused: the statement would write to the database (read-only "
                           "access)");
        return NULL;
    }
    return stmt;
}

/* Push the statement's column names as an array. [-0, +1, m] */
static void push_columns(lua_State *L, sqlite3_stmt *stmt) {
    int n = sqlite3_column_count(stmt);
    lua_createtable(L, n, 0);
    for (int i = 0; i < n; i++) {
        lua_pushstring(L, sqlite3_column_name(stmt, i));
        lua_rawseti(L, -2, i + 1);
    }
}

/* Store:sql(query, ...) -> array of row tables, array of column names
 * | nil, msg. Read-only. */
static int store_sql(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    const char *sql = luaL_checkstring(L, 2);
    sqlite3_stmt *stmt = prepare(L, s->st, sql, 1);
    if (!stmt) return 2;
    int bad = bind_args(L, stmt, 3);
    if (bad) {
        sqlite3_finalize(stmt);
        return luaL_argerror(L, bad,
                             "cannot bind this value (too many, or not nil, boolean, "
                             "number or string)");
    }
    lua_newtable(L); /* [rows] */
    lua_Integer n = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        push_row(L, stmt);       /* [rows, row] */
        lua_rawseti(L, -2, ++n); /* [rows] */
    }
    if (rc != SQLITE_DONE) {
        luaL_pushfail(L);
        lua_pushfstring(L, "SQL error: %s", sqlite3_errmsg(en_store_db(s->st)));
        sqlite3_finalize(stmt);
        return 2;
    }
    push_columns(L, stmt); /* [rows, cols] */
    sqlite3_finalize(stmt);
    return 2;
}

/* ---- Rows cursor: a statement that closes with the loop ------------------ */

typedef struct en_lrows {
    sqlite3_stmt *stmt; /* NULL once finished or closed */
    int as_docs;        /* rows become Documents */
} en_lrows;

static int rows_close(lua_State *L) {
    en_lrows *r = luaL_checkudata(L, 1, EN_ROWS_MT);
    if (r->stmt) {
        sqlite3_finalize(r->stmt);
        r->stmt = NULL;
    }
    return 0;
}

/* The iterator: upvalue 1 is the Rows userdata (whose user value is the Store). */
static int rows_next(lua_State *L) {
    en_lrows *r = luaL_checkudata(L, lua_upvalueindex(1), EN_ROWS_MT);
    if (!r->stmt) return 0;
    int rc = sqlite3_step(r->stmt);
    if (rc == SQLITE_ROW) {
        if (r->as_docs) {
            lua_getiuservalue(L, lua_upvalueindex(1), 1); /* [store] */
            en_push_document(L, lua_gettop(L), r->stmt);  /* [store, doc] */
            lua_remove(L, -2);                            /* [doc] */
        } else {
            push_row(L, r->stmt);
        }
        return 1;
    }
    sqlite3_stmt *stmt = r->stmt;
    r->stmt = NULL;
    if (rc != SQLITE_DONE) {
        lua_pushfstring(L, "SQL error: %s", sqlite3_errmsg(sqlite3_db_handle(stmt)));
        sqlite3_finalize(stmt);
        return lua_error(L);
    }
    sqlite3_finalize(stmt);
    return 0;
}

/* Push (iterator, nil, nil, closer) for a generic for over stmt. The store
 * at store_idx stays alive while the cursor lives. [-0, +4, m] */
static int push_cursor(lua_State *L, int store_idx, sqlite3_stmt *stmt, int as_docs) {
    en_lrows *r = lua_newuserdatauv(L, sizeof *r, 1); /* [rows] */
    r->stmt = stmt;
    r->as_docs = as_docs;
    luaL_setmetatable(L, EN_ROWS_MT);
    lua_pushvalue(L, store_idx);       /* [rows, store] */
    lua_setiuservalue(L, -2, 1);       /* [rows] */
    lua_pushvalue(L, -1);              /* [rows, rows] */
    lua_pushcclosure(L, rows_next, 1); /* [rows, iter] */
    lua_insert(L, -2);                 /* [iter, rows] */
    lua_pushnil(L);                    /* [iter, rows, nil] */
    lua_insert(L, -2);                 /* [iter, nil, rows] */
    lua_pushnil(L);                    /* [iter, nil, rows, nil] */
    lua_insert(L, -2);                 /* [iter, nil, nil, rows] */
    return 4;
}

/* Store:rows(query, ...) -> iterator over row tables (read-only SQL). */
static int store_rows(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    const char *sql = luaL_checkstring(L, 2);
    sqlite3_stmt *stmt = prepare(L, s->st, sql, 1);
    if (!stmt) return luaL_error(L, "%s", lua_tostring(L, -1));
    int bad = bind_args(L, stmt, 3);
    if (bad) {
        sqlite3_finalize(stmt);
        return luaL_argerror(L, bad, "cannot bind this value");
    }
    return push_cursor(L, 1, stmt, 0);
}

/* ---- documents ------------------------------------------------------------ */

static const char *const DOC_FILTERS[] = {"source", "since", "until", "search", "name",
                                          "id",     "limit", "place", NULL};

/* Store:docs([filter]) -> iterator over Documents, in id order.
 * filter: source, since, until (ISO dates, inclusive), search (FTS5
 * query), name, id, place, limit. */
static int store_docs(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    int has = !lua_isnoneornil(L, 2);
    if (has) luaL_checktype(L, 2, LUA_TTABLE);
    char sql[1024] = "SELECT " EN_DOC_COLUMNS " FROM documents d WHERE 1";
    const char *vals[8];
    int nv = 0;
    lua_Integer limit = -1;
    int base = lua_gettop(L);
    if (has) {
        /* unknown keys are a mistake: say which */
        lua_pushnil(L);
        while (lua_next(L, 2)) {
            lua_pop(L, 1);
            const char *k = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : NULL;
            int ok = 0;
            for (int i = 0; k && DOC_FILTERS[i]; i++)
                if (strcmp(k, DOC_FILTERS[i]) == 0) ok = 1;
            if (!ok) {
                lua_pop(L, 1);
                return luaL_argerror(L, 2,
                                     lua_pushfstring(L,
                                                     "unknown filter '%s' (known: source, "
                                                     "since, until, search, name, id, place, "
                                                     "limit)",
                                                     k ? k : luaL_typename(L, -1)));
            }
        }
        static const struct {
            const char *key, *sql;
        } conds[] = {
            {"source", " AND d.source = ?"},
            {"since", " AND d.date >= ?"},
            {"until", " AND d.date <= ? || 'z'"},
            {"name", " AND d.name = ?"},
            {"place", " AND d.place = ?"},
            {"search", " AND d.id IN (SELECT rowid FROM documents_fts WHERE documents_fts "
                       "MATCH ?)"},
        };
        for (size_t i = 0; i < sizeof conds / sizeof conds[0]; i++) {
            if (lua_getfield(L, 2, conds[i].key) != LUA_TNIL) {
                if (lua_type(L, -1) != LUA_TSTRING)
                    return luaL_argerror(
                        L, 2, lua_pushfstring(L, "filter '%s' must be a string", conds[i].key));
                strncat(sql, conds[i].sql, sizeof sql - strlen(sql) - 1);
                vals[nv++] = lua_tostring(L, -1); /* kept alive on the stack */
            } else {
                lua_pop(L, 1);
            }
        }
        if (lua_getfield(L, 2, "id") != LUA_TNIL) {
            if (!lua_isinteger(L, -1)) return luaL_argerror(L, 2, "filter 'id' must be an integer");
            size_t at = strlen(sql);
            snprintf(sql + at, sizeof sql - at, " AND d.id = %lld",
                     (long long)lua_tointeger(L, -1));
        }
        lua_pop(L, 1);
        if (lua_getfield(L, 2, "limit") != LUA_TNIL) {
            if (!lua_isinteger(L, -1))
                return luaL_argerror(L, 2, "filter 'limit' must be an integer");
            limit = lua_tointeger(L, -1);
        }
        lua_pop(L, 1);
    }
    size_t at = strlen(sql);
    snprintf(sql + at, sizeof sql - at, " ORDER BY d.id LIMIT %lld", (long long)limit);
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(en_store_db(s->st), sql, -1, &stmt, NULL) != SQLITE_OK)
        return luaL_error(L, "docs: %s", sqlite3_errmsg(en_store_db(s->st)));
    for (int i = 0; i < nv; i++) sqlite3_bind_text(stmt, i + 1, vals[i], -1, SQLITE_TRANSIENT);
    lua_settop(L, base);
    return push_cursor(L, 1, stmt, 1);
}

/* Store:doc(id | name) -> Document | nil, msg */
static int store_doc(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    sqlite3_stmt *stmt = NULL;
    const char *sql_id = "SELECT " EN_DOC_COLUMNS " FROM documents d WHERE d.id = ?";
    const char *sql_name =
        "SELECT " EN_DOC_COLUMNS " FROM documents d WHERE d.name = ? OR d.uri = ? ORDER BY d.id "
        "LIMIT 1";
    int isint = lua_isinteger(L, 2);
    if (!isint && lua_type(L, 2) != LUA_TSTRING)
        return luaL_typeerror(L, 2, "document id (integer) or name (string)");
    if (sqlite3_prepare_v2(en_store_db(s->st), isint ? sql_id : sql_name, -1, &stmt, NULL) !=
        SQLITE_OK)
        return luaL_error(L, "doc: %s", sqlite3_errmsg(en_store_db(s->st)));
    if (isint) {
        sqlite3_bind_int64(stmt, 1, lua_tointeger(L, 2));
    } else {
        sqlite3_bind_text(stmt, 1, lua_tostring(L, 2), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 2, lua_tostring(L, 2), -1, SQLITE_TRANSIENT);
    }
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        en_push_document(L, 1, stmt);
        sqlite3_finalize(stmt);
        return 1;
    }
    sqlite3_finalize(stmt);
    luaL_pushfail(L);
    if (isint)
        lua_pushfstring(L, "no document with id %I", (LUAI_UACINT)lua_tointeger(L, 2));
    else
        lua_pushfstring(L, "no document named '%s'", lua_tostring(L, 2));
    return 2;
}

/* Store:search(fts_query [, limit]) -> array of {id, name, title, snippet, rank}
 * | nil, msg (for a query FTS5 cannot parse). */
static int store_search(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    const char *q = luaL_checkstring(L, 2);
    lua_Integer limit = luaL_optinteger(L, 3, 20);
    static const char sql[] = "SELECT d.id, d.name, d.title, d.date, d.source,"
                              " snippet(documents_fts, 1, '[', ']', '...', 12) AS snippet,"
                              " bm25(documents_fts) AS rank"
                              " FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid"
                              " WHERE documents_fts MATCH ? ORDER BY rank, d.id LIMIT ?";
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(en_store_db(s->st), sql, -1, &stmt, NULL) != SQLITE_OK)
        return luaL_error(L, "search: %s", sqlite3_errmsg(en_store_db(s->st)));
    sqlite3_bind_text(stmt, 1, q, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(stmt, 2, limit);
    lua_newtable(L); /* [hits] */
    lua_Integer n = 0;
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        push_row(L, stmt);
        lua_rawseti(L, -2, ++n);
    }
    if (rc != SQLITE_DONE) {
        luaL_pushfail(L);
        lua_pushfstring(L, "search: cannot use '%s': %s", q, sqlite3_errmsg(en_store_db(s->st)));
        sqlite3_finalize(stmt);
        return 2;
    }
    sqlite3_finalize(stmt);
    return 1;
}

/* Store:stats() -> {documents, bytes, mentions, entities, relations, runs, extracted} */
static int store_stats(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    en_storestats o;
    if (en_store_stats(s->st, &o)) return en_store_error(L, s->st);
    lua_createtable(L, 0, 7);
#define SETI(f)                                                                                    \
    lua_pushinteger(L, o.f);                                                                       \
    lua_setfield(L, -2, #f)
    SETI(documents);
    SETI(bytes);
    SETI(mentions);
    SETI(entities);
    SETI(relations);
    SETI(runs);
    SETI(extracted);
#undef SETI
    return 1;
}

/* ---- ingest ------------------------------------------------------------------ */

/* State for the callbacks of one Store:ingest call. */
typedef struct ingest_ud {
    lua_State *L;
    int report_idx;   /* Lua function or 0 */
    int progress_idx; /* Lua function or 0 */
    int failed;       /* a callback raised: stop */
    char err[512];
} ingest_ud;

static const char *level_name(en_level lv) {
    switch (lv) {
    case EN_WARN:
        return "warning";
    case EN_SKIP:
        return "skipped";
    default:
        return "error";
    }
}

/* Called from C: calls the Lua report function under pcall, so a Lua
 * error never unwinds through the ingest loop or SQLite. */
static void cb_report(void *p, en_level lv, const char *file, unsigned long line, const char *msg) {
    ingest_ud *u = p;
    if (!u->report_idx || u->failed) return;
    lua_State *L = u->L;
    lua_pushvalue(L, u->report_idx); /* [f] */
    lua_pushstring(L, level_name(lv));
    lua_pushstring(L, file);
    lua_pushinteger(L, (lua_Integer)line);
    lua_pushstring(L, msg); /* [f, level, file, line, msg] */
    if (lua_pcall(L, 4, 0, 0) != LUA_OK) {
        snprintf(u->err, sizeof u->err, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
        u->failed = 1;
    }
}

static void cb_progress(void *p, uint64_t done, uint64_t total) {
    ingest_ud *u = p;
    if (!u->progress_idx || u->failed) return;
    lua_State *L = u->L;
    lua_pushvalue(L, u->progress_idx);
    lua_pushinteger(L, (lua_Integer)done);
    lua_pushinteger(L, (lua_Integer)total);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        snprintf(u->err, sizeof u->err, "%s", lua_tostring(L, -1));
        lua_pop(L, 1);
        u->failed = 1;
    }
}

static int cb_interrupted(void *p) {
    ingest_ud *u = p;
    return u->failed || en_stop_requested();
}

/* Store:ingest(paths [, {max_bytes=, batch=, report=fn(level, file, line, msg),
 * progress=fn(done, total)}]) -> stats table (status: "ok", "failed",
 * "interrupted") | raises when the store fails. */
static int store_ingest(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    if (!lua_isnoneornil(L, 3)) luaL_checktype(L, 3, LUA_TTABLE);
    lua_settop(L, 3); /* [store, paths, opts|nil] */
    int n = (int)luaL_len(L, 2);
    const char **paths = lua_newuserdatauv(L, sizeof(char *) * (size_t)(n > 0 ? n : 1), 0);
    int keep = lua_gettop(L); /* [.., paths_ud] */
    for (int i = 1; i <= n; i++) {
        if (lua_geti(L, 2, i) != LUA_TSTRING) return luaL_argerror(L, 2, "paths must be strings");
        paths[i - 1] = lua_tostring(L, -1); /* anchored by the table at 2 */
        lua_pop(L, 1);
    }
    en_ingest_opts o = {0};
    ingest_ud u = {.L = L};
    if (!lua_isnil(L, 3)) {
        if (lua_getfield(L, 3, "max_bytes") != LUA_TNIL) {
            lua_Integer mb = lua_tointeger(L, -1);
            if (mb <= 0) return luaL_argerror(L, 3, "max_bytes must be a positive integer");
            o.max_bytes = (size_t)mb;
        }
        if (lua_getfield(L, 3, "batch") != LUA_TNIL) {
            lua_Integer bt = lua_tointeger(L, -1);
            if (bt <= 0) return luaL_argerror(L, 3, "batch must be a positive integer");
            o.batch_docs = (size_t)bt;
        }
        lua_pop(L, 2);
        if (lua_getfield(L, 3, "report") == LUA_TFUNCTION)
            u.report_idx = lua_gettop(L);
        else
            lua_pop(L, 1);
        if (lua_getfield(L, 3, "progress") == LUA_TFUNCTION)
            u.progress_idx = lua_gettop(L);
        else
            lua_pop(L, 1);
    }
    o.report = cb_report;
    o.progress = cb_progress;
    o.interrupted = cb_interrupted;
    o.ud = &u;
    en_ingest_stats stats;
    int rc = en_ingest(s->st, paths, (size_t)n, &o, &stats);
    (void)keep;
    if (rc < 0) return en_store_error(L, s->st);
    if (u.failed) return luaL_error(L, "%s", u.err);
    lua_createtable(L, 0, 10);
#define SETI(f)                                                                                    \
    lua_pushinteger(L, (lua_Integer)stats.f);                                                      \
    lua_setfield(L, -2, #f)
    SETI(files);
    SETI(added);
    SETI(updated);
    SETI(unchanged);
    SETI(skipped);
    SETI(failed);
    SETI(warnings);
    SETI(bytes);
#undef SETI
    lua_pushstring(L, stats.interrupted ? "interrupted" : rc ? "failed" : "ok");
    lua_setfield(L, -2, "status");
    return 1;
}

/* Store:exec(sql): run statements that write (trusted code only; the
 * analyst API does not expose it). */
static int store_exec(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    const char *sql = luaL_checkstring(L, 2);
    if (en_store_exec(s->st, sql)) {
        luaL_pushfail(L);
        lua_pushstring(L, en_store_errmsg(s->st));
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* Store:write(sql, ...) -> changes, last_insert_rowid | nil, msg: one
 * statement that writes, with parameters (trusted code: the engine's run
 * bookkeeping; sandboxed scripts only ever hold read-only stores). */
static int store_write(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    const char *sql = luaL_checkstring(L, 2);
    sqlite3_stmt *stmt = prepare(L, s->st, sql, 0);
    if (!stmt) return 2;
    int bad = bind_args(L, stmt, 3);
    if (bad) {
        sqlite3_finalize(stmt);
        return luaL_argerror(L, bad, "cannot bind this value");
    }
    int rc = sqlite3_step(stmt);
    while (rc == SQLITE_ROW) rc = sqlite3_step(stmt);
    if (rc != SQLITE_DONE) {
        luaL_pushfail(L);
        int code = sqlite3_errcode(en_store_db(s->st));
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
            lua_pushfstring(L, "%s: the database is locked by another process",
                            en_store_path(s->st));
        else
            lua_pushfstring(L, "SQL error: %s", sqlite3_errmsg(en_store_db(s->st)));
        sqlite3_finalize(stmt);
        return 2;
    }
    sqlite3_finalize(stmt);
    lua_pushinteger(L, sqlite3_changes(en_store_db(s->st)));
    lua_pushinteger(L, sqlite3_last_insert_rowid(en_store_db(s->st)));
    return 2;
}

/* Store:begin(), Store:commit(), Store:rollback() -> true | nil, msg */
static int tx_result(lua_State *L, en_store *st, int rc) {
    if (rc) {
        luaL_pushfail(L);
        lua_pushstring(L, en_store_errmsg(st));
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}
static int store_begin(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    return tx_result(L, s->st, en_store_begin(s->st));
}
static int store_commit(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    return tx_result(L, s->st, en_store_commit(s->st));
}
static int store_rollback(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    return tx_result(L, s->st, en_store_rollback(s->st));
}
/* Store:set_bulk(on): in bulk mode nested begin/commit are not savepoints
 * (an inner failure makes the outer commit roll back), and the page cache
 * and checkpoint interval are sized for big batches.
 * Stack: [store, on] -> [] */
static int store_set_bulk(lua_State *L) {
    en_lstore *s = en_check_store(L, 1);
    en_store_set_bulk(s->st, lua_toboolean(L, 2));
    return 0;
}

static const luaL_Reg store_methods[] = {{"close", store_close},
                                         {"path", store_path},
                                         {"readonly", store_readonly},
                                         {"sql", store_sql},
                                         {"rows", store_rows},
                                         {"docs", store_docs},
                                         {"doc", store_doc},
                                         {"search", store_search},
                                         {"stats", store_stats},
                                         {"ingest", store_ingest},
                                         {"exec", store_exec},
                                         {"write", store_write},
                                         {"begin", store_begin},
                                         {"commit", store_commit},
                                         {"rollback", store_rollback},
                                         {"set_bulk", store_set_bulk},
                                         {"put_result", en_store_put_result_l},
                                         {NULL, NULL}};

static const luaL_Reg store_meta[] = {{"__gc", store_close},
                                      {"__close", store_close},
                                      {"__tostring", store_tostring},
                                      {"__index", NULL},
                                      {NULL, NULL}};

static const luaL_Reg rows_meta[] = {{"__gc", rows_close}, {"__close", rows_close}, {NULL, NULL}};

static const luaL_Reg funcs[] = {{"open", l_open}, {NULL, NULL}};

int luaopen_entente_store(lua_State *L) {
    luaL_newmetatable(L, EN_STORE_MT); /* [mt] */
    luaL_setfuncs(L, store_meta, 0);
    luaL_newlib(L, store_methods);    /* [mt, methods] */
    lua_setfield(L, -2, "__index");   /* [mt] */
    lua_pop(L, 1);                    /* [] */
    luaL_newmetatable(L, EN_ROWS_MT); /* [mt] */
    luaL_setfuncs(L, rows_meta, 0);
    lua_pop(L, 1);         /* [] */
    luaL_newlib(L, funcs); /* [lib] */
    return 1;
}
