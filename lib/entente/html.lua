--- entente.html: a small HTML writer for self-contained report pages.
--
-- Everything that comes from articles is text, and text is escaped: the
-- five characters & < > " ' become entities and invalid UTF-8 is repaired,
-- so a hostile title (<script>, quotes, &) stays inert in element content
-- and in attribute values alike. Markup that the writer itself builds is
-- wrapped with html.raw() and passes through unchanged. Pages carry their
-- CSS (screen and print) and a small sortable-table script inline: no
-- network, no external assets.
local json = require "entente.json"

local M = {}

local RAW = {}
RAW.__index = RAW
RAW.__tostring = function(r) return r.s end
RAW.__concat = function(a, b) return M.raw(tostring(M.text(a)) .. tostring(M.text(b))) end

--- Mark a string as markup that must not be escaped.
function M.raw(s) return setmetatable({ s = s }, RAW) end

local ENT = { ["&"] = "&amp;", ["<"] = "&lt;", [">"] = "&gt;", ['"'] = "&quot;", ["'"] = "&#39;" }

--- Escape any value as HTML text (nil is the empty string). Control
-- characters other than tab and newline are dropped; invalid UTF-8 is repaired.
function M.escape(v)
  if v == nil then return "" end
  if getmetatable(v) == RAW then return v.s end
  local s = json.valid_utf8(tostring(v))
  if not s:find("[%z\1-\8\11\12\14-\31\127&<>\"']") then return s end -- the common case
  s = s:gsub("[%z\1-\8\11\12\14-\31\127]", "")
  return (s:gsub("[&<>\"']", ENT))
end

--- Text or markup as a raw value.
function M.text(v)
  if getmetatable(v) == RAW then return v end
  return M.raw(M.escape(v))
end

