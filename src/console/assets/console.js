/* global CSS, document, window, location, history, fetch, EventSource, URLSearchParams, clearTimeout, setInterval */
import { clear, duration, h, tagList, time, usageBar } from './dom.js';
import { columnsFor, drawTopology } from './topology.js';

// The console page: pick an account and a region, then a VPC; see it drawn and listed, its tasks,
// the recent API calls and the audit trail. Where you are lives in the address's #fragment, so a
// reload or a shared link opens the same view. It stays current through /console/api/stream
// (server-sent events): each event makes the page fetch what it shows again.

const $ = (id) => document.getElementById(id);
const view = { appId: null, region: null, vpcId: null, tab: 'network', q: '', state: '', selected: null };
const shown = new Map(); // what each panel last drew, to skip redrawing the same answer
let stream = null;

// --- the address ----------------------------------------------------------------------------------

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  view.appId = p.get('app') ? Number(p.get('app')) : null;
  view.region = p.get('region');
  view.vpcId = p.get('vpc');
  view.tab = p.get('tab') ?? 'network';
  view.q = p.get('q') ?? '';
  view.state = p.get('state') ?? '';
  view.selected = p.get('sel');
}

function writeHash() {
  const p = new URLSearchParams();
  if (view.appId) p.set('app', String(view.appId));
  if (view.region) p.set('region', view.region);
  if (view.vpcId) p.set('vpc', view.vpcId);
  if (view.tab !== 'network') p.set('tab', view.tab);
  if (view.q) p.set('q', view.q);
  if (view.state) p.set('state', view.state);
  if (view.selected) p.set('sel', view.selected);
  history.replaceState(null, '', `#${p}`);
}

// --- talking to the server ------------------------------------------------------------------------

async function api(name, params = {}) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== ''));
  const res = await fetch(`/console/api/${name}?${q}`, { headers: { accept: 'application/json' } });
  const body = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw Object.assign(new Error(body.error ?? `HTTP ${res.status}`), { status: res.status });
  return body;
}

function problem(err) {
  const box = $('problem');
  if (!err) return void (box.hidden = true);
  box.hidden = false;
  box.textContent = err.message;
}

const scope = () => ({ appId: view.appId, region: view.region });

const asked = new Map();
/**
 * `api` for a panel that only the newest answer may draw: refreshes overlap when events come in a
 * burst, and an older answer arriving last would otherwise put a state already gone back on screen.
 * Resolves with null for an answer overtaken by a newer request.
 */
async function newest(panel, name, params) {
  const ticket = (asked.get(panel) ?? 0) + 1;
  asked.set(panel, ticket);
  const answer = await api(name, params);
  return asked.get(panel) === ticket ? answer : null;
}

/** Fills a table's body; an empty list shows `none` across the table. */
function fillTable(id, rows, none) {
  const table = $(id);
  const columns = table.tHead.rows[0].cells.length;
  clear(
    table.tBodies[0],
    rows.length ? rows : h('tr', { class: 'none' }, h('td', { colspan: columns, class: 'muted' }, none)),
  );
}

// --- links between views --------------------------------------------------------------------------

/** A resource id that opens the resource: its VPC on the network tab, the resource selected. */
function resourceLink(id) {
  return h('a', { class: 'res', href: '#', 'data-id': id, onclick: (e) => (e.preventDefault(), openResource(id)) }, id);
}

function taskLink(task) {
  return h(
    'a',
    { class: 'task-link', href: '#', 'data-task': task.id, onclick: (e) => (e.preventDefault(), openTask(task.id)) },
    `task ${task.id}`,
  );
}

async function openResource(id) {
  try {
    const { vpcId } = await api('locate', { ...scope(), id });
    if (vpcId) view.vpcId = vpcId;
    view.selected = id;
    view.q = '';
    view.state = '';
    $('filter-text').value = '';
    $('filter-state').value = '';
    setTab('network');
    await refreshVpcList();
    await refreshVpc();
  } catch (err) {
    problem(err);
  }
}

function openTask(id) {
  setTab('tasks');
  view.selected = `task:${id}`;
  void refreshTasks().then(() => markSelected());
}

