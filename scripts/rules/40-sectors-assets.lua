-- 40-sectors-assets.lua: SECTOR, ASSET, AGREEMENT_TERM and EVENT mentions.
--
-- SECTOR from sectors.tsv (key: the first sector, attrs.sectors all of
-- them); ASSET from assets.tsv (key: folded phrase; category, sector,
-- origin, maker). Ambiguous asset names (Typhoon, Patriot, Tiger) count
-- only next to a number, a designation-like token or a platform noun.
-- AGREEMENT_TERM and EVENT come from the short vocabularies below: they
-- are kinds of instruments and occasions, not data about the world.
local C = include "common"

local sg = gazetteer "sectors"
for _, r in ipairs(tsv "sectors.tsv") do
  local f = C.flags(r.note)
  local list = {}
  for x in r.sector:gmatch("%S+") do list[#list + 1] = x end
  sg:add(r.phrase, { type = "SECTOR", key = list[1], attrs = { sectors = list }, ambiguous = f.ambiguous },
    f.exact)
end

rule {
  name = "sector.gazetteer",
  phase = "gazetteer",
  description = "Sector keywords of sectors.tsv.",
  gazetteer = sg,
  action = function(hit, s)
    if hit.entry.ambiguous and C.is_cap(hit.text) and not C.sentence_initial(s.d, hit.start) then return end
    s:mention { type = "SECTOR", key = hit.entry.key, start = hit.start, stop = hit.stop,
      attrs = C.copy(hit.entry.attrs) }
  end,
  examples = {
    { "They discussed maritime security and semiconductors.",
      mentions = { { "SECTOR", "semiconductors", key = "semiconductors" } } },
  },
}

local ag = gazetteer "assets"
for _, r in ipairs(tsv "assets.tsv") do
  local f = C.flags(r.note)
  local origin = (r.note or ""):match("origin=([%u/]+)")
  local maker = (r.note or ""):match("maker=([^;]+)")
  local entry = { type = "ASSET", key = fold(r.phrase),
    attrs = { category = r.category, sector = r.sector, origin = origin, maker = maker },
    ambiguous = f.ambiguous }
  ag:add(r.phrase, entry, f.exact)
  -- generic nouns also in the plural: corvettes, howitzers, patrol vessels
  if not origin and not r.phrase:find("%u") and r.phrase:match("%l$") and not r.phrase:match("s$") then
    ag:add(r.phrase .. "s", entry)
  end
end

rule {
  name = "asset.gazetteer",
  phase = "gazetteer",
  description = "Platforms and weapon systems of assets.tsv.",
  gazetteer = ag,
  action = function(hit, s)
    local d = s.d
    if hit.entry.ambiguous then
      local prev, nxt = C.prev(d.text, hit.start), C.next(d.text, hit.stop)
      local ok = (prev and prev:match("^%d")) or (nxt and (nxt:match("^%d") or nxt:match("^%u%u")))
        or (nxt and C.is_lower_word(nxt) and (nxt:match("s$") or nxt == "missile" or nxt == "system"
          or nxt == "fighter" or nxt == "jet" or nxt == "helicopter" or nxt == "tank"))
      if not ok then return end
    end
    s:mention { type = "ASSET", key = hit.entry.key, start = hit.start, stop = hit.stop,
      attrs = C.copy(hit.entry.attrs) }
  end,
  examples = {
    { "The air force ordered FA-50 jets and two corvettes.",
      mentions = { { "ASSET", "FA-50", category = "aircraft" }, { "ASSET", "corvettes" } } },
  },
}

local tg = gazetteer "agreement_terms"
local TERMS = {
  mou = { "MoU", "MOU", "memorandum of understanding", "memoranda of understanding", "MoUs" },
  loi = { "letter of intent", "LoI", "LOI", "letters of intent" },
  framework = { "framework agreement", "defence cooperation agreement", "defense cooperation agreement",
    "cooperation agreement", "implementing arrangement", "reciprocal access agreement" },
  strategic_partnership = { "strategic partnership", "comprehensive strategic partnership",
    "strategic partnerships" },
  g2g = { "G2G", "government-to-government" },
  contract = { "contract", "contracts", "purchase agreement", "supply contract", "procurement contract" },
  jv = { "joint venture", "JV", "joint-venture" },
  fta = { "free trade agreement", "FTA", "economic partnership agreement", "CEPA" },
}
for kind, list in pairs(TERMS) do
  for _, w in ipairs(list) do
    tg:add(w, { type = "AGREEMENT_TERM", attrs = { kind = kind } }, w:match("^%u+s?$") ~= nil)
  end
end

rule {
  name = "agreement_term",
  phase = "gazetteer",
  description = "Names of agreement instruments: MoU, LoI, G2G, contract, joint venture, FTA ...",
  gazetteer = tg,
  examples = {
    { "They signed an MoU and a letter of intent on a joint venture.",
      mentions = { { "AGREEMENT_TERM", "MoU", kind = "mou" },
        { "AGREEMENT_TERM", "letter of intent", kind = "loi" },
        { "AGREEMENT_TERM", "joint venture", kind = "jv" } } },
  },
}

local eg = gazetteer "events"
local EVENTS = {
  visit = { "official visit", "state visit", "working visit", "visit", "courtesy call", "courtesy visit" },
  meeting = { "bilateral meeting", "meeting", "talks", "summit", "dialogue", "sidelines" },
  roundtable = { "roundtable", "round table", "roundtable meeting", "business forum" },
  signing = { "signing ceremony", "exchange of documents", "signing" },
  exhibition = { "exhibition", "air show", "airshow", "defence show", "defense show", "expo" },
}
for kind, list in pairs(EVENTS) do
  for _, w in ipairs(list) do eg:add(w, { type = "EVENT", key = fold(w), attrs = { kind = kind } }) end
end

rule {
  name = "event.gazetteer",
  phase = "gazetteer",
  description = "Occasions: official visit, bilateral meeting, roundtable, signing ceremony, exhibition.",
  gazetteer = eg,
  examples = {
    { "During the official visit a signing ceremony followed the bilateral meeting.",
      mentions = { { "EVENT", "official visit", kind = "visit" },
        { "EVENT", "signing ceremony", kind = "signing" },
        { "EVENT", "bilateral meeting", kind = "meeting" } } },
  },
}

-- named exhibitions: an organisation of kind "other" from the list
-- (LIMA, DSA, IDEF) or capitalised words ending in Exhibition/Expo/Show,
-- with an optional year: "LIMA 2025", "Indo Defence 2025 Expo".
rule {
  name = "event.exhibition",
  phase = "entities",
  description = "Named exhibitions and shows: LIMA 2025, Paris Air Show, World Defense Show.",
  pattern = (p.ent "ORG":as "o" * p.opt(p.num:as "y"))
    + ((p.cap * p.opt(p.cap) * p.opt(p.cap)) * p.word { "Exhibition", "Expo", "Show", "Airshow" }
      * p.opt(p.num)),
  action = function(m, s)
    if m.o then
      local a = m.o.attrs
      local name = fold(a.name or "")
      if a.kind ~= "other" or not (name:find("exhibition") or name:find("show") or name:find("expo")
        or name:find("defence") or name:find("defense") or m.y) then return end
    elseif not m.text:match("%u%a+ %u") and not m.text:match("^%u%u") then
      return
    end
    s:mention { type = "EVENT", key = fold(m.text), start = m.start, stop = m.stop,
      attrs = { kind = "exhibition", name = m.text } }
  end,
  examples = {
    { "Both firms exhibited at the Paris Air Show and at DSA 2026.",
      mentions = { { "EVENT", "Paris Air Show", kind = "exhibition" } } },
  },
}
