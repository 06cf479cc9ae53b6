--- timeline: dated facts over time, filtered by country, sector and type.
--
-- entente run scripts/reports/timeline.lua [--country MYS] [--sector naval] [--type VISIT,MEETING]
--     [--since 2025-01-01] [--until 2025-12-31] [--format html|csv|md|json] -o out/
--
-- One row per fact (roles, titles, quotes and "based in" are not events),
-- in date order, with its document and sentence; facts without a date come last.
local report = require "entente.report"

local a = report.start(arg, {
  name = "timeline",
  description = "Facts over time, each with its document and evidence sentence.",
  formats = { "html", "csv", "md", "json" },
  options = function(p)
    p:option("--country", "Only facts involving this country (code or name).")
    p:option("--sector", "Only facts in this sector (naval, air, land ...).")
    p:option("--type", "Only these relation types, comma-separated (VISIT,AGREEMENT).")
    p:option("--since", "Only facts on or after this ISO date.")
    p:option("--until", "Only facts on or before this ISO date.")
  end,
})
if not a then return 0 end

local NOT_EVENTS = { HOLDS_ROLE = true, BASED_IN = true, QUOTE = true }
local X = a.country and report.resolve_country(a.country)
local types
if a.type then
  types = {}
  for t in a.type:gmatch("[^,%s]+") do types[t:upper()] = true end
end
local params = { country = X, sector = a.sector, type = a.type and table.concat(report.sorted(types), ","),
                 since = a.since, ["until"] = a["until"] }
local rep = report.new { name = "timeline",
  title = "Timeline" .. (X and (": " .. report.country_name(X)) or ""),
  params = params, generated = a.generated }

local rows = {}
for _, r in ipairs(report.load()) do
  local _, set = report.countries(r)
  local ok = not NOT_EVENTS[r.type] and (not types or types[r.type]) and (not X or set[X])
  if ok and a.sector then
    ok = false
    for _, s in ipairs(report.sectors(r)) do if s:lower() == a.sector:lower() then ok = true end end
  end
  if ok and a.since then ok = r.date and r.date >= a.since end
  if ok and a["until"] then ok = r.date and r.date:sub(1, #a["until"]) <= a["until"] end
  if ok then
    rows[#rows + 1] = { id = r.id, date = r.date, type = r.type, fact = report.summary(r), stage = r.stage,
      sectors = report.sectors(r), countries = report.countries(r), document = r.doc.name,
      source = r.doc.source, sentence = r.sentence, evidence = { rep:cite(r) } }
  end
end
table.sort(rows, function(p, q)
  local dp, dq = p.date or "~", q.date or "~"
  if dp ~= dq then return dp < dq end
  return p.id < q.id
end)
local cols = { { key = "date", label = "Date" }, { key = "type", label = "Type" },
  { key = "fact", label = "Fact" },
  { key = "stage", label = "Stage", kind = "stage" }, { key = "sectors", label = "Sectors" },
  { key = "countries", label = "Countries" }, { key = "source", label = "Source" } }
if a.format == "csv" or a.format == "json" then
  cols[#cols + 1] = { key = "document", label = "Document" }
  cols[#cols + 1] = { key = "sentence", label = "Sentence" }
end
rep:section { id = "events", title = "Events", rows = rows, columns = cols }
return rep:save(a, io.open)
