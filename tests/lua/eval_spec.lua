-- entente.eval: name matching, set scoring, cooperation quality, gold files.
local eval = require "entente.eval"

local tmp = os.getenv("ENTENTE_TEST_TMP") or "/tmp/entente-spec"
os.execute("mkdir -p '" .. tmp .. "'")

describe("name matching", function()
  it("folds case and diacritics, drops punctuation and collapses spaces", function()
    assert.equal("recep tayyip erdogan", eval.norm("  Recep  Tayyip ERDOĞAN "))
    assert.is_true(eval.names_match("Türkiye", "TURKIYE"))
    assert.is_true(eval.names_match("U.S. Navy", "US Navy"))
    assert.is_true(eval.names_match("Waker-uz-Zaman", "Waker uz Zaman"))
    assert.is_true(eval.names_match("Dato' Sri Ahmad", "Dato Sri Ahmad"))
    assert.is_false(eval.names_match("Leonardo", "Leonardo DRS"))
  end)

  it("matches a name with an alias of the other, either way", function()
    local org = { name = "Ministry of Defence", aliases = { "MINDEF" } }
    assert.is_true(eval.names_match(org, "Mindef"))
    assert.is_true(eval.names_match({ name = "MINDEF" }, org))
    assert.is_false(eval.names_match(org, "MoD"))
  end)

  it("strips leading and trailing honorifics, ranks and offices", function()
    assert.equal("mohamed khaled nordin", eval.strip("Datuk Seri Mohamed Khaled Nordin"))
    assert.is_true(eval.names_match("Datuk Seri Mohamed Khaled Nordin", "Mohamed Khaled Nordin"))
    assert.is_true(eval.names_match("Hon. Giorgia Meloni", "Giorgia Meloni"))
    assert.is_true(eval.names_match("Prime Minister Anwar Ibrahim", "Anwar Ibrahim"))
    assert.is_true(eval.names_match("Gen. Ahmad Bin Ali", "General Ahmad Bin Ali"))
    -- hereditary titles flagged strip=no stay part of the name
    assert.is_false(eval.names_match("Tengku Zafrul", "Zafrul"))
    -- a name is never stripped to nothing
    assert.equal("dr", eval.strip("Dr"))
  end)
end)

describe("set scoring", function()
  it("counts hits, false hits and misses one to one", function()
    local r = eval.score_category("countries", { "ITA", "MYS", "TUR" }, {}, { "MYS", "MYS", "ITA", "KOR" })
    assert.same({ 2, 2, 1 }, { r.tp, r.fp, r.fn })
    local p, rec, f = eval.prf(r.tp, r.fp, r.fn)
    assert.near(0.5, p, 1e-9)
    assert.near(2 / 3, rec, 1e-9)
    assert.near(4 / 7, f, 1e-9)
  end)

  it("counts optional items neither as misses nor as false hits", function()
    local gold = { { name = "Anwar Ibrahim" } }
    local optional = { { name = "Bernama" }, { name = "Facebook" } }
    local found = { { name = "Datuk Seri Anwar Ibrahim" }, { name = "BERNAMA" }, { name = "Reuters" } }
    local r = eval.score_category("organizations", gold, optional, found)
    assert.same({ 1, 1, 0, 1 }, { r.tp, r.fp, r.fn, r.ignored })
    assert.equal("Reuters", r.false_hits[1].item.name)
    assert.equal(3, r.false_hits[1].index)
  end)

  it("finds the best one-to-one matching, not the first", function()
    -- found[1] matches both gold items; a greedy pass would leave gold[2] unmatched
    local gold = { { name = "Anwar Ibrahim" }, { name = "Ministry of Defence" } }
    local found = { { name = "Ministry of Defence", aliases = { "Anwar Ibrahim" } },
      { name = "Anwar Ibrahim" } }
    local r = eval.score_category("organizations", gold, {}, found)
    assert.same({ 2, 0, 0 }, { r.tp, r.fp, r.fn })
  end)

  it("matches relations by their parties", function()
    local r = eval.score_category("agreements",
      { { kind = "mou", parties = { "ITA", "MYS" } }, { kind = "g2g", parties = { "MYS", "TUR" } } }, {},
      { { kind = "mou", parties = { "MYS", "ITA" } }, { kind = "mou", parties = { "MYS", "TUR" } } })
    assert.same({ 1, 1, 1 }, { r.tp, r.fp, r.fn })
    r = eval.score_category("meetings", { { participants = { "Anwar Ibrahim", "Hon. Giorgia Meloni" } } }, {},
      { { participants = { "Giorgia Meloni", "Anwar Ibrahim" } },
        { participants = { "Giorgia Meloni", "Anwar Ibrahim", "Antonio Tajani" } } })
    assert.same({ 1, 1, 0 }, { r.tp, r.fp, r.fn })
    r = eval.score_category("procurement", { { buyer = "MYS", supplier = "ITA" } }, {},
      { { buyer = "ITA", supplier = "MYS" } })
    assert.same({ 0, 1, 1 }, { r.tp, r.fp, r.fn })
    r = eval.score_category("trade", { { between = { "MYS", "TUR" }, currency = "MYR" } }, {},
      { { between = { "TUR", "MYS" }, currency = "MYR" }, { between = { "MYS", "TUR" }, currency = "USD" } })
    assert.same({ 1, 1, 0 }, { r.tp, r.fp, r.fn })
  end)
end)

