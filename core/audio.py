"""How long a voice note lasts, read from the file itself (no ffprobe in the image).

Ogg/Opus only, which is what Telegram voice notes are (and what Firefox records): the granule
position of a page is the number of 48 kHz samples decoded by its end, so the last page's, less
the stream's pre-skip (the encoder's priming samples, in its OpusHead), is the length. Other
containers (WebM, MP4) answer None: their length comes from elsewhere or stays unknown.
"""

from __future__ import annotations

OPUS_RATE = 48_000
_CAPTURE = b"OggS"
_HEADER = 27  # bytes before a page's segment table


def ogg_opus_seconds(data: bytes) -> float | None:
    """Seconds of audio in an Ogg/Opus file; None when it is not one or is cut short."""
    pre_skip: int | None = None
    granule = -1
    offset = 0
    while offset < len(data):
        page = _page(data, offset)
        if page is None:
            return None
        end, position, body = page
        if pre_skip is None:
            if not body.startswith(b"OpusHead") or len(body) < 12:
                return None
            pre_skip = int.from_bytes(body[10:12], "little")
        if position >= 0:  # -1: no packet ends on this page
            granule = position
        offset = end
    if pre_skip is None or granule < 0:
        return None
    return max(0, granule - pre_skip) / OPUS_RATE


def _page(data: bytes, offset: int) -> tuple[int, int, bytes] | None:
    """(end offset, granule position, body) of the page at `offset`; None if it is not one."""
    header = data[offset : offset + _HEADER]
    if len(header) < _HEADER or not header.startswith(_CAPTURE) or header[4] != 0:
        return None
    segments = header[26]
    table = data[offset + _HEADER : offset + _HEADER + segments]
    if len(table) < segments:
        return None
    start = offset + _HEADER + segments
    end = start + sum(table)
    if end > len(data):
        return None
    position = int.from_bytes(header[6:14], "little", signed=True)
    return end, position, data[start:end]
