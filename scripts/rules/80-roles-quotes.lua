-- 80-roles-quotes: HOLDS_ROLE and BASED_IN from mention attributes, and
-- QUOTE (speaker and quoted words), docs/MODEL.md.

-- A person with a title holds that office for their country (first mention
-- that gives both).
rule {
  name = "holds_role_from_person",
  phase = "relations",
  needs = { PERSON = 1 },
  description = "HOLDS_ROLE person → country with the title the text gives",
  run = function(d)
    local done = {}
    for _, m in ipairs(d:mentions { type = "PERSON" }) do
      local a = m.attrs or {}
      if m.key and a.title and not done[m.key] then
        done[m.key] = true
        d:relate("HOLDS_ROLE", { person = m, country = a.country }, { title = a.title }, { m.start, m.stop })
      end
    end
  end,
  examples = {
    { "Defence Minister Lars Holm spoke.",
      relations = { { "HOLDS_ROLE", person = "lars holm", title = "Defence Minister" } } },
  },
}

-- An organisation with a home country is based there.
rule {
  name = "based_in_from_org",
  phase = "relations",
  needs = { ORG = 1 },
  description = "BASED_IN org → its home country",
  run = function(d)
    local done = {}
    for _, m in ipairs(d:mentions { type = "ORG" }) do
      local c = m.attrs and m.attrs.country
      if m.key and c and not done[m.key] then
        done[m.key] = true
        d:relate("BASED_IN", { org = m, country = c }, {}, { m.start, m.stop })
      end
    end
  end,
  examples = {
    { "Dassault Aviation builds jets.", relations = { { "BASED_IN", country = "FRA" } } },
  },
}

local SAY = { said = true, says = true, added = true, stated = true, noted = true, told = true,
  stressed = true, explained = true, argued = true, emphasised = true, emphasized = true, remarked = true }
local PRONOUN = { he = true, she = true, they = true }
local QUOTE_BYTES = "\"'\194\226\227\239"

-- Quoted words and who said them: "“...,” X said", "X said: “...”", a
-- pronoun ("he said") standing for the last person named, and a quote that
-- runs over several paragraphs ends where its attribution is.
rule {
  name = "quote_speaker",
  phase = "relations",
  description = "QUOTE: speaker (PERSON or ORG) and the quoted text",
  run = function(d)
    local open_parts, last_person = {}, nil
    -- where the bytes that quote tokens start with are (", ' and the first
    -- bytes of the Unicode quotes of engine/text.c): a sentence without any,
    -- with no quote open before it, needs no look at its tokens
    local qpos, qk = d:byte_positions(QUOTE_BYTES), 1
    for s in d:sentences() do
      local persons = d:mentions { type = { "PERSON", "ORG" }, sentence = s.index }
      while qpos[qk] and qpos[qk] <= s.start do qk = qk + 1 end
      local quoteless = not (qpos[qk] and qpos[qk] <= s.stop)
      if not (quoteless and #open_parts == 0 and not s.in_quote) then
        local toks = s:tokens()
        local quoted, inside = {}, s.in_quote
        local say_at, pron = nil, false
        for i, t in ipairs(toks) do
          if t.kind == "quote" then
            inside = not inside
          elseif inside then
            quoted[#quoted + 1] = t
          elseif SAY[fold(t.text)] then
            say_at = say_at or t.start
            local prev = toks[i - 1]
            local nxt = toks[i + 1]
            if (prev and PRONOUN[fold(prev.text)]) or (nxt and PRONOUN[fold(nxt.text)]) then pron = true end
          end
        end
        if #quoted > 0 then
          open_parts[#open_parts + 1] = d.text:sub(quoted[1].start + 1, quoted[#quoted].stop)
        end
        local speaker
        if say_at and #open_parts > 0 then
          -- the person or organisation nearest the verb, outside the quote
          local best
          for _, m in ipairs(persons) do
            local inq = false
            for _, t in ipairs(quoted) do if t.start == m.start then inq = true end end
            local closer = not best or math.abs(m.start - say_at) < math.abs(best.start - say_at)
            if not inq and closer then best = m end
          end
          speaker = best or (pron and last_person)
          if speaker then
            d:relate("QUOTE", { speaker = speaker }, { text = table.concat(open_parts, " ") },
              { s.start, s.stop })
          end
          open_parts = {}
        elseif #quoted == 0 then
          open_parts = {}
        end
      end
      for _, m in ipairs(persons) do if m.type == "PERSON" then last_person = m end end
    end
  end,
  examples = {
    { "\"We will buy more ships,\" Defence Minister Lars Holm said.",
      relations = { { "QUOTE", speaker = "lars holm", text = "We will buy more ships," } } },
    { "Defence Minister Lars Holm spoke in Oslo. \"The talks went well,\" he said.",
      relations = { { "QUOTE", speaker = "lars holm" } } },
    -- the attribution in the next sentence, which has no quote marks
    { "\u{201C}We will buy more ships.\u{201D} Defence Minister Lars Holm said so on Monday.",
      relations = { { "QUOTE", speaker = "lars holm", text = "We will buy more ships." } } },
  },
}
