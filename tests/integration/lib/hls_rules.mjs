// The rules of rfc8216bis-22 (§4, §6) and Apple's HLS authoring spec that a player relies on,
// checked mechanically on every playlist a test reads. Each check returns a list of violations
// (strings naming the rule); an empty list means the playlist passed.
//
//   checkMediaPlaylist(text)           one media playlist on its own
//   PlaylistHistory.add(text)          the same rendition across reloads
//   checkSiblings(playlists)           the renditions of one stream side by side
//   checkMultivariant(text)            the multivariant playlist
//   Checker                            all of the above for one stream, fed by URL + text

const EPS = 0.0005; // playlists print durations with 3 decimals

function attrs(s) {
  const out = {};
  const re = /([A-Z0-9-]+)=("[^"]*"|[^,]*)/g;
  for (let m; (m = re.exec(s)); ) out[m[1]] = m[2].startsWith('"') ? m[2].slice(1, -1) : m[2];
  return out;
}

// A media playlist as a tree: segments (complete ones have `uri`), each with its parts, plus
// the trailing parts of the open segment.
export function parseMediaPlaylist(text) {
  const lines = text.split('\n');
  const p = {
    lines, tags: {}, version: null, versionCount: 0, targetDuration: null, partTarget: null,
    serverControl: null, mediaSequence: 0, mediaSequenceSeen: false, discontinuitySequence: 0,
    skipped: 0, segments: [], preloadHints: [], reports: [], endlist: false, order: [],
  };
  let cur = null; // the segment being built
  const fresh = () => ({ parts: [], tagsBeforeFirstPart: [], tagsAfterFirstPart: [], gap: false,
    discontinuity: false, map: null, pdt: null });
  let map = null;
  for (const raw of lines) {
    const l = raw.trim();
    if (!l) continue;
    if (!l.startsWith('#')) {
      // A segment URI closes the segment.
      cur ??= fresh();
      cur.uri = l;
      cur.map = map;
      p.segments.push(cur);
      cur = null;
      continue;
    }
    const colon = l.indexOf(':');
    const name = colon < 0 ? l : l.slice(0, colon);
    const value = colon < 0 ? '' : l.slice(colon + 1);
    p.order.push(name);
    p.tags[name] = (p.tags[name] ?? 0) + 1;
    const segTag = () => { cur ??= fresh(); return cur; };
    switch (name) {
      case '#EXT-X-VERSION': p.version = Number(value); p.versionCount++; break;
      case '#EXT-X-TARGETDURATION': p.targetDuration = Number(value); break;
      case '#EXT-X-PART-INF': p.partTarget = Number(attrs(value)['PART-TARGET']); break;
      case '#EXT-X-SERVER-CONTROL': p.serverControl = attrs(value); p.serverControlText = value; break;
      case '#EXT-X-MEDIA-SEQUENCE':
        p.mediaSequence = Number(value); p.mediaSequenceSeen = true;
        p.mediaSequenceAfterSegment = p.segments.length > 0 || cur !== null; break;
      case '#EXT-X-DISCONTINUITY-SEQUENCE':
        p.discontinuitySequence = Number(value);
        p.dsAfterSegment = p.segments.length > 0 || cur !== null; break;
      case '#EXT-X-SKIP': p.skipped = Number(attrs(value)['SKIPPED-SEGMENTS']); break;
      case '#EXT-X-ENDLIST': p.endlist = true; break;
      case '#EXT-X-PRELOAD-HINT': p.preloadHints.push(attrs(value)); break;
      case '#EXT-X-RENDITION-REPORT': p.reports.push(attrs(value)); break;
      case '#EXT-X-MAP': { map = attrs(value).URI; const s = segTag(); s.map = map;
        (s.parts.length ? s.tagsAfterFirstPart : s.tagsBeforeFirstPart).push(name); break; }
      case '#EXT-X-DISCONTINUITY': case '#EXT-X-PROGRAM-DATE-TIME': {
        const s = segTag();
        if (name === '#EXT-X-DISCONTINUITY') s.discontinuity = true;
        else s.pdt = Date.parse(value);
        (s.parts.length ? s.tagsAfterFirstPart : s.tagsBeforeFirstPart).push(name);
        break;
      }
      case '#EXT-X-GAP': segTag().gap = true; break;
      case '#EXTINF': segTag().duration = parseFloat(value); break;
      case '#EXT-X-PART': {
        const a = attrs(value);
        segTag().parts.push({ duration: Number(a.DURATION), uri: a.URI,
          independent: a.INDEPENDENT === 'YES', gap: a.GAP === 'YES' });
        break;
      }
      default: break;
    }
  }
  p.open = cur && cur.parts.length ? cur : null;
  // Media sequence numbers and discontinuity sequence numbers of each segment.
  let ds = p.discontinuitySequence;
  const all = p.open ? [...p.segments, p.open] : p.segments;
  all.forEach((s, i) => {
    s.msn = p.mediaSequence + p.skipped + i;
    if (s.discontinuity) ds++;
    s.ds = ds;
  });
  p.all = all;
  p.lastMsn = all.length ? all[all.length - 1].msn : null;
  return p;
}

