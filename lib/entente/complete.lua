--- entente.complete: tab completion for the REPL.
--
-- complete(line, cursor, ctx) looks at the text before the cursor and
-- returns the candidates (each replaces the text from `start` to the
-- cursor) and `start` (1-based). It knows:
--
--   :com            REPL commands
--   :why RU         rule names, then document names (per command)
--   en.doc("00      document names inside a call that expects one
--   {type="COU      entity types (also p.ent"..." and needs = {...})
--   doc:sen         methods of a value (":"), fields and methods (".")
--   pri             globals of the REPL's environment and Lua keywords
--
-- Everything it needs comes through ctx, so the spec drives it with fake
-- tables:
--   ctx.env            the REPL's global environment (a table)
--   ctx.commands       array of command names (without ":")
--   ctx.command_args   map command -> array of argument kinds per position
--                      ("doc", "rule", "type", "topic", "option", "lua")
--   ctx.docs(prefix)   document names starting with prefix
--   ctx.rules()        rule names
--   ctx.types()        entity types
--   ctx.topics()       help topics
--   ctx.options()      :set options
-- A missing provider means no candidates of that kind.
local M = {}

local KEYWORDS = {
  "and", "break", "do", "else", "elseif", "end", "false", "for", "function", "goto", "if",
  "in", "local", "nil", "not", "or", "repeat", "return", "then", "true", "until", "while",
}

-- Fields of the handles whose fields live in C (docs/API.md).
M.FIELDS = {
  ["entente.Document"] = {
    "id", "name", "uri", "hash", "title", "date", "source", "url", "lang", "place", "agency",
    "text", "bytes", "meta", "spans", "ingested_at", "updated_at",
  },
  ["entente.Sentence"] = {
    "text", "start", "stop", "index", "doc", "ntokens", "headline", "bullet", "in_quote",
    "para_start",
  },
}

local function sorted_unique(list)
  table.sort(list)
  local out, last = {}, nil
  for _, v in ipairs(list) do
    if v ~= last then out[#out + 1] = v end
    last = v
  end
  return out
end

local function with_prefix(list, prefix, suffix)
  local out = {}
  for _, v in ipairs(list or {}) do
    if type(v) == "string" and v:sub(1, #prefix) == prefix then out[#out + 1] = v .. (suffix or "") end
  end
  return sorted_unique(out)
end

local function call(f, ...)
  if type(f) ~= "function" then return {} end
  local ok, r = pcall(f, ...)
  if ok and type(r) == "table" then return r end
  return {}
end

local function is_ident(k)
  return type(k) == "string" and k:match("^[%a_][%w_]*$") ~= nil
end

-- Keys of a value: its own (tables), then those of its metatable's
-- __index (tables) or `methods` table (entente's userdata), following
-- __index chains a few levels. Returns name -> value.
local function keys_of(v, depth)
  local out = {}
  depth = depth or 0
  if depth > 4 then return out end
  if type(v) == "table" then
    for k, x in next, v do if is_ident(k) then out[k] = x end end
  end
  local ok, mt = pcall(getmetatable, v)
  if ok and type(mt) == "table" then
    local idx = rawget(mt, "__index")
    if type(idx) == "table" and idx ~= v then
      for k, x in pairs(keys_of(idx, depth + 1)) do if out[k] == nil then out[k] = x end end
    end
    local methods = rawget(mt, "methods")
    if type(methods) == "table" then
      for k, x in next, methods do if is_ident(k) and out[k] == nil then out[k] = x end end
    end
    local fields = M.FIELDS[rawget(mt, "__name") or ""]
    if fields then
      for _, k in ipairs(fields) do if out[k] == nil then out[k] = true end end
    end
  end
  return out
end
M.keys_of = keys_of

-- Index v by k without raising (strict handles raise on unknown fields).
local function get(v, k)
  local ok, r = pcall(function() return v[k] end)
  if ok then return r end
  return nil
end

-- The value named by a chain "a.b.c" in env, or nil.
local function resolve(env, chain)
  local v = env
  for name in chain:gmatch("[^%.:]+") do
    if v == nil then return nil end
    v = get(v, name)
  end
  return v
end

--- Candidates for an identifier chain ending at the cursor: "pri",
-- "string.fo", "doc:sen". Returns candidates (full replacements of the
-- last part) and the 1-based start of the last part.
local function complete_lua(before, ctx)
  local chain = before:match("[%a_][%w_]*[%.:][%w_%.:]*$") or before:match("[%a_][%w_]*$")
  if not chain then return {}, #before + 1 end
  local start = #before - #chain + 1
  local head, sep, partial = chain:match("^(.-)([%.:])([%w_]*)$")
  if not head then
    -- a bare name: globals and keywords
    local names = {}
    for k in pairs(keys_of(ctx.env or {})) do names[#names + 1] = k end
    local cands = with_prefix(names, chain)
    for _, kw in ipairs(with_prefix(KEYWORDS, chain)) do cands[#cands + 1] = kw end
    return sorted_unique(cands), start
  end
  if head:find("[%.:]$") or head:find(":") then return {}, #before + 1 end
  local v = resolve(ctx.env or {}, head)
  if v == nil then return {}, #before + 1 end
  local cands = {}
  for k, x in pairs(keys_of(v)) do
    if k:sub(1, #partial) == partial then
      local is_fn = type(x) == "function"
      if sep == ":" then
        if is_fn then cands[#cands + 1] = k .. "(" end
      else
        cands[#cands + 1] = is_fn and (k .. "(") or k
      end
    end
  end
  return sorted_unique(cands), #before - #partial + 1
end

-- Inside a string argument of a call that expects a document, a rule or
-- an entity type: which kind, and where the string's text starts.
local STRING_CONTEXTS = {
  { "[%.:]doc%s*%(?%s*([\"'])([^\"']*)$", "doc" },
  { "[%.:]sentences_of%s*%(?%s*([\"'])([^\"']*)$", "doc" },
  { "[%.:]trace%s*%(%s*([\"'])([^\"']*)$", "rule" },
  { "by_name%s*%[%s*([\"'])([^\"']*)$", "rule" },
  { "[%.:]ent%s*%(?%s*([\"'])([^\"']*)$", "type" },
  { "type%s*=%s*([\"'])([^\"']*)$", "type" },
  { "[{,]%s*([\"'])([^\"']*)$", "type_in_list" },
}

local function kind_candidates(kind, prefix, ctx)
  if kind == "doc" then return with_prefix(call(ctx.docs, prefix), prefix) end
  if kind == "rule" then return with_prefix(call(ctx.rules), prefix) end
  if kind == "type" then return with_prefix(call(ctx.types), prefix) end
  if kind == "topic" then return with_prefix(call(ctx.topics), prefix) end
  if kind == "option" then return with_prefix(call(ctx.options), prefix) end
  return {}
end

local function complete_string(before, ctx)
  for _, c in ipairs(STRING_CONTEXTS) do
    local _, text = before:match(c[1])
    if text then
      local kind = c[2]
      if kind == "type_in_list" then
        -- supersedes = {"COUNTRY", "ORG"} and similar lists of types
        if not before:match("supersedes%s*=%s*{[^}]*$") and not before:match("type%s*=%s*{[^}]*$") then
          kind = nil
        else
          kind = "type"
        end
      end
      if kind then
        return kind_candidates(kind, text, ctx), #before - #text + 1
      end
    end
  end
  -- needs = { COUNTRY = 2 }: type names as keys
  local key = before:match("needs%s*=%s*{[^}]-([%w_]*)$")
  if key and before:match("needs%s*=%s*{[^}]*$") then
    return kind_candidates("type", key, ctx), #before - #key + 1
  end
  return nil
end

--- The REPL command line ":cmd args": command names, then arguments by kind.
local function complete_command(before, ctx)
  local name = before:match("^%s*:([%w_]*)$")
  if name then
    local cands = {}
    for _, c in ipairs(with_prefix(ctx.commands or {}, name)) do cands[#cands + 1] = ":" .. c end
    return cands, #before - #name
  end
  local cmd, rest = before:match("^%s*:([%w_]+)%s+(.*)$")
  if not cmd then return nil end
  local kinds = (ctx.command_args or {})[cmd]
  if not kinds then return {}, #before + 1 end
  if kinds[1] == "lua" then
    -- :try EXPR [@ DOC]: Lua completion, document names after "@"
    local target = rest:match("@%s*([^%s]*)$")
    if target then return kind_candidates("doc", target, ctx), #before - #target + 1 end
    local cands, start = complete_string(before, ctx)
    if cands then return cands, start end
    return complete_lua(before, ctx)
  end
  -- which argument is the cursor in?
  local args = {}
  for a in rest:gmatch("%S+") do args[#args + 1] = a end
  local current = rest:match("(%S*)$")
  local pos = #args
  if current == "" then pos = pos + 1 end
  local kind = kinds[pos] or kinds.rest
  if not kind then return {}, #before + 1 end
  return kind_candidates(kind, current, ctx), #before - #current + 1
end

--- complete(line, cursor, ctx) -> candidates, start (see the top of the file).
-- cursor is the number of bytes before the cursor (default: all of line).
function M.complete(line, cursor, ctx)
  ctx = ctx or {}
  local before = line:sub(1, cursor or #line)
  local cands, start = complete_command(before, ctx)
  if cands then return cands, start end
  cands, start = complete_string(before, ctx)
  if cands then return cands, start end
  -- inside a string that is no argument we know: nothing
  local _, quotes = before:gsub("[\"']", "")
  if quotes % 2 == 1 then return {}, #before + 1 end
  return complete_lua(before, ctx)
end

return M
