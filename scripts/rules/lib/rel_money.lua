-- rel_money: amounts and periods for TRADE and PROCUREMENT values.
--
-- Uses MONEY and DATE mentions when the entity rules made them; otherwise
-- reads the common forms itself ("RM21.2 billion", "US$375 million",
-- "EUR 2.5bn"; "from January to November 2025", "in 2024").
local M = {}

local PREFIX = { ["rm"] = "MYR", ["us$"] = "USD", ["$"] = "USD", ["usd"] = "USD", ["€"] = "EUR",
  ["eur"] = "EUR", ["£"] = "GBP", ["gbp"] = "GBP", ["krw"] = "KRW", ["₩"] = "KRW", ["rs"] = "INR",
  ["inr"] = "INR", ["a$"] = "AUD", ["aud"] = "AUD", ["c$"] = "CAD", ["s$"] = "SGD", ["sgd"] = "SGD",
  ["rp"] = "IDR", ["idr"] = "IDR", ["myr"] = "MYR", ["¥"] = "JPY", ["jpy"] = "JPY", ["php"] = "PHP",
  ["₱"] = "PHP", ["chf"] = "CHF", ["sek"] = "SEK", ["nok"] = "NOK", ["dkk"] = "DKK", ["pln"] = "PLN",
  ["try"] = "TRY", ["aed"] = "AED", ["sar"] = "SAR", ["nz$"] = "NZD" }
local SUFFIX = { ringgit = "MYR", dollars = "USD", euros = "EUR", euro = "EUR", won = "KRW",
  rupees = "INR", pounds = "GBP", yen = "JPY", rupiah = "IDR", pesos = "PHP", zloty = "PLN",
  kroner = "DKK", kronor = "SEK", lira = "TRY", dirhams = "AED", riyals = "SAR" }
local SCALE = { thousand = 1e3, million = 1e6, mn = 1e6, m = 1e6, billion = 1e9, bn = 1e9, b = 1e9,
  trillion = 1e12, tn = 1e12, crore = 1e7, lakh = 1e5 }

local function round(x) return math.floor(x + 0.5) end

--- Money amounts in a text: list of {amount, currency, start, stop} (offsets in text).
function M.parse(text)
  local out = {}
  local low = text:lower()
  local i = 1
  while i <= #low do
    -- currency prefix, number, optional scale
    local s, e, cur, num, scale = low:find("([%a$€£¥₩₱]*%$?)%s?(%d[%d,]*%.?%d*)%s?(%a*)", i)
    if not s then break end
    local code = PREFIX[cur]
    local value = tonumber((num:gsub(",", "")))
    local mult = SCALE[scale]
    local stop = e
    if not mult and scale ~= "" then stop = e - #scale end
    if value and not code then
      -- "2.5 billion euros"
      local after = low:sub(stop + 1):match("^%s*(%a+)")
      if mult and after and SUFFIX[after] then code = SUFFIX[after] end
      if not mult and scale and SUFFIX[scale] then code = SUFFIX[scale] end
    end
    if code and value then
      out[#out + 1] = { amount = round(value * (mult or 1)), currency = code, start = s - 1, stop = stop }
    end
    i = e + 1
  end
  return out
end

--- Money in a span of a document: MONEY mentions if any, else parsed.
function M.in_span(d, a, b)
  local out = {}
  for _, m in ipairs(d:mentions { type = "MONEY", within = { a, b } }) do
    local amount = m.attrs and tonumber(m.attrs.amount)
    if amount and m.attrs.currency then
      if amount == math.floor(amount) and math.abs(amount) < 2 ^ 62 then amount = math.tointeger(amount) end
      out[#out + 1] = { amount = amount, currency = m.attrs.currency, start = m.start, stop = m.stop }
    end
  end
  if #out > 0 then return out end
  for _, x in ipairs(M.parse(d.text:sub(a + 1, b))) do
    x.start, x.stop = x.start + a, x.stop + a
    out[#out + 1] = x
  end
  return out
end

local MONTHS = { january = 1, february = 2, march = 3, april = 4, may = 5, june = 6, july = 7, august = 8,
  september = 9, october = 10, november = 11, december = 12, jan = 1, feb = 2, mar = 3, apr = 4, jun = 6,
  jul = 7, aug = 8, sep = 9, sept = 9, oct = 10, nov = 11, dec = 12 }

--- The period a text names: "from January to November 2025" → 2025-01/2025-11;
-- "in 2024" or "2024" → 2024; nil when none.
function M.period(text)
  local low = fold(text)
  local m1, m2, y = low:match("(%a+)%s*[%-–to ]+%s*(%a+)%s+(%d%d%d%d)")
  if m1 and MONTHS[m1] and MONTHS[m2] then
    return string.format("%s-%02d/%s-%02d", y, MONTHS[m1], y, MONTHS[m2])
  end
  local mo, y2 = low:match("(%a+)%s+(%d%d%d%d)")
  if mo and MONTHS[mo] then return string.format("%s-%02d", y2, MONTHS[mo]) end
  local y3 = low:match("%f[%d](%d%d%d%d)%f[%D]")
  return y3
end

return M
