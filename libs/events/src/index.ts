export * from './events.module';
export * from './envelope';
export * from './event-rule';
export * from './retry-policy';
export * from './webhook-signature';
export * from './notification-text';
export { DeliveryWorker } from './delivery-worker';
export { HostResolver } from './host-resolver';
