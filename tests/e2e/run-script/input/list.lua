local en = require "entente"
print("args:", arg[0], arg[1], arg[2], select("#", ...))
for doc in en.docs { limit = 3 } do
  print(doc.name, doc:count_sentences(), doc:sentence(1).text:sub(1, 30))
end
local rows = en.sql("SELECT count(*) AS n FROM documents")
print("documents:", rows[1].n)
