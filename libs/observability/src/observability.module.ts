import { Module } from '@nestjs/common';
import { SessionsModule } from '@vigil/sessions';
import { HttpMetricsHook } from './http-metrics.hook';
import { MetricsService } from './metrics.service';
import { ObservabilityController } from './observability.controller';

@Module({
  imports: [SessionsModule],
  controllers: [ObservabilityController],
  providers: [MetricsService, HttpMetricsHook],
  exports: [MetricsService],
})
export class ObservabilityModule {}
