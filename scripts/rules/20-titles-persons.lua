-- 20-titles-persons.lua: TITLE mentions (offices, ranks, honorifics from
-- titles.tsv) and PERSON mentions.
--
-- A person is a run of capitalised name tokens (with hyphens, initials,
-- particles such as bin/binti/di/de/van/al, and a trailing Jr.) that
--   * follows a chain of titles: "Italian Defence Minister Guido Crosetto",
--     "Prime Minister Datuk Seri Anwar Ibrahim", "Hon. Antonio Tajani",
--     "Deputy Prime Minister and Minister of Foreign Affairs Antonio Tajani",
--     "Dassault chairman Eric Trappier";
--   * or stands before ", <title>" (apposition: "Jane Roe, Ambassador of X");
--   * or is the subject of said/told/added/noted (two or more capitalised
--     tokens that no gazetteer knows).
-- Honorifics are stripped from the key and name (kept in attrs.honorifics),
-- except hereditary ones marked strip=no (Tengku, Syed), which stay.
-- attrs.title is the `normal` of the first office or rank of the chain.
-- attrs.country, in order: a country (name, demonym, "X's") right before
-- the title chain; "of X" inside it; the country of an organisation right
-- before it ("Saab's chief executive"); a Malaysian honorific (Datuk, Dato',
-- Tan Sri, YAB ...) as a weak fallback for MYS. 45-resolve.lua fills the
-- rest from other mentions of the same person.
local C = include "common"

local tg = gazetteer "titles"
-- Malaysian styles and titles imply MYS as a last resort
local MALAYSIAN = {}
for _, r in ipairs(tsv "titles.tsv") do
  local f = C.flags(r.note)
  local entry = { type = "TITLE", key = r.normal,
    attrs = { normal = r.normal, sector = r.sector, kind = r.kind },
    strip_no = f.strip_no, ambiguous = f.ambiguous }
  tg:add(r.phrase, entry, f.exact)
  if r.kind == "honorific" and (r.phrase:match("^Dat") or r.phrase:match("^Tan Sri")
    or r.phrase:match("^Tun$")
    or r.phrase:match("^Toh Puan") or r.phrase:match("^Puan Sri") or r.phrase:match("^Y[AB]")
    or r.phrase:match("^Yang ")) then
    MALAYSIAN[r.normal] = true
  end
end
C.MALAYSIAN = MALAYSIAN

rule {
  name = "title.gazetteer",
  phase = "gazetteer",
  description = "Offices, ranks and honorifics from titles.tsv, as TITLE mentions.",
  gazetteer = tg,
  action = function(hit, s)
    local e = hit.entry
    -- ambiguous titles (Sultan, Amir, Chancellor, Ir, Sr) only before a capitalised name
    if e.ambiguous and not C.is_cap(C.next(s.d.text, hit.stop)) then return end
    -- PM/DPM are exact-case; "2pm" never reaches here, but "pm" in lower case is not a title
    local attrs = C.copy(e.attrs)
    attrs.strip_no = e.strip_no
    s:mention { type = "TITLE", key = e.key, start = hit.start, stop = hit.stop, attrs = attrs }
  end,
  examples = {
    { "The Minister of National Defence spoke first.",
      mentions = { { "TITLE", "Minister of National Defence", key = "Defence Minister", sector = "GOV" } } },
  },
}

---------------------------------------------------------------------------
-- Name tokens

-- reporting verbs: "Anders Berg said", "..., said Anders Berg"
local SAY = {}
for w in ("said says told added noted stated stressed explained argued warned announced confirmed "
  .. "emphasised emphasized remarked insisted wrote"):gmatch("%S+") do SAY[w] = true end

local PARTICLES = { bin = true, binti = true, bint = true, ibn = true, di = true, da = true, de = true,
  del = true, della = true, dos = true, ["do"] = true, du = true, van = true, von = true, der = true,
  den = true, al = true, el = true, la = true, le = true, ter = true, y = true, a = true }
