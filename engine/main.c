/*
 * main.c: the entente host.
 *
 * Thin by design (policy in Lua): create a Lua state, preload LPeg and
 * entente.core, point package.path at entente's lib/, and hand the command
 * line to lib/entente/cli.lua. The whole program runs in protected mode:
 * main calls pmain through lua_pcall with a message handler that adds a
 * traceback, as lua.c does. Ctrl-C sets a flag and a hook, so a running
 * script stops at the next instruction and C loops stop between documents.
 */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lua_entente.h"

static lua_State *globalL = NULL;

/* Hook set by the signal handler: raise at the next Lua instruction. */
static void lstop(lua_State *L, lua_Debug *ar) {
    (void)ar;
    lua_sethook(L, NULL, 0, 0);
    luaL_error(L, "interrupted");
}

/* SIGINT: ask C loops to stop and make Lua raise "interrupted". A second
 * Ctrl-C kills the process the default way. */
static void laction(int sig) {
    int flag = LUA_MASKCALL | LUA_MASKRET | LUA_MASKLINE | LUA_MASKCOUNT;
    signal(sig, SIG_DFL);
    en_request_stop();
    if (globalL) lua_sethook(globalL, lstop, flag, 1);
}

/* Message handler: add a traceback to string errors; describe others. */
static int msghandler(lua_State *L) {
    const char *msg = lua_tostring(L, 1);
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING) return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

/* Call the function below narg arguments in protected mode with the
 * message handler and Ctrl-C handling. [f, args] -> [results | msg] */
static int docall(lua_State *L, int narg, int nres) {
    int base = lua_gettop(L) - narg;
    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    globalL = L;
    signal(SIGINT, laction);
    int status = lua_pcall(L, narg, nres, base);
    signal(SIGINT, SIG_DFL);
    lua_remove(L, base);
    return status;
}

/* Protected main: [argc as light data, argv as light data] -> [exit code] */
static int pmain(lua_State *L) {
    int argc = (int)lua_tointeger(L, 1);
    char **argv = (char **)lua_touserdata(L, 2);
    luaL_checkversion(L);
    en_prepare_state(L);
    lua_createtable(L, argc, 1); /* [.., args] */
    for (int i = 0; i < argc; i++) {
        lua_pushstring(L, argv[i]);
        lua_rawseti(L, -2, i);
    }
    lua_getglobal(L, "require"); /* [.., args, require] */
    lua_pushliteral(L, "entente.cli");
    lua_call(L, 1, 1);           /* [.., args, cli] */
    lua_getfield(L, -1, "main"); /* [.., args, cli, main] */
    lua_pushvalue(L, -3);        /* [.., args, cli, main, args] */
    lua_call(L, 1, 1);           /* [.., args, cli, code] */
    return 1;
}

int main(int argc, char **argv) {
    /* SQLite keeps memory statistics behind a global mutex on every
     * allocation; entente never reads them, and its threads each have their
     * own connection, so the mutex only costs (a tenth of the writer's
     * time in extraction). Must come before SQLite initializes. */
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    lua_State *L = en_newstate();
    if (!L) {
        fprintf(stderr, "entente: cannot create the Lua state: out of memory\n");
        return 1;
    }
    lua_pushcfunction(L, pmain);
    lua_pushinteger(L, argc);
    lua_pushlightuserdata(L, argv);
    int status = docall(L, 2, 1);
    int code;
    if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        fprintf(stderr, "entente: %s\n", msg ? msg : "(no error message)");
        code = 1;
    } else {
        code = lua_isinteger(L, -1) ? (int)lua_tointeger(L, -1) : (lua_toboolean(L, -1) ? 0 : 1);
    }
    en_closestate(L); /* with the allocator's state (see en_newstate) */
    return code;
}
