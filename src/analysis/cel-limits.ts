// The cost budget of a CEL condition, checked before anything is evaluated: limits on the parsed
// expression (the library's own), a static estimate of the work it can do (comprehensions multiply
// by the size of what they iterate, as Kubernetes' CEL cost estimator does) and a bound on the size
// of `result`. The wall-clock limit that backs these up lives in cel-sandbox.ts.
import type { ASTNode } from '@marcbachmann/cel-js';

export const CEL_LIMITS = {
  /** Characters of a condition after `{{args.x}}` rewriting. */
  maxExpressionLength: 4096,
  /** Estimated evaluation steps of one condition. */
  maxCost: 1_000_000,
  /** Values (list elements, map entries, scalars) in `result`; also the size assumed for any list not known at parse time. */
  maxResultElements: 10_000,
  /** Limits the parser enforces (see @marcbachmann/cel-js `limits`). */
  parse: { maxAstNodes: 2000, maxDepth: 64, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 32 },
} as const;

const COMPREHENSIONS = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);
const SIZE_PRESERVING = new Set(['map', 'filter']);

type Node = ASTNode;

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === 'object' && typeof (value as { op?: unknown }).op === 'string';
}

/** The sub-expressions of a node, whatever its operator. */
function childrenOf(node: Node): Node[] {
  const args: unknown = node.args;
  if (node.op === 'rcall') {
    const [, receiver, fnArgs] = args as [string, Node, Node[]];
    return [receiver, ...fnArgs];
  }
  if (node.op === 'call') return (args as [string, Node[]])[1];
  if (node.op === 'map') return (args as [Node, Node][]).flat();
  if (Array.isArray(args)) return args.filter(isNode);
  return isNode(args) ? [args] : [];
}

/** An upper bound on the number of elements a node can produce. */
function sizeOf(node: Node): number {
  switch (node.op) {
    case 'value': {
      const value: unknown = node.args;
      if (typeof value === 'string') return value.length;
      return value instanceof Uint8Array ? value.length : 1;
    }
    case 'list':
    case 'map':
      return (node.args as unknown[]).length;
    case 'rcall': {
      const [name, receiver] = node.args as [string, Node, Node[]];
      return SIZE_PRESERVING.has(name) ? sizeOf(receiver) : CEL_LIMITS.maxResultElements;
    }
    case '+': {
      const [left, right] = node.args as [Node, Node];
      return sizeOf(left) + sizeOf(right);
    }
    default:
      return CEL_LIMITS.maxResultElements;
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Estimated evaluation steps: 1 per node; a comprehension costs its body once per element. */
export function estimateCost(node: Node): number {
  if (node.op === 'rcall') {
    const [name, receiver, fnArgs] = node.args as [string, Node, Node[]];
    if (COMPREHENSIONS.has(name)) {
      return 1 + estimateCost(receiver) + sizeOf(receiver) * (1 + sum(fnArgs.map(estimateCost)));
    }
  }
  return 1 + sum(childrenOf(node).map(estimateCost));
}

/** Why a parsed condition is over budget, or undefined when it is within. */
export function checkCostBudget(ast: Node, maxCost: number = CEL_LIMITS.maxCost): string | undefined {
  const cost = estimateCost(ast);
  if (cost <= maxCost) return undefined;
  return (
    `condition exceeds the CEL cost budget: estimated ${formatCount(cost)} evaluation steps, limit ${formatCount(maxCost)} ` +
    `(each comprehension such as map/all/exists/filter multiplies by the size of what it iterates; ` +
    `lists not known in advance count as ${CEL_LIMITS.maxResultElements} elements)`
  );
}

function formatCount(n: number): string {
  return n >= 1e15 ? n.toExponential(2) : Math.round(n).toString();
}

/** Counts the values in `result`, stopping once past `limit`. */
function countValues(value: unknown, limit: number): number {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && count <= limit) {
    const next = stack.pop();
    count += 1;
    if (Array.isArray(next)) stack.push(...next);
    else if (next !== null && typeof next === 'object') stack.push(...Object.values(next));
  }
  return count;
}

/** Why `result` is too large to hand to a condition, or undefined when it is within the bound. */
export function checkResultSize(result: unknown): string | undefined {
  const limit = CEL_LIMITS.maxResultElements;
  if (countValues(result, limit) <= limit) return undefined;
  return `result has more than ${limit} values, the limit for a condition's input: select less (a jsonPath, or an aggregating query)`;
}