-- capitalised words that never begin or belong to a person's name
local STOP = {}
for w in ([[the a an this that these those he she it they we i you his her its their our my
  in on at for from with by to of and or but as after before during under while when where if
  meanwhile however also both all some many most every each other another such no not
  mr mrs ms monday tuesday wednesday thursday friday saturday sunday january february march
  april may june july august september october november december today yesterday tomorrow
  according under earlier later last next new more further what why how who there here
  said says told added noted stated reported minister ministry president prime government
  defence defense national royal air navy army force forces state ambassador embassy chief
  editorial home world subscribe read related share photo file source press release
  spokesman spokesperson officials official sources talks visit deputy secretary general
  bernama reuters afp ap]]):gmatch("%S+") do STOP[w] = true end
-- single words of offices and ranks (Procurement, Affairs, Delegate, Director)
-- and generic organisation words are not names either
for _, r in ipairs(tsv "titles.tsv") do
  if r.kind ~= "honorific" then
    for w in r.phrase:gmatch("[%a\128-\255]+") do
      if #w > 2 then STOP[fold(w)] = true end
    end
  end
end
for w in ([[authority agency council committee commission systems system industries industry group company
  corporation corp inc ltd limited dynamics electric affairs delegate armaments procurement administration
  directorate department office bureau institute university bank fund board service services forces
  force aviation aerospace shipyard shipyards marine maritime naval technologies technology holdings
  international global news agency times post daily herald tribune journal
  command fleet division brigade regiment battalion squadron corps base headquarters centre center
  unit college academy school port harbour airport]]):gmatch("%S+") do
  STOP[w] = true
end
C.NAME_STOP = STOP

-- the doc's tokens, cached per document in d.focus
local function tokens_of(d)
  local t = d.focus._tokens
  if not t then
    t = tokenize(d.text)
    local at = {}
    for i, k in ipairs(t) do at[k.start] = i end
    t.at = at
    d.focus._tokens = t
  end
  return t
end
C.tokens_of = tokens_of

-- the earliest index of the token starting at or after offset
local function tok_from(t, off)
  local i = t.at[off]
  if i then return i end
  local lo, hi = 1, #t + 1 -- bisect: the first token starting at or after off
  while lo < hi do
    local mid = (lo + hi) // 2
    if t[mid].start < off then lo = mid + 1 else hi = mid end
  end
  return lo
end
C.tok_from = tok_from

local function gap_ok(d, a, b) -- only spaces (no line break) between offsets a and b
  return not d.text:sub(a + 1, b):find("[^ \t]")
end

-- is there a mention of one of these types starting at offset?
local function starts_entity(d, off, types)
  return d:mention_at(off, types)
end
-- the type lists asked about (made once: the engine keeps ids per list)
local ORG_TITLE, ONLY_COUNTRY, ONLY_TITLE, ORG_COUNTRY = { "ORG", "TITLE" }, { "COUNTRY" }, { "TITLE" },
  { "ORG", "COUNTRY" }

local function is_name_word(k)
  if k.kind ~= "word" then return false end
  if not k.cap then return false end
  if STOP[fold(k.text)] then return false end
  -- all-caps words of 3+ letters are acronyms (ASELSAN, ROME), not names
  if k.upper and #k.text >= 3 and not k.text:find("%l") and not k.text:find("%.") then return false end
  return true
end

--- Read a person's name from token i on. Returns first, last token index,
-- or nil. min: the fewest name tokens needed.
local function name_run(d, t, i, min)
  local first, last = i, nil
  local n = 0
  local j = i
  while j <= #t do
    local k = t[j]
    if last and not gap_ok(d, t[j - 1].stop, k.start) then
      -- hyphen or apostrophe joins: Waker-Uz-Zaman, Al-Harbi, O'Brien
      if k.start ~= t[j - 1].stop then break end
    end
    if is_name_word(k) and not starts_entity(d, k.start, ORG_TITLE) then
      last, n = j, n + 1
      j = j + 1
    elseif last and k.start == t[last].stop and (k.text == "-" or k.text == "'" or k.text == "\226\128\153")
      and t[j + 1] and t[j + 1].start == k.stop and t[j + 1].kind == "word" then
      last = j + 1
      j = j + 2
    elseif last and k.text == "." and k.start == t[last].stop and #t[last].text <= 2 then
      -- an initial: D.K. Sunil, Tore O. Sandvik, Jr.
      last = j
      j = j + 1
    elseif last and PARTICLES[k.text] and t[j + 1] and is_name_word(t[j + 1]) then
      j = j + 1
    elseif last and PARTICLES[k.text] and t[j + 1] and PARTICLES[t[j + 1].text] and t[j + 2]
      and is_name_word(t[j + 2]) then
      -- two particles: "van der", "de la", "von der"
      j = j + 2
    else
      break
    end
  end
  if not last or n < (min or 1) then return nil end
  -- a trailing particle or dangling dot is not part of the name
  while last > first and t[last].text == "." and #t[last - 1].text > 2 do last = last - 1 end
  return first, last
