-- 30-orgs.lua: ORG mentions.
--
--   org.gazetteer     names and aliases of organizations.tsv (companies,
--                     agencies, armed forces, international bodies, media)
--   org.acronym       "Full Name (ACR)": an organisation defined with its
--                     acronym in brackets; the acronym becomes an alias
--   org.company       capitalised tokens ending in a company suffix (Inc, Ltd,
--                     Sdn Bhd, SpA, A.S., GmbH, AB, plc, Corp, Group,
--                     Industries, Aerospace, Shipyard ...) or starting with PT
--   org.ministry      generic ministries ("Defence Ministry", "Ministry of
--                     Defence", "Italian Ministry of Foreign Affairs"), kind
--                     government, country from context
--   org.military      armed forces named after their country ("Royal Malaysian
--                     Navy", "the Indonesian Air Force", "Bangladesh Navy")
--
-- Every ORG rule supersedes COUNTRY: a demonym or country name inside an
-- organisation's name ("Turkish Aerospace") is not a country mention.
-- attrs: name (fullest name), aliases, kind, country. The key is the folded
-- name; 45-resolve.lua merges the forms of one organisation in a document.
local C = include "common"

local og = gazetteer "orgs"
local ORG_BY_FORM = {} -- folded form -> list of entries
C.ORG_BY_FORM = ORG_BY_FORM

local function is_acronym(s) return s:match("^[%u%d&%-%.]+$") ~= nil and s:find("%u") ~= nil end

for _, r in ipairs(tsv "organizations.tsv") do
  local f = C.flags(r.note)
  local aliases = C.list(r.aliases)
  local entry = { type = "ORG", key = fold(r.name),
    attrs = { name = r.name, aliases = aliases, kind = r.kind, country = r.country } }
  local forms = { r.name }
  for _, a in ipairs(aliases) do forms[#forms + 1] = a end
  for _, form in ipairs(forms) do
    local exact = f.exact_for[form] or (f.exact and is_acronym(form))
    local amb = f.ambiguous_for[fold(form)] or (f.ambiguous and next(f.ambiguous_for) == nil)
    local e = { type = "ORG", key = entry.key, attrs = entry.attrs, ambiguous = amb, base = entry }
    og:add(form, e, exact)
    local k = fold(form)
    ORG_BY_FORM[k] = ORG_BY_FORM[k] or {}
    table.insert(ORG_BY_FORM[k], entry)
  end
end

local function doc_countries(d)
  local set = {}
  for _, m in ipairs(d:mentions { type = "COUNTRY" }) do set[m.key] = true end
  return set
end

local function org_attrs(base, text)
  local a = C.copy(base)
  local al = {}
  for _, x in ipairs(base.aliases or {}) do al[#al + 1] = x end
  if text and fold(text) ~= fold(a.name) then
    local have = false
    for _, x in ipairs(al) do if fold(x) == fold(text) then have = true end end
    if not have then al[#al + 1] = text end
  end
  a.aliases = al
  return a
end
C.org_attrs = org_attrs

rule {
  name = "org.gazetteer",
  phase = "gazetteer",
  description = "Organisations of organizations.tsv by name or alias.",
  gazetteer = og,
  supersedes = { "COUNTRY" },
  action = function(hit, s)
    local d = s.d
    local e = hit.entry
    -- one form shared by two organisations (TAI, MINDEF, DND): the one whose
    -- country the document names; the listed default otherwise
    local forms = ORG_BY_FORM[fold(hit.text)]
    if forms and #forms > 1 then
      local cs = doc_countries(d)
      for _, cand in ipairs(forms) do
        if cand.attrs.country and cs[cand.attrs.country] then
          e = { attrs = cand.attrs, key = cand.key }
          break
        end
      end
    end
    if hit.entry.ambiguous then
      local prev, nxt = C.prev(d.text, hit.start), C.next(d.text, hit.stop)
      if prev and not C.sentence_initial(d, hit.start) and C.is_cap(prev) and not C.country_of(prev) then
        return
      end
      if nxt and (C.is_cap(nxt) or nxt == "da" or nxt == "di") then return end
      -- a lone capitalised word that is also a name: not before said/told as a person
      if not hit.text:find("%u%u") and nxt and (nxt == "said" or nxt == "told") and prev
        and C.is_cap(prev) then return end
    end
    s:mention { type = "ORG", key = e.key, start = hit.start, stop = hit.stop,
      attrs = org_attrs(e.attrs, hit.text) }
  end,
  examples = {
    { "Fincantieri and Leonardo SpA will work with Turkish Aerospace.",
      mentions = { { "ORG", "Fincantieri", country = "ITA", kind = "company" },
        { "ORG", "Leonardo SpA", key = "leonardo" }, { "ORG", "Turkish Aerospace", country = "TUR" } },
      absent = { { "COUNTRY", "Turkish" } } },
  },
}

---------------------------------------------------------------------------
-- Helpers for the pattern-built organisations

local CONNECT = { ["and"] = true, ["&"] = true, of = true, ["for"] = true, the = true, de = true,
  ve = true, ["di"] = true, ["del"] = true, ["des"] = true, ["du"] = true, ["-"] = true }
local SUFFIX_SET = {}
local WEAK_SUFFIX = { group = true, industries = true, aerospace = true, shipyard = true, shipyards = true,
  dockyard = true, holdings = true, shipbuilders = true, shipbuilding = true, systems = true,
  technologies = true, engineering = true, corporation = true }
-- does an ORG mention end at offset?
local function ORG_END(d, off)
  for _, m in ipairs(d:mentions { type = "ORG", within = { math.max(0, off - 120), off } }) do
    if m.stop == off then return true end
  end
  return false
end
-- last words of programme and platform names: "(ATAGS)" after one is not an organisation
local PRODUCT = {}
for w in ([[system systems aircraft missile missiles ship ships vessel vessels gun guns programme program
  project vehicle vehicles fighter fighters drone drones submarine submarines helicopter helicopters
  radar corvette corvettes frigate frigates tank tanks howitzer howitzers jet jets plan strategy
  initiative agreement treaty exercise scheme]]):gmatch("%S+") do PRODUCT[w] = true end
local LEAD_STOP = {}
for w in ([[the a an this that in on at for from with by to of and or but as after before during
  while when where if meanwhile however also both all some many most every each other another
  such no not under according today yesterday earlier later last next its their his her our
  he she it they we]]):gmatch("%S+") do LEAD_STOP[w] = true end

-- does an ORG or COUNTRY mention start at offset?
local KNOWN = { "ORG", "COUNTRY" }
local function starts_known(d, off)
  return d:mention_at(off, KNOWN) ~= nil
end

-- Capitalised tokens (with connectors) ending at token index j; returns the
-- first index. Stops at titles, persons and sentence-initial function words.
local function cap_run_back(d, t, j, max)
  local i = j
  local n = 0
  while i >= 1 and n < (max or 8) do
    local k = t[i]
    if i < j and not d.text:sub(k.stop + 1, t[i + 1].start):match("^[ \t]*$") then break end
    if k.kind == "word" and (k.cap or k.upper) and not LEAD_STOP[fold(k.text)] then
      if d:mentions { type = { "PERSON", "TITLE" }, within = { k.start, k.stop } }[1] then break end
      n = n + 1
      i = i - 1
    elseif CONNECT[fold(k.text)] and i < j and i > 1 and (t[i - 1].cap or t[i - 1].upper)
      -- "and" before a known organisation or a country joins two names, not one
      -- ("the Ministry of Defence and Turkish Aerospace Industries")
      and not ((k.text == "and" or k.text == "&") and starts_known(d, t[i + 1].start))
      and not d:mentions { type = "ORG", within = { t[i - 1].start, t[i - 1].stop } }[1]
      and not d:mentions { type = "ORG", within = { t[i - 1].start - 1, t[i - 1].stop } }[1]
      and not ORG_END(d, t[i - 1].stop)
      and not (SUFFIX_SET[t[i - 1].text] and not WEAK_SUFFIX[fold(t[i - 1].text)])
      and not d:mentions { type = { "COUNTRY", "PLACE" }, within = { t[i - 1].start, t[i - 1].stop } }[1] then
      i = i - 1
    else
      break
    end
  end
  i = i + 1
  while i <= j and (CONNECT[fold(t[i].text)] or not (t[i].cap or t[i].upper)) do i = i + 1 end
  if i > j then return nil end
  return i
end
C.cap_run_back = cap_run_back

-- the country named inside a span (a demonym or name), if one
local function country_inside(d, a, b)
  local inside = d:mentions { type = "COUNTRY", within = { a, b } }
  if inside[1] then return inside[1].key end
  -- COUNTRY mentions may already be superseded: look the words up
  for w in d.text:sub(a + 1, b):gmatch("[%a\128-\255]+") do
    local c = C.country_of(w)
    if c and #w > 3 then return c end
  end
  return nil
end
C.country_inside = country_inside

local function add_org(d, a, b, attrs, priority)
  local text = d.text:sub(a + 1, b)
  attrs.name = attrs.name or text
  attrs.aliases = attrs.aliases or {}
  return d:mention { type = "ORG", start = a, stop = b, key = fold(attrs.name), attrs = attrs,
    priority = priority }
end
C.add_org = add_org

local function kind_of(name)
  local f = " " .. fold(name) .. " "
  if f:find(" navy ") or f:find(" army ") or f:find(" air force ") or f:find(" armed forces ")
    or f:find(" coast guard") or f:find(" marine corps ") or f:find(" defen[cs]e forces? ")
    or f:find(" naval forces ") or f:find(" land forces ") or f:find(" marines ") then
    return "military"
  end
  if f:find(" ministry ") or f:find(" department ") or f:find(" agency ") or f:find(" authority ")
    or f:find(" council ") or f:find(" committee ") or f:find(" secretariat ") or f:find(" administration ")
    or f:find(" directorate ") or f:find(" presidency ") or f:find(" commission ") then
    return "government"
  end
  if f:find(" nations ") or f:find(" organi[sz]ation of ") or f:find(" treaty organi") then
    return "international"
  end
  return "company"
end
C.org_kind_of = kind_of

---------------------------------------------------------------------------

-- "Defence Technologies Engineering and Trade Inc (STM)", "Malaysian
-- Investment Development Authority (Mida)": a name and its acronym.
rule {
  name = "org.acronym",
  phase = "entities",
  description = "A capitalised name followed by its acronym in brackets.",
  supersedes = { "COUNTRY" },
  run = function(d)
    local t = C.tokens_of(d)
    for j = 2, #t - 2 do
      if t[j].text == "(" and t[j + 2] and t[j + 2].text == ")" or (t[j].text == "(" and t[j + 3]
        and t[j + 3].text == ")" and t[j + 2].kind == "word") then
        local close = t[j + 2].text == ")" and j + 2 or j + 3
        local acr = d.text:sub(t[j + 1].start + 1, t[close - 1].stop)
        -- an acronym: capitals, maybe some lower-case letters (Matrade, TNI AU, E&E is lower-case-led text)
        local ok = acr:match("^%u[%w&%.%-]*$") or acr:match("^%u+ %u+$")
        local caps = select(2, acr:gsub("%u", ""))
        if ok and caps >= 1 and #acr <= 12 and not C.country_of(acr) then
          local i = cap_run_back(d, t, j - 1, 10)
          if i then
            local a, b = t[i].start, t[j - 1].stop
            local long = d.text:sub(a + 1, b)
            -- the initials of the long name should agree with the acronym's first letter
            local ntoks = 0
            for _ in long:gmatch("%S+") do ntoks = ntoks + 1 end
            local lf = fold(long):sub(1, 1)
            local af = fold(acr):sub(1, 1)
            local existing
            for _, m in ipairs(d:mentions { type = "ORG", within = { a, b } }) do existing = m end
            local acr_org
            for _, m in ipairs(d:mentions { type = "ORG", within = { t[j + 1].start, t[close - 1].stop } }) do
              acr_org = m
            end
            local person = d:mentions { type = { "PERSON" }, within = { a, b } }[1]
            -- the acronym is known, but the name given here is not one of its forms: a local definition
            if acr_org and not existing then
              local same = fold(acr_org.attrs.name) == fold(long)
              for _, x in ipairs(acr_org.attrs.aliases or {}) do
                if fold(x) == fold(long) then same = true end
              end
              if not same then d:remove(acr_org); acr_org = nil end
            end
            local lastw = fold(long:match("(%S+)$") or "")
            if PRODUCT[lastw] and not existing and not acr_org then person = true end
            if not person and (ntoks >= 2 or existing) and (lf == af or existing or acr_org) then
              if existing and existing.start <= a and existing.stop >= b then
                -- a known organisation: the acronym is one more alias
                table.insert(existing.attrs.aliases, acr)
              elseif existing and (existing.stop - existing.start) >= (b - a) * 0.6
                and existing.start > a then
                -- "the Indonesian Air Force (TNI AU)" where the gazetteer knows "Indonesian Air Force"
                table.insert(existing.attrs.aliases, acr)
              else
                local attrs
                if acr_org then
                  attrs = C.copy(acr_org.attrs)
                  attrs.aliases = { acr }
                  for _, x in ipairs(acr_org.attrs.aliases or {}) do table.insert(attrs.aliases, x) end
                  if fold(attrs.name) ~= fold(long) then table.insert(attrs.aliases, long) end
                  attrs.name = acr_org.attrs.name
                else
                  attrs = { name = long, aliases = { acr }, kind = kind_of(long),
                    country = country_inside(d, a, b) }
                end
                local m = add_org(d, a, b, attrs)
                if m and acr_org then
                  acr_org.key = m.key
                  acr_org.attrs = m.attrs
                elseif m then
                  add_org(d, t[j + 1].start, t[close - 1].stop,
                    { name = long, aliases = { acr }, kind = attrs.kind, country = attrs.country })
                end
              end
            end
          end
        end
      end
    end
  end,
  examples = {
    { "Guests included Northern Marine Works and Trade Inc (NMW) and the Ruritanian Investment "
      .. "Authority (Ria).",
      mentions = { { "ORG", "Northern Marine Works and Trade Inc", kind = "company" },
        { "ORG", "Ruritanian Investment Authority", kind = "government" } } },
  },
}

-- company suffixes after capitalised tokens, and the Indonesian PT prefix
local SUFFIX = {}
for _, s in ipairs { "Inc", "Inc.", "Ltd", "Ltd.", "Limited", "Sdn Bhd", "Bhd", "SpA", "S.p.A.", "A.Ş.",
  "A.S.",
  "JSC", "PJSC", "AB", "ASA", "GmbH", "AG", "SE", "SA", "S.A.", "NV", "N.V.", "BV", "plc", "PLC", "Corp",
  "Corp.", "Corporation", "Co.", "Co", "LLC", "LLP", "Pty Ltd", "Pvt Ltd", "Private Limited",
  "SOC Ltd", "Group", "Industries", "Aerospace", "Shipyard", "Shipyards", "Dockyard", "Holdings",
  "Shipbuilders", "Shipbuilding", "Systems", "Technologies", "Engineering" } do
  SUFFIX[#SUFFIX + 1] = s
  SUFFIX_SET[s] = true
end
local SUFFIX_COUNTRY = { ["sdn bhd"] = "MYS", bhd = "MYS", spa = "ITA", ["s.p.a."] = "ITA", ["a.s."] = "TUR",
  gmbh = "DEU", ab = "SWE", ["pty ltd"] = "AUS", ["pvt ltd"] = "IND", ["private limited"] = "IND",
  ["soc ltd"] = "ZAF" }
local sufpat = p.word(SUFFIX):as "suffix"

rule {
  name = "org.company",
  phase = "entities",
  description = "Capitalised tokens ending in a company suffix (Inc, Ltd, Sdn Bhd, SpA, GmbH, Group ...).",
  supersedes = { "COUNTRY" },
  pattern = sufpat * -(#p.cap),
  action = function(m, s)
    local d = s.d
    local t = C.tokens_of(d)
    local j = C.tok_from(t, m.start) - 1
    if j < 1 then return end
    -- the suffix must follow a capitalised word
    if not (t[j].cap or t[j].upper) then return end
    local i = cap_run_back(d, t, j, 7)
    if not i then return end
    local a, b = t[i].start, m.stop
    -- a weak suffix (Group, Industries, Aerospace) after one word that is a country:
    -- "Turkish Aerospace"
    -- is fine; but not after a sentence-initial common word
    local words = select(2, d.text:sub(a + 1, b):gsub("%S+", ""))
    if words < 2 then return end
    local suf = fold(m.suffix)
    -- a company suffix is written with a capital: "Italian group" is not a company
    if not m.suffix:match("^%u") then return end
    -- an office that ends in a suffix word ("President of Defence Industries") is a title
    for _, tm in ipairs(d:mentions { type = "TITLE", within = { a, b } }) do
      if tm.stop == b then return end
    end
    local inside = d:mentions { type = "ORG", within = { a, b } }
    if #inside > 0 then
      local o = inside[1]
      if o.start == a and o.stop == b then return end
      if WEAK_SUFFIX[suf] and o.start == a then return end
    end
    if WEAK_SUFFIX[suf] and C.sentence_initial(d, a) and not (t[i].upper) and words < 2 then return end
    local country = SUFFIX_COUNTRY[suf] or country_inside(d, a, b)
    local name = d.text:sub(a + 1, b)
    local attrs = { name = name, aliases = {}, kind = "company", country = country }
    -- "Leonardo SpA": the known organisation with the legal form
    if #inside == 1 and inside[1].start == a then
      local o = inside[1]
      -- keep the known organisation's name (and so its key); the legal form is an alias
      attrs = C.org_attrs(o.attrs, name)
    end
    add_org(d, a, b, attrs)
  end,
  examples = {
    { "The frigates come from Karadeniz Tersane Sdn Bhd and Nordvik Marine Systems AB.",
      mentions = { { "ORG", "Karadeniz Tersane Sdn Bhd", country = "MYS", kind = "company" },
        { "ORG", "Nordvik Marine Systems AB", country = "SWE" } } },
    -- two organisations joined by "and"; an office whose last word is a suffix word
    { "A deal between the Ministry of Defence and Turkish Aerospace Industries was hailed by the "
      .. "President of Defence Industries.",
      absent = { { "ORG", "Ministry of Defence and Turkish Aerospace Industries" },
        { "ORG", "President of Defence Industries" } } },
  },
}

rule {
  name = "org.pt",
  phase = "entities",
  description = "Indonesian companies: PT followed by capitalised tokens.",
  supersedes = { "COUNTRY" },
  pattern = p.word "PT" * (p.cap * p.opt(p.cap) * p.opt(p.cap)):as "rest",
  action = function(m, s)
    if not s.d.text:sub(m.start + 1, m.start + 2):match("^PT$") then return end
    if s.d:mentions { type = "ORG", within = { m.start, m.stop } }[1] then return end
    add_org(s.d, m.start, m.stop, { kind = "company", country = "IDN" })
  end,
  examples = {
    { "PT Sinar Laut Perkasa builds the hulls.",
      mentions = { { "ORG", "PT Sinar Laut Perkasa", country = "IDN" } } },
  },
}

-- generic ministries: "Defence Ministry", "Ministry of (National) Defence",
-- "Ministry of Foreign Affairs", "Department of National Defense"
local MIN_SUBJ = { "Defence", "Defense", "National Defence", "National Defense", "Foreign Affairs", "Foreign",
  "Trade", "Finance", "Interior", "Home Affairs", "Economy", "Industry", "Energy", "Transport",
  "Foreign Affairs and International Cooperation", "Investment, Trade and Industry", "Defence Production",
  "Armed Forces", "the Armed Forces" }
local min_pat = (p.word { "Ministry", "Department", "Secretariat" } * p.word { "of", "for" }
    * p.word(MIN_SUBJ))
  + (p.word(MIN_SUBJ) * p.word { "Ministry", "Department" })

rule {
  name = "org.ministry",
  phase = "entities",
  description = "Generic ministries, with the country from a demonym before, 'of X' after, or the document.",
  supersedes = { "COUNTRY" },
  pattern = p.opt(p.ent "COUNTRY":as "c") * min_pat,
  action = function(m, s)
    local d = s.d
    -- capitalised only: "the ministry of defence" in running text is still it, but require a capital M/D
    if not m.text:match("%u") then return end
    local a, b = m.start, m.stop
    local country, prefix
    if m.c then
      local between = d.text:sub(m.c.stop + 1, m.c.stop + 4)
      if between:match("^['\226]") then
        -- "Malaysia's Ministry of Defence": the possessive is not part of the name
        country = m.c.key
        local k = C.tokens_of(d)
        local i = C.tok_from(k, m.c.stop)
        while k[i] and k[i].start < b and not k[i].text:match("^%u") do i = i + 1 end
        a = k[i].start
      else
        country = m.c.key
        prefix = true
      end
    end
    country = country or C.country_before(d, a) or C.country_after(d, b)
    local name = d.text:sub(a + 1, b)
    -- "Ministry of Defence of Malaysia"/"Malaysia Ministry of Defence" in the gazetteer win by length
    for _, o in ipairs(d:mentions { type = "ORG", within = { a, b } }) do
      if o.start == a and o.stop == b then return end
    end
    local attrs = { name = name, aliases = {}, kind = "government", country = country,
      country_from_doc = country == nil or nil }
    local _ = prefix
    add_org(d, a, b, attrs)
  end,
  examples = {
    { "The Italian Ministry of Defence and the Defence Ministry of Ruritania met.",
      mentions = { { "ORG", "Italian Ministry of Defence", country = "ITA", kind = "government" } },
      absent = { { "COUNTRY", "Italian" } } },
  },
}

-- armed forces named after their country: (Royal)? <country> <service>
local SERVICES = { "Air Force", "Navy", "Army", "Armed Forces", "Coast Guard", "Marine Corps", "Marines",
  "Land Forces", "Defence Forces", "Defense Forces", "Air Defence Forces", "Air Defense Forces",
  "Naval Forces", "Border Guard", "People's Navy", "Air Self-Defense Force", "Maritime Self-Defense Force",
  "Ground Self-Defense Force", "Coast Guard Service", "Emiri Naval Forces", "Emiri Air Force",
  "Air and Space Force", "Space Force", "National Guard", "Special Forces", "Naval Infantry",
  "Air Force and Air Defence", "Armed Forces Logistics Command" }

-- last words of a unit inside a service ("Logistics Command", "Training Centre")
local UNIT = {}
for w in ([[command headquarters centre center school academy college agency division fleet
  directorate]]):gmatch("%S+") do UNIT[w] = true end

rule {
  name = "org.military",
  phase = "entities",
  description = "Armed forces named after their country: Royal Malaysian Navy, Indonesian Air Force.",
  supersedes = { "COUNTRY" },
  pattern = p.opt(p.word "Royal") * p.ent "COUNTRY":as "c" * p.word(SERVICES):as "svc",
  action = function(m, s)
    local d = s.d
    if not m.svc:match("^%u") then return end
    if d.text:sub(m.c.stop + 1, m.c.stop + 3):match("^['\226]") then return end -- "Italy's Navy"
    -- "French Armed Forces Minister X": the service is part of an office, not an organisation
    for _, tm in ipairs(d:mentions { type = "TITLE", within = { m.start, m.stop + 60 } }) do
      if tm.start < m.stop and tm.stop > m.stop then return end
    end
    -- a unit of the service: "Ruritanian Navy Logistics Command", "... Air Force Training Centre"
    local b = m.stop
    local t = C.tokens_of(d)
    local i = C.tok_from(t, b)
    local j = i
    while t[j] and t[j].cap and t[j].kind == "word" and j - i < 4 and t[j].start == b + 1 do
      b = t[j].stop
      j = j + 1
    end
    if j > i and not (UNIT[fold(t[j - 1].text)] and not d:mentions { type = { "PERSON", "TITLE", "ORG" },
      within = { m.stop, b } }[1]) then
      b = m.stop
    end
    for _, o in ipairs(d:mentions { type = "ORG", within = { m.start, b } }) do
      if o.start == m.start and o.stop == b then return end
    end
    add_org(d, m.start, b, { kind = "military", country = m.c.key })
  end,
  examples = {
    { "The Ruritanian Navy trained with the Royal Thai Air Force and the Kenyan Army.",
      mentions = { { "ORG", "Royal Thai Air Force", country = "THA", kind = "military" },
        { "ORG", "Kenyan Army", country = "KEN" } },
      absent = { { "COUNTRY", "Thai" } } },
    { "The Estonian Defence Forces Logistics Command signed; Kenyan Armed Forces Minister Ali Omar spoke.",
      mentions = { { "ORG", "Estonian Defence Forces Logistics Command", kind = "military" } },
      absent = { { "ORG", "Kenyan Armed Forces" }, { "ORG", "Estonian Defence Forces" } } },
  },
}
