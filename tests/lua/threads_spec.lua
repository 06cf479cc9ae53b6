-- Thread summaries (furthest stage, first and last dates) stay equal to a
-- recount from their relations: after a first extraction (updated as
-- relations are added), after a document changes (its relations dropped
-- at ingest) and after a forced re-extraction (recounted once per batch).
local en = require "entente"

local tmp = (os.getenv("ENTENTE_TEST_TMP") or "/tmp/entente-spec") .. "/threads"
local bin = os.getenv("ENTENTE_BIN") or (en.home .. "/build/entente")
os.execute("rm -rf '" .. tmp .. "' && mkdir -p '" .. tmp .. "/corpus'")
local db = tmp .. "/t.db"

local function write(name, date, text)
  local f = assert(io.open(tmp .. "/corpus/" .. name, "w"))
  f:write("---\ntitle: " .. name .. "\ndate: " .. date .. "\n---\n" .. text .. "\n")
  f:close()
end

local function sh(cmd)
  local ok = os.execute(cmd .. " >/dev/null 2>&1")
  assert(ok, cmd)
end

-- the summary of the ITA-MYS cooperation thread, and the same recounted
local function summary()
  local s = assert(en.open(db, { readonly = true }))
  local stored, recount
  for row in s:rows([[SELECT id, stage, first_date, last_date FROM threads
      WHERE key LIKE 'COOPERATION:%ITA%MYS%']]) do
    stored = { stage = row.stage, first = row.first_date, last = row.last_date }
    local rank = { intent = 1, talks = 2, framework = 3, contract = 4, delivery = 5 }
    local best, first, last
    for r in s:rows([[SELECT r.stage, coalesce(r.date, d.date) AS date FROM relations r
        JOIN documents d ON d.id = r.doc_id WHERE r.thread_id = ?]], row.id) do
      if r.stage and (not best or rank[r.stage] > rank[best]) then best = r.stage end
      if r.date and r.date:match("^%d") then
        if not first or r.date < first then first = r.date end
        if not last or r.date > last then last = r.date end
      end
    end
    recount = { stage = best, first = first, last = last }
  end
  s:close()
  return stored, recount
end

describe("thread summaries", function()
  it("follow added, dropped and re-extracted relations", function()
    write("a.md", "2024-01-10", "Italy and Malaysia signed a contract for four frigates.")
    write("b.md", "2024-06-01", "Italy and Malaysia agreed to explore closer defence cooperation.")
    sh(string.format("'%s' ingest -q --db '%s' '%s/corpus'", bin, db, tmp))
    sh(string.format("'%s' extract -q --db '%s'", bin, db))
    local stored, recount = summary()
    assert.same(recount, stored)
    assert.same({ stage = "contract", first = "2024-01-10", last = "2024-06-01" }, stored)

    -- the contract document changes: its relations go, the thread is recounted
    write("a.md", "2024-01-10", "The weather in Rome was mild this week.")
    sh(string.format("'%s' ingest -q --db '%s' '%s/corpus'", bin, db, tmp))
    stored, recount = summary()
    assert.same(recount, stored)
    assert.same({ stage = "intent", first = "2024-06-01", last = "2024-06-01" }, stored)

    write("a.md", "2024-02-20", "Italy and Malaysia signed a contract for four frigates.")
    sh(string.format("'%s' ingest -q --db '%s' '%s/corpus'", bin, db, tmp))
    sh(string.format("'%s' extract -q --force --db '%s'", bin, db))
    stored, recount = summary()
    assert.same(recount, stored)
    assert.same({ stage = "contract", first = "2024-02-20", last = "2024-06-01" }, stored)
  end)
end)
