--- network: the cooperation network between countries (and companies).
--
-- entente run scripts/reports/network.lua [--companies] [--min-weight N] [--evidence 3]
--     [--format html|dot|graphml|json|csv] -o out/
--
-- Nodes are countries (with --companies, also the organisations that take
-- part in a cooperation); an edge joins two parties of the same fact. Edges
-- are weighted by evidence (the number of facts, and of source documents)
-- and coloured by the furthest stage. The HTML page draws the graph as
-- inline SVG on a circle, in a fixed order (countries first, busiest
-- first, then by key), so the layout is the same on every run.
local en = require "entente"
local report = require "entente.report"
local html = require "entente.html"
local dot = require "entente.dot"
local graphml = require "entente.graphml"
local json = require "entente.json"

local a = report.start(arg, {
  name = "network",
  description = "The cooperation network: countries (and with --companies, organisations) "
    .. "joined by the facts that name them together.",
  formats = { "html", "dot", "graphml", "json", "csv" },
  evidence = true,
  options = function(p)
    p:flag("--companies", "Also show organisations (companies, agencies) as nodes.")
    p:option("--min-weight", "Leave out edges with fewer facts than this.", "1"):convert(math.tointeger)
  end,
})
if not a then return 0 end

-- Edges, counted in the store: a pair of countries that a cooperation
-- fact involves (report.countries: directly or through a person or an
-- organisation), and with --companies an organisation that takes part in
-- a fact with each country the fact names. Each edge cites the best few
-- facts (report.tally_sql; documents' sources read once, not per fact).
local coop = report.sorted(report.COOPERATION_TYPES)
local TYPES = "+r.type IN (" .. ("?"):rep(#coop, ", ") .. ")"
local DS = "WITH ds AS MATERIALIZED (SELECT id, coalesce(source, id) AS src FROM documents)"
local nodes, edges = {}, {}
local function node(id, label, kind, country)
  nodes[id] = nodes[id] or { id = id, label = label, kind = kind, country = country, weight = 0, degree = 0 }
  return nodes[id]
end
local function edge(e)
  local p, q = e.key:match("^(.-)\31(.*)$")
  if q < p then p, q = q, p end
  local t = {}
  for _, x in ipairs(e.labels) do t[x] = true end
  edges[p .. "\0" .. q] = { from = p, to = q, weight = e.facts, sources = e.sources, types = t,
    stage = e.stage, pick = e.pick }
  return p, q
end
for _, e in ipairs(report.tally(DS .. " SELECT " .. report.tally_sql("x.country || char(31) || y.country",
  "r.type", a.evidence, "ds.src", "NULL") .. [[ AS t
  FROM relation_countries x INDEXED BY relation_countries_relation
  CROSS JOIN relations r ON r.id = x.relation_id
  CROSS JOIN relation_countries y ON y.relation_id = x.relation_id AND y.country > x.country
  CROSS JOIN ds ON ds.id = r.doc_id
 WHERE ]] .. TYPES, table.unpack(coop))) do
  local p, q = edge(e)
  node(p, report.country_name(p), "country", p)
  node(q, report.country_name(q), "country", q)
end
if a.companies then
  local ORGS = [[, orgs AS (SELECT DISTINCT ra.relation_id, e.key FROM relation_args ra
    JOIN entities e ON e.id = ra.entity_id WHERE e.type = 'ORG' AND e.key IS NOT NULL)]]
  local first = {}
  for _, e in ipairs(report.tally(DS .. ORGS .. " SELECT " .. report.tally_sql(
    "'org:' || o.key || char(31) || c.country", "r.type", a.evidence, "ds.src", "NULL") .. [[ AS t
  FROM orgs o JOIN relations r ON r.id = o.relation_id JOIN ds ON ds.id = r.doc_id
  JOIN relation_countries c ON c.relation_id = r.id AND c.direct = 1
 WHERE ]] .. TYPES, table.unpack(coop))) do
    local c, o = edge(e)
    node(c, report.country_name(c), "country", c)
    first[o:sub(5)] = true
  end
  -- an organisation's name and country: its argument in the first fact that names it
  local keys = report.sorted(first)
  local ids, params = {}, { json.encode(json.array(keys)), table.unpack(coop) }
  for o in en.rows(DS .. ORGS .. " SELECT o.key, min(o.relation_id) AS id FROM orgs o JOIN relations r "
    .. "ON r.id = o.relation_id WHERE o.key IN (SELECT value FROM json_each(?)) AND " .. TYPES
    .. " GROUP BY o.key", table.unpack(params)) do
    first[o.key], ids[#ids + 1] = o.id, o.id
  end
  local _, rels = report.fetch(ids)
  for _, k in ipairs(keys) do
    local r = rels[first[k]]
    for _, role in ipairs(report.sorted(r.args)) do
      for _, x in ipairs(r.args[role]) do
        if x.type == "ORG" and x.key == k then node("org:" .. k, x.name, "organisation", x.country) end
      end
    end
    node("org:" .. k, k, "organisation") -- (a name is always found above)
  end
end

-- Order: edges by key; nodes countries first, then by weight, then id.
local elist = {}
for _, k in ipairs(report.sorted(edges)) do
  local e = edges[k]
  if e.weight >= (a.min_weight or 1) then
    elist[#elist + 1] = e
    for _, id in ipairs { e.from, e.to } do
      nodes[id].weight = nodes[id].weight + e.weight
      nodes[id].degree = nodes[id].degree + 1
    end
  end
end
local busiest = function(p, q)
  if p.weight ~= q.weight then return p.weight > q.weight end
  return p.id < q.id
end
local countries, orgs_of, loose = {}, {}, {}
for _, id in ipairs(report.sorted(nodes)) do
  local n = nodes[id]
  if n.degree > 0 and n.kind == "country" then
    countries[#countries + 1] = n
  elseif n.degree > 0 then
    local home = n.country and nodes[n.country] and nodes[n.country].degree > 0 and n.country
    if home then
      orgs_of[home] = orgs_of[home] or {}
      table.insert(orgs_of[home], n)
    else
      loose[#loose + 1] = n
    end
  end
end
-- Order around the circle: countries busiest first, each followed by its
-- organisations; organisations without a country shown last.
table.sort(countries, busiest)
table.sort(loose, busiest)
local nlist = {}
for _, c in ipairs(countries) do
  nlist[#nlist + 1] = c
  local own = orgs_of[c.id] or {}
  table.sort(own, busiest)
  for _, o in ipairs(own) do nlist[#nlist + 1] = o end
end
for _, o in ipairs(loose) do nlist[#nlist + 1] = o end

-- Circular layout in that fixed order; the circle grows with the number of
-- nodes; labels point outwards. Coordinates are rounded so output is stable.
local R = math.max(170, #nlist * 9)
local W, H = 2 * R + 440, 2 * R + 120
local node_r = math.max(3, math.min(14, math.pi * R / math.max(#nlist, 1) * 0.4))
local function round(v) return tonumber(string.format("%.1f", v)) end
for i, n in ipairs(nlist) do
  local t = 2 * math.pi * (i - 1) / math.max(#nlist, 1) - math.pi / 2
  local c, s = math.cos(t), math.sin(t)
  if #nlist == 1 then c, s = 0, 0 end
  n.x, n.y = round(W / 2 + R * c), round(H / 2 + R * s)
  n.r = round(node_r * (0.6 + 0.4 * math.min(n.weight, 20) / 20))
  n.lx, n.ly = round(W / 2 + (R + n.r + 6) * c), round(H / 2 + (R + n.r + 6) * s + 4)
  n.anchor = (#nlist == 1 or math.abs(c) < 0.2) and "middle" or (c > 0 and "start" or "end")
  if #nlist == 1 then n.ly = round(n.y + n.r + 16) end
end
local function types(e) return report.sorted(e.types) end

local function svg()
  local h = html.el
  local parts = { h("title", nil, "Cooperation network") }
  for _, e in ipairs(elist) do
    local p, q = nodes[e.from], nodes[e.to]
    parts[#parts + 1] = h("line", { class = "edge", x1 = report.num(p.x), y1 = report.num(p.y),
      x2 = report.num(q.x), y2 = report.num(q.y), stroke = report.STAGE_COLOURS[e.stage or "none"],
      ["stroke-width"] = tostring(1 + math.min(e.weight, 8)), ["stroke-opacity"] = "0.8",
      ["data-from"] = e.from, ["data-to"] = e.to },
      h("title", nil, string.format("%s — %s: %d facts, %d sources, %s", p.label, q.label,
        e.weight, e.sources, e.stage or "no stage")))
  end
  for _, n in ipairs(nlist) do
    local r = n.r
    local shape = n.kind == "country"
      and h("circle", { cx = report.num(n.x), cy = report.num(n.y), r = report.num(r), fill = "#1f5fa8" })
      or h("rect", { x = report.num(round(n.x - r)), y = report.num(round(n.y - r)),
        width = report.num(round(2 * r)), height = report.num(round(2 * r)), fill = "#d06b2c" })
    parts[#parts + 1] = h("g", { class = "node", id = html.id("n-" .. n.id), ["data-kind"] = n.kind },
      h("title", nil, n.label .. " (" .. n.weight .. " facts on " .. n.degree .. " edges)"), shape,
      h("text", { x = report.num(n.lx), y = report.num(n.ly), ["text-anchor"] = n.anchor,
        ["font-size"] = "12" }, n.label))
  end
  local legend = {}
  for _, s in ipairs(report.STAGES) do
    legend[#legend + 1] = h("span", nil, h("svg", { width = "14", height = "10", style = "border:0" },
      h("rect", { width = "14", height = "10", fill = report.STAGE_COLOURS[s] })), " " .. s)
  end
  return html.raw(tostring(h("svg", { xmlns = "http://www.w3.org/2000/svg", viewBox = "0 0 " .. W .. " " .. H,
    width = tostring(W), height = tostring(H), role = "img", ["aria-label"] = "Cooperation network" }, parts))
    .. tostring(h("p", { class = "legend" }, legend)))
end

local base = a.companies and "network-companies" or "network"
local files
if a.format == "dot" then
  local g = { name = "cooperation", graph = { overlap = "false", splines = "true" },
    node = { shape = "ellipse", fontname = "Helvetica" }, nodes = {}, edges = {} }
  for _, n in ipairs(nlist) do
    g.nodes[#g.nodes + 1] = { id = n.id, attrs = { label = n.label,
      shape = n.kind == "country" and "ellipse" or "box" } }
  end
  for _, e in ipairs(elist) do
    g.edges[#g.edges + 1] = { from = e.from, to = e.to, attrs = { label = tostring(e.weight),
      penwidth = tostring(1 + math.min(e.weight, 8)), color = report.STAGE_COLOURS[e.stage or "none"],
      tooltip = (e.stage or "no stage") .. "; " .. table.concat(types(e), ", ") } }
  end
  files = { { name = base .. ".dot", content = dot.graph(g) } }
elseif a.format == "graphml" or a.format == "json" then
  local g = { name = "cooperation", nodes = {}, edges = {} }
  for _, n in ipairs(nlist) do
    g.nodes[#g.nodes + 1] = { id = n.id, attrs = { label = n.label, kind = n.kind, country = n.country,
      weight = n.weight, degree = n.degree, x = n.x, y = n.y } }
  end
  local cites = report.new { name = base }
  for _, e in ipairs(elist) do
    local ev, more = cites:cite_pick(e.pick, e.weight)
    g.edges[#g.edges + 1] = { from = e.from, to = e.to, attrs = { weight = e.weight, sources = e.sources,
      stage = e.stage or "", types = table.concat(types(e), " "), evidence = table.concat(ev, " "),
      evidence_more = more } }
  end
  if a.format == "graphml" then
    files = { { name = base .. ".graphml", content = graphml.graph(g) } }
  else
    local out = { nodes = json.array({}), edges = json.array({}) }
    for _, n in ipairs(g.nodes) do
      local o = n.attrs
      o.id = n.id
      out.nodes[#out.nodes + 1] = o
    end
    for _, e in ipairs(g.edges) do
      local o = e.attrs
      o.source, o.target = e.from, e.to
      o.types = json.array(types(edges[e.from < e.to and e.from .. "\0" .. e.to or e.to .. "\0" .. e.from]))
      local ev = {}
      for w in o.evidence:gmatch("%S+") do ev[#ev + 1] = w end
      o.evidence = json.array(ev)
      if o.stage == "" then o.stage = json.null end
      out.edges[#out.edges + 1] = o
    end
    files = { { name = base .. ".json", content = json.encode(out, { indent = "  " }) .. "\n" } }
  end
else
  local rep = report.new { name = base, title = "Cooperation network",
    subtitle = #nlist .. " nodes, " .. #elist
      .. " edges; edge width: number of facts; colour: furthest stage",
    params = { companies = a.companies and "yes" or "no", min_weight = a.min_weight or 1 },
    generated = a.generated }
  local erows, byweight = {}, {}
  for i, e in ipairs(elist) do byweight[i] = e end
  table.sort(byweight, function(p, q)
    if p.weight ~= q.weight then return p.weight > q.weight end
    if p.from ~= q.from then return p.from < q.from end
    return p.to < q.to
  end)
  for _, e in ipairs(byweight) do
    local ev, more = rep:cite_pick(e.pick, e.weight)
    erows[#erows + 1] = { from = nodes[e.from].label, to = nodes[e.to].label, weight = e.weight,
      sources = e.sources, stage = e.stage, types = types(e), evidence = ev, evidence_more = more }
  end
  rep:section { id = "graph", title = "Network", html = a.format == "html" and svg() or nil, rows = erows,
    columns = { { key = "from", label = "From" }, { key = "to", label = "To" },
      { key = "weight", label = "Facts", kind = "n" }, { key = "sources", label = "Sources", kind = "n" },
      { key = "stage", label = "Furthest stage", kind = "stage" },
      { key = "types", label = "Kinds of fact" } } }
  local nrows = {}
  for _, n in ipairs(nlist) do
    nrows[#nrows + 1] = { node = n.label, id = n.id, kind = n.kind, country = n.country,
      degree = n.degree, weight = n.weight }
  end
  rep:section { id = "nodes", title = "Nodes", rows = nrows, evidence = false,
    columns = { { key = "node", label = "Node" }, { key = "id", label = "Id" },
      { key = "kind", label = "Kind" },
      { key = "country", label = "Country" }, { key = "degree", label = "Partners", kind = "n" },
      { key = "weight", label = "Facts", kind = "n" } } }
  if a.format == "csv" then rep.sections[2] = nil end
  files = rep:render(a.format, base)
end
return report.save(a, files, io.open)
