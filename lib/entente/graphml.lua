--- entente.graphml: GraphML (XML) output.
--
-- Keys are declared from the attribute names used (typed string, int or
-- double from the Lua values), sorted; text is XML-escaped, invalid UTF-8
-- repaired and characters XML 1.0 forbids dropped.
local json = require "entente.json"

local M = {}

local ENT = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&apos;" }

--- Escape a value for XML text or attribute values.
function M.escape(v)
  local s = json.valid_utf8(tostring(v == nil and "" or v))
  s = s:gsub("[%z\1-\8\11\12\14-\31]", "")
  s = s:gsub("\239\191[\190\191]", "") -- U+FFFE, U+FFFF
  return (s:gsub("[&<>\"']", ENT))
end

local function kind(v)
  if math.type(v) == "integer" then return "int" end
  if type(v) == "number" then return "double" end
  if type(v) == "boolean" then return "boolean" end
  return "string"
end

local function collect(items, domain, keys, seen)
  for _, it in ipairs(items) do
    for k, v in pairs(it.attrs or {}) do
      local id = domain .. "_" .. k
      if not seen[id] then
        seen[id] = true
        keys[#keys + 1] = { id = id, name = k, domain = domain, type = kind(v) }
      end
    end
  end
end

local function data(domain, attrs, pad)
  local names = {}
  for k in pairs(attrs or {}) do names[#names + 1] = k end
  table.sort(names)
  local out = {}
  for _, k in ipairs(names) do
    local v = attrs[k]
    if type(v) == "boolean" then v = v and "true" or "false" end
    out[#out + 1] = pad .. '<data key="' .. M.escape(domain .. "_" .. k) .. '">' .. M.escape(v) .. "</data>"
  end
  return out
end

--- graphml.graph{directed=, nodes={{id=, attrs={}}}, edges={{from=, to=, attrs={}}}} -> text
function M.graph(g)
  local keys, seen = {}, {}
  collect(g.nodes or {}, "node", keys, seen)
  collect(g.edges or {}, "edge", keys, seen)
  table.sort(keys, function(a, b) return a.id < b.id end)
  local out = {
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns"',
    '    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
    '    xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns ' ..
      'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">',
  }
  for _, k in ipairs(keys) do
    out[#out + 1] = string.format('  <key id="%s" for="%s" attr.name="%s" attr.type="%s"/>',
      M.escape(k.id), k.domain, M.escape(k.name), k.type)
  end
  out[#out + 1] = string.format('  <graph id="%s" edgedefault="%s">', M.escape(g.name or "entente"),
    g.directed and "directed" or "undirected")
  for _, n in ipairs(g.nodes or {}) do
    out[#out + 1] = '    <node id="' .. M.escape(n.id) .. '">'
    for _, l in ipairs(data("node", n.attrs, "      ")) do out[#out + 1] = l end
    out[#out + 1] = "    </node>"
  end
  for i, e in ipairs(g.edges or {}) do
    out[#out + 1] = string.format('    <edge id="e%d" source="%s" target="%s">', i,
      M.escape(e.from), M.escape(e.to))
    for _, l in ipairs(data("edge", e.attrs, "      ")) do out[#out + 1] = l end
    out[#out + 1] = "    </edge>"
  end
  out[#out + 1] = "  </graph>"
  out[#out + 1] = "</graphml>"
  return table.concat(out, "\n") .. "\n"
end

return M
