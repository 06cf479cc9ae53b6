/*
 * lua_entente.h: the C side of the Lua API, shared by the binding files.
 *
 * Each exposed type has its own file and luaopen_* function:
 *   lua_store.c     entente.Store  (a database) and entente.Rows (a cursor)
 *   lua_document.c  entente.Document and entente.Sentence
 *   lua_text.c      text functions: fold, tokenize, sentences, utf8 check
 * luaopen_entente_core (lua_core.c) gathers them into the module
 * "entente.core", which lib/entente/init.lua wraps into the analyst API.
 */
#ifndef ENTENTE_LUA_ENTENTE_H
#define ENTENTE_LUA_ENTENTE_H

#include <lauxlib.h>
#include <lua.h>
#include <stdint.h>

#include "store.h"
#include "text.h"

#define EN_STORE_MT "entente.Store"
#define EN_ROWS_MT  "entente.Rows"
#define EN_DOC_MT   "entente.Document"
#define EN_SENT_MT  "entente.Sentence"

/* The Store userdata. */
typedef struct en_lstore {
    en_store *st; /* NULL once closed */
} en_lstore;

/* Check that argument i is an open Store and return it (raises otherwise). */
en_lstore *en_check_store(lua_State *L, int i);

/* Push a new Document for the row at the current step of stmt, whose
 * columns are those of EN_DOC_COLUMNS. The store at index store_idx is
 * kept alive by the document. [-0, +1, m] */
#define EN_DOC_COLUMNS                                                                             \
    "d.id, d.name, d.uri, d.hash, d.title, d.date, d.source, d.url, d.lang, d.place, "             \
    "d.agency, d.text, d.bytes, d.meta, d.ingested_at, d.updated_at"
void en_push_document(lua_State *L, int store_idx, sqlite3_stmt *stmt);

/* Everything needed to make a Document without a store. */
typedef struct en_docdata {
    int64_t id;
    const char *name, *hash, *title, *date, *source, *place, *url, *lang, *agency;
    const char *text;
    size_t len;
    const en_span *spans;
    const char *const *span_kinds;
    size_t nspans;
} en_docdata;

/* Push a Document made from d (strings are copied). [-0, +1, m] */
void en_push_docdata(lua_State *L, const en_docdata *d);

/* Prepare a state the way the host does: standard libraries, lpeg and
 * entente.core preloaded, entente's lib/ on package.path. [-0, +0, m] */
void en_prepare_state(lua_State *L);

/* Push a new Document for a text that is in no store (for trying rules on
 * a string). name may be NULL. [-0, +1, m] */
void en_push_text_document(lua_State *L, const char *text, size_t len, const char *name);

/* The analysis of a Document (tokenized and split on demand). The
 * pointers stay valid while the Document is alive. */
typedef struct en_docview {
    const char *text;
    size_t len;
    const en_token *toks;
    size_t ntok;
    const en_sentence *sents;
    size_t nsents;
} en_docview;

/* Check that argument idx is a Document and fill v (raises otherwise). */
void en_doc_view(lua_State *L, int idx, en_docview *v);

#define EN_MATCHER_MT "entente.Matcher"
#define EN_GAZ_MT     "entente.Gazetteer"

/* Raise a Lua error with the store's message (after cleaning up C state). */
int en_store_error(lua_State *L, en_store *st);

/* Push tokens [first, first+count) of text as an array of token tables. [-0, +1, m] */
void en_push_tokens(lua_State *L, const char *text, const en_token *toks, size_t first,
                    size_t count);

/* Ctrl-C: the host's signal handler calls en_request_stop(); long C loops
 * (ingest, extraction) poll en_stop_requested() between documents. */
void en_request_stop(void);
int en_stop_requested(void);

int luaopen_entente_store(lua_State *L);
int luaopen_entente_document(lua_State *L);
int luaopen_entente_text(lua_State *L);
/* Store:put_result (implemented in lua_result.c). */
int en_store_put_result_l(lua_State *L);
/* Take ownership of the en_result inside the Result at idx (the userdata
 * is left empty). */
struct en_result *en_take_result(lua_State *L, int idx);
/* Push a Result userdata that owns r. [-0, +1, m] (r is freed on error) */
void en_push_result(lua_State *L, struct en_result *r);

/* The allocator of every entente Lua state: counts bytes in use and, when
 * a limit is set (core.guarded), refuses to grow past it, which Lua
 * turns into a "not enough memory" error. */
#define EN_SMALL_STEP    16   /* size classes of small blocks */
#define EN_SMALL_CLASSES 16   /* up to 256 bytes */
#define EN_SMALL_KEEP    4096 /* freed blocks kept per class */
typedef struct en_allocstate {
    size_t used;
    size_t limit;                 /* 0: none */
    void *free[EN_SMALL_CLASSES]; /* freed small blocks, linked through their first word */
    unsigned nfree[EN_SMALL_CLASSES];
} en_allocstate;
void *en_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
/* A new Lua state using en_lua_alloc (state stored in the allocation). */
lua_State *en_newstate(void);
/* Close a state made by en_newstate and free its allocator state. */
void en_closestate(lua_State *L);
/* Give back the calling thread's slot of the budget watchdog (a thread
 * that ran guarded calls and is about to end). */
void en_guard_release(void);

int luaopen_entente_match(lua_State *L);
int luaopen_entente_result(lua_State *L);
int luaopen_entente_pool(lua_State *L);
int luaopen_entente_core(lua_State *L);
/* The line editor and Ctrl-C around evaluation, for `entente repl` (repl.c). */
int luaopen_entente_repl(lua_State *L);

#endif
