--- entente.report: what every report shares.
--
-- A report script does three things: parse its arguments (report.start),
-- read facts from the store, and fill a Report with sections of rows that
-- cite their evidence (rep:section, rep:cite_pick). The store does the
-- selecting and counting (report.where, report.tally_by, report.groups:
-- indexes and one-pass aggregates, so that a report over a million facts
-- takes seconds); Lua loads only the facts a row shows (report.each,
-- report.fetch), and a row cites the best few of its facts and counts the
-- rest. Rendering is the same for every report: Markdown, HTML (one
-- self-contained page, table of contents, sortable tables, an evidence
-- link on every row), CSV (RFC 4180) and JSON, each with an evidence
-- appendix that names the document (title, source, date) and the sentence
-- behind every claim. Output is a pure function of the store and the
-- arguments: rows are sorted on explicit keys and no clock is read.
--
-- Writes go through the io.open the script passes to rep:save, so the
-- sandbox of `entente run` checks every file against the -o path. A
-- section of one row per fact can be streamed: its rows are read from the
-- store and written a batch at a time (Report:section with `facts`).
local en = require "entente"
local core = require "entente.core"
local args = require "entente.args"
local csv = require "entente.csv"
local html = require "entente.html"
local json = require "entente.json"
local md = require "entente.md"

local M = {}

-------------------------------------------------------------------------------
-- Vocabulary

M.STAGES = { "intent", "talks", "framework", "contract", "delivery" }
local RANK = {}
for i, s in ipairs(M.STAGES) do RANK[s] = i end

--- The rank of a stage (intent 1 ... delivery 5; unknown or nil 0).
function M.stage_rank(s) return RANK[s] or 0 end

--- The further of two stages (nil when both are unknown).
function M.furthest(a, b)
  if M.stage_rank(b) > M.stage_rank(a) then return b end
  return a or b
end

M.STAGE_COLOURS = {
  intent = "#8c96a0", talks = "#3d8fd1", framework = "#7b5cc4",
  contract = "#d98a1c", delivery = "#2e9d57", none = "#c4c9cf",
}

--- Relation types that are cooperation between parties (the network's edges).
M.COOPERATION_TYPES = {
  COOPERATION = true, AGREEMENT = true, PROCUREMENT = true, TECH_TRANSFER = true,
  CO_PRODUCTION = true, MRO = true, TRAINING = true, TRADE = true, VISIT = true,
}

-------------------------------------------------------------------------------
-- A small JSON reader for the attrs columns (objects, arrays, strings,
-- numbers, true/false/null). Malformed text decodes to an empty object.

-- The reader keeps its text and position in upvalues (no closures per
-- call) and takes strings without escapes in one step: reports decode the
-- attributes of every fact they show.
local S, P = "", 1
local find, sub, byte = string.find, string.sub, string.byte
local ESC = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }

local function ws()
  local _, e = find(S, "^[ \t\r\n]*", P)
  P = e + 1
end

