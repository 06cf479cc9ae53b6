-- The REPL's pretty printer (entente.pretty) with fake documents, sentences,
-- mentions and relations.
local pretty = require "entente.pretty"

local TEXT = "Malaysia and Italy signed a deal. Talks go on."

local doc_mt = { __name = "entente.Document", __index = function(t, k) return rawget(t, "_f")[k] end }
local function fake_doc(fields)
  fields.count_sentences = function() return 2 end
  return setmetatable({ _f = fields }, doc_mt)
end

local D = fake_doc { id = 7, name = "007-test", title = "A deal", date = "2025-01-02",
  source = "Wire", bytes = 2048, text = TEXT }

describe("entente.pretty", function()
  it("prints scalars and top-level strings as lua.c does", function()
    assert.equal("42", pretty.format(42))
    assert.equal("hello", pretty.format("hello"))
    assert.equal('"hello"', pretty.format("hello", { top = false }))
    assert.equal("true", pretty.format(true))
  end)

  it("prints tables on one line when they fit, sorted, arrays first", function()
    assert.equal('{ 1, 2, a = "x", b = { c = true } }', pretty.format { 1, 2, b = { c = true }, a = "x" })
    assert.equal("{}", pretty.format {})
    assert.equal('{ [true] = 2, ["a b"] = 1 }', pretty.format { ["a b"] = 1, [true] = 2 })
  end)

  it("breaks long tables over lines with indentation", function()
    local t = { alpha = string.rep("a", 30), beta = string.rep("b", 30), gamma = { 1, 2, 3 } }
    assert.equal('{\n  alpha = "' .. string.rep("a", 30) .. '",\n  beta = "' .. string.rep("b", 30) ..
      '",\n  gamma = { 1, 2, 3 }\n}', pretty.format(t, { width = 40 }))
  end)

  it("limits depth, items and string length, and spots cycles", function()
    assert.equal("{ { { {… 1 item} } } }", pretty.format { { { { 1 } } } })
    assert.equal("{ { {… 2 items} } }", pretty.format({ { { 1, 2 } } }, { depth = 2 }))
    local many = {}
    for i = 1, 10 do many[i] = i end
    assert.equal("{ 1, 2, 3, … 7 more }", pretty.format(many, { items = 3 }))
    assert.equal('{ "abcde"… }', pretty.format({ "abcdefgh" }, { strlen = 5 }))
    local c = {}
    c.self = c
    assert.equal("{ self = <cycle> }", pretty.format(c))
    assert.equal('{ "a\\nb\\t\\"" }', pretty.format { 'a\nb\t"' })
  end)

  it("shows a Document as a card", function()
    assert.equal(table.concat({
      "Document 7  007-test",
      "  title   A deal",
      "  date    2025-01-02",
      "  source  Wire",
      "  length  2.0 KiB, 2 sentences",
    }, "\n"), pretty.format(D))
  end)

  it("shows a list of Documents as a table", function()
    local D2 = fake_doc { id = 12, name = "012-other", date = "2024-05-06", source = "Desk",
      bytes = 100, text = "x" }
    assert.equal(table.concat({
      "id  name       date        source  length   title",
      "--  ---------  ----------  ------  -------  ------",
      " 7  007-test   2025-01-02  Wire    2.0 KiB  A deal",
      "12  012-other  2024-05-06  Desk    100 B",
    }, "\n"), pretty.format { D, D2 })
  end)

  it("shows mentions and relations one per row", function()
    local ms = {
      { type = "COUNTRY", key = "MYS", start = 0, stop = 8, text = "Malaysia", rule = "country" },
      { type = "COUNTRY", key = "ITA", start = 13, stop = 18, text = "Italy", rule = "country" },
    }
    assert.equal(table.concat({
      "type     key  text      span   rule",
      "-------  ---  --------  -----  -------",
      "COUNTRY  MYS  Malaysia  0-8    country",
      "COUNTRY  ITA  Italy     13-18  country",
    }, "\n"), pretty.format(ms))
    local rs = { { type = "COOPERATION", stage = "contract", args = { a = ms[1], b = { ms[2], "FRA" } },
      start = 0, stop = 33, rule = "pair" } }
    assert.equal(table.concat({
      "type         stage     args             span  rule",
      "-----------  --------  ---------------  ----  ----",
      "COOPERATION  contract  a=MYS b=ITA,FRA  0-33  pair",
    }, "\n"), pretty.format(rs))
  end)

  it("shows a sentence with its mentions highlighted", function()
    local s = setmetatable({}, { __name = "entente.Sentence", __index = {
      index = 1, start = 0, stop = 33, text = "Malaysia and Italy signed a deal.", doc = D } })
    local ms = { { type = "COUNTRY", key = "MYS", start = 0, stop = 8, text = "Malaysia" },
      { type = "COUNTRY", key = "ITA", start = 13, stop = 18, text = "Italy" } }
    local plain = pretty.format(s, { mentions = function() return ms end })
    assert.equal("#1 [Malaysia] and [Italy] signed a deal.", plain:match("^[^\n]*"))
    assert.truthy(plain:find("\n    COUNTRY  MYS  Malaysia  0-8", 1, true))
    local colour = pretty.format(s, { color = true, mentions = function() return ms end })
    assert.truthy(colour:find("\27[1;36mMalaysia\27[0m and \27[1;36mItaly\27[0m", 1, true))
    assert.equal("#1 Malaysia and Italy signed a deal.", pretty.format(s))
  end)

  it("highlights spans inside a range, clipping and skipping overlaps", function()
    local paint = pretty.painter(false)
    assert.equal("and [Italy] signed", pretty.highlight(TEXT, 9, 25, { { 13, 18 } }, paint, false))
    assert.equal("[Malaysia] and", pretty.highlight(TEXT, 0, 12, { { 0, 8 }, { 4, 8 } }, paint, false))
    assert.equal("[Mal]", pretty.highlight(TEXT, 0, 3, { { 0, 8 } }, paint, false))
  end)

  it("shows rows of records (en.sql) as a table", function()
    assert.equal(table.concat({
      "name  n",
      "----  -",
      "a     1",
      "b     2",
    }, "\n"), pretty.format { { name = "a", n = 1 }, { name = "b", n = 2 } })
  end)
end)
