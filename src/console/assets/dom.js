/* global document */
// Small DOM helpers for the console. Every text from the server goes in as a text node or an
// attribute value, never as markup, so a resource named `<script>` shows as just that.

const SVG_NS = 'http://www.w3.org/2000/svg';

function fill(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
  return el;
}

/** An HTML element: h('td', {class: 'x'}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  return fill(document.createElement(tag), attrs, children);
}

/** An SVG element, the same way. */
export function s(tag, attrs, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), attrs, children);
}

export function clear(el, ...children) {
  el.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

const pad = (n) => String(n).padStart(2, '0');

/** A time as the viewer's local yyyy-mm-dd hh:mm:ss. */
export function time(ms) {
  if (ms === null || ms === undefined) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function duration(ms) {
  if (ms === null || ms === undefined) return '';
  if (ms < 1000) return `${Math.round(ms * 10) / 10} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A used/total bar, with the numbers beside it. */
export function usageBar(used, total) {
  const share = total > 0 ? Math.min(1, used / total) : 0;
  const inner = h('span', { class: ['usage-fill', share > 0.9 && 'high'] });
  inner.style.width = `${(share * 100).toFixed(1)}%`;
  return h(
    'span',
    { class: 'usage', title: `${used} of ${total} usable addresses in use` },
    h('span', { class: 'usage-track' }, inner),
    h('span', { class: 'usage-text' }, `${used} / ${total}`),
  );
}

export function tagList(tags) {
  if (!tags || tags.length === 0) return '';
  return tags.map((t) => h('span', { class: 'tag' }, t.value === '' ? t.key : `${t.key}=${t.value}`));
}
