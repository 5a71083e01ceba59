export * from './create-gateway';
export * from './app.module';
export * from './mounted-routes';
