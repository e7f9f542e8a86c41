/**
 * Replica counts for the canary and stable ReplicaSets (SPEC §2).
 *
 * With traffic routing the stable stays fully scaled and the canary gets ceil(weight × replicas / 100).
 * Without it (the "basic" canary) the pods themselves carry the split, so the counts follow the same
 * rules as Argo Rollouts' basic canary: the split closest to the weight, maxSurge (rounded up from a
 * percentage) bounds the total, maxUnavailable (rounded down) bounds what may go away, both resolving
 * to 0 means maxUnavailable 1, stable scales up before the canary, older ReplicaSets are drained
 * first, and availability is honoured when scaling down.
 */

export interface ReplicaSetCounts {
  specReplicas: number;
  availableReplicas: number;
}

export interface ReplicaInput {
  replicas: number;
  weightPercent: number;
  maxSurge: number | string;
  maxUnavailable: number | string;
  trafficRouted: boolean;
  stable?: ReplicaSetCounts;
  canary?: ReplicaSetCounts;
  others?: ReplicaSetCounts[];
  promoteFull?: boolean;
  aborted?: boolean;
}

export interface ReplicaCounts {
  canary: number;
  stable: number;
}

/** Resolves an int-or-percent against `total`; percentages round up or down as asked. */
export function scaleIntOrPercent(value: number | string, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const text = value.trim();
  if (text.endsWith('%')) {
    const percent = Number(text.slice(0, -1));
    const exact = (percent * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  return Number(text);
}

/** maxSurge and maxUnavailable as replica counts ("fenceposts"): both 0 means maxUnavailable 1. */
export function resolveFenceposts(
  maxSurge: number | string,
  maxUnavailable: number | string,
  replicas: number,
): { surge: number; unavailable: number } {
  const surge = scaleIntOrPercent(maxSurge, replicas, true);
  let unavailable = scaleIntOrPercent(maxUnavailable, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

/** Canary replicas that carry `weightPercent` of `replicas` when traffic is routed (rounds up). */
export function trafficWeightToReplicas(replicas: number, weightPercent: number): number {
  return Math.ceil((weightPercent * replicas) / 100);
}

function isTied(weight: number, total: number): boolean {
  const exact = (total * weight) / 100;
  return exact - Math.floor(exact) === 0.5;
}

function weightDelta(weight: number, canary: number, total: number): number {
  return Math.abs((canary * 100) / total - weight);
}

interface SplitOption {
  canary: number;
  total: number;
}

/** Ceil and (unless tied or forbidden zero) floor canary counts for a total of `total` pods. */
function optionsForTotal(total: number, counts: { ceil: number; floor: number; weight: number; floorAllowed: boolean }): SplitOption[] {
  const options: SplitOption[] = [{ canary: counts.ceil, total }];
  if (!isTied(counts.weight, total) && counts.floorAllowed) options.push({ canary: counts.floor, total });
  return options;
}

function splitOptions(replicas: number, weight: number, surge: number): SplitOption[] {
  const ceil = Math.ceil((replicas * weight) / 100);
  const floor = Math.floor((replicas * weight) / 100);
  const zeroAllowed = weight === 100 || weight === 0 || (replicas === 1 && surge === 0);
  const counts = { ceil, floor, weight, floorAllowed: floor !== 0 || zeroAllowed };
  const atReplicas = optionsForTotal(replicas, counts).filter((o) => o.canary !== ceil || ceil < replicas || zeroAllowed);
  return surge > 0 ? [...atReplicas, ...optionsForTotal(replicas + 1, counts)] : atReplicas;
}

/**
 * The canary/stable split closest to `weight` (first option wins ties). The pair sums to `replicas`,
 * or `replicas + 1` when surging is allowed; a weight of 1..99 never gives either side 0 when
 * there are 2+ pods to share.
 */
export function approximateWeightedSplit(replicas: number, weight: number, surge: number): ReplicaCounts {
  if (replicas === 0) return { canary: 0, stable: 0 };
  const options = splitOptions(replicas, weight, surge);
  let best = options[0];
  if (best === undefined) return { canary: 0, stable: replicas };
  for (const option of options.slice(1)) {
    if (weightDelta(weight, option.canary, option.total) < weightDelta(weight, best.canary, best.total)) best = option;
  }
  return { canary: best.canary, stable: best.total - best.canary };
}

/** Replicas a ReplicaSet contributes when deciding how much may be scaled down. */
function replicasForScaleDown(rs: ReplicaSetCounts | undefined, ignoreAvailability: boolean): number {
  if (rs === undefined) return 0;
  if (rs.specReplicas < rs.availableReplicas) return rs.specReplicas;
  return ignoreAvailability ? rs.specReplicas : rs.availableReplicas;
}

function effectiveWeight(input: ReplicaInput): number {
  if (input.promoteFull === true) return 100;
  if (input.aborted === true) return 0;
  return input.weightPercent;
}

interface BasicState {
  canary: number;
  stable: number;
  desiredCanary: number;
  desiredStable: number;
  maxAllowed: number;
  minAvailable: number;
}

/** Grows `rs` towards `desired` within `room`; returns the new count and the room left. */
function grow(rs: ReplicaSetCounts | undefined, current: number, desired: number, room: number): [number, number] {
  if (rs === undefined || rs.specReplicas >= desired || room <= 0) return [current, room];
  const next = Math.min(desired, rs.specReplicas + room);
  return [next, room - (next - rs.specReplicas)];
}

function scaleUp(input: ReplicaInput, state: BasicState): void {
  const total = sumSpec(input.others ?? []) + (input.canary?.specReplicas ?? 0) + (input.stable?.specReplicas ?? 0);
  let room = state.maxAllowed - total;
  [state.stable, room] = grow(input.stable, state.stable, state.desiredStable, room);
  [state.canary] = grow(input.canary, state.canary, state.desiredCanary, room);
}

/** Moves `drain` towards its desired count, then keeps the pair within maxSurge and availability. */
function adjustWithinLimits(
  drain: { rs?: ReplicaSetCounts; count: number },
  adjust: { rs?: ReplicaSetCounts; count: number },
  limits: { maxAllowed: number; minAvailable: number },
): [number, number] {
  let drainCount = drain.count;
  let adjustCount = adjust.count;
  let overLimit = Math.max(0, adjustCount + drainCount - limits.maxAllowed);
  let available = drain.rs === undefined ? 0 : Math.min(drain.rs.availableReplicas, drainCount);
  if (adjust.rs !== undefined) {
    adjustCount -= overLimit;
    available += Math.min(adjust.rs.availableReplicas, adjustCount);
    const lostAvailable = Math.max(0, adjust.rs.availableReplicas - adjustCount);
    const missing = Math.max(0, limits.minAvailable - available);
    adjustCount += Math.min(lostAvailable, missing);
    overLimit = Math.max(0, adjustCount + drainCount - limits.maxAllowed);
    drainCount -= overLimit;
  }
  return [drainCount, adjustCount];
}

function scaleDown(input: ReplicaInput, state: BasicState): void {
  const { canary, stable } = input;
  const increasing = canary === undefined || state.desiredCanary >= canary.specReplicas;
  const toScaleDown = replicasForScaleDown(canary, !increasing) + replicasForScaleDown(stable, increasing);
  if (toScaleDown <= state.minAvailable) return;
  const budget = toScaleDown - state.minAvailable;
  const limits = { maxAllowed: state.maxAllowed, minAvailable: state.minAvailable };
  if (!increasing) {
    if (canary !== undefined && canary.specReplicas > state.desiredCanary) {
      state.canary = Math.max(state.desiredCanary, canary.specReplicas - budget);
    }
    [state.canary, state.stable] = adjustWithinLimits({ rs: canary, count: state.canary }, { rs: stable, count: state.stable }, limits);
  } else if (stable !== undefined) {
    if (stable.specReplicas > state.desiredStable) {
      state.stable = Math.max(state.desiredStable, stable.specReplicas - budget);
    }
    [state.stable, state.canary] = adjustWithinLimits({ rs: stable, count: state.stable }, { rs: canary, count: state.canary }, limits);
  }
}

function sumSpec(list: ReplicaSetCounts[]): number {
  return list.reduce((sum, rs) => sum + rs.specReplicas, 0);
}

function computeBasicCanary(input: ReplicaInput): ReplicaCounts {
  const { surge, unavailable } = resolveFenceposts(input.maxSurge, input.maxUnavailable, input.replicas);
  const split = approximateWeightedSplit(input.replicas, effectiveWeight(input), surge);
  const hasStable = input.stable !== undefined;
  const state: BasicState = {
    canary: input.canary?.specReplicas ?? 0,
    stable: input.stable?.specReplicas ?? 0,
    desiredCanary: hasStable ? split.canary : input.replicas,
    desiredStable: hasStable ? split.stable : 0,
    maxAllowed: input.replicas + surge,
    minAvailable: input.replicas - unavailable,
  };
  scaleUp(input, state);
  if (sumSpec(input.others ?? []) > 0) return { canary: state.canary, stable: state.stable };
  scaleDown(input, state);
  return { canary: state.canary, stable: state.stable };
}

/** The canary and stable replica counts for this reconcile (see the header for the rules). */
export function computeReplicaCounts(input: ReplicaInput): ReplicaCounts {
  if (input.trafficRouted) {
    const weight = input.stable === undefined ? 100 : effectiveWeight(input);
    return { canary: trafficWeightToReplicas(input.replicas, weight), stable: input.replicas };
  }
  return computeBasicCanary(input);
}
