-- wrk script for bench/ingest_bench.py (and bench/console_bench.py): POSTs pre-signed requests, each once.
-- ingest_bench.write_requests formats them beforehand, a file per wrk thread (INGEST_REQUESTS followed by the thread's
-- number), each request after its length in bytes and a newline: init only reads its file, so every thread is ready
-- at once (wrk starts a thread's connections when its init is done, but its clock after the last init), and
-- request() hands the next one over.
local requests, position = "", 1
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  local file = assert(io.open(os.getenv("INGEST_REQUESTS") .. tid, "rb"))
  requests = file:read("*a")
  file:close()
end

function request()
  -- Exhausted: start over; the replays are refused and not counted as accepted.
  if position > #requests then position = 1 end
  local newline = requests:find("\n", position, true)
  local length = tonumber(requests:sub(position, newline - 1))
  position = newline + 1 + length
  return requests:sub(newline + 1, newline + length)
end
