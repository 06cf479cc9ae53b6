--- entente.fmt: plain-text formatting shared by the CLI, reports and the REPL.
local M = {}

--- Display width of a UTF-8 string (code points; invalid bytes count one each).
function M.width(s)
  s = tostring(s)
  return utf8.len(s) or #s
end

--- Cut s to at most n display columns, marking the cut with "…".
function M.truncate(s, n)
  s = tostring(s)
  if M.width(s) <= n then return s end
  if not utf8.len(s) then return s:sub(1, n) end
  local cut = utf8.offset(s, n) or (#s + 1)
  return s:sub(1, cut - 1) .. "…"
end

--- One line: newlines and runs of spaces folded to single spaces.
function M.oneline(s)
  return (tostring(s):gsub("%s+", " "))
end

local function pad(s, n, right)
  local gap = n - M.width(s)
  if gap <= 0 then return s end
  if right then return string.rep(" ", gap) .. s end
  return s .. string.rep(" ", gap)
end

--- Render rows (arrays or tables keyed by column) as an aligned text table.
-- cols: array of column names; opts.max: widest column (default 60);
-- opts.header: print the header line (default true). Numbers align right.
function M.table(rows, cols, opts)
  opts = opts or {}
  local max = opts.max or 60
  local cells, widths, numeric = {}, {}, {}
  for j, c in ipairs(cols) do
    widths[j] = M.width(c)
    numeric[j] = true
  end
  for i, row in ipairs(rows) do
    cells[i] = {}
    for j, c in ipairs(cols) do
      local v = row[c]
      if v == nil then v = row[j] end
      if v ~= nil and type(v) ~= "number" then numeric[j] = false end
      local s = v == nil and "" or M.truncate(M.oneline(v), max)
      cells[i][j] = s
      if M.width(s) > widths[j] then widths[j] = M.width(s) end
    end
  end
  local out = {}
  if opts.header ~= false then
    local h, rule = {}, {}
    for j, c in ipairs(cols) do
      h[j] = pad(c, widths[j], numeric[j])
      rule[j] = string.rep("-", widths[j])
    end
    out[#out + 1] = (table.concat(h, "  "):gsub("%s+$", ""))
    out[#out + 1] = table.concat(rule, "  ")
  end
  for i = 1, #cells do
    local line = {}
    for j = 1, #cols do line[j] = pad(cells[i][j], widths[j], numeric[j]) end
    out[#out + 1] = (table.concat(line, "  "):gsub("%s+$", ""))
  end
  return table.concat(out, "\n")
end

--- Human-readable byte count.
function M.bytes(n)
  if n < 1024 then return string.format("%d B", n) end
  if n < 1024 * 1024 then return string.format("%.1f KiB", n / 1024) end
  if n < 1024 * 1024 * 1024 then return string.format("%.1f MiB", n / 1048576) end
  return string.format("%.2f GiB", n / 1073741824)
end

--- CSV field per RFC 4180.
function M.csv_field(v)
  if v == nil then return "" end
  local s = tostring(v)
  if s:find('[,"\r\n]') then return '"' .. s:gsub('"', '""') .. '"' end
  return s
end

function M.csv_row(values, n)
  local out = {}
  for i = 1, n or #values do out[i] = M.csv_field(values[i]) end
  return table.concat(out, ",")
end

return M
