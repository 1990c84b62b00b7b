#!/usr/bin/env bash
# Transcoding ladder benchmark (issue 5), one run, Markdown on stdout (docs/BENCHMARKS.md):
#  1. throughput on a 20 s 1080p30 H.264+AAC file, as fast as each can: CPU-seconds (user+sys)
#     per media second and frames/s of
#       (a) nchat-ladder-bench: the server's Transcoder (full ladder, and 1080p passthrough),
#       (b) the best single ffmpeg command for the same ladder with the same x264 settings
#           (one decode, split, cascaded scaling, audio copied; x264 threads 1 and auto),
#       (c) the product spec's nginx-rtmp `exec ffmpeg` form (four encodes with -s);
#  2. PSNR of every rung, ours and (b)'s, against the same reference (the source scaled by
#     ffmpeg's scale filter), with ffmpeg's psnr filter;
#  3. how many ladders run side by side in real time on this machine (720p sources:
#     720p passthrough + 480p + 360p; 1080p sources: 1080p passthrough + 720p + 480p + 360p),
#     paced at real time, and whether the transcoder sheds rather than falls behind.
# Needs ffmpeg with libx264, /usr/bin/time; builds build-bench (Release) if the bench is missing.
#   bench/ladder.sh [all|throughput|realtime]     (env: LADDER_WORK=dir, RT_SECONDS=30, RT_MAX=6)
set -euo pipefail
what=${1:-all}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
bin=${NCHAT_LADDER_BENCH:-$root/build-bench/nchat-ladder-bench}
work=${LADDER_WORK:-/tmp/nchat-ladder-bench}
rt_seconds=${RT_SECONDS:-30}
rt_max=${RT_MAX:-6}
media_s=${SRC_SECONDS:-20}  # only for a quick check of this script: the figures use 20
frames=$((media_s * 30))
mkdir -p "$work"
log() { echo "ladder.sh: $*" >&2; }

if [ ! -x "$bin" ]; then
  log "building $bin"
  cmake -S "$root" -B "$root/build-bench" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNCHAT_TESTS=OFF >/dev/null
  cmake --build "$root/build-bench" -j2 --target nchat-ladder-bench >/dev/null
fi

# The source. testsrc2 alone is mostly flat colour that x264 codes almost for free; here it is
# averaged with Conway's life (organic, non-translational motion over the whole frame) and
# given temporal noise like a camera's sensor grain, which no motion vector predicts: every
# rung has to spend real bits and x264 real effort. Encoded like OBS would (High, 6 Mb/s,
# 2 s GOP, 2 B-frames), with AAC 128k.
src=$work/src1080.mp4
src720=$work/src720.mp4
if [ ! -s "$src" ]; then
  log "generating $src ($media_s s 1080p30)"
  ffmpeg -hide_banner -v error -y -filter_complex \
    "testsrc2=s=1920x1080:r=30[a];life=s=480x270:r=30:mold=10:ratio=0.1:death_color=#203040:life_color=#e0c070,scale=1920:1080[b];[a][b]blend=all_mode=average,noise=alls=8:allf=t,format=yuv420p[v];sine=frequency=440:sample_rate=48000[s]" \
    -map "[v]" -map "[s]" -t "$media_s" -c:v libx264 -preset veryfast -b:v 6000k -maxrate 6000k -bufsize 12000k \
    -g 60 -keyint_min 60 -sc_threshold 0 -bf 2 -c:a aac -b:a 128k -ac 2 "$src"
fi
if [ ! -s "$src720" ]; then
  log "generating $src720 (the same, 720p30 at 3 Mb/s)"
  ffmpeg -hide_banner -v error -y -i "$src" -vf scale=1280:720 -c:v libx264 -preset veryfast \
    -b:v 3000k -maxrate 3000k -bufsize 6000k -g 60 -keyint_min 60 -sc_threshold 0 -bf 2 -c:a copy "$src720"
fi
# The x264 settings every contender gets (docs/transcode.md: measured for low latency).
x264=(-c:v libx264 -preset veryfast -profile:v high -x264-params bframes=0:rc-lookahead=0:scenecut=0:keyint=infinite)
rate() { echo "-b:v $1k -maxrate $1k -bufsize $(($1 * 2))k"; }

# CPU time the whole machine has been busy, in seconds (all cores, every process).
busy_s() { awk '/^cpu /{print ($2+$3+$4+$7+$8+$9)/100}' /proc/stat; }

