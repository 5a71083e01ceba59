import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { SessionsModule } from '@vigil/sessions';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricsService } from './metrics.service';
import { ObservabilityController } from './observability.controller';

@Module({
  imports: [SessionsModule],
  controllers: [ObservabilityController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class ObservabilityModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