// `vfr`: the source has a variable frame rate (a browser's WebRTC encoder drops frames under
// load and stalls for 100 ms and more). Parts hold whole frames, so when one frame lasts more
// than 15 % of PART-TARGET no cut may land in [85 %, 100 %] of it: the 85 % floor is then not
// checked. Every other rule is.
export function checkMediaPlaylist(text, { vfr = false } = {}) {
  const v = [];
  const p = parseMediaPlaylist(text);
  const fail = (rule, what) => v.push(`${rule}: ${what}`);
  if (p.lines[0] !== '#EXTM3U') fail('§4.4.1.1', 'the first line is not #EXTM3U');
  if (p.versionCount !== 1) fail('§4.4.1.2', `${p.versionCount} EXT-X-VERSION tags`);
  if (p.tags['#EXT-X-MAP'] && p.version < 6) fail('§8', 'EXT-X-MAP needs version 6');
  if (p.tags['#EXT-X-SKIP'] && p.version < 9) fail('§8', 'EXT-X-SKIP needs version 9');
  if (p.targetDuration === null || p.tags['#EXT-X-TARGETDURATION'] !== 1) {
    fail('§4.4.3.1', 'exactly one EXT-X-TARGETDURATION');
  }
  if (!p.mediaSequenceSeen && p.segments.length) { /* 0 by default: allowed */ }
  if (p.mediaSequenceAfterSegment) fail('§4.4.3.2', 'EXT-X-MEDIA-SEQUENCE after a segment');
  if (p.dsAfterSegment) fail('§4.4.3.3', 'EXT-X-DISCONTINUITY-SEQUENCE after a segment');
  const td = p.targetDuration ?? 0;
  for (const s of p.segments) {
    if (!(s.duration > 0)) fail('§4.4.4.1', `segment ${s.msn} has no EXTINF duration`);
    if (Math.round(s.duration) > td) {
      fail('§4.4.3.1', `EXTINF ${s.duration} of ${s.msn} rounds above TARGETDURATION ${td}`);
    }
  }
  const hasParts = p.all.some((s) => s.parts.length);
  if (hasParts) {
    const pt = p.partTarget;
    if (!(pt > 0)) fail('§4.4.3.7', 'parts without EXT-X-PART-INF');
    const sc = p.serverControl ?? {};
    if (sc['CAN-BLOCK-RELOAD'] !== 'YES') fail('§4.4.3.8', 'LL-HLS without CAN-BLOCK-RELOAD=YES');
    const phb = Number(sc['PART-HOLD-BACK']);
    if (!(phb >= 2 * pt - EPS)) fail('§4.4.3.8', `PART-HOLD-BACK ${phb} < 2 × PART-TARGET`);
    if (sc['CAN-SKIP-UNTIL'] !== undefined && Number(sc['CAN-SKIP-UNTIL']) < 6 * td) {
      fail('§4.4.3.8', `CAN-SKIP-UNTIL ${sc['CAN-SKIP-UNTIL']} < 6 × TD`);
    }
    if (sc['HOLD-BACK'] !== undefined && Number(sc['HOLD-BACK']) < 3 * td) {
      fail('§4.4.3.8', 'HOLD-BACK < 3 × TD');
    }
    // Where each part starts, from the end of the playlist.
    let end = 0;
    for (const s of p.all) end += s.uri ? s.duration : s.parts.reduce((a, x) => a + x.duration, 0);
    let t = 0;
    for (const s of p.all) {
      let pt0 = t;
      s.parts.forEach((part, i) => {
        const last = i === s.parts.length - 1;
        const nextGap = s.parts[i + 1]?.gap;
        if (part.duration > pt + EPS / 10) {
          fail('§4.4.4.9', `part ${s.msn}.${i} lasts ${part.duration} > PART-TARGET ${pt}`);
        }
        const segmentsLast = last && s.uri; // the last part of a complete segment
        if (!vfr && part.duration < 0.85 * pt - EPS && !part.independent && !part.gap && !nextGap &&
            !segmentsLast && !(last && s === p.open)) {
          fail('§4.4.4.9', `part ${s.msn}.${i} lasts ${part.duration} < 85% of PART-TARGET`);
        }
        if (!part.uri) fail('§4.4.4.9', `part ${s.msn}.${i} has no URI`);
        if (end - pt0 > 3 * td + 0.002) {
          fail('§6.2.2', `part ${s.msn}.${i} starts ${(end - pt0).toFixed(3)} s from the end, more than 3 × TD`);
        }
        pt0 += part.duration;
      });
      if (s.parts.length && s.tagsAfterFirstPart.length) {
        fail('§4.4.4.9', `${s.tagsAfterFirstPart.join(',')} after a PART of segment ${s.msn}`);
      }
      if (s.parts.some((x) => x.gap) && s.uri && !s.gap) {
        fail('§4.4.4.9', `segment ${s.msn} has a GAP part but no EXT-X-GAP`);
      }
      if (s.uri && s.parts.length) {
        const sum = s.parts.reduce((a, x) => a + x.duration, 0);
        if (Math.abs(sum - s.duration) > 0.002 * s.parts.length) {
          fail('§4.4.4.9', `segment ${s.msn}: parts sum to ${sum.toFixed(3)}, EXTINF ${s.duration}`);
        }
      }
      // App. B.1: an independent frame at the start of every segment with media.
      if (s.parts.length && !s.parts[0].gap && !s.parts[0].independent && !s.gap) {
        fail('App. B.1', `segment ${s.msn} does not start with an INDEPENDENT part`);
      }
      t += s.uri ? s.duration : s.parts.reduce((a, x) => a + x.duration, 0);
    }
    const partHints = p.preloadHints.filter((h) => h.TYPE === 'PART');
    if (partHints.length > 1) fail('§4.4.5.3', 'more than one PRELOAD-HINT of TYPE=PART');
    if (p.endlist && p.preloadHints.length) fail('§4.4.5.3', 'PRELOAD-HINT with ENDLIST');
    for (const r of p.reports) {
      if (!r.URI || r['LAST-MSN'] === undefined) fail('§4.4.5.4', 'RENDITION-REPORT without URI or LAST-MSN');
    }
  }
  // §6.2.2: never shorter than 3 × TD once segments have been removed from its head.
  const duration = p.segments.reduce((a, s) => a + s.duration, 0);
  if (p.mediaSequence > 0 && !p.skipped && duration < 3 * td - EPS) {
    fail('§6.2.2', `${duration.toFixed(3)} s of segments < 3 × TD after removing some`);
  }
  // PROGRAM-DATE-TIME follows the durations within a period.
  for (let i = 1; i < p.all.length; i++) {
    const a = p.all[i - 1];
    const b = p.all[i];
    if (a.pdt == null || b.pdt == null || b.discontinuity || !a.uri) continue;
    const drift = Math.abs(b.pdt - (a.pdt + a.duration * 1000));
    if (drift > 100) fail('§4.4.4.6', `PROGRAM-DATE-TIME of ${b.msn} is ${drift} ms off its predecessor's end`);
  }
  return v;
}

