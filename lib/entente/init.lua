--- entente: the analyst-facing Lua API.
--
-- Wraps the C primitives of entente.core. Functions of the `en.*` family
-- work on the default store (the --db of the command line, ./entente.db
-- otherwise) and raise on errors, so that a report stops with a traceback;
-- methods of a Store returned by en.open return nil and a message for
-- expected failures. See docs/API.md.
local core = require "entente.core"

local M = {
  version = core.version,
  home = core.home,
  schema_version = core.schema_version,
}

local db_path = "entente.db"
local default_store

--- Set the path of the default store (the host does this for --db).
function M.set_db(path)
  assert(type(path) == "string", "set_db: path must be a string")
  if default_store then default_store:close() end
  default_store = nil
  db_path = path
end

--- The path of the default store.
function M.db_path() return db_path end

--- Open a store: en.open(path [, {readonly=, create=}]) -> Store | nil, msg.
function M.open(path, opts)
  if type(path) ~= "string" then
    error("bad argument #1 to 'open' (path expected, got " .. type(path) .. ")", 2)
  end
  return core.open(path, opts)
end

--- The default store, opened read-only on first use. Raises when missing.
function M.store()
  if not default_store then
    local st, err = core.open(db_path, { readonly = true })
    if not st then error(err, 2) end
    default_store = st
  end
  return default_store
end

--- Use an already open Store as the default (the CLI does this).
function M.use(store)
  default_store = store
end

--- for doc in en.docs{source=, since=, ["until"]=, search=, name=, place=, limit=} do ... end
function M.docs(filter) return M.store():docs(filter) end

--- en.doc(id | name) -> Document, or nil and a message.
function M.doc(which) return M.store():doc(which) end

--- Rewrite the infix form "a NEAR b" (as analysts write it) into FTS5's
-- NEAR(a b); everything else is FTS5 syntax as it is.
function M.fts_query(q)
  return (q:gsub("([%w_%*\"]+)%s+NEAR%s+([%w_%*\"]+)", "NEAR(%1 %2)"))
end

--- en.search(fts_query [, limit]) -> array of hits {id, name, title, date, source, snippet, rank}.
-- Raises on a query FTS5 cannot parse.
function M.search(query, limit)
  local hits, err = M.store():search(M.fts_query(query), limit)
  if not hits then error(err, 2) end
  return hits
end

--- en.sql(query, ...) -> array of rows (tables keyed by column), array of
-- column names. Read-only: a statement that writes is refused with an error.
function M.sql(query, ...)
  local rows, cols = M.store():sql(query, ...)
  if not rows then error(cols, 2) end
  return rows, cols
end

--- for row in en.rows(query, ...) do ... end  (read-only, streaming)
function M.rows(query, ...) return M.store():rows(query, ...) end

--- en.stats() -> counts of documents, bytes, mentions, entities, relations, runs.
function M.stats() return M.store():stats() end

--- Text helpers that need no store.
M.fold = core.fold
M.tokenize = core.tokenize
M.utf8_check = core.utf8_check

--- en.text(s [, name]) -> a Document over a string (in no store).
function M.text(s, name) return core.text_document(s, name) end

return M
