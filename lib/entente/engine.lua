--- entente.engine: loads a rule pack and runs it over documents.
--
-- A rule pack is a folder of Lua files (scripts/rules/*.lua, in name order).
-- Each file runs in its own sandboxed environment with strict globals and
-- declares rules with `rule{...}`. Rules run by phase (tokens, gazetteer,
-- entities, resolve, relations, document), and inside a phase in file and
-- declaration order. A rule is one of:
--
--   pattern rule    pattern (LPeg) + action(m, s), tried at every token of
--                   every sentence that passes its `needs` prefilter
--   gazetteer rule  gazetteer (from gazetteer"name") [+ action(hit, s)]:
--                   a mention for every hit unless action says otherwise
--   run rule        run(d): once per document, free-form
--
-- Every mention and relation records its rule, the rule's file and line,
-- the document, its span and its sentence. A rule that raises is recorded
-- as a failure (rule, file, line, document offset, message) and skipped for
-- the rest of that document; the other rules go on.
local core = require "entente.core"
local lpeg = require "lpeg"
local sandbox = require "entente.sandbox"
local pattern = require "entente.pattern"
local json = require "entente.json"

local M = {}

M.PHASES = { "tokens", "gazetteer", "entities", "resolve", "relations", "document" }
local PHASE_INDEX = {}
for i, ph in ipairs(M.PHASES) do PHASE_INDEX[ph] = i end

M.STAGES = { "intent", "talks", "framework", "contract", "delivery" }
local STAGE_RANK = {}
for i, st in ipairs(M.STAGES) do STAGE_RANK[st] = i end
M.STAGE_RANK = STAGE_RANK

--- The higher of two stages (either may be nil).
function M.max_stage(a, b)
  if not a then return b end
  if not b then return a end
  return (STAGE_RANK[b] or 0) > (STAGE_RANK[a] or 0) and b or a
end

-- Rule fields and what each must be.
local FIELDS = {
  name = "string", phase = "string", description = "string",
  pattern = "pattern", action = "function", run = "function", gazetteer = "gazetteer",
  needs = "table", priority = "number", overlap = "string", supersedes = "table",
  examples = "table", budget = "number",
}

local DEFAULT_BUDGET = 20000000 -- Lua instructions per rule per document
local DEFAULT_MEMORY = 256 * 1024 * 1024 -- bytes per document

---------------------------------------------------------------------------
-- Engine

local Engine = {}
Engine.__index = Engine

--- engine.new{ rules = DIR, data = DIR, budget = N, memory = BYTES }
function M.new(opts)
  opts = opts or {}
  local e = setmetatable({
    rules = {},           -- in run order
    by_name = {},
    by_phase = {},
    types = {},           -- type name -> id
    type_names = {},      -- id -> name
    type_ids_cache = {},  -- type names joined by NUL -> their ids (Doc:mentions)
    gazetteers = {},      -- name -> gazetteer object
    data_cache = {},
    libs = {},
    files = {},           -- loaded files with their hashes
    rules_dir = opts.rules or (core.home .. "/scripts/rules"),
    data_dir = opts.data or (core.home .. "/scripts/data"),
    budget = opts.budget or DEFAULT_BUDGET,
    memory = opts.memory or DEFAULT_MEMORY,
    matcher = core.matcher(),
  }, Engine)
  for _, ph in ipairs(M.PHASES) do e.by_phase[ph] = {} end
  e.p = pattern.new(e.matcher, function(t) return e:type_id(t) end)
  return e
end

--- Small integer id of a mention type (made on first use).
function Engine:type_id(name)
  local id = self.types[name]
  if not id then
    id = #self.type_names + 1
    self.types[name] = id
    self.type_names[id] = name
  end
  return id
end

---------------------------------------------------------------------------
-- Data files and gazetteers

local function read_file(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local s = f:read("a")
  f:close()
  return s
end

--- Read a TSV file: first line the header, '#' lines are comments.
-- Returns an array of rows keyed by column name. Raises with file:line on
-- a row whose number of cells differs from the header.
function M.read_tsv(path)
  local text, err = read_file(path)
  if not text then error(err, 0) end
  local rows, header, lineno = {}, nil, 0
  for line in (text .. "\n"):gmatch("([^\n]*)\n") do
    lineno = lineno + 1
    line = line:gsub("\r$", "")
    if line ~= "" and not line:match("^#") then
      local cells = {}
      for cell in (line .. "\t"):gmatch("([^\t]*)\t") do cells[#cells + 1] = cell end
      if not header then
        header = cells
      else
        if #cells ~= #header then
          error(string.format("%s:%d: %d cells, the header has %d", path, lineno, #cells, #header), 0)
        end
        local row = { _line = lineno }
        for i, h in ipairs(header) do
          if cells[i] ~= "" then row[h] = cells[i] end
        end
        rows[#rows + 1] = row
      end
    end
  end
  return rows, header
end

--- A gazetteer wrapper: phrases mapped to entries {type, key, attrs}.
local Gaz = {}
Gaz.__index = Gaz

--- g:add(phrase, entry [, exact]): entry = {type=, key=, name=, attrs=}.
function Gaz:add(phrase, entry, exact)
  if type(phrase) ~= "string" or phrase == "" then error("gazetteer add: phrase must be a string", 2) end
  if type(entry) ~= "table" or type(entry.type) ~= "string" then
    error("gazetteer add: entry must be a table with a type", 2)
  end
  local id = self.ids[entry]
  if not id then
    id = #self.entries + 1
    self.entries[id] = entry
    self.ids[entry] = id
  end
  self.g:add(phrase, id, exact)
end

function Gaz:size() return self.g:size() end

function Engine:gazetteer(name)
  local g = self.gazetteers[name]
  if not g then
    g = setmetatable({ name = name, g = core.gazetteer(), entries = {}, ids = {} }, Gaz)
    self.gazetteers[name] = g
  end
  return g
end

---------------------------------------------------------------------------
-- Cue lexicons: lists of short phrases over folded words, where a word
-- ending in '*' is a prefix ("negotiat*"). Matched in C (engine/lexicon.c)
-- over the tokens of a span with d:cues(lexicon, a, b).

local Lex = {}
Lex.__index = Lex
M.Lex = Lex

--- The folded tokens of a lexicon phrase ("co-produc*" -> co - produc*).
function M.phrase_tokens(phrase)
  local toks = {}
  for _, t in ipairs(core.tokenize(phrase)) do toks[#toks + 1] = core.fold(t.text) end
  if toks[#toks] == "*" and #toks > 1 then
    toks[#toks] = nil
    toks[#toks] = toks[#toks] .. "*"
  end
  return toks
end

function Engine.lexicon(_, list)
  if type(list) ~= "table" then error("lexicon: takes a list of phrases", 3) end
  local c = core.lexicon()
  for i, phrase in ipairs(list) do
    if type(phrase) ~= "string" then error(string.format("lexicon: phrase %d is not a string", i), 3) end
    local toks = M.phrase_tokens(phrase)
    if #toks > 0 and not (#toks == 1 and toks[1] == "*") then c:add(toks) end
  end
  return setmetatable({ c = c, phrases = list }, Lex)
end

function Lex:size() return self.c:size() end

---------------------------------------------------------------------------
-- Loading a rule pack

-- The file and line of the caller at level. Files under entente's home
-- are given relative to it (scripts/rules/50-cooperation.lua), so that
-- provenance stored in a database does not depend on where entente lives.
local function where(level)
  local info = debug.getinfo(level, "Sl")
  local src = (info and info.source or "?"):gsub("^@", "")
  local home = core.home:gsub("/+$", "") .. "/"
  if src:sub(1, #home) == home then src = src:sub(#home + 1) end
  return src, info and info.currentline or 0
end

-- Validate a rule spec; raises "file:line: rule 'name': ..." on the first problem.
function Engine:validate(spec, file, line)
  local function bad(msg)
    error(string.format("%s:%d: rule '%s': %s", file, line, tostring(spec.name or "?"), msg), 0)
  end
  if type(spec) ~= "table" then
    error(string.format("%s:%d: rule{...} takes a table", file, line), 0)
  end
  for k, v in pairs(spec) do
    local want = FIELDS[k]
    if not want then bad("unknown field '" .. tostring(k) .. "'") end
    local ok
    if want == "pattern" then
      ok = lpeg.type(v) == "pattern"
    elseif want == "gazetteer" then
      ok = getmetatable(v) == Gaz
    else
      ok = type(v) == want
    end
    if not ok then bad(string.format("field '%s' must be a %s, not a %s", k, want, type(v))) end
  end
  if not spec.name or spec.name == "" then bad("missing field 'name'") end
  local kinds = (spec.pattern and 1 or 0) + (spec.run and 1 or 0) + (spec.gazetteer and 1 or 0)
  if kinds ~= 1 then bad("needs exactly one of 'pattern', 'gazetteer' or 'run'") end
  if spec.pattern and not spec.action then bad("a pattern rule needs an 'action'") end
  if spec.run and spec.action then bad("a run rule has no 'action'") end
  if spec.phase and not PHASE_INDEX[spec.phase] then
    bad("unknown phase '" .. spec.phase .. "' (phases: " .. table.concat(M.PHASES, ", ") .. ")")
  end
  if spec.overlap and spec.overlap ~= "priority" and spec.overlap ~= "keep" then
    bad("overlap must be 'priority' or 'keep'")
  end
  for t, n in pairs(spec.needs or {}) do
    if type(t) ~= "string" or math.type(n) ~= "integer" or n < 1 then
      bad("needs maps mention types to counts, e.g. { COUNTRY = 2 }")
    end
  end
  for i, ex in ipairs(spec.examples or {}) do
    if type(ex) ~= "table" or type(ex[1]) ~= "string" then
      bad(string.format("example %d must be a table whose first item is the text", i))
    end
  end
  local prev = self.by_name[spec.name]
  if prev then bad(string.format("duplicate rule name (first at %s:%d)", prev.file, prev.line)) end
end

-- The environment of one rule file.
function Engine:file_env()
  local e = self
  local env
  local extra = {
    p = self.p, lpeg = lpeg, re = require("re"),
    fold = core.fold, tokenize = core.tokenize,
    stage_rank = STAGE_RANK, max_stage = M.max_stage,
    json_decode = core.json_decode,
  }
  --- rule{...}: declare a rule.
  extra.rule = function(spec)
    local f, line = where(3)
    e:validate(spec, f, line)
    local r = {}
    for k, v in pairs(spec) do r[k] = v end
    r.file, r.line = f, line
    r.phase = r.phase or (r.run and "document" or "entities")
    r.priority = r.priority or 0
    r.overlap = r.overlap or "priority"
    r.budget = r.budget or e.budget
    if r.pattern then
      r.compiled = lpeg.Ct(r.pattern) * lpeg.Cp() -- anchored, for traces
      r.search = e.p.search(r.pattern)           -- scanning, for runs
      r.first = e.p.first_set(r.pattern)         -- where it can start, when known
    end
    if r.needs then
      r.needs_ids = {}
      for t, n in pairs(r.needs) do r.needs_ids[#r.needs_ids + 1] = { e:type_id(t), n, t } end
      table.sort(r.needs_ids, function(a, b) return a[1] < b[1] end)
    end
    if r.supersedes then
      r.supersedes_ids = {}
      for _, t in ipairs(r.supersedes) do r.supersedes_ids[#r.supersedes_ids + 1] = e:type_id(t) end
    end
    e.rules[#e.rules + 1] = r
    e.by_name[r.name] = r
    local list = e.by_phase[r.phase]
    list[#list + 1] = r
    return r
  end
  --- lexicon{phrases}: a cue lexicon (matched with d:cues).
  -- (not a tail call: errors name the rule file's line, two levels up)
  extra.lexicon = function(list) return (e:lexicon(list)) end
  --- gazetteer"name": the named gazetteer, shared by every file of the pack.
  extra.gazetteer = function(name)
    if type(name) ~= "string" then error("gazetteer: name must be a string", 2) end
    return e:gazetteer(name)
  end
  --- tsv"file.tsv": rows of a data file in the pack's data folder.
  extra.tsv = function(name)
    if type(name) ~= "string" or name:find("%.%.") or name:find("^/") then
      error("tsv: a file name inside the data folder", 2)
    end
    local rows = e.data_cache[name]
    if not rows then
      local path = e.data_dir .. "/" .. name
      rows = M.read_tsv(path)
      e.data_cache[name] = rows
      e.files[#e.files + 1] = { path = path, hash = core.hash(read_file(path)) }
    end
    return rows
  end
  --- iso_countries(): ISO 3166-1 entries from Debian's iso-codes.
  extra.iso_countries = function()
    local path = core.iso_codes_dir .. "/iso_3166-1.json"
    local text, err = read_file(path)
    if not text then error("iso-codes: " .. tostring(err), 2) end
    local t = assert(core.json_decode(text))
    e.files[#e.files + 1] = { path = path, hash = core.hash(text) }
    return t["3166-1"]
  end
  --- include"name": a library file of the pack (rules/lib/name.lua), loaded once.
  extra.include = function(name)
    if type(name) ~= "string" or not name:match("^[%w_%-]+$") then
      error("include: a library name like 'sectors'", 2)
    end
    if e.libs[name] == nil then
      local path = e.rules_dir .. "/lib/" .. name .. ".lua"
      local chunk, lerr = sandbox.loadfile(path, e:file_env())
      if not chunk then error(lerr, 0) end
      local src = read_file(path)
      e.files[#e.files + 1] = { path = path, hash = core.hash(src) }
      e.libs[name] = chunk() or true
    end
    return e.libs[name]
  end
  env = sandbox.env({ extra = extra })
  return env
end

--- Load every *.lua file of the rules folder (or the given files). Returns
-- true, or nil and a list of messages, each naming the file and line.
function Engine:load(files)
  local list = files
  if not list then
    list = {}
    local dir = self.rules_dir
    if core.filetype(dir) ~= "directory" then return nil, { dir .. ": no such rules folder" } end
    for _, name in ipairs(M.list_lua(dir)) do list[#list + 1] = dir .. "/" .. name end
  end
  local errors = {}
  for _, path in ipairs(list) do
    local src, rerr = read_file(path)
    if not src then
      errors[#errors + 1] = rerr
    else
      self.files[#self.files + 1] = { path = path, hash = core.hash(src) }
      local chunk, lerr = sandbox.loadfile(path, self:file_env())
      if not chunk then
        errors[#errors + 1] = lerr
      else
        local ok, err = pcall(chunk)
        if not ok then errors[#errors + 1] = tostring(err) end
      end
    end
  end
  if #errors > 0 then return nil, errors end
  return true
end

--- File names *.lua in a folder, sorted (a folder listing through a
-- temporary file is avoided: the C side lists it).
function M.list_lua(dir)
  local names = core.listdir(dir)
  local out = {}
  for _, n in ipairs(names) do
    if n:match("%.lua$") and not n:match("^%.") and core.filetype(dir .. "/" .. n) == "file" then
      out[#out + 1] = n
    end
  end
  table.sort(out)
  return out
end

--- A hash over every file the pack read (rules, libraries, data), and a
-- manifest (files and rules) for the rulepacks table.
function Engine:pack_hash()
  local parts, files = {}, {}
  table.sort(self.files, function(a, b) return a.path < b.path end)
  for _, f in ipairs(self.files) do
    parts[#parts + 1] = f.path:match("[^/]*$") .. "=" .. f.hash
    files[#files + 1] = { file = f.path:match("[^/]*$"), hash = f.hash }
  end
  local rules = {}
  for _, r in ipairs(self.rules) do
    rules[#rules + 1] = { name = r.name, phase = r.phase, file = r.file:match("[^/]*$"), line = r.line }
  end
  local manifest = json.encode({ files = json.array(files), rules = json.array(rules) })
  return core.hash(table.concat(parts, "\n")), manifest
end

---------------------------------------------------------------------------
-- Documents being processed

local Doc = {}
Doc.__index = Doc
M.Doc = Doc

local Sent = {}

function Engine:new_doc(doc)
  local d = setmetatable({
    engine = self, doc = doc, text = doc.text, name = doc.name, date = doc.date,
    mlist = {},       -- id -> mention (the matcher indexes ids)
    relations = {},
    failures = {},
    blockers = {},    -- type id -> spans in which that type is superseded
    focus = {},       -- free for rules: e.g. the pair of countries in focus
    words_cache = {}, -- span -> d:words table
    subjects = {}, sent_starts = {}, sent_stops = {}, -- sentence texts and spans, filled as rules ask
    rule = nil,       -- the rule running now
  }, Doc)
  return d
end

--- d:cues(lexicon, a, b) -> h, starts: for the tokens inside [a, b) (numbered as
-- in d:words), h[i] is the index of the last token of the lexicon phrase
-- that matches at token i, or nil; starts lists those i in order.
function Doc:cues(lex, a, b)
  if getmetatable(lex) ~= Lex then error("cues: a lexicon from lexicon{...}", 2) end
  return self.engine.matcher:lexicon(lex.c, a, b)
end

--- d:cues_many(list, a, b) -> H, S: d:cues for each lexicon of a list over
-- one span, in one call: H[k] and S[k] are lexicon k's h and starts, and
-- are there only when it matches somewhere in the span (read-only).
function Doc:cues_many(list, a, b)
  -- the items are checked in C: a lexicon's userdata, or its table (field c)
  return self.engine.matcher:lexicons(list, a, b)
end

-- The sentence (index, start, stop) covering an offset.
function Doc:sentence_of(offset)
  local m = self.engine.matcher
  if self.live then return m:sentence_of(offset) end
  local s = self.doc:sentence_at(offset)
  if s then return s.index, s.start, s.stop end
  return nil
end

function Doc:slice(a, b) return self.doc:slice(a, b) end

--- d:words(a, b) -> {words, starts, stops}: the folded words of the tokens
-- inside [a, b) with their byte spans. Made in C from the tokens folded
-- once per document, and kept for the document: rules that ask again for
-- the same span get the same table (treat it as read-only).
function Doc:words(a, b)
  local key = a * 4294967296 + b
  local w = self.words_cache[key]
  if not w then
    w = self.engine.matcher:words(a, b)
    self.words_cache[key] = w
  end
  return w
end
--- d:byte_positions(set) -> the 1-based positions in d.text of the bytes
-- that occur in the string set (made in C, kept per document and set;
-- read-only). For rules that scan the text with a Lua pattern that can only
-- start at some bytes: try it there, anchored, instead of with gmatch.
function Doc:byte_positions(set)
  local cache = self.byte_cache
  if not cache then cache = {}; self.byte_cache = cache end
  local list = cache[set]
  if not list then
    if type(set) ~= "string" then error("byte_positions: set must be a string", 2) end
    list = core.byte_positions(self.text, set)
    cache[set] = list
  end
  return list
end

--- d:gmatch_at(set, pat) -> iterator: d.text:gmatch(pat), with pat tried
-- only at the bytes of the string set (or at the 1-based positions of a
-- list): the same matches whenever every match of pat starts at one of
-- them. Lua's gmatch runs its pattern machinery at every byte of the text
-- (hundreds of instructions each); this runs it, anchored, at the
-- candidates only.
function Doc:gmatch_at(set, pat)
  if type(pat) ~= "string" then error("gmatch_at: pattern must be a string", 2) end
  local text, anchored = self.text, "^" .. pat
  local cands = type(set) == "table" and set or self:byte_positions(set)
  local k, pos = 1, 1
  local step
  -- the captures of a match at candidate c, else on to the next candidate
  -- (a tail call: no table per candidate)
  local function after(c, a, b, ...)
    if a then
      pos = b >= a and b + 1 or c + 1
      if select("#", ...) == 0 then return text:sub(a, b) end
      return ...
    end
    return step()
  end
  step = function()
    while cands[k] do
      local c = cands[k]
      k = k + 1
      if c >= pos then return after(c, text:find(anchored, c)) end
    end
    return nil
  end
  return step
end

-- A sentence as rules see it: a table holding start, stop and index (the
-- fields rules read most), reading anything else from the C sentence
-- (text, flags, ntokens, tokens()). Made once per document.
local SentProxy = {}
SentProxy.__index = function(t, k)
  local c = rawget(t, "_c")
  local v = c[k]
  if type(v) == "function" then
    if k == "tokens" then
      -- kept: several rules ask for the same sentence's tokens
      return function()
        local toks = rawget(t, "_tokens")
        if not toks then toks = c:tokens(); rawset(t, "_tokens", toks) end
        return toks
      end
    end
    return function(_, ...) return v(c, ...) end
  end
  return v
end
SentProxy.__len = function(t) return #rawget(t, "_c") end
SentProxy.__tostring = function(t) return tostring(rawget(t, "_c")) end

--- d:sentences() -> iterator over the document's sentences (each with
-- start, stop, index, text, tokens() ... as the C sentences have).
function Doc:sentences()
  local list = self.sent_list
  if not list then
    list = {}
    for c in self.doc:sentences() do
      list[#list + 1] = setmetatable({ start = c.start, stop = c.stop, index = c.index, _c = c },
        SentProxy)
    end
    self.sent_list = list
  end
  local i = 0
  return function()
    i = i + 1
    return list[i]
  end
end

--- d:mention{type=, start=, stop=, key=, name=, attrs=, score=}: add a
-- mention. Returns it, or nil when the overlap policy keeps a better one.
function Doc:mention(spec)
  if type(spec) ~= "table" then error("mention: takes a table", 2) end
  local t, a, b = spec.type, spec.start, spec.stop
  if type(t) ~= "string" then error("mention: 'type' must be a string", 2) end
  if math.type(a) ~= "integer" or math.type(b) ~= "integer" or a < 0 or b < a or b > #self.text then
    error(string.format("mention: bad span [%s, %s)", tostring(a), tostring(b)), 2)
  end
  local e = self.engine
  local tid = e:type_id(t)
  local rule = self.rule or { name = "(api)", file = "?", line = 0, priority = 0, overlap = "keep" }
  -- superseded here?
  local blockers = self.blockers[tid]
  if blockers then
    for _, span in ipairs(blockers) do
      if span[1] <= a and b <= span[2] and not (span[1] == a and span[2] == b) then return nil end
    end
  end
  local m = {
    type = t, start = a, stop = b, key = spec.key, name = spec.name, score = spec.score or 1.0,
    attrs = spec.attrs or {}, text = self.text:sub(a + 1, b),
    rule = rule.name, file = rule.file, line = rule.line, priority = spec.priority or rule.priority,
  }
  if m.key == nil and (t == "PERSON" or t == "ORG") then m.key = core.fold(m.text) end
  if rule.overlap ~= "keep" then
    -- the overlapping mentions of the type: one that wins keeps this one
    -- out, the others give way (engine/lua_match.c)
    local losers = e.matcher:contest(tid, a, b, m.priority)
    if not losers then return nil end
    for _, id in ipairs(losers) do self:remove(self.mlist[id]) end
  end
  m.id = #self.mlist + 1
  self.mlist[m.id] = m
  m.sent = self:sentence_of(a)
  e.matcher:add(tid, a, b, m.id)
  if rule.supersedes_ids then
    for _, sid in ipairs(rule.supersedes_ids) do
      self.blockers[sid] = self.blockers[sid] or {}
      table.insert(self.blockers[sid], { a, b })
      for _, id in ipairs(e.matcher:within(sid, a, b)) do
        local o = self.mlist[id]
        if not (o.start == a and o.stop == b) then self:remove(o) end
      end
    end
  end
  return m
end

--- d:remove(m): take a mention out (it stays in memory, marked removed).
function Doc:remove(m)
  if m and not m.removed then
    m.removed = true
    self.engine.matcher:remove(self.engine:type_id(m.type), m.id)
  end
end

-- Type ids of a list of type names (unknown names dropped), kept per
-- engine by the names: rules often write the list in the call itself
-- ({ "PERSON", "ORG" }), a new table each time.
local function type_ids(e, list)
  local n = #list
  local key = n == 1 and list[1] or n == 2 and (list[1] .. "\0" .. list[2]) or table.concat(list, "\0")
  local cache = e.type_ids_cache
  local ids = cache[key]
  if not ids or ids.n ~= #e.type_names then
    ids = { n = #e.type_names }
    for _, t in ipairs(list) do ids[#ids + 1] = e.types[t] end
    cache[key] = ids
  end
  return ids
end

--- d:mentions{type=, sentence=, within={a, b}, key=} -> list in text order.
-- The Matcher gathers and orders them in C (engine/lua_match.c).
function Doc:mentions(filter)
  local e = self.engine
  local a, b, sent, tids = 0, #self.text, nil, nil
  if filter then
    local w = filter.within
    if w then a, b = w[1], w[2] end
    sent = filter.sentence
    local t = filter.type
    if type(t) == "string" then
      tids = e.types[t]
      if not tids then return {} end
    elseif t then
      tids = type_ids(e, t)
    end
  end
  if a < 0 then a = 0 end
  if b > #self.text then b = #self.text end
  if b < a then return {} end
  local out
  if self.live then
    out = e.matcher:mentions(tids or type_ids(e, e.type_names), a, b, sent)
  else
    -- after process (the Matcher has let the document go): from the list
    local want
    if tids then
      want = {}
      if type(tids) == "table" then
        for _, id in ipairs(tids) do want[e.type_names[id]] = true end
      else
        want[e.type_names[tids]] = true
      end
    end
    if sent then
      local sv = self.doc:sentence(sent)
      if not sv then return {} end
      a, b = math.max(a, sv.start), math.min(b, sv.stop)
    end
    out = {}
    for _, m in ipairs(self.mlist) do
      if not m.removed and (not want or want[m.type]) and m.start >= a and m.start < b
        and m.stop <= b then
        out[#out + 1] = m
      end
    end
    out = core.sort_mentions(out)
  end
  local key = filter and filter.key
  if key ~= nil then
    local kept = {}
    for _, m in ipairs(out) do
      if m.key == key then kept[#kept + 1] = m end
    end
    out = kept
  end
  return out
end

--- d:mention_at(offset, type) -> the mention of the type (a name or a list
-- of names) that starts at offset, the longest when several do; nil when
-- none does. One index lookup per type (in C).
function Doc:mention_at(offset, t)
  local e = self.engine
  local tids
  if type(t) == "string" then
    tids = e.types[t]
    if not tids then return nil end
  elseif type(t) == "table" then
    tids = type_ids(e, t)
  else
    error("mention_at: type must be a name or a list of names", 2)
  end
  if math.type(offset) ~= "integer" or offset < 0 then return nil end
  if self.live then return e.matcher:mention_at(tids, offset) end
  -- after process: the first in text order from offset on, if it starts there
  local m = self:mentions { type = t, within = { offset, #self.text } }[1]
  if m and m.start == offset then return m end
  return nil
end

--- d:relate(type, args, attrs): add a relation. args maps roles to a
-- mention, a key string, or a list of them. attrs may hold stage, cameo,
-- date, score, subject, thread and anything else (kept as JSON).
function Doc:relate(rtype, args, attrs, span)
  if type(rtype) ~= "string" then error("relate: type must be a string", 2) end
  if type(args) ~= "table" then error("relate: args must be a table of roles", 2) end
  attrs = attrs or {}
  local rule = self.rule or { name = "(api)", file = "?", line = 0 }
  local a, b
  if span then a, b = span[1], span[2] end
  if not a then a, b = 0, #self.text end
  local r = {
    type = rtype, args = args, attrs = attrs, stage = attrs.stage, cameo = attrs.cameo,
    date = attrs.date, score = attrs.score or 1.0, start = a, stop = b,
    rule = rule.name, file = rule.file, line = rule.line,
  }
  r.sent = self:sentence_of(a)
  self.relations[#self.relations + 1] = r
  return r
end

--- d:relations{type=} -> list
function Doc:relations_of(filter)
  local out = {}
  for _, r in ipairs(self.relations) do
    if not r.removed and (not filter or not filter.type or r.type == filter.type) then out[#out + 1] = r end
  end
  return out
end

--- The key of an argument value (a mention, a string, or {key=}).
function M.arg_key(v)
  if type(v) == "string" then return v end
  if type(v) == "table" then return v.key end
  return nil
end

---------------------------------------------------------------------------
-- Sentence views given to pattern and gazetteer actions. They expire when
-- the rule moves on: keeping one and using it later raises.

Sent.__index = function(s, k)
  local v = rawget(Sent, k)
  if v then return v end
  if rawget(s, "_expired") then error("expired sentence", 2) end
  return nil
end

local function check_live(s)
  if rawget(s, "_expired") then error("expired sentence", 3) end
end

function Sent.mention(s, spec)
  check_live(s)
  return s.d:mention(spec)
end

function Sent.relate(s, rtype, args, attrs)
  check_live(s)
  local span = s.match and { s.match.start, s.match.stop } or { s.start, s.stop }
  return s.d:relate(rtype, args, attrs, span)
end

function Sent.mentions(s, filter)
  check_live(s)
  local f = {}
  for k, v in pairs(filter or {}) do f[k] = v end
  f.sentence = s.index
  return s.d:mentions(f)
end

function Sent.slice(s, a, b)
  check_live(s)
  return s.d.text:sub(a + 1, b)
end

---------------------------------------------------------------------------
-- Running rules

-- Run fn(...) under the rule's instruction and memory budgets. Returns
-- true, or false and the error message. The hook and limit live in C
-- (core.guarded), so they are gone before the engine runs again.
function Engine:guarded(rule, fn, ...)
  local ok, err = core.guarded(rule.budget or self.budget, self.memory, fn, ...)
  return ok, err
end

local function failure(d, rule, offset, err)
  d.failures[#d.failures + 1] = {
    rule = rule.name, file = rule.file, line = rule.line, offset = offset or 0,
    message = tostring(err),
  }
end

-- Does the sentence have what the rule needs?
local function passes(e, rule, s0, s1)
  for _, need in ipairs(rule.needs_ids or {}) do
    if e.matcher:count(need[1], s0, s1) < need[2] then return false, need end
  end
  return true
end

-- The match table of a match of rule's pattern over [m_start, m_end).
local function finish_match(e, caps, m_start, m_end)
  m_start = caps._start and (caps._start) or m_start
  -- the match starts at its first token, after any whitespace
  local tk = e.matcher:token_at(m_start)
  if tk then
    local ts = e.matcher:token(tk)
    if ts < m_end then m_start = ts end
  end
  caps._start = nil
  caps.start, caps.stop = m_start, m_end
  caps.text = e.matcher:range_text(m_start, m_end)
  return caps
end

-- Apply a pattern rule to the current range; calls found(m) for each
-- match. Matches do not overlap: the search resumes where a match ended.
-- Without a trace the search loop runs inside LPeg (one lpeg.match call
-- per match); with trace(from, furthest) every token start is tried from
-- Lua so that the furthest point of each failed attempt can be reported.
local function scan(e, rule, subject, base, found, trace)
  if not trace and not rule.first then
    local pos, n = 1, #subject
    while pos <= n do
      local s_pos, caps, e_pos = lpeg.match(rule.search, subject, pos)
      if not s_pos then break end
      if caps._start then caps._start = base + caps._start - 1 end
      found(finish_match(e, caps, base + s_pos - 1, base + e_pos - 1))
      if e_pos > s_pos then
        pos = e_pos
      else -- an empty match: move past the token it sits on
        local k = e.matcher:token_at(base + s_pos - 1)
        if not k then break end
        local _, t1 = e.matcher:token(k)
        pos = t1 - base + 1
      end
    end
    return
  end
  -- the anchored pattern at each candidate token: those it can start with
  -- (matcher:starts, in C), or every token when tracing
  local starts
  if trace then
    starts = {}
    local first, stop = e.matcher:token_range()
    for k = first, stop - 1 do starts[#starts + 1] = (e.matcher:token(k)) end
  else
    starts = e.matcher:starts(rule.first)
  end
  local last = base
  for _, t0 in ipairs(starts) do
    if t0 >= last then
      if trace then e.matcher:furthest(true) end
      local caps, pos = lpeg.match(rule.compiled, subject, t0 - base + 1)
      if caps then
        local m_end = base + pos - 1
        if caps._start then caps._start = base + caps._start - 1 end
        found(finish_match(e, caps, t0, m_end))
        if m_end > t0 then last = m_end end
      elseif trace then
        trace(t0, e.matcher:furthest())
      end
    end
  end
end

-- The view of sentence i given to actions (see Sent).
local function sentence_view(d, i, s0, s1, subject)
  return setmetatable({ d = d, index = i, start = s0, stop = s1, text = subject, doc = d }, Sent)
end

function Engine:run_rule(rule, d)
  d.rule = rule
  local e = self
  local doc = d.doc
  if rule.run then
    local ok, err = self:guarded(rule, rule.run, d)
    if not ok then failure(d, rule, 0, err) end
    d.rule = nil
    return
  end
  local nsent = d.nsent
  if not nsent then nsent = doc:count_sentences(); d.nsent = nsent end
  local subjects, starts, stops = d.subjects, d.sent_starts, d.sent_stops
  local matcher = e.matcher
  local current = 0
  local ok, err = self:guarded(rule, function()
    for i = 1, nsent do
      -- sentence texts are copied out of C once per document, not per rule
      local subject, s0, s1 = subjects[i], starts[i], stops[i]
      if subject then
        matcher:sentence(i, true)
      else
        subject, s0, s1 = matcher:sentence(i)
        subjects[i], starts[i], stops[i] = subject, s0, s1
      end
      current = s0
      if passes(e, rule, s0, s1) then
        local sv -- the sentence view, made on the first match
        if rule.gazetteer then
          local hits = matcher:gazetteer(rule.gazetteer.g)
          for _, h in ipairs(hits) do
            current = h.start
            for _, v in ipairs(h.values) do
              local entry = rule.gazetteer.entries[v]
              local hit = { start = h.start, stop = h.stop, entry = entry,
                text = d.text:sub(h.start + 1, h.stop) }
              if rule.action then
                sv = sv or sentence_view(d, i, s0, s1, subject)
                sv.match = hit
                rule.action(hit, sv)
              else
                d:mention { type = entry.type, key = entry.key, name = entry.name,
                  attrs = entry.attrs and setmetatable({}, { __index = entry.attrs }) or nil,
                  start = h.start, stop = h.stop }
              end
            end
          end
        else
          scan(e, rule, subject, s0, function(m)
            current = m.start
            sv = sv or sentence_view(d, i, s0, s1, subject)
            sv.match = m
            rule.action(m, sv)
          end)
        end
        if sv then sv._expired = true end
      end
    end
  end)
  if not ok then failure(d, rule, current, err) end
  d.rule = nil
end

--- Run the whole pack over a Document. Returns the document context with
-- mentions (d.mlist), relations and failures.
function Engine:process(doc)
  local d = self:new_doc(doc)
  self.matcher:begin(doc, d.mlist)
  d.live = true -- the Matcher holds this document (d:sentence_of asks it)
  for _, ph in ipairs(M.PHASES) do
    for _, rule in ipairs(self.by_phase[ph]) do self:run_rule(rule, d) end
  end
  d.live = false
  self.matcher:finish()
  return d
end

---------------------------------------------------------------------------
-- Results for the store

-- The attributes of a mention or relation as JSON text for the store: its
-- entries (and a gazetteer proxy's defaults), without functions or skipped
-- keys, mentions given as their keys; nil when empty. In C when available
-- (core.json_setup), with the same output as this Lua version.
local function attrs_json_lua(t, skip)
  if not t then return nil end
  local copy, any = {}, false
  for k, v in pairs(t) do
    if not (skip and skip[k]) and type(v) ~= "function" then
      if type(v) == "table" and v.type and v.start then v = v.key or v.text end
      copy[k] = v
      any = true
    end
  end
  -- gazetteer attrs are read through a proxy: include its defaults
  local mt = getmetatable(t)
  if mt and type(mt.__index) == "table" then
    for k, v in pairs(mt.__index) do
      if copy[k] == nil and not (skip and skip[k]) then copy[k] = v; any = true end
    end
  end
  if not any then return nil end
  return json.encode(copy)
end
local attrs_json = json.attrs_c or attrs_json_lua
M.attrs_json, M.attrs_json_lua = attrs_json, attrs_json_lua

local REL_SKIP = { stage = true, cameo = true, date = true, score = true, thread = true }

--- The default thread key of a relation: its type, its entity keys sorted,
-- and its subject when it has one.
function M.thread_key(r)
  if r.attrs.thread then return r.attrs.thread end
  if not r.stage then return nil end
  local keys = {}
  for _, v in pairs(r.args) do
    if type(v) == "table" and not v.type and #v > 0 then
      for _, x in ipairs(v) do keys[#keys + 1] = M.arg_key(x) end
    else
      keys[#keys + 1] = M.arg_key(v)
    end
  end
  table.sort(keys)
  local k = r.type .. ":" .. table.concat(keys, "|")
  if r.attrs.subject then k = k .. ":" .. core.fold(tostring(r.attrs.subject)) end
  return k
end

--- The plain tables core.pack_result takes.
function Engine.result(_, d)
  local mentions, index = {}, {}
  local live = {}
  for _, m in ipairs(d.mlist) do
    if not m.removed then live[#live + 1] = m end
  end
  live = core.sort_mentions(live) -- start, longest first, id (in C)
  -- sentence bounds by index (mentions and relations know their sentence)
  local sstart, sstop = {}, {}
  for sv in d:sentences() do sstart[sv.index], sstop[sv.index] = sv.start, sv.stop end
  for i, m in ipairs(live) do
    index[m] = i
    local si = m.sent
    local s0, s1 = sstart[si or 0], sstop[si or 0]
    mentions[i] = {
      type = m.type, key = m.key, name = m.name or m.text, text = m.text,
      attrs = attrs_json(m.attrs), start = m.start, stop = m.stop,
      sent_start = s0 or m.start, sent_stop = s1 or m.stop, score = m.score,
      rule = m.rule, file = m.file, line = m.line,
    }
  end
  local relations = {}
  for _, r in ipairs(d.relations) do
    if not r.removed then
      local args = {}
      local roles = {}
      for role in pairs(r.args) do roles[#roles + 1] = role end
      table.sort(roles)
      for _, role in ipairs(roles) do
        local v = r.args[role]
        local list = (type(v) == "table" and not v.type and not v.key) and v or { v }
        for ord, x in ipairs(list) do
          local arg = { role = role, ord = ord - 1 }
          if type(x) == "table" and x.type and x.start then
            arg.mention = index[x]
            arg.type, arg.key = x.type, x.key
          elseif type(x) == "table" then
            arg.type, arg.key, arg.value = x.type, x.key, x.value
          else
            arg.value = tostring(x)
            arg.key = type(x) == "string" and x or nil
          end
          args[#args + 1] = arg
        end
      end
      local si = r.sent
      local s0, s1 = sstart[si or 0], sstop[si or 0]
      relations[#relations + 1] = {
        type = r.type, stage = r.stage, cameo = r.cameo, date = r.date,
        attrs = attrs_json(r.attrs, REL_SKIP), thread = M.thread_key(r),
        subject = r.attrs.subject and tostring(r.attrs.subject) or nil,
        start = r.start, stop = r.stop, sent_start = s0 or r.start, sent_stop = s1 or r.stop,
        score = r.score, rule = r.rule, file = r.file, line = r.line, args = args,
      }
    end
  end
  return { mentions = mentions, relations = relations, failures = d.failures }
end

---------------------------------------------------------------------------
-- Why a rule did or did not match: the near-miss view of explain --rule.

--- engine:trace(rule_name, doc) -> list of per-sentence records:
-- {index, start, stop, text, status = "matched"|"prefilter"|"no match",
--  matches = {{start, stop, text}}, need = {type, n, found},
--  furthest = offset, near = text matched before the pattern failed}
function Engine:trace(name, doc)
  local rule = self.by_name[name]
  if not rule then return nil, "no rule named '" .. name .. "'" end
  local e = self
  local out = {}
  local d = self:new_doc(doc)
  self.matcher:begin(doc, d.mlist)
  -- run every phase up to and including the rule's own, except the rule itself
  for _, ph in ipairs(M.PHASES) do
    if PHASE_INDEX[ph] > PHASE_INDEX[rule.phase] then break end
    for _, r in ipairs(self.by_phase[ph]) do
      if r == rule then break end
      self:run_rule(r, d)
    end
  end
  if rule.run then
    self.matcher:finish()
    return nil, "rule '" .. name .. "' is a run rule: it has no pattern to trace"
  end
  for i = 1, doc:count_sentences() do
    local subject, s0, s1 = e.matcher:sentence(i)
    local rec = { index = i, start = s0, stop = s1, text = subject, matches = {} }
    local ok, need = passes(e, rule, s0, s1)
    if not ok then
      rec.status = "prefilter"
      rec.need = { type = need[3], n = need[2], found = e.matcher:count(need[1], s0, s1) }
    elseif rule.gazetteer then
      for _, h in ipairs(e.matcher:gazetteer(rule.gazetteer.g)) do
        rec.matches[#rec.matches + 1] = { start = h.start, stop = h.stop,
          text = d.text:sub(h.start + 1, h.stop) }
      end
      rec.status = #rec.matches > 0 and "matched" or "no match"
    else
      local best_from, best_to, best_len = nil, s0, 0
      d.rule = rule
      scan(e, rule, subject, s0, function(m)
        rec.matches[#rec.matches + 1] = { start = m.start, stop = m.stop, text = m.text }
      end, function(from, to)
        -- the attempt that matched the longest prefix of the pattern
        if to - from > best_len then best_from, best_to, best_len = from, to, to - from end
      end)
      d.rule = nil
      rec.status = #rec.matches > 0 and "matched" or "no match"
      if best_from and best_to > best_from then
        rec.from, rec.furthest = best_from, best_to
        rec.near = d.text:sub(best_from + 1, best_to)
        local k = e.matcher:token_at(best_to)
        if k then
          local a, b = e.matcher:token(k)
          if a < s1 then rec.next = d.text:sub(a + 1, b) end
        end
      end
    end
    out[#out + 1] = rec
  end
  self.matcher:finish()
  return out
end

return M
