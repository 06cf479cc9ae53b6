local target = arg[1] == "-o" and arg[2]
local other = arg[3] == "--to" and arg[4]
local path = other or target
local f, err = io.open(path, "w")
if not f then error(err, 0) end
f:write("written by a report\n")
f:close()
print("wrote", path)
