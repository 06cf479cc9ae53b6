--- entente.cli: the command line.
--
-- main(args) parses the command line and runs one command. Commands are
-- plain functions in COMMANDS, each with its own argparse parser, so every
-- command has --help. Exit status: 0 when everything worked, 1 when some of
-- the work failed, 2 for a usage error.
local core = require "entente.core"
local en = require "entente"
local fmt = require "entente.fmt"
local json = require "entente.json"
local argparse = require "argparse"

local M = {}

local HELP = "\0entente-help\0"
local out, err = io.stdout, io.stderr

local function say(...) out:write(...) end
-- stdout first, so that a message never lands inside output when both go to one place
local function warn(...) out:flush(); err:write(...) end

-- Options every command has.
local function common(p, opts)
  p:add_help(false)
  p:help_max_width(80)
  p:flag("-h --help", "Show this help and exit.")
  p:option("--db", "Database file.", "entente.db")
  p:flag("-q --quiet", "No progress or summary on stderr.")
  if not (opts and opts.nojson) then p:flag("--json", "Output for machines (JSON).") end
  return p
end

local function open_store(db, writable)
  local st, msg
  if writable then
    st, msg = en.open(db, { create = true })
  else
    st, msg = en.open(db, { readonly = true })
  end
  if not st then return nil, msg end
  en.use(st)
  return st
end

-------------------------------------------------------------------------------
-- Commands

local COMMANDS = {}
local ORDER = { "ingest", "extract", "explain", "test", "run", "query", "search", "stats", "repl",
  "help" }