describe("cooperation", function()
  it("hits on the unordered pair and reports sector Jaccard and stage agreement", function()
    local gold = { { between = { "ITA", "MYS" }, sectors = { "defence", "naval" }, stage = "talks" },
      { between = { "MYS", "TUR" }, sectors = { "defence" }, stage = "framework" } }
    local found = { { between = { "MYS", "ITA" }, sectors = { "defence", "air", "naval" }, stage = "intent" },
      { between = { "MYS", "TUR" }, sectors = { "defence" }, stage = "framework" },
      { between = { "KOR", "MYS" }, sectors = {}, stage = "intent" } }
    local r = eval.score_category("cooperation", gold, {}, found)
    assert.same({ 2, 1, 0 }, { r.tp, r.fp, r.fn })
    assert.near(2 / 3 + 1, r.jaccard_sum, 1e-9)
    assert.equal(1, r.stage_agree)
    assert.equal(1, eval.jaccard({}, {}))
    assert.equal(0, eval.jaccard({ "air" }, {}))
  end)
end)

describe("evaluate", function()
  it("micro-averages over categories and documents, and counts missing documents as misses", function()
    local gold = {
      { doc = "a", has = {}, optional = {}, countries = { "ITA", "MYS" }, persons = { { name = "X Y" } },
        organizations = {}, cooperation = {}, agreements = {}, procurement = {}, meetings = {} },
      { doc = "b", has = { visits = true }, optional = {}, countries = { "TUR" }, persons = {},
        organizations = {}, cooperation = {}, agreements = {}, procurement = {}, meetings = {},
        visits = { { visitor = "X Y", host = "TUR" } } },
      { doc = "gone", has = {}, optional = {}, countries = { "KOR" }, persons = {}, organizations = {},
        cooperation = {}, agreements = {}, procurement = {}, meetings = {} },
    }
    local sheets = {
      a = { doc = "a", countries = { "ITA", "MYS", "FRA" }, persons = {},
        visits = { { visitor = "Z", host = "ITA" } } },  -- visits not in gold a: not scored
      b = { doc = "b", countries = { "TUR" }, visits = { { visitor = "Dr X Y", host = "TUR" } } },
    }
    local res = eval.evaluate(gold, sheets, { explain = function() return "why" end })
    -- countries: tp 3 (ITA MYS TUR), fp 1 (FRA), fn 1 (KOR); persons: fn 1; visits: tp 1
    assert.same({ 3, 1, 1 }, { res.categories.countries.tp, res.categories.countries.fp,
      res.categories.countries.fn })
    assert.same({ 1, 0, 0 }, { res.categories.visits.tp, res.categories.visits.fp, res.categories.visits.fn })
    assert.equal(1, res.categories.visits.docs)
    assert.same({ 4, 1, 2 }, { res.overall.tp, res.overall.fp, res.overall.fn })
    assert.near(2 * 0.8 * (4 / 6) / (0.8 + 4 / 6), res.overall.f1, 1e-9)
    assert.same({ "gone" }, res.missing)
    local whys = {}
    for _, m in ipairs(res.misses) do whys[m.doc .. " " .. m.text] = m.why end
    assert.same({ ["a X Y"] = "why", ["gone KOR"] = "the document is not in the store" }, whys)
    assert.equal("FRA", res.false_hits[1].text)
  end)
end)

describe("gold files", function()
  it("reports malformed lines with file:line and goes on", function()
    local path = tmp .. "/gold-bad.jsonl"
    local f = assert(io.open(path, "w"))
    f:write('{"doc": "a", "countries": ["ITA"]}\n', "{not json\n", "\n", '["doc"]\n',
      '{"doc": "b", "persons": [{"title": "x"}, {"name": "Y"}], "optional": {"nonsense": []}}\n',
      '{"doc": "a"}\n', '{"doc": "c", "cooperation": [{"between": ["MYS"]}], "countries": "MYS"}\n')
    f:close()
    local docs, errs = eval.load_gold(path)
    local names = {}
    for i, d in ipairs(docs) do names[i] = d.doc end
    assert.same({ "a", "b", "c" }, names)
    assert.equal(1, #docs[2].persons)
    assert.equal(7, #errs)
    assert.matches("^" .. path:gsub("%p", "%%%0") .. ":2: not valid JSON", errs[1])
    assert.equal(path .. ":4: not a JSON object; line skipped", errs[2])
    assert.equal(path .. ":5: persons item 1: no 'name'", errs[3])
    assert.equal(path .. ":5: unknown optional list 'nonsense' ignored", errs[4])
    assert.equal(path .. ":6: document a already given on line 1; line skipped", errs[5])
    assert.equal(path .. ":7: 'countries' must be a list", errs[6])
    assert.equal(path .. ":7: cooperation item 1: 'between' must list two countries", errs[7])
    local none, msg = eval.load_gold(tmp .. "/no-such-gold.jsonl")
    assert.is_nil(none)
    assert.matches("no%-such%-gold", msg)
  end)

  it("reads the shared seed gold when it is there", function()
    local seeds = os.getenv("SEEDS_DIR")
    local f = seeds and io.open(seeds .. "/gold.jsonl")
    if not f then return end
    f:close()
    local docs, errs = eval.load_gold(seeds .. "/gold.jsonl")
    assert.same({}, errs)
    assert.is_true(#docs > 0)
    for _, d in ipairs(docs) do assert.is_string(d.doc) end
  end)
end)
