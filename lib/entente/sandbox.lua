--- entente.sandbox: the restricted environment scripts, reports and rules run in.
--
-- A sandboxed chunk sees the safe parts of the standard library and the
-- entente API, and nothing that runs programs or loads native code: no
-- os.execute, io.popen, package.loadlib, debug, binary chunks, dofile or
-- loadfile. Files may be read anywhere; they may be written only under the
-- roots given when the environment is made (the output path of the
-- command line). Globals are strict: reading an undefined global raises, so
-- a typo fails loudly instead of yielding nil.
local core = require "entente.core"

local M = {}

local SAFE_GLOBALS = {
  "assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber",
  "tostring", "type", "xpcall", "rawequal", "rawget", "rawlen", "rawset",
  "setmetatable", "_VERSION",
}

local ALLOWED_MODULES = {
  entente = true, lpeg = true, re = true, argparse = true,
}
local ALLOWED_PREFIXES = { "entente." }
local DENIED_MODULES = { ["entente.core"] = true, ["entente.sandbox"] = true, ["entente.cli"] = true }

local function copy(t)
  local c = {}
  for k, v in pairs(t) do c[k] = v end
  return c
end

--- Normalise a path lexically to an absolute one (".." and "." removed).
local function absolute(path)
  if path:sub(1, 1) ~= "/" then path = core.getcwd() .. "/" .. path end
  local parts = {}
  for part in path:gmatch("[^/]+") do
    if part == ".." then
      parts[#parts] = nil
    elseif part ~= "." then
      parts[#parts + 1] = part
    end
  end
  return "/" .. table.concat(parts, "/")
end
M.absolute = absolute

--- Resolve links in the longest existing prefix of an absolute path.
local function resolve(path)
  local abs = absolute(path)
  local head, tail = abs, ""
  while head ~= "" and head ~= "/" do
    local real = core.realpath(head)
    if real then return (real == "/" and "" or real) .. tail end
    local dir, base = head:match("^(.*)/([^/]*)$")
    tail = "/" .. base .. tail
    head = dir
  end
  return abs
end
M.resolve = resolve

local function under(path, root)
  return path == root or path:sub(1, #root + 1) == root .. "/"
end

--- A checker: may(path) -> true when path lies under one of the roots.
function M.write_checker(roots)
  local resolved = {}
  for i, r in ipairs(roots or {}) do resolved[i] = resolve(r) end
  return function(path)
    local p = resolve(path)
    for _, r in ipairs(resolved) do
      if under(p, r) then return true end
    end
    return false
  end
end

--- Make a sandbox environment.
-- opts.write_roots: paths under which files may be written (default none)
-- opts.extra: a table of extra globals (e.g. `rule` for rule files)
-- opts.strict: raise on reading an undefined global (default true)
function M.env(opts)
  opts = opts or {}
  local may_write = M.write_checker(opts.write_roots)
  local env = {}
  for _, k in ipairs(SAFE_GLOBALS) do env[k] = _G[k] end
  env.string = copy(string)
  env.table = copy(table)
  env.math = copy(math)
  env.utf8 = copy(utf8)
  env.coroutine = copy(coroutine)
  env.os = {
    time = os.time, clock = os.clock, date = os.date, difftime = os.difftime,
    getenv = os.getenv,
  }
  env.getmetatable = function(v)
    if type(v) == "string" then return nil end
    return getmetatable(v)
  end

  local function checked_open(path, mode)
    if type(path) ~= "string" then
      error("bad argument #1 to 'open' (string expected, got " .. type(path) .. ")", 2)
    end
    mode = mode or "r"
    if mode:find("[wa+]") and not may_write(path) then
      return nil, path .. ": writing here is not allowed (give an output path with -o)"
    end
    return io.open(path, mode)
  end
  env.io = {
    write = function(...) return io.write(...) end,
    read = function(...) return io.read(...) end,
    lines = function(path, ...)
      if path == nil then return io.lines() end
      return io.lines(path, ...)
    end,
    open = checked_open,
    stdout = io.stdout, stderr = io.stderr,
  }
  env.print = print
  env.load = function(chunk, name, _, e)
    return load(chunk, name, "t", e or env)
  end
  env.require = function(name)
    if type(name) ~= "string" then error("bad argument #1 to 'require' (string expected)", 2) end
    local ok = ALLOWED_MODULES[name]
    if not ok and not DENIED_MODULES[name] then
      for _, p in ipairs(ALLOWED_PREFIXES) do
        if name:sub(1, #p) == p then ok = true end
      end
    end
    if not ok then error("module '" .. name .. "' is not available in the sandbox", 2) end
    return require(name)
  end
  --- en.mkdir(path): make a folder, only under a writable root.
  env.mkdir = function(path)
    if not may_write(path) then
      return nil, path .. ": writing here is not allowed (give an output path with -o)"
    end
    return core.mkdir(path)
  end
  env.may_write = may_write
  for k, v in pairs(opts.extra or {}) do env[k] = v end
  env._G = env
  if opts.strict ~= false then
    setmetatable(env, {
      __index = function(_, k)
        error("undefined global '" .. tostring(k) .. "'", 2)
      end,
    })
  end
  return env
end

--- Load a file as a text chunk into env. Returns the function, or nil and
-- a message naming the file and line.
function M.loadfile(path, env)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local src = f:read("a")
  f:close()
  if src:sub(1, 1) == "#" then src = "--" .. src end -- keep line numbers; drop a #! line
  return load(src, "@" .. path, "t", env)
end

return M
