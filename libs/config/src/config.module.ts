import { DynamicModule, Global, Module } from '@nestjs/common';
import { VigilConfig } from './vigil-config';

/** Provides the validated VigilConfig everywhere; nothing else reads process.env. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: VigilConfig): DynamicModule {
    return { module: ConfigModule, providers: [{ provide: VigilConfig, useValue: config }], exports: [VigilConfig] };
  }
}
