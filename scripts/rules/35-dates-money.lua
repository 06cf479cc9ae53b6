-- 35-dates-money.lua: DATE, DOC_DATE, MONEY and QUANTITY mentions.
--
-- Dates are normalised against the document date (d.doc.date), which may
-- lack a year ("--05-14" when only the dateline gives the day). The year
-- is then inferred: the latest year written in the text that is not after
-- the dateline's day in a later year (news reports the past), else none.
-- Relative dates ("yesterday", "today", "on Wednesday") resolve against the
-- document date and carry attrs.relative. Ranges ("July 2–3", "from January
-- to November 2025", "18 October 2021 – 8 June 2025") give attrs.end.
local C = include "common"

local MONTHS = { january = 1, february = 2, march = 3, april = 4, may = 5, june = 6, july = 7, august = 8,
  september = 9, october = 10, november = 11, december = 12, jan = 1, feb = 2, mar = 3, apr = 4, jun = 6,
  jul = 7, aug = 8, sep = 9, sept = 9, oct = 10, nov = 11, dec = 12 }
local WEEKDAYS = { sunday = 1, monday = 2, tuesday = 3, wednesday = 4, thursday = 5, friday = 6,
  saturday = 7 }

-- the document's date as y, m, d (y may be nil)
local function doc_ymd(d)
  local ds = d.focus._doc_date or (d.doc and d.doc.date) or d.date
  if type(ds) ~= "string" then return nil end
  local y, m, dd = ds:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)")
  if y then return tonumber(y), tonumber(m), tonumber(dd) end
  m, dd = ds:match("^%-%-(%d%d)%-(%d%d)")
  if m then return nil, tonumber(m), tonumber(dd) end
  y, m = ds:match("^(%d%d%d%d)%-(%d%d)")
  if y then return tonumber(y), tonumber(m), nil end
  return nil
end

local DIGITS = "0123456789"

-- infer a missing year from the years the text names (the latest not in
-- the future); kept per document (several rules ask)
local function infer_year(d)
  local known = d.focus._year
  if known ~= nil then return known or nil end
  local best
  for y in d:gmatch_at(DIGITS, "%f[%d](%d%d%d%d)%f[%D]") do
    y = tonumber(y)
    if y >= 1990 and y <= 2100 and (not best or y > best) then best = y end
  end
  d.focus._year = best or false
  return best
end

