/** The exit code of a command given arguments it cannot use. */
export const USAGE_ERROR = 2;

/** A count as the commands print it: 3,110,134. */
export const int = (x: number): string => Math.round(x).toLocaleString('en-US');
