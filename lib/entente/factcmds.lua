--- entente.factcmds: the export and eval commands.
--
-- Registered into entente.cli like entente.commands: each spec has a
-- summary, parser(common) and run(a) returning an exit status.
local core = require "entente.core"
local eval = require "entente.eval"
local facts = require "entente.facts"
local fmt = require "entente.fmt"
local json = require "entente.json"
local argparse = require "argparse"

local M = {}

local out, err = io.stdout, io.stderr
local function say(...) out:write(...) end
-- stdout first, so that a message never lands inside output when both go to one place
local function warn(...) out:flush(); err:write(...) end

local function open_ro(db)
  local st, msg = core.open(db, { readonly = true })
  if not st then warn("entente: ", msg, "\n"); return nil end
  return st
end

---------------------------------------------------------------------------
-- export

M.export = {
  summary = "Export fact sheets, mentions or relations (JSON Lines or CSV).",
  parser = function(common)
    local p = common(argparse("entente export",
      "Export what extraction found. --facts: one fact sheet per document (JSON Lines, the " ..
      "format of FACTS-FORMAT.md), ordered by document name. --mentions / --relations: one " ..
      "row per mention or relation with its document, offsets, rule and sentence."),
      { nojson = true })
    p:mutex(
      p:flag("--facts", "Fact sheets, one per document."),
      p:flag("--mentions", "One row per mention."),
      p:flag("--relations", "One row per relation.")
    )
    p:option("--format", "jsonl, or csv (for --mentions and --relations).", "jsonl")
      :choices { "jsonl", "csv" }
    p:option("--only", "Only these documents (names or ids).", nil):args("+")
    p:flag("--provenance", "With --facts, list the rules behind each item.")
    return p
  end,
  run = function(a)
    if not (a.facts or a.mentions or a.relations) then
      warn("entente export: say what to export: --facts, --mentions or --relations\n")
      return 2
    end
    if a.facts and a.format ~= "jsonl" then
      warn("entente export: fact sheets are exported as jsonl only\n")
      return 2
    end
    local st = open_ro(a.db)
    if not st then return 1 end
    local opts = { only = a.only }
    if a.only then
      local have = {}
      for _, d in ipairs(facts.select_docs(st, a.only)) do
        have[d.name] = true; have[tostring(d.id)] = true
      end
      for _, v in ipairs(a.only) do
        if not have[v] then warn("entente export: no document named '", v, "'\n") end
      end
    end
    if a.facts then
      local n = 0
      for _, sheet in ipairs(facts.sheets(st, opts)) do
        if a.provenance then sheet = facts.with_provenance(sheet) end
        say(json.encode(sheet), "\n")
        n = n + 1
      end
      if not a.quiet then warn(n, n == 1 and " fact sheet\n" or " fact sheets\n") end
    else
      local rows, cols
      if a.mentions then
        rows, cols = facts.mention_rows(st, opts), facts.MENTION_COLUMNS
      else
        rows, cols = facts.relation_rows(st, opts), facts.RELATION_COLUMNS
      end
      if a.format == "csv" then
        say(fmt.csv_row(cols), "\r\n")
        for _, r in ipairs(rows) do
          local vals = {}
          for j, c in ipairs(cols) do
            local v = r[c]
            if c == "args" then v = facts.args_text(v) end
            vals[j] = v
          end
          say(fmt.csv_row(vals, #cols), "\r\n")
        end
      else
        for _, r in ipairs(rows) do
          local o = {}
          for _, c in ipairs(cols) do
            local v = r[c]
            if c == "attrs" then v = json.object(facts.decode(v)) end
            if v == nil then v = json.null end
            o[c] = v
          end
          say(json.encode(o), "\n")
        end
      end
      if not a.quiet then
        warn(#rows, " ", a.mentions and "mention" or "relation", #rows == 1 and "" or "s", "\n")
      end
    end
    st:close()
    return 0
  end,
}

---------------------------------------------------------------------------
-- eval

local function f3(x) return string.format("%.3f", x) end

-- "cat=x,cat=y" -> {cat = x}, or nil and a message
function M.parse_floors(s)
  local t = {}
  for part in tostring(s):gmatch("[^,]+") do
    local cat, v = part:match("^%s*([%w_]+)%s*=%s*([%d%.]+)%s*$")
    if not cat or not tonumber(v) then return nil, string.format("bad floor '%s' (want cat=0.5)", part) end
    if not eval.IS_CATEGORY[cat] and cat ~= "overall" then
      return nil, string.format("unknown category '%s' (one of %s, overall)", cat,
        table.concat(eval.CATEGORIES, ", "))
    end
    t[cat] = tonumber(v)
  end
  return t
end

local function counts_json(c)
  return { tp = c.tp, fp = c.fp, fn = c.fn, p = c.p, r = c.r, f1 = c.f1, documents = c.docs }
end

local function table_rows(cats, counts)
  local rows = {}
  for _, c in ipairs(cats) do
    local k = counts[c]
    if k and (k.docs == nil or k.docs > 0) then
      rows[#rows + 1] = { category = c, P = f3(k.p), R = f3(k.r), F1 = f3(k.f1), TP = k.tp, FP = k.fp,
        FN = k.fn }
    end
  end
  return rows
end
local COLS = { "category", "P", "R", "F1", "TP", "FP", "FN" }

M.eval = {
  summary = "Score the store's fact sheets against a gold file (P, R, F1; per rule).",
  parser = function(common)
    local p = common(argparse("entente eval",
      "Compare the fact sheets of the store with gold fact sheets (JSON Lines) and print " ..
      "precision, recall and F1 per category and overall, which rule produced each false hit " ..
      "and why each gold item was missed. The last line reads 'overall F1 X'. The exit status " ..
      "is 0 whatever the score, unless --min-f1 or --floors say otherwise."))
    p:option("--gold", "Gold file (JSON Lines, one fact sheet per line)."):count(1)
    p:flag("--per-doc", "Also give the scores of each document.")
    p:option("--min-f1", "Exit 1 when the overall F1 is below this."):convert(tonumber)
    p:option("--floors", "Exit 1 when a category's F1 is below its floor: cat=x,cat=y.")
    return p
  end,
  run = function(a)
    local floors = {}
    if a.floors then
      local f, ferr = M.parse_floors(a.floors)
      if not f then warn("entente eval: --floors: ", ferr, "\n"); return 2 end
      floors = f
    end
    local gold, gerrs = eval.load_gold(a.gold)
    if not gold then warn("entente eval: ", gerrs, "\n"); return 1 end
    for _, m in ipairs(gerrs) do warn(m, "\n") end
    local st = open_ro(a.db)
    if not st then return 1 end
    local sheets = {}
    for _, s in ipairs(facts.sheets(st)) do sheets[s.doc] = s end
    local res = eval.evaluate(gold, sheets, { explain = eval.explainer(st) })
    st:close()

    -- false hits grouped by rule
    local by_rule, rorder = {}, {}
    for _, fh in ipairs(res.false_hits) do
      local labels = #fh.rules > 0 and fh.rules or { { rule = "(no provenance)" } }
      for _, p in ipairs(labels) do
        local k = p.file and facts.prov_label(p) or p.rule
        if not by_rule[k] then by_rule[k] = { rule = k, n = 0, items = {} }; rorder[#rorder + 1] = k end
        by_rule[k].n = by_rule[k].n + 1
        table.insert(by_rule[k].items, fh)
      end
    end
    table.sort(rorder, function(x, y)
      if by_rule[x].n ~= by_rule[y].n then return by_rule[x].n > by_rule[y].n end
      return x < y
    end)

    local failed = {}
    if a.min_f1 and res.overall.f1 < a.min_f1 then
      failed[#failed + 1] = string.format("overall F1 %s is below --min-f1 %s", f3(res.overall.f1), a.min_f1)
    end
    for _, cat in ipairs(eval.CATEGORIES) do
      if floors[cat] and res.categories[cat].f1 < floors[cat] then
        failed[#failed + 1] = string.format("%s F1 %s is below its floor %s", cat,
          f3(res.categories[cat].f1), floors[cat])
      end
    end
    if floors.overall and res.overall.f1 < floors.overall then
      failed[#failed + 1] = string.format("overall F1 %s is below its floor %s", f3(res.overall.f1),
        floors.overall)
    end

    if a.json then
      local o = { gold = a.gold, overall = counts_json(res.overall), categories = {},
        cooperation = { hits = res.cooperation.hits, sector_jaccard = res.cooperation.jaccard,
          stage_agreement = res.cooperation.stage_agreement },
        missing_documents = json.array(res.missing), gold_errors = json.array(gerrs),
        false_hits = json.array({}), misses = json.array({}), failed = json.array(failed) }
      for _, cat in ipairs(eval.CATEGORIES) do o.categories[cat] = counts_json(res.categories[cat]) end
      for _, fh in ipairs(res.false_hits) do
        local labels = {}
        for i, p in ipairs(fh.rules) do labels[i] = facts.prov_label(p) end
        table.insert(o.false_hits, { doc = fh.doc, category = fh.category, item = fh.item,
          rules = json.array(labels) })
      end
      for _, m in ipairs(res.misses) do
        table.insert(o.misses, { doc = m.doc, category = m.category, item = m.item,
          why = m.why or json.null })
      end
      if a.per_doc then
        local docs = {}
        for _, d in ipairs(res.documents) do
          local cats = {}
          for cat, c in pairs(d.categories) do cats[cat] = counts_json(c) end
          docs[#docs + 1] = { doc = d.doc, missing = d.missing, overall = counts_json(d.overall),
            categories = cats, cooperation = d.cooperation }
        end
        o.documents = json.array(docs)
      end
      say(json.encode(o), "\n")
    else
      say(string.format("gold %s: %d document%s\n", a.gold, #gold, #gold == 1 and "" or "s"))
      if #res.missing > 0 then
        say(string.format("not in the store (counted as all misses): %s\n", table.concat(res.missing, ", ")))
      end
      local rows = table_rows(eval.CATEGORIES, res.categories)
      local o = res.overall
      rows[#rows + 1] = { category = "overall", P = f3(o.p), R = f3(o.r), F1 = f3(o.f1), TP = o.tp,
        FP = o.fp, FN = o.fn }
      say("\n", fmt.table(rows, COLS), "\n")
      local co = res.cooperation
      if co.hits > 0 then
        say(string.format("\ncooperation over %d hit%s: sector Jaccard %s, stage agreement %s " ..
          "(%d of %d)\n", co.hits, co.hits == 1 and "" or "s", f3(co.jaccard), f3(co.stage_agreement),
          co.stage_agree, co.hits))
      end
      if a.per_doc then
        for _, d in ipairs(res.documents) do
          local dc = d.overall
          say(string.format("\n%s%s: P %s R %s F1 %s (TP %d FP %d FN %d)\n", d.doc,
            d.missing and " (not in the store)" or "", f3(dc.p), f3(dc.r), f3(dc.f1), dc.tp, dc.fp, dc.fn))
          say(fmt.table(table_rows(eval.CATEGORIES, d.categories), COLS), "\n")
          if d.cooperation and d.cooperation.hits > 0 then
            say(string.format("cooperation: sector Jaccard %s, stage agreement %s\n",
              f3(d.cooperation.jaccard), f3(d.cooperation.stage_agreement)))
          end
        end
      end
      if #rorder > 0 then
        say("\nfalse hits by rule\n")
        for _, k in ipairs(rorder) do
          local r = by_rule[k]
          say(string.format("  %s: %d\n", k, r.n))
          for _, fh in ipairs(r.items) do
            say(string.format("    %s  %s %s\n", fh.doc, fh.category, fh.text))
          end
        end
      end
      if #res.misses > 0 then
        say("\nmisses\n")
        for _, m in ipairs(res.misses) do
          say(string.format("  %s  %s %s: %s\n", m.doc, m.category, m.text, m.why or "?"))
        end
      end
      for _, f in ipairs(failed) do say("FAILED: ", f, "\n") end
      say("overall F1 ", f3(res.overall.f1), "\n")
    end
    return #failed > 0 and 1 or 0
  end,
}

return M