// One rendition across reloads: playlists only grow at the end and lose segments at the head,
// and what was listed never changes (§6.2.1, §6.2.2).
export class PlaylistHistory {
  constructor() { this.segments = new Map(); this.last = null; }

  // `blocking`: the playlist answers a blocking reload (_HLS_msn): it may come late (a cache may
  // keep it, App. B), so it is checked for what it lists but not for being the newest.
  add(text, { blocking = false } = {}) {
    const v = [];
    const fail = (rule, what) => v.push(`${rule}: ${what}`);
    const p = parseMediaPlaylist(text);
    const prev = blocking ? null : this.last;
    if (prev) {
      if (p.targetDuration !== prev.targetDuration) {
        fail('§6.2.1', `TARGETDURATION changed ${prev.targetDuration} → ${p.targetDuration}`);
      }
      if (p.partTarget !== prev.partTarget) fail('§6.2.1', 'PART-TARGET changed');
      if ((p.serverControlText ?? '') !== (prev.serverControlText ?? '')) {
        fail('§6.2.1', 'SERVER-CONTROL changed');
      }
      if (p.mediaSequence < prev.mediaSequence) fail('§6.2.1', 'MEDIA-SEQUENCE went down');
      if (p.discontinuitySequence < prev.discontinuitySequence) {
        fail('§6.2.1', 'DISCONTINUITY-SEQUENCE went down');
      }
      if (p.lastMsn !== null && prev.lastMsn !== null && p.lastMsn < prev.lastMsn && !p.endlist) {
        fail('§6.2.1', `went back from msn ${prev.lastMsn} to ${p.lastMsn}`);
      }
    }
    for (const s of p.all) {
      const seen = this.segments.get(s.msn);
      if (seen) {
        if (seen.uri && s.uri && seen.uri !== s.uri) fail('§6.2.1', `segment ${s.msn} changed its URI`);
        if (seen.uri && s.uri && Math.abs(seen.duration - s.duration) > EPS) {
          fail('§6.2.1', `segment ${s.msn} changed its duration ${seen.duration} → ${s.duration}`);
        }
        if (seen.uri && s.uri && seen.gap !== s.gap) fail('§6.2.1', `segment ${s.msn} changed its GAP`);
        if (seen.ds !== s.ds) fail('§6.2.1', `segment ${s.msn} changed its discontinuity sequence ${seen.ds} → ${s.ds}`);
        const n = Math.min(seen.parts.length, s.parts.length);
        for (let i = 0; i < n; i++) {
          const a = seen.parts[i];
          const b = s.parts[i];
          if (a.uri !== b.uri || Math.abs(a.duration - b.duration) > EPS || a.gap !== b.gap ||
              a.independent !== b.independent) {
            fail('§6.2.1', `part ${s.msn}.${i} changed`);
          }
        }
        if (!blocking && seen.uri && s.parts.length && seen.parts.length && s.parts.length < seen.parts.length) {
          fail('§6.2.1', `segment ${s.msn} lost parts`);
        }
      }
      const keep = seen && seen.parts.length > s.parts.length ? { ...s, parts: seen.parts } : s;
      this.segments.set(s.msn, keep);
    }
    // Bounded: forget what left the window long ago.
    for (const msn of this.segments.keys()) {
      if (p.all.length && msn < p.all[0].msn - 50) this.segments.delete(msn);
    }
    if (!blocking) this.last = p;
    return v;
  }
}

