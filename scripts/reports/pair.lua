--- pair: everything between two countries.
--
-- entente run scripts/reports/pair.lua MYS ITA [--evidence 3] [--format html|md|csv|json] -o out/
--
-- The cooperation threads between them (from the threads table: furthest
-- stage, first and last dates) with the stage history of each thread, and
-- every fact that involves both countries, each linked to its evidence. A
-- fact reported by many documents is one row that cites the best few.
local en = require "entente"
local report = require "entente.report"

local a = report.start(arg, {
  name = "pair",
  description = "Everything between two countries: cooperation threads with their stage "
    .. "history, and every fact that involves both.",
  formats = { "html", "md", "csv", "json" },
  evidence = true,
  options = function(p)
    p:argument("countries", "Two countries: alpha-3 codes or names."):args(2)
  end,
})
if not a then return 0 end

local A, B = report.resolve_country(a.countries[1]), report.resolve_country(a.countries[2])
if A == B then error("pair: give two different countries (got " .. A .. " twice)") end
if B < A then A, B = B, A end
local an, bn = report.country_name(A), report.country_name(B)
local rep = report.new {
  name = "pair-" .. A .. "-" .. B, title = an .. " and " .. bn,
  subtitle = "Cooperation between " .. an .. " (" .. A .. ") and " .. bn .. " (" .. B .. ")",
  params = { a = A, b = B }, generated = a.generated,
}
local BOTH = { both = { A, B } }

local function by_date(p, q)
  local dp, dq = p.rel.date or "~", q.rel.date or "~"
  if dp ~= dq then return dp < dq end
  return p.id < q.id
end

-- Threads: the table's record, with the facts of each thread that involve
-- both; its history from those facts (one row per statement and source).
local w, p = report.where(BOTH)
local counts = {}
for t in en.rows(("SELECT r.thread_id AS id, count(*) AS facts, count(DISTINCT r.doc_id) AS sources, "
  .. "%s AS pick FROM relations r JOIN documents d ON d.id = r.doc_id WHERE %s AND r.thread_id IS NOT NULL "
  .. "GROUP BY r.thread_id"):format(report.pick_sql(a.evidence), w), table.unpack(p)) do
  counts[t.id] = t
end
local history = {}
for _, g in ipairs(report.groups({ both = BOTH.both, sql = "r.thread_id IS NOT NULL" },
  { evidence = a.evidence, by = "r.thread_id, d.source" })) do
  local t = g.rel.thread_id
  history[t] = history[t] or {}
  table.insert(history[t], g)
end
local trows, hrows = {}, {}
for _, t in ipairs(en.sql("SELECT id, type, key, subject, stage, first_date, last_date FROM threads " ..
  "ORDER BY key")) do
  local c = counts[t.id]
  if c then
    table.sort(history[t.id], by_date)
    local prev
    for _, g in ipairs(history[t.id]) do
      local r = g.rel
      local change = r.stage and r.stage ~= prev
      local ev, more = rep:cite_pick(g.pick, g.facts)
      hrows[#hrows + 1] = { thread = t.key, date = r.date, stage = r.stage,
        change = change and (prev and (prev .. " → " .. r.stage) or ("opens at " .. r.stage)) or nil,
        fact = report.summary(r), source = r.doc.source, evidence = ev, evidence_more = more }
      if r.stage then prev = report.furthest(prev, r.stage) end
    end
    local ev, more = rep:cite_pick(c.pick, c.facts)
    trows[#trows + 1] = { thread = t.key, type = report.TYPE_LABEL[t.type] or t.type,
      subject = t.subject, stage = t.stage, first = t.first_date, last = t.last_date,
      facts = c.facts, sources = c.sources, evidence = ev, evidence_more = more }
  end
end
rep:section { id = "threads", title = "Cooperation threads", rows = trows,
  columns = { { key = "thread", label = "Thread" }, { key = "type", label = "Type" },
    { key = "subject", label = "Subject" }, { key = "stage", label = "Furthest stage", kind = "stage" },
    { key = "first", label = "First" }, { key = "last", label = "Last" },
    { key = "facts", label = "Facts", kind = "n" }, { key = "sources", label = "Sources", kind = "n" } } }
rep:section { id = "history", title = "Stage history", rows = hrows,
  intro = "Each thread's facts in date order; a change marks the stage moving further.",
  columns = { { key = "thread", label = "Thread" }, { key = "date", label = "Date" },
    { key = "stage", label = "Stage", kind = "stage" }, { key = "change", label = "Change" },
    { key = "fact", label = "Fact" }, { key = "source", label = "Source" } } }

local rows, facts = {}, report.groups(BOTH, { evidence = a.evidence })
table.sort(facts, by_date)
for _, g in ipairs(facts) do
  local r = g.rel
  local ev, more = rep:cite_pick(g.pick, g.facts)
  rows[#rows + 1] = { date = r.date, type = report.TYPE_LABEL[r.type] or r.type, fact = report.summary(r),
    stage = r.stage, cameo = r.cameo, evidence = ev, evidence_more = more }
end
rep:section { id = "facts", title = "All facts between them", rows = rows,
  columns = { { key = "date", label = "Date" }, { key = "type", label = "Type" },
    { key = "fact", label = "Fact" }, { key = "stage", label = "Stage", kind = "stage" },
    { key = "cameo", label = "CAMEO" } } }

return rep:save(a, io.open)
