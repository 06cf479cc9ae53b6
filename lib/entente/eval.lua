--- entente.eval: compare fact sheets with gold fact sheets.
--
-- The matching rules are those of ../shared/FACTS-FORMAT.md:
--   * names match when equal after normalising (case folding, diacritics
--     removed, punctuation removed, spaces collapsed), when one equals an
--     alias of the other, or when they are equal once leading and trailing
--     honorific, rank and office tokens (scripts/data/titles.tsv) are
--     stripped from both;
--   * countries, persons, organizations: set P/R/F1 over names;
--     cooperation: the unordered pair (sector Jaccard and stage agreement
--     over hits); procurement: buyer + supplier; agreements: kind + set of
--     parties; meetings: set of participants; visits: visitor + host; trade:
--     pair + currency; tech_transfer: from + to;
--   * items in the gold's `optional` count neither as miss nor false hit;
--   * one gold item matches at most one found item (maximum bipartite
--     matching), so duplicates count.
-- Scores are micro-averaged over documents and over categories (overall).
local core = require "entente.core"
local engine = require "entente.engine"
local facts = require "entente.facts"
local json = require "entente.json"

local M = {}

--- Categories scored in every gold document (a missing list is empty).
M.CORE = { "countries", "persons", "organizations", "cooperation", "agreements", "procurement",
  "meetings" }
