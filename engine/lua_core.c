/*
 * lua_core.c: the "entente.core" module: every binding in one table, plus
 * build facts (version, home, iso-codes folder). lib/entente/init.lua wraps
 * it into the analyst-facing API.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lua_entente.h"

#include <lua-lpeg.h>
#include <lualib.h>

static volatile sig_atomic_t stop_requested = 0;

void en_request_stop(void) {
    stop_requested = 1;
}

int en_stop_requested(void) {
    return stop_requested != 0;
}

/* Lua allocates and frees small blocks (strings, tables, closures) by the
 * million per run. Blocks of up to 256 bytes come in 16 size classes, and
 * each class keeps up to EN_SMALL_KEEP freed blocks for reuse, so most
 * allocations are a list pop instead of a trip through malloc. A small
 * block is always malloc'd at its class size, so moving a block between
 * small and large sizes copies it. A state's blocks are freed by
 * en_closestate. */
static size_t small_class(size_t n) {
    return (n - 1) / EN_SMALL_STEP;
}

static void *small_get(en_allocstate *a, size_t c) {
    void *p = a->free[c];
    if (p) {
        memcpy(&a->free[c], p, sizeof(void *));
        a->nfree[c]--;
        return p;
    }
    return malloc((c + 1) * EN_SMALL_STEP);
}

static void small_put(en_allocstate *a, size_t c, void *p) {
    if (a->nfree[c] >= EN_SMALL_KEEP) {
        free(p);
        return;
    }
    memcpy(p, &a->free[c], sizeof(void *));
    a->free[c] = p;
    a->nfree[c]++;
}

#define SMALL_MAX ((size_t)EN_SMALL_STEP * EN_SMALL_CLASSES)

void *en_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    en_allocstate *a = ud;
    if (ptr == NULL) osize = 0;
    if (nsize == 0) {
        if (ptr) {
            if (osize <= SMALL_MAX)
                small_put(a, small_class(osize), ptr);
            else
                free(ptr);
        }
        a->used -= osize;
        return NULL;
    }
    if (a->limit && nsize > osize && a->used + (nsize - osize) > a->limit) return NULL;
    void *p;
    int osmall = ptr && osize <= SMALL_MAX, nsmall = nsize <= SMALL_MAX;
    if (ptr && osmall && nsmall && small_class(osize) == small_class(nsize)) {
        p = ptr; /* same block size */
    } else if (ptr && !osmall && !nsmall) {
        p = realloc(ptr, nsize);
        if (!p) return NULL;
    } else {
        p = nsmall ? small_get(a, small_class(nsize)) : malloc(nsize);
        if (!p) return NULL;
        if (ptr) {
            memcpy(p, ptr, osize < nsize ? osize : nsize);
            if (osmall)
                small_put(a, small_class(osize), ptr);
            else
                free(ptr);
        }
    }
    a->used = a->used - osize + nsize;
    return p;
}

void en_closestate(lua_State *L) {
    if (!L) return;
    void *ud;
    lua_getallocf(L, &ud);
    lua_close(L);
    en_allocstate *a = ud;
    for (size_t c = 0; c < EN_SMALL_CLASSES; c++) {
        while (a->free[c]) {
            void *p = a->free[c];
            memcpy(&a->free[c], p, sizeof(void *));
            free(p);
        }
    }
    free(a);
}

static int panic(lua_State *L) {
    const char *msg = lua_tostring(L, -1);
    fprintf(stderr, "entente: unprotected Lua error: %s\n", msg ? msg : "(not a string)");
    return 0;
}

/* The caller frees the allocator state after lua_close: get it with
 * lua_getallocf(L, &ud) before closing. */
lua_State *en_newstate(void) {
    en_allocstate *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    lua_State *L = lua_newstate(en_lua_alloc, a);
    if (!L) {
        free(a);
        return NULL;
    }
    lua_atpanic(L, panic);
    return L;
}

/* The budget of the running guarded call (one per Lua state: rules run one
 * at a time in a state). Kept in the registry under &budget_key. */
typedef struct en_budget {
    long long left; /* instructions still allowed */
    int exceeded;
} en_budget;
static const char budget_key = 'b';

#define BUDGET_STEP 1000

/* Count hook: charge the step; once the budget is gone, fire at every
 * instruction and raise each time, so that no pcall inside the guarded
 * code can swallow the error for good. Ctrl-C also stops guarded code. */
