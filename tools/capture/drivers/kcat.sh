#!/usr/bin/env bash
# Drives kcat (librdkafka) through the capture proxy: metadata, produce with keys, headers and
# each compression codec, a simple consumer, a balanced consumer group and an offsets query.
#   CAPTURE_BOOTSTRAP=127.0.0.1:39192 tools/capture/drivers/kcat.sh
set -euo pipefail
B="${CAPTURE_BOOTSTRAP:-127.0.0.1:39192}"
TOPIC=capture-kcat
command -v kcat >/dev/null || { echo "kcat not found: apt-get install -y kcat" >&2; exit 1; }
# linger.ms: let the two lines of each produce run go out in one batch.
K=(kcat -b "$B" -X client.id=capture-kcat -X linger.ms=200)

"${K[@]}" -L -t "$TOPIC" >/dev/null   # auto-creates the topic
for codec in none gzip snappy lz4 zstd; do
  printf 'key-1:%s value one\nkey-2:%s value two\n' "$codec" "$codec" |
    "${K[@]}" -P -t "$TOPIC" -p 0 -K: -z "$codec" -H "codec=$codec" -H "source=kcat"
done
"${K[@]}" -C -t "$TOPIC" -p 0 -o beginning -e -q -f '%k %s %h\n' >/dev/null
"${K[@]}" -G capture-kcat-group -X auto.offset.reset=earliest -c 10 -e -q "$TOPIC" >/dev/null
"${K[@]}" -Q -t "$TOPIC:0:$(( $(date +%s) * 1000 - 60000 ))" >/dev/null
"${K[@]}" -L >/dev/null
echo "kcat driver: done" >&2
