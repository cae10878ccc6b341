/** A clock that moves only when told: hand `now` to the core, step it with `advance`. */
export class TestClock {
  t: number;

  constructor(start = Date.now()) {
    this.t = start;
  }

  readonly now = (): number => this.t;

  advance(ms: number): void {
    this.t += ms;
  }
}
