-- 10-countries.lua: COUNTRY, REGION and capital-as-PLACE mentions.
--
-- One gazetteer holds every country name (Debian iso-codes: name,
-- official_name, common_name; the comma-inverted forms "Korea, Republic of"
-- are turned round to "Republic of Korea"), the names iso-codes lacks
-- (country_names.tsv: aliases, demonyms, capitals, seats, former names) and
-- the regions (regions.tsv). Because the gazetteer is leftmost-longest, a
-- region or sea that contains a country name ("South China Sea", "Latin
-- American") keeps the country from matching inside it.
--
-- Decisions:
--   * a capital or seat counts as its country only where it stands for the
--     government: possessive ("Rome's intent"), subject of a verb ("Jakarta
--     launched"), or paired with another country or capital ("Ankara and
--     Kuala Lumpur"). A dateline ("BERLIN, May 14") or "in Rome" is a PLACE
--     with attrs.country.
--   * a country name after "in"/"at" is still a COUNTRY (the fact sheets list
--     every country the text refers to) but carries attrs.place_only.
--   * case=exact names (US, Turkey) match only as written; ambiguous=yes
--     names (Georgia, Jordan, Niger, Korea ...) need a country-like context:
--     a preposition or "and" before, a possessive or list after, and no
--     capitalised word next to them (Michael Jordan, Atlanta, Georgia).
--     Ambiguous demonyms (Chinese, Korean, American) are read as the
--     country unless another nationality word precedes ("Malaysian Chinese").
--   * a demonym inside an organisation name is removed later by the ORG
--     rules (supersedes).
local C = include "common"

local g = gazetteer "places"

local function add(name, entry, exact)
  if name and name ~= "" then g:add(name, entry, exact) end
end

-- iso-codes names
for _, e in ipairs(iso_countries()) do
  local entry = { type = "COUNTRY", key = e.alpha_3, attrs = { form = "name" } }
  for _, k in ipairs { "name", "official_name", "common_name" } do
    local v = e[k]
    if v then
      local head, tail = v:match("^(.-),%s*(.+)$")
      if head then
        -- "Korea, Republic of" -> "Republic of Korea"; "Virgin Islands, British" -> skip
        if tail:match(" of$") or tail:match(" of the$") then add(tail .. " " .. head, entry) end
      else
        add((v:gsub("%s*%b()", "")), entry)
        add(v, entry)
      end
    end
  end
end

-- ambiguity flags given to iso-codes names by country_names.tsv (iso-name rows)
local flagged = {}
for _, r in ipairs(tsv "country_names.tsv") do
  local f = C.flags(r.note)
  local form = r.kind == "former" and "alias" or r.kind
  local entry = { type = "COUNTRY", key = r.key,
    attrs = { form = form }, ambiguous = f.ambiguous, kind = r.kind }
  if f.iso_name then flagged[fold(r.name)] = entry end
  add(r.name, entry, f.exact)
end

-- regions, groupings and blockers (seas, straits)
for _, r in ipairs(tsv "regions.tsv") do
  local members = {}
  for m in (r.members or ""):gmatch("%S+") do members[#members + 1] = m end
  local f = C.flags(r.note)
  add(r.name, { type = "REGION", key = r.key, attrs = { members = members, kind = r.kind },
    blocker = (r.note or ""):find("blocker") ~= nil, ambiguous = f.ambiguous }, f.exact)
end

local PREP_PLACE = { ["in"] = true, at = true, near = true, outside = true, via = true, into = true,
  across = true, around = true, inside = true, throughout = true }
local PREP_OK = { ["in"] = true, to = true, from = true, with = true, ["and"] = true, of = true,
  between = true, by = true, ["for"] = true, visit = true, visited = true, visiting = true,
  ["&"] = true, [","] = true, against = true, on = true, at = true, as = true, including = true,
  like = true, both = true, ["–"] = true, ["-"] = true }
-- words after a capital that show it is not acting (a place or part of a name)
local NOT_VERB = { ["in"] = true, on = true, at = true, ["for"] = true, of = true, to = true, from = true,
  with = true, by = true, as = true, ["or"] = true, is = true, ["and"] = true, when = true, where = true,
  which = true, last = true, this = true, next = true, earlier = true, later = true, today = true,
  time = true, office = true, embassy = true, region = true, area = true, city = true, airport = true,
  port = true, summit = true, declaration = true, agreement = true, talks = true, meeting = true }

local function is_countryish(w)
  return w == "'s" or C.country_of(w) ~= nil
end

-- capital or seat: government (COUNTRY) or place (PLACE)?
local function capital_acts(d, hit)
  local text = d.text
  local prev, nxt = C.prev(text, hit.start), C.next(text, hit.stop)
  if nxt == "'s" then return true end
  if C.sentence_initial(d, hit.start) and (nxt == "," or nxt == ":" or nxt == "—" or nxt == "–"
    or nxt == "(") then
    return false -- dateline
  end
  if prev and PREP_PLACE[fold(prev)] then return false end
  -- "Kuala Lumpur and Rome", "Ankara and Kuala Lumpur"
  if nxt and fold(nxt) == "and" then
    local after = text:sub(hit.stop + 1, hit.stop + 60):match("^%s*and%s+([%w\128-\255 ]+)")
    if after then
      for _, m in ipairs(d:mentions { type = "COUNTRY", within = { hit.stop, hit.stop + 60 } }) do
        if m.attrs.form == "capital" or m.attrs.form == "seat" then return true end
      end
      local w1 = after:match("^(%S+)")
      if w1 and is_countryish(w1) then return true end
      local w2 = after:match("^(%S+ %S+)")
      if w2 and C.country_of(w2) then return true end
    end
  end
  if prev and fold(prev) == "and" then
    local before = d:mentions { type = "COUNTRY", within = { math.max(0, hit.start - 40), hit.start } }
    if #before > 0 and before[#before].attrs.government then return true end
  end
  -- subject of a verb: "Jakarta launched", "Rome wants"
  if nxt and C.is_lower_word(nxt) and not NOT_VERB[nxt] and not nxt:match("ly$")
    and (prev == nil or not C.is_cap(prev) or C.sentence_initial(d, hit.start)) then
    return nxt:match("ed$") or nxt:match("s$") or nxt == "will" or nxt == "has" or nxt == "had"
      or nxt == "would" or nxt == "could" or nxt == "should" or nxt == "can" or nxt == "may"
      or nxt == "no" or nxt == "also" or nxt == "still" or nxt == "wants" or nxt == "signed"
  end
  return false
end

-- an ambiguous name (Georgia, Jordan, Niger, Korea): country-like context?
local function name_fits(d, hit)
  local text = d.text
  local prev, nxt = C.prev(text, hit.start), C.next(text, hit.stop)
  local initial = C.sentence_initial(d, hit.start)
  if prev and not initial and C.is_cap(prev) and not C.country_of(prev) then return false end
  if nxt and nxt ~= "'s" and C.is_cap(nxt) and not C.country_of(nxt) then return false end
  if prev == "," then
    local p2 = C.prev(text, (text:sub(1, hit.start)):match(".*(),") - 1)
    if p2 and C.is_cap(p2) and not C.country_of(p2) then return false end -- Atlanta, Georgia
  end
  if nxt == "'s" then return true end
  if prev and PREP_OK[fold(prev)] then return true end
  if nxt and (fold(nxt) == "and" or nxt == ",") then return true end
  return false
end

-- an ambiguous demonym (Chinese, Korean, American): not after another one
local function demonym_fits(d, hit)
  local prev = C.prev(d.text, hit.start)
  if prev and not C.sentence_initial(d, hit.start) and C.is_cap(prev) then
    return false -- Malaysian Chinese, South Korean handled by the longer name
  end
  return true
end

rule {
  name = "country.gazetteer",
  phase = "gazetteer",
  description = "Country names, aliases, demonyms, capitals and regions from iso-codes and the data files.",
  gazetteer = g,
  action = function(hit, s)
    local d = s.d
    local e = hit.entry
    if e.type == "REGION" then
      s:mention { type = "REGION", key = e.key, start = hit.start, stop = hit.stop,
        attrs = C.copy(e.attrs) }
      return
    end
    local text = d.text
    local nxt = C.next(text, hit.stop)
    -- US$, S$, A$: a currency, not a country
    if text:sub(hit.stop + 1, hit.stop + 1) == "$" then return end
    local attrs = C.copy(e.attrs)
    local kind = e.kind
    if kind == "capital" or kind == "seat" then
      if capital_acts(d, hit) then
        attrs.government = true
      else
        s:mention { type = "PLACE", key = fold(hit.text), start = hit.start, stop = hit.stop,
          attrs = { country = e.key } }
        return
      end
    elseif e.ambiguous or flagged[fold(hit.text)] then
      local f = flagged[fold(hit.text)]
      if kind == "demonym" then
        if not demonym_fits(d, hit) then return end
      elseif not name_fits(d, hit) then
        return
      end
      if f then e = f end
    end
    local prev = C.prev(text, hit.start)
    if attrs.form ~= "demonym" and prev and PREP_PLACE[fold(prev)] and nxt ~= "'s" then
      attrs.place_only = true
    end
    s:mention { type = "COUNTRY", key = e.key, start = hit.start, stop = hit.stop, attrs = attrs }
  end,
  examples = {
    { "Ankara and Kuala Lumpur signed a pact on naval training.",
      mentions = { { "COUNTRY", "Ankara", key = "TUR" }, { "COUNTRY", "Kuala Lumpur", key = "MYS" } } },
    { "OSLO, March 3 — Norway will buy submarines built in Germany.",
      mentions = { { "PLACE", "OSLO" }, { "COUNTRY", "Norway", key = "NOR" },
        { "COUNTRY", "Germany", key = "DEU" } },
      absent = { { "COUNTRY", "OSLO" } } },
    { "Patrols in the South China Sea were discussed by Vietnamese and Korean officers.",
      mentions = { { "REGION", "South China Sea", key = "REG:SOUTH_CHINA_SEA" },
        { "COUNTRY", "Vietnamese", key = "VNM" }, { "COUNTRY", "Korean", key = "KOR" } },
      absent = { { "COUNTRY", "China" } } },
    { "The deal is worth US$450 million, and the US will fund training in Republic of Korea.",
      mentions = { { "COUNTRY", "US", key = "USA" }, { "COUNTRY", "Republic of Korea", key = "KOR" } },
      absent = { { "COUNTRY", "US$" } } },
    { "Michael Jordan visited the base, while Jordan and Egypt held talks.",
      mentions = { { "COUNTRY", "Jordan", key = "JOR" } },
      absent = { { "COUNTRY", "Michael Jordan" } } },
    { "Latin American buyers prefer Spanish and Turkish frigates; Canberra's decision is due.",
      mentions = { { "COUNTRY", "Spanish", key = "ESP" }, { "COUNTRY", "Turkish", key = "TUR" },
        { "COUNTRY", "Canberra", key = "AUS" } },
      absent = { { "COUNTRY", "American" } } },
  },
}
