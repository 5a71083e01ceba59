export * from './principal';
export * from './auth.service';
export * from './users.service';
export * from './agents.service';
export * from './guards';
export * from './auth.module';
export { hashPassword, verifyPassword } from './password-hasher';
export * from './ssh-keys.service';
export * from './socket-auth';
