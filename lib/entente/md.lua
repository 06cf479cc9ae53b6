--- entente.md: Markdown output for reports.
--
-- Text from articles is escaped so that it renders as the words it is:
-- Markdown punctuation is backslash-escaped, HTML is neutralised (< and &
-- become entities, as GitHub and CommonMark render them), newlines fold to
-- spaces inside table cells, and invalid UTF-8 is repaired.
local json = require "entente.json"

local M = {}

--- Escape any value as Markdown inline text.
function M.escape(v)
  if v == nil then return "" end
  local s = json.valid_utf8(tostring(v))
  s = s:gsub("[%z\1-\8\11\12\14-\31\127]", "")
  s = s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;")
  s = s:gsub("([\\`*_%[%]|#!{}])", "\\%1")
  s = s:gsub("%s+", " ")
  return s
end

--- A heading with an explicit anchor: `## Title {#id}` is not portable, so
-- the anchor is an HTML <a id> before the heading.
function M.heading(level, title, id)
  local h = string.rep("#", level) .. " " .. M.escape(title)
  if id then return '<a id="' .. id .. '"></a>\n\n' .. h end
  return h
end

--- A pipe table. cols: array of header strings; rows: arrays of cells that
-- are already Markdown (escape text with md.escape first).
function M.table(cols, rows)
  local out = { "| " .. table.concat(cols, " | ") .. " |" }
  local rule = {}
  for i = 1, #cols do rule[i] = "---" end
  out[2] = "| " .. table.concat(rule, " | ") .. " |"
  for _, r in ipairs(rows) do out[#out + 1] = M.row(r, #cols) end
  return table.concat(out, "\n")
end

--- One line of a pipe table: n cells that are already Markdown.
function M.row(cells, n)
  local out = {}
  for i = 1, n or #cells do out[i] = cells[i] == nil and "" or tostring(cells[i]) end
  return "| " .. table.concat(out, " | ") .. " |"
end

return M
