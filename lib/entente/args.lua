--- entente.args: command-line parsing for reports, over lua-argparse.
--
-- argparse prints help and usage errors itself and then calls os.exit,
-- which would end the host in the middle of a report. This wrapper keeps
-- both paths inside Lua: --help returns the help text (the report prints it
-- and returns 0) and a usage error raises a plain error that names the
-- report and the problem. Every report gets the same common options:
--   -o/--output DIR|FILE, --format FMT, --db FILE, --generated TEXT,
-- and --evidence N when their rows cite several facts.
local argparse = require "argparse"

local M = {}

local HELP = "\0entente-report-help\0"

--- Make a parser for a report.
-- spec.name: the report's name (shown in usage); spec.description;
-- spec.formats: the formats it writes (first is the default);
-- spec.evidence: the default of --evidence N, for reports whose rows cite
-- several facts (leave it out for reports of one fact per row);
-- spec.options(p): adds the report's own options and arguments.
function M.parser(spec)
  assert(type(spec) == "table" and type(spec.name) == "string", "args.parser: spec.name expected")
  local formats = spec.formats or { "html", "md", "csv", "json" }
  local p = argparse("entente run scripts/reports/" .. spec.name .. ".lua", spec.description, spec.epilog)
  p:add_help(false)
  p:help_max_width(80)
  p:flag("-h --help", "Show this help and exit."):action(function() error(HELP, 0) end)
  p:option("-o --output", "Where to write: a folder (created when missing, the file is named "
    .. "after the report) or a file. Without it the report goes to standard output.")
  p:option("--format", "Output format: " .. table.concat(formats, ", ") .. ".", formats[1])
    :choices(formats)
  -- --db is taken by `entente run` when given before the script; accept it here too
  p:option("--db", "Database file (also accepted before the script name).")
  p:option("--generated", "A date or label to print as the report's generation stamp "
    .. "(reports carry no clock time unless given one, so that runs are reproducible).")
  if spec.evidence then
    p:option("--evidence", "How many evidence sentences each row cites (the best by score, "
      .. "then one per source before a second from any; the rest are counted). 0: all.",
      tostring(spec.evidence)):convert(math.tointeger)
  end
  if spec.options then spec.options(p) end
  return p
end

--- Parse argv (an `arg` table or an array) for a report.
-- Returns the parsed options, or nil and the help text when --help was asked.
-- Raises "NAME: message" on a usage error.
function M.parse(spec, argv)
  local p = M.parser(spec)
  local list = {}
  for i = 1, #(argv or {}) do list[i] = argv[i] end
  local ok, res, perr = pcall(p.pparse, p, list)
  if not ok then
    if tostring(res):find(HELP, 1, true) then return nil, p:get_help() .. "\n" end
    error(res, 0)
  end
  if not res then
    error(spec.name .. ": " .. tostring(perr) .. "\n" .. p:get_usage(), 0)
  end
  return perr
end

return M
