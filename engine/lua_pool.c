/*
 * lua_pool.c: the entente.Pool type: worker threads for extraction.
 *
 * Each worker is a thread with its own Lua state, prepared like the host's,
 * that loads the rule pack once (lib/entente/worker.lua) and then processes
 * jobs: a job is a copy of one document's data; its result is an en_result
 * (plain C data). The caller (one thread: the writer) submits jobs and takes
 * results back in submission order, so that what is written does not depend
 * on the number of workers. Queues are bounded: at most 2 x workers jobs are
 * in flight, which keeps memory flat whatever the corpus size.
 *
 * No Lua value ever crosses threads: jobs and results are C data.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_entente.h"
#include "result.h"

#define EN_POOL_MT "entente.Pool"

typedef struct job {
    uint64_t seq;
    en_docdata d;
    char *strings;     /* one block holding every string of d */
    en_span *spans;    /* d.spans */
    char **kinds;      /* d.span_kinds (point into strings) */
    en_result *result; /* filled by the worker */
    char *error;       /* or an error (malloc'd) */
    int done;
    struct job *next;
} job;

typedef struct en_pool {
    pthread_mutex_t mu;
    pthread_cond_t work; /* a job is queued, or stop */
    pthread_cond_t done; /* a job finished, or a worker is ready */
    pthread_t *threads;
    int nthreads, started;
    int ready, failed_init;
    char *init_error;
    char *init_hash;              /* rule-pack hash reported by the first worker */
    char *opts;                   /* worker options as Lua source of a table */
    job *queue_head, *queue_tail; /* submitted, not yet started by a worker */
    job **order;                  /* every job not yet taken back, in submission order */
    size_t order_head, order_len, order_cap;
    uint64_t next_seq;
    int pending;
    int stopping;
    int closed;
} en_pool;

typedef struct en_lpool {
    en_pool *p;
} en_lpool;

static void free_job(job *j) {
    if (!j) return;
    free(j->strings);
    free(j->spans);
    free(j->kinds);
    en_result_free(j->result);
    free(j->error);
    free(j);
}

static char *dupstr(const char *s) {
    if (!s) return NULL;
    size_t n = strlen(s);
    char *d = malloc(n + 1);
    if (d) memcpy(d, s, n + 1);
    return d;
}

/* The body of a worker thread. */
static void *worker_main(void *arg) {
    en_pool *p = arg;
    lua_State *L = en_newstate();
    char *err = NULL;
    char hash[64] = "";
    if (!L) err = dupstr("cannot create a Lua state");
    if (L) {
        en_prepare_state(L);
        /* Rules make many short-lived tables per document (views, word lists,
         * match tables) and keep few: the generational collector suits that
         * and spends less time marking the rule pack's long-lived data. */
        lua_gc(L, LUA_GCGEN, 0, 0);
        /* worker = require "entente.worker"; hash = worker.init(opts) */
        lua_getglobal(L, "require");
        lua_pushliteral(L, "entente.worker");
        if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
            err = dupstr(lua_tostring(L, -1));
        } else {
            lua_getfield(L, -1, "init");
            if (luaL_loadstring(L, p->opts) != LUA_OK || lua_pcall(L, 0, 1, 0) != LUA_OK) {
                err = dupstr(lua_tostring(L, -1));
            } else if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
                err = dupstr(lua_tostring(L, -1));
            } else {
                snprintf(hash, sizeof hash, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "");
                lua_pop(L, 1);
                lua_getfield(L, -1, "process"); /* [worker, process] */
            }
        }
    }
    pthread_mutex_lock(&p->mu);
    if (err) {
        p->failed_init++;
        if (!p->init_error)
            p->init_error = err;
        else
            free(err);
    } else if (!p->init_hash) {
        p->init_hash = dupstr(hash);
    }
    p->ready++;
    pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->mu);
    if (!L || p->init_error) goto out;

    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->queue_head && !p->stopping) pthread_cond_wait(&p->work, &p->mu);
        job *j = p->queue_head;
        if (!j) {
            pthread_mutex_unlock(&p->mu);
            break;
        }
        p->queue_head = j->next;
        if (!p->queue_head) p->queue_tail = NULL;
        j->next = NULL;
        pthread_mutex_unlock(&p->mu);

        int top = lua_gettop(L);   /* [worker, process] */
        lua_pushvalue(L, -1);      /* [.., process] */
        en_push_docdata(L, &j->d); /* [.., process, doc] */
        if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
            j->error = dupstr(lua_tostring(L, -1) ? lua_tostring(L, -1) : "error");
        } else {
            j->result = en_take_result(L, -1);
        }
        lua_settop(L, top);
        lua_gc(L, LUA_GCSTEP, 0);

        pthread_mutex_lock(&p->mu);
        j->done = 1;
        pthread_cond_broadcast(&p->done);
        pthread_mutex_unlock(&p->mu);
    }
