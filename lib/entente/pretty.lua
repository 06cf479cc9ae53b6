--- entente.pretty: how the REPL shows values.
--
-- format(v, opts) -> text. Knows entente's values and lays them out for
-- reading: a Document as a card (title, date, source, length), a list of
-- Documents, mentions or relations as an aligned table with one row each,
-- a Sentence as its text with its mentions highlighted, a list of records
-- (rows of en.sql) as a table. Anything else prints as a Lua constructor,
-- on one line when it fits, with limits on depth, items and string length.
--
-- opts: color (ANSI escapes, default false), depth (default 3), items
-- (per table, default 40), strlen (default 200), width (default 100),
-- mentions (function(sentence) -> list of mentions to highlight), top
-- (strings at the top level print raw, as lua.c does; default true).
local fmt = require "entente.fmt"

local M = {}

local DEFAULTS = { depth = 3, items = 40, strlen = 200, width = 100, rows = 200 }

local STYLES = {
  hl = "1;36", bold = "1", dim = "2", red = "31", green = "32", yellow = "33", cyan = "36",
  key = "33", str = "32", num = "35",
}

--- A painter: paint(s, style) wraps s in an ANSI style when enabled.
function M.painter(enabled)
  if not enabled then return function(s) return s end end
  return function(s, style)
    return "\27[" .. (STYLES[style] or "1") .. "m" .. s .. "\27[0m"
  end
end

local function with_defaults(opts)
  local o = {}
  for k, v in pairs(DEFAULTS) do o[k] = v end
  for k, v in pairs(opts or {}) do o[k] = v end
  o.paint = M.painter(o.color)
  return o
end

local function type_name(v)
  local ok, mt = pcall(getmetatable, v)
  if ok and type(mt) == "table" then
    local n = rawget(mt, "__name")
    if type(n) == "string" then return n end
  end
  return nil
end
M.type_name = type_name

-- Read a field without raising (strict handles raise on unknown ones).
local function get(v, k)
  local ok, r = pcall(function() return v[k] end)
  if ok then return r end
  return nil
end

local function is_doc(v) return type_name(v) == "entente.Document" end
local function is_sentence(v) return type_name(v) == "entente.Sentence" end

--- Is t a mention (engine or store form)?
function M.is_mention(t)
  return type(t) == "table" and not type_name(t) and type(t.type) == "string"
    and math.type(t.start) == "integer" and math.type(t.stop) == "integer"
    and type(t.text) == "string" and t.args == nil
end

--- Is t a relation (engine form: args is a table of roles; store form from
-- explain: args is a string)?
function M.is_relation(t)
  return type(t) == "table" and not type_name(t) and type(t.type) == "string"
    and (type(t.args) == "table" or type(t.args) == "string") and t.rule ~= nil
end

local function is_array_of(t, pred)
  if type(t) ~= "table" or type_name(t) or #t == 0 then return false end
  local n = 0
  for _ in pairs(t) do n = n + 1 end
  if n ~= #t then return false end
  for i = 1, #t do if not pred(t[i]) then return false end end
  return true
end

-- Flat records: tables whose values are all scalars, keyed by strings.
local function is_record(t)
  if type(t) ~= "table" or type_name(t) or next(t) == nil then return false end
  for k, v in pairs(t) do
    if type(k) ~= "string" then return false end
    local tv = type(v)
    if tv ~= "string" and tv ~= "number" and tv ~= "boolean" then return false end
  end
  return true
end

local FIRST_COLUMNS = { "id", "name", "type", "key", "text", "title", "date", "source" }

