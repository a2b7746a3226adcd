// qgrad dashboard: the code of both pages (index.html: the jobs list; job.html: one job with
// its live convergence plot). Plain ES2020 in the browser, no libraries and no external URLs:
// it talks only to the qgradd that served it, through the HTTP/JSON gateway (/v1/...).
//
// The bearer token comes from the address fragment (#token=..., which browsers never send to
// the server) or from the header's form, and lives in sessionStorage (this tab only). The
// event stream is read with fetch() rather than EventSource because EventSource cannot send
// the Authorization header.
'use strict';

const TOKEN_KEY = 'qgrad.token';
const TERMINAL_STATES = new Set(['JOB_STATE_SUCCEEDED', 'JOB_STATE_FAILED', 'JOB_STATE_CANCELLED']);
const REFRESH_MS = 2000;
// Errors that a retry would only repeat.
const PERMANENT_CODES = new Set(['INVALID_ARGUMENT', 'NOT_FOUND', 'UNAUTHENTICATED',
  'PERMISSION_DENIED', 'FAILED_PRECONDITION', 'OUT_OF_RANGE', 'UNIMPLEMENTED']);

// ---------------------------------------------------------------------------- token

// True when the address carried a token.
function takeTokenFromFragment() {
  const match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
  if (!match) return false;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  // Keep the secret out of the address bar, the history and any bookmark.
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}

function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

function setUpTokenForm(onChange) {
  const form = document.getElementById('token-form');
  const input = document.getElementById('token-input');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (input.value) sessionStorage.setItem(TOKEN_KEY, input.value.trim());
    input.value = '';
    onChange();
  });
  document.getElementById('token-forget').addEventListener('click', () => {
    sessionStorage.removeItem(TOKEN_KEY);
    onChange();
  });
  // A #token=... link opened in this tab changes only the fragment: the page stays loaded.
  window.addEventListener('hashchange', () => {
    if (takeTokenFromFragment()) onChange();
  });
}

// ------------------------------------------------------------------------------ API

class ApiError extends Error {
  constructor(status, code, message) {
    super(`${code}: ${message}`);
    this.status = status;  // HTTP status; 0 for an error event inside a stream
    this.code = code;      // the gRPC code name, e.g. "NOT_FOUND"
  }
  // Worth retrying: the server is going away, overloaded or broke off a stream (it ends an
  // event stream with an error event then), rather than refusing this request.
  get transient() {
    return !PERMANENT_CODES.has(this.code) && !(this.status >= 400 && this.status < 500 &&
        this.status !== 408 && this.status !== 429);
  }
}

async function errorOf(response) {
  let code = `HTTP_${response.status}`;
  let message = response.statusText;
  try {
    const body = await response.json();
    code = body.code || code;
    message = body.message || message;
  } catch (ignored) {
    // Not the gateway's JSON error body (a proxy's page, say): keep the HTTP status.
  }
  return new ApiError(response.status, code, message);
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers);
  if (token()) headers.Authorization = `Bearer ${token()}`;
  const response = await fetch(path, { ...options, headers, cache: 'no-store' });
  if (!response.ok) throw await errorOf(response);
  return response;
}

async function apiJson(path, options) {
  return (await api(path, options)).json();
}

function jobPath(id) {
  return `/v1/jobs/${encodeURIComponent(id)}`;
}

// ------------------------------------------------------------------- server-sent events

// Splits a text/event-stream into events ({id, event, data}) as its chunks arrive; a line
// may end with \n, \r\n or \r, and a chunk may end anywhere, even between \r and \n.
class SseParser {
  constructor(onMessage) {
    this.onMessage = onMessage;
    this.buffer = '';
    this.lastId = '';
    this.clear();
  }

  clear() {
    this.event = '';
    this.data = [];
  }

  push(text) {
    this.buffer += text;
    for (;;) {
      const end = this.buffer.search(/\r\n|\n|\r/);
      if (end < 0 || (end === this.buffer.length - 1 && this.buffer[end] === '\r')) return;
      const width = this.buffer.startsWith('\r\n', end) ? 2 : 1;
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + width);
      this.line(line);
    }
  }

  line(line) {
    if (line === '') {
      if (this.data.length > 0) {
        this.onMessage({ id: this.lastId, event: this.event || 'message', data: this.data.join('\n') });
      }
      this.clear();
      return;
    }
    if (line.startsWith(':')) return;  // a comment (": keep-alive")
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'id') this.lastId = value;
    else if (field === 'event') this.event = value;
    else if (field === 'data') this.data.push(value);
  }
}