out:
    en_guard_release();
    en_closestate(L);
    return NULL;
}

/* Stop the workers and free everything (idempotent). */
static void pool_destroy(en_pool *p) {
    if (!p || p->closed) return;
    pthread_mutex_lock(&p->mu);
    p->stopping = 1;
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
    for (int i = 0; i < p->started; i++) pthread_join(p->threads[i], NULL);
    /* after the join no worker touches a job: free the ones not taken back
     * (queued, running when stopped, or done) */
    for (size_t i = 0; i < p->order_len; i++)
        free_job(p->order[(p->order_head + i) % p->order_cap]);
    free(p->order);
    free(p->threads);
    free(p->init_error);
    free(p->init_hash);
    free(p->opts);
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->done);
    p->closed = 1;
}

static int l_pool_gc(lua_State *L) {
    en_lpool *lp = luaL_checkudata(L, 1, EN_POOL_MT);
    if (lp->p) {
        pool_destroy(lp->p);
        free(lp->p);
        lp->p = NULL;
    }
    return 0;
}

static en_pool *check_pool(lua_State *L, int i) {
    en_lpool *lp = luaL_checkudata(L, i, EN_POOL_MT);
    if (!lp->p) luaL_argerror(L, i, "closed pool");
    return lp->p;
}

/* core.pool(workers, opts_source) -> Pool | nil, msg. opts_source is Lua
 * source returning the table given to worker.init. Waits until every
 * worker has loaded the rule pack; a load error is returned as the message. */
static int l_pool(lua_State *L) {
    lua_Integer n = luaL_checkinteger(L, 1);
    const char *opts = luaL_checkstring(L, 2);
    luaL_argcheck(L, n >= 1 && n <= 256, 1, "between 1 and 256 workers");
    en_lpool *lp = lua_newuserdatauv(L, sizeof *lp, 0);
    lp->p = NULL;
    /* Lua-side tables are never shared with workers: jobs are C copies */
    luaL_setmetatable(L, EN_POOL_MT);
    en_pool *p = calloc(1, sizeof *p);
    if (!p) return luaL_error(L, "out of memory");
    lp->p = p;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->done, NULL);
    p->opts = dupstr(opts);
    p->threads = calloc((size_t)n, sizeof *p->threads);
    if (!p->opts || !p->threads) return luaL_error(L, "out of memory");
    p->nthreads = (int)n;
    for (int i = 0; i < p->nthreads; i++) {
        if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0) break;
        p->started++;
    }
    if (p->started == 0) return luaL_error(L, "cannot start worker threads");
    pthread_mutex_lock(&p->mu);
    while (p->ready < p->started) pthread_cond_wait(&p->done, &p->mu);
    pthread_mutex_unlock(&p->mu);
    if (p->init_error) {
        luaL_pushfail(L);
        lua_pushstring(L, p->init_error);
        pool_destroy(p);
        free(p);
        lp->p = NULL;
        return 2;
    }
    lua_pushstring(L, p->init_hash ? p->init_hash : "");
    return 2;
}

/* A job from a Lua table {id, hash, name, title, date, source, place, text,
 * spans = {{start, stop, kind}}}. */
