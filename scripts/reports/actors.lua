--- actors: people and organisations, ranked by activity.
--
-- entente run scripts/reports/actors.lua [--country MYS] [--limit 50] [--format html|md|csv|json] -o out/
--
-- People with their titles, countries and organisations; organisations with
-- their kinds and countries. Activity = facts the actor takes part in
-- (as an argument of a relation) + documents that mention it; ties by name.
local report = require "entente.report"

local a = report.start(arg, {
  name = "actors",
  description = "People (roles, countries, organisations) and organisations (kinds, countries), "
    .. "ranked by activity: facts they take part in plus documents that mention them.",
  formats = { "html", "md", "csv", "json" },
  options = function(p)
    p:option("--country", "Only actors of this country (code or name).")
    p:option("--limit", "At most this many of each.", "100"):convert(math.tointeger)
  end,
})
if not a then return 0 end

local X = a.country and report.resolve_country(a.country)
local rep = report.new { name = "actors", title = "Actors" .. (X and (": " .. report.country_name(X)) or ""),
  params = { country = X, limit = a.limit }, generated = a.generated }

local actors = { PERSON = {}, ORG = {} }
local function actor(t, key, name)
  local x = actors[t][key] or { key = key, name = name, titles = {}, countries = {}, kinds = {}, orgs = {},
                                docs = {}, facts = {}, cited = {} }
  actors[t][key] = x
  return x
end
for _, t in ipairs { "PERSON", "ORG" } do
  for _, m in ipairs(report.mentions(t)) do
    if m.key then
      local x = actor(t, m.key, m.attrs.name or m.text)
      if m.attrs.title then x.titles[m.attrs.title] = true end
      if m.attrs.country then x.countries[m.attrs.country] = true end
      if m.attrs.kind then x.kinds[m.attrs.kind] = true end
      if not x.docs[m.doc.id] then x.cited[#x.cited + 1] = m end
      x.docs[m.doc.id] = true
    end
  end
end
for _, r in ipairs(report.load()) do
  for _, role in ipairs(report.sorted(r.args)) do
    for _, g in ipairs(r.args[role]) do
      if actors[g.type or ""] and g.key then
        local x = actor(g.type, g.key, g.name)
        x.facts[r.id] = r
        if g.country then x.countries[g.country] = true end
        if r.type == "HOLDS_ROLE" and role == "person" then
          if r.attrs.title then x.titles[r.attrs.title] = true end
          local org = report.arg(r, "org")
          if org then x.orgs[org.name] = true end
        end
      end
    end
  end
end

local function rows_of(t)
  local rows = {}
  for _, k in ipairs(report.sorted(actors[t])) do
    local x = actors[t][k]
    if not X or x.countries[X] then
      local nd, facts = 0, {}
      for _ in pairs(x.docs) do nd = nd + 1 end
      for _, id in ipairs(report.sorted(x.facts)) do facts[#facts + 1] = x.facts[id] end
      local cs = {}
      for _, c in ipairs(report.sorted(x.countries)) do cs[#cs + 1] = report.country_name(c) end
      local cited = #facts > 0 and facts or x.cited
      rows[#rows + 1] = { name = x.name, titles = report.sorted(x.titles), countries = cs,
        orgs = report.sorted(x.orgs), kinds = report.sorted(x.kinds), facts = #facts, documents = nd,
        activity = #facts + nd, evidence = rep:cite_all(cited) }
    end
  end
  table.sort(rows, function(p, q)
    if p.activity ~= q.activity then return p.activity > q.activity end
    return p.name < q.name
  end)
  for i = #rows, (a.limit or 100) + 1, -1 do rows[i] = nil end
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
