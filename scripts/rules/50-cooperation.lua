-- 50-cooperation: COOPERATION between pairs of countries (docs/MODEL.md).
--
-- A sentence that speaks of cooperation (a cooperation word or a stage cue)
-- pairs the actor countries it names; its stage is the furthest asserted
-- stage cue of the sentence (rel_common.read), so "no final contract yet" or
-- "could sign a deal" do not raise it. Sectors come from the sentence's
-- SECTOR and ASSET mentions.
local R = include "rel_common"

-- The relation, with keys in order so that a and b are stable.
local function relate_pair(d, x, y, info, span, how)
  local kx = type(x) == "table" and x.key or x
  local ky = type(y) == "table" and y.key or y
  if not kx or not ky or kx == ky then return end
  if ky < kx then x, y = y, x end
  local set = R.sectors_in(d, span[1], span[2])
  local sectors = R.set_list(set)
  local stage = info.stage or "intent"
  local cameo = R.CAMEO[stage]
  -- material cooperation that is only economic
  if stage == "delivery" and not set.defence and (set.trade or set.investment) then cameo = "061" end
  return d:relate("COOPERATION", { a = x, b = y },
    { stage = stage, cameo = cameo, modality = info.modality, sectors = sectors, how = how }, span)
end

-- Country mentions joined by "and", a dash or a slash: "Italy and Malaysia",
-- "Italy–Malaysia ties", "between Rome and Kuala Lumpur".
local JOIN = { ["and"] = true, ["-"] = true, ["–"] = true, ["—"] = true, ["/"] = true, ["&"] = true }
local function coordinated(d, ms)
  local out = {}
  for i = 1, #ms - 1 do
    local gap = d.text:sub(ms[i].stop + 1, ms[i + 1].start)
    local g = fold(gap):gsub("^%s*'s", ""):gsub("%s", "")
    if JOIN[g] or g == "and" then out[#out + 1] = { ms[i], ms[i + 1] } end
  end
  return out
end

-- Pairs in a sentence: coordinated mentions, and the anchor (the first
-- country in focus, else the first actor) with each other actor. A bare
-- list of three or more countries with none in focus has no anchor.
local function sentence_pairs(d, actors)
  local pairs_, seen = {}, {}
  local function add(x, y)
    if x.key == y.key then return end
    local k = x.key < y.key and (x.key .. y.key) or (y.key .. x.key)
    if not seen[k] then seen[k] = true; pairs_[#pairs_ + 1] = { x, y } end
  end
  for _, c in ipairs(coordinated(d, actors)) do add(c[1], c[2]) end
  local distinct, firsts = {}, {}
  for _, m in ipairs(actors) do
    if not firsts[m.key] then firsts[m.key] = m; distinct[#distinct + 1] = m end
  end
  local anchor
  for _, m in ipairs(distinct) do
    if R.in_focus(d, m.key) then anchor = m; break end
  end
  if not anchor and #distinct <= 2 then anchor = distinct[1] end
  if anchor then
    for _, m in ipairs(distinct) do add(anchor, m) end
  end
  return pairs_
end

-- Actor country mentions of a sentence (not places, not enemies).
local function actors_of(d, s, w)
  local out = {}
  for _, m in ipairs(d:mentions { type = "COUNTRY", sentence = s.index }) do
    if m.key and R.is_actor(d, m, w) then out[#out + 1] = m end
  end
  return out
end

-- The part of a sentence that speaks of one partner: from the end of the
-- actor mention before it (other than the anchor) to the start of the one
-- after it. "X has an agreement with Y and is considering talks with Z":
-- the agreement is Y's, the talks are Z's.
local function segment(d, s, actors, anchor, other)
  -- the list "France, Italy and Germany" that other stands in
  local lo, hi = other.start, other.stop
  local function listed(x, y) -- only commas, "and", "or" between x and y
    local gap = fold(d.text:sub(x.stop + 1, y.start))
    return gap:gsub("[%s,]", ""):gsub("^and$", ""):gsub("^or$", "") == ""
  end
  for i, m in ipairs(actors) do
    if m == other then
      local k = i
      while k > 1 and listed(actors[k - 1], actors[k]) do k = k - 1 end
      lo = actors[k].start
      k = i
      while k < #actors and listed(actors[k], actors[k + 1]) do k = k + 1 end
      hi = actors[k].stop
    end
  end
  local a, b = s.start, s.stop
  for _, m in ipairs(actors) do
    if m.key ~= anchor.key and m.key ~= other.key and (m.stop <= lo or m.start >= hi) then
      if m.stop <= lo and m.stop > a and m.start > anchor.start then a = m.stop end
      if m.start >= hi and m.start < b then b = m.start end
    end
  end
  return a, b
end

-- Two or more countries in a sentence that speaks of cooperation.
rule {
  name = "coop_country_pairs",
  phase = "relations",
  description = "COOPERATION for the countries a cooperative sentence names together",
  run = function(d)
    for s in d:sentences() do
      local info = R.read(d, s.start, s.stop)
      if info.coop then
        local actors = actors_of(d, s, info.w)
        for _, pr in ipairs(sentence_pairs(d, actors)) do
          local a, b = segment(d, s, actors, pr[1], pr[2])
          local seg = info
          if a ~= s.start or b ~= s.stop then
            seg = R.read(d, a, b)
            if not seg.coop then seg = { stage = "intent", modality = "asserted" } end
          end
          relate_pair(d, pr[1], pr[2], seg, { s.start, s.stop }, "sentence")
        end
      end
    end
  end,
  examples = {
    { "Malaysia and Italy have agreed to explore closer defence cooperation.",
      relations = { { "COOPERATION", a = "ITA", b = "MYS", stage = "intent", sectors = { "defence" } } } },
    { "Talks between Chile and Spain on naval shipbuilding continued this week.",
      relations = { { "COOPERATION", a = "CHL", b = "ESP", stage = "talks" } } },
    { "Poland signed a contract with South Korea for tanks; the first ones were delivered last year.",
      relations = { { "COOPERATION", a = "KOR", b = "POL", stage = "delivery" } } },
    { "Vietnam and India discussed a missile deal, but officials said no contract has been signed yet.",
      relations = { { "COOPERATION", a = "IND", b = "VNM", stage = "talks" } } },
    { "Kenya could sign a deal with India next year.",
      relations = { { "COOPERATION", a = "IND", b = "KEN", stage = "intent" } } },
    { "Poland bought tanks from Korea after Russia's invasion of Ukraine.",
      relations = { { "COOPERATION", a = "KOR", b = "POL" } },
      absent = { { "COOPERATION", a = "POL", b = "RUS" }, { "COOPERATION", a = "POL", b = "UKR" } } },
    { "Thailand already has a supply agreement with Sweden and is considering talks with Japan.",
      relations = { { "COOPERATION", a = "SWE", b = "THA", stage = "framework" },
        { "COOPERATION", a = "JPN", b = "THA", stage = "intent" } } },
    { "Egypt has spent heavily on warships, buying them from France, Italy and Germany.",
      relations = { { "COOPERATION", a = "EGY", b = "ITA", stage = "delivery" } } },
    { "France and Germany have the largest economies of the union.",
      absent = { { "COOPERATION" } } },
  },
}

-- "both countries", "the two sides", "bilateral" stand for the pair in
-- focus; a sentence naming one country of that pair and a stage cue also
-- speaks of the pair, once the document has shown the pair cooperating.
rule {
  name = "coop_focus_pair",
  phase = "relations",
  description = "COOPERATION of the document's focus pair from 'both countries' and one-country sentences",
  run = function(d)
    local pair = R.focus_pair(d)
    if #pair < 2 then return end
    local known = false
    for _, r in ipairs(d:relations_of { type = "COOPERATION" }) do
      local a, b = r.args.a, r.args.b
      a = type(a) == "table" and a.key or a
      b = type(b) == "table" and b.key or b
      if (a == pair[1] and b == pair[2]) or (a == pair[2] and b == pair[1]) then known = true; break end
    end
    for s in d:sentences() do
      local info = R.read(d, s.start, s.stop)
      if info.coop then
        local actors = actors_of(d, s, info.w)
        local keys, others = {}, 0
        for _, m in ipairs(actors) do
          if not keys[m.key] then
            keys[m.key] = true
            if not R.in_focus(d, m.key) then others = others + 1 end
          end
        end
        local nfocus = (keys[pair[1]] and 1 or 0) + (keys[pair[2]] and 1 or 0)
        local ref = #R.find_all(info.w.words, "pair_refs", R.PAIR_REFS) > 0
        local hostile = #R.find_all(info.w.words, "conflict", R.CONFLICT) > 0
        local implied = known and nfocus == 1 and info.stage ~= "intent"
        if not hostile and nfocus < 2 and others == 0 and (ref or implied) then
          relate_pair(d, pair[1], pair[2], info, { s.start, s.stop }, ref and "pair_ref" or "focus")
        end
      end
    end
  end,
  examples = {
    { "Italy and Malaysia held talks in Rome. Both countries agreed to sign an agreement on training.",
      relations = { { "COOPERATION", a = "ITA", b = "MYS", how = "pair_ref", sectors = { "training" } } } },
    { "Indonesia and France are partners. Indonesia signed a contract for 42 jets in 2022.",
      relations = { { "COOPERATION", a = "FRA", b = "IDN", stage = "contract", how = "focus" } } },
  },
}
