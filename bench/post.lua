-- wrk script: POST the JSON body in $WRK_BODY (with $QUYHOACH_BENCH_TOKEN, if set, as bearer
-- token), and count answers that carry GraphQL errors: a partial failure answers 200 with
-- "errors", which wrk's status count cannot see.
wrk.method = "POST"
wrk.body = os.getenv("WRK_BODY") or error("WRK_BODY is not set")
wrk.headers["Content-Type"] = "application/json"
local token = os.getenv("QUYHOACH_BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  graphql_errors = 0
end

function response(status, headers, body)
  if string.find(body, '"errors"', 1, true) then
    graphql_errors = graphql_errors + 1
  end
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("graphql_errors")
  end
  io.write(string.format("GraphQL errors: %d\n", total))
end
