-- 55-agreements: AGREEMENT instruments (docs/MODEL.md): kind, parties,
-- subject and stage. The kind comes from AGREEMENT_TERM mentions when the
-- entity rules make them, else from the term list below.
local R = include "rel_common"

-- Term → kind, longest phrases first within each kind; bare "agreement" and
-- "deal" are too vague to name an instrument of their own.
local TERMS = {
  { "mou", { "memorandum of understanding", "memoranda of understanding", "mou", "mous", "memorandum" } },
  { "loi", { "letter of intent", "letters of intent", "loi" } },
  { "g2g", { "government-to-government", "government to government", "inter-governmental agreement",
    "intergovernmental agreement", "g2g" } },
  { "strategic_partnership", { "comprehensive strategic partnership", "strategic partnership" } },
  { "fta", { "free trade agreement", "free-trade agreement", "fta", "economic partnership agreement" } },
  { "jv", { "joint venture", "joint-venture" } },
  { "framework", { "framework agreement", "defence cooperation agreement", "defense cooperation agreement",
    "implementing arrangement", "cooperation agreement", "treaty", "defence pact", "security pact" } },
  { "contract", { "executive contract", "implementation contract", "purchase agreement", "sales agreement",
    "contract", "contracts", "supply deal", "arms deal", "purchase deal" } },
  { "other", { "reciprocal access agreement", "status of forces agreement", "visiting forces agreement",
    "offset agreement", "industrial cooperation agreement" } },
}

