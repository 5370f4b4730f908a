-- POST /v1/credentials/bulk_create, 100 credentials each with a recipient no other has.
-- Arguments: group id, label.
local BATCH = 100

function request()
  local items = {}
  for position = 1, BATCH do
    items[position] = string.format('{"recipient":%s,"group_id":%s}', recipient(), group_id)
  end
  local body = '{"credentials":[' .. table.concat(items, ",") .. "]}"
  return wrk.format(nil, nil, nil, body)
end
