-- rel_common: shared machinery of the relation rules (scripts/rules/5x-8x).
--
-- Cue lexicons (stage, modality, cooperation, conflict), a per-sentence
-- reading of those cues, the pair of countries a document is about, the
-- actor countries of a sentence and the sectors said about it.
--
-- Phrases are folded token sequences; a token ending in "*" matches any word
-- starting with it ("negotiat*": negotiate, negotiations, negotiating).
local M = {}

---------------------------------------------------------------------------
-- Lexicons

-- Stage cues (DOMAIN.md 4.3, folded to the five fact-sheet stages).
M.STAGE_CUES = {
  intent = {
    "agree to", "agreed to", "agrees to", "pledge*", "commit*", "reaffirm*", "keen", "plan to", "plans to",
    "planned", "planning", "intend*", "intention", "interest in", "interested", "invit*", "propos*",
    "willing*", "seek*", "sought", "explor*", "hope*", "aim to", "aims to", "strengthen*", "deepen*",
    "elevat*", "step up", "stepping up", "expand*", "boost*", "enhance*", "letter of intent",
    "letters of intent", "loi", "consider*", "want to", "wants to", "offer*", "prospect*", "opportunit*",
    "work together", "potential", "initiate",
  },
  talks = {
    "talks", "negotiat*", "discuss*", "meeting", "meetings", "met", "meets", "consultation*",
    "dialogue", "roundtable", "summit", "in discussion", "finalis*", "finaliz*", "shortlist*",
    "short-list*", "selected", "chose", "chosen", "down-select*", "bid", "bids", "tender",
    "competition", "evaluat*", "official visit", "visit", "visited", "visiting", "engagement",
  },
  framework = {
    "mou", "mous", "memorandum", "memoranda", "framework agreement", "framework", "treaty", "treaties",
    "pact", "pacts", "accord", "accords", "implementing arrangement", "cooperation agreement",
    "defence cooperation agreement",
    "defense cooperation agreement", "agreement", "agreements", "arrangement", "arrangements",
    "reciprocal access", "status of forces", "signed a strategic partnership",
  },
  contract = {
    "contract", "contracts", "deal", "deals", "order", "orders", "ordered", "purchase agreement",
    "sales agreement", "inked", "awarded", "buy", "buys", "purchase", "purchases", "joint venture",
    "entered into force", "came into force",
    "took effect", "down payment", "tranche",
  },
  delivery = {
    "delivered", "delivery", "deliveries", "handed over", "handover", "hand-over", "inducted",
    "induction", "commissioned", "entered service", "in service", "into service", "operates",
    "operated", "operating", "operate", "procured", "bought", "buying", "purchased", "acquired",
    "local assembly", "assembled", "assembly line", "production line", "produced", "manufactured",
    "rolled out", "steel cutting", "keel", "received", "took delivery", "supplied", "sold",
    "exported", "made", "built", "license-built", "licence-built", "equipped",
    "production", "producing", "deployed", "donated", "gifted", "in production",
  },
}

-- Words that make a sentence about cooperation at all (with no stage of their own).
M.COOP_WORDS = {
  "cooperat*", "co-operat*", "collaborat*", "partner*", "ties", "relations", "relationship",
  "alliance", "allies", "ally", "bilateral", "joint*", "together", "synergy", "co-produc*",
  "co-develop*", "transfer of technology", "technology transfer", "know-how", "supplier*",
  "procurement", "acquisition*", "export*", "import*",
  "trade", "investment*", "training", "exercise*", "maintenance", "mro", "support",
}

-- Words that, just before a stage cue, keep it from counting as done.
M.NEGATION = { "no", "not", "never", "yet to", "without", "denied", "denies", "deny", "rejected",
  "cancel*", "scrapped", "instead of", "rather than", "n't", "nor" }
M.HYPOTHETICAL = { "if", "could", "would", "might", "may", "possible", "possibly", "potential*",
  "whether", "unless" }
M.INTENDED = { "will", "shall", "plan*", "intend*", "expect*", "aim*", "seek*", "want*", "hope*",
  "propos*", "future", "upcoming", "set to", "due to", "is to", "are to", "next", "consider*",
  "interest*", "keen", "prospective", "planned", "to be", "agreed to", "agree to", "invit*",
  "possible", "looking to", "ready to", "offer*", "pursue", "toward*", "towards" }
