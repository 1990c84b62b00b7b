// What every test player page reports on window.report, whatever the player: the video clock,
// the decoded size, errors, and stalls (the video waiting for data after it started playing).
window.makeReport = function makeReport(video) {
  const report = { errors: [], fatal: null, levels: [], times: [], stalls: [], switches: 0 };
  window.report = report;
  let waitingSince = null;
  let started = false;
  video.addEventListener('playing', () => {
    started = true;
    if (waitingSince !== null) {
      report.stalls.push({ at: video.currentTime, ms: Math.round(performance.now() - waitingSince) });
      waitingSince = null;
    }
  });
  video.addEventListener('waiting', () => {
    if (started && waitingSince === null) waitingSince = performance.now();
  });
  setInterval(() => {
    report.times.push(video.currentTime);
    report.width = video.videoWidth;
    report.height = video.videoHeight;
    report.decoded = video.getVideoPlaybackQuality ? video.getVideoPlaybackQuality().totalVideoFrames : -1;
    report.buffered = video.buffered.length ? video.buffered.end(video.buffered.length - 1) - video.currentTime : 0;
    // A stall still going on counts too.
    report.stalling = waitingSince === null ? 0 : Math.round(performance.now() - waitingSince);
  }, 250);
  return report;
};
