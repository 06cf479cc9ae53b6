rule {
  name = "case.agree",
  phase = "relations",
  needs = { COUNTRY = 2 },
  pattern = p.ent "COUNTRY":as "a" * p.gap(2) * p.word "and" * p.ent "COUNTRY":as "b"
            * p.gap(6) * p.lemma { "agree", "sign" },
  action = function(m, s)
    s:relate("COOPERATION", { a = m.a, b = m.b }, { stage = "intent", cameo = "0312" })
  end,
  examples = {
    { "Poland and South Korea signed a deal.", relations = { { "COOPERATION", a = "POL", b = "KOR" } } },
    { "Poland and South Korea talked.", absent = { { "COOPERATION" } } },
  },
}

-- fails on purpose on documents that mention Chile: failures are recorded
rule {
  name = "case.fragile",
  phase = "document",
  run = function(d)
    if d.text:find("Chile", 1, true) then error("cannot handle Chile yet") end
  end,
  examples = { { "Italy." } },
}
