-- POST /v1/credentials with a recipient no other request uses. Arguments: group id, label.
function request()
  local body = string.format('{"credential":{"recipient":%s,"group_id":%s}}', recipient(), group_id)
  return wrk.format(nil, nil, nil, body)
end
