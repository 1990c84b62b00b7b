/// <reference types="vite/client" />
interface ImportMetaEnv {
  /** The spec's NEXT_PUBLIC_STREAM_INGEST_URL: overrides the RTMP URL the server reports. */
  readonly VITE_STREAM_INGEST_URL?: string;
  /** The spec's NEXT_PUBLIC_HLS_BASE_URL: where HLS is fetched from. */
  readonly VITE_HLS_BASE_URL?: string;
  /** The server's base URL when the app is not served by it. */
  readonly VITE_API_BASE_URL?: string;
}
interface ImportMeta {
  readonly env: ImportMetaEnv;
}
