export * from './audit.service';
export * from './audit.module';
export * from './hash-chain';