# Waits (up to 20 min) until other processes leave the cores alone: this machine is shared
# with builds, and a busy neighbour halves real-time capacity. Set QUIET=0 to skip.
wait_quiet() {
  [ "${QUIET:-1}" = 0 ] && return 0
  local i a b
  for ((i = 0; i < 400; i++)); do
    a=$(busy_s); sleep 3; b=$(busy_s)
    awk -v a="$a" -v b="$b" 'BEGIN{exit !((b-a)/3 < 0.15)}' && return 0
  done
  log "the machine did not get quiet; measuring anyway"
}

# Runs a command or function, timed by bash (user and sys of it and all its children);
# prints "cpu_per_media_s fps user sys wall other", other = cores that other processes kept
# busy meanwhile (0 on a quiet machine).
measure() {
  local t=$work/time.txt TIMEFORMAT='%U %S %R' b0 b1
  wait_quiet
  b0=$(busy_s)
  { time "$@" >"$work/last.out" 2>"$work/last.err"; } 2>"$t" || {
    cat "$work/last.err" >&2
    return 1
  }
  b1=$(busy_s)
  awk -v m="$media_s" -v f="$frames" -v b0="$b0" -v b1="$b1" \
    '{printf "%.3f %.1f %.2f %.2f %.2f %.2f\n", ($1+$2)/m, f/$3, $1, $2, $3, (b1-b0-$1-$2)/$3}' "$t"
}

ffmpeg_ladder() {  # $1 = threads, $2 = out dir, $3 = top: enc|copy, $4 = scale flags,
  # $5 = "defaults" for x264's own veryfast (B-frames, lookahead: the issue's baseline form)
  local t=$1 out=$2 top=$3 flags=$4 top_args graph
  local x264=("${x264[@]}")
  [ "${5:-}" = defaults ] && x264=(-c:v libx264 -preset veryfast -profile:v high)
  mkdir -p "$out"
  # 30 -> 24 fps by dropping every 5th frame with `select` (what fps=24 does to a 30 fps source,
  # but keeping the source's timestamps, so psnr pairs each frame with its source frame).
  local common=(-force_key_frames source -fps_mode passthrough -c:a copy)
  if [ "$top" = enc ]; then
    graph="[0:v]split=2[v1080][a];[a]scale=1280:720:flags=$flags,split=2[v720][b];[b]select='not(eq(mod(n\,5)\,3))',scale=854:480:flags=$flags,split=2[v480][c];[c]scale=640:360:flags=$flags[v360]"
    top_args=(-map "[v1080]" -map 0:a "${x264[@]}" $(rate 3000) -threads "$t" "${common[@]}")
  else
    graph="[0:v]scale=1280:720:flags=$flags,split=2[v720][b];[b]select='not(eq(mod(n\,5)\,3))',scale=854:480:flags=$flags,split=2[v480][c];[c]scale=640:360:flags=$flags[v360]"
    top_args=(-map 0:v -map 0:a -c:v copy -c:a copy)
  fi
  ffmpeg -hide_banner -v error -y -threads "$t" -i "$src" -filter_complex "$graph" \
    "${top_args[@]}" "$out/1080p.mp4" \
    -map "[v720]" -map 0:a "${x264[@]}" $(rate 1500) -threads "$t" "${common[@]}" "$out/720p.mp4" \
    -map "[v480]" -map 0:a "${x264[@]}" $(rate 800) -threads "$t" "${common[@]}" "$out/480p.mp4" \
    -map "[v360]" -map 0:a "${x264[@]}" $(rate 400) -threads "$t" "${common[@]}" "$out/360p.mp4"
}

nginx_form() {  # the product spec's exec ffmpeg, outputs to files instead of rtmp://
  local out=$1
  mkdir -p "$out"
  ffmpeg -hide_banner -v error -y -i "$src" \
    -c:v libx264 -preset veryfast -b:v 3000k -maxrate 3000k -bufsize 6000k -s 1920x1080 -f flv "$out/1080p.flv" \
    -c:v libx264 -preset veryfast -b:v 1500k -maxrate 1500k -bufsize 3000k -s 1280x720 -f flv "$out/720p.flv" \
    -c:v libx264 -preset veryfast -b:v 800k -maxrate 800k -bufsize 1600k -s 854x480 -f flv "$out/480p.flv" \
    -c:v libx264 -preset veryfast -b:v 400k -maxrate 400k -bufsize 800k -s 640x360 -f flv "$out/360p.flv"
}