static void budget_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &budget_key);
    en_budget *b = lua_touserdata(L, -1);
    lua_pop(L, 1);
    if (!b) return;
    if (!b->exceeded) b->left -= BUDGET_STEP;
    if (b->left < 0 || en_stop_requested()) {
        if (!b->exceeded) lua_sethook(L, budget_hook, LUA_MASKCOUNT, 1);
        b->exceeded = 1;
        luaL_error(L, en_stop_requested() ? "interrupted" : "instruction budget exceeded");
    }
}

/* ---- the budget watchdog ------------------------------------------------------
 *
 * A count hook makes Lua call into the debug library at every instruction
 * (a tenth of extraction's time), while a rule runs for well under a
 * millisecond per document. So a guarded call starts without the hook: a
 * watchdog thread looks at the running guarded calls every WATCH_MS and
 * signals the thread of any that has run for GRACE_MS or more (or when
 * Ctrl-C was pressed); the signal handler, on that thread, installs the
 * count hook, from which point the instruction budget is counted. Setting
 * a hook from a signal handler is what Lua's own interpreter does for
 * Ctrl-C; lua_sethook is written for it. A rule that loops forever is thus
 * stopped after GRACE_MS plus its budget. */
#define WATCH_MS    50
#define GRACE_MS    100
#define MAX_GUARDED 64 /* threads that may run guarded calls at once */

typedef struct guard_slot {
    _Atomic int used; /* the slot belongs to a thread */
    pthread_t thread;
    lua_State *_Atomic L;      /* the state of the running guarded call */
    _Atomic long long started; /* when it started (ms, monotonic); 0: none */
    _Atomic int armed;         /* the hook is installed */
} guard_slot;

static guard_slot guards[MAX_GUARDED];
static pthread_mutex_t guards_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t watchdog_once = PTHREAD_ONCE_INIT;
static int watchdog_ok;
static _Thread_local guard_slot *my_guard;

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* SIGUSR2, on the thread running a long guarded call: count from now. */
static void arm_handler(int sig) {
    (void)sig;
    guard_slot *g = my_guard;
    if (!g || atomic_load(&g->started) == 0 || atomic_load(&g->armed)) return;
    lua_State *L = atomic_load(&g->L);
    if (!L) return;
    atomic_store(&g->armed, 1);
    lua_sethook(L, budget_hook, LUA_MASKCOUNT, BUDGET_STEP);
}

static void *watchdog_main(void *arg) {
    (void)arg;
    for (;;) {
        struct timespec ts = {0, WATCH_MS * 1000000L};
        nanosleep(&ts, NULL);
        long long now = now_ms();
        int stop = en_stop_requested();
        for (int i = 0; i < MAX_GUARDED; i++) {
            guard_slot *g = &guards[i];
            if (!atomic_load(&g->used)) continue;
            long long t0 = atomic_load(&g->started);
            if (t0 != 0 && !atomic_load(&g->armed) && (stop || now - t0 >= GRACE_MS))
                pthread_kill(g->thread, SIGUSR2);
        }
    }
    return NULL;
}

static void watchdog_start(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = arm_handler;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR2, &sa, NULL) != 0) return;
    pthread_t t;
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &at, watchdog_main, NULL) == 0) watchdog_ok = 1;
    pthread_attr_destroy(&at);
}

/* This thread's slot, taken on its first guarded call (NULL when all are
 * taken or the watchdog could not start: then the hook is set at once). A
 * thread's slot is given back when the thread's pool closes (guard_release). */
static guard_slot *guard_mine(void) {
    if (my_guard) return my_guard;
    pthread_once(&watchdog_once, watchdog_start);
    if (!watchdog_ok) return NULL;
    pthread_mutex_lock(&guards_mu);
    for (int i = 0; i < MAX_GUARDED && !my_guard; i++) {
        if (!atomic_load(&guards[i].used)) {
            guards[i].thread = pthread_self();
            atomic_store(&guards[i].L, NULL);
            atomic_store(&guards[i].started, 0);
            atomic_store(&guards[i].armed, 0);
            atomic_store(&guards[i].used, 1);
            my_guard = &guards[i];
        }
    }
    pthread_mutex_unlock(&guards_mu);
    return my_guard;
}

void en_guard_release(void) {
    if (!my_guard) return;
    atomic_store(&my_guard->started, 0);
    atomic_store(&my_guard->L, NULL);
    atomic_store(&my_guard->used, 0);
    my_guard = NULL;
}

