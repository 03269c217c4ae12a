// The time source of the process machine: seconds as a float, like Python's time.time().
// Tests inject a fake; production uses realClock.

export interface Clock {
  now(): number;
}

export const realClock: Clock = Object.freeze({
  now: (): number => Date.now() / 1000,
});
