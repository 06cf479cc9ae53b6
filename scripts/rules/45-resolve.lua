-- 45-resolve.lua: within-document resolution (phase resolve).
--
--   resolve.person_short   a later short form of a person named in full
--                          ("Khaled said", "Anwar", "Perego met") becomes a
--                          PERSON with the full key and attrs; a person found
--                          twice shares one set of attrs (title, country)
--   resolve.org_merge      forms of one organisation (name, acronym, alias,
--                          "Hanwha" for "Hanwha Aerospace") share one key,
--                          name and alias list
--   resolve.country_pair   "both countries", "the two countries", "both sides":
--                          a COUNTRY_PAIR mention whose attrs.pair lists the two
--                          countries in focus (also d.focus.pair)
local C = include "common"

rule {
  name = "resolve.person_short",
  phase = "resolve",
  description = "Short forms of persons named in full earlier, and shared person attrs.",
  needs = { PERSON = 1 },
  run = function(d)
    local persons = d:mentions { type = "PERSON" }
    -- the full persons (two or more tokens), by each of their name parts
    local by_part, full = {}, {}
    for _, m in ipairs(persons) do
      local name = m.attrs.name or m.text
      if name:find("%s") or name:find("%-") then
        full[m.key] = full[m.key] or m
        for part in name:gmatch("[^%s]+") do
          local f = fold(part)
          if #f > 2 and not C.NAME_STOP[f] then
            by_part[f] = by_part[f] or {}
            by_part[f][m.key] = m
          end
        end
      end
    end
    local function unique(f)
      local only, n = nil, 0
      for _, m in pairs(by_part[f] or {}) do only = m; n = n + 1 end
      return n == 1 and only or nil
    end
    -- single-token persons ("President Prabowo") take the full key
    for _, m in ipairs(persons) do
      if not full[m.key] then
        local u = unique(fold(m.attrs.name or m.text))
        if u then m.key = u.key; m.attrs.name = u.attrs.name end
      end
    end
    -- a shorter multi-token form that ends a longer name ("De Groot" for "Pieter de
    -- Groot", "Al Bowardi" for "Mohammed bin Ahmed Al Bowardi"): the longer one, when only one fits
    for _, m in ipairs(persons) do
      local short = " " .. fold(m.attrs.name or m.text)
      if short:find("%s.+%s") then
        local only, n = nil, 0
        for k, fm in pairs(full) do
          local long = " " .. fold(fm.attrs.name or fm.text)
          if k ~= m.key and #long > #short and long:sub(-#short) == short then only = fm; n = n + 1 end
        end
        if n == 1 then m.key = only.key; m.attrs.name = only.attrs.name end
      end
    end
    -- bare name parts elsewhere in the text
    local t = C.tokens_of(d)
    for i, k in ipairs(t) do
      if k.kind == "word" and k.cap then
        local u = unique(fold(k.text))
        if u and not d:mentions { type = { "PERSON", "ORG", "COUNTRY", "TITLE", "PLACE" },
          within = { k.start, k.stop } }[1] then
          -- not inside a longer capitalised run (another person, a place)
          local prev, nxt = t[i - 1], t[i + 1]
          local glued = (prev and prev.kind == "word" and prev.cap and prev.stop + 1 == k.start
            and not C.sentence_initial(d, k.start))
            or (nxt and nxt.kind == "word" and nxt.cap and k.stop + 1 == nxt.start)
          if not glued then
            d:mention { type = "PERSON", start = k.start, stop = k.stop, key = u.key,
              attrs = C.copy(u.attrs) }
          end
        end
      end
    end
    -- one set of attrs per person: the first title and country given
    local first = {}
    for _, m in ipairs(d:mentions { type = "PERSON" }) do
      local f = first[m.key]
      if not f then
        first[m.key] = m
      else
        for _, a in ipairs { "title", "country", "rank" } do
          if f.attrs[a] == nil or (a == "country" and f.attrs.country_weak and m.attrs.country
            and not m.attrs.country_weak) then
            f.attrs[a] = m.attrs[a]
          end
        end
      end
    end
    for _, m in ipairs(d:mentions { type = "PERSON" }) do
      local f = first[m.key]
      if f ~= m then
        m.attrs.name = f.attrs.name
        m.attrs.title = m.attrs.title or f.attrs.title
        m.attrs.country = f.attrs.country or m.attrs.country
      end
    end
  end,
  examples = {
    { "Defence Minister Anders Berg met the press. Berg said the deal was close.",
      mentions = { { "PERSON", "Berg", key = "anders berg", title = "Defence Minister" } } },
    { "Navy chief Adm. Jan van der Berg spoke. Van der Berg said the ships were ready.",
      mentions = { { "PERSON", "Van der Berg", key = "jan van der berg" } } },
  },
}

rule {
  name = "resolve.org_merge",
  phase = "resolve",
  description = "Forms of one organisation in a document share one key, name and aliases.",
  needs = { ORG = 1 },
  run = function(d)
    local orgs = d:mentions { type = "ORG" }
    -- union-find over keys that share a form
    local parent = {}
    local function find(k)
      while parent[k] and parent[k] ~= k do k = parent[k] end
      return k
    end
    -- keys in text order: iterating info with pairs() would make the merged
    -- alias lists depend on the string hash seed of the process
    local forms, info, keys = {}, {}, {}
    for _, m in ipairs(orgs) do
      parent[m.key] = parent[m.key] or m.key
      local i = info[m.key]
      if not i then
        i = { name = m.attrs.name or m.text, aliases = {}, kind = m.attrs.kind,
          country = m.attrs.country, first = m }
        info[m.key] = i
        keys[#keys + 1] = m.key
      end
      i.country = i.country or m.attrs.country
      i.kind = i.kind or m.attrs.kind
      local list = { m.attrs.name or m.text, m.text }
      for _, a in ipairs(m.attrs.aliases or {}) do list[#list + 1] = a end
      for _, x in ipairs(list) do
        local f = fold(x)
        if forms[f] and find(forms[f]) ~= find(m.key) then
          parent[find(m.key)] = find(forms[f])
        end
        forms[f] = forms[f] or m.key
        i.aliases[#i.aliases + 1] = x
      end
    end
    -- "Hanwha" alone where "Hanwha Aerospace" is named: the same organisation
    for _, m in ipairs(orgs) do
      if not m.text:find("%s") then
        local cand
        for _, k in ipairs(keys) do
          local i = info[k]
          if k ~= m.key and fold(i.name):sub(1, #m.text + 1) == fold(m.text) .. " " then
            cand = cand and (cand == k and k or false) or k
          end
        end
        if cand then parent[find(m.key)] = find(cand) end
      end
    end
    -- the merged record: the longest name, every other form an alias
    local merged = {}
    for _, k in ipairs(keys) do
      local i = info[k]
      local r = find(k)
      local g = merged[r] or { names = {}, kind = nil, country = nil }
      merged[r] = g
      g.names[#g.names + 1] = i.name
      for _, a in ipairs(i.aliases) do g.names[#g.names + 1] = a end
      g.kind = g.kind or i.kind
      g.country = g.country or i.country
      if k == r then g.canonical = i.name end
    end
    for _, m in ipairs(orgs) do
      local r = find(m.key)
      local g = merged[r]
      local name = g.canonical or m.attrs.name
      -- prefer the fullest written name when it is longer than the canonical one
      local seen, aliases = { [fold(name)] = true }, {}
      for _, x in ipairs(g.names) do
        if not seen[fold(x)] then seen[fold(x)] = true; aliases[#aliases + 1] = x end
      end
      m.key = fold(name)
      m.attrs.name = name
      m.attrs.aliases = aliases
      m.attrs.kind = m.attrs.kind or g.kind
      m.attrs.country = m.attrs.country or g.country
    end
    -- organisations whose country the text did not give: the document's main country
    for _, m in ipairs(orgs) do
      if m.attrs.country == nil and (m.attrs.kind == "government" or m.attrs.kind == "military") then
        m.attrs.country = C.main_country(d)
      end
    end
  end,
  examples = {
    { "Hanwha Aerospace will build the guns. Hanwha said output would double.",
      mentions = { { "ORG", "Hanwha", key = "hanwha aerospace" } } },
  },
}

local PAIR_WORDS = p.word { "both countries", "the two countries", "both sides", "both nations",
  "the two nations", "the two sides", "both governments", "the two governments" }

rule {
  name = "resolve.country_pair",
  phase = "resolve",
  description = "'both countries', 'the two sides': a COUNTRY_PAIR mention with the pair in focus.",
  pattern = PAIR_WORDS,
  action = function(m, s)
    local d = s.d
    if not d.focus.pair then
      local n, first = {}, {}
      for i, c in ipairs(d:mentions { type = "COUNTRY" }) do
        if not c.attrs.place_only then
          n[c.key] = (n[c.key] or 0) + 1
          first[c.key] = first[c.key] or i
        end
      end
      local keys = {}
      for k in pairs(n) do keys[#keys + 1] = k end
      table.sort(keys, function(a, b)
        if n[a] ~= n[b] then return n[a] > n[b] end
        return first[a] < first[b]
      end)
      if #keys < 2 then return end
      local pair = { keys[1], keys[2] }
      table.sort(pair)
      d.focus.pair = pair
    end
    s:mention { type = "COUNTRY_PAIR", start = m.start, stop = m.stop,
      key = table.concat(d.focus.pair, "|"), attrs = { pair = { d.focus.pair[1], d.focus.pair[2] } } }
  end,
  examples = {
    { "Chile and Spain held talks. Both countries agreed to meet again.",
      mentions = { { "COUNTRY_PAIR", "Both countries", key = "CHL|ESP" } } },
  },
}
