-- wrk script for bench/engagement_bench.py: POSTs pre-signed engagement bodies (one per line of the file in
-- ENGAGEMENT_BODIES), each once. Thread i of n takes lines i, i+n, i+2n ... so no nonce is sent twice.
local bodies, index, step = {}, 0, 1
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(os.getenv("ENGAGEMENT_THREADS") or "1")
  local i = 0
  for line in io.lines(os.getenv("ENGAGEMENT_BODIES")) do
    if i % n == (tid - 1) then table.insert(bodies, line) end
    i = i + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
end

function request()
  index = index + 1
  if index > #bodies then index = 1 end   -- exhausted: replays answer 409 and are not counted as accepted
  return wrk.format(nil, nil, nil, bodies[index])
end
