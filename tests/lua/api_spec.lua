-- The corpus API: stores, documents, sentences, tokens, SQL and search.
local en = require "entente"

local tmp = os.getenv("ENTENTE_TEST_TMP") or "/tmp/entente-spec"
os.execute("mkdir -p '" .. tmp .. "'")

local function write(path, text)
  local f = assert(io.open(path, "wb"))
  f:write(text)
  f:close()
end

-- A small corpus written by the spec itself.
local dir = tmp .. "/api-corpus"
os.execute("rm -rf '" .. dir .. "' && mkdir -p '" .. dir .. "'")
write(dir .. "/a.md", [[
---
title: Jakarta and Paris sign submarine deal
date: 2025-03-14
source: Test Wire
---
Indonesia and France signed a contract for two submarines on Friday. Dr. Ana Lim said the
deal includes technology transfer.

"We are proud," she said.
]])
write(dir .. "/b.txt", "WARSAW, May 2 — Poland ordered 96 tanks from South Korea.\n— Test Agency\n")
write(dir .. "/c.jsonl",
  '{"id":"j1","title":"Japan and Italy","date":"2024-11-02","source":"JSON Desk",' ..
  '"text":"Japan and Italy agreed to build a fighter jet together."}\n')

local db = tmp .. "/api.db"
os.remove(db); os.remove(db .. "-wal"); os.remove(db .. "-shm")

describe("en.open", function()
  it("returns nil and a message for a missing database opened read-only", function()
    local st, err = en.open(tmp .. "/missing.db", { readonly = true })
    assert.is_nil(st)
    assert.equal(tmp .. "/missing.db: no such database (run 'entente ingest' first, or give --db)", err)
  end)

  it("raises on a bad argument, naming it", function()
    assert.has_error(function() en.open(42) end,
      "bad argument #1 to 'open' (path expected, got number)")
  end)

  it("creates, ingests and counts", function()
    local st = assert(en.open(db, { create = true }))
    local messages = {}
    local stats = st:ingest({ dir }, {
      report = function(level, file, line, msg) messages[#messages + 1] = { level, file, line, msg } end,
    })
    assert.same({}, messages)
    assert.equal(3, stats.added)
    assert.equal(0, stats.failed)
    assert.equal("ok", stats.status)
    local again = st:ingest({ dir })
    assert.equal(0, again.added)
    assert.equal(3, again.unchanged)
    st:close()
    -- closing twice is fine; using a closed store is an error naming the type
    st:close()
    assert.has_error(function() st:stats() end, "calling 'stats' on bad self (closed store)")
  end)
end)

describe("documents", function()
  local st
  before_each(function()
    st = assert(en.open(db, { readonly = true }))
    en.use(st)
  end)
  after_each(function() st:close() end)

  it("iterates with filters", function()
    local names = {}
    for d in en.docs { source = "Test Wire" } do names[#names + 1] = d.name end
    assert.same({ "a.md" }, names)
    names = {}
    for d in en.docs { since = "2025-01-01" } do names[#names + 1] = d.name end
    assert.same({ "a.md" }, names)
    names = {}
    for d in en.docs { search = "fighter" } do names[#names + 1] = d.name end
    assert.same({ "j1" }, names)
  end)

  it("rejects an unknown filter, naming it", function()
    assert.has_error(function() en.docs { sorce = "x" } end,
      "bad argument #1 to 'docs' (unknown filter 'sorce' (known: source, since, until, search, " ..
      "name, id, place, limit))")
  end)

  it("finalises the cursor when a loop breaks", function()
    for _ = 1, 3 do
      for d in en.docs() do -- luacheck: ignore 512
        assert.is_string(d.text)
        break
      end
    end
    -- the store still closes cleanly: no statement is left open
    assert.equal(3, en.stats().documents)
  end)

  it("exposes metadata from front matter, datelines and sign-offs", function()
    local a = assert(en.doc("a.md"))
    assert.equal("Jakarta and Paris sign submarine deal", a.title)
    assert.equal("2025-03-14", a.date)
    assert.equal("Test Wire", a.source)
    local b = assert(en.doc("b.txt"))
    assert.equal("WARSAW", b.place)
    assert.equal("--05-02", b.date)
    assert.equal("Test Agency", b.agency)
    local kinds = {}
    for _, s in ipairs(b.spans) do kinds[#kinds + 1] = s.kind end
    assert.same({ "dateline", "signoff" }, kinds)
    local j = assert(en.doc("j1"))
    assert.equal("JSON Desk", j.source)
  end)

  it("says when a document is missing, and rejects unknown fields", function()
    local d, err = en.doc("nope.txt")
    assert.is_nil(d)
    assert.equal("no document named 'nope.txt'", err)
    local a = en.doc("a.md")
    assert.has_error(function() return a.titel end, "entente.Document has no field 'titel'")
  end)

  it("splits sentences and keeps byte offsets into the text", function()
    local a = en.doc("a.md")
    local texts = {}
    for s in a:sentences() do
      texts[#texts + 1] = s.text
      assert.equal(s.text, a.text:sub(s.start + 1, s.stop))
    end
    assert.equal(3, #texts)
    assert.truthy(texts[2]:find("^Dr%. Ana Lim"))
    assert.equal(3, a:count_sentences())
    assert.equal(texts[2], a:sentence(2).text)
    assert.equal(texts[2], a:sentence_at(a:sentence(2).start + 3).text)
  end)

  it("leaves the dateline and sign-off out of sentences", function()
    local b = en.doc("b.txt")
    local s = b:sentence(1)
    assert.equal("Poland ordered 96 tanks from South Korea.", s.text)
    assert.is_nil(b:sentence(2))
  end)

  it("gives tokens with offsets", function()
    local b = en.doc("b.txt")
    local toks = b:sentence(1):tokens()
    assert.equal("Poland", toks[1].text)
    assert.equal("word", toks[1].kind)
    assert.equal("96", toks[3].text)
    assert.equal("number", toks[3].kind)
    assert.equal(".", toks[#toks].text)
    for _, t in ipairs(toks) do assert.equal(t.text, b:slice(t.start, t.stop)) end
  end)

  it("refuses SQL that writes", function()
    assert.has_error(function() en.sql("DELETE FROM documents") end,
      "SQL refused: the statement would write to the database (read-only access)")
    local rows, cols = en.sql("SELECT name, date FROM documents WHERE source = ? ORDER BY name", "Test Wire")
    assert.same({ { name = "a.md", date = "2025-03-14" } }, rows)
    assert.same({ "name", "date" }, cols)
  end)

  it("searches with FTS5 and reports bad queries", function()
    local hits = en.search("technology NEAR transfer")
    assert.equal(1, #hits)
    assert.equal("a.md", hits[1].name)
    assert.has_error(function() en.search("AND OR (") end)
  end)
end)

describe("text helpers", function()
  it("folds case and diacritics", function()
    assert.equal(en.fold("Turkiye"), en.fold("TÜRKİYE"))
    assert.equal("erdogan", en.fold("Erdoğan"))
  end)

  it("analyses a string as a document", function()
    local d = en.text("Gen. Lee met the U.S. envoy. They agreed.")
    local n = 0
    for _ in d:sentences() do n = n + 1 end
    assert.equal(2, n)
  end)
end)
