export * from './targets.service';
export * from './targets.module';
export * from './target-policy';
export { CredentialCipher } from './credential-cipher';
export { loadCredentialKey } from './credential-key';
export * from './grant-policy';
