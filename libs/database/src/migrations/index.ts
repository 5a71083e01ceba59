import { InitialSchema1732500000000 } from './1732500000000-initial-schema';
import { TargetsKeysAudit1732600000000 } from './1732600000000-targets-keys-audit';

/** Listed explicitly (no glob) so the same list works from ts-jest and from compiled code. */
export const MIGRATIONS = [InitialSchema1732500000000, TargetsKeysAudit1732600000000];
