-- The report writers (entente.html, md, csv, dot, graphml), the argument
-- wrapper (entente.args) and the store-free parts of entente.report.
local html = require "entente.html"
local md = require "entente.md"
local csv = require "entente.csv"
local dot = require "entente.dot"
local graphml = require "entente.graphml"
local json = require "entente.json"
local args = require "entente.args"
local report = require "entente.report"

local HOSTILE = [[<script>alert("x")</script> & 'q' <img src=x onerror=alert(1)>]]
local BAD_UTF8 = "ok \xff\xfe bytes \xc3"

describe("entente.html", function()
  it("escapes hostile text so that no markup survives", function()
    local s = html.escape(HOSTILE)
    assert.is_nil(s:find("<", 1, true))
    assert.is_nil(s:find(">", 1, true))
    assert.is_nil(s:find('"', 1, true))
    assert.is_nil(s:find("'", 1, true))
    assert.are.equal("&lt;b&gt; &amp;amp; &quot;&#39;", html.escape("<b> &amp; \"'"))
  end)
  it("repairs invalid UTF-8 and drops control characters", function()
    assert.are.equal("ok \u{FFFD}\u{FFFD} bytes \u{FFFD}", html.escape(BAD_UTF8))
    assert.are.equal("ab", html.escape("a\0\27b"))
  end)
  it("escapes attribute values and sorts attributes", function()
    local e = tostring(html.el("td", { title = HOSTILE, class = "n" }, HOSTILE))
    assert.are.equal('<td class="n" title="', e:sub(1, 21))
    assert.is_nil(e:find("<script", 1, true))
  end)
  it("passes raw markup through and escapes plain strings in lists", function()
    local e = tostring(html.el("p", nil, { html.raw("<i>x</i>"), "<i>" }))
    assert.are.equal("<p><i>x</i>&lt;i&gt;</p>", e)
  end)
  it("links only fragments and http(s) URLs", function()
    assert.are.equal('<a href="#ev-r1">E1</a>', tostring(html.link("#ev-r1", "E1")))
    assert.are.equal('<a href="https://e.org/a?b=1&amp;c=2">t</a>',
      tostring(html.link("https://e.org/a?b=1&c=2", "t")))
    assert.are.equal("x", tostring(html.link("javascript:alert(1)", "x")))
    assert.are.equal("x", tostring(html.link("#a\" onclick=\"x", "x")))
  end)
  it("makes a self-contained page: no external assets, print CSS, one script", function()
    local page = html.page { title = HOSTILE, body = html.raw("<p>hi</p>") }
    assert.truthy(page:find("<title>&lt;script&gt;", 1, true))
    assert.is_nil(page:find(' src="', 1, true))
    assert.is_nil(page:find("<img", 1, true))
    assert.is_nil(page:find("<link", 1, true))
    assert.truthy(page:find("@media print", 1, true))
    local _, n = page:gsub("<script>", "")
    assert.are.equal(1, n)
  end)
end)

describe("entente.md", function()
  it("escapes Markdown and HTML in text", function()
    assert.are.equal("a \\| b \\*c\\* &lt;script&gt; \\[x\\](y) &amp;",
      md.escape("a | b *c* <script> [x](y) &"))
    assert.are.equal("one two", md.escape("one\n\ntwo"))
    assert.are.equal("ok \u{FFFD}\u{FFFD} bytes \u{FFFD}", md.escape(BAD_UTF8))
  end)
  it("writes pipe tables", function()
    assert.are.equal("| a | b |\n| --- | --- |\n| 1 |  |", md.table({ "a", "b" }, { { "1" } }))
  end)
end)

describe("entente.csv", function()
  it("follows RFC 4180: quotes, doubled quotes, CRLF", function()
    local out = csv.encode({ "a", "b", "c" }, {
      { a = 'say "hi"', b = "x,y", c = "line\nbreak" },
      { "1", nil, "3" },
    })
    assert.are.equal('a,b,c\r\n"say ""hi""","x,y","line\nbreak"\r\n1,,3\r\n', out)
  end)
  it("joins lists and repairs invalid UTF-8", function()
    assert.are.equal("l,u\r\nx; y,ok \u{FFFD}\u{FFFD} bytes \u{FFFD}\r\n",
      csv.encode({ "l", "u" }, { { l = { "x", "y" }, u = BAD_UTF8 } }))
  end)
  it("writes TSV without tabs or newlines inside fields", function()
    assert.are.equal("a\tb\nx y\tz w\n", csv.tsv({ "a", "b" }, { { a = "x\ty", b = "z\r\nw" } }))
  end)
end)

