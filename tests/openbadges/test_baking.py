"""Baking: the credential goes into the image and comes back out unchanged; the image stays a
valid PNG or SVG; a second bake replaces the first."""

import io
import json
import resource
import struct
import time
import zlib

import pytest
from lxml import etree
from PIL import Image

from plaudit.openbadges import baking
from tests.support.hostile_inputs import make_verify_png_bomb

CREDENTIAL = json.dumps({"id": "urn:uuid:1", "name": "Données ]]> <b>&</b>"})
JWT = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJ4In0.c2ln"
SVG = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
    'width="10" height="10"><rect width="10" height="10" fill="#123456"/></svg>'
)


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "#336699").save(out, "PNG")
    return out.getvalue()


def chunk_types(png: bytes) -> list[bytes]:
    types, position = [], 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", png[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind + data) == crc
        types.append(kind)
        position += 12 + length
    return types


@pytest.mark.parametrize("text", [CREDENTIAL, JWT])
def test_png_round_trip(text: str) -> None:
    baked = baking.bake_png(png_bytes(), text)
    assert baking.extract_png(baked) == baking.BakedBadge("ob3", text)
    types = chunk_types(baked)
    assert types[-2:] == [b"iTXt", b"IEND"]
    image = Image.open(io.BytesIO(baked))
    image.load()  # still a valid image, pixels intact
    assert image.getpixel((0, 0)) == (0x33, 0x66, 0x99)
    assert image.text["openbadgecredential"] == text  # Pillow reads the same iTXt chunk


def test_png_rebake_replaces_the_credential() -> None:
    twice = baking.bake_png(baking.bake_png(png_bytes(), CREDENTIAL), JWT)
    assert chunk_types(twice).count(b"iTXt") == 1
    assert baking.extract_png(twice).text == JWT


def test_png_ob2_and_ob3_coexist_and_ob3_wins() -> None:
    both = baking.bake_png(baking.bake_png(png_bytes(), '{"id": "a"}', "ob2"), JWT)
    assert baking.extract_png(both) == baking.BakedBadge("ob3", JWT)
    only_ob2 = baking.bake_png(png_bytes(), "https://x.example/a", "ob2")
    assert baking.extract_png(only_ob2) == baking.BakedBadge("ob2", "https://x.example/a")


def test_png_chunk_written_by_another_tool_is_read() -> None:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_itxt("openbadgecredential", JWT, zip=True)  # compressed: we still read it
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG", pnginfo=info)
    assert baking.extract_png(out.getvalue()).text == JWT


@pytest.mark.parametrize(
    "damaged",
    [
        b"",
        b"GIF89a....",
        png_bytes()[:-6],  # truncated
        png_bytes()[:20] + b"\x00" + png_bytes()[21:],  # bad CRC in IHDR
    ],
)
def test_damaged_or_foreign_files_are_refused(damaged: bytes) -> None:
    with pytest.raises(baking.NotBaked):
        baking.extract_png(damaged)


def test_png_without_badge() -> None:
    with pytest.raises(baking.NotBaked, match="carries no"):
        baking.extract_png(png_bytes())


def test_svg_round_trip_json_in_cdata() -> None:
    baked = baking.bake_svg(SVG, CREDENTIAL)
    root = etree.fromstring(baked.encode())
    first = root[0]
    assert first.tag == "{https://purl.imsglobal.org/ob/v3p0}credential"
    assert root.nsmap["openbadges"] == "https://purl.imsglobal.org/ob/v3p0"
    assert "<![CDATA[" in baked
    assert json.loads(baking.extract_svg(baked).text) == json.loads(CREDENTIAL)
    assert root[1].tag == "{http://www.w3.org/2000/svg}rect"


def test_svg_jwt_goes_in_verify_attribute_and_rebake_replaces() -> None:
    baked = baking.bake_svg(baking.bake_svg(SVG, CREDENTIAL), JWT)
    root = etree.fromstring(baked.encode())
    elements = root.findall("{https://purl.imsglobal.org/ob/v3p0}credential")
    assert len(elements) == 1
    assert elements[0].get("verify") == JWT
    assert baking.extract_svg(baked) == baking.BakedBadge("ob3", JWT)


def test_svg_ob2_assertion() -> None:
    baked = baking.bake_svg(SVG, '{"id": "https://h/a"}', "ob2", verify="https://h/a")
    element = etree.fromstring(baked.encode())[0]
    assert element.tag == "{http://openbadges.org}assertion"
    assert element.get("verify") == "https://h/a"
    assert baking.extract(baked.encode()).version == "ob2"


@pytest.mark.parametrize(
    "hostile",
    [
        "<svg xmlns='http://www.w3.org/2000/svg'><unclosed></svg>",
        "<html xmlns='http://www.w3.org/1999/xhtml'/>",
        '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        '<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>',
    ],
)
def test_svg_hostile_or_foreign_input_never_yields_a_badge(hostile: str) -> None:
    with pytest.raises(baking.NotBaked):
        baking.extract_svg(hostile)


def test_png_zip_bomb_is_refused_without_inflating_it() -> None:
    """Only the badge's own chunk is inflated, and only up to a cap: 256 MiB of zeros under
    the badge keyword (and another 256 MiB under a foreign one) cost neither time nor memory."""
    bomb = make_verify_png_bomb()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.thread_time()  # CPU time: the work done, however busy the machine is
    with pytest.raises(baking.NotBaked, match="the baked credential is larger than 2 MiB"):
        baking.extract_png(bomb)
    assert time.thread_time() - started < 1
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before < 64


def test_png_compressed_chunks_under_other_keywords_are_never_inflated() -> None:
    body = b"Comment\x00\x01\x00\x00\x00" + b"not a deflate stream"
    foreign = (
        struct.pack(">I", len(body))
        + b"iTXt"
        + body
        + struct.pack(">I", zlib.crc32(b"iTXt" + body))
    )
    image = png_bytes()
    baked = baking.bake_png(image[:33] + foreign + image[33:], JWT)
    assert baking.extract_png(baked).text == JWT  # a broken foreign chunk hides nothing


def test_png_with_too_many_chunks_is_refused() -> None:
    image = png_bytes()
    chunk = struct.pack(">I", 0) + b"tEXt" + struct.pack(">I", zlib.crc32(b"tEXt"))
    crowded = image[:33] + chunk * 5000 + image[33:]  # after the 8-byte signature and IHDR
    with pytest.raises(baking.NotBaked, match="more than 4096 chunks"):
        baking.extract_png(crowded)
