/*
 * repl.c: the line editor of `entente repl`, and Ctrl-C around evaluation.
 *
 * Primitives only (policy in Lua: lib/entente/repl.lua runs the loop,
 * lib/entente/complete.lua completes, lib/entente/pretty.lua prints):
 *
 *   core.readline(prompt)        -> line | nil (end of input) | false (Ctrl-C)
 *   core.add_history(line)
 *   core.load_history(path [, max]) / core.save_history(path [, max])
 *   core.set_completer(fn)       fn(line, cursor) -> {candidates}, start
 *   core.interruptible(f, msgh, ...) -> ok, results... (Ctrl-C raises "interrupted")
 *   core.term_size()             -> rows, columns (nil when not a terminal)
 *
 * The editor is libedit's readline-compatible API, kept behind the few
 * macros below as SQLite's shell.c.in does, so another editor (GNU
 * readline, linenoise) is a matter of changing them. A Lua error never
 * unwinds through libedit: the completion callback runs under lua_pcall and
 * a failure only means no candidates.
 */
#include <editline/readline.h>
#include <errno.h>
#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lua_entente.h"

/* The line editor, behind macros (shell.c.in style). */
#define shell_readline(P)         readline(P)
#define shell_add_history(X)      add_history(X)
#define shell_read_history(X)     read_history(X)
#define shell_write_history(X)    write_history(X)
#define shell_stifle_history(N)   stifle_history(N)
#define shell_readline_free(X)    free(X)
#define SHELL_COMPLETION_HOOK     rl_attempted_completion_function
#define SHELL_WORD_BREAKS         rl_basic_word_break_characters
#define SHELL_DEFAULT_HISTORY_MAX 1000

/* Ctrl-C while reading a line: the handler only sets this flag; our getc
 * sees read() fail with EINTR and ends the line. */
static volatile sig_atomic_t line_interrupted = 0;

/* The state and the registry reference of the Lua completer, valid while
 * core.readline is running. */
static lua_State *completer_L = NULL;
static int completer_ref = LUA_NOREF;
static int editor_ready = 0;

static void on_sigint_reading(int sig) {
    (void)sig;
    line_interrupted = 1;
}

/* Read one byte, retrying on signals other than our Ctrl-C. Returns the
 * byte, EOF at end of input, or -2 when Ctrl-C was pressed. */
static int read_byte(int fd) {
    unsigned char c;
    for (;;) {
        ssize_t n = read(fd, &c, 1);
        if (n == 1) return c;
        if (n == 0) return EOF;
        if (errno != EINTR) return EOF;
        if (line_interrupted) return -2;
    }
}

/* libedit's getc hook: reads one UTF-8 character and returns its code
 * point (libedit stores it as a wchar_t as it is). Ctrl-C ends the line
 * with a newline; core.readline then reports the interruption. */
static int repl_getc(FILE *f) {
    int fd = fileno(f);
    int c = read_byte(fd);
    if (c == -2) return '\n';
    if (c == EOF || c < 0x80) return c;
    int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    int cp = c & (0x3F >> more);
    for (int i = 0; i < more; i++) {
        int k = read_byte(fd);
        if (k == -2) return '\n';
        if (k == EOF) return EOF;
        if ((k & 0xC0) != 0x80) return 0xFFFD; /* a broken sequence: one replacement */
        cp = (cp << 6) | (k & 0x3F);
    }
    return more ? cp : 0xFFFD;
}

/* Length of the longest common prefix of the n strings in the table at idx. */
static size_t common_prefix(lua_State *L, int idx, lua_Integer n) {
    size_t len;
    lua_rawgeti(L, idx, 1); /* [.., c1] */
    const char *first = lua_tolstring(L, -1, &len);
    for (lua_Integer i = 2; i <= n && len > 0; i++) {
        size_t l2;
        lua_rawgeti(L, idx, i); /* [.., c1, ci] */
        const char *s = lua_tolstring(L, -1, &l2);
        size_t k = 0;
        while (k < len && k < l2 && s[k] == first[k]) k++;
        len = k;
        lua_pop(L, 1); /* [.., c1] */
    }
    lua_pop(L, 1); /* [..] */
    return len;
}

/* Run the completer in protected mode: [line, cursor, word_start] ->
 * [array of candidates that replace line[word_start, cursor)].
 * The Lua function answers with candidates and the 1-based position where
 * the text they replace starts; candidates are shifted here to replace
 * what libedit calls the word (its word break characters may differ). */
