/** Vigil's whole configuration, typed. Read from the environment once, at boot, by loadConfig. */
export abstract class VigilConfig {
  abstract readonly port: number;
  abstract readonly host: string;
  abstract readonly jumpSshPort: number;
  abstract readonly dataDir: string;
  abstract readonly database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  abstract readonly redisUrl: string | null;
  abstract readonly guacd: { host: string; port: number };
  abstract readonly admin: { username: string; password: string | null };
  abstract readonly tokenTtlSeconds: number;
  abstract readonly heartbeatTimeoutMs: number;
  abstract readonly disconnectGraceMs: number;
  abstract readonly sweepIntervalMs: number;
  /** 0 keeps access-log entries forever */
  abstract readonly accessLogRetentionDays: number;
  /** AES-256 key for target credentials (VIGIL_MASTER_KEY); null = a key file in dataDir */
  abstract readonly masterKey: Buffer | null;
  /** run a built-in demo agent that keeps a few sessions coming and going (VIGIL_DEMO=1) */
  abstract readonly demo: boolean;
  abstract readonly logLevel: 'error' | 'warn' | 'log' | 'debug' | 'verbose';
}
