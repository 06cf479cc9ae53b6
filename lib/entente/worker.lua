--- entente.worker: the Lua side of an extraction worker thread.
--
-- Each worker thread (engine/lua_pool.c) has its own Lua state: it calls
-- init once with the engine options, then process for every document.
local engine = require "entente.engine"
local core = require "entente.core"

local M = {}
local E

--- Load the rule pack; returns its hash. Raises with every load error.
function M.init(opts)
  E = engine.new(opts)
  local ok, errs = E:load()
  if not ok then error(table.concat(errs, "\n"), 0) end
  return (E:pack_hash())
end

--- Run the pack over one Document; returns a packed Result.
function M.process(doc)
  local d = E:process(doc)
  return core.pack_result(E:result(d), doc.id, doc.hash)
end

return M
