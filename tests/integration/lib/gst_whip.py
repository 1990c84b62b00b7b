#!/usr/bin/env python3
"""A small WHIP client (RFC 9725) on GStreamer's webrtcbin: a second, independent WebRTC stack
for the integration tests (tests/integration/webrtc_gst.test.mjs).

    gst_whip.py [--width 640 --height 360 --local-ip IP] -- URL STREAM_KEY SECONDS

(`--` first: a stream key may begin with '-'.)

videotestsrc -> x264enc -> rtph264pay and audiotestsrc -> opusenc -> rtpopuspay, both sendonly
into one webrtcbin (max-bundle). It creates the offer, waits for ICE gathering to complete,
POSTs the offer to URL with the bearer key, applies the answer, publishes for SECONDS, DELETEs
the session's Location and exits 0. It prints JSON lines on stdout: {"event": "answer", ...}
after the POST, {"event": "state", ...} on every ICE/connection state change, and one final
{"event": "done", ...} (or {"event": "error", ...}) line with what happened and webrtcbin's
stats. Any failure exits non-zero with a message on stderr.
"""
import argparse
import ctypes
import ipaddress
import json
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import gi

gi.require_version('Gst', '1.0')
gi.require_version('GstWebRTC', '1.0')
gi.require_version('GstSdp', '1.0')
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

# The offer is made before the first buffer fixes rtph264pay's caps, so what it will send
# (FU-A/STAP-A: packetization-mode 1, RFC 6184) is stated in the caps webrtcbin offers from.
PIPELINE = (
    'webrtcbin name=w bundle-policy=max-bundle '
    'videotestsrc is-live=true pattern=smpte ! video/x-raw,width={w},height={h},framerate=30/1 '
    '! videoconvert ! queue ! x264enc tune=zerolatency key-int-max=60 speed-preset=ultrafast bitrate=1500 '
    '! video/x-h264,profile=constrained-baseline ! rtph264pay config-interval=-1 aggregate-mode=zero-latency pt=96 '
    '! application/x-rtp,media=video,encoding-name=H264,payload=96,clock-rate=90000,packetization-mode=(string)1 ! w. '
    'audiotestsrc is-live=true wave=sine freq=440 ! audioconvert ! audioresample ! queue ! opusenc ! rtpopuspay pt=111 '
    '! application/x-rtp,media=audio,encoding-name=OPUS,payload=111,clock-rate=48000 ! w.'
)


def emit(obj):
    print(json.dumps(obj, default=str), flush=True)


def enum_name(v):
    try:
        return v.value_nick
    except AttributeError:
        return str(v)


def structure_to_dict(s):
    """A GstStructure of plain fields to a dict (nested structures recursed)."""
    out = {}
    for i in range(s.n_fields()):
        name = s.nth_field_name(i)
        val = s.get_value(name)
        if isinstance(val, Gst.Structure):
            val = structure_to_dict(val)
        elif hasattr(val, 'value_nick'):  # GEnum/GFlags (int subclasses): by name
            val = val.value_nick
        elif not (isinstance(val, (int, float, str, bool)) or val is None):
            val = str(val)
        out[name] = val
    return out


class Fail(Exception):
    pass


def add_local_address(webrtc, ip):
    """Gathers host candidates on `ip` only (nice_agent_add_local_address on webrtcbin's NiceAgent).

    libnice leaves loopback out of gathering and pins each socket to its interface
    (IP_UNICAST_IF), so on one machine its checks from the LAN address to a server's 127.0.0.1
    candidate never arrive: the counterpart of Chromium's --allow-loopback-in-peer-connection.
    GStreamer 1.22 has no property for it and Debian has no Nice typelib, hence ctypes.
    """
    # Through g_object_get, not get_property: PyGObject 3.42 drops one reference too many on
    # webrtcbin's ice-agent (GLib-GObject-CRITICAL, then a crash). The references taken here
    # are kept for the life of the process.
    get = ctypes.pythonapi.PyCapsule_GetPointer
    get.restype = ctypes.c_void_p
    get.argtypes = [ctypes.py_object, ctypes.c_char_p]
    gobject = ctypes.CDLL('libgobject-2.0.so.0')
    gobject.g_object_get.restype = None
    ice = ctypes.c_void_p()
    gobject.g_object_get(ctypes.c_void_p(get(webrtc.__gpointer__, None)), b'ice-agent', ctypes.byref(ice), None)
    if not ice.value:
        raise Fail('webrtcbin has no ice-agent')
    ptr = ctypes.c_void_p()
    gobject.g_object_get(ice, b'agent', ctypes.byref(ptr), None)
    if not ptr.value:
        raise Fail("webrtcbin's ice-agent has no NiceAgent")
    ptr = ptr.value
    nice = ctypes.CDLL('libnice.so.10')
    nice.nice_address_set_from_string.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    nice.nice_address_set_from_string.restype = ctypes.c_int
    nice.nice_agent_add_local_address.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    nice.nice_agent_add_local_address.restype = ctypes.c_int
    addr = ctypes.create_string_buffer(64)  # NiceAddress: a sockaddr_in6-sized union
    nice.nice_address_init(addr)
    if not nice.nice_address_set_from_string(addr, ip.encode()):
        raise Fail(f'libnice does not take {ip!r} as an address')
    if not nice.nice_agent_add_local_address(ctypes.c_void_p(ptr), addr):
        raise Fail(f'nice_agent_add_local_address({ip}) failed')


