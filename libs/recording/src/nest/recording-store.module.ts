import { Module } from '@nestjs/common';
import { AccessLogModule } from '@vigil/access-log';
import { RecordingStore } from './recording-store';

/**
 * Writing side of recordings (RecordingStore), apart from RecordingModule's playback routes: the
 * standalone jump (apps/jump) records through it but serves no HTTP routes of its own.
 */
@Module({
  imports: [AccessLogModule],
  providers: [RecordingStore],
  exports: [RecordingStore],
})
export class RecordingStoreModule {}
