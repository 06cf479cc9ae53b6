print("os.execute:", os.execute)
print("io.popen:", io.popen)
print("debug:", pcall(function() return debug end))
print("require io.x:", pcall(require, "entente.core"))
print("binary chunk:", load(string.dump(function() end)))
local en = require "entente"
print("sql write:", pcall(en.sql, "DELETE FROM documents"))
