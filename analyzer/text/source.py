"""Bytes of a script file → text, or one clear error: a script may be saved as UTF-8 (with or
without a byte-order mark) or UTF-16 (Windows Notepad's "Unicode", always with a BOM); anything
else, or a binary file, is refused with a message naming the file instead of a decoding traceback.
"""

from __future__ import annotations

import codecs

from analyzer.errors import InputError

# byte-order marks and the codec each selects; UTF-32 first, since its little-endian BOM begins
# with UTF-16's
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_text(data: bytes, name: str) -> str:
    """The text in ``data`` (a script named ``name``): decoded by its BOM, else as UTF-8; a NUL byte
    or invalid UTF-8 raises :class:`InputError` saying what the file seems to be."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                raise InputError(f"{name}: not valid {codec.upper()} text after its byte-order mark "
                                 f"(bad bytes at offset {exc.start})") from None
    if b"\x00" in data:
        raise InputError(f"{name}: a binary file, not text (a script is a plain-text file, UTF-8 or UTF-16)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: not UTF-8 text (invalid byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                         "save it as UTF-8") from None
