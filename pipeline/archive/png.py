"""PNG images of a PDF's pages: Poppler draws them, this module writes the PNG files.

pdftoppm's own PNG writer spends ten times longer compressing a page than drawing it (0,5 s for
a two-page decision at 100 dpi). Here pdftoppm draws every page of the file in one call as raw
PPM on its standard output, read one page at a time (memory holds a few pages, about 3 MB each
at 100 dpi), and each page is compressed with zlib (level 1, no row filter: for pages of text hardly
larger than level 6, and twice as fast) in a thread of its own while Poppler draws the next. The
images are smaller than pdftoppm's and the same bytes every time.
"""

from __future__ import annotations

import struct
import subprocess
import tempfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO

from pipeline.archive.programs import find_program
from pipeline.problems import InputError, Problem

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_MAX_SIDE = 20_000  # pixels; a PPM header claiming more is not pdftoppm's
_IN_FLIGHT = 3  # drawn pages waiting for their encoder at most


def render_png(pdf: bytes, resolution: int = 100) -> tuple[bytes, ...]:
    """One PNG per page of `pdf`; raises InputError when pdftoppm is missing or fails."""
    pdftoppm = find_program("pdftoppm")
    with (tempfile.NamedTemporaryFile(prefix="qdgen-png-", suffix=".pdf") as source,
          tempfile.TemporaryFile() as errors):
        source.write(pdf)
        source.flush()
        command = [str(pdftoppm), "-r", str(resolution), source.name]
        with (subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=errors) as process,
              ThreadPoolExecutor(max_workers=2) as encoders):
            assert process.stdout is not None
            pages: list[Future[bytes]] = []
            try:
                while (page := _read_ppm(process.stdout)) is not None:
                    pages.append(encoders.submit(encode_png, *page))
                    if len(pages) > _IN_FLIGHT:
                        pages[-_IN_FLIGHT - 1].result()  # memory holds a few drawn pages, not the file
            except ValueError:
                process.kill()
            if process.wait() != 0 or not pages:
                errors.seek(0)
                message = errors.read().decode("utf-8", "replace").strip()[-300:]
                raise InputError([Problem("archive.pdftoppm_failed", f"pdftoppm không vẽ được trang: {message}")])
            return tuple(page.result() for page in pages)

def encode_png(width: int, height: int, rgb: bytes) -> bytes:
    """A PNG (8-bit RGB, no interlace) of `rgb`, `width * height * 3` bytes in rows from the top."""
    stride = width * 3
    rows = b"".join(b"\0" + rgb[top:top + stride] for top in range(0, stride * height, stride))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return _SIGNATURE + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(rows, 1)) + _chunk(b"IEND", b"")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _read_ppm(stream: IO[bytes]) -> tuple[int, int, bytes] | None:
    """The next binary PPM (P6, maxval 255) of `stream`: width, height, pixels; `None` at its end."""
    fields: list[bytes] = []
    while len(fields) < 4:
        token = _token(stream)
        if token is None:
            if fields:
                raise ValueError("truncated PPM header")
            return None
        fields.append(token)
    magic, width, height, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    if magic != b"P6" or maxval != 255 or not (0 < width <= _MAX_SIDE and 0 < height <= _MAX_SIDE):
        raise ValueError(f"unexpected PPM header {fields!r}")
    size = width * height * 3
    pixels = stream.read(size)
    if len(pixels) != size:
        raise ValueError("truncated PPM")
    return width, height, pixels


def _token(stream: IO[bytes]) -> bytes | None:
    """The next whitespace-separated header field; the single whitespace after it is consumed."""
    token = bytearray()
    while (char := stream.read(1)) != b"":
        if char.isspace():
            if token:
                return bytes(token)
        elif char == b"#" and not token:
            while stream.read(1) not in (b"\n", b""):
                pass
        else:
            token += char
    return bytes(token) or None
