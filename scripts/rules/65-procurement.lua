-- 65-procurement: PROCUREMENT (buyer, supplier, supplier_org, item, value,
-- stage) and TECH_TRANSFER, docs/MODEL.md.
local R = include "rel_common"
local Money = include "rel_money"

-- The buyer stands before these and the supplier after ("X bought jets from Y").
local BUY = { "buy", "buys", "buying", "bought", "purchas*", "order", "ordered", "orders", "procur*",
  "acquir*", "acquisition*", "contract with", "contracts with", "deal with", "signed with", "import*",
  "operat*", "flies", "selected", "chose", "chosen" }
-- The supplier stands before these and the buyer after ("Y delivered jets to X").
local SELL = { "sell", "sells", "sold", "deliver*", "supplied", "supplies", "supply", "export*",
  "handed over", "donated", "gifted", "transferred" }

-- Candidates: actor countries (names and demonyms) and companies with a home country.
local function candidates(d, s, w)
  local out = {}
  for _, m in ipairs(d:mentions { type = "COUNTRY", sentence = s.index }) do
    if m.key and R.is_actor(d, m, w) then out[#out + 1] = { key = m.key, start = m.start, m = m } end
  end
  for _, o in ipairs(d:mentions { type = "ORG", sentence = s.index }) do
    if o.attrs and o.attrs.kind == "company" and o.attrs.country then
      out[#out + 1] = { key = o.attrs.country, start = o.start, org = o }
    end
  end
  table.sort(out, function(x, y) return x.start < y.start end)
  return out
end

local function items_of(d, s)
  local names = {}
  for _, m in ipairs(d:mentions { type = "ASSET", sentence = s.index }) do names[#names + 1] = m.text end
  if #names == 0 then return nil end
  return table.concat(names, "; ")
end

-- Who buys from whom in a sentence with a buying or selling verb. When the
-- sentence names only the buyer, a country of the pair in focus, the
-- supplier is the other country of the pair.
rule {
  name = "procurement_buyer_supplier",
  phase = "relations",
  needs = { COUNTRY = 1 },
  description = "PROCUREMENT: buyer and supplier from buying and selling verbs",
  run = function(d)
    for s in d:sentences() do
      local w = R.words_of(d, s.start, s.stop)
      local buys = R.find_all(w.words, "proc_buy", BUY)
      local sells = R.find_all(w.words, "proc_sell", SELL)
      local cue, selling = buys[1], false
      if sells[1] and (not cue or sells[1][1] < cue[1]) then cue, selling = sells[1], true end
      local cands = cue and candidates(d, s, w) or {}
      if cue and #cands > 0 then
        local at = w.starts[cue[1]]
        local before, after = {}, {}
        for _, c in ipairs(cands) do
          if c.start < at then before[#before + 1] = c else after[#after + 1] = c end
        end
        -- a seller may be a company; a buyer is a country
        local subj = before[#before]
        if not selling then
          for i = #before, 1, -1 do if not before[i].org then subj = before[i]; break end end
        end
        local objs = {}
        for _, c in ipairs(after) do
          if (not subj or c.key ~= subj.key) then
            local last = objs[#objs]
            if not last then objs[1] = c
            elseif fold(d.text:sub((last.m or last.org).stop + 1, c.start)):gsub("[%s,]", "")
              :gsub("^and$", ""):gsub("^or$", "") == "" then objs[#objs + 1] = c
            else break end
          end
        end
        local pair = R.focus_pair(d)
        if not selling and subj and #objs == 0 and #pair == 2 and #cands == 1 and R.in_focus(d, subj.key) then
          objs[1] = { key = subj.key == pair[1] and pair[2] or pair[1] }
        end
        for _, obj in ipairs(objs) do
        local buyer, supplier
        if selling then buyer, supplier = obj, subj else buyer, supplier = subj, obj end
        if buyer and supplier and buyer.key ~= supplier.key and not buyer.org then
          local info = R.read(d, s.start, s.stop)
          local money = Money.in_span(d, s.start, s.stop)
          local org = supplier.org
          if not org then
            for _, c in ipairs(cands) do if c.org and c.key == supplier.key then org = c.org end end
          end
          local stage = info.stage or "intent"
          d:relate("PROCUREMENT", { buyer = buyer.m or buyer.key, supplier = supplier.m or supplier.key,
            supplier_org = org },
            { item = items_of(d, s), value = money[1] and money[1].amount,
              currency = money[1] and money[1].currency,
              stage = stage, modality = info.modality, cameo = stage == "intent" and "0312" or "062" },
            { s.start, s.stop })
        end
        end
      end
    end
  end,
  examples = {
    { "Argentina bought 24 fighter jets from Denmark last year.",
      relations = { { "PROCUREMENT", buyer = "ARG", supplier = "DNK", stage = "delivery" } } },
    { "Sweden delivered the first radars to Thailand in March.",
      relations = { { "PROCUREMENT", buyer = "THA", supplier = "SWE", stage = "delivery" } } },
    { "Kenya plans to buy patrol boats from India.",
      relations = { { "PROCUREMENT", buyer = "KEN", supplier = "IND", stage = "intent" } } },
    { "France has sold its jets to Egypt, Qatar and Greece.",
      relations = { { "PROCUREMENT", buyer = "QAT", supplier = "FRA" },
        { "PROCUREMENT", buyer = "GRC", supplier = "FRA" } } },
    { "Egypt and Italy discussed regional security.", absent = { { "PROCUREMENT" } } },
  },
}

-- One direction per pair: where sentences disagree on who buys from whom,
-- the direction most sentences give wins (ties: the first said).
rule {
  name = "procurement_direction_vote",
  phase = "document",
  description = "drop PROCUREMENT relations whose direction the rest of the document contradicts",
  run = function(d)
    local votes, first = {}, {}
    local function key(v) return type(v) == "table" and v.key or v end
    local list = d:relations_of { type = "PROCUREMENT" }
    for i, r in ipairs(list) do
      local dir = key(r.args.buyer) .. ">" .. key(r.args.supplier)
      votes[dir] = (votes[dir] or 0) + 1
      first[dir] = first[dir] or i
    end
    for _, r in ipairs(list) do
      local dir = key(r.args.buyer) .. ">" .. key(r.args.supplier)
      local rev = key(r.args.supplier) .. ">" .. key(r.args.buyer)
      local v, rv = votes[dir], votes[rev] or 0
      if rv > v or (rv == v and first[rev] and first[rev] < first[dir]) then r.removed = true end
    end
  end,
  examples = {
    { "Chile bought frigates from Spain. Chile ordered two more from Spain. Spain ordered spares from Chile.",
      relations = { { "PROCUREMENT", buyer = "CHL", supplier = "ESP" } },
      absent = { { "PROCUREMENT", buyer = "ESP", supplier = "CHL" } } },
  },
}

local TOT = { "technology transfer", "transfer of technology", "technology-transfer", "tot", "know-how",
  "knowledge transfer", "share technology", "sharing technology", "transfer of know-how",
  "licensed production", "licence production", "license production", "local production" }

-- Technology transfer between the pair a sentence speaks of: from the
-- supplier of the pair's procurement (or the country after "from") to the
-- buyer; stage as the sentence says.
rule {
  name = "tech_transfer_pair",
  phase = "relations",
  description = "TECH_TRANSFER from supplier to buyer",
  run = function(d)
    local supplier_of = {}
    for _, r in ipairs(d:relations_of { type = "PROCUREMENT" }) do
      local b = type(r.args.buyer) == "table" and r.args.buyer.key or r.args.buyer
      local sp = type(r.args.supplier) == "table" and r.args.supplier.key or r.args.supplier
      supplier_of[b] = supplier_of[b] or sp
    end
    local pair = R.focus_pair(d)
    for s in d:sentences() do
      local w = R.words_of(d, s.start, s.stop)
      if #R.find_all(w.words, "tot", TOT) > 0 then
        local keys = {}
        for _, m in ipairs(d:mentions { type = "COUNTRY", sentence = s.index }) do
          if m.key and R.is_actor(d, m, w) then keys[#keys + 1] = m.key end
        end
        local from, to
        for _, k in ipairs(keys) do
          if supplier_of[k] then to, from = k, supplier_of[k]; break end
          for b, sp in pairs(supplier_of) do if sp == k then from, to = k, b end end
          if from then break end
        end
        if not from and #pair == 2 and supplier_of[pair[1]] == pair[2] then from, to = pair[2], pair[1] end
        if not from and #pair == 2 and supplier_of[pair[2]] == pair[1] then from, to = pair[1], pair[2] end
        if from and to and from ~= to then
          local info = R.read(d, s.start, s.stop)
          d:relate("TECH_TRANSFER", { from = from, to = to },
            { stage = info.stage or "intent", modality = info.modality, item = items_of(d, s) },
            { s.start, s.stop })
        end
      end
    end
  end,
  examples = {
    { "Brazil bought fighter jets from Sweden. Brazil wants more technology transfer.",
      relations = { { "TECH_TRANSFER", from = "SWE", to = "BRA", stage = "intent" } } },
  },
}
