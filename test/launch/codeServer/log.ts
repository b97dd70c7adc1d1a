/** The launcher's progress lines, stamped with the time since it started; the verbose switch; a plain wait. */
export const verbose = process.env.BC_PICTURES_TEST_VERBOSE === '1';
const started = Date.now();

export function seconds(since = started): string {
  return `${((Date.now() - since) / 1000).toFixed(1)} s`;
}

export function say(line: string): void {
  console.log(`[test:host ${seconds()}] ${line}`);
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
