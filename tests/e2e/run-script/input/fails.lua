local function inner() error("something is wrong in the report") end
local function outer() inner() end
outer()
