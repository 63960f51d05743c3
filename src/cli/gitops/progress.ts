/**
 * A one-line progress display on stderr, for runs that take more than a moment. Only on a terminal:
 * pipelines and redirected output get nothing, so logs stay clean.
 */
const FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export class Progress {
  private total = 0;
  private done = 0;
  private failed = 0;
  private frame = 0;
  private timer?: NodeJS.Timeout;
  private delay?: NodeJS.Timeout;
  private shown = false;

  constructor(
    private readonly enabled: boolean,
    private readonly write: (s: string) => void,
    private readonly label: string,
    /** Show nothing for runs shorter than this. */
    private readonly afterMs = 400,
  ) {}

  start(total: number): void {
    this.total = total;
    this.done = 0;
    this.failed = 0;
    if (!this.enabled) return;
    this.delay = setTimeout(() => {
      this.shown = true;
      this.render();
      this.timer = setInterval(() => this.render(), 100);
      this.timer.unref();
    }, this.afterMs);
    this.delay.unref();
  }

  tick(failed = false): void {
    this.done++;
    if (failed) this.failed++;
  }

  private render(): void {
    this.frame = (this.frame + 1) % FRAMES.length;
    const f = this.failed ? `, ${this.failed} failed` : "";
    this.write(`\r\x1b[K${FRAMES[this.frame]} ${this.label} ${this.done}/${this.total}${f}`);
  }

  stop(): void {
    if (this.delay) clearTimeout(this.delay);
    if (this.timer) clearInterval(this.timer);
    if (this.shown) this.write("\r\x1b[K");
    this.shown = false;
  }
}
