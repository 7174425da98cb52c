/**
 * Config resources as DescribeConfigs, AlterConfigs and IncrementalAlterConfigs name them
 * (Kafka's ConfigResource.Type ids), the broker-id check every BROKER resource goes through,
 * and the error a single resource fails with.
 */
import { ErrorCode } from '../../protocol/error-codes';
import { toErrorCode } from '../../protocol/kafka-errors';

export const ConfigResourceType = {
  UNKNOWN: 0,
  TOPIC: 2,
  BROKER: 4,
  BROKER_LOGGER: 8,
  CLIENT_METRICS: 16,
  GROUP: 32,
} as const;

const NAMES: Readonly<Record<number, string>> = {
  2: 'TOPIC',
  4: 'BROKER',
  8: 'BROKER_LOGGER',
  16: 'CLIENT_METRICS',
  32: 'GROUP',
};

/** Kafka's name for a resource type id, or undefined for an id it does not define. */
export function resourceTypeName(type: number): string | undefined {
  return NAMES[type];
}

/** One resource of a config request fails with this code and message; others go on. */
export class ResourceError extends Error {
  override name = 'ResourceError';
  constructor(
    readonly errorCode: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The broker id a BROKER / BROKER_LOGGER resource names, which must be this broker's
 * (INVALID_REQUEST otherwise, as Kafka). `what` is how Kafka's message calls it.
 */
export function checkBrokerId(resourceName: string, nodeId: number, what: 'Broker id' | 'Node id', alsoEmpty: boolean): void {
  if (!/^[+-]?\d+$/.test(resourceName.trim())) {
    throw new ResourceError(ErrorCode.INVALID_REQUEST, `${what} must be an integer, but it is: ${resourceName}`);
  }
  if (Number(resourceName.trim()) !== nodeId) {
    const expected = alsoEmpty ? `${nodeId} or empty string` : `${nodeId}`;
    throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${expected}, but received ${resourceName}`);
  }
}

/** The resources that appear more than once, by `type:name` (Kafka fails every copy). */
export function duplicateResources(resources: readonly { resourceType: number; resourceName: string }[]): Set<string> {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const r of resources) {
    const k = resourceKey(r);
    if (seen.has(k)) dup.add(k);
    seen.add(k);
  }
  return dup;
}

export const resourceKey = (r: { resourceType: number; resourceName: string }): string => `${r.resourceType}:${r.resourceName}`;

/** The per-resource answer AlterConfigs and IncrementalAlterConfigs share. */
export interface ResourceOutcome {
  errorCode: number;
  errorMessage: string | null;
  resourceType: number;
  resourceName: string;
}

export function resourceOutcome(r: { resourceType: number; resourceName: string }, errorCode: number, errorMessage: string | null): ResourceOutcome {
  return { errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName };
}

/**
 * Applies `alter` to each resource in turn, as Kafka's config handlers do: a resource named twice
 * fails with INVALID_REQUEST, each other one succeeds or fails on its own.
 */
export async function alterEachResource<R extends { resourceType: number; resourceName: string }>(
  resources: readonly R[],
  alter: (r: R) => Promise<void>,
): Promise<ResourceOutcome[]> {
  const dups = duplicateResources(resources);
  const out: ResourceOutcome[] = [];
  for (const r of resources) {
    if (dups.has(resourceKey(r))) {
      out.push(resourceOutcome(r, ErrorCode.INVALID_REQUEST, 'Each resource must appear at most once.'));
      continue;
    }
    try {
      await alter(r);
      out.push(resourceOutcome(r, ErrorCode.NONE, null));
    } catch (e) {
      if (e instanceof ResourceError) out.push(resourceOutcome(r, e.errorCode, e.message));
      else out.push(resourceOutcome(r, toErrorCode(e), (e as Error).message));
    }
  }
  return out;
}