// Renditions of one stream side by side (§6.2.4): the same TARGETDURATION and SERVER-CONTROL,
// matching discontinuity sequence numbers and dates for the same msn.
export function checkSiblings(named) {
  const v = [];
  const fail = (rule, what) => v.push(`${rule}: ${what}`);
  const entries = Object.entries(named).map(([n, t]) => [n, typeof t === 'string' ? parseMediaPlaylist(t) : t]);
  if (entries.length < 2) return v;
  const [n0, p0] = entries[0];
  for (const [n, p] of entries.slice(1)) {
    if (p.targetDuration !== p0.targetDuration) {
      fail('§6.2.4', `TARGETDURATION ${n0}=${p0.targetDuration} ${n}=${p.targetDuration}`);
    }
    if ((p.serverControlText ?? '') !== (p0.serverControlText ?? '')) {
      fail('§6.2.4', `SERVER-CONTROL differs between ${n0} and ${n}`);
    }
    if (p.partTarget !== p0.partTarget) fail('§6.2.4', `PART-TARGET differs between ${n0} and ${n}`);
    const bySeq = new Map(p0.all.map((s) => [s.msn, s]));
    for (const s of p.all) {
      const o = bySeq.get(s.msn);
      if (!o) continue;
      if (o.ds !== s.ds) fail('§6.2.4', `msn ${s.msn}: discontinuity sequence ${n0}=${o.ds} ${n}=${s.ds}`);
      if (o.pdt != null && s.pdt != null && Math.abs(o.pdt - s.pdt) > 100) {
        fail('App. B.1', `msn ${s.msn}: PROGRAM-DATE-TIME ${n0} and ${n} ${Math.abs(o.pdt - s.pdt)} ms apart`);
      }
      // Renditions may end at slightly different points (§6.2.4: content in one but not the
      // others only at the beginning or the end): the last segment of an ended one is exempt.
      const lastOfEnded = (q, x) => q.endlist && x === q.segments[q.segments.length - 1];
      if (o.uri && s.uri && Math.abs(o.duration - s.duration) > 0.1 && !lastOfEnded(p0, o) &&
          !lastOfEnded(p, s)) {
        fail('§6.2.4', `msn ${s.msn}: EXTINF ${n0}=${o.duration} ${n}=${s.duration}`);
      }
    }
  }
  return v;
}

