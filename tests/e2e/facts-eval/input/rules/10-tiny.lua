-- A tiny rule pack for the facts-eval case: a gazetteer and four relation rules.
local g = gazetteer "tiny"
local COUNTRIES = { Malaysia = "MYS", Malaysian = "MYS", Italy = "ITA", Italian = "ITA", ["Türkiye"] = "TUR",
  Turkey = "TUR", Japan = "JPN" }
for name, code in pairs(COUNTRIES) do
  g:add(name, { type = "COUNTRY", key = code, attrs = { form = "name" } })
end
local function person(name, title, country)
  g:add(name, { type = "PERSON", key = fold(name), attrs = { name = name, title = title, country = country } })
end
person("Anwar Ibrahim", "Prime Minister", "MYS")
person("Giorgia Meloni", "Prime Minister", "ITA")
person("Guido Crosetto", "Defence Minister", "ITA")
g:add("Fincantieri", { type = "ORG", key = "fincantieri",
  attrs = { name = "Fincantieri", kind = "company", country = "ITA" } })
local mindef = { type = "ORG", key = "ministry of defence", attrs = { name = "Ministry of Defence",
  aliases = { "MINDEF", "MoD" }, kind = "government", country = "MYS" } }
g:add("Ministry of Defence", mindef)
g:add("MINDEF", mindef, true)

rule { name = "tiny.gazetteer", phase = "gazetteer", gazetteer = g }

rule {
  name = "tiny.coop",
  phase = "relations",
  needs = { COUNTRY = 2 },
  pattern = p.ent "COUNTRY":as "a" * p.word "and" * p.ent "COUNTRY":as "b" * p.gap(6)
    * p.lemma { "agree", "sign" }:as "verb",
  action = function(m, s)
    local signed = m.verb:lower():find("sign", 1, true) ~= nil
    s:relate("COOPERATION", { a = m.a, b = m.b }, { stage = signed and "framework" or "intent",
      sectors = { signed and "naval" or "defence" }, modality = "asserted" })
  end,
}

rule {
  name = "tiny.denied",
  phase = "relations",
  needs = { COUNTRY = 2 },
  pattern = p.ent "COUNTRY":as "a" * p.lemma "deny" * p.gap(4) * p.ent "COUNTRY":as "b",
  action = function(m, s)
    s:relate("COOPERATION", { a = m.a, b = m.b }, { stage = "talks", modality = "denied" })
  end,
}

rule {
  name = "tiny.order",
  phase = "relations",
  needs = { COUNTRY = 2 },
  pattern = p.ent "COUNTRY":as "buyer" * p.gap(2) * p.lemma { "order", "buy" } * p.gap(4) * p.word "from"
    * p.ent "COUNTRY":as "supplier",
  action = function(m, s)
    s:relate("PROCUREMENT", { buyer = m.buyer, supplier = m.supplier }, { stage = "intent", item = "frigates" })
  end,
}

rule {
  name = "tiny.meet",
  phase = "relations",
  needs = { PERSON = 2 },
  pattern = p.ent "PERSON":as "x" * p.lemma "meet" * p.ent "PERSON":as "y",
  action = function(m, s)
    s:relate("MEETING", { participants = { m.x, m.y } }, { place = "Rome" })
  end,
}
