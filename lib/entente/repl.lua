--- entente.repl: the interactive shell (`entente repl`).
--
-- The loop of lua.c: read a line, try it as `return <line>` first so that
-- an expression prints its value, keep reading while the chunk is
-- incomplete (the syntax error ends in "<eof>"), run it under a Ctrl-C
-- handler of its own and print the results with entente.pretty. Lines that
-- start with ":" are commands (:help lists them). Line editing, history and
-- the completion hook are C primitives (engine/repl.c); what to complete is
-- entente.complete, how to print is entente.pretty.
--
-- When stdin is not a terminal (`entente repl < script`) the lines run
-- without prompts, colours, pager or history, and the exit status is 1
-- when any line failed.
local core = require "entente.core"
local en = require "entente"
local engine = require "entente.engine"
local fmt = require "entente.fmt"
local pretty = require "entente.pretty"
local complete = require "entente.complete"
local lpeg = require "lpeg"
local argparse = require "argparse"

local M = {}

local HISTORY_MAX = 1000

-- Errors the user caused (no traceback): raised with fail(), printed as is.
local UserError = {}
UserError.__index = UserError
UserError.__tostring = function(e) return e.msg end
local function fail(fmt_, ...)
  error(setmetatable({ msg = string.format(fmt_, ...) }, UserError), 0)
end

---------------------------------------------------------------------------
-- Commands: name, arguments, what it does, argument kinds for completion.

M.COMMANDS = {
  { "help", "[TOPIC]", "This help. TOPIC: a command, a section of docs/API.md, or a CLI command.",
    { "topic" } },
  { "open", "DB", "Open another database (read-only) and make it the default store.", {} },
  { "stats", "", "Counts of what the database holds.", {} },
  { "docs", "[FILTER]", "List documents. FILTER: key=value (source, since, until, place, name, " ..
    "limit) and words for a full-text search.", {} },
  { "show", "DOC", "A document: its card, then its sentences with stored mentions highlighted.",
    { "doc" } },
  { "rules", "", "The rules of the pack, with phase, kind and file.", {} },
  { "reload", "", "Read the rule pack again. Load errors are shown and the old pack is kept.", {} },
  { "try", "PATTERN|RULE [@ DOC|@ \"text\"]", "Run an LPeg pattern written with the pack's p " ..
    "helpers (or a rule of the pack) over a document or a text, after the whole pack has run " ..
    "on it; matches are highlighted. Without @, the last document used.", { "lua" } },
  { "explain", "DOC[:OFFSET]", "The stored facts of a document (or at an offset), each with the " ..
    "rule that made it (as `entente explain`).", { "doc" } },
  { "why", "RULE DOC", "Where a rule matched in a document and where it nearly did (as " ..
    "`entente explain --rule`).", { "rule", "doc" } },
  { "extract", "DOC", "Run the pack on one document and show what differs from the store " ..
    "(nothing is written).", { "doc" } },
  { "set", "[OPTION VALUE]", "Show or change a setting: pager on|off, color on|off, depth N, " ..
    "items N.", { "option" } },
  { "quit", "", "Leave the REPL (Ctrl-D does too).", {} },
}
local BY_NAME = {}
for _, c in ipairs(M.COMMANDS) do BY_NAME[c[1]] = c end
local ALIASES = { q = "quit", exit = "quit", h = "help", ["?"] = "help" }

local OPTIONS = { "pager", "color", "depth", "items" }

---------------------------------------------------------------------------
-- The session

local Session = {}
Session.__index = Session