-- Before a contract or framework noun: the instrument is being talked about.
M.TALKED_ABOUT = { "negotiat*", "talks", "discuss*", "finalis*", "finaliz*", "for a", "on a",
  "on the" }
-- After a cue: "... has not been signed", "... is expected"
M.AFTER_NEG = { "yet", "not", "pending", "under negotiation", "being negotiated", "expected" }

-- Hostility: a country mentioned next to these words is not a partner there.
M.CONFLICT = { "war", "wars", "invasion", "invaded", "invade", "attack*", "threat*", "tension*",
  "dispute*", "conflict*", "aggression", "embargo*", "sanction*", "against", "rival*", "clash*",
  "hostil*", "occupation", "occupied", "incursion*", "missile strikes", "offensive", "deterr*",
  "adversar*", "assertive*", "coercion", "frontline", "front line", "fighting", "invading",
  "pressure", "confrontation*", "sovereignty over", "annex*", "blockade*" }

-- Phrases that stand for the pair in focus.
M.PAIR_REFS = { "both countries", "the two countries", "both nations", "the two nations",
  "both sides", "the two sides", "both governments", "the two governments", "bilateral",
  "the countries", "each other", "one another", "both partners", "the two partners",
  "two countries" }

---------------------------------------------------------------------------
-- Phrase matching over folded tokens