describe("entente.dot and entente.graphml", function()
  it("quotes DOT strings", function()
    assert.are.equal([["a \"b\" \\ c\nd"]], dot.quote('a "b" \\ c\nd'))
    local g = dot.graph { name = "g", nodes = { { id = "A", attrs = { label = HOSTILE } } },
                          edges = { { from = "A", to = "B", attrs = { w = "1" } } } }
    assert.truthy(g:find('"A" -- "B" [w="1"];', 1, true))
    assert.truthy(g:find('label="<script>alert(\\"x\\")</script>', 1, true))
  end)
  it("escapes XML and declares typed keys", function()
    assert.are.equal("&lt;a&gt; &amp; &quot;&apos;", graphml.escape("<a> & \"'"))
    local g = graphml.graph { nodes = { { id = "A&B", attrs = { label = HOSTILE, n = 3 } } }, edges = {} }
    assert.truthy(g:find('<node id="A&amp;B">', 1, true))
    assert.truthy(g:find('attr.name="n" attr.type="int"', 1, true))
    assert.is_nil(g:find("<script", 1, true))
  end)
end)

describe("entente.json on article text", function()
  it("is valid for invalid UTF-8 and control characters", function()
    assert.are.equal('"ok \u{FFFD}\u{FFFD} bytes \u{FFFD}\\u0000"', json.encode(BAD_UTF8 .. "\0"))
  end)
end)

describe("entente.args", function()
  local spec = { name = "demo", description = "A demo.", formats = { "md", "json" },
                 options = function(p) p:option("--country", "A country.") end }
  it("returns the help text instead of exiting", function()
    local a, help = args.parse(spec, { "--help" })
    assert.is_nil(a)
    assert.truthy(help:find("Usage: entente run scripts/reports/demo.lua", 1, true))
    assert.truthy(help:find("--country", 1, true))
  end)
  it("parses the common and the report's options", function()
    local a = args.parse(spec, { "--country", "MYS", "-o", "out/" })
    assert.are.same({ "MYS", "out/", "md" }, { a.country, a.output, a.format })
  end)
  it("raises a clear error on misuse", function()
    assert.has_error(function() args.parse(spec, { "--format", "pdf" }) end,
      "demo: argument for option '--format' must be one of 'md', 'json'\n" ..
      "Usage: entente run scripts/reports/demo.lua [-h] [-o <output>]\n" ..
      "       [--format {md,json}] [--db <db>] [--generated <generated>]\n" ..
      "       [--country <country>]")
    assert.has_error(function() args.parse(spec, { "--nope" }) end)
  end)
end)

