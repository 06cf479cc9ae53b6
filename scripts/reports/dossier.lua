--- dossier: everything the store holds about one country.
--
-- entente run scripts/reports/dossier.lua --country MYS [--format html|md|csv|json] -o out/
--
-- Partners (sectors, furthest stage, first and last dates, sources), its
-- agreements, procurement, technology transfer and industrial work, a
-- timeline of visits and meetings, its people with their roles and
-- organisations, key quotes, and an evidence appendix behind every row.
local report = require "entente.report"

local a = report.start(arg, {
  name = "dossier",
  description = "A country dossier: partners, agreements, procurement, technology transfer, "
    .. "visits and meetings, people and quotes, each row linked to its evidence.",
  formats = { "html", "md", "csv", "json" },
  options = function(p)
    p:option("--country", "The country: an alpha-3 code (MYS) or a name (Malaysia)."):count(1)
  end,
})
if not a then return 0 end

local X = report.resolve_country(a.country)
local name = report.country_name(X)
local rels = report.load()
local rep = report.new {
  name = "dossier-" .. X, title = "Country dossier: " .. name .. " (" .. X .. ")",
  params = { country = X }, generated = a.generated,
}

local function by_date(l)
  table.sort(l, function(p, q)
    local dp, dq = p.date or "~", q.date or "~"
    if dp ~= dq then return dp < dq end
    return p.id < q.id
  end)
  return l
end

-- Relations that involve X, by type.
local mine, of_type = {}, {}
for _, r in ipairs(rels) do
  local _, set = report.countries(r)
  if set[X] then
    mine[#mine + 1] = r
    of_type[r.type] = of_type[r.type] or {}
    table.insert(of_type[r.type], r)
  end
end

-- Partners: every other country of a cooperation-type relation.
local partners = {}
for _, r in ipairs(mine) do
  if report.COOPERATION_TYPES[r.type] then
    local cs = report.countries(r)
    for _, c in ipairs(cs) do
      if c ~= X then
        local p = partners[c] or { key = c, sectors = {}, facts = {}, docs = {} }
        partners[c] = p
        for _, s in ipairs(report.sectors(r)) do p.sectors[s] = true end
        p.stage = report.furthest(p.stage, r.stage)
        if r.date then
          if not p.first or r.date < p.first then p.first = r.date end
          if not p.last or r.date > p.last then p.last = r.date end
        end
        p.facts[#p.facts + 1] = r
        p.docs[r.doc.id] = true
      end
    end
  end
end
local prow = {}
for _, c in ipairs(report.sorted(partners)) do
  local p = partners[c]
  local nd = 0
  for _ in pairs(p.docs) do nd = nd + 1 end
  prow[#prow + 1] = { partner = report.country_name(c), code = c, sectors = report.sorted(p.sectors),
    stage = p.stage, facts = #p.facts, sources = nd, first = p.first, last = p.last,
    evidence = rep:cite_all(p.facts) }
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

-- One section per kind of fact: rows made by `row(r)`.
local function facts(id, title, types, columns, row)
  local list = {}
  for _, t in ipairs(types) do
    for _, r in ipairs(of_type[t] or {}) do list[#list + 1] = r end
  end
  local rows = {}
  for _, r in ipairs(by_date(list)) do
    local o = row(r)
    o.date, o.evidence = r.date, { rep:cite(r) }
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

-- People: persons of X, with the roles and organisations the store gives them.
local people = {}
local function person(key, nm)
  local p = people[key] or { name = nm, titles = {}, orgs = {}, docs = {}, facts = {} }
  people[key] = p
  return p
end
for _, m in ipairs(report.mentions("PERSON")) do
  if m.attrs.country == X and m.key then
    local p = person(m.key, m.attrs.name or m.text)
    if m.attrs.title then p.titles[m.attrs.title] = true end
    if not p.docs[m.doc.id] then p.facts[#p.facts + 1] = m end
    p.docs[m.doc.id] = true
  end
end
for _, r in ipairs(rels) do
  local who = report.arg(r, "person")
  if r.type == "HOLDS_ROLE" and who and who.key then
    local org, ctry = report.arg(r, "org"), report.arg(r, "country")
    if who.country == X or (ctry and ctry.key == X) or (org and org.country == X) or people[who.key] then
      local p = person(who.key, who.name)
      if r.attrs.title then p.titles[r.attrs.title] = true end
      if org then p.orgs[org.name] = true end
      p.facts[#p.facts + 1] = r
      p.docs[r.doc.id] = true
    end
  end
end
local rows = {}
for _, k in ipairs(report.sorted(people)) do
  local p = people[k]
  local nd = 0
  for _ in pairs(p.docs) do nd = nd + 1 end
  rows[#rows + 1] = { name = p.name, roles = report.sorted(p.titles), orgs = report.sorted(p.orgs),
                      sources = nd, evidence = rep:cite_all(p.facts) }
end
rep:section { id = "people", title = "People", rows = rows,
  columns = { { key = "name", label = "Name" }, { key = "roles", label = "Roles" },
    { key = "orgs", label = "Organisations" }, { key = "sources", label = "Sources", kind = "n" } } }

-- Key quotes: what people and organisations of X said, by date.
rows = {}
for _, r in ipairs(by_date(of_type.QUOTE or {})) do
  rows[#rows + 1] = { date = r.date, speaker = report.names(r, "speaker"),
                      quote = r.attrs.text or r.sentence, evidence = { rep:cite(r) } }
end
rep:section { id = "quotes", title = "Key quotes", rows = rows,
  columns = { { key = "date", label = "Date" }, { key = "speaker", label = "Speaker" },
    { key = "quote", label = "Quote" } } }

return rep:save(a, io.open)
