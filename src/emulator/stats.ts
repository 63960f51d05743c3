/**
 * Request counts per "METHOD /route/template", for tests and benchmarks that assert call counts, and answers per
 * HTTP status (benchmarks report the 429s a run drew).
 */
export class Stats {
  private counts = new Map<string, number>();
  private statuses = new Map<number, number>();
  private total = 0;

  count(method: string, template: string): void {
    const key = `${method} ${template}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total++;
  }

  answered(status: number): void {
    this.statuses.set(status, (this.statuses.get(status) ?? 0) + 1);
  }

  snapshot(): { requests: Record<string, number>; total: number; statuses: Record<string, number> } {
    return {
      requests: Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b))),
      total: this.total,
      statuses: Object.fromEntries([...this.statuses].sort(([a], [b]) => a - b)),
    };
  }

  reset(): void {
    this.counts.clear();
    this.statuses.clear();
    this.total = 0;
  }
}
