export * from './session-attributes';
export * from './session-columns';
export * from './csv';
export * from './page-token';
export * from './clock';
export * from './session-events';
export * from './csv-response';
export * from './clock.module';