local function str()
  P = P + 1
  local _, e = find(S, '^[^"\\]*"', P) -- no escape before the closing quote
  if e then
    local v = sub(S, P, e - 1)
    P = e + 1
    return v
  end
  local out = {}
  while true do
    local c = sub(S, P, P)
    if c == "" then error("unterminated string") end
    if c == '"' then P = P + 1; break end
    if c == "\\" then
      local x = sub(S, P + 1, P + 1)
      if x == "u" then
        local cp = tonumber(sub(S, P + 2, P + 5), 16) or 0xFFFD
        if cp >= 0xD800 and cp <= 0xDBFF and sub(S, P + 6, P + 7) == "\\u" then
          local lo = tonumber(sub(S, P + 8, P + 11), 16) or 0
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
          P = P + 6
        end
        if cp >= 0xD800 and cp <= 0xDFFF then cp = 0xFFFD end
        out[#out + 1] = utf8.char(cp)
        P = P + 6
      else
        out[#out + 1] = ESC[x] or x
        P = P + 2
      end
    else
      local j = find(S, '["\\]', P) or #S + 1
      out[#out + 1] = sub(S, P, j - 1)
      P = j
    end
  end
  return table.concat(out)
end

local json_value
json_value = function()
  ws()
  local c = byte(S, P)
  if c == 123 then -- {
    local t = {}
    P = P + 1; ws()
    if byte(S, P) == 125 then P = P + 1; return t end
    while true do
      ws()
      if byte(S, P) ~= 34 then error("key expected") end
      local k = str()
      ws()
      if byte(S, P) ~= 58 then error("':' expected") end
      P = P + 1
      t[k] = json_value()
      ws()
      local d = byte(S, P)
      P = P + 1
      if d == 125 then return t end
      if d ~= 44 then error("',' expected") end
    end
  elseif c == 91 then -- [
    local t = json.array({})
    P = P + 1; ws()
    if byte(S, P) == 93 then P = P + 1; return t end
    while true do
      t[#t + 1] = json_value()
      ws()
      local d = byte(S, P)
      P = P + 1
      if d == 93 then return t end
      if d ~= 44 then error("',' expected") end
    end
  elseif c == 34 then
    return str()
  else
    local lit = S:match("^[%w%.%+%-]+", P)
    if not lit then error("value expected") end
    P = P + #lit
    if lit == "true" then return true elseif lit == "false" then return false end
    if lit == "null" then return nil end
    return tonumber(lit) or error("bad number")
  end
end

local function decode(s)
  if type(s) ~= "string" or s == "" then return {} end
  S, P = s, 1
  local ok, v = pcall(json_value)
  S = ""
  if ok and type(v) == "table" then return v end
  return {}
end
M.decode_json = decode

-------------------------------------------------------------------------------
-- Arguments

--- report.start(arg, spec) -> options, or nil after printing --help.
-- spec: name, description, formats (first is the default), options(p),
-- evidence (true: the report takes --evidence N, default report.EVIDENCE).
function M.start(argv, spec)
  if spec.evidence == true then spec.evidence = M.EVIDENCE end
  local a, help = args.parse(spec, argv)
  if not a then
    io.stdout:write(help)
    return nil
  end
  if a.db then en.set_db(a.db) end
  a.report = spec.name
  return a
end

-------------------------------------------------------------------------------
-- Reading the store

local function iso(d)
  if type(d) == "string" and d:match("^%d%d%d%d") then return d end
  return nil
end
M.iso_date = iso

-- Country names from Debian iso-codes (what the engine's gazetteer reads):
-- key -> display name (common name, else name), and folded names -> key.
M.ISO_CODES = "/usr/share/iso-codes/json/iso_3166-1.json"
local iso_names, iso_keys
local function load_iso()
  if iso_names then return end
  iso_names, iso_keys = {}, {}
  local f = io.open(M.ISO_CODES, "rb")
  if not f then return end
  local data = decode(f:read("a"))
  f:close()
  for _, c in ipairs(data["3166-1"] or {}) do
    if type(c.alpha_3) == "string" then
      iso_names[c.alpha_3] = c.common_name or c.name
      for _, n in ipairs { c.name, c.common_name, c.official_name } do
        if type(n) == "string" then iso_keys[en.fold(n)] = iso_keys[en.fold(n)] or c.alpha_3 end
      end
    end
  end
end

local country_names
--- The display name of a country key: its iso-codes common name or name,
-- else the name in the entities table, else the key.
function M.country_name(key)
  if not country_names then
    load_iso()
    country_names = {}
    for r in en.rows("SELECT key, name FROM entities WHERE type = 'COUNTRY' ORDER BY id") do
      country_names[r.key] = r.name
    end
  end
  return iso_names[key] or country_names[key] or key
end

--- Resolve --country: an alpha-3 code, or a name that iso-codes or the
-- store knows (an alias found in the articles: "Turkey", "Malaysian").
-- Raises when neither knows it.
function M.resolve_country(s)
  if type(s) ~= "string" or s == "" then error("a country is required (an alpha-3 code or a name)", 2) end
  load_iso()
  local up = s:upper()
  if up:match("^%u%u%u$") then
    if iso_names[up] then return up end
    local r = en.sql("SELECT key FROM entities WHERE type = 'COUNTRY' AND key = ?", up)[1]
      or en.sql("SELECT key FROM relation_args WHERE key = ? LIMIT 1", up)[1]
    if r then return r.key end
  end
  local f = en.fold(s)
  if iso_keys[f] then return iso_keys[f] end
  for r in en.rows("SELECT key, name FROM entities WHERE type = 'COUNTRY' ORDER BY key") do
    if r.name and en.fold(r.name) == f then return r.key end
  end
  local r = en.sql("SELECT e.key FROM entity_aliases a JOIN entities e ON e.id = a.entity_id " ..
    "WHERE e.type = 'COUNTRY' AND a.folded = ? ORDER BY e.key LIMIT 1", f)[1]
  if r then return r.key end
  error("no country '" .. s .. "' (give an alpha-3 code such as MYS, or a name)", 2)
end

-------------------------------------------------------------------------------
-- Facts in SQL
--
-- Reports select, group and count facts in the store (indexes, tally())
-- and load into Lua only the facts they show. The pieces below are SQL
-- over relations `r` and documents `d` (report.FACTS_FROM, or the
-- documents table itself where a query needs the text).

--- The narrow copy of documents that selections in date order join (date,
-- source): read once per query instead of a wide row per fact, which
-- pays when a query sorts most facts (timeline, events); where a query
-- looks up only the facts it selected, joining documents itself is
-- faster. Use as "WITH " .. report.DOCS_CTE .. " SELECT ... FROM " ..
-- report.FACTS_FROM.
M.DOCS_CTE = "dd AS MATERIALIZED (SELECT id, date, source FROM documents)"
M.FACTS_FROM = "relations r JOIN dd AS d ON d.id = r.doc_id"

--- How many evidence sentences a row cites by default (--evidence).
M.EVIDENCE = 3
--- How many rows the reports that list every fact (timeline, evidence,
-- events) write by default (--limit; 0 for all).
M.LIMIT = 5000

local function iso_sql(col)
  return ("CASE WHEN typeof(%s) = 'text' AND %s GLOB '[0-9][0-9][0-9][0-9]*' THEN %s END")
    :format(col, col, col)
end
--- The date of a fact: its own ISO date, else its document's.
M.DATE_SQL = "coalesce(" .. iso_sql("r.date") .. ", " .. iso_sql("d.date") .. ")"
--- The ISO date of its document (nil when not ISO).
M.DOC_DATE_SQL = iso_sql("d.date")
--- Facts in date order, those without a date last, then by id.
M.DATE_ORDER = "CASE WHEN " .. M.DATE_SQL .. " IS NULL THEN 1 ELSE 0 END, " .. M.DATE_SQL .. ", r.id"

--- SQL for the rank of a stage column (intent 1 ... delivery 5, else 0).
function M.stage_rank_sql(col)
  local parts = { "CASE " .. col }
  for i, s in ipairs(M.STAGES) do parts[#parts + 1] = "WHEN '" .. s .. "' THEN " .. i end
  parts[#parts + 1] = "ELSE 0 END"
  return table.concat(parts, " ")
end
M.STAGE_RANK_SQL = M.stage_rank_sql("r.stage")

--- The stage of a rank (nil for 0).
function M.stage_of_rank(n) return M.STAGES[n] end

local ATTRS = "CASE WHEN json_valid(r.attrs) THEN r.attrs ELSE '{}' END"
--- A table-valued SQL expression (alias it) over the sectors of relation
-- r, as report.sectors reads them: attrs.sectors (a list or one string),
-- else attrs.sector. Relations without either have no rows.
M.SECTORS_SQL = ("json_each(%s, CASE WHEN json_type(%s, '$.sectors') IN ('array', 'text') "
  .. "THEN '$.sectors' WHEN json_type(%s, '$.sectors') IS NULL AND json_type(%s, '$.sector') = "
  .. "'text' THEN '$.sector' ELSE '$.none' END)"):format(ATTRS, ATTRS, ATTRS, ATTRS)
--- A cheap test that a relation may have sectors (before SECTORS_SQL).
M.HAS_SECTORS_SQL = "instr(r.attrs, '\"sector') > 0"
--- The countries of relation r joined with "–" in key order ("ITA–MYS"),
-- as report.countries gives them; NULL when it names none.
M.COUNTRIES_SQL = "(SELECT group_concat(country, '–') FROM (SELECT country FROM relation_countries "
  .. "WHERE relation_id = r.id ORDER BY country))"

--- SQL for the evidence a group of relations cites: the aggregate pick()
-- (registered by the engine) chooses the n best by score, then one per
-- source before a second from any, then by id; n <= 0 keeps all. Gives
-- keys such as "r12 r40".
function M.pick_sql(n, source)
  return ("pick(%d, r.score, %s, r.id)"):format(math.tointeger(n) or M.EVIDENCE,
    source or "coalesce(d.source, d.id)")
end

--- SQL for the aggregate tally() (registered by the engine), which groups
-- facts r (of documents d) by `key` in one pass (a hash table; SQLite's
-- GROUP BY would sort every row first): per key the facts, their documents
-- (sources), the furthest stage, the first and last dates, the distinct
-- values of `label` (SQL, may be "NULL") and the evidence pick of n.
-- `source` (default the document's) and `when` (default the fact's date;
-- "NULL" for none) are SQL too. Read its result with report.tally.
function M.tally_sql(key, label, n, source, when)
  return ("tally(%s, r.doc_id, %s, %s, %d, r.score, %s, r.id, %s)"):format(key, M.STAGE_RANK_SQL,
    label or "NULL", math.tointeger(n) or M.EVIDENCE, source or "coalesce(d.source, d.id)",
    when or M.DATE_SQL)
end

--- report.tally(sql, ...) -> the groups of a query whose one column is a
-- tally (report.tally_sql), in key order: {key, facts, sources, stage (a
-- stage name), first (the smallest fact id), since and until (the first
-- and last dates), labels (sorted), pick}.
function M.tally(sql, ...)
  local row = en.sql(sql, ...)[1]
  local _, v = next(row or {})
  local groups = decode(v or "[]")
  for _, g in ipairs(groups) do g.stage = M.STAGES[g.stage] end
  return groups
end

--- report.tally_by(key, f [, opts]) -> report.tally of the facts that pass
-- filter f (report.where), grouped by the SQL `key` over r (relations) and
-- d (documents). opts.join: more FROM items (", json_each(...) AS s" is
-- written as report.SECTORS_SQL .. " AS s"); opts.label: SQL for labels;
-- opts.evidence: the cap.
function M.tally_by(key, f, opts)
  opts = opts or {}
  local w, p = M.where(f)
  return M.tally("SELECT " .. M.tally_sql(key, opts.label, opts.evidence)
    .. " FROM relations r JOIN documents d ON d.id = r.doc_id" .. (opts.join and (", " .. opts.join) or "")
    .. " WHERE " .. w, table.unpack(p))
end

local function placeholders(n) return ("?"):rep(n, ", ") end

local function list_of(t)
  if type(t) == "string" then t = { t } end
  if t[1] == nil then t = M.sorted(t) end -- a set
  return t
end

--- report.where(f) -> SQL condition, parameters: which relations a report
-- takes. f: types (a list or set of relation types), not_types, involving
-- (a country key), both ({A, B}: both countries), since and until (ISO
-- dates on the fact's date; facts without one are left out), min_score,
-- sector (case-insensitive), thread (a thread id), ids (a list), sql
-- (more SQL, with its parameters in sql_params).
function M.where(f)
  f = f or {}
  local w, p = {}, {}
  local function add(sql, ...)
    w[#w + 1] = sql
    for i = 1, select("#", ...) do p[#p + 1] = (select(i, ...)) end
  end
  -- (a list of many types selects most facts: `+r.type` keeps SQLite from
  -- the type index, whose random reads cost twice a scan in id order)
  if f.types then
    local l = list_of(f.types)
    add((#l > 2 and "+" or "") .. "r.type IN (" .. placeholders(#l) .. ")", table.unpack(l))
  end
  if f.not_types then
    local l = list_of(f.not_types)
    add("+r.type NOT IN (" .. placeholders(#l) .. ")", table.unpack(l))
  end
  if f.involving then
    add("r.id IN (SELECT relation_id FROM relation_countries WHERE country = ?)", f.involving)
  end
  if f.both then
    add("r.id IN (SELECT a.relation_id FROM relation_countries a JOIN relation_countries b " ..
      "ON b.relation_id = a.relation_id AND b.country = ? WHERE a.country = ?)", f.both[2], f.both[1])
  end
  if f.since then add(M.DATE_SQL .. " >= ?", f.since) end
  if f["until"] then add("substr(" .. M.DATE_SQL .. ", 1, ?) <= ?", #f["until"], f["until"]) end
  if f.min_score then add("r.score >= ?", f.min_score) end
  if f.sector then
    add(M.HAS_SECTORS_SQL .. " AND EXISTS (SELECT 1 FROM " .. M.SECTORS_SQL ..
      " AS s WHERE lower(s.value) = lower(?))", f.sector)
  end
  if f.thread then add("r.thread_id = ?", f.thread) end
  if f.ids then add("r.id IN (SELECT value FROM json_each(?))", M.id_list(f.ids)) end
  if f.sql then add("(" .. f.sql .. ")", table.unpack(f.sql_params or {})) end
  if #w == 0 then return "1", p end
  return table.concat(w, " AND "), p
end

--- A JSON array of integer ids, for `IN (SELECT value FROM json_each(?))`.
function M.id_list(ids)
  local t = {}
  for i, id in ipairs(ids) do t[i] = string.format("%d", id) end
  return "[" .. table.concat(t, ",") .. "]"
end

-- A count of the relations that pass a filter.
function M.count(f)
  local w, p = M.where(f)
  if w:find("%f[%w_]d%.") then
    return en.sql("WITH " .. M.DOCS_CTE .. " SELECT count(*) AS n FROM " .. M.FACTS_FROM .. " WHERE " .. w,
      table.unpack(p))[1].n
  end
  return en.sql("SELECT count(*) AS n FROM relations r WHERE " .. w, table.unpack(p))[1].n
end

--- The country of a PERSON or ORG mention m (from its attributes), in the
-- form the index mentions_country serves: compare it with `= ?`.
M.MENTION_COUNTRY_SQL = "m.type IN ('PERSON', 'ORG') AND "
  .. "CASE WHEN json_valid(m.attrs) THEN json_extract(m.attrs, '$.country') END"

local REL_COLS = [[
r.id, r.doc_id, r.type, r.stage, r.cameo, r.date AS rdate, r.attrs, r.score, r.rule,
       r.rule_file, r.rule_line, r.thread_id, r.start,
       CASE WHEN r.sent_start IS NOT NULL THEN slice(d.text, r.sent_start, r.sent_stop)
            ELSE slice(d.text, r.start, r.stop) END AS sentence,
       d.name AS doc_name, d.title AS doc_title, d.source AS doc_source, d.date AS doc_date,
       d.url AS doc_url]]

local ARG_SQL = [[
SELECT ra.relation_id, ra.role, ra.ord, coalesce(ra.key, e.key) AS key, ra.value,
       coalesce(e.type, m.type) AS type, coalesce(e.name, e2.name, m.text) AS name,
       m.attrs AS mattrs, coalesce(e.attrs, e2.attrs) AS eattrs
  FROM relation_args ra
  LEFT JOIN mentions m ON m.id = ra.mention_id
  LEFT JOIN entities e ON e.id = ra.entity_id
  LEFT JOIN entities e2 ON ra.entity_id IS NULL AND e2.type = m.type AND e2.key = ra.key
 WHERE ra.relation_id IN (SELECT value FROM json_each(?))
 ORDER BY ra.relation_id, ra.role, ra.ord]]

local function merge(into, from)
  for k, v in pairs(from) do if into[k] == nil then into[k] = v end end
  return into
end

local function make_rel(r)
  return {
    id = r.id, type = r.type, stage = r.stage, cameo = r.cameo,
    date = iso(r.rdate) or iso(r.doc_date), attrs = decode(r.attrs), score = r.score,
    rule = r.rule, rule_file = r.rule_file, rule_line = r.rule_line, thread_id = r.thread_id,
    start = r.start, sentence = r.sentence,
    doc = { id = r.doc_id, name = r.doc_name, title = r.doc_title, source = r.doc_source,
            date = r.doc_date, url = r.doc_url },
    args = {},
  }
end

-- The attributes of an argument: its mention's, then its entity's. The
-- same few texts come back for every fact that names an entity, so the
-- decoded tables are kept (they are read here only, never handed out).
local arg_attrs_cache, arg_attrs_n = {}, 0
local function arg_attrs(mattrs, eattrs)
  local k = (mattrs or "") .. "\0" .. (eattrs or "")
  local t = arg_attrs_cache[k]
  if not t then
    if arg_attrs_n >= 20000 then arg_attrs_cache, arg_attrs_n = {}, 0 end
    t = merge(decode(mattrs), decode(eattrs))
    arg_attrs_cache[k], arg_attrs_n = t, arg_attrs_n + 1
  end
  return t
end

-- The arguments of a batch of relations (an array, and id -> relation).
local function add_args(list, by_id)
  if #list == 0 then return end
  local ids = {}
  for i, rel in ipairs(list) do ids[i] = rel.id end
  for r in en.rows(ARG_SQL, M.id_list(ids)) do
    local rel = by_id[r.relation_id]
    if rel then
      local attrs = arg_attrs(r.mattrs, r.eattrs)
      local a = { key = r.key, type = r.type, value = r.value, title = attrs.title, kind = attrs.kind }
      if type(attrs.country) == "string" then a.country = attrs.country end
      a.name = r.name
      if not a.type and a.key and a.key:match("^%u%u%u$") then
        a.type = "COUNTRY" -- an argument given by a country code alone
      end
      if a.type == "COUNTRY" and a.key then a.name = M.country_name(a.key) end
      if a.type == "PERSON" and attrs.name then a.name = attrs.name end
      if a.type == "ORG" and attrs.name then a.name = attrs.name end
      a.name = a.name or a.key or a.value
      rel.args[r.role] = rel.args[r.role] or {}
      table.insert(rel.args[r.role], a)
    end
  end
end

local BATCH = 500

--- for rel in report.each(f [, {order=, limit=}]) do ... end: the relations
-- that pass filter f (report.where), loaded with their arguments and
-- evidence a batch at a time, in `order` (SQL over r and d; default id
-- order), at most `limit` (nil or 0: all). A relation: id, type, stage,
-- cameo, date (its own, else the document's when that is an ISO date),
-- attrs (decoded), score, rule, rule_file, rule_line, thread_id, sentence,
-- start, doc = {id, name, title, source, date, url}, args = {role = {{key,
-- type, name, value, country, title, kind}, ...}}.
function M.each(f, opts)
  opts = opts or {}
  local w, p = M.where(f)
  local order = opts.order or "r.id"
  -- the ids in order first (a sort of narrow rows), then the facts a batch at a time
  local sql = "SELECT r.id FROM relations r WHERE " .. w .. " ORDER BY " .. order
  if (w .. order):find("%f[%w_]d%.") then
    sql = "WITH " .. M.DOCS_CTE .. " SELECT r.id FROM " .. M.FACTS_FROM .. " WHERE " .. w
      .. " ORDER BY " .. order
  end
  if opts.limit and opts.limit > 0 then sql = sql .. string.format(" LIMIT %d", opts.limit) end
  local iter, _, _, cursor = en.rows(sql, table.unpack(p))
  local buf, pos, done = {}, 1, false
  local function refill()
    buf, pos = {}, 1
    local ids = {}
    while #ids < BATCH do
      local r = iter()
      if not r then done = true; break end
      ids[#ids + 1] = r.id
    end
    if #ids == 0 then return end
    local by_id = {}
    for r in en.rows("SELECT " .. REL_COLS .. "\n  FROM relations r JOIN documents d ON d.id = r.doc_id"
      .. "\n WHERE r.id IN (SELECT value FROM json_each(?))", M.id_list(ids)) do
      by_id[r.id] = make_rel(r)
    end
    for _, id in ipairs(ids) do buf[#buf + 1] = by_id[id] end
    add_args(buf, by_id)
  end
  return function()
    while pos > #buf do
      if done then return nil end
      refill()
    end
    pos = pos + 1
    return buf[pos - 1]
  end, nil, nil, cursor
end

--- report.fetch(ids) -> the relations with these ids, in that order (ids
-- that are not in the store are left out), and id -> relation.
function M.fetch(ids)
  local by_id, list = {}, {}
  for i = 1, #ids, BATCH do
    local part = table.move(ids, i, math.min(i + BATCH - 1, #ids), 1, {})
    for rel in M.each({ ids = part }) do by_id[rel.id] = rel end
  end
  for _, id in ipairs(ids) do list[#list + 1] = by_id[id] end
  return list, by_id
end

--- Every relation of the store, in id order (for small stores and
-- scripts; reports select with report.each and report.groups).
function M.load()
  local list, by_id = {}, {}
  for rel in M.each() do
    list[#list + 1] = rel
    by_id[rel.id] = rel
  end
  return list, by_id
end

-- What makes two facts the same statement: type, stage, CAMEO code, date,
-- attributes and arguments (role, then key or value, in order); quote()
-- keeps NULL apart from text.
local SAME_FACT = "quote(r.type) || ',' || quote(r.stage) || ',' || quote(r.cameo) || ',' || quote("
  .. M.DATE_SQL .. ") || ',' || quote(r.attrs) || ',' || quote((SELECT group_concat(ra.role || '=' || "
  .. "coalesce(ra.key, ra.value, ''), char(31)) FROM relation_args ra WHERE ra.relation_id = r.id))"

--- report.groups(f [, opts]) -> the facts that pass filter f, one group
-- per statement: facts that say the same thing (same type, stage, CAMEO
-- code, date, attributes and arguments), wherever they were found. Each
-- group: id and rel (its first fact, loaded as by report.each), facts (how
-- many), sources (how many documents), pick (its evidence: report.pick_sql).
-- opts.evidence: the cap (default report.EVIDENCE); opts.by: more SQL
-- expressions to group by, comma-separated (for example "d.source").
-- Groups come in the order of their first fact's id.
function M.groups(f, opts)
  opts = opts or {}
  local key = SAME_FACT
  for e in (opts.by or ""):gmatch("[^,]+") do key = key .. " || ',' || quote(" .. e .. ")" end
  local groups = M.tally_by(key, f, { evidence = opts.evidence })
  table.sort(groups, function(x, y) return x.first < y.first end)
  local ids = {}
  for i, g in ipairs(groups) do g.id, ids[i] = g.first, g.first end
  local _, by_id = M.fetch(ids)
  for _, g in ipairs(groups) do g.rel = by_id[g.id] end
  return groups
end

--- The first argument of a role (or nil).
function M.arg(rel, role)
  local l = rel.args[role]
  return l and l[1]
end

--- Names of the arguments of a role, joined with ", ".
function M.names(rel, role)
  local out = {}
  for _, a in ipairs(rel.args[role] or {}) do out[#out + 1] = a.name end
  return table.concat(out, ", ")
end

--- The countries a relation involves: keys of COUNTRY arguments, and the
-- country of PERSON and ORG arguments; a sorted array and a set.
function M.countries(rel, direct_only)
  local set = {}
  for _, list in pairs(rel.args) do
    for _, a in ipairs(list) do
      if a.type == "COUNTRY" and a.key then set[a.key] = true
      elseif not direct_only and a.country then set[a.country] = true end
    end
  end
  local out = {}
  for k in pairs(set) do out[#out + 1] = k end
  table.sort(out)
  return out, set
end

--- Mentions of a type with their sentence and document, in id order.
function M.mentions(mtype)
  local out = {}
  for r in en.rows([[
SELECT m.id, m.doc_id, m.type, m.key, m.text, m.attrs, m.score, m.rule, m.rule_file, m.rule_line,
       m.start, slice(d.text, coalesce(m.sent_start, m.start), coalesce(m.sent_stop, m.stop)) AS sentence,
       d.name AS doc_name, d.title AS doc_title, d.source AS doc_source, d.date AS doc_date,
       d.url AS doc_url
  FROM mentions m JOIN documents d ON d.id = m.doc_id
 WHERE m.type = ? ORDER BY m.id]], mtype) do
    out[#out + 1] = {
      id = r.id, type = r.type, key = r.key, text = r.text, attrs = decode(r.attrs), score = r.score,
      rule = r.rule, rule_file = r.rule_file, rule_line = r.rule_line, start = r.start,
      sentence = r.sentence, date = iso(r.doc_date),
      doc = { id = r.doc_id, name = r.doc_name, title = r.doc_title, source = r.doc_source,
              date = r.doc_date, url = r.doc_url },
    }
  end
  return out
end

--- Sorted keys of a set.
function M.sorted(set)
  local out = {}
  for k in pairs(set) do out[#out + 1] = k end
  table.sort(out)
  return out
end

--- Sectors of a relation (attrs.sectors, else attrs.sector), as an array.
function M.sectors(rel)
  local s = rel.attrs.sectors
  if type(s) == "table" then
    local out = {}
    for _, v in ipairs(s) do out[#out + 1] = tostring(v) end
    return out
  end
  if type(s) == "string" then return { s } end
  if type(rel.attrs.sector) == "string" then return { rel.attrs.sector } end
  return {}
end

local function num(v)
  if math.type(v) == "float" and v == math.floor(v) and math.abs(v) < 2 ^ 53 then
    return string.format("%d", v)
  end
  return v ~= nil and tostring(v) or nil
end
M.num = num

--- A value with its currency ("1800000000 MYR"), or nil.
function M.money(value, currency)
  if value == nil then return nil end
  return num(value) .. (currency and (" " .. tostring(currency)) or "")
end

local LABEL = {
  COOPERATION = "cooperation", AGREEMENT = "agreement", PROCUREMENT = "procurement",
  TECH_TRANSFER = "technology transfer", CO_PRODUCTION = "co-production", MRO = "maintenance (MRO)",
  TRAINING = "training", MEETING = "meeting", VISIT = "visit", TRADE = "trade",
  HOLDS_ROLE = "role", BASED_IN = "based in", QUOTE = "quote",
}
M.TYPE_LABEL = LABEL

--- One line that says what a relation states, from its arguments and attrs.
function M.summary(rel)
  local t, at, n = rel.type, rel.attrs, function(role) return M.names(rel, role) end
  local function with(s, v, pre)
    if v and v ~= "" then return s .. (pre or " ") .. tostring(v) end
    return s
  end
  if t == "COOPERATION" or t == "CO_PRODUCTION" or t == "MRO" or t == "TRAINING" or t == "TRADE" then
    local s = n("a") .. " and " .. n("b") .. ": " .. LABEL[t]
    s = with(s, at.item, " of ")
    local sec = M.sectors(rel)
    if #sec > 0 then s = s .. " (" .. table.concat(sec, ", ") .. ")" end
    return with(s, M.money(at.amount, at.currency), ", ")
  elseif t == "AGREEMENT" then
    return with(n("parties") .. ": " .. (at.kind and (tostring(at.kind) .. " ") or "") .. "agreement",
      at.subject, " on ")
  elseif t == "PROCUREMENT" then
    local s = n("buyer") .. " buys"
    if at.quantity then s = s .. " " .. num(at.quantity) end
    s = with(s, at.item) .. " from " .. n("supplier")
    if rel.args.supplier_org then s = s .. " (" .. n("supplier_org") .. ")" end
    return with(s, M.money(at.value, at.currency), ", ")
  elseif t == "TECH_TRANSFER" then
    return with(n("from") .. " to " .. n("to") .. ": technology transfer", at.item, ", ")
  elseif t == "MEETING" then
    return with(n("participants") .. " met", at.place and M.country_name(at.place), " in ")
  elseif t == "VISIT" then
    return n("visitor") .. " visits " .. n("host")
  elseif t == "HOLDS_ROLE" then
    local where = rel.args.org and n("org") or n("country")
    return with(n("person") .. ": " .. tostring(at.title or "role"), where ~= "" and where or nil, ", ")
  elseif t == "BASED_IN" then
    return n("org") .. " based in " .. n("country")
  elseif t == "QUOTE" then
    return n("speaker") .. ': "' .. tostring(at.text or rel.sentence or "") .. '"'
  end
  local parts = {}
  for _, role in ipairs(M.sorted(rel.args)) do parts[#parts + 1] = role .. "=" .. n(role) end
  return t .. " " .. table.concat(parts, ", ")
end

-------------------------------------------------------------------------------
-- The Report

local Report = {}
Report.__index = Report

--- report.new{name=, title=, subtitle=, params={...}, generated=} -> Report
function M.new(opts)
  return setmetatable({
    name = opts.name, title = opts.title, subtitle = opts.subtitle,
    params = opts.params or {}, generated = opts.generated,
    sections = {}, evidence = {}, notes = opts.notes,
  }, Report)
end

local function entry_of(fact, key)
  return {
    key = key, kind = fact.args and "relation" or "mention", id = fact.id, type = fact.type,
    sentence = fact.sentence, rule = fact.rule, rule_file = fact.rule_file,
    rule_line = fact.rule_line, score = fact.score, start = fact.start or 0, doc = fact.doc,
  }
end

--- Cite a relation or a mention (anything from report.each or
-- report.mentions); returns its evidence key ("r12", "m40").
function Report:cite(fact)
  local key = (fact.args and "r" or "m") .. fact.id
  local e = self.evidence[key]
  if not e or e.stub then self.evidence[key] = entry_of(fact, key) end
  return key
end

--- Cite a fact by its evidence key ("r12" for relation 12, "m40" for
-- mention 40): its sentence and document are read when the report is
-- rendered. Returns the key.
function Report:cite_key(key)
  if not self.evidence[key] then
    local kind, id = key:match("^([rm])(%d+)$")
    assert(kind, "cite_key: an evidence key such as r12 or m40 expected, got " .. tostring(key))
    self.evidence[key] = { key = key, kind = kind == "r" and "relation" or "mention",
                           id = math.tointeger(tonumber(id)), stub = true }
  end
  return key
end

--- Cite the evidence a group picked (the keys of report.pick_sql, "r12
-- r40"), out of `total` facts. Returns the keys (relations first, by id)
-- and how many were left out: put them in a row's `evidence` and
-- `evidence_more`.
function Report:cite_pick(pick, total)
  local keys = {}
  for k in tostring(pick or ""):gmatch("%S+") do keys[#keys + 1] = self:cite_key(k) end
  table.sort(keys, function(x, y)
    local kx, ky = x:sub(1, 1), y:sub(1, 1)
    if kx ~= ky then return kx > ky end -- relations before mentions
    return tonumber(x:sub(2)) < tonumber(y:sub(2))
  end)
  return keys, math.max(0, (total or #keys) - #keys)
end

--- Cite many facts; returns the sorted, distinct keys.
function Report:cite_all(facts)
  local set = {}
  for _, f in ipairs(facts) do set[self:cite(f)] = true end
  local out = M.sorted(set)
  table.sort(out, function(a, b)
    local ka, kb = a:sub(1, 1), b:sub(1, 1)
    if ka ~= kb then return ka > kb end -- relations before mentions
    return tonumber(a:sub(2)) < tonumber(b:sub(2))
  end)
  return out
end

--- Add a section. s: id, title, intro, columns = {{key=, label=, kind=}},
-- rows = {{[key] = value, evidence = {keys}, evidence_more = n}}. kind: "n"
-- (number, right aligned), "stage" (a coloured stage), "list" (an array
-- joined by "; "). s.html: extra raw markup placed before the table (the
-- network's SVG). A row's `evidence_more` counts evidence left out ("and
-- 12 more").
--
-- A streamed section lists facts without holding them: instead of rows it
-- has `facts` (a filter for report.where), `order` (SQL), `limit` and
-- `row(rel)`, which makes the row of a fact. Its rows are read from the
-- store as they are written, each citing its own fact, so the report's
-- evidence is that of this section alone (a report has at most one).
function Report:section(s)
  assert(type(s.id) == "string" and type(s.title) == "string", "section: id and title expected")
  s.columns = s.columns or {}
  if s.facts then
    assert(type(s.row) == "function", "section: a streamed section needs row(rel)")
    assert(not self.stream, "section: a report has at most one streamed section")
    assert(not next(self.evidence), "section: a streamed report cites only its own rows")
    self.stream = s
    s.rows = nil
    s.count = M.count(s.facts)
    s.total = s.count
    if s.limit and s.limit > 0 and s.count > s.limit then s.count = s.limit end
  else
    s.rows = s.rows or {}
  end
  self.sections[#self.sections + 1] = s
  return s
end

-- Read the sentence, rule and document of evidence cited by key alone.
function Report:load_evidence()
  local want = { relation = {}, mention = {} }
  for _, e in pairs(self.evidence) do
    if e.stub then table.insert(want[e.kind], e.id) end
  end
  local doc_cols = "d.id AS doc_id, d.name AS doc_name, d.title AS doc_title, "
    .. "d.source AS doc_source, d.date AS doc_date, d.url AS doc_url"
  local sql = {
    relation = "SELECT r.id, r.type, r.score, r.rule, r.rule_file, r.rule_line, r.start, "
      .. "CASE WHEN r.sent_start IS NOT NULL THEN slice(d.text, r.sent_start, r.sent_stop) "
      .. "ELSE slice(d.text, r.start, r.stop) END AS sentence, " .. doc_cols
      .. " FROM relations r JOIN documents d ON d.id = r.doc_id "
      .. "WHERE r.id IN (SELECT value FROM json_each(?))",
    mention = "SELECT m.id, m.type, m.score, m.rule, m.rule_file, m.rule_line, m.start, "
      .. "slice(d.text, coalesce(m.sent_start, m.start), coalesce(m.sent_stop, m.stop)) AS sentence, "
      .. doc_cols .. " FROM mentions m JOIN documents d ON d.id = m.doc_id "
      .. "WHERE m.id IN (SELECT value FROM json_each(?))",
  }
  for kind, ids in pairs(want) do
    table.sort(ids)
    local tag = kind == "relation" and "r" or "m"
    for i = 1, #ids, BATCH do
      local part = table.move(ids, i, math.min(i + BATCH - 1, #ids), 1, {})
      for r in en.rows(sql[kind], M.id_list(part)) do
        local key = tag .. r.id
        local e = self.evidence[key]
        e.type, e.score, e.rule, e.rule_file, e.rule_line = r.type, r.score, r.rule, r.rule_file,
          r.rule_line
        e.start, e.sentence, e.stub = r.start or 0, r.sentence, nil
        e.doc = { id = r.doc_id, name = r.doc_name, title = r.doc_title, source = r.doc_source,
                  date = r.doc_date, url = r.doc_url }
      end
    end
  end
  for key, e in pairs(self.evidence) do
    if e.stub then self.evidence[key] = nil end -- not in the store
  end
end

-- The appendix: evidence ordered by document (date, id) then position,
-- numbered E1, E2 ...; returns the ordered list and key -> label.
function Report:appendix()
  self:load_evidence()
  local list = {}
  for _, e in pairs(self.evidence) do list[#list + 1] = e end
  table.sort(list, function(a, b)
    local da, db = iso(a.doc.date) or "~", iso(b.doc.date) or "~"
    if da ~= db then return da < db end
    if a.doc.id ~= b.doc.id then return a.doc.id < b.doc.id end
    if a.start ~= b.start then return a.start < b.start end
    return a.key < b.key
  end)
  local label = {}
  for i, e in ipairs(list) do
    e.label = "E" .. i
    label[e.key] = e.label
  end
  return list, label
end

-- The appendix order in SQL (the order of Report:appendix).
local APPENDIX_ORDER = "CASE WHEN " .. M.DOC_DATE_SQL .. " IS NULL THEN 1 ELSE 0 END, "
  .. M.DOC_DATE_SQL .. ", d.id, coalesce(r.start, 0), 'r' || r.id"

-- The selection of a streamed section: its facts, in its order, cut at its
-- limit, with the appendix number of each. A CTE named `sel`.
local function stream_sel(s)
  local w, p = M.where(s.facts)
  local sql = "WITH " .. M.DOCS_CTE .. ", cut AS (SELECT r.id FROM " .. M.FACTS_FROM .. " WHERE "
    .. w .. " ORDER BY " .. (s.order or "r.id")
    .. ((s.limit and s.limit > 0) and string.format(" LIMIT %d", s.limit) or "") .. "), "
    .. "sel AS (SELECT r.id, row_number() OVER (ORDER BY " .. APPENDIX_ORDER .. ") AS label "
    .. "FROM cut JOIN relations r ON r.id = cut.id JOIN dd AS d ON d.id = r.doc_id) "
  return sql, p
end

-- The ids and appendix numbers of the rows of a streamed section, in row
-- order: read once and kept when the section has a limit (at most that
-- many integers); read from the store on each pass when it has none, so
-- that listing everything keeps memory flat. fn(id, label).
local function stream_ids(s, fn)
  local sql, p = stream_sel(s)
  sql = sql .. "SELECT sel.id, sel.label FROM sel JOIN relations r ON r.id = sel.id "
    .. "JOIN dd AS d ON d.id = r.doc_id ORDER BY " .. (s.order or "r.id")
  if not (s.limit and s.limit > 0) then
    for r in en.rows(sql, table.unpack(p)) do fn(r.id, r.label) end
    return
  end
  if not s.ids then
    s.ids, s.labels = {}, {}
    for r in en.rows(sql, table.unpack(p)) do
      s.ids[#s.ids + 1], s.labels[#s.labels + 1] = r.id, r.label
    end
  end
  for i, id in ipairs(s.ids) do fn(id, s.labels[i]) end
end

-- Each row of a streamed section, in its order: fn(row) with row.evidence
-- = {key} and row.labels = {"E5"}.
local function stream_rows(s, fn)
  local ids, labels = {}, {}
  local function flush()
    local by = {}
    for rel in M.each({ ids = ids }) do by[rel.id] = rel end
    for i, id in ipairs(ids) do
      local rel = by[id]
      if rel then
        local row = s.row(rel)
        row.evidence, row.labels = { "r" .. id }, { "E" .. labels[i] }
        fn(row)
      end
    end
    ids, labels = {}, {}
  end
  stream_ids(s, function(id, label)
    ids[#ids + 1], labels[#labels + 1] = id, label
    if #ids >= BATCH then flush() end
  end)
  flush()
end

local EVIDENCE_COLS = "r.id, r.type, r.score, r.rule, r.rule_file, r.rule_line, r.start, "
  .. "CASE WHEN r.sent_start IS NOT NULL THEN slice(d.text, r.sent_start, r.sent_stop) "
  .. "ELSE slice(d.text, r.start, r.stop) END AS sentence, d.id AS doc_id, d.name AS doc_name, "
  .. "d.title AS doc_title, d.source AS doc_source, d.date AS doc_date, d.url AS doc_url"

local function evidence_entry(r, label)
  return { key = "r" .. r.id, label = "E" .. label, kind = "relation", id = r.id, type = r.type,
    sentence = r.sentence, rule = r.rule, rule_file = r.rule_file, rule_line = r.rule_line,
    score = r.score, start = r.start or 0,
    doc = { id = r.doc_id, name = r.doc_name, title = r.doc_title, source = r.doc_source,
            date = r.doc_date, url = r.doc_url } }
end

-- Each evidence entry of a streamed section, in appendix order.
local function stream_appendix(s, fn)
  if not (s.limit and s.limit > 0) then
    local sql, p = stream_sel(s)
    for r in en.rows(sql .. "SELECT sel.label, " .. EVIDENCE_COLS .. " FROM sel JOIN relations r "
      .. "ON r.id = sel.id JOIN documents d ON d.id = r.doc_id ORDER BY sel.label", table.unpack(p)) do
      fn(evidence_entry(r, r.label))
    end
    return
  end
  local by_label = {}
  stream_ids(s, function(id, label) by_label[label] = id end)
  for i = 1, #by_label, BATCH do
    local part = table.move(by_label, i, math.min(i + BATCH - 1, #by_label), 1, {})
    local rows = {}
    for r in en.rows("SELECT " .. EVIDENCE_COLS .. " FROM relations r JOIN documents d ON d.id = r.doc_id "
      .. "WHERE r.id IN (SELECT value FROM json_each(?))", M.id_list(part)) do
      rows[r.id] = r
    end
    for j, id in ipairs(part) do fn(evidence_entry(rows[id], i + j - 1)) end
  end
end

-- The evidence of a report to render: how many entries, an iterator
-- each(fn) in appendix order, and links(row) -> the row's {key, label}
-- pairs in appendix order.
function Report:evidence_view()
  local s = self.stream
  if s then
    return s.count, function(fn) stream_appendix(s, fn) end, function(r)
      local out = {}
      for i, k in ipairs(r.evidence or {}) do out[i] = { key = k, label = r.labels[i] } end
      return out
    end
  end
  local list, label = self:appendix()
  return #list, function(fn) for _, e in ipairs(list) do fn(e) end end, function(r)
    local l = {}
    for _, k in ipairs(r.evidence or {}) do
      if label[k] then l[#l + 1] = k end
    end
    table.sort(l, function(a, b) return tonumber(label[a]:sub(2)) < tonumber(label[b]:sub(2)) end)
    for i, k in ipairs(l) do l[i] = { key = k, label = label[k] } end
    return l
  end
end

-- Rows of a section, in order, to fn(row).
local function each_row(s, fn)
  if s.facts then return stream_rows(s, fn) end
  for _, r in ipairs(s.rows) do fn(r) end
end
local function row_count(s) return s.facts and s.count or #s.rows end

--- "1,234" for 1234.
function M.thousands(n)
  local s = string.format("%d", n)
  local out = s:reverse():gsub("(%d%d%d)", "%1,"):reverse()
  return (out:gsub("^,", ""))
end

-- "and 12 more" for a row that cites only part of its evidence.
local function more_text(r)
  local n = r.evidence_more
  if n and n > 0 then return "and " .. M.thousands(n) .. " more" end
  return nil
end

-- A note for a streamed section cut at its limit.
local function cut_note(s)
  if s.facts and s.total > s.count then
    return string.format("Showing the first %s of %s rows (--limit %d); narrow the selection or give "
      .. "--limit 0 for all.", M.thousands(s.count), M.thousands(s.total), s.limit)
  end
  return nil
end
M.cut_note = cut_note

local function cell_text(v)
  if v == nil then return "" end
  if type(v) == "table" then return table.concat(v, "; ") end
  if math.type(v) == "float" then
    if v == math.floor(v) and math.abs(v) < 2 ^ 53 then return string.format("%d", v) end
    return string.format("%.3g", v)
  end
  return tostring(v)
end
M.cell_text = cell_text

local function has_evidence(s)
  if s.evidence ~= nil then return s.evidence end
  if s.facts then return true end
  for _, r in ipairs(s.rows) do if r.evidence then return true end end
  return false
end

local function param_line(self)
  local keys = M.sorted(self.params)
  local parts = {}
  for _, k in ipairs(keys) do parts[#parts + 1] = k .. ": " .. cell_text(self.params[k]) end
  return table.concat(parts, "; ")
end

local function doc_line(d)
  local parts = {}
  if d.source then parts[#parts + 1] = d.source end
  if d.date then parts[#parts + 1] = d.date end
  parts[#parts + 1] = d.name
  return table.concat(parts, " · ")
end

-- A writer: add(s) appends text; done() returns it all (write == nil) or
-- hands it to write(s) in pieces as it grows (streaming to a file).
local function writer(write)
  local buf, n, size = {}, 0, 0
  local w = {}
  function w.add(s)
    n = n + 1
    buf[n] = s
    size = size + #s
    if write and size > 65536 then
      write(table.concat(buf, "", 1, n))
      buf, n, size = {}, 0, 0
    end
  end
  function w.done()
    local s = table.concat(buf, "", 1, n)
    if write then
      write(s)
      return nil
    end
    return s
  end
  return w
end

-- Split markup around a marker: the text before and after it.
local MARK = "\1entente-rows\1"
local function around(markup)
  local s = tostring(markup)
  local i = s:find(MARK, 1, true)
  return s:sub(1, i - 1), s:sub(i + #MARK)
end

-------------------------------------------------------------------------------
-- Markdown

function Report:write_md(write)
  local nev, each_ev, links_of = self:evidence_view()
  local w = writer(write)
  local first = true
  local function part(s)
    if not first then w.add("\n\n") end
    first = false
    w.add(s)
  end
  part("# " .. md.escape(self.title))
  if self.subtitle then part(md.escape(self.subtitle)) end
  local meta = {}
  if next(self.params) then meta[#meta + 1] = "Parameters: " .. md.escape(param_line(self)) end
  if self.generated then meta[#meta + 1] = "Generated: " .. md.escape(self.generated) end
  if #meta > 0 then part(table.concat(meta, "  \n")) end
  local toc = {}
  for i, s in ipairs(self.sections) do
    toc[#toc + 1] = i .. ". [" .. md.escape(s.title) .. "](#" .. s.id .. ")"
  end
  if nev > 0 then toc[#toc + 1] = (#self.sections + 1) .. ". [Evidence](#evidence)" end
  part("Contents:\n\n" .. table.concat(toc, "\n"))
  for _, s in ipairs(self.sections) do
    part(md.heading(2, s.title, s.id))
    if s.intro then part(md.escape(s.intro)) end
    if cut_note(s) then part(md.escape(cut_note(s))) end
    if row_count(s) == 0 then
      part("_None found._")
    else
      local cols = {}
      for i, c in ipairs(s.columns) do cols[i] = md.escape(c.label or c.key) end
      local ev_col = has_evidence(s)
      if ev_col then cols[#cols + 1] = "Evidence" end
      part(md.table(cols, {}))
      each_row(s, function(r)
        local cells = {}
        for i, c in ipairs(s.columns) do cells[i] = md.escape(cell_text(r[c.key])) end
        if ev_col then
          local links = {}
          for _, l in ipairs(links_of(r)) do
            links[#links + 1] = "[" .. l.label .. "](#ev-" .. l.key .. ")"
          end
          if more_text(r) then links[#links + 1] = more_text(r) end
          cells[#cells + 1] = table.concat(links, " ")
        end
        w.add("\n" .. md.row(cells, #cols))
      end)
    end
  end
  if nev > 0 then
    part(md.heading(2, "Evidence", "evidence"))
    local doc
    each_ev(function(e)
      if e.doc.id ~= doc then
        doc = e.doc.id
        part("### " .. md.escape(e.doc.title or e.doc.name) .. "\n\n" .. md.escape(doc_line(e.doc)))
      end
      part(string.format('<a id="ev-%s"></a>**%s** %s  \n%s (rule %s, %s:%s, score %s)',
        e.key, e.label, md.escape(e.sentence), md.escape(e.type), md.escape(e.rule),
        md.escape(e.rule_file or "?"), cell_text(e.rule_line), cell_text(e.score)))
    end)
  end
  w.add("\n")
  return w.done()
end

function Report:to_md() return self:write_md() end

-------------------------------------------------------------------------------
-- HTML

local function stage_badge(v)
  local s = v and RANK[v] and v or "none"
  return html.el("span", { class = "stage s-" .. s }, v or "—")
end
M.stage_badge = stage_badge

local DATE_COLUMNS = { date = true, first = true, last = true, doc_date = true }

function Report:write_html(write)
  local nev, each_ev, links_of = self:evidence_view()
  local h = html.el
  local w = writer(write)
  local page_head, page_tail = around(html.page { title = self.title, body = html.raw(MARK) })
  w.add(page_head)
  local first = true
  local function part(s)
    if not first then w.add("\n") end
    first = false
    w.add(tostring(s))
  end
  part(h("h1", nil, self.title))
  if self.subtitle then part(h("p", { class = "meta" }, self.subtitle)) end
  if next(self.params) then
    part(h("p", { class = "meta" }, "Parameters: " .. param_line(self)))
  end
  if self.generated then part(h("p", { class = "meta" }, "Generated: " .. self.generated)) end
  local toc = {}
  for _, s in ipairs(self.sections) do
    toc[#toc + 1] = h("li", nil, html.link("#" .. s.id, s.title))
  end
  if nev > 0 then toc[#toc + 1] = h("li", nil, html.link("#evidence", "Evidence")) end
  part(h("nav", { class = "toc" }, h("strong", nil, "Contents"), h("ol", nil, toc)))
  for _, s in ipairs(self.sections) do
    local parts = { h("h2", { id = s.id }, s.title) }
    if s.intro then parts[#parts + 1] = h("p", { class = "note" }, s.intro) end
    if cut_note(s) then parts[#parts + 1] = h("p", { class = "note" }, cut_note(s)) end
    if s.html then parts[#parts + 1] = s.html end
    if row_count(s) == 0 then
      parts[#parts + 1] = h("p", { class = "note" }, "None found.")
      part(h("section", nil, parts))
    else
      local ev_col = has_evidence(s)
      local ths = {}
      for _, c in ipairs(s.columns) do ths[#ths + 1] = h("th", { scope = "col" }, c.label or c.key) end
      if ev_col then ths[#ths + 1] = h("th", { scope = "col" }, "Evidence") end
      parts[#parts + 1] = h("table", { class = "sortable", id = "t-" .. s.id },
        h("thead", nil, h("tr", nil, ths)), h("tbody", nil, html.raw(MARK)))
      local open, close = around(h("section", nil, parts))
      part(open)
      each_row(s, function(r)
        local tds = {}
        for _, c in ipairs(s.columns) do
          local v = r[c.key]
          if c.kind == "stage" then
            tds[#tds + 1] = h("td", { ["data-sort"] = tostring(M.stage_rank(v)) }, stage_badge(v))
          elseif c.kind == "n" then
            tds[#tds + 1] = h("td", { class = "n" }, cell_text(v))
          elseif DATE_COLUMNS[c.key] then
            tds[#tds + 1] = h("td", { class = "d" }, cell_text(v))
          else
            tds[#tds + 1] = h("td", nil, cell_text(v))
          end
        end
        if ev_col then
          local links = {}
          for i, l in ipairs(links_of(r)) do
            if i > 1 then links[#links + 1] = html.raw(" ") end
            links[#links + 1] = html.link("#ev-" .. l.key, l.label)
          end
          if more_text(r) then
            if #links > 0 then links[#links + 1] = html.raw(" ") end
            links[#links + 1] = h("span", { class = "more" }, more_text(r))
          end
          tds[#tds + 1] = h("td", { class = "ev" }, links)
        end
        w.add(tostring(h("tr", nil, tds)))
      end)
      w.add(close)
    end
  end
  if nev > 0 then
    local open, close = around(h("section", nil, h("h2", { id = "evidence" }, "Evidence"),
      html.raw(MARK)))
    part(open)
    local i, doc, items, start = 1, nil, nil, 1
    local function flush()
      if items then w.add(tostring(h("ol", { class = "evidence", start = tostring(start) }, items))) end
    end
    each_ev(function(e)
      if e.doc.id ~= doc then
        flush()
        doc, items, start = e.doc.id, {}, i
        local title = e.doc.title or e.doc.name
        w.add(tostring(h("h3", nil, e.doc.url and html.link(e.doc.url, title) or title)))
        w.add(tostring(h("p", { class = "meta" }, doc_line(e.doc))))
      end
      items[#items + 1] = h("li", { id = "ev-" .. e.key },
        h("blockquote", nil, e.sentence or ""),
        h("span", { class = "meta" }, string.format("%s · %s · rule %s (%s:%s) · score %s",
          e.label, e.type or "", e.rule or "", e.rule_file or "?", cell_text(e.rule_line),
          cell_text(e.score))))
      i = i + 1
    end)
    flush()
    w.add(close)
  end
  w.add(page_tail)
  return w.done()
end

function Report:to_html() return self:write_html() end

-------------------------------------------------------------------------------
-- JSON and CSV

local function evidence_json(e)
  return {
    id = e.key, label = e.label, kind = e.kind, type = e.type, sentence = e.sentence,
    rule = e.rule, rule_file = e.rule_file, rule_line = e.rule_line, score = e.score,
    document = { id = e.doc.id, name = e.doc.name, title = e.doc.title, source = e.doc.source,
                 date = e.doc.date, url = e.doc.url },
  }
end

local function row_json(s, r, ev_col)
  local o = json.object({})
  for _, c in ipairs(s.columns) do
    local v = r[c.key]
    if type(v) == "table" then v = json.array(v) end
    o[c.key] = v
  end
  if ev_col then
    o.evidence = json.array(r.evidence or {})
    if r.evidence_more and r.evidence_more > 0 then o.evidence_more = r.evidence_more end
  end
  return o
end

-- Stream a JSON array at depth (its items one at a time) into w.
local function json_array(w, depth, each)
  local pad, n = ("  "):rep(depth), 0
  each(function(v)
    w.add((n == 0 and "[\n" or ",\n") .. pad .. "  " .. json.encode(v, { indent = "  ",
      depth = depth + 1 }))
    n = n + 1
  end)
  w.add(n == 0 and "[]" or ("\n" .. pad .. "]"))
end

function Report:write_json(write)
  local _, each_ev = self:evidence_view()
  local w = writer(write)
  local sections = json.array({})
  local holes = {} -- placeholder -> function(w, depth) writing the array
  for i, s in ipairs(self.sections) do
    local cols = json.array({})
    for j, c in ipairs(s.columns) do cols[j] = c.key end
    local ev_col = has_evidence(s)
    local hole = "\1entente-rows-" .. i .. "\1"
    holes[hole] = function(depth)
      json_array(w, depth, function(fn) each_row(s, function(r) fn(row_json(s, r, ev_col)) end) end)
    end
    local o = { id = s.id, title = s.title, columns = cols, rows = hole, data = s.data }
    if cut_note(s) then o.total, o.limit = s.total, s.limit end
    sections[i] = o
  end
  local ev_hole = "\1entente-evidence\1"
  holes[ev_hole] = function(depth)
    json_array(w, depth, function(fn) each_ev(function(e) fn(evidence_json(e)) end) end)
  end
  local skeleton = json.encode({
    report = self.name, title = self.title, params = json.object(self.params),
    generated = self.generated, sections = sections, evidence = ev_hole,
  }, { indent = "  " }) .. "\n"
  -- write the skeleton, streaming each array where its placeholder stands
  local pos = 1
  while true do
    local a, b, hole = skeleton:find('"(\\u0001entente%-[%w%-]+\\u0001)"', pos)
    if not a then break end
    w.add(skeleton:sub(pos, a - 1))
    local line_start = skeleton:sub(1, a - 1):match(".*\n()") or 1
    holes[(hole:gsub("\\u0001", "\1"))](#skeleton:match("^ *", line_start) // 2)
    pos = b + 1
  end
  w.add(skeleton:sub(pos))
  return w.done()
end

function Report:to_json() return self:write_json() end

local function section_csv(w, s, links_of)
  local cols = {}
  for i, c in ipairs(s.columns) do cols[i] = c.key end
  local ev_col = has_evidence(s)
  if ev_col then cols[#cols + 1] = "evidence" end
  w.add(csv.row(cols))
  each_row(s, function(r)
    local o = {}
    for _, c in ipairs(s.columns) do o[c.key] = r[c.key] end
    if ev_col then
      local l = {}
      for _, x in ipairs(links_of(r)) do l[#l + 1] = x.label end
      if more_text(r) then l[#l + 1] = more_text(r) end
      o.evidence = l
    end
    w.add(csv.row(cols, o))
  end)
end

-- CSV: one file per section plus NAME-evidence.csv; a report of one section
-- is one file (its rows carry their own document and sentence columns).
function Report:to_csv(base, write_to)
  if #self.sections == 1 then
    -- one table: its rows carry their own document columns; evidence by store key
    local keys = function(r)
      local out = {}
      for i, k in ipairs(r.evidence or {}) do out[i] = { key = k, label = k } end
      return out
    end
    local content = function(write)
      local w = writer(write)
      section_csv(w, self.sections[1], keys)
      return w.done()
    end
    return { { name = base .. ".csv", content = write_to and content or content() } }
  end
  assert(not self.stream, "report: CSV of a streamed report has one section")
  local _, each_ev, links_of = self:evidence_view()
  local files = {}
  for _, s in ipairs(self.sections) do
    local w = writer()
    section_csv(w, s, links_of)
    files[#files + 1] = { name = base .. "-" .. s.id .. ".csv", content = w.done() }
  end
  local w = writer()
  local cols = { "id", "key", "type", "document", "title", "source", "date", "sentence", "rule",
    "rule_file", "rule_line", "score" }
  w.add(csv.row(cols))
  each_ev(function(e)
    w.add(csv.row(cols, { id = e.label, key = e.key, type = e.type, document = e.doc.name,
      title = e.doc.title, source = e.doc.source, date = e.doc.date, sentence = e.sentence,
      rule = e.rule, rule_file = e.rule_file, rule_line = e.rule_line, score = cell_text(e.score) }))
  end)
  files[#files + 1] = { name = base .. "-evidence.csv", content = w.done() }
  return files
end

--- Render to files: an array of {name, content}. base: the file name
-- without extension (default the report's name). A report with a
-- streamed section gives content as a function(write) that writes it in
-- pieces (report.save handles both).
function Report:render(format, base)
  base = base or self.name
  local streamed = self.stream ~= nil
  local function file(name, fn)
    if streamed then return { name = name, content = function(write) return fn(self, write) end } end
    return { name = name, content = fn(self) }
  end
  if format == "md" then return { file(base .. ".md", Report.write_md) } end
  if format == "html" then return { file(base .. ".html", Report.write_html) } end
  if format == "json" then return { file(base .. ".json", Report.write_json) } end
  if format == "csv" then return self:to_csv(base, streamed) end
  error("report " .. tostring(self.name) .. ": no writer for format '" .. tostring(format) .. "'", 2)
end

-------------------------------------------------------------------------------
-- Saving

local function is_dir(path) return core.filetype(path) == "directory" end

-- Write content (a string, or a function(write) that writes it in pieces).
local function emit(f, content)
  if type(content) == "function" then
    content(function(s) assert(f:write(s)) end)
  else
    assert(f:write(content))
  end
end

--- report.save(a, files, open) writes rendered files where -o says:
-- no -o: standard output (one file only); -o an existing folder, a path
-- ending in "/" or a path without an extension: a folder (created when
-- missing) holding the files by name; otherwise the file itself (an error
-- when the format writes several files). `open` is the script's io.open (so the sandbox checks each
-- write). Returns 0, for `return report.save(...)` at the end of a script.
function M.save(a, files, open)
  assert(type(open) == "function", "report.save: pass your io.open as the third argument")
  local out = a.output
  if not out then
    if #files ~= 1 then
      error(a.report .. ": format " .. a.format .. " writes " .. #files ..
        " files; give a folder with -o", 2)
    end
    emit(io.stdout, files[1].content)
    return 0
  end
  local dir
  local folder = out:sub(-1) == "/" or is_dir(out) or not out:match("%.[%w]+$")
  if #files > 1 and not folder then
    error(a.report .. ": format " .. a.format .. " writes " .. #files ..
      " files; give a folder with -o, not " .. out, 2)
  end
  if folder then
    dir = out:gsub("/+$", "")
    if dir == "" then dir = "/" end
  end
  local function write(path, content)
    local f, err = open(path, "wb")
    if not f and dir and tostring(err):find("No such file", 1, true) then
      -- the sandbox allowed this path; make the folders of -o and try again
      local p = dir:sub(1, 1) == "/" and "" or "."
      for part in dir:gmatch("[^/]+") do
        p = p .. "/" .. part
        if not is_dir(p) then core.mkdir(p) end
      end
      f, err = open(path, "wb")
    end
    if not f then error(err, 0) end
    emit(f, content)
    f:close()
  end
  if dir then
    for _, file in ipairs(files) do
      assert(not file.name:find("/", 1, true), "report.save: a file name may not hold '/'")
      write(dir .. "/" .. file.name, file.content)
    end
  else
    write(out, files[1].content)
  end
  return 0
end

--- rep:save(a, open): render in a.format and save (see report.save).
function Report:save(a, open, base)
  return M.save(a, self:render(a.format, base), open)
end

M.Report = Report
return M
