export { WebTerminalModule } from './web-terminal.module';
export { WEB_TERMINAL_CLIENT } from './web-terminal.service';
export type { OpenAck, ActionAck, TerminalServerEvents } from './web-terminal.gateway';
export { MAX_INPUT_BYTES } from './terminal-payloads';
