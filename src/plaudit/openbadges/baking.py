"""Baked badges: a credential carried inside its own badge image.

Open Badges 3.0 bakes the signed credential (JSON, or a compact JWT) into a PNG `iTXt` chunk with
the keyword `openbadgecredential`, or into an SVG `<openbadges:credential>` element
(namespace https://purl.imsglobal.org/ob/v3p0; a JWT in its `verify` attribute, JSON as CDATA).
Open Badges 2.0 uses the keyword `openbadges` and `<openbadges:assertion verify="URL">`
(namespace http://openbadges.org) holding the hosted assertion.

Baking replaces any earlier chunk or element of the same kind: an image carries one at most.
"""

import struct
import zlib
from dataclasses import dataclass
from typing import Literal

from lxml import etree

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
OB3_KEYWORD = "openbadgecredential"
OB2_KEYWORD = "openbadges"
OB3_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
OB2_NAMESPACE = "http://openbadges.org"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_OB3_ELEMENT = f"{{{OB3_NAMESPACE}}}credential"
_OB2_ELEMENT = f"{{{OB2_NAMESPACE}}}assertion"
# Bounds on reading a PNG anyone may submit: a real badge has a few dozen chunks and a credential
# of some kilobytes.
MAX_CHUNKS = 4096
MAX_TEXT_BYTES = 2 * 1024 * 1024

Version = Literal["ob3", "ob2"]


class NotBaked(ValueError):
    """The file is not a PNG or SVG, is damaged, or carries no badge."""


@dataclass(frozen=True)
class BakedBadge:
    """What an image carries: `text` is credential JSON or a JWT (ob3), or assertion JSON or
    its URL (ob2)."""

    version: Version
    text: str


