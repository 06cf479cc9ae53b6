--- sectors: how far cooperation has gone in each sector (the worked example
-- of docs/REPORTS.md).
--
-- entente run scripts/reports/sectors.lua [--country MYS] [--evidence 3] [--format html|md|csv|json] -o out/
local report = require "entente.report"

local a = report.start(arg, {
  name = "sectors",
  description = "Facts per sector: how many, between whom, and the furthest stage reached.",
  formats = { "html", "md", "csv", "json" },
  evidence = true,
  options = function(p) p:option("--country", "Only facts involving this country.") end,
})
if not a then return 0 end

local X = a.country and report.resolve_country(a.country)
local rep = report.new { name = "sectors", title = "Cooperation by sector",
                         params = { country = X }, generated = a.generated }

-- Facts per sector they name, counted in the store (report.tally_by), with
-- the countries of each fact ("ITA–MYS") as labels.
local rows = {}
for _, s in ipairs(report.tally_by("s.value", { involving = X, sql = report.HAS_SECTORS_SQL },
  { join = report.SECTORS_SQL .. " AS s", label = report.COUNTRIES_SQL, evidence = a.evidence })) do
  local ev, more = rep:cite_pick(s.pick, s.facts)
  rows[#rows + 1] = { sector = tostring(s.key), facts = s.facts, stage = s.stage, between = s.labels,
                      evidence = ev, evidence_more = more }
end
rep:section { id = "sectors", title = "Sectors", rows = rows, columns = {
  { key = "sector", label = "Sector" }, { key = "facts", label = "Facts", kind = "n" },
  { key = "stage", label = "Furthest stage", kind = "stage" }, { key = "between", label = "Between" } } }
return rep:save(a, io.open)
