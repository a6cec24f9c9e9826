/**
 * Wire protocol on `/collab/<notebookId>`.
 *
 * It is the y-websocket protocol (lib0 varuint message type, then payload), so the stock
 * `WebsocketProvider` works unchanged:
 *   0 sync       y-protocols/sync: step 1 (state vector), step 2 (missing updates), update
 *   1 awareness  y-protocols/awareness update
 *   3 queryAwareness
 * Madang adds, only for clients that ask with the URL parameter `ack=1` (stock clients would log
 * unknown message types):
 *   100 saved     server -> client: the state vector of what the server has durably stored. The
 *                 client compares it with its own clock to show "saved".
 *   101 readOnly  server -> client: this connection may read but not write (varString reason).
 *
 * Handshake: the server loads the room from storage before it reads the client's first message,
 * then answers sync step 1 with step 2 and sends its own step 1 (as y-websocket does).
 * Updates from a client are written to storage before they are relayed to anyone.
 */
export const messageType = {
  sync: 0,
  awareness: 1,
  auth: 2,
  queryAwareness: 3,
  saved: 100,
  readOnly: 101,
} as const;

export type MessageType = (typeof messageType)[keyof typeof messageType];

/** Why the server closed a collab socket. Close codes are in the 4000-4999 application range. */
export const closeReasons = {
  tooLarge: { code: 4413, reason: 'message too large' },
  malformed: { code: 4400, reason: 'malformed message' },
  unauthenticated: { code: 4401, reason: 'sign in required' },
  forbidden: { code: 4403, reason: 'no access to this notebook' },
  notFound: { code: 4404, reason: 'notebook not found' },
  badOrigin: { code: 4408, reason: 'origin not allowed' },
  shuttingDown: { code: 1012, reason: 'server restarting' },
} as const;

export type CloseReason = keyof typeof closeReasons;

/** Largest single websocket message the server accepts (a whole large notebook fits easily). */
export const maxMessageBytes = 8 * 1024 * 1024;