-- Terms found in a span, one per position (the longest kind-specific phrase wins).
local function terms_in(w)
  local found, taken = {}, {}
  for _, t in ipairs(TERMS) do
    for _, pos in ipairs(R.find_all(w.words, "agr_" .. t[1], t[2])) do
      local free = true
      for k = pos[1], pos[2] do if taken[k] then free = false end end
      if free then
        for k = pos[1], pos[2] do taken[k] = true end
        found[#found + 1] = { kind = t[1], i = pos[1], j = pos[2] }
      end
    end
  end
  table.sort(found, function(x, y) return x.i < y.i end)
  return found
end

-- The words after the term that say what it covers: "on asset procurement".
local function subject_of(d, w, j)
  local lead = w.words[j + 1]
  if lead == "(" then
    local k = j + 1
    while w.words[k] and w.words[k] ~= ")" do k = k + 1 end
    j = k
    lead = w.words[j + 1]
  end
  if lead ~= "on" and lead ~= "for" and lead ~= "covering" and lead ~= "to" then return nil end
  local k = j + 2
  local last
  while w.words[k] and k < j + 10 and not w.words[k]:match("^[,.;:()]$") and w.words[k] ~= "and"
    and w.words[k] ~= "with" and w.words[k] ~= "which" do
    last = k
    k = k + 1
  end
  if not last then return nil end
  return d.text:sub(w.starts[j + 2] + 1, w.stops[last])
end

local STAGE_OF = { mou = "framework", loi = "intent", g2g = "framework", strategic_partnership = "framework",
  fta = "framework", jv = "contract", framework = "framework", contract = "contract", other = "framework" }

-- Parties: the actor countries of the sentence (the anchor in focus and the
-- country nearest the term), an international organisation named there,
-- else the pair in focus.
local function parties_of(d, s, w, at, between_at)
  local actors, keys = {}, {}
  for _, m in ipairs(d:mentions { type = "COUNTRY", sentence = s.index }) do
    if m.key and not keys[m.key] and R.is_actor(d, m, w) then keys[m.key] = true; actors[#actors + 1] = m end
  end
  for _, o in ipairs(d:mentions { type = "ORG", sentence = s.index }) do
    if o.attrs and o.attrs.kind == "international" and o.start > at - 200 then
      actors[#actors + 1] = { key = o.attrs.name or o.key, start = o.start, org = true }
    end
  end
  -- "an agreement between Malaysia and the European Union": the two named
  -- right after the term
  table.sort(actors, function(x, y) return x.start < y.start end)
  if between_at then
    local named = {}
    for _, m in ipairs(actors) do
      if m.start >= between_at and m.start < between_at + 120 and (not named[1] or named[1].key ~= m.key) then
        named[#named + 1] = m
      end
    end
    if #named >= 2 then return { named[1].key, named[2].key } end
  end
  local pair = R.focus_pair(d)
  if #actors == 0 or (#actors == 1 and R.in_focus(d, actors[1].key)) then
    if #pair == 2 then return { pair[1], pair[2] } end
    return nil
  end
  if #actors == 1 then return nil end
  local anchor
  for _, m in ipairs(actors) do if not m.org and R.in_focus(d, m.key) then anchor = m; break end end
  anchor = anchor or actors[1]
  local best, dist
  for _, m in ipairs(actors) do
    if m.key ~= anchor.key then
      local dd = math.abs(m.start - at)
      if not dist or dd < dist then best, dist = m, dd end
    end
  end
  if not best then return nil end
  return { anchor.key, best.key }
end

-- Every agreement term of a sentence with its parties and stage: a signed
-- or existing MoU is framework, a signed contract contract, one under
-- negotiation talks, a proposed one intent; a denied one is left out.
rule {
  name = "agreement_terms",
  phase = "relations",
  description = "AGREEMENT kind, parties, subject and stage from agreement terms",
  run = function(d)
    local term_mentions = #d:mentions { type = "AGREEMENT_TERM" } > 0
    for s in d:sentences() do
      local w = R.words_of(d, s.start, s.stop)
      local found = terms_in(w)
      if term_mentions then
        found = {}
        for _, m in ipairs(d:mentions { type = "AGREEMENT_TERM", sentence = s.index }) do
          local i = R.index_at(w, m.start)
          found[#found + 1] = { kind = m.attrs and m.attrs.kind or "other", i = i,
            j = R.index_at(w, m.stop - 1) }
        end
      end
      -- "a G2G memorandum of understanding", "a G2G (government-to-government)
      -- contract": the instrument is the head noun, G2G only how it is made
      local heads = {}
      for k, t in ipairs(found) do
        local n = k + 1 -- the next term that is not G2G itself ("G2G (government-to-government) MoU")
        while found[n] and found[n].kind == "g2g" do n = n + 1 end
        if t.kind == "g2g" and found[n] and found[n].i - t.j <= 8 then heads[k] = true end
      end
      for k, t in ipairs(found) do
        local mod = heads[k] and "modifier" or R.modality_at(w, t.i, t.j)
        if mod ~= "denied" and mod ~= "modifier" then
          local stage = STAGE_OF[t.kind] or "framework"
          if mod == "talked" then stage = "talks"
          elseif mod ~= "asserted" then stage = "intent" end
          if t.kind == "loi" then stage = "intent" end
          -- "(the) agreement between A and B"
          local between_at
          for x = t.j + 1, math.min(#w.words, t.j + 2) do
            if w.words[x] == "between" then between_at = w.stops[x] end
          end
          local parties = parties_of(d, s, w, w.starts[t.i], between_at)
          if parties then
            table.sort(parties)
            d:relate("AGREEMENT", { parties = parties },
              { kind = t.kind, subject = subject_of(d, w, t.j), stage = stage, modality = mod,
                cameo = stage == "intent" and "0312" or (stage == "talks" and "046" or "057") },
              { s.start, s.stop })
          end
        end
      end
    end
  end,
  examples = {
    { "Chile and Spain signed a memorandum of understanding on frigate construction.",
      relations = { { "AGREEMENT", parties = { "CHL", "ESP" }, kind = "mou", stage = "framework",
        subject = "frigate construction" } } },
    { "Vietnam and India are negotiating a contract for coastal missile batteries.",
      relations = { { "AGREEMENT", parties = { "IND", "VNM" }, kind = "contract", stage = "talks" } } },
    { "Kenya proposed a government-to-government (G2G) deal with India.",
      relations = { { "AGREEMENT", parties = { "IND", "KEN" }, kind = "g2g", stage = "intent" } } },
    { "Peru and Brazil denied that a contract had been signed.",
      absent = { { "AGREEMENT", kind = "contract" } } },
    { "Ghana and Spain proposed a government-to-government (G2G) memorandum of understanding on boats.",
      relations = { { "AGREEMENT", parties = { "ESP", "GHA" }, kind = "mou" } },
      absent = { { "AGREEMENT", kind = "g2g" } } },
    { "Italy backed talks on a free trade agreement between Vietnam and the European Union.",
      relations = { { "AGREEMENT", parties = { "European Union", "VNM" }, kind = "fta" } },
      absent = { { "AGREEMENT", parties = { "ITA", "VNM" } } } },
  },
}
