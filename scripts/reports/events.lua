--- events: dyadic event records, as event datasets (CAMEO) code them.
--
-- entente run scripts/reports/events.lua [--format tsv|json|csv] -o out/
--
-- One record per source actor, target actor and fact: date, source, CAMEO
-- code, target, sector, stage, document, sentence. Reciprocal facts are
-- coded twice, once from each side, as CAMEO does: cooperation, agreements,
-- meetings and joint work give A→B and B→A with the same code; a visit
-- gives visitor→host 042 and host→visitor 043. Directed facts (procurement,
-- technology transfer) are coded once. Actors are countries when a fact
-- names them, else people and organisations (with their country).
local report = require "entente.report"
local csv = require "entente.csv"
local json = require "entente.json"

local a = report.start(arg, {
  name = "events",
  description = "Dyadic event records (date, source, CAMEO code, target, sector, stage, "
    .. "document, sentence), reciprocal events coded twice.",
  formats = { "tsv", "json", "csv" },
})
if not a then return 0 end

-- A code from the stage when the fact has none (MODEL.md's conventions).
local BY_STAGE = { intent = "0312", talks = "046", framework = "057", contract = "057", delivery = "062" }
local DEFAULT = { MEETING = "040", VISIT = "042", TRADE = "061" }
-- role pairs: {source role, target role, reciprocal}
local DYADS = {
  COOPERATION = { "a", "b", true }, CO_PRODUCTION = { "a", "b", true }, MRO = { "a", "b", true },
  TRAINING = { "a", "b", true }, TRADE = { "a", "b", true }, AGREEMENT = { "parties", "parties", true },
  MEETING = { "participants", "participants", true }, VISIT = { "visitor", "host", false },
  PROCUREMENT = { "buyer", "supplier", false }, TECH_TRANSFER = { "from", "to", false },
}

local rows = {}
local function add(r, src, tgt, code)
  if not src.key or not tgt.key or src.key == tgt.key then return end
  rows[#rows + 1] = { date = r.date, source = src.key, source_name = src.name,
    source_country = src.type == "COUNTRY" and src.key or src.country, cameo = code,
    target = tgt.key, target_name = tgt.name,
    target_country = tgt.type == "COUNTRY" and tgt.key or tgt.country,
    type = r.type, sector = table.concat(report.sectors(r), ";"), stage = r.stage, relation = "r" .. r.id,
    document = r.doc.name, source_name_doc = r.doc.source, sentence = r.sentence }
end
for _, r in ipairs(report.load()) do
  local d = DYADS[r.type]
  if d then
    local code = r.cameo or BY_STAGE[r.stage] or DEFAULT[r.type]
    local S, T = r.args[d[1]] or {}, r.args[d[2]] or {}
    if d[1] == d[2] then
      for i = 1, #S do
        for j = 1, #S do if i ~= j then add(r, S[i], S[j], code) end end
      end
    else
      for _, s in ipairs(S) do
        for _, t in ipairs(T) do
          add(r, s, t, code)
          if r.type == "VISIT" then add(r, t, s, "043")
          elseif d[3] then add(r, t, s, code) end
        end
      end
    end
  end
end
table.sort(rows, function(p, q)
  local dp, dq = p.date or "~", q.date or "~"
  if dp ~= dq then return dp < dq end
  if p.relation ~= q.relation then return tonumber(p.relation:sub(2)) < tonumber(q.relation:sub(2)) end
  if p.source ~= q.source then return p.source < q.source end
  return p.target < q.target
end)

local cols = { "date", "source", "source_name", "source_country", "cameo", "target", "target_name",
  "target_country", "type", "sector", "stage", "relation", "document", "sentence" }
local content
if a.format == "json" then
  local list = json.array({})
  for _, r in ipairs(rows) do
    local o = {}
    for _, c in ipairs(cols) do o[c] = r[c] == nil and json.null or r[c] end
    list[#list + 1] = o
  end
  content = json.encode(list, { indent = "  " }) .. "\n"
elseif a.format == "csv" then
  content = csv.encode(cols, rows)
else
  content = csv.tsv(cols, rows)
end
return report.save(a, { { name = "events." .. a.format, content = content } }, io.open)
