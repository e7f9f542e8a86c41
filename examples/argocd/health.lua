-- Argo CD resource health check for kanary.dev/Rollout.
-- Install it in argocd-cm as resource.customizations.health.kanary.dev_Rollout (see README.md).
-- Argo CD runs it with the live object in `obj` and reads the returned table `hs`:
--   Healthy     status.phase Healthy and the controller has seen the latest spec
--   Progressing a canary in flight, a spec change not yet observed, or no status yet
--   Suspended   paused: a pause step, an inconclusive analysis, or spec.paused
--   Degraded    aborted (failed analysis or `kanary abort`), progress deadline exceeded, invalid spec
-- Written for Lua 5.1 (Argo CD's gopher-lua) and tested with Lua 5.4.

local hs = {}

local function condition(status, kind)
  if status.conditions == nil then
    return nil
  end
  for _, c in ipairs(status.conditions) do
    if c.type == kind then
      return c
    end
  end
  return nil
end

local function orDefault(text, fallback)
  if text == nil or text == "" then
    return fallback
  end
  return text
end

local function pauseReason(status)
  if status.pauseConditions ~= nil and status.pauseConditions[1] ~= nil then
    return status.pauseConditions[1].reason
  end
  return nil
end

if obj.status == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Kanary controller to observe the Rollout"
  return hs
end

local status = obj.status
local generation = obj.metadata and obj.metadata.generation

local invalid = condition(status, "InvalidSpec")
if invalid ~= nil and invalid.status == "True" then
  hs.status = "Degraded"
  hs.message = orDefault(invalid.message, "InvalidSpec")
  return hs
end

if status.abort == true then
  hs.status = "Degraded"
  hs.message = orDefault(status.message, "Rollout aborted")
  return hs
end

if generation ~= nil and (status.observedGeneration == nil or tostring(status.observedGeneration) ~= tostring(generation)) then
  hs.status = "Progressing"
  hs.message = "Waiting for the Kanary controller to observe the latest spec"
  return hs
end

local phase = status.phase
if phase == "Degraded" then
  hs.status = "Degraded"
  hs.message = orDefault(status.message, "Rollout is degraded")
elseif phase == "Paused" then
  hs.status = "Suspended"
  hs.message = orDefault(status.message, orDefault(pauseReason(status), "Rollout is paused"))
elseif phase == "Healthy" then
  hs.status = "Healthy"
  hs.message = orDefault(status.message, "Rollout is healthy")
else
  hs.status = "Progressing"
  hs.message = orDefault(status.message, "Rollout is progressing")
end
return hs