// Reads one connection of a job's event stream. Calls onEvent(JobEvent) per job_event;
// resolves true after the server's `end` event, false if the connection closed before it;
// rejects with ApiError on an HTTP error or an `error` event, or on a network failure.
async function readEventStream(jobId, { after = 0, lastEventId = 0, signal, onEvent }) {
  const headers = lastEventId > 0 ? { 'Last-Event-ID': String(lastEventId) } : {};
  const query = after > 0 ? `?after=${after}` : '';
  const response = await api(`${jobPath(jobId)}/events${query}`, { headers, signal });
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let ended = false;
  const parser = new SseParser((message) => {
    if (message.event === 'job_event') {
      onEvent(JSON.parse(message.data));
    } else if (message.event === 'end') {
      ended = true;
    } else if (message.event === 'error') {
      const body = JSON.parse(message.data);
      throw new ApiError(0, body.code || 'UNKNOWN', body.message || '');
    }
  });
  try {
    while (!ended) {
      const { value, done } = await reader.read();
      if (done) break;
      parser.push(value);
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return ended;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Follows a job's events from the first to its terminal state, reconnecting with
// Last-Event-ID after a dropped connection (each event is delivered once, in order).
// Resolves after the `end` event; rejects on an error the server would repeat
// (PERMANENT_CODES, HTTP 4xx). onConnection(true/false) reports the connection's state.
async function followJobEvents(jobId, { onEvent, onConnection = () => {} }) {
  let last = 0;
  let delay = 500;
  for (;;) {
    try {
      const ended = await readEventStream(jobId, {
        lastEventId: last,
        onEvent: (event) => {
          const sequence = Number(event.sequence || 0);
          if (sequence <= last) return;  // already seen before a reconnection
          last = sequence;
          delay = 500;
          onConnection(true);
          onEvent(event);
        },
      });
      if (ended) return;
    } catch (error) {
      if (error instanceof ApiError && !error.transient) throw error;
    }
    onConnection(false);
    await sleep(delay);
    delay = Math.min(2 * delay, 5000);
  }
}

// The cost of a job's newest iteration event, read from the tail of its event log (the
// jobs list has no costs): undefined when none arrives within the time limit.
async function lastIterationCost(job, timeoutMs) {
  const target = Number(job.lastEventSequence || 0);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  let cost;
  try {
    // An iteration's event is followed by at most a few state events (terminal, resumed).
    await readEventStream(job.id, {
      after: Math.max(0, target - 4),
      signal: controller.signal,
      onEvent: (event) => {
        if (event.iteration) cost = event.iteration.cost || 0;
        if (Number(event.sequence || 0) >= target) controller.abort();
      },
    });
  } catch (error) {
    if (!controller.signal.aborted) throw error;
  } finally {
    clearTimeout(timer);
  }
  return cost;
}

// ------------------------------------------------------------------------ formatting

function formatCost(x) {
  if (x === undefined || x === null) return '–';
  return Math.abs(x) >= 1e5 || (x !== 0 && Math.abs(x) < 1e-4) ? x.toExponential(6) : x.toFixed(8);
}

function shortState(state) {
  return (state || 'JOB_STATE_UNSPECIFIED').replace('JOB_STATE_', '').toLowerCase();
}

function setState(element, state) {
  element.textContent = shortState(state);
  element.className = `state state-${shortState(state)}`;
}

function formatTime(micros) {
  const ms = Number(micros || 0) / 1000;
  return ms > 0 ? new Date(ms).toLocaleString() : '';
}

function showMessage(text, kind = 'error') {
  const box = document.getElementById('message');
  box.textContent = text;
  box.className = `message ${kind}`;
}

function clearMessage() {
  document.getElementById('message').className = 'message hidden';
}

function unauthenticated(error) {
  return error instanceof ApiError && (error.status === 401 || error.code === 'UNAUTHENTICATED');
}

function describeError(error) {
  if (unauthenticated(error)) {
    return `${error.message || 'unauthenticated'}: enter a bearer token above (or open the page with #token=...)`;
  }
  return error instanceof ApiError ? error.message : `cannot reach the server: ${error.message}`;
}

// ------------------------------------------------------------------------- jobs list

const MAX_PAGES = 10;
const COST_LOOKUPS_PER_REFRESH = 20;

async function listAllJobs() {
  const jobs = [];
  let pageToken = '';
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ pageSize: '100' });
    if (pageToken) query.set('pageToken', pageToken);
    const response = await apiJson(`/v1/jobs?${query}`);
    jobs.push(...(response.jobs || []));
    pageToken = response.nextPageToken || '';
    if (!pageToken) break;
  }
  return jobs.reverse();  // the server lists oldest first; show the newest on top
}