class Client:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.error = None
        self.result = {'url': args.url}
        self.states = {'ice': [], 'connection': [], 'gathering': []}
        self.location = None
        self.pipe = Gst.parse_launch(PIPELINE.format(w=args.width, h=args.height))
        self.webrtc = self.pipe.get_by_name('w')
        self.webrtc.set_property('stun-server', None)
        if args.local_ip:
            add_local_address(self.webrtc, args.local_ip)
        self.result['localIp'] = args.local_ip
        self.webrtc.connect('notify::ice-connection-state', self.on_state, 'ice', 'ice-connection-state')
        self.webrtc.connect('notify::connection-state', self.on_state, 'connection', 'connection-state')
        self.webrtc.connect('notify::ice-gathering-state', self.on_gathering)
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect('message::error', self.on_bus_error)
        self.offer_sent = False

    # --- failure handling -------------------------------------------------------------------
    def fail(self, msg):
        if self.error is None:
            self.error = msg
        GLib.idle_add(self.loop.quit)

    def on_bus_error(self, _bus, msg):
        err, dbg = msg.parse_error()
        self.fail(f'pipeline error from {msg.src.get_name()}: {err.message} ({dbg})')

    # --- states ------------------------------------------------------------------------------
    def on_state(self, _elem, _pspec, key, prop):
        v = enum_name(self.webrtc.get_property(prop))
        self.states[key].append(v)
        emit({'event': 'state', key: v, 't': round(time.monotonic() - self.t0, 3)})
        if v == 'failed':
            self.fail(f'{prop} went to failed (states so far: {self.states})')

    def on_gathering(self, _elem, _pspec):
        v = enum_name(self.webrtc.get_property('ice-gathering-state'))
        self.states['gathering'].append(v)
        if v == 'complete' and not self.offer_sent:
            self.offer_sent = True
            GLib.idle_add(self.post_offer)

    # --- negotiation -------------------------------------------------------------------------
    def start(self):
        self.t0 = time.monotonic()
        # webrtcbin creates a transceiver per linked sink pad; a WHIP publisher only sends.
        self.pipe.set_state(Gst.State.READY)
        for i in range(2):
            t = self.webrtc.emit('get-transceiver', i)
            if t is None:
                raise Fail(f'webrtcbin has no transceiver {i}')
            t.set_property('direction', GstWebRTC.WebRTCRTPTransceiverDirection.SENDONLY)
        if self.pipe.set_state(Gst.State.PLAYING) == Gst.StateChangeReturn.FAILURE:
            raise Fail('the pipeline could not go to PLAYING')
        promise = Gst.Promise.new_with_change_func(self.on_offer_created, None)
        self.webrtc.emit('create-offer', None, promise)
        # Polling as a fallback: some versions notify gathering-state late.
        GLib.timeout_add(100, self.poll_gathering)
        GLib.timeout_add_seconds(15, self.gather_timeout)

    def on_offer_created(self, promise, _data):
        promise.wait()
        reply = promise.get_reply()
        if reply is None or not reply.has_field('offer'):
            self.fail(f'create-offer gave no offer: {reply.to_string() if reply else None}')
            return
        offer = reply.get_value('offer')
        p = Gst.Promise.new()
        self.webrtc.emit('set-local-description', offer, p)
        p.interrupt()

    def poll_gathering(self):
        if self.offer_sent or self.error:
            return False
        v = enum_name(self.webrtc.get_property('ice-gathering-state'))
        if v == 'complete':
            self.offer_sent = True
            self.post_offer()
            return False
        return True

    def gather_timeout(self):
        if not self.offer_sent:
            self.fail('ICE gathering did not complete in 15 s')
        return False

    def request(self, method, url, body=None, headers=None):
        h = {'Authorization': f'Bearer {self.args.key}', **(headers or {})}
        req = urllib.request.Request(url, data=body, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                return res.status, dict(res.headers), res.read().decode('utf-8', 'replace')
        except urllib.error.HTTPError as e:
            return e.code, dict(e.headers), e.read().decode('utf-8', 'replace')

    def post_offer(self):
        try:
            local = self.webrtc.get_property('local-description')
            if local is None:
                raise Fail('no local description after ICE gathering')
            sdp = local.sdp.as_text()
            self.result['offer'] = sdp
            status, headers, body = self.request('POST', self.args.url, sdp.encode(),
                                                 {'Content-Type': 'application/sdp'})
            self.result['status'] = status
            loc = headers.get('Location') or headers.get('location')
            self.result['location'] = urllib.parse.urljoin(self.args.url, loc) if loc else None
            self.result['etag'] = headers.get('ETag') or headers.get('etag')
            self.location = self.result['location']
            emit({'event': 'answer', 'status': status, 'location': self.location,
                  'etag': self.result['etag'], 'answer': body if status == 201 else None,
                  'body': None if status == 201 else body})
            if status != 201:
                raise Fail(f'POST {self.args.url} -> {status}: {body.strip()[:500]}')
            if not self.location:
                raise Fail('201 without a Location header')
            self.result['answer'] = body
            ok, msg = GstSdp.SDPMessage.new_from_text(body)
            if ok != GstSdp.SDPResult.OK:
                raise Fail(f'the answer does not parse as SDP ({ok})')
            answer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.ANSWER, msg)
            p = Gst.Promise.new()
            self.webrtc.emit('set-remote-description', answer, p)
            p.wait()
            reply = p.get_reply()
            if reply is not None and reply.has_field('error'):
                raise Fail(f'set-remote-description refused the answer: {reply.get_value("error")}')
            self.t_answer = time.monotonic()
            GLib.timeout_add(int(self.args.seconds * 1000), self.finish)
            GLib.timeout_add_seconds(10, self.check_connected)
        except Fail as e:
            self.fail(str(e))
        except Exception as e:  # noqa: BLE001
            self.fail(f'{type(e).__name__}: {e}')
        return False

    def check_connected(self):
        conn = enum_name(self.webrtc.get_property('connection-state'))
        if conn != 'connected':
            ice = enum_name(self.webrtc.get_property('ice-connection-state'))
            self.fail(f'not connected 10 s after the answer: connection-state={conn} ice-connection-state={ice}')
        return False

    def stats(self):
        p = Gst.Promise.new()
        self.webrtc.emit('get-stats', None, p)
        if p.wait() != Gst.PromiseResult.REPLIED:
            return None
        reply = p.get_reply()
        if reply is None:
            return None
        out = {}
        for i in range(reply.n_fields()):
            name = reply.nth_field_name(i)
            val = reply.get_value(name)
            if isinstance(val, Gst.Structure):
                d = structure_to_dict(val)
                t = d.get('type')
                if t in ('outbound-rtp', 'remote-inbound-rtp', 'transport', 'candidate-pair',
                         'local-candidate', 'remote-candidate', 'codec'):
                    # Of rtpbin's own per-source block, only what the receiver reported back.
                    src = d.pop('gst-rtpsource-stats', None)
                    if isinstance(src, dict) and src.get('have-rb'):
                        d['rb'] = {k: v for k, v in src.items() if k.startswith('rb-')}
                    out[name] = d
        return out

    def finish(self):
        try:
            self.result['stats'] = self.stats()
        except Exception as e:  # noqa: BLE001
            self.result['stats'] = f'unavailable: {e}'
        status, _h, body = self.request('DELETE', self.location)
        self.result['deleteStatus'] = status
        if status not in (200, 204):
            self.fail(f'DELETE {self.location} -> {status}: {body.strip()[:300]}')
        else:
            self.loop.quit()
        return False

    def run(self):
        try:
            self.start()
        except Fail as e:
            self.error = str(e)
        if self.error is None:
            self.loop.run()
        if self.error and self.location and 'deleteStatus' not in self.result:
            # A failure after the 201: end the session rather than leave it to ICE timeouts.
            try:
                self.result['deleteStatus'] = self.request('DELETE', self.location)[0]
            except OSError as e:
                self.result['deleteStatus'] = f'failed: {e}'
        self.result['ice'] = enum_name(self.webrtc.get_property('ice-connection-state'))
        self.result['connection'] = enum_name(self.webrtc.get_property('connection-state'))
        self.result['states'] = self.states
        self.pipe.set_state(Gst.State.NULL)
        return self.error


