-- 60-meetings: MEETING (people who met) and VISIT (a person or country
-- visiting a host country), docs/MODEL.md.
local R = include "rel_common"

local MEET_CUES = { "met", "meet", "meets", "meeting with", "meetings with", "talks with", "met with",
  "bilateral meeting", "courtesy call", "called on", "held talks", "hold talks", "holding talks",
  "discussions with", "sat down with", "received", "hosted", "talks between", "meeting between" }
-- Cues of being in one room that name no counterpart of their own: a
-- signing ("signed in Abuja by X and Y"), a ceremony both attended, talks
-- "in Ankara between X and Y". They make a meeting only between persons the
-- sentence itself names.
local TOGETHER_CUES = { "signed", "signing", "attended", "in the presence of", "talks", "negotiations",
  "exchanged", "co-chaired", "witnessed" }
local WITNESS = { "in the presence of", "witnessed by", "in a ceremony witnessed" }
local VISIT_CUES = { "visit to", "visits to", "visited", "visiting", "official visit", "working visit",
  "state visit", "trip to", "tour of", "arrived in", "arrives in", "visit", "visits",
  -- travel: "travelled to Denmark for the ceremony", "flew to Tokyo"
  "travelled to", "traveled to", "travels to", "travelling to", "traveling to", "flew to", "flies to",
  "landed in", "arrived at", "delegation to", "led a delegation", "led the delegation",
  "delegation led by", "delegation was led by" }

-- A place for the meeting: a place-only country or a PLACE in the sentence,
-- else the host of a visit in the document, else the dateline's place.
local function place_of(d, s)
  for _, m in ipairs(d:mentions { type = { "PLACE", "COUNTRY" }, sentence = s.index }) do
    if m.type == "PLACE" then return m.attrs and m.attrs.country or m.key end
    if m.attrs and m.attrs.place_only then return m.key end
  end
  local visit = d:relations_of { type = "VISIT" }[1]
  if visit then
    local h = visit.args.host
    return type(h) == "table" and h.key or h
  end
  return nil
end

local function date_of(d, s)
  local dm = d:mentions { type = "DATE", sentence = s.index }
  if dm[1] then return dm[1].key end
  return nil
end

-- The person a document follows: the visitor of its visits, else the first
-- person of its meetings.
local function protagonist(d)
  for _, r in ipairs(d:relations_of { type = "VISIT" }) do
    if type(r.args.visitor) == "table" and r.args.visitor.type == "PERSON" then return r.args.visitor end
  end
  for _, r in ipairs(d:relations_of { type = "MEETING" }) do
    local p = r.args.participants
    if p and p[1] then return p[1] end
  end
  return nil
end

-- Who visits where: "X's official visit to Italy", "X visited Ankara",
-- "X arrived in Istanbul ... official visit". The host is the country (or
-- the country of the place) named after the cue; a visitor from the host
-- country is no visitor.
rule {
  name = "visit_person_country",
  phase = "relations",
  needs = { PERSON = 1 },
  description = "VISIT of a person to a host country",
  run = function(d)
    for s in d:sentences() do
      local w = R.words_of(d, s.start, s.stop)
      local cues = R.find_all(w.words, "visit_cues", VISIT_CUES)
      local persons = d:mentions { type = "PERSON", sentence = s.index }
      if #cues > 0 and #persons > 0 then
        local cue = cues[1]
        local at = w.starts[cue[1]]
        -- host: first country or place after the cue, else the focus partner
        local host
        for _, m in ipairs(d:mentions { type = { "COUNTRY", "PLACE" }, within = { at, s.stop } }) do
          host = m.type == "PLACE" and m.attrs and m.attrs.country or (m.type == "COUNTRY" and m.key)
          if host then break end
        end
        local visitor = persons[1]
        for _, p in ipairs(persons) do
          if p.start < at then visitor = p end
        end
        -- a country only guessed for the person does not make them a local
        local vc = visitor.attrs and not visitor.attrs.country_weak and visitor.attrs.country or nil
        if not host then
          local pair = R.focus_pair(d)
          if #pair == 2 and vc then
            host = (pair[1] == vc) and pair[2] or (pair[2] == vc and pair[1]) or nil
          end
        end
        if host and host ~= vc then
          local mod = R.modality_at(w, cue[1], cue[2])
          d:relate("VISIT", { visitor = visitor, host = host },
            { date = date_of(d, s), cameo = "042", modality = mod ~= "talked" and mod or "asserted" },
            { s.start, s.stop })
        end
      end
    end
  end,
  examples = {
    { "Polish Prime Minister Hana Kovac began an official visit to Japan on Monday.",
      relations = { { "VISIT", visitor = "hana kovac", host = "JPN" } } },
    { "Defence Minister Lars Holm met Egyptian officials in Cairo.",
      absent = { { "VISIT" } } },
    -- travel verbs
    { "Chilean President Ana Torres, who travelled to Spain for the launch, praised the shipyard.",
      relations = { { "VISIT", visitor = "ana torres", host = "ESP" } } },
    { "Swedish Prime Minister Tomas Berg flew to Japan on Tuesday for talks on defence ties.",
      relations = { { "VISIT", visitor = "tomas berg", host = "JPN" },
        { "COOPERATION", a = "JPN", b = "SWE", stage = "talks" } } },
  },
}

