-- The writer (engine/result.c): entities are stored once with their longest
-- name and every alias, whether or not the writer's memo already knows
-- them, and a rolled-back transaction leaves no stale memo behind.
local en = require "entente"
local core = require "entente.core"

local tmp = (os.getenv("ENTENTE_TEST_TMP") or "/tmp/entente-spec") .. "/writer"
os.execute("rm -rf '" .. tmp .. "' && mkdir -p '" .. tmp .. "/corpus'")
local db = tmp .. "/w.db"
local bin = os.getenv("ENTENTE_BIN") or (en.home .. "/build/entente")

local function write(name, text)
  local f = assert(io.open(tmp .. "/corpus/" .. name, "w"))
  f:write(text)
  f:close()
end

-- one ORG mention of key "acme" written as `text`, named `name`
local function result(doc_id, name, text)
  return core.pack_result({
    mentions = { { type = "ORG", key = "acme", name = name, text = text, start = 0, stop = #text,
      sent_start = 0, sent_stop = #text, score = 1, rule = "t", file = "t.lua", line = 1 } },
    relations = { { type = "X", start = 0, stop = #text, sent_start = 0, sent_stop = #text,
      score = 1, rule = "t", file = "t.lua", line = 1, thread = "X:acme", subject = "acme",
      args = { { role = "a", ord = 1, mention = 1 } } } },
    failures = {},
  }, doc_id, "h" .. doc_id)
end

describe("the writer", function()
  write("a.txt", "Acme Corp builds ships.")
  write("b.txt", "Acme builds ships.")
  assert(os.execute(string.format("'%s' ingest -q --db '%s' '%s/corpus' >/dev/null", bin, db, tmp)))
  local st = assert(en.open(db))
  local ids = {}
  for row in st:rows("SELECT id FROM documents ORDER BY name") do ids[#ids + 1] = row.id end

  local function entity()
    local rows = st:sql("SELECT id, name FROM entities WHERE type = 'ORG' AND key = 'acme'")
    return rows[1], #rows
  end
  local function aliases()
    local out = {}
    for row in st:rows("SELECT alias FROM entity_aliases ORDER BY alias") do out[#out + 1] = row.alias end
    return out
  end

  it("keeps the longest name and every alias across documents", function()
    assert(st:begin())
    assert(st:put_result(result(ids[1], "Acme", "Acme"), "p", 0))
    assert(st:put_result(result(ids[2], "Acme Corporation", "Acme Corp"), "p", 0))
    assert(st:put_result(result(ids[1], "Acme", "ACME"), "p", 0)) -- folds like "Acme": one alias
    assert(st:put_result(result(ids[1], "Acme", "Acme Inc"), "p", 0))
    assert(st:commit())
    local e, n = entity()
    assert.equal(1, n)
    assert.equal("Acme Corporation", e.name)
    assert.same({ "Acme", "Acme Corp", "Acme Inc" }, aliases())
    assert.equal(1, st:sql("SELECT count(*) AS n FROM threads")[1].n)
  end)

  it("forgets what a rollback took away", function()
    assert(st:begin())
    assert(st:put_result(result(ids[2], "Acme Shipbuilding Group", "Acme SG"), "p", 0))
    st:rollback()
    -- the memo must not claim the longer name or the alias any more
    assert.equal("Acme Corporation", entity().name)
    assert(st:begin())
    assert(st:put_result(result(ids[2], "Acme Shipbuilding Group", "Acme SG"), "p", 0))
    assert(st:commit())
    assert.equal("Acme Shipbuilding Group", entity().name)
    assert.same({ "Acme", "Acme Corp", "Acme Inc", "Acme SG" }, aliases())
    -- every stored mention points at the entity that exists
    assert.equal(0, st:sql([[SELECT count(*) AS n FROM mentions m
      WHERE m.entity_id NOT IN (SELECT id FROM entities)]])[1].n)
  end)

  it("writes in bulk mode without a savepoint per document", function()
    st:set_bulk(true)
    assert(st:begin())
    assert(st:begin())
    assert(st:put_result(result(ids[1], "Acme", "Acme"), "p", 0))
    assert(st:commit())
    assert(st:commit())
    st:set_bulk(false)
    assert.equal(2, st:sql("SELECT count(*) AS n FROM mentions")[1].n)
    st:close()
  end)
end)
