export * from './create-gateway';
export * from './app.module';
