--- timeline: dated facts over time, filtered by country, sector and type.
--
-- entente run scripts/reports/timeline.lua [--country MYS] [--sector naval] [--type VISIT,MEETING]
--     [--since 2025-01-01] [--until 2025-12-31] [--limit 10000] [--format html|csv|md|json] -o out/
--
-- One row per fact (roles, titles, quotes and "based in" are not events),
-- in date order, with its document and sentence; facts without a date come
-- last. The store selects and orders the facts and the rows are written as
-- they are read, the first --limit of them (0: all).
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
    p:option("--limit", "At most this many rows, the first in date order (0: all).",
      tostring(report.LIMIT)):convert(math.tointeger)
  end,
})
if not a then return 0 end

local NOT_EVENTS = { "BASED_IN", "HOLDS_ROLE", "QUOTE" }
local X = a.country and report.resolve_country(a.country)
local types
if a.type then
  types = {}
  for t in a.type:gmatch("[^,%s]+") do types[t:upper()] = true end
end
local params = { country = X, sector = a.sector,
                 type = a.type and table.concat(report.sorted(types), ",") or nil,
                 since = a.since, ["until"] = a["until"] }
local rep = report.new { name = "timeline",
  title = "Timeline" .. (X and (": " .. report.country_name(X)) or ""),
  params = params, generated = a.generated }

local cols = { { key = "date", label = "Date" }, { key = "type", label = "Type" },
  { key = "fact", label = "Fact" },
  { key = "stage", label = "Stage", kind = "stage" }, { key = "sectors", label = "Sectors" },
  { key = "countries", label = "Countries" }, { key = "source", label = "Source" } }
if a.format == "csv" or a.format == "json" then
  cols[#cols + 1] = { key = "document", label = "Document" }
  cols[#cols + 1] = { key = "sentence", label = "Sentence" }
end
local s = rep:section { id = "events", title = "Events", columns = cols,
  facts = { not_types = NOT_EVENTS, types = types, involving = X, sector = a.sector, since = a.since,
            ["until"] = a["until"] },
  order = report.DATE_ORDER, limit = a.limit,
  row = function(r)
    return { id = r.id, date = r.date, type = r.type, fact = report.summary(r), stage = r.stage,
      sectors = report.sectors(r), countries = report.countries(r), document = r.doc.name,
      source = r.doc.source, sentence = r.sentence }
  end }
if report.cut_note(s) then params.limit = a.limit end
return rep:save(a, io.open)
