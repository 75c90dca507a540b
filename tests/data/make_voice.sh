#!/usr/bin/env bash
# Regenerates tests/data/voice_fr.ogg, a short real Ogg/Opus voice note in French.
# Needs espeak-ng and ffmpeg (Debian: apt-get install -y espeak-ng ffmpeg).
# The committed file is what tests use; run this only to rebuild it.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${1:-$here/voice_fr.ogg}"
text="Ajoute une tâche acheter du pain demain"

wav="$(mktemp --suffix=.wav)"
trap 'rm -f "$wav"' EXIT

espeak-ng -v fr -s 150 -w "$wav" "$text"
# Telegram voice notes are mono Opus in Ogg; 16 kHz at 16 kbit/s keeps the file tiny.
ffmpeg -hide_banner -loglevel error -y -i "$wav" \
    -ac 1 -ar 16000 -c:a libopus -b:a 16k -application voip \
    -map_metadata -1 -fflags +bitexact -flags:a +bitexact \
    "$out"

ffprobe -hide_banner -loglevel error -show_entries stream=codec_name,channels,sample_rate \
    -show_entries format=format_name,duration -of default=noprint_wrappers=1 "$out"
