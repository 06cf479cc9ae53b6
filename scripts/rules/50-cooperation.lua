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
-- "Italy–Malaysia ties", "between Rome and Kuala Lumpur". Not a pair: two
-- countries of a longer list ("France, Italy and Germany"), the objects of a
-- preposition other than "between" ("ties with Japan and Australia",
-- "donated by Russia and Belarus": each is the subject's partner, not the
-- other's), and origins ("British- and Australian-built").
local JOIN = { ["and"] = true, ["-"] = true, ["–"] = true, ["—"] = true, ["/"] = true, ["&"] = true }
local PREP = { with = true, from = true, to = true, by = true, ["for"] = true, of = true, ["in"] = true,
  including = true, like = true, against = true, over = true, as = true }
local function in_list(d, x, y) -- only a comma (and "and"/"or") between x and y
  local gap = fold(d.text:sub(x.stop + 1, y.start))
  return gap:find(",", 1, true) ~= nil and gap:gsub("[%s,]", ""):gsub("^and$", ""):gsub("^or$", "") == ""
end
-- word_before's answers per mention (the text before a mention does not change)
local WORD_BEFORE = setmetatable({}, { __mode = "k" })
local function word_before(d, m)
  local known = WORD_BEFORE[m]
  if known then return known end
  local ws = {}
  for x in fold(d.text:sub(math.max(0, m.start - 40) + 1, m.start)):gmatch("%a+") do ws[#ws + 1] = x end
  local n = #ws
  if ws[n] == "the" then n = n - 1 end
  WORD_BEFORE[m] = ws[n] or ""
  return WORD_BEFORE[m]
end
local JOINT = { "joint*", "together", "trilateral", "multilateral", "between", "among", "consortium" }
local function coordinated(d, ms, words)
  -- a list is one of partners when the sentence says they act jointly
  local joint = words and R.any_in(words, 1, #words, "coop_joint", JOINT)
  local out, rejected = {}, {}
  for i = 1, #ms - 1 do
    local gap = d.text:sub(ms[i].stop + 1, ms[i + 1].start)
    local g = fold(gap):gsub("^%s*'s", ""):gsub("%s", "")
    local longer = not joint and ((i > 1 and in_list(d, ms[i - 1], ms[i]))
      or (i + 1 < #ms and in_list(d, ms[i + 1], ms[i + 2])))
    local origin = d.text:sub(ms[i].stop + 1, ms[i].stop + 1) == "-" and g ~= "-"
    if (JOIN[g] or g == "and") and not longer and not origin
      and (joint or not PREP[word_before(d, ms[i])]) then
      out[#out + 1] = { ms[i], ms[i + 1] }
    elseif JOIN[g] or g == "and" then
      rejected[ms[i].key .. "|" .. ms[i + 1].key] = true
      rejected[ms[i + 1].key .. "|" .. ms[i].key] = true
    end
  end
  return out, rejected
end

-- Pairs in a sentence: coordinated mentions, and the anchor (the first
-- country in focus, else the first actor) with each other actor. A bare
-- list of three or more countries with none in focus has no anchor.
local function sentence_pairs(d, actors, words)
  local pairs_, seen = {}, {}
  local function add(x, y)
    if x.key == y.key then return end
    local k = x.key < y.key and (x.key .. y.key) or (y.key .. x.key)
    if not seen[k] then seen[k] = true; pairs_[#pairs_ + 1] = { x, y } end
  end
  local coord, rejected = coordinated(d, actors, words)
  for _, c in ipairs(coord) do add(c[1], c[2]) end
  local distinct, firsts = {}, {}
  for _, m in ipairs(actors) do
    if not firsts[m.key] then firsts[m.key] = m; distinct[#distinct + 1] = m end
  end
  local anchor
  for _, m in ipairs(distinct) do
    if R.in_focus(d, m.key) then anchor = m; break end
  end
  -- with none in focus, the first country anchors only as a subject, not
  -- as the object of a preposition ("bought from the United Kingdom ...")
  if not anchor and distinct[1] and #distinct <= 2 and not PREP[word_before(d, distinct[1])]
    and not (distinct[2] and rejected[distinct[1].key .. "|" .. distinct[2].key]) then
    anchor = distinct[1]
  end
  if anchor then
    for _, m in ipairs(distinct) do
      if not rejected[anchor.key .. "|" .. m.key] then add(anchor, m) end
    end
  end
  return pairs_
end

-- Words that introduce countries named as members of a group, not as
-- actors: "NATO allies Poland, Finland and Estonia", "member states such as".
local GROUP = { allies = true, members = true, states = true, neighbours = true, neighbors = true,
  such = true }

-- Actor country mentions of a sentence (not places, not enemies, not
-- members listed after a group noun).
local function actors_of(d, s, w)
  -- kept per document and sentence: both rules of this file ask
  local cache = d.focus.coop_actors
  if not cache then cache = {}; d.focus.coop_actors = cache end
  if cache[s.index] then return cache[s.index] end
  local out = {}
  local ms = d:mentions { type = "COUNTRY", sentence = s.index }
  local grouped = {}
  local i = 1
  while i <= #ms do
    local k = i -- the last of the list that starts at i
    while k < #ms and (in_list(d, ms[k], ms[k + 1])
      or fold(d.text:sub(ms[k].stop + 1, ms[k + 1].start)):match("^%s*and%s*$")) do k = k + 1 end
    local wb = word_before(d, ms[i])
    if wb == "as" then
      local pre = fold(d.text:sub(math.max(0, ms[i].start - 12) + 1, ms[i].start))
      if pre:find("such%s+as%s*$") then wb = "such" end
    end
    if GROUP[wb] then for x = i, k do grouped[x] = true end end
    i = k + 1
  end
  for x, m in ipairs(ms) do
    if m.key and not grouped[x] and R.is_actor(d, m, w) then out[#out + 1] = m end
  end
  cache[s.index] = out
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
        for _, pr in ipairs(sentence_pairs(d, actors, info.w.words)) do
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
    -- co-suppliers of one buyer are not partners of each other
    { "Algeria has bought submarines from Russia, China and Germany.",
      relations = { { "COOPERATION", a = "DZA", b = "RUS" } },
      absent = { { "COOPERATION", a = "CHN", b = "DEU" }, { "COOPERATION", a = "CHN", b = "RUS" } } },
    { "The navy operates corvettes bought from the Netherlands and Portugal.",
      absent = { { "COOPERATION", a = "NLD", b = "PRT" } } },
    { "The trainer was developed jointly by Brazil and Chile.",
      relations = { { "COOPERATION", a = "BRA", b = "CHL" } } },
    -- members listed after a group noun are not the subject's partners
    { "Greece ordered the howitzer, already in service with NATO allies Latvia, Lithuania and Norway.",
      absent = { { "COOPERATION", a = "GRC", b = "LVA" }, { "COOPERATION", a = "LTU", b = "NOR" } } },
    -- a country the partners face is no partner
    { "Vietnam and Japan agreed to expand defence ties as both face growing pressure from China.",
      relations = { { "COOPERATION", a = "JPN", b = "VNM" } },
      absent = { { "COOPERATION", a = "CHN", b = "JPN" }, { "COOPERATION", a = "CHN", b = "VNM" } } },
    -- a joint programme of three makes three pairs
    { "The joint venture will build the new trainer for Brazil, Chile and Peru.",
      relations = { { "COOPERATION", a = "BRA", b = "CHL" }, { "COOPERATION", a = "CHL", b = "PER" } } },
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
