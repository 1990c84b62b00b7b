// A WHIP publisher and a WHEP viewer with nothing but the browser's RTCPeerConnection and
// fetch (RFC 9725; WHEP draft), for the integration tests to drive from Playwright.
'use strict';

async function gathered(pc) {
  if (pc.iceGatheringState === 'complete') return;
  await new Promise((resolve) => {
    const done = () => { if (pc.iceGatheringState === 'complete') resolve(); };
    pc.addEventListener('icegatheringstatechange', done);
    setTimeout(resolve, 3000); // a browser that never says complete: send what it has
  });
}

// The answer as given, or with only the candidates of one transport (`only: 'tcp'` leaves the
// ICE-TCP ones, as on a network that blocks UDP).
function keepCandidates(sdp, only) {
  if (!only) return sdp;
  return sdp.split('\r\n').filter((l) => !/^a=candidate:/.test(l) || l.split(' ')[2].toLowerCase() === only)
    .join('\r\n');
}

// The selected candidate pair's transport as the browser reports it ('udp' or 'tcp').
async function selectedProtocol(pc) {
  const stats = await pc.getStats();
  let pair = null;
  stats.forEach((s) => { if (s.type === 'transport' && s.selectedCandidatePairId) pair = stats.get(s.selectedCandidatePairId); });
  const local = pair && stats.get(pair.localCandidateId);
  return local?.protocol ?? null;
}

function connected(pc, ms = 15000) {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`not connected after ${ms} ms: ${pc.connectionState}`)), ms);
    const check = () => {
      if (pc.connectionState === 'connected') { clearTimeout(t); resolve(); }
      if (pc.connectionState === 'failed') { clearTimeout(t); reject(new Error('connection failed')); }
    };
    pc.addEventListener('connectionstatechange', check);
    check();
  });
}

// Publishes the fake camera and microphone; resolves with what the server answered.
window.whipPublish = async (url, key, { width = 1280, height = 720, audio = true, codec = 'H264', only = null } = {}) => {
  const media = await navigator.mediaDevices.getUserMedia({ video: { width, height, frameRate: 30 }, audio });
  const pc = new RTCPeerConnection();
  for (const track of media.getTracks()) {
    const tr = pc.addTransceiver(track, { direction: 'sendonly', streams: [media] });
    if (track.kind === 'video' && codec) {
      const caps = RTCRtpSender.getCapabilities('video').codecs;
      const first = caps.filter((c) => c.mimeType === `video/${codec}`);
      if (first.length) tr.setCodecPreferences([...first, ...caps.filter((c) => c.mimeType !== `video/${codec}`)]);
    }
  }
  // A broadcast keeps its resolution and gives up frame rate when the CPU or the network is
  // short (the browser's default for cameras does the opposite).
  for (const sender of pc.getSenders()) {
    if (sender.track?.kind !== 'video') continue;
    const params = sender.getParameters();
    params.degradationPreference = 'maintain-resolution';
    await sender.setParameters(params).catch(() => {});
  }
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/sdp', authorization: `Bearer ${key}` },
    body: pc.localDescription.sdp,
  });
  const body = await res.text();
  if (res.status !== 201) { pc.close(); return { status: res.status, body }; }
  await pc.setRemoteDescription({ type: 'answer', sdp: keepCandidates(body, only) });
  window.publisher = { pc, media, location: new URL(res.headers.get('location'), url).href, key };
  await connected(pc);
  return { status: res.status, location: window.publisher.location, etag: res.headers.get('etag'), answer: body };
};

// What the browser says it sends (outbound-rtp) and which codec.
window.whipStats = async () => {
  const out = { video: null, audio: null };
  const stats = await window.publisher.pc.getStats();
  const codecs = {};
  stats.forEach((s) => { if (s.type === 'codec') codecs[s.id] = s.mimeType; });
  stats.forEach((s) => {
    if (s.type !== 'outbound-rtp') return;
    out[s.kind] = { bytesSent: s.bytesSent, packetsSent: s.packetsSent, framesEncoded: s.framesEncoded,
      nackCount: s.nackCount, pliCount: s.pliCount, targetBitrate: s.targetBitrate,
      frameWidth: s.frameWidth, frameHeight: s.frameHeight, codec: codecs[s.codecId] };
  });
  stats.forEach((s) => {
    if (s.type === 'candidate-pair' && s.state === 'succeeded' && s.nominated) {
      out.availableOutgoingBitrate = s.availableOutgoingBitrate; out.rtt = s.currentRoundTripTime;
    }
  });
  out.protocol = await selectedProtocol(window.publisher.pc);
  return out;
};

// WHIP DELETE, then close the connection.
window.whipStop = async () => {
  const p = window.publisher;
  const res = await fetch(p.location, { method: 'DELETE', headers: { authorization: `Bearer ${p.key}` } });
  p.pc.close();
  p.media.getTracks().forEach((t) => t.stop());
  return res.status;
};

// Watches a stream over WHEP into the page's <video>; resolves once frames are decoded, with
// their size and how long the first one took.
window.whepPlay = async (url, { timeout = 15000, only = null } = {}) => {
  const started = performance.now();
  const pc = new RTCPeerConnection();
  pc.addTransceiver('video', { direction: 'recvonly' });
  pc.addTransceiver('audio', { direction: 'recvonly' });
  const video = document.getElementById('v');
  const stream = new MediaStream();
  pc.ontrack = (e) => { stream.addTrack(e.track); video.srcObject = stream; };
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/sdp' }, body: pc.localDescription.sdp });
  const body = await res.text();
  if (res.status !== 201) { pc.close(); return { status: res.status, body }; }
  await pc.setRemoteDescription({ type: 'answer', sdp: keepCandidates(body, only) });
  window.viewer = { pc, location: new URL(res.headers.get('location'), url).href };
  await connected(pc);
  const frames = await new Promise((resolve) => {
    const t = setTimeout(() => resolve(null), timeout);
    const first = () => video.requestVideoFrameCallback((now, meta) => {
      clearTimeout(t);
      resolve({ width: meta.width, height: meta.height, firstFrameMs: performance.now() - started });
    });
    video.play().catch(() => {});
    first();
  });
  return { status: res.status, answer: body, location: window.viewer.location, frames };
};

// What the viewer's browser received (inbound-rtp), per kind.
window.whepStats = async () => {
  const out = {};
  const stats = await window.viewer.pc.getStats();
  stats.forEach((s) => {
    if (s.type !== 'inbound-rtp') return;
    out[s.kind] = { packetsReceived: s.packetsReceived, packetsLost: s.packetsLost, framesDecoded: s.framesDecoded,
      frameWidth: s.frameWidth, frameHeight: s.frameHeight, nackCount: s.nackCount, pliCount: s.pliCount,
      jitterBufferDelay: s.jitterBufferDelay, jitterBufferEmittedCount: s.jitterBufferEmittedCount,
      totalSamplesReceived: s.totalSamplesReceived };
  });
  out.protocol = await selectedProtocol(window.viewer.pc);
  return out;
};
