--- entente.dot: Graphviz DOT output.
--
-- Every id and attribute value is written as a quoted string with \ and "
-- escaped and line breaks turned into \n, so any article text is a valid
-- DOT string. Attributes are sorted by name; nodes and edges keep the order
-- given (callers sort them), so output is deterministic.
local json = require "entente.json"

local M = {}

--- Quote a value as a DOT string.
function M.quote(v)
  local s = json.valid_utf8(tostring(v == nil and "" or v))
  s = s:gsub("[%z\1-\8\11\12\14-\31\127]", "")
  s = s:gsub('[\\"]', "\\%0"):gsub("\r?\n", "\\n")
  return '"' .. s .. '"'
end

local function attrs(t)
  if not t or next(t) == nil then return "" end
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = k end
  table.sort(keys)
  local parts = {}
  for i, k in ipairs(keys) do parts[i] = k .. "=" .. M.quote(t[k]) end
  return " [" .. table.concat(parts, ", ") .. "]"
end

--- dot.graph{name=, directed=, graph={attrs}, node={default attrs},
--   nodes={{id=, attrs={}}...}, edges={{from=, to=, attrs={}}...}} -> text
function M.graph(g)
  local kw, arrow = g.directed and "digraph" or "graph", g.directed and " -> " or " -- "
  local out = { kw .. " " .. M.quote(g.name or "entente") .. " {" }
  if g.graph then out[#out + 1] = "  graph" .. attrs(g.graph) .. ";" end
  if g.node then out[#out + 1] = "  node" .. attrs(g.node) .. ";" end
  for _, n in ipairs(g.nodes or {}) do
    out[#out + 1] = "  " .. M.quote(n.id) .. attrs(n.attrs) .. ";"
  end
  for _, e in ipairs(g.edges or {}) do
    out[#out + 1] = "  " .. M.quote(e.from) .. arrow .. M.quote(e.to) .. attrs(e.attrs) .. ";"
  end
  out[#out + 1] = "}"
  return table.concat(out, "\n") .. "\n"
end

return M
