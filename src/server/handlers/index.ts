/** Every API handler of the broker, registered in one place. */
import type { HandlerRegistry } from '../handler-registry';
import type { BrokerServices } from '../services';
import { ApiVersionsHandler } from './api-versions';

export function registerHandlers(registry: HandlerRegistry, services: BrokerServices): void {
  void services;
  registry.register(new ApiVersionsHandler(registry));
}
