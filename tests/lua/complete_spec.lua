-- Tab completion (entente.complete) driven with fake tables: no store, no
-- rule pack, no terminal.
local complete = require "entente.complete"

-- A fake Document: a table whose metatable looks like entente's userdata.
local doc_mt = {
  __name = "entente.Document",
  methods = {
    sentences = function() end, sentence = function() end, sentence_at = function() end,
    count_sentences = function() end, slice = function() end,
  },
}
local fake_doc = setmetatable({}, doc_mt)

local function ctx()
  return {
    env = {
      doc = fake_doc,
      print = print, pairs = pairs, pcall = pcall,
      string = { format = string.format, find = string.find, rep = string.rep },
      en = { doc = function() end, docs = function() end, version = "0.1" },
      obj = setmetatable({ own = 1 }, { __index = { inherited = function() end } }),
    },
    commands = { "help", "open", "show", "why", "try", "set", "stats" },
    command_args = {
      help = { "topic" }, show = { "doc" }, why = { "rule", "doc" }, try = { "lua" },
      set = { "option" }, open = {}, stats = {},
    },
    docs = function(prefix)
      local all = { "001-indonesia", "002-philippines", "010-uae", "wire-001" }
      local out = {}
      for _, d in ipairs(all) do if d:sub(1, #prefix) == prefix then out[#out + 1] = d end end
      return out
    end,
    rules = function() return { "pair.agree", "pair.sign", "country" } end,
    types = function() return { "COUNTRY", "ORG", "PERSON", "COUNTRY" } end,
    topics = function() return { "help", "Document", "Store" } end,
    options = function() return { "pager", "color", "depth" } end,
  }
end

local function comp(line, cursor)
  return complete.complete(line, cursor, ctx())
end

describe("entente.complete", function()
  it("completes methods after ':' with an opening parenthesis", function()
    local c, start = comp("doc:sl")
    assert.same({ "slice(" }, c)
    assert.equal(5, start)
    c = comp("doc:sen")
    assert.same({ "sentence(", "sentence_at(", "sentences(" }, c)
  end)

  it("completes the fields of entente handles after '.'", function()
    local c = comp("doc.ti")
    assert.same({ "title" }, c)
    c = comp("x = doc.so")
    assert.same({ "source" }, c)
  end)

  it("completes globals, table fields and keywords", function()
    assert.same({ "pairs", "pcall", "print" }, (comp("p")))
    assert.same({ "find(", "format(" }, (comp("string.f")))
    assert.same({ "doc(", "docs(" }, (comp("local d = en.do")))
    assert.same({ "function" }, (comp("fun")))
    assert.same({ "inherited(", "own" }, (comp("obj.")))
  end)

  it("completes at the cursor, not at the end of the line", function()
    local c, start = comp("doc:sl) + 1", 6)
    assert.same({ "slice(" }, c)
    assert.equal(5, start)
  end)

  it("gives nothing for unknown values and inside plain strings", function()
    assert.same({}, (comp("nothing.he")))
    assert.same({}, (comp('print("doc:sl')))
    assert.same({}, (comp("doc.title:up")))
  end)

  it("completes document names inside en.doc(\"", function()
    local c, start = comp('d = en.doc("00')
    assert.same({ "001-indonesia", "002-philippines" }, c)
    assert.equal(13, start)
    assert.same({ "wire-001" }, (comp("st:doc 'w")))
  end)

  it("completes entity types where a type is expected", function()
    assert.same({ "COUNTRY" }, (comp('for _, m in ipairs(d:mentions{type="CO')))
    assert.same({ "ORG" }, (comp('p.ent"O')))
    assert.same({ "PERSON" }, (comp("needs = { P")))
    assert.same({ "COUNTRY", "ORG", "PERSON" }, (comp('supersedes = { "')))
  end)

  it("completes REPL commands and their arguments", function()
    local c, start = comp(":sh")
    assert.same({ ":show" }, c)
    assert.equal(1, start)
    assert.same({ ":set", ":show", ":stats" }, (comp(":s")))
    c, start = comp(":why pair.")
    assert.same({ "pair.agree", "pair.sign" }, c)
    assert.equal(6, start)
    assert.same({ "010-uae" }, (comp(":why country 01")))
    assert.same({ "001-indonesia" }, (comp(":show 001")))
    assert.same({ "Document" }, (comp(":help Doc")))
    assert.same({ "pager" }, (comp(":set pa")))
    assert.same({}, (comp(":open x")))
    assert.same({}, (comp(":nosuch x")))
  end)

  it("completes Lua and document names in :try", function()
    assert.same({ "slice(" }, (comp(":try doc:sl")))
    assert.same({ "002-philippines" }, (comp(":try p.word'x' @ 002")))
    assert.same({ "COUNTRY" }, (comp(':try p.ent"C')))
  end)

  it("survives providers that raise", function()
    local c = ctx()
    c.docs = function() error("no store") end
    assert.same({}, (complete.complete('en.doc("', nil, c)))
    assert.same({}, (complete.complete("x", nil, {})))
  end)

  it("does not raise on strict handles", function()
    local strict = setmetatable({}, { __name = "entente.Document",
      __index = function(_, k) error("entente.Document has no field '" .. k .. "'") end })
    local c = ctx()
    c.env.sd = strict
    assert.same({ "title" }, (complete.complete("sd.title", nil, c)))
    assert.same({}, (complete.complete("sd.titel.x", nil, c)))
  end)
end)
