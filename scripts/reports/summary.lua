-- summary.lua: a terminal summary of what the store holds: the top
-- cooperating pairs with their sectors and furthest stage, the most active
-- people and companies, and the counts. `make run` prints it.
-- Usage: entente run scripts/reports/summary.lua [--top N] [--busiest]
local en = require "entente"
local fmt = require "entente.fmt"

local top = 10
local busiest_only = false
for i = 1, #arg do
  if arg[i] == "--top" then top = math.tointeger(tonumber(arg[i + 1])) or top end
  if arg[i] == "--busiest" then busiest_only = true end
end

local STAGES = { "intent", "talks", "framework", "contract", "delivery" }

-- cooperation pairs (the a and b arguments of COOPERATION facts that are
-- neither denied nor hypothetical): facts, sources, furthest stage, and
-- the attributes text from their sectors list on; counted in the store (tally, see
-- docs/SCHEMA.md), one row per pair. (Relations are read in id order, and
-- the JSON of the modality only when the text may hold one that counts.)
local SECTORS = [[CASE WHEN instr(r.attrs, '"sectors":[') > 0
  THEN substr(r.attrs, instr(r.attrs, '"sectors":[')) END]]
local res = en.sql([[
  SELECT tally(min(a.key, b.key) || '|' || max(a.key, b.key), r.doc_id,
               CASE r.stage WHEN 'intent' THEN 1 WHEN 'talks' THEN 2 WHEN 'framework' THEN 3
                 WHEN 'contract' THEN 4 WHEN 'delivery' THEN 5 END,
               ]] .. SECTORS .. [[, 1, r.score, NULL, r.id) AS t
    FROM relations r
    JOIN relation_args a ON a.relation_id = r.id AND a.role = 'a'
    JOIN relation_args b ON b.relation_id = r.id AND b.role = 'b'
   WHERE +r.type = 'COOPERATION' AND a.key <> b.key
     AND (instr(r.attrs, 'denied') = 0 AND instr(r.attrs, 'hypothetical') = 0
          OR coalesce(CASE WHEN json_valid(r.attrs) THEN json_extract(r.attrs, '$.modality') END,
                      'asserted') NOT IN ('denied', 'hypothetical'))]])[1].t
local order = {}
for _, g in ipairs(require("entente.report").decode_json(res)) do
  local x, y = g.key:match("^(.-)|(.*)$")
  local p = { pair = x .. "–" .. y, a = x, b = y, n = g.facts, ndocs = g.sources,
              stage = STAGES[g.stage], sectors = {} }
  for _, l in ipairs(g.labels) do
    local list = l:match('^"sectors":%[([^%]]*)%]')
    for sec in (list or ""):gmatch('"([^"]+)"') do p.sectors[sec] = true end
  end
  order[#order + 1] = p
end
table.sort(order, function(p, q)
  if p.ndocs ~= q.ndocs then return p.ndocs > q.ndocs end
  if p.n ~= q.n then return p.n > q.n end
  return p.pair < q.pair
end)

if busiest_only then
  -- the country with the most cooperation evidence (ties: alphabetical)
  local count = {}
  for _, p in ipairs(order) do
    count[p.a] = (count[p.a] or 0) + p.n
    count[p.b] = (count[p.b] or 0) + p.n
  end
  local best, bn = nil, -1
  for k, c in pairs(count) do
    if c > bn or (c == bn and k < best) then best, bn = k, c end
  end
  print(best or "")
  return 0
end

local rows = {}
for i = 1, math.min(top, #order) do
  local p = order[i]
  local secs = {}
  for s in pairs(p.sectors) do secs[#secs + 1] = s end
  table.sort(secs)
  rows[i] = { pair = p.pair, stage = p.stage or "-", sources = p.ndocs, facts = p.n,
    sectors = table.concat(secs, ", ") }
end
print("Top cooperating pairs")
print(fmt.table(rows, { "pair", "stage", "sources", "facts", "sectors" }, { max = 50 }))

local people = en.sql([[
  SELECT coalesce(e.name, m.text) AS person,
         coalesce(json_extract(m.attrs, '$.title'), '') AS title,
         coalesce(json_extract(m.attrs, '$.country'), '') AS country,
         count(DISTINCT m.doc_id) AS documents, count(*) AS mentions
    FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id
   WHERE m.type = 'PERSON'
   GROUP BY m.key ORDER BY documents DESC, mentions DESC, person LIMIT ?]], top)
print("\nMost active people")
print(fmt.table(people, { "person", "title", "country", "documents", "mentions" }, { max = 40 }))

local orgs = en.sql([[
  SELECT coalesce(e.name, m.text) AS company,
         coalesce(json_extract(m.attrs, '$.country'), '') AS country,
         count(DISTINCT m.doc_id) AS documents, count(*) AS mentions
    FROM mentions m LEFT JOIN entities e ON e.id = m.entity_id
   WHERE m.type = 'ORG' AND json_extract(m.attrs, '$.kind') = 'company'
   GROUP BY m.key ORDER BY documents DESC, mentions DESC, company LIMIT ?]], top)
print("\nMost active companies")
print(fmt.table(orgs, { "company", "country", "documents", "mentions" }, { max = 40 }))

local counts = en.sql([[SELECT
  (SELECT count(*) FROM documents) AS documents,
  (SELECT count(*) FROM mentions) AS mentions,
  (SELECT count(*) FROM relations) AS relations,
  (SELECT count(DISTINCT key) FROM mentions WHERE type = 'COUNTRY') AS countries,
  (SELECT count(DISTINCT key) FROM mentions WHERE type = 'PERSON') AS people,
  (SELECT count(DISTINCT key) FROM mentions WHERE type = 'ORG') AS organisations,
  (SELECT count(*) FROM threads) AS threads]])[1]
print(string.format("\n%d documents, %d mentions, %d relations: %d countries, %d people, " ..
  "%d organisations, %d cooperation threads", counts.documents, counts.mentions, counts.relations,
  counts.countries, counts.people, counts.organisations, counts.threads))
return 0
