/** @module Injectable time, in whole seconds since the epoch (the unit stored and put on the wire). */
export interface Clock {
  now(): number
}
export const systemClock: Clock = { now: () => Math.floor(Date.now() / 1000) }
