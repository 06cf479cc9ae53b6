-- The rule engine: loading and validating rule files, the pattern helpers,
-- phases, overlap, prefilters, failure isolation, budgets and traces.
local engine = require "entente.engine"
local core = require "entente.core"

local tmp = (os.getenv("ENTENTE_TEST_TMP") or "/tmp/entente-spec") .. "/engine"
os.execute("rm -rf '" .. tmp .. "' && mkdir -p '" .. tmp .. "'")

-- Rule files under entente's home are named relative to it in messages.
local function shown(path)
  local home = core.home:gsub("/+$", "") .. "/"
  if path:sub(1, #home) == home then return path:sub(#home + 1) end
  return path
end

local n = 0
-- Write a rule pack of one file and load it; returns the engine (or nil, errors).
local function pack(src, name)
  n = n + 1
  local dir = tmp .. "/pack" .. n
  os.execute("mkdir -p '" .. dir .. "'")
  local f = assert(io.open(dir .. "/" .. (name or "rules.lua"), "w"))
  f:write(src)
  f:close()
  local e = engine.new { rules = dir, data = tmp }
  local ok, errs = e:load()
  if not ok then return nil, errs, dir end
  return e, nil, dir
end

-- A small country gazetteer shared by most packs.
local COUNTRIES = [[
local g = gazetteer "c"
for name, key in pairs { Malaysia = "MYS", Italy = "ITA", ["South Korea"] = "KOR",
    Korea = "KOR", Turkiye = "TUR", Bangladesh = "BGD" } do
  g:add(name, { type = "COUNTRY", key = key })
end
rule { name = "countries", phase = "gazetteer", gazetteer = g }
]]

local function run(e, text)
  return e:process(core.make_document { text = text, name = "t" })
end

local function keys(list, field)
  local out = {}
  for _, x in ipairs(list) do
    if not x.removed then out[#out + 1] = x[field or "key"] end
  end
  return out
end

describe("rule files", function()
  it("load and declare rules with their file and line", function()
    local e = assert(pack(COUNTRIES))
    assert.equal(1, #e.rules)
    assert.equal("countries", e.rules[1].name)
    assert.equal(6, e.rules[1].line)
    assert.equal("gazetteer", e.rules[1].phase)
  end)

  it("reject an unknown field with file, line and field", function()
    local e, errs, dir = pack('rule { name = "x", patern = 1 }\n')
    assert.is_nil(e)
    assert.equal(shown(dir) .. "/rules.lua:1: rule 'x': unknown field 'patern'", errs[1])
  end)

  it("reject a field of the wrong type", function()
    local _, errs, dir = pack('\nrule { name = "x", pattern = "not a pattern", action = print }\n')
    assert.equal(shown(dir) .. "/rules.lua:2: rule 'x': field 'pattern' must be a pattern, not a string",
      errs[1])
  end)

  it("reject a rule without pattern, run or gazetteer", function()
    local _, errs, dir = pack('rule { name = "x" }\n')
    assert.equal(shown(dir) .. "/rules.lua:1: rule 'x': needs exactly one of 'pattern', 'gazetteer' or 'run'",
      errs[1])
  end)

  it("reject a pattern rule without action, an unknown phase, a duplicate name", function()
    local _, errs = pack('rule { name = "x", pattern = p.tok }\n')
    assert.truthy(errs[1]:find("a pattern rule needs an 'action'", 1, true))
    _, errs = pack('rule { name = "x", phase = "later", run = function() end }\n')
    assert.truthy(errs[1]:find("unknown phase 'later'", 1, true))
    _, errs = pack('rule { name = "x", run = function() end }\nrule { name = "x", run = function() end }\n')
    assert.truthy(errs[1]:find(":2: rule 'x': duplicate rule name (first at ", 1, true))
  end)

  it("run sandboxed with strict globals", function()
    local _, errs = pack('local x = undefined_name\n')
    assert.truthy(errs[1]:find(":1: undefined global 'undefined_name'", 1, true))
    _, errs = pack('os.execute("true")\n')
    assert.truthy(errs[1]:find("attempt to call a nil value (field 'execute')", 1, true))
    _, errs = pack('require "io"\n')
    assert.truthy(errs[1]:find("module 'io' is not available in the sandbox", 1, true))
  end)

  it("report a syntax error with the file and line", function()
    local _, errs = pack('rule {\n  name = "x",\n  run = function( end }\n')
    -- Lua shortens long file names in syntax errors ("...pack7/rules.lua:3:")
    assert.truthy(errs[1]:find("rules.lua:3: <name> or '...' expected near 'end'", 1, true))
  end)
end)

describe("cue lexicons", function()
  it("reject a phrase that is not a string, naming the file and line", function()
    local _, errs = pack('local L = lexicon { "talks", 42 }\n')
    assert.truthy(errs[1]:find("rules.lua:1: lexicon: phrase 2 is not a string", 1, true), errs[1])
    _, errs = pack('local L = lexicon "talks"\n')
    assert.truthy(errs[1]:find("rules.lua:1: lexicon: takes a list of phrases", 1, true), errs[1])
  end)

  it("match words, prefixes and phrases over a span's words", function()
    local e = assert(pack(COUNTRIES .. [=[
local CUES = lexicon { "talks", "negotiat*", "took delivery", "", "*" }
rule {
  name = "cues", phase = "relations",
  run = function(d)
    for s in d:sentences() do
      local w, h = d:words(s.start, s.stop), d:cues(CUES, s.start, s.stop)
      for i = 1, #w.words do
        if h[i] then
          d:relate("CUE", { text = d.text:sub(w.starts[i] + 1, w.stops[h[i]]) }, {})
        end
      end
    end
    assert(not pcall(d.cues, d, {}, 0, 1))
  end,
}
]=]))
    local d = run(e, "Malaysia took delivery after Negotiations and talks.")
    local got = {}
    for _, r in ipairs(d:relations_of { type = "CUE" }) do got[#got + 1] = r.args.text end
    assert.same({ "took delivery", "Negotiations", "talks" }, got)
    assert.same({}, d.failures)
  end)
end)

describe("cue lexicons at once", function()
  it("give each lexicon's hits over a span, and nothing for those without", function()
    local e = assert(pack(COUNTRIES .. [=[
local A = lexicon { "talks", "negotiat*" }
local B = lexicon { "frigate*" }
local C = lexicon { "took delivery" }
rule {
  name = "many", phase = "relations",
  run = function(d)
    local H, S = d:cues_many({ A, B, C }, 0, #d.text)
    local h1 = d:cues(A, 0, #d.text)
    d:relate("CUES", {}, { a = table.concat(S[1], ","), a_end = H[1][S[1][2]], b = H[2] == nil,
      c = table.concat(S[3], ","), same = H[1][1] == h1[1] and H[1][5] == h1[5] })
    assert(not pcall(d.cues_many, d, { A, {} }, 0, 1))
  end,
}
]=]))
    local d = run(e, "Talks went on; Malaysia took delivery after negotiations.")
    local a = d.relations[1].attrs
    assert.equal("1,9", a.a)
    assert.equal(9, a.a_end)
    assert.is_true(a.b)
    assert.equal("6", a.c)
    assert.is_true(a.same)
    assert.same({}, d.failures)
  end)
end)

describe("data files", function()
  it("read TSV rows keyed by the header, skipping comments", function()
    local path = tmp .. "/ok.tsv"
    local f = assert(io.open(path, "w"))
    f:write("name\tkey\n# a comment\nItaly\tITA\n\nMalaysia\t\n")
    f:close()
    local rows = engine.read_tsv(path)
    assert.equal(2, #rows)
    assert.equal("ITA", rows[1].key)
    assert.is_nil(rows[2].key) -- an empty cell is absent
  end)

  it("name the file and line of a row with the wrong number of cells", function()
    local path = tmp .. "/bad.tsv"
    local f = assert(io.open(path, "w"))
    f:write("name\tkey\tkind\nItaly\tITA\talias\nMalaysia\tMYS\n")
    f:close()
    -- pcall, not has_error: luassert strips a leading "file:line: " itself
    local ok, err = pcall(engine.read_tsv, path)
    assert.is_false(ok)
    assert.equal(path .. ":3: 2 cells, the header has 3", err)
    ok, err = pcall(engine.read_tsv, tmp .. "/missing.tsv")
    assert.is_false(ok)
    assert.equal(tmp .. "/missing.tsv: No such file or directory", err)
  end)

  it("stop a rule file that reads a malformed data file, naming both", function()
    local bad = tmp .. "/data-bad"
    os.execute("mkdir -p '" .. bad .. "' && printf 'a\tb\nx\n' > '" .. bad .. "/t.tsv'")
    local dir = tmp .. "/pack-data"
    os.execute("mkdir -p '" .. dir .. "' && printf 'local rows = tsv \"t.tsv\"\n' > '" .. dir .. "/r.lua'")
    local e = engine.new { rules = dir, data = bad }
    local ok, errs = e:load()
    assert.is_nil(ok)
    assert.truthy(errs[1]:find("t.tsv:2: 1 cells, the header has 2", 1, true))
  end)
end)

describe("pattern helpers", function()
  local e = assert(pack(COUNTRIES .. [[
local hits = {}
rule { name = "words", phase = "entities",
  pattern = p.word { "strategic partnership", "agree" }:as "w",
  action = function(m, s) s:mention { type = "HIT", start = m.start, stop = m.stop, key = m.w } end }
rule { name = "lemma", phase = "entities", pattern = p.lemma "sign",
  action = function(m, s) s:mention { type = "SIGN", start = m.start, stop = m.stop } end }
rule { name = "pair", phase = "relations",
  pattern = p.ent "COUNTRY":as "a" * p.gap(3) * p.word "and" * p.ent "COUNTRY":as "b"
    * p.gap(4) * p.lemma { "agree", "pledge" },
  action = function(m, s) s:relate("PAIR", { a = m.a, b = m.b }, { stage = "intent" }) end }
rule { name = "found", phase = "relations", pattern = p.find(p.word "navy" * p.ent "COUNTRY":as "c"),
  action = function(m, s) s:relate("NAVY", { c = m.c }) end }
rule { name = "plain", phase = "relations",
  pattern = p.ent "COUNTRY":as "x" * lpeg.P "'s" * p.tok:as "what",
  action = function(m, s) s:relate("OWNS", { x = m.x }, { what = m.what }) end }
]]))

  it("match words and phrases case- and diacritic-insensitively, whole words only", function()
    local d = run(e, "A STRATEGIC Partnership. They agree. Agreement is not agree-d.")
    -- the capture keeps the text as written
    assert.same({ "STRATEGIC Partnership", "agree", "agree" }, keys(d.mlist))
  end)

  it("match inflected forms with lemma", function()
    local d = run(e, "They signed it; she signs; signing is done; the sign-off.")
    local got = {}
    for _, m in ipairs(d.mlist) do if m.type == "SIGN" then got[#got + 1] = m.text end end
    assert.same({ "signed", "signs", "signing", "sign" }, got)
  end)

  it("give the longest gazetteer match and capture mentions", function()
    local d = run(e, "South Korea and Malaysia agreed.")
    assert.same({ "KOR", "MYS" }, keys(d.mlist))
    assert.equal("South Korea", d.mlist[1].text)
    assert.equal(1, #d.relations)
    assert.equal("KOR", d.relations[1].args.a.key)
    assert.equal("MYS", d.relations[1].args.b.key)
  end)

  it("make gaps lazy, so the rest of the pattern decides", function()
    local d = run(e, "Malaysia, he said and Italy quietly and firmly pledged support.")
    assert.equal(1, #d.relations)
    d = run(e, "Malaysia and then many more words and Italy agreed.")
    assert.equal(0, #d.relations) -- too far apart for gap(3)
  end)

  it("find a pattern anywhere ahead", function()
    local d = run(e, "Officials from the navy Bangladesh spoke.")
    local navy = {}
    for _, r in ipairs(d.relations) do if r.type == "NAVY" then navy[#navy + 1] = r end end
    assert.equal(1, #navy)
    assert.equal("BGD", navy[1].args.c.key)
  end)

  it("compose with plain LPeg", function()
    local d = run(e, "Italy's navy is large.")
    local owns
    for _, r in ipairs(d.relations) do if r.type == "OWNS" then owns = r end end
    assert.equal("ITA", owns.args.x.key)
    assert.equal("navy", owns.attrs.what)
  end)

  it("record provenance on mentions and relations", function()
    local d = run(e, "Malaysia and Italy agreed.")
    local r = d.relations[1]
    assert.equal("pair", r.rule)
    assert.truthy(r.file:find("rules.lua$"))
    assert.equal(0, r.start)
    assert.equal(#"Malaysia and Italy agreed", r.stop)
    assert.equal("countries", d.mlist[1].rule)
  end)
end)

describe("first tokens", function()
  -- every rule of this pack is run twice: through its first-token set (the
  -- normal way) and by trying every token (what traces do), and the matches
  -- must agree
  local e = assert(pack(COUNTRIES .. [[
local function hit(t) return function(m, s) s:mention { type = t, start = m.start, stop = m.stop } end end
rule { name = "opt_ent", phase = "entities",
  pattern = p.opt(p.ent "COUNTRY":as "c") * p.word { "navy", "army" }, action = hit "FORCE" }
rule { name = "alt", phase = "entities",
  pattern = p.word "on" * p.word { "Monday", "Friday" } + p.word { "today", "tomorrow" }, action = hit "DAY" }
rule { name = "caps", phase = "entities", pattern = p.cap * p.cap ^ 1 * -(#p.cap), action = hit "NAME" }
rule { name = "gap_first", phase = "entities", pattern = p.gap(1) * p.word "deal", action = hit "DEAL" }
rule { name = "plain", phase = "entities", pattern = lpeg.P "Mr" * p.cap, action = hit "MR" }
]]))

  local function by_rule(d, name)
    local out = {}
    for _, m in ipairs(d.mlist) do
      if m.rule == name and not m.removed then out[#out + 1] = m.text end
    end
    return out
  end

  it("are known for helpers and unknown for what may start anywhere", function()
    local r = {}
    for _, x in ipairs(e.rules) do r[x.name] = x end
    assert.truthy(r.opt_ent.first)   -- a COUNTRY, or navy/army
    assert.truthy(r.alt.first)       -- on, today, tomorrow
    assert.truthy(r.caps.first)      -- a capitalised word
    assert.is_nil(r.gap_first.first) -- a gap may start at any token
    assert.is_nil(r.plain.first)     -- plain LPeg: unknown
  end)

  it("find the same matches as trying every token", function()
    local text = "The Malaysia navy met on Friday. Italy army and the navy. Today, John Paul Jones " ..
      "met Mr Smith. A big deal, then no deal today."
    local d = run(e, text)
    local want = {
      opt_ent = { "Malaysia navy", "Italy army", "navy" }, alt = { "on Friday", "Today", "today" },
      caps = { "The Malaysia", "John Paul Jones", "Mr Smith" }, gap_first = { "big deal", "no deal" },
    }
    for name, spans in pairs(want) do assert.same(spans, by_rule(d, name)) end
    -- without first sets, every rule finds the same
    local saved = {}
    for _, x in ipairs(e.rules) do saved[x] = x.first; x.first = nil end
    local d2 = run(e, text)
    for _, x in ipairs(e.rules) do x.first = saved[x] end
    for _, x in ipairs(e.rules) do assert.same(by_rule(d2, x.name), by_rule(d, x.name)) end
  end)

  it("are checked in C over the current range", function()
    local m = e.matcher
    local doc = core.make_document { text = "Italy and the NAVY met.", name = "t" }
    local d = e:process(doc) -- indexes the COUNTRY mention, then lets go
    assert.equal("ITA", d.mlist[1].key)
    m:begin(doc, {})
    m:range(0, #doc.text)
    local fs = m:firstset({ "navy", "met" }, {}, {})
    assert.same({ 14, 19 }, m:starts(fs))
    m:finish()
  end)
end)

describe("d:byte_positions", function()
  it("lists where the bytes of a set are, once per document", function()
    local e = assert(pack([[
rule { name = "digits", phase = "document", run = function(d)
  local p = d:byte_positions("0123456789")
  d:relate("AT", {}, { at = table.concat(p, ","), same = d:byte_positions("0123456789") == p,
    caps = #d:byte_positions("IM") })
  assert(not pcall(d.byte_positions, d, 5))
end }
]]))
    local d = run(e, "In 2024 Malaysia bought 12 jets.")
    local a = d.relations[1].attrs
    assert.equal("4,5,6,7,25,26", a.at)
    assert.is_true(a.same)
    assert.equal(2, a.caps)
    assert.same({}, d.failures)
  end)
end)

describe("d:gmatch_at", function()
  -- the shipped pack's date and money patterns, and random texts made of
  -- the pieces they look at: gmatch_at must find exactly what gmatch finds
  local e = assert(engine.new {})
  assert(e:load())
  local C
  for name, lib in pairs(e.libs) do
    if name:find("common") and not name:find("rel_common") then C = lib end
  end
  local DIGITS, CAPITALS = "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
  local AMOUNT = "%f[%w%$\128-\255]()([%a]*[%$\128-\255]*%.?)%s?([%d][%d,]*%.?%d*)%s?(%a*)()"
  local PATTERNS = {
    { DIGITS, "%f[%d](%d%d%d%d)%f[%D]" },
    { DIGITS, "()(%d%d?) (%a+) (%d%d%d%d)%s*[%-\226\128\147]+%s*(%d%d?) (%a+) (%d%d%d%d)()" },
    { "Ff", "()[Ff]rom (%a+) to (%a+) (%d%d%d%d)()" },
    { CAPITALS, "()(%u%a+%.?) (%d%d?)%f[%D]()" },
    { DIGITS, "()%f[%d](%d%d?) (%u%a+)()" },
    { "Ii", "()%f[%a][Ii]n (%d%d%d%d)%f[%D]()" },
    { DIGITS, "()%f[%d]([%d][%d,]*%.?%d*) (%a+) (%a+)()" },
    { "amount", AMOUNT },
  }
  local PIECES = { "May", "june", "In", "in", "from", "From", "to", " ", " ", "1", "2", "0", "20", "2024",
    "-", "\226\128\147", ",", ".", "x", "Q", "\n", "won", "million", "RM", "US", "$", "\226\130\172",
    "\195\169", "bn", "(", "\194\163" }

  local function all(iter)
    local out = {}
    for a, b, c, d2, e2, f, g, h in iter do
      out[#out + 1] = table.concat({ tostring(a), tostring(b), tostring(c), tostring(d2), tostring(e2),
        tostring(f), tostring(g), tostring(h) }, "|")
    end
    return table.concat(out, ";")
  end

  it("finds what gmatch finds", function()
    assert.truthy(C and C.amount_starts)
    math.randomseed(20261123)
    for _ = 1, 3000 do
      local parts = {}
      for i = 1, math.random(1, 24) do parts[i] = PIECES[math.random(#PIECES)] end
      local text = table.concat(parts)
      local d = core.make_document { text = text, name = "t" }
      local dd = setmetatable({ text = text, doc = d }, engine.Doc)
      for _, pp in ipairs(PATTERNS) do
        local set = pp[1] == "amount" and C.amount_starts(dd) or pp[1]
        local want, got = all(text:gmatch(pp[2])), all(dd:gmatch_at(set, pp[2]))
        if want ~= got then
          error(string.format("%s on %q: gmatch %s, gmatch_at %s", pp[2], text, want, got))
        end
      end
    end
  end)

  it("returns the whole match when the pattern captures nothing", function()
    local dd = setmetatable({ text = "in 2024 and 1999" }, engine.Doc)
    local got = {}
    for y in dd:gmatch_at(DIGITS, "%d%d%d%d") do got[#got + 1] = y end
    assert.same({ "2024", "1999" }, got)
    assert.has_error(function() dd:gmatch_at(DIGITS, 5) end)
  end)
end)

describe("d:mentions", function()
  local e = assert(pack(COUNTRIES .. [[
rule { name = "words", phase = "entities", pattern = p.word { "navy", "Malaysia navy" },
  action = function(m, s) s:mention { type = "FORCE", start = m.start, stop = m.stop } end }
rule { name = "ask", phase = "relations", run = function(d)
  local got = {}
  for _, m in ipairs(d:mentions { type = { "FORCE", "COUNTRY", "NOPE" } }) do
    got[#got + 1] = m.type .. "@" .. m.start .. ":" .. m.stop
  end
  local at0 = d:mention_at(0, { "COUNTRY", "FORCE" })
  d:relate("SEEN", {}, { at0 = at0 and at0.type, all = table.concat(got, " "),
    second = #d:mentions { type = "COUNTRY", sentence = 2 },
    keyed = #d:mentions { key = "ITA" }, window = #d:mentions { within = { 0, 8 } } })
end }
]]))

  it("list several types in text order, longest first, with filters", function()
    local d = run(e, "Malaysia navy sailed. Italy and Malaysia met.")
    local a = d.relations[1].attrs
    assert.equal("FORCE@0:13 COUNTRY@0:8 COUNTRY@22:27 COUNTRY@32:40", a.all)
    assert.equal("FORCE", a.at0)
    assert.equal(2, a.second)
    assert.equal(1, a.keyed)
    assert.equal(1, a.window)
  end)

  it("find the longest mention of some types at an offset (d:mention_at)", function()
    local d = run(e, "Malaysia navy sailed. Italy and Malaysia met.")
    assert.equal("FORCE", d:mention_at(0, { "COUNTRY", "FORCE" }).type) -- the longer one
    assert.equal("COUNTRY", d:mention_at(0, "COUNTRY").type)
    assert.is_nil(d:mention_at(1, { "COUNTRY", "FORCE" }))
    assert.is_nil(d:mention_at(0, "NOPE"))
    assert.equal("ITA", d:mention_at(22, { "COUNTRY" }).key)
  end)

  it("answer the same after the document is processed", function()
    local d = run(e, "Malaysia navy sailed. Italy and Malaysia met.")
    local got = {}
    for _, m in ipairs(d:mentions { type = { "FORCE", "COUNTRY", "NOPE" } }) do
      got[#got + 1] = m.type .. "@" .. m.start .. ":" .. m.stop
    end
    assert.equal(d.relations[1].attrs.all, table.concat(got, " "))
    assert.equal(2, #d:mentions { type = "COUNTRY", sentence = 2 })
    assert.equal(1, #d:mentions { key = "ITA" })
    assert.equal(1, #d:mentions { within = { 0, 8 } })
  end)
end)

describe("phases, overlap and prefilters", function()
  it("keep the higher priority, then the longer mention", function()
    local e = assert(pack([[
rule { name = "short", phase = "entities", priority = 1, pattern = p.word "Korea",
  action = function(m, s) s:mention { type = "X", start = m.start, stop = m.stop, key = "short" } end }
rule { name = "long", phase = "entities", pattern = p.word "South Korea",
  action = function(m, s) s:mention { type = "X", start = m.start, stop = m.stop, key = "long" } end }
rule { name = "kept", phase = "entities", overlap = "keep", pattern = p.word "Korea",
  action = function(m, s) s:mention { type = "X", start = m.start, stop = m.stop, key = "kept" } end }
]]))
    local d = run(e, "South Korea.")
    assert.same({ "short", "kept" }, keys(d.mlist))
  end)

  it("let an organisation supersede countries inside it", function()
    local e = assert(pack(COUNTRIES .. [[
rule { name = "org", phase = "entities", supersedes = { "COUNTRY" },
  pattern = p.ent "COUNTRY" * p.word "Aerospace",
  action = function(m, s) s:mention { type = "ORG", start = m.start, stop = m.stop } end }
]]))
    local d = run(e, "Korea Aerospace and Italy.")
    local live = {}
    for _, m in ipairs(d.mlist) do if not m.removed then live[#live + 1] = m.type .. ":" .. m.text end end
    table.sort(live)
    assert.same({ "COUNTRY:Italy", "ORG:Korea Aerospace" }, live)
  end)

  it("skip sentences that cannot match", function()
    local e = assert(pack(COUNTRIES .. [[
rule { name = "two", phase = "relations", needs = { COUNTRY = 2 }, pattern = p.tok,
  action = function(_, s) s.d.focus.seen = (s.d.focus.seen or 0) + 1 end }
]]))
    local d = run(e, "Malaysia alone. Malaysia and Italy.")
    assert.equal(4, d.focus.seen) -- the four tokens of the second sentence only
  end)

  it("run phases in order whatever the file order", function()
    local e = assert(pack([[
rule { name = "late", phase = "document", run = function(d) d.focus.order = (d.focus.order or "") .. "D" end }
rule { name = "early", phase = "tokens", run = function(d) d.focus.order = (d.focus.order or "") .. "T" end }
]]))
    assert.equal("TD", run(e, "x").focus.order)
  end)
end)

describe("failures and budgets", function()
  it("record a failing rule and go on with the others", function()
    local e = assert(pack(COUNTRIES .. [[
rule { name = "boom", phase = "entities", pattern = p.ent "COUNTRY",
  action = function() error("kaboom") end }
rule { name = "after", phase = "document", run = function(d) d.focus.after = true end }
]]))
    local d = run(e, "Hello Italy.")
    assert.equal(1, #d.failures)
    assert.equal("boom", d.failures[1].rule)
    assert.equal(6, d.failures[1].offset)
    assert.truthy(d.failures[1].message:find("kaboom", 1, true))
    assert.is_true(d.focus.after)
  end)

  it("stop an endless rule at its instruction budget, even inside pcall", function()
    local e = assert(pack([[
rule { name = "spin", budget = 100000, run = function()
  while true do pcall(function() while true do end end) end
end }
]]))
    local d = run(e, "x")
    assert.equal(1, #d.failures)
    assert.equal("instruction budget of 100000 exceeded", d.failures[1].message)
  end)

  it("never stop a rule that stays within its budget, however long it runs", function()
    -- about 3 million instructions, over the watchdog's 0.1 s grace on any
    -- machine that is slow enough to matter, and within a budget of 10 million
    local e = assert(pack([[
rule { name = "busy", budget = 10000000, run = function(d)
  local x = 0
  for i = 1, 1000000 do x = x + i % 7 end
  d:relate("DONE", {}, { x = x })
end }
]]))
    local d = run(e, "x")
    assert.same({}, d.failures)
    assert.equal(1, #d.relations)
  end)

  it("stop an endless rule in extraction workers, and report it", function()
    local dir = tmp .. "/spin"
    os.execute("rm -rf '" .. dir .. "' && mkdir -p '" .. dir .. "/rules' '" .. dir .. "/docs'")
    local f = assert(io.open(dir .. "/rules/spin.lua", "w"))
    f:write('rule { name = "spin", budget = 200000, run = function() while true do end end }\n')
    f:close()
    for i = 1, 3 do
      f = assert(io.open(dir .. "/docs/d" .. i .. ".txt", "w"))
      f:write("Document " .. i .. " text.\n")
      f:close()
    end
    local bin = os.getenv("ENTENTE_BIN") or (core.home .. "/build/entente")
    local db = dir .. "/s.db"
    assert(os.execute(string.format("'%s' ingest -q --db '%s' '%s/docs'", bin, db, dir)))
    local t0 = os.time()
    local p = assert(io.popen(string.format(
      "'%s' extract --jobs 2 --rules '%s/rules' --db '%s' 2>&1; echo \"exit $?\"", bin, dir, db)))
    local out = p:read("a")
    p:close()
    assert.truthy(out:find("exit 1", 1, true), out)
    local stopped = 0
    for _ in out:gmatch("instruction budget of 200000 exceeded") do stopped = stopped + 1 end
    assert.equal(3, stopped, out)
    assert.truthy(os.time() - t0 < 20, "took too long")
  end)

  it("stop a rule at its memory budget", function()
    local e = assert(pack([[
rule { name = "hog", run = function()
  local t = {}
  for i = 1, 1e9 do t[i] = ("x"):rep(100) .. i end
end }
]]))
    e.memory = 8 * 1024 * 1024
    local d = run(e, "x")
    assert.equal(1, #d.failures)
    assert.truthy(d.failures[1].message:find("not enough memory", 1, true))
  end)

  it("expire sentence views after the rule moves on", function()
    local e = assert(pack(COUNTRIES .. [[
local kept
rule { name = "keep", phase = "entities", pattern = p.ent "COUNTRY", action = function(_, s) kept = s end }
rule { name = "use", phase = "document", run = function() return kept:mentions() end }
]]))
    local d = run(e, "Italy.")
    assert.equal("use", d.failures[1].rule)
    assert.truthy(d.failures[1].message:find("expired sentence", 1, true))
  end)
end)

describe("traces", function()
  it("say where a pattern stopped", function()
    local e = assert(pack(COUNTRIES .. [[
rule { name = "pair", phase = "relations", pattern = p.ent "COUNTRY" * p.word "and" * p.ent "COUNTRY"
  * p.gap(2) * p.lemma "agree", action = function(m, s) s:relate("P", { x = m[1] }) end }
]]))
    local doc = core.make_document { text = "Malaysia and Italy disagreed today.", name = "t" }
    local recs = e:trace("pair", doc)
    assert.equal("no match", recs[1].status)
    assert.equal("Malaysia and Italy", recs[1].near)
    assert.equal("disagreed", recs[1].next)
  end)
end)

describe("results", function()
  it("pack mentions and relations for the store, with thread keys", function()
    local e = assert(pack(COUNTRIES .. [[
rule { name = "pair", phase = "relations", pattern = p.ent "COUNTRY":as "a" * p.word "and"
  * p.ent "COUNTRY":as "b", action = function(m, s)
    s:relate("COOPERATION", { a = m.a, b = m.b }, { stage = "talks", sectors = { "defence" } }) end }
]]))
    local d = run(e, "Italy and Malaysia.")
    local res = e:result(d)
    assert.equal(2, #res.mentions)
    assert.equal(1, #res.relations)
    local r = res.relations[1]
    assert.equal("COOPERATION:ITA|MYS", r.thread)
    assert.equal('{"sectors":["defence"]}', r.attrs)
    assert.equal(1, r.args[1].mention)
    local packed = core.pack_result(res, 7, "abc")
    assert.same({ 2, 1, 0 }, { packed:counts() })
  end)
end)
