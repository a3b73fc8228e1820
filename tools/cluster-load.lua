-- wrk script for tools/cluster-load.sh: OneBot v11 group messages, every one distinct (its own
-- message id), spread over 200 groups and 100,000 senders; one in ten is an advert the shipped
-- packs flag. Arguments: the instance number (1, 2, ...), so that instances' ids never collide;
-- and optionally a pause in milliseconds before each request of a connection (tools/soak.sh paces
-- the load with it: connections x 1000 / pause = messages per second at most).

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  local instance = tonumber(args[1] or "1")
  base = instance * 400000000 + tid * 50000000
  pause = tonumber(args[2] or "0")
  n = 0
  math.randomseed(base)
end

function delay()
  return pause
end

function request()
  n = n + 1
  local id = base + n
  local group = 700000 + (id % 200)
  local user = 3000000 + math.random(0, 99999)
  local text
  if n % 10 == 0 then
    text = "加微信 abc888 领取内部资料"
  else
    text = "今天的作业是第" .. n .. "页，明天交"
  end
  local body = string.format(
    '{"self_id":10001,"user_id":%d,"time":%d,"message_id":%d,"message_type":"group","sub_type":"normal",' ..
    '"post_type":"message","group_id":%d,"font":14,"raw_message":"%s","message":[{"type":"text","data":{"text":"%s"}}],' ..
    '"sender":{"user_id":%d,"nickname":"n%d","card":"","role":"member"}}',
    user, os.time(), id, group, text, text, user, user)
  return wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
end

function done(summary, latency, requests)
  io.write(string.format("requests=%d non2xx=%d errors=%d p50_ms=%.2f p99_ms=%.2f\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
