/** Request counts per "METHOD /route/template", for tests and benchmarks that assert call counts. */
export class Stats {
  private counts = new Map<string, number>();
  private total = 0;

  count(method: string, template: string): void {
    const key = `${method} ${template}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.total++;
  }

  snapshot(): { requests: Record<string, number>; total: number } {
    return { requests: Object.fromEntries([...this.counts].sort(([a], [b]) => a.localeCompare(b))), total: this.total };
  }

  reset(): void {
    this.counts.clear();
    this.total = 0;
  }
}