/* guarded(budget, memory, fn, ...) -> true, results... | false, message,
 * "budget" | "memory" | nil: call fn with at most `budget` Lua instructions
 * (counted once it has run for GRACE_MS, see the watchdog above) and
 * `memory` more bytes (0: no limit). The hook and the limit are removed
 * in C before any further Lua instruction runs. */
static int l_guarded(lua_State *L) {
    lua_Integer budget = luaL_checkinteger(L, 1);
    lua_Integer memory = luaL_checkinteger(L, 2);
    luaL_checktype(L, 3, LUA_TFUNCTION);
    en_budget *b = lua_newuserdatauv(L, sizeof *b, 0); /* [budget, memory, fn, args.., b] */
    b->left = budget;
    b->exceeded = 0;
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &budget_key); /* [.., b] */
    lua_pop(L, 1);
    void *ud;
    lua_Alloc f = lua_getallocf(L, &ud);
    en_allocstate *a = f == en_lua_alloc ? ud : NULL;
    int nargs = lua_gettop(L) - 3;
    if (a && memory > 0) a->limit = a->used + (size_t)memory;
    guard_slot *g = budget > 0 ? guard_mine() : NULL;
    /* a guarded call inside another (not done by the engine, but possible)
     * gives the outer one back its watch when it returns */
    long long outer_started = g ? atomic_load(&g->started) : 0;
    lua_State *outer_L = g ? atomic_load(&g->L) : NULL;
    if (g) {
        atomic_store(&g->started, 0);
        atomic_store(&g->armed, 0);
        atomic_store(&g->L, L);
        atomic_store(&g->started, now_ms());
    } else if (budget > 0) {
        lua_sethook(L, budget_hook, LUA_MASKCOUNT, BUDGET_STEP);
    }
    int rc = lua_pcall(L, nargs, LUA_MULTRET, 0);
    if (g) {
        atomic_store(&g->started, 0); /* the handler arms nothing from here on */
        atomic_store(&g->L, outer_L);
        atomic_store(&g->armed, 0);
        atomic_store(&g->started, outer_started);
    }
    lua_sethook(L, NULL, 0, 0);
    if (a) a->limit = 0;
    lua_pushnil(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &budget_key);
    if (rc == LUA_OK) { /* [budget, memory, results..] */
        lua_pushboolean(L, 1);
        lua_insert(L, 3); /* [budget, memory, true, results..] */
        return lua_gettop(L) - 2;
    }
    /* [budget, memory, msg] */
    lua_pushboolean(L, 0);
    lua_insert(L, -2); /* [.., false, msg] */
    if (b->exceeded && !en_stop_requested()) {
        lua_pushfstring(L, "instruction budget of %I exceeded", (LUAI_UACINT)budget);
        lua_replace(L, -2);
        lua_pushliteral(L, "budget");
    } else if (rc == LUA_ERRMEM) {
        lua_pushfstring(L, "not enough memory (budget of %I bytes)", (LUAI_UACINT)memory);
        lua_replace(L, -2);
        lua_pushliteral(L, "memory");
    } else {
        lua_pushnil(L);
    }
    return 3;
}

/* isatty(fd) -> boolean (1 stdout, 2 stderr, 0 stdin) */
static int l_isatty(lua_State *L) {
    lua_Integer fd = luaL_checkinteger(L, 1);
    luaL_argcheck(L, fd >= 0 && fd <= 2, 1, "0, 1 or 2");
    lua_pushboolean(L, isatty((int)fd));
    return 1;
}

/* clock() -> seconds on a monotonic clock, as a float */
static int l_clock(lua_State *L) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
    return 1;
}

/* stop_requested() -> true after Ctrl-C */
static int l_stop_requested(lua_State *L) {
    lua_pushboolean(L, en_stop_requested());
    return 1;
}

/* realpath(path) -> absolute path with links resolved, or nil, msg */
static int l_realpath(lua_State *L) {
    const char *p = luaL_checkstring(L, 1);
    char buf[PATH_MAX];
    if (!realpath(p, buf)) {
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: %s", p, strerror(errno));
        return 2;
    }
    lua_pushstring(L, buf);
    return 1;
}

