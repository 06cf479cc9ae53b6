--- entente.json: a JSON writer that is valid for any input.
--
-- Strings that are not valid UTF-8 have each bad byte replaced by U+FFFD;
-- control characters are escaped. Object keys are sorted so that output is
-- deterministic. Use json.null for null, json.array(t) / json.object(t) to
-- say what an empty table is (an untagged empty table is an array).
local M = {}

M.null = setmetatable({}, { __tostring = function() return "null" end })
local ARRAY = { __jsontype = "array" }
local OBJECT = { __jsontype = "object" }
function M.array(t) return setmetatable(t or {}, ARRAY) end
function M.object(t) return setmetatable(t or {}, OBJECT) end

local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}

-- Make s valid UTF-8 (each invalid byte becomes U+FFFD).
local function valid_utf8(s)
  if utf8.len(s) then return s end
  local out, i = {}, 1
  while true do
    local ok, bad = utf8.len(s, i)
    if ok then
      out[#out + 1] = s:sub(i)
      break
    end
    out[#out + 1] = s:sub(i, bad - 1)
    out[#out + 1] = "\u{FFFD}"
    i = bad + 1
  end
  return table.concat(out)
end
M.valid_utf8 = valid_utf8

local function quote(s)
  -- most strings need no escapes: skip gsub for them
  if not s:find('[%c"\\\128-\255]') then return '"' .. s .. '"' end
  s = valid_utf8(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end
M.quote = quote

local function is_array(t)
  local mt = getmetatable(t)
  if mt == ARRAY then return true end
  if mt == OBJECT then return false end
  local n = #t
  local count = 0
  for _ in pairs(t) do count = count + 1 end
  return count == n
end

local encode

local function encode_table(t, indent, depth, seen)
  if seen[t] then error("json: cannot encode a table that contains itself", 0) end
  seen[t] = true
  local nl, pad, pad_in, sep = "", "", "", ","
  if indent then
    nl = "\n"
    pad = string.rep(indent, depth)
    pad_in = string.rep(indent, depth + 1)
  end
  local parts = {}
  local out
  if is_array(t) then
    for i = 1, #t do parts[i] = pad_in .. encode(t[i], indent, depth + 1, seen) end
    if #parts == 0 then
      out = "[]"
    else
      out = "[" .. nl .. table.concat(parts, sep .. nl) .. nl .. pad .. "]"
    end
  else
    local keys = {}
    for k in pairs(t) do
      if type(k) ~= "string" and type(k) ~= "number" then
        error("json: object keys must be strings or numbers, got " .. type(k), 0)
      end
      keys[#keys + 1] = k
    end
    table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
    local colon = indent and ": " or ":"
    for i, k in ipairs(keys) do
      parts[i] = pad_in .. quote(tostring(k)) .. colon .. encode(t[k], indent, depth + 1, seen)
    end
    if #parts == 0 then
      out = "{}"
    else
      out = "{" .. nl .. table.concat(parts, sep .. nl) .. nl .. pad .. "}"
    end
  end
  seen[t] = nil
  return out
end

encode = function(v, indent, depth, seen)
  local tv = type(v)
  if v == nil or v == M.null then
    return "null"
  elseif tv == "boolean" then
    return v and "true" or "false"
  elseif tv == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    if math.type(v) == "integer" then return tostring(v) end
    if v == math.floor(v) and math.abs(v) < 2^53 then return string.format("%d", v) end
    return string.format("%.14g", v)
  elseif tv == "string" then
    return quote(v)
  elseif tv == "table" then
    return encode_table(v, indent, depth, seen)
  else
    error("json: cannot encode a " .. tv, 0)
  end
end

-- The compact form is written in C (engine/lua_text.c, the same output),
-- when this module runs inside entente.
local ok_core, core = pcall(require, "entente.core")
local encode_c, attrs_c
if ok_core and type(core) == "table" and core.json_setup then
  encode_c, attrs_c = core.json_setup(M.null, ARRAY, OBJECT)
end
M.attrs_c = attrs_c -- see entente.engine: attributes as stored

--- json.encode(value [, {indent = "  ", depth = 0}]) -> text. depth: the
-- nesting level the value sits at, for writing a document a piece at a time.
function M.encode(v, opts)
  local indent = opts and opts.indent
  if indent == true then indent = "  " end
  if not indent and encode_c then return encode_c(v) end
  return encode(v, indent, opts and opts.depth or 0, {})
end

--- The encoder written in Lua (compact form), for tests that compare both.
function M.encode_lua(v) return encode(v, nil, 0, {}) end

return M