--- An element: html.el("td", {class = "n"}, content...) -> raw markup.
-- Attributes are sorted by name so that output is deterministic; a false
-- or nil attribute is left out, `true` is written bare.
function M.el(tag, attrs, ...)
  local out = { "<", tag }
  if attrs then
    local keys = {}
    for k in pairs(attrs) do keys[#keys + 1] = k end
    table.sort(keys)
    for _, k in ipairs(keys) do
      local v = attrs[k]
      if v == true then
        out[#out + 1] = " " .. k
      elseif v then
        out[#out + 1] = " " .. k .. '="' .. M.escape(v) .. '"'
      end
    end
  end
  out[#out + 1] = ">"
  for i = 1, select("#", ...) do
    local c = select(i, ...)
    if type(c) == "table" and getmetatable(c) ~= RAW then
      for _, x in ipairs(c) do out[#out + 1] = M.escape(x) end
    else
      out[#out + 1] = M.escape(c)
    end
  end
  out[#out + 1] = "</" .. tag .. ">"
  return M.raw(table.concat(out))
end

--- A link; only fragment links and http(s) URLs are kept (a javascript: or
-- data: URL from an article becomes plain text).
function M.link(href, content)
  href = href and tostring(href) or ""
  if href:match("^#[%w%-_:.]*$") or href:match("^https?://[^%s]+$") then
    return M.el("a", { href = href }, content)
  end
  return M.text(content)
end

--- An id usable as an HTML id and fragment: letters, digits, - and _ only.
function M.id(s)
  return (tostring(s):gsub("[^%w%-_]", "-"))
end

M.CSS = [[
:root{--fg:#1b1f24;--muted:#5b6570;--line:#d5dae0;--bg:#fff;--head:#f3f5f7;--accent:#1f5fa8}
*{box-sizing:border-box}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
color:var(--fg);background:var(--bg);margin:0 auto;max-width:1180px;padding:1.5rem 2rem}
h1{font-size:1.6rem;margin:.2rem 0 .4rem}h2{font-size:1.25rem;margin:2rem 0 .6rem;
border-bottom:1px solid var(--line);padding-bottom:.2rem}h3{font-size:1.05rem;margin:1.2rem 0 .4rem}
p.meta,p.note{color:var(--muted);margin:.2rem 0}
nav.toc{border:1px solid var(--line);background:var(--head);padding:.5rem 1rem;display:inline-block;
margin:.8rem 0}nav.toc ol{margin:.2rem 0;padding-left:1.2rem}
a{color:var(--accent)}
table{border-collapse:collapse;width:100%;margin:.4rem 0 1rem;font-size:.92rem}
th,td{border:1px solid var(--line);padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:var(--head);position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th[aria-sort=ascending]::after{content:" \25B2"}
table.sortable th[aria-sort=descending]::after{content:" \25BC"}
td.n{text-align:right;font-variant-numeric:tabular-nums}td.d{white-space:nowrap}
.stage{display:inline-block;padding:0 .4rem;border-radius:.6rem;color:#fff;font-size:.85em}
.s-intent{background:#8c96a0}.s-talks{background:#3d8fd1}.s-framework{background:#7b5cc4}
.s-contract{background:#d98a1c}.s-delivery{background:#2e9d57}.s-none{background:#c4c9cf}
ol.evidence{padding-left:1.4rem}ol.evidence li{margin:.35rem 0}
ol.evidence li:target{background:#fff6d6}
blockquote{margin:.2rem 0 .2rem .2rem;padding-left:.6rem;border-left:3px solid var(--line)}
.ev{font-size:.85em;white-space:nowrap}.more{color:var(--muted)}
svg{max-width:100%;height:auto;border:1px solid var(--line);background:#fff}
.legend span{margin-right:1rem}
@media print{body{max-width:none;padding:0;font-size:10.5pt}nav.toc{display:none}
a{color:inherit;text-decoration:none}th{position:static}
tr,li,blockquote{page-break-inside:avoid}h2{page-break-after:avoid}
table.sortable th::after{content:""!important}}
]]

-- Click a header to sort; numbers sort as numbers. Stable: ties keep order.
M.JS = [[
(function(){function key(c){var t=c.getAttribute("data-sort")||c.textContent.trim();
var n=parseFloat(t);return(t!==""&&!isNaN(n)&&/^-?[0-9.]+$/.test(t))?[0,n]:[1,t.toLowerCase()];}
function cmp(a,b){if(a[0]!==b[0])return a[0]-b[0];return a[1]<b[1]?-1:a[1]>b[1]?1:0;}
document.querySelectorAll("table.sortable").forEach(function(tb){
tb.querySelectorAll("thead th").forEach(function(th,i){th.addEventListener("click",function(){
var asc=th.getAttribute("aria-sort")!=="ascending";tb.querySelectorAll("thead th").forEach(
function(h){h.removeAttribute("aria-sort");});th.setAttribute("aria-sort",asc?"ascending":"descending");
var body=tb.tBodies[0],rows=Array.prototype.slice.call(body.rows).map(function(r,j){
return [key(r.cells[i]),j,r];});rows.sort(function(a,b){var c=cmp(a[0],b[0]);
return c!==0?(asc?c:-c):a[1]-b[1];});rows.forEach(function(r){body.appendChild(r[2]);});});});});})();
]]

--- A whole page. opts: title, body (raw markup or array of raw parts),
-- extra_css. Returns the document as a string.
function M.page(opts)
  local body = opts.body
  if type(body) == "table" and getmetatable(body) ~= RAW then
    local parts = {}
    for i, b in ipairs(body) do parts[i] = M.escape(b) end
    body = table.concat(parts, "\n")
  else
    body = M.escape(body)
  end
  return table.concat({
    "<!DOCTYPE html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    "<title>" .. M.escape(opts.title) .. "</title>",
    "<style>" .. M.CSS .. (opts.extra_css or "") .. "</style>",
    "</head>",
    "<body>",
    body,
    "<script>" .. M.JS .. "</script>",
    "</body>",
    "</html>",
    "",
  }, "\n")
end

return M
