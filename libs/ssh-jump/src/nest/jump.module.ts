import { Module } from '@nestjs/common';
import { AccessLogModule } from '@vigil/access-log';
import { AuditModule } from '@vigil/audit';
import { AuthModule } from '@vigil/auth';
import { RecordingStoreModule } from '@vigil/recording';
import { SessionsModule } from '@vigil/sessions';
import { LiveModule } from '@vigil/shadowing';
import { TargetsModule } from '@vigil/targets';
import { JumpCrashRecovery } from './jump-crash-recovery';
import { JumpPortsAdapter } from './jump-ports.adapter';
import { JumpRecordings } from './jump-recordings';
import { JumpService } from './jump.service';
import { JumpSessionKeeper } from './jump-session-keeper';

/**
 * The embedded SSH jump server, wired to auth, targets, the registry, recordings and live shadowing.
 * Playback of its recordings is @vigil/recording's RecordingModule (it finds them through the
 * access log and the live session's recordingFile).
 */
@Module({
  imports: [AuthModule, TargetsModule, SessionsModule, AccessLogModule, LiveModule, AuditModule, RecordingStoreModule],
  providers: [JumpPortsAdapter, JumpRecordings, JumpCrashRecovery, JumpService, JumpSessionKeeper],
  exports: [JumpService, JumpRecordings, JumpPortsAdapter],
})
export class JumpModule {}
