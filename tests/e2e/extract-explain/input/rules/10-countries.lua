-- A fixed little pack for the golden case (independent of scripts/rules).
local g = gazetteer "countries"
for name, key in pairs { Malaysia = "MYS", Italy = "ITA", Poland = "POL", ["South Korea"] = "KOR",
    Chile = "CHL", Spain = "ESP" } do
  g:add(name, { type = "COUNTRY", key = key })
end
rule { name = "case.country", phase = "gazetteer", gazetteer = g,
  examples = { { "Chile and Spain.", mentions = { { "COUNTRY", "Chile", key = "CHL" } } } } }
