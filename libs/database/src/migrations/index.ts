import { InitialSchema1732500000000 } from './1732500000000-initial-schema';
import { TargetsKeysAudit1732600000000 } from './1732600000000-targets-keys-audit';
import { LifecycleGrants1733000000100 } from './1733000000100-lifecycle-grants';
import { RecordingStatus1733000000200 } from './1733000000200-recording-status';
import { AccessKeys1733000000300 } from './1733000000300-access-keys';
import { SsmImport1733000000400 } from './1733000000400-ssm-import';
import { AuditOutbox1733000000500 } from './1733000000500-audit-outbox';
import { EventRules1733000000600 } from './1733000000600-event-rules';
import { TargetProtocols1733000000700 } from './1733000000700-target-protocols';
import { SessionLiveStream1733000000800 } from './1733000000800-session-live-stream';
import { AccessLogSearch1733000001100 } from './1733000001100-access-log-search';

/** Listed explicitly (no glob) so the same list works from ts-jest and from compiled code. */
export const MIGRATIONS = [InitialSchema1732500000000, TargetsKeysAudit1732600000000, LifecycleGrants1733000000100, RecordingStatus1733000000200, AccessKeys1733000000300, SsmImport1733000000400, AuditOutbox1733000000500, EventRules1733000000600, TargetProtocols1733000000700, SessionLiveStream1733000000800, AccessLogSearch1733000001100];
