-- 75-industrial.lua: industrial cooperation that is not a purchase:
-- co-production (licensed production, local assembly, joint production),
-- maintenance, repair and overhaul (MRO), and training.
--
-- One rule per relation type, all built the same way: a sentence with a cue
-- of the kind names the parties. Two or more acting countries in the
-- sentence are paired with each other; a single one is paired with the
-- other country of the document's focus pair (the two countries the article
-- is about). The stage and modality come from the pack's reader of stage
-- cues (lib/rel_common.lua): "plans to set up an MRO centre" is intent,
-- "began local assembly" is delivery, a denied plan yields nothing.
local R = include "rel_common"

-- Cue phrases, folded; "word*" matches any word starting with "word".
local CUES = {
  CO_PRODUCTION = { "co-produc*", "coproduc*", "co-develop*", "jointly produc*", "joint production",
    "licensed production", "licence production", "license production", "produce under licence",
    "produce under license", "local production", "locally produced", "locally built",
    "local assembly", "assembled locally", "assemble locally", "final assembly line",
    "build locally", "built locally", "manufacture locally", "manufactured locally" },
  MRO = { "mro", "maintenance, repair and overhaul", "maintenance repair and overhaul",
    "maintenance and repair", "repair and overhaul", "maintenance support", "sustainment",
    "through-life support", "overhaul", "depot-level maintenance" },
  TRAINING = { "train pilots", "training of pilots", "pilot training", "training programme",
    "training program", "training for", "trained by", "will train", "to train", "train their",
    "joint exercise*", "joint training", "military exercise*", "officer exchange*",
    "personnel exchange*", "training centre", "training center", "training and skills" },
}

local STAGE_OF = { intent = "intent", talks = "talks", framework = "framework",
  contract = "contract", delivery = "delivery" }
local CAMEO = { intent = "0312", talks = "046" }

-- The acting countries of a sentence, in text order, without repeats.
local function actors(d, s, w)
  local out, seen = {}, {}
  for _, m in ipairs(d:mentions { type = "COUNTRY", sentence = s.index }) do
    if m.key and not seen[m.key] and R.is_actor(d, m, w) then
      seen[m.key] = true
      out[#out + 1] = m
    end
  end
  return out
end

-- Relate every pair for one relation type in sentence s.
local function relate_pairs(d, s, rtype, info)
  local list = actors(d, s, info.w)
  local pairs_ = {}
  if #list >= 2 then
    for i = 1, #list - 1 do
      for j = i + 1, #list do pairs_[#pairs_ + 1] = { list[i], list[j] } end
    end
  elseif #list == 1 then
    local focus = R.focus_pair(d)
    local other = (focus[1] == list[1].key) and focus[2] or (focus[2] == list[1].key and focus[1]) or nil
    if other then pairs_[1] = { list[1], other } end
  end
  local stage = STAGE_OF[info.stage] or "intent"
  for _, pr in ipairs(pairs_) do
    d:relate(rtype, { a = pr[1], b = pr[2] },
      { stage = stage, cameo = CAMEO[stage] or "062", modality = info.modality },
      { s.start, s.stop })
  end
end

local function industrial_rule(rtype, name, description, examples)
  rule {
    name = name,
    phase = "relations",
    description = description,
    run = function(d)
      for s in d:sentences() do
        local info = R.read(d, s.start, s.stop)
        if info.modality ~= "denied" and
            #R.find_all(info.w.words, "industrial_" .. rtype, CUES[rtype]) > 0 then
          relate_pairs(d, s, rtype, info)
        end
      end
    end,
    examples = examples,
  }
end

industrial_rule("CO_PRODUCTION", "industrial.co_production",
  "CO_PRODUCTION between the countries of a sentence about licensed or local production", {
    { "Brazil and Sweden began local assembly of the fighter at a new plant.",
      relations = { { "CO_PRODUCTION", a = "BRA", b = "SWE" } } },
    { "Egypt and Germany denied that licensed production was planned.",
      absent = { { "CO_PRODUCTION" } } },
  })

industrial_rule("MRO", "industrial.mro",
  "MRO between the countries of a sentence about maintenance, repair and overhaul", {
    { "Malaysia and Italy plan to set up a regional MRO hub for helicopters.",
      relations = { { "MRO", a = "MYS", b = "ITA" } } },
    { "Malaysia and Italy discussed the weather.", absent = { { "MRO" } } },
  })

industrial_rule("TRAINING", "industrial.training",
  "TRAINING between the countries of a sentence about training, exercises or exchanges", {
    { "India and Vietnam held a joint exercise off the coast last week.",
      relations = { { "TRAINING", a = "IND", b = "VNM" } } },
    { "India and Vietnam signed a trade pact.", absent = { { "TRAINING" } } },
  })