-- People who met: the persons of a sentence with a meeting cue ("X met Y",
-- "his bilateral meeting with Y", "X joined Y for a meeting with Z"). A
-- sentence naming one person ("Talks with Navy Chief Z focused on ...")
-- adds the person the document follows.
rule {
  name = "meeting_persons",
  phase = "relations",
  needs = { PERSON = 1 },
  description = "MEETING between the persons a meeting sentence names",
  run = function(d)
    local seen = {}
    for s in d:sentences() do
      local w = R.words_of(d, s.start, s.stop)
      local cues = R.find_all(w.words, "meet_cues", MEET_CUES)
      local together = false
      if #cues == 0 then
        cues = R.find_all(w.words, "together_cues", TOGETHER_CUES)
        together = true
      end
      if #cues > 0 then
        local keys, people = {}, {}
        -- witnesses of a signing are not its parties
        local wit = R.find_all(w.words, "witness_cues", WITNESS)
        local wit_at = wit[1] and w.starts[wit[1][1]] or math.huge
        for _, p in ipairs(d:mentions { type = "PERSON", sentence = s.index }) do
          if p.key and not keys[p.key] and p.start < wit_at then
            keys[p.key] = true
            people[#people + 1] = p
          end
        end
        if #people == 1 and not together then
          local hero = protagonist(d)
          if hero and not keys[hero.key] then table.insert(people, 1, hero) end
        end
        -- the counterpart is named after the cue
        local after = together
        for _, p in ipairs(people) do
          if p.start >= w.starts[cues[1][1]] then after = true end
        end
        local mod = R.modality_at(w, cues[1][1], cues[1][2])
        if after and #people >= 2 and mod ~= "denied" and mod ~= "hypothetical" then
          local ks = {}
          for _, p in ipairs(people) do ks[#ks + 1] = p.key end
          table.sort(ks)
          local id = table.concat(ks, "|")
          if not seen[id] then
            seen[id] = true
            local place = place_of(d, s)
            local cameo = "040"
            if #R.find_all(w.words, "talks_w", { "talks", "negotiat*" }) > 0 then cameo = "046" end
            d:relate("MEETING", { participants = people },
              { place = place, date = date_of(d, s), cameo = cameo, modality = mod },
              { s.start, s.stop })
          end
        end
      end
    end
  end,
  examples = {
    { "Foreign Minister Ana Lopes met Prime Minister Kenji Sato in Tokyo.",
      relations = { { "MEETING", participants = { "ana lopes", "kenji sato" } } } },
    { "Defence Minister Lars Holm said he would not meet Prime Minister Kenji Sato if the talks failed.",
      absent = { { "MEETING" } } },
    { "Minister Ana Lopes, accompanied by envoy Rui Costa, held talks with officials.",
      absent = { { "MEETING" } } },
    { "The memorandum was signed in Lima by Defence Minister Ana Lopes and Admiral Jorge Ruiz.",
      relations = { { "MEETING", participants = { "ana lopes", "jorge ruiz" } } } },
    { "The contract was signed last year by Defence Minister Ana Lopes.",
      absent = { { "MEETING" } } },
    { "Admiral Jorge Ruiz and Minister Ana Lopes signed the deal in the presence of President Rui Costa.",
      relations = { { "MEETING", participants = { "ana lopes", "jorge ruiz" } } },
      absent = { { "MEETING", participants = { "ana lopes", "jorge ruiz", "rui costa" } } } },
  },
}
