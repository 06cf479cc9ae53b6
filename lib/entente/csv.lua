--- entente.csv: CSV (RFC 4180) and TSV output.
--
-- CSV: fields with a comma, quote, CR or LF are quoted and quotes doubled
-- (entente.fmt), records end with CRLF. TSV (for event data, as CAMEO
-- datasets are distributed): tabs and line breaks inside a field become
-- spaces, records end with LF. Both repair invalid UTF-8.
local fmt = require "entente.fmt"
local json = require "entente.json"

local M = {}

local function cell(v)
  if v == nil then return nil end
  if type(v) == "table" then v = table.concat(v, "; ") end
  return json.valid_utf8(tostring(v))
end

--- csv.encode(columns, rows): rows are arrays, or tables keyed by column name.
function M.encode(cols, rows)
  local out = { M.row(cols) }
  for _, r in ipairs(rows) do out[#out + 1] = M.row(cols, r) end
  return table.concat(out)
end

--- csv.row(columns [, row]): one record with its CRLF (a row as for
-- csv.encode); without a row, the header. For writing record by record.
function M.row(cols, r)
  if r == nil then return fmt.csv_row(cols) .. "\r\n" end
  local vals = {}
  for i, c in ipairs(cols) do
    local v = r[c]
    if v == nil then v = r[i] end
    vals[i] = cell(v)
  end
  return fmt.csv_row(vals, #cols) .. "\r\n"
end

local function tsv_field(v)
  v = cell(v)
  if v == nil then return "" end
  return (v:gsub("[\t\r\n]+", " "))
end

--- csv.tsv_row(columns [, row]): one TSV line with its LF; without a row, the header.
function M.tsv_row(cols, r)
  local vals = {}
  for i, c in ipairs(cols) do
    local v
    if r == nil then v = c else v = r[c]; if v == nil then v = r[i] end end
    vals[i] = tsv_field(v)
  end
  return table.concat(vals, "\t") .. "\n"
end

--- csv.tsv(columns, rows): tab-separated values with a header line.
function M.tsv(cols, rows)
  local out = {}
  local head = {}
  for i, c in ipairs(cols) do head[i] = tsv_field(c) end
  out[1] = table.concat(head, "\t")
  for _, r in ipairs(rows) do
    local vals = {}
    for i, c in ipairs(cols) do
      local v = r[c]
      if v == nil then v = r[i] end
      vals[i] = tsv_field(v)
    end
    out[#out + 1] = table.concat(vals, "\t")
  end
  return table.concat(out, "\n") .. "\n"
end

return M
