-- The REPL's loop pieces (entente.repl) without a terminal: compiling
-- lines as lua.c does, error messages, command words, and a session fed
-- lines with its output captured.
local repl = require "entente.repl"

-- A writer that keeps what is written.
local function sink()
  local t = { buf = {} }
  function t.write(self, ...) for _, v in ipairs { ... } do self.buf[#self.buf + 1] = tostring(v) end end
  function t.flush() end
  function t.text(self) return table.concat(self.buf) end
  return t
end

local function session()
  local out, err = sink(), sink()
  local tmp = os.getenv("ENTENTE_TEST_TMP") or "/tmp/entente-spec"
  local s = repl.new { db = tmp .. "/no-such.db", interactive = false, color = false,
    out = out, err = err }
  return s, out, err
end

describe("entente.repl", function()
  it("compiles an expression as `return <line>` first, and =expr", function()
    local env = {}
    assert.equal(3, repl.compile("1 + 2", env)())
    assert.equal(3, repl.compile("=1 + 2", env)())
    assert.is_nil(repl.compile("x = 5", env)())
    assert.equal(5, env.x)
  end)

  it("reports an incomplete chunk so that the next line continues it", function()
    local fn, err, incomplete = repl.compile("function f(a)", {})
    assert.is_nil(fn)
    assert.truthy(err:find("<eof>", 1, true))
    assert.is_true(incomplete)
    fn = repl.compile("function f(a)\n  return a * 2\nend", {})
    assert.is_function(fn)
    local _, err2, inc2 = repl.compile("x = = 1", {})
    assert.equal("stdin:1: unexpected symbol near '='", err2)
    assert.is_false(inc2)
  end)

  it("splits command arguments into words, keeping quoted ones", function()
    assert.same({ "a", "b c", "d" }, repl.words([[a "b c" d]]))
    assert.same({}, repl.words("   "))
  end)

  it("cuts tracebacks at the REPL's own frames", function()
    assert.equal("interrupted", repl.msghandler("interrupted"))
    assert.equal("interrupted", repl.msghandler("stdin:3: interrupted"))
    assert.equal("(error object is a table value)", (repl.msghandler({}):match("^[^\n]*")))
  end)

  it("runs lines: values print, errors are reported and the session goes on", function()
    local s, out, err = session()
    s:feed("=1 + 1")
    s:feed("function twice(x)")
    s:feed("  return 2 * x")
    s:feed("end")
    s:feed("twice(21)")
    s:feed("error('boom')")
    s:feed("{ a = 1 }")
    s:feed("_")
    assert.equal("2\n42\n{ a = 1 }\n{ a = 1 }\n", out:text())
    assert.equal("stdin:1: boom\nstack traceback:\n\t[C]: in function 'error'\n\tstdin:1: in main chunk\n",
      err:text())
    assert.equal(1, s.errors)
  end)

  it("runs commands and reports their errors without a traceback", function()
    local s, out, err = session()
    s:feed(":set depth 2")
    s:feed(":set")
    assert.equal("pager off\ncolor off\ndepth 2\nitems 40\n", out:text())
    s:feed(":set depth x")
    s:feed(":nosuch")
    s:feed(":show 1")
    assert.truthy(err:text():find(":set depth N (a whole number above 0)\n" ..
      "unknown command ':nosuch' (:help lists them)\n", 1, true))
    assert.truthy(err:text():find("no-such.db", 1, true))
    assert.equal("quit", s:feed(":quit"))
  end)

  it("explains :help topics from docs/API.md and its own commands", function()
    local s, out = session()
    s:feed(":help why")
    assert.truthy(out:text():find("^:why RULE DOC\n  Where a rule matched"))
    s:feed(":help sentence")
    assert.truthy(out:text():find("\nSentence\n\nFields: `text`", 1, true))
  end)
end)
