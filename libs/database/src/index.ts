export * from './columns';
export * from './unit-of-work';
export * from './database.module';
export * from './session-attribute-columns';
export * from './raw-sql';
export * from './audit-outbox';
export * from './write-batches';
export type { CommitGroupParticipant } from './sqlite-commit-groups';
