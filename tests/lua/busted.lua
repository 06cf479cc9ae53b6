-- Runs busted inside the entente host, so that specs can require "entente"
-- and its C core. Started by ctest as: entente run --trusted busted.lua SPEC.
require("busted.runner")({ standalone = false })
