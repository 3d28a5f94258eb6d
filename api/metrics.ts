/**
 * A tiny Prometheus registry: request counts and durations per route, and whatever gauges the
 * app registers. Enough for `/metrics` without a dependency; swap for `prom-client` if the
 * metrics grow beyond counters and one histogram.
 */

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

type Labels = Record<string, string>;

function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** The domain counters this API process keeps. */
const EVENT_HELP: Record<string, string> = {
  masar_cases_filed_total: 'Cases filed through this API process, by procedure.',
  masar_actions_total: 'Actions sent to cases through this API process, by action and result.',
  masar_documents_uploaded_total: 'Documents stored through this API process.',
};

export class Metrics {
  private readonly requests = new Map<string, { labels: Labels; count: number }>();
  private readonly durations = new Map<string, { labels: Labels; buckets: number[]; sum: number; count: number }>();
  private readonly started = Date.now();
  private readonly events = new Map<string, { name: string; labels: Labels; count: number }>();

  /** Counts a domain event (`masar_cases_filed_total`, `masar_actions_total`...). */
  count(name: string, labels: Labels = {}): void {
    const key = `${name}${JSON.stringify(labels)}`;
    const counter = this.events.get(key) ?? { name, labels, count: 0 };
    counter.count += 1;
    this.events.set(key, counter);
  }

  /** Records one finished request. */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    const labels = { route, method, status: String(status) };
    const key = JSON.stringify(labels);
    const counter = this.requests.get(key) ?? { labels, count: 0 };
    counter.count += 1;
    this.requests.set(key, counter);

    const hLabels = { route, method };
    const hKey = JSON.stringify(hLabels);
    const h = this.durations.get(hKey) ?? { labels: hLabels, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((le, i) => {
      if (seconds <= le) h.buckets[i] = (h.buckets[i] ?? 0) + 1;
    });
    h.sum += seconds;
    h.count += 1;
    this.durations.set(hKey, h);
  }

  /**
   * The exposition text format, version 0.0.4. `gauges` are read at scrape time by the caller
   * (e.g. open escalations from the read model), one line each.
   */
  render(gauges: { name: string; help: string; labels?: Labels; value: number }[] = []): string {
    const lines: string[] = [
      '# HELP masar_http_requests_total HTTP requests by route, method and status.',
      '# TYPE masar_http_requests_total counter',
    ];
    for (const { labels, count } of this.requests.values()) lines.push(`masar_http_requests_total${labelText(labels)} ${count}`);
    lines.push('# HELP masar_http_request_duration_seconds HTTP request duration.', '# TYPE masar_http_request_duration_seconds histogram');
    for (const h of this.durations.values()) {
      BUCKETS.forEach((le, i) => lines.push(`masar_http_request_duration_seconds_bucket${labelText({ ...h.labels, le: String(le) })} ${h.buckets[i]}`));
      lines.push(`masar_http_request_duration_seconds_bucket${labelText({ ...h.labels, le: '+Inf' })} ${h.count}`);
      lines.push(`masar_http_request_duration_seconds_sum${labelText(h.labels)} ${h.sum}`);
      lines.push(`masar_http_request_duration_seconds_count${labelText(h.labels)} ${h.count}`);
    }
    for (const [name, help] of Object.entries(EVENT_HELP)) {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const e of this.events.values()) if (e.name === name) lines.push(`${name}${labelText(e.labels)} ${e.count}`);
    }
    const helped = new Set<string>();
    for (const g of gauges) {
      if (!helped.has(g.name)) lines.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`);
      helped.add(g.name);
      lines.push(`${g.name}${labelText(g.labels ?? {})} ${g.value}`);
    }
    lines.push('# HELP masar_process_uptime_seconds Seconds since the API process started.', '# TYPE masar_process_uptime_seconds gauge');
    lines.push(`masar_process_uptime_seconds ${(Date.now() - this.started) / 1000}`);
    return `${lines.join('\n')}\n`;
  }
}
