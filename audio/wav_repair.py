"""Make a WAV whose writer died readable again, keeping every sample that reached the disk.

The recorder rewrites the header every second, so after a crash (kill -9, power cut) the header may
count up to a second fewer frames than the file holds; some writers never fix it at all. Here the
``data`` chunk is taken to run to the end of the file, and the file is rewritten (atomically) with
a header that says so.
"""

from __future__ import annotations

import os
import struct
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

_FORMATS = {(1, 16): np.int16, (3, 32): np.float32}  # (WAVE format tag, bits) -> sample type


class UnrecoverableAudio(ValueError):
    pass


def _chunks(raw: bytes):  # type: ignore[no-untyped-def]
    pos = 12
    while pos + 8 <= len(raw):
        name, size = raw[pos : pos + 4], struct.unpack("<I", raw[pos + 4 : pos + 8])[0]
        yield name, pos + 8, size
        pos += 8 + size + (size & 1)


def repair_wav(path: Path) -> float:
    """Rewrite ``path`` so its header covers all the audio in it; returns its length in seconds."""
    raw = path.read_bytes()
    if len(raw) < 12 or raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        raise UnrecoverableAudio(f"{path} is not a WAV file")
    fmt = None
    for name, start, _size in _chunks(raw):
        if name == b"fmt ":
            tag, channels, rate = struct.unpack("<HHI", raw[start : start + 8])
            bits = struct.unpack("<H", raw[start + 14 : start + 16])[0]
            fmt = (tag, channels, rate, bits)
        elif name == b"data":
            if fmt is None:
                break
            tag, channels, rate, bits = fmt
            dtype = _FORMATS.get((tag, bits))
            if dtype is None:
                raise UnrecoverableAudio(f"{path}: unsupported WAV sample format {tag}/{bits} bits")
            frame = channels * bits // 8
            usable = (len(raw) - start) // frame * frame  # to the end of the file, whatever the header says
            samples = np.frombuffer(raw[start : start + usable], dtype=dtype).reshape(-1, channels)
            subtype = "PCM_16" if dtype is np.int16 else "FLOAT"
            fd, tmp = tempfile.mkstemp(prefix=".repair-", suffix=".wav", dir=path.parent)
            os.close(fd)
            try:
                sf.write(tmp, samples, rate, subtype=subtype)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            return len(samples) / rate
    raise UnrecoverableAudio(f"{path} holds no audio data")
