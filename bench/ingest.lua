-- wrk script for bench/ingest_bench.py (and bench/console_bench.py): POSTs pre-signed bodies from the file in INGEST_BODIES, each once.
-- A line is "proof<TAB>body" (POST /v1/feedback: the proof goes in X-Portico-Proof) or just a body (POST
-- /v1/engagement: the proof is inside). Thread i of INGEST_THREADS takes lines i, i+n, i+2n ... so no nonce is sent twice.
-- Each request is formatted once, in init (before wrk starts its clock): request() only hands the next one over, so
-- the client spends per request about what wrk spends on a static GET (bench/RESULTS.md, "The client's share").
local requests, index = {}, 0
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  local n = tonumber(os.getenv("INGEST_THREADS") or "1")
  local contentType = os.getenv("INGEST_CONTENT_TYPE") or "application/json"
  local i = 0
  for line in io.lines(os.getenv("INGEST_BODIES")) do
    if i % n == (tid - 1) then
      -- wrk.format takes these headers instead of wrk.headers, not beside them.
      local headers = { ["Content-Type"] = contentType }
      local body = line
      local tab = line:find("\t", 1, true)
      if tab then
        headers["X-Portico-Proof"] = line:sub(1, tab - 1)
        body = line:sub(tab + 1)
      end
      requests[#requests + 1] = wrk.format("POST", nil, headers, body)
    end
    i = i + 1
  end
end

function request()
  index = index + 1
  if index > #requests then index = 1 end   -- exhausted: replays are refused and not counted as accepted
  return requests[index]
end
