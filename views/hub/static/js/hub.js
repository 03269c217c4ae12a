// The hub's one page script (no build step, no library but uPlot on the process page). It owns
// everything that makes the server-rendered pages live, and each page works without it:
// the live event stream (process states, nodes, CPU/memory, rolling restarts, activity) and the
// #live indicator; the uptime tick; the process filters and the ?q=&state= of the URL; the
// checkbox selection and the bulk bar; the confirmation of dangerous buttons; the log follow and
// the wrap switch; the CPU and memory charts. It never inserts untrusted text as HTML (only the
// log stream's html, which the server escaped) and never writes style attributes (CSP).
(function () {
  'use strict';

  var body = document.body;
  var PAGE = body.getAttribute('data-page') || '';
  var TEXTS = parseJson(body.getAttribute('data-i18n'), {});
  var ACTIONS = parseJson(body.getAttribute('data-actions'), {});
  var STATES = ['RUNNING', 'STARTING', 'BACKOFF', 'STOPPING', 'STOPPED', 'EXITED', 'FATAL', 'UNKNOWN'];
  var ALWAYS_COUNTED = ['RUNNING', 'STOPPED', 'FATAL'];
  var PROBLEMS = ['FATAL', 'BACKOFF', 'EXITED', 'UNKNOWN'];
  var ICONS = { RUNNING: '●', STARTING: '◔', BACKOFF: '↻', STOPPING: '◕', STOPPED: '■', EXITED: '▲', FATAL: '✖', UNKNOWN: '?' };
  var HOUR_S = 3600;
  var LOG_LIMIT = 1000000;

  // Helpers -------------------------------------------------------------------------------------

  function parseJson(text, fallback) {
    try { var v = JSON.parse(text || ''); return v !== null && typeof v === 'object' ? v : fallback; } catch (e) { return fallback; }
  }

  function has(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key); }

  /** The page language's text of an English key (the key itself when missing), {name} filled. */
  function tr(key, params) {
    var text = has(TEXTS, key) ? String(TEXTS[key]) : key;
    if (params) text = text.replace(/\{(\w+)\}/g, function (m, name) { return has(params, name) ? String(params[name]) : m; });
    return text;
  }

  /** A prefixed key's text (result:ok, reason:refused), else the bare value, never the prefix. */
  function trKind(prefix, value) {
    return has(TEXTS, prefix + value) ? String(TEXTS[prefix + value]) : String(value);
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function append(parent) {
    for (var i = 1; i < arguments.length; i += 1) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      parent.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
    }
    return parent;
  }

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function attrIs(name, value) { return '[' + name + '="' + CSS.escape(String(value)) + '"]'; }
  function enc(s) { return encodeURIComponent(String(s)); }

  function fmtDuration(seconds) {
    var sec = Math.max(0, Math.floor(Number(seconds) || 0));
    var d = Math.floor(sec / 86400), h = Math.floor((sec % 86400) / 3600), m = Math.floor((sec % 3600) / 60), s = sec % 60;
    function p2(n) { return String(n).padStart(2, '0'); }
    return (d > 0 ? d + 'd ' : '') + p2(h) + ':' + p2(m) + ':' + p2(s);
  }

  function fmtBytes(value) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    var v = Number(value) || 0, u = 0;
    while (v >= 1024 && u < units.length - 1) { v /= 1024; u += 1; }
    return (u === 0 ? String(v) : v.toFixed(v < 10 ? 1 : 0)) + ' ' + units[u];
  }

  /** Like partials/when.ejs: a <time> in UTC. */
  function timeEl(when) {
    var d = new Date(when);
    if (isNaN(d.getTime())) d = new Date();
    var iso = d.toISOString();
    var t = el('time', null, iso.replace('T', ' ').slice(0, 16));
    t.dateTime = iso;
    t.setAttribute('data-since', String(d.getTime()));
    t.title = iso.replace('T', ' ').slice(0, 19) + ' UTC';
    return t;
  }

  /** Like partials/state.ejs. */
  function badge(statename) {
    var b = el('span', 'badge s-' + String(statename).toLowerCase());
    var ico = el('span', 'ico', ICONS[statename] || '?');
    ico.setAttribute('aria-hidden', 'true');
    return append(b, ico, el('span', 'txt', statename));
  }

  /** Like partials/node-status.ejs, the status part (updated in place). */
  function paintNodeStatus(span, connected) {
    span.className = 'nodestatus ' + (connected ? 'up' : 'down');
    var ico = el('span', 'ico', connected ? '●' : '✖');
    ico.setAttribute('aria-hidden', 'true');
    span.replaceChildren(ico, el('span', 'txt', connected ? tr('Connected') : tr('Not connected')));
  }

  function nodeStatus(name, connected, failure) {
    var span = el('span');
    span.setAttribute('data-node-status', name);
    paintNodeStatus(span, connected);
    var frag = document.createDocumentFragment();
    frag.appendChild(span);
    if (!connected && failure) {
      var r = el('span', 'reason', trKind('reason:', failure.kind));
      r.setAttribute('data-node-reason', name);
      append(frag, ' ', r);
    }
    return frag;
  }

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } }).then(function (r) {
      if (!r.ok) throw new Error(url + ': ' + r.status);
      return r.json();
    });
  }

  // Process rows and the process page -----------------------------------------------------------

  var procHead = $('.pagehead.proc');

  /** The state that drives an element's uptime: its row's, or on the process page the header's. */
  function stateFor(node) {
    var holder = node.closest('[data-state]') || (PAGE === 'process' ? procHead : null);
    return holder ? holder.getAttribute('data-state') : '';
  }

  function findProcs(node, ns) {
    return $$('[data-node]' + attrIs('data-ns', ns)).filter(function (e) { return e.getAttribute('data-node') === node && e.id !== 'charts' && e.id !== 'log'; });
  }

  /** The element whose .c-pid/.c-up/.c-desc belong to a process element (the whole page on the process page). */
  function fieldsRoot(holder) { return holder === procHead ? document : holder; }

  var upBase = new WeakMap();

  function setUptime(cell, seconds, running, inTable) {
    cell.setAttribute('data-up', String(seconds));
    upBase.set(cell, { base: Number(seconds) || 0, at: performance.now() });
    cell.textContent = running ? fmtDuration(seconds) : (inTable ? '' : '—');
  }

  function paintProcess(holder, p) {
    var st = p.statename;
    var inTable = holder.tagName === 'TR';
    holder.setAttribute('data-state', st);
    holder.setAttribute('data-desc', p.description || '');
    var root = fieldsRoot(holder);
    var stCell = $('.c-state', holder);
    if (stCell) stCell.replaceChildren(badge(st));
    var pid = $('.c-pid', root);
    if (pid) pid.textContent = p.pid ? String(p.pid) : (inTable ? '' : '—');
    var up = $('.c-up', root);
    if (up) setUptime(up, p.uptime_seconds || 0, st === 'RUNNING', inTable);
    var desc = $('.c-desc', root);
    if (desc) desc.textContent = inTable ? (st === 'RUNNING' ? '' : p.description || '') : (p.description || '—');
    var valid = ACTIONS[st] || [];
    var cell = inTable ? $('td.c-act[data-base]', holder) : null;
    if (cell) paintRowButtons(cell, valid);
    else $$('button.act[data-verb]', holder).forEach(function (b) { b.hidden = valid.indexOf(b.getAttribute('data-verb')) < 0; });
  }

  function verbLabel(verb) {
    if (verb === 'start') return tr('Start');
    if (verb === 'stop') return tr('Stop');
    return tr('Restart');
  }

  /** A row carries only the buttons valid in its state (fewer elements on long pages): made as they become valid. */
  function paintRowButtons(cell, valid) {
    var base = cell.getAttribute('data-base');
    var have = {};
    $$('button.act[data-verb]', cell).forEach(function (b) { have[b.getAttribute('data-verb')] = b; });
    var buttons = valid.map(function (verb) {
      var b = have[verb];
      if (!b) {
        b = el('button', 'act', verbLabel(verb));
        b.setAttribute('formaction', base + '/' + verb);
        b.setAttribute('data-verb', verb);
      }
      return b;
    });
    cell.replaceChildren.apply(cell, buttons);
  }

  /** Process page: the new state on top of the history. */
  function addHistory(p) {
    var list = $('#history');
    if (!list) return;
    var li = append(el('li'), timeEl(p.changed_at || Date.now()), ' ', badge(p.statename), ' ', el('span', 'desc', p.description || ''));
    list.insertBefore(li, list.firstChild);
  }

  // Counts lists (ul[data-counts]) ---------------------------------------------------------------

  function countItem(ul, st, create) {
    var li = $('li' + attrIs('data-count', st), ul);
    if (li || !create) return li;
    li = el('li', 'count s-' + st.toLowerCase());
    li.setAttribute('data-count', st);
    append(li, el('span', 'n', '0'), ' ', el('span', 'l', st));
    var after = STATES.indexOf(st);
    var next = $$('li[data-count]', ul).find(function (x) { return STATES.indexOf(x.getAttribute('data-count')) > after; });
    ul.insertBefore(li, next || null);
    return li;
  }

  function bump(ul, st, delta) {
    if (!st) return;
    var li = countItem(ul, st, delta > 0);
    if (!li) return;
    var n = $('.n', li);
    var v = Math.max(0, (parseInt(n.textContent, 10) || 0) + delta);
    n.textContent = String(v);
    if (v === 0 && ALWAYS_COUNTED.indexOf(st) < 0) li.remove();
  }

  function fillCounts(ul, byState) {
    var items = [];
    STATES.forEach(function (st) {
      var n = byState[st] || 0;
      if (n === 0 && ALWAYS_COUNTED.indexOf(st) < 0) return;
      var li = el('li', 'count s-' + st.toLowerCase());
      li.setAttribute('data-count', st);
      items.push(append(li, el('span', 'n', String(n)), ' ', el('span', 'l', st)));
    });
    ul.replaceChildren.apply(ul, items);
  }

  /** Is `node` part of this counts list's scope (and is `group` the process's group)? */
  function inScope(ul, node, group) {
    var scope = ul.getAttribute('data-counts') || '';
    var i = scope.indexOf(':');
    var kind = i < 0 ? scope : scope.slice(0, i), name = i < 0 ? '' : scope.slice(i + 1);
    if (kind === 'node') return name === node;
    if (kind === 'group') return name === group;
    if (kind === 'env') {
      var box = ul.closest('[data-env]');
      if (box) return !!$(attrIs('data-node-status', node), box);
      return !!$('tbody' + attrIs('data-node', node));
    }
    return false;
  }

  function moveCount(node, group, from, to) {
    if (from === to) return;
    $$('ul[data-counts]').forEach(function (ul) {
      if (!inScope(ul, node, group)) return;
      bump(ul, from, -1);
      bump(ul, to, 1);
    });
  }

  // The page is out of date (a process appeared that the page cannot draw) --------------------

  var initialQuery = new URLSearchParams(location.search);
  var initiallyUnfiltered = !initialQuery.get('q') && !initialQuery.get('state');

  function showOutdated() {
    if ($('#outdated')) return;
    var p = el('p', 'notice');
    p.id = 'outdated';
    p.setAttribute('role', 'status');
    var a = el('a', null, tr('The page is out of date: reload it'));
    a.href = location.href;
    p.appendChild(a);
    var anchor = $('.tablewrap') || $('#main').firstChild;
    anchor.parentNode.insertBefore(p, anchor);
  }

  function showsProcessesOf(node, group) {
    if (!initiallyUnfiltered) return false;
    if (PAGE === 'node') return !!$('ul' + attrIs('data-counts', 'node:' + node));
    if (PAGE === 'environment') return !!$('tbody' + attrIs('data-node', node));
    if (PAGE === 'group') {
      var any = $('tr.proc');
      return !!$('tbody' + attrIs('data-node', node)) && !!any && any.getAttribute('data-ns').split(':')[0] === group;
    }
    return false;
  }

  // Live events ---------------------------------------------------------------------------------

  function onProcess(d) {
    var p = d.process || {};
    var st = p.statename;
    var els = findProcs(d.node, p.namespec);
    var from = d.from;
    if (els.length > 0 && !from) from = els[0].getAttribute('data-state');
    els.forEach(function (e) { paintProcess(e, p); });
    if (PAGE === 'process' && els.indexOf(procHead) >= 0) addHistory(p);
    if (PAGE === 'dashboard') { refreshSummary(); return; }
    moveCount(d.node, p.group, from, st);
    if (els.length === 0 && !d.from && showsProcessesOf(d.node, p.group)) showOutdated();
    refilter(els);
  }

  function onProcessRemoved(d) {
    if (PAGE === 'dashboard') { refreshSummary(); return; }
    findProcs(d.node, d.namespec).forEach(function (e) {
      if (e.tagName !== 'TR') return;
      moveCount(d.node, String(d.namespec).split(':')[0], e.getAttribute('data-state'), null);
      e.remove();
    });
    refilter([]);
  }

  function onNode(d) {
    var g = d.general || {};
    var connected = !!g.connected;
    $$('[data-node-status]').forEach(function (span) {
      if (span.getAttribute('data-node-status') !== d.node) return;
      paintNodeStatus(span, connected);
      var reason = span.parentNode ? $$('[data-node-reason]', span.parentNode).find(function (r) { return r.getAttribute('data-node-reason') === d.node; }) : null;
      if (connected || !g.failure) {
        if (reason) {
          var prev = reason.previousSibling;
          if (prev && prev.nodeType === 3 && prev.textContent === ' ') prev.remove();
          reason.remove();
        }
      } else {
        if (!reason) {
          reason = el('span', 'reason');
          reason.setAttribute('data-node-reason', d.node);
          span.after(' ', reason);
        }
        reason.textContent = trKind('reason:', g.failure.kind);
      }
    });
    $$('tbody[data-node]').forEach(function (tb) {
      if (tb.getAttribute('data-node') === d.node) tb.classList.toggle('stale', !connected);
    });
    if (PAGE === 'dashboard') refreshSummary();
  }

  function onStats(d) {
    var stats = d.stats || {};
    var rows = {};
    $$('tr.proc').forEach(function (r) { if (r.getAttribute('data-node') === d.node) rows[r.getAttribute('data-ns')] = r; });
    Object.keys(stats).forEach(function (ns) {
      var s = stats[ns] || {};
      var r = rows[ns];
      if (r) {
        var cpu = $('.c-cpu', r), mem = $('.c-mem', r);
        if (cpu) cpu.textContent = typeof s.cpuPercent === 'number' ? s.cpuPercent.toFixed(1) : '';
        if (mem) mem.textContent = s.rssBytes > 0 ? fmtBytes(s.rssBytes) : '';
        var health = $('.health', r);
        if (health) {
          health.hidden = s.health !== 'unhealthy';
          health.title = s.healthReason || '';
        }
      }
      if (charts && charts.node === d.node && charts.ns === ns && s.rssBytes > 0) charts.push(d.time, s.cpuPercent, s.rssBytes);
    });
  }

  function onRolling(job) {
    var box = $('#rolling');
    if (!box || box.getAttribute('data-job') !== job.id) return;
    var status = $('[data-job-status]', box);
    if (status) { status.className = 'job s-' + job.status; status.textContent = tr(job.status); }
    var stopped = $('[data-job-stopped]', box);
    if (stopped) {
      stopped.hidden = !job.stopped_at;
      if (job.stopped_at) stopped.textContent = tr('stopped at {node}', { node: job.stopped_at });
    }
    (job.steps || []).forEach(function (st) {
      var li = $$('li[data-step-node]', box).find(function (x) { return x.getAttribute('data-step-node') === st.node; });
      if (!li) return;
      li.className = 'step s-' + st.status;
      var s = $('[data-step-status]', li);
      if (s) { s.className = 'job s-' + st.status; s.textContent = tr(st.status); }
      var list = $('[data-step-results]', li);
      if (list) {
        list.replaceChildren.apply(list, (st.results || []).map(function (r) {
          var mark = el('span', null, r.ok ? '✔' : '✖');
          mark.setAttribute('aria-hidden', 'true');
          return append(el('li', r.ok ? 'ok' : 'bad'), mark, ' ' + r.process + (r.ok ? '' : ': ' + (r.fault || '')));
        }));
      }
    });
  }

  function onActivity(e) {
    var list = $('#activity');
    if (PAGE !== 'dashboard' || !list) return;
    var li = el('li', 'r-' + e.result);
    append(li, timeEl(e.time), ' ', el('b', null, e.user || '—'), ' ', el('span', 'action', e.action));
    if (e.target) append(li, ' ', el('span', 'target', e.target));
    if (e.node && e.node !== e.target) append(li, ' ', el('span', 'on', '@ ' + e.node));
    append(li, ' ', el('span', 'result', trKind('result:', e.result)));
    if (e.detail) append(li, ' ', el('span', 'detail', e.detail));
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 12) list.lastElementChild.remove();
  }

  // Dashboard: the summary, re-read after changes -----------------------------------------------

  var summaryTimer = 0;
  var lastProblems = '';

  function refreshSummary() {
    if (summaryTimer) return;
    summaryTimer = setTimeout(function () {
      summaryTimer = 0;
      getJson('/api/v2/summary/').then(paintSummary).catch(function () { /* the next event tries again */ });
    }, 300);
  }

  function setSum(key, v) { $$('[data-sum="' + key + '"]').forEach(function (e) { e.textContent = String(v); }); }

  function paintSummary(s) {
    var c = s.counts || {};
    setSum('connected', c.connected);
    setSum('nodes', c.nodes);
    setSum('processes', c.processes);
    var fleet = $('ul[data-counts="fleet"]');
    if (fleet) fillCounts(fleet, c.byState || {});
    (s.environments || []).forEach(function (env) {
      var ul = $('ul' + attrIs('data-counts', 'env:' + env.name));
      if (ul) fillCounts(ul, env.counts.byState || {});
      var row = $('tr' + attrIs('data-env', env.name));
      var cell = row ? row.cells[1] : null;
      if (cell) {
        cell.className = env.counts.connected < env.counts.nodes ? 'warn' : '';
        cell.textContent = env.counts.connected + ' / ' + env.counts.nodes;
      }
    });
    var none = $('ul[data-counts="none"]');
    if (none && s.unassigned) fillCounts(none, s.unassigned.byState || {});
    var key = JSON.stringify([s.down, s.problems]);
    if (key !== lastProblems) { lastProblems = key; paintProblems(s.down || [], s.problems || []); }
  }

  function paintProblems(down, problems) {
    var box = $('#problems');
    if (!box) return;
    var keep = $('h2', box);
    var parts = [];
    if (down.length === 0 && problems.length === 0) {
      var mark = el('span', null, '✔');
      mark.setAttribute('aria-hidden', 'true');
      parts.push(append(el('p', 'empty good'), mark, ' ' + tr('All nodes connected, no process in FATAL, BACKOFF or EXITED.')));
    }
    if (down.length > 0) {
      var ul = el('ul', 'downlist');
      down.forEach(function (n) {
        var a = el('a', null, n.name);
        a.href = '/nodes/' + enc(n.name);
        var since = append(el('span', 'since', tr('since') + ' '), timeEl(n.since));
        ul.appendChild(append(el('li'), a, ' ', nodeStatus(n.name, false, n.failure), ' ', since));
      });
      parts.push(ul);
    }
    if (problems.length > 0) {
      var tbody = el('tbody');
      problems.forEach(function (p) {
        var a = el('a', null, p.namespec);
        a.href = '/nodes/' + enc(p.node) + '/processes/' + enc(p.namespec);
        tbody.appendChild(append(el('tr'), append(el('td'), badge(p.statename)),
          append(el('td'), a, ' ', el('span', 'on', '@ ' + p.node)), el('td', 'desc', p.description)));
      });
      parts.push(append(el('table', 'plain'), tbody));
    }
    box.replaceChildren.apply(box, (keep ? [keep] : []).concat(parts));
  }

  // The event stream ----------------------------------------------------------------------------

  var live = $('#live');

  function setLive(on) {
    if (!live) return;
    var text = on ? tr('Live') : tr('Reconnecting…');
    if (live.textContent !== text) live.textContent = text;
    live.classList.toggle('on', on);
    live.classList.toggle('off', !on);
    live.hidden = false;
  }

  function handler(fn) {
    return function (ev) {
      if (ev.lastEventId) lastEventId = ev.lastEventId;
      var data;
      try { data = JSON.parse(ev.data); } catch (e) { return; }
      try { fn(data); } catch (e) { if (window.console) console.warn('hub.js: ' + ev.type + ': ' + e); }
    };
  }

  // The page may say which event it was drawn after: then nothing between drawing and listening is lost.
  var lastEventId = body.getAttribute('data-event-id') || '';
  var stream = null;
  var retryMs = 2000;

  function openStream() {
    var url = '/api/v2/events/' + (lastEventId ? '?lastEventId=' + enc(lastEventId) : '');
    var es = new EventSource(url);
    stream = es;
    es.addEventListener('open', function () { retryMs = 2000; setLive(true); });
    es.addEventListener('error', function () {
      setLive(false);
      // The browser retries by itself after network errors; after a refusal (an HTTP error) it
      // gives up, so we start again later, asking for what we missed.
      if (es.readyState === EventSource.CLOSED && stream === es) {
        stream = null;
        setTimeout(openStream, retryMs);
        retryMs = Math.min(retryMs * 2, 60000);
      }
    });
    es.addEventListener('reset', function () { location.reload(); });
    es.addEventListener('hello', handler(function () { /* nothing to do */ }));
    es.addEventListener('process', handler(onProcess));
    es.addEventListener('process_removed', handler(onProcessRemoved));
    es.addEventListener('node', handler(onNode));
    es.addEventListener('stats', handler(onStats));
    es.addEventListener('rolling', handler(onRolling));
    es.addEventListener('activity', handler(onActivity));
  }

  // Uptimes tick --------------------------------------------------------------------------------

  function tick() {
    var now = performance.now();
    $$('.c-up[data-up]').forEach(function (cell) {
      if (stateFor(cell) !== 'RUNNING') return;
      var b = upBase.get(cell);
      if (!b) { b = { base: Number(cell.getAttribute('data-up')) || 0, at: now }; upBase.set(cell, b); }
      var up = Math.floor(b.base + (now - b.at) / 1000);
      cell.setAttribute('data-up', String(up));
      var text = fmtDuration(up);
      if (cell.textContent !== text) cell.textContent = text;
    });
  }

  // Filters -------------------------------------------------------------------------------------

  var procTable = $('table.procs[data-filterable]');
  var qInput = $('input[data-filter="q"]');
  var stateSelect = $('select[data-filter="state"]');
  var rowsInput = $('input[data-filter="rows"]');
  /** The "No process matches" paragraph after the table (the server's, when it wrote one). */
  var noMatch = (function () {
    var sib = procTable ? (procTable.closest('.tablewrap') || procTable).nextElementSibling : null;
    for (var i = 0; i < 2 && sib; i += 1, sib = sib.nextElementSibling) if (sib.matches('p.empty')) return sib;
    return null;
  })();

  function rowMatches(row, q, st) {
    var state = row.getAttribute('data-state');
    if (st === 'problems' ? PROBLEMS.indexOf(state) < 0 : st !== '' && state !== st) return false;
    if (q === '') return true;
    var desc = row.hasAttribute('data-desc') ? row.getAttribute('data-desc') : ($('.c-desc', row) || { textContent: '' }).textContent;
    return [row.getAttribute('data-ns'), row.getAttribute('data-node'), desc].some(function (s) { return String(s || '').toLowerCase().indexOf(q) >= 0; });
  }

  function currentFilter() {
    return { q: qInput ? qInput.value.trim().toLowerCase() : '', st: stateSelect ? stateSelect.value : '' };
  }

  function filterRow(row, f) {
    var ok = rowMatches(row, f.q, f.st);
    if (row.hidden !== !ok) row.hidden = !ok;
    // A hidden row's checkbox is not sent, but keeps its tick for when it shows again.
    var box = $('input[type="checkbox"]', row);
    if (box) box.disabled = !ok;
  }

  /** What depends on the rows shown: node heads, the "no match" line, the selection. */
  function afterFilter() {
    var shown = 0;
    Array.prototype.forEach.call(procTable.tBodies, function (tb) {
      var n = tb.querySelectorAll('tr.proc:not([hidden])').length;
      var head = $('tr.nodehead', tb);
      if (head) head.hidden = n === 0;
      shown += n;
    });
    if (shown === 0 && !noMatch && $$('tr.proc', procTable).length > 0) {
      noMatch = el('p', 'empty', tr('No process matches'));
      var after = procTable.closest('.tablewrap') || procTable;
      if (after.nextElementSibling && after.nextElementSibling.classList.contains('note')) after = after.nextElementSibling;
      after.after(noMatch);
    }
    if (noMatch) noMatch.hidden = shown > 0;
    updateSelection();
  }

  function applyFilters() {
    if (!procTable) return;
    var f = currentFilter();
    $$('tr.proc', procTable).forEach(function (row) { filterRow(row, f); });
    afterFilter();
  }

  var refilterTimer = 0;

  /** After live changes: only the changed rows are matched again; the rest once per burst. */
  function refilter(rowsChanged) {
    if (!procTable) return;
    var f = currentFilter();
    rowsChanged.forEach(function (row) { if (row.tagName === 'TR') filterRow(row, f); });
    if (!refilterTimer) refilterTimer = setTimeout(function () { refilterTimer = 0; afterFilter(); }, 50);
  }

  function syncUrl(values) {
    var url = new URL(location.href);
    var before = url.pathname + url.search;
    Object.keys(values).forEach(function (k) {
      if (values[k]) url.searchParams.set(k, values[k]); else url.searchParams.delete(k);
    });
    var after = url.pathname + url.search;
    if (after === before) return;
    history.replaceState(history.state, '', url.href);
    // Forms come back to where they were sent from: now the filtered address.
    $$('input[type="hidden"][name="back"]').forEach(function (i) { if (i.value === before) i.value = after; });
  }

  function onProcFilter() {
    applyFilters();
    syncUrl({ q: qInput ? qInput.value.trim() : '', state: stateSelect ? stateSelect.value : '' });
  }

  function applyRowFilter() {
    var q = rowsInput.value.trim().toLowerCase();
    $$('table[data-filterable] tbody tr[data-text]').forEach(function (row) {
      row.hidden = q !== '' && row.getAttribute('data-text').indexOf(q) < 0;
    });
    syncUrl({ q: rowsInput.value.trim() });
  }

  // Selection and the bulk bar ------------------------------------------------------------------

  var bulk = $('#bulk');
  var selAll = $('.sel-all');

  function boxes() { return $$('input[type="checkbox"][name="select"]'); }

  function updateSelection() {
    if (!bulk) return;
    var usable = boxes().filter(function (b) { return !b.disabled; });
    var n = usable.filter(function (b) { return b.checked; }).length;
    $$('[data-selected-count]').forEach(function (e) { e.textContent = String(n); });
    $$('button[data-bulk-apply]', bulk).forEach(function (b) { b.disabled = n === 0; });
    if (selAll) {
      selAll.checked = n > 0 && n === usable.length;
      selAll.indeterminate = n > 0 && n < usable.length;
    }
  }

  // Log follow and wrap -------------------------------------------------------------------------

  var log = $('#log');
  var followBtn = $('#follow');
  var wrapBox = $('#wrap');
  var follow = null;
  var logSize = log ? log.textContent.length : 0;

  function nearBottom() { return log.scrollHeight - log.scrollTop - log.clientHeight < 32; }

  function trimLog() {
    if (logSize <= LOG_LIMIT) return;
    var target = Math.floor(LOG_LIMIT * 0.8);
    while (logSize > target && log.firstChild) {
      var len = log.firstChild.textContent.length;
      logSize -= len;
      log.firstChild.remove();
    }
    // Start at a line boundary.
    var first = log.firstChild;
    if (first && first.nodeType === 3) {
      var nl = first.textContent.indexOf('\n');
      if (nl >= 0) { logSize -= nl + 1; first.textContent = first.textContent.slice(nl + 1); }
    }
  }

  function logLine(cls, text) {
    var last = log.lastChild;
    var prefix = last && !/\n$/.test(last.textContent) ? '\n' : '';
    var s = el('span', cls, prefix + text + '\n');
    log.appendChild(s);
    logSize += s.textContent.length;
  }

  function startFollow() {
    var off = Number(log.getAttribute('data-offset'));
    var url = '/api/v2/nodes/' + enc(log.getAttribute('data-node')) + '/processes/' + enc(log.getAttribute('data-ns')) +
      '/log/' + enc(log.getAttribute('data-channel')) + '/stream/?' + (off >= 0 ? 'offset=' + enc(off) + '&' : '') + 'format=html';
    var es = new EventSource(url);
    follow = es;
    es.addEventListener('log', function (ev) {
      var d;
      try { d = JSON.parse(ev.data); } catch (e) { return; }
      var stick = nearBottom();
      if (d.overflow) logLine('gap', tr('Log truncated: older output was skipped'));
      if (d.html) { log.insertAdjacentHTML('beforeend', d.html); logSize += (d.text || '').length; }
      if (typeof d.offset === 'number') log.setAttribute('data-offset', String(d.offset));
      trimLog();
      if (stick) log.scrollTop = log.scrollHeight;
    });
    es.addEventListener('failure', function (ev) {
      // The server could not read the log this time (the node is down ...); it tries again.
      var msg = parseJson(ev.data, {}).message;
      if (msg) { var stick = nearBottom(); logLine('gap', String(msg)); if (stick) log.scrollTop = log.scrollHeight; }
    });
    es.addEventListener('error', function () {
      // Reconnect from where we are, not from the offset the stream was opened with.
      es.close();
      if (follow === es) { follow = null; setTimeout(function () { if (followBtn.getAttribute('aria-pressed') === 'true' && follow === null) startFollow(); }, 3000); }
    });
    followBtn.setAttribute('aria-pressed', 'true');
    followBtn.textContent = tr('Stop following');
  }

  function stopFollow() {
    if (follow) follow.close();
    follow = null;
    followBtn.setAttribute('aria-pressed', 'false');
    followBtn.textContent = tr('Follow');
  }

  // Charts --------------------------------------------------------------------------------------

  var charts = null;

  function cssVar(name, fallback) {
    var v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return v || fallback;
  }

  function withAlpha(color, alpha) {
    var m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
    if (!m) return color;
    var h = m[1].length === 3 ? m[1].replace(/(.)/g, '$1$1') : m[1];
    return 'rgba(' + parseInt(h.slice(0, 2), 16) + ',' + parseInt(h.slice(2, 4), 16) + ',' + parseInt(h.slice(4, 6), 16) + ',' + alpha + ')';
  }

  function clockLabel(sec) {
    var d = new Date(sec * 1000);
    return String(d.getHours()).padStart(2, '0') + ':' + String(d.getMinutes()).padStart(2, '0');
  }

  function setupCharts(box) {
    var node = box.getAttribute('data-node'), ns = box.getAttribute('data-ns');
    var data = { t: [], cpu: [], mem: [] };
    var plots = [];
    var empty = null;
    var state = { node: node, ns: ns, push: push };

    function showEmpty() {
      if (empty) return;
      empty = el('p', 'empty', tr('No data yet'));
      box.appendChild(empty);
    }

    function axis(colors) {
      return { stroke: colors.muted, grid: { stroke: colors.line, width: 1 }, ticks: { stroke: colors.line, width: 1 } };
    }

    function build() {
      if (empty) { empty.remove(); empty = null; }
      var colors = { accent: cssVar('--accent', '#1d4ed8'), ok: cssVar('--ok', '#166534'), muted: cssVar('--muted', '#57606a'), line: cssVar('--line', '#d8dee4'), text: cssVar('--text', '#1b1f24') };
      var defs = [
        { title: tr('CPU %'), key: 'cpu', color: colors.accent, value: function (u, v) { return v === null || v === undefined ? '—' : v.toFixed(1) + ' %'; } },
        { title: tr('Memory') + ' (MiB)', key: 'mem', color: colors.ok, value: function (u, v) { return v === null || v === undefined ? '—' : v.toFixed(1) + ' MiB'; } },
      ];
      defs.forEach(function (def) {
        var wrap = el('div', 'chart');
        var h = el('h3', null, def.title);
        var area = el('div', 'plot');
        append(wrap, h, area);
        box.appendChild(wrap);
        var width = Math.max(200, area.clientWidth || wrap.clientWidth || 300);
        var u = new window.uPlot({
          width: width, height: 170,
          legend: { show: true, live: true },
          cursor: { drag: { x: false, y: false } },
          scales: {
            // From the first sample (at least five minutes wide) up to the last hour: a chart
            // opened a minute after the hub started is not a thin line at its right edge.
            x: { time: true, range: function (self, min, max) {
              var hi = Math.max(Date.now() / 1000, max || 0);
              var first = data.t.length ? data.t[0] : hi;
              return [Math.max(hi - HOUR_S, Math.min(first, hi - 300)), hi];
            } },
            y: { range: function (self, min, max) { return [0, Math.max(def.key === 'cpu' ? 1 : 1, (max || 0) * 1.15)]; } },
          },
          // One line of HH:MM per tick, spaced so labels never overlap (uPlot's default adds a
          // second line with the date, which collides at this width).
          axes: [Object.assign(axis(colors), { space: 64, incrs: [60, 120, 300, 600, 900, 1800, 3600], values: function (u, splits) { return splits.map(clockLabel); } }),
            Object.assign(axis(colors), { size: 48 })],
          series: [{}, { label: def.title, stroke: def.color, width: 1.5, fill: withAlpha(def.color, 0.15), value: def.value, spanGaps: false, points: { show: false } }],
        }, [data.t, data[def.key]], area);
        u.root.setAttribute('aria-hidden', 'true');
        plots.push({ u: u, area: area, key: def.key });
      });
      if (window.ResizeObserver) {
        var ro = new ResizeObserver(function () {
          plots.forEach(function (p) {
            var w = Math.floor(p.area.clientWidth);
            if (w > 0 && Math.abs(w - p.u.width) > 1) p.u.setSize({ width: w, height: 170 });
          });
        });
        plots.forEach(function (p) { ro.observe(p.area); });
      }
    }

    function redraw() { plots.forEach(function (p) { p.u.setData([data.t, data[p.key]]); }); }

    function push(timeMs, cpu, rssBytes) {
      var t = timeMs / 1000;
      if (data.t.length > 0 && t <= data.t[data.t.length - 1]) return;
      data.t.push(t);
      data.cpu.push(typeof cpu === 'number' ? cpu : null);
      data.mem.push(rssBytes / 1048576);
      var cut = 0;
      while (cut < data.t.length && data.t[cut] < t - HOUR_S) cut += 1;
      if (cut > 0) { data.t.splice(0, cut); data.cpu.splice(0, cut); data.mem.splice(0, cut); }
      if (plots.length === 0) build(); else redraw();
    }

    getJson('/api/v2/nodes/' + enc(node) + '/processes/' + enc(ns) + '/stats/').then(function (r) {
      var s = r.series || { t: [], cpu: [], rss: [] };
      // Points that arrived from the stream meanwhile come after the ones read here.
      var later = { t: data.t, cpu: data.cpu, mem: data.mem };
      data = { t: [], cpu: [], mem: [] };
      for (var i = 0; i < s.t.length; i += 1) {
        data.t.push(s.t[i] / 1000);
        data.cpu.push(s.cpu[i] === null || s.cpu[i] === undefined ? null : s.cpu[i]);
        data.mem.push((s.rss[i] || 0) / 1048576);
      }
      for (var j = 0; j < later.t.length; j += 1) {
        if (data.t.length === 0 || later.t[j] > data.t[data.t.length - 1]) { data.t.push(later.t[j]); data.cpu.push(later.cpu[j]); data.mem.push(later.mem[j]); }
      }
      if (data.t.length === 0) showEmpty();
      else if (plots.length === 0) build();
      else redraw();
    }).catch(function () { if (plots.length === 0) showEmpty(); });

    return state;
  }

  // Wiring --------------------------------------------------------------------------------------

  if (procTable) {
    if (qInput) qInput.addEventListener('input', onProcFilter);
    if (stateSelect) stateSelect.addEventListener('change', onProcFilter);
    applyFilters();
  }
  if (rowsInput) rowsInput.addEventListener('input', applyRowFilter);

  if (bulk) {
    if (selAll) {
      selAll.addEventListener('change', function () {
        boxes().forEach(function (b) {
          var row = b.closest('tr');
          if (!b.disabled && !(row && row.hidden)) b.checked = selAll.checked;
        });
        updateSelection();
      });
    }
    document.addEventListener('change', function (ev) {
      var t = ev.target;
      if (t && t.matches && t.matches('input[type="checkbox"][name="select"]')) updateSelection();
    });
    updateSelection();
  }

  document.addEventListener('click', function (ev) {
    var btn = ev.target && ev.target.closest ? ev.target.closest('button[data-confirm]') : null;
    if (!btn || btn.disabled) return;
    var text = btn.getAttribute('data-confirm') || tr('Really do this to every selected process?');
    if (!window.confirm(text)) ev.preventDefault();
  });

  if (log && followBtn) {
    followBtn.hidden = false;
    followBtn.textContent = tr('Follow');
    followBtn.addEventListener('click', function () { if (followBtn.getAttribute('aria-pressed') === 'true') stopFollow(); else startFollow(); });
    window.addEventListener('pagehide', function () { if (follow) follow.close(); });
  }
  if (log) log.scrollTop = log.scrollHeight;
  if (log && wrapBox) {
    wrapBox.hidden = false;
    var wrapText = wrapBox.parentNode ? $('span', wrapBox.parentNode) : null;
    if (wrapText) wrapText.hidden = false;
    wrapBox.checked = log.classList.contains('wrap');
    wrapBox.addEventListener('change', function () { log.classList.toggle('wrap', wrapBox.checked); });
  }

  var chartBox = $('#charts');
  if (chartBox && window.uPlot) charts = setupCharts(chartBox);

  if (body.getAttribute('data-live') === '1' && window.EventSource && PAGE !== 'login' && PAGE !== 'password' && $('.mainnav')) {
    openStream();
    setInterval(tick, 1000);
    window.addEventListener('pageshow', function (ev) { if (ev.persisted) location.reload(); });
  }
})();
