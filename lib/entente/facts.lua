--- entente.facts: fact sheets (../shared/FACTS-FORMAT.md) built from a store.
--
-- facts.sheets(st [, opts]) reads the mentions, relations and relation_args
-- of each document with SQL and returns one fact sheet per document, ordered
-- by document name, following docs/MODEL.md. Lists are sorted so that the
-- output is deterministic. Every item carries hidden provenance (the rules
-- that produced it), read with facts.provenance(sheet): it is not part of
-- the sheet table, so json.encode(sheet) prints only the fact sheet.
--
-- facts.mention_rows / facts.relation_rows give the flat views of
-- `entente export --mentions` / `--relations`.
local core = require "entente.core"
local json = require "entente.json"

local M = {}

M.STAGES = { "intent", "talks", "framework", "contract", "delivery" }
local STAGE_RANK = {}
for i, s in ipairs(M.STAGES) do STAGE_RANK[s] = i end
M.STAGE_RANK = STAGE_RANK

--- The categories of a fact sheet that hold lists of items, in output order.
M.LISTS = { "countries", "persons", "organizations", "cooperation", "agreements", "procurement",
  "meetings", "visits", "trade", "tech_transfer" }

-- Relations with these modalities are not facts the text asserts or plans.
M.SKIP_MODALITY = { denied = true, hypothetical = true }

-- provenance[sheet] = { [category] = { [i] = { rules... } } }
local PROV = setmetatable({}, { __mode = "k" })

--- The hidden provenance of a sheet: provenance(sheet)[category][i] is the
-- sorted list of {rule=, file=, line=} behind item i of that list.
function M.provenance(sheet)
  return PROV[sheet] or {}
end

local function decode(text)
  if not text or text == "" then return {} end
  local t = core.json_decode(text)
  return type(t) == "table" and t or {}
end

local function furthest(a, b)
  if not a then return b end
  if not b then return a end
  return (STAGE_RANK[b] or 0) > (STAGE_RANK[a] or 0) and b or a
end

local function basename(p) return p and (p:match("[^/]+$") or p) or "?" end

-- provenance sets: key "rule\0file\0line" -> {rule, file, line}
local function add_prov(set, rule, file, line)
  if not rule then return end
  set[rule .. "\0" .. tostring(file) .. "\0" .. tostring(line)] =
    { rule = rule, file = basename(file), line = math.tointeger(line) or line }
end

