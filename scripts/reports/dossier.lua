--- dossier: everything the store holds about one country.
--
-- entente run scripts/reports/dossier.lua --country MYS [--evidence 3] [--format html|md|csv|json] -o out/
--
-- Partners (sectors, furthest stage, first and last dates, sources), its
-- agreements, procurement, technology transfer and industrial work, a
-- timeline of visits and meetings, its people with their roles and
-- organisations, key quotes, and an evidence appendix behind every row.
-- The store does the counting (report.groups, SQL over relation_countries);
-- a fact reported by many documents is one row that cites the best few.
local en = require "entente"
local json = require "entente.json"
local report = require "entente.report"

local a = report.start(arg, {
  name = "dossier",
  description = "A country dossier: partners, agreements, procurement, technology transfer, "
    .. "visits and meetings, people and quotes, each row linked to its evidence.",
  formats = { "html", "md", "csv", "json" },
  evidence = true,
  options = function(p)
    p:option("--country", "The country: an alpha-3 code (MYS) or a name (Malaysia)."):count(1)
  end,
})
if not a then return 0 end

local X = report.resolve_country(a.country)
local name = report.country_name(X)
local rep = report.new {
  name = "dossier-" .. X, title = "Country dossier: " .. name .. " (" .. X .. ")",
  params = { country = X }, generated = a.generated,
}

