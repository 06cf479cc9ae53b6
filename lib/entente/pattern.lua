--- entente.pattern: token- and annotation-aware LPeg patterns for rules.
--
-- Every helper returns an ordinary LPeg pattern, so rules compose them with
-- `*`, `+`, `^`, `-`, lpeg.C, lpeg.Ct and friends, and mix them with plain
-- LPeg and `re` patterns. The helpers are lpeg.Cmt captures backed by C (see
-- engine/lua_match.c): each skips the whitespace before the next token and
-- refuses to start inside a token.
--
--   p.word"and"  p.word{"agree", "pledge"}  p.word"strategic partnership"
--   p.lemma"agree"       agree, agrees, agreed, agreeing
--   p.ent"COUNTRY"       a mention of that type starting here (captured)
--   p.tok                any one token
--   p.cap, p.upper, p.num, p.punct(",")  tokens by shape
--   p.gap(n)             up to n tokens, as few as possible
--   p.opt(x)             x or nothing
--   p.find(x)            x anywhere ahead (token by token)
--   x:as"name"           a named capture: the match table gets m.name
--
-- Gaps are lazy: in `a * p.gap(3) * b`, the gap takes as few tokens as
-- let `b` (and everything after it) match. LPeg alone is greedy and
-- possessive, so gap patterns remember that they end in a gap and the
-- sequence operator builds the lazy form when the rest arrives. A gap at
-- the very end of a pattern, or at the end of one alternative of `+`, is
-- greedy.
local lpeg = require "lpeg"
local core = require "entente.core"

local P, Cmt, Cg, Cp, V = lpeg.P, lpeg.Cmt, lpeg.Cg, lpeg.Cp, lpeg.V

local M = {}

-- Token kinds as numbered in engine/text.h (en_tokkind) and flags (EN_TF_*).
local KIND = { word = 1, number = 2, punct = 3, quote = 4, dash = 5, symbol = 6, bullet = 7 }
local FLAG = { cap = 1 << 3, upper = 1 << 4, digit = 1 << 5, alpha = 1 << 6 }
M.KIND, M.FLAG = KIND, FLAG

---------------------------------------------------------------------------
-- Lazy gaps: patterns that end in a gap carry a builder in `pending`.

local pattern_mt = getmetatable(P(1))
local pending = setmetatable({}, { __mode = "k" })
local plain_mul = pattern_mt.__mul
local plain_add, plain_pow, plain_div = pattern_mt.__add, pattern_mt.__pow, pattern_mt.__div
local plain_sub, plain_unm, plain_len = pattern_mt.__sub, pattern_mt.__unm, pattern_mt.__len

---------------------------------------------------------------------------
-- First tokens: what a pattern can start with, when the helpers it starts
-- with say so. FIRST[patt] = { words = {folded = true}, types = {id = true},
-- kinds = {{mask, need, deny}}, empty = can match nothing }. A pattern
-- with no entry may start anywhere (plain LPeg, p.tok, p.find, re). The
-- engine runs a pattern only at tokens its first set admits (p.first_set).

local FIRST = setmetatable({}, { __mode = "k" })

