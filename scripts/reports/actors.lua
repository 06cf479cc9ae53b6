--- actors: people and organisations, ranked by activity.
--
-- entente run scripts/reports/actors.lua [--country MYS] [--limit 50] [--evidence 3]
--     [--format html|md|csv|json] -o out/
--
-- People with their titles, countries and organisations; organisations with
-- their kinds and countries. Activity = facts the actor takes part in
-- (as an argument of a relation) + documents that mention it; ties by name.
-- The store counts every actor; only the ones shown are read in full.
local en = require "entente"
local json = require "entente.json"
local report = require "entente.report"

local a = report.start(arg, {
  name = "actors",
  description = "People (roles, countries, organisations) and organisations (kinds, countries), "
    .. "ranked by activity: facts they take part in plus documents that mention them.",
  formats = { "html", "md", "csv", "json" },
  evidence = true,
  options = function(p)
    p:option("--country", "Only actors of this country (code or name).")
    p:option("--limit", "At most this many of each.", "100"):convert(math.tointeger)
  end,
})
if not a then return 0 end

local X = a.country and report.resolve_country(a.country)
local rep = report.new { name = "actors", title = "Actors" .. (X and (": " .. report.country_name(X)) or ""),
  params = { country = X, limit = a.limit }, generated = a.generated }

-- Every actor with its counts: documents that mention it (mentions with a
-- key) and facts it takes part in (arguments whose entity is a person or
-- an organisation).
local actors = { PERSON = {}, ORG = {} }
local function actor(t, key)
  local x = actors[t][key] or { type = t, key = key, docs = 0, facts = 0 }
  actors[t][key] = x
  return x