static int complete_protected(lua_State *L) {
    size_t len;
    const char *line = lua_tolstring(L, 1, &len);
    lua_Integer cursor = lua_tointeger(L, 2);
    lua_Integer wstart = lua_tointeger(L, 3);                    /* 0-based, libedit's word */
    lua_rawgeti(L, LUA_REGISTRYINDEX, completer_ref);            /* [.., fn] */
    lua_pushlstring(L, line, len);                               /* [.., fn, line] */
    lua_pushinteger(L, cursor);                                  /* [.., fn, line, cursor] */
    lua_call(L, 2, 2);                                           /* [.., cands, start] */
    lua_Integer lstart = luaL_optinteger(L, -1, cursor + 1) - 1; /* 0-based */
    lua_pop(L, 1);                                               /* [.., cands] */
    if (!lua_istable(L, -1)) return 0;
    int cands = lua_gettop(L);
    lua_newtable(L); /* [.., cands, out] */
    lua_Integer n = (lua_Integer)lua_rawlen(L, cands), k = 0;
    if (lstart < 0) lstart = 0;
    for (lua_Integer i = 1; i <= n; i++) {
        size_t cl;
        lua_rawgeti(L, cands, i); /* [.., cands, out, cand] */
        const char *c = lua_tolstring(L, -1, &cl);
        if (c == NULL) {
            lua_pop(L, 1);
            continue;
        }
        if (lstart < wstart) { /* the candidate covers more: drop the part before the word */
            size_t skip = (size_t)(wstart - lstart);
            if (cl < skip || memcmp(c, line + lstart, skip) != 0) {
                lua_pop(L, 1);
                continue;
            }
            lua_pushlstring(L, c + skip, cl - skip); /* [.., cands, out, cand, shifted] */
        } else { /* the candidate covers less: keep the start of the word */
            luaL_Buffer b;
            luaL_buffinit(L, &b);
            luaL_addlstring(&b, line + wstart, (size_t)(lstart - wstart));
            luaL_addlstring(&b, c, cl);
            luaL_pushresult(&b); /* [.., cands, out, cand, shifted] */
        }
        lua_rawseti(L, -3, ++k); /* [.., cands, out, cand] */
        lua_pop(L, 1);           /* [.., cands, out] */
    }
    return 1;
}

/* libedit's completion hook. Returns a malloc'd array: the common prefix
 * of the candidates, then the candidates, then NULL (libedit frees it). */
static char **repl_complete(const char *text, int start, int end) {
    (void)text;
    rl_attempted_completion_over = 1; /* never fall back to file names */
    rl_completion_append_character = '\0';
    lua_State *L = completer_L;
    if (L == NULL || completer_ref == LUA_NOREF || !lua_checkstack(L, 8)) return NULL;
    int top = lua_gettop(L);
    const char *line = rl_line_buffer ? rl_line_buffer : "";
    int cursor = rl_point > end ? end : rl_point;
    lua_pushcfunction(L, complete_protected); /* [f] */
    lua_pushlstring(L, line, (size_t)end);    /* [f, line] */
    lua_pushinteger(L, cursor);               /* [f, line, cursor] */
    lua_pushinteger(L, start);                /* [f, line, cursor, start] */
    if (lua_pcall(L, 3, 1, 0) != LUA_OK || !lua_istable(L, -1)) {
        lua_settop(L, top);
        return NULL;
    }
    int idx = lua_gettop(L);
    lua_Integer n = (lua_Integer)lua_rawlen(L, idx);
    if (n == 0) {
        lua_settop(L, top);
        return NULL;
    }
    char **m = calloc((size_t)n + 2, sizeof *m);
    if (m == NULL) {
        lua_settop(L, top);
        return NULL;
    }
    size_t plen = common_prefix(L, idx, n);
    lua_rawgeti(L, idx, 1); /* [cands, c1] */
    m[0] = strndup(lua_tostring(L, -1), plen);
    lua_pop(L, 1); /* [cands] */
    int ok = m[0] != NULL;
    for (lua_Integer i = 1; ok && i <= n; i++) {
        lua_rawgeti(L, idx, i); /* [cands, ci] */
        m[i] = strdup(lua_tostring(L, -1));
        ok = m[i] != NULL;
        lua_pop(L, 1); /* [cands] */
    }
    lua_settop(L, top);
    if (!ok) {
        for (lua_Integer i = 0; i <= n; i++) free(m[i]);
        free(m);
        return NULL;
    }
    return m;
}

/* Set up the editor once: our getc (UTF-8, Ctrl-C), no signal handling by
 * libedit (ours is installed around each line), completion. */
static void editor_init(void) {
    if (editor_ready) return;
    editor_ready = 1;
    setlocale(LC_CTYPE, ""); /* libedit prints wide characters through the locale */
    rl_readline_name = "entente";
    rl_catch_signals = 0;
    rl_getc_function = repl_getc;
    SHELL_COMPLETION_HOOK = repl_complete;
    SHELL_WORD_BREAKS = " \t\n\"\\'`@$><=;|&{(,:.[]+-*/%^~#";
}

/* readline(prompt) -> line | nil at end of input | false after Ctrl-C */
static int l_readline(lua_State *L) {
    const char *prompt = luaL_optstring(L, 1, "> ");
    editor_init();
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint_reading;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: read() must return EINTR */
    line_interrupted = 0;
    sigaction(SIGINT, &sa, &old);
    completer_L = L;
    char *line = shell_readline(prompt);
    completer_L = NULL;
    sigaction(SIGINT, &old, NULL);
    if (line_interrupted) {
        line_interrupted = 0;
        shell_readline_free(line);
        lua_pushboolean(L, 0);
        return 1;
    }
    if (line == NULL) {
        lua_pushnil(L);
        return 1;
    }
    lua_pushstring(L, line); /* may raise on memory: the line leaks only then */
    shell_readline_free(line);
    return 1;
}