-- Where the written-date patterns can start, as d:gmatch_at candidates
-- (1-based byte positions, ascending): at month names ("May 14"), at
-- every byte of a number token just before a month name ("14 May",
-- "18 October 2021 – ..."), and at the words "from" and "in". Found with
-- lexicons over the document's tokens: a handful of places, where trying
-- the patterns at every capital letter, digit or "i" took hundreds.
local MONTH_LEX, FROM_LEX, IN_LEX
do
  local names = {}
  for k in pairs(MONTHS) do names[#names + 1] = k end
  table.sort(names)
  MONTH_LEX, FROM_LEX, IN_LEX = lexicon(names), lexicon { "from" }, lexicon { "in" }
end
local function date_starts(d)
  local c = d.focus._date_starts
  if c then return c end
  local n = #d.text
  local w = d:words(0, n)
  local at, before, from, inn = {}, {}, {}, {}
  local _, S = d:cues_many({ MONTH_LEX, FROM_LEX, IN_LEX }, 0, n)
  for _, i in ipairs(S[1] or {}) do
    at[#at + 1] = w.starts[i] + 1
    local j = i - 1
    if j >= 1 and w.words[j]:find("^%d+$") then
      for q = w.starts[j] + 1, w.stops[j] do before[#before + 1] = q end
    end
  end
  for _, i in ipairs(S[2] or {}) do from[#from + 1] = w.starts[i] + 1 end
  for _, i in ipairs(S[3] or {}) do inn[#inn + 1] = w.starts[i] + 1 end
  c = { at = at, before = before, from = from, ["in"] = inn }
  d.focus._date_starts = c
  return c
end

local function iso(y, m, dd)
  if y and m and dd then return string.format("%04d-%02d-%02d", y, m, dd) end
  if y and m then return string.format("%04d-%02d", y, m) end
  if y then return string.format("%04d", y) end
  if m and dd then return string.format("--%02d-%02d", m, dd) end
  return nil
end

local function shift(y, m, dd, days)
  local t = os.time { year = y, month = m, day = dd, hour = 12 } + days * 86400
  local x = os.date("*t", t)
  return x.year, x.month, x.day
end

local function add_date(d, a, b, key, attrs)
  if not key then return end
  attrs.value = key
  d:mention { type = "DATE", start = a, stop = b, key = key, attrs = attrs }
end

rule {
  name = "date.absolute",
  phase = "entities",
  description = "Written dates: May 14, 14 May 2025, July 2-3, January to November 2025, in 2024.",
  run = function(d)
    local dy, dm = doc_ymd(d)
    dy = dy or infer_year(d)
    local text = d.text
    local taken = {}
    local starts = date_starts(d)
    local function free(a, b)
      for i = a, b - 1 do if taken[i] then return false end end
      for i = a, b - 1 do taken[i] = true end
      return true
    end
    -- "18 October 2021 – 8 June 2025", "from January to November 2025"
    local RANGE = "()(%d%d?) (%a+) (%d%d%d%d)%s*[%-\226\128\147\226\128\148]+%s*(%d%d?) (%a+) (%d%d%d%d)()"
    for s, d1, m1, y1, d2, m2, y2, e in d:gmatch_at(starts.before, RANGE) do
      local a, b = MONTHS[fold(m1)], MONTHS[fold(m2)]
      if a and b and free(s - 1, e - 1) then
        add_date(d, s - 1, e - 1, iso(tonumber(y1), a, tonumber(d1)), { precision = "day",
          ["end"] = iso(tonumber(y2), b, tonumber(d2)) })
      end
    end
    for s, m1, m2, y, e in d:gmatch_at(starts.from, "()[Ff]rom (%a+) to (%a+) (%d%d%d%d)()") do
      local a, b = MONTHS[fold(m1)], MONTHS[fold(m2)]
      if a and b and free(s - 1, e - 1) then
        add_date(d, s - 1, e - 1, iso(tonumber(y), a), { precision = "month", ["end"] = iso(tonumber(y), b) })
      end
    end
    -- "July 2–3", "May 14, 2025", "May 14"
    for s, mo, d1, e in d:gmatch_at(starts.at, "()(%u%a+%.?) (%d%d?)%f[%D]()") do
      local rest = text:sub(e, e + 12)
      local m = MONTHS[fold((mo:gsub("%.$", "")))]
      if m and tonumber(d1) <= 31 then
        local stop = s - 1 + #mo + 1 + #d1
        local d2 = rest:match("^%s*[%-\226\128\147]+%s*(%d%d?)")
        local y = rest:match("^,?%s*(%d%d%d%d)%f[%D]")
        local tail = d2 and rest:match("^(%s*[%-\226\128\147]+%s*%d%d?)")
          or (y and rest:match("^(,?%s*%d%d%d%d)"))
        if tail then stop = stop + #tail end
        local year = tonumber(y) or dy
        if not y and dy and dm and m > dm + 1 then year = dy - 1 end -- later month: last year
        if free(s - 1, stop) then
          add_date(d, s - 1, stop, iso(year, m, tonumber(d1)), { precision = year and "day" or nil,
            ["end"] = d2 and iso(year, m, tonumber(d2)) or nil })
        end
      end
    end
    -- "14 May 2025", "14 May"
    for s, d1, mo, e in d:gmatch_at(starts.before, "()%f[%d](%d%d?) (%u%a+)()") do
      local m = MONTHS[fold(mo)]
      if m then
        local y = text:sub(e, e + 5):match("^ (%d%d%d%d)%f[%D]")
        local stop = e - 1 + (y and 5 or 0)
        if free(s - 1, stop) then
          add_date(d, s - 1, stop, iso(tonumber(y) or dy, m, tonumber(d1)), { precision = "day" })
        end
      end
    end
    -- "February 2022", "in 2024"
    for s, mo, y, e in d:gmatch_at(starts.at, "()(%u%a+) (%d%d%d%d)%f[%D]()") do
      local m = MONTHS[fold(mo)]
      if m and free(s - 1, e - 1) then
        add_date(d, s - 1, e - 1, iso(tonumber(y), m), { precision = "month" })
      end
    end
    for s, y, e in d:gmatch_at(starts["in"], "()%f[%a][Ii]n (%d%d%d%d)%f[%D]()") do
      if free(s + 2, e - 1) then add_date(d, s + 2, e - 1, y, { precision = "year" }) end
    end
  end,
  examples = {
    { "The first batch arrived on 3 March 2024; talks ran from January to November 2025.",
      mentions = { { "DATE", "3 March 2024", key = "2024-03-03" },
        { "DATE", "from January to November 2025", key = "2025-01", ["end"] = "2025-11" } } },
    { "The visit on July 2–3 followed a call in 2024.", date = "2025-07-10",
      mentions = { { "DATE", "July 2–3", key = "2025-07-02", ["end"] = "2025-07-03" },
        { "DATE", "2024", key = "2024" } } },
  },
}

rule {
  name = "date.relative",
  phase = "entities",
  description = "yesterday, today, on Wednesday: resolved against the document date.",
  pattern = p.word { "yesterday", "today", "tomorrow" }:as "rel"
    + (p.word "on" * p.word { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday",
      "Sunday" }:as "wd"),
  action = function(m, s)
    local d = s.d
    local y, mo, dd = doc_ymd(d)
    if not mo or not dd then return end
    y = y or infer_year(d)
    if not y then return end
    local delta
    if m.rel then
      local r = fold(m.rel)
      delta = r == "yesterday" and -1 or r == "tomorrow" and 1 or 0
    else
      local want = WEEKDAYS[fold(m.wd)]
      local now = os.date("*t", os.time { year = y, month = mo, day = dd, hour = 12 }).wday
      delta = -((now - want) % 7) -- the latest such weekday on or before the document date
    end
    local yy, mm, ddd = shift(y, mo, dd, delta)
    local a = m.rel and m.start or (m.stop - #m.wd)
    add_date(d, a, m.stop, iso(yy, mm, ddd), { precision = "day", relative = true })
  end,
  examples = {
    { "The ministers met yesterday and again on Monday.", date = "2025-05-14",
      mentions = { { "DATE", "yesterday", key = "2025-05-13", relative = true },
        { "DATE", "Monday", key = "2025-05-12" } } },
  },
}

rule {
  name = "date.document",
  phase = "document",
  description = "DOC_DATE: the document date with the year inferred when the dateline lacks it.",
  run = function(d)
    local ds = d.doc and d.doc.date
    if type(ds) ~= "string" then return end
    local m, dd = ds:match("^%-%-(%d%d)%-(%d%d)$")
    if not m then return end
    local y = infer_year(d)
    if not y then return end
    local key = iso(y, tonumber(m), tonumber(dd))
    d:mention { type = "DOC_DATE", start = 0, stop = 0, key = key, attrs = { value = key, inferred = true } }
  end,
  examples = {
    { "The 2025 ministerial closed in Berlin.", date = "--05-14",
      mentions = { { "DOC_DATE", "", key = "2025-05-14" } } },
  },
}

---------------------------------------------------------------------------
-- Money

local SYMBOL = { ["rm"] = "MYR", ["us$"] = "USD", ["usd"] = "USD", ["$"] = "USD", ["s$"] = "SGD",
  ["a$"] = "AUD", ["€"] = "EUR", ["eur"] = "EUR", ["£"] = "GBP", ["gbp"] = "GBP", ["rs"] = "INR",
  ["rs."] = "INR", ["₹"] = "INR", ["inr"] = "INR", ["rp"] = "IDR", ["¥"] = "JPY", ["c$"] = "CAD",
  ["nz$"] = "NZD", ["r"] = "ZAR", ["myr"] = "MYR", ["krw"] = "KRW", ["aed"] = "AED", ["sar"] = "SAR" }
local WORD_CUR = { won = "KRW", euro = "EUR", euros = "EUR", dollars = "USD", ringgit = "MYR", yen = "JPY",
  rupees = "INR", pounds = "GBP", kroner = "DKK", kronor = "SEK", krona = "SEK", zloty = "PLN", lira = "TRY",
  yuan = "CNY", rupiah = "IDR", riyals = "SAR", dirhams = "AED", pesos = "PHP", rand = "ZAR",
  ["baht"] = "THB" }
local SCALE = { thousand = 1e3, million = 1e6, mn = 1e6, m = 1e6, billion = 1e9, bn = 1e9, b = 1e9,
  trillion = 1e12, tn = 1e12, crore = 1e7, lakh = 1e5 }

local function amount(num, scale)
  local n = tonumber((num:gsub(",", "")))
  if not n then return nil end
  n = n * (SCALE[fold(scale or "")] or 1)
  -- whole amounts as integers (21.2 billion is 21200000000, not 2.12e+10)
  local r = math.floor(n + 0.5)
  if math.abs(n - r) < 1e-6 * math.max(1, math.abs(n)) then return math.tointeger(r) or r end
  return n
end

rule {
  name = "money",
  phase = "entities",
  description = "Amounts of money: RM21.2 billion, US$450 million, €2.3bn, 3 trillion won, Rs 5,000 crore.",
  run = function(d)
    local text = d.text
    local taken = {}
    -- symbol or code first. A match starts where a word or symbol starts
    -- (the frontier): trying inside a word found nothing more, and made the
    -- letter run be matched again from each of its letters.
    local AMOUNT = "%f[%w%$\128-\255]()([%a]*[%$\128-\255]*%.?)%s?([%d][%d,]*%.?%d*)%s?(%a*)()"
    for s, sym, num, sc, e in d:gmatch_at(C.amount_starts(d), AMOUNT) do
      local cur = SYMBOL[fold(sym)]
      if cur and sym ~= "" and (sym:find("[%$\128-\255]") or sym:match("^%u")) and not taken[s] then
        local scale = SCALE[fold(sc)] and sc or nil
        local sp = text:sub(s + #sym, s + #sym) == " " and 1 or 0
        local stop = scale and e - 1 or (s - 1 + #sym + #num + sp)
        local val = amount(num, scale)
        if val then
          taken[s] = true
          d:mention { type = "MONEY", start = s - 1, stop = stop, attrs = { amount = val, currency = cur } }
        end
      end
    end
    -- number, scale, currency word: "3 trillion won", "500 million euros"
    for s, num, sc, word, e in d:gmatch_at(DIGITS, "()%f[%d]([%d][%d,]*%.?%d*) (%a+) (%a+)()") do
      local cur = WORD_CUR[fold(word)]
      if cur and SCALE[fold(sc)] then
        d:mention { type = "MONEY", start = s - 1, stop = e - 1,
          attrs = { amount = amount(num, sc), currency = cur } }
      end
    end
  end,
  examples = {
    { "Trade reached RM21.2 billion, the order is worth US$450 million and €2.3bn, and 3 trillion won.",
      mentions = { { "MONEY", "RM21.2 billion", amount = 21200000000, currency = "MYR" },
        { "MONEY", "US$450 million", currency = "USD" }, { "MONEY", "€2.3bn", currency = "EUR" },
        { "MONEY", "3 trillion won", currency = "KRW" } } },
  },
}

---------------------------------------------------------------------------
-- Quantities of platforms: "three corvettes", "12 FA-50 jets"

local NUMWORDS = { one = 1, two = 2, three = 3, four = 4, five = 5, six = 6, seven = 7, eight = 8, nine = 9,
  ten = 10, eleven = 11, twelve = 12, fifteen = 15, twenty = 20, thirty = 30, forty = 40, fifty = 50,
  dozen = 12, hundred = 100 }
local numwords = {}
for w in pairs(NUMWORDS) do numwords[#numwords + 1] = w end

rule {
  name = "quantity",
  phase = "entities",
  description = "A number before a platform (ASSET mention): three corvettes, 12 FA-50 jets.",
  needs = { ASSET = 1 },
  pattern = (p.num + p.word(numwords)):as "n" * p.gap(2) * p.ent "ASSET":as "item",
  action = function(m, s)
    local n = tonumber((m.n:gsub(",", ""))) or NUMWORDS[fold(m.n)]
    if not n then return end
    -- the gap must not cross punctuation
    if s.d.text:sub(m.start + 1, m.item.start):find("[,;:%(%)]") then return end
    s:mention { type = "QUANTITY", start = m.start, stop = m.stop,
      attrs = { n = n, item = m.item.key } }
  end,
  examples = {
    { "The navy will buy three corvettes and 12 FA-50 jets.",
      mentions = { { "QUANTITY", "three corvettes", n = 3 }, { "QUANTITY", "12 FA-50", n = 12 } } },
  },
}

local _ = C