function cell(row, text, className) {
  const td = row.insertCell();
  td.textContent = text;
  if (className) td.className = className;
  return td;
}

function jobRow(job, costs) {
  const row = document.createElement('tr');
  row.dataset.jobId = job.id;
  row.dataset.state = job.state || '';
  const link = document.createElement('a');
  link.href = `/job.html?id=${encodeURIComponent(job.id)}`;
  link.textContent = job.id;
  link.className = 'mono';
  row.insertCell().append(link);
  cell(row, Object.entries(job.labels || {}).map(([k, v]) => `${k}=${v}`).join(' '));
  const badge = document.createElement('span');
  setState(badge, job.state);
  row.insertCell().append(badge);
  cell(row, job.backend || '');
  cell(row, String(job.iterationsDone || 0), 'num iterations');
  const known = costs.get(job.id);
  cell(row, formatCost(known && known.cost), 'num cost');
  cell(row, formatTime(job.createTimeUnixMicros));
  return row;
}

// Costs by job id, each with the event sequence it was read at, so that a job's cost is read
// again only once it has new events.
async function updateCosts(jobs, costs) {
  const stale = jobs.filter((job) => (job.iterationsDone || 0) > 0 &&
      (costs.get(job.id) || {}).sequence !== job.lastEventSequence)
    .slice(0, COST_LOOKUPS_PER_REFRESH);
  for (const job of stale) {
    try {
      const cost = await lastIterationCost(job, 1500);
      if (cost !== undefined) costs.set(job.id, { sequence: job.lastEventSequence, cost });
    } catch (ignored) {
      // This job's cost stays unknown until a later refresh; the list itself is fine.
    }
  }
}

function renderJobs(jobs, costs) {
  const body = document.getElementById('jobs-body');
  body.replaceChildren(...jobs.map((job) => jobRow(job, costs)));
  document.getElementById('jobs-empty').classList.toggle('hidden', jobs.length > 0);
  document.getElementById('jobs-count').textContent = `(${jobs.length})`;
}

function jobsPage() {
  const costs = new Map();
  let timer;
  const refresh = async () => {
    clearTimeout(timer);
    try {
      const jobs = await listAllJobs();
      renderJobs(jobs, costs);
      clearMessage();
      await updateCosts(jobs, costs);
      renderJobs(jobs, costs);
    } catch (error) {
      showMessage(describeError(error));
      if (unauthenticated(error)) renderJobs([], costs);  // not this token's jobs any more
    }
    timer = setTimeout(refresh, REFRESH_MS);
  };
  setUpTokenForm(refresh);
  refresh();
}

// ---------------------------------------------------------------- convergence plot

const PLOT = { width: 900, left: 78, right: 20, top: [28, 262], height: 160 };

// About `count` round-valued ticks covering [lo, hi], with their labels.
function linearTicks(lo, hi, count) {
  const raw = (hi - lo) / count;
  const exponent = Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * 10 ** exponent).find((s) => s >= raw);
  const decimals = Math.max(0, -exponent);
  const ticks = [];
  // Multiples of the step, not sums of it: no 0.30000000000000004 or -5.5e-17 labels.
  for (let k = Math.ceil(lo / step); k * step <= hi + step * 1e-9; k++) {
    ticks.push({ value: k * step, label: (k * step).toFixed(decimals) });
  }
  return ticks;
}

function range(values) {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.05 || 1;
    lo -= pad;
    hi += pad;
  }
  return [lo, hi];
}

class ConvergencePlot {
  constructor(svg) {
    this.svg = svg;
    this.ns = svg.namespaceURI;  // the SVG namespace, from the element the HTML parser made
    this.points = [];            // {iteration, cost, indicator}
    this.exact = undefined;
    this.pending = false;
  }

  add(iteration) {
    this.points.push({
      iteration: iteration.iteration || 0,
      cost: iteration.cost || 0,
      indicator: iteration.indicator || 0,
    });
    this.schedule();
  }

