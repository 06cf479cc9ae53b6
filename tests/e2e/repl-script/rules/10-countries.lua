-- a tiny country gazetteer
local g = gazetteer "countries"
for name, code in pairs { Malaysia = "MYS", Italy = "ITA", Indonesia = "IDN", France = "FRA" } do
  g:add(name, { type = "COUNTRY", key = code })
end
rule { name = "t.country", phase = "gazetteer", gazetteer = g }
