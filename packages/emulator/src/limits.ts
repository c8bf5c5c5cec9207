/** The numeric bounds the controls and the configuration enforce. */

/** 100 years: the furthest the clock moves in one step, and the longest TTL. */
export const MAX_SECONDS = 3_155_760_000;
/** The range of a JavaScript `Date` (ECMA-262 §21.4.1.22): the clock stays inside it. */
export const MAX_TIME_MS = 8.64e15;
