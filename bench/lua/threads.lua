-- Numbers each wrk thread (setup runs in the main state, once a thread), so that a request
-- can be told apart from every other: label, thread number, counter within the thread.
local threads_made = 0

function setup(thread)
  threads_made = threads_made + 1
  thread:set("thread_number", threads_made)
end

counter = 0

function init(args)
  group_id = args[1]
  label = args[2]
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function recipient()
  counter = counter + 1
  local name = string.format("%s-%d-%d", label, thread_number, counter)
  return string.format('{"name":"Learner %s","email":"%s@example.com"}', name, name)
end
