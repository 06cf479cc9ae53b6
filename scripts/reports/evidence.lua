--- evidence: an audit list of every relation in the store.
--
-- entente run scripts/reports/evidence.lua [--type AGREEMENT] [--min-score 0.5]
--     [--since 2025-01-01] [--until 2025-12-31] [--limit 10000] [--format csv|html|md|json] -o out/
--
-- One row per relation, in id order: what it says, its stage and CAMEO
-- code, the sentence, the rule (file and line) and score, and the document.
-- Rows are written as the store yields them, the first --limit (0: all).
local report = require "entente.report"

local a = report.start(arg, {
  name = "evidence",
  description = "Every relation with its sentence, rule, score and document, for auditing.",
  formats = { "csv", "html", "md", "json" },
  options = function(p)
    p:option("--type", "Only these relation types, comma-separated.")
    p:option("--min-score", "Only relations scored at least this.", "0"):convert(tonumber)
    p:option("--since", "Only relations dated on or after this ISO date (their own date, else "
      .. "their document's).")
    p:option("--until", "Only relations dated on or before this ISO date.")
    p:option("--limit", "At most this many rows, the first by id (0: all).",
      tostring(report.LIMIT)):convert(math.tointeger)
  end,
})
if not a then return 0 end

local types
if a.type then
  types = {}
  for t in a.type:gmatch("[^,%s]+") do types[t:upper()] = true end
end
local params = { type = types and table.concat(report.sorted(types), ",") or nil,
                 min_score = a.min_score ~= 0 and a.min_score or nil,
                 since = a.since, ["until"] = a["until"] }
local rep = report.new { name = "evidence", title = "Evidence audit", params = params,
                         generated = a.generated }
local s = rep:section { id = "relations", title = "Relations",
  columns = { { key = "relation", label = "Id" }, { key = "type", label = "Type" },
    { key = "fact", label = "Fact" }, { key = "stage", label = "Stage", kind = "stage" },
    { key = "cameo", label = "CAMEO" }, { key = "date", label = "Date" },
    { key = "sentence", label = "Sentence" }, { key = "rule", label = "Rule" },
    { key = "where", label = "Rule file" }, { key = "score", label = "Score", kind = "n" },
    { key = "document", label = "Document" }, { key = "title", label = "Title" },
    { key = "source", label = "Source" }, { key = "doc_date", label = "Published" } },
  facts = { types = types, min_score = a.min_score ~= 0 and a.min_score or nil, since = a.since,
            ["until"] = a["until"] },
  order = "r.id", limit = a.limit,
  row = function(r)
    return { relation = "r" .. r.id, type = r.type, fact = report.summary(r), stage = r.stage,
      cameo = r.cameo, date = r.date, sentence = r.sentence, rule = r.rule,
      where = (r.rule_file or "?") .. ":" .. report.cell_text(r.rule_line), score = r.score,
      document = r.doc.name, title = r.doc.title, source = r.doc.source, doc_date = r.doc.date }
  end }
if report.cut_note(s) then params.limit = a.limit end
return rep:save(a, io.open)
