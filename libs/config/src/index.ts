export * from './vigil-config';
export * from './load-config';
export * from './config.module';