-- Does phrase (folded tokens, "word*" a prefix) match the folded words at
-- position i?
local function match_at(phrase, words, i)
  for k = 1, #phrase do
    local w, t = words[i + k - 1], phrase[k]
    if not w then return false end
    if t:sub(-1) == "*" then
      if w:sub(1, #t - 1) ~= t:sub(1, -2) then return false end
    elseif t ~= w then
      return false
    end
  end
  return true
end

-- Compiled lexicons (engine/lexicon.c) by name, and in the order they were
-- made (REG; NUM[name] is a lexicon's place in it): a span is matched
-- against all of them at once.
local LEX, REG, NUM = {}, {}, {}
local function lex(name, list)
  local l = LEX[name]
  if not l then
    l = lexicon(list)
    LEX[name] = l
    REG[#REG + 1] = l
    NUM[name] = #REG
  end
  return l
end
M.lex = lex

-- The document and span each word list of words_of stands for.
local SPAN = setmetatable({}, { __mode = "k" })

-- Where a lexicon matches in a word list: hits[i] = last index of the
-- phrase starting at i. Matched in C once per word list, for every lexicon
-- made so far in one call, since the same sentence is asked about the
-- same lexicons many times. HITS[words] = { H, S, n }: H[k] and S[k] are
-- lexicon k's hits and their starts (nil when it has none), for the n
-- lexicons of REG matched so far.
local HITS = setmetatable({}, { __mode = "k" })
local NONE, NONE_STARTS = {}, {} -- no hit in the span (read-only)
local function hits_of(words, name, list)
  local per = HITS[words]
  local k = NUM[name] or (lex(name, list) and NUM[name])
  if not per or k > per[3] then
    local span = SPAN[words]
    if not span then error("rel_common: word lists must come from words_of", 3) end
    local H, S = span[1]:cues_many(REG, span[2], span[3])
    per = { H, S, #REG }
    HITS[words] = per
  end
  return per[1][k] or NONE, per[2][k] or NONE_STARTS
end

-- find_all's answers, per word list and lexicon name (read-only lists).
local FOUND = setmetatable({}, { __mode = "k" })

--- Positions (first token index, last token index) where any phrase of a
-- list matches. Kept per word list and lexicon: treat it as read-only.
function M.find_all(words, name, list)
  local per = FOUND[words]
  if not per then per = {}; FOUND[words] = per end
  local out = per[name]
  if out then return out end
  out = {}
  local h, starts = hits_of(words, name, list)
  for k, i in ipairs(starts) do out[k] = { i, h[i] } end
  per[name] = out
  return out
end

--- Is any phrase of the list in words[a..b]?
function M.any_in(words, a, b, name, list)
  -- asked several times per cue and actor: the cached hits read inline
  local per, k = HITS[words], NUM[name]
  local h
  if per and k and k <= per[3] then h = per[1][k] else h = hits_of(words, name, list) end
  if not h or h == NONE then return false end
  if a < 1 then a = 1 end
  local n = #words
  if b > n then b = n end
  for i = a, b do
    local j = h[i]
    if j and j <= b then return true end
  end
  return false
end

---------------------------------------------------------------------------
-- Sentences

-- Folded words of a span, with their offsets (shared by every rule that
-- reads the same span of the document: read-only).
function M.words_of(d, a, b)
  local w = d:words(a, b)
  if not SPAN[w.words] then SPAN[w.words] = { d, a, b } end
  return w
end

-- Token index at or after an offset: the first token that ends after it
-- (tokens are in text order; binary search).
local function index_at(w, offset)
  local stops = w.stops
  local lo, hi = 1, #stops + 1
  while lo < hi do
    local mid = (lo + hi) // 2
    if stops[mid] > offset then hi = mid else lo = mid + 1 end
  end
  return lo
end
M.index_at = index_at

local CLAUSE_STOP = { [";"] = true, ["."] = true, [":"] = true, ["which"] = true, ["who"] = true,
  ["but"] = true, ["while"] = true, ["whereas"] = true, ["after"] = true, ["since"] = true }

-- The modality of a cue at tokens i..j of w: asserted, denied, hypothetical,
-- intended, or talked (an instrument under negotiation), from the words
-- before it in its clause and the few after it.
function M.modality_at(w, i, j)
  local words = w.words
  local a = i - 10
  for k = i - 1, math.max(1, a), -1 do
    if CLAUSE_STOP[words[k]] then a = k + 1; break end
  end
  a = math.max(1, a)
  if M.any_in(words, a, i - 1, "neg", M.NEGATION) then return "denied" end
  if M.any_in(words, (j or i) + 1, (j or i) + 5, "after_neg", M.AFTER_NEG) then return "denied" end
  if M.any_in(words, a, i - 1, "hyp", M.HYPOTHETICAL) then return "hypothetical" end
  if M.any_in(words, a, i - 1, "intended", M.INTENDED) then return "intended" end
  if M.any_in(words, math.max(1, i - 4), i - 1, "talked", M.TALKED_ABOUT) then return "talked" end
  return "asserted"
end

local ORDER = { "intent", "talks", "framework", "contract", "delivery" }

--- Read a span of text: its stage, modality, cameo, and whether it speaks of
-- cooperation. Cached per document and span.
function M.read(d, a, b)
  d.focus.rel_cache = d.focus.rel_cache or {}
  local key = a .. ":" .. b
  local c = d.focus.rel_cache[key]
  if c then return c end
  local w = M.words_of(d, a, b)
  local r = { w = w, coop = false, stage = nil, modality = nil, cues = {} }
  if #M.find_all(w.words, "coop", M.COOP_WORDS) > 0 then r.coop = true end
  local best -- the furthest asserted stage
  local weak -- the furthest stage a non-asserted cue still shows (intent or talks)
  local denied -- the furthest stage denied or only hoped for
  for _, st in ipairs(ORDER) do
    for _, pos in ipairs(M.find_all(w.words, "stage_" .. st, M.STAGE_CUES[st])) do
      r.coop = true
      local mod = "asserted"
      if st ~= "intent" then mod = M.modality_at(w, pos[1], pos[2]) end
      r.cues[#r.cues + 1] = { stage = st, modality = mod, i = pos[1], j = pos[2] }
      if mod == "asserted" then
        best = max_stage(best, st)
      elseif mod == "talked" then
        weak = max_stage(weak, "talks")
      else
        if mod ~= "denied" then weak = max_stage(weak, "intent") end
        if not denied or stage_rank[st] >= stage_rank[denied[1]] then denied = { st, mod } end
      end
    end
  end
  local stage = max_stage(best, weak)
  if r.coop then stage = max_stage(stage, "intent") end
  r.stage = stage
  r.modality = "asserted"
  if denied and stage_rank[denied[1]] > stage_rank[stage or "intent"] then r.modality = denied[2] end
  d.focus.rel_cache[key] = r
  return r
end

M.CAMEO = { intent = "0312", talks = "046", framework = "057", contract = "057", delivery = "062" }

---------------------------------------------------------------------------
-- Countries

-- A country mention that is only a place, or stands in a hostile context,
-- is not an actor of cooperation.
function M.is_actor(_, m, w)
  if m.attrs and m.attrs.place_only then return false end
  local i = index_at(w, m.start)
  local j = index_at(w, m.stop - 1)
  if M.any_in(w.words, i - 3, i - 1, "conflict", M.CONFLICT) then return false end
  -- "Russia's full-scale invasion": a possessive reaches further
  local reach = (w.words[j + 1] == "'" or w.words[j + 1] == "’" or w.words[j + 1] == "'s") and 6 or 3
  if M.any_in(w.words, j + 1, j + reach, "conflict", M.CONFLICT) then return false end
  return true
end

--- The pair of countries the document is about: the two most mentioned
-- actor countries, with mentions in the first sentences counting double.
-- Returns a list of 0 to 2 keys, cached in d.focus.pair.
function M.focus_pair(d)
  if d.focus.pair then return d.focus.pair end
  local score, first = {}, {}
  local n = 0
  for s in d:sentences() do
    n = n + 1
    local w = M.words_of(d, s.start, s.stop)
    for _, m in ipairs(d:mentions { type = "COUNTRY", sentence = s.index }) do
      if m.key and M.is_actor(d, m, w) then
        score[m.key] = (score[m.key] or 0) + (n <= 3 and 2 or 1)
        first[m.key] = first[m.key] or m.start
      end
    end
  end
  local keys = {}
  for k in pairs(score) do keys[#keys + 1] = k end
  table.sort(keys, function(x, y)
    if score[x] ~= score[y] then return score[x] > score[y] end
    return first[x] < first[y]
  end)
  local pair = {}
  if keys[1] then pair[1] = keys[1] end
  if keys[2] and score[keys[2]] >= 2 then pair[2] = keys[2] end
  d.focus.pair = pair
  return pair
end

function M.in_focus(d, key)
  local pair = M.focus_pair(d)
  return pair[1] == key or pair[2] == key
end

---------------------------------------------------------------------------
-- Sectors

local SECTORS = {}
for _, s in ipairs { "defence", "security", "maritime", "naval", "air", "land", "missiles", "uav", "space",
  "cyber", "intelligence", "electronics", "semiconductors", "ai", "technology", "nuclear", "energy", "trade",
  "investment", "industry", "infrastructure", "digital", "training", "mro", "logistics" } do
  SECTORS[s] = true
end
M.SECTORS = SECTORS

local function add_sectors(set, v)
  if type(v) == "string" then
    for s in v:gmatch("[%w]+") do if SECTORS[s] then set[s] = true end end
  elseif type(v) == "table" then
    for _, x in ipairs(v) do add_sectors(set, x) end
  end
end

-- Fallback while no rule makes SECTOR mentions: the unambiguous phrases of
-- sectors.tsv, matched over folded words.
local SECTOR_PHRASES
local function sector_phrases()
  if SECTOR_PHRASES then return SECTOR_PHRASES end
  SECTOR_PHRASES = {}
  for _, row in ipairs(tsv "sectors.tsv") do
    if row.phrase and row.sector and not (row.note or ""):find("ambiguous=yes") then
      local toks = {}
      for _, t in ipairs(tokenize(row.phrase)) do toks[#toks + 1] = fold(t.text) end
      SECTOR_PHRASES[#SECTOR_PHRASES + 1] = { toks = toks, sector = row.sector }
    end
  end
  return SECTOR_PHRASES
end

--- Sectors said in a span: SECTOR mentions (key and attrs.sectors) and the
-- sector of ASSET mentions. Adds to set (a table used as a set).
function M.sectors_in(d, a, b, set)
  set = set or {}
  if d.focus.rel_has_sectors == nil then
    d.focus.rel_has_sectors = #d:mentions { type = "SECTOR" } > 0
  end
  if d.focus.rel_has_sectors then
    for _, m in ipairs(d:mentions { type = "SECTOR", within = { a, b } }) do
      add_sectors(set, m.key)
      if m.attrs then add_sectors(set, m.attrs.sectors); add_sectors(set, m.attrs.sector) end
    end
  else
    local words = M.words_of(d, a, b).words
    for _, ph in ipairs(sector_phrases()) do
      for i = 1, #words do
        if match_at(ph.toks, words, i) then add_sectors(set, ph.sector); break end
      end
    end
  end
  for _, m in ipairs(d:mentions { type = "ASSET", within = { a, b } }) do
    if m.attrs then add_sectors(set, m.attrs.sector) end
  end
  return set
end

function M.set_list(set)
  local out = {}
  for k in pairs(set) do out[#out + 1] = k end
  table.sort(out)
  return out
end

return M
