// The API's objects, named as the product spec names them. Every shape comes from the generated
// OpenAPI types (api-types.gen.ts, regenerated from the server by `npm run openapi:gen`); nothing
// here restates a field by hand except where the server's document is silent (marked GAP).
import type { components, paths } from './api-types.gen.js';

export type { components, paths };
type Schemas = components['schemas'];

export type Stream = Schemas['Stream'];
export type CreateStreamInput = Schemas['CreateStream'];
export type UpdateStreamInput = Schemas['PatchStream'];
export type StreamChatMessage = Schemas['StreamChatMessage'];
export type StreamReaction = Schemas['StreamReaction'];
export type Question = Schemas['Question'];
export type Ban = Schemas['Ban'];
export type ModerationLogEntry = Schemas['ModerationLogEntry'];
export type ApiErrorBody = Schemas['Error'];
export type CreateGuestInput = Schemas['CreateGuest'];
/** `POST /api/guest`'s answer: `token` (`ncg_…`), `user` (always a viewer), `expiresAt`. */
export type Guest = Schemas['Guest'];
/** What was recorded of a stream (GET /api/streams/{id}/recording). */
export type Recording = Schemas['Recording'];
export type Clip = Schemas['Clip'];
/** `POST /api/streams/{id}/playback-token`'s answer: a private stream's media is served only with
 * `token` (in the URL, or as WHEP's bearer), valid until `expiresAt` (5 minutes). */
export type PlaybackToken = Schemas['PlaybackToken'];

/** `GET /api/config`'s answer (docs/api.md, "Server features"): what this server does, with the
 * spec's AppConfig names, and the URLs a client needs. */
export type ServerConfig = paths['/api/config']['get']['responses'][200]['content']['application/json'];
/** `maxStreamDuration` is in minutes, 0 = unlimited. */
export type ServerFeatures = ServerConfig['features'];

export type StreamStatus = Stream['status'];
export type Resolution = Stream['maxResolution'];
export type ChatMode = Stream['chatMode'];

/** GAP: `GET /api/streams/live` adds `currentViewers`, which the OpenAPI Stream schema lacks. */
export type LiveStreamSummary = Stream & { currentViewers?: number };

/** GAP: the OpenAPI document describes the health answer only as an object with required keys;
 * its fields are in docs/api.md and docs/transcode.md. These are the ones the studio reads. */
export interface StreamHealth {
  streamId: string;
  status: StreamStatus;
  publishing: boolean;
  renditions: string[];
  transcode: TranscodeHealth | null;
}

export interface HealthAdvice {
  code: string;
  message: string;
}

export interface TranscodeHealth {
  lagMs?: number;
  speed?: number;
  queueDepth?: number;
  queueCapacity?: number;
  inputDropped?: number;
  limited?: boolean;
  shedLevel?: number;
  frameDropLevel?: number;
  sourceKeyframeIntervalMs?: number;
  longGop?: boolean;
  topRung?: string;
  advice?: HealthAdvice[];
  error?: string | null;
  renditions?: RenditionHealth[];
}

export interface RenditionHealth {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
  fps: number;
  passthrough: boolean;
  framesIn?: number;
  framesOut?: number;
  dropped?: number;
  shed?: boolean;
  encodeMsPerFrame?: number;
}

/** The spec's quality ladder (product spec, "Quality Levels"). */
export const QUALITY_PRESETS = {
  '1080p': { width: 1920, height: 1080, bitrate: 3_000_000, fps: 30 },
  '720p': { width: 1280, height: 720, bitrate: 1_500_000, fps: 30 },
  '480p': { width: 854, height: 480, bitrate: 800_000, fps: 24 },
  '360p': { width: 640, height: 360, bitrate: 400_000, fps: 24 },
} as const satisfies Record<Resolution, { width: number; height: number; bitrate: number; fps: number }>;

export type QualityPreset = keyof typeof QUALITY_PRESETS;