end
C.name_run = name_run

local function add_person(d, a, b, attrs)
  local text = d.text:sub(a + 1, b)
  attrs.name = text
  return d:mention { type = "PERSON", start = a, stop = b, key = fold(text), attrs = attrs }
end
C.add_person = add_person

-- A title chain ending right before offset: the TITLE mentions (and
-- "and", "of X", a dot or comma after an honorific) that lead up to it.
local function title_chain(d, off)
  local chain = {}
  local pos = off
  while true do
    local before = d:mentions { type = "TITLE", within = { math.max(0, pos - 80), pos } }
    local m = before[#before]
    if not m then break end
    local between = d.text:sub(m.stop + 1, pos)
    local ok = between:match("^%s*$") or between:match("^%.%s*$")
      or (between:match("^,%s*$") and #chain > 0 and chain[1].attrs.kind == "honorific")
      or (#chain > 0 and between:match("^%s+and%s+$"))
    if not ok then
      -- "Prime Minister of India Narendra Modi"
      local cm
      for _, c in ipairs(d:mentions { type = "COUNTRY", within = { m.stop, pos } }) do cm = c end
      if cm and d.text:sub(m.stop + 1, cm.start):match("^%s+of%s+$") and gap_ok(d, cm.stop, pos) then
        chain.country = chain.country or cm.key
        ok = true
      end
    end
    if not ok then break end
    table.insert(chain, 1, m)
    pos = m.start
  end
  chain.start = pos
  return chain
end
C.title_chain = title_chain

-- The attrs a title chain gives a person.
local function chain_attrs(d, chain)
  local attrs = { honorifics = {} }
  for _, m in ipairs(chain) do
    local k = m.attrs.kind
    if k == "honorific" then
      if not m.attrs.strip_no then table.insert(attrs.honorifics, m.attrs.normal) end
    else
      if not attrs.title then attrs.title = m.attrs.normal end
      if k == "rank" and not attrs.rank then attrs.rank = m.attrs.normal end
    end
  end
  attrs.country = C.country_before(d, chain.start) or chain.country
  if not attrs.country then
    -- "Saab's chief executive", "Dassault chairman"
    local near = { math.max(0, chain.start - 80), chain.start }
    for _, o in ipairs(d:mentions { type = "ORG", within = near }) do
      local between = d.text:sub(o.stop + 1, chain.start)
      if between:match("^%s*$") or between:match("^['\226\128\153]s%s*$") then
        attrs.country = o.attrs.country
        attrs.org = o.key
      end
    end
  end
  if not attrs.country then
    for _, h in ipairs(attrs.honorifics) do
      if MALAYSIAN[h] then attrs.country = "MYS"; attrs.country_weak = true; break end
    end
  end
  if #attrs.honorifics == 0 then attrs.honorifics = nil end
  return attrs
end

-- No COUNTRY, ORG, PLACE or REGION mention inside a span (a name is none of these).
local function no_entity(d, a, b)
  return d:mentions { type = { "COUNTRY", "ORG", "PLACE", "REGION" }, within = { a, b } }[1] == nil
end
C.no_entity = no_entity

-- The complement of an office between the title and the name: "to <Country>",
-- "for <office words>", "of <Country>" ("Ambassador to South Africa",
-- "State Secretary for Defence", "Minister of State for Defence Affairs").
-- Returns the offset where the complement ends (off itself when there is none).
local COMPLEMENT_PREP = { of = true, ["for"] = true, to = true }
local function complement_end(d, t, off)
  local i = tok_from(t, off)
  local k = t[i]
  local last = off
  -- office words glued to the title ("... for Defence Affairs")
  local prep_needed = true
  while k do
    if prep_needed and COMPLEMENT_PREP[k.text] then
      i = i + 1
      if t[i] and t[i].text == "the" then i = i + 1 end
      prep_needed = false
    end
    local c = t[i] and starts_entity(d, t[i].start, ONLY_COUNTRY)
    if t[i] and starts_entity(d, t[i].start, ONLY_TITLE) then
      break -- the chain goes on ("Prime Minister Datuk Seri ...")
    elseif c then
      last = c.stop
      i = tok_from(t, c.stop)
    elseif t[i] and t[i].kind == "word" and t[i].cap and STOP[fold(t[i].text)] and not prep_needed then
      last = t[i].stop
      i = i + 1
    elseif t[i] and t[i].kind == "word" and t[i].cap and STOP[fold(t[i].text)] and i == tok_from(t, off)
      and not SAY[t[i].text] then
      -- "Minister of State for Defence Affairs": a word glued to the title
      last = t[i].stop
      i = i + 1
    else
      break
    end
    k = t[i]
    if k and COMPLEMENT_PREP[k.text] then prep_needed = true end
  end
  return last
end

-- Is the token after index l a place where an apposition ends (a comma, a
-- full stop, a bracket, a reporting verb, the end of the text)?
local function appos_closes(t, l)
  local n = t[l + 1]
  return n == nil or n.text == "," or n.text == "." or n.text == ";" or n.text == ")"
    or n.text == "(" or SAY[n.text] ~= nil
end

rule {
  name = "person.after_title",
  phase = "entities",
  description = "A name after a chain of titles and honorifics.",
  needs = { TITLE = 1 },
  run = function(d)
    local t = tokens_of(d)
    local seen = {}
    for _, tm in ipairs(d:mentions { type = "TITLE" }) do
      local after = complement_end(d, t, tm.stop)
      local i = tok_from(t, after)
      local k = t[i]
      -- "India's Ambassador to Armenia, Rohit Verma, said": title, comma, a name of two or
      -- more tokens closed by a comma, a full stop or a reporting verb
      if k and k.text == "," and t[i + 1] and not seen[t[i + 1].start]
        and not starts_entity(d, t[i + 1].start, ONLY_TITLE) then
        local f, l = name_run(d, t, i + 1, 2)
        if f and appos_closes(t, l) and no_entity(d, t[f].start, t[l].stop) then
          local chain = title_chain(d, tm.stop)
          if #chain > 0 then
            seen[t[f].start] = true
            add_person(d, t[f].start, t[l].stop, chain_attrs(d, chain))
          end
        end
      end
      -- skip a dot or a comma-before-honorific between title and name
      if k and (k.text == ".") then i = i + 1; k = t[i] end
      if k and not seen[k.start] and d.text:sub(after + 1, k.start):match("^%.?[ \t]*$") then
        -- the name must not start with another title (chains go on)
        if not starts_entity(d, k.start, ONLY_TITLE) then
          -- strip=no honorifics (Tengku, Syed) start the name itself
          local a = k.start
          local chain = title_chain(d, a)
          if #chain == 0 and after ~= tm.stop then
            -- a complement stands between title and name: "Ambassador to Chile Ana Ruiz"
            chain = title_chain(d, tm.stop)
            chain.country = chain.country or C.country_after(d, tm.stop)
          end
          local last_t = chain[#chain]
          if last_t and last_t.attrs.strip_no then a = last_t.start; table.remove(chain) end
          local only_hon = true
          for _, m in ipairs(chain) do if m.attrs.kind ~= "honorific" then only_hon = false end end
          local f, l = name_run(d, t, i, 1)
          if f and #chain > 0 then
            -- a lone name after a bare honorific needs a second token (Mr Lee is fine: 1 token after Mr)
            local ok = true
            if only_hon and l == f and chain[#chain].attrs.normal ~= "Mr"
              and chain[#chain].attrs.normal ~= "Ms" and chain[#chain].attrs.normal ~= "Mrs" then
              ok = false
            end
            if ok then
              seen[k.start] = true
              local attrs = chain_attrs(d, chain)
              add_person(d, a, t[l].stop, attrs)
            end
          end
        end
      end
    end
  end,
  examples = {
    { "Italian Defence Minister Guido Crosetto met Prime Minister Datuk Seri Anwar Ibrahim.",
      mentions = { { "PERSON", "Guido Crosetto", key = "guido crosetto", title = "Defence Minister",
        country = "ITA" },
        { "PERSON", "Anwar Ibrahim", key = "anwar ibrahim", title = "Prime Minister", country = "MYS" } } },
    { "Talks with Army Chief Kamal-Ud-Din and Hon. Maria Rossa, Deputy Prime Minister and Minister of "
      .. "Foreign Affairs Luca Bianchi, went well.",
      mentions = { { "PERSON", "Kamal-Ud-Din", title = "Army Chief" }, { "PERSON", "Maria Rossa" },
        { "PERSON", "Luca Bianchi", title = "Deputy Prime Minister" } } },
    { "Korea's ambassador Kim Min-jun and Prime Minister of India Arjun Rao spoke.",
      mentions = { { "PERSON", "Kim Min-jun", country = "KOR", title = "Ambassador" },
        { "PERSON", "Arjun Rao", country = "IND" } } },
    -- a complement between title and name, and a title set off by commas
    { "Spanish Ambassador to Peru Lucia Moreno Vidal and Brazil's defence minister, Joao Pereira Souza, "
      .. "toured the yard with State Secretary for Defence Affairs Jens Ostberg.",
      mentions = { { "PERSON", "Lucia Moreno Vidal", country = "ESP", title = "Ambassador" },
        { "PERSON", "Joao Pereira Souza", country = "BRA", title = "Defence Minister" },
        { "PERSON", "Jens Ostberg", title = "State Secretary" } },
      absent = { { "PERSON", "Peru Lucia Moreno Vidal" } } },
    { "The Defence Minister, Malaysia and Japan agreed. Prime Minister Datuk Seri Lim Wei Ming spoke.",
      mentions = { { "PERSON", "Lim Wei Ming" } },
      absent = { { "PERSON", "Malaysia" }, { "PERSON", "Seri Lim Wei Ming" } } },
  },
}

-- "Jane Roe, Ambassador of Italy to Malaysia": a name, a comma, a title.
rule {
  name = "person.apposition",
  phase = "entities",
  description = "A name followed by a comma and a title (apposition).",
  needs = { TITLE = 1 },
  run = function(d)
    local t = tokens_of(d)
    for _, tm in ipairs(d:mentions { type = "TITLE" }) do
      if tm.attrs.kind ~= "honorific" then
        local head = d.text:sub(math.max(1, tm.start - 120), tm.start)
        -- each form starts at a comma and holds no other: only the last
        -- comma can start one (found walking back, as a pattern anchored
        -- at the end would be tried from every byte)
        local ci = #head
        while ci > 0 and head:byte(ci) ~= 44 do ci = ci - 1 end
        local pre
        if ci > 0 then
          head = head:sub(ci)
          pre = head:match("^,%s*$") or head:match("^,%s*the%s+$")
            or head:match("^,%s*[%w\128-\255]+['\226\128\153]+s%s+$")
            or head:match("^,%s*%u[%w\128-\255]+%s+$")
        end
        if pre then
          local comma = tm.start - #pre
          -- walk back over name tokens before the comma
          local j = tok_from(t, comma) - 1
          local i = j
          while i >= 1 and (is_name_word(t[i]) or PARTICLES[t[i].text] or t[i].text == "-"
            or (t[i].text == "." and i > 1 and #t[i - 1].text <= 2)) do
            if i < j and not (gap_ok(d, t[i].stop, t[i + 1].start)) then break end
            i = i - 1
          end
          i = i + 1
          while i <= j and not is_name_word(t[i]) do i = i + 1 end
          if i <= j then
            local f, l = name_run(d, t, i, 2)
            if f and l == j and not d:mentions { type = "PERSON", within = { t[f].start, t[l].stop } }[1] then
              local attrs = { title = tm.attrs.normal }
              attrs.country = C.country_before(d, tm.start) or C.country_after(d, tm.stop)
              add_person(d, t[f].start, t[l].stop, attrs)
            end
          end
        end
      end
    end
  end,
  examples = {
    { "An essay by Paolo Verdi, Ambassador of Italy to Chile, was published.",
      mentions = { { "PERSON", "Paolo Verdi", title = "Ambassador", country = "ITA" } } },
  },
}

-- Roles written in lower case, as news does for company and civil-service jobs
-- that are not formal titles: "executive", "head of naval business", "deputy
-- governor", "counterpart". ROLE holds the head nouns; ROLE_MOD the words that
-- may stand before them ("chief executive", "a deputy head").
local ROLE = {}
for w in ([[head executive director chief governor chairman chairwoman chair president manager
  spokesperson spokesman spokeswoman envoy counterpart commander officer secretary minister
  ambassador representative adviser advisor founder boss]]):gmatch("%S+") do ROLE[w] = true end
local ROLE_MOD = {}
for w in ([[deputy vice chief senior executive managing general acting former regional country
  assistant joint interim group programme program technical commercial]]):gmatch("%S+") do
  ROLE_MOD[w] = true
end
-- words that may fill "head of ... <Name>" between the role and the name
local ROLE_FILL = { of = true, ["for"] = true, at = true, the = true, ["and"] = true, ["'s"] = true }

-- the title a role gives: the office a TITLE mention there normalises to, or the words
-- themselves capitalised ("deputy head" -> "Deputy Head"); none for "counterpart"
local function role_title(d, a, b)
  local tm = d:mentions { type = "TITLE", within = { a, b } }[1]
  if tm then return tm.attrs.normal end
  local words = d.text:sub(a + 1, b)
  if words:match("counterpart") then return nil end
  return (words:gsub("(%a)(%a*)", function(x, y) return x:upper() .. y end))
end

-- The country (and organisation) of the one whose role it is: "Naval Group executive",
-- "Saab's head of ...", "his Danish counterpart".
local function role_owner(d, a)
  local country = C.country_before(d, a)
  local org
  for _, o in ipairs(d:mentions { type = "ORG", within = { math.max(0, a - 80), a } }) do
    local between = d.text:sub(o.stop + 1, a)
    if between:match("^%s*$") or between:match("^['\226\128\153]s%s*$") then org = o end
  end
  if org then country = country or org.attrs.country end
  return country, org and org.key
end

-- A name of two or more tokens at token i that ends before a non-name word and holds no
-- other entity. Returns first, last index.
local function clean_name(d, t, i)
  local f, l = name_run(d, t, i, 2)
  if not f then return nil end
  local n = t[l + 1]
  -- the run stopped at an office or organisation word ("Western Fleet Command"): not a name
  if n and n.kind == "word" and n.cap and gap_ok(d, t[l].stop, n.start) then return nil end
  if not no_entity(d, t[f].start, t[l].stop) then return nil end
  if d:mentions { type = "PERSON", within = { t[f].start, t[l].stop } }[1] then return nil end
  return f, l
end

rule {
  name = "person.role_noun",
  phase = "entities",
  description = "Names next to a lower-case role: 'Acme executive Jane Roe', 'Jane Roe, deputy head of X', "
    .. "'led by Jane Roe'.",
  run = function(d)
    local t = tokens_of(d)
    for r = 1, #t do
      local k = t[r]
      if k.kind == "word" and not k.cap and ROLE[k.text] then
        -- the role's first word: modifiers before the head ("chief executive", "deputy head")
        local r0 = r
        while r0 > 1 and t[r0 - 1].kind == "word" and not t[r0 - 1].cap and ROLE_MOD[t[r0 - 1].text] do
          r0 = r0 - 1
        end
        -- 1. role, then the name: "Acme executive Jane Roe", "Acme's head of naval
        -- business Jane Roe", "his Danish counterpart, Jane Roe,"
        local j = r + 1
        if t[j] and (t[j].text == "of" or t[j].text == "for" or t[j].text == "at") then
          -- a short complement of lower-case words, organisations and possessives
          local n = 0
          while t[j] and n < 6 and (ROLE_FILL[t[j].text] or (t[j].kind == "word" and not t[j].cap)
            or starts_entity(d, t[j].start, ORG_COUNTRY)) do
            local e = starts_entity(d, t[j].start, ORG_COUNTRY)
            j = e and tok_from(t, e.stop) or j + 1
            n = n + 1
          end
        end
        local comma = t[j] and t[j].text == ","
        if comma then j = j + 1 end
        local f, l
        if t[j] and gap_ok(d, t[j - 1].stop, t[j].start) then f, l = clean_name(d, t, j) end
        if f and comma and not appos_closes(t, l) then f = nil end
        if f then
          local country, org = role_owner(d, t[r0].start)
          add_person(d, t[f].start, t[l].stop,
            { title = role_title(d, t[r0].start, k.stop), country = country, org = org })
        elseif r0 > 2 then
          -- 2. the name, a comma, the role: "Jane Roe, a deputy head of X", "Jane Roe, head of
          -- Acme's business", followed by of/for/at or the end of the clause
          local b = r0 - 1
          if t[b].text == "a" or t[b].text == "an" or t[b].text == "the" then b = b - 1 end
          local nxt = t[r + 1]
          local closes = nxt == nil or nxt.text == "of" or nxt.text == "for" or nxt.text == "at"
            or nxt.text == "," or nxt.text == "."
          if b > 1 and t[b].text == "," and closes and k.text ~= "counterpart" then
            -- walk back over the name tokens before the comma
            local e = b - 1
            local i = e
            while i >= 1 and (is_name_word(t[i]) or PARTICLES[t[i].text] or t[i].text == "-")
              and (i == e or gap_ok(d, t[i].stop, t[i + 1].start) or t[i + 1].start == t[i].stop) do
              i = i - 1
            end
            i = i + 1
            while i <= e and not is_name_word(t[i]) do i = i + 1 end
            local before = t[i - 1]
            -- the name is not the end of a longer capitalised phrase
            local free = before == nil or not (before.kind == "word" and before.cap)
              or C.sentence_initial(d, t[i].start)
            if i <= e and free then
              local f2, l2 = clean_name(d, t, i)
              if f2 and l2 == e then
                local tail_country = C.country_after(d, k.stop)
                add_person(d, t[f2].start, t[l2].stop,
                  { title = role_title(d, t[r0].start, k.stop), country = tail_country })
              end
            end
          end
        end
      elseif (k.text == "led" or k.text == "headed" or k.text == "chaired") and t[r + 1]
        and t[r + 1].text == "by" and t[r + 2] then
        -- 3. "a delegation led by Jane Roe"
        local f, l = clean_name(d, t, r + 2)
        if f then add_person(d, t[f].start, t[l].stop, {}) end
      end
    end
  end,
  examples = {
    { "Talks with Nordvik executive Hanna Lind and the firm's head of naval sales Olaf Berg went on.",
      mentions = { { "PERSON", "Hanna Lind", title = "Executive" }, { "PERSON", "Olaf Berg" } } },
    { "Ruiz met his Chilean counterpart, Tomas Araya Soto, and Kemal Aydin, a deputy head of the agency.",
      mentions = { { "PERSON", "Tomas Araya Soto", country = "CHL" },
        { "PERSON", "Kemal Aydin", title = "Deputy Head" } } },
    { "The team, led by Petra Novakova, met the chief executive of Nordic Marine Systems in Oslo.",
      mentions = { { "PERSON", "Petra Novakova" } },
      absent = { { "PERSON", "Nordic Marine" }, { "PERSON", "Marine Systems" } } },
    { "The Navy, the commander of Western Fleet Command, and the head of the European Union spoke.",
      absent = { { "PERSON" } } },
  },
}

-- "Anders Berg said": a subject of a reporting verb that looks like a name.

rule {
  name = "person.says",
  phase = "resolve", -- after every ORG rule, so that "Saab AB said" is not a person
  description = "Two or more capitalised name tokens, unknown to the gazetteers, before said/told/added.",
  run = function(d)
    local t = tokens_of(d)
    for j = 2, #t do
      if SAY[t[j].text] then
        -- walk back over name tokens
        local i = j - 1
        while i >= 1 and (is_name_word(t[i]) or PARTICLES[t[i].text] or t[i].text == "-"
          or (t[i].text == "." and i > 1 and #t[i - 1].text <= 2)) and gap_ok(d, t[i].stop, t[i + 1].start) do
          i = i - 1
        end
        i = i + 1
        while i < j and not is_name_word(t[i]) do i = i + 1 end
        if i < j then
          local f, l = name_run(d, t, i, 2)
          if f and l == j - 1 then
            local a, b = t[f].start, t[l].stop
            local known = d:mentions { type = { "COUNTRY", "ORG", "PERSON", "TITLE", "REGION", "PLACE" },
              within = { a, b } }
            if #known == 0 then add_person(d, a, b, {}) end
          end
        end
      end
    end
  end,
  examples = {
    { "\"We are ready,\" Anders Berg said on Monday. The Navy said nothing.",
      mentions = { { "PERSON", "Anders Berg", key = "anders berg" } },
      absent = { { "PERSON", "The Navy" } } },
  },
}
