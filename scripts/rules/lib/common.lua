-- lib/common.lua: helpers shared by the entity rules (10-45): flag parsing
-- for the data files, the country index (names, demonyms, capitals -> ISO3),
-- and small text look-arounds (the word before or after a span).
local C = {}

--- Flags of a note cell: "ambiguous=yes; case=exact for KAI; free text".
-- Returns { ambiguous = bool, exact = bool, lang = s, strip_no = bool,
--           ambiguous_for = {folded alias = true}, exact_for = {alias = true} }.
function C.flags(note)
  local f = { ambiguous_for = {}, exact_for = {} }
  for part in ((note or "") .. ";"):gmatch("([^;]*);") do
    part = part:gsub("^%s+", ""):gsub("%s+$", "")
    local flag, target = part:match("^([%w=%-]+)%s+for%s+(.+)$")
    if flag == "ambiguous=yes" then
      for t in target:gmatch("[^/,]+") do
        f.ambiguous_for[fold((t:gsub("^%s+", ""):gsub("%s+$", "")))] = true
      end
    elseif flag == "case=exact" then
      for t in target:gmatch("[^/,]+") do f.exact_for[(t:gsub("^%s+", ""):gsub("%s+$", ""))] = true end
    elseif part == "ambiguous=yes" then f.ambiguous = true
    elseif part == "case=exact" then f.exact = true
    elseif part == "strip=no" then f.strip_no = true
    elseif part == "iso-name" then f.iso_name = true
    elseif part:match("^lang=") then f.lang = part:match("^lang=(%w+)")
    end
  end
  return f
end

