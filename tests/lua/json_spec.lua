-- entente.json: the compact form written in C must equal the Lua writer's
-- output byte for byte (the store and the fact sheets compare JSON text).
local json = require "entente.json"

describe("json.encode", function()
  local cases = {
    { name = "object with sorted keys", v = { b = 1, a = { 1, 2, 3 }, c = "x" } },
    { name = "escapes and NUL", v = { s = "q\"u\\o\nte\t\0end\1" } },
    { name = "empty table is an array", v = {} },
    { name = "marked empty object", v = json.object() },
    { name = "marked empty array", v = json.array {} },
    { name = "numbers", v = { 1.5, 2.0, -0.0, 1e300, 0 / 0, math.huge, -math.huge, 3, -7, 1e-7 } },
    { name = "invalid UTF-8 byte by byte", v = "bad\255\254 and cut \xe2\x82" },
    { name = "valid UTF-8", v = "é € 𝄞 Türkiye" },
    { name = "number and string keys", v = { ["10"] = 1, [2] = 3, [1.5] = 2, b = json.null } },
    { name = "nesting", v = { x = { y = { z = {} } } } },
    { name = "booleans and null", v = { true, false, json.null } },
    { name = "mixed table is an object", v = { 1, 2, k = "v" } },
  }
  for _, c in ipairs(cases) do
    it("writes " .. c.name .. " as the Lua writer does", function()
      assert.equal(json.encode_lua(c.v), json.encode(c.v))
    end)
  end

  it("replaces each invalid byte with U+FFFD", function()
    assert.equal('"a\u{FFFD}\u{FFFD}b"', json.encode("a\255\254b"))
  end)

  it("refuses what JSON cannot hold, without a position", function()
    local t = {}
    t.self = t
    local ok, err = pcall(json.encode, t)
    assert.is_false(ok)
    assert.equal("json: cannot encode a table that contains itself", err)
    ok, err = pcall(json.encode, { f = print })
    assert.is_false(ok)
    assert.equal("json: cannot encode a function", err)
    ok, err = pcall(json.encode, { [true] = 1 })
    assert.is_false(ok)
    assert.equal("json: object keys must be strings or numbers, got boolean", err)
  end)

  it("indents with the Lua writer", function()
    assert.equal('{\n  "a": 1\n}', json.encode({ a = 1 }, { indent = true }))
  end)

  describe("attributes as stored", function()
    local engine = require "entente.engine"
    local mention = { type = "COUNTRY", start = 0, stop = 5, key = "ITA", text = "Italy" }
    local unnamed = { type = "ORG", start = 9, stop = 12, text = "ACME" }
    local proxy = setmetatable({ country = "MYS" }, { __index = { kind = "company", country = "x" } })
    local attr_cases = {
      { name = "plain", t = { b = 2, a = "x" } },
      { name = "mentions as keys or texts", t = { buyer = mention, who = unnamed, n = 3 } },
      { name = "functions left out", t = { f = print, k = 1 } },
      { name = "proxy defaults", t = proxy },
      { name = "skipped keys", t = { stage = "talks", cameo = "046", sector = "naval" },
        skip = { stage = true, cameo = true } },
      { name = "only skipped: nil", t = { stage = "talks" }, skip = { stage = true } },
      { name = "empty: nil", t = {} },
      { name = "nested lists", t = { sectors = { "air", "naval" }, kinds = json.array {} } },
    }
    for _, c in ipairs(attr_cases) do
      it("writes " .. c.name .. " as the Lua version does", function()
        local want, got = engine.attrs_json_lua(c.t, c.skip), engine.attrs_json(c.t, c.skip)
        assert.is_true(want == got, tostring(want) .. " <> " .. tostring(got))
      end)
    end
    it("are written in C", function()
      assert.are_not.equal(engine.attrs_json_lua, engine.attrs_json)
      assert.equal('{"buyer":"ITA","n":3,"who":"ACME"}',
        engine.attrs_json { buyer = mention, who = unnamed, n = 3 })
      assert.is_nil(engine.attrs_json {})
    end)
  end)
end)
