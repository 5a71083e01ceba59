export * from './cloudtrail.module';
export { CloudTrailErrors } from './cloudtrail-errors';
export { DEFAULT_MAX_RESULTS, LOOKUP_ATTRIBUTE_KEYS, MAX_MAX_RESULTS, parseLookupEvents, type LookupEventsQuery } from './lookup-events-request';
export { toLookupEvent, type CloudTrailLookupEvent } from './lookup-events-response';
