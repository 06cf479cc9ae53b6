--- events: dyadic event records, as event datasets (CAMEO) code them.
--
-- entente run scripts/reports/events.lua [--since DATE] [--until DATE] [--limit 5000]
--     [--format tsv|json|csv] -o out/
--
-- One record per source actor, target actor and fact: date, source, CAMEO
-- code, target, sector, stage, document, sentence. Reciprocal facts are
-- coded twice, once from each side, as CAMEO does: cooperation, agreements,
-- meetings and joint work give A→B and B→A with the same code; a visit
-- gives visitor→host 042 and host→visitor 043. Directed facts (procurement,
-- technology transfer) are coded once. Actors are countries when a fact
-- names them, else people and organisations (with their country). Records
-- are written as the facts are read, the first --limit of them (0: all).
local report = require "entente.report"
local csv = require "entente.csv"
local json = require "entente.json"

local a = report.start(arg, {
  name = "events",
  description = "Dyadic event records (date, source, CAMEO code, target, sector, stage, "
    .. "document, sentence), reciprocal events coded twice.",
  formats = { "tsv", "json", "csv" },
  options = function(p)
    p:option("--since", "Only facts on or after this ISO date.")
    p:option("--until", "Only facts on or before this ISO date.")
    p:option("--limit", "At most this many records, the first in date order (0: all).",
      tostring(report.LIMIT)):convert(math.tointeger)
  end,
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

-- The records of one fact, sorted by source and target.
local function records(r)
  local rows = {}
  local function add(src, tgt, code)
    if not src.key or not tgt.key or src.key == tgt.key then return end
    rows[#rows + 1] = { date = r.date, source = src.key, source_name = src.name,
      source_country = src.type == "COUNTRY" and src.key or src.country, cameo = code,
      target = tgt.key, target_name = tgt.name,
      target_country = tgt.type == "COUNTRY" and tgt.key or tgt.country,
      type = r.type, sector = table.concat(report.sectors(r), ";"), stage = r.stage, relation = "r" .. r.id,
      document = r.doc.name, source_name_doc = r.doc.source, sentence = r.sentence }
  end
  local d = DYADS[r.type]
  local code = r.cameo or BY_STAGE[r.stage] or DEFAULT[r.type]
  local S, T = r.args[d[1]] or {}, r.args[d[2]] or {}
  if d[1] == d[2] then
    for i = 1, #S do
      for j = 1, #S do if i ~= j then add(S[i], S[j], code) end end
    end
  else
    for _, s in ipairs(S) do
      for _, t in ipairs(T) do
        add(s, t, code)
        if r.type == "VISIT" then add(t, s, "043")
        elseif d[3] then add(t, s, code) end
      end
    end
  end
  table.sort(rows, function(p, q)
    if p.source ~= q.source then return p.source < q.source end
    return p.target < q.target
  end)
  return rows
end

-- Facts in date order (then by id), each giving its records: the order of
-- the output, written as the facts are read, up to --limit records.
local cols = { "date", "source", "source_name", "source_country", "cameo", "target", "target_name",
  "target_country", "type", "sector", "stage", "relation", "document", "sentence" }
local function content(write)
  local n, limit, cut = 0, a.limit or 0, false
  local first = true
  if a.format == "csv" then write(csv.row(cols)) elseif a.format == "tsv" then write(csv.tsv_row(cols)) end
  local facts = { types = DYADS, since = a.since, ["until"] = a["until"] }
  for r in report.each(facts, { order = report.DATE_ORDER }) do
    for _, rec in ipairs(records(r)) do
      if limit > 0 and n >= limit then cut = true; break end
      n = n + 1
      if a.format == "json" then
        local o = {}
        for _, c in ipairs(cols) do o[c] = rec[c] == nil and json.null or rec[c] end
        write((first and "[\n  " or ",\n  ") .. json.encode(o, { indent = "  ", depth = 1 }))
        first = false
      elseif a.format == "csv" then
        write(csv.row(cols, rec))
      else
        write(csv.tsv_row(cols, rec))
      end
    end
    if cut then break end
  end
  if a.format == "json" then write(first and "[]\n" or "\n]\n") end
  if cut then
    io.stderr:write(string.format("events: stopped at %s records (--limit %d); narrow with --since "
      .. "and --until, or give --limit 0 for all\n", report.thousands(n), limit))
  end
end
return report.save(a, { { name = "events." .. a.format, content = content } }, io.open)
