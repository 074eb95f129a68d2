-- wrk script for bench/ingest_bench.py (and bench/console_bench.py): POSTs pre-signed bodies from the file in INGEST_BODIES, each once.
-- A line is "proof<TAB>body" (POST /v1/feedback: the proof goes in X-Portico-Proof) or just a body (POST
-- /v1/engagement: the proof is inside). Thread i of INGEST_THREADS takes lines i, i+n, i+2n ... so no nonce is sent twice.
local bodies, proofs, index = {}, {}, 0
local contentType = os.getenv("INGEST_CONTENT_TYPE") or "application/json"
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

function init(args)
  local n = tonumber(os.getenv("INGEST_THREADS") or "1")
  local i = 0
  for line in io.lines(os.getenv("INGEST_BODIES")) do
    if i % n == (tid - 1) then
      local tab = line:find("\t", 1, true)
      if tab then
        table.insert(proofs, line:sub(1, tab - 1))
        table.insert(bodies, line:sub(tab + 1))
      else
        table.insert(bodies, line)
      end
    end
    i = i + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = contentType
end

function request()
  index = index + 1
  if index > #bodies then index = 1 end   -- exhausted: replays are refused and not counted as accepted
  -- wrk.format takes these headers instead of wrk.headers, not beside them.
  local headers = { ["Content-Type"] = contentType }
  if proofs[index] then headers["X-Portico-Proof"] = proofs[index] end
  return wrk.format(nil, nil, headers, bodies[index])
end
