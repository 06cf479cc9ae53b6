-- 65-procurement: PROCUREMENT (buyer, supplier, supplier_org, item, value,
-- stage) and TECH_TRANSFER, docs/MODEL.md.
local R = include "rel_common"
local Money = include "rel_money"

-- The buyer stands before these and the supplier after ("X bought jets from Y").
-- "built in Y" / "made in Y" name the maker's country after the buyer, as
-- "bought from Y" does; "received" and "commissioned" are the buyer's verbs.
local BUY = { "buy", "buys", "buying", "bought", "purchas*", "order", "ordered", "orders", "procur*",
  "acquir*", "acquisition*", "contract with", "contracts with", "deal with", "signed with", "import*",
  "operate", "operates", "operated", "operating", "flies", "selected", "chose", "chosen", "received",
  "receives", "receive", "took delivery", "takes delivery", "commissioned", "commissions", "inducted",
  "inducts", "built in", "manufactured in" }
-- The supplier stands before these and the buyer after ("Y delivered jets to X").
local SELL = { "sell", "sells", "sold", "deliver*", "supplied", "supplies", "supply", "export*",
  "handed over", "donated", "gifted", "transferred", "provide", "provides", "provided", "providing" }

-- "<demonym>-built", "US-made": the country named is where the thing comes
-- from, a supplier and never the buyer.
local ORIGIN_SUFFIX = { built = true, made = true, designed = true, origin = true, supplied = true,
  manufactured = true, produced = true, developed = true }
local function origin_marked(d, m)
  local after = d.text:sub(m.stop + 1, m.stop + 60)
  local w = after:match("^%-(%a+)") or after:match("^%-%s+and%s+[%w ]-%-(%a+)")
    or after:match("^%-%s+or%s+[%w ]-%-(%a+)")
  return w ~= nil and ORIGIN_SUFFIX[w:lower()] == true
end

-- "It has received ...", "The country is acquiring ...": a sentence whose
-- subject is a pronoun for the country the document is about.
local PRONOUN_SUBJECT = { { "it" }, { "the", "country" }, { "the", "kingdom" }, { "the", "nation" },
  { "the", "republic" } }
local function pronoun_subject(w)
  for _, ph in ipairs(PRONOUN_SUBJECT) do
    local ok = true
    for k, t in ipairs(ph) do if w.words[k] ~= t then ok = false end end
    if ok then return true end
  end
  return false
end

