export * from './audit.service';
export * from './audit.module';
export * from './hash-chain';
export * from './audit-view';
export * from './audit-chainer';
export * from './audit-checkpointer';
export * from './checkpoint-signature';
export { AuditSigningKey } from './audit-signing-key';
export { parseAuditQuery, auditNextToken } from './audit-query-params';
