/** Where the Guacamole WebSocket tunnel is, on the gateway's own HTTP port (socket.io keeps /socket.io/). */
export const TUNNEL_PATH = '/guacamole';