local function record_columns(rows)
  local seen, cols = {}, {}
  for _, r in ipairs(rows) do
    for k in pairs(r) do
      if not seen[k] then seen[k] = true; cols[#cols + 1] = k end
    end
  end
  local rank = {}
  for i, c in ipairs(FIRST_COLUMNS) do rank[c] = i end
  table.sort(cols, function(a, b)
    local ra, rb = rank[a] or 100, rank[b] or 100
    if ra ~= rb then return ra < rb end
    return a < b
  end)
  return cols
end

local function more_line(n, o)
  return o.paint(string.format("… %d more", n), "dim")
end

-- A table of rows, at most o.rows of them.
local function rows_table(rows, cols, o, opts)
  local shown = {}
  for i = 1, math.min(#rows, o.rows) do shown[i] = rows[i] end
  local s = fmt.table(shown, cols, opts)
  if #rows > o.rows then s = s .. "\n" .. more_line(#rows - o.rows, o) end
  return s
end

---------------------------------------------------------------------------
-- Text with highlighted spans

--- highlight(text, s0, s1, spans, paint): the text of [s0, s1) with each
-- span {a, b} (absolute 0-based offsets) marked: [brackets] when plain,
-- a colour on a terminal. Overlapping spans: the earlier one wins.
function M.highlight(text, s0, s1, spans, paint, color)
  local list = {}
  for i, sp in ipairs(spans) do list[i] = sp end
  table.sort(list, function(x, y) return x[1] < y[1] or (x[1] == y[1] and x[2] > y[2]) end)
  local parts, pos = {}, s0
  for _, sp in ipairs(list) do
    local a, b = math.max(sp[1], pos), math.min(sp[2], s1)
    if a < b then
      parts[#parts + 1] = text:sub(pos + 1, a)
      local covered = text:sub(a + 1, b)
      parts[#parts + 1] = color and paint(covered, "hl") or ("[" .. covered .. "]")
      pos = b
    end
  end
  parts[#parts + 1] = text:sub(pos + 1, s1)
  return table.concat(parts)
end

---------------------------------------------------------------------------
-- entente values

local function doc_length(d)
  local b = get(d, "bytes") or #(get(d, "text") or "")
  local s = fmt.bytes(b)
  local ok, n = pcall(function() return d:count_sentences() end)
  if ok and math.type(n) == "integer" then
    s = s .. string.format(", %d sentence%s", n, n == 1 and "" or "s")
  end
  return s
end

--- A Document as a card.
function M.document(d, opts)
  local o = with_defaults(opts)
  local lines = {}
  local id = get(d, "id")
  lines[1] = o.paint("Document", "bold") .. (id and (" " .. tostring(id)) or "") .. "  " ..
    tostring(get(d, "name") or "(unnamed)")
  local function row(label, v)
    if v ~= nil and v ~= "" then
      lines[#lines + 1] = string.format("  %-7s %s", label, fmt.truncate(fmt.oneline(v), o.width))
    end
  end
  row("title", get(d, "title"))
  row("date", get(d, "date"))
  row("source", get(d, "source"))
  row("place", get(d, "place"))
  row("length", doc_length(d))
  return table.concat(lines, "\n")
end

--- A list of Documents: one row each.
function M.documents(list, opts)
  local o = with_defaults(opts)
  local rows = {}
  for i, d in ipairs(list) do
    rows[i] = { id = get(d, "id") or "", name = get(d, "name") or "", date = get(d, "date") or "",
      source = get(d, "source") or "", length = fmt.bytes(get(d, "bytes") or #(get(d, "text") or "")),
      title = fmt.truncate(fmt.oneline(get(d, "title") or ""), 50) }
  end
  return rows_table(rows, { "id", "name", "date", "source", "length", "title" }, o)
end

local function arg_text(v)
  if type(v) == "string" then return v end
  if type(v) == "table" then
    if v.key ~= nil then return tostring(v.key) end
    if v.text ~= nil then return tostring(v.text) end
    if v.value ~= nil then return tostring(v.value) end
    local parts = {}
    for _, x in ipairs(v) do parts[#parts + 1] = arg_text(x) end
    return table.concat(parts, ",")
  end
  return tostring(v)
end

--- A relation's arguments as "role=key role=key" (roles sorted).
function M.relation_args(r)
  if type(r.args) == "string" then return r.args end
  local roles = {}
  for role in pairs(r.args) do roles[#roles + 1] = tostring(role) end
  table.sort(roles)
  local parts = {}
  for _, role in ipairs(roles) do parts[#parts + 1] = role .. "=" .. arg_text(r.args[role]) end
  return table.concat(parts, " ")
end

--- Mentions: one row each (type, key, text, span, rule).
function M.mentions(list, opts)
  local o = with_defaults(opts)
  local rows = {}
  for i, m in ipairs(list) do
    rows[i] = { type = m.type, key = m.key ~= nil and tostring(m.key) or "",
      text = fmt.truncate(fmt.oneline(m.text), 40), span = m.start .. "-" .. m.stop,
      rule = m.rule or "" }
  end
  return rows_table(rows, { "type", "key", "text", "span", "rule" }, o)
end

--- Relations: one row each (type, stage, arguments, span, rule).
function M.relations(list, opts)
  local o = with_defaults(opts)
  local rows = {}
  for i, r in ipairs(list) do
    rows[i] = { type = r.type, stage = r.stage or "", args = M.relation_args(r),
      span = r.start and (r.start .. "-" .. tostring(r.stop)) or "", rule = r.rule or "" }
  end
  return rows_table(rows, { "type", "stage", "args", "span", "rule" }, o)
end

--- A Sentence: its index and text with its mentions highlighted, then
-- the mentions one per row. mentions: list of {start, stop, type, ...}.
function M.sentence(s, mentions, opts)
  local o = with_defaults(opts)
  local s0, s1 = get(s, "start") or 0, get(s, "stop")
  local d = get(s, "doc")
  local text, base
  if d and get(d, "text") then
    text, base = get(d, "text"), 0
  else
    text, base = get(s, "text") or "", s0
  end
  s1 = s1 or (s0 + #text)
  local spans = {}
  for _, m in ipairs(mentions or {}) do spans[#spans + 1] = { m.start - base, m.stop - base } end
  local line = M.highlight(text, s0 - base, s1 - base, spans, o.paint, o.color)
  local out = o.paint("#" .. tostring(get(s, "index") or "?"), "dim") .. " " .. fmt.oneline(line)
  if mentions and #mentions > 0 then
    out = out .. "\n" .. M.mentions(mentions, opts):gsub("([^\n]+)", "    %1")
  end
  return out
end

---------------------------------------------------------------------------
-- Lua values

local function quote(s, o)
  local cut = false
  if #s > o.strlen then
    s = s:sub(1, o.strlen)
    -- do not cut a UTF-8 character in two
    while #s > 0 and not utf8.len(s) do s = s:sub(1, -2) end
    cut = true
  end
  s = s:gsub('[%c"\\]', function(c)
    if c == "\n" then return "\\n" end
    if c == "\t" then return "\\t" end
    if c == '"' then return '\\"' end
    if c == "\\" then return "\\\\" end
    return string.format("\\%03d", c:byte())
  end)
  return o.paint('"' .. s .. '"', "str") .. (cut and o.paint("…", "dim") or "")
end

local function scalar(v, o)
  local t = type(v)
  if t == "string" then return quote(v, o) end
  if t == "number" then return o.paint(tostring(v), "num") end
  if t == "function" then
    local info = debug.getinfo(v, "S")
    if info.what == "C" then return "function: builtin" end
    return string.format("function: %s:%d", info.short_src, info.linedefined)
  end
  local name = type_name(v)
  if name == "entente.Document" then
    return string.format("<Document %s %s>", tostring(get(v, "id") or ""), tostring(get(v, "name")))
  elseif name == "entente.Sentence" then
    return string.format("<Sentence #%s %s>", tostring(get(v, "index")),
      quote(fmt.truncate(fmt.oneline(get(v, "text") or ""), 50), o))
  elseif name == "entente.Store" then
    local ok, p = pcall(function() return v:path() end)
    return "<Store " .. (ok and tostring(p) or "closed") .. ">"
  end
  return tostring(v)
end

local function key_text(k, o)
  if type(k) == "string" and k:match("^[%a_][%w_]*$") then return o.paint(k, "key") end
  return "[" .. scalar(k, o) .. "]"
end

local function sorted_keys(t, n)
  local keys = {}
  for k in pairs(t) do
    if not (math.type(k) == "integer" and k >= 1 and k <= n) then keys[#keys + 1] = k end
  end
  table.sort(keys, function(a, b)
    local ta, tb = type(a), type(b)
    if ta ~= tb then return ta < tb end
    if ta == "number" or ta == "string" then return a < b end
    return tostring(a) < tostring(b)
  end)
  return keys
end

local function value(v, o, depth, indent, seen)
  if type(v) ~= "table" or type_name(v) then return scalar(v, o) end
  if seen[v] then return o.paint("<cycle>", "dim") end
  local n = #v
  local keys = sorted_keys(v, n)
  local total = n + #keys
  if total == 0 then return "{}" end
  if depth <= 0 then
    return o.paint(string.format("{… %d item%s}", total, total == 1 and "" or "s"), "dim")
  end
  seen[v] = true
  local items = {}
  for i = 1, math.min(n, o.items) do items[#items + 1] = value(v[i], o, depth - 1, indent + 2, seen) end
  for i = 1, math.min(#keys, o.items - #items) do
    local k = keys[i]
    items[#items + 1] = key_text(k, o) .. " = " .. value(v[k], o, depth - 1, indent + 2, seen)
  end
  seen[v] = nil
  if total > #items then items[#items + 1] = more_line(total - #items, o) end
  local one = "{ " .. table.concat(items, ", ") .. " }"
  if not one:find("\n") and fmt.width(one:gsub("\27%[[%d;]*m", "")) + indent <= o.width then
    return one
  end
  local pad = string.rep(" ", indent + 2)
  return "{\n" .. pad .. table.concat(items, ",\n" .. pad) .. "\n" .. string.rep(" ", indent) .. "}"
end

--- format(v [, opts]) -> text (see the top of the file).
function M.format(v, opts)
  local o = with_defaults(opts)
  if type(v) == "string" and o.top ~= false then return v end
  if is_doc(v) then return M.document(v, o) end
  if is_sentence(v) then
    return M.sentence(v, o.mentions and o.mentions(v) or nil, o)
  end
  if is_array_of(v, is_doc) then return M.documents(v, o) end
  if is_array_of(v, M.is_mention) then return M.mentions(v, o) end
  if is_array_of(v, M.is_relation) then return M.relations(v, o) end
  if is_array_of(v, is_sentence) then
    local out = {}
    for i = 1, math.min(#v, o.rows) do
      out[i] = M.sentence(v[i], o.mentions and o.mentions(v[i]) or nil, o)
    end
    if #v > o.rows then out[#out + 1] = more_line(#v - o.rows, o) end
    return table.concat(out, "\n")
  end
  if is_array_of(v, is_record) then return rows_table(v, record_columns(v), o) end
  return value(v, o, o.depth, 0, {})
end

--- format_all(n, ...) -> the text of n values, one per line.
function M.format_all(opts, n, ...)
  local out = {}
  for i = 1, n do out[i] = M.format((select(i, ...)), opts) end
  return table.concat(out, "\n")
end

return M
