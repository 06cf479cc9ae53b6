-- two countries joined by "and"
rule {
  name = "t.pair", phase = "relations", needs = { COUNTRY = 2 },
  pattern = p.ent"COUNTRY":as"a" * p.word"and" * p.ent"COUNTRY":as"b",
  action = function(m, s) s:relate("PAIR", { a = m.a, b = m.b }) end,
}
