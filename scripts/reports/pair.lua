--- pair: everything between two countries.
--
-- entente run scripts/reports/pair.lua MYS ITA [--format html|md|csv|json] -o out/
--
-- The cooperation threads between them (from the threads table: furthest
-- stage, first and last dates) with the stage history of each thread, and
-- every relation that involves both countries, each linked to its evidence.
local en = require "entente"
local report = require "entente.report"

local a = report.start(arg, {
  name = "pair",
  description = "Everything between two countries: cooperation threads with their stage "
    .. "history, and every fact that involves both.",
  formats = { "html", "md", "csv", "json" },
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

local both, threads = {}, {}
for _, r in ipairs(report.load()) do
  local _, set = report.countries(r)
  if set[A] and set[B] then
    both[#both + 1] = r
    if r.thread_id then
      threads[r.thread_id] = threads[r.thread_id] or {}
      table.insert(threads[r.thread_id], r)
    end
  end
end
local function by_date(p, q)
  local dp, dq = p.date or "~", q.date or "~"
  if dp ~= dq then return dp < dq end
  return p.id < q.id
end
table.sort(both, by_date)

-- Threads: the table's record, and its history from its relations.
local trows, hrows = {}, {}
for _, t in ipairs(en.sql("SELECT id, type, key, subject, stage, first_date, last_date FROM threads " ..
  "ORDER BY key")) do
  local list = threads[t.id]
  if list then
    table.sort(list, by_date)
    local docs, prev = {}, nil
    for _, r in ipairs(list) do
      docs[r.doc.id] = true
      local change = r.stage and r.stage ~= prev
      hrows[#hrows + 1] = { thread = t.key, date = r.date, stage = r.stage,
        change = change and (prev and (prev .. " → " .. r.stage) or ("opens at " .. r.stage)) or nil,
        fact = report.summary(r), source = r.doc.source, evidence = { rep:cite(r) } }
      if r.stage then prev = report.furthest(prev, r.stage) end
    end
    local nd = 0
    for _ in pairs(docs) do nd = nd + 1 end
    trows[#trows + 1] = { thread = t.key, type = report.TYPE_LABEL[t.type] or t.type,
      subject = t.subject, stage = t.stage, first = t.first_date, last = t.last_date,
      facts = #list, sources = nd, evidence = rep:cite_all(list) }
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

local rows = {}
for _, r in ipairs(both) do
  rows[#rows + 1] = { date = r.date, type = report.TYPE_LABEL[r.type] or r.type, fact = report.summary(r),
    stage = r.stage, cameo = r.cameo, evidence = { rep:cite(r) } }
end
rep:section { id = "facts", title = "All facts between them", rows = rows,
  columns = { { key = "date", label = "Date" }, { key = "type", label = "Type" },
    { key = "fact", label = "Fact" }, { key = "stage", label = "Stage", kind = "stage" },
    { key = "cameo", label = "CAMEO" } } }

return rep:save(a, io.open)