  setExact(exact) {
    this.exact = exact;
    this.schedule();
  }

  // Replayed events arrive in bursts: draw once per animation frame, not once per event.
  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  element(tag, attributes, text) {
    const node = document.createElementNS(this.ns, tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
    if (text !== undefined) node.textContent = text;
    this.svg.append(node);
    return node;
  }

  draw() {
    this.svg.replaceChildren();
    this.svg.setAttribute('data-points', String(this.points.length));
    if (this.points.length === 0) {
      this.element('text', { x: PLOT.width / 2, y: 220, 'text-anchor': 'middle' }, 'waiting for iterations…');
      return;
    }
    const [x0, x1] = range(this.points.map((p) => p.iteration));
    const x = (i) => PLOT.left + (i - x0) / (x1 - x0) * (PLOT.width - PLOT.left - PLOT.right);
    const costs = this.points.map((p) => p.cost);
    this.drawCostPanel(x, this.exact === undefined ? costs : costs.concat([this.exact]));
    this.drawLogPanel(x);
    for (const top of PLOT.top) this.drawXAxis(x, x0, x1, top + PLOT.height);
  }

  drawXAxis(x, x0, x1, y) {
    for (const { value, label } of linearTicks(x0, x1, 8).filter((t) => Number.isInteger(t.value))) {
      this.element('line', { class: 'axis', x1: x(value), x2: x(value), y1: y, y2: y + 4 });
      this.element('text', { x: x(value), y: y + 16, 'text-anchor': 'middle' }, label);
    }
    this.element('line', { class: 'axis', x1: PLOT.left, x2: PLOT.width - PLOT.right, y1: y, y2: y });
  }

  drawYAxis(top, ticks, y) {
    for (const { value, label } of ticks) {
      this.element('line', { class: 'grid', x1: PLOT.left, x2: PLOT.width - PLOT.right, y1: y(value), y2: y(value) });
      this.element('text', { x: PLOT.left - 6, y: y(value) + 4, 'text-anchor': 'end' }, label);
    }
    this.element('line', { class: 'axis', x1: PLOT.left, x2: PLOT.left, y1: top, y2: top + PLOT.height });
  }

  polyline(className, xy) {
    if (xy.length === 0) return;
    const points = xy.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
    this.element('polyline', { class: `series ${className}`, points });
  }

  drawCostPanel(x, values) {
    const top = PLOT.top[0];
    const [lo, hi] = range(values);
    const y = (v) => top + PLOT.height - (v - lo) / (hi - lo) * PLOT.height;
    this.element('text', { class: 'title', x: PLOT.left, y: top - 10 }, 'cost');
    this.drawYAxis(top, linearTicks(lo, hi, 5), y);
    if (this.exact !== undefined) {
      this.element('line', { class: 'exact', x1: PLOT.left, x2: PLOT.width - PLOT.right,
        y1: y(this.exact), y2: y(this.exact) });
    }
    this.polyline('series-cost', this.points.map((p) => [x(p.iteration), y(p.cost)]));
  }

  // Indicator and error = cost − exact on one log scale; values ≤ 0 have no place on it.
  drawLogPanel(x) {
    const top = PLOT.top[1];
    const indicator = this.points.filter((p) => p.indicator > 0)
      .map((p) => [p.iteration, Math.log10(p.indicator)]);
    const error = this.exact === undefined ? [] : this.points.filter((p) => p.cost - this.exact > 0)
      .map((p) => [p.iteration, Math.log10(p.cost - this.exact)]);
    this.element('text', { class: 'title', x: PLOT.left, y: top - 10 },
      this.exact === undefined ? 'indicator (log scale)' : 'indicator and error (log scale)');
    const logs = indicator.concat(error).map(([, v]) => v);
    if (logs.length === 0) return;
    // Whole decades, with room below a line that would otherwise lie on the axis.
    const lo = Math.floor(Math.min(...logs) - 0.2);
    const hi = Math.max(Math.ceil(Math.max(...logs)), lo + 1);
    const y = (v) => top + PLOT.height - (v - lo) / (hi - lo) * PLOT.height;
    const stride = Math.ceil((hi - lo) / 8);
    const decades = [];
    for (let d = lo; d <= hi; d += stride) decades.push({ value: d, label: `1e${d}` });
    this.drawYAxis(top, decades, y);
    this.polyline('series-indicator', indicator.map(([i, v]) => [x(i), y(v)]));
    this.polyline('series-error', error.map(([i, v]) => [x(i), y(v)]));
  }
}

// ------------------------------------------------------------------------------ job page

function methodName(spec) {
  const method = (spec && spec.method) || {};
  return Object.keys(method)[0] || 'nested';  // an absent method is the nested default
}

function setText(id, text) {
  document.getElementById(id).textContent = text;
}

// The job's state as of an event sequence number: a replayed older event must not overwrite
// what a newer reply (GetJob, cancel) said.
class StateView {
  constructor() {
    this.sequence = -1;
  }

