--- entente.commands: extract, test and explain.
--
-- Registered into entente.cli. Each returns an exit status.
local core = require "entente.core"
local engine = require "entente.engine"
local fmt = require "entente.fmt"
local json = require "entente.json"
local argparse = require "argparse"

local M = {}

local out, err = io.stdout, io.stderr
local function say(...) out:write(...) end
-- stdout first, so that a message never lands inside output when both go to one place
local function warn(...) out:flush(); err:write(...) end

local function rules_opts(a)
  local rules = a.rules or (core.home .. "/scripts/rules")
  local data = a.data or (rules:gsub("/+$", ""):gsub("[^/]+$", "") .. "data")
  if core.filetype(data) ~= "directory" then data = core.home .. "/scripts/data" end
  return { rules = rules, data = data }
end

local function load_engine(a)
  local opts = rules_opts(a)
  local e = engine.new(opts)
  local ok, errs = e:load()
  if not ok then
    for _, m in ipairs(errs) do warn(m, "\n") end
    warn(string.format("entente: the rule pack in %s did not load (%d error%s)\n", opts.rules,
      #errs, #errs == 1 and "" or "s"))
    return nil
  end
  return e, opts
end

-- ANSI highlighting, only on a terminal.
local function painter(enabled)
  if not enabled then return function(s) return s end end
  return function(s, style)
    local codes = { hl = "7", bold = "1", dim = "2", red = "31", green = "32", yellow = "33", cyan = "36" }
    return "\27[" .. (codes[style] or "1") .. "m" .. s .. "\27[0m"
  end
end

-- Highlight spans [a, b) (absolute offsets) inside a sentence [s0, s1).
local function highlight(text, s0, s1, spans, paint)
  table.sort(spans, function(x, y) return x[1] < y[1] end)
  local parts, pos = {}, s0
  for _, sp in ipairs(spans) do
    local a, b = math.max(sp[1], pos), math.min(sp[2], s1)
    if a < b then
      parts[#parts + 1] = text:sub(pos + 1, a)
      parts[#parts + 1] = paint("[" .. text:sub(a + 1, b) .. "]", "hl")
      pos = b
    end
  end
  parts[#parts + 1] = text:sub(pos + 1, s1)
  return table.concat(parts)
end

---------------------------------------------------------------------------
-- extract

M.extract = {
  summary = "Run the rule pack over the documents that need it (incremental, parallel).",
  parser = function(common)
    local p = common(argparse("entente extract",
      "Run the rule pack over every document whose text or rule pack changed since it was " ..
      "last extracted. Results replace the old ones document by document. Rule failures are " ..
      "listed at the end and make the exit status 1."))
    p:option("-j --jobs", "Worker threads (default: all cores).", nil):convert(tonumber)
    p:flag("--force", "Extract every document again.")
    p:option("--only", "Only these documents (names or ids); one that names no document is " ..
      "reported and makes the exit status 1.", nil):args("+")
    p:option("--rules", "Rule pack folder (default: scripts/rules).")
    p:option("--data", "Data folder of the pack (default: the pack's ../data).")
    return p
  end,
  run = function(a)
    local st, msg = core.open(a.db, {})
    if not st then warn("entente: ", msg, "\n"); return 1 end
    local e, opts = load_engine(a)
    if not e then st:close(); return 1 end
    local hash, manifest = e:pack_hash()
    local jobs = math.tointeger(a.jobs) or M.cores()
    if jobs < 1 then warn("entente extract: --jobs must be at least 1\n"); return 2 end
    local src = string.format("return { rules = %q, data = %q }", opts.rules, opts.data)
    local pool, phash = core.pool(jobs, src)
    if not pool then warn("entente: ", phash, "\n"); st:close(); return 1 end
    assert(phash == hash, "workers loaded a different rule pack")
    -- bookkeeping: the pack and the run
    local now = os.date("!%Y-%m-%dT%H:%M:%SZ")
    local ok, werr = st:write("INSERT INTO rulepacks(hash, path, rules, manifest, created_at) " ..
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING", hash, opts.rules, #e.rules, manifest, now)
    if not ok then warn("entente: ", werr, "\n"); pool:close(); st:close(); return 1 end
    local pack_id = st:sql("SELECT id FROM rulepacks WHERE hash = ?", hash)[1].id
    local args = json.encode({ jobs = jobs, force = a.force or false, only = a.only or json.null })
    local _, run_id = st:write("INSERT INTO runs(kind, rulepack_id, started_at, status, args) " ..
      "VALUES ('extract', ?, ?, 'running', ?)", pack_id, now, args)
    -- what needs doing
    local todo, ntodo = {}, 0
    local only = nil
    if a.only then
      only = {}
      for _, v in ipairs(a.only) do only[v] = true end
    end
    for row in st:rows([[SELECT d.id, d.name, d.bytes FROM documents d
        LEFT JOIN extractions x ON x.doc_id = d.id
        WHERE ? OR x.doc_id IS NULL OR x.doc_hash <> d.hash OR x.rulepack_hash <> ?
        ORDER BY d.id]], a.force and 1 or 0, hash) do
      if not only or only[row.name] or only[tostring(row.id)] then
        todo[row.id] = row.bytes
        ntodo = ntodo + 1
      end
    end
    local total_bytes = 0
    for _, b in pairs(todo) do total_bytes = total_bytes + b end
    local t0 = core.clock()
    local update, finish = M.progress(a.quiet or a.json, "extract")
    local done, done_bytes, nment, nrel, nfail, batch = 0, 0, 0, 0, 0, 0
    local errors = {}
    local function write_one()
      local res, perr, id = pool:take()
      if not res then
        errors[#errors + 1] = string.format("document %d: %s", id or -1, tostring(perr))
        return
      end
      local m, r, f = res:counts()
      local wok, wmsg = st:put_result(res, hash, run_id)
      if not wok then error(wmsg, 0) end
      nment, nrel, nfail = nment + m, nrel + r, nfail + f
      done = done + 1
      batch = batch + 1
      if batch >= 200 then
        assert(st:commit()); assert(st:begin())
        batch = 0
      end
    end
    local interrupted = false
    -- Any failure to store a result fails the run, so a document needs no
    -- savepoint of its own: bulk mode spares the writer one per document
    -- (each copied every page the document touched).
    st:set_bulk(true)
    assert(st:begin())
    local wok, werr2 = pcall(function()
      if ntodo == 0 then return end
      for row in st:rows([[SELECT d.id, d.name, d.hash, d.title, d.date, d.source, d.place, d.text,
          (SELECT json_group_array(json_array(s.start, s.stop, s.kind)) FROM doc_spans s
            WHERE s.doc_id = d.id) AS spans
          FROM documents d ORDER BY d.id]]) do
        if todo[row.id] then
          if core.stop_requested() then interrupted = true; break end
          local spans = {}
          for i, sp in ipairs(core.json_decode(row.spans) or {}) do
            spans[i] = { start = sp[1], stop = sp[2], kind = sp[3] }
          end
          row.spans = spans
          pool:submit(row)
          done_bytes = done_bytes + todo[row.id]
          while pool:pending() >= 8 * jobs do write_one() end
          if update then update(done_bytes, total_bytes) end
        end
      end
      while pool:pending() > 0 do write_one() end
    end)
    finish()
    pool:close()
    st:set_bulk(false)
    local status = (not wok and "failed") or (interrupted and "interrupted") or
      ((nfail > 0 or #errors > 0) and "failed") or "ok"
    if wok then
      assert(st:commit())
    else
      st:rollback()
      errors[#errors + 1] = tostring(werr2)
    end
    local secs = core.clock() - t0
    -- documents in the selection (all, or those --only names) that were up to date
    local ndocs, missing = 0, false
    if only then
      local seen = {}
      for row in st:rows("SELECT id, name FROM documents") do
        local id = tostring(row.id)
        if only[row.name] or only[id] then
          ndocs = ndocs + 1
          seen[row.name] = true; seen[id] = true
        end
      end
      for _, v in ipairs(a.only) do
        if not seen[v] then
          warn("entente extract: --only: no document named '", v, "'\n")
          missing = true
        end
      end
    else
      ndocs = st:sql("SELECT count(*) AS n FROM documents")[1].n
    end
    local stats = { documents = done, mentions = nment, relations = nrel, failures = nfail,
      seconds = secs, bytes = done_bytes, skipped = ndocs - ntodo }
    st:write("UPDATE runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
      os.date("!%Y-%m-%dT%H:%M:%SZ"), status, json.encode(stats), run_id)
    -- failures of this run
    local fails = st:sql([[SELECT f.rule, f.rule_file, f.rule_line, d.name, f.offset, f.message
      FROM failures f JOIN documents d ON d.id = f.doc_id WHERE f.run_id = ? ORDER BY d.id, f.id]], run_id)
    if a.json then
      stats.status = status
      stats.run = run_id
      stats.rulepack = hash
      stats.failure_list = json.array(fails)
      stats.errors = json.array(errors)
      say(json.encode(stats), "\n")
    else
      for _, f in ipairs(fails) do
        warn(string.format("%s:%d: rule '%s' failed on %s at offset %d: %s\n",
          f.rule_file or "?", f.rule_line or 0, f.rule, f.name, f.offset or 0, f.message))
      end
      for _, m in ipairs(errors) do warn("entente: ", m, "\n") end
      if not a.quiet then
        warn(string.format("%d extracted, %d up to date: %d mentions, %d relations, %d rule " ..
          "failure%s (%d worker%s, %.2f s)\n", done, stats.skipped, nment, nrel, nfail,
          nfail == 1 and "" or "s", jobs, jobs == 1 and "" or "s", secs))
        if interrupted then warn("interrupted: the documents extracted so far are kept\n") end
      end
    end
    st:close()
    return (status == "ok" and not missing) and 0 or 1
  end,
}

--- Number of online cores.
function M.cores()
  local f = io.open("/proc/cpuinfo")
  if not f then return 2 end
  local n = 0
  for line in f:lines() do if line:match("^processor") then n = n + 1 end end
  f:close()
  return math.max(n, 1)
end

--- A progress bar on stderr (terminal only, after one second). Returns
-- update(done, total), or nil when nothing is to be shown (so that C loops
-- can skip the callback altogether), and finish().
function M.progress(quiet, label)
  if quiet or not core.isatty(2) then return nil, function() end end
  local t0, last, shown = core.clock(), 0, false
  return function(done, total)
    local now = core.clock()
    if now - t0 < 1 or now - last < 0.1 then return end
    last, shown = now, true
    local frac = total > 0 and math.min(done / total, 1) or 0
    local fill = math.floor(frac * 30 + 0.5)
    err:write(string.format("\r%s [%s%s] %3d%%  %.1f MB/s ", label, string.rep("#", fill),
      string.rep(".", 30 - fill), math.floor(frac * 100 + 0.5), done / (now - t0) / 1048576))
  end, function()
    if shown then err:write("\r\27[K") end
  end
end

---------------------------------------------------------------------------
-- test: a rule's examples are its tests

local function arg_keys(v)
  if type(v) == "table" and not v.type and not v.key and #v > 0 then
    local ks = {}
    for _, x in ipairs(v) do ks[#ks + 1] = engine.arg_key(x) end
    table.sort(ks)
    return ks
  end
  return { engine.arg_key(v) }
end

local function same_set(a, b)
  if #a ~= #b then return false end
  local t = {}
  for _, x in ipairs(a) do t[x] = (t[x] or 0) + 1 end
  for _, x in ipairs(b) do
    if not t[x] or t[x] == 0 then return false end
    t[x] = t[x] - 1
  end
  return true
end

local function value_matches(want, got)
  if type(want) == "table" then
    if type(got) ~= "table" then return false end
    local ws, gs = {}, {}
    for i, w in ipairs(want) do ws[i] = tostring(w) end
    for i, g in ipairs(got) do gs[i] = tostring(g) end
    return same_set(ws, gs)
  end
  return tostring(want) == tostring(got)
end

-- Does relation r satisfy expectation spec {TYPE, role = key, attr = value}?
local function relation_matches(spec, r)
  if r.removed or r.type ~= spec[1] then return false end
  for k, want in pairs(spec) do
    if k ~= 1 then
      local got
      if r.args[k] ~= nil then
        local ks = arg_keys(r.args[k])
        got = #ks == 1 and ks[1] or ks
      elseif k == "stage" then got = r.stage
      elseif k == "cameo" then got = r.cameo
      else got = r.attrs[k]
      end
      if not value_matches(want, got) then return false end
    end
  end
  return true
end

local function mention_matches(spec, m)
  if m.type ~= spec[1] then return false end
  if spec[2] and m.text ~= spec[2] then return false end
  for k, want in pairs(spec) do
    if k ~= 1 and k ~= 2 then
      local got = (k == "key") and m.key or m.attrs[k]
      if not value_matches(want, got) then return false end
    end
  end
  return true
end

local function describe_spec(spec)
  local parts = { tostring(spec[1]) }
  if spec[2] then parts[#parts + 1] = string.format("%q", spec[2]) end
  local keys = {}
  for k in pairs(spec) do if type(k) == "string" then keys[#keys + 1] = k end end
  table.sort(keys)
  for _, k in ipairs(keys) do
    local v = spec[k]
    if type(v) == "table" then v = "{" .. table.concat(v, ",") .. "}" end
    parts[#parts + 1] = k .. "=" .. tostring(v)
  end
  return table.concat(parts, " ")
end
M.describe_spec = describe_spec

--- One-line description of a relation found.
function M.describe_relation(r)
  local roles = {}
  for role in pairs(r.args) do roles[#roles + 1] = role end
  table.sort(roles)
  local parts = { r.type }
  for _, role in ipairs(roles) do
    parts[#parts + 1] = role .. "=" .. table.concat(arg_keys(r.args[role]), ",")
  end
  if r.stage then parts[#parts + 1] = "stage=" .. r.stage end
  if r.cameo then parts[#parts + 1] = "cameo=" .. r.cameo end
  return table.concat(parts, " ") .. " (" .. r.rule .. ")"
end

--- Run one example; returns a list of problems (empty when it passes).
function M.check_example(e, ex)
  local doc = core.make_document { text = ex[1], name = "example", date = ex.date }
  local d = e:process(doc)
  local problems = {}
  local live = {}
  for _, m in ipairs(d.mlist) do if not m.removed then live[#live + 1] = m end end
  for _, f in ipairs(d.failures) do
    problems[#problems + 1] = string.format("rule '%s' failed: %s", f.rule, f.message)
  end
  for _, spec in ipairs(ex.mentions or {}) do
    local found = false
    for _, m in ipairs(live) do if mention_matches(spec, m) then found = true; break end end
    if not found then problems[#problems + 1] = "expected mention " .. describe_spec(spec) end
  end
  for _, spec in ipairs(ex.relations or {}) do
    local found = false
    for _, r in ipairs(d.relations) do if relation_matches(spec, r) then found = true; break end end
    if not found then problems[#problems + 1] = "expected relation " .. describe_spec(spec) end
  end
  for _, spec in ipairs(ex.absent or {}) do
    for _, r in ipairs(d.relations) do
      if relation_matches(spec, r) then
        problems[#problems + 1] = "unexpected relation " .. M.describe_relation(r)
      end
    end
    for _, m in ipairs(live) do
      if mention_matches(spec, m) then
        problems[#problems + 1] = string.format("unexpected mention %s %q (%s)", m.type, m.text, m.rule)
      end
    end
  end
  if #problems > 0 then
    local got = {}
    for _, r in ipairs(d.relations) do got[#got + 1] = "  found relation " .. M.describe_relation(r) end
    for _, m in ipairs(live) do
      got[#got + 1] = string.format("  found mention %s %q key=%s (%s)", m.type, m.text,
        tostring(m.key), m.rule)
    end
    problems.found = got
  end
  return problems
end

M.test = {
  summary = "Run every rule's examples as tests.",
  parser = function(common)
    local p = common(argparse("entente test",
      "Run the examples of every rule (or of the rules in the given files) through the whole " ..
      "rule pack and check what they expect. The last line reads 'N passed, M failed'."),
      { nojson = true })
    p:argument("paths", "Rule files whose examples to run (default: all)."):args("*")
    p:option("--rules", "Rule pack folder (default: scripts/rules).")
    p:option("--data", "Data folder of the pack.")
    p:flag("-v --verbose", "Also list what each failing example found.")
    return p
  end,
  run = function(a)
    local e = load_engine(a)
    if not e then return 1 end
    local select_files
    if #a.paths > 0 then
      select_files = {}
      for _, pth in ipairs(a.paths) do
        select_files[(core.realpath(pth) or pth)] = true
      end
    end
    local paint = painter(core.isatty(1))
    local passed, failed, without = 0, 0, {}
    for _, rule in ipairs(e.rules) do
      -- rule files under entente's home are recorded relative to it
      local rfile = core.realpath(rule.file) or core.realpath(core.home .. "/" .. rule.file)
        or rule.file
      if not select_files or select_files[rfile] then
        local exs = rule.examples or {}
        if #exs == 0 then without[#without + 1] = rule end
        for i, ex in ipairs(exs) do
          local problems = M.check_example(e, ex)
          if #problems == 0 then
            passed = passed + 1
            if a.verbose then say(paint("ok", "green"), "   ", rule.name, " #", i, "\n") end
          else
            failed = failed + 1
            say(paint("FAIL", "red"), " ", rule.name, " example ", i, "  ",
              rule.file, ":", rule.line, "\n")
            say("     text: ", fmt.truncate(fmt.oneline(ex[1]), 100), "\n")
            for _, pr in ipairs(problems) do say("     ", pr, "\n") end
            if a.verbose then for _, g in ipairs(problems.found or {}) do say("   ", g, "\n") end end
          end
        end
      end
    end
    if #without > 0 and not a.quiet then
      local names = {}
      for _, r in ipairs(without) do names[#names + 1] = r.name end
      say(string.format("%d rule%s without examples: %s\n", #without, #without == 1 and "" or "s",
        table.concat(names, ", ")))
    end
    say(string.format("%d passed, %d failed\n", passed, failed))
    return failed == 0 and 0 or 1
  end,
}

---------------------------------------------------------------------------
-- explain

local function parse_target(s)
  local name, off = s:match("^(.*):(%d+)$")
  if name and name ~= "" then return name, tonumber(off) end
  return s, nil
end

local function find_doc(st, name)
  local d = st:doc(math.tointeger(tonumber(name)) or name)
  if not d and tonumber(name) then d = st:doc(name) end
  return d
end

M.explain = {
  summary = "Show which rules made which facts in a document, or why a rule did not match.",
  parser = function(common)
    local p = common(argparse("entente explain",
      "DOC[:OFFSET]: the mentions and relations at that place (all of the document without an " ..
      "offset), each with the rule, file and line that made it. With --rule NAME: where that " ..
      "rule matched, and where it came close (the prefilter passed but the pattern stopped at " ..
      "a token)."))
    p:argument("target", "A document name or id, optionally with :OFFSET.")
    p:option("--rule", "Trace this rule over the document.")
    p:flag("-v --verbose", "With --rule, also list the sentences the prefilter skipped.")
    p:option("--rules", "Rule pack folder (for --rule).")
    p:option("--data", "Data folder of the pack (for --rule).")
    return p
  end,
  run = function(a)
    local st, msg = core.open(a.db, { readonly = true })
    if not st then warn("entente: ", msg, "\n"); return 1 end
    local name, offset = parse_target(a.target)
    local doc = find_doc(st, name)
    if not doc then warn("entente: no document named '", name, "'\n"); st:close(); return 1 end
    local paint = painter(core.isatty(1) and not a.json)
    if a.rule then
      local e = load_engine(a)
      if not e then st:close(); return 1 end
      local recs, terr = e:trace(a.rule, doc)
      if not recs then warn("entente: ", terr, "\n"); st:close(); return 1 end
      local rule = e.by_name[a.rule]
      if a.json then
        say(json.encode(json.array(recs)), "\n")
        st:close()
        return 0
      end
      say(string.format("rule %s (%s:%d, phase %s) over %s\n", rule.name, rule.file, rule.line,
        rule.phase, doc.name))
      local nm = 0
      for _, rec in ipairs(recs) do
        if not offset or (rec.start <= offset and offset < rec.stop) then
          local label
          if rec.status == "matched" then
            nm = nm + #rec.matches
            local spans = {}
            for _, m in ipairs(rec.matches) do spans[#spans + 1] = { m.start, m.stop } end
            label = paint("matched", "green")
            say(string.format("#%d %s: %s\n", rec.index, label,
              highlight(doc.text, rec.start, rec.stop, spans, paint)))
          elseif rec.status == "prefilter" then
            if offset or a.verbose then
              say(string.format("#%d %s: needs %d %s, found %d\n", rec.index,
                paint("skipped", "dim"), rec.need.n, rec.need.type, rec.need.found))
            end
          elseif rec.near then
            say(string.format("#%d %s: %s\n    matched %q, then stopped at %s\n", rec.index,
              paint("near miss", "yellow"),
              highlight(doc.text, rec.start, rec.stop, { { rec.from, rec.furthest } }, paint),
              rec.near, rec.next and string.format("%q", rec.next) or "the end of the sentence"))
          end
        end
      end
      say(string.format("%d match%s\n", nm, nm == 1 and "" or "es"))
      st:close()
      return 0
    end
    -- facts at the place, from the store
    local where_m, where_r = "", ""
    if offset then
      where_m = " AND m.start <= " .. offset .. " AND " .. offset .. " < m.stop"
      where_r = " AND r.start <= " .. offset .. " AND " .. offset .. " < r.stop"
    end
    local mentions = st:sql("SELECT m.type, m.key, m.start, m.stop, m.text, m.rule, m.rule_file, " ..
      "m.rule_line, m.sent_start, m.sent_stop, m.attrs FROM mentions m WHERE m.doc_id = ?" ..
      where_m .. " ORDER BY m.start, m.stop DESC", doc.id)
    local relations = st:sql("SELECT r.id, r.type, r.stage, r.cameo, r.start, r.stop, r.rule, " ..
      "r.rule_file, r.rule_line, r.sent_start, r.sent_stop, r.attrs, " ..
      "(SELECT group_concat(a.role || '=' || coalesce(a.key, a.value, '?'), ' ') FROM " ..
      "relation_args a WHERE a.relation_id = r.id) AS args FROM relations r WHERE r.doc_id = ?" ..
      where_r .. " ORDER BY r.start, r.id", doc.id)
    if a.json then
      say(json.encode({ doc = doc.name, offset = offset or json.null,
        mentions = json.array(mentions), relations = json.array(relations) }), "\n")
      st:close()
      return 0
    end
    local x = st:sql("SELECT count(*) AS n FROM extractions WHERE doc_id = ?", doc.id)[1].n
    if x == 0 then warn("note: ", doc.name, " has not been extracted yet (run 'entente extract')\n") end
    -- group by sentence
    local sents, order = {}, {}
    local function sent_of(s0, s1)
      local k = s0 .. ":" .. s1
      if not sents[k] then sents[k] = { s0 = s0, s1 = s1, m = {}, r = {} }; order[#order + 1] = sents[k] end
      return sents[k]
    end
    for _, m in ipairs(mentions) do table.insert(sent_of(m.sent_start, m.sent_stop).m, m) end
    for _, r in ipairs(relations) do table.insert(sent_of(r.sent_start, r.sent_stop).r, r) end
    table.sort(order, function(p1, p2) return p1.s0 < p2.s0 end)
    say(string.format("%s%s\n", doc.name, offset and (" at offset " .. offset) or ""))
    for _, s in ipairs(order) do
      local spans = {}
      for _, m in ipairs(s.m) do spans[#spans + 1] = { m.start, m.stop } end
      say("\n", highlight(doc.text, s.s0, s.s1, spans, paint), "\n")
      for _, m in ipairs(s.m) do
        say(string.format("  %-9s %-22s %q  %s  %s:%d\n", m.type, tostring(m.key),
          m.text, paint(m.rule, "cyan"), m.rule_file or "?", m.rule_line or 0))
      end
      for _, r in ipairs(s.r) do
        say(string.format("  %s %s%s%s  %s  %s:%d\n", paint(r.type, "bold"), r.args or "",
          r.stage and (" stage=" .. r.stage) or "", r.cameo and (" cameo=" .. r.cameo) or "",
          paint(r.rule, "cyan"), r.rule_file or "?", r.rule_line or 0))
      end
    end
    say(string.format("\n%d mention%s, %d relation%s\n", #mentions, #mentions == 1 and "" or "s",
      #relations, #relations == 1 and "" or "s"))
    st:close()
    return 0
  end,
}

return M
