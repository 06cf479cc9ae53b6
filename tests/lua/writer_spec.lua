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

  -- two COUNTRY mentions and relations between them; `extra` adds a
  -- relation whose role "a" is given twice (the later one stands)
  local function pair_result(doc_id, k1, k2, extra)
    local text = k1 .. " and " .. k2
    local function mention(k, a)
      return { type = "COUNTRY", key = k, text = k, start = a, stop = a + 3, sent_start = 0,
        sent_stop = #text, score = 1, rule = "t", file = "t.lua", line = 1 }
    end
    local function rel(args)
      return { type = "COOPERATION", start = 0, stop = #text, sent_start = 0, sent_stop = #text,
        score = 1, rule = "t", file = "t.lua", line = 1, args = args }
    end
    local rels = { rel { { role = "a", ord = 0, mention = 1 }, { role = "b", ord = 0, mention = 2 } } }
    if extra then
      rels[2] = rel { { role = "a", ord = 0, mention = 2 }, { role = "a", ord = 0, mention = 1 } }
    end
    return core.pack_result({ mentions = { mention(k1, 0), mention(k2, #text - 3) },
      relations = rels, failures = {} }, doc_id, "h" .. doc_id)
  end
  local function args_of(doc_id)
    local out = {}
    for row in st:rows([[SELECT r.id AS rel, a.role, a.key, c.country FROM relations r
        JOIN relation_args a ON a.relation_id = r.id
        LEFT JOIN relation_countries c ON c.relation_id = r.id AND c.country = a.key
        WHERE r.doc_id = ? ORDER BY r.id, a.role]], doc_id) do
      out[#out + 1] = row.role .. "=" .. row.key .. (row.country and "+" or "")
    end
    return table.concat(out, " ")
  end

  it("stores each document's relation arguments, and no other's", function()
    assert(st:begin())
    assert(st:put_result(pair_result(ids[1], "ITA", "MYS", true), "p", 0))
    st:rollback() -- what this document staged must not reach the next
    assert(st:begin())
    assert(st:put_result(pair_result(ids[2], "FRA", "IDN"), "p", 0))
    assert(st:put_result(pair_result(ids[1], "KOR", "POL", true), "p", 0))
    assert(st:commit())
    assert.equal("a=FRA+ b=IDN+", args_of(ids[2]))
    -- the repeated role keeps its later value, as a row-by-row write did
    assert.equal("a=KOR+ b=POL+ a=KOR+", args_of(ids[1]))
    assert.equal(0, st:sql([[SELECT count(*) AS n FROM relation_args
      WHERE key IN ('ITA', 'MYS')]])[1].n)
    assert.equal(0, st:sql("SELECT count(*) AS n FROM temp.en_args_stage WHERE key = 'ITA'")[1].n)
  end)

  it("writes in bulk mode without a savepoint per document", function()
    st:set_bulk(true)
    assert(st:begin())
    assert(st:begin())
    assert(st:put_result(result(ids[1], "Acme", "Acme"), "p", 0))
    assert(st:commit())
    assert(st:commit())
    st:set_bulk(false)
    assert.equal(3, st:sql("SELECT count(*) AS n FROM mentions")[1].n) -- one, and the two of ids[2]
    st:close()
  end)
end)