-- Partners: every other country of a cooperation-type relation of X.
local coop = report.sorted(report.COOPERATION_TYPES)
local marks = ("?"):rep(#coop, ", ")
local PARTNERS = [[
  FROM relation_countries x
  JOIN relation_countries c ON c.relation_id = x.relation_id AND c.country <> x.country
  JOIN relations r ON r.id = x.relation_id JOIN documents d ON d.id = r.doc_id
 WHERE x.country = ? AND r.type IN (]] .. marks .. ")"
local sectors = {}
for s in en.rows("SELECT DISTINCT c.country AS code, s.value AS sector" .. PARTNERS:gsub("\n WHERE",
  ", " .. report.SECTORS_SQL .. " AS s\n WHERE") .. " AND " .. report.HAS_SECTORS_SQL, X,
  table.unpack(coop)) do
  sectors[s.code] = sectors[s.code] or {}
  sectors[s.code][tostring(s.sector)] = true
end
local prow = {}
for _, p in ipairs(report.tally("SELECT " .. report.tally_sql("c.country", "NULL", a.evidence) .. PARTNERS,
  X, table.unpack(coop))) do
  local ev, more = rep:cite_pick(p.pick, p.facts)
  prow[#prow + 1] = { partner = report.country_name(p.key), code = p.key,
    sectors = report.sorted(sectors[p.key] or {}), stage = p.stage, facts = p.facts, sources = p.sources,
    first = p.since, last = p["until"], evidence = ev, evidence_more = more }
end
table.sort(prow, function(p, q)
  local sp, sq = report.stage_rank(p.stage), report.stage_rank(q.stage)
  if sp ~= sq then return sp > sq end
  if p.sources ~= q.sources then return p.sources > q.sources end
  return p.code < q.code
end)
rep:section { id = "partners", title = "Partners", rows = prow,
  intro = "Countries " .. name .. " cooperates with, furthest stage first.",
  columns = { { key = "partner", label = "Partner" }, { key = "code", label = "Code" },
    { key = "sectors", label = "Sectors" }, { key = "stage", label = "Furthest stage", kind = "stage" },
    { key = "facts", label = "Facts", kind = "n" }, { key = "sources", label = "Sources", kind = "n" },
    { key = "first", label = "First" }, { key = "last", label = "Last" } } }

-- Groups of facts (report.groups) in date order, then by their first fact.
local function by_date(list)
  table.sort(list, function(p, q)
    local dp, dq = p.rel.date or "~", q.rel.date or "~"
    if dp ~= dq then return dp < dq end
    return p.id < q.id
  end)
  return list
end

-- One section per kind of fact that involves X: rows made by `row(r)`.
local function facts(id, title, types, columns, row)
  local rows = {}
  for _, g in ipairs(by_date(report.groups({ involving = X, types = types }, { evidence = a.evidence }))) do
    local o = row(g.rel)
    o.date = g.rel.date
    o.evidence, o.evidence_more = rep:cite_pick(g.pick, g.facts)
    rows[#rows + 1] = o
  end
  table.insert(columns, 1, { key = "date", label = "Date" })
  rep:section { id = id, title = title, columns = columns, rows = rows }
end

local STAGE = { key = "stage", label = "Stage", kind = "stage" }
facts("agreements", "Agreements", { "AGREEMENT" },
  { { key = "kind", label = "Kind" }, { key = "parties", label = "Parties" },
    { key = "subject", label = "Subject" }, STAGE },
  function(r)
    return { kind = r.attrs.kind, parties = report.names(r, "parties"), subject = r.attrs.subject,
             stage = r.stage }
  end)
facts("procurement", "Procurement", { "PROCUREMENT" },
  { { key = "buyer", label = "Buyer" }, { key = "supplier", label = "Supplier" },
    { key = "company", label = "Company" }, { key = "item", label = "Item" },
    { key = "quantity", label = "Quantity", kind = "n" }, { key = "value", label = "Value" }, STAGE },
  function(r)
    return { buyer = report.names(r, "buyer"), supplier = report.names(r, "supplier"),
             company = report.names(r, "supplier_org"), item = r.attrs.item,
             quantity = report.num(r.attrs.quantity), value = report.money(r.attrs.value, r.attrs.currency),
             stage = r.stage }
  end)
facts("industry", "Technology transfer and industrial cooperation",
  { "TECH_TRANSFER", "CO_PRODUCTION", "MRO", "TRAINING" },
  { { key = "type", label = "Type" }, { key = "from", label = "From / with" },
    { key = "to", label = "To / with" }, { key = "item", label = "Item" }, STAGE },
  function(r)
    local tt = r.type == "TECH_TRANSFER"
    return { type = report.TYPE_LABEL[r.type], from = report.names(r, tt and "from" or "a"),
             to = report.names(r, tt and "to" or "b"), item = r.attrs.item, stage = r.stage }
  end)
facts("timeline", "Visits and meetings", { "VISIT", "MEETING" },
  { { key = "type", label = "Type" }, { key = "who", label = "Who" },
    { key = "where", label = "Where / host" }, { key = "cameo", label = "CAMEO" } },
  function(r)
    local visit = r.type == "VISIT"
    local place = r.attrs.place and report.country_name(r.attrs.place)
    return { type = report.TYPE_LABEL[r.type], who = report.names(r, visit and "visitor" or "participants"),
             where = visit and report.names(r, "host") or place, cameo = r.cameo }
  end)

-- People: persons of X (by the country of their mentions), and the roles
-- (HOLDS_ROLE) of those persons or of anyone in a role that involves X.
local people = {}
local function person(key, nm)
  local p = people[key] or { name = nm, titles = {}, orgs = {} }
  people[key] = p
  return p
end
local OF_X = "m.type = 'PERSON' AND m.key IS NOT NULL AND " .. report.MENTION_COUNTRY_SQL .. " = ?"
local firsts, keys = {}, {}
for m in en.rows("SELECT m.key, min(m.id) AS id FROM mentions m WHERE " .. OF_X .. " GROUP BY m.key", X) do
  firsts[m.id], keys[#keys + 1] = m.key, m.key
end
for m in en.rows("SELECT id, key, text, attrs FROM mentions WHERE id IN (SELECT value FROM json_each(?))",
  report.id_list(report.sorted(firsts))) do
  person(m.key, report.decode_json(m.attrs).name or m.text)
end
for m in en.rows("SELECT DISTINCT m.key, CASE WHEN json_valid(m.attrs) THEN json_extract(m.attrs, "
  .. "'$.title') END AS title FROM mentions m WHERE " .. OF_X, X) do
  if m.title ~= nil then people[m.key].titles[tostring(m.title)] = true end
end
local ROLES = { types = { "HOLDS_ROLE" }, sql = "r.id IN (SELECT relation_id FROM relation_countries "
  .. "WHERE country = ?) OR EXISTS (SELECT 1 FROM relation_args pa WHERE pa.relation_id = r.id AND "
  .. "pa.role = 'person' AND pa.key IN (SELECT value FROM json_each(?)))",
  sql_params = { X, json.encode(json.array(keys)) } }
for _, g in ipairs(report.groups(ROLES, { evidence = 0 })) do
  local r = g.rel
  local who, org = report.arg(r, "person"), report.arg(r, "org")
  if who and who.key then
    local p = person(who.key, who.name)
    if r.attrs.title then p.titles[r.attrs.title] = true end
    if org then p.orgs[org.name] = true end
  end
end
-- sources and evidence of each person: the first mention in each document, and the roles
local w, wp = report.where(ROLES)
for e in en.rows(([[
WITH ev AS (
  SELECT m.key, m.doc_id, min(m.id) AS id, 'm' AS tag FROM mentions m WHERE %s GROUP BY m.key, m.doc_id
  UNION ALL
  SELECT (SELECT pa.key FROM relation_args pa WHERE pa.relation_id = r.id AND pa.role = 'person'
           ORDER BY pa.ord LIMIT 1), r.doc_id, r.id, 'r'
    FROM relations r JOIN documents d ON d.id = r.doc_id WHERE %s)
SELECT ev.key, count(*) AS n, count(DISTINCT ev.doc_id) AS sources,
       pick(%d, coalesce(m.score, r.score), coalesce(d.source, d.id), ev.id, ev.tag) AS pick
  FROM ev JOIN documents d ON d.id = ev.doc_id
  LEFT JOIN mentions m ON ev.tag = 'm' AND m.id = ev.id
  LEFT JOIN relations r ON ev.tag = 'r' AND r.id = ev.id
 WHERE ev.key IS NOT NULL GROUP BY ev.key]]):format(OF_X, w, a.evidence), X, table.unpack(wp)) do
  local p = people[e.key]
  if p then p.n, p.sources, p.pick = e.n, e.sources, e.pick end
end
local rows = {}
for _, k in ipairs(report.sorted(people)) do
  local p = people[k]
  local ev, more = rep:cite_pick(p.pick, p.n)
  rows[#rows + 1] = { name = p.name, roles = report.sorted(p.titles), orgs = report.sorted(p.orgs),
                      sources = p.sources or 0, evidence = ev, evidence_more = more }
end
rep:section { id = "people", title = "People", rows = rows,
  columns = { { key = "name", label = "Name" }, { key = "roles", label = "Roles" },
    { key = "orgs", label = "Organisations" }, { key = "sources", label = "Sources", kind = "n" } } }

-- Key quotes: what people and organisations of X said, by date.
rows = {}
local quotes = report.groups({ involving = X, types = { "QUOTE" } }, { evidence = a.evidence })
for _, g in ipairs(by_date(quotes)) do
  local r = g.rel
  local ev, more = rep:cite_pick(g.pick, g.facts)
  rows[#rows + 1] = { date = r.date, speaker = report.names(r, "speaker"),
                      quote = r.attrs.text or r.sentence, evidence = ev, evidence_more = more }
end
rep:section { id = "quotes", title = "Key quotes", rows = rows,
  columns = { { key = "date", label = "Date" }, { key = "speaker", label = "Speaker" },
    { key = "quote", label = "Quote" } } }

return rep:save(a, io.open)