def main():
    ap = argparse.ArgumentParser(description='WHIP publish with GStreamer webrtcbin')
    ap.add_argument('url')
    ap.add_argument('key')
    ap.add_argument('seconds', type=float)
    ap.add_argument('--width', type=int, default=640)
    ap.add_argument('--height', type=int, default=360)
    ap.add_argument('--local-ip', default=None,
                    help='gather ICE candidates on this address only (default: the URL host when it is a loopback address)')
    args = ap.parse_args()
    if args.local_ip is None:
        host = urllib.parse.urlsplit(args.url).hostname or ''
        try:
            if ipaddress.ip_address(host).is_loopback:
                args.local_ip = host
        except ValueError:
            pass
    Gst.init(None)
    for el in ('webrtcbin', 'x264enc', 'opusenc', 'nicesrc', 'rtph264pay', 'rtpopuspay'):
        if Gst.ElementFactory.find(el) is None:
            print(f'gst_whip: GStreamer element {el} is missing', file=sys.stderr)
            return 3
    try:
        c = Client(args)
    except (Fail, GLib.Error) as e:
        emit({'event': 'error', 'error': str(e)})
        print(f'gst_whip: {e}', file=sys.stderr)
        return 1
    err = c.run()
    c.result['event'] = 'error' if err else 'done'
    if err:
        c.result['error'] = err
    emit(c.result)
    if err:
        print(f'gst_whip: {err}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