-- Candidates: actor countries (names and demonyms), companies with a home
-- country (suppliers only), and armed forces and ministries with a country,
-- which buy for it ("the Royal Thai Air Force ordered ..."). A country
-- marked as an origin ("German-built") can only supply.
local function candidates(d, s, w)
  local out = {}
  for _, m in ipairs(d:mentions { type = "COUNTRY", sentence = s.index }) do
    -- "built in Japan" names a place, and the maker's country
    local pre = fold(d.text:sub(math.max(s.start, m.start - 30) + 1, m.start))
    local built_in = pre:find("built%s+in%s+$") or pre:find("manufactured%s+in%s+$")
    if m.key and (built_in or R.is_actor(d, m, w)) then
      out[#out + 1] = { key = m.key, start = m.start, stop = m.stop, m = m,
        origin = built_in ~= nil or origin_marked(d, m) }
    end
  end
  for _, o in ipairs(d:mentions { type = "ORG", sentence = s.index }) do
    local kind = o.attrs and o.attrs.kind
    if o.attrs and o.attrs.country and (kind == "company" or kind == "military" or kind == "government") then
      local c = { key = o.attrs.country, start = o.start, stop = o.stop }
      if kind == "company" then c.org = o else c.force = o end
      out[#out + 1] = c
    end
  end
  table.sort(out, function(x, y) return x.start < y.start end)
  -- one candidate per place: a country inside a force's name is the force
  local kept = {}
  for _, c in ipairs(out) do
    local prev = kept[#kept]
    if prev and c.start < prev.stop then
      if (c.stop - c.start) > (prev.stop - prev.start) then kept[#kept] = c end
    else
      kept[#kept + 1] = c
    end
  end
  return kept
end

-- Are x and y in one list "France, Italy and Germany"?
local function listed(d, x, y)
  if not x.stop then return false end
  return fold(d.text:sub(x.stop + 1, y.start)):gsub("[%s,]", ""):gsub("^and$", ""):gsub("^or$", "") == ""
end

-- The word before a candidate: a preposition makes it an object ("ties
-- with Turkey", "a contract with Korea"), not the subject of the clause.
local PREP = { with = true, from = true, to = true, of = true, ["for"] = true, by = true, ["in"] = true,
  against = true, over = true, between = true, among = true }
-- Nouns that introduce countries as members of a group ("allies Latvia and Norway").
local GROUP = { allies = true, members = true, states = true, neighbours = true, neighbors = true }
local DET = { the = true, a = true, an = true, its = true, their = true }
local function words_before(d, s, c)
  local ws = {}
  for x in fold(d.text:sub(math.max(s.start, c.start - 60) + 1, c.start)):gmatch("%a+") do ws[#ws + 1] = x end
  local n = #ws
  if DET[ws[n]] then n = n - 1 end
  return ws[n] or "", ws[n - 1] or "", ws[n - 2] or ""
end
local function word_before(d, s, c) return (words_before(d, s, c)) end
-- "a contract with Korea", "an agreement with the United States"
local INSTRUMENT = { contract = true, contracts = true, agreement = true, agreements = true, deal = true,
  deals = true, arrangement = true, mou = true, memorandum = true }
local function instrument_with(d, s, c)
  local w1, w2, w3 = words_before(d, s, c)
  return w1 == "with" and (INSTRUMENT[w2] or INSTRUMENT[w3])
end

-- Does a new clause start between offsets a and b (", and", ";", "which" ...)?
local function clause_break(d, a, b)
  local gap = " " .. fold(d.text:sub(a + 1, b)) .. " "
  return gap:find(";", 1, true) ~= nil or gap:find(",%s*and%s") ~= nil or gap:find(",%s*but%s") ~= nil
    or gap:find("%swhich%s") ~= nil or gap:find("%swhile%s") ~= nil or gap:find("%swhereas%s") ~= nil
    or gap:find(",%s*as%s") ~= nil or gap:find("%.%s") ~= nil
end

-- A definite noun phrase standing for an asset already named.
local THE_ASSET = { "the jet", "the jets", "the aircraft", "the fighter", "the fighters", "the system",
  "the systems", "the ship", "the ships", "the vessel", "the vessels", "the submarine", "the submarines",
  "the tank", "the tanks", "the helicopter", "the helicopters", "the drone", "the drones", "the missile",
  "the missiles", "the type", "the frigate", "the frigates", "the howitzer", "the howitzers" }
-- The origin of the asset named last in the three sentences before s.
local function last_origin(d, s)
  local found
  for _, a in ipairs(d:mentions { type = "ASSET", within = { math.max(0, s.start - 1500), s.start } }) do
    local o = a.attrs and a.attrs.origin
    local si = d:sentence_of(a.start)
    if o and #o == 3 and (type(si) ~= "number" or s.index - si <= 3) then found = o end
  end
  return found
end

local function items_of(d, s)
  local names = {}
  for _, m in ipairs(d:mentions { type = "ASSET", sentence = s.index }) do names[#names + 1] = m.text end
  if #names == 0 then return nil end
  return table.concat(names, "; ")
end

-- A PROCUREMENT said by sentence s: its item, value and stage (and the
-- stage's modality) as the sentence says them.
local function relate_procurement(d, s, buyer, supplier, org)
  local info = R.read(d, s.start, s.stop)
  local money = Money.in_span(d, s.start, s.stop)
  local stage = info.stage or "intent"
  return d:relate("PROCUREMENT", { buyer = buyer, supplier = supplier, supplier_org = org },
    { item = items_of(d, s), value = money[1] and money[1].amount,
      currency = money[1] and money[1].currency,
      stage = stage, modality = info.modality, cameo = stage == "intent" and "0312" or "062" },
    { s.start, s.stop })
end

-- Who buys from whom in a sentence with a buying or selling verb: the buyer
-- (a country, or its armed forces) before a buying verb and the supplier
-- after it, the other way round for a selling verb, and both swapped by a
-- passive "by". A country marked as an origin ("German-built") supplies. When
-- the sentence names only the buyer, the supplier is the origin of the asset
-- it names, else (the buyer in focus) the other country of the pair.
rule {
  name = "procurement_buyer_supplier",
  phase = "relations",
  needs = { COUNTRY = 1 },
  description = "PROCUREMENT: buyer and supplier from buying and selling verbs",
  run = function(d)
    local prev_subject -- the country the last sentence opened with
    for s in d:sentences() do
      local w = R.words_of(d, s.start, s.stop)
      local opener = prev_subject
      prev_subject = nil
      -- every buying and selling verb of the sentence, in order: "X has
      -- ordered eight, and has also been selected by Y and Z"
      local cues = {}
      for _, c in ipairs(R.find_all(w.words, "proc_buy", BUY)) do cues[#cues + 1] = { c, false } end
      for _, c in ipairs(R.find_all(w.words, "proc_sell", SELL)) do cues[#cues + 1] = { c, true } end
      table.sort(cues, function(x, y) return x[1][1] < y[1][1] end)
      local cands = candidates(d, s, w)
      local c1 = cands[1]
      if c1 and not c1.org and not c1.origin and w.starts[4] and c1.start <= w.starts[4] then
        prev_subject = c1
      end
      -- "It ... It ...": a pronoun keeps the country it stands for
      if not prev_subject and opener and pronoun_subject(w) then prev_subject = opener end
      local pair = R.focus_pair(d)
      for _, cs in ipairs(cues) do
      local cue, selling = cs[1], cs[2]
      -- passive: "were supplied by Y", "ordered by X" swap the sides
      if w.words[cue[2] + 1] == "by" then selling = not selling end
      if #cands > 0 then
        local at = w.starts[cue[1]]
        local before, after = {}, {}
        for _, c in ipairs(cands) do
          if c.start < at then before[#before + 1] = c else after[#after + 1] = c end
        end
        -- the subject: the last candidate before the cue (a buyer is a
        -- country or its forces, a seller may be a company), with the list
        -- it ends ("Egypt, Qatar and India have bought ...")
        local subj_i = #before
        local pre_objs = {}
        if not selling then
          subj_i = nil
          for i = #before, 1, -1 do
            local c = before[i]
            local head = i -- the first of the list c stands in
            while head > 1 and listed(d, before[head - 1], before[head]) do head = head - 1 end
            local prep = PREP[word_before(d, s, before[head])]
            if not c.org and not prep then subj_i = i; break end
            -- "signed a contract with Korea to buy ...": the supplier
            if instrument_with(d, s, c) then table.insert(pre_objs, 1, c) end
          end
        end
        local subjs = {}
        if subj_i and subj_i > 0 then
          local k = subj_i
          while k > 1 and listed(d, before[k - 1], before[k]) do k = k - 1 end
          for i = k, subj_i do subjs[#subjs + 1] = before[i] end
        end
        -- "It has received ...": the pronoun stands for the country the
        -- sentence before opened with
        if #subjs == 0 and not selling and pronoun_subject(w) and opener then
          subjs[1] = { key = opener.key }
        end
        local skey = subjs[#subjs] and subjs[#subjs].key
        local objs = {}
        for _, c in ipairs(pre_objs) do if c.key ~= skey and #subjs > 0 then objs[#objs + 1] = c end end
        local nobj = #objs
        -- the object: the first candidate after the cue in the same clause, with its list
        for _, c in ipairs(after) do
          if c.key ~= skey then
            local last = objs[#objs]
            if #objs == nobj then
              if clause_break(d, w.stops[cue[2]], c.start) then break end
              -- "in service with NATO allies X and Y": other users, not suppliers
              if GROUP[word_before(d, s, c)] then break end
              objs[#objs + 1] = c
            elseif listed(d, last, c) then objs[#objs + 1] = c
            else break end
          end
        end
        -- an origin ("US-made aircraft for New Zealand") supplies whatever
        -- side of the cue it stands on
        if not selling and #subjs > 0 and subjs[#subjs].origin then
          subjs, objs, selling = { subjs[#subjs] }, objs, true
        end
        if not selling and #subjs > 0 then
          for _, c in ipairs(cands) do
            if c.origin and c.key ~= skey then
              local dup = false
              for _, o in ipairs(objs) do if o.key == c.key then dup = true end end
              if not dup then objs[#objs + 1] = c end
            end
          end
        end
        -- no supplier named: the origin of the asset the sentence names
        -- (a third country's asset: "Peru operates F-16s"; for the pair in
        -- focus the partner is the likelier supplier, and an asset named
        -- before the verb is not what was bought)
        if not selling and #subjs > 0 and #objs == 0 and not R.in_focus(d, skey) then
          for _, a in ipairs(d:mentions { type = "ASSET", sentence = s.index }) do
            local o = a.attrs and a.attrs.origin
            if o and o ~= skey and #o == 3 and a.start > at then objs[1] = { key = o }; break end
          end
          -- "... have already bought the jet": the asset last named before
          if #objs == 0 and R.any_in(w.words, cue[2] + 1, cue[2] + 3, "proc_the_asset", THE_ASSET) then
            local o = last_origin(d, s)
            if o and o ~= skey then objs[1] = { key = o } end
          end
        end
        if not selling and #subjs == 1 and #objs == 0 and #pair == 2 and #cands == 1
          and R.in_focus(d, skey) then
          objs[1] = { key = skey == pair[1] and pair[2] or pair[1] }
        end
        for _, subj in ipairs(subjs) do
        for _, obj in ipairs(objs) do
        local buyer, supplier
        if selling then buyer, supplier = obj, subj else buyer, supplier = subj, obj end
        if buyer and supplier and buyer.key ~= supplier.key and not buyer.org and not buyer.origin then
          local org = supplier.org
          if not org then
            for _, c in ipairs(cands) do if c.org and c.key == supplier.key then org = c.org end end
          end
          relate_procurement(d, s, buyer.m or buyer.key, supplier.m or supplier.key, org)
        end
        end
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
    { "The Peruvian Navy operates two frigates that were supplied by Italy.",
      relations = { { "PROCUREMENT", buyer = "PER", supplier = "ITA" } } },
    { "Vietnam, Indonesia and Algeria have ordered submarines from Russia.",
      relations = { { "PROCUREMENT", buyer = "VNM", supplier = "RUS" },
        { "PROCUREMENT", buyer = "IDN", supplier = "RUS" } } },
    { "Ghana commissioned two Chinese-built patrol boats on Friday.",
      relations = { { "PROCUREMENT", buyer = "GHA", supplier = "CHN" } },
      absent = { { "PROCUREMENT", buyer = "CHN" } } },
    { "The deal is the third US-made aircraft purchase for Norway this decade.",
      relations = { { "PROCUREMENT", buyer = "NOR", supplier = "USA" } },
      absent = { { "PROCUREMENT", buyer = "USA" } } },
    { "Greece ordered the howitzer, already in service with NATO allies Latvia, Lithuania and Norway.",
      absent = { { "PROCUREMENT", supplier = "LVA" } } },
    { "The Royal Thai Navy operates two frigates built in China.",
      relations = { { "PROCUREMENT", buyer = "THA", supplier = "CHN" } } },
    { "Hungary has ordered air-defence systems from Germany. It has also received tanks from Austria.",
      relations = { { "PROCUREMENT", buyer = "HUN", supplier = "AUT" } } },
    { "The Royal Navy has ordered eight of the frigates, which were also selected by Australia and Canada.",
      relations = { { "PROCUREMENT", buyer = "AUS", supplier = "GBR" } } },
    { "The UAE has ordered 80 Rafale jets. Egypt and Qatar have already bought the jet.",
      relations = { { "PROCUREMENT", buyer = "EGY", supplier = "FRA" } } },
  },
}

-- An instrument for platforms, signed by a buyer and a supplier, with no
-- buying verb: "India and France signed an agreement for 26 jets", "the
-- navy and a Dutch shipbuilder signed a letter of intent to build patrol
-- vessels". The supplier is the one foreign company of the sentence, else
-- the origin of the asset it names; the buyer is the one other country (or
-- its forces or ministry) in the sentence. The instrument must be about
-- platforms (named within a dozen words after it, in its clause) or bind a
-- government buyer and a company. Only where the sentence gave no
-- PROCUREMENT by its verbs.
local INSTRUMENT_CUES = { "contract", "contracts", "deal", "agreement", "order", "letter of intent",
  "memorandum of understanding", "mou", "arrangement", "accord" }
local PLATFORM_WORDS = { "jet*", "fighter*", "aircraft", "helicopter*", "drone*", "ship*", "vessel*",
  "frigate*", "corvette*", "submarine*", "boat*", "tank*", "howitzer*", "missile*", "radar*",
  "rifle*", "vehicle*", "trainer*", "transport*", "patrol", "warship*", "destroyer*", "system*" }
rule {
  name = "procurement_instrument",
  phase = "relations",
  needs = { COUNTRY = 1 },
  description = "PROCUREMENT from an instrument for platforms signed by buyer and supplier",
  run = function(d)
    local done = {} -- sentences that already have a PROCUREMENT
    for _, r in ipairs(d:relations_of { type = "PROCUREMENT" }) do
      done[d:sentence_of(r.start) or -1] = true
    end
    for s in d:sentences() do
      local w = R.words_of(d, s.start, s.stop)
      local inst = not done[s.index] and R.find_all(w.words, "proc_instrument", INSTRUMENT_CUES) or {}
      if #inst > 0 then
        local assets = d:mentions { type = "ASSET", sentence = s.index }
        local cands = candidates(d, s, w)
        -- the platforms must follow the instrument in its clause, within a dozen words
        local at = {} -- where platforms are named
        for _, a in ipairs(assets) do at[#at + 1] = a.start end
        for _, p in ipairs(R.find_all(w.words, "proc_platform", PLATFORM_WORDS)) do
          at[#at + 1] = w.starts[p[1]]
        end
        local about = false
        for _, c in ipairs(inst) do
          local j = c[2]
          for _, x in ipairs(at) do
            if x >= w.stops[j] and (not w.starts[j + 13] or x < w.starts[j + 13])
              and not clause_break(d, w.stops[j], x) then about = true end
          end
        end
        -- or the instrument binds a government buyer (its forces or a
        -- ministry) and a company: "the contract between the Saudi Ministry
        -- of Defense and Turkish drone maker Baykar"
        local force, company_keys, ncompanies = false, {}, 0
        for _, c in ipairs(cands) do
          if c.force then force = true end
          if c.org then
            if not company_keys[c.key] then ncompanies = ncompanies + 1 end
            company_keys[c.key] = c.org -- the last company of that country
          end
        end
        about = about or (force and ncompanies > 0)
        -- the supplier: the one country of the sentence's companies, else
        -- the origin of the first asset that has one, if the sentence names it
        local supplier, org
        if ncompanies == 1 then
          supplier, org = next(company_keys)
        else
          for _, a in ipairs(assets) do
            local o = a.attrs and a.attrs.origin
            if o and #o == 3 then supplier = o; break end
          end
          local named = false
          for _, c in ipairs(cands) do if c.key == supplier then named = true end end
          if not named then supplier = nil end
        end
        -- the buyer: the one country other than the supplier (not a company, not an origin)
        local buyer
        for _, c in ipairs(cands) do
          if not c.org and not c.origin and c.key ~= supplier then
            if buyer and buyer.key ~= c.key then buyer = nil; break end
            buyer = buyer or c
          end
        end
        if about and buyer and supplier then
          relate_procurement(d, s, buyer.m or buyer.key, supplier, org)
        end
      end
    end
  end,
  examples = {
    { "India and France signed an agreement on Monday for 26 Rafale Marine fighters.",
      relations = { { "PROCUREMENT", buyer = "IND", supplier = "FRA", stage = "framework" } } },
    { "Peru's navy and the Dutch shipbuilder Damen signed a letter of intent to build four patrol vessels.",
      relations = { { "PROCUREMENT", buyer = "PER", supplier = "NLD" } } },
    { "Italy and Malaysia signed an agreement on defence research.", absent = { { "PROCUREMENT" } } },
    { "The contract was signed in May between the Chilean Ministry of Defence and Spanish shipbuilder "
      .. "Navantia.", relations = { { "PROCUREMENT", buyer = "CHL", supplier = "ESP" } } },
    -- an agreement in another clause is not about the aircraft
    { "Both governments signed a cooperation agreement in 2015, and Norwegian officials have shown "
      .. "interest in Embraer's transport aircraft.", absent = { { "PROCUREMENT" } } },
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
          -- the buyer supplied by k (the first by key: pairs() order is not stable)
          for b, sp in pairs(supplier_of) do
            if sp == k and (not to or b < to) then from, to = k, b end
          end
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

-- Buying arms from a country is material cooperation with it: every
-- PROCUREMENT the document keeps also makes COOPERATION between buyer and
-- supplier, at the procurement's stage and with the sectors of its sentence.
rule {
  name = "procurement_cooperation",
  phase = "document",
  description = "COOPERATION between the buyer and the supplier of each PROCUREMENT",
  run = function(d)
    local function key(v) return type(v) == "table" and v.key or v end
    for _, r in ipairs(d:relations_of { type = "PROCUREMENT" }) do
      local b, sp = key(r.args.buyer), key(r.args.supplier)
      local mod = r.attrs.modality or "asserted"
      if b and sp and b ~= sp and #b == 3 and #sp == 3 and (mod == "asserted" or mod == "intended") then
        if sp < b then b, sp = sp, b end
        local stage = r.attrs.stage or "intent"
        local set = R.sectors_in(d, r.start, r.stop)
        set.defence = true -- arms procurement is defence cooperation whatever the item
        d:relate("COOPERATION", { a = b, b = sp },
          { stage = stage, cameo = R.CAMEO[stage], modality = mod, sectors = R.set_list(set),
            how = "procurement" }, { r.start, r.stop })
      end
    end
  end,
  examples = {
    { "Kazakhstan's air force operates transport aircraft it bought from Spain.",
      relations = { { "COOPERATION", a = "ESP", b = "KAZ", how = "procurement" } } },
  },
}