static job *make_job(lua_State *L, int t) {
    static const char *const keys[] = {"name", "hash", "title", "date", "source", "place", "text"};
    size_t lens[7], total = 0;
    const char *vals[7];
    for (int i = 0; i < 7; i++) {
        lua_getfield(L, t, keys[i]);
        vals[i] = lua_tolstring(L, -1, &lens[i]);
        if (!vals[i]) lens[i] = 0;
        total += lens[i] + 1;
        lua_pop(L, 1); /* strings stay alive in the table */
    }
    if (!vals[6]) luaL_error(L, "submit: the job has no 'text'");
    size_t nspans = 0;
    if (lua_getfield(L, t, "spans") == LUA_TTABLE) nspans = (size_t)lua_rawlen(L, -1);
    int st = lua_gettop(L);
    size_t kinds_len = 0;
    for (size_t i = 0; i < nspans; i++) {
        lua_rawgeti(L, st, (lua_Integer)i + 1);
        lua_getfield(L, -1, "kind");
        size_t kl = 0;
        if (lua_tolstring(L, -1, &kl))
            kinds_len += kl + 1;
        else
            kinds_len += 1;
        lua_pop(L, 2);
    }
    job *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    j->strings = malloc(total + kinds_len + 1);
    j->spans = nspans ? calloc(nspans, sizeof *j->spans) : NULL;
    j->kinds = nspans ? calloc(nspans, sizeof *j->kinds) : NULL;
    if (!j->strings || (nspans && (!j->spans || !j->kinds))) {
        free_job(j);
        return NULL;
    }
    char *w = j->strings;
    const char **slots[] = {&j->d.name,   &j->d.hash,  &j->d.title, &j->d.date,
                            &j->d.source, &j->d.place, &j->d.text};
    for (int i = 0; i < 7; i++) {
        if (vals[i]) {
            memcpy(w, vals[i], lens[i]);
            w[lens[i]] = 0;
            *slots[i] = w;
            w += lens[i] + 1;
        }
    }
    j->d.len = lens[6];
    for (size_t i = 0; i < nspans; i++) {
        lua_rawgeti(L, st, (lua_Integer)i + 1);
        lua_getfield(L, -1, "start");
        lua_getfield(L, -2, "stop");
        lua_getfield(L, -3, "kind");
        lua_Integer a = lua_tointeger(L, -3), b = lua_tointeger(L, -2);
        size_t kl = 0;
        const char *k = lua_tolstring(L, -1, &kl);
        j->spans[i].start = (uint32_t)(a < 0 ? 0 : a);
        j->spans[i].stop = (uint32_t)(b < a ? a : b);
        memcpy(w, k ? k : "", kl);
        w[kl] = 0;
        j->kinds[i] = w;
        w += kl + 1;
        lua_pop(L, 4);
    }
    lua_pop(L, 1); /* spans */
    j->d.spans = j->spans;
    j->d.span_kinds = (const char *const *)j->kinds;
    j->d.nspans = nspans;
    lua_getfield(L, t, "id");
    j->d.id = lua_tointeger(L, -1);
    lua_pop(L, 1);
    return j;
}

/* Pool:submit(job_table) -> seq: queue a document (does not block; the
 * caller bounds what is in flight with pending()). */
static int pool_submit(lua_State *L) {
    en_pool *p = check_pool(L, 1);
    luaL_checktype(L, 2, LUA_TTABLE);
    if (p->order_len == p->order_cap) {
        size_t cap = p->order_cap ? p->order_cap * 2 : 16;
        job **o = malloc(cap * sizeof *o);
        if (!o) return luaL_error(L, "out of memory");
        for (size_t i = 0; i < p->order_len; i++)
            o[i] = p->order[(p->order_head + i) % p->order_cap];
        free(p->order);
        p->order = o;
        p->order_cap = cap;
        p->order_head = 0;
    }
    job *j = make_job(L, 2);
    if (!j) return luaL_error(L, "out of memory");
    pthread_mutex_lock(&p->mu);
    j->seq = p->next_seq++;
    if (p->queue_tail)
        p->queue_tail->next = j;
    else
        p->queue_head = j;
    p->queue_tail = j;
    p->order[(p->order_head + p->order_len) % p->order_cap] = j;
    p->order_len++;
    p->pending++;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
    lua_pushinteger(L, (lua_Integer)j->seq);
    return 1;
}

/* Pool:pending() -> jobs submitted and not yet taken back */
static int pool_pending(lua_State *L) {
    en_pool *p = check_pool(L, 1);
    lua_pushinteger(L, p->pending);
    return 1;
}

/* Pool:take() -> Result | nil, error message, doc id: the result of the
 * oldest job not yet taken (waits for it). nil, nil when nothing is pending. */
static int pool_take(lua_State *L) {
    en_pool *p = check_pool(L, 1);
    if (p->order_len == 0) return 0;
    job *j = p->order[p->order_head];
    pthread_mutex_lock(&p->mu);
    while (!j->done) pthread_cond_wait(&p->done, &p->mu);
    p->pending--;
    pthread_mutex_unlock(&p->mu);
    p->order_head = (p->order_head + 1) % p->order_cap;
    p->order_len--;
    int64_t id = j->d.id;
    if (j->error) {
        luaL_pushfail(L);
        lua_pushstring(L, j->error);
        lua_pushinteger(L, id);
        free_job(j);
        return 3;
    }
    en_result *r = j->result;
    j->result = NULL;
    free_job(j);
    en_push_result(L, r); /* owns r from here */
    return 1;
}

static const luaL_Reg pool_methods[] = {{"submit", pool_submit},
                                        {"take", pool_take},
                                        {"pending", pool_pending},
                                        {"close", l_pool_gc},
                                        {NULL, NULL}};

static const luaL_Reg funcs[] = {{"pool", l_pool}, {NULL, NULL}};

int luaopen_entente_pool(lua_State *L) {
    luaL_newmetatable(L, EN_POOL_MT);
    lua_pushcfunction(L, l_pool_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, l_pool_gc);
    lua_setfield(L, -2, "__close");
    luaL_newlib(L, pool_methods);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    return 1;
}