describe("entente.report", function()
  it("orders stages", function()
    assert.are.equal("contract", report.furthest("talks", "contract"))
    assert.are.equal("contract", report.furthest("contract", "intent"))
    assert.are.equal("intent", report.furthest(nil, "intent"))
    assert.is_nil(report.furthest(nil, nil))
  end)
  it("reads attrs JSON, and malformed JSON as an empty object", function()
    local t = report.decode_json('{"sectors":["naval","air"],"n":2,"s":"a\\"\\u00e9\\ud83d\\ude00","x":null}')
    assert.are.same({ "naval", "air" }, { t.sectors[1], t.sectors[2] })
    assert.are.equal(2, t.n)
    assert.are.equal('a"é😀', t.s)
    assert.are.same({}, report.decode_json("{bad"))
  end)

  -- a report built by hand: no store needed
  local function sample()
    local rep = report.new { name = "t", title = "T " .. HOSTILE, params = { country = "MYS" } }
    local fact = { id = 7, type = "COOPERATION", args = {}, sentence = "It said " .. HOSTILE, rule = "r.x",
      rule_file = "f.lua", rule_line = 3, score = 0.5, start = 0,
      doc = { id = 1, name = "d.md", title = HOSTILE, source = "S&P", date = "2025-01-02",
              url = "javascript:alert(1)" } }
    rep:section { id = "s", title = "Rows", columns = { { key = "who", label = "Who" },
      { key = "stage", label = "Stage", kind = "stage" } },
      rows = { { who = HOSTILE, stage = "talks", evidence = { rep:cite(fact) } } } }
    return rep
  end
  it("links every row to the evidence appendix, in HTML", function()
    local page = sample():render("html")[1].content
    assert.truthy(page:find('<a href="#ev-r7">E1</a>', 1, true))
    assert.truthy(page:find('<li id="ev-r7">', 1, true))
    assert.truthy(page:find('class="sortable"', 1, true))
    local _, scripts = page:gsub("<script", "")
    assert.are.equal(1, scripts)
    assert.is_nil(page:find("javascript:", 1, true))
  end)
  it("renders Markdown, JSON and CSV with the same evidence", function()
    local rep = sample()
    assert.truthy(rep:render("md")[1].content:find("[E1](#ev-r7)", 1, true))
    local j = rep:render("json")[1].content
    assert.truthy(j:find('"evidence": [\n            "r7"\n          ]', 1, true))
    local files = rep:render("csv")
    assert.are.equal(1, #files)
    assert.are.equal("t.csv", files[1].name)
    assert.truthy(files[1].content:find(",talks,r7\r\n", 1, true))
  end)
  it("refuses an unknown format", function()
    assert.has_error(function() sample():render("pdf") end, "report t: no writer for format 'pdf'")
  end)
end)

describe("writing a piece at a time", function()
  it("csv.row and csv.tsv_row write what encode and tsv write", function()
    local cols, rows = { "a", "b" }, { { a = "x,y", b = 1 }, { a = HOSTILE, b = BAD_UTF8 } }
    assert.are.equal(csv.encode(cols, rows),
      csv.row(cols) .. csv.row(cols, rows[1]) .. csv.row(cols, rows[2]))
    assert.are.equal(csv.tsv(cols, rows), csv.tsv_row(cols) .. csv.tsv_row(cols, rows[1])
      .. csv.tsv_row(cols, rows[2]))
  end)
  it("json.encode at a depth indents as inside a document", function()
    local doc = json.encode({ rows = json.array({ { a = 1, b = { "x" } } }) }, { indent = "  " })
    local item = json.encode({ a = 1, b = { "x" } }, { indent = "  ", depth = 2 })
    assert.truthy(doc:find("    " .. item, 1, true))
  end)
  it("md.row is a line of md.table", function()
    assert.are.equal("| a | b |\n| --- | --- |\n| 1 |  |", md.table({ "a", "b" }, { { "1" } }))
    assert.are.equal("| 1 |  |", md.row({ "1" }, 2))
  end)
end)

describe("evidence left out of a row", function()
  local function sample()
    local rep = report.new { name = "t", title = "T" }
    local fact = { id = 7, type = "COOPERATION", args = {}, sentence = "s", rule = "r.x", score = 1,
      start = 0, doc = { id = 1, name = "d.md", date = "2025-01-02" } }
    rep:section { id = "s", title = "Rows", columns = { { key = "who", label = "Who" } },
      rows = { { who = "x", evidence = { rep:cite(fact) }, evidence_more = 1234 } } }
    return rep
  end
  it("is counted in every format", function()
    local rep = sample()
    assert.truthy(rep:render("html")[1].content:find(
      '<a href="#ev-r7">E1</a> <span class="more">and 1,234 more</span>', 1, true))
    assert.truthy(rep:render("md")[1].content:find("| x | [E1](#ev-r7) and 1,234 more |", 1, true))
    assert.truthy(rep:render("csv")[1].content:find('x,"r7; and 1,234 more"\r\n', 1, true))
    assert.truthy(rep:render("json")[1].content:find('"evidence_more": 1234', 1, true))
  end)
  it("cite_pick cites keys in id order, relations first, and counts the rest", function()
    local rep = report.new { name = "t", title = "T" }
    local keys, more = rep:cite_pick("m3 r40 r12", 10)
    assert.are.same({ "r12", "r40", "m3" }, keys)
    assert.are.equal(7, more)
    assert.are.same({ {}, 0 }, { rep:cite_pick(nil, 0) })
    assert.are.equal("1,234,567", report.thousands(1234567))
  end)
end)

describe("docs/REPORTS.md", function()
  it("shows scripts/reports/sectors.lua as it is, in under 50 lines", function()
    local home = require("entente").home
    local function read(p)
      local f = assert(io.open(home .. "/" .. p, "rb"))
      local s = f:read("a")
      f:close()
      return s
    end
    local doc = read("docs/REPORTS.md")
    local code = doc:match("<!%-%- example: scripts/reports/sectors.lua %-%->\n```lua\n(.-)```")
    assert.truthy(code, "the example block is missing")
    local file = read("scripts/reports/sectors.lua")
    assert.are.equal(file, code)
    local _, lines = file:gsub("\n", "")
    assert.is_true(lines < 50)
  end)
end)
