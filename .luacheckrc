-- luacheck configuration: Lua 5.4, no globals anywhere.
std = "lua54"
max_line_length = 110
files["tests/lua"] = { std = "+busted" }
exclude_files = { "build", "build-asan" }
files["scripts/rules"] = {
  read_globals = { "rule", "p", "lpeg", "re", "gazetteer", "tsv", "include", "fold", "tokenize",
    "stage_rank", "max_stage", "json_decode", "iso_countries", "lexicon" },
}
