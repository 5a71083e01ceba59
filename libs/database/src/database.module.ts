import * as fs from 'node:fs';
import * as path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { VigilConfig } from '@vigil/config';
import { MIGRATIONS } from './migrations';
import { UnitOfWork } from './unit-of-work';

export function typeOrmOptions(config: VigilConfig): TypeOrmModuleOptions {
  const common = { autoLoadEntities: true, migrations: MIGRATIONS, migrationsRun: true, synchronize: false, logging: false };
  if (config.database.kind === 'postgres') {
    return { ...common, type: 'postgres', url: config.database.url, extra: { max: 20 } };
  }
  fs.mkdirSync(path.dirname(config.database.file), { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: config.database.file,
    enableWAL: true,
    statementCacheSize: 200,
    // NORMAL in WAL mode is durable against process crashes (the case Vigil must survive);
    // only an OS crash or power loss can lose the last transactions.
    prepareDatabase: (db: { pragma: (p: string) => unknown }) => {
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      // Fewer, larger checkpoints: each one fsyncs the database file.
      db.pragma('wal_autocheckpoint = 4000');
    },
  };
}

@Global()
@Module({
  imports: [TypeOrmModule.forRootAsync({ inject: [VigilConfig], useFactory: typeOrmOptions })],
  providers: [UnitOfWork],
  exports: [UnitOfWork],
})
export class DatabaseModule {}
