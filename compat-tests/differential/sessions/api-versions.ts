/**
 * ApiVersions at every version, and at a version no broker has: Kafka then answers
 * UNSUPPORTED_VERSION in a v0 body (KIP-511), so the client can retry lower.
 *
 * The API lists are compared for the APIs both brokers implement (version ranges); which APIs
 * Tributary lacks altogether is what the per-API table shows, not a difference per answer.
 */
import type { Session, SessionEnv, Side, SideContext, Step } from '../lib/session';
import { ApiKey } from './support';

type ApiVersionsBody = { apiKeys: Array<{ apiKey: number }> };

function sharedApisOnly(env: SessionEnv) {
  return (body: ApiVersionsBody, ctx: SideContext): unknown => {
    const other: Side = ctx.side === 'kafka' ? 'tributary' : 'kafka';
    return { ...body, apiKeys: body.apiKeys.filter((k) => env.advertised(other, k.apiKey) !== undefined) };
  };
}

export const apiVersionsSession: Session = {
  name: 'api-versions',
  description: 'ApiVersions at each version and at an unknown version',
  build(env) {
    const steps: Step[] = [];
    const all = new Set<number>();
    for (const side of ['kafka', 'tributary'] as const) {
      const r = env.advertised(side, ApiKey.ApiVersions);
      if (r) for (let v = r.min; v <= r.max; v++) all.add(v);
    }
    for (const v of [...all].sort((a, b) => a - b)) {
      steps.push({
        title: 'ApiVersions',
        api: ApiKey.ApiVersions,
        version: v,
        request: () => ({ clientSoftwareName: 'tributary-differential', clientSoftwareVersion: '1.0', clusterId: null, nodeId: -1 }),
        normalise: sharedApisOnly(env),
      });
    }
    // A newer version than either broker knows (the codec writes it like the highest known one).
    const newest = Math.max(...all);
    steps.push({
      title: `ApiVersions at an unknown version (v${newest + 1}), answer read as v0`,
      api: ApiKey.ApiVersions,
      version: newest + 1,
      request: () => ({ clientSoftwareName: 'tributary-differential', clientSoftwareVersion: '1.0' }),
      responseVersion: 0,
      sendUnadvertised: true,
    });
    return steps;
  },
};
