-- entente.facts: fact sheets from a store built with a tiny rule pack.
local core = require "entente.core"
local en = require "entente"
local facts = require "entente.facts"
local json = require "entente.json"

local tmp = os.getenv("ENTENTE_TEST_TMP") or "/tmp/entente-spec"
local bin = os.getenv("ENTENTE_BIN") or (core.home .. "/build/entente")
local pack = core.home .. "/tests/e2e/facts-eval/input/rules"
local dir = tmp .. "/facts-corpus"
local db = tmp .. "/facts.db"
os.execute("rm -rf '" .. dir .. "' && mkdir -p '" .. dir .. "'")
os.remove(db); os.remove(db .. "-wal"); os.remove(db .. "-shm")

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end
write(dir .. "/z.txt",
  "Italy and Malaysia agreed to work together. Malaysia and Italy signed a deal.\n" ..
  "Japan denied any talks with Turkey. Anwar Ibrahim met Giorgia Meloni.\n" ..
  "Anwar Ibrahim met Giorgia Meloni.\n" ..
  "The Ministry of Defence (MINDEF) said Malaysia will buy boats from Italy.\n")
write(dir .. "/a.md", "---\ntitle: t\ndate: 2024-02\n---\nTürkiye and Malaysia signed a framework.\n")

local function sh(cmd)
  local ok = os.execute(cmd .. " >'" .. tmp .. "/facts-cmd.log' 2>&1")
  return ok
end

describe("fact sheets", function()
  local st
  setup(function()
    assert.is_true(sh(string.format("'%s' ingest -q --db '%s' '%s'", bin, db, dir)))
    assert.is_true(sh(string.format("'%s' extract -q -j 1 --db '%s' --rules '%s'", bin, db, pack)))
    st = assert(en.open(db, { readonly = true }))
  end)
  teardown(function() if st then st:close() end end)

  it("gives one sheet per document, ordered by name", function()
    local sheets = facts.sheets(st)
    assert.same({ "a.md", "z.txt" }, { sheets[1].doc, sheets[2].doc })
    assert.equal("2024-02", sheets[1].date)
    assert.equal(json.null, sheets[2].date)
    assert.same({ "MYS", "TUR" }, sheets[1].countries)
    assert.same({ "ITA", "JPN", "MYS", "TUR" }, sheets[2].countries)
  end)

  it("groups cooperation by pair: sectors united, furthest stage; denied relations left out", function()
    local z = facts.sheets(st, { only = { "z.txt" } })[1]
    assert.equal(1, #z.cooperation)
    local c = z.cooperation[1]
    assert.same({ "ITA", "MYS" }, c.between)
    assert.same({ "defence", "naval" }, c.sectors)
    assert.equal("framework", c.stage)
  end)

  it("names people and organisations from their attributes, with aliases the text uses", function()
    local z = facts.sheets(st, { only = { "z.txt" } })[1]
    assert.same({ { name = "Anwar Ibrahim", title = "Prime Minister", country = "MYS" },
      { name = "Giorgia Meloni", title = "Prime Minister", country = "ITA" } }, z.persons)
    -- "MoD" is an alias in the attributes but not in the text
    assert.same({ { name = "Ministry of Defence", aliases = { "MINDEF" }, kind = "government",
      country = "MYS" } }, z.organizations)
    assert.equal(1, #z.meetings)
    assert.same({ "Anwar Ibrahim", "Giorgia Meloni" }, z.meetings[1].participants)
    assert.same({ { buyer = "MYS", supplier = "ITA", item = "frigates", stage = "intent" } }, z.procurement)
  end)

  it("keeps provenance out of the printed sheet", function()
    local z = facts.sheets(st, { only = { "z.txt" } })[1]
    local text = json.encode(z)
    assert.is_nil(text:find("tiny.coop", 1, true))
    local prov = facts.provenance(z)
    assert.same({ { rule = "tiny.coop", file = "10-tiny.lua", line = 23 } }, prov.cooperation[1])
    assert.equal("tiny.gazetteer", prov.countries[1][1].rule)
    local shown = json.encode(facts.with_provenance(z))
    assert.truthy(shown:find('"provenance":["tiny.coop (10-tiny.lua:23)"]', 1, true))
    assert.truthy(shown:find('{"code":"ITA","provenance":["tiny.gazetteer (10-tiny.lua:21)"]}', 1, true))
  end)

  it("is deterministic", function()
    local a, b = {}, {}
    for i, s in ipairs(facts.sheets(st)) do a[i] = json.encode(s) end
    for i, s in ipairs(facts.sheets(st)) do b[i] = json.encode(s) end
    assert.same(a, b)
  end)

  it("lists mentions and relations with their rule and sentence", function()
    local ms = facts.mention_rows(st, { only = { "a.md" } })
    assert.equal(2, #ms)
    assert.same({ "a.md", "COUNTRY", "TUR", "Türkiye", "tiny.gazetteer",
      "Türkiye and Malaysia signed a framework." },
      { ms[1].doc, ms[1].type, ms[1].key, ms[1].text, ms[1].rule, ms[1].sentence })
    local rs = facts.relation_rows(st, { only = { "z.txt" } })
    local denied
    for _, r in ipairs(rs) do if r.rule == "tiny.denied" then denied = r end end
    assert.same({ a = "JPN", b = "TUR" }, denied.args)
    assert.equal("a=JPN b=TUR", facts.args_text(denied.args))
    assert.equal("Japan denied any talks with Turkey.", denied.sentence)
  end)
end)