COMMANDS.ingest = {
  summary = "Add .txt, .md (front matter) and .jsonl files or folders to the database.",
  parser = function()
    local p = common(argparse("entente ingest",
      "Add documents to the database. Folders are read recursively; ingesting the same " ..
      "content again changes nothing. Problems are reported with their file and line; " ..
      "the exit status is 1 when any document failed."))
    p:argument("paths", "Files or folders."):args("+")
    p:option("--max-bytes", "Largest document accepted, in bytes.", tostring(64 * 1048576))
      :convert(tonumber)
    p:option("--batch", "Documents per transaction.", "2000"):convert(tonumber)
    return p
  end,
  run = function(a)
    local st, msg = open_store(a.db, true)
    if not st then warn("entente: ", msg, "\n"); return 1 end
    local update, finish = require("entente.commands").progress(a.quiet or a.json, "ingest")
    local messages = {}
    local t0 = core.clock()
    local ok, stats = pcall(st.ingest, st, a.paths, {
      max_bytes = math.tointeger(a.max_bytes),
      batch = math.tointeger(a.batch),
      progress = update,
      report = function(level, file, line, text)
        finish()
        local where = line > 0 and (file .. ":" .. line) or file
        if a.json then
          messages[#messages + 1] = { level = level, file = file, line = line, message = text }
        end
        warn(where, ": ", level, ": ", text, "\n")
      end,
    })
    finish()
    if not ok then
      warn("entente: ", tostring(stats), "\n")
      st:close()
      return 1
    end
    local secs = core.clock() - t0
    if a.json then
      stats.seconds = secs
      stats.messages = json.array(messages)
      say(json.encode(stats), "\n")
    elseif not a.quiet then
      warn(string.format("%d added, %d updated, %d unchanged, %d skipped, %d failed " ..
        "(%d files, %s, %.2f s)\n", stats.added, stats.updated, stats.unchanged,
        stats.skipped, stats.failed, stats.files, fmt.bytes(stats.bytes), secs))
      if stats.status == "interrupted" then warn("interrupted: the documents stored so far are kept\n") end
    end
    st:close()
    return stats.status == "ok" and 0 or 1
  end,
}

COMMANDS.query = {
  summary = "Run read-only SQL over the database and print the rows.",
  parser = function()
    local p = common(argparse("entente query",
      "Run one read-only SQL statement (statements that write are refused). " ..
      "See docs/SCHEMA.md for the tables."))
    p:argument("sql", "The SQL statement.")
    p:argument("params", "Values for ? parameters."):args("*")
    p:flag("--csv", "Output CSV (RFC 4180).")
    return p
  end,
  run = function(a)
    local st, msg = open_store(a.db, false)
    if not st then warn("entente: ", msg, "\n"); return 1 end
    local rows, cols = st:sql(a.sql, table.unpack(a.params))
    if not rows then warn("entente: ", cols, "\n"); st:close(); return 1 end
    if a.json then
      say(json.encode(json.array(rows)), "\n")
    elseif a.csv then
      say(fmt.csv_row(cols), "\r\n")
      for _, r in ipairs(rows) do
        local vals = {}
        for j, c in ipairs(cols) do vals[j] = r[c] end
        say(fmt.csv_row(vals, #cols), "\r\n")
      end
    elseif #rows > 0 then
      say(fmt.table(rows, cols), "\n")
      if not a.quiet then warn(#rows, #rows == 1 and " row\n" or " rows\n") end
    elseif not a.quiet then
      warn("no rows\n")
    end
    st:close()
    return 0
  end,
}

COMMANDS.search = {
  summary = "Full-text search (SQLite FTS5 syntax: words, \"phrases\", NEAR, AND, OR, NOT).",
  parser = function()
    local p = common(argparse("entente search",
      "Search the documents' titles and text. Terms use SQLite FTS5 syntax: " ..
      "words, \"exact phrases\", NEAR(a b, 5), AND, OR, NOT, prefix*."))
    p:argument("terms", "Search terms."):args("+")
    p:option("--limit", "Most hits to show.", "20"):convert(tonumber)
    return p
  end,
  run = function(a)
    local st, msg = open_store(a.db, false)
    if not st then warn("entente: ", msg, "\n"); return 1 end
    local q = en.fts_query(table.concat(a.terms, " "))
    local hits, serr = st:search(q, math.tointeger(a.limit))
    if not hits then warn("entente: ", serr, "\n"); st:close(); return 1 end
    if a.json then
      say(json.encode(json.array(hits)), "\n")
    else
      for _, h in ipairs(hits) do
        say(string.format("%s  %s  %s\n    %s\n", h.name, h.date or "-",
          fmt.truncate(h.title or "", 70), fmt.oneline(h.snippet or "")))
      end
      if not a.quiet then warn(#hits, #hits == 1 and " hit\n" or " hits\n") end
    end
    st:close()
    return 0
  end,
}

COMMANDS.stats = {
  summary = "Counts of documents, mentions, entities and relations; sources and dates.",
  parser = function()
    return common(argparse("entente stats", "Show what the database holds."))
  end,
  run = function(a)
    local st, msg = open_store(a.db, false)
    if not st then warn("entente: ", msg, "\n"); return 1 end
    local s = st:stats()
    local range = st:sql("SELECT min(date) AS first, max(date) AS last FROM documents " ..
      "WHERE date GLOB '[0-9]*'")[1]
    local sources = st:sql("SELECT coalesce(source, '(none)') AS source, count(*) AS documents " ..
      "FROM documents GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10")
    if a.json then
      s.first_date, s.last_date = range.first, range.last
      s.sources = json.array(sources)
      s.database = a.db
      say(json.encode(s), "\n")
    else
      say(string.format("database   %s\n", a.db))
      say(string.format("documents  %d (%s)\n", s.documents, fmt.bytes(s.bytes)))
      if range.first then say(string.format("dates      %s to %s\n", range.first, range.last)) end
      say(string.format("extracted  %d of %d documents\n", s.extracted, s.documents))
      say(string.format("mentions   %d\nentities   %d\nrelations  %d\nruns       %d\n",
        s.mentions, s.entities, s.relations, s.runs))
      if #sources > 0 then
        say("\nsources\n", fmt.table(sources, { "source", "documents" }), "\n")
      end
    end
    st:close()
    return 0
  end,
}

-- `run` takes the rest of the line for the script, so it parses by hand.
COMMANDS.run = {
  summary = "Run a Lua script with the entente API loaded (sandboxed).",
  usage = [[
Usage: entente run [--db FILE] [--trusted] SCRIPT [ARGS...]

Run a Lua script with the entente API loaded: `local en = require "entente"`.
The script's arguments are in `arg` (arg[0] is the script) and in `...`.
Scripts run sandboxed: no os.execute, io.popen, native modules or debug;
files may be written only under the path given with -o/--output among the
script's arguments. The default database is opened read-only.

Options (before SCRIPT):
  --db FILE     Database file (default: entente.db).
  --trusted     Run without the sandbox (for test runners and tools).
  -h, --help    Show this help and exit.
]],
  run = function(argv)
    local db, trusted = "entente.db", false
    local i = 1
    while i <= #argv do
      local v = argv[i]
      if v == "--db" then
        db = argv[i + 1]; i = i + 2
        if not db then warn("entente run: --db needs a file\n"); return 2 end
      elseif v:match("^%-%-db=") then
        db = v:sub(6); i = i + 1
      elseif v == "--trusted" then
        trusted = true; i = i + 1
      elseif v == "-h" or v == "--help" then
        say(COMMANDS.run.usage); return 0
      elseif v == "--" then
        i = i + 1; break
      else
        break
      end
    end
    local script = argv[i]
    if not script then warn(COMMANDS.run.usage); return 2 end
    local sargs = { [0] = script }
    for k = i + 1, #argv do sargs[#sargs + 1] = argv[k] end
    en.set_db(db)
    local chunk, lerr
    if trusted then
      _G.arg = sargs
      chunk, lerr = loadfile(script, "t")
    else
      local sandbox = require "entente.sandbox"
      local roots = {}
      for k = 1, #sargs do
        local v = sargs[k]
        if (v == "-o" or v == "--output") and sargs[k + 1] then roots[#roots + 1] = sargs[k + 1] end
        local eq = v:match("^%-%-output=(.+)$") or v:match("^%-o(.+)$")
        if eq then roots[#roots + 1] = eq end
      end
      local env = sandbox.env({ write_roots = roots, extra = { arg = sargs } })
      chunk, lerr = sandbox.loadfile(script, env)
    end
    if not chunk then warn("entente: ", lerr, "\n"); return 1 end
    -- the traceback stops at the script: the host's own frames are noise here
    local ok, res = xpcall(chunk, function(e)
      local tb = debug.traceback(tostring(e), 2)
      return (tb:gsub("\n\t%[C%]: in function 'xpcall'.*$", ""))
    end, table.unpack(sargs))
    if not ok then
      warn("entente: ", res, "\n")
      return 1
    end
    if math.type(res) == "integer" then return res end
    if res == false then return 1 end
    return 0
  end,
}

COMMANDS.help = {
  summary = "Show help for entente or one command.",
  run = function(argv)
    local name = argv[1]
    if not name then say(M.usage()); return 0 end
    local c = COMMANDS[name]
    if not c then warn("entente: unknown command '", name, "'\n"); return 2 end
    if c.parser then say(c.parser():get_help(), "\n") else say(c.usage) end
    return 0
  end,
}

-- the interactive shell lives in entente.repl (loaded when used)
COMMANDS.repl = {
  summary = "Interactive Lua shell over the corpus: completion, history, :try, :why, :extract.",
  parser = function() return require("entente.repl").parser(common) end,
  run = function(a) return require("entente.repl").main(a) end,
}

-- extract, test and explain live in entente.commands
do
  local cmds = require "entente.commands"
  for _, name in ipairs { "extract", "test", "explain" } do
    local spec = cmds[name]
    COMMANDS[name] = { summary = spec.summary, run = spec.run,
      parser = function() return spec.parser(common) end }
  end
end

-- export and eval live in entente.factcmds
do
  local cmds = require "entente.factcmds"
  for _, name in ipairs { "export", "eval" } do
    local spec = cmds[name]
    ORDER[#ORDER + 1] = name
    COMMANDS[name] = { summary = spec.summary, run = spec.run,
      parser = function() return spec.parser(common) end }
  end
end

function M.usage()
  local lines = {
    "Usage: entente <command> [options]\n",
    "entente finds defence-industrial cooperation in news: who cooperates, in which",
    "sector and how far, with the sentence and rule behind every fact.\n",
    "Commands:",
  }
  for _, name in ipairs(ORDER) do
    lines[#lines + 1] = string.format("  %-8s %s", name, COMMANDS[name].summary)
  end
  lines[#lines + 1] = "\nOptions: --version, -h/--help. Every command has --help;"
  lines[#lines + 1] = "every command takes --db FILE (default ./entente.db)."
  return table.concat(lines, "\n") .. "\n"
end

--- Register a command from another module (later commands plug in here).
function M.register(name, spec)
  if not COMMANDS[name] then ORDER[#ORDER + 1] = name end
  COMMANDS[name] = spec
end

function M.main(args)
  local argv = {}
  for i = 1, #args do argv[i] = args[i] end
  local name = argv[1]
  if not name or name == "-h" or name == "--help" then
    say(M.usage())
    return name and 0 or 2
  end
  if name == "--version" or name == "-V" or name == "version" then
    say("entente ", core.version, " (schema ", core.schema_version, ", ", _VERSION, ")\n")
    return 0
  end
  local c = COMMANDS[name]
  if not c then
    warn("entente: unknown command '", name, "' (see 'entente help')\n")
    return 2
  end
  table.remove(argv, 1)
  if not c.parser then return c.run(argv) end
  local p = c.parser()
  local flag = p._options
  for _, o in ipairs(flag) do
    if o._name == "-h" then
      o:action(function() error(HELP, 0) end)
    end
  end
  local ok, perr, res = pcall(p.pparse, p, argv)
  if not ok then
    if tostring(perr):find(HELP, 1, true) then
      say(p:get_help(), "\n")
      return 0
    end
    error(perr, 0)
  end
  if not perr then
    warn(p:get_usage(), "\n\nentente ", name, ": ", res, "\n")
    return 2
  end
  return c.run(res)
end

return M
