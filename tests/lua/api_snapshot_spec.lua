-- The exposed Lua API against docs/API.md: every function of the entente
-- module and every method of Store, Document and Sentence must be
-- documented, and every documented name must exist.
local en = require "entente"

local home = en.home
local f = assert(io.open(home .. "/docs/API.md"))
local doc = f:read("a")
f:close()

local function documented(pattern)
  return doc:find(pattern, 1, true) ~= nil
end

local function methods_of(value)
  local mt = getmetatable(value)
  local t = {}
  local idx = type(mt.__index) == "table" and mt.__index or mt.methods
  for k, v in pairs(idx) do
    if type(v) == "function" then t[#t + 1] = k end
  end
  table.sort(t)
  return t
end

describe("docs/API.md", function()
  it("documents every function of the entente module", function()
    local missing = {}
    for k, v in pairs(en) do
      if type(v) == "function" and not documented("en." .. k .. "(") then
        missing[#missing + 1] = k
      end
    end
    table.sort(missing)
    assert.same({}, missing)
  end)

  it("documents every method of Store, Document and Sentence", function()
    local tmp = os.getenv("ENTENTE_TEST_TMP") or "/tmp/entente-spec"
    os.execute("mkdir -p '" .. tmp .. "'")
    local db = tmp .. "/snapshot.db"
    os.remove(db)
    local st = assert(en.open(db, { create = true }))
    local d = en.text("One sentence here.")
    local s = d:sentence(1)
    local missing = {}
    for _, pair in ipairs { { "st:", st }, { "doc:", d }, { "s:", s } } do
      for _, m in ipairs(methods_of(pair[2])) do
        if not documented(pair[1] .. m .. "(") then missing[#missing + 1] = pair[1] .. m end
      end
    end
    st:close()
    assert.same({}, missing)
  end)

  it("names only functions that exist", function()
    local gone = {}
    for name in doc:gmatch("`en%.([%w_]+)%(") do
      if type(en[name]) ~= "function" then gone[#gone + 1] = name end
    end
    assert.same({}, gone)
  end)
end)
