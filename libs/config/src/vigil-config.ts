import type { TlsConfig } from './tls-files';

/** Vigil's whole configuration, typed. Read from the environment once, at boot, by loadConfig. */
export abstract class VigilConfig {
  abstract readonly port: number;
  abstract readonly host: string;
  abstract readonly jumpSshPort: number;
  abstract readonly dataDir: string;
  /** PostgreSQL: `preparedStatements` = the hot path's statements run named (VIGIL_PG_PREPARED_STATEMENTS) */
  abstract readonly database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; preparedStatements: boolean };
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
  /** The SSH jump before authentication: login grace time, caps on unauthenticated connections (VIGIL_JUMP_*) */
  abstract readonly jumpPreAuth: JumpPreAuthConfig;
  /** Failed-login throttling, one budget for HTTP login and the SSH jump (VIGIL_LOGIN_*) */
  abstract readonly loginThrottle: LoginThrottleConfig;
  /** Fastify `trustProxy` (VIGIL_TRUST_PROXY): false = the TCP peer is the client; else hops or proxy addresses */
  abstract readonly trustProxy: false | number | string[];
  /** browser origins allowed to open socket.io connections (VIGIL_ALLOWED_ORIGINS); null = the request's own Host */
  abstract readonly allowedOrigins: string[] | null;
  /** HTTPS (TLS_CERT, TLS_KEY), checked at boot; null = plain HTTP */
  abstract readonly tls: TlsConfig | null;
  /** one AWS source for the SSM importer from the environment (VIGIL_SSM_IMPORT_*); null = sources through the API only */
  abstract readonly ssmImport: SsmImportEnvConfig | null;
  /** the audit chain's outbox drain and signed checkpoints (VIGIL_AUDIT_*) */
  abstract readonly audit: AuditConfig;
  /** event rules' delivery: polling, leases, retries, SMTP (VIGIL_EVENTS_*, VIGIL_SMTP_*, VIGIL_PUBLIC_URL) */
  abstract readonly events: EventsConfig;
}

export interface AuditConfig {
  /** how often the outbox is checked for records another process committed (in-process writes wake it at once) */
  chainPollMs: number;
  /** how often the chain head is signed, if it moved */
  checkpointIntervalMs: number;
  /** Ed25519 private key (PEM, PKCS#8); null = `audit-signing-key.pem` in dataDir, made on first start */
  signingKeyFile: string | null;
}

export interface EventsConfig {
  pollMs: number;
  /** a delivery claimed by a gateway is retried by another one after this long */
  leaseMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** a delivery not done this long after its first attempt goes to the dead-letter list */
  retryWindowMs: number;
  maxAttempts: number;
  requestTimeoutMs: number;
  /** deliveries in flight at once per gateway */
  concurrency: number;
  smtp: { url: string | null; from: string };
  /** the console's address for links in notifications; null = the gateway's own */
  publicUrl: string | null;
}

/** The SSM importer's environment source; its credentials come from the standard AWS provider chain. */
export interface SsmImportEnvConfig {
  name: string;
  region: string;
  /** null = AWS's own endpoint for the region */
  endpoint: string | null;
  pollIntervalSeconds: number;
}

export interface JumpPreAuthConfig {
  /** a connection not authenticated this long after it connected is closed */
  loginGraceMs: number;
  /** unauthenticated connections at once; beyond it new ones are refused */
  maxStartups: number;
  /** unauthenticated connections at once from one client address */
  maxStartupsPerIp: number;
}

export interface LoginThrottleConfig {
  /** failures per (account, source IP) within the window before that pair is locked */
  maxFailures: number;
  /** failures per account from sources it never signed in from, before the account is locked for them */
  maxFailuresPerAccount: number;
  /** failures per source IP, whatever the account, before the IP is locked */
  maxFailuresPerIp: number;
  windowSeconds: number;
  /** the first lock's length; each further lock within the window after the last doubles it */
  lockoutSeconds: number;
  maxLockoutSeconds: number;
}