/* add_history(line): a non-empty line goes into the history list. */
static int l_add_history(lua_State *L) {
    const char *line = luaL_checkstring(L, 1);
    editor_init();
    if (*line) shell_add_history(line);
    return 0;
}

/* load_history(path [, max]) -> true | nil, msg (a missing file is fine) */
static int l_load_history(lua_State *L) {
    const char *path = luaL_checkstring(L, 1);
    int max = (int)luaL_optinteger(L, 2, SHELL_DEFAULT_HISTORY_MAX);
    editor_init();
    using_history();
    shell_stifle_history(max);
    if (access(path, F_OK) == 0 && shell_read_history(path) != 0) {
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: cannot read the history", path);
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* save_history(path [, max]) -> true | nil, msg (keeps the last max lines) */
static int l_save_history(lua_State *L) {
    const char *path = luaL_checkstring(L, 1);
    int max = (int)luaL_optinteger(L, 2, SHELL_DEFAULT_HISTORY_MAX);
    editor_init();
    shell_stifle_history(max);
    if (shell_write_history(path) != 0) {
        luaL_pushfail(L);
        lua_pushfstring(L, "%s: cannot write the history: %s", path, strerror(errno));
        return 2;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* set_completer(fn | nil): fn(line, cursor) -> candidates, start */
static int l_set_completer(lua_State *L) {
    if (!lua_isnoneornil(L, 1)) luaL_checktype(L, 1, LUA_TFUNCTION);
    luaL_unref(L, LUA_REGISTRYINDEX, completer_ref);
    completer_ref = LUA_NOREF;
    if (!lua_isnoneornil(L, 1)) {
        lua_pushvalue(L, 1);                            /* [fn, fn] */
        completer_ref = luaL_ref(L, LUA_REGISTRYINDEX); /* [fn] */
    }
    return 0;
}

/* Ctrl-C during an evaluation: the first one makes Lua raise
 * "interrupted" at the next instruction (the hook of lua.c), and again
 * every 1000 instructions after that, so that a pcall in the evaluated
 * code cannot swallow it (Redis' luaMaskCountHook). A second Ctrl-C before
 * the evaluation stops kills the process the default way. */
static lua_State *eval_L = NULL;
static volatile sig_atomic_t eval_interrupted = 0;

static void eval_stop(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_sethook(L, eval_stop, LUA_MASKCOUNT, 1000);
    luaL_error(L, "interrupted");
}

static void on_sigint_eval(int sig) {
    int flag = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
    signal(sig, SIG_DFL);
    eval_interrupted = 1;
    if (eval_L) lua_sethook(eval_L, eval_stop, flag, 1);
}

/* interruptible(f, msgh, ...) -> true, results... | false, message
 * Calls f(...) under lua_pcall with msgh as the message handler and a
 * SIGINT handler of its own (the host's handler is put back after). */
static int l_interruptible(lua_State *L) {
    luaL_checktype(L, 1, LUA_TFUNCTION);
    luaL_checktype(L, 2, LUA_TFUNCTION);
    int nargs = lua_gettop(L) - 2;
    lua_pushvalue(L, 1); /* [f, msgh, args, f] */
    lua_rotate(L, 3, 1); /* [f, msgh, f, args] */
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint_eval;
    sigemptyset(&sa.sa_mask);
    lua_State *prev = eval_L;
    eval_L = L;
    eval_interrupted = 0;
    sigaction(SIGINT, &sa, &old);
    int status = lua_pcall(L, nargs, LUA_MULTRET, 2); /* [f, msgh, results | msg] */
    sigaction(SIGINT, &old, NULL);
    eval_L = prev;
    if (lua_gethook(L) == eval_stop) lua_sethook(L, NULL, 0, 0);
    if (status != LUA_OK && eval_interrupted) {
        const char *msg = lua_tostring(L, -1);
        if (msg == NULL || strstr(msg, "interrupted") == NULL) {
            lua_pop(L, 1);
            lua_pushliteral(L, "interrupted"); /* [f, msgh, msg] */
        }
    }
    eval_interrupted = 0;
    lua_pushboolean(L, status == LUA_OK); /* [f, msgh, results, ok] */
    lua_insert(L, 3);                     /* [f, msgh, ok, results] */
    return lua_gettop(L) - 2;
}

/* term_size() -> rows, columns of the terminal on stdout (nil otherwise) */
static int l_term_size(lua_State *L) {
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) != 0 || ws.ws_row == 0) return 0;
    lua_pushinteger(L, ws.ws_row);
    lua_pushinteger(L, ws.ws_col);
    return 2;
}

static const luaL_Reg repl_funcs[] = {
    {"readline", l_readline},           {"add_history", l_add_history},
    {"load_history", l_load_history},   {"save_history", l_save_history},
    {"set_completer", l_set_completer}, {"interruptible", l_interruptible},
    {"term_size", l_term_size},         {NULL, NULL}};

int luaopen_entente_repl(lua_State *L) {
    luaL_newlib(L, repl_funcs); /* [repl] */
    return 1;
}