export function checkMultivariant(text) {
  const v = [];
  const fail = (rule, what) => v.push(`${rule}: ${what}`);
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  if (lines[0] !== '#EXTM3U') fail('§4.4.1.1', 'the first line is not #EXTM3U');
  const uris = new Set();
  let variants = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i].startsWith('#EXT-X-STREAM-INF:')) continue;
    variants++;
    const a = attrs(lines[i].slice(18));
    const uri = lines[i + 1];
    if (!uri || uri.startsWith('#')) fail('§4.4.6.2', 'EXT-X-STREAM-INF not followed by a URI');
    if (uris.has(uri)) fail('§4.4.6.2', `${uri} listed twice`);
    uris.add(uri);
    if (!/^\d+$/.test(a.BANDWIDTH ?? '') || Number(a.BANDWIDTH) <= 0) fail('§4.4.6.2', `${uri}: BANDWIDTH`);
    if (a['AVERAGE-BANDWIDTH'] && Number(a['AVERAGE-BANDWIDTH']) > Number(a.BANDWIDTH)) {
      fail('Apple 9.3', `${uri}: AVERAGE-BANDWIDTH above BANDWIDTH`);
    }
    if (!a.CODECS) fail('§4.4.6.2 SHOULD / Apple 9.13', `${uri}: no CODECS`);
    if (a.CODECS && a.CODECS.includes('avc1') && !a.RESOLUTION) fail('Apple 9.14', `${uri}: video without RESOLUTION`);
    if (a.CODECS && a.CODECS.includes('avc1') && !a['FRAME-RATE']) fail('Apple 9.15', `${uri}: video without FRAME-RATE`);
  }
  if (!variants) fail('§4.4.6.2', 'no variant');
  return v;
}

// Everything above for one stream: feed it every playlist fetched (its URL and text) and
// read `violations` at the end. `latest` keeps each rendition's newest playlist for the
// side-by-side check, done on every multivariant-aware reload.
export class Checker {
  constructor(opts = {}) {
    this.opts = opts; this.histories = new Map(); this.latest = new Map(); this.latestVod = new Map();
    this.violations = []; this.count = 0;
  }

  // `client`: who read it. Reloads are compared per client (one client's requests come back
  // in order; several clients' responses interleave in any order).
  add(url, text, client = 'test') {
    const u = new URL(url, 'http://x/');
    const where = u.pathname + u.search;
    this.count++;
    const tag = (list) => list.map((x) => `${where}: ${x}`);
    if (u.pathname.endsWith('master.m3u8')) {
      this.violations.push(...tag(checkMultivariant(text)));
      return;
    }
    this.violations.push(...tag(checkMediaPlaylist(text, this.opts)));
    const rendition = u.pathname.split('/').slice(-2)[0];
    // After a stream ends, the same URL serves its recording as VOD (docs/recording.md): a new
    // playlist, compared with its own reloads and its VOD siblings, not with the live ones.
    const vod = /^#EXT-X-PLAYLIST-TYPE:VOD$/m.test(text);
    const key = `${client} ${rendition}${vod ? ' vod' : ''}`;
    if (!this.histories.has(key)) this.histories.set(key, new PlaylistHistory());
    // A delta update lists fewer segments: history compares what both list.
    const blocking = u.searchParams.has('_HLS_msn');
    this.violations.push(...tag(this.histories.get(key).add(text, { blocking })));
    const latest = vod ? this.latestVod : this.latest;
    if (!blocking) latest.set(rendition, text);
    const named = Object.fromEntries(latest);
    this.violations.push(...tag(checkSiblings(named)));
  }
}
