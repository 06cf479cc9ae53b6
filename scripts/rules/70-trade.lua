-- 70-trade: TRADE figures between two countries (docs/MODEL.md): the pair,
-- the amount and currency, and the period the figure covers.
local R = include "rel_common"
local Money = include "rel_money"

local TRADE_WORDS = { "trade", "trading", "bilateral trade", "exports", "imports", "trade volume" }

-- "X's trade with Y from January to November 2025 totalled RM21.2 billion";
-- "total trade valued at RM24.15 billion" in a sentence naming both. A
-- sentence naming one country of the focus pair speaks of the pair.
rule {
  name = "trade_figure",
  phase = "relations",
  needs = { COUNTRY = 1 },
  description = "TRADE amount, currency and period between two countries",
  run = function(d)
    for s in d:sentences() do
      local w = R.words_of(d, s.start, s.stop)
      if #R.find_all(w.words, "trade_words", TRADE_WORDS) > 0 then
        local keys, list = {}, {}
        for _, m in ipairs(d:mentions { type = "COUNTRY", sentence = s.index }) do
          if m.key and not keys[m.key] and R.is_actor(d, m, w) then
            keys[m.key] = true
            list[#list + 1] = m.key
          end
        end
        local pair = R.focus_pair(d)
        if #list == 1 and #pair == 2 and (keys[pair[1]] or keys[pair[2]]) then list = { pair[1], pair[2] } end
        local money = Money.in_span(d, s.start, s.stop)
        if #list == 2 and #money > 0 then
          -- the figure the sentence ends on is the total; the period is said before it
          local x = money[#money]
          local period = Money.period(d.text:sub(s.start + 1, x.start))
            or Money.period(d.text:sub(s.start + 1, s.stop))
          local a, b = list[1], list[2]
          if b < a then a, b = b, a end
          d:relate("TRADE", { a = a, b = b },
            { amount = x.amount, currency = x.currency, period = period, cameo = "061" }, { s.start, s.stop })
        end
      end
    end
  end,
  examples = {
    { "Chile's trade with Spain from March to August 2024 reached US$1.5 billion.",
      relations = { { "TRADE", a = "CHL", b = "ESP", amount = 1500000000, currency = "USD",
        period = "2024-03/2024-08" } } },
    { "In 2023, bilateral trade between Kenya and India stood at 250 million dollars.",
      relations = { { "TRADE", a = "IND", b = "KEN", amount = 250000000, currency = "USD",
        period = "2023" } } },
    { "Kenya and India signed a deal worth US$40 million.", absent = { { "TRADE" } } },
  },
}