/* mkdir(path) -> true | nil, msg (an existing folder is fine) */
static int l_mkdir(lua_State *L) {
    const char *p = luaL_checkstring(L, 1);
    struct stat sb;
    if (mkdir(p, 0777) == 0 || (errno == EEXIST && stat(p, &sb) == 0 && S_ISDIR(sb.st_mode))) {
        lua_pushboolean(L, 1);
        return 1;
    }
    luaL_pushfail(L);
    lua_pushfstring(L, "%s: %s", p, strerror(errno));
    return 2;
}

/* filetype(path) -> "file" | "directory" | "other" | nil */
static int l_filetype(lua_State *L) {
    struct stat sb;
    if (stat(luaL_checkstring(L, 1), &sb) != 0) return 0;
    lua_pushstring(L, S_ISREG(sb.st_mode) ? "file" : S_ISDIR(sb.st_mode) ? "directory" : "other");
    return 1;
}

/* listdir(path) -> array of entry names (no "." or "..") | nil, msg */
static int l_listdir(lua_State *L) {
    const char *p = luaL_checkstring(L, 1);
    DIR *d = opendir(p);
    if (!d) {
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: %s", p, strerror(errno));
        return 2;
    }
    lua_newtable(L);
    lua_Integer n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        lua_pushstring(L, e->d_name); /* may raise: the DIR leaks only on memory errors */
        lua_rawseti(L, -2, ++n);
    }
    closedir(d);
    return 1;
}

/* getcwd() -> current folder */
static int l_getcwd(lua_State *L) {
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof buf)) return luaL_error(L, "getcwd: %s", strerror(errno));
    lua_pushstring(L, buf);
    return 1;
}

static const luaL_Reg sys_funcs[] = {{"isatty", l_isatty},
                                     {"clock", l_clock},
                                     {"stop_requested", l_stop_requested},
                                     {"realpath", l_realpath},
                                     {"mkdir", l_mkdir},
                                     {"filetype", l_filetype},
                                     {"getcwd", l_getcwd},
                                     {"guarded", l_guarded},
                                     {"listdir", l_listdir},
                                     {NULL, NULL}};

void en_prepare_state(lua_State *L) {
    luaL_openlibs(L);
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE); /* [preload] */
    lua_pushcfunction(L, luaopen_lpeg);
    lua_setfield(L, -2, "lpeg");
    lua_pushcfunction(L, luaopen_entente_core);
    lua_setfield(L, -2, "entente.core");
    lua_pop(L, 1); /* [] */
    const char *home = getenv("ENTENTE_HOME");
    if (!home || !*home) home = ENTENTE_HOME_DEFAULT;
    lua_getglobal(L, "package"); /* [package] */
    lua_getfield(L, -1, "path"); /* [package, path] */
    lua_pushfstring(L, "%s/lib/?.lua;%s/lib/?/init.lua;%s", home, home, lua_tostring(L, -1));
    lua_setfield(L, -3, "path"); /* [package, path] */
    lua_pop(L, 2);               /* [] */
}

/* Copy the fields of the table on top into the table below it, then pop. */
static void merge(lua_State *L) {
    lua_pushnil(L);           /* [core, part, nil] */
    while (lua_next(L, -2)) { /* [core, part, k, v] */
        lua_pushvalue(L, -2); /* [core, part, k, v, k] */
        lua_insert(L, -2);    /* [core, part, k, k, v] */
        lua_settable(L, -5);  /* [core, part, k] */
    }
    lua_pop(L, 1); /* [core] */
}

int luaopen_entente_core(lua_State *L) {
    lua_newtable(L); /* [core] */
    luaopen_entente_store(L);
    merge(L);
    luaopen_entente_document(L);
    merge(L);
    luaopen_entente_text(L);
    merge(L);
    luaopen_entente_match(L);
    merge(L);
    luaopen_entente_result(L);
    merge(L);
    luaopen_entente_pool(L);
    merge(L);
    luaopen_entente_repl(L);
    merge(L);
    luaL_setfuncs(L, sys_funcs, 0);
    lua_pushliteral(L, ENTENTE_VERSION);
    lua_setfield(L, -2, "version");
    const char *home = getenv("ENTENTE_HOME");
    lua_pushstring(L, home && *home ? home : ENTENTE_HOME_DEFAULT);
    lua_setfield(L, -2, "home");
    lua_pushliteral(L, ENTENTE_ISO_CODES_DIR);
    lua_setfield(L, -2, "iso_codes_dir");
    lua_pushinteger(L, EN_SCHEMA_VERSION);
    lua_setfield(L, -2, "schema_version");
    return 1;
}
