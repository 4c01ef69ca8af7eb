/** Service names for reports: the registry's (IANA primary names, range records), memoised there. */
export { serviceName } from './registry/registry.js';
