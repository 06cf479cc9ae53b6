--- entente.report: what every report shares.
--
-- A report script does three things: parse its arguments (report.start),
-- read facts from the store (report.load, report.mentions), and fill a
-- Report with sections of rows that cite their evidence (rep:section,
-- rep:cite). Rendering is the same for every report: Markdown, HTML (one
-- self-contained page, table of contents, sortable tables, an evidence
-- link on every row), CSV (RFC 4180) and JSON, each with an evidence
-- appendix that names the document (title, source, date) and the sentence
-- behind every claim. Output is a pure function of the store and the
-- arguments: rows are sorted on explicit keys and no clock is read.
--
-- Writes go through the io.open the script passes to rep:save, so the
-- sandbox of `entente run` checks every file against the -o path.
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

local function decode(s)
  if type(s) ~= "string" or s == "" then return {} end
  local pos = 1
  local value
  local function ws() pos = s:find("[^ \t\r\n]", pos) or #s + 1 end
  local function str()
    local out = {}
    pos = pos + 1
    while true do
      local c = s:sub(pos, pos)
      if c == "" then error("unterminated string") end
      if c == '"' then pos = pos + 1; break end
      if c == "\\" then
        local e = s:sub(pos + 1, pos + 1)
        if e == "u" then
          local cp = tonumber(s:sub(pos + 2, pos + 5), 16) or 0xFFFD
          if cp >= 0xD800 and cp <= 0xDBFF and s:sub(pos + 6, pos + 7) == "\\u" then
            local lo = tonumber(s:sub(pos + 8, pos + 11), 16) or 0
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00)
            pos = pos + 6
          end
          if cp >= 0xD800 and cp <= 0xDFFF then cp = 0xFFFD end
          out[#out + 1] = utf8.char(cp)
          pos = pos + 6
        else
          local map = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t" }
          out[#out + 1] = map[e] or e
          pos = pos + 2
        end
      else
        local j = s:find('["\\]', pos) or #s + 1
        out[#out + 1] = s:sub(pos, j - 1)
        pos = j
      end
    end
    return table.concat(out)
  end
  value = function()
    ws()
    local c = s:sub(pos, pos)
    if c == "{" then
      local t = {}
      pos = pos + 1; ws()
      if s:sub(pos, pos) == "}" then pos = pos + 1; return t end
      while true do
        ws()
        if s:sub(pos, pos) ~= '"' then error("key expected") end
        local k = str()
        ws()
        if s:sub(pos, pos) ~= ":" then error("':' expected") end
        pos = pos + 1
        t[k] = value()
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == "}" then return t end
        if d ~= "," then error("',' expected") end
      end
    elseif c == "[" then
      local t = json.array({})
      pos = pos + 1; ws()
      if s:sub(pos, pos) == "]" then pos = pos + 1; return t end
      while true do
        t[#t + 1] = value()
        ws()
        local d = s:sub(pos, pos)
        pos = pos + 1
        if d == "]" then return t end
        if d ~= "," then error("',' expected") end
      end
    elseif c == '"' then
      return str()
    else
      local lit = s:match("^[%w%.%+%-]+", pos)
      if not lit then error("value expected") end
      pos = pos + #lit
      if lit == "true" then return true elseif lit == "false" then return false end
      if lit == "null" then return nil end
      return tonumber(lit) or error("bad number")
    end
  end
  local ok, v = pcall(value)
  if ok and type(v) == "table" then return v end
  return {}
end
M.decode_json = decode

-------------------------------------------------------------------------------
-- Arguments

--- report.start(arg, spec) -> options, or nil after printing --help.
-- spec: name, description, formats (first is the default), options(p).
function M.start(argv, spec)
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

local REL_SQL = [[
SELECT r.id, r.doc_id, r.type, r.stage, r.cameo, r.date AS rdate, r.attrs, r.score, r.rule,
       r.rule_file, r.rule_line, r.thread_id, r.start,
       CASE WHEN r.sent_start IS NOT NULL THEN slice(d.text, r.sent_start, r.sent_stop)
            ELSE slice(d.text, r.start, r.stop) END AS sentence,
       d.name AS doc_name, d.title AS doc_title, d.source AS doc_source, d.date AS doc_date,
       d.url AS doc_url
  FROM relations r JOIN documents d ON d.id = r.doc_id
 ORDER BY r.id]]

local ARG_SQL = [[
SELECT ra.relation_id, ra.role, ra.ord, coalesce(ra.key, e.key) AS key, ra.value,
       coalesce(e.type, m.type) AS type, coalesce(e.name, e2.name, m.text) AS name,
       m.attrs AS mattrs, coalesce(e.attrs, e2.attrs) AS eattrs
  FROM relation_args ra
  LEFT JOIN mentions m ON m.id = ra.mention_id
  LEFT JOIN entities e ON e.id = ra.entity_id
  LEFT JOIN entities e2 ON ra.entity_id IS NULL AND e2.type = m.type AND e2.key = ra.key
 ORDER BY ra.relation_id, ra.role, ra.ord]]

local function merge(into, from)
  for k, v in pairs(from) do if into[k] == nil then into[k] = v end end
  return into
end

--- Every relation of the store, with its arguments and evidence, in id order.
-- A relation: id, type, stage, cameo, date (its own, else the document's
-- when that is an ISO date), attrs (decoded), score, rule, rule_file,
-- rule_line, thread_id, sentence, doc = {id, name, title, source, date, url},
-- args = {role = {{key, type, name, value, country, title, kind}, ...}}.
function M.load()
  local list, by_id = {}, {}
  for r in en.rows(REL_SQL) do
    local rel = {
      id = r.id, type = r.type, stage = r.stage, cameo = r.cameo,
      date = iso(r.rdate) or iso(r.doc_date), attrs = decode(r.attrs), score = r.score,
      rule = r.rule, rule_file = r.rule_file, rule_line = r.rule_line, thread_id = r.thread_id,
      start = r.start, sentence = r.sentence,
      doc = { id = r.doc_id, name = r.doc_name, title = r.doc_title, source = r.doc_source,
              date = r.doc_date, url = r.doc_url },
      args = {},
    }
    list[#list + 1] = rel
    by_id[rel.id] = rel
  end
  for r in en.rows(ARG_SQL) do
    local rel = by_id[r.relation_id]
    if rel then
      local attrs = merge(decode(r.mattrs), decode(r.eattrs))
      local a = { key = r.key, type = r.type, value = r.value, country = attrs.country,
                  title = attrs.title, kind = attrs.kind }
      a.name = r.name
      if not a.type and a.key and a.key:match("^%u%u%u$") and M.country_name(a.key) ~= a.key then
        a.type = "COUNTRY" -- an argument given by key alone
      end
      if a.type == "COUNTRY" and a.key then a.name = M.country_name(a.key) end
      if a.type == "PERSON" and attrs.name then a.name = attrs.name end
      if a.type == "ORG" and attrs.name then a.name = attrs.name end
      a.name = a.name or a.key or a.value
      rel.args[r.role] = rel.args[r.role] or {}
      table.insert(rel.args[r.role], a)
    end
  end
  return list, by_id
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

--- Cite a relation or a mention (anything from report.load or
-- report.mentions); returns its evidence key ("r12", "m40").
function Report:cite(fact)
  local key = (fact.args and "r" or "m") .. fact.id
  if not self.evidence[key] then
    self.evidence[key] = {
      key = key, kind = fact.args and "relation" or "mention", id = fact.id, type = fact.type,
      sentence = fact.sentence, rule = fact.rule, rule_file = fact.rule_file,
      rule_line = fact.rule_line, score = fact.score, start = fact.start or 0, doc = fact.doc,
    }
  end
  return key
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
-- rows = {{[key] = value, evidence = {keys}}}. kind: "n" (number, right
-- aligned), "stage" (a coloured stage), "list" (an array joined by "; ").
-- s.html: extra raw markup placed before the table (the network's SVG).
function Report:section(s)
  assert(type(s.id) == "string" and type(s.title) == "string", "section: id and title expected")
  s.rows = s.rows or {}
  s.columns = s.columns or {}
  self.sections[#self.sections + 1] = s
  return s
end

-- The appendix: evidence ordered by document (date, id) then position,
-- numbered E1, E2 ...; returns the ordered list and key -> label.
function Report:appendix()
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

-- A row's evidence keys in appendix order.
local function ordered(keys, label)
  local l = {}
  for i, k in ipairs(keys or {}) do l[i] = k end
  table.sort(l, function(a, b)
    return (tonumber((label[a] or ""):sub(2)) or 0) < (tonumber((label[b] or ""):sub(2)) or 0)
  end)
  return l
end

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

-------------------------------------------------------------------------------
-- Markdown

function Report:to_md()
  local ev, label = self:appendix()
  local out = { "# " .. md.escape(self.title) }
  if self.subtitle then out[#out + 1] = md.escape(self.subtitle) end
  local meta = {}
  if next(self.params) then meta[#meta + 1] = "Parameters: " .. md.escape(param_line(self)) end
  if self.generated then meta[#meta + 1] = "Generated: " .. md.escape(self.generated) end
  if #meta > 0 then out[#out + 1] = table.concat(meta, "  \n") end
  local toc = {}
  for i, s in ipairs(self.sections) do
    toc[#toc + 1] = i .. ". [" .. md.escape(s.title) .. "](#" .. s.id .. ")"
  end
  if #ev > 0 then toc[#toc + 1] = (#self.sections + 1) .. ". [Evidence](#evidence)" end
  out[#out + 1] = "Contents:\n\n" .. table.concat(toc, "\n")
  for _, s in ipairs(self.sections) do
    out[#out + 1] = md.heading(2, s.title, s.id)
    if s.intro then out[#out + 1] = md.escape(s.intro) end
    if #s.rows == 0 then
      out[#out + 1] = "_None found._"
    else
      local cols, rows = {}, {}
      for i, c in ipairs(s.columns) do cols[i] = md.escape(c.label or c.key) end
      local ev_col = has_evidence(s)
      if ev_col then cols[#cols + 1] = "Evidence" end
      for _, r in ipairs(s.rows) do
        local cells = {}
        for i, c in ipairs(s.columns) do cells[i] = md.escape(cell_text(r[c.key])) end
        if ev_col then
          local links = {}
          for _, k in ipairs(ordered(r.evidence, label)) do
            links[#links + 1] = "[" .. label[k] .. "](#ev-" .. k .. ")"
          end
          cells[#cells + 1] = table.concat(links, " ")
        end
        rows[#rows + 1] = cells
      end
      out[#out + 1] = md.table(cols, rows)
    end
  end
  if #ev > 0 then
    out[#out + 1] = md.heading(2, "Evidence", "evidence")
    local doc
    for _, e in ipairs(ev) do
      if e.doc.id ~= doc then
        doc = e.doc.id
        out[#out + 1] = "### " .. md.escape(e.doc.title or e.doc.name) .. "\n\n" .. md.escape(doc_line(e.doc))
      end
      out[#out + 1] = string.format('<a id="ev-%s"></a>**%s** %s  \n%s (rule %s, %s:%s, score %s)',
        e.key, e.label, md.escape(e.sentence), md.escape(e.type), md.escape(e.rule),
        md.escape(e.rule_file or "?"), cell_text(e.rule_line), cell_text(e.score))
    end
  end
  return table.concat(out, "\n\n") .. "\n"
end

-------------------------------------------------------------------------------
-- HTML

local function stage_badge(v)
  local s = v and RANK[v] and v or "none"
  return html.el("span", { class = "stage s-" .. s }, v or "—")
end
M.stage_badge = stage_badge

local DATE_COLUMNS = { date = true, first = true, last = true, doc_date = true }

function Report:to_html()
  local ev, label = self:appendix()
  local h = html.el
  local body = {}
  body[#body + 1] = h("h1", nil, self.title)
  if self.subtitle then body[#body + 1] = h("p", { class = "meta" }, self.subtitle) end
  if next(self.params) then
    body[#body + 1] = h("p", { class = "meta" }, "Parameters: " .. param_line(self))
  end
  if self.generated then body[#body + 1] = h("p", { class = "meta" }, "Generated: " .. self.generated) end
  local toc = {}
  for _, s in ipairs(self.sections) do
    toc[#toc + 1] = h("li", nil, html.link("#" .. s.id, s.title))
  end
  if #ev > 0 then toc[#toc + 1] = h("li", nil, html.link("#evidence", "Evidence")) end
  body[#body + 1] = h("nav", { class = "toc" }, h("strong", nil, "Contents"), h("ol", nil, toc))
  for _, s in ipairs(self.sections) do
    local parts = { h("h2", { id = s.id }, s.title) }
    if s.intro then parts[#parts + 1] = h("p", { class = "note" }, s.intro) end
    if s.html then parts[#parts + 1] = s.html end
    if #s.rows == 0 then
      parts[#parts + 1] = h("p", { class = "note" }, "None found.")
    else
      local ev_col = has_evidence(s)
      local ths = {}
      for _, c in ipairs(s.columns) do ths[#ths + 1] = h("th", { scope = "col" }, c.label or c.key) end
      if ev_col then ths[#ths + 1] = h("th", { scope = "col" }, "Evidence") end
      local trs = {}
      for _, r in ipairs(s.rows) do
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
          for i, k in ipairs(ordered(r.evidence, label)) do
            if i > 1 then links[#links + 1] = html.raw(" ") end
            links[#links + 1] = html.link("#ev-" .. k, label[k])
          end
          tds[#tds + 1] = h("td", { class = "ev" }, links)
        end
        trs[#trs + 1] = h("tr", nil, tds)
      end
      parts[#parts + 1] = h("table", { class = "sortable", id = "t-" .. s.id },
        h("thead", nil, h("tr", nil, ths)), h("tbody", nil, trs))
    end
    body[#body + 1] = h("section", nil, parts)
  end
  if #ev > 0 then
    local parts = { h("h2", { id = "evidence" }, "Evidence") }
    local i, doc, items = 1, nil, nil
    local function flush(start)
      if items then parts[#parts + 1] = h("ol", { class = "evidence", start = tostring(start) }, items) end
    end
    local start = 1
    for _, e in ipairs(ev) do
      if e.doc.id ~= doc then
        flush(start)
        doc, items, start = e.doc.id, {}, i
        local title = e.doc.title or e.doc.name
        parts[#parts + 1] = h("h3", nil, e.doc.url and html.link(e.doc.url, title) or title)
        parts[#parts + 1] = h("p", { class = "meta" }, doc_line(e.doc))
      end
      items[#items + 1] = h("li", { id = "ev-" .. e.key },
        h("blockquote", nil, e.sentence or ""),
        h("span", { class = "meta" }, string.format("%s · %s · rule %s (%s:%s) · score %s",
          e.label, e.type or "", e.rule or "", e.rule_file or "?", cell_text(e.rule_line),
          cell_text(e.score))))
      i = i + 1
    end
    flush(start)
    body[#body + 1] = h("section", nil, parts)
  end
  return html.page { title = self.title, body = body }
end

-------------------------------------------------------------------------------
-- JSON and CSV

local function evidence_json(ev)
  local out = json.array({})
  for _, e in ipairs(ev) do
    out[#out + 1] = {
      id = e.key, label = e.label, kind = e.kind, type = e.type, sentence = e.sentence,
      rule = e.rule, rule_file = e.rule_file, rule_line = e.rule_line, score = e.score,
      document = { id = e.doc.id, name = e.doc.name, title = e.doc.title, source = e.doc.source,
                   date = e.doc.date, url = e.doc.url },
    }
  end
  return out
end

function Report:to_json()
  local ev = self:appendix()
  local sections = json.array({})
  for _, s in ipairs(self.sections) do
    local cols, rows = json.array({}), json.array({})
    for i, c in ipairs(s.columns) do cols[i] = c.key end
    for _, r in ipairs(s.rows) do
      local o = json.object({})
      for _, c in ipairs(s.columns) do
        local v = r[c.key]
        if type(v) == "table" then v = json.array(v) end
        o[c.key] = v
      end
      if has_evidence(s) then o.evidence = json.array(r.evidence or {}) end
      rows[#rows + 1] = o
    end
    sections[#sections + 1] = { id = s.id, title = s.title, columns = cols, rows = rows,
                                data = s.data }
  end
  return json.encode({
    report = self.name, title = self.title, params = json.object(self.params),
    generated = self.generated, sections = sections, evidence = evidence_json(ev),
  }, { indent = "  " }) .. "\n"
end

local function section_csv(s, label)
  local cols = {}
  for i, c in ipairs(s.columns) do cols[i] = c.key end
  local ev_col = has_evidence(s)
  if ev_col then cols[#cols + 1] = "evidence" end
  local rows = {}
  for _, r in ipairs(s.rows) do
    local o = {}
    for _, c in ipairs(s.columns) do o[c.key] = r[c.key] end
    if ev_col then
      local l = {}
      for _, k in ipairs(r.evidence or {}) do l[#l + 1] = label[k] end
      o.evidence = l
    end
    rows[#rows + 1] = o
  end
  return csv.encode(cols, rows)
end

-- CSV: one file per section plus NAME-evidence.csv; a report of one section
-- is one file (its rows carry their own document and sentence columns).
function Report:to_csv(base)
  local ev, label = self:appendix()
  if #self.sections == 1 then
    -- one table: its rows carry their own document columns; evidence by store key
    local keys = setmetatable({}, { __index = function(_, k) return k end })
    return { { name = base .. ".csv", content = section_csv(self.sections[1], keys) } }
  end
  local files = {}
  for _, s in ipairs(self.sections) do
    files[#files + 1] = { name = base .. "-" .. s.id .. ".csv", content = section_csv(s, label) }
  end
  local rows = {}
  for _, e in ipairs(ev) do
    rows[#rows + 1] = { id = e.label, key = e.key, type = e.type, document = e.doc.name,
      title = e.doc.title, source = e.doc.source, date = e.doc.date, sentence = e.sentence,
      rule = e.rule, rule_file = e.rule_file, rule_line = e.rule_line, score = cell_text(e.score) }
  end
  files[#files + 1] = { name = base .. "-evidence.csv", content = csv.encode(
    { "id", "key", "type", "document", "title", "source", "date", "sentence", "rule", "rule_file",
      "rule_line", "score" }, rows) }
  return files
end

--- Render to files: an array of {name, content}. base: the file name
-- without extension (default the report's name).
function Report:render(format, base)
  base = base or self.name
  if format == "md" then return { { name = base .. ".md", content = self:to_md() } } end
  if format == "html" then return { { name = base .. ".html", content = self:to_html() } } end
  if format == "json" then return { { name = base .. ".json", content = self:to_json() } } end
  if format == "csv" then return self:to_csv(base) end
  error("report " .. tostring(self.name) .. ": no writer for format '" .. tostring(format) .. "'", 2)
end

-------------------------------------------------------------------------------
-- Saving

local function is_dir(path) return core.filetype(path) == "directory" end

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
    io.stdout:write(files[1].content)
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
    f:write(content)
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