--- Split a line of command arguments into words; "quoted words" keep
-- their spaces.
function M.words(s)
  local out, i = {}, 1
  while i <= #s do
    local c = s:sub(i, i)
    if c:match("%s") then
      i = i + 1
    elseif c == '"' or c == "'" then
      local j = s:find(c, i + 1, true) or (#s + 1)
      out[#out + 1] = s:sub(i + 1, j - 1)
      i = j + 1
    else
      local j = s:find("%s", i) or (#s + 1)
      out[#out + 1] = s:sub(i, j - 1)
      i = j
    end
  end
  return out
end

--- A new session. opts: db, rules, data, interactive, color, out, err.
function M.new(opts)
  local s = setmetatable({
    db = opts.db or "entente.db",
    rules_dir = opts.rules or (core.home .. "/scripts/rules"),
    interactive = opts.interactive,
    color = opts.color,
    pager = opts.interactive and core.isatty(1),
    depth = 3, items = 40,
    out = opts.out or io.stdout, err = opts.err or io.stderr,
    errors = 0,
    engine = nil, engine_errors = nil,
    current = nil, -- the last document used by a command
  }, Session)
  -- the pack's data folder: the pack's ../data, else scripts/data (as `entente extract`)
  local data = opts.data or (s.rules_dir:gsub("/+$", ""):gsub("[^/]+$", "") .. "data")
  if core.filetype(data) ~= "directory" then data = core.home .. "/scripts/data" end
  s.data_dir = data
  en.set_db(s.db)
  -- The environment of evaluated lines: the standard globals, the API,
  -- and `p`/`pack` (the rule pack's pattern helpers and engine) on first use.
  local env = {
    en = en, lpeg = lpeg, re = require "re", json = require "entente.json", fmt = fmt,
    pretty = pretty,
  }
  setmetatable(env, {
    __index = function(_, k)
      if k == "p" or k == "pack" then
        local e = s:load_engine(true)
        if e then return k == "p" and e.p or e end
        return nil
      end
      return _G[k]
    end,
  })
  env._G = env
  s.env = env
  return s
end

function Session:say(...) self.out:write(...) end
function Session:warn(...)
  self.out:flush() -- keep the order of results and errors when both go to one file
  self.err:write(...)
end

-- Print text: through $PAGER when it is longer than the screen.
function Session:show(text)
  if text == "" then return end
  if self.pager and self.interactive and core.isatty(1) then
    local rows = core.term_size()
    local _, nl = text:gsub("\n", "")
    if rows and nl + 1 > rows - 2 then
      local cmd = os.getenv("PAGER")
      if not cmd or cmd == "" then cmd = "less -FRX" end
      local p = io.popen(cmd, "w")
      if p then
        p:write(text, "\n")
        p:close()
        return
      end
    end
  end
  self:say(text, "\n")
end

function Session:popts()
  local st = self:store_or_nil()
  local cache = {}
  return {
    color = self.color, depth = self.depth, items = self.items,
    width = (select(2, core.term_size()) or 100) - 2,
    -- stored mentions of a sentence, for the sentence view
    mentions = function(s)
      local d = s.doc
      local id = d and d.id
      if not st or not id then return nil end
      if not cache[id] then
        cache[id] = st:sql("SELECT type, key, start, stop, text, rule FROM mentions WHERE doc_id = ? " ..
          "ORDER BY start, stop DESC", id) or {}
      end
      local out = {}
      for _, m in ipairs(cache[id]) do
        if m.start >= s.start and m.stop <= s.stop then out[#out + 1] = m end
      end
      return out
    end,
  }
end

-- The default store, or nil when there is none.
function Session.store_or_nil(_)
  local ok, st = pcall(en.store)
  if ok then return st end
  return nil
end

function Session.store(_)
  local ok, st = pcall(en.store)
  if not ok then fail("%s", tostring(st):gsub("^[^:]*:%d+: ", "")) end
  return st
end

-- A document by name or id, in the default store.
function Session:find_doc(name)
  if not name or name == "" then
    if self.current then return self.current end
    fail("which document? give a name or an id")
  end
  local st = self:store()
  local d = st:doc(math.tointeger(tonumber(name)) or name)
  if not d and tonumber(name) then d = st:doc(name) end
  if not d then fail("no document named '%s'", name) end
  self.current = d
  return d
end

--- The rule pack, loaded on first use. quiet: do not print load errors.
function Session:load_engine(quiet)
  if self.engine then return self.engine end
  if self.engine_errors and quiet then return nil end
  local e = engine.new { rules = self.rules_dir, data = self.data_dir }
  local ok, errs = e:load()
  if not ok then
    self.engine_errors = errs
    if not quiet then
      for _, m in ipairs(errs) do self:warn(m, "\n") end
    end
    return nil
  end
  self.engine, self.engine_errors = e, nil
  return e
end

function Session:need_engine()
  local e = self:load_engine(false)
  if not e then
    fail("the rule pack in %s did not load (fix it, then :reload)", self.rules_dir)
  end
  return e
end

---------------------------------------------------------------------------
-- Completion: the providers entente.complete asks.

function Session:completion_ctx()
  local s = self
  local view = {}
  for k, v in pairs(_G) do view[k] = v end
  for k, v in pairs(self.env) do view[k] = v end
  if self.engine then view.p, view.pack = self.engine.p, self.engine end
  -- names not listed yet (p before the pack is loaded) still resolve
  local cenv = setmetatable(view, { __index = function(_, k) return s.env[k] end })
  local names, args = {}, {}
  for _, c in ipairs(M.COMMANDS) do
    names[#names + 1] = c[1]
    args[c[1]] = c[4]
  end
  return {
    env = cenv,
    commands = names,
    command_args = args,
    docs = function(prefix)
      local st = s:store_or_nil()
      if not st then return {} end
      local rows = st:sql("SELECT name FROM documents WHERE substr(name, 1, ?) = ? ORDER BY name " ..
        "LIMIT 500", #prefix, prefix) or {}
      local out = {}
      for i, r in ipairs(rows) do out[i] = r.name end
      return out
    end,
    rules = function()
      local e = s:load_engine(true)
      local out = {}
      for i, r in ipairs(e and e.rules or {}) do out[i] = r.name end
      return out
    end,
    types = function()
      local out = {}
      local e = s:load_engine(true)
      for _, t in ipairs(e and e.type_names or {}) do out[#out + 1] = t end
      local st = s:store_or_nil()
      for _, r in ipairs(st and st:sql("SELECT DISTINCT type FROM mentions") or {}) do
        out[#out + 1] = r.type
      end
      return out
    end,
    topics = function() return s:topics() end,
    options = function() return OPTIONS end,
  }
end

function Session:complete(line, cursor)
  return complete.complete(line, cursor, self:completion_ctx())
end

---------------------------------------------------------------------------
-- Help: REPL commands, sections of docs/API.md, CLI commands.

local function api_sections()
  local f = io.open(core.home .. "/docs/API.md", "r")
  if not f then return {} end
  local text = f:read("a")
  f:close()
  local sections = {}
  local current
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    local h = line:match("^##%s+(.+)$")
    if h then
      current = { title = h, lines = {} }
      sections[#sections + 1] = current
    elseif current then
      current.lines[#current.lines + 1] = line
    end
  end
  return sections
end

local CLI_COMMANDS = { "ingest", "extract", "explain", "test", "run", "query", "search", "stats" }

function Session.topics(_)
  local out = {}
  for _, c in ipairs(M.COMMANDS) do out[#out + 1] = c[1] end
  for _, s in ipairs(api_sections()) do out[#out + 1] = (s.title:gsub("%s.*$", "")) end
  return out
end

function Session:help(topic)
  if not topic or topic == "" then
    local lines = { "Lua with the entente API: type an expression to see its value, a statement to run it.",
      "Names: en (the API), p and pack (the rule pack's helpers and engine), lpeg, re, json, fmt, " ..
      "pretty; _ is the last value.", "", "Commands:" }
    for _, c in ipairs(M.COMMANDS) do
      local usage = ":" .. c[1] .. (c[2] ~= "" and (" " .. c[2]) or "")
      lines[#lines + 1] = string.format("  %-26s %s", usage, (c[3]:gsub("%. .*$", ".")))
    end
    local titles = {}
    for _, s in ipairs(api_sections()) do titles[#titles + 1] = s.title end
    lines[#lines + 1] = ""
    lines[#lines + 1] = "API topics (:help TOPIC): " .. table.concat(titles, ", ")
    lines[#lines + 1] = "CLI commands (:help NAME): " .. table.concat(CLI_COMMANDS, ", ")
    lines[#lines + 1] = "Tab completes names, methods, documents, rules and entity types. " ..
      "Ctrl-C stops an evaluation; Ctrl-D leaves."
    return self:show(table.concat(lines, "\n"))
  end
  local name = topic:gsub("^:", "")
  name = ALIASES[name] or name
  local c = BY_NAME[name]
  if c then
    return self:show(":" .. c[1] .. (c[2] ~= "" and (" " .. c[2]) or "") .. "\n  " .. c[3])
  end
  local low = name:lower()
  for _, s in ipairs(api_sections()) do
    if s.title:lower() == low or s.title:lower():sub(1, #low) == low then
      local body = table.concat(s.lines, "\n"):gsub("^\n+", ""):gsub("\n+$", "")
      return self:show(s.title .. "\n\n" .. body)
    end
  end
  for _, cli in ipairs(CLI_COMMANDS) do
    if cli == name then
      require("entente.cli").main { name, "--help" }
      return
    end
  end
  fail("no help on '%s' (try :help)", topic)
end

---------------------------------------------------------------------------
-- Commands

local handlers = {}

function handlers.help(s, arg) return s:help(arg) end

function handlers.quit() return "quit" end

function handlers.open(s, arg)
  local path = M.words(arg)[1]
  if not path then fail("usage: :open DB") end
  if core.filetype(path) ~= "file" then fail("%s: no such database", path) end
  local st, msg = en.open(path, { readonly = true })
  if not st then fail("%s", msg) end
  en.set_db(path)
  en.use(st)
  s.db, s.current = path, nil
  local n = st:stats().documents
  s:say(string.format("%s: %d document%s\n", path, n, n == 1 and "" or "s"))
end

function handlers.stats(s)
  local st = s:store()
  local t = st:stats()
  local range = st:sql("SELECT min(date) AS first, max(date) AS last FROM documents " ..
    "WHERE date GLOB '[0-9]*'")[1]
  local lines = {
    string.format("database   %s", s.db),
    string.format("documents  %d (%s)", t.documents, fmt.bytes(t.bytes)),
  }
  if range.first then lines[#lines + 1] = string.format("dates      %s to %s", range.first, range.last) end
  lines[#lines + 1] = string.format("extracted  %d of %d documents", t.extracted, t.documents)
  lines[#lines + 1] = string.format("mentions   %d\nentities   %d\nrelations  %d\nruns       %d",
    t.mentions, t.entities, t.relations, t.runs)
  s:show(table.concat(lines, "\n"))
end

local DOC_FILTERS = { source = true, since = true, ["until"] = true, place = true, name = true,
  limit = true, id = true }

function handlers.docs(s, arg)
  local filter, words = {}, {}
  for _, w in ipairs(M.words(arg)) do
    local k, v = w:match("^([%a_]+)=(.*)$")
    if k and DOC_FILTERS[k] then
      filter[k] = (k == "limit" or k == "id") and math.tointeger(tonumber(v)) or v
    else
      words[#words + 1] = w
    end
  end
  if #words > 0 then filter.search = en.fts_query(table.concat(words, " ")) end
  local st = s:store()
  local list = {}
  local ok, err = pcall(function()
    for d in st:docs(filter) do list[#list + 1] = d end
  end)
  if not ok then fail("%s", tostring(err):gsub("^[^:]*:%d+: ", "")) end
  if #list == 0 then s:say("no documents\n"); return end
  s:show(pretty.documents(list, s:popts()) .. string.format("\n%d document%s", #list,
    #list == 1 and "" or "s"))
end

function handlers.show(s, arg)
  local d = s:find_doc(M.words(arg)[1])
  local o = s:popts()
  local parts = { pretty.document(d, o), "" }
  for sent in d:sentences() do parts[#parts + 1] = pretty.sentence(sent, o.mentions(sent), o) end
  s:show(table.concat(parts, "\n"))
end

function handlers.rules(s)
  local e = s:need_engine()
  local rows = {}
  for i, r in ipairs(e.rules) do
    rows[i] = { name = r.name, phase = r.phase,
      kind = r.pattern and "pattern" or r.gazetteer and "gazetteer" or "run",
      examples = #(r.examples or {}),
      file = (r.file:match("[^/]*$")) .. ":" .. r.line }
  end
  if #rows == 0 then s:say("no rules in ", s.rules_dir, "\n"); return end
  s:show(fmt.table(rows, { "name", "phase", "kind", "examples", "file" }) ..
    string.format("\n%d rule%s from %s", #rows, #rows == 1 and "" or "s", s.rules_dir))
end

function handlers.reload(s)
  local old = s.engine
  s.engine, s.engine_errors = nil, nil
  local e = s:load_engine(false)
  if not e then
    s.engine = old
    local n = #s.engine_errors
    fail("the rule pack did not load (%d error%s)%s", n, n == 1 and "" or "s",
      old and string.format("; keeping the previous one (%d rules)", #old.rules) or "")
  end
  s:say(string.format("%d rule%s loaded from %s\n", #e.rules, #e.rules == 1 and "" or "s", s.rules_dir))
end

-- The target of :try: "@ DOC", "@ \"text\"", or the last document used.
function Session:try_target(target)
  if target and target:match("^[\"']") then
    local text = target:match("^([\"'])(.*)%1$")
    text = text and target:sub(2, -2) or target:sub(2)
    return en.text(text, "text")
  end
  return self:find_doc(target)
end

function handlers.try(s, arg)
  local expr, target = arg:match("^(.-)%s*@%s*(.-)%s*$")
  if not expr then expr = arg:match("^%s*(.-)%s*$") end
  if expr == "" then fail("usage: :try PATTERN|RULE [@ DOC|@ \"text\"]") end
  local e = s:need_engine()
  local d = s:try_target(target)
  local name = expr
  if not e.by_name[expr] then
    local chunk, lerr = load("return " .. expr, "=try", "t", e:file_env())
    if not chunk then fail("%s", lerr) end
    local ok, patt = pcall(chunk)
    if not ok then fail("%s", tostring(patt)) end
    if lpeg.type(patt) ~= "pattern" then
      fail("not a pattern or a rule name: the expression gave a %s", type(patt))
    end
    name = "(try)"
    -- a rule of the last phase, in no phase list: the whole pack runs first
    e.by_name[name] = { name = name, phase = "document", compiled = lpeg.Ct(patt) * lpeg.Cp() }
  end
  local ok, res, res2 = pcall(e.trace, e, name, d)
  if name == "(try)" then e.by_name[name] = nil end
  if not ok then
    pcall(e.matcher.finish, e.matcher)
    error(res, 0)
  end
  local recs, terr = res, res2
  if not recs then fail("%s", terr) end
  local o = s:popts()
  local out, nm, nsent, near = {}, 0, 0, {}
  for _, rec in ipairs(recs) do
    if rec.status == "matched" then
      local spans = {}
      for _, m in ipairs(rec.matches) do spans[#spans + 1] = { m.start, m.stop } end
      nm, nsent = nm + #rec.matches, nsent + 1
      out[#out + 1] = o.color and string.format("\27[2m#%d\27[0m %s", rec.index,
        fmt.oneline(pretty.highlight(d.text, rec.start, rec.stop, spans, pretty.painter(true), true)))
        or string.format("#%d %s", rec.index, fmt.oneline(pretty.highlight(d.text, rec.start,
          rec.stop, spans, nil, false)))
    elseif rec.near then
      near[#near + 1] = rec
    end
  end
  if nm == 0 and #near > 0 then
    table.sort(near, function(a, b) return (a.furthest - a.from) > (b.furthest - b.from) end)
    for i = 1, math.min(#near, 3) do
      local rec = near[i]
      out[#out + 1] = string.format("#%d near miss: matched %q, then stopped at %s", rec.index,
        rec.near, rec.next and string.format("%q", rec.next) or "the end of the sentence")
    end
  end
  out[#out + 1] = string.format("%d match%s in %d sentence%s of %s", nm, nm == 1 and "" or "es",
    nsent, nsent == 1 and "" or "s", d.name or "the text")
  s:show(table.concat(out, "\n"))
end

-- The explain command of the CLI, with this session's database and pack.
local function run_explain(s, target, rule)
  local cmds = require "entente.commands"
  s.out:flush()
  local code = cmds.explain.run { db = s.db, target = target, rule = rule, rules = s.rules_dir,
    data = s.data_dir }
  if code ~= 0 then s.errors = s.errors + 1 end
end

function handlers.explain(s, arg)
  local target = M.words(arg)[1]
  if not target then
    if not s.current then fail("usage: :explain DOC[:OFFSET]") end
    target = tostring(s.current.id)
  end
  run_explain(s, target)
end

function handlers.why(s, arg)
  local w = M.words(arg)
  if not w[1] then fail("usage: :why RULE DOC") end
  local target = w[2] or (s.current and tostring(s.current.id))
  if not target then fail("usage: :why RULE DOC") end
  run_explain(s, target, w[1])
end

-- Keys that identify a fact for the comparison of :extract.
local function mention_key(m)
  return string.format("%s %s %d-%d", m.type, tostring(m.key), m.start, m.stop)
end

local function relation_key(r)
  return string.format("%s %s %s", r.type, r.stage or "-", r.args)
end

function handlers.extract(s, arg)
  local d = s:find_doc(M.words(arg)[1])
  local e = s:need_engine()
  local st = s:store()
  local ctx = e:process(d)
  local res = e:result(ctx)
  -- the new facts
  local new_m, new_r = {}, {}
  for _, m in ipairs(res.mentions) do new_m[#new_m + 1] = m end
  for _, r in ipairs(res.relations) do
    local parts = {}
    for _, a in ipairs(r.args) do parts[#parts + 1] = a.role .. "=" .. tostring(a.key or a.value or "?") end
    table.sort(parts)
    new_r[#new_r + 1] = { type = r.type, stage = r.stage, args = table.concat(parts, " "),
      rule = r.rule, start = r.start, stop = r.stop }
  end
  -- the stored facts
  local old_m = st:sql("SELECT type, key, start, stop, text, rule FROM mentions WHERE doc_id = ? " ..
    "ORDER BY start, stop DESC", d.id) or {}
  local old_r = st:sql([[SELECT r.type, r.stage, r.start, r.stop, r.rule,
      (SELECT group_concat(x, ' ') FROM (SELECT a.role || '=' || coalesce(a.key, a.value, '?') AS x
        FROM relation_args a WHERE a.relation_id = r.id ORDER BY x)) AS args
      FROM relations r WHERE r.doc_id = ? ORDER BY r.start, r.id]], d.id) or {}
  for _, r in ipairs(old_r) do r.args = r.args or "" end
  local extracted = (st:sql("SELECT count(*) AS n FROM extractions WHERE doc_id = ?", d.id) or
    { { n = 0 } })[1].n > 0
  local paint = pretty.painter(s.color)
  local out = {}
  local function diff(label, new, old, key, describe)
    local have, want = {}, {}
    for _, x in ipairs(old) do have[key(x)] = (have[key(x)] or 0) + 1 end
    for _, x in ipairs(new) do want[key(x)] = (want[key(x)] or 0) + 1 end
    local added, removed, same = 0, 0, 0
    for _, x in ipairs(new) do
      local k = key(x)
      if (have[k] or 0) > 0 then
        have[k] = have[k] - 1
        same = same + 1
      else
        added = added + 1
        out[#out + 1] = paint("+ ", "green") .. describe(x)
      end
    end
    for _, x in ipairs(old) do
      local k = key(x)
      if (want[k] or 0) > 0 then
        want[k] = want[k] - 1
      else
        removed = removed + 1
        out[#out + 1] = paint("- ", "red") .. describe(x)
      end
    end
    return string.format("%s: %d new, %d gone, %d unchanged", label, added, removed, same)
  end
  local sm = diff("mentions", new_m, old_m, mention_key, function(m)
    return string.format("%-9s %-20s %q  %d-%d  %s", m.type, tostring(m.key), m.text, m.start, m.stop,
      paint(m.rule, "cyan"))
  end)
  local sr = diff("relations", new_r, old_r, relation_key, function(r)
    return string.format("%s %s%s  %s", r.type, r.args, r.stage and (" stage=" .. r.stage) or "",
      paint(r.rule, "cyan"))
  end)
  for _, f in ipairs(res.failures) do
    out[#out + 1] = paint("! ", "red") .. string.format("rule '%s' failed at offset %d: %s", f.rule,
      f.offset or 0, f.message)
  end
  if not extracted then out[#out + 1] = d.name .. " has not been extracted into the store yet" end
  out[#out + 1] = sm
  out[#out + 1] = sr
  s:show(table.concat(out, "\n"))
end

function handlers.set(s, arg)
  local w = M.words(arg)
  if not w[1] then
    s:say(string.format("pager %s\ncolor %s\ndepth %d\nitems %d\n", s.pager and "on" or "off",
      s.color and "on" or "off", s.depth, s.items))
    return
  end
  local k, v = w[1], w[2]
  if k == "pager" or k == "color" then
    if v ~= "on" and v ~= "off" then fail(":set %s on|off", k) end
    s[k] = v == "on"
  elseif k == "depth" or k == "items" then
    local n = math.tointeger(tonumber(v))
    if not n or n < 1 then fail(":set %s N (a whole number above 0)", k) end
    s[k] = n
  else
    fail("no setting '%s' (settings: %s)", k, table.concat(OPTIONS, ", "))
  end
end

--- Run a command line (":name args"). Returns "quit" to leave.
function Session:command(line)
  local name, arg = line:match("^%s*:(%S*)%s*(.-)%s*$")
  name = ALIASES[name] or name
  local h = handlers[name]
  if not h then fail("unknown command ':%s' (:help lists them)", name) end
  return h(self, arg)
end

---------------------------------------------------------------------------
-- Evaluation

--- Compile a chunk as lua.c does: `return <chunk>` first (single lines),
-- then the chunk. Returns fn, or nil and the message and whether the
-- chunk is incomplete (more lines may finish it).
function M.compile(chunk, env)
  local src = chunk
  if src:sub(1, 1) == "=" then src = "return " .. src:sub(2) end
  if not src:find("\n") then
    local fn = load("return " .. src, "=stdin", "t", env)
    if fn then return fn end
  end
  local fn, err = load(src, "=stdin", "t", env)
  if fn then return fn end
  if err:sub(-5) == "<eof>" then return nil, err, true end
  return nil, err, false
end

--- The message handler: user errors as they are, others with a short
-- traceback that stops where the REPL's own frames begin.
function M.msghandler(e)
  if getmetatable(e) == UserError then return e end
  local msg = e
  if type(msg) ~= "string" then
    local mt = getmetatable(e)
    if mt and mt.__tostring then msg = tostring(e)
    else msg = string.format("(error object is a %s value)", type(e)) end
  end
  if msg == "interrupted" or msg:match("^[^\n]*: interrupted$") then return "interrupted" end
  local tb = debug.traceback(msg, 2)
  local lines, frames = {}, 0
  for l in tb:gmatch("[^\n]+") do
    if l:find("entente/repl%.lua:") and frames > 0 then break end
    if l:find("^%s*%[C%]: in function 'entente%.core%.interruptible'") then break end
    if l:match("^\t") then frames = frames + 1 end
    if frames <= 8 then lines[#lines + 1] = l end
  end
  if #lines == 2 and lines[2]:match("^stack traceback:") then lines[2] = nil end
  return table.concat(lines, "\n")
end

-- Print the results of an evaluation (n values).
function Session:print_results(n, ...)
  if n == 0 then return end
  self.env._ = (...)
  local o = self:popts()
  local parts, multi = {}, false
  for i = 1, n do
    local v = select(i, ...)
    parts[i] = v == nil and "nil" or pretty.format(v, o)
    if parts[i]:find("\n") then multi = true end
  end
  self:show(table.concat(parts, multi and "\n" or "\t"))
end

-- Run fn under the Ctrl-C handler; report its error. Returns its status.
function Session:protected(fn, ...)
  local res = table.pack(core.interruptible(fn, M.msghandler, ...))
  if not res[1] then
    local err = res[2]
    self.errors = self.errors + 1
    local msg = getmetatable(err) == UserError and err.msg or tostring(err)
    -- after Ctrl-C the terminal shows ^C: start a new line
    if msg == "interrupted" and self.interactive then msg = "\n" .. msg end
    self:warn(msg, "\n")
    return false
  end
  return table.unpack(res, 1, res.n)
end

function Session:eval(fn)
  -- fn is called from C, so a traceback names it "main chunk"
  local res = table.pack(self:protected(fn))
  if res[1] then self:protected(self.print_results, self, res.n - 1, table.unpack(res, 2, res.n)) end
end

---------------------------------------------------------------------------
-- The loop

local function history_file()
  local h = os.getenv("ENTENTE_HISTORY")
  if h then return h ~= "" and h or nil end
  local home = os.getenv("HOME")
  if home and home ~= "" then return home .. "/.entente_history" end
  return nil
end

function Session:read(prompt)
  if self.interactive then return core.readline(prompt) end
  return io.read("l")
end

--- Handle one line. Returns "quit" to leave.
function Session:feed(line)
  if not self.buffer then
    if line:match("^%s*$") then return end
    if line:match("^%s*:") then
      if self.interactive then core.add_history(line) end
      local _, r = self:protected(self.command, self, line)
      return r
    end
  end
  self.buffer = self.buffer and (self.buffer .. "\n" .. line) or line
  local fn, err, incomplete = M.compile(self.buffer, self.env)
  if incomplete then return end
  if self.interactive then core.add_history(self.buffer) end
  self.buffer = nil
  if fn then
    self:eval(fn)
  else
    self.errors = self.errors + 1
    self:warn(err, "\n")
  end
end

function Session:run()
  local hist = self.interactive and history_file()
  if self.interactive then
    if hist then core.load_history(hist, HISTORY_MAX) end
    core.set_completer(function(line, cursor) return self:complete(line, cursor) end)
    local st = self:store_or_nil()
    local what = st and string.format("%d documents", st:stats().documents) or "not found"
    self:say(string.format("entente %s  database %s (%s)\n:help for help, Tab completes, " ..
      "Ctrl-D leaves\n", core.version, self.db, what))
  end
  while true do
    local line = self:read(self.buffer and ">> " or "> ")
    if line == nil then
      if self.buffer then
        local _, err = M.compile(self.buffer, self.env)
        self.errors = self.errors + 1
        self:warn(err, "\n")
      end
      if self.interactive then self:say("\n") end
      break
    elseif line == false then
      self.buffer = nil -- Ctrl-C at the prompt: forget the line
    elseif self:feed(line) == "quit" then
      break
    end
  end
  if self.interactive then
    core.set_completer(nil)
    if hist then
      local ok, herr = core.save_history(hist, HISTORY_MAX)
      if not ok then self:warn(herr, "\n") end
    end
  end
  if not self.interactive and self.errors > 0 then return 1 end
  return 0
end

---------------------------------------------------------------------------
-- The command line

--- The parser of `entente repl` (common adds --db, -q, -h).
function M.parser(common)
  local p = common(argparse("entente repl",
    "An interactive Lua shell over the database with the entente API loaded: expressions print " ..
    "their value, Tab completes, ':help' lists the commands (:docs, :show, :try, :why, :extract " ..
    "...). History is kept in ~/.entente_history. With stdin not a terminal, the lines of the " ..
    "script run without prompts or colours."), { nojson = true })
  p:option("--rules", "Rule pack folder (default: scripts/rules).")
  p:option("--data", "Data folder of the pack.")
  p:flag("--no-color", "No colours, even on a terminal.")
  return p
end

--- Run the REPL with parsed arguments. Returns the exit status.
function M.main(a)
  local interactive = core.isatty(0)
  local color = interactive and core.isatty(1) and not a.no_color and
    (os.getenv("NO_COLOR") or "") == "" and os.getenv("TERM") ~= "dumb"
  local s = M.new { db = a.db, rules = a.rules, data = a.data, interactive = interactive,
    color = color or false }
  return s:run()
end

M.Session = Session
return M
