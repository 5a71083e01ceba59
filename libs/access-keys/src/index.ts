export * from './access-keys.module';
export { AccessKeysService, MAX_KEYS_PER_USER, type PublicAccessKey, type CreatedAccessKey } from './access-keys.service';
export { AccessKeyCredentials } from './access-key-credentials';
export { ACCESS_KEY_ID } from './access-key-format';