psnr() {  # $1 = output file, $2 = WxH; main and reference both start at 0, and the main is
  # nudged 5 ms late so a frame whose RTMP-millisecond pts rounded down still pairs with its
  # own source frame (psnr pairs each main frame with the latest reference frame not after it)
  ffmpeg -hide_banner -i "$1" -i "$src" -lavfi \
    "[0:v]setpts=PTS-STARTPTS+0.005/TB[m];[1:v]setpts=PTS-STARTPTS,scale=${2/x/:}[r];[m][r]psnr" \
    -f null - 2>&1 | grep -o 'average:[0-9.inf]*' | cut -d: -f2
}

throughput() {
  local h
  log "throughput: ours (full ladder)"
  read -r ours_full ours_full_fps u s w o_ours_full < <(measure "$bin" "$src" --top transcode --out "$work/ours_full" --id full)
  grep -h '^RUNG' "$work/last.out" >"$work/ours_full.rungs"
  log "throughput: ours (1080p passthrough)"
  read -r ours_pass ours_pass_fps u s w o_ours_pass < <(measure "$bin" "$src" --top passthrough --out "$work/ours_pass" --id pass)
  log "throughput: ffmpeg, x264 threads 1"
  read -r ff1 ff1_fps u s w o_ff1 < <(measure ffmpeg_ladder 1 "$work/ff1" enc bicubic)
  log "throughput: ffmpeg, x264 threads auto"
  read -r ff0 ff0_fps u s w o_ff0 < <(measure ffmpeg_ladder 0 "$work/ff0" enc bicubic)
  log "throughput: ffmpeg, x264 threads 1, area scaling (our scaler)"
  read -r ffa ffa_fps u s w o_ffa < <(measure ffmpeg_ladder 1 "$work/ffa" enc area)
  log "throughput: ffmpeg, x264's own veryfast defaults (the issue's baseline form), threads auto"
  read -r ffd ffd_fps u s w o_ffd < <(measure ffmpeg_ladder 0 "$work/ffd" enc bicubic defaults)
  log "throughput: ffmpeg passthrough ladder, threads 1"
  read -r ffp ffp_fps u s w o_ffp < <(measure ffmpeg_ladder 1 "$work/ffp" copy bicubic)
  log "throughput: nginx-rtmp exec ffmpeg form"
  read -r ng ng_fps u s w o_ng < <(measure nginx_form "$work/nginx")
  local best=$ff1 best_name="threads 1"
  if awk -v a="$ff0" -v b="$ff1" 'BEGIN{exit !(a<b)}'; then best=$ff0; best_name="threads auto"; fi

  echo "### Throughput: \`bench/ladder.sh throughput\` ($(date +%F), load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "| contender | CPU-s per media-s | frames/s | ours ÷ it | other load (cores) |"
  echo "|---|---|---|---|---|"
  row() { printf '| %s | %.3f | %.1f | %s | %.2f |\n' "$1" "$2" "$3" "$4" "$5"; }
  ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3f", a/b}'; }
  row "(a) nchat Transcoder, full ladder (1080p encoded)" "$ours_full" "$ours_full_fps" "—" "$o_ours_full"
  row "(b) ffmpeg split + cascade, same x264 settings, threads 1" "$ff1" "$ff1_fps" "$(ratio "$ours_full" "$ff1")" "$o_ff1"
  row "(b) ffmpeg split + cascade, same x264 settings, threads auto" "$ff0" "$ff0_fps" "$(ratio "$ours_full" "$ff0")" "$o_ff0"
  row "(b') the same, threads 1, with our area scaling" "$ffa" "$ffa_fps" "$(ratio "$ours_full" "$ffa")" "$o_ffa"
  row "(b'') ffmpeg split + cascade, x264 veryfast defaults (B-frames, lookahead 10), threads auto" "$ffd" "$ffd_fps" "$(ratio "$ours_full" "$ffd")" "$o_ffd"
  row "(c) product spec nginx-rtmp exec ffmpeg (4 × -s)" "$ng" "$ng_fps" "$(ratio "$ours_full" "$ng")" "$o_ng"
  row "(a) nchat Transcoder, 1080p passthrough ladder" "$ours_pass" "$ours_pass_fps" "—" "$o_ours_pass"
  row "(b) ffmpeg, 1080p copied + split + cascade, threads 1" "$ffp" "$ffp_fps" "$(ratio "$ours_pass" "$ffp")" "$o_ffp"
  echo
  echo "Best ffmpeg command (b): $best_name. Targets: ours ≤ 0.95 × (b) → $(ratio "$ours_full" "$best"); ours ≤ 0.85 × (c) → $(ratio "$ours_full" "$ng")."
  echo
  echo "| rung | ours kb/s | PSNR ours (dB) | PSNR ffmpeg (b, threads 1) (dB) | ours − ffmpeg |"
  echo "|---|---|---|---|---|"
  for r in 1080p:1920x1080 720p:1280x720 480p:854x480 360p:640x360; do
    local name=${r%%:*} size=${r#*:} po pf kbps
    po=$(psnr "$work/ours_full/$name.mp4" "$size")
    pf=$(psnr "$work/ff1/$name.mp4" "$size")
    kbps=$(grep -o "name=$name .*kbps=[0-9]*" "$work/ours_full.rungs" | grep -o 'kbps=[0-9]*' | cut -d= -f2)
    printf '| %s | %s | %.2f | %.2f | %+.2f |\n' "$name" "$kbps" "$po" "$pf" "$(awk -v a="$po" -v b="$pf" 'BEGIN{print a-b}')"
  done
  echo
}

realtime() {  # $1 = source, $2 = label; N instances paced at real time, N = 1..rt_max
  local s=$1 label=$2 n i
  echo "### Real time, $label: \`bench/ladder.sh realtime\` (${rt_seconds} s each, load before: $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "| ladders | max lag (ms) | lag at end (ms) | streams that shed | shed events | input dropped | CPU-s per media-s per ladder | other load (cores) |"
  echo "|---|---|---|---|---|---|---|---|"
  for ((n = 1; n <= rt_max; n++)); do
    local pids=() b0 b1 t0 t1
    rm -f "$work"/rt_"${n}"_*.out
    wait_quiet
    b0=$(busy_s)
    t0=$(date +%s.%N)
    for ((i = 1; i <= n; i++)); do
      "$bin" "$s" --realtime --seconds "$rt_seconds" --id "s$i" >"$work/rt_${n}_${i}.out" 2>"$work/rt_${n}_${i}.err" &
      pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    b1=$(busy_s)
    t1=$(date +%s.%N)
    local all max_lag end_lag shed events dropped cpu
    all=$(cat "$work"/rt_"${n}"_*.out)
    field() { echo "$all" | awk -v k="$1" '/^RESULT/{for(i=1;i<=NF;i++){split($i,a,"=");if(a[1]==k)print a[2]}}'; }
    max_lag=$(field max_lag_ms | sort -n | tail -1)
    end_lag=$(field end_lag_ms | sort -n | tail -1)
    dropped=$(field input_dropped | awk '{s+=$1} END{print s+0}')
    cpu=$(field cpu_per_media_s | awk '{s+=$1} END{printf "%.3f", s/NR}')
    shed=$(echo "$all" | awk '/^EVENT/ && / shed /{print $2}' | sort -u | wc -l)
    events=$(echo "$all" | awk '/^EVENT/{sub("id=","",$2); $1=""; print substr($0,2)}' | paste -sd ';' - | sed 's/;/; /g')
    local ours_cpu other
    ours_cpu=$(field cpu_s | awk '{s+=$1} END{print s+0}')
    other=$(awk -v a="$b0" -v b="$b1" -v o="$ours_cpu" -v t0="$t0" -v t1="$t1" 'BEGIN{printf "%.2f", (b-a-o)/(t1-t0)}')
    printf '| %d | %s | %s | %d of %d | %s | %s | %s | %s |\n' "$n" "$max_lag" "$end_lag" "$shed" "$n" \
      "${events:-none}" "$dropped" "$cpu" "$other"
  done
  echo
}

echo "Machine: $(nproc) cores, $(uname -r), ffmpeg $(ffmpeg -version | head -1 | cut -d' ' -f3)"
echo
case $what in
  throughput) throughput ;;
  realtime) realtime "$src720" "720p sources (720p passthrough + 480p + 360p)"; realtime "$src" "1080p sources (1080p passthrough + 720p + 480p + 360p)" ;;
  all) throughput; realtime "$src720" "720p sources (720p passthrough + 480p + 360p)"; realtime "$src" "1080p sources (1080p passthrough + 720p + 480p + 360p)" ;;
  *) echo "usage: $0 [all|throughput|realtime]" >&2; exit 2 ;;
esac
