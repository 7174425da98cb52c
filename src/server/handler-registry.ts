/**
 * The set of API handlers a broker serves. ApiVersions is derived from it, never hand-listed:
 * an API is advertised exactly when a handler for it is registered.
 */
import { API_SPECS } from '../protocol/generated';
import { invariant } from '../util/invariant';
import type { ApiHandler } from './handler';

export interface ApiVersionRange {
  apiKey: number;
  minVersion: number;
  maxVersion: number;
}

export class HandlerRegistry {
  private readonly handlers = new Map<number, ApiHandler>();

  register(handler: ApiHandler): this {
    const spec = API_SPECS.get(handler.apiKey);
    invariant(spec, `no protocol spec for API key ${handler.apiKey}`);
    invariant(
      handler.minVersion >= spec.minVersion && handler.maxVersion <= spec.maxVersion && handler.minVersion <= handler.maxVersion,
      () => `${spec.name} handler versions ${handler.minVersion}-${handler.maxVersion} outside spec ${spec.minVersion}-${spec.maxVersion}`,
    );
    invariant(!this.handlers.has(handler.apiKey), `two handlers for ${spec.name}`);
    this.handlers.set(handler.apiKey, handler);
    return this;
  }

  get(apiKey: number): ApiHandler | undefined {
    return this.handlers.get(apiKey);
  }

  /** Supported ranges, by API key, for ApiVersions responses. */
  versions(): ApiVersionRange[] {
    return [...this.handlers.values()]
      .map((h) => ({ apiKey: h.apiKey, minVersion: h.minVersion, maxVersion: h.maxVersion }))
      .sort((a, b) => a.apiKey - b.apiKey);
  }
}