# --- PNG ---------------------------------------------------------------------------------


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) chunks of a PNG, each CRC checked; at most MAX_CHUNKS of them."""
    if not png.startswith(PNG_SIGNATURE):
        raise NotBaked("not a PNG file")
    chunks: list[tuple[bytes, bytes]] = []
    position = len(PNG_SIGNATURE)
    while position < len(png):
        if len(chunks) == MAX_CHUNKS:
            raise NotBaked(f"a PNG with more than {MAX_CHUNKS} chunks")
        if position + 12 > len(png):
            raise NotBaked("truncated PNG chunk")
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        end = position + 8 + length
        if end + 4 > len(png):
            raise NotBaked("truncated PNG chunk")
        data = png[position + 8 : end]
        (crc,) = struct.unpack(">I", png[end : end + 4])
        if zlib.crc32(kind + data) != crc:
            raise NotBaked(f"bad CRC in PNG chunk {kind!r}")
        chunks.append((kind, data))
        position = end + 4
        if kind == b"IEND":
            break
    if not chunks or chunks[-1][0] != b"IEND" or chunks[0][0] != b"IHDR":
        raise NotBaked("PNG without IHDR or IEND")
    return chunks


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _itxt(keyword: str, text: str) -> bytes:
    """An uncompressed iTXt chunk body: keyword, NUL, flag 0, method 0, empty language tag and
    translated keyword (each NUL-terminated), UTF-8 text."""
    return keyword.encode("latin-1") + b"\x00\x00\x00\x00\x00" + text.encode("utf-8")


def _keyword(kind: bytes, data: bytes) -> str | None:
    """The keyword of an iTXt or tEXt chunk; None for other chunks."""
    if kind not in (b"iTXt", b"tEXt"):
        return None
    return data.partition(b"\x00")[0].decode("latin-1")


def _text_of(kind: bytes, data: bytes) -> str:
    """The text of an iTXt or tEXt chunk, inflated (iTXt may be compressed) to MAX_TEXT_BYTES
    at most: a few hundred KB of deflate stream can hold gigabytes of zeros."""
    _name, _, rest = data.partition(b"\x00")
    if kind == b"tEXt":
        return rest.decode("latin-1")
    if len(rest) < 2:
        raise NotBaked("malformed iTXt chunk")
    compressed, body = rest[0], rest[2:]
    _language, _, body = body.partition(b"\x00")
    _translated, _, body = body.partition(b"\x00")
    try:
        raw = _inflate(body) if compressed else body
        return raw.decode("utf-8")
    except (zlib.error, UnicodeDecodeError) as error:
        raise NotBaked("malformed iTXt chunk") from error


def _inflate(body: bytes) -> bytes:
    inflater = zlib.decompressobj()
    raw = inflater.decompress(body, MAX_TEXT_BYTES + 1)
    if len(raw) > MAX_TEXT_BYTES:
        raise NotBaked(f"the baked credential is larger than {MAX_TEXT_BYTES // 2**20} MiB")
    if not inflater.eof:
        raise NotBaked("malformed iTXt chunk")
    return raw


def bake_png(png: bytes, text: str, version: Version = "ob3") -> bytes:
    """The PNG with `text` in an iTXt chunk just before IEND, replacing any earlier one."""
    keyword = OB3_KEYWORD if version == "ob3" else OB2_KEYWORD
    kept = b"".join(
        _chunk(kind, data)
        for kind, data in _chunks(png)
        if kind != b"IEND" and _keyword(kind, data) != keyword
    )
    return PNG_SIGNATURE + kept + _chunk(b"iTXt", _itxt(keyword, text)) + _chunk(b"IEND", b"")


def extract_png(png: bytes) -> BakedBadge:
    """The badge a PNG carries: an OB 3.0 credential before an OB 2.0 assertion. Only the
    first chunk of each badge keyword is read; no other chunk is ever inflated."""
    found: dict[str, str] = {}
    for kind, data in _chunks(png):
        keyword = _keyword(kind, data)
        if keyword in (OB3_KEYWORD, OB2_KEYWORD) and keyword not in found:
            found[keyword] = _text_of(kind, data)
    if OB3_KEYWORD in found:
        return BakedBadge("ob3", found[OB3_KEYWORD])
    if OB2_KEYWORD in found:
        return BakedBadge("ob2", found[OB2_KEYWORD])
    raise NotBaked("this PNG carries no Open Badges credential")


# --- SVG ---------------------------------------------------------------------------------

# Never resolve entities, load a DTD or touch the network: the SVG may come from anyone.
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=False
)


def _parse_svg(svg: str | bytes) -> etree._Element:
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise NotBaked("not a well-formed SVG file") from error
    if root.tag != f"{{{SVG_NAMESPACE}}}svg":
        raise NotBaked("not an SVG file")
    return root


def _cdata_safe(text: str) -> str:
    """JSON that cannot close a CDATA section early: `]]>` only occurs inside JSON strings,
    where `\\u003e` means the same."""
    return text.replace("]]>", "]]\\u003e")


def bake_svg(svg: str | bytes, text: str, version: Version = "ob3", *, verify: str = "") -> str:
    """The SVG with the badge as the first child of <svg>, replacing any earlier one.

    ob3: a JWT goes into `verify`, JSON into CDATA. ob2: `text` is the assertion JSON, and
    `verify` its hosted URL.
    """
    root = _parse_svg(svg)
    namespace, tag = (
        (OB3_NAMESPACE, _OB3_ELEMENT) if version == "ob3" else (OB2_NAMESPACE, _OB2_ELEMENT)
    )
    for old in root.findall(f".//{tag}"):
        old.getparent().remove(old)
    nsmap = {**root.nsmap, "openbadges": namespace}
    baked_root = etree.Element(root.tag, attrib=dict(root.attrib), nsmap=nsmap)
    baked_root.text = root.text
    element = etree.SubElement(baked_root, tag)
    if version == "ob3" and not text.lstrip().startswith("{"):
        element.set("verify", text.strip())
    else:
        if verify:
            element.set("verify", verify)
        element.text = etree.CDATA(_cdata_safe(text))
    element.tail = root.text
    for child in root:
        baked_root.append(child)
    return etree.tostring(baked_root, encoding="unicode")


def extract_svg(svg: str | bytes) -> BakedBadge:
    """The badge an SVG carries: an OB 3.0 credential before an OB 2.0 assertion."""
    root = _parse_svg(svg)
    element = root.find(f".//{_OB3_ELEMENT}")
    if element is not None:
        text = (element.text or "").strip() or element.get("verify", "").strip()
        if text:
            return BakedBadge("ob3", text)
    element = root.find(f".//{_OB2_ELEMENT}")
    if element is not None:
        text = (element.text or "").strip() or element.get("verify", "").strip()
        if text:
            return BakedBadge("ob2", text)
    raise NotBaked("this SVG carries no Open Badges credential")


def extract(data: bytes) -> BakedBadge:
    """The badge a PNG or SVG file carries, whichever it is."""
    if data.startswith(PNG_SIGNATURE):
        return extract_png(data)
    return extract_svg(data)