end
-- (tally, docs/SCHEMA.md: one pass over the mentions index, one over the
-- arguments; the second also picks each actor's evidence among its facts)
local function split(k) return k:match("^(.-)\31(.*)$") end
for _, m in ipairs(report.tally("SELECT tally(type || char(31) || key, doc_id, NULL, NULL, 0, NULL, NULL, "
  .. "NULL) FROM mentions WHERE type IN ('PERSON', 'ORG') AND key IS NOT NULL")) do
  local t, k = split(m.key)
  actor(t, k).docs = m.sources
end
for _, f in ipairs(report.tally("WITH f AS (SELECT DISTINCT ra.entity_id, ra.relation_id "
  .. "FROM relation_args ra WHERE ra.entity_id IN (SELECT id FROM entities "
  .. "WHERE type IN ('PERSON', 'ORG'))) SELECT "
  .. report.tally_sql("e.type || char(31) || e.key", "NULL", a.evidence, nil, "NULL")
  .. " FROM f JOIN entities e ON e.id = f.entity_id JOIN relations r ON r.id = f.relation_id "
  .. "JOIN documents d ON d.id = r.doc_id")) do
  local t, k = split(f.key)
  local x = actor(t, k)
  x.facts, x.fact_pick = f.facts, f.pick
end

-- With --country: actors whose mentions, or whose arguments, give that country.
local of_x
if X then
  of_x = { PERSON = {}, ORG = {} }
  for m in en.rows("SELECT DISTINCT m.type, m.key FROM mentions m WHERE " .. report.MENTION_COUNTRY_SQL
    .. " = ? AND m.key IS NOT NULL", X) do
    of_x[m.type][m.key] = true
  end
  for g in en.rows([[SELECT DISTINCT e.type, e.key FROM relation_arg_countries ac
      JOIN relation_args ra ON ra.relation_id = ac.relation_id AND ra.role = ac.role AND ra.ord = ac.ord
      JOIN entities e ON e.id = ra.entity_id
     WHERE ac.relation_id IN (SELECT relation_id FROM relation_countries WHERE country = ? AND direct = 0)
       AND ac.country = ? AND e.type IN ('PERSON', 'ORG')]], X, X) do
    of_x[g.type][g.key] = true
  end
end

-- What the report shows of the actors in list (all of type t): name (its
-- first mention's, else its entity's), titles, countries, kinds,
-- organisations, and the evidence it cites.
local function details(list, t)
  local keys = {}
  for i, x in ipairs(list) do keys[i] = x.key end
  local by = {}
  for _, x in ipairs(list) do by[x.key] = x end
  local K = json.encode(json.array(keys))
  for x in pairs(by) do
    local v = by[x]
    v.titles, v.countries, v.kinds, v.orgs = {}, {}, {}, {}
  end
  -- the attributes of its mentions (each distinct text once), and its first mention
  for m in en.rows("SELECT key, attrs, min(id) AS first FROM mentions WHERE type = ? AND type IN "
    .. "('PERSON', 'ORG') AND key IN (SELECT value FROM json_each(?)) GROUP BY key, attrs "
    .. "ORDER BY key, first",
    t, K) do
    local x, at = by[m.key], report.decode_json(m.attrs)
    if at.title then x.titles[tostring(at.title)] = true end
    if type(at.country) == "string" then x.countries[at.country] = true end
    if at.kind then x.kinds[tostring(at.kind)] = true end
    if not x.first or m.first < x.first then x.first, x.first_name = m.first, at.name end
  end
  local firsts = {}
  for _, x in ipairs(list) do if x.first then firsts[#firsts + 1] = x.first end end
  for m in en.rows("SELECT id, key, text FROM mentions WHERE id IN (SELECT value FROM json_each(?))",
    report.id_list(firsts)) do
    by[m.key].name = by[m.key].first_name or m.text
  end
  -- the country its entity gives (arguments take their mention's country, else the entity's),
  -- a name when no mention names it, and its roles (titles, organisations) as a person
  for e in en.rows("SELECT key, name, attrs FROM entities WHERE type = ? AND key IN (SELECT value FROM "
    .. "json_each(?))", t, K) do
    local x, at = by[e.key], report.decode_json(e.attrs)
    if type(at.country) == "string" and x.facts > 0 then x.countries[at.country] = true end
    x.name = x.name or at.name or e.name
  end
  if t == "PERSON" then
    -- each distinct (person, title, organisation) of its roles, with the first fact that says it
    local reps = {}
    for _, g in ipairs(report.tally([[SELECT tally(json_array(pe.key,
        CASE WHEN json_valid(r.attrs) THEN json_extract(r.attrs, '$.title') END, oa.key),
        NULL, NULL, NULL, 1, NULL, NULL, r.id) FROM relations r
        JOIN relation_args pa ON pa.relation_id = r.id AND pa.role = 'person'
        JOIN entities pe ON pe.id = pa.entity_id AND pe.type = 'PERSON'
        LEFT JOIN relation_args oa ON oa.relation_id = r.id AND oa.role = 'org' AND oa.ord =
          (SELECT min(ord) FROM relation_args WHERE relation_id = r.id AND role = 'org')
       WHERE r.type = 'HOLDS_ROLE' AND pe.key IN (SELECT value FROM json_each(?))]], K)) do
      local person, title, org = table.unpack(report.decode_json(g.key), 1, 3)
      local x = by[person]
      if title ~= nil then x.titles[tostring(title)] = true end
      if org ~= nil then reps[#reps + 1] = g.first end
    end
    table.sort(reps)
    for _, r in ipairs((report.fetch(reps))) do
      local org = report.arg(r, "org")
      for _, p in ipairs(r.args.person or {}) do
        local x = p.type == "PERSON" and by[p.key]
        if x and org then x.orgs[org.name] = true end
      end
    end
  end
  -- evidence: the facts it takes part in, else the first mention in each document
  local without = {}
  for _, x in ipairs(list) do
    if x.facts > 0 then x.pick = x.fact_pick else without[#without + 1] = x.key end
  end
  for e in en.rows(("WITH " .. report.DOCS_CTE .. ", f AS (SELECT key, doc_id, min(id) AS id FROM mentions "
    .. "WHERE type = ? AND key IN (SELECT value FROM json_each(?)) GROUP BY key, doc_id) "
    .. "SELECT f.key, pick(%d, m.score, coalesce(d.source, d.id), m.id, 'm') AS pick "
    .. "FROM f JOIN mentions m ON m.id = f.id JOIN dd AS d ON d.id = f.doc_id GROUP BY f.key"):format(
    a.evidence), t, json.encode(json.array(without))) do
    by[e.key].pick = e.pick
  end
  for _, x in ipairs(list) do x.name = x.name or x.key end
end

local function rows_of(t)
  local list = {}
  for _, k in ipairs(report.sorted(actors[t])) do
    local x = actors[t][k]
    if not of_x or of_x[t][k] then
      x.activity = x.facts + x.docs
      list[#list + 1] = x
    end
  end
  -- rank by activity; ties go by name, which needs the names of those that tie at the cut
  table.sort(list, function(p, q)
    if p.activity ~= q.activity then return p.activity > q.activity end
    return p.key < q.key
  end)
  local limit = a.limit or 100
  local cut = list[limit] and list[limit].activity
  local shown = {}
  for _, x in ipairs(list) do
    if #shown < limit or x.activity == cut then shown[#shown + 1] = x end
  end
  details(shown, t)
  table.sort(shown, function(p, q)
    if p.activity ~= q.activity then return p.activity > q.activity end
    return p.name < q.name
  end)
  local rows = {}
  for i = 1, math.min(limit, #shown) do
    local x = shown[i]
    local cs = {}
    for _, c in ipairs(report.sorted(x.countries)) do cs[#cs + 1] = report.country_name(c) end
    local ev, more = rep:cite_pick(x.pick, x.facts > 0 and x.facts or x.docs)
    rows[#rows + 1] = { name = x.name, titles = report.sorted(x.titles), countries = cs,
      orgs = report.sorted(x.orgs), kinds = report.sorted(x.kinds), facts = x.facts, documents = x.docs,
      activity = x.activity, evidence = ev, evidence_more = more }
  end
  return rows
end

local N = { { key = "facts", label = "Facts", kind = "n" },
  { key = "documents", label = "Documents", kind = "n" },
  { key = "activity", label = "Activity", kind = "n" } }
rep:section { id = "people", title = "People", rows = rows_of("PERSON"),
  columns = { { key = "name", label = "Name" }, { key = "titles", label = "Roles" },
    { key = "countries", label = "Countries" }, { key = "orgs", label = "Organisations" },
    N[1], N[2], N[3] } }
rep:section { id = "organisations", title = "Organisations", rows = rows_of("ORG"),
  columns = { { key = "name", label = "Name" }, { key = "kinds", label = "Kinds" },
    { key = "countries", label = "Countries" }, N[1], N[2], N[3] } }
return rep:save(a, io.open)