  show(sequence, state, error) {
    if (sequence < this.sequence) return;
    this.sequence = sequence;
    setState(document.getElementById('job-state'), state);
    setText('job-error', error || '');
    document.getElementById('cancel').disabled = TERMINAL_STATES.has(state);
  }

  showJob(job) {
    this.show(Number(job.lastEventSequence || 0), job.state, job.error);
  }
}

function showJob(job, stateView) {
  const spec = job.spec || {};
  setText('spec-name', spec.name || job.id);
  setText('job-id', job.id);
  setText('job-title', job.id);
  document.title = `qgrad ${job.id}`;
  setText('job-method', methodName(spec));
  setText('job-backend', job.backend || '');
  stateView.showJob(job);
}

// Points a download link at a blob of the text: the API needs the Authorization header,
// which a plain link would not send.
function offerDownload(id, text, type, filename) {
  const link = document.getElementById(id);
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([text], { type }));
  link.download = filename;
  link.classList.remove('disabled');
}

async function showResult(jobId, plot) {
  const text = await (await api(`${jobPath(jobId)}/result`)).text();
  const result = JSON.parse(text);
  const finalCost = result.finalCost || 0;
  setText('final-cost', formatCost(finalCost));
  if (result.exactCost !== undefined) {
    plot.setExact(result.exactCost);
    setText('job-exact', formatCost(result.exactCost));
  }
  offerDownload('download-result', text, 'application/json', `${jobId}.result.json`);
  const qasm = await (await api(`${jobPath(jobId)}/circuit.qasm`)).text();
  offerDownload('download-qasm', qasm, 'text/plain', `${jobId}.qasm`);
}

async function jobPage() {
  const jobId = new URLSearchParams(location.search).get('id');
  if (!jobId) {
    showMessage('No job given: open job.html?id=JOB.');
    return;
  }
  const plot = new ConvergencePlot(document.getElementById('convergence'));
  plot.draw();
  const stateView = new StateView();
  let started = false;
  const start = async () => {
    if (started) return;
    let job;
    try {
      job = await apiJson(jobPath(jobId));
    } catch (error) {
      showMessage(describeError(error));
      return;
    }
    started = true;
    clearMessage();
    showJob(job, stateView);
    follow(job, plot, stateView);
  };
  document.getElementById('cancel').addEventListener('click', async () => {
    try {
      const response = await apiJson(`${jobPath(jobId)}:cancel`, { method: 'POST' });
      stateView.showJob(response.job);
    } catch (error) {
      showMessage(describeError(error));
    }
  });
  setUpTokenForm(start);
  await start();
}

// Plots the job's iterations as their events arrive; once it has succeeded, shows the result.
async function follow(job, plot, stateView) {
  const jobId = job.id;
  const exact = ((job.spec || {}).problem || {}).exactCost;
  if (exact !== undefined) {
    plot.setExact(exact);
    setText('job-exact', formatCost(exact));
  }
  let iterations = 0;
  let state = '';
  try {
    await followJobEvents(jobId, {
      onEvent: (event) => {
        if (event.iteration) {
          plot.add(event.iteration);
          setText('job-iterations', String(++iterations));
          setText('job-cost', formatCost(event.iteration.cost || 0));
        } else if (event.state) {
          state = event.state;
          stateView.show(Number(event.sequence || 0), event.state, event.error);
        }
      },
      onConnection: (connected) => {
        if (connected) clearMessage();
        else showMessage('connection lost; reconnecting…', 'info');
      },
    });
    if (state === 'JOB_STATE_SUCCEEDED') await showResult(jobId, plot);
  } catch (error) {
    showMessage(describeError(error));
  }
}

// ------------------------------------------------------------------------------ start

takeTokenFromFragment();
if (document.body.dataset.page === 'jobs') jobsPage();
else if (document.body.dataset.page === 'job') jobPage();