function markSelected() {
  for (const el of document.querySelectorAll('.selected')) el.classList.remove('selected');
  if (!view.selected) return;
  const sel = view.selected.startsWith('task:')
    ? `[data-task-row="${CSS.escape(view.selected.slice(5))}"]`
    : `[data-id="${CSS.escape(view.selected)}"]:not(a)`;
  const found = [...document.querySelectorAll(sel)];
  for (const el of found) el.classList.add('selected');
  const row = found.find((el) => el.tagName === 'TR' && el.offsetParent !== null);
  row?.scrollIntoView({ block: 'nearest' });
}

// --- account, region, VPC list --------------------------------------------------------------------

async function loadScopes() {
  const { accounts, regions } = await api('scopes');
  const withVpcs = accounts.find((a) => Object.keys(a.vpcs).length > 0);
  if (!view.appId || !accounts.some((a) => a.appId === view.appId))
    view.appId = (withVpcs ?? accounts[0])?.appId ?? null;
  const account = accounts.find((a) => a.appId === view.appId);
  if (!view.region || !regions.some((r) => r.name === view.region)) {
    view.region = Object.keys(account?.vpcs ?? {})[0] ?? regions[0]?.name ?? null;
  }
  clear(
    $('account'),
    accounts.map((a) =>
      h(
        'option',
        { value: a.appId, selected: a.appId === view.appId },
        `${a.appId}${Object.keys(a.vpcs).length ? '' : ' (empty)'}`,
      ),
    ),
  );
  clear(
    $('region'),
    regions.map((r) =>
      h(
        'option',
        { value: r.name, selected: r.name === view.region },
        `${r.name}${account?.vpcs[r.name] ? ` (${account.vpcs[r.name]} VPC)` : ''}`,
      ),
    ),
  );
}

async function refreshVpcList() {
  if (!view.appId || !view.region) return;
  const list = await newest('vpcs', 'vpcs', { ...scope(), q: $('vpc-search').value.trim() });
  if (!list) return;
  if (!view.vpcId || (!list.items.some((v) => v.id === view.vpcId) && !$('vpc-search').value))
    view.vpcId = list.items[0]?.id ?? null;
  const key = JSON.stringify([list, view.vpcId]);
  if (shown.get('vpcs') === key) return;
  shown.set('vpcs', key);
  clear(
    $('vpc-list'),
    list.items.map((v) =>
      h(
        'li',
        { class: v.id === view.vpcId && 'current', 'data-vpc': v.id },
        h(
          'a',
          { href: '#', onclick: (e) => (e.preventDefault(), selectVpc(v.id)) },
          h('span', { class: 'id' }, v.id),
          h('span', { class: 'name' }, v.name),
          h(
            'span',
            { class: 'muted small' },
            `${v.cidr} · ${v.subnets} subnets · ${v.instances} instances · ${v.enis} ENIs`,
          ),
        ),
      ),
    ),
  );
  $('vpc-count').textContent =
    list.total > list.items.length
      ? `showing ${list.items.length} of ${list.total} VPCs`
      : `${list.total} VPC${list.total === 1 ? '' : 's'}`;
}

function selectVpc(id) {
  view.vpcId = id;
  view.selected = null;
  writeHash();
  void refreshVpcList();
  void refreshVpc();
}

// --- the network tab ------------------------------------------------------------------------------

async function refreshVpc() {
  writeHash();
  if (!view.vpcId) {
    shown.delete('vpc');
    clear($('vpc-title'), 'No VPC in this account and region yet');
    clear($('topology'));
    for (const id of ['subnets', 'instances', 'enis']) clear($(id).tBodies[0]);
    return;
  }
  let data;
  try {
    data = await newest('vpc', 'vpc', { ...scope(), vpcId: view.vpcId, q: view.q, state: view.state });
    if (!data) return;
    problem(null);
  } catch (err) {
    if (err.status === 404) view.vpcId = null;
    return problem(err);
  }
  const width = $('topology').clientWidth || 1000;
  const key = JSON.stringify([data, view.selected, columnsFor(width, data.subnets.length + 1)]);
  if (shown.get('vpc') === key) return;
  shown.set('vpc', key);
  renderVpc(data, width);
  markSelected();
}

