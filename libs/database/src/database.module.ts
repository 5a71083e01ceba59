import { Global, Module } from '@nestjs/common';
import { TypeOrmModule, TypeOrmModuleOptions } from '@nestjs/typeorm';
import { VigilConfig } from '@vigil/config';
import { prepareSqliteFile, secureDataDir } from './data-dir';
import { MIGRATIONS } from './migrations';
import { UnitOfWork } from './unit-of-work';
import { AuditOutbox } from './audit-outbox';
import { BackgroundWalCheckpoints } from './wal-checkpoints/background-wal-checkpoints';

export function typeOrmOptions(config: VigilConfig): TypeOrmModuleOptions {
  const common = { autoLoadEntities: true, migrations: MIGRATIONS, migrationsRun: true, synchronize: false, logging: false };
  // Owner-only before anything in it is opened, on either engine (recordings and keys live there too).
  secureDataDir(config.dataDir);
  if (config.database.kind === 'postgres') {
    return {
      ...common,
      type: 'postgres',
      url: config.database.url,
      // pg's pool replaces a broken connection on the next query, so a restarted server is used
      // again without a gateway restart. Without a connect timeout, a server that does not answer
      // (partition, SYN dropped) would hang requests forever instead of failing them (503);
      // keep-alive finds dead idle connections the server could not close.
      extra: { max: 20, connectionTimeoutMillis: 5_000, keepAlive: true, keepAliveInitialDelayMillis: 10_000 },
    };
  }
  prepareSqliteFile(config.database.file);
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
      // Fewer, larger checkpoints: each one fsyncs the database file. Most of each one's copying
      // is done beforehand by a thread of its own (BackgroundWalCheckpoints).
      db.pragma('wal_autocheckpoint = 4000');
    },
  };
}

@Global()
@Module({
  imports: [TypeOrmModule.forRootAsync({ inject: [VigilConfig], useFactory: typeOrmOptions })],
  providers: [UnitOfWork, AuditOutbox, BackgroundWalCheckpoints],
  exports: [UnitOfWork, AuditOutbox],
})
export class DatabaseModule {}
