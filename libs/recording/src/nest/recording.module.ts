import { Module } from '@nestjs/common';
import { AccessLogModule } from '@vigil/access-log';
import { AuthModule } from '@vigil/auth';
import { SessionsModule } from '@vigil/sessions';
import { LiveModule } from '@vigil/shadowing';
import { RecordingsController } from './recordings.controller';

/**
 * Playback and verification of every session's recording, whatever wrote it (the SSH jump's
 * asciicast, guacd's Guacamole dump): the files are found through the access-log entry (sealed) or
 * the live session's `recordingFile` (DVR), so this module depends on no protocol lib.
 */
@Module({
  imports: [AuthModule, SessionsModule, AccessLogModule, LiveModule],
  controllers: [RecordingsController],
})
export class RecordingModule {}
