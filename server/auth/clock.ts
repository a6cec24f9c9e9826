/** Time comes in through one function so tests can move it (session expiry, invite expiry, lockouts). */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