--- Split a " | "-separated list cell.
function C.list(cell)
  local out = {}
  for x in ((cell or "") .. " | "):gmatch("(.-) | ") do
    x = x:gsub("^%s+", ""):gsub("%s+$", "")
    if x ~= "" then out[#out + 1] = x end
  end
  return out
end

---------------------------------------------------------------------------
-- Countries

local iso3 = {}        -- alpha-3 -> iso entry
local by_name = {}     -- folded name/alias -> alpha-3 (unambiguous names only)
local by_demonym = {}  -- folded demonym -> alpha-3
local country_name = {} -- alpha-3 -> short English name

for _, e in ipairs(iso_countries()) do
  iso3[e.alpha_3] = e
  country_name[e.alpha_3] = e.common_name or e.name
  for _, k in ipairs { "name", "official_name", "common_name" } do
    local v = e[k]
    if v and not v:find(",") then by_name[fold(v)] = e.alpha_3 end
  end
end
for _, r in ipairs(tsv "country_names.tsv") do
  local f = C.flags(r.note)
  local k = fold(r.name)
  if r.kind == "demonym" then
    if not by_demonym[k] or not f.ambiguous then by_demonym[k] = r.key end
  elseif not f.ambiguous then
    by_name[k] = r.key
  end
end
C.iso3, C.country_name = iso3, country_name

--- The alpha-3 code of a country name, alias, capital or demonym (folded
-- look-up), or nil.
function C.country_of(text)
  if not text then return nil end
  local k = fold(text)
  if iso3[text] then return text end
  return by_name[k] or by_demonym[k] or by_demonym[k:gsub("s$", "")]
end

---------------------------------------------------------------------------
-- Look-arounds over the document text (byte offsets, 0-based like mentions)

--- The token just before offset a: a word (letters, digits, hyphens,
-- apostrophes inside) or one punctuation character; nil at the start.
-- Byte classes for C.prev: word bytes (letters, digits, UTF-8) and the
-- bytes a word may hold after its first (also - . ').
local WORD_BYTE, INNER_BYTE, SPACE_BYTE = {}, {}, {}
for b = 0, 255 do
  local c = string.char(b)
  WORD_BYTE[b] = c:find("^[%w\128-\255]$") ~= nil
  INNER_BYTE[b] = WORD_BYTE[b] or c == "-" or c == "." or c == "'"
  SPACE_BYTE[b] = c:find("^%s$") ~= nil
end

function C.prev(text, a)
  -- walks back over bytes (a pattern anchored at the end would be tried
  -- from every byte of the 80 before a)
  local lo = math.max(1, a - 80)
  local i = math.min(a, #text)
  while i >= lo and SPACE_BYTE[text:byte(i)] do i = i - 1 end
  if i < lo then return nil end
  local last = i
  while i >= lo and INNER_BYTE[text:byte(i)] do i = i - 1 end
  -- the word starts at the first word byte of the run: a trailing dot
  -- stays part of it (an initial or abbreviation)
  local j = i + 1
  while j <= last and not WORD_BYTE[text:byte(j)] do j = j + 1 end
  if j <= last then return text:sub(j, last) end
  return text:sub(last, last)
end

--- The token just after offset b.
function C.next(text, b)
  local tail = text:sub(b + 1, b + 80)
  tail = tail:gsub("^[ \t]+", "")
  if tail == "" then return nil end
  if tail:sub(1, 1) == "\n" then return "\n" end
  local w = tail:match("^([%w\128-\255][%w\128-\255%-]*)")
  if w then return w end
  -- curly apostrophe-s
  if tail:match("^\226\128\153s") then return "'s" end
  if tail:match("^'s") then return "'s" end
  return tail:match("^([\128-\255][\128-\191]*)") or tail:sub(1, 1)
end

--- Is a word capitalised (first letter upper case, ASCII or Latin-1/Extended)?
function C.is_cap(w)
  if not w then return false end
  local c = w:sub(1, 1)
  if c:match("%u") then return true end
  -- a UTF-8 upper-case Latin letter (rough: Ä..Þ, Ł, Ś, Ž ...): fold differs
  return c:byte() and c:byte() >= 0xC3 and fold(w) ~= w:lower() and w:lower() ~= w
end

function C.is_lower_word(w)
  return w ~= nil and w:match("^[%l]") ~= nil
end

--- Does the span start a sentence (only spaces, quotes or bullets before it
-- in its sentence)?
function C.sentence_initial(d, a)
  local _, s0 = d:sentence_of(a)
  if not s0 then return true end
  local head = d.text:sub(s0 + 1, a)
  return not head:find("[%w\128-\255]")
end

--- The country (alpha-3) written just before a span: "Italian X", "Italy's X",
-- "Italy X", "Malaysia’s X", looking at COUNTRY mentions that end right
-- before it (only spaces and a possessive between).
function C.country_before(d, a)
  local best
  for _, m in ipairs(d:mentions { type = "COUNTRY", within = { math.max(0, a - 60), a } }) do
    local between = d.text:sub(m.stop + 1, a)
    if between:match("^%s*$") or between:match("^['\226\128\153]s%s*$") then best = m end
  end
  return best and best.key, best
end

--- The country written just after a span: "of Italy", "of the Republic of X".
function C.country_after(d, b)
  local m = d:mentions { type = "COUNTRY", within = { b, math.min(#d.text, b + 40) } }[1]
  if m then
    local between = d.text:sub(b + 1, m.start)
    if between:match("^%s+of%s+$") or between:match("^%s+of%s+the%s+$") then return m.key, m end
  end
  return nil
end

--- The main country of the document: the most frequent COUNTRY key (ties to
-- the earliest); nil when there is none.
function C.main_country(d, exclude)
  local n, first = {}, {}
  for i, m in ipairs(d:mentions { type = "COUNTRY" }) do
    if m.key ~= exclude then
      n[m.key] = (n[m.key] or 0) + 1
      first[m.key] = first[m.key] or i
    end
  end
  local best
  for k, c in pairs(n) do
    if not best or c > n[best] or (c == n[best] and first[k] < first[best]) then best = k end
  end
  return best
end

--- Where an amount of money (AMOUNT in the money rule) can start, for
-- d:gmatch_at: ascending 1-based positions. An amount is letters, symbol
-- bytes ($, non-ASCII) and maybe a dot, maybe one space, then digits; it
-- starts where a word starts (a frontier), so its first digit is the first
-- of a run. Walking back from each run's first digit over the space, the
-- dot, the symbol bytes and the letters gives every place an amount ending
-- in those digits can start: the walk's end, after the dot, after the
-- space, the digit itself. (A spec compares the result with gmatch.)
local LETTER, SYMBOL_BYTE = {}, {}
for b = 0, 255 do
  local c = string.char(b)
  LETTER[b] = c:find("^%a$") ~= nil
  SYMBOL_BYTE[b] = c == "$" or b >= 128
end
function C.amount_starts(d)
  local text, out, seen = d.text, {}, {}
  local function add(q) if not seen[q] then seen[q] = true; out[#out + 1] = q end end
  for _, p in ipairs(d:byte_positions("0123456789")) do
    local pb = p > 1 and text:byte(p - 1) or 0
    if pb < 48 or pb > 57 then -- the first digit of a run
      add(p)
      local q = p - 1
      if q >= 1 and text:sub(q, q):find("^%s$") then add(q + 1); q = q - 1 end
      if q >= 1 and text:byte(q) == 46 then add(q + 1); q = q - 1 end
      while q >= 1 and SYMBOL_BYTE[text:byte(q)] do q = q - 1 end
      while q >= 1 and LETTER[text:byte(q)] do q = q - 1 end
      add(q + 1)
    end
  end
  table.sort(out)
  return out
end

--- Copy a table (shallow).
function C.copy(t)
  local c = {}
  for k, v in pairs(t or {}) do c[k] = v end
  -- gazetteer attrs are proxies: copy their defaults too
  local mt = getmetatable(t or {})
  if mt and type(mt.__index) == "table" then
    for k, v in pairs(mt.__index) do if c[k] == nil then c[k] = v end end
  end
  return c
end

return C
