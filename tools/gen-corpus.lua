-- Generate a large deterministic corpus for `make bench`.
-- Usage: entente run --trusted tools/gen-corpus.lua DIR MEGABYTES
-- Writes news-like articles (.md with front matter, .txt with datelines, and
-- .jsonl batches) made from templates with a fixed pseudo-random sequence,
-- so that the same arguments always give the same bytes.
local dir, mb = arg[1], tonumber(arg[2] or "100")
assert(dir, "usage: gen-corpus.lua DIR MEGABYTES")

local seed = 12345
local function rand(n) -- LCG (Numerical Recipes constants), 1..n
  seed = (seed * 1664525 + 1013904223) % 4294967296
  return seed % n + 1
end
local function pick(t) return t[rand(#t)] end

local countries = { "Malaysia", "Italy", "Türkiye", "Turkey", "South Korea", "Indonesia", "France",
  "Poland", "India", "Japan", "Brazil", "Sweden", "Egypt", "Germany", "the Philippines",
  "Vietnam", "Saudi Arabia", "the United Arab Emirates", "Australia", "the United Kingdom",
  "Norway", "Greece", "Spain", "Thailand", "Singapore", "Pakistan", "Nigeria", "Kenya",
  "Chile", "Canada", "Romania", "Finland", "Czechia", "Kazakhstan", "Bangladesh", "Qatar" }
local demonyms = { "Malaysian", "Italian", "Turkish", "Korean", "Indonesian", "French", "Polish",
  "Indian", "Japanese", "Brazilian", "Swedish", "Egyptian", "German", "Philippine" }
local companies = { "Leonardo", "Fincantieri", "ASELSAN", "Turkish Aerospace Industries (TAI)",
  "Korea Aerospace Industries (KAI)", "Hanwha Aerospace", "Naval Group", "Dassault Aviation",
  "Saab", "Rheinmetall", "Thales", "BAE Systems", "Embraer", "PT PAL", "Boustead Heavy Industries",
  "Hindustan Aeronautics Ltd", "Kongsberg", "Navantia", "MBDA", "Baykar" }
local people = { "Defence Minister Datuk Seri Mohamed Khaled Nordin", "Prime Minister Anwar Ibrahim",
  "Defence Minister Guido Crosetto", "Gen. Andika Perkasa", "Air Marshal Tan Sri Asghar Khan",
  "Adm. Lee Jong-ho", "Navy Chief Vice Admiral Rahman", "Ambassador Antonio Alessandro",
  "Dr. Maria Santos", "Undersecretary of State for Defence Matteo Perego di Cremnago" }
local assets = { "three corvettes", "12 FA-50 fighter jets", "two submarines", "18 K9 howitzers",
  "six offshore patrol vessels", "24 Rafale jets", "a batch of Bayraktar TB2 drones",
  "four frigates", "eight AW149 helicopters", "48 K2 tanks" }
local money = { "RM21.2 billion", "US$450 million", "€2.3bn", "3 trillion won", "£1.2 billion",
  "Rs 5,000 crore", "$1.5 billion", "EUR 800 million" }
local verbs = { "signed a memorandum of understanding on", "agreed to deepen cooperation in",
  "held talks on", "expressed interest in", "signed a contract for", "took delivery of",
  "discussed technology transfer for", "agreed to co-produce" }
local sectors = { "defence", "naval shipbuilding", "aerospace", "cyber security", "drones",
  "maintenance, repair and overhaul (MRO)", "semiconductors", "energy", "space" }
local months = { "Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec" }
local places = { "KUALA LUMPUR", "ROME", "ANKARA", "SEOUL", "JAKARTA", "PARIS", "WARSAW", "NEW DELHI" }

local function sentence()
  local k = rand(6)
  if k == 1 then
    return string.format("%s and %s %s %s, officials said on %s.", pick(countries),
      pick(countries), pick(verbs), pick(sectors), pick({ "Monday", "Tuesday", "Wednesday", "Friday" }))
  elseif k == 2 then
    return string.format("%s said the deal for %s was worth %s.", pick(people), pick(assets), pick(money))
  elseif k == 3 then
    return string.format("“We want every procurement to come with real technology transfer,” %s said.",
      pick(people))
  elseif k == 4 then
    return string.format("%s and %s will build %s for the %s navy under the agreement.",
      pick(companies), pick(companies), pick(assets), pick(demonyms))
  elseif k == 5 then
    return string.format("Trade between %s and %s reached %s in 2024, up from a year earlier.",
      pick(countries), pick(countries), pick(money))
  end
  return string.format("The %s delegation met executives of %s on the sidelines of the exhibition.",
    pick(demonyms), pick(companies))
end

local function body()
  local paras = {}
  for p = 1, 4 + rand(5) do
    local s = {}
    for i = 1, 2 + rand(3) do s[i] = sentence() end
    paras[p] = table.concat(s, " ")
  end
  return table.concat(paras, "\n\n")
end

local target = mb * 1048576
local written, n = 0, 0
local sub
local jsonl, jsonl_lines
while written < target do
  n = n + 1
  if (n - 1) % 1000 == 0 then
    sub = string.format("%s/%04d", dir, (n - 1) // 1000)
    os.execute("mkdir -p '" .. sub .. "'")
  end
  local year, mon, day = 2020 + rand(6), rand(12), rand(28)
  local text
  local k = n % 10
  if k < 6 then
    text = string.format("---\ntitle: %s and %s step up defence ties\ndate: %04d-%02d-%02d\n" ..
      "source: Bench Wire\nurl: https://example.org/bench/%d\nlang: en\n---\n%s\n",
      pick(countries), pick(countries), year, mon, day, n, body())
    local f = assert(io.open(string.format("%s/a%06d.md", sub, n), "wb"))
    f:write(text); f:close()
  elseif k < 9 then
    text = string.format("%s, %s %d (Bench) -- %s\n-- Bench\n", pick(places), months[mon], day, body())
    local f = assert(io.open(string.format("%s/a%06d.txt", sub, n), "wb"))
    f:write(text); f:close()
  else
    if not jsonl or jsonl_lines >= 200 then
      if jsonl then jsonl:close() end
      jsonl = assert(io.open(string.format("%s/batch%06d.jsonl", sub, n), "wb"))
      jsonl_lines = 0
    end
    local b = body():gsub("\\", "\\\\"):gsub('"', '\\"'):gsub("\n", "\\n")
    text = string.format('{"id":"bench-%d","title":"Bench article %d","date":"%04d-%02d-%02d",' ..
      '"source":"Bench JSON","text":"%s"}\n', n, n, year, mon, day, b)
    jsonl:write(text)
    jsonl_lines = jsonl_lines + 1
  end
  written = written + #text
end
if jsonl then jsonl:close() end
print(string.format("%d documents, %.1f MB in %s", n, written / 1048576, dir))
