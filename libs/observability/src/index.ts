export * from './metrics.service';
export * from './observability.module';
export * from './vigil-logger';