--- Categories scored only in gold documents that have the key.
M.EXTRA = { "visits", "trade", "tech_transfer" }
M.CATEGORIES = {}
for _, c in ipairs(M.CORE) do M.CATEGORIES[#M.CATEGORIES + 1] = c end
for _, c in ipairs(M.EXTRA) do M.CATEGORIES[#M.CATEGORIES + 1] = c end
local IS_CATEGORY = {}
for _, c in ipairs(M.CATEGORIES) do IS_CATEGORY[c] = true end
M.IS_CATEGORY = IS_CATEGORY

---------------------------------------------------------------------------
-- names

--- Normal form of a name: folded, punctuation removed (dashes and slashes
-- become spaces, other punctuation disappears: "Dato'" = "Dato",
-- "U.S." = "US", "Waker-uz-Zaman" = "Waker uz Zaman"), spaces collapsed.
function M.norm(s)
  if s == nil or s == json.null then return "" end
  s = core.fold(tostring(s))
  s = s:gsub("\u{2010}", " "):gsub("\u{2011}", " "):gsub("\u{2012}", " "):gsub("\u{2013}", " ")
    :gsub("\u{2014}", " "):gsub("\u{2015}", " ")
  s = s:gsub("[%-/_]", " "):gsub("[%p]", ""):gsub("\u{2018}", ""):gsub("\u{2019}", "")
    :gsub("\u{201C}", ""):gsub("\u{201D}", "")
  s = s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")
  return s
end
local norm = M.norm

local default_titles

--- Title phrases (normalised) that may be stripped from names: every
-- honorific, rank and office of titles.tsv except those flagged strip=no
-- (hereditary titles that are part of the name: Tengku, Syed, Wan ...).
function M.load_titles(path)
  path = path or (core.home .. "/scripts/data/titles.tsv")
  local ok, rows = pcall(engine.read_tsv, path)
  local set, maxlen = {}, 1
  if not ok then return { set = set, maxlen = maxlen, error = rows } end
  for _, r in ipairs(rows) do
    local kind = r.kind
    if (kind == "honorific" or kind == "rank" or kind == "office")
      and not (r.note or ""):match("strip=no") then
      for _, phrase in ipairs { r.phrase, r.normal } do
        local n = norm(phrase)
        if n ~= "" then
          set[n] = true
          local _, k = n:gsub(" ", "")
          if k + 1 > maxlen then maxlen = k + 1 end
        end
      end
    end
  end
  return { set = set, maxlen = maxlen }
end

local function titles_of(opts)
  if opts and opts.titles then return opts.titles end
  default_titles = default_titles or M.load_titles()
  return default_titles
end

--- The normal form of a name without leading or trailing title tokens (at
-- least one token is kept).
function M.strip(s, titles)
  titles = titles or titles_of()
  local toks = {}
  for w in norm(s):gmatch("%S+") do toks[#toks + 1] = w end
  local i, j = 1, #toks
  local changed = true
  while changed do
    changed = false
    for k = math.min(titles.maxlen, j - i), 1, -1 do
      if titles.set[table.concat(toks, " ", i, i + k - 1)] then
        i = i + k; changed = true; break
      end
    end
    for k = math.min(titles.maxlen, j - i), 1, -1 do
      if titles.set[table.concat(toks, " ", j - k + 1, j)] then
        j = j - k; changed = true; break
      end
    end
  end
  return table.concat(toks, " ", i, j)
end

local function name_and_aliases(x)
  if type(x) == "table" and x ~= json.null then
    local al = {}
    if type(x.aliases) == "table" then
      for _, a in ipairs(x.aliases) do if type(a) == "string" then al[#al + 1] = a end end
    end
    return x.name, al
  end
  return x, {}
end

--- Do two names match? Each is a string or a table {name=, aliases=}.
function M.names_match(a, b, titles)
  local an, aal = name_and_aliases(a)
  local bn, bal = name_and_aliases(b)
  if type(an) ~= "string" or type(bn) ~= "string" then return false end
  local na, nb = norm(an), norm(bn)
  if na == "" or nb == "" then return false end
  if na == nb then return true end
  for _, al in ipairs(bal) do if norm(al) == na then return true end end
  for _, al in ipairs(aal) do if norm(al) == nb then return true end end
  titles = titles or titles_of()
  return M.strip(an, titles) == M.strip(bn, titles)
end

-- Maximum bipartite matching: gold list G, found list S, eq(g, s).
-- Returns match_g[i] = j and match_s[j] = i.
local function max_match(G, S, eq)
  local adj = {}
  for i, g in ipairs(G) do
    adj[i] = {}
    for j, s in ipairs(S) do if eq(g, s) then adj[i][#adj[i] + 1] = j end end
  end
  local mg, ms = {}, {}
  local function try(i, seen)
    for _, j in ipairs(adj[i]) do
      if not seen[j] then
        seen[j] = true
        if not ms[j] or try(ms[j], seen) then
          mg[i], ms[j] = j, i
          return true
        end
      end
    end
    return false
  end
  for i = 1, #G do try(i, {}) end
  return mg, ms
end
M.max_match = max_match

-- Set equality of two name lists under names_match.
local function same_name_set(a, b, titles)
  if type(a) ~= "table" or type(b) ~= "table" or #a ~= #b then return false end
  local mg = max_match(a, b, function(x, y) return M.names_match(x, y, titles) end)
  for i = 1, #a do if not mg[i] then return false end end
  return true
end

local function pair_of(x)
  if type(x) ~= "table" or #x ~= 2 then return nil end
  local a, b = norm(x[1]), norm(x[2])
  if b < a then a, b = b, a end
  return a .. "|" .. b
end

--- eq[category](gold_item, found_item, titles) -> boolean
M.eq = {
  countries = function(g, s) return type(g) == "string" and type(s) == "string" and norm(g) == norm(s) end,
  persons = function(g, s, t) return M.names_match(g, s, t) end,
  organizations = function(g, s, t) return M.names_match(g, s, t) end,
  cooperation = function(g, s) local p = pair_of(g.between); return p ~= nil and p == pair_of(s.between) end,
  trade = function(g, s)
    local p = pair_of(g.between)
    return p ~= nil and p == pair_of(s.between) and norm(g.currency) == norm(s.currency)
  end,
  procurement = function(g, s, t)
    return M.names_match(g.buyer, s.buyer, t) and M.names_match(g.supplier, s.supplier, t)
  end,
  tech_transfer = function(g, s, t)
    return M.names_match(g.from, s.from, t) and M.names_match(g.to, s.to, t)
  end,
  visits = function(g, s, t)
    return M.names_match(g.visitor, s.visitor, t) and M.names_match(g.host, s.host, t)
  end,
  agreements = function(g, s, t)
    return norm(g.kind) == norm(s.kind) and same_name_set(g.parties, s.parties, t)
  end,
  meetings = function(g, s, t) return same_name_set(g.participants, s.participants, t) end,
}

--- Short text for an item of a category.
function M.describe(cat, it)
  if type(it) ~= "table" then return tostring(it) end
  local function s(v) return (v == nil or v == json.null) and "?" or tostring(v) end
  local function l(v)
    if type(v) ~= "table" then return s(v) end
    local t = {}
    for i, x in ipairs(v) do t[i] = s(x) end
    return table.concat(t, cat == "meetings" and ", " or "-")
  end
  if cat == "persons" or cat == "organizations" then return s(it.name)
  elseif cat == "cooperation" then return l(it.between)
  elseif cat == "trade" then return l(it.between) .. " " .. s(it.currency)
  elseif cat == "procurement" then return s(it.buyer) .. " from " .. s(it.supplier)
  elseif cat == "tech_transfer" then return s(it.from) .. " to " .. s(it.to)
  elseif cat == "visits" then return s(it.visitor) .. " to " .. s(it.host)
  elseif cat == "agreements" then return s(it.kind) .. " " .. l(it.parties)
  elseif cat == "meetings" then return l(it.participants)
  end
  return json.encode(it)
end

---------------------------------------------------------------------------
-- scores

--- P, R, F1 from counts. With nothing found P is 1, with nothing to find R
-- is 1; F1 is 0 when P + R is 0.
function M.prf(tp, fp, fn)
  local p = (tp + fp) == 0 and 1 or tp / (tp + fp)
  local r = (tp + fn) == 0 and 1 or tp / (tp + fn)
  local f = (p + r) == 0 and 0 or 2 * p * r / (p + r)
  return p, r, f
end

--- Jaccard of two lists of strings (1 when both are empty).
function M.jaccard(a, b)
  local sa, sb, union, inter = {}, {}, 0, 0
  for _, x in ipairs(type(a) == "table" and a or {}) do sa[norm(x)] = true end
  for _, x in ipairs(type(b) == "table" and b or {}) do sb[norm(x)] = true end
  for x in pairs(sa) do union = union + 1; if sb[x] then inter = inter + 1 end end
  for x in pairs(sb) do if not sa[x] then union = union + 1 end end
  if union == 0 then return 1 end
  return inter / union
end

local function list(v)
  if type(v) == "table" and v ~= json.null then return v end
  return {}
end

--- Score one category: gold items, optional gold items, found items.
-- Returns {tp, fp, fn, hits = {{gold, found, found_index}}, false_hits =
-- {{item, index}}, misses = {{item}}, ignored}.
function M.score_category(cat, gold, optional, found, titles)
  titles = titles or titles_of()
  local eq = function(g, s) return M.eq[cat](g, s, titles) end
  gold, optional, found = list(gold), list(optional), list(found)
  local mg, ms = max_match(gold, found, eq)
  local res = { tp = 0, fp = 0, fn = 0, hits = {}, false_hits = {}, misses = {}, ignored = 0 }
  for i, g in ipairs(gold) do
    if mg[i] then
      res.tp = res.tp + 1
      res.hits[#res.hits + 1] = { gold = g, found = found[mg[i]], index = mg[i] }
    else
      res.fn = res.fn + 1
      res.misses[#res.misses + 1] = { item = g }
    end
  end
  for j, s in ipairs(found) do
    if not ms[j] then
      local opt = false
      for _, o in ipairs(optional) do if eq(o, s) then opt = true; break end end
      if opt then
        res.ignored = res.ignored + 1
      else
        res.fp = res.fp + 1
        res.false_hits[#res.false_hits + 1] = { item = s, index = j }
      end
    end
  end
  if cat == "cooperation" then
    res.jaccard_sum, res.stage_agree = 0, 0
    for _, h in ipairs(res.hits) do
      res.jaccard_sum = res.jaccard_sum + M.jaccard(h.gold.sectors, h.found.sectors)
      if norm(h.gold.stage) == norm(h.found.stage) then res.stage_agree = res.stage_agree + 1 end
    end
  end
  return res
end

---------------------------------------------------------------------------
-- gold files

local function check_item(cat, it, where, errors)
  if cat == "countries" then
    if type(it) ~= "string" then
      errors[#errors + 1] = where .. ": a country code (string) expected"
      return false
    end
    return true
  end
  if type(it) ~= "table" or #it > 0 then
    errors[#errors + 1] = where .. ": an object expected"
    return false
  end
  local need = ({ persons = { "name" }, organizations = { "name" }, cooperation = { "between" },
    trade = { "between" }, procurement = { "buyer", "supplier" }, tech_transfer = { "from", "to" },
    visits = { "visitor", "host" }, agreements = { "parties" }, meetings = { "participants" } })[cat]
  for _, f in ipairs(need or {}) do
    if it[f] == nil then
      errors[#errors + 1] = string.format("%s: no '%s'", where, f)
      return false
    end
  end
  if (cat == "cooperation" or cat == "trade") and (type(it.between) ~= "table" or #it.between ~= 2) then
    errors[#errors + 1] = where .. ": 'between' must list two countries"
    return false
  end
  return true
end

-- Keep the valid items of gold list t (reporting the others).
local function clean_list(cat, t, where, errors)
  if t == nil then return nil end
  if type(t) ~= "table" or (next(t) ~= nil and #t == 0) then
    errors[#errors + 1] = string.format("%s: '%s' must be a list", where, cat)
    return {}
  end
  local out = {}
  for i, it in ipairs(t) do
    if check_item(cat, it, string.format("%s: %s item %d", where, cat, i), errors) then
      out[#out + 1] = it
    end
  end
  return out
end

--- Read a gold file (JSON Lines). Returns the documents (in file order)
-- and a list of messages "file:line: ..." for lines that were skipped or
-- items that were left out; nil and a message when the file cannot be read.
function M.load_gold(path)
  local f, ferr = io.open(path, "rb")
  if not f then return nil, ferr end
  local docs, errors, seen = {}, {}, {}
  local lineno = 0
  for line in f:lines() do
    lineno = lineno + 1
    local where = path .. ":" .. lineno
    if not line:match("^%s*$") then
      local t, jerr = core.json_decode(line)
      if not t then
        errors[#errors + 1] = string.format("%s: not valid JSON (%s); line skipped", where, tostring(jerr))
      elseif type(t) ~= "table" or (#t > 0) then
        errors[#errors + 1] = where .. ": not a JSON object; line skipped"
      elseif type(t.doc) ~= "string" or t.doc == "" then
        errors[#errors + 1] = where .. ": no \"doc\" name; line skipped"
      elseif seen[t.doc] then
        errors[#errors + 1] = string.format("%s: document %s already given on line %d; line skipped",
          where, t.doc, seen[t.doc])
      else
        seen[t.doc] = lineno
        local d = { doc = t.doc, date = t.date, line = lineno, file = path, optional = {}, has = {} }
        for _, cat in ipairs(M.CATEGORIES) do
          d.has[cat] = t[cat] ~= nil
          d[cat] = clean_list(cat, t[cat], where, errors) or {}
        end
        if t.optional ~= nil then
          if type(t.optional) ~= "table" or #t.optional > 0 then
            errors[#errors + 1] = where .. ": 'optional' must be an object"
          else
            for k, v in pairs(t.optional) do
              if IS_CATEGORY[k] then
                d.optional[k] = clean_list(k, v, where .. ": optional", errors)
              else
                errors[#errors + 1] = string.format("%s: unknown optional list '%s' ignored", where, k)
              end
            end
          end
        end
        docs[#docs + 1] = d
      end
    end
  end
  f:close()
  return docs, errors
end

---------------------------------------------------------------------------
-- evaluation

local function new_counts() return { tp = 0, fp = 0, fn = 0, docs = 0 } end

local function add_counts(into, r)
  into.tp, into.fp, into.fn = into.tp + r.tp, into.fp + r.fp, into.fn + r.fn
end

local function finish_counts(c)
  c.p, c.r, c.f1 = M.prf(c.tp, c.fp, c.fn)
  return c
end

--- Compare gold documents with found sheets.
-- sheets: a table doc name -> sheet (from entente.facts). opts.titles;
-- opts.explain(docname, category, item) -> text (why a miss); opts.provenance(sheet,
-- category, index) -> list of {rule, file, line}.
-- Returns {categories = {cat -> counts}, overall, documents = {...},
-- cooperation = {hits, jaccard, stage_agreement}, false_hits, misses, missing}.
function M.evaluate(gold_docs, sheets, opts)
  opts = opts or {}
  local titles = titles_of(opts)
  local prov = opts.provenance or function(sheet, cat, i)
    return (facts.provenance(sheet)[cat] or {})[i] or {}
  end
  local res = { categories = {}, overall = new_counts(), documents = {}, false_hits = {},
    misses = {}, missing = {}, cooperation = { hits = 0, jaccard_sum = 0, stage_agree = 0 } }
  for _, c in ipairs(M.CATEGORIES) do res.categories[c] = new_counts() end
  for _, g in ipairs(gold_docs) do
    local sheet = sheets[g.doc]
    local drec = { doc = g.doc, categories = {}, overall = new_counts(), missing = sheet == nil }
    if not sheet then res.missing[#res.missing + 1] = g.doc end
    for _, cat in ipairs(M.CATEGORIES) do
      local scored = IS_CATEGORY[cat] and (g.has[cat] or not M.EXTRA_SET[cat])
      if scored then
        local r = M.score_category(cat, g[cat], g.optional[cat], sheet and sheet[cat] or {}, titles)
        drec.categories[cat] = finish_counts({ tp = r.tp, fp = r.fp, fn = r.fn })
        add_counts(drec.overall, r)
        add_counts(res.categories[cat], r)
        res.categories[cat].docs = res.categories[cat].docs + 1
        add_counts(res.overall, r)
        if cat == "cooperation" then
          res.cooperation.hits = res.cooperation.hits + #r.hits
          res.cooperation.jaccard_sum = res.cooperation.jaccard_sum + r.jaccard_sum
          res.cooperation.stage_agree = res.cooperation.stage_agree + r.stage_agree
          drec.cooperation = { hits = #r.hits, jaccard = #r.hits > 0 and r.jaccard_sum / #r.hits or json.null,
            stage_agreement = #r.hits > 0 and r.stage_agree / #r.hits or json.null }
        end
        for _, fh in ipairs(r.false_hits) do
          res.false_hits[#res.false_hits + 1] = { doc = g.doc, category = cat, item = fh.item,
            text = M.describe(cat, fh.item), rules = prov(sheet, cat, fh.index) }
        end
        for _, m in ipairs(r.misses) do
          local why
          if not sheet then
            why = "the document is not in the store"
          elseif opts.explain then
            why = opts.explain(g.doc, cat, m.item)
          end
          res.misses[#res.misses + 1] = { doc = g.doc, category = cat, item = m.item,
            text = M.describe(cat, m.item), why = why }
        end
      end
    end
    finish_counts(drec.overall)
    res.documents[#res.documents + 1] = drec
  end
  for _, c in ipairs(M.CATEGORIES) do finish_counts(res.categories[c]) end
  finish_counts(res.overall)
  local co = res.cooperation
  co.jaccard = co.hits > 0 and co.jaccard_sum / co.hits or json.null
  co.stage_agreement = co.hits > 0 and co.stage_agree / co.hits or json.null
  return res
end
M.EXTRA_SET = {}
for _, c in ipairs(M.EXTRA) do M.EXTRA_SET[c] = true end

---------------------------------------------------------------------------
-- why a miss: "as far as can be told" from the store

local REL_TYPE = { cooperation = "COOPERATION", agreements = "AGREEMENT", procurement = "PROCUREMENT",
  tech_transfer = "TECH_TRANSFER", meetings = "MEETING", visits = "VISIT", trade = "TRADE" }
M.REL_TYPE = REL_TYPE

local function short(s, n)
  s = tostring(s):gsub("%s+", " ")
  if #s <= n then return s end
  local cut = utf8.offset(s, n) or n
  return s:sub(1, cut - 1) .. "…"
end

local country_names_cache

-- Names of every country (code -> list of names), longest first.
local function country_names()
  if country_names_cache then return country_names_cache end
  local t = {}
  local function add(code, name)
    if code and name and name ~= "" then
      t[code] = t[code] or {}
      table.insert(t[code], name)
    end
  end
  local text = nil
  local f = io.open(core.iso_codes_dir .. "/iso_3166-1.json", "rb")
  if f then text = f:read("a"); f:close() end
  local iso = text and core.json_decode(text)
  for _, e in ipairs(iso and iso["3166-1"] or {}) do
    for _, k in ipairs { "name", "common_name", "official_name" } do
      if e[k] then add(e.alpha_3, (e[k]:gsub("%s*%b()", ""):gsub(",.*$", ""))) end
    end
  end
  local ok, rows = pcall(engine.read_tsv, core.home .. "/scripts/data/country_names.tsv")
  if ok then for _, r in ipairs(rows) do add(r.key, r.name) end end
  for _, l in pairs(t) do table.sort(l, function(a, b) return #a > #b or (#a == #b and a < b) end) end
  country_names_cache = t
  return t
end

--- A function explain(docname, category, item) that says why a gold item
-- was missed, from what the store holds for the document.
function M.explainer(st)
  local cache = {}
  local type_rules = {}
  local function rules_for(rtype)
    if not type_rules[rtype] then
      local l = {}
      for _, r in ipairs(st:sql("SELECT DISTINCT rule FROM relations WHERE type = ? ORDER BY rule", rtype)) do
        l[#l + 1] = r.rule
      end
      type_rules[rtype] = l
    end
    return type_rules[rtype]
  end
  local function docinfo(name)
    if cache[name] then return cache[name] end
    local d = st:sql("SELECT id, text FROM documents WHERE name = ?", name)[1]
    if not d then return nil end
    local info = { id = d.id, text = d.text, ftext = core.fold(d.text or "") }
    info.mentions = st:sql([[SELECT type, key, text, rule, sent_start, sent_stop, attrs FROM mentions
      WHERE doc_id = ? ORDER BY start, id]], d.id)
    for _, m in ipairs(info.mentions) do m.ftext = norm(m.text) end
    info.relations = st:sql("SELECT id, type, attrs, rule FROM relations WHERE doc_id = ? " ..
      "ORDER BY start, id", d.id)
    cache[name] = info
    return info
  end
  -- sentences (start -> {text, keys}) where each key is mentioned
  local function sentences_with(info, keys)
    local sent = {}
    for _, m in ipairs(info.mentions) do
      if m.key then
        local s = sent[m.sent_start] or { start = m.sent_start, stop = m.sent_stop, keys = {} }
        sent[m.sent_start] = s
        s.keys[norm(m.key)] = true
        s.keys[norm(m.text)] = true
        local a = facts.decode(m.attrs)
        if type(a.name) == "string" then s.keys[norm(a.name)] = true end
      end
    end
    local both, starts = {}, {}
    for st0 in pairs(sent) do starts[#starts + 1] = st0 end
    table.sort(starts)
    for _, st0 in ipairs(starts) do
      local s, all = sent[st0], true
      for _, k in ipairs(keys) do if not s.keys[norm(k)] then all = false end end
      if all then both[#both + 1] = s end
    end
    return both
  end
  local function mentioned(info, name)
    local n = norm(name)
    for _, m in ipairs(info.mentions) do
      if norm(m.key) == n or m.ftext == n then return m end
      local a = facts.decode(m.attrs)
      if type(a.name) == "string" and norm(a.name) == n then return m end
    end
    return nil
  end
  local function in_text(info, name)
    local f = core.fold(name)
    return f ~= "" and facts.contains_words(info.ftext, f)
  end

  local function explain_country(info, code)
    local names = country_names()[code] or {}
    for _, nm in ipairs(names) do
      if in_text(info, nm) then
        local n = norm(nm)
        for _, m in ipairs(info.mentions) do
          if m.ftext == n then
            return string.format("%q appears in the text but was read as %s %s by %s", nm, m.type,
              tostring(m.key), m.rule)
          end
        end
        return string.format("%q appears in the text but no COUNTRY rule matched it", nm)
      end
    end
    return string.format("no name, alias, demonym or capital of %s found in the text", code)
  end

  local function explain_name(info, cat, it)
    local want = cat == "persons" and "PERSON" or "ORG"
    local names = { it.name }
    for _, a in ipairs(type(it.aliases) == "table" and it.aliases or {}) do names[#names + 1] = a end
    for _, nm in ipairs(names) do
      if type(nm) == "string" then
        local n = norm(nm)
        for _, m in ipairs(info.mentions) do
          if m.ftext == n or (m.ftext ~= "" and m.type == want and (n:find(m.ftext, 1, true)
              or m.ftext:find(n, 1, true))) then
            if m.type == want then
              return string.format("%q is a %s mention with key %q (%s) that does not match the name",
                m.text, m.type, tostring(m.key), m.rule)
            end
            return string.format("%q was read as %s %s by %s", m.text, m.type, tostring(m.key), m.rule)
          end
        end
        if in_text(info, nm) then
          return string.format("%q appears in the text but no %s rule matched it", nm, want)
        end
      end
    end
    local stripped = M.strip(it.name or "")
    return string.format("%q does not appear verbatim in the text%s", tostring(it.name),
      (stripped ~= norm(it.name or "") and "") or "; a rule must build it from parts")
  end

  local function parties_of(cat, it)
    if cat == "cooperation" or cat == "trade" then return list(it.between) end
    if cat == "procurement" then return { it.buyer, it.supplier } end
    if cat == "tech_transfer" then return { it.from, it.to } end
    if cat == "visits" then return { it.visitor, it.host } end
    if cat == "agreements" then return list(it.parties) end
    if cat == "meetings" then return list(it.participants) end
    return {}
  end

  local function explain_relation(info, cat, it)
    local rtype = REL_TYPE[cat]
    local rules = rules_for(rtype)
    local rtext = #rules > 0 and (rtype .. " rules: " .. table.concat(rules, ", "))
      or ("no " .. rtype .. " rule produced anything in the store")
    local parts = {}
    local absent = {}
    for _, p in ipairs(parties_of(cat, it)) do
      if type(p) == "string" and not mentioned(info, p) then absent[#absent + 1] = p end
    end
    -- relations skipped because of their modality
    for _, r in ipairs(info.relations) do
      local a = facts.decode(r.attrs)
      if r.type == rtype and facts.SKIP_MODALITY[a.modality] then
        parts[#parts + 1] = string.format("a %s relation by %s has modality %s (not exported)",
          rtype, r.rule, a.modality)
        break
      end
    end
    if #absent > 0 then
      parts[#parts + 1] = "not mentioned: " .. table.concat(absent, ", ")
    else
      local keys = {}
      for _, p in ipairs(parties_of(cat, it)) do if type(p) == "string" then keys[#keys + 1] = p end end
      local both = sentences_with(info, keys)
      if #keys >= 2 then
        if #both > 0 then
          local s = both[1]
          parts[#parts + 1] = string.format("%s mentioned together in %d sentence%s, e.g. %q",
            table.concat(keys, " and "), #both, #both == 1 and "" or "s",
            short(info.text:sub(s.start + 1, s.stop), 100))
        else
          parts[#parts + 1] = table.concat(keys, " and ") .. " never mentioned in one sentence"
        end
      end
    end
    parts[#parts + 1] = rtext
    return table.concat(parts, "; ")
  end

  return function(docname, cat, it)
    local info = docinfo(docname)
    if not info then return "the document is not in the store" end
    if cat == "countries" then return explain_country(info, it) end
    if cat == "persons" or cat == "organizations" then return explain_name(info, cat, it) end
    return explain_relation(info, cat, it)
  end
end

return M