local function prov_list(set)
  local l = {}
  for _, v in pairs(set or {}) do l[#l + 1] = v end
  table.sort(l, function(x, y)
    if x.rule ~= y.rule then return x.rule < y.rule end
    if x.file ~= y.file then return x.file < y.file end
    return (tonumber(x.line) or 0) < (tonumber(y.line) or 0)
  end)
  return l
end

--- "rule (file:line)"
function M.prov_label(p)
  return string.format("%s (%s:%s)", p.rule, p.file or "?", tostring(p.line or "?"))
end

local function sorted_keys(t)
  local l = {}
  for k in pairs(t) do l[#l + 1] = k end
  table.sort(l)
  return l
end

local function nn(v)
  if v == nil then return json.null end
  return v
end

local function is_full_date(s)
  return type(s) == "string" and (s:match("^%d%d%d%d$") or s:match("^%d%d%d%d%-%d%d$")
    or s:match("^%d%d%d%d%-%d%d%-%d%d$")) ~= nil
end

-- Does the folded text contain the folded phrase as whole words?
local function contains_words(ftext, fphrase)
  if fphrase == "" then return false end
  local init = 1
  while true do
    local a, b = ftext:find(fphrase, init, true)
    if not a then return false end
    local before = a > 1 and ftext:sub(a - 1, a - 1) or " "
    local after = ftext:sub(b + 1, b + 1)
    if not before:match("[%w]") and not after:match("[%w]") then return true end
    init = a + 1
  end
end

-- The documents to export: all (by name), or those named/numbered in only.
local function select_docs(st, only)
  local docs = st:sql("SELECT id, name, date, text FROM documents ORDER BY name, id")
  if not only or #only == 0 then return docs end
  local want = {}
  for _, v in ipairs(only) do want[v] = true end
  local out = {}
  for _, d in ipairs(docs) do
    if want[d.name] or want[tostring(d.id)] then out[#out + 1] = d end
  end
  return out
end
M.select_docs = select_docs

-- Build one sheet for document d (a row with id, name, date, text).
local function build_sheet(st, d)
  local prov = {}
  for _, c in ipairs(M.LISTS) do prov[c] = {} end
  local mentions = st:sql([[SELECT id, start, type, key, text, attrs, rule, rule_file, rule_line
    FROM mentions WHERE doc_id = ? AND type IN ('COUNTRY', 'PERSON', 'ORG', 'DOC_DATE')
    ORDER BY start, stop DESC, id]], d.id)
  local by_id = {}
  local countries, cprov = {}, {}
  local persons, porder = {}, {}
  local orgs, oorder = {}, {}
  local doc_date
  for _, m in ipairs(mentions) do
    m.a = decode(m.attrs)
    by_id[m.id] = m
    if m.type == "COUNTRY" and m.key then
      countries[m.key] = true
      cprov[m.key] = cprov[m.key] or {}
      add_prov(cprov[m.key], m.rule, m.rule_file, m.rule_line)
    elseif m.type == "PERSON" and m.key then
      local p = persons[m.key]
      if not p then
        p = { prov = {} }
        persons[m.key] = p
        porder[#porder + 1] = m.key
      end
      p.name = p.name or m.a.name or m.text
      p.title = p.title or m.a.title
      p.country = p.country or m.a.country
      add_prov(p.prov, m.rule, m.rule_file, m.rule_line)
    elseif m.type == "ORG" and m.key then
      local o = orgs[m.key]
      if not o then
        o = { prov = {}, forms = {}, attr_aliases = {} }
        orgs[m.key] = o
        oorder[#oorder + 1] = m.key
      end
      o.name = o.name or m.a.name or m.text
      o.kind = o.kind or m.a.kind
      o.country = o.country or m.a.country
      o.forms[#o.forms + 1] = m.text
      for _, al in ipairs(type(m.a.aliases) == "table" and m.a.aliases or {}) do
        if type(al) == "string" then o.attr_aliases[#o.attr_aliases + 1] = al end
      end
      add_prov(o.prov, m.rule, m.rule_file, m.rule_line)
    elseif m.type == "DOC_DATE" and not doc_date then
      doc_date = m.key or m.a.value
    end
  end

  local sheet = { doc = d.name }
  sheet.date = is_full_date(d.date) and d.date or nn(doc_date)

  -- countries
  local clist = sorted_keys(countries)
  sheet.countries = json.array(clist)
  for i, k in ipairs(clist) do prov.countries[i] = prov_list(cprov[k]) end

  -- persons
  local plist = {}
  for _, k in ipairs(porder) do
    local p = persons[k]
    plist[#plist + 1] = { item = { name = p.name, title = nn(p.title), country = nn(p.country) },
      prov = p.prov, sort = core.fold(p.name) .. "\0" .. k }
  end

  -- organizations: aliases are the other forms the text uses
  local ftext = core.fold(d.text or "")
  local olist = {}
  for _, k in ipairs(oorder) do
    local o = orgs[k]
    local fname = core.fold(o.name)
    local seen, aliases = { [fname] = true }, {}
    local function add_alias(s)
      local f = core.fold(s)
      if not seen[f] then seen[f] = true; aliases[#aliases + 1] = s end
    end
    for _, f in ipairs(o.forms) do add_alias(f) end
    for _, al in ipairs(o.attr_aliases) do
      if contains_words(ftext, core.fold(al)) then add_alias(al) end
    end
    table.sort(aliases)
    local item = { name = o.name, kind = nn(o.kind), country = nn(o.country) }
    if #aliases > 0 then item.aliases = json.array(aliases) end
    olist[#olist + 1] = { item = item, prov = o.prov, sort = fname .. "\0" .. k }
  end

  -- relations
  local rels = st:sql([[SELECT id, type, stage, date, attrs, rule, rule_file, rule_line
    FROM relations WHERE doc_id = ? AND type IN ('COOPERATION', 'AGREEMENT', 'PROCUREMENT',
    'TECH_TRANSFER', 'MEETING', 'VISIT', 'TRADE') ORDER BY start, id]], d.id)
  local args = st:sql([[SELECT a.relation_id, a.role, a.ord, a.mention_id, a.key, a.value
    FROM relation_args a JOIN relations r ON r.id = a.relation_id
    WHERE r.doc_id = ? ORDER BY a.relation_id, a.role, a.ord]], d.id)
  local rargs = {}
  for _, a in ipairs(args) do
    local t = rargs[a.relation_id] or {}
    rargs[a.relation_id] = t
    t[a.role] = t[a.role] or {}
    table.insert(t[a.role], a)
  end
  -- display form of an argument: country code, person/org name, or the key
  local function arg_name(a)
    local m = a.mention_id and by_id[a.mention_id]
    if m then
      if m.type == "COUNTRY" then return m.key end
      if m.type == "PERSON" and persons[m.key] then return persons[m.key].name end
      if m.type == "ORG" and orgs[m.key] then return orgs[m.key].name end
      return m.a.name or m.key or m.text
    end
    local k = a.key or a.value
    if k and persons[k] then return persons[k].name end
    if k and orgs[k] then return orgs[k].name end
    return k
  end
  local function role_names(r, role)
    local l = {}
    for _, a in ipairs((rargs[r.id] or {})[role] or {}) do
      local v = arg_name(a)
      if v then l[#l + 1] = v end
    end
    return l
  end
  local function role_one(r, role) return role_names(r, role)[1] end

  local groups = {}
  for _, c in ipairs { "cooperation", "agreements", "procurement", "tech_transfer", "meetings",
    "visits", "trade" } do groups[c] = { order = {}, by = {} } end
  local function group(cat, key, init)
    local g = groups[cat]
    local e = g.by[key]
    if not e then
      e = init()
      e.prov = {}
      g.by[key] = e
      g.order[#g.order + 1] = key
    end
    return e
  end

  for _, r in ipairs(rels) do
    local at = decode(r.attrs)
    local stage = r.stage or at.stage
    if not M.SKIP_MODALITY[at.modality] then
      if r.type == "COOPERATION" then
        local a, b = role_one(r, "a"), role_one(r, "b")
        if a and b and a ~= b then
          if b < a then a, b = b, a end
          local e = group("cooperation", a .. "|" .. b, function()
            return { between = { a, b }, sectors = {} }
          end)
          for _, s in ipairs(type(at.sectors) == "table" and at.sectors or {}) do
            if type(s) == "string" then e.sectors[s] = true end
          end
          e.stage = furthest(e.stage, stage)
          add_prov(e.prov, r.rule, r.rule_file, r.rule_line)
        end
      elseif r.type == "AGREEMENT" then
        local parties = role_names(r, "parties")
        table.sort(parties)
        local kind = at.kind or "other"
        local e = group("agreements", kind .. "|" .. table.concat(parties, "|"), function()
          return { kind = kind, parties = parties }
        end)
        e.subject = e.subject or at.subject
        e.stage = furthest(e.stage, stage)
        add_prov(e.prov, r.rule, r.rule_file, r.rule_line)
      elseif r.type == "PROCUREMENT" then
        local buyer, supplier = role_one(r, "buyer"), role_one(r, "supplier")
        local e = group("procurement", tostring(buyer) .. "|" .. tostring(supplier), function()
          return { buyer = buyer, supplier = supplier }
        end)
        e.item = e.item or at.item
        e.supplier_org = e.supplier_org or role_one(r, "supplier_org")
        e.stage = furthest(e.stage, stage)
        add_prov(e.prov, r.rule, r.rule_file, r.rule_line)
      elseif r.type == "TECH_TRANSFER" then
        local from, to = role_one(r, "from"), role_one(r, "to")
        local e = group("tech_transfer", tostring(from) .. "|" .. tostring(to), function()
          return { from = from, to = to }
        end)
        e.item = e.item or at.item
        e.stage = furthest(e.stage, stage)
        add_prov(e.prov, r.rule, r.rule_file, r.rule_line)
      elseif r.type == "MEETING" then
        local ps = role_names(r, "participants")
        table.sort(ps)
        local fk = {}
        for i, p in ipairs(ps) do fk[i] = core.fold(p) end
        local e = group("meetings", table.concat(fk, "|"), function()
          return { participants = ps }
        end)
        e.place = e.place or at.place
        e.date = e.date or r.date or at.date
        add_prov(e.prov, r.rule, r.rule_file, r.rule_line)
      elseif r.type == "VISIT" then
        local visitor, host = role_one(r, "visitor"), role_one(r, "host")
        local e = group("visits", tostring(visitor) .. "|" .. tostring(host), function()
          return { visitor = visitor, host = host }
        end)
        e.date = e.date or r.date or at.date
        add_prov(e.prov, r.rule, r.rule_file, r.rule_line)
      elseif r.type == "TRADE" then
        local a, b = role_one(r, "a"), role_one(r, "b")
        if a and b and b < a then a, b = b, a end
        local amount, currency, period = at.amount, at.currency, at.period
        local e = group("trade", table.concat({ tostring(a), tostring(b), tostring(amount),
          tostring(currency), tostring(period) }, "|"), function()
          return { between = { a, b }, amount = amount, currency = currency, period = period }
        end)
        add_prov(e.prov, r.rule, r.rule_file, r.rule_line)
      end
    end
  end

  local function finish(cat, fields, sortkey)
    local l = {}
    for _, k in ipairs(groups[cat].order) do
      local e = groups[cat].by[k]
      local item = {}
      for _, f in ipairs(fields) do item[f] = nn(e[f]) end
      if e.sectors then item.sectors = json.array(sorted_keys(e.sectors)) end
      for _, f in ipairs { "between", "parties", "participants" } do
        if e[f] then item[f] = json.array(e[f]) end
      end
      if cat == "procurement" and e.supplier_org then item.supplier_org = e.supplier_org end
      l[#l + 1] = { item = item, prov = e.prov, sort = sortkey and sortkey(e, k) or k }
    end
    return l
  end

  local lists = {
    persons = plist,
    organizations = olist,
    cooperation = finish("cooperation", { "stage" }),
    agreements = finish("agreements", { "kind", "subject", "stage" }),
    procurement = finish("procurement", { "buyer", "supplier", "item", "stage" }),
    tech_transfer = finish("tech_transfer", { "from", "to", "item", "stage" }),
    meetings = finish("meetings", { "place", "date" }),
    visits = finish("visits", { "visitor", "host", "date" }),
    trade = finish("trade", { "amount", "currency", "period" }),
  }
  for cat, l in pairs(lists) do
    table.sort(l, function(x, y) return x.sort < y.sort end)
    local items = {}
    for i, e in ipairs(l) do
      items[i] = e.item
      prov[cat][i] = prov_list(e.prov)
    end
    sheet[cat] = json.array(items)
  end
  PROV[sheet] = prov
  return sheet
end
M.build_sheet = build_sheet

--- All fact sheets of a store, ordered by document name.
-- opts.only: a list of document names or ids.
function M.sheets(st, opts)
  opts = opts or {}
  local out = {}
  for _, d in ipairs(select_docs(st, opts.only)) do out[#out + 1] = build_sheet(st, d) end
  return out
end

--- A copy of the sheet with each item's rules under "provenance" (for --provenance).
function M.with_provenance(sheet)
  local prov = M.provenance(sheet)
  local copy = {}
  for k, v in pairs(sheet) do copy[k] = v end
  for _, cat in ipairs(M.LISTS) do
    local l = sheet[cat]
    if type(l) == "table" then
      local items = {}
      for i, it in ipairs(l) do
        local labels = {}
        for j, p in ipairs((prov[cat] or {})[i] or {}) do labels[j] = M.prov_label(p) end
        if type(it) == "table" then
          local c = {}
          for k2, v2 in pairs(it) do c[k2] = v2 end
          c.provenance = json.array(labels)
          items[i] = c
        else
          items[i] = { code = it, provenance = json.array(labels) }
        end
      end
      copy[cat] = json.array(items)
    end
  end
  return copy
end

---------------------------------------------------------------------------
-- flat rows

M.MENTION_COLUMNS = { "doc", "start", "stop", "type", "key", "text", "attrs", "rule", "rule_file",
  "rule_line", "sentence" }
M.RELATION_COLUMNS = { "doc", "start", "stop", "type", "stage", "cameo", "date", "args", "attrs",
  "rule", "rule_file", "rule_line", "sentence" }

--- Mention rows (one per mention), ordered by document name and offset.
function M.mention_rows(st, opts)
  opts = opts or {}
  local out = {}
  for _, d in ipairs(select_docs(st, opts.only)) do
    local rows = st:sql([[SELECT m.start, m.stop, m.type, m.key, m.text, m.attrs, m.rule,
      m.rule_file, m.rule_line, slice(d.text, m.sent_start, m.sent_stop) AS sentence
      FROM mentions m JOIN documents d ON d.id = m.doc_id WHERE m.doc_id = ?
      ORDER BY m.start, m.stop DESC, m.id]], d.id)
    for _, r in ipairs(rows) do
      r.doc = d.name
      out[#out + 1] = r
    end
  end
  return out
end

--- Relation rows (one per relation) with their arguments as {role = key or {keys}}.
function M.relation_rows(st, opts)
  opts = opts or {}
  local out = {}
  for _, d in ipairs(select_docs(st, opts.only)) do
    local rows = st:sql([[SELECT r.id, r.start, r.stop, r.type, r.stage, r.cameo, r.date, r.attrs,
      r.rule, r.rule_file, r.rule_line, slice(d.text, r.sent_start, r.sent_stop) AS sentence
      FROM relations r JOIN documents d ON d.id = r.doc_id WHERE r.doc_id = ?
      ORDER BY r.start, r.id]], d.id)
    for _, r in ipairs(rows) do
      local args = {}
      for _, a in ipairs(st:sql([[SELECT role, ord, key, value FROM relation_args
          WHERE relation_id = ? ORDER BY role, ord]], r.id)) do
        args[a.role] = args[a.role] or {}
        table.insert(args[a.role], a.key or a.value or json.null)
      end
      for role, l in pairs(args) do
        if #l == 1 then args[role] = l[1] else args[role] = json.array(l) end
      end
      r.args = json.object(args)
      r.id = nil
      r.doc = d.name
      out[#out + 1] = r
    end
  end
  return out
end

--- "role=key role=k1,k2" (CSV form of args), roles sorted.
function M.args_text(args)
  local parts = {}
  for _, role in ipairs(sorted_keys(args)) do
    local v = args[role]
    if type(v) == "table" and v ~= json.null then
      local l = {}
      for i, x in ipairs(v) do l[i] = tostring(x) end
      v = table.concat(l, ",")
    end
    parts[#parts + 1] = role .. "=" .. tostring(v)
  end
  return table.concat(parts, " ")
end

M.decode = decode
M.contains_words = contains_words

return M
