"""The length of a voice note, read from its Ogg/Opus pages."""

from __future__ import annotations

from pathlib import Path

from core.audio import ogg_opus_seconds

VOICE = Path(__file__).parent.parent / "data" / "voice_fr.ogg"


def test_a_telegram_voice_note_lasts_its_last_granule_less_the_pre_skip() -> None:
    data = VOICE.read_bytes()
    # 108,906 samples at 48 kHz by the last page, 312 of them the encoder's priming: the
    # packets' own frame sizes add up to 2.28 s, the end padding trimmed by the granule.
    assert ogg_opus_seconds(data) == (108_906 - 312) / 48_000 == 2.262375


def test_anything_else_has_no_length_rather_than_a_wrong_one() -> None:
    data = VOICE.read_bytes()
    assert ogg_opus_seconds(data[:-10]) is None  # cut short
    assert ogg_opus_seconds(b"") is None
    assert ogg_opus_seconds(b"OggS") is None
    assert ogg_opus_seconds(b"\x1aE\xdf\xa3" + b"\x00" * 200) is None  # WebM
    vorbis = data.replace(b"OpusHead", b"vorbisXX", 1)
    assert ogg_opus_seconds(vorbis) is None
