-- docs/RULES.md cannot rot: its Lua blocks are loaded, in order, as one rule
-- pack whose examples must all pass, and every entente command in its shell
-- blocks must succeed against that pack.
local en = require "entente"
local engine = require "entente.engine"
local commands = require "entente.commands"

local tmp = (os.getenv("ENTENTE_TEST_TMP") or "/tmp/entente-spec") .. "/rules-doc"
local bin = os.getenv("ENTENTE_BIN") or (en.home .. "/build/entente")

local f = assert(io.open(en.home .. "/docs/RULES.md"))
local text = f:read("a")
f:close()

local lua_blocks, sh_blocks = {}, {}
for lang, body in text:gmatch("```(%w+)\n(.-)```") do
  if lang == "lua" then lua_blocks[#lua_blocks + 1] = body end
  if lang == "sh" then sh_blocks[#sh_blocks + 1] = body end
end

local pack = tmp .. "/pack"
local data = tmp .. "/data"
os.execute(string.format("rm -rf '%s' && mkdir -p '%s' '%s' '%s/corpus'", tmp, pack, data, tmp))

describe("docs/RULES.md", function()
  it("has Lua and shell blocks", function()
    assert.is_true(#lua_blocks >= 5)
    assert.is_true(#sh_blocks >= 2)
  end)

  it("has Lua blocks that load as a rule pack", function()
    for i, body in ipairs(lua_blocks) do
      local name = body:match("^%-%-%s*([%w%-_]+%.lua)")
      assert.is_string(name, "Lua block " .. i .. " must start with a '-- NAME.lua' comment")
      local out = assert(io.open(pack .. "/" .. name, "w"))
      out:write(body)
      out:close()
    end
    local e = engine.new { rules = pack, data = data }
    local ok, errs = e:load()
    assert.is_true(ok, errs and table.concat(errs, "\n"))
  end)

  it("has examples that pass", function()
    local e = engine.new { rules = pack, data = data }
    assert(e:load())
    local n, problems = 0, {}
    for _, rule in ipairs(e.rules) do
      for i, ex in ipairs(rule.examples or {}) do
        n = n + 1
        for _, pr in ipairs(commands.check_example(e, ex)) do
          problems[#problems + 1] = rule.name .. " #" .. i .. ": " .. pr
        end
      end
    end
    assert.same({}, problems)
    assert.is_true(n >= 6)
  end)

  it("has shell commands that succeed", function()
    local c = assert(io.open(tmp .. "/corpus/tutorial.txt", "w"))
    c:write("Malaysia and Italy have reaffirmed their commitment to defence ties.\n\n" ..
      "Korea Aerospace Industries builds jets for Italy's navy.\n")
    c:close()
    local env = string.format("export PACK='%s' DB='%s/t.db' CORPUS='%s/corpus' PATH='%s':\"$PATH\";",
      pack, tmp, tmp, bin:match("^(.*)/[^/]*$"))
    for _, body in ipairs(sh_blocks) do
      for line in body:gmatch("[^\n]+") do
        if line:match("^entente ") then
          local ok = os.execute(env .. " " .. line .. " > '" .. tmp .. "/out.txt' 2>&1")
          local o = io.open(tmp .. "/out.txt"):read("a")
          assert.is_true(ok == true, line .. "\n" .. o)
        end
      end
    end
  end)
end)