function renderVpc(data, width) {
  const filtered = view.q || view.state;
  clear(
    $('vpc-title'),
    h('span', { class: 'id' }, data.vpc.id),
    ' ',
    data.vpc.name,
    h('span', { class: 'muted' }, ` ${data.vpc.cidr}`),
    ' ',
    tagList(data.vpc.tags),
  );
  const more = [];
  if (data.totals.enis > data.enis.length) more.push(`${data.enis.length} of ${data.totals.enis} ENIs`);
  if (data.totals.instances > data.instances.length)
    more.push(`${data.instances.length} of ${data.totals.instances} instances`);
  if (data.totals.subnets > data.subnets.length) more.push(`${data.subnets.length} of ${data.totals.subnets} subnets`);
  $('filter-note').textContent = [
    filtered ? `filtered: ${data.totals.enis} ENIs, ${data.totals.instances} instances match` : '',
    more.length ? `showing ${more.join(', ')}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  clear($('topology'), drawTopology(data, { width, selected: view.selected }));

  const subnetName = new Map(data.subnets.map((z) => [z.id, z.name]));
  fillTable(
    'subnets',
    data.subnets.map((z) =>
      h(
        'tr',
        { 'data-id': z.id },
        h('td', {}, resourceLink(z.id), h('div', { class: 'muted' }, z.name)),
        h('td', {}, z.cidr),
        h('td', {}, z.zone),
        h('td', {}, usageBar(z.usedIps, z.totalIps)),
        h('td', {}, tagList(z.tags)),
      ),
    ),
    'no subnet',
  );

  const enisOf = new Map();
  for (const e of data.enis) {
    const host = e.targetInstanceId ?? e.instanceId;
    if (host) enisOf.set(host, [...(enisOf.get(host) ?? []), e]);
  }
  fillTable(
    'instances',
    data.instances.map((i) =>
      h(
        'tr',
        { 'data-id': i.id },
        h('td', {}, resourceLink(i.id), h('div', { class: 'muted' }, i.name)),
        h('td', {}, h('span', { class: ['state', `state-${i.state.toLowerCase()}`] }, i.state)),
        h('td', {}, i.subnetId ? resourceLink(i.subnetId) : '', h('div', { class: 'muted' }, i.zone)),
        h('td', {}, i.instanceType || `${i.cpu} CPU / ${i.mem} GB`),
        h(
          'td',
          { class: 'eni-cell' },
          (enisOf.get(i.id) ?? [])
            .sort((a, b) => (a.deviceIndex ?? 99) - (b.deviceIndex ?? 99))
            .map((e) =>
              h(
                'div',
                { class: 'eni-ref', 'data-eni': e.id },
                resourceLink(e.id),
                ` eth${e.deviceIndex ?? '?'}`,
                e.phase === 'attached' ? '' : h('span', { class: ['state', `phase-${e.phase}`] }, e.phase),
              ),
            ),
        ),
        h('td', {}, tagList(i.tags)),
      ),
    ),
    'no instance',
  );

  fillTable(
    'enis',
    data.enis.map((e) =>
      h(
        'tr',
        { 'data-id': e.id, 'data-phase': e.phase },
        h('td', {}, resourceLink(e.id), h('div', { class: 'muted' }, e.name)),
        h(
          'td',
          {},
          h('span', { class: ['state', `phase-${e.phase}`] }, e.phase),
          e.phase === e.state.toLowerCase() ? '' : h('div', { class: 'muted small' }, e.state),
        ),
        h(
          'td',
          {},
          e.instanceId ? resourceLink(e.instanceId) : '',
          e.targetInstanceId ? h('div', {}, '→ ', resourceLink(e.targetInstanceId)) : '',
          !e.instanceId && !e.targetInstanceId ? h('span', { class: 'muted' }, 'not attached') : '',
        ),
        h('td', { class: 'num' }, e.deviceIndex ?? ''),
        h('td', {}, e.primary ? 'primary' : 'secondary'),
        h('td', {}, resourceLink(e.subnetId), h('div', { class: 'muted' }, subnetName.get(e.subnetId) ?? '')),
        h(
          'td',
          { class: 'ips' },
          e.ips.map((p) =>
            h(
              'div',
              {},
              p.ip,
              p.primary ? h('span', { class: 'muted small' }, ' primary') : '',
              p.state === 'ASSIGNED' ? '' : h('span', { class: 'state phase-attaching' }, p.state),
            ),
          ),
        ),
        h(
          'td',
          {},
          e.securityGroups.map((g) => h('div', { title: g.name }, g.id)),
        ),
        h('td', {}, tagList(e.tags)),
      ),
    ),
    'no ENI',
  );
}

// --- tasks ----------------------------------------------------------------------------------------

function taskRows(tasks, withReason) {
  return tasks.map((t) =>
    h(
      'tr',
      { 'data-task-row': t.id, 'data-state': t.state },
      h('td', { class: 'num' }, t.id),
      h('td', {}, t.type),
      h('td', {}, h('span', { class: ['state', `task-${t.state.toLowerCase()}`] }, t.state)),
      h(
        'td',
        {},
        t.resources.map((r) => h('div', {}, resourceLink(r))),
      ),
      h('td', { class: 'mono small' }, t.requestId ?? ''),
      h('td', { class: 'time' }, time(t.createdAt)),
      h(
        'td',
        {},
        t.finishedAt
          ? duration(t.finishedAt - t.createdAt)
          : h('span', { class: 'muted' }, `${duration(Date.now() - t.createdAt)} so far`),
      ),
      withReason ? h('td', { class: 'reason' }, t.failure ?? '') : null,
    ),
  );
}

async function refreshTasks() {
  if (!view.appId || !view.region) return;
  const lists = await newest('tasks', 'tasks', scope());
  if (!lists) return;
  const key = JSON.stringify([lists, view.selected]);
  if (shown.get('tasks') === key) return;
  shown.set('tasks', key);
  fillTable('tasks-running', taskRows(lists.running, false), 'no task is running');
  fillTable('tasks-failed', taskRows(lists.failed, true), 'no failed task among the recent ones');
  fillTable('tasks-recent', taskRows(lists.recent, true), 'no task yet');
  $('tasks-running-count').textContent = String(lists.running.length);
  $('tasks-failed-count').textContent = String(lists.failed.length);
  markSelected();
}

// --- recent calls ---------------------------------------------------------------------------------

async function refreshCalls() {
  const scoped = $('calls-scoped').checked;
  const answer = await newest('calls', 'calls', scoped ? scope() : {});
  if (!answer) return;
  const { calls } = answer;
  const key = JSON.stringify([calls, scoped]);
  if (shown.get('calls') === key) return;
  shown.set('calls', key);
  fillTable(
    'calls',
    calls.map((c) =>
      h(
        'tr',
        { 'data-request': c.requestId ?? '' },
        h('td', { class: 'time' }, time(c.at)),
        h('td', {}, c.apiVersion === 'v2' ? 'v2' : `3.0 ${c.product ?? ''}`),
        h('td', {}, c.action ?? h('span', { class: 'muted' }, '(none)')),
        h('td', {}, h('span', { class: ['code', c.code === 'Success' ? 'ok' : 'err'] }, c.code ?? '')),
        h('td', { class: 'num' }, duration(c.durationMs)),
        h('td', { class: 'mono small' }, c.requestId ?? ''),
        h(
          'td',
          {},
          c.task
            ? [
                taskLink(c.task),
                ' ',
                h('span', { class: ['state', `task-${c.task.state.toLowerCase()}`] }, c.task.state),
              ]
            : c.taskId
              ? `task ${c.taskId}`
              : '',
        ),
        h('td', {}, c.task ? c.task.resources.map((r) => h('div', {}, resourceLink(r))) : ''),
        h('td', { class: 'muted small' }, scoped ? c.sourceIp : `${c.appId ?? '?'} ${c.region ?? ''} ${c.sourceIp}`),
      ),
    ),
    'no call yet',
  );
}

// --- audit events ---------------------------------------------------------------------------------

async function refreshEvents() {
  const params = Object.fromEntries(new URLSearchParams(new window.FormData($('events-form'))));
  if ($('events-scoped').checked && view.appId) params.account = view.appId;
  let answer;
  try {
    answer = await newest('events', 'events', params);
    if (!answer) return;
  } catch (err) {
    clear($('events').tBodies[0]);
    $('events-note').textContent =
      err.status === 404 ? 'This server keeps no audit trail (GET /_vpceni/events is not there).' : err.message;
    return;
  }
  const mine = answer.events;
  const total = answer.totalCount ?? mine.length;
  $('events-note').textContent =
    total > mine.length ? `the newest ${mine.length} of ${total} events` : `${total} events`;
  fillTable(
    'events',
    mine.map((e) =>
      h(
        'tr',
        {},
        h('td', {}, Number.isNaN(Date.parse(e.EventTime)) ? String(e.EventTime ?? '') : time(Date.parse(e.EventTime))),
        h('td', {}, e.EventName ?? ''),
        h('td', {}, e.ActionType ?? ''),
        h(
          'td',
          {},
          h(
            'span',
            { class: ['code', e.ErrorCode && e.ErrorCode !== 0 && e.ErrorCode !== 'Success' ? 'err' : 'ok'] },
            String(e.ErrorCode ?? ''),
          ),
        ),
        h('td', { class: 'mono small' }, e.RequestID ?? ''),
        h(
          'td',
          {},
          resourcesOf(e.Resources).map((r) => h('div', {}, /^(vpc|subnet|ins|eni|sg)-/.test(r) ? resourceLink(r) : r)),
        ),
        h(
          'td',
          { class: 'small' },
          e.SecretId ?? '',
          h('div', { class: 'muted' }, `${e.AccountID ?? ''} from ${e.SourceIPAddress ?? ''}`),
        ),
      ),
    ),
    'no event',
  );
}

/** CloudAudit's Resources: one object, a list of them, or a JSON text of either. */
function resourcesOf(value) {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return [v];
    }
  }
  const list = Array.isArray(v) ? v : v ? [v] : [];
  return list.map((r) => (typeof r === 'object' ? (r.ResourceName ?? r.ResourceId ?? JSON.stringify(r)) : String(r)));
}

// --- tabs, live updates ---------------------------------------------------------------------------

function setTab(tab) {
  view.tab = tab;
  for (const b of document.querySelectorAll('[data-tab]'))
    b.setAttribute('aria-selected', String(b.dataset.tab === tab));
  for (const sec of document.querySelectorAll('section.tab')) sec.hidden = sec.id !== `tab-${tab}`;
  writeHash();
  void refreshCurrent();
}

async function refreshCurrent() {
  try {
    if (view.tab === 'network') await Promise.all([refreshVpcList(), refreshVpc()]);
    else if (view.tab === 'tasks') await refreshTasks();
    else if (view.tab === 'calls') await refreshCalls();
    else if (view.tab === 'audit') await refreshEvents();
  } catch (err) {
    problem(err);
  }
}

let pending = null;
/** Many events in a burst make one refresh. */
function soon() {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    void refreshCurrent();
  }, 120);
}

function connect() {
  stream?.close();
  const live = $('live');
  stream = new EventSource(`/console/api/stream?${new URLSearchParams({ appId: view.appId, region: view.region })}`);
  stream.addEventListener('hello', () => {
    live.dataset.state = 'live';
    live.textContent = 'live';
    soon();
  });
  stream.addEventListener('tasks', soon);
  stream.addEventListener('call', soon);
  stream.onerror = () => {
    live.dataset.state = 'reconnecting';
    live.textContent = 'reconnecting…';
  };
}

async function changeScope() {
  view.vpcId = null;
  view.selected = null;
  shown.clear();
  writeHash();
  await loadScopes();
  connect();
  await refreshCurrent();
}

async function start() {
  readHash();
  $('filter-text').value = view.q;
  $('filter-state').value = view.state;
  $('account').addEventListener('change', () => {
    view.appId = Number($('account').value);
    view.region = null;
    void changeScope();
  });
  $('region').addEventListener('change', () => {
    view.region = $('region').value;
    void changeScope();
  });
  let typing = null;
  $('vpc-search').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => void refreshVpcList().catch(problem), 200);
  });
  $('filter-text').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      view.q = $('filter-text').value.trim();
      void refreshVpc();
    }, 200);
  });
  $('filter-state').addEventListener('change', () => {
    view.state = $('filter-state').value;
    void refreshVpc();
  });
  $('calls-scoped').addEventListener('change', () => void refreshCalls().catch(problem));
  $('events-scoped').addEventListener('change', () => void refreshEvents());
  $('events-form').addEventListener('submit', (e) => {
    e.preventDefault();
    void refreshEvents();
  });
  for (const b of document.querySelectorAll('[data-tab]')) b.addEventListener('click', () => setTab(b.dataset.tab));
  window.addEventListener('resize', () => {
    shown.delete('vpc');
    soon();
  });
  try {
    await loadScopes();
  } catch (err) {
    return problem(err);
  }
  connect();
  setTab(view.tab);
  // A change another replica made without a task (a rename, a new VPC) reaches no event stream here.
  setInterval(soon, 10_000);
}

void start();
