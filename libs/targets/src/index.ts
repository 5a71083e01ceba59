export * from './targets.service';
export * from './targets.module';
export * from './target-policy';
export { CredentialCipher } from './credential-cipher';
