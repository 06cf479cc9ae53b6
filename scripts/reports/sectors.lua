--- sectors: how far cooperation has gone in each sector (the worked example
-- of docs/REPORTS.md).
--
-- entente run scripts/reports/sectors.lua [--country MYS] [--format html|md|csv|json] -o out/
local report = require "entente.report"

local a = report.start(arg, {
  name = "sectors",
  description = "Facts per sector: how many, between whom, and the furthest stage reached.",
  formats = { "html", "md", "csv", "json" },
  options = function(p) p:option("--country", "Only facts involving this country.") end,
})
if not a then return 0 end -- --help was printed

local X = a.country and report.resolve_country(a.country)
local rep = report.new { name = "sectors", title = "Cooperation by sector",
                         params = { country = X }, generated = a.generated }

local by = {}
for _, r in ipairs(report.load()) do
  local countries, involved = report.countries(r)
  if not X or involved[X] then
    for _, s in ipairs(report.sectors(r)) do
      local row = by[s] or { sector = s, facts = {}, pairs = {} }
      by[s] = row
      row.facts[#row.facts + 1] = r
      row.stage = report.furthest(row.stage, r.stage)
      row.pairs[table.concat(countries, "–")] = true
    end
  end
end

local rows = {}
for _, s in ipairs(report.sorted(by)) do
  local row = by[s]
  rows[#rows + 1] = { sector = s, facts = #row.facts, stage = row.stage,
                      between = report.sorted(row.pairs), evidence = rep:cite_all(row.facts) }
end
rep:section { id = "sectors", title = "Sectors", rows = rows, columns = {
  { key = "sector", label = "Sector" }, { key = "facts", label = "Facts", kind = "n" },
  { key = "stage", label = "Furthest stage", kind = "stage" }, { key = "between", label = "Between" } } }
return rep:save(a, io.open)