local function union(fa, fb)
  if not fa or not fb then return nil end
  local r = { words = {}, types = {}, kinds = {}, empty = fa.empty or fb.empty }
  for _, f in ipairs { fa, fb } do
    for w in pairs(f.words) do r.words[w] = true end
    for t in pairs(f.types) do r.types[t] = true end
    for _, k in ipairs(f.kinds) do r.kinds[#r.kinds + 1] = k end
  end
  return r
end

local function first_seq(a, b)
  local fa = FIRST[a]
  if not fa then return nil end
  if not fa.empty then return fa end
  local fb = type(b) == "userdata" and FIRST[b] or nil
  local r = union(fa, fb)
  if r then r.empty = fb.empty end
  return r
end

local function first(words, types, kinds, empty)
  return { words = words or {}, types = types or {}, kinds = kinds or {}, empty = empty or false }
end

local function mul_lazy(a, b)
  local fa = pending[a]
  local fb = type(b) == "userdata" and pending[b] or nil
  if fa then
    local r = fa(fb and b or P(b))
    if fb then
      -- still ends in b's gap
      local r2 = P(r)
      pending[r2] = function(rest) return fa(fb(rest)) end
      return r2
    end
    return r
  end
  local r = plain_mul(a, b)
  if fb then
    pending[r] = function(rest) return plain_mul(a, fb(rest)) end
  end
  return r
end

local function mul(a, b)
  local r = mul_lazy(a, b)
  if type(a) == "userdata" then FIRST[r] = first_seq(a, b) else FIRST[r] = nil end
  return r
end

-- The other operators keep track of first tokens too.
local function alt(a, b)
  local r = plain_add(a, b)
  FIRST[r] = type(a) == "userdata" and type(b) == "userdata" and union(FIRST[a], FIRST[b]) or nil
  return r
end
local function pow(a, n)
  local r = plain_pow(a, n)
  local fa = type(a) == "userdata" and FIRST[a] or nil
  if fa and math.type(n) == "integer" then
    local e = fa.empty or n <= 0
    FIRST[r] = first(fa.words, fa.types, fa.kinds, e)
  else
    FIRST[r] = nil
  end
  return r
end
-- x / f and x - y start as x does
local function as_left(op)
  return function(a, b)
    local r = op(a, b)
    FIRST[r] = type(a) == "userdata" and FIRST[a] or nil
    return r
  end
end
-- predicates (-x, #x) consume nothing: what follows them decides
local function as_empty(op)
  return function(a)
    local r = op(a)
    FIRST[r] = first(nil, nil, nil, true)
    return r
  end
end
local div, sub = as_left(plain_div), as_left(plain_sub)
local unm, len = as_empty(plain_unm), as_empty(plain_len)

local installed = false
--- Install the lazy-gap sequence operator on LPeg patterns (idempotent).
-- It changes nothing for patterns that do not end in a gap.
function M.install()
  if installed then return end
  pattern_mt.__mul = mul
  pattern_mt.__add, pattern_mt.__pow, pattern_mt.__div = alt, pow, div
  pattern_mt.__sub, pattern_mt.__unm, pattern_mt.__len = sub, unm, len
  -- x:as"name" on any LPeg pattern
  local index = pattern_mt.__index
  if type(index) == "table" and not index.as then
    index.as = function(patt, name) return M.as(patt, name) end
  end
  installed = true
end

---------------------------------------------------------------------------
-- Word forms

local IRREGULAR = {
  be = { "is", "are", "was", "were", "been", "being", "am" },
  have = { "has", "had", "having" }, ["do"] = { "does", "did", "done", "doing" },
  meet = { "met" }, buy = { "bought" }, sell = { "sold" }, hold = { "held" },
  make = { "made" }, take = { "took", "taken" }, give = { "gave", "given" },
  seek = { "sought" }, lead = { "led" }, win = { "won" }, begin = { "began", "begun" },
  build = { "built" }, bring = { "brought" }, send = { "sent" }, say = { "said" },
  tell = { "told" }, pay = { "paid" }, leave = { "left" }, see = { "saw", "seen" },
  go = { "went", "gone", "goes" }, come = { "came" }, get = { "got", "gotten" },
  fly = { "flew", "flown", "flies" }, undertake = { "undertook", "undertaken" },
  forge = {}, sign = {}, agree = {},
  ["co-produce"] = {},
}

--- The inflected forms of an English base word (verbs and nouns): base,
-- -s/-es, -ed/-d, -ing, y→ies/ied, doubled consonants, and irregular forms.
function M.forms(base)
  local b = core.fold(base)
  local out, seen = {}, {}
  local function add(w) if not seen[w] then seen[w] = true; out[#out + 1] = w end end
  add(b)
  for _, w in ipairs(IRREGULAR[b] or {}) do add(w) end
  if b:find("[^%a]") then return out end
  local stem_y = b:match("^(.-[^aeiou])y$")
  if stem_y then
    add(stem_y .. "ies"); add(stem_y .. "ied"); add(b .. "ing")
    return out
  end
  if b:find("[sxz]$") or b:find("[cs]h$") or b:find("o$") then add(b .. "es") else add(b .. "s") end
  if b:find("ee$") then
    add(b .. "d"); add(b .. "ing")
  elseif b:find("e$") then
    add(b .. "d"); add(b:sub(1, -2) .. "ing")
  else
    add(b .. "ed"); add(b .. "ing")
    -- short words ending consonant-vowel-consonant double it: plan → planned
    if b:find("^[^aeiou]*[aeiou][^aeiouwxy]$") then
      local c = b:sub(-1)
      add(b .. c .. "ed"); add(b .. c .. "ing")
    end
  end
  return out
end

---------------------------------------------------------------------------
-- Construction (needs the Matcher of this Lua state)

--- Make the helpers for a Matcher. Returns the pattern library `p`.
-- types: a function name -> small integer id for mention types.
function M.new(matcher, type_id)
  M.install()
  local p = {}
  local tok = Cmt(P(1), matcher:helper_tok())
  local skip = Cmt(P(1), matcher:helper_tok(true)) -- for gaps and searches
  p.tok = tok

  local function tokens_of(phrase)
    local t = {}
    for _, k in ipairs(core.tokenize(phrase)) do t[#t + 1] = core.fold(k.text) end
    return t
  end

  -- One token whose folded form is in the set of words.
  local function one_of(words)
    local set = {}
    for _, w in ipairs(words) do set[w] = true end
    local r = Cmt(P(1), matcher:helper_word(set))
    FIRST[r] = first(set)
    return r
  end

  --- p.word(w): a word or phrase (case- and diacritic-insensitive), or a list
  -- of them (longest phrases are tried first).
  function p.word(w)
    local list = type(w) == "table" and w or { w }
    if #list == 0 then error("p.word: empty list", 2) end
    local singles, multis = {}, {}
    for _, phrase in ipairs(list) do
      if type(phrase) ~= "string" then error("p.word: words must be strings", 2) end
      local toks = tokens_of(phrase)
      if #toks == 1 then
        singles[#singles + 1] = toks[1]
      elseif #toks > 1 then
        multis[#multis + 1] = toks
      end
    end
    table.sort(multis, function(a, b) return #a > #b end)
    local patt
    for _, toks in ipairs(multis) do
      local seq = one_of { toks[1] }
      for i = 2, #toks do seq = plain_mul(seq, one_of { toks[i] }) end
      patt = patt and (patt + seq) or seq
    end
    if #singles > 0 then
      local s = one_of(singles)
      patt = patt and (patt + s) or s
    end
    if not patt then error("p.word: nothing to match in " .. tostring(w), 2) end
    local starts = {}
    for _, x in ipairs(singles) do starts[x] = true end
    for _, toks in ipairs(multis) do starts[toks[1]] = true end
    FIRST[patt] = first(starts)
    return patt
  end

  --- p.lemma(w): any inflected form of a base word or of each in a list.
  function p.lemma(w)
    local list = type(w) == "table" and w or { w }
    local words = {}
    for _, base in ipairs(list) do
      local toks = tokens_of(base)
      if #toks > 1 then
        -- inflect the first word of a phrase: "sign up" → signs up, signed up
        local rest = base:match("^%S+%s+(.*)$")
        for _, f in ipairs(M.forms(toks[1])) do words[#words + 1] = f .. " " .. rest end
      else
        for _, f in ipairs(M.forms(base)) do words[#words + 1] = f end
      end
    end
    return p.word(words)
  end

  --- p.ent(type): a mention of that type starting at the next token,
  -- captured (the longest one when several start there).
  function p.ent(t)
    if type(t) ~= "string" then error("p.ent: type must be a string", 2) end
    local r = Cmt(P(1), matcher:helper_ent(type_id(t)))
    FIRST[r] = first(nil, { [type_id(t)] = true })
    return r
  end

  local function kind(kinds, need, deny)
    local mask = 0
    for _, k in ipairs(kinds) do mask = mask | (1 << KIND[k]) end
    local r = Cmt(P(1), matcher:helper_kind(mask, need or 0, deny or 0))
    FIRST[r] = first(nil, nil, { { mask, need or 0, deny or 0 } })
    return r
  end
  p.cap = kind({ "word" }, FLAG.cap)
  p.upper = kind({ "word" }, FLAG.upper)
  p.lower = kind({ "word" }, 0, FLAG.cap)
  p.num = kind({ "number" })
  p.quote = kind({ "quote" })
  p.dash = kind({ "dash" })
  p.symbol = kind({ "symbol" })

  --- p.punct(s): a punctuation token, e.g. p.punct"," (or any with no argument).
  function p.punct(s)
    if s == nil then return kind({ "punct" }) end
    return p.word(s)
  end

  --- p.gap(n): up to n tokens, as few as the rest of the pattern needs.
  function p.gap(n)
    if math.type(n) ~= "integer" or n < 0 then error("p.gap: n must be a whole number", 2) end
    local greedy = skip ^ -n
    local r = P(greedy)
    pending[r] = function(rest)
      local g = rest
      for _ = 1, n do g = rest + plain_mul(skip, g) end
      return g
    end
    return r
  end

  --- p.opt(x): x, or nothing.
  function p.opt(x) return P(x) ^ -1 end

  --- p.find(x): x at the next token or any later one in the range. Records
  -- where x began in the capture `_start`.
  function p.find(x)
    return P { plain_mul(Cg(Cp(), "_start"), P(x)) + plain_mul(skip, V(1)) }
  end

  p.as = M.as
  p.lpeg = lpeg

  --- The first-token set of a pattern for matcher:starts, or nil when the
  -- pattern may start anywhere (or match nothing at all).
  function p.first_set(x)
    local f = type(x) == "userdata" and FIRST[x] or nil
    if not f or f.empty then return nil end
    local words, types = {}, {}
    for w in pairs(f.words) do words[#words + 1] = w end
    for t in pairs(f.types) do types[#types + 1] = t end
    if #words + #types + #f.kinds == 0 then return nil end
    table.sort(words)
    table.sort(types)
    return matcher:firstset(words, types, f.kinds)
  end

  --- The search form of a rule's pattern, used by the engine: from a
  -- position, skip tokens until x matches, and return the subject position
  -- where the match began, the table of its captures and where it ended.
  function p.search(x)
    return P { plain_mul(plain_mul(Cp(), lpeg.Ct(P(x))), Cp()) + plain_mul(skip, V(1)) }
  end
  return p
end

-- The value of a named capture: the captures of the pattern, or its
-- matched text without surrounding spaces when it captures nothing.
local function first_value(v, ...)
  if select("#", ...) == 0 and type(v) == "string" then
    return (v:gsub("^%s+", ""):gsub("%s+$", ""))
  end
  return v
end

--- x:as(name): name the capture of x (or its text) in the match table.
function M.as(patt, name)
  if type(name) ~= "string" then error("as: the name must be a string", 2) end
  local r = Cg(P(patt) / first_value, name)
  FIRST[r] = type(patt) == "userdata" and FIRST[patt] or nil
  return r
end

return M
