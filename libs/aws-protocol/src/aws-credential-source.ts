import type { UserPrincipal } from '@vigil/auth';

/** The secret behind an access key id, and the Vigil user the key acts as. */
export interface AwsCredential {
  accessKeyId: string;
  secretAccessKey: string;
  user: UserPrincipal;
}

/**
 * Where the signature check finds secrets (libs/access-keys provides it). `find` answers null for
 * an unknown key, a deactivated one and the key of a disabled or deleted user alike: to the
 * client they are all `UnrecognizedClientException`.
 */
export abstract class AwsCredentialSource {
  abstract find(accessKeyId: string): Promise<AwsCredential | null>;
  /** called once a signature made with the key verified (the source decides how often to write) */
  abstract recordUse(accessKeyId: string): void;
}
