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
  international global news agency times post daily herald tribune journal]]):gmatch("%S+") do
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
  for j = 1, #t do if t[j].start >= off then return j end end
  return #t + 1
end
C.tok_from = tok_from

local function gap_ok(d, a, b) -- only spaces (no line break) between offsets a and b
  return not d.text:sub(a + 1, b):find("[^ \t]")
end

-- is there a mention of one of these types starting at offset?
local function starts_entity(d, off, types)
  for _, m in ipairs(d:mentions { type = types, within = { off, off + 200 } }) do
    if m.start == off then return m end
  end
  return nil
end

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
    if is_name_word(k) and not starts_entity(d, k.start, { "ORG", "TITLE" }) then
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

rule {
  name = "person.after_title",
  phase = "entities",
  description = "A name after a chain of titles and honorifics.",
  needs = { TITLE = 1 },
  run = function(d)
    local t = tokens_of(d)
    local seen = {}
    for _, tm in ipairs(d:mentions { type = "TITLE" }) do
      local after = tm.stop
      local of = d.text:sub(tm.stop + 1, tm.stop + 8):match("^%s+of%s+")
      if of then
        local cm = starts_entity(d, tm.stop + #of, { "COUNTRY" })
        if cm then after = cm.stop end
      end
      local i = tok_from(t, after)
      local k = t[i]
      -- skip a dot or a comma-before-honorific between title and name
      if k and (k.text == ".") then i = i + 1; k = t[i] end
      if k and not seen[k.start] and d.text:sub(after + 1, k.start):match("^%.?[ \t]*$") then
        -- the name must not start with another title (chains go on)
        if not starts_entity(d, k.start, { "TITLE" }) then
          -- strip=no honorifics (Tengku, Syed) start the name itself
          local a = k.start
          local chain = title_chain(d, a)
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
        local pre = head:match(",%s*$") or head:match(",%s*the%s+$")
          or head:match(",%s*[%w\128-\255]+['\226\128\153]+s%s+$")
          or head:match(",%s*%u[%w\128-\255]+%s+$")
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

-- "Anders Berg said": a subject of a reporting verb that looks like a name.
local SAY = {}
for w in ("said says told added noted stated stressed explained argued warned announced confirmed "
  .. "emphasised emphasized remarked insisted wrote"):gmatch("%S+") do SAY[w] = true end

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
