-- wrk script for bench/ingest_bench.py (and bench/console_bench.py): POSTs pre-signed requests, each once.
-- ingest_bench.write_requests formats them beforehand, a file per wrk thread (INGEST_REQUESTS followed by the thread's
-- number), each request after its length in bytes and a newline. init splits its file into a table, so that request()
-- only hands the next string over: taking each request out of the file as it went cost wrk a few µs a request, on the
-- cores the server uses too.
--
-- wrk runs the threads' inits one after another in its main thread and starts a thread's connections as soon as its
-- own init is done, but starts its clock only after the last init. So the last thread's init creates INGEST_READY, and
-- each thread's first request() waits for that file: no thread sends before the clock runs (at most 0.2 ms later).
local ffi = require("ffi")
ffi.cdef [[ int usleep(unsigned int usec); ]]

local requests, count, position = {}, 0, 0
local waiting = true
local verifying
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  local file = assert(io.open(os.getenv("INGEST_REQUESTS") .. tid, "rb"))
  local all = file:read("*a")
  file:close()
  local at, size = 1, #all
  while at <= size do
    local newline = all:find("\n", at, true)
    local length = tonumber(all:sub(at, newline - 1))
    count = count + 1
    requests[count] = all:sub(newline + 1, newline + length)
    at = newline + 1 + length
  end
  verifying = tid == 1
  if tid == tonumber(os.getenv("INGEST_THREADS")) then assert(io.open(os.getenv("INGEST_READY"), "w")):close() end
end

function request()
  -- wrk's main thread calls the first thread's request() once to check what it returns, before any thread runs.
  if verifying then verifying = false; return requests[1] end
  while waiting do
    local ready = io.open(os.getenv("INGEST_READY"), "r")
    if ready then ready:close(); waiting = false else ffi.C.usleep(200) end
  end
  -- Exhausted: start over; the replays are refused and not counted as accepted.
  position = position + 1
  if position > count then position = 1 end
  return requests[position]
end
