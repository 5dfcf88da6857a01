import { s } from './dom.js';

// The topology picture of one VPC, as SVG: each subnet a zone with an address bar and a bus (the
// line under its header); instances as boxes inside their subnet; each ENI a port inside the box of
// the instance it is on (or going to), plugged by a line into the bus of its own subnet, which may
// be another zone. Unattached ENIs sit at the bottom of their subnet. Primary ENIs are filled,
// secondary ones outlined; anything in flight is dashed, pulses and carries its state as a label.
// Ids are text, so they can be searched and selected.

const PALETTE = ['#2563eb', '#059669', '#d97706', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626'];
const PORT = { w: 184, h: 40, gap: 8, inset: 16 };
const INST = { w: 216, head: 44, pad: 10 };
const ZONE = { pad: 16, gap: 16, bus: 74, top: 90, cols: 2 };
const ZONE_W = ZONE.pad * 2 + INST.w * ZONE.cols + ZONE.gap * (ZONE.cols - 1);
const VPC = { head: 48, pad: 20, gap: 24 };
const IN_FLIGHT_INSTANCE = new Set(['CREATING', 'STARTING', 'STOPPING', 'REBOOTING', 'TERMINATING']);

const push = (map, key, value) => map.set(key, [...(map.get(key) ?? []), value]);
const portsHeight = (n) => n * (PORT.h + PORT.gap) - (n > 0 ? PORT.gap : 0);
const instanceHeight = (n) => INST.head + (n > 0 ? portsHeight(n) : 18) + INST.pad;
const primaryIp = (e) => (e.ips.find((p) => p.primary) ?? e.ips[0])?.ip ?? '';

/** How many zones fit side by side in `width` pixels (at least one). */
export function columnsFor(width, zones) {
  const fit = Math.floor((width - VPC.pad * 2 + VPC.gap) / (ZONE_W + VPC.gap));
  return Math.max(1, Math.min(zones, fit));
}

export function drawTopology(view, { width = 1000, selected = null } = {}) {
  const color = new Map(view.subnets.map((z, i) => [z.id, PALETTE[i % PALETTE.length]]));
  const listed = new Set(view.instances.map((i) => i.id));
  const onInstance = new Map();
  const loose = new Map();
  for (const e of view.enis) {
    const host = e.targetInstanceId ?? e.instanceId;
    if (host && listed.has(host)) push(onInstance, host, e);
    else push(loose, color.has(e.subnetId) ? e.subnetId : null, e);
  }
  for (const list of onInstance.values()) {
    list.sort((a, b) => (a.deviceIndex ?? 99) - (b.deviceIndex ?? 99) || Number(b.primary) - Number(a.primary));
  }
  const inZone = new Map();
  for (const i of view.instances) push(inZone, color.has(i.subnetId) ? i.subnetId : null, i);
  const zones = view.subnets.map((z) => ({ subnet: z, color: color.get(z.id) }));
  if (inZone.has(null) || loose.has(null)) zones.push({ subnet: null, color: '#64748b' });

  // Sizes first: each zone's instances in rows of ZONE.cols, then its unattached ENIs.
  for (const zone of zones) {
    const key = zone.subnet?.id ?? null;
    const instances = inZone.get(key) ?? [];
    let y = ZONE.top;
    zone.instances = [];
    for (let row = 0; row < instances.length; row += ZONE.cols) {
      const chunk = instances.slice(row, row + ZONE.cols);
      const height = Math.max(...chunk.map((i) => instanceHeight((onInstance.get(i.id) ?? []).length)));
      chunk.forEach((instance, col) => {
        zone.instances.push({
          instance,
          x: ZONE.pad + col * (INST.w + ZONE.gap),
          y,
          h: instanceHeight((onInstance.get(instance.id) ?? []).length),
        });
      });
      y += height + ZONE.gap;
    }
    const free = loose.get(key) ?? [];
    zone.free = [];
    if (free.length) {
      zone.freeLabelY = y + 12;
      y += 22;
      free.forEach((eni, n) => {
        const col = n % ZONE.cols;
        zone.free.push({
          eni,
          x: ZONE.pad + col * (INST.w + ZONE.gap) + PORT.inset,
          y: y + Math.floor(n / ZONE.cols) * (PORT.h + PORT.gap),
        });
      });
      y += portsHeight(Math.ceil(free.length / ZONE.cols)) + ZONE.gap;
    }
    if (!instances.length && !free.length) {
      zone.emptyY = y + 14;
      y += 30;
    }
    zone.h = y + ZONE.pad - ZONE.gap;
  }

  // Zones in a grid.
  const cols = columnsFor(width, zones.length);
  let top = VPC.head;
  for (let row = 0; row < zones.length; row += cols) {
    const chunk = zones.slice(row, row + cols);
    chunk.forEach((zone, col) => {
      zone.x = VPC.pad + col * (ZONE_W + VPC.gap);
      zone.y = top;
    });
    top += Math.max(...chunk.map((z) => z.h)) + VPC.gap;
  }
  const totalW = VPC.pad * 2 + cols * ZONE_W + (cols - 1) * VPC.gap;
  const totalH = Math.max(top - VPC.gap + VPC.pad, VPC.head + 60);
  const zoneOf = new Map(zones.filter((z) => z.subnet).map((z) => [z.subnet.id, z]));

  const links = s('g', { class: 'links' });
  const hosts = s('g', { class: 'hosts' });
  const svg = s(
    'svg',
    {
      class: 'topo',
      xmlns: 'http://www.w3.org/2000/svg',
      viewBox: `0 0 ${totalW} ${totalH}`,
      width: totalW,
      height: totalH,
      role: 'img',
      'aria-label': `Topology of ${view.vpc.id}`,
    },
    s(
      'g',
      { class: 'vpc', 'data-id': view.vpc.id },
      s('rect', { class: 'vpc-box', x: 1, y: 1, width: totalW - 2, height: totalH - 2, rx: 10 }),
      s(
        'text',
        { class: 'vpc-title', x: VPC.pad, y: 30 },
        s('tspan', { class: 'id' }, view.vpc.id),
        s('tspan', { dx: 10 }, view.vpc.name),
        s('tspan', { class: 'muted', dx: 10 }, view.vpc.cidr),
      ),
    ),
    s(
      'g',
      { class: 'zones' },
      zones.map((z) => drawZone(z)),
    ),
    links,
    hosts,
  );

  /** A line from a port's plug at (px, py) in `zone`, along the gutter left of it, to the bus of the ENI's subnet. */
  function link(eni, px, py, zone) {
    const gutter = px - ZONE.pad / 2;
    const target = zoneOf.get(eni.subnetId);
    if (!target) return;
    const busY = target.y + ZONE.bus;
    if (target === zone) {
      links.append(
        s('path', {
          class: 'link',
          'data-eni': eni.id,
          d: `M ${px} ${py} H ${gutter} V ${busY}`,
          stroke: target.color,
        }),
      );
      return;
    }
    const ex = Math.min(Math.max(px, target.x + ZONE.pad), target.x + ZONE_W - ZONE.pad);
    const mid = (py + busY) / 2;
    links.append(
      s('path', {
        class: 'link cross',
        'data-eni': eni.id,
        d: `M ${px} ${py} H ${gutter} C ${gutter} ${mid}, ${ex} ${mid}, ${ex} ${busY}`,
        stroke: target.color,
      }),
    );
  }

  for (const zone of zones) {
    for (const { instance, x, y, h } of zone.instances) {
      const ax = zone.x + x;
      const ay = zone.y + y;
      const enis = onInstance.get(instance.id) ?? [];
      const flying = IN_FLIGHT_INSTANCE.has(instance.state);
      const g = s(
        'g',
        {
          class: [
            'instance',
            flying && 'inflight',
            instance.state === 'LAUNCH_FAILED' && 'failed',
            selected === instance.id && 'selected',
          ],
          'data-id': instance.id,
          'data-state': instance.state,
          transform: `translate(${ax} ${ay})`,
        },
        s('title', {}, `${instance.id} ${instance.name} (${instance.state})`),
        s('rect', { class: 'box', width: INST.w, height: h, rx: 6 }),
        s('text', { class: 'id', x: 10, y: 18 }, instance.id),
        s('text', { class: 'meta', x: 10, y: 34 }, `${instance.name || '(no name)'} · ${instance.state}`),
        flying ? s('text', { class: 'badge', x: INST.w - 8, y: 18, 'text-anchor': 'end' }, instance.state) : null,
        enis.length === 0 ? s('text', { class: 'muted small', x: 10, y: INST.head + 12 }, 'no ENI') : null,
      );
      enis.forEach((eni, n) => {
        const py = INST.head + n * (PORT.h + PORT.gap);
        g.append(drawPort(eni, PORT.inset, py));
        link(eni, ax, ay + py + PORT.h / 2, zone);
      });
      hosts.append(g);
    }
    for (const { eni, x, y } of zone.free) {
      const g = drawPort(eni, zone.x + x, zone.y + y);
      hosts.append(g);
      link(eni, zone.x + x - PORT.inset, zone.y + y + PORT.h / 2, zone);
    }
  }
  return svg;

  function drawZone(zone) {
    const z = zone.subnet;
    const g = s('g', {
      class: ['subnet', z && selected === z.id && 'selected'],
      'data-id': z?.id ?? '',
      transform: `translate(${zone.x} ${zone.y})`,
    });
    g.append(s('rect', { class: 'zone-box', width: ZONE_W, height: zone.h, rx: 8, stroke: zone.color }));
    if (z) {
      const share = z.totalIps > 0 ? Math.min(1, z.usedIps / z.totalIps) : 0;
      const barW = 150;
      g.append(
        s('title', {}, `${z.id} ${z.name} ${z.cidr}: ${z.usedIps} of ${z.totalIps} addresses in use`),
        s(
          'text',
          { class: 'zone-title', x: ZONE.pad, y: 22 },
          s('tspan', { class: 'id' }, z.id),
          s('tspan', { dx: 8 }, z.name),
        ),
        s('text', { class: 'meta', x: ZONE.pad, y: 42 }, `${z.cidr} · ${z.zone ?? z.zoneId}`),
        s(
          'g',
          { class: 'usage-svg', transform: `translate(${ZONE_W - ZONE.pad - barW} 32)` },
          s('rect', { class: 'track', width: barW, height: 10, rx: 3 }),
          s('rect', {
            class: 'used',
            width: Math.max(share * barW, z.usedIps > 0 ? 2 : 0),
            height: 10,
            rx: 3,
            fill: zone.color,
          }),
          s('text', { class: 'meta', x: barW, y: -6, 'text-anchor': 'end' }, `${z.usedIps} / ${z.totalIps} IPs`),
        ),
        s('line', {
          class: 'bus',
          x1: ZONE.pad / 2,
          x2: ZONE_W - ZONE.pad / 2,
          y1: ZONE.bus,
          y2: ZONE.bus,
          stroke: zone.color,
        }),
      );
    } else {
      g.append(s('text', { class: 'zone-title', x: ZONE.pad, y: 22 }, 'in subnets not listed here'));
    }
    if (zone.free.length)
      g.append(s('text', { class: 'muted small', x: ZONE.pad, y: zone.freeLabelY }, 'not attached'));
    if (zone.emptyY) g.append(s('text', { class: 'muted small', x: ZONE.pad, y: zone.emptyY }, 'no instances or ENIs'));
    return g;
  }

  function drawPort(eni, x, y) {
    const c = color.get(eni.subnetId) ?? '#64748b';
    const flying = !['available', 'attached'].includes(eni.phase);
    const device = eni.deviceIndex === null || eni.deviceIndex === undefined ? '' : `eth${eni.deviceIndex} · `;
    const label = eni.phase === 'migrating' ? `MIGRATING from ${eni.instanceId}` : eni.state;
    return s(
      'g',
      {
        class: [
          'eni',
          eni.primary ? 'primary' : 'secondary',
          flying && 'inflight',
          `phase-${eni.phase}`,
          selected === eni.id && 'selected',
        ],
        'data-id': eni.id,
        'data-phase': eni.phase,
        'data-primary': String(eni.primary),
        'data-subnet': eni.subnetId,
        transform: `translate(${x} ${y})`,
      },
      s(
        'title',
        {},
        `${eni.id} ${eni.name} — ${eni.primary ? 'primary' : 'secondary'}, ${eni.phase}; ${eni.ips.map((p) => p.ip).join(', ')}`,
      ),
      s('line', { class: 'plug-line', x1: -PORT.inset, x2: 0, y1: PORT.h / 2, y2: PORT.h / 2, stroke: c }),
      s('rect', { class: 'plug', x: -PORT.inset - 5, y: PORT.h / 2 - 5, width: 10, height: 10, rx: 2, fill: c }),
      s('rect', { class: 'port', width: PORT.w, height: PORT.h, rx: 5, stroke: c, fill: eni.primary ? c : '#ffffff' }),
      s('text', { class: 'id', x: 8, y: 16 }, eni.id),
      s(
        'text',
        { class: 'meta', x: 8, y: 32 },
        `${device}${primaryIp(eni)}${eni.primary ? ' · primary' : ' · secondary'}`,
      ),
      flying ? s('text', { class: 'badge', x: PORT.w - 6, y: 15, 'text-anchor': 'end' }, label) : null,
    );
  }
}
